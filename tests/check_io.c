/*
 * check_io.c - tests of the io module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_io_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_io(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_io_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
