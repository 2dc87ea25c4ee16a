/*
 * check_compare.c - `vbench compare A B` and the exact permutation test.
 *
 * The committed fixture run (5 repetitions a side) against itself calls
 * nothing slower or faster; against a copy where one metric is 30% worse in
 * every repetition (built here with jansson) exactly that is flagged,
 * whatever the metric's direction, and --fail-on-regression turns it into
 * exit 1 (5%) or 0 (50%); issue #13's acceptance (one workload scaled by
 * 0.8 fails --fail-on-regression 10, A/A passes); a host slower for
 * everything moves bare metal but no overhead; an environment one run
 * lacks is listed once; three repetitions a side give "undecided (too few
 * repetitions)" and exit 6.  Bad input gives exit 2 and one line naming the
 * file and the field.  The error rates: check_simstats.c.
 */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/analysis/compare.h"
#include "harness/core/runfile.h"
#include "harness/analysis/stats.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE "tests/fixtures/run-bare-container.json"
#define MAXFILE (16u << 20)

static char tmpdir[PATH_MAX];

static void setup(void)
{
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "cmptest"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- helpers ---- */

/* Write @doc as TMPDIR/NAME/run.json; the directory into @dir. */
static void write_run(const char *name, const json_t *doc, char *dir, size_t len)
{
	char path[PATH_MAX];
	char *s = json_dumps(doc, JSON_INDENT(1));

	snprintf(dir, len, "%s/%s", tmpdir, name);
	ck_assert_int_eq(vb_mkdir_p(dir, 0755, NULL), 0);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	ck_assert_int_eq(vb_write_file(path, s, strlen(s), NULL), 0);
	free(s);
}

/* Multiply @metric of every successful repetition of @env/@wl by @f. */
static void scale_metric(json_t *run, const char *env, const char *wl, const char *metric, double f)
{
	json_t *r, *m;
	size_t i, n = 0;

	json_array_foreach(json_object_get(run, "repetitions"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "env")), env) ||
		    strcmp(json_string_value(json_object_get(r, "workload")), wl) ||
		    !json_is_true(json_object_get(r, "ok")))
			continue;
		m = json_object_get(json_object_get(r, "result"), "metrics");
		json_object_set_new(m, metric,
				    json_real(json_number_value(json_object_get(m, metric)) * f));
		n++;
	}
	ck_assert_uint_gt(n, 0);
}

/* The row of @cmp for @env/@wl/@metric. */
static const json_t *row(const json_t *cmp, const char *env, const char *wl, const char *metric)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(cmp, "rows"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "env")), env) &&
		    !strcmp(json_string_value(json_object_get(r, "workload")), wl) &&
		    !strcmp(json_string_value(json_object_get(r, "metric")), metric))
			return r;
	ck_abort_msg("no row %s/%s/%s", env, wl, metric);
	return NULL;
}

static json_t *compare(const json_t *a, const json_t *b)
{
	vb_compare_cfg_t cfg;
	vb_error_t err;
	json_t *cmp;

	vb_compare_cfg_init(&cfg);
	vb_error_clear(&err);
	cmp = vb_compare_build(a, "A", b, "B", &cfg, &err);
	ck_assert_msg(cmp != NULL, "%s", err.msg);
	return cmp;
}

static const char *verdict_of(const json_t *r)
{
	return json_string_value(json_object_get(r, "verdict"));
}

/* ---- the exact permutation test ---- */

