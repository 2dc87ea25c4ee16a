/*
 * explain_ops.c - claims 10 to 12 of `vbench explain` (explain_int.h),
 * judged from the summary's "operations" (summary_ops.c, `vbench run
 * --ops`):
 *   10  a VM can be saved as a file and restored: every repetition of
 *       every VM restored the same agent (its pid and memory), the image
 *       size and the times as notes;
 *   11  a running VM can be moved with a short pause: the 95% interval of
 *       the pause the agent's heartbeat saw lies below
 *       VB_EXPLAIN_SHORT_PAUSE_MS and every move converged, for the
 *       hypervisor's default settings and the tuned ones;
 *   12  containers restore faster than VMs boot: a container's restore
 *       against a VM's fresh start (the ratio's interval below 1); where
 *       no container could be restored (CRIU), not measurable, with the
 *       reason, and a sandbox's restore given as a note.
 * The rules are in docs/explain.md.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analysis/explain.h"
#include "harness/analysis/explain_int.h"
#include "lib/json.h"

/* The run.json record of environment @name. */
static const json_t *env_of(const vb_explain_ctx_t *c, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(c->run, "environments"), i, e)
		if (!strcmp(vb_json_str(e, "name") ?: "", name))
			return e;
	return NULL;
}

static enum vb_explain_cls cls_of(const vb_explain_ctx_t *c, const char *name)
{
	const json_t *e = env_of(c, name);

	return e ? vb_explain_class(e) : VB_XC_OTHER;
}

static int is_vm(enum vb_explain_cls k)
{
	return k == VB_XC_EMULATED || k == VB_XC_HWVM;
}

/* A figure object {"median", "ci_low", "ci_high", "n"} as a ratio value. */
static vb_explain_ratio_t fig(const json_t *f)
{
	vb_explain_ratio_t r = { vb_json_num(f, "median"), vb_json_num(f, "ci_low"), vb_json_num(f, "ci_high"),
				 vb_json_num(f, "n") < 10, NULL };
	return r;
}

static const json_t *ops_envs(const vb_explain_ctx_t *c)
{
	return json_object_get(json_object_get(c->sum, "operations"), "environments");
}

json_t *vb_explain_claim_saved(const vb_explain_ctx_t *c)
{
	json_t *cl = vb_explain_claim(10, "A VM can be saved as a file and restored"), *e;
	const char *if_none = VB_EXPLAIN_UNMEASURED, *name;
	double ws = vb_json_num(json_object_get(c->sum, "operations"), "working_set_bytes");
	size_t i;

	json_array_foreach(ops_envs(c), i, e) {
		const json_t *s = json_object_get(e, "save"), *r = json_object_get(e, "restore");
		vb_explain_ratio_t t;
		double n, same;

		name = vb_json_str(e, "env") ?: "?";
		if (!is_vm(cls_of(c, name)) || !s)
			continue;
		if_none = VB_EXPLAIN_UNTESTABLE;
		if (vb_json_str(s, "unavailable") || !r || vb_json_str(r, "unavailable")) {
			vb_explain_note(cl, "%s: not measured: %s.", name,
					vb_json_str(s, "unavailable") ?: vb_json_str(r, "unavailable") ?: "no restore");
			continue;
		}
		n = vb_json_num(r, "n");
		same = vb_json_num(r, "same_agent");
		t = fig(json_object_get(r, "time_ms"));
		vb_explain_add_test(cl, name, "restore time, the same agent afterwards", &t, "ms",
				    "holds: every repetition restored the same agent (pid and memory)",
				    n > 0 && same == n ? VB_EXPLAIN_HOLDS : n > 0 ? VB_EXPLAIN_NOT
										: VB_EXPLAIN_INCONCLUSIVE);
		{
			double xz = vb_json_num(json_object_get(s, "image_xz_bytes"), "median");
			char xzs[48] = "";

			if (isfinite(xz))
				snprintf(xzs, sizeof(xzs), " (xz: %.0f MiB)", xz / 1048576);
			vb_explain_note(cl,
					"%s: saved in %.0f ms to an image of %.0f MiB%s while the "
					"agent held %.0f MiB; restored in %.0f ms, %.0f of %.0f "
					"repetitions the same agent.",
					name, vb_json_num(json_object_get(s, "time_ms"), "median"),
					vb_json_num(json_object_get(s, "image_bytes"), "median") / 1048576,
					xzs, ws / 1048576, t.v, same, n);
		}
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No VM saved in this run: run with --env hosted (or kvm) "
				    "--ops save,restore.");
	vb_explain_conclude(cl, if_none);
	return cl;
}

