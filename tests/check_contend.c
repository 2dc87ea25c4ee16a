/*
 * check_contend.c - contention and adaptive repetitions (issue #13): the
 * per-CPU claims (harness/core/cpuclaim.h) between processes, after a
 * SIGKILL and under `vbench clean`; the CPU choice of two live runs; a
 * repetition with a CPU hog on its CPU flagged, run again and left out of
 * the statistics; --precision stopping a decided pair early, respecting
 * --max-reps and recording why each pair stopped.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/analysis/summary.h"
#include "harness/core/cpuclaim.h"
#include "harness/core/options.h"
#include "harness/run/prepare.h"
#include "harness/run/run_int.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char root[PATH_MAX];   /* of the test case (unchecked fixture) */
static char tmpdir[PATH_MAX]; /* of one test */
static char state[PATH_MAX];  /* its own state directory: claims of no other run */

static void setup(void)
{
	vb_test_mkdtemp(root, sizeof(root), "ctest");
}

static void teardown(void)
{
	vb_test_rmdtemp(root);
}

static void begin(const char *test)
{
	vb_test_case_dir(tmpdir, sizeof(tmpdir), root, test);
	snprintf(state, sizeof(state), "%s/state", tmpdir);
	ck_assert_int_eq(mkdir(state, 0700), 0);
	setenv("VBENCH_STATE_DIR", state, 1);
}

/* A child that claims CPU @cpu, says so on a pipe and waits to be killed. */
static pid_t holder(unsigned cpu)
{
	int p[2];
	char c = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		vb_error_t err;

		close(p[0]);
		c = vb_cpuclaim_take(cpu, &err) == 0 ? 'y' : 'n';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	ck_assert_int_eq(c, 'y');
	return pid;
}

static void kill_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int exists(const char *name)
{
	char p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/%s", state, name);
	return access(p, F_OK) == 0;
}

START_TEST(test_claim_between_processes)
{
	char who[300];
	vb_error_t err;
	pid_t pid;

	begin(__func__);
	pid = holder(3);
	vb_error_clear(&err);
	ck_assert_int_eq(vb_cpuclaim_take(3, &err), -1);
	ck_assert_int_eq(err.code, VB_EBUSY);
	ck_assert_msg(strstr(err.msg, "CPU 3 is in use by pid"), "%s", err.msg);
	ck_assert_uint_eq(vb_cpuclaim_others(0xf, who, sizeof(who)), 1ull << 3);
	ck_assert_msg(strstr(who, "CPU 3"), "%s", who);
	/* SIGKILL: the kernel drops the lock, the file stays, the CPU is free */
	kill_reap(pid);
	ck_assert(exists("cpu-3.lock"));
	ck_assert_uint_eq(vb_cpuclaim_others(0xf, who, sizeof(who)), 0);
	ck_assert_int_eq(vb_cpuclaim_take(3, &err), 0);
	ck_assert_uint_eq(vb_cpuclaim_mine(), 1ull << 3);
	vb_cpuclaim_release_all();
	ck_assert(!exists("cpu-3.lock"));
}
END_TEST

/* Found by the acceptance run: two runs started together took each other's
 * probes for claims and both shared one CPU.  A probe (another run's look
 * at the claims, a shared lock here) is not a claim. */
START_TEST(test_probe_is_not_a_claim)
{
	char path[PATH_MAX + 32], who[300];
	vb_error_t err;
	int fd;

	begin(__func__);
	snprintf(path, sizeof(path), "%s/cpu-5.lock", state);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_SH | LOCK_NB), 0);
	ck_assert_uint_eq(vb_cpuclaim_others(1ull << 5, who, sizeof(who)), 0);
	close(fd);
	vb_error_clear(&err);
	ck_assert_int_eq(vb_cpuclaim_take(5, &err), 0);
	vb_cpuclaim_release_all();
}
END_TEST