START_TEST(test_permutation_exact)
{
	const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 }, c[] = { 1, 2, 3 };
	const double big[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	vb_perm_result_t r;

	/* Complete separation, 5 + 5: only the observed labelling and its mirror. */
	ck_assert_int_eq(vb_permutation_test_exact(a, 5, b, 5, VB_PERM_MEAN, 1000, &r), 0);
	ck_assert_uint_eq(r.resamples, 252);
	ck_assert_double_eq_tol(r.p, 2.0 / 252.0, 1e-15);
	ck_assert_double_eq_tol(r.diff, 5.0, 1e-12);
	/* Unequal sizes: one extreme labelling of C(8,3) = 56. */
	ck_assert_int_eq(vb_permutation_test_exact(c, 3, b, 5, VB_PERM_MEAN, 1000, &r), 0);
	ck_assert_uint_eq(r.resamples, 56);
	ck_assert_double_eq_tol(r.p, 1.0 / 56.0, 1e-15);
	/* Medians tie: {1,2,6} against {3,7,8,9,10} is as extreme (6 of 56). */
	ck_assert_int_eq(vb_permutation_test_exact(c, 3, b, 5, VB_PERM_MEDIAN, 1000, &r), 0);
	ck_assert_double_eq_tol(r.p, 6.0 / 56.0, 1e-15);
	/* The same sample twice: every labelling is as extreme, p = 1. */
	ck_assert_int_eq(vb_permutation_test_exact(a, 5, a, 5, VB_PERM_MEAN, 1000, &r), 0);
	ck_assert_double_eq_tol(r.p, 1.0, 1e-15);
	/* Too many relabellings: nothing computed. */
	ck_assert_int_eq(vb_permutation_test_exact(big, 12, big, 12, VB_PERM_MEAN, 1000, &r), 1);
	ck_assert_int_eq(vb_permutation_test_exact(a, 0, b, 5, VB_PERM_MEAN, 1000, &r), -1);
	ck_assert(isnan(r.p));
}
END_TEST

/* ---- the test on the reported statistic ---- */

/* Issue #13: one outlier repetition made the old permutation test on means
 * contradict the reported change of medians (p = 1.0 on a clear change).
 * The test now resamples the statistic it reports. */
START_TEST(test_compare_tests_the_median)
{
	double a[10], b[10];
	const uint64_t st[2] = { 11, 12 };
	double scratch[3 * 2000];
	vb_compare_cfg_t cfg;
	vb_compare_stat_t o;
	vb_perm_result_t perm;
	size_t i;

	for (i = 0; i < 10; i++) {
		a[i] = 100.0 + (double)(i % 5) * 0.5; /* a throughput, CV well below 1% */
		b[i] = 0.8 * a[i];		      /* 25% more time per unit of work */
	}
	b[9] = 1000; /* one repetition absurdly fast */
	vb_compare_cfg_init(&cfg);
	ck_assert_int_eq(vb_compare_metric(a, 10, b, 10, 1, &cfg, st, scratch, &o), 0);
	ck_assert_double_eq_tol(o.ratio, vb_median(a, 10) / vb_median(b, 10), 1e-12);
	ck_assert(o.ratio > 1.2);
	ck_assert_msg(o.p < 0.01, "p = %g", o.p);
	ck_assert_int_eq(o.d.verdict, VB_VERDICT_SLOWER);
	/* what the means say: the outlier hides the change */
	ck_assert_int_eq(vb_permutation_test(a, 10, b, 10, VB_PERM_MEAN, 9999, 7, &perm), 0);
	ck_assert_msg(perm.p > 0.01, "p = %g", perm.p);
}
END_TEST

/* ---- comparisons ---- */

/* Multiply every metric of every successful repetition of workload @wl (all
 * environments) by @f: the same run on a host @f times as fast for it. */
static void scale_workload(json_t *run, const char *wl, double f)
{
	json_t *r, *m, *v;
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(run, "repetitions"), i, r) {
		if ((wl && strcmp(json_string_value(json_object_get(r, "workload")), wl)) ||
		    !json_is_true(json_object_get(r, "ok")))
			continue;
		m = json_object_get(json_object_get(r, "result"), "metrics");
		json_object_foreach(m, k, v)
			json_object_set_new(m, k, json_real(json_number_value(v) * f));
	}
}

/*
 * `vbench compare --fail-on-regression PCT A B` exits @want; with @line, its
 * stderr is that one line (or holds it).
 */
