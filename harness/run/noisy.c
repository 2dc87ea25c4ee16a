/*
 * noisy.c - a victim and an aggressor instance side by side (noisy.h).
 *
 * The aggressor loops: the harness watches both channels at once
 * (vb_inst_wait_any) and sends the aggressor its next request the moment
 * it answers, so it is busy for the whole victim phase except for the
 * round trip; the share of the victim phase it was busy is recorded.  Its
 * first answer is waited for before the victim starts (a warm-up: its
 * set-up is not the steady pressure) and the request in flight when the
 * last victim repetition ends is drained and counted.
 */
#include "harness/run/noisy.h"

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
#include "harness/run/sizing.h"
#include "harness/analysis/stats.h"
#include "lib/json.h"
#include "lib/testpoint.h"
#include "lib/util.h"

#define MAX_AGG 4096 /* aggressor repetitions kept per pair */

static const struct nkind {
	unsigned bit;
	const char *name;      /* "cpu" */
	const char *victim;    /* victim workload */
	const char *aggressor; /* aggressor workload */
} kinds[] = {
	{ VB_NOISY_CPU, "cpu", "cpu.int", "cpu.int" },
	{ VB_NOISY_MEM, "mem", "mem.stream", "mem.stream" },
	{ VB_NOISY_IO, "io", "io.randread", "io.randwrite" },
};

/* One victim/aggressor pair at work. */
typedef struct pair {
	const vb_run_cfg_t *cfg;
	const char *env;
	vb_inst_t *v, *a;
	const vb_workload_t *vw, *aw;
	vb_params_t vp, ap;
	double alone[VB_NOISY_REPS], with[VB_NOISY_REPS];
	size_t nalone, nwith;
	double agg[MAX_AGG]; /* aggressor primary metric, reps overlapping the victim */
	size_t nagg;
	uint64_t win0, win1, busy; /* victim phase window and the aggressor's busy time in it */
	char err[512];
} pair_t;

