/*
 * cmd_history.c - `vbench history`: stored overheads across runs and
 * hosts, per host class and environment in time order
 * (harness/store/store.h, output/history_print.h, docs/store.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/output/history_print.h"
#include "harness/store/store.h"
#include "lib/util.h"
#include "bench/cmd.h"

#define FORMATS "table, md, csv, json"
#define GROUPS "all, cpu, mem, io, net, app"

typedef struct history_opts {
	const char *store;
	vb_store_query_t q;
	const char *format;
} history_opts_t;

static int check_format(const char *val, vb_error_t *err)
{
	return vb_cmd_check_word("--format", val, FORMATS, err);
}

static int check_group(const char *val, vb_error_t *err)
{
	return vb_cmd_check_word("--group", val, GROUPS, err);
}

static const vb_opt_t options[] = {
	{ .name = "--store", .arg = "PATH", .def = VB_STORE_DEFAULT, .help = "the SQLite database",
	  VB_OPT_PATH_AT(history_opts_t, store) },
	{ .name = "--env", .arg = "NAME", .def = "every environment",
	  .help = "one environment (its name in the runs: container, hosted, docker:nat ...)",
	  VB_OPT_STR_AT(history_opts_t, q.env) },
	{ .name = "--group", .arg = "GROUP", .def = "all", .allowed = GROUPS,
	  .help = "the overhead of a group of workloads (their geometric mean)",
	  .check = check_group, VB_OPT_STR_AT(history_opts_t, q.group) },
	{ .name = "--workload", .arg = "NAME",
	  .help = "one workload's primary metric instead of a group",
	  VB_OPT_STR_AT(history_opts_t, q.workload) },
	{ .name = "--class", .arg = "TEXT",
	  .help = "host classes (CPU model / kernel release) containing TEXT",
	  VB_OPT_STR_AT(history_opts_t, q.class_) },
	{ .name = "--since", .arg = "DATE", .help = "runs created on or after DATE (2026-12-01)",
	  VB_OPT_STR_AT(history_opts_t, q.since) },
	{ .name = "--format", .arg = "FORMAT", .def = "table", .allowed = FORMATS,
	  .help = "what to print", .check = check_format, VB_OPT_STR_AT(history_opts_t, format) },
};

const vb_optspec_t vb_cmd_history_spec = {
	.prog = "vbench history",
	.usage = "vbench history [OPTIONS]",
	.about = "A group's or a workload's overhead across the stored runs, per host class (CPU "
		 "model and kernel release) and environment, oldest first, each with its interval "
		 "and verdict as its own run's summary computed them (vbench store add puts runs "
		 "in the store; docs/store.md).",
	.opts = options,
	.nopts = VB_ARRAY_SIZE(options),
	.epilog = "exit codes: 0 shown (also when nothing matches), 2 bad usage or not a vbench "
		  "store",
};

int vb_cmd_history(int argc, char **argv)
{
	static history_opts_t o;
	vb_store_t *s;
	vb_error_t err;
	json_t *h;
	int rc;

	vb_error_clear(&err);
	memset(&o, 0, sizeof(o));
	rc = vb_optparse(&vb_cmd_history_spec, &o, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc < 0) {
		fprintf(stderr, "vbench history: %s\n", err.msg);
		return VB_EXIT_USAGE;
	}
	if (!(s = vb_store_open(o.store, 0, &err)) || !(h = vb_store_history(s, &o.q, &err))) {
		fprintf(stderr, "vbench history: %s\n", err.msg);
		vb_store_close(s);
		return vb_error_exit_code(&err);
	}
	if (o.format && !strcmp(o.format, "json")) {
		json_dumpf(h, stdout, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	} else if (o.format && !strcmp(o.format, "csv")) {
		vb_history_csv(h, stdout);
	} else {
		vb_cmd_print_md_of(vb_history_md, h,
				   o.format && !strcmp(o.format, "md") ? "md" : "text");
	}
	json_decref(h);
	vb_store_close(s);
	return VB_EXIT_OK;
}
