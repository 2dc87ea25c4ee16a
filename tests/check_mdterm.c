/*
 * check_mdterm.c - harness/output/mdterm.c: Markdown rendered for a
 * terminal, wrapped to a width, with no Markdown syntax and no control
 * character left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/output/mdterm.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char *md_term(const char *md, size_t width)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	ck_assert_ptr_nonnull(f);
	vb_mdterm_print(md, width, f);
	fclose(f);
	return s;
}

START_TEST(test_mdterm)
{
	static const char md[] =
	    "# Title with `code`\n\n"
	    "A **bold** claim, *emphasis*, a star * alone, x1.00 *, 5 \\* 3, a \\| pipe, "
	    "&lt;tag&gt; &amp; [a link](https://example.org) and\na second line.\n\n"
	    "> **Quoted** text\n> on two lines.\n\n"
	    "- an item that is long enough to be wrapped at forty columns here\n"
	    "  continued\n"
	    "1. first\n\n"
	    "### 1. Third level: **verdict**\n\n"
	    "| a | b |\n|---|---|\n| x | y \\| z |\n| long cell | 2 |\n\n"
	    "| environment | a long header | another long header | yet another one |\n"
	    "|---|---|---|---|\n| container | x1.02 [0.97-1.04] | holds: within | holds |\n"
	    "\x1b[31mred\n";
	char *s = md_term(md, 40);

	vb_test_assert_fits(s, 40, "rendered");
	ck_assert_msg(!strncmp(s, "Title with code\n===============\n\n", 33), "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "A bold claim, emphasis, a star * alone,"));
	ck_assert_ptr_nonnull(strstr(s, "\nx1.00 *, 5 * 3, a | pipe, <tag> & a link\n"
					"(https://example.org) and a second line.\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n  Quoted text on two lines.\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n- an item that is long enough to be\n  wrapped"));
	ck_assert_ptr_nonnull(strstr(s, "continued\n1. first\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n1. Third level: verdict\n\n"));
	/* a table that fits: columns; one that does not: a block per row */
	ck_assert_ptr_nonnull(strstr(s, "\na          b\n----------------\nx          y | z\n"
					"long cell  2\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nenvironment: container\n  a long header: x1.02 "
					"[0.97-1.04]\n  another long header: holds: within\n"));
	/* no Markdown syntax, no control character */
	ck_assert_ptr_null(strstr(s, "**"));
	ck_assert_ptr_null(strchr(s, '`'));
	ck_assert_ptr_null(strstr(s, "|---"));
	ck_assert_ptr_null(strstr(s, "&lt;"));
	ck_assert_ptr_null(strchr(s, '\x1b'));
	free(s);
}
END_TEST

Suite *vb_suite_mdterm(void)
{
	Suite *s = suite_create("mdterm");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_mdterm);
	suite_add_tcase(s, tc);
	return s;
}
