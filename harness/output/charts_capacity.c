/*
 * charts_capacity.c - the density and noisy-neighbour charts of a report
 * (charts_int.h, charts.h), from the summary's "density" and "noisy"
 * objects (copied from run.json by summary.c).  Formatting only: medians,
 * ratios and intervals are the ones density.c and noisy.c recorded; a value
 * that does not exist is '?' in the data file, never zero.  A run without
 * the measurement gets no chart at all (-1).
 *
 * Untrusted strings (environment names and types from run.json) reach a
 * script only through vb_charts_gp_str and a data file only through
 * vb_charts_dat_str.
 */
#include "harness/output/charts_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/output/table.h"
#include "lib/json.h"
#include "lib/util.h"

#define MAX_KINDS 8 /* aggressor kinds in one chart (cpu, mem, io today) */

/* "NAME: TYPE" as a script string (a key entry). */
static void env_key(FILE *gp, const char *name, const json_t *o)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s: %s", name, vb_json_str(o, "type") ?: "?");
	vb_charts_gp_str(gp, buf);
}

/* Settings every panel starts from: the loop re-runs the body for each terminal. */
static void reset(FILE *gp)
{
	fputs("    unset xlabel\n    unset ylabel\n    unset logscale y\n    set xtics autofreq "
	      "nomirror\n"
	      "    set xrange [*:*]\n    set yrange [0:*]\n    set grid ytics\n"
	      "    set key top left\n",
	      gp);
}

/* ---- density ---- */

int vb_charts_build_density(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			    size_t len)
{
	const json_t *all = json_object_get(sum, "density"), *e, *in, *load = NULL;
	const char *env, *names[64];
	size_t i, n = 0, block = 0, k, kmax = 0;
	char title[96];
	double lo = INFINITY, hi = 0;
	int zero = 0;

	if (!json_is_object(all) || !json_object_size(all))
		return -1;
	fputs("# vbench chart data: density.\n# Block 0, per environment: its colour (0xRRGGBB), "
	      "median host memory (PSS) per\n# instance idle (MiB) and while every instance holds "
	      "its share of its allocation\n# (MiB); ? = not recorded.\n",
	      dat);
	json_object_foreach ((json_t *)all, env, e) {
		const json_t *pi = json_object_get(e, "per_instance");
		double v[2] = { vb_table_num(pi, "pss_idle_bytes") / 1048576.0,
				 vb_table_num(pi, "pss_loaded_bytes") / 1048576.0 };

		if (!load)
			load = json_object_get(e, "load");
		vb_charts_dat_str(dat, env);
		fprintf(dat, " %ld", strtol(vb_charts_colour(env) + 1, NULL, 16));
		for (k = 0; k < 2; k++) {
			vb_charts_dat_num(dat, v[k]);
			zero |= isfinite(v[k]) && v[k] <= 0;
			lo = isfinite(v[k]) && v[k] > 0 && v[k] < lo ? v[k] : lo;
			hi = isfinite(v[k]) && v[k] > hi ? v[k] : hi;
		}
		fputc('\n', dat);
		if (n < VB_ARRAY_SIZE(names))
			names[n++] = env;
	}
	/* Blocks 1..n: each environment's instances, "index start_ms" (two blank lines apart). */
	json_object_foreach ((json_t *)all, env, e) {
		fputs("\n\n# ", dat);
		vb_charts_dat_plain(dat, env);
		fputs(": instance (start order), start latency (ms)\n", dat);
		k = 0;
		json_array_foreach (json_object_get(e, "instances"), i, in) {
			fprintf(dat, "%zu", ++k);
			vb_charts_dat_num(dat, vb_table_num(in, "start_latency_ns") / 1e6);
			fputc('\n', dat);
		}
		if (!k) /* an empty block would stop gnuplot: one missing point */
			fputs("1 ?\n", dat);
		kmax = k > kmax ? k : kmax;
	}
	(void)note;
	(void)len;
	d->width = 1000;
	d->height = 500;
	fputs("    set multiplot layout 1,2 title ", gp);
	vb_charts_title(gp, sum, "Density: instances side by side");
	fputc('\n', gp);
	reset(gp);
	fputs("    set offsets 0, 0, graph 0.15, 0\n    set key below horizontal\n"
	      "    set format y '%g'\n",
	      gp);
	vb_charts_env_xtics(gp, names, n);
	fprintf(gp, "    set title 'Host memory per instance (median PSS)'\n    set ylabel 'MiB%s'\n",
		vb_charts_log_y(NULL, lo, hi, zero) ? " (log scale)" : "");
	vb_charts_log_y(gp, lo, hi, zero);
	snprintf(title, sizeof(title), "under load (each holding %d%% of its allocation)",
		 (int)json_integer_value(json_object_get(load, "hold_pct")));
	vb_charts_pair_bars(gp, "density.dat", 0, 3, "idle", 4, title);
	reset(gp);
	fprintf(gp,
		"    set offsets 0, 0, graph 0.1, 0\n    set xrange [0.5:%zu.5]\n    set xtics 1\n"
		"    set logscale y\n    set yrange [*:*]\n"
		"    set title 'Start latency of each instance (log scale)'\n"
		"    set xlabel 'instance (in start order)'\n    set ylabel 'ms'\n    plot",
		kmax ? kmax : 1);
	block = 0;
	json_object_foreach ((json_t *)all, env, e) {
		fprintf(gp, "%s'density.dat' index %zu using 1:2 with linespoints pt 7",
			block ? ", \\\n        " : " ", block + 1);
		vb_charts_lc(gp, env);
		fputs(" title ", gp);
		env_key(gp, env, e);
		block++;
	}
	fputs("\n    unset multiplot\n", gp);
	return 1;
}

