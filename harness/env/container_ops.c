/*
 * container_ops.c - save and restore of vbench's own container (env.h
 * vb_env_ops_t) through CRIU, driven directly (no runtime between).
 *
 * save:    `criu dump -t INIT -D DIR/image -W DIR/criu-work -o dump.log
 *          --ext-mount-map auto --external file[MNT:INO]`
 *          (ct_common.c vb_ct_checkpoint): CRIU freezes the container's
 *          processes (the agent's init, exec'd from the rootfs: container.c),
 *          dumps their memory, namespaces and mounts and ends them.  The
 *          bind mounts from the host (/dev nodes, the scratch directory)
 *          are external mounts CRIU finds again by their host paths; the
 *          agent's log, a host file outside the container, is declared
 *          external by its mount id and inode (read from the init's fd 2);
 *          the channel's pipes are dumped as pipes whose other ends are
 *          vbench's.
 * restore: `criu restore -D DIR/image --root ROOTFS --ext-mount-map auto
 *          --inherit-fd fd[3]:pipe:[IN] --inherit-fd fd[4]:pipe:[OUT]
 *          --inherit-fd fd[2]:file[MNT:INO] --pidfile ...`, spawned as the
 *          channel's process (the channel's new pipes on its fds 3 and 4,
 *          its stdin and stdout /dev/null, so that nothing CRIU prints
 *          enters the protocol; its stderr the agent log): CRIU hands those
 *          to the restored processes in place of the dumped ones, and stays
 *          their parent (not detached), so the init's parent-death signal,
 *          restored too, ends the container when CRIU ends; CRIU then exits
 *          0 whatever the init's status was (it does not pass it on).  The
 *          next save dumps the restored init, found by CRIU's pid file and
 *          checked to be CRIU's child; each save records whether the init
 *          is in the allocation's cgroup (CRIU restores the membership the
 *          dump recorded).
 * Refused: a user namespace (vbench not root: CRIU needs root), a
 * container given a veth by a network workload (the restored namespace
 * would not have it), and where CRIU's probe fails (its own error).  The
 * image directory /var/tmp/vbench-ctckpt-RUNID-* is in the undo log; the
 * lost hook says how CRIU ended and where its logs are.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/cgroup.h"
#include "harness/core/marker.h"
#include "harness/core/undo.h"
#include "harness/env/container_int.h"
#include "harness/env/criu.h"
#include "lib/util.h"

#define CT_CRIU_WORK "criu-work" /* CRIU's logs and pid file: not in the image's size */

int vb_container_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	ct_priv_t *p = env->priv;

	if (op == VB_OP_MIGRATE || !p)
		return vb_ct_op_why(env, op, why, len);
	if (p->userns)
		return snprintf(why, len, "%s: its checkpoint needs root (CRIU), and vbench runs "
					  "it in a user namespace",
				env->name),
		       -1;
	return vb_ct_criu_why(env, p->net.up, why, len);
}

/* The checkpoint's private directory (made once, in the undo log) with
 * CRIU's work directory in it.  0, or -1 with @err. */
static int ckpt_dir(vb_env_t *env, ct_priv_t *p, vb_error_t *err)
{
	char work[PATH_MAX + 16];

	if (p->ckdir[0])
		return 0;
	snprintf(p->ckdir, sizeof(p->ckdir), "/var/tmp/vbench-ctckpt-%s-XXXXXX",
		 vb_marker_run_id());
	if (!mkdtemp(p->ckdir)) {
		p->ckdir[0] = '\0';
		return vb_error_sys(err, "%s: create directory in /var/tmp", env->name);
	}
	p->ckdir_res = vb_undo_add_path(VB_UNDO_DIR, p->ckdir);
	snprintf(work, sizeof(work), "%s/%s", p->ckdir, CT_CRIU_WORK);
	if (!p->ckdir_res || mkdir(work, 0700) < 0) {
		vb_error_sys(err, "%s: %s", env->name, p->ckdir_res ? work : "register a directory");
		if (p->ckdir_res)
			vb_undo_release(p->ckdir_res); /* removes it */
		else
			vb_rm_rf(p->ckdir);
		p->ckdir_res = 0;
		p->ckdir[0] = '\0';
		return -1;
	}
	return 0;
}

