/*
 * charts_plot.c - the charts themselves (charts_int.h): for each one, its
 * data file and the gnuplot commands that draw it, from the summary alone.
 * Formatting only: every number is read from summary.json as stats.c
 * computed it; a value that does not exist is written as '?' (gnuplot's
 * missing datum here), never as zero.
 *
 * Untrusted strings (names, units from run.json) reach a script only through
 * vb_charts_gp_str (single quotes: no macro or backquote expansion in
 * gnuplot) and a data file only through vb_charts_dat_str / _plain.
 *
 * Colours, titles and the choice of a log scale are charts_style.c's; the
 * repetitions drawn beside the medians are the "points" vb_charts_input
 * adds (samples.h).
 */
#include "harness/output/charts_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/output/table.h"
#include "harness/analysis/summary.h"
#include "lib/json.h"
#include "lib/util.h"

#define PANEL_W 340 /* one panel of a multiplot chart */
#define PANEL_H 290

/* Median, low and high of a quantity; the bounds fall back to the median without an interval. */
void vb_charts_dat_triple(FILE *f, const json_t *q, const char *center)
{
	double m = vb_table_num(q, center), lo = vb_table_num(q, "ci_low"),
	       hi = vb_table_num(q, "ci_high");

	if (!isfinite(lo) || !isfinite(hi))
		lo = hi = m;
	vb_charts_dat_num(f, m);
	vb_charts_dat_num(f, isfinite(m) ? lo : NAN);
	vb_charts_dat_num(f, isfinite(m) ? hi : NAN);
}

/* ---- shared pieces ---- */

/* The primary metric of environment @e for workload @w, or NULL. */
static const json_t *primary(const json_t *sum, const json_t *e, const json_t *w)
{
	const json_t *r = vb_summary_result(sum, vb_json_str(e, "name"), vb_json_str(w, "name"));

	return json_object_get(json_object_get(r, "metrics"), vb_json_str(w, "primary_metric"));
}

/* The repetitions of @env/@wl the charts draw (@what: "values" or "ratios"), or NULL. */
static const json_t *points(const json_t *sum, const char *env, const char *wl, const char *what)
{
	return json_object_get(
	    json_object_get(json_object_get(json_object_get(sum, "points"), env ?: ""), wl ?: ""),
	    what);
}

/* Widen [@lo, @hi] to the finite values of @a; *@zero when one is not positive. */
static void range_of(const json_t *a, double *lo, double *hi, int *zero)
{
	const json_t *x;
	double v;
	size_t i;

	json_array_foreach(a, i, x) {
		if (!json_is_number(x))
			continue;
		v = json_number_value(x);
		if (v <= 0) {
			*zero = 1;
			continue;
		}
		*lo = v < *lo ? v : *lo;
		*hi = v > *hi ? v : *hi;
	}
}

/* " NAME" of every environment of @envs whose @use is set, in a comment line. */
static void dat_env_names(FILE *dat, const json_t *envs, const char *use)
{
	const json_t *e;
	size_t ei;

	json_array_foreach(envs, ei, e)
		if (use[ei]) {
			fputc(' ', dat);
			vb_charts_dat_plain(dat, vb_json_str(e, "name"));
		}
}

/* @env's colour as a number column (gnuplot's "lc rgb variable"). */
void vb_charts_dat_rgb(FILE *f, const char *env)
{
	fprintf(f, " %ld", strtol(vb_charts_colour(env) + 1, NULL, 16));
}

/* A grid of @n panels: columns, rows, and the size of the whole chart. */
void vb_charts_grid(size_t n, size_t *cols, size_t *rows, vb_chart_dims_t *d)
{
	*cols = n <= 3 ? n : n == 4 ? 2 : n <= 9 ? 3 : 4;
	*rows = (n + *cols - 1) / *cols;
	d->width = (int)(*cols * PANEL_W) + 20;
	d->width = d->width < VB_CHARTS_MIN_WIDTH ? VB_CHARTS_MIN_WIDTH : d->width;
	d->height = (int)(*rows * PANEL_H) + 40;
}

/* x tick labels: rotated when there are many or long ones. */
static void xtics(FILE *gp, size_t n)
{
	fprintf(gp, "    set xtics nomirror%s\n", n > 4 ? " rotate by 30 right" : "");
}

