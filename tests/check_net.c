/*
 * check_net.c - the network workloads (issue #15; net_common.c, net_stream.c,
 * net_rr.c) and their path through the harness.
 *
 * Each workload's server runs in a forked child (vb_workload_serve, its
 * port sent back through a pipe as the agent sends its "listening"
 * message), its client here (vb_workload_drive) over loopback: the
 * accounting, the metrics, both directions of net.stream, the self-check
 * on both sides (corrupt=1 gives VB_ECHECK), a client without a server and
 * a server without a client (bounded waits, no hang).  Then `vbench run`
 * with net.* on bare (loopback), a container and oci (veth pairs, routed),
 * podman (no path yet) and a hosted VM (QEMU's user-mode network, one
 * forwarded port): run.json valid, each measured with its path recorded,
 * podman's network pairs never scheduled and said why; the host's links,
 * routes and nftables rules the same after the run, after a SIGINT and
 * after a SIGKILL and `vbench clean` (the default selection:
 * check_options.c).
 */
#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/core/runproc.h"
#include "harness/env/env.h"
#include "lib/util.h"
#include "tests/testnet.h"
#include "tests/tests.h"
#include "tests/testutil.h"
#include "workloads/net_common.h"
#include "workloads/workload.h"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "ctest"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* Workload @name with parameters @kv (pairs, NULL-ended) into @p. */
static const vb_workload_t *params(const char *name, const char *const *kv, vb_params_t *p)
{
	const vb_workload_t *w = vb_workload_find(name);
	vb_error_t err;

	ck_assert_ptr_nonnull(w);
	vb_params_defaults(w, p);
	for (; kv && kv[0]; kv += 2)
		ck_assert_msg(vb_params_set(w, p, kv[0], kv[1], &err) == 0, "%s", err.msg);
	return w;
}

/* Start @w's server in a child; its pid, and its port into *@port (the
 * child exits 0 when its run succeeded, 3 on VB_ECHECK, 1 otherwise). */
static pid_t server(const vb_workload_t *w, const vb_params_t *p, int corrupt, int timeout_ms,
		    unsigned *port)
{
	int fds[2];
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		vb_wnet_t net = { .listening = vb_testnet_port_to_pipe,
				  .arg = &fds[1],
				  .io_timeout_ms = timeout_ms };
		vb_wresult_t res;
		vb_error_t err;
		int rc;

		close(fds[0]);
		rc = vb_workload_serve(w, p, NULL, &net, NULL, corrupt, &res, &err);
		json_decref(res.detail);
		_exit(rc == 0 ? 0 : err.code == VB_ECHECK ? 3 : 1);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], port, sizeof(*port)), (ssize_t)sizeof(*port));
	close(fds[0]);
	return pid;
}

