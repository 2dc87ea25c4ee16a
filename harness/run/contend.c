/*
 * contend.c - contention and adaptive repetitions (run_int.h): what each
 * repetition's measured code got of its CPU, the repetitions that are
 * contended, the CPU hog of the contention test, and --precision's
 * stopping rule on the overhead interval stats.c computes
 * (docs/methodology.md, "Contention" and "Repetitions until decided").
 */
#include "harness/run/run_int.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/analysis/stats.h"
#include "harness/core/undo.h"
#include "lib/cpulist.h"
#include "lib/hostinfo.h"
#include "lib/util.h"

/* ---- per repetition: CPU share, pressure, run queue -------------------- */

/* "some ... total=N" of /proc/pressure/cpu (µs a runnable task waited), or -1. */
static long long psi_some_us(void)
{
	char *s = vb_read_file("/proc/pressure/cpu", 4096, 1, NULL), *t;
	long long v = -1;

	if (s && (t = strstr(s, "total=")))
		v = atoll(t + 6);
	free(s);
	return v;
}

/* Run-queue wait of the CPUs in @cpus so far (ns), or -1. */
static long long runq_ns(const char *cpus)
{
	uint64_t mask = 0;

	if (vb_cpulist_parse(cpus, &mask) < 0 || !mask)
		return -1;
	return vb_hostinfo_cputime_ns(VB_CPUTIME_RUNQ, mask);
}

/* Idle time of the CPUs in @cpus so far (ns, tick resolution), or -1. */
static long long idle_ns(const char *cpus)
{
	uint64_t mask = 0;

	if (vb_cpulist_parse(cpus, &mask) < 0 || !mask)
		return -1;
	return vb_hostinfo_cputime_ns(VB_CPUTIME_IDLE, mask);
}

void vb_contend_sample(const run_state_t *st, vb_contend_probe_t *p)
{
	p->psi_us = psi_some_us();
	p->runq_ns = runq_ns(st->cfg->env_cpus);
	p->idle_ns = idle_ns(st->cfg->env_cpus);
}

/*
 * The CPU share the measured code got: in a host process or a container the
 * agent's task clock over its measured region (the agent's own clocks: a
 * task waiting for its CPU is not counted); in a VM, whose guest clock
 * runs on while its vCPU waits, the host CPU time of the instance's cgroup
 * over CPUs x the host's time of the request; in a sandbox, whose own
 * kernel works for the agent in host processes of its own (and waits on
 * them: ptrace stops), that cgroup time plus the time the allocation's
 * CPUs stood idle (@idle_ns: nobody else wanted them), over the same; and
 * so for a workload that forks (@w VB_W_FORKS) where the instance has a
 * cgroup: the parent's task clock misses its children's CPU and its own
 * waits for them (cpu.fork got about 0.6 of its CPU by it, every
 * repetition "contended" and left out).
 * NAN when not measured (--events none, no cgroup time).
 */
static double cpu_share(const vb_env_t *env, const vb_workload_t *w, const json_t *rec,
			double idle_ns, const char **src)
{
	const json_t *res = json_object_get(rec, "result");
	double tc = (double)json_integer_value(json_object_get(
		       json_object_get(json_object_get(res, "counters"), "perf::TASK-CLOCK"),
		       "value")),
	       el = (double)json_integer_value(json_object_get(res, "elapsed_ns")),
	       cpu = (double)json_integer_value(json_object_get(rec, "host_cpu_ns")),
	       host = (double)json_integer_value(json_object_get(rec, "host_elapsed_ns"));

	if (env->ops->caps & VB_ENV_IS_VM) {
		*src = "host cgroup CPU time / (vCPUs x request)";
		if (!json_is_integer(json_object_get(rec, "host_cpu_ns")) || host <= 0)
			return NAN;
		return cpu / ((double)env->cfg->cpus * host);
	}
	if (env->ops->arch == VB_ARCH_SANDBOX || ((w->flags & VB_W_FORKS) && env->have_cg)) {
		*src = "(host cgroup CPU time + idle of its CPUs) / (CPUs x request)";
		if (!json_is_integer(json_object_get(rec, "host_cpu_ns")) || host <= 0 ||
		    !isfinite(idle_ns))
			return NAN;
		return (cpu + idle_ns) / ((double)env->cfg->cpus * host);
	}
	*src = "agent task clock / measured region";
	return tc > 0 && el > 0 ? tc / el : NAN;
}

