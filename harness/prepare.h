/*
 * prepare.h - what `vbench run` checks and sets up before anything runs.
 */
#ifndef VB_PREPARE_H
#define VB_PREPARE_H

#include <stddef.h>

#include "error.h"
#include "options.h"

/* Locate vbench-agent next to the running executable (build tree or
 * installed layout).  Returns 0 with @out filled, or -1. */
int vb_find_agent(char *out, size_t len);

/* Give the environments the last cfg->cpus CPUs and move the harness to
 * the others (fills env_cpus/harness_cpus).  VB_ERESOURCE if too few. */
int vb_prepare_cpus(vb_run_cfg_t *cfg, vb_error_t *err);

/* Refuse an allocation larger than the memory available now. */
int vb_prepare_memory(const vb_run_cfg_t *cfg, vb_error_t *err);

/* Create the run directory (default results/<stamp>-<host>); it must be new
 * or empty and writable.  Sets cfg->log_path, and cfg->out_created when the
 * directory did not exist before.  VB_EUSAGE otherwise. */
int vb_prepare_out(vb_run_cfg_t *cfg, vb_error_t *err);

/* After a run that failed before writing anything: remove the run directory
 * if this run created it and it is still empty (never a directory that
 * existed before, never one with files in it).  Returns 1 if removed. */
int vb_prepare_out_discard(vb_run_cfg_t *cfg);

/* When an I/O workload is selected: check --scratch (exists, directory,
 * writable, not RAM unless --allow-tmpfs) or create a private one in
 * /var/tmp registered for removal (*@res).  VB_EUSAGE otherwise. */
int vb_prepare_scratch(vb_run_cfg_t *cfg, int *res, vb_error_t *err);

#endif
