/*
 * runner.c - `vbench run` from request to run.json (runner.h).
 */
#include "harness/run/runner.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "workloads/workload.h"
#include "harness/run/clean.h"
#include "harness/core/agentmsg.h"
#include "harness/core/cpuclaim.h"
#include "lib/counters.h"
#include "harness/run/density.h"
#include "harness/env/env.h"
#include "lib/hostinfo.h"
#include "harness/run/noisy.h"
#include "harness/run/prepare.h"
#include "harness/core/undo.h"
#include "harness/output/table.h"
#include "harness/run/resume.h"
#include "harness/core/runfile.h"
#include "harness/run/schedule.h"
#include "harness/run/sizing.h"
#include "harness/analysis/stats.h"
#include "harness/run/run_int.h"
#include "lib/textsafe.h"
#include "lib/term.h"
#include "lib/util.h"

/* The calibration instance @env answered out of step (@why): a fresh one
 * for the next request (the run's own instance of bare, or the private one
 * started again on demand). */
static void calibration_restart(run_state_t *st, vb_env_t *env, const char *why)
{
	size_t i;

	for (i = 0; i < st->nenvs; i++)
		if (env == &st->envs[i]) {
			vb_run_protocol_restart(st, i, why);
			return;
		}
	vb_env_down(&st->calib);
	st->have_calib = 0;
}

static int probe_once(void *ctx, const vb_workload_t *w, const vb_params_t *p,
		      uint64_t *elapsed_ns, vb_error_t *err)
{
	run_state_t *st = ctx;
	vb_env_t *env = vb_run_calibration_env(st, err);
	json_t *req, *reply;

	if (!env)
		return -1;
	/* Negative ids: never a repetition's, never the same twice. */
	req = vb_agent_run_request(st->cfg, --st->probe_id, w, p, 0);
	reply = vb_env_run(env, req, err);
	json_decref(req);
	/* Out of step, or given up on (its answer may still come): a fresh
	 * instance, so no later request reads a stale line. */
	if (!reply && (err->code == VB_EPROTO || err->code == VB_ETIMEOUT))
		calibration_restart(st, env, err->msg);
	if (!reply)
		return -1;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		vb_agent_reply_error(reply, err);
		json_decref(reply);
		return -1;
	}
	*elapsed_ns = (uint64_t)json_integer_value(json_object_get(reply, "elapsed_ns"));
	json_decref(reply);
	return 0;
}

/*
 * A workload an earlier session sized keeps its recorded parameters (never
 * calibrated again: every environment gets the same amount of work).
 * Returns 1 when @w had them (st->params[@i] filled), 0 when it must be
 * sized, with *@old its earlier record (a failed sizing) or NULL.
 */
static int recorded_params(run_state_t *st, size_t i, json_t **old)
{
	const vb_workload_t *w = st->cfg->wl[i];
	json_t *rec, *p;
	vb_error_t err;
	size_t j;

	*old = NULL;
	json_array_foreach(json_object_get(st->doc, "workloads"), j, rec) {
		if (strcmp(json_string_value(json_object_get(rec, "name")) ?: "", w->name))
			continue;
		p = json_object_get(rec, "params");
		if (!p) {
			*old = rec;
			return 0;
		}
		vb_error_clear(&err);
		if (vb_params_from_json(w, &st->params[i], p, &err) < 0) {
			vb_term_say(stderr, "%s: recorded parameters: %s", w->name, err.msg);
			st->failures++;
			return 1; /* not sized again, not run */
		}
		st->wl_ok[i] = 1;
		return 1;
	}
	return 0;
}

