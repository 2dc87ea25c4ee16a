/*
 * mdterm.c - Markdown for a terminal (mdterm.h): the subset vbench's own
 * printers write, as plain text wrapped to a width.  Formatting only.
 */
#include "harness/output/mdterm.h"

#include <stdlib.h>
#include <string.h>

#include "lib/term.h"
#include "lib/util.h"

#define MAX_CELLS 32 /* columns of a table */

/* ---- inline ---- */

static int blank_or_end(char c)
{
	return !c || c == ' ' || c == '\n';
}

/* Whether the '*' at @s[i] (@n bytes) is an emphasis marker, not a star in the text. */
static int emphasis(const char *s, size_t i, size_t n)
{
	char prev = i ? s[i - 1] : ' ', next = i + 1 < n ? s[i + 1] : '\0';

	if (!blank_or_end(next) && !strchr(".,;:!?)]", next) &&
	    (blank_or_end(prev) || strchr("([\"'", prev)))
		return 1; /* opens: "*word" */
	return !blank_or_end(prev) && !strchr("([", prev) &&
	       (blank_or_end(next) || strchr(".,;:!?)]'\"", next)); /* closes: "word*" */
}

/* @n bytes of @s, the inline syntax removed, on @f. */
static void put_inline(FILE *f, const char *s, size_t n)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' } };
	const char *close, *paren;
	unsigned char c;
	size_t i, k;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\\' && i + 1 < n && s[i + 1] > ' ' && s[i + 1] < 0x7f &&
		    strchr("\\`*_{}[]()#+-.!|<>&\"'~", s[i + 1])) {
			fputc(s[++i], f);
		} else if (c == '&') {
			for (k = 0; k < VB_ARRAY_SIZE(ents); k++)
				if (!strncmp(s + i, ents[k].ent, strlen(ents[k].ent)) &&
				    i + strlen(ents[k].ent) <= n)
					break;
			fputc(k < VB_ARRAY_SIZE(ents) ? ents[k].c : '&', f);
			if (k < VB_ARRAY_SIZE(ents))
				i += strlen(ents[k].ent) - 1;
		} else if (c == '`' && (close = memchr(s + i + 1, '`', n - i - 1))) {
			for (k = i + 1; s + k < close; k++)
				fputc((unsigned char)s[k] < 0x20 ? ' ' : s[k], f);
			i = (size_t)(close - s);
		} else if (c == '*' && i + 1 < n && s[i + 1] == '*') {
			i++; /* strong */
		} else if (c == '*' && emphasis(s, i, n)) {
			continue;
		} else if (c == '[' && (close = memchr(s + i, ']', n - i)) && close + 1 < s + n &&
			   close[1] == '(' && (paren = memchr(close, ')', (size_t)(s + n - close)))) {
			put_inline(f, s + i + 1, (size_t)(close - s - i - 1));
			fputs(" (", f);
			fwrite(close + 2, 1, (size_t)(paren - close - 2), f);
			fputc(')', f);
			i = (size_t)(paren - s);
		} else if (c >= 0x20 && c != 0x7f) {
			fputc(c, f);
		} else if (c == '\t' || c == '\n') {
			fputc(' ', f);
		}
	}
}

/* @n bytes of @s as plain text: a malloc'ed string (never NULL). */
static char *plain(const char *s, size_t n)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return strdup("");
	put_inline(f, s, n);
	fclose(f);
	return out ? out : strdup("");
}

/* ---- blocks ---- */

typedef struct lines {
	const char **at; /* the start of each line */
	size_t *len;	 /* its length, without the newline */
	size_t n;
} lines_t;

static int split_lines(const char *md, lines_t *l)
{
	const char *p, *nl;
	size_t cap = 1;

	for (p = md; *p; p++)
		cap += *p == '\n';
	l->at = malloc(cap * sizeof(*l->at));
	l->len = malloc(cap * sizeof(*l->len));
	l->n = 0;
	if (!l->at || !l->len)
		return -1;
	for (p = md; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		l->at[l->n] = p;
		l->len[l->n++] = nl ? (size_t)(nl - p) : strlen(p);
	}
	return 0;
}

static size_t indent_of(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] == ' ')
		i++;
	return i;
}

static int is_blank(const char *s, size_t n)
{
	return indent_of(s, n) == n;
}

/* The length of a list marker ("- ", "* ", "12. ") at @s, else 0. */
static size_t item_marker(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 2 && strchr("-*+", s[0]) && s[1] == ' ')
		return 2;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i && i + 1 < n && s[i] == '.' && s[i + 1] == ' ' ? i + 2 : 0;
}

