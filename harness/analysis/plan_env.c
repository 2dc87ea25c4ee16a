/*
 * plan_env.c - what a run says about each environment, as the capacity plan
 * uses it (plan.h), and the plan document.
 *
 * An environment's factors are read from the run's summary: the CPU- and
 * I/O-group geometric means of the overhead ratios with their intervals,
 * and the host CPU cost ratios of the CPU workloads; its per-instance memory
 * and disk from the footprints run.json recorded.  The rules (an interval
 * that contains 1 counts as x1; a factor below 1 counts as 1; --conservative
 * takes the interval's upper bound) are in docs/plan.md.  An environment
 * the run could not measure is listed with the reason, never planned.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/plan.h"
#include "harness/analysis/plan_int.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "harness/env/env.h"
#include "lib/json.h"
#include "lib/util.h"

/* The factor of one ratio with its interval and verdict (docs/plan.md):
 * equivalent counts as x1, undecided takes the upper bound (the range the
 * run cannot narrow), slower and faster their ratio. */
static double rule(double ratio, double lo, double hi, const char *verdict, int conservative)
{
	if (conservative && isfinite(hi))
		return hi;
	if (verdict && !strcmp(verdict, vb_verdict_name(VB_VERDICT_EQUIVALENT)))
		return 1.0;
	if (verdict && !strcmp(verdict, vb_verdict_name(VB_VERDICT_UNDECIDED)) && isfinite(hi))
		return hi;
	return ratio;
}

/* Factor of @env from the summary's group @kind ("cpu", "io"); NaN when absent. */
static double group_factor(const json_t *summary, const char *kind, const char *env,
			   const vb_plan_opts_t *o, char *basis, size_t len)
{
	const json_t *g, *ge = NULL;
	double gm, lo, hi, f;
	const char *verdict;
	size_t i;

	json_array_foreach(json_object_get(summary, "groups"), i,
			   g) if (!strcmp(vb_json_str(g, "kind") ?: "", kind)) ge =
	    json_object_get(json_object_get(g, "envs"), env);
	gm = vb_json_num(ge, "geomean");
	if (!ge || !isfinite(gm)) {
		snprintf(basis, len, "no %s workload measured in %s", kind, env);
		return NAN;
	}
	lo = vb_json_num(ge, "ci_low"), hi = vb_json_num(ge, "ci_high");
	verdict = vb_json_str(ge, "verdict");
	f = rule(gm, lo, hi, verdict, o->conservative);
	snprintf(basis, len, "%s-group overhead x%.3g [%.3g-%.3g] %s, %lld reps%s", kind, gm, lo,
		 hi, verdict ?: "", (long long)json_integer_value(json_object_get(ge, "reps")),
		 isfinite(hi) && f == hi && f != gm ? ", upper bound taken" : "");
	if (f < 1) {
		snprintf(basis + strlen(basis), len - strlen(basis), ", counted as x1");
		f = 1;
	}
	return f;
}

/* Geometric mean of the host CPU cost ratios of @env's CPU workloads; NaN if none.
 * @widened: set when an undecided ratio counted with its upper bound. */
static double host_cost_factor(const json_t *summary, const char *env, const vb_plan_opts_t *o,
			       int *widened)
{
	double v[64], f;
	const json_t *r, *ov;
	size_t i, n = 0;

	json_array_foreach(json_object_get(summary, "results"), i, r)
	{
		if (strcmp(vb_json_str(r, "env") ?: "", env) || strcmp(vb_json_str(r, "kind") ?: "", "cpu"))
			continue;
		ov = json_object_get(json_object_get(r, "host_cost"), "overhead");
		f = rule(vb_json_num(ov, "ratio"), vb_json_num(ov, "ci_low"), vb_json_num(ov, "ci_high"),
			 vb_json_str(ov, "verdict"), o->conservative);
		*widened |= f != vb_json_num(ov, "ratio") && f == vb_json_num(ov, "ci_high");
		if (isfinite(f) && f > 0 && n < 64)
			v[n++] = f;
	}
	return n ? vb_geomean(v, n) : NAN;
}

