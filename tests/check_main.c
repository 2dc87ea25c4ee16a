/*
 * check_main.c - the one Check runner: adds every suite from tests.h (or
 * those VBENCH_SUITES names) and lets Check print its summary line
 * ("100%: Checks: N, Failures: 0, ...").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tests.h"

const char *vb_test_srcdir(void)
{
	const char *s = getenv("VBENCH_SRCDIR");
	return s && *s ? s : ".";
}

const char *vb_test_bindir(void)
{
	const char *s = getenv("VBENCH_BINDIR");
	return s && *s ? s : vb_test_srcdir();
}

/* Whether suite @name is selected: VBENCH_SUITES unset, or it names it
 * (a list separated by spaces or commas). */
static int selected(const char *name)
{
	const char *list = getenv("VBENCH_SUITES"), *p;
	size_t n = strlen(name);

	if (!list || !*list)
		return 1;
	for (p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || strchr(" ,", p[-1])) && (!p[n] || strchr(" ,", p[n])))
			return 1;
	return 0;
}

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define VB_ADD_SUITE(name)                                                                         \
	if (selected(#name))                                                                       \
		srunner_add_suite(sr, vb_suite_##name());
	VB_SUITES(VB_ADD_SUITE)
#undef VB_ADD_SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
