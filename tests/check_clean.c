/*
 * check_clean.c - owner markers (harness/marker.c) and `vbench clean`
 * (harness/clean.c, cleanfs.c, bench/cmd_clean.c).
 *
 * A marker is written the moment a resource is registered and removed when
 * everything is released.  A process that registers a directory, a file, a
 * cgroup and a sleeping process and is then SIGKILLed leaves them all; clean
 * (the function and the binary) removes them and the marker.  A live owner's
 * marker and resources are left alone; a reused PID (other start time) is
 * a dead owner whose recorded process is not killed; paths outside what
 * vbench creates, symbolic links and bind mounts are refused or unmounted,
 * never deleted through; bad marker files are skipped.  Finally a real
 * `vbench run` is SIGKILLed mid-run and `vbench clean`, then the start of
 * another `vbench run`, remove what it left.
 *
 * Every test uses its own state directory (VBENCH_STATE_DIR), so the markers
 * of other vbench runs on this host are never read.
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

#include "../harness/cgroup.h"
#include "../harness/clean.h"
#include "../harness/marker.h"
#include "../harness/registry.h"
#include "../harness/util.h"
#include "tests.h"
#include "testutil.h"

static char state[PATH_MAX], priv[PATH_MAX];

static void setup(void)
{
	snprintf(state, sizeof(state), "/tmp/check-clean-state-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(state));
	snprintf(priv, sizeof(priv), "/tmp/check-clean-priv-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(priv));
	setenv("VBENCH_STATE_DIR", state, 1);
}

static void teardown(void)
{
	vb_rm_rf(state);
	vb_rm_rf(priv);
}

static int exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

/* Alive and not a zombie (pid 1 here may not reap orphans). */
static int running(pid_t pid)
{
	unsigned long long start;
	char st;

	return vb_proc_identity(pid, &st, &start) == 0 && st != 'Z';
}

