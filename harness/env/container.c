/*
 * container.c - vbench's own container runtime: the agent in new PID,
 * mount, network, UTS, IPC and cgroup namespaces (and a user namespace when
 * vbench is not root), pivoted into a minimal root filesystem (rootfs.c).
 *
 * The container lives in the allocation's cgroup, exactly like bare metal,
 * so the only difference between the two is the isolation itself.  The
 * process clone()d on the host is the container's PID 1: it joins the
 * cgroup, builds the mounts, pivots, drops privileges and execs the agent's
 * `init` from the rootfs, which forks `serve` (PID 2) and reaps until it
 * exits (so that no mapping of vbench's is left in the container, as
 * CRIU's checkpoint needs).  Mounts live only in the container's mount
 * namespace and vanish with it; the rootfs directory,
 * the cgroup and the init process are in the resource registry.  Setup
 * errors travel back over a close-on-exec pipe, so a refusal names the
 * step that failed instead of looking like a dead agent.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/container_int.h"
#include "harness/env/ct_common.h"
#include "harness/env/netpath.h"
#include "harness/env/env.h"
#include "harness/core/options.h"
#include "harness/core/undo.h"
#include "harness/image/rootfs.h"
#include "lib/cpulist.h"
#include "lib/util.h"

#define CT_HOSTNAME "vbench-container"
#define CT_STACK (1u << 20)
#define CT_TMPFS_TMP "mode=1777,size=64m"
#define CT_NS_FLAGS (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC)


/* What the clone()d child needs (a copy of the parent's memory). */
typedef struct ct_args {
	vb_env_t *env;
	ct_priv_t *p;
	int in, out, log, errw; /* pipe ends and the log, host descriptors */
} ct_args_t;

/* ==== in the container (async-signal-safe-ish: single-threaded copy) ==== */

/* Report a failed setup step to the host and die. */
static void __attribute__((noreturn)) ct_fail(int fd, const char *step, int e)
{
	char msg[512], line[600];
	int n = snprintf(msg, sizeof(msg), "%s: %s", step, strerror(e));
	int m = snprintf(line, sizeof(line), "vbench container init: %s\n", msg);
	ssize_t w;

	if (n > 0 && m > 0) {
		w = write(fd, msg, (size_t)n);
		w += write(2, line, (size_t)m); /* the agent log */
		(void)w;
	}
	_exit(126);
}

/* Mount flags of @path the kernel may have locked (they must be kept). */
static unsigned long kept_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	f |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
	f |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
	f |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
	f |= (sv.f_flag & ST_NOATIME) ? MS_NOATIME : 0;
	f |= (sv.f_flag & ST_NODIRATIME) ? MS_NODIRATIME : 0;
	f |= (sv.f_flag & ST_RELATIME) ? MS_RELATIME : 0;
	return f;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return rc;
}

/* Bind @path onto itself and make it read-only (plus @extra flags). */
static int bind_ro(const char *path, unsigned long extra)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | extra | kept_flags(path),
		     NULL);
}

/* Bind the host's /dev/@name onto a new file @dev/@name (a device node:
 * /dev is not nodev).  0 or -1 with errno. */
static int bind_node(const char *dev, const char *name)
{
	char p[PATH_MAX], host[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dev, name);
	snprintf(host, sizeof(host), "/dev/%s", name);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	close(fd);
	return mount(host, p, NULL, MS_BIND, NULL);
}

/* /dev: a read-only tmpfs holding the host's harmless nodes, and the
 * allowed scratch block device @device ("" none) at the same path. */
