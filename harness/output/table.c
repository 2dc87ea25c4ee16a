/*
 * report.c - the terminal overhead table (report.h) and the number
 * formatting shared by every printer.  Nothing here computes a statistic:
 * the numbers come from the summary (summary.c, stats.c).
 */
#include "harness/output/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"

#define MAX_HEADER 36 /* widest environment header before it is shortened */

/* ---- formatting helpers ---- */

double vb_table_num(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

char *vb_table_fmt_num(double v, char *buf, size_t len)
{
	double a = fabs(v);

	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (a >= 9999.5 && a < 1e12)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 1e-3 || a == 0)
		snprintf(buf, len, "%.4g", v);
	else
		snprintf(buf, len, "%.3e", v);
	return buf;
}

/* A ratio's digits without the "x". */
static void ratio_digits(double r, char *buf, size_t len)
{
	snprintf(buf, len, r < 10 ? "%.2f" : r < 100 ? "%.1f" : r < 1e6 ? "%.0f" : "%.3g", r);
}

char *vb_table_fmt_ratio(double r, char *buf, size_t len)
{
	char d[32];

	if (!isfinite(r)) {
		snprintf(buf, len, "-");
		return buf;
	}
	ratio_digits(r, d, sizeof(d));
	snprintf(buf, len, "x%s", d);
	return buf;
}

char *vb_table_fmt_overhead(double r, double lo, double hi, char *buf, size_t len)
{
	char a[32], b[32], c[32];

	if (!isfinite(r))
		snprintf(buf, len, "-");
	else if (!isfinite(lo) || !isfinite(hi))
		vb_table_fmt_ratio(r, buf, len);
	else {
		ratio_digits(lo, b, sizeof(b));
		ratio_digits(hi, c, sizeof(c));
		snprintf(buf, len, "%s [%s-%s]", vb_table_fmt_ratio(r, a, sizeof(a)), b, c);
	}
	return buf;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

char *vb_table_fmt_verdict(const json_t *o, char *buf, size_t len)
{
	const char *v = jstr(o, "verdict"), *why = jstr(o, "undecided");
	json_int_t more = json_integer_value(json_object_get(o, "more_reps"));

	if (!v)
		snprintf(buf, len, "-");
	else if (more)
		snprintf(buf, len, "%s (~%s%" JSON_INTEGER_FORMAT " more rep%s)", v,
			 more >= VB_VERDICT_MAX_MORE ? ">" : "", more, more == 1 ? "" : "s");
	else if (why && strcmp(why, vb_verdict_undecided_name(VB_UNDECIDED_WIDE)))
		snprintf(buf, len, "%s (%s)", v, why);
	else
		snprintf(buf, len, "%s", v);
	return buf;
}

char *vb_table_fmt_rule(const json_t *summary, char *buf, size_t len)
{
	json_t *m = json_object_get(json_object_get(summary, "statistics"), "margin");

	vb_verdict_rule_line(json_is_number(m) ? json_number_value(m) : VB_VERDICT_MARGIN, NULL,
			     buf, len);
	return buf;
}

char *vb_table_fmt_cv(double cv, char *buf, size_t len)
{
	if (isfinite(cv))
		snprintf(buf, len, "%.1f%%", cv * 100);
	else
		snprintf(buf, len, "n/a");
	return buf;
}

/* ---- the terminal table ---- */

#define CELL 64

/* "type (mechanism)", shortened to @width as "container (namespaces+cgroups ...)". */
static void env_header(const json_t *e, size_t width, char *buf, size_t len)
{
	size_t cut;

	snprintf(buf, len, "%s (%s)", jstr(e, "type") ?: "", jstr(e, "mechanism") ?: "");
	if (strlen(buf) <= width || width < 8)
		return;
	cut = width - 4;
	while (cut > width / 2 && buf[cut] != ' ')
		cut--;
	while (cut > 0 && buf[cut - 1] == ' ')
		cut--;
	snprintf(buf + cut, len - cut, " ...)");
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
	const char *metric = jstr(w, "primary_metric");
	const json_t *r = vb_summary_result(sum, jstr(e, "name"), jstr(w, "name"));
	json_t *m = json_object_get(json_object_get(r, "metrics"), metric), *ov;
	char num[32], o[CELL], cv[16];
	int unstable;

	if (!json_is_true(json_object_get(e, "available")) && !r) {
		snprintf(buf, len, "unavailable");
		return;
	}
	if (!m) {
		snprintf(buf, len, "-");
		return;
	}
	unstable = json_is_true(json_object_get(m, "unstable"));
	ov = json_object_get(m, "overhead");
	if (!ov) {
		snprintf(buf, len, "%s %s cv %s%s",
			 vb_table_fmt_num(vb_table_num(m, "median"), num, sizeof(num)),
			 jstr(m, "unit") ?: "",
			 vb_table_fmt_cv(vb_table_num(m, "cv"), cv, sizeof(cv)),
			 unstable ? cv_mark : "");
		return;
	}
	vb_table_fmt_overhead(vb_table_num(ov, "ratio"), vb_table_num(ov, "ci_low"),
			       vb_table_num(ov, "ci_high"), o, sizeof(o));
	snprintf(buf, len, "%s%s%s", o, verdict_mark(jstr(ov, "verdict")), unstable ? cv_mark : "");
}

/* One verdict line per group: every non-baseline environment's geometric mean. */
static void verdict_line(const json_t *g, const json_t *envs, FILE *out)
{
	const char *sep = "";
	json_t *e, *ge;
	char buf[CELL], v[64];
	size_t i;

	fprintf(out, "%s%s verdict (geometric mean):", strcmp(jstr(g, "kind"), "all") ? "  " : "",
		jstr(g, "label"));
	json_array_foreach(envs, i, e) {
		ge = json_object_get(json_object_get(g, "envs"), jstr(e, "name"));
		if (!ge)
			continue;
		if (json_integer_value(json_object_get(ge, "workloads")))
			fprintf(out, "%s %s %s %s", sep, jstr(e, "name"),
				vb_table_fmt_overhead(
				    vb_table_num(ge, "geomean"), vb_table_num(ge, "ci_low"),
				    vb_table_num(ge, "ci_high"), buf, sizeof(buf)),
				vb_table_fmt_verdict(ge, v, sizeof(v)));
		else
			fprintf(out, "%s %s undecided (too few repetitions)", sep,
				jstr(e, "name"));
		sep = ";";
	}
	if (!*sep)
		fprintf(out, " no environment to compare with a baseline");
	fputc('\n', out);
}

/* One flag, briefly ("triad CV 11.3%", "steal in 2 of 5 repetitions"). */
static void flag_text(const json_t *f, FILE *out)
{
	const char *kind = jstr(f, "flag");
	json_int_t reps = json_integer_value(json_object_get(f, "reps")),
		   of = json_integer_value(json_object_get(f, "of"));

	if (!strcmp(kind, "cv"))
		fprintf(out, "%s CV %.1f%%", jstr(f, "metric"), vb_table_num(f, "cv") * 100);
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
			reps, of, jstr(f, "detail") ?: "");
}