/* The container's init as the host sees it: vbench's clone until the
 * first restore, then the task CRIU restored (its pid file, checked to be
 * CRIU's child).  0 when unknown. */
static pid_t init_pid(const vb_env_t *env, const ct_priv_t *p)
{
	char path[PATH_MAX + 48], *s;
	long pid;
	pid_t ppid;

	if (!p->restored)
		return env->chan.pid;
	if (env->chan.pid <= 0) /* CRIU already reaped: no restored init */
		return 0;
	snprintf(path, sizeof(path), "%s/%s/restore.pid", p->ckdir, CT_CRIU_WORK);
	s = vb_read_file(path, 64, 0, NULL);
	pid = s ? strtol(s, NULL, 10) : 0;
	free(s);
	if (pid <= 0)
		return 0;
	ppid = vb_ct_parent_of((pid_t)pid);
	return ppid > 0 && ppid == env->chan.pid ? (pid_t)pid : 0;
}

/* The identity of @pid's fd 2 (the agent log, a host file) as CRIU names
 * an external file: "file[MNT:INO]" in hex, into @key.  0 or -1. */
static int log_key(pid_t pid, char *key, size_t len)
{
	char path[64], *s, *m;
	struct stat sb;
	long mnt;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/2", (int)pid);
	s = vb_read_file(path, 4096, 0, NULL);
	m = s ? strstr(s, "mnt_id:") : NULL;
	mnt = m ? strtol(m + 7, NULL, 10) : -1;
	free(s);
	snprintf(path, sizeof(path), "/proc/%d/fd/2", (int)pid);
	if (mnt < 0 || stat(path, &sb) < 0)
		return -1;
	snprintf(key, len, "file[%lx:%llx]", (unsigned long)mnt, (unsigned long long)sb.st_ino);
	return 0;
}

/* Whether @pid is in @env's allocation cgroup (its memory hierarchy, or
 * its v2 directory): 1 or 0; -1 without a cgroup. */
static int in_allocation(const vb_env_t *env, pid_t pid)
{
	vb_cgroup_t cg;
	vb_error_t e;

	if (!env->have_cg)
		return -1;
	memset(&cg, 0, sizeof(cg));
	if (vb_cgroup_of_pid(&cg, env->cfg->cgroup_root, pid, &e) < 0)
		return 0;
	return env->cg.mode == VB_CG_V2 ? !strcmp(cg.v2, env->cg.v2)
					: !strcmp(cg.memory, env->cg.memory);
}

