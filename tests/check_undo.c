/*
 * check_undo.c - the undo log of resources (harness/core/undo.c).
 *
 * It must release what it holds (directory, file, child process), newest
 * first, one at a time when asked, and leave alone what was forgotten.  A
 * process is signalled only when its check accepts it, and a cgroup whose
 * cgroup.procs names a process that is not in it gets nobody killed.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/undo.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

/* ---- the undo log --------------------------------------------------------- */

static char root[PATH_MAX];

static void root_setup(void)
{
	vb_test_mkdtemp(root, sizeof(root), "check-undo");
}

static void root_teardown(void)
{
	vb_test_rmdtemp(root);
}

/* A child that sleeps until killed (and dies with this test process). */
static pid_t sleeping_child(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setpgid(0, 0);
		for (;;)
			pause();
	}
	return pid;
}

static int path_exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

START_TEST(test_undo_release_all)
{
	char dir[PATH_MAX], file[PATH_MAX], inner[PATH_MAX];
	int base = vb_undo_count(), hd, hf, hp, status;
	vb_error_t err;
	pid_t pid;

	ck_assert_msg(root[0], "no temporary root");
	snprintf(dir, sizeof(dir), "%s/dir", root);
	snprintf(inner, sizeof(inner), "%s/dir/sub/x", root);
	ck_assert_int_eq(vb_mkdir_p(dir, 0755, &err), 0);
	snprintf(file, sizeof(file), "%s/dir/sub", root);
	ck_assert_int_eq(vb_mkdir_p(file, 0755, &err), 0);
	ck_assert_int_eq(vb_write_file(inner, "x", 1, &err), 0);
	snprintf(file, sizeof(file), "%s/file", root);
	ck_assert_int_eq(vb_write_file(file, "y", 1, &err), 0);
	pid = sleeping_child();

	hd = vb_undo_add_path(VB_UNDO_DIR, dir);
	hf = vb_undo_add_path(VB_UNDO_FILE, file);
	hp = vb_undo_add_pid(pid, "sleeper");
	ck_assert_int_gt(hd, 0);
	ck_assert_int_gt(hf, 0);
	ck_assert_int_gt(hp, 0);
	ck_assert(hd != hf && hf != hp && hd != hp);
	ck_assert_int_eq(vb_undo_count(), base + 3);

	vb_undo_release_all();
	ck_assert_int_eq(vb_undo_count(), 0);
	ck_assert(!path_exists(dir));
	ck_assert(!path_exists(file));
	/* killed and already reaped by the registry */
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);

	/* nothing left to release: harmless */
	vb_undo_release_all();
	ck_assert_int_eq(vb_undo_count(), 0);
}
END_TEST

static char order[8];
static size_t norder;

static void record(void *arg)
{
	if (norder < sizeof(order) - 1)
		order[norder++] = *(const char *)arg;
}

START_TEST(test_undo_order_and_release_one)
{
	static const char a = 'a', b = 'b', c = 'c';
	int ha, hb, hc, base = vb_undo_count();

	norder = 0;
	memset(order, 0, sizeof(order));
	ha = vb_undo_add_func(record, (void *)&a, "a");
	hb = vb_undo_add_func(record, (void *)&b, "b");
	hc = vb_undo_add_func(record, (void *)&c, "c");
	ck_assert(ha > 0 && hb > 0 && hc > 0);

	/* one at a time, and only that one */
	vb_undo_release(hb);
	ck_assert_str_eq(order, "b");
	vb_undo_release(hb); /* already released: no second call */
	ck_assert_str_eq(order, "b");
	vb_undo_release(0);
	vb_undo_release(-5);
	ck_assert_int_eq(vb_undo_count(), base + 2);

	/* newest first */
	vb_undo_release_all();
	ck_assert_str_eq(order, "bca");
	ck_assert_int_eq(vb_undo_count(), 0);
}
END_TEST

START_TEST(test_undo_forget)
{
	char file[PATH_MAX];
	int hf, hp, status, base = vb_undo_count();
	vb_error_t err;
	pid_t pid;

	ck_assert_msg(root[0], "no temporary root");
	snprintf(file, sizeof(file), "%s/forgotten", root);
	ck_assert_int_eq(vb_write_file(file, "z", 1, &err), 0);
	pid = sleeping_child();

	hf = vb_undo_add_path(VB_UNDO_FILE, file);
	hp = vb_undo_add_pid(pid, "sleeper");
	ck_assert_int_eq(vb_undo_count(), base + 2);
	vb_undo_forget(hf);
	vb_undo_forget(hp);
	ck_assert_int_eq(vb_undo_count(), base);
	vb_undo_release_all();
	vb_undo_release(hf);

	/* both untouched */
	ck_assert(path_exists(file));
	ck_assert_int_eq(kill(pid, 0), 0);
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0);

	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_int_eq(unlink(file), 0);
}
END_TEST

static int refuse(pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
	return 0;
}

static int accept(pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
	return 1;
}

/* Issue #11: a signal only after the check, through a pidfd; and a cgroup's
 * cgroup.procs naming a process that is not in that cgroup (a PID reused
 * since, or a fake cgroup directory) does not get it killed. */
START_TEST(test_undo_kill_verified)
{
	char cg[PATH_MAX], procs[PATH_MAX], line[32];
	int status;
	pid_t pid = sleeping_child();

	ck_assert_int_eq(vb_undo_kill_verified(pid, SIGKILL, refuse, NULL), 1);
	usleep(20000);
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0); /* still alive */
	ck_assert_msg(root[0], "no temporary root");
	snprintf(cg, sizeof(cg), "%s/vbench-1-000000000000-bare", root);
	ck_assert_int_eq(mkdir(cg, 0755), 0);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	snprintf(line, sizeof(line), "%d\n", (int)pid);
	ck_assert_int_eq(vb_write_file(procs, line, strlen(line), NULL), 0);
	vb_undo_kill_cgroup(cg);
	usleep(20000);
	ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0,
		      "a process listed by a cgroup it is not in was killed");
	ck_assert_int_eq(vb_undo_kill_verified(pid, SIGKILL, accept, NULL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_int_eq(vb_undo_kill_verified(pid, SIGKILL, accept, NULL), 1); /* gone */
	unlink(procs);
	rmdir(cg);
}
END_TEST

Suite *vb_suite_undo(void)
{
	Suite *s = suite_create("undo");
	TCase *res = tcase_create("resources");

	tcase_set_timeout(res, 30);
	tcase_add_unchecked_fixture(res, root_setup, root_teardown);
	tcase_add_test(res, test_undo_release_all);
	tcase_add_test(res, test_undo_order_and_release_one);
	tcase_add_test(res, test_undo_forget);
	tcase_add_test(res, test_undo_kill_verified);
	suite_add_tcase(s, res);
	return s;
}
