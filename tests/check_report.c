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

#include "../harness/report.h"
#include "../harness/runfile.h"
#include "../harness/stats.h"
#include "../harness/summary.h"
#include "../harness/util.h"
#include "tests.h"

#define FIXTURE "tests/fixtures/run-bare-container.json"
#define MAXFILE (16u << 20)

static char tmpdir[PATH_MAX];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/var/tmp/vbench-rtest-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	vb_rm_rf(tmpdir);
}

/* ---- helpers ---- */

static void src_path(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", vb_test_srcdir(), rel);
}

static json_t *load_fixture(void)
{
	char path[PATH_MAX];
	vb_error_t err;
	json_t *run;

	src_path(path, sizeof(path), FIXTURE);
	run = vb_runfile_load(path, &err);
	ck_assert_msg(run != NULL, "fixture: %s", err.msg);
	return run;
}

static json_t *summarize(const json_t *run)
{
	vb_summary_cfg_t cfg;
	vb_error_t err;
	json_t *sum;

	vb_error_clear(&err);
	vb_summary_cfg_init(&cfg);
	sum = vb_summary_build(run, &cfg, &err);
	ck_assert_msg(sum != NULL, "summary: %s", err.msg);
	return sum;
}

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

/* Compare @got with the golden file @name; on a difference keep @got in the
 * temporary directory's parent and name the first differing line. */
static void compare_golden(const char *name, const char *got, size_t len)
{
	char path[PATH_MAX], keep[PATH_MAX];
	size_t i, line = 1;
	vb_error_t err;
	char *want;

	snprintf(keep, sizeof(keep), "golden/%s", name);
	src_path(path, sizeof(path), "tests/fixtures");
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", keep);
	want = vb_read_file(path, MAXFILE, 0, &err);
	ck_assert_msg(want != NULL, "%s", err.msg);
	for (i = 0; i < len && want[i] && want[i] == got[i]; i++)
		line += got[i] == '\n';
	if (i != len || want[i]) {
		snprintf(keep, sizeof(keep), "/var/tmp/vbench-actual-%s", name);
		vb_write_file(keep, got, len, NULL);
		free(want);
		ck_abort_msg("%s differs from the golden file at line %zu (actual output in %s; "
			     "`make golden` if the change is deliberate)",
			     name, line, keep);
	}
	free(want);
}

/* Write @doc as DIR/run.json (DIR created under tmpdir). */
static void write_run(const char *dir, const json_t *doc)
{
	char path[PATH_MAX];
	char *s = json_dumps(doc, JSON_INDENT(1));

	ck_assert_int_eq(vb_mkdir_p(dir, 0755, NULL), 0);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	ck_assert_int_eq(vb_write_file(path, s, strlen(s), NULL), 0);
	free(s);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(vb_write_file(path, text, strlen(text), NULL), 0);
}

/* DIR/NAME's content (caller frees), NULL if missing. */
static char *read_text(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return vb_read_file(path, MAXFILE, 0, NULL);
}

/*
 * Run `vbench report ARGS...` (NULL-terminated); stdout and stderr into
 * malloc'ed strings.  Returns the exit status.
 */
