/*
 * explain.c - classify a run's environments on the two axes (architecture,
 * mechanism) and judge the common claims about virtualization against its
 * summary (explain.h).
 *
 * Every deciding number comes from the summary (overhead ratios and group
 * geometric means with their bootstrap intervals) or from run.json (start
 * latencies, memory footprints); the thresholds are the VB_EXPLAIN_ macros,
 * documented in docs/explain.md.  A claim the run cannot decide gets a
 * verdict that says so ("cannot be tested here", "not measured in this
 * run") and a note naming what is missing.
 */
#include "harness/analysis/explain.h"
#include "harness/analysis/explain_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "harness/env/env.h"
#include "lib/json.h"

static const char *const cls_key[VB_XC_N] = {"bare", "container", "sandbox", "emulated-vm", "hw-vm",
					     "other"};
static const char *const cls_arch[VB_XC_N] = {
    "no virtualization: a process of the host operating system",
    "container: processes of the host kernel, isolated by namespaces, limited by cgroups; no "
    "guest kernel",
    "sandbox: a user-space kernel (gVisor's Sentry, itself a host process) answers the "
    "application's system calls; only a narrow set of its own reaches the host kernel",
    "type-2 (hosted) hypervisor: QEMU, an ordinary process of the host OS, runs a guest kernel",
    "the host's Linux kernel is the hypervisor (KVM module; usually called type-1), QEMU a host "
    "process that provides the devices",
    "unknown",
};
static const char *const cls_mech[VB_XC_N] = {
    "native execution",
    "no CPU virtualization: native execution, system calls go to the shared host kernel",
    "no CPU virtualization: native execution, every system call trapped (ptrace, systrap or "
    "KVM) into the user-space kernel",
    "software emulation: every guest code block is translated to host code (QEMU TCG "
    "binary translation)",
    "hardware-assisted virtualization (VT-x/AMD-V): guest code runs natively, privileged "
    "operations exit to the hypervisor",
    "unknown",
};

/* The class of @e from what its backend declares (vb_env_record_class),
 * never from the type or mechanism strings, which are for people. */
enum vb_explain_cls vb_explain_class(const json_t *e)
{
	vb_env_arch_t arch;
	vb_env_mech_t mech;

	vb_env_record_class(e, &arch, &mech);
	if (json_is_true(json_object_get(e, "baseline")) || arch == VB_ARCH_BARE)
		return VB_XC_BARE;
	if (arch == VB_ARCH_CONTAINER)
		return VB_XC_CONTAINER;
	if (arch == VB_ARCH_SANDBOX)
		return VB_XC_SANDBOX;
	if (mech == VB_MECH_EMULATION)
		return VB_XC_EMULATED;
	if (mech == VB_MECH_HW_ASSIST)
		return VB_XC_HWVM;
	return VB_XC_OTHER;
}

/* Whether @e was measured; else @why gets the reason. */
int vb_explain_measured(const json_t *e, const char **why)
{
	if (!json_is_true(json_object_get(e, "available"))) {
		*why = vb_json_str(e, "reason") ?: "no reason recorded";
		return 0;
	}
	if (vb_json_str(e, "failed")) {
		*why = vb_json_str(e, "failed");
		return 0;
	}
	return 1;
}

/* ---- numbers out of the summary and the run ---- */

int vb_explain_group(const vb_explain_ctx_t *c, const char *kind, const char *env, vb_explain_ratio_t *r)
{
	const json_t *g, *ge = NULL;
	size_t i;

	json_array_foreach(json_object_get(c->sum, "groups"), i,
			   g) if (!strcmp(vb_json_str(g, "kind") ?: "", kind)) ge =
	    json_object_get(json_object_get(g, "envs"), env);
	r->v = vb_json_num(ge, "geomean"), r->lo = vb_json_num(ge, "ci_low"), r->hi = vb_json_num(ge, "ci_high");
	r->indicative = json_is_true(json_object_get(ge, "indicative"));
	r->decision = ge;
	return isfinite(r->v) ? 0 : -1;
}

