/*
 * options_group.c - the backends' option groups of `vbench run`
 * (options_int.h, options.h): their configurations in plugin_conf, the
 * spec with their options, one option set or read back by name.
 */
#include "harness/core/options.h"
#include "harness/core/options_int.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every group's defaults into plugin_conf, once. */
void vb_run_cfg_group_defaults(vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext)
{
	size_t i;

	if (cfg->plugin_conf.set)
		return;
	for (i = 0; ext && i < ext->ngroups; i++)
		if (ext->groups[i].off + ext->groups[i].size <= VB_PLUGIN_CONF_MAX)
			memcpy(cfg->plugin_conf.bytes + ext->groups[i].off, ext->groups[i].defaults,
			       ext->groups[i].size);
	cfg->plugin_conf.set = 1;
}

const void *vb_run_cfg_group_conf(const vb_run_cfg_t *cfg, const vb_opt_group_t *g)
{
	if (!cfg->plugin_conf.set || g->off + g->size > VB_PLUGIN_CONF_MAX)
		return g->defaults;
	return cfg->plugin_conf.bytes + g->off;
}

/*
 * The spec of `vbench run` with @ext's groups (into @groups), each writing
 * into its configuration in @cfg's plugin_conf; without @cfg (the help),
 * each showing its defaults.  A group whose configuration does not fit is
 * left out (env.c's checks keep that from happening).
 */
vb_optspec_t vb_run_cfg_group_spec(vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext,
			     vb_optgroup_t groups[VB_RUN_GROUPS_MAX])
{
	vb_optspec_t spec = vb_run_cfg_spec;
	const vb_opt_group_t *g;
	size_t i, n = 0;

	for (i = 0; ext && i < ext->ngroups && n < VB_RUN_GROUPS_MAX; i++) {
		g = &ext->groups[i];
		if (g->off + g->size > VB_PLUGIN_CONF_MAX)
			continue;
		groups[n++] = (vb_optgroup_t){ .title = g->title, .opts = g->opts, .nopts = g->nopts,
					       .ctx = cfg ? cfg->plugin_conf.bytes + g->off
							  : (void *)(uintptr_t)g->defaults };
	}
	spec.groups = groups;
	spec.ngroups = n;
	return spec;
}

/* @ext's option @name and its group in *@g, or NULL. */
static const vb_opt_t *find_ext_option(const vb_run_cfg_ext_t *ext, const char *name,
				       const vb_opt_group_t **g)
{
	size_t i, k;

	for (i = 0; ext && i < ext->ngroups; i++)
		for (k = 0; k < ext->groups[i].nopts; k++)
			if (!strcmp(ext->groups[i].opts[k].name, name)) {
				*g = &ext->groups[i];
				return &ext->groups[i].opts[k];
			}
	return NULL;
}

int vb_run_cfg_set_opt(vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext, const char *name,
		       const char *val, vb_error_t *err)
{
	vb_optgroup_t groups[VB_RUN_GROUPS_MAX];
	vb_optspec_t spec;
	const vb_opt_group_t *g = NULL;
	char *argv[] = { (char *)"set", (char *)name, (char *)val, NULL };

	if (!find_ext_option(ext, name, &g))
		return vb_error_set(err, VB_EUSAGE, 0, "unknown option '%s'", name);
	vb_run_cfg_group_defaults(cfg, ext);
	spec = vb_run_cfg_group_spec(cfg, ext, groups);
	spec.opts = NULL; /* the groups' options only */
	spec.nopts = 0;
	spec.seen = NULL;
	return vb_optparse(&spec, cfg, 3, argv, err);
}

int vb_run_cfg_opt_text(const vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext, const char *name,
			char *buf, size_t len)
{
	const vb_opt_group_t *g = NULL;
	const vb_opt_t *o = find_ext_option(ext, name, &g);
	const char *at, *str;
	char real[PATH_MAX];
	uint64_t u;
	double d;
	int flag;

	if (!o)
		return -1;
	at = (const char *)vb_run_cfg_group_conf(cfg, g) + o->off;
	switch (o->type) {
	case VB_OPT_FLAG:
		memcpy(&flag, at, sizeof(flag));
		snprintf(buf, len, "%d", flag);
		return 0;
	case VB_OPT_STR:
	case VB_OPT_PATH:
		memcpy(&str, at, sizeof(str));
		if (o->type == VB_OPT_PATH && str && str[0] && realpath(str, real))
			str = real;
		snprintf(buf, len, "%s", str ? str : "");
		return 0;
	case VB_OPT_U64:
		memcpy(&u, at, sizeof(u));
		snprintf(buf, len, "%llu", (unsigned long long)u);
		return 0;
	case VB_OPT_DOUBLE:
	case VB_OPT_PCT:
		memcpy(&d, at, sizeof(d));
		snprintf(buf, len, "%.17g", d);
		return 0;
	default: /* a setter's: nothing to compare by */
		return -1;
	}
}

