/*
 * cmd_store.c - `vbench store add [--store PATH] DIR...`: runs and fleets
 * added to the result store (harness/store/store.h, docs/store.md).
 */
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "harness/fleet/fleet.h"
#include "harness/store/store.h"
#include "lib/util.h"
#include "bench/cmd.h"

#define MAX_DIRS 1024

typedef struct store_opts {
	const char *args[MAX_DIRS + 1]; /* "add", then the directories */
	size_t nargs;
	const char *store;
	int quiet;
} store_opts_t;

static int add_arg(void *ctx, const char *val, vb_error_t *err)
{
	store_opts_t *o = ctx;

	if (o->nargs == MAX_DIRS + 1)
		return vb_error_set(err, VB_EUSAGE, 0, "more than %d directories", MAX_DIRS);
	o->args[o->nargs++] = val;
	return 0;
}

static const vb_opt_t options[] = {
	{ .name = "--store", .arg = "PATH", .def = VB_STORE_DEFAULT,
	  .help = "the SQLite database (made, with its directory, when missing)",
	  VB_OPT_PATH_AT(store_opts_t, store) },
	{ .name = "--quiet", .help = "print nothing but errors", VB_OPT_FLAG_AT(store_opts_t, quiet) },
};

const vb_optspec_t vb_cmd_store_spec = {
	.prog = "vbench store",
	.usage = "vbench store add [--store PATH] DIR...",
	.about = "Add runs to the result store: each DIR is a run directory (its run.json) or a "
		 "fleet directory (every task's run).  A run added again replaces its earlier copy "
		 "(a resumed run).  The store keeps each run's hosts, environments, workloads, "
		 "repetitions, samples (the fields of samples.jsonl) and overheads; `vbench history` "
		 "queries it, `vbench plan --store` takes its factors from it (docs/store.md).",
	.opts = options,
	.nopts = VB_ARRAY_SIZE(options),
	.pos = { .what = "argument", .whats = "arguments", .min = 2, .max = MAX_DIRS + 1,
		 .missing = "expected: vbench store add DIR...", .add = add_arg },
	.epilog = "exit codes: 0 added, 1 the store could not be written, 2 bad usage or input "
		  "(one line; the runs added before it stay)",
};

int vb_cmd_store(int argc, char **argv)
{
	static store_opts_t o;
	unsigned added = 0, replaced = 0;
	vb_store_t *s;
	vb_error_t err;
	int rc;

	vb_error_clear(&err);
	memset(&o, 0, sizeof(o));
	rc = vb_optparse(&vb_cmd_store_spec, &o, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc == 0 && strcmp(o.args[0], "add"))
		rc = vb_error_set(&err, VB_EUSAGE, 0, "unknown command '%.64s' (expected: add)",
				  o.args[0]);
	if (rc < 0) {
		fprintf(stderr, "vbench store: %s\n", err.msg);
		return VB_EXIT_USAGE;
	}
	for (size_t i = 1; i < o.nargs; i++) { /* every input good before the store is touched */
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/run.json", o.args[i]);
		if (!vb_fleet_is_dir(o.args[i]) && access(path, F_OK) < 0) {
			fprintf(stderr, "vbench store: %s: expected a run directory (run.json) or a "
				"fleet directory (fleet.json)\n", o.args[i]);
			return VB_EXIT_USAGE;
		}
	}
	if (!(s = vb_store_open(o.store, 1, &err))) {
		fprintf(stderr, "vbench store: %s\n", err.msg);
		return vb_error_exit_code(&err);
	}
	for (size_t i = 1; i < o.nargs && rc == 0; i++)
		rc = vb_fleet_store_add(s, o.args[i], o.quiet ? NULL : stderr, &added, &replaced,
					&err);
	if (rc < 0)
		fprintf(stderr, "vbench store: %s (%u run%s added, %u replaced before it)\n", err.msg,
			added, added == 1 ? "" : "s", replaced);
	else if (!o.quiet)
		printf("vbench store: %u run%s added, %u replaced in %s\n", added,
		       added == 1 ? "" : "s", replaced, vb_store_path(s));
	vb_store_close(s);
	return rc < 0 ? vb_error_exit_code(&err) : VB_EXIT_OK;
}
