/*
 * check_safefs.c - the safefs module: no symbolic link anywhere in a path
 * (openat2 and the component walk alike), nothing outside the directory a
 * path must stay beneath, removals that never follow a link, reads that
 * refuse a FIFO, a directory or a device before they could block, files
 * written in place only when they are vbench's own (no hard link, no other
 * user's file), directories other users can write refused, and the
 * temporaries of a killed replace recognised by their names.
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

#include "lib/safefs.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

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

/* ---- safefs_dir.c ---- */

START_TEST(test_normalize)
{
	static const char *const cases[][2] = {
		{ "a/../b/../../x", "../x" }, { "/..", "/" },	     { "", "." },
		{ "a/./b//c/", "a/b/c" },     { "../../a/..", "../.." }, { "/a/b/../../c", "/c" },
		{ "a/..", "." },	      { "/", "/" },	     { "./x", "x" },
	};
	char out[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(vb_safefs_normalize(cases[i][0], out, sizeof(out)), 0);
		ck_assert_msg(!strcmp(out, cases[i][1]), "'%s' gave '%s', expected '%s'",
			      cases[i][0], out, cases[i][1]);
	}
	ck_assert_int_lt(vb_safefs_normalize("abcdef", out, 4), 0);
}
END_TEST

/* mkdir -p creates only the final path's ancestors, refuses a link in any
 * component (naming it) and undoes exactly what it made. */