/* "ENV: type (mechanism)" for a key. */
static void env_title(FILE *gp, const json_t *e)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s: %s (%s)", vb_json_str(e, "name") ?: "", vb_json_str(e, "type") ?: "",
		 vb_json_str(e, "mechanism") ?: "");
	vb_charts_gp_str(gp, buf);
}

/* ---- overhead: ratio per workload and environment, log scale ---- */

/*
 * The y range and tick marks of the overhead chart: every ratio, interval
 * bound and 1 inside, with a margin; gnuplot's own log-scale ticks would be
 * whole decades, too coarse for ratios near 1.
 */
static void ratio_axis(FILE *gp, double lo, double hi)
{
	static const double fine[] = { 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8,
				       0.9,   0.95, 1,	  1.05, 1.1, 1.2, 1.3, 1.5, 2,	 3,
				       5,     10,   20,	  50,	100, 200, 500, 1e3, 1e4, 1e5 };
	static const double coarse[] = { 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1,   2,  5,
					 10,	20,   50,   100,  200, 500, 1e3, 1e4, 1e5 };
	const double *t = fine;
	size_t i, n = VB_ARRAY_SIZE(fine), k = 0;

	lo = (lo < 1 ? lo : 1) / 1.08;
	hi = (hi > 1 ? hi : 1) * 1.08;
	/* out to the next labelled tick when it is near, so the ends have a label */
	for (i = 0; i < VB_ARRAY_SIZE(coarse); i++)
		if (coarse[i] >= hi) {
			hi = coarse[i] <= hi * 1.5 ? coarse[i] * 1.04 : hi;
			break;
		}
	for (i = VB_ARRAY_SIZE(coarse); i-- > 0;)
		if (coarse[i] <= lo) {
			lo = coarse[i] >= lo / 1.5 ? coarse[i] / 1.04 : lo;
			break;
		}
	for (i = 0; i < n; i++)
		k += fine[i] >= lo && fine[i] <= hi;
	if (k > 10) {
		t = coarse;
		n = VB_ARRAY_SIZE(coarse);
	}
	fprintf(gp, "    set yrange [%.4g:%.4g]\n    set ytics (", lo, hi);
	for (i = 0, k = 0; i < n; i++)
		if (t[i] >= lo && t[i] <= hi)
			fprintf(gp, "%s'x%g' %g", k++ ? ", " : "", t[i], t[i]);
	fputs(")\n", gp);
}

/* The ratios of every repetition of the environments in @use, for the axis. */
static void points_range(const json_t *sum, const char *use, double *lo, double *hi)
{
	json_t *envs = json_object_get(sum, "environments"), *wls = json_object_get(sum, "workloads"),
	       *e, *w;
	size_t ei, wi;
	int zero = 0;

	json_array_foreach(envs, ei, e)
		json_array_foreach(wls, wi, w)
			if (use[ei])
				range_of(points(sum, vb_json_str(e, "name"), vb_json_str(w, "name"), "ratios"), lo,
					 hi, &zero);
}

/* One block per environment in @use after the first: "workload_index ratio" of every
 * repetition; *@has[k]: the k-th used environment has some. */
static void points_blocks(const json_t *sum, FILE *dat, const char *use, int *has)
{
	json_t *envs = json_object_get(sum, "environments"), *wls = json_object_get(sum, "workloads"),
	       *e, *w, *x;
	size_t ei, wi, i, k = 0;

	json_array_foreach(envs, ei, e) {
		if (!use[ei])
			continue;
		fputs("\n\n# ", dat);
		vb_charts_dat_plain(dat, vb_json_str(e, "name"));
		fputs(": workload index, each repetition's ratio\n", dat);
		has[k] = 0;
		json_array_foreach(wls, wi, w)
			json_array_foreach(points(sum, vb_json_str(e, "name"), vb_json_str(w, "name"), "ratios"), i,
					   x) {
				fprintf(dat, "%zu", wi);
				vb_charts_dat_num(dat, json_is_number(x) ? json_number_value(x) : NAN);
				fputc('\n', dat);
				has[k] = 1;
			}
		if (!has[k])
			fputs("0 ?\n", dat); /* an empty block would end the file for gnuplot */
		k++;
	}
}

