/*
 * net_stream.c - net.stream: TCP bulk transfer across the environment's
 * network boundary (netperf TCP_STREAM, iperf3).
 *
 * The server runs in the environment, the client on the host (harness).
 * direction=tx (the default): the client writes `bytes` in `msg`-sized
 * writes of a fixed pseudo-random pattern, then shuts its side down; the
 * server reads to the end, counting the bytes and summing them (a byte sum: see net_common.h),
 * and answers with its count and sum, which the client compares with its
 * own.  direction=rx: the server writes and the client reads and checks,
 * then answers the server the same way.  The client's time runs from the
 * first byte to the answer, so the last byte was received when it stops.
 * Metrics: Gbit/s of payload (primary) and MB/s.
 */
#include "workloads/workload.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "workloads/net_common.h"

#define SEED 0x5eed5eedull

static const vb_param_desc_t params[] = {
	{ "bytes", VB_P_U64, "1073741824", 1, 1ull << 40, "payload bytes transferred (bytes)" },
	{ "msg", VB_P_SIZE, "128K", 1, 16u << 20, "bytes per write (bytes)" },
	{ "direction", VB_P_STR, "tx", 0, 0, "tx: host to environment; rx: environment to host" },
};

static const vb_metric_desc_t metrics[] = {
	{ "gbit_s", "Gbit/s", VB_HIGHER_IS_BETTER, "payload throughput in gigabits per second" },
	{ "mb_s", "MB/s", VB_HIGHER_IS_BETTER, "payload throughput in megabytes (1e6) per second" },
};

/* tx (1) or rx (0); -1 with @err for anything else. */
static int direction(const vb_params_t *p, vb_error_t *err)
{
	const char *d = vb_param_str(p, "direction");

	if (!strcmp(d, "tx"))
		return 1;
	if (!strcmp(d, "rx"))
		return 0;
	return vb_error_set(err, VB_EUSAGE, 0, "net.stream.direction: '%s' (expected tx or rx)", d);
}

/* Write @bytes of the pattern in @msg-sized writes. */
static int send_all(int fd, const uint8_t *buf, uint64_t bytes, uint64_t msg, vb_error_t *err)
{
	uint64_t left = bytes, n;

	while (left) {
		n = left < msg ? left : msg;
		if (vb_net_write_full(fd, buf, (size_t)n, "the stream", err) < 0)
			return -1;
		left -= n;
	}
	return 0;
}

/* Read to the peer's end: the count and the sum of what came; more than
 * @bytes is an error (a peer that never stops is cut off there). */
static int recv_all(int fd, uint8_t *buf, size_t cap, uint64_t bytes, uint64_t *count,
		    uint64_t *hash, vb_error_t *err)
{
	ssize_t r;

	*count = 0;
	*hash = 0;
	for (;;) {
		r = vb_net_read_some(fd, buf, cap, "the stream", err);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		*hash = vb_net_sum(*hash, buf, (size_t)r);
		*count += (uint64_t)r;
		if (*count > bytes)
			return vb_error_set(err, VB_ECHECK, 0, "more than the %llu bytes expected",
					    (unsigned long long)bytes);
	}
}

/* The expected sum of @bytes of the pattern written @msg at a time. */
static uint64_t expected_hash(const uint8_t *buf, uint64_t bytes, uint64_t msg)
{
	uint64_t whole = bytes / msg;

	return whole * vb_net_sum(0, buf, (size_t)msg) + vb_net_sum(0, buf, (size_t)(bytes % msg));
}

/* The answer of a reader: its count and sum, 16 bytes big-endian. */
static int answer(int fd, uint64_t count, uint64_t hash, vb_error_t *err)
{
	uint64_t a[2] = { htobe64(count), htobe64(hash) };

	return vb_net_write_full(fd, a, sizeof(a), "the answer", err);
}

static int check(int fd, uint64_t count, uint64_t hash, int corrupt, const char *who,
		 vb_error_t *err)
{
	uint64_t a[2];

	if (vb_net_read_full(fd, a, sizeof(a), "the answer", err) < 0)
		return -1;
	if (corrupt)
		a[1] ^= 1;
	if (be64toh(a[0]) != count || be64toh(a[1]) != hash)
		return vb_error_set(err, VB_ECHECK, 0,
				    "%s received %llu bytes with hash %016llx, sent %llu with %016llx",
				    who, (unsigned long long)be64toh(a[0]),
				    (unsigned long long)be64toh(a[1]), (unsigned long long)count,
				    (unsigned long long)hash);
	return 0;
}