static int run_report(char **out, char **errout, ...)
{
	char vbench[PATH_MAX], so[PATH_MAX], se[PATH_MAX];
	const char *argv[24];
	int n = 0, status, fd;
	va_list ap;
	pid_t pid;

	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	snprintf(so, sizeof(so), "%s/.stdout", tmpdir);
	snprintf(se, sizeof(se), "%s/.stderr", tmpdir);
	argv[n++] = vbench;
	argv[n++] = "report";
	va_start(ap, errout);
	while (n < 23 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open(so, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		fd = open(se, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		execv(vbench, (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	*out = vb_read_file(so, MAXFILE, 0, NULL);
	*errout = vb_read_file(se, MAXFILE, 0, NULL);
	ck_assert_ptr_nonnull(*out);
	ck_assert_ptr_nonnull(*errout);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Bad input: exit 2, nothing on stdout, exactly one line on stderr holding @a and @b. */
static void expect_refusal(int rc, char *out, char *err, const char *a, const char *b)
{
	ck_assert_msg(rc == 2, "exit %d (stderr: %s)", rc, err);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	ck_assert_msg(strstr(err, a) != NULL, "'%s' not named in: %s", a, err);
	ck_assert_msg(!b || strstr(err, b) != NULL, "'%s' not named in: %s", b, err);
	free(out);
	free(err);
}

/* ---- golden files ---- */

START_TEST(test_golden_csv_md)
{
	json_t *run = load_fixture(), *sum = summarize(run);
	size_t len;
	char *s;

	s = render(sum, vb_report_csv, &len);
	compare_golden("summary.csv", s, len);
	free(s);
	s = render(sum, vb_report_md, &len);
	compare_golden("report.md", s, len);
	free(s);
	json_decref(sum);
	json_decref(run);
}
END_TEST

START_TEST(test_summary_deterministic)
{
	json_t *run = load_fixture(), *a = summarize(run), *b = summarize(run);
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
	json_t *run = load_fixture(), *sum = summarize(run),
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
	json_t *run = load_fixture(), *sum, *r, *rep;
	size_t len, i, nflags;
	char *s;

	/* The fixture's clock checks found nothing, and no steal. */
	sum = summarize(run);
	ck_assert(!has_flag(sum, "container", "cpu.syscall", "clock"));
	ck_assert(!has_flag(sum, "bare", "io.randread", "steal"));
	nflags = json_array_size(json_object_get(sum, "flags"));
	json_decref(sum);
	/* A run.json without clock checks (older, or another recorder) is fine. */
	r = json_deep_copy(run);
	json_array_foreach(json_object_get(r, "repetitions"), i, rep)
		json_object_del(rep, "clock_check");
	sum = summarize(r);
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
	sum = summarize(run);
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
	json_t *run = load_fixture(), *sum;

	/* A run that did not record the warning still gets it, first. */
	json_object_set_new(run, "warnings", json_pack("[s]", "another warning"));
	sum = summarize(run);
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
	json_t *run = load_fixture(), *sum;
	char dir[PATH_MAX], *out, *err, *csv, *md, *js1, *js2;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	write_run(dir, run);
	rc = run_report(&out, &err, dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(
	    strstr(out, "NOTE: this 'bare metal' host is itself a virtual machine"));
	ck_assert_ptr_nonnull(strstr(out, "container (namespaces+cgroups ...)"));
	free(out);
	free(err);
	csv = read_text(dir, "summary.csv");
	md = read_text(dir, "report.md");
	js1 = read_text(dir, "summary.json");
	ck_assert_ptr_nonnull(csv);
	ck_assert_ptr_nonnull(md);
	ck_assert_ptr_nonnull(js1);
	compare_golden("summary.csv", csv, strlen(csv));
	compare_golden("report.md", md, strlen(md));
	sum = json_loads(js1, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(sum, "schema")), VB_SUMMARY_SCHEMA);
	json_decref(sum);
	/* Again: the same bytes. */
	rc = run_report(&out, &err, "--quiet", dir, NULL);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, "");
	js2 = read_text(dir, "summary.json");
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

START_TEST(test_cmd_report_merge)
{
	json_t *run = load_fixture(), *sum;
	char a[PATH_MAX], b[PATH_MAX], o[PATH_MAX], *out, *err, *js;
	const json_t *r;
	int rc;

	snprintf(a, sizeof(a), "%s/a", tmpdir);
	snprintf(b, sizeof(b), "%s/b", tmpdir);
	snprintf(o, sizeof(o), "%s/merged", tmpdir);
	write_run(a, run);
	write_run(b, run);
	/* Merging needs --out: the inputs are not written to. */
	rc = run_report(&out, &err, a, b, NULL);
	expect_refusal(rc, out, err, "--out", NULL);
	/* The same run twice would count its repetitions twice. */
	rc = run_report(&out, &err, "--out", o, a, b, NULL);
	expect_refusal(rc, out, err, "'created'", NULL);
	/* A second run of the same host. */
	json_object_set_new(run, "created", json_string("2026-11-22T02:00:00.000Z"));
	write_run(b, run);
	rc = run_report(&out, &err, "--quiet", "--out", o, a, b, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	js = read_text(o, "summary.json");
	ck_assert_ptr_nonnull(js);
	sum = json_loads(js, 0, NULL);
	ck_assert_int_eq(json_array_size(json_object_get(sum, "runs")), 2);
	r = vb_summary_result(sum, "bare", "cpu.syscall");
	ck_assert_int_eq(json_integer_value(json_object_get(
			     json_object_get(json_object_get(r, "metrics"), "ns_per_call"), "n")),
			 10);
	ck_assert_ptr_null(read_text(a, "summary.json"));
	json_decref(sum);
	free(js);
	json_decref(run);
}
END_TEST

START_TEST(test_cmd_report_bad_input)
{
	json_t *run = load_fixture(), *bad;
	char dir[PATH_MAX], other[PATH_MAX], o[PATH_MAX], path[PATH_MAX], *out, *err, *s, *keep;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	snprintf(other, sizeof(other), "%s/other", tmpdir);
	snprintf(o, sizeof(o), "%s/out", tmpdir);
	snprintf(path, sizeof(path), "%s/run.json", dir);

	/* Missing directory. */
	rc = run_report(&out, &err, "/nonexistent/vbench-run", NULL);
	expect_refusal(rc, out, err, "/nonexistent/vbench-run", "no such run directory");

	/* Truncated run.json; existing outputs stay. */
	write_run(dir, run);
	write_text(dir, "summary.csv", "KEEP\n");
	write_text(dir, "report.md", "KEEP\n");
	s = read_text(dir, "run.json");
	ck_assert_int_eq(vb_write_file(path, s, strlen(s) / 2, NULL), 0);
	free(s);
	rc = run_report(&out, &err, dir, NULL);
	expect_refusal(rc, out, err, path, NULL);

	/* Another schema version. */
	bad = json_deep_copy(run);
	json_object_set_new(bad, "schema_version", json_integer(2));
	write_run(dir, bad);
	json_decref(bad);
	rc = run_report(&out, &err, dir, NULL);
	expect_refusal(rc, out, err, path, "'schema_version'");

	/* Hand-edited: a metric that is not a number, an environment without a name. */
	bad = json_deep_copy(run);
	json_object_set_new(
	    json_object_get(
		json_object_get(json_array_get(json_object_get(bad, "repetitions"), 3), "result"),
		"metrics"),
	    "iops", json_string("fast"));
	write_run(dir, bad);
	json_decref(bad);
	rc = run_report(&out, &err, dir, NULL);
	expect_refusal(rc, out, err, path, "'repetitions[3].result.metrics.iops'");
	bad = json_deep_copy(run);
	json_object_del(json_array_get(json_object_get(bad, "environments"), 1), "name");
	write_run(dir, bad);
	json_decref(bad);
	rc = run_report(&out, &err, dir, NULL);
	expect_refusal(rc, out, err, path, "'environments[1].name'");

	/* Runs of different hosts: CPU brand, then kernel release. */
	write_run(dir, run);
	bad = json_deep_copy(run);
	json_object_set_new(json_object_get(json_object_get(bad, "host"), "cpu"), "brand",
			    json_string("Other CPU"));
	write_run(other, bad);
	json_decref(bad);
	ck_assert_int_eq(vb_mkdir_p(o, 0755, NULL), 0);
	write_text(o, "summary.csv", "KEEP\n");
	snprintf(path, sizeof(path), "%s/run.json", other);
	rc = run_report(&out, &err, "--out", o, dir, other, NULL);
	expect_refusal(rc, out, err, path, "'host.cpu.brand'");
	bad = json_deep_copy(run);
	json_object_set_new(json_object_get(json_object_get(bad, "host"), "kernel"), "release",
			    json_string("5.10.0-other"));
	write_run(other, bad);
	json_decref(bad);
	rc = run_report(&out, &err, "--out", o, dir, other, NULL);
	expect_refusal(rc, out, err, path, "'host.kernel.release'");

	/* Bad options. */
	rc = run_report(&out, &err, "--resamples", "5", dir, NULL);
	expect_refusal(rc, out, err, "--resamples", NULL);

	/* Nothing was overwritten or created. */
	keep = read_text(dir, "summary.csv");
	ck_assert_str_eq(keep, "KEEP\n");
	free(keep);
	keep = read_text(dir, "report.md");
	ck_assert_str_eq(keep, "KEEP\n");
	free(keep);
	ck_assert_ptr_null(read_text(dir, "summary.json"));
	keep = read_text(o, "summary.csv");
	ck_assert_str_eq(keep, "KEEP\n");
	free(keep);
	ck_assert_ptr_null(read_text(o, "report.md"));
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
	tcase_add_test(tc, test_cmd_report_merge);
	tcase_add_test(tc, test_cmd_report_bad_input);
	suite_add_tcase(s, tc);
	return s;
}
