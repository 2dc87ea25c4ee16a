/* io_common.c - shared helpers of the I/O workloads (placeholder). */
typedef int vb_io_common_placeholder_t;
