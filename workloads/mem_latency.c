/*
 * mem_latency.c - mem.latency: load-to-use latency by a dependent pointer
 * chase (p = *p) over random rings of cache lines at several working-set
 * sizes, after lmbench's lat_mem_rd.
 *
 * Bandwidth hides latency; a VM's nested page walks and a host's huge-page
 * backing show up most plainly as the time of one load that misses every
 * cache and the TLB.  Each ring is a single random cycle (Sattolo's
 * algorithm) with one node per 64-byte line, so every load depends on the
 * previous one and hardware prefetchers cannot guess the next address.
 * Sizes from L1 to beyond the last-level cache give the familiar plateaus.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "workloads/mem_common.h"
#include "workloads/workload.h"

#define VB_LAT_STRIDE 64 /* bytes per node: one cache line */
#define VB_LAT_MIN_SIZE VB_MEM_KIB

/* One node per cache line; while the ring is built the slot holds an index. */
struct node {
	union {
		struct node *next; /* the ring, once built */
		uint64_t idx;      /* Sattolo's permutation while building */
	};
	char pad[VB_LAT_STRIDE - sizeof(void *)];
};

/* One working-set size: its ring and what the chase over it gave. */
struct ring {
	struct node *base; /* first node; the chase starts here */
	size_t bytes;      /* mapped bytes (nodes * stride) */
	size_t nodes;      /* nodes in the ring */
	uint64_t ns;       /* time of the timed loads */
	struct node *end;  /* where the timed chase stopped */
};

extern const vb_workload_t vb_w_mem_latency;

/* Where chase() leaves its final pointer so the loads cannot be elided. */
static void *volatile sink;

static const vb_param_desc_t params[] = {
	{ "sizes", VB_P_LIST, "24K,512K,16M,256M", VB_LAT_MIN_SIZE, VB_MEM_TIB,
	  "working-set sizes in bytes, one ring each (comma list)" },
	{ "loads", VB_P_U64, "1000000", 1000, UINT64_C(1) << 40,
	  "timed dependent loads per size (count)" },
	{ "seed", VB_P_U64, "1", 1, UINT64_MAX, "seed of the ring permutations (non-zero)" },
	VB_MEM_THP_PARAM,
};

static const vb_metric_desc_t metrics[] = {
	{ "ns_per_load_largest", "ns", VB_LOWER_IS_BETTER,
	  "time of one dependent load at the largest size (memory + TLB misses)" },
	{ "ns_per_load_smallest", "ns", VB_LOWER_IS_BETTER,
	  "time of one dependent load at the smallest size (L1 hit)" },
};

/* ---- the chase ---- */

#define STEP p = p->next
#define STEP4 STEP; STEP; STEP; STEP
#define STEP16 STEP4; STEP4; STEP4; STEP4

/* Follow @loads pointers from @p (unrolled 16x); returns where it stopped. */
static __attribute__((noinline)) struct node *chase(struct node *p, uint64_t loads)
{
	uint64_t i;

	for (i = loads / 16; i; i--) {
		STEP16;
	}
	for (i = loads % 16; i; i--)
		STEP;
	sink = p;
	return p;
}

/* ---- ring set-up and checks ---- */

/* Uniform integer in [0, @bound) from the xorshift stream @st. */
static uint64_t below(uint64_t *st, uint64_t bound)
{
	return (uint64_t)(((unsigned __int128)vb_rand64(st) * bound) >> 64);
}

/*
 * Link @n nodes at @base into one random cycle.  Sattolo's algorithm
 * (swap with a strictly lower index) yields a permutation that is a single
 * cycle; it runs in the nodes' own slots, so no extra memory is needed.
 */
static void ring_build(struct node *base, size_t n, uint64_t *st)
{
	uint64_t t;
	size_t i, j;

	for (i = 0; i < n; i++)
		base[i].idx = i;
	for (i = n - 1; i > 0; i--) {
		j = below(st, i);
		t = base[i].idx;
		base[i].idx = base[j].idx;
		base[j].idx = t;
	}
	for (i = 0; i < n; i++)
		base[i].next = &base[base[i].idx];
}

