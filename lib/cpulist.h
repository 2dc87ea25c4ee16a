/*
 * cpulist.h - CPU lists in the kernel's notation ("0-1,3"), for up to 64
 * CPUs, as masks: parsing, formatting, and pinning the calling process to
 * them (the one place that builds a cpu_set_t from a list).
 */
#ifndef VB_CPULIST_H
#define VB_CPULIST_H

#include <stddef.h>
#include <stdint.h>

/* Parse a CPU list ("0-1,3") into a mask of up to 64 CPUs; -1 if malformed. */
int vb_cpulist_parse(const char *s, uint64_t *mask);
/* Format a mask as a CPU list. */
void vb_cpulist_format(uint64_t mask, char *buf, size_t len);

/* Pin the calling process (thread) to the CPUs of @mask (0: nothing done),
 * or of the list @cpus (NULL, "" or malformed: nothing done).  0, or -1
 * with errno from sched_setaffinity.  Async-signal-safe (a child before
 * exec may call it). */
int vb_cpulist_pin_mask(uint64_t mask);
int vb_cpulist_pin(const char *cpus);

#endif
