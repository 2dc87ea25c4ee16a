/*
 * plan_recovery.c - the [recovery] part of `vbench plan` (plan.h
 * vb_plan_recovery): can N instances be back within T on one host, and
 * what disk do their images take, from the restores and saves the run
 * measured (summary "operations", summary_ops.c).
 *
 * Model (docs/plan.md "Recovery"): P restores run at once (the section's
 * `parallel`, else the host's CPUs over the CPUs of the run's allocation:
 * each restore gets the allocation it was measured with), so N instances
 * take ceil(N / P) waves of one restore each; a wave takes the median
 * restore time, or the upper bound of its 95% interval (--conservative
 * judges with that one).  The images take N times the median image size
 * (and N times its xz size, compressed).  A restore that competes for the
 * same disk or CPUs with the others may take longer than it did alone: the
 * run measured one at a time, said in a note.
 */
#include <math.h>
#include <string.h>

#include "harness/analysis/plan.h"
#include "lib/json.h"
#include "lib/util.h"

/* One environment's recovery plan from its operations @e. */
static json_t *env_plan(const vb_plan_recovery_t *r, const vb_plan_opts_t *o, const json_t *e,
			double parallel)
{
	const json_t *rs = json_object_get(e, "restore"), *sv = json_object_get(e, "save");
	const json_t *t = json_object_get(rs, "time_ms");
	double med = vb_json_num(t, "median") / 1000, hi = vb_json_num(t, "ci_high") / 1000;
	double waves = ceil(r->instances / parallel), img = vb_json_num(json_object_get(sv, "image_bytes"), "median");
	double xz = vb_json_num(json_object_get(sv, "image_xz_bytes"), "median");
	double judged, most;
	json_t *p;

	if (!rs || vb_json_str(rs, "unavailable") || !isfinite(med))
		return json_pack("{s:s,s:b,s:s}", "env", vb_json_str(e, "env") ?: "?", "planned", 0,
				 "reason",
				 vb_json_str(rs, "unavailable") ?: rs ? "no restore succeeded in the run"
							       : "the run did not restore it");
	if (!isfinite(hi))
		hi = med;
	judged = o->conservative ? hi : med;
	most = judged > 0 ? floor(r->within_s / judged) * parallel : NAN;
	p = json_pack("{s:s,s:b,s:f,s:o,s:f,s:o,s:o,s:b,s:o,s:o,s:o,s:o}", "env",
		      vb_json_str(e, "env") ?: "?", "planned", 1, "restore_s", med, "restore_s_high",
		      vb_json_real(hi), "waves", waves, "time_s", vb_json_real(waves * med), "time_s_high",
		      vb_json_real(waves * hi), "within", waves * judged <= r->within_s, "instances_within",
		      vb_json_real(most), "disk_bytes", vb_json_real(r->instances * img), "disk_xz_bytes",
		      vb_json_real(r->instances * xz), "image_bytes", vb_json_real(img));
	return p;
}

json_t *vb_plan_recovery(const vb_plan_input_t *in, const vb_plan_opts_t *o,
			 const json_t *summary, const json_t *run)
{
	const vb_plan_recovery_t *r = &in->rec;
	const json_t *ops = json_object_get(summary, "operations"), *e;
	double alloc = vb_json_num(json_object_get(run, "allocation"), "cpus"), parallel = r->parallel;
	const char *basis = "the plan file's parallel";
	json_t *out, *envs;
	size_t i;

	if (!r->line)
		return NULL;
	if (!(parallel >= 1)) {
		parallel = floor(in->host.cap[VB_RES_CPU] / (alloc >= 1 ? alloc : 1));
		parallel = parallel >= 1 ? parallel : 1;
		basis = "the host's CPUs over the CPUs of the run's allocation";
	}
	out = json_pack("{s:f,s:f,s:f,s:s,s:s,s:[],s:[]}", "instances", r->instances, "within_s",
			r->within_s, "parallel", parallel, "parallel_basis", basis, "judged_by",
			o->conservative ? "the upper bound of the restore's 95% interval"
					: "the median restore",
			"environments", "notes");
	envs = json_object_get(out, "environments");
	json_array_foreach(json_object_get(ops, "environments"), i, e)
		json_array_append_new(envs, env_plan(r, o, e, parallel));
	if (!json_is_object(ops))
		json_array_append_new(json_object_get(out, "notes"),
				      json_string("the run measured no save or restore: run it "
						  "with --ops save,restore"));
	json_array_append_new(json_object_get(out, "notes"),
			      json_string("the run restored one instance at a time: restores in "
					  "parallel share the disk and may each take longer"));
	return out;
}
