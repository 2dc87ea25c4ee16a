/*
 * env_options.c - the environments as `vbench run`'s option parser sees them
 * (env.h, core/options.h vb_run_cfg_ext_t): their names, the baseline as
 * the default, and each backend's own options, grouped by the backends that
 * share them (hosted and kvm) and given a place in the run configuration's
 * opaque plugin_conf, in the order of the backend table.
 */
#include "harness/env/env.h"

#include <stdio.h>
#include <string.h>

#include "lib/util.h"

#define GROUPS_MAX 16
#define CONF_ALIGN 16

static vb_opt_group_t groups[GROUPS_MAX];
static char titles[GROUPS_MAX][160]; /* "options of the environments hosted, kvm" */
static char names[GROUPS_MAX][128];  /* "hosted, kvm" */
static size_t members[GROUPS_MAX];   /* backends sharing each group */
static vb_run_cfg_ext_t ext;
static size_t built_for;	    /* vb_env_count() when built; 0: not built */

#define VARIANTS_MAX 32

static char variants[VARIANTS_MAX][40]; /* "container:nat": a network mode's instances */
static size_t nvariants;
static char mode_names[256];            /* "bridge, nat, ...": every backend's modes */
static char targets[VARIANTS_MAX][64];  /* "ssh:vbox1": targets --env named */
static size_t ntargets;

/* @name as registered: a backend's, or one of its network modes' "NAME:MODE"
 * (its first mode's is the backend's own name). */
static const char *env_find(const char *name)
{
	const char *mode;
	const vb_env_ops_t *o = vb_env_find_mode(name, &mode);
	size_t i;

	char target[VB_ENV_TARGET_MAX];

	if (!o && vb_env_find_target(name, target, sizeof(target))) {
		/* NAME:TARGET, kept here for the configuration (--env's strings are not) */
		for (i = 0; i < ntargets; i++)
			if (!strcmp(targets[i], name))
				return targets[i];
		if (ntargets == VARIANTS_MAX)
			return NULL;
		snprintf(targets[ntargets], sizeof(targets[0]), "%s", name);
		return targets[ntargets++];
	}
	if (!o || !mode)
		return o ? o->name : NULL;
	for (i = 0; i < nvariants; i++)
		if (!strcmp(variants[i], name))
			return variants[i];
	return NULL;
}

static const char *net_mode_find(const char *mode)
{
	size_t i;
	int k;

	for (i = 0; i < vb_env_count(); i++)
		if ((k = vb_env_mode_index(vb_env_at(i), mode)) >= 0)
			return vb_env_at(i)->net_modes[k];
	return NULL;
}

/* The variants' names and every mode's, once per table. */
static void build_modes(void)
{
	const vb_env_ops_t *o;
	size_t i, k, off = 0;

	nvariants = 0;
	mode_names[0] = '\0';
	for (i = 0; i < vb_env_count(); i++)
		for (o = vb_env_at(i), k = 0; o->net_modes && o->net_modes[k]; k++) {
			if (k && nvariants < VARIANTS_MAX)
				vb_env_mode_name(o, o->net_modes[k], variants[nvariants++],
						 sizeof(variants[0]));
			if (net_mode_find(o->net_modes[k]) == o->net_modes[k] &&
			    off < sizeof(mode_names))
				off += (size_t)snprintf(mode_names + off, sizeof(mode_names) - off,
							"%s%s", off ? ", " : "", o->net_modes[k]);
		}
}

/* The group of @o among the first @n, or NULL. */
static vb_opt_group_t *group_of(const vb_env_options_t *o, size_t n)
{
	size_t i;

	for (i = 0; o && i < n; i++)
		if (groups[i].opts == o->opts)
			return &groups[i];
	return NULL;
}

/* Add backend @name to group @i's list of names. */
static void names_add(size_t i, const char *name)
{
	size_t len = strlen(names[i]);

	snprintf(names[i] + len, sizeof(names[i]) - len, "%s%s", len ? ", " : "", name);
	members[i]++;
}

static void build(void)
{
	const vb_env_ops_t *o;
	vb_opt_group_t *g;
	size_t i, n = 0, off = 0;

	memset(members, 0, sizeof(members));
	memset(names, 0, sizeof(names));
	ext.env_default = NULL;
	for (i = 0; i < vb_env_count(); i++) {
		o = vb_env_at(i);
		if (!ext.env_default && (o->caps & VB_ENV_IS_BASELINE))
			ext.env_default = o->name;
		if (!o->options || !o->options->nopts)
			continue;
		g = group_of(o->options, n);
		if (!g && n < GROUPS_MAX) {
			g = &groups[n];
			*g = (vb_opt_group_t){ .title = titles[n], .opts = o->options->opts,
					       .nopts = o->options->nopts, .off = off,
					       .size = o->options->conf_size,
					       .defaults = o->options->defaults };
			off += (o->options->conf_size + CONF_ALIGN - 1) / CONF_ALIGN * CONF_ALIGN;
			n++;
		}
		if (g)
			names_add((size_t)(g - groups), o->name);
	}
	for (i = 0; i < n; i++)
		snprintf(titles[i], sizeof(titles[i]), "options of the environment%s %s", members[i] > 1 ? "s" : "",
			 names[i]);
	build_modes();
	ext.env_find = env_find;
	ext.net_mode_find = net_mode_find;
	ext.net_modes = mode_names;
	ext.env_names = vb_env_names();
	ext.groups = groups;
	ext.ngroups = n;
	built_for = vb_env_count();
}

const vb_run_cfg_ext_t *vb_env_cfg_ext(void)
{
	if (built_for != vb_env_count()) /* a backend added since (vb_env_register) */
		build();
	return &ext;
}

const void *vb_env_conf_of(const vb_run_cfg_t *cfg, const vb_env_options_t *o)
{
	const vb_run_cfg_ext_t *x = vb_env_cfg_ext();
	const vb_opt_group_t *g = group_of(o, x->ngroups);

	if (!o)
		return NULL;
	return g ? vb_run_cfg_group_conf(cfg, g) : o->defaults;
}

const void *vb_env_conf(const vb_env_t *env)
{
	return vb_env_conf_of(env->cfg, env->ops->options);
}

int vb_env_conf_set(vb_run_cfg_t *cfg, const char *name, const char *val, vb_error_t *err)
{
	return vb_run_cfg_set_opt(cfg, vb_env_cfg_ext(), name, val, err);
}
