/* runner.c - placeholder (being written). */
typedef int vb_runner_placeholder_t;
