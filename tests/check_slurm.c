/*
 * check_slurm.c - scripts/slurm.sh, the private one-node Slurm cluster the
 * fleet tests run on (issue #18): a job and a job array of two tasks run
 * on it, the command's status passes through, SIGINT stops the command
 * and the cluster, stop refuses a directory it did not make, and nothing
 * is left: no munged, slurmctld, slurmd or slurmstepd of its directory, no
 * directory.  Skips, saying why, without root or Debian's slurm-wlm and
 * munge (scripts/install-deps.sh slurm).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX], script[PATH_MAX];

static void setup(void)
{
	snprintf(script, sizeof(script), "%s/scripts/slurm.sh", vb_test_srcdir());
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "sltest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* Why this host cannot run the cluster, or NULL. */
static const char *missing(void)
{
	static const char *const tools[] = { "slurmctld", "slurmd", "munged", "srun", "sbatch" };
	char path[PATH_MAX];
	size_t i;

	if (geteuid() != 0)
		return "not root: slurmd runs jobs as their users";
	for (i = 0; i < VB_ARRAY_SIZE(tools); i++)
		if (vb_proc_which(tools[i], path, sizeof(path)) < 0)
			return "slurm-wlm and munge not installed (scripts/install-deps.sh slurm)";
	return NULL;
}

/* The command line of process @pid (a /proc entry's name), its arguments
 * joined by spaces, into @buf: 1, or 0 when it has none (gone, a kernel
 * thread) or @pid is not a process's. */
