/*
 * report_capacity.c - the "Density" and "Noisy neighbours" tables of the
 * terminal summary and report.md (table.h).
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

#include "lib/json.h"
#include "lib/textsafe.h"
#include "lib/util.h"

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
		 vb_json_text(ar, "unit"),
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
	c->stopped = vb_json_text(d, "stopped_because");
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
		vb_text_put_md(out, vb_json_text(load, "workload"));
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

	snprintf(c->cpus, sizeof(c->cpus), "%s / %s", vb_json_text(pl, "victim_cpus"),
		 vb_json_text(pl, "aggressor_cpus"));
	if (json_object_get(p, "error")) {
		snprintf(c->slowdown, sizeof(c->slowdown), "failed");
		snprintf(c->rate, sizeof(c->rate), "%s", vb_json_text(p, "error"));
	} else {
		slowdown_cell(json_object_get(p, "slowdown"), c->slowdown, sizeof(c->slowdown));
		rate_cell(json_object_get(p, "aggressor_rate"), c->rate, sizeof(c->rate));
	}
	c->kind = vb_json_text(p, "kind");
	c->victim = vb_json_text(p, "victim_workload");
	c->aggressor = vb_json_text(p, "aggressor");
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
					 vb_json_text(n, "error"));
			} else {
				fprintf(out, "  %-10s failed: %s\n", env, vb_json_text(n, "error"));
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
		vb_text_put_md(out, vb_json_text(p, "how"));
		fputs("\n", out);
	}
	if (md)
		fputs("\nChart: [charts/noisy.svg](charts/noisy.svg) (victim slowdown per "
		      "environment with its interval, one cluster per aggressor kind; data and "
		      "gnuplot script: charts/noisy.dat, charts/noisy.gp).\n",
		      out);
}

/* ---- save, restore, move ---- */

/* "1058 ms [1047-1072]" of a figure object {"median", "ci_low", "ci_high"}. */
static const char *figure_cell(const json_t *f, const char *unit, char *buf, size_t len)
{
	char a[32], b[32], c[32];

	if (!json_is_object(f))
		return snprintf(buf, len, "-"), buf;
	vb_table_fmt_num(vb_table_num(f, "median"), a, sizeof(a));
	if (!isfinite(vb_table_num(f, "ci_low")))
		snprintf(buf, len, "%s %s", a, unit);
	else
		snprintf(buf, len, "%s %s [%s-%s]", a, unit,
			 vb_table_fmt_num(vb_table_num(f, "ci_low"), b, sizeof(b)),
			 vb_table_fmt_num(vb_table_num(f, "ci_high"), c, sizeof(c)));
	return buf;
}

/* A figure object's median as a size ("64 MiB"), "-" without one. */
static const char *median_size(const json_t *f, char *buf, size_t len)
{
	double v = vb_table_num(f, "median");

	if (!isfinite(v) || v < 0)
		return snprintf(buf, len, "-"), buf;
	return vb_format_size((uint64_t)v, buf, len);
}

