/*
 * check_paths.c - hostile paths and files around a run directory, driven
 * through the real vbench (issue 11, cases 4 and 10 and the small ones).
 *
 * No write may leave the run directory through a symbolic link: a link in
 * the path the user gave is refused with one line naming it (exit 2), a
 * link inside the run directory (charts/, agent.log) is refused the same
 * way before anything is written, and a link in a file's place (a chart,
 * report.md) is replaced, never followed; every victim the links point at
 * must keep its content.  A FIFO, a directory or a device where vbench
 * reads a file is one line naming it and what it is, at once (a hang runs
 * into the test's timeout).  --out is normalised lexically and a failed
 * run removes every directory it created; a path with a control character
 * is refused.  A gnuplot that hangs cannot hold `vbench report` beyond its
 * overall budget.
 *
 * Each case works in its own private directory under /var/tmp, removed by
 * an unchecked fixture (also after a failed assertion).
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
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "harness/env/vm_qemu.h"
#include "lib/util.h"
#include "harness/env/vm_log.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE "tests/fixtures/run-bare-container.json"

static char root[PATH_MAX];   /* of the test case (unchecked fixture) */
static char tmpdir[PATH_MAX]; /* of one test: root/<test> */

static void setup(void)
{
	vb_test_mkdtemp(root, sizeof(root), "pathtest");
}

static void teardown(void)
{
	vb_test_rmdtemp(root);
}

/* Each test in its own directory under the case's root. */
static void begin(const char *test)
{
	vb_test_case_dir(tmpdir, sizeof(tmpdir), root, test);
}

/* ---- helpers ---- */

/* @tmpdir/@rel into @buf. */
static char *at(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", tmpdir, rel);
	return buf;
}

/* A run directory @rel holding the fixture as run.json; its path into @buf. */
static char *run_dir(char *buf, size_t len, const char *rel)
{
	return vb_test_fixture_run(buf, len, tmpdir, rel, FIXTURE);
}

static void make_link(const char *target, const char *path)
{
	ck_assert_msg(symlink(target, path) == 0, "symlink %s: %s", path, strerror(errno));
}

/* ---- case 4: no writes through symbolic links ---- */

/* DIR/charts a link to another directory: refused before anything is
 * written, the other directory untouched. */
START_TEST(test_report_charts_link)
{
	char dir[PATH_MAX], victim[PATH_MAX], p[PATH_MAX], *out, *err;
	int rc;

	begin(__func__);
	run_dir(dir, sizeof(dir), "run");
	vb_test_put_text(at(victim, sizeof(victim), "victim"), "overhead.svg", "keep svg");
	vb_test_put_text(victim, "overhead.dat", "keep dat");
	snprintf(p, sizeof(p), "%s/charts", dir);
	make_link(victim, p);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	vb_test_expect_refusal(rc, out, err, "charts", "symbolic link");
	snprintf(p, sizeof(p), "%s/overhead.svg", victim);
	vb_test_assert_content(p, "keep svg");
	snprintf(p, sizeof(p), "%s/overhead.dat", victim);
	vb_test_assert_content(p, "keep dat");
	ck_assert_int_eq(vb_test_entries(victim), 2);
	snprintf(p, sizeof(p), "%s/report.md", dir);
	ck_assert_int_ne(access(p, F_OK), 0); /* nothing written */
}
END_TEST

