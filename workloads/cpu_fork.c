/*
 * cpu_fork.c - placeholder for the cpu.fork workload (being written).
 */
#include "workload.h"

static const vb_metric_desc_t metrics[] = {
	{ "placeholder", "count", VB_HIGHER_IS_BETTER, "not implemented yet" },
};

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	return vb_error_set(err, VB_EUNAVAIL, 0, "cpu.fork is not implemented yet");
}

const vb_workload_t vb_w_cpu_fork = {
	.name = "cpu.fork",
	.kind = VB_KIND_CPU,
	.description = "placeholder",
	.metrics = metrics,
	.nmetrics = 1,
	.run = run,
};
