/*
 * check_stats.c - descriptive statistics against hand-computed values.
 */
#include <math.h>

#include "../harness/stats.h"
#include "tests.h"

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

Suite *vb_suite_stats(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_summary_odd);
	tcase_add_test(tc, test_summary_even_and_nan);
	tcase_add_test(tc, test_summary_empty);
	tcase_add_test(tc, test_derive_counters);
	suite_add_tcase(s, tc);
	return s;
}
