/*
 * runner.c - `vbench run` from request to run.json (runner.h).
 */
#include "runner.h"

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

#include "../workloads/workload.h"
#include "clean.h"
#include "counters.h"
#include "density.h"
#include "env.h"
#include "hostinfo.h"
#include "noisy.h"
#include "prepare.h"
#include "registry.h"
#include "report.h"
#include "resume.h"
#include "runfile.h"
#include "schedule.h"
#include "sizing.h"
#include "stats.h"
#include "util.h"

typedef struct run_state {
	vb_run_cfg_t *cfg;
	json_t *doc;                    /* run.json */
	vb_resume_t *rs;                /* --resume: the run being completed, else NULL */
	int session;                    /* this session's number in run.json (1: the first) */
	const vb_env_ops_t *ops[VB_MAX_ENVS]; /* every environment of the run, in order */
	vb_env_t envs[VB_MAX_ENVS];     /* their instances (same index) */
	json_t *env_rec[VB_MAX_ENVS];   /* their records in run.json (borrowed) */
	int need[VB_MAX_ENVS];          /* slots left to measure: start it */
	int up[VB_MAX_ENVS];            /* brought up in this session */
	size_t nenvs;
	vb_slot_t *order;               /* the schedule over every environment of the run */
	uint8_t *done;                  /* slot already recorded (a resumed run) */
	size_t nslots;
	size_t recorded;                /* repetitions recorded before this session */
	size_t added;                   /* repetitions this session recorded */
	vb_env_t calib;                 /* bare agent for calibration if bare not selected */
	int have_calib;
	vb_params_t params[VB_MAX_SEL]; /* per selected workload, identical everywhere */
	int wl_ok[VB_MAX_SEL];          /* sized and calibrated */
	size_t failures;
	int scratch_res;                /* registry handle of a private scratch dir */
	size_t env_reps[VB_MAX_ENVS];   /* repetitions each environment's instance ran */
} run_state_t;

/* ---- environments --------------------------------------------------- */

static void env_init(vb_env_t *env, const vb_env_ops_t *ops, const vb_run_cfg_t *cfg)
{
	memset(env, 0, sizeof(*env));
	env->ops = ops;
	env->cfg = cfg;
	env->chan.wfd = env->chan.rfd = -1;
}

static json_t *env_record(const vb_env_ops_t *ops, int available, const char *reason)
{
	return json_pack("{s:s,s:s,s:s,s:b,s:s?,s:b}", "name", ops->name, "type", ops->type,
			 "mechanism", ops->mechanism, "available", available, "reason",
			 available ? NULL : reason, "baseline", !!(ops->caps & VB_ENV_IS_BASELINE));
}

/*
 * Host memory of an instance (issue #3's definition): PSS of all its host
 * processes, with the cgroup's page cache separately; null without a cgroup.
 */
static json_t *footprint_json(vb_env_t *env)
{
	uint64_t pss, nprocs, cache;

	if (!env->have_cg || vb_cgroup_footprint(&env->cg, &pss, &nprocs, &cache) < 0)
		return json_null();
	return json_pack("{s:I,s:I,s:I}", "pss_bytes", (json_int_t)pss, "processes",
			 (json_int_t)nprocs, "page_cache_bytes", (json_int_t)cache);
}

/* Probe, prepare and start one environment; on failure record why. */
static int env_bring_up(run_state_t *st, vb_env_t *env, json_t *rec)
{
	vb_error_t err;

	vb_error_clear(&err);
	if (vb_env_check(env->ops, &err) < 0 || env->ops->probe(st->cfg, &err) < 0)
		goto unavailable;
	if ((env->ops->prepare && env->ops->prepare(env, &err) < 0) ||
	    env->ops->start(env, &err) < 0) {
		env->ops->cleanup(env);
		goto unavailable;
	}
	env->started = 1;
	json_object_set_new(rec, "start_latency_ns",
			    json_integer((json_int_t)(env->ready_ns - env->launch_ns)));
	json_object_set(rec, "agent", env->ready);
	json_object_set_new(rec, "memory_idle", footprint_json(env));
	if (env->ops->describe)
		json_object_set_new(rec, "config", env->ops->describe(env));
	return 0;
unavailable:
	json_object_set_new(rec, "available", json_false());
	json_object_set_new(rec, "reason", json_string(err.msg));
	snprintf(env->reason, sizeof(env->reason), "%s", err.msg);
	return -1;
}

