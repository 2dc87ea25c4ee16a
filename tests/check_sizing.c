/*
 * check_sizing.c - calibration and parameter sizing.
 *
 * vb_sizing_calibrate_scale is checked against hand-computed values; vb_sizing_calibrate
 * is driven by fake probe functions whose "elapsed time" is a known function
 * of the scale parameter, so convergence, the tenfold growth of short
 * probes, clamping at the parameter's maximum and error propagation can be
 * checked exactly.  vb_sizing_params must apply the descriptor defaults, then
 * the workload's size hook, then the user's --param overrides.
 */
#include <string.h>

#include "harness/core/options.h"
#include "harness/run/sizing.h"
#include "lib/util.h"
#include "tests/tests.h"

/* ---- a fake workload with a scale parameter and a size hook ------------- */

static int fake_run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	vb_wctx_begin(ctx);
	vb_wctx_end(ctx);
	res->metric[0] = 1.0;
	return 0;
}

static const vb_param_desc_t fake_params[] = {
	{ "iters", VB_P_U64, "10", 1, 1000000000000ull, "loop count (count)" },
	{ "size", VB_P_SIZE, "1M", 4096, 1ull << 34, "buffer (bytes)" },
	{ "mode", VB_P_STR, "plain", 0, 0, "how (text)" },
};

static const vb_param_desc_t small_params[] = {
	{ "iters", VB_P_U64, "10", 1, 50, "loop count (count)" },
};

static const vb_metric_desc_t fake_metrics[] = {
	{ "rate", "op/s", VB_HIGHER_IS_BETTER, "operations per second" },
};

static const vb_workload_t fake;

/* The size hook: "size" from the allocation, "iters" fixed. */
static int fake_size_hook(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	if (s->mem == 0)
		return vb_error_set(err, VB_ERESOURCE, 0, "no memory to size from");
	if (vb_params_set_u64(&fake, p, "size", s->mem / 4, err) < 0 ||
	    vb_params_set(&fake, p, "iters", "7", err) < 0)
		return -1;
	return 0;
}

static const vb_workload_t fake = {
	.name = "cpu.fakecal",
	.kind = VB_KIND_CPU,
	.description = "calibration test descriptor",
	.params = fake_params,
	.nparams = VB_ARRAY_SIZE(fake_params),
	.metrics = fake_metrics,
	.nmetrics = VB_ARRAY_SIZE(fake_metrics),
	.scale_param = "iters",
	.size = fake_size_hook,
	.run = fake_run,
};

static const vb_workload_t small = {
	.name = "cpu.fakesmall",
	.kind = VB_KIND_CPU,
	.description = "scale parameter with a low maximum",
	.params = small_params,
	.nparams = VB_ARRAY_SIZE(small_params),
	.metrics = fake_metrics,
	.nmetrics = VB_ARRAY_SIZE(fake_metrics),
	.scale_param = "iters",
	.run = fake_run,
};

static const vb_workload_t unscaled = {
	.name = "cpu.fakefixed",
	.kind = VB_KIND_CPU,
	.description = "no scale parameter",
	.params = fake_params,
	.nparams = VB_ARRAY_SIZE(fake_params),
	.metrics = fake_metrics,
	.nmetrics = VB_ARRAY_SIZE(fake_metrics),
	.run = fake_run,
};

/* ---- fake probes ---------------------------------------------------------- */

typedef struct probe_state {
	uint64_t ns_per_unit; /* elapsed = value * ns_per_unit */
	int fail_at;          /* fail on this call (1-based), 0 never */
	int calls;
	uint64_t values[16];  /* scale value seen by each call */
} probe_state_t;

static int fake_probe(void *ctx, const vb_workload_t *w, const vb_params_t *p,
		      uint64_t *elapsed_ns, vb_error_t *err)
{
	probe_state_t *st = ctx;
	uint64_t v = vb_param_u64(p, w->scale_param);

	ck_assert_int_eq(vb_params_validate(w, p, err), 0);
	if (st->calls < 16)
		st->values[st->calls] = v;
	st->calls++;
	if (st->fail_at && st->calls == st->fail_at)
		return vb_error_set(err, VB_ECHECK, 0, "%s: probe %d went wrong", w->name,
				    st->calls);
	*elapsed_ns = v * st->ns_per_unit;
	return 0;
}

