/*
 * engine_ops.c - save and restore of the podman and docker environments
 * (env.h vb_env_ops_t) through the engine's own checkpoint, which is its
 * runtime's (runc here) and so CRIU's.
 *
 * podman
 * save:    `podman container checkpoint --compress none --export
 *          DIR/image/checkpoint.tar NAME` (ct_common.c vb_ct_checkpoint):
 *          the container is dumped into one tar (uncompressed, as the other
 *          mechanisms' images) and, run with --rm, removed; `podman run -i`
 *          exits and the channel closes.
 * restore: `podman container restore --import DIR/image/checkpoint.tar`
 *          (the container back under its name, its conmon new), then the
 *          channel is `podman attach --detach-keys= NAME` (no byte of the
 *          protocol detaches it): the restored agent reads and writes its
 *          standard descriptors through it (measured with podman 4.3 and
 *          CRIU 4.1: the agent answered through a new attach).
 * docker (a daemon with experimental features: `docker checkpoint`)
 * save:    `docker checkpoint create NAME vbench-N` into the container's
 *          own directory in the daemon's storage (DockerRootDir/containers/
 *          ID/checkpoints/vbench-N: docker 20.10 restores from no other);
 *          the container stays, stopped (run without --rm under --ops save:
 *          engine.c), and `docker run -i` exits.  The previous checkpoint is
 *          removed first (`docker checkpoint rm`, not timed).
 * restore: `docker start --attach --interactive --checkpoint vbench-N
 *          NAME` is the new channel: attached before the restore, so no
 *          byte of the agent's is lost.
 * Refused, each with its reason: a runtime other than runc (crun 1.8 of
 * Debian 12 is built without CRIU), the engine's own network (nat: its
 * namespace and port are not restored by vbench), docker without
 * experimental features, and where CRIU's probe fails (its own error).  The
 * container's removal stays registered across the restore (registered
 * before podman's `restore --import` starts), and a restored or kept
 * container is removed at every stop (engine.c engine_stop: `attach` and
 * `start -a` exit 0 before the engine would remove it).  When a restored
 * container stops answering, the lost hook says how the engine's client
 * ended.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "harness/env/criu.h"
#include "harness/env/engine_int.h"
#include "harness/env/netpath.h"
#include "lib/util.h"

#define ENGINE_CKPT_FILE "checkpoint.tar"
#define ENGINE_CKPT_NAME "vbench-%u" /* docker's checkpoint N of the container */

static int is_docker(const engine_priv_t *p)
{
	return !strcmp(p->d->name, "docker");
}

/* Whether docker's daemon has experimental features on (asked once). */
static int docker_experimental(engine_priv_t *p)
{
	const char *args[] = { "version", "--format", "{{.Server.Experimental}}", NULL };
	char out[64];
	vb_error_t err;

	if (p->experimental < 0)
		p->experimental = vb_engine_ask(p->info.path, args, VB_ENGINE_TIMEOUT_MS, out,
						sizeof(out), &err) == 0 &&
				  !strncmp(out, "true", 4);
	return p->experimental;
}

int vb_engine_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	engine_priv_t *p = env->priv;
	const char *rt;
	char c[512];

	if (op == VB_OP_MIGRATE || !p)
		return vb_ct_op_why(env, op, why, len);
	rt = p->runtime[0] ? p->runtime : p->info.runtime;
	if (strcmp(rt, "runc"))
		return snprintf(why, len, "%s: its runtime here is %s, whose checkpoint is not "
					  "driven by vbench (runc's is: %s)",
				env->name, rt,
				is_docker(p) ? "docker's default"
					     : "podman takes runc on cgroup v1 hosts"),
		       -1;
	if (vb_netpath_is_nat(env))
		return snprintf(why, len, "%s: not with the engine's network (its namespace and "
					  "published port are not restored by vbench)",
				env->name),
		       -1;
	if (is_docker(p) && !docker_experimental(p))
		return snprintf(why, len, "%s: `docker checkpoint` needs a daemon with "
					  "experimental features, and this one (%s) has them off "
					  "(dockerd --experimental, or \"experimental\": true in "
					  "daemon.json)",
				env->name, p->info.version),
		       -1;
	if (vb_criu_probe(c, sizeof(c)) < 0)
		return snprintf(why, len, "%s: checkpoint needs CRIU: %s", env->name, c), -1;
	return 0;
}

