/*
 * cmd.h - the subcommands of `vbench`: one table, one file per command.
 */
#ifndef VB_CMD_H
#define VB_CMD_H

typedef struct vb_cmd {
	const char *name;                   /* "run" */
	int (*fn)(int argc, char **argv);   /* argv[0] is the command name */
	const char *help;                   /* one line */
} vb_cmd_t;

int vb_cmd_run(int argc, char **argv);
int vb_cmd_list(int argc, char **argv);
int vb_cmd_doctor(int argc, char **argv);
int vb_cmd_report(int argc, char **argv);
int vb_cmd_plan(int argc, char **argv);
int vb_cmd_explain(int argc, char **argv);
int vb_cmd_compare(int argc, char **argv);
int vb_cmd_clean(int argc, char **argv);

#endif
