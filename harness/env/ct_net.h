/*
 * ct_net.h - a network path into a container's network namespace (issue
 * #15): a veth pair, one end on the host and one in the namespace, each
 * with a private address of a /30 out of 198.18.0.0/15 (RFC 2544's range
 * for benchmarking, routed nowhere), the loopback inside brought up; no
 * NAT, no bridge: the host routes to the container over the pair.
 *
 * Everything through iproute2's `ip` with an argument vector (no shell);
 * the container side from a child that joined the namespace by a
 * descriptor taken while the container's process could not be reaped.
 * The pair dies with the namespace; the host end is also deleted on
 * release (undo) in case the namespace outlives the run.
 *
 * Must not: touch a link or an address it did not create (names carry
 * this run's PID and a counter, the /30 is checked free first).
 */
#ifndef VB_CT_NET_H
#define VB_CT_NET_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/error.h"

typedef struct vb_ct_net {
	char host_if[16]; /* "vb<pid><n>h" */
	char ct_if[16];   /* "vb<pid><n>c", inside */
	char host_addr[16];
	char ct_addr[16];
	int res; /* its undo registration, 0 none */
	int up;
} vb_ct_net_t;

/*
 * Build the pair for the namespace @netns_fd (an open /proc/PID/ns/net):
 * names, a free /30, both ends up with their addresses, lo up inside.
 * 0, or -1 with @err (VB_EUNAVAIL when `ip` is missing or refuses).
 */
int vb_ct_net_veth(vb_ct_net_t *n, int netns_fd, vb_error_t *err);

/* Delete the host end (the pair with it) if it was made; idempotent. */
void vb_ct_net_down(vb_ct_net_t *n);

/*
 * The network namespace of the first child of @parent (an OCI runtime's
 * `run`, whose child is the container's init), opened into *@fd (O_CLOEXEC)
 * and checked still to be that child's after the open (its parent still
 * @parent: the PID was not reused meanwhile).  0, or -1 with @err.
 */
int vb_ct_net_child_ns(pid_t parent, int *fd, vb_error_t *err);

#endif
