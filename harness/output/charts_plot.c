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
 */
#include "harness/output/charts_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/output/table.h"
#include "harness/analysis/summary.h"
#include "lib/util.h"

#define PANEL_W 340 /* one panel of a multiplot chart */
#define PANEL_H 290

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Median, low and high of a quantity; the bounds fall back to the median without an interval. */
static void dat_triple(FILE *f, const json_t *q, const char *center)
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
	const json_t *r = vb_summary_result(sum, jstr(e, "name"), jstr(w, "name"));

	return json_object_get(json_object_get(r, "metrics"), jstr(w, "primary_metric"));
}

/* A grid of @n panels: columns, rows, and the size of the whole chart. */
static void grid(size_t n, size_t *cols, size_t *rows, vb_chart_dims_t *d)
{
	*cols = n <= 3 ? n : n == 4 ? 2 : n <= 9 ? 3 : 4;
	*rows = (n + *cols - 1) / *cols;
	d->width = (int)(*cols * PANEL_W) + 20;
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

	snprintf(buf, sizeof(buf), "%s: %s (%s)", jstr(e, "name") ?: "", jstr(e, "type") ?: "",
		 jstr(e, "mechanism") ?: "");
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

static int build_overhead(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			  size_t len)
{
	const char *base = jstr(sum, "baseline");
	json_t *envs = json_object_get(sum, "environments"),
	       *wls = json_object_get(sum, "workloads"), *e, *w, *ov;
	size_t ei, wi, n = 0, k = 0, nwl = json_array_size(wls);
	char *use = calloc(json_array_size(envs) + 1, 1);
	double lo = 1, hi = 1, v;
	const char *keys[] = { "ratio", "ci_low", "ci_high" };

	if (!use || !base) {
		free(use);
		return snprintf(note, len, "no baseline environment ran"), 0;
	}
	json_array_foreach(envs, ei, e)
		json_array_foreach(wls, wi, w) {
			ov = json_object_get(primary(sum, e, w), "overhead");
			if (!strcmp(jstr(e, "name"), base) || !isfinite(vb_table_num(ov, "ratio")))
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
		return snprintf(note, len, "no environment besides the baseline has a ratio"), 0;
	}
	fputs("# vbench chart data: overhead of each workload's primary metric, time per unit\n"
	      "# of work relative to ",
	      dat);
	vb_charts_dat_plain(dat, base);
	fputs(", and its bootstrap interval; ? = no value.\n"
	      "# columns: workload, then ratio, ci_low, ci_high of each environment:",
	      dat);
	json_array_foreach(envs, ei, e)
		if (use[ei]) {
			fputc(' ', dat);
			vb_charts_dat_plain(dat, jstr(e, "name"));
		}
	fputc('\n', dat);
	json_array_foreach(wls, wi, w) {
		vb_charts_dat_str(dat, jstr(w, "name"));
		json_array_foreach(envs, ei, e)
			if (use[ei])
				dat_triple(dat, json_object_get(primary(sum, e, w), "overhead"),
					   "ratio");
		fputc('\n', dat);
	}
	d->width = (int)(nwl > 8 ? 360 + nwl * 60 : 900);
	d->height = 540;
	fputs("    set title ", gp);
	vb_charts_gp_str(gp,
			 "Overhead per workload: time per unit of work relative to the baseline");
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
		fprintf(
		    gp,
		    ", \\\n        'overhead.dat' using ($0%+.3f):%zu:%zu:%zu%s with yerrorbars "
		    "pt %zu ps 1.3 lw 1.5 title ",
		    ((double)k - (double)(n - 1) / 2.0) * 0.6 / (double)n, 2 + 3 * k, 3 + 3 * k,
		    4 + 3 * k, k ? "" : ":xtic(1)", 5 + 2 * (k % 4));
		env_title(gp, e);
		k++;
	}
	fputs("\n", gp);
	free(use);
	return 1;
}

/* ---- absolute: primary metric per environment, one panel per workload ---- */

