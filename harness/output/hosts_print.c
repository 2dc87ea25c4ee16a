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
#include "harness/output/table.h"
#include "lib/json.h"
#include "lib/textsafe.h"

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

/* The facts that go with the difference of @sp (a spread), as text. */
static void goes_with(FILE *out, const json_t *sp)
{
	const json_t *f;
	size_t i, n = 0;
	char p[32];

	json_array_foreach (json_object_get(sp, "facts"), i, f) {
		const json_t *same = json_object_get(f, "same_split_as");

		if (!json_is_true(json_object_get(f, "goes_with")) || json_array_size(same))
			continue; /* named with the first fact of its split */
		fprintf(out, "%s%s", n++ ? "; " : "; it goes with ", fact_label(vb_json_text(f, "fact")));
		for (size_t j = 0; j < json_array_size(json_object_get(sp, "facts")); j++) {
			const json_t *g = json_array_get(json_object_get(sp, "facts"), j), *s;
			size_t k;

			json_array_foreach (json_object_get(g, "same_split_as"), k, s)
				if (!strcmp(json_string_value(s), vb_json_text(f, "fact")))
					fprintf(out, " and %s", fact_label(vb_json_text(g, "fact")));
		}
		fprintf(out, " (%s", fmt_p(vb_json_num(f, "p"), p, sizeof(p)));
		{
			const json_t *g;
			size_t k;
			char r[32];

			json_array_foreach (json_object_get(f, "groups"), k, g) {
				fputs(k ? ", " : ": ", out);
				vb_text_put_md(out, vb_json_text(g, "value"));
				fprintf(out, " %s", vb_table_fmt_ratio(vb_json_num(g, "geomean"), r,
								    sizeof(r)));
			}
		}
		fputc(')', out);
	}
	for (i = 0; i < json_array_size(json_object_get(sp, "facts")); i++)
		if (json_array_size(json_object_get(json_array_get(json_object_get(sp, "facts"), i),
						    "same_split_as")) &&
		    json_is_true(json_object_get(json_array_get(json_object_get(sp, "facts"), i),
						 "goes_with"))) {
			fputs(" (facts that split the hosts the same way cannot be told apart)", out);
			break;
		}
	if (!n && !strcmp(vb_json_text(sp, "verdict"), "hosts differ"))
		fputs("; no host fact vbench records goes with it", out);
}

/* One headline item: environment @e's spread over all its workloads. */
static void headline_item(FILE *out, const json_t *e)
{
	const json_t *sp = json_object_get(json_object_get(e, "kinds"), "all"), *o;
	char a[32], b[32], c[32], p[32];
	size_t i;

	fputs("- **", out);
	vb_text_put_md(out, vb_json_text(e, "name"));
	fputs("**: ", out);
	if (!sp) {
		fputs("no overhead on any host\n", out);
		return;
	}
	if (vb_json_num(sp, "hosts") < 2) {
		fprintf(out, "%s on one host (", vb_table_fmt_ratio(vb_json_num(sp, "median"), a, sizeof(a)));
		vb_text_put_md(out, vb_json_text(sp, "min_host"));
		fputs("): one host cannot show a spread\n", out);
		return;
	}
	fprintf(out, "%s, the median of %.0f hosts, from %s (", vb_table_fmt_ratio(vb_json_num(sp, "median"), a, sizeof(a)),
		vb_json_num(sp, "hosts"), vb_table_fmt_ratio(vb_json_num(sp, "min"), b, sizeof(b)));
	vb_text_put_md(out, vb_json_text(sp, "min_host"));
	fprintf(out, ") to %s (", vb_table_fmt_ratio(vb_json_num(sp, "max"), c, sizeof(c)));
	vb_text_put_md(out, vb_json_text(sp, "max_host"));
	fprintf(out, "); **%s** (Q %.1f, %s, I² %.0f%%)", vb_json_text(sp, "verdict"),
		vb_json_num(sp, "q"), fmt_p(vb_json_num(sp, "p"), p, sizeof(p)),
		100 * vb_json_num(sp, "i2"));
	goes_with(out, sp);
	json_array_foreach (json_object_get(sp, "outliers"), i, o) {
		fputs(i ? ", " : "; outlier: ", out);
		vb_text_put_md(out, vb_json_text(o, "host"));
		fprintf(out, " (z %.1f)", vb_json_num(o, "z"));
	}
	fputs("\n", out);
}

