/*
 * env_vm.c - the two virtual-machine environments: `hosted` (QEMU with TCG,
 * a type-2 hypervisor in software) and `kvm` (QEMU with KVM, hardware-
 * assisted).  One implementation, two operation tables: they differ only in
 * the accelerator, the CPU model and the probe.
 *
 * prepare: the guest image (guestimage.h: kernel, PVH vmlinux, initramfs
 *          with the agent; the first run may download Debian's kernel), the
 *          scratch disk image (vmsupport.h) and the allocation cgroup.  Its
 *          memory limit is guest RAM plus a QEMU allowance (VM_ALLOWANCE_*:
 *          device emulation, TCG's translation cache, I/O buffers), recorded
 *          in run.json; guest RAM (-m) is the allocation itself.
 * start:   vbench listens on a unix socket in a private directory, then
 *          execs QEMU (argument vector from qemu.h, no shell) in its own
 *          process group, in the cgroup, with a parent-death SIGKILL; QEMU
 *          connects to the socket and the guest's /init runs the agent on
 *          the virtio-serial port behind it.  The kernel console goes to
 *          console-<env>.log and QEMU's own stderr to qemu-<env>.log in the
 *          run directory (<env> with the instance tag of extra instances:
 *          console-hosted-d2.log), kept with the results.  A boot that fails, panics
 *          or times out (--boot-timeout) kills QEMU and the error carries the
 *          last console lines, so the environment is reported unavailable
 *          with its reason and the run goes on.
 * run:     the request's "scratch" (a host path) becomes the guest's mount
 *          point of the scratch disk ("allow_device" is dropped: with
 *          --scratch naming a block device the image is still vbench's own,
 *          in /var/tmp); the rest is sent unchanged.  A repetition that
 *          fails because the guest stopped answering says how QEMU ended
 *          ("QEMU was killed by signal 9 (SIGKILL)") and, only when the
 *          guest wrote to its console after its normal boot (after the
 *          agent's ready message), that console tail.
 * stop:    quit: the agent exits, /init powers off, QEMU exits; after
 *          --stop-timeout it is killed.  Everything (QEMU, socket
 *          directory, disk image, cgroup) is in the resource registry.
 *
 * Test hooks (environment variables of vbench, for tests/check_vm.c):
 * VBENCH_TEST_GUEST_HANG=1 adds vbench.hang=1 to the kernel command line, so
 * the guest's /init never starts the agent (initramfs.h);
 * VBENCH_TEST_GUEST_PANIC=1 adds rdinit=/vbench-no-such-init, so the guest
 * kernel panics at boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/ct_common.h"
#include "harness/env/env.h"
#include "harness/image/guestimage.h"
#include "lib/hostinfo.h"
#include "harness/image/initramfs.h"
#include "harness/env/vm_kvmprobe.h"
#include "harness/core/marker.h"
#include "harness/core/options.h"
#include "harness/env/vm_qemu.h"
#include "harness/core/undo.h"
#include "harness/core/runproc.h"
#include "lib/safefs.h"
#include "lib/testpoint.h"
#include "lib/util.h"
#include "harness/env/vm_disk.h"

#define VM_ALLOWANCE_FIXED (256ULL << 20) /* QEMU's own memory: a fixed part ... */
#define VM_ALLOWANCE_PCT 10               /* ... plus this share of guest RAM */
#define VM_ALLOWANCE_RULE "256 MiB + 10% of guest RAM for QEMU itself"
#define VM_TAIL_LINES 20                  /* console lines in an error */
#define VM_QEMU_NAME "qemu-system-x86_64"

typedef struct vm_priv {
	vb_guest_image_t img;     /* kernel, initramfs */
	int have_img;
	vb_vmdisk_t disk;         /* the scratch disk image */
	int have_disk;
	uint64_t allowance;       /* cgroup memory limit above guest RAM */
	uint64_t tsc_khz;         /* host TSC rate given to a TCG guest (0: not given) */
	char qemu[PATH_MAX];      /* qemu-system-x86_64 used */
	char sockdir[PATH_MAX];   /* private directory of the channel socket */
	int sockdir_res;
	char sock[PATH_MAX];      /* the socket QEMU connects to */
	char console[PATH_MAX];   /* the guest's ttyS0 */
	off_t console_ready;      /* its size when the agent reported ready: the normal boot */
	char qemu_log[PATH_MAX];  /* QEMU's stderr */
	int console_fd;           /* ... opened safely, until QEMU has them (vm_start) */
	int qemu_fd;
	char append[96];          /* test-hook kernel arguments */
	vb_qemu_cfg_t qc;         /* what QEMU was told */
	vb_argv_t argv;           /* ... as an argument vector */
	vb_kvm_verdict_t verdict; /* the kvm probe (kvm only) */
	int have_verdict;
} vm_priv_t;

