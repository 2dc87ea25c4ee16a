/*
 * summary.c - compute a summary from a (merged) run document (summary.h).
 *
 * This file only gathers values out of run.json and hands them to stats.c:
 * for every environment and workload the statistics of each metric, of the
 * host CPU time per unit of work and of each counter per operation, their
 * ratios to the baseline (bare metal) with bootstrap intervals and verdicts,
 * the flags of unstable measurements; then per group of workloads (cpu, mem,
 * io, all) the geometric mean of the primary metrics' ratios, with an
 * interval built from the same resamples as its members' intervals.
 */
#include "harness/analysis/summary.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/headline.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/summary_int.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "lib/util.h"

enum what { V_METRIC, V_HOSTCOST, V_COUNTER };

static const char *const what_label[] = { "metric", "host_cpu", "counter" };
static const char *const group_kind[] = { "cpu", "mem", "io", "net", "app", "all" };
static const char *const group_label[] = { "CPU", "Memory", "I/O", "Network", "Applications",
					   "All" };
#define NGROUPS 6

typedef struct ctx {
	const vb_summary_cfg_t *cfg;
	const json_t *reps;   /* every repetition */
	const char *baseline; /* baseline environment, NULL if none */
	size_t B;	      /* resamples */
	double *vals;	      /* one value per repetition (scratch) */
	double *base_reps;    /* bootstrap medians of the baseline's sample */
	double *env_reps;     /* bootstrap medians of the environment's sample */
	size_t nwl;	      /* workloads */
	double *ratio;	      /* [env][wl] primary ratio, NaN if none */
	double **ratio_reps;  /* [env][wl] its replicates (owned), NULL if no interval */
	int *indicative;      /* [env][wl] the ratio's interval is indicative */
	int *recorded;        /* [env][wl] the run holds repetitions of it */
	size_t *nmin;	      /* [env][wl] repetitions of the ratio's smaller side */
	json_t *flags;	      /* every flag of the run */
} ctx_t;

/* ---- values out of the repetitions ---- */

static int rep_matches(const json_t *r, const char *env, const char *wl)
{
	return !strcmp(vb_json_str(r, "env") ?: "", env) && !strcmp(vb_json_str(r, "workload") ?: "", wl);
}

/*
 * The values of one quantity (@what, @name) over the successful repetitions
 * of @env and @wl, into c->vals.  For counters, @unavail counts repetitions
 * where it was unavailable and @reason gets the first reason.  Returns the
 * number of values.
 */
static size_t collect(ctx_t *c, const char *env, const char *wl, enum what what, const char *name,
		      size_t *unavail, const char **reason)
{
	json_t *r, *res, *v;
	size_t i, n = 0;
	double ops, x;

	json_array_foreach(c->reps, i, r) {
		if (!rep_matches(r, env, wl) || !json_is_true(json_object_get(r, "ok")))
			continue;
		res = json_object_get(r, "result");
		ops = (double)json_integer_value(json_object_get(res, "ops"));
		x = NAN;
		if (what == V_METRIC) {
			v = json_object_get(json_object_get(res, "metrics"), name);
			x = json_is_number(v) ? json_number_value(v) : NAN;
		} else if (what == V_HOSTCOST) {
			v = json_object_get(r, "host_cpu_ns");
			if (json_is_integer(v))
				x = vb_per_unit((double)json_integer_value(v) * 1e-9, ops);
		} else {
			v = json_object_get(json_object_get(res, "counters"), name);
			if (json_is_integer(json_object_get(v, "value"))) {
				x = vb_per_unit(
				    (double)json_integer_value(json_object_get(v, "value")), ops);
			} else if (v) {
				(*unavail)++;
				if (!*reason)
					*reason = vb_json_str(v, "reason");
			}
		}
		if (isfinite(x))
			c->vals[n++] = x;
	}
	return n;
}

/* ---- one quantity: statistics, interval, overhead ---- */

static uint64_t stream_of(ctx_t *c, const char *env, const char *wl, enum what what,
			  const char *name)
{
	const char *labels[] = { env, wl, what_label[what], name };

	return vb_stats_stream(c->cfg->seed, labels, 4);
}