static void size_workloads(run_state_t *st)
{
	json_t *arr = json_object_get(st->doc, "workloads"), *rec, *cal, *metrics, *old;
	vb_sizing_t sz;
	vb_caches_t caches;
	vb_error_t err;
	size_t i, j;
	int fixed;

	vb_hostinfo_caches(&caches);
	vb_sizing_init(&sz, &caches, st->cfg->memory, (unsigned)st->cfg->cpus, st->cfg->profile->tiny);
	for (i = 0; i < st->cfg->nwl && !vb_undo_interrupted(); i++) {
		const vb_workload_t *w = st->cfg->wl[i];

		if (recorded_params(st, i, &old))
			continue;
		metrics = json_array();
		for (j = 0; j < w->nmetrics; j++)
			json_array_append_new(metrics, json_pack("{s:s,s:s,s:s}", "name", w->metrics[j].name,
								 "unit", w->metrics[j].unit, "better",
								 w->metrics[j].better == VB_HIGHER_IS_BETTER
									 ? "higher"
									 : "lower"));
		rec = json_pack("{s:s,s:s,s:s,s:o}", "name", w->name, "kind", vb_kind_name(w->kind),
				"description", w->description, "metrics", metrics);
		if (old) { /* an earlier session could not size it: again */
			json_object_set(rec, "previous_error", json_object_get(old, "error"));
			for (j = 0; json_array_get(arr, j) != old; j++)
				;
			json_array_set_new(arr, j, rec); /* releases @old */
		} else {
			json_array_append_new(arr, rec);
		}
		vb_error_clear(&err);
		cal = NULL;
		if (vb_sizing_params(w, &sz, st->cfg, &st->params[i], &fixed, &err) < 0 ||
		    (!fixed && vb_sizing_calibrate(w, &st->params[i], st->cfg->profile->target_s,
						   probe_once, st, &cal, &err) < 0)) {
			json_object_set_new(rec, "error", json_string(err.msg));
			vb_term_say(stderr, "%s: %s", w->name, err.msg);
			st->failures++;
			continue;
		}
		st->wl_ok[i] = 1;
		json_object_set_new(rec, "params", vb_params_to_json(&st->params[i]));
		json_object_set_new(rec, "calibration",
				    cal ? cal : json_pack("{s:b}", "fixed_by_user", fixed));
		if (!st->cfg->quiet)
			vb_term_say(stderr, "sized %s", w->name);
	}
}

/* Density, then noisy neighbours, on the environments that started. */
static void capacity(run_state_t *st)
{
	const vb_env_ops_t *ops[VB_MAX_ENVS];
	size_t i, n = 0;

	/* Those that started, in this session or an earlier one (each skips
	 * an environment whose measurement is already recorded). */
	for (i = 0; i < st->nenvs; i++)
		if (!vb_run_env_is_mode(st, i) && /* the same instance but its path */
		    !st->target[i][0] && /* a remote machine: nothing more to start there */
		    json_is_true(json_object_get(st->env_rec[i], "available")) &&
		    json_object_get(st->env_rec[i], "start_latency_ns"))
			ops[n++] = st->ops[i];
	if (!vb_undo_interrupted() && vb_density_run(st->cfg, ops, n, st->doc) == 0)
		vb_noisy_run(st->cfg, ops, n, st->doc);
}

/* ---- the run -------------------------------------------------------- */

void vb_run_warn(run_state_t *st, const char *fmt, const char *arg)
{
	char raw[512], buf[600];

	snprintf(raw, sizeof(raw), fmt, arg);
	vb_text_term(raw, buf, sizeof(buf)); /* @arg may be an agent's text */
	json_array_append_new(json_object_get(st->doc, "warnings"), json_string(buf));
	if (!st->cfg->quiet) /* recorded in run.json all the same */
		vb_term_say(stderr, "NOTE: %s", buf);
}

static json_t *allocation_json(const vb_run_cfg_t *cfg)
{
	char why[256];
	vb_cg_mode_t m = vb_cgroup_probe(cfg->cgroup_root, why, sizeof(why));

	return json_pack("{s:I,s:s,s:I,s:s,s:s,s:b}", "cpus", (json_int_t)cfg->cpus, "env_cpus",
			 cfg->env_cpus, "memory_bytes", (json_int_t)cfg->memory, "harness_cpus",
			 cfg->harness_cpus, "cgroup", cfg->use_cgroup ? why : "disabled (--no-cgroup)",
			 "cgroup_enforced", cfg->use_cgroup && m != VB_CG_NONE);
}

