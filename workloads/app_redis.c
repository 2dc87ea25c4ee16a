/*
 * app_redis.c - app.redis: the host's own redis-server in the environment,
 * loaded by redis-benchmark on the host (Felter et al. 2015's Redis case).
 *
 * The server: redis-server, byte-identical in every environment, configured
 * on its command line only (no persistence, no protection mode, no log
 * file), listening where the harness says (vb_app_serve).  The client:
 * redis-benchmark with SET and GET of `data`-byte values over a keyspace of
 * `keyspace` keys from `clients` connections, `requests` of each, its CSV
 * read back.  Checked: a key written before the load is read back after it
 * with the same value, and the server's own count of commands grew by at
 * least the requests sent (the load reached this server, not another).
 * Metrics: requests/s over both tests (primary), each test's requests/s and
 * p50/p99 latency in microseconds, as redis-benchmark measured them.
 */
#include "workloads/workload.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "workloads/app_common.h"
#include "workloads/net_common.h"

#define CHECK_KEY "vbench:check"
#define REPLY_MAX 16384 /* INFO stats is about 1.5 KB */

static const vb_param_desc_t params[] = {
	{ "requests", VB_P_U64, "100000", 100, 1ull << 32, "requests of each test, SET and GET" },
	/* at most 900: redis-server keeps its clients under its 1024
	 * descriptors less 32 of its own */
	{ "clients", VB_P_U64, "16", 1, 900, "parallel connections of redis-benchmark" },
	{ "data", VB_P_SIZE, "64", 1, 1u << 20, "bytes of each value (bytes)" },
	{ "keyspace", VB_P_U64, "10000", 1, 1u << 30, "distinct keys the requests use" },
};

static const vb_metric_desc_t metrics[] = {
	{ "rps", "req/s", VB_HIGHER_IS_BETTER, "requests per second over SET and GET together" },
	{ "get_rps", "req/s", VB_HIGHER_IS_BETTER, "GET requests per second" },
	{ "set_rps", "req/s", VB_HIGHER_IS_BETTER, "SET requests per second" },
	{ "get_p50_us", "us", VB_LOWER_IS_BETTER, "median GET latency (microseconds)" },
	{ "get_p99_us", "us", VB_LOWER_IS_BETTER, "99th percentile GET latency (microseconds)" },
	{ "set_p50_us", "us", VB_LOWER_IS_BETTER, "median SET latency (microseconds)" },
	{ "set_p99_us", "us", VB_LOWER_IS_BETTER, "99th percentile SET latency (microseconds)" },
};

/* ---- the server ---- */

typedef struct server_args {
	char port[16];
} server_args_t;

static int server_argv(void *arg, const char *program, const char *dir, const char *addr,
		       unsigned port, char **argv, size_t max, vb_error_t *err)
{
	server_args_t *s = arg;
	/* no persistence, no log; and no way for a client to change a file
	 * path or load code (Redis 7's defaults, said explicitly: an older
	 * server refuses the options rather than running without them) */
	const char *const fixed[] = { "--save",
				      "",
				      "--appendonly",
				      "no",
				      "--protected-mode",
				      "no",
				      "--daemonize",
				      "no",
				      "--logfile",
				      "",
				      "--enable-protected-configs",
				      "no",
				      "--enable-debug-command",
				      "no",
				      "--enable-module-command",
				      "no" };
	size_t n = 0, i;

	if (max < 7 + VB_ARRAY_SIZE(fixed))
		return vb_error_set(err, VB_EUSAGE, 0, "redis-server: command line too long");
	snprintf(s->port, sizeof(s->port), "%u", port);
	argv[n++] = (char *)program;
	argv[n++] = "--port";
	argv[n++] = s->port;
	argv[n++] = "--bind";
	argv[n++] = (char *)addr;
	argv[n++] = "--dir"; /* a directory of its own, though it writes nothing */
	argv[n++] = (char *)dir;
	for (i = 0; i < VB_ARRAY_SIZE(fixed); i++)
		argv[n++] = (char *)fixed[i];
	argv[n] = NULL;
	return 0;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	server_args_t s;

	return vb_app_serve(ctx, res, "redis", server_argv, &s, err);
}

/* ---- the client: a few commands of its own (RESP), then redis-benchmark ---- */

