/*
 * netpath.c - network paths from a private client namespace into an
 * instance: a veth pair into a container's namespace, a published port, a
 * VM's tap (netpath.h).
 */
#include "harness/env/netpath.h"

#include <dirent.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "harness/env/ct_common.h"

#define IP_TIMEOUT_MS 10000
#define TUN_DEV "/dev/net/tun"
#define CLIENT_ADDR "198.18.0.1"
#define CT_ADDR "198.18.0.2"
#define IFNAME "vb0"
#define NAT_TABLE "vbench"
#define NAT_PORT "8080"   /* the published port, on the client's side */
#define SERVER_PORT 5201  /* the server's, in the container (nat mode; "5201" in
			   * vb_netpath_publish_arg) */

const char *const vb_netpath_modes[] = { "bridge", "nat", "host", NULL };

/* The child's set-up: join the namespace of descriptor *@arg. */
static int join_netns(void *arg)
{
	return setns(*(int *)arg, CLONE_NEWNET);
}

/* `@prog @args...` (ip or nft) in the namespace @netns_fd; 0 or -1 with
 * @err. */
static int run_in(const char *prog, int netns_fd, const char *where, vb_error_t *err,
		  const char *const *args)
{
	char path[256], errout[512];
	char *argv[24];
	vb_proc_opts_t o = { .timeout_ms = IP_TIMEOUT_MS, .child_hook = join_netns,
			     .hook_arg = &netns_fd };
	size_t i;
	int rc;

	if (vb_proc_which(prog, path, sizeof(path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s is not installed (apt-get install %s)",
				    prog, strcmp(prog, "nft") ? "iproute2" : "nftables");
	argv[0] = path;
	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	rc = vb_proc_capture(argv, &o, NULL, 0, errout, sizeof(errout), err);
	if (rc < 0)
		return -1;
	if (rc != 0) {
		errout[strcspn(errout, "\n")] = '\0';
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s %s %s %s (in %s): exit %d: %s", prog,
				    args[0], args[1] ? args[1] : "", args[1] && args[2] ? args[2] : "",
				    where, rc, errout);
	}
	return 0;
}

static int ip(int netns_fd, const char *where, vb_error_t *err, const char *const *args)
{
	return run_in("ip", netns_fd, where, err, args);
}

/* The published port: in the client's namespace, a connection to its own
 * address and NAT_PORT is rewritten to the container's SERVER_PORT
 * (destination NAT on the output hook, with connection tracking, as
 * Docker's and Podman's published ports are for a client on the host). */
static int publish(vb_netpath_t *n, vb_error_t *err)
{
	static const char where[] = "the client's namespace";
	char to[32];

	snprintf(to, sizeof(to), "%s:%d", n->ct_addr, SERVER_PORT);
	return run_in("nft", n->client_ns, where, err,
		      (const char *const[]){ "add", "table", "ip", NAT_TABLE, NULL }) < 0 ||
			       run_in("nft", n->client_ns, where, err,
				      (const char *const[]){ "add", "chain", "ip", NAT_TABLE, "out", "{",
							     "type", "nat", "hook", "output",
							     "priority", "-100", ";", "}", NULL }) < 0 ||
			       run_in("nft", n->client_ns, where, err,
				      (const char *const[]){ "add", "rule", "ip", NAT_TABLE, "out", "ip",
							     "daddr", n->client_addr, "tcp", "dport",
							     NAT_PORT, "dnat", "to", to, NULL }) < 0
		       ? -1
		       : 0;
}

int vb_netpath_enter(int ns, int *orig, vb_error_t *err)
{
	*orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*orig < 0)
		return vb_error_set(err, VB_ESYS, errno, "open this process's network namespace");
	if (ns >= 0 && setns(ns, CLONE_NEWNET) < 0) {
		close(*orig);
		*orig = -1;
		return vb_error_set(err, VB_ESYS, errno, "enter the client's network namespace");
	}
	return 0;
}

void vb_netpath_leave(int orig)
{
	if (setns(orig, CLONE_NEWNET) < 0) {
		/* cannot come back: never measure from a foreign namespace */
		fprintf(stderr, "vbench: cannot return to its network namespace: %s\n",
			strerror(errno));
		abort();
	}
	close(orig);
}

/* A new network namespace for the client, this process left in its own;
 * the descriptor, or -1 with @err. */
