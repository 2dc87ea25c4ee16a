/*
 * density.c - K instances of each environment side by side (density.h).
 *
 * Per environment: start instances one after another while the host's
 * memory holds the next one; take one idle footprint of every instance
 * once all are up (PSS shares are then split among all K); send every
 * instance the same mem.stream request at once, holding VB_DENSITY_HOLD_PCT
 * of its allocation, and sample all footprints every VB_DENSITY_SAMPLE_MS
 * until the first instance answers, keeping the sample round with the
 * largest total (all arrays allocated and filled); stop everything.
 */
#include "harness/run/density.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/workload.h"
#include "harness/core/agentmsg.h"
#include "lib/hostinfo.h"
#include "harness/env/instance.h"
#include "harness/core/undo.h"
#include "harness/core/runfile.h"
#include "harness/analysis/stats.h"
#include "lib/testpoint.h"
#include "lib/util.h"

_Static_assert(VB_DENSITY_MAX <= VB_INST_MAX_WAIT, "vb_inst_wait_any watches every instance");

typedef struct dstate {
	const vb_run_cfg_t *cfg;
	const vb_env_ops_t *ops;
	vb_inst_t *in;	   /* the instances, in start order */
	json_t *recs;	   /* their records (array, borrowed from rec) */
	size_t n;	   /* instances started */
	uint64_t overhead; /* per-instance overhead estimate: the first one's idle footprint */
	json_t *rec;	   /* the environment's record */
} dstate_t;

