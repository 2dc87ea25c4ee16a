/* env.c - placeholder (being written). */
typedef int vb_env_placeholder_t;
