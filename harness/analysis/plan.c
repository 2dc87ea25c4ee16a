/*
 * plan.c - the capacity plan's computation (plan.h): normalise every
 * service's CPU demand to cores of the run's host, derive each environment's
 * factors from the run's summary, and pack the instances onto hosts.
 *
 * Nothing here measures or recomputes statistics: the overhead ratios, their
 * intervals and verdicts, the host CPU cost and the footprints come from the
 * summary and run.json; vb_geomean combines host-cost ratios the summary
 * already has.  The model (docs/plan.md): an instance of service s in
 * environment e needs
 *
 *   CPU    = cpu(s) x cpu_factor(e)      host cores
 *   memory = memory(s) + footprint(e)    host bytes
 *   disk   = disk(s) + image(e)          bytes
 *   IOPS   = io(s) x io_factor(e)        bare-metal IOPS
 *
 * and a host offers capacity x (1 - headroom), CPU also x overcommit.  CPU
 * and IOPS peaks of the instances on one host add up as
 * sqrt((1 - rho) * sum(p^2) + rho * (sum p)^2): their sum when rho = 1
 * (peaks coincide, the default).  Memory and disk always add up.
 */
#include "harness/analysis/plan.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/plan_int.h"
#include "harness/core/runfile.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "lib/util.h"

#define EPS	     1e-9 /* relative slack of a capacity comparison */
#define MAX_PER_HOST 1000000000u

static const char *const res_names[VB_RES_N] = {"CPU", "memory", "disk", "IOPS"};

const char *vb_plan_res_name(int res)
{
	return res >= 0 && res < VB_RES_N ? res_names[res] : "?";
}

void vb_plan_opts_init(vb_plan_opts_t *o)
{
	o->headroom = 0.20;
	o->overcommit = 1.0;
	o->spare = 0;
	o->correlation = 1.0;
	o->conservative = 0;
	o->margin = VB_VERDICT_MARGIN;
}

void vb_plan_usable(const vb_plan_host_t *h, const vb_plan_opts_t *o, double *usable)
{
	int r;

	for (r = 0; r < VB_RES_N; r++)
		usable[r] = h->cap[r] * (1.0 - o->headroom);
	usable[VB_RES_CPU] *= o->overcommit;
}

/* ---- values out of the summary ---- */

int vb_plan_bare_primary(const json_t *summary, const char *wl, double *median, int *higher,
			 const char **unit)
{
	const char *base = vb_json_str(summary, "baseline");
	const json_t *m;

	if (!base || !vb_summary_result(summary, base, wl))
		return -1;
	m = vb_summary_primary(summary, base, wl);
	*median = vb_json_num(m, "median");
	*higher = !strcmp(vb_json_str(m, "better") ?: "", "higher");
	*unit = vb_json_str(m, "unit") ?: "";
	if (!isfinite(*median))
		return -1;
	return isnormal(*median) && *median > 0 ? 0 : -2;
}


/* ---- CPU demand of each service ---- */

/* "PATH:LINE: field 'KEY' of [service NAME]: ..." for service @c's key @k. */
static int svc_error(const vb_plan_input_t *in, const vb_plan_service_t *c, int k, const char *key,
		     const char *msg, vb_error_t *err)
{
	return vb_error_set(err, VB_EUSAGE, 0, "%s:%d: field '%s' of [service %s]: %s", in->path,
			    c->key_line[k], key, c->name, msg);
}

/* A service's CPU demand must be a number a host can be sized with. */
static int check_cpu(const vb_plan_input_t *in, vb_plan_service_t *c, int k, const char *key,
		     vb_error_t *err)
{
	char msg[300];

	if (isfinite(c->cpu) && c->cpu >= 0)
		return 0;
	snprintf(msg, sizeof(msg),
		 "the CPU demand computed from it and the run is %g cores (%s): the run's values "
		 "cannot size it",
		 c->cpu, c->cpu_basis);
	return svc_error(in, c, k, key, msg, err);
}

