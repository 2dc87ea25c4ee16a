/*
 * cmd_explain.c - `vbench explain DIR`: for coursework, the two axes of
 * virtualization (architecture and mechanism) and the common claims about
 * it, each judged on the run in DIR with its deciding numbers and intervals
 * (docs/explain.md).
 *
 * The text is printed (for a terminal, wrapped to its width; --format md:
 * the Markdown) and written to DIR/explain.md (or --out DIR), next to
 * report.md, replaced atomically; `vbench report` never touches it.  Bad
 * input is one line naming the file and the field, exit 2, nothing written.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/analysis/explain.h"
#include "harness/core/runfile.h"
#include "harness/analysis/summary.h"
#include "harness/analysis/verdict.h"
#include "lib/textsafe.h"
#include "lib/safefs.h"
#include "lib/util.h"
#include "bench/cmd.h"

typedef struct explain_args {
	const char *dir; /* the run directory */
	const char *out; /* --out DIR, NULL: the run directory */
	int json;	 /* --json: print the JSON document */
	const char *format; /* --format: "text" (for a terminal) or "md" */
	int quiet;	 /* --quiet */
	double margin;	 /* --margin: of the verdicts (verdict.h) */
} explain_args_t;

/* ---- the command line: a table, --help generated from it ---- */

#define FORMATS "text, md"

static int check_format(const char *val, vb_error_t *err)
{
	return vb_cmd_check_word("--format", val, FORMATS, err);
}

static const vb_opt_t options[] = {
	{ .name = "--out", .arg = "DIR", .def = "the run directory", .help = "write explain.md here",
	  VB_OPT_PATH_AT(explain_args_t, out) },
	{ .name = "--format", .arg = "FORMAT", .def = "text", .allowed = FORMATS,
	  .help = "print for a terminal (text: wrapped to its width) or as Markdown (md, what "
		  "explain.md holds)",
	  .check = check_format, VB_OPT_STR_AT(explain_args_t, format) },
	{ .name = "--json", .help = "print the claims and verdicts as JSON instead of the text",
	  VB_OPT_FLAG_AT(explain_args_t, json) },
	{ .name = "--quiet", .help = "print nothing but errors", VB_OPT_FLAG_AT(explain_args_t, quiet) },
	{ .name = "--margin", .arg = "PCT", .def = "as the run recorded it, else 3",
	  	  .help = "equivalence margin of the verdicts: equivalent when the 90% interval is within "
		  "+-PCT%",
	  VB_OPT_PCT_AT(explain_args_t, margin, 0.1, 100) },
};

const vb_optspec_t vb_cmd_explain_spec = {
	.prog = "vbench explain",
	.usage = "vbench explain [OPTIONS] DIR",
	.about = "Explain virtualization with the numbers of the run in DIR: architecture (type-1, "
		 "type-2, container) versus mechanism (emulation, hardware assistance, none), then "
		 "the common claims, each with a verdict from this run (docs/explain.md).",
	.opts = options,
	.nopts = VB_ARRAY_SIZE(options),
	.pos = { .what = "run directory", .whats = "run directories",
		 VB_OPT_ARG_AT(explain_args_t, dir, 1) },
	.epilog = "exit codes: 0 written, 1 the file could not be written, 2 bad usage or bad "
		  "input (one line naming the file and the field; nothing written)",
};

static json_t *load(const char *dir, double margin, json_t **run, vb_error_t *err)
{
	char path[PATH_MAX];
	vb_summary_cfg_t cfg;
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: no such run directory", dir), NULL;
	if (vb_path_join(path, sizeof(path), dir, "run.json", err) < 0)
		return NULL;
	*run = vb_runfile_load(path, err);
	if (*run)
		vb_text_clean_json(*run); /* the explanation quotes it: printable only */
	if (!*run || vb_summary_check_run(*run, path, err) < 0)
		return NULL;
	vb_summary_cfg_init(&cfg);
	cfg.margin = margin;
	vb_summary_cfg_margin(&cfg, *run);
	return vb_summary_build(*run, &cfg, err);
}

int vb_cmd_explain(int argc, char **argv)
{
	explain_args_t a = {.dir = NULL, .margin = NAN}; /* unless given: the run's */
	json_t *run = NULL, *sum = NULL, *doc = NULL;
	char path[PATH_MAX], *md = NULL, *js;
	size_t len = 0;
	vb_safefs_made_t made;
	vb_error_t err;
	FILE *f;
	int rc, fd = -1;

	vb_error_clear(&err);
	rc = vb_optparse(&vb_cmd_explain_spec, &a, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc == 0 && (sum = load(a.dir, a.margin, &run, &err)) &&
	    !(doc = vb_explain_build(run, sum, a.dir)))
		vb_error_set(&err, VB_ESYS, 0, "explain: out of memory");
	if (doc) {
		f = open_memstream(&md, &len);
		if (!f) {
			vb_error_sys(&err, "render explain.md");
		} else {
			vb_explain_md(doc, f);
			fclose(f);
		}
	}
	/* The directory made (--out) or opened without following a link, and
	 * explain.md replaced beneath it. */
	if (md)
		fd = a.out ? vb_safefs_mkdir_p(a.out, 0755, &made, &err)
			   : vb_safefs_open_dir_msg(a.dir, a.dir, &err);
	if (fd >= 0 && vb_path_join(path, sizeof(path), a.out ?: a.dir, "explain.md", &err) == 0 &&
	    vb_safefs_replace_at(fd, "explain.md", md, len, 0644, path, &err) == 0 && !a.quiet) {
		if (a.json &&
		    (js = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII))) {
			printf("%s\n", js);
			free(js);
		} else if (!a.json) {
			vb_cmd_print_md(md, a.format);
		}
		fflush(stdout);
		fprintf(stderr, "vbench explain: wrote %s\n", path);
	}
	rc = err.code == VB_OK ? VB_EXIT_OK : vb_error_exit_code(&err);
	if (err.code != VB_OK)
		fprintf(stderr, "vbench explain: %s\n", err.msg);
	if (fd >= 0)
		close(fd);
	if (fd >= 0 && a.out && err.code != VB_OK)
		vb_safefs_unmake(&made); /* the --out levels it made, if still empty */
	free(md);
	json_decref(doc);
	json_decref(sum);
	json_decref(run);
	return rc;
}
