/*
 * check_util.c - tests of the util module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_util_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_util_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
