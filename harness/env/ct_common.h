/*
 * ct_common.h - what every container backend shares: vbench's own runtime
 * (container.c) and the OCI runtimes (oci.c) must give the agent the
 * same capabilities, the same environment variables and the same device
 * nodes, and stop the same way, or a difference between them would be a
 * difference of the harness rather than of the runtime.
 *
 * Must not: hold what only one container backend needs, or print.
 */
#ifndef VB_CTCOMMON_H
#define VB_CTCOMMON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness/core/cgroup.h"
#include "harness/image/rootfs.h"

#include "harness/env/env.h"

#define VB_CT_MAX_ENV 32 /* environment variables given to the agent */

/* A device node every container gets (bound from the host or created). */
typedef struct vb_ct_dev {
	const char *name;     /* "null": /dev/null */
	unsigned major, minor;/* Linux's fixed numbers (Documentation/admin-guide/devices.txt) */
} vb_ct_dev_t;

extern const vb_ct_dev_t vb_ct_devs[];
extern const size_t vb_ct_ndevs;

/* The agent's environment: a clean one plus what its libraries read. */
typedef struct vb_ct_env {
	char s[VB_CT_MAX_ENV][512];    /* "NAME=value" */
	char *envp[VB_CT_MAX_ENV + 1]; /* pointers into s, NULL-terminated (execve) */
	size_t n;
} vb_ct_env_t;

/*
 * Capabilities the agent keeps (bit mask of CAP_* numbers) and why, in
 * @why.  @userns: the agent runs in a user namespace (capabilities there do
 * not reach perf events, so none).  CAP_PERFMON is kept where
 * perf_event_paranoid would otherwise limit counters to user space: bare
 * metal counts kernel events too.
 */
uint64_t vb_ct_caps_choose(int userns, char *why, size_t len);

/* Name of capability @cap ("CAP_PERFMON"), or NULL if unknown. */
const char *vb_ct_cap_name(int cap);

/* The capabilities in @caps as a JSON array of names (new reference). */
json_t *vb_ct_caps_json(uint64_t caps);

/*
 * Fill @e: PATH, HOME, container=@container_value, LD_LIBRARY_PATH when the
 * rootfs needs one (plus the caller's), and the caller's PAPI_*, LIBPFM_*
 * and VBENCH_* variables.
 */
void vb_ct_env_build(vb_ct_env_t *e, const vb_rootfs_t *rf, const char *container_value);

/* Reap @pid if it exits within @ms (a pidfd wakes us the moment it does);
 * 1 if reaped (its wait status in *@status when not NULL), else 0. */
int vb_ct_reap_within(pid_t pid, int ms, int *status);

/* The parent of @pid from /proc/PID/stat (0 when unknown): an engine's
 * monitor, an OCI runtime's child checked still to be its child. */
pid_t vb_ct_parent_of(pid_t pid);

/* Wait up to @timeout_ms until no task is left in @cg (after the instance's
 * init exited the kernel tears the namespace down; accounting follows). */
void vb_ct_cgroup_wait_empty(const vb_cgroup_t *cg, int timeout_ms);

/* What the container backends' op_why (env.h) share: no live migration
 * of a container; save and restore need CRIU (criu.h: its probe's error
 * where it fails here) and a prepared instance.  Always -1 with the reason
 * in @why. */
int vb_ct_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len);

/* What oci's and the container's save and restore need beyond their own
 * runtime: no veth of a network workload in the container (@veth_up; the
 * restored namespace would not have it) and a CRIU that works.  0, or -1
 * with the reason in @why. */
int vb_ct_criu_why(vb_env_t *env, int veth_up, char *why, size_t len);

/* A checkpoint's image directory: BUNDLE/image. */
#define VB_CT_IMAGE_DIR "image"

/* @bundle/image made anew (the last one removed); its path into @path.
 * 0, or -1 with @err naming @env. */
int vb_ct_image_fresh(vb_env_t *env, const char *bundle, char *path, size_t len, vb_error_t *err);

/* Every regular file of the image directory @path to disk, then the
 * directory: the checkpoint consistent on disk.  0, or -1. */
int vb_ct_image_sync(const char *path);

/* vb_ct_checkpoint's @flags */
#define VB_CT_CKPT_KEEP 0x1 /* the container stays (its engine keeps the image with it) */

/* A container's checkpoint by its runtime (gvisor_ops.c, oci_ops.c,
 * engine_ops.c): @argv run (its name @what in errors) to write the image
 * directory @image (vb_ct_image_fresh, or the engine's), which is then
 * fsync'ed; the instance ended by it: the channel closed and, unless
 * @flags has VB_CT_CKPT_KEEP, the registered removal run (its id free for
 * the restore).  Into @m "time_ns" (request to image on disk),
 * "image_bytes", "state_after".  0, or -1 with @err (the runtime's last
 * stderr line). */
int vb_ct_checkpoint(vb_env_t *env, char *const argv[], const char *what, const char *image,
		     unsigned flags, json_t *m, vb_error_t *err);

/* Its restore: @spawn (the backend's launch, restoring from @image)
 * started on @bundle/image; "launch_ns" into @m (the caller measures
 * until the agent answers).  0, or -1 with @err. */
int vb_ct_restore(vb_env_t *env, const char *bundle,
		  int (*spawn)(vb_env_t *env, const char *image, vb_error_t *err), json_t *m,
		  vb_error_t *err);

#endif
