/*
 * counters_int.h - internals shared by counters.c (the set, the perf_event
 * and getrusage sources) and counters_papi.c (the PAPI source).  Not a
 * public interface: use counters.h.
 *
 * Must not: be included outside counters.c and counters_papi.c.
 */
#ifndef VB_COUNTERS_INT_H
#define VB_COUNTERS_INT_H

#include <jansson.h>
#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "lib/counters.h"

typedef enum ru_kind {
	RU_NONE = 0, /* no getrusage equivalent */
	RU_TIME,     /* ru_utime + ru_stime, ns */
	RU_FAULTS,   /* ru_minflt + ru_majflt */
	RU_MINFLT,   /* ru_minflt */
	RU_MAJFLT,   /* ru_majflt */
	RU_CSW,	     /* ru_nvcsw + ru_nivcsw */
} ru_kind_t;

#define HWC(cache, op, res) \
	((PERF_COUNT_HW_CACHE_##cache) | (PERF_COUNT_HW_CACHE_OP_##op << 8) | \
	 (PERF_COUNT_HW_CACHE_RESULT_##res << 16))

typedef struct fb_entry {
	const char *names[4]; /* aliases, matched case-insensitively */
	const char *unit;     /* "ns" or "count" */
	uint32_t type[2];     /* perf attr types; type[1] tried if type[0] fails */
	uint64_t config[2];   /* perf attr configs */
	int nattr;	      /* 0 = no perf mapping */
	ru_kind_t ru;	      /* getrusage equivalent */
} fb_entry_t;

typedef struct ev_state {
	int papi_idx;		     /* position in the PAPI set's values, -1 if not PAPI */
	const fb_entry_t *fb;	     /* fallback entry, NULL if none */
	int fd;			     /* perf_event fd, -1 if none */
	uint64_t base[3];	     /* perf value, time enabled, time running at start */
} ev_state_t;

struct vb_counters {
	size_t n;			/* events */
	vb_counter_t ev[VB_MAX_EVENTS]; /* public view */
	ev_state_t st[VB_MAX_EVENTS];	/* how each is counted */
	int papi_set;			/* PAPI event set, PAPI_NULL if none */
	int papi_n;			/* events added to it */
	char papi_set_err[96];		/* why the set could not be prepared, "" if fine */
	int multiplexed;		/* set converted to multiplexing */
	int running;			/* between start and stop */
	int papi_running;		/* PAPI_start succeeded */
	struct rusage ru0[2];		/* self, children at start */
};

/* ---- the PAPI source (counters_papi.c) ---- */

/* Initialise PAPI once per process: 0 usable, -1 (vb_papi_reason() says why). */
int vb_papi_init(void);
/* Why PAPI could not be initialised ("" when it could). */
const char *vb_papi_reason(void);
/* PAPI's message for error code @r (never NULL). */
const char *vb_papi_strerror(int r);
/*
 * Try to count event @i of @c with PAPI: adds it to the set (created with
 * inheritance on first use, multiplexed on conflict).  0, or -1 with @why
 * ("PAPI: ...").
 */
int vb_papi_try(vb_counters_t *c, size_t i, char *why, size_t len);
/* PAPI's version, init status and components for `vbench doctor`. */
json_t *vb_papi_json(void);

#endif
