/*
 * env.c - the table of environment backends (list.h, and those a program
 * adds: vb_env_register), the checks on their tables and their classes.
 * Adding an environment is one file and one line in list.h.
 */
#include "harness/env/env.h"
#include "harness/env/list.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "lib/util.h"

#define VB_DECLARE_ENV(name) extern const vb_env_ops_t vb_env_##name;
VB_ENVS(VB_DECLARE_ENV)
#undef VB_DECLARE_ENV

#define VB_ENV_ENTRY(name) &vb_env_##name,
static const vb_env_ops_t *const backends[] = { VB_ENVS(VB_ENV_ENTRY) };
#undef VB_ENV_ENTRY

/* Backends added at run time (vb_env_register), after the list's. */
#define VB_ENV_EXTRA_MAX 4
static const vb_env_ops_t *extra[VB_ENV_EXTRA_MAX];
static size_t nextra;

size_t vb_env_count(void)
{
	return VB_ARRAY_SIZE(backends) + nextra;
}

const vb_env_ops_t *vb_env_at(size_t i)
{
	if (i < VB_ARRAY_SIZE(backends))
		return backends[i];
	i -= VB_ARRAY_SIZE(backends);
	return i < nextra ? extra[i] : NULL;
}

const vb_env_ops_t *vb_env_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < vb_env_count(); i++)
		if (!strcmp(vb_env_at(i)->name, name))
			return vb_env_at(i);
	return NULL;
}

/* The backend named by "NAME:REST" (@name has a colon), with REST in
 * *@rest; NULL when there is no such backend. */
static const vb_env_ops_t *find_base(const char *name, const char **rest)
{
	const char *colon = strchr(name, ':');
	char base[64];

	if (!colon || (size_t)(colon - name) >= sizeof(base))
		return NULL;
	memcpy(base, name, (size_t)(colon - name));
	base[colon - name] = '\0';
	*rest = colon + 1;
	return vb_env_find(base);
}

const vb_env_ops_t *vb_env_find_mode(const char *name, const char **mode)
{
	const vb_env_ops_t *o;
	const char *rest;
	int k;

	*mode = NULL;
	if (!name || !strchr(name, ':'))
		return vb_env_find(name);
	o = find_base(name, &rest);
	k = o ? vb_env_mode_index(o, rest) : -1;
	if (k < 0)
		return NULL;
	*mode = k ? o->net_modes[k] : NULL;
	return o;
}

const vb_env_ops_t *vb_env_find_target(const char *name, char *target, size_t len)
{
	const vb_env_ops_t *o = name ? find_base(name, &name) : NULL;
	const char *t;

	if (!o || !(o->caps & VB_ENV_TARGETS) || !name[0] || strlen(name) >= VB_ENV_TARGET_MAX ||
	    strlen(name) >= len)
		return NULL;
	for (t = name; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || *t == '_' || *t == '-'))
			return NULL;
	snprintf(target, len, "%s", name);
	return o;
}

int vb_env_mode_index(const vb_env_ops_t *o, const char *mode)
{
	int k;

	for (k = 0; o->net_modes && o->net_modes[k]; k++)
		if (!strcmp(o->net_modes[k], mode))
			return k;
	return -1;
}

const char *vb_env_mode_name(const vb_env_ops_t *o, const char *mode, char *buf, size_t len)
{
	if (mode)
		snprintf(buf, len, "%s:%s", o->name, mode);
	else
		snprintf(buf, len, "%s", o->name);
	return buf;
}

int vb_env_register(const vb_env_ops_t *ops, vb_error_t *err)
{
	if (vb_env_check(ops, err) < 0)
		return -1;
	if (vb_env_find(ops->name))
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: registered twice",
				    ops->name);
	if (nextra == VB_ENV_EXTRA_MAX)
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: no room (%d added at most)",
				    ops->name, VB_ENV_EXTRA_MAX);
	extra[nextra++] = ops;
	return 0;
}

const char *vb_env_names(void)
{
	static char buf[256];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < vb_env_count() && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? ", " : "",
					vb_env_at(i)->name);
	return buf;
}

const char *vb_env_undo_key(const vb_env_ops_t *ops)
{
	return ops->undo_key ? ops->undo_key : ops->name;
}

