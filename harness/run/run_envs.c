/*
 * run_envs.c - the environments of a run (run_int.h): each brought up with
 * its record in run.json, the calibration instance, stops with their
 * timeouts recorded, the final clocksource check.
 */
#include "harness/run/run_int.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/core/agentmsg.h"
#include "harness/core/undo.h"
#include "lib/textsafe.h"
#include "lib/term.h"
#include "lib/util.h"

/* ---- environments --------------------------------------------------- */

static json_t *env_record(const vb_env_ops_t *ops, const char *name, const char *mode,
			  int available, const char *reason)
{
	json_t *rec = json_pack("{s:s,s:s,s:s,s:o,s:b,s:s?,s:b}", "name", name, "type", ops->type,
			 "mechanism", ops->mechanism, "class", vb_env_class_json(ops), "available",
			 available, "reason", available ? NULL : reason, "baseline",
			 !!(ops->caps & VB_ENV_IS_BASELINE));

	if (rec && mode) /* absent for the first mode */
		json_object_set_new(rec, "net_mode", json_string(mode));
	return rec;
}

/*
 * Host memory of an instance (issue #3's definition): PSS of all its host
 * processes, with the cgroup's page cache separately; null without a cgroup.
 */
json_t *vb_run_footprint_json(vb_env_t *env)
{
	uint64_t pss, nprocs, cache;

	if (!env->have_cg || vb_cgroup_footprint(&env->cg, &pss, &nprocs, &cache) < 0)
		return json_null();
	return json_pack("{s:I,s:I,s:I}", "pss_bytes", (json_int_t)pss, "processes",
			 (json_int_t)nprocs, "page_cache_bytes", (json_int_t)cache);
}

/* @text in run.json's warnings, unless an earlier session put it there. */
static void add_warning_once(json_t *doc, const char *text)
{
	json_t *w = json_object_get(doc, "warnings"), *v;
	size_t i;

	json_array_foreach(w, i, v)
		if (!strcmp(json_string_value(v) ?: "", text))
			return;
	json_array_append_new(w, json_string(text));
}

/* Probe @env's backend and bring it up (vb_env_up); on failure record why. */
int vb_run_env_bring_up(run_state_t *st, vb_env_t *env, json_t *rec)
{
	vb_error_t err;
	json_t *facts;

	vb_error_clear(&err);
	if (vb_env_probe(env->ops, st->cfg, &err) < 0) {
		if (env >= st->envs && env < st->envs + VB_MAX_ENVS)
			st->probe_failed[env - st->envs] = 1;
		goto unavailable;
	}
	if (vb_env_up(env, &err) < 0)
		goto unavailable;
	json_object_set_new(rec, "start_latency_ns", json_integer((json_int_t)env->start_ns));
	json_object_set(rec, "agent", env->ready);
	json_object_set_new(rec, "memory_idle", vb_run_footprint_json(env));
	if (env->ops->describe) {
		json_t *c = env->ops->describe(env);
		const char *m = json_string_value(json_object_get(c, "mechanism"));

		if (m) /* as used (the OCI runtime picked) */
			json_object_set_new(rec, "mechanism", json_string(m));
		/* what this instance is, when it says more than its table (a
		 * remote machine: the hypervisor the user described) */
		if (json_is_string(json_object_get(c, "type")))
			json_object_set(rec, "type", json_object_get(c, "type"));
		if (json_is_object(json_object_get(c, "class")))
			json_object_set(rec, "class", json_object_get(c, "class"));
		if (json_is_string(json_object_get(c, "warning")))
			add_warning_once(st->doc, json_string_value(json_object_get(c, "warning")));
		json_object_set_new(rec, "config", c);
	}
	return 0;
unavailable:
	json_object_set_new(rec, "available", json_false());
	json_object_set_new(rec, "reason", json_string(err.msg));
	if (env->ops->probe_facts && (facts = env->ops->probe_facts()) != NULL)
		json_object_set_new(rec, "probe", facts);
	snprintf(env->reason, sizeof(env->reason), "%s", err.msg);
	return -1;
}

