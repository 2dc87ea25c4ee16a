/*
 * mem_random.c - mem.random: HPCC RandomAccess (GUPS), one thread: XOR
 * pseudo-random 64-bit values into random words of a large table.
 *
 * Random updates defeat caches, prefetchers and (without huge pages) the
 * TLB, so their rate is bounded by how many independent misses and page
 * walks the memory system keeps in flight, which is where nested paging
 * costs a guest most.  The update stream, the 128 interleaved streams of
 * the serial update loop and the verification (replay the updates, expect
 * the table back in its initial state) follow HPCC's RandomAccess.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "workloads/mem_common.h"
#include "workloads/workload.h"

#define VB_RA_POLY UINT64_C(0x7)                    /* HPCC's POLY */
#define VB_RA_PERIOD INT64_C(1317624576693539401)  /* period of the stream */
#define VB_RA_STREAMS 128                          /* interleaved streams */
#define VB_RA_MIN_TABLE (4 * VB_MEM_KIB)

extern const vb_workload_t vb_w_mem_random;

static const vb_param_desc_t params[] = {
	{ "table_bytes", VB_P_SIZE, "256M", VB_RA_MIN_TABLE, VB_MEM_TIB,
	  "bytes of the table of 64-bit words (a power of two)" },
	{ "updates", VB_P_U64, "16777216", 1024, UINT64_C(1) << 44,
	  "updates (count; rounded down to a multiple of 128); HPCC uses 4x the words" },
	VB_MEM_THP_PARAM,
};

static const vb_metric_desc_t metrics[] = {
	{ "mups", "Mupdates/s", VB_HIGHER_IS_BETTER,
	  "million table updates per second (HPCC GUPS x 1000)" },
};

/* ---- HPCC's random stream ---- */

/* Next element of the stream: multiply by x in GF(2)[x] modulo POLY. */
static inline uint64_t ra_next(uint64_t r)
{
	return (r << 1) ^ ((int64_t)r < 0 ? VB_RA_POLY : 0);
}

/*
 * HPCC_starts: the @n-th element of the stream (element 0 is 1), by
 * repeated squaring in GF(2)[x] modulo POLY.
 */
static uint64_t ra_starts(int64_t n)
{
	uint64_t m2[64], temp = 1, ran = 2;
	int i, j;

	while (n < 0)
		n += VB_RA_PERIOD;
	while (n > VB_RA_PERIOD)
		n -= VB_RA_PERIOD;
	if (n == 0)
		return 1;
	for (i = 0; i < 64; i++) {
		m2[i] = temp;
		temp = ra_next(ra_next(temp));
	}
	for (i = 62; i >= 0; i--)
		if ((n >> i) & 1)
			break;
	while (i > 0) {
		temp = 0;
		for (j = 0; j < 64; j++)
			if ((ran >> j) & 1)
				temp ^= m2[j];
		ran = temp;
		i--;
		if ((n >> i) & 1)
			ran = ra_next(ran);
	}
	return ran;
}

/*
 * The measured loop (HPCC's serial RandomAccessUpdate): VB_RA_STREAMS
 * streams, stream j covering elements j*@per+1 .. (j+1)*@per, advanced in
 * lock-step so their misses overlap.
 */
static __attribute__((noinline)) void ra_update(uint64_t *t, uint64_t mask, uint64_t per)
{
	uint64_t ran[VB_RA_STREAMS], i;
	int j;

	for (j = 0; j < VB_RA_STREAMS; j++)
		ran[j] = ra_starts((int64_t)(per * (uint64_t)j));
	for (i = 0; i < per; i++) {
		for (j = 0; j < VB_RA_STREAMS; j++) {
			ran[j] = ra_next(ran[j]);
			t[ran[j] & mask] ^= ran[j];
		}
	}
}

/*
 * HPCC's verification: replay elements 1..@n as one sequential stream (a
 * different order, the same set), which undoes every XOR, then count the
 * words that differ from t[i] = i.  Returns the count; the first bad index
 * goes to @first.
 */
