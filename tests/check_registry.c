/*
 * check_registry.c - tests of the registry module (placeholder until written).
 */
#include "tests.h"

START_TEST(test_registry_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

Suite *vb_suite_registry(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_registry_placeholder);
	suite_add_tcase(s, tc);
	return s;
}
