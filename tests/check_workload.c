/*
 * check_workload.c - the workload registry (workloads/workload.c, the
 * kernels listed in workloads/list.h).  (The environment table:
 * check_env.c.)
 *
 * Every descriptor must pass its check, names are unique and well formed,
 * lookups work, and deliberately broken descriptors are refused with a
 * message naming the problem.  Workload parameters are checked against
 * their descriptor and survive a JSON round trip.
 */
#include <string.h>

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

Suite *vb_suite_workload(void)
{
	Suite *s = suite_create("workload");
	TCase *wl = tcase_create("workloads");

	tcase_set_timeout(wl, 30);
	tcase_add_test(wl, test_workloads_all_valid);
	tcase_add_test(wl, test_workload_names);
	tcase_add_test(wl, test_workload_check_broken);
	tcase_add_test(wl, test_params_set);
	tcase_add_test(wl, test_params_json_round_trip);
	suite_add_tcase(s, wl);
	return s;
}
