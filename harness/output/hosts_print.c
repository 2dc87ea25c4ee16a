/*
 * hosts_print.c - the fleet report's Markdown (fleet-report.md, and the
 * terminal through mdterm) and CSV (fleet.csv) from a fleet summary
 * (analysis/hosts.h); only formatting.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analysis/hosts.h"
#include "harness/analysis/verdict.h"
#include "harness/output/hosts_print.h"
#include "harness/output/html_int.h"
#include "harness/output/table.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "lib/util.h"

static const char *const kinds[] = { "all", "cpu", "mem", "io", "net", "app" };
static const char *const kind_labels[] = { "all", "CPU", "memory", "disk I/O", "network",
					   "applications" };
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *const fact_keys[] = {
#define FACT_KEY(id, label) #id,
	VB_HOSTS_FACTS(FACT_KEY)
#undef FACT_KEY
};
static const char *const fact_labels[] = {
#define FACT_LABEL(id, label) label,
	VB_HOSTS_FACTS(FACT_LABEL)
#undef FACT_LABEL
};
#define NFACTS (sizeof(fact_keys) / sizeof(fact_keys[0]))

static const char *fact_label(const char *key)
{
	for (size_t i = 0; i < NFACTS; i++)
		if (!strcmp(fact_keys[i], key))
			return fact_labels[i];
	return key;
}

/* "p 0.003", "p < 0.001". */
static char *fmt_p(double p, char *buf, size_t len)
{
	if (!isfinite(p))
		snprintf(buf, len, "p -");
	else if (p < 0.001)
		snprintf(buf, len, "p < 0.001");
	else
		snprintf(buf, len, "p %.3f", p);
	return buf;
}

/* ---- one report, two forms: Markdown or HTML ---- */

typedef struct em {
	FILE *out;
	int html;
} em_t;

/* Text from the document, escaped for the form. */
static void txt(const em_t *e, const char *s)
{
	(e->html ? vb_html_text : vb_text_put_md)(e->out, s);
}

/* Text of our own (numbers, "p < 0.001"): as is in Markdown, escaped in HTML. */
static void own(const em_t *e, const char *s)
{
	if (e->html)
		vb_html_text(e->out, s);
	else
		fputs(s, e->out);
}

/* Markup of our own: @md or @html. */
static void mk(const em_t *e, const char *md, const char *html)
{
	fputs(e->html ? html : md, e->out);
}

static void heading(const em_t *e, int level, const char *title, const char *intro)
{
	if (e->html)
		fprintf(e->out, "<h%d>%s</h%d>\n", level, title, level);
	else
		fprintf(e->out, "\n%s %s\n", level == 2 ? "##" : "###", title);
	if (intro)
		fprintf(e->out, e->html ? "<p>%s</p>\n" : "\n%s\n", intro);
}

/* A table's header row of @n fixed columns (then the environments' names,
 * @envs, when given) and its start. */
static void thead(const em_t *e, const char *const *cols, size_t n, const json_t *envs)
{
	const json_t *v;
	size_t i, j;

	mk(e, "\n|", "<table>\n<tr>");
	for (i = 0; i < n; i++)
		fprintf(e->out, e->html ? "<th>%s</th>" : " %s |", cols[i]);
	json_array_foreach (envs, j, v) {
		mk(e, " ", "<th>");
		txt(e, vb_json_text(v, "name"));
		mk(e, " |", "</th>");
	}
	mk(e, "\n|", "</tr>\n");
	if (!e->html) {
		for (i = 0; i < n + json_array_size(envs); i++)
			fputs("---|", e->out);
		fputc('\n', e->out);
	}
}

static void row(const em_t *e, int end)
{
	if (end)
		mk(e, "\n", "</tr>\n");
	else
		mk(e, "|", "<tr>");
}

/* A cell: @s from the document (@esc) or our own text (numbers, words). */
static void cell(const em_t *e, const char *s, int esc)
{
	mk(e, " ", "<td>");
	(esc ? txt : own)(e, s);
	mk(e, " |", "</td>");
}