/*
 * In a VM, the share of the request its guest kernel counted as stolen
 * (result.steal_ns over the agent's time for the request): the hypervisor's
 * steal clock, which sees the vCPU threads wait on the host even when the
 * cgroup's CPU time does not tell (QEMU's I/O threads in the same cgroup).
 * NAN elsewhere, or when the agent did not report it.
 */
static double guest_steal_share(const vb_env_t *env, const json_t *rec)
{
	const json_t *res = json_object_get(rec, "result"), *h = json_object_get(res, "handled_ns");
	double steal = (double)json_integer_value(json_object_get(res, "steal_ns")),
	       ns = (double)json_integer_value(h ? h : json_object_get(res, "elapsed_ns"));

	if (!(env->ops->caps & VB_ENV_IS_VM) || !json_is_integer(json_object_get(res, "steal_ns")) ||
	    ns <= 0)
		return NAN;
	return steal / ns;
}

int vb_contend_judge(run_state_t *st, const vb_env_t *env, const vb_workload_t *w, json_t *rec,
		     const vb_contend_probe_t *p0, const vb_contend_probe_t *p1)
{
	double host = (double)json_integer_value(json_object_get(rec, "host_elapsed_ns")), share;
	double t = st->cfg->contention_threshold, gsteal;
	const char *src = NULL;
	int judged, contended;
	json_t *c;

	if (!json_is_true(json_object_get(rec, "ok")))
		return 0;
	share = cpu_share(env, w, rec,
			  p0->idle_ns >= 0 && p1->idle_ns >= p0->idle_ns
				  ? (double)(p1->idle_ns - p0->idle_ns)
				  : NAN,
			  &src);
	gsteal = guest_steal_share(env, rec);
	/* I/O and network workloads wait for the disk or the peer by design */
	judged = t > 0 && w->kind != VB_KIND_IO && w->kind != VB_KIND_NET &&
		 w->kind != VB_KIND_APP && isfinite(share);
	contended = judged && (share < t || (isfinite(gsteal) && 1.0 - gsteal < t));
	c = json_pack("{s:o,s:s,s:f,s:b,s:b}", "cpu_share",
		      isfinite(share) ? json_real(share) : json_null(), "share_source", src,
		      "threshold", t, "judged", judged, "contended", contended);
	if (env->ops->caps & VB_ENV_IS_VM) {
		json_object_set(c, "guest_steal_ns", json_object_get(json_object_get(rec, "result"),
								     "steal_ns") ?: json_null());
		json_object_set_new(c, "guest_steal_share",
				    isfinite(gsteal) ? json_real(gsteal) : json_null());
	}
	json_object_set_new(c, "cpu_pressure_some_us",
			    p0->psi_us >= 0 && p1->psi_us >= p0->psi_us
				    ? json_integer(p1->psi_us - p0->psi_us)
				    : json_null());
	json_object_set_new(c, "cpu_pressure_share",
			    p0->psi_us >= 0 && p1->psi_us >= p0->psi_us && host > 0
				    ? json_real((double)(p1->psi_us - p0->psi_us) * 1e3 / host)
				    : json_null());
	json_object_set_new(c, "runq_wait_ns", p0->runq_ns >= 0 && p1->runq_ns >= p0->runq_ns
						       ? json_integer(p1->runq_ns - p0->runq_ns)
						       : json_null());
	json_object_set_new(rec, "contention", c);
	if (contended)
		json_object_set_new(rec, "contended", json_true());
	return contended;
}

/* ---- the contention test's CPU hog (VBENCH_TEST_HOG_SEQ) -------------- */

/*
 * Test hook: VBENCH_TEST_HOG_SEQ=N runs a CPU hog pinned to the
 * environments' CPUs during the first attempt of the repetition with seq
 * N, so a test can check that it is flagged, re-run and left out.  Never
 * set outside tests.  Returns the hog's PID (0: none).
 */
