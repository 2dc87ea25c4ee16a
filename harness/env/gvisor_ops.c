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

#include "harness/core/runproc.h"
#include "harness/core/undo.h"
#include "harness/env/gvisor_int.h"
#include "lib/testpoint.h"
#include "lib/textsafe.h"
#include "lib/util.h"

int vb_gvisor_save(vb_env_t *env, json_t *m, vb_error_t *err)
{
	gv_priv_t *p = env->priv;
	char image[PATH_MAX], opt[PATH_MAX + 16], errs[2048], line[300], file[PATH_MAX + 32];
	char *argv[] = { p->rs.path, p->root_opt, "checkpoint", opt, p->id, NULL };
	vb_proc_opts_t o = { .timeout_ms = (int)(env->cfg->rep_timeout_s * 1000) };
	uint64_t t0, t1, bytes = 0;
	int rc;

	if (vb_ct_image_fresh(env, p->bundle, image, sizeof(image), err) < 0)
		return -1;
	snprintf(opt, sizeof(opt), "--image-path=%s", image);
	t0 = vb_now_ns();
	rc = vb_proc_capture(argv, &o, NULL, 0, errs, sizeof(errs), err);
	if (rc > 0) {
		vb_text_last_line(errs, line, sizeof(line));
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: `runsc checkpoint` exited %d: %s",
				    env->name, rc, line[0] ? line : "(no message)");
	}
	if (rc < 0)
		return vb_error_prefix(err, "%s: runsc checkpoint", env->name);
	if (vb_ct_image_sync(image) < 0)
		return vb_error_sys(err, "%s: fsync the image %s", env->name, image);
	t1 = vb_now_ns();
	vb_test_point("save", env->name);
	/* the sandbox is gone: `runsc run` exits, its channel with it */
	env->chan.dead = 1;
	vb_chan_close(&env->chan, vb_env_stop_ms(env, 0));
	if (env->undo_res)
		vb_undo_release(env->undo_res); /* `runsc delete --force`: the id is free */
	env->undo_res = 0;
	vb_du_bytes(image, &bytes);
	snprintf(file, sizeof(file), "%s/checkpoint.img", image);
	json_object_set_new(m, "time_ns", json_integer((json_int_t)(t1 - t0)));
	json_object_set_new(m, "image_bytes", json_integer((json_int_t)bytes));
	json_object_set_new(m, "image_path", json_string(file));
	json_object_set_new(m, "state_after", json_string("stopped"));
	return 0;
}

int vb_gvisor_restore(vb_env_t *env, json_t *m, vb_error_t *err)
{
	gv_priv_t *p = env->priv;
	char image[PATH_MAX];
	uint64_t t0 = vb_now_ns();

	snprintf(image, sizeof(image), "%s/%s", p->bundle, VB_CT_IMAGE_DIR);
	if (vb_gvisor_spawn(env, image, err) < 0)
		return -1;
	vb_test_point("restore", env->name);
	json_object_set_new(m, "launch_ns", json_integer((json_int_t)(vb_now_ns() - t0)));
	return 0;
}

int vb_gvisor_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	if (op != VB_OP_MIGRATE)
		return 0;
	snprintf(why, len, "%s: runsc checkpoints and restores a sandbox but does not move one "
			   "live", env->name);
	return -1;
}
