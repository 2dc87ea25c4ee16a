/*
 * charts.h - the charts of a report, drawn by gnuplot run as an external
 * program.
 *
 * From a summary (summary.h) this module writes, into <run dir>/charts/, one
 * data file (NAME.dat) and one gnuplot script (NAME.gp) per chart, and runs
 * `gnuplot NAME.gp` in that directory; each script plots from the data file
 * next to it by a relative path and sets its own terminals, so a user can
 * edit it and re-plot by hand.  Every chart is written as NAME.svg and
 * NAME.png (pngcairo, or libgd's png where gnuplot lacks cairo).  The files
 * are kept.
 *
 *   overview   overall and per group (cpu, mem, io) overhead per
 *              environment: the geometric means of the summary's groups
 *              with their intervals, on a log scale with the x1 line
 *   overhead   the primary metric's overhead ratio per workload and
 *              environment, with its bootstrap interval and each
 *              repetition's ratio beside it, on a log scale with the x1 line
 *   absolute   the primary metric's median and interval per environment,
 *              with the repetitions beside it, one small panel per workload
 *              (its own unit; log scale when the values span more than 10x)
 *   counters   every available counter per operation (its unit on the
 *              axis), one panel per counter, workloads by environment
 *              (skipped with a note when no counter was available anywhere)
 *   footprint  start and stop latency, and host memory (PSS idle and after
 *              the memory workload) per environment, each on a log scale
 *              when its values span more than 10x
 *
 * Every chart gives an environment the same colour (charts_style.c:
 * Okabe-Ito, colour-blind safe), draws only the environments that ran,
 * and says in its title what was measured and where (host, date,
 * profile, repetitions).
 *   density    (runs with --density) host memory per instance idle and
 *              under load per environment, and each instance's start latency
 *              by instance number
 *   noisy      (runs with --noisy) the victim's slowdown with its interval per
 *              environment, one cluster per aggressor kind, with the x1 line
 *
 * A chart that does not apply (density and noisy on a run without them) has
 * no entry and no file.  For `vbench plan --out DIR`, vb_charts_render_plan
 * writes DIR/charts/plan.* the same way:
 *
 *   plan       hosts needed per environment (labelled with the binding
 *              resource) and instances of each service per host alone
 *              (labelled with the resource that stops more)
 *
 * Strings from run.json are untrusted: in scripts they are single-quoted
 * (gnuplot expands neither macros nor backquotes there) with control
 * characters removed, in data files double-quoted with quotes replaced, and
 * every terminal is "noenhanced".
 *
 * Must not: compute statistics: a chart plots the summary's numbers as they
 * are.
 */
#ifndef VB_CHARTS_H
#define VB_CHARTS_H

#include <jansson.h>

#include "lib/error.h"

#define VB_CHARTS_DIR	      "charts"	       /* under the run directory */
#define VB_CHARTS_TIMEOUT_MS  60000	       /* deadline of one gnuplot run */
#define VB_CHARTS_BUDGET_MS   120000	       /* all the charts of one report together */
#define VB_CHARTS_BUDGET_ENV  "VBENCH_TEST_CHARTS_BUDGET_MS" /* test hook: a shorter budget */
#define VB_CHARTS_GNUPLOT_ENV "VBENCH_GNUPLOT" /* test hook: the gnuplot program */
#define VB_CHARTS_MISSING     "gnuplot not found (apt-get install gnuplot-nox)"

/*
 * The gnuplot program: $VBENCH_GNUPLOT when set (a path or a name looked up
 * like any helper; a test sets it to /nonexistent to simulate a host without
 * gnuplot), else "gnuplot" in $PATH or the system directories.  Returns 0
 * with the path in @path, or -1 when there is none.
 */
int vb_charts_find_gnuplot(char *path, size_t len);

/*
 * What the charts draw: @sum with, when @run (the run.json it came from)
 * is given, "points" (every repetition, drawn beside the medians),
 * "where" (host, date, profile: every title's second line) and
 * "counter_units" (samples.h).  Without @run the charts are drawn from the
 * summary alone (no points, the host's CPU as the place).  New reference,
 * NULL when memory runs out.
 */
json_t *vb_charts_input(const json_t *sum, const json_t *run);

/*
 * Write the data files and scripts of @sum's charts into charts/ beneath
 * the run directory's descriptor @run_fd (@run_dir names it) and render
 * them with gnuplot, in a private directory whose images are then renamed
 * into charts/ (nothing is written through a link; charts/ itself a link
 * is refused, VB_EUSAGE).  All the charts share a budget of
 * VB_CHARTS_BUDGET_MS (each gnuplot run at most VB_CHARTS_TIMEOUT_MS):
 * those left when it runs out are "skipped" with the note "not rendered:
 * the charts' time budget of N s ran out".  Never fails for a missing
 * gnuplot or a gnuplot error: the returned document says what happened,
 *
 *   { "dir": "charts", "gnuplot": PATH|null, "png_terminal": "pngcairo"|"png"|null,
 *     "skipped": REASON|null,           (no chart rendered at all, and why)
 *     "charts": [ { "name", "title", "caption", "status": "ok"|"error"|"skipped",
 *                   "note": TEXT|null,  (why skipped, or gnuplot's error: the
 *                                        `"NAME.gp" line N: ...` line of its stderr)
 *                   "svg", "png": paths relative to the run directory,
 *                   "png_base64": the PNG, when rendered } ],
 *     "notes": [ one line per chart skipped or failed ] }
 *
 * New reference, or NULL with @err only when the directory or a file cannot
 * be written (VB_ESYS) or memory runs out.
 */
json_t *vb_charts_render_at(const json_t *sum, int run_fd, const char *run_dir, vb_error_t *err);

/*
 * The same for the charts of the capacity plan @plan (a vb_plan_build
 * document), into charts/ beneath @out_fd.  Same document and errors.
 */
json_t *vb_charts_render_plan_at(const json_t *plan, int out_fd, const char *out_dir,
				 vb_error_t *err);

/* The chart of a fleet report @fleet (a vb_hosts_build document: overhead
 * per host and environment), into charts/fleet.* beneath @out_fd. */
json_t *vb_charts_render_fleet_at(const json_t *fleet, int out_fd, const char *out_dir,
				  vb_error_t *err);

/* Both into the directory named @dir (created when missing, without
 * following a link: vb_safefs_mkdir_p; the levels made are removed again,
 * when still empty, if rendering fails). */
json_t *vb_charts_render(const json_t *sum, const char *run_dir, vb_error_t *err);
json_t *vb_charts_render_plan(const json_t *plan, const char *out_dir, vb_error_t *err);

#endif
