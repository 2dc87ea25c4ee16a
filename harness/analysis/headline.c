/*
 * headline.c - the answer at a glance (headline.h).  Nothing is computed
 * here that the summary does not hold: this file picks, per virtualization
 * type, the group geometric means of its environments, and the reasons of
 * the types it could not measure.
 */
#include "harness/analysis/headline.h"

#include <string.h>

#include "harness/env/env.h"
#include "lib/json.h"
#include "lib/util.h"

static const struct {
	vb_env_arch_t arch;
	const char *label;
} types[] = {
	{ VB_ARCH_CONTAINER, "Containers" },
	{ VB_ARCH_SANDBOX, "Sandboxes" },
	{ VB_ARCH_HOSTED_VM, "Hosted VMs" },
	{ VB_ARCH_HW_VM, "Hardware-assisted VMs" },
};

/* The groups as the headline names them; "all" is the overall figure. */
static const struct {
	const char *kind, *label;
} groups[] = { { "cpu", "CPU" }, { "mem", "memory" }, { "io", "disk I/O" }, { "net", "network" },
	       { "app", "applications" } };

/* Whether the summary record @e (environments[] or unavailable.environments[])
 * is of architecture @arch (its class, else its backend's). */
static int of_arch(const json_t *e, vb_env_arch_t arch)
{
	vb_env_arch_t a;
	vb_env_mech_t m;

	vb_env_record_class(e, &a, &m);
	return a == arch;
}

/* The geometric mean object of environment @env in the summary's group @kind, or NULL. */
static json_t *group_of(const json_t *sum, const char *kind, const char *env)
{
	json_t *g;
	size_t i;

	json_array_foreach(json_object_get(sum, "groups"), i, g)
		if (!strcmp(vb_json_str(g, "kind") ?: "", kind))
			return json_object_get(json_object_get(g, "envs"), env);
	return NULL;
}

/* Environment @e's figures: overall and per group (those it has). */
static json_t *env_figures(const json_t *sum, const json_t *e)
{
	const char *name = vb_json_str(e, "name");
	json_t *gs = json_array(), *ge, *g;
	size_t k;

	for (k = 0; k < VB_ARRAY_SIZE(groups); k++) {
		if (!(ge = group_of(sum, groups[k].kind, name)))
			continue;
		g = json_deep_copy(ge);
		json_object_set_new(g, "kind", json_string(groups[k].kind));
		json_object_set_new(g, "label", json_string(groups[k].label));
		json_array_append_new(gs, g);
	}
	ge = group_of(sum, "all", name);
	return json_pack("{s:s,s:s,s:s,s:o,s:o}", "name", name, "type", vb_json_str(e, "type") ?: "",
			 "mechanism", vb_json_str(e, "mechanism") ?: "", "overall",
			 ge ? json_deep_copy(ge) : json_null(), "groups", gs);
}

/* Whether this vbench has a backend of architecture @arch. */
static int has_backend(vb_env_arch_t arch)
{
	size_t i;

	for (i = 0; i < vb_env_count(); i++)
		if (vb_env_at(i)->arch == arch)
			return 1;
	return 0;
}

static json_t *type_json(const json_t *sum, size_t t)
{
	json_t *envs = json_array(), *un = json_array(), *e;
	const char *base = vb_json_str(sum, "baseline");
	size_t i;

	json_array_foreach(json_object_get(sum, "environments"), i, e)
		if (of_arch(e, types[t].arch) && (!base || strcmp(base, vb_json_str(e, "name"))) &&
		    !vb_json_str(e, "net_mode")) /* another network path of one above: the tables' */
			json_array_append_new(envs, env_figures(sum, e));
	json_array_foreach(json_object_get(json_object_get(sum, "unavailable"), "environments"), i,
			   e)
		if (of_arch(e, types[t].arch) && !vb_json_str(e, "net_mode"))
			json_array_append_new(un, json_pack("{s:s,s:s}", "name", vb_json_str(e, "name"),
							    "reason", vb_json_str(e, "reason") ?: ""));
	return json_pack("{s:s,s:s,s:b,s:o,s:o,s:s}", "architecture", vb_env_arch_name(types[t].arch),
			 "label", types[t].label, "measured", json_array_size(envs) > 0,
			 "environments", envs, "unavailable", un, "reason",
			 json_array_size(envs) ? ""
			 : json_array_size(un) ? "unavailable"
			 : has_backend(types[t].arch) ? "no environment of this type in this run"
						      : "vbench has no environment of this type");
}

json_t *vb_headline_build(const json_t *sum)
{
	const json_t *host = json_object_get(sum, "host"), *base = json_object_get(sum, "baseline");
	json_t *out, *ts = json_array();
	size_t t;

	for (t = 0; t < VB_ARRAY_SIZE(types); t++)
		json_array_append_new(ts, type_json(sum, t));
	out = json_pack("{s:O,s:O,s:o,s:o}", "baseline", base ?: json_null(), "margin",
			json_object_get(json_object_get(sum, "statistics"), "margin") ?: json_null(),
			"virtualized_host",
			json_is_true(json_object_get(host, "virtualized"))
			    ? json_pack("{s:s}", "hypervisor",
					vb_json_str(host, "hypervisor_vendor") ?: "unknown")
			    : json_null(),
			"types", ts);
	return out;
}
