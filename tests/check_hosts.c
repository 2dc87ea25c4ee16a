/*
 * check_hosts.c - the fleet report across hosts: the tests of
 * harness/analysis/hosts_stat.c (Cochran's Q, its chi-squared p, the
 * leave-one-out z, the between-groups test) on synthetic fleets where the
 * hosts do and do not differ, with their error rates; hosts.c's summary of
 * the committed fixtures (tests/fixtures/fleet: three hosts of two classes,
 * cat-0 25% slower in containers) and output/hosts_print.c's Markdown and
 * CSV against golden files; `vbench report --fleet` and `vbench report
 * FLEETDIR` end to end, with their refusals.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/analysis/hosts.h"
#include "harness/analysis/stats.h"
#include "harness/fleet/fleet.h"
#include "harness/output/hosts_print.h"
#include "lib/json.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "hosttest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

START_TEST(test_distributions)
{
	ck_assert_double_eq_tol(vb_chi2_sf(3.841459, 1), 0.05, 1e-6);
	ck_assert_double_eq_tol(vb_chi2_sf(5.991465, 2), 0.05, 1e-6);
	ck_assert_double_eq_tol(vb_chi2_sf(18.307038, 10), 0.05, 1e-6);
	ck_assert_double_eq_tol(vb_chi2_sf(0.5, 3), 0.918891, 1e-6);
	ck_assert_double_eq_tol(vb_chi2_sf(100, 4), 1.0e-20, 1e-20);
	ck_assert_double_eq(vb_chi2_sf(0, 3), 1);
	ck_assert(isnan(vb_chi2_sf(1, 0)));
	ck_assert(isnan(vb_chi2_sf(NAN, 2)));
	ck_assert_double_eq_tol(vb_normal_quantile(0.975), 1.959964, 1e-6);
	ck_assert_double_eq_tol(vb_normal_quantile(0.05), -1.644854, 1e-6);
	ck_assert(isnan(vb_normal_quantile(1)));
	ck_assert_double_eq_tol(vb_hosts_se(exp(-0.0392), exp(0.0392), 0.95), 0.02, 1e-4);
	ck_assert(isnan(vb_hosts_se(0, 1.1, 0.95)));
}
END_TEST

/* A standard normal draw (Box-Muller) from @st. */
static double normal(uint64_t *st)
{
	double u1 = ((double)(vb_rand64(st) >> 11) + 0.5) / 9007199254740992.0;
	double u2 = ((double)(vb_rand64(st) >> 11) + 0.5) / 9007199254740992.0;

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/*
 * Synthetic fleets of 6 hosts, each host's log ratio drawn around the
 * truth with its own standard error (1% to 3%): with no true difference
 * the test says "differ" about 5% of the time; with one host 12% slower
 * (4 to 12 standard errors) it says so nearly always and names that host
 * as the outlier.
 */
START_TEST(test_synthetic_fleets)
{
	enum { FLEETS = 2000, K = 6 };
	uint64_t st = 0x9e3779b97f4a7c15ull;
	unsigned false_pos = 0, found = 0, named = 0, wrong = 0;
	double y[K], se[K];
	vb_hosts_het_t h;

	for (int f = 0; f < FLEETS; f++) {
		for (int i = 0; i < K; i++) {
			se[i] = 0.01 + 0.004 * i;
			y[i] = log(1.05) + se[i] * normal(&st);
		}
		ck_assert_uint_eq(vb_hosts_heterogeneity(y, se, K, &h), K);
		false_pos += h.p < VB_HOSTS_ALPHA;
		/* the same fleet with host 2 12% slower */
		y[2] += log(1.12);
		vb_hosts_heterogeneity(y, se, K, &h);
		found += h.p < VB_HOSTS_ALPHA;
		named += fabs(vb_hosts_loo_z(y, se, K, 2)) > VB_HOSTS_OUTLIER_Z;
		for (int i = 0; i < K; i++)
			wrong += i != 2 && fabs(vb_hosts_loo_z(y, se, K, (size_t)i)) > VB_HOSTS_OUTLIER_Z;
	}
	ck_assert_msg(false_pos > FLEETS * 0.03 && false_pos < FLEETS * 0.07,
		      "hosts said to differ in %u of %d fleets where they do not", false_pos, FLEETS);
	ck_assert_msg(found > FLEETS * 0.99, "a 12%% slower host found in %u of %d", found, FLEETS);
	ck_assert_msg(named > FLEETS * 0.90, "the slower host named an outlier in %u of %d", named,
		      FLEETS);
	ck_assert_msg(wrong < FLEETS * 0.02, "another host named an outlier %u times", wrong);
}
END_TEST

START_TEST(test_edge_cases)
{
	double y[4] = { 0.1, 0.1, 0.1, NAN }, se[4] = { 0.02, 0.03, 0.01, 0.02 };
	size_t g2[4] = { 0, 0, 1, 1 }, g1[4] = { 0, 0, 0, 0 };
	vb_hosts_het_t h;

	ck_assert_uint_eq(vb_hosts_heterogeneity(y, se, 4, &h), 3);
	ck_assert_double_eq_tol(h.q, 0, 1e-12);
	ck_assert_double_eq_tol(h.p, 1, 1e-12);
	ck_assert_double_eq(h.i2, 0);
	ck_assert_double_eq_tol(h.pooled, 0.1, 1e-12);
	ck_assert_uint_eq(vb_hosts_heterogeneity(y, se, 1, &h), 1);
	ck_assert(isnan(h.p));
	ck_assert(isnan(vb_hosts_loo_z(y, se, 2, 0)));
	ck_assert_double_eq_tol(vb_hosts_between_p(y, se, g2, 4, 2), 1, 1e-9);
	ck_assert(isnan(vb_hosts_between_p(y, se, g1, 4, 2))); /* one group */
	y[2] = 0.3;
	ck_assert(vb_hosts_between_p(y, se, g2, 4, 2) < 1e-6);
}
END_TEST

static json_t *fixtures(size_t n)
{
	static const char *const names[] = { "ant-0", "bee-0", "cat-0" };
	json_t *runs[3];
	char paths[3][PATH_MAX];
	const char *pv[3];
	vb_summary_cfg_t cfg;
	vb_error_t err;
	json_t *doc;

	vb_summary_cfg_init(&cfg);
	cfg.margin = NAN;
	for (size_t i = 0; i < n; i++) {
		snprintf(paths[i], sizeof(paths[i]), "tests/fixtures/fleet/%s/run.json", names[i]);
		runs[i] = vb_test_load_fixture(paths[i]);
		pv[i] = paths[i];
	}
	doc = vb_hosts_build(runs, names, pv, n, &cfg, &err);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	for (size_t i = 0; i < n; i++)
		json_decref(runs[i]);
	return doc;
}

static const json_t *spread_all(const json_t *doc, const char *env)
{
	const json_t *e;
	size_t i;

	json_array_foreach (json_object_get(doc, "environments"), i, e)
		if (!strcmp(vb_json_text(e, "name"), env))
			return json_object_get(json_object_get(e, "kinds"), "all");
	return NULL;
}

/* Three hosts, two classes: cat-0 differs, with its CPU model and kernel. */
START_TEST(test_fixture_fleet)
{
	json_t *doc = fixtures(3), *c1;
	const json_t *sp = spread_all(doc, "container"), *f;
	char *md = NULL, *csv = NULL;
	size_t mdlen = 0, csvlen = 0, i;
	FILE *m;
	int cpu_goes = 0;

	ck_assert_ptr_nonnull(sp);
	ck_assert_str_eq(vb_json_text(sp, "verdict"), "hosts differ");
	ck_assert_str_eq(vb_json_text(sp, "max_host"), "cat-0");
	ck_assert_str_eq(vb_json_text(json_array_get(json_object_get(sp, "outliers"), 0), "host"),
			 "cat-0");
	ck_assert_int_eq(json_array_size(json_object_get(sp, "outliers")), 1);
	json_array_foreach (json_object_get(sp, "facts"), i, f)
		if (!strcmp(vb_json_text(f, "fact"), "kernel")) {
			ck_assert(json_is_true(json_object_get(f, "goes_with")));
			ck_assert_str_eq(json_string_value(json_array_get(
					     json_object_get(f, "same_split_as"), 0)),
					 "cpu");
		} else if (!strcmp(vb_json_text(f, "fact"), "cpu")) {
			cpu_goes = json_is_true(json_object_get(f, "goes_with"));
		}
	ck_assert(cpu_goes);
	ck_assert_int_eq(json_array_size(json_object_get(doc, "classes")), 2);
	c1 = json_array_get(json_object_get(doc, "classes"), 0);
	ck_assert_int_eq(json_array_size(json_object_get(c1, "hosts")), 2);
	ck_assert(!json_is_true(json_object_get(
	    json_object_get(json_object_get(json_object_get(c1, "environments"), "container"), "all"),
	    "hosts_differ")));
	m = open_memstream(&md, &mdlen);
	vb_hosts_md(doc, m);
	fclose(m);
	vb_test_compare_golden("fleet-report.md", md, mdlen);
	m = open_memstream(&csv, &csvlen);
	vb_hosts_csv(doc, m);
	fclose(m);
	vb_test_compare_golden("fleet.csv", csv, csvlen);
	free(md);
	free(csv);
	json_decref(doc);
}
END_TEST

/* Two hosts of one class within their intervals: they agree. */
START_TEST(test_fixture_agree)
{
	json_t *doc = fixtures(2);
	const json_t *sp = spread_all(doc, "container");

	ck_assert_str_eq(vb_json_text(sp, "verdict"), "hosts agree within their intervals");
	ck_assert(vb_json_num(sp, "p") > 0.5);
	ck_assert_int_eq(json_array_size(json_object_get(sp, "outliers")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(doc, "classes")), 1);
	json_decref(doc);
}
END_TEST

/* Long multi-byte host facts (cut anywhere by a fixed buffer before): the
 * report is built, nothing lost (found: a thp value cut inside a character
 * made the host's entry vanish and the class code crash). */
START_TEST(test_long_facts)
{
	static const char *const names[] = { "a-0", "b-0" };
	const char *paths[] = { "a", "b" };
	json_t *runs[2], *doc;
	char thp[700] = "";
	vb_summary_cfg_t cfg;
	vb_error_t err;

	for (int i = 0; i < 300; i++)
		strcat(thp, "\xc3\xa9"); /* é */
	for (int i = 0; i < 2; i++) {
		runs[i] = vb_test_load_fixture("tests/fixtures/fleet/ant-0/run.json");
		json_object_set_new(json_object_get(json_object_get(runs[i], "host"), "thp"), "enabled",
				    json_string(thp));
		json_object_set_new(json_object_get(json_object_get(runs[i], "host"), "cpu"), "brand",
				    json_string(thp + 1 - 1));
	}
	vb_summary_cfg_init(&cfg);
	cfg.margin = NAN;
	doc = vb_hosts_build(runs, names, paths, 2, &cfg, &err);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	ck_assert_int_eq(json_array_size(json_object_get(doc, "hosts")), 2);
	json_decref(doc);
	json_decref(runs[0]);
	json_decref(runs[1]);
}
END_TEST

/* vbench report --fleet and vbench report FLEETDIR, end to end. */
START_TEST(test_report_commands)
{
	char out[PATH_MAX], fleet[PATH_MAX], src[PATH_MAX], dst[PATH_MAX], *o, *e, *text;
	static const char *const names[] = { "ant-0", "bee-0", "cat-0" };
	char *run[] = { "--profile", "test" };
	vb_fleet_new_t n = { .tasks = 4, .run_argv = run, .run_argc = 2, .vbench = "/opt/vbench" };
	vb_fleet_t f;
	vb_error_t err;
	int rc;

	snprintf(out, sizeof(out), "%s/out", tmpdir);
	rc = vb_test_vbench(NULL, &o, &e, "report", "--fleet", "--quiet", "--no-charts", "--out", out,
			    "tests/fixtures/fleet/ant-0", "tests/fixtures/fleet/bee-0",
			    "tests/fixtures/fleet/cat-0", NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
	free(o);
	free(e);
	text = vb_test_read_text(out, "fleet-report.md", 1 << 20);
	ck_assert_ptr_nonnull(strstr(text, "**hosts differ**"));
	free(text);
	/* the same as a page: escaped, its tables, no chart (--no-charts) said */
	text = vb_test_read_text(out, "fleet-report.html", 1 << 22);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "<h1>vbench fleet report</h1>"));
	ck_assert_ptr_nonnull(strstr(text, "<strong>hosts differ</strong> (Q 103.0, p &lt; 0.001"));
	ck_assert_ptr_null(strstr(text, "p < 0"));
	ck_assert_ptr_nonnull(strstr(text, "<td>cat-0</td>"));
	ck_assert_ptr_nonnull(strstr(text, "Charts were not rendered for this fleet report."));
	free(text);
	rc = vb_test_vbench(NULL, &o, &e, "report", "--fleet", "tests/fixtures/fleet/ant-0",
			    "tests/fixtures/fleet/cat-0", NULL);
	vb_test_expect_refusal(rc, o, e, "--fleet", "--out");
	rc = vb_test_vbench(NULL, &o, &e, "report", "--out", out, "tests/fixtures/fleet/ant-0",
			    "tests/fixtures/fleet/cat-0", NULL);
	vb_test_expect_refusal(rc, o, e, "different hosts", "--fleet");

	/* a fleet directory: its tasks' run directories, one without run.json left out */
	snprintf(fleet, sizeof(fleet), "%s/fleet", tmpdir);
	n.dir = fleet;
	ck_assert_msg(vb_fleet_create(&n, &f, &err) == 0, "%s", err.msg);
	vb_fleet_close(&f);
	for (int i = 0; i < 3; i++) {
		char *body;

		snprintf(src, sizeof(src), "tests/fixtures/fleet/%s/run.json", names[i]);
		snprintf(dst, sizeof(dst), "%.3s-%d/run.json", names[i], i);
		body = vb_read_file(src, 1 << 22, 0, NULL);
		ck_assert_ptr_nonnull(body);
		vb_test_put_text(fleet, dst, body);
		free(body);
	}
	snprintf(dst, sizeof(dst), "%s/dog-3", fleet);
	ck_assert_int_eq(mkdir(dst, 0755), 0);
	rc = vb_test_vbench(NULL, &o, &e, "report", "--no-charts", "--format", "csv", fleet, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
	ck_assert_ptr_nonnull(strstr(o, "cat-2,class 2,"));
	ck_assert_msg(strstr(e, "dog-3: no run.json"), "%s", e);
	free(o);
	free(e);
	text = vb_test_read_text(fleet, "fleet-summary.json", 1 << 22);
	ck_assert_ptr_nonnull(strstr(text, "\"vbench-fleet-summary\""));
	free(text);
}
END_TEST

Suite *vb_suite_hosts(void)
{
	Suite *s = suite_create("hosts");
	TCase *tc = tcase_create("hosts");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_distributions);
	tcase_add_test(tc, test_synthetic_fleets);
	tcase_add_test(tc, test_edge_cases);
	tcase_add_test(tc, test_fixture_fleet);
	tcase_add_test(tc, test_fixture_agree);
	tcase_add_test(tc, test_report_commands);
	tcase_add_test(tc, test_long_facts);
	suite_add_tcase(s, tc);
	return s;
}
