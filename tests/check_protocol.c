/*
 * check_protocol.c - the agent protocol against an agent that lies, after
 * the security review of issue #11 (items 8, 11, 12): a result is stored
 * with its documented fields only and within a size, so in-bounds extra
 * fields cannot bloat run.json; an agent's refusal of a request, in step,
 * is a failed repetition and no protocol error; an agent of another
 * protocol is refused at start with one line.  The real vbench runs with
 * tests/fake_agent.c (VBENCH_FAKE); the helpers are tests/hostiletest.c.
 * Bare metal only: no VM or container needed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/core/agentmsg.h"
#include "harness/core/chan.h"
#include "lib/counters.h"
#include "harness/analysis/stats.h"
#include "harness/core/options.h"
#include "harness/core/runfile.h"
#include "lib/util.h"
#include "workloads/workload.h"
#include "workloads/agent.h"
#include "tests/hostiletest.h"
#include "tests/tests.h"
#include "tests/testutil.h"

/* ---- what a stored result keeps (item 8) ---- */

/* Members of @o that are not in the NULL-terminated @allowed: 0, else abort
 * naming the first. */
static void assert_only(const json_t *o, const char *const *allowed, const char *what)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)o, key, v) {
		for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
			;
		ck_assert_msg(allowed[i], "%s keeps '%s'", what, key);
	}
}

/* The result of repetition @r holds the documented fields, the declared
 * metrics of cpu.int, and counters with their documented members only. */
static void assert_documented(json_t *r)
{
	static const char *const fields[] = { "workload", "elapsed_ns", "handled_ns", "steal_ns",
					      "ops", "bytes", "metrics", "counters",
					      "counter_mode", "detail", "derived", NULL };
	static const char *const metrics[] = { "mops", "us_per_pass", NULL };
	static const char *const counter[] = { "value", "source", "unit", "available", "reason",
					       NULL };
	json_t *res = json_object_get(r, "result"), *c;
	const char *key;

	ck_assert(json_is_true(json_object_get(r, "ok")));
	assert_only(res, fields, "the result");
	assert_only(json_object_get(res, "metrics"), metrics, "metrics");
	ck_assert_uint_eq(json_object_size(json_object_get(res, "metrics")), 2);
	json_object_foreach(json_object_get(res, "counters"), key, c) {
		ck_assert_msg(strncmp(key, "NOT_ASKED_", 10), "an event not asked for: %s", key);
		assert_only(c, counter, key);
	}
}

/*
 * A result with big in-bounds extra fields (~600 KB of zeros 26 levels
 * deep, 1000 undeclared metrics, 500 counters not asked for): before, each
 * was stored whole and re-encoded indented, megabytes per repetition.  Now
 * only the documented fields are kept; a detail that stays too large when
 * stored is a protocol error.  run.json stays small and readable.
 */
START_TEST(test_result_bloat)
{
	static char out[1 << 16];
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct stat sb;
	json_t *doc;

	int rc = vb_hostiletest_run("bloat", "cpu.int", "3", "bloat@1,bloat@2,bigdetail@3", dir,
				    sizeof(dir), out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_msg(sb.st_size < 256 * 1024, "run.json holds %lld bytes", (long long)sb.st_size);
	doc = vb_test_load_run(dir, 1);
	assert_documented(vb_hostiletest_rep(doc, 1));
	assert_documented(vb_hostiletest_rep(doc, 2));
	vb_hostiletest_rep_failed(doc, 3, "protocol", "bytes in run.json", "limit of 131072");
	ck_assert_uint_eq(vb_hostiletest_filed(doc), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(vb_test_env_rec(doc, "bare"),
							    "protocol_restarts")),
			 1);
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
}
END_TEST

/* ---- a refusal in step (item 11) ---- */

/*
 * Three refusals in a row, each an "error" reply with the request's id:
 * three failed repetitions (error_kind "refused", the agent's text in the
 * terminal form on the terminal), no restart, not given up; the fourth
 * repetition runs in the same instance.  Before: three protocol errors,
 * the instance restarted twice, the environment given up.
 */
