/*
 * report.c - the terminal summary of a run (report.h).
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* Values of metric @m of workload @w in environment @env, into @out. */
static size_t collect_metric(const json_t *reps, const char *w, const char *env, const char *m,
			     double *out, size_t max)
{
	size_t i, n = 0;
	json_t *r;

	json_array_foreach(reps, i, r) {
		if (n == max || !json_is_true(json_object_get(r, "ok")) ||
		    strcmp(json_string_value(json_object_get(r, "workload")) ?: "", w) ||
		    strcmp(json_string_value(json_object_get(r, "env")) ?: "", env))
			continue;
		out[n++] = json_number_value(
			json_object_get(json_object_get(json_object_get(r, "result"), "metrics"), m));
	}
	return n;
}

/* Median of the baseline environment's primary metric, NaN if none. */
static double baseline_median(const json_t *reps, const json_t *envs, const char *w,
			      const char *m, double *v, size_t max)
{
	vb_summary_t s;
	size_t j;
	json_t *e;

	json_array_foreach(envs, j, e) {
		if (!json_is_true(json_object_get(e, "baseline")))
			continue;
		if (vb_summarize(v, collect_metric(reps, w, json_string_value(json_object_get(e, "name")),
						   m, v, max),
				 &s) == 0)
			return s.median;
	}
	return NAN;
}

void vb_report_summary(const json_t *run, FILE *out)
{
	json_t *reps = json_object_get(run, "repetitions"), *envs = json_object_get(run, "environments");
	json_t *wls = json_object_get(run, "workloads"), *w, *e, *m0;
	size_t max = json_array_size(reps) + 1, i, j;
	double *v = malloc(sizeof(double) * max), base, ratio;
	const char *wname, *mname;
	int higher;
	vb_summary_t s;

	if (!v)
		return;
	/* The run's warnings (a virtualized "bare metal" host first) head every report. */
	json_array_foreach(json_object_get(run, "warnings"), i, w)
		fprintf(out, "%sNOTE: %s\n", i ? "" : "\n", json_string_value(w) ?: "");
	fprintf(out, "\n%-16s %-20s %-11s", "workload", "metric", "unit");
	json_array_foreach(envs, j, e)
		fprintf(out, " %20s", json_string_value(json_object_get(e, "name")));
	fputc('\n', out);
	json_array_foreach(wls, i, w) {
		wname = json_string_value(json_object_get(w, "name"));
		m0 = json_array_get(json_object_get(w, "metrics"), 0);
		mname = json_string_value(json_object_get(m0, "name"));
		if (!wname || !mname)
			continue;
		higher = !strcmp(json_string_value(json_object_get(m0, "better")) ?: "", "higher");
		base = baseline_median(reps, envs, wname, mname, v, max);
		fprintf(out, "%-16s %-20s %-11s", wname, mname,
			json_string_value(json_object_get(m0, "unit")) ?: "");
		json_array_foreach(envs, j, e) {
			if (!json_is_true(json_object_get(e, "available"))) {
				fprintf(out, " %20s", "unavailable");
				continue;
			}
			if (vb_summarize(v, collect_metric(reps, wname,
							   json_string_value(json_object_get(e, "name")),
							   mname, v, max),
					 &s) < 0) {
				fprintf(out, " %20s", "-");
			} else if (json_is_true(json_object_get(e, "baseline")) || !isfinite(base)) {
				fprintf(out, " %13.4g cv%3.0f%%", s.median, s.cv * 100);
			} else {
				/* Time per unit of work relative to the baseline. */
				ratio = higher ? base / s.median : s.median / base;
				fprintf(out, " %11.4g (x%5.2f)", s.median, ratio);
			}
		}
		fputc('\n', out);
	}
	free(v);
}
