/*
 * main.c - the vbench command: dispatch to a subcommand from the table.
 */
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "harness/core/marker.h"
#include "lib/util.h"
#include "bench/cmd.h"

static const vb_cmd_t cmds[] = {
	{ "run", vb_cmd_run, "run workloads in environments and record run.json" },
	{ "list", vb_cmd_list, "environments (available or why not) and workloads" },
	{ "doctor", vb_cmd_doctor, "what this host can run, what is missing, how to get it" },
	{ "report", vb_cmd_report, "summary, report.md, report.html, charts and the overhead table from run.json" },
	{ "compare", vb_cmd_compare, "two runs side by side: change, interval, significance per metric" },
	{ "plan", vb_cmd_plan, "capacity plan: services per host and hosts needed per environment" },
	{ "explain", vb_cmd_explain, "architecture vs mechanism, and common claims judged on a run" },
	{ "clean", vb_cmd_clean, "remove what killed runs left (their markers say what), never a live run's" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vbench COMMAND [OPTIONS]   (vbench COMMAND --help)\n\n"
		   "vbench measures what virtualization costs: the same workloads on bare metal,\n"
		   "in containers and in VMs, with counters and honest statistics.\n\ncommands:\n");
	for (i = 0; i < VB_ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\nexit codes: 0 ok, 1 a measurement failed, 2 bad usage, 3 nothing could run,\n"
		   "            4 not enough resources (a full disk included) or no permission,\n"
		   "            5 the run directory is in use by another vbench, 130 interrupted\n");
}

int main(int argc, char **argv)
{
	vb_error_t err;
	size_t i;

	/* Before anything is started: every child carries the run id (marker.h). */
	vb_marker_run_id();
	if (argc < 2) {
		usage(stderr);
		return VB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vbench %s\n", VB_VERSION);
		return 0;
	}
	for (i = 0; i < VB_ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	/* Through the error object: the name is kept to one line. */
	vb_error_set(&err, VB_EUSAGE, 0, "unknown command '%.128s' (see vbench --help)", argv[1]);
	fprintf(stderr, "vbench: %s\n", err.msg);
	return VB_EXIT_USAGE;
}
