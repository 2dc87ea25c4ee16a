/*
 * check_safefs.c - the safefs module: no symbolic link anywhere in a path
 * (openat2 and the component walk alike), nothing outside the directory a
 * path must stay beneath, removals that never follow a link, and reads that
 * refuse a FIFO, a directory or a device before they could block.
 *
 * The cases work under one private /var/tmp root (distinct names per case)
 * that an unchecked fixture removes, also after a failed assertion.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../harness/safefs.h"
#include "../harness/util.h"
#include "tests.h"
#include "testutil.h"

static char root[PATH_MAX];

static void root_setup(void)
{
	vb_test_mkdtemp(root, sizeof(root), "check-safefs");
}

static void root_teardown(void)
{
	vb_test_rmdtemp(root);
}

static void path(char *buf, size_t len, const char *rel)
{
	ck_assert_msg(root[0], "no temporary root");
	snprintf(buf, len, "%s/%s", root, rel);
}

static void mkdir_rel(const char *rel)
{
	char p[PATH_MAX];

	path(p, sizeof(p), rel);
	ck_assert_int_eq(mkdir(p, 0700), 0);
}

static void write_rel(const char *rel, const char *text)
{
	char p[PATH_MAX];

	path(p, sizeof(p), rel);
	ck_assert_int_eq(vb_write_file(p, text, strlen(text), NULL), 0);
}

static void link_rel(const char *target, const char *rel)
{
	char p[PATH_MAX];

	path(p, sizeof(p), rel);
	ck_assert_int_eq(symlink(target, p), 0);
}

static int exists_rel(const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	path(p, sizeof(p), rel);
	return lstat(p, &st) == 0;
}

/* A symbolic link anywhere in the path is refused: in the middle, at the
 * end; with openat2 (_i == 0) and with the component walk (_i == 1). */
