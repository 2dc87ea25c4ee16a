/*
 * charts_host.c - the charts of what each environment costs the host
 * (charts_int.h): counters per operation, one panel per counter, and the
 * footprint, start and stop latency and host memory per environment.
 * Formatting only, as charts_plot.c: every number from summary.json, a
 * missing value written as '?', untrusted strings through vb_charts_gp_str
 * and vb_charts_dat_str.
 */
#include "harness/output/charts_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/output/table.h"
#include "harness/analysis/summary.h"
#include "lib/json.h"
#include "lib/util.h"

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
	const json_t *r = vb_summary_result(sum, vb_json_str(e, "name"), vb_json_str(w, "name"));
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
		if (strcmp(vb_json_str(r, "env") ?: "", vb_json_str(e, "name") ?: ""))
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
		vb_charts_dat_str(dat, vb_json_str(w, "name"));
		json_array_foreach(envs, ei, e)
			if (env_has_counters(sum, e))
				vb_charts_dat_triple(dat, counter(sum, e, w, name), "median");
		fputc('\n', dat);
	}
}

/* "ns per operation", "events per operation": counter @name's unit as the run recorded it. */
static void counter_label(FILE *gp, const json_t *sum, const char *name, int log)
{
	const char *u = json_string_value(json_object_get(json_object_get(sum, "counter_units"), name));
	char buf[160];

	snprintf(buf, sizeof(buf), "%s per operation%s",
		 !u || !strcmp(u, "count") ? "events" : u, log ? " (log scale)" : "");
	vb_charts_gp_str(gp, buf);
}

