/* runfile.c - placeholder (being written). */
typedef int vb_runfile_placeholder_t;
