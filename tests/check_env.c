/*
 * check_env.c - the environment table (harness/env/env.c) and the backends'
 * options as the parser sees them (harness/env/env_options.c).  (An
 * instance's life: check_lifecycle.c.)
 *
 * Every backend must pass the table's check (vb_env_check), names are
 * unique, lookups work, deliberately broken entries are refused naming the
 * problem; each backend's class, its undo hooks and its own options.
 */
#include <string.h>

#include "harness/env/env.h"
#include "lib/util.h"
#include "tests/tests.h"

START_TEST(test_envs_all_valid)
{
	size_t i, j, n = vb_env_count();
	const vb_env_ops_t *o;
	vb_error_t err;
	const char *names = vb_env_names();
	int baseline = 0;

	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		o = vb_env_at(i);
		ck_assert_ptr_nonnull(o);
		vb_error_clear(&err);
		ck_assert_msg(vb_env_check(o, &err) == 0, "backend %zu: %s", i, err.msg);
		ck_assert_ptr_eq(vb_env_find(o->name), o);
		ck_assert_msg(strstr(names, o->name), "'%s' missing from '%s'", o->name, names);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(o->name, vb_env_at(j)->name), "backend %s twice",
				      o->name);
		baseline += !!(o->caps & VB_ENV_IS_BASELINE);
	}
	ck_assert_int_eq(baseline, 1);
	ck_assert_ptr_null(vb_env_at(n));
	ck_assert_ptr_null(vb_env_find("nope"));
	ck_assert_ptr_nonnull(vb_env_find("bare"));
}
END_TEST

START_TEST(test_env_check_broken)
{
	const vb_env_ops_t *bare = vb_env_find("bare");
	vb_env_ops_t o;
	vb_error_t err;

	ck_assert_ptr_nonnull(bare);

	o = *bare;
	o.version = VB_ENV_OPS_VERSION + 1;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "version"));
	ck_assert_ptr_nonnull(strstr(err.msg, "bare"));

	o = *bare;
	o.probe = NULL; /* optional: vb_env_probe checks the agent */
	ck_assert_int_eq(vb_env_check(&o, &err), 0);
	o = *bare;
	o.start = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "a start hook required"));
	o = *bare;
	o.mechanism = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	o = *bare;
	o.name = "";
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_int_eq(vb_env_check(NULL, &err), -1);

	/* the class: declared, and consistent with itself and the flags */
	o = *bare;
	o.arch = VB_ARCH_UNKNOWN;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "class: architecture and mechanism required"));
	o = *bare;
	o.mech = VB_MECH_N;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	o = *bare;
	o.mech = VB_MECH_EMULATION; /* a bare-metal process emulating a CPU */
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "only a VM or a sandbox"));
	o = *bare;
	o.caps |= VB_ENV_IS_VM;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "VB_ENV_IS_VM without a VM"));
	o = *bare;
	o.arch = VB_ARCH_CONTAINER; /* the baseline must be bare metal */
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "baseline"));
	o = *vb_env_find("kvm");
	o.mech = VB_MECH_NONE;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "a VM needs"));
	o = *vb_env_find("kvm");
	o.caps &= ~(unsigned)VB_ENV_IS_VM;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);

	/* optional hooks may be missing: the lifecycle has their defaults */
	o = *bare;
	o.prepare = NULL;
	o.wait_ready = NULL;
	o.run = NULL;
	o.host_cpu_ns = NULL;
	o.describe = NULL;
	o.stop = NULL;
	o.cleanup = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), 0);
}
END_TEST

/* Every backend declares its class; run.json's names go both ways. */
START_TEST(test_env_class)
{
	static const struct {
		const char *env, *arch, *mech;
	} want[] = {
		{ "bare", "bare-metal", "none" },     { "container", "container", "none" },
		{ "oci", "container", "none" },	      { "docker", "container", "none" },
		{ "podman", "container", "none" },    { "gvisor", "sandbox", "none" },
		{ "hosted", "hosted-vm", "emulation" },
		{ "kvm", "hw-vm", "hardware-assisted" },
	};
	const vb_env_ops_t *o;
	vb_env_arch_t a;
	vb_env_mech_t m;
	json_t *c, *rec;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		o = vb_env_find(want[i].env);
		ck_assert_ptr_nonnull(o);
		ck_assert_str_eq(vb_env_arch_name(o->arch), want[i].arch);
		ck_assert_str_eq(vb_env_mech_name(o->mech), want[i].mech);
		ck_assert_int_eq(vb_env_arch_parse(want[i].arch), o->arch);
		ck_assert_int_eq(vb_env_mech_parse(want[i].mech), o->mech);
		ck_assert_int_eq(vb_env_arch_is_vm(o->arch), !!(o->caps & VB_ENV_IS_VM));
		c = vb_env_class_json(o);
		ck_assert_str_eq(json_string_value(json_object_get(c, "architecture")), want[i].arch);
		json_decref(c);
	}
	ck_assert_int_eq(vb_env_arch_parse("VM"), VB_ARCH_UNKNOWN);
	ck_assert_int_eq(vb_env_mech_parse(NULL), VB_MECH_UNKNOWN);
	ck_assert_str_eq(vb_env_arch_name((vb_env_arch_t)99), "unknown");

	/* A record's class wins over its strings and its name ... */
	rec = json_pack("{s:s,s:s,s:s,s:{s:s,s:s}}", "name", "kvm", "type", "container",
			"mechanism", "TCG", "class", "architecture", "sandbox", "mechanism",
			"none");
	ck_assert_int_eq(vb_env_record_class(rec, &a, &m), 0);
	ck_assert_int_eq(a, VB_ARCH_SANDBOX);
	ck_assert_int_eq(m, VB_MECH_NONE);
	/* ... a record without one (an older vbench) takes its backend's ... */
	json_object_del(rec, "class");
	ck_assert_int_eq(vb_env_record_class(rec, &a, &m), 0);
	ck_assert_int_eq(a, VB_ARCH_HW_VM);
	ck_assert_int_eq(m, VB_MECH_HW_ASSIST);
	/* ... and an unknown backend or class name is unknown, never guessed. */
	json_object_set_new(rec, "name", json_string("xen"));
	ck_assert_int_eq(vb_env_record_class(rec, &a, &m), -1);
	ck_assert_int_eq(a, VB_ARCH_UNKNOWN);
	json_object_set_new(rec, "class", json_pack("{s:s,s:s}", "architecture", "hw-vm",
						    "mechanism", "magic"));
	ck_assert_int_eq(vb_env_record_class(rec, &a, &m), -1);
	json_decref(rec);
}
END_TEST

