/*
 * summary_ops.c - the summary of `vbench run --ops` (summary.h
 * vb_summary_ops): per environment and operation the median of each
 * figure with the bootstrap interval of the median (stats.c), and the
 * restore against a fresh start of the same environment as a ratio with
 * its verdict (verdict.h: "faster" is a restore that beats booting).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "harness/analysis/verdict.h"
#include "lib/json.h"
#include "lib/util.h"

/* The ok repetitions' values of @key (scaled by @scale) into @v. */
static size_t values(const json_t *reps, const char *key, double scale, double *v, size_t cap)
{
	json_t *r;
	size_t i, n = 0;

	json_array_foreach(reps, i, r) {
		json_t *x = json_object_get(r, key);

		if (json_is_true(json_object_get(r, "ok")) && json_is_number(x) && n < cap)
			v[n++] = json_number_value(x) * scale;
	}
	return n;
}

/* {"n", "median", "ci_low", "ci_high"} of @key, or NULL without values. */
static json_t *figure(const json_t *reps, const char *key, double scale,
		      const vb_summary_cfg_t *cfg, const char *const *labels, double *boot)
{
	double v[256];
	size_t n = values(reps, key, scale, v, 256);
	const char *lab[4] = { labels[0], labels[1], key, NULL };
	vb_ci_t ci = { NAN, NAN };

	if (!n)
		return NULL;
	if (boot && vb_boot_medians(v, n, cfg->resamples, vb_stats_stream(cfg->seed, lab, 3),
				    boot) == 0)
		vb_boot_interval(boot, cfg->resamples, cfg->level, &ci);
	else if (!boot)
		vb_median_ci(v, n, cfg->resamples, vb_stats_stream(cfg->seed, lab, 3), cfg->level,
			     &ci);
	return json_pack("{s:I,s:o,s:o,s:o}", "n", (json_int_t)n, "median", vb_json_real(vb_median(v, n)),
			 "ci_low", vb_json_real(ci.lo), "ci_high", vb_json_real(ci.hi));
}

/* How many ok repetitions have @key true. */
static size_t count_true(const json_t *reps, const char *key)
{
	json_t *r;
	size_t i, n = 0;

	json_array_foreach(reps, i, r)
		n += json_is_true(json_object_get(r, "ok")) && json_is_true(json_object_get(r, key));
	return n;
}

/* The restore against the environment's fresh start (@start_ms, one
 * value per session): ratio restore/start with the interval of the
 * restore's median over it, and its verdict. */
static json_t *vs_start(const double *boot, size_t B, double median, size_t n, double start_ms,
			const vb_summary_cfg_t *cfg)
{
	double *r = malloc(B * sizeof(*r)), ratio = median / start_ms;
	vb_decision_t d;
	vb_ci_t ci = { NAN, NAN };
	json_t *j;

	if (!r || !(start_ms > 0) || !isfinite(median)) {
		free(r);
		return json_null();
	}
	for (size_t b = 0; b < B; b++)
		r[b] = boot[b] / start_ms;
	d = vb_ratio_decide(ratio, r, B, cfg->level, n, cfg->margin, &ci);
	free(r);
	j = json_pack("{s:o,s:o,s:o,s:o,s:I}", "start_ms", vb_json_real(start_ms), "ratio", vb_json_real(ratio),
		      "ci_low", vb_json_real(ci.lo), "ci_high", vb_json_real(ci.hi), "reps", (json_int_t)n);
	vb_verdict_decision_json(&d, j);
	return j;
}

static const char *const op_keys[] = { "save", "restore", "migrate", "migrate-tuned" };

