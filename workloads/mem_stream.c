/*
 * mem_stream.c - mem.stream: McCalpin's STREAM kernels (copy, scale, add,
 * triad) on arrays of doubles, one thread.
 *
 * Sustained memory bandwidth is what second-level page tables, huge-page
 * backing and memory placement under a hypervisor act on most directly, and
 * STREAM is the figure everyone quotes.  This file follows STREAM's run
 * rules (each array at least 4x the last-level cache, a fixed number of
 * passes, the best pass after the first reported, results validated like
 * checkSTREAMresults) but is a reimplementation, so results are labelled a
 * STREAM variant in the detail.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "workloads/mem_common.h"
#include "lib/hostinfo.h"
#include "workloads/workload.h"

#define VB_STREAM_SCALAR 3.0       /* STREAM's scalar */
#define VB_STREAM_EPS 1e-13        /* STREAM's bound on the average relative error */
#define VB_STREAM_MAX_PASSES 200   /* values grow 15x per pass: 15^262 overflows */
#define VB_STREAM_SKEW 128         /* doubles (1 KiB) between arrays, against 4K aliasing */
#define VB_STREAM_MIN_ARRAY (64 * VB_MEM_KIB)

enum { K_COPY, K_SCALE, K_ADD, K_TRIAD, K_N };

static const char *const kname[K_N] = { "copy", "scale", "add", "triad" };
/* Arrays touched per element: STREAM counts copy/scale as 2, add/triad as 3. */
static const unsigned karrays[K_N] = { 2, 2, 3, 3 };
/* Index of each kernel's rate in the metric array (triad is metric[0]). */
static const unsigned kmetric[K_N] = { 1, 2, 3, 0 };

extern const vb_workload_t vb_w_mem_stream;

static const vb_param_desc_t params[] = {
	{ "array_bytes", VB_P_SIZE, "64M", VB_STREAM_MIN_ARRAY, VB_MEM_TIB,
	  "bytes per array (three arrays of doubles); STREAM wants >= 4x the LLC" },
	{ "passes", VB_P_U64, "10", 2, VB_STREAM_MAX_PASSES,
	  "passes over the four kernels; the first is not reported (count)" },
	{ "llc_bytes", VB_P_SIZE, "0", 0, VB_MEM_TIB,
	  "last-level cache the array size is judged against, set by sizing (0: ask sysconf)" },
	VB_MEM_THP_PARAM,
};

static const vb_metric_desc_t metrics[] = {
	{ "triad", "MB/s", VB_HIGHER_IS_BETTER,
	  "a = b + s*c, best pass after the first, 24 bytes per element (MB = 10^6 B)" },
	{ "copy", "MB/s", VB_HIGHER_IS_BETTER, "c = a, best pass after the first, 16 B per element" },
	{ "scale", "MB/s", VB_HIGHER_IS_BETTER,
	  "b = s*c, best pass after the first, 16 B per element" },
	{ "add", "MB/s", VB_HIGHER_IS_BETTER, "c = a + b, best pass after the first, 24 B per element" },
};

/* State of one run: the arrays and every kernel time of every pass. */
struct stream {
	double *buf;                             /* one mapping holding a, b, c */
	size_t buf_bytes;                        /* its length */
	double *a, *b, *c;                       /* the arrays, VB_STREAM_SKEW apart */
	size_t n;                                /* elements per array */
	uint64_t passes;                         /* passes done */
	uint64_t ns[K_N][VB_STREAM_MAX_PASSES];  /* kernel time per pass */
};

/*
 * ---- kernels ----
 * noinline so each is timed as written; unrolled by VB_STREAM_UNROLL (the
 * element count is a multiple of it) so that GCC's -O2 straight-line
 * vectoriser packs them into SSE2, as -O3 or STREAM's usual builds would.
 */

#define VB_STREAM_UNROLL 4

static __attribute__((noinline)) void k_copy(double *restrict c, const double *restrict a,
					     size_t n)
{
	size_t j;

	for (j = 0; j < n; j += VB_STREAM_UNROLL) {
		c[j] = a[j];
		c[j + 1] = a[j + 1];
		c[j + 2] = a[j + 2];
		c[j + 3] = a[j + 3];
	}
}

