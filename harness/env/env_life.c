/*
 * env_life.c - one instance lifecycle for every caller (env.h): the run's
 * environments, the calibration instance, density and noisy neighbours all
 * go up and down through vb_env_up and vb_env_down, and every hook a
 * backend leaves NULL has its default here (wait for the ready message,
 * host CPU time from the allocation cgroup, the common stop sequence, the
 * run of one request).
 */
#include "harness/env/env.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "harness/core/agentmsg.h"
#include "harness/core/marker.h"
#include "harness/core/runproc.h"
#include "harness/core/undo.h"
#include "harness/env/ct_common.h"
#include "harness/env/netpath.h"
#include "harness/image/rootfs.h"
#include "lib/testpoint.h"
#include "lib/textsafe.h"
#include "lib/util.h"
#include "workloads/workload.h"

/* ---- up and down ---------------------------------------------------------- */

void vb_env_init(vb_env_t *env, const vb_env_ops_t *ops, const vb_run_cfg_t *cfg, const char *inst)
{
	memset(env, 0, sizeof(*env));
	env->ops = ops;
	env->cfg = cfg;
	env->chan.wfd = env->chan.rfd = -1;
	snprintf(env->inst, sizeof(env->inst), "%s", inst ? inst : "");
	snprintf(env->name, sizeof(env->name), "%s", ops->name);
}

const char *vb_env_tag(const vb_env_t *env, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", env->ops->name, env->inst);
	return buf;
}

int vb_env_set_net_mode(vb_env_t *env, const char *mode, vb_error_t *err)
{
	const vb_env_ops_t *o = env->ops;
	int k = mode ? vb_env_mode_index(o, mode) : 0;
	size_t n;

	if (k < 0)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: no network mode '%s'", o->name, mode);
	if (!k)
		return 0;
	env->net_mode = o->net_modes[k];
	vb_env_mode_name(o, env->net_mode, env->name, sizeof(env->name));
	n = strlen(env->inst);
	snprintf(env->inst + n, sizeof(env->inst) - n, "-%s", env->net_mode);
	return 0;
}

int vb_env_wait_launched(vb_env_t *env, const char *what, const char *log, int reap_ms,
			 vb_error_t *err)
{
	char line[600];
	int code;

	if (vb_env_wait_ready(env, err) == 0)
		return 0;
	if (err && err->code == VB_EINTR)
		return -1;
	/* a launcher that refused exits at once: its log says why */
	if (vb_env_launcher_ended(env, log, reap_ms, &code, line, sizeof(line)))
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s exited %d: %s", what, code,
				    line[0] ? line : "(nothing in its log)");
	return -1;
}

int vb_env_launcher_ended(vb_env_t *env, const char *log, int reap_ms, int *code, char *line,
			  size_t len)
{
	char *s;
	int st = 0;

	if (env->chan.pid <= 0 || !vb_ct_reap_within(env->chan.pid, reap_ms, &st))
		return 0;
	vb_undo_forget(env->chan.res);
	env->chan.pid = 0;
	*code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	s = log ? vb_read_file(log, 1 << 16, 1, NULL) : NULL;
	vb_text_last_line(s, line, len);
	free(s);
	return 1;
}

#define VB_LOST_GRACE_MS 1000

int vb_env_lost_to_interrupt(const vb_env_t *env)
{
	/* answering, or hanging (a timeout): not lost, nothing to wait for */
	return vb_undo_wait_interrupted(env->chan.dead ? VB_LOST_GRACE_MS : 0);
}

void vb_env_keep_log(const vb_env_t *env, const char *path)
{
	char *s = env->cfg->log_fd >= 0 ? vb_read_file(path, 1 << 20, 0, NULL) : NULL;
	ssize_t w;

	if (s && s[0]) {
		w = write(env->cfg->log_fd, s, strlen(s));
		(void)w;
	}
	free(s);
}

void vb_env_set_target(vb_env_t *env, const char *target)
{
	if (!target || !target[0])
		return;
	snprintf(env->target, sizeof(env->target), "%s", target);
	snprintf(env->name, sizeof(env->name), "%s:%s", env->ops->name, env->target);
}