static void fill_metrics(vb_wresult_t *res, uint64_t bytes, uint64_t msg)
{
	double ns = res->elapsed_ns ? (double)res->elapsed_ns : 1.0;

	res->ops = (bytes + msg - 1) / msg;
	res->bytes = bytes;
	res->metric[0] = (double)bytes * 8 / ns;
	res->metric[1] = (double)bytes * 1e3 / ns;
}

/* One write's worth of the pattern (the same on both sides), or NULL. */
static uint8_t *pattern(uint64_t msg, vb_error_t *err)
{
	uint8_t *buf = malloc((size_t)msg);

	if (!buf) {
		vb_error_set(err, VB_ERESOURCE, 0, "%llu-byte buffer", (unsigned long long)msg);
		return NULL;
	}
	vb_net_fill(buf, (size_t)msg, SEED);
	return buf;
}

/* The server, in the environment. */
static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	uint64_t bytes = vb_param_u64(ctx->params, "bytes"), msg = vb_param_u64(ctx->params, "msg");
	uint64_t count = 0, hash = 0;
	int tx = direction(ctx->params, err), lfd, fd, rc = -1;
	uint8_t *buf;

	if (tx < 0 || !(buf = pattern(msg, err)))
		return -1;
	if (vb_net_serve_listen(ctx, &lfd, err) < 0)
		goto out;
	fd = vb_net_accept(lfd, err);
	close(lfd);
	if (fd < 0)
		goto out;
	vb_wctx_begin(ctx);
	if (tx)
		rc = recv_all(fd, buf, (size_t)msg, bytes, &count, &hash, err);
	else if ((rc = send_all(fd, buf, bytes, msg, err)) == 0)
		shutdown(fd, SHUT_WR);
	vb_wctx_end(ctx);
	if (rc == 0)
		rc = tx ? answer(fd, count, hash, err)
			: check(fd, bytes, expected_hash(buf, bytes, msg), ctx->corrupt, "the client",
				err);
	close(fd);
	if (rc == 0 && tx && count != bytes)
		rc = vb_error_set(err, VB_ECHECK, 0, "received %llu bytes of %llu",
				  (unsigned long long)count, (unsigned long long)bytes);
	if (rc == 0)
		fill_metrics(res, bytes, msg);
out:
	free(buf);
	return rc;
}

/* The client, on the host. */
static int drive(const vb_drive_t *d, vb_wresult_t *res, vb_error_t *err)
{
	uint64_t bytes = vb_param_u64(d->params, "bytes"), msg = vb_param_u64(d->params, "msg");
	uint64_t count = 0, hash = 0, t0, want;
	int tx = direction(d->params, err), fd, rc;
	uint8_t *buf;

	if (tx < 0 || !(buf = pattern(msg, err)))
		return -1;
	want = expected_hash(buf, bytes, msg); /* outside the region */
	vb_net_limits(d->io_timeout_ms, d->deadline_ns);
	fd = vb_net_connect(d->host, d->port, err);
	if (fd < 0) {
		free(buf);
		return -1;
	}
	t0 = vb_now_ns();
	if (tx) {
		rc = send_all(fd, buf, bytes, msg, err);
		if (rc == 0) {
			shutdown(fd, SHUT_WR);
			rc = check(fd, bytes, want, d->corrupt, "the server", err);
		}
		res->elapsed_ns = vb_now_ns() - t0;
	} else {
		uint8_t *in = malloc((size_t)msg); /* buf keeps the pattern to check against */

		rc = in ? recv_all(fd, in, (size_t)msg, bytes, &count, &hash, err)
			: vb_error_set(err, VB_ERESOURCE, 0, "%llu-byte buffer",
				       (unsigned long long)msg);
		res->elapsed_ns = vb_now_ns() - t0;
		free(in);
		if (rc == 0 && d->corrupt)
			hash ^= 1;
		if (rc == 0 && (count != bytes || hash != want))
			rc = vb_error_set(err, VB_ECHECK, 0,
					  "received %llu bytes of %llu, hash %016llx",
					  (unsigned long long)count, (unsigned long long)bytes,
					  (unsigned long long)hash);
		if (rc == 0)
			rc = answer(fd, count, hash, err);
	}
	close(fd);
	free(buf);
	if (rc == 0)
		fill_metrics(res, bytes, msg);
	return rc;
}

/* Sizing: 1 GiB to calibrate from (4 MiB in the test profile). */
static int size(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	extern const vb_workload_t vb_w_net_stream;

	return vb_params_set_u64(&vb_w_net_stream, p, "bytes", s->tiny ? 4u << 20 : 1u << 30, err);
}

const vb_workload_t vb_w_net_stream = {
	.name = "net.stream",
	.kind = VB_KIND_NET,
	.description = "TCP bulk transfer host <-> environment, checked by count and hash",
	.flags = VB_W_NET,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "bytes",
	.size = size,
	.run = run,
	.drive = drive,
};
