/*
 * check_samples.c - harness/analysis/samples.c: a run flattened into one
 * sample per metric of every repetition (samples.jsonl), where and when it
 * was measured (the charts' titles), and the repetitions the charts draw.
 * That `vbench report` writes samples.jsonl, and Python loads it, is
 * check_cmd_report.c's test.
 */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "harness/analysis/samples.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE "tests/fixtures/run-bare-container.json"

START_TEST(test_samples_build)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *all, *r, *s, *m;
	size_t i, n = 0;

	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		n += json_object_size(json_object_get(json_object_get(r, "result"), "metrics"));
	/* a metric that is no number: a sample with a null value, never dropped */
	r = json_array_get(json_object_get(run, "repetitions"), 1);
	m = json_object_get(json_object_get(r, "result"), "metrics");
	json_object_set_new(m, json_object_iter_key(json_object_iter(m)), json_string("n/a"));
	all = vb_samples_build(run);
	ck_assert_ptr_nonnull(all);
	ck_assert_uint_eq(json_array_size(all), n);
	s = json_array_get(all, 0);
	ck_assert_str_eq(json_string_value(json_object_get(s, "environment")), "bare");
	ck_assert_str_eq(json_string_value(json_object_get(s, "type")), "bare metal");
	ck_assert_str_eq(json_string_value(json_object_get(s, "unit")), "ns");
	ck_assert_str_eq(json_string_value(json_object_get(s, "direction")), "lower");
	ck_assert_str_eq(json_string_value(json_object_get(s, "kind")), "cpu");
	ck_assert_str_eq(json_string_value(json_object_get(s, "host")),
			 "AMD EPYC, Linux 6.18.44-fc-v657, a KVMKVMKVM guest");
	/* 2026-11-22T01:14:59.343Z */
	ck_assert(fabs(json_real_value(json_object_get(s, "timestamp")) - 1795310099.343) < 1e-3);
	ck_assert(json_is_false(json_object_get(s, "steal")));
	ck_assert_ptr_null(json_object_get(s, "contention")); /* only when run.json has one */
	json_array_foreach(all, i, s)
		if (json_integer_value(json_object_get(s, "seq")) == 2 && json_is_null(json_object_get(s, "value")))
			break;
	ck_assert_uint_lt(i, json_array_size(all));
	json_decref(all);
	json_decref(run);
}
END_TEST

/* Merged runs: each repetition's run id is the latest run created before it started. */
START_TEST(test_samples_merged_run_id)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *doc, *all, *s, *where;
	const char *first;
	size_t i;

	doc = json_deep_copy(run);
	json_object_set_new(doc, "runs",
			    json_pack("[{s:s,s:s,s:i},{s:s,s:s,s:i}]", "created",
				      "2026-11-22T01:14:58.763Z", "profile", "test", "reps", 5,
				      "created", "2026-11-22T01:15:00.000Z", "profile", "test",
				      "reps", 5));
	all = vb_samples_build(doc);
	ck_assert_ptr_nonnull(all);
	json_array_foreach(all, i, s) {
		first = strcmp(json_string_value(json_object_get(s, "time")),
			       "2026-11-22T01:15:00.000Z") < 0
			    ? "2026-11-22T01:14:58.763Z"
			    : "2026-11-22T01:15:00.000Z";
		ck_assert_str_eq(json_string_value(json_object_get(s, "run_id")), first);
	}
	where = vb_samples_where(doc);
	ck_assert_str_eq(json_string_value(json_object_get(where, "label")),
			 "AMD EPYC, Linux 6.18.44-fc-v657, a KVMKVMKVM guest; run 2026-11-22 01:14 "
			 "UTC and later (merged), profile test, 5 repetitions");
	json_decref(where);
	where = vb_samples_where(run);
	ck_assert_str_eq(json_string_value(json_object_get(where, "run_id")),
			 "2026-11-22T01:14:58.763Z");
	json_decref(where);
	json_decref(all);
	json_decref(doc);
	json_decref(run);
}
END_TEST

/* The charts' points: every repetition's primary metric and its ratio to the
 * baseline's median (x1 at the median itself). */
START_TEST(test_samples_points)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum = vb_test_summarize(run), *pts, *w;
	const json_t *r;
	double med, v;
	size_t i;

	pts = vb_samples_points(run, sum);
	ck_assert_ptr_nonnull(pts);
	w = json_object_get(json_object_get(pts, "container"), "mem.stream");
	ck_assert_uint_eq(json_array_size(json_object_get(w, "values")), 5);
	ck_assert_uint_eq(json_array_size(json_object_get(w, "ratios")), 5);
	r = vb_summary_result(sum, "bare", "mem.stream");
	med = json_number_value(json_object_get(json_object_get(json_object_get(r, "metrics"), "triad"), "median"));
	json_array_foreach(json_object_get(w, "values"), i, r) {
		v = json_number_value(json_array_get(json_object_get(w, "ratios"), i));
		ck_assert(fabs(v - vb_overhead_ratio(med, json_number_value(r), 1)) < 1e-12);
	}
	json_decref(pts);
	json_decref(sum);
	json_decref(run);
}
END_TEST

Suite *vb_suite_samples(void)
{
	Suite *s = suite_create("samples");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_samples_build);
	tcase_add_test(tc, test_samples_merged_run_id);
	tcase_add_test(tc, test_samples_points);
	suite_add_tcase(s, tc);
	return s;
}
