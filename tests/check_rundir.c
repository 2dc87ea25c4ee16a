/*
 * check_rundir.c - the files vbench keeps in a run directory, and the
 * directory itself, against another user who can write there (the review
 * of issue 11: items 1, 16, 17 and 18).
 *
 * A hard link in the place of .vbench.lock, agent.log or a VM's log (to a
 * file outside the directory) is refused with one line naming the file and
 * saying it has 2 links, and the file it links to keeps its content; a file
 * of another user there is refused the same way.  A run, report or --out
 * directory of another user, or one others can write without the sticky
 * bit, is refused before anything is written in it.  `vbench report DIR`
 * checks DIR/run.json before it takes the lock (so `report /etc` creates
 * nothing), and removes the temporary files a killed save left.
 *
 * Each case works in its own directory under a private /var/tmp root that
 * an unchecked fixture removes, also after a failed assertion.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/run/prepare.h"
#include "harness/core/runlock.h"
#include "lib/util.h"
#include "harness/env/vm_log.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE	   "tests/fixtures/run-bare-container.json"
#define OTHER_USER 1000 /* a uid that is not the test's (root) */

static char root[PATH_MAX];   /* of the test case (unchecked fixture) */
static char tmpdir[PATH_MAX]; /* of one test: root/<test> */

static void setup(void)
{
	vb_test_mkdtemp(root, sizeof(root), "rdtest");
}

static void teardown(void)
{
	vb_test_rmdtemp(root);
}

static void begin(const char *test)
{
	vb_test_case_dir(tmpdir, sizeof(tmpdir), root, test);
}

/* ---- helpers ---- */

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

/* @dir/@name a hard link to @target. */
static void hard_link(const char *target, const char *dir, const char *name)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_msg(link(target, p) == 0, "link %s: %s", p, strerror(errno));
}

/* @dir/@name a file of OTHER_USER holding @text. */
static void foreign_file(const char *dir, const char *name, const char *text)
{
	char p[PATH_MAX + 64];

	vb_test_put_text(dir, name, text);
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_int_eq(chown(p, OTHER_USER, OTHER_USER), 0);
}

static int exists(const char *dir, const char *name)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

/* ---- item 1: hard links and other users' files in the run directory ---- */

/* .vbench.lock a hard link to a file outside: `report` and `run --out`
 * refuse it and the file keeps its content (before: it held the lock
 * holder's description). */
START_TEST(test_lock_hard_link)
{
	char dir[PATH_MAX], empty[PATH_MAX], victim[PATH_MAX], p[PATH_MAX + 16], *out, *err;
	int rc;

	begin(__func__);
	vb_test_put_text(tmpdir, "victim", "precious\n");
	at(victim, sizeof(victim), "victim");
	run_dir(dir, sizeof(dir), "run");
	hard_link(victim, dir, VB_RUNLOCK_NAME);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", dir, NULL);
	vb_test_expect_refusal(rc, out, err, VB_RUNLOCK_NAME, "has 2 links");
	vb_test_assert_content(victim, "precious\n");
	ck_assert(!exists(dir, "report.md"));
	snprintf(p, sizeof(p), "%s/" VB_RUNLOCK_NAME, dir);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(mkdir(at(empty, sizeof(empty), "empty"), 0755), 0);
	hard_link(victim, empty, VB_RUNLOCK_NAME);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.int",
			    "--profile", "test", "--out", empty, NULL);
	vb_test_expect_refusal(rc, out, err, VB_RUNLOCK_NAME, "has 2 links");
	vb_test_assert_content(victim, "precious\n");
	/* a lock file another user made */
	foreign_file(dir, VB_RUNLOCK_NAME, "theirs\n");
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", dir, NULL);
	vb_test_expect_refusal(rc, out, err, VB_RUNLOCK_NAME, "belongs to user 1000");
	ck_assert(!exists(dir, "report.md"));
}
END_TEST

