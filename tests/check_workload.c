/*
 * check_workload.c - the two registries: workloads (workloads/list.h) and
 * environment backends (harness/env/env.c).  (The undo log of resources:
 * check_undo.c.)
 *
 * The workload and environment tables are tested themselves: every entry
 * must pass its check, names are unique and well formed, lookups work, and
 * deliberately broken descriptors are refused with a message naming the
 * problem.  Workload parameters are checked against their descriptor and
 * survive a JSON round trip.
 */
#include <string.h>

#include "harness/env/env.h"
#include "lib/util.h"
#include "workloads/workload.h"
#include "tests/tests.h"

/* ---- workload registry ---------------------------------------------------- */

START_TEST(test_workloads_all_valid)
{
	size_t i, n = vb_workload_count();
	const vb_workload_t *w;
	vb_error_t err;

	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		w = vb_workload_at(i);
		ck_assert_ptr_nonnull(w);
		vb_error_clear(&err);
		ck_assert_msg(vb_workload_check(w, &err) == 0, "workload %zu (%s): %s", i,
			      w->name ? w->name : "?", err.msg);
	}
	ck_assert_ptr_null(vb_workload_at(n));
}
END_TEST

START_TEST(test_workload_names)
{
	size_t i, j, n = vb_workload_count();
	const vb_workload_t *w;
	const char *dot, *kind, *c;

	for (i = 0; i < n; i++) {
		w = vb_workload_at(i);
		dot = strchr(w->name, '.');
		ck_assert_msg(dot != NULL, "%s is not KIND.NAME", w->name);
		ck_assert_msg(strchr(dot + 1, '.') == NULL, "%s has more than one dot", w->name);
		ck_assert_msg(dot[1] != '\0', "%s has an empty name part", w->name);
		kind = vb_kind_name(w->kind);
		ck_assert_msg(strlen(kind) == (size_t)(dot - w->name) &&
				      !strncmp(w->name, kind, strlen(kind)),
			      "%s: prefix does not match its kind '%s'", w->name, kind);
		for (c = dot + 1; *c; c++)
			ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
					      *c == '_',
				      "%s: character '%c' in the name", w->name, *c);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(w->name, vb_workload_at(j)->name),
				      "workload %s registered twice", w->name);
		ck_assert_ptr_eq(vb_workload_find(w->name), w);
	}
	ck_assert_ptr_null(vb_workload_find("nope"));
	ck_assert_ptr_null(vb_workload_find(""));
	ck_assert_ptr_null(vb_workload_find("mem.*"));
	ck_assert_str_eq(vb_kind_name(VB_KIND_CPU), "cpu");
	ck_assert_str_eq(vb_kind_name(VB_KIND_MEM), "mem");
	ck_assert_str_eq(vb_kind_name(VB_KIND_IO), "io");
}
END_TEST

/* A well-formed descriptor the broken variants are copied from. */
static int fake_run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	vb_wctx_begin(ctx);
	vb_wctx_end(ctx);
	res->ops = 1;
	res->metric[0] = 1.0;
	return 0;
}

static const vb_param_desc_t fake_params[] = {
	{ "iters", VB_P_U64, "10", 1, 1000, "loop count (count)" },
	{ "size", VB_P_SIZE, "64K", 4096, 1ull << 30, "buffer (bytes)" },
	{ "sizes", VB_P_LIST, "4K,64K,1M", 4096, 1ull << 30, "buffers (bytes)" },
	{ "mode", VB_P_STR, "fast", 0, 0, "how (text)" },
};

static const vb_metric_desc_t fake_metrics[] = {
	{ "rate", "op/s", VB_HIGHER_IS_BETTER, "operations per second" },
};

static const vb_workload_t fake = {
	.name = "cpu.fake",
	.kind = VB_KIND_CPU,
	.description = "test descriptor",
	.params = fake_params,
	.nparams = VB_ARRAY_SIZE(fake_params),
	.metrics = fake_metrics,
	.nmetrics = VB_ARRAY_SIZE(fake_metrics),
	.scale_param = "iters",
	.run = fake_run,
};

/* @w must fail vb_workload_check with VB_EUSAGE and a message containing @word. */
static void expect_broken(const vb_workload_t *w, const char *word, const char *why)
{
	vb_error_t err;

	vb_error_clear(&err);
	ck_assert_msg(vb_workload_check(w, &err) == -1, "%s accepted", why);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_msg(strstr(err.msg, word), "%s: message '%s' lacks '%s'", why, err.msg, word);
}

