/*
 * check_vm.c - the VM environments (vm.c, vm_boot.c, vm_disk.c, vm_log.c).
 *
 * Unit cases: both backends are registered after the container ones with
 * valid tables; the scratch disk is sized from the selected I/O workloads,
 * created sparse, formatted ext4 and removed; the console tail is bounded,
 * printable, keeps the newest text and starts where asked; QEMU's end is
 * said with the signal's name; the host TSC rate is plausible; the
 * QEMU argument builder adds the virtio-rng device when asked.
 *
 * Integration cases drive the real `vbench` binary with TCG guests (about
 * 3-4 s per boot here): a bare+hosted run that validates and shows the
 * guest's own kernel, CPU model and ext4 scratch disk; SIGINT during the
 * boot and during the run; a guest that never answers (VBENCH_TEST_GUEST_HANG,
 * ended by --boot-timeout) and one that panics (VBENCH_TEST_GUEST_PANIC),
 * both recorded with the console tail; a repetition past --timeout (failed,
 * the VM stopped, exit 1); and `--env kvm` answered
 * with the KVM verdict.  After each: no QEMU, no disk image, no socket directory, no
 * cgroup of that vbench process.
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
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/env.h"
#include "harness/env/vm_kvmprobe.h"
#include "harness/core/options.h"
#include "harness/env/vm_qemu.h"
#include "harness/core/undo.h"
#include "lib/util.h"
#include "harness/env/vm_disk.h"
#include "harness/env/vm_int.h"
#include "harness/env/vm_log.h"
#include "harness/run/sizing.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char vbench[PATH_MAX], tmpdir[PATH_MAX];
static pid_t last_pid; /* the vbench process vb_test_run started last (its PID) */

static void setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_srcdir());
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "vmtest"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ==== unit: registry, disk, console tail, TSC, argv ======================= */

START_TEST(test_registered_in_order)
{
	static const char *const order[] = { "bare", "container", "oci", "docker", "podman",
					     "gvisor", "hosted", "kvm" };
	const vb_env_ops_t *o;
	vb_error_t err;
	size_t i, j = 0;

	for (i = 0; i < vb_env_count() && j < VB_ARRAY_SIZE(order); i++)
		if (!strcmp(vb_env_at(i)->name, order[j]))
			j++;
	ck_assert_msg(j == VB_ARRAY_SIZE(order), "environments not in the order bare..kvm (%s)",
		      vb_env_names());
	o = vb_env_find("hosted");
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(vb_env_check(o, &err), 0);
	ck_assert_str_eq(o->type, "hosted VM (type-2)");
	ck_assert_str_eq(o->mechanism, "QEMU TCG binary translation (software emulation)");
	ck_assert_ptr_nonnull(o->run);
	ck_assert_ptr_nonnull(o->prepare);
	o = vb_env_find("kvm");
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(vb_env_check(o, &err), 0);
	ck_assert_str_eq(o->type, "KVM VM (hardware-assisted)");
	ck_assert(o->caps & VB_ENV_NEEDS_KVM);
}
END_TEST

static void cfg_with(vb_run_cfg_t *cfg, const char *const *args)
{
	char *argv[16];
	vb_error_t err;
	int n = 0;

	argv[n++] = "run";
	while (*args && n < 15)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	vb_run_cfg_init(cfg);
	ck_assert_msg(vb_run_cfg_parse(cfg, n, argv, vb_env_cfg_ext(), &err) == 0, "%s", err.msg);
}