static int build_absolute(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			  size_t len)
{
	json_t *envs = json_object_get(sum, "environments"),
	       *wls = json_object_get(sum, "workloads"), *e, *w, *m, *def;
	size_t ei, wi, n = 0, rows, cols, ne;
	char buf[512];

	fputs("# vbench chart data: each workload's primary metric per environment.\n"
	      "# One block per workload (gnuplot index 0, 1, ...); columns: environment,\n"
	      "# its index in the run (for the colour), median, ci_low, ci_high.\n",
	      dat);
	json_array_foreach(wls, wi, w) {
		ne = 0;
		json_array_foreach(envs, ei, e)
			ne += isfinite(vb_table_num(primary(sum, e, w), "median"));
		if (!ne)
			continue;
		fputs(n ? "\n\n# " : "# ", dat);
		vb_charts_dat_plain(dat, jstr(w, "name"));
		fputs(": ", dat);
		vb_charts_dat_plain(dat, jstr(w, "primary_metric"));
		fputc('\n', dat);
		json_array_foreach(envs, ei, e) {
			m = (json_t *)primary(sum, e, w);
			if (!isfinite(vb_table_num(m, "median")))
				continue;
			vb_charts_dat_str(dat, jstr(e, "name"));
			fprintf(dat, " %zu", ei);
			dat_triple(dat, m, "median");
			fputc('\n', dat);
		}
		n++;
	}
	if (!n)
		return snprintf(note, len, "no environment has a value"), 0;
	grid(n, &cols, &rows, d);
	fprintf(gp, "    set multiplot layout %zu,%zu title ", rows, cols);
	vb_charts_gp_str(gp, "Primary metric per environment (median and bootstrap interval)");
	fputs("\n    set style fill solid 0.6 border -1\n"
	      "    set yrange [0:*]\n"
	      "    set grid ytics\n"
	      "    set key off\n"
	      "    set bars small\n"
	      "    set xtics nomirror rotate by 30 right\n",
	      gp);
	n = 0;
	json_array_foreach(wls, wi, w) {
		ne = 0;
		json_array_foreach(envs, ei, e)
			ne += isfinite(vb_table_num(primary(sum, e, w), "median"));
		if (!ne)
			continue;
		def = json_array_get(json_object_get(w, "metrics"), 0);
		snprintf(buf, sizeof(buf), "%s: %s (%s is better)", jstr(w, "name"),
			 jstr(w, "primary_metric"), jstr(def, "better") ?: "?");
		fputs("    set title ", gp);
		vb_charts_gp_str(gp, buf);
		fputs("\n    set ylabel ", gp);
		vb_charts_gp_str(gp, jstr(def, "unit"));
		fprintf(
		    gp,
		    "\n    set xrange [-0.6:%.1f]\n"
		    "    plot 'absolute.dat' index %zu using 0:3:(0.6):($2+1):xtic(1) with boxes "
		    "lc variable, \\\n"
		    "        '' index %zu using 0:3:4:5 with yerrorbars lc rgb '#000000' ps 0\n",
		    (double)ne - 0.4, n, n);
		n++;
	}
	fputs("    unset multiplot\n", gp);
	return 1;
}

/* ---- counters per operation, one panel per counter ---- */

/* Names of the counters available somewhere, in order of first appearance. */
static json_t *available_counters(const json_t *sum)
{
	json_t *names = json_array(), *r, *q, *x;
	const char *name;
	size_t i, j;

	json_array_foreach(json_object_get(sum, "results"), i, r)
		json_object_foreach(json_object_get(r, "counters"), name, q) {
			if (!json_is_true(json_object_get(q, "available")))
				continue;
			json_array_foreach(names, j, x)
				if (!strcmp(json_string_value(x), name))
					break;
			if (j == json_array_size(names))
				json_array_append_new(names, json_string(name));
		}
	return names;
}

/* Counter @name of @env/@wl, when available. */
static const json_t *counter(const json_t *sum, const json_t *e, const json_t *w, const char *name)
{
	const json_t *r = vb_summary_result(sum, jstr(e, "name"), jstr(w, "name"));
	json_t *q = json_object_get(json_object_get(r, "counters"), name);

	return json_is_true(json_object_get(q, "available")) ? q : NULL;
}

/* Whether environment @e has an available counter for any workload. */
static int env_has_counters(const json_t *sum, const json_t *e)
{
	json_t *r, *q;
	const char *name;
	size_t i;

	json_array_foreach(json_object_get(sum, "results"), i, r) {
		if (strcmp(jstr(r, "env") ?: "", jstr(e, "name") ?: ""))
			continue;
		json_object_foreach(json_object_get(r, "counters"), name, q)
			if (json_is_true(json_object_get(q, "available")))
				return 1;
	}
	return 0;
}

