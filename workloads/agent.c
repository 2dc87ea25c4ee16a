/*
 * agent.c - request handling of the workload agent (protocol in agent.h).
 *
 * Everything that runs inside an environment goes through here, so the
 * record of a repetition has the same shape wherever it was measured.
 */
#include "workloads/agent.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lib/counters.h"
#include "lib/cpulist.h"
#include "lib/hostinfo.h"
#include "lib/util.h"
#include "workloads/workload.h"

/* A failed result for @req, echoing its id and workload (agent.h). */
static json_t *fail_reply(const json_t *req, const vb_error_t *err)
{
	json_t *wl = json_object_get(req, "workload");

	return json_pack("{s:s,s:O?,s:O?,s:b,s:s,s:s}", "type", "result", "id",
			 json_object_get(req, "id"), "workload", json_is_string(wl) ? wl : NULL,
			 "ok", 0, "error", err->msg, "error_kind", vb_error_code_name(err->code));
}

/* Parse the "events" array into @names (borrowed pointers into @req). */
static int parse_events(const json_t *req, const char **names, size_t *n, vb_error_t *err)
{
	json_t *ev = json_object_get(req, "events"), *v;
	size_t i;

	*n = 0;
	if (!ev)
		return 0;
	if (!json_is_array(ev) || json_array_size(ev) > VB_MAX_EVENTS)
		return vb_error_set(err, VB_EPROTO, 0, "events: expected an array of at most %d names",
				    VB_MAX_EVENTS);
	json_array_foreach(ev, i, v) {
		if (!json_is_string(v))
			return vb_error_set(err, VB_EPROTO, 0, "events[%zu] is not a string", i);
		names[(*n)++] = json_string_value(v);
	}
	return 0;
}

/* A run request checked against the registry, ready to execute. */
typedef struct run_req {
	const vb_workload_t *w;
	vb_params_t params;
	const char *names[VB_MAX_EVENTS]; /* borrowed from the request */
	size_t nev;
	const char *scratch;		  /* NULL: none */
	int corrupt;			  /* test hook (workload.h) */
} run_req_t;

/*
 * A scratch that is a block device is the I/O workloads' file itself
 * (io_common.c), destroying its contents: allowed only when the request's
 * "allow_device" names the same path (the harness sets it after checking
 * --allow-device, prepare.c).  Anything else reaching an agent (a fuzzer,
 * a hand-written request) is refused.  0, or -1 with @err (VB_EUSAGE).
 */
static int check_device(const char *scratch, const json_t *allow, vb_error_t *err)
{
	struct stat sb;

	if (stat(scratch, &sb) < 0 || !S_ISBLK(sb.st_mode))
		return 0;
	if (allow && !json_is_string(allow))
		return vb_error_set(err, VB_EPROTO, 0, "allow_device is not a string");
	if (!allow || strcmp(json_string_value(allow), scratch))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "scratch %.256s is a block device and the request does not "
				    "allow it (allow_device)",
				    scratch);
	return 0;
}

/* Check everything of a run request that can be checked without running
 * it.  0, or -1 with @err (VB_EPROTO, VB_EUSAGE). */
static int prepare_run(const json_t *req, run_req_t *r, vb_error_t *err)
{
	const char *wname = json_string_value(json_object_get(req, "workload"));
	json_t *scratch = json_object_get(req, "scratch");

	memset(r, 0, sizeof(*r));
	if (!wname)
		return vb_error_set(err, VB_EPROTO, 0, "run request without a workload name");
	r->w = vb_workload_find(wname);
	if (!r->w)
		return vb_error_set(err, VB_EUSAGE, 0, "unknown workload '%.128s'", wname);
	if (scratch && !json_is_string(scratch))
		return vb_error_set(err, VB_EPROTO, 0, "scratch is not a string");
	r->scratch = json_string_value(scratch);
	if (r->scratch && check_device(r->scratch, json_object_get(req, "allow_device"), err) < 0)
		return -1;
	r->corrupt = json_is_true(json_object_get(req, "corrupt"));
	if (json_object_get(req, "params")) {
		if (vb_params_from_json(r->w, &r->params, json_object_get(req, "params"), err) < 0)
			return -1;
	} else {
		vb_params_defaults(r->w, &r->params);
	}
	if (parse_events(req, r->names, &r->nev, err) < 0)
		return -1;
	return vb_counters_validate(r->names, r->nev, err);
}

