/*
 * check_fulldisk.c - nothing lost on a full disk (issue 11, case 8).
 *
 * A small tmpfs, mounted by the fixture and unmounted by it whatever
 * happens, is the parent of --out.  A run held at a test point while the
 * test fills that filesystem must stop at its next save of run.json: exit
 * 4, one line naming run.json, the filesystem and its free space and
 * saying the last good copy is kept; run.json on disk is that copy (valid,
 * with the repetitions saved before), no temporary file is left, and no
 * message claims results that are not on disk.  A run directory too small
 * for run.json and the report is refused before anything runs.  A run
 * directory that cannot be made (a read-only filesystem, no free inode) is
 * exit 4 too, and a report, compare, explain or plan whose --out fills up
 * removes the directories it made.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char root[PATH_MAX];
static char big[PATH_MAX + 8];   /* a 16 MiB tmpfs */
static char small[PATH_MAX + 8]; /* a 1 MiB tmpfs */
static char ro[PATH_MAX + 8];    /* a read-only tmpfs */
static char few[PATH_MAX + 8];   /* a tmpfs of 8 inodes */
static int mounted;              /* bit 0: big, 1: small, 2: ro, 3: few */
static char why[256];            /* why the filesystems could not be mounted */

static void setup(void)
{
	mounted = 0;
	why[0] = '\0';
	if (vb_test_mkdtemp(root, sizeof(root), "dtest") < 0)
		return;
	snprintf(big, sizeof(big), "%s/big", root);
	snprintf(small, sizeof(small), "%s/small", root);
	snprintf(ro, sizeof(ro), "%s/ro", root);
	snprintf(few, sizeof(few), "%s/few", root);
	if (mkdir(big, 0755) < 0 || mkdir(small, 0755) < 0 || mkdir(ro, 0755) < 0 ||
	    mkdir(few, 0755) < 0)
		return;
	if (mount("vbench-test", big, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755") == 0)
		mounted |= 1;
	else
		snprintf(why, sizeof(why), "mount tmpfs on %s: %s", big, strerror(errno));
	if (mount("vbench-test", small, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") == 0)
		mounted |= 2;
	if (mount("vbench-test", ro, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY,
		  "size=1m,mode=0755") == 0)
		mounted |= 4;
	if (mount("vbench-test", few, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=8,mode=0755") ==
	    0)
		mounted |= 8;
}

static void teardown(void)
{
	if (mounted & 1)
		umount2(big, MNT_DETACH);
	if (mounted & 2)
		umount2(small, MNT_DETACH);
	if (mounted & 4)
		umount2(ro, MNT_DETACH);
	if (mounted & 8)
		umount2(few, MNT_DETACH);
	mounted = 0;
	vb_test_rmdtemp(root);
}

/* Fill the filesystem of @dir until it is full. */
static void fill(const char *dir)
{
	static char block[1 << 16];
	char path[PATH_MAX + 16];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/fill", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	memset(block, 'x', sizeof(block));
	do
		n = write(fd, block, sizeof(block));
	while (n > 0);
	ck_assert_int_eq(errno, ENOSPC);
	close(fd);
}

START_TEST(test_full_disk_keeps_last_copy)
{
	char dir[PATH_MAX + 16], vbench[PATH_MAX], log[PATH_MAX + 16], path[PATH_MAX + 32];
	char *argv[] = { vbench, "run", "--env", "bare", "--workload", "cpu.int", "--profile",
			 "test", "--reps", "3", "--out", dir, NULL };
	const char *env[] = { "VBENCH_TEST_STOP_AT=workload:bare:2", NULL };
	json_error_t jerr;
	json_t *doc;
	char *text, *s;
	pid_t pid;
	int rc;

	if (!(mounted & 1))
		VB_SKIP("%s", why);
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	snprintf(dir, sizeof(dir), "%s/run", big);
	snprintf(log, sizeof(log), "%s/run.log", root);
	pid = vb_test_spawn_log(argv, env, log);
	ck_assert_msg(vb_test_wait_stopped(pid, 60000), "vbench did not stop: %s",
		      (s = vb_read_file(log, 1 << 16, 0, NULL)) ? s : "");
	/* the first repetition is on disk: then the disk fills up */
	ck_assert(vb_test_wait_reps(dir, 1, 1000));
	fill(big);
	kill(pid, SIGCONT);
	rc = vb_test_reap(pid);
	text = vb_read_file(log, 1 << 20, 0, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(rc == VB_EXIT_NORESOURCE, "exit %d: %s", rc, text);
	snprintf(path, sizeof(path), "cannot save %s/run.json", dir);
	ck_assert_msg(strstr(text, path), "'%s' not in: %s", path, text);
	ck_assert_msg(strstr(text, "No space left on device"), "%s", text);
	snprintf(path, sizeof(path), "the filesystem at %s has ", big);
	ck_assert_msg(strstr(text, path), "'%s' not in: %s", path, text);
	ck_assert_msg(strstr(text, "the last good copy is kept"), "%s", text);
	ck_assert_msg(!strstr(text, "results in"), "claims results: %s", text);
	ck_assert_msg(!strstr(text, "report in"), "claims a report: %s", text);
	ck_assert_msg(!strstr(text, "] rep 2 "), "shows the unsaved repetition: %s", text);
	free(text);
	/* run.json is the copy saved after the first repetition */
	snprintf(path, sizeof(path), "%s/run.json", dir);
	doc = json_load_file(path, 0, &jerr);
	ck_assert_msg(doc != NULL, "%s: %s", path, jerr.text);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 1);
	ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(doc, "repetitions"), 0),
					       "ok")));
	json_decref(doc);
	snprintf(path, sizeof(path), "ls -A '%s' | grep -c 'tmp\\.'", dir);
	{
		FILE *f = popen(path, "r");

		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fgetc(f), '0'); /* no temporary file left */
		pclose(f);
	}
	snprintf(path, sizeof(path), "%s/fill", big);
	unlink(path);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* The run directory must hold run.json and the report before anything runs. */
START_TEST(test_out_space_checked)
{
	char dir[PATH_MAX + 16], *out, *err;
	int rc;

	if (!(mounted & 2))
		VB_SKIP("%s", why);
	snprintf(dir, sizeof(dir), "%s/run", small);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.int",
			    "--profile", "test", "--out", dir, NULL);
	ck_assert_msg(rc == VB_EXIT_NORESOURCE, "exit %d: %s", rc, err);
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	ck_assert_msg(strstr(err, "not enough disk space in") && strstr(err, dir), "%s", err);
	ck_assert_msg(strstr(err, "run.json and the report"), "%s", err);
	free(out);
	free(err);
	ck_assert_int_ne(access(dir, F_OK), 0); /* the directory it made is gone */
}
END_TEST

