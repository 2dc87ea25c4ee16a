/*
 * html_facts.c - the second half of report.html (html.c): the
 * flags, the host facts, each environment's configuration and enforced
 * limits (every recorded key, as nested lists), every unavailable
 * environment or counter with its reason, and how the numbers were
 * computed.  Formatting only; every string from run.json is escaped.
 */
#include "harness/output/table.h"
#include "harness/output/html_int.h"

#include <stdlib.h>
#include <string.h>

#include "harness/analysis/summary.h"
#include "lib/json.h"

static json_int_t jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* ---- flags ---- */

void vb_html_flags(FILE *out, const json_t *sum)
{
	json_t *f;
	const char *kind;
	size_t i;

	fputs("<section id=\"flags\">\n<h2>Flags</h2>\n", out);
	if (!json_array_size(json_object_get(sum, "flags")))
		fputs("<p>No measurement was flagged.</p>\n", out);
	else
		fputs("<ul>\n", out);
	json_array_foreach(json_object_get(sum, "flags"), i, f) {
		kind = vb_json_str(f, "flag") ?: "";
		fputs("<li>", out);
		vb_html_str(out, f, "env", "");
		fputs(" / ", out);
		vb_html_str(out, f, "workload", "");
		fputs(": ", out);
		if (!strcmp(kind, "cv")) {
			vb_html_str(out, f, "metric", "");
			fprintf(out, " varies: CV %.1f%% above %.0f%%", vb_table_num(f, "cv") * 100,
				vb_table_num(f, "threshold") * 100);
		} else if (!strcmp(kind, "steal")) {
			fprintf(
			    out,
			    "steal time above %.0f%% of the elapsed time in %" JSON_INTEGER_FORMAT
			    " of %" JSON_INTEGER_FORMAT " repetitions",
			    vb_table_num(f, "threshold") * 100, jint(f, "reps"), jint(f, "of"));
		} else if (!strcmp(kind, "clock")) {
			fprintf(out,
				"guest and host clocks disagree in %" JSON_INTEGER_FORMAT
				" of %" JSON_INTEGER_FORMAT " repetitions",
				jint(f, "reps"), jint(f, "of"));
		} else if (!strcmp(kind, "stalled")) {
			fprintf(out,
				"stalled in %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
				" repetitions: the host's time exceeded the agent's own by far "
				"(stopped or descheduled)",
				jint(f, "reps"), jint(f, "of"));
		} else {
			fprintf(out,
				"%" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
				" repetitions failed: ",
				jint(f, "reps"), jint(f, "of"));
			vb_html_str(out, f, "detail", "");
		}
		fputs("</li>\n", out);
	}
	if (json_array_size(json_object_get(sum, "flags")))
		fputs("</ul>\n", out);
	fputs("</section>\n", out);
}

/* ---- host ---- */

