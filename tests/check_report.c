/*
 * check_report.c - summaries and reports from a fixed run.json.
 *
 * tests/fixtures/run-bare-container.json is a real run (bare metal and the
 * container, cpu.syscall, mem.stream and io.randread, 5 repetitions, test
 * profile) committed as a fixture.  summary.csv and report.md rendered from
 * it must equal tests/fixtures/golden/ byte for byte (`make golden` refreshes
 * them deliberately).  The summary's semantics are checked on the same data
 * (baseline without a ratio, unavailable counters never zero, groups,
 * flags), and `vbench report` is driven on good and bad input: a missing
 * directory, a truncated or hand-edited run.json, another schema version and
 * runs of different hosts give exit 2, one line naming the file and the
 * field, and leave existing outputs untouched.
 */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/output/table.h"
#include "harness/core/runfile.h"
#include "harness/analysis/samples.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
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

/* ---- helpers ---- */

/* Render with @fn into a malloc'ed string. */
static char *render(const json_t *sum, void (*fn)(const json_t *, FILE *), size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	fn(sum, f);
	fclose(f);
	return buf;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(vb_write_file(path, text, strlen(text), NULL), 0);
}

/* ---- golden files ---- */

START_TEST(test_golden_csv_md)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum = vb_test_summarize(run);
	size_t len;
	char *s;

	s = render(sum, vb_report_csv, &len);
	vb_test_compare_golden("summary.csv", s, len);
	free(s);
	s = render(sum, vb_report_md, &len);
	vb_test_compare_golden("report.md", s, len);
	free(s);
	json_decref(sum);
	json_decref(run);
}
END_TEST

START_TEST(test_summary_deterministic)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *a = vb_test_summarize(run), *b = vb_test_summarize(run);
	char *sa = json_dumps(a, JSON_SORT_KEYS), *sb = json_dumps(b, JSON_SORT_KEYS);

	ck_assert_str_eq(sa, sb);
	free(sa);
	free(sb);
	json_decref(a);
	json_decref(b);
	json_decref(run);
}
END_TEST

/* ---- what the summary says about the fixture ---- */

START_TEST(test_summary_content)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum = vb_test_summarize(run),
	       *st = json_object_get(sum, "statistics");
	const json_t *bare = vb_summary_result(sum, "bare", "cpu.syscall"),
		     *ct = vb_summary_result(sum, "container", "io.randread"), *m, *ov, *c, *g;
	size_t i;

	ck_assert_int_eq(json_integer_value(json_object_get(st, "seed")),
			 (json_int_t)VB_STATS_SEED);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "resamples")), VB_STATS_RESAMPLES);
	ck_assert_str_eq(json_string_value(json_object_get(sum, "baseline")), "bare");
	/* The virtualized host's warning heads the list. */
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_array_get(json_object_get(sum, "warnings"), 0)),
		   "itself a virtual machine"));
	/* Baseline: statistics, no overhead; 5 repetitions: indicative. */
	m = json_object_get(json_object_get(bare, "metrics"), "ns_per_call");
	ck_assert_int_eq(json_integer_value(json_object_get(m, "n")), 5);
	ck_assert_ptr_null(json_object_get(m, "overhead"));
	ck_assert(json_is_true(json_object_get(m, "indicative")));
	ck_assert(vb_report_num(m, "ci_low") <= vb_report_num(m, "median"));
	ck_assert(vb_report_num(m, "median") <= vb_report_num(m, "ci_high"));
	/* The container's IOPS (higher is better) as time per unit: base/env. */
	m = json_object_get(json_object_get(ct, "metrics"), "iops");
	ov = json_object_get(m, "overhead");
	ck_assert_double_eq_tol(
	    vb_report_num(ov, "ratio"),
	    vb_report_num(
		json_object_get(
		    json_object_get(vb_summary_result(sum, "bare", "io.randread"), "metrics"),
		    "iops"),
		"median") /
		vb_report_num(m, "median"),
	    1e-12);
	ck_assert(vb_report_num(ov, "ci_low") <= vb_report_num(ov, "ratio"));
	ck_assert_ptr_nonnull(json_string_value(json_object_get(ov, "verdict")));
	/* Host cost ratio exists (cgroup accounting was on). */
	ck_assert(isfinite(
	    vb_report_num(json_object_get(json_object_get(ct, "host_cost"), "overhead"), "ratio")));
	/* No PMU in the fixture's host: hardware counters unavailable with a reason, never 0. */
	c = json_object_get(json_object_get(bare, "counters"), "PAPI_TOT_INS");
	ck_assert(json_is_false(json_object_get(c, "available")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(c, "reason")), "PMU"));
	ck_assert_ptr_null(json_object_get(c, "median"));
	ck_assert(json_is_true(json_object_get(
	    json_object_get(json_object_get(bare, "counters"), "perf::TASK-CLOCK"), "available")));
	ck_assert_int_gt(
	    json_array_size(json_object_get(json_object_get(sum, "unavailable"), "counters")), 0);
	/* Groups cpu, mem, io, all; "all" covers the three workloads. */
	ck_assert_int_eq(json_array_size(json_object_get(sum, "groups")), 4);
	json_array_foreach(json_object_get(sum, "groups"), i, g)
		if (!strcmp(json_string_value(json_object_get(g, "kind")), "all"))
			ck_assert_int_eq(
			    json_integer_value(json_object_get(
				json_object_get(json_object_get(g, "envs"), "container"),
				"workloads")),
			    3);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* A flag of @kind for @env/@wl in @sum. */
