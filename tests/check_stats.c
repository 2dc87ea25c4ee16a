/*
 * check_stats.c - the statistics against hand-computed values: descriptive
 * statistics, bootstrap intervals on fixed data with a fixed seed (the
 * expected bounds come from an independent re-implementation of the same
 * resampling, see docs/statistics.md), ratio orientation for throughput and
 * latency metrics, geometric means, verdicts, flags and the permutation test.
 */
#include <math.h>
#include <stdint.h>

#include "harness/analysis/stats.h"
#include "tests/tests.h"

START_TEST(test_summary_odd)
{
	double v[] = { 5, 1, 3, 2, 4 };
	vb_summary_t s;

	ck_assert_int_eq(vb_summarize(v, 5, &s), 0);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_double_eq_tol(s.median, 3.0, 1e-12);
	ck_assert_double_eq_tol(s.mean, 3.0, 1e-12);
	ck_assert_double_eq_tol(s.sd, sqrt(2.5), 1e-12);
	ck_assert_double_eq_tol(s.min, 1.0, 1e-12);
	ck_assert_double_eq_tol(s.max, 5.0, 1e-12);
	ck_assert_double_eq_tol(s.cv, sqrt(2.5) / 3.0, 1e-12);
}
END_TEST

START_TEST(test_summary_even_and_nan)
{
	double v[] = { 4, NAN, 1, 3, 2, INFINITY };
	vb_summary_t s;

	ck_assert_int_eq(vb_summarize(v, 6, &s), 0);
	ck_assert_uint_eq(s.n, 4);
	ck_assert_double_eq_tol(s.median, 2.5, 1e-12);
}
END_TEST

START_TEST(test_summary_empty)
{
	double v[] = { NAN };
	vb_summary_t s;

	ck_assert_int_eq(vb_summarize(v, 1, &s), -1);
	ck_assert(isnan(s.median));
	ck_assert(isnan(vb_median(v, 0)));
}
END_TEST

/* Values near the top of the double range (issue #11: a 1e308 metric
 * printed "cv nan%"): the mean and CV are computed without overflow. */
START_TEST(test_summary_huge)
{
	double same[] = { 1e308, 1e308, 1e308 }, two[] = { 1e308, 5e307 };
	vb_summary_t s;

	ck_assert_int_eq(vb_summarize(same, 3, &s), 0);
	ck_assert_double_eq_tol(s.mean / 1e308, 1.0, 1e-12);
	ck_assert_double_eq_tol(s.cv, 0.0, 1e-12);
	ck_assert_int_eq(vb_summarize(two, 2, &s), 0);
	ck_assert(isfinite(s.mean) && isfinite(s.sd) && isfinite(s.cv));
	ck_assert_double_eq_tol(s.cv, sqrt(0.125) / 0.75, 1e-12);
}
END_TEST

START_TEST(test_derive_counters)
{
	json_t *c = json_pack("{s:{s:I,s:s},s:{s:I,s:s},s:{s:I,s:s},s:{s:b,s:s},s:{s:I,s:s}}",
			      "PAPI_TOT_INS", "value", (json_int_t)2000000, "source", "papi",
			      "PAPI_TOT_CYC", "value", (json_int_t)1000000, "source", "papi",
			      "PAPI_L1_DCM", "value", (json_int_t)4000, "source", "papi",
			      "PAPI_TLB_DM", "available", 0, "reason", "no PMU",
			      "perf::PAGE-FAULTS", "value", (json_int_t)10, "source", "perf_event");
	json_t *d = vb_counters_derive(c, 1000);

	ck_assert_double_eq_tol(json_real_value(json_object_get(d, "ipc")), 2.0, 1e-12);
	ck_assert_double_eq_tol(json_real_value(json_object_get(
					json_object_get(d, "per_kilo_instruction"), "PAPI_L1_DCM")),
				2.0, 1e-12);
	ck_assert_double_eq_tol(json_real_value(json_object_get(json_object_get(d, "per_op"),
								 "perf::PAGE-FAULTS")),
				0.01, 1e-12);
	/* Unavailable inputs give absent metrics, never zero. */
	ck_assert_ptr_null(json_object_get(json_object_get(d, "per_op"), "PAPI_TLB_DM"));
	ck_assert_ptr_null(json_object_get(json_object_get(d, "per_kilo_instruction"), "PAPI_TLB_DM"));
	json_decref(d);
	json_object_del(c, "PAPI_TOT_CYC");
	d = vb_counters_derive(c, 0);
	ck_assert_ptr_null(json_object_get(d, "ipc"));
	ck_assert_int_eq(json_object_size(json_object_get(d, "per_op")), 0);
	json_decref(d);
	json_decref(c);
}
END_TEST