/* The flags, one line per environment and workload; then the unavailable environments. */
static void print_flags(const json_t *sum, FILE *out)
{
	json_t *flags = json_object_get(sum, "flags"), *f, *prev = NULL, *e;
	size_t i;

	if (json_array_size(flags))
		fprintf(out, "\nflags (CV above %.0f%%, steal, clocks, stalls, failures):",
			vb_table_num(json_object_get(sum, "statistics"), "cv_threshold") * 100);
	json_array_foreach(flags, i, f) {
		if (prev && !strcmp(jstr(prev, "env"), jstr(f, "env")) &&
		    !strcmp(jstr(prev, "workload"), jstr(f, "workload")))
			fputs(", ", out);
		else
			fprintf(out, "\n  %s %s: ", jstr(f, "env"), jstr(f, "workload"));
		flag_text(f, out);
		prev = f;
	}
	if (prev)
		fputc('\n', out);
	json_array_foreach(json_object_get(json_object_get(sum, "unavailable"), "environments"), i,
			   e)
		fprintf(out, "%s  %s: %s\n", i ? "" : "\nunavailable:\n", jstr(e, "name"),
			jstr(e, "reason"));
}

/* Widths: workload column, metric column, and one per environment. */
static void table_widths(const json_t *sum, size_t *ww, size_t *mw, size_t *cw)
{
	json_t *envs = json_object_get(sum, "environments"), *e, *w;
	char cell[CELL], hdr[160];
	size_t i, j, l;

	*ww = 8;
	*mw = 6;
	json_array_foreach(json_object_get(sum, "workloads"), j, w) {
		*ww = strlen(jstr(w, "name")) + 2 > *ww ? strlen(jstr(w, "name")) + 2 : *ww;
		*mw = strlen(jstr(w, "primary_metric")) > *mw ? strlen(jstr(w, "primary_metric"))
							      : *mw;
	}
	json_array_foreach(envs, i, e) {
		env_header(e, 1000, hdr, sizeof(hdr));
		l = strlen(hdr) < MAX_HEADER ? strlen(hdr) : MAX_HEADER;
		cw[i] = strlen(jstr(e, "name")) > l ? strlen(jstr(e, "name")) : l;
		json_array_foreach(json_object_get(sum, "workloads"), j, w) {
			table_cell(sum, e, w, " !", cell, sizeof(cell));
			cw[i] = strlen(cell) > cw[i] ? strlen(cell) : cw[i];
		}
	}
}

