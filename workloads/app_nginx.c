/*
 * app_nginx.c - app.nginx: the host's own nginx in the environment serving
 * a static file, loaded by wrk on the host (the web-server case of the
 * container/VM studies).
 *
 * The server: nginx, byte-identical in every environment, one process
 * (no master, no daemon), its configuration written by the workload into a
 * private directory of its own (vb_app_serve) with the file it
 * serves (`file` bytes of the network workloads' pattern), listening where
 * the harness says (vb_app_serve), no access log; the directory is removed
 * after.  The client: one GET of its own first (status 200, the length and
 * the byte sum of the body as generated), then wrk with `connections`
 * keep-alive connections from one thread for `seconds`, its exact counts
 * printed by a Lua done() hook.  Checked: no non-2xx/3xx answer, no socket
 * error, and the bytes read cover every request's body.  Metrics: requests
 * per second (primary), MB/s of responses, latency p50/p99/p99.9 in
 * microseconds, as wrk measured them.
 */
#include "workloads/workload.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/util.h"
#include "workloads/app_common.h"
#include "workloads/net_common.h"

#define SEED	 0x6e67696eull /* the file's pattern */
#define HEAD_MAX 4096	       /* response headers */

static const vb_param_desc_t params[] = {
	{ "seconds", VB_P_U64, "10", 1, 3600, "how long wrk loads the server (s)" },
	/* at most 900: the server and wrk keep to 1024 descriptors */
	{ "connections", VB_P_U64, "16", 1, 900, "keep-alive connections of wrk (one thread)" },
	{ "file", VB_P_SIZE, "4K", 1, 64u << 20, "bytes of the static file served (bytes)" },
};

static const vb_metric_desc_t metrics[] = {
	{ "rps", "req/s", VB_HIGHER_IS_BETTER, "requests per second" },
	{ "mb_s", "MB/s", VB_HIGHER_IS_BETTER, "response bytes per second (1e6)" },
	{ "p50_us", "us", VB_LOWER_IS_BETTER, "median latency (microseconds)" },
	{ "p99_us", "us", VB_LOWER_IS_BETTER, "99th percentile latency (microseconds)" },
	{ "p999_us", "us", VB_LOWER_IS_BETTER, "99.9th percentile latency (microseconds)" },
};

/* ---- the server ---- */

typedef struct server {
	char conf[PATH_MAX + 16];
	char prefix[PATH_MAX + 2];
	uint64_t file;
} server_t;

/* Write @len bytes of @data to @dir/@name, a new file. */
static int put(const char *dir, const char *name, const void *data, size_t len, vb_error_t *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return vb_write_new(path, data, len, 0644, err);
}

/* The served file: @bytes of the pattern at @dir/www/f. */
static int put_file(const char *dir, uint64_t bytes, vb_error_t *err)
{
	char www[PATH_MAX];
	uint8_t *buf;
	int rc;

	snprintf(www, sizeof(www), "%s/www", dir);
	if (mkdir(www, 0755) < 0)
		return vb_error_set(err, VB_ESYS, errno, "create %s", www);
	buf = malloc((size_t)bytes);
	if (!buf)
		return vb_error_set(err, VB_ERESOURCE, 0, "%llu-byte file",
				    (unsigned long long)bytes);
	vb_net_fill(buf, (size_t)bytes, SEED);
	rc = put(www, "f", buf, (size_t)bytes, err);
	free(buf);
	return rc;
}

/* The file it serves and its configuration into @dir, then its command
 * line. */
