/*
 * summary_input.c - the input side of a summary (summary.h): check that a
 * run.json has every field the statistics read, with the right type, and
 * merge runs of the same host into one document.
 *
 * vb_runfile_load checks the schema name and version; a truncated file fails
 * there.  A hand-edited file fails here, with one line naming the file and
 * the field, so `vbench report` can refuse it before anything is written.
 */
#include "harness/analysis/summary.h"
#include "harness/analysis/summary_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analysis/stats.h"
#include "harness/core/runfile.h"
#include "harness/env/env.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "lib/util.h"

/* ---- checking one run ---- */

/* "PATH: field 'FIELD' WHAT" (VB_EUSAGE); returns -1. */
static int bad_field(vb_error_t *err, const char *path, const char *field, const char *what)
{
	return vb_error_set(err, VB_EUSAGE, 0, "%s: field '%s' %s", path, field, what);
}

static int is_str(const json_t *o, const char *key)
{
	return json_is_string(json_object_get(o, key));
}

static int is_nonneg_int(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* Index of the element of @arr whose "name" is @name, or -1. */
static long find_named(const json_t *arr, const char *name)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "name")) ?: "", name))
			return (long)i;
	return -1;
}

static int check_env(const json_t *e, size_t i, const char *path, vb_error_t *err)
{
	static const char *const strs[] = { "name", "type", "mechanism" };
	static const char *const bools[] = { "available", "baseline" };
	json_t *reason = json_object_get(e, "reason");
	vb_env_arch_t arch;
	vb_env_mech_t mech;
	char f[96];
	size_t k;

	if (!json_is_object(e))
		return snprintf(f, sizeof(f), "environments[%zu]", i),
		       bad_field(err, path, f, "is not an object");
	for (k = 0; k < 3; k++)
		if (!is_str(e, strs[k]) || (!k && !*json_string_value(json_object_get(e, "name"))))
			return snprintf(f, sizeof(f), "environments[%zu].%s", i, strs[k]),
			       bad_field(err, path, f, "is missing or not a string");
	for (k = 0; k < 2; k++)
		if (!json_is_boolean(json_object_get(e, bools[k])))
			return snprintf(f, sizeof(f), "environments[%zu].%s", i, bools[k]),
			       bad_field(err, path, f, "is missing or not a boolean");
	if (reason && !json_is_string(reason) && !json_is_null(reason))
		return snprintf(f, sizeof(f), "environments[%zu].reason", i),
		       bad_field(err, path, f, "is not a string");
	if (json_object_get(e, "class") && vb_env_record_class(e, &arch, &mech) < 0)
		return snprintf(f, sizeof(f), "environments[%zu].class", i),
		       bad_field(err, path, f,
				 "is not an architecture and a mechanism this vbench knows");
	return 0;
}

static int check_workload(const json_t *w, size_t i, const char *path, vb_error_t *err)
{
	const char *kind = json_string_value(json_object_get(w, "kind")), *better;
	json_t *metrics = json_object_get(w, "metrics"), *m;
	char f[96];
	size_t j;

	if (!is_str(w, "name"))
		return snprintf(f, sizeof(f), "workloads[%zu].name", i),
		       bad_field(err, path, f, "is missing or not a string");
	if (!kind || (strcmp(kind, "cpu") && strcmp(kind, "mem") && strcmp(kind, "io") &&
		      strcmp(kind, "net") && strcmp(kind, "app")))
		return snprintf(f, sizeof(f), "workloads[%zu].kind", i),
		       bad_field(err, path, f, "is not one of cpu, mem, io, net, app");
	if (!json_is_array(metrics) || !json_array_size(metrics))
		return snprintf(f, sizeof(f), "workloads[%zu].metrics", i),
		       bad_field(err, path, f, "is missing or empty");
	json_array_foreach(metrics, j, m) {
		better = json_string_value(json_object_get(m, "better"));
		if (!is_str(m, "name") || !is_str(m, "unit"))
			return snprintf(f, sizeof(f), "workloads[%zu].metrics[%zu]", i, j),
			       bad_field(err, path, f, "lacks a name or a unit");
		if (!better || (strcmp(better, "higher") && strcmp(better, "lower")))
			return snprintf(f, sizeof(f), "workloads[%zu].metrics[%zu].better", i, j),
			       bad_field(err, path, f, "is not \"higher\" or \"lower\"");
	}
	return 0;
}

