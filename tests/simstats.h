/*
 * simstats.h - error rates of vbench's verdicts simulated on synthetic
 * data with deterministic seeds: tests/check_simstats.c asserts them,
 * scripts/sim-stats prints them (build/sim-stats), docs/benchmarks.md
 * records them.
 *
 * Every trial draws fresh repetitions from a log-normal distribution of a
 * given coefficient of variation (benchmark times are positive and skewed
 * to the slow side) or, with the "outliers" shape, the same with one
 * repetition in ten 30% slower (an interrupt, a noisy neighbour), then
 * asks the real functions of harness/analysis for their verdict.
 */
#ifndef VB_SIMSTATS_H
#define VB_SIMSTATS_H

#include <stddef.h>
#include <stdint.h>

typedef enum vb_sim_shape {
	VB_SIM_LOGNORMAL, /* log-normal with the given CV */
	VB_SIM_OUTLIERS,  /* the same, one value in ten (at random) x1.3 */
} vb_sim_shape_t;

/* What a scenario asks. */
typedef enum vb_sim_what {
	VB_SIM_COMPARE_METRIC,	 /* vbench compare, one metric: A vs B */
	VB_SIM_COMPARE_OVERHEAD, /* vbench compare, an overhead ratio across two runs */
	VB_SIM_SUMMARY,		 /* a summary's overhead verdict: environment vs baseline */
	VB_SIM_ADAPTIVE,	 /* the same after --precision's stopping rule (run/contend.c):
				  * from min_n repetitions a side, one more a round until the
				  * interval is within +-precision or n is reached */
} vb_sim_what_t;

typedef struct vb_sim {
	vb_sim_what_t what;
	vb_sim_shape_t shape;
	size_t n;	/* repetitions per side (per sample) */
	double cv;	/* coefficient of variation of every sample */
	double shift;	/* true ratio (time per unit of work): 1 = no change */
	double drift;	/* COMPARE_OVERHEAD: run B's host is this much slower on every
			 * sample, baseline included (1 = none); cancels in the ratio */
	size_t trials;
	size_t resamples; /* bootstrap resamples per verdict */
	double margin;	/* equivalence margin */
	size_t min_n;	/* ADAPTIVE: the rounds before the first look (--min-reps) */
	double precision; /* ADAPTIVE: --precision, a fraction */
	uint64_t seed;
} vb_sim_t;

typedef struct vb_sim_result {
	size_t trials;
	size_t slower, faster, equivalent, undecided; /* verdicts over the trials */
	size_t reps;				      /* repetitions a side, summed over the trials */
	double seconds;				      /* wall time of the simulation */
} vb_sim_result_t;

/* Defaults: CV 3%, n 10, no shift or drift, 1000 trials, 2000 resamples, margin 3%. */
void vb_sim_init(vb_sim_t *s, vb_sim_what_t what);

/* Run @s: the verdict of each trial counted into @r.  0, or -1 out of memory. */
int vb_sim_run(const vb_sim_t *s, vb_sim_result_t *r);

/* One scenario of the standard table, as printed and recorded. */
typedef struct vb_sim_case {
	const char *name;    /* what it measures */
	const char *rate;    /* which share is the error rate or the power */
	double nominal;	     /* nominal level (or the power asked), as a share */
	int at_most;	     /* 1: the rate must not exceed nominal; 0: must reach it */
	vb_sim_t sim;
} vb_sim_case_t;

/* The standard scenarios (issue #13); *@n gets their number.  Static storage. */
const vb_sim_case_t *vb_sim_cases(size_t *n);

/* The share of @r that @c's rate counts ("slower or faster", "equivalent", ...). */
double vb_sim_rate(const vb_sim_case_t *c, const vb_sim_result_t *r);

#endif