START_TEST(test_mkdir_p)
{
	char p[PATH_MAX], t[PATH_MAX];
	vb_safefs_made_t made;
	vb_error_t err;
	int fd;

	mkdir_rel("mk");
	path(p, sizeof(p), "mk/a/../b/../x/y");
	fd = vb_safefs_mkdir_p(p, 0755, &made, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	close(fd);
	ck_assert_uint_eq(made.levels, 2);
	ck_assert(!exists_rel("mk/a") && !exists_rel("mk/b") && exists_rel("mk/x/y"));
	write_rel("mk/x/y/file", "data");
	ck_assert_int_eq(vb_safefs_unmake(&made), 0); /* y holds a file: both stay */
	ck_assert(exists_rel("mk/x/y/file"));
	path(p, sizeof(p), "mk/x/y/file");
	ck_assert_int_eq(unlink(p), 0);
	path(p, sizeof(p), "mk/n1/n2/n3");
	fd = vb_safefs_mkdir_p(p, 0755, &made, &err);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_uint_eq(made.levels, 3);
	ck_assert_int_eq(vb_safefs_unmake(&made), 3);
	ck_assert(!exists_rel("mk/n1") && exists_rel("mk"));
	/* an existing directory: nothing made */
	path(p, sizeof(p), "mk/x");
	fd = vb_safefs_mkdir_p(p, 0755, &made, &err);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_uint_eq(made.levels, 0);
	/* a link: refused, nothing created behind it, the error names it */
	path(t, sizeof(t), "mk/x");
	link_rel(t, "mk/l");
	path(p, sizeof(p), "mk/l/z/w");
	ck_assert_int_lt(vb_safefs_mkdir_p(p, 0755, &made, &err), 0);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	path(t, sizeof(t), "mk/l");
	ck_assert_msg(strstr(err.msg, t) && strstr(err.msg, "is a symbolic link"), "%s", err.msg);
	ck_assert(!exists_rel("mk/x/z"));
	ck_assert_uint_eq(made.levels, 0);
	/* a file where a directory must be */
	write_rel("mk/f", "x");
	path(p, sizeof(p), "mk/f/sub");
	ck_assert_int_lt(vb_safefs_mkdir_p(p, 0755, &made, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "Not a directory"));
}
END_TEST

/* A file replaced beneath a directory: a link in its place is replaced,
 * its target untouched; no temporary file stays, also after a failure. */
START_TEST(test_replace_at)
{
	char p[PATH_MAX], t[PATH_MAX];
	vb_error_t err;
	struct stat st;
	char *s;
	int fd;

	mkdir_rel("rp");
	write_rel("target", "keep");
	path(t, sizeof(t), "target");
	link_rel(t, "rp/out.json");
	path(p, sizeof(p), "rp");
	fd = vb_safefs_open_dir(AT_FDCWD, p, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(vb_safefs_replace_at(fd, "out.json", "new", 3, 0644, "rp/out.json", &err),
			 0);
	s = vb_read_file(t, 100, 0, NULL);
	ck_assert_str_eq(s, "keep");
	free(s);
	path(p, sizeof(p), "rp/out.json");
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq((unsigned)(st.st_mode & 0777), 0644);
	/* not one component: refused */
	ck_assert_int_lt(vb_safefs_replace_at(fd, "a/b", "x", 1, 0644, "rp/a/b", &err), 0);
	ck_assert_int_lt(vb_safefs_replace_at(fd, "..", "x", 1, 0644, "rp/..", &err), 0);
	/* a directory in the way: rename fails, the temporary file is removed */
	mkdir_rel("rp/dir");
	ck_assert_int_lt(vb_safefs_replace_at(fd, "dir", "x", 1, 0644, "rp/dir", &err), 0);
	ck_assert_msg(strstr(err.msg, "rp/dir: rename"), "%s", err.msg);
	close(fd);
	ck_assert(!exists_rel("rp/.dir.tmp") && exists_rel("rp/dir"));
	{
		char cmd[PATH_MAX + 64];
		FILE *f;

		snprintf(cmd, sizeof(cmd), "ls -A '%s/rp' | grep -c tmp", root);
		f = popen(cmd, "r");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fgetc(f), '0');
		pclose(f);
	}
}
END_TEST

START_TEST(test_check_path_and_fs)
{
	char buf[PATH_MAX + 128];
	vb_error_t err;
	int fd;

	ck_assert_int_eq(vb_safefs_check_path("results/run-1", "--out", &err), 0);
	ck_assert_int_lt(vb_safefs_check_path("a\nb", "--out", &err), 0);
	ck_assert_str_eq(err.msg, "--out: the path holds a control character (byte 0x0a at offset 1)");
	ck_assert_int_lt(vb_safefs_check_path("\033[2J", "--scratch", &err), 0);
	ck_assert_int_lt(vb_safefs_check_path("", "--out", &err), 0);
	fd = vb_safefs_open_dir(AT_FDCWD, root, 0);
	ck_assert_int_ge(fd, 0);
	vb_safefs_fs_describe(fd, buf, sizeof(buf));
	close(fd);
	ck_assert_msg(!strncmp(buf, "the filesystem at /", 19) && strstr(buf, " free of "), "%s",
		      buf);
}
END_TEST

/* ---- files of vbench's own, directories others can write (review item 1) ---- */

/* vb_safefs_open_own(@name in own/, @how) must refuse, naming @want. */
static void refused(int dfd, const char *name, unsigned how, const char *want)
{
	vb_error_t err;
	int fd;

	vb_error_clear(&err);
	fd = vb_safefs_open_own(dfd, name, how, 0644, name, NULL, &err);
	if (fd >= 0)
		close(fd);
	ck_assert_msg(fd < 0, "%s opened (how %#x)", name, how);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_msg(strstr(err.msg, name) && strstr(err.msg, want), "'%s' not in: %s", want,
		      err.msg);
}

static void assert_text(const char *rel, const char *text)
{
	char p[PATH_MAX], *s;

	path(p, sizeof(p), rel);
	s = vb_read_file(p, 1 << 16, 0, NULL);
	ck_assert_msg(s && !strcmp(s, text), "%s holds '%s', not '%s'", rel, s ? s : "(gone)",
		      text);
	free(s);
}

START_TEST(test_open_own)
{
	static const unsigned hows[] = { VB_OWN_APPEND, VB_OWN_TRUNC, VB_OWN_RDWR };
	char p[PATH_MAX], outside[PATH_MAX];
	vb_error_t err;
	struct stat st;
	int dfd, fd, created = -1, saved;
	size_t i;

	mkdir_rel("own");
	path(p, sizeof(p), "own");
	dfd = vb_safefs_open_dir(AT_FDCWD, p, 0);
	ck_assert_int_ge(dfd, 0);
	/* created, then appended to, kept, truncated */
	fd = vb_safefs_open_own(dfd, "a.log", VB_OWN_APPEND, 0600, "own/a.log", &created, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(write(fd, "a", 1), 1);
	close(fd);
	fd = vb_safefs_open_own(dfd, "a.log", VB_OWN_APPEND, 0600, "own/a.log", &created, &err);
	ck_assert_msg(fd >= 0 && !created, "%s", err.msg);
	ck_assert_int_eq(write(fd, "b", 1), 1);
	close(fd);
	assert_text("own/a.log", "ab");
	fd = vb_safefs_open_own(dfd, "a.log", VB_OWN_RDWR, 0600, "own/a.log", NULL, &err);
	ck_assert_int_ge(fd, 0);
	close(fd);
	assert_text("own/a.log", "ab");
	fd = vb_safefs_open_own(dfd, "a.log", VB_OWN_TRUNC, 0600, "own/a.log", NULL, &err);
	ck_assert_int_ge(fd, 0);
	close(fd);
	assert_text("own/a.log", "");
	/* a hard link to a file outside, another user's file: refused, untouched */
	write_rel("outside", "precious");
	path(outside, sizeof(outside), "outside");
	path(p, sizeof(p), "own/hard.log");
	ck_assert_int_eq(link(outside, p), 0);
	write_rel("own/theirs.log", "theirs");
	path(p, sizeof(p), "own/theirs.log");
	ck_assert_int_eq(chown(p, 1000, 1000), 0);
	link_rel(outside, "own/sym.log");
	path(p, sizeof(p), "own/fifo.log");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	mkdir_rel("own/dir.log");
	for (i = 0; i < VB_ARRAY_SIZE(hows); i++) {
		refused(dfd, "hard.log", hows[i], "has 2 links");
		refused(dfd, "theirs.log", hows[i], "belongs to user 1000");
		refused(dfd, "sym.log", hows[i], "is a symbolic link");
		refused(dfd, "fifo.log", hows[i], "is a FIFO, not a regular file"); /* never blocks */
		refused(dfd, "dir.log", hows[i], "is a directory, not a regular file");
	}
	assert_text("outside", "precious");
	assert_text("own/theirs.log", "theirs");
	ck_assert_int_lt(vb_safefs_open_own(dfd, "../x", VB_OWN_TRUNC, 0644, "x", NULL, &err), 0);
	/* above 2 when asked, even with 0 free */
	saved = dup(0);
	ck_assert_int_ge(saved, 0);
	close(0);
	fd = vb_safefs_open_own(dfd, "b.log", VB_OWN_TRUNC | VB_OWN_ABOVE2, 0644, "b", NULL, &err);
	ck_assert_int_eq(dup2(saved, 0), 0);
	close(saved);
	ck_assert_msg(fd > 2, "descriptor %d", fd);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	close(dfd);
}
END_TEST

START_TEST(test_check_dir)
{
	static const struct {
		unsigned mode;
		uid_t uid;
		const char *want; /* NULL: accepted */
	} cases[] = {
		{ 0755, 0, NULL },
		{ 0700, 0, NULL },
		{ 01777, 0, NULL },
		{ 01775, 1000, "belongs to user 1000" },
		{ 0755, 1000, "belongs to user 1000" },
		{ 0777, 0, "writable by other users (mode 0777, no sticky bit)" },
		{ 0757, 0, "writable by other users (mode 0757" },
		{ 0775, 0, "writable by its group 0 (mode 0775" },
		{ 01770, 0, NULL },
	};
	char p[PATH_MAX];
	vb_safefs_made_t made;
	vb_error_t err;
	size_t i;
	int fd, rc;

	mkdir_rel("cd");
	path(p, sizeof(p), "cd");
	for (i = 0; i < VB_ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(chown(p, cases[i].uid, 0), 0);
		ck_assert_int_eq(chmod(p, cases[i].mode), 0);
		fd = vb_safefs_open_dir(AT_FDCWD, p, 0);
		ck_assert_int_ge(fd, 0);
		vb_error_clear(&err);
		rc = vb_safefs_check_dir(fd, "cd", &err);
		close(fd);
		if (!cases[i].want) {
			ck_assert_msg(rc == 0, "mode %04o: %s", cases[i].mode, err.msg);
			continue;
		}
		ck_assert_msg(rc < 0 && err.code == VB_EUSAGE && strstr(err.msg, cases[i].want) &&
				  !strncmp(err.msg, "cd: ", 4),
			      "mode %04o uid %u: '%s' not in: %s", cases[i].mode,
			      (unsigned)cases[i].uid, cases[i].want, err.msg);
		/* the same through the functions that open a directory to write in */
		ck_assert_int_lt(vb_safefs_open_dir_msg(p, "cd", &err), 0);
		ck_assert_int_lt(vb_safefs_mkdir_p(p, 0755, &made, &err), 0);
		ck_assert_ptr_nonnull(strstr(err.msg, cases[i].want));
	}
}
END_TEST

/* What a killed replace left is recognised by its exact name. */
START_TEST(test_remove_temps)
{
	static const char *const gone[] = { ".run.json.vbench-tmp.abcdefgh",
					    ".run.json.tmp.0123abcd" /* named so before */ };
	static const char *const kept[] = { "run.json", ".run.json.vbench-tmp.abcdefg",
					    ".run.json.vbench-tmp.ABCDEFGH",
					    ".run.json.vbench-tmp.abcdefghi", ".other.vbench-tmp.abcdefgh",
					    ".other.tmp.abcdefgh", "run.json.vbench-tmp.abcdefgh" };
	static const char *const names[] = { "run.json", "report.md", NULL };
	char p[PATH_MAX], rel[PATH_MAX];
	vb_error_t err;
	size_t i;
	int fd;

	mkdir_rel("tt");
	for (i = 0; i < VB_ARRAY_SIZE(gone); i++) {
		snprintf(rel, sizeof(rel), "tt/%s", gone[i]);
		write_rel(rel, "half");
	}
	for (i = 0; i < VB_ARRAY_SIZE(kept); i++) {
		snprintf(rel, sizeof(rel), "tt/%s", kept[i]);
		write_rel(rel, "keep");
	}
	mkdir_rel("tt/.report.md.vbench-tmp.dirdirdi"); /* not a file */
	path(p, sizeof(p), "tt");
	fd = vb_safefs_open_dir(AT_FDCWD, p, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(vb_safefs_remove_temps(fd, names), 2);
	for (i = 0; i < VB_ARRAY_SIZE(gone); i++) {
		snprintf(rel, sizeof(rel), "tt/%s", gone[i]);
		ck_assert_msg(!exists_rel(rel), "%s is still there", rel);
	}
	for (i = 0; i < VB_ARRAY_SIZE(kept); i++) {
		snprintf(rel, sizeof(rel), "tt/%s", kept[i]);
		ck_assert_msg(exists_rel(rel), "%s was removed", rel);
	}
	ck_assert(exists_rel("tt/.report.md.vbench-tmp.dirdirdi"));
	/* any name of the current form (charts/) */
	ck_assert_int_eq(vb_safefs_remove_temps(fd, NULL), 1);
	ck_assert(!exists_rel("tt/.other.vbench-tmp.abcdefgh"));
	ck_assert(exists_rel("tt/.other.tmp.abcdefgh"));
	/* a replace names its temporary so */
	ck_assert_int_eq(vb_safefs_replace_at(fd, "run.json", "{}", 2, 0644, "tt/run.json", &err),
			 0);
	close(fd);
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
	tcase_add_test(tc, test_normalize);
	tcase_add_test(tc, test_mkdir_p);
	tcase_add_test(tc, test_replace_at);
	tcase_add_test(tc, test_check_path_and_fs);
	tcase_add_test(tc, test_open_own);
	tcase_add_test(tc, test_check_dir);
	tcase_add_test(tc, test_remove_temps);
	suite_add_tcase(s, tc);
	return s;
}
