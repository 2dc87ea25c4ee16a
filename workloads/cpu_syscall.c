/*
 * cpu_syscall.c - cpu.syscall: the cost of entering and leaving the kernel.
 *
 * Calls getppid(2) `iters` times through syscall(SYS_getppid), so neither
 * glibc nor the vDSO can answer from a cache: every call is a real user ->
 * kernel -> user transition doing almost no work inside.  On bare metal this
 * is the raw system-call path (including speculation mitigations); in a
 * hardware-assisted VM it should stay close to native because a system call
 * does not exit to the hypervisor, while paravirtual or emulated guests (PVM,
 * TCG) pay heavily here.  Every returned value is compared with the parent
 * pid read before the loop.
 */
#include "workloads/workload.h"

#include <sys/syscall.h>
#include <unistd.h>

#include "lib/util.h"

static const vb_param_desc_t params[] = {
	{ "iters", VB_P_U64, "1000000", 1, 1000000000000ull,
	  "getppid system calls in the measured loop (count)" },
};

static const vb_metric_desc_t metrics[] = {
	{ "ns_per_call", "ns", VB_LOWER_IS_BETTER, "nanoseconds per getppid system call" },
	{ "mcalls_per_s", "Mcall/s", VB_HIGHER_IS_BETTER, "million system calls per second" },
};

/*
 * Call getppid @iters times.  Returns how many calls did not return @want;
 * the last call's value goes to @last.
 */
static __attribute__((noinline)) uint64_t call_loop(uint64_t iters, long want, long *last)
{
	uint64_t i, bad = 0;
	long r = want;

	for (i = 0; i < iters; i++) {
		r = syscall(SYS_getppid);
		bad += r != want;
	}
	*last = r;
	return bad;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	uint64_t iters = vb_param_u64(ctx->params, "iters");
	long want = (long)getppid(), last;
	uint64_t bad;
	double ns;

	vb_wctx_begin(ctx);
	bad = call_loop(iters, want, &last);
	vb_wctx_end(ctx);

	if (ctx->corrupt)
		last ^= 1;
	if (bad || last != want)
		return vb_error_set(err, VB_ECHECK, 0,
				    "%llu of %llu getppid calls returned a wrong pid (last %ld, expected %ld)",
				    (unsigned long long)bad, (unsigned long long)iters, last, want);

	ns = res->elapsed_ns ? (double)res->elapsed_ns : 1.0;
	res->ops = iters;
	res->bytes = 0;
	res->metric[0] = ns / (double)iters;
	res->metric[1] = (double)iters * 1e3 / ns;
	return 0;
}

const vb_workload_t vb_w_cpu_syscall = {
	.name = "cpu.syscall",
	.kind = VB_KIND_CPU,
	.description = "system call round trip: getppid via syscall(2), no libc cache",
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "iters",
	.run = run,
};
