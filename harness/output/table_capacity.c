/*
 * report_capacity.c - the "Density" and "Noisy neighbours" tables of the
 * terminal summary and report.md (report.h).
 *
 * Only formats what density.c and noisy.c recorded (medians over the
 * instances, slowdown ratios with their intervals); a summary without
 * "density" or "noisy" prints nothing at all, so reports of runs without
 * them are unchanged byte for byte.
 */
#include "harness/output/table.h"
#include "harness/output/table_capacity_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "lib/textsafe.h"
#include "lib/util.h"

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "";
}

/* A byte count as "12.3 MiB", "-" when absent. */
static const char *size_cell(const json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return snprintf(buf, len, "-"), buf;
	return vb_format_size((uint64_t)json_integer_value(v), buf, len);
}

static const char *ms_cell(const json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		return snprintf(buf, len, "-"), buf;
	return vb_table_fmt_num(json_number_value(v) / 1e6, buf, len);
}

/* "x1.18 [1.13-1.23]" of a slowdown object. */
static const char *slowdown_cell(const json_t *sd, char *buf, size_t len)
{
	return vb_table_fmt_overhead(vb_table_num(sd, "ratio"), vb_table_num(sd, "ci_low"),
				     vb_table_num(sd, "ci_high"), buf, len);
}

/* "950 Mop/s (x0.99 of 963 alone), busy 100%" of an aggressor_rate object. */
static const char *rate_cell(const json_t *ar, char *buf, size_t len)
{
	char a[32], b[32], c[32], d[32] = "-";
	double busy = vb_table_num(ar, "busy_share");

	if (isfinite(busy))
		snprintf(d, sizeof(d), "%.0f", busy * 100);
	snprintf(buf, len, "%s %s (%s of %s alone), busy %s%%",
		 vb_table_fmt_num(vb_table_num(ar, "during_median"), a, sizeof(a)),
		 jstr(ar, "unit"),
		 vb_table_fmt_ratio(vb_table_num(ar, "during_to_alone"), b, sizeof(b)),
		 vb_table_fmt_num(vb_table_num(ar, "alone"), c, sizeof(c)), d);
	return buf;
}

/* Markdown table cells: each of the @n strings escaped (textsafe.h),
 * "| a | b | " ... with the row ended when @end. */
static void md_cells(FILE *out, int end, size_t n, ...)
{
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		fputs(i ? " | " : "| ", out);
		vb_text_put_md(out, va_arg(ap, const char *));
	}
	va_end(ap);
	fputs(end ? " |\n" : " | ", out);
}

/* ---- density ---- */

void vb_table_density_cells(const json_t *d, vb_density_cells_t *c)
{
	const json_t *pi = json_object_get(d, "per_instance");

	snprintf(c->up, sizeof(c->up), "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
		 json_integer_value(json_object_get(d, "started")),
		 json_integer_value(json_object_get(d, "k_requested")));
	ms_cell(pi, "start_latency_ns", c->start, sizeof(c->start));
	size_cell(pi, "pss_idle_bytes", c->idle, sizeof(c->idle));
	size_cell(pi, "pss_loaded_bytes", c->loaded, sizeof(c->loaded));
	size_cell(pi, "page_cache_loaded_bytes", c->cache, sizeof(c->cache));
	size_cell(pi, "disk_bytes", c->disk, sizeof(c->disk));
	c->stopped = jstr(d, "stopped_because");
}

static void density_row(FILE *out, const char *env, const json_t *d, int md)
{
	vb_density_cells_t c;

	vb_table_density_cells(d, &c);
	if (!md) {
		fprintf(out, "  %-10s %-5s %-10s %-11s %-11s %-11s %-11s %s\n", env, c.up, c.start,
			c.idle, c.loaded, c.cache, c.disk, c.stopped);
		return;
	}
	md_cells(out, 1, 8, env, c.up, c.start, c.idle, c.loaded, c.cache, c.disk, c.stopped);
}

static void density(const json_t *sum, FILE *out, int md)
{
	const json_t *all = json_object_get(sum, "density"), *d, *load = NULL;
	const char *env;

	if (!json_is_object(all) || !json_object_size(all))
		return;
	json_object_foreach ((json_t *)all, env, d)
		if (!load)
			load = json_object_get(d, "load");
	if (md) {
		fprintf(out,
			"\n## Density\n\nInstances started side by side, each in its own cgroup "
			"with the run's allocation. Medians over the instances: start latency "
			"(launch to the agent's ready message), host memory added (PSS of the "
			"instance's processes) idle and while every instance holds %d%% of its "
			"allocation in a running ",
			(int)json_integer_value(json_object_get(load, "hold_pct")));
		vb_text_put_md(out, jstr(load, "workload"));
		fputs(", page cache under load, disk (own files plus a share of shared ones)."
		      "\n\n| environment | up/K | start ms | PSS idle | PSS loaded | page cache | "
		      "disk | stopped because |\n|---|---|---|---|---|---|---|---|\n",
		      out);
	} else
		fprintf(out,
			"\nDensity: instances side by side; medians per instance (PSS idle / while "
			"every instance holds a quarter of its allocation):\n  %-10s %-5s %-10s "
			"%-11s %-11s %-11s %-11s %s\n",
			"env", "up/K", "start ms", "PSS idle", "PSS loaded", "page cache", "disk",
			"stopped because");
	json_object_foreach ((json_t *)all, env, d)
		density_row(out, env, d, md);
	if (md)
		fputs("\nChart: [charts/density.svg](charts/density.svg) (host memory per instance "
		      "idle and under load, start latency of each instance; data and gnuplot "
		      "script: charts/density.dat, charts/density.gp).\n",
		      out);
}