static int client_namespace(vb_error_t *err)
{
	int orig, fd = -1, e;

	if (vb_netpath_enter(-1, &orig, err) < 0)
		return -1;
	if (unshare(CLONE_NEWNET) == 0) {
		fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		e = errno;
		vb_netpath_leave(orig);
		if (fd < 0)
			vb_error_set(err, VB_ESYS, e, "open the client's network namespace");
	} else {
		vb_error_set(err, VB_EUNAVAIL, errno, "a network namespace for the client");
		close(orig);
	}
	return fd;
}

/* The start of every path: @n reset, the client's namespace made, its
 * loopback up, the fixed addresses named.  0, or -1 with @err and nothing
 * left. */
static int begin(vb_netpath_t *n, vb_error_t *err)
{
	memset(n, 0, sizeof(*n));
	n->client_ns = client_namespace(err);
	if (n->client_ns < 0)
		return -1;
	n->up = 1;
	snprintf(n->ifname, sizeof(n->ifname), IFNAME);
	snprintf(n->client_addr, sizeof(n->client_addr), CLIENT_ADDR);
	snprintf(n->ct_addr, sizeof(n->ct_addr), CT_ADDR);
	if (ip(n->client_ns, "the client's namespace", err,
	       (const char *const[]){ "link", "set", "lo", "up", NULL }) < 0) {
		vb_netpath_down(n);
		return -1;
	}
	return 0;
}

int vb_netpath_veth(vb_netpath_t *n, int netns_fd, int nat, vb_error_t *err)
{
	static const char client_cidr[] = CLIENT_ADDR "/30", ct_cidr[] = CT_ADDR "/30";
	char peer[64];

	if (begin(n, err) < 0)
		return -1;
	/* made in the container's namespace, its peer put in the client's
	 * (a path to our descriptor: no other process's PID is named) */
	snprintf(peer, sizeof(peer), "/proc/%d/fd/%d", (int)getpid(), n->client_ns);
	if (ip(netns_fd, "the container", err,
	       (const char *const[]){ "link", "add", IFNAME, "type", "veth", "peer", "name", IFNAME,
				      "netns", peer, NULL }) < 0 ||
	    ip(n->client_ns, "the client's namespace", err,
	       (const char *const[]){ "addr", "add", client_cidr, "dev", IFNAME, NULL }) < 0 ||
	    ip(n->client_ns, "the client's namespace", err,
	       (const char *const[]){ "link", "set", IFNAME, "up", NULL }) < 0 ||
	    ip(netns_fd, "the container", err,
	       (const char *const[]){ "addr", "add", ct_cidr, "dev", IFNAME, NULL }) < 0 ||
	    ip(netns_fd, "the container", err,
	       (const char *const[]){ "link", "set", IFNAME, "up", NULL }) < 0 ||
	    ip(netns_fd, "the container", err,
	       (const char *const[]){ "link", "set", "lo", "up", NULL }) < 0 ||
	    (nat && publish(n, err) < 0)) {
		vb_netpath_down(n);
		return -1;
	}
	n->nat = nat;
	return 0;
}

/* The tap "vb0", opened in namespace @ns: its descriptor, or -1 with @err. */
static int open_tap(int ns, vb_error_t *err)
{
	struct ifreq ifr;
	int orig, fd = -1, e = 0;

	if (vb_netpath_enter(ns, &orig, err) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR; /* virtio-net's header: offloads */
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), IFNAME);
	fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	vb_netpath_leave(orig);
	if (fd < 0)
		vb_error_set(err, VB_EUNAVAIL, e, "a tap device (" TUN_DEV ")");
	return fd;
}

int vb_netpath_tap(vb_netpath_t *n, int *tap_fd, vb_error_t *err)
{
	static const char client_cidr[] = CLIENT_ADDR "/30";

	*tap_fd = -1;
	if (begin(n, err) < 0)
		return -1;
	n->tap = 1;
	*tap_fd = open_tap(n->client_ns, err);
	if (*tap_fd < 0 ||
	    ip(n->client_ns, "the client's namespace", err,
	       (const char *const[]){ "addr", "add", client_cidr, "dev", IFNAME, NULL }) < 0 ||
	    ip(n->client_ns, "the client's namespace", err,
	       (const char *const[]){ "link", "set", IFNAME, "up", NULL }) < 0) {
		if (*tap_fd >= 0)
			close(*tap_fd);
		*tap_fd = -1;
		vb_netpath_down(n);
		return -1;
	}
	return 0;
}

int vb_netpath_private(vb_netpath_t *n, vb_error_t *err)
{
	if (begin(n, err) < 0)
		return -1;
	n->engine = 1;
	snprintf(n->client_addr, sizeof(n->client_addr), "127.0.0.1");
	return 0;
}