/* Statistics of c->vals[0..n) with the interval of the median; replicates into @reps. */
static json_t *sample_json(ctx_t *c, size_t n, uint64_t stream, double *reps)
{
	vb_ci_t ci = { NAN, NAN };
	vb_summary_t s;

	vb_summarize(c->vals, n, &s);
	if (vb_boot_medians(c->vals, n, c->B, stream, reps) == 0)
		vb_boot_interval(reps, c->B, c->cfg->level, &ci);
	return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "n", (json_int_t)s.n,
			 "median", vb_json_real(s.median), "mean", vb_json_real(s.mean), "sd", vb_json_real(s.sd), "cv",
			 vb_json_real(s.cv), "min", vb_json_real(s.min), "max", vb_json_real(s.max), "ci_low", vb_json_real(ci.lo),
			 "ci_high", vb_json_real(ci.hi), "indicative", s.n < VB_STATS_INDICATIVE_N);
}

/* Overhead of the environment against the baseline, with its verdict
 * (verdict.h); replicates into @out. */
static json_t *overhead_json(ctx_t *c, const vb_summary_t *bs, double env_median, size_t ne,
			     int higher, double *out)
{
	double ratio = vb_overhead_ratio(bs->median, env_median, higher);
	size_t n = bs->n < ne ? bs->n : ne;
	vb_ci_t ci;
	vb_decision_t d;
	json_t *j;

	vb_ratio_replicates(c->base_reps, c->env_reps, c->B, higher, out);
	d = vb_ratio_decide(ratio, out, c->B, c->cfg->level, n, c->cfg->margin, &ci);
	j = json_pack("{s:o,s:o,s:o,s:b,s:I}", "ratio", vb_json_real(ratio), "ci_low", vb_json_real(ci.lo),
		      "ci_high", vb_json_real(ci.hi), "indicative",
		      bs->n < VB_STATS_INDICATIVE_N || ne < VB_STATS_INDICATIVE_N, "reps",
		      (json_int_t)n);
	vb_verdict_decision_json(&d, j);
	return j;
}

/*
 * Statistics of one quantity of @env/@wl and, unless @env is the baseline,
 * its overhead ("overhead": null when the baseline has no value).  @ratio_out
 * (B values) receives the ratio replicates.  NULL when @env has no value;
 * then @unavail / @reason tell why for counters.
 */
static json_t *quantity_json(ctx_t *c, const char *env, const char *wl, enum what what,
			     const char *name, int higher, double *ratio_out, size_t *unavail,
			     const char **reason)
{
	size_t nb = 0, ne, bu = 0;
	const char *br = NULL;
	vb_summary_t bs;
	json_t *j;

	if (c->baseline && strcmp(env, c->baseline)) {
		nb = collect(c, c->baseline, wl, what, name, &bu, &br);
		vb_summarize(c->vals, nb, &bs);
		vb_boot_medians(c->vals, nb, c->B, stream_of(c, c->baseline, wl, what, name),
				c->base_reps);
	}
	ne = collect(c, env, wl, what, name, unavail, reason);
	if (!ne)
		return NULL;
	j = sample_json(c, ne, stream_of(c, env, wl, what, name), c->env_reps);
	if (nb)
		json_object_set_new(j, "overhead",
				    overhead_json(c, &bs,
						  json_real_value(json_object_get(j, "median")), ne,
						  higher, ratio_out));
	else if (c->baseline && strcmp(env, c->baseline))
		json_object_set_new(j, "overhead", json_null());
	return j;
}

/* ---- one environment and workload ---- */

static void add_flag(ctx_t *c, json_t *flags, const char *env, const char *wl, json_t *f)
{
	json_t *copy = json_copy(f);

	json_object_set_new(copy, "env", json_string(env));
	json_object_set_new(copy, "workload", json_string(wl));
	json_array_append_new(c->flags, copy);
	json_array_append_new(flags, f);
}

/*
 * Whether repetition @r's guest clock disagreed with the host's: the
 * recorder's own verdict when it made one ("guest_clock_suspect", at the top
 * or in a "clock_check" object), else the same test made here from the
 * guest's region and the host's elapsed time (vb_flag_clock).
 */