/* Scan counter @name: whether any median is non-zero, and the range of the positive ones. */
static int counter_range(const json_t *sum, const char *name, double *lo, double *hi, int *zero)
{
	json_t *envs = json_object_get(sum, "environments"), *e, *w;
	size_t ei, wi;
	int nonzero = 0;
	double v;

	*lo = INFINITY;
	*hi = 0;
	*zero = 0;
	json_array_foreach(json_object_get(sum, "workloads"), wi, w)
		json_array_foreach(envs, ei, e) {
			v = vb_table_num(counter(sum, e, w, name), "median");
			if (!isfinite(v))
				continue;
			if (v > 0) {
				nonzero = 1;
				*lo = v < *lo ? v : *lo;
				*hi = v > *hi ? v : *hi;
			} else {
				*zero = 1;
			}
		}
	return nonzero;
}

static void counter_block(const json_t *sum, FILE *dat, const char *name, size_t n)
{
	json_t *envs = json_object_get(sum, "environments"), *e, *w;
	size_t ei, wi, ne;

	fputs(n ? "\n\n# " : "# ", dat);
	vb_charts_dat_plain(dat, name);
	fputs(" per operation\n", dat);
	json_array_foreach(json_object_get(sum, "workloads"), wi, w) {
		ne = 0;
		json_array_foreach(envs, ei, e)
			ne += counter(sum, e, w, name) != NULL;
		if (!ne)
			continue;
		vb_charts_dat_str(dat, jstr(w, "name"));
		json_array_foreach(envs, ei, e)
			if (env_has_counters(sum, e))
				dat_triple(dat, counter(sum, e, w, name), "median");
		fputc('\n', dat);
	}
}

static int build_counters(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			  size_t len)
{
	json_t *names = available_counters(sum), *x, *envs = json_object_get(sum, "environments"),
	       *e, *shown = json_array();
	size_t i, ei, rows, cols, n = 0, k;
	double lo, hi;
	int zero;
	char buf[512];

	json_array_foreach(names, i, x)
		if (counter_range(sum, json_string_value(x), &lo, &hi, &zero))
			json_array_append(shown, x);
	if (!json_array_size(shown)) {
		snprintf(note, len, "%s",
			 json_array_size(names)
			     ? "every available counter was zero in every environment"
			     : "no counter was available in any environment");
		json_decref(names);
		json_decref(shown);
		return 0;
	}
	fputs("# vbench chart data: counters per operation.  One block per counter (gnuplot\n"
	      "# index 0, 1, ...); columns: workload, then median, ci_low, ci_high per\n"
	      "# environment:",
	      dat);
	json_array_foreach(envs, ei, e)
		if (env_has_counters(sum, e)) {
			fputc(' ', dat);
			vb_charts_dat_plain(dat, jstr(e, "name"));
		}
	fputs("; ? = unavailable.\n# Zero everywhere, not drawn:", dat);
	json_array_foreach(names, i, x)
		if (!counter_range(sum, json_string_value(x), &lo, &hi, &zero)) {
			fputc(' ', dat);
			vb_charts_dat_plain(dat, json_string_value(x));
		}
	fputc('\n', dat);
	grid(json_array_size(shown), &cols, &rows, d);
	fprintf(gp, "    set multiplot layout %zu,%zu title ", rows, cols);
	vb_charts_gp_str(gp, "Counters per operation (median and bootstrap interval)");
	fputs("\n    set style data histograms\n"
	      "    set style histogram errorbars gap 1 lw 1\n"
	      "    set style fill solid 0.6 border -1\n"
	      "    set grid ytics\n"
	      "    set key top left font ',8'\n"
	      "    set xtics nomirror rotate by 30 right\n",
	      gp);
	json_array_foreach(shown, i, x) {
		counter_range(sum, json_string_value(x), &lo, &hi, &zero);
		counter_block(sum, dat, json_string_value(x), n);
		snprintf(buf, sizeof(buf), "%s per operation", json_string_value(x));
		fputs("    set title ", gp);
		vb_charts_gp_str(gp, buf);
		/* Log scale when the values span orders of magnitude and none is zero. */
		if (!zero && hi / lo >= 100)
			fputs("\n    set logscale y\n    set yrange [*:*]\n", gp);
		else
			fputs("\n    unset logscale y\n    set yrange [0:*]\n", gp);
		fputs("    plot", gp);
		k = 0;
		json_array_foreach(envs, ei, e) {
			if (!env_has_counters(sum, e))
				continue;
			fprintf(gp, "%s'%s' index %zu using %zu:%zu:%zu%s title ",
				k ? ", \\\n        " : " ", k ? "" : "counters.dat", n, 2 + 3 * k,
				3 + 3 * k, 4 + 3 * k, k ? "" : ":xtic(1)");
			vb_charts_gp_str(gp, jstr(e, "name"));
			k++;
		}
		fputc('\n', gp);
		n++;
	}
	fputs("    unset multiplot\n", gp);
	json_decref(names);
	json_decref(shown);
	return 1;
}

