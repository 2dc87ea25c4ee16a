/*
 * cmd.c - the table of `vbench`'s subcommands (cmd.h): name, entry point,
 * command line and one line of help each.  main.c dispatches from it and
 * prints it; the tests walk it (every command's --help from its table).
 */
#include "bench/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/output/mdterm.h"
#include "lib/term.h"
#include "lib/util.h"

static const vb_cmd_t cmds[] = {
	{ "run", vb_cmd_run, &vb_run_cfg_spec, "run workloads in environments and record run.json" },
	{ "list", vb_cmd_list, &vb_cmd_list_spec, "environments (available or why not) and workloads" },
	{ "doctor", vb_cmd_doctor, &vb_cmd_doctor_spec,
	  "what this host can run, what is missing, how to get it" },
	{ "report", vb_cmd_report, &vb_cmd_report_spec,
	  "summary, report.md, report.html, charts and the overhead table from run.json" },
	{ "compare", vb_cmd_compare, &vb_cmd_compare_spec,
	  "two runs side by side: change, interval, significance per metric" },
	{ "plan", vb_cmd_plan, &vb_cmd_plan_spec,
	  "capacity plan: services per host and hosts needed per environment" },
	{ "explain", vb_cmd_explain, &vb_cmd_explain_spec,
	  "architecture vs mechanism, and common claims judged on a run" },
	{ "fleet", vb_cmd_fleet, &vb_cmd_fleet_spec,
	  "the same run on many hosts through Slurm: submit, status, cancel" },
	{ "store", vb_cmd_store, &vb_cmd_store_spec,
	  "add runs and fleets to the result store (SQLite)" },
	{ "history", vb_cmd_history, &vb_cmd_history_spec,
	  "overheads across stored runs per host class, oldest first" },
	{ "clean", vb_cmd_clean, &vb_cmd_clean_spec,
	  "remove what killed runs left (their markers say what), never a live run's" },
};

size_t vb_cmd_count(void)
{
	return VB_ARRAY_SIZE(cmds);
}

const vb_cmd_t *vb_cmd_at(size_t i)
{
	return i < VB_ARRAY_SIZE(cmds) ? &cmds[i] : NULL;
}

int vb_cmd_check_word(const char *opt, const char *val, const char *allowed, vb_error_t *err)
{
	const char *p = allowed;
	size_t n = strlen(val), w;

	while (*p) {
		w = strcspn(p, ",");
		if (w == n && n && !strncmp(p, val, n))
			return 0;
		p += w;
		p += strspn(p, ", ");
	}
	return vb_error_set(err, VB_EUSAGE, 0, "%s: unknown format '%s' (one of: %s)", opt, val,
			    allowed);
}

void vb_cmd_print_md(const char *md, const char *format)
{
	if (format && !strcmp(format, "md"))
		fputs(md, stdout);
	else
		vb_mdterm_print(md, vb_term_width(STDOUT_FILENO), stdout);
}

void vb_cmd_print_md_of(void (*render)(const json_t *, FILE *), const json_t *doc,
			const char *format)
{
	char *md = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&md, &len);

	if (m) {
		render(doc, m);
		fclose(m);
		vb_cmd_print_md(md, format);
	}
	free(md);
}
