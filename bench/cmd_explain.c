/*
 * cmd_explain.c - `vbench explain DIR`: for coursework, the two axes of
 * virtualization (architecture and mechanism) and the common claims about
 * it, each judged on the run in DIR with its deciding numbers and intervals
 * (docs/explain.md).
 *
 * The text is printed and written to DIR/explain.md (or --out DIR), next to
 * report.md, replaced atomically; `vbench report` never touches it.  Bad
 * input is one line naming the file and the field, exit 2, nothing written.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/analysis/explain.h"
#include "harness/core/runfile.h"
#include "harness/analysis/summary.h"
#include "lib/textsafe.h"
#include "lib/safefs.h"
#include "lib/util.h"
#include "bench/cmd.h"

typedef struct explain_args {
	const char *dir; /* the run directory */
	const char *out; /* --out DIR, NULL: the run directory */
	int json;	 /* --json: print the JSON document */
	int quiet;	 /* --quiet */
} explain_args_t;

typedef struct explain_option {
	const char *name; /* "--out" */
	const char *arg;  /* "DIR", NULL for a flag */
	const char *help; /* one line, with the default */
} explain_option_t;

static const explain_option_t options[] = {
    {"--out", "DIR", "write explain.md here [the run directory]"},
    {"--json", NULL, "print the claims and verdicts as JSON instead of the text"},
    {"--quiet", NULL, "print nothing but errors"},
};

static void usage(FILE *f)
{
	char left[40];
	size_t i;

	fprintf(f,
		"usage: vbench explain [OPTIONS] DIR\n\n"
		"Explain virtualization with the numbers of the run in DIR: architecture (type-1,\n"
		"type-2, container) versus mechanism (emulation, hardware assistance, none), then\n"
		"the common claims, each with a verdict from this run (docs/explain.md).\n\n"
		"options:\n");
	for (i = 0; i < VB_ARRAY_SIZE(options); i++) {
		snprintf(left, sizeof(left), "%s%s%s", options[i].name, options[i].arg ? " " : "",
			 options[i].arg ?: "");
		fprintf(f, "  %-14s %s\n", left, options[i].help);
	}
	fprintf(f, "\nexit codes: 0 written, 1 the file could not be written, 2 bad usage or bad\n"
		   "input (one line naming the file and the field; nothing written)\n");
}

/* Parse argv.  Returns 0, 1 for --help, -1 with @err (VB_EUSAGE). */
static int parse(explain_args_t *a, int argc, char **argv, vb_error_t *err)
{
	const explain_option_t *o;
	const char *arg, *eq;
	size_t i, len;
	int k;

	for (k = 1; k < argc; k++) {
		arg = argv[k];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return 1;
		if (strncmp(arg, "--", 2)) {
			if (a->dir)
				return vb_error_set(err, VB_EUSAGE, 0,
						    "one run directory only ('%s' and '%s')",
						    a->dir, arg);
			a->dir = arg;
			continue;
		}
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		for (o = NULL, i = 0; i < VB_ARRAY_SIZE(options) && !o; i++)
			if (strlen(options[i].name) == len && !strncmp(options[i].name, arg, len))
				o = &options[i];
		if (!o)
			return vb_error_set(err, VB_EUSAGE, 0, "unknown option '%.*s' (see --help)",
					    (int)len, arg);
		if (!o->arg && eq)
			return vb_error_set(err, VB_EUSAGE, 0, "%s takes no value", o->name);
		if (!o->arg) {
			*(!strcmp(o->name, "--json") ? &a->json : &a->quiet) = 1;
			continue;
		}
		a->out = eq ? eq + 1 : k + 1 < argc ? argv[++k] : NULL;
		if (!a->out)
			return vb_error_set(err, VB_EUSAGE, 0, "--out needs a value (DIR)");
		if (vb_safefs_check_path(a->out, "--out", err) < 0)
			return -1;
	}
	if (!a->dir)
		return vb_error_set(err, VB_EUSAGE, 0, "no run directory given (see --help)");
	return 0;
}

static json_t *load(const char *dir, json_t **run, vb_error_t *err)
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
	return vb_summary_build(*run, &cfg, err);
}

int vb_cmd_explain(int argc, char **argv)
{
	explain_args_t a = {.dir = NULL};
	json_t *run = NULL, *sum = NULL, *doc = NULL;
	char path[PATH_MAX], *md = NULL, *js;
	size_t len = 0;
	vb_safefs_made_t made;
	vb_error_t err;
	FILE *f;
	int rc, fd = -1;

	vb_error_clear(&err);
	rc = parse(&a, argc, argv, &err);
	if (rc == 1) {
		usage(stdout);
		return VB_EXIT_OK;
	}
	if (rc == 0 && a.dir && (sum = load(a.dir, &run, &err)) &&
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
			fwrite(md, 1, len, stdout);
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