/* A link in a file's place (a chart, report.md) is replaced, never followed. */
START_TEST(test_report_file_links_replaced)
{
	static const char *const names[] = { "charts/overhead.svg", "charts/overhead.dat",
					     "charts/overhead.png", "report.md", "summary.json",
					     "samples.jsonl" };
	char dir[PATH_MAX], victim[PATH_MAX], p[PATH_MAX], t[PATH_MAX], *out, *err;
	struct stat st;
	size_t i;
	int rc;

	begin(__func__);
	run_dir(dir, sizeof(dir), "run");
	snprintf(p, sizeof(p), "%s/charts", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	for (i = 0; i < VB_ARRAY_SIZE(names); i++) {
		snprintf(t, sizeof(t), "victim%zu", i);
		vb_test_put_text(tmpdir, t, "keep");
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		make_link(at(victim, sizeof(victim), t), p);
	}
	/* gnuplot's private directory left by a killed report, a link inside */
	vb_test_put_text(tmpdir, "victim-stale", "keep");
	snprintf(p, sizeof(p), "%s/charts/.render-0badf00d", dir);
	vb_test_put_text(p, "overhead.gp", "stale");
	snprintf(p, sizeof(p), "%s/charts/.render-0badf00d/overhead.svg", dir);
	make_link(at(victim, sizeof(victim), "victim-stale"), p);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--quiet", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	vb_test_assert_content(victim, "keep");
	snprintf(p, sizeof(p), "%s/charts", dir);
	ck_assert_int_eq(vb_test_entries(p), 20); /* 5 charts x .dat .gp .svg .png, nothing else */
	for (i = 0; i < VB_ARRAY_SIZE(names); i++) {
		snprintf(t, sizeof(t), "victim%zu", i);
		vb_test_assert_content(at(victim, sizeof(victim), t), "keep");
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		ck_assert_int_eq(lstat(p, &st), 0);
		ck_assert_msg(S_ISREG(st.st_mode), "%s is still a link", p);
	}
}
END_TEST

/* A link anywhere in the path the user gave: one line naming it, exit 2,
 * nothing created behind it. */
START_TEST(test_user_path_link)
{
	char real[PATH_MAX], link[PATH_MAX], out_dir[PATH_MAX], dir[PATH_MAX], *out, *err;
	int rc;

	begin(__func__);
	ck_assert_int_eq(mkdir(at(real, sizeof(real), "real"), 0755), 0);
	make_link(real, at(link, sizeof(link), "link"));
	snprintf(out_dir, sizeof(out_dir), "%s/run", link);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.int",
			    "--profile", "test", "--out", out_dir, NULL);
	vb_test_expect_refusal(rc, out, err, link, "symbolic link");
	ck_assert_int_eq(vb_test_entries(real), 0);
	/* report DIR and report --out DIR the same */
	run_dir(dir, sizeof(dir), "real/run");
	snprintf(out_dir, sizeof(out_dir), "%s/run", link);
	rc = vb_test_vbench(NULL, &out, &err, "report", out_dir, NULL);
	vb_test_expect_refusal(rc, out, err, link, "symbolic link");
	snprintf(out_dir, sizeof(out_dir), "%s/merged", link);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--out", out_dir, dir, NULL);
	vb_test_expect_refusal(rc, out, err, link, "symbolic link");
	rc = vb_test_vbench(NULL, &out, &err, "compare", "--out", out_dir, dir, dir, NULL);
	vb_test_expect_refusal(rc, out, err, link, "symbolic link");
	rc = vb_test_vbench(NULL, &out, &err, "explain", "--out", out_dir, dir, NULL);
	vb_test_expect_refusal(rc, out, err, link, "symbolic link");
	ck_assert_int_eq(vb_test_entries(real), 1); /* run/ only */
}
END_TEST

/* DIR/agent.log a link to another file: --resume refuses, the file keeps
 * its content; without the link the resume completes. */
START_TEST(test_resume_agent_log_link)
{
	char dir[PATH_MAX], log[PATH_MAX], victim[PATH_MAX], vbench[PATH_MAX], *out, *err;
	char *argv[] = { vbench, "run", "--env", "bare", "--workload", "cpu.int", "--profile",
			 "test", "--reps", "3", "--out", dir, NULL };
	const char *env[] = { "VBENCH_TEST_REP_PAUSE_MS=60000", NULL };
	json_t *doc;
	pid_t pid;
	int rc;

	begin(__func__);
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	at(dir, sizeof(dir), "run");
	pid = vb_test_spawn_log(argv, env, NULL);
	json_decref(vb_test_sigint_run(pid, dir, 1, 3, 1));
	vb_test_put_text(tmpdir, "victim", "keep");
	snprintf(log, sizeof(log), "%s/agent.log", dir);
	ck_assert_int_eq(unlink(log), 0);
	make_link(at(victim, sizeof(victim), "victim"), log);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--resume", dir, NULL);
	vb_test_expect_refusal(rc, out, err, "agent.log", "symbolic link");
	vb_test_assert_content(victim, "keep");
	ck_assert_int_eq(unlink(log), 0);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--resume", dir, "--quiet", NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	doc = vb_test_load_run(dir, 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	json_decref(doc);
	vb_test_assert_content(victim, "keep");
}
END_TEST