/* The marker of @pid in the state directory into @out ("" if none). */
static void marker_of(pid_t pid, char *out, size_t len)
{
	char prefix[32];
	struct dirent *de;
	DIR *d = opendir(state);

	out[0] = '\0';
	snprintf(prefix, sizeof(prefix), "%d-", (int)pid);
	while (d && (de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			snprintf(out, len, "%s/%s", state, de->d_name);
	if (d)
		closedir(d);
}

/* The lines of a marker, as a JSON array. */
static json_t *marker_lines(const char *path)
{
	char *text = vb_read_file(path, 1 << 20, 0, NULL), *line, *save = NULL;
	json_t *a = json_array();

	ck_assert_ptr_nonnull(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		json_array_append_new(a, json_loads(line, 0, NULL));
	free(text);
	return a;
}

/* vb_clean on the test's state directory; its output into @out. */
static void clean_fn(int dry, vb_clean_stats_t *st, char *out, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	vb_clean_opts_t o = { .dry_run = dry, .out = f };
	vb_error_t err;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(vb_clean(&o, st, &err), 0);
	fclose(f);
	snprintf(out, len, "%s", buf ? buf : "");
	free(buf);
}

/* A process that sleeps until killed, without a parent-death signal. */
static pid_t sleeper(const vb_cgroup_t *cg)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (cg)
			vb_cgroup_attach(cg, 0);
		for (;;)
			pause();
	}
	return pid;
}

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
	hd = vb_res_add_path(VB_RES_DIR, dir);
	ck_assert_int_gt(hd, 0);
	/* Written at registration, named after its owner. */
	ck_assert_ptr_nonnull(vb_marker_path());
	ck_assert_int_eq(vb_proc_identity(getpid(), NULL, &start), 0);
	snprintf(path, sizeof(path), "%s/%d-%llu.jsonl", state, (int)getpid(), start);
	ck_assert_str_eq(vb_marker_path(), path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	child = sleeper(NULL);
	hp = vb_res_add_pid(child, "sleeper");
	lines = marker_lines(path);
	ck_assert_uint_eq(json_array_size(lines), 3);
	head = json_array_get(lines, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(head, "vbench_marker")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(head, "pid")), getpid());
	ck_assert_uint_eq(
	    (unsigned long long)json_integer_value(json_object_get(head, "starttime")), start);
	ck_assert_int_eq(vb_boot_id(boot, sizeof(boot)), 0);
	ck_assert_str_eq(json_string_value(json_object_get(head, "boot_id")), boot);
	ck_assert_str_eq(json_string_value(json_object_get(head, "version")), VB_VERSION);
	ck_assert_uint_gt(json_array_size(json_object_get(head, "cmdline")), 0);
	l = json_array_get(lines, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(l, "add")), hd);
	ck_assert_str_eq(json_string_value(json_object_get(l, "kind")), "dir");
	ck_assert_str_eq(json_string_value(json_object_get(l, "path")), dir);
	l = json_array_get(lines, 2);
	ck_assert_str_eq(json_string_value(json_object_get(l, "kind")), "process");
	ck_assert_int_eq(json_integer_value(json_object_get(l, "pid")), child);
	ck_assert_int_eq(vb_proc_identity(child, NULL, &cstart), 0);
	ck_assert_uint_eq((unsigned long long)json_integer_value(json_object_get(l, "starttime")),
			  cstart);
	json_decref(lines);
	/* A normal release is noted; the last one removes the marker. */
	vb_res_release(hd);
	ck_assert(!exists(dir));
	lines = marker_lines(path);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(lines, 3), "released")),
			 hd);
	json_decref(lines);
	vb_res_release(hp);
	ck_assert(!exists(path));
	ck_assert_ptr_null(vb_marker_path());
	ck_assert_int_eq(vb_res_count(), 0);
	/* The state directory is private. */
	ck_assert_int_eq(stat(state, &st), 0);
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
	char p[PATH_MAX + 16], name[64];
	vb_cgroup_t cg;
	vb_error_t err;
	ssize_t w;
	int f;

	snprintf(d.dir, sizeof(d.dir), "/var/tmp/vbench-cktest-%d-XXXXXX", (int)d.owner);
	if (!mkdtemp(d.dir))
		_exit(1);
	vb_res_add_path(VB_RES_DIR, d.dir);
	snprintf(p, sizeof(p), "%s/sub", d.dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sub/data", d.dir);
	vb_write_file(p, "x", 1, NULL);
	snprintf(p, sizeof(p), "%s/link", d.dir);
	if (symlink(precious, p) < 0)
		_exit(1);
	snprintf(d.file, sizeof(d.file), "/var/tmp/vbench-cktest-%d.tmp", (int)d.owner);
	f = open(d.file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (f < 0)
		_exit(1);
	close(f);
	vb_res_add_path(VB_RES_FILE, d.file);
	snprintf(name, sizeof(name), "vbench-%d-cktest", (int)d.owner);
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
		if (d.have_cg)
			vb_cgroup_attach(&cg, 0);
		for (;;)
			pause();
	}
	vb_res_add_pid(d.sleeper, "sleeper");
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
	marker_of(pid, marker, sizeof(marker));
	ck_assert_msg(marker[0], "no marker for the owner %d", (int)pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	/* Everything is still there after the kill. */
	ck_assert(exists(d->dir));
	ck_assert(exists(d->file));
	ck_assert(running(d->sleeper));
	if (d->have_cg)
		ck_assert(exists(d->cg));
	ck_assert(exists(marker));
}

static void assert_cleaned(const debris_t *d, const char *precious)
{
	char marker[PATH_MAX];
	int i;

	ck_assert_msg(!exists(d->dir), "%s left", d->dir);
	ck_assert_msg(!exists(d->file), "%s left", d->file);
	for (i = 0; i < 200 && running(d->sleeper); i++)
		usleep(5000);
	ck_assert_msg(!running(d->sleeper), "process %d still runs", (int)d->sleeper);
	if (d->have_cg)
		ck_assert_msg(!exists(d->cg), "%s left", d->cg);
	marker_of(d->owner, marker, sizeof(marker));
	ck_assert_msg(!marker[0], "marker %s left", marker);
	/* The symbolic link was removed, not followed. */
	ck_assert(exists(precious));
}

START_TEST(test_killed_owner_cleaned_by_function)
{
	char precious[PATH_MAX], out[8192];
	vb_clean_stats_t st;
	debris_t d;

	snprintf(precious, sizeof(precious), "%s/precious", priv);
	ck_assert_int_eq(vb_write_file(precious, "keep", 4, NULL), 0);
	killed_owner(&d, precious);
	if (!d.have_cg)
		fprintf(stderr, "SKIP %s (cgroup part): %s\n", __func__, d.why);
	/* A dry run says what it would do and does nothing. */
	clean_fn(1, &st, out, sizeof(out));
	ck_assert_uint_eq(st.dead, 1);
	ck_assert_uint_eq(st.removed, 3u + d.ncg);
	ck_assert_msg(strstr(out, "would remove directory"), "%s", out);
	ck_assert(exists(d.dir) && exists(d.file) && running(d.sleeper));
	clean_fn(0, &st, out, sizeof(out));
	ck_assert_msg(st.dead == 1 && st.failed == 0 && st.refused == 0, "%s", out);
	ck_assert_uint_eq(st.removed, 3u + d.ncg);
	ck_assert_msg(strstr(out, d.dir) && strstr(out, d.file), "%s", out);
	assert_cleaned(&d, precious);
	/* Nothing left to do. */
	clean_fn(0, &st, out, sizeof(out));
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
	snprintf(precious, sizeof(precious), "%s/precious", priv);
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
	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%d-XXXXXX", (int)getpid());
	ck_assert_ptr_nonnull(mkdtemp(dir));
	h = vb_res_add_path(VB_RES_DIR, dir);
	/* And so does a live child, with a process of its own. */
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char d2[PATH_MAX];
		snprintf(d2, sizeof(d2), "/var/tmp/vbench-cktest-%d-XXXXXX", (int)getpid());
		if (!mkdtemp(d2))
			_exit(1);
		vb_res_add_path(VB_RES_DIR, d2);
		s = sleeper(NULL);
		vb_res_add_pid(s, "sleeper");
		if (write(pfd[1], &s, sizeof(s)) != sizeof(s))
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &s, sizeof(s)), (ssize_t)sizeof(s));
	close(pfd[0]);
	clean_fn(0, &st, out, sizeof(out));
	ck_assert_msg(st.live == 2 && st.dead == 0 && st.removed == 0, "%s", out);
	ck_assert_msg(strstr(out, "is alive: left alone"), "%s", out);
	ck_assert(exists(dir));
	ck_assert(running(s));
	ck_assert(exists(vb_marker_path()));
	marker_of(pid, marker, sizeof(marker));
	ck_assert(marker[0]);
	/* Once the child is killed its part goes, ours stays. */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	clean_fn(0, &st, out, sizeof(out));
	ck_assert_msg(st.live == 1 && st.dead == 1 && st.removed == 2, "%s", out);
	ck_assert(!running(s));
	ck_assert(!exists(marker));
	ck_assert(exists(dir));
	vb_res_release(h);
	ck_assert(!exists(dir));
}
END_TEST

