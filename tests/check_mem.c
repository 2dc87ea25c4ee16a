/*
 * check_mem.c - tests of the mem module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_mem_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_mem(void)
{
	Suite *s = suite_create("mem");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_mem_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
