/*
 * check_agent.c - both ends of the agent protocol.
 *
 * The agent side (workloads/agent.c): a run request returns a result with
 * metrics and counters; failures (unknown workload, bad parameter, a
 * self-check that caught a wrong answer) are ok:false replies with the
 * right error_kind; the serve loop greets with "ready", answers garbage and
 * over-long lines with an error instead of dying, and says "bye" on quit.
 *
 * The harness side (harness/core/chan.c): the real vbench-agent is spawned,
 * greets and answers a run request; children that send junk, over-long
 * lines or nothing at all give VB_EPROTO / VB_ETIMEOUT, and closing the
 * channel always leaves no process behind.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/agentmsg.h"
#include "harness/core/chan.h"
#include "harness/core/undo.h"
#include "lib/util.h"
#include "workloads/agent.h"
#include "tests/tests.h"

/* ---- vb_agent_handle_run -------------------------------------------------- */

static json_t *run_req(const char *text)
{
	json_error_t jerr;
	json_t *req = json_loads(text, 0, &jerr);

	ck_assert_msg(req != NULL, "bad test request: %s", jerr.text);
	return req;
}

START_TEST(test_handle_run_ok)
{
	json_t *req, *rep, *m;

	req = run_req("{\"op\":\"run\",\"id\":7,\"workload\":\"cpu.syscall\","
		      "\"params\":{\"iters\":\"2000\"}}");
	rep = vb_agent_handle_run(req);
	ck_assert_ptr_nonnull(rep);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "failed: %s",
		      json_string_value(json_object_get(rep, "error")));
	ck_assert_str_eq(json_string_value(json_object_get(rep, "type")), "result");
	ck_assert_int_eq(json_integer_value(json_object_get(rep, "id")), 7);
	ck_assert_str_eq(json_string_value(json_object_get(rep, "workload")), "cpu.syscall");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "params"), "iters")),
			 "2000");
	ck_assert_int_eq(json_integer_value(json_object_get(rep, "ops")), 2000);
	ck_assert_int_gt(json_integer_value(json_object_get(rep, "elapsed_ns")), 0);
	m = json_object_get(rep, "metrics");
	ck_assert(json_is_object(m));
	ck_assert(json_is_number(json_object_get(m, "ns_per_call")));
	ck_assert_double_gt(json_number_value(json_object_get(m, "ns_per_call")), 0);
	ck_assert_double_gt(json_number_value(json_object_get(m, "mcalls_per_s")), 0);
	ck_assert(json_is_object(json_object_get(rep, "counters")));
	ck_assert_uint_eq(json_object_size(json_object_get(rep, "counters")), 0);
	ck_assert(json_is_object(json_object_get(rep, "detail")));
	/* the steal its kernel counted over the request (a VM's own steal) */
	ck_assert(json_is_integer(json_object_get(rep, "steal_ns")));
	ck_assert_int_ge(json_integer_value(json_object_get(rep, "steal_ns")), 0);
	json_decref(rep);
	json_decref(req);

	/* with a counter: the record lists it, counted or with a reason */
	req = run_req("{\"op\":\"run\",\"id\":8,\"workload\":\"cpu.syscall\","
		      "\"params\":{\"iters\":\"2000\"},\"events\":[\"perf::TASK-CLOCK\"]}");
	rep = vb_agent_handle_run(req);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "failed: %s",
		      json_string_value(json_object_get(rep, "error")));
	ck_assert(json_is_object(json_object_get(json_object_get(rep, "counters"),
						 "perf::TASK-CLOCK")));
	ck_assert(json_is_string(json_object_get(rep, "counter_mode")));
	json_decref(rep);
	json_decref(req);

	/* without an id the reply carries a null id */
	req = run_req("{\"op\":\"run\",\"workload\":\"cpu.int\",\"params\":{\"iters\":\"1\"}}");
	rep = vb_agent_handle_run(req);
	ck_assert(json_is_true(json_object_get(rep, "ok")));
	ck_assert(json_is_null(json_object_get(rep, "id")));
	json_decref(rep);
	json_decref(req);
}
END_TEST

