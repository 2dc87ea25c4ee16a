/*
 * check_counters.c - tests of the counters module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_counters_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_counters(void)
{
	Suite *s = suite_create("counters");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_counters_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