/* What the CPU choice found (prepare.c): another run live, busy CPUs; what
 * the default selection left out. */
static void option_notes(run_state_t *st)
{
	size_t i;

	for (i = 0; i < 2; i++)
		if (st->cfg->cpu_notes[i][0])
			vb_run_warn(st, "%s", st->cfg->cpu_notes[i]);
	if (st->cfg->sel_note[0]) /* not a CPU's, but said at the same points */
		vb_run_warn(st, "%s", st->cfg->sel_note);
}

/* --resume: the run directory is open and locked (vb_prepare_out_open);
 * its agent log is appended to. */
static int resume_out(vb_run_cfg_t *cfg, vb_error_t *err)
{
	if (cfg->out_fd < 0 && vb_prepare_out_open(cfg, cfg->out, err) < 0)
		return -1;
	return vb_prepare_out_log(cfg, err);
}

/* Say once (replacing an earlier session's note) that the run has sessions. */
static void sessions_warning(run_state_t *st)
{
	json_t *w = json_object_get(st->doc, "warnings"), *v;
	char buf[512];
	size_t i;

	json_array_foreach(w, i, v)
		if (!strncmp(json_string_value(v) ?: "", VB_SESSIONS_WARNING, strlen(VB_SESSIONS_WARNING))) {
			json_array_remove(w, i);
			break;
		}
	snprintf(buf, sizeof(buf),
		 VB_SESSIONS_WARNING "%d sessions (vbench run --resume): each repetition names its "
		 "session; an environment's start and stop latency and host memory are from the "
		 "last session that started it (earlier ones in sessions[].environments)",
		 st->session);
	vb_run_warn(st, "%s", buf);
}

/*
 * --resume: this session may continue the run only on the same host with
 * the same allocation and a schedule that matches what is recorded; checked
 * before run.json is touched.  @host (this session's facts) is consumed.
 */
static int resume_setup(run_state_t *st, json_t *host, vb_error_t *err)
{
	json_t *alloc = allocation_json(st->cfg), *r, *sess;
	size_t i;
	int rc;

	st->doc = json_incref(st->rs->doc);
	rc = vb_resume_check_host(json_object_get(st->doc, "host"), host, err);
	if (rc == 0)
		rc = vb_resume_check_allocation(json_object_get(st->doc, "allocation"), alloc, err);
	json_decref(alloc);
	if (rc == 0 && vb_run_plan_schedule(st, err) < 0)
		rc = -1;
	if (rc < 0) {
		json_decref(host);
		return vb_error_prefix(err, "--resume %s", st->cfg->out);
	}
	st->session = vb_resume_session_begin(st->doc, 1, st->rs->session_argc, st->rs->session_argv);
	sess = json_array_get(json_object_get(st->doc, "sessions"), (size_t)st->session - 1);
	json_object_set(sess, "scratch", json_object_get(host, "scratch"));
	json_object_set(sess, "memory", json_object_get(host, "memory"));
	json_decref(host);
	json_array_foreach(json_object_get(st->doc, "repetitions"), i, r)
		if (!json_is_true(json_object_get(r, "ok")))
			st->failures++; /* kept, not measured again */
	sessions_warning(st);
	option_notes(st);
	json_object_set_new(st->doc, "status", json_string("running"));
	if (!st->cfg->quiet)
		vb_term_say(stderr, "resuming %s: %zu of %zu repetitions recorded", st->cfg->out,
			st->recorded, st->nslots);
	return vb_runfile_save_at(st->doc, st->cfg->out_fd, st->cfg->out, err);
}

