/*
 * check_schedule.c - tests of the schedule module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_schedule_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_schedule(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_schedule_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