void vb_html_host(FILE *out, const json_t *sum)
{
	json_t *h = json_object_get(sum, "host"), *a = json_object_get(sum, "allocation"), *v;
	char size[32], name[40];
	const char *key;

	fputs("<section id=\"host\">\n<h2>Host</h2>\n<ul>\n<li>CPU: ", out);
	vb_html_str(out, h, "cpu_brand", "unknown");
	fputs(" (", out);
	vb_html_str(out, h, "cpu_vendor", "unknown");
	fprintf(out, "), %" JSON_INTEGER_FORMAT " logical CPUs, ISA level ",
		jint(h, "logical_cpus"));
	vb_html_str(out, h, "isa", "unknown");
	fputs("</li>\n<li>caches:", out);
	json_object_foreach(json_object_get(h, "caches"), key, v)
		if (json_is_integer(v)) {
			snprintf(name, sizeof(name), " %.*s ", (int)strcspn(key, "_"),
				 key); /* l1d_bytes: "l1d" */
			vb_html_text(out, name);
			vb_html_text(out, vb_table_fmt_unit("bytes", v, size, sizeof(size)));
		}
	fputs("</li>\n<li>kernel: ", out);
	vb_html_str(out, h, "kernel_release", "unknown");
	fputc(' ', out);
	vb_html_str(out, h, "kernel_version", "");
	fputs(" (", out);
	vb_html_str(out, h, "machine", "unknown");
	fputs("), clocksource ", out);
	vb_html_str(out, h, "clocksource", "unknown");
	fputs(", THP ", out);
	vb_html_str(out, h, "thp", "unknown");
	fputs("</li>\n", out);
	if (json_is_integer(json_object_get(h, "memory_total_bytes")))
		fprintf(out, "<li>memory: %s GiB</li>\n",
			vb_table_fmt_num((double)jint(h, "memory_total_bytes") / 1073741824.0, size,
					 sizeof(size)));
	else
		fputs("<li>memory: unknown</li>\n", out);
	if (json_is_true(json_object_get(h, "virtualized"))) {
		fputs("<li class=\"warning\">virtualized: <strong>yes</strong> (hypervisor ", out);
		vb_html_str(out, h, "hypervisor_vendor", "unknown");
		fputs("): every overhead is relative to an already-virtualized host</li>\n", out);
	} else {
		fputs("<li>virtualized: no</li>\n", out);
	}
	if (json_is_object(a)) {
		fprintf(out, "<li>allocation per environment: %" JSON_INTEGER_FORMAT " CPU(s) (",
			jint(a, "cpus"));
		vb_html_str(out, a, "env_cpus", "?");
		fprintf(out, "), %s of memory; harness on CPUs ",
			vb_table_fmt_bytes((double)jint(a, "memory_bytes"), size, sizeof(size)));
		vb_html_str(out, a, "harness_cpus", "?");
		fputs("; ", out);
		vb_html_str(out, a, "cgroup", "no cgroup");
		fprintf(out, " (%s)</li>\n",
			json_is_true(json_object_get(a, "cgroup_enforced")) ? "enforced"
									    : "not enforced");
	}
	fputs("</ul>\n</section>\n", out);
}

/* ---- environments ---- */

/* A scalar (or a small value) on one line. */
static void html_scalar(FILE *out, const json_t *v)
{
	char *s;

	if (json_is_string(v)) {
		vb_html_text(out, json_string_value(v));
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
	vb_html_text(out, s);
	free(s);
}

/* @v as nested lists, keys in their recorded order (@skip left out). */
static void html_tree(FILE *out, const json_t *v, const char *skip, int depth)
{
	const char *key;
	char u[48];
	json_t *x;
	size_t i;

	if (depth > 16) { /* a hand-made document could nest without end */
		html_scalar(out, v);
		return;
	}
	if (json_is_object(v)) {
		fputs("<ul class=\"tree\">\n", out);
		json_object_foreach((json_t *)v, key, x) {
			if (skip && !strcmp(key, skip))
				continue;
			fputs("<li>", out);
			vb_html_text(out, key);
			fputs(": ", out);
			if (vb_table_fmt_unit(key, x, u, sizeof(u)))
				vb_html_text(out, u); /* with the unit its name carries */
			else
				html_tree(out, x, NULL, depth + 1);
			fputs("</li>\n", out);
		}
		fputs("</ul>\n", out);
	} else if (json_is_array(v) &&
		   (json_is_object(json_array_get(v, 0)) || json_is_array(json_array_get(v, 0)))) {
		fputs("<ol class=\"tree\">\n", out);
		json_array_foreach(v, i, x) {
			fputs("<li>", out);
			html_tree(out, x, NULL, depth + 1);
			fputs("</li>\n", out);
		}
		fputs("</ol>\n", out);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (i)
				fputs(", ", out);
			html_scalar(out, x);
		}
	} else {
		html_scalar(out, v);
	}
}

