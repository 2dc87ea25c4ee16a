/*
 * run_reps.c - the repetitions of a run (run_int.h): the request, the
 * shuffled schedule, one slot measured and recorded, --fresh-instance
 * restarts, progress on the terminal, run.json saved after each.
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
#include "lib/counters.h"
#include "harness/analysis/stats.h"
#include "harness/core/undo.h"
#include "harness/core/runfile.h"
#include "harness/core/cpuclaim.h"
#include "lib/hostinfo.h"
#include "lib/testpoint.h"
#include "lib/term.h"
#include "lib/textsafe.h"
#include "lib/util.h"

/* ---- repetitions ---------------------------------------------------- */

/* Steal time of the CPUs in @cpus so far, in ns (from /proc/stat); 0 if
 * it cannot be read. */
static uint64_t steal_ns(const char *cpus)
{
	uint64_t mask = 0;
	long long ns;

	if (vb_cpulist_parse(cpus, &mask) < 0 || !mask)
		return 0;
	ns = vb_hostinfo_cputime_ns(VB_CPUTIME_STEAL, mask);
	return ns > 0 ? (uint64_t)ns : 0;
}

/*
 * Progress: on a terminal one status line rewritten in place (position,
 * current workload and environment, elapsed, estimated remaining; cut to
 * the terminal's width, so that it never wraps and leaves a trail), failures
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
	char val[64], why[400], line[640]; /* why: an agent's error, untrusted (textsafe.h) */

	if (st->cfg->quiet)
		return;
	vb_text_term(json_string_value(json_object_get(rec, "error")), why, sizeof(why));
	if (ok)
		snprintf(val, sizeof(val), "%s %.6g %s", w->metrics[0].name,
			 json_number_value(json_object_get(m, w->metrics[0].name)), w->metrics[0].unit);
	if (isatty(2)) {
		if (!ok)
			fprintf(stderr, "\r\033[K%s in %s rep %u FAILED: %s\n", w->name,
				st->envs[sl->env].name, sl->rep, why);
		snprintf(line, sizeof(line), "[%zu/%zu] rep %u/%llu %-14s %-9s %s  elapsed %.0fs, left ~%.0fs",
			 k, n, sl->rep, (unsigned long long)st->cfg->reps, w->name,
			 st->envs[sl->env].name, ok ? val : "", el, eta);
		/* one column short of the width: a full line would wrap and leave a trail */
		vb_term_cut(line, vb_term_width(2) - 1);
		fprintf(stderr, "\r\033[K%s", line);
		return;
	}
	if (ok)
		fprintf(stderr, "[%zu/%zu] rep %u %-16s %-10s %s (%.2f s)\n", k, n, sl->rep, w->name,
			st->envs[sl->env].name, val, host_s);
	else
		fprintf(stderr, "[%zu/%zu] rep %u %-16s %-10s FAILED: %s\n", k, n, sl->rep, w->name,
			st->envs[sl->env].name, why);
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

/*
 * A repetition stalled outside the agent's own time: the host's span of the
 * request against the agent's time for all of it ("handled_ns", set-up
 * included, on its own clock; the measured region when an agent does not
 * say).  A stopped (SIGSTOP) or descheduled agent, or vbench itself, shows
 * as a host span far longer: stalled when host > VB_STALL_FACTOR x agent +
 * slack, the slack covering the round trip (1 s for a host process or a
 * container, 5 s for a VM, whose requests cross the guest's kernel and
 * virtio).  The measurement stands; the flag says it was disturbed
 * (docs/methodology.md, "Stalled repetitions").
 */
#define VB_STALL_FACTOR 2
#define VB_STALL_SLACK_NS 1000000000ull
#define VB_STALL_SLACK_VM_NS 5000000000ull
static json_t *stall_check(const vb_env_t *env, const json_t *reply, uint64_t host_ns)
{
	json_t *h = json_object_get(reply, "handled_ns");
	uint64_t agent = (uint64_t)json_integer_value(h ?: json_object_get(reply, "elapsed_ns"));
	uint64_t slack = env->ops->caps & VB_ENV_IS_VM ? VB_STALL_SLACK_VM_NS : VB_STALL_SLACK_NS;
	uint64_t limit = agent > (UINT64_MAX - slack) / VB_STALL_FACTOR
			     ? UINT64_MAX
			     : VB_STALL_FACTOR * agent + slack;

	return json_pack("{s:I,s:s,s:I,s:I,s:b}", "agent_ns", (json_int_t)agent, "agent_time",
			 h ? "handled_ns" : "elapsed_ns", "host_ns", (json_int_t)host_ns,
			 "limit_ns", (json_int_t)(limit > INT64_MAX ? INT64_MAX : limit), "stalled",
			 host_ns > limit);
}

