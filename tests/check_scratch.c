/*
 * check_scratch.c - files vbench creates in a --scratch directory are used
 * through the descriptor that created them, never by their name again (the
 * review of issue 11, item 2).
 *
 * Another user who can write a shared scratch directory could swap such a
 * file for a symbolic link to a device or a file of theirs between its
 * creation and its use; root would then write there (an I/O workload
 * writing, mkfs.ext4 formatting, QEMU writing the guest's disk).  A forked
 * child stops at a test point right after the file is created
 * (testpoint.h: "scratch-file", "vmdisk"), the test swaps the file for a
 * link to a victim file, lets the child go on, and the victim must keep
 * its content while the original file got the data.  Where O_DIRECT is
 * not supported (ramfs) the I/O file is refused clearly, and QEMU is given
 * the disk as the inherited descriptor.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/env/vm_qemu.h"
#include "harness/core/runproc.h"
#include "lib/testpoint.h"
#include "lib/util.h"
#include "harness/env/vm_disk.h"
#include "workloads/io_common.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define VICTIM_BYTES (8u << 20)

static char root[PATH_MAX];   /* of the test case (unchecked fixture) */
static char tmpdir[PATH_MAX]; /* of one test: root/<test> */

static void setup(void)
{
	vb_test_mkdtemp(root, sizeof(root), "sctest");
}

static void teardown(void)
{
	vb_test_rmdtemp(root);
}

static void begin(const char *test)
{
	vb_test_case_dir(tmpdir, sizeof(tmpdir), root, test);
}

/* The paths of a swap (PATH_MAX bytes each): @tmpdir/scratch, made;
 * @tmpdir/victim, VICTIM_BYTES of 'v'; @tmpdir/@moved_name, where the
 * file vbench made is moved to. */
static void swap_case(char *scratch, char *victim, char *moved, const char *moved_name)
{
	char *data = malloc(VICTIM_BYTES);

	ck_assert_ptr_nonnull(data);
	snprintf(scratch, PATH_MAX, "%s/scratch", tmpdir);
	ck_assert_int_eq(mkdir(scratch, 0755), 0);
	memset(data, 'v', VICTIM_BYTES);
	snprintf(victim, PATH_MAX, "%s/victim", tmpdir);
	ck_assert_int_eq(vb_write_file(victim, data, VICTIM_BYTES, NULL), 0);
	free(data);
	snprintf(moved, PATH_MAX, "%s/%s", tmpdir, moved_name);
}

/* The victim still holds nothing but 'v'. */
static void assert_victim(const char *path)
{
	size_t len = 0, i;
	char *s;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	s = vb_read_fd(fd, VICTIM_BYTES + 1, 0, &len, path, NULL);
	close(fd);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, VICTIM_BYTES);
	for (i = 0; i < len && s[i] == 'v'; i++)
		;
	ck_assert_msg(i == len, "%s was written at offset %zu", path, i);
	free(s);
}

/* The entry of @dir whose name starts with @prefix into @name: 1, or 0. */
static int find_entry(const char *dir, const char *prefix, char *name, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	ck_assert_ptr_nonnull(d);
	while (!found && (de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, prefix, strlen(prefix))) {
			snprintf(name, len, "%s", de->d_name);
			found = 1;
		}
	closedir(d);
	return found;
}

/* Wait for the child @pid stopped at its test point, then replace
 * @dir/<the entry starting with @prefix> by a symbolic link to @victim
 * (the file itself moved to @moved) and let the child go on.  Its exit
 * status. */
static int swap_and_continue(pid_t pid, const char *dir, const char *prefix, const char *victim,
			     const char *moved)
{
	char name[NAME_MAX + 1], p[PATH_MAX + NAME_MAX + 2];
	int st;

	ck_assert_int_eq(waitpid(pid, &st, WUNTRACED), pid);
	if (!WIFSTOPPED(st)) {
		ck_abort_msg("the child did not stop at its test point (status %#x)", st);
		return -1;
	}
	ck_assert_msg(find_entry(dir, prefix, name, sizeof(name)), "no %s* in %s", prefix, dir);
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_int_eq(rename(p, moved), 0);
	ck_assert_int_eq(symlink(victim, p), 0);
	kill(pid, SIGCONT);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* In a forked child: stop at test point @point from now on. */
static void stop_at(const char *point)
{
	setenv("VBENCH_TEST_STOP_AT", point, 1);
	vb_test_point_reset();
}

/* ---- the I/O workloads' file ---- */

START_TEST(test_io_file_swapped)
{
	char scratch[PATH_MAX], victim[PATH_MAX], moved[PATH_MAX];
	vb_io_file_t f;
	vb_error_t err;
	char *buf;
	size_t i;
	int fd, rc;
	pid_t pid;

	begin(__func__);
	swap_case(scratch, victim, moved, "moved");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		stop_at("scratch-file");
		if (vb_io_file_open(&f, scratch, "t", 1 << 20, 1, &err) < 0)
			_exit(2);
		if (!(fcntl(f.fd, F_GETFL) & O_DIRECT))
			_exit(3);
		buf = vb_io_buf_alloc(4096, &err);
		if (!buf)
			_exit(4);
		memset(buf, 'X', 4096);
		rc = vb_io_pwrite_all(&f, buf, 4096, 0, &err);
		vb_io_file_close(&f);
		_exit(rc < 0 ? 5 : 0);
	}
	rc = swap_and_continue(pid, scratch, "vbench-t-", victim, moved);
	ck_assert_msg(rc == 0, "the child failed (%d)", rc);
	assert_victim(victim);
	/* the data went to the file vbench created */
	fd = open(moved, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	buf = vb_read_fd(fd, 4096, 0, NULL, moved, NULL);
	close(fd);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < 4096 && buf[i] == 'X'; i++)
		;
	ck_assert_uint_eq(i, 4096);
	free(buf);
	ck_assert(!find_entry(scratch, "vbench-", moved, sizeof(moved))); /* the link is gone */
}
END_TEST

