/*
 * summary_int.h - shared between summary.c (the computation) and
 * summary_input.c (checking and merging runs, and the facts a summary copies
 * from them).  Not for printers: they read the summary document.
 *
 * Must not: print or write files, or be included outside summary.c and
 * summary_input.c.
 */
#ifndef VB_SUMMARY_INT_H
#define VB_SUMMARY_INT_H

#include <jansson.h>

#include "harness/analysis/summary.h"

/* The host facts a report shows, from run.json's "host". New reference. */
json_t *vb_summary_host_json(const json_t *host);

/* An environment's record for the summary (name, type, mechanism,
 * availability, latencies, idle memory and after the memory workload,
 * limits, configuration). New reference. */
json_t *vb_summary_env_json(const json_t *env);

/* The run's warnings, the one about a virtualized host first (it heads every
 * report; added from host.virtualized when the run did not record it). */
json_t *vb_summary_warnings_json(const json_t *run);

/* How the numbers were computed: method, level, resamples, seed, thresholds. */
json_t *vb_summary_statistics_json(const vb_summary_cfg_t *cfg);

/* Copy @run's "density" and "noisy" objects (density.h, noisy.h) into @out,
 * member by member (a later run's environment replaces an earlier one's);
 * nothing when @run has none. */
void vb_summary_carry(json_t *out, const json_t *run);

#endif
