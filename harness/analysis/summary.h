/*
 * summary.h - from run.json to summary.json: every number a report shows.
 *
 * A summary is computed from one run.json, or from several runs of the same
 * host merged into one, with the statistics of stats.c only: per
 * environment, workload and metric the descriptive statistics, the bootstrap
 * interval of the median and the overhead ratio against the baseline with
 * its interval and verdict; host CPU cost per unit of work; counters per
 * operation (unavailable ones with their reason, never zero); per group
 * (cpu, mem, io, all) geometric means of the ratios; the flags of unstable
 * measurements; the seed and the number of resamples.  The printers
 * (table.h) only format this document.  Its layout is described in
 * docs/statistics.md.
 *
 * Must not: print or write files: output/report_dir.c writes summary.json.
 */
#ifndef VB_SUMMARY_H
#define VB_SUMMARY_H

#include <jansson.h>
#include <stdint.h>

#include "lib/error.h"

#define VB_SUMMARY_SCHEMA	  "vbench-summary"
#define VB_SUMMARY_SCHEMA_VERSION 1

typedef struct vb_summary_cfg {
	size_t resamples;	/* bootstrap resamples B (VB_STATS_RESAMPLES) */
	uint64_t seed;		/* bootstrap seed (VB_STATS_SEED) */
	double level;		/* confidence level (VB_STATS_LEVEL) */
	double cv_threshold;	/* CV above this is flagged (VB_STATS_CV_THRESHOLD) */
	double steal_threshold; /* steal share above this is flagged (VB_STATS_STEAL_THRESHOLD) */
	double margin;		/* equivalence margin of the verdicts (VB_VERDICT_MARGIN) */
} vb_summary_cfg_t;

/* The defaults of stats.h. */
void vb_summary_cfg_init(vb_summary_cfg_t *cfg);

/*
 * The margin of @run's verdicts into @cfg when @cfg has none (NaN): the one
 * `vbench run --margin` recorded in run.json's options, else
 * VB_VERDICT_MARGIN.  So a report made later judges as the run did unless
 * told otherwise.
 */
void vb_summary_cfg_margin(vb_summary_cfg_t *cfg, const json_t *run);

/*
 * Check that @run (a loaded run.json, schema and version already checked by
 * vb_runfile_load) has every field a summary reads, with the right type.
 * Returns 0, or -1 with @err (VB_EUSAGE) "PATH: field 'repetitions[3].env'
 * ...", naming @path and the field.
 */
int vb_summary_check_run(const json_t *run, const char *path, vb_error_t *err);

/*
 * Merge @n runs (@paths name them in errors) into one run document: the
 * first run's host, the union of environments, workloads and warnings (in
 * order of first appearance), every repetition, and a "runs" list of the
 * runs' facts (contended repetitions, unless the run kept them, go to
 * "repetitions_left_out" instead, with one warning per environment and
 * their counts in "contention").  Every run is checked with vb_summary_check_run; runs of
 * different hosts (host.cpu.brand or host.kernel.release differ or are
 * missing) are refused with an error naming the file and the field.  Workload
 * parameters that differ (other than the calibrated one) become a warning.
 * The runs are not changed: the merge is made from copies whose strings
 * are in the terminal form (textsafe.h vb_text_clean_json), so nothing a
 * summary holds can act on a terminal.  New reference, or NULL with @err
 * (VB_EUSAGE).
 */
#define VB_SUMMARY_MAX_RUNS 64 /* runs one merge takes at most */
json_t *vb_summary_merge(json_t *const *runs, const char *const *paths, size_t n, vb_error_t *err);

/*
 * The summary of @run (a checked run.json or a vb_summary_merge result),
 * computed from a copy whose strings are in the terminal form (textsafe.h).
 * Deterministic: the same document and @cfg give the same summary, byte for
 * byte once dumped with JSON_SORT_KEYS.  New reference, or NULL with @err
 * (VB_ESYS when memory runs out).
 */
json_t *vb_summary_build(const json_t *run, const vb_summary_cfg_t *cfg, vb_error_t *err);

/* The entry of results[] for environment @env and workload @wl, or NULL. */
const json_t *vb_summary_result(const json_t *summary, const char *env, const char *wl);

/* Its primary metric's object (median, interval, "overhead" ...), as the
 * summary's workloads[] name it, or NULL. */
const json_t *vb_summary_primary(const json_t *summary, const char *env, const char *wl);

/*
 * The summary of run.json's "operations" (summary_ops.c; NULL when the run
 * has none): per environment and operation (save, restore, migrate,
 * migrate-tuned) the repetitions ok and failed, the median and its
 * bootstrap interval of the time (ms), of a save's image size and xz size,
 * of a migration's QEMU downtime, heartbeat gap and bytes moved; how many
 * repetitions found the same agent and a valid workload; a restore's ratio
 * to the environment's fresh start ("vs_start", with its verdict: faster is
 * a restore that beats booting); "unavailable" with the reason.  New
 * reference.
 */
json_t *vb_summary_ops(const json_t *run, const vb_summary_cfg_t *cfg);

#endif
