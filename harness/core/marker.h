/*
 * marker.h - the owner markers that let `vbench clean` undo a killed run.
 *
 * Every vbench process has a run id, "<pid>-<token>" with a random 48-bit
 * token, made on first use and exported to every program it starts as
 * VBENCH_RUN_ID.  Every resource it creates carries the run id in its name
 * (vbench-<run id>-bare, /var/tmp/vbench-rootfs-<run id>-XXXXXX, ...), so
 * names never collide across runs, not even when a PID is reused.
 *
 * Every vbench process that registers a resource (undo.h) keeps one
 * marker file in the state directory (/run/vbench, or VBENCH_STATE_DIR),
 * named <pid>-<starttime>.jsonl.  Its first line names the owner: PID, start
 * time (field 22 of /proc/PID/stat, in clock ticks since boot), boot id, run
 * id, vbench version and command line.  Each registered resource appends
 * one line the moment it is registered (kind, path, the device and inode it
 * has then, and for a process its PID and start time); a resource released
 * or forgotten normally appends a "released" line.  A "place" line records
 * a directory the user named (--scratch) in which the run creates files
 * named with its run id.  When the undo log is empty again the marker is removed.
 * A marker therefore outlives its owner only if the owner was killed
 * (SIGKILL, a crash, the OOM killer), and then lists what it left.
 *
 * Lines are appended with O_APPEND in one write() each, in normal context;
 * the signal path (the forced exit of undo.c) only unlinks the marker.
 *
 * Must not: decide what to undo (run/clean.c does), or allocate or write on
 * the signal path.
 */
#ifndef VB_MARKER_H
#define VB_MARKER_H

#include <jansson.h>
#include <sys/types.h>

#define VB_STATE_DIR_DEFAULT "/run/vbench"
#define VB_MARKER_FORMAT     2 /* "vbench_marker" in the first line */
#define VB_RUN_ID_ENV        "VBENCH_RUN_ID"
#define VB_RUN_ID_MAX        32 /* "<pid>-<12 hex digits>" and its NUL fit */

/*
 * This process's run id, "<pid>-<12 hex digits>": made on the first call in
 * a process (a forked child gets its own) from getrandom(), and set as
 * VBENCH_RUN_ID in the environment, so every program started afterwards
 * carries it (`vbench clean` kills a process only when it does).  Call it
 * before starting anything (bench/main.c does).
 */
const char *vb_marker_run_id(void);

/*
 * Record @dir, a directory the user named (--scratch), as a place where
 * this run creates files named with its run id; `vbench clean` removes such
 * a file only in a place its marker records (and only when the directory's
 * device and inode still match).
 */
void vb_marker_place(const char *dir);

/* The state directory: VBENCH_STATE_DIR if set and not empty, else /run/vbench. */
const char *vb_marker_dir(void);

/*
 * Open state directory @dir (made 0700 first when @create): no symbolic
 * link in its path, this user's, not writable by group or others.  Returns
 * the descriptor, or -1 with errno (EPERM when it is not such a directory).
 */
int vb_marker_open_dir(const char *dir, int create);

/*
 * What a marker records of its owner, and `vbench clean` compares:
 * identity of process @pid from /proc/PID/stat: its state letter ('R',
 * 'S', 'Z', ...) into *@state (may be NULL) and its start time in clock
 * ticks since boot into *@start.  Returns 0, or -1 when the process does
 * not exist (or its stat cannot be read or parsed).
 */
int vb_marker_proc_identity(pid_t pid, char *state, unsigned long long *start);

/* This boot's id (/proc/sys/kernel/random/boot_id) into @buf; 0 or -1. */
int vb_marker_boot_id(char *buf, size_t len);

/*
 * Record resource @handle in this process's marker, creating the marker
 * (and the state directory, 0700) on first use.  @kind is the marker's kind
 * name ("dir", "process", ...), @pid a process's PID (0 otherwise), @path
 * its path or description, @extra further fields (borrowed, may be NULL).
 * A marker that cannot be written is reported once on stderr (as root) and
 * the run goes on without it.
 */
void vb_marker_add(int handle, const char *kind, pid_t pid, const char *path, const json_t *extra);

/* Record that resource @handle was released or forgotten normally. */
void vb_marker_released(int handle);

/*
 * Everything is released: remove this process's marker.  Async-signal-safe
 * (unlink and close of a path and descriptor prepared earlier); does
 * nothing in a forked child that did not create the marker.
 */
void vb_marker_remove(void);

/* Path of this process's current marker, or NULL when it has none (tests). */
const char *vb_marker_path(void);

#endif