START_TEST(test_no_symlinks)
{
	char p[PATH_MAX], out[PATH_MAX], real[32], elsewhere[32];
	int fd, fd2;

	vb_safefs_test_walk_only(_i);
	snprintf(real, sizeof(real), "real%d", _i);
	snprintf(elsewhere, sizeof(elsewhere), "elsewhere%d", _i);
	mkdir_rel(real);
	mkdir_rel(elsewhere);
	snprintf(p, sizeof(p), "%s/victim", elsewhere);
	write_rel(p, "keep");
	path(out, sizeof(out), elsewhere);
	snprintf(p, sizeof(p), "%s/link", real);
	link_rel(out, p);

	snprintf(out, sizeof(out), "%s/link/victim", real);
	path(p, sizeof(p), out);
	errno = 0;
	fd = vb_safefs_openat(AT_FDCWD, p, O_WRONLY | O_TRUNC, 0, 0);
	ck_assert_int_lt(fd, 0);
	ck_assert_int_eq(errno, ELOOP);
	snprintf(out, sizeof(out), "%s/link", real);
	path(p, sizeof(p), out);
	ck_assert_int_lt(vb_safefs_open_dir(AT_FDCWD, p, 0), 0);
	/* Followed only when asked for (a path the user named, for reading). */
	snprintf(out, sizeof(out), "%s/link/victim", real);
	path(p, sizeof(p), out);
	fd = vb_safefs_openat(AT_FDCWD, p, O_RDONLY, 0, VB_SAFEFS_FOLLOW);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* The plain path works, and creates beneath an opened directory. */
	path(p, sizeof(p), real);
	fd = vb_safefs_open_dir(AT_FDCWD, p, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_lt(vb_safefs_openat(fd, "link/new", O_WRONLY | O_CREAT, 0600,
					  VB_SAFEFS_BENEATH), 0);
	snprintf(out, sizeof(out), "%s/new", elsewhere);
	ck_assert(!exists_rel(out));
	snprintf(out, sizeof(out), "../%s/victim", elsewhere);
	ck_assert_int_lt(vb_safefs_openat(fd, out, O_RDONLY, 0, VB_SAFEFS_BENEATH), 0);
	ck_assert_int_eq(errno, EXDEV);
	ck_assert_int_lt(vb_safefs_openat(fd, "/etc/passwd", O_RDONLY, 0, VB_SAFEFS_BENEATH), 0);
	fd2 = vb_safefs_openat(fd, "created", O_WRONLY | O_CREAT | O_EXCL, 0600, VB_SAFEFS_BENEATH);
	ck_assert_int_ge(fd2, 0);
	close(fd2);
	close(fd);
	vb_safefs_test_walk_only(0);
}
END_TEST

START_TEST(test_open_parent)
{
	char p[PATH_MAX], name[64], out[PATH_MAX];
	int fd;

	mkdir_rel("a");
	path(p, sizeof(p), "a/file");
	fd = vb_safefs_open_parent(AT_FDCWD, p, name, sizeof(name), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_str_eq(name, "file");
	close(fd);
	path(p, sizeof(p), "a/dir/");
	fd = vb_safefs_open_parent(AT_FDCWD, p, name, sizeof(name), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_str_eq(name, "dir");
	close(fd);
	path(p, sizeof(p), "a/..");
	ck_assert_int_lt(vb_safefs_open_parent(AT_FDCWD, p, name, sizeof(name), 0), 0);
	ck_assert_int_lt(vb_safefs_open_parent(AT_FDCWD, "/", name, sizeof(name), 0), 0);
	path(out, sizeof(out), "a");
	link_rel(out, "l");
	path(p, sizeof(p), "l/file");
	ck_assert_int_lt(vb_safefs_open_parent(AT_FDCWD, p, name, sizeof(name), 0), 0);
	ck_assert_int_eq(errno, ELOOP);
}
END_TEST

/* A tree is removed without following a link inside it. */
START_TEST(test_rm_tree_keeps_link_targets)
{
	char p[PATH_MAX], out[PATH_MAX];
	int fd;

	mkdir_rel("victim");
	write_rel("victim/data", "keep");
	mkdir_rel("t");
	mkdir_rel("t/sub");
	write_rel("t/sub/f", "x");
	path(out, sizeof(out), "victim");
	link_rel(out, "t/sub/link");
	fd = vb_safefs_open_dir(AT_FDCWD, root, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(vb_safefs_rm_tree_at(fd, "t"), 0);
	ck_assert_int_eq(vb_safefs_rm_tree_at(fd, "t"), 0); /* already gone */
	close(fd);
	ck_assert(!exists_rel("t"));
	ck_assert(exists_rel("victim/data"));
	path(p, sizeof(p), "victim");
	ck_assert(exists_rel("victim"));
}
END_TEST

/* A FIFO, a directory and a device are refused before anything blocks. */
START_TEST(test_read_regular)
{
	char p[PATH_MAX];
	vb_error_t err;
	size_t len;
	char *s;

	write_rel("ok", "hello");
	path(p, sizeof(p), "ok");
	s = vb_safefs_read_regular(AT_FDCWD, p, 0, 100, &len, "ok", &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 5);
	ck_assert_str_eq(s, "hello");
	free(s);
	s = vb_safefs_read_regular(AT_FDCWD, p, 0, 3, &len, "ok", &err);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than 3 bytes"));

	path(p, sizeof(p), "fifo");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	s = vb_safefs_read_regular(AT_FDCWD, p, 0, 100, NULL, "d/run.json", &err);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_str_eq(err.msg, "d/run.json: is a FIFO, not a regular file");
	s = vb_safefs_read_regular(AT_FDCWD, root, 0, 100, NULL, "DIR", &err);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err.msg, "DIR: is a directory, not a regular file");
	s = vb_safefs_read_regular(AT_FDCWD, "/dev/zero", VB_SAFEFS_FOLLOW, 100, NULL,
				   "/dev/zero", &err);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err.msg, "/dev/zero: is a character device, not a regular file");
	path(p, sizeof(p), "missing");
	s = vb_safefs_read_regular(AT_FDCWD, p, 0, 100, NULL, "missing", &err);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "No such file"));
}
END_TEST

Suite *vb_suite_safefs(void)
{
	Suite *s = suite_create("safefs");
	TCase *tc = tcase_create("safefs");

	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_loop_test(tc, test_no_symlinks, 0, 2);
	tcase_add_test(tc, test_open_parent);
	tcase_add_test(tc, test_rm_tree_keeps_link_targets);
	tcase_add_test(tc, test_read_regular);
	suite_add_tcase(s, tc);
	return s;
}
