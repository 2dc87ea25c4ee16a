/*
 * mem_common.h - small helpers shared by the memory workloads (mem_*.c).
 *
 * The four memory workloads share a THP-policy parameter, size parameters
 * that their sizing hooks write back as readable text ("128M"), and the same
 * "fraction of the memory allocation" arithmetic.  Header-only (static
 * inline) so that adding it needs no Makefile line; nothing here allocates.
 *
 * Must not: allocate, or know where it runs.
 */
#ifndef VB_MEM_COMMON_H
#define VB_MEM_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "workloads/workload.h"

#define VB_MEM_KIB (UINT64_C(1) << 10)
#define VB_MEM_MIB (UINT64_C(1) << 20)
#define VB_MEM_GIB (UINT64_C(1) << 30)
#define VB_MEM_TIB (UINT64_C(1) << 40)

/* The THP parameter every memory workload declares (descriptor entry). */
#define VB_MEM_THP_PARAM                                                              \
	{ "thp", VB_P_STR, "never", 0, 0,                                             \
	  "transparent huge pages for the buffers: never (madvise NOHUGEPAGE) or "   \
	  "always (madvise HUGEPAGE)" }

/*
 * Check a THP policy value: 0 for "never" or "always", otherwise -1 with
 * @err set to VB_EUSAGE naming the parameter and the bad value (the harness
 * puts the workload's name in front).
 */
static inline int mem_thp_check(const char *thp, vb_error_t *err)
{
	if (thp && (!strcmp(thp, "never") || !strcmp(thp, "always")))
		return 0;
	return vb_error_set(err, VB_EUSAGE, 0,
			    "thp: '%s' is not a THP policy (expected never or always)",
			    thp ? thp : "");
}

/* Last-level cache the sizing rules are judged against: L3, or L2 without one. */
static inline uint64_t mem_llc(const vb_sizing_t *s)
{
	return s->l3 ? s->l3 : s->l2;
}

/* @pct percent of @mem, computed without overflow for any realistic size. */
static inline uint64_t mem_percent(uint64_t mem, unsigned pct)
{
	return mem / 100 * pct + mem % 100 * pct / 100;
}

/* Largest power of two <= @v (0 for 0). */
static inline uint64_t mem_pow2_floor(uint64_t v)
{
	if (!v)
		return 0;
	return UINT64_C(1) << (63 - __builtin_clzll(v));
}

/* Smallest power of two >= @v (1 for 0 and 1; @v must be <= 2^63). */
static inline uint64_t mem_pow2_ceil(uint64_t v)
{
	uint64_t f = mem_pow2_floor(v);

	return f == v || !v ? (v ? v : 1) : f << 1;
}

/*
 * Format @bytes as parameter text with the largest exact binary suffix
 * ("128M", "24K", "1000") into @buf.  Returns @buf.
 */
static inline char *mem_size_text(uint64_t bytes, char *buf, size_t len)
{
	if (bytes && !(bytes % VB_MEM_GIB))
		snprintf(buf, len, "%lluG", (unsigned long long)(bytes / VB_MEM_GIB));
	else if (bytes && !(bytes % VB_MEM_MIB))
		snprintf(buf, len, "%lluM", (unsigned long long)(bytes / VB_MEM_MIB));
	else if (bytes && !(bytes % VB_MEM_KIB))
		snprintf(buf, len, "%lluK", (unsigned long long)(bytes / VB_MEM_KIB));
	else
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	return buf;
}

/* Set SIZE parameter @key of @w in @p to @bytes (as mem_size_text).  0 or -1. */
static inline int mem_set_size(const vb_workload_t *w, vb_params_t *p, const char *key,
			       uint64_t bytes, vb_error_t *err)
{
	char buf[32];

	return vb_params_set(w, p, key, mem_size_text(bytes, buf, sizeof(buf)), err);
}

#endif
