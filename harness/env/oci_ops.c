/*
 * oci_ops.c - save and restore of the oci environment (env.h
 * vb_env_ops_t) through the runtime's own checkpoint, which is CRIU's.
 *
 * save:    `runc --criu=CRIU checkpoint --image-path=BUNDLE/image
 *          --work-path=BUNDLE/criu-work ID` (ct_common.c
 *          vb_ct_checkpoint): CRIU dumps the container's processes, memory
 *          and namespaces and kills them; `runc run` exits and the channel
 *          closes; the registered delete runs (the id must be free for the
 *          restore).  The agent's standard descriptors are pipes to
 *          vbench: runc records them as external (descriptors.json).
 * restore: `runc --criu=CRIU restore --image-path=BUNDLE/image
 *          --work-path=BUNDLE/criu-work --bundle BUNDLE ID`, spawned as
 *          `run` was (oci.c vb_oci_spawn), on new pipes that runc hands to
 *          the restored agent in place of the old ones; when it fails, the
 *          lost hook says how runc ended and where CRIU's logs are.
 * CRIU is the one criu.h's probe dumped a test process with (found on
 * PATH; where the host's fails, scripts/criu.sh fetches one that works).
 * Refused: crun's checkpoint (libcriu; crun 1.8 of Debian 12 is built
 * without it), and a container given a veth by a network workload (the
 * restored namespace would not have it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/env/criu.h"
#include "harness/env/oci_int.h"
#include "lib/util.h"

#define OCI_CRIU_WORK "criu-work" /* CRIU's logs, beside the image: not in its size */

void vb_oci_criu_opts(const oci_priv_t *p, const char *image, vb_oci_criu_opts_t *o)
{
	snprintf(o->criu, sizeof(o->criu), "--criu=%s", p->criu);
	snprintf(o->image, sizeof(o->image), "--image-path=%s", image);
	snprintf(o->work, sizeof(o->work), "--work-path=%s/%s", p->bundle, OCI_CRIU_WORK);
}

int vb_oci_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	oci_priv_t *p = env->priv;

	if (op == VB_OP_MIGRATE)
		return vb_ct_op_why(env, op, why, len);
	if (!p || strcmp(p->runtime, "runc"))
		return snprintf(why, len, "%s: checkpoint through %s is not driven by vbench yet "
					  "(`--runtime runc` checkpoints with CRIU)",
				env->name, p ? p->runtime : "this runtime"),
		       -1;
	if (vb_ct_criu_why(env, p->net.up, why, len) < 0)
		return -1;
	snprintf(p->criu, sizeof(p->criu), "%s", vb_criu_path()); /* the one probed */
	return 0;
}

int vb_oci_save(vb_env_t *env, json_t *m, vb_error_t *err)
{
	oci_priv_t *p = env->priv;
	char image[PATH_MAX], work[PATH_MAX + 16], logopt[PATH_MAX + 8];
	vb_oci_criu_opts_t o = { .criu = "" };
	char *argv[] = { p->rt_path, logopt, o.criu, "checkpoint", o.image, o.work, p->id, NULL };

	if (vb_ct_image_fresh(env, p->bundle, image, sizeof(image), err) < 0)
		return -1;
	snprintf(work, sizeof(work), "%s/%s", p->bundle, OCI_CRIU_WORK);
	if (mkdir(work, 0700) < 0 && errno != EEXIST)
		return vb_error_sys(err, "%s: %s", env->name, work);
	snprintf(logopt, sizeof(logopt), "--log=%s", p->log);
	vb_oci_criu_opts(p, image, &o);
	if (vb_ct_checkpoint(env, argv, "runc checkpoint", image, 0, m, err) < 0)
		return vb_error_suffix(err, " (CRIU's log: %s/dump.log)", work);
	json_object_set_new(m, "image_path", json_string(image));
	json_object_set_new(m, "criu", json_string(p->criu));
	return 0;
}

int vb_oci_restore(vb_env_t *env, json_t *m, vb_error_t *err)
{
	return vb_ct_restore(env, ((oci_priv_t *)env->priv)->bundle, vb_oci_spawn, m, err);
}

void vb_oci_lost(vb_env_t *env, vb_error_t *err)
{
	oci_priv_t *p = env->priv;
	char line[400];
	int code;

	if (!p || !vb_env_launcher_ended(env, p->log, 500, &code, line, sizeof(line)))
		return;
	/* the tasks CRIU restored and killed when it failed are orphans now:
	 * gone from the cgroup once PID 1 reaps them (1-2 s seen here) */
	if (env->have_cg)
		vb_ct_cgroup_wait_empty(&env->cg, 5000);
	vb_error_suffix(err, " (`%s` exited %d: %s; CRIU's logs in %s/%s)", p->runtime, code,
			line[0] ? line : "nothing in its log", p->bundle, OCI_CRIU_WORK);
}
