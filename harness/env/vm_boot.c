/*
 * vm_boot.c - starting a VM environment (vm_int.h): vbench listens on a unix
 * socket in a private directory, then execs QEMU (argument vector from
 * vm_qemu.h, no shell) in its own process group, in the cgroup, with a
 * parent-death SIGKILL; QEMU connects to the socket and the guest's /init
 * runs the agent on the virtio-serial port behind it.  The kernel console
 * and QEMU's stderr go to logs in the run directory.  A boot that fails,
 * panics or times out (--boot-timeout, one deadline from the launch) kills
 * QEMU and the error carries QEMU's last message and the console's tail.
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "harness/core/agentmsg.h"
#include "harness/core/options.h"
#include "harness/core/undo.h"
#include "harness/env/vm_int.h"
#include "lib/cpulist.h"
#include "lib/safefs.h"
#include "lib/testpoint.h"
#include "lib/util.h"
#include "workloads/workload.h"

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
	char con[NAME_MAX + 1], qlog[NAME_MAX + 1], tag[64];

	if (own && (dfd = vb_safefs_open_dir(AT_FDCWD, p->sockdir, 0)) < 0)
		return vb_error_sys(err, "%s: %s", env->ops->name, p->sockdir);
	vb_env_tag(env, tag, sizeof(tag));
	if (p->gen) /* a restored or migrated QEMU: logs of its own */
		snprintf(tag + strlen(tag), sizeof(tag) - strlen(tag), "-g%u", p->gen);
	snprintf(con, sizeof(con), "console-%s.log", tag);
	snprintf(qlog, sizeof(qlog), "qemu-%s.log", tag);
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

/* The private socket directory (once per instance). */
static int make_sockdir(vb_env_t *env, vm_priv_t *p, vb_error_t *err)
{
	if (p->sockdir[0])
		return 0;
	snprintf(p->sockdir, sizeof(p->sockdir), "/tmp/vbench-vm-%s-XXXXXX", vb_marker_run_id());
	if (!mkdtemp(p->sockdir)) {
		vb_error_sys(err, "%s: create the socket directory %s", env->ops->name, p->sockdir);
		p->sockdir[0] = '\0';
		return -1;
	}
	p->sockdir_res = vb_undo_add_path(VB_UNDO_DIR, p->sockdir);
	return 0;
}

/* A socket QEMU will connect to, SOCKDIR/@base (with the generation),
 * its path into @path; listening; returns the fd or -1. */
static int listen_socket(vb_env_t *env, vm_priv_t *p, const char *base, char *path, size_t len,
			 vb_error_t *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (p->gen)
		snprintf(path, len, "%s/%s-g%u.sock", p->sockdir, base, p->gen);
	else
		snprintf(path, len, "%s/%s.sock", p->sockdir, base);
	if (strlen(path) >= sizeof(sa.sun_path))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: socket path too long", env->ops->name);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vb_error_sys(err, "%s: socket", env->ops->name);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		vb_error_sys(err, "%s: listen on %s", env->ops->name, path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether the run selects a network workload: only then the guest gets a
 * network (its start latency and devices are otherwise as before). */
static int vm_wants_net(const vb_env_t *env)
{
	return vb_run_cfg_selects(env->cfg, VB_W_NET);
}

/* A TCP port free on 127.0.0.1 now, for QEMU's forward (QEMU fails to
 * start, saying so, should another program take it in between). */
static int vm_free_port(unsigned *port, vb_error_t *err)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return vb_error_sys(err, "a free TCP port on 127.0.0.1");
	}
	close(fd);
	*port = ntohs(a.sin_port);
	return 0;
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
	p->qc.accel = vm_is_kvm(env) ? "kvm" : "tcg";
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
	p->qc.tap_fd = -1;
	p->qc.qmp_path = p->qmp_sock[0] ? p->qmp_sock : NULL;
	p->qc.incoming = p->incoming[0] ? p->incoming : NULL;
	if (vm_wants_net(env) && vm_is_tap(env)) {
		if (p->tap_fd < 0 && vb_netpath_tap(&p->net, &p->tap_fd, err) < 0)
			return vb_error_prefix(err, "%s", env->name);
		p->qc.net = 1;
		p->qc.tap_fd = p->tap_fd;
		p->qc.guest_net = vb_netpath_guest_cidr();
		/* vhost-net needs KVM's ioeventfds and its device node */
		p->qc.vhost = vm_is_kvm(env) && access("/dev/vhost-net", R_OK | W_OK) == 0;
	} else {
		if (vm_wants_net(env) && vm_free_port(&p->qc.fwd_host, err) < 0)
			return vb_error_prefix(err, "%s", env->ops->name);
		p->qc.net = p->qc.fwd_host != 0;
		p->qc.fwd_guest = p->qc.net ? VM_GUEST_NET_PORT : 0;
	}
	vb_argv_free(&p->argv);
	if (vb_qemu_argv(&p->qc, &p->argv, err) < 0)
		return vb_error_prefix(err, "%s", env->ops->name);
	return 0;
}