START_TEST(test_workload_check_broken)
{
	vb_param_desc_t params[VB_ARRAY_SIZE(fake_params)];
	vb_metric_desc_t metrics[2];
	vb_workload_t w;
	vb_error_t err;

	ck_assert_msg(vb_workload_check(&fake, &err) == 0, "base descriptor: %s", err.msg);

	w = fake;
	w.run = NULL;
	expect_broken(&w, "run hook", "no run hook");

	w = fake;
	w.name = NULL;
	expect_broken(&w, "name", "no name");

	w = fake;
	w.description = "";
	expect_broken(&w, "description", "no description");

	w = fake;
	w.nmetrics = 0;
	expect_broken(&w, "metrics", "no metrics");

	memcpy(metrics, fake_metrics, sizeof(fake_metrics));
	metrics[1] = fake_metrics[0];
	w = fake;
	w.metrics = metrics;
	w.nmetrics = 2;
	expect_broken(&w, "rate", "duplicate metric");

	memcpy(params, fake_params, sizeof(params));
	params[1].key = "iters";
	w = fake;
	w.params = params;
	expect_broken(&w, "iters", "duplicate parameter");

	memcpy(params, fake_params, sizeof(params));
	params[0].def = "5000"; /* max 1000 */
	w = fake;
	w.params = params;
	expect_broken(&w, "cpu.fake.iters", "default out of bounds");

	memcpy(params, fake_params, sizeof(params));
	params[1].def = "1K"; /* min 4096 */
	w = fake;
	w.params = params;
	expect_broken(&w, "cpu.fake.size", "size default below min");

	memcpy(params, fake_params, sizeof(params));
	params[2].def = "4K,junk";
	w = fake;
	w.params = params;
	expect_broken(&w, "cpu.fake.sizes", "bad list default");

	memcpy(params, fake_params, sizeof(params));
	params[3].def = NULL;
	w = fake;
	w.params = params;
	expect_broken(&w, "parameter", "parameter without default");

	w = fake;
	w.scale_param = "nope";
	expect_broken(&w, "nope", "scale_param naming a missing parameter");

	w = fake;
	w.scale_param = "size";
	expect_broken(&w, "size", "scale_param naming a SIZE parameter");

	w = fake;
	w.scale_param = "mode";
	expect_broken(&w, "mode", "scale_param naming a STR parameter");

	w = fake;
	w.nparams = VB_MAX_PARAMS + 1;
	expect_broken(&w, "too many", "too many parameters");
}
END_TEST

/* ---- workload parameters -------------------------------------------------- */