static int exit_of(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* One client run against a fresh server; the server's exit status into *@srv. */
static int drive(const char *name, const char *const *kv, int corrupt_client, int corrupt_server,
		 vb_wresult_t *res, vb_error_t *err, int *srv)
{
	vb_params_t p;
	const vb_workload_t *w = params(name, kv, &p);
	unsigned port;
	pid_t pid = server(w, &p, corrupt_server, 5000, &port);
	vb_drive_t d = { .params = &p,
			 .host = "127.0.0.1",
			 .port = port,
			 .corrupt = corrupt_client,
			 .io_timeout_ms = 5000 };
	int rc = vb_workload_drive(w, &d, res, err);

	*srv = exit_of(pid);
	return rc;
}

START_TEST(test_stream)
{
	static const char *const tx[] = { "bytes", "3000001", "msg", "65536", NULL },
				 *const rx[] = { "bytes",     "3000001", "msg", "65536",
						 "direction", "rx",	 NULL };
	vb_wresult_t res;
	vb_error_t err;
	int srv;

	ck_assert_msg(drive("net.stream", tx, 0, 0, &res, &err, &srv) == 0, "%s", err.msg);
	ck_assert_int_eq(srv, 0);
	ck_assert_uint_eq(res.bytes, 3000001);
	ck_assert_uint_eq(res.ops, 46); /* 45 whole writes and a last short one */
	ck_assert_double_gt(res.metric[0], 0);
	ck_assert_double_eq_tol(res.metric[1], res.metric[0] * 1e3 / 8, res.metric[1] * 1e-9);
	ck_assert_msg(drive("net.stream", rx, 0, 0, &res, &err, &srv) == 0, "%s", err.msg);
	ck_assert_int_eq(srv, 0);
	ck_assert_uint_eq(res.bytes, 3000001);
	/* the self-check: the client's hash falsified (tx: it checks the
	 * server's answer; rx: what it read), and the server's (rx) */
	ck_assert_int_eq(drive("net.stream", tx, 1, 0, &res, &err, &srv), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
	ck_assert_int_eq(drive("net.stream", rx, 1, 0, &res, &err, &srv), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
	ck_assert_int_eq(drive("net.stream", rx, 0, 1, &res, &err, &srv), 0);
	ck_assert_int_eq(srv, 3); /* the server found the client's answer wrong */
}
END_TEST

START_TEST(test_rr_crr)
{
	static const char *const rr[] = { "transactions", "2000", "size", "100", NULL },
				 *const crr[] = { "transactions", "200", NULL };
	vb_wresult_t res;
	vb_error_t err;
	int srv;

	ck_assert_msg(drive("net.rr", rr, 0, 0, &res, &err, &srv) == 0, "%s", err.msg);
	ck_assert_int_eq(srv, 0);
	ck_assert_uint_eq(res.ops, 2000);
	ck_assert_uint_eq(res.bytes, 2 * 2000 * 100);
	ck_assert_double_gt(res.metric[0], 0);
	/* percentiles in order, and the rate no faster than the median allows */
	ck_assert_double_gt(res.metric[1], 0);
	ck_assert_double_le(res.metric[1], res.metric[2]);
	ck_assert_double_le(res.metric[2], res.metric[3]);
	ck_assert_double_le(res.metric[0],
			    1e6 / json_real_value(json_object_get(res.detail, "min_us")) * 1.01);
	json_decref(res.detail);
	ck_assert_msg(drive("net.crr", crr, 0, 0, &res, &err, &srv) == 0, "%s", err.msg);
	ck_assert_int_eq(srv, 0);
	ck_assert_uint_eq(res.ops, 200);
	json_decref(res.detail);
	/* a wrong answer is caught */
	ck_assert_int_eq(drive("net.rr", rr, 1, 0, &res, &err, &srv), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
	ck_assert_ptr_nonnull(strstr(err.msg, "does not match its request"));
}
END_TEST

/* Bounded waits: no server (refused at once), no client (the server gives
 * up after its timeout), the wrong workload for the path. */
START_TEST(test_no_peer)
{
	vb_params_t p;
	const vb_workload_t *w = params("net.rr", NULL, &p);
	vb_drive_t d = { .params = &p, .host = "127.0.0.1", .io_timeout_ms = 2000 };
	vb_wresult_t res;
	vb_error_t err;
	unsigned port;
	int lfd;
	pid_t pid;
	uint64_t t0;

	/* a port nothing listens on: a socket bound, never listening */
	ck_assert_int_eq(vb_net_listen(NULL, 0, &lfd, &port, &err), 0);
	close(lfd);
	d.port = port;
	ck_assert_int_eq(vb_workload_drive(w, &d, &res, &err), -1);
	ck_assert_msg(strstr(err.msg, "connect to 127.0.0.1:"), "%s", err.msg);
	d.host = "localhost"; /* numeric addresses only */
	ck_assert_int_eq(vb_workload_drive(w, &d, &res, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	/* a server nobody connects to gives up within its timeout */
	t0 = vb_now_ns();
	pid = server(w, &p, 0, 300, &port);
	ck_assert_int_eq(exit_of(pid), 1);
	ck_assert_uint_lt(vb_now_ns() - t0, 3000000000ull);
	/* a network workload never runs without its client */
	ck_assert_int_eq(vb_workload_run(w, &p, NULL, NULL, 0, &res, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "needs the harness as its client"));
}
END_TEST

/* A server that answers one byte every 100 ms, for ever. */
static pid_t trickler(unsigned *port)
{
	int lfd, fd;
	vb_error_t err;
	pid_t pid;

	ck_assert_int_eq(vb_net_listen("127.0.0.1", 0, &lfd, port, &err), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = accept(lfd, NULL, NULL);
		for (;;) {
			if (write(fd, "x", 1) != 1)
				_exit(0);
			usleep(100000);
		}
	}
	close(lfd);
	return pid;
}

/* The client's deadline holds against a peer that trickles (each wait is
 * short, the whole is not), and the byte count against one that never
 * stops: the repetition ends in time, with the reason. */
START_TEST(test_client_deadline)
{
	static const char *const rx[] = { "bytes", "1000000", "direction", "rx", NULL };
	vb_params_t p;
	const vb_workload_t *w = params("net.stream", rx, &p);
	vb_drive_t d = { .params = &p, .host = "127.0.0.1", .io_timeout_ms = 2000 };
	vb_wresult_t res;
	vb_error_t err;
	uint64_t t0;
	pid_t pid;

	pid = trickler(&d.port);
	t0 = vb_now_ns();
	d.deadline_ns = t0 + 600000000ull;
	ck_assert_int_eq(vb_workload_drive(w, &d, &res, &err), -1);
	ck_assert_int_eq(err.code, VB_ETIMEOUT);
	ck_assert_msg(strstr(err.msg, "time is up"), "%s", err.msg);
	ck_assert_uint_lt(vb_now_ns() - t0, 1500000000ull);
	kill(pid, SIGKILL);
	exit_of(pid);
}
END_TEST

static pid_t net_run_bg(const char *envs, const char *dir)
{
	return vb_testnet_run_bg(envs, "net.rr", dir, 2);
}

START_TEST(test_run_bare_container)
{
	char dir[PATH_MAX], *out, *err, *before, *after, *during;
	const char *wl[] = { "net.stream", "net.rr", "net.crr" };
	char path[PATH_MAX], *md;
	const char *modes[] = { "container:nat", "container:host", "oci:nat", "oci:host" };
	const char *paths[] = { "published port", "no network namespace", "published port",
				"no network namespace" };
	json_t *doc, *r, *net;
	size_t i, n, ok, m;
	int rc, have_oci, have_podman;
	pid_t pid;

	before = vb_testnet_state();
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare,container,oci,podman",
			    "--workload", "net.*,cpu.syscall", "--profile", "test", "--reps", "2",
			    "--out", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	have_oci = strstr(err, "oci unavailable") == NULL;
	have_podman = strstr(err, "podman unavailable") == NULL;
	/* a network mode's instance is in its group's verdicts only (its CPU
	 * verdict said "undecided" of nothing measured before) */
	ck_assert_msg(strstr(out, "container:nat x") != NULL, "%s", out);
	ck_assert_msg(!strstr(out, "container:nat undecided") && !strstr(out, "oci:host undecided"),
		      "%s", out);
	if (have_podman) {
		ck_assert_ptr_nonnull(
		    strstr(err, "podman: network workloads not run: started with --network none"));
		/* nothing measured is said so ("undecided (too few repetitions)" before) */
		ck_assert_msg(strstr(out, "podman not measured"), "%s", out);
	}
	free(out);
	free(err);
	doc = vb_test_load_run(dir, 1);
	for (i = 0; i < 3; i++) {
		vb_testnet_assert_two_ok(doc, "bare", wl[i]);
		vb_testnet_assert_two_ok(doc, "container", wl[i]);
		for (m = 0; m < (have_oci ? 4u : 2u); m++) /* each network mode (--net all) */
			vb_testnet_assert_two_ok(doc, modes[m], wl[i]);
		if (have_oci)
			vb_testnet_assert_two_ok(doc, "oci", wl[i]);
		n = vb_testnet_reps(doc, "podman", wl[i], &ok);
		ck_assert_msg(n == 0, "podman %s scheduled %zu times", wl[i], n);
	}
	for (m = 0; m < 4; m++) {
		if (!have_oci && m >= 2)
			break;
		/* the modes run the network workloads only, each on its path */
		ck_assert_uint_eq(vb_testnet_reps(doc, modes[m], "cpu.syscall", &ok), 0);
		net = json_object_get(vb_test_env_rec(doc, modes[m]), "network");
		ck_assert_msg(strstr(json_string_value(json_object_get(net, "path")), paths[m]),
			      "%s: %s", modes[m], json_string_value(json_object_get(net, "path")));
		ck_assert_str_eq(
		    json_string_value(json_object_get(vb_test_env_rec(doc, modes[m]), "net_mode")),
		    strchr(modes[m], ':') + 1);
		/* the namespaces it has, as its configuration records them (mode
		 * host listed a network namespace it did not have) */
		net = json_object_get(json_object_get(vb_test_env_rec(doc, modes[m]), "config"),
				      "namespaces");
		ck_assert_str_eq(json_string_value(json_array_get(net, 2)),
				 strstr(modes[m], ":host") ? "(the host's network)" : "network");
	}
	if (have_podman) {
		n = vb_testnet_reps(doc, "podman", "cpu.syscall", &ok);
		ck_assert_uint_eq(ok, 2);
		/* its mode host: --network host, the loopback */
		vb_testnet_assert_two_ok(doc, "podman:host", "net.rr");
		/* its default network with a published port, made by podman in a
		 * namespace of vbench's: the host's rule set unchanged (below) */
		for (i = 0; i < 3; i++)
			vb_testnet_assert_two_ok(doc, "podman:nat", wl[i]);
		net = json_object_get(vb_test_env_rec(doc, "podman:nat"), "network");
		ck_assert_ptr_nonnull(
		    strstr(json_string_value(json_object_get(net, "path")), "default network"));
		net = json_object_get(vb_test_env_rec(doc, "podman:host"), "network");
		ck_assert_str_eq(json_string_value(json_object_get(net, "address")), "127.0.0.1");
		net = json_object_get(vb_test_env_rec(doc, "podman"), "network");
		ck_assert(json_is_null(json_object_get(net, "path")));
		ck_assert_ptr_nonnull(json_string_value(json_object_get(net, "reason")));
	}
	if (have_oci)
		ck_assert_ptr_nonnull(
		    strstr(json_string_value(json_object_get(
			       json_object_get(vb_test_env_rec(doc, "oci"), "network"), "path")),
			   "veth pair"));
	/* each path recorded: loopback, and the veth pair's private addresses */
	net = json_object_get(vb_test_env_rec(doc, "bare"), "network");
	ck_assert_str_eq(json_string_value(json_object_get(net, "address")), "127.0.0.1");
	net = json_object_get(vb_test_env_rec(doc, "container"), "network");
	ck_assert_msg(!strncmp(json_string_value(json_object_get(net, "address")), "198.1", 5),
		      "%s", json_string_value(json_object_get(net, "address")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(net, "path")), "veth pair"));
	ck_assert_str_eq(json_string_value(json_object_get(net, "mode")), "bridge");
	/* a mode's instance is in the network group only: an overall figure
	 * over its network workloads beside others' over every workload
	 * compared different things (it was in the "all" group) */
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	md = vb_read_file(path, 1 << 24, 0, NULL);
	ck_assert_ptr_nonnull(md);
	{
		json_t *sum = json_loads(md, 0, NULL), *g;
		size_t gi;

		ck_assert_ptr_nonnull(sum);
		json_array_foreach (json_object_get(sum, "groups"), gi, g) {
			int is_net = !strcmp(json_string_value(json_object_get(g, "kind")), "net");
			json_t *ge = json_object_get(json_object_get(g, "envs"), "container:nat");

			ck_assert_msg(is_net ? ge != NULL : ge == NULL, "group %s",
				      json_string_value(json_object_get(g, "kind")));
		}
		json_decref(sum);
	}
	free(md);
	/* the host cost per round trip of every path: its cgroup's CPU time */
	{
		json_t *sum, *r2;
		size_t ri, seen = 0;

		snprintf(path, sizeof(path), "%s/summary.json", dir);
		sum = json_load_file(path, 0, NULL);
		ck_assert_ptr_nonnull(sum);

		json_array_foreach (json_object_get(sum, "results"), ri, r2)
			if (!strcmp(json_string_value(json_object_get(r2, "workload")), "net.rr") &&
			    !strcmp(json_string_value(json_object_get(r2, "env")), "container:nat"))
				seen += json_number_value(json_object_get(
					    json_object_get(r2, "host_cost"), "median")) > 0;
		ck_assert_uint_eq(seen, 1);
		json_decref(sum);
	}
	/* every path named in the report (it named none before) */
	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = vb_read_file(path, 1 << 22, 0, NULL);
	ck_assert_ptr_nonnull(md);
	ck_assert_msg(strstr(md, "Network paths") &&
			  strstr(md, "| container:nat | nat | published port (destination NAT"),
		      "%s", md);
	free(md);
	/* a result: the client's metrics, the server's own kept beside them */
	json_array_foreach (json_object_get(doc, "repetitions"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "workload")), "net.rr") &&
		    !strcmp(json_string_value(json_object_get(r, "env")), "container")) {
			json_t *res = json_object_get(r, "result");
			ck_assert(json_is_number(
			    json_object_get(json_object_get(res, "metrics"), "p99_us")));
			ck_assert(json_is_object(
			    json_object_get(json_object_get(res, "detail"), "server")));
			ck_assert_ptr_nonnull(strstr(
			    json_string_value(json_object_get(
				json_object_get(json_object_get(res, "detail"), "client"), "path")),
			    "veth pair"));
			break;
		}
	json_decref(doc);
	/* links, routes and rules as before the run */
	after = vb_testnet_state();
	ck_assert_msg(!strcmp(before, after), "before:\n%s\nafter:\n%s", before, after);
	free(after);
	/* ... after a SIGINT, and after a SIGKILL and `vbench clean` */
	snprintf(dir, sizeof(dir), "%s/int", tmpdir);
	pid = net_run_bg("bare,container", dir);
	/* the pair lies between the container's namespace and the client's:
	 * the host's own links never change, not even during the run */
	during = vb_testnet_state();
	ck_assert_msg(!strcmp(before, during), "the host's network changed during the run:\n%s",
		      during);
	free(during);
	kill(pid, SIGINT);
	ck_assert_int_eq(vb_test_reap(pid), 130);
	after = vb_testnet_state();
	ck_assert_msg(!strcmp(before, after), "after SIGINT:\n%s", after);
	free(after);
	snprintf(dir, sizeof(dir), "%s/kill", tmpdir);
	pid = net_run_bg(have_podman ? "bare,container,podman" : "bare,container", dir);
	kill(pid, SIGKILL);
	ck_assert_int_eq(vb_test_reap(pid), 256 + SIGKILL);
	rc = vb_test_vbench(NULL, &out, &err, "clean", NULL);
	ck_assert_msg(rc == 0, "vbench clean: exit %d: %s", rc, err);
	free(out);
	free(err);
	/* the pair dies with the namespace, which the kernel frees a moment
	 * after its last process (asynchronously): wait for it, 5 s at most */
	for (i = 0; i < 100; i++) {
		after = vb_testnet_state();
		if (!strcmp(before, after))
			break;
		free(after);
		after = NULL;
		usleep(50000);
	}
	ck_assert_msg(after != NULL, "after SIGKILL and clean:\n%s", vb_testnet_state());
	free(after);
	free(before);
}
END_TEST

/* A repetition's failure stays the repetition's: the client's (a wrong
 * answer, VBENCH_TEST_CORRUPT) and the server's before it listens (a bad
 * parameter) leave the instance up for the next workload; neither is a
 * protocol error (both took the environment down before). */
START_TEST(test_failures_in_step)
{
	char dir[PATH_MAX], *out, *err;
	json_t *doc, *r;
	size_t n, ok, i;
	int rc;

	snprintf(dir, sizeof(dir), "%s/corrupt", tmpdir);
	setenv("VBENCH_TEST_CORRUPT", "net.rr", 1);
	rc =
	    vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload", "net.rr,net.crr",
			   "--profile", "test", "--reps", "2", "--out", dir, NULL);
	unsetenv("VBENCH_TEST_CORRUPT");
	ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
	free(out);
	free(err);
	doc = vb_test_load_run(dir, 1);
	n = vb_testnet_reps(doc, "bare", "net.rr", &ok);
	ck_assert_msg(n == 2 && ok == 0, "net.rr: %zu of %zu", ok, n);
	vb_testnet_assert_two_ok(doc, "bare", "net.crr");
	json_array_foreach (json_object_get(doc, "repetitions"), i, r)
		if (!json_is_true(json_object_get(r, "ok")))
			ck_assert_str_eq(json_string_value(json_object_get(r, "error_kind")),
					 "check");
	json_decref(doc);
	snprintf(dir, sizeof(dir), "%s/badparam", tmpdir);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--workload",
			    "net.stream,net.crr", "--param", "net.stream.direction=bogus",
			    "--profile", "test", "--reps", "2", "--out", dir, NULL);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, err);
	free(out);
	free(err);
	doc = vb_test_load_run(dir, 1);
	vb_testnet_assert_two_ok(doc, "bare", "net.crr");
	json_array_foreach (json_object_get(doc, "repetitions"), i, r)
		if (!json_is_true(json_object_get(r, "ok"))) {
			ck_assert_str_ne(json_string_value(json_object_get(r, "error_kind")),
					 "protocol");
			ck_assert_ptr_nonnull(
			    strstr(json_string_value(json_object_get(r, "error")), "bogus"));
		}
	json_decref(doc);
}
END_TEST

