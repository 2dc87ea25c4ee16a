/*
 * check_mem.c - tests of the memory workloads (mem.stream, mem.latency,
 * mem.random, mem.pagefault).
 *
 * For each workload: the descriptor passes vb_workload_check; its sizing
 * hook, fed a realistic host (48K L1d, 1M L2, 32M L3, 1 GiB), sets values
 * that validate and obey the workload's sizing rules; a tiny-profile run
 * succeeds with finite positive metrics and a detail naming the THP policy;
 * corrupt=1 is caught (VB_ECHECK); a bad thp value is a usage error.  Runs
 * use the tiny profile so each test takes well under a second.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "workloads/workload.h"
#include "tests/tests.h"

extern const vb_workload_t vb_w_mem_stream;
extern const vb_workload_t vb_w_mem_latency;
extern const vb_workload_t vb_w_mem_random;
extern const vb_workload_t vb_w_mem_pagefault;

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

static const vb_workload_t *const mem_w[] = {
	&vb_w_mem_stream,
	&vb_w_mem_latency,
	&vb_w_mem_random,
	&vb_w_mem_pagefault,
};
#define NW ((int)(sizeof(mem_w) / sizeof(mem_w[0])))

/* A realistic host: 48K L1d, 1M L2, 32M L3, 1 GiB per environment. */
static const vb_sizing_t real = {
	.l1d = 48 * KIB, .l2 = MIB, .l3 = 32 * MIB, .line = 64, .mem = GIB, .cpus = 2, .tiny = 0,
};

/* Defaults, then @w's sizing hook for @s; both must succeed and validate. */
static void sized(const vb_workload_t *w, const vb_sizing_t *s, vb_params_t *p)
{
	vb_error_t err;

	vb_error_clear(&err);
	vb_params_defaults(w, p);
	ck_assert_ptr_nonnull(w->size);
	ck_assert_msg(w->size(s, p, &err) == 0, "%s size: %s", w->name, err.msg);
	ck_assert_msg(vb_params_validate(w, p, &err) == 0, "%s validate: %s", w->name, err.msg);
}

/* Parameters of @w sized for the test profile on the realistic host. */
static void tiny_params(const vb_workload_t *w, vb_params_t *p)
{
	vb_sizing_t s = real;

	s.tiny = 1;
	sized(w, &s, p);
}

/* Run @w with @p; must succeed with finite positive metrics.  Caller frees detail. */
static void run_ok(const vb_workload_t *w, const vb_params_t *p, vb_wresult_t *res)
{
	vb_error_t err;
	size_t i;

	vb_error_clear(&err);
	ck_assert_msg(vb_workload_run(w, p, NULL, NULL, 0, res, &err) == 0, "%s: %s", w->name,
		      err.msg);
	for (i = 0; i < w->nmetrics; i++)
		ck_assert_msg(isfinite(res->metric[i]) && res->metric[i] > 0, "%s metric %s = %g",
			      w->name, w->metrics[i].name, res->metric[i]);
	ck_assert_msg(res->ops > 0, "%s: no ops", w->name);
	ck_assert_msg(res->elapsed_ns > 0, "%s: no elapsed time", w->name);
	ck_assert_msg(json_is_object(res->detail), "%s: no detail", w->name);
}

static uint64_t u64(const vb_params_t *p, const char *key)
{
	return vb_param_u64(p, key);
}

/* ---- every workload ---- */

START_TEST(test_descriptor)
{
	const vb_workload_t *w = mem_w[_i];
	vb_params_t p;
	vb_error_t err;

	vb_error_clear(&err);
	ck_assert_msg(vb_workload_check(w, &err) == 0, "%s: %s", w->name, err.msg);
	ck_assert_int_eq(w->kind, VB_KIND_MEM);
	ck_assert_ptr_eq(vb_workload_find(w->name), w);
	ck_assert_ptr_nonnull(w->size);
	ck_assert_ptr_nonnull(w->scale_param);
	vb_params_defaults(w, &p);
	ck_assert_str_eq(vb_param_str(&p, "thp"), "never");
}
END_TEST

START_TEST(test_real_sizing_validates)
{
	vb_params_t p;

	sized(mem_w[_i], &real, &p);
	ck_assert_str_eq(vb_param_str(&p, "thp"), "never");
}
END_TEST

START_TEST(test_tiny_run)
{
	const vb_workload_t *w = mem_w[_i];
	vb_wresult_t res;
	vb_params_t p;

	tiny_params(w, &p);
	run_ok(w, &p, &res);
	ck_assert_str_eq(json_string_value(json_object_get(res.detail, "thp")), "never");
	json_decref(res.detail);
}
END_TEST

START_TEST(test_tiny_run_thp_always)
{
	const vb_workload_t *w = mem_w[_i];
	vb_wresult_t res;
	vb_params_t p;
	vb_error_t err;

	tiny_params(w, &p);
	ck_assert_msg(vb_params_set(w, &p, "thp", "always", &err) == 0, "%s", err.msg);
	run_ok(w, &p, &res);
	ck_assert_str_eq(json_string_value(json_object_get(res.detail, "thp")), "always");
	json_decref(res.detail);
}
END_TEST