/* docker's checkpoint @n of the container: its directory in the daemon's
 * storage into @path.  0, or -1 with @err. */
static int docker_ckpt_dir(engine_priv_t *p, unsigned n, char *path, size_t len,
			   vb_error_t *err)
{
	const char *args[] = { "inspect", "--format", "{{.Id}}", p->name, NULL };
	char id[128];
	size_t k;

	struct stat st;

	/* its files are read and fsync'ed as root: the daemon's storage must
	 * be root's (a user's rootless daemon's is not read) */
	if (p->info.root[0] != '/' || lstat(p->info.root, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & 022))
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "docker's storage '%s': expected a directory of root's that "
				    "no one else may write (its checkpoint is read as root)",
				    p->info.root);
	if (vb_engine_ask(p->info.path, args, VB_ENGINE_TIMEOUT_MS, id, sizeof(id), err) != 0)
		return vb_error_prefix(err, "docker inspect %s", p->name);
	id[strcspn(id, "\n")] = '\0';
	for (k = 0; id[k] && strchr("0123456789abcdef", id[k]); k++)
		;
	if (k != 64 || id[k])
		return vb_error_set(err, VB_EPROTO, 0,
				    "docker inspect %s: expected a 64-digit hex id, got '%.80s'",
				    p->name, id);
	if (snprintf(path, len, "%s/containers/%s/checkpoints/" ENGINE_CKPT_NAME, p->info.root,
		     id, n) >= (int)len)
		return vb_error_set(err, VB_ERESOURCE, 0, "docker: storage path too long: %s",
				    p->info.root);
	return 0;
}

/* `docker checkpoint create NAME vbench-N`, the previous one removed first
 * (not timed). */
static int docker_save(vb_env_t *env, engine_priv_t *p, json_t *m, vb_error_t *err)
{
	char name[32], old[32], image[PATH_MAX];
	char *argv[] = { p->info.path, "checkpoint", "create", p->name, name, NULL };
	const char *rm[] = { "checkpoint", "rm", p->name, old, NULL };
	char out[256];

	if (p->ckpt_n) {
		snprintf(old, sizeof(old), ENGINE_CKPT_NAME, p->ckpt_n);
		if (vb_engine_ask(p->info.path, rm, VB_ENGINE_TIMEOUT_MS, out, sizeof(out), err))
			return vb_error_prefix(err, "%s: docker checkpoint rm %s", env->name, old);
	}
	if (docker_ckpt_dir(p, p->ckpt_n + 1, image, sizeof(image), err) < 0)
		return vb_error_prefix(err, "%s", env->name);
	snprintf(name, sizeof(name), ENGINE_CKPT_NAME, ++p->ckpt_n);
	if (vb_ct_checkpoint(env, argv, "docker checkpoint create", image, VB_CT_CKPT_KEEP, m,
			     err) < 0)
		return -1;
	json_object_set_new(m, "image_path", json_string(image));
	return 0;
}

int vb_engine_save(vb_env_t *env, json_t *m, vb_error_t *err)
{
	engine_priv_t *p = env->priv;
	char image[PATH_MAX], file[PATH_MAX + 32];
	/* uncompressed, as the other mechanisms' images (its xz size is then
	 * comparable, and no compression time is in the save's) */
	char *argv[] = { p->info.path, "container", "checkpoint", "--compress", "none", "--export",
			 file,		p->name,     NULL };

	if (is_docker(p))
		return docker_save(env, p, m, err);
	if (vb_ct_image_fresh(env, p->dir, image, sizeof(image), err) < 0)
		return -1;
	snprintf(file, sizeof(file), "%s/%s", image, ENGINE_CKPT_FILE);
	if (vb_ct_checkpoint(env, argv, "podman container checkpoint", image, 0, m, err) < 0)
		return -1;
	json_object_set_new(m, "image_path", json_string(file));
	json_object_set_new(m, "criu", json_string(vb_criu_path()));
	return 0;
}

