/*
 * check_prepare.c - what `vbench run` checks before and bounds around the
 * measurements (docs/reliability.md, "Timeouts and resource checks"),
 * driven through the real binaries:
 *
 *   - an agent that hangs at "quit" (VBENCH_TEST_AGENT_HANG_AT_QUIT) is
 *     killed after --stop-timeout in every host-process environment here,
 *     the stop returns within the timeout + a margin, the run completes
 *     and the record says stop_timed_out with a warning; an agent busy past
 *     --timeout becomes a recorded timeout, is killed, and the run ends;
 *   - --scratch naming a block device (a loop device) is refused with one
 *     line naming --allow-device; --allow-device is checked (same device by
 *     st_rdev, not mounted, large enough); the allowed device is the I/O
 *     file itself on bare metal and in the container (the pattern is found
 *     in the loop's backing file, nothing else is created), and the agent
 *     refuses a device the request does not allow;
 *   - every I/O workload, run by the agent CLI, creates files only in its
 *     scratch directory and leaves it empty (strace when installed, and the
 *     working and temporary directories compared before and after);
 *   - the memory check counts what runs at once (here a noisy victim and
 *     aggressor).
 *
 * The disk check: check_prepare_space.c; the run directory of a failed
 * run: check_prepare_out.c; what they share: preparetest.c.
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

#include "harness/core/options.h"
#include "harness/env/env.h"
#include "harness/run/prepare.h"
#include "lib/util.h"
#include "workloads/agent.h"
#include "tests/preparetest.h"
#include "tests/tests.h"

/* The fixture's paths (preparetest.h), by their short names. */
static char *const vbench = vb_preparetest_vbench;
static char *const agent = vb_preparetest_agent;
static char *const tmpdir = vb_preparetest_dir;

/* ---- options (no binary) -------------------------------------------- */

START_TEST(test_limit_options)
{
	char *defaults[] = { "run", NULL };
	char *set[] = { "run", "--stop-timeout", "2.5", "--start-timeout", "30", "--allow-device",
			"/dev/loop7", NULL };
	char *bad[][4] = { { "run", "--stop-timeout", "0", NULL },
			   { "run", "--stop-timeout", "1e9", NULL },
			   { "run", "--start-timeout", "abc", NULL },
			   { "run", "--allow-device", "", NULL } };
	const char *opt[] = { "--stop-timeout", "--stop-timeout", "--start-timeout",
			      "--allow-device" };
	vb_run_cfg_t *cfg = malloc(sizeof(*cfg));
	vb_error_t err;
	size_t i;

	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(vb_preparetest_parse(cfg, &err, defaults), 0);
	ck_assert_double_eq(cfg->stop_timeout_s, 10);
	ck_assert_double_eq(cfg->start_timeout_s, 60);
	ck_assert_str_eq(cfg->allow_device, "");
	vb_run_cfg_free(cfg);
	ck_assert_int_eq(vb_preparetest_parse(cfg, &err, set), 0);
	ck_assert_double_eq(cfg->stop_timeout_s, 2.5);
	ck_assert_double_eq(cfg->start_timeout_s, 30);
	ck_assert_str_eq(cfg->allow_device, "/dev/loop7");
	vb_run_cfg_free(cfg);
	for (i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		ck_assert_int_eq(vb_preparetest_parse(cfg, &err, bad[i]), -1);
		ck_assert_int_eq(err.code, VB_EUSAGE);
		ck_assert_msg(strstr(err.msg, opt[i]), "'%s' does not name %s", err.msg, opt[i]);
		vb_run_cfg_free(cfg);
	}
	free(cfg);
}
END_TEST

/* ---- --stop-timeout ------------------------------------------------- */

/* Every host-process environment whose agent hangs at quit is killed
 * after --stop-timeout 1: the run completes, the stop is bounded. */
