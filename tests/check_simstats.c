/*
 * check_simstats.c - the verdicts validated, not assumed (issue #13): the
 * error rates of vbench compare and of a summary's verdicts simulated on
 * synthetic data with fixed seeds (simstats.h), each against its nominal
 * level: A/A comparisons call at most 1% slower or faster over 1,000
 * trials, a true 10% shift with 10 repetitions a side and CV 3% is found in
 * at least 80% of trials, and equivalence at the margin is called in at
 * most 5%.  The seeds are fixed, so the counts are the same on every host;
 * the whole table takes a few seconds (scripts/sim-stats prints it).
 */
#include <math.h>

#include "tests/simstats.h"
#include "tests/tests.h"

START_TEST(test_sim_case)
{
	const vb_sim_case_t *c;
	vb_sim_result_t r;
	size_t n;
	double rate;

	c = vb_sim_cases(&n) + _i;
	ck_assert_int_eq(vb_sim_run(&c->sim, &r), 0);
	ck_assert_uint_eq(r.trials, c->sim.trials);
	ck_assert_uint_eq(r.slower + r.faster + r.equivalent + r.undecided, r.trials);
	rate = vb_sim_rate(c, &r);
	if (isnan(c->nominal))
		return;
	if (c->at_most)
		ck_assert_msg(rate <= c->nominal, "%s: %s in %.1f%% of %zu trials, above %.1f%%",
			      c->name, c->rate, rate * 100, r.trials, c->nominal * 100);
	else
		ck_assert_msg(rate >= c->nominal, "%s: %s in %.1f%% of %zu trials, below %.1f%%",
			      c->name, c->rate, rate * 100, r.trials, c->nominal * 100);
}
END_TEST

/* The simulation is deterministic: the same scenario twice gives the same counts. */
START_TEST(test_sim_deterministic)
{
	vb_sim_result_t a, b;
	vb_sim_t s;

	vb_sim_init(&s, VB_SIM_COMPARE_METRIC);
	s.trials = 50;
	s.shift = 1.05;
	ck_assert_int_eq(vb_sim_run(&s, &a), 0);
	ck_assert_int_eq(vb_sim_run(&s, &b), 0);
	ck_assert_uint_eq(a.slower, b.slower);
	ck_assert_uint_eq(a.equivalent, b.equivalent);
	ck_assert_uint_eq(a.undecided, b.undecided);
}
END_TEST

Suite *vb_suite_simstats(void)
{
	Suite *s = suite_create("simstats");
	TCase *tc = tcase_create("core");
	size_t n;

	vb_sim_cases(&n);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_sim_case, 0, (int)n);
	tcase_add_test(tc, test_sim_deterministic);
	suite_add_tcase(s, tc);
	return s;
}
