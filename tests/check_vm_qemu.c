/*
 * check_vm_qemu.c - the QEMU argument builder (harness/env/vm_qemu.c).
 * (The KVM acceleration probe: check_vm_kvmprobe.c.)
 *
 * The QEMU builder is checked field by field for tcg/microvm and kvm/q35,
 * bad input must name the field, and the generated vectors are run against
 * the installed QEMU: with a missing kernel the only complaint must be the
 * kernel, and with a stub bzImage (real-mode code that prints "VBOK" on the
 * serial port and halts) the guest must run, which proves QEMU accepted
 * every option and realized every device.  Skipped without QEMU.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/vm_qemu.h"
#include "lib/util.h"
#include "tests/tests.h"

/* ---- the QEMU argument vector -------------------------------------------------- */

/* The argument after the first @opt (which must exist). */
static const char *after(const vb_argv_t *a, const char *opt)
{
	int i = vb_argv_find(a, opt);
	ck_assert_msg(i >= 0 && (size_t)i + 1 < a->n, "%s missing", opt);
	return a->v[i + 1];
}

/* Does some "-device" argument equal @dev? */
static int has_device(const vb_argv_t *a, const char *dev)
{
	for (size_t i = 0; i + 1 < a->n; i++)
		if (strcmp(a->v[i], "-device") == 0 && strcmp(a->v[i + 1], dev) == 0)
			return 1;
	return 0;
}

static vb_qemu_cfg_t base_cfg(void)
{
	vb_qemu_cfg_t c;
	memset(&c, 0, sizeof(c));
	c.vcpus = 2;
	c.memory = 512ULL << 20;
	c.kernel = "/cache/vmlinux";
	c.initrd = "/cache/initrd.cpio";
	c.disk = "/scratch/disk.img";
	c.chan_path = "/run/vb/chan.sock";
	c.console_log = "/results/console.log";
	return c;
}

static void assert_common(const vb_argv_t *a)
{
	const char *append = after(a, "-append");
	ck_assert_ptr_null(a->v[a->n]);
	for (const char *const *f = (const char *const[]){"-nodefaults", "-no-user-config",
							  "-nographic", "-no-reboot", NULL};
	     *f; f++)
		ck_assert_msg(vb_argv_find(a, *f) >= 0, "%s missing", *f);
	ck_assert_str_eq(after(a, "-display"), "none");
	ck_assert_str_eq(after(a, "-smp"), "2");
	ck_assert_str_eq(after(a, "-m"), "512M");
	ck_assert_str_eq(after(a, "-kernel"), "/cache/vmlinux");
	ck_assert_str_eq(after(a, "-initrd"), "/cache/initrd.cpio");
	ck_assert_ptr_nonnull(strstr(append, "console=ttyS0 panic=-1 quiet"));
	ck_assert_ptr_nonnull(strstr(append, "vbench.port=vbench"));
	ck_assert_ptr_nonnull(strstr(append, "vbench.scratch=/dev/vda"));
	ck_assert_ptr_nonnull(strstr(after(a, "-drive"), "file=/scratch/disk.img,"));
	ck_assert_ptr_nonnull(strstr(after(a, "-drive"), "format=raw,cache=none"));
	ck_assert(has_device(a, "virtserialport,chardev=vbchan,name=vbench"));
	ck_assert_str_eq(after(a, "-chardev"), "socket,id=vbchan,path=/run/vb/chan.sock");
	ck_assert_str_eq(after(a, "-serial"), "chardev:con");
	ck_assert_int_lt(vb_argv_find(a, "-netdev"), 0);
	ck_assert_str_eq(after(a, "-net"), "none");
}

START_TEST(test_qemu_tcg_microvm)
{
	vb_qemu_cfg_t c = base_cfg();
	vb_argv_t a;
	vb_error_t err;
	json_t *d;

	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	assert_common(&a);
	ck_assert_str_eq(a.v[0], VB_QEMU_DEFAULT_BINARY);
	ck_assert_str_eq(after(&a, "-accel"), "tcg,thread=multi");
	ck_assert_str_eq(after(&a, "-M"), "microvm,x-option-roms=off,isa-serial=on,rtc=on");
	ck_assert_str_eq(after(&a, "-cpu"), "qemu64");
	ck_assert_ptr_nonnull(strstr(after(&a, "-drive"), "cache=none,aio=native"));
	ck_assert(has_device(&a, "virtio-blk-device,drive=scratch"));
	ck_assert(has_device(&a, "virtio-serial-device"));
	ck_assert(!has_device(&a, "virtio-serial-pci"));
	d = vb_qemu_describe(&c);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(json_string_value(json_object_get(d, "mechanism")),
			 "TCG binary translation (software emulation)");
	ck_assert_int_eq(json_array_size(json_object_get(d, "devices")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(d, "network")), "none");
	json_decref(d);
	vb_argv_free(&a);
	vb_argv_free(&a); /* safe twice */
}
END_TEST

