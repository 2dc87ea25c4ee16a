/*
 * explain_sandbox.c - claim 9 of `vbench explain` (explain_int.h): a
 * sandbox's user-space kernel (gVisor) is paid for by system calls, not by
 * computation.  For every measured sandbox, the workloads that are mostly
 * system calls (cpu.syscall, cpu.fork, io.fsync) must be at least
 * VB_EXPLAIN_SYSCALL_HEAVY times slower than on bare metal, and pure
 * computation (cpu.int, cpu.fp) equivalent to it by the summary's verdict.
 * The rules are in docs/explain.md, claim 9.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/analysis/explain.h"
#include "harness/analysis/explain_int.h"
#include "lib/json.h"

/* One test of @wl in @name: measured, or listed as not measured. */
static void test_wl(const vb_explain_ctx_t *c, json_t *cl, const char *name, const char *wl,
		    int heavy, double margin)
{
	vb_explain_ratio_t r, none = { NAN, NAN, NAN, 0, NULL };
	char what[96], rule[96];

	snprintf(what, sizeof(what), "%s overhead (%s)", wl,
		 heavy ? "system-call-heavy" : "pure computation");
	if (heavy)
		snprintf(rule, sizeof(rule), "holds: lower bound > %.2g", VB_EXPLAIN_SYSCALL_HEAVY);
	else
		snprintf(rule, sizeof(rule), "holds: equivalent (90%% interval within +-%.0f%%)",
			 margin * 100);
	if (vb_explain_wl(c, name, wl, &r) < 0)
		vb_explain_add_test(cl, name, what, &none, "x", rule, VB_EXPLAIN_UNMEASURED);
	else
		vb_explain_add_test(cl, name, what, &r, "x", rule,
				    heavy ? vb_explain_above(&r, VB_EXPLAIN_SYSCALL_HEAVY)
					  : vb_explain_close_to_one(&r, margin));
}

/* The workloads of @list (run.json not_run.workloads) as "a, b" into @buf. */
static const char *not_run_names(const json_t *list, char *buf, size_t len)
{
	const json_t *w;
	size_t i, off = 0;

	buf[0] = '\0';
	json_array_foreach(list, i, w)
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
						json_string_value(w) ?: "?");
	return buf[0] ? buf : "some workloads";
}

json_t *vb_explain_claim_sandbox(const vb_explain_ctx_t *c)
{
	static const char *const heavy[] = { "cpu.syscall", "cpu.fork", "io.fsync" };
	static const char *const light[] = { "cpu.int", "cpu.fp" };
	json_t *cl = vb_explain_claim(9, "A sandbox's user-space kernel makes system-call-heavy "
					 "work much slower and leaves computation near native"),
	       *e;
	const char *why, *if_none = VB_EXPLAIN_UNMEASURED, *name, *nr;
	double margin = vb_explain_summary_margin(c->sum);
	char names[256];
	size_t i, k;

	json_array_foreach(json_object_get(c->run, "environments"), i, e) {
		if (vb_explain_class(e) != VB_XC_SANDBOX || vb_json_str(e, "net_mode"))
			continue;
		name = vb_json_str(e, "name") ?: "?";
		if_none = VB_EXPLAIN_UNTESTABLE;
		if (!vb_explain_measured(e, &why)) {
			vb_explain_note(cl, "%s unavailable: %s.", name, why);
			continue;
		}
		for (k = 0; k < sizeof(heavy) / sizeof(heavy[0]); k++)
			test_wl(c, cl, name, heavy[k], 1, margin);
		for (k = 0; k < sizeof(light) / sizeof(light[0]); k++)
			test_wl(c, cl, name, light[k], 0, margin);
		nr = vb_json_str(json_object_get(e, "not_run"), "reason");
		if (nr)
			vb_explain_note(cl, "%s did not run %s: %s.", name,
					not_run_names(json_object_get(json_object_get(e, "not_run"),
								      "workloads"),
						      names, sizeof(names)),
					nr);
		vb_explain_note(cl, "%s: %s.", name, vb_json_str(e, "mechanism") ?: "?");
	}
	if (!strcmp(if_none, VB_EXPLAIN_UNMEASURED))
		vb_explain_note(cl, "No sandbox in this run: run with --env gvisor (runsc).");
	vb_explain_conclude(cl, if_none);
	return cl;
}
