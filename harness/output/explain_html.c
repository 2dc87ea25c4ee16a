/*
 * explain_html.c - the explanation of a run as a section of report.html
 * (report_html_int.h): the two axes of virtualization, this run's
 * environments on them, and every claim with its verdict and the numbers
 * that decide it.  Only formats what vb_explain_build returned.
 *
 * The fixed text on the axes is the one explain.md shows
 * (vb_explain_axes_md), turned into HTML line by line here: it is vbench's
 * own text with a handful of Markdown forms ("## ", "- ", "|" tables,
 * **bold**, *italic*, "\|"), not a general Markdown renderer.  Every string
 * from the explanation (names, reasons, notes from run.json) is escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/explain.h"
#include "harness/analysis/verdict.h"
#include "harness/output/html_int.h"
#include "harness/output/table.h"
#include "lib/json.h"

/* ---- the fixed text ---- */

/* @n bytes of one line of the fixed text: **x** and *x* as <strong>/<em>, "\|" as "|". */
static void inline_md(FILE *out, const char *s, size_t n)
{
	int strong = 0, em = 0;
	char one[2] = "";
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			fputs(strong ? "</strong>" : "<strong>", out);
			strong = !strong;
			i++;
		} else if (s[i] == '*') {
			fputs(em ? "</em>" : "<em>", out);
			em = !em;
		} else if (s[i] != '\\' || i + 1 >= n || s[i + 1] != '|') {
			one[0] = s[i];
			vb_html_text(out, one);
		}
	}
}

/* One table row "| a | b |" as <tr>, header cells when @th. */
static void table_row(FILE *out, const char *s, size_t n, int th)
{
	const char *end = s + n, *c = s + 1, *bar;

	fputs("<tr>", out);
	while (c < end) {
		for (bar = c; bar < end && (*bar != '|' || bar[-1] == '\\'); bar++)
			;
		if (bar >= end)
			break;
		while (c < bar && *c == ' ')
			c++;
		fputs(th ? "<th>" : "<td>", out);
		inline_md(out, c, (size_t)(bar - c) - (bar > c && bar[-1] == ' '));
		fputs(th ? "</th>" : "</td>", out);
		c = bar + 1;
	}
	fputs("</tr>\n", out);
}

static void axes(FILE *out)
{
	const char *s = vb_explain_axes_md, *nl;
	int list = 0, table = 0;
	size_t n;

	for (; *s; s = nl ? nl + 1 : s + n) {
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		if (list && strncmp(s, "- ", 2))
			fputs("</ul>\n", out), list = 0;
		if (table && *s != '|')
			fputs("</table>\n", out), table = 0;
		if (!n)
			continue;
		if (!strncmp(s, "## ", 3)) {
			fputs("<h3>", out);
			inline_md(out, s + 3, n - 3);
			fputs("</h3>\n", out);
		} else if (!strncmp(s, "- ", 2)) {
			fputs(list ? "<li>" : "<ul>\n<li>", out);
			list = 1;
			inline_md(out, s + 2, n - 2);
			fputs("</li>\n", out);
		} else if (*s == '|') {
			if (!strncmp(s, "|---", 4))
				continue;
			if (!table)
				fputs("<table>\n", out);
			table_row(out, s, n, !table);
			table = 1;
		} else {
			fputs("<p>", out);
			inline_md(out, s, n);
			fputs("</p>\n", out);
		}
	}
	if (list)
		fputs("</ul>\n", out);
	if (table)
		fputs("</table>\n", out);
}

/* ---- the run's part ---- */

static void environments(FILE *out, const json_t *x)
{
	const json_t *e;
	size_t i;
	char *text;

	fputs("<h3>The environments of this run</h3>\n<table>\n<tr><th>environment</th>"
	      "<th>architecture</th><th>mechanism</th><th>measured</th></tr>\n",
	      out);
	json_array_foreach (json_object_get(x, "environments"), i, e) {
		fputs("<tr><td>", out);
		vb_html_text(out, vb_json_text(e, "name"));
		fputs("</td><td>", out);
		vb_html_text(out, vb_json_text(e, "architecture"));
		fputs("</td><td>", out);
		vb_html_text(out, vb_json_text(e, "mechanism"));
		if (json_is_true(json_object_get(e, "measured"))) {
			fputs("</td><td>yes</td></tr>\n", out);
		} else {
			fputs("</td><td class=\"note\">no: ", out);
			vb_html_text(out, vb_json_text(e, "reason"));
			fputs("</td></tr>\n", out);
		}
	}
	fputs("</table>\n", out);
	/* the unavailable ones once, with their reasons, in no table */
	text = vb_table_unavailable_envs(json_object_get(x, "unavailable"));
	if (text) {
		fputs("<p class=\"note\">", out);
		vb_html_text(out, text);
		fputs("</p>\n", out);
		free(text);
	}
}