START_TEST(test_clean_leaves_held_claims)
{
	pid_t live, dead;

	begin(__func__);
	live = holder(1);
	dead = holder(2);
	kill_reap(dead);
	ck_assert(exists("cpu-1.lock") && exists("cpu-2.lock"));
	ck_assert_uint_eq(vb_cpuclaim_clean(state, 1, NULL), 1); /* dry run */
	ck_assert(exists("cpu-2.lock"));
	ck_assert_uint_eq(vb_cpuclaim_clean(state, 0, NULL), 1);
	ck_assert(exists("cpu-1.lock"));
	ck_assert(!exists("cpu-2.lock"));
	kill_reap(live);
}
END_TEST

/* In a child: vb_prepare_cpus for one CPU (or @list), its env_cpus or the
 * error on @fd, then held until killed. */
static pid_t prepared(const char *list, int *rfd)
{
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		vb_run_cfg_t cfg;
		vb_error_t err;
		char msg[700];

		close(p[0]);
		vb_run_cfg_init(&cfg);
		vb_error_clear(&err);
		snprintf(cfg.cpus_list, sizeof(cfg.cpus_list), "%s", list ? list : "");
		if (vb_prepare_cpus(&cfg, &err) == 0)
			snprintf(msg, sizeof(msg), "ok %s|%s", cfg.env_cpus, cfg.cpu_notes[0]);
		else
			snprintf(msg, sizeof(msg), "error %d %s", vb_error_exit_code(&err), err.msg);
		if (write(p[1], msg, strlen(msg) + 1) < 0)
			_exit(1);
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

static void answer(int fd, char *buf, size_t len)
{
	ssize_t n = read(fd, buf, len - 1);

	close(fd);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
}

START_TEST(test_two_runs_differ)
{
	char a[800], b[800], c[800], list[8];
	pid_t pa, pb, pc;
	int fa, fb, fc;

	begin(__func__);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return; /* one CPU: nothing to choose */
	pa = prepared(NULL, &fa);
	answer(fa, a, sizeof(a));
	pb = prepared(NULL, &fb);
	answer(fb, b, sizeof(b));
	ck_assert_msg(!strncmp(a, "ok ", 3) && !strncmp(b, "ok ", 3), "%s / %s", a, b);
	ck_assert_msg(strcspn(a + 3, "|") != strcspn(b + 3, "|") ||
			      strncmp(a + 3, b + 3, strcspn(a + 3, "|")),
		      "both on CPU %s", a + 3);
	/* the second one warns about the first */
	ck_assert_msg(strstr(b, "another vbench run is live"), "%s", b);
	/* --cpus-list naming the first one's CPU: refused, naming it */
	snprintf(list, sizeof(list), "%.*s", (int)strcspn(a + 3, "|"), a + 3);
	pc = prepared(list, &fc);
	answer(fc, c, sizeof(c));
	ck_assert_msg(strstr(c, "error 2 --cpus-list") && strstr(c, "is in use by pid"), "%s", c);
	kill_reap(pa);
	kill_reap(pb);
	kill_reap(pc);
}
END_TEST

/* ---- one repetition judged ---- */

/* A VM repetition whose cgroup got its whole CPU but whose guest counted
 * @steal_ms of its 100 ms request stolen; judged by vb_contend_judge. */
static json_t *vm_rep(int vm, long long steal_ms, int *contended)
{
	static const vb_env_ops_t vm_ops = { .name = "vmtest", .caps = VB_ENV_IS_VM },
				  proc_ops = { .name = "proctest" };
	vb_run_cfg_t cfg = { .cpus = 1, .contention_threshold = 0.95, .env_cpus = "0" };
	run_state_t st = { .cfg = &cfg };
	vb_env_t env = { .ops = vm ? &vm_ops : &proc_ops, .cfg = &cfg };
	vb_contend_probe_t p = { .psi_us = -1, .runq_ns = -1 };
	json_t *rec = json_pack("{s:b,s:I,s:I,s:{s:I,s:I,s:I,s:{s:{s:I}}}}", "ok", 1,
				"host_elapsed_ns", (json_int_t)100000000, "host_cpu_ns",
				(json_int_t)100000000, "result", "elapsed_ns", (json_int_t)90000000,
				"handled_ns", (json_int_t)100000000, "steal_ns",
				(json_int_t)steal_ms * 1000000, "counters", "perf::TASK-CLOCK",
				"value", (json_int_t)90000000);

	*contended = vb_contend_judge(&st, &env, vb_workload_find("cpu.int"), rec, &p, &p);
	return rec;
}

/* In a VM the guest's own steal counts: 10% stolen is contended although
 * the QEMU cgroup got its whole CPU; 1% is not; outside a VM the agent's
 * steal is the host's (steal_ns of the repetition, flagged apart) and does
 * not judge. */
START_TEST(test_guest_steal)
{
	json_t *rec, *c;
	int contended;

	rec = vm_rep(1, 10, &contended);
	c = json_object_get(rec, "contention");
	ck_assert_int_eq(contended, 1);
	ck_assert(json_is_true(json_object_get(rec, "contended")));
	ck_assert_double_eq_tol(json_real_value(json_object_get(c, "cpu_share")), 1.0, 1e-9);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "guest_steal_ns")), 10000000);
	ck_assert_double_eq_tol(json_real_value(json_object_get(c, "guest_steal_share")), 0.1, 1e-9);
	json_decref(rec);

	rec = vm_rep(1, 1, &contended);
	ck_assert_int_eq(contended, 0);
	ck_assert_ptr_null(json_object_get(rec, "contended"));
	json_decref(rec);

	rec = vm_rep(0, 10, &contended);
	c = json_object_get(rec, "contention");
	ck_assert_int_eq(contended, 0);
	ck_assert_ptr_null(json_object_get(c, "guest_steal_ns"));
	ck_assert_double_eq_tol(json_real_value(json_object_get(c, "cpu_share")), 1.0, 1e-9);
	ck_assert_str_eq(json_string_value(json_object_get(c, "share_source")),
			 "agent task clock / measured region");
	json_decref(rec);
}
END_TEST

