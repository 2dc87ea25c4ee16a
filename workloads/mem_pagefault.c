/*
 * mem_pagefault.c - mem.pagefault: the cost of first-touch page faults on
 * fresh anonymous memory (map, write one byte per 4 KiB page, unmap).
 *
 * Every first touch of an anonymous page traps into the kernel, which zeroes
 * a page and installs it; under a hypervisor that may also fault the page in
 * on the host side and, for munmap, shoot down TLBs across vCPUs.  So this
 * loop measures a cost that compute-bound workloads never see but every
 * process start, heap growth and fork pays.  With thp=never each touched
 * page is exactly one minor fault; the kernel's own count is recorded too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/util.h"
#include "workloads/mem_common.h"
#include "workloads/workload.h"

#define VB_PF_PAGE 4096  /* bytes per page touched */
#define VB_PF_SAMPLES 64 /* pages read back per round */
#define VB_PF_MIN_REGION (64 * VB_MEM_KIB)

extern const vb_workload_t vb_w_mem_pagefault;

static const vb_param_desc_t params[] = {
	{ "region_bytes", VB_P_SIZE, "64M", VB_PF_MIN_REGION, VB_MEM_TIB,
	  "bytes mapped, touched and unmapped per round" },
	{ "rounds", VB_P_U64, "8", 1, UINT64_C(1) << 32,
	  "map/touch/unmap rounds (count)" },
	VB_MEM_THP_PARAM,
};

static const vb_metric_desc_t metrics[] = {
	{ "faults_per_s", "faults/s", VB_HIGHER_IS_BETTER,
	  "pages first-touched per second, map and unmap included" },
	{ "ns_per_fault", "ns", VB_LOWER_IS_BETTER,
	  "measured time per page first-touched, map and unmap included" },
};

/* What the rounds did: phase times and the first read-back mismatch. */
struct pf {
	uint64_t pages;     /* pages per round */
	uint64_t map_ns;    /* total time in vb_buffer_alloc (mmap + madvise) */
	uint64_t touch_ns;  /* total time writing the pages (the faults) */
	uint64_t unmap_ns;  /* total time in munmap */
	uint64_t bad;       /* sampled pages that read back wrong */
	uint64_t bad_round; /* first mismatch: round, page, wanted and found */
	uint64_t bad_page;
	unsigned bad_want, bad_got;
};

/* The byte written to page @i in round @r: never zero, so a lost write shows. */
static unsigned char mark(uint64_t r, uint64_t i)
{
	return (unsigned char)(0x80 | ((i + r) & 0x7f));
}

/* Write one byte at the start of each of @pages pages of @p (one fault each). */
static __attribute__((noinline)) void touch(volatile unsigned char *p, uint64_t pages,
					    uint64_t r)
{
	uint64_t i;

	for (i = 0; i < pages; i++)
		p[i * VB_PF_PAGE] = mark(r, i);
}

/*
 * Read back VB_PF_SAMPLES pages spread evenly over the region (and the last
 * one) and record the first that does not hold its mark in @pf.
 */
static void sample(struct pf *pf, const volatile unsigned char *p, uint64_t r)
{
	uint64_t k, i;
	unsigned char got;

	for (k = 0; k <= VB_PF_SAMPLES; k++) {
		i = k < VB_PF_SAMPLES ? k * pf->pages / VB_PF_SAMPLES : pf->pages - 1;
		got = p[i * VB_PF_PAGE];
		if (got == mark(r, i))
			continue;
		if (!pf->bad++) {
			pf->bad_round = r;
			pf->bad_page = i;
			pf->bad_want = mark(r, i);
			pf->bad_got = got;
		}
	}
}

/*
 * One round: map the region with the THP policy, touch every page, read the
 * samples back (falsifying one first when @corrupt), unmap.  Returns 0 or
 * -1 with @err set when the mapping fails.
 */
static int one_round(struct pf *pf, uint64_t r, const char *thp, int corrupt, vb_error_t *err)
{
	size_t bytes = pf->pages * VB_PF_PAGE;
	unsigned char *p;
	uint64_t t0, t1, t2, t3;

	t0 = vb_now_ns();
	p = vb_buffer_alloc(bytes, thp, err);
	if (!p) {
		vb_error_prefix(err, "round %llu", (unsigned long long)r);
		return -1;
	}
	t1 = vb_now_ns();
	touch(p, pf->pages, r);
	t2 = vb_now_ns();
	if (corrupt)
		p[0] ^= 0x01;
	sample(pf, p, r);
	vb_buffer_free(p, bytes);
	t3 = vb_now_ns();
	pf->map_ns += t1 - t0;
	pf->touch_ns += t2 - t1;
	pf->unmap_ns += t3 - t2;
	return 0;
}