static void cpu_factor(const json_t *summary, vb_plan_env_t *e, const vb_plan_opts_t *o)
{
	double hc;
	int widened = 0;

	e->cpu_factor =
	    group_factor(summary, "cpu", e->name, o, e->cpu_basis, sizeof(e->cpu_basis));
	hc = host_cost_factor(summary, e->name, o, &widened);
	if (isfinite(hc) && isfinite(e->cpu_factor) && hc > e->cpu_factor) {
		snprintf(e->cpu_basis, sizeof(e->cpu_basis),
			 "host CPU cost of the CPU workloads x%.3g (geometric mean%s), above "
			 "their time overhead x%.3g",
			 hc, widened ? ", upper bounds where undecided" : "", e->cpu_factor);
		e->cpu_factor = hc;
	}
}

/*
 * From `vbench run --density` (density.h): the median over the K instances
 * of the PSS while each held H bytes of its allocation, minus H: what an
 * instance costs beyond what its service touched, with its neighbours
 * sharing pages as on a consolidated host.  0 when absent.
 */
static int density_footprint(const json_t *d, vb_plan_env_t *pe)
{
	double loaded = vb_json_num(json_object_get(d, "per_instance"), "pss_loaded_bytes"),
	       held = vb_json_num(json_object_get(d, "load"), "held_bytes_per_instance"), f;
	char a[32], b[32];

	if (!isfinite(loaded) || !isfinite(held) || loaded <= 0)
		return 0;
	f = loaded > held ? loaded - held : 0;
	pe->mem_footprint = f;
	snprintf(pe->mem_basis, sizeof(pe->mem_basis),
		 "density: median PSS of %lld instances holding %s each, minus that: %s",
		 (long long)json_integer_value(json_object_get(d, "started")),
		 vb_format_size((uint64_t)held, a, sizeof(a)), vb_format_size((uint64_t)f, b, sizeof(b)));
	return 1;
}

static void footprints(const json_t *e, const json_t *density, vb_plan_env_t *pe)
{
	const json_t *cfg = json_object_get(e, "config");
	double idle = vb_json_num(json_object_get(e, "memory_idle"), "pss_bytes"),
	       after = vb_json_num(
		   json_object_get(json_object_get(e, "memory_after_mem_workload"), "footprint"),
		   "pss_bytes"),
	       disk;
	char a[32];

	if (density_footprint(density, pe))
		;
	else if (pe->vm && isfinite(idle))
		pe->mem_footprint = idle,
		snprintf(pe->mem_basis, sizeof(pe->mem_basis),
			 "QEMU and guest kernel, idle PSS %s; guest RAM = "
			 "the memory demand, all of it touched",
			 vb_format_size((uint64_t)idle, a, sizeof(a)));
	else if (isfinite(after))
		pe->mem_footprint = after,
		snprintf(pe->mem_basis, sizeof(pe->mem_basis), "PSS after mem.stream %s",
			 vb_format_size((uint64_t)after, a, sizeof(a)));
	else if (isfinite(idle))
		pe->mem_footprint = idle,
		snprintf(pe->mem_basis, sizeof(pe->mem_basis), "idle PSS %s",
			 vb_format_size((uint64_t)idle, a, sizeof(a)));
	else
		pe->mem_footprint = NAN,
		snprintf(pe->mem_basis, sizeof(pe->mem_basis), "no memory footprint recorded");
	disk = vb_json_num(json_object_get(cfg, "rootfs"), "bytes");
	if (isfinite(disk)) {
		snprintf(pe->disk_basis, sizeof(pe->disk_basis), "private rootfs %s",
			 vb_format_size((uint64_t)disk, a, sizeof(a)));
	} else if (isfinite(disk = vb_json_num(
				json_object_get(json_object_get(cfg, "guest_image"), "initramfs"),
				"bytes"))) {
		snprintf(pe->disk_basis, sizeof(pe->disk_basis), "guest initramfs %s",
			 vb_format_size((uint64_t)disk, a, sizeof(a)));
	} else {
		disk = 0;
		snprintf(pe->disk_basis, sizeof(pe->disk_basis), "no image recorded");
	}
	pe->disk_footprint = disk;
}

