/*
 * term.c - text for a terminal (term.h).
 */
#include "lib/term.h"

#include <string.h>

size_t vb_term_wrap(FILE *f, const char *text, size_t col, size_t indent, size_t width)
{
	size_t sp, wl, i;

	while (*text) {
		if (*text == '\n') {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			text++;
			continue;
		}
		sp = strspn(text, " ");
		wl = strcspn(text + sp, " \n");
		if (col > indent && col + sp + wl > width) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else {
			fprintf(f, "%.*s", (int)sp, text);
			col += sp;
		}
		for (i = sp; i < sp + wl; i++)
			fputc(text[i] == VB_TERM_NBSP ? ' ' : text[i], f);
		col += wl;
		text += sp + wl;
	}
	return col;
}
