/*
 * cmd_report.c - `vbench report DIR` and `vbench report --out DIR DIR1 DIR2 ...`:
 * (re)compute summary.json, summary.csv, report.md, the charts (charts/),
 * report.html and samples.jsonl from run.json alone, and print the terminal
 * overhead table (or, with --format, report.md, summary.csv or summary.json).
 *
 * Several run directories of the same host (same host.cpu.brand and
 * host.kernel.release) are merged into one report, written to the --out
 * directory so that no input is changed.  Every input is loaded and checked
 * before the first file is written; bad input is one line naming the file
 * and the field, exit 2, and nothing is overwritten.  Each text file is
 * replaced atomically (report_dir.h).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/output/table.h"
#include "harness/output/report_dir.h"
#include "harness/core/runfile.h"
#include "harness/core/runlock.h"
#include "lib/safefs.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "harness/output/charts.h"
#include "lib/util.h"
#include "harness/fleet/fleet.h"
#include "harness/output/hosts_print.h"
#include "bench/cmd.h"

#define MAX_DIRS 64

typedef struct report_opts {
	const char *dirs[MAX_DIRS]; /* run directories, in command-line order */
	size_t ndirs;
	const char *out;	/* --out, NULL = the only run directory */
	vb_summary_cfg_t stats; /* --seed, --resamples, --cv-threshold, --margin */
	int quiet;		/* --quiet: nothing but errors */
	int json;		/* --json: the summary on stdout instead of the table */
	const char *format;	/* --format: what goes to stdout (FORMATS); NULL: table */
	int no_charts;		/* --no-charts */
	int wide;		/* --wide: the table not fitted to the width */
	int fleet;		/* --fleet: runs of several hosts compared, or a fleet directory */
} report_opts_t;

/* ---- the command line: a table, --help generated from it ---- */

#define FORMATS "table, md, csv, json"

static int check_format(const char *val, vb_error_t *err)
{
	return vb_cmd_check_word("--format", val, FORMATS, err);
}

static const vb_opt_t options[] = {
	{ .name = "--out", .arg = "DIR", .def = "the run directory",
	  .help = "write the report files here (required to merge runs)",
	  VB_OPT_PATH_AT(report_opts_t, out) },
	{ .name = "--seed", .arg = "N", .help = "seed of the bootstrap resamples (recorded in summary.json)",
	  VB_OPT_U64_AT(report_opts_t, stats.seed, 1, INT64_MAX) },
	{ .name = "--resamples", .arg = "B", .help = "bootstrap resamples per interval (100 to 1000000)",
	  VB_OPT_SIZE_AT(report_opts_t, stats.resamples, 100, 1000000) },
	{ .name = "--cv-threshold", .arg = "PCT",
	  .help = "flag a metric whose coefficient of variation exceeds PCT%",
	  VB_OPT_PCT_AT(report_opts_t, stats.cv_threshold, 0, 1000) },
	{ .name = "--margin", .arg = "PCT", .def = "as the run recorded it, else 3",
	  	  .help = "equivalence margin of the verdicts: equivalent when the 90% interval is within "
		  "+-PCT%",
	  VB_OPT_PCT_AT(report_opts_t, stats.margin, 0.1, 100) },
	{ .name = "--format", .arg = "FORMAT", .def = "table", .allowed = FORMATS,
	  .help = "what to print on stdout: the overhead table, report.md, summary.csv or "
		  "summary.json (every file is written all the same)",
	  .check = check_format, VB_OPT_STR_AT(report_opts_t, format) },
	{ .name = "--json", .help = "print summary.json on stdout instead of the overhead table "
				    "(--format json)",
	  VB_OPT_FLAG_AT(report_opts_t, json) },
	{ .name = "--no-charts", .help = "do not run gnuplot (report.html says so)",
	  VB_OPT_FLAG_AT(report_opts_t, no_charts) },
	{ .name = "--wide", .help = "print the table whole, one line per row, instead of fitting it to "
		  "the terminal's width",
	  VB_OPT_FLAG_AT(report_opts_t, wide) },
	{ .name = "--quiet", .help = "print nothing but errors (and what --format or --json asks for)",
	  VB_OPT_FLAG_AT(report_opts_t, quiet) },
	{ .name = "--fleet", .help = "compare the runs host by host (runs of different hosts, with "
				     "--out): fleet-summary.json, fleet-report.md, fleet.csv and "
				     "charts/fleet.*; a fleet directory (vbench fleet) gets it without "
				     "--fleet",
	  VB_OPT_FLAG_AT(report_opts_t, fleet) },
};

