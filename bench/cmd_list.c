/*
 * cmd_list.c - `vbench list`: every environment with whether it can run
 * here (and why not), every workload with its description.
 */
#include <stdio.h>

#include "harness/env/env.h"
#include "harness/core/options.h"
#include "harness/run/runner.h"
#include "workloads/workload.h"
#include "bench/cmd.h"

const vb_optspec_t vb_cmd_list_spec = {
	.prog = "vbench list",
	.usage = "vbench list",
	.about = "List the environments, each available here or with the reason why not, and the "
		 "workloads with their kind and what each measures.",
};

int vb_cmd_list(int argc, char **argv)
{
	vb_run_cfg_t cfg;
	vb_error_t err;
	size_t i;
	int rc;

	vb_error_clear(&err);
	rc = vb_optparse(&vb_cmd_list_spec, NULL, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc < 0) { /* through the error object: one line, whatever the argument holds */
		fprintf(stderr, "vbench list: %s\n", err.msg);
		return VB_EXIT_USAGE;
	}
	vb_run_cfg_init(&cfg);
	vb_prepare_find_agent(cfg.agent_path, sizeof(cfg.agent_path));
	printf("environments:\n");
	for (i = 0; i < vb_env_count(); i++) {
		const vb_env_ops_t *o = vb_env_at(i);
		vb_error_clear(&err);
		int ok = vb_env_probe(o, &cfg, &err) == 0;
		size_t k;

		printf("  %-10s %-34s %s%s\n", o->name, o->type, ok ? "available" : "unavailable: ",
		       ok ? "" : err.msg);
		for (k = 0; o->net_modes && o->net_modes[k]; k++) /* --net, ENV:MODE */
			printf("%s%s%s", k ? ", " : "             network modes: ", o->net_modes[k],
			       o->net_modes[k + 1] ? "" : " (the first its own; --env NAME:MODE)\n");
	}
	printf("\nworkloads:\n");
	for (i = 0; i < vb_workload_count(); i++) {
		const vb_workload_t *w = vb_workload_at(i);
		printf("  %-16s %-4s %s\n", w->name, vb_kind_name(w->kind), w->description);
	}
	return 0;
}
