/*
 * compare.c - the computation of `vbench compare A B` (compare.h).
 *
 * This file gathers the repetitions of each environment, workload and
 * metric out of the two run.json documents and hands them to stats.c and
 * verdict.c.  What is reported is what is tested: the change of a metric is
 * a ratio of medians, its test the permutation test on the difference of
 * log-medians (exact when the relabellings are few enough to enumerate) and
 * its interval the bootstrap of the same statistic.  For every environment
 * but the baseline the verdict rests on the change of its overhead ratio to
 * the baseline within each run, so that a host that got faster or slower
 * between the runs (drift) moves both sides and cancels; its interval and
 * test come from one bootstrap of the four samples.  The verdict is one of
 * the four of verdict.h; below VB_VERDICT_MIN_N repetitions a side it is
 * "undecided (too few repetitions)".
 */
#include "harness/analysis/compare.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/core/runfile.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "harness/analysis/verdict.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "lib/util.h"

void vb_compare_cfg_init(vb_compare_cfg_t *cfg)
{
	cfg->resamples = VB_STATS_RESAMPLES;
	cfg->seed = VB_STATS_SEED;
	cfg->level = VB_STATS_LEVEL;
	cfg->alpha = VB_COMPARE_ALPHA;
	cfg->margin = VB_VERDICT_MARGIN;
	cfg->all_metrics = 0;
}

json_t *vb_compare_load(const char *dir, vb_error_t *err)
{
	char path[PATH_MAX];
	struct stat st;
	json_t *run;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: no such run directory", dir), NULL;
	if (vb_path_join(path, sizeof(path), dir, "run.json", err) < 0)
		return NULL;
	run = vb_runfile_load(path, err);
	if (run)
		vb_text_clean_json(run); /* the comparison quotes it: printable only */
	if (run && vb_summary_check_run(run, path, err) < 0) {
		json_decref(run);
		return NULL;
	}
	return run;
}

/* ---- facts of a run ---- */

/* Every string whose key ends in "version" under @v, as "PREFIX.KEY.…": into @out. */
static void find_versions(const json_t *v, const char *prefix, json_t *out, int depth)
{
	char path[512];
	const char *key;
	json_t *x;
	size_t len;

	if (!json_is_object(v) || depth > 8)
		return;
	json_object_foreach((json_t *)v, key, x) {
		snprintf(path, sizeof(path), "%s.%s", prefix, key);
		len = strlen(key);
		if (json_is_string(x) && len >= 7 && !strcmp(key + len - 7, "version"))
			json_object_set(out, path, x);
		else
			find_versions(x, path, out, depth + 1);
	}
}

static json_t *run_facts(const json_t *run, const char *dir)
{
	json_t *host = json_object_get(run, "host"), *opts = json_object_get(run, "options"),
	       *versions = json_object(), *e;
	size_t i;

	json_array_foreach(json_object_get(run, "environments"), i, e)
		if (vb_json_str(e, "name"))
			find_versions(json_object_get(e, "config"), vb_json_str(e, "name"), versions, 0);
#define S(v) ((v) ? json_string(v) : json_null())
	return json_pack(
	    "{s:s,s:o,s:o,s:o,s:o,s:o,s:O,s:o}", "dir", dir, "created", S(vb_json_str(run, "created")),
	    "cpu_brand", S(vb_json_str(json_object_get(host, "cpu"), "brand")), "kernel_release",
	    S(vb_json_str(json_object_get(host, "kernel"), "release")), "vbench_version",
	    S(vb_json_str(run, "vbench_version")), "profile", S(vb_json_str(opts, "profile")), "reps",
	    json_object_get(opts, "reps") ?: json_null(), "versions", versions);
#undef S
}

/* One line per fact that differs between the runs. */
static json_t *differences(const json_t *fa, const json_t *fb)
{
	static const char *const keys[] = { "cpu_brand", "kernel_release", "vbench_version",
					    "profile", "reps" };
	static const char *const labels[] = { "CPU", "kernel release", "vbench version", "profile",
					      "repetitions" };
	json_t *out = json_array(), *va = json_object_get(fa, "versions"),
	       *vb = json_object_get(fb, "versions"), *x, *y;
	const char *key;
	char *sa, *sb;
	size_t k;

	for (k = 0; k < VB_ARRAY_SIZE(keys); k++) {
		x = json_object_get(fa, keys[k]);
		y = json_object_get(fb, keys[k]);
		if (json_equal(x, y))
			continue;
		sa = json_dumps(x, JSON_ENCODE_ANY);
		sb = json_dumps(y, JSON_ENCODE_ANY);
		json_array_append_new(
		    out, json_sprintf("%s: %s (A) vs %s (B)", labels[k], sa ?: "?", sb ?: "?"));
		free(sa);
		free(sb);
	}
	json_object_foreach(va, key, x)
		if (!json_equal(x, json_object_get(vb, key)))
			json_array_append_new(out, json_sprintf("%s: \"%s\" (A) vs \"%s\" (B)", key,
								json_string_value(x),
								vb_json_str(vb, key) ?: "absent"));
	json_object_foreach(vb, key, y)
		if (!json_object_get(va, key))
			json_array_append_new(out, json_sprintf("%s: absent (A) vs \"%s\" (B)", key,
								json_string_value(y)));
	return out;
}