/* The primary metric's overhead of @wl in @env. */
int vb_explain_wl(const vb_explain_ctx_t *c, const char *env, const char *wl, vb_explain_ratio_t *r)
{
	const json_t *ov = json_object_get(vb_summary_primary(c->sum, env, wl), "overhead");

	r->v = vb_json_num(ov, "ratio"), r->lo = vb_json_num(ov, "ci_low"), r->hi = vb_json_num(ov, "ci_high");
	r->indicative = json_is_true(json_object_get(ov, "indicative"));
	r->decision = ov;
	return isfinite(r->v) ? 0 : -1;
}

/* The equivalence margin the summary's verdicts were decided with. */
double vb_explain_summary_margin(const json_t *sum)
{
	double m = vb_json_num(json_object_get(sum, "statistics"), "margin");

	return isfinite(m) ? m : VB_VERDICT_MARGIN;
}

/* Start latency of @env in ms: the median of its fresh instances, else its one start. */
static double start_ms(const vb_explain_ctx_t *c, const json_t *e, size_t *n)
{
	double v[4096];
	const json_t *r, *x;
	size_t i;

	*n = 0;
	json_array_foreach(json_object_get(c->run, "repetitions"), i, r)
	{
		x = json_object_get(r, "instance_start_latency_ns");
		if (json_is_integer(x) && !strcmp(vb_json_str(r, "env") ?: "", vb_json_str(e, "name") ?: "") &&
		    *n < 4096)
			v[(*n)++] = (double)json_integer_value(x) / 1e6;
	}
	if (*n)
		return vb_median(v, *n);
	x = json_object_get(e, "start_latency_ns");
	if (!json_is_integer(x))
		return NAN;
	*n = 1;
	return (double)json_integer_value(x) / 1e6;
}

/* Host memory of one instance: PSS after the memory workload, else idle; @src says which. */
static double footprint(const json_t *e, const char **src)
{
	double v =
	    vb_json_num(json_object_get(json_object_get(e, "memory_after_mem_workload"), "footprint"),
		 "pss_bytes");

	*src = "PSS after mem.stream";
	if (isfinite(v))
		return v;
	*src = "idle PSS";
	return vb_json_num(json_object_get(e, "memory_idle"), "pss_bytes");
}

/* ---- claims ---- */

json_t *vb_explain_claim(int id, const char *text)
{
	return json_pack("{s:i,s:s,s:[],s:[]}", "id", id, "claim", text, "tests", "notes");
}

void vb_explain_note(json_t *claim, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(json_object_get(claim, "notes"), json_string(buf));
}

void vb_explain_add_test(json_t *claim, const char *env, const char *what, const vb_explain_ratio_t *r,
		     const char *unit, const char *rule, const char *verdict)
{
	json_t *t = json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:s,s:b}", "env", env, "what", what,
			      "value", vb_json_real(r->v), "ci_low", vb_json_real(r->lo), "ci_high",
			      vb_json_real(r->hi), "unit", unit, "rule", rule, "verdict", verdict,
			      "indicative", r->indicative);
	json_t *d = json_object();

	/* the ratio's own verdict beside the claim's, as the summary decided it */
	if (vb_json_str(r->decision, "verdict")) {
		json_object_set(d, "verdict", json_object_get(r->decision, "verdict"));
		if (json_object_get(r->decision, "undecided"))
			json_object_set(d, "undecided", json_object_get(r->decision, "undecided"));
		if (json_object_get(r->decision, "more_reps"))
			json_object_set(d, "more_reps", json_object_get(r->decision, "more_reps"));
		json_object_set(t, "ratio_verdict", d);
	}
	json_decref(d);
	json_array_append_new(json_object_get(claim, "tests"), t);
}

/* Verdict of a ratio against [@lo_t, @hi_t]: holds above hi_t, not below lo_t. */
const char *vb_explain_above(const vb_explain_ratio_t *r, double t)
{
	if (!isfinite(r->lo) || !isfinite(r->hi))
		return VB_EXPLAIN_INCONCLUSIVE;
	return r->lo > t ? VB_EXPLAIN_HOLDS : r->hi <= t ? VB_EXPLAIN_NOT : VB_EXPLAIN_INCONCLUSIVE;
}

static const char *at_most(const vb_explain_ratio_t *r, double t)
{
	if (!isfinite(r->lo) || !isfinite(r->hi))
		return VB_EXPLAIN_INCONCLUSIVE;
	return r->hi <= t ? VB_EXPLAIN_HOLDS : r->lo > t ? VB_EXPLAIN_NOT : VB_EXPLAIN_INCONCLUSIVE;
}

