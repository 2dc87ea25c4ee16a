/*
 * check_cpu.c - tests of the cpu module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_cpu_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_cpu(void)
{
	Suite *s = suite_create("cpu");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cpu_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
