/*
 * cmd_run.c - `vbench run`: parse the options, hand over to the runner.
 */
#include <stdio.h>

#include "../harness/options.h"
#include "../harness/runner.h"
#include "cmd.h"

int vb_cmd_run(int argc, char **argv)
{
	static vb_run_cfg_t cfg;
	vb_error_t err;
	int rc;

	vb_error_clear(&err);
	vb_run_cfg_init(&cfg);
	rc = vb_run_cfg_parse(&cfg, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc < 0) {
		fprintf(stderr, "vbench run: %s\n", err.msg);
		return vb_error_exit_code(&err);
	}
	rc = vb_run(&cfg, &err);
	if (err.code != VB_OK)
		fprintf(stderr, "vbench run: %s\n", err.msg);
	return rc;
}