const vb_optspec_t vb_cmd_report_spec = {
	.prog = "vbench report",
	.usage = "vbench report [OPTIONS] DIR\nvbench report --out DIR [OPTIONS] DIR1 DIR2 ...\n"
		 "vbench report [OPTIONS] FLEETDIR\nvbench report --fleet --out DIR [OPTIONS] DIR1 DIR2 ...",
	.about = "Recompute summary.json, summary.csv, report.md, report.html, repetitions.csv "
		 "(the raw data, one row per repetition) and the gnuplot "
		 "charts (charts/*.dat, *.gp, *.svg, *.png) from DIR/run.json and print the "
		 "overhead table.  Several runs of the same host (same CPU brand and kernel "
		 "release) are merged into one report written to --out.  Without gnuplot the "
		 "charts are skipped with a note (" VB_CHARTS_MISSING ").",
	.opts = options,
	.nopts = VB_ARRAY_SIZE(options),
	.pos = { .what = "run directory", .whats = "run directories",
		 VB_OPT_ARGS_AT(report_opts_t, dirs, 1, MAX_DIRS) },
	.epilog = "exit codes: 0 written, 1 a file could not be written, 2 bad usage or bad "
		  "input (one line naming the file and the field; nothing written), 5 the "
		  "directory is in use by another vbench (run or report)",
};

/* Parse argv.  Returns 0, 1 for --help (printed), -1 with @err (VB_EUSAGE). */
static int parse(report_opts_t *ro, int argc, char **argv, vb_error_t *err)
{
	int rc = vb_optparse(&vb_cmd_report_spec, ro, argc, argv, err);

	while (ro->ndirs < MAX_DIRS && ro->dirs[ro->ndirs])
		ro->ndirs++;
	if (rc == 0 && ro->ndirs > 1 && !ro->out && !ro->fleet)
		return vb_error_set(
		    err, VB_EUSAGE, 0,
		    "merging %zu runs needs --out DIR (the run directories are left "
		    "untouched)",
		    ro->ndirs);
	return rc;
}

/* ---- loading, rendering, writing ---- */

/*
 * Load DIR/run.json of every run directory into @docs (@paths: their
 * names).  @dirfd >= 0: the first one is the open (and locked) output
 * directory, whose run.json is read beneath it, never through a link.
 */
static int load_runs(const report_opts_t *ro, int dirfd, json_t **docs, char (*paths)[PATH_MAX],
		     vb_error_t *err)
{
	struct stat st;
	size_t i;

	for (i = 0; i < ro->ndirs; i++) {
		if (stat(ro->dirs[i], &st) < 0 || !S_ISDIR(st.st_mode))
			return vb_error_set(err, VB_EUSAGE, 0, "%s: no such run directory",
					    ro->dirs[i]);
		if (vb_path_join(paths[i], PATH_MAX, ro->dirs[i], VB_RUNFILE_NAME, err) < 0)
			return -1;
		docs[i] = i == 0 && dirfd >= 0 ? vb_runfile_load_at(dirfd, VB_RUNFILE_NAME,
								    VB_SAFEFS_BENEATH, paths[i], err)
					       : vb_runfile_load(paths[i], err);
		if (!docs[i])
			return -1;
	}
	return 0;
}

/*
 * The directory the report goes to, opened (--out: created, its path
 * normalised, what was made in @made) without following a link, checked
 * that other users cannot write it, and locked (runlock.h).  A run
 * directory (not @create) must hold a regular run.json before it is
 * locked, so that a directory that is no run (`vbench report /etc`) is
 * not written to at all.  Its descriptor, the lock's in *@lock; -1 with
 * @err (VB_EBUSY: in use).
 */
