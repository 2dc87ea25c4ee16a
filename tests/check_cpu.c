/*
 * check_cpu.c - tests of the five CPU workloads (cpu.int, cpu.fp,
 * cpu.syscall, cpu.ctxswitch, cpu.fork).
 *
 * Every workload is driven through the public registry and vb_workload_run(),
 * as the agent does: its descriptor must pass vb_workload_check(), a small run
 * must succeed with positive finite metrics, a run with the corrupt hook must
 * be caught by the self-check (VB_ECHECK), and bad parameter values must be
 * usage errors.  The fork-based workloads must leave no child behind, and
 * cpu.ctxswitch must restore the CPU affinity and signal mask it changes.
 * Check runs each test in its own process, so "no child left" is simply
 * waitpid(-1) failing with ECHILD.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "lib/util.h"
#include "workloads/workload.h"
#include "tests/tests.h"

/* Each CPU workload with parameters that make a run take a few ms. */
static const struct cpu_case {
	const char *name;   /* workload */
	const char *small;  /* "key=value,key=value" for a quick run */
	int forks;          /* expects VB_W_FORKS */
} cases[] = {
	{ "cpu.int", "iters=2", 0 },
	{ "cpu.fp", "n=48,block=16,iters=2", 0 },
	{ "cpu.syscall", "iters=2000", 0 },
	{ "cpu.ctxswitch", "iters=200", 1 },
	{ "cpu.fork", "iters=20", 1 },
};

#define NCASES ((int)VB_ARRAY_SIZE(cases))

static const vb_workload_t *find(const char *name)
{
	const vb_workload_t *w = vb_workload_find(name);

	ck_assert_msg(w != NULL, "workload %s not registered", name);
	return w;
}

/* Defaults of @w, then every "key=value" of the comma list @kvs. */
static void make_params(const vb_workload_t *w, const char *kvs, vb_params_t *p)
{
	char buf[256], *tok, *save = NULL, *eq;
	vb_error_t err;

	vb_params_defaults(w, p);
	snprintf(buf, sizeof(buf), "%s", kvs);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		ck_assert_ptr_nonnull(eq);
		*eq = '\0';
		vb_error_clear(&err);
		ck_assert_msg(vb_params_set(w, p, tok, eq + 1, &err) == 0, "%s.%s=%s: %s",
			      w->name, tok, eq + 1, err.msg);
	}
}

/* Run @name with @kvs (and @corrupt); the error goes to @err. */
static int run_with(const char *name, const char *kvs, int corrupt, vb_wresult_t *res,
		    vb_error_t *err)
{
	const vb_workload_t *w = find(name);
	vb_params_t p;

	make_params(w, kvs, &p);
	vb_error_clear(err);
	return vb_workload_run(w, &p, NULL, NULL, corrupt, res, err);
}

/* A successful run must have done work, taken time and give sane metrics. */
static void assert_sane(const vb_workload_t *w, const vb_wresult_t *res)
{
	size_t i;

	ck_assert_uint_gt(res->ops, 0);
	ck_assert_uint_gt(res->elapsed_ns, 0);
	for (i = 0; i < w->nmetrics; i++)
		ck_assert_msg(isfinite(res->metric[i]) && res->metric[i] > 0.0,
			      "%s metric %s = %g", w->name, w->metrics[i].name, res->metric[i]);
}

