/*
 * check_app.c - the application workloads (app_common.c, app_redis.c,
 * issue #15): their servers started, proven to own the port they listen
 * on, their CPU time read, stopped; a port another program holds is
 * refused.  app.redis's client against a plainly started redis-server:
 * its figures, its self-check (corrupt=1, a load generator that fails);
 * the programs a selection needs found when the options are parsed; and
 * `vbench run` of app.redis in every environment and network mode this
 * host has, with the host's network state unchanged.  Uses Debian's
 * redis-server and redis-benchmark when installed (skips with the reason
 * otherwise).
 */
#include <arpa/inet.h>
#include <check.h>
#include <glob.h>
#include <signal.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/core/runproc.h"
#include "lib/util.h"
#include "tests/testnet.h"
#include "tests/tests.h"
#include "tests/testutil.h"
#include "workloads/app_common.h"
#include "workloads/net_common.h"

#define REDIS		"/usr/bin/redis-server"
#define REDIS_BENCHMARK "/usr/bin/redis-benchmark"
#define NGINX		"/usr/sbin/nginx"
#define WRK		"/usr/bin/wrk"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "app"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* A TCP port of 127.0.0.1 free now (the kernel's choice). */
static unsigned free_port(void)
{
	unsigned port;
	vb_error_t err;
	int fd;

	ck_assert_int_eq(vb_net_listen("127.0.0.1", 0, &fd, &port, &err), 0);
	close(fd);
	return port;
}

/* redis-server on @port of 127.0.0.1, configured on its command line. */
static int start_redis(vb_app_t *a, unsigned port, vb_error_t *err)
{
	char p[16];
	char *argv[] = {
		REDIS, "--port",       p,      "--bind",	   "127.0.0.1", "--save",
		"",    "--appendonly", "no",   "--protected-mode", "no",	"--daemonize",
		"no",  "--dir",	       "/tmp", "--logfile",	   "",		NULL
	};

	snprintf(p, sizeof(p), "%u", port);
	return vb_app_start(a, argv, err);
}

