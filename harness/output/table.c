/*
 * table.c - the terminal overhead table (table.h): the headline, the
 * notes, the tables per group fitted to the width, the flags.  Nothing
 * here computes a statistic: the numbers come from the summary (summary.c,
 * stats.c), their formatting from table_fmt.c, the shared sentences from
 * table_facts.c.
 */
#include "harness/output/table.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "harness/core/runfile.h"
#include "lib/json.h"

/* ---- the terminal table ---- */

#define CELL 64

size_t vb_table_width(FILE *out, int wide)
{
	return wide ? 0 : vb_term_width(fileno(out));
}

/*
 * @text word-wrapped to @width (0: not wrapped), its first line after
 * @first and the next ones after @indent, each ended with a line end.  A
 * word longer than the width is cut.
 */
static void wrap(FILE *out, size_t width, const char *first, const char *indent, const char *text)
{
	const char *p = text, *lead = first;
	size_t room, n, cut;

	for (;;) {
		fputs(lead, out);
		room = width > strlen(lead) + 8 ? width - strlen(lead) : 8;
		n = strlen(p);
		if (!width || n <= room) {
			fprintf(out, "%s\n", p);
			return;
		}
		for (cut = room; cut > 0 && p[cut] != ' '; cut--)
			;
		if (!cut)
			cut = room;
		for (n = cut; n > 0 && p[n - 1] == ' '; n--)
			;
		fprintf(out, "%.*s\n", (int)(n ? n : cut), p);
		p += cut;
		while (*p == ' ')
			p++;
		if (!*p)
			return;
		lead = indent;
	}
}

/* Each line of @text wrap()ped to @width, what does not fit indented under it. */
static void fit_lines(FILE *out, size_t width, const char *text)
{
	size_t n;
	char *line;

	for (; *text; text += n + (text[n] == '\n')) {
		n = strcspn(text, "\n");
		if (!(line = strndup(text, n)))
			return;
		wrap(out, width, "", "      ", line);
		free(line);
	}
}

/* wrap() of a text built with printf. */
static void wrapf(FILE *out, size_t width, const char *first, const char *indent, const char *fmt,
		  ...) __attribute__((format(printf, 5, 6)));
static void wrapf(FILE *out, size_t width, const char *first, const char *indent, const char *fmt,
		  ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) >= 0) {
		wrap(out, width, first, indent, text);
		free(text);
	}
	va_end(ap);
}

/* The headline on the terminal. */
static void print_headline(const json_t *sum, size_t width, FILE *out)
{
	json_t *lines = vb_table_headline(sum), *l;
	char intro[512];
	size_t i;

	wrap(out, width, "\n", "", vb_table_headline_intro(sum, intro, sizeof(intro)));
	json_array_foreach(lines, i, l)
		wrap(out, width, "  ", "    ", json_string_value(l));
	json_decref(lines);
}

/* The mark of a verdict in a cell: * slower or faster, = equivalent. */
static const char *verdict_mark(const char *v)
{
	if (!v)
		return "";
	if (!strcmp(v, vb_verdict_name(VB_VERDICT_SLOWER)) ||
	    !strcmp(v, vb_verdict_name(VB_VERDICT_FASTER)))
		return " *";
	return strcmp(v, vb_verdict_name(VB_VERDICT_EQUIVALENT)) ? "" : " =";
}

/* The cell of environment @e for workload @w's primary metric. */
static void table_cell(const json_t *sum, const json_t *e, const json_t *w, const char *cv_mark,
		       char *buf, size_t len)
{
	const char *metric = vb_json_str(w, "primary_metric");
	const json_t *r = vb_summary_result(sum, vb_json_str(e, "name"), vb_json_str(w, "name"));
	json_t *m = json_object_get(json_object_get(r, "metrics"), metric), *ov;
	char num[32], o[CELL], cv[16];
	int unstable;

	if (!m) {
		snprintf(buf, len, "-");
		return;
	}
	unstable = json_is_true(json_object_get(m, "unstable"));
	ov = json_object_get(m, "overhead");
	if (!ov) {
		snprintf(buf, len, "%s %s cv %s%s",
			 vb_table_fmt_num(vb_table_num(m, "median"), num, sizeof(num)),
			 vb_json_str(m, "unit") ?: "",
			 vb_table_fmt_cv(vb_table_num(m, "cv"), cv, sizeof(cv)),
			 unstable ? cv_mark : "");
		return;
	}
	vb_table_fmt_overhead(vb_table_num(ov, "ratio"), vb_table_num(ov, "ci_low"),
			       vb_table_num(ov, "ci_high"), o, sizeof(o));
	snprintf(buf, len, "%s%s%s", o, verdict_mark(vb_json_str(ov, "verdict")), unstable ? cv_mark : "");
}

