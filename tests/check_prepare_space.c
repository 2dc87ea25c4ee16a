/*
 * check_prepare_space.c - the disk a run needs (harness/run/prepare_space.c),
 * computed from the options and checked before anything runs: memory and
 * disk of the host-process environments, the disk check's margin, and a
 * scratch filesystem too small for the I/O file refused at once, with one
 * line naming the directory, needed and free bytes, before any environment
 * starts.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/run/prepare.h"
#include "harness/core/options.h"
#include "lib/util.h"
#include "tests/preparetest.h"
#include "tests/tests.h"

/* The fixture's paths (preparetest.h), by their short names. */
static char *const vbench = vb_preparetest_vbench;
static char *const tmpdir = vb_preparetest_dir;

/* Host-process environments only: memory is one allocation (noisy: two),
 * disk the largest file (noisy io: a victim's and an aggressor's). */
START_TEST(test_needs_host_only)
{
	char *plain[] = { "run", "--env", "bare,container", "--workload", "io.seqwrite,cpu.int",
			  "--profile", "test", "--param", "io.seqwrite.file_bytes=8M", "--memory",
			  "512M", NULL };
	char *noisy[] = { "run", "--env", "bare", "--workload", "cpu.int", "--profile", "test",
			  "--noisy=io", "--param", "io.randwrite.file_bytes=64M", "--memory", "512M",
			  NULL };
	vb_run_cfg_t *cfg = malloc(sizeof(*cfg));
	vb_run_needs_t n;
	vb_error_t err;

	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(vb_preparetest_parse(cfg, &err, plain), 0);
	vb_prepare_needs(cfg, &n);
	ck_assert_uint_eq(n.nvm, 0);
	ck_assert_uint_eq(n.nhost, 2);
	ck_assert_uint_eq(n.nrootfs, 1); /* the container's */
	ck_assert_uint_eq(n.largest_file, 8 << 20);
	ck_assert_uint_eq(n.mem_bytes, 512ull << 20);
	ck_assert_uint_eq(n.disk_bytes, (8ull << 20) + (16ull << 20));
	vb_run_cfg_free(cfg);
	ck_assert_int_eq(vb_preparetest_parse(cfg, &err, noisy), 0);
	vb_prepare_needs(cfg, &n);
	ck_assert_uint_eq(n.mem_bytes, 1024ull << 20);
	ck_assert_uint_eq(n.disk_bytes, 128ull << 20);
	ck_assert_ptr_nonnull(strstr(n.disk_why, "aggressor"));
	ck_assert_uint_eq(vb_prepare_disk_margin(n.disk_bytes), 256ull << 20);
	ck_assert_uint_eq(vb_prepare_disk_margin(100ull << 30), 5ull << 30);
	vb_run_cfg_free(cfg);
	free(cfg);
}
END_TEST

/* --ops: a sandbox that saves itself keeps one image of up to its memory
 * (gvisor: no VM, so no probe needed to count it). */
START_TEST(test_needs_ops)
{
	char *ops[] = { "run", "--env", "bare,gvisor", "--workload", "cpu.int", "--profile", "test",
			"--memory", "512M", "--ops", "save", NULL };
	char *none[] = { "run", "--env", "bare,gvisor", "--workload", "cpu.int", "--profile", "test",
			 "--memory", "512M", NULL };
	vb_run_cfg_t *cfg = malloc(sizeof(*cfg));
	vb_run_needs_t n, n0;
	vb_error_t err;

	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(vb_preparetest_parse(cfg, &err, none), 0);
	vb_prepare_needs(cfg, &n0);
	vb_run_cfg_free(cfg);
	ck_assert_int_eq(vb_preparetest_parse(cfg, &err, ops), 0);
	vb_prepare_needs(cfg, &n);
	ck_assert_uint_eq(n.nsave, 1);
	ck_assert_uint_eq(n.disk_bytes, n0.disk_bytes + (512ull << 20));
	ck_assert_ptr_nonnull(strstr(n.disk_why, "1 saved image(s) of up to "));
	vb_run_cfg_free(cfg);
	free(cfg);
}
END_TEST