/* @text must give ok:false with @kind, and an error containing @word. */
static void expect_fail(const char *text, const char *kind, const char *word)
{
	json_t *req = run_req(text), *rep = vb_agent_handle_run(req);
	const char *e;

	ck_assert_ptr_nonnull(rep);
	ck_assert_str_eq(json_string_value(json_object_get(rep, "type")), "result");
	ck_assert_msg(json_is_false(json_object_get(rep, "ok")), "accepted: %s", text);
	e = json_string_value(json_object_get(rep, "error"));
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(json_string_value(json_object_get(rep, "error_kind")), kind);
	ck_assert_msg(strstr(e, word), "error '%s' lacks '%s'", e, word);
	ck_assert_ptr_eq(json_object_get(rep, "metrics"), NULL);
	/* a failure answers its request too: the same id and workload */
	ck_assert(json_equal(json_object_get(rep, "id") ?: json_null(),
			     json_object_get(req, "id") ?: json_null()));
	ck_assert(json_equal(json_object_get(rep, "workload") ?: json_null(),
			     json_object_get(req, "workload") ?: json_null()));
	json_decref(rep);
	json_decref(req);
}

START_TEST(test_handle_run_failures)
{
	expect_fail("{\"op\":\"run\",\"id\":3,\"workload\":\"nope\"}", "usage", "nope");
	expect_fail("{\"op\":\"run\",\"id\":3}", "protocol", "workload");
	expect_fail("{\"op\":\"run\",\"workload\":\"cpu.syscall\",\"params\":{\"iters\":\"abc\"}}",
		    "usage", "cpu.syscall.iters");
	expect_fail("{\"op\":\"run\",\"workload\":\"cpu.syscall\",\"params\":{\"iters\":\"0\"}}",
		    "usage", "cpu.syscall.iters");
	expect_fail("{\"op\":\"run\",\"workload\":\"cpu.syscall\",\"params\":{\"bogus\":\"1\"}}",
		    "usage", "cpu.syscall.bogus");
	expect_fail("{\"op\":\"run\",\"workload\":\"cpu.syscall\",\"params\":{\"iters\":5}}",
		    "protocol", "cpu.syscall.iters");
	expect_fail("{\"op\":\"run\",\"workload\":\"cpu.syscall\",\"params\":[1]}", "protocol",
		    "params");
	expect_fail("{\"op\":\"run\",\"workload\":\"cpu.syscall\",\"params\":{\"iters\":\"100\"},"
		    "\"events\":\"PAPI_TOT_INS\"}",
		    "protocol", "events");
	expect_fail("{\"op\":\"run\",\"workload\":\"cpu.syscall\",\"params\":{\"iters\":\"100\"},"
		    "\"events\":[\"NOT_AN_EVENT\"]}",
		    "usage", "NOT_AN_EVENT");
	/* the self-check catches a falsified answer */
	expect_fail("{\"op\":\"run\",\"id\":9,\"workload\":\"cpu.syscall\","
		    "\"params\":{\"iters\":\"100\"},\"corrupt\":true}",
		    "check", "cpu.syscall");
}
END_TEST

/* ---- bounds and answers (harness/core/agentmsg.c) ------------------------------ */

/* {"type":"result","d":[[...]]} with @depth containers in all. */
static json_t *nested(int depth)
{
	json_t *o = json_array(), *top;
	int i;

	for (i = 2; i < depth; i++)
		o = json_pack("[o]", o);
	top = json_pack("{s:s,s:o}", "type", "result", "d", o);
	return top;
}

