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

/* What a resource name carries to name its owner: this process's run id. */
#define RUN_TAG() vb_marker_run_id()

/* The run id a forged marker of @pid claims: "<pid>-0000cafe<4 hex>". */
static const char *fake_id(pid_t pid)
{
	static char b[2][32];
	static int k;

	k ^= 1;
	snprintf(b[k], sizeof(b[k]), "%d-0000cafe%04x", (int)pid, (unsigned)pid & 0xffffu);
	return b[k];
}

/* Append to @buf a marker record "add" @h of @kind at @path, with the device
 * and inode @path has now (as vb_marker_add records them). */
static void rec(char *buf, size_t len, int h, const char *kind, const char *path)
{
	struct stat st;
	size_t n = strlen(buf);

	if (lstat(path, &st) == 0)
		snprintf(buf + n, len - n,
			 "{\"add\":%d,\"kind\":\"%s\",\"path\":\"%s\",\"dev\":%llu,\"ino\":%llu}\n", h,
			 kind, path, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	else
		snprintf(buf + n, len - n, "{\"add\":%d,\"kind\":\"%s\",\"path\":\"%s\"}\n", h,
			 kind, path);
}

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

/* A /bin/sleep started as vbench starts programs: with its environment,
 * so with VBENCH_RUN_ID (run id made first). */
static pid_t exec_sleeper(void)
{
	char *argv[] = { "sleep", "1000", NULL };
	pid_t pid;

	vb_marker_run_id();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execv("/bin/sleep", argv);
		_exit(127);
	}
	for (int i = 0; i < 400 && !vb_clean_process_of_run(pid, vb_marker_run_id()); i++)
		usleep(5000); /* until it has exec'ed: then it carries the run id */
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
	ck_assert_int_eq(json_integer_value(json_object_get(head, "vbench_marker")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(head, "run_id")), vb_marker_run_id());
	ck_assert(vb_clean_run_id_ok(vb_marker_run_id(), getpid()));
	ck_assert_str_eq(getenv(VB_RUN_ID_ENV), vb_marker_run_id());
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
	ck_assert_int_eq(lstat(dir, &st), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(l, "ino")), (json_int_t)st.st_ino);
	ck_assert_int_eq(json_integer_value(json_object_get(l, "dev")), (json_int_t)st.st_dev);
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
	char p[PATH_MAX + 16], name[96];
	vb_cgroup_t cg;
	vb_error_t err;
	ssize_t w;
	int f;

	snprintf(d.dir, sizeof(d.dir), "/var/tmp/vbench-cktest-%s-XXXXXX", vb_marker_run_id());
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
	snprintf(d.file, sizeof(d.file), "/var/tmp/vbench-cktest-%s.tmp", vb_marker_run_id());
	f = open(d.file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (f < 0)
		_exit(1);
	close(f);
	vb_res_add_path(VB_RES_FILE, d.file);
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
	vb_res_add_pid(d.sleeper, "sleeper");
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
	ck_assert_msg(st.removed == 3u + d.ncg, "%s", out);
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
	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%s-XXXXXX", vb_marker_run_id());
	ck_assert_ptr_nonnull(mkdtemp(dir));
	h = vb_res_add_path(VB_RES_DIR, dir);
	/* And so does a live child, with a process of its own. */
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char d2[PATH_MAX];
		snprintf(d2, sizeof(d2), "/var/tmp/vbench-cktest-%s-XXXXXX", vb_marker_run_id());
		if (!mkdtemp(d2))
			_exit(1);
		vb_res_add_path(VB_RES_DIR, d2);
		s = exec_sleeper();
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

/* Write a marker for @pid/@start with run id @id listing @lines (JSON
 * objects, one a line). */
static void forge_id(pid_t pid, unsigned long long start, const char *boot, const char *id,
		     const char *lines)
{
	char path[PATH_MAX], *text;
	int n;

	snprintf(path, sizeof(path), "%s/%d-%llu.jsonl", state, (int)pid, start);
	n = asprintf(&text,
		     "{\"vbench_marker\":2,\"pid\":%d,\"starttime\":%llu,\"boot_id\":\"%s\","
		     "\"run_id\":\"%s\",\"version\":\"0\",\"cmdline\":[\"vbench\",\"run\"]}\n%s",
		     (int)pid, start, boot, id, lines);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(vb_write_file(path, text, strlen(text), NULL), 0);
	chmod(path, 0600);
	free(text);
}

/* A PID that just died (a dead owner for a forged marker), and this boot's
 * id into @boot when not NULL. */
static pid_t dead_owner(char *boot, size_t len)
{
	pid_t dead = fork();

	ck_assert_int_ge(dead, 0);
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	if (boot)
		ck_assert_int_eq(vb_boot_id(boot, len), 0);
	return dead;
}

/* The same with the run id fake_id(@pid). */
static void forge(pid_t pid, unsigned long long start, const char *boot, const char *lines)
{
	forge_id(pid, start, boot, fake_id(pid), lines);
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
	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%s-XXXXXX", fake_id(s));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	lines[0] = '\0';
	rec(lines, sizeof(lines), 1, "dir", dir);
	snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines),
		 "{\"add\":2,\"kind\":\"process\",\"pid\":%d,\"starttime\":%llu,\"what\":\"x\"}\n",
		 (int)s, start + 1);
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
	char boot[64], lines[8192], out[16384], etc[PATH_MAX], keep[PATH_MAX], link[PATH_MAX];
	char bad[PATH_MAX], target[PATH_MAX], p[PATH_MAX], other[PATH_MAX];
	vb_clean_stats_t st;
	pid_t dead;

	dead = dead_owner(boot, sizeof(boot));
	snprintf(etc, sizeof(etc), "%s/etc", priv);
	ck_assert_int_eq(mkdir(etc, 0755), 0);
	snprintf(keep, sizeof(keep), "%s/etc/passwd", priv);
	ck_assert_int_eq(vb_write_file(keep, "root", 4, NULL), 0);
	snprintf(target, sizeof(target), "%s/target", priv);
	ck_assert_int_eq(mkdir(target, 0755), 0);
	/* A directory with the right name that is a symbolic link elsewhere. */
	snprintf(link, sizeof(link), "/var/tmp/vbench-cktest-%s-link", fake_id(dead));
	ck_assert_int_eq(symlink(target, link), 0);
	/* The right name and place, but not the object the run made (a directory
	 * put there later: another inode), and one with the PID but no run id. */
	snprintf(other, sizeof(other), "/var/tmp/vbench-cktest-%s-other", fake_id(dead));
	ck_assert_int_eq(mkdir(other, 0755), 0);
	lines[0] = '\0';
	rec(lines, sizeof(lines), 1, "file", keep);
	rec(lines, sizeof(lines), 2, "dir", etc);
	snprintf(p, sizeof(p), "/var/tmp/vbench-cktest-%s-x/../../..%s", fake_id(dead), priv);
	rec(lines, sizeof(lines), 3, "dir", p);
	rec(lines, sizeof(lines), 4, "cgroup", "/sys/fs/cgroup/memory");
	rec(lines, sizeof(lines), 5, "dir", link);
	snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines),
		 "{\"add\":6,\"kind\":\"process\",\"pid\":1,\"starttime\":1,\"what\":\"init\"}\n"
		 "{\"add\":7,\"kind\":\"func\",\"path\":\"x\",\"undo\":\"oci\",\"runtime\":\"/bin/sh\","
		 "\"id\":\"vbench-%d-oci\"}\n"
		 "{\"add\":8,\"kind\":\"dir\",\"path\":\"/etc/vbench-cktest-%s-x\"}\n"
		 "{\"add\":9,\"kind\":\"dir\",\"path\":\"%s\",\"dev\":1,\"ino\":2}\n"
		 "{\"add\":10,\"kind\":\"dir\",\"path\":\"/var/tmp/vbench-cktest-%d-x\"}\n"
		 "not json, as from a write cut short\n",
		 (int)dead, fake_id(dead), other, (int)dead);
	forge(dead, 12345, boot, lines);
	/* Files that are not markers: garbage, a format 1 marker (no run id). */
	snprintf(bad, sizeof(bad), "%s/1-2.jsonl", state);
	ck_assert_int_eq(vb_write_file(bad, "garbage\n", 8, NULL), 0);
	chmod(bad, 0600);
	snprintf(bad, sizeof(bad), "%s/5-4.jsonl", state);
	snprintf(lines, sizeof(lines),
		 "{\"vbench_marker\":1,\"pid\":5,\"starttime\":4,"
		 "\"boot_id\":\"%s\"}\n",
		 boot);
	ck_assert_int_eq(vb_write_file(bad, lines, strlen(lines), NULL), 0);
	chmod(bad, 0600);
	clean_fn(0, &st, out, sizeof(out));
	ck_assert_msg(st.dead == 1 && st.bad == 2 && st.removed == 0 && st.refused == 10, "%s",
		      out);
	ck_assert_msg(strstr(out, "not directly in /tmp, /var/tmp"), "%s", out);
	ck_assert_msg(strstr(out, "its name does not carry the run id"), "%s", out);
	ck_assert_msg(strstr(out, "not a plain absolute path"), "%s", out);
	ck_assert_msg(strstr(out, "not a usable marker"), "%s", out);
	ck_assert_msg(strstr(out, "in marker format 2"), "%s", out);
	ck_assert_msg(strstr(out, "ignored 1 unreadable line"), "%s", out);
	ck_assert_msg(strstr(out, "device and inode differ"), "%s", out);
	ck_assert(exists(keep));
	ck_assert(exists(etc));
	ck_assert(exists(target));
	ck_assert(exists(other));
	ck_assert_msg(strstr(out, "not a cgroup"), "%s", out);
	ck_assert_msg(strstr(out, "it is a symbolic link now"), "%s", out);
	ck_assert(exists(link));
	unlink(link);
	rmdir(other);
	/* Refusals are final: the marker is gone; bad files stay for a human. */
	marker_of(dead, lines, sizeof(lines));
	ck_assert_msg(!lines[0], "%s kept", lines);
	ck_assert(exists(bad));
}
END_TEST