static int build_overhead(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			  size_t len)
{
	const char *base = vb_json_str(sum, "baseline");
	json_t *envs = json_object_get(sum, "environments"),
	       *wls = json_object_get(sum, "workloads"), *e, *w, *ov;
	size_t ei, wi, n = 0, k = 0, nwl = json_array_size(wls);
	char *use = calloc(json_array_size(envs) + 1, 1);
	int *has = calloc(json_array_size(envs) + 1, sizeof(int));
	double lo = 1, hi = 1, v, off;
	const char *keys[] = { "ratio", "ci_low", "ci_high" };

	if (!use || !has || !base) {
		free(use);
		free(has);
		return snprintf(note, len, "no baseline environment ran"), 0;
	}
	json_array_foreach(envs, ei, e)
		json_array_foreach(wls, wi, w) {
			ov = json_object_get(primary(sum, e, w), "overhead");
			if (!strcmp(vb_json_str(e, "name"), base) || !isfinite(vb_table_num(ov, "ratio")))
				continue;
			n += !use[ei];
			use[ei] = 1;
			for (k = 0; k < 3; k++) {
				v = vb_table_num(ov, keys[k]);
				lo = isfinite(v) && v < lo ? v : lo;
				hi = isfinite(v) && v > hi ? v : hi;
			}
		}
	if (!n) {
		free(use);
		free(has);
		return snprintf(note, len, "no environment besides the baseline has a ratio"), 0;
	}
	points_range(sum, use, &lo, &hi);
	fputs("# vbench chart data: overhead of each workload's primary metric, time per unit\n"
	      "# of work relative to ",
	      dat);
	vb_charts_dat_plain(dat, base);
	fputs(", and its bootstrap interval; ? = no value.\n"
	      "# Block 0 columns: workload, then ratio, ci_low, ci_high of each environment:",
	      dat);
	dat_env_names(dat, envs, use);
	fputs(".\n# Then one block per environment: each repetition's ratio to the baseline's "
	      "median.\n",
	      dat);
	json_array_foreach(wls, wi, w) {
		vb_charts_dat_str(dat, vb_json_str(w, "name"));
		json_array_foreach(envs, ei, e)
			if (use[ei])
				vb_charts_dat_triple(dat, json_object_get(primary(sum, e, w), "overhead"),
					   "ratio");
		fputc('\n', dat);
	}
	points_blocks(sum, dat, use, has);
	d->width = (int)(nwl > 8 ? 360 + nwl * 60 : 900);
	d->height = 560;
	fputs("    set title ", gp);
	vb_charts_title(gp, sum,
		       "Overhead per workload: time per unit of work relative to the baseline "
		       "(median, interval, repetitions)");
	fputs("\n    set ylabel ", gp);
	{
		char buf[256];

		snprintf(buf, sizeof(buf), "ratio to %s (log scale; x1 = no overhead)", base);
		vb_charts_gp_str(gp, buf);
	}
	fprintf(gp,
		"\n    set logscale y\n"
		"    set xrange [-0.5:%.1f]\n"
		"    set grid ytics\n"
		"    set key below\n"
		"    set bars small\n",
		(double)nwl - 0.5);
	ratio_axis(gp, lo, hi);
	xtics(gp, nwl);
	k = 0;
	fputs("    plot 1 with lines dt 2 lw 1.5 lc rgb '#404040' title 'x1 = no overhead'", gp);
	json_array_foreach(envs, ei, e) {
		if (!use[ei])
			continue;
		off = ((double)k - (double)(n - 1) / 2.0) * 0.6 / (double)n;
		fprintf(gp,
			", \\\n        'overhead.dat' index 0 using ($0%+.3f):%zu:%zu:%zu%s with "
			"yerrorbars pt %zu ps 1.3 lw 1.5",
			off, 2 + 3 * k, 3 + 3 * k, 4 + 3 * k, k ? "" : ":xtic(1)", 5 + 2 * (k % 4));
		vb_charts_lc(gp, vb_json_str(e, "name"));
		fputs(" title ", gp);
		env_title(gp, e);
		if (has[k]) { /* the repetitions, just right of the median */
			fprintf(gp,
				", \\\n        'overhead.dat' index %zu using ($1%+.3f):2 with points "
				"pt 6 ps 0.6",
				k + 1, off + 0.06);
			vb_charts_lc(gp, vb_json_str(e, "name"));
			fputs(" notitle", gp);
		}
		k++;
	}
	fputs("\n", gp);
	free(use);
	free(has);
	return 1;
}

