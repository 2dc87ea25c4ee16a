/*
 * fuzz_options.c - `vbench run` command lines (harness/core/options.c) and the
 * number, size and CPU-list parsers behind them (lib/util.c, cgroup.c).
 *
 * Input: one argument per line (a NUL byte also ends one), after an implied
 * "run".  Every failure must be one non-empty line; whatever was allocated
 * is freed (leaks are crashes under libFuzzer).
 */
#include <stdlib.h>
#include <string.h>

#include "harness/core/cgroup.h"
#include "harness/core/options.h"
#include "harness/env/env.h"
#include "lib/util.h"
#include "fuzz/fuzz.h"

#define MAX_ARGS 64

/* The value parsers alone, on one argument. */
static void parse_values(const char *s)
{
	vb_error_t err;
	uint64_t u, mask;
	double d;

	vb_error_clear(&err);
	if (vb_parse_u64(s, 1, 100000, "--reps", &u, &err) < 0)
		vb_fuzz_check_error(&err);
	else
		VB_FUZZ_ASSERT(u >= 1 && u <= 100000, "u64 out of its bounds");
	vb_error_clear(&err);
	if (vb_parse_size(s, 64ull << 20, 1ull << 42, "--memory", &u, &err) < 0)
		vb_fuzz_check_error(&err);
	else
		VB_FUZZ_ASSERT(u >= 64ull << 20 && u <= 1ull << 42, "size out of its bounds");
	vb_error_clear(&err);
	if (vb_parse_double(s, 1, 86400, "--timeout", &d, &err) < 0)
		vb_fuzz_check_error(&err);
	else
		VB_FUZZ_ASSERT(d >= 1 && d <= 86400, "double out of its bounds");
	(void)vb_cpulist_parse(s, &mask);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static vb_run_cfg_t cfg;
	char *text = vb_fuzz_cstr(data, size), *argv[MAX_ARGS + 1];
	size_t start = 0, i;
	vb_error_t err;
	int argc = 1, rc;

	argv[0] = "run";
	for (i = 0; i <= size && argc < MAX_ARGS; i++) {
		if (i < size && text[i] != '\n' && text[i] != '\0')
			continue;
		text[i] = '\0';
		argv[argc++] = text + start;
		start = i + 1;
	}
	argv[argc] = NULL;
	for (i = 1; i < (size_t)argc; i++)
		parse_values(argv[i]);
	vb_run_cfg_init(&cfg);
	vb_error_clear(&err);
	rc = vb_run_cfg_parse(&cfg, argc, argv, vb_env_cfg_ext(), &err);
	if (rc < 0) {
		vb_fuzz_check_error(&err);
		VB_FUZZ_ASSERT(err.code == VB_EUSAGE || err.code == VB_ESYS,
			       "a bad command line is not a usage error");
	} else if (rc == 0) {
		VB_FUZZ_ASSERT(cfg.nenvs || cfg.all_envs, "no environment selected");
		VB_FUZZ_ASSERT(cfg.nwl > 0 && cfg.nwl <= VB_MAX_SEL, "no workload selected");
		VB_FUZZ_ASSERT(cfg.reps >= 1, "no repetitions");
	}
	vb_run_cfg_free(&cfg);
	free(text);
	return 0;
}
