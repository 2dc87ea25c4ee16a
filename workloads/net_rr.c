/*
 * net_rr.c - net.rr and net.crr: TCP request/response across the
 * environment's network boundary (netperf TCP_RR and TCP_CRR, sockperf
 * ping-pong).
 *
 * net.rr: one connection; the client (host) writes a `size`-byte request,
 * the server (environment) answers `size` bytes, each request byte XOR
 * 0x5a, `transactions` times.  net.crr: the same with a new connection per
 * transaction (connect, request, answer, the server closes).  The client
 * times every round trip (net.crr: from connect to the answer) and checks
 * every answer against its request; the request bytes change with each
 * transaction.  Metrics: transactions (connections) per second (primary)
 * and the 50th, 99th and 99.9th percentile round trip in microseconds
 * (nearest rank).
 */
#include "workloads/workload.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "workloads/net_common.h"

#define MAX_SIZE 65536u
#define MAX_TRANSACTIONS 20000000ull /* 80 MB of latencies at most */

static const vb_param_desc_t rr_params[] = {
	{ "transactions", VB_P_U64, "100000", 1, MAX_TRANSACTIONS,
	  "request/response round trips on one connection (count)" },
	{ "size", VB_P_U64, "1", 1, MAX_SIZE, "bytes per request and per answer (bytes)" },
};

static const vb_param_desc_t crr_params[] = {
	{ "transactions", VB_P_U64, "10000", 1, MAX_TRANSACTIONS,
	  "connections, each with one request and answer (count)" },
	{ "size", VB_P_U64, "1", 1, MAX_SIZE, "bytes per request and per answer (bytes)" },
};

static const vb_metric_desc_t rr_metrics[] = {
	{ "tps", "trans/s", VB_HIGHER_IS_BETTER, "round trips per second" },
	{ "p50_us", "us", VB_LOWER_IS_BETTER, "median round trip (microseconds)" },
	{ "p99_us", "us", VB_LOWER_IS_BETTER, "99th percentile round trip (microseconds)" },
	{ "p999_us", "us", VB_LOWER_IS_BETTER, "99.9th percentile round trip (microseconds)" },
};

static const vb_metric_desc_t crr_metrics[] = {
	{ "cps", "conn/s", VB_HIGHER_IS_BETTER, "connections (with one round trip) per second" },
	{ "p50_us", "us", VB_LOWER_IS_BETTER, "median connect + round trip (microseconds)" },
	{ "p99_us", "us", VB_LOWER_IS_BETTER, "99th percentile connect + round trip (microseconds)" },
	{ "p999_us", "us", VB_LOWER_IS_BETTER,
	  "99.9th percentile connect + round trip (microseconds)" },
};

/* Request @i: bytes that change with every transaction. */
static void request(uint8_t *req, size_t size, uint64_t i)
{
	size_t j;

	for (j = 0; j < size; j++)
		req[j] = (uint8_t)(i * 131 + j * 7 + 1);
}

/* The server's answer to @req. */
static void reply(uint8_t *buf, size_t size)
{
	size_t j;

	for (j = 0; j < size; j++)
		buf[j] ^= 0x5a;
}

/* One transaction on @fd as the server. */
static int serve_one(int fd, uint8_t *buf, size_t size, vb_error_t *err)
{
	if (vb_net_read_full(fd, buf, size, "a request", err) < 0)
		return -1;
	reply(buf, size);
	return vb_net_write_full(fd, buf, size, "an answer", err);
}

