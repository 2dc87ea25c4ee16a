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
#include "harness/fleet/fleet.h"
#include "bench/cmd.h"

typedef struct plan_args {
	const char *file;	    /* the plan file */
	const char *run;	    /* --run DIR */
	const char *store;	    /* --store PATH: the factors from stored runs instead */
	const char *fleet;	    /* --fleet DIR: from a fleet's runs instead */
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
	  .help = "instead of --run: the stored runs (vbench store add; docs/store.md), merged per "
		  "host class (one plan per class; --class, --since select)",
	  VB_OPT_PATH_AT(plan_args_t, store) },
	{ .name = "--fleet", .arg = "DIR",
	  .help = "instead of --run: a fleet directory's runs, merged per host class (one plan per "
		  "class)",
	  VB_OPT_PATH_AT(plan_args_t, fleet) },
	{ .name = "--class", .arg = "TEXT",
	  .help = "with --store or --fleet: only the host classes (CPU model / kernel release) "
		  "containing TEXT",
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
		 "vbench plan --store PATH [--class TEXT] [--since DATE] [OPTIONS] PLAN.ini\n"
		 "vbench plan --fleet DIR [--class TEXT] [OPTIONS] PLAN.ini",
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

	if (rc == 0 && !!a->run + !!a->store + !!a->fleet != 1)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: --run DIR (a run directory with run.json), --store PATH or "
				    "--fleet DIR", a->run || a->store || a->fleet
						       ? "one source of factors"
						       : "no run given");
	if (rc == 0 && a->run && (a->class_ || a->since))
		return vb_error_set(err, VB_EUSAGE, 0, "--class and --since go with --store or --fleet");
	if (rc == 0 && a->fleet && a->since)
		return vb_error_set(err, VB_EUSAGE, 0, "--since goes with --store");
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

/* The plan of the services of a->file with the factors of @sum (@run, named
 * @label): parsed, resolved and built afresh for each source. */
static json_t *plan_of(plan_args_t *a, const json_t *sum, const json_t *run, const char *label,
		       double margin, vb_error_t *err)
{
	vb_plan_input_t *in = calloc(1, sizeof(*in));
	vb_plan_env_t envs[VB_PLAN_MAX_ENVS];
	vb_plan_opts_t o = a->o;
	char dir[PATH_MAX], *slash;
	json_t *doc = NULL;
	size_t n;

	if (!in)
		return vb_error_set(err, VB_ESYS, 0, "plan: out of memory"), NULL;
	o.margin = margin;
	snprintf(dir, sizeof(dir), "%s", a->file);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	if (vb_plan_parse(a->file, NULL, in, err) == 0 && host_capacity(a, &in->host, err) == 0 &&
	    vb_plan_resolve(in, sum, slash ? dir : ".", err) == 0 && vb_plan_check(in, &o, err) == 0) {
		n = vb_plan_envs(run, sum, &o, envs);
		vb_plan_env_services(in, sum, &o, envs, n);
		doc = vb_plan_build(in, &o, envs, n, label, run);
		if (doc && in->rec.line)
			json_object_set_new(doc, "recovery", vb_plan_recovery(in, &o, sum, run));
		if (!doc)
			vb_error_set(err, VB_ESYS, 0, "plan: out of memory");
	}
	free(in);
	return doc;
}

/* Several host classes: the hosts each needs, then every class's plan. */
static void print_classes(const plan_args_t *a, const vb_fleet_plan_src_t *src, json_t *const *docs,
			  size_t n)
{
	const char *classes[VB_PLAN_MAX_CLASSES];
	char *md = NULL;
	size_t len = 0;
	FILE *f;

	if (a->quiet)
		return;
	if (a->json) {
		json_t *all = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(all, json_pack("{s:s,s:O}", "class", src[i].class_,
							     "plan", docs[i]));
		json_dumpf(all, stdout, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
		json_decref(all);
		return;
	}
	for (size_t i = 0; i < n; i++)
		classes[i] = src[i].class_;
	if (!(f = open_memstream(&md, &len)))
		return;
	vb_plan_print_classes(classes, docs, n, f);
	fclose(f);
	vb_cmd_print_md(md, a->format);
	free(md);
}

int vb_cmd_plan(int argc, char **argv)
{
	plan_args_t a = { .file = NULL };
	vb_fleet_plan_src_t *src = NULL;
	json_t *run = NULL, *sum = NULL, *docs[VB_PLAN_MAX_CLASSES] = { NULL };
	size_t nsrc = 0, ndocs = 0;
	vb_error_t err;
	int rc;

	vb_error_clear(&err);
	vb_plan_opts_init(&a.o);
	a.o.margin = NAN; /* unless given: the run's */
	rc = parse(&a, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc == 0 && a.run) {
		double margin = a.o.margin;

		if ((sum = load_run(a.run, &margin, &run, &err)) &&
		    (docs[0] = plan_of(&a, sum, run, a.run, margin, &err)))
			ndocs = 1;
	} else if (rc == 0) {
		vb_fleet_plan_opts_t fo = { .store = a.store, .fleet = a.fleet, .class_ = a.class_,
					    .since = a.since, .margin = a.o.margin };

		if (vb_fleet_plan_sources(&fo, &src, &nsrc, &err) == 0 && nsrc > VB_PLAN_MAX_CLASSES)
			vb_error_set(&err, VB_EUSAGE, 0, "%zu host classes: at most %d are planned at "
				     "once (--class narrows them)", nsrc, VB_PLAN_MAX_CLASSES);
		else if (nsrc > 1 && a.out)
			vb_error_set(&err, VB_EUSAGE, 0, "--out writes one plan and %zu host classes "
				     "match: --class names one", nsrc);
		for (size_t i = 0; err.code == VB_OK && i < nsrc; i++)
			if ((docs[ndocs] = plan_of(&a, src[i].sum, src[i].run, src[i].label,
						   src[i].margin, &err)))
				ndocs++;
	}
	if (err.code == VB_OK && ndocs == 1 && (!a.out || write_outputs(&a, docs[0], &err) == 0)) {
		print(&a, docs[0]);
		if (a.out && !a.quiet)
			fprintf(stderr,
				"vbench plan: wrote plan.json, plan.md, plan.html%s in %s\n",
				a.no_charts ? "" : " and charts/", a.out);
	} else if (err.code == VB_OK && ndocs > 1) {
		print_classes(&a, src, docs, ndocs);
	}
	rc = err.code == VB_OK ? VB_EXIT_OK : vb_error_exit_code(&err);
	if (err.code != VB_OK)
		fprintf(stderr, "vbench plan: %s\n", err.msg);
	for (size_t i = 0; i < ndocs; i++)
		json_decref(docs[i]);
	vb_fleet_plan_sources_free(src, nsrc);
	json_decref(sum);
	json_decref(run);
	return rc;
}
