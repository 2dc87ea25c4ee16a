/*
 * markdown.c - report.md (table.h): the summary as a Markdown document a
 * person reads or pastes into an issue.  Formatting only: warnings, runs,
 * overhead tables per group with their verdicts, every metric, host CPU
 * cost, counters per operation, flags, host facts, environments with their
 * configuration and limits, and everything unavailable with its reason.
 */
#include "harness/output/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/summary.h"
#include "lib/json.h"
#include "lib/textsafe.h"

static json_int_t jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Text from the run in a table cell or list item (textsafe.h). */
static void md_text(FILE *out, const char *s)
{
	vb_text_put_md(out, s);
}

/* @a, then @s escaped, then @b. */
static void md_wrap(FILE *out, const char *a, const char *s, const char *b)
{
	fputs(a, out);
	vb_text_put_md(out, s);
	fputs(b, out);
}

/* "type (mechanism)" of an environment. */
static void env_title(FILE *out, const json_t *e)
{
	md_text(out, vb_json_str(e, "type"));
	fputs(" (", out);
	md_text(out, vb_json_str(e, "mechanism"));
	fputc(')', out);
}

static const char *num(const json_t *o, const char *key, char *buf, size_t len)
{
	return vb_table_fmt_num(vb_table_num(o, key), buf, len);
}

/* "x1.03 [0.99-1.07]" of an object with ratio-like keys. */
static const char *ovh(const json_t *o, const char *rkey, char *buf, size_t len)
{
	return vb_table_fmt_overhead(vb_table_num(o, rkey), vb_table_num(o, "ci_low"),
				     vb_table_num(o, "ci_high"), buf, len);
}

/* "[lo, hi]" of a sample's interval, with a dagger when indicative. */
static void interval(FILE *out, const json_t *q)
{
	char a[32], b[32];

	if (!isfinite(vb_table_num(q, "ci_low"))) {
		fputs("-", out);
		return;
	}
	fprintf(out, "[%s, %s]%s", num(q, "ci_low", a, sizeof(a)), num(q, "ci_high", b, sizeof(b)),
		json_is_true(json_object_get(q, "indicative")) ? " \xe2\x80\xa0" : "");
}

/* ---- header: warnings and runs ---- */

/* "vbench ARGS..." as a code span when it is safe as one (textsafe.h). */
static void md_command(FILE *out, const json_t *args)
{
	char *s = NULL;
	size_t n = 0, j;
	json_t *a;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		return;
	fputs("vbench", f);
	json_array_foreach(args, j, a)
		fprintf(f, " %s", json_string_value(a) ?: "");
	fclose(f);
	vb_text_put_md_code(out, s);
	free(s);
}

/* The answer at a glance: one sentence per virtualization type (table.h vb_table_headline). */
static void md_headline(FILE *out, const json_t *sum)
{
	json_t *lines = vb_table_headline(sum), *l;
	char intro[512];
	size_t i;

	md_wrap(out, "## At a glance\n\n", vb_table_headline_intro(sum, intro, sizeof(intro)),
		"\n\n");
	json_array_foreach(lines, i, l)
		md_wrap(out, "- ", json_string_value(l), "\n");
	fputs("\n", out);
	json_decref(lines);
}

static void md_header(FILE *out, const json_t *sum)
{
	json_t *w, *r, *notes;
	size_t i;

	fputs("# vbench report\n\n", out);
	md_headline(out, sum);
	notes = vb_table_warnings(sum);
	json_array_foreach(notes, i, w) {
		fputs("> **Warning:** ", out);
		md_text(out, json_string_value(w));
		fputs("\n>\n", out);
	}
	if (json_array_size(notes))
		fputs("\n", out);
	json_decref(notes);
	fputs("## Runs\n\n| created | status | profile | repetitions | vbench | command |\n"
	      "|---|---|---|---|---|---|\n",
	      out);
	json_array_foreach(json_object_get(sum, "runs"), i, r) {
		md_wrap(out, "| ", vb_json_str(r, "created") ?: "-", " | ");
		md_wrap(out, "", vb_json_str(r, "status") ?: "-", " | ");
		md_wrap(out, "", vb_json_str(r, "profile") ?: "-", " | ");
		fprintf(out, "%" JSON_INTEGER_FORMAT " | ", jint(r, "reps"));
		md_wrap(out, "", vb_json_str(r, "vbench_version") ?: "-", " | ");
		md_command(out, json_object_get(r, "command"));
		fputs(" |\n", out);
	}
}

