/*
 * check_mountinfo.c - the one reader of /proc/self/mountinfo (the review of
 * issue 11, item 3).
 *
 * Well-formed lines are decoded (octal escapes digit by digit, the " - "
 * separator, the number of fields), anything else is skipped and counted; a
 * line longer than 4096 bytes is read whole, so its tail never passes for a
 * line of its own; a mount point is below a directory only strictly and
 * without "." or "..".  The last case is the attack itself, in a private
 * mount namespace: a mount whose line is split at 4096 bytes where its
 * source, "DEAD/../victim", lands where a mount point would be.  Before,
 * `vbench clean` removing DEAD detached the victim mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/run/clean.h"
#include "lib/mountinfo.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char root[PATH_MAX]; /* of the test case (unchecked fixture) */

static void setup(void)
{
	vb_test_mkdtemp(root, sizeof(root), "mitest");
}

static void teardown(void)
{
	vb_test_rmdtemp(root);
}

/* Parse a copy of @text: 0 or -1. */
static int parse(const char *text, vb_mount_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s", text);
	return vb_mountinfo_parse(buf, m);
}

START_TEST(test_parse_well_formed)
{
	char buf[512];
	vb_mount_t m;

	ck_assert_int_eq(parse("36 35 98:0 /mnt1 /mnt\\0402 rw,noatime master:1 shared:7 - ext3 "
			       "/dev/root rw,errors=continue\n",
			       &m, buf, sizeof(buf)),
			 0);
	ck_assert_uint_eq(m.id, 36);
	ck_assert_uint_eq(m.parent, 35);
	ck_assert_uint_eq(m.major, 98);
	ck_assert_uint_eq(m.minor, 0);
	ck_assert_str_eq(m.root, "/mnt1");
	ck_assert_str_eq(m.point, "/mnt 2");
	ck_assert_str_eq(m.fstype, "ext3");
	ck_assert_str_eq(m.source, "/dev/root");
	/* no optional field; a backslash and a newline escaped; an empty source */
	ck_assert_int_eq(parse("1 0 0:5 / /a\\134b\\012c rw - tmpfs  rw", &m, buf, sizeof(buf)), 0);
	ck_assert_str_eq(m.point, "/a\\b\nc");
	ck_assert_str_eq(m.source, "");
	ck_assert_int_eq(parse("2 1 259:1 / / rw - ext4 /dev/nvme0n1p1 rw", &m, buf, sizeof(buf)),
			 0);
	ck_assert_uint_eq(m.major, 259);
	ck_assert_str_eq(m.point, "/");
}
END_TEST

START_TEST(test_parse_malformed)
{
	static const char *const bad[] = {
		"",
		"\n",
		"36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw", /* no separator */
		"36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root",			/* 2 after it */
		"36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw extra",		/* 4 after it */
		"36 35 98:0 /mnt1 /mnt2 - ext3 src rw x",			/* too early */
		"36 35 98:0 /mnt1 /mnt\\08x rw - ext3 src rw",			/* 8 is not octal */
		"36 35 98:0 /mnt1 /mnt\\400 rw - ext3 src rw",			/* past a byte */
		"36 35 98:0 /mnt1 /mnt\\000 rw - ext3 src rw",			/* a NUL */
		"36 35 98:0 /mnt1 /mnt\\04 rw - ext3 src rw",			/* two digits */
		"36 35 98:0 /mnt1 /mnt\\ rw - ext3 src rw",			/* a bare backslash */
		"36 35 98:0 /mnt1 /mnt2 rw - ext3 sr\\c rw",			/* ... in the source */
		"x 35 98:0 / / rw - ext3 src rw",				/* not a number */
		"36 35 98-0 / / rw - ext3 src rw",				/* no colon */
		"36 35 98:0 / relative rw - ext3 src rw",			/* not absolute */
		"36  35 98:0 / / rw - ext3 src rw",				/* an empty field */
		"36 35 98:0 / /a\tb rw - ext3 src rw",				/* a tab */
		"36 35 98:0 / / rw - ext3 src rw ",				/* trailing space */
		"36 35 98:0 / / rw - ext3 src rw\nmore",			/* two lines */
		"99999999999999999999999 35 98:0 / / rw - ext3 src rw",		/* too large */
	};
	char buf[512];
	vb_mount_t m;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(bad); i++)
		ck_assert_msg(parse(bad[i], &m, buf, sizeof(buf)) < 0, "accepted: '%s'", bad[i]);
}
END_TEST