static int setup(run_state_t *st, vb_error_t *err)
{
	vb_run_cfg_t *cfg = st->cfg;
	vb_run_needs_t needs;
	char vendor[64];
	json_t *host;

	if (!cfg->agent_path[0] &&
	    vb_prepare_find_agent(cfg->agent_path, sizeof(cfg->agent_path)) < 0)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "cannot find vbench-agent next to vbench (give --agent PATH)");
	if (!cfg->seed_set)
		cfg->seed = ((vb_wall_ns() ^ ((uint64_t)getpid() << 32)) | 1) & INT64_MAX;
	/* --resume: the CPUs the run measured on, claimed again. */
	if (st->rs && !cfg->cpus_list[0])
		snprintf(cfg->cpus_list, sizeof(cfg->cpus_list), "%s",
			 json_string_value(json_object_get(json_object_get(st->rs->doc, "allocation"),
							   "env_cpus")) ?: "");
	vb_prepare_needs(cfg, &needs);
	cfg->largest_file = needs.largest_file; /* a VM's scratch disk is sized from it */
	if (vb_prepare_cpus(cfg, err) < 0 || vb_prepare_memory(cfg, &needs, err) < 0)
		return -1;
	if ((st->rs ? resume_out(cfg, err) : vb_prepare_out(cfg, err)) < 0 ||
	    vb_prepare_scratch(cfg, &st->scratch_res, err) < 0 || vb_prepare_disk(cfg, &needs, err) < 0)
		return -1;
	host = vb_hostinfo_collect(cfg->scratch[0] ? cfg->scratch : NULL);
	if (st->rs)
		return resume_setup(st, host, err);
	st->doc = vb_runfile_new(cfg);
	if (!st->doc) {
		json_decref(host);
		return vb_error_set(err, VB_ESYS, ENOMEM, "run.json");
	}
	json_object_set_new(st->doc, "host", host);
	json_object_set_new(st->doc, "allocation", allocation_json(cfg));
	json_object_set_new(st->doc, "resources", vb_prepare_needs_json(cfg, &needs));
	json_object_set_new(
	    st->doc, "contention",
	    json_pack("{s:f,s:I,s:b,s:s}", "threshold", cfg->contention_threshold, "max_reruns",
		      (json_int_t)cfg->contention_reruns, "keep_contended", cfg->keep_contended,
		      "rule", "a CPU or memory repetition whose measured code got less than "
			      "threshold of its CPU (repetitions[].contention.cpu_share) is "
			      "contended: kept, run again at the end of its round up to max_reruns "
			      "times, and left out of the statistics unless keep_contended"));
	if (vb_hostinfo_hypervisor(vendor, sizeof(vendor)))
		vb_run_warn(st, VB_WARN_VIRTUAL_HOST_FMT, vendor);
	option_notes(st);
	if (cfg->profile->tiny)
		vb_run_warn(st, "profile '%s' uses tiny sizes: numbers are for testing only", cfg->profile->name);
	else if (!cfg->profile->precision && cfg->precision <= 0)
		vb_run_warn(st, "profile '%s' is a smoke test of about a minute (a few short repetitions): "
				"its intervals are indicative; use --profile standard (repetitions until "
				"decided) for numbers you quote",
			    cfg->profile->name);
	st->session = vb_resume_session_begin(st->doc, 0, 0, NULL);
	if (vb_run_plan_schedule(st, err) < 0)
		return -1;
	return vb_runfile_save_at(st->doc, cfg->out_fd, cfg->out, err);
}

static const char *status_name(const run_state_t *st, int code)
{
	return code == VB_EXIT_INTERRUPT ? "interrupted"
	       : code == VB_EXIT_SKIPPED ? "nothing-ran"
	       : st->failures		 ? "completed-with-errors"
					 : "complete";
}

