/*
 * ct_common.c - pieces every container backend shares (ct_common.h).
 */
#include "harness/env/ct_common.h"
#include "harness/env/criu.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "harness/core/undo.h"
#include "lib/safefs.h"
#include "lib/testpoint.h"
#include "lib/util.h"

const vb_ct_dev_t vb_ct_devs[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 }, { "urandom", 1, 9 },
};
const size_t vb_ct_ndevs = VB_ARRAY_SIZE(vb_ct_devs);

/* Index = capability number (linux/capability.h). */
static const char *const cap_names[] = {
	"CAP_CHOWN",	      "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID",	      "CAP_KILL",	    "CAP_SETGID",	   "CAP_SETUID",
	"CAP_SETPCAP",	      "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",      "CAP_NET_RAW",	    "CAP_IPC_LOCK",	   "CAP_IPC_OWNER",
	"CAP_SYS_MODULE",     "CAP_SYS_RAWIO",	    "CAP_SYS_CHROOT",	   "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",      "CAP_SYS_ADMIN",	    "CAP_SYS_BOOT",	   "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",   "CAP_SYS_TIME",	    "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
	"CAP_LEASE",	      "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",   "CAP_MAC_ADMIN",	    "CAP_SYSLOG",	   "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",	    "CAP_PERFMON",	   "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

const char *vb_ct_cap_name(int cap)
{
	return cap >= 0 && (size_t)cap < VB_ARRAY_SIZE(cap_names) ? cap_names[cap] : NULL;
}

json_t *vb_ct_caps_json(uint64_t caps)
{
	json_t *a = json_array();
	int cap;

	for (cap = 0; a && cap < 64; cap++)
		if ((caps & (1ull << cap)) && vb_ct_cap_name(cap))
			json_array_append_new(a, json_string(vb_ct_cap_name(cap)));
	return a;
}

uint64_t vb_ct_caps_choose(int userns, char *why, size_t len)
{
	char *s = vb_read_file("/proc/sys/kernel/perf_event_paranoid", 64, 1, NULL);
	int paranoid = s ? atoi(s) : 2;

	free(s);
	if (userns) {
		snprintf(why, len, "none: capabilities in a user namespace do not reach perf events");
		return 0;
	}
	if (paranoid > 1 && prctl(PR_CAPBSET_READ, CAP_PERFMON, 0, 0, 0) == 1) {
		snprintf(why, len,
			 "CAP_PERFMON: perf_event_paranoid=%d would limit counters to user space, "
			 "bare metal counts kernel events too",
			 paranoid);
		return 1ull << CAP_PERFMON;
	}
	snprintf(why, len, "none needed (perf_event_paranoid=%d)", paranoid);
	return 0;
}

void vb_ct_env_build(vb_ct_env_t *e, const vb_rootfs_t *rf, const char *container_value)
{
	static const char *const pass[] = { "PAPI_", "LIBPFM_", "VBENCH_" };
	const char *ldlp = getenv("LD_LIBRARY_PATH");
	extern char **environ;
	const size_t sz = sizeof(e->s[0]);
	size_t n = 0, i;
	char **v;

	snprintf(e->s[n++], sz, "PATH=/usr/local/bin:/usr/bin:/bin");
	snprintf(e->s[n++], sz, "HOME=/");
	snprintf(e->s[n++], sz, "container=%s", container_value);
	if (rf->libpath[0] || ldlp)
		snprintf(e->s[n++], sz, "LD_LIBRARY_PATH=%s%s%s", ldlp ? ldlp : "",
			 ldlp && rf->libpath[0] ? ":" : "", rf->libpath);
	for (v = environ; v && *v && n < VB_CT_MAX_ENV; v++)
		for (i = 0; i < VB_ARRAY_SIZE(pass); i++)
			if (!strncmp(*v, pass[i], strlen(pass[i])) && strlen(*v) < sz &&
			    n < VB_CT_MAX_ENV)
				snprintf(e->s[n++], sz, "%s", *v);
	for (i = 0; i < n; i++)
		e->envp[i] = e->s[i];
	e->envp[n] = NULL;
	e->n = n;
}

int vb_ct_reap_within(pid_t pid, int ms, int *status)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), st = 0, i, got;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (fd >= 0) {
		while (poll(&pfd, 1, ms) < 0 && errno == EINTR)
			;
		close(fd);
		got = waitpid(pid, &st, WNOHANG) == pid;
	} else {
		for (got = 0, i = 0; !got && i <= ms; i++) {
			got = waitpid(pid, &st, WNOHANG) == pid;
			if (!got)
				usleep(1000);
		}
	}
	if (got && status)
		*status = st;
	return got;
}

void vb_ct_cgroup_wait_empty(const vb_cgroup_t *cg, int timeout_ms)
{
	const char *dir = cg->mode == VB_CG_V2 ? cg->v2 : cg->memory;
	uint64_t end = vb_now_ns() + (uint64_t)timeout_ms * 1000000u;
	char path[PATH_MAX + 16], *s;
	int empty;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	for (;;) {
		s = vb_read_file(path, 4096, 1, NULL);
		empty = !s || !s[0];
		free(s);
		if (empty || vb_now_ns() >= end)
			return;
		usleep(1000);
	}
}

