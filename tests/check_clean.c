/*
 * check_clean.c - owner markers (harness/core/marker.c) and `vbench clean`
 * (harness/run/clean.c, cleanfs.c, bench/cmd_clean.c): the marker's life and
 * what a dead owner left.
 *
 * A marker is written the moment a resource is registered and removed when
 * everything is released.  A process that registers a directory, a file, a
 * cgroup and a sleeping process and is then SIGKILLed leaves them all; clean
 * (the function and the binary) removes them and the marker.  A live owner's
 * marker and resources are left alone.  Finally a real `vbench run` is
 * SIGKILLed mid-run and `vbench clean`, then the start of another `vbench
 * run`, remove what it left.  Forged, stale and hostile markers:
 * check_cleanrules.c.
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
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/cgroup.h"
#include "harness/run/clean.h"
#include "harness/core/marker.h"
#include "harness/core/undo.h"
#include "lib/util.h"
#include "tests/cleantest.h"
#include "tests/tests.h"
#include "tests/testutil.h"

/* ---- (1) the marker's life ------------------------------------------------- */

START_TEST(test_marker_written_and_removed)
{
	char dir[PATH_MAX], path[PATH_MAX], boot[64];
	unsigned long long start, cstart;
	json_t *lines, *head, *l;
	struct stat st;
	int hd, hp;
	pid_t child;

	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%d-XXXXXX", (int)getpid());
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_null(vb_marker_path());
	hd = vb_undo_add_path(VB_UNDO_DIR, dir);
	ck_assert_int_gt(hd, 0);
	/* Written at registration, named after its owner. */
	ck_assert_ptr_nonnull(vb_marker_path());
	ck_assert_int_eq(vb_marker_proc_identity(getpid(), NULL, &start), 0);
	snprintf(path, sizeof(path), "%s/%d-%llu.jsonl", vb_cleantest_state, (int)getpid(), start);
	ck_assert_str_eq(vb_marker_path(), path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	child = vb_cleantest_sleeper(NULL);
	hp = vb_undo_add_pid(child, "sleeper");
	lines = vb_cleantest_marker_lines(path);
	ck_assert_uint_eq(json_array_size(lines), 3);
	head = json_array_get(lines, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(head, "vbench_marker")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(head, "run_id")), vb_marker_run_id());
	ck_assert(vb_clean_run_id_ok(vb_marker_run_id(), getpid()));
	ck_assert_str_eq(getenv(VB_RUN_ID_ENV), vb_marker_run_id());
	ck_assert_int_eq(json_integer_value(json_object_get(head, "pid")), getpid());
	ck_assert_uint_eq(
	    (unsigned long long)json_integer_value(json_object_get(head, "starttime")), start);
	ck_assert_int_eq(vb_marker_boot_id(boot, sizeof(boot)), 0);
	ck_assert_str_eq(json_string_value(json_object_get(head, "boot_id")), boot);
	ck_assert_str_eq(json_string_value(json_object_get(head, "version")), VB_VERSION);
	ck_assert_uint_gt(json_array_size(json_object_get(head, "cmdline")), 0);
	l = json_array_get(lines, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(l, "add")), hd);
	ck_assert_str_eq(json_string_value(json_object_get(l, "kind")), "dir");
	ck_assert_str_eq(json_string_value(json_object_get(l, "path")), dir);
	ck_assert_int_eq(lstat(dir, &st), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(l, "ino")), (json_int_t)st.st_ino);
	ck_assert_int_eq(json_integer_value(json_object_get(l, "dev")), (json_int_t)st.st_dev);
	l = json_array_get(lines, 2);
	ck_assert_str_eq(json_string_value(json_object_get(l, "kind")), "process");
	ck_assert_int_eq(json_integer_value(json_object_get(l, "pid")), child);
	ck_assert_int_eq(vb_marker_proc_identity(child, NULL, &cstart), 0);
	ck_assert_uint_eq((unsigned long long)json_integer_value(json_object_get(l, "starttime")),
			  cstart);
	json_decref(lines);
	/* A normal release is noted; the last one removes the marker. */
	vb_undo_release(hd);
	ck_assert(!vb_cleantest_exists(dir));
	lines = vb_cleantest_marker_lines(path);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(lines, 3), "released")),
			 hd);
	json_decref(lines);
	vb_undo_release(hp);
	ck_assert(!vb_cleantest_exists(path));
	ck_assert_ptr_null(vb_marker_path());
	ck_assert_int_eq(vb_undo_count(), 0);
	/* The vb_cleantest_state directory is private. */
	ck_assert_int_eq(stat(vb_cleantest_state, &st), 0);
	ck_assert_int_eq(st.st_mode & 077, 0);
}
END_TEST

