/*
 * net_common.c - sockets, bytes and latencies of the network workloads
 * (net_common.h).
 */
#include "workloads/net_common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "lib/util.h"

/* The waits of this process's network I/O (vb_net_limits). */
static int io_ms = 10000;
static uint64_t deadline;

void vb_net_limits(int io_timeout_ms, uint64_t deadline_ns)
{
	io_ms = io_timeout_ms > 0 ? io_timeout_ms : 10000;
	deadline = deadline_ns;
}

/*
 * Wait until @fd is ready for @ev: at most io_ms of silence, and never past
 * the deadline.  0, or -1 with @err: VB_ETIMEOUT, VB_EINTR (a signal: the
 * harness's Ctrl-C), VB_ESYS.
 */
static int wait_fd(int fd, short ev, const char *what, vb_error_t *err)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int ms = io_ms, rc, cut = 0;
	uint64_t now;

	if (deadline) {
		now = vb_now_ns();
		if (now >= deadline)
			return vb_error_set(err, VB_ETIMEOUT, 0, "%s: the repetition's time is up", what);
		if ((deadline - now) / 1000000 < (uint64_t)ms) {
			ms = (int)((deadline - now) / 1000000) + 1;
			cut = 1;
		}
	}
	rc = poll(&p, 1, ms);
	if (rc < 0 && errno == EINTR)
		return vb_error_set(err, VB_EINTR, 0, "%s: interrupted", what);
	if (rc < 0)
		return vb_error_set(err, VB_ESYS, errno, "%s: wait", what);
	if (rc == 0 && cut)
		return vb_error_set(err, VB_ETIMEOUT, 0, "%s: the repetition's time is up", what);
	if (rc == 0)
		return vb_error_set(err, VB_ETIMEOUT, 0, "%s: the peer went silent for %d ms", what, ms);
	return 0;
}

/* No delay on small writes; a blocking read or write waits io_ms at most
 * (one system call per read or write, as netperf and sockperf: a poll()
 * before each would add two to every round trip). */
static void tune(int fd)
{
	struct timeval tv = { .tv_sec = io_ms / 1000, .tv_usec = (io_ms % 1000) * 1000 };
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Before a blocking read or write: past the deadline (checked on the
 * clock, no system call) is an error; so after it is a timeout or a
 * signal.  0 to go on, -1 with @err. */
static int time_left(const char *what, vb_error_t *err)
{
	if (deadline && vb_now_ns() >= deadline)
		return vb_error_set(err, VB_ETIMEOUT, 0, "%s: the repetition's time is up", what);
	return 0;
}

/* After a failed read or write (-1, errno): the error, -1. */
static int io_failed(const char *op, const char *what, vb_error_t *err)
{
	if (errno == EINTR)
		return vb_error_set(err, VB_EINTR, 0, "%s: interrupted", what);
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return vb_error_set(err, VB_ETIMEOUT, 0, "%s: the peer went silent for %d ms", what,
				    io_ms);
	return vb_error_set(err, VB_ESYS, errno, "%s %s", op, what);
}

int vb_net_listen(const char *addr, unsigned port, int *fd, unsigned *bound, vb_error_t *err)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	socklen_t len = sizeof(a);
	int one = 1, s;

	if (port > 65535)
		return vb_error_set(err, VB_EUSAGE, 0, "port %u is not a TCP port", port);
	if (addr && addr[0] && inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return vb_error_set(err, VB_EUSAGE, 0, "'%.64s' is no IPv4 address to listen on",
				    addr);
	a.sin_port = htons((uint16_t)port);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vb_error_set(err, VB_ESYS, errno, "socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1024) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0) {
		vb_error_set(err, VB_ESYS, errno, "listen on %s:%u", addr && addr[0] ? addr : "*", port);
		close(s);
		return -1;
	}
	*fd = s;
	*bound = ntohs(a.sin_port);
	return 0;
}

int vb_net_accept(int lfd, vb_error_t *err)
{
	int s;

	if (wait_fd(lfd, POLLIN, "waiting for the client", err) < 0)
		return -1;
	s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		return vb_error_set(err, VB_ESYS, errno, "accept");
	tune(s);
	return s;
}

int vb_net_connect(const char *host, unsigned port, vb_error_t *err)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	socklen_t len = sizeof(int);
	int s, rc, e = 0, fl;

	if (!host || inet_pton(AF_INET, host, &a.sin_addr) != 1 || port == 0 || port > 65535)
		return vb_error_set(err, VB_EUSAGE, 0, "'%s:%u' is no IPv4 address and port",
				    host ? host : "", port);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return vb_error_set(err, VB_ESYS, errno, "socket");
	rc = connect(s, (struct sockaddr *)&a, sizeof(a));
	if (rc < 0 && errno == EINPROGRESS) {
		if (wait_fd(s, POLLOUT, "connect", err) < 0) {
			close(s);
			return vb_error_prefix(err, "%s:%u", host, port);
		}
		rc = getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len) < 0 ? -1 : (e ? -1 : 0);
		if (e)
			errno = e;
	}
	if (rc < 0) {
		vb_error_set(err, VB_ESYS, errno, "connect to %s:%u", host, port);
		close(s);
		return -1;
	}
	fl = fcntl(s, F_GETFL);
	fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
	tune(s);
	return s;
}