/* Crash cleanup is the backends': `vbench clean` finds the hook by the
 * records' undo key (clean.c has no table of its own). */
START_TEST(test_env_undo_hooks)
{
	const vb_env_ops_t *o, *u;
	vb_env_ops_t t;
	vb_error_t err;
	size_t i, hooks = 0;

	for (i = 0; i < vb_env_count(); i++) {
		o = vb_env_at(i);
		if (!o->undo)
			continue;
		hooks++;
		u = vb_env_find_undo(vb_env_undo_key(o));
		ck_assert_ptr_nonnull(u);
		/* one key, one hook: the first backend of a key undoes for all */
		ck_assert_msg(u->undo == o->undo, "%s: undo key %s has two hooks", o->name,
			      vb_env_undo_key(o));
	}
	ck_assert_uint_ge(hooks, 3);
	ck_assert_ptr_eq(vb_env_find_undo("oci"), vb_env_find("oci"));
	ck_assert_ptr_eq(vb_env_find_undo("engine")->undo, vb_env_find("podman")->undo);
	ck_assert_str_eq(vb_env_undo_key(vb_env_find("docker")), "engine");
	ck_assert_ptr_null(vb_env_find_undo("bare")); /* leaves nothing a kill outlives */
	ck_assert_ptr_null(vb_env_find_undo("docker")); /* its records say "engine" */
	ck_assert_ptr_null(vb_env_find_undo(NULL));
	t = *vb_env_find("bare");
	t.undo_key = "bare-things";
	ck_assert_int_eq(vb_env_check(&t, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "undo key needs an undo hook"));
}
END_TEST

/* A backend's options are its own: declared in its table, none of them a
 * core option or another group's, each group's configuration within the
 * run configuration's room for them. */
START_TEST(test_env_options)
{
	const vb_run_cfg_ext_t *x = vb_env_cfg_ext();
	const vb_opt_group_t *g, *h;
	size_t i, j, k, l, end = 0;

	ck_assert_ptr_nonnull(x->env_find);
	ck_assert_str_eq(x->env_default, "bare");
	ck_assert_str_eq(x->env_find("kvm"), "kvm");
	ck_assert_ptr_null(x->env_find("xen"));
	ck_assert_uint_ge(x->ngroups, 2);
	for (i = 0; i < x->ngroups; i++) {
		g = &x->groups[i];
		ck_assert_msg(g->off >= end, "%s overlaps the group before", g->title);
		end = g->off + g->size;
		for (k = 0; k < g->nopts; k++) {
			ck_assert_msg(!vb_run_cfg_core_option(g->opts[k].name),
				      "%s declares the core option %s", g->title, g->opts[k].name);
			for (j = 0; j <= i; j++)
				for (h = &x->groups[j], l = 0; l < (j == i ? k : h->nopts); l++)
					ck_assert_msg(strcmp(h->opts[l].name, g->opts[k].name),
						      "%s declared twice", g->opts[k].name);
		}
	}
	ck_assert_uint_le(end, VB_PLUGIN_CONF_MAX);
	ck_assert(vb_run_cfg_core_option("--reps"));
	ck_assert(!vb_run_cfg_core_option("--runtime"));
}
END_TEST

Suite *vb_suite_env(void)
{
	Suite *s = suite_create("env");
	TCase *env = tcase_create("environments");

	tcase_set_timeout(env, 30);
	tcase_add_test(env, test_envs_all_valid);
	tcase_add_test(env, test_env_check_broken);
	tcase_add_test(env, test_env_class);
	tcase_add_test(env, test_env_undo_hooks);
	tcase_add_test(env, test_env_options);
	suite_add_tcase(s, env);
	return s;
}