START_TEST(test_disk_size)
{
	static const char *const cpu[] = { "--workload", "cpu.*", NULL };
	static const char *const io[] = { "--workload", "io.seqread,io.fsync", NULL };
	static const char *const big[] = { "--workload", "io.*", "--param",
					   "io.randread.file_bytes=3G", NULL };
	vb_run_cfg_t *cfg = malloc(sizeof(*cfg));
	uint64_t largest;

	ck_assert_ptr_nonnull(cfg);
	/* the run layer sizes the files (run/sizing.c), the VM its disk from them */
	cfg_with(cfg, cpu);
	largest = vb_sizing_largest_file(cfg);
	ck_assert_uint_eq(largest, 0);
	ck_assert_uint_eq(vb_vm_disk_size(largest), VB_VM_DISK_MIN);
	cfg_with(cfg, io);
	largest = vb_sizing_largest_file(cfg);
	ck_assert_uint_eq(largest, 64ULL << 20); /* io.seqread's default */
	ck_assert_uint_eq(vb_vm_disk_size(largest), VB_VM_DISK_MIN);
	cfg_with(cfg, big);
	largest = vb_sizing_largest_file(cfg);
	ck_assert_uint_eq(largest, 3ULL << 30);
	ck_assert_uint_eq(vb_vm_disk_size(largest), 6ULL * 1024 * 1024 * 1024 + VB_VM_DISK_SLACK);
	ck_assert_uint_eq(vb_vm_disk_size(UINT64_MAX), UINT64_MAX & ~((1ULL << 20) - 1));
	free(cfg);
}
END_TEST

/* ext4's superblock magic 0xEF53 at byte 1024 + 56. */
static int is_ext4(const char *path)
{
	unsigned char m[2] = { 0, 0 };
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, m, 2, 1024 + 56) != 2)
		m[0] = 0;
	close(fd);
	return m[0] == 0x53 && m[1] == 0xef;
}

