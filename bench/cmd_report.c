/*
 * cmd_report.c - `vbench report DIR` and `vbench report --out DIR DIR1 DIR2 ...`:
 * (re)compute summary.json, summary.csv, report.md, the charts (charts/)
 * and report.html from run.json alone, and print the terminal overhead
 * table (or, with --json, the summary document).
 *
 * Several run directories of the same host (same host.cpu.brand and
 * host.kernel.release) are merged into one report, written to the --out
 * directory so that no input is changed.  Every input is loaded and checked
 * before the first file is written; bad input is one line naming the file
 * and the field, exit 2, and nothing is overwritten.  Each text file is
 * replaced atomically (reportgen.h).
 */
#include <errno.h>
#include <limits.h>
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
#include "bench/cmd.h"

#define MAX_DIRS 64

typedef struct report_opts {
	const char *dirs[MAX_DIRS]; /* run directories, in command-line order */
	size_t ndirs;
	const char *out;	/* --out, NULL = the only run directory */
	vb_summary_cfg_t stats; /* --seed, --resamples, --cv-threshold */
	int quiet;		/* --quiet: nothing but errors */
	int json;		/* --json: the summary on stdout instead of the table */
	int no_charts;		/* --no-charts */
} report_opts_t;

/* ---- options: a table, --help generated from it ---- */

typedef struct report_option {
	const char *name; /* "--out" */
	const char *arg;  /* "DIR", NULL for a flag */
	const char *def;  /* default shown by --help; NULL: from the defaults below */
	const char *help; /* one line */
} report_option_t;

static const report_option_t options[] = {
	{ "--out", "DIR", "the run directory",
	  "write the report files here (required to merge runs)" },
	{ "--seed", "N", NULL, "seed of the bootstrap resamples (recorded in summary.json)" },
	{ "--resamples", "B", NULL, "bootstrap resamples per interval (100 to 1000000)" },
	{ "--cv-threshold", "PCT", NULL,
	  "flag a metric whose coefficient of variation exceeds PCT%" },
	{ "--json", NULL, NULL, "print summary.json on stdout instead of the overhead table" },
	{ "--no-charts", NULL, NULL, "do not run gnuplot (report.html says so)" },
	{ "--quiet", NULL, NULL, "print nothing but errors (and the document of --json)" },
};

/* The default of option @o as --help shows it, into @buf ("" for a flag). */
static const char *default_of(const report_option_t *o, char *buf, size_t len)
{
	vb_summary_cfg_t d;

	vb_summary_cfg_init(&d);
	if (o->def)
		snprintf(buf, len, " [%s]", o->def);
	else if (!strcmp(o->name, "--seed"))
		snprintf(buf, len, " [%llu]", (unsigned long long)d.seed);
	else if (!strcmp(o->name, "--resamples"))
		snprintf(buf, len, " [%zu]", d.resamples);
	else if (!strcmp(o->name, "--cv-threshold"))
		snprintf(buf, len, " [%g]", d.cv_threshold * 100);
	else
		buf[0] = 0;
	return buf;
}

static void usage(FILE *f)
{
	size_t i;
	char left[40], def[48];

	fprintf(f, "usage: vbench report [OPTIONS] DIR\n"
		   "       vbench report --out DIR [OPTIONS] DIR1 DIR2 ...\n\n"
		   "Recompute summary.json, summary.csv, report.md, report.html and the gnuplot\n"
		   "charts (charts/*.dat, *.gp, *.svg, *.png) from DIR/run.json and print the\n"
		   "overhead table.  Several runs of the same host (same CPU brand and kernel\n"
		   "release) are merged into one report written to --out.  Without gnuplot the\n"
		   "charts are skipped with a note (" VB_CHARTS_MISSING ").\n\noptions:\n");
	for (i = 0; i < VB_ARRAY_SIZE(options); i++) {
		snprintf(left, sizeof(left), "%s%s%s", options[i].name, options[i].arg ? " " : "",
			 options[i].arg ?: "");
		fprintf(f, "  %-20s %s%s\n", left, options[i].help,
			default_of(&options[i], def, sizeof(def)));
	}
	fprintf(f, "\nexit codes: 0 written, 1 a file could not be written, 2 bad usage or bad\n"
		   "input (one line naming the file and the field; nothing written), 5 the\n"
		   "directory is in use by another vbench (run or report)\n");
}

