/*
 * oci_int.h - what the files of the oci environment share (oci.c: probe,
 * bundle, start, stop; oci_ops.c: checkpoint and restore).  Internal to
 * those files.
 *
 * Must not: be included outside oci.c, oci_ops.c and their tests.
 */
#ifndef VB_OCI_INT_H
#define VB_OCI_INT_H

#include <limits.h>
#include <sys/stat.h>

#include <jansson.h>

#include "harness/env/ct_common.h"
#include "harness/env/env.h"
#include "harness/env/netpath.h"
#include "harness/env/oci_spec.h"
#include "harness/image/rootfs.h"

/* What the child needs to give the runtime its private mount namespace. */
typedef struct ns_setup {
	int msgfd;                                /* a failed step is written here (-1: nowhere) */
	size_t nbinds;
	char src[VB_OCI_MAX_CGBINDS][PATH_MAX];  /* allocation cgroup directories (v1) ... */
	char dst[VB_OCI_MAX_CGBINDS][PATH_MAX];  /* ... bound here, in the bundle */
} ns_setup_t;

typedef struct oci_priv {
	char runtime[16];            /* "crun" or "runc" */
	char rt_path[PATH_MAX];      /* its executable */
	char version[160];           /* first line of `RUNTIME --version` */
	char id[64];                 /* container ID: vbench-<run id>-oci<inst> */
	char bundle[PATH_MAX];       /* the bundle directory */
	int bundle_res;              /* ... registered */
	char log[PATH_MAX];          /* the runtime's own log (--log), in the bundle */
	vb_rootfs_t rootfs;
	int have_rootfs;
	vb_ct_env_t env;             /* the agent's environment */
	uint64_t caps;               /* capabilities kept */
	char caps_why[200];
	char scratch[PATH_MAX];      /* cfg->scratch normalised ("" none) */
	struct stat dev;             /* --scratch's allowed block device (st_rdev), when
				        cfg->scratch_device */
	int private_ns;              /* runtime in a private mount namespace with cgroup2 */
	int manager_disabled;        /* crun --cgroup-manager=disabled */
	char enforced[320];          /* how the limits are enforced, for run.json */
	char command[PATH_MAX * 3];  /* the runtime's command line, for run.json */
	ns_setup_t ns;               /* the private namespace's set-up */
	vb_oci_cgbind_t cgb[VB_OCI_MAX_CGBINDS];
	char cgname[VB_OCI_MAX_CGBINDS][32];
	char cgsrc[VB_OCI_MAX_CGBINDS][PATH_MAX];
	size_t ncgb;
	char cgpath[PATH_MAX];       /* linux.cgroupsPath (runc) */
	json_t *config;              /* config.json as written */
	char *del_argv[6];
	char del_flag[40];
	ns_setup_t del_ns;           /* the delete's namespace (no binds) */
	int netns_fd;                /* the container's network namespace (-1: not opened) */
	vb_netpath_t net;             /* the veth path, made for the first network workload */
	char criu[PATH_MAX];         /* the CRIU a checkpoint uses (oci_ops.c) */
} oci_priv_t;

/* Launch the runtime for @env: `run` the bundle, or with @image `restore`
 * it from that checkpoint (runc, p->criu); the agent's channel on new
 * pipes, the container's removal registered.  0, or -1 with @err. */
int vb_oci_spawn(vb_env_t *env, const char *image, vb_error_t *err);

/* ---- oci_ops.c: the hooks save, restore, op_why, lost (env.h) ---- */
int vb_oci_save(vb_env_t *env, json_t *m, vb_error_t *err);
int vb_oci_restore(vb_env_t *env, json_t *m, vb_error_t *err);
int vb_oci_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len);
/* The runtime ended (a restore CRIU refused): its exit and last log line. */
void vb_oci_lost(vb_env_t *env, vb_error_t *err);

/* runc's options of a checkpoint and a restore: the probed CRIU, the
 * image directory @image, CRIU's work directory (its logs) in the bundle. */
typedef struct vb_oci_criu_opts {
	char criu[PATH_MAX + 8];
	char image[PATH_MAX + 16];
	char work[PATH_MAX + 32];
} vb_oci_criu_opts_t;

void vb_oci_criu_opts(const oci_priv_t *p, const char *image, vb_oci_criu_opts_t *o);

#endif
