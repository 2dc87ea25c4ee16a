/*
 * schedule.c - interleaving order (schedule.h).
 */
#include "harness/run/schedule.h"

#include "lib/util.h"

size_t vb_schedule_build(uint32_t reps, uint32_t nwl, uint32_t nenv, uint64_t seed,
			 vb_slot_t *out)
{
	uint64_t st = seed ? seed : 0x9E3779B97F4A7C15ull;
	uint32_t r, w, e, j;
	size_t n = 0, base;
	vb_slot_t tmp;

	for (r = 1; r <= reps; r++) {
		for (w = 0; w < nwl; w++) {
			base = n;
			for (e = 0; e < nenv; e++)
				out[n++] = (vb_slot_t){ .rep = r, .wl = w, .env = e };
			/* Fisher-Yates over this block's environments. */
			for (e = nenv; e > 1; e--) {
				j = (uint32_t)(vb_rand64(&st) % e);
				tmp = out[base + e - 1];
				out[base + e - 1] = out[base + j];
				out[base + j] = tmp;
			}
		}
	}
	return n;
}

json_t *vb_schedule_to_json(const vb_slot_t *s, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack("[i,i,i]", (int)s[i].rep, (int)s[i].wl,
						   (int)s[i].env));
	return a;
}