/* ---- (2) a killed owner ---------------------------------------------------- */

typedef struct debris {
	pid_t owner, sleeper;
	int have_cg;  /* the cgroup part ran (else why) */
	unsigned ncg; /* its directories (one per v1 hierarchy)*/
	char dir[PATH_MAX], file[PATH_MAX], cg[PATH_MAX], why[256];
} debris_t;

/* In a forked child: register a directory (with a file and a symbolic link
 * to @precious in it), a file, a cgroup if possible and a sleeping process,
 * report them on @fd, and wait to be killed. */
static void owner_child(int fd, const char *precious)
{
	debris_t d = { .owner = getpid() };
	char p[PATH_MAX + 16], name[96];
	vb_cgroup_t cg;
	vb_error_t err;
	ssize_t w;
	int f;

	snprintf(d.dir, sizeof(d.dir), "/var/tmp/vbench-cktest-%s-XXXXXX", vb_marker_run_id());
	if (!mkdtemp(d.dir))
		_exit(1);
	vb_undo_add_path(VB_UNDO_DIR, d.dir);
	snprintf(p, sizeof(p), "%s/sub", d.dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sub/data", d.dir);
	vb_write_file(p, "x", 1, NULL);
	snprintf(p, sizeof(p), "%s/link", d.dir);
	if (symlink(precious, p) < 0)
		_exit(1);
	snprintf(d.file, sizeof(d.file), "/var/tmp/vbench-cktest-%s.tmp", vb_marker_run_id());
	f = open(d.file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (f < 0)
		_exit(1);
	close(f);
	vb_undo_add_path(VB_UNDO_FILE, d.file);
	snprintf(name, sizeof(name), "vbench-%s-cktest", vb_marker_run_id());
	if (vb_cgroup_create(&cg, "/sys/fs/cgroup", name, "0", 64 << 20, &err) == 0) {
		d.have_cg = 1;
		for (f = 0; f < 4; f++)
			d.ncg += cg.handles[f] > 0;
		snprintf(d.cg, sizeof(d.cg), "%s", cg.mode == VB_CG_V2 ? cg.v2 : cg.memory);
	} else {
		snprintf(d.why, sizeof(d.why), "%s", err.msg);
	}
	d.sleeper = fork();
	if (d.sleeper == 0) {
		/* As vbench's children are: exec'ed with its environment (so with
		 * VBENCH_RUN_ID), or in one of its cgroups. */
		char *argv[] = { "sleep", "1000", NULL };
		if (d.have_cg)
			vb_cgroup_attach(&cg, 0);
		execv("/bin/sleep", argv);
		for (;;)
			pause();
	}
	vb_undo_add_pid(d.sleeper, "sleeper");
	for (f = 0; f < 400 && !vb_clean_process_of_run(d.sleeper, vb_marker_run_id()); f++)
		usleep(5000); /* until it has joined the cgroup or exec'ed */
	w = write(fd, &d, sizeof(d));
	(void)w;
	for (;;)
		pause();
}

/* Start an owner child and SIGKILL it once it has registered everything. */
static void killed_owner(debris_t *d, const char *precious)
{
	char marker[PATH_MAX];
	int pfd[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		owner_child(pfd[1], precious);
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], d, sizeof(*d)), (ssize_t)sizeof(*d));
	close(pfd[0]);
	vb_cleantest_marker_of(pid, marker, sizeof(marker));
	ck_assert_msg(marker[0], "no marker for the owner %d", (int)pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	/* Everything is still there after the kill. */
	ck_assert(vb_cleantest_exists(d->dir));
	ck_assert(vb_cleantest_exists(d->file));
	ck_assert(vb_cleantest_running(d->sleeper));
	if (d->have_cg)
		ck_assert(vb_cleantest_exists(d->cg));
	ck_assert(vb_cleantest_exists(marker));
}

static void assert_cleaned(const debris_t *d, const char *precious)
{
	char marker[PATH_MAX];
	int i;

	ck_assert_msg(!vb_cleantest_exists(d->dir), "%s left", d->dir);
	ck_assert_msg(!vb_cleantest_exists(d->file), "%s left", d->file);
	for (i = 0; i < 200 && vb_cleantest_running(d->sleeper); i++)
		usleep(5000);
	ck_assert_msg(!vb_cleantest_running(d->sleeper), "process %d still runs", (int)d->sleeper);
	if (d->have_cg)
		ck_assert_msg(!vb_cleantest_exists(d->cg), "%s left", d->cg);
	vb_cleantest_marker_of(d->owner, marker, sizeof(marker));
	ck_assert_msg(!marker[0], "marker %s left", marker);
	/* The symbolic link was removed, not followed. */
	ck_assert(vb_cleantest_exists(precious));
}

START_TEST(test_killed_owner_cleaned_by_function)
{
	char precious[PATH_MAX], out[8192];
	vb_clean_stats_t st;
	debris_t d;

	snprintf(precious, sizeof(precious), "%s/precious", vb_cleantest_priv);
	ck_assert_int_eq(vb_write_file(precious, "keep", 4, NULL), 0);
	killed_owner(&d, precious);
	if (!d.have_cg)
		fprintf(stderr, "SKIP %s (cgroup part): %s\n", __func__, d.why);
	/* A dry run says what it would do and does nothing. */
	vb_cleantest_clean(1, &st, out, sizeof(out));
	ck_assert_uint_eq(st.dead, 1);
	ck_assert_msg(st.removed == 3u + d.ncg, "%s", out);
	ck_assert_msg(strstr(out, "would remove directory"), "%s", out);
	ck_assert(vb_cleantest_exists(d.dir) && vb_cleantest_exists(d.file) &&
		  vb_cleantest_running(d.sleeper));
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_msg(st.dead == 1 && st.failed == 0 && st.refused == 0, "%s", out);
	ck_assert_uint_eq(st.removed, 3u + d.ncg);
	ck_assert_msg(strstr(out, d.dir) && strstr(out, d.file), "%s", out);
	assert_cleaned(&d, precious);
	/* Nothing left to do. */
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_uint_eq(st.dead + st.live + st.bad, 0);
}
END_TEST

START_TEST(test_killed_owner_cleaned_by_binary)
{
	char precious[PATH_MAX], out[8192], bin[PATH_MAX];
	char *argv[] = { bin, "clean", NULL };
	debris_t d;
	int rc;

	snprintf(bin, sizeof(bin), "%s/bench/vbench", vb_test_bindir());
	snprintf(precious, sizeof(precious), "%s/precious", vb_cleantest_priv);
	ck_assert_int_eq(vb_write_file(precious, "keep", 4, NULL), 0);
	killed_owner(&d, precious);
	rc = vb_test_run(argv, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "vbench clean exited %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, "1 dead run") && strstr(out, "removed marker"), "%s", out);
	assert_cleaned(&d, precious);
	rc = vb_test_run(argv, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0 && strstr(out, "nothing to clean"), "%s", out);
}
END_TEST

/* ---- (3) a live owner ------------------------------------------------------ */

START_TEST(test_live_owner_left_alone)
{
	char dir[PATH_MAX], out[8192], marker[PATH_MAX];
	vb_clean_stats_t st;
	int h, pfd[2], status;
	pid_t pid, s;

	/* This process itself owns a marker. */
	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%s-XXXXXX", vb_marker_run_id());
	ck_assert_ptr_nonnull(mkdtemp(dir));
	h = vb_undo_add_path(VB_UNDO_DIR, dir);
	/* And so does a live child, with a process of its own. */
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char d2[PATH_MAX];
		snprintf(d2, sizeof(d2), "/var/tmp/vbench-cktest-%s-XXXXXX", vb_marker_run_id());
		if (!mkdtemp(d2))
			_exit(1);
		vb_undo_add_path(VB_UNDO_DIR, d2);
		s = vb_cleantest_exec_sleeper();
		vb_undo_add_pid(s, "sleeper");
		if (write(pfd[1], &s, sizeof(s)) != sizeof(s))
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &s, sizeof(s)), (ssize_t)sizeof(s));
	close(pfd[0]);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_msg(st.live == 2 && st.dead == 0 && st.removed == 0, "%s", out);
	ck_assert_msg(strstr(out, "is alive: left alone"), "%s", out);
	ck_assert(vb_cleantest_exists(dir));
	ck_assert(vb_cleantest_running(s));
	ck_assert(vb_cleantest_exists(vb_marker_path()));
	vb_cleantest_marker_of(pid, marker, sizeof(marker));
	ck_assert(marker[0]);
	/* Once the child is killed its part goes, ours stays. */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_msg(st.live == 1 && st.dead == 1 && st.removed == 2, "%s", out);
	ck_assert(!vb_cleantest_running(s));
	ck_assert(!vb_cleantest_exists(marker));
	ck_assert(vb_cleantest_exists(dir));
	vb_undo_release(h);
	ck_assert(!vb_cleantest_exists(dir));
}
END_TEST