int vb_env_up(vb_env_t *env, vb_error_t *err)
{
	const vb_env_ops_t *o = env->ops;

	if (vb_env_check(o, err) < 0)
		return -1;
	if ((o->prepare && o->prepare(env, err) < 0) || o->start(env, err) < 0 ||
	    (!env->ready && (o->wait_ready ? o->wait_ready(env, err) : vb_env_wait_ready(env, err)) < 0)) {
		vb_env_down(env);
		return -1;
	}
	env->started = 1;
	env->start_ns = env->ready_ns - env->launch_ns;
	return 0;
}

/* The cgroup torn down: emptied (the kernel removes a namespace's tasks
 * after its init exited) and removed; a borrowed one only let go. */
static void cgroup_down(vb_env_t *env)
{
	if (env->have_cg && !env->cg_borrowed) {
		vb_ct_cgroup_wait_empty(&env->cg, 1000);
		vb_cgroup_destroy(&env->cg);
	}
	env->have_cg = 0;
	env->cg_borrowed = 0;
}

uint64_t vb_env_down(vb_env_t *env)
{
	uint64_t t0 = vb_now_ns();
	int was_up = env->started;
	vb_error_t err;

	if (!env->ops)
		return 0;
	if (env->ops->stop)
		env->ops->stop(env, &err);
	else
		vb_env_stop_common(env);
	if (env->ops->cleanup)
		env->ops->cleanup(env);
	cgroup_down(env);
	env->started = 0;
	json_decref(env->ready);
	env->ready = NULL;
	return was_up ? vb_now_ns() - t0 : 0;
}

int vb_env_stop_common(vb_env_t *env)
{
	int st = -1, clean = 0;

	if (env->chan.wfd >= 0 || env->chan.pid > 0) {
		/* Past the timeout: killed by the close, then the removal. */
		if (vb_env_quit_wait(env, &st) == 1)
			clean = WIFEXITED(st) && WEXITSTATUS(st) == 0;
		vb_chan_close(&env->chan, 0); /* closes, and kills what did not exit */
	}
	if (env->undo_res) {
		if (clean)
			vb_undo_forget(env->undo_res);
		else
			vb_undo_release(env->undo_res);
		env->undo_res = 0;
	}
	cgroup_down(env);
	return 0;
}

/* ---- defaults of the other hooks, and helpers for backends ------------------- */

int vb_env_cgroup(vb_env_t *env, uint64_t memory, vb_error_t *err)
{
	char name[96], tag[64];

	if (!env->cfg->use_cgroup)
		return 0;
	snprintf(name, sizeof(name), "vbench-%s-%s", vb_marker_run_id(),
		 vb_env_tag(env, tag, sizeof(tag)));
	if (vb_cgroup_create(&env->cg, env->cfg->cgroup_root, name, env->cfg->env_cpus, memory,
			     err) < 0)
		return vb_error_prefix(err, "%s: allocation cgroup", env->name);
	env->have_cg = 1;
	return 0;
}

json_t *vb_env_limits_json(const vb_env_t *env)
{
	return env->have_cg ? vb_cgroup_to_json(&env->cg)
			    : json_pack("{s:b,s:s}", "enforced", 0, "how",
					"affinity only (--no-cgroup)");
}

int vb_env_host_cpu_ns(vb_env_t *env, uint64_t *ns)
{
	if (env->ops->host_cpu_ns)
		return env->ops->host_cpu_ns(env, ns);
	return env->have_cg ? vb_cgroup_cpu_ns(&env->cg, ns) : -1;
}

json_t *vb_env_run(vb_env_t *env, const json_t *req, vb_error_t *err)
{
	return env->ops->run ? env->ops->run(env, req, err) : vb_env_default_run(env, req, err);
}

int vb_env_wait_ready(vb_env_t *env, vb_error_t *err)
{
	json_t *msg;

	vb_test_point("start", env->name);
	msg = vb_chan_recv(&env->chan, (int)(env->cfg->start_timeout_s * 1000), 1, err);
	if (!msg)
		return vb_error_prefix(err, "%s: waiting for the agent to start", env->name);
	if (vb_agent_check_ready(msg, err) < 0) {
		json_decref(msg);
		return vb_error_prefix(err, "%s", env->name);
	}
	env->ready_ns = vb_now_ns();
	env->ready = msg;
	return 0;
}