static void tend(const em_t *e)
{
	mk(e, "", "</table>\n");
}

/* The facts that go with the difference of @sp (a spread), as text. */
static void goes_with(const em_t *e, const json_t *sp)
{
	const json_t *f, *facts = json_object_get(sp, "facts");
	size_t i, n = 0;
	char p[32];

	json_array_foreach (facts, i, f) {
		const json_t *g;
		size_t j, k;
		char r[32];

		if (!json_is_true(json_object_get(f, "goes_with")) ||
		    json_array_size(json_object_get(f, "same_split_as")))
			continue; /* named with the first fact of its split */
		fprintf(e->out, "%s%s", n++ ? "; " : "; it goes with ",
			fact_label(vb_json_text(f, "fact")));
		json_array_foreach (facts, j, g) {
			const json_t *same;

			json_array_foreach (json_object_get(g, "same_split_as"), k, same)
				if (!strcmp(json_string_value(same), vb_json_text(f, "fact")))
					fprintf(e->out, " and %s", fact_label(vb_json_text(g, "fact")));
		}
		fputs(" (", e->out);
		own(e, fmt_p(vb_json_num(f, "p"), p, sizeof(p)));
		json_array_foreach (json_object_get(f, "groups"), k, g) {
			fputs(k ? ", " : ": ", e->out);
			txt(e, vb_json_text(g, "value"));
			fprintf(e->out, " %s", vb_table_fmt_ratio(vb_json_num(g, "geomean"), r, sizeof(r)));
		}
		fputc(')', e->out);
	}
	json_array_foreach (facts, i, f)
		if (json_array_size(json_object_get(f, "same_split_as")) &&
		    json_is_true(json_object_get(f, "goes_with"))) {
			fputs(" (facts that split the hosts the same way cannot be told apart)", e->out);
			break;
		}
	if (!n && !strcmp(vb_json_text(sp, "verdict"), "hosts differ"))
		fputs("; no host fact vbench records goes with it", e->out);
}

/* One headline item: environment @env's spread over all its workloads. */
static void headline_item(const em_t *e, const json_t *env)
{
	const json_t *sp = json_object_get(json_object_get(env, "kinds"), "all"), *o;
	char a[32], b[32], c[32], p[32];
	size_t i;

	mk(e, "- **", "<li><strong>");
	txt(e, vb_json_text(env, "name"));
	mk(e, "**: ", "</strong>: ");
	if (!sp) {
		mk(e, "no overhead on any host\n", "no overhead on any host</li>\n");
		return;
	}
	if (vb_json_num(sp, "hosts") < 2) {
		fprintf(e->out, "%s on one host (",
			vb_table_fmt_ratio(vb_json_num(sp, "median"), a, sizeof(a)));
		txt(e, vb_json_text(sp, "min_host"));
		mk(e, "): one host cannot show a spread\n", "): one host cannot show a spread</li>\n");
		return;
	}
	fprintf(e->out, "%s, the median of %.0f hosts, from %s (",
		vb_table_fmt_ratio(vb_json_num(sp, "median"), a, sizeof(a)), vb_json_num(sp, "hosts"),
		vb_table_fmt_ratio(vb_json_num(sp, "min"), b, sizeof(b)));
	txt(e, vb_json_text(sp, "min_host"));
	fprintf(e->out, ") to %s (", vb_table_fmt_ratio(vb_json_num(sp, "max"), c, sizeof(c)));
	txt(e, vb_json_text(sp, "max_host"));
	mk(e, "); **", "); <strong>");
	fputs(vb_json_text(sp, "verdict"), e->out); /* one of hosts.c's three phrases */
	mk(e, "**", "</strong>");
	fprintf(e->out, " (Q %.1f, ", vb_json_num(sp, "q"));
	own(e, fmt_p(vb_json_num(sp, "p"), p, sizeof(p)));
	fprintf(e->out, ", I² %.0f%%)", 100 * vb_json_num(sp, "i2"));
	goes_with(e, sp);
	json_array_foreach (json_object_get(sp, "outliers"), i, o) {
		fputs(i ? ", " : "; outlier: ", e->out);
		txt(e, vb_json_text(o, "host"));
		fprintf(e->out, " (z %.1f)", vb_json_num(o, "z"));
	}
	mk(e, "\n", "</li>\n");
}