int vb_netpath_join(void *arg)
{
	return join_netns(arg);
}

void vb_netpath_engine_path(const vb_netpath_t *n, const char *engine, vb_net_path_t *np)
{
	np->has_netns = 1;
	np->netns_fd = n->client_ns;
	snprintf(np->addr, sizeof(np->addr), "127.0.0.1");
	snprintf(np->path, sizeof(np->path),
		 "%s's default network (its bridge, a veth pair, the published port 127.0.0.1:%s "
		 "by destination NAT), made by %s in a private namespace vbench gives it and the "
		 "client",
		 engine, NAT_PORT, engine);
	np->connect_port = (unsigned)atoi(NAT_PORT);
	np->listen_port = SERVER_PORT;
}

const char *vb_netpath_publish_arg(void)
{
	return "127.0.0.1:" NAT_PORT ":5201";
}

const char *vb_netpath_guest_cidr(void)
{
	return CT_ADDR "/30";
}

void vb_netpath_path(const vb_netpath_t *n, vb_net_path_t *np)
{
	np->has_netns = 1;
	np->netns_fd = n->client_ns;
	if (n->nat) {
		snprintf(np->addr, sizeof(np->addr), "%s", n->client_addr);
		snprintf(np->path, sizeof(np->path),
			 "published port (destination NAT, connection tracking) over a veth pair: "
			 "the client's own namespace %s:%s to the container's %s:%d",
			 n->client_addr, NAT_PORT, n->ct_addr, SERVER_PORT);
		np->connect_port = (unsigned)atoi(NAT_PORT);
		np->listen_port = SERVER_PORT;
		return;
	}
	snprintf(np->addr, sizeof(np->addr), "%s", n->ct_addr);
	snprintf(np->path, sizeof(np->path),
		 n->tap ? "tap device, routed (no NAT): the client's own namespace %s to the "
			  "guest's %s over virtio-net"
			: "veth pair, routed (no NAT): the client's own namespace %s to the "
			  "container's %s",
		 n->client_addr, n->ct_addr);
}

void vb_netpath_host_path(vb_net_path_t *np)
{
	snprintf(np->addr, sizeof(np->addr), "127.0.0.1");
	snprintf(np->path, sizeof(np->path),
		 "the host's network (no network namespace): loopback, as bare metal");
	snprintf(np->listen_addr, sizeof(np->listen_addr), "127.0.0.1");
}

int vb_netpath_is_host(const vb_env_t *env)
{
	return env->net_mode && !strcmp(env->net_mode, "host");
}

const char *vb_netpath_ns_name(const vb_env_t *env)
{
	return vb_netpath_is_host(env) ? "(the host's network)" : "network";
}

int vb_netpath_is_nat(const vb_env_t *env)
{
	return env->net_mode && !strcmp(env->net_mode, "nat");
}

void vb_netpath_down(vb_netpath_t *n)
{
	if (!n->up)
		return;
	n->up = 0;
	if (n->client_ns >= 0)
		close(n->client_ns); /* the last holder: the namespace and the pair go */
	n->client_ns = -1;
}

int vb_netpath_child_ns(pid_t parent, int *fd, vb_error_t *err)
{
	char path[96], buf[256];
	struct stat ns, self;
	struct dirent *de;
	int child = 0;
	FILE *f;
	DIR *d;

	*fd = -1;
	/* a child of any of its threads (runc, in Go, forks from any) */
	snprintf(path, sizeof(path), "/proc/%d/task", (int)parent);
	d = opendir(path);
	while (d && !child && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.20s/children", (int)parent, de->d_name);
		f = fopen(path, "re");
		if (f && fgets(buf, sizeof(buf), f) && sscanf(buf, "%d", &child) != 1)
			child = 0;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	if (child <= 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "no container process under the runtime (pid %d)",
				    (int)parent);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", child);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno, "open %s", path);
	if (vb_ct_parent_of(child) != parent) { /* gone, its PID another process's */
		close(*fd);
		*fd = -1;
		return vb_error_set(err, VB_EUNAVAIL, 0, "the container process %d went away", child);
	}
	if (fstat(*fd, &ns) < 0 || stat("/proc/self/ns/net", &self) < 0 ||
	    (ns.st_dev == self.st_dev && ns.st_ino == self.st_ino)) { /* a helper on the host */
		close(*fd);
		*fd = -1;
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "process %d under the runtime has no network namespace of its own",
				    child);
	}
	return 0;
}