/* Send one command of @argc words. */
static int command(int fd, int argc, const char *const argv[], vb_error_t *err)
{
	char buf[512];
	size_t off;
	int i;

	off = (size_t)snprintf(buf, sizeof(buf), "*%d\r\n", argc);
	for (i = 0; i < argc && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "$%zu\r\n%s\r\n",
					strlen(argv[i]), argv[i]);
	if (off >= sizeof(buf))
		return vb_error_set(err, VB_EUSAGE, 0, "a command too long");
	return vb_net_write_full(fd, buf, off, "a command to the server", err);
}

/*
 * Read one reply into @buf (NUL-terminated): a status line ("+OK"), or a
 * bulk string's data alone.  An error reply ("-ERR ...") or a null bulk is
 * an error.  0, or -1 with @err.
 */
static int reply(int fd, char *buf, size_t cap, vb_error_t *err)
{
	size_t have = 0, need;
	char *nl;
	ssize_t r;
	long long blen;

	for (;;) {
		buf[have] = '\0';
		nl = strstr(buf, "\r\n");
		if (nl && buf[0] != '$')
			break;
		if (nl && buf[0] == '$') {
			blen = strtoll(buf + 1, NULL, 10);
			if (blen < 0)
				return vb_error_set(err, VB_ECHECK, 0,
						    "the server has no such value");
			need = (size_t)(nl - buf) + 2 + (size_t)blen + 2;
			if (need >= cap)
				return vb_error_set(err, VB_ECHECK, 0, "a reply of %lld bytes",
						    blen);
			if (have >= need) {
				memmove(buf, nl + 2, (size_t)blen);
				buf[blen] = '\0';
				return 0;
			}
		}
		if (have + 1 >= cap)
			return vb_error_set(err, VB_ECHECK, 0, "a reply longer than %zu bytes",
					    cap);
		r = vb_net_read_some(fd, buf + have, cap - 1 - have, "the server's reply", err);
		if (r < 0)
			return -1;
		if (r == 0)
			return vb_error_set(err, VB_ECHECK, 0, "the server closed the connection");
		have += (size_t)r;
	}
	*nl = '\0';
	if (buf[0] != '+')
		return vb_error_set(err, VB_ECHECK, 0, "the server answered '%.120s'", buf);
	memmove(buf, buf + 1, strlen(buf));
	return 0;
}

/* The server's count of commands processed (INFO stats). */
static int commands(int fd, char *buf, size_t cap, unsigned long long *n, vb_error_t *err)
{
	const char *const info[] = { "INFO", "stats" };
	const char *p;

	if (command(fd, 2, info, err) < 0 || reply(fd, buf, cap, err) < 0)
		return -1;
	p = strstr(buf, "total_commands_processed:");
	if (!p || sscanf(p + strlen("total_commands_processed:"), "%llu", n) != 1)
		return vb_error_set(err, VB_ECHECK, 0,
				    "INFO stats without total_commands_processed");
	return 0;
}

/* One test's line of redis-benchmark --csv: "SET","rps","avg_latency_ms",
 * "min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms",
 * "max_latency_ms"; rps, p50 and p99 into @v.  0, or -1 when absent. */
static int csv_test(const char *out, const char *test, double v[3])
{
	char want[16], line[256];
	const char *p = out, *nl;
	double f[7];

	snprintf(want, sizeof(want), "\"%s\",", test);
	for (; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (strncmp(p, want, strlen(want)))
			continue;
		snprintf(line, sizeof(line), "%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (sscanf(line + strlen(want),
			   "\"%lf\",\"%lf\",\"%lf\",\"%lf\",\"%lf\",\"%lf\",\"%lf\"", &f[0], &f[1],
			   &f[2], &f[3], &f[4], &f[5], &f[6]) != 7 ||
		    !(f[0] > 0))
			return -1;
		v[0] = f[0];
		v[1] = f[3] * 1000;
		v[2] = f[5] * 1000;
		return 0;
	}
	return -1;
}

