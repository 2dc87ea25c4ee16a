/*
 * report_html_capacity.c - the "Density" and "Noisy neighbours" sections of
 * report.html (report_html_int.h).
 *
 * The cells are the ones the terminal and report.md show
 * (report_capacity_int.h); this file adds what a page has room for: every
 * instance's start latency, the memory bound that stopped a density run
 * early, the placement of the noisy-neighbour pairs, and the charts.  A
 * summary without "density" or "noisy" prints nothing.  Every string from
 * run.json is escaped.
 */
#include "harness/output/table.h"
#include "harness/output/table_capacity_int.h"
#include "harness/output/html_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lib/json.h"
#include "lib/util.h"

/* A cell holding @s, escaped; class "num" when @num. */
static void cell(FILE *out, const char *s, int num)
{
	fputs(num ? "<td class=\"num\">" : "<td>", out);
	vb_html_text(out, s);
	fputs("</td>", out);
}

/* The figure of chart @name of @charts when it was rendered, else a note. */
static void figure(FILE *out, const json_t *charts, const char *name)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(charts, "charts"), i, c) {
		if (strcmp(vb_json_str(c, "name") ?: "", name))
			continue;
		if (vb_json_str(c, "png_base64")) {
			fprintf(out, "<p>Chart: <a href=\"#chart-%s\">%s</a> (under Charts; ", name,
				name);
			fprintf(out, "<code>%s/%s.svg</code>).</p>\n", VB_HTML_CHARTS_DIR, name);
			return;
		}
		fputs("<p class=\"note\">Chart not rendered: ", out);
		vb_html_str(out, c, "note", "no image");
		fprintf(out,
			" (data and script: <code>%s/%s.dat</code>, <code>%s/%s.gp</code>).</p>\n",
			VB_HTML_CHARTS_DIR, name, VB_HTML_CHARTS_DIR, name);
		return;
	}
	fputs("<p class=\"note\">Charts were not rendered for this report.</p>\n", out);
}

/* ---- density ---- */

/* Every instance's start latency in ms, in start order. */
static void start_latencies(FILE *out, const json_t *d)
{
	const json_t *in;
	char b[32];
	size_t i, n = 0;

	fputs("<td class=\"num\">", out);
	json_array_foreach (json_object_get(d, "instances"), i, in) {
		if (!json_is_number(json_object_get(in, "start_latency_ns")))
			continue;
		fprintf(out, "%s%s", n++ ? ", " : "",
			vb_table_fmt_num(vb_table_num(in, "start_latency_ns") / 1e6, b, sizeof(b)));
	}
	fputs(n ? "</td>" : "-</td>", out);
}

static void density_row(FILE *out, const char *env, const json_t *d)
{
	vb_density_cells_t c;

	vb_table_density_cells(d, &c);
	fputs("<tr>", out);
	cell(out, env, 0);
	cell(out, vb_json_str(d, "type") ?: "", 0);
	cell(out, c.up, 1);
	cell(out, c.start, 1);
	start_latencies(out, d);
	cell(out, c.idle, 1);
	cell(out, c.loaded, 1);
	cell(out, c.cache, 1);
	cell(out, c.disk, 1);
	fputs(strcmp(vb_json_str(d, "stop_kind") ?: "", "k-reached") ? "<td class=\"slower\">" : "<td>",
	      out);
	vb_html_text(out, c.stopped);
	if (json_object_get(d, "error")) {
		fputs(" (", out);
		vb_html_str(out, d, "error", "");
		fputs(")", out);
	}
	fputs("</td></tr>\n", out);
}

void vb_html_density(FILE *out, const json_t *sum, const json_t *charts)
{
	const json_t *all = json_object_get(sum, "density"), *d, *load = NULL;
	const char *env;

	if (!json_is_object(all) || !json_object_size(all))
		return;
	json_object_foreach ((json_t *)all, env, d)
		if (!load)
			load = json_object_get(d, "load");
	fprintf(out,
		"<section id=\"density\">\n<h2>Density</h2>\n<p>Instances started side by side, "
		"each in its own cgroup with the run's allocation, until K were up or the host's "
		"memory would not hold the next one (the reason is in the last column; one that "
		"stopped early is marked). Medians over the instances: start latency (launch to "
		"the agent's ready message), host memory added (PSS of the instance's processes) "
		"idle and while every instance holds %d%% of its allocation in a running ",
		(int)json_integer_value(json_object_get(load, "hold_pct")));
	vb_html_str(out, load, "workload", "-");
	fputs(", page cache under load, disk (own files plus a share of shared ones).</p>\n"
	      "<table>\n<tr><th>environment</th><th>type</th><th>up/K</th><th>start ms "
	      "(median)</th><th>start ms, each instance</th><th>PSS idle</th><th>PSS "
	      "loaded</th><th>page cache</th><th>disk</th><th>stopped because</th></tr>\n",
	      out);
	json_object_foreach ((json_t *)all, env, d)
		density_row(out, env, d);
	fputs("</table>\n", out);
	figure(out, charts, "density");
	fputs("</section>\n", out);
}