/* ---- overhead tables ---- */

static void overhead_cell(FILE *out, const json_t *sum, const json_t *e, const json_t *w)
{
	const json_t *r = vb_summary_result(sum, vb_json_str(e, "name"), vb_json_str(w, "name"));
	json_t *m = json_object_get(json_object_get(r, "metrics"), vb_json_str(w, "primary_metric")), *ov;
	char a[64], b[32];

	fputs(" ", out);
	if (!r && !json_is_true(json_object_get(e, "available")))
		fputs("unavailable", out);
	else if (!m)
		fputs("-", out);
	else if (!(ov = json_object_get(m, "overhead"))) {
		md_wrap(out, num(m, "median", b, sizeof(b)), "", " ");
		md_text(out, vb_json_str(m, "unit"));
		fprintf(out, " (cv %s)", vb_table_fmt_cv(vb_table_num(m, "cv"), a, sizeof(a)));
	}
	else
		fprintf(out, "%s %s%s", ovh(ov, "ratio", a, sizeof(a)),
			vb_table_fmt_verdict(ov, b, sizeof(b)), json_is_true(json_object_get(ov, "indicative")) ? " \xe2\x80\xa0" : "");
	fputs(" |", out);
}

static void group_row(FILE *out, const json_t *g, const json_t *envs)
{
	json_t *e, *ge;
	char a[64], v[64];
	size_t i;

	fputs("| **geometric mean** | |", out);
	json_array_foreach(envs, i, e) {
		ge = json_object_get(json_object_get(g, "envs"), vb_json_str(e, "name"));
		if (!ge)
			fputs(" |", out);
		else
			fprintf(out, " **%s %s** (%" JSON_INTEGER_FORMAT " workload%s) |",
				ovh(ge, "geomean", a, sizeof(a)),
				vb_table_fmt_verdict(ge, v, sizeof(v)),
				jint(ge, "workloads"), jint(ge, "workloads") == 1 ? "" : "s");
	}
	fputs("\n", out);
}