START_TEST(test_stop_timeout_hung_agent)
{
	static const char *const envs[] = { "bare", "container", "oci", "podman" };
	char dir[PATH_MAX], path[PATH_MAX];
	static char out[65536];
	json_t *doc, *e, *w;
	json_error_t jerr;
	size_t i, j, stopped = 0;
	uint64_t t0, wall;
	int rc, warned;

	for (i = 0; i < VB_ARRAY_SIZE(envs); i++) {
		char *argv[] = { vbench, "run", "--env", (char *)envs[i], "--workload", "cpu.int",
				 "--profile", "test", "--reps", "1", "--stop-timeout", "1", "--out",
				 dir, "--quiet", NULL };

		snprintf(dir, sizeof(dir), "%s/hang-%s", tmpdir, envs[i]);
		t0 = vb_now_ns();
		rc = vb_preparetest_run_in(NULL, "VBENCH_TEST_AGENT_HANG_AT_QUIT=1", argv, out, sizeof(out));
		wall = vb_now_ns() - t0;
		snprintf(path, sizeof(path), "%s/run.json", dir);
		doc = json_load_file(path, 0, &jerr);
		ck_assert_msg(doc, "%s: no run.json (exit %d): %s", envs[i], rc, out);
		e = json_array_get(json_object_get(doc, "environments"), 0);
		if (!json_is_true(json_object_get(e, "available"))) {
			fprintf(stderr, "SKIP %s: %s unavailable here: %s\n", __func__, envs[i],
				json_string_value(json_object_get(e, "reason")));
			json_decref(doc);
			continue;
		}
		ck_assert_msg(rc == 0, "%s: exit %d: %s", envs[i], rc, out);
		ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
		ck_assert_msg(json_is_true(json_object_get(e, "stop_timed_out")),
			      "%s: stop_timed_out not recorded", envs[i]);
		/* The stop waited the timeout, and not much longer (killing
		 * and emptying the cgroup are bounded by 1 s). */
		ck_assert_int_ge(json_integer_value(json_object_get(e, "stop_latency_ns")),
				 1000000000);
		ck_assert_int_lt(json_integer_value(json_object_get(e, "stop_latency_ns")),
				 3500000000);
		ck_assert_msg(wall < 30000000000ull, "%s: the run took %.1f s", envs[i],
			      (double)wall / 1e9);
		warned = 0;
		json_array_foreach(json_object_get(doc, "warnings"), j, w)
			warned |= strstr(json_string_value(w), "--stop-timeout") != NULL;
		ck_assert_msg(warned, "%s: no warning about the stop", envs[i]);
		/* The hung agent is gone. */
		pid_t apid = (pid_t)json_integer_value(
			json_object_get(json_object_get(e, "agent"), "pid"));
		if (!strcmp(envs[i], "bare"))
			ck_assert_msg(apid > 0 && kill(apid, 0) < 0 && errno == ESRCH,
				      "agent %d still alive", (int)apid);
		json_decref(doc);
		stopped++;
	}
	ck_assert_uint_ge(stopped, 1); /* bare always runs */
}
END_TEST

/* The extra instances of --density are bounded the same way and say so. */
START_TEST(test_density_stop_timeout)
{
	char dir[PATH_MAX], path[PATH_MAX];
	static char out[65536];
	char *argv[] = { vbench, "run", "--env", "bare", "--workload", "cpu.int", "--profile",
			 "test", "--reps", "1", "--density", "2", "--memory", "256M",
			 "--stop-timeout", "1", "--out", dir, "--quiet", NULL };
	json_t *doc, *inst, *r;
	json_error_t jerr;
	size_t i;
	int rc;

	snprintf(dir, sizeof(dir), "%s/hang-density", tmpdir);
	rc = vb_preparetest_run_in(NULL, "VBENCH_TEST_AGENT_HANG_AT_QUIT=1", argv, out, sizeof(out));
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	doc = json_load_file(path, 0, &jerr);
	ck_assert_msg(doc, "run.json: %s", jerr.text);
	inst = json_object_get(json_object_get(json_object_get(doc, "density"), "bare"),
			       "instances");
	ck_assert_msg(json_array_size(inst) >= 1, "no density instances: %s", out);
	json_array_foreach(inst, i, r) {
		ck_assert_msg(json_is_true(json_object_get(r, "stop_timed_out")),
			      "density instance %zu: stop_timed_out missing", i);
		ck_assert_int_lt(json_integer_value(json_object_get(r, "stop_latency_ns")),
				 3500000000);
	}
	json_decref(doc);
}
END_TEST

