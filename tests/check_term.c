/*
 * check_term.c - lib/term.c: text cut and wrapped for a terminal, columns
 * counted as UTF-8 characters (the terminal's width itself is checked with
 * the help that asks for it, check_optparse.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/term.h"
#include "tests/tests.h"

/* @fn's text into a malloc'ed string, for the wrap below. */
static char *wrapped(const char *text, size_t col, size_t indent, size_t width)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	ck_assert_ptr_nonnull(f);
	vb_term_wrap(f, text, col, indent, width);
	fclose(f);
	return s;
}

/* lib/term.c: a word wider than the line is cut at the width (it overflowed
 * before), between UTF-8 characters; columns are characters, not bytes. */
START_TEST(test_term)
{
	char *s, cut[] = "ab\xc3\xa9" "cd";

	s = wrapped("a 0123456789abcdefghij z", 0, 2, 10);
	ck_assert_str_eq(s, "a 01234567\n  89abcdef\n  ghij z");
	free(s);
	s = wrapped("\xe2\x80\xa0\xe2\x80\xa0\xe2\x80\xa0\xe2\x80\xa0 x", 0, 0, 3);
	ck_assert_str_eq(s, "\xe2\x80\xa0\xe2\x80\xa0\xe2\x80\xa0\n\xe2\x80\xa0 x");
	free(s);
	s = wrapped("\xc3\xa9\xc3\xa9\xc3\xa9 b", 0, 0, 5); /* 3 columns, 6 bytes: fits */
	ck_assert_str_eq(s, "\xc3\xa9\xc3\xa9\xc3\xa9 b");
	free(s);
	ck_assert_uint_eq(vb_term_cols(cut, strlen(cut)), 5);
	ck_assert_uint_eq(vb_term_cut(cut, 3), 4); /* "ab" and the two bytes of e-acute */
	ck_assert_str_eq(cut, "ab\xc3\xa9");
	ck_assert_uint_eq(vb_term_cut(cut, 80), 4);
}
END_TEST

Suite *vb_suite_term(void)
{
	Suite *s = suite_create("term");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_term);
	suite_add_tcase(s, tc);
	return s;
}
