/*
 * noisy.h - noisy neighbours: how much a victim instance slows down while
 * another instance of the same environment runs an aggressor
 * (`vbench run --noisy[=cpu,mem,io]`).
 *
 * Per environment, two instances are started, each with its own allocation
 * (its own cgroup, the run's memory limit): the victim on the run's CPUs,
 * the aggressor on other CPUs when the host has them (docs/methodology.md,
 * "Noisy neighbours", says what happens on small hosts).  Per aggressor
 * kind:
 *   cpu  victim cpu.int,     aggressor cpu.int
 *   mem  victim mem.stream,  aggressor mem.stream
 *   io   victim io.randread, aggressor io.randwrite
 * The victim's amount of work is calibrated in that environment, alone, to
 * about VB_NOISY_TARGET_S; it then runs VB_NOISY_REPS repetitions alone
 * (the aggressor instance up and idle) and VB_NOISY_REPS with the aggressor
 * looping (a new request the moment the previous one answers).  The
 * slowdown is the victim's time per unit of work with the aggressor over
 * alone (ratio of medians, bootstrap interval: stats.h); the aggressor's
 * achieved rate is recorded alone and during, because a slow (emulated)
 * aggressor exerts less pressure.
 *
 * Must not: compute a statistic of its own (medians, intervals and ratios
 * are stats.h's) or start an instance other than through instance.h.
 */
#ifndef VB_NOISY_H
#define VB_NOISY_H

#include <jansson.h>
#include <stddef.h>

#include "harness/env/env.h"
#include "harness/core/options.h"

#define VB_NOISY_REPS	  5    /* victim repetitions alone, and again with the aggressor */
#define VB_NOISY_TARGET_S 0.25 /* one victim repetition alone (tiny profile: a fifth) */

/*
 * Measure every kind in cfg->noisy for the @n environments @envs; results
 * go to @doc's "noisy" object (one member per environment), run.json is
 * saved after each environment.  An environment already in @doc (a
 * resumed run) is skipped unless its record says "interrupted", which an
 * interrupt during it sets.  Both instances are stopped before returning,
 * also when interrupted.  Returns 0, or -1 when interrupted.
 */
int vb_noisy_run(const vb_run_cfg_t *cfg, const vb_env_ops_t *const *envs, size_t n, json_t *doc);

#endif
