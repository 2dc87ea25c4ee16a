/*
 * fuzz_plan.c - capacity plan files (harness/analysis/plan_ini.c through inih) and
 * everything `vbench plan` does with a file that parsed: resolve the CPU
 * demands against the committed fixture run's summary, check, place,
 * build the plan document and print it (plan.c, plan_env.c, plan_print.c).
 *
 * Input: the text of a plan file.  A refused file must give one non-empty
 * line "PATH:LINE: ..."; an accepted one must go through every later stage.
 * from_run paths are resolved under a directory that does not exist, so
 * only an absolute path reads a file, and only a file named run.json.
 */
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/plan.h"
#include "fuzz/fuzz.h"

#define PLAN_PATH "fuzz.ini"

/* The capacity `vbench plan` takes from this host, fixed here. */
static void host_defaults(vb_plan_host_t *h)
{
	static const double cap[VB_RES_N] = { 16, 64.0 * (1ull << 30), 1024.0 * (1ull << 30), 0 };
	int r;

	for (r = 0; r < VB_RES_N; r++)
		if (h->cap[r] <= 0 && cap[r] > 0) {
			h->cap[r] = cap[r];
			snprintf(h->source[r], sizeof(h->source[r]), "fuzz default");
		}
}

static void plan_all(vb_plan_input_t *in)
{
	const json_t *run = vb_fuzz_fixture_run(), *sum = vb_fuzz_fixture_summary();
	vb_plan_env_t envs[VB_PLAN_MAX_ENVS];
	vb_plan_opts_t o;
	vb_error_t err;
	json_t *doc;
	size_t n;

	if (!run || !sum)
		return;
	vb_plan_opts_init(&o);
	host_defaults(&in->host);
	vb_error_clear(&err);
	if (vb_plan_resolve(in, sum, "/nonexistent-vbench-fuzz", &err) < 0 ||
	    vb_plan_check(in, &o, &err) < 0) {
		vb_fuzz_check_error(&err);
		VB_FUZZ_ASSERT(!strncmp(err.msg, PLAN_PATH ":", strlen(PLAN_PATH ":")),
			       "a plan error does not name the plan file");
		return;
	}
	n = vb_plan_envs(run, sum, &o, envs);
	vb_plan_env_services(in, sum, &o, envs, n);
	VB_FUZZ_ASSERT(n <= VB_PLAN_MAX_ENVS, "too many environments");
	doc = vb_plan_build(in, &o, envs, n, "fixture", run);
	VB_FUZZ_ASSERT(doc, "no plan document");
	vb_plan_print_table(doc, vb_fuzz_null());
	vb_plan_print_md(doc, vb_fuzz_null());
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static vb_plan_input_t in;
	char *text = vb_fuzz_cstr(data, size);
	vb_error_t err;

	vb_error_clear(&err);
	if (vb_plan_parse(PLAN_PATH, text, &in, &err) < 0) {
		vb_fuzz_check_error(&err);
		VB_FUZZ_ASSERT(err.code == VB_EUSAGE, "a bad plan file is not a usage error");
		VB_FUZZ_ASSERT(!strncmp(err.msg, PLAN_PATH ":", strlen(PLAN_PATH ":")),
			       "a plan error does not name the plan file");
	} else {
		VB_FUZZ_ASSERT(in.nsvc >= 1 && in.nsvc <= VB_PLAN_MAX_SERVICES,
			       "accepted plan without services");
		plan_all(&in);
	}
	free(text);
	return 0;
}
