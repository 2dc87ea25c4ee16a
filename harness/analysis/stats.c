/*
 * stats.c - the statistics of vbench (stats.h): descriptive statistics,
 * bootstrap intervals of medians, oriented overhead ratios and their
 * geometric means, the flags of unstable measurements, permutation tests
 * (random relabellings, or all of them when few), and the derived counter
 * metrics of one repetition.  Everything that turns measurements into
 * numbers for a report happens here; docs/statistics.md explains why it is
 * done this way.
 */
#include "harness/analysis/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* ---- descriptive statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_sorted(const double *s, size_t n)
{
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

double vb_median(const double *v, size_t n)
{
	vb_summary_t s;

	return vb_summarize(v, n, &s) < 0 ? NAN : s.median;
}

int vb_summarize(const double *v, size_t n, vb_summary_t *out)
{
	double *s = n ? malloc(n * sizeof(*s)) : NULL, sum = 0, ss = 0, scale, mean;
	size_t i, m = 0;

	out->n = 0;
	out->median = out->mean = out->sd = out->cv = out->min = out->max = NAN;
	if (n && !s)
		return -1;
	for (i = 0; i < n; i++)
		if (isfinite(v[i]))
			s[m++] = v[i];
	if (!m) {
		free(s);
		return -1;
	}
	qsort(s, m, sizeof(*s), cmp_double);
	/* Mean and spread of the values divided by the largest magnitude, so
	 * that neither the sum nor the squares overflow (1e308 is a finite
	 * value); the CV is a ratio and needs no scaling back. */
	scale = fmax(fabs(s[0]), fabs(s[m - 1]));
	scale = scale > 0 ? scale : 1.0;
	for (i = 0; i < m; i++)
		sum += s[i] / scale;
	out->n = m;
	mean = sum / (double)m;
	for (i = 0; i < m; i++)
		ss += (s[i] / scale - mean) * (s[i] / scale - mean);
	out->mean = mean * scale;
	out->sd = m > 1 ? sqrt(ss / (double)(m - 1)) * scale : 0.0;
	out->cv = mean != 0.0 ? (m > 1 ? sqrt(ss / (double)(m - 1)) : 0.0) / fabs(mean) : 0.0;
	out->min = s[0];
	out->max = s[m - 1];
	out->median = median_sorted(s, m);
	free(s);
	return 0;
}

/* ---- bootstrap ---- */

/* Sort a small array in place: insertion sort below 32 values, else qsort. */
static void sort_values(double *v, size_t n)
{
	size_t i, j;
	double x;

	if (n >= 32) {
		qsort(v, n, sizeof(*v), cmp_double);
		return;
	}
	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The finite values of @v in a new array (count in @m); NULL when none. */
static double *finite_copy(const double *v, size_t n, size_t *m)
{
	double *x = n ? malloc(n * sizeof(*x)) : NULL;
	size_t i;

	*m = 0;
	if (!x)
		return NULL;
	for (i = 0; i < n; i++)
		if (isfinite(v[i]))
			x[(*m)++] = v[i];
	if (!*m) {
		free(x);
		return NULL;
	}
	return x;
}

/* splitmix64 finaliser: spreads a seed over all 64 bits. */
static uint64_t mix64(uint64_t z)
{
	z += 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint64_t vb_stats_stream(uint64_t seed, const char *const *labels, size_t n)
{
	uint64_t h = 0xCBF29CE484222325ull; /* FNV-1a offset basis */
	const unsigned char *p;
	size_t i;

	for (i = 0; i < n; i++) {
		for (p = (const unsigned char *)(labels[i] ? labels[i] : ""); *p; p++)
			h = (h ^ *p) * 0x100000001B3ull;
		h = (h ^ 0xFF) * 0x100000001B3ull; /* separator: ("ab","c") != ("a","bc") */
	}
	h = mix64(seed ^ mix64(h));
	return h ? h : 1;
}

int vb_boot_medians(const double *v, size_t n, size_t B, uint64_t stream, double *out)
{
	size_t m, i, b;
	double *x = finite_copy(v, n, &m), *r = NULL;
	uint64_t st = stream ? stream : 1;

	for (b = 0; b < B; b++)
		out[b] = NAN;
	if (!x || m < 2 || !(r = malloc(m * sizeof(*r)))) {
		free(x);
		return -1;
	}
	for (b = 0; b < B; b++) {
		for (i = 0; i < m; i++)
			r[i] = x[vb_rand64(&st) % m];
		sort_values(r, m);
		out[b] = median_sorted(r, m);
	}
	free(r);
	free(x);
	return 0;
}

/* Quantile @p of sorted @s[0..n) by linear interpolation (type 7). */
static double quantile_sorted(const double *s, size_t n, double p)
{
	double h = (double)(n - 1) * p, f = floor(h);
	size_t lo = (size_t)f;

	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + (h - f) * (s[lo + 1] - s[lo]);
}

int vb_boot_interval(const double *reps, size_t B, double level, vb_ci_t *ci)
{
	double *s, alpha = (1.0 - level) / 2.0;
	size_t i;

	ci->lo = ci->hi = NAN;
	if (!B || !(level > 0 && level < 1))
		return -1;
	for (i = 0; i < B; i++)
		if (!isfinite(reps[i]))
			return -1;
	s = malloc(B * sizeof(*s));
	if (!s)
		return -1;
	memcpy(s, reps, B * sizeof(*s));
	qsort(s, B, sizeof(*s), cmp_double);
	ci->lo = quantile_sorted(s, B, alpha);
	ci->hi = quantile_sorted(s, B, 1.0 - alpha);
	free(s);
	return 0;
}

int vb_median_ci(const double *v, size_t n, size_t B, uint64_t stream, double level, vb_ci_t *ci)
{
	double *reps = B ? malloc(B * sizeof(*reps)) : NULL;
	int rc = -1;

	ci->lo = ci->hi = NAN;
	if (reps && vb_boot_medians(v, n, B, stream, reps) == 0)
		rc = vb_boot_interval(reps, B, level, ci);
	free(reps);
	return rc;
}

/* ---- overhead ratios ---- */

double vb_overhead_ratio(double base, double env, int higher_better)
{
	if (!isfinite(base) || !isfinite(env) || base <= 0 || env <= 0)
		return NAN;
	return higher_better ? base / env : env / base;
}

void vb_ratio_replicates(const double *base, const double *env, size_t B, int higher_better,
			 double *out)
{
	size_t b;

	for (b = 0; b < B; b++)
		out[b] = vb_overhead_ratio(base[b], env[b], higher_better);
}

double vb_geomean(const double *v, size_t n)
{
	double sum = 0;
	size_t i;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]) || v[i] <= 0)
			return NAN;
		sum += log(v[i]);
	}
	return exp(sum / (double)n);
}

