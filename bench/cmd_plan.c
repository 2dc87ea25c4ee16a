/*
 * cmd_plan.c - `vbench plan --run DIR PLAN.ini`: how many instances of each
 * service fit on a host in every environment the run measured, and how many
 * hosts the services need.
 *
 * This file gathers the inputs (the plan file, the run and its summary,
 * this host's capacity for what neither the command line nor the file
 * gives), hands them to plan.c and prints or writes what it returns: with
 * --out DIR, plan.json, plan.md, plan.html and the chart charts/plan.*
 * (charts.h; skipped with a note without gnuplot).  Bad
 * input is one line naming the file, the line and the field, exit 2;
 * nothing is written then.  docs/plan.md describes the model.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "harness/output/charts.h"
#include "lib/hostinfo.h"
#include "harness/analysis/plan.h"
#include "harness/core/runfile.h"
#include "harness/analysis/summary.h"
#include "harness/analysis/verdict.h"
#include "lib/textsafe.h"
#include "lib/safefs.h"
#include "lib/util.h"
#include "harness/store/store.h"
#include "bench/cmd.h"

typedef struct plan_args {
	const char *file;	    /* the plan file */
	const char *run;	    /* --run DIR */
	const char *store;	    /* --store PATH: the factors from stored runs instead */
	const char *class_;	    /* --class TEXT: which host class of the store */
	const char *since;	    /* --since DATE */
	const char *out;	    /* --out DIR, NULL: print only */
	const char *disk_path;	    /* --disk-path */
	const char *host[VB_RES_N]; /* --cpus, --memory, --disk, --iops */
	vb_plan_opts_t o;
	int json, quiet;
	int no_charts;	    /* --no-charts */
	const char *format; /* --format: "text" (for a terminal) or "md" */
} plan_args_t;

/* ---- the command line: a table, --help generated from it ---- */

#define FORMATS "text, md"

static int check_format(const char *val, vb_error_t *err)
{
	return vb_cmd_check_word("--format", val, FORMATS, err);
}

static int set_spare_hosts(void *ctx, const char *v, vb_error_t *err)
{
	plan_args_t *a = ctx;
	uint64_t u;

	if (vb_parse_u64(v, 0, 1000, "--spare-hosts", &u, err) < 0)
		return -1;
	a->o.spare = (unsigned)u;
	return 0;
}

static int set_n_plus_one(void *ctx, const char *v, vb_error_t *err)
{
	return set_spare_hosts(ctx, "1", err);
}

#define HOST_AT(r) VB_OPT_STR_AT(plan_args_t, host[r]) /* checked by host_capacity */

