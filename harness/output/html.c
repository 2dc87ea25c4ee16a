/*
 * html.c - report.html (table.h): the summary as one self-contained
 * page.  No external file, font, script or network access: the CSS is
 * inline and the charts are embedded as data: URIs of their PNGs.  It holds
 * what report.md holds (warnings first, with the virtualized host's at the
 * top; the runs; the overhead tables per group with their verdicts; every
 * metric; host CPU cost; counters per operation; flags; host facts; each
 * environment's configuration and limits; everything unavailable with its
 * reason) plus the charts, and, when the run measured them or the caller
 * has an explanation, density, noisy neighbours (report_html_capacity.c) and
 * the explanation (explain_html.c).  Formatting only.  run.json is untrusted input:
 * every string from it is HTML-escaped (vb_html_text).
 */
#include "harness/output/table.h"
#include "harness/output/html_int.h"

#include <math.h>
#include <string.h>

#include "harness/analysis/summary.h"
#include "lib/json.h"

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;"
    "max-width:1200px;padding:0 1em;color:#1a1a1a;line-height:1.4}"
    "h1{margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
    "table{border-collapse:collapse;margin:.8em 0;font-size:.9em}"
    "th,td{border:1px solid #d0d0d0;padding:.25em .5em;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.group td{font-weight:bold;background:#fafafa}"
    ".warning{background:#fff4e5;border-left:4px solid #e67e00;padding:.5em .8em;margin:.5em 0}"
    ".slower{color:#b00020}.faster{color:#00695c}.note{color:#555}"
    "figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{font-size:.9em;color:#333}ul.tree{margin:.2em 0}code{font-size:.95em}"
    ".scroll{max-width:100%;overflow-x:auto}#headline li{margin:.3em 0}"
    "nav#contents ul{columns:2;margin:.5em 0}";

/* ---- escaping (report_html_int.h) ---- */

void vb_html_text(FILE *out, const char *s)
{
	unsigned char c;

	for (s = s ?: ""; *s; s++) {
		c = (unsigned char)*s;
		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? ' ' : c, out);
		}
	}
}

void vb_html_str(FILE *out, const json_t *o, const char *key, const char *dflt)
{
	vb_html_text(out, vb_json_str(o, key) ?: dflt);
}

/* ---- small pieces ---- */

static json_int_t jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *num(const json_t *o, const char *key, char *buf, size_t len)
{
	return vb_table_fmt_num(vb_table_num(o, key), buf, len);
}

/* "x1.03 [0.99-1.07]" of @o's ratio-like @rkey. */
static const char *ovh(const json_t *o, const char *rkey, char *buf, size_t len)
{
	return vb_table_fmt_overhead(vb_table_num(o, rkey), vb_table_num(o, "ci_low"),
				     vb_table_num(o, "ci_high"), buf, len);
}

/* The CSS class of a verdict ("slower", "faster" or none). */
static const char *verdict_class(const char *v)
{
	return !v		      ? ""
	       : !strcmp(v, "slower") ? " class=\"slower\""
	       : !strcmp(v, "faster") ? " class=\"faster\""
				      : "";
}

static void env_title(FILE *out, const json_t *e)
{
	vb_html_str(out, e, "type", "");
	fputs(" (", out);
	vb_html_str(out, e, "mechanism", "");
	fputs(")", out);
}

static const char *dagger(const json_t *o)
{
	return json_is_true(json_object_get(o, "indicative")) ? " \xe2\x80\xa0" : "";
}

/* ---- warnings and runs ---- */

static void html_warnings(FILE *out, const json_t *sum)
{
	json_t *notes = vb_table_warnings(sum), *w;
	size_t i;

	fputs("<div id=\"warnings\">\n", out);
	json_array_foreach(notes, i, w) {
		fputs("<p class=\"warning\"><strong>Warning:</strong> ", out);
		vb_html_text(out, json_string_value(w));
		fputs("</p>\n", out);
	}
	fputs("</div>\n", out);
	json_decref(notes);
}