int vb_net_read_full(int fd, void *buf, size_t n, const char *what, vb_error_t *err)
{
	uint8_t *p = buf;
	ssize_t r;

	while (n) {
		if (time_left(what, err) < 0)
			return -1;
		r = read(fd, p, n);
		if (r < 0)
			return io_failed("read", what, err);
		if (r == 0)
			return vb_error_set(err, VB_ECHECK, 0, "%s: the peer closed %zu bytes early",
					    what, n);
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

ssize_t vb_net_read_some(int fd, void *buf, size_t n, const char *what, vb_error_t *err)
{
	ssize_t r;

	if (time_left(what, err) < 0)
		return -1;
	r = read(fd, buf, n);
	return r < 0 ? io_failed("read", what, err) : r;
}

int vb_net_write_full(int fd, const void *buf, size_t n, const char *what, vb_error_t *err)
{
	const uint8_t *p = buf;
	ssize_t r;

	while (n) {
		if (time_left(what, err) < 0)
			return -1;
		r = send(fd, p, n, MSG_NOSIGNAL);
		if (r < 0)
			return io_failed("write", what, err);
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

void vb_net_fill(uint8_t *buf, size_t n, uint64_t seed)
{
	uint64_t x = seed ? seed : 0x9e3779b97f4a7c15ull;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)(x >> 24);
	}
}

uint64_t vb_net_sum(uint64_t s, const uint8_t *buf, size_t n)
{
	const uint64_t m = 0x00ff00ff00ff00ffull;
	uint64_t w, acc;
	size_t i = 0, k;

	/* eight bytes at a time into four 16-bit lanes (SWAR), emptied before
	 * they can overflow: 64 words add at most 64 x 2 x 255 to a lane */
	while (i + 8 <= n) {
		acc = 0;
		for (k = 0; k < 64 && i + 8 <= n; k++, i += 8) {
			memcpy(&w, buf + i, sizeof(w));
			acc += (w & m) + ((w >> 8) & m);
		}
		s += (acc & 0xffff) + ((acc >> 16) & 0xffff) + ((acc >> 32) & 0xffff) + (acc >> 48);
	}
	for (; i < n; i++)
		s += buf[i];
	return s;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void vb_net_sort(uint32_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u32);
}

double vb_net_quantile_us(const uint32_t *sorted, size_t n, double q)
{
	size_t k;

	if (!n)
		return 0;
	/* the nearest rank: the smallest value with at least q of them at or below */
	k = (size_t)(q * (double)n + 0.999999);
	k = k ? k - 1 : 0;
	return (double)sorted[k < n ? k : n - 1] / 1e3;
}

int vb_net_serve_listen(vb_wctx_t *ctx, int *lfd, vb_error_t *err)
{
	unsigned port = 0;

	if (!ctx->listening)
		return vb_error_set(err, VB_EUSAGE, 0, "no client to tell where the server listens");
	vb_net_limits(ctx->io_timeout_ms, 0);
	if (vb_net_listen(ctx->listen_addr, ctx->listen_port, lfd, &port, err) < 0)
		return -1;
	if (ctx->listening(ctx, port, err) < 0) {
		close(*lfd);
		return -1;
	}
	return 0;
}
