/*
 * density.h - how many instances of an environment fit on this host, and
 * what each one costs (`vbench run --density K`).
 *
 * After the run's schedule, for every environment that started, K instances
 * are started one after another, each in its own cgroup with the run's
 * allocation (same CPU set, same memory limit), until K are up, the host's
 * memory would not hold the next one, an instance is refused, or the run is
 * interrupted; the reason is recorded.  For each instance: its start latency
 * (launch to the agent's ready message, host clock), the host memory it
 * adds (PSS of its cgroup's processes, page cache separately) idle and
 * while every instance holds a quarter of its allocation in a running
 * mem.stream, and the disk it occupies (own rootfs or disk image, plus its
 * share of files all instances reuse).  docs/methodology.md, "Density",
 * gives the definitions and the memory bound.
 *
 * Must not: compute a statistic of its own (medians are stats.h's) or start
 * an instance other than through instance.h.
 */
#ifndef VB_DENSITY_H
#define VB_DENSITY_H

#include <jansson.h>
#include <stddef.h>

#include "harness/env/env.h"
#include "harness/core/options.h"

#define VB_DENSITY_HOLD_PCT   25	     /* share of the allocation every instance holds */
#define VB_DENSITY_PASSES     3		     /* mem.stream passes: the hold lasts several samples */
#define VB_DENSITY_SAMPLE_MS  100	     /* footprint sampling period under load */
#define VB_DENSITY_MARGIN_MIN (512ULL << 20) /* host memory always left free ... */
#define VB_DENSITY_MARGIN_PCT 5		     /* ... or this share of MemTotal if larger */

/*
 * Measure density for the @n environments @envs with cfg->density
 * instances each; the result goes to @doc's "density" object (one member
 * per environment), and run.json is saved after each environment.  An
 * environment already in @doc (a resumed run) is skipped unless its record
 * says "interrupted", which an interrupt during it sets.  Every instance
 * is stopped before returning, also when interrupted.  Returns 0, or -1
 * when interrupted.
 */
int vb_density_run(const vb_run_cfg_t *cfg, const vb_env_ops_t *const *envs, size_t n, json_t *doc);

#endif
