/* sizing.c - placeholder (being written). */
typedef int vb_sizing_placeholder_t;