/* The probes array of @rec must list exactly @values. */
static void check_probes(json_t *rec, const probe_state_t *st)
{
	json_t *probes = json_object_get(rec, "probes"), *e;
	size_t i;

	ck_assert(json_is_array(probes));
	ck_assert_uint_eq(json_array_size(probes), (size_t)st->calls);
	json_array_foreach(probes, i, e) {
		ck_assert_uint_eq(json_integer_value(json_object_get(e, "value")), st->values[i]);
		ck_assert_uint_eq(json_integer_value(json_object_get(e, "elapsed_ns")),
				  st->values[i] * st->ns_per_unit);
	}
}

/* ---- vb_sizing_calibrate_scale --------------------------------------------------- */

START_TEST(test_calibrate_scale)
{
	/* 100 units took 10 ms; 0.5 s needs 5000 */
	ck_assert_uint_eq(vb_sizing_calibrate_scale(100, 10000000, 0.5, 1, 1000000), 5000);
	ck_assert_uint_eq(vb_sizing_calibrate_scale(100, 10000000, 0.5, 1, 4000), 4000);
	ck_assert_uint_eq(vb_sizing_calibrate_scale(100, 10000000, 0.5, 6000, 1000000), 6000);
	/* rounded to nearest */
	ck_assert_uint_eq(vb_sizing_calibrate_scale(3, 2000000000, 1.0, 1, 100), 2);
	ck_assert_uint_eq(vb_sizing_calibrate_scale(10, 3000000000ull, 1.0, 1, 100), 3);
	/* never below 1 even with min 0 */
	ck_assert_uint_eq(vb_sizing_calibrate_scale(1, 1000000000, 0.1, 0, 100), 1);
	/* a zero-length probe is safe: the answer is clamped, not infinite */
	ck_assert_uint_eq(vb_sizing_calibrate_scale(100, 0, 1.0, 1, 1000), 1000);
	ck_assert_uint_eq(vb_sizing_calibrate_scale(100, 0, 1.0, 1, UINT64_MAX), 100000000000ull);
	ck_assert_uint_eq(vb_sizing_calibrate_scale(0, 0, 1.0, 5, 1000), 5);
	/* huge values saturate at max */
	ck_assert(vb_sizing_calibrate_scale(UINT64_MAX / 2, 1, 100.0, 1, UINT64_MAX) == UINT64_MAX);
}
END_TEST

/* ---- vb_sizing_calibrate --------------------------------------------------------- */

START_TEST(test_calibrate_converges)
{
	probe_state_t st = { .ns_per_unit = 1000 };
	static const uint64_t want[] = { 10, 100, 1000, 10000 };
	json_t *rec = NULL;
	vb_params_t p;
	vb_error_t err;
	uint64_t v;
	int i;

	vb_params_defaults(&fake, &p); /* iters 10: 10 us */
	ck_assert_int_eq(vb_sizing_calibrate(&fake, &p, 0.5, fake_probe, &st, &rec, &err), 0);
	ck_assert_ptr_nonnull(rec);
	/* short probes grow tenfold until one reaches 10 ms */
	ck_assert_int_eq(st.calls, 4);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(st.values[i], want[i]);
	check_probes(rec, &st);
	/* then one linear step to the target */
	v = vb_param_u64(&p, "iters");
	ck_assert_uint_eq(v, 500000);
	ck_assert(v * 1000 >= 500000000 - 1000 && v * 1000 <= 500000000 + 1000);
	ck_assert_str_eq(json_string_value(json_object_get(rec, "param")), "iters");
	ck_assert_uint_eq(json_integer_value(json_object_get(rec, "value")), v);
	ck_assert_double_eq_tol(json_number_value(json_object_get(rec, "target_s")), 0.5, 1e-12);
	/* the other parameters are untouched */
	ck_assert_str_eq(vb_param_str(&p, "size"), "1M");
	ck_assert_int_eq(vb_params_validate(&fake, &p, &err), 0);
	json_decref(rec);
}
END_TEST

START_TEST(test_calibrate_long_first_probe)
{
	probe_state_t st = { .ns_per_unit = 3000 };
	json_t *rec = NULL;
	vb_params_t p;
	vb_error_t err;
	uint64_t v;

	/* 2e6 units x 3 us = 6 s, far over a 0.25 s target: one probe, scale down */
	vb_params_defaults(&fake, &p);
	ck_assert_int_eq(vb_params_set(&fake, &p, "iters", "2000000", &err), 0);
	ck_assert_int_eq(vb_sizing_calibrate(&fake, &p, 0.25, fake_probe, &st, &rec, &err), 0);
	ck_assert_int_eq(st.calls, 1);
	check_probes(rec, &st);
	v = vb_param_u64(&p, "iters");
	ck_assert_uint_eq(v, 83333); /* 0.25 s / 3 us, rounded */
	ck_assert(v * 3000 >= 250000000 - 3000 && v * 3000 <= 250000000 + 3000);
	json_decref(rec);
}
END_TEST