static const vb_opt_t options[] = {
	{ .name = "--run", .arg = "DIR",
	  .help = "the run whose overheads and footprints are used (required)",
	  VB_OPT_PATH_AT(plan_args_t, run) },
	{ .name = "--store", .arg = "PATH",
	  .help = "instead of --run: the stored runs of one host class (--class, --since), merged "
		  "(vbench store add; docs/store.md)",
	  VB_OPT_PATH_AT(plan_args_t, store) },
	{ .name = "--class", .arg = "TEXT",
	  .help = "with --store: the host class (CPU model / kernel release) containing TEXT",
	  VB_OPT_STR_AT(plan_args_t, class_) },
	{ .name = "--since", .arg = "DATE", .help = "with --store: runs created on or after DATE",
	  VB_OPT_STR_AT(plan_args_t, since) },
	{ .name = "--cpus", .arg = "N", .def = "[host] cpus, else this host",
	  .help = "CPUs of one host", HOST_AT(VB_RES_CPU) },
	{ .name = "--memory", .arg = "SIZE", .def = "[host] memory, else this host",
	  .help = "memory of one host (e.g. 256G)", HOST_AT(VB_RES_MEM) },
	{ .name = "--disk", .arg = "SIZE", .def = "[host] disk, else the size of --disk-path",
	  .help = "storage of one host", HOST_AT(VB_RES_DISK) },
	{ .name = "--iops", .arg = "N", .def = "[host] iops, else the run's bare io.randread",
	  .help = "I/O operations per second one host sustains", HOST_AT(VB_RES_IO) },
	{ .name = "--disk-path", .arg = "PATH", .def = "/var/lib",
	  .help = "filesystem whose size is this host's disk", VB_OPT_PATH_AT(plan_args_t, disk_path) },
	{ .name = "--headroom", .arg = "PCT", .help = "share of every resource kept free",
	  VB_OPT_PCT_AT(plan_args_t, o.headroom, 0, 95) },
	{ .name = "--overcommit", .arg = "RATIO",
	  .help = "CPU overcommit: host cores x RATIO may be promised",
	  VB_OPT_DOUBLE_AT(plan_args_t, o.overcommit, 0.1, 100) },
	{ .name = "--spare-hosts", .arg = "N", .def = "0",
	  .help = "spare hosts added to the hosts needed (N+1: 1)", .set = set_spare_hosts },
	{ .name = "--n-plus-one", .help = "one spare host (--spare-hosts 1)", .set = set_n_plus_one },
	{ .name = "--correlation", .arg = "R",
	  .help = "correlation of CPU and I/O peaks, 0 to 1 (1: they coincide)",
	  VB_OPT_DOUBLE_AT(plan_args_t, o.correlation, 0, 1) },
	{ .name = "--conservative", .help = "use the upper bound of every overhead interval",
	  VB_OPT_FLAG_AT(plan_args_t, o.conservative) },
	{ .name = "--margin", .arg = "PCT", .def = "as the run recorded it, else 3",
	  	  .help = "equivalence margin of the verdicts: equivalent when the 90% interval is within "
		  "+-PCT%",
	  VB_OPT_PCT_AT(plan_args_t, o.margin, 0.1, 100) },
	{ .name = "--out", .arg = "DIR",
	  .help = "write plan.json, plan.md, plan.html and charts/plan.* into DIR",
	  VB_OPT_PATH_AT(plan_args_t, out) },
	{ .name = "--no-charts", .help = "with --out: do not run gnuplot (plan.html says so)",
	  VB_OPT_FLAG_AT(plan_args_t, no_charts) },
	{ .name = "--format", .arg = "FORMAT", .def = "text", .allowed = FORMATS,
	  .help = "print for a terminal (text: wrapped to its width) or as Markdown (md, what "
		  "plan.md holds without its charts)",
	  .check = check_format, VB_OPT_STR_AT(plan_args_t, format) },
	{ .name = "--json", .help = "print the plan as JSON instead of the text",
	  VB_OPT_FLAG_AT(plan_args_t, json) },
	{ .name = "--quiet", .help = "print nothing but errors", VB_OPT_FLAG_AT(plan_args_t, quiet) },
};

const vb_optspec_t vb_cmd_plan_spec = {
	.prog = "vbench plan",
	.usage = "vbench plan --run DIR [OPTIONS] PLAN.ini\n"
		 "vbench plan --store PATH [--class TEXT] [--since DATE] [OPTIONS] PLAN.ini",
	.about = "Place the services of PLAN.ini on hosts in every environment the run measured, "
		 "with its overhead ratios, host CPU cost and per-instance memory: instances per "
		 "host, hosts needed and the resource that binds (docs/plan.md, examples/).",
	.opts = options,
	.nopts = VB_ARRAY_SIZE(options),
	.pos = { .what = "plan file", .whats = "plan files", VB_OPT_ARG_AT(plan_args_t, file, 1) },
	.epilog = "exit codes: 0 planned, 1 a file could not be written, 2 bad usage or bad "
		  "input (one line naming the file, the line and the field; nothing written)",
};