static void md_overhead(FILE *out, const json_t *sum)
{
	json_t *envs = json_object_get(sum, "environments"),
	       *st = json_object_get(sum, "statistics");
	json_t *g, *w, *e;
	size_t gi, i, j;
	char rule[256];

	fputs("\n## Overhead\n\n", out);
	if (vb_json_str(sum, "baseline")) {
		md_wrap(out, "Time per unit of work relative to **", vb_json_str(sum, "baseline"), "**");
		fprintf(
		    out,
		    " (x1.00 = no overhead, x2.00 = twice "
		    "as slow), whether the metric is a throughput or a latency: the ratio of "
		    "medians and its %.0f%% bootstrap interval (%" JSON_INTEGER_FORMAT
		    " resamples, "
		    "seed %" JSON_INTEGER_FORMAT "). %s. \xe2\x80\xa0 = indicative (fewer than %" JSON_INTEGER_FORMAT
		    " repetitions). The baseline's cells hold its median and coefficient of "
		    "variation. Group lines: geometric means of the workloads' ratios.\n",
		    vb_table_num(st, "level") * 100, jint(st, "resamples"), jint(st, "seed"),
		    vb_table_fmt_rule(sum, rule, sizeof(rule)), jint(st, "indicative_below_n"));
	} else {
		fputs("No baseline environment ran: medians only.\n", out);
	}
	json_array_foreach(json_object_get(sum, "groups"), gi, g) {
		if (!vb_json_str(sum, "baseline") && !strcmp(vb_json_str(g, "kind"), "all"))
			continue;
		fprintf(out, "\n### %s\n\n| workload | metric |",
			strcmp(vb_json_str(g, "kind"), "all") ? vb_json_str(g, "label") : "All workloads");
		json_array_foreach(envs, i, e) {
			fputs(" ", out);
			md_text(out, vb_json_str(e, "name"));
			fputs(": ", out);
			env_title(out, e);
			fputs(" |", out);
		}
		fputs("\n|---|---|", out);
		for (i = 0; i < json_array_size(envs); i++)
			fputs("---|", out);
		fputs("\n", out);
		json_array_foreach(json_object_get(sum, "workloads"), j, w) {
			/* The "all" table holds only the geometric means. */
			if (strcmp(vb_json_str(g, "kind"), vb_json_str(w, "kind")))
				continue;
			md_wrap(out, "| ", vb_json_str(w, "name"), " | ");
			md_wrap(out, "", vb_json_str(w, "primary_metric"), " |");
			json_array_foreach(envs, i, e)
				overhead_cell(out, sum, e, w);
			fputs("\n", out);
		}
		if (vb_json_str(sum, "baseline"))
			group_row(out, g, envs);
	}
}

/* ---- detail tables ---- */

/* One row of a quantity @q: n, median, interval, CV, overhead, verdict. */
static void quantity_row(FILE *out, const json_t *q)
{
	json_t *ov = json_object_get(q, "overhead");
	char a[64], b[64];

	fprintf(out, " %" JSON_INTEGER_FORMAT " | %s | ", jint(q, "n"),
		num(q, "median", b, sizeof(b)));
	interval(out, q);
	fprintf(out, " | %s | ", vb_table_fmt_cv(vb_table_num(q, "cv"), b, sizeof(b)));
	fprintf(out, "%s | %s |\n", ov ? ovh(ov, "ratio", a, sizeof(a)) : "baseline",
		ov ? vb_table_fmt_verdict(ov, b, sizeof(b)) : "");
}

static void md_metrics(FILE *out, const json_t *sum)
{
	json_t *r, *w, *m, *q;
	size_t i, j, k;

	fputs(
	    "\n## Every metric\n\nMedian, its 95% bootstrap interval, coefficient of variation, "
	    "and the overhead ratio with its interval.\n\n"
	    "| environment | workload | metric | unit | better | n | median | 95% interval | CV | "
	    "overhead | verdict |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
	    out);
	json_array_foreach(json_object_get(sum, "environments"), i, r)
		json_array_foreach(json_object_get(sum, "workloads"), j, w) {
			const json_t *res =
			    vb_summary_result(sum, vb_json_str(r, "name"), vb_json_str(w, "name"));

			json_array_foreach(json_object_get(w, "metrics"), k, m) {
				q = json_object_get(json_object_get(res, "metrics"),
						    vb_json_str(m, "name"));
				if (!q)
					continue;
				md_wrap(out, "| ", vb_json_str(r, "name"), " | ");
				md_wrap(out, "", vb_json_str(w, "name"), " | ");
				md_wrap(out, "", vb_json_str(m, "name"), " | ");
				md_wrap(out, "", vb_json_str(m, "unit"), " | ");
				md_wrap(out, "", vb_json_str(m, "better"), " |");
				quantity_row(out, q);
			}
		}
}