static int resolve_util(const vb_plan_input_t *in, vb_plan_service_t *c, const json_t *summary,
			vb_error_t *err)
{
	const char *unit;
	double host, slower;
	char msg[400];
	int higher;

	switch (vb_plan_bare_primary(summary, c->score_workload, &host, &higher, &unit)) {
	case -1:
		snprintf(msg, sizeof(msg),
			 "the run has no bare-metal %s result to compare the score with (run "
			 "`vbench run --env bare --workload %s` on the target host)",
			 c->score_workload, c->score_workload);
		return svc_error(in, c, VB_PK_SERVER_SCORE, "server_cpu_score", msg, err);
	case -2:
		snprintf(msg, sizeof(msg),
			 "the run's bare-metal %s median is %g %s, not a positive normal number: "
			 "the score cannot be compared with it (measure %s again)",
			 c->score_workload, host, unit, c->score_workload);
		return svc_error(in, c, VB_PK_SERVER_SCORE, "server_cpu_score", msg, err);
	}
	slower = vb_overhead_ratio(host, c->server_score, higher);
	c->cpu = c->utilisation * c->server_cpus / slower;
	snprintf(c->cpu_basis, sizeof(c->cpu_basis),
		 "%g%% of %g cores of %s (%s %.4g %s; this host %.4g %s: one of its cores = %.3g "
		 "of ours)",
		 c->utilisation * 100, c->server_cpus,
		 c->server_cpu[0] ? c->server_cpu : "a server", c->score_workload, c->server_score,
		 unit, host, unit, 1.0 / slower);
	return check_cpu(in, c, VB_PK_SERVER_SCORE, "server_cpu_score", err);
}

/* Speed of the other run's host relative to ours (>1: theirs is slower), or NaN. */
static double relative_speed(const json_t *ours, const json_t *theirs, const char *wl)
{
	double a, b, r;
	const char *u;
	int ha, hb;

	if (vb_plan_bare_primary(ours, wl, &a, &ha, &u) < 0 ||
	    vb_plan_bare_primary(theirs, wl, &b, &hb, &u) < 0)
		return NAN;
	r = vb_overhead_ratio(a, b, ha);
	return isnormal(r) && r > 0 ? r : NAN;
}

/* The bare-metal host CPU seconds per operation of @c's workload in @sum
 * (the run @where names) into *@hc; -1 with @err at the workload's line. */
static int bare_host_cost(const vb_plan_input_t *in, const vb_plan_service_t *c,
			  const json_t *sum, const char *where, double *hc, vb_error_t *err)
{
	const json_t *r = vb_summary_result(sum, vb_json_str(sum, "baseline") ?: "", c->workload);
	char msg[700];

	*hc = vb_json_num(json_object_get(r, "host_cost"), "median");
	if (isnormal(*hc) && *hc > 0)
		return 0;
	if (isfinite(*hc) && *hc > 0)
		snprintf(msg, sizeof(msg),
			 "%s has a bare-metal host CPU cost of %s too small to use (%g s/op, not a "
			 "normal number)",
			 where, c->workload, *hc);
	else
		snprintf(msg, sizeof(msg),
			 "%s has no bare-metal host CPU cost of %s (the workload was not run on "
			 "bare metal, or without cgroup accounting)",
			 where, c->workload);
	return svc_error(in, c, VB_PK_WORKLOAD, "workload", msg, err);
}

/* workload and op_rate alone: this run's bare-metal cost of a request
 * (each environment's factor is the workload's own: vb_plan_env_services). */
static int resolve_rate(const vb_plan_input_t *in, vb_plan_service_t *c, const json_t *summary,
			vb_error_t *err)
{
	double hc;

	if (bare_host_cost(in, c, summary, "the run", &hc, err) < 0)
		return -1;
	c->cpu = hc * c->op_rate;
	snprintf(c->cpu_basis, sizeof(c->cpu_basis),
		 "%.4g host CPU s/op of %s on bare metal x %g op/s; in each environment %s's "
		 "own overhead",
		 hc, c->workload, c->op_rate, c->workload);
	return check_cpu(in, c, VB_PK_OP_RATE, "op_rate", err);
}