/* A VM's logs: opened beneath the run directory (a link or a FIFO in their
 * place refused, naming it), the console handed to QEMU as a descriptor. */
START_TEST(test_vm_logs_by_descriptor)
{
	char p[PATH_MAX], victim[PATH_MAX];
	vb_qemu_cfg_t c = { .vcpus = 1, .memory = 64ull << 20, .kernel = "/boot/vmlinux",
			    .console_log = "/nonexistent/console-hosted.log" };
	vb_argv_t a;
	vb_error_t err;
	size_t i;
	int dfd, fd, fdset = 0, chardev = 0;

	begin(__func__);
	dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	vb_test_put_text(tmpdir, "victim", "keep");
	make_link(at(victim, sizeof(victim), "victim"), at(p, sizeof(p), "console-hosted.log"));
	ck_assert_int_lt(vb_vm_log_open(dfd, "console-hosted.log", p, &err), 0);
	ck_assert_msg(strstr(err.msg, p) && strstr(err.msg, "symbolic link"), "%s", err.msg);
	vb_test_assert_content(victim, "keep");
	ck_assert_int_eq(mkfifo(at(p, sizeof(p), "qemu-hosted.log"), 0644), 0);
	ck_assert_int_lt(vb_vm_log_open(dfd, "qemu-hosted.log", p, &err), 0); /* never blocks */
	fd = vb_vm_log_open(dfd, "console-kvm.log", "console-kvm.log", &err);
	ck_assert_msg(fd > 2, "%s", err.msg);
	close(dfd);
	c.console_fd = fd;
	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	for (i = 0; i < a.n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "fd=%d,set=", fd);
		fdset += !strncmp(a.v[i], want, strlen(want));
		chardev += !strncmp(a.v[i], "file,id=con,path=/dev/fdset/", 28);
		ck_assert_msg(!strstr(a.v[i], "/nonexistent/"), "QEMU given the path: %s", a.v[i]);
	}
	ck_assert_int_eq(fdset, 1);
	ck_assert_int_eq(chardev, 1);
	vb_argv_free(&a);
	close(fd);
}
END_TEST

/* ---- case 10 and the small cases: what is read must be a regular file ---- */

/* @rc, @out, @err: a refusal naming @file and saying it is @what. */
static void expect_not_regular(int rc, char *out, char *err, const char *file, const char *what)
{
	char want[64];

	snprintf(want, sizeof(want), "is %s, not a regular file", what);
	vb_test_expect_refusal(rc, out, err, file, want);
}

START_TEST(test_fifo_run_json)
{
	char dir[PATH_MAX], good[PATH_MAX], p[PATH_MAX], plan[PATH_MAX], *out, *err;
	char text[PATH_MAX + 128];
	int rc;

	begin(__func__);
	run_dir(good, sizeof(good), "good");
	ck_assert_int_eq(mkdir(at(dir, sizeof(dir), "fifo"), 0755), 0);
	snprintf(p, sizeof(p), "%s/run.json", dir);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	expect_not_regular(rc, out, err, p, "a FIFO");
	rc = vb_test_vbench(NULL, &out, &err, "run", "--resume", dir, NULL);
	expect_not_regular(rc, out, err, p, "a FIFO");
	rc = vb_test_vbench(NULL, &out, &err, "compare", good, dir, NULL);
	expect_not_regular(rc, out, err, p, "a FIFO");
	rc = vb_test_vbench(NULL, &out, &err, "explain", dir, NULL);
	expect_not_regular(rc, out, err, p, "a FIFO");
	snprintf(text, sizeof(text),
		 "[service s]\nfrom_run = %s\nworkload = cpu.syscall\nop_rate = 1000\nmemory = 1G\n",
		 dir);
	vb_test_put_text(tmpdir, "from-fifo.ini", text);
	rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", good,
			    at(plan, sizeof(plan), "from-fifo.ini"), NULL);
	expect_not_regular(rc, out, err, p, "a FIFO");
	/* the plan file itself */
	ck_assert_int_eq(mkfifo(at(plan, sizeof(plan), "plan.ini"), 0644), 0);
	rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", good, plan, NULL);
	expect_not_regular(rc, out, err, plan, "a FIFO");
	/* plan --run DIR with DIR/run.json a FIFO */
	snprintf(text, sizeof(text), "%s/examples/consolidate.ini", vb_test_srcdir());
	rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", dir, text, NULL);
	expect_not_regular(rc, out, err, p, "a FIFO");
	/* --kernel */
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "hosted", "--kernel", plan, "--out",
			    at(p, sizeof(p), "vm"), NULL);
	expect_not_regular(rc, out, err, plan, "a FIFO");
	ck_assert_int_ne(access(p, F_OK), 0);
}
END_TEST