int vb_charts_build_counters(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			  size_t len)
{
	json_t *names = available_counters(sum), *x, *envs = json_object_get(sum, "environments"),
	       *e, *shown = json_array();
	size_t i, ei, rows, cols, n = 0, k, nwl;
	double lo, hi;
	int zero, log;
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
			vb_charts_dat_plain(dat, vb_json_str(e, "name"));
		}
	fputs("; ? = unavailable.\n# Zero everywhere, not drawn:", dat);
	json_array_foreach(names, i, x)
		if (!counter_range(sum, json_string_value(x), &lo, &hi, &zero)) {
			fputc(' ', dat);
			vb_charts_dat_plain(dat, json_string_value(x));
		}
	fputc('\n', dat);
	nwl = json_array_size(json_object_get(sum, "workloads"));
	vb_charts_grid(json_array_size(shown), &cols, &rows, d);
	/* room for every workload's label under its cluster, and the key below */
	d->width = (int)cols * (int)(nwl * 70 + 160 > 380 ? nwl * 70 + 160 : 380) + 20;
	d->width = d->width < VB_CHARTS_MIN_WIDTH ? VB_CHARTS_MIN_WIDTH : d->width;
	d->height = (int)rows * 380 + 60;
	fprintf(gp, "    set multiplot layout %zu,%zu title ", rows, cols);
	vb_charts_title(gp, sum, "Counters per operation (median and bootstrap interval)");
	fputs("\n    set style data histograms\n"
	      "    set style histogram errorbars gap 1 lw 1\n"
	      "    set style fill solid 0.6 border -1\n"
	      "    set grid ytics\n"
	      "    set key below horizontal font ',9'\n"
	      "    set format y '%g'\n"
	      "    set xtics nomirror rotate by 45 right font ',9'\n",
	      gp);
	json_array_foreach(shown, i, x) {
		counter_range(sum, json_string_value(x), &lo, &hi, &zero);
		counter_block(sum, dat, json_string_value(x), n);
		snprintf(buf, sizeof(buf), "%s per operation", json_string_value(x));
		fputs("    set title ", gp);
		vb_charts_gp_str(gp, buf);
		fputs("\n    set ylabel ", gp);
		log = vb_charts_log_y(NULL, lo, hi, zero);
		counter_label(gp, sum, json_string_value(x), log);
		fputc('\n', gp);
		vb_charts_log_y(gp, lo, hi, zero);
		fputs("    plot", gp);
		k = 0;
		json_array_foreach(envs, ei, e) {
			if (!env_has_counters(sum, e))
				continue;
			fprintf(gp, "%s'%s' index %zu using %zu:%zu:%zu%s",
				k ? ", \\\n        " : " ", k ? "" : "counters.dat", n, 2 + 3 * k,
				3 + 3 * k, 4 + 3 * k, k ? "" : ":xtic(1)");
			vb_charts_lc(gp, vb_json_str(e, "name"));
			fputs(" title ", gp);
			vb_charts_gp_str(gp, vb_json_str(e, "name"));
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

int vb_charts_build_footprint(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			   size_t len)
{
	static const char *const col_title[] = { "start", "stop", "idle",
						 "after the memory workload" };
	json_t *envs = json_object_get(sum, "environments"), *e;
	const char *names[64];
	size_t ei, k, panels = 0, rows = 0;
	int have[4] = { 0, 0, 0, 0 }, any, zero[2] = { 0, 0 };
	double v[4], lo[2] = { INFINITY, INFINITY }, hi[2] = { 0, 0 };

	fputs("# vbench chart data: per environment, its colour (0xRRGGBB), start latency (ms),\n"
	      "# stop latency (ms), host memory PSS when idle (MiB) and after the memory workload\n"
	      "# (MiB); ? = not recorded.\n",
	      dat);
	json_array_foreach(envs, ei, e) {
		if (!json_is_true(json_object_get(e, "available")) || rows == VB_ARRAY_SIZE(names))
			continue; /* a latency of an environment that did not run */
		footprint_values(e, v);
		for (any = 0, k = 0; k < 4; k++) {
			have[k] |= isfinite(v[k]);
			any |= isfinite(v[k]);
			if (!isfinite(v[k]))
				continue;
			zero[k / 2] |= v[k] <= 0;
			lo[k / 2] = v[k] > 0 && v[k] < lo[k / 2] ? v[k] : lo[k / 2];
			hi[k / 2] = v[k] > hi[k / 2] ? v[k] : hi[k / 2];
		}
		if (!any)
			continue;
		vb_charts_dat_str(dat, vb_json_str(e, "name"));
		vb_charts_dat_rgb(dat, vb_json_str(e, "name"));
		for (k = 0; k < 4; k++)
			vb_charts_dat_num(dat, v[k]);
		fputc('\n', dat);
		names[rows++] = vb_json_str(e, "name") ?: "";
	}
	if (!rows)
		return snprintf(note, len, "no environment recorded a latency or a footprint"), 0;
	panels = (have[0] || have[1]) + (have[2] || have[3]);
	d->width = (int)panels * (int)(rows * 90 + 280) + 20;
	d->width = d->width < VB_CHARTS_MIN_WIDTH ? VB_CHARTS_MIN_WIDTH : d->width;
	d->height = 500;
	fprintf(gp, "    set multiplot layout 1,%zu title ", panels);
	vb_charts_title(gp, sum, "Start latency and host memory per environment");
	fputs("\n    set offsets 0, 0, graph 0.15, 0\n"
	      "    set grid ytics\n"
	      "    set format y '%g'\n"
	      "    set key below horizontal\n",
	      gp);
	vb_charts_env_xtics(gp, names, rows);
	for (k = 0; k < 4; k += 2) {
		if (!have[k] && !have[k + 1])
			continue;
		fputs("    set title ", gp);
		vb_charts_gp_str(gp, k ? "Host memory (PSS of the environment's processes)"
				      : "Start and stop latency");
		fprintf(gp, "\n    set ylabel '%s%s'\n", k ? "MiB" : "ms",
			vb_charts_log_y(NULL, lo[k / 2], hi[k / 2], zero[k / 2]) ? " (log scale)" : "");
		vb_charts_log_y(gp, lo[k / 2], hi[k / 2], zero[k / 2]);
		vb_charts_pair_bars(gp, "footprint.dat", 0, have[k] ? (int)k + 3 : 0, col_title[k],
				   have[k + 1] ? (int)k + 4 : 0, col_title[k + 1]);
	}
	fputs("    unset multiplot\n", gp);
	return 1;
}