START_TEST(test_calibrate_stops_at_max)
{
	probe_state_t st = { .ns_per_unit = 1000 };
	json_t *rec = NULL;
	vb_params_t p;
	vb_error_t err;

	vb_params_defaults(&small, &p); /* iters 10, max 50 */
	ck_assert_int_eq(vb_sizing_calibrate(&small, &p, 0.5, fake_probe, &st, &rec, &err), 0);
	ck_assert_uint_eq(vb_param_u64(&p, "iters"), 50);
	ck_assert_int_eq(st.calls, 2);
	ck_assert_uint_eq(st.values[0], 10);
	ck_assert_uint_eq(st.values[1], 50);
	check_probes(rec, &st);
	ck_assert_uint_eq(json_integer_value(json_object_get(rec, "value")), 50);
	json_decref(rec);

	/* a probe that always reports 0 ns still ends, within bounds */
	st = (probe_state_t){ .ns_per_unit = 0 };
	vb_params_defaults(&fake, &p);
	ck_assert_int_eq(vb_sizing_calibrate(&fake, &p, 0.5, fake_probe, &st, &rec, &err), 0);
	ck_assert_int_le(st.calls, 8);
	ck_assert_uint_ge(vb_param_u64(&p, "iters"), 10);
	ck_assert_uint_le(vb_param_u64(&p, "iters"), 1000000000000ull);
	ck_assert_int_eq(vb_params_validate(&fake, &p, &err), 0);
	json_decref(rec);
}
END_TEST

START_TEST(test_calibrate_probe_fails)
{
	probe_state_t st = { .ns_per_unit = 1000, .fail_at = 1 };
	json_t *rec = (json_t *)1;
	vb_params_t p;
	vb_error_t err;

	vb_params_defaults(&fake, &p);
	vb_error_clear(&err);
	ck_assert_int_eq(vb_sizing_calibrate(&fake, &p, 0.5, fake_probe, &st, &rec, &err), -1);
	ck_assert_ptr_null(rec);
	ck_assert_int_eq(err.code, VB_ECHECK);
	ck_assert_msg(!strncmp(err.msg, "calibrating", 11), "message: %s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fakecal"));
	ck_assert_ptr_nonnull(strstr(err.msg, "probe 1 went wrong"));

	/* failing later, after some probes were recorded */
	st = (probe_state_t){ .ns_per_unit = 1000, .fail_at = 3 };
	vb_params_defaults(&fake, &p);
	ck_assert_int_eq(vb_sizing_calibrate(&fake, &p, 0.5, fake_probe, &st, &rec, &err), -1);
	ck_assert_ptr_null(rec);
	ck_assert_int_eq(st.calls, 3);
	ck_assert_msg(!strncmp(err.msg, "calibrating", 11), "message: %s", err.msg);
}
END_TEST

START_TEST(test_calibrate_unscaled)
{
	probe_state_t st = { .ns_per_unit = 1000 };
	json_t *rec = (json_t *)1;
	vb_params_t p;
	vb_error_t err;

	vb_params_defaults(&unscaled, &p);
	ck_assert_int_eq(vb_sizing_calibrate(&unscaled, &p, 0.5, fake_probe, &st, &rec, &err), 0);
	ck_assert_ptr_null(rec);
	ck_assert_int_eq(st.calls, 0);
	ck_assert_str_eq(vb_param_str(&p, "iters"), "10");
}
END_TEST

/* ---- vb_sizing_params ----------------------------------------------------- */

static void add_user_param(vb_run_cfg_t *cfg, const vb_workload_t *w, const char *key,
			   const char *val)
{
	vb_user_param_t *u = &cfg->params[cfg->nparams++];

	u->w = w;
	snprintf(u->key, sizeof(u->key), "%s", key);
	snprintf(u->val, sizeof(u->val), "%s", val);
}

