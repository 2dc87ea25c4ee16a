/*
 * check_sizing.c - tests of the sizing module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_sizing_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_sizing(void)
{
	Suite *s = suite_create("sizing");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sizing_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