static void expect_compare(int want, const char *pct, const char *da, const char *db,
			   const char *line)
{
	char *out, *err;
	int rc = vb_test_vbench(NULL, &out, &err, "compare", "--fail-on-regression", pct, da, db,
				NULL);

	ck_assert_msg(rc == want, "exit %d: %s", rc, err);
	if (line) {
		ck_assert_msg(strstr(err, line) != NULL, "%s", err);
		ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	}
	free(out);
	free(err);
}

/* The count @key of @cmp. */
static size_t counted(const json_t *cmp, const char *key)
{
	return vb_compare_count(cmp, key);
}

START_TEST(test_compare_self)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *cmp = compare(run, run), *r, *regs;
	char dir[PATH_MAX], path[PATH_MAX], *out, *err;
	size_t i;
	int rc;

	ck_assert_str_eq(json_string_value(json_object_get(cmp, "schema")), VB_COMPARE_SCHEMA);
	/* one primary metric per workload: 2 environments x 3 workloads */
	ck_assert_int_eq(json_array_size(json_object_get(cmp, "rows")), 6);
	json_array_foreach(json_object_get(cmp, "rows"), i, r) {
		ck_assert(!json_is_true(json_object_get(r, "significant")));
		ck_assert_str_ne(verdict_of(r), "slower");
		ck_assert_str_ne(verdict_of(r), "faster");
		ck_assert_double_eq_tol(json_number_value(json_object_get(r, "change_pct")), 0,
					1e-9);
		/* the container's verdict rests on its overhead ratio to bare metal */
		ck_assert_str_eq(json_string_value(json_object_get(r, "basis")),
				 strcmp(json_string_value(json_object_get(r, "env")), "bare")
				     ? "overhead"
				     : "metric");
	}
	ck_assert_int_eq(json_array_size(json_object_get(cmp, "differences")), 0);
	regs = vb_compare_regressions(cmp, 5);
	ck_assert_int_eq(json_array_size(regs), 0);
	json_decref(regs);
	/* The command: exit 0, a table, nothing written without --out. */
	write_run("a", run, dir, sizeof(dir));
	rc = vb_test_vbench(NULL, &out, &err, "compare", "--fail-on-regression", "5", dir, dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(out, "0 slower"));
	ck_assert_ptr_nonnull(strstr(out, "within +-3% (margin)"));
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
	/* 5 repetitions a side cannot show a container within 3%: undecided, exit 3 on request */
	rc = vb_test_vbench(NULL, &out, &err, "compare", "--fail-on-undecided", dir, dir, NULL);
	ck_assert_msg(rc == VB_COMPARE_EXIT_UNDECIDED, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(err, "undecided"));
	free(out);
	free(err);
	/* --all-metrics: every metric of every workload */
	rc = vb_test_vbench(NULL, &out, &err, "compare", "--all-metrics", "--json", dir, dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	json_decref(cmp);
	cmp = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(cmp);
	ck_assert_int_eq(json_array_size(json_object_get(cmp, "rows")), 18);
	free(out);
	free(err);
	snprintf(path, sizeof(path), "%s/compare.json", dir);
	ck_assert_int_ne(access(path, F_OK), 0);
	json_decref(cmp);
	json_decref(run);
}
END_TEST

/* Issue #13's acceptance: B is A with one workload's values scaled by 0.8 at
 * n = 5 (a throughput 20% lower: +25% time per unit of work). */