/* Every environment of the run, in order: the registry's with --all, else
 * --env's.  The schedule's environment indices refer to this list. */
static size_t env_list(const vb_run_cfg_t *cfg, const vb_env_ops_t **ops)
{
	const vb_env_ops_t *o;
	size_t i, n = 0;

	for (i = 0; i < vb_env_count() || i < cfg->nenvs; i++) {
		if (cfg->all_envs)
			o = i < vb_env_count() ? vb_env_at(i) : NULL;
		else
			o = i < cfg->nenvs ? vb_env_find(cfg->env_names[i]) : NULL;
		if (o && n < VB_MAX_ENVS)
			ops[n++] = o;
	}
	return n;
}

/*
 * Put environment @i's record @rec of this session in place of @old (the
 * record of an earlier session, or NULL).  When a resumed session cannot
 * start an environment that an earlier session measured in, the earlier
 * record stays (its repetitions are valid) with the failure added, and its
 * unmeasured slots count as failures.
 */
static void place_env_record(run_state_t *st, size_t i, json_t *old, json_t *rec)
{
	json_t *arr = json_object_get(st->doc, "environments");
	char msg[600];

	if (!old) {
		json_array_append_new(arr, rec);
	} else if (st->up[i] || !json_object_get(old, "start_latency_ns")) {
		vb_resume_archive_env(st->doc, old);
		json_array_set_new(arr, i, rec);
	} else {
		snprintf(msg, sizeof(msg), "session %d: could not start again: %s", st->session,
			 json_string_value(json_object_get(rec, "reason")));
		json_object_set_new(old, "failed", json_string(msg));
		json_decref(rec);
		st->failures++;
	}
	st->env_rec[i] = json_array_get(arr, i);
}

/* Start the environments with slots left; returns how many came up. */
static size_t start_envs(run_state_t *st)
{
	json_t *arr = json_object_get(st->doc, "environments"), *rec, *old;
	const vb_env_ops_t *ops;
	size_t i, nup = 0;

	for (i = 0; i < st->nenvs; i++) {
		ops = st->ops[i];
		old = json_array_get(arr, i);
		if (!st->need[i] && old) { /* measured in an earlier session */
			st->env_rec[i] = old;
			continue;
		}
		if (vb_interrupted()) {
			if (!old)
				json_array_append_new(arr, env_record(ops, 1, NULL));
			break;
		}
		rec = env_record(ops, 1, NULL);
		json_object_set_new(rec, "session", json_integer(st->session));
		if (old)
			vb_resume_keep_logs(st->cfg->out, ops->name, old);
		env_init(&st->envs[i], ops, st->cfg);
		if (!st->cfg->quiet)
			fprintf(stderr, "vbench: starting %s (%s)\n", ops->name, ops->type);
		if (env_bring_up(st, &st->envs[i], rec) == 0) {
			st->up[i] = 1;
			nup++;
		} else {
			fprintf(stderr, "vbench: %s unavailable: %s\n", ops->name,
				json_string_value(json_object_get(rec, "reason")));
		}
		place_env_record(st, i, old, rec);
	}
	return nup;
}

static void stop_env(vb_env_t *env)
{
	vb_error_t err;

	if (env->started)
		env->ops->stop(env, &err);
	env->ops->cleanup(env);
	env->started = 0;
	json_decref(env->ready);
	env->ready = NULL;
}

/*
 * After stop_env(&st->envs[i]): an instance that did not stop within
 * --stop-timeout was killed; say so in its record and as a warning (the
 * measurements stand: the stop came after them).
 */
static void record_stop(run_state_t *st, size_t i)
{
	vb_env_t *env = &st->envs[i];
	char msg[256];

	if (!env->stop_timed_out)
		return;
	env->stop_timed_out = 0;
	json_object_set_new(st->env_rec[i], "stop_timed_out", json_true());
	snprintf(msg, sizeof(msg), "%s: the instance did not stop within --stop-timeout %g s and was killed",
		 env->ops->name, st->cfg->stop_timeout_s);
	json_array_append_new(json_object_get(st->doc, "warnings"), json_string(msg));
	fprintf(stderr, "vbench: NOTE: %s\n", msg);
}

