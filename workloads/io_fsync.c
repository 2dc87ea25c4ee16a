/*
 * io_fsync.c - io.fsync: the cost of making one small write durable, as
 * latency percentiles and operations per second.
 *
 * This is what a database commit or a log append costs: one buffered
 * write() of `block` bytes followed by fsync(), which has to push the data
 * and the inode's metadata (mtime) through the filesystem journal and ask
 * the (virtual) disk to flush its cache.  The file of `file_bytes` is laid
 * out (written, synced) before the measured region; the `ops` operations
 * overwrite its blocks in order, cycling back to the start, so the file
 * size stays fixed however long the run.  One operation is the write+fsync
 * pair, timed together with clock_gettime(CLOCK_MONOTONIC).  The writes
 * carry pattern generation 1; afterwards the page cache is dropped and the
 * last blocks written are read back from the disk and checked.
 */
#include <errno.h>
#include <unistd.h>

#include "lib/util.h"
#include "workloads/io_common.h"

#define CHECK_LAST 16 /* last operations whose blocks are read back */

static const vb_param_desc_t params[] = {
	VB_IO_P_FILE_BYTES("1M", VB_IO_ALIGN),
	VB_IO_P_BLOCK("4K"),
	{ "ops", VB_P_U64, "1000", 1, 10000000, "write+fsync pairs done (count)" },
	VB_IO_P_SEED,
};

static const vb_metric_desc_t metrics[] = {
	{ "p50_us", "us", VB_LOWER_IS_BETTER, "median latency of one write+fsync" },
	{ "p99_us", "us", VB_LOWER_IS_BETTER, "99th-percentile latency of one write+fsync" },
	{ "ops_per_s", "ops/s", VB_HIGHER_IS_BETTER,
	  "write+fsync pairs completed per second of the measured region" },
};

/* Offset written by operation @i: the blocks in order, cycling. */
static uint64_t op_offset(const vb_io_job_t *j, uint64_t i)
{
	return (i % j->nblocks) * j->block;
}

/* One timed operation: write the block at @off, then fsync. */
static int write_fsync(vb_io_job_t *j, uint64_t off, vb_io_lat_t *lat, vb_error_t *err)
{
	uint64_t t0 = vb_now_ns();

	if (vb_io_pwrite_all(&j->file, j->buf, (size_t)j->block, off, err) < 0)
		return -1;
	if (fsync(j->file.fd) < 0)
		return vb_error_sys(err, "fsync %s", j->file.path);
	vb_io_lat_add(lat, vb_now_ns() - t0);
	return 0;
}

/* The measured region: j->count write+fsync pairs of generation 1. */
static int measure(vb_wctx_t *ctx, vb_io_job_t *j, vb_io_lat_t *lat, vb_error_t *err)
{
	uint64_t i, off;
	int rc = 0;

	vb_wctx_begin(ctx);
	for (i = 0; i < j->count && rc == 0; i++) {
		off = op_offset(j, i);
		vb_io_pattern_stamp(&j->pat, j->buf, (size_t)j->block, off / VB_IO_PBLOCK);
		rc = write_fsync(j, off, lat, err);
	}
	vb_wctx_end(ctx);
	ctx->res->ops = lat->n;
	ctx->res->bytes = lat->n * j->block;
	return rc;
}

/* Drop the cache, then read back the blocks of the last CHECK_LAST operations. */
static int verify(vb_io_job_t *j, int corrupt, vb_error_t *err)
{
	uint64_t k, n = j->count < CHECK_LAST ? j->count : CHECK_LAST;

	if (n > j->nblocks)
		n = j->nblocks;
	if (vb_io_drop_cache(&j->file, err) < 0)
		return -1;
	for (k = 0; k < n; k++)
		if (vb_io_job_readback(j, op_offset(j, j->count - 1 - k), (size_t)j->block,
				       corrupt && k == 0, err) < 0)
			return -1;
	return 0;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	vb_io_job_t j;
	vb_io_lat_t lat = { 0 };
	int rc;

	if (vb_io_job_setup(&j, ctx, "ops", 0, err) < 0)
		return -1;
	j.pat.gen = 1;
	vb_io_pattern_fill(&j.pat, j.buf, (size_t)j.block, 0);
	rc = vb_io_lat_init(&lat, (size_t)j.count, err);
	if (rc == 0)
		rc = measure(ctx, &j, &lat, err);
	if (rc == 0)
		rc = verify(&j, ctx->corrupt, err);
	if (rc == 0) {
		res->metric[2] = vb_io_per_s(res->ops, res->elapsed_ns);
		res->detail = vb_io_job_detail(&j);
		vb_io_lat_report(&lat, &res->metric[0], &res->metric[1], res->detail);
	}
	vb_io_lat_free(&lat);
	vb_io_job_teardown(&j);
	return rc;
}

const vb_workload_t vb_w_io_fsync = {
	.name = "io.fsync",
	.kind = VB_KIND_IO,
	.description = "write of a small block plus fsync, latency and ops/s",
	.flags = VB_W_SCRATCH,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "ops",
	.run = run,
};