static int has_flag(const json_t *sum, const char *env, const char *wl, const char *kind)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(sum, "flags"), i, f)
		if (!strcmp(json_string_value(json_object_get(f, "env")), env) &&
		    !strcmp(json_string_value(json_object_get(f, "workload")), wl) &&
		    !strcmp(json_string_value(json_object_get(f, "flag")), kind))
			return 1;
	return 0;
}

/* The first repetition of @env/@wl in @run. */
static json_t *find_rep(json_t *run, const char *env, const char *wl)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "env")), env) &&
		    !strcmp(json_string_value(json_object_get(r, "workload")), wl))
			return r;
	ck_abort_msg("no repetition %s/%s", env, wl);
	return NULL;
}

START_TEST(test_flags_and_unavailable)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum, *r, *rep;
	size_t len, i, nflags;
	char *s;

	/* The fixture's clock checks found nothing, and no steal. */
	sum = vb_test_summarize(run);
	ck_assert(!has_flag(sum, "container", "cpu.syscall", "clock"));
	ck_assert(!has_flag(sum, "bare", "io.randread", "steal"));
	nflags = json_array_size(json_object_get(sum, "flags"));
	json_decref(sum);
	/* A run.json without clock checks (older, or another recorder) is fine. */
	r = json_deep_copy(run);
	json_array_foreach(json_object_get(r, "repetitions"), i, rep)
		json_object_del(rep, "clock_check");
	sum = vb_test_summarize(r);
	ck_assert_uint_eq(json_array_size(json_object_get(sum, "flags")), nflags);
	json_decref(sum);
	json_decref(r);
	/* The recorder's verdicts, in both places they may be. */
	json_object_set_new(find_rep(run, "container", "cpu.syscall"), "guest_clock_suspect",
			    json_true());
	json_object_set_new(
	    json_object_get(find_rep(run, "container", "mem.stream"), "clock_check"),
	    "guest_clock_suspect", json_true());
	/* No clock check recorded: the guest region against the host request, here. */
	r = find_rep(run, "bare", "cpu.syscall");
	json_object_del(r, "clock_check");
	json_object_set_new(
	    json_object_get(r, "result"), "elapsed_ns",
	    json_integer(json_integer_value(json_object_get(r, "host_elapsed_ns")) * 2));
	/* High steal time. */
	r = find_rep(run, "bare", "io.randread");
	json_object_set_new(
	    r, "steal_ns",
	    json_integer(json_integer_value(json_object_get(r, "host_elapsed_ns")) / 10));
	json_array_append_new(json_object_get(run, "environments"),
			      json_pack("{s:s,s:s,s:s,s:b,s:s,s:b}", "name", "kvm", "type",
					"hardware-assisted VM", "mechanism", "QEMU + KVM",
					"available", 0, "reason", "no /dev/kvm, here", "baseline",
					0));
	json_array_append_new(json_object_get(run, "warnings"), json_string("a later warning"));
	sum = vb_test_summarize(run);
	ck_assert(has_flag(sum, "container", "cpu.syscall", "clock"));
	ck_assert(has_flag(sum, "container", "mem.stream", "clock"));
	ck_assert(has_flag(sum, "bare", "cpu.syscall", "clock"));
	ck_assert(!has_flag(sum, "container", "io.randread", "clock"));
	ck_assert(has_flag(sum, "bare", "io.randread", "steal"));
	ck_assert_str_eq(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(json_object_get(sum, "unavailable"), "environments"),
			       0),
		"reason")),
	    "no /dev/kvm, here");
	/* The terminal table: warnings first, environments headed with type and mechanism. */
	s = render(sum, vb_report_table, &len);
	ck_assert_msg(!strncmp(s, "\nNOTE: this 'bare metal' host is itself a virtual machine", 57),
		      "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "container (namespaces+cgroups ...)"));
	ck_assert_ptr_nonnull(strstr(s, "bare metal (none (host process))"));
	ck_assert_ptr_nonnull(strstr(s, "unavailable"));
	ck_assert_ptr_nonnull(strstr(s, "CPU verdict (geometric mean): container x"));
	ck_assert_ptr_nonnull(strstr(s, "guest and host clocks disagree"));
	free(s);
	/* CSV: the unavailable environment's rows carry the reason, RFC 4180 quoted. */
	s = render(sum, vb_report_csv, &len);
	ck_assert_ptr_nonnull(strstr(s,
				     "kvm,cpu.syscall,cpu,metric,ns_per_call,ns,lower,,,,,,,,,,,,"
				     "unavailable,\"no /dev/kvm, here\"\r\n"));
	free(s);
	json_decref(sum);
	json_decref(run);
}
END_TEST