static void say(const vb_run_cfg_t *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const vb_run_cfg_t *cfg, const char *fmt, ...)
{
	va_list ap;

	if (cfg->quiet)
		return;
	fprintf(stderr, "vbench: noisy ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double primary(const vb_workload_t *w, const json_t *reply)
{
	json_t *v = json_object_get(json_object_get(reply, "metrics"), w->metrics[0].name);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* ---- placement ---------------------------------------------------------- */

static unsigned popcount(uint64_t m)
{
	return (unsigned)__builtin_popcountll(m);
}

/* The @n highest CPUs of @m. */
static uint64_t highest(uint64_t m, unsigned n)
{
	uint64_t out = 0;
	int i;

	for (i = 63; i >= 0 && popcount(out) < n; i--)
		if (m & (1ull << i))
			out |= 1ull << i;
	return out;
}

/* The aggressor's CPU list into @cpus; the placement in words (new reference). */
static json_t *placement(const vb_run_cfg_t *cfg, char *cpus, size_t len)
{
	uint64_t online = vb_inst_online_cpus(), env = 0, harness = 0, pick;
	unsigned n = (unsigned)cfg->cpus;
	const char *how;

	vb_cpulist_parse(cfg->env_cpus, &env);
	if (vb_cpulist_parse(cfg->harness_cpus, &harness) < 0)
		harness = 0;
	if (popcount(online & ~env & ~harness) >= n) {
		pick = highest(online & ~env & ~harness, n);
		how = "separate CPUs: neither the victim's nor the harness's";
	} else if (popcount(online & ~env) >= n) {
		pick = highest(online & ~env, n);
		how = "separate from the victim's CPUs; shared with the harness, which only waits "
		      "for answers";
	} else {
		pick = env;
		how = "the victim's own CPUs (too few host CPUs): CPU contention is measured, "
		      "not isolation";
	}
	vb_cpulist_format(pick, cpus, len);
	return json_pack("{s:s,s:s,s:i,s:s}", "victim_cpus", cfg->env_cpus, "aggressor_cpus", cpus,
			 "host_cpus", (int)popcount(online), "how", how);
}

/* ---- parameters ------------------------------------------------------- */

static int probe(void *ctx, const vb_workload_t *w, const vb_params_t *p, uint64_t *elapsed_ns,
		 vb_error_t *err)
{
	vb_inst_t *in = ctx;
	json_t *req = vb_agent_run_request(in->cfg, 0, w, p, 0), *reply;

	reply = vb_inst_call(in, req, err);
	json_decref(req);
	if (!reply)
		return -1;
	*elapsed_ns = (uint64_t)json_integer_value(json_object_get(reply, "elapsed_ns"));
	json_decref(reply);
	return 0;
}

/* Sized like the run's workloads, calibrated on @in alone to the target. */
static int params_for(const vb_run_cfg_t *cfg, const vb_workload_t *w, vb_inst_t *in,
		      vb_params_t *p, json_t **cal, vb_error_t *err)
{
	double target = VB_NOISY_TARGET_S / (cfg->profile->tiny ? 5 : 1);
	vb_caches_t caches;
	vb_sizing_t sz;
	int fixed;

	vb_hostinfo_caches(&caches);
	vb_sizing_init(&sz, &caches, cfg->memory, (unsigned)cfg->cpus, cfg->profile->tiny);
	if (vb_sizing_params(w, &sz, cfg, p, &fixed, err) < 0)
		return -1;
	if (fixed || !w->scale_param)
		return 0;
	return vb_sizing_calibrate(w, p, target, probe, in, cal, err);
}

/* ---- the phases ------------------------------------------------------- */

/* @n victim repetitions alone into @out. */
static int alone(pair_t *pr, double *out, size_t *n, vb_error_t *err)
{
	json_t *req = vb_agent_run_request(pr->cfg, 1, pr->vw, &pr->vp, 0), *reply;

	for (*n = 0; *n < VB_NOISY_REPS && !vb_undo_interrupted(); (*n)++) {
		reply = vb_inst_call(pr->v, req, err);
		if (!reply)
			break;
		out[*n] = primary(pr->vw, reply);
		json_decref(reply);
	}
	json_decref(req);
	return *n == VB_NOISY_REPS ? 0 : -1;
}

/* An aggressor answer arrived: count it if it overlapped the victim phase. */
static int aggressor_done(pair_t *pr, int more, const json_t *areq, vb_error_t *err)
{
	uint64_t sent = pr->a->sent_ns, done, lo, hi;
	json_t *reply = vb_inst_recv(pr->a, (int)(pr->cfg->rep_timeout_s * 1000), err);

	if (!reply)
		return -1;
	done = vb_now_ns();
	if (pr->win0 && done > pr->win0) {
		lo = sent > pr->win0 ? sent : pr->win0;
		hi = pr->win1 && done > pr->win1 ? pr->win1 : done;
		pr->busy += hi > lo ? hi - lo : 0;
		if (pr->nagg < MAX_AGG)
			pr->agg[pr->nagg++] = primary(pr->aw, reply);
	}
	json_decref(reply);
	return more ? vb_inst_send(pr->a, areq, err) : 0;
}

/* The victim's repetitions while the aggressor loops. */
static int with_aggressor(pair_t *pr, vb_error_t *err)
{
	json_t *vreq = vb_agent_run_request(pr->cfg, 2, pr->vw, &pr->vp, 0),
	       *areq = vb_agent_run_request(pr->cfg, 3, pr->aw, &pr->ap, 0), *reply;
	vb_inst_t *ins[2] = { pr->v, pr->a };
	uint64_t deadline;
	int rc = -1, r;

	/* Warm-up: the aggressor's first answer, then it loops. */
	if (vb_inst_send(pr->a, areq, err) < 0 || aggressor_done(pr, 1, areq, err) < 0)
		goto out;
	pr->win0 = vb_now_ns();
	for (pr->nwith = 0; pr->nwith < VB_NOISY_REPS;) {
		if (vb_inst_send(pr->v, vreq, err) < 0)
			goto out;
		deadline = vb_now_ns() + (uint64_t)(pr->cfg->rep_timeout_s * 1e9);
		for (;;) {
			r = vb_inst_wait_any(ins, 2, 1000);
			if (r == -2) {
				vb_error_set(err, VB_EINTR, 0, "interrupted");
				goto out;
			}
			if (r == 1 && aggressor_done(pr, 1, areq, err) < 0)
				goto out;
			if (r == 0)
				break;
			if (vb_now_ns() > deadline) {
				vb_error_set(err, VB_ETIMEOUT, 0, "victim: no answer within %g s",
					     pr->cfg->rep_timeout_s);
				goto out;
			}
		}
		reply = vb_inst_recv(pr->v, 1000, err);
		if (!reply)
			goto out;
		pr->with[pr->nwith++] = primary(pr->vw, reply);
		json_decref(reply);
	}
	pr->win1 = vb_now_ns();
	rc = aggressor_done(pr, 0, areq, err); /* the request in flight overlapped the end */
out:
	json_decref(vreq);
	json_decref(areq);
	return rc;
}

/* ---- statistics and the record ---------------------------------------- */

static json_t *values_json(const double *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, isfinite(v[i]) ? json_real(v[i]) : json_null());
	return a;
}

/* Victim's time per unit of work with the aggressor over alone, with interval. */
static json_t *slowdown_json(const pair_t *pr, const char *kind)
{
	int higher = pr->vw->metrics[0].better == VB_HIGHER_IS_BETTER;
	const char *la[3] = { pr->env, kind, "alone" }, *lw[3] = { pr->env, kind, "with" };
	double *ra = malloc(VB_STATS_RESAMPLES * sizeof(double)),
	       *rw = malloc(VB_STATS_RESAMPLES * sizeof(double)),
	       *rr = malloc(VB_STATS_RESAMPLES * sizeof(double)), ratio;
	vb_ci_t ci = { NAN, NAN };

	ratio = vb_overhead_ratio(vb_median(pr->alone, pr->nalone), vb_median(pr->with, pr->nwith),
				  higher);
	if (ra && rw && rr &&
	    vb_boot_medians(pr->alone, pr->nalone, VB_STATS_RESAMPLES,
			    vb_stats_stream(VB_STATS_SEED, la, 3), ra) == 0 &&
	    vb_boot_medians(pr->with, pr->nwith, VB_STATS_RESAMPLES,
			    vb_stats_stream(VB_STATS_SEED, lw, 3), rw) == 0) {
		vb_ratio_replicates(ra, rw, VB_STATS_RESAMPLES, higher, rr);
		vb_boot_interval(rr, VB_STATS_RESAMPLES, VB_STATS_LEVEL, &ci);
	}
	free(ra);
	free(rw);
	free(rr);
	return json_pack("{s:o,s:o,s:o,s:s,s:b,s:s}", "ratio", vb_json_real(ratio), "ci_low", vb_json_real(ci.lo),
			 "ci_high", vb_json_real(ci.hi), "verdict", vb_verdict_name(vb_verdict(&ci)),
			 "indicative", 1, "definition",
			 "victim's time per unit of work with the aggressor / alone (ratio of "
			 "medians, 95% bootstrap interval); 1 = no slowdown");
}

static json_t *aggressor_json(const pair_t *pr, double alone_rate)
{
	double during = vb_median(pr->agg, pr->nagg);
	uint64_t span = pr->win1 > pr->win0 ? pr->win1 - pr->win0 : 0;

	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "metric", pr->aw->metrics[0].name,
			 "unit", pr->aw->metrics[0].unit, "better",
			 pr->aw->metrics[0].better == VB_HIGHER_IS_BETTER ? "higher" : "lower",
			 "alone", vb_json_real(alone_rate), "during", values_json(pr->agg, pr->nagg),
			 "during_median", vb_json_real(during), "during_to_alone",
			 vb_json_real(isfinite(alone_rate) && alone_rate > 0 ? during / alone_rate : NAN),
			 "busy_share", vb_json_real(span ? (double)pr->busy / (double)span : NAN));
}

/* One kind on the pair of instances; the record (new reference). */
static json_t *noisy_pair(const vb_run_cfg_t *cfg, const char *env, const struct nkind *k,
			  vb_inst_t *v, vb_inst_t *a)
{
	pair_t *pr = calloc(1, sizeof(*pr));
	json_t *rec = json_pack("{s:s,s:s,s:s}", "kind", k->name, "victim_workload", k->victim,
				"aggressor", k->aggressor),
	       *vcal = NULL, *acal = NULL, *req, *reply;
	double arate = NAN;
	vb_error_t err;

	vb_error_clear(&err);
	if (!pr)
		return json_object_set_new(rec, "error", json_string("out of memory")), rec;
	pr->cfg = cfg;
	pr->env = env;
	pr->v = v;
	pr->a = a;
	pr->vw = vb_workload_find(k->victim);
	pr->aw = vb_workload_find(k->aggressor);
	if (!pr->vw || !pr->aw || params_for(cfg, pr->vw, v, &pr->vp, &vcal, &err) < 0)
		goto fail;
	if (pr->aw == pr->vw)
		pr->ap = pr->vp;
	else if (params_for(cfg, pr->aw, a, &pr->ap, &acal, &err) < 0)
		goto fail;
	json_object_set_new(rec, "victim_params", vb_params_to_json(&pr->vp));
	json_object_set_new(rec, "aggressor_params", vb_params_to_json(&pr->ap));
	json_object_set_new(rec, "calibration", vcal ?: json_null());
	json_object_set_new(rec, "aggressor_calibration", acal ?: json_null());
	vcal = acal = NULL;
	json_object_set_new(rec, "metric", json_string(pr->vw->metrics[0].name));
	json_object_set_new(rec, "unit", json_string(pr->vw->metrics[0].unit));
	if (alone(pr, pr->alone, &pr->nalone, &err) < 0)
		goto fail;
	req = vb_agent_run_request(cfg, 4, pr->aw, &pr->ap, 0); /* the aggressor's own rate, alone */
	reply = vb_inst_call(a, req, &err);
	json_decref(req);
	if (!reply)
		goto fail;
	arate = primary(pr->aw, reply);
	json_decref(reply);
	if (with_aggressor(pr, &err) < 0)
		goto fail;
	json_object_set_new(rec, "alone", values_json(pr->alone, pr->nalone));
	json_object_set_new(rec, "with_aggressor", values_json(pr->with, pr->nwith));
	json_object_set_new(rec, "slowdown", slowdown_json(pr, k->name));
	json_object_set_new(rec, "aggressor_rate", aggressor_json(pr, arate));
	free(pr);
	return rec;
fail:
	json_decref(vcal);
	json_decref(acal);
	json_object_set_new(rec, "error", json_string(err.msg[0] ? err.msg : "failed"));
	free(pr);
	return rec;
}

/* ---- per environment -------------------------------------------------- */

/* Whether @ops cannot measure the victim or the aggressor of @k. */
static int not_run(const vb_env_ops_t *ops, const struct nkind *k)
{
	const vb_workload_t *v = vb_workload_find(k->victim), *a = vb_workload_find(k->aggressor);

	return (v && (v->flags & ops->not_run)) || (a && (a->flags & ops->not_run));
}

static void noisy_env(const vb_run_cfg_t *cfg, const vb_env_ops_t *ops, json_t *rec)
{
	vb_inst_t v, a;
	char cpus[64];
	json_t *pairs = json_array(), *p, *sd;
	uint64_t t0 = vb_now_ns();
	vb_error_t err;
	size_t i;

	memset(&v, 0, sizeof(v));
	memset(&a, 0, sizeof(a));
	json_object_set_new(rec, "placement", placement(cfg, cpus, sizeof(cpus)));
	json_object_set_new(rec, "pairs", pairs);
	vb_error_clear(&err);
	if (vb_inst_start(&v, ops, cfg, "-nv", NULL, &err) < 0 ||
	    vb_inst_start(&a, ops, cfg, "-na", cpus, &err) < 0) {
		json_object_set_new(rec, "error", json_string(err.msg));
		say(cfg, "%s: %s", ops->name, err.msg);
		goto out;
	}
	vb_test_point("noisy", ops->name); /* victim and aggressor up, before the pairs */
	for (i = 0; i < VB_ARRAY_SIZE(kinds) && !vb_undo_interrupted(); i++) {
		if (!(cfg->noisy & kinds[i].bit))
			continue;
		if (not_run(ops, &kinds[i])) { /* its backend cannot measure them */
			json_array_append_new(pairs, json_pack("{s:s,s:s,s:s,s:s}", "kind",
							       kinds[i].name, "victim_workload",
							       kinds[i].victim, "aggressor",
							       kinds[i].aggressor, "error",
							       ops->not_run_why));
			say(cfg, "%s %s: not run: %s", ops->name, kinds[i].name, ops->not_run_why);
			continue;
		}
		p = noisy_pair(cfg, ops->name, &kinds[i], &v, &a);
		json_array_append_new(pairs, p);
		sd = json_object_get(p, "slowdown");
		if (sd)
			say(cfg,
			    "%s %s: victim slowdown x%.3g [%.3g-%.3g], aggressor at %.3g of its "
			    "rate alone",
			    ops->name, kinds[i].name,
			    json_number_value(json_object_get(sd, "ratio")),
			    json_number_value(json_object_get(sd, "ci_low")),
			    json_number_value(json_object_get(sd, "ci_high")),
			    json_number_value(json_object_get(json_object_get(p, "aggressor_rate"),
							      "during_to_alone")));
		else
			say(cfg, "%s %s: %s", ops->name, kinds[i].name,
			    json_string_value(json_object_get(p, "error")));
		if (!v.up || !a.up || v.busy || a.busy)
			break; /* a request still in flight: these instances are done */
	}
out:
	/* an instance lost to a signal vbench gets too: the environment is
	 * measured again on --resume (vb_noisy_run) */
	if (!vb_env_lost_to_interrupt(&v.env))
		vb_env_lost_to_interrupt(&a.env);
	vb_inst_stop(&a);
	vb_inst_stop(&v);
	json_object_set_new(rec, "elapsed_s", json_real((double)(vb_now_ns() - t0) / 1e9));
}

int vb_noisy_run(const vb_run_cfg_t *cfg, const vb_env_ops_t *const *envs, size_t n, json_t *doc)
{
	json_t *all, *rec;
	size_t i;

	if (!cfg->noisy || !n)
		return 0;
	all = json_object_get(doc, "noisy"); /* a resumed run's: kept */
	if (!json_is_object(all)) {
		all = json_object(); /* only now: an early return must not leak it */
		json_object_set_new(doc, "noisy", all);
	}
	for (i = 0; i < n && !vb_undo_interrupted(); i++) {
		rec = json_object_get(all, envs[i]->name);
		if (rec && !json_is_true(json_object_get(rec, "interrupted")))
			continue; /* measured by an earlier session */
		rec = json_pack("{s:s,s:i}", "type", envs[i]->type, "reps", VB_NOISY_REPS);
		json_object_set_new(all, envs[i]->name, rec);
		noisy_env(cfg, envs[i], rec);
		if (vb_undo_interrupted()) /* measured again by --resume */
			json_object_set_new(rec, "interrupted", json_true());
		if (vb_runfile_save_at(doc, cfg->out_fd, cfg->out, NULL) < 0)
			return -1; /* a full disk: the run's last save says so */
	}
	return vb_undo_interrupted() ? -1 : 0;
}
