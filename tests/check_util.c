/*
 * check_util.c - the util module: strict number and size parsing (every bad
 * input is a usage error naming the input, never a silent zero), size
 * formatting, whole-file reads and atomic writes, mkdir -p / rm -rf,
 * filesystem facts, globbing and the reproducible PRNG.
 *
 * File tests work in a private mkdtemp directory under a per-case root that
 * an unchecked fixture (run by the runner, not the forked test) removes, so
 * nothing is left behind even when an assertion ends a test early.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/safefs.h"
#include "lib/util.h"
#include "tests/tests.h"

/* ---- fixture: one temporary root per test case ------------------------- */

static char root[PATH_MAX];

static void root_setup(void)
{
	snprintf(root, sizeof(root), "/tmp/vbench-check-util-XXXXXX");
	if (!mkdtemp(root))
		root[0] = '\0';
}

static void root_teardown(void)
{
	if (root[0])
		vb_rm_rf(root);
	root[0] = '\0';
}

/* A fresh mkdtemp directory under the root; caller removes it. */
static void make_tmpdir(char *buf, size_t len)
{
	ck_assert_msg(root[0], "no temporary root");
	snprintf(buf, len, "%s/t-XXXXXX", root);
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

static int path_exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

/* Number of directory entries of @dir other than . and .., and whether one
 * of them contains @needle (its name is copied to @hit). */
static int count_entries(const char *dir, const char *needle, char *hit, size_t hitlen)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	if (hit)
		hit[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		if (needle && hit && strstr(de->d_name, needle))
			snprintf(hit, hitlen, "%s", de->d_name);
	}
	closedir(d);
	return n;
}

/* ---- vb_parse_u64 --------------------------------------------------------- */

START_TEST(test_parse_u64_valid)
{
	vb_error_t err;
	uint64_t v = 0;

	ck_assert_int_eq(vb_parse_u64("0", 0, UINT64_MAX, "n", &v, &err), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(vb_parse_u64("42", 0, UINT64_MAX, "n", &v, &err), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(vb_parse_u64("007", 0, UINT64_MAX, "n", &v, &err), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(vb_parse_u64("18446744073709551615", 0, UINT64_MAX, "n", &v, &err), 0);
	ck_assert(v == UINT64_MAX);
	/* both bounds are inclusive */
	ck_assert_int_eq(vb_parse_u64("1", 1, 10, "n", &v, &err), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(vb_parse_u64("10", 1, 10, "n", &v, &err), 0);
	ck_assert_uint_eq(v, 10);
}
END_TEST

START_TEST(test_parse_u64_rejects)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1x", "x1", "0x10", "1.0", "1e3",
		"99999999999999999999", "18446744073709551616",
	};
	vb_error_t err;
	uint64_t v;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		v = 12345;
		vb_error_clear(&err);
		ck_assert_msg(vb_parse_u64(bad[i], 0, UINT64_MAX, "--things", &v, &err) == -1,
			      "'%s' accepted", bad[i]);
		ck_assert_int_eq(err.code, VB_EUSAGE);
		ck_assert_msg(strstr(err.msg, "--things"), "message '%s' does not name the input",
			      err.msg);
		ck_assert_msg(v == 12345, "'%s' changed the output on error", bad[i]);
	}
	ck_assert_int_eq(vb_parse_u64(NULL, 0, 10, "--things", &v, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	/* a NULL error object is allowed */
	ck_assert_int_eq(vb_parse_u64("x", 0, 10, "--things", &v, NULL), -1);
}
END_TEST

START_TEST(test_parse_u64_bounds)
{
	vb_error_t err;
	uint64_t v = 99;

	ck_assert_int_eq(vb_parse_u64("0", 1, 10, "--reps", &v, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "--reps"));
	ck_assert_ptr_nonnull(strstr(err.msg, "range"));
	ck_assert_int_eq(vb_parse_u64("11", 1, 10, "--reps", &v, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "--reps"));
	ck_assert_uint_eq(v, 99);
}
END_TEST

/* ---- vb_parse_size -------------------------------------------------------- */

START_TEST(test_parse_size_suffixes)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{ "0", 0 },
		{ "4096", 4096 },
		{ "5B", 5 },
		{ "64K", 64ull << 10 },
		{ "64k", 64ull << 10 },
		{ "1KiB", 1ull << 10 },
		{ "1kib", 1ull << 10 },
		{ "2KB", 2ull << 10 },
		{ "1M", 1ull << 20 },
		{ "3mib", 3ull << 20 },
		{ "1G", 1ull << 30 },
		{ "1g", 1ull << 30 },
		{ "2GiB", 2ull << 30 },
		{ "2T", 2ull << 40 },
		{ "1tib", 1ull << 40 },
		{ "16777215T", 16777215ull << 40 },
	};
	vb_error_t err;
	uint64_t v;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(ok); i++) {
		v = 1;
		ck_assert_msg(vb_parse_size(ok[i].s, 0, UINT64_MAX, "size", &v, &err) == 0,
			      "'%s' rejected: %s", ok[i].s, err.msg);
		ck_assert_msg(v == ok[i].v, "'%s' parsed as %llu, expected %llu", ok[i].s,
			      (unsigned long long)v, (unsigned long long)ok[i].v);
	}
}
END_TEST

