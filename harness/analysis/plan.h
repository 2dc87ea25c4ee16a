/*
 * plan.h - capacity planning from a run: how many instances of each service
 * fit on one host in each environment the run measured, and how many hosts
 * the services need.
 *
 * The services come from an INI file (plan_ini.c, parsed with inih); their
 * CPU demand is normalised to cores of the run's host with vbench's own
 * cpu.* scores; the overhead of every environment comes from the run's
 * summary (summary.h: CPU- and I/O-group geometric means with their
 * intervals, host CPU cost) and its per-instance memory from the footprints
 * the run recorded.  plan.c computes everything; plan_print.c only formats
 * the resulting document.  docs/plan.md describes the model.
 *
 * Must not: print or write files (plan_print.c and plan_html.c format the
 * plan), or classify an environment by its display strings.
 */
#ifndef VB_PLAN_H
#define VB_PLAN_H

#include <jansson.h>
#include <stdio.h>

#include "lib/error.h"

#define VB_PLAN_SCHEMA	       "vbench-plan"
#define VB_PLAN_SCHEMA_VERSION 1
#define VB_PLAN_MAX_SERVICES   64	 /* services in one plan file */
#define VB_PLAN_MAX_COUNT      100000	 /* instances of one service */
#define VB_PLAN_MAX_ENVS       16	 /* environments of one run */
#define VB_PLAN_MAX_CLASSES    32	 /* host classes planned at once (--store, --fleet) */
#define VB_PLAN_SCORE_WORKLOAD "cpu.int" /* default score of server_cpu_score */

/* The resources a host offers, in the order ties between them are broken. */
enum vb_plan_res { VB_RES_CPU, VB_RES_MEM, VB_RES_DISK, VB_RES_IO, VB_RES_N };

/* "CPU", "memory", "disk", "IOPS". */
const char *vb_plan_res_name(int res);

/* The keys of a service section; key_line[] is indexed by these. */
enum vb_plan_key {
	VB_PK_COUNT,	    /* count = 2 */
	VB_PK_CPU,	    /* cpu = 1.5 (cores of the run's host) */
	VB_PK_UTIL,	    /* utilisation = 25% (p95 of an existing server) */
	VB_PK_SERVER_CPU,   /* server_cpu = Xeon E5-2620 v2 (its name, shown only) */
	VB_PK_SERVER_CPUS,  /* server_cpus = 4 */
	VB_PK_SERVER_SCORE, /* server_cpu_score = 610 (score_workload on that server) */
	VB_PK_SCORE_WL,	    /* score_workload = cpu.int */
	VB_PK_FROM_RUN,	    /* from_run = DIR */
	VB_PK_WORKLOAD,	    /* workload = app.redis (alone: this run's; with from_run) */
	VB_PK_OP_RATE,	    /* op_rate = 20000 (operations per second at peak) */
	VB_PK_MEMORY,	    /* memory = 2G */
	VB_PK_DISK,	    /* disk = 100G */
	VB_PK_IO,	    /* io = 500 (IOPS at peak) */
	VB_PK_N
};

typedef enum vb_plan_cpu_from {
	VB_PLAN_CPU_NONE,   /* not given (an error once the file is read) */
	VB_PLAN_CPU_DIRECT, /* cpu = cores */
	VB_PLAN_CPU_UTIL,   /* utilisation of server_cpus, normalised by score */
	VB_PLAN_CPU_RUN,    /* from_run: bare host CPU s/op x op_rate */
	VB_PLAN_CPU_RATE,   /* workload alone: this run's bare host CPU s/op x op_rate,
			     * and in each environment that workload's own factor */
} vb_plan_cpu_from_t;

typedef struct vb_plan_service {
	char name[64];		     /* [service NAME] or [NAME] */
	int line;		     /* line of its section header */
	int key_line[VB_PK_N];	     /* line of each key, 0 when not given */
	unsigned count;		     /* instances (default 1) */
	vb_plan_cpu_from_t cpu_from; /* which form gave the CPU demand */
	double cpu;		     /* cores of the run's host (resolved by vb_plan_resolve) */
	double utilisation;	     /* 0..1 */
	double server_cpus;	     /* cores of the existing server */
	double server_score;	     /* its score_workload primary metric */
	char server_cpu[96];	     /* its CPU's name */
	char score_workload[48];     /* default VB_PLAN_SCORE_WORKLOAD */
	char from_run[512];	     /* run directory (relative to the plan file) */
	char workload[48];	     /* its workload whose host cost is used */
	double op_rate;		     /* operations per second */
	double memory;		     /* bytes */
	double disk;		     /* bytes */
	double iops;		     /* I/O operations per second */
	char cpu_basis[256];	     /* how cpu was derived, for the reader */
} vb_plan_service_t;