static int clock_suspect(const json_t *r)
{
	json_t *cc = json_object_get(r, "clock_check"), *res = json_object_get(r, "result");

	if (json_is_boolean(json_object_get(r, "guest_clock_suspect")))
		return json_is_true(json_object_get(r, "guest_clock_suspect"));
	if (json_is_object(cc))
		return json_is_true(json_object_get(cc, "guest_clock_suspect")) ||
		       json_is_true(json_object_get(cc, "suspect")) ||
		       json_is_false(json_object_get(cc, "ok")) ||
		       json_is_false(json_object_get(cc, "agree"));
	return json_is_true(json_object_get(r, "ok")) &&
	       vb_flag_clock((double)json_integer_value(json_object_get(res, "elapsed_ns")),
			     (double)json_integer_value(json_object_get(r, "host_elapsed_ns")));
}

/* Flags of the repetitions: failures, steal time, clocks, stalls. */
static void rep_flags(ctx_t *c, json_t *flags, const char *env, const char *wl)
{
	size_t i, n = 0, failed = 0, steal = 0, clock = 0, stalled = 0;
	const char *error = NULL;
	json_t *r;

	json_array_foreach(c->reps, i, r) {
		if (!rep_matches(r, env, wl))
			continue;
		n++;
		if (!json_is_true(json_object_get(r, "ok"))) {
			failed++;
			error = error ?: vb_json_str(r, "error");
		}
		steal +=
		    vb_flag_steal((double)json_integer_value(json_object_get(r, "steal_ns")),
				  (double)json_integer_value(json_object_get(r, "host_elapsed_ns")),
				  c->cfg->steal_threshold);
		clock += clock_suspect(r);
		/* the recorder's verdict (run_reps.c stall_check) */
		stalled += json_is_true(json_object_get(json_object_get(r, "stall_check"), "stalled"));
	}
	if (failed)
		add_flag(c, flags, env, wl,
			 json_pack("{s:s,s:I,s:I,s:s}", "flag", "failed", "reps",
				   (json_int_t)failed, "of", (json_int_t)n, "detail",
				   error ?: "no error recorded"));
	if (steal)
		add_flag(c, flags, env, wl,
			 json_pack("{s:s,s:I,s:I,s:f}", "flag", "steal", "reps", (json_int_t)steal,
				   "of", (json_int_t)n, "threshold", c->cfg->steal_threshold));
	if (clock)
		add_flag(c, flags, env, wl,
			 json_pack("{s:s,s:I,s:I}", "flag", "clock", "reps", (json_int_t)clock,
				   "of", (json_int_t)n));
	if (stalled)
		add_flag(c, flags, env, wl,
			 json_pack("{s:s,s:I,s:I}", "flag", "stalled", "reps", (json_int_t)stalled,
				   "of", (json_int_t)n));
}

/* Counter names of @env/@wl's repetitions, in order of first appearance. */
static json_t *counter_names(ctx_t *c, const char *env, const char *wl)
{
	json_t *names = json_array(), *seen = json_object(), *r, *v;
	const char *key;
	size_t i;

	json_array_foreach(c->reps, i, r) {
		if (!rep_matches(r, env, wl) || !json_is_true(json_object_get(r, "ok")))
			continue;
		json_object_foreach(json_object_get(json_object_get(r, "result"), "counters"), key,
				    v) {
			if (json_object_get(seen, key))
				continue;
			json_object_set_new(seen, key, json_true());
			json_array_append_new(names, json_string(key));
		}
	}
	json_decref(seen);
	return names;
}

static json_t *counters_json(ctx_t *c, const char *env, const char *wl, double *scratch)
{
	json_t *out = json_object(), *names = counter_names(c, env, wl), *n, *j;
	const char *name, *reason;
	size_t i, unavail;

	json_array_foreach(names, i, n) {
		name = json_string_value(n);
		unavail = 0;
		reason = NULL;
		j = quantity_json(c, env, wl, V_COUNTER, name, 0, scratch, &unavail, &reason);
		if (!j) {
			json_object_set_new(out, name,
					    json_pack("{s:b,s:s}", "available", 0, "reason",
						      reason ?: "no repetition recorded it"));
			continue;
		}
		json_object_set_new(j, "available", json_true());
		if (unavail)
			json_object_set_new(j, "unavailable_reps",
					    json_integer((json_int_t)unavail));
		json_object_set_new(out, name, j);
	}
	json_decref(names);
	return out;
}

