/*
 * term.h - text for a terminal: its width, and text wrapped to it.
 *
 * Must not: know any command or any vbench type (it is in lib/: the agent
 * links it too).
 */
#ifndef VB_TERM_H
#define VB_TERM_H

#include <stddef.h>
#include <stdio.h>

#define VB_TERM_NBSP '\x1f' /* in text to wrap: a space vb_term_wrap does not break at */

/*
 * Print @text from column @col, wrapped at @width: a line that is full goes
 * on at column @indent; '\n' breaks the line there, and VB_TERM_NBSP is a
 * space at which it does not break.  The spaces between two words are kept
 * when both stand on one line.  Returns the column reached.
 */
size_t vb_term_wrap(FILE *f, const char *text, size_t col, size_t indent, size_t width);

#endif