static void assert_no_children(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

/* ---- every workload (loop tests over cases[]) ---- */

START_TEST(test_descriptor)
{
	const vb_workload_t *w = find(cases[_i].name);
	vb_error_t err;

	vb_error_clear(&err);
	ck_assert_msg(vb_workload_check(w, &err) == 0, "%s: %s", w->name, err.msg);
	ck_assert_int_eq(w->kind, VB_KIND_CPU);
	ck_assert_ptr_nonnull(w->scale_param);
	ck_assert_str_eq(w->scale_param, "iters");
	ck_assert_int_eq(!!(w->flags & VB_W_FORKS), cases[_i].forks);
	ck_assert_int_eq(w->flags & VB_W_SCRATCH, 0);
	ck_assert_ptr_null(w->size);
}
END_TEST

START_TEST(test_small_run)
{
	const vb_workload_t *w = find(cases[_i].name);
	vb_wresult_t res;
	vb_error_t err;

	ck_assert_msg(run_with(w->name, cases[_i].small, 0, &res, &err) == 0, "%s", err.msg);
	assert_sane(w, &res);
	json_decref(res.detail);
	assert_no_children();
}
END_TEST

START_TEST(test_default_run)
{
	const vb_workload_t *w = find(cases[_i].name);
	vb_wresult_t res;
	vb_error_t err;

	ck_assert_msg(run_with(w->name, "", 0, &res, &err) == 0, "%s", err.msg);
	assert_sane(w, &res);
	json_decref(res.detail);
	assert_no_children();
}
END_TEST

START_TEST(test_corrupt_caught)
{
	vb_wresult_t res;
	vb_error_t err;

	ck_assert_int_eq(run_with(cases[_i].name, cases[_i].small, 1, &res, &err), -1);
	ck_assert_msg(err.code == VB_ECHECK, "%s: code %d: %s", cases[_i].name, err.code,
		      err.msg);
	ck_assert_ptr_null(res.detail);
	assert_no_children();
}
END_TEST

START_TEST(test_bad_params)
{
	static const char *const bad[] = { "0", "abc", "", "-1", "1x", "99999999999999999999999" };
	const vb_workload_t *w = find(cases[_i].name);
	vb_params_t p;
	vb_error_t err;
	size_t i;

	vb_params_defaults(w, &p);
	for (i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		vb_error_clear(&err);
		ck_assert_msg(vb_params_set(w, &p, "iters", bad[i], &err) == -1, "%s.iters=%s accepted",
			      w->name, bad[i]);
		ck_assert_int_eq(err.code, VB_EUSAGE);
	}
	vb_error_clear(&err);
	ck_assert_int_eq(vb_params_set(w, &p, "no_such_key", "1", &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_int_eq(vb_params_set(w, &p, "iters", "1", &err), 0);
}
END_TEST

/* ---- per-workload specifics ---- */

START_TEST(test_int_known_answer)
{
	vb_wresult_t res;
	vb_error_t err;

	ck_assert_msg(run_with("cpu.int", "iters=3", 0, &res, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(res.ops, 3000000);
	ck_assert_int_eq(json_integer_value(json_object_get(res.detail, "primes")), 78498);
	ck_assert_int_eq(json_integer_value(json_object_get(res.detail, "prime_sum")),
			 37550402023LL);
	json_decref(res.detail);
}
END_TEST

/* Sizes that are not multiples of the block, and a block larger than n. */
START_TEST(test_fp_odd_sizes)
{
	static const char *const kvs[] = { "n=37,block=8,iters=1", "n=5,block=32,iters=3",
					   "n=1,block=1,iters=1", "n=67,block=13,iters=1",
					   "n=130,block=64,iters=1" };
	vb_wresult_t res;
	vb_error_t err;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(kvs); i++) {
		ck_assert_msg(run_with("cpu.fp", kvs[i], 0, &res, &err) == 0, "%s: %s", kvs[i],
			      err.msg);
		json_decref(res.detail);
	}
	ck_assert_int_eq(run_with("cpu.fp", "n=130,block=64,iters=1", 1, &res, &err), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
}
END_TEST

START_TEST(test_fp_counts_flops)
{
	vb_wresult_t res;
	vb_error_t err;

	ck_assert_msg(run_with("cpu.fp", "n=40,block=16,iters=3", 0, &res, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(res.ops, 2ull * 40 * 40 * 40 * 3);
	ck_assert_int_eq(json_integer_value(json_object_get(res.detail, "block")), 16);
	json_decref(res.detail);
}
END_TEST

START_TEST(test_bad_sizes)
{
	const vb_workload_t *w = find("cpu.fp");
	vb_params_t p;
	vb_error_t err;

	vb_params_defaults(w, &p);
	ck_assert_int_eq(vb_params_set(w, &p, "n", "0", &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_int_eq(vb_params_set(w, &p, "n", "4097", &err), -1);
	ck_assert_int_eq(vb_params_set(w, &p, "block", "0", &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	w = find("cpu.ctxswitch");
	vb_params_defaults(w, &p);
	ck_assert_int_eq(vb_params_set(w, &p, "pin", "2", &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
}
END_TEST

START_TEST(test_syscall_counts_calls)
{
	vb_wresult_t res;
	vb_error_t err;

	ck_assert_msg(run_with("cpu.syscall", "iters=1234", 0, &res, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(res.ops, 1234);
	ck_assert_ptr_null(res.detail);
}
END_TEST

/* Pinned and unpinned both work; affinity and signal mask come back. */
START_TEST(test_ctxswitch_restores_state)
{
	static const char *const kvs[] = { "iters=300,pin=1", "iters=300,pin=0", "iters=1" };
	cpu_set_t before, after;
	sigset_t mask;
	vb_wresult_t res;
	vb_error_t err;
	size_t i;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(before), &before), 0);
	for (i = 0; i < VB_ARRAY_SIZE(kvs); i++) {
		ck_assert_msg(run_with("cpu.ctxswitch", kvs[i], 0, &res, &err) == 0, "%s: %s",
			      kvs[i], err.msg);
		ck_assert_uint_eq(res.ops, i == 2 ? 1 : 300);
		json_decref(res.detail);
		ck_assert_int_eq(sched_getaffinity(0, sizeof(after), &after), 0);
		ck_assert(CPU_EQUAL(&before, &after));
		ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, NULL, &mask), 0);
		ck_assert(!sigismember(&mask, SIGPIPE));
		assert_no_children();
	}
}
END_TEST

START_TEST(test_fork_counts_children)
{
	vb_wresult_t res;
	vb_error_t err;

	ck_assert_msg(run_with("cpu.fork", "iters=101", 0, &res, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(res.ops, 101);
	json_decref(res.detail);
	assert_no_children();
}
END_TEST

Suite *vb_suite_cpu(void)
{
	Suite *s = suite_create("cpu");
	TCase *all = tcase_create("every");
	TCase *one = tcase_create("specific");

	tcase_set_timeout(all, 60);
	tcase_add_loop_test(all, test_descriptor, 0, NCASES);
	tcase_add_loop_test(all, test_small_run, 0, NCASES);
	tcase_add_loop_test(all, test_default_run, 0, NCASES);
	tcase_add_loop_test(all, test_corrupt_caught, 0, NCASES);
	tcase_add_loop_test(all, test_bad_params, 0, NCASES);
	suite_add_tcase(s, all);

	tcase_set_timeout(one, 60);
	tcase_add_test(one, test_int_known_answer);
	tcase_add_test(one, test_fp_odd_sizes);
	tcase_add_test(one, test_fp_counts_flops);
	tcase_add_test(one, test_bad_sizes);
	tcase_add_test(one, test_syscall_counts_calls);
	tcase_add_test(one, test_ctxswitch_restores_state);
	tcase_add_test(one, test_fork_counts_children);
	suite_add_tcase(s, one);
	return s;
}
