/*
 * check_integration.c - drive the real `vbench` binary on bare metal.
 *
 * Runs every workload with the tiny test profile, validates run.json against
 * harness/run.schema.json (python3-jsonschema), checks that invalid
 * documents are rejected, that bad input is refused with a one-line error
 * and exit 2 before anything runs, that a wrong answer is recorded and gives
 * exit 1, that SIGINT keeps completed repetitions, that `--resume` completes
 * an interrupted run with the same measurements (and refuses a differing
 * option, host or directory before touching run.json), and that nothing is
 * left behind (cgroups, scratch directories, owner markers, processes).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char vbench[PATH_MAX], tmpdir[PATH_MAX];
static pid_t last_pid; /* the vbench process run_cmd started last */

static void setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "itest"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* Run argv with "K=V" @env_kv (or NULL), stdout+stderr into @out; its exit
 * status (or 128+signal), its PID in last_pid. */
static int run_cmd(char *const argv[], const char *env_kv, char *out, size_t outlen)
{
	return vb_test_run(argv, env_kv, out, outlen, &last_pid);
}

START_TEST(test_bare_every_workload)
{
	static char out[1 << 16];
	char dir[PATH_MAX], path[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "bare", "--profile", "test", "--out", dir, NULL };
	json_t *doc, *reps, *r, *wls, *w;
	size_t i, j, n;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	rc = run_cmd(argv, NULL, out, sizeof(out));
	ck_assert_msg(rc == 0, "vbench run exited %d:\n%s", rc, out);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	rc = vb_test_validate(path, out, sizeof(out));
	ck_assert_msg(rc == 0, "run.json does not validate: %s", out);
	doc = vb_test_load_run(dir, 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	wls = json_object_get(doc, "workloads");
	reps = json_object_get(doc, "repetitions");
	ck_assert_uint_eq(json_array_size(wls), 14);
	json_array_foreach(wls, i, w) {
		n = 0;
		json_array_foreach(reps, j, r) {
			if (strcmp(json_string_value(json_object_get(r, "workload")),
				   json_string_value(json_object_get(w, "name"))))
				continue;
			ck_assert(json_is_true(json_object_get(r, "ok")));
			ck_assert_int_gt(json_integer_value(json_object_get(
						 json_object_get(r, "result"), "elapsed_ns")),
					 0);
			n++;
		}
		ck_assert_msg(n == 2, "%s has %zu repetitions, expected 2",
			      json_string_value(json_object_get(w, "name")), n);
	}
	/* Counters: every default event is listed in each record. */
	r = json_object_get(json_object_get(json_array_get(reps, 0), "result"), "counters");
	ck_assert_ptr_nonnull(json_object_get(r, "PAPI_TOT_INS"));
	ck_assert_ptr_nonnull(json_object_get(r, "perf::TASK-CLOCK"));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(doc, "host"), "cpu"));
	/* Lifecycle of the bare environment: start, stop, host memory. */
	r = json_array_get(json_object_get(doc, "environments"), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(r, "start_latency_ns")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(r, "stop_latency_ns")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(r, "memory_idle"),
							    "pss_bytes")),
			 0);
	ck_assert_ptr_nonnull(json_object_get(r, "memory_after_mem_workload"));
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(last_pid, NULL); /* out: the validator's */;
}
END_TEST

