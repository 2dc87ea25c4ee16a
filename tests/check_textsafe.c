/*
 * check_textsafe.c - untrusted text in its terminal, Markdown and CSV forms
 * (lib/textsafe.c): control characters, C1 controls, bidirectional
 * overrides and invalid UTF-8 shown escaped, valid UTF-8 and backslashes
 * kept (the form is idempotent), Markdown's specials escaped, CSV quoted
 * with formulas neutralised, a whole JSON document cleaned in place.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/textsafe.h"
#include "tests/tests.h"

/* @fn(f, @in) into a string (caller frees). */
static char *render(void (*fn)(FILE *, const char *), const char *in)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	fn(f, in);
	fclose(f);
	return out;
}

#define ASSERT_FORM(fn, in, want)                                                     \
	do {                                                                          \
		char *got_ = render(fn, in);                                          \
		ck_assert_msg(!strcmp(got_, want), #fn "(%s): '%s', expected '%s'", \
			      #in, got_, want);                                       \
		free(got_);                                                           \
	} while (0)

START_TEST(test_term)
{
	char buf[64], again[64];

	ASSERT_FORM(vb_text_put_term, "a\x1b[31mb\x07\n\t\r\x7f", "a\\x1b[31mb\\x07\\n\\t\\r\\x7f");
	ASSERT_FORM(vb_text_put_term, "C1 \xc2\x9b bidi \xe2\x80\xae sep \xe2\x80\xa8",
		    "C1 \\u009b bidi \\u202e sep \\u2028");
	ASSERT_FORM(vb_text_put_term, "bad \xff \xc0\xaf \xed\xa0\x80 cut \xe2\x82",
		    "bad \\xff \\xc0\\xaf \\xed\\xa0\\x80 cut \\xe2\\x82");
	ASSERT_FORM(vb_text_put_term, "caf\xc3\xa9 \xe2\x80\xa0 \xf0\x9f\x98\x80 a\\b",
		    "caf\xc3\xa9 \xe2\x80\xa0 \xf0\x9f\x98\x80 a\\b");
	ASSERT_FORM(vb_text_put_term, NULL, "");
	/* idempotent */
	vb_text_term("x\x1b\n\xff\xc2\x9b", buf, sizeof(buf));
	ck_assert_str_eq(vb_text_term(buf, again, sizeof(again)), buf);
	ck_assert(vb_text_is_safe(buf));
	ck_assert(!vb_text_is_safe("x\x1b"));
	ck_assert(vb_text_is_safe("plain text | <ok> \xc3\xa9"));
	/* cut at a character boundary, never inside an escape */
	ck_assert_str_eq(vb_text_term("abcdefghijklmnop", buf, 10), "abcdef...");
	ck_assert_str_eq(vb_text_term("abcde\x1bxyzxyz", buf, 10), "abcde...");
	ck_assert_str_eq(vb_text_term("ab\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", buf, 10), "ab\xc3\xa9\xc3\xa9...");
	ck_assert_str_eq(vb_text_term("abcdefghi", buf, 10), "abcdefghi");
}
END_TEST

START_TEST(test_markdown)
{
	ASSERT_FORM(vb_text_put_md, "a|b", "a\\|b");
	ASSERT_FORM(vb_text_put_md, "<script>x</script>", "&lt;script&gt;x&lt;/script&gt;");
	ASSERT_FORM(vb_text_put_md, "x_y*z`[q]&", "x_y\\*z\\`[q]&amp;");
	/* A link needs "](" or "][": that ']' is escaped, an interval is not. */
	ASSERT_FORM(vb_text_put_md, "[a](http://x) [b][c] [0.97-1.04]",
		    "[a\\](http://x) [b\\][c] [0.97-1.04]");
	/* An underscore inside a word stays (no emphasis there), elsewhere not. */
	ASSERT_FORM(vb_text_put_md, "ns_per_call", "ns_per_call");
	/* Code spans are kept (nothing in them is markup), '|' escaped for tables;
	 * a lone backquote is escaped. */
	ASSERT_FORM(vb_text_put_md, "run `vbench run --noisy` <b>",
		    "run `vbench run --noisy` &lt;b&gt;");
	ASSERT_FORM(vb_text_put_md, "`a|<b>` c`d", "`a\\|<b>` c\\`d");
	ASSERT_FORM(vb_text_put_md, "_x_ a_ _b", "\\_x\\_ a\\_ \\_b");
	ASSERT_FORM(vb_text_put_md, "a\nb\x1b", "a\\\\nb\\\\x1b");
	ASSERT_FORM(vb_text_put_md, "a\\b", "a\\\\b");
	ASSERT_FORM(vb_text_put_md, "plain 1.5 Mop/s (x)", "plain 1.5 Mop/s (x)");
}
END_TEST

/*
 * Whether Markdown @md holds a '<' or an unescaped '|' outside a code span,
 * as CommonMark reads it: a backslash escapes the punctuation after it, a
 * run of k backquotes opens a code span only when a later run of exactly k
 * closes it (inside, nothing is an escape), else it is literal text.
 * Returns the offset of the first such character, or -1.
 */
static long raw_outside_spans(const char *md)
{
	size_t i = 0, k, n, j;

	while (md[i]) {
		if (md[i] == '\\' && md[i + 1] && strchr("\\`|*_[]<>&", md[i + 1])) {
			i += 2;
		} else if (md[i] == '`') {
			for (k = 0; md[i + k] == '`'; k++)
				;
			for (j = i + k; md[j]; j += n) {
				for (n = 0; md[j + n] == '`'; n++)
					;
				if (n == k)
					break;
				n = n ? n : 1;
			}
			i = md[j] ? j + k : i + k; /* past the span, or the literal run */
		} else if (md[i] == '<' || md[i] == '|') {
			return (long)i;
		} else {
			i++;
		}
	}
	return -1;
}

/* Runs of backquotes pair by length: no run can open a span that lets
 * markup through (review item 9). */
START_TEST(test_markdown_backquote_runs)
{
	static const char alphabet[] = "`<\\a|";
	char in[8], *out;
	size_t len, i, total = 1;
	long at;

	ASSERT_FORM(vb_text_put_md, "```<script>alert(1)</script>`",
		    "\\`\\`\\`&lt;script&gt;alert(1)&lt;/script&gt;\\`");
	ASSERT_FORM(vb_text_put_md, "``<b>`", "\\`\\`&lt;b&gt;\\`");
	ASSERT_FORM(vb_text_put_md, "`a``<b>", "\\`a\\`\\`&lt;b&gt;");
	ASSERT_FORM(vb_text_put_md, "``a`<b>``", "``a`<b>``");
	ASSERT_FORM(vb_text_put_md, "```x``` `<y>` ``", "```x``` `<y>` \\`\\`");
	ASSERT_FORM(vb_text_put_md, "`a|b`", "`a\\|b`");
	/* every string of up to 6 of these characters */
	for (len = 1; len <= 6; len++) {
		total *= sizeof(alphabet) - 1;
		for (i = 0; i < total; i++) {
			size_t v = i, k;

			for (k = 0; k < len; k++, v /= sizeof(alphabet) - 1)
				in[k] = alphabet[v % (sizeof(alphabet) - 1)];
			in[len] = '\0';
			out = render(vb_text_put_md, in);
			at = raw_outside_spans(out);
			ck_assert_msg(at < 0, "'%s' -> '%s': raw '%c' outside a code span at %ld",
				      in, out, out[at < 0 ? 0 : at], at);
			free(out);
		}
	}
}
END_TEST

START_TEST(test_csv)
{
	ASSERT_FORM(vb_text_put_csv, "cpu.int", "cpu.int");
	ASSERT_FORM(vb_text_put_csv, "=1+2", "'=1+2");
	ASSERT_FORM(vb_text_put_csv, "@SUM(A1)", "'@SUM(A1)");
	ASSERT_FORM(vb_text_put_csv, "a,b", "\"a,b\"");
	ASSERT_FORM(vb_text_put_csv, "say \"hi\"", "\"say \"\"hi\"\"\"");
	ASSERT_FORM(vb_text_put_csv, "-x,y", "\"'-x,y\"");
	ASSERT_FORM(vb_text_put_csv, "line\nbreak\x1b", "line\\nbreak\\x1b");
	ASSERT_FORM(vb_text_put_csv, "", "");
}
END_TEST

START_TEST(test_clean_json)
{
	json_t *doc = json_pack("{s:s,s:[s,s],s:i,s:i,s:s%}", "k\x1b", "v\x07", "arr", "ok",
				"two\nlines", "k\\x1b", 1, "fine", 2, "nul", "a\0b", (size_t)3);
	json_t *arr;

	ck_assert_ptr_nonnull(doc);
	vb_text_clean_json(doc);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "k\\x1b")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "k\\x1b~2")), "v\\x07");
	arr = json_object_get(doc, "arr");
	ck_assert_str_eq(json_string_value(json_array_get(arr, 0)), "ok");
	ck_assert_str_eq(json_string_value(json_array_get(arr, 1)), "two\\nlines");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "nul")), "a\\x00b");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "fine")), 2);
	ck_assert_ptr_null(json_object_get(doc, "k\x1b"));
	json_decref(doc);
}
END_TEST

Suite *vb_suite_textsafe(void)
{
	Suite *s = suite_create("textsafe");
	TCase *tc = tcase_create("forms");

	tcase_add_test(tc, test_term);
	tcase_add_test(tc, test_markdown);
	tcase_add_test(tc, test_markdown_backquote_runs);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_clean_json);
	suite_add_tcase(s, tc);
	return s;
}
