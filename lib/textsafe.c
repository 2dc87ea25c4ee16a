/*
 * textsafe.c - untrusted text in its terminal, Markdown and CSV forms
 * (textsafe.h).  One decoder walks the bytes as UTF-8; each character is
 * kept or replaced by its escape, then written to a stream or a buffer.
 * Plain C, no JSON: error.c puts every error message in the terminal form
 * with it (the JSON document cleaner is textsafe_json.c).
 */
#include "lib/textsafe.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum form { TERM, MD };

/* ---- decoding ---- */

/*
 * Length of the UTF-8 character at @p (RFC 3629: no overlong form, no
 * surrogate, at most U+10FFFF) with its code point in *@cp; 0 when the
 * byte at @p does not start one.
 */
static size_t utf8_char(const unsigned char *p, uint32_t *cp)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, *cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, *cp = c & 0x0f, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, *cp = c & 0x07, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	return n;
}

/* A character a terminal acts on or that hides text: C1 controls, the
 * Unicode line and paragraph separators, bidirectional marks and overrides. */
static int invisible(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The next piece of @s in @form into @out (at most 16 bytes, NUL-ended);
 * returns how many bytes of @s it stands for (0 at the end).
 */
static size_t piece(const char *s, enum form form, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *pre = form == MD ? "\\\\" : "\\"; /* Markdown shows the backslash */
	uint32_t cp = 0;
	size_t n;

	if (!*p)
		return 0;
	n = utf8_char(p, &cp);
	if (!n) {
		snprintf(out, 16, "%sx%02x", pre, p[0]);
		return 1;
	}
	if (cp == '\n' || cp == '\r' || cp == '\t')
		snprintf(out, 16, "%s%c", pre, cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
	else if (cp < 0x20 || cp == 0x7f)
		snprintf(out, 16, "%sx%02x", pre, (unsigned)cp);
	else if (invisible(cp))
		snprintf(out, 16, "%su%04x", pre, (unsigned)cp);
	else if (form == MD && cp == '<')
		snprintf(out, 16, "&lt;");
	else if (form == MD && cp == '>')
		snprintf(out, 16, "&gt;");
	else if (form == MD && cp == '&')
		snprintf(out, 16, "&amp;");
	else if (form == MD && (strchr("\\|`*_", (int)cp) ||
				(cp == ']' && (s[1] == '(' || s[1] == '['))))
		snprintf(out, 16, "\\%c", (char)cp); /* "](", "][" make links; "[0.9-1.0]" not */
	else {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	return n;
}

/* Length of all of @s in @form. */
static size_t rendered_len(const char *s, enum form form)
{
	char pc[16];
	size_t total = 0, n;

	while ((n = piece(s, form, pc)) != 0) {
		total += strlen(pc);
		s += n;
	}
	return total;
}

static int alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Length of the run of backquotes at @s. */
static size_t run_len(const char *s)
{
	size_t k = 0;

	while (s[k] == '`')
		k++;
	return k;
}

/*
 * The run of exactly @k backquotes at or after @s, which closes a code span
 * a run of @k opened (CommonMark pairs runs of equal length: a shorter or
 * longer run in between is content), or NULL when there is none.
 */
static const char *span_end(const char *s, size_t k)
{
	size_t n;

	for (s = strchr(s, '`'); s; s = strchr(s + n, '`')) {
		n = run_len(s);
		if (n == k)
			return s;
	}
	return NULL;
}

/*
 * The run of @k backquotes at @s onto @f (Markdown form): a code span when
 * a later run of exactly @k closes it (nothing in it is markup, so it is
 * kept, in the terminal form with '|' escaped for tables; vbench's own text
 * uses them), else every backquote escaped, so that no run can open a span
 * somewhere else.  Returns how many bytes of @s it stands for.
 */
static size_t put_backquotes(FILE *f, const char *s, size_t k)
{
	const char *end = span_end(s + k, k), *p;
	char pc[16];
	size_t i, n;

	if (!end) {
		for (i = 0; i < k; i++)
			fputs("\\`", f);
		return k;
	}
	fwrite(s, 1, k, f);
	for (p = s + k; p < end && (n = piece(p, TERM, pc)) != 0; p += n)
		fputs(*p == '|' ? "\\|" : pc, f);
	fwrite(end, 1, k, f);
	return (size_t)(end - s) + k;
}

static void put(FILE *f, const char *s, enum form form)
{
	const char *start = s ?: "";
	char pc[16];
	size_t n;

	for (s = start; (n = piece(s, form, pc)) != 0; s += n) {
		/* An underscore inside a word never starts emphasis (CommonMark's
		 * flanking rules): ns_per_call stays as it is. */
		if (form == MD && *s == '_' && s > start && alnum(s[-1]) && alnum(s[1]))
			fputc('_', f);
		else if (form == MD && *s == '`')
			n = put_backquotes(f, s, run_len(s));
		else
			fputs(pc, f);
	}
}

/* ---- the forms ---- */

char *vb_text_term(const char *s, char *buf, size_t len)
{
	size_t used = 0, n, room, k;
	char pc[16];
	int cut;

	s = s ?: "";
	cut = rendered_len(s, TERM) > len - 1;
	room = cut ? len - 4 : len - 1;
	for (; (n = piece(s, TERM, pc)) != 0; s += n) {
		k = strlen(pc);
		if (used + k > room)
			break;
		memcpy(buf + used, pc, k);
		used += k;
	}
	if (cut)
		memcpy(buf + used, "...", 3), used += 3;
	buf[used] = '\0';
	return buf;
}

void vb_text_put_term(FILE *f, const char *s)
{
	put(f, s, TERM);
}

void vb_text_put_md(FILE *f, const char *s)
{
	put(f, s, MD);
}

void vb_text_put_md_code(FILE *f, const char *s)
{
	if (s && vb_text_is_safe(s) && !strpbrk(s, "`|"))
		fprintf(f, "`%s`", s);
	else
		put(f, s, MD);
}

void vb_text_put_csv(FILE *f, const char *s)
{
	char pc[16], *p;
	size_t n;
	int formula, quote = 0;
	const char *t;

	s = s ?: "";
	formula = strchr("=+-@", s[0]) && s[0];
	for (t = s; (n = piece(t, TERM, pc)) != 0; t += n)
		quote |= strpbrk(pc, ",\"") != NULL;
	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; (n = piece(s, TERM, pc)) != 0; s += n)
		for (p = pc; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
	if (quote)
		fputc('"', f);
}

int vb_text_is_safe(const char *s)
{
	char pc[16];
	size_t n;

	for (s = s ?: ""; (n = piece(s, TERM, pc)) != 0; s += n)
		if (strncmp(pc, s, n) || pc[n])
			return 0;
	return 1;
}

char *vb_text_term_dup(const char *s)
{
	size_t len;
	char *buf;

	s = s ?: "";
	len = rendered_len(s, TERM) + 1;
	buf = malloc(len);
	return buf ? vb_text_term(s, buf, len) : NULL;
}

/* Copy @n bytes of @s into @line, trimmed of blanks at both ends. */
static void copy_trimmed(const char *s, size_t n, char *line, size_t len)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\r')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	snprintf(line, len, "%.*s", (int)(n < INT_MAX ? n : INT_MAX), s);
}

void vb_text_first_line(const char *s, char *line, size_t len)
{
	const char *nl;

	while (s && (*s == '\n' || *s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	if (!s) {
		snprintf(line, len, "%s", "");
		return;
	}
	nl = strchr(s, '\n');
	copy_trimmed(s, nl ? (size_t)(nl - s) : strlen(s), line, len);
}

void vb_text_last_line(const char *s, char *line, size_t len)
{
	const char *end, *start;

	snprintf(line, len, "%s", "");
	if (!s)
		return;
	end = s + strlen(s);
	while (end > s && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r'))
		end--;
	start = end;
	while (start > s && start[-1] != '\n')
		start--;
	copy_trimmed(start, (size_t)(end - start), line, len);
}

char *vb_text_utf8_cut(char *s)
{
	size_t n = strlen(s), i = n, need;
	unsigned char c;

	/* back to the start of the last character (at most 3 continuation bytes) */
	while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return s;
	c = (unsigned char)s[i - 1];
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (c >= 0x80 && n - (i - 1) < need)
		s[i - 1] = '\0';
	return s;
}