/* The answer at a glance: one sentence per virtualization type (table.h vb_table_headline). */
static void html_headline(FILE *out, const json_t *sum)
{
	json_t *lines = vb_table_headline(sum), *l;
	int virt = json_is_object(
	    json_object_get(json_object_get(sum, "headline"), "virtualized_host"));
	char intro[512];
	size_t i;

	fputs("<section id=\"headline\">\n<h2>At a glance</h2>\n<p>", out);
	vb_html_text(out, vb_table_headline_intro(sum, intro, sizeof(intro)));
	fputs("</p>\n<ul>\n", out);
	json_array_foreach(lines, i, l) {
		/* the virtualized host's line comes first when there is one */
		fputs(i == 0 && virt ? "<li id=\"virtualized-host\" class=\"warning\">" : "<li>",
		      out);
		vb_html_text(out, json_string_value(l));
		fputs("</li>\n", out);
	}
	fputs("</ul>\n</section>\n", out);
	json_decref(lines);
}

/* The table of contents: every section the page has, in its order. */
static void html_contents(FILE *out, const json_t *sum, const json_t *explain)
{
	static const char *const ids[][2] = {
		{ "overhead", "Overhead" },	   { "runs", "Runs" },
		{ "charts", "Charts" },		   { "metrics", "Every metric" },
		{ "host-cost", "Host CPU cost" },  { "counters", "Counters per operation" },
		{ "density", "Density" },	   { "noisy", "Noisy neighbours" },
		{ "operations", "Save, restore, move" },
		{ "explain", "Virtualization explained" }, { "flags", "Flags" },
		{ "host", "Host" },		   { "environments", "Environments" },
		{ "unavailable", "Unavailable" },  { "statistics", "Statistics" },
	};
	const json_t *d;
	size_t k;

	fputs("<nav id=\"contents\">\n<h2>Contents</h2>\n<ul>\n", out);
	for (k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		d = json_object_get(sum, ids[k][0]);
		if ((!strcmp(ids[k][0], "density") || !strcmp(ids[k][0], "noisy")) &&
		    (!json_is_object(d) || !json_object_size(d)))
			continue;
		if (!strcmp(ids[k][0], "operations") &&
		    !json_array_size(json_object_get(d, "environments")))
			continue;
		if (!strcmp(ids[k][0], "explain") && !explain)
			continue;
		fprintf(out, "<li><a href=\"#%s\">%s</a></li>\n", ids[k][0], ids[k][1]);
	}
	fputs("</ul>\n</nav>\n", out);
}

static void html_runs(FILE *out, const json_t *sum)
{
	json_t *r, *a;
	size_t i, j;

	fputs("<section id=\"runs\">\n<h2>Runs</h2>\n<table>\n<tr><th>created</th><th>status</th>"
	      "<th>profile</th><th>repetitions</th><th>vbench</th><th>command</th></tr>\n",
	      out);
	json_array_foreach(json_object_get(sum, "runs"), i, r) {
		fputs("<tr><td>", out);
		vb_html_str(out, r, "created", "-");
		fputs("</td><td>", out);
		vb_html_str(out, r, "status", "-");
		fputs("</td><td>", out);
		vb_html_str(out, r, "profile", "-");
		fprintf(out, "</td><td class=\"num\">%" JSON_INTEGER_FORMAT "</td><td>",
			jint(r, "reps"));
		vb_html_str(out, r, "vbench_version", "-");
		fputs("</td><td><code>vbench", out);
		json_array_foreach(json_object_get(r, "command"), j, a) {
			fputc(' ', out);
			vb_html_text(out, json_string_value(a));
		}
		fputs("</code></td></tr>\n", out);
	}
	fputs("</table>\n</section>\n", out);
}

/* ---- overhead tables ---- */

static void overhead_cell(FILE *out, const json_t *sum, const json_t *e, const json_t *w)
{
	const json_t *r = vb_summary_result(sum, vb_json_str(e, "name"), vb_json_str(w, "name"));
	json_t *m = json_object_get(json_object_get(r, "metrics"), vb_json_str(w, "primary_metric")), *ov;
	char a[64], b[64];

	if (!r && !json_is_true(json_object_get(e, "available"))) {
		fputs("<td class=\"note\">unavailable</td>", out);
	} else if (!m) {
		fputs("<td>-</td>", out);
	} else if (!(ov = json_object_get(m, "overhead"))) {
		fprintf(out, "<td class=\"num\">%s ", num(m, "median", b, sizeof(b)));
		vb_html_str(out, m, "unit", "");
		fprintf(out, " (cv %s)</td>", vb_table_fmt_cv(vb_table_num(m, "cv"), a, sizeof(a)));
	} else {
		fprintf(out, "<td%s>%s ", verdict_class(vb_json_str(ov, "verdict")),
			ovh(ov, "ratio", a, sizeof(a)));
		vb_html_text(out, vb_table_fmt_verdict(ov, b, sizeof(b)));
		fprintf(out, "%s</td>", dagger(ov));
	}
}

