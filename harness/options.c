/* options.c - placeholder (being written). */
typedef int vb_options_placeholder_t;
