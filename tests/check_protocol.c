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

#include "../harness/agentio.h"
#include "../workloads/agent.h"
#include "hostiletest.h"
#include "tests.h"
#include "testutil.h"

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

Suite *vb_suite_protocol(void)
{
	Suite *s = suite_create("protocol");
	TCase *tu = tcase_create("messages"), *tc = tcase_create("fake-agent");

	tcase_add_test(tu, test_check_ready);
	suite_add_tcase(s, tu);

	tcase_add_checked_fixture(tc, vb_hostiletest_setup, vb_hostiletest_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_refusal_in_step);
	tcase_add_test(tc, test_protocol_mismatch);
	suite_add_tcase(s, tc);
	return s;
}
