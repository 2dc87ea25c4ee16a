/*
 * stats.h - the one place where statistics are computed.  Printers and
 * reports only format what this module returns.
 *
 * Descriptive statistics of a sample, bootstrap confidence intervals of the
 * median (percentile method, deterministic: every sample draws from its own
 * xorshift64* stream derived from a recorded seed and the sample's labels),
 * overhead ratios oriented so that 1.00 is "no overhead" and 16.0 "sixteen
 * times slower" whatever the metric's direction, geometric means of ratios
 * with intervals built from the same resamples, the flags of unstable
 * measurements, and a two-sample permutation test.  docs/statistics.md
 * explains the choices.
 *
 * Must not: print, do I/O, or draw from anything but the recorded seed.
 */
#ifndef VB_STATS_H
#define VB_STATS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/analysis/verdict.h"

typedef struct vb_summary {
	size_t n;      /* finite samples used */
	double median;
	double mean;
	double sd;     /* sample standard deviation (n-1); 0 when n < 2 */
	double cv;     /* sd / mean; 0 when mean is 0 */
	double min;
	double max;
} vb_summary_t;

/* Summarise @n values (non-finite ones are ignored).  Returns 0, or -1 when
 * no finite value remains (fields then NaN). */
int vb_summarize(const double *v, size_t n, vb_summary_t *out);

/* Median of @n values (sorts a copy); NaN when n == 0. */
double vb_median(const double *v, size_t n);

/* ---- defaults (recorded in every summary) ---- */

#define VB_STATS_SEED 1592614637ULL    /* 0x5eed5eed: fixed bootstrap seed */
#define VB_STATS_RESAMPLES 2000        /* bootstrap resamples B */
#define VB_STATS_LEVEL 0.95            /* confidence level of every interval */
#define VB_STATS_INDICATIVE_N 10       /* fewer values: interval only indicative */
#define VB_STATS_PERM_RESAMPLES 9999   /* permutation test (Firecracker's A/B) */
#define VB_STATS_PERM_EXACT_MAX 100000 /* enumerate every relabelling up to this many */
#define VB_STATS_CV_THRESHOLD 0.05     /* flag a sample whose CV exceeds this */
#define VB_STATS_STEAL_THRESHOLD 0.05  /* flag a repetition whose steal exceeds this share */
#define VB_STATS_CLOCK_TOLERANCE 0.05  /* guest region may not exceed host request by more */

/* ---- bootstrap ---- */

typedef struct vb_ci {
	double lo; /* lower bound; NaN when undefined */
	double hi; /* upper bound; NaN when undefined */
} vb_ci_t;

/*
 * The random stream of one sample: @seed mixed with the FNV-1a hash of the
 * @n labels (e.g. environment, workload, metric), so a sample's resamples do
 * not depend on which other samples a report contains.  Never 0.
 */
uint64_t vb_stats_stream(uint64_t seed, const char *const *labels, size_t n);

/*
 * Bootstrap replicates of the median: @B resamples (with replacement) of the
 * finite values among @v[0..n), each drawn with vb_rand64 from @stream; the
 * median of resample b goes to @out[b].  Returns 0, or -1 when fewer than 2
 * finite values exist or memory runs out (@out then all NaN).
 */
int vb_boot_medians(const double *v, size_t n, size_t B, uint64_t stream, double *out);

/*
 * Percentile interval of @B replicates at @level (0.95: the 2.5th and 97.5th
 * percentiles, linear interpolation between order statistics, Hyndman-Fan
 * type 7).  Returns 0, or -1 (bounds NaN) when B == 0 or a replicate is not
 * finite.
 */
int vb_boot_interval(const double *reps, size_t B, double level, vb_ci_t *ci);

/* The rule of --precision @p (a fraction): @ci lies within @est x
 * [1 - @p, 1 + @p].  One place for the run's stopping rule
 * (run/contend.c) and its simulation (tests/simstats.c). */
int vb_ci_within(double est, const vb_ci_t *ci, double p);

/* Bootstrap interval of the median of @v: vb_boot_medians + vb_boot_interval. */
int vb_median_ci(const double *v, size_t n, size_t B, uint64_t stream, double level, vb_ci_t *ci);

/* ---- overhead ratios ---- */

/*
 * Time per unit of work of an environment relative to the baseline, from the
 * two values of a metric: base/env when higher is better (throughput),
 * env/base when lower is better (latency).  1.0 = no overhead, 2.0 = twice
 * as slow.  NaN when either value is not finite or not positive.
 */
double vb_overhead_ratio(double base, double env, int higher_better);

/* @out[b] = vb_overhead_ratio(@base[b], @env[b], @higher_better) for b < B. */
void vb_ratio_replicates(const double *base, const double *env, size_t B, int higher_better,
			 double *out);

/* Geometric mean of @n positive values; NaN when n == 0 or one is not positive/finite. */
double vb_geomean(const double *v, size_t n);