/* The bare environment used to calibrate (started for it if not selected). */
static vb_env_t *calibration_env(run_state_t *st, vb_error_t *err)
{
	size_t i;

	for (i = 0; i < st->nenvs; i++)
		if (st->envs[i].started && (st->envs[i].ops->caps & VB_ENV_IS_BASELINE))
			return &st->envs[i];
	if (st->have_calib)
		return &st->calib;
	env_init(&st->calib, vb_env_find("bare"), st->cfg);
	if ((st->calib.ops->prepare && st->calib.ops->prepare(&st->calib, err) < 0) ||
	    st->calib.ops->start(&st->calib, err) < 0) {
		st->calib.ops->cleanup(&st->calib);
		return NULL;
	}
	st->calib.started = 1;
	st->have_calib = 1;
	return &st->calib;
}

/* ---- sizing and calibration ---------------------------------------- */

static json_t *run_request(const run_state_t *st, int id, const vb_workload_t *w,
			   const vb_params_t *p, int with_events)
{
	json_t *ev = json_array(), *req;
	size_t i;

	for (i = 0; with_events && i < st->cfg->nevents; i++)
		json_array_append_new(ev, json_string(st->cfg->events[i]));
	req = json_pack("{s:s,s:i,s:s,s:o,s:o}", "op", "run", "id", id, "workload", w->name,
			"params", vb_params_to_json(p), "events", ev);
	/* Test hook: VBENCH_TEST_CORRUPT=GLOB makes matching workloads falsify
	 * their answer, proving a wrong answer is caught and recorded. */
	if (with_events && getenv("VBENCH_TEST_CORRUPT") &&
	    vb_glob_match(getenv("VBENCH_TEST_CORRUPT"), w->name))
		json_object_set_new(req, "corrupt", json_true());
	if ((w->flags & VB_W_SCRATCH) && st->cfg->scratch[0])
		json_object_set_new(req, "scratch", json_string(st->cfg->scratch));
	/* Validated by vb_prepare_scratch: the agent opens a block device only
	 * when the request names it twice (agent.c). */
	if ((w->flags & VB_W_SCRATCH) && st->cfg->scratch_device)
		json_object_set_new(req, "allow_device", json_string(st->cfg->scratch));
	return req;
}

/* The error category an agent reported ("error_kind"). */
static vb_errcode_t reply_code(const json_t *reply)
{
	const char *k = json_string_value(json_object_get(reply, "error_kind"));

	if (k && !strcmp(k, "check"))
		return VB_ECHECK;
	if (k && !strcmp(k, "usage"))
		return VB_EUSAGE;
	if (k && !strcmp(k, "unavailable"))
		return VB_EUNAVAIL;
	return VB_ESYS;
}

static int probe_once(void *ctx, const vb_workload_t *w, const vb_params_t *p,
		      uint64_t *elapsed_ns, vb_error_t *err)
{
	run_state_t *st = ctx;
	vb_env_t *env = calibration_env(st, err);
	json_t *req, *reply;

	if (!env)
		return -1;
	req = run_request(st, 0, w, p, 0);
	reply = env->ops->run ? env->ops->run(env, req, err) : vb_env_default_run(env, req, err);
	json_decref(req);
	if (!reply)
		return -1;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		vb_error_set(err, reply_code(reply), 0, "%s",
			     json_string_value(json_object_get(reply, "error")) ?: "failed");
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
			fprintf(stderr, "vbench: %s: recorded parameters: %s\n", w->name, err.msg);
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
	for (i = 0; i < st->cfg->nwl && !vb_interrupted(); i++) {
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
		    (!fixed && vb_calibrate(w, &st->params[i], st->cfg->profile->target_s, probe_once,
					    st, &cal, &err) < 0)) {
			json_object_set_new(rec, "error", json_string(err.msg));
			fprintf(stderr, "vbench: %s: %s\n", w->name, err.msg);
			st->failures++;
			continue;
		}
		st->wl_ok[i] = 1;
		json_object_set_new(rec, "params", vb_params_to_json(&st->params[i]));
		json_object_set_new(rec, "calibration",
				    cal ? cal : json_pack("{s:b}", "fixed_by_user", fixed));
		if (!st->cfg->quiet)
			fprintf(stderr, "vbench: sized %s\n", w->name);
	}
}

