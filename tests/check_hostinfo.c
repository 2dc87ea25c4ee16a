/*
 * check_hostinfo.c - tests of the hostinfo module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_hostinfo_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_hostinfo(void)
{
	Suite *s = suite_create("hostinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_hostinfo_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