/* "12.3 ms" of a nanosecond field, when recorded. */
static void latency_item(FILE *out, const json_t *e, const char *key, const char *what)
{
	char a[32];

	if (json_is_integer(json_object_get(e, key)))
		fprintf(out, "<li>%s: %s ms</li>\n", what,
			vb_table_fmt_num((double)jint(e, key) / 1e6, a, sizeof(a)));
}

static void memory_item(FILE *out, const json_t *mem, const char *what)
{
	char a[32];

	if (!json_is_object(mem))
		return;
	fprintf(out, "<li>%s: %s MiB PSS in %" JSON_INTEGER_FORMAT " processes</li>\n", what,
		vb_table_fmt_num((double)jint(mem, "pss_bytes") / 1048576.0, a, sizeof(a)),
		jint(mem, "processes"));
}

static void html_env(FILE *out, const json_t *e)
{
	json_t *after = json_object_get(e, "memory_after_mem_workload");
	char *text;

	fputs("<h3>", out);
	vb_html_str(out, e, "name", "");
	fputs(": ", out);
	vb_html_str(out, e, "type", "");
	fputs(" (", out);
	vb_html_str(out, e, "mechanism", "");
	fprintf(out, ")%s</h3>\n",
		json_is_true(json_object_get(e, "baseline")) ? " (baseline)" : "");
	if (!json_is_true(json_object_get(e, "available"))) {
		fputs("<p class=\"note\">Unavailable: ", out);
		vb_html_str(out, e, "reason", "unknown");
		fputs("</p>\n", out);
		return;
	}
	fputs("<ul>\n", out);
	if (vb_json_str(e, "failed")) {
		fputs("<li class=\"slower\">failed during the run: ", out);
		vb_html_str(out, e, "failed", "");
		fputs("</li>\n", out);
	}
	if ((text = vb_table_not_run(e)) != NULL) {
		fputs("<li>not run here: ", out);
		vb_html_text(out, text);
		fputs("</li>\n", out);
		free(text);
	}
	latency_item(out, e, "start_latency_ns", "start latency");
	latency_item(out, e, "stop_latency_ns", "stop latency");
	memory_item(out, json_object_get(e, "memory_idle"), "host memory when idle");
	if (json_is_object(after)) {
		fputs("<li>after the memory workload (", out);
		vb_html_str(out, after, "workload", "?");
		fputs("):<ul>\n", out);
		memory_item(out, json_object_get(after, "footprint"), "host memory");
		fputs("</ul></li>\n", out);
	}
	if (json_is_object(json_object_get(e, "limits"))) {
		fputs("<li>enforced limits:", out);
		html_tree(out, json_object_get(e, "limits"), NULL, 0);
		fputs("</li>\n", out);
	}
	if (json_is_object(json_object_get(e, "config"))) {
		fputs("<li><details><summary>configuration</summary>", out);
		html_tree(out, json_object_get(e, "config"), "limits", 0);
		fputs("</details></li>\n", out);
	}
	fputs("</ul>\n", out);
}