static __attribute__((noinline)) void k_scale(double *restrict b, const double *restrict c,
					      double s, size_t n)
{
	size_t j;

	for (j = 0; j < n; j += VB_STREAM_UNROLL) {
		b[j] = s * c[j];
		b[j + 1] = s * c[j + 1];
		b[j + 2] = s * c[j + 2];
		b[j + 3] = s * c[j + 3];
	}
}

static __attribute__((noinline)) void k_add(double *restrict c, const double *restrict a,
					    const double *restrict b, size_t n)
{
	size_t j;

	for (j = 0; j < n; j += VB_STREAM_UNROLL) {
		c[j] = a[j] + b[j];
		c[j + 1] = a[j + 1] + b[j + 1];
		c[j + 2] = a[j + 2] + b[j + 2];
		c[j + 3] = a[j + 3] + b[j + 3];
	}
}

static __attribute__((noinline)) void k_triad(double *restrict a, const double *restrict b,
					      const double *restrict c, double s, size_t n)
{
	size_t j;

	for (j = 0; j < n; j += VB_STREAM_UNROLL) {
		a[j] = b[j] + s * c[j];
		a[j + 1] = b[j + 1] + s * c[j + 1];
		a[j + 2] = b[j + 2] + s * c[j + 2];
		a[j + 3] = b[j + 3] + s * c[j + 3];
	}
}

/* One pass: the four kernels in STREAM's order, each timed on its own. */
static void one_pass(struct stream *st, uint64_t k)
{
	const double s = VB_STREAM_SCALAR;
	uint64_t t0, t1, t2, t3, t4;

	t0 = vb_now_ns();
	k_copy(st->c, st->a, st->n);
	t1 = vb_now_ns();
	k_scale(st->b, st->c, s, st->n);
	t2 = vb_now_ns();
	k_add(st->c, st->a, st->b, st->n);
	t3 = vb_now_ns();
	k_triad(st->a, st->b, st->c, s, st->n);
	t4 = vb_now_ns();
	st->ns[K_COPY][k] = t1 - t0;
	st->ns[K_SCALE][k] = t2 - t1;
	st->ns[K_ADD][k] = t3 - t2;
	st->ns[K_TRIAD][k] = t4 - t3;
}

/* ---- set-up and verification ---- */

/*
 * Map the three arrays (one mapping, arrays VB_STREAM_SKEW doubles apart so
 * they do not share an offset modulo 4 KiB) and fill them as STREAM does:
 * a = 1, b = 2, c = 0.  Returns 0 or -1 with @err set.
 */
static int arrays_init(struct stream *st, uint64_t array_bytes, const char *thp, vb_error_t *err)
{
	size_t stride, j;

	st->n = array_bytes / sizeof(double) / VB_STREAM_UNROLL * VB_STREAM_UNROLL;
	stride = st->n + VB_STREAM_SKEW;
	st->buf_bytes = 3 * stride * sizeof(double);
	st->buf = vb_buffer_alloc(st->buf_bytes, thp, err);
	if (!st->buf) {
		vb_error_prefix(err, "stream arrays");
		return -1;
	}
	st->a = st->buf;
	st->b = st->buf + stride;
	st->c = st->buf + 2 * stride;
	for (j = 0; j < st->n; j++) {
		st->a[j] = 1.0;
		st->b[j] = 2.0;
		st->c[j] = 0.0;
	}
	return 0;
}

/* Average relative error of @x against the expected value @want of every element. */
static double avg_rel_error(const double *x, size_t n, double want)
{
	double sum = 0.0;
	size_t j;

	for (j = 0; j < n; j++)
		sum += fabs(x[j] - want);
	return sum / (double)n / fabs(want);
}

/*
 * checkSTREAMresults: replay the kernels on scalars for @st->passes passes
 * and compare each array's average relative error with VB_STREAM_EPS.
 * Stores the largest error in @worst.  Returns 0 or -1 with VB_ECHECK.
 */