static int check_result(const json_t *res, size_t i, const char *path, vb_error_t *err)
{
	json_t *metrics = json_object_get(res, "metrics"),
	       *counters = json_object_get(res, "counters"), *v;
	const char *key;
	char f[160];

	if (!json_is_object(res))
		return snprintf(f, sizeof(f), "repetitions[%zu].result", i),
		       bad_field(err, path, f, "is missing or not an object");
	if (!is_nonneg_int(json_object_get(res, "ops")))
		return snprintf(f, sizeof(f), "repetitions[%zu].result.ops", i),
		       bad_field(err, path, f, "is missing or not a non-negative integer");
	if (json_object_get(res, "elapsed_ns") &&
	    !is_nonneg_int(json_object_get(res, "elapsed_ns")))
		return snprintf(f, sizeof(f), "repetitions[%zu].result.elapsed_ns", i),
		       bad_field(err, path, f, "is not a non-negative integer");
	if (!json_is_object(metrics))
		return snprintf(f, sizeof(f), "repetitions[%zu].result.metrics", i),
		       bad_field(err, path, f, "is missing or not an object");
	json_object_foreach(metrics, key, v)
		if (!json_is_number(v))
			return snprintf(f, sizeof(f), "repetitions[%zu].result.metrics.%s", i, key),
			       bad_field(err, path, f, "is not a number");
	if (counters && !json_is_object(counters))
		return snprintf(f, sizeof(f), "repetitions[%zu].result.counters", i),
		       bad_field(err, path, f, "is not an object");
	json_object_foreach(counters, key, v) {
		if (json_is_integer(json_object_get(v, "value")) ||
		    (json_is_false(json_object_get(v, "available")) && is_str(v, "reason")))
			continue;
		snprintf(f, sizeof(f), "repetitions[%zu].result.counters.%s", i, key);
		return bad_field(err, path, f, "has neither an integer value nor a reason");
	}
	return 0;
}

static int check_rep(const json_t *run, const json_t *r, size_t i, const char *path,
		     vb_error_t *err)
{
	static const char *const counts[] = { "host_elapsed_ns", "steal_ns" };
	json_t *cpu = json_object_get(r, "host_cpu_ns");
	char f[96];
	size_t k;

	if (!is_str(r, "env") || find_named(json_object_get(run, "environments"),
					    json_string_value(json_object_get(r, "env"))) < 0)
		return snprintf(f, sizeof(f), "repetitions[%zu].env", i),
		       bad_field(err, path, f, "does not name an environment of the run");
	if (!is_str(r, "workload") ||
	    find_named(json_object_get(run, "workloads"),
		       json_string_value(json_object_get(r, "workload"))) < 0)
		return snprintf(f, sizeof(f), "repetitions[%zu].workload", i),
		       bad_field(err, path, f, "does not name a workload of the run");
	if (!json_is_boolean(json_object_get(r, "ok")))
		return snprintf(f, sizeof(f), "repetitions[%zu].ok", i),
		       bad_field(err, path, f, "is missing or not a boolean");
	for (k = 0; k < 2; k++)
		if (json_object_get(r, counts[k]) && !is_nonneg_int(json_object_get(r, counts[k])))
			return snprintf(f, sizeof(f), "repetitions[%zu].%s", i, counts[k]),
			       bad_field(err, path, f, "is not a non-negative integer");
	if (cpu && !json_is_null(cpu) && !is_nonneg_int(cpu))
		return snprintf(f, sizeof(f), "repetitions[%zu].host_cpu_ns", i),
		       bad_field(err, path, f, "is not a non-negative integer or null");
	if (json_is_true(json_object_get(r, "ok")))
		return check_result(json_object_get(r, "result"), i, path, err);
	return 0;
}

