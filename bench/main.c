/*
 * main.c - the vbench command: dispatch to a subcommand from the table (cmd.c).
 */
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "harness/core/marker.h"
#include "lib/term.h"
#include "lib/util.h"
#include "bench/cmd.h"

/* The commands and exit codes, wrapped to the width of @f (term.h). */
static void usage(FILE *f)
{
	size_t i, width = vb_term_width(fileno(f));

	fprintf(f, "usage: vbench COMMAND [OPTIONS]   (vbench COMMAND --help)\n\n");
	vb_term_wrap(f,
		     "vbench measures what virtualization costs: the same workloads on bare metal, "
		     "in containers and in VMs, with counters and honest statistics.",
		     0, 0, width);
	fputs("\n\ncommands:\n", f);
	for (i = 0; i < vb_cmd_count(); i++) {
		fprintf(f, "  %-8s ", vb_cmd_at(i)->name);
		vb_term_wrap(f, vb_cmd_at(i)->help, 11, 11, width);
		fputc('\n', f);
	}
	fputs("\nexit codes: ", f);
	vb_term_wrap(f,
		     "0 ok, 1 a measurement failed, 2 bad usage, 3 nothing could run, 4 not enough "
		     "resources (a full disk included) or no permission, 5 the run directory is in "
		     "use by another vbench, 130 interrupted",
		     12, 12, width);
	fputc('\n', f);
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
	for (i = 0; i < vb_cmd_count(); i++)
		if (!strcmp(argv[1], vb_cmd_at(i)->name))
			return vb_cmd_at(i)->fn(argc - 1, argv + 1);
	/* Through the error object: the name is kept to one line. */
	vb_error_set(&err, VB_EUSAGE, 0, "unknown command '%.128s' (see vbench --help)", argv[1]);
	fprintf(stderr, "vbench: %s\n", err.msg);
	return VB_EXIT_USAGE;
}
