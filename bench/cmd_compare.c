/*
 * cmd_compare.c - `vbench compare A B`: two runs side by side (compare.h).
 *
 * Prints the table (or, with --json, the comparison document) and writes
 * nothing unless --out DIR is given (then compare.json and compare.md,
 * each replaced atomically).  --fail-on-regression PCT turns the answer
 * into an exit code for CI pipelines: 1 when a metric got significantly
 * worse by more than PCT percent (listed on stderr), else 0.  Bad input (a
 * missing directory, a truncated or hand-edited run.json, another schema
 * version) is one line naming the file and the field, exit 2.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/analysis/compare.h"
#include "lib/safefs.h"
#include "lib/util.h"
#include "bench/cmd.h"

typedef struct compare_opts {
	const char *dirs[2]; /* A and B */
	size_t ndirs;
	const char *out;      /* --out DIR, NULL: write nothing */
	double fail_pct;      /* --fail-on-regression PCT, NaN when absent */
	int fail;	      /* --fail-on-regression given */
	int json;	      /* --json */
	int quiet;	      /* --quiet */
	vb_compare_cfg_t cfg; /* --threshold, --seed, --resamples */
} compare_opts_t;

typedef struct compare_option {
	const char *name; /* "--out" */
	const char *arg;  /* "DIR", NULL for a flag */
	const char *help; /* one line */
} compare_option_t;

static const compare_option_t options[] = {
	{ "--out", "DIR", "write compare.json and compare.md into DIR" },
	{ "--fail-on-regression", "PCT",
	  "exit 1 when a metric got significantly worse by more than PCT%" },
	{ "--threshold", "PCT", "smallest change that can be significant, in %" },
	{ "--seed", "N", "seed of the bootstrap and permutation resamples" },
	{ "--resamples", "B", "bootstrap resamples per interval (100 to 1000000)" },
	{ "--json", NULL, "print compare.json on stdout instead of the table" },
	{ "--quiet", NULL, "print nothing but errors, regressions and --json's document" },
};

/* The default of option @o as --help shows it, into @buf ("" when none). */
static const char *default_of(const compare_option_t *o, char *buf, size_t len)
{
	vb_compare_cfg_t d;

	vb_compare_cfg_init(&d);
	if (!strcmp(o->name, "--threshold"))
		snprintf(buf, len, " [%g]", d.threshold * 100);
	else if (!strcmp(o->name, "--seed"))
		snprintf(buf, len, " [%llu]", (unsigned long long)d.seed);
	else if (!strcmp(o->name, "--resamples"))
		snprintf(buf, len, " [%zu]", d.resamples);
	else
		buf[0] = '\0';
	return buf;
}

static void usage(FILE *f)
{
	char left[40], def[48];
	size_t i;

	fprintf(f, "usage: vbench compare [OPTIONS] A B\n\n"
		   "Compare two run directories (two hosts, kernels, QEMU versions...) metric by\n"
		   "metric: median A, median B, change of B against A (+ = worse: more time per\n"
		   "unit of work), its bootstrap interval, and a permutation test on the\n"
		   "repetitions; significant when p < 0.01 and |change| > the threshold.\n\n"
		   "options:\n");
	for (i = 0; i < VB_ARRAY_SIZE(options); i++) {
		snprintf(left, sizeof(left), "%s%s%s", options[i].name, options[i].arg ? " " : "",
			 options[i].arg ?: "");
		fprintf(f, "  %-26s %s%s\n", left, options[i].help,
			default_of(&options[i], def, sizeof(def)));
	}
	fprintf(f, "\nexit codes: 0 compared (no regression beyond --fail-on-regression), 1 a\n"
		   "regression beyond it (or an output could not be written), 2 bad usage or bad\n"
		   "input (one line naming the file and the field)\n");
}

static int apply_option(compare_opts_t *co, const compare_option_t *o, const char *v,
			vb_error_t *err)
{
	uint64_t u;
	double d;

	if (!strcmp(o->name, "--out")) {
		if (vb_safefs_check_path(v, "--out", err) < 0)
			return -1;
		co->out = v;
	} else if (!strcmp(o->name, "--fail-on-regression")) {
		if (vb_parse_double(v, 0, 1e6, "--fail-on-regression", &d, err) < 0)
			return -1;
		co->fail = 1;
		co->fail_pct = d;
	} else if (!strcmp(o->name, "--threshold")) {
		if (vb_parse_double(v, 0, 1e6, "--threshold", &d, err) < 0)
			return -1;
		co->cfg.threshold = d / 100.0;
	} else if (!strcmp(o->name, "--seed")) {
		if (vb_parse_u64(v, 1, INT64_MAX, "--seed", &u, err) < 0)
			return -1;
		co->cfg.seed = u;
	} else if (!strcmp(o->name, "--resamples")) {
		if (vb_parse_u64(v, 100, 1000000, "--resamples", &u, err) < 0)
			return -1;
		co->cfg.resamples = (size_t)u;
	} else if (!strcmp(o->name, "--json")) {
		co->json = 1;
	} else {
		co->quiet = 1;
	}
	return 0;
}

