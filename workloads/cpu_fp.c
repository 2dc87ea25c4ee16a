/*
 * cpu_fp.c - cpu.fp: blocked dense double-precision matrix multiply.
 *
 * C = A * B for n x n row-major matrices, with the loops tiled into
 * block x block pieces so the working set of the inner loops stays in the
 * L1/L2 cache, repeated `iters` times.  It measures the floating-point units
 * (packed SSE2, the baseline x86-64 ISA the agent is built for, written with
 * GCC vector extensions rather than intrinsics) and the caches; it never
 * enters the kernel, so a virtual machine should reach native speed
 * unless its CPU model hides features or its vCPUs are not where it thinks.
 * A and B are filled from a fixed pseudo-random sequence outside the measured
 * region.  Every product's trace must equal the first one's bit for bit (the
 * code is deterministic), and the last product is compared entry by entry
 * (all entries for n <= 64, else a fixed sample of 1024 including the
 * corners) with a naive reference dot product, to a relative tolerance of
 * 1e-9 of the sum of the absolute terms.
 */
#include "workloads/workload.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define FP_FULL_CHECK_N 64 /* check every entry up to this n */
#define FP_SAMPLES 1024    /* entries checked above it */
#define FP_RTOL 1e-9       /* relative tolerance of the reference check */

static const vb_param_desc_t params[] = {
	{ "n", VB_P_U64, "256", 1, 2048, "matrix order: A, B, C are n x n doubles (count)" },
	{ "block", VB_P_U64, "32", 1, 2048, "tile edge of the blocked loops (count)" },
	{ "iters", VB_P_U64, "32", 1, 1000000000, "multiplies C = A * B (count)" },
};

static const vb_metric_desc_t metrics[] = {
	{ "gflops", "GFLOP/s", VB_HIGHER_IS_BETTER,
	  "billion floating-point operations per second, 2 n^3 per multiply" },
	{ "ms_per_multiply", "ms", VB_LOWER_IS_BETTER, "milliseconds per n x n multiply" },
};

struct fp_mats {
	size_t n;  /* order */
	double *a; /* left operand, n*n row-major */
	double *b; /* right operand */
	double *c; /* product */
};

static void mats_free(struct fp_mats *m)
{
	free(m->a);
	free(m->b);
	free(m->c);
}

/* Next value in [-1, 1) of a xorshift64 sequence whose state is *@s. */
static double next_value(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (double)(*s >> 11) * 0x1p-52 - 1.0;
}

/* A 64-byte aligned block of @bytes for free(), or NULL. */
static double *alloc_matrix(size_t bytes)
{
	void *p = NULL;

	return posix_memalign(&p, 64, bytes) ? NULL : p;
}

/*
 * Allocate the three n x n matrices of @m and fill A and B from a fixed
 * seed.  Returns 0, or -1 with @err set (VB_ERESOURCE) and nothing left
 * allocated.
 */
static int mats_init(struct fp_mats *m, size_t n, vb_error_t *err)
{
	size_t i, bytes = n * n * sizeof(double);
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	m->n = n;
	m->a = alloc_matrix(bytes);
	m->b = alloc_matrix(bytes);
	m->c = alloc_matrix(bytes);
	if (!m->a || !m->b || !m->c) {
		mats_free(m);
		vb_error_set(err, VB_ERESOURCE, ENOMEM, "allocate three %zux%zu matrices", n, n);
		return -1;
	}
	for (i = 0; i < n * n; i++) {
		m->a[i] = next_value(&seed);
		m->b[i] = next_value(&seed);
		m->c[i] = 0.0;
	}
	return 0;
}

/*
 * Two doubles in one SSE2 register (GCC vector extension, no intrinsics).
 * The baseline ISA has no FMA, so a vector multiply-add rounds exactly like
 * the scalar one and the product stays bit-identical to the naive order.
 */
typedef double v2df __attribute__((vector_size(16)));