/* One line on stderr naming @a and @b, exit 4, nothing on stdout.  Frees both. */
static void expect_no_resource(int rc, char *out, char *err, const char *a, const char *b)
{
	ck_assert_msg(rc == VB_EXIT_NORESOURCE, "exit %d: %s", rc, err);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	ck_assert_msg(strstr(err, a) && strstr(err, b), "'%s' or '%s' not in: %s", a, b, err);
	free(out);
	free(err);
}

/* Review item 13: a run directory that cannot be made for want of disk
 * (read-only, no inode left) is exit 4, not 2 (a bad path). */
START_TEST(test_out_mkdir_no_resource)
{
	char dir[PATH_MAX + 16], run[PATH_MAX + 16], p[PATH_MAX + 32], *out, *err;
	json_t *doc;
	int rc, i, fd;

	if ((mounted & 12) != 12)
		VB_SKIP("%s", why);
	snprintf(dir, sizeof(dir), "%s/run", ro);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.int",
			    "--profile", "test", "--out", dir, NULL);
	expect_no_resource(rc, out, err, "--out", "Read-only file system");
	snprintf(run, sizeof(run), "%s/input", root);
	vb_test_write_run(run, (doc = vb_test_load_fixture("tests/fixtures/run-bare-container.json")));
	json_decref(doc);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", "--out", dir, run, NULL);
	expect_no_resource(rc, out, err, dir, "Read-only file system");
	for (i = 0; i < 64; i++) { /* use up every inode */
		snprintf(p, sizeof(p), "%s/f%d", few, i);
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			break;
		close(fd);
	}
	ck_assert_int_eq(errno, ENOSPC);
	snprintf(dir, sizeof(dir), "%s/run", few);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "cpu.int",
			    "--profile", "test", "--out", dir, NULL);
	expect_no_resource(rc, out, err, "--out", "No space left on device");
}
END_TEST