/* After a protocol error (run_int.h): a fresh instance, or the environment fails. */
#define VB_RUN_MAX_PROTOCOL_ERRORS 3
void vb_run_protocol_restart(run_state_t *st, size_t i, const char *why)
{
	vb_env_t *env = &st->envs[i];
	json_t *rec, *n;
	char msg[900];

	vb_env_down(env);
	vb_run_record_stop(st, i);
	if (++st->proto_errors[i] >= VB_RUN_MAX_PROTOCOL_ERRORS) {
		snprintf(env->reason, sizeof(env->reason),
			 "%d protocol errors in a row, the last: %s", VB_RUN_MAX_PROTOCOL_ERRORS,
			 why);
		vb_term_say(stderr, "%s: given up: %s", st->name[i], env->reason);
		return;
	}
	vb_run_env_init(st, i);
	rec = json_object(); /* the new instance's start is not the environment's record */
	if (vb_run_env_bring_up(st, env, rec) < 0) {
		snprintf(env->reason, sizeof(env->reason),
			 "a new instance after a protocol error did not start: %s",
			 json_string_value(json_object_get(rec, "reason")) ?: "?");
		vb_term_say(stderr, "%s: %s", st->name[i], env->reason);
		json_decref(rec);
		return;
	}
	json_decref(rec);
	n = json_object_get(st->env_rec[i], "protocol_restarts");
	json_object_set_new(st->env_rec[i], "protocol_restarts",
			    json_integer(json_integer_value(n) + 1));
	snprintf(msg, sizeof(msg), "%s; the instance was restarted", why);
	vb_run_warn(st, "%s", msg);
}

/*
 * The result @reply to request @req of @w as run.json stores it: its
 * documented fields (vb_agent_keep_result) and what vbench derives from its
 * counters, at most VB_RUNFILE_MAX_RESULT bytes there, so that no agent can
 * bloat run.json past what report, compare and --resume read.  NULL with
 * @err (VB_EPROTO naming the size and the largest field; VB_ESYS without
 * memory).
 */
static json_t *stored_result(const vb_env_t *env, const json_t *req, const json_t *reply,
			     const vb_workload_t *w, vb_error_t *err)
{
	json_t *res = vb_agent_keep_result(reply, req, w), *v;
	size_t n, big = 0, k;
	const char *key, *largest = "?";
	uint64_t ops;

	if (!res) {
		vb_error_set(err, VB_ESYS, ENOMEM, "%s: result of %s", env->name, w->name);
		return NULL;
	}
	ops = (uint64_t)json_integer_value(json_object_get(res, "ops"));
	json_object_set_new(res, "derived",
			    vb_counters_derive(json_object_get(res, "counters"), ops));
	n = vb_runfile_encoded_size(res, 3);
	if (n <= VB_RUNFILE_MAX_RESULT)
		return res;
	json_object_foreach(res, key, v)
		if ((k = vb_runfile_encoded_size(v, 4)) > big) {
			big = k;
			largest = key;
		}
	vb_error_set(err, VB_EPROTO, 0,
		     "%s: the result of request %" JSON_INTEGER_FORMAT
		     " (%s) takes %zu bytes in run.json, more than the limit of %u (its field "
		     "'%s': %zu bytes)",
		     env->name, json_integer_value(json_object_get(req, "id")), w->name, n,
		     VB_RUNFILE_MAX_RESULT, largest, big);
	json_decref(res);
	return NULL;
}