START_TEST(test_refusal_in_step)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	json_t *doc, *env;
	int rc;

	rc = vb_hostiletest_run("refuse", "cpu.int", "4", "refuse@1,refuse@2,refuse@3", dir,
				sizeof(dir), out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	VB_ASSERT_TERMINAL_SAFE(out, "vbench run");
	ck_assert_msg(strstr(out, "\\u202e"), "the refusal is not shown escaped:\n%s", out);
	doc = vb_test_load_run(dir, 1);
	vb_hostiletest_rep_failed(doc, 1, "refused", "agent refused the request: not now", NULL);
	vb_hostiletest_rep_failed(doc, 3, "refused", "agent refused the request", NULL);
	ck_assert(json_is_true(json_object_get(vb_hostiletest_rep(doc, 4), "ok")));
	env = vb_test_env_rec(doc, "bare");
	ck_assert_ptr_null(json_object_get(env, "protocol_restarts"));
	ck_assert_ptr_null(json_object_get(env, "failed"));
	ck_assert_msg(!strstr(out, "restarted") && !strstr(out, "given up"), "%s", out);
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
}
END_TEST

/* ---- a calibration request given up on ---- */

/*
 * A calibration probe whose answer comes after --timeout (held back 3 s,
 * the timeout 1 s): its workload is not sized, and the instance is
 * replaced at once, so the late answer is never read as a measured
 * repetition's.  Before: the first repetition of the next workload read
 * the probe's answer and failed as a protocol error (seen as a flaky
 * prepare:test_hung_repetition on a loaded host).
 */
START_TEST(test_probe_timeout_restarts)
{
	static char out[1 << 16];
	char dir[PATH_MAX], vbench[PATH_MAX], fake[PATH_MAX];
	char *argv[] = { vbench,     "run",	   "--env",   "bare",	 "--workload", "cpu.fp,cpu.int",
			 "--param",  "cpu.int.iters=50", "--profile", "test", "--reps",   "2",
			 "--timeout", "1",	   "--agent", fake,	 "--out",      dir,
			 NULL };
	json_t *doc, *r;
	size_t i, ok = 0;
	pid_t pid;
	int rc;

	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	vb_test_fake_agent(fake, sizeof(fake));
	snprintf(dir, sizeof(dir), "%s/probe-timeout", vb_hostiletest_dir);
	rc = vb_test_run(argv, "VBENCH_FAKE=stall@-1:3000", out, sizeof(out), &pid);
	VB_ASSERT_NO_DEBRIS(pid, out);
	ck_assert_msg(rc == 1, "exit %d, expected 1 (cpu.fp not sized):\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	json_array_foreach (json_object_get(doc, "repetitions"), i, r) {
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "repetition %zu failed: %s", i,
			      json_string_value(json_object_get(r, "error")));
		ck_assert_str_eq(json_string_value(json_object_get(r, "workload")), "cpu.int");
		ok++;
	}
	ck_assert_uint_eq(ok, 2);
	json_decref(doc);
}
END_TEST

/* ---- the protocol's version (item 12) ---- */

/* An agent of protocol 1 (or of none): refused at start with one line, the
 * environment unavailable with that reason; nothing is measured. */
START_TEST(test_protocol_mismatch)
{
	static char out[1 << 16];
	char dir[PATH_MAX], want[256];
	const char *reason;
	json_t *doc, *env;
	int rc;

	snprintf(want, sizeof(want),
		 "the agent speaks protocol 1, this vbench needs %d: rebuild or give --agent the "
		 "matching vbench-agent",
		 VB_AGENT_PROTOCOL);
	ck_assert_int_eq(VB_AGENT_PROTOCOL, 2);
	rc = vb_hostiletest_run("proto1", "cpu.int", "2", "protocol:1", dir, sizeof(dir), out,
				sizeof(out));
	ck_assert_msg(rc == 3, "exit %d, expected 3 (nothing ran):\n%s", rc, out);
	ck_assert_msg(strstr(out, want), "no '%s' in:\n%s", want, out);
	ck_assert_msg(!strstr(strstr(out, want) + 1, want), "said more than once:\n%s", out);
	doc = vb_test_load_run(dir, 1);
	env = vb_test_env_rec(doc, "bare");
	ck_assert(json_is_false(json_object_get(env, "available")));
	reason = json_string_value(json_object_get(env, "reason"));
	ck_assert_msg(reason && strstr(reason, want), "reason: %s", reason ? reason : "(none)");
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 0);
	json_decref(doc);
	rc = vb_hostiletest_run("proto-none", "cpu.int", "2", "protocol:none", dir, sizeof(dir),
				out, sizeof(out));
	ck_assert_msg(rc == 3, "exit %d, expected 3 (nothing ran):\n%s", rc, out);
	ck_assert_msg(strstr(out, "the agent names no protocol, this vbench needs"), "%s", out);
}
END_TEST