/*
 * Replicates of the geometric mean of @k ratios: @out[b] is the geometric
 * mean of reps[0][b] .. reps[k-1][b], so the interval of the group reflects
 * the same resamples as the intervals of its members.
 */
void vb_geomean_replicates(const double *const *reps, size_t k, size_t B, double *out);

/*
 * The interval-only verdict on a ratio: slower (whole interval above 1),
 * faster (below 1), else undecided.  For a ratio without repetitions on
 * both sides to test equivalence on (the noisy-neighbour slowdown recorded
 * by the runner); every overhead and comparison uses vb_ratio_decide.
 */
vb_verdict_t vb_verdict(const vb_ci_t *ci);

/*
 * The four-verdict decision on @ratio (verdict.h) from its @B replicates:
 * the @level interval (into @ci) for slower/faster and the
 * vb_verdict_equiv_level(@level) interval for equivalence within @margin,
 * @n the repetitions of the smaller side.  Replicates that are not all
 * finite (or B == 0) leave @ci NaN and the verdict undecided.
 */
vb_decision_t vb_ratio_decide(double ratio, const double *reps, size_t B, double level, size_t n,
			      double margin, vb_ci_t *ci);

/* ---- per unit of work and flags ---- */

/* @total / @units; NaN when @units is not positive or either is not finite. */
double vb_per_unit(double total, double units);

/* 1 when @cv exceeds @threshold (CV of an unstable sample). */
int vb_flag_cv(double cv, double threshold);

/* 1 when steal time took more than @threshold of the host elapsed time. */
int vb_flag_steal(double steal_ns, double host_elapsed_ns, double threshold);

/*
 * 1 when the guest's clock disagrees with the host's: the measured region
 * (guest clock) lasted longer than the host's whole request around it, by
 * more than VB_STATS_CLOCK_TOLERANCE (the runner's rule, docs/methodology.md).
 */
int vb_flag_clock(double guest_region_ns, double host_elapsed_ns);

/* ---- permutation test ---- */

typedef enum vb_perm_stat {
	VB_PERM_MEAN,   /* difference of means */
	VB_PERM_MEDIAN, /* difference of medians */
} vb_perm_stat_t;

typedef struct vb_perm_result {
	double diff;      /* statistic(b) - statistic(a) of the observed samples */
	double p;         /* two-sided p-value, (1 + extreme) / (resamples + 1) */
	size_t resamples; /* random relabellings drawn */
} vb_perm_result_t;

/*
 * Two-sample permutation test: pool @a and @b, relabel them @resamples times
 * at random (Fisher-Yates with vb_rand64 from @seed), and count relabellings
 * whose |statistic difference| reaches the observed one.  Non-finite values
 * are ignored.  Returns 0, or -1 when a sample has no finite value or memory
 * runs out (@out->p then NaN).
 */
int vb_permutation_test(const double *a, size_t na, const double *b, size_t nb,
			vb_perm_stat_t stat, size_t resamples, uint64_t seed, vb_perm_result_t *out);

/*
 * The same test made exactly: each of the C(m, ma) ways to choose the first
 * group out of the m pooled finite values is enumerated, and p is the share
 * of them whose |statistic difference| reaches the observed one (the
 * observed labelling included, so p >= 1/C).  Small samples need this: with
 * 5 and 5 repetitions C is 252, the smallest two-sided p is 2/252 = 0.0079,
 * and a random estimate of it scatters around 0.01.  Returns 0 (@out->resamples
 * = C), 1 when C exceeds @max_relabellings (nothing computed: use
 * vb_permutation_test), or -1 when a sample has no finite value or memory
 * runs out (@out->p then NaN).
 */
int vb_permutation_test_exact(const double *a, size_t na, const double *b, size_t nb,
			      vb_perm_stat_t stat, size_t max_relabellings, vb_perm_result_t *out);

/*
 * Derived counter metrics of one repetition, from its "counters" object
 * (counters.h JSON) and the operations/bytes it did: IPC where cycles and
 * instructions exist, misses per kilo-instruction for every _DCM, _TCM,
 * _DM, _MSP or _ICM event, and every available counter per operation.  A derived
 * metric whose inputs are unavailable is absent, never zero.  New reference.
 */
json_t *vb_counters_derive(const json_t *counters, uint64_t ops);
/* ---- distributions (the fleet's tests across hosts, hosts_stat.c) ---- */

/* P(X > @x) for X chi-squared with @df degrees of freedom (@df >= 1): the
 * regularised upper incomplete gamma Q(df/2, x/2), by its series below
 * a+1 and its continued fraction above.  1 for @x <= 0, NaN for a
 * non-finite @x or @df < 1. */
double vb_chi2_sf(double x, double df);

/* The standard normal quantile: z with P(Z <= z) = @p, 0 < @p < 1 (NaN
 * outside); by bisection on erfc to 1e-12. */
double vb_normal_quantile(double p);

#endif