static void md_host_cost(FILE *out, const json_t *sum)
{
	json_t *r, *hc;
	size_t i;

	fputs(
	    "\n## Host CPU cost per unit of work\n\nHost CPU seconds consumed by the "
	    "environment (its cgroup) per operation of the workload, and its ratio to the "
	    "baseline: the figure capacity planning needs.\n\n"
	    "| environment | workload | n | host CPU s/op | 95% interval | CV | ratio | verdict |\n"
	    "|---|---|---|---|---|---|---|---|\n",
	    out);
	json_array_foreach(json_object_get(sum, "results"), i, r) {
		hc = json_object_get(r, "host_cost");
		md_wrap(out, "| ", vb_json_str(r, "env"), " | ");
		md_wrap(out, "", vb_json_str(r, "workload"), " |");
		if (json_is_false(json_object_get(hc, "available"))) {
			fputs(" - | unavailable: ", out);
			md_text(out, vb_json_str(hc, "reason"));
			fputs(" | | | | |\n", out);
		} else {
			quantity_row(out, hc);
		}
	}
}

static void md_counters(FILE *out, const json_t *sum)
{
	json_t *r, *q;
	const char *name;
	size_t i, rows = 0;

	fputs("\n## Counters per operation\n\nEvery available counter divided by the "
	      "repetition's operations; unavailable counters are listed under Unavailable, never "
	      "shown as zero.\n\n"
	      "| environment | workload | counter | n | per op | 95% interval | CV | ratio | "
	      "verdict |\n"
	      "|---|---|---|---|---|---|---|---|---|\n",
	      out);
	json_array_foreach(json_object_get(sum, "results"), i, r)
		json_object_foreach(json_object_get(r, "counters"), name, q) {
			if (!json_is_true(json_object_get(q, "available")))
				continue;
			md_wrap(out, "| ", vb_json_str(r, "env"), " | ");
			md_wrap(out, "", vb_json_str(r, "workload"), " | ");
			md_text(out, name);
			fputs(" |", out);
			quantity_row(out, q);
			rows++;
		}
	if (!rows)
		fputs("| (no counter was available) | | | | | | | | |\n", out);
}

static void md_flags(FILE *out, const json_t *sum)
{
	json_t *f;
	const char *kind;
	size_t i;

	fputs("\n## Flags\n\n", out);
	if (!json_array_size(json_object_get(sum, "flags")))
		fputs("No measurement was flagged.\n", out);
	json_array_foreach(json_object_get(sum, "flags"), i, f) {
		kind = vb_json_str(f, "flag");
		md_wrap(out, "- ", vb_json_str(f, "env"), " / ");
		md_wrap(out, "", vb_json_str(f, "workload"), ": ");
		if (!strcmp(kind, "cv")) {
			md_text(out, vb_json_str(f, "metric"));
			fprintf(out, " varies: CV %.1f%% above %.0f%%\n",
				vb_table_num(f, "cv") * 100, vb_table_num(f, "threshold") * 100);
		}
		else if (!strcmp(kind, "steal"))
			fprintf(
			    out,
			    "steal time above %.0f%% of the elapsed time in %" JSON_INTEGER_FORMAT
			    " of %" JSON_INTEGER_FORMAT " repetitions\n",
			    vb_table_num(f, "threshold") * 100, jint(f, "reps"), jint(f, "of"));
		else if (!strcmp(kind, "clock"))
			fprintf(out,
				"guest and host clocks disagree in %" JSON_INTEGER_FORMAT
				" of %" JSON_INTEGER_FORMAT " repetitions\n",
				jint(f, "reps"), jint(f, "of"));
		else if (!strcmp(kind, "stalled"))
			fprintf(out,
				"stalled in %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
				" repetitions: the host's time exceeded the agent's own by far "
				"(stopped or descheduled)\n",
				jint(f, "reps"), jint(f, "of"));
		else {
			fprintf(out,
				"%" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
				" repetitions failed: ",
				jint(f, "reps"), jint(f, "of"));
			md_text(out, vb_json_str(f, "detail"));
			fputs("\n", out);
		}
	}
}

/* ---- host and environments ---- */