pid_t vb_ct_parent_of(pid_t pid)
{
	vb_pid_stat_t st;

	return vb_pid_stat(pid, &st) == 0 ? st.ppid : 0;
}

int vb_ct_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	char c[512];

	if (op == VB_OP_MIGRATE)
		snprintf(why, len, "%s: a container is not moved live (CRIU's page server and lazy "
				   "pages are not used by vbench)", env->name);
	else if (vb_criu_probe(c, sizeof(c)) < 0)
		snprintf(why, len, "%s: checkpoint needs CRIU: %s", env->name, c);
	else
		snprintf(why, len, "%s: no instance prepared to checkpoint", env->name);
	return -1;
}

int vb_ct_criu_why(vb_env_t *env, int veth_up, char *why, size_t len)
{
	char c[512];

	if (veth_up)
		return snprintf(why, len, "%s: not with the veth of a network workload in the "
					  "container (not restored by vbench): --ops without network "
					  "workloads",
				env->name),
		       -1;
	if (vb_criu_probe(c, sizeof(c)) < 0)
		return snprintf(why, len, "%s: checkpoint needs CRIU: %s", env->name, c), -1;
	return 0;
}

int vb_ct_image_fresh(vb_env_t *env, const char *bundle, char *path, size_t len, vb_error_t *err)
{
	int dfd = vb_safefs_open_dir(AT_FDCWD, bundle, 0), rc = 0;

	if (dfd < 0)
		return vb_error_sys(err, "%s: %s", env->name, bundle);
	vb_safefs_rm_tree_at(dfd, VB_CT_IMAGE_DIR);
	if (mkdirat(dfd, VB_CT_IMAGE_DIR, 0700) < 0)
		rc = vb_error_sys(err, "%s: %s/%s", env->name, bundle, VB_CT_IMAGE_DIR);
	close(dfd);
	snprintf(path, len, "%s/%s", bundle, VB_CT_IMAGE_DIR);
	return rc;
}

int vb_ct_image_sync(const char *path)
{
	int dfd = vb_safefs_open_dir(AT_FDCWD, path, 0), rc = 0;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	while ((e = readdir(d))) {
		/* O_NONBLOCK: a FIFO put there is not waited on (docker's
		 * directory is the daemon's) */
		int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct stat st;

		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fsync(fd) < 0)
			rc = -1;
		close(fd);
	}
	if (fsync(dfd) < 0)
		rc = -1;
	closedir(d);
	return rc;
}

int vb_ct_checkpoint(vb_env_t *env, char *const argv[], const char *what, const char *image,
		     unsigned flags, json_t *m, vb_error_t *err)
{
	char errs[2048];
	vb_proc_opts_t o = { .timeout_ms = (int)(env->cfg->rep_timeout_s * 1000) };
	uint64_t t0, t1, bytes = 0;
	int rc;

	vb_test_point("dump", env->name); /* before the runtime starts its dump */
	t0 = vb_now_ns();
	rc = vb_proc_capture(argv, &o, NULL, 0, errs, sizeof(errs), err);
	if (rc > 0)
		return vb_proc_failed(err, VB_EUNAVAIL, rc, errs, NULL, "%s: `%s`", env->name, what);
	if (rc < 0)
		return vb_error_prefix(err, "%s: %s", env->name, what);
	if (vb_ct_image_sync(image) < 0)
		return vb_error_sys(err, "%s: fsync the image %s", env->name, image);
	t1 = vb_now_ns();
	vb_test_point("save", env->name);
	/* the instance is gone: the runtime's foreground process exits, its
	 * channel with it */
	env->chan.dead = 1;
	vb_chan_close(&env->chan, vb_env_stop_ms(env, 0));
	if (env->undo_res && !(flags & VB_CT_CKPT_KEEP)) {
		vb_undo_release(env->undo_res); /* the runtime's delete: the id is free */
		env->undo_res = 0;
	}
	vb_du_bytes(image, &bytes);
	json_object_set_new(m, "time_ns", json_integer((json_int_t)(t1 - t0)));
	json_object_set_new(m, "image_bytes", json_integer((json_int_t)bytes));
	json_object_set_new(m, "state_after", json_string("stopped"));
	return 0;
}

int vb_ct_restore(vb_env_t *env, const char *bundle,
		  int (*spawn)(vb_env_t *env, const char *image, vb_error_t *err), json_t *m,
		  vb_error_t *err)
{
	char image[PATH_MAX];
	uint64_t t0 = vb_now_ns();

	snprintf(image, sizeof(image), "%s/%s", bundle, VB_CT_IMAGE_DIR);
	if (spawn(env, image, err) < 0)
		return -1;
	vb_test_point("restore", env->name);
	json_object_set_new(m, "launch_ns", json_integer((json_int_t)(vb_now_ns() - t0)));
	return 0;
}