size_t vb_plan_envs(const json_t *run, const json_t *summary, const vb_plan_opts_t *o,
		    vb_plan_env_t *envs)
{
	const json_t *e;
	vb_plan_env_t *pe;
	vb_env_arch_t arch;
	vb_env_mech_t mech;
	size_t i, n = 0, k;

	json_array_foreach(json_object_get(run, "environments"), i, e)
	{
		if (!json_is_true(json_object_get(e, "available")))
			continue; /* not an entry: a note of the plan (vb_plan_build) */
		if (n == VB_PLAN_MAX_ENVS)
			break;
		pe = &envs[n++];
		memset(pe, 0, sizeof(*pe));
		snprintf(pe->name, sizeof(pe->name), "%s", vb_json_str(e, "name") ?: "?");
		snprintf(pe->type, sizeof(pe->type), "%s", vb_json_str(e, "type") ?: "");
		pe->io_factor = pe->cpu_factor = pe->mem_footprint = NAN;
		for (k = 0; k < VB_PLAN_MAX_SERVICES; k++) /* vb_plan_env_services */
			pe->svc_cpu[k] = NAN;
		if (vb_json_str(e, "failed")) {
			snprintf(pe->reason, sizeof(pe->reason), "failed: %s", vb_json_str(e, "failed"));
			continue;
		}
		pe->planned = 1;
		vb_env_record_class(e, &arch, &mech);
		pe->vm = vb_env_arch_is_vm(arch) ||
			 json_object_get(json_object_get(e, "config"), "qemu") != NULL;
		footprints(e, json_object_get(json_object_get(run, "density"), pe->name), pe);
		if (json_is_true(json_object_get(e, "baseline"))) {
			pe->baseline = 1;
			pe->cpu_factor = pe->io_factor = 1.0;
			snprintf(pe->cpu_basis, sizeof(pe->cpu_basis), "the baseline: x1");
			snprintf(pe->io_basis, sizeof(pe->io_basis), "the baseline: x1");
			continue;
		}
		cpu_factor(summary, pe, o);
		pe->io_factor =
		    group_factor(summary, "io", pe->name, o, pe->io_basis, sizeof(pe->io_basis));
	}
	return n;
}

/* The factor of one overhead object ({ratio, ci_low, ci_high, verdict}) by
 * the rules; its words appended to @basis. */
static double overhead_factor(const json_t *ov, const char *what, const vb_plan_opts_t *o,
			      char *basis, size_t len)
{
	double ratio = vb_json_num(ov, "ratio"), lo = vb_json_num(ov, "ci_low"), hi = vb_json_num(ov, "ci_high");
	double f = rule(ratio, lo, hi, vb_json_str(ov, "verdict"), o->conservative);
	size_t off = strlen(basis);

	if (isfinite(f))
		snprintf(basis + off, len - off, "%s%s x%.3g [%.3g-%.3g] %s%s", off ? ", " : "",
			 what, ratio, lo, hi, vb_json_str(ov, "verdict") ?: "",
			 isfinite(hi) && f == hi && f != ratio ? " (upper bound taken)" : "");
	return f;
}

/* The CPU factor of workload @wl in @env: the larger of its time overhead
 * (primary metric) and its host CPU cost overhead; NaN when not measured. */
static double workload_factor(const json_t *summary, const char *wl, const char *env,
			      const vb_plan_opts_t *o, char *basis, size_t len)
{
	const json_t *r = vb_summary_result(summary, env, wl);
	double t, h, f;

	basis[0] = '\0';
	t = overhead_factor(json_object_get(vb_summary_primary(summary, env, wl), "overhead"),
			    "time", o, basis, len);
	h = overhead_factor(json_object_get(json_object_get(r, "host_cost"), "overhead"),
			    "host CPU per op", o, basis, len);
	f = isfinite(t) && isfinite(h) ? fmax(t, h) : isfinite(t) ? t : h;
	if (!isfinite(f)) {
		snprintf(basis, len, "%s was not measured in %s", wl, env);
		return NAN;
	}
	snprintf(basis + strlen(basis), len - strlen(basis), "; %s, %lld reps%s", wl,
		 (long long)json_integer_value(json_object_get(r, "reps_ok")),
		 f < 1 ? ", counted as x1" : "");
	return f < 1 ? 1.0 : f;
}

void vb_plan_env_services(const vb_plan_input_t *in, const json_t *summary,
			  const vb_plan_opts_t *o, vb_plan_env_t *envs, size_t n)
{
	vb_plan_env_t *e;
	size_t i, k;

	for (k = 0; k < n; k++)
		for (e = &envs[k], i = 0; i < in->nsvc; i++) {
			e->svc_cpu[i] = NAN;
			e->svc_basis[i][0] = '\0';
			if (in->svc[i].cpu_from != VB_PLAN_CPU_RATE || !e->planned)
				continue;
			if (e->baseline) {
				e->svc_cpu[i] = 1.0;
				snprintf(e->svc_basis[i], sizeof(e->svc_basis[i]), "the baseline: x1");
				continue;
			}
			e->svc_cpu[i] = workload_factor(summary, in->svc[i].workload, e->name, o,
							e->svc_basis[i], sizeof(e->svc_basis[i]));
		}
}

