/*
 * clean.h - `vbench clean`: undo what a killed vbench left, from its marker.
 *
 * Each marker in the state directory (marker.h) names its owner.  An owner
 * is alive when /proc/PID exists, is not a zombie, has the recorded start
 * time, and the boot id is the same; its marker and resources are left
 * alone.  A dead owner's resources are undone newest first (processes whose
 * start time still matches, cgroups, mounts, directories, files, a
 * container of an OCI runtime), then the marker is removed.
 *
 * Nothing is found by name matching: only what a marker lists is touched,
 * and only when it looks like what vbench creates (cleanfs.c: a path under
 * /var/tmp, /tmp or the cache, whose name carries the owner's PID; a cgroup
 * named vbench-<owner>-... on a cgroup filesystem).  Anything else is
 * refused with a message and left in place.
 */
#ifndef VB_CLEAN_H
#define VB_CLEAN_H

#include <stdio.h>

#include "error.h"

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

/* ---- cleanfs.c: the safety rules and the careful removals ---- */

/*
 * Whether @path, of marker kind @kind ("dir", "file", "mount", "cgroup"),
 * may be touched on behalf of dead owner @owner.  Returns 1, or 0 with the
 * reason in @why.
 */
int vb_clean_path_allowed(const char *kind, const char *path, int owner, char *why, size_t len);

/*
 * Remove directory tree @path without following symbolic links and without
 * entering another filesystem or a mount point (bind mounts included: mounts
 * at or below @path are unmounted first, MNT_DETACH).  Returns 0 when the
 * tree is gone, 1 when it was already gone, -1 when something was kept
 * (what and why in @msg).
 */
int vb_clean_rm_tree(const char *path, char *msg, size_t len);

/* Kill a cgroup's tasks and remove it, sub-cgroups first: 0, 1 (gone), -1. */
int vb_clean_rm_cgroup(const char *path, char *msg, size_t len);

#endif
