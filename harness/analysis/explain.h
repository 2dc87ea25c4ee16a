/*
 * explain.h - `vbench explain`: virtualization for coursework, tied to the
 * numbers of one run.
 *
 * explain.c classifies every environment of a run on the two axes students
 * confuse (architecture: where the virtualization layer sits; mechanism:
 * how guest CPU code runs) and judges the common claims about
 * virtualization against the run's summary with the thresholds of
 * docs/explain.md, saying what is missing instead of guessing where the run
 * cannot decide (an unavailable environment, a virtualized host, no
 * noisy-neighbour data).  explain_md.c only formats the result.
 *
 * Must not: print or write files (explain_md.c and explain_html.c do), or
 * classify an environment by its display strings: it reads its class.
 */
#ifndef VB_EXPLAIN_H
#define VB_EXPLAIN_H

#include <jansson.h>
#include <stdio.h>

#define VB_EXPLAIN_SCHEMA	  "vbench-explain"
#define VB_EXPLAIN_SCHEMA_VERSION 1

/* Thresholds of the claims (docs/explain.md). */
#define VB_EXPLAIN_HIGH	    1.5	 /* claim 1: "high overhead": CPU-group lower bound above */
#define VB_EXPLAIN_CLOSE_HW 1.10 /* claim 2: "close to bare metal": upper bound at most */
/* claim 3: containers are "close" when equivalent within the summary's margin (verdict.h) */
#define VB_EXPLAIN_MEM_MORE 1.5	 /* claim 4: VM footprint at least this x a container's */
#define VB_EXPLAIN_MEM_SAME 1.1	 /* claim 4: at most this x: not more */
#define VB_EXPLAIN_SYSCALL_HEAVY 2.0 /* claim 9: system-call-heavy work at least this x slower */
#define VB_EXPLAIN_SHORT_PAUSE_MS 1000 /* claim 11: a move's pause shorter than this */
#define VB_EXPLAIN_WEAK_AGGRESSOR 0.5 /* claim 5: a VM aggressor below this x a container's rate */

/* Verdicts of a test and of a claim. */
#define VB_EXPLAIN_HOLDS	"holds"
#define VB_EXPLAIN_NOT		"does not hold"
#define VB_EXPLAIN_INCONCLUSIVE "inconclusive"
#define VB_EXPLAIN_UNTESTABLE	"cannot be tested here"
#define VB_EXPLAIN_UNMEASURED	"not measured in this run"

/*
 * The explanation of @run (a loaded, checked run.json) with its summary
 * @summary (vb_summary_build of the same run); @dir names the run.
 * Deterministic.  Its "environments" are those the run brought up (the
 * failed ones with "measured": false and the reason); an unavailable one is
 * only in "unavailable" ({"name", "reason"}), and in the notes of the claims
 * it leaves untestable.  New reference, NULL when memory runs out.
 */
json_t *vb_explain_build(const json_t *run, const json_t *summary, const char *dir);

/*
 * Claim 5's tests and notes from @run's "noisy" object: every VM in @vms
 * (array of names) against every container in @cts, per aggressor kind.
 * {"tests": [...], "notes": [...]} in explain's shapes (explain_noisy.c).
 */
json_t *vb_explain_noisy(const json_t *run, const json_t *vms, const json_t *cts,
			 int virtualized);

/* The explanation as Markdown (explain.md, also what the terminal shows). */
void vb_explain_md(const json_t *explain, FILE *out);

/* The fixed text on the two axes (Markdown: "## " headings, "- " items, "|"
 * tables, **bold**, *italic*), for explain_md.c and explain_html.c. */
extern const char vb_explain_axes_md[];

/* A test's value, unit, interval and the indicative mark ("x7.90
 * [7.28-8.08] †", "5.23 ms", "-") into @buf.  Returns @buf. */
char *vb_explain_fmt_value(const json_t *test, char *buf, size_t len);

/* The equivalence margin of explanation @x ("margin"; VB_VERDICT_MARGIN when absent). */
double vb_explain_margin(const json_t *x);

#endif
