/*
 * engine_ops.c - save and restore of the podman environment (env.h
 * vb_env_ops_t) through podman's own checkpoint, which is its runtime's
 * (runc here) and so CRIU's.
 *
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
 * Refused, each with its reason: docker (its checkpoint needs a daemon
 * with experimental features: not driven yet), podman on crun (crun 1.8 of
 * Debian 12 is built without CRIU), podman's own network (nat: its
 * namespace and port are not restored by vbench), and where CRIU's probe
 * fails (its own error).  The container's removal stays registered across
 * the restore (registered before `restore --import` starts), and a
 * restored container is removed at every stop (engine.c engine_stop:
 * `attach` exits 0 before podman would remove it).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "harness/env/criu.h"
#include "harness/env/engine_int.h"
#include "harness/env/netpath.h"
#include "lib/textsafe.h"
#include "lib/util.h"

#define ENGINE_CKPT_FILE "checkpoint.tar"

int vb_engine_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	engine_priv_t *p = env->priv;
	const char *rt;
	char c[512];

	if (op == VB_OP_MIGRATE || !p)
		return vb_ct_op_why(env, op, why, len);
	if (strcmp(p->d->name, "podman"))
		return snprintf(why, len, "%s: its checkpoint needs a daemon with experimental "
					  "features and is not driven by vbench yet (podman and "
					  "`--env oci --runtime runc` checkpoint through CRIU)",
				env->name),
		       -1;
	rt = p->runtime[0] ? p->runtime : p->info.runtime;
	if (strcmp(rt, "runc"))
		return snprintf(why, len, "%s: its runtime here is %s, whose checkpoint is not "
					  "driven by vbench (runc's is: podman takes runc on cgroup "
					  "v1 hosts)",
				env->name, rt),
		       -1;
	if (vb_netpath_is_nat(env))
		return snprintf(why, len, "%s: not with the engine's network (its namespace and "
					  "published port are not restored by vbench)",
				env->name),
		       -1;
	if (vb_criu_probe(c, sizeof(c)) < 0)
		return snprintf(why, len, "%s: checkpoint needs CRIU: %s", env->name, c), -1;
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

	if (vb_ct_image_fresh(env, p->dir, image, sizeof(image), err) < 0)
		return -1;
	snprintf(file, sizeof(file), "%s/%s", image, ENGINE_CKPT_FILE);
	if (vb_ct_checkpoint(env, argv, "podman container checkpoint", image, m, err) < 0)
		return -1;
	json_object_set_new(m, "image_path", json_string(file));
	json_object_set_new(m, "criu", json_string(vb_criu_path()));
	return 0;
}

/* `podman container restore --import IMAGE`, then the attach as the
 * channel (vb_ct_restore's spawn). */
static int restore_spawn(vb_env_t *env, const char *image, vb_error_t *err)
{
	engine_priv_t *p = env->priv;
	char file[PATH_MAX + 32], errs[2048] = "", line[300];
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
	if (rc > 0) {
		vb_text_last_line(errs, line, sizeof(line));
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s: `podman container restore` exited %d: %s", env->name, rc,
				    line[0] ? line : "(no message)");
	}
	if (rc < 0)
		return vb_error_prefix(err, "%s: podman container restore", env->name);
	if (vb_chan_spawn(&env->chan, p->d->name, &sp, err) < 0)
		return vb_error_prefix(err, "%s: podman attach", env->name);
	return 0;
}

int vb_engine_restore(vb_env_t *env, json_t *m, vb_error_t *err)
{
	return vb_ct_restore(env, ((engine_priv_t *)env->priv)->dir, restore_spawn, m, err);
}
