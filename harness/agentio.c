/* agentio.c - placeholder (being written). */
typedef int vb_agentio_placeholder_t;