static int open_out(const char *dir, int create, vb_safefs_made_t *made, int *lock,
		    vb_error_t *err)
{
	char what[PATH_MAX];
	struct stat st;
	int fd, rf;

	made->levels = 0;
	if (!create && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: no such run directory", dir);
	fd = create ? vb_safefs_mkdir_p(dir, 0755, made, err) : vb_safefs_open_dir_msg(dir, dir, err);
	if (fd < 0)
		return -1;
	if (!create) {
		if (vb_path_join(what, sizeof(what), dir, VB_RUNFILE_NAME, err) < 0 ||
		    (rf = vb_safefs_open_regular(fd, VB_RUNFILE_NAME, VB_SAFEFS_BENEATH, what,
						 err)) < 0) {
			close(fd);
			return -1;
		}
		close(rf);
	}
	*lock = vb_runlock_take(fd, dir, err);
	if (*lock < 0) {
		close(fd);
		vb_safefs_unmake(made);
		return -1;
	}
	return fd;
}

/*
 * What --format (or --json) asks for on stdout, even with --quiet: it is
 * the output asked for; without either, the overhead table unless --quiet.
 */
static void print(const report_opts_t *ro, const json_t *sum)
{
	const char *f = ro->json ? "json" : ro->format;

	if (!f && !ro->quiet)
		f = "table";
	if (!f)
		return;
	if (!strcmp(f, "json")) {
		json_dumpf(sum, stdout, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	} else if (!strcmp(f, "md")) {
		vb_report_md(sum, stdout);
	} else if (!strcmp(f, "csv")) {
		vb_report_csv(sum, stdout);
	} else {
		vb_table_print_width(sum, vb_table_width(stdout, ro->wide), stdout);
	}
}

/* The fleet report (harness/fleet/fleet.h): written, then printed as --format asks. */
static int fleet_report(const report_opts_t *ro)
{
	vb_fleet_report_opts_t fo = { .dirs = ro->dirs, .ndirs = ro->ndirs, .out = ro->out,
				      .charts = !ro->no_charts, .log = ro->quiet ? NULL : stderr,
				      .stats = ro->stats };
	const char *f = ro->json ? "json" : ro->format;
	vb_error_t err;
	json_t *doc;

	vb_error_clear(&err);
	if (!(doc = vb_fleet_report(&fo, &err))) {
		fprintf(stderr, "vbench report: %s\n", err.msg);
		return vb_error_exit_code(&err);
	}
	if (!f && !ro->quiet)
		f = "table";
	if (f && !strcmp(f, "json")) {
		json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	} else if (f && !strcmp(f, "csv")) {
		vb_hosts_csv(doc, stdout);
	} else if (f) {
		vb_cmd_print_md_of(vb_hosts_md, doc, strcmp(f, "md") ? "text" : "md");
	}
	fflush(stdout);
	if (!ro->quiet)
		fprintf(stderr, "vbench report: wrote fleet-summary.json, fleet-report.md, fleet.csv, "
			"fleet-report.html%s "
			"in %s\n", ro->no_charts ? "" : " and charts/fleet.*",
			ro->out ?: ro->dirs[0]);
	json_decref(doc);
	return VB_EXIT_OK;
}

int vb_cmd_report(int argc, char **argv)
{
	static char paths[MAX_DIRS][PATH_MAX];
	const char *pathv[MAX_DIRS];
	json_t *docs[MAX_DIRS] = { 0 }, *merged = NULL, *sum = NULL;
	report_opts_t ro = { .ndirs = 0 };
	vb_safefs_made_t made = { .levels = 0 };
	vb_report_dir_opts_t go;
	vb_error_t err;
	int rc, fd = -1, lock = -1;
	size_t i;

	vb_error_clear(&err);
	vb_summary_cfg_init(&ro.stats);
	ro.stats.margin = NAN; /* unless given: the first run's */
	rc = parse(&ro, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc == 0 && (ro.fleet || (ro.ndirs == 1 && !ro.out && vb_fleet_is_dir(ro.dirs[0]))))
		return fleet_report(&ro);
	/* Into the run directory itself: locked before its run.json is read. */
	if (rc == 0 && !ro.out && (fd = open_out(ro.dirs[0], 0, &made, &lock, &err)) < 0)
		rc = -1;
	if (rc == 0 && load_runs(&ro, fd, docs, paths, &err) == 0) {
		for (i = 0; i < ro.ndirs; i++)
			pathv[i] = paths[i];
		merged = vb_summary_merge(docs, pathv, ro.ndirs, &err);
	}
	if (merged) {
		vb_summary_cfg_margin(&ro.stats, docs[0]);
		sum = vb_summary_build(merged, &ro.stats, &err);
	}
	go = (vb_report_dir_opts_t){ .charts = !ro.no_charts,
				    .log = ro.quiet ? NULL : stderr,
				    .run = merged,
				    .name = ro.ndirs == 1 ? ro.dirs[0] : ro.out };
	/* --out: made only once every input is good */
	if (sum && ro.out && (fd = open_out(ro.out, 1, &made, &lock, &err)) < 0)
		json_decref(sum), sum = NULL;
	if (sum && vb_report_dir_write_at(sum, fd, ro.out ?: ro.dirs[0], &go, &err) == 0) {
		print(&ro, sum);
		fflush(stdout);
		if (!ro.quiet)
			fprintf(stderr,
				"vbench report: wrote summary.json, summary.csv, report.md, "
				"report.html, " VB_SAMPLES_NAME ", repetitions.csv%s in %s\n",
				ro.no_charts ? "" : " and charts/", ro.out ?: ro.dirs[0]);
	}
	rc = err.code == VB_OK ? VB_EXIT_OK : vb_error_exit_code(&err);
	if (err.code != VB_OK)
		fprintf(stderr, "vbench report: %s\n", err.msg);
	json_decref(sum);
	json_decref(merged);
	for (i = 0; i < ro.ndirs; i++)
		json_decref(docs[i]);
	vb_runlock_release(fd, &lock);
	if (fd >= 0)
		close(fd);
	if (err.code != VB_OK)
		vb_safefs_unmake(&made); /* the --out levels it made, if still empty */
	return rc;
}