void vb_table_print(const json_t *sum, FILE *out)
{
	json_t *envs = json_object_get(sum, "environments"),
	       *wls = json_object_get(sum, "workloads");
	json_t *stats = json_object_get(sum, "statistics"), *e, *w, *g;
	size_t nenv = json_array_size(envs), *cw = calloc(nenv + 1, sizeof(size_t)), ww, mw, i, j,
	       gi;
	const char *base = jstr(sum, "baseline");
	char cell[CELL], hdr[160], rule[256];
	int indicative = 0;

	if (!cw)
		return;
	json_array_foreach(json_object_get(sum, "warnings"), i, w)
		fprintf(out, "%sNOTE: %s\n", i ? "" : "\n", json_string_value(w));
	json_array_foreach(json_object_get(sum, "results"), i, w)
		indicative |=
		    json_integer_value(json_object_get(w, "reps_ok")) < VB_STATS_INDICATIVE_N;
	if (base)
		fprintf(
		    out,
		    "\nOverhead: time per unit of work relative to %s (x1.00 = none, x2.00 = twice "
		    "as slow),\nmedian ratio [%.0f%% bootstrap interval, %" JSON_INTEGER_FORMAT
		    " resamples]; * = slower or faster, = = equivalent; ! = CV above %.0f%%.\n%s.\n",
		    base, vb_table_num(stats, "level") * 100,
		    json_integer_value(json_object_get(stats, "resamples")),
		    vb_table_num(stats, "cv_threshold") * 100, vb_table_fmt_rule(sum, rule, sizeof(rule)));
	else
		fprintf(out, "\nNo baseline environment: medians only.\n");
	if (indicative)
		fprintf(out, "Fewer than %d repetitions: the intervals are indicative.\n",
			VB_STATS_INDICATIVE_N);
	table_widths(sum, &ww, &mw, cw);
	fprintf(out, "\n%*s  %*s", (int)ww, "", (int)mw, "");
	json_array_foreach(envs, i, e)
		fprintf(out, "  %-*s", i + 1 < nenv ? (int)cw[i] : 0, jstr(e, "name"));
	fprintf(out, "\n%-*s  %-*s", (int)ww, "workload", (int)mw, "metric");
	json_array_foreach(envs, i, e) {
		env_header(e, cw[i], hdr, sizeof(hdr));
		fprintf(out, "  %-*s", i + 1 < nenv ? (int)cw[i] : 0, hdr);
	}
	fputc('\n', out);
	json_array_foreach(json_object_get(sum, "groups"), gi, g) {
		if (!strcmp(jstr(g, "kind"), "all")) {
			if (base)
				verdict_line(g, envs, out);
			continue;
		}
		fprintf(out, "%s\n", jstr(g, "label"));
		json_array_foreach(wls, j, w) {
			if (strcmp(jstr(w, "kind"), jstr(g, "kind")))
				continue;
			fprintf(out, "  %-*s  %-*s", (int)ww - 2, jstr(w, "name"), (int)mw,
				jstr(w, "primary_metric"));
			json_array_foreach(envs, i, e) {
				table_cell(sum, e, w, " !", cell, sizeof(cell));
				fprintf(out, "  %-*s", i + 1 < nenv ? (int)cw[i] : 0, cell);
			}
			fputc('\n', out);
		}
		if (base)
			verdict_line(g, envs, out);
	}
	print_flags(sum, out);
	vb_table_capacity(sum, out, 0);
	free(cw);
}

void vb_table_summary(const json_t *run, FILE *out)
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
	vb_table_print(sum, out);
	json_decref(sum);
}
