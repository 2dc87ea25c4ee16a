/*
 * mem_latency.c - placeholder for the mem.latency workload (being written).
 */
#include "workload.h"

static const vb_metric_desc_t metrics[] = {
	{ "placeholder", "count", VB_HIGHER_IS_BETTER, "not implemented yet" },
};

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	return vb_error_set(err, VB_EUNAVAIL, 0, "mem.latency is not implemented yet");
}

const vb_workload_t vb_w_mem_latency = {
	.name = "mem.latency",
	.kind = VB_KIND_MEM,
	.description = "placeholder",
	.metrics = metrics,
	.nmetrics = 1,
	.run = run,
};
