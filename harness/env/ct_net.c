/*
 * ct_net.c - a veth pair into a container's network namespace (ct_net.h).
 */
#include "harness/env/ct_net.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "harness/core/undo.h"

#define NET_BASE 0xc6120000u /* 198.18.0.0/15 */
#define NET_BLOCKS 32768u    /* /30 blocks in it */
#define IP_TIMEOUT_MS 10000

static unsigned counter; /* pairs made by this process */

/* The child's set-up: join the namespace of descriptor *@arg. */
static int join_netns(void *arg)
{
	return setns(*(int *)arg, CLONE_NEWNET);
}

/* `ip @args...` (in the namespace @netns_fd when >= 0); 0 or -1 with @err. */
static int ip(int netns_fd, vb_error_t *err, const char *const *args)
{
	char path[256], errout[512];
	char *argv[16];
	vb_proc_opts_t o = { .timeout_ms = IP_TIMEOUT_MS };
	size_t i;
	int rc;

	if (vb_proc_which("ip", path, sizeof(path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "iproute2's ip is not installed (apt-get install iproute2)");
	argv[0] = path;
	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	if (netns_fd >= 0) {
		o.child_hook = join_netns;
		o.hook_arg = &netns_fd;
	}
	rc = vb_proc_capture(argv, &o, NULL, 0, errout, sizeof(errout), err);
	if (rc < 0)
		return -1;
	if (rc != 0) {
		errout[strcspn(errout, "\n")] = '\0';
		return vb_error_set(err, VB_EUNAVAIL, 0, "ip %s %s %s%s: exit %d: %s", args[0],
				    args[1] ? args[1] : "", args[1] && args[2] ? args[2] : "",
				    netns_fd >= 0 ? " (in the container)" : "", rc, errout);
	}
	return 0;
}

/* Whether any IPv4 address of this namespace lies in the /30 @block. */
static int block_used(uint32_t block)
{
	struct ifaddrs *ifa, *i;
	uint32_t a;
	int used = 0;

	if (getifaddrs(&ifa) < 0)
		return 1; /* cannot tell: take another */
	for (i = ifa; i && !used; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET) {
			a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
			used = (a & ~3u) == block;
		}
	freeifaddrs(ifa);
	return used;
}

static void dotted(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &in, buf, (socklen_t)len);
}

static void undo_link(void *arg)
{
	vb_ct_net_t *n = arg;

	n->res = 0; /* released: vb_ct_net_down must not release it again */
	vb_ct_net_down(n);
}

int vb_ct_net_veth(vb_ct_net_t *n, int netns_fd, vb_error_t *err)
{
	char host_cidr[24], ct_cidr[24], self[16];
	uint32_t block = 0, k;
	unsigned id = counter++;

	memset(n, 0, sizeof(*n));
	for (k = 0; k < 64; k++) {
		block = NET_BASE + 4 * (((unsigned)getpid() * 61u + id * 4099u + k) % NET_BLOCKS);
		if (!block_used(block))
			break;
	}
	if (k == 64)
		return vb_error_set(err, VB_EUNAVAIL, 0, "no free /30 in 198.18.0.0/15 for a veth pair");
	snprintf(n->host_if, sizeof(n->host_if), "vb%u.%uh", (unsigned)getpid() % 1000000u, id % 100u);
	snprintf(n->ct_if, sizeof(n->ct_if), "vb%u.%uc", (unsigned)getpid() % 1000000u, id % 100u);
	dotted(block + 1, n->host_addr, sizeof(n->host_addr));
	dotted(block + 2, n->ct_addr, sizeof(n->ct_addr));
	snprintf(host_cidr, sizeof(host_cidr), "%s/30", n->host_addr);
	snprintf(ct_cidr, sizeof(ct_cidr), "%s/30", n->ct_addr);
	snprintf(self, sizeof(self), "%d", (int)getpid());
	/* Made inside, its peer put in this process's namespace: no PID of
	 * another process is named. */
	if (ip(netns_fd, err,
	       (const char *const[]){ "link", "add", n->ct_if, "type", "veth", "peer", "name",
				      n->host_if, "netns", self, NULL }) < 0)
		return -1;
	n->up = 1;
	n->res = vb_undo_add_func(undo_link, n, "veth pair");
	if (ip(-1, err, (const char *const[]){ "addr", "add", host_cidr, "dev", n->host_if, NULL }) < 0 ||
	    ip(-1, err, (const char *const[]){ "link", "set", n->host_if, "up", NULL }) < 0 ||
	    ip(netns_fd, err,
	       (const char *const[]){ "addr", "add", ct_cidr, "dev", n->ct_if, NULL }) < 0 ||
	    ip(netns_fd, err, (const char *const[]){ "link", "set", n->ct_if, "up", NULL }) < 0 ||
	    ip(netns_fd, err, (const char *const[]){ "link", "set", "lo", "up", NULL }) < 0) {
		vb_ct_net_down(n);
		return -1;
	}
	return 0;
}

void vb_ct_net_down(vb_ct_net_t *n)
{
	vb_error_t err;

	if (!n->up)
		return;
	n->up = 0;
	if (n->res > 0) {
		vb_undo_forget(n->res);
		n->res = 0;
	}
	/* Gone with the namespace already, most of the time: not an error. */
	if (if_nametoindex(n->host_if))
		ip(-1, &err, (const char *const[]){ "link", "del", n->host_if, NULL });
}

/* The parent of @pid from /proc/PID/stat, or -1. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *rp;
	int ppid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')))
		sscanf(rp + 1, " %*c %d", &ppid);
	fclose(f);
	return ppid;
}

int vb_ct_net_child_ns(pid_t parent, int *fd, vb_error_t *err)
{
	char path[96], buf[256];
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
	if (parent_of(child) != parent) { /* gone, its PID another process's */
		close(*fd);
		*fd = -1;
		return vb_error_set(err, VB_EUNAVAIL, 0, "the container process %d went away", child);
	}
	return 0;
}
