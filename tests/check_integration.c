/*
 * check_integration.c - tests of the integration module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_integration_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_integration(void)
{
	Suite *s = suite_create("integration");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_integration_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