/* "Close to bare metal" holds only on an equivalence verdict (verdict.h: the
 * 90% interval within the margin @m); an interval containing 1 is absence of
 * evidence.  It does not hold when the whole 95% interval is beyond the margin. */
const char *vb_explain_close_to_one(const vb_explain_ratio_t *r, double m)
{
	if (!strcmp(vb_json_str(r->decision, "verdict") ?: "", vb_verdict_name(VB_VERDICT_EQUIVALENT)))
		return VB_EXPLAIN_HOLDS;
	if (isfinite(r->lo) && isfinite(r->hi) && (r->lo > 1 + m || r->hi < 1 / (1 + m)))
		return VB_EXPLAIN_NOT;
	return VB_EXPLAIN_INCONCLUSIVE;
}

/* The claim's verdict from its tests; @if_none when no test could be made. */
void vb_explain_conclude(json_t *claim, const char *if_none)
{
	size_t i, holds = 0, fails = 0, inc = 0, untested = 0;
	const char *v;
	json_t *t;

	json_array_foreach(json_object_get(claim, "tests"), i, t)
	{
		v = vb_json_str(t, "verdict");
		if (!strcmp(v, VB_EXPLAIN_HOLDS))
			holds++;
		else if (!strcmp(v, VB_EXPLAIN_NOT))
			fails++;
		else if (!strcmp(v, VB_EXPLAIN_INCONCLUSIVE))
			inc++;
		else
			untested++;
	}
	v = fails   ? VB_EXPLAIN_NOT
	    : inc   ? VB_EXPLAIN_INCONCLUSIVE
	    : holds ? VB_EXPLAIN_HOLDS
		    : if_none;
	json_object_set_new(claim, "verdict", json_string(v));
	json_object_set_new(claim, "partial", json_boolean(untested && (holds + fails + inc)));
}

/* The class a claim of 1 to 5 sees: another network mode's instance is
 * none of them (it runs only the network workloads: claims 6 to 8). */
static enum vb_explain_cls claim_class(const json_t *e)
{
	return vb_json_str(e, "net_mode") ? VB_XC_OTHER : vb_explain_class(e);
}