/* A hosted VM over QEMU's user-mode network: one forwarded port on the
 * host's loopback, restricted (the guest reaches nothing), the guest's
 * eth0 configured by its /init; measured, recorded, QEMU's argument vector
 * says restrict=on; nothing left. */
START_TEST(test_run_hosted)
{
	char dir[PATH_MAX], *out, *err, *before, *after;
	json_t *doc, *net, *cfg;
	const char *cmd;
	int rc;

	if (access("/usr/bin/qemu-system-x86_64", X_OK) < 0 || geteuid() != 0)
		VB_SKIP("qemu-system-x86_64 missing or not root");
	before = vb_testnet_state();
	snprintf(dir, sizeof(dir), "%s/vm", tmpdir);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare,hosted", "--workload", "net.*",
			    "--profile", "test", "--reps", "2", "--out", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	doc = vb_test_load_run(dir, 1);
	vb_testnet_assert_two_ok(doc, "hosted", "net.rr");
	vb_testnet_assert_two_ok(doc, "hosted", "net.stream");
	net = json_object_get(vb_test_env_rec(doc, "hosted"), "network");
	ck_assert_str_eq(json_string_value(json_object_get(net, "address")), "127.0.0.1");
	ck_assert_int_gt(json_integer_value(json_object_get(net, "port")), 0);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(net, "path")), "slirp"));
	cfg = json_object_get(vb_test_env_rec(doc, "hosted"), "config");
	cmd = json_string_value(json_object_get(cfg, "command"));
	ck_assert_msg(cmd && strstr(cmd, "restrict=on,hostfwd=tcp:127.0.0.1:") &&
			  strstr(cmd, "vbench.net=10.0.2.15/24"),
		      "QEMU's command: %s", cmd ? cmd : "(none)");
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(cfg, "qemu"), "network")),
	    "user-mode (slirp, restricted) on virtio-net, a forwarded TCP port");
	/* mode tap: a tap in the client's private namespace, routed */
	vb_testnet_assert_two_ok(doc, "hosted:tap", "net.rr");
	vb_testnet_assert_two_ok(doc, "hosted:tap", "net.stream");
	vb_testnet_assert_two_ok(doc, "hosted:tap", "net.crr");
	vb_testnet_assert_two_ok(doc, "hosted", "net.crr");
	net = json_object_get(vb_test_env_rec(doc, "hosted:tap"), "network");
	ck_assert_str_eq(json_string_value(json_object_get(net, "address")), "198.18.0.2");
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_object_get(net, "path")), "tap device"));
	cfg = json_object_get(vb_test_env_rec(doc, "hosted:tap"), "config");
	cmd = json_string_value(json_object_get(cfg, "command"));
	ck_assert_msg(cmd && strstr(cmd, "tap,id=net0,fd=") &&
			  strstr(cmd, "vbench.net=198.18.0.2/30") && !strstr(cmd, "hostfwd"),
		      "QEMU's command: %s", cmd ? cmd : "(none)");
	json_decref(doc);
	after = vb_testnet_state();
	ck_assert_msg(!strcmp(before, after), "before:\n%s\nafter:\n%s", before, after);
	free(after);
	free(before);
}
END_TEST