static void md_host(FILE *out, const json_t *sum)
{
	json_t *h = json_object_get(sum, "host"), *a = json_object_get(sum, "allocation"), *v;
	char size[32], name[40];
	const char *key;

	fputs("\n## Host\n\n", out);
	md_wrap(out, "- CPU: ", vb_json_str(h, "cpu_brand") ?: "unknown", " (");
	md_wrap(out, "", vb_json_str(h, "cpu_vendor") ?: "unknown", "), ");
	fprintf(out, "%" JSON_INTEGER_FORMAT " logical CPUs, ISA level ", jint(h, "logical_cpus"));
	md_wrap(out, "", vb_json_str(h, "isa") ?: "unknown", "\n");
	fputs("- caches:", out);
	json_object_foreach(json_object_get(h, "caches"), key, v)
		if (json_is_integer(v)) {
			snprintf(name, sizeof(name), " %.*s ", (int)strcspn(key, "_"),
				 key); /* l1d_bytes: "l1d" */
			md_text(out, name);
			md_text(out, vb_table_fmt_unit("bytes", v, size, sizeof(size)));
		}
	md_wrap(out, "\n- kernel: ", vb_json_str(h, "kernel_release") ?: "unknown", " ");
	md_wrap(out, "", vb_json_str(h, "kernel_version") ?: "", " (");
	md_wrap(out, "", vb_json_str(h, "machine") ?: "unknown", "), clocksource ");
	md_wrap(out, "", vb_json_str(h, "clocksource") ?: "unknown", ", THP ");
	md_wrap(out, "", vb_json_str(h, "thp") ?: "unknown", "\n");
	if (json_is_integer(json_object_get(h, "memory_total_bytes")))
		fprintf(out, "- memory: %s GiB\n",
			vb_table_fmt_num((double)jint(h, "memory_total_bytes") / 1073741824.0, size,
					 sizeof(size)));
	else
		fputs("- memory: unknown\n", out);
	fprintf(out, "- virtualized: %s%s",
		json_is_true(json_object_get(h, "virtualized")) ? "**yes**" : "no",
		vb_json_str(h, "hypervisor_vendor") ? " (hypervisor " : "");
	md_text(out, vb_json_str(h, "hypervisor_vendor") ?: "");
	fprintf(out, "%s\n",
		vb_json_str(h, "hypervisor_vendor") ? "): every overhead is relative to an "
					       "already-virtualized host"
					     : "");
	if (json_is_object(a)) {
		fprintf(out, "- allocation per environment: %" JSON_INTEGER_FORMAT " CPU(s) (",
			jint(a, "cpus"));
		md_text(out, vb_json_str(a, "env_cpus") ?: "?");
		fprintf(out, "), %s of memory; harness on CPUs ",
			vb_table_fmt_bytes((double)jint(a, "memory_bytes"), size, sizeof(size)));
		md_wrap(out, "", vb_json_str(a, "harness_cpus") ?: "?", "; ");
		md_wrap(out, "", vb_json_str(a, "cgroup") ?: "no cgroup", " (");
		fprintf(out, "%s)\n",
			json_is_true(json_object_get(a, "cgroup_enforced")) ? "enforced"
									    : "not enforced");
	}
}

static void md_scalar(FILE *out, const json_t *v);

/* Member @key's value @v: with the unit its name carries, else as it is. */
static void md_value(FILE *out, const char *key, const json_t *v)
{
	char u[48];

	if (vb_table_fmt_unit(key, v, u, sizeof(u)))
		md_text(out, u);
	else
		md_scalar(out, v);
}

