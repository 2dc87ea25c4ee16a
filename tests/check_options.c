/*
 * check_options.c - tests of the options module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_options_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_options(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_options_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
