/*
 * check_summary.c - the summary of a fixed run.json
 * (harness/analysis/summary.c) and what it renders to.
 *
 * tests/fixtures/run-bare-container.json is a real run (bare metal and the
 * container, cpu.syscall, mem.stream and io.randread, 5 repetitions, test
 * profile) committed as a fixture.  summary.csv and report.md rendered from
 * it must equal tests/fixtures/golden/ byte for byte (`make golden` refreshes
 * them deliberately).  The summary's semantics are checked on the same data
 * (baseline without a ratio, unavailable counters never zero, groups,
 * flags).  `vbench report` on the same fixture: check_cmd_report.c.
 */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/output/table.h"
#include "harness/core/runfile.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE "tests/fixtures/run-bare-container.json"
#define MAXFILE (16u << 20)

/* ---- helpers ---- */

/* Render with @fn into a malloc'ed string. */
static char *render(const json_t *sum, void (*fn)(const json_t *, FILE *), size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	fn(sum, f);
	fclose(f);
	return buf;
}

/* ---- golden files ---- */

START_TEST(test_golden_csv_md)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum = vb_test_summarize(run);
	size_t len;
	char *s;

	s = render(sum, vb_report_csv, &len);
	vb_test_compare_golden("summary.csv", s, len);
	free(s);
	s = render(sum, vb_report_md, &len);
	vb_test_compare_golden("report.md", s, len);
	free(s);
	json_decref(sum);
	json_decref(run);
}
END_TEST

START_TEST(test_summary_deterministic)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *a = vb_test_summarize(run), *b = vb_test_summarize(run);
	char *sa = json_dumps(a, JSON_SORT_KEYS), *sb = json_dumps(b, JSON_SORT_KEYS);

	ck_assert_str_eq(sa, sb);
	free(sa);
	free(sb);
	json_decref(a);
	json_decref(b);
	json_decref(run);
}
END_TEST

/* ---- what the summary says about the fixture ---- */

START_TEST(test_summary_content)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum = vb_test_summarize(run),
	       *st = json_object_get(sum, "statistics");
	const json_t *bare = vb_summary_result(sum, "bare", "cpu.syscall"),
		     *ct = vb_summary_result(sum, "container", "io.randread"), *m, *ov, *c, *g;
	size_t i;

	ck_assert_int_eq(json_integer_value(json_object_get(st, "seed")),
			 (json_int_t)VB_STATS_SEED);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "resamples")), VB_STATS_RESAMPLES);
	ck_assert_str_eq(json_string_value(json_object_get(sum, "baseline")), "bare");
	/* The virtualized host's warning heads the list. */
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_array_get(json_object_get(sum, "warnings"), 0)),
		   "itself a virtual machine"));
	/* Baseline: statistics, no overhead; 5 repetitions: indicative. */
	m = json_object_get(json_object_get(bare, "metrics"), "ns_per_call");
	ck_assert_int_eq(json_integer_value(json_object_get(m, "n")), 5);
	ck_assert_ptr_null(json_object_get(m, "overhead"));
	ck_assert(json_is_true(json_object_get(m, "indicative")));
	ck_assert(vb_table_num(m, "ci_low") <= vb_table_num(m, "median"));
	ck_assert(vb_table_num(m, "median") <= vb_table_num(m, "ci_high"));
	/* The container's IOPS (higher is better) as time per unit: base/env. */
	m = json_object_get(json_object_get(ct, "metrics"), "iops");
	ov = json_object_get(m, "overhead");
	ck_assert_double_eq_tol(
	    vb_table_num(ov, "ratio"),
	    vb_table_num(
		json_object_get(
		    json_object_get(vb_summary_result(sum, "bare", "io.randread"), "metrics"),
		    "iops"),
		"median") /
		vb_table_num(m, "median"),
	    1e-12);
	ck_assert(vb_table_num(ov, "ci_low") <= vb_table_num(ov, "ratio"));
	ck_assert_ptr_nonnull(json_string_value(json_object_get(ov, "verdict")));
	/* Host cost ratio exists (cgroup accounting was on). */
	ck_assert(isfinite(
	    vb_table_num(json_object_get(json_object_get(ct, "host_cost"), "overhead"), "ratio")));
	/* No PMU in the fixture's host: hardware counters unavailable with a reason, never 0. */
	c = json_object_get(json_object_get(bare, "counters"), "PAPI_TOT_INS");
	ck_assert(json_is_false(json_object_get(c, "available")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(c, "reason")), "PMU"));
	ck_assert_ptr_null(json_object_get(c, "median"));
	ck_assert(json_is_true(json_object_get(
	    json_object_get(json_object_get(bare, "counters"), "perf::TASK-CLOCK"), "available")));
	ck_assert_int_gt(
	    json_array_size(json_object_get(json_object_get(sum, "unavailable"), "counters")), 0);
	/* Groups cpu, mem, io, all; "all" covers the three workloads. */
	ck_assert_int_eq(json_array_size(json_object_get(sum, "groups")), 4);
	json_array_foreach(json_object_get(sum, "groups"), i, g)
		if (!strcmp(json_string_value(json_object_get(g, "kind")), "all"))
			ck_assert_int_eq(
			    json_integer_value(json_object_get(
				json_object_get(json_object_get(g, "envs"), "container"),
				"workloads")),
			    3);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* A flag of @kind for @env/@wl in @sum. */
