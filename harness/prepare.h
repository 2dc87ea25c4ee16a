/*
 * prepare.h - what `vbench run` checks and sets up before anything runs.
 */
#ifndef VB_PREPARE_H
#define VB_PREPARE_H

#include <jansson.h>
#include <stddef.h>

#include "error.h"
#include "options.h"

/* Locate vbench-agent next to the running executable (build tree or
 * installed layout).  Returns 0 with @out filled, or -1. */
int vb_find_agent(char *out, size_t len);

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
	uint64_t largest_file; /* largest file_bytes of the selected I/O workloads (0: none) */
	uint64_t mem_bytes;    /* host memory at once, from the allocations */
	uint64_t disk_bytes;   /* bytes written under the scratch directory, margin excluded */
	char mem_why[160];     /* what mem_bytes is made of */
	char disk_why[160];    /* ... and disk_bytes */
} vb_run_needs_t;

/* Compute @n for the run @cfg (probes the VM backends). */
void vb_prepare_needs(const vb_run_cfg_t *cfg, vb_run_needs_t *n);
uint64_t vb_prepare_disk_margin(uint64_t need);

/* Refuse an allocation larger than the memory available now, and a run
 * whose allocations at once (@n, from vb_prepare_needs: VMs keep theirs
 * for the whole run) exceed it.  VB_ERESOURCE. */
int vb_prepare_memory(const vb_run_cfg_t *cfg, const vb_run_needs_t *n, vb_error_t *err);

/* Refuse a run whose files (I/O files, VM scratch images, rootfs copies)
 * do not fit the scratch directory's filesystem (/var/tmp without one):
 * f_bavail must hold the need plus vb_prepare_disk_margin().  One line
 * naming the directory, the bytes needed and available.  VB_ERESOURCE. */
int vb_prepare_disk(const vb_run_cfg_t *cfg, const vb_run_needs_t *n, vb_error_t *err);

/* run.json's "resources": the limits of the run and @n with the numbers
 * the checks compared (new reference). */
json_t *vb_prepare_needs_json(const vb_run_cfg_t *cfg, const vb_run_needs_t *n);

/* Create the run directory (default results/<stamp>-<host>); it must be new
 * or empty and writable.  Sets cfg->log_path, and cfg->out_created when the
 * directory did not exist before.  VB_EUSAGE otherwise. */
int vb_prepare_out(vb_run_cfg_t *cfg, vb_error_t *err);

/* After a run that failed before writing anything: remove the run directory
 * if this run created it and it is still empty (never a directory that
 * existed before, never one with files in it), and the default's results/
 * if this run created that too and it is empty.  Returns 1 if removed. */
int vb_prepare_out_discard(vb_run_cfg_t *cfg);
#define VB_OUT_CREATED_PARENT 0x2 /* cfg->out_created: results/ was created too */

/* When an I/O workload is selected: check --scratch (exists, directory,
 * writable, not RAM unless --allow-tmpfs) or create a private one in
 * /var/tmp registered for removal (*@res).  A --scratch block device is
 * refused unless --allow-device names it and it is not in use; then
 * cfg->scratch_device and cfg->device_bytes are set.  VB_EUSAGE otherwise. */
int vb_prepare_scratch(vb_run_cfg_t *cfg, int *res, vb_error_t *err);

#endif