/* A sandbox (gVisor): its own kernel works for the agent in processes of
 * its own, so the agent's task clock is a fifth of the request although
 * nobody else ran; its cgroup's CPU time and the CPU's idle time are what
 * it got.  90 ms of cgroup time, 8 ms idle: not contended; the same with no
 * idle (10 ms went to someone else): contended.  (It was judged by the
 * agent's task clock, contended every time, left out of the statistics.) */
START_TEST(test_sandbox_share)
{
	static const vb_env_ops_t sb_ops = { .name = "sbtest", .arch = VB_ARCH_SANDBOX };
	vb_run_cfg_t cfg = { .cpus = 1, .contention_threshold = 0.95, .env_cpus = "0" };
	run_state_t st = { .cfg = &cfg };
	vb_env_t env = { .ops = &sb_ops, .cfg = &cfg };
	vb_contend_probe_t p0 = { .psi_us = -1, .runq_ns = -1, .idle_ns = 1000000000 };
	vb_contend_probe_t p1 = p0;
	json_t *rec, *c;
	int contended, k;

	for (k = 0; k < 2; k++) {
		rec = json_pack("{s:b,s:I,s:I,s:{s:I,s:{s:{s:I}}}}", "ok", 1, "host_elapsed_ns",
				(json_int_t)100000000, "host_cpu_ns", (json_int_t)90000000, "result",
				"elapsed_ns", (json_int_t)100000000, "counters", "perf::TASK-CLOCK",
				"value", (json_int_t)20000000);
		p1.idle_ns = p0.idle_ns + (k == 0 ? 8000000 : 0);
		contended = vb_contend_judge(&st, &env, vb_workload_find("cpu.syscall"), rec, &p0,
					     &p1);
		c = json_object_get(rec, "contention");
		ck_assert_int_eq(contended, k == 1);
		ck_assert_double_eq_tol(json_real_value(json_object_get(c, "cpu_share")),
					k == 0 ? 0.98 : 0.90, 1e-9);
		ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(c, "share_source")),
					     "idle"));
		json_decref(rec);
	}
}
END_TEST