/* Parse argv.  Returns 0, 1 for --help (printed), -1 with @err (VB_EUSAGE). */
static int parse(plan_args_t *a, int argc, char **argv, vb_error_t *err)
{
	int rc = vb_optparse(&vb_cmd_plan_spec, a, argc, argv, err);

	if (rc == 0 && !a->run && !a->store)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "no run given: --run DIR (a run directory with run.json) or "
				    "--store PATH");
	if (rc == 0 && a->run && a->store)
		return vb_error_set(err, VB_EUSAGE, 0, "--run and --store: one or the other");
	if (rc == 0 && !a->store && (a->class_ || a->since))
		return vb_error_set(err, VB_EUSAGE, 0, "--class and --since go with --store");
	return rc;
}

/* ---- the host: command line, then the plan file, then this machine ---- */

static int host_capacity(const plan_args_t *a, vb_plan_host_t *h, vb_error_t *err)
{
	static const char *const opt[VB_RES_N] = {"--cpus", "--memory", "--disk", "--iops"};
	uint64_t total, avail, u;
	struct statvfs st;
	const char *path;
	int r;

	for (r = 0; r < VB_RES_N; r++) {
		if (!a->host[r])
			continue;
		if (r == VB_RES_MEM || r == VB_RES_DISK) {
			if (vb_parse_size(a->host[r], 1, UINT64_MAX, opt[r], &u, err) < 0)
				return -1;
			h->cap[r] = (double)u;
		} else if (vb_parse_double(a->host[r], r == VB_RES_CPU ? 0.01 : 1, 1e9, opt[r],
					   &h->cap[r], err) < 0) {
			return -1;
		}
		snprintf(h->source[r], sizeof(h->source[r]), "%s", opt[r]);
	}
	if (h->cap[VB_RES_CPU] <= 0) {
		h->cap[VB_RES_CPU] = vb_hostinfo_ncpus();
		snprintf(h->source[VB_RES_CPU], sizeof(h->source[0]), "this host");
	}
	if (h->cap[VB_RES_MEM] <= 0) {
		if (vb_hostinfo_memory(&total, &avail, err) < 0)
			return -1;
		h->cap[VB_RES_MEM] = (double)total;
		snprintf(h->source[VB_RES_MEM], sizeof(h->source[0]), "this host");
	}
	if (h->cap[VB_RES_DISK] <= 0) {
		path = a->disk_path ?: "/var/lib";
		if (statvfs(path, &st) < 0 && (a->disk_path || statvfs(path = "/", &st) < 0))
			return vb_error_set(err, VB_EUSAGE, errno, "--disk-path %s", path);
		h->cap[VB_RES_DISK] = (double)st.f_blocks * (double)st.f_frsize;
		snprintf(h->source[VB_RES_DISK], sizeof(h->source[0]), "size of %s", path);
	}
	return 0;
}

/* ---- loading, rendering, writing ---- */

/* The run's summary; *@margin NaN becomes the run's recorded margin (or the default). */
static json_t *load_run(const char *dir, double *margin, json_t **run, vb_error_t *err)
{
	char path[PATH_MAX];
	vb_summary_cfg_t cfg;
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return vb_error_set(err, VB_EUSAGE, 0, "--run %s: no such run directory", dir),
		       NULL;
	if (vb_path_join(path, sizeof(path), dir, "run.json", err) < 0)
		return NULL;
	*run = vb_runfile_load(path, err);
	if (*run)
		vb_text_clean_json(*run); /* the plan quotes it: printable only */
	if (!*run || vb_summary_check_run(*run, path, err) < 0)
		return NULL;
	vb_summary_cfg_init(&cfg);
	cfg.margin = *margin;
	vb_summary_cfg_margin(&cfg, *run);
	*margin = cfg.margin;
	return vb_summary_build(*run, &cfg, err);
}

