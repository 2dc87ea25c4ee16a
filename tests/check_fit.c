/*
 * check_fit.c - output that fits (issue #14): with COLUMNS at 80, 120 and 200,
 * no line of `vbench explain`, `vbench plan`, `vbench doctor` and every
 * --help wider than that (explain and plan on the committed fixture
 * tests/fixtures/run-density-noisy.json); under a pseudo-terminal 60
 * columns wide, the live status line of `vbench run` cut to 59; `vbench
 * run --quiet` printing the run directory alone.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "bench/cmd.h"
#include "lib/term.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE "tests/fixtures/run-density-noisy.json"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "fit"), 0);
}

static void teardown(void)
{
	unsetenv("COLUMNS");
	vb_test_rmdtemp(tmpdir);
}

/* ---- every command's output at 80, 120 and 200 columns ---- */

static const char plan_ini[] = "[host]\ncpus = 16\nmemory = 64G\ndisk = 2T\niops = 40000\n"
			       "[service web]\ncpu = 1\nmemory = 12G\ndisk = 80G\n"
			       "[service database-with-a-long-name]\ncpu = 1.2\nmemory = 20G\n"
			       "disk = 400G\nio = 2500\n";

START_TEST(test_fit_width)
{
	static const unsigned widths[] = { 80, 120, 200 };
	char run[PATH_MAX], ini[PATH_MAX], what[64], cols[16], *out, *err;
	size_t i, w;
	int rc;

	vb_test_fixture_run(run, sizeof(run), tmpdir, "run", FIXTURE);
	vb_test_put_text(tmpdir, "p.ini", plan_ini);
	snprintf(ini, sizeof(ini), "%s/p.ini", tmpdir);
	for (w = 0; w < VB_ARRAY_SIZE(widths); w++) {
		snprintf(cols, sizeof(cols), "%u", widths[w]);
		setenv("COLUMNS", cols, 1);
		rc = vb_test_vbench(NULL, &out, &err, "explain", run, NULL);
		ck_assert_msg(rc == 0, "explain: exit %d: %s", rc, err);
		ck_assert_ptr_nonnull(strstr(out, "Claims, judged on this run"));
		ck_assert_ptr_null(strstr(out, "**"));
		vb_test_assert_fits(out, widths[w], "vbench explain");
		free(out);
		free(err);
		rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", run, ini, NULL);
		ck_assert_msg(rc == 0, "plan: exit %d: %s", rc, err);
		ck_assert_ptr_nonnull(strstr(out, "hosted"));
		vb_test_assert_fits(out, widths[w], "vbench plan");
		free(out);
		free(err);
		rc = vb_test_vbench(NULL, &out, &err, "doctor", NULL);
		ck_assert_msg(rc == 0, "doctor: exit %d: %s", rc, err);
		ck_assert_ptr_nonnull(strstr(out, "counter sources:\n"));
		ck_assert_ptr_null(strstr(out, "{\""));
		vb_test_assert_fits(out, widths[w], "vbench doctor");
		free(out);
		free(err);
		rc = vb_test_vbench(NULL, &out, &err, "--help", NULL);
		ck_assert_int_eq(rc, 0);
		vb_test_assert_fits(out, widths[w], "vbench --help");
		free(out);
		free(err);
		static const char *const fleet_cmds[] = { "submit", "status", "cancel", "collect", "task", "pack" };

		for (i = 0; i < vb_cmd_count(); i++) {
			rc = vb_test_vbench(NULL, &out, &err, vb_cmd_at(i)->name, "--help", NULL);
			ck_assert_int_eq(rc, 0);
			snprintf(what, sizeof(what), "vbench %s --help", vb_cmd_at(i)->name);
			vb_test_assert_fits(out, widths[w], what);
			free(out);
			free(err);
		}
		for (i = 0; i < VB_ARRAY_SIZE(fleet_cmds); i++) {
			rc = vb_test_vbench(NULL, &out, &err, "fleet", fleet_cmds[i], "--help", NULL);
			ck_assert_int_eq(rc, 0);
			snprintf(what, sizeof(what), "vbench fleet %s --help", fleet_cmds[i]);
			ck_assert_msg(strstr(out, "usage: vbench fleet "), "%s", out);
			vb_test_assert_fits(out, widths[w], what);
			free(out);
			free(err);
		}
	}
}
END_TEST