pid_t vb_contend_hog_start(const run_state_t *st, int seq, unsigned attempt)
{
	const char *v = getenv("VBENCH_TEST_HOG_SEQ");
	pid_t pid;

	if (!v || atoi(v) != seq || attempt != 1)
		return 0;
	pid = fork();
	if (pid == 0) {
		volatile unsigned long x = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		vb_cpulist_pin(st->cfg->env_cpus);
		for (;;)
			x++;
	}
	if (pid > 0)
		usleep(20000); /* on its CPU before the request */
	return pid > 0 ? pid : 0;
}

void vb_contend_hog_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ---- --precision: the stopping rule ------------------------------------ */

/* The primary metric of @w over the usable repetitions of @env into @v. */
static size_t values(const run_state_t *st, const char *env, const vb_workload_t *w, double *v)
{
	json_t *r, *m;
	size_t i, n = 0;

	json_array_foreach(json_object_get(st->doc, "repetitions"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "env")) ?: "", env) ||
		    strcmp(json_string_value(json_object_get(r, "workload")) ?: "", w->name) ||
		    !json_is_true(json_object_get(r, "ok")) ||
		    (json_is_true(json_object_get(r, "contended")) && !st->cfg->keep_contended))
			continue;
		m = json_object_get(json_object_get(json_object_get(r, "result"), "metrics"),
				    w->metrics[0].name);
		if (json_is_number(m))
			v[n++] = json_number_value(m);
	}
	return n;
}

/*
 * The overhead of @env against the baseline @base for workload @w (or, with
 * @env NULL, the median of @base alone) with its interval, as the summary
 * computes it (the same streams, resamples and level: stats.c).  0, or -1
 * when there is no interval yet.
 */
static int interval(const run_state_t *st, const char *base, const char *env,
		    const vb_workload_t *w, double *est, vb_ci_t *ci)
{
	size_t nrep = json_array_size(json_object_get(st->doc, "repetitions")) + 1, B = VB_STATS_RESAMPLES;
	double *v = malloc(nrep * sizeof(double)), *rb = malloc(B * sizeof(double)),
	       *re = malloc(B * sizeof(double)), *rr = malloc(B * sizeof(double));
	int higher = w->metrics[0].better == VB_HIGHER_IS_BETTER, rc = -1;
	const char *lb[] = { base, w->name, "metric", w->metrics[0].name };
	const char *le[] = { env, w->name, "metric", w->metrics[0].name };
	double mb, me;
	size_t n;

	if (!v || !rb || !re || !rr)
		goto out;
	n = values(st, base, w, v);
	if (n < 2) /* one value (the others failed or contended): no interval yet */
		goto out;
	mb = vb_median(v, n);
	if (vb_boot_medians(v, n, B, vb_stats_stream(VB_STATS_SEED, lb, 4), rb) < 0)
		goto out;
	if (!env) {
		*est = mb;
		rc = vb_boot_interval(rb, B, VB_STATS_LEVEL, ci);
		goto out;
	}
	n = values(st, env, w, v);
	if (n < 2)
		goto out;
	me = vb_median(v, n);
	if (vb_boot_medians(v, n, B, vb_stats_stream(VB_STATS_SEED, le, 4), re) < 0)
		goto out;
	vb_ratio_replicates(rb, re, B, higher, rr);
	*est = vb_overhead_ratio(mb, me, higher);
	rc = isfinite(*est) ? vb_boot_interval(rr, B, VB_STATS_LEVEL, ci) : -1;
out:
	free(v);
	free(rb);
	free(re);
	free(rr);
	return rc;
}

static void stop_pair(run_state_t *st, size_t e, size_t w, const char *why, double est,
		      const vb_ci_t *ci)
{
	st->stop[e][w] = why;
	st->stop_est[e][w] = est;
	st->stop_ci[e][w] = *ci;
}

/* The baseline of the run, when it started; else NULL. */
static const char *baseline(const run_state_t *st)
{
	size_t e;

	for (e = 0; e < st->nenvs; e++)
		if ((st->ops[e]->caps & VB_ENV_IS_BASELINE) && st->envs[e].started)
			return st->name[e];
	return NULL;
}

