/*
 * check_hostile.c - the real vbench against an agent that lies (issue #11:
 * replies matched to requests, bounded agent output, untrusted text).  The
 * agent is tests/fake_agent.c: the real agent behind a relay that repeats a
 * result, changes its id or workload, nests a field 2,046 levels deep,
 * sends strings past the bounds, puts escape sequences, bells, newlines,
 * '|' and '<script>' in an error and in the guest's clocksource, or holds a
 * reply back.  Each case checks the exit code, what run.json records
 * (validated against the schema), what reached the terminal, and that
 * `vbench report`, `explain`, `compare` and `plan` then work on the run.
 * A run.json whose names and facts hold such text is checked the same way.
 * Bare metal only: no VM or container needed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/hostiletest.h"
#include "tests/tests.h"
#include "tests/testutil.h"

/* ---- replies matched to requests (case 5) ---- */

/* A result sent twice: the copy is a protocol error of the next
 * repetition, the instance is restarted, later results are filed right. */
START_TEST(test_duplicate_result)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	json_t *doc, *env;
	int rc;

	rc = vb_hostiletest_run("dup", "cpu.int,mem.stream", "3", "dup@2", dir, sizeof(dir), out,
				sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "completed-with-errors");
	vb_hostiletest_rep_failed(doc, 3, "protocol", "expected the reply to request 3",
				  "got one for request 2");
	ck_assert_uint_eq(vb_hostiletest_filed(doc), 5);
	env = vb_test_env_rec(doc, "bare");
	ck_assert_int_eq(json_integer_value(json_object_get(env, "protocol_restarts")), 1);
	ck_assert_ptr_null(json_object_get(env, "failed"));
	ck_assert_ptr_nonnull(strstr(out, "the instance was restarted"));
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
}
END_TEST

/* A reply with another id, another with another workload. */
START_TEST(test_wrong_id_and_workload)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	json_t *doc;
	int rc;

	rc = vb_hostiletest_run("wrongid", "cpu.int,mem.stream", "3", "wrongid@2,wrongwl@5", dir,
				sizeof(dir), out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	vb_hostiletest_rep_failed(doc, 2, "protocol", "expected the reply to request 2",
				  "got one for request 1002");
	vb_hostiletest_rep_failed(doc, 5, "protocol", "expected the reply to request 5",
				  "got one for request 5 (");
	ck_assert_uint_eq(vb_hostiletest_filed(doc), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(vb_test_env_rec(doc, "bare"),
							    "protocol_restarts")),
			 2);
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
}
END_TEST

/* Protocol errors in 3 repetitions in a row: the environment is given up
 * with the reason, its remaining repetitions skipped. */
START_TEST(test_protocol_errors_in_a_row)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	json_t *doc, *env;
	int rc;

	rc = vb_hostiletest_run("row", "cpu.int", "5", "wrongid@1,wrongid@2,wrongid@3", dir,
				sizeof(dir), out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	vb_hostiletest_rep_failed(doc, 1, "protocol", "got one for request 1001", NULL);
	vb_hostiletest_rep_failed(doc, 3, "protocol", "got one for request 1003", NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 3);
	env = vb_test_env_rec(doc, "bare");
	ck_assert_int_eq(json_integer_value(json_object_get(env, "protocol_restarts")), 2);
	ck_assert_msg(strstr(json_string_value(json_object_get(env, "failed")) ?: "",
			     "3 protocol errors in a row, the last: bare: reply out of step"),
		      "%s", json_string_value(json_object_get(env, "failed")));
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
}
END_TEST

/* The instance started after a protocol error does not come up: the
 * environment fails with that reason. */
START_TEST(test_restart_fails)
{
	static char out[1 << 16], count[PATH_MAX + 32]; /* putenv keeps it */
	char dir[PATH_MAX];
	json_t *doc, *env;
	int rc;

	snprintf(count, sizeof(count), "VBENCH_FAKE_COUNT=%s/starts", vb_hostiletest_dir);
	ck_assert_int_eq(putenv(count), 0);
	rc = vb_hostiletest_run("nostart", "cpu.int", "3", "dup@1,failstart@2", dir, sizeof(dir),
				out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	vb_hostiletest_rep_failed(doc, 2, "protocol", "expected the reply to request 2",
				  "request 1");
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 2);
	env = vb_test_env_rec(doc, "bare");
	ck_assert_msg(strstr(json_string_value(json_object_get(env, "failed")) ?: "",
			     "a new instance after a protocol error did not start"),
		      "%s", json_string_value(json_object_get(env, "failed")));
	ck_assert(json_is_true(json_object_get(env, "available")));
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
}
END_TEST

/* ---- bounded agent output (case 6) ---- */

/* A field nested 2,046 levels deep: refused as past the bound, so run.json
 * stays readable and every tool works on it. */
START_TEST(test_deep_nesting)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	json_t *doc;
	int rc;

	rc = vb_hostiletest_run("deep", "cpu.int", "2", "deep@2", dir, sizeof(dir), out,
				sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	ck_assert_msg(!strstr(out, "no report"), "%s", out);
	doc = vb_test_load_run(dir, 1);
	vb_hostiletest_rep_failed(doc, 2, "protocol", "past a limit", "limit of 32");
	ck_assert_uint_eq(vb_hostiletest_filed(doc), 1);
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
}
END_TEST