/* A table with a 9000-byte line whose tail, read 4096 bytes at a time,
 * would look like a line of its own naming "/dead/../../home". */
START_TEST(test_long_lines)
{
	size_t n = 9000, len = n + 512;
	char *line = malloc(len), path[PATH_MAX + 32];
	vb_mountinfo_t mi;
	vb_mount_t m;
	FILE *f;

	ck_assert_ptr_nonnull(line);
	ck_assert_msg(root[0], "no temporary directory");
	snprintf(path, sizeof(path), "%s/mountinfo", root);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	memset(line, 'a', n);
	line[n] = '\0';
	fprintf(f, "40 1 0:50 / /long/%s rw,relatime - fuse /dead/../../home rw\n", line);
	fprintf(f, "41 1 0:51 / /bad\\9 rw - tmpfs none rw\n");
	fprintf(f, "42 1 0:52 / /after rw - tmpfs none rw\n");
	fclose(f);
	ck_assert_int_eq(vb_mountinfo_open(&mi, path), 0);
	ck_assert_int_eq(vb_mountinfo_next(&mi, &m), 1);
	ck_assert_uint_eq(m.id, 40);
	ck_assert_uint_eq(strlen(m.point), n + 6);
	ck_assert_str_eq(m.source, "/dead/../../home");
	ck_assert_int_eq(vb_mountinfo_next(&mi, &m), 1);
	ck_assert_uint_eq(m.id, 42);
	ck_assert_str_eq(m.point, "/after");
	ck_assert_int_eq(vb_mountinfo_next(&mi, &m), 0);
	ck_assert_uint_eq(mi.bad, 1);
	vb_mountinfo_close(&mi);
	vb_mountinfo_close(&mi); /* safe twice */
	free(line);
	/* the real table reads with nothing skipped */
	ck_assert_int_eq(vb_mountinfo_open(&mi, NULL), 0);
	n = 0;
	while (vb_mountinfo_next(&mi, &m))
		n += !strcmp(m.point, "/");
	ck_assert_uint_ge(n, 1);
	ck_assert_uint_eq(mi.bad, 0);
	vb_mountinfo_close(&mi);
}
END_TEST

START_TEST(test_below)
{
	ck_assert(vb_mountinfo_below("/d/x", "/d"));
	ck_assert(vb_mountinfo_below("/d/x/y", "/d/"));
	ck_assert(vb_mountinfo_below("/d/x..", "/d"));
	ck_assert(vb_mountinfo_below("/d/...", "/d"));
	ck_assert(vb_mountinfo_below("/x", "/"));
	ck_assert(!vb_mountinfo_below("/d", "/d"));
	ck_assert(!vb_mountinfo_below("/d/", "/d"));
	ck_assert(!vb_mountinfo_below("/dx", "/d"));
	ck_assert(!vb_mountinfo_below("/d/../e", "/d"));
	ck_assert(!vb_mountinfo_below("/d/x/../../home", "/d"));
	ck_assert(!vb_mountinfo_below("/d/./x", "/d"));
	ck_assert(!vb_mountinfo_below("/d//x", "/d"));
	ck_assert(!vb_mountinfo_below("/d/x/..", "/d"));
	ck_assert(!vb_mountinfo_below("/d/x/", "/d"));
	ck_assert(!vb_mountinfo_below("/", "/"));
	ck_assert(!vb_mountinfo_below("/d/x", "d"));
}
END_TEST