int vb_summary_check_run(const json_t *run, const char *path, vb_error_t *err)
{
	static const char *const arrays[] = { "environments", "workloads", "repetitions",
					      "warnings" };
	const char *name;
	size_t i, k;
	char f[96];
	json_t *e;

	if (!json_is_object(run))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: not a JSON object", path);
	for (k = 0; k < 4; k++)
		if (!json_is_array(json_object_get(run, arrays[k])))
			return bad_field(err, path, arrays[k], "is missing or not an array");
	if (!json_is_object(json_object_get(run, "host")))
		return bad_field(err, path, "host", "is missing or not an object");
	json_array_foreach(json_object_get(run, "warnings"), i, e)
		if (!json_is_string(e))
			return snprintf(f, sizeof(f), "warnings[%zu]", i),
			       bad_field(err, path, f, "is not a string");
	json_array_foreach(json_object_get(run, "environments"), i, e) {
		if (check_env(e, i, path, err) < 0)
			return -1;
		name = json_string_value(json_object_get(e, "name"));
		if ((size_t)find_named(json_object_get(run, "environments"), name) != i)
			return snprintf(f, sizeof(f), "environments[%zu].name", i),
			       bad_field(err, path, f, "repeats an earlier environment");
	}
	json_array_foreach(json_object_get(run, "workloads"), i, e) {
		if (check_workload(e, i, path, err) < 0)
			return -1;
		name = json_string_value(json_object_get(e, "name"));
		if ((size_t)find_named(json_object_get(run, "workloads"), name) != i)
			return snprintf(f, sizeof(f), "workloads[%zu].name", i),
			       bad_field(err, path, f, "repeats an earlier workload");
	}
	json_array_foreach(json_object_get(run, "repetitions"), i, e)
		if (check_rep(run, e, i, path, err) < 0)
			return -1;
	return 0;
}

/* ---- merging runs ---- */

static void free_copies(json_t **c, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		json_decref(c[k]);
}

/* The facts of one run a report lists. New reference. */
static json_t *run_facts(const json_t *run)
{
	static const char *const keys[] = { "created", "updated", "status", "vbench_version",
					    "command" };
	json_t *o = json_object(), *opts = json_object_get(run, "options"), *v;
	size_t k;

	for (k = 0; k < VB_ARRAY_SIZE(keys); k++)
		json_object_set_new(
		    o, keys[k], (v = json_object_get(run, keys[k])) ? json_incref(v) : json_null());
	json_object_set_new(o, "profile",
			    json_incref(json_object_get(opts, "profile") ?: json_null()));
	json_object_set_new(o, "reps", json_incref(json_object_get(opts, "reps") ?: json_null()));
	return o;
}

/* String at dotted @field ("host.cpu.brand") of @run, or NULL. */
static const char *str_at(const json_t *run, const char *a, const char *b, const char *c)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(run, a), b), c));
}

/* Refuse to merge runs of different hosts; names the field. */
static int same_host(const json_t *r0, const char *p0, const json_t *r, const char *p,
		     vb_error_t *err)
{
	static const char *const fields[][3] = { { "host", "cpu", "brand" },
						 { "host", "kernel", "release" } };
	const char *a, *b;
	size_t k;

	for (k = 0; k < 2; k++) {
		a = str_at(r0, fields[k][0], fields[k][1], fields[k][2]);
		b = str_at(r, fields[k][0], fields[k][1], fields[k][2]);
		if (!a)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "%s: field '%s.%s.%s' is missing: cannot tell whether "
					    "the merged runs come from one host",
					    p0, fields[k][0], fields[k][1], fields[k][2]);
		if (!b)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "%s: field '%s.%s.%s' is missing: cannot tell whether "
					    "the merged runs come from one host",
					    p, fields[k][0], fields[k][1], fields[k][2]);
		if (strcmp(a, b))
			return vb_error_set(err, VB_EUSAGE, 0,
					    "%s: field '%s.%s.%s' is \"%s\", not \"%s\" as in %s: "
					    "runs of different hosts cannot be merged (--fleet compares "
					    "them host by host)",
					    p, fields[k][0], fields[k][1], fields[k][2], b, a, p0);
	}
	return 0;
}

