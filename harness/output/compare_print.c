/*
 * compare_print.c - the printers of a comparison (compare.h): the terminal
 * table of `vbench compare` and compare.md.  Formatting only: every number
 * comes from the "vbench-compare" document built by compare.c.
 */
#include "harness/analysis/compare.h"

#include <math.h>
#include <string.h>

#include "harness/output/table.h"
#include "lib/json.h"
#include "lib/textsafe.h"

/* "+30.1%" of a change in percent; "-" when it does not exist. */
static const char *fmt_change(double pct, char *buf, size_t len)
{
	if (!isfinite(pct))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", pct);
	return buf;
}

/* "+2.9% [-1.0%, +6.8%]": the change @o's verdict rests on, with its interval; "-" without. */
static const char *fmt_tested(const json_t *o, char *buf, size_t len)
{
	double r = vb_table_num(o, "ratio"), lo = vb_table_num(o, "ci_low"),
	       hi = vb_table_num(o, "ci_high");

	if (!isfinite(r))
		snprintf(buf, len, "-");
	else if (!isfinite(lo) || !isfinite(hi))
		snprintf(buf, len, "%+.1f%%", (r - 1) * 100);
	else
		snprintf(buf, len, "%+.1f%% [%+.1f%%, %+.1f%%]", (r - 1) * 100, (lo - 1) * 100,
			 (hi - 1) * 100);
	return buf;
}

/* "x1.02 -> x1.05": the overhead ratio to the baseline in A and in B; "-" without. */
static const char *fmt_overhead(const json_t *ov, char *buf, size_t len)
{
	char a[32], b[32];

	if (!json_is_object(ov))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s -> %s", vb_table_fmt_ratio(vb_table_num(ov, "a"), a, sizeof(a)),
			 vb_table_fmt_ratio(vb_table_num(ov, "b"), b, sizeof(b)));
	return buf;
}

static const char *fmt_p(const json_t *o, char *buf, size_t len)
{
	double p = vb_table_num(o, "p");

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
			 vb_json_str(r, "unit") ?: "");
	return buf;
}

/* The cells of row @r, in column order. */
#define NCOL 10
static void cells(const json_t *r, char c[NCOL][96])
{
	const json_t *ov = json_object_get(r, "overhead"), *basis = json_is_object(ov) ? ov : r;

	snprintf(c[0], 96, "%s", vb_json_str(r, "env") ?: "");
	snprintf(c[1], 96, "%s", vb_json_str(r, "workload") ?: "");
	snprintf(c[2], 96, "%s", vb_json_str(r, "metric") ?: "");
	fmt_median(r, "median_a", c[3], 96);
	fmt_median(r, "median_b", c[4], 96);
	fmt_change(vb_table_num(r, "change_pct"), c[5], 96);
	fmt_overhead(ov, c[6], 96);
	fmt_tested(basis, c[7], 96);
	fmt_p(basis, c[8], 96);
	if (strcmp(vb_json_str(r, "status") ?: "", "ok"))
		snprintf(c[9], 96, "%s", vb_json_str(r, "status") ?: "");
	else
		vb_table_fmt_verdict(r, c[9], 96);
}

static void run_line(FILE *out, const char *tag, const json_t *f)
{
	fprintf(out, "%s: %s  (%s, %s, kernel %s, vbench %s, profile %s)\n", tag,
		vb_json_str(f, "dir") ?: "?", vb_json_str(f, "created") ?: "?", vb_json_str(f, "cpu_brand") ?: "?",
		vb_json_str(f, "kernel_release") ?: "?", vb_json_str(f, "vbench_version") ?: "?",
		vb_json_str(f, "profile") ?: "?");
}

static void counts_line(FILE *out, const json_t *cmp)
{
	json_t *c = json_object_get(cmp, "counts");

	fprintf(out,
		"%zu comparisons: %" JSON_INTEGER_FORMAT " slower, %" JSON_INTEGER_FORMAT
		" faster, %" JSON_INTEGER_FORMAT " equivalent, %" JSON_INTEGER_FORMAT
		" undecided (%" JSON_INTEGER_FORMAT " with too few repetitions), %" JSON_INTEGER_FORMAT
		" in one run only\n",
		json_array_size(json_object_get(cmp, "rows")),
		json_integer_value(json_object_get(c, "slower")),
		json_integer_value(json_object_get(c, "faster")),
		json_integer_value(json_object_get(c, "equivalent")),
		json_integer_value(json_object_get(c, "undecided")),
		json_integer_value(json_object_get(c, "too_few")),
		json_integer_value(json_object_get(c, "one_run_only")));
}