static int server_argv(void *arg, const char *program, const char *dir, const char *addr,
		       unsigned port, char **argv, size_t max, vb_error_t *err)
{
	server_t *s = arg;
	char conf[2048];
	int n;

	if (put_file(dir, s->file, err) < 0)
		return -1;
	n = snprintf(conf, sizeof(conf),
		     /* user root: nginx started as root gives its temporary
		      * directories to its user, and a container's root may not
		      * chown to another (no CAP_CHOWN); a user that is not root
		      * is told the directive is ignored */
		     "user root root;\ndaemon off;\nmaster_process off;\nworker_processes 1;\n"
		     "pid %s/nginx.pid;\nerror_log stderr;\n"
		     "events { worker_connections 16384; }\n"
		     /* no tcp_nopush (nginx's default; Debian's nginx.conf turns it
		      * on): corked 4 KiB answers over a 1500-byte MTU path served
		      * 21k requests/s where uncorked served 54k, a veth pair
		      * measured by hand, while loopback did not care: the cork,
		      * not the path, would have been measured */
		     "http {\n access_log off;\n sendfile on;\n"
		     " keepalive_requests 100000000;\n keepalive_timeout 65;\n"
		     " default_type application/octet-stream;\n"
		     " client_body_temp_path %s/body;\n proxy_temp_path %s/proxy;\n"
		     " fastcgi_temp_path %s/fastcgi;\n uwsgi_temp_path %s/uwsgi;\n"
		     " scgi_temp_path %s/scgi;\n"
		     " server {\n  listen %s:%u;\n  root %s/www;\n }\n}\n",
		     dir, dir, dir, dir, dir, dir, addr, port, dir);
	if (n < 0 || (size_t)n >= sizeof(conf) || max < 7)
		return vb_error_set(err, VB_EUSAGE, 0, "nginx: configuration too long");
	if (put(dir, "nginx.conf", conf, (size_t)n, err) < 0)
		return -1;
	snprintf(s->conf, sizeof(s->conf), "%s/nginx.conf", dir);
	snprintf(s->prefix, sizeof(s->prefix), "%s/", dir);
	argv[0] = (char *)program;
	argv[1] = "-e"; /* errors before the configuration is read, too */
	argv[2] = "stderr";
	argv[3] = "-p";
	argv[4] = s->prefix;
	argv[5] = "-c";
	argv[6] = s->conf;
	argv[7] = NULL;
	return 0;
}

static int run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	server_t s = { .file = vb_param_u64(ctx->params, "file") };

	return vb_app_serve(ctx, res, "nginx", server_argv, &s, err);
}

/* ---- the client: one GET of its own, then wrk ---- */

/* GET /f once on a connection of its own: the status, the body's length
 * and sum checked against the file as generated.  0, or -1 with @err. */