START_TEST(test_bound)
{
	char big[VB_AGENT_MAX_STRING + 10];
	vb_error_t err;
	json_t *o, *m;
	int i;

	/* depth: 32 containers pass, 33 do not */
	o = nested(VB_AGENT_MAX_DEPTH);
	ck_assert_int_eq(vb_agent_bound(o, 0, &err), 0);
	json_decref(o);
	o = nested(VB_AGENT_MAX_DEPTH + 1);
	ck_assert_int_eq(vb_agent_bound(o, 0, &err), -1);
	ck_assert_int_eq(err.code, VB_EPROTO);
	ck_assert_msg(strstr(err.msg, "field 'd[0][0]") && strstr(err.msg, "limit of 32"), "%s",
		      err.msg);
	ck_assert_int_eq(vb_agent_bound(o, 1, NULL), 0); /* the agent cuts its own */
	ck_assert_int_eq(vb_agent_bound(o, 0, &err), 0);
	json_decref(o);

	/* strings and keys */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	o = json_pack("{s:s,s:s}", "type", "result", "error", big);
	ck_assert_int_eq(vb_agent_bound(o, 0, &err), -1);
	ck_assert_str_eq(err.msg, "message from the agent past a limit: field 'error' is a string "
				  "of 4105 bytes, more than the limit of 4096");
	ck_assert_int_eq(vb_agent_bound(o, 1, NULL), 0);
	ck_assert_uint_le(json_string_length(json_object_get(o, "error")), VB_AGENT_MAX_STRING);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(o, "error")), "...[cut]"));
	json_decref(o);
	o = json_pack("{s:s,s:{s:i}}", "type", "result", "metrics", big, 1);
	ck_assert_int_eq(vb_agent_bound(o, 0, &err), -1);
	ck_assert_msg(strstr(err.msg, "field 'metrics' has a key of 4105 bytes"), "%s", err.msg);
	json_decref(o);

	/* members */
	m = json_object();
	for (i = 0; i <= VB_AGENT_MAX_MEMBERS; i++) {
		char k[16];

		snprintf(k, sizeof(k), "m%d", i);
		json_object_set_new(m, k, json_integer(i));
	}
	o = json_pack("{s:s,s:o}", "type", "result", "metrics", m);
	ck_assert_int_eq(vb_agent_bound(o, 0, &err), -1);
	ck_assert_str_eq(err.msg, "message from the agent past a limit: field 'metrics' has 1025 "
				  "members, more than the limit of 1024");
	ck_assert_int_eq(vb_agent_bound(o, 1, NULL), 0);
	ck_assert_uint_eq(json_object_size(m), VB_AGENT_MAX_MEMBERS);
	json_decref(o);

	/* the agent's own ready message is within the bounds as it is */
	o = vb_agent_ready_message();
	ck_assert_int_eq(vb_agent_bound(o, 0, &err), 0);
	json_decref(o);
}
END_TEST

START_TEST(test_check_answer)
{
	json_t *req = json_pack("{s:s,s:i,s:s}", "op", "run", "id", 7, "workload", "cpu.int"), *r;
	vb_error_t err;
	vb_chan_t ch;

	vb_chan_init_fds(&ch, "t", -1, -1);
	r = json_pack("{s:s,s:i,s:s}", "type", "result", "id", 7, "workload", "cpu.int");
	ck_assert_int_eq(vb_agent_check_answer(&ch.want, r, "result", &err), -1); /* nothing in flight */
	ck_assert_msg(strstr(err.msg, "while no request is in flight"), "%s", err.msg);
	ck_assert_int_eq(vb_chan_send(&ch, req, &err), -1); /* no descriptor, but in flight */
	ck_assert_int_eq(vb_agent_check_answer(&ch.want, r, "result", &err), 0);
	json_object_set_new(r, "workload", json_string("mem.stream"));
	ck_assert_int_eq(vb_agent_check_answer(&ch.want, r, "result", &err), -1);
	ck_assert_str_eq(err.msg, "reply out of step: expected the reply to request 7 (cpu.int), "
				  "got one for request 7 (mem.stream)");
	json_object_set_new(r, "workload", json_string("cpu.int"));
	json_object_del(r, "id");
	ck_assert_int_eq(vb_agent_check_answer(&ch.want, r, "result", &err), -1);
	ck_assert_msg(strstr(err.msg, "got one for no request id (cpu.int)"), "%s", err.msg);
	json_decref(r);
	r = json_pack("{s:s,s:i}", "type", "facts", "id", 7);
	ck_assert_int_eq(vb_agent_check_answer(&ch.want, r, "result", &err), -1);
	ck_assert_msg(strstr(err.msg, "expected a 'result' reply to request 7 (cpu.int), got a "
				     "'facts' message"),
		      "%s", err.msg);
	json_decref(r);
	r = json_pack("{s:s,s:i,s:s}", "type", "error", "id", 7, "error", "no");
	ck_assert_int_eq(vb_agent_check_answer(&ch.want, r, "result", &err), 0); /* a refusal answers */
	json_decref(r);
	json_decref(req);
}
END_TEST