static int net_selected(const vb_run_cfg_t *cfg, const char *mode)
{
	size_t i;

	for (i = 0; !cfg->net_all && i < cfg->nnet; i++)
		if (!strcmp(cfg->net_modes[i], mode))
			return 1;
	return cfg->net_all;
}

static void list_add(run_state_t *st, const vb_env_ops_t *o, const char *mode, const char *target)
{
	size_t i;
	char name[40];

	if (target && target[0])
		snprintf(name, sizeof(name), "%s:%s", o->name, target);
	else
		vb_env_mode_name(o, mode, name, sizeof(name));
	for (i = 0; i < st->nenvs; i++)
		if (!strcmp(st->name[i], name))
			return;
	if (st->nenvs == VB_MAX_ENVS) {
		fprintf(stderr, "vbench: %s left out: %d environments at most in one run\n", name,
			VB_MAX_ENVS);
		return;
	}
	st->ops[st->nenvs] = o;
	st->mode[st->nenvs] = mode;
	snprintf(st->target[st->nenvs], sizeof(st->target[0]), "%s", target ? target : "");
	snprintf(st->name[st->nenvs], sizeof(st->name[0]), "%s", name);
	st->nenvs++;
}

/* --all and a backend with targets: each of them (the remotes file's
 * machines), or its plain name, which says what it needs. */
static void list_targets(run_state_t *st, const vb_env_ops_t *o)
{
	char names[VB_MAX_ENVS][VB_ENV_TARGET_MAX];
	size_t n = o->targets ? o->targets(st->cfg, names, VB_MAX_ENVS) : 0, k;

	for (k = 0; k < n; k++)
		list_add(st, o, NULL, names[k]);
	if (!n)
		list_add(st, o, NULL, NULL);
}

void vb_run_env_list(run_state_t *st)
{
	const vb_run_cfg_t *cfg = st->cfg;
	char target[VB_ENV_TARGET_MAX];
	const vb_env_ops_t *o;
	const char *mode;
	size_t i, k;

	st->nenvs = 0;
	for (i = 0; i < vb_env_count() || i < cfg->nenvs; i++) {
		mode = NULL;
		target[0] = '\0';
		if (cfg->all_envs)
			o = i < vb_env_count() ? vb_env_at(i) : NULL;
		else if (i < cfg->nenvs && !(o = vb_env_find_mode(cfg->env_names[i], &mode)))
			o = vb_env_find_target(cfg->env_names[i], target, sizeof(target));
		else if (i >= cfg->nenvs)
			o = NULL;
		if (!o)
			continue;
		if (cfg->all_envs && (o->caps & VB_ENV_TARGETS)) {
			list_targets(st, o);
			continue;
		}
		list_add(st, o, mode, target);
		for (k = 1; !mode && vb_run_cfg_selects(cfg, VB_W_NET) && o->net_modes && o->net_modes[0] && o->net_modes[k]; k++)
			if (net_selected(cfg, o->net_modes[k]))
				list_add(st, o, o->net_modes[k], NULL);
	}
}

void vb_run_env_init(run_state_t *st, size_t i)
{
	vb_env_init(&st->envs[i], st->ops[i], st->cfg, "");
	vb_env_set_net_mode(&st->envs[i], st->mode[i], NULL); /* one of its table's */
	vb_env_set_target(&st->envs[i], st->target[i]);
}

int vb_run_env_is_mode(const run_state_t *st, size_t i)
{
	return st->mode[i] != NULL;
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

/* Whether environment @i is another network mode of a backend whose probe
 * failed in this session: then @rec says so, without a second probe. */
static int probed_out(run_state_t *st, size_t i, json_t *rec)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (st->ops[j] == st->ops[i] && st->probe_failed[j]) {
			st->probe_failed[i] = 1;
			snprintf(st->envs[i].reason, sizeof(st->envs[i].reason), "%s",
				 st->envs[j].reason);
			json_object_set_new(rec, "available", json_false());
			json_object_set_new(rec, "reason", json_string(st->envs[j].reason));
			return 1;
		}
	return 0;
}