/*
 * The result of @env for workload @w (index @wi): metrics, host cost,
 * counters and flags.  Stores the primary metric's ratio and replicates for
 * the groups.  NULL when @env has no repetition of @w.
 */
static json_t *result_json(ctx_t *c, const char *env, size_t ei, const json_t *w, size_t wi)
{
	const char *wl = vb_json_str(w, "name"), *mname, *reason = NULL;
	json_t *metrics = json_object(), *flags = json_array(), *m, *j, *hc, *ov, *r;
	size_t i, ok = 0, failed = 0, unavail = 0, cell = ei * c->nwl + wi;
	double *scratch = malloc(c->B * sizeof(double));
	int unstable;

	json_array_foreach(c->reps, i, r)
		if (rep_matches(r, env, wl))
			json_is_true(json_object_get(r, "ok")) ? ok++ : failed++;
	c->recorded[cell] = ok + failed > 0;
	if (!scratch || !(ok + failed)) {
		free(scratch);
		json_decref(metrics);
		json_decref(flags);
		return NULL;
	}
	json_array_foreach(json_object_get(w, "metrics"), i, m) {
		mname = vb_json_str(m, "name");
		j = quantity_json(c, env, wl, V_METRIC, mname, !strcmp(vb_json_str(m, "better"), "higher"),
				  scratch, &unavail, &reason);
		if (!j)
			continue;
		json_object_set_new(j, "unit", json_string(vb_json_str(m, "unit")));
		json_object_set_new(j, "better", json_string(vb_json_str(m, "better")));
		json_object_set_new(metrics, mname, j);
		unstable =
		    vb_flag_cv(json_real_value(json_object_get(j, "cv")), c->cfg->cv_threshold) &&
		    json_integer_value(json_object_get(j, "n")) > 1;
		json_object_set_new(j, "unstable", json_boolean(unstable));
		if (unstable)
			add_flag(c, flags, env, wl,
				 json_pack("{s:s,s:s,s:O,s:f}", "flag", "cv", "metric", mname, "cv",
					   json_object_get(j, "cv"), "threshold",
					   c->cfg->cv_threshold));
		ov = json_object_get(j, "overhead");
		if (i == 0 && ov && json_is_real(json_object_get(ov, "ci_low"))) {
			c->ratio[cell] = json_real_value(json_object_get(ov, "ratio"));
			c->ratio_reps[cell] = scratch;
			c->indicative[cell] = json_is_true(json_object_get(ov, "indicative"));
			c->nmin[cell] = (size_t)json_integer_value(json_object_get(ov, "reps"));
			scratch = malloc(c->B * sizeof(double));
			if (!scratch)
				break;
		}
	}
	if (scratch) {
		hc = quantity_json(c, env, wl, V_HOSTCOST, "host_cpu_s", 0, scratch, &unavail,
				   &reason);
		if (hc)
			json_object_set_new(hc, "unit", json_string("s/op"));
		else
			hc = json_pack(
			    "{s:b,s:s}", "available", 0, "reason",
			    "no host CPU time recorded (no cgroup accounting) or no operations");
		j = json_pack("{s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:o}", "env", env, "workload", wl,
			      "kind", vb_json_str(w, "kind"), "reps_ok", (json_int_t)ok, "reps_failed",
			      (json_int_t)failed, "metrics", metrics, "host_cost", hc, "counters",
			      counters_json(c, env, wl, scratch));
		rep_flags(c, flags, env, wl);
		json_object_set_new(j, "flags", flags);
		free(scratch);
		return j;
	}
	json_decref(metrics);
	json_decref(flags);
	return NULL;
}

/* ---- groups ---- */

static int in_group(const json_t *w, size_t g)
{
	return g == NGROUPS - 1 || !strcmp(vb_json_str(w, "kind") ?: "", group_kind[g]);
}