void vb_geomean_replicates(const double *const *reps, size_t k, size_t B, double *out)
{
	double sum;
	size_t b, i;

	for (b = 0; b < B; b++) {
		sum = 0;
		for (i = 0; i < k && isfinite(sum); i++)
			sum = isfinite(reps[i][b]) && reps[i][b] > 0 ? sum + log(reps[i][b]) : NAN;
		out[b] = k && isfinite(sum) ? exp(sum / (double)k) : NAN;
	}
}

vb_verdict_t vb_verdict(const vb_ci_t *ci)
{
	if (isfinite(ci->lo) && ci->lo > 1.0)
		return VB_VERDICT_SLOWER;
	if (isfinite(ci->hi) && ci->hi < 1.0)
		return VB_VERDICT_FASTER;
	return VB_VERDICT_UNDECIDED;
}

vb_decision_t vb_ratio_decide(double ratio, const double *reps, size_t B, double level, size_t n,
			      double margin, vb_ci_t *ci)
{
	vb_ci_t eq = { NAN, NAN };

	ci->lo = ci->hi = NAN;
	if (isfinite(ratio) && vb_boot_interval(reps, B, level, ci) == 0)
		vb_boot_interval(reps, B, vb_verdict_equiv_level(level), &eq);
	return vb_verdict_decide(ratio, ci->lo, ci->hi, eq.lo, eq.hi, n, margin);
}

/* ---- per unit of work and flags ---- */

double vb_per_unit(double total, double units)
{
	if (!isfinite(total) || !isfinite(units) || units <= 0)
		return NAN;
	return total / units;
}

int vb_flag_cv(double cv, double threshold)
{
	return isfinite(cv) && cv > threshold;
}

int vb_flag_steal(double steal_ns, double host_elapsed_ns, double threshold)
{
	return isfinite(steal_ns) && host_elapsed_ns > 0 && steal_ns > threshold * host_elapsed_ns;
}

int vb_flag_clock(double guest_region_ns, double host_elapsed_ns)
{
	if (!isfinite(guest_region_ns) || !(host_elapsed_ns > 0))
		return 0;
	return guest_region_ns > host_elapsed_ns * (1.0 + VB_STATS_CLOCK_TOLERANCE);
}