typedef struct vb_plan_host {
	double cap[VB_RES_N];	   /* CPUs, memory bytes, disk bytes, IOPS (0: unknown) */
	int line[VB_RES_N];	   /* line in [host], 0 when not from the file */
	char source[VB_RES_N][64]; /* where each value came from */
} vb_plan_host_t;

/* The [recovery] section: how many instances must be restorable on one
 * host within a time (docs/plan.md "Recovery"). */
typedef struct vb_plan_recovery {
	int line;          /* of [recovery], 0 when the file has none */
	double instances;  /* instances = 20 (required) */
	double within_s;   /* within = 5m: the time they must be back in (required) */
	double parallel;   /* parallel = 2: restores at once (0: host CPUs / the run's) */
	int key_line[3];   /* instances, within, parallel */
} vb_plan_recovery_t;

typedef struct vb_plan_input {
	char path[512];				     /* plan file, for errors */
	vb_plan_host_t host;			     /* [host] section, then defaults */
	vb_plan_recovery_t rec;			     /* [recovery], line 0: none */
	vb_plan_service_t svc[VB_PLAN_MAX_SERVICES]; /* in file order */
	size_t nsvc;
} vb_plan_input_t;

typedef struct vb_plan_opts {
	double headroom;    /* share of every resource kept free (0.20) */
	double overcommit;  /* CPU overcommit ratio (1.0) */
	unsigned spare;	    /* spare hosts (N+1: 1) */
	double correlation; /* of peaks, 0..1; 1 = peaks coincide (sum of peaks) */
	int conservative;   /* use the upper bound of every overhead interval */
	double margin;	    /* equivalence margin of the verdicts the factors follow */
} vb_plan_opts_t;

/* Defaults: headroom 20%, overcommit 1.0, no spare host, correlation 1. */
void vb_plan_opts_init(vb_plan_opts_t *o);

/* What the run measured for one environment, as the placement uses it. */
typedef struct vb_plan_env {
	char name[32];
	char type[64];
	int planned;	   /* 1 when every factor below is known */
	char reason[512];  /* why not planned (unavailable, no data) */
	int vm;		   /* guest RAM model (docs/plan.md) */
	double cpu_factor; /* host CPU per core of bare-metal demand */
	char cpu_basis[160];
	double io_factor; /* host IOPS per IOPS of demand; NaN when unknown */
	char io_basis[160];
	double mem_footprint; /* host bytes per instance beyond the memory demand */
	char mem_basis[160];
	double disk_footprint; /* bytes per instance beyond the disk demand */
	char disk_basis[160];
	int baseline;          /* bare metal: every factor x1 */
	/* the CPU factor of each service given by a request rate of a workload
	 * (VB_PLAN_CPU_RATE): that workload's own in this environment
	 * (vb_plan_env_services), NaN when it was not measured here */
	double svc_cpu[VB_PLAN_MAX_SERVICES];
	char svc_basis[VB_PLAN_MAX_SERVICES][256];
} vb_plan_env_t;

typedef struct vb_plan_fit {
	int fits;	       /* every instance fits on some host */
	int misfit;	       /* first service that fits on no host (fits == 0) */
	int misfit_res;	       /* and the resource it lacks */
	unsigned hosts;	       /* hosts used (without spares) */
	unsigned hosts_needed; /* hosts + spare */
	int binding;	       /* resource most used over the hosts */
	double use[VB_RES_N];  /* share of usable capacity used; NaN unknown */
	double need[VB_PLAN_MAX_SERVICES][VB_RES_N]; /* per instance */
	unsigned per_host[VB_PLAN_MAX_SERVICES];     /* alone on a host */
	int per_host_binding[VB_PLAN_MAX_SERVICES];  /* resource that stops it */
} vb_plan_fit_t;

/*
 * Parse the plan file @path, or @text when not NULL (then @path only names
 * it), into @in: [host] capacity keys and one section per service.  Bad
 * input (unknown keys or sections, duplicates, missing fields, numbers that
 * are not finite, negative or impossible) is one line
 * "PATH:LINE: field 'KEY' of [service NAME]: ..." (VB_EUSAGE), -1.
 */
