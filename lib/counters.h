/*
 * counters.h - hardware and software event counters around a measured region.
 *
 * One vb_counters_t holds the requested events.  Each event is served by the
 * first source that can count it on this host, tried in this order:
 *   1. PAPI (presets such as PAPI_TOT_INS and native events such as
 *      perf::TASK-CLOCK), in one event set with inheritance into child
 *      processes; events that conflict are multiplexed (mode says so);
 *   2. perf_event_open(2) directly, for events with a known perf mapping
 *      (software events and the generic hardware events), inherit=1;
 *   3. getrusage(2) of self+children, for task clock, faults, context switches.
 * An event no source can count is kept, marked unavailable, with the reason
 * of every source that refused it (PAPI's own message first), so a record
 * always lists every requested event: value and source, or "unavailable" and
 * why.  A name that neither PAPI nor the fallback table knows is a usage
 * error (VB_EUSAGE) when the set is created.
 *
 * Must not: print, know which workload or environment it measures, or report
 * an event it could not count as zero.
 */
#ifndef VB_COUNTERS_H
#define VB_COUNTERS_H

#include <jansson.h>
#include <stddef.h>

#include "lib/error.h"

#define VB_MAX_EVENTS 32

typedef enum vb_csrc {
	VB_CSRC_NONE = 0, /* unavailable */
	VB_CSRC_PAPI,     /* PAPI event set */
	VB_CSRC_PERF,     /* perf_event_open(2) */
	VB_CSRC_RUSAGE,   /* getrusage(2) */
} vb_csrc_t;

typedef struct vb_counter {
	char name[64];      /* as requested, e.g. "PAPI_TOT_INS", "perf::TASK-CLOCK" */
	vb_csrc_t source;   /* who counts it; NONE = unavailable */
	const char *unit;   /* "count", "ns" */
	char reason[256];   /* why unavailable (empty when available) */
	long long value;    /* last measured value (valid after stop) */
} vb_counter_t;

typedef struct vb_counters vb_counters_t;

/* The default request (issue #2): hardware presets and perf software events. */
extern const char *const vb_default_events[];
extern const size_t vb_default_nevents;

/*
 * Check that every name is one PAPI can parse or the fallback table knows,
 * without creating anything.  Returns 0 or -1 with VB_EUSAGE naming the event.
 */
int vb_counters_validate(const char *const *names, size_t n, vb_error_t *err);

/*
 * Create a counter set for @names (at most VB_MAX_EVENTS).  Decides each
 * event's source now.  Returns NULL with @err set only for usage errors or
 * allocation failure; unavailable events are not errors.
 */
vb_counters_t *vb_counters_new(const char *const *names, size_t n, vb_error_t *err);

/* Bit mask of the sources vb_counters_new_from() may try: bit (1u << VB_CSRC_x). */
#define VB_CSRC_MASK_ALL ((1u << VB_CSRC_PAPI) | (1u << VB_CSRC_PERF) | (1u << VB_CSRC_RUSAGE))

/*
 * vb_counters_new() restricted to the sources in @sources (tests use it to
 * exercise each fallback on a host where an earlier source works).  Sources
 * left out are reported as "not tried" in the reason of unavailable events.
 */
vb_counters_t *vb_counters_new_from(const char *const *names, size_t n, unsigned sources,
				    vb_error_t *err);

/* Start / stop counting (values are the delta between the two).  Errors
 * during start/stop mark the affected events unavailable with the reason
 * rather than failing the measurement; both return 0. */
int vb_counters_start(vb_counters_t *c);
int vb_counters_stop(vb_counters_t *c);

size_t vb_counters_count(const vb_counters_t *c);
const vb_counter_t *vb_counters_at(const vb_counters_t *c, size_t i);
/* "papi", "perf_event", "getrusage", "unavailable". */
const char *vb_csrc_name(vb_csrc_t s);
/* How PAPI events were scheduled: "single-set", "multiplexed", or "none". */
const char *vb_counters_mode(const vb_counters_t *c);

/*
 * The last values as JSON: { NAME: {"value": N, "source": "...", "unit": "..."}
 * or {"available": false, "reason": "..."} }.  New reference.
 */
json_t *vb_counters_to_json(const vb_counters_t *c);

void vb_counters_free(vb_counters_t *c);

/* Sources tried for this process (for `vbench doctor`): PAPI init status and
 * perf_event_paranoid.  New reference. */
json_t *vb_counters_sources_json(void);

#endif
