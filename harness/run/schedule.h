/*
 * schedule.h - the interleaved, randomised order of repetitions.
 *
 * For repetition r and workload w, every environment runs once, in an order
 * shuffled with a recorded seed (rep 1: container, bare, ...; rep 2: bare,
 * ...).  Drift on a noisy host is then spread over all environments instead
 * of turning into "overhead" of whichever ran last.
 *
 * Must not: draw from anything but the seed it is given, or print.
 */
#ifndef VB_SCHEDULE_H
#define VB_SCHEDULE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vb_slot {
	uint32_t rep; /* 1-based repetition */
	uint32_t wl;  /* index into the selected workloads */
	uint32_t env; /* index into the started environments */
} vb_slot_t;

/*
 * Fill @out (room for reps*nwl*nenv slots) and return the count.  The same
 * arguments always give the same order.  @seed 0 is replaced by a fixed
 * non-zero constant.
 */
size_t vb_schedule_build(uint32_t reps, uint32_t nwl, uint32_t nenv, uint64_t seed,
			 vb_slot_t *out);

/* The order as JSON [[rep, wl, env], ...] (new reference). */
json_t *vb_schedule_to_json(const vb_slot_t *s, size_t n);

#endif