/* A resumed run keeps the first session's VM logs of every instance,
 * a tap mode's too (they were overwritten: the logs are named
 * hosted-tap, and the resume looked for hosted:tap). */
START_TEST(test_resume_keeps_mode_logs)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	size_t n;
	json_t *doc;
	pid_t pid;

	if (access("/usr/bin/qemu-system-x86_64", X_OK) < 0 || geteuid() != 0)
		VB_SKIP("qemu-system-x86_64 missing or not root");
	snprintf(dir, sizeof(dir), "%s/resume", tmpdir);
	pid = vb_testnet_run_bg("bare,hosted", "net.rr", dir, 4);
	kill(pid, SIGINT);
	ck_assert_int_eq(vb_test_reap(pid), 130);
	doc = vb_test_load_run(dir, 0);
	n = json_array_size(json_object_get(doc, "repetitions"));
	json_decref(doc);
	pid = vb_testnet_run_bg(NULL, "net.rr", dir, n + 3); /* every instance up again */
	kill(pid, SIGINT);
	ck_assert_int_eq(vb_test_reap(pid), 130);
	snprintf(path, sizeof(path), "%s/console-hosted-tap.session1.log", dir);
	ck_assert_msg(access(path, F_OK) == 0, "%s missing", path);
	snprintf(path, sizeof(path), "%s/qemu-hosted.session1.log", dir);
	ck_assert_msg(access(path, F_OK) == 0, "%s missing", path);
}
END_TEST