/* ---- the document ---- */

/* Why @e cannot be planned for @in (a factor a demand needs is unknown), or NULL. */
static const char *unplannable(const vb_plan_input_t *in, const vb_plan_env_t *e)
{
	size_t i;

	if (!e->planned)
		return e->reason;
	if (!isfinite(e->mem_footprint))
		return e->mem_basis;
	for (i = 0; i < in->nsvc; i++) {
		if (in->svc[i].cpu_from == VB_PLAN_CPU_RATE && !isfinite(e->svc_cpu[i]))
			return e->svc_basis[i][0] ? e->svc_basis[i] : "its factors were not computed";
		if (in->svc[i].cpu_from != VB_PLAN_CPU_RATE && in->svc[i].cpu > 0 &&
		    !isfinite(e->cpu_factor))
			return e->cpu_basis;
		if (in->svc[i].iops > 0 && in->host.cap[VB_RES_IO] > 0 && !isfinite(e->io_factor))
			return e->io_basis;
	}
	return NULL;
}

static json_t *res_obj(const double *v, int bytes_as_int)
{
	json_t *o = json_object();
	int r;

	for (r = 0; r < VB_RES_N; r++)
		json_object_set_new(o, vb_plan_res_name(r),
				    bytes_as_int && (r == VB_RES_MEM || r == VB_RES_DISK) &&
					    isfinite(v[r])
					? json_integer((json_int_t)llround(v[r]))
					: vb_json_real(v[r]));
	return o;
}

static json_t *fit_json(const vb_plan_input_t *in, const vb_plan_fit_t *f)
{
	json_t *svcs = json_array(), *o;
	size_t i;

	for (i = 0; i < in->nsvc; i++)
		json_array_append_new(svcs,
				      json_pack("{s:s,s:o,s:I,s:s}", "name", in->svc[i].name,
						"per_instance", res_obj(f->need[i], 1), "per_host",
						(json_int_t)f->per_host[i], "binding",
						f->per_host_binding[i] < 0
						    ? "none"
						    : vb_plan_res_name(f->per_host_binding[i])));
	o = json_pack("{s:b,s:o}", "fits", f->fits, "services", svcs);
	if (!f->fits) {
		json_object_set_new(o, "misfit",
				    f->misfit < 0 ? json_null()
						  : json_string(in->svc[f->misfit].name));
		json_object_set_new(o, "misfit_resource",
				    json_string(f->misfit < 0 ? "memory of vbench"
							      : vb_plan_res_name(f->misfit_res)));
		return o;
	}
	json_object_set_new(o, "hosts", json_integer(f->hosts));
	json_object_set_new(o, "hosts_needed", json_integer(f->hosts_needed));
	json_object_set_new(o, "binding", json_string(vb_plan_res_name(f->binding)));
	json_object_set_new(o, "use", res_obj(f->use, 0));
	return o;
}

static json_t *env_json(const vb_plan_input_t *in, const vb_plan_opts_t *o, const vb_plan_env_t *e)
{
	const char *why = unplannable(in, e);
	vb_plan_fit_t *fit;
	json_t *j, *sc;
	size_t i;

	j = json_pack("{s:s,s:s,s:b}", "name", e->name, "type", e->type, "planned", !why);
	if (why) {
		json_object_set_new(j, "reason", json_string(why));
		return j;
	}
	json_object_set_new(
	    j, "factors",
	    json_pack("{s:o,s:s,s:o,s:s,s:o,s:s,s:o,s:s,s:b}", "cpu", vb_json_real(e->cpu_factor),
		      "cpu_basis", e->cpu_basis, "io", vb_json_real(e->io_factor), "io_basis", e->io_basis,
		      "memory_footprint_bytes", json_integer((json_int_t)llround(e->mem_footprint)),
		      "memory_basis", e->mem_basis, "disk_footprint_bytes",
		      json_integer((json_int_t)llround(e->disk_footprint)), "disk_basis",
		      e->disk_basis, "vm", e->vm));
	sc = json_object(); /* a service's own CPU factor, where it has one */
	for (i = 0; i < in->nsvc; i++)
		if (in->svc[i].cpu_from == VB_PLAN_CPU_RATE)
			json_object_set_new(sc, in->svc[i].name,
					    json_pack("{s:o,s:s}", "cpu", vb_json_real(e->svc_cpu[i]),
						      "basis", e->svc_basis[i]));
	if (json_object_size(sc))
		json_object_set(json_object_get(j, "factors"), "service_cpu", sc);
	json_decref(sc);
	fit = calloc(1, sizeof(*fit));
	if (!fit) {
		json_decref(j);
		return NULL;
	}
	vb_plan_place(in, o, e, fit);
	json_object_set_new(j, "fit", fit_json(in, fit));
	free(fit);
	return j;
}

