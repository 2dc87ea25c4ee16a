/*
 * cmd_compare.c - `vbench compare A B`: two runs side by side (compare.h).
 *
 * Prints the table (or, with --json, the comparison document) and writes
 * nothing unless --out DIR is given (then compare.json and compare.md,
 * each replaced atomically).  --fail-on-regression PCT turns the answer
 * into an exit code for CI pipelines: 1 when a verdict is "slower" by more
 * than PCT percent (listed on stderr); --fail-on-undecided gives 3 when one
 * is undecided; fewer than 5 repetitions a side is one line on stderr and
 * exit 6 (VB_COMPARE_EXIT_TOO_FEW) unless --allow-few; else 0.  Bad input
 * (a missing directory, a truncated or hand-edited run.json, another schema
 * version) is one line naming the file and the field, exit 2.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/analysis/compare.h"
#include "harness/analysis/verdict.h"
#include "lib/safefs.h"
#include "lib/util.h"
#include "harness/fleet/fleet.h"
#include "bench/cmd.h"

typedef struct compare_opts {
	const char *dirs[2]; /* A and B */
	const char *out;      /* --out DIR, NULL: write nothing */
	double fail_pct;      /* --fail-on-regression PCT, NaN when absent */
	int fail_undecided;   /* --fail-on-undecided */
	int allow_few;	      /* --allow-few */
	int json;	      /* --json */
	int quiet;	      /* --quiet */
	vb_compare_cfg_t cfg; /* --margin, --all-metrics, --seed, --resamples */
} compare_opts_t;

/* ---- the command line: a table, --help generated from it ---- */

static const vb_opt_t options[] = {
	{ .name = "--out", .arg = "DIR", .help = "write compare.json and compare.md into DIR",
	  VB_OPT_PATH_AT(compare_opts_t, out) },
	{ .name = "--fail-on-regression", .arg = "PCT",
	  .help = "exit 1 when a verdict is slower (p < 0.01) by more than PCT%",
	  VB_OPT_DOUBLE_AT(compare_opts_t, fail_pct, 0, 1e6) },
	{ .name = "--fail-on-undecided", .help = "exit 3 when a verdict is undecided: the data cannot tell",
	  VB_OPT_FLAG_AT(compare_opts_t, fail_undecided) },
	{ .name = "--allow-few",
	  .help = "compare below 5 repetitions a side (every verdict undecided) without exit 6",
	  VB_OPT_FLAG_AT(compare_opts_t, allow_few) },
	{ .name = "--margin", .arg = "PCT",
	  .help = "equivalence margin: equivalent when the 90% interval is within +-PCT%",
	  VB_OPT_PCT_AT(compare_opts_t, cfg.margin, 0.1, 100) },
	{ .name = "--all-metrics", .help = "every metric of a workload, not only its primary one",
	  VB_OPT_FLAG_AT(compare_opts_t, cfg.all_metrics) },
	{ .name = "--seed", .arg = "N", .help = "seed of the bootstrap and permutation resamples",
	  VB_OPT_U64_AT(compare_opts_t, cfg.seed, 1, INT64_MAX) },
	{ .name = "--resamples", .arg = "B", .help = "bootstrap resamples per interval (100 to 1000000)",
	  VB_OPT_SIZE_AT(compare_opts_t, cfg.resamples, 100, 1000000) },
	{ .name = "--json", .help = "print compare.json on stdout instead of the table",
	  VB_OPT_FLAG_AT(compare_opts_t, json) },
	{ .name = "--quiet", .help = "print nothing but errors, regressions and --json's document",
	  VB_OPT_FLAG_AT(compare_opts_t, quiet) },
};

const vb_optspec_t vb_cmd_compare_spec = {
	.prog = "vbench compare",
	.usage = "vbench compare [OPTIONS] A B\nvbench compare [OPTIONS] FLEET_A FLEET_B",
	.about = "Compare two run directories (two hosts, kernels, QEMU versions...) workload by "
		 "workload (its primary metric): median A, median B, change of B against A (+ = "
		 "worse: more time per unit of work) with its bootstrap interval and a permutation "
		 "test on the log-medians; for every environment but bare metal also the change of "
		 "its overhead ratio to bare metal within each run (host drift cancels), on which "
		 "its verdict rests.  Verdicts: slower or faster (p < 0.01), equivalent (90% "
		 "interval within the margin), undecided (neither, or fewer than 5 repetitions a "
		 "side).  An environment measured in one run only is listed once.  Two fleet "
		 "directories (vbench fleet) are compared host class by host class: each CPU "
		 "model's runs merged in A and in B (docs/fleet.md).",
	.opts = options,
	.nopts = VB_ARRAY_SIZE(options),
	.pos = { .what = "run directory", .whats = "run directories",
		 .missing = "two run directories needed, A and B",
		 VB_OPT_ARGS_AT(compare_opts_t, dirs, 2, 2) },
	.epilog = "exit codes: 0 compared (no regression beyond --fail-on-regression), 1 a "
		  "regression beyond it (or an output could not be written), 2 bad usage or bad "
		  "input (one line naming the file and the field), 3 a verdict undecided with "
		  "--fail-on-undecided, 6 fewer than 5 repetitions a side (one line on stderr; "
		  "--allow-few to compare anyway)",
};