static int resolve_run(const vb_plan_input_t *in, vb_plan_service_t *c, const json_t *summary,
		       const char *plan_dir, vb_error_t *err)
{
	char dir[PATH_MAX], path[PATH_MAX], msg[700];
	json_t *run = NULL, *sum = NULL;
	vb_summary_cfg_t cfg;
	double hc, speed;
	const char *b1, *b2;

	if (c->from_run[0] == '/' || !plan_dir)
		snprintf(dir, sizeof(dir), "%s", c->from_run);
	else
		snprintf(dir, sizeof(dir), "%s/%s", plan_dir, c->from_run);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	vb_summary_cfg_init(&cfg);
	run = vb_runfile_load(path, err);
	if (run)
		vb_text_clean_json(run); /* the plan quotes it: printable only */
	if (run && vb_summary_check_run(run, path, err) == 0)
		sum = vb_summary_build(run, &cfg, err);
	if (!sum) {
		snprintf(msg, sizeof(msg), "%s", err->msg);
		json_decref(run);
		return svc_error(in, c, VB_PK_FROM_RUN, "from_run", msg, err);
	}
	if (bare_host_cost(in, c, sum, dir, &hc, err) < 0) {
		json_decref(sum);
		json_decref(run);
		return -1;
	}
	speed = relative_speed(summary, sum, VB_PLAN_SCORE_WORKLOAD);
	b1 = vb_json_str(json_object_get(summary, "host"), "cpu_brand");
	b2 = vb_json_str(json_object_get(sum, "host"), "cpu_brand");
	c->cpu = hc * c->op_rate / (isfinite(speed) ? speed : 1.0);
	snprintf(c->cpu_basis, sizeof(c->cpu_basis),
		 "%.4g host CPU s/op of %s on bare metal in %s x %g op/s%s", hc, c->workload,
		 c->from_run, c->op_rate,
		 isfinite(speed)	       ? ", normalised by both runs' cpu.int"
		 : b1 && b2 && !strcmp(b1, b2) ? " (same CPU model)"
					       : " (not normalised: no cpu.int in both runs)");
	json_decref(sum);
	json_decref(run);
	return check_cpu(in, c, VB_PK_OP_RATE, "op_rate", err);
}

int vb_plan_resolve(vb_plan_input_t *in, const json_t *summary, const char *plan_dir,
		    vb_error_t *err)
{
	vb_plan_service_t *c;
	const char *unit;
	double iops;
	size_t i;
	int higher;

	for (i = 0; i < in->nsvc; i++) {
		c = &in->svc[i];
		if (c->cpu_from == VB_PLAN_CPU_NONE)
			c->cpu_from = c->key_line[VB_PK_UTIL]	    ? VB_PLAN_CPU_UTIL
				      : c->key_line[VB_PK_FROM_RUN] ? VB_PLAN_CPU_RUN
				      : c->key_line[VB_PK_WORKLOAD] ? VB_PLAN_CPU_RATE
								    : VB_PLAN_CPU_DIRECT;
		if (c->cpu_from == VB_PLAN_CPU_UTIL && resolve_util(in, c, summary, err) < 0)
			return -1;
		if (c->cpu_from == VB_PLAN_CPU_RUN &&
		    resolve_run(in, c, summary, plan_dir, err) < 0)
			return -1;
		if (c->cpu_from == VB_PLAN_CPU_RATE && resolve_rate(in, c, summary, err) < 0)
			return -1;
		if (c->cpu_from == VB_PLAN_CPU_DIRECT)
			snprintf(c->cpu_basis, sizeof(c->cpu_basis), "given: %g cores", c->cpu);
	}
	if (in->host.cap[VB_RES_IO] <= 0 &&
	    vb_plan_bare_primary(summary, "io.randread", &iops, &higher, &unit) == 0 && higher) {
		in->host.cap[VB_RES_IO] = iops;
		snprintf(in->host.source[VB_RES_IO], sizeof(in->host.source[VB_RES_IO]),
			 "the run's bare io.randread median");
	}
	return 0;
}

/* ---- a demand larger than any host ---- */

