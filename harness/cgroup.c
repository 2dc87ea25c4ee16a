/* cgroup.c - placeholder (being written). */
typedef int vb_cgroup_placeholder_t;