static void group_row(FILE *out, const json_t *g, const json_t *envs)
{
	json_t *e, *ge;
	char a[64], v[64];
	size_t i;

	fputs("<tr class=\"group\"><td>geometric mean</td><td></td>", out);
	json_array_foreach(envs, i, e) {
		ge = json_object_get(json_object_get(g, "envs"), vb_json_str(e, "name"));
		if (!ge) {
			fputs("<td></td>", out);
			continue;
		}
		fprintf(out, "<td%s>%s ", verdict_class(vb_json_str(ge, "verdict")),
			ovh(ge, "geomean", a, sizeof(a)));
		vb_html_text(out, vb_table_fmt_verdict(ge, v, sizeof(v)));
		fprintf(out, " (%" JSON_INTEGER_FORMAT " workload%s)</td>", jint(ge, "workloads"),
			jint(ge, "workloads") == 1 ? "" : "s");
	}
	fputs("</tr>\n", out);
}

static void overhead_table(FILE *out, const json_t *sum, const json_t *g)
{
	json_t *envs = json_object_get(sum, "environments"), *w, *e;
	size_t i, j;

	fputs("<h3>", out);
	vb_html_text(out, strcmp(vb_json_str(g, "kind"), "all") ? vb_json_str(g, "label") : "All workloads");
	fputs("</h3>\n<div class=\"scroll\"><table class=\"overhead\">\n"
	      "<tr><th>workload</th><th>metric</th>",
	      out);
	json_array_foreach(envs, i, e) {
		fputs("<th>", out);
		vb_html_str(out, e, "name", "");
		fputs("<br><span class=\"note\">", out);
		env_title(out, e);
		fputs("</span></th>", out);
	}
	fputs("</tr>\n", out);
	json_array_foreach(json_object_get(sum, "workloads"), j, w) {
		/* The "all" table holds only the geometric means. */
		if (strcmp(vb_json_str(g, "kind"), vb_json_str(w, "kind")))
			continue;
		fputs("<tr><td>", out);
		vb_html_str(out, w, "name", "");
		fputs("</td><td>", out);
		vb_html_str(out, w, "primary_metric", "");
		fputs("</td>", out);
		json_array_foreach(envs, i, e)
			overhead_cell(out, sum, e, w);
		fputs("</tr>\n", out);
	}
	if (vb_json_str(sum, "baseline"))
		group_row(out, g, envs);
	fputs("</table></div>\n", out);
}

static void html_overhead(FILE *out, const json_t *sum)
{
	json_t *st = json_object_get(sum, "statistics"), *g;
	size_t gi;
	char rule[256];

	fputs("<section id=\"overhead\">\n<h2>Overhead</h2>\n<p>", out);
	if (vb_json_str(sum, "baseline")) {
		fputs("Time per unit of work relative to <strong>", out);
		vb_html_str(out, sum, "baseline", "");
		fprintf(
		    out,
		    "</strong> (x1.00 = no overhead, x2.00 = twice as slow), whether the metric "
		    "is a throughput or a latency: the ratio of medians and its %.0f%% bootstrap "
		    "interval (%" JSON_INTEGER_FORMAT " resamples, seed %" JSON_INTEGER_FORMAT
		    "). %s. "
		    "\xe2\x80\xa0 = indicative (fewer than %" JSON_INTEGER_FORMAT
		    " repetitions). The baseline's cells hold its median and coefficient of "
		    "variation. Group lines: geometric means of the workloads' ratios.",
		    vb_table_num(st, "level") * 100, jint(st, "resamples"), jint(st, "seed"),
		    vb_table_fmt_rule(sum, rule, sizeof(rule)), jint(st, "indicative_below_n"));
	} else {
		fputs("No baseline environment ran: medians only.", out);
	}
	fputs("</p>\n", out);
	json_array_foreach(json_object_get(sum, "groups"), gi, g)
		if (vb_json_str(sum, "baseline") || strcmp(vb_json_str(g, "kind"), "all"))
			overhead_table(out, sum, g);
	fputs("</section>\n", out);
}

/* ---- charts ---- */