/* ---- footprint: start latency and host memory per environment ---- */

/* The four values of environment @e: start, stop (ms), PSS idle, after (MiB). */
static void footprint_values(const json_t *e, double v[4])
{
	json_t *after =
	    json_object_get(json_object_get(e, "memory_after_mem_workload"), "footprint");

	v[0] = vb_table_num(e, "start_latency_ns") / 1e6;
	v[1] = vb_table_num(e, "stop_latency_ns") / 1e6;
	v[2] = vb_table_num(json_object_get(e, "memory_idle"), "pss_bytes") / 1048576.0;
	v[3] = vb_table_num(after, "pss_bytes") / 1048576.0;
}

static int build_footprint(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			   size_t len)
{
	static const char *const col_title[] = { "start", "stop", "idle",
						 "after the memory workload" };
	json_t *envs = json_object_get(sum, "environments"), *e;
	size_t ei, k, panels = 0, rows = 0;
	int have[4] = { 0, 0, 0, 0 }, any;
	double v[4];

	fputs("# vbench chart data: per environment, start latency (ms), stop latency (ms),\n"
	      "# host memory PSS when idle (MiB) and after the memory workload (MiB); ? = not\n"
	      "# recorded.\n",
	      dat);
	json_array_foreach(envs, ei, e) {
		if (!json_is_true(json_object_get(e, "available")))
			continue; /* a latency of an environment that did not run */
		footprint_values(e, v);
		for (any = 0, k = 0; k < 4; k++) {
			have[k] |= isfinite(v[k]);
			any |= isfinite(v[k]);
		}
		if (!any)
			continue;
		vb_charts_dat_str(dat, jstr(e, "name"));
		for (k = 0; k < 4; k++)
			vb_charts_dat_num(dat, v[k]);
		fputc('\n', dat);
		rows++;
	}
	if (!rows)
		return snprintf(note, len, "no environment recorded a latency or a footprint"), 0;
	panels = (have[0] || have[1]) + (have[2] || have[3]);
	d->width = (int)panels * 460 + 20;
	d->height = 460;
	fprintf(gp, "    set multiplot layout 1,%zu title ", panels);
	vb_charts_gp_str(gp, "Start latency and host memory per environment");
	fputs("\n    set style data histograms\n"
	      "    set style histogram clustered gap 1\n"
	      "    set style fill solid 0.6 border -1\n"
	      "    set yrange [0:*]\n"
	      "    set offsets 0, 0, graph 0.15, 0\n"
	      "    set grid ytics\n"
	      "    set key top left\n",
	      gp);
	xtics(gp, rows);
	for (k = 0; k < 4; k += 2) {
		if (!have[k] && !have[k + 1])
			continue;
		fputs("    set title ", gp);
		vb_charts_gp_str(gp, k ? "Host memory (PSS of the environment's processes)"
				       : "Start and stop latency");
		fprintf(gp, "\n    set ylabel '%s'\n    plot", k ? "MiB" : "ms");
		if (have[k])
			fprintf(gp, " 'footprint.dat' using %zu:xtic(1) title '%s'", k + 2,
				col_title[k]);
		if (have[k + 1])
			fprintf(gp, "%s'footprint.dat' using %zu%s title '%s'",
				have[k] ? ", \\\n        " : " ", k + 3, have[k] ? "" : ":xtic(1)",
				col_title[k + 1]);
		fputc('\n', gp);
	}
	fputs("    unset multiplot\n", gp);
	return 1;
}

const vb_chart_t vb_charts[] = {
	{ "overhead", "overhead ratio per workload and environment",
	  "Time per unit of work of each workload's primary metric relative to the baseline, "
	  "with its bootstrap interval, on a log scale; the dashed line is x1 (no overhead), "
	  "points above it are slower.",
	  build_overhead },
	{ "absolute", "primary metric per environment",
	  "The measured value of each workload's primary metric in each environment (median and "
	  "bootstrap interval), one panel per workload in its own unit.",
	  build_absolute },
	{ "counters", "counters per operation",
	  "Every available counter divided by the operations of the repetition (median and "
	  "interval), one panel per counter; unavailable counters are absent, never zero.",
	  build_counters },
	{ "footprint", "start latency and host memory per environment",
	  "Time from the start request until the agent answered, time to stop, and the "
	  "proportional set size of the environment's host processes when idle and after the "
	  "memory workload.",
	  build_footprint },
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
	{ NULL, NULL, NULL, NULL },
};