/* Rows of cells (vb_table_env_facts' shape) as a scrolling table. */
static void html_rows(FILE *out, const json_t *rows)
{
	const json_t *e, *c;
	size_t i, k;

	fputs("<div class=\"scroll\"><table>\n", out);
	json_array_foreach(rows, i, e) {
		fputs("<tr>", out);
		json_array_foreach(e, k, c) {
			fputs(i ? "<td>" : "<th>", out);
			vb_html_text(out, json_string_value(c));
			fputs(i ? "</td>" : "</th>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table></div>\n", out);
}

void vb_html_envs(FILE *out, const json_t *sum)
{
	json_t *e, *rows = vb_table_env_facts(sum);
	size_t i;

	fputs("<section id=\"environments\">\n<h2>Environments</h2>\n", out);
	html_rows(out, rows);
	json_decref(rows);
	if ((rows = vb_table_net_paths(sum)) != NULL) {
		fputs("<p>Network paths (docs/methodology.md section 14):</p>\n", out);
		html_rows(out, rows);
		json_decref(rows);
	}
	json_array_foreach(json_object_get(sum, "environments"), i, e)
		html_env(out, e);
	fputs("</section>\n", out);
}

/* ---- unavailable ---- */

/* The strings of @a joined by ", " between @pre and @post. */
static void list(FILE *out, const json_t *a, const char *pre, const char *post)
{
	json_t *w;
	size_t i;

	fputs(pre, out);
	json_array_foreach(a, i, w) {
		if (i)
			fputs(", ", out);
		vb_html_text(out, json_string_value(w));
	}
	fputs(post, out);
}

void vb_html_unavailable(FILE *out, const json_t *sum)
{
	json_t *u = json_object_get(sum, "unavailable"), *x, *lines;
	size_t i, n;

	fputs("<section id=\"unavailable\">\n<h2>Unavailable</h2>\n<h3>Environments</h3>\n", out);
	if (!json_array_size(json_object_get(u, "environments")))
		fputs("<p>Every selected environment ran.</p>\n", out);
	else
		fputs("<ul>\n", out);
	json_array_foreach(json_object_get(u, "environments"), i, x) {
		fputs("<li>", out);
		vb_html_str(out, x, "name", "");
		fputs(": ", out);
		vb_html_str(out, x, "reason", "");
		fputs("</li>\n", out);
	}
	if (json_array_size(json_object_get(u, "environments")))
		fputs("</ul>\n", out);
	fputs("<h3>Counters</h3>\n", out);
	if (!json_array_size(json_object_get(u, "counters")))
		fputs("<p>Every counter was available.</p>\n", out);
	else
		fputs("<ul>\n", out);
	/* one line per reason: the counters, where, and why */
	lines = vb_table_unavailable_counters(sum);
	json_array_foreach(lines, i, x) {
		fputs("<li>", out);
		list(out, json_object_get(x, "counters"), "", "");
		fputs(" in ", out);
		list(out, json_object_get(x, "envs"), "", "");
		n = json_array_size(json_object_get(x, "workloads"));
		if (n > 3)
			fprintf(out, " (%zu workloads)", n);
		else
			list(out, json_object_get(x, "workloads"), " (", ")");
		fputs(": ", out);
		vb_html_str(out, x, "reason", "");
		fputs("</li>\n", out);
	}
	json_decref(lines);
	if (json_array_size(json_object_get(u, "counters")))
		fputs("</ul>\n", out);
	fputs("</section>\n", out);
}

/* ---- statistics ---- */

void vb_html_statistics(FILE *out, const json_t *sum)
{
	json_t *st = json_object_get(sum, "statistics");

	fputs("<section id=\"statistics\">\n<h2>Statistics</h2>\n<ul>\n<li>center: ", out);
	vb_html_str(out, st, "center", "");
	fputs("; interval: ", out);
	vb_html_str(out, st, "interval", "");
	fprintf(out,
		" at %.0f%%, %" JSON_INTEGER_FORMAT " resamples, seed %" JSON_INTEGER_FORMAT ", ",
		vb_table_num(st, "level") * 100, jint(st, "resamples"), jint(st, "seed"));
	vb_html_str(out, st, "prng", "");
	fprintf(out,
		"</li>\n<li>indicative below %" JSON_INTEGER_FORMAT
		" repetitions</li>\n<li>ratio: ",
		jint(st, "indicative_below_n"));
	vb_html_str(out, st, "ratio", "");
	fputs("</li>\n<li>groups: ", out);
	vb_html_str(out, st, "group", "");
	fprintf(
	    out,
	    "</li>\n<li>flags: CV above %.0f%%, steal above %.0f%% of a repetition's elapsed "
	    "time, guest clock running past the host's by more than %.0f%%</li>\n</ul>\n"
	    "<p>See docs/statistics.md in the vbench sources for the reasons.</p>\n</section>\n",
	    vb_table_num(st, "cv_threshold") * 100, vb_table_num(st, "steal_threshold") * 100,
	    vb_table_num(st, "clock_tolerance") * 100);
}