/* ---- bootstrap ---- */

static const double sample8[] = { 10.0, 12.0, 11.0, 13.0, 9.0, 14.0, 10.5, 11.5 };

START_TEST(test_stream)
{
	const char *a[] = { "bare", "cpu.syscall", "metric", "ns_per_call" };
	const char *b[] = { "ab", "c" }, *c[] = { "a", "bc" };

	/* Pinned: a change here changes every published interval. */
	ck_assert_uint_eq(vb_stats_stream(VB_STATS_SEED, a, 4), 0x42fe95a47a1ed8aeull);
	ck_assert_uint_eq(vb_stats_stream(VB_STATS_SEED, a, 4), vb_stats_stream(VB_STATS_SEED, a, 4));
	ck_assert_uint_ne(vb_stats_stream(VB_STATS_SEED, a, 4), vb_stats_stream(VB_STATS_SEED + 1, a, 4));
	ck_assert_uint_ne(vb_stats_stream(1, b, 2), vb_stats_stream(1, c, 2));
}
END_TEST

START_TEST(test_interval_quantiles)
{
	double reps[100];
	vb_ci_t ci;
	size_t i;

	/* Replicates 0..99 in reverse: type-7 quantiles at 2.5% and 97.5% are
	 * 99 * 0.025 = 2.475 and 99 * 0.975 = 96.525. */
	for (i = 0; i < 100; i++)
		reps[i] = (double)(99 - i);
	ck_assert_int_eq(vb_boot_interval(reps, 100, 0.95, &ci), 0);
	ck_assert_double_eq_tol(ci.lo, 2.475, 1e-12);
	ck_assert_double_eq_tol(ci.hi, 96.525, 1e-12);
	ck_assert_int_eq(vb_boot_interval(reps, 100, 0.90, &ci), 0);
	ck_assert_double_eq_tol(ci.lo, 4.95, 1e-12);
	reps[3] = NAN;
	ck_assert_int_eq(vb_boot_interval(reps, 100, 0.95, &ci), -1);
	ck_assert(isnan(ci.lo) && isnan(ci.hi));
}
END_TEST

START_TEST(test_median_ci_fixed)
{
	double same[] = { 5, 5, 5, 5 }, one[] = { 3 };
	vb_ci_t ci, ci2;

	/* Fixed data, stream 42, B = 2000: [10, 13] (independent re-implementation). */
	ck_assert_int_eq(vb_median_ci(sample8, 8, 2000, 42, 0.95, &ci), 0);
	ck_assert_double_eq(ci.lo, 10.0);
	ck_assert_double_eq(ci.hi, 13.0);
	/* Deterministic: the same call gives the same bounds, bit for bit. */
	ck_assert_int_eq(vb_median_ci(sample8, 8, 2000, 42, 0.95, &ci2), 0);
	ck_assert(ci.lo == ci2.lo && ci.hi == ci2.hi);
	/* The interval brackets the median, inside the data's range. */
	ck_assert(ci.lo <= vb_median(sample8, 8) && vb_median(sample8, 8) <= ci.hi);
	ck_assert(ci.lo >= 9.0 && ci.hi <= 14.0);
	/* No spread, no width; one value, no interval. */
	ck_assert_int_eq(vb_median_ci(same, 4, 500, 1, 0.95, &ci), 0);
	ck_assert_double_eq(ci.lo, 5.0);
	ck_assert_double_eq(ci.hi, 5.0);
	ck_assert_int_eq(vb_median_ci(one, 1, 500, 1, 0.95, &ci), -1);
	ck_assert(isnan(ci.lo));
}
END_TEST

/* ---- ratios, geometric means, verdicts ---- */