/* "only in A: kvm" and "only in B: ...": environments one run did not measure, once. */
static void only_lines(FILE *out, const json_t *cmp, int md)
{
	static const char *const key[] = { "a", "b" }, *const tag[] = { "A", "B" };
	json_t *l, *e;
	size_t k, i;

	for (k = 0; k < 2; k++) {
		l = json_object_get(json_object_get(cmp, "only_in"), key[k]);
		if (!json_array_size(l))
			continue;
		fprintf(out, "%sonly in %s:", md ? "- " : "", tag[k]);
		json_array_foreach(l, i, e) {
			fputs(i ? ", " : " ", out);
			if (md)
				vb_text_put_md(out, json_string_value(e));
			else
				fputs(json_string_value(e), out);
		}
		fputc('\n', out);
	}
}

static void rule_text(FILE *out, const json_t *cmp)
{
	json_t *st = json_object_get(cmp, "statistics");
	const char *base = vb_json_str(st, "baseline");

	fprintf(out,
		"change: time per unit of work of B relative to A (+ = worse, whatever the "
		"metric's direction).\n");
	if (base)
		fprintf(out,
			"tested: for %s its change; for every other environment the change of its "
			"overhead ratio\nto %s within each run (host drift cancels);",
			base, base);
	else
		fprintf(out, "tested: the change (no baseline common to both runs);");
	fprintf(out,
		" %.0f%% bootstrap interval and test of the same\nresamples, p < %g: slower or "
		"faster.\n%s.\n",
		vb_table_num(st, "level") * 100, vb_table_num(st, "alpha"),
		vb_json_str(st, "verdicts") ?: "");
}

void vb_compare_print(const json_t *cmp, FILE *out)
{
	static const char *const head[NCOL] = { "env",	    "workload", "metric",  "median A",
						"median B", "change",	"overhead", "tested",
						"p",	    "verdict" };
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
			fprintf(out, k >= 3 && k <= 8 ? "%*s%s" : "%-*s%s",
				k + 1 < NCOL ? (int)w[k] : 0, c[k], k + 1 < NCOL ? "  " : "\n");
	}
	fputc('\n', out);
	only_lines(out, cmp, 0);
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
		md_text(out, vb_json_str(a, facts[k]) ?: "-");
		fputs(" | ", out);
		md_text(out, vb_json_str(b, facts[k]) ?: "-");
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
	fputs("\n| environment | workload | metric | median A | median B | change | overhead | "
	      "tested | p | verdict |\n|---|---|---|---|---|---|---|---|---|---|\n",
	      out);
	json_array_foreach(json_object_get(cmp, "rows"), i, r) {
		cells(r, c);
		for (k = 0; k < NCOL; k++) {
			fputs(k ? " | " : "| ", out);
			if (k == NCOL - 1 && json_is_true(json_object_get(r, "significant")))
				fputs("**", out);
			md_text(out, c[k]);
			if (k == NCOL - 1 && json_is_true(json_object_get(r, "significant")))
				fputs("**", out);
		}
		fputs(" |\n", out);
	}
	fputs("\n", out);
	only_lines(out, cmp, 1);
	counts_line(out, cmp);
}

/* @s in the form of the output: Markdown-escaped, or for a terminal. */
static void put(FILE *out, const char *s, int md)
{
	(md ? vb_text_put_md : vb_text_put_term)(out, s);
}

void vb_compare_fleet_print(const json_t *doc, FILE *out, int md)
{
	const json_t *p, *n;
	size_t i, j;

	json_array_foreach (json_object_get(doc, "pairs"), i, p) {
		fputs(md ? "## " : "== ", out);
		put(out, vb_json_text(p, "a_class"), md);
		fputs(" vs ", out);
		put(out, vb_json_text(p, "b_class"), md);
		fputs(" (A:", out);
		json_array_foreach (json_object_get(p, "a_runs"), j, n) {
			fputc(' ', out);
			put(out, json_string_value(n), md);
		}
		fputs("; B:", out);
		json_array_foreach (json_object_get(p, "b_runs"), j, n) {
			fputc(' ', out);
			put(out, json_string_value(n), md);
		}
		fputs(")\n\n", out);
		if (vb_json_str(p, "note")) {
			fputs("Note: ", out);
			put(out, vb_json_str(p, "note"), md);
			fputs("\n\n", out);
		}
		(md ? vb_compare_md : vb_compare_print)(json_object_get(p, "compare"), out);
		fputc('\n', out);
	}
	json_array_foreach (json_object_get(doc, "only_in_a"), i, n) {
		fputs("only in A: ", out);
		put(out, json_string_value(n), md);
		fputs(md ? "\n\n" : "\n", out);
	}
	json_array_foreach (json_object_get(doc, "only_in_b"), i, n) {
		fputs("only in B: ", out);
		put(out, json_string_value(n), md);
		fputs(md ? "\n\n" : "\n", out);
	}
}
