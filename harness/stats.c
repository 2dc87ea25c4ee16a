/*
 * stats.c - descriptive statistics (stats.h).
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	double *s = n ? malloc(n * sizeof(*s)) : NULL, sum = 0, ss = 0;
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
	for (i = 0; i < m; i++)
		sum += s[i];
	out->n = m;
	out->mean = sum / (double)m;
	for (i = 0; i < m; i++)
		ss += (s[i] - out->mean) * (s[i] - out->mean);
	out->sd = m > 1 ? sqrt(ss / (double)(m - 1)) : 0.0;
	out->cv = out->mean != 0.0 ? out->sd / fabs(out->mean) : 0.0;
	out->min = s[0];
	out->max = s[m - 1];
	out->median = median_sorted(s, m);
	free(s);
	return 0;
}