START_TEST(test_disk_create)
{
	static const char *const none[] = { "--workload", "cpu.syscall", NULL };
	vb_run_cfg_t *cfg = malloc(sizeof(*cfg));
	vb_vm_disk_t d;
	vb_error_t err;
	struct stat st;
	char dir[PATH_MAX];
	int before = vb_undo_count();
	json_t *j;

	ck_assert_ptr_nonnull(cfg);
	cfg_with(cfg, none);
	/* In the scratch directory. */
	snprintf(cfg->scratch, sizeof(cfg->scratch), "%s", tmpdir);
	ck_assert_msg(vb_vm_disk_create(&d, cfg, "unit", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(strncmp(d.path, tmpdir, strlen(tmpdir)), 0);
	ck_assert_str_eq(d.dir, "");
	ck_assert_int_eq(stat(d.path, &st), 0);
	ck_assert_uint_eq((uint64_t)st.st_size, VB_VM_DISK_MIN);
	ck_assert_uint_lt((uint64_t)st.st_blocks * 512, VB_VM_DISK_MIN / 4); /* sparse */
	ck_assert(is_ext4(d.path));
	ck_assert_int_gt(vb_undo_count(), before);
	j = vb_vm_disk_to_json(&d);
	ck_assert_str_eq(json_string_value(json_object_get(j, "fs")), "ext4");
	json_decref(j);
	vb_vm_disk_destroy(&d);
	vb_vm_disk_destroy(&d); /* safe twice */
	ck_assert_int_lt(stat(d.path, &st), 0);
	ck_assert_int_eq(vb_undo_count(), before);
	/* No scratch directory: a private one under /var/tmp, removed with it. */
	cfg->scratch[0] = '\0';
	ck_assert_msg(vb_vm_disk_create(&d, cfg, "unit", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(strncmp(d.dir, "/var/tmp/vbench-vmdisk-", 23), 0);
	snprintf(dir, sizeof(dir), "%s", d.dir);
	ck_assert(is_ext4(d.path));
	vb_vm_disk_destroy(&d);
	ck_assert_int_lt(stat(dir, &st), 0);
	ck_assert_int_eq(vb_undo_count(), before);
	/* A directory that cannot hold it: an error naming it, nothing left. */
	snprintf(cfg->scratch, sizeof(cfg->scratch), "%s/missing", tmpdir);
	ck_assert_int_lt(vb_vm_disk_create(&d, cfg, "unit", &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "missing"));
	ck_assert_int_eq(vb_undo_count(), before);
	free(cfg);
}
END_TEST

START_TEST(test_log_tail)
{
	char path[PATH_MAX], out[256], big[40000];
	static const char text[] = "first\r\n\n  second\tline\r\nbad \x01\x1b[31m\xff bytes\nlast";
	size_t i;

	snprintf(path, sizeof(path), "%s/console.log", tmpdir);
	vb_vm_log_tail(path, 0, 20, out, sizeof(out));
	ck_assert_str_eq(out, ""); /* missing file */
	ck_assert_int_eq(vb_write_file(path, text, sizeof(text) - 1, NULL), 0);
	vb_vm_log_tail(path, 0, 20, out, sizeof(out));
	ck_assert_str_eq(out, "first | second line | bad ??[31m? bytes | last");
	vb_vm_log_tail(path, 0, 2, out, sizeof(out));
	ck_assert_str_eq(out, "bad ??[31m? bytes | last");
	vb_vm_log_tail(path, 0, 20, out, 12); /* too little room: the newest text, marked */
	ck_assert_str_eq(out, "...s | last");
	vb_vm_log_tail(path, 23, 20, out, sizeof(out)); /* what came after byte 23 */
	ck_assert_str_eq(out, "bad ??[31m? bytes | last");
	vb_vm_log_tail(path, sizeof(text) - 1, 20, out, sizeof(out)); /* nothing after the end */
	ck_assert_str_eq(out, "");
	/* A big file: only its end is read; lines are bounded by @len. */
	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = (i % 100 == 99) ? '\n' : (char)('a' + i % 26);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(vb_write_file(path, big, strlen(big), NULL), 0);
	vb_vm_log_tail(path, 0, 20, out, sizeof(out));
	ck_assert_uint_le(strlen(out), sizeof(out) - 1);
	ck_assert_int_eq(strncmp(out, "...", 3), 0);
	ck_assert_int_eq(vb_vm_log_find(path, "zzz-not-there", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	{
		static const char panic[] =
			"[ 1.0] Kernel panic - not syncing: VFS: no root\r\n[ 1.1] x\n";
		ck_assert_int_eq(vb_write_file(path, panic, sizeof(panic) - 1, NULL), 0);
	}
	ck_assert_int_eq(vb_vm_log_find(path, "Kernel panic - not syncing:", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "VFS: no root");
	/* how QEMU ended, the signal named */
	ck_assert_str_eq(vb_vm_log_exit_text(SIGKILL, out, sizeof(out)),
			 "QEMU was killed by signal 9 (SIGKILL)");
	ck_assert_str_eq(vb_vm_log_exit_text(1 << 8, out, sizeof(out)), "QEMU exited with status 1");
}
END_TEST

START_TEST(test_host_tsc)
{
	uint64_t khz = vb_vm_host_tsc_khz();
	char line[256];
	double mhz = 0;
	FILE *f;

	if (!khz)
		VB_SKIP("no invariant TSC here");
	f = fopen("/proc/cpuinfo", "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	fclose(f);
	ck_assert_uint_gt(khz, 100000); /* > 100 MHz */
	if (mhz > 0) /* within 2% of the kernel's figure */
		ck_assert_msg(khz > mhz * 980 && khz < mhz * 1020, "%llu kHz vs %.3f MHz",
			      (unsigned long long)khz, mhz);
}
END_TEST

START_TEST(test_qemu_rng)
{
	vb_qemu_cfg_t c = { .vcpus = 1, .memory = 256ULL << 20, .kernel = "/k" };
	vb_argv_t a;
	vb_error_t err;
	json_t *d;
	int i;

	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	ck_assert_int_lt(vb_argv_find(&a, "virtio-rng-device,rng=rng0"), 0);
	vb_argv_free(&a);
	c.rng = 1;
	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	i = vb_argv_find(&a, "-object");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(a.v[i + 1], "rng-random,id=rng0,filename=/dev/urandom");
	ck_assert_int_ge(vb_argv_find(&a, "virtio-rng-device,rng=rng0"), 0);
	vb_argv_free(&a);
	c.machine = "q35";
	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	ck_assert_int_ge(vb_argv_find(&a, "virtio-rng-pci,rng=rng0"), 0);
	vb_argv_free(&a);
	d = vb_qemu_describe(&c);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(d, "devices"), 0), "role")),
			 "entropy");
	json_decref(d);
}
END_TEST

/* ==== integration ========================================================= */

static int have_qemu(void)
{
	return access("/usr/bin/qemu-system-x86_64", X_OK) == 0 && geteuid() == 0;
}


static json_t *env_rec(json_t *doc, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(doc, "environments"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "name")), name))
			return e;
	ck_abort_msg("environment %s not in run.json", name);
	return NULL;
}

/* Nothing of vbench @pid is left (vb_test_debris: a QEMU it started, the
 * socket, disk and scratch directories, cgroups...), and the disk image
 * named in @doc is gone; a failure names the console log. */
static void assert_no_debris(pid_t pid, json_t *doc)
{
	char log[PATH_MAX + 16] = "";
	const char *img, *console;
	json_t *e, *cfg;
	size_t i;

	json_array_foreach(doc ? json_object_get(doc, "environments") : NULL, i, e) {
		cfg = json_object_get(e, "config");
		console = json_string_value(json_object_get(cfg, "console_log"));
		if (console && !log[0])
			snprintf(log, sizeof(log), "console log %s", console);
		img = json_string_value(
			json_object_get(json_object_get(cfg, "scratch_disk"), "image"));
		ck_assert_msg(!img || access(img, F_OK) < 0, "disk image %s left behind", img);
	}
	VB_ASSERT_NO_DEBRIS(pid, log[0] ? log : NULL);
}

START_TEST(test_hosted_run)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "bare,hosted", "--workload",
			 "cpu.syscall,mem.stream,io.randread", "--profile", "test", "--out", dir, NULL };
	const char *rel, *src, *brand, *host_brand, *console;
	json_t *doc, *h, *facts, *r, *cfg;
	struct utsname u;
	size_t i, hosted_ok = 0, io = 0;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	rc = vb_test_run(argv, NULL, out, sizeof(out), &last_pid);
	ck_assert_msg(rc == 0, "vbench run exited %d:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	h = env_rec(doc, "hosted");
	ck_assert(json_is_true(json_object_get(h, "available")));
	ck_assert_str_eq(json_string_value(json_object_get(h, "mechanism")),
			 "QEMU TCG binary translation (software emulation)");
	ck_assert_int_gt(json_integer_value(json_object_get(h, "start_latency_ns")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(h, "stop_latency_ns")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(h, "memory_idle"),
							    "pss_bytes")),
			 0);
	/* The guest's own kernel and CPU, not the host's. */
	cfg = json_object_get(h, "config");
	facts = json_object_get(json_object_get(h, "agent"), "facts");
	rel = json_string_value(json_object_get(json_object_get(facts, "kernel"), "release"));
	ck_assert_ptr_nonnull(rel);
	ck_assert_str_eq(rel, json_string_value(json_object_get(
				      json_object_get(cfg, "guest_image"), "release")));
	src = json_string_value(json_object_get(json_object_get(cfg, "guest_image"),
						"kernel_source"));
	ck_assert_int_eq(uname(&u), 0);
	if (src && strcmp(src, "host"))
		ck_assert_msg(strcmp(rel, u.release), "guest kernel %s is the host's", rel);
	if (src && !strcmp(src, "debian-package"))
		ck_assert_msg(!strncmp(rel, "6.1.", 4), "Debian 12's kernel is 6.1.x, got %s", rel);
	brand = json_string_value(json_object_get(json_object_get(facts, "cpu"), "brand"));
	host_brand = json_string_value(
		json_object_get(json_object_get(json_object_get(doc, "host"), "cpu"), "brand"));
	ck_assert_msg(brand && *brand, "no guest CPU model");
	if (host_brand)
		ck_assert_msg(strcmp(brand, host_brand), "guest CPU model is the host's: %s", brand);
	ck_assert_ptr_nonnull(json_object_get(facts, "clocksource"));
	/* The guest kept its clocksource to the end (tsc=reliable under TCG). */
	ck_assert_msg(json_equal(json_object_get(facts, "clocksource"),
				 json_object_get(h, "clocksource_at_stop")),
		      "guest clocksource changed: %s -> %s",
		      json_string_value(json_object_get(facts, "clocksource")),
		      json_string_value(json_object_get(h, "clocksource_at_stop")));
	if (json_integer_value(json_object_get(cfg, "tsc_khz")) > 0) {
		const char *cmd = json_string_value(json_object_get(cfg, "command"));
		ck_assert_ptr_nonnull(strstr(cmd, "tsc_early_khz="));
		ck_assert_ptr_nonnull(strstr(cmd, "tsc=reliable"));
	}
	ck_assert_str_eq(json_string_value(json_object_get(cfg, "accel")), "tcg");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(cfg, "memory"),
					      "qemu_allowance_bytes"));
	console = json_string_value(json_object_get(cfg, "console_log"));
	ck_assert_msg(console && !strncmp(console, dir, strlen(dir)) && access(console, R_OK) == 0,
		      "console log %s not kept with the results", console ? console : "(none)");
	/* Every hosted repetition ran; I/O on the virtio disk's ext4. */
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		ck_assert_ptr_nonnull(json_object_get(r, "clock_check"));
		ck_assert(json_is_false(json_object_get(json_object_get(r, "clock_check"),
							"guest_clock_suspect")));
		if (strcmp(json_string_value(json_object_get(r, "env")), "hosted"))
			continue;
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "hosted repetition failed: %s",
			      json_string_value(json_object_get(r, "error")));
		hosted_ok++;
		if (!strcmp(json_string_value(json_object_get(r, "workload")), "io.randread")) {
			ck_assert_str_eq(json_string_value(json_object_get(
						 json_object_get(json_object_get(r, "result"), "detail"),
						 "fs")),
					 "ext4");
			io++;
		}
	}
	ck_assert_uint_eq(hosted_ok, 6);
	ck_assert_uint_eq(io, 2);
	assert_no_debris(last_pid, doc);
	json_decref(doc);
}
END_TEST

