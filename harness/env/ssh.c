/*
 * ssh.c - `ssh:NAME`: the agent on a machine vbench cannot start itself (a
 * VirtualBox, VMware, Hyper-V, ESXi, Xen or Parallels guest), reached over
 * SSH, described by a section of the remotes file (--remotes, ssh_int.h).
 *
 * The identical agent goes there with exactly its libraries and its
 * interpreter (the rootfs closure as a tar: rootfs_tar.c) into a private
 * directory WORKDIR/vbench-remote-<run id>-NAME that must not exist yet,
 * every file checked by its SHA-256 against the local one, and runs as
 *
 *   ssh -F /dev/null -T -o BatchMode=yes -o StrictHostKeyChecking=yes ...
 *       -p PORT -l USER -- ADDRESS
 *       'exec DIR/INTERP --library-path DIR/LIBDIRS DIR/usr/libexec/vbench/vbench-agent serve'
 *
 * over the SSH session's stdin/stdout: no password prompt ever (BatchMode),
 * the remote's host key checked against the known_hosts file the user
 * names (or, with --accept-new-host-key, a host not yet in it accepted and
 * added), no user or system ssh configuration read.  The remote shell sees
 * only strings built here from values ssh_remote.c checked against a
 * closed set of characters.
 *
 * vbench cannot enforce the allocation there: every run says so, with what
 * the remote was configured with and what the agent found.  The directory
 * is removed at the stop, on every exit path (registered), and by `vbench
 * clean` from the marker's record.  The network and application workloads
 * are not run (no path from the host to a remote's servers yet).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "harness/core/options.h"
#include "harness/core/runproc.h"
#include "harness/core/undo.h"
#include "harness/env/ct_common.h"
#include "harness/env/env.h"
#include "harness/env/ssh_int.h"
#include "harness/image/rootfs.h"
#include "lib/textsafe.h"
#include "lib/util.h"

#define SSH_ASK_TIMEOUT_MS 30000  /* mkdir + tar, sha256sum, rm (on top of the connect) */
#define SSH_RM_TIMEOUT_MS 15000
#define SSH_MAX_FILES (VB_ROOTFS_MAX_LIBS + 2)

/* ==== the backend's options ============================================= */

typedef struct ssh_conf {
	const char *remotes; /* --remotes FILE */
	int accept_new;      /* --accept-new-host-key */
} ssh_conf_t;

static int remotes_check(const char *v, vb_error_t *err)
{
	vb_remotes_t *rs = malloc(sizeof(*rs));
	int rc;

	if (!rs)
		return vb_error_set(err, VB_ESYS, ENOMEM, "--remotes");
	rc = vb_ssh_remotes_load(v, rs, err);
	free(rs);
	return rc < 0 ? vb_error_prefix(err, "--remotes") : 0;
}

static const ssh_conf_t ssh_defaults = { .remotes = NULL, .accept_new = 0 };

static const vb_opt_t ssh_opts[] = {
	{ .name = "--remotes", .arg = "FILE", .def = "none",
	  .help = "the machines of the ssh:NAME environments, one [NAME] section each "
		  "(docs/remote.md)",
	  .check = remotes_check, VB_OPT_STR_AT(ssh_conf_t, remotes) },
	{ .name = "--accept-new-host-key",
	  .help = "ssh: accept (and add to its known_hosts) the key of a remote not yet in it; "
		  "a changed key is always refused",
	  VB_OPT_FLAG_AT(ssh_conf_t, accept_new) },
};

static const vb_env_options_t ssh_options = {
	.opts = ssh_opts,
	.nopts = VB_ARRAY_SIZE(ssh_opts),
	.conf_size = sizeof(ssh_conf_t),
	.defaults = &ssh_defaults,
};

/* ==== probe and the remotes file ========================================== */

static const ssh_conf_t *conf_of(const struct vb_run_cfg *cfg)
{
	return vb_env_conf_of(cfg, &ssh_options);
}

static int ssh_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	char path[PATH_MAX];

	if (vb_proc_which("ssh", path, sizeof(path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "no ssh client (apt-get install openssh-client)");
	if (!conf_of(cfg)->remotes)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "a machine vbench does not start: describe it in a remotes file "
				    "and name it, --remotes FILE --env ssh:NAME (docs/remote.md)");
	return 0;
}