/* ---- noisy neighbours ---- */

/* The aggressor kinds measured anywhere, in order of first appearance. */
static size_t kinds_of(const json_t *all, const char **kinds)
{
	const json_t *n, *p;
	const char *env, *k;
	size_t i, j, nk = 0;

	json_object_foreach ((json_t *)all, env, n)
		json_array_foreach (json_object_get(n, "pairs"), i, p) {
			k = vb_json_str(p, "kind");
			for (j = 0; k && j < nk && strcmp(kinds[j], k); j++)
				;
			if (k && j == nk && nk < MAX_KINDS)
				kinds[nk++] = k;
		}
	return nk;
}

/* One bar of a histogram with error bars: its value @v and interval
 * [@lo, @hi] as three columns of @dat (the value where a bound is
 * missing), the y range widened to them; 1 when @v is finite. */
static int bar(FILE *dat, double v, double lo, double hi, double *ymin, double *ymax)
{
	if (isfinite(v)) {
		*ymin = fmin(*ymin, isfinite(lo) && lo > 0 ? lo : v);
		*ymax = fmax(*ymax, isfinite(hi) ? hi : v);
	}
	vb_charts_dat_num(dat, v);
	vb_charts_dat_num(dat, isfinite(v) && isfinite(lo) ? lo : v);
	vb_charts_dat_num(dat, isfinite(v) && isfinite(hi) ? hi : v);
	return isfinite(v);
}

/* A chart of @nclusters clusters of @nbars bars with their error bars
 * (gnuplot's histograms): its size into @d, its title, style and x label. */
static void histogram(FILE *gp, const json_t *sum, vb_chart_dims_t *d, size_t nclusters,
		      size_t nbars, const char *title, const char *xlabel)
{
	d->width = (int)(nclusters * (nbars * 70 + 120)) + 260;
	d->width = d->width < VB_CHARTS_MIN_WIDTH ? VB_CHARTS_MIN_WIDTH
		   : d->width > 1400		  ? 1400
						  : d->width;
	d->height = 480;
	reset(gp);
	fputs("    set title ", gp);
	vb_charts_title(gp, sum, title);
	fprintf(gp,
		"\n    set style data histograms\n    set style histogram errorbars gap 2 lw 1\n"
		"    set style fill solid 0.6 border -1\n    set offsets 0, 0, graph 0.15, 0\n"
		"    set xlabel '%s'\n    set key below\n    set format y '%%g'\n",
		xlabel);
}

/* The slowdown of @kind in @n, or NULL (not measured, failed). */
static const json_t *slowdown_of(const json_t *n, const char *kind)
{
	const json_t *p;
	size_t i;

	json_array_foreach (json_object_get(n, "pairs"), i, p)
		if (!strcmp(vb_json_str(p, "kind") ?: "", kind) && !json_object_get(p, "error"))
			return json_object_get(p, "slowdown");
	return NULL;
}

/* Whether @n measured any aggressor kind (an environment that measured none is not drawn). */
static int measured(const json_t *n, const char *const *kinds, size_t nk)
{
	size_t k;

	for (k = 0; k < nk; k++)
		if (isfinite(vb_table_num(slowdown_of(n, kinds[k]), "ratio")))
			return 1;
	return 0;
}

