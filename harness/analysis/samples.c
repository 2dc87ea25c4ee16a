/*
 * samples.c - a run flattened into samples, and the repetitions the charts
 * draw (samples.h).  Every number here is read from run.json or computed
 * with stats.c; printers format what this returns.
 */
#include "harness/analysis/samples.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "lib/json.h"
#include "lib/textsafe.h"

/* The element of array @a whose "name" is @name, or NULL. */
static const json_t *named(const json_t *a, const char *name)
{
	const json_t *x;
	size_t i;

	json_array_foreach(a, i, x)
		if (name && !strcmp(vb_json_str(x, "name") ?: "", name))
			return x;
	return NULL;
}

/* Unix seconds of "YYYY-MM-DDTHH:MM:SS[.fff]Z" (run.json's times); NaN when it is not one. */
static double unix_seconds(const char *iso)
{
	struct tm tm;
	int ms = 0, n = 0;
	char z = 0;

	memset(&tm, 0, sizeof(tm));
	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return NAN;
	if (iso[n] == '.' && sscanf(iso + n, ".%3d%c", &ms, &z) != 2)
		return NAN;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double)timegm(&tm) + ms / 1000.0;
}

/* The run a repetition that started at @start belongs to: the created time
 * of the latest of the merged runs created before it, else the run's own. */
static const char *run_id_of(const json_t *run, const char *start)
{
	const json_t *r;
	const char *best = NULL, *c;
	size_t i;

	json_array_foreach(json_object_get(run, "runs"), i, r) {
		c = vb_json_str(r, "created");
		if (c && start && strcmp(c, start) <= 0 && (!best || strcmp(c, best) > 0))
			best = c;
	}
	if (!best && json_array_size(json_object_get(run, "runs")))
		best = vb_json_str(json_array_get(json_object_get(run, "runs"), 0), "created");
	return best ?: vb_json_str(run, "created") ?: "";
}

/* "CPU BRAND, Linux RELEASE[, a VENDOR guest]" (host.hostname first when recorded). */
static json_t *host_label(const json_t *run)
{
	const json_t *h = json_object_get(run, "host");
	const char *name = vb_json_str(h, "hostname"), *vendor = vb_json_str(h, "hypervisor_vendor");
	char buf[512];

	snprintf(buf, sizeof(buf), "%s%s%s, Linux %s%s%s%s", name ?: "", name ? ": " : "",
		 vb_json_str(json_object_get(h, "cpu"), "brand") ?: "unknown CPU",
		 vb_json_str(json_object_get(h, "kernel"), "release") ?: "?",
		 json_is_true(json_object_get(h, "virtualized")) ? ", a " : "",
		 json_is_true(json_object_get(h, "virtualized")) ? vendor ?: "virtual machine" : "",
		 json_is_true(json_object_get(h, "virtualized")) ? " guest" : "");
	return json_string(vb_text_utf8_cut(buf));
}

json_t *vb_samples_where(const json_t *run)
{
	const json_t *runs = json_object_get(run, "runs"), *first = json_array_get(runs, 0);
	const json_t *opts = json_object_get(run, "options");
	const char *created = first ? vb_json_str(first, "created") : vb_json_str(run, "created");
	const char *profile = first ? vb_json_str(first, "profile") : vb_json_str(opts, "profile");
	json_int_t reps = json_integer_value(json_object_get(first ?: opts, "reps"));
	json_t *host = host_label(run);
	char label[768], date[32] = "?";

	if (created) /* "2026-11-22T01:14:58.763Z" -> "2026-11-22 01:14 UTC" */
		snprintf(date, sizeof(date), "%.10s %.5s UTC", created,
			 strlen(created) > 11 ? created + 11 : "");
	snprintf(label, sizeof(label), "%s; run %s%s%s, profile %s, %lld repetitions",
		 json_string_value(host) ?: "", date, json_array_size(runs) > 1 ? " and later" : "",
		 json_array_size(runs) > 1 ? " (merged)" : "", profile ?: "?", (long long)reps);
	return json_pack("{s:o,s:s,s:s}", "host", host, "run_id", created ?: "", "label", label);
}

/* PerfKitBenchmarker's labels: "|key:value|,|key:value|" ('|' in a value as '/'). */
static json_t *pkb_labels(const json_t *s)
{
	static const char *const keys[] = { "environment", "type",	"mechanism", "workload",
					    "kind",	   "repetition", "direction", "host",
					    "run_id" };
	char *buf = NULL;
	const char *t;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	const json_t *v;
	json_t *out;

	if (!f)
		return NULL;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(s, keys[i]);
		fprintf(f, "%s|%s:", i ? "," : "", keys[i]);
		if (json_is_integer(v))
			fprintf(f, "%lld", (long long)json_integer_value(v));
		for (t = json_string_value(v) ?: ""; *t; t++)
			fputc(*t == '|' ? '/' : *t, f);
		fputc('|', f);
	}
	fclose(f);
	out = buf ? json_string(buf) : NULL;
	free(buf);
	return out;
}