/* fork + exec QEMU: own process group, parent-death SIGKILL, in the cgroup
 * (or pinned to the allocated CPUs with --no-cgroup), stderr to the log,
 * the console's (open_logs) and the disk image's descriptors inherited. */
static int spawn_qemu(vb_env_t *env, vm_priv_t *p, vm_launch_t *l, vb_error_t *err)
{
	const vb_cgroup_t *cg = l->cg ? l->cg : env->have_cg ? &env->cg : NULL;
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
		    (p->disk.fd > 2 && fcntl(p->disk.fd, F_SETFD, 0) < 0) ||
		    (p->tap_fd > 2 && fcntl(p->tap_fd, F_SETFD, 0) < 0) ||
		    (l->incoming_fd > 2 && fcntl(l->incoming_fd, F_SETFD, 0) < 0))
			_exit(127);
		if (cg ? vb_cgroup_attach(cg, 0) < 0 : 0)
			_exit(126);
		if (!cg)
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
	l->pid = pid;
	l->res = vb_undo_add_pid(pid, env->ops->name);
	l->spawned = 1;
	return 0;
}

/* QEMU @pid exited by itself (reaped and forgotten, *@pid 0): describe how
 * into @buf. */
static int pid_exited(pid_t *pid, int res, char *buf, size_t len)
{
	int st;

	if (*pid <= 0 || waitpid(*pid, &st, WNOHANG) != *pid)
		return 0;
	vb_undo_forget(res);
	*pid = 0;
	vb_vm_log_exit_text(st, buf, len);
	return 1;
}

static int qemu_exited(vb_env_t *env, char *buf, size_t len)
{
	return pid_exited(&env->chan.pid, env->chan.res, buf, len);
}

void vb_vm_qemu_end(vb_env_t *env, char *how, size_t len)
{
	how[0] = '\0';
	for (int i = 0; env->chan.dead && i < 100 && !qemu_exited(env, how, len); i++)
		usleep(10000);
	if (!how[0])
		qemu_exited(env, how, len);
}