/* ---- the attack, in a private mount namespace ---- */

/* mkdir -p of @path (absolute, below an existing @base) one level at a time. */
static int make_path(const char *path, size_t base)
{
	char p[PATH_MAX];
	size_t i;

	snprintf(p, sizeof(p), "%s", path);
	for (i = base + 1; p[i]; i++)
		if (p[i] == '/') {
			p[i] = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return -1;
			p[i] = '/';
		}
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* The child: 0 when the victim mount survived `vbench clean`'s removal of
 * DEAD and DEAD is gone, 1 when the victim was detached, 2 when the
 * removal failed, 77 when this host cannot set the case up. */
static int split_line_child(void)
{
	char base[PATH_MAX], dead[PATH_MAX], victim[PATH_MAX + 16], src[PATH_MAX + 16];
	char longp[PATH_MAX], keep[PATH_MAX + 32], msg[256], sub[PATH_MAX + 16];
	size_t len, n;
	int rc;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 77;
	snprintf(base, sizeof(base), "%s/split", root);
	snprintf(dead, sizeof(dead), "%s/dead", base);
	snprintf(victim, sizeof(victim), "%s/victim", base);
	if (mkdir(base, 0755) < 0 || mkdir(dead, 0755) < 0 || mkdir(victim, 0755) < 0 ||
	    mount("victim", victim, "tmpfs", 0, "size=64k") < 0)
		return 77;
	snprintf(keep, sizeof(keep), "%s/keep", victim);
	if (vb_write_file(keep, "keep", 4, NULL) < 0)
		return 77;
	/* a real mount strictly below DEAD: unmounted first, as before */
	snprintf(sub, sizeof(sub), "%s/sub", dead);
	if (mkdir(sub, 0755) < 0 || mount("sub", sub, "tmpfs", 0, "size=64k") < 0)
		return 77;
	/* a mount point of 4090 bytes, so that its line is split at 4095 in its
	 * last bytes and the tail reads "xxxx rw,relatime - tmpfs SRC ..." */
	len = (size_t)snprintf(longp, sizeof(longp), "%s/l", base);
	while (len < 4090) {
		n = 4090 - len - 1 > 200 ? 200 : 4090 - len - 1;
		if (n == 0)
			break;
		longp[len++] = '/';
		memset(longp + len, 'x', n);
		len += n;
		longp[len] = '\0';
	}
	snprintf(src, sizeof(src), "%s/../victim", dead);
	if (make_path(longp, strlen(base)) < 0 || mount(src, longp, "tmpfs", 0, "size=64k") < 0)
		return 77;
	rc = vb_clean_rm_tree(dead, msg, sizeof(msg));
	if (access(keep, F_OK) < 0)
		return 1;
	if (rc != 0 || access(dead, F_OK) == 0) {
		fprintf(stderr, "rm_tree %s: %d %s\n", dead, rc, msg);
		return 2;
	}
	return 0;
}

START_TEST(test_split_line_detaches_nothing)
{
	pid_t pid;
	int st;

	ck_assert_msg(root[0], "no temporary directory");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(split_line_child());
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		VB_SKIP("cannot set up a private mount namespace here");
	ck_assert_msg(WEXITSTATUS(st) != 1, "the victim mount was detached");
	ck_assert_msg(WEXITSTATUS(st) == 0, "the dead run's directory was not removed");
}
END_TEST

Suite *vb_suite_mountinfo(void)
{
	Suite *s = suite_create("mountinfo");
	TCase *tc = tcase_create("mountinfo");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_parse_well_formed);
	tcase_add_test(tc, test_parse_malformed);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_below);
	tcase_add_test(tc, test_split_line_detaches_nothing);
	suite_add_tcase(s, tc);
	return s;
}