/* Start the environments with slots left; returns how many came up. */
size_t vb_run_start_envs(run_state_t *st)
{
	json_t *arr = json_object_get(st->doc, "environments"), *rec, *old;
	const vb_env_ops_t *ops;
	char logn[64];
	size_t i, nup = 0;
	int out;

	for (i = 0; i < st->nenvs; i++) {
		ops = st->ops[i];
		old = json_array_get(arr, i);
		if (!st->need[i] && old) { /* measured in an earlier session */
			st->env_rec[i] = old;
			continue;
		}
		if (vb_undo_interrupted()) {
			if (!old)
				json_array_append_new(arr, env_record(ops, st->name[i], st->mode[i], 1, NULL));
			break;
		}
		rec = env_record(ops, st->name[i], st->mode[i], 1, NULL);
		json_object_set_new(rec, "session", json_integer(st->session));
		vb_run_env_init(st, i);
		if (old) /* its logs are named by its tag (vm_boot.c) */
			vb_resume_keep_logs(st->cfg->out_fd, st->cfg->out,
					    vb_env_tag(&st->envs[i], logn, sizeof(logn)), old);
		out = probed_out(st, i, rec);
		if (!out && !st->cfg->quiet)
			vb_term_say(stderr, "starting %s (%s)", st->name[i], ops->type);
		if (!out && vb_run_env_bring_up(st, &st->envs[i], rec) == 0) {
			st->up[i] = 1;
			nup++;
		} else {
			char why[600];

			vb_term_say(stderr, "%s unavailable: %s", st->name[i],
				vb_text_term(json_string_value(json_object_get(rec, "reason")), why,
					     sizeof(why)));
		}
		place_env_record(st, i, old, rec);
	}
	return nup;
}

/* The network mode @env takes into its record's "network" (none for a
 * backend without modes). */
static void record_mode(const vb_env_t *env, json_t *rec)
{
	const char *mode = env->net_mode;

	if (!mode && env->ops->net_modes)
		mode = env->ops->net_modes[0];
	if (mode)
		json_object_set_new(json_object_get(rec, "network"), "mode", json_string(mode));
}

void vb_run_net_paths(run_state_t *st)
{
	vb_net_path_t np;
	size_t i, w;
	vb_error_t err;
	vb_env_t *env;

	if (!vb_run_cfg_selects(st->cfg, VB_W_NET))
		return;
	for (i = 0; i < st->nenvs; i++) {
		env = &st->envs[i];
		if (!env->started || !st->env_rec[i])
			continue;
		vb_error_clear(&err);
		memset(&np, 0, sizeof(np));
		if (env->ops->net_path && env->ops->net_path(env, &np, &err) == 0) {
			json_object_set_new(st->env_rec[i], "network",
					    json_pack("{s:s,s:s}", "path", np.path, "address", np.addr));
			record_mode(env, st->env_rec[i]);
			if (np.connect_port)
				json_object_set_new(json_object_get(st->env_rec[i], "network"),
						    "port", json_integer(np.connect_port));
			continue;
		}
		if (!env->ops->net_path)
			snprintf(err.msg, sizeof(err.msg),
				 "no network path from the host to %s yet (issue #15)", env->name);
		json_object_set_new(st->env_rec[i], "network",
				    json_pack("{s:n,s:s}", "path", "reason", err.msg));
		record_mode(env, st->env_rec[i]);
		for (w = 0; w < st->cfg->nwl; w++)
			if (st->cfg->wl[w]->flags & VB_W_NET)
				st->stop[i][w] = "unsupported"; /* never scheduled */
		if (!st->cfg->quiet)
			vb_term_say(stderr, "%s: network workloads not run: %s", env->name,
				    err.msg);
	}
}