static uint64_t ra_verify(uint64_t *t, uint64_t words, uint64_t n, uint64_t *first)
{
	uint64_t ran = ra_starts(0), i, bad = 0;

	for (i = 0; i < n; i++) {
		ran = ra_next(ran);
		t[ran & (words - 1)] ^= ran;
	}
	for (i = 0; i < words; i++)
		if (t[i] != i && !bad++)
			*first = i;
	return bad;
}

/* ---- hooks ---- */

/*
 * Sizing: the smallest power of two >= max(4x the LLC, 16 MiB), capped to
 * the largest power of two <= 25% of the allocation (tiny: 2 MiB); updates
 * = 4x the words, as HPCC does.
 */
static int size(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	const vb_workload_t *w = &vb_w_mem_random;
	uint64_t want = 4 * mem_llc(s), cap = mem_pow2_floor(mem_percent(s->mem, 25));

	want = mem_pow2_ceil(want > 16 * VB_MEM_MIB ? want : 16 * VB_MEM_MIB);
	if (s->tiny)
		want = 2 * VB_MEM_MIB;
	if (want > cap)
		want = cap;
	if (want < VB_RA_MIN_TABLE)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "a memory allocation of %llu bytes cannot hold a table",
				    (unsigned long long)s->mem);
	if (mem_set_size(w, p, "table_bytes", want, err) < 0)
		return -1;
	return vb_params_set_u64(w, p, "updates", 4 * (want / sizeof(uint64_t)), err);
}

/* Fill metrics, ops, bytes and detail. */
static void report(const vb_params_t *p, uint64_t words, uint64_t n, uint64_t ns,
		   vb_wresult_t *res)
{
	double secs = (double)(ns ? ns : 1) * 1e-9;
	json_t *d = json_object();

	res->metric[0] = (double)n / secs / 1e6;
	res->ops = n;
	res->bytes = n * 2 * sizeof(uint64_t);
	json_object_set_new(d, "table_bytes", json_integer((json_int_t)(words * 8)));
	json_object_set_new(d, "words", json_integer((json_int_t)words));
	json_object_set_new(d, "updates", json_integer((json_int_t)n));
	json_object_set_new(d, "streams", json_integer(VB_RA_STREAMS));
	json_object_set_new(d, "gups", json_real((double)n / secs / 1e9));
	json_object_set_new(d, "errors", json_integer(0));
	json_object_set_new(d, "thp", json_string(vb_param_str(p, "thp")));
	res->detail = d;
}

/* See workload.h: fill t[i] = i, update in the region, replay to verify. */
static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	const char *thp = vb_param_str(ctx->params, "thp");
	uint64_t bytes = vb_param_u64(ctx->params, "table_bytes");
	uint64_t per = vb_param_u64(ctx->params, "updates") / VB_RA_STREAMS;
	uint64_t words = bytes / sizeof(uint64_t), *t, i, bad, first = 0;
	int rc = -1;

	if (mem_thp_check(thp, err) < 0)
		return -1;
	if (bytes & (bytes - 1))
		return vb_error_set(err, VB_EUSAGE, 0, "table_bytes: %llu is not a power of two",
				    (unsigned long long)bytes);
	t = vb_buffer_alloc(bytes, thp, err);
	if (!t) {
		vb_error_prefix(err, "table");
		return -1;
	}
	for (i = 0; i < words; i++)
		t[i] = i;

	vb_wctx_begin(ctx);
	ra_update(t, words - 1, per);
	vb_wctx_end(ctx);

	if (ctx->corrupt)
		t[words / 2] ^= 1;
	bad = ra_verify(t, words, per * VB_RA_STREAMS, &first);
	if (bad) {
		vb_error_set(err, VB_ECHECK, 0,
			     "%llu of %llu words wrong after replaying the updates (first: word %llu)",
			     (unsigned long long)bad, (unsigned long long)words,
			     (unsigned long long)first);
		goto out;
	}
	report(ctx->params, words, per * VB_RA_STREAMS, res->elapsed_ns, res);
	rc = 0;
out:
	vb_buffer_free(t, bytes);
	return rc;
}

const vb_workload_t vb_w_mem_random = {
	.name = "mem.random",
	.kind = VB_KIND_MEM,
	.description = "HPCC RandomAccess: random XOR updates of a large table (GUPS), one thread",
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "updates",
	.size = size,
	.run = run,
};
