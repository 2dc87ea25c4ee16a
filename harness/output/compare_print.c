/*
 * report_compare.c - the printers of a comparison (compare.h): the terminal
 * table of `vbench compare` and compare.md.  Formatting only: every number
 * comes from the "vbench-compare" document built by compare.c.
 */
#include "harness/analysis/compare.h"

#include <math.h>
#include <string.h>

#include "harness/output/table.h"
#include "lib/textsafe.h"

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* "+30.1%" of a change in percent; "-" when it does not exist. */
static const char *fmt_change(double pct, char *buf, size_t len)
{
	if (!isfinite(pct))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", pct);
	return buf;
}

/* "[+25.3%, +35.1%]" of the ratio's interval; "-" without one. */
static const char *fmt_interval(const json_t *r, char *buf, size_t len)
{
	double lo = vb_table_num(r, "ci_low"), hi = vb_table_num(r, "ci_high");

	if (!isfinite(lo) || !isfinite(hi))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "[%+.1f%%, %+.1f%%]", (lo - 1) * 100, (hi - 1) * 100);
	return buf;
}

static const char *fmt_p(const json_t *r, char *buf, size_t len)
{
	double p = vb_table_num(r, "p");

	if (!isfinite(p))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.4f", p);
	return buf;
}

/* A median with its unit, "-" when that side has none. */
static const char *fmt_median(const json_t *r, const char *key, char *buf, size_t len)
{
	char n[32];

	if (!isfinite(vb_table_num(r, key)))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s %s", vb_table_fmt_num(vb_table_num(r, key), n, sizeof(n)),
			 jstr(r, "unit") ?: "");
	return buf;
}

/* The verdict as printed: a significant regression stands out. */
static const char *fmt_verdict(const json_t *r)
{
	const char *v = jstr(r, "verdict") ?: "";

	if (strcmp(jstr(r, "status") ?: "", "ok"))
		return jstr(r, "status");
	return !strcmp(v, "worse") ? "WORSE" : v;
}

/* The cells of row @r, in column order. */
#define NCOL 9
static void cells(const json_t *r, char c[NCOL][96])
{
	snprintf(c[0], 96, "%s", jstr(r, "env") ?: "");
	snprintf(c[1], 96, "%s", jstr(r, "workload") ?: "");
	snprintf(c[2], 96, "%s", jstr(r, "metric") ?: "");
	fmt_median(r, "median_a", c[3], 96);
	fmt_median(r, "median_b", c[4], 96);
	fmt_change(vb_table_num(r, "change_pct"), c[5], 96);
	fmt_interval(r, c[6], 96);
	fmt_p(r, c[7], 96);
	snprintf(c[8], 96, "%s", fmt_verdict(r));
}

static void run_line(FILE *out, const char *tag, const json_t *f)
{
	fprintf(out, "%s: %s  (%s, %s, kernel %s, vbench %s, profile %s)\n", tag,
		jstr(f, "dir") ?: "?", jstr(f, "created") ?: "?", jstr(f, "cpu_brand") ?: "?",
		jstr(f, "kernel_release") ?: "?", jstr(f, "vbench_version") ?: "?",
		jstr(f, "profile") ?: "?");
}

static void counts_line(FILE *out, const json_t *cmp)
{
	json_t *c = json_object_get(cmp, "counts");

	fprintf(out,
		"%zu metrics: %" JSON_INTEGER_FORMAT " significantly worse, %" JSON_INTEGER_FORMAT
		" significantly better, %" JSON_INTEGER_FORMAT
		" without significant change, %" JSON_INTEGER_FORMAT
		" undecided (too few repetitions or no data), %" JSON_INTEGER_FORMAT
		" in one run only\n",
		json_array_size(json_object_get(cmp, "rows")),
		json_integer_value(json_object_get(c, "worse")),
		json_integer_value(json_object_get(c, "better")),
		json_integer_value(json_object_get(c, "unchanged")),
		json_integer_value(json_object_get(c, "undecided")),
		json_integer_value(json_object_get(c, "one_run_only")));
}

