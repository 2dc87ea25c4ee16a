/*
 * cpu_ctxswitch.c - cpu.ctxswitch: process context switches over a pipe.
 *
 * The classic ping-pong (lmbench lat_ctx, perf bench sched pipe): the agent
 * forks an echo child connected by two pipes, then `iters` times writes one
 * byte (the round-trip counter mod 256) and blocks until the child answers
 * with that byte's complement.  With pin=1 (default) both processes are
 * pinned to the CPU the agent is running on, so each round trip is two
 * context switches on one CPU plus four pipe system calls, and the result
 * does not depend on where the scheduler puts the child; with pin=0 the
 * processes may run on different CPUs and a round trip measures cross-CPU
 * wake-ups instead (interrupts between vCPUs in a VM).
 *
 * The child is started and has answered a "ready" byte before the measured
 * region begins; it exits 0 when it reads end-of-file.  Every echo is
 * checked, and the child must exit 0.  Whatever happens, the child is reaped
 * before run() returns (killed first on error paths), and SIGPIPE is blocked
 * while the pipes are open so a dead peer shows up as EPIPE, not as death of
 * the agent.  The agent's CPU affinity and signal mask are restored.
 */
#include "workloads/workload.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"

#define PP_READY 0x52 /* first byte the child sends: it is running */

static const vb_param_desc_t params[] = {
	{ "iters", VB_P_U64, "30000", 1, 1000000000000ull, "ping-pong round trips (count)" },
	{ "pin", VB_P_U64, "1", 0, 1,
	  "1: pin both processes to the agent's current CPU, 0: let the scheduler place them (flag)" },
};

static const vb_metric_desc_t metrics[] = {
	{ "us_per_roundtrip", "us", VB_LOWER_IS_BETTER,
	  "microseconds per round trip (two context switches when pinned)" },
	{ "roundtrips_per_s", "1/s", VB_HIGHER_IS_BETTER, "round trips per second" },
};

struct pingpong {
	int down[2]; /* agent -> child: the agent writes [1], the child reads [0] */
	int up[2];   /* child -> agent: the child writes [1], the agent reads [0] */
	pid_t pid;   /* echo child, 0 when none */
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Read one byte, retrying on EINTR.  Returns 1, 0 at end-of-file, or -1. */
static int read1(int fd, unsigned char *b)
{
	ssize_t r;

	do
		r = read(fd, b, 1);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : (int)r;
}

/* Write one byte, retrying on EINTR.  Returns 0 or -1 (errno set). */
static int write1(int fd, unsigned char b)
{
	ssize_t r;

	do
		r = write(fd, &b, 1);
	while (r < 0 && errno == EINTR);
	if (r == 1)
		return 0;
	if (r == 0)
		errno = EIO;
	return -1;
}

/*
 * Body of the echo child; never returns.  Answers every byte with its
 * complement; exits 0 at end-of-file, 2 on a read error, 3 on a write error.
 */
static __attribute__((noreturn)) void child_main(struct pingpong *pp)
{
	unsigned char b;
	int r;

	close_fd(&pp->down[1]);
	close_fd(&pp->up[0]);
	if (write1(pp->up[1], PP_READY) < 0)
		_exit(3);
	for (;;) {
		r = read1(pp->down[0], &b);
		if (r == 0)
			_exit(0);
		if (r < 0)
			_exit(2);
		if (write1(pp->up[1], (unsigned char)~b) < 0)
			_exit(3);
	}
}

/*
 * Close our pipe ends and reap the child.  With @kill_first the child is sent
 * SIGKILL first (error paths); otherwise closing the write end makes it exit.
 * Returns the child's wait status, or -1 if there was no child or waitpid
 * failed (nothing can be left behind either way).
 */
static int stop_child(struct pingpong *pp, int kill_first)
{
	int status = -1;

	if (pp->pid > 0 && kill_first)
		kill(pp->pid, SIGKILL);
	close_fd(&pp->down[1]);
	close_fd(&pp->up[0]);
	close_fd(&pp->down[0]);
	close_fd(&pp->up[1]);
	if (pp->pid > 0)
		while (waitpid(pp->pid, &status, 0) < 0 && errno == EINTR)
			;
	pp->pid = 0;
	return status;
}

/*
 * Create the pipes, fork the echo child and wait for its ready byte.
 * Returns 0, or -1 with @err set and nothing left open or running.
 */
static int start_child(struct pingpong *pp, vb_error_t *err)
{
	unsigned char b = 0;
	int r;

	pp->pid = 0;
	pp->down[0] = pp->down[1] = pp->up[0] = pp->up[1] = -1;
	if (pipe2(pp->down, O_CLOEXEC) < 0 || pipe2(pp->up, O_CLOEXEC) < 0) {
		vb_error_sys(err, "create ping-pong pipes");
		stop_child(pp, 0);
		return -1;
	}
	pp->pid = fork();
	if (pp->pid < 0) {
		vb_error_set(err, errno == EAGAIN ? VB_ERESOURCE : VB_ESYS, errno,
			     "fork echo child");
		pp->pid = 0;
		stop_child(pp, 0);
		return -1;
	}
	if (pp->pid == 0)
		child_main(pp);
	close_fd(&pp->down[0]);
	close_fd(&pp->up[1]);
	r = read1(pp->up[0], &b);
	if (r != 1 || b != PP_READY) {
		vb_error_set(err, VB_ESYS, r < 0 ? errno : 0, "echo child %d did not start",
			     (int)pp->pid);
		stop_child(pp, 1);
		return -1;
	}
	return 0;
}

/*
 * The measured loop: @iters round trips.  Counts wrong echoes in *@bad and
 * stores the last echo in *@last.  Returns 0, or -1 with @err set if a pipe
 * failed or the child went away.
 */
static int pingpong_loop(struct pingpong *pp, uint64_t iters, uint64_t *bad, unsigned char *last,
			 vb_error_t *err)
{
	unsigned char b = 0;
	uint64_t i;
	int r;

	*bad = 0;
	for (i = 0; i < iters; i++) {
		if (write1(pp->down[1], (unsigned char)i) < 0)
			return vb_error_sys(err, "round trip %llu: write to echo child",
					    (unsigned long long)i);
		r = read1(pp->up[0], &b);
		if (r != 1)
			return vb_error_set(err, VB_ESYS, r < 0 ? errno : 0,
					    "round trip %llu: read from echo child%s",
					    (unsigned long long)i, r == 0 ? ": end of file" : "");
		*bad += b != (unsigned char)~i;
	}
	*last = b;
	return 0;
}

/*
 * Pin the calling process to the CPU it is running on; its old mask goes to
 * @old.  Returns that CPU, or -1 with @err set (VB_EUNAVAIL: run with pin=0).
 */
static int pin_here(cpu_set_t *old, vb_error_t *err)
{
	cpu_set_t one;
	int cpu;

	if (sched_getaffinity(0, sizeof(*old), old) < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno, "read CPU affinity (use pin=0)");
	cpu = sched_getcpu();
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return vb_error_set(err, VB_EUNAVAIL, errno, "find the current CPU (use pin=0)");
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno, "pin to CPU %d (use pin=0)", cpu);
	return cpu;
}