/* ---- repetitions ---------------------------------------------------- */

/* Steal time of the CPUs in @cpus so far, in ns (from /proc/stat). */
static uint64_t steal_ns(const char *cpus)
{
	unsigned long long f[8];
	uint64_t mask = 0, ticks = 0;
	char line[512];
	FILE *fp;
	int cpu;

	if (vb_cpulist_parse(cpus, &mask) < 0)
		return 0;
	fp = fopen("/proc/stat", "re");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &f[0], &f[1],
			   &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]) == 9 &&
		    cpu >= 0 && cpu < 64 && (mask & (1ull << cpu)))
			ticks += f[7];
	}
	fclose(fp);
	return ticks * (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK));
}

/*
 * Progress: on a terminal one status line rewritten in place (position,
 * current workload and environment, elapsed, estimated remaining), failures
 * kept on their own lines; otherwise one plain line per repetition.
 */
static void progress(const run_state_t *st, size_t k, size_t n, const vb_slot_t *sl,
		     const json_t *rec, uint64_t t_start)
{
	const vb_workload_t *w = st->cfg->wl[sl->wl];
	json_t *m = json_object_get(json_object_get(rec, "result"), "metrics");
	double host_s = (double)json_integer_value(json_object_get(rec, "host_elapsed_ns")) / 1e9;
	double el = (double)(vb_now_ns() - t_start) / 1e9, eta = k ? el * (double)(n - k) / (double)k : 0;
	int ok = json_is_true(json_object_get(rec, "ok"));
	char val[64];

	if (st->cfg->quiet)
		return;
	if (ok)
		snprintf(val, sizeof(val), "%s %.6g %s", w->metrics[0].name,
			 json_number_value(json_object_get(m, w->metrics[0].name)), w->metrics[0].unit);
	if (isatty(2)) {
		if (!ok)
			fprintf(stderr, "\r\033[K%s in %s rep %u FAILED: %s\n", w->name,
				st->envs[sl->env].ops->name, sl->rep,
				json_string_value(json_object_get(rec, "error")));
		fprintf(stderr, "\r\033[K[%zu/%zu] rep %u/%llu %-14s %-9s %s  elapsed %.0fs, left ~%.0fs",
			k, n, sl->rep, (unsigned long long)st->cfg->reps, w->name,
			st->envs[sl->env].ops->name, ok ? val : "", el, eta);
		return;
	}
	if (ok)
		fprintf(stderr, "[%zu/%zu] rep %u %-16s %-10s %s (%.2f s)\n", k, n, sl->rep, w->name,
			st->envs[sl->env].ops->name, val, host_s);
	else
		fprintf(stderr, "[%zu/%zu] rep %u %-16s %-10s FAILED: %s\n", k, n, sl->rep, w->name,
			st->envs[sl->env].ops->name,
			json_string_value(json_object_get(rec, "error")));
}

/*
 * Guest clock against host clock, for every repetition: the agent times the
 * measured region with its own clock (a guest's, in a VM) and the harness
 * times the whole request on the host's.  The host's span also holds the
 * round trip and the workload's set-up, so it is longer in every honest
 * case and only one direction is decidable: a guest region more than 5%
 * longer than the host's whole request means the guest clock runs fast
 * (docs/methodology.md, "Clocks").  The guest's clocksource comes from the
 * agent's ready message.
 */
#define VB_CLOCK_TOLERANCE 0.05
static json_t *clock_check(const vb_env_t *env, const json_t *reply, uint64_t host_ns)
{
	json_int_t guest = json_integer_value(json_object_get(reply, "elapsed_ns"));
	json_t *cs = json_object_get(json_object_get(env->ready, "facts"), "clocksource");

	return json_pack("{s:I,s:I,s:f,s:b,s:O?}", "guest_ns", guest, "host_ns",
			 (json_int_t)host_ns, "guest_to_host",
			 host_ns ? (double)guest / (double)host_ns : 0.0, "guest_clock_suspect",
			 (double)guest > (1.0 + VB_CLOCK_TOLERANCE) * (double)host_ns,
			 "clocksource", json_is_string(cs) ? cs : NULL);
}

