/*
 * cpu_int.c - cpu.int: an integer kernel with a known answer.
 *
 * One pass is a sieve of Eratosthenes over the integers below 10^6, kept as
 * one byte per odd number (500 KB, so it lives in L2/L3), followed by a scan
 * that counts the primes, adds them up and clears the array for the next
 * pass.  The work is integer stores, loads, adds and data-dependent branches
 * and never enters the kernel, so a sanely configured virtual machine should
 * run it at native speed; a gap points at CPU steal, frequency or cache
 * sharing rather than at the hypervisor's exit path.  The answer is known
 * (pi(10^6) = 78498 and the primes below 10^6 add up to 37550402023), so
 * every pass is checked, not just the last one.  No libc call sits in the
 * measured path, so the code executed is the same baseline-x86-64 code in
 * every environment.
 */
#include "workloads/workload.h"

#include <errno.h>
#include <stdlib.h>

#include "lib/util.h"

#define SIEVE_N 1000000u          /* sieve the integers below this */
#define SIEVE_ODDS (SIEVE_N / 2)  /* array slot i stands for 2i + 1 */
#define SIEVE_PI 78498u           /* primes below SIEVE_N */
#define SIEVE_SUM 37550402023ull  /* their sum */

static const vb_param_desc_t params[] = {
	{ "iters", VB_P_U64, "100", 1, 1000000000,
	  "sieve passes over the integers below 10^6 (count)" },
};

static const vb_metric_desc_t metrics[] = {
	{ "mops", "Mop/s", VB_HIGHER_IS_BETTER,
	  "million integers sieved per second (one op = one integer below 10^6 in one pass)" },
	{ "us_per_pass", "us", VB_LOWER_IS_BETTER,
	  "microseconds per full sieve pass, count and sum included" },
};

struct sieve_answer {
	uint64_t count; /* primes found below SIEVE_N */
	uint64_t sum;   /* their sum */
};

/*
 * One sieve pass over @comp (SIEVE_ODDS bytes, all zero on entry).  Crosses
 * out odd composites, then counts and sums the primes into @a while setting
 * every byte back to zero, so the array is ready for the next pass without a
 * separate clear.  Kept out of line so the compiler cannot merge passes.
 */
static __attribute__((noinline)) void sieve_pass(uint8_t *comp, struct sieve_answer *a)
{
	uint64_t count = 1, sum = 2; /* 2, the only even prime */
	uint32_t i, j, p;

	for (i = 1; (2 * i + 1) * (2 * i + 1) < SIEVE_N; i++) {
		if (comp[i])
			continue;
		p = 2 * i + 1;
		for (j = p * p / 2; j < SIEVE_ODDS; j += p)
			comp[j] = 1;
	}
	for (i = 1; i < SIEVE_ODDS; i++) { /* slot 0 is the number 1 */
		if (!comp[i]) {
			count++;
			sum += 2 * i + 1;
		}
		comp[i] = 0;
	}
	a->count = count;
	a->sum = sum;
}

static int answer_ok(const struct sieve_answer *a)
{
	return a->count == SIEVE_PI && a->sum == SIEVE_SUM;
}

/*
 * Run @iters passes over @comp.  Returns the number of passes whose answer
 * was wrong; the last pass's answer goes to @last.
 */
static uint64_t sieve_loop(uint8_t *comp, uint64_t iters, struct sieve_answer *last)
{
	struct sieve_answer a = { 0, 0 };
	uint64_t k, bad = 0;

	for (k = 0; k < iters; k++) {
		sieve_pass(comp, &a);
		bad += !answer_ok(&a);
	}
	*last = a;
	return bad;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	uint64_t iters = vb_param_u64(ctx->params, "iters");
	struct sieve_answer last;
	double ns;
	uint64_t bad;
	uint8_t *comp;

	comp = calloc(SIEVE_ODDS, 1);
	if (!comp)
		return vb_error_set(err, VB_ERESOURCE, errno, "allocate %u-byte sieve", SIEVE_ODDS);

	vb_wctx_begin(ctx);
	bad = sieve_loop(comp, iters, &last);
	vb_wctx_end(ctx);
	free(comp);

	if (ctx->corrupt)
		last.count++;
	if (bad || !answer_ok(&last))
		return vb_error_set(err, VB_ECHECK, 0,
				    "%llu of %llu passes wrong; last pass found %llu primes summing to %llu, expected %u summing to %llu",
				    (unsigned long long)bad, (unsigned long long)iters,
				    (unsigned long long)last.count, (unsigned long long)last.sum,
				    SIEVE_PI, SIEVE_SUM);

	ns = res->elapsed_ns ? (double)res->elapsed_ns : 1.0;
	res->ops = iters * SIEVE_N;
	res->bytes = 0;
	res->metric[0] = (double)res->ops * 1e3 / ns;
	res->metric[1] = ns / 1e3 / (double)iters;
	res->detail = json_pack("{s:I, s:I, s:I}", "limit", (json_int_t)SIEVE_N, "primes",
				(json_int_t)last.count, "prime_sum", (json_int_t)last.sum);
	return 0;
}

const vb_workload_t vb_w_cpu_int = {
	.name = "cpu.int",
	.kind = VB_KIND_CPU,
	.description = "integer kernel: sieve of Eratosthenes below 10^6, checked against pi(10^6)",
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "iters",
	.run = run,
};