json_t *vb_explain_claim_moved(const vb_explain_ctx_t *c)
{
	static const char *const keys[] = { "migrate", "migrate-tuned" };
	json_t *cl = vb_explain_claim(11, "A running VM can be moved with a short pause"), *e;
	const char *if_none = VB_EXPLAIN_UNMEASURED, *name;
	char rule[120];
	size_t i, k;

	snprintf(rule, sizeof(rule),
		 "holds: the heartbeat's pause below %d ms (upper bound), every move converged",
		 VB_EXPLAIN_SHORT_PAUSE_MS);
	json_array_foreach(ops_envs(c), i, e) {
		name = vb_json_str(e, "env") ?: "?";
		if (!is_vm(cls_of(c, name)))
			continue;
		for (k = 0; k < 2; k++) {
			const json_t *m = json_object_get(e, keys[k]);
			vb_explain_ratio_t t;
			char what[80];
			const char *v;

			if (!m)
				continue;
			if_none = VB_EXPLAIN_UNTESTABLE;
			if (vb_json_str(m, "unavailable")) {
				vb_explain_note(cl, "%s: not measured: %s.", name, vb_json_str(m, "unavailable"));
				continue;
			}
			t = fig(json_object_get(m, "heartbeat_gap_ms"));
			snprintf(what, sizeof(what), "pause seen by the heartbeat (%s settings)",
				 k ? "tuned" : "default");
			if (vb_json_num(m, "failed") > 0) /* a move that lost the guest */
				vb_explain_note(cl, "%s, %s: %.0f move(s) failed: %s.", name,
						k ? "tuned" : "default", vb_json_num(m, "failed"),
						vb_json_str(m, "error") ?: "no reason recorded");
			v = vb_json_num(m, "failed") > 0 ||
				    vb_json_num(m, "converged") < vb_json_num(m, "n")
				? VB_EXPLAIN_NOT
			    : !isfinite(t.hi)			  ? VB_EXPLAIN_INCONCLUSIVE
			    : t.hi < VB_EXPLAIN_SHORT_PAUSE_MS	  ? VB_EXPLAIN_HOLDS
			    : t.lo >= VB_EXPLAIN_SHORT_PAUSE_MS ? VB_EXPLAIN_NOT
								  : VB_EXPLAIN_INCONCLUSIVE;
			vb_explain_add_test(cl, name, what, &t, "ms", rule, v);
			if (vb_json_num(m, "n") > 0)
				vb_explain_note(cl,
					"%s, %s: moved in %.0f ms; QEMU's downtime %.0f ms, the "
					"heartbeat's longest gap %.0f ms (limit %.0f ms).",
					name, k ? "tuned" : "default",
					vb_json_num(json_object_get(m, "time_ms"), "median"),
					vb_json_num(json_object_get(m, "downtime_ms"), "median"), t.v,
					vb_json_num(m, "downtime_limit_ms"));
		}
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No VM moved in this run: run with --env hosted (or kvm) "
				    "--ops migrate.");
	vb_explain_conclude(cl, if_none);
	return cl;
}

/* The fastest fresh start of a VM in the run (ms) and its name. */
static double vm_boot_ms(const vb_explain_ctx_t *c, const char **vm)
{
	json_t *e;
	size_t i;
	double best = NAN;

	json_array_foreach(json_object_get(c->run, "environments"), i, e) {
		double ms = vb_json_num(e, "start_latency_ns") / 1e6;

		if (is_vm(vb_explain_class(e)) && isfinite(ms) && !(ms >= best)) {
			best = ms;
			*vm = vb_json_str(e, "name");
		}
	}
	return best;
}

json_t *vb_explain_claim_restore_boot(const vb_explain_ctx_t *c)
{
	json_t *cl = vb_explain_claim(12, "Containers restore faster than VMs boot"), *e;
	const char *if_none = VB_EXPLAIN_UNMEASURED, *name, *vm = NULL;
	double boot = vm_boot_ms(c, &vm);
	size_t i;

	json_array_foreach(ops_envs(c), i, e) {
		const json_t *r = json_object_get(e, "restore");
		enum vb_explain_cls k;
		vb_explain_ratio_t t;

		name = vb_json_str(e, "env") ?: "?";
		k = cls_of(c, name);
		if (!r || (k != VB_XC_CONTAINER && k != VB_XC_SANDBOX))
			continue;
		if (vb_json_str(r, "unavailable")) {
			if (k == VB_XC_CONTAINER) {
				if_none = VB_EXPLAIN_UNTESTABLE;
				vb_explain_note(cl, "Not measurable here: %s.",
						vb_json_str(r, "unavailable"));
			}
			continue;
		}
		t = fig(json_object_get(r, "time_ms"));
		if (k == VB_XC_SANDBOX) { /* not a container: context only */
			if (isfinite(boot))
				vb_explain_note(cl,
						"%s (a sandbox, not a container) restores in %.0f ms "
						"[%.0f-%.0f]; %s boots in %.0f ms.",
						name, t.v, t.lo, t.hi, vm ?: "a VM", boot);
			continue;
		}
		if_none = VB_EXPLAIN_UNTESTABLE;
		if (!isfinite(boot)) {
			vb_explain_note(cl, "%s restores in %.0f ms; no VM booted in this run.", name,
					t.v);
			continue;
		}
		t.v /= boot;
		t.lo /= boot;
		t.hi /= boot;
		vb_explain_add_test(cl, name, "restore time over a VM's fresh start", &t, "x",
				    "holds: upper bound < 1",
				    !isfinite(t.hi) ? VB_EXPLAIN_INCONCLUSIVE
				    : t.hi < 1	    ? VB_EXPLAIN_HOLDS
				    : t.lo >= 1	    ? VB_EXPLAIN_NOT
						    : VB_EXPLAIN_INCONCLUSIVE);
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No container restored in this run: run with --env container "
				    "and a VM, --ops restore (CRIU must work on the host).");
	vb_explain_conclude(cl, if_none);
	return cl;
}