START_TEST(test_sizing_params)
{
	vb_caches_t caches;
	vb_sizing_t sz;
	vb_run_cfg_t cfg;
	vb_params_t p;
	vb_error_t err;
	int fixed = -1;

	memset(&caches, 0, sizeof(caches));
	vb_sizing_init(&sz, &caches, 1ull << 30, 1, 0);
	/* unknown caches get safe defaults */
	ck_assert_uint_eq(sz.l1d, 32 << 10);
	ck_assert_uint_eq(sz.line, 64);
	ck_assert_uint_eq(sz.mem, 1ull << 30);

	/* defaults, then the size hook */
	vb_run_cfg_init(&cfg);
	ck_assert_int_eq(vb_sizing_params(&fake, &sz, &cfg, &p, &fixed, &err), 0);
	ck_assert_int_eq(fixed, 0);
	ck_assert_uint_eq(vb_param_u64(&p, "size"), 256ull << 20);
	ck_assert_str_eq(vb_param_str(&p, "iters"), "7");
	ck_assert_str_eq(vb_param_str(&p, "mode"), "plain");

	/* the user's values win over the hook; other workloads' are ignored */
	add_user_param(&cfg, &fake, "size", "2M");
	add_user_param(&cfg, &fake, "mode", "fancy");
	add_user_param(&cfg, &small, "iters", "3");
	ck_assert_int_eq(vb_sizing_params(&fake, &sz, &cfg, &p, &fixed, &err), 0);
	ck_assert_int_eq(fixed, 0);
	ck_assert_str_eq(vb_param_str(&p, "size"), "2M");
	ck_assert_str_eq(vb_param_str(&p, "mode"), "fancy");
	ck_assert_str_eq(vb_param_str(&p, "iters"), "7");

	/* overriding the scale parameter fixes it */
	add_user_param(&cfg, &fake, "iters", "99");
	ck_assert_int_eq(vb_sizing_params(&fake, &sz, &cfg, &p, &fixed, &err), 0);
	ck_assert_int_eq(fixed, 1);
	ck_assert_str_eq(vb_param_str(&p, "iters"), "99");
	ck_assert_uint_eq(p.n, fake.nparams);

	/* the other workload sees only its own override */
	ck_assert_int_eq(vb_sizing_params(&small, &sz, &cfg, &p, &fixed, &err), 0);
	ck_assert_int_eq(fixed, 1);
	ck_assert_str_eq(vb_param_str(&p, "iters"), "3");

	/* a bad override is a usage error naming it */
	vb_run_cfg_init(&cfg);
	add_user_param(&cfg, &fake, "size", "1K");
	ck_assert_int_eq(vb_sizing_params(&fake, &sz, &cfg, &p, &fixed, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fakecal.size"));

	/* a failing size hook is reported with context */
	vb_run_cfg_init(&cfg);
	vb_sizing_init(&sz, &caches, 0, 1, 0);
	ck_assert_int_eq(vb_sizing_params(&fake, &sz, &cfg, &p, &fixed, &err), -1);
	ck_assert_int_eq(err.code, VB_ERESOURCE);
	ck_assert_ptr_nonnull(strstr(err.msg, "sizing cpu.fakecal"));
	ck_assert_ptr_nonnull(strstr(err.msg, "no memory"));
}
END_TEST

START_TEST(test_sizing_real_workloads)
{
	static const vb_caches_t none;
	vb_sizing_t sz;
	vb_run_cfg_t cfg;
	vb_params_t p;
	vb_error_t err;
	size_t i;
	int fixed;

	/* every registered size hook yields valid parameters, tiny or not */
	vb_run_cfg_init(&cfg);
	for (i = 0; i < vb_workload_count(); i++) {
		const vb_workload_t *w = vb_workload_at(i);

		vb_sizing_init(&sz, &none, 1ull << 30, 1, 0);
		ck_assert_msg(vb_sizing_params(w, &sz, &cfg, &p, &fixed, &err) == 0, "%s: %s",
			      w->name, err.msg);
		ck_assert_int_eq(fixed, 0);
		vb_sizing_init(&sz, &none, 256ull << 20, 1, 1);
		ck_assert_msg(vb_sizing_params(w, &sz, &cfg, &p, &fixed, &err) == 0,
			      "%s (tiny): %s", w->name, err.msg);
	}
}
END_TEST

Suite *vb_suite_sizing(void)
{
	Suite *s = suite_create("sizing");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_calibrate_scale);
	tcase_add_test(tc, test_calibrate_converges);
	tcase_add_test(tc, test_calibrate_long_first_probe);
	tcase_add_test(tc, test_calibrate_stops_at_max);
	tcase_add_test(tc, test_calibrate_probe_fails);
	tcase_add_test(tc, test_calibrate_unscaled);
	tcase_add_test(tc, test_sizing_params);
	tcase_add_test(tc, test_sizing_real_workloads);
	suite_add_tcase(s, tc);
	return s;
}