static void hosts_table(FILE *out, const json_t *fleet)
{
	const json_t *h;
	size_t i, f;

	fputs("\n## Hosts\n\n| host | class |", out);
	for (f = 0; f < NFACTS; f++)
		fprintf(out, " %s |", fact_labels[f]);
	fputs(" run |\n|---|---|", out);
	for (f = 0; f < NFACTS; f++)
		fputs("---|", out);
	fputs("---|\n", out);
	json_array_foreach (json_object_get(fleet, "hosts"), i, h) {
		fputs("| ", out);
		vb_text_put_md(out, vb_json_text(h, "name"));
		fputs(" | ", out);
		vb_text_put_md(out, vb_json_text(h, "class"));
		for (f = 0; f < NFACTS; f++) {
			fputs(" | ", out);
			vb_text_put_md(out, vb_json_text(json_object_get(h, "facts"), fact_keys[f]));
		}
		fputs(" | ", out);
		vb_text_put_md(out, vb_json_text(h, "status"));
		fputs(" |\n", out);
	}
}

/* The rest of a table's header: one column per environment, then the
 * separator row under @lead columns before them and those. */
static void env_columns(FILE *out, const json_t *envs, int lead)
{
	const json_t *e;
	size_t j;

	json_array_foreach (envs, j, e) {
		fputc(' ', out);
		vb_text_put_md(out, vb_json_text(e, "name"));
		fputs(" |", out);
	}
	fputs("\n|", out);
	for (int i = 0; i < lead; i++)
		fputs("---|", out);
	json_array_foreach (envs, j, e)
		fputs("---|", out);
	fputc('\n', out);
}

/* Per host, the overhead of each environment in group @kind. */
static void overhead_table(FILE *out, const json_t *fleet, size_t kind)
{
	const json_t *envs = json_object_get(fleet, "environments"), *h, *e;
	size_t i, j, any = 0;
	char buf[160];

	json_array_foreach (envs, j, e)
		any += json_object_get(json_object_get(e, "kinds"), kinds[kind]) != NULL;
	if (!any)
		return;
	fprintf(out, "\n### %s\n\n| host |", kind ? kind_labels[kind] : "All workloads");
	env_columns(out, envs, 1);
	json_array_foreach (json_object_get(fleet, "hosts"), i, h) {
		fputs("| ", out);
		vb_text_put_md(out, vb_json_text(h, "name"));
		fputs(" |", out);
		json_array_foreach (envs, j, e) {
			const json_t *v = json_object_get(
			    json_object_get(json_object_get(h, "environments"), vb_json_text(e, "name")),
			    kinds[kind]);

			fprintf(out, " %s |", v ? vb_table_fmt_geomean(v, 1, buf, sizeof(buf)) : "-");
		}
		fputc('\n', out);
	}
}

static void spread_table(FILE *out, const json_t *fleet)
{
	const json_t *e;
	size_t i, k;
	char a[32], b[32], c[32], p[32], q[32], i2[32];

	fputs("\n## Spread across hosts\n\nPer environment and group: the median of the hosts' "
	      "overheads, their range, Cochran's Q with its p (small: the hosts differ more than "
	      "their own intervals explain), I² (the share of the spread beyond the intervals) and "
	      "the verdict.\n\n| environment | group | hosts | median | range | Q | p | I² | "
	      "verdict |\n|---|---|---|---|---|---|---|---|---|\n",
	      out);
	json_array_foreach (json_object_get(fleet, "environments"), i, e)
		for (k = 0; k < NKINDS; k++) {
			const json_t *sp = json_object_get(json_object_get(e, "kinds"), kinds[k]);
			double qv = vb_json_num(sp, "q"), iv = vb_json_num(sp, "i2");

			if (!sp)
				continue;
			snprintf(q, sizeof(q), isfinite(qv) ? "%.1f" : "-", qv);
			snprintf(i2, sizeof(i2), isfinite(iv) ? "%.0f%%" : "-", 100 * iv);
			fmt_p(vb_json_num(sp, "p"), p, sizeof(p));
			fputs("| ", out);
			vb_text_put_md(out, vb_json_text(e, "name"));
			fprintf(out, " | %s | %.0f | %s | %s to %s | %s | %s | %s | %s |\n",
				kind_labels[k], vb_json_num(sp, "hosts"),
				vb_table_fmt_ratio(vb_json_num(sp, "median"), a, sizeof(a)),
				vb_table_fmt_ratio(vb_json_num(sp, "min"), b, sizeof(b)),
				vb_table_fmt_ratio(vb_json_num(sp, "max"), c, sizeof(c)), q, p + 2, i2,
				vb_json_text(sp, "verdict"));
		}
}

