/*
 * sizing.h - identical work everywhere.
 *
 * Workload sizes and amounts of work are decided once, by the harness, on
 * the host: sizes from the host's caches (libcpuid) capped to fit the
 * memory allocation, amounts calibrated on bare metal so one repetition
 * takes the profile's target time.  Every environment then receives the same
 * explicit parameters, so a slow environment does the same work and simply
 * takes longer.  Nothing is sized from what an environment sees inside.
 */
#ifndef VB_SIZING_H
#define VB_SIZING_H

#include <jansson.h>

#include "workloads/workload.h"
#include "lib/hostinfo.h"
#include "harness/core/options.h"

/* Fill @s from the host caches and the allocation. */
void vb_sizing_init(vb_sizing_t *s, const vb_caches_t *c, uint64_t mem, unsigned cpus, int tiny);

/*
 * Parameters of @w for this run: descriptor defaults, then the workload's
 * size hook, then the user's --param overrides.  *@scale_fixed is set when
 * the user fixed the scale parameter (calibration then leaves it alone).
 */
int vb_sizing_params(const vb_workload_t *w, const vb_sizing_t *s, const vb_run_cfg_t *cfg,
		     vb_params_t *p, int *scale_fixed, vb_error_t *err);

/*
 * The file_bytes of I/O workload @w for the run @cfg, exactly as the runner
 * will send it (defaults, tiny profile, --param; calibration never changes
 * a file size), 0 for a workload without a scratch file or one that cannot
 * be sized (it fails on its own).  vb_sizing_largest_file: the largest of
 * the run's selected workloads, 0 without an I/O workload.
 */
uint64_t vb_sizing_file_bytes(const vb_run_cfg_t *cfg, const vb_workload_t *w);
uint64_t vb_sizing_largest_file(const vb_run_cfg_t *cfg);

/* Run @w once with @p and report the measured region's duration. */
typedef int (*vb_probe_fn)(void *ctx, const vb_workload_t *w, const vb_params_t *p,
			   uint64_t *elapsed_ns, vb_error_t *err);

/*
 * Calibrate w->scale_param in @p so one run takes about @target_s: probe,
 * grow tenfold while a probe is too short to trust (< 10 ms and < 20% of the
 * target), then scale linearly, clamped to the parameter's bounds.
 * *@record receives {"param", "value", "target_s", "probes": [{value,
 * elapsed_ns}...]}.  Returns 0 or -1 (a probe failed; @err says why).
 */
int vb_sizing_calibrate(const vb_workload_t *w, vb_params_t *p, double target_s, vb_probe_fn probe,
			void *ctx, json_t **record, vb_error_t *err);

/* The scale value that makes a run of @probe_ns at @value take @target_s. */
uint64_t vb_sizing_calibrate_scale(uint64_t value, uint64_t probe_ns, double target_s, uint64_t min,
				   uint64_t max);

#endif