/* ---- absolute: primary metric per environment, one panel per workload ---- */

/* The values panel @wl draws: medians, intervals and repetitions; 0 when it has none. */
static size_t absolute_range(const json_t *sum, const json_t *w, double *lo, double *hi, int *zero)
{
	json_t *envs = json_object_get(sum, "environments"), *e;
	const json_t *m;
	const char *keys[] = { "median", "ci_low", "ci_high" };
	size_t ei, k, ne = 0;
	double v;

	*lo = INFINITY;
	*hi = 0;
	*zero = 0;
	json_array_foreach(envs, ei, e) {
		m = primary(sum, e, w);
		if (!isfinite(vb_table_num(m, "median")))
			continue;
		ne++;
		for (k = 0; k < 3; k++) {
			v = vb_table_num(m, keys[k]);
			if (!isfinite(v))
				continue;
			if (v <= 0)
				*zero = 1;
			else
				*lo = v < *lo ? v : *lo, *hi = v > *hi ? v : *hi;
		}
		range_of(points(sum, vb_json_str(e, "name"), vb_json_str(w, "name"), "values"), lo, hi, zero);
	}
	return ne;
}

static int build_absolute(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			  size_t len)
{
	json_t *envs = json_object_get(sum, "environments"),
	       *wls = json_object_get(sum, "workloads"), *e, *w, *m, *def, *x;
	size_t ei, wi, i, n = 0, rows, cols, ne, pos;
	char buf[512];
	double lo, hi;
	int zero;

	fputs("# vbench chart data: each workload's primary metric per environment.\n"
	      "# Two blocks per workload (gnuplot index 2n and 2n+1): environment, its colour\n"
	      "# (0xRRGGBB), median, ci_low, ci_high; then position and value of each repetition.\n",
	      dat);
	json_array_foreach(wls, wi, w) {
		if (!absolute_range(sum, w, &lo, &hi, &zero))
			continue;
		fputs(n ? "\n\n# " : "# ", dat);
		vb_charts_dat_plain(dat, vb_json_str(w, "name"));
		fputs(": ", dat);
		vb_charts_dat_plain(dat, vb_json_str(w, "primary_metric"));
		fputc('\n', dat);
		json_array_foreach(envs, ei, e) {
			m = (json_t *)primary(sum, e, w);
			if (!isfinite(vb_table_num(m, "median")))
				continue;
			vb_charts_dat_str(dat, vb_json_str(e, "name"));
			vb_charts_dat_rgb(dat, vb_json_str(e, "name"));
			vb_charts_dat_triple(dat, m, "median");
			fputc('\n', dat);
		}
		fputs("\n\n# the repetitions: position, value, colour\n", dat);
		pos = 0;
		ne = 0;
		json_array_foreach(envs, ei, e) {
			if (!isfinite(vb_table_num(primary(sum, e, w), "median")))
				continue;
			json_array_foreach(points(sum, vb_json_str(e, "name"), vb_json_str(w, "name"), "values"), i,
					   x) {
				fprintf(dat, "%.2f", (double)pos + 0.38);
				vb_charts_dat_num(dat, json_number_value(x));
				vb_charts_dat_rgb(dat, vb_json_str(e, "name"));
				fputc('\n', dat);
				ne++;
			}
			pos++;
		}
		if (!ne)
			fputs("0 ? 0\n", dat);
		n++;
	}
	if (!n)
		return snprintf(note, len, "no environment has a value"), 0;
	vb_charts_grid(n, &cols, &rows, d);
	d->height += 30;
	fprintf(gp, "    set multiplot layout %zu,%zu title ", rows, cols);
	vb_charts_title(gp, sum, "Primary metric per environment (median, bootstrap interval, "
				"repetitions)");
	fputs("\n    set style fill solid 0.6 border -1\n"
	      "    set grid ytics\n"
	      "    set key off\n"
	      "    set bars small\n"
	      "    set format y '%g'\n"
	      "    set xtics nomirror rotate by 30 right\n",
	      gp);
	n = 0;
	json_array_foreach(wls, wi, w) {
		ne = absolute_range(sum, w, &lo, &hi, &zero);
		if (!ne)
			continue;
		def = json_array_get(json_object_get(w, "metrics"), 0);
		snprintf(buf, sizeof(buf), "%s: %s (%s is better)", vb_json_str(w, "name"),
			 vb_json_str(w, "primary_metric"), vb_json_str(def, "better") ?: "?");
		fputs("    set title ", gp);
		vb_charts_gp_str(gp, buf);
		fputs("\n    set ylabel ", gp);
		snprintf(buf, sizeof(buf), "%s%s", vb_json_str(def, "unit") ?: "",
			 vb_charts_log_y(NULL, lo, hi, zero) ? " (log scale)" : "");
		vb_charts_gp_str(gp, buf);
		fputc('\n', gp);
		vb_charts_log_y(gp, lo, hi, zero);
		fprintf(gp,
			"    set xrange [-0.6:%.1f]\n"
			"    plot 'absolute.dat' index %zu using 0:3:(0.6):2:xtic(1) with boxes "
			"lc rgb variable, \\\n"
			"        '' index %zu using 0:3:4:5 with yerrorbars lc rgb '#000000' ps 0, \\\n"
			"        '' index %zu using 1:2:3 with points pt 6 ps 0.6 lc rgb variable\n",
			(double)ne - 0.4, 2 * n, 2 * n, 2 * n + 1);
		n++;
	}
	fputs("    unset multiplot\n", gp);
	return 1;
}

