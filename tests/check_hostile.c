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
#include <unistd.h>

#include "../harness/util.h"
#include "tests.h"
#include "testutil.h"

static char vbench[PATH_MAX], tmpdir[PATH_MAX], fake[PATH_MAX];

static void setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	vb_test_fake_agent(fake, sizeof(fake));
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "hostile"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- what may reach a terminal or a Markdown file ---- */

/*
 * 1 when @s holds nothing a terminal would act on: no control character
 * but the line feed, no DEL, no C1 control, no bidirectional override, no
 * invalid UTF-8.  Else 0 with the offset in *@at.
 */
static int terminal_safe(const char *s, size_t *at)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n, k;

	for (i = 0; p[i]; i += n) {
		*at = i;
		n = 1;
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f)
			return 0;
		if (p[i] < 0x80)
			continue;
		n = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : p[i] >= 0xc2 ? 2 : 0;
		if (!n || p[i] > 0xf4)
			return 0;
		for (k = 1; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		if (p[i] == 0xc2 && p[i + 1] < 0xa0) /* C1 */
			return 0;
		if (p[i] == 0xe2 && p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae)
			return 0;
		if (p[i] == 0xe2 && p[i + 1] == 0x81 && p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9)
			return 0;
	}
	return 1;
}

#define ASSERT_TERMINAL_SAFE(text, what)                                                   \
	do {                                                                               \
		size_t at_ = 0;                                                            \
		const char *t_ = (text);                                                   \
		ck_assert_msg(terminal_safe(t_, &at_), "%s: raw control text at %zu: %.80s", \
			      (what), at_, t_ + (at_ > 20 ? at_ - 20 : 0));                \
	} while (0)

/* '|' in @line not escaped with a backslash. */
static size_t cell_bars(const char *line, size_t len)
{
	size_t i, n = 0, bs = 0;

	for (i = 0; i < len; i++) {
		if (line[i] == '|' && bs % 2 == 0)
			n++;
		bs = line[i] == '\\' ? bs + 1 : 0;
	}
	return n;
}

/* Every Markdown table of @md has as many cells in each row as in its
 * header; no raw HTML tag from the run. */
static void assert_markdown_safe(const char *md, const char *what)
{
	const char *line = md, *nl;
	size_t head = 0, len, n;

	ASSERT_TERMINAL_SAFE(md, what);
	ck_assert_msg(!strstr(md, "<script") && !strstr(md, "<b>") && !strstr(md, "<i>"),
		      "%s: raw HTML from the run", what);
	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		len = (size_t)(nl - line);
		if (!len || line[0] != '|') {
			head = 0;
			continue;
		}
		n = cell_bars(line, len);
		if (!head)
			head = n;
		ck_assert_msg(n == head, "%s: a table row with %zu cells, its header %zu: %.*s",
			      what, n, head, (int)len, line);
	}
}

/* ---- runs ---- */

/* `vbench run --env bare` of @wls x @reps with the lying agent doing
 * @actions, into tmpdir/@name (@dir); its output (both streams) in @out. */
static int fake_run(const char *name, const char *wls, const char *reps, const char *actions,
		    char *dir, size_t dlen, char *out, size_t outlen)
{
	char *argv[] = { vbench,       "run",	  "--env",   "bare",  "--workload", (char *)wls,
			 "--profile",  "test",	  "--reps",  (char *)reps, "--agent", fake,
			 "--out",      dir,	  NULL };
	static char env[256];
	pid_t pid;
	int rc;

	snprintf(dir, dlen, "%s/%s", tmpdir, name);
	snprintf(env, sizeof(env), "VBENCH_FAKE=%s", actions);
	rc = vb_test_run(argv, env, out, outlen, &pid);
	VB_ASSERT_NO_DEBRIS(pid, out);
	return rc;
}

/* The repetition with seq @seq of @doc. */
static json_t *rep_seq(json_t *doc, json_int_t seq)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(doc, "repetitions"), i, r)
		if (json_integer_value(json_object_get(r, "seq")) == seq)
			return r;
	ck_abort_msg("no repetition with seq %lld", (long long)seq);
	return NULL;
}

/* Repetition @seq failed with a protocol error naming @a and @b. */
static void assert_protocol_error(json_t *doc, json_int_t seq, const char *a, const char *b)
{
	json_t *r = rep_seq(doc, seq);
	const char *e = json_string_value(json_object_get(r, "error"));

	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert_ptr_null(json_object_get(r, "result"));
	ck_assert_str_eq(json_string_value(json_object_get(r, "error_kind")), "protocol");
	ck_assert_msg(e && strstr(e, a) && (!b || strstr(e, b)), "seq %lld: error '%s' lacks '%s'",
		      (long long)seq, e ? e : "(none)", a);
}