/* ---- permutation test ---- */

/* Statistic of @n values (@tmp: scratch of n doubles for the median). */
static double perm_stat(const double *v, size_t n, vb_perm_stat_t stat, double *tmp)
{
	double sum = 0;
	size_t i;

	if (stat == VB_PERM_MEDIAN) {
		memcpy(tmp, v, n * sizeof(*tmp));
		sort_values(tmp, n);
		return median_sorted(tmp, n);
	}
	for (i = 0; i < n; i++)
		sum += v[i];
	return sum / (double)n;
}

int vb_permutation_test(const double *a, size_t na, const double *b, size_t nb,
			vb_perm_stat_t stat, size_t resamples, uint64_t seed, vb_perm_result_t *out)
{
	size_t ma, mb, m, i, j, r, extreme = 0;
	double *xa = finite_copy(a, na, &ma), *xb = finite_copy(b, nb, &mb), *pool = NULL,
	       *tmp = NULL, obs, d, t;
	uint64_t st = seed ? seed : 1;

	out->diff = out->p = NAN;
	out->resamples = resamples;
	m = ma + mb;
	if (!xa || !xb || !(pool = malloc(m * sizeof(*pool))) || !(tmp = malloc(m * sizeof(*tmp)))) {
		free(xa);
		free(xb);
		free(pool);
		return -1;
	}
	memcpy(pool, xa, ma * sizeof(*pool));
	memcpy(pool + ma, xb, mb * sizeof(*pool));
	obs = perm_stat(pool + ma, mb, stat, tmp) - perm_stat(pool, ma, stat, tmp);
	for (r = 0; r < resamples; r++) {
		/* Partial Fisher-Yates: a random first group of ma values. */
		for (i = 0; i < ma; i++) {
			j = i + (size_t)(vb_rand64(&st) % (m - i));
			t = pool[i];
			pool[i] = pool[j];
			pool[j] = t;
		}
		d = perm_stat(pool + ma, mb, stat, tmp) - perm_stat(pool, ma, stat, tmp);
		/* Relative tolerance: rounding must not turn a tie into "less extreme". */
		if (fabs(d) >= fabs(obs) * (1.0 - 1e-12))
			extreme++;
	}
	out->diff = obs;
	out->p = (double)(extreme + 1) / (double)(resamples + 1);
	free(tmp);
	free(pool);
	free(xb);
	free(xa);
	return 0;
}

/* C(n, k) as a double (exact for the sizes enumerated). */
static double binomial(size_t n, size_t k)
{
	double c = 1;
	size_t i;

	for (i = 1; i <= k; i++)
		c = c * (double)(n - k + i) / (double)i;
	return c;
}

/* Statistic difference (second group minus first) of the labelling where
 * the first group is pool[idx[0..k)] (@mark: scratch flags of m). */
static double exact_diff(const double *pool, size_t m, const size_t *idx, size_t k,
			 vb_perm_stat_t stat, char *mark, double *g1, double *g2, double *tmp)
{
	size_t i, n1 = 0, n2 = 0;

	memset(mark, 0, m);
	for (i = 0; i < k; i++)
		mark[idx[i]] = 1;
	for (i = 0; i < m; i++) {
		if (mark[i])
			g1[n1++] = pool[i];
		else
			g2[n2++] = pool[i];
	}
	return perm_stat(g2, n2, stat, tmp) - perm_stat(g1, n1, stat, tmp);
}

