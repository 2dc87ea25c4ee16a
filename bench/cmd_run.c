/* cmd_run.c - placeholder. */
typedef int vb_cmd_run_placeholder_t;