/* ---- one metric ---- */

typedef struct ctx {
	const vb_compare_cfg_t *cfg;
	const json_t *a, *b;	   /* the runs */
	const char *base;	   /* the baseline environment of both runs, NULL if none */
	double *v[4];		   /* values: baseline A, env A, baseline B, env B (scratch) */
	double *scratch;	   /* 5 x resamples doubles for compare_stat.c */
	json_t *counts;
} ctx_t;

/* Values of @metric over the successful repetitions of @env/@wl in @run. */
static size_t values(const json_t *run, const char *env, const char *wl, const char *metric,
		     double *out)
{
	json_t *r, *v;
	size_t i, n = 0;

	json_array_foreach(json_object_get(run, "repetitions"), i, r) {
		if (strcmp(vb_json_str(r, "env") ?: "", env) || strcmp(vb_json_str(r, "workload") ?: "", wl) ||
		    !json_is_true(json_object_get(r, "ok")))
			continue;
		v = json_object_get(json_object_get(json_object_get(r, "result"), "metrics"),
				    metric);
		if (json_is_number(v) && isfinite(json_number_value(v)))
			out[n++] = json_number_value(v);
	}
	return n;
}

/* The stream of one sample: (compare, @side, env, workload, metric). */
static uint64_t stream(const ctx_t *c, const char *side, const char *env, const char *wl,
		       const char *metric)
{
	const char *labels[] = { "compare", side, env, wl, metric };

	return vb_stats_stream(c->cfg->seed, labels, 5);
}

static void count(ctx_t *c, const char *key)
{
	json_object_set_new(c->counts, key,
			    json_integer(json_integer_value(json_object_get(c->counts, key)) + 1));
}

/*
 * The change of @env's overhead ratio to the baseline from run A to run B
 * (vb_compare_overhead; c->v[1] and c->v[3] hold @env's values, @n[1] and
 * @n[3] their numbers).  The baseline's samples are drawn from the streams
 * of its own row.  NULL without two values of the baseline on both sides.
 */
static json_t *overhead_json(ctx_t *c, const char *env, const char *wl, const char *name,
			     int higher, size_t n[4], vb_decision_t *d)
{
	uint64_t st[4] = { stream(c, "A", c->base, wl, name), stream(c, "A", env, wl, name),
			   stream(c, "B", c->base, wl, name), stream(c, "B", env, wl, name) };
	vb_compare_stat_t o;

	n[0] = values(c->a, c->base, wl, name, c->v[0]);
	n[2] = values(c->b, c->base, wl, name, c->v[2]);
	if (n[0] < 2 || n[2] < 2)
		return NULL;
	vb_compare_overhead((const double *const *)c->v, n, higher, c->cfg, st, c->scratch, &o);
	*d = o.d;
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:I}", "baseline", c->base, "a",
			 vb_json_real(vb_overhead_ratio(vb_median(c->v[0], n[0]),
						vb_median(c->v[1], n[1]), higher)),
			 "b",
			 vb_json_real(vb_overhead_ratio(vb_median(c->v[2], n[2]),
						vb_median(c->v[3], n[3]), higher)),
			 "ratio", vb_json_real(o.ratio), "change_pct", vb_json_real((o.ratio - 1) * 100), "ci_low",
			 vb_json_real(o.ci.lo), "ci_high", vb_json_real(o.ci.hi), "p", vb_json_real(o.p), "n_base_a",
			 (json_int_t)n[0], "n_base_b", (json_int_t)n[2]);
}

/*
 * The row of @env/@wl/@m: medians and the change of the metric with its
 * interval and test (vb_compare_metric), and for an environment other than
 * the baseline the change of its overhead ratio, on which its verdict rests.
 */