START_TEST(test_corrupt_caught)
{
	const vb_workload_t *w = mem_w[_i];
	vb_wresult_t res;
	vb_params_t p;
	vb_error_t err;

	tiny_params(w, &p);
	vb_error_clear(&err);
	ck_assert_int_eq(vb_workload_run(w, &p, NULL, NULL, 1, &res, &err), -1);
	ck_assert_msg(err.code == VB_ECHECK, "%s: code %d: %s", w->name, err.code, err.msg);
	ck_assert_ptr_null(res.detail);
}
END_TEST

START_TEST(test_bad_thp)
{
	const vb_workload_t *w = mem_w[_i];
	vb_wresult_t res;
	vb_params_t p;
	vb_error_t err;

	tiny_params(w, &p);
	ck_assert_int_eq(vb_params_set(w, &p, "thp", "sometimes", &err), 0);
	vb_error_clear(&err);
	ck_assert_int_eq(vb_workload_run(w, &p, NULL, NULL, 0, &res, &err), -1);
	ck_assert_msg(err.code == VB_EUSAGE, "%s: code %d: %s", w->name, err.code, err.msg);
	ck_assert_msg(strstr(err.msg, "thp") != NULL, "%s", err.msg);
}
END_TEST

/* ---- mem.stream ---- */

START_TEST(test_stream_sizing)
{
	const vb_workload_t *w = &vb_w_mem_stream;
	vb_sizing_t s = real;
	vb_params_t p;
	uint64_t a;

	sized(w, &s, &p);
	a = u64(&p, "array_bytes");
	ck_assert_uint_ge(a, 4 * s.l3);
	ck_assert_uint_ge(a, 16 * MIB);
	ck_assert_uint_le(3 * a, s.mem * 6 / 10);
	ck_assert_uint_eq(u64(&p, "llc_bytes"), s.l3);
	ck_assert_uint_ge(u64(&p, "passes"), 2);

	s.l3 = 0; /* no L3: judged against L2, 16 MiB floor */
	sized(w, &s, &p);
	ck_assert_uint_eq(u64(&p, "array_bytes"), 16 * MIB);

	s = real;
	s.mem = 64 * MIB; /* small allocation: the 60% cap wins */
	sized(w, &s, &p);
	a = u64(&p, "array_bytes");
	ck_assert_uint_le(3 * a, s.mem * 6 / 10);
	ck_assert_uint_gt(a, 0);
}
END_TEST

START_TEST(test_stream_detail)
{
	const vb_workload_t *w = &vb_w_mem_stream;
	vb_wresult_t res;
	vb_params_t p;
	json_t *copy;
	uint64_t n, passes;

	ck_assert_str_eq(w->metrics[0].name, "triad");
	tiny_params(w, &p);
	run_ok(w, &p, &res);
	n = u64(&p, "array_bytes") / 8;
	passes = u64(&p, "passes");
	ck_assert_uint_eq(res.ops, n * passes * 4);
	ck_assert_uint_eq(res.bytes, n * passes * 8 * (2 + 2 + 3 + 3));
	copy = json_object_get(json_object_get(res.detail, "kernels"), "copy");
	ck_assert_uint_eq(json_array_size(json_object_get(copy, "times_ns")), passes);
	ck_assert_uint_eq(json_array_size(json_object_get(copy, "mb_s")), passes);
	/* tiny arrays are far below 4x a 32 MiB L3: not STREAM-compliant */
	ck_assert(json_is_false(json_object_get(res.detail, "stream_compliant")));
	json_decref(res.detail);
}
END_TEST

/* ---- mem.latency ---- */

START_TEST(test_latency_sizing)
{
	const vb_workload_t *w = &vb_w_mem_latency;
	uint64_t v[VB_MAX_LIST], sum = 0, above = 0;
	vb_sizing_t s = real;
	vb_params_t p;
	size_t n, i;

	sized(w, &s, &p);
	n = vb_param_list(&p, "sizes", v, VB_MAX_LIST);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(v[0], s.l1d / 2);
	for (i = 0; i < n; i++) {
		sum += v[i];
		if (v[i] > s.l3)
			above++;
		if (i)
			ck_assert_uint_gt(v[i], v[i - 1]);
	}
	ck_assert_uint_ge(above, 1);
	ck_assert_uint_le(sum, s.mem * 6 / 10);

	s.l3 = 0; /* no L3: l1d/2, l2/2 and 8x L2 */
	sized(w, &s, &p);
	n = vb_param_list(&p, "sizes", v, VB_MAX_LIST);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(v[2], 8 * s.l2);
}
END_TEST