START_TEST(test_compare_acceptance)
{
	json_t *a = vb_test_load_fixture(FIXTURE), *b = json_deep_copy(a), *cmp;
	char da[PATH_MAX], db[PATH_MAX];
	const json_t *r;

	scale_workload(b, "mem.stream", 0.8);
	cmp = compare(a, b);
	r = row(cmp, "bare", "mem.stream", "triad");
	ck_assert_str_eq(verdict_of(r), "slower");
	ck_assert_double_eq_tol(json_number_value(json_object_get(r, "change_pct")), 25, 1e-6);
	/* the container slowed down with its host: its overhead did not change */
	r = row(cmp, "container", "mem.stream", "triad");
	ck_assert_str_ne(verdict_of(r), "slower");
	ck_assert_double_eq_tol(
	    json_number_value(json_object_get(json_object_get(r, "overhead"), "change_pct")), 0,
	    1e-6);
	json_decref(cmp);
	write_run("a", a, da, sizeof(da));
	write_run("b", b, db, sizeof(db));
	expect_compare(1, "10", da, db, "regression: bare / mem.stream / triad +25.0%");
	expect_compare(0, "10", da, da, NULL); /* A/A */
	json_decref(b);
	json_decref(a);
}
END_TEST

START_TEST(test_compare_regression)
{
	json_t *a = vb_test_load_fixture(FIXTURE), *b = json_deep_copy(a), *cmp, *r, *doc;
	char da[PATH_MAX], db[PATH_MAX], dout[PATH_MAX], *out, *err, *s;
	int rc;

	/* 30% more time per call on bare metal: lower is better, so the metric grows;
	 * the container's overhead ratio to bare metal falls to 1/1.3 */
	scale_metric(b, "bare", "cpu.syscall", "ns_per_call", 1.3);
	cmp = compare(a, b);
	r = (json_t *)row(cmp, "bare", "cpu.syscall", "ns_per_call");
	ck_assert_str_eq(verdict_of(r), "slower");
	ck_assert(json_is_true(json_object_get(r, "significant")));
	ck_assert_double_eq_tol(json_number_value(json_object_get(r, "change_pct")), 30, 1e-6);
	ck_assert(json_number_value(json_object_get(r, "p")) < 0.01);
	ck_assert(json_number_value(json_object_get(r, "ci_low")) > 1);
	r = (json_t *)row(cmp, "container", "cpu.syscall", "ns_per_call");
	ck_assert_str_eq(verdict_of(r), "faster");
	ck_assert_double_eq_tol(vb_compare_change(r), (1 / 1.3 - 1) * 100, 1e-6);
	ck_assert_uint_eq(counted(cmp, "slower"), 1);
	ck_assert_uint_eq(counted(cmp, "faster"), 1);
	json_decref(cmp);

	write_run("a", a, da, sizeof(da));
	write_run("b", b, db, sizeof(db));
	expect_compare(1, "5", da, db, "regression: bare / cpu.syscall / ns_per_call +30.0%");
	expect_compare(0, "50", da, db, NULL);
	/* --json: the document on stdout; --out: compare.json and compare.md. */
	snprintf(dout, sizeof(dout), "%s/out", tmpdir);
	rc = vb_test_vbench(NULL, &out, &err, "compare", "--json", "--quiet", "--out", dout, da, db, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	doc = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(doc, "counts"), "slower")), 1);
	json_decref(doc);
	free(out);
	free(err);
	snprintf(dout + strlen(dout), sizeof(dout) - strlen(dout), "/compare.md");
	s = vb_read_file(dout, MAXFILE, 0, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "| bare | cpu.syscall | ns_per_call |"));
	ck_assert_ptr_nonnull(strstr(s, "**slower**"));
	ck_assert_ptr_nonnull(strstr(s, "within +-3% (margin)"));
	free(s);
	json_decref(b);
	json_decref(a);
}
END_TEST

/* A throughput 30% lower is slower too; a latency 30% lower is faster. */
START_TEST(test_compare_orientation)
{
	json_t *a = vb_test_load_fixture(FIXTURE), *b = json_deep_copy(a), *cmp;
	const json_t *r;

	scale_metric(b, "container", "io.randread", "iops", 1 / 1.3);
	scale_metric(b, "container", "cpu.syscall", "ns_per_call", 0.7);
	cmp = compare(a, b);
	r = row(cmp, "container", "io.randread", "iops");
	ck_assert_str_eq(verdict_of(r), "slower");
	ck_assert_double_eq_tol(json_number_value(json_object_get(r, "change_pct")), 30, 1e-6);
	ck_assert_double_eq_tol(vb_compare_change(r), 30, 1e-6);
	r = row(cmp, "container", "cpu.syscall", "ns_per_call");
	ck_assert_str_eq(verdict_of(r), "faster");
	ck_assert_double_eq_tol(json_number_value(json_object_get(r, "change_pct")), -30, 1e-6);
	r = row(cmp, "bare", "io.randread", "iops");
	ck_assert(!json_is_true(json_object_get(r, "significant")));
	json_decref(cmp);
	json_decref(b);
	json_decref(a);
}
END_TEST

