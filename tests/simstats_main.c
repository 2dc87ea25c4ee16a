/*
 * simstats_main.c - build/sim-stats: print the simulated error rates of
 * vbench's verdicts (simstats.h), one line per scenario, for
 * docs/benchmarks.md and docs/statistics.md.  scripts/sim-stats builds and
 * runs it.  Exit 0 when every rate is within its nominal level, 1 when one
 * is not (the line says so).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/simstats.h"

int main(int argc, char **argv)
{
	const vb_sim_case_t *c;
	vb_sim_result_t r;
	vb_sim_t s;
	size_t n, i;
	double rate;
	int bad = 0, ok;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: sim-stats (no arguments)\n");
		return 2;
	}
	c = vb_sim_cases(&n);
	printf("%-58s %-17s %6s %8s %10s %6s\n", "scenario (log-normal, CV 3%)", "rate of", "trials",
	       "rate", "nominal", "time");
	for (i = 0; i < n; i++) {
		s = c[i].sim;
		if (vb_sim_run(&s, &r) < 0) {
			fprintf(stderr, "sim-stats: out of memory\n");
			return 1;
		}
		rate = vb_sim_rate(&c[i], &r);
		ok = isnan(c[i].nominal) || (c[i].at_most ? rate <= c[i].nominal : rate >= c[i].nominal);
		bad |= !ok;
		printf("%-58s %-17s %6zu %7.2f%% ", c[i].name, c[i].rate, r.trials, rate * 100);
		if (isnan(c[i].nominal))
			printf("%10s", "-");
		else
			printf("%s%6.1f%%", c[i].at_most ? "<= " : ">= ", c[i].nominal * 100);
		printf(" %5.1fs%s\n", r.seconds, ok ? "" : "  NOT WITHIN");
	}
	return bad;
}
