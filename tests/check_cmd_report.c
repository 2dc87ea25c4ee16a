/*
 * check_cmd_report.c - `vbench report` (bench/cmd_report.c) on the fixed
 * run of check_summary.c, tests/fixtures/run-bare-container.json, and on
 * bad input: a missing directory, a truncated or hand-edited run.json,
 * another schema version and runs of different hosts give exit 2, one line
 * naming the file and the field, and leave existing outputs untouched.
 */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/analysis/samples.h"
#include "harness/analysis/summary.h"
#include "harness/core/runfile.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE "tests/fixtures/run-bare-container.json"
#define MAXFILE (16u << 20)

static char tmpdir[PATH_MAX];

static void setup(void)
{
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "rtest"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(vb_write_file(path, text, strlen(text), NULL), 0);
}

START_TEST(test_cmd_report)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum;
	char dir[PATH_MAX], *out, *err, *csv, *md, *js1, *js2;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	vb_test_write_run(dir, run);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	/* the baseline host's being a VM said once, in the headline (it was a
	 * NOTE and a headline line both) */
	ck_assert_ptr_nonnull(strstr(out, "The baseline host is itself a virtual machine"));
	ck_assert_msg(!strstr(strstr(out, "itself a virtual machine") + 1, "itself a virtual machine"),
		      "said twice:\n%s", out);
	ck_assert_ptr_nonnull(strstr(out, "container = container,"));
	free(out);
	free(err);
	/* fitted to COLUMNS (stdout is no terminal here), whole with --wide */
	setenv("COLUMNS", "80", 1);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_msg(vb_test_longest_line(out) <= 80, "%s", out);
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", "--wide", dir, NULL);
	unsetenv("COLUMNS");
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_uint_gt(vb_test_longest_line(out), 80);
	free(out);
	free(err);
	csv = vb_test_read_text(dir, "summary.csv", MAXFILE);
	md = vb_test_read_text(dir, "report.md", MAXFILE);
	js1 = vb_test_read_text(dir, "summary.json", MAXFILE);
	ck_assert_ptr_nonnull(csv);
	ck_assert_ptr_nonnull(md);
	ck_assert_ptr_nonnull(js1);
	vb_test_compare_golden("summary.csv", csv, strlen(csv));
	vb_test_compare_golden("report.md", md, strlen(md));
	sum = json_loads(js1, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(sum, "schema")), VB_SUMMARY_SCHEMA);
	json_decref(sum);
	/* Again: the same bytes. */
	rc = vb_test_vbench(NULL, &out, &err, "report", "--quiet", dir, NULL);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, "");
	js2 = vb_test_read_text(dir, "summary.json", MAXFILE);
	ck_assert_str_eq(js1, js2);
	free(out);
	free(err);
	free(js1);
	free(js2);
	free(csv);
	free(md);
	json_decref(run);
}
END_TEST

/*
 * `vbench report --json [--margin @arg] @dir`: summary.json states @margin
 * and the container's CPU-group verdict is @verdict.
 */
static void expect_margin(const char *dir, const char *arg, double margin, const char *verdict)
{
	char *out, *err;
	int rc = arg ? vb_test_vbench(NULL, &out, &err, "report", "--json", "--margin", arg, dir,
				      NULL)
		     : vb_test_vbench(NULL, &out, &err, "report", "--json", dir, NULL);
	json_t *sum = json_loads(out, 0, NULL), *g;

	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(sum);
	ck_assert_double_eq_tol(
	    json_number_value(json_object_get(json_object_get(sum, "statistics"), "margin")),
	    margin, 1e-12);
	g = json_object_get(json_object_get(json_array_get(json_object_get(sum, "groups"), 0),
					    "envs"),
			    "container");
	ck_assert_str_eq(json_string_value(json_object_get(g, "verdict")), verdict);
	json_decref(sum);
	free(out);
	free(err);
}

/* The verdicts' margin: --margin, else the one the run recorded (options.margin,
 * written by `vbench run --margin`), else 3%.  At +-10% the container's
 * x1.02 [0.97-1.04] from 5 repetitions is equivalent. */
START_TEST(test_cmd_report_margin)
{
	json_t *run = vb_test_load_fixture(FIXTURE);
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	vb_test_write_run(dir, run);
	expect_margin(dir, NULL, 0.03, "undecided");
	expect_margin(dir, "10", 0.10, "equivalent");
	json_object_set_new(json_object_get(run, "options"), "margin", json_real(0.10));
	vb_test_write_run(dir, run);
	expect_margin(dir, NULL, 0.10, "equivalent");
	expect_margin(dir, "3", 0.03, "undecided");
	json_decref(run);
}
END_TEST

/* python3: every line of samples.jsonl (@argv[2]) loads with json.loads, and
 * there is exactly one per (repetition, metric) of run.json (@argv[1]). */