static void setup_dev(const char *R, const char *device, int ef)
{
	static const char *const links[][2] = { { "/proc/self/fd", "fd" },
						{ "/proc/self/fd/0", "stdin" },
						{ "/proc/self/fd/1", "stdout" },
						{ "/proc/self/fd/2", "stderr" } };
	char dev[PATH_MAX], p[PATH_MAX];
	size_t i;

	snprintf(dev, sizeof(dev), "%s/dev", R);
	if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k") < 0)
		ct_fail(ef, "mount tmpfs on /dev", errno);
	for (i = 0; i < vb_ct_ndevs; i++)
		if (bind_node(dev, vb_ct_devs[i].name) < 0)
			ct_fail(ef, "bind-mount a /dev node", errno);
	if (device[0] && bind_node(dev, device) < 0)
		ct_fail(ef, "bind-mount the scratch block device", errno);
	for (i = 0; i < VB_ARRAY_SIZE(links); i++) {
		snprintf(p, sizeof(p), "%s/%s", dev, links[i][1]);
		if (symlink(links[i][0], p) < 0)
			ct_fail(ef, "symlink in /dev", errno);
	}
	if (mount(NULL, dev, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC,
		  "mode=755,size=64k") < 0)
		ct_fail(ef, "remount /dev read-only", errno);
}

/* /sys/fs/cgroup: the container's own cgroup as its root (cgroup namespace).
 * Best effort: the agent reports what it could see. */
static void setup_cgroupfs(const vb_env_t *env, const char *R)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const char *const dirs[] = { env->cg.cpuset, env->cg.memory, env->cg.cpuacct };
	char cgfs[PATH_MAX], p[PATH_MAX], parent[PATH_MAX], *base;
	size_t i;

	snprintf(cgfs, sizeof(cgfs), "%s/sys/fs/cgroup", R);
	if (!env->have_cg)
		return;
	if (env->cg.mode == VB_CG_V2) {
		if (mount("cgroup2", cgfs, "cgroup2", ro, NULL) < 0)
			fprintf(stderr, "vbench container init: mount cgroup2: %s\n",
				strerror(errno));
		return;
	}
	if (mount("tmpfs", cgfs, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755,size=16k"))
		return;
	for (i = 0; i < VB_ARRAY_SIZE(dirs); i++) {
		if (!dirs[i][0])
			continue;
		/* The hierarchy's name on the host ("memory", "cpu,cpuacct") is
		 * both the directory name and the mount options. */
		snprintf(parent, sizeof(parent), "%s", dirs[i]);
		*strrchr(parent, '/') = '\0';
		base = strrchr(parent, '/') + 1;
		snprintf(p, sizeof(p), "%s/%s", cgfs, base);
		if (mkdir(p, 0755) < 0 || mount("cgroup", p, "cgroup", ro, base) < 0)
			fprintf(stderr, "vbench container init: mount cgroup %s: %s\n", base,
				strerror(errno));
	}
	mount(NULL, cgfs, NULL, MS_REMOUNT | ro, "mode=755,size=16k");
}

/* Everything under the rootfs R, then pivot_root into it. */
static void setup_mounts(const vb_env_t *env, const ct_priv_t *p, int ef)
{
	const char *R = p->rootfs.dir;
	char path[PATH_MAX];

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		ct_fail(ef, "make mounts private", errno);
	if (mount(R, R, NULL, MS_BIND, NULL) < 0)
		ct_fail(ef, "bind-mount the rootfs", errno);
	snprintf(path, sizeof(path), "%s/proc", R);
	if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		ct_fail(ef, "mount /proc", errno);
	snprintf(path, sizeof(path), "%s/proc/sys", R);
	if (bind_ro(path, MS_NOSUID | MS_NODEV | MS_NOEXEC) < 0)
		ct_fail(ef, "make /proc/sys read-only", errno);
	snprintf(path, sizeof(path), "%s/proc/sysrq-trigger", R);
	if (bind_ro(path, MS_NOSUID | MS_NODEV | MS_NOEXEC) < 0 && errno != ENOENT)
		ct_fail(ef, "make /proc/sysrq-trigger read-only", errno); /* absent: no sysrq */
	setup_dev(R, p->device, ef);
	snprintf(path, sizeof(path), "%s/sys", R);
	if (mount("sysfs", path, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		ct_fail(ef, "mount /sys read-only", errno);
	setup_cgroupfs(env, R);
	snprintf(path, sizeof(path), "%s/tmp", R);
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, CT_TMPFS_TMP) < 0)
		ct_fail(ef, "mount tmpfs on /tmp", errno);
	if (p->scratch[0]) {
		/* Same path inside, so requests need no translation; the mount
		 * point may lie in the new /tmp, hence created now. */
		snprintf(path, sizeof(path), "%s%s", R, p->scratch);
		if (vb_rootfs_mkdir(R, env->cfg->scratch, NULL) < 0 ||
		    mount(env->cfg->scratch, path, NULL, MS_BIND, NULL) < 0)
			ct_fail(ef, "bind-mount the scratch directory", errno);
		if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV |
				    kept_flags(path), NULL) < 0)
			ct_fail(ef, "remount the scratch directory nosuid,nodev", errno);
	}
	if (chdir(R) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		ct_fail(ef, "pivot_root", errno);
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		ct_fail(ef, "detach the old root", errno);
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
			    kept_flags("/"), NULL) < 0)
		ct_fail(ef, "remount the root read-only", errno);
}