/* ---- (4b) issue #11: forged and stale markers as an attacker writes them ---- */

/* A real program with an empty environment, not vbench's: /bin/sleep. */
static pid_t unrelated_sleep(void)
{
	char *argv[] = { "sleep", "1000", NULL }, *envp[] = { NULL };
	char path[64], comm[64];
	pid_t pid = fork();
	FILE *f;
	int i;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		execve("/bin/sleep", argv, envp);
		_exit(127);
	}
	setpgid(pid, pid);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (i = 0; i < 400; i++) { /* until it has exec'ed */
		comm[0] = '\0';
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = '\0';
			fclose(f);
		}
		if (!strncmp(comm, "sleep", 5))
			break;
		usleep(5000);
	}
	return pid;
}

/* Case 1: a forged marker naming a live unrelated process with its real
 * start time must not get it (or its process group) killed. */
START_TEST(test_forged_process_not_killed)
{
	char boot[64], lines[1024], out[8192];
	unsigned long long start;
	vb_clean_stats_t st;
	pid_t s = unrelated_sleep(), dead;

	ck_assert_int_eq(vb_proc_identity(s, NULL, &start), 0);
	dead = dead_owner(boot, sizeof(boot));
	snprintf(lines, sizeof(lines),
		 "{\"add\":1,\"kind\":\"process\",\"pid\":%d,\"starttime\":%llu,\"what\":\"agent\"}\n",
		 (int)s, start);
	forge(dead, 4242, boot, lines);
	clean_fn(0, &st, out, sizeof(out));
	usleep(100000);
	ck_assert_msg(running(s), "an unrelated process was killed:\n%s", out);
	ck_assert_msg(st.removed == 0 && st.refused == 1, "%s", out);
	ck_assert_msg(strstr(out, "not vbench's"), "%s", out);
	kill(s, SIGKILL);
	waitpid(s, NULL, 0);
}
END_TEST