/* ---- vb_agent_serve ------------------------------------------------------- */

/* Serve @in (length @len) into a temporary file; returns the reply lines
 * parsed, in a JSON array, and the loop's return code in *rc. */
static json_t *serve_text(const char *in, size_t len, int *rc)
{
	FILE *fin = fmemopen((void *)in, len, "r"), *fout = tmpfile();
	json_t *lines = json_array(), *o;
	json_error_t jerr;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	ck_assert_ptr_nonnull(fin);
	ck_assert_ptr_nonnull(fout);
	*rc = vb_agent_serve(fin, fout);
	fclose(fin);
	rewind(fout);
	while ((n = getline(&line, &cap, fout)) > 0) {
		ck_assert_msg(line[n - 1] == '\n', "reply without newline");
		o = json_loads(line, 0, &jerr);
		ck_assert_msg(o && json_is_object(o), "reply is not a JSON object: %.80s", line);
		json_array_append_new(lines, o);
	}
	free(line);
	fclose(fout);
	return lines;
}

static const char *type_of(json_t *lines, size_t i)
{
	return json_string_value(json_object_get(json_array_get(lines, i), "type"));
}

START_TEST(test_serve)
{
	const char *head = "hello\n"
			   "[1,2]\n"
			   "{\"op\":\"bogus\"}\n"
			   "{\"op\":\"run\",\"id\":1,\"workload\":\"cpu.syscall\",\"params\":{";
	const char *tail = "}}\n"
			   "{\"op\":\"run\",\"id\":2,\"workload\":\"cpu.syscall\","
			   "\"params\":{\"iters\":\"100\"}}\n"
			   "{\"op\":\"facts\"}\n"
			   "{\"op\":\"quit\"}\n"
			   "{\"op\":\"run\",\"id\":3,\"workload\":\"cpu.syscall\","
			   "\"params\":{\"iters\":\"100\"}}\n";
	size_t pad = VB_AGENT_MAX_LINE + 100, len = strlen(head) + pad + strlen(tail);
	char *in = malloc(len + 1);
	json_t *lines, *r;
	int rc;

	/* request 1 is valid JSON padded with spaces past the line limit */
	ck_assert_ptr_nonnull(in);
	strcpy(in, head);
	memset(in + strlen(head), ' ', pad);
	strcpy(in + strlen(head) + pad, tail);

	lines = serve_text(in, len, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(json_array_size(lines), 8);
	ck_assert_str_eq(type_of(lines, 0), "ready");
	r = json_array_get(lines, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "protocol")), VB_AGENT_PROTOCOL);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "pid")), getpid());
	ck_assert(json_is_object(json_object_get(r, "facts")));
	ck_assert_str_eq(type_of(lines, 1), "error");
	ck_assert_str_eq(type_of(lines, 2), "error");
	ck_assert_str_eq(type_of(lines, 3), "error");
	ck_assert_str_eq(type_of(lines, 4), "error");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_array_get(lines, 4),
								       "error")),
				     "too long"));
	/* the stream resynchronised after the long line */
	r = json_array_get(lines, 5);
	ck_assert_str_eq(type_of(lines, 5), "result");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 2);
	ck_assert(json_is_true(json_object_get(r, "ok")));
	ck_assert_str_eq(type_of(lines, 6), "facts");
	ck_assert_str_eq(type_of(lines, 7), "bye");
	/* nothing after quit was answered */
	json_decref(lines);
	free(in);
}
END_TEST