START_TEST(test_virtualized_warning_added)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum;

	/* A run that did not record the warning still gets it, first. */
	json_object_set_new(run, "warnings", json_pack("[s]", "another warning"));
	sum = vb_test_summarize(run);
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_array_get(json_object_get(sum, "warnings"), 0)),
		   "itself a virtual machine (hypervisor 'KVMKVMKVM')"));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(sum, "warnings"), 1)),
			 "another warning");
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* ---- vbench report ---- */

START_TEST(test_cmd_report)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum;
	char dir[PATH_MAX], *out, *err, *csv, *md, *js1, *js2;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	vb_test_write_run(dir, run);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(
	    strstr(out, "NOTE: this 'bare metal' host is itself a virtual machine"));
	ck_assert_ptr_nonnull(strstr(out, "container (namespaces+cgroups ...)"));
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

Suite *vb_suite_report(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_golden_csv_md);
	tcase_add_test(tc, test_summary_deterministic);
	tcase_add_test(tc, test_summary_content);
	tcase_add_test(tc, test_flags_and_unavailable);
	tcase_add_test(tc, test_virtualized_warning_added);
	tcase_add_test(tc, test_cmd_report);
	tcase_add_test(tc, test_cmd_report_samples_formats);
	tcase_add_test(tc, test_cmd_report_merge);
	tcase_add_test(tc, test_cmd_report_bad_input);
	suite_add_tcase(s, tc);
	return s;
}
