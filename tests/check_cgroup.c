/*
 * check_cgroup.c - tests of the cgroup module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_cgroup_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_cgroup(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cgroup_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