/* Review item 14: report, compare, explain and plan --out on a disk that
 * fills up fail and remove every directory level they made. */
START_TEST(test_failed_out_undone)
{
	static const char plan[] = "[host]\ncpus = 16\nmemory = 64G\ndisk = 2T\n"
				   "[service web]\ncpu = 1\nmemory = 12G\ndisk = 80G\n";
	char run[PATH_MAX + 16], dir[PATH_MAX + 16], ini[PATH_MAX + 16], fill_path[PATH_MAX + 16];
	char *out, *err;
	json_t *doc;
	int rc;

	if (!(mounted & 2))
		VB_SKIP("%s", why);
	snprintf(run, sizeof(run), "%s/input", root);
	vb_test_write_run(run, (doc = vb_test_load_fixture("tests/fixtures/run-bare-container.json")));
	json_decref(doc);
	snprintf(ini, sizeof(ini), "%s/plan.ini", root);
	ck_assert_int_eq(vb_write_file(ini, plan, strlen(plan), NULL), 0);
	fill(small);
	snprintf(dir, sizeof(dir), "%s/a/b", small);
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", "--quiet", "--out", dir, run,
			    NULL);
	ck_assert_msg(rc != 0 && strstr(err, "No space left on device"), "exit %d: %s", rc, err);
	free(out);
	free(err);
	snprintf(dir, sizeof(dir), "%s/c/d", small);
	rc = vb_test_vbench(NULL, &out, &err, "compare", "--out", dir, run, run, NULL);
	ck_assert_msg(rc != 0 && strstr(err, "No space left on device"), "exit %d: %s", rc, err);
	free(out);
	free(err);
	snprintf(dir, sizeof(dir), "%s/e/f", small);
	rc = vb_test_vbench(NULL, &out, &err, "explain", "--quiet", "--out", dir, run, NULL);
	ck_assert_msg(rc != 0 && strstr(err, "No space left on device"), "exit %d: %s", rc, err);
	free(out);
	free(err);
	snprintf(dir, sizeof(dir), "%s/g/h", small);
	rc = vb_test_vbench(NULL, &out, &err, "plan", "--no-charts", "--quiet", "--run", run,
			    "--out", dir, ini, NULL);
	ck_assert_msg(rc != 0 && strstr(err, "No space left on device"), "exit %d: %s", rc, err);
	free(out);
	free(err);
	ck_assert_int_eq(vb_test_entries(small), 1); /* the filler only */
	snprintf(fill_path, sizeof(fill_path), "%s/fill", small);
	unlink(fill_path);
}
END_TEST

Suite *vb_suite_fulldisk(void)
{
	Suite *s = suite_create("fulldisk");
	TCase *tc = tcase_create("fulldisk");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_full_disk_keeps_last_copy);
	tcase_add_test(tc, test_out_space_checked);
	tcase_add_test(tc, test_out_mkdir_no_resource);
	tcase_add_test(tc, test_failed_out_undone);
	suite_add_tcase(s, tc);
	return s;
}
