/*
 * workload.h - the workload descriptor and the context a kernel runs in.
 *
 * Every workload is one file that exports one `const vb_workload_t` and is
 * named once in list.h.  A descriptor says what the workload is (name, kind,
 * description), which parameters it takes (with defaults and bounds), which
 * metrics it reports (unit, and whether higher or lower is better), how the
 * harness sizes it from the host's caches and the memory allocation, which
 * parameter scales its amount of work for calibration, and how to run it.
 *
 * Workloads do not know where they run: the same agent calls run() with the
 * same explicit parameters on bare metal, in containers and in VM guests.  A
 * kernel never sizes itself from what it sees: all sizes come in params.
 *
 * Contract of run():
 *   - read parameters with vb_param_u64() / vb_param_str() / vb_param_list();
 *     they were validated against the descriptor before run() is called;
 *   - do set-up (allocate, fill, write files) first, then call
 *     vb_wctx_begin(ctx) right before the measured region and
 *     vb_wctx_end(ctx) right after it (exactly once each); counters and the
 *     elapsed time cover only that region;
 *   - fill res->ops (operations done), res->bytes (bytes moved, 0 if not
 *     meaningful), res->metric[i] for every descriptor metric i, and
 *     optionally res->detail (a jansson object the caller takes ownership of);
 *   - if ctx->corrupt is set, deliberately falsify one computed value before
 *     verification (tests use it to prove the self-check catches errors);
 *   - verify the answer; a wrong answer returns
 *     vb_error_set(err, VB_ECHECK, 0, "...what differed...");
 *   - release everything it allocated, also on error paths; return 0 or -1.
 *
 * Must not: know where it runs, or size itself from what it sees: every size
 * comes in params.
 */
#ifndef VB_WORKLOAD_H
#define VB_WORKLOAD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

struct vb_counters;

/* VB_KIND_APP: a real server program (Redis, nginx) under a standard load
 * generator, both network workloads (VB_W_NET). */
typedef enum vb_kind { VB_KIND_CPU, VB_KIND_MEM, VB_KIND_IO, VB_KIND_NET, VB_KIND_APP } vb_kind_t;
typedef enum vb_better { VB_HIGHER_IS_BETTER, VB_LOWER_IS_BETTER } vb_better_t;
typedef enum vb_ptype {
	VB_P_U64,  /* whole number in [min, max] */
	VB_P_SIZE, /* byte size with optional K/M/G suffix, in [min, max] */
	VB_P_LIST, /* comma list of sizes, each in [min, max], at most VB_MAX_LIST */
	VB_P_STR,  /* free text (e.g. a mode name); run() validates it */
} vb_ptype_t;

#define VB_MAX_PARAMS 16  /* parameters per workload */
#define VB_MAX_METRICS 8  /* metrics per workload */
#define VB_MAX_LIST 16    /* entries of a VB_P_LIST parameter */
#define VB_PARAM_VAL 256  /* longest parameter value */

/* Workload flags. */
#define VB_W_SCRATCH 0x1 /* needs a scratch directory (I/O workloads) */
#define VB_W_FORKS 0x2   /* creates child processes (counters must inherit) */
/*
 * A network workload: run() is the server, in the environment (it calls
 * ctx->listening once its socket listens), drive() the client on the host
 * (its measurements are the workload's).  In the default selection of
 * the profiles that have them (options.h vb_profile_t.net).
 */
#define VB_W_NET 0x4
#define VB_W_DIRECT 0x8 /* reads or writes its scratch file with O_DIRECT (the disk, not a cache) */

typedef struct vb_param_desc {
	const char *key;  /* name used in --param WORKLOAD.KEY=VALUE */
	vb_ptype_t type;  /* how the value is parsed */
	const char *def;  /* default as text (before harness sizing) */
	uint64_t min;     /* bounds for U64/SIZE/LIST entries */
	uint64_t max;
	const char *help; /* one line, with the unit */
} vb_param_desc_t;

typedef struct vb_metric_desc {
	const char *name;   /* "triad", "ns_per_call" */
	const char *unit;   /* "MB/s", "ns", "IOPS" */
	vb_better_t better; /* direction */
	const char *help;   /* one line */
} vb_metric_desc_t;

/* Parameter values of one workload invocation: key/value text pairs. */
typedef struct vb_params {
	size_t n;
	struct {
		char key[32];
		char val[VB_PARAM_VAL];
	} kv[VB_MAX_PARAMS];
} vb_params_t;

/* What the harness knows when it sizes a workload (host facts, allocation). */
typedef struct vb_sizing {
	uint64_t l1d;      /* bytes of L1 data cache per core */
	uint64_t l2;       /* bytes of L2 per core */
	uint64_t l3;       /* bytes of last-level cache in use (0 if none) */
	uint64_t line;     /* cache line size in bytes */
	uint64_t mem;      /* memory allocation of each environment in bytes */
	unsigned cpus;     /* CPUs allocated to each environment */
	int tiny;          /* test profile: shrink sizes, rules relaxed */
} vb_sizing_t;