/* Chart @c of @charts as a figure: its PNG inline, its title and caption,
 * where its SVG and gnuplot source are. */
static void chart_figure(FILE *out, const json_t *charts, const json_t *c)
{
	fputs("<figure id=\"chart-", out);
	vb_html_str(out, c, "name", "");
	fputs("\">\n<img alt=\"", out);
	vb_html_str(out, c, "title", "");
	/* base64 needs no escaping: A-Z a-z 0-9 + / = only */
	fprintf(out, "\" src=\"data:image/png;base64,%s\">\n<figcaption><strong>",
		vb_json_str(c, "png_base64"));
	vb_html_str(out, c, "title", "");
	fputs("</strong>: ", out);
	vb_html_str(out, c, "caption", "");
	fputs(" <span class=\"note\">(vector version and gnuplot source: <code>", out);
	vb_html_str(out, c, "svg", "");
	fputs("</code>, <code>", out);
	vb_html_str(out, charts, "dir", "charts");
	fputs("/", out);
	vb_html_str(out, c, "name", "");
	fputs(".gp</code>)</span></figcaption>\n</figure>\n", out);
}

/* The overview chart (charts/overview), first after the headline; nothing
 * when the charts were not rendered. */
static void html_overview(FILE *out, const json_t *charts)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(charts, "charts"), i, c)
		if (vb_json_str(c, "png_base64") && !strcmp(vb_json_str(c, "name") ?: "", "overview"))
			chart_figure(out, charts, c);
}

static void html_charts(FILE *out, const json_t *charts)
{
	json_t *c, *n;
	size_t i;

	fputs("<section id=\"charts\">\n<h2>Charts</h2>\n", out);
	if (!charts) {
		fputs("<p class=\"note\">Charts were not rendered for this report.</p>\n", out);
		fputs("</section>\n", out);
		return;
	}
	json_array_foreach(json_object_get(charts, "notes"), i, n) {
		fputs("<p class=\"note\">", out);
		vb_html_text(out, json_string_value(n));
		fputs("</p>\n", out);
	}
	json_array_foreach(json_object_get(charts, "charts"), i, c)
		if (vb_json_str(c, "png_base64") && strcmp(vb_json_str(c, "name") ?: "", "overview"))
			chart_figure(out, charts, c); /* the overview is shown first */
	fputs("</section>\n", out);
}

/* ---- detail tables ---- */

/* The cells of one quantity: n, median, interval, CV, overhead, verdict. */
static void quantity_cells(FILE *out, const json_t *q)
{
	json_t *ov = json_object_get(q, "overhead");
	char a[64], b[32], c[32];

	fprintf(out, "<td class=\"num\">%" JSON_INTEGER_FORMAT "</td><td class=\"num\">%s</td>",
		jint(q, "n"), num(q, "median", b, sizeof(b)));
	if (isfinite(vb_table_num(q, "ci_low")))
		fprintf(out, "<td class=\"num\">[%s, %s]%s</td>", num(q, "ci_low", b, sizeof(b)),
			num(q, "ci_high", c, sizeof(c)), dagger(q));
	else
		fputs("<td>-</td>", out);
	fprintf(out, "<td class=\"num\">%s</td>",
		vb_table_fmt_cv(vb_table_num(q, "cv"), b, sizeof(b)));
	fprintf(out, "<td>%s</td><td%s>", ov ? ovh(ov, "ratio", a, sizeof(a)) : "baseline",
		verdict_class(vb_json_str(ov, "verdict")));
	if (ov)
		vb_html_text(out, vb_table_fmt_verdict(ov, a, sizeof(a)));
	fputs("</td></tr>\n", out);
}

static void name_cells(FILE *out, const char *const *names, size_t n)
{
	size_t i;

	fputs("<tr>", out);
	for (i = 0; i < n; i++) {
		fputs("<td>", out);
		vb_html_text(out, names[i]);
		fputs("</td>", out);
	}
}