/* agent.log a hard link on --resume (before: appended to), or another
 * user's: refused, the file unchanged; without it the resume completes. */
START_TEST(test_agent_log_hard_link)
{
	char dir[PATH_MAX], log[PATH_MAX + 16], victim[PATH_MAX], vbench[PATH_MAX], *out, *err;
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
	at(victim, sizeof(victim), "victim");
	snprintf(log, sizeof(log), "%s/agent.log", dir);
	ck_assert_int_eq(unlink(log), 0);
	hard_link(victim, dir, "agent.log");
	rc = vb_test_vbench(NULL, &out, &err, "run", "--resume", dir, NULL);
	vb_test_expect_refusal(rc, out, err, "agent.log", "has 2 links");
	vb_test_assert_content(victim, "keep");
	ck_assert_int_eq(unlink(log), 0);
	foreign_file(dir, "agent.log", "theirs");
	rc = vb_test_vbench(NULL, &out, &err, "run", "--resume", dir, NULL);
	vb_test_expect_refusal(rc, out, err, "agent.log", "belongs to user 1000");
	vb_test_assert_content(log, "theirs");
	ck_assert_int_eq(unlink(log), 0);
	/* a killed save's temporary (item 18) goes when the resume takes the lock */
	vb_test_put_text(dir, ".run.json.vbench-tmp.deadbeef", "half a save");
	rc = vb_test_vbench(NULL, &out, &err, "run", "--resume", dir, "--quiet", NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	doc = vb_test_load_run(dir, 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	json_decref(doc);
	vb_test_assert_content(victim, "keep");
	ck_assert(!exists(dir, ".run.json.vbench-tmp.deadbeef"));
}
END_TEST

/* A VM's console log a hard link (before: truncated, then refused) or
 * another user's: refused, the file unchanged; an own log is truncated. */
START_TEST(test_vm_log_hard_link)
{
	char p[PATH_MAX], victim[PATH_MAX];
	vb_error_t err;
	struct stat st;
	int dfd, fd;

	begin(__func__);
	dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	vb_test_put_text(tmpdir, "victim", "keep");
	hard_link(at(victim, sizeof(victim), "victim"), tmpdir, "console-hosted.log");
	at(p, sizeof(p), "console-hosted.log");
	vb_error_clear(&err);
	ck_assert_int_lt(vb_vm_log_open(dfd, "console-hosted.log", p, &err), 0);
	ck_assert_msg(strstr(err.msg, p) && strstr(err.msg, "has 2 links"), "%s", err.msg);
	vb_test_assert_content(victim, "keep");
	foreign_file(tmpdir, "qemu-hosted.log", "theirs");
	at(p, sizeof(p), "qemu-hosted.log");
	ck_assert_int_lt(vb_vm_log_open(dfd, "qemu-hosted.log", p, &err), 0);
	ck_assert_msg(strstr(err.msg, "belongs to user 1000"), "%s", err.msg);
	vb_test_assert_content(p, "theirs");
	vb_test_put_text(tmpdir, "console-kvm.log", "an earlier boot");
	fd = vb_vm_log_open(dfd, "console-kvm.log", "console-kvm.log", &err);
	ck_assert_msg(fd > 2, "%s", err.msg);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	close(dfd);
}
END_TEST

/* ---- item 1: directories other users can write ---- */

START_TEST(test_foreign_directory)
{
	char dir[PATH_MAX], empty[PATH_MAX], open_dir[PATH_MAX], sticky[PATH_MAX], out_dir[PATH_MAX];
	char *out, *err;
	int rc;

	begin(__func__);
	/* another user's run directory: report, --resume, report --out */
	run_dir(dir, sizeof(dir), "theirs");
	ck_assert_int_eq(chown(dir, OTHER_USER, OTHER_USER), 0);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", dir, NULL);
	vb_test_expect_refusal(rc, out, err, dir, "belongs to user 1000");
	rc = vb_test_vbench(NULL, &out, &err, "run", "--resume", dir, NULL);
	vb_test_expect_refusal(rc, out, err, dir, "belongs to user 1000");
	ck_assert(!exists(dir, "report.md") && !exists(dir, "agent.log") &&
		  !exists(dir, VB_RUNLOCK_NAME));
	ck_assert_int_eq(mkdir(at(empty, sizeof(empty), "empty"), 0755), 0);
	ck_assert_int_eq(chown(empty, OTHER_USER, OTHER_USER), 0);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.int",
			    "--profile", "test", "--out", empty, NULL);
	vb_test_expect_refusal(rc, out, err, empty, "belongs to user 1000");
	run_dir(out_dir, sizeof(out_dir), "mine");
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", "--out", empty, out_dir,
			    NULL);
	vb_test_expect_refusal(rc, out, err, empty, "belongs to user 1000");
	rc = vb_test_vbench(NULL, &out, &err, "explain", "--out", empty, out_dir, NULL);
	vb_test_expect_refusal(rc, out, err, empty, "belongs to user 1000");
	ck_assert_int_eq(rmdir(empty), 0); /* nothing was written in it */
	/* root's, but writable by others, or by its group */
	run_dir(open_dir, sizeof(open_dir), "open");
	ck_assert_int_eq(chmod(open_dir, 0777), 0);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", open_dir, NULL);
	vb_test_expect_refusal(rc, out, err, open_dir, "writable by other users");
	ck_assert_int_eq(chmod(open_dir, 0775), 0);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", open_dir, NULL);
	vb_test_expect_refusal(rc, out, err, open_dir, "writable by its group");
	ck_assert(!exists(open_dir, "report.md"));
	/* with the sticky bit nobody else can rename or remove what vbench made */
	run_dir(sticky, sizeof(sticky), "sticky");
	ck_assert_int_eq(chmod(sticky, 01777), 0);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--quiet", "--no-charts", sticky, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	ck_assert(exists(sticky, "report.md"));
}
END_TEST