int vb_env_stop_ms(const vb_env_t *env, int cap_ms)
{
	double s = env->cfg ? env->cfg->stop_timeout_s : 10;
	int ms = s > 0 && s < 86400 ? (int)(s * 1000) : 10000;

	if (vb_undo_interrupted() && ms > VB_ENV_STOP_INTERRUPTED_MS)
		ms = VB_ENV_STOP_INTERRUPTED_MS; /* the user is waiting */
	return cap_ms > 0 && cap_ms < ms ? cap_ms : ms;
}

int vb_env_quit_wait(vb_env_t *env, int *status)
{
	json_t *quit;

	if (env->chan.wfd >= 0 && !env->chan.dead) {
		quit = vb_agent_op_request("quit", -1);
		vb_chan_send(&env->chan, quit, NULL);
		json_decref(quit);
	}
	env->chan.dead = 1;
	if (env->chan.pid <= 0)
		return -1;
	if (!vb_ct_reap_within(env->chan.pid, vb_env_stop_ms(env, 0), status)) {
		env->stop_timed_out = 1;
		return 0;
	}
	vb_undo_forget(env->chan.res);
	env->chan.pid = 0;
	return 1;
}

json_t *vb_env_default_run(vb_env_t *env, const json_t *req, vb_error_t *err)
{
	return vb_env_call(env, req, (int)(env->cfg->rep_timeout_s * 1000), err);
}

/* ---- a network workload: the server in the instance, the client here ---- */

#define NET_IO_TIMEOUT_MS 10000 /* longest silence of either side */

/*
 * The workload's result: the server's answer @reply (its counters, its
 * time for the request) with the client's region, operations, bytes and
 * metrics, which are the workload's measurements; the server's own under
 * detail.server, the client's CPU time and the path under detail.client.
 */
static json_t *merged(const vb_workload_t *w, const json_t *reply, vb_wresult_t *c,
		      uint64_t client_cpu_ns, const char *path, const char *addr, unsigned port)
{
	json_t *r = json_deep_copy(reply), *detail = json_object();

	json_object_set_new(detail, "server",
			    json_pack("{s:O?,s:O?,s:O?,s:O?}", "elapsed_ns",
				      json_object_get(reply, "elapsed_ns"), "ops",
				      json_object_get(reply, "ops"), "metrics",
				      /* an application's server measures nothing */
				      w->kind == VB_KIND_APP ? NULL : json_object_get(reply, "metrics"),
				      "detail",
				      json_object_get(reply, "detail")));
	json_object_set_new(detail, "client",
			    json_pack("{s:I,s:s,s:s,s:I,s:o}", "cpu_ns", (json_int_t)client_cpu_ns,
				      "path", path, "address", addr, "port", (json_int_t)port,
				      "detail", c->detail ? c->detail : json_object()));
	c->detail = NULL;
	json_object_set_new(r, "elapsed_ns", json_integer((json_int_t)c->elapsed_ns));
	json_object_set_new(r, "ops", json_integer((json_int_t)c->ops));
	json_object_set_new(r, "bytes", json_integer((json_int_t)c->bytes));
	json_object_set_new(r, "metrics", vb_workload_metrics_json(w, c));
	json_object_set_new(r, "detail", detail);
	return r;
}

/* CPU time of the client: the calling thread's and its programs' (an
 * application's load generator, reaped), ns. */
static uint64_t client_cpu_now(void)
{
	struct timespec ts;
	struct rusage ru;
	uint64_t ns;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
		ns += ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000ull +
		      ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
	return ns;
}

/* Milliseconds from now to @deadline (vb_now_ns), rounded up; 0 once it
 * has passed. */
static int ms_until(uint64_t deadline)
{
	uint64_t now = vb_now_ns();

	return deadline > now ? (int)((deadline - now) / 1000000) + 1 : 0;
}

/* vb_drive_t.exec: an application's load generator, here (in the path's
 * namespace), bounded by the repetition's deadline (@arg). */