const vb_env_ops_t *vb_env_find_undo(const char *key)
{
	const vb_env_ops_t *o;
	size_t i;

	for (i = 0; key && i < vb_env_count(); i++) {
		o = vb_env_at(i);
		if (o->undo && !strcmp(vb_env_undo_key(o), key))
			return o;
	}
	return NULL;
}

/* ---- the class ---------------------------------------------------------- */

static const char *const arch_names[VB_ARCH_N] = {
	[VB_ARCH_UNKNOWN] = "unknown",	   [VB_ARCH_BARE] = "bare-metal",
	[VB_ARCH_CONTAINER] = "container", [VB_ARCH_SANDBOX] = "sandbox",
	[VB_ARCH_HOSTED_VM] = "hosted-vm", [VB_ARCH_HW_VM] = "hw-vm",
};
static const char *const mech_names[VB_MECH_N] = {
	[VB_MECH_UNKNOWN] = "unknown",
	[VB_MECH_NONE] = "none",
	[VB_MECH_EMULATION] = "emulation",
	[VB_MECH_HW_ASSIST] = "hardware-assisted",
};

const char *vb_env_arch_name(vb_env_arch_t a)
{
	return (unsigned)a < VB_ARCH_N ? arch_names[a] : arch_names[VB_ARCH_UNKNOWN];
}

const char *vb_env_mech_name(vb_env_mech_t m)
{
	return (unsigned)m < VB_MECH_N ? mech_names[m] : mech_names[VB_MECH_UNKNOWN];
}

