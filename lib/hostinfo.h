/*
 * hostinfo.h - facts about the machine the code runs on: CPU (through
 * libcpuid: vendor, brand, family/model, cores/threads, caches and line
 * sizes, feature flags, hypervisor bit and vendor), kernel release,
 * CPU-vulnerability mitigations, transparent-huge-page policy, clocksource,
 * memory, and a directory's filesystem.  The same code runs on the host and
 * inside every environment (the agent reports its own view).
 *
 * Must not: print, or know which environment it runs in: the agent reports
 * the same facts from inside.
 */
#ifndef VB_HOSTINFO_H
#define VB_HOSTINFO_H

#include <jansson.h>
#include <stdint.h>

#include "lib/error.h"

typedef struct vb_caches {
	uint64_t l1d;    /* bytes per core; 0 unknown */
	uint64_t l2;     /* bytes per core; 0 unknown */
	uint64_t l3;     /* bytes (shared); 0 none/unknown */
	uint64_t line;   /* cache line bytes (64 if unknown) */
	char source[32]; /* "libcpuid", "sysfs", "default" */
	uint64_t l1i;    /* L1 instruction cache bytes per core; 0 unknown */
} vb_caches_t;

/* Cache sizes from libcpuid, falling back to sysfs, then to documented
 * defaults (32K/1M/8M/64); @c->source says which.  Never fails. */
void vb_hostinfo_caches(vb_caches_t *c);

/* Physical memory in bytes (MemTotal) and currently available (MemAvailable). */
int vb_hostinfo_memory(uint64_t *total, uint64_t *avail, vb_error_t *err);

/* Number of CPUs this process may run on. */
unsigned vb_hostinfo_ncpus(void);

/* Which per-CPU time vb_hostinfo_cputime_ns sums. */
typedef enum vb_cputime {
	VB_CPUTIME_STEAL, /* /proc/stat's steal (ticks; in a VM the guest's steal clock) */
	VB_CPUTIME_RUNQ,  /* /proc/schedstat's run_delay (ns; CONFIG_SCHEDSTATS only) */
	VB_CPUTIME_IDLE,  /* /proc/stat's idle + iowait (ticks): nobody wanted the CPU */
} vb_cputime_t;

/*
 * Time the CPUs of @mask have spent so far in @what, in ns, summed over
 * their lines ("cpuN ...") of the kernel's file; @mask 0 = the CPUs this
 * process may run on.  -1 when the file or none of the CPUs can be read.
 */
long long vb_hostinfo_cputime_ns(vb_cputime_t what, uint64_t mask);

/* Whether the CPU reports running under a hypervisor (CPUID leaf 1 ECX bit
 * 31): 1 or 0, and its vendor string from leaf 0x40000000 ("KVMKVMKVM", ""
 * if none; unprintable bytes become '?'). */
int vb_hostinfo_hypervisor(char *vendor, size_t len);

/* Size in bytes of the block device @path (open O_RDONLY, BLKGETSIZE64).
 * 0, or -1 with errno set and *@bytes 0. */
int vb_hostinfo_blkdev_size(const char *path, uint64_t *bytes);

/*
 * All facts as a JSON object: {"cpu": {...}, "kernel": {...},
 * "mitigations": {...}, "thp": {...}, "clocksource": "...", "memory": {...},
 * "virtualized": bool, "hypervisor_vendor": "..."} and, when @dir is not
 * NULL, {"scratch": {"path":..., "fstype":..., "ram": bool}} (a block
 * device: fstype "block device" and "device": {path, dev, size_bytes, model,
 * rotational, loop_backing_file}).  Facts that
 * cannot be read are recorded as null with no failure.  New reference.
 */
json_t *vb_hostinfo_collect(const char *dir);

#endif