static int client_exec(void *arg, char *const argv[], char *out, size_t len, vb_error_t *err)
{
	int ms = ms_until(*(const uint64_t *)arg);
	vb_proc_opts_t o = { .timeout_ms = ms ? ms : 1 };
	char errout[1024], line[256];
	int rc = vb_proc_capture(argv, &o, out, len, errout, sizeof(errout), err);

	if (rc > 0) {
		vb_text_last_line(errout, line, sizeof(line));
		return vb_error_set(err, VB_ECHECK, 0, "%s exited with status %d%s%s", argv[0], rc,
				    line[0] ? ": " : "", line);
	}
	return rc;
}

/* The client's failure @cerr as the repetition's failed result (the
 * channel in step: the instance stays for the next repetition). */
static json_t *client_failed(const json_t *req, const vb_error_t *cerr)
{
	return json_pack("{s:s,s:O?,s:O?,s:b,s:s,s:s}", "type", "result", "id",
			 json_object_get(req, "id"), "workload", json_object_get(req, "workload"),
			 "ok", 0, "error", cerr->msg, "error_kind", vb_error_code_name(cerr->code));
}

/*
 * The client run against @port from the path's namespace (vbench's own for
 * a container's veth pair: the sockets keep it), bounded by @deadline;
 * its CPU time into *@cpu.  0, or -1 with @cerr.
 */
static int run_client(const vb_env_t *env, const vb_workload_t *w, const vb_net_path_t *np,
		      const vb_params_t *p, unsigned port, int corrupt, uint64_t deadline,
		      vb_wresult_t *c, uint64_t *cpu, vb_error_t *cerr)
{
	int orig = -1, rc;

	if (np->has_netns && vb_netpath_enter(np->netns_fd, &orig, cerr) < 0)
		return -1;
	*cpu = client_cpu_now();
	rc = vb_workload_drive(w,
			       &(vb_drive_t){ .params = p, .host = np->addr, .port = port,
					      .corrupt = corrupt, .io_timeout_ms = NET_IO_TIMEOUT_MS,
					      .deadline_ns = deadline,
					      .program = vb_run_cfg_program(env->cfg, w->client),
					      .exec = client_exec, .exec_arg = &deadline },
			       c, cerr);
	*cpu = client_cpu_now() - *cpu;
	if (orig >= 0)
		vb_netpath_leave(orig);
	return rc;
}

/*
 * Where an application's server makes its directory on the host (an
 * instance with its own root uses its own /tmp, which goes with it): one
 * directory of the run's, made when first needed and registered, so a
 * killed agent's files go with the run on every exit path and with
 * `vbench clean`.  0, or -1 with @err.
 */
static int host_workdir(char *dir, size_t len, vb_error_t *err)
{
	static char made[PATH_MAX];

	if (!made[0]) {
		snprintf(made, sizeof(made), "/var/tmp/vbench-app-%s-XXXXXX", vb_marker_run_id());
		if (!mkdtemp(made)) {
			made[0] = '\0';
			return vb_error_sys(err, "create an application directory in /var/tmp");
		}
		vb_undo_add_path(VB_UNDO_DIR, made);
	}
	snprintf(dir, len, "%s", made);
	return 0;
}

/* An application's server program as the instance sees it, into @sreq's
 * "program" (beside the agent in a root filesystem vbench built, the
 * host's own on bare metal), and where it keeps its files ("workdir").
 * 0, or -1 with @err. */
static int server_program(const vb_env_t *env, const vb_workload_t *w, json_t *sreq,
			  vb_error_t *err)
{
	const char *host = vb_run_cfg_program(env->cfg, w->server);
	char inside[PATH_MAX], dir[PATH_MAX];

	if (!host)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: %s was not found on the host",
				    env->name, w->server);
	if (env->ops->caps & VB_ENV_OWN_ROOT) {
		snprintf(inside, sizeof(inside), "%s/%s", VB_ROOTFS_BINDIR, w->server);
		json_object_set_new(sreq, "program", json_string(inside));
		return 0;
	}
	if (host_workdir(dir, sizeof(dir), err) < 0)
		return -1;
	json_object_set_new(sreq, "program", json_string(host));
	json_object_set_new(sreq, "workdir", json_string(dir));
	return 0;
}

