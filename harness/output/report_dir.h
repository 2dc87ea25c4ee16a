/*
 * report_dir.h - every output of a report, written into one directory:
 * summary.json, summary.csv, report.md, the charts (charts/), report.html
 * and samples.jsonl.  Shared by `vbench report` and the end of `vbench run`, so
 * both leave the same files behind.
 *
 * Must not: compute a number itself: it writes what analysis (summary,
 * explain) returns.
 */
#ifndef VB_REPORTGEN_H
#define VB_REPORTGEN_H

#include <jansson.h>
#include <stdio.h>

#include "lib/error.h"

#define VB_SAMPLES_NAME "samples.jsonl" /* beside run.json: one sample per line (docs/exports.md) */

typedef struct vb_report_dir_opts {
	int charts; /* render the charts with gnuplot (0: report.html says they were not) */
	FILE *log;  /* one line per note (charts skipped and why, a gnuplot error); NULL: silent */
	const json_t *run; /* the (merged) run.json the summary came from: report.html then
			      holds the explanation (explain.h), samples.jsonl is written and
			      the charts draw the repetitions; NULL: none of these */
	const char *name;  /* how the explanation names the run; NULL: the directory */
} vb_report_dir_opts_t;

/*
 * Write the outputs of @summary into the directory @dirfd (@dir names it in
 * messages and the explanation).  The text files are rendered in memory
 * first and each is replaced atomically beneath @dirfd (never through a
 * link); the charts are written before report.html, which embeds them.  A
 * missing gnuplot or a failing chart is a note on @o->log, not an error.
 * Returns 0, or -1 with @err when a file cannot be written (VB_ESYS) or
 * charts/ is a link (VB_EUSAGE).
 */
int vb_report_dir_write_at(const json_t *summary, int dirfd, const char *dir,
			   const vb_report_dir_opts_t *o, vb_error_t *err);

/* The same into the directory named @dir, created when missing (no link in
 * its path: vb_safefs_mkdir_p; the levels made are removed again, when
 * still empty, if the report fails). */
int vb_report_dir_write(const json_t *summary, const char *dir, const vb_report_dir_opts_t *o,
			vb_error_t *err);

/*
 * The same from run.json beneath @dirfd (@dir: its name) with the default
 * statistics settings (the end of `vbench run`).  Returns 0, or -1 with
 * @err (VB_EUSAGE when run.json is missing or malformed).
 */
int vb_report_dir_run_dir_at(int dirfd, const char *dir, const vb_report_dir_opts_t *o,
			     vb_error_t *err);

/*
 * The fleet report of the fleet summary @fleet (analysis/hosts.h) into the
 * directory @dirfd (@dir names it): fleet-summary.json, fleet-report.md,
 * fleet.csv (hosts_print.h) and, with o->charts, charts/fleet.* (the
 * runs' own reports stay in their run directories).  Same rules and
 * errors as vb_report_dir_write_at; o->run and o->name are not used.
 */
int vb_report_dir_fleet_at(const json_t *fleet, int dirfd, const char *dir,
			   const vb_report_dir_opts_t *o, vb_error_t *err);

#endif