static size_t heading_level(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 6 && s[i] == '#')
		i++;
	return i && i < n && s[i] == ' ' ? i : 0;
}

/* Whether the line starts a block of its own (it ends a paragraph). */
static int starts_block(const char *s, size_t n)
{
	size_t in = indent_of(s, n);

	return is_blank(s, n) || heading_level(s, n) || s[in] == '|' || s[in] == '>' ||
	       item_marker(s + in, n - in) || (n - in >= 3 && !strncmp(s + in, "```", 3));
}

/* Lines from @i on that continue a paragraph, joined by spaces, into @f; the next line. */
static size_t join(const lines_t *l, size_t i, size_t skip, FILE *f)
{
	size_t in;

	fwrite(l->at[i] + skip, 1, l->len[i] - skip, f);
	for (i++; i < l->n && !starts_block(l->at[i], l->len[i]); i++) {
		in = indent_of(l->at[i], l->len[i]);
		fputc(' ', f);
		fwrite(l->at[i] + in, 1, l->len[i] - in, f);
	}
	return i;
}

/* The text of @raw (@n bytes) wrapped from column @col, further lines at @indent. */
static void wrap_md(FILE *out, const char *raw, size_t n, size_t col, size_t indent, size_t width)
{
	char *t = plain(raw, n);

	vb_term_wrap(out, t, col, indent, width);
	fputc('\n', out);
	free(t);
}

/* ---- tables ---- */

typedef struct row {
	char *cell[MAX_CELLS];
	size_t n;
} row_t;

/* The cells of a table line ("| a | b |"; "\|" is no separator), as plain text. */
static void split_row(const char *s, size_t n, row_t *r)
{
	size_t i = indent_of(s, n), start;

	r->n = 0;
	if (i < n && s[i] == '|')
		i++;
	while (i < n && r->n < MAX_CELLS) {
		start = i;
		while (i < n && !(s[i] == '|' && s[i - 1] != '\\'))
			i++;
		if (i == n && is_blank(s + start, n - start))
			break; /* after the closing '|' */
		while (start < i && s[start] == ' ')
			start++;
		r->cell[r->n++] = plain(s + start, i - start);
		i++;
	}
	for (i = 0; i < r->n; i++) { /* trailing spaces */
		start = strlen(r->cell[i]);
		while (start && r->cell[i][start - 1] == ' ')
			r->cell[i][--start] = '\0';
	}
}

static int is_rule(const row_t *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!*r->cell[i] || strspn(r->cell[i], "-: ") != strlen(r->cell[i]))
			return 0;
	return r->n > 0;
}

static void free_row(row_t *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->cell[i]);
	r->n = 0;
}

static void pad(FILE *out, const char *s, size_t w)
{
	size_t c = vb_term_cols(s, strlen(s));

	fputs(s, out);
	fprintf(out, "%*s", (int)(w > c ? w - c : 0), "");
}

/* Rows @r[0..@n) (the header first) as columns when they fit @width, else as blocks. */
static void put_table(FILE *out, row_t *r, size_t n, size_t width)
{
	size_t w[MAX_CELLS] = { 0 }, i, j, c, total = 0, ncol = r[0].n;
	char *s;

	for (i = 0; i < n; i++)
		for (j = 0; j < r[i].n && j < ncol; j++) {
			c = vb_term_cols(r[i].cell[j], strlen(r[i].cell[j]));
			w[j] = c > w[j] ? c : w[j];
		}
	for (j = 0; j < ncol; j++)
		total += w[j] + (j ? 2 : 0);
	if (total <= width) {
		for (i = 0; i < n; i++) {
			for (j = 0; j < ncol; j++) {
				if (j)
					fputs("  ", out);
				if (j + 1 == ncol)
					fputs(j < r[i].n ? r[i].cell[j] : "", out);
				else
					pad(out, j < r[i].n ? r[i].cell[j] : "", w[j]);
			}
			fputc('\n', out);
			if (!i) {
				for (c = 0; c < total; c++)
					fputc('-', out);
				fputc('\n', out);
			}
		}
		return;
	}
	/* one block per row: its first cell, then "header: value" lines */
	for (i = 1; i < n; i++) {
		if (i > 1)
			fputc('\n', out);
		for (j = 0; j < r[i].n && j < ncol; j++) {
			if (asprintf(&s, "%s%s: %s", j ? "  " : "", r[0].cell[j], r[i].cell[j]) < 0)
				continue;
			vb_term_wrap(out, s, 0, j ? 4 : 2, width);
			fputc('\n', out);
			free(s);
		}
	}
}

