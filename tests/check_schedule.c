/*
 * check_schedule.c - the interleaved, randomised order of repetitions.
 *
 * The schedule must contain every (repetition, workload, environment)
 * exactly once, grouped in blocks of one repetition of one workload in which
 * every environment runs once; the order inside a block must really vary
 * (every environment goes first sometimes, every permutation occurs) and be
 * reproducible from the recorded seed.
 */
#include <stdlib.h>
#include <string.h>

#include "harness/run/schedule.h"
#include "lib/util.h"
#include "tests/tests.h"

/* Build a schedule into a malloc'ed array; *n receives the count. */
static vb_slot_t *build(uint32_t reps, uint32_t nwl, uint32_t nenv, uint64_t seed, size_t *n)
{
	vb_slot_t *s = calloc((size_t)reps * nwl * nenv + 1, sizeof(*s));

	ck_assert_ptr_nonnull(s);
	*n = vb_schedule_build(reps, nwl, nenv, seed, s);
	return s;
}

START_TEST(test_count_and_coverage)
{
	const uint32_t reps = 5, nwl = 3, nenv = 4;
	unsigned char seen[5][3][4];
	vb_slot_t *s;
	size_t n, i;
	uint32_t r, w, e;

	s = build(reps, nwl, nenv, 12345, &n);
	ck_assert_uint_eq(n, reps * nwl * nenv);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		ck_assert(s[i].rep >= 1 && s[i].rep <= reps);
		ck_assert_uint_lt(s[i].wl, nwl);
		ck_assert_uint_lt(s[i].env, nenv);
		seen[s[i].rep - 1][s[i].wl][s[i].env]++;
	}
	for (r = 0; r < reps; r++)
		for (w = 0; w < nwl; w++)
			for (e = 0; e < nenv; e++)
				ck_assert_msg(seen[r][w][e] == 1, "(%u,%u,%u) appears %u times",
					      r + 1, w, e, seen[r][w][e]);
	free(s);

	/* degenerate sizes */
	s = build(0, 3, 4, 1, &n);
	ck_assert_uint_eq(n, 0);
	free(s);
	s = build(3, 0, 4, 1, &n);
	ck_assert_uint_eq(n, 0);
	free(s);
	s = build(4, 2, 1, 1, &n);
	ck_assert_uint_eq(n, 8);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(s[i].env, 0);
	free(s);
}
END_TEST

START_TEST(test_blocks)
{
	const uint32_t reps = 6, nwl = 4, nenv = 3;
	vb_slot_t *s;
	size_t n, b, k;
	unsigned mask;

	s = build(reps, nwl, nenv, 99, &n);
	ck_assert_uint_eq(n, reps * nwl * nenv);
	/* repetitions in order, workloads in order inside a repetition, and
	 * every environment once in each (rep, wl) block */
	for (b = 0; b < n / nenv; b++) {
		mask = 0;
		for (k = 0; k < nenv; k++) {
			const vb_slot_t *x = &s[b * nenv + k];

			ck_assert_uint_eq(x->rep, b / nwl + 1);
			ck_assert_uint_eq(x->wl, b % nwl);
			mask |= 1u << x->env;
		}
		ck_assert_uint_eq(mask, (1u << nenv) - 1);
	}
	free(s);
}
END_TEST

START_TEST(test_seed)
{
	vb_slot_t *a, *b, *c, *z1, *z2;
	size_t na, nb, nc, n1, n2;

	a = build(20, 3, 4, 7, &na);
	b = build(20, 3, 4, 7, &nb);
	c = build(20, 3, 4, 8, &nc);
	ck_assert_uint_eq(na, nb);
	ck_assert_uint_eq(na, nc);
	ck_assert_int_eq(memcmp(a, b, na * sizeof(*a)), 0);
	/* 60 blocks of 4! orders: equal only by a bug */
	ck_assert_int_ne(memcmp(a, c, na * sizeof(*a)), 0);

	/* seed 0 is usable and reproducible too */
	z1 = build(20, 3, 4, 0, &n1);
	z2 = build(20, 3, 4, 0, &n2);
	ck_assert_uint_eq(n1, na);
	ck_assert_int_eq(memcmp(z1, z2, n1 * sizeof(*z1)), 0);
	ck_assert_int_ne(memcmp(z1, a, n1 * sizeof(*z1)), 0);
	free(a);
	free(b);
	free(c);
	free(z1);
	free(z2);
}
END_TEST

START_TEST(test_order_varies)
{
	static const uint64_t seeds[] = { 1, 2, 3, 42, 12345, 0xdeadbeef, 0 };
	unsigned first[3], perm[27];
	vb_slot_t *s;
	size_t n, b, i, distinct;

	/* with 3 environments over 30 repetitions each one goes first */
	for (i = 0; i < VB_ARRAY_SIZE(seeds); i++) {
		s = build(30, 1, 3, seeds[i], &n);
		memset(first, 0, sizeof(first));
		for (b = 0; b < 30; b++)
			first[s[b * 3].env]++;
		ck_assert_msg(first[0] && first[1] && first[2],
			      "seed %llu: first counts %u %u %u", (unsigned long long)seeds[i],
			      first[0], first[1], first[2]);
		free(s);
	}

	/* over many blocks every permutation occurs, each position about evenly
	 * (a biased shuffle such as Sattolo's would miss half of them) */
	s = build(600, 1, 3, 2024, &n);
	memset(perm, 0, sizeof(perm));
	memset(first, 0, sizeof(first));
	for (b = 0; b < 600; b++) {
		perm[s[b * 3].env * 9 + s[b * 3 + 1].env * 3 + s[b * 3 + 2].env]++;
		first[s[b * 3].env]++;
	}
	for (i = 0, distinct = 0; i < 27; i++)
		distinct += perm[i] > 0;
	ck_assert_uint_eq(distinct, 6);
	for (i = 0; i < 3; i++)
		ck_assert_msg(first[i] > 140 && first[i] < 260, "env %zu first %u times of 600", i,
			      first[i]);
	free(s);
}
END_TEST

START_TEST(test_json)
{
	vb_slot_t *s;
	json_t *a, *e;
	size_t n, i;

	s = build(2, 2, 3, 5, &n);
	a = vb_schedule_to_json(s, n);
	ck_assert_ptr_nonnull(a);
	ck_assert(json_is_array(a));
	ck_assert_uint_eq(json_array_size(a), n);
	json_array_foreach(a, i, e) {
		ck_assert(json_is_array(e));
		ck_assert_uint_eq(json_array_size(e), 3);
		ck_assert(json_is_integer(json_array_get(e, 0)));
		ck_assert_int_eq(json_integer_value(json_array_get(e, 0)), s[i].rep);
		ck_assert_int_eq(json_integer_value(json_array_get(e, 1)), s[i].wl);
		ck_assert_int_eq(json_integer_value(json_array_get(e, 2)), s[i].env);
	}
	json_decref(a);
	a = vb_schedule_to_json(s, 0);
	ck_assert(json_is_array(a));
	ck_assert_uint_eq(json_array_size(a), 0);
	json_decref(a);
	free(s);
}
END_TEST

Suite *vb_suite_schedule(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_count_and_coverage);
	tcase_add_test(tc, test_blocks);
	tcase_add_test(tc, test_seed);
	tcase_add_test(tc, test_order_varies);
	tcase_add_test(tc, test_json);
	suite_add_tcase(s, tc);
	return s;
}
