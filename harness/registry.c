/* registry.c - placeholder (being written). */
typedef int vb_registry_placeholder_t;