static int has_flag(const json_t *sum, const char *env, const char *wl, const char *kind)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(sum, "flags"), i, f)
		if (!strcmp(json_string_value(json_object_get(f, "env")), env) &&
		    !strcmp(json_string_value(json_object_get(f, "workload")), wl) &&
		    !strcmp(json_string_value(json_object_get(f, "flag")), kind))
			return 1;
	return 0;
}

/* The first repetition of @env/@wl in @run. */
static json_t *find_rep(json_t *run, const char *env, const char *wl)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "env")), env) &&
		    !strcmp(json_string_value(json_object_get(r, "workload")), wl))
			return r;
	ck_abort_msg("no repetition %s/%s", env, wl);
	return NULL;
}

START_TEST(test_flags_and_unavailable)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum, *r, *rep;
	size_t len, i, nflags;
	char *s;

	/* The fixture's clock checks found nothing, and no steal. */
	sum = vb_test_summarize(run);
	ck_assert(!has_flag(sum, "container", "cpu.syscall", "clock"));
	ck_assert(!has_flag(sum, "bare", "io.randread", "steal"));
	nflags = json_array_size(json_object_get(sum, "flags"));
	json_decref(sum);
	/* A run.json without clock checks (older, or another recorder) is fine. */
	r = json_deep_copy(run);
	json_array_foreach(json_object_get(r, "repetitions"), i, rep)
		json_object_del(rep, "clock_check");
	sum = vb_test_summarize(r);
	ck_assert_uint_eq(json_array_size(json_object_get(sum, "flags")), nflags);
	json_decref(sum);
	json_decref(r);
	/* The recorder's verdicts, in both places they may be. */
	json_object_set_new(find_rep(run, "container", "cpu.syscall"), "guest_clock_suspect",
			    json_true());
	json_object_set_new(
	    json_object_get(find_rep(run, "container", "mem.stream"), "clock_check"),
	    "guest_clock_suspect", json_true());
	/* No clock check recorded: the guest region against the host request, here. */
	r = find_rep(run, "bare", "cpu.syscall");
	json_object_del(r, "clock_check");
	json_object_set_new(
	    json_object_get(r, "result"), "elapsed_ns",
	    json_integer(json_integer_value(json_object_get(r, "host_elapsed_ns")) * 2));
	/* High steal time. */
	r = find_rep(run, "bare", "io.randread");
	json_object_set_new(
	    r, "steal_ns",
	    json_integer(json_integer_value(json_object_get(r, "host_elapsed_ns")) / 10));
	json_array_append_new(json_object_get(run, "environments"),
			      json_pack("{s:s,s:s,s:s,s:b,s:s,s:b}", "name", "kvm", "type",
					"hardware-assisted VM", "mechanism", "QEMU + KVM",
					"available", 0, "reason", "no /dev/kvm, here", "baseline",
					0));
	json_array_append_new(json_object_get(run, "warnings"), json_string("a later warning"));
	sum = vb_test_summarize(run);
	ck_assert(has_flag(sum, "container", "cpu.syscall", "clock"));
	ck_assert(has_flag(sum, "container", "mem.stream", "clock"));
	ck_assert(has_flag(sum, "bare", "cpu.syscall", "clock"));
	ck_assert(!has_flag(sum, "container", "io.randread", "clock"));
	ck_assert(has_flag(sum, "bare", "io.randread", "steal"));
	ck_assert_str_eq(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(json_object_get(sum, "unavailable"), "environments"),
			       0),
		"reason")),
	    "no /dev/kvm, here");
	/* The terminal table: the headline first (the virtualized host in it,
	 * once), then the other warnings; environments headed with type and
	 * mechanism. */
	s = render(sum, vb_table_print, &len);
	ck_assert_msg(!strncmp(s, "\nWhat each kind of virtualization costs here", 44), "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "The baseline host is itself a virtual machine"));
	ck_assert_ptr_null(strstr(s, "NOTE: this 'bare metal' host"));
	ck_assert(strstr(s, "NOTE: a later warning") > strstr(s, "Hardware-assisted VMs:"));
	ck_assert_ptr_nonnull(strstr(s, "container = container, namespaces+cgroups"));
	ck_assert_ptr_nonnull(strstr(s, "bare = bare metal, none (host process)"));
	ck_assert_ptr_nonnull(strstr(s, "\nunavailable (not measured, in no table):\n"
					"  kvm: no /dev/kvm, here\n"));
	ck_assert_ptr_nonnull(strstr(s, "CPU verdict (geometric mean): container x"));
	ck_assert_ptr_nonnull(strstr(s, "guest and host clocks disagree"));
	free(s);
	/* CSV: the unavailable environment has no row (its reason is in report.md). */
	s = render(sum, vb_report_csv, &len);
	ck_assert_ptr_null(strstr(s, "\nkvm,"));
	free(s);
	json_decref(sum);
	json_decref(run);
}
END_TEST

START_TEST(test_virtualized_warning_added)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum;

	/* A run that did not record the warning still gets it, first. */
	json_object_set_new(run, "warnings", json_pack("[s]", "another warning"));
	sum = vb_test_summarize(run);
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_array_get(json_object_get(sum, "warnings"), 0)),
		   "itself a virtual machine (hypervisor 'KVMKVMKVM')"));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(sum, "warnings"), 1)),
			 "another warning");
	json_decref(sum);
	json_decref(run);
}
END_TEST

Suite *vb_suite_summary(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_golden_csv_md);
	tcase_add_test(tc, test_summary_deterministic);
	tcase_add_test(tc, test_summary_content);
	tcase_add_test(tc, test_flags_and_unavailable);
	tcase_add_test(tc, test_virtualized_warning_added);
	suite_add_tcase(s, tc);
	return s;
}