START_TEST(test_parse_size_rejects)
{
	static const char *const bad[] = {
		"", "K", "1Q", "1.5G", "-1K", "+1K", " 1K", "1K ", "1 K", "1KK", "1Ki", "1iB",
		"20000000T", "16777216T", "99999999999999999999", "18446744073709551616K",
	};
	vb_error_t err;
	uint64_t v;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		v = 777;
		vb_error_clear(&err);
		ck_assert_msg(vb_parse_size(bad[i], 0, UINT64_MAX, "--memory", &v, &err) == -1,
			      "'%s' accepted as %llu", bad[i], (unsigned long long)v);
		ck_assert_int_eq(err.code, VB_EUSAGE);
		ck_assert_msg(strstr(err.msg, "--memory"), "message '%s' does not name the input",
			      err.msg);
		ck_assert_uint_eq(v, 777);
	}
}
END_TEST

START_TEST(test_parse_size_bounds)
{
	vb_error_t err;
	uint64_t v = 0;

	ck_assert_int_eq(vb_parse_size("64M", 64ull << 20, 1ull << 30, "--memory", &v, &err), 0);
	ck_assert_uint_eq(v, 64ull << 20);
	ck_assert_int_eq(vb_parse_size("1G", 64ull << 20, 1ull << 30, "--memory", &v, &err), 0);
	ck_assert_uint_eq(v, 1ull << 30);
	ck_assert_int_eq(vb_parse_size("10", 64ull << 20, 1ull << 30, "--memory", &v, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "--memory"));
	/* the bounds are shown as sizes */
	ck_assert_ptr_nonnull(strstr(err.msg, "64 MiB"));
	ck_assert_int_eq(vb_parse_size("1025M", 64ull << 20, 1ull << 30, "--memory", &v, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "1 GiB"));
}
END_TEST

/* ---- vb_parse_double ------------------------------------------------------ */

START_TEST(test_parse_double)
{
	static const char *const bad[] = {
		"", "nan", "NaN", "-nan", "inf", "-inf", "INF", "infinity", "1e999",
		"abc", "1.5x", " 1", "1 ", "1,5",
	};
	vb_error_t err;
	double v = 0;
	size_t i;

	ck_assert_int_eq(vb_parse_double("1.5", 0, 10, "--timeout", &v, &err), 0);
	ck_assert_double_eq(v, 1.5);
	ck_assert_int_eq(vb_parse_double("-2", -10, 10, "--timeout", &v, &err), 0);
	ck_assert_double_eq(v, -2.0);
	ck_assert_int_eq(vb_parse_double("1e3", 0, 1e6, "--timeout", &v, &err), 0);
	ck_assert_double_eq(v, 1000.0);
	ck_assert_int_eq(vb_parse_double("10", 0, 10, "--timeout", &v, &err), 0);
	ck_assert_double_eq(v, 10.0);

	for (i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		v = 3.25;
		vb_error_clear(&err);
		ck_assert_msg(vb_parse_double(bad[i], -1e300, 1e300, "--timeout", &v, &err) == -1,
			      "'%s' accepted as %g", bad[i], v);
		ck_assert_int_eq(err.code, VB_EUSAGE);
		ck_assert_ptr_nonnull(strstr(err.msg, "--timeout"));
		ck_assert_double_eq(v, 3.25);
	}
	ck_assert_int_eq(vb_parse_double("10.5", 0, 10, "--timeout", &v, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "range"));
	ck_assert_int_eq(vb_parse_double(NULL, 0, 10, "--timeout", &v, &err), -1);
}
END_TEST