/* ---- item 16: has_entries leaves the run directory's offset alone ---- */

START_TEST(test_prepare_out_offset)
{
	vb_run_cfg_t *cfg = calloc(1, sizeof(*cfg));
	vb_error_t err;

	begin(__func__);
	ck_assert_ptr_nonnull(cfg);
	vb_run_cfg_init(cfg);
	at(cfg->out, sizeof(cfg->out), "run");
	vb_error_clear(&err);
	ck_assert_msg(vb_prepare_out(cfg, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(lseek(cfg->out_fd, 0, SEEK_CUR), 0);
	vb_prepare_out_discard(cfg);
	ck_assert(!exists(tmpdir, "run"));
	free(cfg);
}
END_TEST

/* ---- item 17: `report DIR` checks DIR/run.json before it locks ---- */

START_TEST(test_report_checks_before_lock)
{
	struct timespec old[2] = { { 946684800, 0 }, { 946684800, 0 } }; /* 2000-01-01 */
	char dir[PATH_MAX], p[PATH_MAX + 16], *out, *err;
	struct stat st;
	int rc;

	begin(__func__);
	ck_assert_int_eq(mkdir(at(dir, sizeof(dir), "etc"), 0755), 0);
	vb_test_put_text(dir, "passwd", "root:x:0:0\n");
	ck_assert_int_eq(utimensat(AT_FDCWD, dir, old, 0), 0);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	snprintf(p, sizeof(p), "%s/run.json", dir);
	vb_test_expect_refusal(rc, out, err, p, "No such file or directory");
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_msg(st.st_mtim.tv_sec == old[1].tv_sec, "%s was written to", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, dir, old, 0), 0);
	rc = vb_test_vbench(NULL, &out, &err, "report", dir, NULL);
	vb_test_expect_refusal(rc, out, err, p, "is a directory, not a regular file");
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_msg(st.st_mtim.tv_sec == old[1].tv_sec, "%s was written to", dir);
}
END_TEST

/* ---- item 18: temporaries of a killed save, and the directory synced ---- */

START_TEST(test_stale_temporaries_removed)
{
	static const char *const stale[] = { ".run.json.tmp.0badf00d", ".report.md.tmp.12345678",
					     ".summary.json.vbench-tmp.abcdefgh" };
	static const char *const kept[] = { ".run.json.tmp.short", "notes.tmp.12345678",
					    ".mine.txt.tmp.12345678" };
	static const char chart_temp[] = "charts/.overhead.dat.vbench-tmp.0a1b2c3d";
	char dir[PATH_MAX], *out, *err;
	size_t i;
	int rc;

	begin(__func__);
	run_dir(dir, sizeof(dir), "run");
	for (i = 0; i < VB_ARRAY_SIZE(stale); i++)
		vb_test_put_text(dir, stale[i], "half a save");
	for (i = 0; i < VB_ARRAY_SIZE(kept); i++)
		vb_test_put_text(dir, kept[i], "the user's");
	vb_test_put_text(dir, chart_temp, "half a chart");
	rc = vb_test_vbench(NULL, &out, &err, "report", "--quiet", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	for (i = 0; i < VB_ARRAY_SIZE(stale); i++)
		ck_assert_msg(!exists(dir, stale[i]), "%s is still there", stale[i]);
	for (i = 0; i < VB_ARRAY_SIZE(kept); i++)
		ck_assert_msg(exists(dir, kept[i]), "%s was removed", kept[i]);
	ck_assert_msg(!exists(dir, chart_temp), "%s is still there", chart_temp);
}
END_TEST

/* Every file replaced in the run directory is followed by an fsync of the
 * directory (its new name durable), seen with strace. */
START_TEST(test_directory_synced_after_rename)
{
	char dir[PATH_MAX], trace[PATH_MAX], vbench[PATH_MAX], strace[] = "/usr/bin/strace";
	char *argv[] = { strace, "-f", "-y", "-qq", "-e", "trace=renameat,renameat2,fsync", "-o",
			 trace, vbench, "report", "--quiet", "--no-charts", dir, NULL };
	char out[4096], *text, *line, *save = NULL, want[PATH_MAX + 16];
	int rc, renamed = 0, synced = 0;

	begin(__func__);
	if (access(strace, X_OK) < 0)
		VB_SKIP("no %s", strace);
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	run_dir(dir, sizeof(dir), "run");
	at(trace, sizeof(trace), "strace.out");
	/* LeakSanitizer cannot work under ptrace (make sanitize): not this test's concern */
	rc = vb_test_run(argv, "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1", out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	text = vb_read_file(trace, 1 << 22, 0, NULL);
	ck_assert_ptr_nonnull(text);
	snprintf(want, sizeof(want), "fsync(%s", ""); /* fsync(N</path/of/dir>) */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "renameat") && strstr(line, "report.md"))
			renamed = 1;
		else if (renamed && strstr(line, "fsync(")) {
			snprintf(want, sizeof(want), "<%s>)", dir);
			synced |= strstr(line, want) != NULL;
		}
	}
	free(text);
	ck_assert_msg(renamed, "report.md was not renamed into place");
	ck_assert_msg(synced, "no fsync of %s after the rename", dir);
}
END_TEST

Suite *vb_suite_rundir(void)
{
	Suite *s = suite_create("rundir");
	TCase *tc = tcase_create("rundir");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lock_hard_link);
	tcase_add_test(tc, test_agent_log_hard_link);
	tcase_add_test(tc, test_vm_log_hard_link);
	tcase_add_test(tc, test_foreign_directory);
	tcase_add_test(tc, test_prepare_out_offset);
	tcase_add_test(tc, test_report_checks_before_lock);
	tcase_add_test(tc, test_stale_temporaries_removed);
	tcase_add_test(tc, test_directory_synced_after_rename);
	suite_add_tcase(s, tc);
	return s;
}