/* ---- (4) reused PIDs, forged and bad markers -------------------------------- */

/* Write a marker for @pid/@start listing @lines (JSON objects, one a line). */
static void forge(pid_t pid, unsigned long long start, const char *boot, const char *lines)
{
	char path[PATH_MAX], *text;
	int n;

	snprintf(path, sizeof(path), "%s/%d-%llu.jsonl", state, (int)pid, start);
	n = asprintf(&text,
		     "{\"vbench_marker\":1,\"pid\":%d,\"starttime\":%llu,\"boot_id\":\"%s\","
		     "\"version\":\"0\",\"cmdline\":[\"vbench\",\"run\"]}\n%s",
		     (int)pid, start, boot, lines);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(vb_write_file(path, text, strlen(text), NULL), 0);
	chmod(path, 0600);
	free(text);
}

START_TEST(test_reused_pid_is_dead)
{
	char dir[PATH_MAX], boot[64], lines[2048], out[8192];
	unsigned long long start;
	vb_clean_stats_t st;
	pid_t s = sleeper(NULL);

	/* The live sleeper's PID, but another start time: a dead owner, whose
	 * recorded "process" (the same PID, the wrong start time) is not ours. */
	ck_assert_int_eq(vb_proc_identity(s, NULL, &start), 0);
	ck_assert_int_eq(vb_boot_id(boot, sizeof(boot)), 0);
	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%d-XXXXXX", (int)s);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(lines, sizeof(lines),
		 "{\"add\":1,\"kind\":\"dir\",\"path\":\"%s\"}\n"
		 "{\"add\":2,\"kind\":\"process\",\"pid\":%d,\"starttime\":%llu,\"what\":\"x\"}\n",
		 dir, (int)s, start + 1);
	forge(s, start + 1, boot, lines);
	clean_fn(0, &st, out, sizeof(out));
	ck_assert_msg(st.dead == 1 && st.removed == 1 && st.gone == 1, "%s", out);
	ck_assert(!exists(dir));
	ck_assert_msg(running(s), "a process with a reused PID was killed");
	kill(s, SIGKILL);
	waitpid(s, NULL, 0);
}
END_TEST