/* Every successful repetition holds its own workload's result: the reply's
 * workload and the workload's metrics. */
static size_t assert_filed(json_t *doc)
{
	json_t *r, *w, *m;
	const char *wl;
	size_t i, j, k, ok = 0;

	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (!json_is_true(json_object_get(r, "ok")))
			continue;
		ok++;
		wl = json_string_value(json_object_get(r, "workload"));
		ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "result"),
								  "workload")),
				 wl);
		json_array_foreach(json_object_get(doc, "workloads"), j, w) {
			if (strcmp(json_string_value(json_object_get(w, "name")), wl))
				continue;
			json_array_foreach(json_object_get(w, "metrics"), k, m)
				ck_assert_msg(json_object_get(json_object_get(json_object_get(r, "result"),
									      "metrics"),
							      json_string_value(json_object_get(m, "name"))),
					      "seq %lld (%s) lacks metric %s",
					      (long long)json_integer_value(json_object_get(r, "seq")),
					      wl, json_string_value(json_object_get(m, "name")));
		}
	}
	return ok;
}

/* `vbench report`, `explain`, `compare DIR DIR` and `plan` work on @dir,
 * and print nothing a terminal would act on; report.md and explain.md are
 * safe Markdown. */
static void assert_tools_accept(const char *dir)
{
	char plan[PATH_MAX], *out, *err, *md;
	int rc;

	snprintf(plan, sizeof(plan), "%s/plan.ini", tmpdir);
	vb_test_put_text(tmpdir, "plan.ini",
			 "[host]\ncpus = 16\nmemory = 64G\ndisk = 2T\n"
			 "[service web]\ncpu = 2\nmemory = 4G\ndisk = 10G\n");
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", dir, NULL);
	ck_assert_msg(rc == 0, "report: exit %d: %s", rc, err);
	ASSERT_TERMINAL_SAFE(out, "report");
	ASSERT_TERMINAL_SAFE(err, "report stderr");
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "explain", dir, NULL);
	ck_assert_msg(rc == 0, "explain: exit %d: %s", rc, err);
	ASSERT_TERMINAL_SAFE(out, "explain");
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "compare", dir, dir, NULL);
	ck_assert_msg(rc == 0, "compare: exit %d: %s", rc, err);
	ASSERT_TERMINAL_SAFE(out, "compare");
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", dir, plan, NULL);
	ck_assert_msg(rc == 0, "plan: exit %d: %s", rc, err);
	ASSERT_TERMINAL_SAFE(out, "plan");
	free(out);
	free(err);
	md = vb_test_read_text(dir, "report.md", 1 << 24);
	ck_assert_ptr_nonnull(md);
	assert_markdown_safe(md, "report.md");
	free(md);
	md = vb_test_read_text(dir, "explain.md", 1 << 24);
	ck_assert_ptr_nonnull(md);
	assert_markdown_safe(md, "explain.md");
	free(md);
	/* summary.csv: RFC 4180 line ends, nothing else a terminal acts on */
	md = vb_test_read_text(dir, "summary.csv", 1 << 24);
	ck_assert_ptr_nonnull(md);
	for (char *p = md; (p = strchr(p, '\r')) != NULL; *p = '\n')
		ck_assert_msg(p[1] == '\n', "summary.csv: a CR that does not end a row");
	ASSERT_TERMINAL_SAFE(md, "summary.csv");
	free(md);
}

/* ---- replies matched to requests (case 5) ---- */

/* A result sent twice: the copy is a protocol error of the next
 * repetition, the instance is restarted, later results are filed right. */
START_TEST(test_duplicate_result)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	json_t *doc, *env;
	int rc;

	rc = fake_run("dup", "cpu.int,mem.stream", "3", "dup@2", dir, sizeof(dir), out,
		      sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "completed-with-errors");
	assert_protocol_error(doc, 3, "expected the reply to request 3", "got one for request 2");
	ck_assert_uint_eq(assert_filed(doc), 5);
	env = vb_test_env_rec(doc, "bare");
	ck_assert_int_eq(json_integer_value(json_object_get(env, "protocol_restarts")), 1);
	ck_assert_ptr_null(json_object_get(env, "failed"));
	ck_assert_ptr_nonnull(strstr(out, "the instance was restarted"));
	json_decref(doc);
	assert_tools_accept(dir);
}
END_TEST