static int verify(const struct stream *st, double *worst, vb_error_t *err)
{
	double aj = 1.0, bj = 2.0, cj = 0.0, e[3];
	const char *name[3] = { "a", "b", "c" };
	uint64_t k;
	int i;

	for (k = 0; k < st->passes; k++) {
		cj = aj;
		bj = VB_STREAM_SCALAR * cj;
		cj = aj + bj;
		aj = bj + VB_STREAM_SCALAR * cj;
	}
	e[0] = avg_rel_error(st->a, st->n, aj);
	e[1] = avg_rel_error(st->b, st->n, bj);
	e[2] = avg_rel_error(st->c, st->n, cj);
	*worst = 0.0;
	for (i = 0; i < 3; i++) {
		if (!(e[i] <= VB_STREAM_EPS))
			return vb_error_set(err, VB_ECHECK, 0,
					    "array %s: average relative error %.3g exceeds %g",
					    name[i], e[i], VB_STREAM_EPS);
		if (e[i] > *worst)
			*worst = e[i];
	}
	return 0;
}

/* ---- results ---- */

/* Bytes kernel @k moves in one pass, counted as STREAM does. */
static uint64_t kernel_bytes(const struct stream *st, int k)
{
	return (uint64_t)karrays[k] * sizeof(double) * st->n;
}

/* MB/s (10^6 bytes) for @bytes in @ns; a zero time counts as 1 ns. */
static double mb_per_s(uint64_t bytes, uint64_t ns)
{
	return (double)bytes * 1e3 / (double)(ns ? ns : 1);
}

/* Fastest time of kernel @k over the passes after the first (STREAM's rule). */
static uint64_t best_ns(const struct stream *st, int k)
{
	uint64_t mn = UINT64_MAX, p;

	for (p = 1; p < st->passes; p++)
		if (st->ns[k][p] < mn)
			mn = st->ns[k][p];
	return mn;
}

/*
 * Summarise kernel @k into a new JSON object: every pass time and rate, and
 * min/avg/max time and the best rate over the passes after the first.
 * Returns NULL when out of memory.
 */
static json_t *kernel_detail(const struct stream *st, int k)
{
	json_t *o = json_object(), *times = json_array(), *rates = json_array();
	uint64_t b = kernel_bytes(st, k), mx = 0, p;
	double sum = 0.0;

	if (!o || !times || !rates) {
		json_decref(o);
		json_decref(times);
		json_decref(rates);
		return NULL;
	}
	for (p = 0; p < st->passes; p++) {
		json_array_append_new(times, json_integer((json_int_t)st->ns[k][p]));
		json_array_append_new(rates, json_real(mb_per_s(b, st->ns[k][p])));
		if (p == 0)
			continue;
		mx = st->ns[k][p] > mx ? st->ns[k][p] : mx;
		sum += (double)st->ns[k][p];
	}
	json_object_set_new(o, "bytes_per_pass", json_integer((json_int_t)b));
	json_object_set_new(o, "times_ns", times);
	json_object_set_new(o, "mb_s", rates);
	json_object_set_new(o, "best_mb_s", json_real(mb_per_s(b, best_ns(st, k))));
	json_object_set_new(o, "min_ns", json_integer((json_int_t)best_ns(st, k)));
	json_object_set_new(o, "avg_ns", json_real(sum / (double)(st->passes - 1)));
	json_object_set_new(o, "max_ns", json_integer((json_int_t)mx));
	return o;
}

/*
 * The cache STREAM's size rule is judged against: @param if the sizing hook
 * set it, else what sysconf reports here (L3, then L2), else 0.  @source
 * says which.
 */
static uint64_t llc_for_rule(uint64_t param, const char **source)
{
	static vb_caches_t c; /* *source points into it */

	if (param) {
		*source = "sizing";
		return param;
	}
	/* Run standalone: the same lookup the harness sizes with (libcpuid,
	 * then sysfs); glibc's sysconf can report a made-up L3 in a VM. */
	vb_hostinfo_caches(&c);
	*source = c.source;
	return c.l3 ? c.l3 : c.l2;
}