/* A host 10% slower for everything in B: bare metal is slower, but no
 * environment's overhead changed, so none is called slower or faster. */
START_TEST(test_compare_drift)
{
	json_t *a = vb_test_load_fixture(FIXTURE), *b = json_deep_copy(a), *cmp, *r;
	size_t i;

	scale_workload(b, NULL, 1 / 1.1);
	scale_metric(b, "bare", "cpu.syscall", "ns_per_call", 1.1 * 1.1); /* a latency */
	scale_metric(b, "container", "cpu.syscall", "ns_per_call", 1.1 * 1.1);
	cmp = compare(a, b);
	json_array_foreach(json_object_get(cmp, "rows"), i, r) {
		if (!strcmp(json_string_value(json_object_get(r, "env")), "bare")) {
			ck_assert_str_eq(verdict_of(r), "slower");
			continue;
		}
		ck_assert_str_ne(verdict_of(r), "slower");
		ck_assert_str_ne(verdict_of(r), "faster");
		ck_assert_double_eq_tol(vb_compare_change(r), 0, 1e-6);
	}
	json_decref(cmp);
	json_decref(b);
	json_decref(a);
}
END_TEST

/* An environment one run did not measure is listed once, not as differences. */
START_TEST(test_compare_only_in)
{
	json_t *a = vb_test_load_fixture(FIXTURE), *b = json_deep_copy(a), *reps = json_array(),
	       *r, *cmp;
	char da[PATH_MAX], db[PATH_MAX], *out, *err;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(a, "repetitions"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "env")), "container"))
			json_array_append(reps, r);
	json_object_set_new(b, "repetitions", reps);
	cmp = compare(a, b);
	ck_assert_int_eq(json_array_size(json_object_get(cmp, "rows")), 3);
	json_array_foreach(json_object_get(cmp, "rows"), i, r)
		ck_assert_str_eq(json_string_value(json_object_get(r, "env")), "bare");
	r = json_object_get(json_object_get(cmp, "only_in"), "a");
	ck_assert_int_eq(json_array_size(r), 1);
	ck_assert_str_eq(json_string_value(json_array_get(r, 0)), "container");
	ck_assert_uint_eq(counted(cmp, "one_run_only"), 0);
	json_decref(cmp);
	write_run("a", a, da, sizeof(da));
	write_run("b", b, db, sizeof(db));
	rc = vb_test_vbench(NULL, &out, &err, "compare", da, db, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(out, "\nonly in A: container\n"));
	ck_assert_ptr_null(strstr(out, "\ncontainer "));
	free(out);
	free(err);
	json_decref(b);
	json_decref(a);
}
END_TEST

/* Three repetitions a side (the quick profile): every verdict undecided, one
 * line on stderr and exit 6, unless --allow-few. */
