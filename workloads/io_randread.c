/*
 * io_randread.c - io.randread: small random reads at queue depth 1, as IOPS
 * and per-operation latency percentiles.
 *
 * The file is written, synced and dropped from the page cache before the
 * measured region; inside it `ops` O_DIRECT preads of `block` bytes go to
 * block-aligned offsets drawn from a PRNG seeded with `seed`, one at a time.
 * Each read is timed alone with clock_gettime(CLOCK_MONOTONIC); all
 * latencies are kept and sorted for the percentiles.  The header of every
 * 4 KiB block read is checked against the data pattern (outside the timed
 * read, inside the region: a few nanoseconds against tens of microseconds).
 */
#include "lib/util.h"
#include "workloads/io_common.h"

static const vb_param_desc_t params[] = {
	VB_IO_P_FILE_BYTES("64M", 1ull << 20),
	VB_IO_P_BLOCK("4K"),
	{ "ops", VB_P_U64, "4000", 1, 10000000, "random reads done (count)" },
	VB_IO_P_SEED,
};

static const vb_metric_desc_t metrics[] = {
	VB_IO_M_IOPS,
	VB_IO_M_P50,
	VB_IO_M_P99,
};

/* The measured region: j->count timed random reads, each checked. */
static int measure(vb_wctx_t *ctx, vb_io_job_t *j, vb_io_lat_t *lat, vb_error_t *err)
{
	uint64_t i, off, t0, state = vb_io_rng_init(j->seed);
	int rc = 0;

	vb_wctx_begin(ctx);
	for (i = 0; i < j->count && rc == 0; i++) {
		off = vb_io_rng_offset(j, &state);
		t0 = vb_now_ns();
		rc = vb_io_pread_all(&j->file, j->buf, (size_t)j->block, off, err);
		vb_io_lat_add(lat, vb_now_ns() - t0);
		if (rc < 0)
			break;
		if (ctx->corrupt && i == 0)
			vb_io_falsify(j->buf);
		rc = vb_io_pattern_verify(&j->pat, j->buf, (size_t)j->block, off / VB_IO_PBLOCK, 0,
					  "random read", err);
	}
	vb_wctx_end(ctx);
	ctx->res->ops = lat->n;
	ctx->res->bytes = lat->n * j->block;
	return rc;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	vb_io_job_t j;
	vb_io_lat_t lat = { 0 };
	int rc;

	if (vb_io_job_setup(&j, ctx, "ops", 1, err) < 0)
		return -1;
	rc = vb_io_lat_init(&lat, (size_t)j.count, err);
	if (rc == 0)
		rc = measure(ctx, &j, &lat, err);
	if (rc == 0) {
		res->metric[0] = vb_io_per_s(res->ops, res->elapsed_ns);
		res->detail = vb_io_job_detail(&j);
		vb_io_lat_report(&lat, &res->metric[1], &res->metric[2], res->detail);
	}
	vb_io_lat_free(&lat);
	vb_io_job_teardown(&j);
	return rc;
}

const vb_workload_t vb_w_io_randread = {
	.name = "io.randread",
	.kind = VB_KIND_IO,
	.description = "random O_DIRECT reads at queue depth 1, IOPS and latency",
	.flags = VB_W_SCRATCH | VB_W_DIRECT,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "ops",
	.run = run,
};
