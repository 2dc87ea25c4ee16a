/*
 * fleet_compare.c - `vbench compare FLEET_A FLEET_B`: two fleets compared
 * host class by host class (fleet.h).  Each fleet's runs are grouped into
 * host classes (CPU model and kernel release, the hosts `vbench report`
 * merges); a class of A is paired with the class of B of the same CPU
 * model, the same kernel first (a kernel update changes the class, not the
 * hardware); each pair's merged runs are compared as two runs are
 * (analysis/compare.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "harness/analysis/compare.h"
#include "harness/analysis/summary.h"
#include "harness/fleet/fleet.h"
#include "lib/json.h"
#include "lib/textsafe.h"

static const char *fact(const json_t *run, const char *a, const char *b)
{
	return vb_json_str(json_object_get(json_object_get(run, "host"), a), b) ?: "unknown";
}

json_t *vb_fleet_classes(const json_t *all)
{
	json_t *out = json_array(), *c = NULL, *r;
	size_t i, j;

	json_array_foreach (all, i, r) {
		const json_t *run = json_object_get(r, "run");
		const char *cpu = fact(run, "cpu", "brand"), *kernel = fact(run, "kernel", "release");
		char name[512];

		json_array_foreach (out, j, c)
			if (!strcmp(vb_json_text(c, "cpu"), cpu) &&
			    !strcmp(vb_json_text(c, "kernel"), kernel))
				break;
		if (j == json_array_size(out)) {
			snprintf(name, sizeof(name), "%s / %s", cpu, kernel);
			vb_text_utf8_cut(name);
			c = json_pack("{s:s,s:s,s:s,s:[]}", "cpu", cpu, "kernel", kernel, "class", name,
				      "runs");
			json_array_append_new(out, c);
		}
		json_array_append(json_object_get(c, "runs"), (json_t *)r);
	}
	return out;
}

json_t *vb_fleet_class_merge(const json_t *c, vb_error_t *err)
{
	const json_t *runs = json_object_get(c, "runs"), *r;
	json_t *docs[VB_SUMMARY_MAX_RUNS];
	const char *paths[VB_SUMMARY_MAX_RUNS];
	size_t i;

	if (json_array_size(runs) > VB_SUMMARY_MAX_RUNS)
		return vb_error_set(err, VB_EUSAGE, 0, "class %s: %zu runs, a comparison merges at most %d",
				    vb_json_text(c, "class"), json_array_size(runs),
				    VB_SUMMARY_MAX_RUNS), NULL;
	json_array_foreach (runs, i, r) {
		docs[i] = json_object_get(r, "run");
		paths[i] = vb_json_text(r, "path");
	}
	return vb_summary_merge(docs, paths, json_array_size(runs), err);
}

static json_t *names(const json_t *c)
{
	json_t *out = json_array(), *r;
	size_t i;

	json_array_foreach (json_object_get(c, "runs"), i, r)
		json_array_append_new(out, json_string(vb_json_text(r, "name")));
	return out;
}

json_t *vb_fleet_compare(const char *a, const char *b, const vb_compare_cfg_t *cfg, FILE *log,
			 vb_error_t *err)
{
	json_t *ra = vb_fleet_load_runs(a, log, err), *rb = ra ? vb_fleet_load_runs(b, log, err) : NULL;
	json_t *ca = NULL, *cb = NULL, *pairs = json_array(), *only_a = json_array(), *doc = NULL;
	json_t *x, *y;
	char *used = NULL;
	size_t i, j;

	if (!ra || !rb)
		goto out;
	ca = vb_fleet_classes(ra);
	cb = vb_fleet_classes(rb);
	used = calloc(json_array_size(cb) + 1, 1);
	if (!used) {
		vb_error_set(err, VB_ESYS, ENOMEM, "fleet compare");
		goto out;
	}
	/* pairs: the same class first (both passes over A), then the same CPU model */
	for (int pass = 0; pass < 2; pass++)
		json_array_foreach (ca, i, x) {
			size_t pick = SIZE_MAX;
			json_t *ma, *mb, *cmp, *note;
			char na[600], nb[600];

			if (json_object_get(x, "paired"))
				continue;
			json_array_foreach (cb, j, y)
				if (pick == SIZE_MAX && !used[j] &&
				    !strcmp(vb_json_text(x, "cpu"), vb_json_text(y, "cpu")) &&
				    (pass || !strcmp(vb_json_text(x, "kernel"), vb_json_text(y, "kernel"))))
					pick = j;
			if (pick == SIZE_MAX)
				continue;
			used[pick] = 1;
			json_object_set_new(x, "paired", json_true());
			y = json_array_get(cb, pick);
			if (!(ma = vb_fleet_class_merge(x, err)))
				goto out;
			if (!(mb = vb_fleet_class_merge(y, err))) {
				json_decref(ma);
				goto out;
			}
			snprintf(na, sizeof(na), "%s (%s)", a, vb_json_text(x, "class"));
			snprintf(nb, sizeof(nb), "%s (%s)", b, vb_json_text(y, "class"));
			cmp = vb_compare_build(ma, vb_text_utf8_cut(na), mb, vb_text_utf8_cut(nb), cfg, err);
			json_decref(ma);
			json_decref(mb);
			if (!cmp)
				goto out;
			/* several hosts merged: their repetitions taken as one sample, so the
			 * spread between hosts is not in the intervals */
			note = json_array_size(json_object_get(x, "runs")) > 1 ||
				       json_array_size(json_object_get(y, "runs")) > 1
				   ? json_string("several runs merged on a side: the comparison takes "
						 "their repetitions as one sample, so differences "
						 "between hosts are not in its intervals (vbench report "
						 "FLEETDIR says whether the hosts differ)")
				   : json_null();
			json_array_append_new(pairs, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "cpu",
							       vb_json_text(x, "cpu"), "a_class",
							       vb_json_text(x, "class"), "b_class",
							       vb_json_text(y, "class"), "a_runs",
							       names(x), "b_runs", names(y), "compare",
							       cmp, "note", note));
		}
	json_array_foreach (ca, i, x)
		if (!json_object_get(x, "paired"))
			json_array_append_new(only_a, json_string(vb_json_text(x, "class")));
	doc = json_pack("{s:s,s:i,s:s,s:s,s:O,s:O,s:[]}", "schema", "vbench-fleet-compare",
			"schema_version", 1, "a", a, "b", b, "pairs", pairs, "only_in_a", only_a,
			"only_in_b");
	json_array_foreach (cb, j, y)
		if (doc && !used[j])
			json_array_append_new(json_object_get(doc, "only_in_b"),
					      json_string(vb_json_text(y, "class")));
	if (doc && !json_array_size(pairs)) {
		vb_error_set(err, VB_EUSAGE, 0, "%s and %s share no CPU model: nothing to compare", a,
			     b);
		json_decref(doc);
		doc = NULL;
	}
out:
	free(used);
	json_decref(ra);
	json_decref(rb);
	json_decref(ca);
	json_decref(cb);
	json_decref(pairs);
	json_decref(only_a);
	return doc;
}