/* Where the agent answers (vb_agent_serve's @out): network workloads send
 * their "listening" message there in the middle of a run; and where its
 * requests come from (@in): an application's "client_done" is read there. */
static FILE *agent_out;
static FILE *agent_in;
static int agent_quit; /* "quit" came while an application's server ran */

static int read_line(FILE *in, char *buf, size_t cap, size_t *len);

/* ctx->listening of a network workload: {"type": "listening", "id",
 * "workload", "port"}, an interim answer to the run request in flight. */
static int announce(vb_wctx_t *ctx, unsigned port, vb_error_t *err)
{
	const json_t *req = ctx->listening_arg;
	json_t *m;
	int rc;

	if (!agent_out)
		return vb_error_set(err, VB_EUSAGE, 0, "no channel to the harness to say the port");
	m = json_pack("{s:s,s:O?,s:s,s:I}", "type", "listening", "id", json_object_get(req, "id"),
		      "workload", ctx->w->name, "port", (json_int_t)port);
	rc = m ? vb_agent_send(agent_out, m) : -1;
	json_decref(m);
	return rc < 0 ? vb_error_set(err, VB_ESYS, errno, "say the port to the harness") : 0;
}

/* ctx->await_client of an application workload: the next line must be
 * {"op":"client_done","id":<the run request's id>}. */
static int await_client(vb_wctx_t *ctx, vb_error_t *err)
{
	const json_t *req = ctx->listening_arg, *op;
	char *line = malloc(VB_AGENT_MAX_LINE + 1);
	size_t len = 0;
	json_t *m = NULL;
	int got, rc = -1;

	if (!line)
		return vb_error_set(err, VB_ESYS, ENOMEM, "line buffer");
	got = agent_in ? read_line(agent_in, line, VB_AGENT_MAX_LINE, &len) : 0;
	if (got == 0)
		vb_error_set(err, VB_EPROTO, 0, "the harness went away before its client was done");
	else if (got < 0 || !(m = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL)))
		vb_error_set(err, VB_EPROTO, 0, "a line that is not a JSON object while the client ran");
	else if (json_is_string(op = json_object_get(m, "op")) &&
		 !strcmp(json_string_value(op), "quit")) {
		/* the harness stops the instance: the run ends failed, then the agent */
		agent_quit = 1;
		vb_error_set(err, VB_EPROTO, 0, "the harness quit before its client was done");
	} else if (!json_is_string(op) || strcmp(json_string_value(op), "client_done") ||
		 !json_equal(json_object_get(m, "id") ?: json_null(),
			     json_object_get(req, "id") ?: json_null()))
		vb_error_set(err, VB_EPROTO, 0,
			     "expected the harness's client_done for this request, got another "
			     "message");
	else
		rc = 0;
	json_decref(m);
	free(line);
	return rc;
}