/* Geometric mean of the primary ratios of @env's workloads in group @g. */
static json_t *group_env_json(ctx_t *c, const json_t *wls, size_t ei, size_t g)
{
	const double **reps = malloc(c->nwl * sizeof(*reps));
	double *pts = malloc(c->nwl * sizeof(*pts)), *gr = malloc(c->B * sizeof(*gr));
	size_t wi, k = 0, excluded = 0, cell, nmin = SIZE_MAX, recorded = 0;
	int indicative = 0;
	vb_ci_t ci = { NAN, NAN };
	vb_decision_t d;
	json_t *w, *out = NULL;
	double gm;

	if (!reps || !pts || !gr)
		goto done;
	json_array_foreach(wls, wi, w) {
		cell = ei * c->nwl + wi;
		if (!in_group(w, g))
			continue;
		recorded += c->recorded[cell] != 0;
		if (!c->ratio_reps[cell]) {
			excluded += isfinite(c->ratio[cell]) ? 1 : 0;
			continue;
		}
		pts[k] = c->ratio[cell];
		reps[k++] = c->ratio_reps[cell];
		indicative |= c->indicative[cell];
		nmin = c->nmin[cell] < nmin ? c->nmin[cell] : nmin;
	}
	/* nothing measured, or nothing to compare with: no figure at all */
	if (!k && !excluded && (!recorded || !c->baseline))
		goto done;
	gm = vb_geomean(pts, k);
	vb_geomean_replicates(reps, k, c->B, gr);
	nmin = k ? nmin : 0;
	d = vb_ratio_decide(gm, gr, k ? c->B : 0, c->cfg->level, nmin, c->cfg->margin, &ci);
	out = json_pack("{s:I,s:I,s:o,s:o,s:o,s:b,s:I}", "workloads", (json_int_t)k, "excluded",
			(json_int_t)excluded, "geomean", vb_json_real(gm), "ci_low", vb_json_real(ci.lo), "ci_high",
			vb_json_real(ci.hi), "indicative", indicative, "reps", (json_int_t)nmin);
	vb_verdict_decision_json(&d, out);
done:
	free(gr);
	free(pts);
	free(reps);
	return out;
}

static json_t *groups_json(ctx_t *c, const json_t *envs, const json_t *wls)
{
	json_t *groups = json_array(), *g, *ge, *e, *w;
	size_t gi, ei, wi, any;

	for (gi = 0; gi < NGROUPS; gi++) {
		any = 0;
		json_array_foreach(wls, wi, w)
			any += in_group(w, gi);
		if (!any)
			continue;
		g = json_pack("{s:s,s:s,s:{}}", "kind", group_kind[gi], "label", group_label[gi],
			      "envs");
		json_array_foreach(envs, ei, e)
			if ((!c->baseline || strcmp(vb_json_str(e, "name") ?: "", c->baseline)) &&
			    (!vb_json_str(e, "net_mode") || !strcmp(group_kind[gi], "net") ||
			     !strcmp(group_kind[gi], "app")) && /* what a mode instance runs */
			    (ge = group_env_json(c, wls, ei, gi)))
				json_object_set_new(json_object_get(g, "envs"), vb_json_str(e, "name"),
						    ge);
		json_array_append_new(groups, g);
	}
	return groups;
}

/* ---- the document ---- */