static json_t *row_json(ctx_t *c, const char *env, const char *wl, const json_t *m)
{
	const char *name = vb_json_str(m, "name");
	int higher = !strcmp(vb_json_str(m, "better") ?: "", "higher");
	size_t n[4] = { 0, values(c->a, env, wl, name, c->v[1]), 0,
			values(c->b, env, wl, name, c->v[3]) },
	       na = n[1], nb = n[3];
	uint64_t st[2] = { stream(c, "A", env, wl, name), stream(c, "B", env, wl, name) };
	vb_compare_stat_t s = { NAN, { NAN, NAN }, NAN,
				{ VB_VERDICT_UNDECIDED, VB_UNDECIDED_NODATA, 0 } };
	vb_decision_t d;
	json_t *j, *ov = NULL;

	if (!na && !nb)
		return NULL;
	if (na && nb)
		vb_compare_metric(c->v[1], na, c->v[3], nb, higher, c->cfg, st, c->scratch, &s);
	d = s.d;
	if (na && nb && c->base && strcmp(env, c->base))
		ov = overhead_json(c, env, wl, name, higher, n, &d);
	if (na && nb) {
		count(c, vb_verdict_name(d.verdict));
		if (d.why == VB_UNDECIDED_FEW)
			count(c, "too_few");
	} else {
		count(c, "one_run_only");
	}
	j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:b}",
		      "env", env, "workload", wl, "metric", name, "unit", vb_json_str(m, "unit") ?: "",
		      "better", vb_json_str(m, "better") ?: "", "status",
		      na && nb ? "ok"
		      : na     ? "only in A"
			       : "only in B",
		      "n_a", (json_int_t)na, "n_b", (json_int_t)nb, "median_a",
		      vb_json_real(na ? vb_median(c->v[1], na) : NAN), "median_b",
		      vb_json_real(nb ? vb_median(c->v[3], nb) : NAN), "ratio", vb_json_real(s.ratio), "change_pct",
		      vb_json_real((s.ratio - 1) * 100), "ci_low", vb_json_real(s.ci.lo), "ci_high", vb_json_real(s.ci.hi),
		      "p", vb_json_real(s.p), "basis", ov ? "overhead" : "metric", "significant",
		      d.verdict == VB_VERDICT_SLOWER || d.verdict == VB_VERDICT_FASTER);
	json_object_set_new(j, "overhead", ov ?: json_null());
	if (na && nb)
		vb_verdict_decision_json(&d, j);
	return j;
}

/* ---- names of both runs ---- */

/* The element of @arr named @name, or NULL. */
static json_t *named(const json_t *arr, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(arr, i, e)
		if (!strcmp(vb_json_str(e, "name") ?: "", name ?: ""))
			return e;
	return NULL;
}

/* @a's elements, then @b's whose name @a lacks (borrowed references). */
static json_t *union_named(const json_t *a, const json_t *b)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(a, i, e)
		json_array_append(out, e);
	json_array_foreach(b, i, e)
		if (!named(a, vb_json_str(e, "name")))
			json_array_append(out, e);
	return out;
}

/* Whether @run has a repetition of environment @env. */
static int has_reps(const json_t *run, const char *env)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		if (!strcmp(vb_json_str(r, "env") ?: "", env))
			return 1;
	return 0;
}

/* The baseline environment of run @run (marked baseline, with repetitions), or NULL. */
static const char *baseline_of(const json_t *run)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(run, "environments"), i, e)
		if (json_is_true(json_object_get(e, "baseline")) && has_reps(run, vb_json_str(e, "name")))
			return vb_json_str(e, "name");
	return NULL;
}

/* The metrics of workload @name in either run: the primary one (the first a
 * workload declares, workload.h), or all of them with --all-metrics. */
static json_t *metrics_of(const ctx_t *c, const char *name)
{
	json_t *ma = json_object_get(named(json_object_get(c->a, "workloads"), name), "metrics"),
	       *mb = json_object_get(named(json_object_get(c->b, "workloads"), name), "metrics"),
	       *all = union_named(ma, mb), *one;

	if (c->cfg->all_metrics || json_array_size(all) < 2)
		return all;
	one = json_pack("[O]", json_array_get(all, 0));
	json_decref(all);
	return one;
}

/*
 * One row per environment measured in both runs, workload and metric;
 * an environment measured in one run only goes to @only ("a" or "b"), once.
 */
static json_t *rows_json(ctx_t *c, json_t *only)
{
	json_t *envs = union_named(json_object_get(c->a, "environments"),
				   json_object_get(c->b, "environments")),
	       *wls = union_named(json_object_get(c->a, "workloads"),
				  json_object_get(c->b, "workloads")),
	       *rows = json_array(), *e, *w, *ms, *m, *r;
	const char *name;
	size_t ei, wi, mi;
	int in_a, in_b;

	json_array_foreach(envs, ei, e) {
		name = vb_json_str(e, "name");
		in_a = has_reps(c->a, name);
		in_b = has_reps(c->b, name);
		if (in_a != in_b)
			json_array_append_new(json_object_get(only, in_a ? "a" : "b"),
					      json_string(name));
		if (!in_a || !in_b)
			continue;
		json_array_foreach(wls, wi, w) {
			ms = metrics_of(c, vb_json_str(w, "name"));
			json_array_foreach(ms, mi, m)
				if ((r = row_json(c, name, vb_json_str(w, "name"), m)))
					json_array_append_new(rows, r);
			json_decref(ms);
		}
	}
	json_decref(envs);
	json_decref(wls);
	return rows;
}