/* One verdict line per group: the geometric mean of environments [@from, @to). */
static void verdict_line(const json_t *g, const json_t *envs, size_t from, size_t to,
			 int base, size_t width, FILE *out)
{
	const char *sep = "", *top = strcmp(vb_json_str(g, "kind"), "all") ? "  " : "";
	json_t *e, *ge;
	char buf[CELL + 64], *text = NULL;
	size_t i, len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	fprintf(f, "%s verdict (geometric mean):", vb_json_str(g, "label"));
	for (i = from; i < to; i++) {
		e = json_array_get(envs, i);
		ge = json_object_get(json_object_get(g, "envs"), vb_json_str(e, "name"));
		if (!ge && (!base || json_is_true(json_object_get(e, "baseline")) ||
			    vb_json_str(e, "net_mode"))) /* a network mode's instance: its group only */
			continue;
		vb_table_fmt_geomean(ge, base, buf, sizeof(buf));
		fprintf(f, "%s %s %s", sep, vb_json_str(e, "name"), buf);
		sep = ";";
	}
	if (!*sep)
		fprintf(f, " no environment to compare with a baseline");
	fclose(f);
	wrap(out, width, top, strcmp(top, "") ? "      " : "    ", text);
	free(text);
}

/* One flag, briefly ("triad CV 11.3%", "steal in 2 of 5 repetitions"). */
static void flag_text(const json_t *f, FILE *out)
{
	const char *kind = vb_json_str(f, "flag");
	json_int_t reps = json_integer_value(json_object_get(f, "reps")),
		   of = json_integer_value(json_object_get(f, "of"));

	if (!strcmp(kind, "cv"))
		fprintf(out, "%s CV %.1f%%", vb_json_str(f, "metric"), vb_table_num(f, "cv") * 100);
	else if (!strcmp(kind, "steal"))
		fprintf(out,
			"steal time above %.0f%% in %" JSON_INTEGER_FORMAT
			" of %" JSON_INTEGER_FORMAT " repetitions",
			vb_table_num(f, "threshold") * 100, reps, of);
	else if (!strcmp(kind, "clock"))
		fprintf(out,
			"guest and host clocks disagree in %" JSON_INTEGER_FORMAT
			" of %" JSON_INTEGER_FORMAT " repetitions",
			reps, of);
	else if (!strcmp(kind, "stalled"))
		fprintf(out,
			"stalled in %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
			" repetitions (host time far beyond the agent's own)",
			reps, of);
	else
		fprintf(out,
			"%" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
			" repetitions failed (%s)",
			reps, of, vb_json_str(f, "detail") ?: "");
}

/* The workloads an environment does not run (a "-" in its column), and why. */
static void not_run(FILE *out, size_t width, const json_t *sum)
{
	const json_t *e;
	size_t i, n = 0;
	char *text;

	json_array_foreach(json_object_get(sum, "environments"), i, e) {
		if (!(text = vb_table_not_run(e)))
			continue;
		if (!n++)
			wrap(out, width, "\n", "", "not run (\"-\" in the tables):");
		wrapf(out, width, "  ", "    ", "%s: %s", vb_json_str(e, "name"), text);
		free(text);
	}
}

/* The flags, one line per environment and workload (wrapped to @width);
 * then the unavailable environments, one line each with the reason. */