START_TEST(test_latency_user_sizes)
{
	const vb_workload_t *w = &vb_w_mem_latency;
	vb_wresult_t res;
	vb_params_t p;
	vb_error_t err;
	json_t *sizes;

	tiny_params(w, &p);
	ck_assert_int_eq(vb_params_set(w, &p, "sizes", "64K,4K,1K", &err), 0);
	run_ok(w, &p, &res);
	sizes = json_object_get(res.detail, "sizes");
	ck_assert_uint_eq(json_array_size(sizes), 3);
	/* sorted ascending: the smallest first */
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(sizes, 0),
							    "size_bytes")),
			 1024);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(sizes, 2),
							    "size_bytes")),
			 64 * 1024);
	json_decref(res.detail);
}
END_TEST

/* ---- mem.random ---- */

START_TEST(test_random_sizing)
{
	const vb_workload_t *w = &vb_w_mem_random;
	vb_sizing_t s = real;
	vb_params_t p;
	uint64_t t;

	sized(w, &s, &p);
	t = u64(&p, "table_bytes");
	ck_assert_uint_eq(t & (t - 1), 0);
	ck_assert_uint_ge(t, 4 * s.l3);
	ck_assert_uint_le(t, s.mem / 4);
	ck_assert_uint_eq(u64(&p, "updates"), 4 * (t / 8));

	s.mem = 256 * MIB; /* the 25% cap wins and stays a power of two */
	sized(w, &s, &p);
	t = u64(&p, "table_bytes");
	ck_assert_uint_eq(t, 64 * MIB);

	s.mem = 300 * MIB;
	sized(w, &s, &p);
	t = u64(&p, "table_bytes");
	ck_assert_uint_eq(t & (t - 1), 0);
	ck_assert_uint_le(t, s.mem / 4);
}
END_TEST

START_TEST(test_random_not_pow2)
{
	const vb_workload_t *w = &vb_w_mem_random;
	vb_wresult_t res;
	vb_params_t p;
	vb_error_t err;

	tiny_params(w, &p);
	ck_assert_int_eq(vb_params_set(w, &p, "table_bytes", "3M", &err), 0);
	vb_error_clear(&err);
	ck_assert_int_eq(vb_workload_run(w, &p, NULL, NULL, 0, &res, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
}
END_TEST

/* ---- mem.pagefault ---- */

START_TEST(test_pagefault_sizing)
{
	const vb_workload_t *w = &vb_w_mem_pagefault;
	vb_sizing_t s = real;
	vb_params_t p;

	sized(w, &s, &p);
	ck_assert_uint_eq(u64(&p, "region_bytes"), 64 * MIB);
	s.mem = 100 * MIB;
	sized(w, &s, &p);
	ck_assert_uint_le(u64(&p, "region_bytes"), s.mem / 4);
	ck_assert_uint_eq(u64(&p, "region_bytes") % 4096, 0);
}
END_TEST

START_TEST(test_pagefault_counts)
{
	const vb_workload_t *w = &vb_w_mem_pagefault;
	vb_wresult_t res;
	vb_params_t p;
	json_int_t touched, minflt;

	tiny_params(w, &p);
	run_ok(w, &p, &res);
	touched = json_integer_value(json_object_get(res.detail, "pages_touched"));
	minflt = json_integer_value(json_object_get(res.detail, "minflt"));
	ck_assert_uint_eq((uint64_t)touched, u64(&p, "region_bytes") / 4096 * u64(&p, "rounds"));
	ck_assert_uint_eq(res.ops, (uint64_t)touched);
	/* thp=never: every touched page is its own minor fault */
	ck_assert_msg(minflt >= touched, "minflt %lld < pages %lld", (long long)minflt,
		      (long long)touched);
	json_decref(res.detail);
}
END_TEST

Suite *vb_suite_mem(void)
{
	Suite *s = suite_create("mem");
	TCase *all = tcase_create("all");
	TCase *one = tcase_create("each");

	tcase_set_timeout(all, 60);
	tcase_add_loop_test(all, test_descriptor, 0, NW);
	tcase_add_loop_test(all, test_real_sizing_validates, 0, NW);
	tcase_add_loop_test(all, test_tiny_run, 0, NW);
	tcase_add_loop_test(all, test_tiny_run_thp_always, 0, NW);
	tcase_add_loop_test(all, test_corrupt_caught, 0, NW);
	tcase_add_loop_test(all, test_bad_thp, 0, NW);
	suite_add_tcase(s, all);

	tcase_set_timeout(one, 60);
	tcase_add_test(one, test_stream_sizing);
	tcase_add_test(one, test_stream_detail);
	tcase_add_test(one, test_latency_sizing);
	tcase_add_test(one, test_latency_user_sizes);
	tcase_add_test(one, test_random_sizing);
	tcase_add_test(one, test_random_not_pow2);
	tcase_add_test(one, test_pagefault_sizing);
	tcase_add_test(one, test_pagefault_counts);
	suite_add_tcase(s, one);
	return s;
}