/* Run one slot and return its record. */
static json_t *run_slot(run_state_t *st, const vb_slot_t *sl, int id)
{
	vb_env_t *env = &st->envs[sl->env];
	const vb_workload_t *w = st->cfg->wl[sl->wl];
	uint64_t t0, t1, w0, w1, s0, s1, c0 = 0, c1 = 0;
	int have_cpu;
	char a[40], b[40];
	json_t *req, *reply, *rec;
	vb_error_t err;

	vb_error_clear(&err);
	req = run_request(st, id, w, &st->params[sl->wl], 1);
	have_cpu = env->ops->host_cpu_ns && env->ops->host_cpu_ns(env, &c0) == 0;
	s0 = steal_ns(st->cfg->env_cpus);
	w0 = vb_wall_ns();
	t0 = vb_now_ns();
	reply = env->ops->run ? env->ops->run(env, req, &err) : vb_env_default_run(env, req, &err);
	t1 = vb_now_ns();
	w1 = vb_wall_ns();
	s1 = steal_ns(st->cfg->env_cpus);
	have_cpu = have_cpu && env->ops->host_cpu_ns(env, &c1) == 0;
	json_decref(req);
	rec = json_pack("{s:i,s:s,s:s,s:i,s:s,s:s,s:I,s:I}", "seq", id, "env", env->ops->name,
			"workload", w->name, "rep", (int)sl->rep, "start",
			vb_format_time(w0, a, sizeof(a)), "end", vb_format_time(w1, b, sizeof(b)),
			"host_elapsed_ns", (json_int_t)(t1 - t0), "steal_ns", (json_int_t)(s1 - s0));
	json_object_set_new(rec, "host_cpu_ns", have_cpu ? json_integer((json_int_t)(c1 - c0)) : json_null());
	if (!reply) {
		json_object_set_new(rec, "ok", json_false());
		json_object_set_new(rec, "error", json_string(err.msg));
		json_object_set_new(rec, "error_kind", json_string(vb_error_code_name(err.code)));
		if (err.code != VB_EINTR) {
			/* The instance no longer answers: no further repetitions there. */
			snprintf(env->reason, sizeof(env->reason), "%s", err.msg);
			stop_env(env);
			record_stop(st, sl->env);
		}
		return rec;
	}
	if (json_is_true(json_object_get(reply, "ok"))) {
		/* Footprint right after the first memory workload (an idle
		 * instance touches little memory and would flatter density). */
		if (w->kind == VB_KIND_MEM &&
		    !json_object_get(st->env_rec[sl->env], "memory_after_mem_workload"))
			json_object_set_new(st->env_rec[sl->env], "memory_after_mem_workload",
					    json_pack("{s:s,s:o}", "workload", w->name, "footprint",
						      footprint_json(env)));
		json_object_set_new(rec, "ok", json_true());
		json_object_set_new(rec, "clock_check", clock_check(env, reply, t1 - t0));
		json_object_del(reply, "type");
		json_object_del(reply, "id");
		json_object_del(reply, "ok");
		json_object_del(reply, "params"); /* identical to the workload's, kept once */
		json_object_set_new(reply, "derived",
				    vb_counters_derive(json_object_get(reply, "counters"),
						       (uint64_t)json_integer_value(json_object_get(reply, "ops"))));
		json_object_set_new(rec, "result", reply);
	} else {
		json_object_set_new(rec, "ok", json_false());
		json_object_set(rec, "error", json_object_get(reply, "error"));
		json_object_set(rec, "error_kind", json_object_get(reply, "error_kind"));
		json_decref(reply);
	}
	return rec;
}

/*
 * --fresh-instance: stop environment @i's instance and start a new one, so
 * the next repetition runs in a fresh container or VM.  On failure the
 * environment is marked failed and -1 returned (its remaining repetitions
 * are skipped, the others go on).
 */