int vb_charts_build_noisy(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			 size_t len)
{
	const json_t *all = json_object_get(sum, "noisy"), *n, *sd;
	const char *kinds[MAX_KINDS], *env;
	size_t nk, k, col = 2, rows = 0, nenv = json_object_size(all);
	double r, lo, hi, ymin = 1, ymax = 1;
	int zero = 0;

	if (!json_is_object(all) || !nenv)
		return -1;
	nk = kinds_of(all, kinds);
	fputs("# vbench chart data: noisy neighbours.  Per aggressor kind, per environment\n"
	      "# (in this order):",
	      dat);
	json_object_foreach ((json_t *)all, env, n)
		if (measured(n, kinds, nk)) {
			fputc(' ', dat);
			vb_charts_dat_plain(dat, env);
		}
	fputs("\n# the victim's slowdown (ratio of medians), its interval's low and high; ? = "
	      "not measured.\n",
	      dat);
	for (k = 0; k < nk; k++) {
		vb_charts_dat_str(dat, kinds[k]);
		json_object_foreach ((json_t *)all, env, n) {
			if (!measured(n, kinds, nk))
				continue;
			sd = slowdown_of(n, kinds[k]);
			r = vb_table_num(sd, "ratio");
			lo = vb_table_num(sd, "ci_low");
			hi = vb_table_num(sd, "ci_high");
			zero |= isfinite(r) && (r <= 0 || (isfinite(lo) && lo <= 0));
			rows += bar(dat, r, lo, hi, &ymin, &ymax);
		}
		fputc('\n', dat);
	}
	if (!rows)
		return snprintf(note, len, "no noisy-neighbour pair was measured"), 0;
	histogram(gp, sum, d, nk, nenv,
		  "Noisy neighbours: victim slowdown with the aggressor (x1 = none)",
		  "aggressor kind");
	fprintf(gp, "    set ylabel 'victim slowdown (x%s)'\n",
		vb_charts_log_y(NULL, ymin, ymax, zero) ? ", log scale" : "");
	vb_charts_log_y(gp, ymin, ymax, zero);
	fputs("    plot", gp);
	json_object_foreach ((json_t *)all, env, n) {
		if (!measured(n, kinds, nk))
			continue;
		fprintf(gp, "%s'noisy.dat' using %zu:%zu:%zu%s", col == 2 ? " " : ", \\\n        ",
			col, col + 1, col + 2, col == 2 ? ":xtic(1)" : "");
		vb_charts_lc(gp, env);
		fputs(" title ", gp);
		env_key(gp, env, n);
		col += 3;
	}
	fputs(", \\\n        1 with lines dt 2 lc rgb '#000000' notitle\n", gp);
	return 1;
}

/* ---- save, restore, move ---- */

static const char *const op_keys[] = { "save", "restore", "migrate", "migrate-tuned" };
static const char *const op_labels[] = { "save", "restore", "move", "move (tuned)" };

/* Whether environment @e of the operations measured any of them. */
static int ops_measured(const json_t *e)
{
	size_t k;

	for (k = 0; k < VB_ARRAY_SIZE(op_keys); k++)
		if (isfinite(vb_table_num(json_object_get(json_object_get(e, op_keys[k]), "time_ms"),
					  "median")))
			return 1;
	return 0;
}

int vb_charts_build_ops(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			size_t len)
{
	const json_t *envs = json_object_get(json_object_get(sum, "operations"), "environments"), *e;
	size_t i, k, col = 2, rows = 0, nenv = 0;
	double ymin = INFINITY, ymax = 0;

	if (!json_array_size(envs))
		return -1;
	fputs("# vbench chart data: save, restore, move.  Per operation, per environment\n"
	      "# (in this order):",
	      dat);
	json_array_foreach (envs, i, e)
		if (ops_measured(e)) {
			fputc(' ', dat);
			vb_charts_dat_plain(dat, vb_json_str(e, "env") ?: "?");
			nenv++;
		}
	fputs("\n# its time in ms (median), its interval's low and high; ? = not measured.\n", dat);
	for (k = 0; k < VB_ARRAY_SIZE(op_keys); k++) {
		vb_charts_dat_str(dat, op_labels[k]);
		json_array_foreach (envs, i, e) {
			const json_t *t = json_object_get(json_object_get(e, op_keys[k]), "time_ms");
			double m = vb_table_num(t, "median"), lo = vb_table_num(t, "ci_low"),
			       hi = vb_table_num(t, "ci_high");

			if (!ops_measured(e))
				continue;
			rows += bar(dat, m, lo, hi, &ymin, &ymax);
		}
		fputc('\n', dat);
	}
	if (!rows)
		return snprintf(note, len, "no operation was measured"), 0;
	histogram(gp, sum, d, VB_ARRAY_SIZE(op_keys), nenv,
		  "Save, restore, move: time per operation", "operation");
	fprintf(gp, "    set ylabel 'time, ms%s'\n",
		vb_charts_log_y(NULL, ymin, ymax, 0) ? " (log scale)" : "");
	vb_charts_log_y(gp, ymin, ymax, 0);
	fputs("    plot", gp);
	json_array_foreach (envs, i, e) {
		if (!ops_measured(e))
			continue;
		fprintf(gp, "%s'operations.dat' using %zu:%zu:%zu%s", col == 2 ? " " : ", \\\n        ",
			col, col + 1, col + 2, col == 2 ? ":xtic(1)" : "");
		vb_charts_lc(gp, vb_json_str(e, "env") ?: "?");
		fputs(" title ", gp);
		vb_charts_gp_str(gp, vb_json_str(e, "env") ?: "?");
		col += 3;
	}
	fputc('\n', gp);
	return 1;
}
