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