/* Invalid documents must be rejected by the same schema. */
START_TEST(test_schema_rejects_invalid)
{
	static const char *const bad[] = {
		"{}",
		"{\"schema\":\"vbench-run\",\"schema_version\":2}",
	};
	static char out[4096];
	char dir[PATH_MAX], path[PATH_MAX], *s;
	char *argv[] = { vbench, "run", "--workload", "cpu.syscall", "--profile", "test", "--out", dir, NULL };
	json_t *doc, *rep;
	size_t i;
	int rc;

	for (i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		snprintf(path, sizeof(path), "%s/bad%zu.json", tmpdir, i);
		ck_assert_int_eq(vb_write_file(path, bad[i], strlen(bad[i]), NULL), 0);
		ck_assert_int_eq(vb_test_validate(path, out, sizeof(out)), 1);
	}
	/* A real run, then break it in ways the schema must notice. */
	snprintf(dir, sizeof(dir), "%s/run2", tmpdir);
	rc = run_cmd(argv, NULL, out, sizeof(out));
	ck_assert_msg(rc == 0, "vbench run exited %d:\n%s", rc, out);
	for (i = 0; i < 4; i++) {
		doc = vb_test_load_run(dir, 0);
		rep = json_array_get(json_object_get(doc, "repetitions"), 0);
		if (i == 0)
			json_object_del(rep, "result"); /* ok without a result */
		else if (i == 1)
			json_object_set_new(doc, "status", json_string("bogus"));
		else if (i == 2)
			json_object_set_new(json_object_get(json_object_get(rep, "result"), "metrics"),
					    "ns_per_call", json_string("fast"));
		else
			json_object_set_new(json_object_get(json_object_get(rep, "result"), "counters"),
					    "PAPI_TOT_INS", json_pack("{s:b}", "available", 0));
		s = json_dumps(doc, 0);
		snprintf(path, sizeof(path), "%s/broken%zu.json", tmpdir, i);
		ck_assert_int_eq(vb_write_file(path, s, strlen(s), NULL), 0);
		free(s);
		json_decref(doc);
		ck_assert_msg(vb_test_validate(path, out, sizeof(out)) == 1,
			      "broken document %zu accepted", i);
	}
}
END_TEST

/* Bad input: exit 2, one line naming the input, nothing run. */
START_TEST(test_bad_input)
{
	static const struct {
		const char *args[6];
		const char *expect;
	} cases[] = {
		{ { "--env", "nope" }, "unknown environment 'nope'" },
		{ { "--workload", "nope.*" }, "matches no workload" },
		{ { "--reps", "0" }, "--reps" },
		{ { "--reps", "-3" }, "--reps" },
		{ { "--reps", "99999999999999999999999" }, "--reps" },
		{ { "--cpus", "abc" }, "--cpus" },
		{ { "--memory", "12Q" }, "--memory" },
		{ { "--events", "NOT_AN_EVENT" }, "NOT_AN_EVENT" },
		{ { "--param", "mem.stream.nope=1" }, "mem.stream.nope" },
		{ { "--profile", "huge" }, "huge" },
		{ { "--bogus" }, "--bogus" },
		{ { "--workload", "io.seqread", "--scratch", "/dev/shm" }, "/dev/shm" },
		{ { "--workload", "io.seqread", "--scratch", "/nonexistent/dir" }, "/nonexistent/dir" },
		{ { "--out", "/proc/vbench-cannot-write" }, "--out" },
	};
	static char out[8192];
	char *argv[12];
	size_t i, j, k;
	int rc;

	for (i = 0; i < VB_ARRAY_SIZE(cases); i++) {
		k = 0;
		argv[k++] = vbench;
		argv[k++] = "run";
		argv[k++] = "--profile";
		argv[k++] = "test";
		for (j = 0; j < 6 && cases[i].args[j]; j++)
			argv[k++] = (char *)cases[i].args[j];
		argv[k] = NULL;
		rc = run_cmd(argv, NULL, out, sizeof(out));
		ck_assert_msg(rc == 2, "case %zu (%s): exit %d, expected 2: %s", i, cases[i].args[0],
			      rc, out);
		ck_assert_msg(strstr(out, cases[i].expect), "case %zu: '%s' not in: %s", i,
			      cases[i].expect, out);
		ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1,
			      "case %zu: error is not one line: %s", i, out);
	}
	VB_ASSERT_NO_DEBRIS(last_pid, out);
}
END_TEST