/* Unaligned load / store of two consecutive doubles (movupd). */
static inline v2df load2(const double *p)
{
	v2df v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void store2(double *p, v2df v)
{
	memcpy(p, &v, sizeof(v));
}

static size_t min_sz(size_t x, size_t y)
{
	return x < y ? x : y;
}

/*
 * C += A * B restricted to rows [i0, i1), inner index [k0, k1) and columns
 * [j0, j1): one tile of the blocked product.  The innermost loop streams a
 * row of B into a row of C, four doubles per step in two SSE2 registers.
 */
static void mul_tile(size_t n, const double *restrict a, const double *restrict b,
		     double *restrict c, size_t i0, size_t i1, size_t k0, size_t k1, size_t j0,
		     size_t j1)
{
	size_t i, k, j;

	for (i = i0; i < i1; i++) {
		double *ci = c + i * n;

		for (k = k0; k < k1; k++) {
			const double aik = a[i * n + k];
			const double *bk = b + k * n;
			const v2df av = { aik, aik };

			for (j = j0; j + 4 <= j1; j += 4) {
				store2(ci + j, load2(ci + j) + av * load2(bk + j));
				store2(ci + j + 2, load2(ci + j + 2) + av * load2(bk + j + 2));
			}
			for (; j < j1; j++)
				ci[j] += aik * bk[j];
		}
	}
}

/* C = A * B over @bs x @bs tiles (the last tile of a row may be shorter). */
static __attribute__((noinline)) void matmul_blocked(const struct fp_mats *m, size_t bs)
{
	size_t n = m->n, ii, kk, jj;

	for (ii = 0; ii < n * n; ii++)
		m->c[ii] = 0.0;
	for (ii = 0; ii < n; ii += bs)
		for (kk = 0; kk < n; kk += bs)
			for (jj = 0; jj < n; jj += bs)
				mul_tile(n, m->a, m->b, m->c, ii, min_sz(ii + bs, n), kk,
					 min_sz(kk + bs, n), jj, min_sz(jj + bs, n));
}

static double trace(const struct fp_mats *m)
{
	double t = 0.0;
	size_t i;

	for (i = 0; i < m->n; i++)
		t += m->c[i * m->n + i];
	return t;
}

/*
 * Multiply @iters times.  Returns how many products had a trace different
 * from the first one's.
 */
static uint64_t matmul_loop(const struct fp_mats *m, size_t bs, uint64_t iters)
{
	uint64_t k, bad = 0;
	double t0 = 0.0;

	for (k = 0; k < iters; k++) {
		matmul_blocked(m, bs);
		if (k == 0)
			t0 = trace(m);
		else
			bad += trace(m) != t0;
	}
	return bad;
}

/*
 * Compare C[i][j] with a naive dot product.  Returns 0 if it is within
 * FP_RTOL of the sum of the absolute terms, else -1 with @err set (VB_ECHECK).
 */
static int check_entry(const struct fp_mats *m, size_t i, size_t j, vb_error_t *err)
{
	double ref = 0.0, scale = 0.0, got = m->c[i * m->n + j];
	size_t k, n = m->n;

	for (k = 0; k < n; k++) {
		ref += m->a[i * n + k] * m->b[k * n + j];
		scale += fabs(m->a[i * n + k] * m->b[k * n + j]);
	}
	if (fabs(got - ref) <= FP_RTOL * scale)
		return 0;
	return vb_error_set(err, VB_ECHECK, 0, "C[%zu][%zu] = %.17g, reference %.17g (n=%zu)", i, j,
			    got, ref, n);
}

/*
 * Check the product in @m against the reference: every entry for small n,
 * else the four corners and FP_SAMPLES - 4 entries from a fixed LCG.
 * Returns 0 or -1 with @err set (VB_ECHECK).
 */
static int check_product(const struct fp_mats *m, vb_error_t *err)
{
	size_t n = m->n, i, j, s;
	uint64_t x = 12345;

	if (n <= FP_FULL_CHECK_N) {
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if (check_entry(m, i, j, err) < 0)
					return -1;
		return 0;
	}
	if (check_entry(m, 0, 0, err) < 0 || check_entry(m, 0, n - 1, err) < 0 ||
	    check_entry(m, n - 1, 0, err) < 0 || check_entry(m, n - 1, n - 1, err) < 0)
		return -1;
	for (s = 4; s < FP_SAMPLES; s++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		i = (size_t)((x >> 33) % n);
		j = (size_t)((x >> 13) % n);
		if (check_entry(m, i, j, err) < 0)
			return -1;
	}
	return 0;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	size_t n = vb_param_u64(ctx->params, "n");
	size_t bs = vb_param_u64(ctx->params, "block");
	uint64_t iters = vb_param_u64(ctx->params, "iters");
	struct fp_mats m;
	uint64_t bad;
	double ns;

	if (mats_init(&m, n, err) < 0)
		return -1;

	vb_wctx_begin(ctx);
	bad = matmul_loop(&m, bs, iters);
	vb_wctx_end(ctx);

	if (ctx->corrupt)
		m.c[0] += 1.0;
	if (bad) {
		mats_free(&m);
		return vb_error_set(err, VB_ECHECK, 0, "%llu of %llu products differ from the first",
				    (unsigned long long)bad, (unsigned long long)iters);
	}
	if (check_product(&m, err) < 0) {
		mats_free(&m);
		return -1;
	}
	mats_free(&m);

	ns = res->elapsed_ns ? (double)res->elapsed_ns : 1.0;
	res->ops = 2 * (uint64_t)n * n * n * iters;
	res->bytes = 0;
	res->metric[0] = (double)res->ops / ns;
	res->metric[1] = ns / 1e6 / (double)iters;
	res->detail = json_pack("{s:I, s:I, s:I}", "n", (json_int_t)n, "block",
				(json_int_t)min_sz(bs, n), "flops_per_multiply",
				(json_int_t)(2 * (uint64_t)n * n * n));
	return 0;
}

const vb_workload_t vb_w_cpu_fp = {
	.name = "cpu.fp",
	.kind = VB_KIND_CPU,
	.description = "floating point: blocked n x n double matrix multiply, checked against a naive product",
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "iters",
	.run = run,
};
