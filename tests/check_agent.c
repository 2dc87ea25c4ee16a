/*
 * check_agent.c - tests of the agent module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_agent_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_agent(void)
{
	Suite *s = suite_create("agent");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_agent_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
