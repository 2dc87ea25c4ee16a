/*
 * report_dir.c - write every output of a report into a directory
 * (report_dir.h): the printers of table.h on a summary, the charts of
 * charts.h, samples.jsonl (samples.h) when the run is known, each text
 * file replaced atomically.
 */
#include "harness/output/report_dir.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/output/charts.h"
#include "harness/analysis/explain.h"
#include "harness/analysis/samples.h"
#include "harness/core/undo.h"
#include "harness/output/table.h"
#include "harness/output/hosts_print.h"
#include "harness/core/runfile.h"
#include "lib/safefs.h"
#include "harness/analysis/summary.h"
#include "lib/term.h"
#include "lib/testpoint.h"
#include "lib/util.h"

enum { OUT_JSON, OUT_CSV, OUT_MD, OUT_HTML, OUT_SAMPLES, OUT_REPS, NOUT };

static const char *const out_name[NOUT] = { "summary.json", "summary.csv", "report.md",
					    "report.html", VB_SAMPLES_NAME, "repetitions.csv" };

typedef struct texts {
	char *data[NOUT];
	size_t len[NOUT];
} texts_t;

/* Render @fn(@sum) into text @k. */
static int render(texts_t *t, int k, void (*fn)(const json_t *, FILE *), const json_t *sum,
		  vb_error_t *err)
{
	FILE *f = open_memstream(&t->data[k], &t->len[k]);

	if (!f)
		return vb_error_sys(err, "render %s", out_name[k]);
	fn(sum, f);
	if (fclose(f) != 0)
		return vb_error_sys(err, "render %s", out_name[k]);
	return 0;
}

/* samples.jsonl: one sample of @run per line (samples.h, docs/exports.md). */
static int render_samples(texts_t *t, const json_t *run, vb_error_t *err)
{
	json_t *all = vb_samples_build(run), *x;
	FILE *f = all ? open_memstream(&t->data[OUT_SAMPLES], &t->len[OUT_SAMPLES]) : NULL;
	size_t i;
	int bad = !f;

	json_array_foreach(all, i, x)
		bad |= !f || json_dumpf(x, f, JSON_COMPACT | JSON_ENSURE_ASCII) < 0 ||
		       fputc('\n', f) == EOF;
	if (f && fclose(f) != 0)
		bad = 1;
	json_decref(all);
	return bad ? vb_error_set(err, VB_ESYS, 0, "render " VB_SAMPLES_NAME ": out of memory")
		   : 0;
}

static int render_html(texts_t *t, const json_t *sum, const json_t *charts, const json_t *explain,
		       vb_error_t *err)
{
	FILE *f = open_memstream(&t->data[OUT_HTML], &t->len[OUT_HTML]);

	if (!f)
		return vb_error_sys(err, "render report.html");
	vb_report_html(sum, charts, explain, f);
	if (fclose(f) != 0)
		return vb_error_sys(err, "render report.html");
	return 0;
}

int vb_report_dir_write_at(const json_t *sum, int dirfd, const char *dir,
			   const vb_report_dir_opts_t *o, vb_error_t *err)
{
	texts_t t;
	json_t *charts = NULL, *explain = NULL, *n;
	char path[PATH_MAX];
	int rc = -1, k;
	size_t i;

	memset(&t, 0, sizeof(t));
	t.data[OUT_JSON] = json_dumps(sum, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!t.data[OUT_JSON]) {
		vb_error_set(err, VB_ESYS, 0, "encode summary.json");
		goto out;
	}
	t.len[OUT_JSON] = strlen(t.data[OUT_JSON]);
	if (render(&t, OUT_CSV, vb_report_csv, sum, err) < 0 ||
	    render(&t, OUT_MD, vb_report_md, sum, err) < 0)
		goto out;
	if (o->run && render_samples(&t, o->run, err) < 0)
		goto out;
	if (o->charts) {
		json_t *in = vb_charts_input(sum, o->run);

		charts = in ? vb_charts_render_at(in, dirfd, dir, err) : NULL;
		json_decref(in);
		if (!charts) {
			if (!in)
				vb_error_set(err, VB_ESYS, 0, "charts: out of memory");
			goto out;
		}
		json_array_foreach(json_object_get(charts, "notes"), i, n)
			if (o->log)
				vb_term_say(o->log, "%s", json_string_value(n));
	}
	vb_test_point("report", NULL);
	if (vb_undo_interrupted()) {
		/* Nothing half-written: every text file is replaced atomically
		 * and none has been yet; `vbench report DIR` makes them. */
		vb_error_set(err, VB_EINTR, 0, "%s: report interrupted", dir);
		goto out;
	}
	if (o->run && !(explain = vb_explain_build(o->run, sum, o->name ?: dir))) {
		vb_error_set(err, VB_ESYS, 0, "explain: out of memory");
		goto out;
	}
	if (render_html(&t, sum, charts, explain, err) < 0)
		goto out;
	if (o->run && render(&t, OUT_REPS, vb_report_reps_csv, o->run, err) < 0)
		goto out;
	for (k = 0; k < NOUT; k++) /* samples.jsonl, repetitions.csv: only with the run */
		if (t.data[k] &&
		    (vb_path_join(path, sizeof(path), dir, out_name[k], err) < 0 ||
		     vb_safefs_replace_at(dirfd, out_name[k], t.data[k], t.len[k], 0644, path, err) < 0))
			goto out;
	rc = 0;
out:
	json_decref(explain);
	json_decref(charts);
	for (k = 0; k < NOUT; k++)
		free(t.data[k]);
	return rc;
}