/* A wrong answer is recorded as an error, the run goes on, exit 1. */
START_TEST(test_wrong_answer_recorded)
{
	static char out[1 << 15];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--workload", "cpu.syscall,cpu.int", "--profile", "test",
			 "--out", dir, NULL };
	json_t *doc, *r;
	size_t i, bad = 0, good = 0;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run3", tmpdir);
	rc = run_cmd(argv, "VBENCH_TEST_CORRUPT=cpu.int", out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 0);
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (!strcmp(json_string_value(json_object_get(r, "workload")), "cpu.int")) {
			ck_assert(json_is_false(json_object_get(r, "ok")));
			ck_assert_str_eq(json_string_value(json_object_get(r, "error_kind")), "check");
			bad++;
		} else {
			ck_assert(json_is_true(json_object_get(r, "ok")));
			good++;
		}
	}
	ck_assert_uint_eq(bad, 2);
	ck_assert_uint_eq(good, 2);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "completed-with-errors");
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(last_pid, out);
}
END_TEST

/* SIGINT part-way: exit 130, completed repetitions kept, nothing left. */
START_TEST(test_sigint_keeps_results)
{
	char dir[PATH_MAX], reps[8] = "50";
	char *argv[] = { vbench, "run", "--workload", "cpu.syscall", "--profile", "test", "--reps",
			 reps, "--quiet", "--out", dir, NULL };
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/run4", tmpdir);
	pid = vb_test_spawn(argv, NULL);
	json_decref(vb_test_sigint_run(pid, dir, 3, 50, 0));
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* --fresh-instance: every repetition in a new instance (a new agent here). */
START_TEST(test_fresh_instance)
{
	static char out[1 << 15];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "bare", "--workload", "cpu.syscall", "--profile",
			 "test", "--reps", "3", "--fresh-instance", "--out", dir, NULL };
	json_int_t pids[3];
	json_t *doc, *r;
	size_t i;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run5", tmpdir);
	rc = run_cmd(argv, NULL, out, sizeof(out));
	ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out);
	doc = vb_test_load_run(dir, 0);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 3);
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		ck_assert(json_is_true(json_object_get(r, "ok")));
		ck_assert_int_gt(json_integer_value(json_object_get(r, "instance_start_latency_ns")), 0);
		pids[i] = json_integer_value(json_object_get(r, "instance_agent_pid"));
		ck_assert_int_gt(pids[i], 0);
	}
	ck_assert(pids[0] != pids[1] && pids[1] != pids[2] && pids[0] != pids[2]);
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(last_pid, out);
}
END_TEST

START_TEST(test_list_and_doctor)
{
	static char out[1 << 14];
	char *list[] = { vbench, "list", NULL };
	char *doctor[] = { vbench, "doctor", NULL };
	char *version[] = { vbench, "--version", NULL };
	char *unknown[] = { vbench, "frobnicate", NULL };

	ck_assert_int_eq(run_cmd(list, NULL, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "bare"));
	ck_assert_ptr_nonnull(strstr(out, "mem.stream"));
	ck_assert_ptr_nonnull(strstr(out, "network modes: bridge, nat, host")); /* --net's */
	ck_assert_int_eq(run_cmd(doctor, NULL, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "cgroups:"));
	/* each application workload: its programs there, or how to get them */
	ck_assert_ptr_nonnull(strstr(out, "application workloads:"));
	ck_assert_ptr_nonnull(strstr(out, "app.redis"));
	ck_assert_int_eq(run_cmd(version, NULL, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "vbench "));
	ck_assert_int_eq(run_cmd(unknown, NULL, out, sizeof(out)), 2);
	ck_assert_ptr_nonnull(strstr(out, "frobnicate"));
}
END_TEST

/* ---- --resume ---------------------------------------------------- */

/* DIR/run.json's bytes (caller frees). */
static char *run_bytes(const char *dir)
{
	char path[PATH_MAX], *s;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	s = vb_read_file(path, 64 << 20, 0, NULL);
	ck_assert_msg(s != NULL, "cannot read %s", path);
	return s;
}

/* `vbench run ARGS --resume DIR` must refuse: exit 2, one line naming
 * @expect, run.json byte for byte as it was. */
