/*
 * compare.c - the computation of `vbench compare A B` (compare.h).
 *
 * This file gathers the repetitions of each environment, workload and
 * metric out of the two run.json documents and hands them to stats.c: the
 * medians, the bootstrap interval of the ratio of medians (each side drawn
 * from its own stream derived from the seed and the sample's labels, as in a
 * summary), and the permutation test on the difference of means
 * (Firecracker's A/B test), exact when the relabellings are few enough
 * to enumerate (vb_permutation_test_exact).  With na and nb repetitions no permutation
 * p-value can fall below 1/C(na+nb, na) (2/C when na = nb, two-sided): when
 * that floor is not below alpha the verdict says "too few repetitions"
 * instead of pretending the change is insignificant.
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
#include "lib/textsafe.h"
#include "lib/util.h"

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

void vb_compare_cfg_init(vb_compare_cfg_t *cfg)
{
	cfg->resamples = VB_STATS_RESAMPLES;
	cfg->perm_resamples = VB_STATS_PERM_RESAMPLES;
	cfg->seed = VB_STATS_SEED;
	cfg->level = VB_STATS_LEVEL;
	cfg->alpha = VB_COMPARE_ALPHA;
	cfg->threshold = VB_COMPARE_THRESHOLD;
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
		if (jstr(e, "name"))
			find_versions(json_object_get(e, "config"), jstr(e, "name"), versions, 0);
#define S(v) ((v) ? json_string(v) : json_null())
	return json_pack(
	    "{s:s,s:o,s:o,s:o,s:o,s:o,s:O,s:o}", "dir", dir, "created", S(jstr(run, "created")),
	    "cpu_brand", S(jstr(json_object_get(host, "cpu"), "brand")), "kernel_release",
	    S(jstr(json_object_get(host, "kernel"), "release")), "vbench_version",
	    S(jstr(run, "vbench_version")), "profile", S(jstr(opts, "profile")), "reps",
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
								jstr(vb, key) ?: "absent"));
	json_object_foreach(vb, key, y)
		if (!json_object_get(va, key))
			json_array_append_new(out, json_sprintf("%s: absent (A) vs \"%s\" (B)", key,
								json_string_value(y)));
	return out;
}

/* ---- one metric ---- */

typedef struct ctx {
	const vb_compare_cfg_t *cfg;
	const json_t *a, *b;  /* the runs */
	double *va, *vb;      /* values of a sample (scratch, one per repetition) */
	double *ra, *rb, *rr; /* bootstrap replicates: A, B, ratio */
	json_t *counts;
} ctx_t;

/* Values of @metric over the successful repetitions of @env/@wl in @run. */
static size_t values(const json_t *run, const char *env, const char *wl, const char *metric,
		     double *out)
{
	json_t *r, *v;
	size_t i, n = 0;

	json_array_foreach(json_object_get(run, "repetitions"), i, r) {
		if (strcmp(jstr(r, "env") ?: "", env) || strcmp(jstr(r, "workload") ?: "", wl) ||
		    !json_is_true(json_object_get(r, "ok")))
			continue;
		v = json_object_get(json_object_get(json_object_get(r, "result"), "metrics"),
				    metric);
		if (json_is_number(v) && isfinite(json_number_value(v)))
			out[n++] = json_number_value(v);
	}
	return n;
}

/* The smallest p-value a two-sided permutation test can give with @na and @nb values. */
static double min_p(size_t na, size_t nb)
{
	double c = 1;
	size_t i;

	for (i = 1; i <= nb; i++)
		c = c * (double)(na + i) / (double)i; /* C(na+nb, nb) */
	return (na == nb ? 2.0 : 1.0) / c;
}

static const char *verdict(const ctx_t *c, size_t na, size_t nb, double ratio, double p, int *sig)
{
	*sig = 0;
	if (na < 2 || nb < 2 || !isfinite(ratio) || !isfinite(p))
		return "insufficient data";
	if (min_p(na, nb) >= c->cfg->alpha)
		return "too few repetitions";
	if (p >= c->cfg->alpha || fabs(ratio - 1) <= c->cfg->threshold)
		return "no significant change";
	*sig = 1;
	return ratio > 1 ? "worse" : "better";
}

static json_t *row_json(ctx_t *c, const char *env, const char *wl, const json_t *m)
{
	const char *name = jstr(m, "name"), *v, *labels[] = { "compare", "A", env, wl, name };
	int higher = !strcmp(jstr(m, "better") ?: "", "higher"), sig, exact = 0;
	size_t na = values(c->a, env, wl, name, c->va), nb = values(c->b, env, wl, name, c->vb);
	double ma = vb_median(c->va, na), mb = vb_median(c->vb, nb), ratio;
	vb_perm_result_t perm = { NAN, NAN, 0 };
	vb_ci_t ci = { NAN, NAN };

	if (!na && !nb)
		return NULL;
	ratio = vb_overhead_ratio(ma, mb, higher);
	if (na >= 2 && nb >= 2 && isfinite(ratio)) {
		vb_boot_medians(c->va, na, c->cfg->resamples,
				vb_stats_stream(c->cfg->seed, labels, 5), c->ra);
		labels[1] = "B";
		vb_boot_medians(c->vb, nb, c->cfg->resamples,
				vb_stats_stream(c->cfg->seed, labels, 5), c->rb);
		vb_ratio_replicates(c->ra, c->rb, c->cfg->resamples, higher, c->rr);
		vb_boot_interval(c->rr, c->cfg->resamples, c->cfg->level, &ci);
		labels[1] = "permutation";
		exact = vb_permutation_test_exact(c->va, na, c->vb, nb, VB_PERM_MEAN,
						  VB_STATS_PERM_EXACT_MAX, &perm) == 0;
		if (!exact)
			vb_permutation_test(c->va, na, c->vb, nb, VB_PERM_MEAN,
					    c->cfg->perm_resamples,
					    vb_stats_stream(c->cfg->seed, labels, 5), &perm);
	}
	v = verdict(c, na, nb, ratio, perm.p, &sig);
	{
		const char *key = !na || !nb ? "one_run_only"
				  : sig	     ? (ratio > 1 ? "worse" : "better")
				  : strcmp(v, "no significant change") ? "undecided"
								       : "unchanged";

		json_object_set_new(
		    c->counts, key,
		    json_integer(json_integer_value(json_object_get(c->counts, key)) + 1));
	}
	return json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b,s:s}", "env", env,
	    "workload", wl, "metric", name, "unit", jstr(m, "unit") ?: "", "better",
	    jstr(m, "better") ?: "", "status",
	    na && nb ? "ok"
	    : na     ? "only in A"
		     : "only in B",
	    "n_a", (json_int_t)na, "n_b", (json_int_t)nb, "median_a", jnum(na ? ma : NAN),
	    "median_b", jnum(nb ? mb : NAN), "ratio", jnum(ratio), "change_pct",
	    jnum((ratio - 1) * 100), "ci_low", jnum(ci.lo), "ci_high", jnum(ci.hi), "p",
	    jnum(perm.p), "p_exact", exact, "significant", sig, "verdict",
	    na && nb ? v : "insufficient data");
}