/* ---- (5) a real `vbench run`, SIGKILLed ----------------------------------- */

/* Start `vbench run` and SIGKILL it once it has run a repetition. */
static pid_t kill_a_run(const char *bin, const char *out_dir)
{
	char path[PATH_MAX], reps[] = "500";
	char *argv[] = { (char *)bin, "run",   "--workload",	"cpu.int,io.randread",
			 "--profile", "test",  "--reps",	reps,
			 "--quiet",   "--out", (char *)out_dir, NULL };
	int i, devnull, status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/run.json", out_dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(bin, argv);
		_exit(127);
	}
	for (i = 0; i < 600; i++) {
		json_t *d = json_load_file(path, 0, NULL);
		size_t n = d ? json_array_size(json_object_get(d, "repetitions")) : 0;
		json_decref(d);
		if (n >= 1)
			break;
		usleep(50000);
	}
	ck_assert_msg(i < 600, "vbench run wrote no repetition");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return pid;
}

/* Names of @pid's debris in /var/tmp and the cgroup hierarchies: count. */
static int debris_count(pid_t pid)
{
	static const char *const dirs[] = { "/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/memory",
					    "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup",
					    "/var/tmp" };
	char cg[64], tag[32], marker[PATH_MAX];
	struct dirent *de;
	size_t i;
	int n = 0;
	DIR *d;

	snprintf(cg, sizeof(cg), "vbench-%d-", (int)pid);
	snprintf(tag, sizeof(tag), "-%d-", (int)pid);
	for (i = 0; i < VB_ARRAY_SIZE(dirs); i++) {
		d = opendir(dirs[i]);
		while (d && (de = readdir(d)) != NULL)
			n += !strncmp(de->d_name, cg, strlen(cg)) ||
			     (i == 4 && !strncmp(de->d_name, "vbench-", 7) &&
			      strstr(de->d_name, tag));
		if (d)
			closedir(d);
	}
	vb_cleantest_marker_of(pid, marker, sizeof(marker));
	return n + !!marker[0];
}