/* The summary of the stored runs of one host class, merged (as load_run). */
static json_t *load_store(plan_args_t *a, double *margin, json_t **run, vb_error_t *err)
{
	static char label[PATH_MAX + 64];
	json_t *runs = NULL, *sum = NULL;
	const char *paths[VB_SUMMARY_MAX_RUNS];
	char names[VB_SUMMARY_MAX_RUNS][64];
	size_t classes = 0, n, i;
	vb_summary_cfg_t cfg;
	vb_store_t *s = vb_store_open(a->store, 0, err);

	if (!s)
		return NULL;
	runs = vb_store_runs(s, a->class_, a->since, VB_SUMMARY_MAX_RUNS + 1, &classes, err);
	if (!runs)
		goto out;
	n = json_array_size(runs);
	if (!n) {
		vb_error_set(err, VB_EUSAGE, 0, "--store %s: no stored run matches%s%s", a->store,
			     a->class_ ? " --class " : "", a->class_ ? a->class_ : "");
		goto out;
	}
	if (classes > 1) {
		vb_error_set(err, VB_EUSAGE, 0,
			     "--store %s: the runs of %zu host classes match: --class names one "
			     "(vbench history --store %s lists them)",
			     a->store, classes, a->store);
		goto out;
	}
	if (n > VB_SUMMARY_MAX_RUNS) {
		vb_error_set(err, VB_EUSAGE, 0, "--store %s: more than %d runs match, a plan merges at "
			     "most %d (--since narrows them)", a->store, VB_SUMMARY_MAX_RUNS,
			     VB_SUMMARY_MAX_RUNS);
		goto out;
	}
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "stored run %zu", i + 1);
		paths[i] = names[i];
		vb_text_clean_json(json_array_get(runs, i));
	}
	{
		json_t *docs[VB_SUMMARY_MAX_RUNS];

		for (i = 0; i < n; i++)
			docs[i] = json_array_get(runs, i);
		*run = vb_summary_merge(docs, paths, n, err);
	}
	if (!*run)
		goto out;
	vb_summary_cfg_init(&cfg);
	cfg.margin = *margin;
	vb_summary_cfg_margin(&cfg, json_array_get(runs, 0));
	*margin = cfg.margin;
	sum = vb_summary_build(*run, &cfg, err);
	snprintf(label, sizeof(label), "%s (%zu stored run%s)", vb_store_path(s), n, n == 1 ? "" : "s");
	a->run = label;
out:
	json_decref(runs);
	vb_store_close(s);
	return sum;
}

