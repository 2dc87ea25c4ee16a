/*
 * compare.h - two runs side by side: `vbench compare A B`.
 *
 * The runs may come from different hosts, kernels or QEMU versions; that is
 * the point (the facts that differ are listed).  For every environment,
 * workload and metric present in either run: the medians of A and B, the
 * change of B against A oriented so that a positive change is worse (more
 * time per unit of work, whether the metric is a throughput or a latency),
 * a bootstrap interval of the ratio and the bootstrap test of the same
 * replicates, and for every environment but bare metal the change of its
 * overhead ratio within each run; the verdict is one of verdict.h's four.
 * All statistics come from stats.c and verdict.c; the printers are in
 * output/compare_print.c.
 *
 * Must not: print or write files: output/compare_print.c formats what it
 * returns.
 */
#ifndef VB_COMPARE_H
#define VB_COMPARE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/analysis/stats.h"
#include "lib/error.h"

#define VB_COMPARE_SCHEMA	  "vbench-compare"
#define VB_COMPARE_SCHEMA_VERSION 2
#define VB_COMPARE_ALPHA	  0.01 /* p below this: slower or faster */

/* Exit codes of `vbench compare` beyond 0 (compared), 1 (a regression beyond
 * --fail-on-regression, or an output not written) and 2 (bad usage or input). */
#define VB_COMPARE_EXIT_UNDECIDED 3 /* --fail-on-undecided and a verdict undecided */
#define VB_COMPARE_EXIT_TOO_FEW	  6 /* fewer than VB_VERDICT_MIN_N repetitions a side */

typedef struct vb_compare_cfg {
	size_t resamples;      /* bootstrap resamples (VB_STATS_RESAMPLES) */
	uint64_t seed;	       /* of the resamples (VB_STATS_SEED) */
	double level;	       /* confidence level of the reported interval (VB_STATS_LEVEL) */
	double alpha;	       /* significance level of the tests (VB_COMPARE_ALPHA) */
	double margin;	       /* equivalence margin (VB_VERDICT_MARGIN) */
	int all_metrics;       /* every metric of a workload, not only its primary one */
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
 *   { "schema", "schema_version", "statistics": {..., "margin", "baseline"},
 *     "a", "b": { "dir", "created", "cpu_brand", "kernel_release", "vbench_version",
 *                 "profile", "reps", "versions": { "ENV.config.PATH": "..." } },
 *     "differences": [ "kernel release: X (A) vs Y (B)", ... ],
 *     "only_in": { "a": [ env, ... ], "b": [ env, ... ] },
 *     "rows": [ { "env", "workload", "metric", "unit", "better", "status",
 *                 "n_a", "n_b", "median_a", "median_b",
 *                 "ratio", "change_pct", "ci_low", "ci_high" (of the ratio),
 *                 "p" (bootstrap test of the same replicates),
 *                 "overhead": null | { "baseline", "a", "b", "ratio", "change_pct",
 *                                      "ci_low", "ci_high", "p", "n_base_a", "n_base_b" },
 *                 "basis": "overhead" | "metric" (what the verdict rests on),
 *                 "verdict": "slower" | "faster" | "equivalent" | "undecided",
 *                 "undecided", "more_reps" (verdict.h), "significant" } ],
 *     "counts": { "slower", "faster", "equivalent", "undecided", "too_few",
 *                 "one_run_only" } }
 *
 * One row per environment measured in both runs, workload and metric (the
 * workload's primary metric unless cfg->all_metrics); status is "ok",
 * "only in A" or "only in B" (a workload or metric one run lacks).  New
 * reference, or NULL with @err when memory runs out.
 */
json_t *vb_compare_build(const json_t *a, const char *name_a, const json_t *b, const char *name_b,
			 const vb_compare_cfg_t *cfg, vb_error_t *err);

/* ---- the tests on plain samples (compare_stat.c) ---- */

typedef struct vb_compare_stat {
	double ratio;	 /* B relative to A, oriented: above 1 is worse; NaN without one */
	vb_ci_t ci;	 /* its bootstrap interval at cfg->level */
	double p;	 /* two-sided bootstrap p of "no change" from the same replicates */
	vb_decision_t d; /* the verdict (verdict.h) with p < cfg->alpha as the test */
} vb_compare_stat_t;

/*
 * The change of a metric from sample @a (run A) to @b (run B), @higher when
 * higher values are better: the ratio of medians, the percentile interval
 * and the p-value of the same cfg->resamples bootstrap replicates (sample k
 * drawn from @stream[k]).  @scratch holds 3 x cfg->resamples doubles.
 * Returns 0, or -1 (p NaN, undecided) without two values a side or a ratio.
 */
int vb_compare_metric(const double *a, size_t na, const double *b, size_t nb, int higher,
		      const vb_compare_cfg_t *cfg, const uint64_t stream[2], double *scratch,
		      vb_compare_stat_t *out);

/*
 * The change of an environment's overhead ratio to the baseline: @s holds
 * the baseline in A, the environment in A, the baseline in B and the
 * environment in B (@n values each, @stream[k] for each); the ratio is
 * overhead(B) / overhead(A), so a host that got uniformly faster or slower
 * between the runs cancels.  @scratch holds 5 x cfg->resamples doubles.
 * Returns as vb_compare_metric.
 */
int vb_compare_overhead(const double *const s[4], const size_t n[4], int higher,
			const vb_compare_cfg_t *cfg, const uint64_t stream[4], double *scratch,
			vb_compare_stat_t *out);

/* The rows of @cmp judged slower with a change above @pct percent (borrowed). New array. */
json_t *vb_compare_regressions(const json_t *cmp, double pct);

/* The change in percent a row's verdict rests on: its overhead's, else its metric's; NaN. */
double vb_compare_change(const json_t *row);

/* The count @key of @cmp ("slower", "too_few", ...). */
size_t vb_compare_count(const json_t *cmp, const char *key);

/* ---- printers (compare_print.c): formatting only ---- */

/* The terminal table: the two runs, their differences, one row per metric, the counts. */
void vb_compare_print(const json_t *cmp, FILE *out);

/* compare.md: the same as a Markdown document. */
void vb_compare_md(const json_t *cmp, FILE *out);

/* Two fleets' comparison (fleet.h vb_fleet_compare): each pair of host
 * classes under a heading naming both and their runs, then its comparison
 * (as vb_compare_md with @md, else vb_compare_print); the classes only one
 * fleet has.  (output/compare_print.c) */
void vb_compare_fleet_print(const json_t *doc, FILE *out, int md);

#endif