/* The flags of repetition @r every sample of it carries. */
static void rep_flags(json_t *s, const json_t *r)
{
	json_t *c = json_object_get(r, "contention");
	double steal = (double)json_integer_value(json_object_get(r, "steal_ns"));

	json_object_set_new(s, "steal_ns", json_integer(json_integer_value(json_object_get(r, "steal_ns"))));
	json_object_set_new(
	    s, "steal",
	    json_boolean(vb_flag_steal(steal,
				       (double)json_integer_value(json_object_get(r, "host_elapsed_ns")),
				       VB_STATS_STEAL_THRESHOLD)));
	json_object_set_new(s, "stalled", json_boolean(json_is_true(json_object_get(
					      json_object_get(r, "stall_check"), "stalled"))));
	json_object_set_new(s, "guest_clock_suspect",
			    json_boolean(json_is_true(json_object_get(
				json_object_get(r, "clock_check"), "guest_clock_suspect"))));
	if (c)
		json_object_set(s, "contention", c);
}

json_t *vb_samples_build(const json_t *run)
{
	json_t *out = json_array(), *host = host_label(run), *r, *v, *s, *lab;
	const json_t *env, *wl, *def;
	const char *metric, *start;
	size_t i;

	if (!out || !host) {
		json_decref(out);
		json_decref(host);
		return NULL;
	}
	json_array_foreach(json_object_get(run, "repetitions"), i, r) {
		env = named(json_object_get(run, "environments"), vb_json_str(r, "env"));
		wl = named(json_object_get(run, "workloads"), vb_json_str(r, "workload"));
		start = vb_json_str(r, "start");
		json_object_foreach(json_object_get(json_object_get(r, "result"), "metrics"), metric,
				    v) {
			def = named(json_object_get(wl, "metrics"), metric);
			s = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:s,s:O,s:s}",
				      "metric", metric, "value",
				      json_is_number(v) ? json_real(json_number_value(v)) : json_null(),
				      "unit", vb_json_str(def, "unit") ?: "", "direction",
				      vb_json_str(def, "better") ?: "", "environment", vb_json_str(r, "env") ?: "",
				      "type", vb_json_str(env, "type") ?: "", "mechanism",
				      vb_json_str(env, "mechanism") ?: "", "workload",
				      vb_json_str(r, "workload") ?: "", "kind", vb_json_str(wl, "kind") ?: "",
				      "repetition", json_integer_value(json_object_get(r, "rep")),
				      "seq", json_integer_value(json_object_get(r, "seq")),
				      "timestamp",
				      isfinite(unix_seconds(start)) ? json_real(unix_seconds(start))
								    : json_null(),
				      "time", start ?: "", "host", host, "run_id",
				      run_id_of(run, start));
			if (!s)
				goto oom;
			rep_flags(s, r);
			lab = pkb_labels(s);
			if (!lab || json_object_set_new(s, "labels", lab) < 0 ||
			    json_array_append_new(out, s) < 0) {
				json_decref(s);
				goto oom;
			}
		}
	}
	json_decref(host);
	return out;
oom:
	json_decref(host);
	json_decref(out);
	return NULL;
}

/* ---- the charts' points ---- */

json_t *vb_samples_points(const json_t *run, const json_t *sum)
{
	const char *base = vb_json_str(sum, "baseline"), *env, *wname, *pm;
	json_t *out = json_object(), *r, *e, *w, *v;
	const json_t *wl, *bm;
	double bmed, x;
	int higher;
	size_t i;

	if (!out)
		return NULL;
	json_array_foreach(json_object_get(run, "repetitions"), i, r) {
		env = vb_json_str(r, "env");
		wname = vb_json_str(r, "workload");
		wl = named(json_object_get(sum, "workloads"), wname);
		pm = vb_json_str(wl, "primary_metric");
		v = json_object_get(json_object_get(json_object_get(r, "result"), "metrics"),
				    pm ?: "");
		if (!env || !wname || !json_is_number(v))
			continue;
		higher = !strcmp(vb_json_str(json_array_get(json_object_get(wl, "metrics"), 0), "better") ?: "",
				 "higher");
		bm = json_object_get(
		    json_object_get(vb_summary_result(sum, base ?: "", wname), "metrics"), pm);
		bmed = json_number_value(json_object_get(bm, "median"));
		if (!(e = json_object_get(out, env)))
			json_object_set_new(out, env, e = json_object());
		if (!(w = json_object_get(e, wname)))
			json_object_set_new(e, wname,
					    w = json_pack("{s:[],s:[]}", "values", "ratios"));
		if (!w)
			goto oom;
		x = base && bm ? vb_overhead_ratio(bmed, json_number_value(v), higher) : NAN;
		if (json_array_append_new(json_object_get(w, "values"),
					  json_real(json_number_value(v))) < 0 ||
		    json_array_append_new(json_object_get(w, "ratios"),
					  isfinite(x) ? json_real(x) : json_null()) < 0)
			goto oom;
	}
	return out;
oom:
	json_decref(out);
	return NULL;
}

json_t *vb_samples_counter_units(const json_t *run)
{
	json_t *out = json_object(), *r, *c;
	const char *name, *unit;
	size_t i;

	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		json_object_foreach(json_object_get(json_object_get(r, "result"), "counters"), name,
				    c)
			if ((unit = vb_json_str(c, "unit")) && out && !json_object_get(out, name))
				json_object_set_new(out, name, json_string(unit));
	return out;
}