/* An agent busy past --timeout: the repetition is recorded as a timeout,
 * the instance is killed after --stop-timeout, the environment's remaining
 * repetitions are skipped and the run still ends with its record. */
START_TEST(test_hung_repetition)
{
	char dir[PATH_MAX], path[PATH_MAX];
	static char out[65536];
	char *argv[] = { vbench, "run", "--env", "bare", "--workload", "cpu.int,cpu.fp",
			 "--param", "cpu.int.iters=1000000", "--profile", "test", "--reps", "2",
			 "--timeout", "1", "--stop-timeout", "1", "--out", dir, "--quiet", NULL };
	json_t *doc, *e, *r;
	json_error_t jerr;
	size_t i, timeouts = 0;
	uint64_t t0;
	int rc;

	snprintf(dir, sizeof(dir), "%s/hung-rep", tmpdir);
	t0 = vb_now_ns();
	rc = vb_preparetest_run_in(NULL, NULL, argv, out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1: %s", rc, out);
	ck_assert_msg(vb_now_ns() - t0 < 60000000000ull, "took %.1f s",
		      (double)(vb_now_ns() - t0) / 1e9);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	doc = json_load_file(path, 0, &jerr);
	ck_assert_msg(doc, "run.json: %s", jerr.text);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "completed-with-errors");
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (json_is_true(json_object_get(r, "ok")))
			continue;
		ck_assert_str_eq(json_string_value(json_object_get(r, "error_kind")), "timeout");
		timeouts++;
	}
	ck_assert_uint_eq(timeouts, 1); /* then the instance is stopped: no more there */
	e = json_array_get(json_object_get(doc, "environments"), 0);
	ck_assert_ptr_nonnull(json_object_get(e, "failed"));
	ck_assert(json_is_true(json_object_get(e, "stop_timed_out")));
	json_decref(doc);
}
END_TEST

/* ---- block devices -------------------------------------------------- */

/* Attach a loop device of @mib MiB backed by a sparse (zeroed) file
 * tmpdir/disk.img (loopdev). */
static int attach_loop_mib(unsigned mib)
{
	char img[PATH_MAX], cmd[PATH_MAX + 64];
	FILE *p;
	int fd;

	if (access("/dev/loop-control", R_OK | W_OK) < 0)
		return -1;
	snprintf(img, sizeof(img), "%s/disk.img", tmpdir);
	fd = open(img, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)mib << 20), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "losetup -f --show %s 2>/dev/null", img);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(vb_preparetest_loopdev, sizeof(vb_preparetest_loopdev), p))
		vb_preparetest_loopdev[0] = '\0';
	pclose(p);
	vb_preparetest_loopdev[strcspn(vb_preparetest_loopdev, "\n")] = '\0';
	return vb_preparetest_loopdev[0] ? 0 : -1;
}

static int attach_loop(void)
{
	return attach_loop_mib(64);
}

