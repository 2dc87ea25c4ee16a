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
#define VB_TERM_WIDTH 100   /* columns when neither the terminal nor COLUMNS says */
#define VB_TERM_MIN_WIDTH 40 /* narrower is taken as this much */

/*
 * The width to print to on @fd: the terminal's (TIOCGWINSZ) when @fd is
 * one, else $COLUMNS when it is a number, else VB_TERM_WIDTH; at least
 * VB_TERM_MIN_WIDTH.  The one place vbench asks (--help, the status line
 * of a run, explain, plan, doctor).
 */
size_t vb_term_width(int fd);

/* The columns @s takes: its UTF-8 characters (continuation bytes not counted). */
size_t vb_term_cols(const char *s, size_t n);

/*
 * Cut @s in place to at most @width columns, never inside a UTF-8
 * character.  Returns its new length in bytes.
 */
size_t vb_term_cut(char *s, size_t width);

/*
 * Print @text from column @col, wrapped at @width: a line that is full goes
 * on at column @indent; '\n' breaks the line there, and VB_TERM_NBSP is a
 * space at which it does not break.  The spaces between two words are kept
 * when both stand on one line.  A word longer than a whole line (from
 * @indent to @width) is broken at the width, between UTF-8 characters.
 * Columns are counted as UTF-8 characters.  Returns the column reached.
 */
size_t vb_term_wrap(FILE *f, const char *text, size_t col, size_t indent, size_t width);

/*
 * One message of vbench on @f: "vbench: " and the printf-formatted text,
 * ended with a line end.  On a terminal it is wrapped to its width (the
 * next lines indented by two); elsewhere (a log, a pipe) it stays one line
 * to search.
 */
void vb_term_say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
