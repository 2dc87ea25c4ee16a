/*
 * explain_net.c - the network claims of `vbench explain` (explain_int.h),
 * judged from the network group's overheads of the run's network modes
 * (docs/methodology.md section 14): each environment ENV and its instances
 * ENV:MODE, every ratio against the same bare-metal loopback.
 *
 * Two paths are compared by their 95% intervals against the baseline: one
 * is slower than the other when its interval lies wholly above the other's
 * (a conservative test: overlapping intervals decide nothing).  The rules
 * are in docs/explain.md, claims 6 to 8.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analysis/explain.h"
#include "harness/analysis/explain_int.h"
#include "lib/json.h"

/* Whether the summary could decide @r at all: not "undecided (too few
 * repetitions)" (verdict.h), whose interval decides nothing either. */
static int enough(const vb_explain_ratio_t *r)
{
	const char *why = vb_json_str(r->decision, "undecided");

	return !why || strcmp(why, "too few repetitions");
}

/* Verdict of "@a is slower than @b" from their intervals. */
static const char *slower(const vb_explain_ratio_t *a, const vb_explain_ratio_t *b)
{
	if (!isfinite(a->lo) || !isfinite(a->hi) || !isfinite(b->lo) || !isfinite(b->hi) ||
	    !enough(a) || !enough(b))
		return VB_EXPLAIN_INCONCLUSIVE;
	if (a->lo > b->hi)
		return VB_EXPLAIN_HOLDS;
	if (a->hi < b->lo)
		return VB_EXPLAIN_NOT;
	return VB_EXPLAIN_INCONCLUSIVE;
}

/* The record of environment @name in the run, NULL when none. */
static const json_t *env_rec(const vb_explain_ctx_t *c, const char *name)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(c->run, "environments"), i, e)
		if (!strcmp(vb_json_str(e, "name") ?: "", name))
			return e;
	return NULL;
}

/* The network-group ratio of @name when it was measured; a note on @cl
 * (once per name) when it was not.  0 or -1. */
static int net_ratio(const vb_explain_ctx_t *c, json_t *cl, const char *name,
		     vb_explain_ratio_t *r)
{
	const json_t *e = env_rec(c, name);
	const char *why;

	if (!e)
		return -1;
	if (!vb_explain_measured(e, &why)) {
		vb_explain_note(cl, "%s unavailable: %s.", name, why);
		return -1;
	}
	if (vb_explain_group(c, "net", name, r) < 0) {
		vb_explain_note(cl, "%s: no network workload measured.", name);
		return -1;
	}
	return 0;
}

/* Whether the run measured a network workload (the summary's group). */
static int has_net(const vb_explain_ctx_t *c)
{
	const json_t *g;
	size_t i;

	json_array_foreach(json_object_get(c->sum, "groups"), i, g)
		if (!strcmp(vb_json_str(g, "kind") ?: "", "net"))
			return 1;
	return 0;
}

/* Whether environment @e is an instance of its backend's first mode, of
 * class @cls. */
static int first_mode(const json_t *e, enum vb_explain_cls cls)
{
	return !vb_json_str(e, "net_mode") && vb_explain_class(e) == cls;
}

json_t *vb_explain_claim_netns(const vb_explain_ctx_t *c)
{
	json_t *cl = vb_explain_claim(6, "A container's network namespace costs nothing; its NAT does");
	const char *if_none = VB_EXPLAIN_UNMEASURED, *name;
	double m = vb_explain_summary_margin(c->sum);
	vb_explain_ratio_t br, hr, nr;
	char rule[160], mode[96];
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(c->run, "environments"), i, e) {
		if (!first_mode(e, VB_XC_CONTAINER))
			continue;
		name = vb_json_str(e, "name");
		snprintf(mode, sizeof(mode), "%s:host", name);
		if (!env_rec(c, mode) && (snprintf(mode, sizeof(mode), "%s:nat", name), !env_rec(c, mode)))
			continue; /* an engine without modes yet */
		if_none = VB_EXPLAIN_UNTESTABLE;
		if (net_ratio(c, cl, name, &br) < 0)
			continue;
		snprintf(rule, sizeof(rule),
			 "holds: equivalent to bare metal within +-%g%% (90%% interval inside the "
			 "margin); does not hold: the interval above %.3g",
			 m * 100, 1 + m);
		vb_explain_add_test(cl, name, "network-group overhead, own namespace (veth, routed)",
				    &br, "x", rule,
				    !strcmp(vb_explain_close_to_one(&br, m), VB_EXPLAIN_HOLDS)
					    ? VB_EXPLAIN_HOLDS
				    : br.lo > 1 + m && enough(&br) ? VB_EXPLAIN_NOT
								  : VB_EXPLAIN_INCONCLUSIVE);
		snprintf(mode, sizeof(mode), "%s:host", name);
		if (net_ratio(c, cl, mode, &hr) == 0)
			vb_explain_note(cl,
					"For comparison, %s (no network namespace, the host's loopback): "
					"network-group overhead x%.3g [%.3g-%.3g].",
					mode, hr.v, hr.lo, hr.hi);
		snprintf(mode, sizeof(mode), "%s:nat", name);
		if (net_ratio(c, cl, mode, &nr) == 0) {
			snprintf(rule, sizeof(rule),
				 "holds: its interval wholly above %s's [%.3g-%.3g]; does not hold: "
				 "wholly below",
				 name, br.lo, br.hi);
			vb_explain_add_test(cl, mode, "network-group overhead, published port (NAT)",
					    &nr, "x", rule, slower(&nr, &br));
		}
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No container with its network modes in this run: run with "
				    "--env container --workload 'net.*' (--net all, the default).");
	vb_explain_note(cl, "The NAT path here is a published port on the client's side (DNAT "
			    "with connection tracking), without Docker's bridge and userland proxy: "
			    "it isolates the NAT's own cost.");
	vb_explain_conclude(cl, if_none);
	return cl;
}

