/*
 * prepare.h - what `vbench run` checks and sets up before anything runs.
 *
 * Must not: start an environment or run a workload: it checks and sets up
 * only.
 */
#ifndef VB_PREPARE_H
#define VB_PREPARE_H

#include <jansson.h>
#include <stddef.h>

#include "lib/error.h"
#include "harness/core/options.h"

/* Locate vbench-agent next to the running executable (build tree or
 * installed layout).  Returns 0 with @out filled, or -1. */
int vb_prepare_find_agent(char *out, size_t len);

/* Give the environments the last cfg->cpus CPUs and move the harness to
 * the others (fills env_cpus/harness_cpus).  VB_ERESOURCE if too few. */
int vb_prepare_cpus(vb_run_cfg_t *cfg, vb_error_t *err);

/* Disk check margin: max(VB_DISK_MARGIN_MIN, VB_DISK_MARGIN_PCT % of the
 * need), for what the estimate leaves out (logs, run.json, filesystem
 * overhead, other writers). */
#define VB_DISK_MARGIN_MIN (256ull << 20)
#define VB_DISK_MARGIN_PCT 5

/* What a run holds at its peak (prepare_space.c). */
typedef struct vb_run_needs {
	size_t nvm;            /* VM environments that will start (probe passed) */
	size_t nhost;          /* host-process environments (bare, container, oci) */
	size_t nrootfs;        /* of those, with a rootfs copy of their own */
	size_t nsave;          /* environments that save an image of themselves (--ops) */
	uint64_t largest_file; /* largest file_bytes of the selected I/O workloads (0: none) */
	uint64_t mem_bytes;    /* host memory at once, from the allocations */
	uint64_t disk_bytes;   /* bytes written under the scratch directory, margin excluded */
	uint64_t out_bytes;    /* bytes written into the run directory: run.json (twice, while
				* it is replaced) and the report (vb_prepare_out_bytes) */
	char mem_why[160];     /* what mem_bytes is made of */
	char disk_why[160];    /* ... and disk_bytes */
} vb_run_needs_t;

/* Compute @n for the run @cfg (probes the VM backends). */
void vb_prepare_needs(const vb_run_cfg_t *cfg, vb_run_needs_t *n);

/* The run directory's estimate for @slots repetitions: run.json of
 * VB_OUT_BASE + VB_OUT_PER_REP each, twice (the old copy stays until the
 * new one is renamed over it), and the report (VB_OUT_REPORT +
 * VB_OUT_REPORT_PER_REP each: summary, Markdown, HTML, charts). */
#define VB_OUT_BASE (256ull << 10)
#define VB_OUT_PER_REP (16ull << 10)
#define VB_OUT_REPORT (2ull << 20)
#define VB_OUT_REPORT_PER_REP (4ull << 10)
uint64_t vb_prepare_out_bytes(uint64_t slots);
uint64_t vb_prepare_disk_margin(uint64_t need);

/* Refuse an allocation larger than the memory available now, and a run
 * whose allocations at once (@n, from vb_prepare_needs: VMs keep theirs
 * for the whole run) exceed it.  VB_ERESOURCE. */
int vb_prepare_memory(const vb_run_cfg_t *cfg, const vb_run_needs_t *n, vb_error_t *err);

/* Refuse a run whose files (I/O files, VM scratch images, rootfs copies)
 * do not fit the scratch directory's filesystem (/var/tmp without one):
 * f_bavail must hold the need plus vb_prepare_disk_margin().  The run
 * directory (cfg->out_fd) must hold n->out_bytes: on the same filesystem
 * that is added to the need, else checked there alone (the estimate is
 * its own margin).  One line naming the directory, the bytes needed and
 * available.  VB_ERESOURCE. */
int vb_prepare_disk(const vb_run_cfg_t *cfg, const vb_run_needs_t *n, vb_error_t *err);

/* run.json's "resources": the limits of the run and @n with the numbers
 * the checks compared (new reference). */
json_t *vb_prepare_needs_json(const vb_run_cfg_t *cfg, const vb_run_needs_t *n);

/* ---- the run directory (prepare_out.c) ---- */

/*
 * Create the run directory (default results/<stamp>-<host>): the path is
 * normalised lexically and made one level at a time without following a
 * symbolic link (vb_safefs_mkdir_p: a link anywhere in it is one line
 * naming it; an existing directory must be one other users cannot write,
 * vb_safefs_check_dir); then locked (runlock.h: VB_EBUSY when another
 * vbench holds it), checked empty and writable, and its agent log opened
 * (vb_prepare_out_log).  Fills cfg->out_fd, lock_fd, out_made, log_fd and
 * log_path.  VB_ERESOURCE when the directory cannot be made for want of
 * disk (full, read-only, I/O error), VB_EUSAGE otherwise.
 */
int vb_prepare_out(vb_run_cfg_t *cfg, vb_error_t *err);

/*
 * --resume: open the existing run directory @dir (no symbolic link in its
 * path, not writable by other users: vb_safefs_open_dir_msg) and lock it,
 * before its run.json is read (the lock removes what a killed save left,
 * vb_runlock_remove_temps).  Fills cfg->out_fd and lock_fd.  VB_EUSAGE,
 * VB_EBUSY.
 */
int vb_prepare_out_open(vb_run_cfg_t *cfg, const char *dir, vb_error_t *err);

/*
 * Open DIR/agent.log beneath cfg->out_fd for appending, created when
 * missing (cfg->log_created), as vbench's own file (vb_safefs_open_own): a
 * symbolic or hard link in its place, another user's file or anything but
 * a regular file is refused (VB_EUSAGE, naming it) and left unchanged.
 * cfg->log_fd (above 2, close-on-exec) is what every agent's stderr is
 * given.  Returns 0 or -1 with @err.
 */
int vb_prepare_out_log(vb_run_cfg_t *cfg, vb_error_t *err);

/* Close the run directory's descriptors and release its lock (removing the
 * lock file): at the end of `vbench run`, after the report. */
void vb_prepare_out_close(vb_run_cfg_t *cfg);

/*
 * After a run that failed before writing anything: close as above, remove
 * the agent log it created if still empty, then every directory level
 * creating the run directory made, deepest first, each only while empty
 * (never a directory that existed before, never one with files in it).
 * Returns 1 if anything was removed.
 */
int vb_prepare_out_discard(vb_run_cfg_t *cfg);

/* When an I/O workload is selected: check --scratch (exists, directory,
 * writable, not RAM unless --allow-tmpfs) or create a private one in
 * /var/tmp registered for removal (*@res).  A --scratch block device is
 * refused unless --allow-device names it and it is not in use; then
 * cfg->scratch_device and cfg->device_bytes are set.  VB_EUSAGE otherwise. */
int vb_prepare_scratch(vb_run_cfg_t *cfg, int *res, vb_error_t *err);

#endif
