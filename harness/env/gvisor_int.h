/*
 * gvisor_int.h - what the files of the gvisor environment share (gvisor.c:
 * probe, bundle, start, stop; gvisor_ops.c: checkpoint and restore).
 * Internal to those files.
 *
 * Must not: be included outside gvisor.c, gvisor_ops.c and their tests.
 */
#ifndef VB_GVISOR_INT_H
#define VB_GVISOR_INT_H

#include <jansson.h>
#include <limits.h>
#include <stdint.h>

#include "harness/env/ct_common.h"
#include "harness/env/env.h"
#include "harness/env/vm_kvmprobe.h"
#include "harness/image/rootfs.h"

/* What the probe found about runsc here. */
typedef struct gv_runsc {
	char path[PATH_MAX];
	char version[160];        /* first line of `runsc --version` */
	int has[3];               /* platforms[i] known to this runsc */
	char platform[16];        /* the one chosen */
	char why[700];            /* ... and why */
	int kvm_probed;
	vb_kvm_verdict_t kvm;     /* the /dev/kvm verdict, when probed */
} gv_runsc_t;

typedef struct gv_priv {
	gv_runsc_t rs;
	char id[64];                 /* vbench-<run id>-gvisor<inst> */
	char bundle[PATH_MAX];       /* /var/tmp/vbench-gvisor-<run id>-XXXXXX */
	int bundle_res;
	char state[PATH_MAX];        /* runsc --root: BUNDLE/state */
	char log[PATH_MAX];          /* runsc's stderr: BUNDLE/runsc.log */
	vb_rootfs_t rootfs;
	int have_rootfs;
	vb_ct_env_t env;
	uint64_t caps;
	char caps_why[200];
	char scratch[PATH_MAX];
	json_t *config;
	char command[PATH_MAX * 3];
	char *del_argv[8];
	char root_opt[PATH_MAX + 8];
} gv_priv_t;

#define GV_ASK_TIMEOUT_MS 5000     /* --version, flags */
#define GV_DELETE_TIMEOUT_MS 10000 /* delete --force */

/* ---- gvisor.c ---- */

/* Launch runsc for @env: `run` the bundle, or with @image `restore
 * --image-path=IMAGE` it (the same id, root, platform and cgroup), the
 * agent's stdin and stdout on a new channel (env->chan), its removal
 * registered (env->undo_res).  0, or -1 with @err. */
int vb_gvisor_spawn(vb_env_t *env, const char *image, vb_error_t *err);

/* ---- gvisor_ops.c: the hooks save, restore (env.h) ---- */
int vb_gvisor_save(vb_env_t *env, json_t *m, vb_error_t *err);
int vb_gvisor_restore(vb_env_t *env, json_t *m, vb_error_t *err);
int vb_gvisor_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len);

#endif