static void print_flags(const json_t *sum, size_t width, FILE *out)
{
	json_t *flags = json_object_get(sum, "flags"), *f, *prev = NULL, *e;
	char *text = NULL;
	size_t i, len = 0;
	FILE *line = NULL;

	if (json_array_size(flags))
		wrapf(out, width, "\n", "  ",
		      "flags (CV above %.0f%%, steal, clocks, stalls, failures):",
		      vb_table_num(json_object_get(sum, "statistics"), "cv_threshold") * 100);
	json_array_foreach(flags, i, f) {
		if (line && !strcmp(vb_json_str(prev, "env"), vb_json_str(f, "env")) &&
		    !strcmp(vb_json_str(prev, "workload"), vb_json_str(f, "workload"))) {
			fputs(", ", line);
		} else {
			if (line && fclose(line) == 0)
				wrap(out, width, "  ", "    ", text);
			free(text);
			text = NULL;
			if (!(line = open_memstream(&text, &len)))
				return;
			fprintf(line, "%s %s: ", vb_json_str(f, "env"), vb_json_str(f, "workload"));
		}
		flag_text(f, line);
		prev = f;
	}
	if (line && fclose(line) == 0)
		wrap(out, width, "  ", "    ", text);
	free(text);
	json_array_foreach(json_object_get(json_object_get(sum, "unavailable"), "environments"), i,
			   e) {
		if (!i)
			wrap(out, width, "\n", "",
			     "unavailable (not measured, in no table):");
		wrapf(out, width, "  ", "    ", "%s: %s", vb_json_str(e, "name"), vb_json_str(e, "reason"));
	}
	not_run(out, width, sum);
}

/* Widths: workload column, metric column, and one per environment (its name or widest cell). */
static void table_widths(const json_t *sum, size_t *ww, size_t *mw, size_t *cw)
{
	json_t *envs = json_object_get(sum, "environments"), *e, *w;
	char cell[CELL];
	size_t i, j;

	*ww = 8;
	*mw = 6;
	json_array_foreach(json_object_get(sum, "workloads"), j, w) {
		*ww = strlen(vb_json_str(w, "name")) + 2 > *ww ? strlen(vb_json_str(w, "name")) + 2 : *ww;
		*mw = strlen(vb_json_str(w, "primary_metric")) > *mw ? strlen(vb_json_str(w, "primary_metric"))
							      : *mw;
	}
	json_array_foreach(envs, i, e) {
		cw[i] = strlen(vb_json_str(e, "name"));
		json_array_foreach(json_object_get(sum, "workloads"), j, w) {
			table_cell(sum, e, w, " !", cell, sizeof(cell));
			cw[i] = strlen(cell) > cw[i] ? strlen(cell) : cw[i];
		}
	}
}

/* The environments [@from, @to): one row per workload, a verdict line per group. */
static void table_block(const json_t *sum, size_t from, size_t to, size_t ww, size_t mw,
			const size_t *cw, size_t width, FILE *out)
{
	json_t *envs = json_object_get(sum, "environments"), *w, *g;
	char cell[CELL];
	size_t i, j, gi;
	int base = vb_json_str(sum, "baseline") != NULL;

	fprintf(out, "\n%-*s  %-*s", (int)ww, "workload", (int)mw, "metric");
	for (i = from; i < to; i++)
		fprintf(out, "  %-*s", i + 1 < to ? (int)cw[i] : 0,
			vb_json_str(json_array_get(envs, i), "name"));
	fputc('\n', out);
	json_array_foreach(json_object_get(sum, "groups"), gi, g) {
		if (!strcmp(vb_json_str(g, "kind"), "all")) {
			if (base)
				verdict_line(g, envs, from, to, base, width, out);
			continue;
		}
		fprintf(out, "%s\n", vb_json_str(g, "label"));
		json_array_foreach(json_object_get(sum, "workloads"), j, w) {
			if (strcmp(vb_json_str(w, "kind"), vb_json_str(g, "kind")))
				continue;
			fprintf(out, "  %-*s  %-*s", (int)ww - 2, vb_json_str(w, "name"), (int)mw,
				vb_json_str(w, "primary_metric"));
			for (i = from; i < to; i++) {
				table_cell(sum, json_array_get(envs, i), w, " !", cell,
					   sizeof(cell));
				fprintf(out, "  %-*s", i + 1 < to ? (int)cw[i] : 0, cell);
			}
			fputc('\n', out);
		}
		if (base)
			verdict_line(g, envs, from, to, base, width, out);
	}
}