json_t *vb_agent_handle_run(const json_t *req)
{
	json_t *id = json_object_get(req, "id"), *reply;
	uint64_t t0 = vb_now_ns();
	long long steal0, steal1;
	vb_counters_t *ctr = NULL;
	json_int_t port, wait;
	vb_wnet_t net;
	vb_wresult_t res;
	vb_error_t err;
	run_req_t r;

	vb_error_clear(&err);
	if (prepare_run(req, &r, &err) < 0)
		return fail_reply(req, &err);
	if (r.nev) {
		ctr = vb_counters_new(r.names, r.nev, &err);
		if (!ctr)
			return fail_reply(req, &err);
	}
	steal0 = vb_hostinfo_cputime_ns(VB_CPUTIME_STEAL, 0);
	net.listening = announce;
	net.arg = (void *)req;
	port = json_integer_value(json_object_get(req, "listen_port"));
	wait = json_integer_value(json_object_get(req, "io_timeout_ms"));
	net.port = port >= 0 && port <= 65535 ? (unsigned)port : 65536; /* refused by listen */
	net.io_timeout_ms = wait > 0 && wait <= 3600000 ? (int)wait : 0; /* 0: 60 s */
	net.addr = json_string_value(json_object_get(req, "listen_addr")); /* checked by listen */
	net.program = json_string_value(json_object_get(req, "program")); /* absolute: app_common */
	net.await_client = await_client;
	net.workdir = json_string_value(json_object_get(req, "workdir")); /* absolute: workload.c */
	if (vb_workload_serve(r.w, &r.params, r.scratch, (r.w->flags & VB_W_NET) ? &net : NULL, ctr,
			      r.corrupt, &res, &err) < 0) {
		vb_counters_free(ctr);
		return fail_reply(req, &err);
	}
	steal1 = vb_hostinfo_cputime_ns(VB_CPUTIME_STEAL, 0);
	reply = json_pack("{s:s,s:O?,s:b,s:s,s:o,s:I,s:I,s:I,s:I,s:o,s:o,s:s,s:o}", "type",
			  "result", "id", id, "ok", 1, "workload", r.w->name, "params",
			  vb_params_to_json(&r.params), "elapsed_ns", (json_int_t)res.elapsed_ns,
			  "handled_ns", (json_int_t)(vb_now_ns() - t0), "ops", (json_int_t)res.ops,
			  "bytes", (json_int_t)res.bytes, "metrics", vb_workload_metrics_json(r.w, &res),
			  "counters", ctr ? vb_counters_to_json(ctr) : json_object(),
			  "counter_mode", ctr ? vb_counters_mode(ctr) : "none", "detail",
			  res.detail ? res.detail : json_object());
	/* Steal of the CPUs it may run on, as its own kernel counts it: in a
	 * VM the guest's steal clock (the harness sees the host's). */
	if (reply && steal0 >= 0 && steal1 >= steal0)
		json_object_set_new(reply, "steal_ns", json_integer(steal1 - steal0));
	vb_counters_free(ctr);
	return reply;
}

/* ---- what the agent sees around it (isolation facts) ------------------ */

/* Network interfaces by name (each once) and whether they are up; null if
 * they cannot be listed. */
static json_t *interfaces_json(void)
{
	struct ifaddrs *ifa, *i;
	json_t *a, *seen;

	if (getifaddrs(&ifa) < 0)
		return json_null();
	a = json_array();
	seen = json_object();
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_name || json_object_get(seen, i->ifa_name))
			continue;
		json_object_set_new(seen, i->ifa_name, json_true());
		json_array_append_new(a, json_pack("{s:s,s:b}", "name", i->ifa_name, "up",
						   !!(i->ifa_flags & IFF_UP)));
	}
	freeifaddrs(ifa);
	json_decref(seen);
	return a;
}

/* The cgroup path of hierarchy @ctrl ("memory"; "" for the v2 line
 * "0::/path") in /proc/self/cgroup content @self, into @path.  0 or -1. */
static int cgroup_path(const char *self, const char *ctrl, char *path, size_t len)
{
	char line[1024], *ctrls, *rel, *tok, *save;
	const char *p, *nl;
	size_t n;

	for (p = self; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			continue;
		memcpy(line, p, n);
		line[n] = '\0';
		ctrls = strchr(line, ':');
		rel = ctrls ? strchr(ctrls + 1, ':') : NULL;
		if (!rel)
			continue;
		*rel++ = '\0';
		ctrls++;
		if (!ctrl[0] && !ctrls[0]) {
			snprintf(path, len, "%s", rel);
			return 0;
		}
		for (tok = strtok_r(ctrls, ",", &save); ctrl[0] && tok;
		     tok = strtok_r(NULL, ",", &save))
			if (!strcmp(tok, ctrl)) {
				snprintf(path, len, "%s", rel);
				return 0;
			}
	}
	return -1;
}

/* Read FILE of the cgroup at @rel under @mnt; NULL when unreadable. */
static char *cgroup_file(const char *mnt, const char *rel, const char *file, char *used,
			 size_t len)
{
	snprintf(used, len, "%s%s/%s", mnt, strcmp(rel, "/") ? rel : "", file);
	return vb_read_file(used, 256, 1, NULL);
}

