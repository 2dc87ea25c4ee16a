/*
 * term.c - text for a terminal (term.h): its width, cutting and wrapping.
 */
#include "lib/term.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

size_t vb_term_width(int fd)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	char *end;
	unsigned long v = 0;
	size_t w = VB_TERM_WIDTH;

	if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		w = ws.ws_col;
	} else if (c && *c >= '0' && *c <= '9') {
		v = strtoul(c, &end, 10);
		if (!*end && v > 0 && v < 10000)
			w = v;
	}
	return w < VB_TERM_MIN_WIDTH ? VB_TERM_MIN_WIDTH : w;
}

/* A byte that continues a UTF-8 character. */
static int cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t vb_term_cols(const char *s, size_t n)
{
	size_t i, cols = 0;

	for (i = 0; i < n && s[i]; i++)
		cols += !cont((unsigned char)s[i]);
	return cols;
}

/* Bytes of @s (@n long) that fit in @cols columns. */
static size_t fit_bytes(const char *s, size_t n, size_t cols)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++) {
		if (!cont((unsigned char)s[i]) && c++ == cols)
			break;
	}
	return i;
}

size_t vb_term_cut(char *s, size_t width)
{
	size_t n = strlen(s), k = fit_bytes(s, n, width);

	s[k] = '\0';
	return k;
}

/* Print @n bytes of @s, VB_TERM_NBSP as a space. */
static void put_word(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fputc(s[i] == VB_TERM_NBSP ? ' ' : s[i], f);
}

size_t vb_term_wrap(FILE *f, const char *text, size_t col, size_t indent, size_t width)
{
	size_t sp, wl, wc, k, room = width > indent ? width - indent : 1;

	while (*text) {
		if (*text == '\n') {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			text++;
			continue;
		}
		sp = strspn(text, " ");
		wl = strcspn(text + sp, " \n");
		wc = vb_term_cols(text + sp, wl);
		if (col > indent && col + sp + wc > width) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else {
			fprintf(f, "%.*s", (int)sp, text);
			col += sp;
		}
		text += sp;
		/* a word wider than a whole line: cut at the width */
		while (wc > room && col + wc > width) {
			k = fit_bytes(text, wl, width > col ? width - col : 1);
			put_word(f, text, k);
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			text += k;
			wl -= k;
			wc = vb_term_cols(text, wl);
		}
		put_word(f, text, wl);
		col += wc;
		text += wl;
	}
	return col;
}

void vb_term_say(FILE *f, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	int fd = fileno(f);

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (fd < 0 || !isatty(fd)) {
		fprintf(f, "vbench: %s\n", text);
		return;
	}
	fputs("vbench: ", f);
	vb_term_wrap(f, text, 8, 2, vb_term_width(fd));
	fputc('\n', f);
}