/* Bounding set, ambient, inheritable: everything but @keep; no_new_privs. */
static void drop_privileges(uint64_t keep, int ef)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int cap;

	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (cap >= 64 || !(keep & (1ull << cap)))
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
				ct_fail(ef, "drop a capability from the bounding set", errno);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		ct_fail(ef, "set no_new_privs", errno);
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		ct_fail(ef, "capset", errno);
}

/* PID 1 of the container. */
static int ct_child(void *arg)
{
	const ct_args_t *a = arg;
	const vb_env_t *env = a->env;
	const ct_priv_t *p = a->p;
	char map[64], *argv[] = { (char *)p->rootfs.inside, "init", NULL };
	int ef = a->errw;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setsid(); /* its own session (no terminal's signal; CRIU dumps a whole one) */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (p->userns) {
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)p->uid);
		if (write_str("/proc/self/setgroups", "deny") < 0 ||
		    write_str("/proc/self/uid_map", map) < 0)
			ct_fail(ef, "write uid_map", errno);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)p->gid);
		if (write_str("/proc/self/gid_map", map) < 0)
			ct_fail(ef, "write gid_map", errno);
	}
	if (dup2(a->in, 0) < 0 || dup2(a->out, 1) < 0 || dup2(a->log, 2) < 0)
		ct_fail(ef, "set up stdin/stdout/stderr", errno);
	ef = fcntl(ef, F_DUPFD_CLOEXEC, 3);
	if (ef < 0)
		ct_fail(a->errw, "keep the error pipe", errno);
	if (ef > 3)
		close_range(3, (unsigned)ef - 1, 0);
	close_range((unsigned)ef + 1, ~0u, 0);
	/* Join the allocation first: the cgroup namespace is rooted there. */
	if (env->have_cg && vb_cgroup_attach(&env->cg, 0) < 0)
		ct_fail(ef, "join the allocation cgroup", errno);
	vb_cpulist_pin(env->cfg->env_cpus);
	if (unshare(CLONE_NEWCGROUP) < 0)
		ct_fail(ef, "unshare the cgroup namespace", errno);
	if (sethostname(CT_HOSTNAME, strlen(CT_HOSTNAME)) < 0)
		ct_fail(ef, "sethostname", errno);
	setup_mounts(env, p, ef);
	drop_privileges(p->keep_caps, ef);
	/* The agent's `init`: serve in a child, every orphan reaped.  Exec'd
	 * from the rootfs, so no mapping of vbench's stays in the container. */
	execve(argv[0], argv, (char *const *)p->env.envp);
	ct_fail(ef, "exec the agent's init", errno);
}

/* ==== on the host ====================================================== */

static int ns_flags(int userns)
{
	return CT_NS_FLAGS | (userns ? CLONE_NEWUSER : 0);
}