START_TEST(test_killed_run_cleaned)
{
	char bin[PATH_MAX], out_dir[PATH_MAX], out[1 << 14], again[PATH_MAX], expect[64];
	char *clean_argv[] = { bin, "clean", NULL };
	char *run_argv[] = { bin,      "run", "--workload", "cpu.int", "--profile",    "test",
			     "--reps", "1",   "--density",  "0",       "--noisy=none", "--out",
			     again,    NULL };
	pid_t pid;
	int rc;

	snprintf(bin, sizeof(bin), "%s/bench/vbench", vb_test_bindir());
	/* `vbench clean`. */
	snprintf(out_dir, sizeof(out_dir), "%s/run1", vb_cleantest_priv);
	pid = kill_a_run(bin, out_dir);
	ck_assert_msg(debris_count(pid) >= 2, "a killed run left no marker nor scratch directory");
	rc = vb_test_run(clean_argv, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "vbench clean exited %d:\n%s", rc, out);
	VB_ASSERT_NO_DEBRIS(pid, out); /* after vbench clean */
	/* The start of `vbench run`. */
	snprintf(out_dir, sizeof(out_dir), "%s/run2", vb_cleantest_priv);
	pid = kill_a_run(bin, out_dir);
	ck_assert_int_ge(debris_count(pid), 2);
	snprintf(again, sizeof(again), "%s/run3", vb_cleantest_priv);
	rc = vb_test_run(run_argv, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "vbench run exited %d:\n%s", rc, out);
	snprintf(expect, sizeof(expect), "removed what killed run %d", (int)pid);
	ck_assert_msg(strstr(out, expect), "no note '%s' in:\n%s", expect, out);
	VB_ASSERT_NO_DEBRIS(pid, out); /* after the next vbench run */
}
END_TEST

