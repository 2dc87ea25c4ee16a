/*
 * table_fmt.c - the number and text formatting every printer shares
 * (table.h): numbers, ratios, overheads with their intervals, verdicts,
 * coefficients of variation, sizes and times with their units.
 * Formatting only: the numbers come from the summary.
 */
#include "harness/output/table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analysis/summary.h"
#include "harness/analysis/verdict.h"
#include "lib/json.h"

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

char *vb_table_fmt_bytes(double b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	char d[32];
	size_t u = 0;

	if (!isfinite(b) || b < 0)
		return vb_table_fmt_num(b, buf, len);
	while (b >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		b /= 1024;
		u++;
	}
	snprintf(d, sizeof(d), u == 0 || b >= 100 || b == (double)(long long)b ? "%.0f" : "%.3g",
		 b);
	snprintf(buf, len, "%s %s", d, unit[u]);
	return buf;
}

/* Whether @key ends in @suffix. */
static int ends(const char *key, const char *suffix)
{
	size_t k = strlen(key), n = strlen(suffix);

	return k > n && !strcmp(key + k - n, suffix);
}

const char *vb_table_fmt_unit(const char *key, const json_t *v, char *buf, size_t len)
{
	double x = json_number_value(v), s;
	char d[32];

	if (!key || !json_is_number(v))
		return NULL;
	if (ends(key, "_bytes") || !strcmp(key, "bytes"))
		return vb_table_fmt_bytes(x, buf, len);
	s = ends(key, "_ns") ? x / 1e9 : ends(key, "_us") ? x / 1e6 : ends(key, "_ms") ? x / 1e3
	  : ends(key, "_s")  ? x
			     : NAN;
	if (isnan(s))
		return NULL;
	if (fabs(s) < 1 && s != 0)
		snprintf(buf, len, "%s ms", vb_table_fmt_num(s * 1e3, d, sizeof(d)));
	else
		snprintf(buf, len, "%s s", vb_table_fmt_num(s, d, sizeof(d)));
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

char *vb_table_fmt_verdict(const json_t *o, char *buf, size_t len)
{
	const char *v = vb_json_str(o, "verdict"), *why = vb_json_str(o, "undecided");
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

char *vb_table_fmt_geomean(const json_t *ge, int baseline, char *buf, size_t len)
{
	char o[64], v[64];

	if ((!ge || json_is_null(ge)) && baseline) /* no ratio of any workload of it */
		snprintf(buf, len, "not measured");
	else if (!ge || json_is_null(ge))
		snprintf(buf, len, "no ratio (no baseline)");
	else if (json_integer_value(json_object_get(ge, "workloads")))
		snprintf(buf, len, "%s %s",
			 vb_table_fmt_overhead(vb_table_num(ge, "geomean"),
					       vb_table_num(ge, "ci_low"),
					       vb_table_num(ge, "ci_high"), o, sizeof(o)),
			 vb_table_fmt_verdict(ge, v, sizeof(v)));
	else
		snprintf(buf, len, "undecided (too few repetitions)");
	return buf;
}