START_TEST(test_redis_listens)
{
	vb_app_t a;
	vb_error_t err;
	unsigned port;

	if (access(REDIS, X_OK) < 0)
		VB_SKIP("%s missing (package redis-server)", REDIS);
	port = free_port();
	ck_assert_msg(start_redis(&a, port, &err) == 0, "%s", err.msg);
	ck_assert_msg(vb_app_wait_listening(&a, port, 10000, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(a.port, port);
	vb_app_stop(&a, 3000);
	ck_assert_int_eq(a.pid, 0);
	vb_app_stop(&a, 3000); /* twice is fine */
}
END_TEST

/* A port another program listens on first is not the server's. */
START_TEST(test_port_taken)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	vb_app_t a;
	vb_error_t err;
	unsigned port;
	int fd;

	if (access(REDIS, X_OK) < 0)
		VB_SKIP("%s missing (package redis-server)", REDIS);
	port = free_port();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_msg(start_redis(&a, port, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(vb_app_wait_listening(&a, port, 5000, &err), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
	vb_app_stop(&a, 3000);
	close(fd);
	/* a relative program is refused before anything starts */
	ck_assert_int_eq(vb_app_start(&a, (char *[]){ "redis-server", NULL }, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
}
END_TEST

/* A server that ends before it listens is said so with its last line of
 * stderr (nginx in a container said only "exit 1" before: its chown of
 * the temporary directories was refused). */
START_TEST(test_server_last_words)
{
	char *argv[] = { "/bin/sh", "-c", "echo starting >&2; echo 'no such user' >&2; exit 3",
			 NULL };
	vb_error_t err;
	vb_app_t a;

	ck_assert_int_eq(vb_app_start(&a, argv, &err), 0);
	ck_assert_int_eq(vb_app_wait_listening(&a, free_port(), 5000, &err), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
	ck_assert_msg(strstr(err.msg, "(exit 3): no such user"), "%s", err.msg);
	vb_app_stop(&a, 1000);
	ck_assert_int_eq(a.errfd, -1);
}
END_TEST

/* vb_drive_t.exec as the harness's: the program's output captured. */
static int test_exec(void *arg, char *const argv[], char *out, size_t len, vb_error_t *err)
{
	vb_proc_opts_t o = { .timeout_ms = 60000 };
	int rc = vb_proc_capture(argv, &o, out, len, NULL, 0, err);

	(void)arg;
	if (rc > 0)
		return vb_error_set(err, VB_ECHECK, 0, "%s exited with status %d", argv[0], rc);
	return rc;
}

/* app.redis's client once against a redis-server on @port. */
static int redis_drive(unsigned port, const char *program, int corrupt, vb_wresult_t *res,
		       vb_error_t *err)
{
	const vb_workload_t *w = vb_workload_find("app.redis");
	vb_params_t p;

	ck_assert_ptr_nonnull(w);
	vb_params_defaults(w, &p);
	ck_assert_int_eq(vb_params_set(w, &p, "requests", "500", err), 0);
	ck_assert_int_eq(vb_params_set(w, &p, "clients", "4", err), 0);
	return vb_workload_drive(w,
				 &(vb_drive_t){ .params = &p,
						.host = "127.0.0.1",
						.port = port,
						.corrupt = corrupt,
						.io_timeout_ms = 10000,
						.program = program,
						.exec = test_exec },
				 res, err);
}

START_TEST(test_redis_client)
{
	vb_wresult_t res;
	vb_error_t err;
	unsigned port;
	vb_app_t a;
	size_t i;

	if (access(REDIS, X_OK) < 0 || access(REDIS_BENCHMARK, X_OK) < 0)
		VB_SKIP("%s or %s missing (packages redis-server, redis-tools)", REDIS,
			REDIS_BENCHMARK);
	port = free_port();
	ck_assert_msg(start_redis(&a, port, &err) == 0, "%s", err.msg);
	ck_assert_msg(vb_app_wait_listening(&a, port, 10000, &err) == 0, "%s", err.msg);
	ck_assert_msg(redis_drive(port, REDIS_BENCHMARK, 0, &res, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(res.ops, 1000); /* SET and GET, 500 each */
	ck_assert_uint_gt(res.elapsed_ns, 0);
	for (i = 0; i < 3; i++) /* requests per second: overall, GET, SET */
		ck_assert_msg(res.metric[i] > 100, "metric %zu: %g", i, res.metric[i]);
	for (i = 3; i < 7; i++) /* latencies in microseconds */
		ck_assert_msg(res.metric[i] > 0 && res.metric[i] < 1e7, "metric %zu: %g", i,
			      res.metric[i]);
	/* the overall rate lies between the two tests' */
	ck_assert(res.metric[0] <= fmax(res.metric[1], res.metric[2]) + 1e-6 &&
		  res.metric[0] >= fmin(res.metric[1], res.metric[2]) - 1e-6);
	ck_assert_int_ge(json_integer_value(json_object_get(res.detail, "server_commands")), 1000);
	json_decref(res.detail);
	/* the key read back differs: a check failure */
	ck_assert_int_eq(redis_drive(port, REDIS_BENCHMARK, 1, &res, &err), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
	ck_assert_msg(strstr(err.msg, "read back"), "%s", err.msg);
	/* a load generator that fails is the repetition's failure */
	ck_assert_int_eq(redis_drive(port, "/bin/false", 0, &res, &err), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
	ck_assert_msg(strstr(err.msg, "exited with status 1"), "%s", err.msg);
	/* ... and one whose output has no figures */
	ck_assert_int_eq(redis_drive(port, "/bin/true", 0, &res, &err), -1);
	ck_assert_msg(strstr(err.msg, "no SET and GET figures"), "%s", err.msg);
	vb_app_stop(&a, 3000);
	/* no server: the client says so before any load */
	ck_assert_int_eq(redis_drive(port, REDIS_BENCHMARK, 0, &res, &err), -1);
}
END_TEST

/* ---- an application's server in a child, its client here ---- */

static int done_fd = -1; /* the child's end: a byte when the client is done */

static int await_byte(vb_wctx_t *ctx, vb_error_t *err)
{
	char c;

	(void)ctx;
	return read(done_fd, &c, 1) == 1 ? 0 : vb_error_set(err, VB_EPROTO, 0, "no client_done");
}

/* Workload @name's server (vb_app_serve through its run()) in a child with
 * @program; its port into *@port, the write end of its "client done" pipe
 * into *@done.  The child exits 0 when its run succeeded, 1 otherwise. */
static pid_t app_server(const char *name, const vb_params_t *p, const char *program, unsigned *port,
			int *done)
{
	int fds[2], dfd[2];
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(pipe(dfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		vb_wnet_t net = { .listening = vb_testnet_port_to_pipe,
				  .arg = &fds[1],
				  .io_timeout_ms = 10000,
				  .addr = "127.0.0.1",
				  .program = program,
				  .await_client = await_byte };
		vb_wresult_t res;
		vb_error_t err;
		int rc;

		close(fds[0]);
		close(dfd[1]);
		done_fd = dfd[0];
		rc = vb_workload_serve(vb_workload_find(name), p, NULL, &net, NULL, 0, &res, &err);
		if (rc < 0)
			fprintf(stderr, "%s server: %s\n", name, err.msg);
		json_decref(res.detail);
		_exit(rc == 0 ? 0 : 1);
	}
	close(fds[1]);
	close(dfd[0]);
	ck_assert_int_eq(read(fds[0], port, sizeof(*port)), (ssize_t)sizeof(*port));
	close(fds[0]);
	*done = dfd[1];
	return pid;
}

/* Tell the server its client is done; its exit status. */
static int app_server_end(pid_t pid, int done)
{
	int st;

	ck_assert_int_eq(write(done, "d", 1), 1);
	close(done);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* app.nginx: its server (the configuration it writes, the file it serves)
 * and its client (one GET checked, then wrk) against each other; a body
 * that differs from the file and a load generator that fails are the
 * repetition's failures, and the server's directory is gone after. */
START_TEST(test_nginx)
{
	const vb_workload_t *w = vb_workload_find("app.nginx");
	const char *wrk[] = { WRK, WRK, "/bin/false" };
	const int corrupt[] = { 0, 1, 0 };
	vb_wresult_t res;
	vb_params_t p;
	vb_error_t err;
	unsigned port;
	size_t k;
	int done, rc;
	pid_t pid;

	if (access(NGINX, X_OK) < 0 || access(WRK, X_OK) < 0)
		VB_SKIP("%s or %s missing (packages nginx-light, wrk)", NGINX, WRK);
	ck_assert_ptr_nonnull(w);
	vb_params_defaults(w, &p);
	ck_assert_int_eq(vb_params_set(w, &p, "seconds", "1", &err), 0);
	ck_assert_int_eq(vb_params_set(w, &p, "connections", "4", &err), 0);
	for (k = 0; k < 3; k++) {
		pid = app_server("app.nginx", &p, NGINX, &port, &done);
		rc = vb_workload_drive(w,
				       &(vb_drive_t){ .params = &p,
						      .host = "127.0.0.1",
						      .port = port,
						      .corrupt = corrupt[k],
						      .io_timeout_ms = 10000,
						      .program = wrk[k],
						      .exec = test_exec },
				       &res, &err);
		ck_assert_int_eq(app_server_end(pid, done), 0);
		if (k == 0) {
			ck_assert_msg(rc == 0, "%s", err.msg);
			ck_assert_uint_gt(res.ops, 100);
			ck_assert_uint_ge(res.bytes, res.ops * 4096);
			ck_assert(res.metric[0] > 100 && res.metric[1] > 0);
			ck_assert(res.metric[2] > 0 && res.metric[2] <= res.metric[3] &&
				  res.metric[3] <= res.metric[4]);
			/* about the second asked for, as wrk timed it */
			ck_assert_msg(res.elapsed_ns > 900000000ull &&
					  res.elapsed_ns < 3000000000ull,
				      "%llu", (unsigned long long)res.elapsed_ns);
			json_decref(res.detail);
			continue;
		}
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(err.code, VB_ECHECK);
		ck_assert_msg(
		    strstr(err.msg, k == 1 ? "not the 4096 bytes served" : "exited with status 1"),
		    "%s", err.msg);
	}
	/* every server's private directory removed */
	{
		glob_t g;

		ck_assert_int_eq(glob("/tmp/vbench-nginx-*", 0, NULL, &g), GLOB_NOMATCH);
	}
}
END_TEST

/* The programs of the selection are found when the options are parsed:
 * the server goes into every instance, the load generator does not. */
START_TEST(test_programs_of_selection)
{
	char *argv[] = { "run", "--workload", "app.redis,cpu.int", NULL };
	const char *servers[VB_MAX_PROGRAMS + 1];
	vb_run_cfg_t *cfg = calloc(1, sizeof(*cfg));
	vb_error_t err;

	if (access(REDIS, X_OK) < 0 || access(REDIS_BENCHMARK, X_OK) < 0)
		VB_SKIP("%s or %s missing (packages redis-server, redis-tools)", REDIS,
			REDIS_BENCHMARK);
	ck_assert_ptr_nonnull(cfg);
	vb_run_cfg_init(cfg);
	ck_assert_msg(vb_run_cfg_parse(cfg, 3, argv, NULL, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(cfg->nprograms, 2);
	ck_assert_ptr_nonnull(
	    strstr(vb_run_cfg_program(cfg, "redis-benchmark"), "/redis-benchmark"));
	vb_run_cfg_servers(cfg, servers);
	ck_assert_ptr_nonnull(servers[0]);
	ck_assert_ptr_nonnull(strstr(servers[0], "/redis-server"));
	ck_assert_ptr_null(servers[1]);
	ck_assert_ptr_null(vb_run_cfg_program(cfg, "nginx"));
	vb_run_cfg_free(cfg);
	free(cfg);
}
END_TEST

/* `vbench run` of app.redis everywhere this host can: every repetition
 * ok, the server where each instance has it (beside the agent in a root
 * filesystem vbench built; the host's own on bare metal), the group
 * "Applications" in the report, the host's network as it was. */
START_TEST(test_run_everywhere)
{
	const char *envs[] = { "bare",	      "container", "container:nat", "container:host",
			       "oci",	      "oci:nat",   "oci:host",	    "podman:nat",
			       "podman:host", "hosted",	   "hosted:tap" };
	const char *wls[] = { "app.redis", "app.nginx" }, *hostpath[] = { REDIS, NGINX };
	const char *inside[] = { "/usr/libexec/vbench/redis-server", "/usr/libexec/vbench/nginx" };
	char dir[PATH_MAX], path[PATH_MAX], *out, *err, *before, *after, *md;
	const char *prog;
	json_t *doc, *r;
	size_t i, k, n, ok, nw = 2, j;
	int rc;

	if (access(REDIS, X_OK) < 0 || access(REDIS_BENCHMARK, X_OK) < 0)
		VB_SKIP("%s or %s missing (packages redis-server, redis-tools)", REDIS,
			REDIS_BENCHMARK);
	if (access(NGINX, X_OK) < 0 || access(WRK, X_OK) < 0) {
		fprintf(stderr, "app.nginx left out: %s or %s missing (nginx-light, wrk)\n", NGINX,
			WRK);
		nw = 1;
	}
	before = vb_testnet_state();
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare,container,oci,podman,hosted",
			    "--workload", nw == 2 ? "app.*" : "app.redis", "--profile", "test",
			    "--reps", "2", "--out", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_msg(strstr(out, "Applications"), "%s", out);
	doc = vb_test_load_run(dir, 1);
	for (i = 0; i < VB_ARRAY_SIZE(envs); i++)
		for (j = 0; j < nw; j++) {
			n = vb_testnet_reps(doc, envs[i], wls[j], &ok);
			if (n == 0) { /* a backend this host lacks: said so */
				ck_assert_msg(strstr(err, "unavailable"), "%s never ran: %s",
					      envs[i], err);
				continue;
			}
			vb_testnet_assert_two_ok(doc, envs[i], wls[j]);
			json_array_foreach (json_object_get(doc, "repetitions"), k, r) {
				if (strcmp(json_string_value(json_object_get(r, "env")), envs[i]) ||
				    strcmp(json_string_value(json_object_get(r, "workload")),
					   wls[j]))
					continue;
				prog = json_string_value(json_object_get(
				    json_object_get(
					json_object_get(
					    json_object_get(json_object_get(r, "result"), "detail"),
					    "server"),
					"detail"),
				    "program"));
				ck_assert_ptr_nonnull(prog);
				ck_assert_str_eq(prog, i == 0 ? hostpath[j] : inside[j]);
			}
		}
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = vb_read_file(path, 1 << 24, 0, NULL);
	ck_assert_ptr_nonnull(md);
	ck_assert_ptr_nonnull(strstr(md, "Applications"));
	free(md);
	after = vb_testnet_state();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	free(out);
	free(err);
}
END_TEST

/* Processes whose command line names a server directory of vbench's
 * ("vbench-nginx-"): 0 once every server is gone. */
static int servers_left(void)
{
	glob_t g;
	char buf[4096];
	size_t i, k, n;
	int left = 0;
	FILE *f;

	if (glob("/proc/[0-9]*/cmdline", 0, NULL, &g) != 0)
		return 0;
	for (i = 0; i < g.gl_pathc; i++) {
		f = fopen(g.gl_pathv[i], "re");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (k = 0; k < n; k++)
			buf[k] = buf[k] ? buf[k] : ' ';
		buf[n] = '\0';
		left += strstr(buf, "/vbench-nginx-") != NULL;
	}
	globfree(&g);
	return left;
}

/* An application's server and its files go with the run: after a SIGINT,
 * and after a SIGKILL and `vbench clean` (the host directory the bare
 * server keeps its files in is the run's, registered: a killed agent's
 * directory in the host's /tmp stayed before). */
START_TEST(test_interrupted)
{
	char dir[PATH_MAX], *out, *err;
	pid_t pid;
	int rc, i;

	if (access(NGINX, X_OK) < 0 || access(WRK, X_OK) < 0)
		VB_SKIP("%s or %s missing (packages nginx-light, wrk)", NGINX, WRK);
	snprintf(dir, sizeof(dir), "%s/int", tmpdir);
	pid = vb_testnet_run_bg("bare,container", "app.nginx", dir, 2);
	kill(pid, SIGINT);
	ck_assert_int_eq(vb_test_reap(pid), 130);
	VB_ASSERT_NO_DEBRIS(pid, dir);
	ck_assert_int_eq(servers_left(), 0);
	snprintf(dir, sizeof(dir), "%s/kill", tmpdir);
	pid = vb_testnet_run_bg("bare,container", "app.nginx", dir, 2);
	kill(pid, SIGKILL);
	ck_assert_int_eq(vb_test_reap(pid), 256 + SIGKILL);
	rc = vb_test_vbench(NULL, &out, &err, "clean", NULL);
	ck_assert_msg(rc == 0, "vbench clean: exit %d: %s", rc, err);
	free(out);
	free(err);
	for (i = 0; i < 100 && servers_left(); i++) /* dying with their agents */
		usleep(50000);
	ck_assert_int_eq(servers_left(), 0);
	VB_ASSERT_NO_DEBRIS(pid, dir);
	/* wrk's script is a memory file: none on disk (a SIGKILL during wrk left
	 * /tmp/vbench-wrk-* before) */
	{
		glob_t g;

		ck_assert_int_ne(glob("/tmp/vbench-wrk-*", 0, NULL, &g), 0);
		globfree(&g);
	}
}
END_TEST

Suite *vb_suite_app(void)
{
	Suite *s = suite_create("app");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_redis_listens);
	tcase_add_test(tc, test_port_taken);
	tcase_add_test(tc, test_redis_client);
	tcase_add_test(tc, test_programs_of_selection);
	tcase_add_test(tc, test_nginx);
	tcase_add_test(tc, test_server_last_words);
	suite_add_tcase(s, tc);
	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_run_everywhere);
	tcase_add_test(tc, test_interrupted);
	suite_add_tcase(s, tc);
	return s;
}