/* Refuse the same run twice: its repetitions would count twice. */
static int distinct_runs(json_t *const *runs, const char *const *paths, size_t k, vb_error_t *err)
{
	const char *ck = json_string_value(json_object_get(runs[k], "created"));
	size_t j;

	for (j = 0; ck && j < k; j++)
		if (!strcmp(json_string_value(json_object_get(runs[j], "created")) ?: "", ck))
			return vb_error_set(
			    err, VB_EUSAGE, 0,
			    "%s: field 'created' is the same as in %s (%s): the "
			    "same run given twice would count its repetitions twice",
			    paths[k], paths[j], ck);
	return 0;
}

/* Warn when workload @w of @path has parameters other than @first's. */
static void compare_params(json_t *warnings, const json_t *first, const json_t *w,
			   const char *path0, const char *path)
{
	const char *calib = json_string_value(
		       json_object_get(json_object_get(w, "calibration"), "param")),
		   *key, *a, *b;
	json_t *pa = json_object_get(first, "params"), *pb = json_object_get(w, "params"), *v;
	char msg[512];

	json_object_foreach(pb, key, v) {
		if (calib && !strcmp(key, calib))
			continue;
		a = json_string_value(json_object_get(pa, key));
		b = json_string_value(v);
		if (a && b && !strcmp(a, b))
			continue;
		snprintf(msg, sizeof(msg),
			 "workload %s: parameter '%s' differs between merged runs (%s in %s, %s in "
			 "%s): their repetitions are pooled anyway",
			 json_string_value(json_object_get(w, "name")), key, a ?: "unset", path0,
			 b ?: "unset", path);
		json_array_append_new(warnings, json_string(msg));
	}
}

/* Append @s to @arr unless an equal string is there. */
static void append_unique(json_t *arr, json_t *s)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (json_equal(e, s))
			return;
	json_array_append(arr, s);
}

/* Union of run @k's environments and workloads into @envs / @wls. */
static void merge_named(json_t *envs, json_t *wls, json_t *warnings, json_t *const *runs,
			const char *const *paths, size_t k)
{
	json_t *e;
	long at;
	size_t i, j;

	json_array_foreach(json_object_get(runs[k], "environments"), i, e) {
		at = find_named(envs, json_string_value(json_object_get(e, "name")));
		if (at < 0)
			json_array_append(envs, e);
		else if (!json_is_true(
			     json_object_get(json_array_get(envs, (size_t)at), "available")) &&
			 json_is_true(json_object_get(e, "available")))
			json_array_set(envs, (size_t)at, e);
	}
	json_array_foreach(json_object_get(runs[k], "workloads"), i, e) {
		at = find_named(wls, json_string_value(json_object_get(e, "name")));
		if (at < 0) {
			json_array_append(wls, e);
			continue;
		}
		/* The run the first record came from, for the warning. */
		for (j = 0; j < k; j++)
			if (find_named(json_object_get(runs[j], "workloads"),
				       json_string_value(json_object_get(e, "name"))) >= 0)
				break;
		compare_params(warnings, json_array_get(wls, (size_t)at), e, paths[j], paths[k]);
	}
}

/* Deep copies of @in's @n runs into @out, every string in the terminal
 * form (textsafe.h): what the summary holds is printable anywhere.  0, or
 * -1 without memory. */
static int clean_copies(json_t *const *in, size_t n, json_t **out)
{
	size_t k;

	for (k = 0; k < n; k++) {
		out[k] = json_deep_copy(in[k]);
		if (!out[k]) {
			free_copies(out, k);
			return -1;
		}
		vb_text_clean_json(out[k]);
	}
	return 0;
}

/*
 * Run @run's repetitions into @reps, its contended ones (run_reps.c) only
 * when the run kept them for the statistics ("contention.keep_contended",
 * vbench run --keep-contended), else into @left_out (the raw data,
 * repetitions.csv, shows them); each environment's count of contended
 * repetitions into @counts ({env: {contended, of, left_out}}).
 */