/* The index of @name in @names[1..n), 0 when absent. */
static unsigned name_index(const char *const *names, unsigned n, const char *name)
{
	unsigned i;

	for (i = 1; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return i;
	return 0;
}

vb_env_arch_t vb_env_arch_parse(const char *name)
{
	return (vb_env_arch_t)name_index(arch_names, VB_ARCH_N, name);
}

vb_env_mech_t vb_env_mech_parse(const char *name)
{
	return (vb_env_mech_t)name_index(mech_names, VB_MECH_N, name);
}

int vb_env_arch_is_vm(vb_env_arch_t a)
{
	return a == VB_ARCH_HOSTED_VM || a == VB_ARCH_HW_VM;
}

json_t *vb_env_class_json(const vb_env_ops_t *ops)
{
	return json_pack("{s:s,s:s}", "architecture", vb_env_arch_name(ops->arch), "mechanism",
			 vb_env_mech_name(ops->mech));
}

int vb_env_record_class(const json_t *rec, vb_env_arch_t *arch, vb_env_mech_t *mech)
{
	const json_t *c = json_object_get(rec, "class");
	const vb_env_ops_t *o;

	*arch = VB_ARCH_UNKNOWN;
	*mech = VB_MECH_UNKNOWN;
	if (json_is_object(c)) {
		*arch = vb_env_arch_parse(json_string_value(json_object_get(c, "architecture")));
		*mech = vb_env_mech_parse(json_string_value(json_object_get(c, "mechanism")));
	} else if (json_is_string(json_object_get(rec, "name")) &&
		   (o = vb_env_find(json_string_value(json_object_get(rec, "name"))))) {
		*arch = o->arch;
		*mech = o->mech;
	}
	return *arch && *mech ? 0 : -1;
}

/* The class must be declared and consistent: no CPU virtualization without
 * a guest, a VM with one, the VM flag on exactly the VMs, a bare-metal
 * baseline.  NULL, or what is wrong. */
static const char *class_problem(const vb_env_ops_t *o)
{
	int vm = vb_env_arch_is_vm(o->arch);

	if (!o->arch || (unsigned)o->arch >= VB_ARCH_N || !o->mech || (unsigned)o->mech >= VB_MECH_N)
		return "architecture and mechanism required";
	if (vm != (o->mech != VB_MECH_NONE) && o->arch != VB_ARCH_SANDBOX)
		return vm ? "a VM needs a CPU virtualization mechanism"
			  : "only a VM or a sandbox virtualizes the CPU";
	if (vm != !!(o->caps & VB_ENV_IS_VM))
		return vm ? "a VM architecture without VB_ENV_IS_VM" : "VB_ENV_IS_VM without a VM architecture";
	if ((o->caps & VB_ENV_IS_BASELINE) && o->arch != VB_ARCH_BARE)
		return "the baseline must be bare metal";
	return NULL;
}

/* The size of the field a typed option of type @t writes, or 0 for a
 * setter's (a backend's options are typed: --resume compares them by it). */
static size_t field_size(vb_opt_type_t t)
{
	switch (t) {
	case VB_OPT_FLAG:
		return sizeof(int);
	case VB_OPT_STR:
	case VB_OPT_PATH:
		return sizeof(const char *);
	case VB_OPT_U64:
		return sizeof(uint64_t);
	case VB_OPT_DOUBLE:
	case VB_OPT_PCT:
		return sizeof(double);
	default:
		return 0;
	}
}

/* Options declared with their configuration, each typed and its field
 * inside it, every name an option's.  NULL, or what is wrong. */
static const char *options_problem(const vb_env_options_t *x)
{
	const vb_opt_t *o;
	size_t i, n;

	if (!x)
		return NULL;
	if (!x->opts || !x->nopts || !x->defaults || !x->conf_size ||
	    x->conf_size > VB_PLUGIN_CONF_MAX / 2)
		return "options need their table, defaults and a configuration size";
	for (i = 0; i < x->nopts; i++) {
		o = &x->opts[i];
		if (!o->name || strncmp(o->name, "--", 2) || !o->name[2] || !o->help ||
		    (!o->arg) != (o->type == VB_OPT_FLAG))
			return "an option needs a --name, an argument (unless a flag) and a help line";
		n = field_size(o->type);
		if (!n || o->set || o->off + n > x->conf_size ||
		    ((o->type == VB_OPT_DOUBLE || o->type == VB_OPT_PCT) && o->min > o->max) ||
		    (o->type == VB_OPT_U64 && o->umin > o->umax))
			return "an option's field is not a field of its type in the configuration";
	}
	return NULL;
}

/* ---- the table ------------------------------------------------------------ */

/* Network modes need a path to take, and names that fit an instance's
 * name and tag (lower-case letters and digits, 2 to 8). */
static const char *net_modes_problem(const vb_env_ops_t *o)
{
	size_t k, i, n;

	if (!o->net_modes)
		return NULL;
	if (!o->net_path)
		return "no net_path hook to take them";
	if (!o->net_modes[0])
		return "an empty list";
	for (k = 0; o->net_modes[k]; k++) {
		n = strlen(o->net_modes[k]);
		if (n < 2 || n > 8)
			return "a name of 2 to 8 characters each";
		for (i = 0; i < n; i++)
			if (!((o->net_modes[k][i] >= 'a' && o->net_modes[k][i] <= 'z') ||
			      (o->net_modes[k][i] >= '0' && o->net_modes[k][i] <= '9')))
				return "lower-case letters and digits only";
		for (i = 0; i < k; i++)
			if (!strcmp(o->net_modes[i], o->net_modes[k]))
				return "a mode named twice";
	}
	return NULL;
}

int vb_env_check(const vb_env_ops_t *o, vb_error_t *err)
{
	const char *why;

	if (!o || !o->name || !*o->name)
		return vb_error_set(err, VB_EUSAGE, 0, "environment backend without a name");
	if (o->version != VB_ENV_OPS_VERSION)
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: interface version %d, expected %d",
				    o->name, o->version, VB_ENV_OPS_VERSION);
	if (!o->type || !o->mechanism)
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: type and mechanism required",
				    o->name);
	if ((why = class_problem(o)) != NULL)
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: class: %s", o->name, why);
	if (!o->start)
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: a start hook required",
				    o->name);
	if ((why = options_problem(o->options)) != NULL)
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: %s", o->name, why);
	if (o->undo_key && (!o->undo || !o->undo_key[0]))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "environment %s: an undo key needs an undo hook (and a name)",
				    o->name);
	if ((why = net_modes_problem(o)) != NULL)
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: network modes: %s", o->name,
				    why);
	if (o->not_run && (!o->not_run_why || !o->not_run_why[0]))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "environment %s: workloads it does not run need the reason",
				    o->name);
	if (o->targets && !(o->caps & VB_ENV_TARGETS))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "environment %s: a targets hook without VB_ENV_TARGETS", o->name);
	return 0;
}

int vb_env_probe(const vb_env_ops_t *o, const vb_run_cfg_t *cfg, vb_error_t *err)
{
	if (vb_env_check(o, err) < 0)
		return -1;
	if (access(cfg->agent_path, X_OK) < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno, "agent %s not executable",
				    cfg->agent_path);
	return o->probe ? o->probe(cfg, err) : 0;
}
