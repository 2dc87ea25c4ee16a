/*
 * cpu_fork.c - cpu.fork: process creation and teardown.
 *
 * `iters` times: fork(2) a child that immediately calls _exit(i % 100), and
 * waitpid(2) for it.  One operation is the whole cycle: copying the agent's
 * page tables and process state, scheduling the child, tearing its address
 * space down, and reaping it.  That is heavy on page-table updates and TLB
 * work, which is where nested paging and shadow or paravirtual page tables
 * show their cost, so VMs usually pay more here than in the pure CPU
 * kernels.  The cost grows with the agent's mapped memory; the agent's
 * resident size is recorded in the detail for that reason.  Every child
 * must exit normally with its own code; nothing is left unreaped, not even
 * on error paths (each child is reaped before the next is forked).
 */
#include "workloads/workload.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"

#define FORK_CODES 100 /* child i exits with i % FORK_CODES */

static const vb_param_desc_t params[] = {
	{ "iters", VB_P_U64, "1000", 1, 1000000000ull,
	  "fork + _exit + waitpid cycles (count)" },
};

static const vb_metric_desc_t metrics[] = {
	{ "us_per_fork", "us", VB_LOWER_IS_BETTER,
	  "microseconds per fork, child exit and reap" },
	{ "forks_per_s", "1/s", VB_HIGHER_IS_BETTER, "fork-exit-wait cycles per second" },
};

/*
 * Fork a child that exits at once with @code, and reap it.  The child's exit
 * code goes to *@got (-1 if it did not exit normally).  Returns 0, or -1 with
 * @err set; in both cases no child is left behind.
 */
static int fork_one(int code, int *got, vb_error_t *err)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return vb_error_set(err, errno == EAGAIN || errno == ENOMEM ? VB_ERESOURCE : VB_ESYS,
				    errno, "fork child");
	if (pid == 0)
		_exit(code);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return vb_error_sys(err, "wait for child %d", (int)pid);
	*got = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return 0;
}

/*
 * The measured loop.  Counts children whose exit code was wrong in *@bad and
 * stores the last child's code in *@last.  Returns 0 or -1 with @err set.
 */
static int fork_loop(uint64_t iters, uint64_t *bad, int *last, vb_error_t *err)
{
	uint64_t i;
	int got = -1;

	*bad = 0;
	for (i = 0; i < iters; i++) {
		if (fork_one((int)(i % FORK_CODES), &got, err) < 0)
			return vb_error_prefix(err, "cycle %llu", (unsigned long long)i);
		*bad += got != (int)(i % FORK_CODES);
	}
	*last = got;
	return 0;
}

/* Resident set size of this process in KiB, or -1 if /proc is missing. */
static long long rss_kib(void)
{
	char *s = vb_read_file("/proc/self/statm", 4096, 1, NULL), *p, *end;
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long resident;
	long long kib = -1;

	if (!s)
		return -1;
	strtoull(s, &p, 10); /* first field: total size, not needed */
	resident = strtoull(p, &end, 10);
	if (end != p && page > 0)
		kib = (long long)(resident * (unsigned long long)page / 1024);
	free(s);
	return kib;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	uint64_t iters = vb_param_u64(ctx->params, "iters"), bad = 0;
	int last = -1, want = (int)((iters - 1) % FORK_CODES), rc;
	long long rss = rss_kib();
	double ns;

	vb_wctx_begin(ctx);
	rc = fork_loop(iters, &bad, &last, err);
	vb_wctx_end(ctx);
	if (rc < 0)
		return -1;

	if (ctx->corrupt)
		last++;
	if (bad || last != want)
		return vb_error_set(err, VB_ECHECK, 0,
				    "%llu of %llu children exited with a wrong code (last %d, expected %d)",
				    (unsigned long long)bad, (unsigned long long)iters, last, want);

	ns = res->elapsed_ns ? (double)res->elapsed_ns : 1.0;
	res->ops = iters;
	res->bytes = 0;
	res->metric[0] = ns / 1e3 / (double)iters;
	res->metric[1] = (double)iters * 1e9 / ns;
	res->detail = json_pack("{s:I}", "parent_rss_kib", (json_int_t)rss);
	return 0;
}

const vb_workload_t vb_w_cpu_fork = {
	.name = "cpu.fork",
	.kind = VB_KIND_CPU,
	.description = "process creation: fork, child _exit, waitpid",
	.flags = VB_W_FORKS,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "iters",
	.run = run,
};