static size_t ssh_targets(const struct vb_run_cfg *cfg, char (*names)[VB_ENV_TARGET_MAX],
			  size_t max)
{
	vb_remotes_t *rs;
	vb_error_t err;
	size_t i, n = 0;

	if (!conf_of(cfg)->remotes || !(rs = malloc(sizeof(*rs))))
		return 0;
	if (vb_ssh_remotes_load(conf_of(cfg)->remotes, rs, &err) == 0)
		for (i = 0; i < rs->n && n < max; i++)
			snprintf(names[n++], VB_ENV_TARGET_MAX, "%s", rs->r[i].name);
	free(rs);
	return n;
}

/* ==== the instance ======================================================== */

typedef struct ssh_priv {
	vb_remote_t r;
	vb_ssh_peer_t peer;
	char dir[PATH_MAX];          /* the private directory on the remote */
	char local[PATH_MAX];        /* vbench's own: the tar, ssh's stderr */
	int local_res;
	char log[PATH_MAX];
	vb_rootfs_t rootfs;          /* the agent's closure (resolved, not on disk) */
	char files[SSH_MAX_FILES][PATH_MAX]; /* host paths, and ... */
	char inside[SSH_MAX_FILES][PATH_MAX];/* ... where each is under dir */
	size_t nfiles;
	uint64_t bytes;              /* the tar sent */
	char run_cmd[8192];          /* the remote command that runs the agent */
	int made;                    /* dir exists there (created by this run) */
	char *rm_argv[VB_SSH_MAX_ARGS + 2];
	char rm_cmd[PATH_MAX + 256];
	char scratch[PATH_MAX];      /* the disk workloads' directory there */
	int dir_res;                 /* registered removal */
} ssh_priv_t;

/* `ssh ... rm -rf -- DIR`: registry release, also on the forced-exit path. */
static void remote_remove(void *arg)
{
	ssh_priv_t *p = arg;
	vb_proc_opts_t o = { .timeout_ms = SSH_RM_TIMEOUT_MS };

	if (p->made && vb_proc_run_quiet(p->rm_argv, &o) == 0)
		p->made = 0;
}

static json_t *undo_record(const ssh_priv_t *p)
{
	return json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:b}", "undo", "ssh", "address",
			 p->peer.address, "user", p->peer.user, "port", (int)p->peer.port, "key",
			 p->peer.key, "known_hosts", p->peer.known, "dir", p->dir, "accept_new",
			 p->peer.accept_new);
}

/* The files of the closure: the agent, its interpreter, its libraries. */
static int list_files(ssh_priv_t *p, vb_error_t *err)
{
	const vb_rootfs_t *rf = &p->rootfs;
	size_t i;

#define ADD(host, in)                                                                              \
	do {                                                                                       \
		if (!vb_ssh_safe_path((in), PATH_MAX - 300))                                      \
			return vb_error_set(err, VB_EUNAVAIL, 0,                                   \
					    "%s: a path vbench does not pass to a remote shell "  \
					    "(letters, digits and '/._+-' only)",                 \
					    (in));                                                 \
		snprintf(p->files[p->nfiles], PATH_MAX, "%s", (host));                            \
		snprintf(p->inside[p->nfiles++], PATH_MAX, "%s", (in));                           \
	} while (0)
	ADD(rf->program, rf->inside);
	if (rf->interp[0])
		ADD(rf->interp, rf->interp);
	for (i = 0; i < rf->nlibs && p->nfiles < SSH_MAX_FILES; i++)
		ADD(rf->libs[i].path, rf->libs[i].path);
#undef ADD
	return 0;
}

/* The remote command that runs the agent: its interpreter with the
 * libraries' directories under dir (a remote's own are never used). */
static int make_run_cmd(ssh_priv_t *p, vb_error_t *err)
{
	int n;
	char dirs[4096] = ":", d[PATH_MAX + 2], *slash;
	size_t i, off = 1;

	/* files[0] is the agent, [1] its interpreter (list_files): the
	 * libraries' directories, each once (":D:" looked for in ":DIRS:") */
	for (i = p->rootfs.interp[0] ? 2 : 1; i < p->nfiles; i++) {
		snprintf(d, sizeof(d), ":%s%s", p->dir, p->inside[i]);
		if ((slash = strrchr(d, '/')) != NULL)
			strcpy(slash, ":");
		if (strstr(dirs, d))
			continue;
		off += (size_t)snprintf(dirs + off, sizeof(dirs) - off, "%s", d + 1);
		if (off >= sizeof(dirs))
			return vb_error_set(err, VB_EUNAVAIL, 0, "ssh: library path too long");
	}
	if (off > 1)
		dirs[off - 1] = '\0'; /* the last ':' */
	if (!p->rootfs.interp[0])
		n = snprintf(p->run_cmd, sizeof(p->run_cmd), "exec %s%s serve", p->dir,
			     p->inside[0]);
	else
		n = snprintf(p->run_cmd, sizeof(p->run_cmd), "exec %s%s --library-path %s %s%s serve",
			     p->dir, p->rootfs.interp, off > 1 ? dirs + 1 : p->dir, p->dir,
			     p->inside[0]);
	if (n < 0 || (size_t)n >= sizeof(p->run_cmd))
		return vb_error_set(err, VB_EUNAVAIL, 0, "ssh: the agent's command is too long");
	return 0;
}

