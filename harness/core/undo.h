/*
 * undo.h - the undo log: every resource vbench creates, released on every
 * exit path.
 *
 * Child processes, cgroups, mounts, temporary directories and files are
 * registered the moment they exist and released in reverse order on normal
 * exit, on error and on SIGINT/SIGTERM.  The first SIGINT/SIGTERM only sets
 * a flag (the run loop stops after the repetition in flight, keeping every
 * completed result); a second one releases everything at once and exits
 * with VB_EXIT_INTERRUPT.  Child processes are additionally given a
 * parent-death signal so they die with vbench even after SIGKILL.  Every
 * registration is recorded at once in this process's owner marker
 * (marker.h), so `vbench clean` can undo what a killed vbench left.
 *
 * Must not: know whose a resource is (a backend, a run) beyond the kind
 * and the function it is given, or allocate on the forced-exit path.
 */
#ifndef VB_UNDO_H
#define VB_UNDO_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

typedef enum vb_undo_kind {
	VB_UNDO_PROCESS, /* a child: SIGKILL its process group, then reap */
	VB_UNDO_CGROUP,  /* a cgroup directory: kill its tasks, rmdir */
	VB_UNDO_MOUNT,   /* a mount point: umount2(MNT_DETACH) */
	VB_UNDO_DIR,     /* a temporary directory: remove the tree */
	VB_UNDO_FILE,    /* a temporary file: unlink */
	VB_UNDO_FUNC,    /* anything else: call fn(arg) */
} vb_undo_kind_t;

/* Handles are positive; 0 means "not registered". */
int vb_undo_add_pid(pid_t pid, const char *what);
int vb_undo_add_path(vb_undo_kind_t kind, const char *path);
int vb_undo_add_func(void (*fn)(void *), void *arg, const char *what);
/*
 * A function, with the marker record `vbench clean` needs to undo it
 * after a kill (@undo, borrowed: {"undo": KEY, ...}, KEY the undo key of the backend
 * whose undo hook `vbench clean` calls: env.h).
 */
int vb_undo_add_undo(void (*fn)(void *), void *arg, const char *what, const json_t *undo);
/* The marker's name of a kind ("process", "cgroup", ...). */
const char *vb_undo_kind_name(vb_undo_kind_t kind);
/* Kill every task of cgroup directory @dir (cgroup.kill, then cgroup.procs,
 * each task signalled only while /proc/PID/cgroup still names @dir's leaf). */
void vb_undo_kill_cgroup(const char *dir);

/*
 * Send @sig to process @pid only if @verify(@pid, @arg) accepts it, through a
 * pidfd opened *before* the check, so a PID reused between the check and the
 * signal is never signalled (plain kill() after the check where the kernel
 * has no pidfd_open, before Linux 5.3).  Returns 0 when sent, 1 when the
 * process is gone or was not accepted, -1 (errno) on another failure.
 * Async-signal-safe when @verify is.
 */
int vb_undo_kill_verified(pid_t pid, int sig, int (*verify)(pid_t pid, void *arg), void *arg);

/* Release one resource now and drop it from the registry. */
void vb_undo_release(int handle);
/* Drop it without releasing (it is already gone, e.g. a reaped child). */
void vb_undo_forget(int handle);
/* Release everything still registered, newest first.  Async-signal-safe
 * enough for the forced-exit path (no allocation). */
void vb_undo_release_all(void);
/* Number of resources still registered (tests). */
int vb_undo_count(void);

/* Install SIGINT/SIGTERM/SIGHUP handlers and an atexit release. */
void vb_undo_install_signals(void);
/* Non-zero once SIGINT/SIGTERM was received; the signal number. */
int vb_undo_interrupted(void);
/* Wait up to @ms, until vbench is interrupted: vb_undo_interrupted(). */
int vb_undo_wait_interrupted(uint64_t ms);
/* For tests: reset the interrupt flag. */
void vb_undo_interrupt_reset(void);

#endif
