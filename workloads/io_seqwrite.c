/*
 * io_seqwrite.c - io.seqwrite: streaming write throughput of the scratch
 * filesystem, in MB/s.
 *
 * The file is laid out (fully written, synced) before the measured region,
 * so every pass is the same overwrite and the work grows linearly with
 * `passes`.  Inside the region the whole file is written front to back with
 * O_DIRECT writes of `block` bytes, `passes` times, and ended by one
 * fdatasync, so the rate includes getting the data to stable storage (as far
 * as the disk - virtual or not - honours flushes).  Each pass writes a new
 * generation of the data pattern; afterwards a sample of pattern blocks is
 * read back and checked against the last generation, which proves the last
 * pass landed.
 */
#include <errno.h>
#include <unistd.h>

#include "lib/util.h"
#include "workloads/io_common.h"

#define SAMPLE_BLOCKS 64 /* 4 KiB pattern blocks read back after the run */

static const vb_param_desc_t params[] = {
	VB_IO_P_FILE_BYTES("64M", 1ull << 20),
	VB_IO_P_BLOCK("1M"),
	{ "passes", VB_P_U64, "4", 1, 1000000, "times the whole file is written (count)" },
	VB_IO_P_SEED,
};

static const vb_metric_desc_t metrics[] = {
	{ "mbps", "MB/s", VB_HIGHER_IS_BETTER,
	  "bytes written per second including the final fdatasync (10^6 B/s)" },
};

/* Write the whole file once with pattern generation @gen; count writes. */
static int write_pass(vb_io_job_t *j, uint64_t gen, uint64_t *ops, vb_error_t *err)
{
	uint64_t off;

	j->pat.gen = gen;
	for (off = 0; off < j->file_bytes; off += j->block) {
		vb_io_pattern_stamp(&j->pat, j->buf, (size_t)j->block, off / VB_IO_PBLOCK);
		if (vb_io_pwrite_all(&j->file, j->buf, (size_t)j->block, off, err) < 0)
			return -1;
		(*ops)++;
	}
	return 0;
}

/* The measured region: all passes, then fdatasync (its time in *@sync_ns). */
static int measure(vb_wctx_t *ctx, vb_io_job_t *j, vb_wresult_t *res, uint64_t *sync_ns,
		   vb_error_t *err)
{
	uint64_t pass, t0;
	int rc = 0;

	vb_wctx_begin(ctx);
	for (pass = 1; pass <= j->count && rc == 0; pass++)
		rc = write_pass(j, pass, &res->ops, err);
	t0 = vb_now_ns();
	if (rc == 0 && fdatasync(j->file.fd) < 0)
		rc = vb_error_sys(err, "fdatasync %s", j->file.path);
	*sync_ns = vb_now_ns() - t0;
	vb_wctx_end(ctx);
	res->bytes = res->ops * j->block;
	return rc;
}

/* Read back SAMPLE_BLOCKS pattern blocks spread evenly, first and last included. */
static int verify(vb_io_job_t *j, int corrupt, vb_error_t *err)
{
	uint64_t nb = j->file_bytes / VB_IO_PBLOCK, n = nb < SAMPLE_BLOCKS ? nb : SAMPLE_BLOCKS;
	uint64_t k, idx;

	for (k = 0; k < n; k++) {
		idx = n > 1 ? k * (nb - 1) / (n - 1) : 0;
		if (vb_io_job_readback(j, idx * VB_IO_PBLOCK, VB_IO_PBLOCK, corrupt && k == 0,
				       err) < 0)
			return -1;
	}
	return 0;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	vb_io_job_t j;
	uint64_t sync_ns = 0;
	int rc;

	if (vb_io_job_setup(&j, ctx, "passes", 1, err) < 0)
		return -1;
	vb_io_pattern_fill(&j.pat, j.buf, (size_t)j.block, 0);
	rc = measure(ctx, &j, res, &sync_ns, err);
	if (rc == 0)
		rc = verify(&j, ctx->corrupt, err);
	if (rc == 0) {
		res->metric[0] = vb_io_per_s(res->bytes, res->elapsed_ns) / 1e6;
		res->detail = vb_io_job_detail(&j);
		json_object_set_new(res->detail, "passes", json_integer((json_int_t)j.count));
		json_object_set_new(res->detail, "fdatasync_us", json_real((double)sync_ns / 1e3));
	}
	vb_io_job_teardown(&j);
	return rc;
}

const vb_workload_t vb_w_io_seqwrite = {
	.name = "io.seqwrite",
	.kind = VB_KIND_IO,
	.description = "sequential O_DIRECT writes of a file plus fdatasync, MB/s",
	.flags = VB_W_SCRATCH | VB_W_DIRECT,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "passes",
	.run = run,
};
