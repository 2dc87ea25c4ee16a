/*
 * inifile.h - an INI file read with inih, every error one line naming the
 * file and the line ("PATH:LINE: what is wrong"), for the files users give
 * vbench (a capacity plan, a remotes file).
 *
 * inih does not tell its handler the line it is called for, and never calls
 * it for a section without keys; so the file is handed to inih one line at a
 * time by a reader that counts the lines and notices section headers
 * itself.  Only the first error is kept.
 *
 * Must not: know what the sections and keys mean (the caller's callbacks
 * do), or follow anything but the path it is given to read.
 */
#ifndef VB_INIFILE_H
#define VB_INIFILE_H

#include <stddef.h>

#include "lib/error.h"

typedef struct vb_inifile vb_inifile_t;

struct vb_inifile {
	/* Set by the caller. */
	const char *path;      /* the file, for reading and for every message */
	/* A header "[TEXT]" on the current line (f->line), TEXT as written
	 * between the brackets; also for a section without keys.  1, or 0
	 * after vb_inifile_fail. */
	int (*header)(vb_inifile_t *f, char *text);
	/* A "key = value" line of the current section.  1, or 0 after
	 * vb_inifile_fail. */
	int (*key)(vb_inifile_t *f, const char *key, const char *value);
	void *user;
	/* The parse (read only for the callbacks). */
	int line;              /* the line being parsed */
	int err_line;          /* the first error's line, 0 none */
	const char *text;
	size_t pos, len;
	int key_seen;          /* a key since the last header (inih's continuation rule) */
	vb_error_t *err;
};

/* Record the first error, "PATH:LINE: MESSAGE" (VB_EUSAGE).  Returns 0
 * (what a callback returns to stop). */
int vb_inifile_fail(vb_inifile_t *f, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Parse @text (@len bytes), or when @text is NULL the regular file f->path
 * of at most @max bytes (symbolic links followed: it is the user's own
 * name for it).  A NUL byte, an over-long line, a line that is neither a
 * header nor a key are errors too.  0, or -1 with @err (VB_EUSAGE).
 */
int vb_inifile_parse(vb_inifile_t *f, const char *text, size_t len, size_t max, vb_error_t *err);

#endif