START_TEST(test_block_device_scratch)
{
	char link[PATH_MAX], mnt[PATH_MAX], outd[PATH_MAX], cmd[256];
	static char out[8192];
	int rc;

	if (attach_loop() < 0)
		VB_SKIP("no loop device (/dev/loop-control unavailable or losetup failed)");
	snprintf(outd, sizeof(outd), "%s/out", tmpdir);
	{
		char *argv[] = { vbench, "run", "--profile", "test", "--workload", "io.seqwrite",
				 "--scratch", vb_preparetest_loopdev, "--out", outd, NULL };
		rc = vb_preparetest_run_in(NULL, NULL, argv, out, sizeof(out));
		ck_assert_msg(rc == 2, "exit %d: %s", rc, out);
		ck_assert_msg(vb_preparetest_one_line(out), "not one line: %s", out);
		ck_assert_msg(strstr(out, "is a block device") && strstr(out, "--allow-device") &&
				      strstr(out, vb_preparetest_loopdev),
			      "refusal does not explain: %s", out);
		ck_assert_msg(access(outd, F_OK) < 0, "empty run directory left behind");
	}
	/* The same device under another name (a symlink): compared by st_rdev,
	 * so allowed (no I/O workload: nothing is written to it). */
	snprintf(link, sizeof(link), "%s/dev-link", tmpdir);
	ck_assert_int_eq(symlink(vb_preparetest_loopdev, link), 0);
	{
		char *argv[] = { vbench, "run", "--profile", "test", "--env", "bare", "--workload",
				 "cpu.int", "--reps", "1", "--scratch", vb_preparetest_loopdev, "--allow-device",
				 link, "--out", outd, NULL };
		rc = vb_preparetest_run_in(NULL, NULL, argv, out, sizeof(out));
		ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
		vb_rm_rf(outd);
	}
	/* The device smaller than the run's I/O file: one line, "no resource". */
	{
		char *argv[] = { vbench, "run", "--profile", "test", "--workload", "io.seqwrite",
				 "--param", "io.seqwrite.file_bytes=128M", "--scratch", vb_preparetest_loopdev,
				 "--allow-device", vb_preparetest_loopdev, "--out", outd, NULL };
		rc = vb_preparetest_run_in(NULL, NULL, argv, out, sizeof(out));
		ck_assert_msg(rc != 0 && rc != 1 && vb_preparetest_one_line(out) && strstr(out, vb_preparetest_loopdev) &&
				      strstr(out, "largest I/O file"),
			      "exit %d: %s", rc, out);
	}
	/* Another device: refused. */
	{
		char *argv[] = { vbench, "run", "--profile", "test", "--workload", "io.seqwrite",
				 "--scratch", vb_preparetest_loopdev, "--allow-device", "/dev/null", "--out", outd, NULL };
		rc = vb_preparetest_run_in(NULL, NULL, argv, out, sizeof(out));
		ck_assert_msg(rc == 2 && vb_preparetest_one_line(out) && strstr(out, "not a block device"),
			      "exit %d: %s", rc, out);
	}
	/* A mounted device: refused, naming the mount point. */
	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F %s >/dev/null 2>&1", vb_preparetest_loopdev);
	snprintf(mnt, sizeof(mnt), "%s/mnt", tmpdir);
	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	if (system(cmd) != 0 || mount(vb_preparetest_loopdev, mnt, "ext4", 0, NULL) < 0) {
		fprintf(stderr, "SKIP %s (mounted case): cannot mkfs/mount %s\n", __func__, vb_preparetest_loopdev);
		return;
	}
	{
		char *argv[] = { vbench, "run", "--profile", "test", "--workload", "io.seqwrite",
				 "--scratch", vb_preparetest_loopdev, "--allow-device", vb_preparetest_loopdev, "--out", outd, NULL };
		rc = vb_preparetest_run_in(NULL, NULL, argv, out, sizeof(out));
		umount(mnt);
		ck_assert_msg(rc == 2 && vb_preparetest_one_line(out) && strstr(out, "mounted on") &&
				      strstr(out, mnt),
			      "exit %d: %s", rc, out);
	}
}
END_TEST

/* The first MiB of tmpdir/disk.img (the loop's backing file, zeroed when
 * attached) holds the I/O workloads' pattern: pattern block k (4 KiB)
 * starts with k and a non-zero tag (io_common.h).  Returns the number of
 * blocks that do. */
