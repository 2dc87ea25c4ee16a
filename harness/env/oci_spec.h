/*
 * ocispec.h - the config.json of an OCI bundle (runtime-spec 1.0), built
 * with jansson from what vbench's own container uses: the same root
 * filesystem, capabilities, environment, mounts and limits, so the `oci`
 * environment differs from `container` only in who sets it up.
 *
 * Pure data in, JSON out: the generator touches no file (vb_oci_write
 * does), so unit tests check it field by field.
 *
 * Must not: start a container, or touch a file outside vb_oci_write.
 */
#ifndef VB_OCISPEC_H
#define VB_OCISPEC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define VB_OCI_VERSION "1.0.2"    /* ociVersion written */
#define VB_OCI_MAX_CGBINDS 4       /* v1 hierarchies shown inside */

/* A cgroup v1 directory shown read-only inside at /sys/fs/cgroup/<name>. */
typedef struct vb_oci_cgbind {
	const char *name;   /* "memory": the hierarchy's directory inside */
	const char *source; /* host path bound there (the allocation's cgroup) */
} vb_oci_cgbind_t;

typedef struct vb_oci_spec {
	const char *const *args;    /* the process, NULL-terminated (agent inside path, "serve") */
	const char *const *env;     /* "NAME=value", NULL-terminated */
	const char *root;           /* root filesystem (absolute, or relative to the bundle) */
	const char *hostname;
	uint64_t caps;              /* capabilities kept (bit mask of CAP_* numbers) */
	const char *cpus;           /* linux.resources.cpu.cpus ("" or NULL: none) */
	uint64_t mem_bytes;         /* linux.resources.memory.limit (0: none) */
	const char *scratch;        /* bound read-write at the same path ("" or NULL: none) */
	const char *device;         /* a block device node created at this path and allowed
				       read-write (--allow-device; "" or NULL: none) */
	unsigned dev_major, dev_minor; /* ... its numbers */
	const char *cgroups_path;   /* linux.cgroupsPath ("" or NULL: not written) */
	int cgroup_v2_mount;        /* mount cgroup2 read-only at /sys/fs/cgroup */
	vb_oci_cgbind_t cgbinds[VB_OCI_MAX_CGBINDS]; /* else these v1 directories */
	size_t ncgbinds;
	int host_network;           /* no network namespace: the host's network */
} vb_oci_spec_t;

/* Paths runc masks and makes read-only by default (`runc spec`). */
extern const char *const vb_oci_masked_paths[];
extern const size_t vb_oci_nmasked;
extern const char *const vb_oci_readonly_paths[];
extern const size_t vb_oci_nreadonly;

/*
 * Build config.json for @s (new reference): ociVersion; process {terminal
 * false, user uid/gid 0, args, env, cwd "/", capabilities (bounding,
 * effective, permitted = @s->caps; inheritable, ambient empty),
 * noNewPrivileges}; root {path, readonly true}; hostname; mounts /proc,
 * /dev (tmpfs), /sys (read-only), /sys/fs/cgroup, /tmp (tmpfs), the scratch
 * bind; linux {namespaces pid, mount, network (not with host_network), uts,
 * ipc, cgroup; devices;
 * (and @s->device, type b), resources {devices: deny all, allow those;
 * cpu.cpus, memory.limit}; cgroupsPath; maskedPaths;
 * readonlyPaths}.  Returns NULL with @err (VB_EUSAGE) when a required field
 * is missing or a path is not absolute.
 */
json_t *vb_oci_config(const vb_oci_spec_t *s, vb_error_t *err);

/* Write @config to @bundle/config.json.  Returns 0 or -1 with @err. */
int vb_oci_write(const char *bundle, const json_t *config, vb_error_t *err);

#endif