typedef struct vb_wresult {
	uint64_t ops;                   /* operations done in the measured region */
	uint64_t bytes;                 /* bytes moved in the measured region (0: n/a) */
	uint64_t elapsed_ns;            /* set by vb_wctx_begin/end */
	double metric[VB_MAX_METRICS];  /* one value per descriptor metric */
	json_t *detail;                 /* optional object (passes, percentiles); owned by caller after run */
} vb_wresult_t;

typedef struct vb_wctx {
	const struct vb_workload *w;   /* the workload being run */
	const vb_params_t *params;     /* validated parameters */
	const char *scratch;           /* scratch directory (VB_W_SCRATCH), else NULL */
	int corrupt;                   /* test hook: falsify one value before verifying */
	struct vb_counters *counters;  /* started/stopped around the region; may be NULL */
	vb_wresult_t *res;             /* where begin/end store elapsed_ns */
	uint64_t t0;                   /* internal: start of region */
	int state;                     /* internal: 0 idle, 1 in region, 2 done */
	/* VB_W_NET: tell the harness the server listens on TCP @port (the
	 * agent sends it as an interim message); 0 or -1 with @err. */
	int (*listening)(struct vb_wctx *ctx, unsigned port, vb_error_t *err);
	void *listening_arg;
	unsigned listen_port;          /* VB_W_NET: the port to listen on (0: any) */
	const char *listen_addr;       /* VB_W_NET: the address ("": every one) */
	int io_timeout_ms;             /* VB_W_NET: longest wait for the peer */
	/* VB_KIND_APP: the server program (w->server) as this instance sees
	 * it (an absolute path), and the wait for the harness's word that its
	 * client is done (0, or -1 with @err: another message, the harness
	 * gone) */
	const char *program;
	int (*await_client)(struct vb_wctx *ctx, vb_error_t *err);
	/* VB_KIND_APP: where the server may make a directory of its own (the
	 * instance's /tmp, or on the host one the harness removes on every
	 * exit path); absolute */
	const char *workdir;
} vb_wctx_t;

/* What the client of a network workload gets (drive()). */
typedef struct vb_drive {
	const vb_params_t *params;     /* the same validated parameters as the server's */
	const char *host;              /* the server's address (numeric IPv4) */
	unsigned port;                 /* ... and TCP port */
	int corrupt;                   /* test hook: falsify one value before verifying */
	int io_timeout_ms;             /* longest silence of the server */
	uint64_t deadline_ns;          /* vb_now_ns past which it gives up (0: none) */
	/* VB_KIND_APP: the load generator (w->client) on the host, an absolute
	 * path, and how to run it: @argv (argv[0] that path, no shell) with its
	 * standard output captured into @out (at most @len - 1 bytes, NUL-ended)
	 * before the deadline; 0 when it exited 0, else -1 with @err (its
	 * status and the last line it wrote to its standard error). */
	const char *program;
	int (*exec)(void *arg, char *const argv[], char *out, size_t len, vb_error_t *err);
	void *exec_arg;
} vb_drive_t;

typedef struct vb_workload {
	const char *name;        /* "mem.stream" */
	vb_kind_t kind;          /* CPU, memory or I/O */
	const char *description; /* one line for `vbench list` */
	unsigned flags;          /* VB_W_* */
	const vb_param_desc_t *params;
	size_t nparams;
	const vb_metric_desc_t *metrics; /* metric[0] is the primary one */
	size_t nmetrics;
	/*
	 * Parameter multiplied by calibration to reach the profile's target time
	 * (work grows linearly with it), with the smallest value allowed; NULL:
	 * the workload is not calibrated.
	 */
	const char *scale_param;
	/*
	 * Harness-side sizing: set size parameters in @p from @s with
	 * vb_params_set()/vb_params_set_u64(); the user's --param overrides are
	 * applied afterwards.  May be NULL.
	 */
	int (*size)(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err);
	/* Run once; see the contract at the top of this file. */
	int (*run)(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err);
	/*
	 * VB_W_NET: the client, on the host, against the server run() started:
	 * the measured region, res->ops, res->bytes and every metric as run()
	 * would fill them, verified against what the server answers.
	 */
	int (*drive)(const vb_drive_t *d, vb_wresult_t *res, vb_error_t *err);
	/*
	 * VB_KIND_APP: the host programs it needs, by name: the server the
	 * agent starts in the environment (copied byte-identical into every
	 * one beside the agent) and the load generator the client runs.
	 */
	const char *server;
	const char *client;
} vb_workload_t;

/* ---- registry (workload.c) ---- */

