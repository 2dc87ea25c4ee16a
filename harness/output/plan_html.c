/*
 * plan_html.c - the capacity plan as a self-contained page (plan.html) and
 * the chart references of plan.md, for `vbench plan --out DIR`.
 *
 * Formatting only: the cells are the ones plan.md and the terminal show
 * (vb_plan_fmt_*, plan_print.c), the chart is the one charts_plan.c drew,
 * embedded as a data: URI of its PNG like report.html's.  Service names,
 * server CPU names, paths and reasons come from the plan file and run.json:
 * every one is HTML-escaped (vb_html_text).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/plan.h"
#include "harness/analysis/plan_int.h"
#include "harness/output/html_int.h"
#include "lib/json.h"
#include "lib/util.h"

/* Text a formatter writes to a stream, escaped into @out. */
typedef void (*fmt_fn)(const json_t *a, const json_t *b, FILE *f);

static void per_host2(const json_t *a, const json_t *fit, FILE *f)
{
	(void)a;
	vb_plan_fmt_per_host(fit, f);
}

static void options2(const json_t *a, const json_t *o, FILE *f)
{
	(void)a;
	vb_plan_fmt_options(o, f);
}

static void escaped(FILE *out, fmt_fn fn, const json_t *a, const json_t *b)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return;
	fn(a, b, f);
	if (fclose(f) == 0)
		vb_html_text(out, s);
	free(s);
}

static void td(FILE *out, const char *s, int num)
{
	fputs(num ? "<td class=\"num\">" : "<td>", out);
	vb_html_text(out, s);
	fputs("</td>", out);
}

/* ---- the sections ---- */

static void head(FILE *out, const json_t *plan)
{
	const json_t *run = json_object_get(plan, "run"), *w;
	char n[32];
	size_t i;

	fputs("<h1>vbench capacity plan</h1>\n", out);
	json_array_foreach (json_object_get(plan, "warnings"), i, w) {
		fputs("<p class=\"warning\"><strong>Warning of the run:</strong> ", out);
		vb_html_text(out, json_string_value(w));
		fputs("</p>\n", out);
	}
	fputs("<p>Plan file <code>", out);
	vb_html_text(out, vb_json_text(plan, "plan_file"));
	snprintf(n, sizeof(n), "%lld", vb_plan_count_instances(plan));
	fprintf(out,
		"</code>, %s instances of %zu services, placed with the overheads measured in "
		"run <code>",
		n, json_array_size(json_object_get(plan, "services")));
	vb_html_text(out, vb_json_text(run, "dir"));
	fputs("</code> (", out);
	vb_html_text(out, vb_json_text(run, "cpu"));
	fprintf(out, "%s). Model and rules: docs/plan.md.</p>\n",
		json_is_true(json_object_get(run, "virtualized")) ? ", itself a virtual machine"
								  : "");
}