/* A run.json that is a directory or a device, and one that is missing. */
START_TEST(test_run_json_not_a_file)
{
	char dir[PATH_MAX], good[PATH_MAX], p[PATH_MAX], *out, *err;
	int rc;

	begin(__func__);
	run_dir(good, sizeof(good), "good");
	ck_assert_int_eq(mkdir(at(dir, sizeof(dir), "d"), 0755), 0);
	snprintf(p, sizeof(p), "%s/run.json", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	expect_not_regular(rc, out, err, p, "a directory");
	rc = vb_test_vbench(NULL, &out, &err, "compare", good, dir, NULL);
	expect_not_regular(rc, out, err, p, "a directory");
	ck_assert_int_eq(rmdir(p), 0);
	ck_assert_int_eq(mknod(p, S_IFCHR | 0644, makedev(1, 5)), 0); /* /dev/zero */
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	expect_not_regular(rc, out, err, p, "a character device");
	ck_assert_int_eq(unlink(p), 0);
	make_link("/dev/zero", p);
	rc = vb_test_vbench(NULL, &out, &err, "explain", dir, NULL);
	expect_not_regular(rc, out, err, p, "a character device");
	ck_assert_int_eq(unlink(p), 0);
	/* missing: the reason, and never a line number below 1 */
	rc = vb_test_vbench(NULL, &out, &err, "compare", good, dir, NULL);
	ck_assert_msg(!strstr(err, "line -1") && !strstr(err, "line 0"), "%s", err);
	vb_test_expect_refusal(rc, out, err, p, "No such file or directory");
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	ck_assert_msg(!strstr(err, "line -1"), "%s", err);
	vb_test_expect_refusal(rc, out, err, p, "No such file or directory");
}
END_TEST

/* ---- --out: normalised, undone on failure, no control characters ---- */

START_TEST(test_out_normalised_and_undone)
{
	char work[PATH_MAX], p[PATH_MAX], *out, *err;
	int rc;

	begin(__func__);
	ck_assert_int_eq(mkdir(at(work, sizeof(work), "w"), 0755), 0);
	/* refused after the run directory was made (the scratch is missing) */
	rc = vb_test_vbench(work, &out, &err, "run", "--env", "bare", "--workload", "io.seqread",
			    "--profile", "test", "--scratch", "/nonexistent-scratch", "--out",
			    "a/../b/../../x", NULL);
	vb_test_expect_refusal(rc, out, err, "--scratch", NULL);
	ck_assert_int_eq(vb_test_entries(work), 0); /* neither a nor b */
	ck_assert_int_ne(access(at(p, sizeof(p), "x"), F_OK), 0);
	rc = vb_test_vbench(work, &out, &err, "run", "--env", "bare", "--workload", "io.seqread",
			    "--profile", "test", "--scratch", "/nonexistent-scratch", "--out",
			    "a/b/c", NULL);
	vb_test_expect_refusal(rc, out, err, "--scratch", NULL);
	ck_assert_int_eq(vb_test_entries(work), 0); /* every level it made */
}
END_TEST

START_TEST(test_control_characters_refused)
{
	char p[PATH_MAX], *out, *err;
	int rc;

	begin(__func__);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.int",
			    "--profile", "test", "--out", at(p, sizeof(p), "new\nline"), NULL);
	vb_test_expect_refusal(rc, out, err, "--out", "control character");
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "io.seqread",
			    "--profile", "test", "--out", at(p, sizeof(p), "o"), "--scratch",
			    "/tmp/\033[2J", NULL);
	vb_test_expect_refusal(rc, out, err, "--scratch", "control character");
	rc = vb_test_vbench(NULL, &out, &err, "report", "--out", at(p, sizeof(p), "o\tut"),
			    FIXTURE, NULL);
	vb_test_expect_refusal(rc, out, err, "--out", "control character");
	rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", "r\nun", "x.ini", NULL);
	vb_test_expect_refusal(rc, out, err, "--run", "control character");
	ck_assert_int_eq(vb_test_entries(tmpdir), 0);
}
END_TEST

