/*
 * gvisor_ops.c - save and restore of the gvisor environment (env.h
 * vb_env_ops_t): gVisor's own checkpoint, which the Sentry writes (the
 * sandbox's kernel state and the application's memory, one file).
 *
 * save:    `runsc checkpoint --image-path=BUNDLE/image ID`, the image's
 *          files fsync'ed: consistent on disk.  runsc ends the sandbox
 *          (measured: `runsc list` is empty afterwards), so `runsc run`
 *          exits and the channel closes; the registered delete runs (the
 *          id must be free for the restore).
 * restore: `runsc restore --image-path=BUNDLE/image --bundle BUNDLE ID`,
 *          spawned as `run` was (gvisor.c vb_gvisor_spawn: the same root,
 *          platform, allocation cgroup), the agent's stdin and stdout on
 *          new pipes: the restored sandbox reads and writes its standard
 *          descriptors through the new runsc (measured with runsc
 *          2022-12: a shell loop went on reading and answering).
 * The image lives in the bundle directory, registered with it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/env/gvisor_int.h"
#include "lib/util.h"

int vb_gvisor_save(vb_env_t *env, json_t *m, vb_error_t *err)
{
	gv_priv_t *p = env->priv;
	char image[PATH_MAX], opt[PATH_MAX + 16], file[PATH_MAX + 32];
	char *argv[] = { p->rs.path, p->root_opt, "checkpoint", opt, p->id, NULL };

	if (vb_ct_image_fresh(env, p->bundle, image, sizeof(image), err) < 0)
		return -1;
	snprintf(opt, sizeof(opt), "--image-path=%s", image);
	if (vb_ct_checkpoint(env, argv, "runsc checkpoint", image, 0, m, err) < 0)
		return -1;
	snprintf(file, sizeof(file), "%s/checkpoint.img", image);
	json_object_set_new(m, "image_path", json_string(file));
	return 0;
}

int vb_gvisor_restore(vb_env_t *env, json_t *m, vb_error_t *err)
{
	return vb_ct_restore(env, ((gv_priv_t *)env->priv)->bundle, vb_gvisor_spawn, m, err);
}

int vb_gvisor_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	if (op != VB_OP_MIGRATE)
		return 0;
	snprintf(why, len, "%s: runsc checkpoints and restores a sandbox but does not move one "
			   "live", env->name);
	return -1;
}