/* The server of both: @per_conn one transaction per connection. */
static int serve(vb_wctx_t *ctx, vb_wresult_t *res, int per_conn, vb_error_t *err)
{
	uint64_t n = vb_param_u64(ctx->params, "transactions"), i;
	size_t size = (size_t)vb_param_u64(ctx->params, "size");
	uint8_t buf[MAX_SIZE];
	int lfd, fd = -1, rc = 0;

	if (vb_net_serve_listen(ctx, &lfd, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if (fd < 0 && (fd = vb_net_accept(lfd, err)) < 0) {
			rc = -1;
			i++; /* 1-based in the message, as after the loop's own step */
			break;
		}
		if (i == 0)
			vb_wctx_begin(ctx); /* from the first connection */
		rc = serve_one(fd, buf, size, err);
		if (per_conn || rc < 0) {
			close(fd);
			fd = -1;
		}
	}
	vb_wctx_end(ctx);
	if (fd >= 0)
		close(fd);
	close(lfd);
	if (rc < 0) /* i: 1-based, the loop moved on */
		return vb_error_prefix(err, "transaction %llu of %llu", (unsigned long long)i,
				       (unsigned long long)n);
	res->ops = n;
	res->bytes = 2 * n * size;
	res->metric[0] = res->elapsed_ns ? (double)n * 1e9 / (double)res->elapsed_ns : 0;
	res->metric[1] = res->metric[2] = res->metric[3] = 0; /* the client's to measure */
	return 0;
}

/* The client of both. */
static int drive_rr(const vb_drive_t *d, vb_wresult_t *res, int per_conn, vb_error_t *err)
{
	uint64_t n = vb_param_u64(d->params, "transactions"), i, t0, t, start;
	size_t size = (size_t)vb_param_u64(d->params, "size");
	uint8_t req[MAX_SIZE], got[MAX_SIZE];
	uint32_t *lat = malloc((size_t)n * sizeof(*lat));
	int fd = -1, rc = 0;

	if (!lat)
		return vb_error_set(err, VB_ERESOURCE, 0, "%llu latencies", (unsigned long long)n);
	vb_net_limits(d->io_timeout_ms, d->deadline_ns);
	/* net.rr: the one connection made before the region (net.crr times
	 * each connection: that is what it measures) */
	if (!per_conn && (fd = vb_net_connect(d->host, d->port, err)) < 0) {
		free(lat);
		return -1;
	}
	start = vb_now_ns();
	for (i = 0; i < n && rc == 0; i++) {
		request(req, size, i);
		t0 = vb_now_ns();
		if (fd < 0 && (fd = vb_net_connect(d->host, d->port, err)) < 0) {
			rc = -1;
			i++; /* 1-based in the message, as after the loop's own step */
			break;
		}
		rc = vb_net_write_full(fd, req, size, "a request", err);
		if (rc == 0)
			rc = vb_net_read_full(fd, got, size, "an answer", err);
		t = vb_now_ns();
		lat[i] = vb_net_sample(t0, t);
		if (per_conn || rc < 0) {
			close(fd);
			fd = -1;
		}
		if (rc == 0) {
			reply(got, size); /* undoes the server's: the request again */
			if (d->corrupt && i == n - 1)
				got[0] ^= 1;
			if (memcmp(got, req, size))
				rc = vb_error_set(err, VB_ECHECK, 0,
						  "the answer to transaction %llu does not match its "
						  "request",
						  (unsigned long long)i + 1);
		}
	}
	res->elapsed_ns = vb_now_ns() - start;
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		free(lat);
		return vb_error_prefix(err, "transaction %llu of %llu", (unsigned long long)i,
				       (unsigned long long)n); /* i: 1-based, the loop moved on */
	}
	vb_net_sort(lat, (size_t)n);
	res->ops = n;
	res->bytes = 2 * n * size;
	res->metric[0] = (double)n * 1e9 / (double)(res->elapsed_ns ? res->elapsed_ns : 1);
	res->metric[1] = vb_net_quantile_us(lat, (size_t)n, 0.50);
	res->metric[2] = vb_net_quantile_us(lat, (size_t)n, 0.99);
	res->metric[3] = vb_net_quantile_us(lat, (size_t)n, 0.999);
	res->detail = json_pack("{s:f,s:f}", "min_us", vb_net_quantile_us(lat, (size_t)n, 0),
				"max_us", vb_net_quantile_us(lat, (size_t)n, 1));
	free(lat);
	return 0;
}

static int rr_run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	return serve(ctx, res, 0, err);
}

static int crr_run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	return serve(ctx, res, 1, err);
}

static int rr_drive(const vb_drive_t *d, vb_wresult_t *res, vb_error_t *err)
{
	return drive_rr(d, res, 0, err);
}

static int crr_drive(const vb_drive_t *d, vb_wresult_t *res, vb_error_t *err)
{
	return drive_rr(d, res, 1, err);
}

/* Sizing: the test profile's tiny counts (calibration sets the rest). */
static int rr_size(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	extern const vb_workload_t vb_w_net_rr;

	return s->tiny ? vb_params_set_u64(&vb_w_net_rr, p, "transactions", 200, err) : 0;
}

static int crr_size(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	extern const vb_workload_t vb_w_net_crr;

	return s->tiny ? vb_params_set_u64(&vb_w_net_crr, p, "transactions", 50, err) : 0;
}

const vb_workload_t vb_w_net_rr = {
	.name = "net.rr",
	.kind = VB_KIND_NET,
	.description = "TCP request/response on one connection: round trips/s and latency",
	.flags = VB_W_NET,
	.params = rr_params,
	.nparams = VB_ARRAY_SIZE(rr_params),
	.metrics = rr_metrics,
	.nmetrics = VB_ARRAY_SIZE(rr_metrics),
	.scale_param = "transactions",
	.size = rr_size,
	.run = rr_run,
	.drive = rr_drive,
};

const vb_workload_t vb_w_net_crr = {
	.name = "net.crr",
	.kind = VB_KIND_NET,
	.description = "TCP connect, one request/response, close: connections/s and latency",
	.flags = VB_W_NET,
	.params = crr_params,
	.nparams = VB_ARRAY_SIZE(crr_params),
	.metrics = crr_metrics,
	.nmetrics = VB_ARRAY_SIZE(crr_metrics),
	.scale_param = "transactions",
	.size = crr_size,
	.run = crr_run,
	.drive = crr_drive,
};