/* Send the closure as a tar into a new dir there, then check every file's
 * SHA-256 against the local one. */
static int send_agent(ssh_priv_t *p, vb_error_t *err)
{
	char tar[PATH_MAX], cmd[PATH_MAX * 3 + 128], made[64] = "", sumpath[PATH_MAX];
	char *local_out = NULL;
	char *remote_out = NULL;
	char *sum[SSH_MAX_FILES + 3], *vcmd = NULL;
	vb_proc_opts_t o = { .timeout_ms = SSH_ASK_TIMEOUT_MS };
	size_t i, off, cap = 65536, vcap;
	struct stat st;
	int fd, rc = -1;
	json_t *undo;

	snprintf(tar, sizeof(tar), "%s/agent.tar", p->local);
	fd = open(tar, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return vb_error_sys(err, "ssh: %s", tar);
	if (vb_rootfs_tar(&p->rootfs, fd, err) < 0 || fstat(fd, &st) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return vb_error_prefix(err, "ssh: the agent's tar");
	}
	p->bytes = (uint64_t)st.st_size;
	/* registered before it exists there: a kill between mkdir and the
	 * record would leave it */
	undo = undo_record(p);
	p->made = 1;
	p->dir_res = vb_undo_add_undo(remote_remove, p, "ssh remote directory", undo);
	json_decref(undo);
	if (!p->dir_res) {
		close(fd);
		p->made = 0;
		return vb_error_set(err, VB_ESYS, 0, "ssh: the resource registry is full");
	}
	/* "made" once the directory is ours: a failure before it (it existed)
	 * must never remove it */
	snprintf(cmd, sizeof(cmd),
		 "umask 077 && mkdir -- %s && echo made && mkdir -- %s/scratch && cd -- %s && "
		 "tar -x -f -",
		 p->dir, p->dir, p->dir);
	/* the copy's deadline grows with its size: 1 s a megabyte at least */
	rc = vb_ssh_peer_run(&p->peer, cmd, fd,
			     SSH_ASK_TIMEOUT_MS + p->peer.connect_s * 1000 +
				     (int)(p->bytes / 1000000) * 1000,
			     made,
		      sizeof(made), "copy the agent", err);
	close(fd);
	if (rc < 0) {
		if (!strstr(made, "made")) { /* someone else's, or never made */
			p->made = 0;
			vb_undo_forget(p->dir_res);
			p->dir_res = 0;
		}
		return -1;
	}
	/* the hashes: sha256sum here and there, in the same order */
	local_out = malloc(cap);
	remote_out = malloc(cap);
	vcap = 32 + p->nfiles * (strlen(p->dir) + PATH_MAX + 2);
	vcmd = malloc(vcap);
	if (!local_out || !remote_out || !vcmd) {
		vb_error_set(err, VB_ESYS, ENOMEM, "ssh");
		goto out;
	}
	if (vb_proc_which("sha256sum", sumpath, sizeof(sumpath)) < 0)
		snprintf(sumpath, sizeof(sumpath), "/usr/bin/sha256sum");
	sum[0] = sumpath;
	sum[1] = "--";
	for (i = 0; i < p->nfiles; i++)
		sum[2 + i] = p->files[i];
	sum[2 + i] = NULL;
	if (vb_proc_capture(sum, &o, local_out, cap, NULL, 0, err) != 0) {
		vb_error_prefix(err, "ssh: sha256sum of the agent's files here");
		goto out;
	}
	off = (size_t)snprintf(vcmd, vcap, "sha256sum --");
	for (i = 0; i < p->nfiles && off < vcap; i++)
		off += (size_t)snprintf(vcmd + off, vcap - off, " %s%s", p->dir, p->inside[i]);
	if (vb_ssh_peer_run(&p->peer, vcmd, -1, SSH_ASK_TIMEOUT_MS + p->peer.connect_s * 1000,
		     remote_out, cap, "sha256sum of the agent's files", err) < 0)
		goto out;
	{
		const char *a = local_out, *b = remote_out;

		for (i = 0; i < p->nfiles; i++) {
			if (strlen(a) < 64 || strlen(b) < 64 || strncmp(a, b, 64)) {
				vb_error_set(err, VB_EUNAVAIL, 0,
					     "%s: %s%s differs from %s after the copy (SHA-256)",
					     p->peer.address, p->dir, p->inside[i], p->files[i]);
				goto out;
			}
			a = strchr(a, '\n');
			b = strchr(b, '\n');
			if (!a || !b)
				break;
			a++, b++;
		}
		if (i + 1 < p->nfiles) {
			vb_error_set(err, VB_EUNAVAIL, 0, "%s: sha256sum gave %zu of %zu hashes",
				     p->peer.address, i + 1, p->nfiles);
			goto out;
		}
	}
	rc = 0;
out:
	free(local_out);
	free(remote_out);
	free(vcmd);
	return rc;
}

static int ssh_prepare(vb_env_t *env, vb_error_t *err)
{
	const struct vb_run_cfg *cfg = env->cfg;
	const ssh_conf_t *c = conf_of(cfg);
	vb_remotes_t *rs;
	const vb_remote_t *r;
	ssh_priv_t *p = calloc(1, sizeof(*p));
	int i;

	if (!p)
		return vb_error_set(err, VB_ESYS, ENOMEM, "ssh state");
	env->priv = p;
	if (!env->target[0] || !c->remotes)
		return ssh_probe(cfg, err) < 0 ? -1
					       : vb_error_set(err, VB_EUNAVAIL, 0,
							      "name the machine: --env ssh:NAME");
	rs = malloc(sizeof(*rs));
	if (!rs)
		return vb_error_set(err, VB_ESYS, ENOMEM, "ssh");
	if (vb_ssh_remotes_load(c->remotes, rs, err) < 0) {
		free(rs);
		return -1;
	}
	r = vb_ssh_remote_find(rs, env->target);
	if (r)
		p->r = *r;
	free(rs);
	if (!r)
		return vb_error_set(err, VB_EUNAVAIL, 0, "no section [%s] in %s", env->target,
				    c->remotes);
	if (vb_ssh_peer_init(&p->peer, &p->r, c->accept_new, (int)cfg->start_timeout_s, err) < 0)
		return -1;
	snprintf(p->dir, sizeof(p->dir), "%s/vbench-remote-%s-%s", p->r.workdir,
		 vb_marker_run_id(), env->target);
	if (p->r.scratch[0]) /* the user's, else the private directory's own */
		snprintf(p->scratch, sizeof(p->scratch), "%s", p->r.scratch);
	else
		snprintf(p->scratch, sizeof(p->scratch), "%s/scratch", p->dir);
	snprintf(p->local, sizeof(p->local), "/var/tmp/vbench-ssh-%s-XXXXXX", vb_marker_run_id());
	if (!mkdtemp(p->local)) {
		p->local[0] = '\0';
		return vb_error_sys(err, "ssh: a directory in /var/tmp");
	}
	p->local_res = vb_undo_add_path(VB_UNDO_DIR, p->local);
	snprintf(p->log, sizeof(p->log), "%s/ssh.log", p->local);
	if (vb_rootfs_resolve(&p->rootfs, cfg->agent_path, err) < 0 || list_files(p, err) < 0 ||
	    make_run_cmd(p, err) < 0)
		return vb_error_prefix(err, "%s", env->name);
	for (i = 0; i < p->peer.argc; i++)
		p->rm_argv[i] = p->peer.argv[i];
	vb_ssh_remove_cmd(p->dir, p->rm_cmd, sizeof(p->rm_cmd));
	p->rm_argv[i++] = p->rm_cmd;
	p->rm_argv[i] = NULL;
	if (send_agent(p, err) < 0)
		return vb_error_prefix(err, "%s", env->name);
	return 0;
}

static int ssh_start(vb_env_t *env, vb_error_t *err)
{
	ssh_priv_t *p = env->priv;
	char *argv[VB_SSH_MAX_ARGS + 2];
	vb_spawn_t sp = { .argv = argv, .stderr_path = p->log };
	int i;

	for (i = 0; i < p->peer.argc; i++)
		argv[i] = p->peer.argv[i];
	argv[i++] = p->run_cmd;
	argv[i] = NULL;
	env->launch_ns = vb_now_ns();
	if (vb_chan_spawn(&env->chan, env->name, &sp, err) < 0)
		return vb_error_prefix(err, "%s: start ssh", env->name);
	return 0;
}

/* The agent's ready message; an ssh that ended says why. */
static int ssh_ready(vb_env_t *env, vb_error_t *err)
{
	ssh_priv_t *p = env->priv;
	char what[320];

	snprintf(what, sizeof(what), "%s: %s: ssh", env->name, p->peer.address);
	return vb_env_wait_launched(env, what, p->log, 2000, err);
}

/* The request as the remote must receive it: its own scratch directory,
 * and never a host device. */
static json_t *ssh_adapt(vb_env_t *env, const json_t *req)
{
	ssh_priv_t *p = env->priv;
	json_t *r = json_copy((json_t *)req);

	if (r && json_object_get(r, "scratch"))
		json_object_set_new(r, "scratch", json_string(p->scratch));
	if (r)
		json_object_del(r, "allow_device");
	return r;
}

static json_t *ssh_run(vb_env_t *env, const json_t *req, vb_error_t *err)
{
	json_t *r = ssh_adapt(env, req), *reply;

	if (!r) {
		vb_error_set(err, VB_ESYS, ENOMEM, "%s: request", env->name);
		return NULL;
	}
	reply = vb_env_call(env, r, (int)(env->cfg->rep_timeout_s * 1000), err);
	json_decref(r);
	return reply;
}

static int ssh_net_path(vb_env_t *env, vb_net_path_t *np, vb_error_t *err)
{
	(void)np;
	return vb_error_set(err, VB_EUNAVAIL, 0,
			    "%s: no path from this host to a remote's servers yet", env->name);
}

static void ssh_cleanup(vb_env_t *env)
{
	ssh_priv_t *p = env->priv;

	if (!p)
		return;
	if (p->local[0])
		vb_env_keep_log(env, p->log);
	if (p->dir_res) {
		remote_remove(p);
		if (!p->made)
			vb_undo_forget(p->dir_res);
		else /* tried again at vbench's exit (still registered) */
			fprintf(stderr,
				"vbench: %s: could not remove %s on %s: vbench tries again as it "
				"exits; if it still does not answer then, remove it by hand\n",
				env->name, p->dir, p->peer.address);
	}
	if (p->local_res)
		vb_undo_release(p->local_res);
	free(p);
	env->priv = NULL;
}

/* `vbench clean` after a kill: the record is undo_record()'s.  The
 * directory must be WORKDIR/vbench-remote-<that run's id>-NAME, every
 * value within what ssh_remote.c accepts; then `rm -rf` there. */
static int ssh_undo(const json_t *rec, const char *run_id, char *msg, size_t len)
{
	const char *dir = json_string_value(json_object_get(rec, "dir")), *base;
	vb_remote_t r;
	vb_ssh_peer_t *peer;
	vb_error_t err;
	char want[128], cmd[PATH_MAX + 256];
	int rc;

	memset(&r, 0, sizeof(r));
	snprintf(want, sizeof(want), "vbench-remote-%s-", run_id);
	base = dir ? strrchr(dir, '/') : NULL;
	if (!dir || !vb_ssh_safe_path(dir, sizeof(r.workdir)) || !base ||
	    strncmp(base + 1, want, strlen(want)) || !base[1 + strlen(want)])
		return snprintf(msg, len, "ssh remote directory %s: not %s<run id>-NAME",
				dir ? dir : "(none)", want), -1;
#define S(k, f)                                                                                    \
	snprintf(r.f, sizeof(r.f), "%s", json_string_value(json_object_get(rec, k)) ?: "")
	S("address", address);
	S("user", user);
	S("key", key);
	S("known_hosts", known_hosts);
#undef S
	r.port = (unsigned)json_integer_value(json_object_get(rec, "port"));
	/* what the remotes file accepts (ssh_remote.c), nothing more */
	if (!vb_ssh_word(r.address, ".:-_", sizeof(r.address)) ||
	    !vb_ssh_word(r.user, "._-", sizeof(r.user)) || !r.port || r.port > 65535 ||
	    !vb_ssh_safe_path(r.key, sizeof(r.key)) ||
	    !vb_ssh_safe_path(r.known_hosts, sizeof(r.known_hosts)))
		return snprintf(msg, len, "ssh remote directory %s: the record's connection is "
				"not one vbench writes", dir), -1;
	peer = malloc(sizeof(*peer));
	if (!peer)
		return snprintf(msg, len, "ssh remote directory %s: out of memory", dir), -1;
	if (vb_ssh_peer_init(peer, &r, json_is_true(json_object_get(rec, "accept_new")), 10, &err) < 0) {
		free(peer);
		return snprintf(msg, len, "ssh remote directory %s on %s: %s", dir, r.address,
				err.msg), -1;
	}
	vb_ssh_remove_cmd(dir, cmd, sizeof(cmd));
	rc = vb_ssh_peer_run(peer, cmd, -1, SSH_RM_TIMEOUT_MS, NULL, 0, "rm", &err);
	free(peer);
	if (rc < 0)
		return snprintf(msg, len, "ssh remote directory %s: %s", dir, err.msg), -1;
	snprintf(msg, len, "ssh remote directory %s on %s", dir, r.address);
	return 0;
}

/* ==== description ======================================================== */

static json_t *ssh_describe(vb_env_t *env)
{
	ssh_priv_t *p = env->priv;
	const json_t *facts = json_object_get(env->ready, "facts");
	char type[200], mech[200], warning[600], mem[32], vcpus[16], found[32];
	const char *t = p->r.arch == VB_ARCH_HW_VM ? "type-1" : "type-2";
	const char *acc = p->r.mech == VB_MECH_EMULATION ? "emulation" : "hardware-assisted";
	json_t *o;

	snprintf(type, sizeof(type), "remote VM (%s%s%s, %s)", p->r.product[0] ? p->r.product : "product not said",
		 p->r.version[0] ? " " : "", p->r.version, t);
	snprintf(mech, sizeof(mech), "%s, reached over SSH", acc);
	if (p->r.memory)
		vb_format_size(p->r.memory, mem, sizeof(mem));
	else
		snprintf(mem, sizeof(mem), "unstated");
	if (p->r.vcpus)
		snprintf(vcpus, sizeof(vcpus), "%u", p->r.vcpus);
	else
		snprintf(vcpus, sizeof(vcpus), "unstated");
	snprintf(warning, sizeof(warning),
		 "%s: vbench cannot enforce the allocation on a remote machine: configured with "
		 "%s vCPUs and %s of memory, the agent found %lld CPUs and %s there",
		 env->name, vcpus, mem, (long long)json_integer_value(json_object_get(facts, "ncpus")),
		 vb_format_size((uint64_t)json_integer_value(json_object_get(
					json_object_get(facts, "memory"), "total_bytes")),
				found, sizeof(found)));
	o = json_pack("{s:s,s:{s:s,s:s},s:s,s:s,s:{s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:b},"
		      "s:{s:I,s:i},s:{s:{s:b,s:s}},s:s}",
		      "type", type, "class", "architecture", vb_env_arch_name(p->r.arch), "mechanism",
		      vb_env_mech_name(p->r.mech), "mechanism", mech, "warning", warning, "remote",
		      "address", p->peer.address, "port", (int)p->peer.port, "user", p->peer.user,
		      "product", p->r.product, "version", p->r.version, "type", t, "acceleration",
		      acc, "directory", p->dir, "scratch", p->scratch, "vcpus",
		      (json_int_t)p->r.vcpus, "memory_bytes", (json_int_t)p->r.memory,
		      "known_hosts", p->peer.known, "accept_new_host_key", p->peer.accept_new,
		      "agent_copy", "bytes", (json_int_t)p->bytes, "files_checked_sha256",
		      (int)p->nfiles, "limits", "cgroup", "enforced", 0, "how",
		      "not enforced: a remote machine over SSH; vbench records what it was "
		      "configured with and what the agent found",
		      "command", p->run_cmd);
	return o ? o : json_object();
}

const vb_env_ops_t vb_env_ssh = {
	.version = VB_ENV_OPS_VERSION,
	.name = "ssh",
	.type = "remote VM (over SSH)",
	.mechanism = "as the remotes file says, reached over SSH",
	.arch = VB_ARCH_HW_VM,
	.mech = VB_MECH_HW_ASSIST,
	.caps = VB_ENV_IS_VM | VB_ENV_TARGETS,
	.options = &ssh_options,
	.probe = ssh_probe,
	.targets = ssh_targets,
	.prepare = ssh_prepare,
	.start = ssh_start,
	.wait_ready = ssh_ready,
	.run = ssh_run,
	.adapt = ssh_adapt,
	.describe = ssh_describe,
	.net_path = ssh_net_path,
	.cleanup = ssh_cleanup,
	.undo = ssh_undo,
};