/* ---- names of both runs ---- */

/* The element of @arr named @name, or NULL. */
static json_t *named(const json_t *arr, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(arr, i, e)
		if (!strcmp(jstr(e, "name") ?: "", name ?: ""))
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
		if (!named(a, jstr(e, "name")))
			json_array_append(out, e);
	return out;
}

static json_t *rows_json(ctx_t *c)
{
	json_t *envs = union_named(json_object_get(c->a, "environments"),
				   json_object_get(c->b, "environments")),
	       *wls = union_named(json_object_get(c->a, "workloads"),
				  json_object_get(c->b, "workloads")),
	       *rows = json_array(), *e, *w, *ms, *m, *r;
	size_t ei, wi, mi;

	json_array_foreach(envs, ei, e)
		json_array_foreach(wls, wi, w) {
			ms = union_named(json_object_get(named(json_object_get(c->a, "workloads"),
							       jstr(w, "name")),
							 "metrics"),
					 json_object_get(named(json_object_get(c->b, "workloads"),
							       jstr(w, "name")),
							 "metrics"));
			json_array_foreach(ms, mi, m)
				if ((r = row_json(c, jstr(e, "name"), jstr(w, "name"), m)))
					json_array_append_new(rows, r);
			json_decref(ms);
		}
	json_decref(envs);
	json_decref(wls);
	return rows;
}

json_t *vb_compare_build(const json_t *a, const char *name_a, const json_t *b, const char *name_b,
			 const vb_compare_cfg_t *cfg, vb_error_t *err)
{
	size_t n = json_array_size(json_object_get(a, "repetitions")) +
		   json_array_size(json_object_get(b, "repetitions")) + 1;
	ctx_t c = { .cfg = cfg, .a = a, .b = b };
	json_t *fa, *fb, *out = NULL;

	c.va = malloc(n * sizeof(double));
	c.vb = malloc(n * sizeof(double));
	c.ra = malloc((cfg->resamples + 1) * sizeof(double));
	c.rb = malloc((cfg->resamples + 1) * sizeof(double));
	c.rr = malloc((cfg->resamples + 1) * sizeof(double));
	c.counts = json_pack("{s:i,s:i,s:i,s:i,s:i}", "worse", 0, "better", 0, "unchanged", 0,
			     "undecided", 0, "one_run_only", 0);
	if (c.va && c.vb && c.ra && c.rb && c.rr && c.counts) {
		fa = run_facts(a, name_a);
		fb = run_facts(b, name_b);
		out = json_pack(
		    "{s:s,s:i,s:{s:f,s:I,s:I,s:I,s:s,s:f,s:f,s:s,s:s},s:o,s:o,s:o,s:o,s:O}",
		    "schema", VB_COMPARE_SCHEMA, "schema_version", VB_COMPARE_SCHEMA_VERSION,
		    "statistics", "level", cfg->level, "resamples", (json_int_t)cfg->resamples,
		    "permutation_resamples", (json_int_t)cfg->perm_resamples, "seed",
		    (json_int_t)cfg->seed, "test",
		    "two-sided permutation test on the difference of means of the repetitions: "
		    "exact (every relabelling) up to 100000 relabellings, else random ones",
		    "alpha", cfg->alpha, "threshold", cfg->threshold, "change",
		    "time per unit of work of B relative to A, minus 1 (positive = worse): "
		    "medianB/medianA for lower-is-better metrics, medianA/medianB for "
		    "higher-is-better ones",
		    "interval", "bootstrap percentile interval of the ratio of medians", "a", fa,
		    "b", fb, "differences", differences(fa, fb), "rows", rows_json(&c), "counts",
		    c.counts);
	}
	if (!out)
		vb_error_set(err, VB_ESYS, 0, "compare: out of memory");
	json_decref(c.counts);
	free(c.va);
	free(c.vb);
	free(c.ra);
	free(c.rb);
	free(c.rr);
	return out;
}

json_t *vb_compare_regressions(const json_t *cmp, double pct)
{
	json_t *out = json_array(), *r;
	size_t i;

	json_array_foreach(json_object_get(cmp, "rows"), i, r)
		if (!strcmp(jstr(r, "verdict") ?: "", "worse") &&
		    json_number_value(json_object_get(r, "change_pct")) > pct)
			json_array_append(out, r);
	return out;
}