/* The table starting at line @i; the line after it. */
static size_t table(FILE *out, const lines_t *l, size_t i, size_t width)
{
	row_t *rows = NULL, r;
	size_t n = 0, k;
	void *grown;

	for (; i < l->n; i++) {
		k = indent_of(l->at[i], l->len[i]);
		if (k == l->len[i] || l->at[i][k] != '|')
			break;
		split_row(l->at[i], l->len[i], &r);
		if (n == 1 && is_rule(&r)) {
			free_row(&r);
			continue;
		}
		grown = realloc(rows, (n + 1) * sizeof(*rows));
		if (!grown) {
			free_row(&r);
			break;
		}
		rows = grown;
		rows[n++] = r;
	}
	if (n && rows[0].n)
		put_table(out, rows, n, width);
	for (k = 0; k < n; k++)
		free_row(&rows[k]);
	free(rows);
	return i;
}

/* ---- the document ---- */

/* A heading's text, the first two levels underlined. */
static void heading(FILE *out, const char *s, size_t n, size_t level, size_t width)
{
	char *t = plain(s + level + 1, n - level - 1);
	size_t c, i;

	c = vb_term_wrap(out, t, 0, 0, width);
	fputc('\n', out);
	if (level <= 2) {
		c = vb_term_cols(t, strlen(t)) < c ? vb_term_cols(t, strlen(t)) : c;
		for (i = 0; i < c; i++)
			fputc(level == 1 ? '=' : '-', out);
		fputc('\n', out);
	}
	free(t);
}

void vb_mdterm_print(const char *md, size_t width, FILE *out)
{
	lines_t l;
	size_t i = 0, in, mk, lev, k;
	const char *s;
	char *buf = NULL;
	size_t blen = 0;
	int code = 0, was_blank = 1;
	FILE *f;

	if (split_lines(md, &l) < 0) {
		free(l.at);
		free(l.len);
		return;
	}
	while (i < l.n) {
		s = l.at[i];
		in = indent_of(s, l.len[i]);
		if (l.len[i] - in >= 3 && !strncmp(s + in, "```", 3)) {
			code = !code;
			i++;
			continue;
		}
		if (code) { /* verbatim, indented, cut where too wide */
			buf = strndup(s, l.len[i]);
			if (buf) {
				for (k = 0; buf[k]; k++)
					buf[k] = (unsigned char)buf[k] < 0x20 ? ' ' : buf[k];
				fputs("    ", out);
				vb_term_cut(buf, width > 4 ? width - 4 : 1);
				fprintf(out, "%s\n", buf);
				free(buf);
			}
			i++;
			was_blank = 0;
			continue;
		}
		if (is_blank(s, l.len[i])) {
			if (!was_blank)
				fputc('\n', out);
			was_blank = 1;
			i++;
			continue;
		}
		was_blank = 0;
		if ((lev = heading_level(s, l.len[i]))) {
			heading(out, s, l.len[i], lev, width);
			i++;
			continue;
		}
		if (s[in] == '|') {
			i = table(out, &l, i, width);
			continue;
		}
		f = open_memstream(&buf, &blen);
		if (!f)
			break;
		mk = item_marker(s + in, l.len[i] - in);
		if (s[in] == '>') { /* a quote: its lines, indented */
			k = in + 1 + (l.len[i] > in + 1 && s[in + 1] == ' ');
			fwrite(s + k, 1, l.len[i] - k, f);
			for (i++; i < l.n && l.len[i] > indent_of(l.at[i], l.len[i]) &&
				  l.at[i][indent_of(l.at[i], l.len[i])] == '>';
			     i++) {
				k = indent_of(l.at[i], l.len[i]) + 1;
				k += l.len[i] > k && l.at[i][k] == ' ';
				fputc(' ', f);
				fwrite(l.at[i] + k, 1, l.len[i] - k, f);
			}
			fclose(f);
			fputs("  ", out);
			wrap_md(out, buf, blen, 2, 2, width);
		} else if (mk) { /* an item: "- " or "1. ", the rest under its text */
			i = join(&l, i, in + mk, f);
			fclose(f);
			fprintf(out, "%*s%.*s", (int)in, "", (int)mk, s[in] == '*' || s[in] == '+' ? "- " : s + in);
			wrap_md(out, buf, blen, in + mk, in + mk, width);
		} else {
			i = join(&l, i, in, f);
			fclose(f);
			wrap_md(out, buf, blen, 0, 0, width);
		}
		free(buf);
		buf = NULL;
	}
	free(l.at);
	free(l.len);
}
