/*
 * mdterm.h - Markdown for a terminal: the Markdown vbench's printers write
 * (explain.md, plan.md) as plain text wrapped to a width, with no Markdown
 * syntax left.
 *
 * What it reads is the subset those printers use: headings (#, ##, ...),
 * paragraphs, list items ("- ", "* ", "1. ") with their continuation lines,
 * block quotes ("> "), pipe tables, fenced code, and inline **strong**,
 * *emphasis*, `code`, [links](url), backslash escapes and the entities
 * &lt; &gt; &amp; of textsafe.h's Markdown form.  Headings become their
 * text, the first two levels underlined; paragraphs, items and quotes are
 * wrapped (items with a hanging indent); a table is printed as aligned
 * columns when it fits the width, else as one block per row ("header:
 * value" lines under the row's first cell).  Control characters never
 * reach the output.
 *
 * Must not: compute or change a number, or know which command wrote the
 * Markdown: it only lays out text.
 */
#ifndef VB_MDTERM_H
#define VB_MDTERM_H

#include <stddef.h>
#include <stdio.h>

/* @md (NUL-terminated Markdown) on @out for a terminal @width columns wide. */
void vb_mdterm_print(const char *md, size_t width, FILE *out);

#endif
