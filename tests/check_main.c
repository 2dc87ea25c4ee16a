/*
 * check_main.c - the one Check runner: adds every suite from tests.h and
 * lets Check print its summary line ("100%: Checks: N, Failures: 0, ...").
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests.h"

const char *vb_test_srcdir(void)
{
	const char *s = getenv("VBENCH_SRCDIR");
	return s && *s ? s : ".";
}

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define VB_ADD_SUITE(name) srunner_add_suite(sr, vb_suite_##name());
	VB_SUITES(VB_ADD_SUITE)
#undef VB_ADD_SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