/* /proc/self/cgroup and the limits readable through it. */
static json_t *cgroup_json(void)
{
	char *self = vb_read_file("/proc/self/cgroup", 65536, 1, NULL), rel[512], file[1024];
	char *mem = NULL, *cpus = NULL;
	json_t *o, *lines = json_array(), *limit = json_null(), *src = json_null();
	const char *p, *nl;

	for (p = self; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		json_array_append_new(lines, json_stringn(p, nl ? (size_t)(nl - p) : strlen(p)));
	}
	if (self && cgroup_path(self, "memory", rel, sizeof(rel)) == 0)
		mem = cgroup_file("/sys/fs/cgroup/memory", rel, "memory.limit_in_bytes", file,
				  sizeof(file));
	else if (self && cgroup_path(self, "", rel, sizeof(rel)) == 0)
		mem = cgroup_file("/sys/fs/cgroup", rel, "memory.max", file, sizeof(file));
	if (mem) {
		json_decref(src);
		src = json_string(file);
		if (mem[0] >= '0' && mem[0] <= '9') {
			json_decref(limit);
			limit = json_integer((json_int_t)strtoll(mem, NULL, 10));
		}
	}
	if (self && cgroup_path(self, "cpuset", rel, sizeof(rel)) == 0)
		cpus = cgroup_file("/sys/fs/cgroup/cpuset", rel, "cpuset.cpus", file, sizeof(file));
	else if (self && cgroup_path(self, "", rel, sizeof(rel)) == 0)
		cpus = cgroup_file("/sys/fs/cgroup", rel, "cpuset.cpus.effective", file,
				   sizeof(file));
	o = json_pack("{s:o,s:o,s:o,s:s?}", "self", lines, "memory_limit_bytes", limit,
		      "memory_limit_file", src, "cpuset_cpus", cpus);
	free(self);
	free(mem);
	free(cpus);
	return o;
}

/* Effective capabilities as /proc/self/status prints them (hex). */
static json_t *cap_eff_json(void)
{
	char *s = vb_read_file("/proc/self/status", 1 << 16, 1, NULL), *c, hex[32];
	json_t *v = json_null();

	if (s && (c = strstr(s, "CapEff:")) != NULL && sscanf(c + 7, " %31[0-9a-f]", hex) == 1) {
		json_decref(v);
		v = json_string(hex);
	}
	free(s);
	return v;
}

/*
 * What the agent sees of its surroundings, so a reader of run.json can
 * verify an environment's isolation: PID, host name, network interfaces,
 * cgroup membership and limits, CPUs allowed, privileges, read-only root.
 */
static json_t *inside_json(void)
{
	char host[256], cpus[256];
	struct statvfs sv;
	uint64_t mask = 0;
	cpu_set_t set;
	int i;

	vb_hostname(host, sizeof(host));
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (i = 0; i < 64; i++)
			if (CPU_ISSET(i, &set))
				mask |= 1ull << i;
	vb_cpulist_format(mask, cpus, sizeof(cpus));
	return json_pack("{s:I,s:I,s:s,s:o,s:o,s:s,s:I,s:o,s:b,s:o}", "pid", (json_int_t)getpid(),
			 "ppid", (json_int_t)getppid(), "hostname", host, "interfaces",
			 interfaces_json(), "cgroup", cgroup_json(), "cpus_allowed", cpus, "uid",
			 (json_int_t)getuid(), "capabilities_effective", cap_eff_json(),
			 "no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
			 "root_readonly",
			 statvfs("/", &sv) == 0 ? json_boolean(sv.f_flag & ST_RDONLY)
						: json_null());
}

json_t *vb_agent_ready_message(void)
{
	char host[256];

	vb_hostname(host, sizeof(host));
	return json_pack("{s:s,s:i,s:s,s:I,s:s,s:o,s:o}", "type", "ready", "protocol",
			 VB_AGENT_PROTOCOL, "agent_version", VB_VERSION, "pid",
			 (json_int_t)getpid(), "hostname", host, "facts",
			 vb_hostinfo_collect(NULL), "inside", inside_json());
}