static int ct_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	int flags = ns_flags(geteuid() != 0) | CLONE_NEWCGROUP, st;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return vb_error_sys(err, "container probe: fork");
	if (pid == 0)
		_exit(unshare(flags) < 0 ? (errno & 0x7f) : 0);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return vb_error_sys(err, "container probe: wait");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return vb_error_set(err, VB_EUNAVAIL, WIFEXITED(st) ? WEXITSTATUS(st) : 0,
				    "namespaces not permitted here: unshare(%s%s)",
				    "pid|mount|net|uts|ipc|cgroup", geteuid() ? "|user" : "");
	return 0;
}

/* --scratch names an allowed block device (prepare.c): the container gets
 * the node at the same path in its /dev (no devices cgroup restricts it:
 * the container's cgroups are cpuset, memory and cpuacct).  Only a node
 * directly in /dev can be given.  0 or -1 with @err (VB_EUNAVAIL). */
static int ct_device(const char *dev, ct_priv_t *p, vb_error_t *err)
{
	const char *name = dev + 5;

	if (strncmp(dev, "/dev/", 5) || !name[0] || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..") || strlen(name) >= sizeof(p->device))
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "container: --scratch %s: only a block device directly in /dev "
				    "is supported with --allow-device yet",
				    dev);
	snprintf(p->device, sizeof(p->device), "%s", name);
	return 0;
}

static int ct_prepare(vb_env_t *env, vb_error_t *err)
{
	const char *mounts[1] = { env->cfg->scratch }, *servers[VB_MAX_PROGRAMS + 1];
	ct_priv_t *p = calloc(1, sizeof(*p));

	if (!p)
		return vb_error_set(err, VB_ESYS, ENOMEM, "container state");
	env->priv = p;
	p->netns_fd = -1;
	p->userns = geteuid() != 0;
	p->uid = geteuid();
	p->gid = getegid();
	if (env->cfg->scratch_device && ct_device(env->cfg->scratch, p, err) < 0)
		return -1;
	if (vb_rootfs_build(&p->rootfs, env->cfg->agent_path, vb_run_cfg_servers(env->cfg, servers),
			    "/var/tmp", mounts,
			    env->cfg->scratch[0] && !p->device[0] ? 1 : 0, err) < 0)
		return vb_error_prefix(err, "container");
	p->have_rootfs = 1;
	if (env->cfg->scratch[0] && !p->device[0])
		vb_rootfs_normalize(env->cfg->scratch, p->scratch, sizeof(p->scratch));
	if (vb_env_cgroup(env, env->cfg->memory, err) < 0)
		return -1;
	p->keep_caps = vb_ct_caps_choose(p->userns, p->keep_why, sizeof(p->keep_why));
	vb_ct_env_build(&p->env, &p->rootfs, "vbench");
	return 0;
}

/* Wait for EOF on the setup-error pipe (the agent exec'd) or a message.
 * 0 (then @msg says what failed, "" if nothing), -1 timeout, -2 interrupted. */
static int read_setup_error(int fd, int timeout_ms, char *msg, size_t len)
{
	uint64_t deadline = vb_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;
	int rc;

	msg[0] = '\0';
	for (;;) {
		uint64_t now = vb_now_ns();
		if (now >= deadline)
			return -1;
		rc = poll(&pfd, 1, (int)((deadline - now) / 1000000ull) + 1);
		if (rc < 0 && errno == EINTR && vb_undo_interrupted())
			return -2;
		if (rc <= 0)
			continue;
		n = read(fd, msg + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || got + (size_t)n >= len - 1) {
			msg[got + (n > 0 ? (size_t)n : 0)] = '\0';
			return 0;
		}
		got += (size_t)n;
	}
}

