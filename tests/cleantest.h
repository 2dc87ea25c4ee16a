/*
 * cleantest.h - what the suites of `vbench clean` share (check_clean.c: the
 * marker's life, killed and live owners, a real killed run; check_cleanrules.c:
 * forged, stale and hostile markers).  Every test runs with its own state
 * directory (VBENCH_STATE_DIR) from vb_cleantest_setup, so the markers of
 * other vbench runs on this host are never read.
 */
#ifndef VB_CLEANTEST_H
#define VB_CLEANTEST_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "harness/core/cgroup.h"
#include "harness/run/clean.h"

extern char vb_cleantest_state[PATH_MAX]; /* the test's state directory */
extern char vb_cleantest_priv[PATH_MAX];  /* a private directory for its files */

/* Checked fixture: both directories made, VBENCH_STATE_DIR set; removed. */
void vb_cleantest_setup(void);
void vb_cleantest_teardown(void);

/* lstat succeeds. */
int vb_cleantest_exists(const char *p);
/* Alive and not a zombie. */
int vb_cleantest_running(pid_t pid);
/* The marker of @pid in the state directory into @out ("" if none). */
void vb_cleantest_marker_of(pid_t pid, char *out, size_t len);
/* The lines of a marker, as a JSON array (new reference). */
json_t *vb_cleantest_marker_lines(const char *path);
/* vb_clean on the test's state directory (@dry: a dry run); its output in @out. */
void vb_cleantest_clean(int dry, vb_clean_stats_t *st, char *out, size_t len);

/* A forked process that pauses until killed (in @cg when not NULL). */
pid_t vb_cleantest_sleeper(const vb_cgroup_t *cg);
/* /bin/sleep exec'ed as vbench starts programs (with VBENCH_RUN_ID), once
 * it carries the run id. */
pid_t vb_cleantest_exec_sleeper(void);

/* The run id a forged marker of @pid claims: "<pid>-0000cafe<4 hex>". */
const char *vb_cleantest_fake_id(pid_t pid);
/* Append to @buf a record "add" @h of @kind at @path, with the device and
 * inode @path has now (as vb_marker_add records them). */
void vb_cleantest_rec(char *buf, size_t len, int h, const char *kind, const char *path);
/* Write a marker for @pid/@start with run id @id listing @lines. */
void vb_cleantest_forge_id(pid_t pid, unsigned long long start, const char *boot, const char *id,
			   const char *lines);
/* The same with the run id vb_cleantest_fake_id(@pid). */
void vb_cleantest_forge(pid_t pid, unsigned long long start, const char *boot, const char *lines);
/* A PID that just died, and this boot's id into @boot when not NULL. */
pid_t vb_cleantest_dead_owner(char *boot, size_t len);

#endif