/* A JSON value on one line: strings bare, objects as "key: value, ...". */
static void md_scalar(FILE *out, const json_t *v)
{
	const char *key;
	json_t *x;
	char *s;

	if (json_is_string(v)) {
		md_text(out, json_string_value(v));
		return;
	}
	if (json_is_object(v)) {
		s = NULL;
		json_object_foreach((json_t *)v, key, x) {
			md_wrap(out, s ? "; " : "", key, ": ");
			md_value(out, key, x);
			s = "";
		}
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
	md_text(out, s);
	free(s);
}

/* An object as a nested list, keys in their recorded order (@skip left out). */
static void md_tree(FILE *out, const json_t *o, int depth, const char *skip)
{
	const char *key;
	json_t *v, *x;
	size_t i;

	json_object_foreach((json_t *)o, key, v) {
		if (skip && !strcmp(key, skip))
			continue;
		fprintf(out, "%*s- ", depth * 2, "");
		md_wrap(out, "", key, ":");
		if (json_is_object(v)) {
			fputs("\n", out);
			md_tree(out, v, depth + 1, NULL);
		} else if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
			fputs("\n", out);
			json_array_foreach(v, i, x) {
				fprintf(out, "%*s- ", depth * 2 + 2, "");
				md_scalar(out, x);
				fputs("\n", out);
			}
		} else if (json_is_array(v)) {
			json_array_foreach(v, i, x) {
				fputs(i ? ", " : " ", out);
				md_scalar(out, x);
			}
			fputs("\n", out);
		} else {
			fputs(" ", out);
			md_value(out, key, v);
			fputs("\n", out);
		}
	}
}

/* Rows of cells (vb_table_env_facts' shape) as a Markdown table. */
static void md_rows(FILE *out, const json_t *rows)
{
	const json_t *e, *c;
	size_t i, k;

	json_array_foreach(rows, i, e) {
		json_array_foreach(e, k, c)
			md_wrap(out, "| ", json_string_value(c), " ");
		fputs("|\n", out);
		if (i == 0) {
			json_array_foreach(e, k, c)
				fputs("|---", out);
			fputs("|\n", out);
		}
	}
}

static void md_envs(FILE *out, const json_t *sum)
{
	json_t *e, *mem, *rows;
	char a[32], *text;
	size_t i;

	fputs("\n## Environments\n\n", out);
	rows = vb_table_env_facts(sum);
	md_rows(out, rows);
	json_decref(rows);
	if ((rows = vb_table_net_paths(sum)) != NULL) {
		fputs("\nNetwork paths (docs/methodology.md section 14):\n\n", out);
		md_rows(out, rows);
		json_decref(rows);
	}
	json_array_foreach(json_object_get(sum, "environments"), i, e) {
		md_wrap(out, "\n### ", vb_json_str(e, "name"), ": ");
		env_title(out, e);
		fputs(json_is_true(json_object_get(e, "baseline")) ? " (baseline)\n\n" : "\n\n",
		      out);
		if (!json_is_true(json_object_get(e, "available"))) {
			fputs("Unavailable: ", out);
			md_text(out, vb_json_str(e, "reason"));
			fputs("\n", out);
			continue;
		}
		if (vb_json_str(e, "failed")) {
			fputs("- failed during the run: ", out);
			md_text(out, vb_json_str(e, "failed"));
			fputs("\n", out);
		}
		if ((text = vb_table_not_run(e)) != NULL) {
			fputs("- not run here: ", out);
			md_text(out, text);
			fputs("\n", out);
			free(text);
		}
		if (json_is_integer(json_object_get(e, "start_latency_ns")))
			fprintf(out, "- start latency: %s ms\n",
				vb_table_fmt_num((double)jint(e, "start_latency_ns") / 1e6, a,
						 sizeof(a)));
		if (json_is_integer(json_object_get(e, "stop_latency_ns")))
			fprintf(out, "- stop latency: %s ms\n",
				vb_table_fmt_num((double)jint(e, "stop_latency_ns") / 1e6, a,
						 sizeof(a)));
		mem = json_object_get(e, "memory_idle");
		if (json_is_object(mem))
			fprintf(out,
				"- host memory when idle: %s MiB PSS in %" JSON_INTEGER_FORMAT
				" processes\n",
				vb_table_fmt_num((double)jint(mem, "pss_bytes") / 1048576.0, a,
						 sizeof(a)),
				jint(mem, "processes"));
		if (json_is_object(json_object_get(e, "limits"))) {
			fputs("- limits:\n", out);
			md_tree(out, json_object_get(e, "limits"), 1, NULL);
		}
		if (json_is_object(json_object_get(e, "config"))) {
			fputs("- configuration:\n", out);
			md_tree(out, json_object_get(e, "config"), 1, "limits");
		}
	}
}

