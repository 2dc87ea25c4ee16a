/*
 * runlock.h - one vbench at a time in a run directory.
 *
 * `vbench run --out DIR`, `vbench run --resume DIR` and `vbench report DIR`
 * (or `--out DIR`) all write DIR/run.json, agent.log or the report files;
 * two of them at once would lose one's repetitions, interleave the log or
 * measure the same missing repetitions twice.  Each takes an exclusive
 * flock(2) on DIR/.vbench.lock first and holds it until it exits; the file
 * holds the holder's PID, start time and command line, so a second one can
 * say who holds it and exit with VB_EXIT_BUSY.  The lock is the open file's,
 * so it ends with the process however it ends (SIGKILL included); a lock
 * file left by a killed holder is simply taken over.
 *
 * Must not: wait for a lock another vbench holds (it says who and fails), or
 * print.
 */
#ifndef VB_RUNLOCK_H
#define VB_RUNLOCK_H

#include "lib/error.h"

#define VB_RUNLOCK_NAME ".vbench.lock" /* in the run directory */

/*
 * Take the lock of the run directory @dirfd (@dir: its name for messages):
 * .vbench.lock is created or opened beneath @dirfd as vbench's own file
 * (vb_safefs_open_own: never through a symbolic link, never a hard link
 * to a file elsewhere or another user's file), locked without waiting,
 * and filled with this process's PID, start time and command line; then
 * the temporary files a killed holder left are removed
 * (vb_runlock_remove_temps).  Returns the lock's descriptor (O_CLOEXEC;
 * keep it open while working), or -1 with @err: VB_EBUSY naming the holder
 * ("DIR is in use by pid N (vbench run --out DIR) since TIME"), VB_EUSAGE
 * for a lock file that is not vbench's own, VB_ERESOURCE for a read-only
 * or full filesystem, VB_ESYS otherwise.
 */
int vb_runlock_take(int dirfd, const char *dir, vb_error_t *err);

/*
 * With the lock of @dirfd held: remove the temporary files of run.json and
 * of the report's files (summary.json, summary.csv, report.md,
 * report.html: the files only a holder of this lock writes) that a holder
 * killed in the middle of a save left (vb_safefs_remove_temps).  Returns
 * how many were removed.
 */
int vb_runlock_remove_temps(int dirfd);

/*
 * The same for any lock file @name (one component) beneath @dirfd (@what:
 * its path for messages; @label: what it guards, "CPU 1", in the busy
 * message): created or opened as vbench's own, flock(LOCK_EX | LOCK_NB),
 * taken again when its holder removed it meanwhile, and filled with this
 * process's PID, start time and command line.  Returns the descriptor or
 * -1 with @err (VB_EBUSY naming the holder).  The CPU claims use it
 * (cpuclaim.h).
 */
int vb_lockfile_take(int dirfd, const char *name, const char *what, const char *label,
		     vb_error_t *err);

/* The error (VB_EBUSY, returns -1) for the lock file @fd another process
 * holds: "@label is in use by pid N (COMMAND) since TIME: wait until it
 * ends", from what the holder wrote in it. */
int vb_lockfile_busy(int fd, const char *label, vb_error_t *err);

/* Remove @name beneath @dirfd if it is still the file @fd locks, then
 * close @fd (released); *@fd becomes -1.  Nothing when *@fd < 0. */
void vb_lockfile_release(int dirfd, const char *name, int *fd);

/* Remove the lock file and release the lock taken on @dirfd (@fd < 0:
 * nothing).  Sets *@fd to -1. */
void vb_runlock_release(int dirfd, int *fd);

#endif
