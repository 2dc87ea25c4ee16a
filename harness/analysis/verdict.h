/*
 * verdict.h - the four verdicts on a ratio, one rule for every output.
 *
 * A ratio (an environment's time per unit of work against bare metal, or a
 * run's against another run's) is judged from two intervals of the same
 * bootstrap replicates and a stated margin M:
 *
 *   equivalent  the 90% interval lies inside [1/(1+M), 1+M]: two one-sided
 *               tests at 5% each say the difference is smaller than M;
 *   slower      else, the 95% interval lies above 1;
 *   faster      else, the 95% interval lies below 1;
 *   undecided   neither: these repetitions cannot tell.  With an interval
 *               the decision carries an estimate of how many more
 *               repetitions per side would decide it (widths shrink as
 *               1/sqrt(n)); with fewer than VB_VERDICT_MIN_N repetitions
 *               on a side it is always undecided ("too few repetitions"),
 *               never a coloured verdict.
 *
 * Equivalence comes first: a difference that is significant but smaller
 * than the margin (x1.01 [1.005-1.015]) is what the margin calls
 * equivalent.  docs/statistics.md section 2 gives the simulated error rates.
 * This module has no I/O and no resampling: callers pass the intervals.
 */
#ifndef VB_VERDICT_H
#define VB_VERDICT_H

#include <jansson.h>
#include <stddef.h>

#define VB_VERDICT_MARGIN 0.03 /* default equivalence margin M (--margin 3) */
#define VB_VERDICT_MIN_N  5    /* fewer repetitions on a side: undecided */
#define VB_VERDICT_MAX_MORE 1000 /* estimates of more repetitions are capped here */

typedef enum vb_verdict {
	VB_VERDICT_UNDECIDED,  /* neither: the data cannot tell (yet) */
	VB_VERDICT_SLOWER,     /* the 95% interval above 1 */
	VB_VERDICT_FASTER,     /* the 95% interval below 1 */
	VB_VERDICT_EQUIVALENT, /* the 90% interval inside [1/(1+M), 1+M] */
} vb_verdict_t;

/* Why a verdict is undecided. */
typedef enum vb_undecided {
	VB_UNDECIDED_NONE,    /* decided */
	VB_UNDECIDED_FEW,     /* fewer than VB_VERDICT_MIN_N repetitions on a side */
	VB_UNDECIDED_NODATA,  /* no ratio or no interval (fewer than 2 values, baseline 0) */
	VB_UNDECIDED_WIDE,    /* the interval is too wide for either test */
} vb_undecided_t;

typedef struct vb_decision {
	vb_verdict_t verdict;
	vb_undecided_t why; /* VB_UNDECIDED_NONE unless undecided */
	size_t more_reps;   /* VB_UNDECIDED_WIDE: repetitions per side to add (estimate,
			     * at most VB_VERDICT_MAX_MORE); 0 when unknown */
} vb_decision_t;

/*
 * Decide on @ratio from its 95% interval [@lo, @hi] (significance) and its
 * 90% interval [@elo, @ehi] (equivalence), both of the same replicates,
 * with @n the repetitions of the smaller side and @margin M (0.03 = 3%).
 * Non-finite bounds or ratio: undecided, VB_UNDECIDED_NODATA.
 */
vb_decision_t vb_verdict_decide(double ratio, double lo, double hi, double elo, double ehi, size_t n,
			double margin);

/*
 * The same decision with the difference tested by another test (a
 * permutation test's p below alpha, say): @sign is +1 when it found the
 * ratio significantly above 1, -1 below, 0 not significant; [@lo, @hi] is
 * the interval at that test's level, used only to estimate the repetitions
 * an undecided verdict needs.
 */
vb_decision_t vb_verdict_decide_test(double ratio, int sign, double lo, double hi, double elo,
			     double ehi, size_t n, double margin);

/* "slower", "faster", "equivalent" or "undecided": the only verdict words. */
const char *vb_verdict_name(vb_verdict_t v);

/* Why undecided, as printed in parentheses: "too few repetitions", "no interval",
 * or NULL when decided or the interval is merely too wide. */
const char *vb_verdict_undecided_name(vb_undecided_t why);

/*
 * Set "verdict" in @obj and, when undecided, "undecided" (the reason: "too
 * few repetitions", "no interval", "interval too wide") and, when estimated,
 * "more_reps" (repetitions per side that would likely decide it).
 */
void vb_verdict_decision_json(const vb_decision_t *d, json_t *obj);

/* The level of the equivalence interval for the significance level @level:
 * two one-sided tests, each at 1 - @level, need the 2 @level - 1 interval
 * (0.95 -> 0.90). */
double vb_verdict_equiv_level(double level);

/* One line stating the rule and the margin, for the footer of an output;
 * @test names what makes slower/faster (NULL: "the 95% interval above/below 1"). */
void vb_verdict_rule_line(double margin, const char *test, char *buf, size_t len);

#endif