/* redis-benchmark against the server, its figures into @res. */
static int load(const vb_drive_t *d, vb_wresult_t *res, vb_error_t *err)
{
	char port[16], n[24], c[24], data[24], keys[24], out[4096];
	char *argv[] = { (char *)d->program,
			 "-h",
			 (char *)d->host,
			 "-p",
			 port,
			 "-c",
			 c,
			 "-n",
			 n,
			 "-d",
			 data,
			 "-r",
			 keys,
			 "-t",
			 "set,get",
			 "--csv",
			 NULL };
	uint64_t req = vb_param_u64(d->params, "requests");
	double set[3], get[3];

	snprintf(port, sizeof(port), "%u", d->port);
	snprintf(n, sizeof(n), "%llu", (unsigned long long)req);
	snprintf(c, sizeof(c), "%s", vb_param_str(d->params, "clients"));
	snprintf(data, sizeof(data), "%llu", (unsigned long long)vb_param_u64(d->params, "data"));
	snprintf(keys, sizeof(keys), "%s", vb_param_str(d->params, "keyspace"));
	if (vb_app_client(d, argv, out, sizeof(out), &res->elapsed_ns, err) < 0)
		return -1;
	if (csv_test(out, "SET", set) < 0 || csv_test(out, "GET", get) < 0)
		return vb_error_set(err, VB_ECHECK, 0,
				    "redis-benchmark gave no SET and GET figures");
	res->ops = 2 * req;
	/* both tests' requests over both tests' time, as redis-benchmark timed them */
	res->metric[0] = 2.0 / (1.0 / set[0] + 1.0 / get[0]);
	res->metric[1] = get[0];
	res->metric[2] = set[0];
	res->metric[3] = get[1];
	res->metric[4] = get[2];
	res->metric[5] = set[1];
	res->metric[6] = set[2];
	return 0;
}

static int drive(const vb_drive_t *d, vb_wresult_t *res, vb_error_t *err)
{
	char token[64], *buf = malloc(REPLY_MAX);
	const char *const set[] = { "SET", CHECK_KEY, token }, *const get[] = { "GET", CHECK_KEY };
	unsigned long long c0 = 0, c1 = 0, req = vb_param_u64(d->params, "requests");
	int fd = -1, rc = -1;

	if (!buf)
		return vb_error_set(err, VB_ERESOURCE, 0, "reply buffer");
	snprintf(token, sizeof(token), "vbench-%llx", (unsigned long long)vb_now_ns());
	vb_net_limits(d->io_timeout_ms, d->deadline_ns);
	fd = vb_net_connect(d->host, d->port, err);
	if (fd < 0 || command(fd, 3, set, err) < 0 || reply(fd, buf, REPLY_MAX, err) < 0 ||
	    commands(fd, buf, REPLY_MAX, &c0, err) < 0 || load(d, res, err) < 0 ||
	    command(fd, 2, get, err) < 0 || reply(fd, buf, REPLY_MAX, err) < 0)
		goto out;
	if (d->corrupt)
		buf[0] ^= 1;
	if (strcmp(buf, token)) {
		vb_error_set(err, VB_ECHECK, 0, "%s read back as '%.64s', written as '%s'",
			     CHECK_KEY, buf, token);
		goto out;
	}
	if (commands(fd, buf, REPLY_MAX, &c1, err) < 0)
		goto out;
	if (c1 < c0 || c1 - c0 < 2 * req) {
		vb_error_set(err, VB_ECHECK, 0,
			     "the server's command count went from %llu to %llu during a load of "
			     "%llu",
			     c0, c1, 2 * req);
		goto out;
	}
	res->detail = json_pack("{s:I}", "server_commands", (json_int_t)(c1 - c0));
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

/* Sizing: 100,000 requests of each to calibrate from (2,000 and 4
 * connections in the test profile). */
static int size(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	extern const vb_workload_t vb_w_app_redis;

	if (!s->tiny)
		return 0;
	return vb_params_set_u64(&vb_w_app_redis, p, "requests", 2000, err) < 0
		   ? -1
		   : vb_params_set_u64(&vb_w_app_redis, p, "clients", 4, err);
}

const vb_workload_t vb_w_app_redis = {
	.name = "app.redis",
	.kind = VB_KIND_APP,
	.description =
	    "the host's redis-server in the environment, redis-benchmark SET/GET on the host",
	.flags = VB_W_NET,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "requests",
	.size = size,
	.run = run,
	.drive = drive,
	.server = "redis-server",
	.client = "redis-benchmark",
};