START_TEST(test_params_set)
{
	const vb_workload_t *w = vb_workload_find("cpu.syscall");
	vb_params_t p;
	vb_error_t err;
	uint64_t list[VB_MAX_LIST];

	ck_assert_ptr_nonnull(w);
	vb_params_defaults(w, &p);
	ck_assert_int_eq(vb_params_validate(w, &p, &err), 0);

	vb_error_clear(&err);
	ck_assert_int_eq(vb_params_set(w, &p, "nope", "1", &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_msg(strstr(err.msg, "cpu.syscall.nope"), "message: %s", err.msg);
	ck_assert_msg(strstr(err.msg, "iters"), "valid keys not listed: %s", err.msg);

	ck_assert_int_eq(vb_params_set(w, &p, "iters", "abc", &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.syscall.iters"));
	ck_assert_int_eq(vb_params_set(w, &p, "iters", "0", &err), -1);

	ck_assert_int_eq(vb_params_set(w, &p, "iters", "1234", &err), 0);
	ck_assert_uint_eq(vb_param_u64(&p, "iters"), 1234);
	ck_assert_int_eq(vb_params_set_u64(w, &p, "iters", 99, &err), 0);
	ck_assert_str_eq(vb_param_str(&p, "iters"), "99");
	ck_assert_uint_eq(p.n, w->nparams); /* replaced, not added */
	ck_assert_ptr_null(vb_param_str(&p, "nope"));
	ck_assert_uint_eq(vb_param_u64(&p, "nope"), 0);

	/* the fake descriptor's other types */
	vb_params_defaults(&fake, &p);
	ck_assert_uint_eq(vb_param_u64(&p, "size"), 64 << 10);
	ck_assert_uint_eq(vb_param_list(&p, "sizes", list, VB_MAX_LIST), 3);
	ck_assert_uint_eq(list[0], 4096);
	ck_assert_uint_eq(list[2], 1 << 20);
	ck_assert_uint_eq(vb_param_list(&p, "sizes", list, 2), 2);
	ck_assert_int_eq(vb_params_set(&fake, &p, "mode", "", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fake.mode"));
	ck_assert_int_eq(vb_params_set(&fake, &p, "sizes", "", &err), -1);
	ck_assert_int_eq(vb_params_set(&fake, &p, "sizes",
				       "1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M", &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fake.sizes"));

	/* a missing parameter fails validation */
	p.n = 0;
	ck_assert_int_eq(vb_params_validate(&fake, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "missing"));
}
END_TEST

START_TEST(test_params_json_round_trip)
{
	vb_params_t p, q;
	vb_error_t err;
	json_t *o, *bad;
	size_t i, k;

	vb_params_defaults(&fake, &p);
	ck_assert_int_eq(vb_params_set(&fake, &p, "iters", "77", &err), 0);
	ck_assert_int_eq(vb_params_set(&fake, &p, "size", "2M", &err), 0);
	ck_assert_int_eq(vb_params_set(&fake, &p, "sizes", "8K,16K", &err), 0);
	ck_assert_int_eq(vb_params_set(&fake, &p, "mode", "slow mode", &err), 0);
	o = vb_params_to_json(&p);
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(json_object_size(o), 4);
	ck_assert_str_eq(json_string_value(json_object_get(o, "size")), "2M");
	ck_assert_int_eq(vb_params_from_json(&fake, &q, o, &err), 0);
	ck_assert_uint_eq(q.n, p.n);
	for (i = 0; i < p.n; i++)
		ck_assert_str_eq(vb_param_str(&q, p.kv[i].key), p.kv[i].val);
	json_decref(o);

	/* a partial object keeps the defaults for the rest */
	o = json_pack("{s:s}", "iters", "5");
	ck_assert_int_eq(vb_params_from_json(&fake, &q, o, &err), 0);
	ck_assert_str_eq(vb_param_str(&q, "iters"), "5");
	ck_assert_str_eq(vb_param_str(&q, "size"), "64K");
	json_decref(o);

	/* every registered workload's defaults survive the trip */
	for (k = 0; k < vb_workload_count(); k++) {
		const vb_workload_t *w = vb_workload_at(k);

		vb_params_defaults(w, &p);
		o = vb_params_to_json(&p);
		ck_assert_msg(vb_params_from_json(w, &q, o, &err) == 0, "%s: %s", w->name, err.msg);
		ck_assert_int_eq(vb_params_validate(w, &q, &err), 0);
		for (i = 0; i < p.n; i++)
			ck_assert_str_eq(vb_param_str(&q, p.kv[i].key), p.kv[i].val);
		json_decref(o);
	}

	/* bad documents */
	bad = json_pack("{s:i}", "iters", 5);
	ck_assert_int_eq(vb_params_from_json(&fake, &q, bad, &err), -1);
	ck_assert_int_eq(err.code, VB_EPROTO);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fake.iters"));
	json_decref(bad);
	bad = json_pack("{s:s}", "bogus", "1");
	ck_assert_int_eq(vb_params_from_json(&fake, &q, bad, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fake.bogus"));
	json_decref(bad);
	bad = json_pack("[s]", "iters");
	ck_assert_int_eq(vb_params_from_json(&fake, &q, bad, &err), -1);
	ck_assert_int_eq(err.code, VB_EPROTO);
	json_decref(bad);
}
END_TEST

/* ---- environment registry ------------------------------------------------- */

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
	o.probe = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "probe and start hooks required"));
	o = *bare;
	o.start = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
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
		{ "podman", "container", "none" },    { "hosted", "hosted-vm", "emulation" },
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

Suite *vb_suite_registry(void)
{
	Suite *s = suite_create("registry");
	TCase *wl = tcase_create("workloads");
	TCase *env = tcase_create("environments");

	tcase_set_timeout(wl, 30);
	tcase_add_test(wl, test_workloads_all_valid);
	tcase_add_test(wl, test_workload_names);
	tcase_add_test(wl, test_workload_check_broken);
	tcase_add_test(wl, test_params_set);
	tcase_add_test(wl, test_params_json_round_trip);
	suite_add_tcase(s, wl);

	tcase_set_timeout(env, 30);
	tcase_add_test(env, test_envs_all_valid);
	tcase_add_test(env, test_env_check_broken);
	tcase_add_test(env, test_env_class);
	tcase_add_test(env, test_env_undo_hooks);
	tcase_add_test(env, test_env_options);
	suite_add_tcase(s, env);
	return s;
}
