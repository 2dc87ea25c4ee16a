/*
 * clean.h - `vbench clean`: undo what a killed vbench left, from its marker.
 *
 * Each marker in the state directory (marker.h) names its owner.  An owner
 * is alive when /proc/PID exists, is not a zombie, has the recorded start
 * time, and the boot id is the same; its marker and resources are left
 * alone.  A dead owner's resources are undone newest first (processes,
 * cgroups, mounts, directories, files, a container of an OCI runtime or an
 * engine), then the marker is removed.
 *
 * Nothing is found by name matching, and nothing is touched on a name or a
 * PID alone: only what a dead owner's marker lists, and only when its
 * identity matches that owner exactly (cleanfs.c):
 *  - a name carries the owner's run id (vbench-...-<pid>-<token>...), never
 *    a live owner's;
 *  - a directory or file sits directly in /tmp, /var/tmp, the cache, a
 *    directory the same marker registered or a --scratch place it recorded,
 *    is reached with no symbolic link in its path, belongs to vbench's user
 *    and has the device and inode recorded when it was made;
 *  - a cgroup is vbench-<run id>-... on a cgroup filesystem with its
 *    recorded inode;
 *  - a process has the recorded start time and carries the run id
 *    (VBENCH_RUN_ID in its environment, or a vbench-<run id>-... cgroup).
 * Anything else is refused with a message and left in place.
 *
 * Must not: touch what a dead owner's marker does not list, find anything by
 * name matching, or name a backend (it asks the backends' undo hooks).
 */
#ifndef VB_CLEAN_H
#define VB_CLEAN_H

#include <jansson.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/error.h"

typedef struct vb_clean_opts {
	const char *state_dir; /* NULL: vb_marker_dir() */
	int dry_run;	       /* say what would be done, do nothing */
	int brief;	       /* one line per dead run (vbench run's start check) */
	FILE *out;	       /* where the lines go */
} vb_clean_opts_t;

typedef struct vb_clean_stats {
	unsigned dead;	  /* markers of dead owners handled */
	unsigned live;	  /* markers of live owners left alone */
	unsigned bad;	  /* files that are not usable markers, skipped */
	unsigned removed; /* resources undone (or that would be, with dry_run) */
	unsigned gone;	  /* resources already gone */
	unsigned refused; /* resources refused by the safety rules */
	unsigned failed;  /* resources that could not be undone (marker kept) */
} vb_clean_stats_t;

/*
 * Handle every marker in the state directory.  Fills @st (may be NULL).
 * Returns 0 (also when the directory does not exist: nothing to do), or -1
 * with @err when the directory cannot be read.
 */
int vb_clean(const vb_clean_opts_t *o, vb_clean_stats_t *st, vb_error_t *err);

/* ---- cleanfs.c: the identity rules and the careful removals ---- */

/* What one resource's undo came to. */
enum { VB_CLEAN_DONE, VB_CLEAN_GONE, VB_CLEAN_REFUSED, VB_CLEAN_FAILED };

/* A dead owner, as its marker describes it, and the owners still alive. */
typedef struct vb_clean_owner {
	int pid;		     /* the dead owner */
	const char *run_id;	     /* its run id, "<pid>-<token>" */
	const json_t *adds;	     /* its "add" records not released */
	const json_t *places;	     /* its "place" records (--scratch directories) */
	const char *const *live_ids; /* run ids of live owners: never touched */
	size_t nlive;
} vb_clean_owner_t;

/* Whether @s is a well-formed run id of owner @pid: "<pid>-<12 hex digits>". */
int vb_clean_run_id_ok(const char *s, int pid);

/*
 * The text rules for a @kind ("dir", "file", "mount", "cgroup") record at
 * @path of owner @o: a plain absolute path, a name with @o's run id and no
 * live one's, in a place @o may have used.  Returns 1, or 0 with @why.
 */
int vb_clean_path_allowed(const char *kind, const char *path, const vb_clean_owner_t *o,
			  char *why, size_t len);

/*
 * Undo path record @rec of kind @kind for owner @o: the text rules, then the
 * path resolved with no symbolic link and the object's type, user, device
 * and inode checked against the record, then removed (nothing with @dry).
 * What was done (or why not) in @msg.  Returns VB_CLEAN_*.
 */
int vb_clean_undo_path(const char *kind, const json_t *rec, const vb_clean_owner_t *o, int dry,
		       char *msg, size_t len);

/*
 * Whether process @pid carries run id @run_id: "VBENCH_RUN_ID=<run id>" in
 * its environment, or a cgroup named vbench-<run id>-... .  1 or 0.
 */
int vb_clean_process_of_run(pid_t pid, const char *run_id);

/*
 * Remove directory tree @path without following symbolic links and without
 * entering another filesystem or a mount point (bind mounts included: mounts
 * strictly below @path, as /proc/self/mountinfo names them with no "." or
 * ".." component, are unmounted first, MNT_DETACH; @path itself, when it is
 * a mount point, is kept).  Returns 0 when the
 * tree is gone, 1 when it was already gone, -1 when something was kept
 * (what and why in @msg).
 */
int vb_clean_rm_tree(const char *path, char *msg, size_t len);

/* Kill a cgroup's tasks and remove it, sub-cgroups first: 0, 1 (gone), -1. */
int vb_clean_rm_cgroup(const char *path, char *msg, size_t len);

#endif
