/*
 * fleet_plan.c - `vbench plan --store PATH` and `vbench plan --fleet DIR`:
 * the runs a plan takes its factors from, one merged run and summary per
 * host class (fleet.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/fleet/fleet.h"
#include "harness/store/store.h"
#include "lib/json.h"
#include "lib/textsafe.h"

void vb_fleet_plan_sources_free(vb_fleet_plan_src_t *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		json_decref(s[i].run);
		json_decref(s[i].sum);
	}
	free(s);
}

/* The runs the store holds for @o, as [ { "name", "path", "run" } ]. */
static json_t *from_store(const vb_fleet_plan_opts_t *o, vb_error_t *err)
{
	size_t classes = 0, i;
	vb_store_t *s = vb_store_open(o->store, 0, err);
	json_t *docs, *out = NULL, *d;

	if (!s)
		return NULL;
	/* one more than a class may merge: past it, the query is refused below */
	docs = vb_store_runs(s, o->class_, o->since, (size_t)VB_SUMMARY_MAX_RUNS * 64 + 1, &classes,
			     err);
	if (docs) {
		out = json_array();
		json_array_foreach (docs, i, d) {
			char name[64];

			snprintf(name, sizeof(name), "stored run %zu", i + 1);
			json_array_append_new(out, json_pack("{s:s,s:s,s:O}", "name", name, "path",
							     name, "run", d));
		}
	}
	json_decref(docs);
	vb_store_close(s);
	return out;
}

int vb_fleet_plan_sources(const vb_fleet_plan_opts_t *o, vb_fleet_plan_src_t **out, size_t *nout,
			  vb_error_t *err)
{
	const char *from = o->store ? o->store : o->fleet;
	json_t *runs = o->store ? from_store(o, err) : vb_fleet_load_runs(o->fleet, NULL, err);
	json_t *cls = NULL, *c;
	vb_fleet_plan_src_t *src = NULL;
	size_t i, n = 0;
	int rc = -1;

	*out = NULL;
	*nout = 0;
	if (!runs)
		return -1;
	if (o->fleet && o->class_) { /* the store filters in its query; a fleet here */
		json_t *keep = json_array(), *r;

		json_array_foreach (runs, i, r) {
			const json_t *h = json_object_get(json_object_get(r, "run"), "host");
			char name[600];

			snprintf(name, sizeof(name), "%s / %s",
				 vb_json_text(json_object_get(h, "cpu"), "brand"),
				 vb_json_text(json_object_get(h, "kernel"), "release"));
			if (strstr(name, o->class_))
				json_array_append(keep, r);
		}
		json_decref(runs);
		runs = keep;
	}
	if (!json_array_size(runs)) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: no run matches%s%s", from,
			     o->class_ ? " --class " : "", o->class_ ? o->class_ : "");
		goto out;
	}
	cls = vb_fleet_classes(runs);
	src = calloc(json_array_size(cls) + 1, sizeof(*src));
	if (!src) {
		vb_error_set(err, VB_ESYS, ENOMEM, "plan");
		goto out;
	}
	json_array_foreach (cls, i, c) {
		vb_summary_cfg_t cfg;
		size_t nr = json_array_size(json_object_get(c, "runs"));

		if (nr > VB_SUMMARY_MAX_RUNS) {
			vb_error_set(err, VB_EUSAGE, 0, "%s: class %s has %zu runs, a plan merges at most "
				     "%d (--since narrows them)", from, vb_json_text(c, "class"), nr,
				     VB_SUMMARY_MAX_RUNS);
			goto out;
		}
		for (size_t k = 0; k < nr; k++)
			vb_text_clean_json(json_object_get(json_array_get(json_object_get(c, "runs"), k),
							   "run"));
		if (!(src[n].run = vb_fleet_class_merge(c, err)))
			goto out;
		vb_summary_cfg_init(&cfg);
		cfg.margin = o->margin;
		vb_summary_cfg_margin(&cfg, json_object_get(json_array_get(json_object_get(c, "runs"), 0),
							    "run"));
		src[n].margin = cfg.margin;
		if (!(src[n].sum = vb_summary_build(src[n].run, &cfg, err))) {
			json_decref(src[n].run);
			goto out;
		}
		snprintf(src[n].class_, sizeof(src[n].class_), "%s", vb_json_text(c, "class"));
		vb_text_utf8_cut(src[n].class_);
		snprintf(src[n].label, sizeof(src[n].label), "%s (%zu run%s of %s)", from, nr,
			 nr == 1 ? "" : "s", vb_json_text(c, "class"));
		vb_text_utf8_cut(src[n].label);
		n++;
	}
	*out = src;
	*nout = n;
	src = NULL;
	rc = 0;
out:
	vb_fleet_plan_sources_free(src, n);
	json_decref(cls);
	json_decref(runs);
	return rc;
}
