/*
 * check_verdict.c - the four verdicts (verdict.h) on hand-made intervals:
 * equivalence before significance, the margin's bounds 1/(1+M) and 1+M,
 * undecided below 5 repetitions a side whatever the interval, the reasons
 * and the estimate of the repetitions that would decide, and the JSON and
 * rule line every output states.  Their error rates: check_simstats.c.
 */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "harness/analysis/stats.h"
#include "harness/analysis/verdict.h"
#include "tests/tests.h"

#define M VB_VERDICT_MARGIN

START_TEST(test_four_verdicts)
{
	vb_decision_t d;

	/* the 90% interval inside [1/1.03, 1.03]: equivalent */
	d = vb_verdict_decide(1.0, 0.975, 1.025, 0.98, 1.02, 10, M);
	ck_assert_int_eq(d.verdict, VB_VERDICT_EQUIVALENT);
	ck_assert_int_eq(d.why, VB_UNDECIDED_NONE);
	/* significant and within the margin: the margin says equivalent */
	d = vb_verdict_decide(1.01, 1.005, 1.015, 1.006, 1.014, 10, M);
	ck_assert_int_eq(d.verdict, VB_VERDICT_EQUIVALENT);
	/* above 1, beyond the margin */
	d = vb_verdict_decide(1.10, 1.05, 1.15, 1.06, 1.14, 10, M);
	ck_assert_int_eq(d.verdict, VB_VERDICT_SLOWER);
	d = vb_verdict_decide(0.90, 0.85, 0.95, 0.86, 0.94, 10, M);
	ck_assert_int_eq(d.verdict, VB_VERDICT_FASTER);
	/* containing 1, wider than the margin: undecided, with an estimate */
	d = vb_verdict_decide(1.0, 0.91, 1.14, 0.93, 1.10, 5, M);
	ck_assert_int_eq(d.verdict, VB_VERDICT_UNDECIDED);
	ck_assert_int_eq(d.why, VB_UNDECIDED_WIDE);
	ck_assert_uint_gt(d.more_reps, 0);
	ck_assert_str_eq(vb_verdict_name(d.verdict), "undecided");
}
END_TEST

/* The margin's bounds are part of the equivalence region, on both sides. */
START_TEST(test_margin_bounds)
{
	double lo = 1.0 / (1.0 + M), hi = 1.0 + M;

	ck_assert_int_eq(vb_verdict_decide(1.0, lo, hi, lo, hi, 10, M).verdict, VB_VERDICT_EQUIVALENT);
	ck_assert_int_eq(vb_verdict_decide(1.0, lo, hi, lo, hi * 1.0001, 10, M).verdict,
			 VB_VERDICT_UNDECIDED);
	ck_assert_int_eq(vb_verdict_decide(1.0, lo, hi, lo * 0.9999, hi, 10, M).verdict,
			 VB_VERDICT_UNDECIDED);
	/* a wider margin makes the same interval equivalent */
	ck_assert_int_eq(vb_verdict_decide(1.0, 0.93, 1.07, 0.95, 1.05, 10, 0.06).verdict,
			 VB_VERDICT_EQUIVALENT);
}
END_TEST

/* Below 5 repetitions a side nothing is coloured: x3.17 [2.96-3.23] at n = 3. */
START_TEST(test_too_few)
{
	vb_decision_t d = vb_verdict_decide(3.17, 2.96, 3.23, 3.0, 3.2, 3, M);

	ck_assert_int_eq(d.verdict, VB_VERDICT_UNDECIDED);
	ck_assert_int_eq(d.why, VB_UNDECIDED_FEW);
	ck_assert_str_eq(vb_verdict_undecided_name(d.why), "too few repetitions");
	ck_assert_int_eq(vb_verdict_decide(1.0, 0.999, 1.001, 0.999, 1.001, 4, M).verdict,
			 VB_VERDICT_UNDECIDED);
	ck_assert_int_eq(vb_verdict_decide(3.17, 2.96, 3.23, 3.0, 3.2, 5, M).verdict, VB_VERDICT_SLOWER);
	/* no interval at all */
	d = vb_verdict_decide(NAN, NAN, NAN, NAN, NAN, 10, M);
	ck_assert_int_eq(d.why, VB_UNDECIDED_NODATA);
	ck_assert_str_eq(vb_verdict_undecided_name(d.why), "no interval");
	d = vb_verdict_decide(1.0, NAN, NAN, NAN, NAN, 1, M);
	ck_assert_int_eq(d.why, VB_UNDECIDED_FEW);
}
END_TEST