static int restart_env(run_state_t *st, size_t i)
{
	vb_env_t *env = &st->envs[i];
	const vb_env_ops_t *ops = env->ops;

	stop_env(env);
	record_stop(st, i);
	env_init(env, ops, st->cfg);
	if (env_bring_up(st, env, st->env_rec[i]) < 0) {
		fprintf(stderr, "vbench: %s: new instance failed: %s\n", ops->name, env->reason);
		st->failures++;
		return -1;
	}
	return 0;
}

/*
 * Test hook: VBENCH_TEST_REP_PAUSE_MS=N waits N ms after each saved
 * repetition (an interrupt ends the wait), so a test can interrupt a run
 * between two repetitions.  Never set outside tests.
 */
static void test_pause(void)
{
	const char *v = getenv("VBENCH_TEST_REP_PAUSE_MS");
	uint64_t end;

	if (!v || atoi(v) <= 0)
		return;
	end = vb_now_ns() + (uint64_t)atoi(v) * 1000000ull;
	while (!vb_interrupted() && vb_now_ns() < end)
		usleep(5000);
}

/*
 * The schedule over every environment of the run (environments that do not
 * start simply leave their slots unmeasured, so a slot's seq is the same in
 * every session) and, for a resumed run, which slots are recorded and
 * which environments therefore need starting.
 */
static int plan_schedule(run_state_t *st, vb_error_t *err)
{
	const char *envs[VB_MAX_ENVS], *wls[VB_MAX_SEL];
	size_t n, i, k;
	long got;

	st->nenvs = env_list(st->cfg, st->ops);
	n = (size_t)st->cfg->reps * st->cfg->nwl * st->nenvs;
	st->order = calloc(n ? n : 1, sizeof(*st->order));
	st->done = calloc(n ? n : 1, 1);
	if (!st->order || !st->done)
		return vb_error_set(err, VB_ESYS, ENOMEM, "schedule of %zu slots", n);
	st->nslots = vb_schedule_build((uint32_t)st->cfg->reps, (uint32_t)st->cfg->nwl,
				       (uint32_t)st->nenvs, st->cfg->seed, st->order);
	for (i = 0; i < st->nenvs; i++)
		envs[i] = st->ops[i]->name;
	for (i = 0; i < st->cfg->nwl; i++)
		wls[i] = st->cfg->wl[i]->name;
	if (st->rs) {
		got = vb_resume_mark_done(st->doc, st->order, st->nslots, envs, wls, st->done, err);
		if (got < 0)
			return -1;
		st->recorded = (size_t)got;
	}
	for (k = 0; k < st->nslots; k++)
		if (!st->done[k])
			st->need[st->order[k].env] = 1;
	return 0;
}

static int runnable(const run_state_t *st, size_t k)
{
	return !st->done[k] && st->wl_ok[st->order[k].wl] && st->envs[st->order[k].env].started;
}

static int run_schedule(run_state_t *st)
{
	size_t n = st->nslots, k, todo = 0, pos = 0, i;
	const vb_slot_t *order = st->order;
	json_t *reps = json_object_get(st->doc, "repetitions"), *rec, *names = json_array();
	uint64_t t_start = vb_now_ns();
	vb_error_t err;
	int fresh;

	for (i = 0; i < st->nenvs; i++)
		json_array_append_new(names, json_string(st->ops[i]->name));
	json_object_set_new(st->doc, "schedule",
			    json_pack("{s:I,s:s,s:o,s:o}", "seed", (json_int_t)st->cfg->seed, "method",
				      "per repetition and workload, environments in a shuffled order; "
				      "slots of environments that did not start are not run",
				      "envs", names, "order", vb_schedule_to_json(order, n)));
	for (k = 0; k < n; k++)
		todo += (size_t)runnable(st, k);
	for (k = 0; k < n && !vb_interrupted(); k++) {
		if (!runnable(st, k))
			continue;
		fresh = st->cfg->fresh_instance && st->env_reps[order[k].env] > 0;
		if (fresh && restart_env(st, order[k].env) < 0)
			continue;
		rec = run_slot(st, &order[k], (int)k + 1);
		json_object_set_new(rec, "session", json_integer(st->session));
		st->env_reps[order[k].env]++;
		if (st->cfg->fresh_instance) {
			vb_env_t *e = &st->envs[order[k].env];
			json_object_set_new(rec, "instance_start_latency_ns",
					    json_integer((json_int_t)(e->ready_ns - e->launch_ns)));
			json_object_set(rec, "instance_agent_pid", json_object_get(e->ready, "pid"));
		}
		if (!json_is_true(json_object_get(rec, "ok"))) {
			const char *kind = json_string_value(json_object_get(rec, "error_kind"));
			if (!kind || strcmp(kind, "interrupted"))
				st->failures++;
			else {
				json_decref(rec); /* the repetition in flight is not kept */
				break;
			}
		}
		json_array_append_new(reps, rec);
		st->added++;
		progress(st, ++pos, todo, &order[k], rec, t_start);
		if (vb_runfile_save(st->doc, st->cfg->out, &err) < 0)
			fprintf(stderr, "vbench: %s\n", err.msg);
		test_pause();
	}
	if (isatty(2) && !st->cfg->quiet)
		fputc('\n', stderr);
	return 0;
}