static json_t *services_json(const vb_plan_input_t *in)
{
	json_t *a = json_array();
	const vb_plan_service_t *c;
	size_t i;

	for (i = 0; i < in->nsvc; i++) {
		c = &in->svc[i];
		json_array_append_new(
		    a, json_pack("{s:s,s:i,s:I,s:f,s:s,s:I,s:I,s:f}", "name", c->name, "line",
				 c->line, "count", (json_int_t)c->count, "cpu", c->cpu, "cpu_basis",
				 c->cpu_basis, "memory_bytes", (json_int_t)llround(c->memory),
				 "disk_bytes", (json_int_t)llround(c->disk), "iops", c->iops));
	}
	return a;
}

/* What the plan could not check, for the reader. */
/* The notes: IOPS unchecked; each environment the run could not bring up, once. */
static json_t *notes_json(const vb_plan_input_t *in, const json_t *run)
{
	json_t *a = json_array(), *e;
	size_t i;

	json_array_foreach(json_object_get(run, "environments"), i, e)
		if (!json_is_true(json_object_get(e, "available")))
			json_array_append_new(a, json_sprintf("%s not planned: unavailable in the run: %s",
							      vb_json_str(e, "name") ?: "?",
							      vb_json_str(e, "reason") ?: "no reason recorded"));

	for (i = 0; i < in->nsvc && in->host.cap[VB_RES_IO] <= 0; i++)
		if (in->svc[i].iops > 0) {
			json_array_append_new(
			    a, json_string("IOPS not checked: the host's are unknown (give iops in "
					   "[host] or --iops, or run io.randread on bare metal)"));
			break;
		}
	return a;
}

json_t *vb_plan_build(const vb_plan_input_t *in, const vb_plan_opts_t *o, const vb_plan_env_t *envs,
		      size_t nenv, const char *run_dir, const json_t *run)
{
	const json_t *host = json_object_get(run, "host");
	json_t *ea = json_array(), *src = json_object(), *warn = json_object_get(run, "warnings"),
	       *j;
	double usable[VB_RES_N], cap[VB_RES_N];
	size_t i;
	int r;

	vb_plan_usable(&in->host, o, usable);
	for (r = 0; r < VB_RES_N; r++) {
		cap[r] = in->host.cap[r] > 0 ? in->host.cap[r] : NAN; /* IOPS may be unknown */
		usable[r] = cap[r] > 0 ? usable[r] : NAN;
		json_object_set_new(src, vb_plan_res_name(r), json_string(in->host.source[r]));
	}
	for (i = 0; i < nenv; i++)
		if ((j = env_json(in, o, &envs[i])))
			json_array_append_new(ea, j);
	warn = json_is_array(warn) ? json_incref(warn) : json_array();
	return json_pack(
	    "{s:s,s:i,s:s,s:{s:s,s:s,s:s,s:b},s:{s:o,s:o,s:o},s:{s:f,s:f,s:I,s:f,s:b,s:f},s:o,s:o,s:o,"
	    "s:o}",
	    "schema", VB_PLAN_SCHEMA, "schema_version", VB_PLAN_SCHEMA_VERSION, "plan_file",
	    in->path, "run", "dir", run_dir, "created", vb_json_str(run, "created") ?: "", "cpu",
	    vb_json_str(json_object_get(host, "cpu"), "brand") ?: "unknown", "virtualized",
	    json_is_true(json_object_get(host, "virtualized")), "host", "capacity", res_obj(cap, 1),
	    "source", src, "usable", res_obj(usable, 1), "options", "headroom", o->headroom,
	    "overcommit", o->overcommit, "spare_hosts", (json_int_t)o->spare, "correlation",
	    o->correlation, "conservative", o->conservative, "margin", o->margin, "services",
	    services_json(in),
	    "warnings", warn, "environments", ea, "notes", notes_json(in, run));
}
