/*
 * netpath.h - a network path into a container's network namespace (issue
 * #15): a veth pair between the container's namespace and a second private
 * namespace vbench makes for its client, each end with a private address
 * of 198.18.0.0/30 (RFC 2544's range for benchmarking), the loopbacks up;
 * no NAT, no bridge, nothing in the host's own namespace: the container
 * reaches the client's namespace only, where nothing listens, and the
 * host's links, routes and rules never change.
 *
 * Everything through iproute2's `ip` with an argument vector (no shell),
 * each command from a child that joined its namespace through a descriptor
 * (the container's taken while its process could not be reaped or was
 * checked to be the runtime's child).  The pair goes with either
 * namespace: closing the client's (vb_netpath_down, or vbench's exit, a
 * SIGKILL included) removes it.
 *
 * Three modes (vb_netpath_modes, the backends' net_modes): "bridge", the
 * pair routed; "nat", the same pair with a published port: an nftables
 * table in the client's namespace rewrites a connection to the client's
 * own address and port 8080 to the container's port 5201 (destination NAT
 * with connection tracking, what Docker and Podman do for a client on the
 * host), the table going with that namespace; "host", no network namespace
 * at all (the container on the host's loopback, as bare metal).
 *
 * Must not: touch the host's namespace, or a link or rule set it did not
 * create.  A VM's path is a tap device in that client namespace (mode
 * "tap", vb_netpath_tap), routed the same way.
 */
#ifndef VB_NETPATH_H
#define VB_NETPATH_H

#include <stddef.h>
#include <sys/types.h>

#include "harness/env/env.h"
#include "lib/error.h"

typedef struct vb_netpath {
	char client_addr[16]; /* the client's end, in its own namespace */
	char ct_addr[16];     /* the container's end */
	char ifname[16];      /* both ends' name, each in its namespace */
	int client_ns;        /* the client's namespace (-1 none) */
	int nat;              /* with the published port */
	int tap;              /* a tap device (a VM's), not a veth pair */
	int engine;           /* an engine's own network in it (vb_netpath_private) */
	int up;
} vb_netpath_t;

/* The container backends' network modes: bridge (their first), nat, host. */
extern const char *const vb_netpath_modes[];

/* Whether @env is an instance of mode host (no network namespace), or of
 * mode nat. */
int vb_netpath_is_host(const vb_env_t *env);
int vb_netpath_is_nat(const vb_env_t *env);

/* Its network namespace as run.json's "namespaces" lists it: "network",
 * or "(the host's network)" for mode host. */
const char *vb_netpath_ns_name(const vb_env_t *env);

/*
 * Build the pair for the container namespace @netns_fd (an open
 * /proc/PID/ns/net): the client's namespace, both ends up with their
 * addresses, the loopbacks up, with @nat the published port.  0, or -1
 * with @err (VB_EUNAVAIL when `ip` or `nft` is missing or refuses) and
 * nothing left.
 */
int vb_netpath_veth(vb_netpath_t *n, int netns_fd, int nat, vb_error_t *err);

/* The pair as a network path (env.h): the container's address (with nat,
 * the client's own and the published port, the server on its fixed
 * port), the client's namespace to connect from. */
void vb_netpath_path(const vb_netpath_t *n, vb_net_path_t *np);

/*
 * A VM's tap: the client's namespace with a tap device vb0 in it (virtio-net
 * header, for QEMU's offloads), 198.18.0.1/30 on it, up; its descriptor
 * (O_CLOEXEC) in *@tap_fd for QEMU (-netdev tap,fd=N), the guest to take
 * vb_netpath_guest_cidr().  The tap goes when the last of its descriptors
 * closes, the namespace with vb_netpath_down.  0, or -1 with @err
 * (VB_EUNAVAIL) and nothing left.
 */
int vb_netpath_tap(vb_netpath_t *n, int *tap_fd, vb_error_t *err);

/*
 * An empty private namespace (its loopback up) for a container engine
 * client that makes its own network there (podman's netavark: a bridge, a
 * veth pair, the published port's rules), joined by the client's child
 * through vb_netpath_join (a vb_spawn_t child_hook, @arg the descriptor's
 * address); the client of the workloads connects from it.  Everything the
 * engine made in the namespace goes with it; what it asks over D-Bus (a
 * firewalld) is the host's, so the caller refuses a host with firewalld.
 * 0, or -1 with @err.
 */
int vb_netpath_private(vb_netpath_t *n, vb_error_t *err);
int vb_netpath_join(void *arg);

/* The engine's published port as a path: 127.0.0.1:8080 in the namespace
 * to the server's 5201; and its `--publish` argument. */
void vb_netpath_engine_path(const vb_netpath_t *n, const char *engine, vb_net_path_t *np);
const char *vb_netpath_publish_arg(void);

/* The instance's end of a pair or tap, ADDR/LEN: 198.18.0.2/30. */
const char *vb_netpath_guest_cidr(void);

/* Mode host's path: the loopback, the server bound to it, as bare metal. */
void vb_netpath_host_path(vb_net_path_t *np);

/*
 * Enter network namespace @ns (an open descriptor; -1: stay) with this
 * process's own kept in *@orig for vb_netpath_leave, which comes back to
 * it and closes it, or aborts when it cannot (nothing may go on measuring
 * from a foreign namespace).  0, or -1 with @err and nothing changed.
 */
int vb_netpath_enter(int ns, int *orig, vb_error_t *err);
void vb_netpath_leave(int orig);

/* Close the client's namespace (the pair with it); idempotent. */
void vb_netpath_down(vb_netpath_t *n);

/*
 * The network namespace of the first child of @parent (an OCI runtime's
 * `run`, whose child is the container's init), opened into *@fd (O_CLOEXEC)
 * and checked still to be that child's after the open (its parent still
 * @parent: the PID was not reused meanwhile) and not vbench's own.  0, or
 * -1 with @err.
 */
int vb_netpath_child_ns(pid_t parent, int *fd, vb_error_t *err);

#endif