static int ct_start(vb_env_t *env, vb_error_t *err)
{
	ct_priv_t *p = env->priv;
	int to[2] = { -1, -1 }, from[2] = { -1, -1 }, ep[2] = { -1, -1 }, log = -1, e, rc;
	int log_fd = env->cfg->log_fd; /* the run's agent log, opened safely (prepare.h) */
	ct_args_t a;
	char msg[512];
	char *stack;
	pid_t pid;

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		vb_error_sys(err, "container: create pipes");
		goto fail;
	}
	log = log_fd >= 0 ? fcntl(log_fd, F_DUPFD_CLOEXEC, 3)
			  : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (log < 0) {
		vb_error_sys(err, "container: agent log %s", env->cfg->log_path);
		goto fail;
	}
	stack = malloc(CT_STACK);
	if (!stack) {
		vb_error_set(err, VB_ESYS, ENOMEM, "container: stack");
		goto fail;
	}
	a = (ct_args_t){ .env = env, .p = p, .in = to[0], .out = from[1], .log = log,
			 .errw = ep[1] };
	env->launch_ns = vb_now_ns();
	pid = clone(ct_child, stack + CT_STACK,
		    (ns_flags(p->userns) & ~(vb_netpath_is_host(env) ? CLONE_NEWNET : 0)) | SIGCHLD, &a);
	e = errno;
	free(stack); /* the child has its own copy of memory */
	if (pid < 0) {
		vb_error_set(err, VB_EUNAVAIL, e, "container: clone into new namespaces");
		goto fail;
	}
	/* (no setpgid here: the child's setsid makes it the leader of its own
	 * session and group, which a setpgid first would make fail) */
	/* Our unreaped child: its PID names it until we wait for it. */
	snprintf(msg, sizeof(msg), "/proc/%d/ns/net", (int)pid);
	if (!vb_netpath_is_host(env)) /* else the host's own */
		p->netns_fd = open(msg, O_RDONLY | O_CLOEXEC);
	vb_chan_init_fds(&env->chan, "container", to[1], from[0]);
	env->chan.pid = pid;
	env->chan.res = vb_undo_add_pid(pid, "container init");
	close(to[0]);
	close(from[1]);
	close(ep[1]);
	close(log);
	rc = read_setup_error(ep[0], (int)(env->cfg->start_timeout_s * 1000), msg, sizeof(msg));
	close(ep[0]);
	if (rc < 0 || msg[0]) {
		vb_chan_close(&env->chan, 0);
		if (rc == -2)
			return vb_error_set(err, VB_EINTR, 0,
					    "container: interrupted while starting");
		return vb_error_set(err, rc ? VB_ETIMEOUT : VB_EUNAVAIL, 0, "container setup: %s",
				    msg[0] ? msg : "no answer from the container's init");
	}
	return 0; /* the agent is exec'd: its ready message is waited for as usual */