int vb_plan_parse(const char *path, const char *text, vb_plan_input_t *in, vb_error_t *err);

/*
 * Resolve every service's CPU demand to cores of the run's host: @summary is
 * the run's summary (vb_summary_build), @plan_dir the directory relative
 * paths of from_run start from.  Fills missing host IOPS from the run's bare
 * io.randread median.  Errors name the plan file, line and field.
 */
int vb_plan_resolve(vb_plan_input_t *in, const json_t *summary, const char *plan_dir,
		    vb_error_t *err);

/*
 * Refuse a service that fits on no host even without virtualization: one
 * instance's demand above a host's usable capacity (after headroom and
 * overcommit).  The error names the file, line and field.  0 or -1.
 */
int vb_plan_check(const vb_plan_input_t *in, const vb_plan_opts_t *o, vb_error_t *err);

/*
 * The factors of every available environment of @run (its "environments",
 * in order) from @summary, into @envs (at most VB_PLAN_MAX_ENVS).  Returns
 * how many.  An unavailable one is no entry: vb_plan_build notes it once,
 * with its reason.
 */
size_t vb_plan_envs(const json_t *run, const json_t *summary, const vb_plan_opts_t *o,
		    vb_plan_env_t *envs);

/*
 * The CPU factor of each of @in's services given by a workload's request
 * rate (VB_PLAN_CPU_RATE) in each of the @n environments @envs: the larger
 * of that workload's time overhead and host CPU cost overhead there, by
 * the same rules as the environment's own (docs/plan.md section 2).
 */
void vb_plan_env_services(const vb_plan_input_t *in, const json_t *summary,
			  const vb_plan_opts_t *o, vb_plan_env_t *envs, size_t n);

/* Usable capacity of one host: capacity x (1 - headroom), CPU x overcommit. */
void vb_plan_usable(const vb_plan_host_t *h, const vb_plan_opts_t *o, double *usable);

/*
 * Place every instance of @in's services in environment @env (first fit,
 * largest first; deterministic) and fill @fit.  @env must be planned.
 */
void vb_plan_place(const vb_plan_input_t *in, const vb_plan_opts_t *o, const vb_plan_env_t *env,
		   vb_plan_fit_t *fit);

/*
 * The plan document (schema vbench-plan): inputs, options, usable capacity,
 * services, per environment its factors and fit or why it is not
 * planned, and the notes (an environment the run could not bring up is
 * one: "kvm not planned: unavailable in the run: REASON").  @run_dir and @run name the run.  New reference, NULL when memory
 * runs out.
 */
json_t *vb_plan_build(const vb_plan_input_t *in, const vb_plan_opts_t *o, const vb_plan_env_t *envs,
		      size_t nenv, const char *run_dir, const json_t *run);

/*
 * The recovery plan of @in's [recovery] (plan_recovery.c; NULL when the
 * file has none), from the summary's "operations": per environment that
 * restored, the restores in parallel (the section's, else the host's CPUs
 * over the run's allocation), the waves they take, the time to restore
 * every instance from the median restore and from the upper bound of its
 * interval (the one judged with --conservative), whether that is within
 * the limit, how many instances would be, and the disk their images take
 * (and compressed); the others with why not.  New reference.
 */
json_t *vb_plan_recovery(const vb_plan_input_t *in, const vb_plan_opts_t *o,
			 const json_t *summary, const json_t *run);

/* ---- printers (plan_print.c): format a vb_plan_build document ---- */

/* The terminal table. */
void vb_plan_print_table(const json_t *plan, FILE *out);

/* The Markdown section (plan.md, "## Capacity plan"). */
void vb_plan_print_md(const json_t *plan, FILE *out);

/*
 * plan.html (plan_html.c): one self-contained page with what plan.md holds
 * and the chart of @charts (a vb_charts_render_plan document, NULL: "not
 * rendered") embedded as a data: URI; every string is HTML-escaped.
 */
void vb_plan_print_html(const json_t *plan, const json_t *charts, FILE *out);

/* Plans of one service mix on @n host classes (@classes[i]: "CPU /
 * KERNEL", @plans[i] its plan): the hosts each class needs per environment
 * (with the binding resource), then each class's plan.md section under its
 * name. */
void vb_plan_print_classes(const char *const *classes, json_t *const *plans, size_t n, FILE *out);

/* The chart lines appended to plan.md: a link to each rendered chart's SVG,
 * or why it was not rendered and where its data and script are. */
void vb_plan_print_md_charts(const json_t *charts, FILE *out);

#endif