/* ---- noisy neighbours ---- */

void vb_table_noisy_cells(const json_t *n, const json_t *p, vb_noisy_cells_t *c)
{
	const json_t *pl = json_object_get(n, "placement");

	snprintf(c->cpus, sizeof(c->cpus), "%s / %s", jstr(pl, "victim_cpus"),
		 jstr(pl, "aggressor_cpus"));
	if (json_object_get(p, "error")) {
		snprintf(c->slowdown, sizeof(c->slowdown), "failed");
		snprintf(c->rate, sizeof(c->rate), "%s", jstr(p, "error"));
	} else {
		slowdown_cell(json_object_get(p, "slowdown"), c->slowdown, sizeof(c->slowdown));
		rate_cell(json_object_get(p, "aggressor_rate"), c->rate, sizeof(c->rate));
	}
	c->kind = jstr(p, "kind");
	c->victim = jstr(p, "victim_workload");
	c->aggressor = jstr(p, "aggressor");
}

static void noisy_row(FILE *out, const char *env, const json_t *n, const json_t *p, int md)
{
	vb_noisy_cells_t c;

	vb_table_noisy_cells(n, p, &c);
	if (!md) {
		fprintf(out, "  %-10s %-4s %-11s %-12s %-20s %-9s %s\n", env, c.kind, c.victim,
			c.aggressor, c.slowdown, c.cpus, c.rate);
		return;
	}
	md_cells(out, 1, 7, env, c.kind, c.victim, c.aggressor, c.slowdown, c.cpus, c.rate);
}

static void noisy(const json_t *sum, FILE *out, int md)
{
	const json_t *all = json_object_get(sum, "noisy"), *n, *p;
	const char *env;
	size_t i, k = 0;

	if (!json_is_object(all) || !json_object_size(all))
		return;
	if (md)
		fputs(
		    "\n## Noisy neighbours\n\nA victim instance's slowdown (time per unit of work "
		    "with the aggressor over alone, ratio of medians with its 95% bootstrap "
		    "interval, few repetitions: indicative) while another instance of the same "
		    "environment runs an aggressor on its own allocation; the aggressor's "
		    "achieved rate during the victim's repetitions (and relative to its rate "
		    "alone): a slow aggressor exerts less pressure.\n\n| environment | kind | "
		    "victim | aggressor | slowdown | CPUs victim / aggressor | aggressor rate |\n"
		    "|---|---|---|---|---|---|---|\n",
		    out);
	else
		fprintf(
		    out,
		    "\nNoisy neighbours: victim slowdown with the aggressor (x1.00 = none) and the "
		    "aggressor's achieved rate:\n  %-10s %-4s %-11s %-12s %-20s %-9s %s\n",
		    "env", "kind", "victim", "aggressor", "slowdown", "CPUs v/a",
		    "aggressor rate during (vs alone)");
	json_object_foreach ((json_t *)all, env, n) {
		if (json_object_get(n, "error")) {
			if (md) {
				md_cells(out, 1, 7, env, "-", "-", "-", "failed", "-",
					 jstr(n, "error"));
			} else {
				fprintf(out, "  %-10s failed: %s\n", env, jstr(n, "error"));
			}
		}
		json_array_foreach (json_object_get(n, "pairs"), i, p)
			noisy_row(out, env, n, p, md);
	}
	json_object_foreach ((json_t *)all, env, n) {
		if (!md || !(p = json_object_get(n, "placement")))
			continue;
		fputs(k++ ? "- " : "\n- ", out);
		vb_text_put_md(out, env);
		fputs(", aggressor's CPUs: ", out);
		vb_text_put_md(out, jstr(p, "how"));
		fputs("\n", out);
	}
	if (md)
		fputs("\nChart: [charts/noisy.svg](charts/noisy.svg) (victim slowdown per "
		      "environment with its interval, one cluster per aggressor kind; data and "
		      "gnuplot script: charts/noisy.dat, charts/noisy.gp).\n",
		      out);
}

void vb_table_capacity(const json_t *sum, FILE *out, int md)
{
	density(sum, out, md);
	noisy(sum, out, md);
}
