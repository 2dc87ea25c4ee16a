/*
 * csv.c - summary.csv (table.h): the group and overall rows of each
 * environment, then one row per environment, workload and quantity, RFC
 * 4180.  Formatting only; the column order is documented
 * in table.h and docs/statistics.md and is part of the interface.  Text
 * from the run goes through vb_text_put_csv (textsafe.h): quoted when it
 * must be, control characters shown escaped, a cell that would start a
 * spreadsheet formula (= + - @) prefixed with "'".
 */
#include "harness/output/table.h"

#include <math.h>
#include <string.h>

#include "harness/analysis/summary.h"
#include "lib/json.h"
#include "lib/textsafe.h"

static const char *const columns[] = {
	"env",
	"workload",
	"kind",
	"source",
	"metric",
	"unit",
	"better",
	"n",
	"median",
	"ci_low",
	"ci_high",
	"cv",
	"indicative",
	"overhead",
	"overhead_ci_low",
	"overhead_ci_high",
	"verdict",
	"host_cost_ratio",
	"status",
	"note",
};
#define NCOLS (sizeof(columns) / sizeof(columns[0]))

/* One text field (textsafe.h), then the separator. */
static void field(FILE *out, const char *s, int last)
{
	vb_text_put_csv(out, s);
	fputs(last ? "\r\n" : ",", out);
}

/* A number field: 6 significant digits, empty when it does not exist (a
 * number, never taken for a formula). */
static void num_field(FILE *out, const json_t *o, const char *key)
{
	double v = vb_table_num(o, key);

	if (isfinite(v))
		fprintf(out, "%.6g", v);
	fputc(',', out);
}

/*
 * The row of one quantity @q (NULL when there is no value) of environment
 * @env, workload @w.
 */
static void row(FILE *out, const char *env, const json_t *w, const char *source, const char *name,
		const char *unit, const char *better, const json_t *q, const json_t *host_cost,
		const char *status, const char *note)
{
	json_t *ov = json_object_get(q, "overhead"), *hov = json_object_get(host_cost, "overhead");
	char n[24] = "";

	field(out, env, 0);
	field(out, vb_json_str(w, "name"), 0);
	field(out, vb_json_str(w, "kind"), 0);
	field(out, source, 0);
	field(out, name, 0);
	field(out, unit, 0);
	field(out, better, 0);
	if (json_is_integer(json_object_get(q, "n")))
		snprintf(n, sizeof(n), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(q, "n")));
	field(out, n, 0);
	num_field(out, q, "median");
	num_field(out, q, "ci_low");
	num_field(out, q, "ci_high");
	num_field(out, q, "cv");
	field(out, q ? (json_is_true(json_object_get(q, "indicative")) ? "true" : "false") : "", 0);
	num_field(out, ov, "ratio");
	num_field(out, ov, "ci_low");
	num_field(out, ov, "ci_high");
	field(out, vb_json_str(ov, "verdict"), 0);
	num_field(out, hov, "ratio");
	field(out, status, 0);
	field(out, note, 1);
}

/* Every row of environment @e for workload @w. */
static void env_rows(FILE *out, const json_t *sum, const json_t *e, const json_t *w)
{
	const char *env = vb_json_str(e, "name"), *name;
	const json_t *r = vb_summary_result(sum, env, vb_json_str(w, "name"));
	json_t *m, *q, *hc = json_object_get(r, "host_cost");
	size_t i;

	json_array_foreach(json_object_get(w, "metrics"), i, m) {
		q = json_object_get(json_object_get(r, "metrics"), vb_json_str(m, "name"));
		row(out, env, w, "metric", vb_json_str(m, "name"), vb_json_str(m, "unit"), vb_json_str(m, "better"), q,
		    hc, q ? "ok" : "no-data", q ? "" : "no successful repetition");
	}
	if (!r)
		return;
	if (json_is_false(json_object_get(hc, "available")))
		row(out, env, w, "host", "host_cpu_s_per_op", "s/op", "lower", NULL, NULL,
		    "unavailable", vb_json_str(hc, "reason"));
	else
		row(out, env, w, "host", "host_cpu_s_per_op", "s/op", "lower", hc, hc, "ok", "");
	json_object_foreach(json_object_get(r, "counters"), name, q) {
		if (json_is_false(json_object_get(q, "available")))
			row(out, env, w, "counter", name, "per op", "lower", NULL, hc,
			    "unavailable", vb_json_str(q, "reason"));
		else
			row(out, env, w, "counter", name, "per op", "lower", q, hc, "ok", "");
	}
}

/*
 * The rows of the groups, first: per group (kind cpu, mem, io, ...; "all"
 * overall) and environment, the geometric mean of the overheads over the
 * group's workloads with its interval and verdict (summary.json "groups").
 */
static void group_rows(FILE *out, const json_t *sum)
{
	const char *name, *kind;
	json_t *g, *ge;
	char n[24], note[160];
	size_t i;

	json_array_foreach(json_object_get(sum, "groups"), i, g) {
		kind = vb_json_str(g, "kind") ?: "";
		json_object_foreach(json_object_get(g, "envs"), name, ge) {
			field(out, name, 0);
			field(out, "", 0); /* no one workload */
			field(out, kind, 0);
			field(out, strcmp(kind, "all") ? "group" : "overall", 0);
			field(out, "overhead_geomean", 0);
			field(out, "ratio", 0);
			field(out, "lower", 0);
			snprintf(n, sizeof(n), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(ge, "reps")));
			field(out, n, 0);
			fputs(",,,,", out); /* median, ci_low, ci_high, cv: of a metric */
			field(out, json_is_true(json_object_get(ge, "indicative")) ? "true" : "false",
			      0);
			num_field(out, ge, "geomean");
			num_field(out, ge, "ci_low");
			num_field(out, ge, "ci_high");
			field(out, vb_json_str(ge, "verdict"), 0);
			field(out, "", 0); /* host_cost_ratio */
			field(out, "ok", 0);
			snprintf(note, sizeof(note),
				 "%s: geometric mean over %" JSON_INTEGER_FORMAT " workload(s)%s",
				 vb_json_str(g, "label") ?: kind,
				 json_integer_value(json_object_get(ge, "workloads")),
				 vb_json_str(ge, "undecided") ? "; undecided: " : "");
			if (vb_json_str(ge, "undecided"))
				snprintf(note + strlen(note), sizeof(note) - strlen(note), "%s",
					 vb_json_str(ge, "undecided"));
			field(out, note, 1);
		}
	}
}

void vb_report_csv(const json_t *sum, FILE *out)
{
	json_t *e, *w;
	size_t i, j;

	for (i = 0; i < NCOLS; i++)
		field(out, columns[i], i == NCOLS - 1);
	group_rows(out, sum);
	json_array_foreach(json_object_get(sum, "environments"), i, e)
		json_array_foreach(json_object_get(sum, "workloads"), j, w)
			env_rows(out, sum, e, w);
}