static int get_once(const vb_drive_t *d, uint64_t file, int corrupt, vb_error_t *err)
{
	static const char req[] = "GET /f HTTP/1.1\r\nHost: vbench\r\nConnection: close\r\n\r\n";
	size_t cap = (size_t)file + HEAD_MAX, have = 0;
	char *buf = malloc(cap + 1), *body;
	uint8_t *want = malloc((size_t)file);
	unsigned long long clen = 0;
	const char *cl;
	int fd = -1, rc = -1;
	ssize_t r;

	if (!buf || !want) {
		vb_error_set(err, VB_ERESOURCE, 0, "%zu-byte buffer", cap);
		goto out;
	}
	fd = vb_net_connect(d->host, d->port, err);
	if (fd < 0 || vb_net_write_full(fd, req, sizeof(req) - 1, "the request", err) < 0)
		goto out;
	while ((r = vb_net_read_some(fd, buf + have, cap - have, "the response", err)) > 0)
		if ((have += (size_t)r) == cap)
			break;
	if (r < 0)
		goto out;
	buf[have] = '\0';
	body = strstr(buf, "\r\n\r\n");
	cl = strcasestr(buf, "\r\nContent-Length:");
	if (strncmp(buf, "HTTP/1.1 200 ", 13) || !body || !cl ||
	    sscanf(cl + 17, "%llu", &clen) != 1) {
		vb_error_set(err, VB_ECHECK, 0, "GET /f answered '%.60s'", buf);
		goto out;
	}
	body += 4;
	vb_net_fill(want, (size_t)file, SEED);
	if (corrupt)
		want[0] ^= 1;
	if (clen != file || (size_t)(buf + have - body) != file ||
	    vb_net_sum(0, (const uint8_t *)body, (size_t)file) !=
		vb_net_sum(0, want, (size_t)file)) {
		vb_error_set(err, VB_ECHECK, 0,
			     "GET /f gave %zu bytes (Content-Length %llu) that are not the %llu "
			     "bytes served",
			     (size_t)(buf + have - body), clen, (unsigned long long)file);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(want);
	return rc;
}

/* wrk's exact counts, printed by its done() hook. */
static const char lua[] =
    "done = function(s, l, r)\n"
    "  io.write(string.format(\"vbench-wrk %d %d %d %d %d %d %d %d\\n\", s.requests, s.bytes,\n"
    "    s.duration, s.errors.status, s.errors.connect + s.errors.read + s.errors.write +\n"
    "    s.errors.timeout, l:percentile(50), l:percentile(99), l:percentile(99.9)))\n"
    "end\n";

/* The done() hook in a memory file wrk opens as @path ("/proc/self/fd/N",
 * the descriptor inherited: not close-on-exec), so that nothing is left on
 * disk whatever ends vbench (a file in /tmp stayed after a SIGKILL).
 * Returns the descriptor (the caller closes it), or -1 with @err. */
static int put_script(char *path, size_t len, vb_error_t *err)
{
	int fd = memfd_create("vbench-wrk", 0);

	if (fd < 0)
		return vb_error_set(err, VB_ESYS, errno, "memfd_create for wrk's script");
	if (vb_write_all(fd, lua, sizeof(lua) - 1) < 0) {
		close(fd);
		return vb_error_set(err, VB_ESYS, errno, "write wrk's script");
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static int load(const vb_drive_t *d, vb_wresult_t *res, uint64_t file, vb_error_t *err)
{
	char script[64], url[96], sec[24], conn[24], out[4096];
	char *argv[] = {
		(char *)d->program, "-t", "1", "-c", conn, "-d", sec, "-s", script, url, NULL
	};
	unsigned long long n, bytes, us, status, sock, p50, p99, p999;
	const char *line;
	uint64_t ns, c = vb_param_u64(d->params, "connections");
	int rc, sfd;

	snprintf(url, sizeof(url), "http://%s:%u/f", d->host, d->port);
	snprintf(sec, sizeof(sec), "%llus", (unsigned long long)vb_param_u64(d->params, "seconds"));
	snprintf(conn, sizeof(conn), "%llu", (unsigned long long)c);
	if ((sfd = put_script(script, sizeof(script), err)) < 0)
		return -1;
	rc = vb_app_client(d, argv, out, sizeof(out), &ns, err);
	close(sfd);
	if (rc < 0)
		return -1;
	line = strstr(out, "vbench-wrk ");
	if (!line ||
	    sscanf(line, "vbench-wrk %llu %llu %llu %llu %llu %llu %llu %llu", &n, &bytes, &us,
		   &status, &sock, &p50, &p99, &p999) != 8 ||
	    !n || !us)
		return vb_error_set(err, VB_ECHECK, 0, "wrk gave no counts");
	if (status || sock)
		return vb_error_set(err, VB_ECHECK, 0,
				    "wrk saw %llu answers that were not 2xx/3xx and %llu socket "
				    "errors in %llu requests",
				    status, sock, n);
	if (bytes < n * file)
		return vb_error_set(err, VB_ECHECK, 0,
				    "wrk read %llu bytes for %llu requests of a %llu-byte file",
				    bytes, n, (unsigned long long)file);
	res->elapsed_ns = (uint64_t)us * 1000; /* wrk's own time of the load */
	res->ops = n;
	res->bytes = bytes;
	res->metric[0] = (double)n * 1e6 / (double)us;
	res->metric[1] = (double)bytes / (double)us;
	res->metric[2] = (double)p50;
	res->metric[3] = (double)p99;
	res->metric[4] = (double)p999;
	res->detail = json_pack("{s:I}", "client_wall_ns", (json_int_t)ns);
	return 0;
}

static int drive(const vb_drive_t *d, vb_wresult_t *res, vb_error_t *err)
{
	uint64_t file = vb_param_u64(d->params, "file");

	vb_net_limits(d->io_timeout_ms, d->deadline_ns);
	if (get_once(d, file, d->corrupt, err) < 0)
		return -1;
	return load(d, res, file, err);
}

/* Sizing: 10 s to calibrate from (1 s and 4 connections in the test
 * profile). */
static int size(const vb_sizing_t *s, vb_params_t *p, vb_error_t *err)
{
	extern const vb_workload_t vb_w_app_nginx;

	if (!s->tiny)
		return 0;
	return vb_params_set_u64(&vb_w_app_nginx, p, "seconds", 1, err) < 0
		   ? -1
		   : vb_params_set_u64(&vb_w_app_nginx, p, "connections", 4, err);
}

const vb_workload_t vb_w_app_nginx = {
	.name = "app.nginx",
	.kind = VB_KIND_APP,
	.description = "the host's nginx in the environment serving a static file, wrk on the host",
	.flags = VB_W_NET,
	.params = params,
	.nparams = VB_ARRAY_SIZE(params),
	.metrics = metrics,
	.nmetrics = VB_ARRAY_SIZE(metrics),
	.scale_param = "seconds",
	.size = size,
	.run = run,
	.drive = drive,
	.server = "nginx",
	.client = "wrk",
};
