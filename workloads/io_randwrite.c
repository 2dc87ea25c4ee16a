/*
 * io_randwrite.c - io.randwrite: small random overwrites at queue depth 1,
 * as IOPS and per-operation latency percentiles.
 *
 * The file is laid out (fully written, synced, cache dropped) before the
 * measured region, so every write overwrites allocated blocks; inside it
 * `ops` O_DIRECT pwrites of `block` bytes go to block-aligned offsets drawn
 * from a PRNG seeded with `seed`, one at a time, each timed alone with
 * clock_gettime(CLOCK_MONOTONIC).  No flush is issued: the latency is that
 * of the write reaching the (virtual) device.  The writes carry pattern
 * generation 1 (the layout is generation 0), so after the region a sample
 * of the written offsets, regenerated from the seed, is read back and must
 * hold generation-1 data.
 */
#include "lib/util.h"
#include "workloads/io_common.h"

#define SAMPLE_OPS 64 /* written offsets read back after the run */

static const vb_param_desc_t params[] = {
	VB_IO_P_FILE_BYTES("64M", 1ull << 20),
	VB_IO_P_BLOCK("4K"),
	{ "ops", VB_P_U64, "4000", 1, 10000000, "random writes done (count)" },
	VB_IO_P_SEED,
};

static const vb_metric_desc_t metrics[] = {
	VB_IO_M_IOPS,
	VB_IO_M_P50,
	VB_IO_M_P99,
};

/* The measured region: j->count timed random writes of generation 1. */
static int measure(vb_wctx_t *ctx, vb_io_job_t *j, vb_io_lat_t *lat, vb_error_t *err)
{
	uint64_t i, off, t0, state = vb_io_rng_init(j->seed);
	int rc = 0;

	vb_wctx_begin(ctx);
	for (i = 0; i < j->count && rc == 0; i++) {
		off = vb_io_rng_offset(j, &state);
		vb_io_pattern_stamp(&j->pat, j->buf, (size_t)j->block, off / VB_IO_PBLOCK);
		t0 = vb_now_ns();
		rc = vb_io_pwrite_all(&j->file, j->buf, (size_t)j->block, off, err);
		vb_io_lat_add(lat, vb_now_ns() - t0);
	}
	vb_wctx_end(ctx);
	ctx->res->ops = lat->n;
	ctx->res->bytes = ctx->res->ops * j->block;
	return rc;
}

/*
 * Replay the offsets of the region and read back every stride-th one (and
 * the last): each must hold generation-1 data.  Returns the number checked
 * in *@checked.
 */
static int verify(vb_io_job_t *j, int corrupt, uint64_t *checked, vb_error_t *err)
{
	uint64_t i, off, state = vb_io_rng_init(j->seed);
	uint64_t stride = j->count > SAMPLE_OPS ? j->count / SAMPLE_OPS : 1;

	*checked = 0;
	for (i = 0; i < j->count; i++) {
		off = vb_io_rng_offset(j, &state);
		if (i % stride && i != j->count - 1)
			continue;
		if (vb_io_job_readback(j, off, (size_t)j->block, corrupt && *checked == 0, err) < 0)
			return -1;
		(*checked)++;
	}
	return 0;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	vb_io_job_t j;
	vb_io_lat_t lat = { 0 };
	uint64_t checked = 0;
	int rc;

	if (vb_io_job_setup(&j, ctx, "ops", 1, err) < 0)
		return -1;
	j.pat.gen = 1;
	vb_io_pattern_fill(&j.pat, j.buf, (size_t)j.block, 0);
	rc = vb_io_lat_init(&lat, (size_t)j.count, err);
	if (rc == 0)
		rc = measure(ctx, &j, &lat, err);
	if (rc == 0)
		rc = verify(&j, ctx->corrupt, &checked, err);
	if (rc == 0) {
		res->metric[0] = vb_io_per_s(res->ops, res->elapsed_ns);
		res->detail = vb_io_job_detail(&j);
		vb_io_lat_report(&lat, &res->metric[1], &res->metric[2], res->detail);
		json_object_set_new(res->detail, "verified_writes", json_integer((json_int_t)checked));
	}
	vb_io_lat_free(&lat);
	vb_io_job_teardown(&j);
	return rc;
}

const vb_workload_t vb_w_io_randwrite = {
	.name = "io.randwrite",
	.kind = VB_KIND_IO,
	.description = "random O_DIRECT overwrites at queue depth 1, IOPS and latency",
	.flags = VB_W_SCRATCH | VB_W_DIRECT,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "ops",
	.run = run,
};