/* docker: `docker start -a -i --checkpoint vbench-N NAME` as the channel. */
static int docker_restore_spawn(vb_env_t *env, const char *image, vb_error_t *err)
{
	engine_priv_t *p = env->priv;
	char name[32];
	char *argv[] = { p->info.path, "start",	 "--attach", "--interactive", "--checkpoint",
			 name,	       p->name, NULL };
	vb_spawn_t sp = { .argv = argv, .stderr_path = p->log, .cpus = env->cfg->env_cpus };

	(void)image; /* the daemon's own directory (docker_save) */
	snprintf(name, sizeof(name), ENGINE_CKPT_NAME, p->ckpt_n);
	p->restored = 1;
	env->launch_ns = vb_now_ns();
	if (vb_chan_spawn(&env->chan, p->d->name, &sp, err) < 0)
		return vb_error_prefix(err, "%s: docker start --checkpoint", env->name);
	return 0;
}

/* `podman container restore --import IMAGE`, then the attach as the
 * channel (vb_ct_restore's spawn). */
static int restore_spawn(vb_env_t *env, const char *image, vb_error_t *err)
{
	engine_priv_t *p = env->priv;
	char file[PATH_MAX + 32], errs[2048] = "";
	char *argv[] = { p->info.path, "container", "restore", "--import", file, NULL };
	char *attach[] = { p->info.path, "attach", "--detach-keys=", p->name, NULL };
	vb_proc_opts_t o = { .timeout_ms = (int)(env->cfg->rep_timeout_s * 1000) };
	vb_spawn_t sp = { .argv = attach, .stderr_path = p->log, .cpus = env->cfg->env_cpus };
	int rc;

	snprintf(file, sizeof(file), "%s/%s", image, ENGINE_CKPT_FILE);
	vb_engine_register(env, p); /* before: a container may be there, restored or half */
	p->restored = 1;
	env->launch_ns = vb_now_ns();
	rc = vb_proc_capture(argv, &o, NULL, 0, errs, sizeof(errs), err);
	if (rc != 0 && errs[0] && env->cfg->log_fd >= 0) { /* podman's whole word, in the log */
		ssize_t w = write(env->cfg->log_fd, errs, strlen(errs));

		(void)w;
	}
	if (rc > 0)
		return vb_proc_failed(err, VB_EUNAVAIL, rc, errs, NULL,
				      "%s: `podman container restore`", env->name);
	if (rc < 0)
		return vb_error_prefix(err, "%s: podman container restore", env->name);
	if (vb_chan_spawn(&env->chan, p->d->name, &sp, err) < 0)
		return vb_error_prefix(err, "%s: podman attach", env->name);
	return 0;
}

int vb_engine_restore(vb_env_t *env, json_t *m, vb_error_t *err)
{
	engine_priv_t *p = env->priv;

	return vb_ct_restore(env, p->dir, is_docker(p) ? docker_restore_spawn : restore_spawn, m,
			     err);
}

void vb_engine_lost(vb_env_t *env, vb_error_t *err)
{
	engine_priv_t *p = env->priv;
	char line[400];
	int code;

	if (!p || !vb_env_launcher_ended(env, p->log, 500, &code, line, sizeof(line)))
		return;
	vb_error_suffix(err, " (`%s %s` exited %d: %s)", p->d->name,
			!p->restored	? "run"
			: is_docker(p) ? "start --checkpoint"
				       : "attach",
			code, line[0] ? line : "nothing in its log");
}
