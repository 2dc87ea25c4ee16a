/*
 * charts_int.h - between the chart driver (charts.c: files, gnuplot) and
 * the charts themselves (data and script bodies: charts_plot.c for the
 * report, charts_capacity.c for density and noisy neighbours, charts_plan.c
 * for `vbench plan`).
 *
 * Must not: compute statistics: a chart's data file holds the summary's
 * numbers.
 */
#ifndef VB_CHARTS_INT_H
#define VB_CHARTS_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/error.h"

typedef struct vb_charts_dims {
	int width; /* pixels of both images */
	int height;
} vb_chart_dims_t;

typedef struct vb_chart {
	const char *name;    /* file name stem: NAME.dat, NAME.gp, NAME.svg, NAME.png */
	const char *title;   /* one line, for the script header and the report */
	const char *caption; /* how to read it, for the report */
	/*
	 * Write the chart's data file into @dat and the plotting commands (the
	 * body of the terminal loop, indented four spaces) into @gp, and set
	 * @d.  @doc is the summary (vb_charts) or the plan (vb_plan_charts).
	 * Returns 1; 0 when there is nothing to draw (then @note says why,
	 * without a trailing period); -1 when the chart does not apply to
	 * @doc at all (a run without density): no entry, no note, no file.
	 */
	int (*build)(const json_t *doc, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
		     size_t len);
} vb_chart_t;

/* @s as a gnuplot single-quoted string: quotes doubled, control characters as
 * spaces (gnuplot expands neither macros nor backquotes inside). */
void vb_charts_gp_str(FILE *f, const char *s);

/* @s as a double-quoted column of a data file, after a space (a '"' becomes
 * '\'', control characters spaces). */
void vb_charts_dat_str(FILE *f, const char *s);

/* @s inside a comment line of a data file: control characters as spaces. */
void vb_charts_dat_plain(FILE *f, const char *s);

/* A number column, after a space; '?' (the missing datum) when not finite. */
void vb_charts_dat_num(FILE *f, double v);

/* ---- shared by every chart (charts_style.c) ---- */

#define VB_CHARTS_LOG_SPAN 10.0 /* values spanning more than this factor: a log scale */
#define VB_CHARTS_MIN_WIDTH 940 /* pixels: the title's second line (where) fits */

/* The colour of environment @env ("#RRGGBB"): the same in every chart
 * (Okabe-Ito, colour-blind safe, by the environment's place in the backend
 * table). */
const char *vb_charts_colour(const char *env);

/* " lc rgb '#RRGGBB'": @env's colour, after a plot element. */
void vb_charts_lc(FILE *gp, const char *env);

/* A title (after "set title " or "multiplot ... title "): @what, and on a
 * second line where and when it was measured (the summary's "where" when
 * report_dir.c added it from the run: host, run date, profile and
 * repetitions; else the host's CPU and kernel). */
void vb_charts_title(FILE *gp, const json_t *sum, const char *what);

/* The y axis of values from @lo to @hi (@zero: one is 0 or less): a log
 * scale when they span more than VB_CHARTS_LOG_SPAN, else linear from 0.
 * Returns 1 for the log scale (@gp NULL: only says which). */
int vb_charts_log_y(FILE *gp, double lo, double hi, int zero);

/* x ticks at 0, 1, ... named @names[0..@n), and the x range around them. */
void vb_charts_env_xtics(FILE *gp, const char *const *names, size_t n);

/*
 * The plot command of two bars per environment: the rows of block @index
 * of data file @file (x = row number; column 2 the environment's colour,
 * 0xRRGGBB), column @a solid and column @b hatched (a column <= 0: no such
 * bar), each in the environment's colour with its value above it, and one
 * grey key entry each (@ta, @tb) saying which is which.
 */
void vb_charts_pair_bars(FILE *gp, const char *file, size_t index, int a, const char *ta, int b,
			const char *tb);

/* Median, low and high of quantity @q (its @center member) as three data
 * columns; the bounds fall back to the median without an interval. */
void vb_charts_dat_triple(FILE *f, const json_t *q, const char *center);

/* @env's colour as a number column (gnuplot's "lc rgb variable"). */
void vb_charts_dat_rgb(FILE *f, const char *env);

/* A grid of @n panels: columns, rows, and the size of the whole chart. */
void vb_charts_grid(size_t n, size_t *cols, size_t *rows, vb_chart_dims_t *d);

/* The counters and footprint charts (charts_host.c), entries of vb_charts[];
 * -1 when there is nothing to draw (@note says why). */
int vb_charts_build_counters(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d,
			     char *note, size_t len);
int vb_charts_build_footprint(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d,
			      char *note, size_t len);

/* Every chart, in the order of the report; ends with a NULL name. */
extern const vb_chart_t vb_charts[];

/* The charts of a capacity plan (charts_plan.c); ends with a NULL name. */
extern const vb_chart_t vb_plan_charts[];

/* The chart of a fleet report (charts_fleet.c); ends with a NULL name. */
extern const vb_chart_t vb_fleet_charts[];

/* Render the charts of @set from @in into charts/ beneath @outfd (charts.c;
 * the document and errors of vb_charts_render_at). */
json_t *vb_charts_render_set(const vb_chart_t *set, const json_t *in, int outfd,
			     const char *out_dir, vb_error_t *err);

/* The density and noisy-neighbour charts of a summary (charts_capacity.c),
 * entries of vb_charts[]; -1 when the run did not measure them. */
int vb_charts_build_density(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			    size_t len);
int vb_charts_build_noisy(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			  size_t len);
/* The operations' chart (charts_capacity.c): time of save, restore and the
 * two moves per environment, with the intervals; -1 without operations. */
int vb_charts_build_ops(const json_t *sum, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
			size_t len);

#endif
