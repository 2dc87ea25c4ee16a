/*
 * net_common.h - what the network workloads share (net_stream.c, net_rr.c,
 * net_crr.c): TCP sockets with bounded waits on both sides, whole reads and
 * writes, the bytes they send and the checksum over them, and latency
 * percentiles.  IPv4 only: every path vbench builds has a private IPv4
 * address (docs/methodology.md, "Network paths").
 *
 * Must not: choose an address or a path: the server listens on every
 * address of its environment, the client connects where the harness says.
 */
#ifndef VB_NET_COMMON_H
#define VB_NET_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "workloads/workload.h"

/* Listen on TCP @port (0: any) of every IPv4 address; the socket into
 * *@fd and its port into *@bound.  0, or -1 with @err. */
int vb_net_listen(unsigned port, int *fd, unsigned *bound, vb_error_t *err);

/* Accept one connection on @lfd within @timeout_ms (no delay on small
 * writes, reads and writes bounded by @timeout_ms).  The socket, or -1. */
int vb_net_accept(int lfd, int timeout_ms, vb_error_t *err);

/* Connect to @host:@port within @timeout_ms, as vb_net_accept's socket.
 * The socket, or -1 with @err naming the address. */
int vb_net_connect(const char *host, unsigned port, int timeout_ms, vb_error_t *err);

/* Read exactly @n bytes (-1 on an error, the peer's end or the timeout;
 * @what names the data in the error). */
int vb_net_read_full(int fd, void *buf, size_t n, const char *what, vb_error_t *err);
/* Write all @n bytes (-1 on an error or the timeout). */
int vb_net_write_full(int fd, const void *buf, size_t n, const char *what, vb_error_t *err);

/* Fill @buf with the workload's bytes (the same on both sides). */
void vb_net_fill(uint8_t *buf, size_t n, uint64_t seed);
/* The sum of @n bytes added to @s: the stream's checksum, cheap enough
 * (vectorised) not to slow a receiver at tens of Gbit/s, as a hash over
 * every byte would (FNV-1a held net.stream to 3 Gbit/s where iperf3 made
 * 24); TCP keeps the order, the sum and the count catch a lost, extra or
 * changed byte. */
uint64_t vb_net_sum(uint64_t s, const uint8_t *buf, size_t n);

/* The @q quantile (0..1) of @n sorted latencies in ns, in microseconds. */
double vb_net_quantile_us(const uint32_t *sorted, size_t n, double q);
/* Sort @n latencies in place. */
void vb_net_sort(uint32_t *v, size_t n);

/* The server's listening socket (on ctx->listen_port, 0: any) into *@lfd,
 * its port announced to the harness (ctx->listening).  0, or -1 with @err
 * (the socket closed). */
int vb_net_serve_listen(vb_wctx_t *ctx, int *lfd, vb_error_t *err);

/* Nanoseconds between two vb_now_ns() readings as a latency sample. */
static inline uint32_t vb_net_sample(uint64_t t0, uint64_t t1)
{
	uint64_t d = t1 - t0;

	return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

#endif