static void add_reps(json_t *reps, json_t *left_out, json_t *counts, const json_t *run)
{
	int keep = json_is_true(
	    json_object_get(json_object_get(run, "contention"), "keep_contended"));
	json_t *r, *c;
	const char *env;
	size_t i;
	int cont;

	json_array_foreach(json_object_get(run, "repetitions"), i, r) {
		env = json_string_value(json_object_get(r, "env"));
		cont = json_is_true(json_object_get(r, "contended"));
		if (!(c = json_object_get(counts, env)))
			json_object_set_new(counts, env,
					    c = json_pack("{s:i,s:i,s:i}", "contended", 0, "of", 0,
							  "left_out", 0));
		json_object_set_new(c, "of", json_integer(json_integer_value(json_object_get(c, "of")) + 1));
		if (cont)
			json_object_set_new(c, "contended",
					    json_integer(json_integer_value(json_object_get(c, "contended")) + 1));
		if (cont && !keep) {
			json_object_set_new(c, "left_out",
					    json_integer(json_integer_value(json_object_get(c, "left_out")) + 1));
			json_array_append(left_out, r);
		} else
			json_array_append(reps, r);
	}
}

/* One warning per environment with contended repetitions; @counts is
 * dropped when none was (summary.json's "contention" otherwise). */
static void contention_warnings(json_t *doc, json_t *warnings, json_t *counts)
{
	const char *env;
	json_t *c;
	int any = 0;

	json_object_foreach(counts, env, c) {
		json_int_t k = json_integer_value(json_object_get(c, "contended")),
			   out = json_integer_value(json_object_get(c, "left_out"));
		if (!k)
			continue;
		any = 1;
		json_array_append_new(
		    warnings,
		    json_sprintf("%s: %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
				 " repetitions contended (the measured code got less of its CPU "
				 "than the threshold), %s the statistics",
				 env, k, json_integer_value(json_object_get(c, "of")),
				 out ? "left out of" : "kept in (--keep-contended)"));
	}
	if (any)
		json_object_set_new(doc, "contention", json_pack("{s:o}", "environments", counts));
	else
		json_decref(counts);
}

json_t *vb_summary_merge(json_t *const *in, const char *const *paths, size_t n, vb_error_t *err)
{
	json_t *doc, *envs, *wls, *reps, *warnings, *facts, *e, *runs[VB_SUMMARY_MAX_RUNS], *counts,
	    *left_out;
	const char *status;
	char msg[512];
	size_t k, i;

	if (!n)
		return vb_error_set(err, VB_EUSAGE, 0, "no run to summarise"), NULL;
	if (n > VB_SUMMARY_MAX_RUNS)
		return vb_error_set(err, VB_EUSAGE, 0, "%zu runs: at most %d can be merged", n,
				    VB_SUMMARY_MAX_RUNS),
		       NULL;
	if (clean_copies(in, n, runs) < 0)
		return vb_error_set(err, VB_ESYS, ENOMEM, "merge runs: out of memory"), NULL;
	for (k = 0; k < n; k++)
		if (vb_summary_check_run(runs[k], paths[k], err) < 0 ||
		    (k && same_host(runs[0], paths[0], runs[k], paths[k], err) < 0) ||
		    distinct_runs(runs, paths, k, err) < 0) {
			free_copies(runs, n);
			return NULL;
		}
	envs = json_array();
	wls = json_array();
	reps = json_array();
	warnings = json_array();
	facts = json_array();
	counts = json_object();
	left_out = json_array();
	for (k = 0; k < n; k++) {
		json_array_foreach(json_object_get(runs[k], "warnings"), i, e)
			append_unique(warnings, e);
		merge_named(envs, wls, warnings, runs, paths, k);
		add_reps(reps, left_out, counts, runs[k]);
		json_array_append_new(facts, run_facts(runs[k]));
		status = json_string_value(json_object_get(runs[k], "status"));
		if (status && strcmp(status, "complete")) {
			snprintf(msg, sizeof(msg),
				 "%s%s has status '%s': results may be incomplete",
				 n > 1 ? "run " : "the run", n > 1 ? paths[k] : "", status);
			json_array_append_new(warnings, json_string(msg));
		}
	}
	doc =
	    json_pack("{s:O,s:O,s:o,s:o,s:o,s:o,s:o,s:b}", "host", json_object_get(runs[0], "host"),
		      "allocation", json_object_get(runs[0], "allocation") ?: json_null(),
		      "environments", envs, "workloads", wls, "repetitions", reps, "warnings",
		      warnings, "runs", facts, "merged", n > 1);
	if (doc) {
		contention_warnings(doc, warnings, counts);
		json_object_set_new(doc, "repetitions_left_out", left_out);
	} else {
		json_decref(counts);
		json_decref(left_out);
	}
	for (k = 0; doc && k < n; k++) {
		vb_summary_carry(doc, runs[k]);
		/* the operations of the last run that measured them */
		if (json_is_object(json_object_get(runs[k], "operations")))
			json_object_set_new(doc, "operations",
					    json_deep_copy(json_object_get(runs[k], "operations")));
	}
	free_copies(runs, n);
	if (!doc)
		vb_error_set(err, VB_ESYS, 0, "merge runs: out of memory");
	return doc;
}