void vb_run_not_run(run_state_t *st)
{
	const vb_env_ops_t *o;
	json_t *names;
	size_t i, w;

	for (i = 0; i < st->nenvs; i++) {
		o = st->envs[i].ops;
		if (!st->envs[i].started || !o || !o->not_run || !st->env_rec[i])
			continue;
		names = json_array();
		for (w = 0; w < st->cfg->nwl; w++)
			if (st->stop[i][w] == vb_run_stop_unsupported)
				json_array_append_new(names, json_string(st->cfg->wl[w]->name));
		if (!json_array_size(names)) {
			json_decref(names);
			continue;
		}
		json_object_set_new(st->env_rec[i], "not_run",
				    json_pack("{s:o,s:s}", "workloads", names, "reason",
					      o->not_run_why));
		if (!st->cfg->quiet)
			vb_term_say(stderr, "%s: %zu workload%s not run: %s", st->envs[i].name,
				    json_array_size(names),
				    json_array_size(names) == 1 ? "" : "s", o->not_run_why);
	}
}

/*
 * After vb_env_down(&st->envs[i]): an instance that did not stop within
 * --stop-timeout was killed; say so in its record and as a warning (the
 * measurements stand: the stop came after them).
 */
void vb_run_record_stop(run_state_t *st, size_t i)
{
	vb_env_t *env = &st->envs[i];
	char msg[256];

	if (!env->stop_timed_out)
		return;
	env->stop_timed_out = 0;
	json_object_set_new(st->env_rec[i], "stop_timed_out", json_true());
	snprintf(msg, sizeof(msg), "%s: the instance did not stop within --stop-timeout %g s and was killed",
		 env->name, st->cfg->stop_timeout_s);
	json_array_append_new(json_object_get(st->doc, "warnings"), json_string(msg));
	if (!st->cfg->quiet)
		vb_term_say(stderr, "NOTE: %s", msg);
}

/* The baseline environment used to calibrate: the run's own instance,
 * else one brought up for it (as every instance is: vb_env_up). */
vb_env_t *vb_run_calibration_env(run_state_t *st, vb_error_t *err)
{
	const vb_env_ops_t *base = NULL;
	size_t i;

	for (i = 0; i < st->nenvs; i++)
		if (st->envs[i].started && (st->envs[i].ops->caps & VB_ENV_IS_BASELINE))
			return &st->envs[i];
	if (st->have_calib)
		return &st->calib;
	for (i = 0; !base && i < vb_env_count(); i++)
		if (vb_env_at(i)->caps & VB_ENV_IS_BASELINE)
			base = vb_env_at(i);
	if (!base)
		return vb_error_set(err, VB_EUNAVAIL, 0, "no baseline environment to calibrate on"),
		       NULL;
	vb_env_init(&st->calib, base, st->cfg, "");
	if (vb_env_up(&st->calib, err) < 0)
		return NULL;
	st->have_calib = 1;
	return &st->calib;
}

/*
 * A guest's clocksource can change while it runs: a kernel whose watchdog
 * distrusts the TSC falls back to jiffies (4 ms steps at HZ=250).  Ask the
 * agent once more before stopping it; a change is recorded and warned
 * about, since the environment's timings are then suspect.
 */
void vb_run_check_final_clocksource(run_state_t *st, size_t i)
{
	vb_env_t *env = &st->envs[i];
	json_t *req, *reply, *cs0, *cs1;
	char msg[256];

	if (!env->started || env->chan.dead || env->chan.wfd < 0 || vb_undo_interrupted())
		return;
	req = vb_agent_op_request("facts", 0);
	reply = vb_chan_call(&env->chan, req, "facts", 10000, NULL);
	json_decref(req);
	cs0 = json_object_get(json_object_get(env->ready, "facts"), "clocksource");
	cs1 = json_object_get(json_object_get(reply, "facts"), "clocksource");
	json_object_set_new(st->env_rec[i], "clocksource_at_stop",
			    json_is_string(cs1) ? json_copy(cs1) : json_null());
	if (json_is_string(cs0) && json_is_string(cs1) && !json_equal(cs0, cs1)) {
		snprintf(msg, sizeof(msg), "%s: the clocksource changed during the run (%s -> %s)",
			 env->name, json_string_value(cs0), json_string_value(cs1));
		vb_run_warn(st, "%s: its timings are suspect", msg);
	}
	json_decref(reply);
}