/* cpu.fork on bare metal: the agent's task clock is 0.6 of the region
 * (its children's CPU and its waits for them are not in it), the cgroup
 * got 97% of the CPU: not contended (it was, in every run, and cpu.fork
 * had no result anywhere). */
START_TEST(test_fork_share)
{
	static const vb_env_ops_t bare_ops = { .name = "baretest", .arch = VB_ARCH_BARE };
	vb_run_cfg_t cfg = { .cpus = 1, .contention_threshold = 0.95, .env_cpus = "0" };
	run_state_t st = { .cfg = &cfg };
	vb_env_t env = { .ops = &bare_ops, .cfg = &cfg, .have_cg = 1 };
	vb_contend_probe_t p = { .psi_us = -1, .runq_ns = -1, .idle_ns = 5000000 };
	json_t *rec = json_pack("{s:b,s:I,s:I,s:{s:I,s:{s:{s:I}}}}", "ok", 1, "host_elapsed_ns",
				(json_int_t)1375765966, "host_cpu_ns", (json_int_t)1338732891,
				"result", "elapsed_ns", (json_int_t)1374110688, "counters",
				"perf::TASK-CLOCK", "value", (json_int_t)840239536);

	ck_assert_int_eq(vb_contend_judge(&st, &env, vb_workload_find("cpu.fork"), rec, &p, &p), 0);
	ck_assert_double_eq_tol(
		json_real_value(json_object_get(json_object_get(rec, "contention"), "cpu_share")),
		0.973, 1e-3);
	json_decref(rec);
	/* a workload that does not fork keeps the agent's task clock */
	rec = json_pack("{s:b,s:I,s:I,s:{s:I,s:{s:{s:I}}}}", "ok", 1, "host_elapsed_ns",
			(json_int_t)1000000000, "host_cpu_ns", (json_int_t)990000000, "result",
			"elapsed_ns", (json_int_t)1000000000, "counters", "perf::TASK-CLOCK", "value",
			(json_int_t)600000000);
	ck_assert_int_eq(vb_contend_judge(&st, &env, vb_workload_find("cpu.int"), rec, &p, &p), 1);
	json_decref(rec);
}
END_TEST

/* ---- --precision's rule on a run's records ---- */

/* A run of bare and a container on cpu.int, five rounds: bare's values
 * spread +-0.5%, the container's @usable of them usable (the rest
 * contended); vb_contend_decide after the fifth round. */
static const char *decided_with(size_t usable)
{
	static const vb_env_ops_t bare = { .name = "bare", .caps = VB_ENV_IS_BASELINE },
				  box = { .name = "box" };
	static vb_run_cfg_t cfg;
	static run_state_t st;
	static const double v[] = { 1000, 1005, 995, 1002, 998 };
	json_t *reps = json_array(), *r;
	size_t i, k;

	memset(&cfg, 0, sizeof(cfg));
	memset(&st, 0, sizeof(st));
	cfg.wl[0] = vb_workload_find("cpu.int");
	cfg.nwl = 1;
	cfg.min_reps = 5;
	cfg.precision = 0.03;
	st.cfg = &cfg;
	st.nenvs = 2;
	st.ops[0] = &bare;
	st.ops[1] = &box;
	snprintf(st.name[0], sizeof(st.name[0]), "bare");
	snprintf(st.name[1], sizeof(st.name[1]), "box");
	st.envs[0].started = st.envs[1].started = 1;
	st.wl_ok[0] = 1;
	for (i = 0; i < 5; i++)
		for (k = 0; k < 2; k++) {
			r = json_pack("{s:s,s:s,s:b,s:{s:{s:f}}}", "env", k ? "box" : "bare",
				      "workload", "cpu.int", "ok", 1, "result", "metrics", "mops",
				      v[i]);
			if (k && i >= usable)
				json_object_set_new(r, "contended", json_true());
			json_array_append_new(reps, r);
		}
	st.doc = json_pack("{s:o}", "repetitions", reps);
	vb_contend_decide(&st, 5);
	json_decref(st.doc);
	return st.stop[1][0];
}