START_TEST(test_forged_paths_refused)
{
	char boot[64], lines[4096], out[8192], etc[PATH_MAX], keep[PATH_MAX], link[PATH_MAX];
	char bad[PATH_MAX], target[PATH_MAX];
	vb_clean_stats_t st;
	pid_t dead;

	ck_assert_int_eq(vb_boot_id(boot, sizeof(boot)), 0);
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	snprintf(etc, sizeof(etc), "%s/etc", priv);
	ck_assert_int_eq(mkdir(etc, 0755), 0);
	snprintf(keep, sizeof(keep), "%s/etc/passwd", priv);
	ck_assert_int_eq(vb_write_file(keep, "root", 4, NULL), 0);
	snprintf(target, sizeof(target), "%s/target", priv);
	ck_assert_int_eq(mkdir(target, 0755), 0);
	/* A directory with the right name that is a symbolic link elsewhere. */
	snprintf(link, sizeof(link), "/var/tmp/vbench-cktest-%d-link", (int)dead);
	ck_assert_int_eq(symlink(target, link), 0);
	snprintf(
	    lines, sizeof(lines),
	    "{\"add\":1,\"kind\":\"file\",\"path\":\"%s\"}\n"
	    "{\"add\":2,\"kind\":\"dir\",\"path\":\"%s\"}\n"
	    "{\"add\":3,\"kind\":\"dir\",\"path\":\"/var/tmp/vbench-cktest-%d-x/../../..%s\"}\n"
	    "{\"add\":4,\"kind\":\"cgroup\",\"path\":\"/sys/fs/cgroup/memory\"}\n"
	    "{\"add\":5,\"kind\":\"dir\",\"path\":\"%s\"}\n"
	    "{\"add\":6,\"kind\":\"process\",\"pid\":1,\"starttime\":1,\"what\":\"init\"}\n"
	    "{\"add\":7,\"kind\":\"func\",\"path\":\"x\",\"undo\":\"oci\",\"runtime\":\"/bin/sh\","
	    "\"id\":\"vbench-%d-oci\"}\n"
	    "{\"add\":8,\"kind\":\"dir\",\"path\":\"/etc/vbench-cktest-%d-x\"}\n"
	    "not json, as from a write cut short\n",
	    keep, etc, (int)dead, priv, link, (int)dead, (int)dead);
	forge(dead, 12345, boot, lines);
	/* Files that are not markers. */
	snprintf(bad, sizeof(bad), "%s/1-2.jsonl", state);
	ck_assert_int_eq(vb_write_file(bad, "garbage\n", 8, NULL), 0);
	chmod(bad, 0600);
	snprintf(bad, sizeof(bad), "%s/3-4.jsonl", state);
	snprintf(lines, sizeof(lines),
		 "{\"vbench_marker\":1,\"pid\":5,\"starttime\":4,"
		 "\"boot_id\":\"%s\"}\n",
		 boot);
	ck_assert_int_eq(vb_write_file(bad, lines, strlen(lines), NULL), 0);
	chmod(bad, 0600);
	clean_fn(0, &st, out, sizeof(out));
	ck_assert_msg(st.dead == 1 && st.bad == 2 && st.removed == 0 && st.refused == 8, "%s", out);
	ck_assert_msg(strstr(out, "not under /var/tmp"), "%s", out);
	ck_assert_msg(strstr(out, "its name is not vbench-"), "%s", out);
	ck_assert_msg(strstr(out, "not a plain absolute path"), "%s", out);
	ck_assert_msg(strstr(out, "not a usable marker"), "%s", out);
	ck_assert_msg(strstr(out, "ignored 1 unreadable line"), "%s", out);
	ck_assert(exists(keep));
	ck_assert(exists(etc));
	ck_assert(exists(target));
	ck_assert_msg(strstr(out, "not a cgroup"), "%s", out);
	ck_assert_msg(strstr(out, "not a directory (a symbolic link?)"), "%s", out);
	ck_assert(exists(link));
	unlink(link);
	/* Refusals are final: the marker is gone; bad files stay for a human. */
	marker_of(dead, lines, sizeof(lines));
	ck_assert_msg(!lines[0], "%s kept", lines);
	ck_assert(exists(bad));
}
END_TEST

