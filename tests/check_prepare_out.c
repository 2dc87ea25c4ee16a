/*
 * check_prepare_out.c - the run directory (harness/run/prepare_out.c): a
 * run that fails before writing anything leaves no empty run directory,
 * but a directory that existed before is never removed, and one that
 * holds a run.json is kept.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "lib/util.h"
#include "tests/preparetest.h"
#include "tests/tests.h"

/* The fixture's paths (preparetest.h), by their short names. */
static char *const vbench = vb_preparetest_vbench;
static char *const tmpdir = vb_preparetest_dir;

START_TEST(test_failed_run_leaves_no_empty_dir)
{
	char results[PATH_MAX], given[PATH_MAX], existing[PATH_MAX], stub[PATH_MAX];
	static char out[8192];
	char *bad[] = { vbench, "run", "--profile", "test", "--workload", "io.seqread",
			"--scratch", "/nonexistent/vbench-dir", NULL, NULL, NULL };
	int rc;

	/* The default results/<stamp>-<host>, created by the run: removed. */
	rc = vb_preparetest_run_in(tmpdir, NULL, bad, out, sizeof(out));
	ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
	snprintf(results, sizeof(results), "%s/results", tmpdir);
	ck_assert_msg(vb_preparetest_entries(results) < 0, "%s left behind (%d entries) after a failed run",
		      results, vb_preparetest_entries(results));
	/* ... and a results/ that existed is kept (empty). */
	ck_assert_int_eq(mkdir(results, 0755), 0);
	rc = vb_preparetest_run_in(tmpdir, NULL, bad, out, sizeof(out));
	ck_assert_int_eq(rc, 2);
	ck_assert_int_eq(vb_preparetest_entries(results), 0);
	/* A given --out that did not exist: created here, so removed. */
	snprintf(given, sizeof(given), "%s/new-out", tmpdir);
	bad[8] = "--out";
	bad[9] = given;
	rc = vb_preparetest_run_in(tmpdir, NULL, bad, out, sizeof(out));
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(access(given, F_OK) < 0, "%s left behind", given);
	/* An --out that existed before (empty): kept. */
	snprintf(existing, sizeof(existing), "%s/existing", tmpdir);
	ck_assert_int_eq(mkdir(existing, 0755), 0);
	bad[9] = existing;
	rc = vb_preparetest_run_in(tmpdir, NULL, bad, out, sizeof(out));
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(vb_preparetest_entries(existing) == 0, "%s was removed or written", existing);
	/* A run that failed after writing run.json keeps its directory. */
	snprintf(stub, sizeof(stub), "%s/nothing-ran", tmpdir);
	{
		char *none[] = { vbench, "run", "--profile", "test", "--env", "docker",
				 "--workload", "cpu.int", "--out", stub, NULL };
		/* no docker daemon, whatever this host runs */
		rc = vb_preparetest_run_in(tmpdir, "DOCKER_HOST=unix:///nonexistent/docker.sock",
					   none, out, sizeof(out));
		ck_assert_msg(rc != 0 && rc != 2, "exit %d: %s", rc, out);
		ck_assert_msg(vb_preparetest_entries(stub) > 0, "%s: the run directory was removed", stub);
	}
}
END_TEST

Suite *vb_suite_prepare_out(void)
{
	Suite *s = suite_create("prepare_out");
	TCase *tc = tcase_create("prepare_out");

	tcase_add_checked_fixture(tc, vb_preparetest_setup, vb_preparetest_teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_failed_run_leaves_no_empty_dir);
	suite_add_tcase(s, tc);
	return s;
}