/* Density, then noisy neighbours, on the environments that started. */
static void capacity(run_state_t *st)
{
	const vb_env_ops_t *ops[VB_MAX_ENVS];
	size_t i, n = 0;

	/* Those that started, in this session or an earlier one (each skips
	 * an environment whose measurement is already recorded). */
	for (i = 0; i < st->nenvs; i++)
		if (json_is_true(json_object_get(st->env_rec[i], "available")) &&
		    json_object_get(st->env_rec[i], "start_latency_ns"))
			ops[n++] = st->ops[i];
	if (!vb_interrupted() && vb_density_run(st->cfg, ops, n, st->doc) == 0)
		vb_noisy_run(st->cfg, ops, n, st->doc);
}

/* ---- the run -------------------------------------------------------- */

static void warn(run_state_t *st, const char *fmt, const char *arg)
{
	char buf[512];

	snprintf(buf, sizeof(buf), fmt, arg);
	json_array_append_new(json_object_get(st->doc, "warnings"), json_string(buf));
	fprintf(stderr, "vbench: NOTE: %s\n", buf);
}

/*
 * A guest's clocksource can change while it runs: a kernel whose watchdog
 * distrusts the TSC falls back to jiffies (4 ms steps at HZ=250).  Ask the
 * agent once more before stopping it; a change is recorded and warned
 * about, since the environment's timings are then suspect.
 */
