/*
 * textsafe.h - text vbench did not write itself, made safe for where it is
 * shown.  An agent's error, a guest's facts, the names and facts inside a
 * run.json given to `report`, `compare`, `explain` or `plan` are untrusted:
 * an escape sequence in them would drive the terminal, a newline would fake
 * a line of output, a '|' would break a Markdown table, '<script>' would be
 * markup in a Markdown viewer, "=cmd" a formula in a spreadsheet.
 *
 * Three forms, one set of rules:
 *
 *   terminal  control characters (C0, DEL, C1), line and paragraph
 *             separators and bidirectional overrides are shown escaped
 *             ("\x1b", "\n", "\t", "\u202e"), as is every byte of invalid
 *             UTF-8 ("\xff"); everything else is kept, backslashes too, so
 *             the form is idempotent (safe text stays as it is)
 *   Markdown  the terminal form, then '\' '|' '`' '*', '_' (but not inside
 *             a word: ns_per_call stays) and ']' before '(' or '[' (what
 *             makes a link; "[0.97-1.04]" stays) escaped with a backslash,
 *             '<' '>' '&' as entities, except inside a code span, which
 *             is kept (nothing in it is markup; '|' escaped for tables): a
 *             run of k backquotes with a later run of exactly k (CommonMark
 *             pairs runs of equal length); a run without its pair has every
 *             backquote escaped.  For table cells and inline text
 *   CSV       the terminal form as one RFC 4180 field: quoted when it holds
 *             a comma or a quote (doubled), and a text starting with '=',
 *             '+', '-' or '@' (a spreadsheet formula) prefixed with "'"
 *
 * HTML has its own escaper (html.c vb_html_text), run after this
 * for the documents loaded with vb_text_clean_json.
 *
 * Must not: know where a text came from or write anywhere but the stream or
 * buffer it is given; HTML's escaping is not here.
 */
#ifndef VB_TEXTSAFE_H
#define VB_TEXTSAFE_H

#include <stdio.h>

struct json_t; /* jansson's json_t: only textsafe_json.c needs the library */

/* @s (NULL: "") in the terminal form into @buf (@len > 4), cut with "..." at
 * a character boundary when it does not fit.  Returns @buf. */
char *vb_text_term(const char *s, char *buf, size_t len);

/* @s (NULL: "") in the terminal form, whole, malloc'ed (the caller frees);
 * NULL without memory. */
char *vb_text_term_dup(const char *s);

/* @s (NULL: "") in the terminal form onto @f, whole. */
void vb_text_put_term(FILE *f, const char *s);

/* @s (NULL: "") in the Markdown form onto @f. */
void vb_text_put_md(FILE *f, const char *s);

/* @s as a Markdown code span `s` when it is printable and holds no
 * backquote or '|' (a path, a command line; also in a table cell), else in
 * the Markdown form. */
void vb_text_put_md_code(FILE *f, const char *s);

/* @s (NULL: "") in the CSV form onto @f, as one field (no separator). */
void vb_text_put_csv(FILE *f, const char *s);

/* 1 when @s is already in the terminal form (nothing to escape). */
int vb_text_is_safe(const char *s);

/*
 * Every string of @doc, values and object keys, in the terminal form, in
 * place (a key that becomes equal to another gets "~2", "~3"... appended).
 * For documents loaded from files (run.json): after it, nothing printed
 * from them can act on a terminal, whatever the printer.  (textsafe_json.c)
 */
void vb_text_clean_json(struct json_t *doc);

/* @s cut by snprintf at a fixed size may end inside a UTF-8 character:
 * drop such a trailing partial character, in place, so that the text is
 * valid UTF-8 again (jansson refuses anything else).  Returns @s. */
char *vb_text_utf8_cut(char *s);

/* The first line of @s, trimmed, copied into @line (for messages). */
void vb_text_first_line(const char *s, char *line, size_t len);
/* The last non-empty line of @s, trimmed (an error usually comes last). */
void vb_text_last_line(const char *s, char *line, size_t len);

#endif