json_t *vb_explain_claim_usermode(const vb_explain_ctx_t *c)
{
	json_t *cl = vb_explain_claim(
	    7, "User-mode (NAT) networking of desktop hypervisors is slower than a tap");
	const char *if_none = VB_EXPLAIN_UNMEASURED, *name;
	vb_explain_ratio_t ur, tr;
	char rule[160], tap[96];
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(c->run, "environments"), i, e) {
		if (!first_mode(e, VB_XC_EMULATED) && !first_mode(e, VB_XC_HWVM))
			continue;
		name = vb_json_str(e, "name");
		snprintf(tap, sizeof(tap), "%s:tap", name);
		if (!env_rec(c, tap))
			continue;
		if_none = VB_EXPLAIN_UNTESTABLE;
		if (net_ratio(c, cl, name, &ur) < 0 || net_ratio(c, cl, tap, &tr) < 0)
			continue;
		snprintf(rule, sizeof(rule),
			 "holds: its interval wholly above %s's [%.3g-%.3g]; does not hold: wholly "
			 "below",
			 tap, tr.lo, tr.hi);
		vb_explain_add_test(cl, name, "network-group overhead, user-mode (slirp)", &ur, "x",
				    rule, slower(&ur, &tr));
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No VM with both paths in this run: run with --env hosted "
				    "--workload 'net.*' (--net all, the default).");
	vb_explain_conclude(cl, if_none);
	return cl;
}

/* The faster network path of the VM @name (the lower overhead of its own
 * and its tap, when measured); the path's name into @which. */
static int vm_best(const vb_explain_ctx_t *c, json_t *cl, const char *name, char *which,
		   size_t len, vb_explain_ratio_t *r)
{
	vb_explain_ratio_t t;
	char tap[96];
	int own = net_ratio(c, cl, name, r);

	snprintf(tap, sizeof(tap), "%s:tap", name);
	snprintf(which, len, "%s", name);
	if (env_rec(c, tap) && net_ratio(c, cl, tap, &t) == 0 && (own < 0 || t.v < r->v)) {
		*r = t;
		snprintf(which, len, "%s", tap);
		return 0;
	}
	return own;
}

json_t *vb_explain_claim_vmnet(const vb_explain_ctx_t *c)
{
	json_t *cl = vb_explain_claim(8, "VM networking costs more than a container's");
	const char *vm_if = VB_EXPLAIN_UNMEASURED, *ct_if = VB_EXPLAIN_UNMEASURED, *name;
	vb_explain_ratio_t vr, cr;
	char rule[200], vm[96];
	const json_t *e, *f;
	size_t i, j;

	json_array_foreach(json_object_get(c->run, "environments"), i, e)
		if (first_mode(e, VB_XC_CONTAINER))
			ct_if = VB_EXPLAIN_UNTESTABLE;
	json_array_foreach(json_object_get(c->run, "environments"), i, e) {
		if ((!first_mode(e, VB_XC_EMULATED) && !first_mode(e, VB_XC_HWVM)) || !has_net(c))
			continue;
		vm_if = VB_EXPLAIN_UNTESTABLE;
		if (vm_best(c, cl, vb_json_str(e, "name"), vm, sizeof(vm), &vr) < 0)
			continue;
		json_array_foreach(json_object_get(c->run, "environments"), j, f) {
			if (!first_mode(f, VB_XC_CONTAINER) ||
			    vb_explain_group(c, "net", (name = vb_json_str(f, "name")), &cr) < 0)
				continue;
			snprintf(rule, sizeof(rule),
				 "holds: its interval wholly above %s's [%.3g-%.3g] (its routed "
				 "path); does not hold: wholly below",
				 name, cr.lo, cr.hi);
			vb_explain_add_test(cl, vm, "network-group overhead, its faster path", &vr,
					    "x", rule, slower(&vr, &cr));
		}
	}
	if (!strcmp(vm_if, VB_EXPLAIN_UNMEASURED) || !strcmp(ct_if, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "It needs a VM and a container with network workloads: run with "
				    "--env container,hosted --workload 'net.*'.");
	if (c->virtualized && json_array_size(json_object_get(cl, "tests")))
		vb_explain_note(cl, "This host is itself a VM: both paths run on its virtual CPUs, "
				    "and only the emulated VM's own cost is compared.");
	vb_explain_conclude(cl, strcmp(vm_if, VB_EXPLAIN_UNMEASURED) &&
					strcmp(ct_if, VB_EXPLAIN_UNMEASURED)
				    ? VB_EXPLAIN_UNTESTABLE
				    : VB_EXPLAIN_UNMEASURED);
	return cl;
}