/* One usable repetition has no interval (a zero width is not "decided");
 * two within the precision do; five do. */
START_TEST(test_precision_needs_two)
{
	ck_assert_ptr_null(decided_with(1));
	ck_assert_ptr_null(decided_with(0));
	ck_assert_str_eq(decided_with(2) ?: "open", "decided");
	ck_assert_str_eq(decided_with(5) ?: "open", "decided");
}
END_TEST

/* ---- vbench run ---- */

/* The records of @env/@wl in @doc: all, contended, with an attempt > 1. */
static void count(const json_t *doc, const char *env, const char *wl, size_t *all, size_t *cont,
		  size_t *reruns)
{
	json_t *r;
	size_t i;

	*all = *cont = *reruns = 0;
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "env")), env) ||
		    strcmp(json_string_value(json_object_get(r, "workload")), wl))
			continue;
		(*all)++;
		*cont += json_is_true(json_object_get(r, "contended"));
		*reruns += json_integer_value(json_object_get(r, "attempt")) > 1;
	}
}

START_TEST(test_hog_flagged_rerun_excluded)
{
	char dir[PATH_MAX], *out, *err, *text, *p;
	size_t all, cont, reruns, i, lines;
	json_t *doc, *sum, *r, *first = NULL;
	const json_t *res;
	int rc;

	begin(__func__);
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	setenv("VBENCH_TEST_HOG_SEQ", "1", 1);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.int",
			    "--profile", "test", "--reps", "2", "--contention-threshold", "0.95",
			    "--out", dir, NULL);
	unsetenv("VBENCH_TEST_HOG_SEQ");
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	doc = vb_test_load_run(dir, 1);
	json_array_foreach(json_object_get(doc, "repetitions"), i, r)
		if (json_integer_value(json_object_get(r, "seq")) == 1 && !first)
			first = r;
	/* the hog took about half of its CPU */
	ck_assert_ptr_nonnull(first);
	ck_assert(json_is_true(json_object_get(first, "contended")));
	ck_assert_double_lt(json_real_value(json_object_get(json_object_get(first, "contention"),
							    "cpu_share")),
			    0.8);
	count(doc, "bare", "cpu.int", &all, &cont, &reruns);
	ck_assert_uint_ge(reruns, 1); /* seq 1 ran again */
	ck_assert_uint_le(reruns, 2 * 2); /* at most 2 re-runs of each slot */
	/* left out of the statistics: n is the records that were not contended */
	sum = vb_test_summarize(doc);
	res = vb_summary_result(sum, "bare", "cpu.int");
	ck_assert_int_eq(json_integer_value(json_object_get(
			     json_object_get(json_object_get(res, "metrics"), "mops"), "n")),
			 (json_int_t)(all - cont));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(
			     json_object_get(sum, "contention"), "environments"), "bare"),
							    "left_out")),
			 (json_int_t)cont);
	json_decref(sum);
	/* --keep-contended (recorded in run.json): counted in */
	json_object_set_new(json_object_get(doc, "contention"), "keep_contended", json_true());
	sum = vb_test_summarize(doc);
	res = vb_summary_result(sum, "bare", "cpu.int");
	ck_assert_int_eq(json_integer_value(json_object_get(
			     json_object_get(json_object_get(res, "metrics"), "mops"), "n")),
			 (json_int_t)all);
	json_decref(sum);
	json_decref(doc);
	/* the raw data: every record, the contended ones said so */
	text = vb_test_read_text(dir, "repetitions.csv", 1 << 20);
	ck_assert_ptr_nonnull(text);
	for (p = text, lines = 0; (p = strchr(p, '\n')); p++)
		lines++;
	ck_assert_uint_eq(lines, all + 1);
	ck_assert_ptr_nonnull(strstr(text, ",cpu.int,1,1,1,true,true,mops,"));
	free(text);
}
END_TEST