/* The CSS class of a claim's or test's verdict. */
static const char *verdict_class(const char *v)
{
	return !strcmp(v, VB_EXPLAIN_HOLDS) ? " class=\"faster\""
	       : !strcmp(v, VB_EXPLAIN_NOT) ? " class=\"slower\""
					    : "";
}

static void claim(FILE *out, const json_t *c)
{
	const json_t *t, *n;
	char buf[256];
	size_t i;

	fprintf(out, "<h3 id=\"claim-%lld\">%lld. ",
		(long long)json_integer_value(json_object_get(c, "id")),
		(long long)json_integer_value(json_object_get(c, "id")));
	vb_html_text(out, vb_json_text(c, "claim"));
	fprintf(out, ": <span%s>", verdict_class(vb_json_text(c, "verdict")));
	vb_html_text(out, vb_json_text(c, "verdict"));
	fprintf(out, "</span>%s</h3>\n",
		json_is_true(json_object_get(c, "partial")) ? " (where it could be tested)" : "");
	if (json_array_size(json_object_get(c, "tests"))) {
		fputs("<table>\n<tr><th>environment</th><th>quantity</th><th>value [95% "
		      "interval]</th><th>rule</th><th>verdict</th></tr>\n",
		      out);
		json_array_foreach (json_object_get(c, "tests"), i, t) {
			fputs("<tr><td>", out);
			vb_html_text(out, vb_json_text(t, "env"));
			fputs("</td><td>", out);
			vb_html_text(out, vb_json_text(t, "what"));
			fputs("</td><td class=\"num\">", out);
			vb_html_text(out, vb_explain_fmt_value(t, buf, sizeof(buf)));
			fputs("</td><td>", out);
			vb_html_text(out, vb_json_text(t, "rule"));
			fprintf(out, "</td><td%s>", verdict_class(vb_json_text(t, "verdict")));
			vb_html_text(out, vb_json_text(t, "verdict"));
			fputs("</td></tr>\n", out);
		}
		fputs("</table>\n", out);
	}
	if (!json_array_size(json_object_get(c, "notes")))
		return;
	fputs("<ul>\n", out);
	json_array_foreach (json_object_get(c, "notes"), i, n) {
		fputs("<li>", out);
		vb_html_text(out, json_string_value(n));
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
}

void vb_html_explain(FILE *out, const json_t *x)
{
	const json_t *c, *w;
	char rule[256];
	size_t i;

	if (!x)
		return;
	fputs("<section id=\"explain\">\n<h2>Virtualization explained with this run</h2>\n"
	      "<p class=\"note\">What <code>vbench explain</code> writes to explain.md "
	      "(docs/explain.md has the thresholds).</p>\n",
	      out);
	axes(out);
	environments(out, x);
	vb_verdict_rule_line(vb_explain_margin(x), NULL, rule, sizeof(rule));
	fputs("<h3>Claims, judged on this run</h3>\n<p>Intervals are 95% bootstrap intervals; "
	      "\xe2\x80\xa0 marks one from fewer than 10 repetitions (indicative only). Ratios: "
	      "x1.00 is bare metal's speed, x2.00 twice the time per unit of work. Ratio ",
	      out);
	vb_html_text(out, rule);
	fputs(".</p>\n", out);
	json_array_foreach (json_object_get(x, "claims"), i, c)
		claim(out, c);
	if (json_array_size(json_object_get(x, "warnings"))) {
		fputs("<h3>Caveats of this run</h3>\n<ul>\n", out);
		json_array_foreach (json_object_get(x, "warnings"), i, w) {
			fputs("<li>", out);
			vb_html_text(out, json_string_value(w));
			fputs("</li>\n", out);
		}
		fputs("</ul>\n", out);
	}
	fputs("</section>\n", out);
}
