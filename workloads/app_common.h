/*
 * app_common.h - what the application workloads share (issue #15: app.redis,
 * app.nginx; work in progress on branch wip/app-redis): a server program
 * started by the agent as its child, waited for until it listens on its
 * port, proven to be the socket's owner, and stopped with its CPU time.
 *
 * The server is the host's own binary (Debian's redis-server, nginx),
 * copied byte-identical into every environment (rootfs.h
 * vb_rootfs_add_program) and configured on its command line by the
 * workload, never by a file a user could change.
 *
 * Must not: choose the program's path or its configuration (the workload
 * does), or talk the server's protocol (the client on the host does).
 */
#ifndef VB_APP_COMMON_H
#define VB_APP_COMMON_H

#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

/* A server the agent runs. */
typedef struct vb_app {
	pid_t pid;        /* 0: not running */
	unsigned port;    /* the TCP port it listens on */
	uint64_t cpu0;    /* its CPU time (ns) when it listened */
} vb_app_t;

/*
 * Start @argv (argv[0] an absolute path, no shell) as a child of this
 * process that dies with it (PR_SET_PDEATHSIG), its stdin, stdout and
 * stderr on /dev/null, no other descriptor of ours (an inherited socket
 * would pass for its own).  0 with a->pid set, or -1 with @err.
 */
int vb_app_start(vb_app_t *a, char *const argv[], vb_error_t *err);

/*
 * Wait up to @timeout_ms for the server to listen on TCP @port of @addr:
 * a LISTEN socket on that port in /proc/net/tcp whose inode is one of the
 * server's open descriptors (so the port is the server's, not another
 * program's that took it first).  Its CPU time so far into a->cpu0.  0, or
 * -1 with @err (VB_ECHECK: the port is someone else's; VB_ETIMEOUT; the
 * server exited, with its status).
 */
int vb_app_wait_listening(vb_app_t *a, unsigned port, int timeout_ms, vb_error_t *err);

/* The server's CPU time (user + system, ns) since it listened; 0 when it
 * cannot be read. */
uint64_t vb_app_cpu_ns(const vb_app_t *a);

/* Stop the server: SIGTERM, up to @timeout_ms for it to exit, then
 * SIGKILL; reaped.  Safe on a server that is not running. */
void vb_app_stop(vb_app_t *a, int timeout_ms);

#endif