static void assert_refused(const char *dir, const char *extra, const char *expect)
{
	static char out[8192];
	char *argv[] = { vbench, "run", "--resume", (char *)dir, (char *)extra, extra ? "5" : NULL, NULL };
	char path[PATH_MAX], *b0, *b1;
	int rc;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	b0 = access(path, F_OK) == 0 ? run_bytes(dir) : NULL;
	rc = run_cmd(argv, NULL, out, sizeof(out));
	ck_assert_msg(rc == 2, "resume %s %s: exit %d, expected 2: %s", dir, extra ? extra : "", rc, out);
	ck_assert_msg(strstr(out, expect), "'%s' not in: %s", expect, out);
	ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1, "not one line: %s", out);
	b1 = b0 ? run_bytes(dir) : NULL;
	ck_assert_msg(!b0 || !strcmp(b0, b1), "run.json changed by a refused resume");
	free(b0);
	free(b1);
}

/* Run cpu.int and cpu.syscall, 3 repetitions, and interrupt it with SIGINT
 * once run.json holds a repetition (the test hook pauses after each one);
 * a resume while it runs is refused. */
static void interrupted_run(const char *dir)
{
	char *argv[] = { vbench, "run", "--profile", "test", "--workload", "cpu.int,cpu.syscall",
			 "--reps", "3", "--out", (char *)dir, NULL };
	json_t *doc;
	pid_t pid;

	pid = vb_test_spawn(argv, "VBENCH_TEST_REP_PAUSE_MS=5000");
	vb_test_wait_reps(dir, 1, 12000);
	/* While it runs (paused after its first repetition): refused, the
	 * directory is locked (runlock.h). */
	{
		static char out[4096];
		char *again[] = { vbench, "run", "--resume", (char *)dir, NULL };
		int rc = run_cmd(again, NULL, out, sizeof(out));

		ck_assert_msg(rc == VB_EXIT_BUSY && strstr(out, "in use by pid"), "exit %d: %s", rc,
			      out);
	}
	kill(pid, SIGINT);
	ck_assert_int_eq(vb_test_reap(pid), 130);
	doc = vb_test_load_run(dir, 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "interrupted");
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 1);
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}