int vb_plan_check(const vb_plan_input_t *in, const vb_plan_opts_t *o, vb_error_t *err)
{
	static const int mem_keys[VB_RES_N] = {-1, VB_PK_MEMORY, VB_PK_DISK, VB_PK_IO};
	static const char *const key[VB_RES_N] = {NULL, "memory", "disk", "io"};
	const vb_plan_service_t *c;
	double usable[VB_RES_N], d[VB_RES_N], total = 0;
	char a[32], b[32], h[32], msg[400];
	size_t i;
	int r, k;

	vb_plan_usable(&in->host, o, usable);
	for (i = 0; i < in->nsvc; i++) {
		c = &in->svc[i];
		total += c->count;
		d[VB_RES_CPU] = c->cpu, d[VB_RES_MEM] = c->memory;
		d[VB_RES_DISK] = c->disk, d[VB_RES_IO] = c->iops;
		for (r = 0; r < VB_RES_N; r++) {
			if (d[r] <= usable[r] * (1 + EPS) || (r == VB_RES_IO && usable[r] <= 0))
				continue;
			k = r == VB_RES_CPU ? (c->cpu_from == VB_PLAN_CPU_UTIL	? VB_PK_UTIL
					       : c->cpu_from == VB_PLAN_CPU_RUN ||
							 c->cpu_from == VB_PLAN_CPU_RATE
						   ? VB_PK_OP_RATE
						   : VB_PK_CPU)
					    : mem_keys[r];
			if (r == VB_RES_MEM || r == VB_RES_DISK)
				snprintf(msg, sizeof(msg),
					 "needs %s, more than any host offers: %s (%s less %g%% "
					 "headroom)",
					 vb_format_size((uint64_t)d[r], a, sizeof(a)),
					 vb_format_size((uint64_t)usable[r], b, sizeof(b)),
					 vb_format_size((uint64_t)in->host.cap[r], h, sizeof(h)),
					 o->headroom * 100);
			else
				snprintf(
				    msg, sizeof(msg),
				    "needs %.4g %s, more than any host offers: %.4g (%g%s less "
				    "%g%% headroom)",
				    d[r], r == VB_RES_CPU ? "cores" : "IOPS", usable[r],
				    in->host.cap[r],
				    r == VB_RES_CPU && o->overcommit != 1 ? " x overcommit" : "",
				    o->headroom * 100);
			return svc_error(in, c, k,
					 k == VB_PK_UTIL      ? "utilisation"
					 : k == VB_PK_OP_RATE ? "op_rate"
					 : r == VB_RES_CPU    ? "cpu"
							      : key[r],
					 msg, err);
		}
	}
	c = &in->svc[in->nsvc - 1];
	if (total > 1e6)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s:%d: field 'count' of [service %s]: more than 1000000 "
				    "instances in all",
				    in->path, c->key_line[VB_PK_COUNT] ?: c->line, c->name);
	return 0;
}

/* ---- placement ---- */

typedef struct load {
	double s1[VB_RES_N]; /* sum of the instances' needs */
	double s2[VB_RES_N]; /* sum of their squares (CPU, IOPS) */
} load_t;

/* The aggregate of a host's load for resource @r (correlation @rho for CPU and IOPS). */
static double aggregate(const load_t *l, int r, double rho)
{
	double v;

	if (r == VB_RES_MEM || r == VB_RES_DISK || rho >= 1.0)
		return l->s1[r];
	v = (1.0 - rho) * l->s2[r] + rho * l->s1[r] * l->s1[r];
	return sqrt(v > 0 ? v : 0);
}

/*
 * Whether @k more instances needing @need fit on a host loaded with @l; when
 * not, @why gets the first resource that overflows.
 */
static int fits(const load_t *l, const double *need, double k, const double *usable, double rho,
		int *why)
{
	load_t t = *l;
	int r;

	for (r = 0; r < VB_RES_N; r++) {
		if (usable[r] <= 0 && r == VB_RES_IO)
			continue;
		t.s1[r] += k * need[r];
		t.s2[r] += k * need[r] * need[r];
		if (aggregate(&t, r, rho) > usable[r] * (1 + EPS) && need[r] > 0) {
			if (why)
				*why = r;
			return 0;
		}
	}
	return 1;
}