/*
 * The verdict of every noisy-neighbour slowdown in @noisy, decided again by
 * this version's rule (verdict.h): the runner records the 95% interval
 * only, so the verdict is slower, faster or undecided (never equivalent),
 * and undecided below VB_VERDICT_MIN_N repetitions a side whatever an
 * older vbench wrote.
 */
static void noisy_verdicts(json_t *noisy)
{
	json_t *env, *p, *sd;
	const char *name;
	size_t i, n;
	vb_ci_t ci;

	json_object_foreach(noisy, name, env) {
		json_array_foreach(json_object_get(env, "pairs"), i, p) {
			sd = json_object_get(p, "slowdown");
			if (!json_is_object(sd))
				continue;
			ci.lo = json_number_value(json_object_get(sd, "ci_low"));
			ci.hi = json_number_value(json_object_get(sd, "ci_high"));
			if (!json_is_number(json_object_get(sd, "ci_low")))
				ci.lo = ci.hi = NAN;
			n = json_array_size(json_object_get(p, "alone"));
			if (json_array_size(json_object_get(p, "with_aggressor")) < n)
				n = json_array_size(json_object_get(p, "with_aggressor"));
			json_object_set_new(sd, "verdict",
					    json_string(vb_verdict_name(n < VB_VERDICT_MIN_N
									    ? VB_VERDICT_UNDECIDED
									    : vb_verdict(&ci))));
			if (n < VB_VERDICT_MIN_N)
				json_object_set_new(sd, "undecided",
						    json_string(vb_verdict_undecided_name(VB_UNDECIDED_FEW)));
		}
	}
}

void vb_summary_carry(json_t *out, const json_t *run)
{
	static const char *const keys[] = { "density", "noisy", "contention" };
	json_t *src, *dst;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(keys); i++) {
		src = json_object_get(run, keys[i]);
		if (!json_is_object(src))
			continue;
		dst = json_object_get(out, keys[i]);
		if (!json_is_object(dst))
			json_object_set_new(out, keys[i], dst = json_object());
		json_object_update(dst, src);
	}
	/* a copy: the run's own objects are shared by the update above */
	dst = json_deep_copy(json_object_get(out, "noisy"));
	if (json_is_object(dst)) {
		noisy_verdicts(dst);
		json_object_set_new(out, "noisy", dst);
	}
}

/* ---- facts copied into the summary (summary_int.h) ---- */

json_t *vb_summary_host_json(const json_t *h)
{
	json_t *cpu = json_object_get(h, "cpu"), *k = json_object_get(h, "kernel");

#define J(v) json_incref((v) ?: json_null())
	return json_pack(
	    "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "cpu_vendor",
	    J(json_object_get(cpu, "vendor")), "cpu_brand", J(json_object_get(cpu, "brand")),
	    "logical_cpus", J(json_object_get(cpu, "logical_cpus")), "caches",
	    J(json_object_get(cpu, "caches")), "kernel_release", J(json_object_get(k, "release")),
	    "kernel_version", J(json_object_get(k, "version")), "machine",
	    J(json_object_get(k, "machine")), "virtualized", J(json_object_get(h, "virtualized")),
	    "hypervisor_vendor", J(json_object_get(h, "hypervisor_vendor")), "memory_total_bytes",
	    J(json_object_get(json_object_get(h, "memory"), "total_bytes")), "clocksource",
	    J(json_object_get(h, "clocksource")), "thp",
	    J(json_object_get(json_object_get(h, "thp"), "enabled")), "isa",
	    J(json_object_get(h, "isa")));
}

