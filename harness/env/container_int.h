/*
 * container_int.h - what the files of vbench's own container runtime share
 * (container.c: probe, start, description; container_ops.c: checkpoint and
 * restore through CRIU).  Internal to those files.
 *
 * Must not: be included outside container.c, container_ops.c and their
 * tests.
 */
#ifndef VB_CONTAINER_INT_H
#define VB_CONTAINER_INT_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "harness/env/ct_common.h"
#include "harness/env/env.h"
#include "harness/env/netpath.h"
#include "harness/image/rootfs.h"

typedef struct ct_priv {
	vb_rootfs_t rootfs;        /* the tree pivoted into */
	int have_rootfs;
	int userns;                /* a user namespace is used (vbench is not root) */
	uid_t uid;                 /* outer ids mapped to 0 inside (userns only) */
	gid_t gid;
	uint64_t keep_caps;        /* capabilities the agent keeps (bit mask) */
	char keep_why[200];        /* ... and why */
	vb_ct_env_t env;           /* the agent's environment */
	char scratch[PATH_MAX];    /* cfg->scratch normalised: its mount point inside */
	char device[NAME_MAX + 1]; /* --scratch's allowed block device, a name in /dev ("" none) */
	int netns_fd;              /* its network namespace, taken before the init could be reaped */
	vb_netpath_t net;            /* the veth path, made for the first network workload */
	/* checkpoint (container_ops.c) */
	char ckdir[PATH_MAX];        /* private directory: the image, CRIU's work directory */
	int ckdir_res;
	char log_key[64];            /* the agent log as CRIU's external file[MNT:INO] */
	unsigned long long pipe_in, pipe_out; /* the channel's pipes the dump recorded */
	int restored;                /* CRIU restored it: CRIU's restore is the channel's process */
} ct_priv_t;

/* ---- container_ops.c: the hooks op_why, save, restore, lost (env.h) ---- */
int vb_container_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len);
int vb_container_save(vb_env_t *env, json_t *m, vb_error_t *err);
int vb_container_restore(vb_env_t *env, json_t *m, vb_error_t *err);
void vb_container_lost(vb_env_t *env, vb_error_t *err);

#endif