int vb_report_dir_write(const json_t *sum, const char *dir, const vb_report_dir_opts_t *o,
			vb_error_t *err)
{
	vb_safefs_made_t made;
	int fd = vb_safefs_mkdir_p(dir, 0755, &made, err), rc;

	if (fd < 0)
		return -1;
	rc = vb_report_dir_write_at(sum, fd, dir, o, err);
	close(fd);
	if (rc < 0)
		vb_safefs_unmake(&made); /* the levels it made, if still empty */
	return rc;
}

int vb_report_dir_run_dir_at(int dirfd, const char *dir, const vb_report_dir_opts_t *o,
			     vb_error_t *err)
{
	char path[PATH_MAX];
	vb_report_dir_opts_t go;
	vb_summary_cfg_t cfg;
	json_t *run, *sum;
	int rc;

	if (vb_path_join(path, sizeof(path), dir, VB_RUNFILE_NAME, err) < 0)
		return -1;
	run = vb_runfile_load_at(dirfd, VB_RUNFILE_NAME, VB_SAFEFS_BENEATH, path, err);
	if (!run)
		return -1;
	vb_summary_cfg_init(&cfg);
	cfg.margin = NAN;
	vb_summary_cfg_margin(&cfg, run); /* as `vbench run --margin` recorded it */
	sum = vb_summary_build(run, &cfg, err);
	if (!sum) {
		json_decref(run);
		return -1;
	}
	go = *o;
	go.run = run;
	rc = vb_report_dir_write_at(sum, dirfd, dir, &go, err);
	json_decref(sum);
	json_decref(run);
	return rc;
}

/* ---- the fleet report ---- */

static const char *const fleet_name[] = { "fleet-summary.json", "fleet-report.md", "fleet.csv",
					      "fleet-report.html" };

int vb_report_dir_fleet_at(const json_t *fleet, int dirfd, const char *dir,
			   const vb_report_dir_opts_t *o, vb_error_t *err)
{
	char *data[4] = { NULL, NULL, NULL, NULL }, path[PATH_MAX];
	size_t len[4] = { 0, 0, 0, 0 }, i;
	json_t *charts = NULL, *n;
	FILE *f;
	int rc = -1, k;

	data[0] = json_dumps(fleet, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!data[0]) {
		vb_error_set(err, VB_ESYS, 0, "encode fleet-summary.json");
		goto out;
	}
	len[0] = strlen(data[0]);
	if (o->charts) {
		if (!(charts = vb_charts_render_fleet_at(fleet, dirfd, dir, err)))
			goto out;
		json_array_foreach(json_object_get(charts, "notes"), i, n)
			if (o->log)
				vb_term_say(o->log, "%s", json_string_value(n));
	}
	for (k = 1; k < 4; k++) {
		if (!(f = open_memstream(&data[k], &len[k]))) {
			vb_error_sys(err, "render %s", fleet_name[k]);
			goto out;
		}
		if (k == 1)
			vb_hosts_md(fleet, f);
		else if (k == 2)
			vb_hosts_csv(fleet, f);
		else
			vb_hosts_html(fleet, charts, f);
		if (fclose(f) != 0) {
			vb_error_sys(err, "render %s", fleet_name[k]);
			goto out;
		}
	}
	if (vb_undo_interrupted()) {
		vb_error_set(err, VB_EINTR, 0, "%s: report interrupted", dir);
		goto out;
	}
	for (k = 0; k < 4; k++)
		if (vb_path_join(path, sizeof(path), dir, fleet_name[k], err) < 0 ||
		    vb_safefs_replace_at(dirfd, fleet_name[k], data[k], len[k], 0644, path, err) < 0)
			goto out;
	rc = 0;
out:
	json_decref(charts);
	for (k = 0; k < 4; k++)
		free(data[k]);
	return rc;
}
