/*
 * compare.h - two runs side by side: `vbench compare A B`.
 *
 * The runs may come from different hosts, kernels or QEMU versions; that is
 * the point (the facts that differ are listed).  For every environment,
 * workload and metric present in either run: the medians of A and B, the
 * change of B against A oriented so that a positive change is worse (more
 * time per unit of work, whether the metric is a throughput or a latency),
 * a bootstrap interval of the ratio, and a significance verdict from a
 * permutation test on the repetitions, with Firecracker's A/B rule: a change
 * is significant when p < 0.01 and it exceeds a threshold (5%).  All
 * statistics come from stats.c; the printers are in report_compare.c.
 */
#ifndef VB_COMPARE_H
#define VB_COMPARE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/error.h"

#define VB_COMPARE_SCHEMA	  "vbench-compare"
#define VB_COMPARE_SCHEMA_VERSION 1
#define VB_COMPARE_ALPHA	  0.01 /* p below this ... */
#define VB_COMPARE_THRESHOLD	  0.05 /* ... and a change above this: significant */

typedef struct vb_compare_cfg {
	size_t resamples;      /* bootstrap resamples (VB_STATS_RESAMPLES) */
	size_t perm_resamples; /* permutation relabellings (VB_STATS_PERM_RESAMPLES) */
	uint64_t seed;	       /* of both (VB_STATS_SEED) */
	double level;	       /* confidence level (VB_STATS_LEVEL) */
	double alpha;	       /* significance level of the permutation test */
	double threshold;      /* smallest significant change, as a fraction (0.05) */
} vb_compare_cfg_t;

void vb_compare_cfg_init(vb_compare_cfg_t *cfg);

/*
 * Load and check @dir/run.json (vb_runfile_load, vb_summary_check_run).
 * New reference, or NULL with @err (VB_EUSAGE) naming the directory or the
 * file and the field.
 */
json_t *vb_compare_load(const char *dir, vb_error_t *err);

/*
 * The comparison of run @a (from directory @name_a) with run @b: a
 * "vbench-compare" document, deterministic for the same inputs and @cfg:
 *
 *   { "schema", "schema_version", "statistics": {...},
 *     "a", "b": { "dir", "created", "cpu_brand", "kernel_release", "vbench_version",
 *                 "profile", "reps", "versions": { "ENV.config.PATH": "..." } },
 *     "differences": [ "kernel release: X (A) vs Y (B)", ... ],
 *     "rows": [ { "env", "workload", "metric", "unit", "better", "status",
 *                 "n_a", "n_b", "median_a", "median_b", "ratio", "change_pct",
 *                 "ci_low", "ci_high" (of the ratio), "p", "p_exact", "significant",
 *                 "verdict": "worse" | "better" | "no significant change" |
 *                            "too few repetitions" | "insufficient data" } ],
 *     "counts": { "worse", "better", "unchanged", "undecided", "one_run_only" } }
 *
 * status is "ok", "only in A" or "only in B".  New reference, or NULL with
 * @err when memory runs out.
 */
json_t *vb_compare_build(const json_t *a, const char *name_a, const json_t *b, const char *name_b,
			 const vb_compare_cfg_t *cfg, vb_error_t *err);

/* The rows of @cmp that got significantly worse by more than @pct percent (borrowed). New array. */
json_t *vb_compare_regressions(const json_t *cmp, double pct);

/* ---- printers (report_compare.c): formatting only ---- */

/* The terminal table: the two runs, their differences, one row per metric, the counts. */
void vb_compare_print(const json_t *cmp, FILE *out);

/* compare.md: the same as a Markdown document. */
void vb_compare_md(const json_t *cmp, FILE *out);

#endif