/* Run one slot (its @attempt-th record: a contended one is re-run) and return its record. */
static json_t *run_slot(run_state_t *st, const vb_slot_t *sl, int id, unsigned attempt)
{
	vb_contend_probe_t p0, p1;
	pid_t hog;
	vb_env_t *env = &st->envs[sl->env];
	const vb_workload_t *w = st->cfg->wl[sl->wl];
	uint64_t t0, t1, w0, w1, s0, s1, c0 = 0, c1 = 0;
	int have_cpu;
	char a[40], b[40];
	json_t *req, *reply, *rec, *res = NULL;
	vb_error_t err;

	vb_error_clear(&err);
	req = vb_agent_run_request(st->cfg, id, w, &st->params[sl->wl], VB_REQ_MEASURED);
	hog = vb_contend_hog_start(st, id, attempt);
	vb_contend_sample(st, &p0);
	have_cpu = vb_env_host_cpu_ns(env, &c0) == 0;
	s0 = steal_ns(st->cfg->env_cpus);
	w0 = vb_wall_ns();
	t0 = vb_now_ns();
	reply = vb_env_run(env, req, &err);
	t1 = vb_now_ns();
	w1 = vb_wall_ns();
	s1 = steal_ns(st->cfg->env_cpus);
	have_cpu = have_cpu && vb_env_host_cpu_ns(env, &c1) == 0;
	vb_contend_sample(st, &p1);
	vb_contend_hog_stop(hog);
	if (reply && json_is_true(json_object_get(reply, "ok")) &&
	    !(res = stored_result(env, req, reply, w, &err))) {
		json_decref(reply); /* too large to store: a protocol error */
		reply = NULL;
	}
	json_decref(req);
	rec = json_pack("{s:i,s:s,s:s,s:i,s:s,s:s,s:I,s:I}", "seq", id, "env", env->name,
			"workload", w->name, "rep", (int)sl->rep, "start",
			vb_format_time(w0, a, sizeof(a)), "end", vb_format_time(w1, b, sizeof(b)),
			"host_elapsed_ns", (json_int_t)(t1 - t0), "steal_ns", (json_int_t)(s1 - s0));
	json_object_set_new(rec, "host_cpu_ns", have_cpu ? json_integer((json_int_t)(c1 - c0)) : json_null());
	if (attempt > 1)
		json_object_set_new(rec, "attempt", json_integer(attempt));
	if (!reply) {
		json_object_set_new(rec, "ok", json_false());
		json_object_set_new(rec, "error", json_string(err.msg));
		json_object_set_new(rec, "error_kind", json_string(vb_error_code_name(err.code)));
		if (err.code == VB_EPROTO) {
			/* Out of step: never read that stream again. */
			vb_run_protocol_restart(st, sl->env, err.msg);
		} else if (err.code == VB_EREFUSED) {
			/* Refused, in step: a failed repetition; the instance
			 * answers, so it stays and no protocol error is counted. */
			st->proto_errors[sl->env] = 0;
		} else if (err.code != VB_EINTR) {
			/* The instance no longer answers: no further repetitions
			 * there; lost to a signal that also interrupts vbench, the
			 * repetition was in flight (not kept, run again on --resume). */
			if (vb_env_lost_to_interrupt(env))
				json_object_set_new(rec, "error_kind", json_string("interrupted"));
			else
				snprintf(env->reason, sizeof(env->reason), "%s", err.msg);
			vb_env_down(env);
			vb_run_record_stop(st, sl->env);
		}
		return rec;
	}
	st->proto_errors[sl->env] = 0;
	if (json_is_true(json_object_get(reply, "ok"))) {
		/* Footprint right after the first memory workload (an idle
		 * instance touches little memory and would flatter density). */
		if (w->kind == VB_KIND_MEM &&
		    !json_object_get(st->env_rec[sl->env], "memory_after_mem_workload"))
			json_object_set_new(st->env_rec[sl->env], "memory_after_mem_workload",
					    json_pack("{s:s,s:o}", "workload", w->name, "footprint",
						      vb_run_footprint_json(env)));
		json_object_set_new(rec, "ok", json_true());
		json_object_set_new(rec, "clock_check", clock_check(env, res, t1 - t0));
		json_object_set_new(rec, "stall_check", stall_check(env, res, t1 - t0));
		json_object_set_new(rec, "result", res); /* the reply's params: the workload's */
		json_decref(reply);
		vb_contend_judge(st, env, w, rec, &p0, &p1);
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

	vb_env_down(env);
	vb_run_record_stop(st, i);
	vb_run_env_init(st, i);
	if (vb_run_env_bring_up(st, env, st->env_rec[i]) < 0) {
		vb_term_say(stderr, "%s: new instance failed: %s", st->name[i], env->reason);
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

	if (v && atoi(v) > 0)
		vb_undo_wait_interrupted((uint64_t)atoi(v));
}

/* Records of one slot at most: the first and its re-runs while contended. */
static unsigned max_tries(const run_state_t *st)
{
	return 1 + (unsigned)st->cfg->contention_reruns;
}

/*
 * The schedule over every environment of the run (environments that do not
 * start simply leave their slots unmeasured, so a slot's seq is the same in
 * every session) and, for a resumed run, which slots are recorded and
 * which environments therefore need starting.
 */
int vb_run_plan_schedule(run_state_t *st, vb_error_t *err)
{
	const char *envs[VB_MAX_ENVS], *wls[VB_MAX_SEL];
	size_t n, i, k;
	long got;

	vb_run_env_list(st);
	n = (size_t)st->cfg->reps * st->cfg->nwl * st->nenvs;
	st->order = calloc(n ? n : 1, sizeof(*st->order));
	st->done = calloc(n ? n : 1, 1);
	st->tries = calloc(n ? n : 1, 1);
	if (!st->order || !st->done || !st->tries)
		return vb_error_set(err, VB_ESYS, ENOMEM, "schedule of %zu slots", n);
	st->nslots = vb_schedule_build((uint32_t)st->cfg->reps, (uint32_t)st->cfg->nwl,
				       (uint32_t)st->nenvs, st->cfg->seed, st->order);
	for (i = 0; i < st->nenvs; i++)
		envs[i] = st->name[i];
	for (i = 0; i < st->cfg->nwl; i++)
		wls[i] = st->cfg->wl[i]->name;
	if (st->rs) {
		got = vb_resume_mark_done(st->doc, st->order, st->nslots, envs, wls, st->done,
					  st->tries, max_tries(st), err);
		if (got < 0)
			return -1;
		st->recorded = (size_t)got;
	}
	/* an instance of another network mode runs the network workloads only;
	 * what a backend cannot measure is never run (vb_run_not_run says so) */
	for (i = 0; i < st->nenvs; i++)
		for (k = 0; k < st->cfg->nwl; k++)
			if (vb_run_env_is_mode(st, i) && !(st->cfg->wl[k]->flags & VB_W_NET))
				st->stop[i][k] = vb_run_stop_mode;
			else if (st->cfg->wl[k]->flags & st->ops[i]->not_run)
				st->stop[i][k] = vb_run_stop_unsupported;
	for (k = 0; k < st->nslots; k++)
		if (!st->done[k] && !st->stop[st->order[k].env][st->order[k].wl])
			st->need[st->order[k].env] = 1;
	for (i = 0; i < st->nenvs; i++)
		st->need[i] |= vb_recovery_pending(st, i);
	return 0;
}

const char vb_run_stop_mode[] = "another network mode's instance: network workloads only";
const char vb_run_stop_unsupported[] = "unsupported";

static int runnable(const run_state_t *st, size_t k)
{
	const vb_slot_t *s = &st->order[k];

	return !st->done[k] && st->wl_ok[s->wl] && st->envs[s->env].started &&
	       !st->stop[s->env][s->wl];
}

/* Where the schedule is, for the progress line. */
typedef struct sched_pos {
	size_t pos, todo;
	uint64_t t_start;
} sched_pos_t;

/*
 * One attempt at slot @k: measured, recorded, saved.  A contended record
 * leaves the slot open while it has re-runs left (at the end of its round).
 * Returns 0 to go on, 1 when the run stops (interrupted, a save failed).
 */
static int attempt(run_state_t *st, size_t k, sched_pos_t *sp)
{
	const vb_slot_t *order = st->order;
	json_t *rec;
	vb_error_t err;
	int fresh;

	fresh = st->cfg->fresh_instance && st->env_reps[order[k].env] > 0;
	if (fresh && restart_env(st, order[k].env) < 0)
		return 0;
	rec = run_slot(st, &order[k], (int)k + 1, (unsigned)st->tries[k] + 1);
	json_object_set_new(rec, "session", json_integer(st->session));
	st->env_reps[order[k].env]++;
	if (st->cfg->fresh_instance) {
		vb_env_t *e = &st->envs[order[k].env];
		json_object_set_new(rec, "instance_start_latency_ns",
				    json_integer((json_int_t)e->start_ns));
		json_object_set(rec, "instance_agent_pid", json_object_get(e->ready, "pid"));
	}
	if (!json_is_true(json_object_get(rec, "ok"))) {
		const char *kind = json_string_value(json_object_get(rec, "error_kind"));
		if (!kind || strcmp(kind, "interrupted"))
			st->failures++;
		else {
			json_decref(rec); /* the repetition in flight is not kept */
			return 1;
		}
	}
	if (++st->tries[k] >= max_tries(st) || !json_is_true(json_object_get(rec, "contended")))
		st->done[k] = 1;
	else
		sp->todo++; /* its re-run */
	st->contended += json_is_true(json_object_get(rec, "contended"));
	json_array_append_new(json_object_get(st->doc, "repetitions"), rec);
	st->added++;
	if (vb_runfile_save_at(st->doc, st->cfg->out_fd, st->cfg->out, &err) < 0) {
		st->save_err = err; /* run.json keeps the repetitions before this one */
		st->save_failed = 1;
		return 1;
	}
	progress(st, ++sp->pos, sp->todo, &order[k], rec, sp->t_start); /* only what is on disk */
	test_pause();
	return 0;
}

/* Another run claimed a CPU since this one started: said once. */
static void other_runs(run_state_t *st)
{
	char who[300], msg[400];

	if (st->others_warned || !vb_cpuclaim_others(~vb_cpuclaim_mine(), who, sizeof(who)))
		return;
	st->others_warned = 1;
	if (st->cfg->cpu_notes[0][0])
		return; /* said at the start */
	snprintf(msg, sizeof(msg), "another vbench run became live on this host during the run (%s)",
		 who);
	vb_run_warn(st, "%s", msg);
}

/*
 * The end of round @round (slots [@from, @to)): the contended slots' re-runs,
 * then --precision's decisions.  Returns 0 to go on, 1 when the run stops
 * (*@why: NULL when interrupted or a save failed, "decided", "max-time").
 */
static int end_of_round(run_state_t *st, size_t from, size_t to, uint32_t round, sched_pos_t *sp,
			const char **why)
{
	size_t j;

	for (j = from; j < to; j++)
		while (!vb_undo_interrupted() && st->tries[j] && runnable(st, j))
			if (attempt(st, j, sp))
				return *why = NULL, 1;
	if (vb_undo_interrupted())
		return *why = NULL, 1;
	other_runs(st);
	if (st->cfg->precision <= 0)
		return 0;
	if (!vb_contend_decide(st, round))
		return *why = "decided", 1;
	if (st->cfg->max_time_s > 0 &&
	    (double)(vb_now_ns() - sp->t_start) / 1e9 >= st->cfg->max_time_s)
		return *why = "max-time", 1;
	return 0;
}

int vb_run_schedule(run_state_t *st)
{
	size_t n = st->nslots, k, i, from = 0;
	const vb_slot_t *order = st->order;
	json_t *names = json_array();
	sched_pos_t sp = { .t_start = vb_now_ns() };
	const char *why = "max-reps";

	for (i = 0; i < st->nenvs; i++)
		json_array_append_new(names, json_string(st->name[i]));
	json_object_set_new(st->doc, "schedule",
			    json_pack("{s:I,s:s,s:o,s:o}", "seed", (json_int_t)st->cfg->seed, "method",
				      "per repetition and workload, environments in a shuffled order; "
				      "slots of environments that did not start are not run; a "
				      "contended repetition is run again at the end of its round",
				      "envs", names, "order", vb_schedule_to_json(order, n)));
	for (k = 0; k < n; k++)
		sp.todo += (size_t)runnable(st, k);
	for (k = 0; k < n; k++) {
		if (vb_undo_interrupted()) {
			why = NULL;
			break;
		}
		if (runnable(st, k) && attempt(st, k, &sp)) {
			why = NULL;
			break;
		}
		if ((k + 1 == n || order[k + 1].rep != order[k].rep) &&
		    end_of_round(st, from, k + 1, order[k].rep, &sp, &why))
			break;
		if (k + 1 < n && order[k + 1].rep != order[k].rep)
			from = k + 1;
	}
	if (st->cfg->precision > 0)
		json_object_set_new(st->doc, "precision",
				    vb_contend_precision_json(st, why ? why : "interrupted"));
	if (isatty(2) && !st->cfg->quiet)
		fputc('\n', stderr);
	return 0;
}