/*
 * The estimate scales each distance as 1/sqrt(n): x1.05 [0.99-1.11] from 10
 * a side needs the distance to its lower edge (0.0588 on the log scale) to
 * shrink under the estimate's own (log 1.05 = 0.0488): n' = 10 (0.0588 /
 * 0.0488)^2 = 14.5, 5 more; capped at VB_VERDICT_MAX_MORE when the estimate
 * is 1 itself and the margin tiny.
 */
START_TEST(test_more_reps)
{
	vb_decision_t d = vb_verdict_decide(1.05, 0.99, 1.11, 1.0, 1.10, 10, M);

	ck_assert_int_eq(d.why, VB_UNDECIDED_WIDE);
	ck_assert_uint_eq(d.more_reps, 5);
	d = vb_verdict_decide(1.0, 0.5, 2.0, 0.6, 1.7, 10, 0.001);
	ck_assert_uint_eq(d.more_reps, VB_VERDICT_MAX_MORE);
}
END_TEST

/* A test other than the interval's (compare's p < alpha) decides significance. */
START_TEST(test_decide_test)
{
	ck_assert_int_eq(vb_verdict_decide_test(1.2, 1, 1.1, 1.3, 1.12, 1.28, 10, M).verdict,
			 VB_VERDICT_SLOWER);
	ck_assert_int_eq(vb_verdict_decide_test(0.8, -1, 0.7, 0.9, 0.72, 0.88, 10, M).verdict,
			 VB_VERDICT_FASTER);
	ck_assert_int_eq(vb_verdict_decide_test(1.2, 0, 0.9, 1.5, 0.95, 1.4, 10, M).verdict,
			 VB_VERDICT_UNDECIDED);
}
END_TEST

START_TEST(test_json_and_rule)
{
	vb_decision_t d = vb_verdict_decide(1.0, 0.91, 1.14, 0.93, 1.10, 5, M);
	json_t *j = json_object();
	char line[256];

	vb_verdict_decision_json(&d, j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "undecided");
	ck_assert_str_eq(json_string_value(json_object_get(j, "undecided")), "interval too wide");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "more_reps")), (json_int_t)d.more_reps);
	json_decref(j);
	j = json_object();
	d = vb_verdict_decide(1.0, 0.98, 1.02, 0.985, 1.015, 10, M);
	vb_verdict_decision_json(&d, j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "equivalent");
	ck_assert_ptr_null(json_object_get(j, "undecided"));
	ck_assert_ptr_null(json_object_get(j, "more_reps"));
	json_decref(j);
	vb_verdict_rule_line(0.03, NULL, line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "within +-3% (margin)"));
	ck_assert_ptr_nonnull(strstr(line, "fewer than 5 repetitions"));
	ck_assert_double_eq_tol(vb_verdict_equiv_level(0.95), 0.90, 1e-12);
}
END_TEST

/* vb_ratio_decide: both intervals from the same replicates. */
START_TEST(test_ratio_decide)
{
	double reps[1000];
	vb_decision_t d;
	vb_ci_t ci;
	size_t b;

	for (b = 0; b < 1000; b++)
		reps[b] = 1.0 + 0.01 * ((double)b / 999.0 - 0.5); /* 0.995 .. 1.005 */
	d = vb_ratio_decide(1.0, reps, 1000, 0.95, 10, M, &ci);
	ck_assert_int_eq(d.verdict, VB_VERDICT_EQUIVALENT);
	ck_assert(ci.lo < 0.996 && ci.hi > 1.004);
	reps[3] = NAN;
	d = vb_ratio_decide(1.0, reps, 1000, 0.95, 10, M, &ci);
	ck_assert_int_eq(d.verdict, VB_VERDICT_UNDECIDED);
	ck_assert(isnan(ci.lo));
}
END_TEST

Suite *vb_suite_verdict(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_four_verdicts);
	tcase_add_test(tc, test_margin_bounds);
	tcase_add_test(tc, test_too_few);
	tcase_add_test(tc, test_more_reps);
	tcase_add_test(tc, test_decide_test);
	tcase_add_test(tc, test_json_and_rule);
	tcase_add_test(tc, test_ratio_decide);
	suite_add_tcase(s, tc);
	return s;
}