/* One operation's summary from its run.json record @op. */
static json_t *op_json(const json_t *op, const char *env, const char *key, double start_ms,
		       const vb_summary_cfg_t *cfg)
{
	const json_t *reps = json_object_get(op, "reps");
	const char *labels[2] = { env, key };
	const char *why = json_string_value(json_object_get(op, "unavailable"));
	size_t ok = 0, i;
	json_t *o, *r, *f;
	double *boot;

	if (why)
		return json_pack("{s:s}", "unavailable", why);
	json_array_foreach(reps, i, r)
		ok += json_is_true(json_object_get(r, "ok"));
	o = json_pack("{s:I,s:I}", "n", (json_int_t)ok, "failed",
		      (json_int_t)(json_array_size(reps) - ok));
	json_array_foreach(reps, i, r)
		if (!json_is_true(json_object_get(r, "ok")) && json_object_get(r, "error")) {
			json_object_set(o, "error", json_object_get(r, "error"));
			break;
		}
	boot = malloc(cfg->resamples * sizeof(*boot));
	if ((f = figure(reps, "time_ns", 1e-6, cfg, labels, boot)))
		json_object_set_new(o, "time_ms", f);
	if (!strcmp(key, "restore") && f && boot)
		json_object_set_new(o, "vs_start",
				    vs_start(boot, cfg->resamples,
					     json_number_value(json_object_get(f, "median")),
					     ok, start_ms, cfg));
	free(boot);
	if (!strcmp(key, "save")) {
		json_object_set_new(o, "image_bytes", figure(reps, "image_bytes", 1, cfg, labels, NULL)
							  ?: json_null());
		json_object_set_new(o, "image_xz_bytes",
				    figure(reps, "image_xz_bytes", 1, cfg, labels, NULL) ?: json_null());
		json_object_set(o, "state_after",
				json_object_get(json_array_get(reps, 0), "state_after") ?: json_null());
	} else {
		json_object_set_new(o, "same_agent", json_integer((json_int_t)count_true(reps, "memory_intact")));
		json_object_set_new(o, "workload_ok", json_integer((json_int_t)count_true(reps, "workload_ok")));
	}
	if (!strncmp(key, "migrate", 7)) {
		static const char *const figs[][2] = {
			{ "qemu_downtime_ms", "downtime_ms" }, { "heartbeat_gap_ns", "heartbeat_gap_ms" },
			{ "transferred_bytes", "transferred_bytes" }, { "iterations", "iterations" },
		};
		for (size_t k = 0; k < VB_ARRAY_SIZE(figs); k++)
			json_object_set_new(o, figs[k][1],
					    figure(reps, figs[k][0],
						   strstr(figs[k][0], "_ns") ? 1e-6 : 1, cfg, labels,
						   NULL) ?: json_null());
		json_object_set_new(o, "converged", json_integer((json_int_t)count_true(reps, "converged")));
		json_object_set(o, "downtime_limit_ms",
				json_object_get(json_array_get(reps, 0), "downtime_limit_ms") ?: json_null());
	}
	return o;
}

/* The start latency of @env in the run's environments (ms), NaN if none. */
static double start_ms_of(const json_t *run, const char *env)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(run, "environments"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "name")) ?: "", env) &&
		    json_is_number(json_object_get(e, "start_latency_ns")))
			return json_number_value(json_object_get(e, "start_latency_ns")) / 1e6;
	return NAN;
}

json_t *vb_summary_ops(const json_t *run, const vb_summary_cfg_t *cfg)
{
	const json_t *ops = json_object_get(run, "operations"), *e;
	json_t *out, *envs;
	size_t i;

	if (!json_is_object(ops))
		return NULL;
	out = json_pack("{s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:[]}", "working_set_bytes",
			json_object_get(ops, "working_set_bytes"), "working_set_rule",
			json_object_get(ops, "working_set_rule"), "reps", json_object_get(ops, "reps"),
			"heartbeat_period_ms", json_object_get(ops, "heartbeat_period_ms"),
			"dirty_pages_per_s", json_object_get(ops, "dirty_pages_per_s"),
			"tuned_downtime_limit_ms", json_object_get(ops, "tuned_downtime_limit_ms"),
			"environments");
	envs = json_object_get(out, "environments");
	json_array_foreach(json_object_get(ops, "environments"), i, e) {
		const char *env = json_string_value(json_object_get(e, "env"));
		json_t *o;

		if (!env)
			continue;
		o = json_pack("{s:s,s:O?,s:O?}", "env", env, "mechanism",
			      json_object_get(e, "mechanism"), "failed", json_object_get(e, "failed"));
		for (size_t k = 0; k < VB_ARRAY_SIZE(op_keys); k++) {
			json_t *op = json_object_get(e, op_keys[k]);

			if (json_is_object(op))
				json_object_set_new(o, op_keys[k],
						    op_json(op, env, op_keys[k], start_ms_of(run, env),
							    cfg));
		}
		json_array_append_new(envs, o);
	}
	return out;
}
