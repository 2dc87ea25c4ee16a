/* env_bare.c - placeholder (being written). */
typedef int vb_env_bare_placeholder_t;