static const char samples_check[] =
    "import json, sys\n"
    "run = json.load(open(sys.argv[1]))\n"
    "want = sorted((r['seq'], m) for r in run['repetitions']\n"
    "              for m in r.get('result', {}).get('metrics', {}))\n"
    "got = [json.loads(l) for l in open(sys.argv[2])]\n"
    "keys = ('metric', 'value', 'unit', 'direction', 'environment', 'type', 'mechanism',\n"
    "        'workload', 'repetition', 'timestamp', 'host', 'run_id', 'steal', 'labels')\n"
    "assert all(k in s for s in got for k in keys), 'a key is missing'\n"
    "assert sorted((s['seq'], s['metric']) for s in got) == want, 'not one line per metric'\n"
    "print('ok', len(got))\n";

/* samples.jsonl beside run.json (it did not exist), and --format printing
 * what the files hold. */
START_TEST(test_cmd_report_samples_formats)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *all, *s;
	char dir[PATH_MAX], rj[PATH_MAX], sj[PATH_MAX], res[4096], *out, *err, *file;
	char *py[] = { "/usr/bin/python3", "-c", (char *)samples_check, rj, sj, NULL };
	static const char *const fmt[][2] = { { "csv", "summary.csv" }, { "md", "report.md" } };
	size_t i, n = 0;
	int rc;

	/* the first repetition flagged: steal above the threshold, stalled, a contention record */
	s = json_array_get(json_object_get(run, "repetitions"), 0);
	json_object_set_new(s, "steal_ns", json_integer(json_integer_value(json_object_get(s, "host_elapsed_ns")) / 2));
	json_object_set_new(s, "stall_check", json_pack("{s:i,s:i,s:i,s:b}", "agent_ns", 1, "host_ns", 9,
							"limit_ns", 5, "stalled", 1));
	json_object_set_new(s, "contention", json_pack("{s:b}", "contended", 1));
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	vb_test_write_run(dir, run);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(err, "samples.jsonl"));
	free(out);
	free(err);
	snprintf(rj, sizeof(rj), "%s/run.json", dir);
	snprintf(sj, sizeof(sj), "%s/samples.jsonl", dir);
	if (access(py[0], X_OK) == 0) {
		rc = vb_test_run(py, NULL, res, sizeof(res), NULL);
		ck_assert_msg(rc == 0 && !strncmp(res, "ok ", 3), "exit %d: %s", rc, res);
	}
	file = vb_test_read_text(dir, "samples.jsonl", MAXFILE);
	ck_assert_ptr_nonnull(file);
	all = vb_samples_build(run);
	ck_assert_ptr_nonnull(all);
	for (out = file; (out = strchr(out, '\n')); out++)
		n++;
	ck_assert_uint_eq(n, json_array_size(all));
	s = json_array_get(all, 0);
	ck_assert(json_is_true(json_object_get(s, "steal")));
	ck_assert(json_is_true(json_object_get(s, "stalled")));
	ck_assert(json_is_true(json_object_get(json_object_get(s, "contention"), "contended")));
	ck_assert(json_is_false(json_object_get(json_array_get(all, n - 1), "stalled")));
	ck_assert_str_eq(json_string_value(json_object_get(s, "run_id")),
			 json_string_value(json_object_get(run, "created")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(s, "labels")),
				     "|environment:bare|,|"));
	json_decref(all);
	free(file);
	/* --format prints what the file holds; a wrong one is one line naming it */
	for (i = 0; i < VB_ARRAY_SIZE(fmt); i++) {
		rc = vb_test_vbench(NULL, &out, &err, "report", "--quiet", "--no-charts", "--format",
				    fmt[i][0], dir, NULL);
		ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
		file = vb_test_read_text(dir, fmt[i][1], MAXFILE);
		ck_assert_ptr_nonnull(file);
		ck_assert_str_eq(out, file);
		free(file);
		free(out);
		free(err);
	}
	rc = vb_test_vbench(NULL, &out, &err, "report", "--format", "xml", dir, NULL);
	vb_test_expect_refusal(rc, out, err, "--format", "'xml'");
	json_decref(run);
}
END_TEST

START_TEST(test_cmd_report_merge)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum;
	char a[PATH_MAX], b[PATH_MAX], o[PATH_MAX], *out, *err, *js;
	const json_t *r;
	int rc;

	snprintf(a, sizeof(a), "%s/a", tmpdir);
	snprintf(b, sizeof(b), "%s/b", tmpdir);
	snprintf(o, sizeof(o), "%s/merged", tmpdir);
	vb_test_write_run(a, run);
	vb_test_write_run(b, run);
	/* Merging needs --out: the inputs are not written to. */
	rc = vb_test_vbench(NULL, &out, &err, "report", a, b, NULL);
	vb_test_expect_refusal(rc, out, err, "--out", NULL);
	/* The same run twice would count its repetitions twice. */
	rc = vb_test_vbench(NULL, &out, &err, "report", "--out", o, a, b, NULL);
	vb_test_expect_refusal(rc, out, err, "'created'", NULL);
	/* A second run of the same host. */
	json_object_set_new(run, "created", json_string("2026-11-22T02:00:00.000Z"));
	vb_test_write_run(b, run);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--quiet", "--out", o, a, b, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	js = vb_test_read_text(o, "summary.json", MAXFILE);
	ck_assert_ptr_nonnull(js);
	sum = json_loads(js, 0, NULL);
	ck_assert_int_eq(json_array_size(json_object_get(sum, "runs")), 2);
	r = vb_summary_result(sum, "bare", "cpu.syscall");
	ck_assert_int_eq(json_integer_value(json_object_get(
			     json_object_get(json_object_get(r, "metrics"), "ns_per_call"), "n")),
			 10);
	ck_assert_ptr_null(vb_test_read_text(a, "summary.json", MAXFILE));
	json_decref(sum);
	free(js);
	json_decref(run);
}
END_TEST