static void hosts_table(const em_t *e, const json_t *fleet)
{
	const char *cols[2 + NFACTS + 1] = { "host", "class" };
	const json_t *h;
	size_t i, f;

	for (f = 0; f < NFACTS; f++)
		cols[2 + f] = fact_labels[f];
	cols[2 + NFACTS] = "run";
	heading(e, 2, "Hosts", NULL);
	thead(e, cols, 2 + NFACTS + 1, NULL);
	json_array_foreach (json_object_get(fleet, "hosts"), i, h) {
		row(e, 0);
		cell(e, vb_json_text(h, "name"), 1);
		cell(e, vb_json_text(h, "class"), 1);
		for (f = 0; f < NFACTS; f++)
			cell(e, vb_json_text(json_object_get(h, "facts"), fact_keys[f]), 1);
		cell(e, vb_json_text(h, "status"), 1);
		row(e, 1);
	}
	tend(e);
}

/* @buf (a cell of @v) with the repetitions it rests on appended
 * (", 10 reps"; the fewest of its workloads' per environment). */
static char *with_reps(const json_t *v, char *buf, size_t len)
{
	double n = round(vb_json_num(v, "reps"));
	size_t l = strlen(buf);

	if (isfinite(n) && n > 0 && l < len)
		snprintf(buf + l, len - l, ", %.0f rep%s", n, n == 1 ? "" : "s");
	return buf;
}

/* Per host, the overhead of each environment in group @kind. */
static void overhead_table(const em_t *e, const json_t *fleet, size_t kind)
{
	static const char *const cols[] = { "host" };
	const json_t *envs = json_object_get(fleet, "environments"), *h, *env;
	size_t i, j, any = 0;
	char buf[160];

	json_array_foreach (envs, j, env)
		any += json_object_get(json_object_get(env, "kinds"), kinds[kind]) != NULL;
	if (!any)
		return;
	heading(e, 3, kind ? kind_labels[kind] : "All workloads", NULL);
	thead(e, cols, 1, envs);
	json_array_foreach (json_object_get(fleet, "hosts"), i, h) {
		row(e, 0);
		cell(e, vb_json_text(h, "name"), 1);
		json_array_foreach (envs, j, env) {
			const json_t *v = json_object_get(
			    json_object_get(json_object_get(h, "environments"), vb_json_text(env, "name")),
			    kinds[kind]);

			cell(e, v ? with_reps(v, vb_table_fmt_geomean(v, 1, buf, sizeof(buf)), sizeof(buf))
				  : "-",
			     0);
		}
		row(e, 1);
	}
	tend(e);
}