/* Every unavailable environment and counter, with its reason. */
static json_t *unavailable_json(const json_t *envs, const json_t *results)
{
	json_t *ue = json_array(), *uc = json_array(), *e, *r, *cv, *u;
	const char *name, *reason;
	size_t i, j;

	json_array_foreach(envs, i, e) {
		if (json_is_true(json_object_get(e, "available")) && !vb_json_str(e, "failed"))
			continue;
		u = vb_summary_env_json(e);
		json_array_append_new(
		    ue, json_pack("{s:s,s:s?,s:s,s:s,s:s,s:O}", "name", vb_json_str(e, "name"), "net_mode",
				  vb_json_str(e, "net_mode"), "reason",
				  json_is_true(json_object_get(e, "available"))
				      ? vb_json_str(e, "failed")
				      : vb_json_str(e, "reason") ?: "unknown",
				  "type", vb_json_str(e, "type") ?: "", "mechanism",
				  vb_json_str(e, "mechanism") ?: "", "class", json_object_get(u, "class")));
		json_decref(u);
	}
	json_array_foreach(results, i, r)
		json_object_foreach(json_object_get(r, "counters"), name, cv) {
			if (!json_is_false(json_object_get(cv, "available")))
				continue;
			reason = vb_json_str(cv, "reason");
			json_array_foreach(uc, j, u)
				if (!strcmp(vb_json_str(u, "env"), vb_json_str(r, "env")) &&
				    !strcmp(vb_json_str(u, "counter"), name) &&
				    !strcmp(vb_json_str(u, "reason"), reason))
					break;
			if (j == json_array_size(uc))
				json_array_append_new(uc, json_pack("{s:s,s:s,s:s,s:[]}", "env",
								    vb_json_str(r, "env"), "counter", name,
								    "reason", reason, "workloads"));
			json_array_append_new(json_object_get(json_array_get(uc, j), "workloads"),
					      json_string(vb_json_str(r, "workload")));
		}
	return json_pack("{s:o,s:o}", "environments", ue, "counters", uc);
}

void vb_summary_cfg_init(vb_summary_cfg_t *cfg)
{
	cfg->resamples = VB_STATS_RESAMPLES;
	cfg->seed = VB_STATS_SEED;
	cfg->level = VB_STATS_LEVEL;
	cfg->cv_threshold = VB_STATS_CV_THRESHOLD;
	cfg->steal_threshold = VB_STATS_STEAL_THRESHOLD;
	cfg->margin = VB_VERDICT_MARGIN;
}

void vb_summary_cfg_margin(vb_summary_cfg_t *cfg, const json_t *run)
{
	json_t *m = json_object_get(json_object_get(run, "options"), "margin");

	if (!isnan(cfg->margin))
		return;
	cfg->margin = json_is_number(m) && json_number_value(m) > 0 && json_number_value(m) <= 1
			      ? json_number_value(m)
			      : VB_VERDICT_MARGIN;
}

/* The baseline: the first available environment marked baseline. */
static const char *find_baseline(const json_t *envs)
{
	size_t i;
	json_t *e;

	json_array_foreach(envs, i, e)
		if (json_is_true(json_object_get(e, "baseline")) &&
		    json_is_true(json_object_get(e, "available")))
			return vb_json_str(e, "name");
	return NULL;
}

static void ctx_free(ctx_t *c, size_t cells)
{
	size_t i;

	for (i = 0; c->ratio_reps && i < cells; i++)
		free(c->ratio_reps[i]);
	free(c->ratio_reps);
	free(c->ratio);
	free(c->indicative);
	free(c->recorded);
	free(c->nmin);
	free(c->vals);
	free(c->base_reps);
	free(c->env_reps);
	json_decref(c->flags);
}