static int pattern_blocks_in_backing_file(void)
{
	char img[PATH_MAX];
	static uint64_t buf[(1 << 20) / 8];
	int fd, k, n = 0;

	snprintf(img, sizeof(img), "%s/disk.img", tmpdir);
	fd = open(img, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	close(fd);
	for (k = 0; k < 256; k++)
		n += buf[k * 512] == (uint64_t)k && buf[k * 512 + 1] != 0 &&
		     buf[k * 512 + 511] == ~buf[k * 512 + 1];
	return n;
}

/* An allowed device is the I/O file itself, on bare metal, in the
 * container, and in oci, podman and docker where they are available (the node in
 * their /dev): the run succeeds, every repetition is ok and records
 * "block device", the data is on the device, nothing else is created. */
START_TEST(test_block_device_run)
{
	char outd[PATH_MAX], path[PATH_MAX];
	static char out[16384];
	json_t *run, *reps, *r, *scr;
	json_error_t jerr;
	size_t i, nok = 0, nbare = 0, nct = 0;
	const char *env;
	int rc;

	if (attach_loop_mib(128) < 0)
		VB_SKIP("no loop device (/dev/loop-control unavailable or losetup failed)");
	ck_assert_int_eq(pattern_blocks_in_backing_file(), 0);
	snprintf(outd, sizeof(outd), "%s/out", tmpdir);
	{
		char *argv[] = { vbench, "run", "--env", "bare,container,oci,podman,docker",
				 "--workload", "io.seqwrite,io.randread", "--profile", "test", "--reps", "1",
				 "--scratch", vb_preparetest_loopdev, "--allow-device", vb_preparetest_loopdev, "--out", outd,
				 "--quiet", NULL };
		rc = vb_preparetest_run_in(tmpdir, NULL, argv, out, sizeof(out));
		ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	}
	snprintf(path, sizeof(path), "%s/run.json", outd);
	run = json_load_file(path, 0, &jerr);
	ck_assert_msg(run != NULL, "%s: %s", path, jerr.text);
	scr = json_object_get(json_object_get(run, "host"), "scratch");
	ck_assert_str_eq(json_string_value(json_object_get(scr, "fstype")), "block device");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(scr, "device"),
							    "size_bytes")),
			 128 << 20);
	reps = json_object_get(run, "repetitions");
	json_array_foreach(reps, i, r) {
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "repetition %zu not ok", i);
		ck_assert_str_eq(json_string_value(json_object_get(
					 json_object_get(json_object_get(r, "result"), "detail"),
					 "fs")),
				 "block device");
		env = json_string_value(json_object_get(r, "env"));
		nbare += !strcmp(env, "bare");
		nct += !strcmp(env, "container");
		nok++;
	}
	json_decref(run);
	/* 2 workloads x 1 repetition in each; oci and the engines where available */
	ck_assert_uint_eq(nbare, 2);
	ck_assert_uint_eq(nct, 2);
	if (nok < 10)
		fprintf(stderr, "NOTE %s: oci, podman or docker unavailable here: %zu repetitions\n",
			__func__, nok);
	ck_assert_int_eq(pattern_blocks_in_backing_file(), 256);
	/* Nothing but the backing file and the run directory in tmpdir (the
	 * working directory of the run); the device node is all it wrote to. */
	ck_assert_int_eq(vb_preparetest_entries(tmpdir), 2);
}
END_TEST

/* The agent opens a block device only when the request allows that very
 * path; otherwise one line, whatever the workload. */
