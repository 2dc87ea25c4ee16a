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
#include <sys/types.h>

#include "lib/error.h"
#include "workloads/workload.h"

/* Listen on TCP @port (0: any) of IPv4 address @addr (NULL or "": every
 * address); the socket into *@fd and its port into *@bound.  0, or -1 with
 * @err. */
int vb_net_listen(const char *addr, unsigned port, int *fd, unsigned *bound, vb_error_t *err);

/*
 * The limits of every wait below, for this process: at most @io_timeout_ms
 * of silence from the peer (0: 10 s), and no read or write begun past
 * @deadline_ns (vb_now_ns; 0: none) however the peer trickles (so a
 * repetition ends at most one silence after it).  A signal ends a wait
 * (VB_EINTR): the harness's Ctrl-C reaches its client.
 */
void vb_net_limits(int io_timeout_ms, uint64_t deadline_ns);

/* Accept one connection on @lfd (no delay on small writes).  The socket,
 * or -1 with @err. */
int vb_net_accept(int lfd, vb_error_t *err);

/* Connect to @host:@port, as vb_net_accept's socket.  The socket, or -1
 * with @err naming the address. */
int vb_net_connect(const char *host, unsigned port, vb_error_t *err);

/* Read exactly @n bytes (-1 on an error, the peer's end or a limit; @what
 * names the data in the error). */
int vb_net_read_full(int fd, void *buf, size_t n, const char *what, vb_error_t *err);
/* Read what comes, at most @n bytes: the count (0: the peer's end), or -1. */
ssize_t vb_net_read_some(int fd, void *buf, size_t n, const char *what, vb_error_t *err);
/* Write all @n bytes (-1 on an error or a limit). */
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

/* The server's listening socket (on ctx->listen_addr, "" every address,
 * and ctx->listen_port, 0: any; waits bounded by ctx->io_timeout_ms) into *@lfd,
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