static void host(FILE *out, const json_t *plan)
{
	const json_t *h = json_object_get(plan, "host");
	char a[32], b[64];
	int r;

	fputs("<h2 id=\"host\">One host</h2>\n<table>\n<tr><th>resource</th><th>one host</th>"
	      "<th>usable</th><th>from</th></tr>\n",
	      out);
	for (r = 0; r < VB_RES_N; r++) {
		fputs("<tr>", out);
		td(out, vb_plan_res_name(r), 0);
		snprintf(b, sizeof(b), "%s%s",
			 vb_plan_fmt_amount(json_object_get(h, "capacity"), r, a, sizeof(a)),
			 vb_plan_fmt_unit(r));
		td(out, b, 1);
		snprintf(b, sizeof(b), "%s%s",
			 vb_plan_fmt_amount(json_object_get(h, "usable"), r, a, sizeof(a)),
			 vb_plan_fmt_unit(r));
		td(out, b, 1);
		td(out, vb_json_text(json_object_get(h, "source"), vb_plan_res_name(r)), 0);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n<p>Options: ", out);
	escaped(out, options2, NULL, json_object_get(plan, "options"));
	fputs(".</p>\n", out);
}

static void services(FILE *out, const json_t *plan)
{
	const json_t *s;
	char a[48];
	size_t i;

	fputs("<h2 id=\"services\">Services</h2>\n<table>\n<tr><th>service</th><th>count</th>"
	      "<th>CPU (cores of the run's host)</th><th>memory</th><th>disk</th><th>IOPS</th>"
	      "<th>CPU demand from</th></tr>\n",
	      out);
	json_array_foreach (json_object_get(plan, "services"), i, s) {
		fputs("<tr>", out);
		td(out, vb_json_text(s, "name"), 0);
		snprintf(a, sizeof(a), "%lld",
			 (long long)json_integer_value(json_object_get(s, "count")));
		td(out, a, 1);
		snprintf(a, sizeof(a), "%.3g", vb_json_num(s, "cpu"));
		td(out, a, 1);
		td(out, vb_format_size((uint64_t)vb_json_num(s, "memory_bytes"), a, sizeof(a)), 1);
		td(out, vb_format_size((uint64_t)vb_json_num(s, "disk_bytes"), a, sizeof(a)), 1);
		snprintf(a, sizeof(a), "%.4g", vb_json_num(s, "iops"));
		td(out, a, 1);
		td(out, vb_json_text(s, "cpu_basis"), 0);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void env_row(FILE *out, const json_t *plan, const json_t *e)
{
	const json_t *f = json_object_get(e, "factors"), *fit = json_object_get(e, "fit");
	char a[48];

	fputs("<tr>", out);
	td(out, vb_json_text(e, "name"), 0);
	td(out, vb_json_text(e, "type"), 0);
	if (!json_is_true(json_object_get(e, "planned"))) {
		fputs("<td colspan=\"6\" class=\"note\">not planned: ", out);
		vb_html_text(out, vb_json_text(e, "reason"));
		fputs("</td></tr>\n", out);
		return;
	}
	td(out, vb_plan_fmt_factor(vb_json_num(f, "cpu"), a, sizeof(a)), 1);
	td(out, vb_plan_fmt_factor(vb_json_num(f, "io"), a, sizeof(a)), 1);
	td(out, vb_format_size((uint64_t)vb_json_num(f, "memory_footprint_bytes"), a, sizeof(a)), 1);
	if (!json_is_true(json_object_get(fit, "fits"))) {
		fputs("<td>-</td><td>-</td><td class=\"slower\">", out);
		escaped(out, vb_plan_fmt_misfit, plan, fit);
		fputs("</td></tr>\n", out);
		return;
	}
	fputs("<td class=\"num\"><strong>", out);
	vb_html_text(out, vb_plan_fmt_hosts(fit, a, sizeof(a)));
	fputs("</strong></td>", out);
	td(out, vb_json_text(fit, "binding"), 0);
	fputs("<td>", out);
	escaped(out, per_host2, NULL, fit);
	fputs("</td></tr>\n", out);
}

static void environments(FILE *out, const json_t *plan)
{
	const json_t *e, *f, *s;
	const char *k;
	size_t i;

	fputs("<h2 id=\"plan\">Per virtualization type</h2>\n<table>\n<tr><th>environment</th>"
	      "<th>type</th><th>CPU factor</th><th>I/O factor</th><th>memory per instance "
	      "beyond the demand</th><th>hosts needed</th><th>binding resource</th><th>instances "
	      "per host alone (what stops more)</th></tr>\n",
	      out);
	json_array_foreach (json_object_get(plan, "environments"), i, e)
		env_row(out, plan, e);
	fputs("</table>\n<p>Where the factors come from:</p>\n<ul>\n", out);
	json_array_foreach (json_object_get(plan, "environments"), i, e) {
		if (!json_is_true(json_object_get(e, "planned")))
			continue;
		f = json_object_get(e, "factors");
		fputs("<li><strong>", out);
		vb_html_text(out, vb_json_text(e, "name"));
		fputs("</strong>: CPU: ", out);
		vb_html_text(out, vb_json_text(f, "cpu_basis"));
		fputs("; I/O: ", out);
		vb_html_text(out, vb_json_text(f, "io_basis"));
		fputs("; memory: ", out);
		vb_html_text(out, vb_json_text(f, "memory_basis"));
		fputs("; disk: ", out);
		vb_html_text(out, vb_json_text(f, "disk_basis"));
		json_object_foreach((json_t *)json_object_get(f, "service_cpu"), k, s) {
			fputs("; CPU of ", out);
			vb_html_text(out, k);
			fputs(": ", out);
			vb_html_text(out, vb_json_text(s, "basis"));
		}
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
	json_array_foreach (json_object_get(plan, "notes"), i, f) {
		fputs("<p class=\"note\">Note: ", out);
		vb_html_text(out, json_string_value(f));
		fputs("</p>\n", out);
	}
}

void vb_html_chart_figures(FILE *out, const json_t *charts, const char *what)
{
	const json_t *c;
	size_t i;

	if (!charts) {
		fputs("<p class=\"note\">Charts were not rendered for this ", out);
		vb_html_text(out, what);
		fputs(".</p>\n", out);
		return;
	}
	json_array_foreach (json_object_get(charts, "charts"), i, c) {
		if (!json_string_value(json_object_get(c, "png_base64"))) {
			fputs("<p class=\"note\">Chart not rendered: ", out);
			vb_html_text(out, vb_json_text(c, "note"));
			fputs(" (data and script: <code>", out);
			vb_html_text(out, vb_json_text(c, "name"));
			fputs(".dat</code>, <code>.gp</code> in charts/).</p>\n", out);
			continue;
		}
		fputs("<figure id=\"chart-", out);
		vb_html_text(out, vb_json_text(c, "name"));
		fputs("\">\n<img alt=\"", out);
		vb_html_text(out, vb_json_text(c, "title"));
		/* base64 needs no escaping: A-Z a-z 0-9 + / = only */
		fprintf(out, "\" src=\"data:image/png;base64,%s\">\n<figcaption><strong>",
			vb_json_text(c, "png_base64"));
		vb_html_text(out, vb_json_text(c, "title"));
		fputs("</strong>: ", out);
		vb_html_text(out, vb_json_text(c, "caption"));
		fputs(" <span class=\"note\">(vector version: <code>", out);
		vb_html_text(out, vb_json_text(c, "svg"));
		fputs("</code>)</span></figcaption>\n</figure>\n", out);
	}
}

static void chart(FILE *out, const json_t *charts)
{
	fputs("<h2 id=\"charts\">Chart</h2>\n", out);
	vb_html_chart_figures(out, charts, "plan");
}

/* [recovery]: the time to restore every instance and the disk of their images. */
static void recovery(FILE *out, const json_t *plan)
{
	const json_t *rec = json_object_get(plan, "recovery"), *e, *n;
	char when[400], disk[120];
	size_t i;

	if (!json_is_object(rec))
		return;
	fprintf(out, "<h2 id=\"recovery\">Recovery</h2>\n<p>%.0f instances must be back within "
		     "%.0f s on one host; %.0f restores at once (",
		vb_json_num(rec, "instances"), vb_json_num(rec, "within_s"), vb_json_num(rec, "parallel"));
	vb_html_text(out, vb_json_text(rec, "parallel_basis"));
	fputs("), judged by ", out);
	vb_html_text(out, vb_json_text(rec, "judged_by"));
	fputs(".</p>\n<table>\n<tr><th>environment</th><th>time to restore them all</th>"
	      "<th>disk of their images</th></tr>\n",
	      out);
	json_array_foreach (json_object_get(rec, "environments"), i, e) {
		vb_plan_fmt_recovery(rec, e, when, sizeof(when), disk, sizeof(disk));
		fputs("<tr>", out);
		td(out, vb_json_text(e, "env"), 0);
		td(out, when, 0);
		td(out, disk, 0);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	json_array_foreach (json_object_get(rec, "notes"), i, n) {
		fputs("<p class=\"note\">Note: ", out);
		vb_html_text(out, json_string_value(n));
		fputs("</p>\n", out);
	}
}

void vb_plan_print_html(const json_t *plan, const json_t *charts, FILE *out)
{
	vb_html_page_start(out, "vbench capacity plan");
	head(out, plan);
	environments(out, plan);
	recovery(out, plan);
	chart(out, charts);
	host(out, plan);
	services(out, plan);
	fputs("</body>\n</html>\n", out);
}

void vb_plan_print_md_charts(const json_t *charts, FILE *out)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(charts, "charts"), i, c) {
		if (json_string_value(json_object_get(c, "png_base64")))
			fprintf(out,
				"\nChart: [%s](%s) (%s; data and gnuplot script: %s/%s.dat, "
				"%s/%s.gp).\n",
				vb_json_text(c, "svg"), vb_json_text(c, "svg"), vb_json_text(c, "title"),
				vb_json_text(charts, "dir"), vb_json_text(c, "name"), vb_json_text(charts, "dir"),
				vb_json_text(c, "name"));
		else
			fprintf(out,
				"\nChart not rendered (%s): its data and gnuplot script are "
				"%s/%s.dat and %s/%s.gp.\n",
				vb_json_text(c, "note"), vb_json_text(charts, "dir"), vb_json_text(c, "name"),
				vb_json_text(charts, "dir"), vb_json_text(c, "name"));
	}
}
