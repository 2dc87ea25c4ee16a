/*
 * io_seqread.c - io.seqread: streaming read throughput of the scratch
 * filesystem, in MB/s.
 *
 * The file is written, synced and dropped from the page cache before the
 * measured region; inside it the whole file is read front to back with
 * O_DIRECT reads of `block` bytes, `passes` times, so every byte comes from
 * the (virtual) disk, never from the guest's page cache.  Every 4 KiB block
 * read has its header (block index and seed-derived tag) checked as it
 * arrives - one cache line per 4 KiB, so the check costs little inside the
 * region - and the last buffer is checked word by word afterwards.
 */
#include "lib/util.h"
#include "workloads/io_common.h"

static const vb_param_desc_t params[] = {
	VB_IO_P_FILE_BYTES("64M", 1ull << 20),
	VB_IO_P_BLOCK("1M"),
	{ "passes", VB_P_U64, "2", 1, 1000000, "times the whole file is read (count)" },
	VB_IO_P_SEED,
};

static const vb_metric_desc_t metrics[] = {
	{ "mbps", "MB/s", VB_HIGHER_IS_BETTER, "bytes read per second (10^6 B/s)" },
};

/* Read the whole file once, checking each block's header; count reads. */
static int read_pass(vb_io_job_t *j, int corrupt, uint64_t *ops, vb_error_t *err)
{
	uint64_t off;

	for (off = 0; off < j->file_bytes; off += j->block) {
		if (vb_io_pread_all(&j->file, j->buf, (size_t)j->block, off, err) < 0)
			return -1;
		if (corrupt && *ops == 0)
			vb_io_falsify(j->buf);
		if (vb_io_pattern_verify(&j->pat, j->buf, (size_t)j->block, off / VB_IO_PBLOCK, 0,
					 "read", err) < 0)
			return -1;
		(*ops)++;
	}
	return 0;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	vb_io_job_t j;
	uint64_t pass, last;
	int rc = 0;

	if (vb_io_job_setup(&j, ctx, "passes", 1, err) < 0)
		return -1;
	vb_wctx_begin(ctx);
	for (pass = 0; pass < j.count && rc == 0; pass++)
		rc = read_pass(&j, ctx->corrupt, &res->ops, err);
	vb_wctx_end(ctx);
	res->bytes = res->ops * j.block;
	last = (j.file_bytes - j.block) / VB_IO_PBLOCK;
	if (rc == 0)
		rc = vb_io_pattern_verify(&j.pat, j.buf, (size_t)j.block, last, 1, "last block read",
					  err);
	if (rc == 0) {
		res->metric[0] = vb_io_per_s(res->bytes, res->elapsed_ns) / 1e6;
		res->detail = vb_io_job_detail(&j);
		json_object_set_new(res->detail, "passes", json_integer((json_int_t)j.count));
	}
	vb_io_job_teardown(&j);
	return rc;
}

const vb_workload_t vb_w_io_seqread = {
	.name = "io.seqread",
	.kind = VB_KIND_IO,
	.description = "sequential O_DIRECT reads of an uncached file, MB/s",
	.flags = VB_W_SCRATCH | VB_W_DIRECT,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "passes",
	.run = run,
};