/* ---- overview: overall and per group, per environment ---- */

/* The groups in the order the overview shows them: overall ("all") first. */
static const json_t *group_at(const json_t *sum, size_t i)
{
	const json_t *groups = json_object_get(sum, "groups"), *g;
	size_t j, k = 0;

	json_array_foreach(groups, j, g)
		if (!strcmp(vb_json_str(g, "kind") ?: "", "all") && i == k++)
			return g;
	json_array_foreach(groups, j, g)
		if (strcmp(vb_json_str(g, "kind") ?: "", "all") && i == k++)
			return g;
	return NULL;
}

static int build_overview(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			  size_t len)
{
	json_t *envs = json_object_get(sum, "environments"), *e;
	const json_t *g, *ge;
	const char *keys[] = { "geomean", "ci_low", "ci_high" }, *base = vb_json_str(sum, "baseline");
	char *use = calloc(json_array_size(envs) + 1, 1), buf[256];
	size_t ei, gi, k, n = 0, ng = 0;
	double lo = 1, hi = 1, v;

	if (!use)
		return snprintf(note, len, "out of memory"), 0;
	for (gi = 0; (g = group_at(sum, gi)); gi++, ng++)
		json_array_foreach(envs, ei, e) {
			ge = json_object_get(json_object_get(g, "envs"), vb_json_str(e, "name") ?: "");
			if (!isfinite(vb_table_num(ge, "geomean")))
				continue;
			n += !use[ei];
			use[ei] = 1;
			for (k = 0; k < 3; k++) {
				v = vb_table_num(ge, keys[k]);
				lo = isfinite(v) && v > 0 && v < lo ? v : lo;
				hi = isfinite(v) && v > hi ? v : hi;
			}
		}
	if (!n) {
		free(use);
		return snprintf(note, len, "no environment besides the baseline has a group figure"),
		       0;
	}
	fputs("# vbench chart data: overhead overall and per group of workloads, the geometric\n"
	      "# mean of the primary metrics' ratios to the baseline with its bootstrap interval.\n"
	      "# Columns: group, then geomean, ci_low, ci_high of each environment:",
	      dat);
	dat_env_names(dat, envs, use);
	fputs("; ? = none.\n", dat);
	for (gi = 0; (g = group_at(sum, gi)); gi++) {
		snprintf(buf, sizeof(buf), "%s",
			 !strcmp(vb_json_str(g, "kind") ?: "", "all") ? "overall" : vb_json_str(g, "label") ?: "?");
		vb_charts_dat_str(dat, buf);
		json_array_foreach(envs, ei, e)
			if (use[ei])
				vb_charts_dat_triple(dat,
					   json_object_get(json_object_get(g, "envs"),
							   vb_json_str(e, "name") ?: ""),
					   "geomean");
		fputc('\n', dat);
	}
	d->width = (int)(ng * (n * 60 + 120)) + 240;
	d->width = d->width < VB_CHARTS_MIN_WIDTH ? VB_CHARTS_MIN_WIDTH : d->width;
	d->height = 520;
	fputs("    set title ", gp);
	vb_charts_title(gp, sum, "Overhead at a glance: overall and per group (geometric mean "
				"of the ratios, 95% interval)");
	fputs("\n    set ylabel ", gp);
	snprintf(buf, sizeof(buf), "time per unit of work relative to %s (log scale)",
		 base ?: "the baseline");
	vb_charts_gp_str(gp, buf);
	fprintf(gp,
		"\n    set logscale y\n    set xrange [-0.5:%.1f]\n    set grid ytics\n"
		"    set key below\n    set bars small\n    set xtics nomirror\n",
		(double)ng - 0.5);
	ratio_axis(gp, lo, hi);
	fputs("    plot 1 with lines dt 2 lw 1.5 lc rgb '#404040' title 'x1 = no overhead'", gp);
	k = 0;
	json_array_foreach(envs, ei, e) {
		if (!use[ei])
			continue;
		fprintf(gp,
			", \\\n        'overview.dat' using ($0%+.3f):%zu:%zu:%zu%s with yerrorbars "
			"pt 7 ps 1.6 lw 2",
			((double)k - (double)(n - 1) / 2.0) * 0.6 / (double)n, 2 + 3 * k, 3 + 3 * k,
			4 + 3 * k, k ? "" : ":xtic(1)");
		vb_charts_lc(gp, vb_json_str(e, "name"));
		fputs(" title ", gp);
		env_title(gp, e);
		k++;
	}
	fputc('\n', gp);
	free(use);
	return 1;
}