/* ramfs has no direct I/O: one clear refusal, nothing left behind. */
START_TEST(test_io_no_direct)
{
	char ram[PATH_MAX], name[NAME_MAX + 1];
	vb_io_file_t f;
	vb_error_t err;
	int rc;

	begin(__func__);
	snprintf(ram, sizeof(ram), "%s/ram", tmpdir);
	ck_assert_int_eq(mkdir(ram, 0755), 0);
	if (mount("vbench-test", ram, "ramfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		VB_SKIP("mount ramfs on %s: %s", ram, strerror(errno));
	vb_error_clear(&err);
	rc = vb_io_file_open(&f, ram, "t", 1 << 20, 1, &err);
	umount2(ram, MNT_DETACH);
	ck_assert_int_lt(rc, 0);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	ck_assert_msg(strstr(err.msg, ram) && strstr(err.msg, "does not support O_DIRECT"), "%s",
		      err.msg);
	ck_assert_int_eq(f.fd, -1);
	ck_assert(!find_entry(ram, "vbench-", name, sizeof(name)));
	/* without O_DIRECT the same directory works */
	ck_assert_int_eq(vb_io_file_open(&f, tmpdir, "t", 1 << 20, 0, &err), 0);
	ck_assert(!(fcntl(f.fd, F_GETFL) & O_DIRECT));
	vb_io_file_close(&f);
}
END_TEST

/* ---- the VM's scratch disk ---- */

/* ext4's superblock magic 0xEF53 at byte 1080 of @path. */
static int is_ext4(const char *path)
{
	unsigned char m[2] = { 0, 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, m, 2, 1080) != 2)
		m[0] = 0;
	close(fd);
	return m[0] == 0x53 && m[1] == 0xef;
}

START_TEST(test_vmdisk_swapped)
{
	char scratch[PATH_MAX], victim[PATH_MAX], moved[PATH_MAX], mkfs[PATH_MAX];
	vb_run_cfg_t *cfg;
	vb_vm_disk_t d;
	vb_error_t err;
	pid_t pid;
	int rc;

	begin(__func__);
	if (vb_proc_which("mkfs.ext4", mkfs, sizeof(mkfs)) < 0)
		VB_SKIP("no mkfs.ext4");
	swap_case(scratch, victim, moved, "moved.img");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		cfg = calloc(1, sizeof(*cfg));
		if (!cfg)
			_exit(2);
		vb_run_cfg_init(cfg);
		snprintf(cfg->scratch, sizeof(cfg->scratch), "%s", scratch);
		stop_at("vmdisk");
		if (vb_vm_disk_create(&d, cfg, "t", &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			_exit(3);
		}
		vb_vm_disk_destroy(&d);
		_exit(0);
	}
	rc = swap_and_continue(pid, scratch, "vbench-t-", victim, moved);
	ck_assert_msg(rc == 0, "the child failed (%d)", rc);
	assert_victim(victim);
	ck_assert_msg(is_ext4(moved), "mkfs.ext4 did not format the image vbench created");
}
END_TEST

/* QEMU is given the disk as its inherited descriptor, never the path. */
START_TEST(test_qemu_disk_by_descriptor)
{
	vb_qemu_cfg_t c = { .vcpus = 1, .memory = 64ull << 20, .kernel = "/boot/vmlinux",
			    .disk = "/scratch/vbench-hosted.img", .disk_fd = 7 };
	vb_argv_t a;
	vb_error_t err;
	json_t *desc;
	char *text;
	size_t i;
	int drives = 0;

	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	for (i = 0; i < a.n; i++) {
		drives += !strncmp(a.v[i], "file=/proc/self/fd/7,if=none,", 29);
		ck_assert_msg(!strstr(a.v[i], "/scratch/"), "QEMU given the path: %s", a.v[i]);
	}
	ck_assert_int_eq(drives, 1);
	ck_assert_ptr_nonnull(strstr(a.v[vb_argv_find(&a, "-drive") + 1], "cache=none,aio=native"));
	vb_argv_free(&a);
	desc = vb_qemu_describe(&c); /* run.json still names the image */
	ck_assert_ptr_nonnull(desc);
	text = json_dumps(desc, 0);
	ck_assert_msg(text && strstr(text, "/scratch/vbench-hosted.img"), "%s", text);
	free(text);
	json_decref(desc);
}
END_TEST

Suite *vb_suite_scratch(void)
{
	Suite *s = suite_create("scratch");
	TCase *tc = tcase_create("scratch");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_io_file_swapped);
	tcase_add_test(tc, test_io_no_direct);
	tcase_add_test(tc, test_vmdisk_swapped);
	tcase_add_test(tc, test_qemu_disk_by_descriptor);
	suite_add_tcase(s, tc);
	return s;
}