START_TEST(test_qemu_kvm_q35)
{
	vb_qemu_cfg_t c = base_cfg();
	vb_argv_t a;
	vb_error_t err;
	json_t *d;

	c.accel = "kvm";
	c.machine = "q35";
	c.aio = "io_uring";
	c.binary = "/opt/qemu/bin/qemu-system-x86_64";
	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	assert_common(&a);
	ck_assert_str_eq(a.v[0], "/opt/qemu/bin/qemu-system-x86_64");
	ck_assert_str_eq(after(&a, "-accel"), "kvm");
	ck_assert_str_eq(after(&a, "-M"), "q35");
	ck_assert_str_eq(after(&a, "-cpu"), "host");
	ck_assert_ptr_nonnull(strstr(after(&a, "-drive"), "cache=none,aio=io_uring"));
	ck_assert(has_device(&a, "virtio-blk-pci,drive=scratch"));
	ck_assert(has_device(&a, "virtio-serial-pci"));
	ck_assert(!has_device(&a, "virtio-blk-device,drive=scratch"));
	d = vb_qemu_describe(&c);
	ck_assert_str_eq(json_string_value(json_object_get(d, "mechanism")),
			 "KVM hardware-assisted");
	json_decref(d);
	vb_argv_free(&a);
}
END_TEST

START_TEST(test_qemu_options)
{
	vb_qemu_cfg_t c = base_cfg();
	vb_argv_t a;
	vb_error_t err;
	char *line;
	json_t *d;

	/* network only when asked */
	c.net = 1;
	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	ck_assert_int_lt(vb_argv_find(&a, "-net"), 0);
	ck_assert_str_eq(after(&a, "-netdev"), "user,id=net0");
	ck_assert(has_device(&a, "virtio-net-device,netdev=net0"));
	vb_argv_free(&a);
	/* a tap: the inherited descriptor, the guest's address on the command
	 * line, vhost-net only when asked */
	c = base_cfg();
	c.net = 1;
	c.tap_fd = 7;
	c.guest_net = "198.18.0.2/30";
	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	ck_assert_str_eq(after(&a, "-netdev"), "tap,id=net0,fd=7,vhost=off");
	ck_assert(has_device(&a, "virtio-net-device,netdev=net0"));
	ck_assert_ptr_nonnull(strstr(after(&a, "-append"), " vbench.net=198.18.0.2/30"));
	vb_argv_free(&a);
	c.vhost = 1;
	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	ck_assert_str_eq(after(&a, "-netdev"), "tap,id=net0,fd=7,vhost=on");
	vb_argv_free(&a);
	d = vb_qemu_describe(&c);
	ck_assert_str_eq(json_string_value(json_object_get(d, "network")),
			 "a tap device on virtio-net, vhost-net");
	json_decref(d);
	/* commas in paths are doubled for QEMU's key=value parser */
	c = base_cfg();
	c.disk = "/tmp/a,b.img";
	c.append = "init=/init vbench.x=1";
	c.tsc_khz = 2596098;
	c.initrd = NULL;
	c.chan_path = NULL;
	c.console_log = NULL;
	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	ck_assert_str_eq(after(&a, "-drive"),
			 "file=/tmp/a,,b.img,if=none,id=scratch,format=raw,cache=none,aio=native");
	ck_assert_str_eq(
	    after(&a, "-append"),
	    "console=ttyS0 panic=-1 quiet tsc_early_khz=2596098 vbench.scratch=/dev/vda "
	    "init=/init vbench.x=1");
	ck_assert_int_lt(vb_argv_find(&a, "-initrd"), 0);
	ck_assert_int_lt(vb_argv_find(&a, "-chardev"), 0);
	ck_assert_str_eq(after(&a, "-serial"), "null");
	line = vb_argv_format(&a);
	ck_assert_ptr_nonnull(strstr(line, " -append 'console=ttyS0 panic=-1 quiet "));
	ck_assert_ptr_nonnull(strstr(line, " -m 512M "));
	free(line);
	vb_argv_free(&a);
}
END_TEST