int vb_agent_send(FILE *out, json_t *obj)
{
	char *s;
	int rc = 0;

	vb_agent_bound(obj, 1, NULL);
	s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!s)
		return -1;
	if (fputs(s, out) == EOF || fputc('\n', out) == EOF || fflush(out) == EOF)
		rc = -1;
	free(s);
	return rc;
}

/* A refusal of @req (NULL: not an object), echoing its id. */
static json_t *error_reply(const json_t *req, const char *why)
{
	return json_pack("{s:s,s:O?,s:s}", "type", "error", "id", json_object_get(req, "id"),
			 "error", why);
}

json_t *vb_agent_handle_line(const char *line, size_t len, int dry_run, int *quit)
{
	json_error_t jerr;
	json_t *req, *reply;
	const char *op;
	vb_error_t err;
	run_req_t r;

	if (memchr(line, '\0', len))
		return error_reply(NULL, "request holds a NUL byte");
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req || !json_is_object(req)) {
		json_decref(req);
		return error_reply(NULL, "request is not a JSON object");
	}
	op = json_string_value(json_object_get(req, "op"));
	if (op && !strcmp(op, "run")) {
		vb_error_clear(&err);
		if (!dry_run)
			reply = vb_agent_handle_run(req);
		else if (prepare_run(req, &r, &err) < 0)
			reply = fail_reply(req, &err);
		else
			reply = json_pack("{s:s,s:s}", "type", "checked", "op", op);
	} else if (op && !strcmp(op, "facts")) {
		const char *scratch = json_string_value(json_object_get(req, "scratch"));

		reply = dry_run ? json_pack("{s:s,s:s}", "type", "checked", "op", op)
				: json_pack("{s:s,s:O?,s:o}", "type", "facts", "id",
					    json_object_get(req, "id"), "facts",
					    vb_hostinfo_collect(scratch));
	} else if (op && !strcmp(op, "hold")) {
		reply = vb_agent_handle_hold(req, dry_run);
	} else if (op && !strcmp(op, "check")) {
		reply = vb_agent_handle_check(req, dry_run);
	} else if (op && !strcmp(op, "beat")) {
		reply = vb_agent_handle_beat(req, dry_run, agent_in, agent_out);
	} else if (op && !strcmp(op, "quit")) {
		*quit = 1;
		reply = json_pack("{s:s}", "type", "bye");
	} else {
		reply = error_reply(req, "unknown op (expected run, facts, hold, check, beat or quit)");
	}
	json_decref(req);
	return reply;
}

/*
 * Read one line of at most @cap bytes, without its newline, into @buf (which
 * holds @cap + 1).  Returns 1 with *@len set (a NUL byte in the line is
 * kept and counted), 0 at the end of input, -1 when the line was longer
 * (the rest of it is read and dropped).
 */
static int read_line(FILE *in, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	int c;

	while ((c = getc(in)) != EOF && c != '\n') {
		if (n < cap)
			buf[n] = (char)c;
		if (n <= cap)
			n++;
	}
	if (c == EOF && n == 0)
		return 0;
	if (n > cap)
		return -1;
	buf[n] = '\0';
	*len = n;
	return 1;
}

int vb_agent_serve(FILE *in, FILE *out)
{
	char *line = malloc(VB_AGENT_MAX_LINE + 1);
	json_t *msg;
	int quit = 0, rc = 0, got;
	size_t len = 0;

	if (!line)
		return -1;
	agent_out = out;
	agent_in = in;
	msg = vb_agent_ready_message();
	if (!msg || vb_agent_send(out, msg) < 0)
		rc = -1;
	json_decref(msg);
	while (!rc && !quit && (got = read_line(in, line, VB_AGENT_MAX_LINE, &len)) != 0) {
		msg = got < 0 ? error_reply(NULL, "request line too long")
			      : vb_agent_handle_line(line, len, 0, &quit);
		/* The harness may close its end right after "quit": a lost
		 * "bye" is not an error. */
		if (!msg || (vb_agent_send(out, msg) < 0 && !quit))
			rc = -1;
		json_decref(msg);
		quit |= agent_quit;
	}
	free(line);
	return rc;
}