START_TEST(test_agent_refuses_device)
{
	static const char *const reqs[] = {
		"{\"op\":\"run\",\"id\":1,\"workload\":\"io.seqwrite\",\"scratch\":\"%s\"}",
		"{\"op\":\"run\",\"id\":1,\"workload\":\"io.seqwrite\",\"scratch\":\"%s\","
		"\"allow_device\":\"/dev/null\"}",
		"{\"op\":\"run\",\"id\":1,\"workload\":\"io.seqwrite\",\"scratch\":\"%s\","
		"\"allow_device\":true}",
	};
	char line[512], *msg;
	json_t *reply;
	size_t i;
	int quit = 0, dry;

	if (attach_loop() < 0)
		VB_SKIP("no loop device (/dev/loop-control unavailable or losetup failed)");
	for (i = 0; i < VB_ARRAY_SIZE(reqs); i++)
		for (dry = 0; dry < 2; dry++) {
			snprintf(line, sizeof(line), reqs[i], vb_preparetest_loopdev);
			reply = vb_agent_handle_line(line, strlen(line), dry, &quit);
			ck_assert_ptr_nonnull(reply);
			ck_assert_msg(json_is_false(json_object_get(reply, "ok")),
				      "request %zu (dry %d) accepted", i, dry);
			msg = (char *)json_string_value(json_object_get(reply, "error"));
			ck_assert_msg(msg && !strchr(msg, '\n'), "request %zu: no one-line error", i);
			ck_assert_msg(strstr(msg, i < 2 ? vb_preparetest_loopdev : "allow_device"),
				      "request %zu: %s", i, msg);
			json_decref(reply);
		}
	ck_assert_int_eq(pattern_blocks_in_backing_file(), 0);
	/* The agent CLI: refused without --allow-device naming it. */
	{
		static char out[4096];
		char *argv[] = { agent, "run", "io.seqwrite", "--scratch", vb_preparetest_loopdev, NULL };
		int rc = vb_preparetest_run_in(tmpdir, NULL, argv, out, sizeof(out));

		ck_assert_msg(rc != 0 && strstr(out, "does not allow"), "exit %d: %s", rc, out);
	}
	ck_assert_int_eq(pattern_blocks_in_backing_file(), 0);
}
END_TEST

/* ---- I/O stays in the scratch directory ------------------------------ */

