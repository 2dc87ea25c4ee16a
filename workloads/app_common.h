/*
 * app_common.h - what the application workloads share (app_redis.c,
 * app_nginx.c): a server program started by the agent as its child, waited
 * for until it listens on its port, proven to be the socket's owner, kept
 * running while the harness's load generator runs, and stopped with its
 * CPU time (vb_app_serve: an application workload's run()).
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
#include "workloads/workload.h"

#define VB_APP_MAX_ARGS 32 /* arguments of a server's command line */

/* A server the agent runs. */
typedef struct vb_app {
	pid_t pid;        /* 0: not running */
	unsigned port;    /* the TCP port it listens on */
	uint64_t cpu0;    /* its CPU time (ns) when it listened */
	int errfd;        /* the read end of its standard error (-1 none) */
} vb_app_t;

/*
 * Start @argv (argv[0] an absolute path, no shell) as a child of this
 * process that dies with it (PR_SET_PDEATHSIG), its stdin and stdout on
 * /dev/null, its stderr a pipe that never blocks it (what it says before
 * it listens names why it did not), no other descriptor of ours (an
 * inherited socket would pass for its own).  0 with a->pid set, or -1 with
 * @err.
 */
int vb_app_start(vb_app_t *a, char *const argv[], vb_error_t *err);

/*
 * Wait up to @timeout_ms for the server to listen on TCP @port of @addr:
 * a LISTEN socket on that port in /proc/net/tcp whose inode is one of the
 * server's open descriptors (so the port is the server's, not another
 * program's that took it first).  Its CPU time so far into a->cpu0.  0, or
 * -1 with @err (VB_ECHECK: the port is someone else's; VB_ETIMEOUT; the
 * server exited, with its status and the last line of its stderr).
 */
int vb_app_wait_listening(vb_app_t *a, unsigned port, int timeout_ms, vb_error_t *err);

/* The server's CPU time (user + system, ns) since it listened; 0 when it
 * cannot be read. */
uint64_t vb_app_cpu_ns(const vb_app_t *a);

/* Stop the server: SIGTERM, up to @timeout_ms for it to exit, then
 * SIGKILL; reaped, its stderr pipe closed.  Safe on a server that is not
 * running. */
void vb_app_stop(vb_app_t *a, int timeout_ms);

/*
 * The server's command line for @program listening on TCP @port of IPv4
 * address @addr, keeping its files in the new directory @dir (which the
 * function may fill): at most @max arguments into @argv (NULL-terminated
 * after them), pointing into storage of @arg or into @dir.  0, or -1 with
 * @err.
 */
typedef int (*vb_app_argv_fn)(void *arg, const char *program, const char *dir, const char *addr,
			      unsigned port, char **argv, size_t max, vb_error_t *err);

/*
 * An application workload's run(): its server (ctx->program, with the
 * command line of @fn and a new private directory
 * ctx->workdir/vbench-@name-XXXXXX, removed after on every path) started
 * on ctx->listen_addr (every address when "") and ctx->listen_port (a free
 * one when 0), proven to listen there,
 * announced (ctx->listening), kept until the harness says its client is
 * done (ctx->await_client), checked to be still running and stopped.  The
 * measured region is that time; res->detail has the server's CPU time in
 * it ("server_cpu_ns"); the metrics are 0 (the client measures them).  0,
 * or -1 with @err.
 */
int vb_app_serve(vb_wctx_t *ctx, vb_wresult_t *res, const char *name, vb_app_argv_fn fn,
		 void *arg, vb_error_t *err);

/* Run the load generator @argv through @d->exec, its standard output into
 * @out, its wall time into *@ns.  0, or -1 with @err. */
int vb_app_client(const vb_drive_t *d, char *const argv[], char *out, size_t len, uint64_t *ns,
		  vb_error_t *err);

#endif
