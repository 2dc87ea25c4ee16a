/*
 * error.c - filling and decorating vb_error_t (see error.h).  A message may
 * quote hostile input (an argument, a line of a file, an agent's reply), so
 * it is made one line and put in the terminal form of textsafe.h before it
 * is stored: no vbench error line can act on a terminal.
 */
#include "lib/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/textsafe.h"

/*
 * Line breaks and tabs in @s become spaces, in place: an error is printed
 * as one line, and a message may quote input spread over lines (a parser's
 * text, a file's line).
 */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

void vb_error_clear(vb_error_t *e)
{
	if (!e)
		return;
	e->code = VB_OK;
	e->errnum = 0;
	e->msg[0] = '\0';
}

/* Where a cut may fall in @s: never inside a UTF-8 sequence. */
static size_t char_start(const char *s, size_t i, size_t len)
{
	while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/*
 * The longest part of @s between a pair of the same quote character (' or
 * "), as [*@from, *@to); 0 when there is none.
 */
static int longest_quoted(const char *s, size_t len, size_t *from, size_t *to)
{
	size_t i, best = 0;
	const char *q;

	for (i = 0; i < len; i++) {
		if (s[i] != '\'' && s[i] != '"')
			continue;
		q = memchr(s + i + 1, s[i], len - i - 1);
		if (!q)
			continue;
		if ((size_t)(q - s) - i - 1 > best) {
			best = (size_t)(q - s) - i - 1;
			*from = i + 1;
			*to = (size_t)(q - s);
		}
		i = (size_t)(q - s);
	}
	return best > 0;
}

/*
 * Copy the message @s (@len bytes) into @dst (@cap bytes).  A message that
 * does not fit loses the middle of its longest quoted part (the input it
 * quotes) or else its own middle, marked "[... N bytes ...]": the start
 * (what failed) and the end (why: strerror, what was expected) survive.
 */
static void fit(char *dst, size_t cap, const char *s, size_t len)
{
	char mark[48];
	size_t r, from = 0, to = len, a, b;

	if (len < cap) {
		memcpy(dst, s, len);
		dst[len] = '\0';
		return;
	}
	/* Remove r bytes: with the longest mark the rest fits in @cap. */
	r = len - (cap - 1) + (size_t)snprintf(mark, sizeof(mark), "[... %zu bytes ...]", len);
	if (!longest_quoted(s, len, &from, &to) || to - from < r + 16) {
		from = 0;
		to = len;
	}
	a = char_start(s, from + (to - from - r) / 2, len);
	b = char_start(s, a + r, len);
	if (b > len)
		b = len;
	snprintf(mark, sizeof(mark), "[... %zu bytes ...]", b - a);
	snprintf(dst, cap, "%.*s%s%s", (int)a, s, mark, s + b);
}

/*
 * The message @s (changed in place: one line) into @e->msg, in the
 * terminal form (textsafe.h: escapes grow it, so the form comes first and
 * the cut of fit() after); without memory for the form, cut to msg first.
 */
static void store(vb_error_t *e, char *s)
{
	char *safe;

	one_line(s);
	safe = vb_text_term_dup(s);
	if (safe) {
		fit(e->msg, sizeof(e->msg), safe, strlen(safe));
		free(safe);
	} else {
		vb_text_term(s, e->msg, sizeof(e->msg));
	}
}

int vb_error_set(vb_error_t *e, vb_errcode_t code, int errnum, const char *fmt, ...)
{
	char small[2048], *big = NULL, *buf = small;
	size_t cap = sizeof(small), len;
	va_list ap, ap2;
	int n;

	if (!e)
		return -1;
	e->code = code;
	e->errnum = errnum;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	/* Longer than @small (with room for the reason): the whole of it,
	 * so that fit() can keep its end (else the end of @small is cut). */
	if (n >= (int)sizeof(small) - 128 && (big = malloc((size_t)n + 128)) != NULL) {
		cap = (size_t)n + 128;
		vsnprintf(big, cap, fmt, ap2);
		buf = big;
	}
	va_end(ap2);
	len = strlen(buf);
	if (errnum)
		snprintf(buf + len, cap - len, ": %s", strerror(errnum));
	store(e, buf);
	free(big);
	return -1;
}

int vb_error_prefix(vb_error_t *e, const char *fmt, ...)
{
	char head[256], all[sizeof(head) + sizeof(e->msg) + 4];
	va_list ap;
	int n;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	n = snprintf(all, sizeof(all), "%s: %s", head, e->msg);
	store(e, n < 0 ? e->msg : all);
	return -1;
}

int vb_error_suffix(vb_error_t *e, const char *fmt, ...)
{
	char tail[512], all[sizeof(tail) + sizeof(e->msg) + 4];
	va_list ap;
	int n;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	n = snprintf(all, sizeof(all), "%s%s", e->msg, tail);
	store(e, n < 0 ? e->msg : all);
	return -1;
}

int vb_error_exit_code(const vb_error_t *e)
{
	if (!e)
		return VB_EXIT_FAIL;
	switch (e->code) {
	case VB_OK:
		return VB_EXIT_OK;
	case VB_EUSAGE:
		return VB_EXIT_USAGE;
	case VB_ERESOURCE:
		return VB_EXIT_NORESOURCE;
	case VB_EUNAVAIL:
		return VB_EXIT_SKIPPED;
	case VB_EINTR:
		return VB_EXIT_INTERRUPT;
	case VB_EBUSY:
		return VB_EXIT_BUSY;
	default:
		return VB_EXIT_FAIL;
	}
}

const char *vb_error_code_name(vb_errcode_t code)
{
	static const char *const names[] = {
		[VB_OK] = "ok",		  [VB_EUSAGE] = "usage",     [VB_ESYS] = "system",
		[VB_ECHECK] = "check",	  [VB_EUNAVAIL] = "unavailable", [VB_ETIMEOUT] = "timeout",
		[VB_EPROTO] = "protocol", [VB_ERESOURCE] = "resource", [VB_EINTR] = "interrupted",
		[VB_EBUSY] = "busy",	  [VB_EREFUSED] = "refused",
	};
	if ((unsigned)code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "unknown";
}