/* The statistics section: the settings and what each test is. */
static json_t *statistics_json(const vb_compare_cfg_t *cfg, const char *base)
{
	char rule[256], test[64];

	snprintf(test, sizeof(test), "the bootstrap test's p below %g", cfg->alpha);
	vb_verdict_rule_line(cfg->margin, test, rule, sizeof(rule));
	return json_pack(
	    "{s:f,s:I,s:I,s:f,s:f,s:i,s:b,s:o,s:s,s:s,s:s,s:s,s:s}", "level", cfg->level,
	    "resamples", (json_int_t)cfg->resamples, "seed", (json_int_t)cfg->seed, "alpha", cfg->alpha,
	    "margin", cfg->margin, "min_reps", VB_VERDICT_MIN_N, "all_metrics", cfg->all_metrics,
	    "baseline", base ? json_string(base) : json_null(), "change",
	    "time per unit of work of B relative to A, minus 1 (positive = worse): "
	    "medianB/medianA for lower-is-better metrics, medianA/medianB for "
	    "higher-is-better ones",
	    "test",
	    "two-sided bootstrap test of no change on the ratio of medians (the difference of "
	    "log-medians), from the replicates that give its interval; for every environment "
	    "but the baseline, the ratio of its overhead ratios to the baseline within each "
	    "run (host drift cancels), resampling the four samples",
	    "interval", "bootstrap percentile interval of the ratio", "verdict",
	    "the overhead's for environments other than the baseline, the metric's for the "
	    "baseline: slower/faster when p < alpha, equivalent when the 90% interval is within "
	    "the margin",
	    "verdicts", rule);
}

json_t *vb_compare_build(const json_t *a, const char *name_a, const json_t *b, const char *name_b,
			 const vb_compare_cfg_t *cfg, vb_error_t *err)
{
	size_t n = json_array_size(json_object_get(a, "repetitions")) +
		   json_array_size(json_object_get(b, "repetitions")) + 1,
	       B = cfg->resamples + 1, k;
	ctx_t c = { .cfg = cfg, .a = a, .b = b };
	json_t *fa, *fb, *only = json_pack("{s:[],s:[]}", "a", "b"), *out = NULL;
	int ok;

	/* one baseline for both runs, or the metric alone is compared */
	c.base = baseline_of(a);
	if (!c.base || !baseline_of(b) || strcmp(c.base, baseline_of(b)))
		c.base = NULL;
	for (k = 0; k < 4; k++)
		c.v[k] = malloc(n * sizeof(double));
	c.scratch = malloc(5 * B * sizeof(double));
	ok = c.v[0] && c.v[1] && c.v[2] && c.v[3] && c.scratch;
	c.counts = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "slower", 0, "faster", 0, "equivalent",
			     0, "undecided", 0, "too_few", 0, "one_run_only", 0);
	if (ok && c.counts && only) {
		fa = run_facts(a, name_a);
		fb = run_facts(b, name_b);
		out = json_pack("{s:s,s:i,s:o,s:o,s:o,s:o,s:o,s:O,s:O}", "schema",
				VB_COMPARE_SCHEMA, "schema_version", VB_COMPARE_SCHEMA_VERSION,
				"statistics", statistics_json(cfg, c.base), "a", fa, "b", fb,
				"differences", differences(fa, fb), "rows", rows_json(&c, only),
				"counts", c.counts, "only_in", only);
	}
	if (!out)
		vb_error_set(err, VB_ESYS, 0, "compare: out of memory");
	json_decref(c.counts);
	json_decref(only);
	for (k = 0; k < 4; k++)
		free(c.v[k]);
	free(c.scratch);
	return out;
}

json_t *vb_compare_regressions(const json_t *cmp, double pct)
{
	json_t *out = json_array(), *r;
	size_t i;

	json_array_foreach(json_object_get(cmp, "rows"), i, r)
		if (!strcmp(vb_json_str(r, "verdict") ?: "", vb_verdict_name(VB_VERDICT_SLOWER)) &&
		    vb_compare_change(r) > pct)
			json_array_append(out, r);
	return out;
}

double vb_compare_change(const json_t *row)
{
	const json_t *ov = json_object_get(row, "overhead");
	json_t *v = json_object_get(json_is_object(ov) ? ov : row, "change_pct");

	return json_is_number(v) ? json_number_value(v) : NAN;
}

size_t vb_compare_count(const json_t *cmp, const char *key)
{
	return (size_t)json_integer_value(json_object_get(json_object_get(cmp, "counts"), key));
}