/* Case 2: a stale (or planted) marker whose PID a live run now has, naming
 * that live run's own directory, cgroup and process, must leave them alone:
 * whether it claims another run id or copies the live run's. */
START_TEST(test_stale_marker_spares_live_run)
{
	char boot[64], lines[4096], out[16384], name[96];
	unsigned long long start, sstart;
	vb_clean_stats_t st;
	int pfd[2];
	pid_t live;
	struct {
		char dir[PATH_MAX], cg[PATH_MAX], id[VB_RUN_ID_MAX];
		int have_cg;
		pid_t s;
	} got;

	ck_assert_int_eq(vb_boot_id(boot, sizeof(boot)), 0);
	ck_assert_int_eq(pipe(pfd), 0);
	live = fork();
	ck_assert_int_ge(live, 0);
	if (live == 0) {
		vb_cgroup_t cg;
		vb_error_t err;

		memset(&got, 0, sizeof(got));
		snprintf(got.id, sizeof(got.id), "%s", vb_marker_run_id());
		snprintf(got.dir, sizeof(got.dir), "/var/tmp/vbench-cktest-%s-XXXXXX", got.id);
		if (!mkdtemp(got.dir))
			_exit(1);
		vb_res_add_path(VB_RES_DIR, got.dir);
		snprintf(name, sizeof(name), "vbench-%s-cktest", got.id);
		if (vb_cgroup_create(&cg, "/sys/fs/cgroup", name, "0", 64 << 20, &err) == 0) {
			got.have_cg = 1;
			snprintf(got.cg, sizeof(got.cg), "%s",
				 cg.mode == VB_CG_V2 ? cg.v2 : cg.memory);
		}
		got.s = exec_sleeper();
		vb_res_add_pid(got.s, "sleeper");
		if (write(pfd[1], &got, sizeof(got)) != (ssize_t)sizeof(got))
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &got, sizeof(got)), (ssize_t)sizeof(got));
	close(pfd[0]);
	ck_assert_int_eq(vb_proc_identity(live, NULL, &start), 0);
	for (int i = 0; i < 400 && !vb_clean_process_of_run(got.s, got.id); i++)
		usleep(5000); /* until the sleeper has exec'ed */
	ck_assert_int_eq(vb_proc_identity(got.s, NULL, &sstart), 0);
	/* Dead owners with the same PID, earlier start times: one claims a run
	 * id of its own, one copies the live run's. */
	lines[0] = '\0';
	rec(lines, sizeof(lines), 1, "dir", got.dir);
	rec(lines, sizeof(lines), 2, "cgroup", got.have_cg ? got.cg : "/sys/fs/cgroup/memory/x");
	snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines),
		 "{\"add\":3,\"kind\":\"process\",\"pid\":%d,\"starttime\":%llu,\"what\":\"agent\"}\n",
		 (int)got.s, sstart);
	forge(live, start - 1, boot, lines);
	forge_id(live, start - 2, boot, got.id, lines);
	clean_fn(0, &st, out, sizeof(out));
	ck_assert_msg(exists(got.dir), "a live run's directory was removed:\n%s", out);
	if (got.have_cg)
		ck_assert_msg(exists(got.cg), "a live run's cgroup was removed:\n%s", out);
	ck_assert_msg(running(got.s), "a live run's process was killed:\n%s", out);
	ck_assert_msg(st.removed == 0 && st.live == 1, "%s", out);
	ck_assert_msg(strstr(out, "of a live run"), "%s", out);
	kill(live, SIGKILL);
	waitpid(live, NULL, 0);
	/* Now that it is dead, its own marker undoes it all. */
	clean_fn(0, &st, out, sizeof(out));
	ck_assert_msg(!exists(got.dir), "%s", out);
	if (got.have_cg)
		ck_assert_msg(!exists(got.cg), "%s", out);
	for (int i = 0; i < 200 && running(got.s); i++)
		usleep(5000);
	ck_assert_msg(!running(got.s), "%s", out);
}
END_TEST