/* Number of workloads and the i-th one, in list.h order. */
size_t vb_workload_count(void);
const vb_workload_t *vb_workload_at(size_t i);
/* Look up by exact name; NULL if unknown. */
const vb_workload_t *vb_workload_find(const char *name);
/* "cpu", "mem", "io", "net", "app". */
const char *vb_kind_name(vb_kind_t k);
/*
 * Check a descriptor: name, description, run hook, metrics present, params
 * with valid types and defaults that parse and lie in bounds, scale_param
 * naming a U64 parameter.  Returns 0 or -1 with @err naming the problem.
 */
int vb_workload_check(const vb_workload_t *w, vb_error_t *err);

/* ---- parameters ---- */

/* Fill @p with every descriptor default. */
void vb_params_defaults(const vb_workload_t *w, vb_params_t *p);
/*
 * Set KEY=VALUE after validating against the descriptor (unknown key or bad
 * value: VB_EUSAGE naming "WORKLOAD.KEY").  Returns 0 or -1.
 */
int vb_params_set(const vb_workload_t *w, vb_params_t *p, const char *key, const char *val,
		  vb_error_t *err);
/* Same, for sizing hooks: formats a number. */
int vb_params_set_u64(const vb_workload_t *w, vb_params_t *p, const char *key, uint64_t v,
		      vb_error_t *err);
/* Validate every value in @p against @w. */
int vb_params_validate(const vb_workload_t *w, const vb_params_t *p, vb_error_t *err);
/* Raw text of @key, NULL if absent. */
const char *vb_param_str(const vb_params_t *p, const char *key);
/* Parsed value of a U64 or SIZE parameter (0 if absent: validate first). */
uint64_t vb_param_u64(const vb_params_t *p, const char *key);
/* Parsed entries of a LIST parameter into @out (at most @max); returns count. */
size_t vb_param_list(const vb_params_t *p, const char *key, uint64_t *out, size_t max);
/* Parameters as a JSON object of strings / from one (validating). */
json_t *vb_params_to_json(const vb_params_t *p);
int vb_params_from_json(const vb_workload_t *w, vb_params_t *p, const json_t *obj,
			vb_error_t *err);

/* ---- measured region (used by kernels) ---- */

/* Start the clock and the counters.  Call once, right before the region. */
void vb_wctx_begin(vb_wctx_t *ctx);
/* Stop both; stores elapsed_ns in ctx->res.  Call once, right after. */
void vb_wctx_end(vb_wctx_t *ctx);

/*
 * Run @w once with @params: builds the context, calls run(), checks that the
 * region was opened and closed, that every metric is finite.  The result's
 * detail (if any) belongs to the caller.  Returns 0 or -1 with @err set.
 */
int vb_workload_run(const vb_workload_t *w, const vb_params_t *params, const char *scratch,
		    struct vb_counters *counters, int corrupt, vb_wresult_t *res, vb_error_t *err);

/* The metrics of @res as a JSON object {name: value} in @w's order (new
 * reference): what an agent's result carries. */
json_t *vb_workload_metrics_json(const vb_workload_t *w, const vb_wresult_t *res);

/* How the server of a network workload tells the harness it listens. */
typedef struct vb_wnet {
	int (*listening)(struct vb_wctx *ctx, unsigned port, vb_error_t *err);
	void *arg;         /* ctx->listening_arg */
	unsigned port;     /* the port to listen on, 0: any */
	const char *addr;  /* the address to listen on, NULL or "": every one */
	int io_timeout_ms; /* longest wait for the client (0: 60 s) */
	const char *program; /* VB_KIND_APP: ctx->program */
	int (*await_client)(struct vb_wctx *ctx, vb_error_t *err); /* ... ctx->await_client */
	const char *workdir; /* ... ctx->workdir (NULL: /tmp) */
} vb_wnet_t;

/* vb_workload_run with @net for a network workload's server (NULL for
 * every other workload; a network workload refuses to run without). */
int vb_workload_serve(const vb_workload_t *w, const vb_params_t *params, const char *scratch,
		      const vb_wnet_t *net, struct vb_counters *counters, int corrupt,
		      vb_wresult_t *res, vb_error_t *err);

/*
 * The client of network workload @w once (drive()) against the server of
 * @d: parameters validated, the region measured, every metric finite.
 * The result's detail belongs to the caller.  0 or -1 with @err set.
 */
int vb_workload_drive(const vb_workload_t *w, const vb_drive_t *d, vb_wresult_t *res,
		      vb_error_t *err);

/* Allocate @bytes aligned to 2 MiB with the THP policy @thp ("never",
 * "always"): madvise(MADV_NOHUGEPAGE/MADV_HUGEPAGE).  munmap with
 * vb_buffer_free().  Returns NULL with @err set. */
void *vb_buffer_alloc(size_t bytes, const char *thp, vb_error_t *err);
void vb_buffer_free(void *p, size_t bytes);

#endif