void vb_table_print_width(const json_t *sum, size_t width, FILE *out)
{
	json_t *envs = json_object_get(sum, "environments"), *stats = json_object_get(sum, "statistics"),
	       *e, *w, *notes;
	size_t nenv = json_array_size(envs), *cw = calloc(nenv + 1, sizeof(size_t)), ww, mw, i,
	       from, used;
	const char *base = vb_json_str(sum, "baseline");
	char rule[256], *legend = NULL;
	size_t llen = 0;
	FILE *f;
	int indicative = 0;

	if (!cw)
		return;
	print_headline(sum, width, out);
	notes = vb_table_warnings(sum);
	json_array_foreach(notes, i, w)
		wrapf(out, width, i ? "" : "\n", "  ", "NOTE: %s", json_string_value(w));
	json_decref(notes);
	json_array_foreach(json_object_get(sum, "results"), i, w)
		indicative |=
		    json_integer_value(json_object_get(w, "reps_ok")) < VB_STATS_INDICATIVE_N;
	if (base) {
		wrapf(out, width, "\n", "",
		      "Overhead: time per unit of work relative to %s (x1.00 = none, x2.00 = twice "
		      "as slow), median ratio [%.0f%% bootstrap interval, %" JSON_INTEGER_FORMAT
		      " resamples]; * = slower or faster, = = equivalent; ! = CV above %.0f%%.",
		      base, vb_table_num(stats, "level") * 100,
		      json_integer_value(json_object_get(stats, "resamples")),
		      vb_table_num(stats, "cv_threshold") * 100);
		wrapf(out, width, "", "", "%s.", vb_table_fmt_rule(sum, rule, sizeof(rule)));
	} else
		wrap(out, width, "\n", "", "No baseline environment: medians only.");
	if (indicative)
		wrapf(out, width, "", "", "Fewer than %d repetitions: the intervals are indicative.",
		      VB_STATS_INDICATIVE_N);
	if ((f = open_memstream(&legend, &llen))) {
		json_array_foreach(envs, i, e)
			fprintf(f, "%s%s = %s, %s%s%s", i ? "; " : "", vb_json_str(e, "name"),
				vb_json_str(e, "type") ?: "", vb_json_str(e, "mechanism") ?: "",
				vb_json_str(e, "net_mode") ? ", network mode " : "", vb_json_str(e, "net_mode") ?: "");
		if (fclose(f) == 0 && nenv)
			wrap(out, width, "", "  ", legend);
		free(legend);
	}
	table_widths(sum, &ww, &mw, cw);
	/* blocks of the environments that fit the width beside the workload columns */
	for (from = 0; from < nenv; from = i) {
		used = ww + 2 + mw;
		for (i = from; i < nenv && (i == from || !width || used + 2 + cw[i] <= width); i++)
			used += 2 + cw[i];
		table_block(sum, from, i, ww, mw, cw, width, out);
	}
	print_flags(sum, width, out);
	legend = NULL;
	if ((f = open_memstream(&legend, &llen))) { /* density and noisy: rows too wide are folded */
		vb_table_capacity(sum, f, 0);
		if (fclose(f) == 0)
			fit_lines(out, width, legend);
		free(legend);
	}
	free(cw);
}

void vb_table_print(const json_t *sum, FILE *out)
{
	vb_table_print_width(sum, vb_table_width(out, 0), out);
}

void vb_table_summary(const json_t *run, int wide, FILE *out)
{
	vb_summary_cfg_t cfg;
	vb_error_t err;
	json_t *sum;

	vb_error_clear(&err);
	vb_summary_cfg_init(&cfg);
	cfg.margin = NAN;
	vb_summary_cfg_margin(&cfg, run); /* as `vbench run --margin` recorded it */
	sum = vb_summary_build(run, &cfg, &err);
	if (!sum) {
		fprintf(out, "\nno summary: %s\n", err.msg);
		return;
	}
	vb_table_print_width(sum, vb_table_width(out, wide), out);
	json_decref(sum);
}