static void classes_table(FILE *out, const json_t *fleet)
{
	const json_t *envs = json_object_get(fleet, "environments"), *c, *e, *h;
	size_t i, j, k;
	char buf[160];

	fputs("\n## Classes\n\nHosts of the same CPU model and kernel release.  A class's overhead "
	      "is pooled over its hosts (random effects: the spread between them widens the "
	      "interval).\n\n| class | CPU model | kernel | hosts |",
	      out);
	env_columns(out, envs, 4);
	json_array_foreach (json_object_get(fleet, "classes"), i, c) {
		fputs("| ", out);
		vb_text_put_md(out, vb_json_text(c, "name"));
		fputs(" | ", out);
		vb_text_put_md(out, vb_json_text(c, "cpu"));
		fputs(" | ", out);
		vb_text_put_md(out, vb_json_text(c, "kernel"));
		fputs(" | ", out);
		json_array_foreach (json_object_get(c, "hosts"), k, h) {
			fputs(k ? ", " : "", out);
			vb_text_put_md(out, json_string_value(h));
		}
		fputs(" |", out);
		json_array_foreach (envs, j, e) {
			const json_t *v = json_object_get(
			    json_object_get(json_object_get(c, "environments"), vb_json_text(e, "name")),
			    "all");

			if (!v) {
				fputs(" - |", out);
				continue;
			}
			snprintf(buf, sizeof(buf), "%s", "");
			fprintf(out, " %s", vb_table_fmt_overhead(vb_json_num(v, "geomean"),
								   vb_json_num(v, "ci_low"),
								   vb_json_num(v, "ci_high"), buf,
								   sizeof(buf)));
			fprintf(out, " %s%s |", vb_table_fmt_verdict(v, buf, sizeof(buf)),
				json_is_true(json_object_get(v, "hosts_differ")) ? ", its hosts differ"
										 : "");
		}
		fputc('\n', out);
	}
}

void vb_hosts_md(const json_t *fleet, FILE *out)
{
	const json_t *e;
	size_t i, k, nh = json_array_size(json_object_get(fleet, "hosts"));
	size_t nc = json_array_size(json_object_get(fleet, "classes"));
	char rule[256];

	fprintf(out, "# vbench fleet report\n\n%zu host%s in %zu class%s, each against ", nh,
		nh == 1 ? "" : "s", nc, nc == 1 ? "" : "es");
	vb_text_put_md(out, vb_json_text(fleet, "baseline"));
	fputs(" on the same host.  An overhead is the time per unit of work relative to that "
	      "baseline (x1.10: 10% slower), the geometric mean of the workloads with its 95% "
	      "interval and verdict.\n\n## Headline\n\n",
	      out);
	json_array_foreach (json_object_get(fleet, "environments"), i, e)
		headline_item(out, e);
	if (!json_array_size(json_object_get(fleet, "environments")))
		fputs("- no environment beside the baseline\n", out);
	hosts_table(out, fleet);
	fputs("\n## Overhead per host\n", out);
	for (k = 0; k < NKINDS; k++)
		overhead_table(out, fleet, k);
	spread_table(out, fleet);
	classes_table(out, fleet);
	vb_verdict_rule_line(isfinite(vb_json_num(fleet, "margin")) ? vb_json_num(fleet, "margin")
							     : VB_VERDICT_MARGIN,
			     NULL, rule, sizeof(rule));
	fprintf(out, "\nHosts differ when Q's p is below %.2f; a host is an outlier when it lies more "
		"than %.0f standard errors from the others.  Per host: %s\n",
		vb_json_num(fleet, "alpha"), vb_json_num(fleet, "outlier_z"), rule);
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