/* Wait for QEMU @l to connect (it does so at once unless it failed). */
static int accept_qemu(vb_env_t *env, vm_launch_t *l, int lfd, vb_error_t *err)
{
	uint64_t deadline = vb_now_ns() + (uint64_t)(vm_conf(env)->boot_timeout_s * 1e9);
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	char how[96];
	int fd, rc;

	for (;;) {
		if (pid_exited(&l->pid, l->res, how, sizeof(how)))
			return vb_error_set(err, VB_EUNAVAIL, 0,
					    "%s: %s before connecting to vbench's sockets",
					    env->ops->name, how);
		if (vb_undo_interrupted())
			return vb_error_set(err, VB_EINTR, 0, "%s: interrupted while starting",
					    env->ops->name);
		if (vb_now_ns() >= deadline)
			return vb_error_set(err, VB_ETIMEOUT, 0,
					    "%s: QEMU did not connect within %g s", env->ops->name,
					    vm_conf(env)->boot_timeout_s);
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

	vb_vm_qemu_end(env, how, sizeof(how)); /* its exit status is part of the message */
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

int vb_vm_launch(vb_env_t *env, vm_launch_t *l, vb_error_t *err)
{
	vm_priv_t *p = env->priv;
	int lfd = -1, qfd = -1, fd = -1, rc = -1;

	l->pid = 0;
	l->spawned = 0;
	l->chan_fd = -1;
	vb_qmp_init(&l->qmp);
	snprintf(p->incoming, sizeof(p->incoming), "%s", l->incoming ? l->incoming : "");
	if (l->incoming)
		p->console_ready = 0; /* a console of its own, from its first line */
	p->qmp_sock[0] = '\0';
	if (make_sockdir(env, p, err) < 0 ||
	    (lfd = listen_socket(env, p, "chan", p->sock, sizeof(p->sock), err)) < 0)
		goto out;
	if (env->cfg->ops &&
	    (qfd = listen_socket(env, p, "qmp", p->qmp_sock, sizeof(p->qmp_sock), err)) < 0)
		goto out;
	if (open_logs(env, p, err) < 0 || build_argv(env, p, err) < 0 ||
	    spawn_qemu(env, p, l, err) < 0) {
		close_logs(p);
		goto out;
	}
	close_logs(p); /* QEMU has its own copies */
	if ((fd = accept_qemu(env, l, lfd, err)) < 0)
		goto out;
	unlink(p->sock); /* connected: nobody else may */
	l->chan_fd = fd;
	if (qfd >= 0) {
		int mfd = accept_qemu(env, l, qfd, err);

		unlink(p->qmp_sock);
		if (mfd < 0 || vb_qmp_open(&l->qmp, mfd, VM_QMP_TIMEOUT_MS, err) < 0) {
			vb_error_prefix(err, "%s", env->ops->name);
			goto out;
		}
	}
	rc = 0;
out:
	if (lfd >= 0)
		close(lfd);
	if (qfd >= 0)
		close(qfd);
	return rc;
}

int vb_vm_boot(vb_env_t *env, vb_error_t *err)
{
	vm_priv_t *p = env->priv;
	vm_launch_t l = { .incoming = NULL, .incoming_fd = -1 };
	int rc = vb_vm_launch(env, &l, err);

	if (l.pid > 0) { /* the channel owns QEMU from now on */
		env->chan.pid = l.pid;
		env->chan.res = l.res;
	}
	if (rc < 0) {
		if (l.chan_fd >= 0)
			close(l.chan_fd);
		vb_qmp_close(&l.qmp);
		if (!l.spawned)
			return -1;
		return err->code == VB_EINTR ? (vb_chan_close(&env->chan, 0), -1)
					     : boot_failed(env, p, err);
	}
	/* One socket both ways: vb_chan_close closes it once. */
	vb_chan_init_fds(&env->chan, env->ops->name, l.chan_fd, l.chan_fd);
	env->chan.pid = l.pid;
	env->chan.res = l.res;
	p->qmp = l.qmp;
	return 0;
}

int vb_vm_ready(vb_env_t *env, vb_error_t *err)
{
	vm_priv_t *p = env->priv;
	int64_t left_ms;
	json_t *msg;

	/* One deadline for the whole boot, from the launch. */
	left_ms = (int64_t)(vm_conf(env)->boot_timeout_s * 1000) -
		  (int64_t)((vb_now_ns() - env->launch_ns) / 1000000);
	vb_test_point("start", env->ops->name);
	msg = vb_chan_recv(&env->chan, left_ms > 0 ? (int)left_ms : 0, 1, err);
	if (!msg) {
		if (err->code == VB_ETIMEOUT)
			vb_error_set(err, VB_ETIMEOUT, 0,
				     "%s: the guest's agent did not report ready within %g s "
				     "(--boot-timeout)",
				     env->ops->name, vm_conf(env)->boot_timeout_s);
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