START_TEST(test_compare_too_few)
{
	json_t *a = vb_test_load_fixture(FIXTURE), *b, *reps = json_array(), *r, *cmp;
	char da[PATH_MAX], db[PATH_MAX], *out, *err;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(a, "repetitions"), i, r)
		if (json_integer_value(json_object_get(r, "rep")) <= 3)
			json_array_append(reps, r);
	json_object_set_new(a, "repetitions", reps);
	b = json_deep_copy(a);
	scale_metric(b, "bare", "cpu.syscall", "ns_per_call", 2);
	cmp = compare(a, b);
	r = (json_t *)row(cmp, "bare", "cpu.syscall", "ns_per_call");
	ck_assert_str_eq(verdict_of(r), "undecided");
	ck_assert_str_eq(json_string_value(json_object_get(r, "undecided")), "too few repetitions");
	ck_assert_uint_eq(counted(cmp, "slower"), 0);
	ck_assert_uint_eq(counted(cmp, "too_few"), 6);
	json_decref(cmp);
	write_run("a", a, da, sizeof(da));
	write_run("b", b, db, sizeof(db));
	expect_compare(VB_COMPARE_EXIT_TOO_FEW, "10", da, db, "too few repetitions");
	rc = vb_test_vbench(NULL, &out, &err, "compare", da, db, NULL);
	ck_assert_int_eq(rc, VB_COMPARE_EXIT_TOO_FEW); /* with or without a gate */
	ck_assert_ptr_nonnull(strstr(out, "undecided (too few repetitions)"));
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "compare", "--allow-few", da, db, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
	json_decref(b);
	json_decref(a);
}
END_TEST

START_TEST(test_compare_bad_input)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *bad;
	char good[PATH_MAX], dir[PATH_MAX], path[PATH_MAX], *out, *err, *s;
	int rc;

	write_run("good", run, good, sizeof(good));
	/* Missing directory. */
	rc = vb_test_vbench(NULL, &out, &err, "compare", good, "/nonexistent/vbench-run", NULL);
	vb_test_expect_refusal(rc, out, err, "/nonexistent/vbench-run", "no such run directory");
	/* Truncated run.json. */
	write_run("bad", run, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/run.json", dir);
	s = vb_read_file(path, MAXFILE, 0, NULL);
	ck_assert_int_eq(vb_write_file(path, s, strlen(s) / 3, NULL), 0);
	free(s);
	rc = vb_test_vbench(NULL, &out, &err, "compare", dir, good, NULL);
	vb_test_expect_refusal(rc, out, err, path, NULL);
	/* Another schema version. */
	bad = json_deep_copy(run);
	json_object_set_new(bad, "schema_version", json_integer(7));
	write_run("bad", bad, dir, sizeof(dir));
	json_decref(bad);
	rc = vb_test_vbench(NULL, &out, &err, "compare", good, dir, NULL);
	vb_test_expect_refusal(rc, out, err, path, "'schema_version'");
	/* Hand-edited: a metric that is not a number. */
	bad = json_deep_copy(run);
	json_object_set_new(
	    json_object_get(
		json_object_get(json_array_get(json_object_get(bad, "repetitions"), 3), "result"),
		"metrics"),
	    "iops", json_string("fast"));
	write_run("bad", bad, dir, sizeof(dir));
	json_decref(bad);
	rc = vb_test_vbench(NULL, &out, &err, "compare", good, dir, NULL);
	vb_test_expect_refusal(rc, out, err, path, "'repetitions[3].result.metrics.iops'");
	/* Usage. */
	rc = vb_test_vbench(NULL, &out, &err, "compare", good, NULL);
	vb_test_expect_refusal(rc, out, err, "two run directories", NULL);
	rc = vb_test_vbench(NULL, &out, &err, "compare", "--fail-on-regression", "lots", good, good, NULL);
	vb_test_expect_refusal(rc, out, err, "--fail-on-regression", NULL);
	json_decref(run);
}
END_TEST

Suite *vb_suite_compare(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_permutation_exact);
	tcase_add_test(tc, test_compare_tests_the_median);
	tcase_add_test(tc, test_compare_self);
	tcase_add_test(tc, test_compare_acceptance);
	tcase_add_test(tc, test_compare_regression);
	tcase_add_test(tc, test_compare_orientation);
	tcase_add_test(tc, test_compare_drift);
	tcase_add_test(tc, test_compare_only_in);
	tcase_add_test(tc, test_compare_too_few);
	tcase_add_test(tc, test_compare_bad_input);
	suite_add_tcase(s, tc);
	return s;
}