/* compare.json and compare.md into @dir, both rendered before either is written. */
static int write_outputs(const json_t *cmp, const char *dir,
			 void (*md_fn)(const json_t *, FILE *), vb_error_t *err)
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
	md_fn(cmp, f);
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
			"vbench compare: regression: %s / %s / %s%s %+.1f%% (p = %.4f), more than "
			"%g%%\n",
			json_string_value(json_object_get(r, "env")),
			json_string_value(json_object_get(r, "workload")),
			json_string_value(json_object_get(r, "metric")),
			json_is_object(json_object_get(r, "overhead")) ? " overhead" : "",
			vb_compare_change(r),
			json_number_value(json_object_get(json_is_object(json_object_get(r, "overhead"))
								  ? json_object_get(r, "overhead")
								  : r,
							  "p")),
			pct);
	json_decref(regs);
	return n;
}

/*
 * The exit code of a comparison made: regressions beyond --fail-on-regression
 * (each listed on stderr), then too few repetitions (one line), then
 * undecided verdicts with --fail-on-undecided.
 */
static int verdict_exit(const compare_opts_t *co, const json_t *cmp)
{
	size_t few = vb_compare_count(cmp, "too_few"), undecided = vb_compare_count(cmp, "undecided");

	if (!isnan(co->fail_pct) && report_regressions(cmp, co->fail_pct))
		return VB_EXIT_FAIL;
	if (few && !co->allow_few) {
		fprintf(stderr,
			"vbench compare: too few repetitions: %zu of %zu comparisons have fewer "
			"than %d a side, nothing can be decided (--allow-few to compare anyway)\n",
			few, json_array_size(json_object_get(cmp, "rows")), VB_VERDICT_MIN_N);
		return VB_COMPARE_EXIT_TOO_FEW;
	}
	if (co->fail_undecided && undecided) {
		fprintf(stderr,
			"vbench compare: %zu of %zu comparisons undecided: the data cannot tell "
			"(--fail-on-undecided)\n",
			undecided, json_array_size(json_object_get(cmp, "rows")));
		return VB_COMPARE_EXIT_UNDECIDED;
	}
	return VB_EXIT_OK;
}

static void fleet_md_file(const json_t *doc, FILE *out)
{
	vb_compare_fleet_print(doc, out, 1);
}

/* Two fleet directories: compared class by class (harness/fleet/fleet.h). */
static int compare_fleets(compare_opts_t *co)
{
	vb_error_t err;
	json_t *doc, *p;
	size_t i;
	int rc = VB_EXIT_OK, r;

	vb_error_clear(&err);
	doc = vb_fleet_compare(co->dirs[0], co->dirs[1], &co->cfg, co->quiet ? NULL : stderr, &err);
	if (doc && co->out && write_outputs(doc, co->out, fleet_md_file, &err) < 0) {
		json_decref(doc);
		doc = NULL;
	}
	if (!doc) {
		fprintf(stderr, "vbench compare: %s\n", err.msg);
		return vb_error_exit_code(&err);
	}
	if (co->json) {
		json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	} else if (!co->quiet) {
		vb_compare_fleet_print(doc, stdout, 0);
	}
	fflush(stdout);
	json_array_foreach (json_object_get(doc, "pairs"), i, p)
		if ((r = verdict_exit(co, json_object_get(p, "compare"))) != VB_EXIT_OK &&
		    rc == VB_EXIT_OK)
			rc = r;
	json_decref(doc);
	return rc;
}

int vb_cmd_compare(int argc, char **argv)
{
	compare_opts_t co = { .out = NULL };
	json_t *a = NULL, *b = NULL, *cmp = NULL;
	vb_error_t err;
	int rc;

	vb_error_clear(&err);
	vb_compare_cfg_init(&co.cfg);
	co.fail_pct = NAN;
	rc = vb_optparse(&vb_cmd_compare_spec, &co, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc == 0 && vb_fleet_is_dir(co.dirs[0]) && vb_fleet_is_dir(co.dirs[1]))
		return compare_fleets(&co);
	if (rc == 0 && (a = vb_compare_load(co.dirs[0], &err)) &&
	    (b = vb_compare_load(co.dirs[1], &err)))
		cmp = vb_compare_build(a, co.dirs[0], b, co.dirs[1], &co.cfg, &err);
	if (cmp && (!co.out || write_outputs(cmp, co.out, vb_compare_md, &err) == 0)) {
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
	else
		rc = verdict_exit(&co, cmp);
	json_decref(cmp);
	json_decref(a);
	json_decref(b);
	return rc;
}
