/*
 * vm_log.h - a VM's logs: the guest's console and QEMU's stderr, opened
 * beneath the run directory for QEMU, read back (their tail, a line such
 * as a kernel panic) for an error message, and how QEMU's process ended.
 *
 * A guest's console is untrusted text: the readers bound what they read
 * and replace anything unprintable before it lands in an error message.
 * Must not start or stop anything: it opens, reads and formats.
 */
#ifndef VB_VM_LOG_H
#define VB_VM_LOG_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/error.h"

/*
 * Open the log @name beneath the run (or private) directory @dfd (@path
 * names it) for writing, truncated once it is known to be vbench's own
 * (vb_safefs_open_own): a symbolic or hard link in its place, another
 * user's file or anything but a regular file is refused (VB_EUSAGE,
 * naming it) and left as it was.  Returns a close-on-exec descriptor above
 * 2 (given to QEMU), or -1 with @err.
 */
int vb_vm_log_open(int dfd, const char *name, const char *path, vb_error_t *err);

/*
 * The last @nlines non-empty lines of the file @path written after offset
 * @from (0: the whole file; only its last 16 KiB are read), each made
 * printable (control and non-ASCII bytes become '?'), joined with " | "
 * into @out (at most @len - 1 bytes; when that is too little the oldest
 * text is dropped and "..." put in front).  "" when the file is missing or
 * holds nothing after @from.  (A console tail from the agent's ready
 * message on says only what the guest said after its normal boot.)
 */
void vb_vm_log_tail(const char *path, off_t from, int nlines, char *out, size_t len);

/*
 * How QEMU's process ended, from its wait status @status, into @buf: "QEMU
 * was killed by signal 9 (SIGKILL)", "QEMU exited with status 1", and the
 * two exits of vbench's own child before exec (126: it could not join the
 * allocation cgroup, 127: QEMU could not be executed).  Returns @buf.
 */
char *vb_vm_log_exit_text(int status, char *buf, size_t len);

/*
 * The text after @needle on the last line of @path (its last 16 KiB) that
 * holds it, made printable and trimmed, into @out; 1 when found, else 0
 * with @out "".  (The console's "Kernel panic - not syncing: ..." line.)
 */
int vb_vm_log_find(const char *path, const char *needle, char *out, size_t len);

#endif
