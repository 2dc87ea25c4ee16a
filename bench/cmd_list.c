/*
 * cmd_list.c - `vbench list`: every environment with whether it can run
 * here (and why not), every workload with its description.
 */
#include <stdio.h>
#include <string.h>

#include "harness/env/env.h"
#include "harness/core/options.h"
#include "harness/run/runner.h"
#include "workloads/workload.h"
#include "bench/cmd.h"

int vb_cmd_list(int argc, char **argv)
{
	vb_run_cfg_t cfg;
	vb_error_t err;
	size_t i;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help")) {
			printf("usage: vbench list\n");
			return 0;
		}
		/* Through the error object: one line, whatever argv[1] holds. */
		vb_error_set(&err, VB_EUSAGE, 0, "unexpected argument '%.128s'", argv[1]);
		fprintf(stderr, "vbench list: %s\n", err.msg);
		return VB_EXIT_USAGE;
	}
	vb_run_cfg_init(&cfg);
	vb_find_agent(cfg.agent_path, sizeof(cfg.agent_path));
	printf("environments:\n");
	for (i = 0; i < vb_env_count(); i++) {
		const vb_env_ops_t *o = vb_env_at(i);
		vb_error_clear(&err);
		int ok = vb_env_check(o, &err) == 0 && o->probe(&cfg, &err) == 0;
		printf("  %-10s %-34s %s%s\n", o->name, o->type, ok ? "available" : "unavailable: ",
		       ok ? "" : err.msg);
	}
	printf("\nworkloads:\n");
	for (i = 0; i < vb_workload_count(); i++) {
		const vb_workload_t *w = vb_workload_at(i);
		printf("  %-16s %-4s %s\n", w->name, vb_kind_name(w->kind), w->description);
	}
	return 0;
}