static int run(vb_run_cfg_t *cfg, vb_resume_t *rs, vb_error_t *err)
{
	run_state_t *st = calloc(1, sizeof(*st));
	int code = VB_EXIT_OK;
	size_t i, nup;

	if (!st)
		return vb_error_set(err, VB_ESYS, ENOMEM, "run state"), VB_EXIT_FAIL;
	st->cfg = cfg;
	st->rs = rs;
	vb_undo_install_signals();
	/* What killed runs left, before this one creates anything (clean.h). */
	vb_clean(&(vb_clean_opts_t){ .brief = 1, .out = stderr }, NULL, NULL);
	if (setup(st, err) < 0) {
		code = vb_error_exit_code(err);
		vb_prepare_out_discard(cfg); /* only if created here and still empty */
		goto out;
	}
	printf("%s\n", cfg->out);
	fflush(stdout);
	nup = vb_run_start_envs(st);
	if (!nup && !st->recorded) {
		vb_error_set(err, VB_EUNAVAIL, 0, "no environment could run here (see %s/run.json)",
			     cfg->out);
		code = VB_EXIT_SKIPPED;
		goto finish;
	}
	size_workloads(st);
	vb_run_net_paths(st);
	vb_run_not_run(st);
	if (st->have_calib) {
		vb_env_down(&st->calib);
		st->have_calib = 0;
	}
	if (vb_runfile_save_at(st->doc, cfg->out_fd, cfg->out, &st->save_err) < 0)
		st->save_failed = 1;
	else
		vb_run_schedule(st); /* stops at once when a save fails */
	vb_recovery_run(st);
finish:
	for (i = 0; i < st->nenvs; i++)
		if (st->up[i])
			vb_run_check_final_clocksource(st, i); /* before any stop: not in stop latency */
	for (i = 0; i < st->nenvs; i++) {
		int was_started = st->envs[i].started;
		uint64_t dt;

		if (!st->up[i])
			continue;
		if (st->envs[i].reason[0])
			json_object_set_new(st->env_rec[i], "failed", json_string(st->envs[i].reason));
		/* Stop latency: from the stop request until every process has
		 * exited and the cgroup is gone (vb_env_down). */
		dt = vb_env_down(&st->envs[i]);
		vb_run_record_stop(st, i);
		if (was_started)
			json_object_set_new(st->env_rec[i], "stop_latency_ns",
					    json_integer((json_int_t)dt));
	}
	if (st->have_calib)
		vb_env_down(&st->calib);
	if (st->save_failed) {
		/* run.json on disk is the last good copy: nothing more is
		 * measured, and nothing is claimed that is not on disk. */
		*err = st->save_err;
		code = VB_EXIT_NORESOURCE;
		goto out;
	}
	capacity(st);
	if (vb_undo_interrupted())
		code = VB_EXIT_INTERRUPT;
	else if (code == VB_EXIT_OK && st->failures)
		code = VB_EXIT_FAIL;
	json_object_set_new(st->doc, "status", json_string(status_name(st, code)));
	vb_resume_session_end(st->doc, st->session, st->added, status_name(st, code));
	if (vb_runfile_save_at(st->doc, cfg->out_fd, cfg->out, err) < 0) {
		code = VB_EXIT_NORESOURCE;
		goto out;
	}
	if (code != VB_EXIT_SKIPPED && !cfg->quiet)
		vb_table_summary(st->doc, cfg->wide, stdout);
	if (!cfg->quiet)
		vb_term_say(stderr, "results in %s/run.json", cfg->out);
out:
	vb_undo_release_all();
	vb_cpuclaim_release_all();
	json_decref(st->doc);
	free(st->order);
	free(st->done);
	free(st->tries);
	free(st);
	return code;
}

int vb_run(vb_run_cfg_t *cfg, vb_error_t *err)
{
	return run(cfg, NULL, err);
}

int vb_run_resume(vb_run_cfg_t *cfg, vb_resume_t *rs, vb_error_t *err)
{
	return run(cfg, rs, err);
}