START_TEST(test_io_writes_only_in_scratch)
{
	static const char *const wl[] = { "io.seqwrite", "io.seqread", "io.randread",
					   "io.randwrite", "io.fsync" };
	char scratch[PATH_MAX], cwd[PATH_MAX], tmp[PATH_MAX], log[PATH_MAX], tmpenv[PATH_MAX + 8];
	static char out[65536], line[PATH_MAX + 256];
	int have_strace = access("/usr/bin/strace", X_OK) == 0, rc;
	size_t i, creates;
	FILE *f;

	snprintf(scratch, sizeof(scratch), "%s/scratch", tmpdir);
	snprintf(cwd, sizeof(cwd), "%s/cwd", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", tmpdir);
	snprintf(tmpenv, sizeof(tmpenv), "TMPDIR=%s", tmp);
	ck_assert_int_eq(mkdir(scratch, 0755), 0);
	ck_assert_int_eq(mkdir(cwd, 0755), 0);
	ck_assert_int_eq(mkdir(tmp, 0755), 0);
	if (!have_strace)
		fprintf(stderr, "SKIP %s (system-call trace): strace not installed\n", __func__);
	for (i = 0; i < VB_ARRAY_SIZE(wl); i++) {
		snprintf(log, sizeof(log), "%s/strace-%zu.log", tmpdir, i);
		char *plain[] = { agent, "run", (char *)wl[i], "--scratch", scratch, "--param",
				  "file_bytes=1M", "--reps", "1", NULL };
		char *traced[] = { "/usr/bin/strace", "-f", "-qq", "-o", log, "-e",
				   "trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,"
				   "link,linkat,symlink,symlinkat,truncate,mknod,mknodat",
				   agent, "run", (char *)wl[i], "--scratch", scratch, "--param",
				   "file_bytes=1M", "--reps", "1", NULL };

		rc = vb_preparetest_run_in(cwd, tmpenv, have_strace ? traced : plain, out, sizeof(out));
		ck_assert_msg(rc == 0, "%s: exit %d: %s", wl[i], rc, out);
		ck_assert_msg(strstr(out, "\"ok\": true") || strstr(out, "\"ok\":true"),
			      "%s did not succeed: %s", wl[i], out);
		ck_assert_msg(vb_preparetest_entries(scratch) == 0, "%s left files in the scratch directory",
			      wl[i]);
		ck_assert_msg(vb_preparetest_entries(cwd) == 0, "%s wrote into its working directory", wl[i]);
		ck_assert_msg(vb_preparetest_entries(tmp) == 0, "%s wrote into TMPDIR", wl[i]);
		if (!have_strace)
			continue;
		/* Every call that can create or write a file names a path in
		 * the scratch directory. */
		f = fopen(log, "r");
		ck_assert_ptr_nonnull(f);
		creates = 0;
		while (fgets(line, sizeof(line), f)) {
			char *q = strchr(line, '"');
			int writes = strstr(line, "O_CREAT") || strstr(line, "O_WRONLY") ||
				     strstr(line, "O_RDWR") || strstr(line, "mkdir") ||
				     strstr(line, "rename") || strstr(line, "link(") ||
				     strstr(line, "linkat(") || strstr(line, "truncate(") ||
				     strstr(line, "mknod") || strstr(line, "creat(");
			if (!writes || !q || strstr(line, "= -1"))
				continue;
			/* Devices the agent may open read-write are not files. */
			if (!strncmp(q + 1, "/dev/null\"", 10))
				continue;
			ck_assert_msg(!strncmp(q + 1, scratch, strlen(scratch)) &&
					      q[1 + strlen(scratch)] == '/',
				      "%s writes outside %s: %s", wl[i], scratch, line);
			creates++;
		}
		fclose(f);
		ck_assert_msg(creates >= 1, "%s: no file created in the scratch directory?", wl[i]);
	}
}
END_TEST

/* ---- resource checks (harness/run/prepare.c) ---------------------- */

/* The memory of everything that runs at once: a victim and an aggressor
 * (--noisy) hold twice --memory, refused when that is more than is free
 * although --memory alone fits. */
START_TEST(test_memory_check_at_once)
{
	char mem[32], outd[PATH_MAX], *s;
	static char out[8192];
	unsigned long long kb = 0;
	int rc;

	s = vb_read_file("/proc/meminfo", 1 << 16, 0, NULL);
	ck_assert_ptr_nonnull(s);
	if (!strstr(s, "MemAvailable:") ||
	    sscanf(strstr(s, "MemAvailable:"), "MemAvailable: %llu kB", &kb) != 1 || kb < (1 << 20)) {
		free(s);
		VB_SKIP("MemAvailable unknown or under 1 GiB");
	}
	free(s);
	/* 60% of what is available: fits alone, not twice. */
	snprintf(mem, sizeof(mem), "%lluM", kb * 6 / 10 / 1024);
	snprintf(outd, sizeof(outd), "%s/out", tmpdir);
	{
		char *argv[] = { vbench, "run", "--profile", "test", "--workload", "cpu.int",
				 "--memory", mem, "--noisy=cpu", "--out", outd, NULL };
		rc = vb_preparetest_run_in(NULL, NULL, argv, out, sizeof(out));
		ck_assert_msg(rc == 4, "exit %d, expected 4: %s", rc, out);
		ck_assert_msg(vb_preparetest_one_line(out) && strstr(out, "--memory") && strstr(out, "at once") &&
				      strstr(out, "aggressor"),
			      "refusal does not explain: %s", out);
		ck_assert_msg(access(outd, F_OK) < 0, "run directory left behind");
	}
}
END_TEST

Suite *vb_suite_prepare(void)
{
	Suite *s = suite_create("prepare");
	TCase *tc = tcase_create("prepare");

	tcase_add_checked_fixture(tc, vb_preparetest_setup, vb_preparetest_teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_limit_options);
	tcase_add_test(tc, test_stop_timeout_hung_agent);
	tcase_add_test(tc, test_density_stop_timeout);
	tcase_add_test(tc, test_hung_repetition);
	tcase_add_test(tc, test_block_device_scratch);
	tcase_add_test(tc, test_block_device_run);
	tcase_add_test(tc, test_agent_refuses_device);
	tcase_add_test(tc, test_io_writes_only_in_scratch);
	tcase_add_test(tc, test_memory_check_at_once);
	suite_add_tcase(s, tc);
	return s;
}