/* Tell an application's server that its client is done (agent.h). */
static int client_done(vb_env_t *env, const json_t *req, vb_error_t *err)
{
	json_t *m = json_pack("{s:s,s:O?}", "op", "client_done", "id", json_object_get(req, "id"));
	int rc = m ? vb_chan_notify(&env->chan, m, err)
		   : vb_error_set(err, VB_ESYS, ENOMEM, "%s: message", env->name);

	json_decref(m);
	return rc;
}

static json_t *net_call(vb_env_t *env, const vb_workload_t *w, const json_t *req, int ms,
			vb_error_t *err)
{
	uint64_t deadline = vb_now_ns() + (uint64_t)ms * 1000000u, cpu = 0;
	const char *type;
	vb_net_path_t np;
	json_t *sreq, *m, *reply, *out;
	vb_wresult_t c;
	vb_params_t p;
	vb_error_t cerr;
	json_int_t port;
	unsigned to;
	int rc, wait_ms;

	if (!env->ops->net_path)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: no network path to the instance",
				    env->name),
		       NULL;
	memset(&np, 0, sizeof(np));
	if (env->ops->net_path(env, &np, err) < 0)
		return NULL;
	if (vb_params_from_json(w, &p, json_object_get(req, "params"), err) < 0)
		return NULL;
	sreq = json_deep_copy(req);
	if (!sreq)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s: request", env->name), NULL;
	json_object_set_new(sreq, "io_timeout_ms", json_integer(NET_IO_TIMEOUT_MS));
	if (np.listen_port) /* a forwarded port: the server must listen on it */
		json_object_set_new(sreq, "listen_port", json_integer(np.listen_port));
	if (np.listen_addr[0]) /* the host's own loopback: nothing else */
		json_object_set_new(sreq, "listen_addr", json_string(np.listen_addr));
	if (w->kind == VB_KIND_APP && server_program(env, w, sreq, err) < 0) {
		json_decref(sreq);
		return NULL;
	}
	rc = vb_chan_send(&env->chan, sreq, err);
	json_decref(sreq);
	if (rc < 0)
		return NULL;
	m = vb_chan_answer(&env->chan, "listening", ms, err);
	if (!m)
		goto lost;
	type = json_string_value(json_object_get(m, "type"));
	if (!strcmp(type, "result")) { /* the server failed before it listened */
		if (json_is_true(json_object_get(m, "ok"))) {
			json_decref(m);
			env->chan.broken = 1;
			return vb_error_set(err, VB_EPROTO, 0,
					    "%s: the agent's server succeeded without a client",
					    env->name),
			       NULL;
		}
		return m;
	}
	port = json_integer_value(json_object_get(m, "port"));
	json_decref(m);
	if (port < 1 || port > 65535 || (np.listen_port && port != np.listen_port)) {
		vb_error_set(err, VB_EPROTO, 0, "%s: the agent listens on no TCP port (%" JSON_INTEGER_FORMAT ")",
			     env->name, port);
		env->chan.broken = 1;
		return NULL;
	}
	to = np.connect_port ? np.connect_port : (unsigned)port;
	vb_error_clear(&cerr);
	memset(&c, 0, sizeof(c));
	rc = run_client(env, w, &np, &p, to, json_is_true(json_object_get(req, "corrupt")),
			deadline, &c, &cpu, &cerr);
	/* an application's server runs until it hears the client is done */
	if (w->kind == VB_KIND_APP && client_done(env, req, err) < 0) {
		json_decref(c.detail);
		goto lost;
	}
	/* the server's answer in any case: it ends when the client does (an
	 * application's server is stopped after, which may take seconds) */
	wait_ms = ms_until(deadline);
	if (!wait_ms || (w->kind == VB_KIND_APP && wait_ms < NET_IO_TIMEOUT_MS))
		wait_ms = NET_IO_TIMEOUT_MS;
	reply = vb_chan_answer(&env->chan, "result", wait_ms, err);
	if (!reply) {
		json_decref(c.detail);
		goto lost;
	}
	if (rc < 0) { /* the client's failure is the repetition's */
		json_decref(reply);
		if (cerr.code == VB_EINTR) {
			*err = cerr;
			return NULL;
		}
		return client_failed(req, &cerr);
	}
	out = json_is_true(json_object_get(reply, "ok"))
		      ? merged(w, reply, &c, cpu, np.path, np.addr, to)
		      : json_incref(reply);
	json_decref(c.detail);
	json_decref(reply);
	return out;