/* Case 3: a symbolic link in the path (/tmp/x -> a directory elsewhere) and
 * a VM-disk-like file outside any place the run recorded are refused; the
 * same file in a --scratch place the marker recorded is removed. */
START_TEST(test_symlink_and_stray_img_refused)
{
	char boot[64], lines[4096], out[8192], link[PATH_MAX], home[PATH_MAX], victim[PATH_MAX];
	char img[PATH_MAX], viaimg[PATH_MAX], scratch[PATH_MAX], ok[PATH_MAX];
	struct stat sst;
	vb_clean_stats_t st;
	pid_t dead;

	dead = dead_owner(boot, sizeof(boot));
	snprintf(home, sizeof(home), "%s/home", priv);
	ck_assert_int_eq(mkdir(home, 0755), 0);
	snprintf(victim, sizeof(victim), "%s/vbench-cktest-%s-x", home, fake_id(dead));
	ck_assert_int_eq(mkdir(victim, 0755), 0);
	vb_test_put_text(victim, "thesis.tex", "years of work");
	snprintf(img, sizeof(img), "%s/vbench-data-%s.img", home, fake_id(dead));
	ck_assert_int_eq(vb_write_file(img, "data", 4, NULL), 0);
	snprintf(link, sizeof(link), "/tmp/vbench-cktest-link-%d", (int)getpid());
	unlink(link);
	ck_assert_int_eq(symlink(home, link), 0);
	snprintf(viaimg, sizeof(viaimg), "%s/vbench-data-%s.img", link, fake_id(dead));
	snprintf(scratch, sizeof(scratch), "%s/scratch", priv);
	ck_assert_int_eq(mkdir(scratch, 0755), 0);
	ck_assert_int_eq(stat(scratch, &sst), 0);
	snprintf(ok, sizeof(ok), "%s/vbench-hosted-%s.img", scratch, fake_id(dead));
	ck_assert_int_eq(vb_write_file(ok, "disk", 4, NULL), 0);
	snprintf(lines, sizeof(lines),
		 "{\"place\":\"scratch\",\"path\":\"%s\",\"dev\":%llu,\"ino\":%llu}\n"
		 "{\"place\":\"scratch\",\"path\":\"%s\"}\n",
		 scratch, (unsigned long long)sst.st_dev, (unsigned long long)sst.st_ino, link);
	snprintf(victim, sizeof(victim), "%s/vbench-cktest-%s-x", link, fake_id(dead));
	rec(lines, sizeof(lines), 1, "dir", victim);
	rec(lines, sizeof(lines), 2, "file", img);
	rec(lines, sizeof(lines), 3, "file", viaimg);
	rec(lines, sizeof(lines), 4, "file", ok);
	forge(dead, 999, boot, lines);
	clean_fn(0, &st, out, sizeof(out));
	unlink(link);
	snprintf(victim, sizeof(victim), "%s/vbench-cktest-%s-x/thesis.tex", home, fake_id(dead));
	ck_assert_msg(exists(victim), "deleted through a symbolic link:\n%s", out);
	ck_assert_msg(exists(img), "a stray .img outside the run's places deleted:\n%s", out);
	ck_assert_msg(!exists(ok), "the disk in the recorded --scratch place is left:\n%s", out);
	ck_assert_msg(st.removed == 1 && st.refused == 3, "%s", out);
	ck_assert_msg(strstr(out, "a symbolic link is in its path"), "%s", out);
}
END_TEST