/* A bind mount inside a dead owner's directory is unmounted, not deleted
 * through. */
START_TEST(test_bind_mount_not_deleted_through)
{
	char boot[64], lines[1024], out[8192], dir[PATH_MAX], mnt[PATH_MAX], keep[PATH_MAX];
	vb_clean_stats_t st;
	pid_t dead;

	ck_assert_int_eq(vb_boot_id(boot, sizeof(boot)), 0);
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	snprintf(keep, sizeof(keep), "%s/data", priv);
	ck_assert_int_eq(vb_write_file(keep, "keep", 4, NULL), 0);
	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%d-XXXXXX", (int)dead);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(mnt, sizeof(mnt), "%s/rootfs/scratch", dir);
	ck_assert_int_eq(vb_mkdir_p(mnt, 0755, NULL), 0);
	if (mount(priv, mnt, NULL, MS_BIND, NULL) < 0) {
		vb_rm_rf(dir);
		VB_SKIP("bind mount not permitted here: %s", strerror(errno));
	}
	snprintf(lines, sizeof(lines), "{\"add\":1,\"kind\":\"dir\",\"path\":\"%s\"}\n", dir);
	forge(dead, 777, boot, lines);
	clean_fn(0, &st, out, sizeof(out));
	ck_assert_msg(st.dead == 1 && st.removed == 1 && st.failed == 0, "%s", out);
	ck_assert(!exists(dir));
	ck_assert_msg(exists(keep), "deleted through a bind mount");
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
	marker_of(pid, marker, sizeof(marker));
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
	snprintf(out_dir, sizeof(out_dir), "%s/run1", priv);
	pid = kill_a_run(bin, out_dir);
	ck_assert_msg(debris_count(pid) >= 2, "a killed run left no marker nor scratch directory");
	rc = vb_test_run(clean_argv, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "vbench clean exited %d:\n%s", rc, out);
	VB_ASSERT_NO_DEBRIS(pid, out); /* after vbench clean */
	/* The start of `vbench run`. */
	snprintf(out_dir, sizeof(out_dir), "%s/run2", priv);
	pid = kill_a_run(bin, out_dir);
	ck_assert_int_ge(debris_count(pid), 2);
	snprintf(again, sizeof(again), "%s/run3", priv);
	rc = vb_test_run(run_argv, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "vbench run exited %d:\n%s", rc, out);
	snprintf(expect, sizeof(expect), "removed what killed run %d", (int)pid);
	ck_assert_msg(strstr(out, expect), "no note '%s' in:\n%s", expect, out);
	VB_ASSERT_NO_DEBRIS(pid, out); /* after the next vbench run */
}
END_TEST

Suite *vb_suite_clean(void)
{
	Suite *s = suite_create("clean");
	TCase *tc = tcase_create("markers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_marker_written_and_removed);
	tcase_add_test(tc, test_killed_owner_cleaned_by_function);
	tcase_add_test(tc, test_killed_owner_cleaned_by_binary);
	tcase_add_test(tc, test_live_owner_left_alone);
	tcase_add_test(tc, test_reused_pid_is_dead);
	tcase_add_test(tc, test_forged_paths_refused);
	tcase_add_test(tc, test_bind_mount_not_deleted_through);
	tcase_add_test(tc, test_killed_run_cleaned);
	suite_add_tcase(s, tc);
	return s;
}