/* A result keeps its documented fields, the workload's metrics and the
 * events asked for, each counter its documented members (item 8). */
/* A network workload's server announcing no TCP port: a protocol error
 * of that repetition (the instance restarted, the client never ran), the
 * next repetition measured. */
START_TEST(test_bad_listening_port)
{
	char dir[PATH_MAX], out[65536];
	json_t *doc;
	int rc = vb_hostiletest_run("badport", "net.rr", "2", "badport@1", dir, sizeof(dir), out,
				    sizeof(out));

	ck_assert_msg(rc == 1, "exit %d, expected 1 (a failed repetition):\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	vb_hostiletest_rep_failed(doc, 1, "protocol", "listens on no TCP port", "70000");
	ck_assert_uint_eq(vb_hostiletest_filed(doc), 1);
	json_decref(doc);
}
END_TEST

START_TEST(test_keep_result)
{
	json_t *reply = json_loads(
	    "{\"type\":\"result\",\"id\":7,\"ok\":true,\"workload\":\"cpu.int\",\"params\":"
	    "{\"iters\":\"1\"},\"elapsed_ns\":5,\"handled_ns\":6,\"ops\":1,\"bytes\":0,"
	    "\"metrics\":{\"mops\":1.5,\"us_per_pass\":2,\"extra\":3},\"counters\":"
	    "{\"PAPI_TOT_INS\":{\"value\":10,\"source\":\"papi\",\"unit\":\"count\",\"junk\":1},"
	    "\"perf::X\":{\"available\":false,\"reason\":\"no\",\"junk\":[2]},"
	    "\"NOT_ASKED\":{\"value\":1}},\"counter_mode\":\"single-set\",\"detail\":{\"a\":1},"
	    "\"x\":[1,2,3]}",
	    0, NULL);
	json_t *want = json_loads(
	    "{\"workload\":\"cpu.int\",\"elapsed_ns\":5,\"handled_ns\":6,\"ops\":1,\"bytes\":0,"
	    "\"metrics\":{\"mops\":1.5,\"us_per_pass\":2},\"counters\":{\"PAPI_TOT_INS\":"
	    "{\"value\":10,\"source\":\"papi\",\"unit\":\"count\"},\"perf::X\":{\"available\":"
	    "false,\"reason\":\"no\"}},\"counter_mode\":\"single-set\",\"detail\":{\"a\":1}}",
	    0, NULL);
	json_t *req = json_pack("{s:s,s:i,s:s,s:[s,s]}", "op", "run", "id", 7, "workload",
				"cpu.int", "events", "PAPI_TOT_INS", "perf::X");
	json_t *kept;
	vb_error_t err;
	char *a;

	ck_assert_ptr_nonnull(reply);
	ck_assert_ptr_nonnull(want);
	ck_assert_int_eq(vb_agent_check_result(reply, &err), 0);
	kept = vb_agent_keep_result(reply, req, vb_workload_find("cpu.int"));
	a = json_dumps(kept, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_msg(json_equal(kept, want), "kept %s", a);
	free(a);
	json_decref(kept);
	/* no events asked for: no counters kept */
	json_object_del(req, "events");
	kept = vb_agent_keep_result(reply, req, vb_workload_find("cpu.int"));
	ck_assert_uint_eq(json_object_size(json_object_get(kept, "counters")), 0);
	json_decref(kept);
	/* the types of the fields kept whole are checked */
	json_object_set_new(reply, "detail", json_string("a string"));
	ck_assert_int_eq(vb_agent_check_result(reply, &err), -1);
	ck_assert_msg(strstr(err.msg, "field 'detail' is not an object"), "%s", err.msg);
	json_object_set_new(reply, "detail", json_object());
	json_object_set_new(reply, "counter_mode", json_integer(1));
	ck_assert_int_eq(vb_agent_check_result(reply, &err), -1);
	ck_assert_msg(strstr(err.msg, "field 'counter_mode' is not a string"), "%s", err.msg);
	json_decref(reply);
	json_decref(want);
	json_decref(req);
}
END_TEST

/* What a value adds to run.json stored 3 levels deep, as a repetition's
 * result is: its indented encoding plus the deeper indentation. */
START_TEST(test_encoded_size)
{
	json_t *v = json_pack("{s:[i,i,{s:s}],s:s}", "a", 1, 2, "b", "\xc3\xa9", "c", "d");
	json_t *doc = json_pack("{s:[{s:O}]}", "repetitions", "result", v);
	json_t *zero = json_pack("{s:[{s:i}]}", "repetitions", "result", 0);
	char *with = json_dumps(doc, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	char *without = json_dumps(zero, JSON_INDENT(1) | JSON_ENSURE_ASCII);

	ck_assert_uint_eq(vb_runfile_encoded_size(v, 3), strlen(with) - strlen(without) + 1);
	free(with);
	free(without);
	json_decref(doc);
	json_decref(zero);
	json_decref(v);
}
END_TEST

/*
 * The largest honest result, mem.stream at its most passes (200) with the
 * default counter events, stays far below the cap: less than a third.
 */
START_TEST(test_honest_result_size)
{
	json_t *req = json_pack("{s:s,s:i,s:s,s:{s:s,s:s},s:[]}", "op", "run", "id", 1, "workload",
				"mem.stream", "params", "passes", "200", "array_bytes", "1M",
				"events");
	json_t *reply, *kept;
	uint64_t ops;
	size_t i, n;

	for (i = 0; i < vb_default_nevents; i++)
		json_array_append_new(json_object_get(req, "events"),
				      json_string(vb_default_events[i]));
	reply = vb_agent_handle_run(req);
	ck_assert_msg(json_is_true(json_object_get(reply, "ok")), "%s",
		      json_string_value(json_object_get(reply, "error")));
	kept = vb_agent_keep_result(reply, req, vb_workload_find("mem.stream"));
	ops = (uint64_t)json_integer_value(json_object_get(kept, "ops"));
	json_object_set_new(kept, "derived",
			    vb_counters_derive(json_object_get(kept, "counters"), ops));
	n = vb_runfile_encoded_size(kept, 3);
	fprintf(stderr, "mem.stream, 200 passes: %zu bytes in run.json (limit %u)\n", n,
		VB_RUNFILE_MAX_RESULT);
	ck_assert_uint_lt(n, VB_RUNFILE_MAX_RESULT / 3);
	json_decref(kept);
	json_decref(reply);
	json_decref(req);
}
END_TEST

/* The ready message's checks, one by one. */
START_TEST(test_check_ready)
{
	json_t *msg = json_pack("{s:s,s:i}", "type", "ready", "protocol", VB_AGENT_PROTOCOL);
	vb_error_t err;

	ck_assert_int_eq(vb_agent_check_ready(msg, &err), 0);
	json_object_set_new(msg, "protocol", json_integer(VB_AGENT_PROTOCOL + 1));
	ck_assert_int_eq(vb_agent_check_ready(msg, &err), -1);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	ck_assert_msg(strstr(err.msg, "this vbench needs 2: rebuild"), "%s", err.msg);
	json_object_set_new(msg, "protocol", json_string("2"));
	ck_assert_int_eq(vb_agent_check_ready(msg, &err), -1);
	ck_assert_msg(strstr(err.msg, "the agent names no protocol"), "%s", err.msg);
	json_object_set_new(msg, "type", json_string("result"));
	ck_assert_int_eq(vb_agent_check_ready(msg, &err), -1);
	ck_assert_int_eq(err.code, VB_EPROTO);
	ck_assert_str_eq(err.msg, "first message was not 'ready'");
	json_decref(msg);
}
END_TEST

/* Every request is built in one place (vb_agent_run_request: the run's,
 * calibration's, density's and noisy neighbours' alike) and every failed
 * result becomes an error in one place (vb_agent_reply_error). */
START_TEST(test_requests_and_refusals)
{
	static const struct {
		const char *kind;
		vb_errcode_t code;
	} kinds[] = { { "check", VB_ECHECK }, { "usage", VB_EUSAGE },
		      { "unavailable", VB_EUNAVAIL }, { "system", VB_ESYS },
		      { "no such kind", VB_ESYS } };
	const vb_workload_t *io = vb_workload_find("io.seqread"), *cpu = vb_workload_find("cpu.int");
	vb_run_cfg_t *cfg = calloc(1, sizeof(*cfg));
	vb_params_t p;
	vb_error_t err;
	json_t *r;
	size_t i;

	ck_assert_ptr_nonnull(cfg);
	vb_run_cfg_init(cfg);
	cfg->events[cfg->nevents++] = "PAPI_TOT_INS";
	snprintf(cfg->scratch, sizeof(cfg->scratch), "/dev/loop9");
	cfg->scratch_device = 1;
	vb_params_defaults(io, &p);
	/* measured: the run's events; the scratch and the device named twice */
	r = vb_agent_run_request(cfg, 7, io, &p, VB_REQ_MEASURED);
	ck_assert_str_eq(json_string_value(json_object_get(r, "op")), "run");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 7);
	ck_assert_str_eq(json_string_value(json_object_get(r, "workload")), "io.seqread");
	ck_assert_uint_eq(json_array_size(json_object_get(r, "events")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(r, "scratch")), "/dev/loop9");
	ck_assert_str_eq(json_string_value(json_object_get(r, "allow_device")), "/dev/loop9");
	json_decref(r);
	/* not measured (calibration, extra instances): no events, the same scratch */
	r = vb_agent_run_request(cfg, -3, io, &p, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), -3);
	ck_assert_uint_eq(json_array_size(json_object_get(r, "events")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "allow_device")), "/dev/loop9");
	json_decref(r);
	/* no scratch for a workload without a file */
	vb_params_defaults(cpu, &p);
	r = vb_agent_run_request(cfg, 1, cpu, &p, VB_REQ_MEASURED);
	ck_assert_ptr_null(json_object_get(r, "scratch"));
	ck_assert_ptr_null(json_object_get(r, "allow_device"));
	json_decref(r);
	r = vb_agent_op_request("quit", -1);
	ck_assert_ptr_null(json_object_get(r, "id"));
	json_decref(r);
	r = vb_agent_op_request("facts", 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 0);
	json_decref(r);
	/* a failed result's kind is its error's code, whoever asked */
	for (i = 0; i < VB_ARRAY_SIZE(kinds); i++) {
		r = json_pack("{s:s,s:b,s:s,s:s}", "type", "result", "ok", 0, "error", "no",
			      "error_kind", kinds[i].kind);
		ck_assert_int_eq(vb_agent_reply_error(r, &err), -1);
		ck_assert_int_eq(err.code, kinds[i].code);
		ck_assert_str_eq(err.msg, "no");
		json_decref(r);
	}
	r = json_pack("{s:b}", "ok", 0);
	vb_agent_reply_error(r, &err);
	ck_assert_str_eq(err.msg, "failed");
	json_decref(r);
	free(cfg);
}
END_TEST

Suite *vb_suite_protocol(void)
{
	Suite *s = suite_create("protocol");
	TCase *tu = tcase_create("messages"), *tc = tcase_create("fake-agent");

	tcase_set_timeout(tu, 60); /* mem.stream's 200 passes, under the sanitizers */
	tcase_add_test(tu, test_keep_result);
	tcase_add_test(tu, test_encoded_size);
	tcase_add_test(tu, test_honest_result_size);
	tcase_add_test(tu, test_check_ready);
	tcase_add_test(tu, test_requests_and_refusals);
	suite_add_tcase(s, tu);

	tcase_add_checked_fixture(tc, vb_hostiletest_setup, vb_hostiletest_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_result_bloat);
	tcase_add_test(tc, test_refusal_in_step);
	tcase_add_test(tc, test_bad_listening_port);
	tcase_add_test(tc, test_probe_timeout_restarts);
	tcase_add_test(tc, test_protocol_mismatch);
	suite_add_tcase(s, tc);
	return s;
}