START_TEST(test_serve_eof_and_io_error)
{
	const char *in = "{\"op\":\"run\",\"id\":4,\"workload\":\"cpu.syscall\","
			 "\"params\":{\"iters\":\"10\"}}\n{\"op\":\"quit\"}";
	json_t *lines;
	FILE *fin, *fout;
	int rc;

	/* end of input without quit is a clean end */
	lines = serve_text(in, strcspn(in, "\n") + 1, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(json_array_size(lines), 2);
	ck_assert_str_eq(type_of(lines, 1), "result");
	json_decref(lines);

	/* a last line without newline is still a request */
	lines = serve_text(in, strlen(in), &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(json_array_size(lines), 3);
	ck_assert_str_eq(type_of(lines, 2), "bye");
	json_decref(lines);

	/* output that cannot be written is an I/O error */
	fin = fmemopen((void *)in, strlen(in), "r");
	fout = fopen("/dev/null", "r");
	ck_assert_ptr_nonnull(fin);
	ck_assert_ptr_nonnull(fout);
	ck_assert_int_eq(vb_agent_serve(fin, fout), -1);
	fclose(fin);
	fclose(fout);
}
END_TEST

/* An application's server waits for the harness's "client_done" of its
 * own request: the right one ends the run well (the server's CPU time
 * reported), another message or the end of the input ends it as a failed
 * result, and no server is left running (a redis-server). */
START_TEST(test_serve_client_done)
{
	static const struct {
		const char *next, *error; /* the line after the run request; the error, or NULL */
	} cases[] = {
		{ "{\"op\":\"client_done\",\"id\":7}\n", NULL },
		{ "{\"op\":\"client_done\",\"id\":8}\n", "client_done" },
		{ "{\"op\":\"quit\"}\n", "quit before" },
		{ "[1]\n", "client_done" },
		{ "", "went away" },
	};
	const char *run = "{\"op\":\"run\",\"id\":7,\"workload\":\"app.redis\","
			  "\"params\":{\"requests\":\"100\"},\"listen_addr\":\"127.0.0.1\","
			  "\"program\":\"/usr/bin/redis-server\"}\n";
	char in[1024];
	json_t *lines, *res;
	size_t i;
	int rc;

	if (access("/usr/bin/redis-server", X_OK) < 0)
		VB_SKIP("/usr/bin/redis-server missing (package redis-server)");
	for (i = 0; i < VB_ARRAY_SIZE(cases); i++) {
		snprintf(in, sizeof(in), "%s%s", run, cases[i].next);
		lines = serve_text(in, strlen(in), &rc);
		ck_assert_str_eq(type_of(lines, 1), "listening");
		ck_assert_int_gt(json_integer_value(json_object_get(json_array_get(lines, 1), "port")),
				 0);
		res = json_array_get(lines, 2);
		ck_assert_str_eq(type_of(lines, 2), "result");
		if (!cases[i].error) {
			ck_assert_msg(json_is_true(json_object_get(res, "ok")), "%s",
				      json_string_value(json_object_get(res, "error")));
			ck_assert(json_is_integer(json_object_get(
			    json_object_get(res, "detail"), "server_cpu_ns")));
		} else {
			ck_assert(json_is_false(json_object_get(res, "ok")));
			ck_assert_msg(strstr(json_string_value(json_object_get(res, "error")),
					     cases[i].error),
				      "case %zu: %s", i, json_string_value(json_object_get(res, "error")));
		}
		json_decref(lines);
		/* its server is gone: a child of ours would be reaped here */
		ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	}
}
END_TEST

/* ---- the harness side: channels to real processes ------------------------ */

static void chan_setup(void)
{
	/* as vbench does (vb_undo_install_signals): a dead agent is an error
	 * from write(), not a signal that kills the harness */
	signal(SIGPIPE, SIG_IGN);
}

static void expect_gone(pid_t pid)
{
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
}

START_TEST(test_chan_real_agent)
{
	char path[PATH_MAX];
	char *argv[] = { path, "serve", NULL };
	vb_spawn_t sp = { .argv = argv };
	int base = vb_undo_count(), status;
	json_t *msg, *req;
	vb_error_t err;
	vb_chan_t ch;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/workloads/vbench-agent", vb_test_bindir());
	if (access(path, X_OK) < 0)
		VB_SKIP("%s not built", path);

	ck_assert_msg(vb_chan_spawn(&ch, "bare", &sp, &err) == 0, "%s", err.msg);
	pid = ch.pid;
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(vb_undo_count(), base + 1);

	msg = vb_chan_recv(&ch, 5000, 0, &err);
	ck_assert_msg(msg != NULL, "%s", err.msg);
	ck_assert_str_eq(json_string_value(json_object_get(msg, "type")), "ready");
	ck_assert_int_eq(json_integer_value(json_object_get(msg, "pid")), pid);
	ck_assert_int_eq(json_integer_value(json_object_get(msg, "protocol")), VB_AGENT_PROTOCOL);
	json_decref(msg);

	req = json_pack("{s:s,s:i,s:s,s:{s:s}}", "op", "run", "id", 11, "workload",
			"cpu.syscall", "params", "iters", "1000");
	msg = vb_chan_call(&ch, req, "result", 10000, &err);
	json_decref(req);
	ck_assert_msg(msg != NULL, "%s", err.msg);
	ck_assert(json_is_true(json_object_get(msg, "ok")));
	ck_assert_int_eq(json_integer_value(json_object_get(msg, "id")), 11);
	ck_assert(json_is_object(json_object_get(msg, "metrics")));
	json_decref(msg);

	/* a request the agent refuses, in step: a refusal, no protocol error,
	 * and the channel lives on */
	req = json_pack("{s:s}", "op", "bogus");
	ck_assert_ptr_null(vb_chan_call(&ch, req, "result", 5000, &err));
	ck_assert_int_eq(err.code, VB_EREFUSED);
	ck_assert_str_eq(vb_error_code_name(err.code), "refused");
	ck_assert_int_eq(vb_error_exit_code(&err), VB_EXIT_FAIL);
	ck_assert_ptr_nonnull(strstr(err.msg, "bare: agent refused the request"));
	ck_assert(!ch.broken);
	json_decref(req);
	req = json_pack("{s:s,s:i,s:s,s:{s:s}}", "op", "run", "id", 12, "workload",
			"cpu.syscall", "params", "iters", "1000");
	msg = vb_chan_call(&ch, req, "result", 10000, &err);
	json_decref(req);
	ck_assert_msg(msg != NULL, "%s", err.msg);
	json_decref(msg);

	/* quit: the agent exits by itself with status 0 */
	status = vb_chan_close(&ch, 5000);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(ch.pid, 0);
	ck_assert_int_eq(ch.wfd, -1);
	ck_assert_int_eq(vb_undo_count(), base);
	expect_gone(pid);
}
END_TEST

START_TEST(test_chan_junk_and_long_line)
{
	char *argv[] = { "/bin/sh", "-c",
			 "printf 'not json\\n'; head -c 1048676 /dev/zero | tr '\\000' x; "
			 "printf '\\n'; exec /bin/sleep 30",
			 NULL };
	vb_spawn_t sp = { .argv = argv };
	int base = vb_undo_count(), status;
	vb_error_t err;
	vb_chan_t ch;
	pid_t pid;

	ck_assert_msg(vb_chan_spawn(&ch, "junk", &sp, &err) == 0, "%s", err.msg);
	pid = ch.pid;
	/* skipping junk (a guest's boot): the text goes, the long line does not */
	vb_error_clear(&err);
	ck_assert_ptr_null(vb_chan_recv(&ch, 5000, 1, &err));
	ck_assert_int_eq(err.code, VB_EPROTO);
	ck_assert_msg(strstr(err.msg, "longer than"), "%s", err.msg);
	ck_assert(ch.broken);

	status = vb_chan_close(&ch, 100);
	ck_assert_int_ne(status, -1);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(vb_undo_count(), base);
	expect_gone(pid);

	/* not skipping: junk is a protocol error, and the stream is out of step */
	argv[2] = "printf 'not json\\n{\"type\":\"bye\"}\\n'; exec /bin/sleep 30";
	ck_assert_msg(vb_chan_spawn(&ch, "junk", &sp, &err) == 0, "%s", err.msg);
	pid = ch.pid;
	vb_error_clear(&err);
	ck_assert_ptr_null(vb_chan_recv(&ch, 5000, 0, &err));
	ck_assert_int_eq(err.code, VB_EPROTO);
	ck_assert_msg(strstr(err.msg, "junk") && strstr(err.msg, "not JSON"), "%s", err.msg);
	ck_assert(ch.broken);
	vb_error_clear(&err);
	ck_assert_ptr_null(vb_chan_recv(&ch, 5000, 0, &err)); /* the next line is never read */
	ck_assert_msg(strstr(err.msg, "out of step"), "%s", err.msg);
	vb_chan_close(&ch, 100);
	expect_gone(pid);
}
END_TEST

START_TEST(test_chan_timeout)
{
	char *argv[] = { "/bin/sleep", "30", NULL };
	vb_spawn_t sp = { .argv = argv };
	int base = vb_undo_count(), status;
	uint64_t t0, dt;
	vb_error_t err;
	vb_chan_t ch;
	pid_t pid;

	ck_assert_msg(vb_chan_spawn(&ch, "silent", &sp, &err) == 0, "%s", err.msg);
	pid = ch.pid;
	t0 = vb_now_ns();
	vb_error_clear(&err);
	ck_assert_ptr_null(vb_chan_recv(&ch, 500, 0, &err));
	dt = vb_now_ns() - t0;
	ck_assert_int_eq(err.code, VB_ETIMEOUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "silent"));
	ck_assert_msg(strstr(err.msg, "0.5 s"), "timeout not stated: %s", err.msg);
	ck_assert_msg(dt >= 450000000ull && dt < 1500000000ull, "timed out after %llu ms",
		      (unsigned long long)(dt / 1000000));

	/* close kills what does not quit */
	t0 = vb_now_ns();
	status = vb_chan_close(&ch, 200);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGKILL);
	ck_assert_uint_lt(vb_now_ns() - t0, 1500000000ull);
	ck_assert_int_eq(vb_undo_count(), base);
	expect_gone(pid);
}
END_TEST