int vb_permutation_test_exact(const double *a, size_t na, const double *b, size_t nb,
			      vb_perm_stat_t stat, size_t max_relabellings, vb_perm_result_t *out)
{
	size_t ma, mb, m, i, *idx = NULL, total = 0, extreme = 0;
	double *xa = finite_copy(a, na, &ma), *xb = finite_copy(b, nb, &mb), *pool = NULL,
	       *g = NULL, obs, d;
	char *mark = NULL;
	int rc = -1;

	out->diff = out->p = NAN;
	out->resamples = 0;
	if (!xa || !xb)
		goto out;
	m = ma + mb;
	if (binomial(m, ma) > (double)max_relabellings) {
		rc = 1;
		goto out;
	}
	pool = malloc(m * sizeof(*pool));
	g = malloc(3 * m * sizeof(*g));
	idx = malloc((ma + 1) * sizeof(*idx));
	mark = malloc(m + 1);
	if (!pool || !g || !idx || !mark)
		goto out;
	memcpy(pool, xa, ma * sizeof(*pool));
	memcpy(pool + ma, xb, mb * sizeof(*pool));
	for (i = 0; i < ma; i++)
		idx[i] = i;
	obs = exact_diff(pool, m, idx, ma, stat, mark, g, g + m, g + 2 * m);
	for (;;) {
		d = exact_diff(pool, m, idx, ma, stat, mark, g, g + m, g + 2 * m);
		total++;
		/* Relative tolerance: rounding must not turn a tie into "less extreme". */
		if (fabs(d) >= fabs(obs) * (1.0 - 1e-12))
			extreme++;
		/* Next combination in lexicographic order. */
		for (i = ma; i > 0 && idx[i - 1] == m - ma + i - 1; i--)
			;
		if (i == 0)
			break;
		idx[i - 1]++;
		for (; i < ma; i++)
			idx[i] = idx[i - 1] + 1;
	}
	out->diff = obs;
	out->p = (double)extreme / (double)total;
	out->resamples = total;
	rc = 0;
out:
	free(mark);
	free(idx);
	free(g);
	free(pool);
	free(xb);
	free(xa);
	return rc;
}

/* ---- derived counter metrics of one repetition ---- */

/* Value of an available counter, or -1. */
static double counter_value(const json_t *counters, const char *name)
{
	json_t *c = json_object_get(counters, name), *v = json_object_get(c, "value");

	return json_is_integer(v) ? (double)json_integer_value(v) : -1.0;
}

static int is_miss_event(const char *name)
{
	static const char *const sfx[] = { "_DCM", "_TCM", "_DM", "_MSP", "_ICM" };
	size_t len = strlen(name), i, l;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		l = strlen(sfx[i]);
		if (len > l && !strcmp(name + len - l, sfx[i]))
			return 1;
	}
	return 0;
}

json_t *vb_counters_derive(const json_t *counters, uint64_t ops)
{
	json_t *out = json_object(), *per_op = json_object(), *mpki = json_object(), *c;
	double ins = counter_value(counters, "PAPI_TOT_INS");
	double cyc = counter_value(counters, "PAPI_TOT_CYC");
	const char *name;
	double v;

	if (ins > 0 && cyc > 0)
		json_object_set_new(out, "ipc", json_real(ins / cyc));
	json_object_foreach((json_t *)counters, name, c) {
		v = counter_value(counters, name);
		if (v < 0)
			continue;
		if (ops)
			json_object_set_new(per_op, name, json_real(v / (double)ops));
		if (ins > 0 && is_miss_event(name))
			json_object_set_new(mpki, name, json_real(v * 1000.0 / ins));
	}
	json_object_set_new(out, "per_op", per_op);
	json_object_set_new(out, "per_kilo_instruction", mpki);
	return out;
}

int vb_ci_within(double est, const vb_ci_t *ci, double p)
{
	return isfinite(ci->lo) && isfinite(ci->hi) && ci->lo >= est * (1 - p) &&
	       ci->hi <= est * (1 + p);
}

/* ---- distributions ---- */

/* ln Gamma(a) via lgamma, the regularised lower series P(a, x) for x < a + 1. */
static double gamma_p_series(double a, double x)
{
	double term = 1.0 / a, sum = term, ap = a;

	for (int i = 0; i < 1000; i++) {
		ap += 1;
		term *= x / ap;
		sum += term;
		if (fabs(term) < fabs(sum) * 1e-15)
			break;
	}
	return sum * exp(-x + a * log(x) - lgamma(a));
}

/* The regularised upper Q(a, x) for x >= a + 1: its continued fraction,
 * evaluated by the modified Lentz method. */
static double gamma_q_fraction(double a, double x)
{
	const double tiny = 1e-300;
	double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;

	for (int i = 1; i < 1000; i++) {
		double an = -i * (i - a), del;

		b += 2;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return exp(-x + a * log(x) - lgamma(a)) * h;
}

double vb_chi2_sf(double x, double df)
{
	double a = df / 2, y = x / 2;

	if (!isfinite(x) || !isfinite(df) || df < 1)
		return NAN;
	if (x <= 0)
		return 1;
	return y < a + 1 ? 1 - gamma_p_series(a, y) : gamma_q_fraction(a, y);
}

double vb_normal_quantile(double p)
{
	double lo = -40, hi = 40;

	if (!(p > 0 && p < 1))
		return NAN;
	for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
		double mid = (lo + hi) / 2;

		if (0.5 * erfc(-mid / sqrt(2)) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}