lost:
	if (err && err->code == VB_ETIMEOUT)
		env->chan.broken = 1; /* its answer may still come */
	return NULL;
}

json_t *vb_env_call(vb_env_t *env, const json_t *req, int timeout_ms, vb_error_t *err)
{
	const vb_workload_t *w =
	    vb_workload_find(json_string_value(json_object_get(req, "workload")) ?: "");

	if (w && (w->flags & VB_W_NET) && !env->chan.broken)
		return net_call(env, w, req, timeout_ms, err);
	return vb_chan_call(&env->chan, req, "result", timeout_ms, err);
}

int vb_env_send(vb_env_t *env, const json_t *req, vb_error_t *err)
{
	json_t *r = env->ops->adapt ? env->ops->adapt(env, req) : json_incref((json_t *)req);
	int rc;

	if (!r)
		return vb_error_set(err, VB_ESYS, 0, "%s: request", env->name);
	rc = vb_chan_send(&env->chan, r, err);
	json_decref(r);
	return rc;
}

json_t *vb_env_recv(vb_env_t *env, int timeout_ms, vb_error_t *err)
{
	/* Untrusted: the same checks as the synchronous path. */
	return vb_chan_answer(&env->chan, "result", timeout_ms, err);
}

/* ---- operations (run/recovery.c) ------------------------------------------ */

const char *vb_env_op_name(vb_env_op_t op)
{
	static const char *const names[VB_OP_N] = { "save", "restore", "migrate" };

	return op < VB_OP_N ? names[op] : "?";
}

int vb_env_beats_read(vb_env_t *env, vb_beats_t *b, int wait_ms, json_t **done,
		      vb_error_t *err)
{
	uint64_t end = vb_now_ns() + (uint64_t)(wait_ms > 0 ? wait_ms : 0) * 1000000ull;

	*done = NULL;
	for (;;) {
		uint64_t now = vb_now_ns();
		json_t *m, *id;
		const char *type;

		if (now >= end)
			return 0;
		m = vb_chan_recv(&env->chan, (int)((end - now) / 1000000 + 1), 0, err);
		if (!m)
			return err->code == VB_ETIMEOUT ? 0 : -1;
		now = vb_now_ns();
		type = json_string_value(json_object_get(m, "type"));
		id = json_object_get(m, "id");
		if (!type || !json_is_integer(id) || json_integer_value(id) != b->id) {
			json_decref(m);
			env->chan.broken = 1;
			return vb_error_set(err, VB_EPROTO, 0,
					    "%s: a message that is not the heartbeat %lld's",
					    env->name, (long long)b->id);
		}
		if (!strcmp(type, "beat") && json_is_integer(json_object_get(m, "seq"))) {
			if (b->last_ns && now - b->last_ns > b->max_gap_ns) {
				b->max_gap_ns = now - b->last_ns;
				b->gap_at_ns = now;
			}
			b->last_ns = now;
			b->n++;
			json_decref(m);
			continue;
		}
		env->chan.want.on = 0; /* the request is answered */
		if (!strcmp(type, "beaten")) {
			*done = m;
			return 0;
		}
		if (!strcmp(type, "error")) {
			vb_error_set(err, VB_EREFUSED, 0, "%s: the agent refused the heartbeat: %s",
				     env->name,
				     json_string_value(json_object_get(m, "error")) ?: "no reason");
			json_decref(m);
			return -1;
		}
		json_decref(m);
		env->chan.broken = 1;
		return vb_error_set(err, VB_EPROTO, 0, "%s: a '%s' message during the heartbeat",
				    env->name, type);
	}
}