START_TEST(test_chan_child_exits)
{
	char *argv[] = { "/bin/sh", "-c", "exit 3", NULL };
	char *noexec[] = { "/nonexistent/vbench-agent", NULL };
	vb_spawn_t sp = { .argv = argv };
	int status;
	vb_error_t err;
	vb_chan_t ch;

	ck_assert_int_eq(vb_chan_spawn(&ch, "dies", &sp, &err), 0);
	ck_assert_ptr_null(vb_chan_recv(&ch, 5000, 0, &err));
	ck_assert_int_eq(err.code, VB_ESYS);
	ck_assert_ptr_nonnull(strstr(err.msg, "dies"));
	status = vb_chan_close(&ch, 1000);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 3);

	/* a program that cannot be executed: the stream just ends */
	sp.argv = noexec;
	ck_assert_int_eq(vb_chan_spawn(&ch, "noexec", &sp, &err), 0);
	ck_assert_ptr_null(vb_chan_recv(&ch, 5000, 0, &err));
	ck_assert_int_eq(err.code, VB_ESYS);
	status = vb_chan_close(&ch, 1000);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 127);
}
END_TEST

Suite *vb_suite_agent(void)
{
	Suite *s = suite_create("agent");
	TCase *agent = tcase_create("agent");
	TCase *chan = tcase_create("channel");

	tcase_set_timeout(agent, 30);
	tcase_add_test(agent, test_handle_run_ok);
	tcase_add_test(agent, test_handle_run_failures);
	tcase_add_test(agent, test_serve);
	tcase_add_test(agent, test_serve_eof_and_io_error);
	tcase_add_test(agent, test_serve_client_done);
	tcase_add_test(agent, test_bound);
	tcase_add_test(agent, test_check_answer);
	suite_add_tcase(s, agent);

	tcase_set_timeout(chan, 30);
	tcase_add_checked_fixture(chan, chan_setup, NULL);
	tcase_add_test(chan, test_chan_real_agent);
	tcase_add_test(chan, test_chan_junk_and_long_line);
	tcase_add_test(chan, test_chan_timeout);
	tcase_add_test(chan, test_chan_child_exits);
	suite_add_tcase(s, chan);
	return s;
}