/* Minor and major faults of this process so far (0 if getrusage fails). */
static void faults_now(uint64_t *minflt, uint64_t *majflt)
{
	struct rusage ru;

	memset(&ru, 0, sizeof(ru));
	getrusage(RUSAGE_SELF, &ru);
	*minflt = (uint64_t)ru.ru_minflt;
	*majflt = (uint64_t)ru.ru_majflt;
}

/*
 * Sizing: region_bytes = 64 MiB (tiny: 4 MiB, 2 rounds), capped to 25% of
 * the allocation and rounded down to whole 2 MiB huge pages when it allows.
 */
static int size(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	const vb_workload_t *w = &vb_w_mem_pagefault;
	uint64_t want = s->tiny ? 4 * VB_MEM_MIB : 64 * VB_MEM_MIB;
	uint64_t cap = mem_percent(s->mem, 25);

	if (want > cap)
		want = cap >= 2 * VB_MEM_MIB ? cap & ~(2 * VB_MEM_MIB - 1) : cap & ~(uint64_t)4095;
	if (want < VB_PF_MIN_REGION)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "a memory allocation of %llu bytes cannot hold a region",
				    (unsigned long long)s->mem);
	if (mem_set_size(w, p, "region_bytes", want, err) < 0)
		return -1;
	return s->tiny ? vb_params_set_u64(w, p, "rounds", 2, err) : 0;
}

/* Fill metrics, ops and detail from the rounds and the fault counts. */
static void report(const struct pf *pf, const vb_params_t *p, uint64_t rounds, uint64_t minflt,
		   uint64_t majflt, uint64_t ns, vb_wresult_t *res)
{
	uint64_t faults = pf->pages * rounds;
	json_t *d = json_object();

	ns = ns ? ns : 1;
	res->metric[0] = (double)faults * 1e9 / (double)ns;
	res->metric[1] = (double)ns / (double)faults;
	res->ops = faults;
	res->bytes = 0;
	json_object_set_new(d, "region_bytes", json_integer((json_int_t)(pf->pages * VB_PF_PAGE)));
	json_object_set_new(d, "pages_per_round", json_integer((json_int_t)pf->pages));
	json_object_set_new(d, "rounds", json_integer((json_int_t)rounds));
	json_object_set_new(d, "pages_touched", json_integer((json_int_t)faults));
	json_object_set_new(d, "minflt", json_integer((json_int_t)minflt));
	json_object_set_new(d, "majflt", json_integer((json_int_t)majflt));
	json_object_set_new(d, "map_ns", json_integer((json_int_t)pf->map_ns));
	json_object_set_new(d, "touch_ns", json_integer((json_int_t)pf->touch_ns));
	json_object_set_new(d, "unmap_ns", json_integer((json_int_t)pf->unmap_ns));
	json_object_set_new(d, "touch_ns_per_page",
			    json_real((double)pf->touch_ns / (double)faults));
	json_object_set_new(d, "samples_per_round", json_integer(VB_PF_SAMPLES + 1));
	json_object_set_new(d, "thp", json_string(vb_param_str(p, "thp")));
	res->detail = d;
}

/* See workload.h: every round maps, touches, samples and unmaps in the region. */
static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	const char *thp = vb_param_str(ctx->params, "thp");
	uint64_t rounds = vb_param_u64(ctx->params, "rounds"), r;
	uint64_t min0, maj0, min1, maj1;
	struct pf pf;
	int rc = 0;

	if (mem_thp_check(thp, err) < 0)
		return -1;
	memset(&pf, 0, sizeof(pf));
	pf.pages = vb_param_u64(ctx->params, "region_bytes") / VB_PF_PAGE;
	faults_now(&min0, &maj0);

	vb_wctx_begin(ctx);
	for (r = 0; r < rounds && rc == 0; r++)
		rc = one_round(&pf, r, thp, ctx->corrupt && r == 0, err);
	vb_wctx_end(ctx);

	faults_now(&min1, &maj1);
	if (rc < 0)
		return -1;
	if (pf.bad)
		return vb_error_set(err, VB_ECHECK, 0,
				    "%llu sampled pages read back wrong (first: round %llu page %llu "
				    "wrote 0x%02x read 0x%02x)",
				    (unsigned long long)pf.bad, (unsigned long long)pf.bad_round,
				    (unsigned long long)pf.bad_page, pf.bad_want, pf.bad_got);
	report(&pf, ctx->params, rounds, min1 - min0, maj1 - maj0, res->elapsed_ns, res);
	return 0;
}

const vb_workload_t vb_w_mem_pagefault = {
	.name = "mem.pagefault",
	.kind = VB_KIND_MEM,
	.description = "first-touch page faults: map, write each 4 KiB page, unmap",
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "rounds",
	.size = size,
	.run = run,
};