/* A bind mount inside a dead owner's directory is unmounted, not deleted
 * through. */
START_TEST(test_bind_mount_not_deleted_through)
{
	char boot[64], lines[1024], out[8192], dir[PATH_MAX], mnt[PATH_MAX], keep[PATH_MAX];
	vb_clean_stats_t st;
	pid_t dead;

	dead = dead_owner(boot, sizeof(boot));
	snprintf(keep, sizeof(keep), "%s/data", priv);
	ck_assert_int_eq(vb_write_file(keep, "keep", 4, NULL), 0);
	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%s-XXXXXX", fake_id(dead));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(mnt, sizeof(mnt), "%s/rootfs/scratch", dir);
	ck_assert_int_eq(vb_mkdir_p(mnt, 0755, NULL), 0);
	if (mount(priv, mnt, NULL, MS_BIND, NULL) < 0) {
		vb_rm_rf(dir);
		VB_SKIP("bind mount not permitted here: %s", strerror(errno));
	}
	lines[0] = '\0';
	rec(lines, sizeof(lines), 1, "dir", dir);
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
	tcase_add_test(tc, test_forged_process_not_killed);
	tcase_add_test(tc, test_stale_marker_spares_live_run);
	tcase_add_test(tc, test_symlink_and_stray_img_refused);
	tcase_add_test(tc, test_bind_mount_not_deleted_through);
	tcase_add_test(tc, test_killed_run_cleaned);
	suite_add_tcase(s, tc);
	return s;
}