/* 0 if the ring from @base comes back to @base after exactly @n steps, not before. */
static int ring_is_one_cycle(const struct node *base, size_t n)
{
	const struct node *p = base;
	size_t k;

	for (k = 1; k <= n; k++) {
		p = p->next;
		if (p == base)
			break;
	}
	return k == n ? 0 : -1;
}

/* Where a plain walk of @loads steps from @base ends (uses the cycle length @n). */
static const struct node *walk(const struct node *base, size_t n, uint64_t loads)
{
	const struct node *p = base;
	uint64_t k;

	for (k = loads % n; k; k--)
		p = p->next;
	return p;
}

/* ---- run ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void rings_free(struct ring *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vb_buffer_free(r[i].base, r[i].bytes);
}

/*
 * Map and link one ring per size of @sizes (@n of them, ascending), each
 * checked to be a single cycle.  Returns 0 or -1 with @err set; on error
 * the rings mapped so far are freed.
 */
static int rings_init(struct ring *r, const uint64_t *sizes, size_t n, const char *thp,
		      uint64_t seed, vb_error_t *err)
{
	uint64_t st = seed;
	size_t i;

	for (i = 0; i < n; i++) {
		r[i].nodes = sizes[i] / VB_LAT_STRIDE;
		r[i].bytes = r[i].nodes * VB_LAT_STRIDE;
		r[i].base = vb_buffer_alloc(r[i].bytes, thp, err);
		if (!r[i].base) {
			rings_free(r, i);
			vb_error_prefix(err, "ring of %llu bytes", (unsigned long long)sizes[i]);
			return -1;
		}
		ring_build(r[i].base, r[i].nodes, &st);
		if (ring_is_one_cycle(r[i].base, r[i].nodes) < 0) {
			rings_free(r, i + 1);
			vb_error_set(err, VB_ECHECK, 0, "ring of %zu nodes is not a single cycle",
				     r[i].nodes);
			return -1;
		}
	}
	return 0;
}

/* Read every node of @r once in address order (cheap: prefetchable). */
static __attribute__((noinline)) void warm(const struct ring *r)
{
	uintptr_t x = 0;
	size_t i;

	for (i = 0; i < r->nodes; i++)
		x ^= (uintptr_t)r->base[i].next;
	sink = (void *)x;
}

/*
 * The measured part for one ring: an untimed sequential warm-up read so a
 * ring that fits in a cache starts there (the rings built before it evicted
 * it), then @loads timed loads from the ring's base.
 */
static void measure(struct ring *r, uint64_t loads)
{
	uint64_t t0;

	warm(r);
	t0 = vb_now_ns();
	r->end = chase(r->base, loads);
	r->ns = vb_now_ns() - t0;
}

/* Compare every ring's end with an independent walk.  0 or -1 (VB_ECHECK). */
static int verify(const struct ring *r, size_t n, uint64_t loads, vb_error_t *err)
{
	const struct node *want;
	size_t i;

	for (i = 0; i < n; i++) {
		want = walk(r[i].base, r[i].nodes, loads);
		if (r[i].end != want)
			return vb_error_set(err, VB_ECHECK, 0,
					    "chase over %zu bytes ended at node %td, walk at %td",
					    r[i].bytes, r[i].end - r[i].base, want - r[i].base);
	}
	return 0;
}

static double ns_per_load(const struct ring *r, uint64_t loads)
{
	return (double)(r->ns ? r->ns : 1) / (double)loads;
}

