/*
 * cmd.h - the subcommands of `vbench`: one table (cmd.c), one file per
 * command.  Each command describes its command line as data, a
 * vb_optspec_t (lib/optparse.h), from which its --help is generated.
 *
 * Must not: hold logic a test cannot reach: a command parses its line, calls
 * the layers and maps the result to an exit code.
 */
#ifndef VB_CMD_H
#define VB_CMD_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/error.h"
#include "lib/optparse.h"

typedef struct vb_cmd {
	const char *name;                 /* "run" */
	int (*fn)(int argc, char **argv); /* argv[0] is the command name */
	const vb_optspec_t *spec;         /* its options and arguments, its --help */
	const char *help;                 /* one line */
} vb_cmd_t;

/* The commands, in `vbench --help` order. */
size_t vb_cmd_count(void);
const vb_cmd_t *vb_cmd_at(size_t i);

int vb_cmd_run(int argc, char **argv);
int vb_cmd_list(int argc, char **argv);
int vb_cmd_doctor(int argc, char **argv);
int vb_cmd_report(int argc, char **argv);
int vb_cmd_plan(int argc, char **argv);
int vb_cmd_explain(int argc, char **argv);
int vb_cmd_compare(int argc, char **argv);
int vb_cmd_clean(int argc, char **argv);
int vb_cmd_fleet(int argc, char **argv);
int vb_cmd_store(int argc, char **argv);
int vb_cmd_history(int argc, char **argv);

/*
 * Whether @val is one of the words of @allowed ("text, md"): 0, or -1 with
 * @err (VB_EUSAGE) "OPT: unknown format 'VAL' (one of: ALLOWED)".  The
 * check of an option whose value is one of a few words (--format).
 */
int vb_cmd_check_word(const char *opt, const char *val, const char *allowed, vb_error_t *err);

/*
 * @md (Markdown) on stdout: as is when @format is "md", else for a
 * terminal, wrapped to stdout's width (mdterm.h).
 */
void vb_cmd_print_md(const char *md, const char *format);

/* The same for the Markdown @render writes of @doc. */
void vb_cmd_print_md_of(void (*render)(const json_t *, FILE *), const json_t *doc,
			const char *format);

/* Their command lines (vbench run's is vb_run_cfg_spec, harness/core/options.h). */
extern const vb_optspec_t vb_cmd_list_spec;
extern const vb_optspec_t vb_cmd_doctor_spec;
extern const vb_optspec_t vb_cmd_report_spec;
extern const vb_optspec_t vb_cmd_plan_spec;
extern const vb_optspec_t vb_cmd_explain_spec;
extern const vb_optspec_t vb_cmd_compare_spec;
extern const vb_optspec_t vb_cmd_clean_spec;
extern const vb_optspec_t vb_cmd_fleet_spec;
extern const vb_optspec_t vb_cmd_store_spec;
extern const vb_optspec_t vb_cmd_history_spec;
extern const vb_optspec_t vb_cmd_fleet_submit_spec;
extern const vb_optspec_t vb_cmd_fleet_status_spec;
extern const vb_optspec_t vb_cmd_fleet_cancel_spec;
extern const vb_optspec_t vb_cmd_fleet_task_spec;
extern const vb_optspec_t vb_cmd_fleet_collect_spec;
extern const vb_optspec_t vb_cmd_fleet_pack_spec;

#endif