/* --net and ENV:MODE: the modes the backends declare, nothing else. */
START_TEST(test_net_option)
{
	const char *bad[][5] = {
		{ "run", "--net", "bogus", NULL, "unknown network mode 'bogus'" },
		{ "run", "--env", "container:bogus", NULL,
		  "unknown environment 'container:bogus'" },
		{ "run", "--env", "bare:nat", NULL, "unknown environment 'bare:nat'" },
		{ "run", "--env", "container:", NULL, "unknown environment 'container:'" },
	};
	char *argv[8];
	vb_run_cfg_t cfg;
	vb_error_t err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vb_run_cfg_init(&cfg);
		memcpy(argv, bad[i], 3 * sizeof(char *));
		argv[3] = NULL;
		ck_assert_int_ne(vb_run_cfg_parse(&cfg, 3, argv, vb_env_cfg_ext(), &err), 0);
		ck_assert_int_eq(err.code, VB_EUSAGE);
		ck_assert_msg(strstr(err.msg, bad[i][4]), "%s", err.msg);
		vb_run_cfg_free(&cfg);
	}
	vb_run_cfg_init(&cfg);
	argv[0] = "run", argv[1] = "--env", argv[2] = "bare,container:nat,hosted:tap";
	argv[3] = "--net", argv[4] = "host,nat", argv[5] = NULL;
	ck_assert_int_eq(vb_run_cfg_parse(&cfg, 5, argv, vb_env_cfg_ext(), &err), 0);
	ck_assert_uint_eq(cfg.nenvs, 3);
	ck_assert_str_eq(cfg.env_names[1], "container:nat");
	ck_assert_str_eq(cfg.env_names[2], "hosted:tap");
	ck_assert_uint_eq(cfg.nnet, 2);
	ck_assert_int_eq(cfg.net_all, 0);
	vb_run_cfg_free(&cfg);
	vb_run_cfg_init(&cfg);
	argv[2] = "bare", argv[4] = "default";
	ck_assert_int_eq(vb_run_cfg_parse(&cfg, 5, argv, vb_env_cfg_ext(), &err), 0);
	ck_assert_uint_eq(cfg.nnet, 0);
	ck_assert_int_eq(cfg.net_all, 0);
	vb_run_cfg_free(&cfg);
}
END_TEST

Suite *vb_suite_net(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_rr_crr);
	tcase_add_test(tc, test_no_peer);
	tcase_add_test(tc, test_client_deadline);
	tcase_add_test(tc, test_net_option);
	tcase_add_test(tc, test_run_bare_container);
	tcase_add_test(tc, test_run_hosted);
	tcase_add_test(tc, test_resume_keeps_mode_logs);
	tcase_add_test(tc, test_failures_in_step);
	suite_add_tcase(s, tc);
	return s;
}