/* Wait (up to @ms) until @path exists. */
static int wait_for_file(const char *path, int ms)
{
	for (int i = 0; i < ms / 20; i++) {
		if (access(path, F_OK) == 0)
			return 1;
		usleep(20000);
	}
	return 0;
}

static size_t reps_of(const char *dir, const char *env)
{
	char path[PATH_MAX];
	json_t *d, *r;
	size_t i, n = 0;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	d = json_load_file(path, 0, NULL);
	json_array_foreach(d ? json_object_get(d, "repetitions") : NULL, i, r)
		n += !strcmp(json_string_value(json_object_get(r, "env")), env);
	json_decref(d);
	return n;
}

START_TEST(test_hosted_sigint_boot)
{
	char dir[PATH_MAX], console[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "hosted", "--workload", "cpu.syscall", "--profile",
			 "test", "--quiet", "--out", dir, NULL };
	json_t *doc;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/boot", tmpdir);
	snprintf(console, sizeof(console), "%s/console-hosted.log", dir);
	pid = vb_test_spawn(argv, NULL);
	ck_assert_msg(wait_for_file(console, 60000), "QEMU never started");
	usleep(500000); /* mid-boot */
	ck_assert(vb_test_qemu_of(pid));
	kill(pid, SIGINT);
	ck_assert_int_eq(vb_test_reap(pid), 130);
	doc = vb_test_load_run(dir, 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "interrupted");
	assert_no_debris(pid, doc);
	json_decref(doc);
}
END_TEST