/* A reply with another id, another with another workload. */
START_TEST(test_wrong_id_and_workload)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	json_t *doc;
	int rc;

	rc = fake_run("wrongid", "cpu.int,mem.stream", "3", "wrongid@2,wrongwl@5", dir,
		      sizeof(dir), out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	assert_protocol_error(doc, 2, "expected the reply to request 2", "got one for request 1002");
	assert_protocol_error(doc, 5, "expected the reply to request 5", "got one for request 5 (");
	ck_assert_uint_eq(assert_filed(doc), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(vb_test_env_rec(doc, "bare"),
							    "protocol_restarts")),
			 2);
	json_decref(doc);
	assert_tools_accept(dir);
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

	rc = fake_run("row", "cpu.int", "5", "wrongid@1,wrongid@2,wrongid@3", dir, sizeof(dir), out,
		      sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	assert_protocol_error(doc, 1, "got one for request 1001", NULL);
	assert_protocol_error(doc, 3, "got one for request 1003", NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 3);
	env = vb_test_env_rec(doc, "bare");
	ck_assert_int_eq(json_integer_value(json_object_get(env, "protocol_restarts")), 2);
	ck_assert_msg(strstr(json_string_value(json_object_get(env, "failed")) ?: "",
			     "3 protocol errors in a row, the last: bare: reply out of step"),
		      "%s", json_string_value(json_object_get(env, "failed")));
	json_decref(doc);
	assert_tools_accept(dir);
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

	snprintf(count, sizeof(count), "VBENCH_FAKE_COUNT=%s/starts", tmpdir);
	ck_assert_int_eq(putenv(count), 0);
	rc = fake_run("nostart", "cpu.int", "3", "dup@1,failstart@2", dir, sizeof(dir), out,
		      sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	assert_protocol_error(doc, 2, "expected the reply to request 2", "request 1");
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 2);
	env = vb_test_env_rec(doc, "bare");
	ck_assert_msg(strstr(json_string_value(json_object_get(env, "failed")) ?: "",
			     "a new instance after a protocol error did not start"),
		      "%s", json_string_value(json_object_get(env, "failed")));
	ck_assert(json_is_true(json_object_get(env, "available")));
	json_decref(doc);
	assert_tools_accept(dir);
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

	rc = fake_run("deep", "cpu.int", "2", "deep@2", dir, sizeof(dir), out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	ck_assert_msg(!strstr(out, "no report"), "%s", out);
	doc = vb_test_load_run(dir, 1);
	assert_protocol_error(doc, 2, "past a limit", "limit of 32");
	ck_assert_uint_eq(assert_filed(doc), 1);
	json_decref(doc);
	assert_tools_accept(dir);
}
END_TEST

/* A 5000-byte error string and 2000 metrics: each past its bound. */
START_TEST(test_long_string_and_members)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	json_t *doc;
	int rc;

	rc = fake_run("wide", "cpu.int", "3", "longerr@1,wide@3", dir, sizeof(dir), out,
		      sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	assert_protocol_error(doc, 1, "field 'error' is a string of 5000 bytes", "limit of 4096");
	assert_protocol_error(doc, 3, "field 'metrics' has 2000 members", "limit of 1024");
	ck_assert_uint_eq(assert_filed(doc), 1);
	json_decref(doc);
	assert_tools_accept(dir);
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

	rc = fake_run("evil", "cpu.int,mem.stream", "2", "evilerr@2,evilcs", dir, sizeof(dir),
		      out, sizeof(out));
	ck_assert_msg(rc == 1, "exit %d, expected 1:\n%s", rc, out);
	ASSERT_TERMINAL_SAFE(out, "vbench run");
	ck_assert_msg(strstr(out, "\\x1b[31mred"), "the error is not shown escaped:\n%s", out);
	ck_assert_msg(strstr(out, "clocksource changed"), "%s", out);
	doc = vb_test_load_run(dir, 1);
	/* run.json keeps the agent's text as it came (JSON escapes it) */
	e = json_string_value(json_object_get(rep_seq(doc, 2), "error"));
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e, "\x1b[31mred"));
	ck_assert_str_eq(json_string_value(json_object_get(rep_seq(doc, 2), "error_kind")), "check");
	json_decref(doc);
	assert_tools_accept(dir);
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
	snprintf(dir, sizeof(dir), "%s/evil-run", tmpdir);
	vb_test_write_run(dir, doc);
	json_decref(doc);
	assert_tools_accept(dir);
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

	rc = fake_run("stall", "cpu.int", "2", "stall@2:4000", dir, sizeof(dir), out, sizeof(out));
	ck_assert_msg(rc == 0, "exit %d, expected 0:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	sc = json_object_get(rep_seq(doc, 2), "stall_check");
	ck_assert_msg(json_is_true(json_object_get(sc, "stalled")), "not flagged: %s",
		      json_dumps(sc, JSON_COMPACT));
	ck_assert_int_ge(json_integer_value(json_object_get(sc, "host_ns")), 4000000000LL);
	ck_assert_str_eq(json_string_value(json_object_get(sc, "agent_time")), "handled_ns");
	ck_assert(json_is_true(json_object_get(rep_seq(doc, 2), "ok")));
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

	tcase_add_checked_fixture(tc, setup, teardown);
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