/* ---- the status line under a terminal ---- */

/* Run vbench with @argv[1..] under a pseudo-terminal @cols wide; all it wrote. */
static char *under_pty(char *const argv[], unsigned short cols)
{
	struct winsize ws = { .ws_row = 24, .ws_col = cols };
	char *buf = NULL, chunk[4096];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int m = posix_openpt(O_RDWR | O_NOCTTY), s, st;
	struct pollfd p;
	ssize_t n;
	pid_t pid;

	ck_assert_int_ge(m, 0);
	ck_assert_int_eq(grantpt(m), 0);
	ck_assert_int_eq(unlockpt(m), 0);
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(ioctl(s, TIOCSWINSZ, &ws), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setsid();
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		close(m);
		unsetenv("COLUMNS"); /* the terminal's width, not the variable */
		execv(argv[0], argv);
		_exit(127);
	}
	close(s);
	p = (struct pollfd){ .fd = m, .events = POLLIN };
	while (poll(&p, 1, 120000) > 0 && (n = read(m, chunk, sizeof(chunk))) > 0)
		fwrite(chunk, 1, (size_t)n, f);
	close(m);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	fclose(f);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit %d: %s", st, buf);
	return buf;
}

START_TEST(test_status_line_width)
{
	char vbench[PATH_MAX], out[PATH_MAX], *text, *p, *end;
	char *argv[] = { vbench, "run",	   "--env", "bare", "--workload", "cpu.syscall,mem.stream",
			 "--profile", "test", "--reps", "3", "--out", out, NULL };
	size_t n = 0;

	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	snprintf(out, sizeof(out), "%s/run", tmpdir);
	text = under_pty(argv, 60); /* the line is about 75 columns here */
	/* each rewrite of the status line: "\r\033[K[k/n] ...", up to the next \r or \n */
	for (p = text; (p = strstr(p, "\r\033[K[")); p = end) {
		p += 4;
		end = p + strcspn(p, "\r\n");
		ck_assert_msg(vb_term_cols(p, (size_t)(end - p)) <= 59,
			      "status line of %zu columns: '%.*s'", vb_term_cols(p, (size_t)(end - p)),
			      (int)(end - p), p);
		n++;
	}
	ck_assert_msg(n >= 6, "%zu status lines in: %s", n, text);
	/* and every other line, the notes at the start (the virtualized host's
	 * took 150 columns) and the summary at the end: within 60 */
	vb_test_assert_fits(text, 60, "vbench run under a 60-column terminal");
	free(text);
}
END_TEST

/* The acceptance's case: `vbench run --all` under an 80-column terminal,
 * unavailable environments' reasons (docker's, kvm's: 200 columns) and
 * the guest image's preparation included (one repetition: quick here). */
START_TEST(test_run_all_fits)
{
	char vbench[PATH_MAX], out[PATH_MAX], *text;
	char *argv[] = { vbench, "run", "--all", "--workload", "cpu.syscall", "--profile", "test",
			 "--reps", "1", "--out", out, NULL };

	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	snprintf(out, sizeof(out), "%s/all", tmpdir);
	text = under_pty(argv, 80);
	ck_assert_ptr_nonnull(strstr(text, "What each kind of virtualization costs here"));
	vb_test_assert_fits(text, 80, "vbench run --all under an 80-column terminal");
	free(text);
}
END_TEST

/* --quiet: the run directory on stdout, nothing else (no table, no NOTE: the
 * virtualized host's note was printed twice and the table in full). */
START_TEST(test_run_quiet)
{
	char dir[PATH_MAX], want[PATH_MAX + 2], *out, *err;
	int rc;

	snprintf(dir, sizeof(dir), "%s/q", tmpdir);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.syscall",
			    "--profile", "test", "--reps", "2", "--quiet", "--out", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	snprintf(want, sizeof(want), "%s\n", dir);
	ck_assert_str_eq(out, want);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
}
END_TEST

Suite *vb_suite_fit(void)
{
	Suite *s = suite_create("fit");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_fit_width);
	tcase_add_test(tc, test_status_line_width);
	tcase_add_test(tc, test_run_all_fits);
	tcase_add_test(tc, test_run_quiet);
	suite_add_tcase(s, tc);
	return s;
}