/* ---- noisy neighbours ---- */

static void noisy_row(FILE *out, const char *env, const json_t *n, const json_t *p)
{
	const json_t *sd = json_object_get(p, "slowdown");
	const char *v = vb_json_str(sd, "verdict");
	vb_noisy_cells_t c;

	vb_table_noisy_cells(n, p, &c);
	fputs("<tr>", out);
	cell(out, env, 0);
	cell(out, c.kind, 0);
	cell(out, c.victim, 0);
	cell(out, c.aggressor, 0);
	fputs(json_object_get(p, "error") ? "<td class=\"slower\">"
	      : v && !strcmp(v, "slower") ? "<td class=\"slower num\">"
	      : v && !strcmp(v, "faster") ? "<td class=\"faster num\">"
					  : "<td class=\"num\">",
	      out);
	vb_html_text(out, c.slowdown);
	if (v) {
		fputc(' ', out);
		vb_html_text(out, v);
	}
	if (json_is_true(json_object_get(sd, "indicative")))
		fputs(" \xe2\x80\xa0", out);
	fputs("</td>", out);
	cell(out, c.cpus, 0);
	cell(out, c.rate, 0);
	fputs("</tr>\n", out);
}

void vb_html_noisy(FILE *out, const json_t *sum, const json_t *charts)
{
	const json_t *all = json_object_get(sum, "noisy"), *n, *p;
	const char *env;
	size_t i;

	if (!json_is_object(all) || !json_object_size(all))
		return;
	fputs("<section id=\"noisy\">\n<h2>Noisy neighbours</h2>\n<p>A victim instance's "
	      "slowdown (time per unit of work with the aggressor over alone: ratio of medians "
	      "with its 95% bootstrap interval; \xe2\x80\xa0 = indicative, few repetitions) while "
	      "another instance of the same environment runs an aggressor on its own allocation, "
	      "and the aggressor's achieved rate during the victim's repetitions (relative to its "
	      "rate alone): a slow aggressor exerts less pressure.</p>\n<table>\n"
	      "<tr><th>environment</th><th>kind</th><th>victim</th><th>aggressor</th>"
	      "<th>slowdown</th><th>CPUs victim / aggressor</th><th>aggressor rate during (vs "
	      "alone)</th></tr>\n",
	      out);
	json_object_foreach ((json_t *)all, env, n) {
		if (json_object_get(n, "error")) {
			fputs("<tr>", out);
			cell(out, env, 0);
			fputs("<td colspan=\"6\" class=\"slower\">failed: ", out);
			vb_html_str(out, n, "error", "");
			fputs("</td></tr>\n", out);
		}
		json_array_foreach (json_object_get(n, "pairs"), i, p)
			noisy_row(out, env, n, p);
	}
	fputs("</table>\n<ul>\n", out);
	json_object_foreach ((json_t *)all, env, n) {
		if (!(p = json_object_get(n, "placement")))
			continue;
		fputs("<li>", out);
		vb_html_text(out, env);
		fputs(", aggressor's CPUs: ", out);
		vb_html_str(out, p, "how", "-");
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
	figure(out, charts, "noisy");
	fputs("</section>\n", out);
}

/* ---- save, restore, move ---- */

void vb_html_ops(FILE *out, const json_t *sum, const json_t *charts)
{
	static const char *const keys[] = { "save", "restore", "migrate", "migrate-tuned" };
	const json_t *all = json_object_get(sum, "operations"), *e;
	char ws[32];
	size_t i, k;

	if (!json_is_object(all) || !json_array_size(json_object_get(all, "environments")))
		return;
	vb_format_size((uint64_t)json_integer_value(json_object_get(all, "working_set_bytes")), ws,
		       sizeof(ws));
	fprintf(out,
		"<section id=\"operations\">\n<h2>Save, restore, move</h2>\n<p>Each "
		"environment's instance saved to an image and restored from it, then moved live to "
		"a second instance (the hypervisor's default settings, then tuned), while its agent "
		"holds %s (a quarter of its allocation); %" JSON_INTEGER_FORMAT " repetitions, "
		"medians with their 95%% bootstrap interval. A restore is timed until the agent "
		"answers again, its pid and memory checked; a move's pause is QEMU's downtime and "
		"the longest gap the host saw in the agent's heartbeat.</p>\n<table>\n"
		"<tr><th>environment</th><th>operation</th><th>time</th><th>details</th></tr>\n",
		ws, json_integer_value(json_object_get(all, "reps")));
	json_array_foreach (json_object_get(all, "environments"), i, e) {
		for (k = 0; k < VB_ARRAY_SIZE(keys); k++) {
			vb_ops_cells_t c;

			if (vb_table_ops_cells(e, keys[k], &c) < 0)
				continue;
			fputs("<tr>", out);
			cell(out, vb_json_str(e, "env"), 0);
			cell(out, c.op, 0);
			cell(out, c.time, 1);
			cell(out, c.detail, 0);
			fputs("</tr>\n", out);
		}
	}
	fputs("</table>\n", out);
	figure(out, charts, "operations");
	fputs("</section>\n", out);
}
