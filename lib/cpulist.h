/*
 * cpulist.h - CPU lists in the kernel's notation ("0-1,3"), for up to 64
 * CPUs, as masks.  No I/O: parsing and formatting only.
 */
#ifndef VB_CPULIST_H
#define VB_CPULIST_H

#include <stddef.h>
#include <stdint.h>

/* Parse a CPU list ("0-1,3") into a mask of up to 64 CPUs; -1 if malformed. */
int vb_cpulist_parse(const char *s, uint64_t *mask);
/* Format a mask as a CPU list. */
void vb_cpulist_format(uint64_t mask, char *buf, size_t len);

#endif