size_t vb_contend_decide(run_state_t *st, uint32_t round)
{
	const char *base = baseline(st);
	size_t e, w, open = 0, others;
	vb_ci_t ci;
	double est;

	for (w = 0; w < st->cfg->nwl; w++) {
		if (!st->wl_ok[w])
			continue;
		others = 0;
		for (e = 0; e < st->nenvs; e++) {
			const char *name = st->name[e];

			if (!st->envs[e].started || !base || !strcmp(name, base))
				continue;
			if (!st->stop[e][w] && round >= st->cfg->min_reps &&
			    interval(st, base, name, st->cfg->wl[w], &est, &ci) == 0 &&
			    vb_ci_within(est, &ci, st->cfg->precision))
				stop_pair(st, e, w, "decided", est, &ci);
			others += !st->stop[e][w];
		}
		/* The baseline runs while a pair needs it; alone, on its own interval. */
		for (e = 0; e < st->nenvs; e++) {
			if (!st->envs[e].started || !base || strcmp(st->name[e], base) ||
			    st->stop[e][w])
				continue;
			if (others)
				open++;
			else if (round >= st->cfg->min_reps &&
				 interval(st, base, NULL, st->cfg->wl[w], &est, &ci) == 0 &&
				 vb_ci_within(est, &ci, st->cfg->precision))
				stop_pair(st, e, w, "decided", est, &ci);
			else
				open++;
		}
		open += others;
	}
	return open;
}

json_t *vb_contend_precision_json(run_state_t *st, const char *why_open)
{
	json_t *pairs = json_array(), *reps = json_object_get(st->doc, "repetitions"), *r;
	size_t e, w, i, n;
	vb_ci_t none = { NAN, NAN };

	for (e = 0; e < st->nenvs; e++)
		for (w = 0; w < st->cfg->nwl; w++) {
			if ((!st->envs[e].started && !st->stop[e][w]) ||
			    st->stop[e][w] == vb_run_stop_mode)
				continue;
			if (!st->stop[e][w]) {
				const char *base = baseline(st), *me = st->name[e];
				double est = NAN;
				vb_ci_t ci = none;

				if (!base || interval(st, base, strcmp(me, base) ? me : NULL,
						      st->cfg->wl[w], &est, &ci) < 0)
					est = NAN, ci = none;
				stop_pair(st, e, w, why_open, est, &ci);
			}
			n = 0;
			json_array_foreach(reps, i, r) {
				const char *re = json_string_value(json_object_get(r, "env")),
					   *rw = json_string_value(json_object_get(r, "workload")),
					   *me = st->name[e], *wl = st->cfg->wl[w]->name ?: "";

				n += re && rw && !strcmp(re, me) && !strcmp(rw, wl) &&
				     !json_is_true(json_object_get(r, "contended"));
			}
			json_array_append_new(
			    pairs, json_pack("{s:s,s:s,s:I,s:s,s:o,s:o,s:o}", "env", st->name[e],
					     "workload", st->cfg->wl[w]->name, "reps", (json_int_t)n,
					     "stopped", st->stop[e][w], "estimate",
					     isfinite(st->stop_est[e][w]) ? json_real(st->stop_est[e][w])
									  : json_null(),
					     "ci_low",
					     isfinite(st->stop_ci[e][w].lo) ? json_real(st->stop_ci[e][w].lo)
									    : json_null(),
					     "ci_high",
					     isfinite(st->stop_ci[e][w].hi) ? json_real(st->stop_ci[e][w].hi)
									    : json_null()));
		}
	return json_pack("{s:f,s:I,s:I,s:f,s:f,s:s,s:o}", "precision", st->cfg->precision,
			 "min_reps", (json_int_t)st->cfg->min_reps, "max_reps",
			 (json_int_t)st->cfg->max_reps, "max_time_s", st->cfg->max_time_s, "level",
			 VB_STATS_LEVEL,
			 "rule", "after min_reps rounds, an environment and workload stops once the "
				 "bootstrap interval of its overhead (the primary metric's ratio to the "
				 "baseline, as the summary computes it) lies within estimate x "
				 "[1 - precision, 1 + precision]; the baseline runs while another "
				 "environment needs it, alone on the interval of its median",
			 "pairs", pairs);
}
