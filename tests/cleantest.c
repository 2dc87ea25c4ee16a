/*
 * cleantest.c - what the suites of `vbench clean` share (cleantest.h): a
 * private vb_cleantest_state directory and scratch directory per test, markers read and
 * forged as vbench and an attacker would write them, owners that die,
 * processes that carry a run id or not, vb_clean() with its output.
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

char vb_cleantest_state[PATH_MAX], vb_cleantest_priv[PATH_MAX];

/* The run id a forged marker of @pid claims: "<pid>-0000cafe<4 hex>". */
const char *vb_cleantest_fake_id(pid_t pid)
{
	static char b[2][32];
	static int k;

	k ^= 1;
	snprintf(b[k], sizeof(b[k]), "%d-0000cafe%04x", (int)pid, (unsigned)pid & 0xffffu);
	return b[k];
}

/* Append to @buf a marker record "add" @h of @kind at @path, with the device
 * and inode @path has now (as vb_marker_add records them). */
void vb_cleantest_rec(char *buf, size_t len, int h, const char *kind, const char *path)
{
	struct stat st;
	size_t n = strlen(buf);

	if (lstat(path, &st) == 0)
		snprintf(buf + n, len - n,
			 "{\"add\":%d,\"kind\":\"%s\",\"path\":\"%s\",\"dev\":%llu,\"ino\":%llu}\n",
			 h, kind, path, (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
	else
		snprintf(buf + n, len - n, "{\"add\":%d,\"kind\":\"%s\",\"path\":\"%s\"}\n", h,
			 kind, path);
}

void vb_cleantest_setup(void)
{
	snprintf(vb_cleantest_state, sizeof(vb_cleantest_state), "/tmp/check-clean-state-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(vb_cleantest_state));
	snprintf(vb_cleantest_priv, sizeof(vb_cleantest_priv), "/tmp/check-clean-priv-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(vb_cleantest_priv));
	setenv("VBENCH_STATE_DIR", vb_cleantest_state, 1);
}

void vb_cleantest_teardown(void)
{
	vb_rm_rf(vb_cleantest_state);
	vb_rm_rf(vb_cleantest_priv);
}

int vb_cleantest_exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

/* Alive and not a zombie (pid 1 here may not reap orphans). */
int vb_cleantest_running(pid_t pid)
{
	unsigned long long start;
	char st;

	return vb_marker_proc_identity(pid, &st, &start) == 0 && st != 'Z';
}

/* The marker of @pid in the vb_cleantest_state directory into @out ("" if none). */
void vb_cleantest_marker_of(pid_t pid, char *out, size_t len)
{
	char prefix[32];
	struct dirent *de;
	DIR *d = opendir(vb_cleantest_state);

	out[0] = '\0';
	snprintf(prefix, sizeof(prefix), "%d-", (int)pid);
	while (d && (de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			snprintf(out, len, "%s/%s", vb_cleantest_state, de->d_name);
	if (d)
		closedir(d);
}

/* The lines of a marker, as a JSON array. */
json_t *vb_cleantest_marker_lines(const char *path)
{
	char *text = vb_read_file(path, 1 << 20, 0, NULL), *line, *save = NULL;
	json_t *a = json_array();

	ck_assert_ptr_nonnull(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		json_array_append_new(a, json_loads(line, 0, NULL));
	free(text);
	return a;
}

/* vb_clean on the test's vb_cleantest_state directory; its output into @out. */
void vb_cleantest_clean(int dry, vb_clean_stats_t *st, char *out, size_t len)
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
pid_t vb_cleantest_sleeper(const vb_cgroup_t *cg)
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
pid_t vb_cleantest_exec_sleeper(void)
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

/* Write a marker for @pid/@start with run id @id listing @lines (JSON
 * objects, one a line). */
void vb_cleantest_forge_id(pid_t pid, unsigned long long start, const char *boot, const char *id,
			   const char *lines)
{
	char path[PATH_MAX], *text;
	int n;

	snprintf(path, sizeof(path), "%s/%d-%llu.jsonl", vb_cleantest_state, (int)pid, start);
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
pid_t vb_cleantest_dead_owner(char *boot, size_t len)
{
	pid_t dead = fork();

	ck_assert_int_ge(dead, 0);
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	if (boot)
		ck_assert_int_eq(vb_marker_boot_id(boot, len), 0);
	return dead;
}

/* The same with the run id vb_cleantest_fake_id(@pid). */
void vb_cleantest_forge(pid_t pid, unsigned long long start, const char *boot, const char *lines)
{
	vb_cleantest_forge_id(pid, start, boot, vb_cleantest_fake_id(pid), lines);
}
