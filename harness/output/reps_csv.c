/*
 * reps_csv.c - repetitions.csv (table.h): the raw data, one row per
 * repetition of a (merged) run, contended ones included, with what the
 * host saw around each (steal, CPU share, pressure, run queue).  RFC 4180
 * as summary.csv; text through vb_text_put_csv.  Formatting only.
 */
#include "harness/output/table.h"

#include <jansson.h>
#include <stdio.h>

#include "lib/textsafe.h"

static const char *const columns[] = {
	"seq", "env", "workload", "rep", "attempt", "session", "ok", "contended", "metric", "value",
	"elapsed_ns", "host_elapsed_ns", "host_cpu_ns", "steal_ns", "cpu_share", "share_source",
	"cpu_pressure_share", "runq_wait_ns", "guest_steal_ns", "stalled", "error_kind",
};

/* A JSON number or boolean as a field; empty when absent or null. */
static void value(FILE *out, const json_t *v, int last)
{
	if (json_is_integer(v))
		fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		fprintf(out, "%.6g", json_real_value(v));
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "true" : "false", out);
	fputs(last ? "\r\n" : ",", out);
}

static void text(FILE *out, const json_t *v)
{
	vb_text_put_csv(out, json_string_value(v));
	fputc(',', out);
}

static void rows(const json_t *reps, const json_t *wls, FILE *out)
{
	const json_t *r, *w, *res, *c, *metric = NULL;
	size_t i, k;
	const char *name;

	json_array_foreach(reps, i, r) {
		res = json_object_get(r, "result");
		c = json_object_get(r, "contention");
		name = NULL;
		json_array_foreach(wls, k, w)
			if (json_equal(json_object_get(w, "name"), json_object_get(r, "workload")))
				name = json_string_value(json_object_get(
				    json_array_get(json_object_get(w, "metrics"), 0), "name"));
		metric = name ? json_object_get(json_object_get(res, "metrics"), name) : NULL;
		value(out, json_object_get(r, "seq"), 0);
		text(out, json_object_get(r, "env"));
		text(out, json_object_get(r, "workload"));
		value(out, json_object_get(r, "rep"), 0);
		if (json_object_get(r, "attempt"))
			value(out, json_object_get(r, "attempt"), 0);
		else
			fputs("1,", out);
		value(out, json_object_get(r, "session"), 0);
		value(out, json_object_get(r, "ok"), 0);
		fputs(json_is_true(json_object_get(r, "contended")) ? "true," : "false,", out);
		vb_text_put_csv(out, name);
		fputc(',', out);
		value(out, metric, 0);
		value(out, json_object_get(res, "elapsed_ns"), 0);
		value(out, json_object_get(r, "host_elapsed_ns"), 0);
		value(out, json_object_get(r, "host_cpu_ns"), 0);
		value(out, json_object_get(r, "steal_ns"), 0);
		value(out, json_object_get(c, "cpu_share"), 0);
		text(out, json_object_get(c, "share_source"));
		value(out, json_object_get(c, "cpu_pressure_share"), 0);
		value(out, json_object_get(c, "runq_wait_ns"), 0);
		value(out, json_object_get(c, "guest_steal_ns"), 0);
		value(out, json_object_get(json_object_get(r, "stall_check"), "stalled"), 0);
		vb_text_put_csv(out, json_string_value(json_object_get(r, "error_kind")));
		fputs("\r\n", out);
	}
}

void vb_report_reps_csv(const json_t *run, FILE *out)
{
	size_t i;

	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		fprintf(out, "%s%s", columns[i], i + 1 < sizeof(columns) / sizeof(columns[0]) ? "," : "\r\n");
	rows(json_object_get(run, "repetitions"), json_object_get(run, "workloads"), out);
	rows(json_object_get(run, "repetitions_left_out"), json_object_get(run, "workloads"), out);
}