static void spread_table(const em_t *e, const json_t *fleet)
{
	static const char *const cols[] = { "environment", "group", "hosts", "median", "range",
					    "Q", "p", "I²", "verdict" };
	const json_t *env;
	size_t i, k;
	char a[32], b[32], p[32], q[32], i2[32], range[80];

	heading(e, 2, "Spread across hosts",
		"Per environment and group: the median of the hosts' overheads, their range, "
		"Cochran's Q with its p (small: the hosts differ more than their own intervals "
		"explain), I² (the share of the spread beyond the intervals) and the verdict.");
	thead(e, cols, VB_ARRAY_SIZE(cols), NULL);
	json_array_foreach (json_object_get(fleet, "environments"), i, env)
		for (k = 0; k < NKINDS; k++) {
			const json_t *sp = json_object_get(json_object_get(env, "kinds"), kinds[k]);
			double qv = vb_json_num(sp, "q"), iv = vb_json_num(sp, "i2");

			if (!sp)
				continue;
			snprintf(q, sizeof(q), isfinite(qv) ? "%.1f" : "-", qv);
			snprintf(i2, sizeof(i2), isfinite(iv) ? "%.0f%%" : "-", 100 * iv);
			fmt_p(vb_json_num(sp, "p"), p, sizeof(p));
			snprintf(range, sizeof(range), "%s to %s",
				 vb_table_fmt_ratio(vb_json_num(sp, "min"), a, sizeof(a)),
				 vb_table_fmt_ratio(vb_json_num(sp, "max"), b, sizeof(b)));
			row(e, 0);
			cell(e, vb_json_text(env, "name"), 1);
			cell(e, kind_labels[k], 0);
			snprintf(a, sizeof(a), "%.0f", vb_json_num(sp, "hosts"));
			cell(e, a, 0);
			cell(e, vb_table_fmt_ratio(vb_json_num(sp, "median"), b, sizeof(b)), 0);
			cell(e, range, 0);
			cell(e, q, 0);
			cell(e, p + 2, 0);
			cell(e, i2, 0);
			cell(e, vb_json_text(sp, "verdict"), 1);
			row(e, 1);
		}
	tend(e);
}

static void classes_table(const em_t *e, const json_t *fleet)
{
	static const char *const cols[] = { "class", "CPU model", "kernel", "hosts" };
	const json_t *envs = json_object_get(fleet, "environments"), *c, *env, *h;
	size_t i, j, k;
	char buf[160], v[64], all[256];

	heading(e, 2, "Classes",
		"Hosts of the same CPU model and kernel release.  A class's overhead is pooled "
		"over its hosts (random effects: the spread between them widens the interval).");
	thead(e, cols, VB_ARRAY_SIZE(cols), envs);
	json_array_foreach (json_object_get(fleet, "classes"), i, c) {
		row(e, 0);
		cell(e, vb_json_text(c, "name"), 1);
		cell(e, vb_json_text(c, "cpu"), 1);
		cell(e, vb_json_text(c, "kernel"), 1);
		mk(e, " ", "<td>");
		json_array_foreach (json_object_get(c, "hosts"), k, h) {
			fputs(k ? ", " : "", e->out);
			txt(e, json_string_value(h));
		}
		mk(e, " |", "</td>");
		json_array_foreach (envs, j, env) {
			const json_t *o = json_object_get(
			    json_object_get(json_object_get(c, "environments"), vb_json_text(env, "name")),
			    "all");

			if (o)
				snprintf(all, sizeof(all), "%s %s%s",
					 vb_table_fmt_overhead(vb_json_num(o, "geomean"),
							       vb_json_num(o, "ci_low"),
							       vb_json_num(o, "ci_high"), buf, sizeof(buf)),
					 vb_table_fmt_verdict(o, v, sizeof(v)),
					 json_is_true(json_object_get(o, "hosts_differ"))
					     ? ", its hosts differ"
					     : "");
			cell(e, o ? all : "-", 0);
		}
		row(e, 1);
	}
	tend(e);
}

