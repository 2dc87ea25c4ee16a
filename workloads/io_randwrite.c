/*
 * io_randwrite.c - placeholder for the io.randwrite workload (being written).
 */
#include "workload.h"

static const vb_metric_desc_t metrics[] = {
	{ "placeholder", "count", VB_HIGHER_IS_BETTER, "not implemented yet" },
};

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	return vb_error_set(err, VB_EUNAVAIL, 0, "io.randwrite is not implemented yet");
}

const vb_workload_t vb_w_io_randwrite = {
	.name = "io.randwrite",
	.kind = VB_KIND_IO,
	.description = "placeholder",
	.metrics = metrics,
	.nmetrics = 1,
	.run = run,
};