static int cmdline_of(const char *pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	if (pid[0] < '0' || pid[0] > '9')
		return 0;
	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (ssize_t i = 0; i + 1 < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	return 1;
}

/* A process of the cluster in /var/tmp/vbench-slurm.* (run) or @dir, into
 * @why: 1 when one is left. */
static int daemons_left(const char *dir, char *why, size_t len)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int found = 0;

	while (d && !found && (de = readdir(d))) {
		char line[4096];

		if (!cmdline_of(de->d_name, line, sizeof(line)))
			continue;
		if ((strstr(line, "munged") || strstr(line, "slurm")) &&
		    (strstr(line, "/var/tmp/vbench-slurm.") || (dir && strstr(line, dir)))) {
			snprintf(why, len, "process %s left: %.200s", de->d_name, line);
			found = 1;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* The entries /var/tmp/vbench-slurm.* now. */
static int slurm_dirs(void)
{
	DIR *d = opendir("/var/tmp");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += !strncmp(de->d_name, "vbench-slurm.", 13);
	if (d)
		closedir(d);
	return n;
}

/* A job and an array of two exclusive tasks; the command's status through. */
START_TEST(test_jobs)
{
	static char out[1 << 16];
	char cmd[PATH_MAX * 2], why[400], *task;
	char *argv[] = { script, "run", "/bin/sh", "-c", cmd, NULL };
	int before = slurm_dirs(), rc;

	if (missing())
		VB_SKIP("%s", missing());
	snprintf(cmd, sizeof(cmd),
		 "srun -N1 hostname && sbatch --wait --quiet --array=0-1 --exclusive "
		 "-o %s/task-%%a.out --wrap 'echo task $SLURM_ARRAY_TASK_ID' && exit 7",
		 tmpdir);
	rc = vb_test_run(argv, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 7, "exit %d (want the command's 7): %s", rc, out);
	ck_assert_msg(strstr(out, "a private one-node Slurm for this command"), "%s", out);
	for (int t = 0; t < 2; t++) {
		char name[32], want[32];

		snprintf(name, sizeof(name), "task-%d.out", t);
		snprintf(want, sizeof(want), "task %d\n", t);
		task = vb_test_read_text(tmpdir, name, 4096);
		ck_assert_msg(task != NULL, "array task %d wrote nothing: %s", t, out);
		ck_assert_str_eq(task, want);
		free(task);
	}
	ck_assert_msg(!daemons_left(NULL, why, sizeof(why)), "%s", why);
	ck_assert_int_eq(slurm_dirs(), before);
}
END_TEST

/*
 * start, its output read through a pipe, returns, and its daemons hold none
 * of the caller's descriptors (found: munged kept the pipe, so a caller
 * reading start's output waited for the cluster's end); then stop.
 */
START_TEST(test_start_stop)
{
	static char out[1 << 14];
	char dir[PATH_MAX], why[400], conf[PATH_MAX + 64];
	char *start[] = { script, "start", dir, NULL }, *stop[] = { script, "stop", dir, NULL };
	DIR *d;
	struct dirent *de;
	int rc;

	if (missing())
		VB_SKIP("%s", missing());
	snprintf(dir, sizeof(dir), "%s/cluster", tmpdir);
	rc = vb_test_run(start, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "start: exit %d: %s", rc, out);
	snprintf(conf, sizeof(conf), "export SLURM_CONF=%s/slurm.conf\n", dir);
	ck_assert_msg(strstr(out, conf), "%s", out);
	/* each daemon's descriptors 3 and up are its own files and sockets */
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		char path[PATH_MAX], link[PATH_MAX], cmd[512];
		ssize_t n;
		DIR *fds;
		struct dirent *fe;

		if (!cmdline_of(de->d_name, cmd, sizeof(cmd)) || !strstr(cmd, dir))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fds = opendir(path);
		while (fds && (fe = readdir(fds))) {
			char fp[PATH_MAX + 300];

			if (atoi(fe->d_name) < 3)
				continue;
			snprintf(fp, sizeof(fp), "%s/%s", path, fe->d_name);
			n = readlink(fp, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			ck_assert_msg(strncmp(link, "pipe:", 5) || strstr(cmd, "slurmctld"),
				      "%.60s holds %s (fd %s)", cmd, link, fe->d_name);
			ck_assert_msg(strncmp(link, "/tmp/", 5), "%.60s holds %s", cmd, link);
		}
		if (fds)
			closedir(fds);
	}
	if (d)
		closedir(d);
	rc = vb_test_run(stop, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "stop: exit %d: %s", rc, out);
	ck_assert_msg(!daemons_left(dir, why, sizeof(why)), "%s", why);
}
END_TEST

/* SIGINT while the command runs: it is stopped, then the cluster; 130. */
START_TEST(test_sigint)
{
	char log[PATH_MAX], why[400], *text = NULL;
	char *argv[] = { script, "run", "/bin/sleep", "120", NULL };
	int before = slurm_dirs(), st;
	pid_t pid;

	if (missing())
		VB_SKIP("%s", missing());
	snprintf(log, sizeof(log), "%s/run.log", tmpdir);
	pid = vb_test_spawn_log(argv, NULL, log);
	for (int i = 0; i < 300 && !(text && strstr(text, "a private one-node Slurm")); i++) {
		free(text);
		usleep(100000);
		text = vb_read_file(log, 1 << 16, 1, NULL);
	}
	ck_assert_msg(text && strstr(text, "a private one-node Slurm"), "not started: %s",
		      text ? text : "(no log)");
	free(text);
	kill(pid, SIGINT);
	st = vb_test_reap(pid);
	ck_assert_msg(st == 130, "exit %d after SIGINT (want 130)", st);
	ck_assert_msg(!daemons_left(NULL, why, sizeof(why)), "%s", why);
	ck_assert_int_eq(slurm_dirs(), before);
}
END_TEST

/* stop refuses a directory start did not make: one line, exit 2, nothing removed. */
START_TEST(test_stop_refuses)
{
	static char out[4096];
	char dir[PATH_MAX];
	char *argv[] = { script, "stop", dir, NULL };
	struct stat sb;
	int rc;

	snprintf(dir, sizeof(dir), "%s/not-a-cluster", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	rc = vb_test_run(argv, NULL, out, sizeof(out), NULL);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(out, "expected a directory made by 'slurm.sh start'"));
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
	ck_assert_int_eq(stat(dir, &sb), 0);
}
END_TEST

Suite *vb_suite_slurm(void)
{
	Suite *s = suite_create("slurm");
	TCase *tc = tcase_create("cluster");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_stop_refuses);
	tcase_add_test(tc, test_start_stop);
	tcase_add_test(tc, test_jobs);
	tcase_add_test(tc, test_sigint);
	suite_add_tcase(s, tc);
	return s;
}
