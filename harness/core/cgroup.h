/*
 * cgroup.h - one allocation policy for every environment.
 *
 * Whatever an environment runs on the host (the agent on bare metal, a
 * container's processes, QEMU with all its threads) is placed in a vbench
 * cgroup limited to the allocated CPU set and memory.  Pure cgroup v2
 * (unified) hosts use one directory under /sys/fs/cgroup; v1 or hybrid hosts
 * use one directory in each of the cpuset, memory and cpuacct hierarchies.
 * The CPU time the cgroup consumed is the host cost of the work.
 *
 * Must not: know which environment a cgroup holds (the caller names it), or
 * print.
 */
#ifndef VB_CGROUP_H
#define VB_CGROUP_H

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/cpulist.h"
#include "lib/error.h"

typedef enum vb_cg_mode {
	VB_CG_NONE = 0, /* no usable cgroup filesystem */
	VB_CG_V1 = 1,   /* legacy or hybrid: per-controller hierarchies */
	VB_CG_V2 = 2,   /* unified */
} vb_cg_mode_t;

typedef struct vb_cgroup {
	vb_cg_mode_t mode;
	char v2[PATH_MAX];      /* v2 directory */
	char cpuset[PATH_MAX];  /* v1 directories ("" when not used) */
	char memory[PATH_MAX];
	char cpuacct[PATH_MAX];
	char cpus[64];          /* allocated CPU list, "1" or "2-3" */
	uint64_t mem_bytes;     /* memory limit */
	int handles[4];         /* registry handles of the directories */
	char root[PATH_MAX];    /* cgroupfs root used ("/sys/fs/cgroup") */
} vb_cgroup_t;

/*
 * Which cgroup layout this host has under @root ("/sys/fs/cgroup" normally).
 * Writes a description into @why ("cgroup v2 (unified)", "cgroup v1 hybrid:
 * cpuset, memory, cpuacct", or why none is usable).
 */
vb_cg_mode_t vb_cgroup_probe(const char *root, char *why, size_t len);

/*
 * Create cgroup @name (e.g. "vbench-1234-bare") under @root limited to
 * @cpus and @mem_bytes, registered for release.  Returns 0 or -1 with @err
 * set (VB_EUNAVAIL when the host has no usable controllers, VB_ERESOURCE
 * for permission problems).
 */
int vb_cgroup_create(vb_cgroup_t *cg, const char *root, const char *name, const char *cpus,
		     uint64_t mem_bytes, vb_error_t *err);

/*
 * Fill @cg with the cgroup another manager made for @pid (a container
 * engine's), read from /proc/@pid/cgroup under @root: its directories,
 * CPU list and memory limit as the kernel has them.  Nothing is created or
 * registered (handles 0): vbench reads it (CPU time, footprint) and never
 * removes it; vb_cgroup_destroy on it does nothing.  Returns 0, or -1 with
 * @err (VB_EUNAVAIL when the process has no cgroup vbench can read).
 */
int vb_cgroup_of_pid(vb_cgroup_t *cg, const char *root, pid_t pid, vb_error_t *err);

/*
 * Move @pid into the cgroup (all hierarchies).  pid 0 means the caller.
 * Safe to call in a forked child before exec (no allocation).
 */
int vb_cgroup_attach(const vb_cgroup_t *cg, pid_t pid);

/* CPU time consumed by the cgroup's tasks so far, in ns. */
int vb_cgroup_cpu_ns(const vb_cgroup_t *cg, uint64_t *ns);
/* Current and peak memory charged (peak 0 if the kernel does not say). */
int vb_cgroup_memory(const vb_cgroup_t *cg, uint64_t *current, uint64_t *peak);

/*
 * Host memory of everything in the cgroup: the sum of the proportional set
 * size (PSS, /proc/PID/smaps_rollup) of its processes, their count, and the
 * page cache charged to the cgroup (v1 memory.stat "cache", v2 "file"),
 * reported separately.  Returns 0 or -1 when the cgroup cannot be read.
 */
int vb_cgroup_footprint(const vb_cgroup_t *cg, uint64_t *pss, uint64_t *nprocs,
			uint64_t *page_cache);

/* What is enforced and how, as JSON (new reference). */
json_t *vb_cgroup_to_json(const vb_cgroup_t *cg);

/* Kill remaining tasks, remove the directories, drop from the registry. */
void vb_cgroup_destroy(vb_cgroup_t *cg);

#endif