START_TEST(test_hosted_sigint_run)
{
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "bare,hosted", "--workload", "cpu.syscall",
			 "--profile", "test", "--reps", "50", "--quiet", "--out", dir, NULL };
	json_t *doc;
	size_t n;
	pid_t pid;
	int i;

	snprintf(dir, sizeof(dir), "%s/sigint", tmpdir);
	pid = vb_test_spawn(argv, NULL);
	/* Up to 3 minutes: on a shared 2-CPU host under load, the TCG boot
	 * alone has taken more than the one minute this waited before. */
	for (i = 0; i < 3600 && reps_of(dir, "hosted") < 3; i++)
		usleep(50000);
	ck_assert_uint_ge(reps_of(dir, "hosted"), 3);
	kill(pid, SIGINT);
	ck_assert_int_eq(vb_test_reap(pid), 130);
	doc = vb_test_load_run(dir, 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "interrupted");
	n = json_array_size(json_object_get(doc, "repetitions"));
	ck_assert_uint_ge(n, 3);
	ck_assert_uint_lt(n, 100);
	json_decref(vb_test_load_run(dir, 1));
	assert_no_debris(pid, doc);
	json_decref(doc);
}
END_TEST

/* A guest that never answers: ended by --boot-timeout, the reason with the
 * console tail recorded, bare still measured (exit 0). */
