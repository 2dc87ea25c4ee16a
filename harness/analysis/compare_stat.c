/*
 * compare_stat.c - the tests of `vbench compare` on plain samples
 * (compare.h): the change of a metric between two runs, and the change of
 * an environment's overhead ratio to the baseline between two runs.
 *
 * Both report a ratio of medians (oriented: above 1 is worse) and test
 * exactly that statistic: the replicates of one bootstrap (each sample
 * resampled from its own stream) give the interval and the two-sided p of
 * "no change", so that the test and the interval can never disagree on
 * what they measure.  The verdict follows verdict.h with the test's p.
 * compare.c gathers the samples out of run.json; tests/check_simstats.c
 * simulates the error rates of these functions.
 */
#include "harness/analysis/compare.h"

#include <math.h>
#include <stdlib.h>

#include "harness/analysis/stats.h"

/*
 * The two-sided bootstrap p-value of "no change" from @B replicates of a
 * ratio: twice the smaller share of replicates on either side of 1, as
 * (1 + count) / (B + 1) so that it is never 0.  It is the test the
 * percentile interval of the same replicates makes: p < alpha when the
 * (1 - alpha) interval excludes 1, up to the interpolation of its bounds.
 */
static double boot_p(const double *reps, size_t B)
{
	size_t b, le = 0, ge = 0;

	for (b = 0; b < B; b++) {
		le += reps[b] <= 1.0;
		ge += reps[b] >= 1.0;
	}
	return fmin(1.0, 2.0 * (double)((le < ge ? le : ge) + 1) / (double)(B + 1));
}

/*
 * Widen @B replicates of a ratio around the estimate @ratio by sqrt(n / (n - 1))
 * on the log scale: the bootstrap resamples a sample as if it were the
 * population, and its spread falls short of the statistic's by about that
 * factor with few values (the plug-in variance's (n - 1) / n).  Without it
 * an A/A comparison of 5 repetitions a side is called different in 1.8% of
 * trials at alpha = 1% (tests/simstats.c); with it, within the level.
 */
static void widen(double *reps, size_t B, double ratio, size_t n)
{
	double k = n > 1 ? sqrt((double)n / (double)(n - 1)) : 1.0;
	size_t b;

	if (!isfinite(ratio) || ratio <= 0)
		return;
	for (b = 0; b < B; b++)
		reps[b] = ratio * pow(reps[b] / ratio, k);
}

/* Interval, p and decision of @out from its ratio and @B replicates @reps. */
static void decide(const vb_compare_cfg_t *cfg, double *reps, size_t n, vb_compare_stat_t *out)
{
	vb_ci_t eq = { NAN, NAN }, at = { NAN, NAN };
	size_t B = cfg->resamples;
	int sign = 0;

	widen(reps, B, out->ratio, n);

	out->ci.lo = out->ci.hi = out->p = NAN;
	if (isfinite(out->ratio) && vb_boot_interval(reps, B, cfg->level, &out->ci) == 0) {
		vb_boot_interval(reps, B, vb_verdict_equiv_level(cfg->level), &eq);
		vb_boot_interval(reps, B, 1.0 - cfg->alpha, &at);
		out->p = boot_p(reps, B);
		if (out->p < cfg->alpha)
			sign = out->ratio > 1 ? 1 : -1;
	}
	out->d = vb_verdict_decide_test(out->ratio, sign, at.lo, at.hi, eq.lo, eq.hi, n, cfg->margin);
}

int vb_compare_metric(const double *a, size_t na, const double *b, size_t nb, int higher,
		      const vb_compare_cfg_t *cfg, const uint64_t stream[2], double *scratch,
		      vb_compare_stat_t *out)
{
	size_t B = cfg->resamples;
	double *ra = scratch, *rb = scratch + B, *rr = scratch + 2 * B;

	/* a sample of fewer than 2 values leaves its replicates NaN: no interval */
	out->ratio = vb_overhead_ratio(vb_median(a, na), vb_median(b, nb), higher);
	vb_boot_medians(a, na, B, stream[0], ra);
	vb_boot_medians(b, nb, B, stream[1], rb);
	vb_ratio_replicates(ra, rb, B, higher, rr);
	decide(cfg, rr, na < nb ? na : nb, out);
	return isfinite(out->p) ? 0 : -1;
}

int vb_compare_overhead(const double *const s[4], const size_t n[4], int higher,
			const vb_compare_cfg_t *cfg, const uint64_t stream[4], double *scratch,
			vb_compare_stat_t *out)
{
	size_t B = cfg->resamples, k, b, m = SIZE_MAX;
	double *r[4], *ro = scratch + 4 * B, oa, ob;

	for (k = 0; k < 4; k++) {
		r[k] = scratch + k * B;
		m = n[k] < m ? n[k] : m;
	}
	oa = vb_overhead_ratio(vb_median(s[0], n[0]), vb_median(s[1], n[1]), higher);
	ob = vb_overhead_ratio(vb_median(s[2], n[2]), vb_median(s[3], n[3]), higher);
	out->ratio = ob / oa;
	for (k = 0; k < 4; k++)
		vb_boot_medians(s[k], n[k], B, stream[k], r[k]);
	/* replicate b: B's overhead over A's, each from its own resamples */
	for (b = 0; b < B; b++)
		ro[b] = vb_overhead_ratio(r[2][b], r[3][b], higher) /
			vb_overhead_ratio(r[0][b], r[1][b], higher);
	decide(cfg, ro, m, out);
	return isfinite(out->p) ? 0 : -1;
}