static void assert_usage(const vb_qemu_cfg_t *c, const char *field)
{
	vb_argv_t a;
	vb_error_t err;
	ck_assert_int_eq(vb_qemu_argv(c, &a, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_msg(strstr(err.msg, field) != NULL, "'%s' not named in: %s", field, err.msg);
	ck_assert_uint_eq(a.n, 0);
	vb_argv_free(&a);
	ck_assert_ptr_null(vb_qemu_describe(c));
}

START_TEST(test_qemu_bad_input)
{
	vb_qemu_cfg_t c;
	static char longpath[200];

	c = base_cfg(), c.vcpus = 0, assert_usage(&c, "vcpus");
	c = base_cfg(), c.vcpus = 100000, assert_usage(&c, "vcpus");
	c = base_cfg(), c.memory = 0, assert_usage(&c, "memory");
	c = base_cfg(), c.memory = (512ULL << 20) + 1, assert_usage(&c, "memory");
	c = base_cfg(), c.kernel = NULL, assert_usage(&c, "kernel");
	c = base_cfg(), c.kernel = "", assert_usage(&c, "kernel");
	c = base_cfg(), c.accel = "xen", assert_usage(&c, "accel");
	c = base_cfg(), c.machine = "virt", assert_usage(&c, "machine");
	c = base_cfg(), c.aio = "posix", assert_usage(&c, "aio");
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	c = base_cfg(), c.chan_path = longpath, assert_usage(&c, "chan_path");
	assert_usage(NULL, "configuration");
}
END_TEST

/* ---- against the installed QEMU ---------------------------------------------- */

typedef struct qemu_fixture {
	char dir[64];	   /* private temporary directory */
	char disk[128];	   /* 1 MiB raw image */
	char sock[128];	   /* listening unix socket (the agent channel) */
	char console[128]; /* console log */
	char stub[128];	   /* stub bzImage */
	int lfd;	   /* listening socket */
} qemu_fixture_t;

/* A bzImage whose real-mode entry writes "VBOK\n" to COM1 and halts. */
static void write_stub(const char *path)
{
	unsigned char b[8192];
	static const char msg[] = "VBOK\n";
	size_t o = 0x280;
	vb_error_t err;

	memset(b, 0, sizeof(b));
	b[0x1f1] = 4; /* setup sectors */
	b[0x1fe] = 0x55, b[0x1ff] = 0xaa;
	b[0x200] = 0xeb, b[0x201] = 0x7e; /* jmp 0x280 */
	memcpy(b + 0x202, "HdrS", 4);
	b[0x206] = 0x0c, b[0x207] = 0x02;				    /* boot protocol 2.12 */
	b[0x211] = 1;							    /* LOADED_HIGH */
	b[0x22c] = 0xff, b[0x22d] = 0xff, b[0x22e] = 0xff, b[0x22f] = 0x37; /* initrd_addr_max */
	b[0x238] = 0xff, b[0x239] = 0x07;				    /* cmdline_size */
	b[o++] = 0xfa;							    /* cli */
	b[o++] = 0xba, b[o++] = 0xf8, b[o++] = 0x03;			    /* mov dx, 0x3f8 */
	for (const char *p = msg; *p; p++)
		b[o++] = 0xb0, b[o++] = (unsigned char)*p,
		b[o++] = 0xee;			     /* mov al, c; out dx, al */
	b[o++] = 0xf4, b[o++] = 0xeb, b[o++] = 0xfd; /* 1: hlt; jmp 1b */
	ck_assert_int_eq(vb_write_file(path, (const char *)b, sizeof(b), &err), 0);
}

static int fixture_setup(qemu_fixture_t *f)
{
	struct sockaddr_un sa;
	int fd;

	f->dir[0] = '\0';
	f->lfd = -1;
	if (access(VB_QEMU_DEFAULT_BINARY, X_OK) != 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/vbench-check-kvm-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->disk, sizeof(f->disk), "%s/disk.img", f->dir);
	snprintf(f->sock, sizeof(f->sock), "%s/chan.sock", f->dir);
	snprintf(f->console, sizeof(f->console), "%s/console.log", f->dir);
	snprintf(f->stub, sizeof(f->stub), "%s/stub.bzImage", f->dir);
	fd = open(f->disk, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1 << 20), 0);
	close(fd);
	write_stub(f->stub);
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(f->lfd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->sock);
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(f->lfd, 4), 0);
	return 0;
}

static qemu_fixture_t fx; /* the running test's fixture */

/* Checked teardown: also runs when an assertion ended the test early. */
static void fixture_teardown(void)
{
	if (!fx.dir[0])
		return;
	if (fx.lfd >= 0)
		close(fx.lfd);
	vb_rm_rf(fx.dir);
	fx.dir[0] = '\0';
}