const vb_chart_t vb_charts[] = {
	{ "overview", "overhead at a glance: overall and per group",
	  "The geometric mean of the primary metrics' overhead ratios overall and per group of "
	  "workloads (CPU, memory, I/O) for each environment, with its bootstrap interval, on a "
	  "log scale; the dashed line is x1 (no overhead), points above it are slower.",
	  build_overview },
	{ "overhead", "overhead ratio per workload and environment",
	  "Time per unit of work of each workload's primary metric relative to the baseline, "
	  "with its bootstrap interval and each repetition's ratio (small circles) beside it, "
	  "on a log scale; the dashed line is x1 (no overhead), points above it are slower.",
	  build_overhead },
	{ "absolute", "primary metric per environment",
	  "The measured value of each workload's primary metric in each environment (median and "
	  "bootstrap interval, each repetition as a small circle beside it), one panel per "
	  "workload in its own unit (log scale when the values span more than 10x).",
	  build_absolute },
	{ "counters", "counters per operation",
	  "Every available counter divided by the operations of the repetition (median and "
	  "interval), one panel per counter; unavailable counters are absent, never zero.",
	  vb_charts_build_counters },
	{ "footprint", "start latency and host memory per environment",
	  "Time from the start request until the agent answered (solid), time to stop "
	  "(hatched), and the proportional set size of the environment's host processes when "
	  "idle (solid) and after the memory workload (hatched); each panel on a log scale when "
	  "its values span more than 10x.",
	  vb_charts_build_footprint },
	{ "density", "host memory and start latency per instance (density)",
	  "Left: median host memory (PSS) one instance adds, idle and while every instance "
	  "holds its share of its allocation, per environment. Right: each instance's start "
	  "latency by the order it was started in, one line per environment.",
	  vb_charts_build_density },
	{ "noisy", "noisy neighbours: victim slowdown per aggressor kind",
	  "The victim's time per unit of work with the aggressor over alone (ratio of medians "
	  "with its bootstrap interval) in each environment, one cluster per aggressor kind; "
	  "the dashed line is x1 (no slowdown).",
	  vb_charts_build_noisy },
	{ "operations", "save, restore and move per environment",
	  "The time of each operation (median with its bootstrap interval) per environment: a "
	  "save until its image is on disk, a restore until the agent answers again, a live "
	  "move until it completed (QEMU's defaults, then tuned).",
	  vb_charts_build_ops },
	{ NULL, NULL, NULL, NULL },
};
