/*
 * error.h - the error object that travels through vbench.
 *
 * A failing function fills a vb_error_t (passed as its last argument) with a
 * category, the errno that caused it (0 if none) and a message that names the
 * thing that failed, and returns a negative value.  Callers may add context
 * with vb_error_prefix() or pass the error up unchanged.  The category maps
 * onto vbench's documented exit codes (see vb_error_exit_code()).
 *
 * Must not: print or exit: it carries the error to whoever reports it.
 */
#ifndef VB_ERROR_H
#define VB_ERROR_H

#include <stddef.h>

/* Exit codes of every vbench program (documented in README.md). */
#define VB_EXIT_OK 0          /* everything requested was measured */
#define VB_EXIT_FAIL 1        /* a measurement failed or a self-check caught a wrong answer */
#define VB_EXIT_USAGE 2       /* bad command line or bad input file */
#define VB_EXIT_SKIPPED 3     /* nothing could run: every environment unavailable */
#define VB_EXIT_NORESOURCE 4  /* not enough memory/disk, or no permission */
#define VB_EXIT_BUSY 5        /* the run directory is in use by another vbench (runlock.h) */
#define VB_EXIT_INTERRUPT 130 /* stopped by SIGINT/SIGTERM; completed results kept */

typedef enum vb_errcode {
	VB_OK = 0,
	VB_EUSAGE,    /* bad input from the user: unknown name, bad number */
	VB_ESYS,      /* a system call failed; errnum holds errno */
	VB_ECHECK,    /* a workload's self-check caught a wrong answer */
	VB_EUNAVAIL,  /* a capability this host lacks (not a failure of vbench) */
	VB_ETIMEOUT,  /* something did not answer in time */
	VB_EPROTO,    /* malformed message from an agent or file */
	VB_ERESOURCE, /* not enough memory, disk or permission */
	VB_EINTR,     /* interrupted by a signal */
	VB_EBUSY,     /* the run directory is locked by another vbench */
	VB_EREFUSED,  /* an agent refused a request, answering it in step */
} vb_errcode_t;

typedef struct vb_error {
	vb_errcode_t code; /* category, VB_OK when no error */
	int errnum;        /* errno of the failing call, 0 if none */
	char msg[768];     /* one line naming the thing that failed */
} vb_error_t;

/* Clear @e (safe on NULL). */
void vb_error_clear(vb_error_t *e);

/*
 * Fill @e with @code, @errnum and a formatted message; when @errnum is
 * non-zero ": strerror(errnum)" is appended.  The message stays one line
 * a terminal cannot act on: line breaks and tabs in it (quoted input)
 * become spaces, and the rest is put in the terminal form of textsafe.h
 * (other control characters, C1 controls, line separators, bidirectional
 * overrides and invalid UTF-8 shown escaped: "\x1b", "\u202e", "\xff"),
 * also in vb_error_prefix.  A message longer than msg
 * loses the middle of its longest quoted part ('...' or "...") or else its
 * own middle, replaced by "[... N bytes ...]", so that what failed (the
 * start) and why (the end) both survive a huge input.  Always returns -1 so callers can
 * write "return vb_error_set(...)".  @e may be NULL.
 */
int vb_error_set(vb_error_t *e, vb_errcode_t code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Shorthand for a system error with the current errno. */
#define vb_error_sys(e, ...) vb_error_set((e), VB_ESYS, errno, __VA_ARGS__)

/* Put "context: " in front of the current message.  Returns -1. */
int vb_error_prefix(vb_error_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Put what follows after the current message (" (its log: ...)"); the
 * category and errno stay, the errno's text is not added again.  Returns -1. */
int vb_error_suffix(vb_error_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The process exit code that matches @e's category. */
int vb_error_exit_code(const vb_error_t *e);

/* Stable lower-case name of a category ("usage", "check", ...). */
const char *vb_error_code_name(vb_errcode_t code);

#endif