/* Parse argv.  Returns 0, 1 for --help, -1 with @err (VB_EUSAGE). */
static int parse(compare_opts_t *co, int argc, char **argv, vb_error_t *err)
{
	const compare_option_t *o;
	const char *a, *eq, *v;
	size_t i, len;
	int k;

	for (k = 1; k < argc; k++) {
		a = argv[k];
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (strncmp(a, "--", 2)) {
			if (co->ndirs == 2)
				return vb_error_set(err, VB_EUSAGE, 0,
						    "more than two run directories ('%s')", a);
			co->dirs[co->ndirs++] = a;
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
		if (apply_option(co, o, v, err) < 0)
			return -1;
	}
	if (co->ndirs != 2)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "two run directories needed, A and B (see --help)");
	return 0;
}

/* compare.json and compare.md into @dir, both rendered before either is written. */
static int write_outputs(const json_t *cmp, const char *dir, vb_error_t *err)
{
	char *js = json_dumps(cmp, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII), *md = NULL;
	char path[PATH_MAX];
	size_t mdlen = 0;
	FILE *f = open_memstream(&md, &mdlen);
	vb_safefs_made_t made;
	int rc = -1, fd = -1;

	if (!js || !f) {
		vb_error_set(err, VB_ESYS, 0, "render compare.json and compare.md");
		goto out;
	}
	vb_compare_md(cmp, f);
	fclose(f);
	f = NULL;
	/* made without following a link; files replaced beneath it */
	if ((fd = vb_safefs_mkdir_p(dir, 0755, &made, err)) < 0 ||
	    vb_path_join(path, sizeof(path), dir, "compare.json", err) < 0 ||
	    vb_safefs_replace_at(fd, "compare.json", js, strlen(js), 0644, path, err) < 0 ||
	    vb_path_join(path, sizeof(path), dir, "compare.md", err) < 0 ||
	    vb_safefs_replace_at(fd, "compare.md", md, mdlen, 0644, path, err) < 0)
		goto out;
	rc = 0;
out:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (rc < 0 && fd >= 0)
		vb_safefs_unmake(&made); /* the levels it made, if still empty */
	free(js);
	free(md);
	return rc;
}

/* List the regressions beyond --fail-on-regression; returns their number. */
static size_t report_regressions(const json_t *cmp, double pct)
{
	json_t *regs = vb_compare_regressions(cmp, pct), *r;
	size_t i, n = json_array_size(regs);

	json_array_foreach(regs, i, r)
		fprintf(stderr,
			"vbench compare: regression: %s / %s / %s %+.1f%% (p = %.4f), more than "
			"%g%%\n",
			json_string_value(json_object_get(r, "env")),
			json_string_value(json_object_get(r, "workload")),
			json_string_value(json_object_get(r, "metric")),
			json_number_value(json_object_get(r, "change_pct")),
			json_number_value(json_object_get(r, "p")), pct);
	json_decref(regs);
	return n;
}

int vb_cmd_compare(int argc, char **argv)
{
	compare_opts_t co = { .ndirs = 0 };
	json_t *a = NULL, *b = NULL, *cmp = NULL;
	vb_error_t err;
	int rc;

	vb_error_clear(&err);
	vb_compare_cfg_init(&co.cfg);
	rc = parse(&co, argc, argv, &err);
	if (rc == 1) {
		usage(stdout);
		return VB_EXIT_OK;
	}
	if (rc == 0 && (a = vb_compare_load(co.dirs[0], &err)) &&
	    (b = vb_compare_load(co.dirs[1], &err)))
		cmp = vb_compare_build(a, co.dirs[0], b, co.dirs[1], &co.cfg, &err);
	if (cmp && (!co.out || write_outputs(cmp, co.out, &err) == 0)) {
		if (co.json) {
			json_dumpf(cmp, stdout,
				   JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
			fputc('\n', stdout);
		} else if (!co.quiet) {
			vb_compare_print(cmp, stdout);
		}
		fflush(stdout);
		if (co.out && !co.quiet)
			fprintf(stderr, "vbench compare: wrote compare.json and compare.md in %s\n",
				co.out);
	}
	rc = err.code == VB_OK ? VB_EXIT_OK : vb_error_exit_code(&err);
	if (err.code != VB_OK)
		fprintf(stderr, "vbench compare: %s\n", err.msg);
	else if (co.fail && report_regressions(cmp, co.fail_pct))
		rc = VB_EXIT_FAIL;
	json_decref(cmp);
	json_decref(a);
	json_decref(b);
	return rc;
}
