/*
 * hosts_stat.c - do hosts differ more than their own intervals explain?
 * Cochran's Q on the hosts' log ratios, the DerSimonian-Laird pooled
 * estimate, a leave-one-out z per host, a between-groups test (hosts.h;
 * docs/statistics.md, "Across hosts").
 */
#include <math.h>
#include <stdlib.h>

#include "harness/analysis/hosts.h"
#include "harness/analysis/stats.h"

static int usable(double y, double se)
{
	return isfinite(y) && isfinite(se) && se > 0;
}

double vb_hosts_se(double lo, double hi, double level)
{
	double z = vb_normal_quantile(1 - (1 - level) / 2);

	if (!(lo > 0) || !(hi >= lo) || !isfinite(hi) || !isfinite(z) || z <= 0)
		return NAN;
	return (log(hi) - log(lo)) / (2 * z);
}

size_t vb_hosts_heterogeneity(const double *y, const double *se, size_t k, vb_hosts_het_t *h)
{
	double sw = 0, swy = 0, sw2 = 0, q = 0, swr = 0, swry = 0;
	size_t i, n = 0;

	h->k = 0;
	h->fixed = h->q = h->p = h->i2 = h->pooled = h->pooled_se = NAN;
	h->tau2 = 0;
	for (i = 0; i < k; i++)
		if (usable(y[i], se[i])) {
			double w = 1 / (se[i] * se[i]);

			sw += w;
			swy += w * y[i];
			sw2 += w * w;
			n++;
		}
	h->k = n;
	if (!n)
		return 0;
	h->fixed = swy / sw;
	if (n < 2) {
		h->pooled = h->fixed;
		h->pooled_se = sqrt(1 / sw);
		return n;
	}
	for (i = 0; i < k; i++)
		if (usable(y[i], se[i]))
			q += (y[i] - h->fixed) * (y[i] - h->fixed) / (se[i] * se[i]);
	h->q = q;
	h->p = vb_chi2_sf(q, (double)(n - 1));
	h->i2 = q > 0 ? fmax(0, (q - (double)(n - 1)) / q) : 0;
	h->tau2 = fmax(0, (q - (double)(n - 1)) / (sw - sw2 / sw));
	for (i = 0; i < k; i++)
		if (usable(y[i], se[i])) {
			double w = 1 / (se[i] * se[i] + h->tau2);

			swr += w;
			swry += w * y[i];
		}
	h->pooled = swry / swr;
	h->pooled_se = sqrt(1 / swr);
	return n;
}

double vb_hosts_loo_z(const double *y, const double *se, size_t k, size_t i)
{
	double *oy = malloc(k * sizeof(*oy)), *ose = malloc(k * sizeof(*ose)), z = NAN;
	vb_hosts_het_t h;
	size_t j, m = 0;

	if (!oy || !ose || i >= k || !usable(y[i], se[i]))
		goto out;
	for (j = 0; j < k; j++)
		if (j != i) {
			oy[m] = y[j];
			ose[m++] = se[j];
		}
	if (vb_hosts_heterogeneity(oy, ose, m, &h) < 2)
		goto out;
	z = (y[i] - h.pooled) / sqrt(se[i] * se[i] + h.tau2 + h.pooled_se * h.pooled_se);
out:
	free(oy);
	free(ose);
	return z;
}

double vb_hosts_between_p(const double *y, const double *se, const size_t *group, size_t k,
			  size_t ngroups)
{
	double *sw = calloc(ngroups ? ngroups : 1, sizeof(*sw));
	double *swy = calloc(ngroups ? ngroups : 1, sizeof(*swy));
	double tw = 0, twy = 0, q = 0, p = NAN;
	size_t i, g, used = 0;

	if (!sw || !swy)
		goto out;
	for (i = 0; i < k; i++)
		if (usable(y[i], se[i]) && group[i] < ngroups) {
			double w = 1 / (se[i] * se[i]);

			sw[group[i]] += w;
			swy[group[i]] += w * y[i];
			tw += w;
			twy += w * y[i];
		}
	for (g = 0; g < ngroups; g++)
		used += sw[g] > 0;
	if (used < 2)
		goto out;
	for (g = 0; g < ngroups; g++)
		if (sw[g] > 0) {
			double d = swy[g] / sw[g] - twy / tw;

			q += sw[g] * d * d;
		}
	p = vb_chi2_sf(q, (double)(used - 1));
out:
	free(sw);
	free(swy);
	return p;
}