static void md_unavailable(FILE *out, const json_t *sum)
{
	json_t *u = json_object_get(sum, "unavailable"), *x, *w, *lines;
	size_t i, j, n;

	fputs("\n## Unavailable\n\n### Environments\n\n", out);
	if (!json_array_size(json_object_get(u, "environments")))
		fputs("Every selected environment ran.\n", out);
	json_array_foreach(json_object_get(u, "environments"), i, x) {
		md_wrap(out, "- ", vb_json_str(x, "name"), ": ");
		md_text(out, vb_json_str(x, "reason"));
		fputs("\n", out);
	}
	fputs("\n### Counters\n\n", out);
	if (!json_array_size(json_object_get(u, "counters")))
		fputs("Every counter was available.\n", out);
	/* one line per reason: the counters, where, and why */
	lines = vb_table_unavailable_counters(sum);
	json_array_foreach(lines, i, x) {
		fputs("- ", out);
		json_array_foreach(json_object_get(x, "counters"), j, w)
			md_wrap(out, j ? ", " : "", json_string_value(w), "");
		fputs(" in ", out);
		json_array_foreach(json_object_get(x, "envs"), j, w)
			md_wrap(out, j ? ", " : "", json_string_value(w), "");
		n = json_array_size(json_object_get(x, "workloads"));
		if (n > 3)
			fprintf(out, " (%zu workloads)", n);
		else
			json_array_foreach(json_object_get(x, "workloads"), j, w)
				md_wrap(out, j ? ", " : " (", json_string_value(w),
					j + 1 == n ? ")" : "");
		fputs(": ", out);
		md_text(out, vb_json_str(x, "reason"));
		fputs("\n", out);
	}
	json_decref(lines);
}

static void md_statistics(FILE *out, const json_t *sum)
{
	json_t *st = json_object_get(sum, "statistics");

	fprintf(
	    out,
	    "\n## Statistics\n\n- center: %s; interval: %s at %.0f%%, %" JSON_INTEGER_FORMAT
	    " resamples, seed %" JSON_INTEGER_FORMAT
	    ", %s\n- indicative below %" JSON_INTEGER_FORMAT
	    " repetitions\n- ratio: %s\n- groups: %s\n- flags: CV above %.0f%%, steal above %.0f%% "
	    "of a repetition's elapsed time, guest clock running past the host's by more than "
	    "%.0f%%\n\nSee docs/statistics.md for the reasons.\n",
	    vb_json_str(st, "center"), vb_json_str(st, "interval"), vb_table_num(st, "level") * 100,
	    jint(st, "resamples"), jint(st, "seed"), vb_json_str(st, "prng"),
	    jint(st, "indicative_below_n"), vb_json_str(st, "ratio"), vb_json_str(st, "group"),
	    vb_table_num(st, "cv_threshold") * 100, vb_table_num(st, "steal_threshold") * 100,
	    vb_table_num(st, "clock_tolerance") * 100);
}

void vb_report_md(const json_t *sum, FILE *out)
{
	md_header(out, sum);
	md_overhead(out, sum);
	md_metrics(out, sum);
	md_host_cost(out, sum);
	md_counters(out, sum);
	md_flags(out, sum);
	vb_table_capacity(sum, out, 1);
	md_host(out, sum);
	md_envs(out, sum);
	md_unavailable(out, sum);
	md_statistics(out, sum);
}
