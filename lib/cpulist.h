/*
 * cpulist.h - CPU lists in the kernel's notation ("0-1,3"), for up to 64
 * CPUs, as masks, and the one place that pins the calling thread to such a
 * list (the environments' processes on their allocated CPUs, the harness
 * off them).
 *
 * Must not: read or write files (the cgroup's cpuset is cgroup.c's, the
 * host's CPUs hostinfo.c's).
 */
#ifndef VB_CPULIST_H
#define VB_CPULIST_H

#include <stddef.h>
#include <stdint.h>

/* Parse a CPU list ("0-1,3") into a mask of up to 64 CPUs; -1 if malformed. */
int vb_cpulist_parse(const char *s, uint64_t *mask);
/* Format a mask as a CPU list. */
void vb_cpulist_format(uint64_t mask, char *buf, size_t len);

/*
 * Pin the calling thread to the CPUs of @mask (sched_setaffinity).
 * Returns 0, or -1 with errno.  Async-signal-safe: a forked child calls it
 * before exec.
 */
int vb_cpulist_pin_mask(uint64_t mask);

/*
 * Pin the calling thread to the CPU list @cpus.  NULL or "" leaves the
 * affinity as it is (returns 0); a malformed list returns -1 with EINVAL;
 * else as vb_cpulist_pin_mask.
 */
int vb_cpulist_pin(const char *cpus);

#endif