/* A 5000-byte error string and 2000 metrics: each past its bound. */
START_TEST(test_long_string_and_members)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	json_t *doc;
	int rc;

	rc = vb_hostiletest_run("wide", "cpu.int", "3", "longerr@1,wide@3", dir, sizeof(dir), out,
				sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	vb_hostiletest_rep_failed(doc, 1, "protocol", "field 'error' is a string of 5000 bytes",
				  "limit of 4096");
	vb_hostiletest_rep_failed(doc, 3, "protocol", "field 'metrics' has 2000 members",
				  "limit of 1024");
	ck_assert_uint_eq(vb_hostiletest_filed(doc), 1);
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
}
END_TEST

/* ---- untrusted text (case 7) ---- */

/* Escape sequences, a bell, newlines, '|' and '<script>' in an agent's
 * error and in its clocksource reach neither the terminal nor Markdown. */
START_TEST(test_untrusted_text)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	const char *e;
	json_t *doc;
	int rc;

	rc = vb_hostiletest_run("evil", "cpu.int,mem.stream", "2", "evilerr@2,evilcs", dir,
				sizeof(dir), out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	VB_ASSERT_TERMINAL_SAFE(out, "vbench run");
	ck_assert_msg(strstr(out, "\\x1b[31mred"), "the error is not shown escaped:\n%s", out);
	ck_assert_msg(strstr(out, "clocksource changed"), "%s", out);
	doc = vb_test_load_run(dir, 1);
	/* run.json keeps the agent's text as it came (JSON escapes it) */
	e = json_string_value(json_object_get(vb_hostiletest_rep(doc, 2), "error"));
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e, "\x1b[31mred"));
	ck_assert_str_eq(
	    json_string_value(json_object_get(vb_hostiletest_rep(doc, 2), "error_kind")), "check");
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
	{
		char *md = vb_test_read_text(dir, "report.md", 1 << 24);

		ck_assert_ptr_nonnull(strstr(md, "&lt;script&gt;"));
		free(md);
	}
}
END_TEST

/* The same text in a run.json's names and facts: an environment's name, a
 * warning, the host's CPU brand and clocksource, a reason. */
START_TEST(test_untrusted_runjson)
{
	static const char evil[] = "ct\x1b[31m|x\n<script>y</script>\x07\xc2\x9b";
	char dir[PATH_MAX];
	json_t *doc, *r, *host;
	size_t i;

	doc = vb_test_load_fixture("tests/fixtures/run-bare-container.json");
	json_array_foreach(json_object_get(doc, "environments"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "name")), "container"))
			json_object_set_new(r, "name", json_string(evil));
	json_array_foreach(json_object_get(doc, "repetitions"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "env")), "container"))
			json_object_set_new(r, "env", json_string(evil));
	json_array_append_new(json_object_get(doc, "warnings"), json_string(evil));
	host = json_object_get(doc, "host");
	json_object_set_new(json_object_get(host, "cpu"), "brand", json_string(evil));
	json_object_set_new(host, "clocksource", json_string(evil));
	snprintf(dir, sizeof(dir), "%s/evil-run", vb_hostiletest_dir);
	vb_test_write_run(dir, doc);
	json_decref(doc);
	vb_hostiletest_tools_accept(dir);
}
END_TEST

/* ---- a stalled repetition ---- */

/* A reply held back 4 s while the agent's own time is milliseconds: the
 * repetition is recorded, flagged "stalled", and the reports say so. */
START_TEST(test_stalled_repetition)
{
	static char out[1 << 16];
	char dir[PATH_MAX], *so, *se, *md;
	json_t *doc, *sc;
	int rc;

	rc = vb_hostiletest_run("stall", "cpu.int", "2", "stall@2:4000", dir, sizeof(dir), out,
				sizeof(out));
	ck_assert_msg(rc == 0, "exit %d, expected 0:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	sc = json_object_get(vb_hostiletest_rep(doc, 2), "stall_check");
	ck_assert_msg(json_is_true(json_object_get(sc, "stalled")), "not flagged: %s",
		      json_dumps(sc, JSON_COMPACT));
	ck_assert_int_ge(json_integer_value(json_object_get(sc, "host_ns")), 4000000000LL);
	ck_assert_str_eq(json_string_value(json_object_get(sc, "agent_time")), "handled_ns");
	ck_assert(json_is_true(json_object_get(vb_hostiletest_rep(doc, 2), "ok")));
	json_decref(doc);
	ck_assert_msg(strstr(out, "stalled"), "the run's summary does not say it:\n%s", out);
	rc = vb_test_vbench(NULL, &so, &se, "report", "--no-charts", dir, NULL);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(so, "stalled in 1 of 2 repetitions"), "%s", so);
	free(so);
	free(se);
	md = vb_test_read_text(dir, "report.md", 1 << 24);
	ck_assert_ptr_nonnull(strstr(md, "stalled in 1 of 2 repetitions"));
	free(md);
}
END_TEST

Suite *vb_suite_hostile(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("fake-agent");

	tcase_add_checked_fixture(tc, vb_hostiletest_setup, vb_hostiletest_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_duplicate_result);
	tcase_add_test(tc, test_wrong_id_and_workload);
	tcase_add_test(tc, test_protocol_errors_in_a_row);
	tcase_add_test(tc, test_restart_fails);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_long_string_and_members);
	tcase_add_test(tc, test_untrusted_text);
	tcase_add_test(tc, test_untrusted_runjson);
	tcase_add_test(tc, test_stalled_repetition);
	suite_add_tcase(s, tc);
	return s;
}
