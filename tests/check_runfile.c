/*
 * check_runfile.c - tests of the runfile module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_runfile_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_runfile(void)
{
	Suite *s = suite_create("runfile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_runfile_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