static void say(const dstate_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const dstate_t *d, const char *fmt, ...)
{
	va_list ap;

	if (d->cfg->quiet)
		return;
	fprintf(stderr, "vbench: density %s: ", d->ops->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t fp_bytes(const json_t *fp)
{
	return vb_inst_pss(fp) +
	       (uint64_t)json_integer_value(json_object_get(fp, "page_cache_bytes"));
}

/* ---- the memory bound ------------------------------------------------- */

/*
 * Whether the next instance fits: it may use its allocation plus the
 * overhead measured on the first instance; the instances already running
 * may still grow to theirs; MemAvailable minus the margin must hold both.
 * 0 with @why (and the numbers in @rec's "memory_bound") when it does not.
 */
static int fits(dstate_t *d, char *why, size_t len)
{
	uint64_t total = 0, avail = 0, margin, reserved = 0, need, used, grow;
	char a[32], b[32], c[32], e[32], f[32];
	size_t i;

	if (vb_hostinfo_memory(&total, &avail, NULL) < 0 || !avail) {
		snprintf(why, len, "host memory unknown (no MemAvailable): not starting more");
		return 0;
	}
	margin = total / 100 * VB_DENSITY_MARGIN_PCT;
	margin = margin > VB_DENSITY_MARGIN_MIN ? margin : VB_DENSITY_MARGIN_MIN;
	grow = d->cfg->memory + d->overhead;
	for (i = 0; i < d->n; i++) {
		json_t *fp = vb_inst_footprint(&d->in[i]);
		used = fp_bytes(fp);
		json_decref(fp);
		reserved += grow > used ? grow - used : 0;
	}
	need = grow;
	json_object_set_new(d->rec, "memory_bound",
			    json_pack("{s:I,s:I,s:I,s:I,s:I}", "mem_available_bytes",
				      (json_int_t)avail, "margin_bytes", (json_int_t)margin,
				      "reserved_by_running_bytes", (json_int_t)reserved,
				      "next_instance_bytes", (json_int_t)need, "overhead_bytes",
				      (json_int_t)d->overhead));
	if (avail >= margin + reserved + need)
		return 1;
	snprintf(why, len,
		 "host memory: the next instance may use %s (allocation + %s overhead of the "
		 "first), the running ones may still claim %s, and MemAvailable %s minus the "
		 "%s margin does not hold both",
		 vb_format_size(need, a, sizeof(a)), vb_format_size(d->overhead, b, sizeof(b)),
		 vb_format_size(reserved, c, sizeof(c)), vb_format_size(avail, e, sizeof(e)),
		 vb_format_size(margin, f, sizeof(f)));
	return 0;
}

/* ---- starting ----------------------------------------------------------- */

/* Start instances until K, memory, a refusal or an interruption stops it. */
static void start_all(dstate_t *d, uint64_t k)
{
	char why[600] = "", tag[16];
	const char *kind = "k-reached";
	vb_error_t err;
	vb_inst_t *in;
	double ms;
	json_t *r, *fp;

	while (d->n < k) {
		if (vb_undo_interrupted()) {
			kind = "interrupted";
			snprintf(why, sizeof(why), "interrupted");
			break;
		}
		if (!fits(d, why, sizeof(why))) {
			kind = "memory";
			break;
		}
		in = &d->in[d->n];
		snprintf(tag, sizeof(tag), "-d%zu", d->n + 1);
		vb_error_clear(&err);
		if (vb_inst_start(in, d->ops, d->cfg, tag, NULL, &err) < 0) {
			kind = err.code == VB_EINTR || vb_env_lost_to_interrupt(&in->env)
				   ? "interrupted"
				   : "refused";
			snprintf(why, sizeof(why), "instance %zu %s: %s", d->n + 1,
				 err.code == VB_EINTR ? "interrupted" : "refused", err.msg);
			break;
		}
		fp = vb_inst_footprint(in);
		if (!d->n)
			d->overhead = fp_bytes(fp);
		ms = (double)in->env.start_ns / 1e6;
		r = json_pack("{s:i,s:I,s:O?,s:o,s:o}", "index", (int)d->n + 1, "start_latency_ns",
			      (json_int_t)in->env.start_ns, "agent_pid",
			      json_object_get(in->env.ready, "pid"), "memory_at_start", fp, "disk",
			      vb_inst_disk(in));
		json_array_append_new(d->recs, r);
		d->n++;
		say(d, "instance %zu started in %.4g ms", d->n, ms);
	}
	if (d->n == k)
		snprintf(why, sizeof(why), "reached K=%llu", (unsigned long long)k);
	json_object_set_new(d->rec, "stopped_because", json_string(why));
	json_object_set_new(d->rec, "stop_kind", json_string(kind));
	json_object_set_new(d->rec, "started", json_integer((json_int_t)d->n));
}

/* ---- under load ------------------------------------------------------- */

/* The hold request: mem.stream with three arrays of HOLD_PCT/3 of the allocation. */
static json_t *hold_request(const vb_run_cfg_t *cfg, vb_params_t *p, uint64_t *held,
			    vb_error_t *err)
{
	const vb_workload_t *w = vb_workload_find("mem.stream");
	uint64_t arr;

	if (!w)
		return vb_error_set(err, VB_EUSAGE, 0, "mem.stream not registered"), NULL;
	arr = cfg->memory / 100 * VB_DENSITY_HOLD_PCT / 3 / 4096 * 4096;
	arr = arr < (64u << 10) ? (64u << 10) : arr;
	*held = 3 * arr;
	vb_params_defaults(w, p);
	if (vb_params_set_u64(w, p, "array_bytes", arr, err) < 0 ||
	    vb_params_set_u64(w, p, "passes", VB_DENSITY_PASSES, err) < 0)
		return NULL;
	return vb_agent_run_request(cfg, 1, w, p, 0);
}

/* One footprint of every instance: an array, and the PSS sum in *@sum. */
static json_t *snapshot(dstate_t *d, uint64_t *sum)
{
	json_t *a = json_array(), *fp;
	size_t i;

	*sum = 0;
	for (i = 0; i < d->n; i++) {
		fp = vb_inst_footprint(&d->in[i]);
		*sum += vb_inst_pss(fp);
		json_array_append_new(a, fp);
	}
	return a;
}

/* Sample until the first instance answers; the round with the largest sum wins. */
static json_t *sample_until_first(dstate_t *d, vb_inst_t **ins, uint64_t t_send, json_t *load)
{
	uint64_t deadline = t_send + (uint64_t)(d->cfg->rep_timeout_s * 1e9), sum, best_sum = 0,
		 total, avail = 0, best_avail = 0, best_t = 0;
	json_t *best = NULL, *s;
	size_t samples = 0;
	int r;

	for (;;) {
		r = vb_inst_wait_any(ins, d->n, VB_DENSITY_SAMPLE_MS);
		if (r != -1 || vb_now_ns() > deadline)
			break;
		s = snapshot(d, &sum);
		samples++;
		if (sum > best_sum || !best) {
			json_decref(best);
			best = s;
			best_sum = sum;
			vb_hostinfo_memory(&total, &avail, NULL);
			best_avail = avail;
			best_t = vb_now_ns() - t_send;
		} else {
			json_decref(s);
		}
	}
	json_object_set_new(load, "samples", json_integer((json_int_t)samples));
	json_object_set_new(load, "sample_ms_after_send",
			    best ? json_real((double)best_t / 1e6) : json_null());
	json_object_set_new(load, "first_answer_ms",
			    json_real((double)(vb_now_ns() - t_send) / 1e6));
	json_object_set_new(load, "host_mem_available_bytes",
			    best ? json_integer((json_int_t)best_avail) : json_null());
	return best;
}

/* Every instance holds memory at once; footprints sampled meanwhile. */
static void load_all(dstate_t *d)
{
	vb_inst_t *ins[VB_DENSITY_MAX];
	uint64_t held = 0, t_send, limit = (uint64_t)(d->cfg->rep_timeout_s * 1e3), spent;
	json_t *req, *load, *best, *reply, *r;
	vb_params_t p;
	vb_error_t err;
	size_t i;

	if (!d->n || vb_undo_interrupted())
		return;
	vb_error_clear(&err);
	req = hold_request(d->cfg, &p, &held, &err);
	load = json_pack(
	    "{s:s,s:o,s:I,s:i,s:s}", "workload", "mem.stream", "params", vb_params_to_json(&p),
	    "held_bytes_per_instance", (json_int_t)held, "hold_pct", VB_DENSITY_HOLD_PCT, "method",
	    "one mem.stream request sent to every instance at once; every instance's "
	    "footprint sampled every 100 ms until the first answer; the round with the "
	    "largest PSS sum is kept (every instance's arrays allocated and filled)");
	json_object_set_new(d->rec, "load", load);
	if (!req) {
		json_object_set_new(load, "error", json_string(err.msg));
		return;
	}
	for (i = 0; i < d->n; i++) {
		ins[i] = &d->in[i];
		if (vb_inst_send(ins[i], req, &err) < 0)
			json_object_set_new(json_array_get(d->recs, i), "load_error",
					    json_string(err.msg));
	}
	json_decref(req);
	t_send = vb_now_ns();
	best = sample_until_first(d, ins, t_send, load);
	for (i = 0; i < d->n && !vb_undo_interrupted(); i++) {
		r = json_array_get(d->recs, i);
		json_object_set(r, "memory_loaded", best ? json_array_get(best, i) : json_null());
		if (!ins[i]->busy)
			continue;
		spent = (vb_now_ns() - t_send) / 1000000;
		reply =
		    vb_inst_recv(ins[i], spent + 1000 < limit ? (int)(limit - spent) : 1000, &err);
		if (!reply) {
			json_object_set_new(r, "load_error", json_string(err.msg));
			continue;
		}
		json_object_set_new(
		    r, "load_result",
		    json_pack("{s:O,s:O}", "elapsed_ns", json_object_get(reply, "elapsed_ns"),
			      "triad_mbs",
			      json_object_get(json_object_get(reply, "metrics"), "triad")));
		json_decref(reply);
	}
	json_decref(best);
}

/* ---- one environment -------------------------------------------------- */

/* The median over the instances of @key (of @sub when not NULL); NaN if none. */
static double median_of(dstate_t *d, const char *sub, const char *key, double *v)
{
	json_t *r, *o, *x;
	size_t i, n = 0;

	json_array_foreach (d->recs, i, r) {
		o = sub ? json_object_get(r, sub) : r;
		x = json_object_get(o, key);
		if (json_is_number(x))
			v[n++] = json_number_value(x);
	}
	return vb_median(v, n);
}

static json_t *jmedian(dstate_t *d, const char *sub, const char *key, double *v)
{
	double m = median_of(d, sub, key, v);

	return isfinite(m) ? json_integer((json_int_t)llround(m)) : json_null();
}

/* Per-instance medians and totals; then stop everything. */
static void finish(dstate_t *d)
{
	uint64_t idle_sum = 0, load_sum = 0, disk_sum = 0, own, shared;
	double v[VB_DENSITY_MAX];
	json_t *r, *disk;
	size_t i;

	for (i = d->n; i-- > 0;) {
		json_object_set_new(json_array_get(d->recs, i), "stop_latency_ns",
				    json_integer((json_int_t)vb_inst_stop(&d->in[i])));
		if (d->in[i].stop_timed_out) /* killed after --stop-timeout */
			json_object_set_new(json_array_get(d->recs, i), "stop_timed_out",
					    json_true());
	}
	for (i = 0; i < d->n; i++) {
		r = json_array_get(d->recs, i);
		idle_sum += vb_inst_pss(json_object_get(r, "memory_idle"));
		load_sum += vb_inst_pss(json_object_get(r, "memory_loaded"));
		disk = json_object_get(r, "disk");
		if (!json_is_object(disk))
			continue;
		own = (uint64_t)json_integer_value(json_object_get(disk, "own_bytes"));
		shared = (uint64_t)json_integer_value(json_object_get(disk, "shared_bytes"));
		json_object_set_new(disk, "per_instance_bytes",
				    json_integer((json_int_t)(own + shared / d->n)));
		disk_sum += own + shared / d->n;
	}
	json_object_set_new(d->rec, "totals",
			    json_pack("{s:I,s:I,s:I}", "pss_idle_bytes", (json_int_t)idle_sum,
				      "pss_loaded_bytes", (json_int_t)load_sum, "disk_bytes",
				      (json_int_t)disk_sum));
	json_object_set_new(d->rec, "per_instance",
			    json_pack("{s:o,s:o,s:o,s:o,s:o,s:s}", "start_latency_ns",
				      jmedian(d, NULL, "start_latency_ns", v), "pss_idle_bytes",
				      jmedian(d, "memory_idle", "pss_bytes", v), "pss_loaded_bytes",
				      jmedian(d, "memory_loaded", "pss_bytes", v),
				      "page_cache_loaded_bytes",
				      jmedian(d, "memory_loaded", "page_cache_bytes", v),
				      "disk_bytes", jmedian(d, "disk", "per_instance_bytes", v),
				      "statistic", "median over the instances"));
}

static void density_env(const vb_run_cfg_t *cfg, const vb_env_ops_t *ops, json_t *rec)
{
	dstate_t d = { .cfg = cfg, .ops = ops, .rec = rec };
	uint64_t sum, t0 = vb_now_ns();
	json_t *snap;
	size_t i;

	d.in = calloc(cfg->density, sizeof(*d.in));
	d.recs = json_array();
	json_object_set_new(rec, "instances", d.recs);
	if (!d.in) {
		json_object_set_new(rec, "stopped_because", json_string("out of memory"));
		return;
	}
	start_all(&d, cfg->density);
	vb_test_point("density", ops->name); /* the instances up, before their load */
	if (d.n && !vb_undo_interrupted()) {
		snap = snapshot(&d, &sum);
		for (i = 0; i < d.n; i++)
			json_object_set(json_array_get(d.recs, i), "memory_idle",
					json_array_get(snap, i));
		json_decref(snap);
		say(&d, "%zu up (%s), idle PSS %.1f MiB in all; holding %d%% of each allocation",
		    d.n, json_string_value(json_object_get(rec, "stopped_because")),
		    (double)sum / 1048576.0, VB_DENSITY_HOLD_PCT);
		load_all(&d);
	}
	/* an instance lost to a signal vbench gets too: the whole is measured
	 * again on --resume (vb_density_run) */
	for (i = 0; i < d.n && !vb_env_lost_to_interrupt(&d.in[i].env); i++)
		;
	finish(&d);
	json_object_set_new(rec, "elapsed_s", json_real((double)(vb_now_ns() - t0) / 1e9));
	free(d.in);
}

int vb_density_run(const vb_run_cfg_t *cfg, const vb_env_ops_t *const *envs, size_t n, json_t *doc)
{
	json_t *all, *rec;
	size_t i;

	if (!cfg->density || !n)
		return 0;
	all = json_object_get(doc, "density"); /* a resumed run's: kept */
	if (!json_is_object(all)) {
		all = json_object(); /* only now: an early return must not leak it */
		json_object_set_new(doc, "density", all);
	}
	for (i = 0; i < n && !vb_undo_interrupted(); i++) {
		rec = json_object_get(all, envs[i]->name);
		if (rec && !json_is_true(json_object_get(rec, "interrupted")))
			continue; /* measured by an earlier session */
		rec = json_pack("{s:I,s:s,s:I,s:s}", "k_requested", (json_int_t)cfg->density,
				"type", envs[i]->type, "memory_bytes", (json_int_t)cfg->memory,
				"cpus", cfg->env_cpus);
		json_object_set_new(all, envs[i]->name, rec);
		density_env(cfg, envs[i], rec);
		if (vb_undo_interrupted()) /* measured again by --resume */
			json_object_set_new(rec, "interrupted", json_true());
		if (vb_runfile_save_at(doc, cfg->out_fd, cfg->out, NULL) < 0)
			return -1; /* a full disk: the run's last save says so */
	}
	return vb_undo_interrupted() ? -1 : 0;
}
