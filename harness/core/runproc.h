/*
 * runproc.h - running helper programs (OCI runtimes, container engines)
 * without a shell: find them, run them with a deadline, capture what they
 * print.
 *
 * The OCI backend asks `crun --version`, deletes containers with
 * `crun delete -f ID`, and the engine backends ask `docker info`; every one
 * of them is an argument vector given to execv, never a command line, and
 * every one has a deadline, so a hung engine is a reason ("does not answer
 * within 5 s"), not a hung vbench.  The child is registered in the resource
 * registry while it runs, so Ctrl-C releases it too.
 *
 * Must not: use a shell, or wait without a deadline.
 */
#ifndef VB_RUNPROC_H
#define VB_RUNPROC_H

#include <stddef.h>

#include "lib/error.h"

typedef struct vb_proc_opts {
	int timeout_ms;              /* kill the child (its process group) after this */
	int (*child_hook)(void *arg);/* set-up in the child before exec (after the
				      * descriptors); -1: the child exits 125 */
	void *hook_arg;
} vb_proc_opts_t;

/*
 * Find @name the way a root shell would: each directory of $PATH, then the
 * sbin and bin directories of /usr/local, /usr and /, so runc in /usr/sbin
 * is found even with a user's PATH.  An absolute @name is checked as is.
 * Writes the path into @path and returns 0, or -1 when nothing executable
 * has that name.
 */
int vb_proc_which(const char *name, char *path, size_t len);

/*
 * Run @argv (argv[0] an absolute path; execv, no shell) with stdin from
 * /dev/null, capturing up to @outlen-1 bytes of its stdout into @out and of
 * its stderr into @errout (either may be NULL: discarded; both are always
 * NUL-terminated).  Returns the exit status (0-255), 128+N when a signal N
 * ended it, or -1 with @err: VB_ETIMEOUT when it did not finish within
 * @o->timeout_ms (it is killed and reaped), VB_ESYS when it could not be
 * started, VB_EINTR when vbench was interrupted meanwhile.
 */
int vb_proc_capture(char *const argv[], const vb_proc_opts_t *o, char *out, size_t outlen,
		    char *errout, size_t errlen, vb_error_t *err);

/*
 * After vb_proc_capture returned @rc > 0: @err set with @code to "WHAT
 * exited RC: LINE", WHAT formatted from @fmt ("" leaves "exited RC: LINE"),
 * LINE the last line of @errout, else of @out (either may be NULL), else
 * "(no message)".  Returns -1.
 */
int vb_proc_failed(vb_error_t *err, int code, int rc, const char *errout, const char *out,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * Run @argv with every standard descriptor on /dev/null and wait up to
 * @o->timeout_ms; kill it after that.  Returns the exit status as above or
 * -1.  Allocates nothing and touches no error object, so cleanup paths (a
 * registry release on the forced-exit path) may call it.
 */
int vb_proc_run_quiet(char *const argv[], const vb_proc_opts_t *o);


#endif