START_TEST(test_resume_completes)
{
	static char out[1 << 16];
	char dir[PATH_MAX], other[PATH_MAX], path[PATH_MAX], cmd[3 * PATH_MAX], *warnings;
	char *resume[] = { vbench, "run", "--resume", dir, NULL };
	json_t *first, *doc, *r, *r0;
	size_t i, n;
	int rc, seen[7] = { 0 };

	snprintf(dir, sizeof(dir), "%s/resume", tmpdir);
	interrupted_run(dir);
	first = vb_test_load_run(dir, 0);
	/* Refusals leave run.json as it is. */
	assert_refused(dir, "--reps", "option --reps '5' differs from the run's '3'");
	snprintf(other, sizeof(other), "%s/other-host", tmpdir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", dir, other);
	ck_assert_int_eq(system(cmd), 0);
	doc = vb_test_load_run(other, 0);
	json_object_set_new(json_object_get(json_object_get(doc, "host"), "cpu"), "brand",
			    json_string("Imaginary CPU 1"));
	snprintf(path, sizeof(path), "%s/run.json", other);
	ck_assert_int_eq(json_dump_file(doc, path, JSON_INDENT(1)), 0);
	json_decref(doc);
	assert_refused(other, NULL, "host cpu model '");
	assert_refused(other, NULL, "differs from the run's 'Imaginary CPU 1'");

	rc = run_cmd(resume, NULL, out, sizeof(out));
	ck_assert_msg(rc == 0, "vbench run --resume exited %d:\n%s", rc, out);
	VB_ASSERT_NO_DEBRIS(last_pid, out);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	rc = vb_test_validate(path, out, sizeof(out));
	ck_assert_msg(rc == 0, "resumed run.json does not validate: %s", out);
	doc = vb_test_load_run(dir, 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	n = json_array_size(json_object_get(doc, "repetitions"));
	ck_assert_uint_eq(n, 3 * 2 * 1); /* reps x workloads x environments */
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		json_int_t seq = json_integer_value(json_object_get(r, "seq"));
		ck_assert(seq >= 1 && seq <= 6);
		ck_assert_msg(!seen[seq], "seq %d twice", (int)seq);
		seen[seq] = 1;
		ck_assert(json_is_true(json_object_get(r, "ok")));
		ck_assert_int_eq(json_integer_value(json_object_get(r, "session")), i < 1 ? 1 : 2);
	}
	/* The first session's repetition, value for value. */
	r0 = json_array_get(json_object_get(first, "repetitions"), 0);
	ck_assert(json_equal(r0, json_array_get(json_object_get(doc, "repetitions"), 0)));
	/* The same calibrated sizes. */
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "workloads")), 2);
	json_array_foreach(json_object_get(first, "workloads"), i, r) {
		ck_assert_ptr_nonnull(json_object_get(r, "params"));
		ck_assert(json_equal(json_object_get(r, "params"),
				     json_object_get(json_array_get(json_object_get(doc, "workloads"), i),
						     "params")));
	}
	ck_assert(json_equal(json_object_get(first, "schedule"), json_object_get(doc, "schedule")));
	ck_assert(json_equal(json_object_get(first, "command"), json_object_get(doc, "command")));
	/* Two sessions, the second resumed; the first's environment kept. */
	r = json_object_get(doc, "sessions");
	ck_assert_uint_eq(json_array_size(r), 2);
	ck_assert(json_is_false(json_object_get(json_array_get(r, 0), "resumed")));
	ck_assert(json_is_true(json_object_get(json_array_get(r, 1), "resumed")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(r, 0), "repetitions_added")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(r, 1), "repetitions_added")), 5);
	ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(r, 0), "environments")), 1);
	warnings = json_dumps(json_object_get(doc, "warnings"), 0);
	ck_assert_ptr_nonnull(strstr(warnings, "measured in 2 sessions"));
	free(warnings);
	json_decref(doc);
	json_decref(first);

	/* A complete run: nothing to resume, exit 0, run.json as it was. */
	{
		char *b0 = run_bytes(dir), *b1;

		rc = run_cmd(resume, NULL, out, sizeof(out));
		ck_assert_msg(rc == 0, "resume of a complete run: exit %d: %s", rc, out);
		ck_assert_msg(strstr(out, "nothing to resume") && strchr(out, '\n') == out + strlen(out) - 1,
			      "%s", out);
		b1 = run_bytes(dir);
		ck_assert_str_eq(b0, b1);
		free(b0);
		free(b1);
	}
}
END_TEST

/* No run.json, a corrupt one, another schema: one line, exit 2. */
START_TEST(test_resume_bad_dir)
{
	char dir[PATH_MAX], path[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/no-run", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	assert_refused(dir, NULL, "no run.json");
	snprintf(path, sizeof(path), "%s/run.json", dir);
	ck_assert_int_eq(vb_write_file(path, "{\"schema\": \"vbench-run\", \"sch", 30, NULL), 0);
	assert_refused(dir, NULL, "run.json");
	ck_assert_int_eq(vb_write_file(path, "[1, 2]", 6, NULL), 0);
	assert_refused(dir, NULL, "field 'schema' is not \"vbench-run\"");
	snprintf(dir, sizeof(dir), "%s/does-not-exist", tmpdir);
	assert_refused(dir, NULL, "no run.json");
}
END_TEST

Suite *vb_suite_integration(void)
{
	Suite *s = suite_create("integration");
	TCase *tc = tcase_create("bare");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_bare_every_workload);
	tcase_add_test(tc, test_schema_rejects_invalid);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_wrong_answer_recorded);
	tcase_add_test(tc, test_sigint_keeps_results);
	tcase_add_test(tc, test_fresh_instance);
	tcase_add_test(tc, test_list_and_doctor);
	suite_add_tcase(s, tc);
	tc = tcase_create("resume");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_resume_completes);
	tcase_add_test(tc, test_resume_bad_dir);
	suite_add_tcase(s, tc);
	return s;
}