START_TEST(test_ratio_orientation)
{
	/* Throughput (higher is better): half the throughput = twice the time per unit. */
	ck_assert_double_eq_tol(vb_overhead_ratio(100.0, 50.0, 1), 2.0, 1e-12);
	ck_assert_double_eq_tol(vb_overhead_ratio(100.0, 6.25, 1), 16.0, 1e-12);
	/* Latency (lower is better): twice the latency = twice the time per unit. */
	ck_assert_double_eq_tol(vb_overhead_ratio(10.0, 20.0, 0), 2.0, 1e-12);
	/* Faster than the baseline: below 1 either way. */
	ck_assert_double_eq_tol(vb_overhead_ratio(100.0, 125.0, 1), 0.8, 1e-12);
	ck_assert_double_eq_tol(vb_overhead_ratio(10.0, 8.0, 0), 0.8, 1e-12);
	ck_assert_double_eq_tol(vb_overhead_ratio(7.0, 7.0, 1), 1.0, 1e-12);
	/* No ratio without two positive finite values. */
	ck_assert(isnan(vb_overhead_ratio(0.0, 1.0, 0)));
	ck_assert(isnan(vb_overhead_ratio(1.0, NAN, 1)));
}
END_TEST

START_TEST(test_ratio_ci_fixed)
{
	double env[] = { 15, 18, 16.5, 19.5, 13.5, 21, 15.75, 17.25 };
	double base_r[2000], env_r[2000], ratio[2000];
	vb_ci_t ci;

	/* Latency 1.5 times the baseline's; independent resamples (streams 7, 8). */
	ck_assert_int_eq(vb_boot_medians(sample8, 8, 2000, 7, base_r), 0);
	ck_assert_int_eq(vb_boot_medians(env, 8, 2000, 8, env_r), 0);
	vb_ratio_replicates(base_r, env_r, 2000, 0, ratio);
	ck_assert_int_eq(vb_boot_interval(ratio, 2000, 0.95, &ci), 0);
	ck_assert_double_eq_tol(ci.lo, 1.2691666666666668, 1e-12);
	ck_assert_double_eq_tol(ci.hi, 1.7857142857142858, 1e-12);
	ck_assert_int_eq(vb_verdict(&ci), VB_VERDICT_SLOWER);
	/* The same data read as a throughput is 1.5 times faster per unit of work. */
	vb_ratio_replicates(base_r, env_r, 2000, 1, ratio);
	ck_assert_int_eq(vb_boot_interval(ratio, 2000, 0.95, &ci), 0);
	ck_assert_double_eq_tol(ci.lo, 1.0 / 1.7857142857142858, 1e-12);
	ck_assert_int_eq(vb_verdict(&ci), VB_VERDICT_FASTER);
}
END_TEST

START_TEST(test_geomean)
{
	double v[] = { 1.0, 4.0, 16.0 }, bad[] = { 1.0, -2.0 };
	double r0[] = { 1.0, 2.0 }, r1[] = { 4.0, 8.0 }, out[2];
	const double *reps[] = { r0, r1 };

	ck_assert_double_eq_tol(vb_geomean(v, 3), 4.0, 1e-12);
	ck_assert_double_eq_tol(vb_geomean(v, 1), 1.0, 1e-12);
	ck_assert(isnan(vb_geomean(v, 0)));
	ck_assert(isnan(vb_geomean(bad, 2)));
	/* Replicate b of the group is the geometric mean of the members' replicate b. */
	vb_geomean_replicates(reps, 2, 2, out);
	ck_assert_double_eq_tol(out[0], 2.0, 1e-12);
	ck_assert_double_eq_tol(out[1], 4.0, 1e-12);
}
END_TEST

/* The interval-only verdict (a noisy neighbour's slowdown): no equivalence. */
START_TEST(test_verdict)
{
	vb_ci_t same = { 0.97, 1.04 }, slow = { 1.05, 1.3 }, fast = { 0.7, 0.95 },
		edge = { 1.0, 1.2 }, none = { NAN, NAN };

	ck_assert_int_eq(vb_verdict(&same), VB_VERDICT_UNDECIDED);
	ck_assert_str_eq(vb_verdict_name(vb_verdict(&same)), "undecided");
	ck_assert_int_eq(vb_verdict(&edge), VB_VERDICT_UNDECIDED); /* contains 1 */
	ck_assert_int_eq(vb_verdict(&slow), VB_VERDICT_SLOWER);
	ck_assert_str_eq(vb_verdict_name(VB_VERDICT_SLOWER), "slower");
	ck_assert_int_eq(vb_verdict(&fast), VB_VERDICT_FASTER);
	ck_assert_int_eq(vb_verdict(&none), VB_VERDICT_UNDECIDED);
}
END_TEST