/* Fill metrics, ops and detail (one {size_bytes, ns_per_load} per size). */
static void report(const struct ring *r, size_t n, const vb_params_t *p, vb_wresult_t *res)
{
	uint64_t loads = vb_param_u64(p, "loads");
	json_t *d = json_object(), *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I, s:I, s:f, s:I}", "size_bytes",
						     (json_int_t)r[i].bytes, "nodes",
						     (json_int_t)r[i].nodes, "ns_per_load",
						     ns_per_load(&r[i], loads), "ns",
						     (json_int_t)r[i].ns));
	res->metric[0] = ns_per_load(&r[n - 1], loads);
	res->metric[1] = ns_per_load(&r[0], loads);
	res->ops = loads * n;
	res->bytes = 0;
	json_object_set_new(d, "sizes", arr);
	json_object_set_new(d, "loads_per_size", json_integer((json_int_t)loads));
	json_object_set_new(d, "stride_bytes", json_integer(VB_LAT_STRIDE));
	json_object_set_new(d, "seed", json_integer((json_int_t)vb_param_u64(p, "seed")));
	json_object_set_new(d, "thp", json_string(vb_param_str(p, "thp")));
	res->detail = d;
}

/*
 * Sizing: l1d/2, l2/2, l3/2 (when there is an L3) and 8x the LLC, the
 * largest capped so all rings fit in 60% of the allocation; each rounded down
 * to whole 4 KiB pages, sorted, duplicates and empty sizes dropped.  Tiny:
 * 16K, 256K, 2M and 100000 loads per size.
 */
static int size(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	const vb_workload_t *w = &vb_w_mem_latency;
	uint64_t v[4], sum = 0, room, cap = mem_percent(s->mem, 60);
	char text[VB_PARAM_VAL] = "", one[32];
	size_t n = 0, i, len = 0;

	if (s->tiny) {
		v[n++] = 16 * VB_MEM_KIB;
		v[n++] = 256 * VB_MEM_KIB;
		v[n++] = 2 * VB_MEM_MIB;
	} else {
		v[n++] = s->l1d / 2;
		v[n++] = s->l2 / 2;
		if (s->l3)
			v[n++] = s->l3 / 2;
		v[n++] = 8 * mem_llc(s);
	}
	for (i = 0; i + 1 < n; i++)
		sum += v[i];
	room = sum < cap ? cap - sum : 0;
	if (v[n - 1] > room)
		v[n - 1] = room;
	qsort(v, n, sizeof(v[0]), cmp_u64);
	for (i = 0; i < n; i++) {
		v[i] = v[i] / 4096 * 4096;
		if (v[i] < VB_LAT_MIN_SIZE || (i && v[i] == v[i - 1]))
			continue;
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", len ? "," : "",
					mem_size_text(v[i], one, sizeof(one)));
	}
	if (!len)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "no working-set size fits in %llu bytes",
				    (unsigned long long)s->mem);
	if (vb_params_set(w, p, "sizes", text, err) < 0)
		return -1;
	return s->tiny ? vb_params_set_u64(w, p, "loads", 100000, err) : 0;
}

/* See workload.h: build every ring, chase each in the region, verify, report. */
static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	const char *thp = vb_param_str(ctx->params, "thp");
	uint64_t sizes[VB_MAX_LIST], loads = vb_param_u64(ctx->params, "loads");
	struct ring r[VB_MAX_LIST];
	size_t n, i;
	int rc = -1;

	if (mem_thp_check(thp, err) < 0)
		return -1;
	n = vb_param_list(ctx->params, "sizes", sizes, VB_MAX_LIST);
	if (!n)
		return vb_error_set(err, VB_EUSAGE, 0, "sizes: empty list");
	qsort(sizes, n, sizeof(sizes[0]), cmp_u64);
	memset(r, 0, sizeof(r));
	if (rings_init(r, sizes, n, thp, vb_param_u64(ctx->params, "seed"), err) < 0)
		return -1;

	vb_wctx_begin(ctx);
	for (i = 0; i < n; i++)
		measure(&r[i], loads);
	vb_wctx_end(ctx);

	if (ctx->corrupt)
		r[0].end = r[0].end->next;
	if (verify(r, n, loads, err) < 0)
		goto out;
	report(r, n, ctx->params, res);
	rc = 0;
out:
	rings_free(r, n);
	return rc;
}

const vb_workload_t vb_w_mem_latency = {
	.name = "mem.latency",
	.kind = VB_KIND_MEM,
	.description = "dependent-load latency over random 64-byte rings from L1 to memory",
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "loads",
	.size = size,
	.run = run,
};
