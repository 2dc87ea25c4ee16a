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

/* No delay on small writes; reads and writes bounded by @ms. */
static void tune(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int vb_net_listen(unsigned port, int *fd, unsigned *bound, vb_error_t *err)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	socklen_t len = sizeof(a);
	int one = 1, s;

	if (port > 65535)
		return vb_error_set(err, VB_EUSAGE, 0, "port %u is not a TCP port", port);
	a.sin_port = htons((uint16_t)port);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vb_error_set(err, VB_ESYS, errno, "socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1024) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0) {
		vb_error_set(err, VB_ESYS, errno, "listen on TCP port %u", port);
		close(s);
		return -1;
	}
	*fd = s;
	*bound = ntohs(a.sin_port);
	return 0;
}

int vb_net_accept(int lfd, int timeout_ms, vb_error_t *err)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	int rc, s;

	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return vb_error_set(err, VB_ETIMEOUT, 0, "no client connected within %d ms",
				    timeout_ms);
	if (rc < 0)
		return vb_error_set(err, VB_ESYS, errno, "wait for a client");
	s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		return vb_error_set(err, VB_ESYS, errno, "accept");
	tune(s, timeout_ms);
	return s;
}

int vb_net_connect(const char *host, unsigned port, int timeout_ms, vb_error_t *err)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct pollfd p;
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
		p = (struct pollfd){ .fd = s, .events = POLLOUT };
		do
			rc = poll(&p, 1, timeout_ms);
		while (rc < 0 && errno == EINTR);
		if (rc == 0) {
			close(s);
			return vb_error_set(err, VB_ETIMEOUT, 0, "connect to %s:%u: no answer within %d ms",
					    host, port, timeout_ms);
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
	tune(s, timeout_ms);
	return s;
}

int vb_net_read_full(int fd, void *buf, size_t n, const char *what, vb_error_t *err)
{
	uint8_t *p = buf;
	ssize_t r;

	while (n) {
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return vb_error_set(err, VB_ETIMEOUT, 0, "%s: the peer went silent", what);
		if (r < 0)
			return vb_error_set(err, VB_ESYS, errno, "read %s", what);
		if (r == 0)
			return vb_error_set(err, VB_ECHECK, 0, "%s: the peer closed %zu bytes early",
					    what, n);
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int vb_net_write_full(int fd, const void *buf, size_t n, const char *what, vb_error_t *err)
{
	const uint8_t *p = buf;
	ssize_t r;

	while (n) {
		r = send(fd, p, n, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return vb_error_set(err, VB_ETIMEOUT, 0, "%s: the peer stopped reading", what);
		if (r < 0)
			return vb_error_set(err, VB_ESYS, errno, "write %s", what);
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
	unsigned port;

	if (!ctx->listening)
		return vb_error_set(err, VB_EUSAGE, 0, "no client to tell where the server listens");
	if (vb_net_listen(ctx->listen_port, lfd, &port, err) < 0)
		return -1;
	if (ctx->listening(ctx, port, err) < 0) {
		close(*lfd);
		return -1;
	}
	return 0;
}
