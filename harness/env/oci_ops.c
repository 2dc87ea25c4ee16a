/*
 * oci_ops.c - save and restore of the oci environment (env.h
 * vb_env_ops_t) through the runtime's own checkpoint, which is CRIU's.
 *
 * save:    `runc --criu=CRIU checkpoint --image-path=BUNDLE/image
 *          --work-path=BUNDLE/image ID`: CRIU dumps the container's
 *          processes, memory and namespaces and kills them; `runc run`
 *          exits and the channel closes; the registered delete runs (the
 *          id must be free for the restore).  The agent's standard
 *          descriptors are pipes to vbench: runc records them as external
 *          (descriptors.json) and the image's files are fsync'ed.
 * restore: `runc --criu=CRIU restore --image-path=... --bundle BUNDLE ID`,
 *          spawned as `run` was (oci.c vb_oci_spawn), on new pipes that
 *          runc hands to the restored agent in place of the old ones.
 * CRIU is the one on PATH (criu.h probes it with a real dump first; where
 * the host's fails, scripts/criu.sh fetches one that works).  crun's
 * checkpoint (libcriu) is not driven yet: said, with runc as the way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/core/runproc.h"
#include "harness/core/undo.h"
#include "harness/env/criu.h"
#include "harness/env/oci_int.h"
#include "lib/testpoint.h"
#include "lib/textsafe.h"
#include "lib/util.h"

int vb_oci_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	oci_priv_t *p = env->priv;
	char c[512];

	if (op == VB_OP_MIGRATE)
		return vb_ct_op_why(env, op, why, len);
	if (!p || strcmp(p->runtime, "runc"))
		return snprintf(why, len, "%s: checkpoint through %s is not driven by vbench yet "
					  "(`--runtime runc` checkpoints with CRIU)",
				env->name, p ? p->runtime : "this runtime"),
		       -1;
	if (vb_criu_probe(c, sizeof(c)) < 0)
		return snprintf(why, len, "%s: checkpoint needs CRIU: %s", env->name, c), -1;
	if (vb_proc_which("criu", p->criu, sizeof(p->criu)) < 0)
		return snprintf(why, len, "%s: criu is no longer on PATH", env->name), -1;
	return 0;
}

int vb_oci_save(vb_env_t *env, json_t *m, vb_error_t *err)
{
	oci_priv_t *p = env->priv;
	char image[PATH_MAX], criuopt[PATH_MAX + 8], imgopt[PATH_MAX + 16], workopt[PATH_MAX + 16];
	char logopt[PATH_MAX + 8], errs[2048], line[300];
	char *argv[] = { p->rt_path, logopt, criuopt, "checkpoint", imgopt, workopt, p->id, NULL };
	vb_proc_opts_t o = { .timeout_ms = (int)(env->cfg->rep_timeout_s * 1000) };
	uint64_t t0, t1, bytes = 0;
	int rc;

	if (vb_ct_image_fresh(env, p->bundle, image, sizeof(image), err) < 0)
		return -1;
	snprintf(logopt, sizeof(logopt), "--log=%s", p->log);
	snprintf(criuopt, sizeof(criuopt), "--criu=%s", p->criu);
	snprintf(imgopt, sizeof(imgopt), "--image-path=%s", image);
	snprintf(workopt, sizeof(workopt), "--work-path=%s", image);
	t0 = vb_now_ns();
	rc = vb_proc_capture(argv, &o, NULL, 0, errs, sizeof(errs), err);
	if (rc > 0) {
		vb_text_last_line(errs, line, sizeof(line));
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s: `runc checkpoint` exited %d: %s (CRIU's log: %s/dump.log)",
				    env->name, rc, line[0] ? line : "(no message)", image);
	}
	if (rc < 0)
		return vb_error_prefix(err, "%s: runc checkpoint", env->name);
	if (vb_ct_image_sync(image) < 0)
		return vb_error_sys(err, "%s: fsync the image %s", env->name, image);
	t1 = vb_now_ns();
	vb_test_point("save", env->name);
	/* the container is gone: `runc run` exits, its channel with it */
	env->chan.dead = 1;
	vb_chan_close(&env->chan, vb_env_stop_ms(env, 0));
	if (env->undo_res)
		vb_undo_release(env->undo_res); /* `runc delete -f`: the id is free */
	env->undo_res = 0;
	vb_du_bytes(image, &bytes);
	json_object_set_new(m, "time_ns", json_integer((json_int_t)(t1 - t0)));
	json_object_set_new(m, "image_bytes", json_integer((json_int_t)bytes));
	json_object_set_new(m, "image_path", json_string(image));
	json_object_set_new(m, "state_after", json_string("stopped"));
	json_object_set_new(m, "criu", json_string(p->criu));
	return 0;
}

int vb_oci_restore(vb_env_t *env, json_t *m, vb_error_t *err)
{
	oci_priv_t *p = env->priv;
	char image[PATH_MAX];
	uint64_t t0 = vb_now_ns();

	snprintf(image, sizeof(image), "%s/%s", p->bundle, VB_CT_IMAGE_DIR);
	if (vb_oci_spawn(env, image, err) < 0)
		return -1;
	vb_test_point("restore", env->name);
	json_object_set_new(m, "launch_ns", json_integer((json_int_t)(vb_now_ns() - t0)));
	return 0;
}