START_TEST(test_cmd_report_bad_input)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *bad;
	char dir[PATH_MAX], other[PATH_MAX], o[PATH_MAX], path[PATH_MAX], *out, *err, *s, *keep;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	snprintf(other, sizeof(other), "%s/other", tmpdir);
	snprintf(o, sizeof(o), "%s/out", tmpdir);
	snprintf(path, sizeof(path), "%s/run.json", dir);

	/* Missing directory. */
	rc = vb_test_vbench(NULL, &out, &err, "report", "/nonexistent/vbench-run", NULL);
	vb_test_expect_refusal(rc, out, err, "/nonexistent/vbench-run", "no such run directory");

	/* Truncated run.json; existing outputs stay. */
	vb_test_write_run(dir, run);
	write_text(dir, "summary.csv", "KEEP\n");
	write_text(dir, "report.md", "KEEP\n");
	s = vb_test_read_text(dir, "run.json", MAXFILE);
	ck_assert_int_eq(vb_write_file(path, s, strlen(s) / 2, NULL), 0);
	free(s);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	vb_test_expect_refusal(rc, out, err, path, NULL);

	/* Another schema version. */
	bad = json_deep_copy(run);
	json_object_set_new(bad, "schema_version", json_integer(2));
	vb_test_write_run(dir, bad);
	json_decref(bad);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	vb_test_expect_refusal(rc, out, err, path, "'schema_version'");

	/* Hand-edited: a metric that is not a number, an environment without a name. */
	bad = json_deep_copy(run);
	json_object_set_new(
	    json_object_get(
		json_object_get(json_array_get(json_object_get(bad, "repetitions"), 3), "result"),
		"metrics"),
	    "iops", json_string("fast"));
	vb_test_write_run(dir, bad);
	json_decref(bad);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	vb_test_expect_refusal(rc, out, err, path, "'repetitions[3].result.metrics.iops'");
	bad = json_deep_copy(run);
	json_object_del(json_array_get(json_object_get(bad, "environments"), 1), "name");
	vb_test_write_run(dir, bad);
	json_decref(bad);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	vb_test_expect_refusal(rc, out, err, path, "'environments[1].name'");

	/* Runs of different hosts: CPU brand, then kernel release. */
	vb_test_write_run(dir, run);
	bad = json_deep_copy(run);
	json_object_set_new(json_object_get(json_object_get(bad, "host"), "cpu"), "brand",
			    json_string("Other CPU"));
	vb_test_write_run(other, bad);
	json_decref(bad);
	ck_assert_int_eq(vb_mkdir_p(o, 0755, NULL), 0);
	write_text(o, "summary.csv", "KEEP\n");
	snprintf(path, sizeof(path), "%s/run.json", other);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--out", o, dir, other, NULL);
	vb_test_expect_refusal(rc, out, err, path, "'host.cpu.brand'");
	bad = json_deep_copy(run);
	json_object_set_new(json_object_get(json_object_get(bad, "host"), "kernel"), "release",
			    json_string("5.10.0-other"));
	vb_test_write_run(other, bad);
	json_decref(bad);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--out", o, dir, other, NULL);
	vb_test_expect_refusal(rc, out, err, path, "'host.kernel.release'");

	/* Bad options. */
	rc = vb_test_vbench(NULL, &out, &err, "report", "--resamples", "5", dir, NULL);
	vb_test_expect_refusal(rc, out, err, "--resamples", NULL);

	/* Nothing was overwritten or created. */
	keep = vb_test_read_text(dir, "summary.csv", MAXFILE);
	ck_assert_str_eq(keep, "KEEP\n");
	free(keep);
	keep = vb_test_read_text(dir, "report.md", MAXFILE);
	ck_assert_str_eq(keep, "KEEP\n");
	free(keep);
	ck_assert_ptr_null(vb_test_read_text(dir, "summary.json", MAXFILE));
	keep = vb_test_read_text(o, "summary.csv", MAXFILE);
	ck_assert_str_eq(keep, "KEEP\n");
	free(keep);
	ck_assert_ptr_null(vb_test_read_text(o, "report.md", MAXFILE));
	json_decref(run);
}
END_TEST

Suite *vb_suite_cmd_report(void)
{
	Suite *s = suite_create("cmd_report");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cmd_report);
	tcase_add_test(tc, test_cmd_report_margin);
	tcase_add_test(tc, test_cmd_report_samples_formats);
	tcase_add_test(tc, test_cmd_report_merge);
	tcase_add_test(tc, test_cmd_report_bad_input);
	suite_add_tcase(s, tc);
	return s;
}