fail:
	if (log >= 0)
		close(log);
	for (int i = 0; i < 2; i++) {
		if (to[i] >= 0)
			close(to[i]);
		if (from[i] >= 0)
			close(from[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	return -1;
}

/* Own: the private rootfs tree; nothing is shared between containers. */
static int ct_disk_usage(vb_env_t *env, uint64_t *own, uint64_t *shared)
{
	ct_priv_t *p = env->priv;

	*shared = 0;
	return p && p->have_rootfs ? vb_du_bytes(p->rootfs.dir, own) : -1;
}

static json_t *ct_describe(vb_env_t *env)
{
	ct_priv_t *p = env->priv;
	const char *scratch = p->scratch;
	json_t *o, *mounts;

	mounts = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "target",
			   "/", "what", "the rootfs, bind-mounted, read-only, nosuid, nodev",
			   "target", "/proc", "what",
			   "proc of the PID namespace (nosuid, nodev, noexec); /proc/sys (and "
			   "/proc/sysrq-trigger where present) read-only",
			   "target", "/dev", "what",
			   "read-only tmpfs: null, zero, full, random, urandom bound from the host; "
			   "fd, stdin, stdout, stderr links",
			   "target", "/sys", "what", "sysfs, read-only", "target", "/sys/fs/cgroup",
			   "what",
			   !env->have_cg ? "nothing (no cgroup)"
			   : env->cg.mode == VB_CG_V2
				   ? "cgroup2, read-only, rooted at the container's cgroup"
				   : "read-only tmpfs with the cpuset, memory and cpuacct hierarchies, "
				     "read-only, rooted at the container's cgroup",
			   "target", "/tmp", "what", "tmpfs " CT_TMPFS_TMP ", nosuid, nodev");
	if (scratch[0])
		json_array_append_new(mounts, json_pack("{s:s,s:s}", "target", scratch, "what",
							"the host's scratch directory, bind-mounted "
							"read-write (nosuid, nodev)"));
	if (p->device[0])
		json_array_append_new(mounts,
				      json_pack("{s:s,s:s}", "target", env->cfg->scratch, "what",
						"the host's block device node (--allow-device), "
						"bind-mounted into /dev: the I/O workloads write to it"));
	o = json_pack("{s:o,s:[sssssss*],s:{s:b,s:s},s:s,s:s,s:o,s:o,s:{s:o,s:s,s:b,s:b,s:s},"
		      "s:s}",
		      "limits", vb_env_limits_json(env), "namespaces", "pid", "mount",
		      vb_netpath_ns_name(env), "uts", "ipc", "cgroup",
		      p->userns ? "user" : NULL, "user_namespace", "used", p->userns, "why",
		      p->userns ? "vbench is not root: uid and gid mapped to 0 inside"
				: "vbench runs as root: the agent runs as uid 0 without capabilities",
		      "hostname", CT_HOSTNAME, "init",
		      "vbench's clone as PID 1 (joins the cgroup, mounts, pivots, drops "
		      "privileges), then the agent's init exec'd from the rootfs (forks serve, "
		      "reaps)",
		      "rootfs", vb_rootfs_to_json(&p->rootfs), "mounts", mounts, "hardening",
		      "capabilities", vb_ct_caps_json(p->keep_caps), "capabilities_why", p->keep_why,
		      "no_new_privs", 1, "root_readonly", 1, "bounding_set",
		      "every capability dropped except the ones kept",
		      "command", "vbench-agent init (serve in its child)");
	return o ? o : json_object();
}

/* The rootfs tree (the stop, the namespaces' end and the cgroup: the
 * common sequence, env_life.c). */
/* The veth pair into the container's namespace, made the first time a
 * network workload asks (its set-up is not in the start latency). */
static int ct_net_path(vb_env_t *env, vb_net_path_t *np, vb_error_t *err)
{
	ct_priv_t *p = env->priv;

	if (vb_netpath_is_host(env)) {
		vb_netpath_host_path(np);
		return 0;
	}
	if (!p || p->netns_fd < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "container: its network namespace could not be opened");
	if (!p->net.up && vb_netpath_veth(&p->net, p->netns_fd, vb_netpath_is_nat(env), err) < 0)
		return vb_error_prefix(err, "container");
	vb_netpath_path(&p->net, np);
	return 0;
}

static void ct_cleanup(vb_env_t *env)
{
	ct_priv_t *p = env->priv;

	if (!p)
		return;
	vb_netpath_down(&p->net);
	if (p->netns_fd >= 0)
		close(p->netns_fd);
	if (p->have_rootfs)
		vb_rootfs_destroy(&p->rootfs);
	if (p->ckdir_res)
		vb_undo_release(p->ckdir_res);
	free(p);
	env->priv = NULL;
}

const vb_env_ops_t vb_env_container = {
	.version = VB_ENV_OPS_VERSION,
	.name = "container",
	.type = "container",
	.mechanism = "namespaces+cgroups (vbench runtime)",
	.arch = VB_ARCH_CONTAINER,
	.mech = VB_MECH_NONE,
	.caps = VB_ENV_NEEDS_ROOT | VB_ENV_OWN_ROOT,
	.probe = ct_probe,
	.prepare = ct_prepare,
	.start = ct_start,
	.disk_usage = ct_disk_usage,
	.describe = ct_describe,
	.net_path = ct_net_path,
	.net_modes = vb_netpath_modes,
	.cleanup = ct_cleanup,
	.op_why = vb_container_op_why,
	.save = vb_container_save, /* CRIU, driven directly (container_ops.c) */
	.restore = vb_container_restore,
	.lost = vb_container_lost,
	.op_mechanism = "criu dump and criu restore of the container's processes (its "
			"namespaces and mounts; the agent's pipes and log handed back with "
			"--inherit-fd), CRIU staying the restored init's parent",
};