/* Apply option @o with value @v.  Returns 0 or -1 with @err. */
static int apply_option(report_opts_t *ro, const report_option_t *o, const char *v, vb_error_t *err)
{
	uint64_t u;
	double d;

	if (!strcmp(o->name, "--out")) {
		if (vb_safefs_check_path(v, "--out", err) < 0)
			return -1;
		ro->out = v;
	} else if (!strcmp(o->name, "--seed")) {
		if (vb_parse_u64(v, 1, INT64_MAX, "--seed", &u, err) < 0)
			return -1;
		ro->stats.seed = u;
	} else if (!strcmp(o->name, "--resamples")) {
		if (vb_parse_u64(v, 100, 1000000, "--resamples", &u, err) < 0)
			return -1;
		ro->stats.resamples = (size_t)u;
	} else if (!strcmp(o->name, "--cv-threshold")) {
		if (vb_parse_double(v, 0, 1000, "--cv-threshold", &d, err) < 0)
			return -1;
		ro->stats.cv_threshold = d / 100.0;
	} else if (!strcmp(o->name, "--json")) {
		ro->json = 1;
	} else if (!strcmp(o->name, "--no-charts")) {
		ro->no_charts = 1;
	} else {
		ro->quiet = 1;
	}
	return 0;
}

/* Parse argv.  Returns 0, 1 for --help, -1 with @err (VB_EUSAGE). */
static int parse(report_opts_t *ro, int argc, char **argv, vb_error_t *err)
{
	const report_option_t *o;
	const char *a, *eq, *v;
	size_t i, len;
	int k;

	for (k = 1; k < argc; k++) {
		a = argv[k];
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (strncmp(a, "--", 2)) {
			if (ro->ndirs == MAX_DIRS)
				return vb_error_set(err, VB_EUSAGE, 0,
						    "more than %d run directories", MAX_DIRS);
			ro->dirs[ro->ndirs++] = a;
			continue;
		}
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		for (o = NULL, i = 0; i < VB_ARRAY_SIZE(options) && !o; i++)
			if (strlen(options[i].name) == len && !strncmp(options[i].name, a, len))
				o = &options[i];
		if (!o)
			return vb_error_set(err, VB_EUSAGE, 0, "unknown option '%.*s' (see --help)",
					    (int)len, a);
		if (!o->arg && eq)
			return vb_error_set(err, VB_EUSAGE, 0, "%s takes no value", o->name);
		v = eq ? eq + 1 : NULL;
		if (o->arg && !v && (v = k + 1 < argc ? argv[++k] : NULL) == NULL)
			return vb_error_set(err, VB_EUSAGE, 0, "%s needs a value (%s)", o->name,
					    o->arg);
		if (apply_option(ro, o, v, err) < 0)
			return -1;
	}
	if (!ro->ndirs)
		return vb_error_set(err, VB_EUSAGE, 0, "no run directory given (see --help)");
	if (ro->ndirs > 1 && !ro->out)
		return vb_error_set(
		    err, VB_EUSAGE, 0,
		    "merging %zu runs needs --out DIR (the run directories are left "
		    "untouched)",
		    ro->ndirs);
	return 0;
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

int vb_cmd_report(int argc, char **argv)
{
	static char paths[MAX_DIRS][PATH_MAX];
	const char *pathv[MAX_DIRS];
	json_t *docs[MAX_DIRS] = { 0 }, *merged = NULL, *sum = NULL;
	report_opts_t ro = { .ndirs = 0 };
	vb_safefs_made_t made = { .levels = 0 };
	vb_reportgen_opts_t go;
	vb_error_t err;
	int rc, fd = -1, lock = -1;
	size_t i;

	vb_error_clear(&err);
	vb_summary_cfg_init(&ro.stats);
	rc = parse(&ro, argc, argv, &err);
	if (rc == 1) {
		usage(stdout);
		return VB_EXIT_OK;
	}
	/* Into the run directory itself: locked before its run.json is read. */
	if (rc == 0 && !ro.out && (fd = open_out(ro.dirs[0], 0, &made, &lock, &err)) < 0)
		rc = -1;
	if (rc == 0 && load_runs(&ro, fd, docs, paths, &err) == 0) {
		for (i = 0; i < ro.ndirs; i++)
			pathv[i] = paths[i];
		merged = vb_summary_merge(docs, pathv, ro.ndirs, &err);
	}
	if (merged)
		sum = vb_summary_build(merged, &ro.stats, &err);
	go = (vb_reportgen_opts_t){ .charts = !ro.no_charts,
				    .log = ro.quiet ? NULL : stderr,
				    .run = merged,
				    .name = ro.ndirs == 1 ? ro.dirs[0] : ro.out };
	/* --out: made only once every input is good */
	if (sum && ro.out && (fd = open_out(ro.out, 1, &made, &lock, &err)) < 0)
		json_decref(sum), sum = NULL;
	if (sum && vb_reportgen_write_at(sum, fd, ro.out ?: ro.dirs[0], &go, &err) == 0) {
		/* --json prints the document even with --quiet: it is the output asked for. */
		if (ro.json) {
			json_dumpf(sum, stdout, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
			fputc('\n', stdout);
		} else if (!ro.quiet) {
			vb_report_table(sum, stdout);
		}
		fflush(stdout);
		if (!ro.quiet)
			fprintf(stderr,
				"vbench report: wrote summary.json, summary.csv, report.md, "
				"report.html%s in %s\n",
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