static json_t *build(const json_t *run, const vb_summary_cfg_t *cfg, vb_error_t *err)
{
	const json_t *envs = json_object_get(run, "environments"),
		     *wls = json_object_get(run, "workloads");
	size_t cells = json_array_size(envs) * json_array_size(wls), i, ei, wi;
	json_t *results = json_array(), *e, *w, *r, *out, *envs_out = json_array(),
	       *wls_out = json_array();
	ctx_t c = { .cfg = cfg,
		    .reps = json_object_get(run, "repetitions"),
		    .B = cfg->resamples,
		    .nwl = json_array_size(wls),
		    .flags = json_array() };

	c.baseline = find_baseline(envs);
	c.vals = malloc((json_array_size(c.reps) + 1) * sizeof(double));
	c.base_reps = malloc((c.B + 1) * sizeof(double));
	c.env_reps = malloc((c.B + 1) * sizeof(double));
	c.ratio = malloc((cells + 1) * sizeof(double));
	c.ratio_reps = calloc(cells + 1, sizeof(double *));
	c.indicative = calloc(cells + 1, sizeof(int));
	c.recorded = calloc(cells + 1, sizeof(int));
	c.nmin = calloc(cells + 1, sizeof(size_t));
	if (!c.vals || !c.base_reps || !c.env_reps || !c.ratio || !c.ratio_reps || !c.indicative ||
	    !c.recorded || !c.nmin) {
		ctx_free(&c, cells);
		json_decref(results);
		json_decref(envs_out);
		json_decref(wls_out);
		return vb_error_set(err, VB_ESYS, 0, "summary: out of memory"), NULL;
	}
	for (i = 0; i < cells; i++)
		c.ratio[i] = NAN;
	json_array_foreach(envs, ei, e) {
		i = json_array_size(results);
		json_array_foreach(wls, wi, w)
			if ((r = result_json(&c, vb_json_str(e, "name"), ei, w, wi)))
				json_array_append_new(results, r);
		/* measured, or ready to be: the others are only in "unavailable" */
		if (json_array_size(results) > i ||
		    (json_is_true(json_object_get(e, "available")) && !vb_json_str(e, "failed")))
			json_array_append_new(envs_out, vb_summary_env_json(e));
	}
	json_array_foreach(wls, wi, w)
		json_array_append_new(
		    wls_out,
		    json_pack("{s:s,s:s,s:s,s:s,s:O}", "name", vb_json_str(w, "name"), "kind",
			      vb_json_str(w, "kind"), "description", vb_json_str(w, "description") ?: "",
			      "primary_metric",
			      vb_json_str(json_array_get(json_object_get(w, "metrics"), 0), "name"),
			      "metrics", json_object_get(w, "metrics")));
	out =
	    json_pack("{s:s,s:i,s:o,s:O,s:o,s:o,s:O,s:o,s:o,s:o,s:o,s:o,s:O,s:o}", "schema",
		      VB_SUMMARY_SCHEMA, "schema_version", VB_SUMMARY_SCHEMA_VERSION, "statistics",
		      vb_summary_statistics_json(cfg), "runs", json_object_get(run, "runs"), "host",
		      vb_summary_host_json(json_object_get(run, "host")), "warnings",
		      vb_summary_warnings_json(run), "allocation",
		      json_object_get(run, "allocation") ?: json_null(), "baseline",
		      c.baseline ? json_string(c.baseline) : json_null(), "environments", envs_out,
		      "workloads", wls_out, "groups", groups_json(&c, envs, wls), "unavailable",
		      unavailable_json(envs, results), "flags", c.flags, "results", results);
	ctx_free(&c, cells);
	if (out) {
		json_t *ops = vb_summary_ops(run, cfg);

		vb_summary_carry(out, run); /* density and noisy, printed as measured */
		if (ops)
			json_object_set_new(out, "operations", ops);
		json_object_set_new(out, "headline", vb_headline_build(out));
	} else
		vb_error_set(err, VB_ESYS, 0, "summary: out of memory");
	return out;
}

json_t *vb_summary_build(const json_t *run, const vb_summary_cfg_t *cfg, vb_error_t *err)
{
	json_t *merged, *out;

	if (!cfg->resamples)
		return vb_error_set(err, VB_EUSAGE, 0, "summary: no bootstrap resamples"), NULL;
	if (json_is_array(json_object_get(run, "runs"))) { /* merged: clean it all the same */
		merged = json_deep_copy(run);
		if (!merged)
			return vb_error_set(err, VB_ESYS, ENOMEM, "summary: out of memory"), NULL;
		vb_text_clean_json(merged);
		out = build(merged, cfg, err);
		json_decref(merged);
		return out;
	}
	merged =
	    vb_summary_merge((json_t *const *)&run, (const char *const[]){ "run.json" }, 1, err);
	if (!merged)
		return NULL;
	out = build(merged, cfg, err);
	json_decref(merged);
	return out;
}

const json_t *vb_summary_result(const json_t *summary, const char *env, const char *wl)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(summary, "results"), i, r)
		if (rep_matches(r, env, wl))
			return r;
	return NULL;
}

const json_t *vb_summary_primary(const json_t *summary, const char *env, const char *wl)
{
	const json_t *w;
	size_t i;

	json_array_foreach(json_object_get(summary, "workloads"), i, w)
		if (!strcmp(vb_json_str(w, "name") ?: "", wl))
			return json_object_get(
			    json_object_get(vb_summary_result(summary, env, wl), "metrics"),
			    vb_json_str(w, "primary_metric") ?: "");
	return NULL;
}