static void check_final_clocksource(run_state_t *st, size_t i)
{
	vb_env_t *env = &st->envs[i];
	json_t *req, *reply, *cs0, *cs1;
	char msg[256];

	if (!env->started || env->chan.dead || env->chan.wfd < 0 || vb_interrupted())
		return;
	req = json_pack("{s:s}", "op", "facts");
	reply = vb_chan_call(&env->chan, req, "facts", 10000, NULL);
	json_decref(req);
	cs0 = json_object_get(json_object_get(env->ready, "facts"), "clocksource");
	cs1 = json_object_get(json_object_get(reply, "facts"), "clocksource");
	json_object_set_new(st->env_rec[i], "clocksource_at_stop",
			    json_is_string(cs1) ? json_copy(cs1) : json_null());
	if (json_is_string(cs0) && json_is_string(cs1) && !json_equal(cs0, cs1)) {
		snprintf(msg, sizeof(msg), "%s: the clocksource changed during the run (%s -> %s)",
			 env->ops->name, json_string_value(cs0), json_string_value(cs1));
		warn(st, "%s: its timings are suspect", msg);
	}
	json_decref(reply);
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

/* --resume: the run directory exists with its run.json. */
static int resume_out(vb_run_cfg_t *cfg, vb_error_t *err)
{
	if (access(cfg->out, W_OK) < 0)
		return vb_error_set(err, VB_EUSAGE, errno, "--resume %s: not writable", cfg->out);
	snprintf(cfg->log_path, sizeof(cfg->log_path), "%s/agent.log", cfg->out);
	return 0;
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
	warn(st, "%s", buf);
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
	if (rc == 0 && plan_schedule(st, err) < 0)
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
	json_object_set_new(st->doc, "status", json_string("running"));
	if (!st->cfg->quiet)
		fprintf(stderr, "vbench: resuming %s: %zu of %zu repetitions recorded\n", st->cfg->out,
			st->recorded, st->nslots);
	return vb_runfile_save(st->doc, st->cfg->out, err);
}

static int setup(run_state_t *st, vb_error_t *err)
{
	vb_run_cfg_t *cfg = st->cfg;
	vb_run_needs_t needs;
	char vendor[64];
	json_t *host;

	if (!cfg->agent_path[0] && vb_find_agent(cfg->agent_path, sizeof(cfg->agent_path)) < 0)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "cannot find vbench-agent next to vbench (give --agent PATH)");
	if (!cfg->seed_set)
		cfg->seed = ((vb_wall_ns() ^ ((uint64_t)getpid() << 32)) | 1) & INT64_MAX;
	vb_prepare_needs(cfg, &needs);
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
	if (vb_hostinfo_hypervisor(vendor, sizeof(vendor)))
		warn(st,
		     "this 'bare metal' host is itself a virtual machine (hypervisor '%s'): every "
		     "overhead is relative to an already-virtualized host",
		     vendor);
	if (cfg->profile->tiny)
		warn(st, "profile '%s' uses tiny sizes: numbers are for testing only", cfg->profile->name);
	st->session = vb_resume_session_begin(st->doc, 0, 0, NULL);
	if (plan_schedule(st, err) < 0)
		return -1;
	return vb_runfile_save(st->doc, cfg->out, err);
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
	vb_res_install_signals();
	/* What killed runs left, before this one creates anything (clean.h). */
	vb_clean(&(vb_clean_opts_t){ .brief = 1, .out = stderr }, NULL, NULL);
	if (setup(st, err) < 0) {
		code = vb_error_exit_code(err);
		vb_prepare_out_discard(cfg); /* only if created here and still empty */
		goto out;
	}
	printf("%s\n", cfg->out);
	fflush(stdout);
	nup = start_envs(st);
	if (!nup && !st->recorded) {
		vb_error_set(err, VB_EUNAVAIL, 0, "no environment could run here (see %s/run.json)",
			     cfg->out);
		code = VB_EXIT_SKIPPED;
		goto finish;
	}
	size_workloads(st);
	if (st->have_calib) {
		stop_env(&st->calib);
		st->have_calib = 0;
	}
	vb_runfile_save(st->doc, cfg->out, NULL);
	run_schedule(st);
finish:
	for (i = 0; i < st->nenvs; i++)
		if (st->up[i])
			check_final_clocksource(st, i); /* before any stop: not in stop latency */
	for (i = 0; i < st->nenvs; i++) {
		uint64_t t0 = vb_now_ns();
		int was_started = st->envs[i].started;

		if (!st->up[i])
			continue;
		if (st->envs[i].reason[0])
			json_object_set_new(st->env_rec[i], "failed", json_string(st->envs[i].reason));
		/* Stop latency: from the stop request until every process has
		 * exited and the cgroup is gone (stop + cleanup). */
		stop_env(&st->envs[i]);
		record_stop(st, i);
		if (was_started)
			json_object_set_new(st->env_rec[i], "stop_latency_ns",
					    json_integer((json_int_t)(vb_now_ns() - t0)));
	}
	if (st->have_calib)
		stop_env(&st->calib);
	capacity(st);
	if (vb_interrupted())
		code = VB_EXIT_INTERRUPT;
	else if (code == VB_EXIT_OK && st->failures)
		code = VB_EXIT_FAIL;
	json_object_set_new(st->doc, "status", json_string(status_name(st, code)));
	vb_resume_session_end(st->doc, st->session, st->added, status_name(st, code));
	if (vb_runfile_save(st->doc, cfg->out, err) < 0)
		code = VB_EXIT_FAIL;
	if (code != VB_EXIT_SKIPPED)
		vb_report_summary(st->doc, stdout);
	if (!cfg->quiet)
		fprintf(stderr, "vbench: results in %s/run.json\n", cfg->out);
out:
	vb_res_release_all();
	json_decref(st->doc);
	free(st->order);
	free(st->done);
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
