/*
 * list.h - the one list of workloads (an X-macro).  Adding a workload is one
 * file exporting `const vb_workload_t vb_w_<ident>` and one line here.
 * X(ident) -- ident is the C identifier suffix.
 *
 * Must not: hold anything but the X(ident) lines.
 */
VB_WORKLOAD(cpu_int)
VB_WORKLOAD(cpu_fp)
VB_WORKLOAD(cpu_syscall)
VB_WORKLOAD(cpu_ctxswitch)
VB_WORKLOAD(cpu_fork)
VB_WORKLOAD(mem_stream)
VB_WORKLOAD(mem_latency)
VB_WORKLOAD(mem_random)
VB_WORKLOAD(mem_pagefault)
VB_WORKLOAD(io_seqwrite)
VB_WORKLOAD(io_seqread)
VB_WORKLOAD(io_randread)
VB_WORKLOAD(io_randwrite)
VB_WORKLOAD(io_fsync)
VB_WORKLOAD(net_stream)
VB_WORKLOAD(net_rr)
VB_WORKLOAD(net_crr)
VB_WORKLOAD(app_redis)
VB_WORKLOAD(app_nginx)