/* ---- vb_format_size / vb_format_time / vb_path_join / vb_path_dir ---------- */

START_TEST(test_format_size)
{
	char buf[32];

	ck_assert_str_eq(vb_format_size(0, buf, sizeof(buf)), "0 B");
	ck_assert_str_eq(vb_format_size(1023, buf, sizeof(buf)), "1023 B");
	ck_assert_str_eq(vb_format_size(1024, buf, sizeof(buf)), "1 KiB");
	ck_assert_str_eq(vb_format_size(1536, buf, sizeof(buf)), "1.5 KiB");
	ck_assert_str_eq(vb_format_size(64ull << 20, buf, sizeof(buf)), "64 MiB");
	ck_assert_str_eq(vb_format_size(3ull << 29, buf, sizeof(buf)), "1.5 GiB");
	ck_assert_str_eq(vb_format_size(2ull << 40, buf, sizeof(buf)), "2 TiB");
	ck_assert_str_eq(vb_format_size(UINT64_MAX, buf, sizeof(buf)), "16 EiB");
	/* a short buffer is truncated, still terminated */
	vb_format_size(1536, buf, 4);
	ck_assert_uint_eq(strlen(buf), 3);
}
END_TEST

START_TEST(test_format_time_and_join)
{
	char buf[64];
	vb_error_t err;

	ck_assert_str_eq(vb_format_time(0, buf, sizeof(buf)), "1970-01-01T00:00:00.000Z");
	ck_assert_str_eq(vb_format_time(1700000000123456789ull, buf, sizeof(buf)),
			 "2023-11-14T22:13:20.123Z");
	ck_assert_int_eq(vb_path_join(buf, sizeof(buf), "/a/b", "c", &err), 0);
	ck_assert_str_eq(buf, "/a/b/c");
	ck_assert_int_eq(vb_path_join(buf, 6, "/a/b", "c", &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	vb_path_dir("/a/b/c", buf, sizeof(buf));
	ck_assert_str_eq(buf, "/a/b");
	vb_path_dir("/a", buf, sizeof(buf));
	ck_assert_str_eq(buf, "/");
	vb_path_dir("a", buf, sizeof(buf));
	ck_assert_str_eq(buf, "/");
	vb_path_dir("/a/b", buf, 3);
	ck_assert_str_eq(buf, "/a");
}
END_TEST

/* ---- files ---------------------------------------------------------------- */

START_TEST(test_file_atomic_round_trip)
{
	char dir[PATH_MAX], path[PATH_MAX], hit[256], *s;
	const char *a = "first line\nsecond line\n", *b = "short";
	vb_error_t err;

	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/data.json", dir);

	ck_assert_int_eq(vb_safefs_write_atomic(path, a, strlen(a), &err), 0);
	s = vb_read_file(path, 1 << 20, 0, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, a);
	free(s);
	s = vb_read_file(path, 1 << 20, 1, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "first line\nsecond line");
	free(s);

	/* replacing with shorter content leaves exactly the new content */
	ck_assert_int_eq(vb_safefs_write_atomic(path, b, strlen(b), &err), 0);
	s = vb_read_file(path, 1 << 20, 0, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, b);
	free(s);

	/* an empty file is an empty string */
	ck_assert_int_eq(vb_safefs_write_atomic(path, "", 0, &err), 0);
	s = vb_read_file(path, 1 << 20, 1, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	free(s);

	/* no temporary file left behind */
	ck_assert_int_eq(count_entries(dir, ".tmp", hit, sizeof(hit)), 1);
	ck_assert_msg(hit[0] == '\0', "temporary file %s left behind", hit);

	ck_assert_int_eq(vb_rm_rf(dir), 0);
	ck_assert(!path_exists(dir));
}
END_TEST

START_TEST(test_file_large_and_bounded)
{
	char dir[PATH_MAX], path[PATH_MAX], *big, *s;
	size_t n = 300000, i;
	vb_error_t err;

	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/big", dir);
	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = '\0';
	ck_assert_int_eq(vb_write_file(path, big, n, &err), 0);

	/* larger than the first buffer: read whole */
	s = vb_read_file(path, 1 << 20, 0, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), n);
	ck_assert_int_eq(memcmp(s, big, n), 0);
	free(s);

	/* at most @max bytes, also when @max is below the initial buffer */
	s = vb_read_file(path, 5000, 0, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), 5000);
	ck_assert_int_eq(memcmp(s, big, 5000), 0);
	free(s);
	s = vb_read_file(path, 100, 0, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(strlen(s) <= 100, "read %zu bytes with max 100", strlen(s));
	ck_assert_int_eq(memcmp(s, big, strlen(s)), 0);
	free(s);

	free(big);
	ck_assert_int_eq(vb_rm_rf(dir), 0);
}
END_TEST

/* The one reader's options: a /proc file (no size), NULs kept, strict. */
START_TEST(test_read_fd_and_cmdline)
{
	char buf[64], dir[PATH_MAX], path[PATH_MAX + 8], *s;
	vb_error_t err;
	size_t len = 0;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	s = vb_read_fd(fd, 1 << 20, VB_READ_STRICT | VB_READ_CHOMP, &len, "status", &err);
	close(fd);
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(len > 100 && strstr(s, "Name:") && s[len - 1] != '\n', "%zu: %s", len, s);
	free(s);
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/nul", dir);
	ck_assert_int_eq(vb_write_file(path, "a\0b\n\n", 5, &err), 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	s = vb_read_fd(fd, 100, VB_READ_CHOMP, &len, path, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(s, "a\0b", 4), 0);
	free(s);
	lseek(fd, 0, SEEK_SET);
	s = vb_read_fd(fd, 5, VB_READ_STRICT, &len, "nul", &err); /* exactly @max: fine */
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 5);
	free(s);
	lseek(fd, 0, SEEK_SET);
	vb_error_clear(&err);
	ck_assert_ptr_null(vb_read_fd(fd, 4, VB_READ_STRICT, &len, "nul", &err));
	ck_assert_str_eq(err.msg, "nul: larger than 4 bytes");
	close(fd);
	ck_assert_int_eq(vb_rm_rf(dir), 0);
	/* the command line: this test runner's, NUL-separated, cut to the buffer */
	len = vb_read_cmdline(buf, sizeof(buf));
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_lt(len, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "check_vbench"));
	ck_assert_uint_eq(vb_read_cmdline(buf, 4), 3);
	ck_assert_uint_eq(strlen(buf), 3);
}
END_TEST

START_TEST(test_file_errors)
{
	char dir[PATH_MAX], path[PATH_MAX];
	vb_error_t err;

	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/missing/run.json", dir);

	vb_error_clear(&err);
	ck_assert_ptr_null(vb_read_file(path, 4096, 1, &err));
	ck_assert_int_eq(err.code, VB_ESYS);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, path));

	ck_assert_int_eq(vb_safefs_write_atomic(path, "x", 1, &err), -1);
	ck_assert_int_eq(err.code, VB_ESYS);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	ck_assert_int_eq(vb_write_file(path, "x", 1, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	ck_assert_int_eq(count_entries(dir, NULL, NULL, 0), 0);

	ck_assert_int_eq(vb_rm_rf(dir), 0);
}
END_TEST

START_TEST(test_mkdir_p)
{
	char dir[PATH_MAX], path[PATH_MAX], file[PATH_MAX];
	struct stat st;
	vb_error_t err;

	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	ck_assert_int_eq(vb_mkdir_p(path, 0755, &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	/* again: already there is fine */
	ck_assert_int_eq(vb_mkdir_p(path, 0755, &err), 0);
	/* trailing slash and repeated slashes */
	snprintf(path, sizeof(path), "%s/x//y/", dir);
	ck_assert_int_eq(vb_mkdir_p(path, 0700, &err), 0);
	snprintf(path, sizeof(path), "%s/x/y", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0700);

	/* a regular file in the way is an error, as for mkdir -p */
	snprintf(file, sizeof(file), "%s/file", dir);
	ck_assert_int_eq(vb_write_file(file, "x", 1, &err), 0);
	snprintf(path, sizeof(path), "%s/file/sub", dir);
	vb_error_clear(&err);
	ck_assert_int_eq(vb_mkdir_p(path, 0755, &err), -1);
	ck_assert_int_eq(err.code, VB_ESYS);
	ck_assert_int_eq(err.errnum, ENOTDIR);
	vb_error_clear(&err);
	ck_assert_msg(vb_mkdir_p(file, 0755, &err) == -1, "mkdir -p over a regular file succeeded");
	ck_assert_int_eq(err.code, VB_ESYS);
	ck_assert_ptr_nonnull(strstr(err.msg, file));

	ck_assert_int_eq(vb_mkdir_p("", 0755, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);

	ck_assert_int_eq(vb_rm_rf(dir), 0);
	ck_assert(!path_exists(dir));
}
END_TEST

START_TEST(test_rm_rf)
{
	char dir[PATH_MAX], outside[PATH_MAX], p[PATH_MAX];
	vb_error_t err;

	make_tmpdir(dir, sizeof(dir));
	make_tmpdir(outside, sizeof(outside));
	snprintf(p, sizeof(p), "%s/keep", outside);
	ck_assert_int_eq(vb_write_file(p, "keep", 4, &err), 0);

	snprintf(p, sizeof(p), "%s/a/b/c", dir);
	ck_assert_int_eq(vb_mkdir_p(p, 0755, &err), 0);
	snprintf(p, sizeof(p), "%s/a/b/c/f1", dir);
	ck_assert_int_eq(vb_write_file(p, "1", 1, &err), 0);
	snprintf(p, sizeof(p), "%s/a/f2", dir);
	ck_assert_int_eq(vb_write_file(p, "2", 1, &err), 0);
	/* symlinks are removed, never followed */
	snprintf(p, sizeof(p), "%s/a/link-dir", dir);
	ck_assert_int_eq(symlink(outside, p), 0);
	snprintf(p, sizeof(p), "%s/a/b/link-file", dir);
	snprintf(outside + strlen(outside), sizeof(outside) - strlen(outside), "/keep");
	ck_assert_int_eq(symlink(outside, p), 0);
	snprintf(p, sizeof(p), "%s/a/dangling", dir);
	ck_assert_int_eq(symlink("/nonexistent/vbench", p), 0);

	ck_assert_int_eq(vb_rm_rf(dir), 0);
	ck_assert(!path_exists(dir));
	ck_assert(path_exists(outside));

	/* a plain file, and a path that does not exist */
	ck_assert_int_eq(vb_rm_rf(outside), 0);
	ck_assert(!path_exists(outside));
	ck_assert_int_eq(vb_rm_rf(outside), 0);
	*strrchr(outside, '/') = '\0';
	ck_assert_int_eq(vb_rm_rf(outside), 0);
	ck_assert(!path_exists(outside));
}
END_TEST

/* ---- filesystem facts ----------------------------------------------------- */

START_TEST(test_fs_info)
{
	char type[64];
	struct statfs sf;
	vb_error_t err;
	int ram = -1;

	ck_assert_int_eq(vb_fs_info("/dev/shm", type, sizeof(type), &ram, &err), 0);
	ck_assert_str_eq(type, "tmpfs");
	ck_assert_int_eq(ram, 1);

	vb_error_clear(&err);
	ck_assert_int_eq(vb_fs_info("/nonexistent/vbench", type, sizeof(type), &ram, &err), -1);
	ck_assert_int_eq(err.code, VB_ESYS);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/vbench"));

	ck_assert_int_eq(statfs("/var/tmp", &sf), 0);
	if (sf.f_type == 0x01021994 || sf.f_type == 0x858458f6)
		VB_SKIP("/var/tmp is a RAM filesystem on this host");
	ram = -1;
	ck_assert_int_eq(vb_fs_info("/var/tmp", type, sizeof(type), &ram, &err), 0);
	ck_assert_int_eq(ram, 0);
	ck_assert_str_ne(type, "tmpfs");
	ck_assert_str_ne(type, "");
}
END_TEST

/* ---- glob and PRNG -------------------------------------------------------- */

START_TEST(test_glob_match)
{
	ck_assert(vb_glob_match("mem.*", "mem.stream"));
	ck_assert(vb_glob_match("mem.*", "mem."));
	ck_assert(!vb_glob_match("mem.*", "mem"));
	ck_assert(!vb_glob_match("mem.*", "cpu.int"));
	ck_assert(vb_glob_match("*", "io.fsync"));
	ck_assert(vb_glob_match("cpu.?nt", "cpu.int"));
	ck_assert(vb_glob_match("[cm]*", "cpu.fp"));
	ck_assert(!vb_glob_match("[cm]*", "io.seqread"));
	ck_assert(vb_glob_match("cpu.int", "cpu.int"));
	ck_assert(!vb_glob_match("cpu.int", "cpu.int2"));
	ck_assert(!vb_glob_match("cpu.int", "CPU.INT"));
}
END_TEST

START_TEST(test_rand64)
{
	uint64_t a = 1, b = 1, c = 2, x[64], y[64];
	int i, same = 0, distinct = 0;

	/* the recorded seed must give the same sequence in every version */
	ck_assert(vb_rand64(&a) == 0x47e4ce4b896cdd1dull);
	ck_assert(a == 0x2000001ull);
	ck_assert(vb_rand64(&a) == 0xabcfa6a8e079651dull);
	ck_assert(vb_rand64(&a) == 0xb9d10d8feb731f57ull);

	a = 0x123456789abcdefull;
	b = a;
	for (i = 0; i < 64; i++) {
		x[i] = vb_rand64(&a);
		y[i] = vb_rand64(&b);
	}
	ck_assert_int_eq(memcmp(x, y, sizeof(x)), 0);
	ck_assert(a == b && a != 0);

	b = 1;
	for (i = 0; i < 64; i++) {
		y[i] = vb_rand64(&c);
		same += y[i] == vb_rand64(&b);
		distinct += i && x[i] != x[i - 1];
	}
	ck_assert_int_lt(same, 2);
	ck_assert_int_eq(distinct, 63);
}
END_TEST

/* /proc/PID/stat of a child whose name holds ") (" and spaces: its
 * parent, state and start time past the name; a reaped child is -1 (one
 * reader for the marker's identity, a container's parent and a server's
 * CPU time: three parsers before). */
START_TEST(test_pid_stat)
{
	vb_pid_stat_t st, me;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, "a) b (c ) 7 8");
		pause();
		_exit(0);
	}
	usleep(50000);
	ck_assert_int_eq(vb_pid_stat(pid, &st), 0);
	ck_assert_int_eq(st.ppid, getpid());
	ck_assert_msg(st.state == 'S' || st.state == 'R', "state %c", st.state);
	ck_assert(st.start > 0);
	ck_assert_int_eq(vb_pid_stat(getpid(), &me), 0);
	ck_assert(me.start <= st.start);
	ck_assert(me.utime + me.stime < 1000000000ull);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert_int_eq(vb_pid_stat(pid, &st), -1);
}
END_TEST

Suite *vb_suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *parse = tcase_create("parse");
	TCase *files = tcase_create("files");
	TCase *misc = tcase_create("misc");

	tcase_set_timeout(parse, 30);
	tcase_add_test(parse, test_parse_u64_valid);
	tcase_add_test(parse, test_parse_u64_rejects);
	tcase_add_test(parse, test_parse_u64_bounds);
	tcase_add_test(parse, test_parse_size_suffixes);
	tcase_add_test(parse, test_parse_size_rejects);
	tcase_add_test(parse, test_parse_size_bounds);
	tcase_add_test(parse, test_parse_double);
	tcase_add_test(parse, test_format_size);
	tcase_add_test(parse, test_format_time_and_join);
	suite_add_tcase(s, parse);

	tcase_set_timeout(files, 30);
	tcase_add_unchecked_fixture(files, root_setup, root_teardown);
	tcase_add_test(files, test_file_atomic_round_trip);
	tcase_add_test(files, test_file_large_and_bounded);
	tcase_add_test(files, test_file_errors);
	tcase_add_test(files, test_read_fd_and_cmdline);
	tcase_add_test(files, test_mkdir_p);
	tcase_add_test(files, test_rm_rf);
	tcase_add_test(files, test_fs_info);
	tcase_add_test(files, test_pid_stat);
	suite_add_tcase(s, files);

	tcase_set_timeout(misc, 30);
	tcase_add_test(misc, test_glob_match);
	tcase_add_test(misc, test_rand64);
	suite_add_tcase(s, misc);
	return s;
}
