/*
 * check_inifile.c - harness/core/inifile.c: an INI file read line by line
 * with inih, every error "PATH:LINE: ...", the first one kept.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "harness/core/inifile.h"
#include "tests/tests.h"

typedef struct seen {
	vb_inifile_t f;
	char log[1024];
	int fail_key_line; /* fail on the key of this line (0: never) */
} seen_t;

static int on_header(vb_inifile_t *f, char *text)
{
	seen_t *s = (seen_t *)f;
	size_t n = strlen(s->log);

	snprintf(s->log + n, sizeof(s->log) - n, "%d[%s]", f->line, text);
	return 1;
}

static int on_key(vb_inifile_t *f, const char *key, const char *value)
{
	seen_t *s = (seen_t *)f;
	size_t n = strlen(s->log);

	if (f->line == s->fail_key_line)
		return vb_inifile_fail(f, f->line, "field '%s': no", key);
	snprintf(s->log + n, sizeof(s->log) - n, "%d:%s=%s", f->line, key, value);
	return 1;
}

static int parse(seen_t *s, const char *text, size_t len, vb_error_t *err)
{
	int fail_line = s->fail_key_line;

	memset(s, 0, sizeof(*s));
	s->fail_key_line = fail_line;
	s->f.path = "t.ini";
	s->f.header = on_header;
	s->f.key = on_key;
	return vb_inifile_parse(&s->f, text, len, 1 << 16, err);
}

/* Lines counted, an empty section seen, a continuation line given as
 * another value of its key (inih's multi-line rule). */
START_TEST(test_lines)
{
	static const char text[] = "; c\n[a]\n\n[b]\nk = v\n  more\n[c] \nx=1\n";
	seen_t s = { .fail_key_line = 0 };
	vb_error_t err;

	ck_assert_int_eq(parse(&s, text, strlen(text), &err), 0);
	ck_assert_str_eq(s.log, "2[a]4[b]5:k=v6:k=more7[c]8:x=1");
}
END_TEST

/* The first error only, with its line; what is not a line; a NUL byte. */
START_TEST(test_errors)
{
	static const char bad_key[] = "[a]\nk = 1\nj = 2\nnot a line\n";
	static const char junk[] = "[a]\nk = 1\nnot a line\n";
	static const char nul[] = "[a]\nk = 1\0x\n";
	seen_t s = { .fail_key_line = 3 };
	vb_error_t err;

	ck_assert_int_eq(parse(&s, bad_key, strlen(bad_key), &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_str_eq(err.msg, "t.ini:3: field 'j': no");
	s.fail_key_line = 0;
	ck_assert_int_eq(parse(&s, junk, strlen(junk), &err), -1);
	ck_assert_str_eq(err.msg,
			 "t.ini:3: 'not a line' is not a [section] header or a 'key = value' line");
	ck_assert_int_eq(parse(&s, nul, sizeof(nul) - 1, &err), -1);
	ck_assert_str_eq(err.msg, "t.ini:2: holds a NUL byte (not a text file)");
}
END_TEST

/* A file that is not there: one line naming it. */
START_TEST(test_missing)
{
	seen_t s;
	vb_error_t err;

	memset(&s, 0, sizeof(s));
	s.f.path = "/nonexistent/remotes.ini";
	s.f.header = on_header;
	s.f.key = on_key;
	ck_assert_int_eq(vb_inifile_parse(&s.f, NULL, 0, 1 << 16, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/remotes.ini"));
	ck_assert_ptr_null(strchr(err.msg, '\n'));
}
END_TEST

Suite *vb_suite_inifile(void)
{
	Suite *s = suite_create("inifile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_missing);
	suite_add_tcase(s, tc);
	return s;
}
