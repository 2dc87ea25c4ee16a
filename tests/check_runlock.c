/*
 * check_runlock.c - one vbench at a time in a run directory (issue 11,
 * case 9): the lock itself (harness/core/runlock.h), then the real vbench held
 * at a test point (testpoint.h) while a second one tries the same
 * directory: two runs with the same --out, two --resume of one run, a run
 * and `vbench report`.  The second exits VB_EXIT_BUSY at once with one
 * line naming the holder; the first finishes as if alone.
 */
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

#include "harness/core/runlock.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char root[PATH_MAX];   /* of the test case (unchecked fixture) */
static char tmpdir[PATH_MAX]; /* of one test */
static char vbench[PATH_MAX];

static void setup(void)
{
	vb_test_mkdtemp(root, sizeof(root), "ltest");
}

static void teardown(void)
{
	vb_test_rmdtemp(root);
}

static void begin(const char *test)
{
	vb_test_case_dir(tmpdir, sizeof(tmpdir), root, test);
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
}

/* A refusal because the directory is in use: exit 5, nothing on stdout,
 * one line naming the holder @pid and its command (@cmd).  Frees both. */
static void expect_busy(int rc, char *out, char *err, pid_t pid, const char *cmd)
{
	char want[48];

	snprintf(want, sizeof(want), "in use by pid %d (", (int)pid);
	ck_assert_msg(rc == VB_EXIT_BUSY, "exit %d (stderr: %s)", rc, err);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	ck_assert_msg(strstr(err, want), "'%s' not in: %s", want, err);
	ck_assert_msg(strstr(err, cmd), "'%s' not in: %s", cmd, err);
	ck_assert_msg(strstr(err, " since "), "no start time in: %s", err);
	free(out);
	free(err);
}

/* Let stopped @pid go on and return its exit code. */
static int resume_and_reap(pid_t pid)
{
	kill(pid, SIGCONT);
	return vb_test_reap(pid);
}

/* ---- the lock ---- */

START_TEST(test_lock_exclusive)
{
	char path[PATH_MAX + 32];
	int p[2], dfd, fd;
	vb_error_t err;
	pid_t child;
	char c;

	begin(__func__);
	dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(pipe(p), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(p[0]);
		if (vb_runlock_take(dfd, tmpdir, &err) < 0)
			_exit(1);
		if (write(p[1], "k", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	vb_error_clear(&err);
	ck_assert_int_lt(vb_runlock_take(dfd, tmpdir, &err), 0);
	ck_assert_int_eq(err.code, VB_EBUSY);
	ck_assert_int_eq(vb_error_exit_code(&err), VB_EXIT_BUSY);
	snprintf(path, sizeof(path), "in use by pid %d (", (int)child);
	ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, tmpdir), "%s", err.msg);
	kill(child, SIGKILL); /* its lock ends with it */
	waitpid(child, NULL, 0);
	fd = vb_runlock_take(dfd, tmpdir, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/" VB_RUNLOCK_NAME, tmpdir);
	ck_assert_int_eq(access(path, F_OK), 0);
	vb_runlock_release(dfd, &fd);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_ne(access(path, F_OK), 0); /* a finished directory has no lock file */
	/* a link in the lock file's place is refused, its target untouched */
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_int_lt(vb_runlock_take(dfd, tmpdir, &err), 0);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "symbolic link"));
	close(dfd);
}
END_TEST

/* ---- the real vbench ---- */

/* Start `vbench run ... --out @dir` stopped at test point @stop; its PID. */
static pid_t held_run(const char *dir, const char *stop, const char *reps)
{
	char stop_kv[64];
	char *argv[] = { vbench, "run", "--env", "bare", "--workload", "cpu.int", "--profile",
			 "test", "--reps", (char *)reps, "--out", (char *)dir, NULL };
	const char *env[] = { stop_kv, NULL };
	pid_t pid;

	snprintf(stop_kv, sizeof(stop_kv), "VBENCH_TEST_STOP_AT=%s", stop);
	pid = vb_test_spawn_log(argv, env, NULL);
	ck_assert_msg(vb_test_wait_stopped(pid, 60000), "vbench did not reach %s", stop);
	return pid;
}

START_TEST(test_two_runs_same_out)
{
	char dir[PATH_MAX], other[PATH_MAX], *out, *err;
	json_t *doc;
	pid_t first;
	int rc;

	begin(__func__);
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	first = held_run(dir, "workload:bare:1", "2");
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.int",
			    "--profile", "test", "--out", dir, NULL);
	expect_busy(rc, out, err, first, "vbench run");
	/* run and report: the report waits for nothing, it refuses */
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	expect_busy(rc, out, err, first, "vbench run");
	snprintf(other, sizeof(other), "%s/other", tmpdir);
	vb_test_write_run(other, (doc = vb_test_load_fixture("tests/fixtures/run-bare-container.json")));
	json_decref(doc);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--out", dir, other, NULL);
	expect_busy(rc, out, err, first, "vbench run");
	ck_assert_int_eq(resume_and_reap(first), 0);
	doc = vb_test_load_run(dir, 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 2);
	json_decref(doc);
	snprintf(other, sizeof(other), "%s/" VB_RUNLOCK_NAME, dir);
	ck_assert_int_ne(access(other, F_OK), 0);
	VB_ASSERT_NO_DEBRIS(first, NULL);
}
END_TEST

START_TEST(test_two_resumes)
{
	char dir[PATH_MAX], *out, *err;
	char *argv[] = { vbench, "run", "--env", "bare", "--workload", "cpu.int", "--profile",
			 "test", "--reps", "3", "--out", dir, NULL };
	char *resume[] = { vbench, "run", "--resume", dir, NULL };
	const char *pause_env[] = { "VBENCH_TEST_REP_PAUSE_MS=60000", NULL };
	const char *stop_env[] = { "VBENCH_TEST_STOP_AT=workload:bare:1", NULL };
	json_t *doc, *r;
	size_t i;
	pid_t pid;
	int rc, seen[4] = { 0 };

	begin(__func__);
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	pid = vb_test_spawn_log(argv, pause_env, NULL);
	json_decref(vb_test_sigint_run(pid, dir, 1, 3, 1));
	pid = vb_test_spawn_log(resume, stop_env, NULL);
	ck_assert_msg(vb_test_wait_stopped(pid, 60000), "the first resume did not stop");
	rc = vb_test_vbench(NULL, &out, &err, "run", "--resume", dir, NULL);
	expect_busy(rc, out, err, pid, "--resume");
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	expect_busy(rc, out, err, pid, "--resume");
	ck_assert_int_eq(resume_and_reap(pid), 0);
	/* every repetition measured exactly once */
	doc = vb_test_load_run(dir, 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 3);
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		json_int_t rep = json_integer_value(json_object_get(r, "rep"));

		ck_assert(rep >= 1 && rep <= 3);
		ck_assert_msg(!seen[rep]++, "repetition %d recorded twice", (int)rep);
	}
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

Suite *vb_suite_runlock(void)
{
	Suite *s = suite_create("runlock");
	TCase *tc = tcase_create("runlock");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_lock_exclusive);
	tcase_add_test(tc, test_two_runs_same_out);
	tcase_add_test(tc, test_two_resumes);
	suite_add_tcase(s, tc);
	return s;
}