/* ---- resource checks ------------------------------------------------ */

/* A scratch filesystem too small for the I/O file: refused before any
 * environment starts, one line, exit 4 (VB_ERESOURCE); a file that fits
 * runs. */
START_TEST(test_disk_check)
{
	char mnt[PATH_MAX], outd[PATH_MAX];
	static char out[65536];
	uint64_t t0;
	int rc;

	snprintf(mnt, sizeof(mnt), "%s/small", tmpdir);
	snprintf(outd, sizeof(outd), "%s/out", tmpdir);
	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=400m") < 0)
		VB_SKIP("cannot mount a tmpfs (%s)", strerror(errno));
	{
		char *argv[] = { vbench, "run", "--profile", "test", "--workload", "io.seqwrite",
				 "--param", "io.seqwrite.file_bytes=256M", "--scratch", mnt,
				 "--allow-tmpfs", "--out", outd, NULL };
		t0 = vb_now_ns();
		rc = vb_preparetest_run_in(NULL, NULL, argv, out, sizeof(out));
		ck_assert_msg(rc == 4, "exit %d, expected 4: %s", rc, out);
		ck_assert_msg(vb_preparetest_one_line(out), "not one line: %s", out);
		ck_assert_msg(strstr(out, "not enough disk space") && strstr(out, mnt) &&
				      strstr(out, "256 MiB") && strstr(out, "is available") &&
				      strstr(out, "margin"),
			      "refusal does not say where and how much: %s", out);
		ck_assert_msg(vb_now_ns() - t0 < 10000000000ull, "refused only after %.1f s",
			      (double)(vb_now_ns() - t0) / 1e9);
		ck_assert_msg(access(outd, F_OK) < 0, "run directory left behind");
		ck_assert_int_eq(vb_preparetest_entries(mnt), 0);
	}
	{
		char *argv[] = { vbench, "run", "--profile", "test", "--workload", "io.seqwrite",
				 "--param", "io.seqwrite.file_bytes=1M", "--scratch", mnt,
				 "--allow-tmpfs", "--out", outd, "--quiet", NULL };
		char path[PATH_MAX];
		json_t *doc, *disk;

		rc = vb_preparetest_run_in(NULL, NULL, argv, out, sizeof(out));
		ck_assert_msg(rc == 0, "a file that fits was refused (exit %d): %s", rc, out);
		/* run.json keeps what the check compared. */
		snprintf(path, sizeof(path), "%s/run.json", outd);
		doc = json_load_file(path, 0, NULL);
		ck_assert_ptr_nonnull(doc);
		disk = json_object_get(json_object_get(doc, "resources"), "disk");
		ck_assert_str_eq(json_string_value(json_object_get(disk, "dir")), mnt);
		ck_assert_int_eq(json_integer_value(json_object_get(disk, "needed_bytes")), 1 << 20);
		ck_assert_int_eq(json_integer_value(json_object_get(disk, "margin_bytes")), 256 << 20);
		ck_assert_int_gt(json_integer_value(json_object_get(disk, "available_at_start_bytes")),
				 300 << 20);
		ck_assert_double_eq(json_number_value(json_object_get(
					    json_object_get(json_object_get(doc, "resources"), "timeouts_s"),
					    "stop")),
				    10);
		json_decref(doc);
	}
	umount(mnt);
}
END_TEST

Suite *vb_suite_prepare_space(void)
{
	Suite *s = suite_create("prepare_space");
	TCase *tc = tcase_create("prepare_space");

	tcase_add_checked_fixture(tc, vb_preparetest_setup, vb_preparetest_teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_needs_host_only);
	tcase_add_test(tc, test_needs_ops);
	tcase_add_test(tc, test_disk_check);
	suite_add_tcase(s, tc);
	return s;
}