START_TEST(test_flags)
{
	ck_assert(vb_flag_cv(0.051, 0.05));
	ck_assert(!vb_flag_cv(0.05, 0.05));
	ck_assert(!vb_flag_cv(NAN, 0.05));
	/* Steal above 5% of the host elapsed time. */
	ck_assert(vb_flag_steal(6e6, 100e6, 0.05));
	ck_assert(!vb_flag_steal(5e6, 100e6, 0.05));
	ck_assert(!vb_flag_steal(1e6, 0, 0.05));
	/* A guest region longer than the host's whole request: the clocks disagree. */
	ck_assert(vb_flag_clock(150e6, 100e6));
	ck_assert(vb_flag_clock(106e6, 100e6));
	ck_assert(!vb_flag_clock(99e6, 100e6));
	ck_assert(!vb_flag_clock(104e6, 100e6));
	ck_assert(!vb_flag_clock(1e6, 0));
	ck_assert_double_eq_tol(vb_per_unit(3.0, 2.0), 1.5, 1e-12);
	ck_assert(isnan(vb_per_unit(3.0, 0.0)));
}
END_TEST

/* ---- permutation test ---- */

START_TEST(test_permutation)
{
	double a[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, b[10], c[] = { 5, 4, 3, 2, 1, 10, 9, 8, 7, 6 };
	vb_perm_result_t r, r2;
	size_t i;

	for (i = 0; i < 10; i++)
		b[i] = a[i] + 100;
	/* Identical samples: every relabelling is as extreme, p = 1. */
	ck_assert_int_eq(vb_permutation_test(a, 10, c, 10, VB_PERM_MEAN, 9999, 1, &r), 0);
	ck_assert_double_eq_tol(r.diff, 0.0, 1e-12);
	ck_assert_double_eq(r.p, 1.0);
	ck_assert_int_eq(vb_permutation_test(a, 10, c, 10, VB_PERM_MEDIAN, 9999, 1, &r), 0);
	ck_assert_double_eq(r.p, 1.0);
	/* Clearly different: 2 of C(20,10) = 184756 labellings are as extreme as
	 * the observed difference of means, so with 9999 draws p is almost
	 * surely the smallest possible, 1/10000 (and is, with this seed). */
	ck_assert_int_eq(vb_permutation_test(a, 10, b, 10, VB_PERM_MEAN, 9999, 1, &r), 0);
	ck_assert_double_eq_tol(r.diff, 100.0, 1e-12);
	ck_assert_uint_eq(r.resamples, 9999);
	ck_assert_double_eq_tol(r.p, 1.0 / 10000.0, 1e-15);
	/* Medians are coarser (more labellings reach a difference of 100) but the
	 * verdict is the same at Firecracker's p < 0.01. */
	ck_assert_int_eq(vb_permutation_test(a, 10, b, 10, VB_PERM_MEDIAN, 9999, 1, &r), 0);
	ck_assert_double_eq_tol(r.diff, 100.0, 1e-12);
	ck_assert(r.p < 0.01);
	/* Fixed seed, fixed answer. */
	ck_assert_int_eq(vb_permutation_test(a, 10, c, 7, VB_PERM_MEAN, 999, 5, &r), 0);
	ck_assert_int_eq(vb_permutation_test(a, 10, c, 7, VB_PERM_MEAN, 999, 5, &r2), 0);
	ck_assert(r.p == r2.p && r.p > 0.05);
	ck_assert_int_eq(vb_permutation_test(a, 0, b, 10, VB_PERM_MEAN, 99, 1, &r), -1);
	ck_assert(isnan(r.p));
}
END_TEST

Suite *vb_suite_stats(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_summary_odd);
	tcase_add_test(tc, test_summary_even_and_nan);
	tcase_add_test(tc, test_summary_empty);
	tcase_add_test(tc, test_summary_huge);
	tcase_add_test(tc, test_derive_counters);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_interval_quantiles);
	tcase_add_test(tc, test_median_ci_fixed);
	tcase_add_test(tc, test_ratio_orientation);
	tcase_add_test(tc, test_ratio_ci_fixed);
	tcase_add_test(tc, test_geomean);
	tcase_add_test(tc, test_verdict);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_permutation);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
