/*
 * cmd_run.c - `vbench run`: parse the options, hand over to the runner,
 * then write the report of the run into its directory (summary.json,
 * summary.csv, report.md, charts/ and report.html: the same files as
 * `vbench report DIR`).  An interrupted run gets no report (`vbench report
 * DIR` makes it from what was recorded); a report that cannot be written is
 * one line and does not change the run's exit code.
 */
#include <stdio.h>

#include "harness/core/options.h"
#include "harness/env/env.h"
#include "harness/run/prepare.h"
#include "harness/core/undo.h"
#include "harness/output/report_dir.h"
#include "harness/run/resume.h"
#include "harness/run/runner.h"
#include "harness/fleet/fleet.h"
#include "harness/store/store.h"
#include "bench/cmd.h"
#include "lib/term.h"

/* Returns @rc, or VB_EXIT_INTERRUPT when the report was interrupted. */
static int write_report(const vb_run_cfg_t *cfg, int rc)
{
	vb_report_dir_opts_t o = { .charts = 1, .log = cfg->quiet ? NULL : stderr };
	vb_error_t err;

	vb_error_clear(&err);
	if (vb_report_dir_run_dir_at(cfg->out_fd, cfg->out, &o, &err) < 0) {
		fprintf(stderr, "vbench run: no report: %s (`vbench report %s` makes it)\n",
			err.msg, cfg->out);
		if (err.code == VB_EINTR || vb_undo_interrupted())
			return VB_EXIT_INTERRUPT;
	} else if (!cfg->quiet)
		vb_term_say(stderr, "report in %s/report.html", cfg->out);
	return vb_undo_interrupted() ? VB_EXIT_INTERRUPT : rc;
}

/* --store: the run added to the result store (a failure is one line; the run's
 * exit code stands). */
static void store_run(const vb_run_cfg_t *cfg)
{
	unsigned added = 0, replaced = 0;
	vb_store_t *s;
	vb_error_t err;

	vb_error_clear(&err);
	if (!(s = vb_store_open(cfg->store, 1, &err)) ||
	    vb_fleet_store_add(s, cfg->out, NULL, &added, &replaced, &err) < 0)
		fprintf(stderr, "vbench run: not stored: %s\n", err.msg);
	else if (!cfg->quiet)
		vb_term_say(stderr, "run %s in the store %s", replaced ? "replaced" : "added",
			    vb_store_path(s));
	vb_store_close(s);
}

int vb_cmd_run(int argc, char **argv)
{
	static vb_run_cfg_t cfg;
	vb_resume_t rs = { 0 };
	vb_error_t err;
	int rc;

	vb_error_clear(&err);
	vb_run_cfg_init(&cfg);
	rc = vb_run_cfg_parse(&cfg, argc, argv, vb_env_cfg_ext(), &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc < 0) {
		fprintf(stderr, "vbench run: %s\n", err.msg);
		return vb_error_exit_code(&err);
	}
	/* --resume: the directory is locked before its run.json is read */
	if (cfg.resume[0] && (vb_prepare_out_open(&cfg, cfg.resume, &err) < 0 ||
			      vb_resume_open(&rs, &cfg, &err) < 0)) {
		fprintf(stderr, "vbench run: %s\n", err.msg);
		vb_resume_close(&rs);
		vb_prepare_out_close(&cfg);
		return vb_error_exit_code(&err);
	}
	if (rs.complete) {
		fprintf(stderr, "vbench run: %s: nothing to resume (the run is complete)\n", cfg.resume);
		vb_resume_close(&rs);
		vb_prepare_out_close(&cfg);
		return VB_EXIT_OK;
	}
	rc = cfg.resume[0] ? vb_run_resume(&cfg, &rs, &err) : vb_run(&cfg, &err);
	if (err.code != VB_OK)
		fprintf(stderr, "vbench run: %s\n", err.msg);
	else if ((rc == VB_EXIT_OK || rc == VB_EXIT_FAIL) && cfg.out[0])
		rc = write_report(&cfg, rc);
	if ((rc == VB_EXIT_OK || rc == VB_EXIT_FAIL) && cfg.out[0] && cfg.store_set)
		store_run(&cfg);
	vb_prepare_out_close(&cfg); /* the lock is held until the report is written */
	vb_run_cfg_free(&cfg);
	vb_resume_close(&rs);
	return rc;
}
