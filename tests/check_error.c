/*
 * check_error.c - the error object (lib/error.h): one terminal-safe
 * line whatever it quotes, and a message that does not fit keeps its start
 * (what failed) and its end (why): a 128 KiB path loses its middle, never
 * the reason.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/textsafe.h"
#include "tests/tests.h"

#define HUGE (128u << 10)

/* A path of @n bytes: "/var/tmp/" then 'a'..'z' repeated, then "/run.json". */
static char *huge_path(size_t n)
{
	char *p = malloc(n + 1);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++)
		p[i] = (char)('a' + i % 26);
	memcpy(p, "/var/tmp/", 9);
	memcpy(p + n - 9, "/run.json", 9);
	p[n] = '\0';
	return p;
}

static int ends_with(const char *s, const char *end)
{
	size_t a = strlen(s), b = strlen(end);

	return a >= b && !strcmp(s + a - b, end);
}

START_TEST(test_long_unquoted_keeps_reason)
{
	char *p = huge_path(HUGE);
	vb_error_t err;

	vb_error_set(&err, VB_ESYS, ENOENT, "open %s", p);
	ck_assert_uint_lt(strlen(err.msg), sizeof(err.msg));
	ck_assert_msg(!strncmp(err.msg, "open /var/tmp/", 14), "%s", err.msg);
	ck_assert_msg(ends_with(err.msg, "/run.json: No such file or directory"), "%s", err.msg);
	ck_assert_msg(strstr(err.msg, " bytes ...]"), "%s", err.msg);
	ck_assert_int_eq(err.errnum, ENOENT);
	free(p);
}
END_TEST

/* The quoted input is cut, what follows the quote survives whole. */
START_TEST(test_long_quoted_cut_inside_quotes)
{
	char *p = huge_path(HUGE);
	vb_error_t err;
	const char *q1, *q2;

	vb_error_set(&err, VB_EUSAGE, 0,
		     "--out: bad path '%s' (expected a directory vbench may create)", p);
	ck_assert_uint_lt(strlen(err.msg), sizeof(err.msg));
	ck_assert_msg(ends_with(err.msg, "/run.json' (expected a directory vbench may create)"),
		      "%s", err.msg);
	q1 = strchr(err.msg, '\'');
	q2 = strrchr(err.msg, '\'');
	ck_assert_ptr_nonnull(q1);
	ck_assert_msg(q2 > q1, "%s", err.msg);
	ck_assert_msg(strstr(q1, "[... ") && strstr(q1, "[... ") < q2, "cut outside the quotes: %s",
		      err.msg);
	ck_assert_msg(!strncmp(err.msg, "--out: bad path '/var/tmp/", 26), "%s", err.msg);
	free(p);
}
END_TEST

/* A prefix added to a full message keeps the end of it. */
START_TEST(test_prefix_keeps_end)
{
	char *p = huge_path(2000);
	vb_error_t err;

	vb_error_set(&err, VB_ESYS, EACCES, "%s", p);
	vb_error_prefix(&err, "--resume %s", "some/dir");
	ck_assert_msg(!strncmp(err.msg, "--resume some/dir: /var/tmp/", 28), "%s", err.msg);
	ck_assert_msg(ends_with(err.msg, ": Permission denied"), "%s", err.msg);
	ck_assert_uint_lt(strlen(err.msg), sizeof(err.msg));
	free(p);
}
END_TEST

/* A suffix goes after the message, errno's text not repeated, the
 * category and errno kept. */
START_TEST(test_suffix)
{
	vb_error_t err;

	vb_error_set(&err, VB_ESYS, EIO, "%s", "fsync the image");
	vb_error_suffix(&err, " (CRIU's log: %s)", "/b/dump.log");
	ck_assert_str_eq(err.msg, "fsync the image: Input/output error (CRIU's log: /b/dump.log)");
	ck_assert_int_eq(err.code, VB_ESYS);
	ck_assert_int_eq(err.errnum, EIO);
}
END_TEST

/* A message that fits is unchanged; control characters never reach it. */
START_TEST(test_short_and_one_line)
{
	vb_error_t err;

	vb_error_set(&err, VB_EUSAGE, 0, "%s", "short message");
	ck_assert_str_eq(err.msg, "short message");
	vb_error_set(&err, VB_EUSAGE, 0, "a\nb\033c");
	ck_assert_str_eq(err.msg, "a b\\x1bc");
	ck_assert_int_eq(vb_error_exit_code(&err), VB_EXIT_USAGE);
	err.code = VB_EBUSY;
	ck_assert_int_eq(vb_error_exit_code(&err), VB_EXIT_BUSY);
	ck_assert_str_eq(vb_error_code_name(VB_EBUSY), "busy");
}
END_TEST

/*
 * Every error line is terminal-safe (review item 10): what an agent or a
 * file put in a message (a C1 control, a bidirectional override, a line
 * separator, invalid UTF-8, an escape) is shown in the terminal form of
 * textsafe.h, in the message and in a prefix, also when it is cut.
 */
START_TEST(test_terminal_form)
{
	static const char evil[] = "a\xc2\x9b[2J b\xe2\x80\xae c\xe2\x80\xa8 d\xff\xfe "
				   "e\x1b]0;x\x07 caf\xc3\xa9";
	char *p = malloc(4000), *q;
	vb_error_t err;
	size_t i;

	vb_error_set(&err, VB_EPROTO, 0, "bare: agent refused the request: %s", evil);
	ck_assert_str_eq(err.msg, "bare: agent refused the request: a\\u009b[2J b\\u202e "
				  "c\\u2028 d\\xff\\xfe e\\x1b]0;x\\x07 caf\xc3\xa9");
	ck_assert(vb_text_is_safe(err.msg));
	vb_error_prefix(&err, "run %s", "\xe2\x80\xaeq");
	ck_assert_msg(!strncmp(err.msg, "run \\u202eq: bare: agent refused", 32), "%s", err.msg);
	ck_assert(vb_text_is_safe(err.msg));
	/* cut: each escape grows the text, and the result stays safe */
	ck_assert_ptr_nonnull(p);
	for (i = 0, q = p; i + 4 < 3999; i += 3, q += 3)
		memcpy(q, i % 2 ? "\xc2\x9b" "x" : "\xe2\x80\xae", 3);
	*q = '\0';
	vb_error_set(&err, VB_ESYS, EIO, "read '%s'", p);
	ck_assert(vb_text_is_safe(err.msg));
	ck_assert_uint_lt(strlen(err.msg), sizeof(err.msg));
	ck_assert_msg(ends_with(err.msg, "': Input/output error"), "%s", err.msg);
	free(p);
}
END_TEST

Suite *vb_suite_error(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("error");

	tcase_add_test(tc, test_long_unquoted_keeps_reason);
	tcase_add_test(tc, test_long_quoted_cut_inside_quotes);
	tcase_add_test(tc, test_prefix_keeps_end);
	tcase_add_test(tc, test_suffix);
	tcase_add_test(tc, test_short_and_one_line);
	tcase_add_test(tc, test_terminal_form);
	suite_add_tcase(s, tc);
	return s;
}
