/*
 * fuzz_runjson.c - run.json as `vbench report`, `compare`, `explain` and
 * `plan` read it: load (harness/core/runfile.c), check and merge
 * (summary_input.c), compute the summary (summary.c, stats.c) and print it
 * in every format (report*.c), explain it (explain*.c), compare it with
 * itself (compare.c, report_compare.c) and plan examples/consolidate.ini on
 * it (plan*.c).
 *
 * Input: the bytes of a run.json, read from a memfd through its
 * /proc/self/fd path (the loader takes a path).  A refused document must
 * give one non-empty line naming the file; an accepted one must go through
 * every later stage.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/analysis/compare.h"
#include "harness/analysis/explain.h"
#include "harness/analysis/plan.h"
#include "harness/output/table.h"
#include "harness/core/runfile.h"
#include "harness/analysis/summary.h"
#include "fuzz/fuzz.h"

/* examples/consolidate.ini, parsed once (NULL when not found). */
static const vb_plan_input_t *example_plan(void)
{
	static vb_plan_input_t in;
	static int state; /* 0 untried, 1 parsed, -1 failed */
	const char *src = getenv("VBENCH_SRCDIR");
	char path[4096];
	vb_error_t err;

	if (!state) {
		snprintf(path, sizeof(path), "%s/examples/consolidate.ini",
			 src && *src ? src : ".");
		state = vb_plan_parse(path, NULL, &in, &err) == 0 ? 1 : -1;
		if (state < 0)
			fprintf(stderr, "fuzz: no example plan (%s): skipped\n", err.msg);
	}
	return state > 0 ? &in : NULL;
}

static void plan_on(const json_t *run, const json_t *sum)
{
	static vb_plan_input_t in;
	vb_plan_env_t envs[VB_PLAN_MAX_ENVS];
	vb_plan_opts_t o;
	vb_error_t err;
	json_t *doc;
	size_t n;

	if (!example_plan())
		return;
	in = *example_plan();
	in.host.cap[VB_RES_CPU] = 16;
	in.host.cap[VB_RES_MEM] = 64.0 * (1ull << 30);
	in.host.cap[VB_RES_DISK] = 1024.0 * (1ull << 30);
	vb_plan_opts_init(&o);
	vb_error_clear(&err);
	if (vb_plan_resolve(&in, sum, "/nonexistent-vbench-fuzz", &err) < 0 ||
	    vb_plan_check(&in, &o, &err) < 0) {
		vb_fuzz_check_error(&err);
		return;
	}
	n = vb_plan_envs(run, sum, &o, envs);
	vb_plan_env_services(&in, sum, &o, envs, n);
	VB_FUZZ_ASSERT(n <= VB_PLAN_MAX_ENVS, "too many environments");
	doc = vb_plan_build(&in, &o, envs, n, "fuzz", run);
	VB_FUZZ_ASSERT(doc, "no plan document");
	vb_plan_print_table(doc, vb_fuzz_null());
	json_decref(doc);
}

static void compare_self(const json_t *run)
{
	vb_compare_cfg_t cfg;
	vb_error_t err;
	json_t *cmp, *reg;

	vb_compare_cfg_init(&cfg);
	cfg.resamples = VB_FUZZ_RESAMPLES;
	cfg.all_metrics = 1; /* every metric's row, as the old comparison made */
	vb_error_clear(&err);
	cmp = vb_compare_build(run, "a", run, "b", &cfg, &err);
	VB_FUZZ_ASSERT(cmp, "a checked run cannot be compared");
	reg = vb_compare_regressions(cmp, 5);
	vb_compare_print(cmp, vb_fuzz_null());
	vb_compare_md(cmp, vb_fuzz_null());
	json_decref(reg);
	json_decref(cmp);
}

/* Everything after a successful load. */
static void consume(json_t *run, const char *path)
{
	const char *paths[1] = { path };
	json_t *merged, *sum, *ex;
	vb_summary_cfg_t cfg;
	vb_error_t err;

	vb_error_clear(&err);
	merged = vb_summary_merge(&run, paths, 1, &err);
	if (!merged) {
		vb_fuzz_check_error(&err);
		VB_FUZZ_ASSERT(!strncmp(err.msg, path, strlen(path)),
			       "a run.json error does not name the file");
		return;
	}
	vb_summary_cfg_init(&cfg);
	cfg.resamples = VB_FUZZ_RESAMPLES;
	sum = vb_summary_build(merged, &cfg, &err);
	VB_FUZZ_ASSERT(sum, "a checked run has no summary");
	vb_table_print(sum, vb_fuzz_null());
	vb_report_csv(sum, vb_fuzz_null());
	vb_report_md(sum, vb_fuzz_null());
	vb_report_html(sum, NULL, NULL, vb_fuzz_null());
	ex = vb_explain_build(run, sum, "fuzz");
	VB_FUZZ_ASSERT(ex, "a checked run has no explanation");
	vb_explain_md(ex, vb_fuzz_null());
	json_decref(ex);
	compare_self(run);
	plan_on(run, sum);
	json_decref(sum);
	json_decref(merged);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	vb_error_t err;
	json_t *run;
	int fd;

	fd = memfd_create("run.json", MFD_CLOEXEC);
	VB_FUZZ_ASSERT(fd >= 0, "memfd_create");
	VB_FUZZ_ASSERT(write(fd, data, size) == (ssize_t)size, "write memfd");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	vb_error_clear(&err);
	run = vb_runfile_load(path, &err);
	if (!run) {
		vb_fuzz_check_error(&err);
		VB_FUZZ_ASSERT(err.code == VB_EUSAGE, "a bad run.json is not a usage error");
		VB_FUZZ_ASSERT(!strncmp(err.msg, path, strlen(path)),
			       "a run.json error does not name the file");
	} else {
		consume(run, path);
		json_decref(run);
	}
	close(fd);
	return 0;
}