static vb_qemu_cfg_t fixture_cfg(const qemu_fixture_t *f, const char *machine, const char *kernel)
{
	vb_qemu_cfg_t c;
	memset(&c, 0, sizeof(c));
	c.machine = machine;
	c.vcpus = 1;
	c.memory = 64ULL << 20;
	c.kernel = kernel;
	c.initrd = f->stub; /* any small file will do */
	c.disk = f->disk;
	c.chan_path = f->sock;
	c.console_log = f->console;
	return c;
}

/*
 * Run @a (execv, no shell) with stdout+stderr captured into @out.  Stop when
 * it exits, when @console contains "VBOK" (killed then), or after 10 s.
 * Returns the wait status, or -1 when the marker was seen.
 */
static int run_qemu(const vb_argv_t *a, const char *console, char *out, size_t len)
{
	int p[2], st = 0, seen = 0;
	size_t used = 0;
	uint64_t deadline = vb_now_ns() + 10000000000ULL;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(a->v[0], a->v);
		_exit(127);
	}
	close(p[1]);
	out[0] = '\0';
	for (;;) {
		struct pollfd pfd = {.fd = p[0], .events = POLLIN, .revents = 0};
		vb_error_t err;
		char *log;
		ssize_t r = 0;

		if (poll(&pfd, 1, 50) > 0) {
			r = read(p[0], out + used, len - 1 - used);
			if (r > 0) {
				used += (size_t)r;
				out[used] = '\0';
			}
		}
		if (pfd.revents && r == 0)
			break; /* EOF: QEMU exited */
		log = vb_read_file(console, 1 << 20, 0, &err);
		seen = log && strstr(log, "VBOK");
		free(log);
		if (seen || vb_now_ns() > deadline || used + 1 >= len)
			break;
	}
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	close(p[0]);
	return seen ? -1 : st;
}

START_TEST(test_qemu_real_bogus_kernel)
{
	qemu_fixture_t *f = &fx;
	vb_qemu_cfg_t c;
	vb_argv_t a;
	vb_error_t err;
	char out[4096];
	int st;

	if (fixture_setup(f) < 0)
		VB_SKIP("%s is not installed", VB_QEMU_DEFAULT_BINARY);
	c = fixture_cfg(f, "microvm", "/nonexistent/vbench-test-kernel");
	ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
	st = run_qemu(&a, f->console, out, sizeof(out));
	fprintf(stderr, "qemu with a missing kernel said: %s", out);
	ck_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0);
	ck_assert_ptr_nonnull(strstr(out, "kernel"));
	ck_assert_ptr_nonnull(strstr(out, "/nonexistent/vbench-test-kernel"));
	ck_assert_ptr_null(strstr(out, "nvalid"));
	vb_argv_free(&a);
}
END_TEST

START_TEST(test_qemu_real_stub_boot)
{
	static const char *const machines[] = {"microvm", "q35"};
	qemu_fixture_t *f = &fx;

	if (fixture_setup(f) < 0)
		VB_SKIP("%s is not installed", VB_QEMU_DEFAULT_BINARY);
	for (size_t i = 0; i < VB_ARRAY_SIZE(machines); i++) {
		vb_qemu_cfg_t c = fixture_cfg(f, machines[i], f->stub);
		vb_argv_t a;
		vb_error_t err;
		char out[4096];
		uint64_t t0 = vb_now_ns();
		int st, cfd;

		unlink(f->console);
		ck_assert_int_eq(vb_qemu_argv(&c, &a, &err), 0);
		st = run_qemu(&a, f->console, out, sizeof(out));
		ck_assert_msg(st == -1, "%s: the stub guest did not run (status %d): %s",
			      machines[i], st, out);
		fprintf(stderr, "qemu %s ran the stub guest in %llu ms\n", machines[i],
			(unsigned long long)((vb_now_ns() - t0) / 1000000));
		/* QEMU connected to the channel socket before it started the guest */
		cfd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		ck_assert_int_ge(cfd, 0);
		close(cfd);
		vb_argv_free(&a);
	}
}
END_TEST

Suite *vb_suite_vm_qemu(void)
{
	Suite *s = suite_create("vm_qemu");
	TCase *argv = tcase_create("qemu-argv"), *real = tcase_create("qemu-real");

	tcase_add_test(argv, test_qemu_tcg_microvm);
	tcase_add_test(argv, test_qemu_kvm_q35);
	tcase_add_test(argv, test_qemu_options);
	tcase_add_test(argv, test_qemu_bad_input);
	suite_add_tcase(s, argv);
	tcase_add_test(real, test_qemu_real_bogus_kernel);
	tcase_add_test(real, test_qemu_real_stub_boot);
	tcase_add_checked_fixture(real, NULL, fixture_teardown);
	tcase_set_timeout(real, 30);
	suite_add_tcase(s, real);
	return s;
}