/*
 * Block SIGPIPE for the calling thread, saving the old mask in @old, so a
 * write to a pipe whose reader died fails with EPIPE.
 */
static void sigpipe_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Undo sigpipe_block(), discarding a SIGPIPE raised while it was blocked. */
static void sigpipe_restore(const sigset_t *old)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	if (!sigismember(old, SIGPIPE)) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		while (sigtimedwait(&set, NULL, &zero) == SIGPIPE)
			;
	}
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/*
 * Everything between pinning and unpinning: start the child, run the
 * measured loop, stop the child and check the echoes and its exit status.
 */
static int measure(vb_wctx_t *ctx, uint64_t iters, vb_error_t *err)
{
	struct pingpong pp;
	unsigned char last = 0;
	uint64_t bad = 0;
	int rc, status;

	if (start_child(&pp, err) < 0)
		return -1;
	vb_wctx_begin(ctx);
	rc = pingpong_loop(&pp, iters, &bad, &last, err);
	vb_wctx_end(ctx);
	status = stop_child(&pp, rc < 0);
	if (rc < 0)
		return -1;
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return vb_error_set(err, VB_ECHECK, 0, "echo child ended with wait status %d",
				    status);
	if (ctx->corrupt)
		last ^= 1;
	if (bad || last != (unsigned char)~(iters - 1))
		return vb_error_set(err, VB_ECHECK, 0,
				    "%llu of %llu echoes wrong (last 0x%02x, expected 0x%02x)",
				    (unsigned long long)bad, (unsigned long long)iters, last,
				    (unsigned char)~(iters - 1));
	return 0;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	uint64_t iters = vb_param_u64(ctx->params, "iters");
	int pin = vb_param_u64(ctx->params, "pin") != 0, cpu = -1, rc;
	cpu_set_t old_cpus;
	sigset_t old_sigs;
	double ns;

	if (pin && (cpu = pin_here(&old_cpus, err)) < 0)
		return -1;
	sigpipe_block(&old_sigs);
	rc = measure(ctx, iters, err);
	sigpipe_restore(&old_sigs);
	if (pin)
		sched_setaffinity(0, sizeof(old_cpus), &old_cpus);
	if (rc < 0)
		return -1;

	ns = res->elapsed_ns ? (double)res->elapsed_ns : 1.0;
	res->ops = iters;
	res->bytes = 0;
	res->metric[0] = ns / 1e3 / (double)iters;
	res->metric[1] = (double)iters * 1e9 / ns;
	res->detail = json_pack("{s:b, s:i}", "pinned", pin, "cpu", cpu);
	return 0;
}

const vb_workload_t vb_w_cpu_ctxswitch = {
	.name = "cpu.ctxswitch",
	.kind = VB_KIND_CPU,
	.description = "context switches: one-byte pipe ping-pong with a forked echo child",
	.flags = VB_W_FORKS,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "iters",
	.run = run,
};