static void html_metrics(FILE *out, const json_t *sum)
{
	json_t *e, *w, *m, *q;
	size_t i, j, k;

	fputs("<section id=\"metrics\">\n<h2>Every metric</h2>\n<p>Median, its 95% bootstrap "
	      "interval, coefficient of variation, and the overhead ratio with its interval.</p>\n"
	      "<table>\n<tr><th>environment</th><th>workload</th><th>metric</th><th>unit</th>"
	      "<th>better</th><th>n</th><th>median</th><th>95% interval</th><th>CV</th>"
	      "<th>overhead</th><th>verdict</th></tr>\n",
	      out);
	json_array_foreach(json_object_get(sum, "environments"), i, e)
		json_array_foreach(json_object_get(sum, "workloads"), j, w) {
			const json_t *res =
			    vb_summary_result(sum, vb_json_str(e, "name"), vb_json_str(w, "name"));

			json_array_foreach(json_object_get(w, "metrics"), k, m) {
				const char *names[] = { vb_json_str(e, "name"), vb_json_str(w, "name"),
							vb_json_str(m, "name"), vb_json_str(m, "unit"),
							vb_json_str(m, "better") };

				q = json_object_get(json_object_get(res, "metrics"), names[2]);
				if (!q)
					continue;
				name_cells(out, names, 5);
				quantity_cells(out, q);
			}
		}
	fputs("</table>\n</section>\n", out);
}

static void html_host_cost(FILE *out, const json_t *sum)
{
	json_t *r, *hc;
	size_t i;

	fputs("<section id=\"host-cost\">\n<h2>Host CPU cost per unit of work</h2>\n<p>Host CPU "
	      "seconds consumed by the environment (its cgroup) per operation of the workload, "
	      "and its ratio to the baseline: the figure capacity planning needs.</p>\n<table>\n"
	      "<tr><th>environment</th><th>workload</th><th>n</th><th>host CPU s/op</th>"
	      "<th>95% interval</th><th>CV</th><th>ratio</th><th>verdict</th></tr>\n",
	      out);
	json_array_foreach(json_object_get(sum, "results"), i, r) {
		const char *names[] = { vb_json_str(r, "env"), vb_json_str(r, "workload") };

		hc = json_object_get(r, "host_cost");
		name_cells(out, names, 2);
		if (json_is_false(json_object_get(hc, "available"))) {
			fputs("<td>-</td><td colspan=\"5\" class=\"note\">unavailable: ", out);
			vb_html_str(out, hc, "reason", "");
			fputs("</td></tr>\n", out);
		} else {
			quantity_cells(out, hc);
		}
	}
	fputs("</table>\n</section>\n", out);
}

static void html_counters(FILE *out, const json_t *sum)
{
	json_t *r, *q;
	const char *name;
	size_t i, rows = 0;

	fputs("<section id=\"counters\">\n<h2>Counters per operation</h2>\n<p>Every available "
	      "counter divided by the repetition's operations; unavailable counters are listed "
	      "under Unavailable, never shown as zero.</p>\n<table>\n<tr><th>environment</th>"
	      "<th>workload</th><th>counter</th><th>n</th><th>per op</th><th>95% interval</th>"
	      "<th>CV</th><th>ratio</th><th>verdict</th></tr>\n",
	      out);
	json_array_foreach(json_object_get(sum, "results"), i, r)
		json_object_foreach(json_object_get(r, "counters"), name, q) {
			const char *names[] = { vb_json_str(r, "env"), vb_json_str(r, "workload"), name };

			if (!json_is_true(json_object_get(q, "available")))
				continue;
			name_cells(out, names, 3);
			quantity_cells(out, q);
			rows++;
		}
	if (!rows)
		fputs("<tr><td colspan=\"9\" class=\"note\">no counter was available</td></tr>\n",
		      out);
	fputs("</table>\n</section>\n", out);
}

void vb_html_page_start(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>",
	      out);
	vb_html_text(out, title);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

void vb_report_html(const json_t *sum, const json_t *charts, const json_t *explain, FILE *out)
{
	vb_html_page_start(out, "vbench report");
	fputs("<h1>vbench report</h1>\n", out);
	html_headline(out, sum);
	html_overview(out, charts);
	html_warnings(out, sum);
	html_contents(out, sum, explain);
	html_overhead(out, sum);
	html_runs(out, sum);
	html_charts(out, charts);
	html_metrics(out, sum);
	html_host_cost(out, sum);
	html_counters(out, sum);
	vb_html_density(out, sum, charts);
	vb_html_noisy(out, sum, charts);
	vb_html_ops(out, sum, charts);
	vb_html_explain(out, explain);
	vb_html_flags(out, sum);
	vb_html_host(out, sum);
	vb_html_envs(out, sum);
	vb_html_unavailable(out, sum);
	vb_html_statistics(out, sum);
	fputs("</body>\n</html>\n", out);
}