START_TEST(test_hosted_hang)
{
	static char out[1 << 15];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "bare,hosted", "--workload", "cpu.syscall",
			 "--profile", "test", "--boot-timeout", "8", "--out", dir, NULL };
	const char *reason;
	uint64_t t0 = vb_now_ns();
	double took;
	json_t *doc, *h;
	int rc;

	snprintf(dir, sizeof(dir), "%s/hang", tmpdir);
	rc = vb_test_run(argv, "VBENCH_TEST_GUEST_HANG=1", out, sizeof(out), &last_pid);
	took = (double)(vb_now_ns() - t0) / 1e9;
	ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out);
	ck_assert_msg(took < 8 + 25, "took %.1f s with an 8 s boot timeout", took);
	doc = vb_test_load_run(dir, 1);
	h = env_rec(doc, "hosted");
	ck_assert(json_is_false(json_object_get(h, "available")));
	reason = json_string_value(json_object_get(h, "reason"));
	ck_assert_ptr_nonnull(reason);
	ck_assert_msg(strstr(reason, "within 8 s"), "%s", reason);
	ck_assert_msg(strstr(reason, "console tail: ") && strstr(reason, "vbench.hang=1"), "%s",
		      reason);
	ck_assert_ptr_null(strchr(reason, '\n'));
	ck_assert(json_is_true(json_object_get(env_rec(doc, "bare"), "available")));
	ck_assert_uint_eq(reps_of(dir, "bare"), 2);
	assert_no_debris(last_pid, doc);
	json_decref(doc);
}
END_TEST

/* A guest kernel that panics: unavailable at once, the panic line recorded. */
START_TEST(test_hosted_panic)
{
	static char out[1 << 15];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "hosted", "--workload", "cpu.syscall", "--profile",
			 "test", "--out", dir, NULL };
	const char *reason;
	json_t *doc;
	int rc;

	snprintf(dir, sizeof(dir), "%s/panic", tmpdir);
	rc = vb_test_run(argv, "VBENCH_TEST_GUEST_PANIC=1", out, sizeof(out), &last_pid);
	ck_assert_msg(rc == 3, "exit %d, expected 3 (nothing could run):\n%s", rc, out);
	doc = vb_test_load_run(dir, 0);
	reason = json_string_value(json_object_get(env_rec(doc, "hosted"), "reason"));
	ck_assert_ptr_nonnull(reason);
	ck_assert_msg(strstr(reason, "guest kernel panic: "), "%s", reason);
	ck_assert_msg(strstr(reason, "console tail: "), "%s", reason);
	assert_no_debris(last_pid, doc);
	json_decref(doc);
}
END_TEST

/* A repetition the guest does not answer in time (--timeout): recorded as
 * failed (a console tail only when the guest said more than its boot), the
 * VM stopped (killed after
 * --stop-timeout, recorded), the run goes on (exit 1). */
START_TEST(test_hosted_rep_timeout)
{
	static char out[1 << 15];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "bare,hosted", "--workload", "mem.stream",
			 "--param", "mem.stream.passes=200", "--timeout", "1", "--profile", "test",
			 "--stop-timeout", "2", "--out", dir, NULL };
	const char *e;
	json_t *doc, *r;
	size_t i, failed = 0;
	int rc;

	snprintf(dir, sizeof(dir), "%s/reptimeout", tmpdir);
	rc = vb_test_run(argv, NULL, out, sizeof(out), &last_pid);
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "env")), "hosted")) {
			ck_assert(json_is_true(json_object_get(r, "ok")));
			continue;
		}
		ck_assert(json_is_false(json_object_get(r, "ok")));
		e = json_string_value(json_object_get(r, "error"));
		ck_assert_msg(strstr(e, "within 1 s"), "%s", e);
		failed++;
	}
	ck_assert_uint_eq(failed, 1); /* no further repetitions in a VM that hung */
	ck_assert_ptr_nonnull(json_object_get(env_rec(doc, "hosted"), "failed"));
	/* The busy guest did not read "quit": killed after --stop-timeout. */
	ck_assert(json_is_true(json_object_get(env_rec(doc, "hosted"), "stop_timed_out")));
	assert_no_debris(last_pid, doc);
	json_decref(doc);
}
END_TEST

