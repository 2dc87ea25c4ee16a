/* cmd_list.c - placeholder. */
typedef int vb_cmd_list_placeholder_t;
