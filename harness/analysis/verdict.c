/*
 * verdict.c - the four verdicts on a ratio (verdict.h): equivalent within a
 * stated margin, slower, faster, or undecided with an estimate of the
 * repetitions that would decide it.  Every output (terminal table,
 * summary.json, report.md/html, CSV, explain, plan, compare) takes its
 * verdict from vb_verdict_decide, so one rule is stated and simulated once
 * (docs/statistics.md, tests/check_verdict.c).
 */
#include "harness/analysis/verdict.h"

#include <math.h>
#include <stdio.h>

/*
 * Repetitions per side that would shrink a distance @w from the estimate to
 * an interval's edge (log scale, measured with @n per side) below @room:
 * widths shrink as 1/sqrt(n), so n' = n (w / room)^2.  Infinity when there
 * is no room.
 */
static double reps_for(double w, double room, size_t n)
{
	if (!(room > 0) || !isfinite(w))
		return INFINITY;
	return (double)n * (w / room) * (w / room);
}

/*
 * The estimate of VB_UNDECIDED_WIDE: more repetitions per side, 0 when
 * unknown.  Significance needs the edge of [@lo, @hi] on 1's side to pass
 * 1; equivalence needs both edges of [@elo, @ehi] inside the margin.  The
 * intervals are asymmetric, so each edge is scaled on its own.
 */
static size_t more_reps(double ratio, double lo, double hi, double elo, double ehi, size_t n,
			double margin)
{
	double c = log(ratio), m = log1p(margin), sig, eq;

	sig = c > 0 ? reps_for(c - log(lo), c, n) : reps_for(log(hi) - c, -c, n);
	eq = fmax(reps_for(log(ehi) - c, m - c, n), reps_for(c - log(elo), m + c, n));
	sig = fmin(sig, eq);
	if (!isfinite(sig))
		return 0;
	if (sig > (double)(n + VB_VERDICT_MAX_MORE))
		return VB_VERDICT_MAX_MORE;
	return sig > (double)n ? (size_t)ceil(sig) - n : 1;
}

vb_decision_t vb_verdict_decide(double ratio, double lo, double hi, double elo, double ehi, size_t n,
			double margin)
{
	return vb_verdict_decide_test(ratio, lo > 1.0 ? 1 : hi < 1.0 ? -1 : 0, lo, hi, elo, ehi, n, margin);
}

vb_decision_t vb_verdict_decide_test(double ratio, int sign, double lo, double hi, double elo,
			     double ehi, size_t n, double margin)
{
	vb_decision_t d = { VB_VERDICT_UNDECIDED, VB_UNDECIDED_NONE, 0 };
	double up = 1.0 + margin;

	if (!isfinite(ratio) || !isfinite(lo) || !isfinite(hi) || !isfinite(elo) ||
	    !isfinite(ehi) || ratio <= 0 || lo <= 0 || elo <= 0) {
		d.why = n < VB_VERDICT_MIN_N ? VB_UNDECIDED_FEW : VB_UNDECIDED_NODATA;
		return d;
	}
	/* Below the minimum no verdict is coloured: with 3 values a side a
	 * bootstrap interval covers the truth far less often than it says. */
	if (n < VB_VERDICT_MIN_N) {
		d.why = VB_UNDECIDED_FEW;
		return d;
	}
	if (elo >= 1.0 / up && ehi <= up)
		d.verdict = VB_VERDICT_EQUIVALENT;
	else if (sign)
		d.verdict = sign > 0 ? VB_VERDICT_SLOWER : VB_VERDICT_FASTER;
	else {
		d.why = VB_UNDECIDED_WIDE;
		d.more_reps = more_reps(ratio, lo, hi, elo, ehi, n, margin);
	}
	return d;
}

const char *vb_verdict_name(vb_verdict_t v)
{
	switch (v) {
	case VB_VERDICT_SLOWER:
		return "slower";
	case VB_VERDICT_FASTER:
		return "faster";
	case VB_VERDICT_EQUIVALENT:
		return "equivalent";
	case VB_VERDICT_UNDECIDED:
		break;
	}
	return "undecided";
}

const char *vb_verdict_undecided_name(vb_undecided_t why)
{
	switch (why) {
	case VB_UNDECIDED_FEW:
		return "too few repetitions";
	case VB_UNDECIDED_NODATA:
		return "no interval";
	case VB_UNDECIDED_WIDE:
		return "interval too wide";
	case VB_UNDECIDED_NONE:
		break;
	}
	return NULL;
}

void vb_verdict_decision_json(const vb_decision_t *d, json_t *obj)
{
	json_object_set_new(obj, "verdict", json_string(vb_verdict_name(d->verdict)));
	if (d->why != VB_UNDECIDED_NONE)
		json_object_set_new(obj, "undecided", json_string(vb_verdict_undecided_name(d->why)));
	if (d->more_reps)
		json_object_set_new(obj, "more_reps", json_integer((json_int_t)d->more_reps));
}

double vb_verdict_equiv_level(double level)
{
	return 2.0 * level - 1.0;
}

void vb_verdict_rule_line(double margin, const char *test, char *buf, size_t len)
{
	snprintf(buf, len,
		 "verdicts: equivalent = the 90%% interval within +-%g%% (margin); slower/faster "
		 "= %s; undecided = neither, or fewer than %d repetitions a side",
		 margin * 100, test ?: "the 95% interval above/below 1", VB_VERDICT_MIN_N);
}