/* Render @fn(@doc, @charts) into a new string (@len); NULL when out of memory. */
static char *render(void (*fn)(const json_t *, const json_t *, FILE *), const json_t *doc,
		    const json_t *charts, size_t *len)
{
	char *s = NULL;
	FILE *f = open_memstream(&s, len);

	if (!f)
		return NULL;
	fn(doc, charts, f);
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void md_with_charts(const json_t *doc, const json_t *charts, FILE *f)
{
	vb_plan_print_md(doc, f);
	if (charts)
		vb_plan_print_md_charts(charts, f);
}

static int write_one(int fd, const char *dir, const char *name, const char *s, size_t len,
		     vb_error_t *err)
{
	char path[PATH_MAX];

	if (vb_path_join(path, sizeof(path), dir, name, err) < 0)
		return -1;
	return vb_safefs_replace_at(fd, name, s, len, 0644, path, err);
}

/*
 * plan.json, plan.md, plan.html and (unless --no-charts) charts/plan.* in
 * @dir.  A missing gnuplot is a note on stderr, not an error.
 */
static int write_outputs(const plan_args_t *a, const json_t *doc, vb_error_t *err)
{
	char *json = NULL, *md = NULL, *html = NULL;
	size_t mdlen = 0, htmllen = 0, i;
	json_t *charts = NULL, *n;
	vb_safefs_made_t made;
	int rc = -1, fd;

	/* made without following a link; every file written beneath it */
	fd = vb_safefs_mkdir_p(a->out, 0755, &made, err);
	if (fd < 0)
		return -1;
	if (!a->no_charts) {
		charts = vb_charts_render_plan_at(doc, fd, a->out, err);
		if (!charts)
			goto out;
		json_array_foreach (json_object_get(charts, "notes"), i, n)
			if (!a->quiet)
				fprintf(stderr, "vbench plan: %s\n", json_string_value(n));
	}
	json = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	md = render(md_with_charts, doc, charts, &mdlen);
	html = render(vb_plan_print_html, doc, charts, &htmllen);
	if (!json || !md || !html) {
		vb_error_set(err, VB_ESYS, 0,
			     "render plan.json, plan.md and plan.html: out of memory");
		goto out;
	}
	if (write_one(fd, a->out, "plan.json", json, strlen(json), err) < 0 ||
	    write_one(fd, a->out, "plan.md", md, mdlen, err) < 0 ||
	    write_one(fd, a->out, "plan.html", html, htmllen, err) < 0)
		goto out;
	rc = 0;
out:
	close(fd);
	if (rc < 0)
		vb_safefs_unmake(&made); /* the levels it made, if still empty */
	json_decref(charts);
	free(json);
	free(md);
	free(html);
	return rc;
}

/* The plan on stdout: JSON, Markdown, or that Markdown for a terminal. */
static void print(const plan_args_t *a, const json_t *doc)
{
	size_t len = 0;
	char *s;

	if (a->quiet)
		return;
	if (a->json) {
		s = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		if (s)
			printf("%s\n", s);
		free(s);
	} else if ((s = render(md_with_charts, doc, NULL, &len))) {
		vb_cmd_print_md(s, a->format);
		free(s);
	}
	fflush(stdout);
}

int vb_cmd_plan(int argc, char **argv)
{
	plan_args_t a = {.file = NULL};
	vb_plan_input_t *in = calloc(1, sizeof(*in));
	vb_plan_env_t envs[VB_PLAN_MAX_ENVS];
	json_t *run = NULL, *sum = NULL, *doc = NULL;
	char dir[PATH_MAX], *slash;
	vb_error_t err;
	size_t n;
	int rc;

	vb_error_clear(&err);
	vb_plan_opts_init(&a.o);
	a.o.margin = NAN; /* unless given: the run's */
	if (!in) {
		fprintf(stderr, "vbench plan: out of memory\n");
		return VB_EXIT_FAIL;
	}
	rc = parse(&a, argc, argv, &err);
	if (rc == 1) {
		free(in);
		return VB_EXIT_OK;
	}
	if (rc == 0 && vb_plan_parse(a.file, NULL, in, &err) == 0 &&
	    host_capacity(&a, &in->host, &err) == 0 &&
	    (sum = a.store ? load_store(&a, &a.o.margin, &run, &err)
			   : load_run(a.run, &a.o.margin, &run, &err))) {
		snprintf(dir, sizeof(dir), "%s", a.file);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		if (vb_plan_resolve(in, sum, slash ? dir : ".", &err) == 0 &&
		    vb_plan_check(in, &a.o, &err) == 0) {
			n = vb_plan_envs(run, sum, &a.o, envs);
			vb_plan_env_services(in, sum, &a.o, envs, n);
			doc = vb_plan_build(in, &a.o, envs, n, a.run, run);
			if (doc && in->rec.line)
				json_object_set_new(doc, "recovery",
						    vb_plan_recovery(in, &a.o, sum, run));
			if (!doc)
				vb_error_set(&err, VB_ESYS, 0, "plan: out of memory");
		}
	}
	if (doc && (!a.out || write_outputs(&a, doc, &err) == 0)) {
		print(&a, doc);
		if (a.out && !a.quiet)
			fprintf(stderr,
				"vbench plan: wrote plan.json, plan.md, plan.html%s in %s\n",
				a.no_charts ? "" : " and charts/", a.out);
	}
	rc = err.code == VB_OK ? VB_EXIT_OK : vb_error_exit_code(&err);
	if (err.code != VB_OK)
		fprintf(stderr, "vbench plan: %s\n", err.msg);
	json_decref(doc);
	json_decref(sum);
	json_decref(run);
	free(in);
	return rc;
}
