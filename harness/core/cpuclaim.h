/*
 * cpuclaim.h - which CPUs a live vbench run measures on.
 *
 * Two vbench runs on one host must not measure on the same CPU: each would
 * take half of the other's CPU and report it as overhead.  A run claims
 * each CPU its environments get by holding an exclusive flock(2) on
 * cpu-N.lock in the state directory (marker.h: /run/vbench, or
 * VBENCH_STATE_DIR) for its whole life.  The file is opened as vbench's
 * own (runlock.h vb_lockfile_take: no symbolic link, no hard link, root's,
 * created O_EXCL | O_NOFOLLOW) and names its holder.  The kernel drops the
 * lock when the holder exits, however it exits (SIGKILL included), so a
 * claim never outlives its run: a file left by a killed run is simply
 * taken over, and `vbench clean` removes the files nobody holds.
 *
 * Must not: wait for a CPU another run holds, or take one a live run
 * claims (a probe of the claims is a shared lock, never a claim).
 */
#ifndef VB_CPUCLAIM_H
#define VB_CPUCLAIM_H

#include <stdint.h>
#include <stdio.h>

#include "lib/error.h"

#define VB_CPUCLAIM_MAX 64 /* CPUs 0-63, as lib/cpulist */

/*
 * Claim CPU @cpu for this process (held until vb_cpuclaim_release_all or
 * the process's end).  0 (also when this process holds it already), or -1
 * with @err: VB_EBUSY when another process holds it ("CPU 1 is in use by
 * pid N (COMMAND) since TIME ..."), else why the file could not be locked.
 */
int vb_cpuclaim_take(unsigned cpu, vb_error_t *err);

/* The CPUs this process holds. */
uint64_t vb_cpuclaim_mine(void);

/*
 * Which CPUs of @mask another process holds (tried without waiting; a free
 * one is left unclaimed), with the first holder's description in @who
 * ("CPU 1 is in use by pid N (...) since T"; "" when none).
 */
uint64_t vb_cpuclaim_others(uint64_t mask, char *who, size_t len);

/* Release every claim of this process and remove its files. */
void vb_cpuclaim_release_all(void);

/*
 * `vbench clean`: remove the claim files in @dir (NULL: the state
 * directory) that no process holds; a held one is left alone.  With
 * @dry_run only say so.  Lines on @out (may be NULL).  Returns how many
 * were (or would be) removed.
 */
unsigned vb_cpuclaim_clean(const char *dir, int dry_run, FILE *out);

#endif