int vb_container_save(vb_env_t *env, json_t *m, vb_error_t *err)
{
	ct_priv_t *p = env->priv;
	char image[PATH_MAX], work[PATH_MAX + 16], tpid[24];
	char *argv[] = { (char *)vb_criu_path(), "dump", "-t", tpid, "-D", image, "-W", work,
			 "-o", "dump.log", "--ext-mount-map", "auto", "--external", p->log_key,
			 NULL };
	struct stat in, out;
	pid_t pid;
	int cg;

	if (ckpt_dir(env, p, err) < 0 || vb_ct_image_fresh(env, p->ckdir, image, sizeof(image), err) < 0)
		return -1;
	snprintf(work, sizeof(work), "%s/%s", p->ckdir, CT_CRIU_WORK);
	pid = init_pid(env, p);
	if (pid <= 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: its init's pid is not known (%s)",
				    env->name, p->restored ? "CRIU's pid file" : "not started");
	snprintf(tpid, sizeof(tpid), "%d", (int)pid);
	if (log_key(pid, p->log_key, sizeof(p->log_key)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s: the mount id and inode of its init's fd 2 (the agent log) "
				    "could not be read from /proc/%d",
				    env->name, (int)pid);
	/* vbench's ends of the channel name the pipes the agent holds */
	if (fstat(env->chan.wfd, &in) < 0 || fstat(env->chan.rfd, &out) < 0)
		return vb_error_sys(err, "%s: the channel's pipes", env->name);
	p->pipe_in = (unsigned long long)in.st_ino;
	p->pipe_out = (unsigned long long)out.st_ino;
	cg = in_allocation(env, pid);
	if (vb_ct_checkpoint(env, argv, "criu dump", image, 0, m, err) < 0)
		return vb_error_suffix(err, " (CRIU's log: %s/dump.log)", work);
	if (cg >= 0)
		json_object_set_new(m, "in_allocation_cgroup", json_boolean(cg));
	json_object_set_new(m, "image_path", json_string(image));
	json_object_set_new(m, "criu", json_string(vb_criu_path()));
	return 0;
}

/* In CRIU's child before exec: a mount namespace of its own, private, so
 * that what CRIU mounts for the restore's lifetime (its "cgyard" of cgroup
 * hierarchies, in its work directory, until it exits) ends with it, also
 * when it is killed; the channel's pipes (stdin, stdout) moved to fds 3
 * and 4, stdin and stdout /dev/null (what CRIU prints there must not enter
 * the protocol).  Async-signal-safe. */
static int pipes_aside(void *arg)
{
	int null;

	(void)arg;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	if (dup2(0, 3) < 0 || dup2(1, 4) < 0)
		return -1;
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
		return -1;
	if (null > 4)
		close(null);
	return 0;
}

/* `criu restore` as the channel's process (vb_ct_restore's spawn). */
static int restore_spawn(vb_env_t *env, const char *image, vb_error_t *err)
{
	ct_priv_t *p = env->priv;
	char work[PATH_MAX + 16], pidf[PATH_MAX + 32], fd0[64], fd1[64], fd2[80];
	char *argv[] = { (char *)vb_criu_path(),
			 "restore",
			 "-D",
			 (char *)image,
			 "-W",
			 work,
			 "-o",
			 "restore.log",
			 "--root",
			 p->rootfs.dir,
			 "--ext-mount-map",
			 "auto",
			 "--pidfile",
			 pidf,
			 "--inherit-fd",
			 fd0,
			 "--inherit-fd",
			 fd1,
			 "--inherit-fd",
			 fd2,
			 NULL };
	vb_spawn_t sp = { .argv = argv, .cpus = env->cfg->env_cpus, .child_hook = pipes_aside };
	int log = -1, rc;

	snprintf(work, sizeof(work), "%s/%s", p->ckdir, CT_CRIU_WORK);
	snprintf(pidf, sizeof(pidf), "%s/restore.pid", work);
	unlink(pidf);
	snprintf(fd0, sizeof(fd0), "fd[3]:pipe:[%llu]", p->pipe_in);
	snprintf(fd1, sizeof(fd1), "fd[4]:pipe:[%llu]", p->pipe_out);
	snprintf(fd2, sizeof(fd2), "fd[2]:%s", p->log_key);
	/* the agent log the dump named: the run's (opened safely), else the
	 * /dev/null the start gave */
	log = env->cfg->log_fd >= 0 ? fcntl(env->cfg->log_fd, F_DUPFD_CLOEXEC, 3)
				    : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (log < 0)
		return vb_error_sys(err, "%s: the agent log", env->name);
	sp.stderr_fd = log;
	p->restored = 1;
	env->launch_ns = vb_now_ns();
	rc = vb_chan_spawn(&env->chan, env->name, &sp, err);
	close(log);
	if (rc < 0)
		return vb_error_prefix(err, "%s: criu restore", env->name);
	return 0;
}

int vb_container_restore(vb_env_t *env, json_t *m, vb_error_t *err)
{
	return vb_ct_restore(env, ((ct_priv_t *)env->priv)->ckdir, restore_spawn, m, err);
}

void vb_container_lost(vb_env_t *env, vb_error_t *err)
{
	ct_priv_t *p = env->priv;
	int code;
	char line[8];

	if (!p || !p->restored || !vb_env_launcher_ended(env, NULL, 500, &code, line, sizeof(line)))
		return;
	/* the tasks CRIU restored and killed when it failed are orphans now:
	 * gone from the cgroup once the host's init reaps them */
	if (env->have_cg)
		vb_ct_cgroup_wait_empty(&env->cg, 5000);
	if (code == 0) /* CRIU waited for the init, whose status it does not pass on */
		vb_error_suffix(err, " (the restored container ended: `criu restore` exited 0 "
				     "after it; its log: %s/%s/restore.log)",
				p->ckdir, CT_CRIU_WORK);
	else
		vb_error_suffix(err, " (`criu restore` exited %d; CRIU's log: %s/%s/restore.log)",
				code, p->ckdir, CT_CRIU_WORK);
}