/* The debris check (tests/debris.c) of a dead vbench: a decoy of these
 * tests that carries its PID (left by a killed test binary, the PID since
 * recycled) is not its debris; a scratch directory of it is. */
START_TEST(test_debris_skips_decoys)
{
	char decoy[PATH_MAX], scratch[PATH_MAX], why[512], why2[512];
	pid_t pid = vb_cleantest_dead_owner(NULL, 0);
	int made, decoy_only, with_scratch;

	snprintf(decoy, sizeof(decoy), "/var/tmp/vbench-cktest-%d-0000decoy", (int)pid);
	snprintf(scratch, sizeof(scratch), "/var/tmp/vbench-scratch-%d-0000decoy", (int)pid);
	made = mkdir(decoy, 0700) == 0;
	decoy_only = vb_test_debris(pid, why, sizeof(why));
	made += mkdir(scratch, 0700) == 0;
	with_scratch = vb_test_debris(pid, why2, sizeof(why2));
	rmdir(decoy); /* before any assertion: nothing left on a failure */
	rmdir(scratch);
	ck_assert_int_eq(made, 2);
	ck_assert_msg(!decoy_only, "%s", why);
	ck_assert_int_eq(with_scratch, 1);
	ck_assert_msg(strstr(why2, scratch), "%s", why2);
}
END_TEST

Suite *vb_suite_clean(void)
{
	Suite *s = suite_create("clean");
	TCase *tc = tcase_create("markers");

	tcase_add_checked_fixture(tc, vb_cleantest_setup, vb_cleantest_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_marker_written_and_removed);
	tcase_add_test(tc, test_killed_owner_cleaned_by_function);
	tcase_add_test(tc, test_killed_owner_cleaned_by_binary);
	tcase_add_test(tc, test_live_owner_left_alone);
	tcase_add_test(tc, test_killed_run_cleaned);
	tcase_add_test(tc, test_debris_skips_decoys);
	suite_add_tcase(s, tc);
	return s;
}