/* Fill res->metric, ops, bytes and detail from the pass times. */
static void report(const struct stream *st, const vb_params_t *p, double worst, vb_wresult_t *res)
{
	json_t *d = json_object(), *ks = json_object(), *kd;
	uint64_t llc, bytes = 0;
	const char *src;
	int k;

	for (k = 0; k < K_N; k++) {
		kd = kernel_detail(st, k);
		res->metric[kmetric[k]] = mb_per_s(kernel_bytes(st, k), best_ns(st, k));
		bytes += kernel_bytes(st, k) * st->passes;
		json_object_set_new(ks, kname[k], kd ? kd : json_null());
	}
	res->ops = (uint64_t)st->n * st->passes * K_N;
	res->bytes = bytes;
	llc = llc_for_rule(vb_param_u64(p, "llc_bytes"), &src);
	json_object_set_new(d, "variant", json_string("vbench STREAM reimplementation, 1 thread"));
	json_object_set_new(d, "array_bytes", json_integer((json_int_t)(st->n * sizeof(double))));
	json_object_set_new(d, "elements", json_integer((json_int_t)st->n));
	json_object_set_new(d, "passes", json_integer((json_int_t)st->passes));
	json_object_set_new(d, "scalar", json_real(VB_STREAM_SCALAR));
	json_object_set_new(d, "thp", json_string(vb_param_str(p, "thp")));
	json_object_set_new(d, "llc_bytes", json_integer((json_int_t)llc));
	json_object_set_new(d, "llc_source", json_string(src));
	json_object_set_new(d, "stream_compliant",
			    llc ? json_boolean(st->n * sizeof(double) >= 4 * llc) : json_null());
	json_object_set_new(d, "max_avg_rel_error", json_real(worst));
	json_object_set_new(d, "kernels", ks);
	res->detail = d;
}

/* ---- hooks ---- */

/*
 * Sizing: array_bytes = max(4x LLC, 16 MiB), capped so the three arrays fit
 * in 60% of the allocation (tiny: 2 MiB); llc_bytes records the LLC used.
 * Fails with VB_ERESOURCE when even the smallest array does not fit.
 */
static int size(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	const vb_workload_t *w = &vb_w_mem_stream;
	uint64_t llc = mem_llc(s), want, cap;

	want = 4 * llc > 16 * VB_MEM_MIB ? 4 * llc : 16 * VB_MEM_MIB;
	if (s->tiny)
		want = 2 * VB_MEM_MIB;
	cap = (mem_percent(s->mem, 60) / 3) & ~(uint64_t)4095;
	if (want > cap)
		want = cap;
	if (want < VB_STREAM_MIN_ARRAY)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "a memory allocation of %llu bytes cannot hold three arrays",
				    (unsigned long long)s->mem);
	if (mem_set_size(w, p, "array_bytes", want, err) < 0 ||
	    mem_set_size(w, p, "llc_bytes", llc, err) < 0)
		return -1;
	if (s->tiny)
		return vb_params_set_u64(w, p, "passes", 3, err);
	return 0;
}

/* See workload.h: set up, time every kernel of every pass, verify, report. */
static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	const char *thp = vb_param_str(ctx->params, "thp");
	struct stream *st;
	uint64_t k;
	double worst;
	int rc = -1;

	if (mem_thp_check(thp, err) < 0)
		return -1;
	st = calloc(1, sizeof(*st));
	if (!st)
		return vb_error_set(err, VB_ERESOURCE, ENOMEM, "stream state");
	st->passes = vb_param_u64(ctx->params, "passes");
	if (arrays_init(st, vb_param_u64(ctx->params, "array_bytes"), thp, err) < 0)
		goto out;

	vb_wctx_begin(ctx);
	for (k = 0; k < st->passes; k++)
		one_pass(st, k);
	vb_wctx_end(ctx);

	if (ctx->corrupt)
		st->a[st->n / 2] = 2.0 * st->a[st->n / 2] + 1.0;
	if (verify(st, &worst, err) < 0)
		goto out;
	report(st, ctx->params, worst, res);
	rc = 0;
out:
	vb_buffer_free(st->buf, st->buf_bytes);
	free(st);
	return rc;
}

const vb_workload_t vb_w_mem_stream = {
	.name = "mem.stream",
	.kind = VB_KIND_MEM,
	.description = "STREAM copy/scale/add/triad memory bandwidth on doubles, one thread",
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "passes",
	.size = size,
	.run = run,
};