/* A 120 KiB path in an error: its middle is cut, the reason survives. */
START_TEST(test_huge_path_keeps_reason)
{
	size_t n = 120u << 10, i;
	char *huge = malloc(n + 1), *out, *err;
	int rc;

	begin(__func__);
	ck_assert_ptr_nonnull(huge);
	for (i = 0; i < n; i++)
		huge[i] = i % 64 == 0 ? '/' : 'a';
	huge[n] = '\0';
	rc = vb_test_vbench(NULL, &out, &err, "compare", huge, huge, NULL);
	ck_assert_msg(strstr(err, "[... ") && strstr(err, " bytes ...]"), "%.300s", err);
	vb_test_expect_refusal(rc, out, err, "no such run directory", NULL);
	free(huge);
}
END_TEST

/* ---- a hanging gnuplot: the report's charts have an overall budget ---- */

START_TEST(test_gnuplot_hang_capped)
{
	char dir[PATH_MAX], bin[PATH_MAX], log[PATH_MAX], vbench[PATH_MAX], path_kv[PATH_MAX + 64];
	char *argv[] = { vbench, "report", dir, NULL };
	const char *env[] = { path_kv, "VBENCH_TEST_CHARTS_BUDGET_MS=1500", NULL };
	struct timespec t0, t1;
	double s;
	char *text;
	int rc;

	begin(__func__);
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	run_dir(dir, sizeof(dir), "run");
	vb_test_put_text(at(bin, sizeof(bin), "bin"), "gnuplot", "#!/bin/sh\nexec sleep 600\n");
	snprintf(log, sizeof(log), "%s/gnuplot", bin);
	ck_assert_int_eq(chmod(log, 0755), 0);
	snprintf(path_kv, sizeof(path_kv), "PATH=%s:%s", bin, getenv("PATH") ?: "/usr/bin:/bin");
	at(log, sizeof(log), "report.log");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = vb_test_reap(vb_test_spawn_log(argv, env, log));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	text = vb_read_file(log, 1 << 20, 0, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, text);
	ck_assert_msg(s < 40, "report took %.1f s with a hanging gnuplot: %s", s, text);
	ck_assert_msg(strstr(text, "not rendered"), "no note of the skipped charts: %s", text);
	free(text);
	text = vb_test_read_text(dir, "report.md", 1 << 20);
	ck_assert_ptr_nonnull(text);
	free(text);
	text = vb_test_read_text(dir, "report.html", 4 << 20);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "not rendered"));
	free(text);
}
END_TEST

Suite *vb_suite_paths(void)
{
	Suite *s = suite_create("paths");
	TCase *tc = tcase_create("paths");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_report_charts_link);
	tcase_add_test(tc, test_report_file_links_replaced);
	tcase_add_test(tc, test_user_path_link);
	tcase_add_test(tc, test_resume_agent_log_link);
	tcase_add_test(tc, test_vm_logs_by_descriptor);
	tcase_add_test(tc, test_fifo_run_json);
	tcase_add_test(tc, test_run_json_not_a_file);
	tcase_add_test(tc, test_out_normalised_and_undone);
	tcase_add_test(tc, test_control_characters_refused);
	tcase_add_test(tc, test_huge_path_keeps_reason);
	tcase_add_test(tc, test_gnuplot_hang_capped);
	suite_add_tcase(s, tc);
	return s;
}