/* Claim 1: hosted/emulated VMs have high overhead. */
static json_t *claim_emulated(const vb_explain_ctx_t *c)
{
	json_t *cl = vb_explain_claim(1, "Hosted (emulated) VMs have a high overhead"), *e;
	const char *why, *if_none = VB_EXPLAIN_UNMEASURED, *name;
	size_t i, any = 0;
	vb_explain_ratio_t r;
	char rule[64];

	snprintf(rule, sizeof(rule), "holds: lower bound > %.2g", VB_EXPLAIN_HIGH);
	json_array_foreach(json_object_get(c->run, "environments"), i, e)
	{
		if (claim_class(e) != VB_XC_EMULATED)
			continue;
		name = vb_json_str(e, "name");
		if_none = VB_EXPLAIN_UNTESTABLE;
		if (!vb_explain_measured(e, &why)) {
			vb_explain_note(cl, "%s unavailable: %s.", name, why);
			continue;
		}
		if (vb_explain_group(c, "cpu", name, &r) < 0) {
			vb_explain_note(cl, "%s: no CPU workload measured (run with --workload 'cpu.*').",
			     name);
			continue;
		}
		any++;
		vb_explain_add_test(cl, name, "CPU-group overhead (geometric mean)", &r, "x", rule,
			 vb_explain_above(&r, VB_EXPLAIN_HIGH));
		if (vb_explain_group(c, "all", name, &r) == 0)
			vb_explain_note(cl, "%s over every workload: x%.3g [%.3g-%.3g].", name, r.v, r.lo,
			     r.hi);
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No software-emulated VM in this run: run with --env hosted.");
	if (any && c->virtualized)
		vb_explain_note(cl, "Nested here: the emulated VM runs inside this VM. TCG needs no hardware "
			 "support, so its CPU overhead is much what a physical host shows; its I/O "
			 "crosses two virtualization layers.");
	vb_explain_conclude(cl, if_none);
	return cl;
}

/*
 * KVM on the host of @e is PVM (kvm_pvm: a software KVM, no VT-x/AMD-V):
 * the module list its probe recorded ("probe": {"modules": "kvm,kvm_pvm"});
 * a run.json of an older vbench recorded only the reason @why, whose
 * "(module ...)" the probe wrote.
 */
static int kvm_is_pvm(const json_t *e, const char *why)
{
	const char *mods = vb_json_str(json_object_get(e, "probe"), "modules"), *p;
	size_t n = strlen("kvm_pvm");

	if (!mods)
		return strstr(why, "kvm_pvm") != NULL; /* older vbench: its reason only */
	for (p = mods; *p; p += strcspn(p, ","), p += *p == ',')
		if (!strncmp(p, "kvm_pvm", n) && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

/* What a kvm environment's unavailability means for claim 2. */
static void kvm_meaning(const vb_explain_ctx_t *c, json_t *cl, const json_t *e, const char *why)
{
	const char *name = vb_json_str(e, "name");
	const json_t *flags = json_object_get(
			 json_object_get(json_object_get(c->run, "host"), "cpu"), "flags"),
		     *f;
	size_t i;
	int vmx = 0;

	json_array_foreach(flags, i, f) vmx |= !strcmp(json_string_value(f) ?: "", "vmx") ||
					       !strcmp(json_string_value(f) ?: "", "svm");
	vb_explain_note(cl, "%s unavailable: %s.", name, why);
	if (kvm_is_pvm(e, why))
		vb_explain_note(cl,
		     "KVM here is PVM, a software (paravirtualized) KVM without VT-x/AMD-V, not "
		     "hardware-assisted: claim 2 cannot be tested on this host.");
	else if (c->virtualized && json_is_array(flags) && !vmx)
		vb_explain_note(cl, "This host is a VM whose hypervisor does not pass VT-x/AMD-V through (no "
			 "nested virtualization): claim 2 cannot be tested on this host.");
	else
		vb_explain_note(cl, "Claim 2 cannot be tested on this host.");
}

/* Claim 2: hardware-assisted VMs are close for CPU work, costlier for I/O and syscalls. */
static json_t *claim_hw(const vb_explain_ctx_t *c)
{
	static const char *const cpu_wls[] = {"cpu.int", "cpu.fp"};
	json_t *cl = vb_explain_claim(2, "Hardware-assisted VMs are close to bare metal for CPU work "
				  "and costlier for I/O and system calls"),
	       *e;
	const char *why, *if_none = VB_EXPLAIN_UNMEASURED, *name;
	vb_explain_ratio_t r, none = {NAN, NAN, NAN, 0, NULL};
	char rule[64], what[64];
	size_t i, k, emulated = 0;

	snprintf(rule, sizeof(rule), "holds: upper bound <= %.3g", VB_EXPLAIN_CLOSE_HW);
	json_array_foreach(json_object_get(c->run, "environments"), i, e)
	{
		emulated += claim_class(e) == VB_XC_EMULATED && vb_explain_measured(e, &why);
		if (claim_class(e) != VB_XC_HWVM)
			continue;
		name = vb_json_str(e, "name");
		if_none = VB_EXPLAIN_UNTESTABLE;
		if (!vb_explain_measured(e, &why)) {
			kvm_meaning(c, cl, e, why);
			continue;
		}
		for (k = 0; k < 2; k++) {
			snprintf(what, sizeof(what), "%s overhead (CPU work)", cpu_wls[k]);
			if (vb_explain_wl(c, name, cpu_wls[k], &r) == 0)
				vb_explain_add_test(cl, name, what, &r, "x", rule,
					 at_most(&r, VB_EXPLAIN_CLOSE_HW));
			else
				vb_explain_add_test(cl, name, what, &none, "x", rule, VB_EXPLAIN_UNMEASURED);
		}
		if (vb_explain_wl(c, name, "cpu.syscall", &r) == 0)
			vb_explain_add_test(cl, name, "cpu.syscall overhead (system calls)", &r, "x",
				 "holds: lower bound > 1", vb_explain_above(&r, 1.0));
		else
			vb_explain_add_test(cl, name, "cpu.syscall overhead (system calls)", &none, "x",
				 "holds: lower bound > 1", VB_EXPLAIN_UNMEASURED);
		if (vb_explain_group(c, "io", name, &r) == 0)
			vb_explain_add_test(cl, name, "I/O-group overhead", &r, "x", "holds: lower bound > 1",
				 vb_explain_above(&r, 1.0));
		else
			vb_explain_add_test(cl, name, "I/O-group overhead", &none, "x",
				 "holds: lower bound > 1", VB_EXPLAIN_UNMEASURED);
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No hardware-assisted VM in this run: run with --env kvm on a host with "
			 "VT-x/AMD-V.");
	if (emulated && !json_array_size(json_object_get(cl, "tests")))
		vb_explain_note(cl,
		     "The emulated VM's numbers say nothing about this claim: both are VMs, but "
		     "the mechanism differs (software emulation, not hardware assistance).");
	vb_explain_conclude(cl, if_none);
	return cl;
}

/* The fastest-starting measured VM: its start in ms and name; NaN when none. */
static double fastest_vm(const vb_explain_ctx_t *c, const char **vm)
{
	double best = NAN, ms;
	const char *why;
	const json_t *e;
	size_t i, n;

	json_array_foreach(json_object_get(c->run, "environments"), i, e)
	{
		if ((claim_class(e) != VB_XC_EMULATED && claim_class(e) != VB_XC_HWVM) || !vb_explain_measured(e, &why))
			continue;
		ms = start_ms(c, e, &n);
		if (isfinite(ms) && (!isfinite(best) || ms < best))
			best = ms, *vm = vb_json_str(e, "name");
	}
	return best;
}

/* Claim 3: containers are close to bare metal and start fastest. */
static json_t *claim_containers(const vb_explain_ctx_t *c)
{
	json_t *cl = vb_explain_claim(3, "Containers are close to bare metal and start fastest"), *e;
	const char *why, *if_none = VB_EXPLAIN_UNMEASURED, *name, *vm = NULL;
	double vm_ms = fastest_vm(c, &vm), margin = vb_explain_summary_margin(c->sum);
	vb_explain_ratio_t r, none = {NAN, NAN, NAN, 0, NULL};
	char rule[128], srule[96];
	size_t i, n;

	snprintf(rule, sizeof(rule),
		 "holds: equivalent within +-%g%% (90%% interval inside the margin); does not "
		 "hold: interval beyond it",
		 margin * 100);
	snprintf(srule, sizeof(srule), "holds: below the fastest VM (%s %.4g ms)", vm ?: "none",
		 vm_ms);
	json_array_foreach(json_object_get(c->run, "environments"), i, e)
	{
		if (claim_class(e) != VB_XC_CONTAINER)
			continue;
		name = vb_json_str(e, "name");
		if_none = VB_EXPLAIN_UNTESTABLE;
		if (!vb_explain_measured(e, &why)) {
			vb_explain_note(cl, "%s unavailable: %s.", name, why);
			continue;
		}
		if (vb_explain_group(c, "cpu", name, &r) == 0)
			vb_explain_add_test(cl, name, "CPU-group overhead", &r, "x", rule,
				 vb_explain_close_to_one(&r, margin));
		if (vb_explain_group(c, "mem", name, &r) == 0)
			vb_explain_add_test(cl, name, "memory-group overhead", &r, "x", rule,
				 vb_explain_close_to_one(&r, margin));
		r = none;
		r.v = start_ms(c, e, &n);
		if (!isfinite(r.v))
			continue;
		if (isfinite(vm_ms))
			vb_explain_add_test(cl, name, "start latency", &r, "ms", srule,
				 r.v < vm_ms ? VB_EXPLAIN_HOLDS : VB_EXPLAIN_NOT);
		else
			vb_explain_add_test(cl, name, "start latency", &r, "ms", "needs a VM to compare with",
				 VB_EXPLAIN_UNTESTABLE);
		if (n == 1)
			vb_explain_note(cl,
			     "%s: one start measured (no interval); --fresh-instance measures one "
			     "per repetition.",
			     name);
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No container in this run: run with --env container.");
	if (!isfinite(vm_ms))
		vb_explain_note(cl, "No VM started in this run: the start latency has nothing to be compared "
			 "with (run with --env hosted or kvm).");
	if (c->virtualized && strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl,
		     "Containers and bare metal share this VM's kernel: the comparison is fair, "
		     "the outer hypervisor's costs are on both sides.");
	vb_explain_conclude(cl, if_none);
	return cl;
}

/* Largest container footprint (or bare metal's when no container); @name: whose. */
static double reference_footprint(const vb_explain_ctx_t *c, const char **name, const char **src)
{
	double best = NAN, v;
	const char *why, *s;
	const json_t *e;
	size_t i;
	int pass;

	for (pass = 0; pass < 2 && !isfinite(best); pass++)
		json_array_foreach(json_object_get(c->run, "environments"), i, e)
		{
			if (claim_class(e) != (pass ? VB_XC_BARE : VB_XC_CONTAINER) || !vb_explain_measured(e, &why))
				continue;
			v = footprint(e, &s);
			if (isfinite(v) && (!isfinite(best) || v > best))
				best = v, *name = vb_json_str(e, "name"), *src = s;
		}
	return best;
}

/* Claim 4: VMs need more memory per instance. */
static json_t *claim_memory(const vb_explain_ctx_t *c)
{
	json_t *cl = vb_explain_claim(4, "VMs need more memory per instance"), *e;
	const char *why, *if_none = VB_EXPLAIN_UNMEASURED, *name, *ref = NULL, *rsrc = "", *src;
	double rf = reference_footprint(c, &ref, &rsrc), v, guest;
	vb_explain_ratio_t r = {NAN, NAN, NAN, 0, NULL};
	char rule[96], what[96];
	size_t i;

	snprintf(rule, sizeof(rule), "holds: >= %.2gx, does not hold: <= %.2gx",
		 VB_EXPLAIN_MEM_MORE, VB_EXPLAIN_MEM_SAME);
	json_array_foreach(json_object_get(c->run, "environments"), i, e)
	{
		if (claim_class(e) != VB_XC_EMULATED && claim_class(e) != VB_XC_HWVM)
			continue;
		name = vb_json_str(e, "name");
		if_none = VB_EXPLAIN_UNTESTABLE;
		if (!vb_explain_measured(e, &why)) {
			vb_explain_note(cl, "%s unavailable: %s.", name, why);
			continue;
		}
		v = footprint(e, &src);
		if (!isfinite(v) || !isfinite(rf)) {
			vb_explain_note(cl, "%s: no memory footprint to compare (%s).", name,
			     isfinite(v) ? "no container or bare-metal footprint"
					 : "none recorded");
			continue;
		}
		r.v = v / rf;
		snprintf(what, sizeof(what), "host memory per instance vs %s", ref ? ref : "?");
		vb_explain_add_test(cl, name, what, &r, "x", rule,
			 r.v >= VB_EXPLAIN_MEM_MORE   ? VB_EXPLAIN_HOLDS
			 : r.v <= VB_EXPLAIN_MEM_SAME ? VB_EXPLAIN_NOT
						      : VB_EXPLAIN_INCONCLUSIVE);
		guest =
		    vb_json_num(json_object_get(json_object_get(e, "config"), "memory"), "guest_bytes");
		vb_explain_note(cl, "%s: %.1f MiB per instance (%s) against %s's %.1f MiB (%s)%s%.0f%s.", name,
		     v / 1048576.0, src, ref, rf / 1048576.0, rsrc,
		     isfinite(guest) ? "; guest RAM allocated " : "",
		     isfinite(guest) ? guest / 1048576.0 : 0.0,
		     isfinite(guest)
			 ? " MiB, backed only as the guest touches it, rarely given back"
			 : "");
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No VM in this run: run with --env hosted (or kvm) next to a container.");
	vb_explain_note(cl, "One footprint per environment (no interval); page cache of shared image files "
		 "is not counted.");
	vb_explain_conclude(cl, if_none);
	return cl;
}

/* Claim 5: VMs isolate noisy neighbours better. */
static json_t *claim_noisy(const vb_explain_ctx_t *c)
{
	json_t *cl = vb_explain_claim(5, "VMs isolate noisy neighbours better"), *vms, *cts, *e, *r;
	size_t i;

	if (json_object_size(json_object_get(c->run, "noisy"))) {
		vms = json_array(), cts = json_array();
		json_array_foreach(json_object_get(c->run, "environments"), i, e)
		{
			if (claim_class(e) == VB_XC_CONTAINER)
				json_array_append_new(cts, json_string(vb_json_str(e, "name") ?: ""));
			else if (claim_class(e) == VB_XC_EMULATED || claim_class(e) == VB_XC_HWVM)
				json_array_append_new(vms, json_string(vb_json_str(e, "name") ?: ""));
		}
		r = vb_explain_noisy(c->run, vms, cts, c->virtualized);
		json_array_extend(json_object_get(cl, "tests"), json_object_get(r, "tests"));
		json_array_extend(json_object_get(cl, "notes"), json_object_get(r, "notes"));
		json_decref(r);
		json_decref(vms);
		json_decref(cts);
		vb_explain_conclude(cl, VB_EXPLAIN_UNTESTABLE);
		return cl;
	}
	vb_explain_note(cl, "Not measured in this run: run `vbench run --noisy` (planned). It needs, per "
		 "environment, a victim's slowdown while a neighbour runs a CPU, memory or I/O "
		 "aggressor, and the aggressor's achieved rate.");
	vb_explain_conclude(cl, VB_EXPLAIN_UNMEASURED);
	return cl;
}

/* ---- the document ---- */

/* The environments the run brought up (measured or failed); the unavailable
 * ones only in @unavail, each once with its reason (--all means available). */
static json_t *envs_json(const vb_explain_ctx_t *c, json_t *unavail)
{
	json_t *a = json_array(), *e;
	const char *why = NULL;
	enum vb_explain_cls k;
	size_t i;
	int m;

	json_array_foreach(json_object_get(c->run, "environments"), i, e)
	{
		if (!json_is_true(json_object_get(e, "available"))) {
			json_array_append_new(unavail,
					      json_pack("{s:s,s:s}", "name", vb_json_str(e, "name") ?: "?",
							"reason", vb_json_str(e, "reason") ?: "no reason recorded"));
			continue;
		}
		k = vb_explain_class(e);
		m = vb_explain_measured(e, &why);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s?}", "name",
						   vb_json_str(e, "name") ?: "?", "class", cls_key[k],
						   "type", vb_json_str(e, "type") ?: "", "architecture",
						   cls_arch[k], "mechanism", cls_mech[k],
						   "measured", m, "reason", m ? NULL : why));
	}
	return a;
}

json_t *vb_explain_build(const json_t *run, const json_t *summary, const char *dir)
{
	const json_t *host = json_object_get(run, "host"), *opts = json_object_get(run, "options");
	vb_explain_ctx_t c = {.run = run,
		   .sum = summary,
		   .virtualized = json_is_true(json_object_get(host, "virtualized"))};
	json_t *warn = json_object_get(run, "warnings"), *x, *unavail = json_array();

	warn = json_is_array(warn) ? json_incref(warn) : json_array();
	x = json_pack(
	    "{s:s,s:i,s:{s:s,s:s,s:s,s:O,s:s,s:s,s:b,s:s},s:o,s:o,s:[o,o,o,o,o,o,o,o,o,o,o,o]}", "schema",
	    VB_EXPLAIN_SCHEMA, "schema_version", VB_EXPLAIN_SCHEMA_VERSION, "run", "dir", dir,
	    "created", vb_json_str(run, "created") ?: "", "profile", vb_json_str(opts, "profile") ?: "", "reps",
	    json_object_get(opts, "reps") ?: json_null(), "cpu",
	    vb_json_str(json_object_get(host, "cpu"), "brand") ?: "unknown", "kernel",
	    vb_json_str(json_object_get(host, "kernel"), "release") ?: "unknown", "virtualized",
	    c.virtualized, "hypervisor_vendor", vb_json_str(host, "hypervisor_vendor") ?: "",
	    "environments", envs_json(&c, unavail), "warnings", warn, "claims", claim_emulated(&c),
	    claim_hw(&c), claim_containers(&c), claim_memory(&c), claim_noisy(&c),
	    vb_explain_claim_netns(&c), vb_explain_claim_usermode(&c), vb_explain_claim_vmnet(&c),
	    vb_explain_claim_sandbox(&c), vb_explain_claim_saved(&c), vb_explain_claim_moved(&c),
	    vb_explain_claim_restore_boot(&c));
	if (x) {
		json_object_set_new(x, "margin", json_real(vb_explain_summary_margin(summary)));
		json_object_set(x, "unavailable", unavail);
	}
	json_decref(unavail);
	return x;
}