/* The precision record of @env/@wl in @doc. */
static const json_t *pair(const json_t *doc, const char *env, const char *wl)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(doc, "precision"), "pairs"), i, p)
		if (!strcmp(json_string_value(json_object_get(p, "env")), env) &&
		    !strcmp(json_string_value(json_object_get(p, "workload")), wl))
			return p;
	ck_abort_msg("no precision record of %s %s", env, wl);
	return NULL;
}

/* vbench run --env bare --workload @wl --profile test --precision @pct
 * --min-reps 2 --max-reps @max into @sub: its run.json. */
static json_t *precision_run(const char *sub, const char *wl, const char *pct, const char *max)
{
	char dir[PATH_MAX], *out, *err;
	int rc;

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, sub);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", wl, "--profile",
			    "test", "--precision", pct, "--min-reps", "2", "--max-reps", max, "--out",
			    dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	return vb_test_load_run(dir, 1);
}

START_TEST(test_precision_stops)
{
	const json_t *p;
	json_t *doc;

	begin(__func__);
	/* +-50%: decided at the first decision (round 2), long before 8 */
	doc = precision_run("loose", "mem.stream", "50", "8");
	p = pair(doc, "bare", "mem.stream");
	ck_assert_str_eq(json_string_value(json_object_get(p, "stopped")), "decided");
	ck_assert_int_lt(json_integer_value(json_object_get(p, "reps")), 8);
	ck_assert_int_lt(json_array_size(json_object_get(doc, "repetitions")), 8);
	json_decref(doc);
	/* +-0.0001%: never decided, stops at --max-reps.  (At +-0.01% two
	 * repetitions of cpu.int 0.02% apart, about one run in 25 at its CV of
	 * 0.3%, gave a zero-width-enough interval and "decided": make
	 * sanitize failed so once.) */
	doc = precision_run("tight", "cpu.int", "0.0001", "3");
	p = pair(doc, "bare", "cpu.int");
	ck_assert_str_eq(json_string_value(json_object_get(p, "stopped")), "max-reps");
	ck_assert_int_eq(json_integer_value(json_object_get(p, "reps")), 3);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 3);
	json_decref(doc);
}
END_TEST

START_TEST(test_precision_options)
{
	char *out, *err;
	int rc;

	begin(__func__);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--reps", "3", "--precision", "3", NULL);
	ck_assert_int_eq(rc, VB_EXIT_USAGE);
	ck_assert_msg(strstr(err, "--reps fixes the repetitions"), "%s", err);
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--max-reps", "3", NULL);
	ck_assert_int_eq(rc, VB_EXIT_USAGE);
	ck_assert_msg(strstr(err, "need --precision"), "%s", err);
	free(out);
	free(err);
}
END_TEST

Suite *vb_suite_contend(void)
{
	Suite *s = suite_create("contend");
	TCase *tc = tcase_create("contend");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_claim_between_processes);
	tcase_add_test(tc, test_probe_is_not_a_claim);
	tcase_add_test(tc, test_clean_leaves_held_claims);
	tcase_add_test(tc, test_two_runs_differ);
	tcase_add_test(tc, test_guest_steal);
	tcase_add_test(tc, test_sandbox_share);
	tcase_add_test(tc, test_fork_share);
	tcase_add_test(tc, test_precision_needs_two);
	tcase_add_test(tc, test_hog_flagged_rerun_excluded);
	tcase_add_test(tc, test_precision_stops);
	tcase_add_test(tc, test_precision_options);
	suite_add_tcase(s, tc);
	return s;
}