static void rule_text(FILE *out, const json_t *cmp)
{
	json_t *st = json_object_get(cmp, "statistics");

	fprintf(out,
		"change: time per unit of work of B relative to A (+ = worse, whatever the "
		"metric's direction),\nwith the %.0f%% bootstrap interval of the ratio of "
		"medians; significant: permutation test\non the repetitions p < %g and |change| "
		"> %g%% (Firecracker's A/B rule).\n",
		vb_table_num(st, "level") * 100, vb_table_num(st, "alpha"),
		vb_table_num(st, "threshold") * 100);
}

void vb_compare_print(const json_t *cmp, FILE *out)
{
	static const char *const head[NCOL] = { "env",	    "workload", "metric",
						"median A", "median B", "change",
						"interval", "p",	"verdict" };
	size_t w[NCOL], i, k;
	char c[NCOL][96];
	json_t *r, *d;

	run_line(out, "A", json_object_get(cmp, "a"));
	run_line(out, "B", json_object_get(cmp, "b"));
	json_array_foreach(json_object_get(cmp, "differences"), i, d)
		fprintf(out, "%s%s\n", i ? "  " : "differences:\n  ", json_string_value(d));
	if (!json_array_size(json_object_get(cmp, "differences")))
		fputs("same CPU, kernel, vbench and environment versions\n", out);
	fputc('\n', out);
	rule_text(out, cmp);
	for (k = 0; k < NCOL; k++)
		w[k] = strlen(head[k]);
	json_array_foreach(json_object_get(cmp, "rows"), i, r) {
		cells(r, c);
		for (k = 0; k < NCOL; k++)
			w[k] = strlen(c[k]) > w[k] ? strlen(c[k]) : w[k];
	}
	fputc('\n', out);
	for (k = 0; k < NCOL; k++)
		fprintf(out, "%-*s%s", k + 1 < NCOL ? (int)w[k] : 0, head[k],
			k + 1 < NCOL ? "  " : "\n");
	json_array_foreach(json_object_get(cmp, "rows"), i, r) {
		cells(r, c);
		for (k = 0; k < NCOL; k++)
			fprintf(out, k >= 3 && k <= 7 ? "%*s%s" : "%-*s%s",
				k + 1 < NCOL ? (int)w[k] : 0, c[k], k + 1 < NCOL ? "  " : "\n");
	}
	fputc('\n', out);
	counts_line(out, cmp);
}

/* Text in a Markdown table cell (textsafe.h). */
static void md_text(FILE *out, const char *s)
{
	vb_text_put_md(out, s);
}

void vb_compare_md(const json_t *cmp, FILE *out)
{
	static const char *const facts[] = {
		"dir", "created", "cpu_brand", "kernel_release", "vbench_version", "profile"
	};
	json_t *a = json_object_get(cmp, "a"), *b = json_object_get(cmp, "b"), *r, *d;
	char c[NCOL][96];
	size_t i, k;

	fputs("# vbench compare\n\n| | A | B |\n|---|---|---|\n", out);
	for (k = 0; k < sizeof(facts) / sizeof(facts[0]); k++) {
		fprintf(out, "| %s | ", facts[k]);
		md_text(out, jstr(a, facts[k]) ?: "-");
		fputs(" | ", out);
		md_text(out, jstr(b, facts[k]) ?: "-");
		fputs(" |\n", out);
	}
	fputs("\n## Differences between the runs\n\n", out);
	if (!json_array_size(json_object_get(cmp, "differences")))
		fputs("Same CPU, kernel, vbench and environment versions.\n", out);
	json_array_foreach(json_object_get(cmp, "differences"), i, d) {
		fputs("- ", out);
		md_text(out, json_string_value(d));
		fputs("\n", out);
	}
	fputs("\n## Metrics\n\n", out);
	rule_text(out, cmp);
	fputs("\n| environment | workload | metric | median A | median B | change | interval | p "
	      "| verdict |\n|---|---|---|---|---|---|---|---|---|\n",
	      out);
	json_array_foreach(json_object_get(cmp, "rows"), i, r) {
		cells(r, c);
		for (k = 0; k < NCOL; k++) {
			fputs(k ? " | " : "| ", out);
			if (k == 8 && json_is_true(json_object_get(r, "significant")))
				fputs("**", out);
			md_text(out, c[k]);
			if (k == 8 && json_is_true(json_object_get(r, "significant")))
				fputs("**", out);
		}
		fputs(" |\n", out);
	}
	fputs("\n", out);
	counts_line(out, cmp);
}
