/*
 * explain_noisy.c - the tests of claim 5 ("VMs isolate noisy neighbours
 * better") from the run's noisy-neighbour measurements (noisy.h), for
 * explain.c.
 *
 * For every VM and every container measured with the same aggressor kind,
 * the VM victim's slowdown is set against the container victim's, both with
 * their bootstrap intervals (docs/explain.md, claim 5, has the rule).  The
 * notes say what the numbers cannot: an aggressor that achieved much less
 * in the VM (emulation) exerted less pressure, and where the victim and the
 * aggressor shared CPUs, or only vCPUs of an outer hypervisor.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness/analysis/explain.h"
#include "lib/json.h"

static void note(json_t *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(json_t *notes, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(notes, json_string(buf));
}

/* The measured pair of @kind in environment @env, NULL when none. */
static const json_t *pair_of(const json_t *noisy, const char *env, const char *kind)
{
	const json_t *p;
	size_t i;

	json_array_foreach (json_object_get(json_object_get(noisy, env), "pairs"), i, p) {
		if (!strcmp(vb_json_text(p, "kind"), kind) && !json_object_get(p, "error") &&
		    json_object_get(p, "slowdown"))
			return p;
	}
	return NULL;
}

/* Verdict of the VM's slowdown [vlo, vhi] against the container's [clo, chi]. */
static const char *verdict(double vlo, double vhi, double clo, double chi)
{
	if (!isfinite(vlo) || !isfinite(vhi) || !isfinite(clo) || !isfinite(chi))
		return VB_EXPLAIN_INCONCLUSIVE;
	if (vhi < clo)
		return VB_EXPLAIN_HOLDS;
	if (vlo >= chi || (vlo <= 1 && vhi >= 1 && clo <= 1 && chi >= 1))
		return VB_EXPLAIN_NOT;
	return VB_EXPLAIN_INCONCLUSIVE;
}

/* One VM/container comparison of one aggressor kind. */
static void compare(json_t *tests, json_t *notes, const char *vm, const json_t *pv, const char *ct,
		    const json_t *pc)
{
	const json_t *sv = json_object_get(pv, "slowdown"), *sc = json_object_get(pc, "slowdown"),
		     *av = json_object_get(pv, "aggressor_rate"),
		     *ac = json_object_get(pc, "aggressor_rate");
	double rv = vb_json_num(av, "during_median"), rc = vb_json_num(ac, "during_median");
	const char *v = verdict(vb_json_num(sv, "ci_low"), vb_json_num(sv, "ci_high"), vb_json_num(sc, "ci_low"),
				vb_json_num(sc, "ci_high"));
	int weak = isfinite(rv) && isfinite(rc) && rc > 0 &&
		   !strcmp(vb_json_text(av, "unit"), vb_json_text(ac, "unit")) &&
		   rv / rc < VB_EXPLAIN_WEAK_AGGRESSOR;
	char what[192];

	snprintf(what, sizeof(what),
		 "victim slowdown, %s aggressor (%s), against %s's x%.3g [%.3g-%.3g]",
		 vb_json_text(pv, "kind"), vb_json_text(pv, "aggressor"), ct, vb_json_num(sc, "ratio"), vb_json_num(sc, "ci_low"),
		 vb_json_num(sc, "ci_high"));
	json_array_append_new(
	    tests,
	    json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:s,s:b}", "env", vm, "what", what, "value",
		      vb_json_real(vb_json_num(sv, "ratio")), "ci_low", vb_json_real(vb_json_num(sv, "ci_low")), "ci_high",
		      vb_json_real(vb_json_num(sv, "ci_high")), "unit", "x", "rule",
		      "holds: the VM's upper bound below the container's lower bound; does "
		      "not hold: its lower bound at or above the container's upper bound, or "
		      "both intervals contain 1",
		      "verdict", weak && !strcmp(v, VB_EXPLAIN_HOLDS) ? VB_EXPLAIN_INCONCLUSIVE : v,
		      "indicative", 1));
	if (isfinite(rv) && isfinite(rc) && rc > 0 && !strcmp(vb_json_text(av, "unit"), vb_json_text(ac, "unit")))
		note(notes, "%s's %s aggressor achieved %.4g %s against %.4g in %s (x%.2g)%s", vm,
		     vb_json_text(pv, "kind"), rv, vb_json_text(av, "unit"), rc, ct, rv / rc,
		     weak ? ": it exerted much less pressure, so a smaller slowdown of the VM's "
			    "victim proves nothing (a \"holds\" counts as inconclusive)."
			  : ".");
}

/* What the CPU placement means, once per environment. */
static void placement_notes(json_t *notes, const json_t *noisy, int virtualized)
{
	const json_t *n, *pl;
	const char *env;
	int separate = 0;

	json_object_foreach ((json_t *)noisy, env, n) {
		pl = json_object_get(n, "placement");
		if (!strncmp(vb_json_text(pl, "how"), "the victim's own", 16))
			note(notes,
			     "%s: victim and aggressor shared CPUs %s (too few host CPUs): CPU "
			     "contention, not isolation, was measured.",
			     env, vb_json_text(pl, "victim_cpus"));
		else if (pl)
			separate = 1;
	}
	if (separate)
		note(notes,
		     "Victim and aggressor ran on separate CPUs: a slowdown comes from what "
		     "the CPUs share (caches, memory bandwidth, SMT siblings, the kernel), not "
		     "from time slicing.");
	if (virtualized)
		note(notes, "This host is a VM: its \"separate\" CPUs are vCPUs the outer "
			    "hypervisor may place on one core or on sibling hyperthreads; that "
			    "interference is on both sides of the comparison.");
}

json_t *vb_explain_noisy(const json_t *run, const json_t *vms, const json_t *cts, int virtualized)
{
	static const char *const kinds[] = { "cpu", "mem", "io" };
	const json_t *noisy = json_object_get(run, "noisy"), *vm, *ct, *pv, *pc;
	json_t *tests = json_array(), *notes = json_array();
	size_t i, j, k, nvm = 0, nct = 0;

	json_array_foreach (vms, i, vm)
		nvm += json_object_get(noisy, json_string_value(vm)) != NULL;
	json_array_foreach (cts, i, ct)
		nct += json_object_get(noisy, json_string_value(ct)) != NULL;
	for (k = 0; k < 3; k++)
		json_array_foreach (vms, i, vm) {
			pv = pair_of(noisy, json_string_value(vm), kinds[k]);
			json_array_foreach (cts, j, ct)
				if (pv && (pc = pair_of(noisy, json_string_value(ct), kinds[k])))
					compare(tests, notes, json_string_value(vm), pv,
						json_string_value(ct), pc);
		}
	if (!nvm)
		note(notes, "No VM in the noisy-neighbour measurement: run with --env hosted (or "
			    "kvm) and --noisy.");
	if (!nct)
		note(notes, "No container in the noisy-neighbour measurement: run with --env "
			    "container and --noisy.");
	if (nvm && nct && !json_array_size(tests))
		note(notes, "No aggressor kind was measured in both a VM and a container (see "
			    "\"noisy\" in run.json for the errors).");
	placement_notes(notes, noisy, virtualized);
	note(notes,
	     "%lld victim repetitions alone and as many with the aggressor: the intervals "
	     "are indicative.",
	     (long long)json_integer_value(json_object_get(
		 json_object_iter_value(json_object_iter((json_t *)noisy)), "reps")));
	return json_pack("{s:o,s:o}", "tests", tests, "notes", notes);
}