int vb_table_ops_cells(const json_t *e, const char *key, vb_ops_cells_t *c)
{
	const json_t *o = json_object_get(e, key);
	char a[48], b[48], d[48], v[64];
	json_int_t n, failed;

	if (!json_is_object(o))
		return -1;
	c->op = !strcmp(key, "migrate-tuned") ? "tuned" : key;
	if (json_object_get(o, "unavailable")) {
		snprintf(c->time, sizeof(c->time), "not measured");
		snprintf(c->detail, sizeof(c->detail), "%s", vb_json_text(o, "unavailable"));
		return 0;
	}
	n = json_integer_value(json_object_get(o, "n"));
	failed = json_integer_value(json_object_get(o, "failed"));
	figure_cell(json_object_get(o, "time_ms"), "ms", c->time, sizeof(c->time));
	if (!n) {
		snprintf(c->detail, sizeof(c->detail), "failed: %s", vb_json_text(o, "error"));
		return 0;
	}
	if (!strcmp(key, "save")) {
		snprintf(c->detail, sizeof(c->detail), "image %s (xz %s), %s afterwards",
			 median_size(json_object_get(o, "image_bytes"), a, sizeof(a)),
			 median_size(json_object_get(o, "image_xz_bytes"), b, sizeof(b)),
			 vb_json_text(o, "state_after"));
	} else if (!strcmp(key, "restore")) {
		const json_t *vs = json_object_get(o, "vs_start");

		snprintf(c->detail, sizeof(c->detail),
			 "%s of a fresh start (%s ms): %s; same agent %" JSON_INTEGER_FORMAT
			 "/%" JSON_INTEGER_FORMAT,
			 vb_table_fmt_overhead(vb_table_num(vs, "ratio"), vb_table_num(vs, "ci_low"),
					       vb_table_num(vs, "ci_high"), a, sizeof(a)),
			 vb_table_fmt_num(vb_table_num(vs, "start_ms"), b, sizeof(b)),
			 vb_table_fmt_verdict(vs, v, sizeof(v)),
			 json_integer_value(json_object_get(o, "same_agent")), n);
	} else {
		snprintf(c->detail, sizeof(c->detail),
			 "pause %s (QEMU) / %s (heartbeat gap), %s moved, converged %" JSON_INTEGER_FORMAT
			 "/%" JSON_INTEGER_FORMAT ", limit %s ms",
			 figure_cell(json_object_get(o, "downtime_ms"), "ms", a, sizeof(a)),
			 figure_cell(json_object_get(o, "heartbeat_gap_ms"), "ms", b, sizeof(b)),
			 median_size(json_object_get(o, "transferred_bytes"), d, sizeof(d)),
			 json_integer_value(json_object_get(o, "converged")), n,
			 vb_table_fmt_num(vb_table_num(o, "downtime_limit_ms"), v, sizeof(v)));
	}
	if (failed) {
		size_t l = strlen(c->detail);
		snprintf(c->detail + l, sizeof(c->detail) - l, "; %" JSON_INTEGER_FORMAT " failed",
			 failed);
	}
	return 0;
}

static void ops(const json_t *sum, FILE *out, int md)
{
	static const char *const keys[] = { "save", "restore", "migrate", "migrate-tuned" };
	const json_t *all = json_object_get(sum, "operations"), *e;
	char ws[32];
	size_t i, k;

	if (!json_is_object(all) || !json_array_size(json_object_get(all, "environments")))
		return;
	vb_format_size((uint64_t)vb_table_num(all, "working_set_bytes"), ws, sizeof(ws));
	if (md)
		fprintf(out,
			"\n## Save, restore, move\n\nEach environment's instance saved to an image "
			"and restored from it, then moved live to a second instance (QEMU's default "
			"settings, then tuned), while its agent holds %s (%s); %" JSON_INTEGER_FORMAT
			" repetitions, medians with their 95%% bootstrap interval.  A restore is "
			"timed until the agent answers again (its pid and memory checked); a move's "
			"pause is QEMU's downtime and the longest gap the host saw in the agent's "
			"heartbeat (every %" JSON_INTEGER_FORMAT " ms, dirtying %" JSON_INTEGER_FORMAT
			" pages a second).\n\n| environment | operation | time | details |\n"
			"|---|---|---|---|\n",
			ws, vb_json_text(all, "working_set_rule"),
			json_integer_value(json_object_get(all, "reps")),
			json_integer_value(json_object_get(all, "heartbeat_period_ms")),
			json_integer_value(json_object_get(all, "dirty_pages_per_s")));
	else
		fprintf(out,
			"\nSave, restore, move (%" JSON_INTEGER_FORMAT
			" repetitions, working set %s; median [95%% interval]):\n",
			json_integer_value(json_object_get(all, "reps")), ws);
	json_array_foreach (json_object_get(all, "environments"), i, e) {
		const char *env = vb_json_text(e, "env"), *shown = NULL;

		for (k = 0; k < VB_ARRAY_SIZE(keys); k++) {
			vb_ops_cells_t c;

			if (vb_table_ops_cells(e, keys[k], &c) < 0)
				continue;
			if (md) {
				md_cells(out, 1, 4, env, c.op, c.time, c.detail);
				continue;
			}
			/* the same reason as the line before is said once */
			if (shown && !strcmp(c.time, "not measured") && !strcmp(shown, c.detail))
				continue;
			fprintf(out, "  %-10s %-8s %-22s %s\n", env, c.op, c.time, c.detail);
			shown = !strcmp(c.time, "not measured") ? vb_json_text(json_object_get(e, keys[k]),
								       "unavailable")
								  : NULL;
		}
		if (json_is_string(json_object_get(e, "failed")))
			fprintf(out, md ? "\n%s: failed: %s\n" : "  %-10s failed: %s\n", env,
				vb_json_text(e, "failed"));
	}
}

void vb_table_capacity(const json_t *sum, FILE *out, int md)
{
	density(sum, out, md);
	noisy(sum, out, md);
	ops(sum, out, md);
}