/* `--env kvm`: a definite verdict, fast; here (software KVM) exit 3 with the
 * measured ratio as the reason. */
START_TEST(test_kvm_verdict)
{
	static char out[1 << 14];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "kvm", "--workload", "cpu.syscall", "--profile",
			 "test", "--out", dir, NULL };
	vb_kvm_verdict_t v;
	vb_error_t err;
	uint64_t t0;
	json_t *doc;
	int rc;

	if (!have_qemu())
		VB_SKIP("qemu-system-x86_64 missing or not root");
	ck_assert_int_eq(vb_kvm_probe(VB_KVM_MAX_RATIO, VB_KVM_TIMEOUT_MS, &v, &err), 0);
	if (v.accelerated)
		VB_SKIP("KVM accelerates here: %s", v.reason);
	snprintf(dir, sizeof(dir), "%s/kvm", tmpdir);
	t0 = vb_now_ns();
	rc = vb_test_run(argv, NULL, out, sizeof(out), &last_pid);
	ck_assert_msg(vb_now_ns() - t0 < 10000000000ull, "the kvm verdict took over 10 s");
	ck_assert_msg(rc == 3, "exit %d, expected 3:\n%s", rc, out);
	ck_assert_msg(strstr(out, access("/dev/kvm", F_OK) == 0 ? "kvm unavailable: KVM is"
								 : "kvm unavailable: no /dev/kvm"),
		      "%s", out);
	doc = vb_test_load_run(dir, 0);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(env_rec(doc, "kvm"), "reason")),
				     "KVM"));
	/* the probe's findings as data (explain reads the modules, not the reason) */
	if (access("/dev/kvm", F_OK) == 0)
		ck_assert_str_eq(json_string_value(json_object_get(
					 json_object_get(env_rec(doc, "kvm"), "probe"), "modules")),
				 v.module);
	assert_no_debris(last_pid, doc);
	json_decref(doc);
}
END_TEST

START_TEST(test_vm_guard)
{
	if (!have_qemu())
		VB_SKIP("qemu-system-x86_64 missing or not root: VM integration cases skipped");
}
END_TEST

Suite *vb_suite_vm(void)
{
	Suite *s = suite_create("vm");
	TCase *unit = tcase_create("vm-unit"), *itest = tcase_create("vm-environment");

	tcase_add_checked_fixture(unit, setup, teardown);
	tcase_set_timeout(unit, 60);
	tcase_add_test(unit, test_registered_in_order);
	tcase_add_test(unit, test_disk_size);
	tcase_add_test(unit, test_disk_create);
	tcase_add_test(unit, test_log_tail);
	tcase_add_test(unit, test_host_tsc);
	tcase_add_test(unit, test_qemu_rng);
	suite_add_tcase(s, unit);
	tcase_add_checked_fixture(itest, setup, teardown);
	tcase_set_timeout(itest, 600);
	tcase_add_test(itest, test_vm_guard);
	if (have_qemu()) {
		tcase_add_test(itest, test_hosted_run);
		tcase_add_test(itest, test_hosted_sigint_boot);
		tcase_add_test(itest, test_hosted_sigint_run);
		tcase_add_test(itest, test_hosted_hang);
		tcase_add_test(itest, test_hosted_panic);
		tcase_add_test(itest, test_hosted_rep_timeout);
	}
	tcase_add_test(itest, test_kvm_verdict);
	suite_add_tcase(s, itest);
	return s;
}