static void report(const em_t *e, const json_t *fleet)
{
	const json_t *env;
	size_t i, k, nh = json_array_size(json_object_get(fleet, "hosts"));
	size_t nc = json_array_size(json_object_get(fleet, "classes"));
	char rule[256];

	mk(e, "# vbench fleet report\n\n", "<h1>vbench fleet report</h1>\n<p>");
	fprintf(e->out, "%zu host%s in %zu class%s, each against ", nh, nh == 1 ? "" : "s", nc,
		nc == 1 ? "" : "es");
	txt(e, vb_json_text(fleet, "baseline"));
	fputs(" on the same host.  An overhead is the time per unit of work relative to that "
	      "baseline (x1.10: 10% slower), the geometric mean of the workloads with its 95% "
	      "interval and verdict.",
	      e->out);
	mk(e, "\n", "</p>\n");
	heading(e, 2, "Headline", NULL);
	mk(e, "\n", "<ul>\n");
	json_array_foreach (json_object_get(fleet, "environments"), i, env)
		headline_item(e, env);
	if (!json_array_size(json_object_get(fleet, "environments")))
		mk(e, "- no environment beside the baseline\n",
		   "<li>no environment beside the baseline</li>\n");
	mk(e, "", "</ul>\n");
	hosts_table(e, fleet);
	heading(e, 2, "Overhead per host", NULL);
	for (k = 0; k < NKINDS; k++)
		overhead_table(e, fleet, k);
	spread_table(e, fleet);
	classes_table(e, fleet);
	vb_verdict_rule_line(isfinite(vb_json_num(fleet, "margin")) ? vb_json_num(fleet, "margin")
							     : VB_VERDICT_MARGIN,
			     NULL, rule, sizeof(rule));
	mk(e, "\n", "<p class=\"note\">");
	fprintf(e->out, "Hosts differ when Q's p is below %.2f; a host is an outlier when it lies "
		"more than %.0f standard errors from the others.  Per host: ",
		vb_json_num(fleet, "alpha"), vb_json_num(fleet, "outlier_z"));
	own(e, rule);
	mk(e, "\n", "</p>\n");
}

void vb_hosts_md(const json_t *fleet, FILE *out)
{
	em_t e = { .out = out, .html = 0 };

	report(&e, fleet);
}

void vb_hosts_html(const json_t *fleet, const json_t *charts, FILE *out)
{
	em_t e = { .out = out, .html = 1 };

	vb_html_page_start(out, "vbench fleet report");
	report(&e, fleet);
	fputs("<h2>Chart</h2>\n", out);
	vb_html_chart_figures(out, charts, "fleet report");
	fputs("</body>\n</html>\n", out);
}

/* A CSV number: 6 significant digits, empty when not finite. */
static char *num(double v, char *buf, size_t len)
{
	if (isfinite(v))
		snprintf(buf, len, "%.6g", v);
	else
		buf[0] = '\0';
	return buf;
}

void vb_hosts_csv(const json_t *fleet, FILE *out)
{
	const json_t *h, *e;
	size_t i, j, k, f;

	fputs("host,class", out);
	for (f = 0; f < NFACTS; f++)
		fprintf(out, ",%s", fact_keys[f]);
	fputs(",environment,group,overhead,ci_low,ci_high,verdict,reps\n", out);
	json_array_foreach (json_object_get(fleet, "hosts"), i, h)
		json_array_foreach (json_object_get(fleet, "environments"), j, e)
			for (k = 0; k < NKINDS; k++) {
				const json_t *v = json_object_get(
				    json_object_get(json_object_get(h, "environments"),
						    vb_json_text(e, "name")),
				    kinds[k]);
				char a[32], b[32], c[32];

				if (!v)
					continue;
				vb_text_put_csv(out, vb_json_text(h, "name"));
				fputc(',', out);
				vb_text_put_csv(out, vb_json_text(h, "class"));
				for (f = 0; f < NFACTS; f++) {
					fputc(',', out);
					vb_text_put_csv(out, vb_json_text(json_object_get(h, "facts"),
									  fact_keys[f]));
				}
				fputc(',', out);
				vb_text_put_csv(out, vb_json_text(e, "name"));
				fprintf(out, ",%s,%s,%s,%s,%s,%.0f\n", kinds[k],
					num(vb_json_num(v, "geomean"), a, sizeof(a)),
					num(vb_json_num(v, "ci_low"), b, sizeof(b)),
					num(vb_json_num(v, "ci_high"), c, sizeof(c)),
					vb_json_text(v, "verdict"), vb_json_num(v, "reps"));
			}
}