json_t *vb_summary_env_json(const json_t *e)
{
	static const char *const keys[] = {
		"name",	    "type",   "mechanism",	  "available",	     "reason",
		"baseline", "failed", "start_latency_ns", "stop_latency_ns", "memory_idle",
		"memory_after_mem_workload", "config", "net_mode", "network", "not_run"
	};
	json_t *o = json_object(), *v;
	vb_env_arch_t arch;
	vb_env_mech_t mech;
	size_t k;

	for (k = 0; k < VB_ARRAY_SIZE(keys); k++)
		if ((v = json_object_get(e, keys[k])))
			json_object_set(o, keys[k], v);
	json_object_set_new(o, "limits",
			    J(json_object_get(json_object_get(e, "config"), "limits")));
	vb_env_record_class(e, &arch, &mech); /* recorded, else its backend's */
	json_object_set_new(o, "class",
			    json_pack("{s:s,s:s}", "architecture", vb_env_arch_name(arch),
				      "mechanism", vb_env_mech_name(mech)));
	return o;
}
#undef J

/* The run's warning that its baseline host is a VM (by its fixed start). */
static int virtual_host_warning(const json_t *w)
{
	return json_is_string(w) &&
	       !strncmp(json_string_value(w), VB_WARN_VIRTUAL_HOST, strlen(VB_WARN_VIRTUAL_HOST));
}

json_t *vb_summary_warnings_json(const json_t *run)
{
	json_t *out = json_array(), *w;
	const json_t *host = json_object_get(run, "host");
	size_t i, pass;

	if (json_is_true(json_object_get(host, "virtualized"))) {
		json_array_foreach(json_object_get(run, "warnings"), i, w)
			if (virtual_host_warning(w))
				break;
		if (i == json_array_size(json_object_get(run, "warnings")))
			json_array_append_new(out, json_sprintf(VB_WARN_VIRTUAL_HOST_FMT,
								vb_json_str(host, "hypervisor_vendor") ?: "unknown"));
	}
	for (pass = 0; pass < 2; pass++)
		json_array_foreach(json_object_get(run, "warnings"), i, w)
			if (virtual_host_warning(w) != (int)pass)
				json_array_append(out, w);
	return out;
}

json_t *vb_summary_statistics_json(const vb_summary_cfg_t *cfg)
{
	char rule[256];
	json_t *j = json_pack(
	    "{s:s,s:s,s:f,s:I,s:I,s:s,s:i,s:s,s:s,s:f,s:f,s:f,s:I}", "center", "median", "interval",
	    "bootstrap percentile of the median (type 7 quantiles)", "level", cfg->level,
	    "resamples", (json_int_t)cfg->resamples, "seed", (json_int_t)cfg->seed, "prng",
	    "xorshift64* (vb_rand64), one stream per sample from the seed and its labels",
	    "indicative_below_n", VB_STATS_INDICATIVE_N, "ratio",
	    "time per unit of work relative to the baseline: baseline/env for "
	    "higher-is-better metrics, env/baseline for lower-is-better ones and for "
	    "counters and host CPU per operation",
	    "group", "geometric mean of the primary metrics' ratios", "cv_threshold",
	    cfg->cv_threshold, "steal_threshold", cfg->steal_threshold, "clock_tolerance",
	    VB_STATS_CLOCK_TOLERANCE, "permutation_resamples", (json_int_t)VB_STATS_PERM_RESAMPLES);

	vb_verdict_rule_line(cfg->margin, NULL, rule, sizeof(rule));
	json_object_set_new(j, "margin", json_real(cfg->margin));
	json_object_set_new(j, "equivalence_level", json_real(vb_verdict_equiv_level(cfg->level)));
	json_object_set_new(j, "min_reps", json_integer(VB_VERDICT_MIN_N));
	json_object_set_new(j, "verdicts", json_string(rule));
	return j;
}