/* The verdict of the last kvm probe in this process: probe() has no
 * environment to keep it in, prepare() copies it for run.json. */
static vb_kvm_verdict_t last_verdict;
static int have_last_verdict;

static int is_kvm(const vb_env_t *env)
{
	return !strcmp(env->ops->name, "kvm");
}

/* ==== probe ============================================================== */

static int common_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	char path[PATH_MAX];

	if (vb_proc_which(VM_QEMU_NAME, path, sizeof(path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    VM_QEMU_NAME " not installed (apt-get install qemu-system-x86)");
	if (vb_proc_which("mkfs.ext4", path, sizeof(path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "mkfs.ext4 not installed (apt-get install e2fsprogs)");
	if (access(cfg->agent_path, X_OK) < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno, "agent %s not executable",
				    cfg->agent_path);
	return 0;
}

static int hosted_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	return common_probe(cfg, err);
}

/* /dev/kvm must exist and really accelerate (kvmprobe.h: a software KVM
 * such as kvm_pvm would take hours to boot a guest). */
static int kvm_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	if (common_probe(cfg, err) < 0)
		return -1;
	if (access("/dev/kvm", F_OK) < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno,
				    "no /dev/kvm (no hardware virtualization, or the kvm module "
				    "is not loaded)");
	have_last_verdict = 0;
	if (vb_kvm_probe(VB_KVM_MAX_RATIO, VB_KVM_TIMEOUT_MS, &last_verdict, err) < 0)
		return -1;
	have_last_verdict = 1;
	if (!last_verdict.accelerated)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s", last_verdict.reason);
	return 0;
}

/* ==== prepare ============================================================ */

static int vm_prepare(vb_env_t *env, vb_error_t *err)
{
	const vb_run_cfg_t *cfg = env->cfg;
	const char *name = env->ops->name;
	vm_priv_t *p = calloc(1, sizeof(*p));
	char cgname[96], tag[48], a[32], b[32], c[32];
	uint64_t total, avail;

	if (!p)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s: state", name);
	env->priv = p;
	p->console_fd = p->qemu_fd = -1;
	vb_argv_init(&p->argv);
	if (is_kvm(env) && have_last_verdict) {
		p->verdict = last_verdict;
		p->have_verdict = 1;
	}
	if (vb_proc_which(VM_QEMU_NAME, p->qemu, sizeof(p->qemu)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: " VM_QEMU_NAME " not found", name);
	p->allowance = VM_ALLOWANCE_FIXED + cfg->memory / 100 * VM_ALLOWANCE_PCT;
	if (vb_hostinfo_memory(&total, &avail, NULL) == 0 && avail &&
	    avail < cfg->memory + p->allowance)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s: not enough host memory for a %s guest plus QEMU's "
				    "allowance of %s: %s available",
				    name, vb_format_size(cfg->memory, a, sizeof(a)),
				    vb_format_size(p->allowance, b, sizeof(b)),
				    vb_format_size(avail, c, sizeof(c)));
	if (!cfg->quiet)
		fprintf(stderr, "vbench: %s: preparing the guest image\n", name);
	if (vb_guest_image_prepare(cfg->kernel, cfg->agent_path, &p->img, err) < 0) {
		err->code = err->code == VB_ESYS ? VB_EUNAVAIL : err->code;
		return vb_error_prefix(err, "%s", name);
	}
	p->have_img = 1;
	snprintf(tag, sizeof(tag), "%s%s", name, env->inst);
	if (vb_vmdisk_create(&p->disk, cfg, tag, err) < 0)
		return vb_error_prefix(err, "%s: scratch disk", name);
	p->have_disk = 1;
	if (cfg->use_cgroup) {
		snprintf(cgname, sizeof(cgname), "vbench-%s-%s%s", vb_marker_run_id(), name, env->inst);
		if (vb_cgroup_create(&env->cg, cfg->cgroup_root, cgname, cfg->env_cpus,
				     cfg->memory + p->allowance, err) < 0)
			return vb_error_prefix(err, "%s: allocation cgroup", name);
		env->have_cg = 1;
	}
	if (!is_kvm(env))
		p->tsc_khz = vb_vm_host_tsc_khz();
	return 0;
}

/* ==== start ============================================================== */

static void close_logs(vm_priv_t *p)
{
	if (p->console_fd >= 0)
		close(p->console_fd);
	if (p->qemu_fd >= 0)
		close(p->qemu_fd);
	p->console_fd = p->qemu_fd = -1;
}

/* The console and QEMU logs: in the run directory (next to the agent log),
 * else the private socket directory (gone with it); opened here beneath
 * the directory's descriptor and given to QEMU as descriptors, so no path
 * is opened by QEMU and no link can redirect them. */
static int open_logs(vb_env_t *env, vm_priv_t *p, vb_error_t *err)
{
	const char *dir = env->cfg->out_fd >= 0 ? env->cfg->out : p->sockdir;
	int dfd = env->cfg->out_fd, own = dfd < 0, rc = -1;
	char con[NAME_MAX + 1], qlog[NAME_MAX + 1];

	if (own && (dfd = vb_safefs_open_dir(AT_FDCWD, p->sockdir, 0)) < 0)
		return vb_error_sys(err, "%s: %s", env->ops->name, p->sockdir);
	snprintf(con, sizeof(con), "console-%s%s.log", env->ops->name, env->inst);
	snprintf(qlog, sizeof(qlog), "qemu-%s%s.log", env->ops->name, env->inst);
	snprintf(p->console, sizeof(p->console), "%s/%s", dir, con);
	snprintf(p->qemu_log, sizeof(p->qemu_log), "%s/%s", dir, qlog);
	if ((p->console_fd = vb_vm_log_open(dfd, con, p->console, err)) >= 0 &&
	    (p->qemu_fd = vb_vm_log_open(dfd, qlog, p->qemu_log, err)) >= 0)
		rc = 0;
	if (own)
		close(dfd);
	if (rc < 0)
		close_logs(p);
	return rc;
}

/* The socket QEMU will connect to, listening; returns the fd or -1. */
static int listen_socket(vb_env_t *env, vm_priv_t *p, vb_error_t *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(p->sockdir, sizeof(p->sockdir), "/tmp/vbench-vm-%s-XXXXXX", vb_marker_run_id());
	if (!mkdtemp(p->sockdir)) {
		vb_error_sys(err, "%s: create the socket directory %s", env->ops->name, p->sockdir);
		p->sockdir[0] = '\0';
		return -1;
	}
	p->sockdir_res = vb_undo_add_path(VB_UNDO_DIR, p->sockdir);
	snprintf(p->sock, sizeof(p->sock), "%s/chan.sock", p->sockdir);
	if (strlen(p->sock) >= sizeof(sa.sun_path))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: socket path too long", env->ops->name);
	memcpy(sa.sun_path, p->sock, strlen(p->sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vb_error_sys(err, "%s: socket", env->ops->name);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		vb_error_sys(err, "%s: listen on %s", env->ops->name, p->sock);
		close(fd);
		return -1;
	}
	return fd;
}

static int build_argv(vb_env_t *env, vm_priv_t *p, vb_error_t *err)
{
	const char *hang = getenv("VBENCH_TEST_GUEST_HANG");
	const char *panic = getenv("VBENCH_TEST_GUEST_PANIC");
	int h = hang && !strcmp(hang, "1"), pn = panic && !strcmp(panic, "1");

	/* A TCG guest reads the host's TSC: with an invariant host TSC it is
	 * reliable, and the guest kernel must not let its clocksource
	 * watchdog (refined-jiffies on microvm: no HPET, no ACPI PM timer)
	 * distrust it.  Under CPU contention timer ticks arrive late, the
	 * watchdog saw "skew", and the guest fell back to refined-jiffies:
	 * every clock read then moved in 4 ms steps (seen here: I/O latency
	 * p50 0 us, p99 4000.25 us). */
	snprintf(p->append, sizeof(p->append), "%s%s%s%s%s", p->tsc_khz ? "tsc=reliable" : "",
		 p->tsc_khz && (h || pn) ? " " : "", h ? "vbench.hang=1" : "", h && pn ? " " : "",
		 pn ? "rdinit=/vbench-no-such-init" : "");
	memset(&p->qc, 0, sizeof(p->qc));
	p->qc.binary = p->qemu;
	p->qc.name = env->ops->name;
	p->qc.accel = is_kvm(env) ? "kvm" : "tcg";
	p->qc.machine = "microvm";
	p->qc.vcpus = (unsigned)env->cfg->cpus;
	p->qc.memory = env->cfg->memory & ~((1ULL << 20) - 1); /* whole MiB */
	p->qc.kernel = p->img.kernel;
	p->qc.initrd = p->img.initramfs;
	p->qc.append = p->append[0] ? p->append : NULL;
	p->qc.disk = p->disk.path;
	p->qc.disk_fd = p->disk.fd; /* QEMU opens the image vbench made, never the path */
	p->qc.aio = "native";
	p->qc.chan_path = p->sock;
	p->qc.console_log = p->console;
	p->qc.console_fd = p->console_fd;
	p->qc.tsc_khz = p->tsc_khz;
	p->qc.rng = 1;
	if (vb_qemu_argv(&p->qc, &p->argv, err) < 0)
		return vb_error_prefix(err, "%s", env->ops->name);
	return 0;
}

/* fork + exec QEMU: own process group, parent-death SIGKILL, in the cgroup
 * (or pinned to the allocated CPUs with --no-cgroup), stderr to the log,
 * the console's (open_logs) and the disk image's descriptors inherited. */
static int spawn_qemu(vb_env_t *env, vm_priv_t *p, vb_error_t *err)
{
	pid_t parent = getpid(), pid;
	int log = p->qemu_fd, null;

	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0)
		return vb_error_sys(err, "%s: open /dev/null", env->ops->name);
	env->launch_ns = vb_now_ns();
	pid = fork();
	if (pid < 0) {
		close(null);
		return vb_error_sys(err, "%s: fork", env->ops->name);
	}
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* fires when vbench's (only) thread exits */
		if (getppid() != parent)
			_exit(127);
		if (dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0 ||
		    (p->console_fd > 2 && fcntl(p->console_fd, F_SETFD, 0) < 0) ||
		    (p->disk.fd > 2 && fcntl(p->disk.fd, F_SETFD, 0) < 0))
			_exit(127);
		if (env->have_cg ? vb_cgroup_attach(&env->cg, 0) < 0 : 0)
			_exit(126);
		if (!env->have_cg)
			vb_cpulist_pin(env->cfg->env_cpus);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execv(p->argv.v[0], p->argv.v);
		_exit(127);
	}
	close(null);
	setpgid(pid, pid);
	env->chan.pid = pid;
	env->chan.res = vb_undo_add_pid(pid, env->ops->name);
	return 0;
}

/* QEMU exited by itself (reaped and forgotten): describe how into @buf. */
static int qemu_exited(vb_env_t *env, char *buf, size_t len)
{
	int st;

	if (env->chan.pid <= 0 || waitpid(env->chan.pid, &st, WNOHANG) != env->chan.pid)
		return 0;
	vb_undo_forget(env->chan.res);
	env->chan.pid = 0;
	vb_vm_exit_text(st, buf, len);
	return 1;
}

/* When the channel closed QEMU is on its way out: give it up to a second
 * so that how it ended can be said; into @how ("" when it still runs). */
static void qemu_end(vb_env_t *env, char *how, size_t len)
{
	how[0] = '\0';
	for (int i = 0; env->chan.dead && i < 100 && !qemu_exited(env, how, len); i++)
		usleep(10000);
	if (!how[0])
		qemu_exited(env, how, len);
}

/* Wait for QEMU to connect (it does so at once unless it failed). */
static int accept_qemu(vb_env_t *env, int lfd, vb_error_t *err)
{
	uint64_t deadline = vb_now_ns() + (uint64_t)(env->cfg->boot_timeout_s * 1e9);
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	char how[96];
	int fd, rc;

	for (;;) {
		if (qemu_exited(env, how, sizeof(how)))
			return vb_error_set(err, VB_EUNAVAIL, 0,
					    "%s: %s before connecting to the agent channel",
					    env->ops->name, how);
		if (vb_interrupted())
			return vb_error_set(err, VB_EINTR, 0, "%s: interrupted while starting",
					    env->ops->name);
		if (vb_now_ns() >= deadline)
			return vb_error_set(err, VB_ETIMEOUT, 0,
					    "%s: QEMU did not connect within %g s", env->ops->name,
					    env->cfg->boot_timeout_s);
		rc = poll(&pfd, 1, 100);
		if (rc <= 0)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
			return vb_error_sys(err, "%s: accept", env->ops->name);
	}
}

/* Kill QEMU and turn @err into one line with the evidence: QEMU's last
 * message and the console's last lines.  Returns -1. */
static int boot_failed(vb_env_t *env, vm_priv_t *p, vb_error_t *err)
{
	char what[240], qline[140], panic[160], tail[sizeof(err->msg)], how[96],
	    head[sizeof(err->msg)];
	vb_errcode_t code = err->code;
	size_t room;

	qemu_end(env, how, sizeof(how)); /* its exit status is part of the message */
	env->chan.dead = 1;
	vb_chan_close(&env->chan, 0); /* kills QEMU if it still runs */
	snprintf(what, sizeof(what), "%s", err->msg);
	vb_vm_log_tail(p->qemu_log, 0, 1, qline, sizeof(qline));
	vb_vm_log_find(p->console, "Kernel panic - not syncing:", panic, sizeof(panic));
	snprintf(head, sizeof(head), "%s%s%s%s%s%s%s%s; console tail: ", what, how[0] ? " (" : "",
		 how, how[0] ? ")" : "", panic[0] ? "; guest kernel panic: " : "", panic,
		 qline[0] ? "; QEMU said: " : "", qline);
	room = sizeof(err->msg) - strlen(head);
	vb_vm_log_tail(p->console, 0, VM_TAIL_LINES, tail,
		       room < sizeof(tail) ? room : sizeof(tail));
	return vb_error_set(err, code, 0, "%s%s", head, tail[0] ? tail : "(empty)");
}

static int vm_start(vb_env_t *env, vb_error_t *err)
{
	vm_priv_t *p = env->priv;
	int64_t left_ms;
	json_t *msg;
	int lfd, fd;

	lfd = listen_socket(env, p, err);
	if (lfd < 0)
		return -1;
	if (open_logs(env, p, err) < 0 || build_argv(env, p, err) < 0 ||
	    spawn_qemu(env, p, err) < 0) {
		close_logs(p);
		close(lfd);
		return -1;
	}
	close_logs(p); /* QEMU has its own copies */
	fd = accept_qemu(env, lfd, err);
	close(lfd);
	unlink(p->sock); /* connected: nobody else may */
	if (fd < 0)
		return err->code == VB_EINTR ? (vb_chan_close(&env->chan, 0), -1)
					     : boot_failed(env, p, err);
	/* One socket both ways: vb_chan_close closes it once. */
	{
		pid_t pid = env->chan.pid;
		int res = env->chan.res;

		vb_chan_init_fds(&env->chan, env->ops->name, fd, fd);
		env->chan.pid = pid;
		env->chan.res = res;
	}
	/* One deadline for the whole boot, from the launch. */
	left_ms = (int64_t)(env->cfg->boot_timeout_s * 1000) -
		  (int64_t)((vb_now_ns() - env->launch_ns) / 1000000);
	vb_test_point("start", env->ops->name);
	msg = vb_chan_recv(&env->chan, left_ms > 0 ? (int)left_ms : 0, 1, err);
	if (!msg) {
		if (err->code == VB_ETIMEOUT)
			vb_error_set(err, VB_ETIMEOUT, 0,
				     "%s: the guest's agent did not report ready within %g s "
				     "(--boot-timeout)",
				     env->ops->name, env->cfg->boot_timeout_s);
		else if (err->code == VB_ESYS)
			vb_error_set(err, VB_EUNAVAIL, 0,
				     "%s: the agent channel closed during the boot",
				     env->ops->name);
		return err->code == VB_EINTR ? (vb_chan_close(&env->chan, 0), -1)
					     : boot_failed(env, p, err);
	}
	if (vb_agent_check_ready(msg, err) < 0) {
		json_decref(msg);
		vb_error_prefix(err, "%s", env->ops->name);
		if (err->code != VB_EUNAVAIL)
			return boot_failed(env, p, err);
		/* Another protocol: the guest booted, its agent is not this
		 * vbench's; one line says so (no console tail). */
		env->chan.dead = 1;
		vb_chan_close(&env->chan, 0);
		return -1;
	}
	env->ready_ns = vb_now_ns();
	env->ready = msg;
	{
		struct stat sb;

		p->console_ready = stat(p->console, &sb) == 0 ? sb.st_size : 0;
	}
	return 0;
}

/* ==== run, measure, describe ============================================= */

/* The request with the host's scratch path replaced by the guest's mount
 * point of the scratch disk (new reference, NULL without memory). */
static json_t *vm_adapt(vb_env_t *env, const json_t *req)
{
	json_t *r = json_copy((json_t *)req);

	if (r && json_object_get(r, "scratch"))
		json_object_set_new(r, "scratch", json_string(VB_GUEST_SCRATCH));
	if (r)
		json_object_del(r, "allow_device"); /* the guest's disk is a filesystem */
	return r;
}

static json_t *vm_run(vb_env_t *env, const json_t *req, vb_error_t *err)
{
	vm_priv_t *p = env->priv;
	json_t *r = vm_adapt(env, req), *reply;
	char tail[300], what[400], how[96];

	if (!r) {
		vb_error_set(err, VB_ESYS, ENOMEM, "%s: request", env->ops->name);
		return NULL;
	}
	reply = vb_chan_call(&env->chan, r, "result", (int)(env->cfg->rep_timeout_s * 1000), err);
	json_decref(r);
	if (!reply && err && err->code != VB_EINTR && err->code != VB_EPROTO &&
	    err->code != VB_EREFUSED) {
		/* The runner stops this VM now: how QEMU ended, and what the
		 * guest said after its normal boot, if anything. */
		qemu_end(env, how, sizeof(how));
		vb_vm_log_tail(p->console, p->console_ready, 8, tail, sizeof(tail));
		snprintf(what, sizeof(what), "%s", err->msg);
		vb_error_set(err, err->code, 0, "%s%s%s%s%s%s", what, how[0] ? " (" : "", how,
			     how[0] ? ")" : "", tail[0] ? "; console tail: " : "", tail);
	}
	return reply;
}

/* Own: the scratch disk image's allocated blocks; shared: the cached guest
 * kernel and initramfs every VM of this run boots from. */
static int vm_disk_usage(vb_env_t *env, uint64_t *own, uint64_t *shared)
{
	vm_priv_t *p = env->priv;
	uint64_t k = 0, i = 0;

	if (!p || !p->have_disk || vb_vmdisk_usage(&p->disk, own) < 0)
		return -1;
	if (p->have_img) {
		vb_du_bytes(p->img.kernel, &k);
		vb_du_bytes(p->img.initramfs, &i);
	}
	*shared = k + i;
	return 0;
}

static int vm_host_cpu_ns(vb_env_t *env, uint64_t *ns)
{
	return env->have_cg ? vb_cgroup_cpu_ns(&env->cg, ns) : -1;
}

static json_t *vm_describe(vb_env_t *env)
{
	vm_priv_t *p = env->priv;
	char *cmd = vb_argv_format(&p->argv);
	json_t *o;

	o = json_pack("{s:o,s:s?,s:s,s:s,s:s,s:o,s:o,s:{s:s,s:s,s:s},s:o,s:{s:I,s:I,s:s},s:s,s:s,"
		      "s:f,s:o}",
		      "qemu", vb_qemu_describe(&p->qc) ?: json_null(), "command", cmd, "accel",
		      p->qc.accel, "machine", p->qc.machine, "mechanism", env->ops->mechanism,
		      "guest_image", vb_guest_image_to_json(&p->img), "scratch_disk",
		      vb_vmdisk_to_json(&p->disk), "guest_scratch", "device", VB_QEMU_GUEST_DISK,
		      "mount", VB_GUEST_SCRATCH, "fs", VB_VMDISK_FS, "limits",
		      env->have_cg ? vb_cgroup_to_json(&env->cg)
				   : json_pack("{s:b,s:s}", "enforced", 0, "how",
					       "affinity only (--no-cgroup)"),
		      "memory", "guest_bytes", (json_int_t)p->qc.memory, "qemu_allowance_bytes",
		      (json_int_t)p->allowance, "rule",
		      VM_ALLOWANCE_RULE "; the cgroup limit is guest RAM plus the allowance",
		      "console_log", p->console, "qemu_log", p->qemu_log, "boot_timeout_s",
		      env->cfg->boot_timeout_s, "tsc_khz",
		      p->tsc_khz ? json_integer((json_int_t)p->tsc_khz) : json_null());
	free(cmd);
	if (o && p->have_verdict)
		json_object_set_new(o, "kvm_probe", vb_kvm_verdict_to_json(&p->verdict));
	if (o && env->cfg->scratch_device)
		json_object_set_new(o, "scratch_device_not_used",
				    json_sprintf("--scratch %s is a block device: this guest's I/O "
						 "numbers are on its own image %s, not on the device",
						 env->cfg->scratch, p->disk.path));
	if (o && (strstr(p->append, "vbench.hang") || strstr(p->append, "rdinit=")))
		json_object_set_new(o, "test_hooks", json_string(p->append));
	return o ? o : json_object();
}

/* ==== stop and cleanup =================================================== */

static int vm_stop(vb_env_t *env, vb_error_t *err)
{
	int timed_out_before = env->stop_timed_out;

	if (env->chan.wfd < 0 && env->chan.pid <= 0)
		return 0;
	/* Past the timeout QEMU is killed below; once interrupted (a 3 s
	 * cap) that is not recorded as a guest that would not stop. */
	if (vb_env_quit_wait(env, NULL) == 0 && vb_interrupted())
		env->stop_timed_out = timed_out_before;
	vb_chan_close(&env->chan, 0); /* closes the socket, kills QEMU if it lingers */
	return 0;
}

static void vm_cleanup(vb_env_t *env)
{
	vm_priv_t *p = env->priv;

	vm_stop(env, NULL);
	if (env->have_cg) {
		vb_ct_cgroup_wait_empty(&env->cg, 1000);
		vb_cgroup_destroy(&env->cg);
		env->have_cg = 0;
	}
	if (!p)
		return;
	if (p->have_disk)
		vb_vmdisk_destroy(&p->disk);
	if (p->sockdir_res)
		vb_undo_release(p->sockdir_res);
	vb_argv_free(&p->argv);
	if (p->have_img)
		vb_guest_image_free(&p->img);
	free(p);
	env->priv = NULL;
}

const vb_env_ops_t vb_env_hosted = {
	.version = VB_ENV_OPS_VERSION,
	.name = "hosted",
	.type = "hosted VM (type-2)",
	.mechanism = "QEMU TCG binary translation (software emulation)",
	.caps = VB_ENV_NEEDS_ROOT | VB_ENV_IS_VM,
	.probe = hosted_probe,
	.prepare = vm_prepare,
	.start = vm_start,
	.run = vm_run,
	.adapt = vm_adapt,
	.disk_usage = vm_disk_usage,
	.host_cpu_ns = vm_host_cpu_ns,
	.describe = vm_describe,
	.stop = vm_stop,
	.cleanup = vm_cleanup,
};

const vb_env_ops_t vb_env_kvm = {
	.version = VB_ENV_OPS_VERSION,
	.name = "kvm",
	.type = "KVM VM (hardware-assisted)",
	.mechanism = "QEMU + KVM (hardware-assisted virtualization)",
	.caps = VB_ENV_NEEDS_ROOT | VB_ENV_NEEDS_KVM | VB_ENV_IS_VM,
	.probe = kvm_probe,
	.prepare = vm_prepare,
	.start = vm_start,
	.run = vm_run,
	.adapt = vm_adapt,
	.disk_usage = vm_disk_usage,
	.host_cpu_ns = vm_host_cpu_ns,
	.describe = vm_describe,
	.stop = vm_stop,
	.cleanup = vm_cleanup,
};