/* Most instances of @need (at most @max) that fit on top of @l. */
static unsigned most(const load_t *l, const double *need, unsigned max, const double *usable,
		     double rho)
{
	unsigned lo = 0, hi = max, mid;

	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (fits(l, need, mid, usable, rho, NULL))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static void add(load_t *l, const double *need, unsigned k)
{
	int r;

	for (r = 0; r < VB_RES_N; r++) {
		l->s1[r] += k * need[r];
		l->s2[r] += k * need[r] * need[r];
	}
}

/* Services by decreasing dominant share of a host, file order among equals. */
static void order(const vb_plan_input_t *in, const vb_plan_fit_t *fit, const double *usable,
		  size_t *idx)
{
	double share[VB_PLAN_MAX_SERVICES], s;
	size_t i, j, t;
	int r;

	for (i = 0; i < in->nsvc; i++) {
		idx[i] = i;
		share[i] = 0;
		for (r = 0; r < VB_RES_N; r++)
			if (usable[r] > 0 && (s = fit->need[i][r] / usable[r]) > share[i])
				share[i] = s;
	}
	for (i = 1; i < in->nsvc; i++)
		for (j = i; j > 0 && share[idx[j]] > share[idx[j - 1]]; j--)
			t = idx[j], idx[j] = idx[j - 1], idx[j - 1] = t;
}

void vb_plan_needs(const vb_plan_input_t *in, size_t i, const vb_plan_env_t *e, double *need)
{
	const vb_plan_service_t *c = &in->svc[i];

	need[VB_RES_CPU] = c->cpu * (c->cpu_from == VB_PLAN_CPU_RATE ? e->svc_cpu[i] : e->cpu_factor);
	need[VB_RES_MEM] = c->memory + e->mem_footprint;
	need[VB_RES_DISK] = c->disk + e->disk_footprint;
	need[VB_RES_IO] = c->iops > 0 ? c->iops * e->io_factor : 0;
}

/* Fill fit->hosts and fit->use by first fit over @n services in @idx order. */
static void pack(const vb_plan_input_t *in, const vb_plan_opts_t *o, vb_plan_fit_t *fit,
		 const double *usable, const size_t *idx)
{
	load_t *hosts = NULL, *grown;
	size_t nh = 0, cap = 0, i, h, start;
	unsigned left, k = 0;
	double sum[VB_RES_N] = {0};
	int r;

	for (i = 0; i < in->nsvc; i++) {
		left = in->svc[idx[i]].count;
		for (start = 0; left;) {
			for (h = start; h < nh; h++)
				if ((k = most(&hosts[h], fit->need[idx[i]], left, usable,
					      o->correlation)))
					break;
			if (h == nh) {
				if (nh == cap) {
					cap = cap ? 2 * cap : 16;
					grown = realloc(hosts, cap * sizeof(*hosts));
					if (!grown) { /* reported as fitting nowhere */
						free(hosts);
						fit->fits = 0;
						fit->misfit = -1;
						return;
					}
					hosts = grown;
				}
				memset(&hosts[nh++], 0, sizeof(*hosts));
				k = most(&hosts[h], fit->need[idx[i]], left, usable,
					 o->correlation);
			}
			add(&hosts[h], fit->need[idx[i]], k);
			left -= k;
			start = h + 1;
		}
	}
	for (h = 0; h < nh; h++)
		for (r = 0; r < VB_RES_N; r++)
			sum[r] += aggregate(&hosts[h], r, o->correlation);
	fit->hosts = (unsigned)nh;
	fit->hosts_needed = (unsigned)nh + o->spare;
	fit->binding = VB_RES_CPU;
	for (r = 0; r < VB_RES_N; r++) {
		fit->use[r] = usable[r] > 0 && nh ? sum[r] / ((double)nh * usable[r]) : NAN;
		if (isfinite(fit->use[r]) && fit->use[r] > fit->use[fit->binding] + EPS)
			fit->binding = r;
	}
	free(hosts);
}

void vb_plan_place(const vb_plan_input_t *in, const vb_plan_opts_t *o, const vb_plan_env_t *env,
		   vb_plan_fit_t *fit)
{
	static const load_t empty;
	double usable[VB_RES_N];
	size_t idx[VB_PLAN_MAX_SERVICES], i;
	int why;

	memset(fit, 0, sizeof(*fit));
	vb_plan_usable(&in->host, o, usable);
	fit->fits = 1;
	for (i = 0; i < in->nsvc; i++) {
		vb_plan_needs(in, i, env, fit->need[i]);
		why = -1;
		fit->per_host[i] = most(&empty, fit->need[i], MAX_PER_HOST, usable, o->correlation);
		fits(&empty, fit->need[i], (double)fit->per_host[i] + 1, usable, o->correlation,
		     &why);
		fit->per_host_binding[i] = why;
		if (!fit->per_host[i] && fit->fits) {
			fit->fits = 0;
			fit->misfit = (int)i;
			fit->misfit_res = why;
		}
	}
	if (!fit->fits)
		return;
	order(in, fit, usable, idx);
	pack(in, o, fit, usable, idx);
}
