/*
 * hostiletest.c - what the lying-agent suites share (hostiletest.h): a
 * private directory, `vbench run` with tests/fake_agent.c, the repetitions
 * of its run.json, and the checks that nothing a terminal or a Markdown
 * viewer would act on came out and that every tool still reads the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/hostiletest.h"
#include "tests/tests.h"
#include "tests/testutil.h"

char vb_hostiletest_dir[PATH_MAX];
static char vbench[PATH_MAX], fake[PATH_MAX];

void vb_hostiletest_setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	vb_test_fake_agent(fake, sizeof(fake));
	ck_assert_int_eq(vb_test_mkdtemp(vb_hostiletest_dir, sizeof(vb_hostiletest_dir), "hostile"),
			 0);
}

void vb_hostiletest_teardown(void)
{
	vb_test_rmdtemp(vb_hostiletest_dir);
}

/* ---- what may reach a terminal or a Markdown file ---- */

int vb_hostiletest_terminal_safe(const char *s, size_t *at)
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

void vb_hostiletest_markdown_safe(const char *md, const char *what)
{
	const char *line = md, *nl;
	size_t head = 0, len, n;

	VB_ASSERT_TERMINAL_SAFE(md, what);
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

int vb_hostiletest_run(const char *name, const char *wls, const char *reps, const char *actions,
		       char *dir, size_t dlen, char *out, size_t outlen)
{
	char *argv[] = { vbench,      "run",	   "--env", "bare",   "--workload",
			 (char *)wls, "--profile", "test",  "--reps", (char *)reps,
			 "--agent",   fake,	   "--out", dir,      NULL };
	static char env[256];
	pid_t pid;
	int rc;

	snprintf(dir, dlen, "%s/%s", vb_hostiletest_dir, name);
	snprintf(env, sizeof(env), "VBENCH_FAKE=%s", actions);
	rc = vb_test_run(argv, env, out, outlen, &pid);
	VB_ASSERT_NO_DEBRIS(pid, out);
	return rc;
}

json_t *vb_hostiletest_rep(json_t *doc, json_int_t seq)
{
	json_t *r;
	size_t i;

	json_array_foreach (json_object_get(doc, "repetitions"), i, r)
		if (json_integer_value(json_object_get(r, "seq")) == seq)
			return r;
	ck_abort_msg("no repetition with seq %lld", (long long)seq);
	return NULL;
}

void vb_hostiletest_rep_failed(json_t *doc, json_int_t seq, const char *kind, const char *a,
			       const char *b)
{
	json_t *r = vb_hostiletest_rep(doc, seq);
	const char *e = json_string_value(json_object_get(r, "error"));

	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert_ptr_null(json_object_get(r, "result"));
	ck_assert_str_eq(json_string_value(json_object_get(r, "error_kind")), kind);
	ck_assert_msg(e && strstr(e, a) && (!b || strstr(e, b)), "seq %lld: error '%s' lacks '%s'",
		      (long long)seq, e ? e : "(none)", a);
}

size_t vb_hostiletest_filed(json_t *doc)
{
	json_t *r, *w, *m;
	const char *wl;
	size_t i, j, k, ok = 0;

	json_array_foreach (json_object_get(doc, "repetitions"), i, r) {
		if (!json_is_true(json_object_get(r, "ok")))
			continue;
		ok++;
		wl = json_string_value(json_object_get(r, "workload"));
		ck_assert_str_eq(
		    json_string_value(json_object_get(json_object_get(r, "result"), "workload")),
		    wl);
		json_array_foreach (json_object_get(doc, "workloads"), j, w) {
			if (strcmp(json_string_value(json_object_get(w, "name")), wl))
				continue;
			json_array_foreach (json_object_get(w, "metrics"), k, m)
				ck_assert_msg(
				    json_object_get(
					json_object_get(json_object_get(r, "result"), "metrics"),
					json_string_value(json_object_get(m, "name"))),
				    "seq %lld (%s) lacks metric %s",
				    (long long)json_integer_value(json_object_get(r, "seq")), wl,
				    json_string_value(json_object_get(m, "name")));
		}
	}
	return ok;
}

void vb_hostiletest_tools_accept(const char *dir)
{
	char plan[PATH_MAX], *out, *err, *md;
	int rc;

	snprintf(plan, sizeof(plan), "%s/plan.ini", vb_hostiletest_dir);
	vb_test_put_text(vb_hostiletest_dir, "plan.ini",
			 "[host]\ncpus = 16\nmemory = 64G\ndisk = 2T\n"
			 "[service web]\ncpu = 2\nmemory = 4G\ndisk = 10G\n");
	rc = vb_test_vbench(NULL, &out, &err, "report", "--no-charts", dir, NULL);
	ck_assert_msg(rc == 0, "report: exit %d: %s", rc, err);
	VB_ASSERT_TERMINAL_SAFE(out, "report");
	VB_ASSERT_TERMINAL_SAFE(err, "report stderr");
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "explain", dir, NULL);
	ck_assert_msg(rc == 0, "explain: exit %d: %s", rc, err);
	VB_ASSERT_TERMINAL_SAFE(out, "explain");
	free(out);
	free(err);
	/* one repetition: --allow-few, the verdicts are not what is tested here */
	rc = vb_test_vbench(NULL, &out, &err, "compare", "--allow-few", dir, dir, NULL);
	ck_assert_msg(rc == 0, "compare: exit %d: %s", rc, err);
	VB_ASSERT_TERMINAL_SAFE(out, "compare");
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", dir, plan, NULL);
	ck_assert_msg(rc == 0, "plan: exit %d: %s", rc, err);
	VB_ASSERT_TERMINAL_SAFE(out, "plan");
	free(out);
	free(err);
	md = vb_test_read_text(dir, "report.md", 1 << 24);
	ck_assert_ptr_nonnull(md);
	vb_hostiletest_markdown_safe(md, "report.md");
	free(md);
	md = vb_test_read_text(dir, "explain.md", 1 << 24);
	ck_assert_ptr_nonnull(md);
	vb_hostiletest_markdown_safe(md, "explain.md");
	free(md);
	/* summary.csv: RFC 4180 line ends, nothing else a terminal acts on */
	md = vb_test_read_text(dir, "summary.csv", 1 << 24);
	ck_assert_ptr_nonnull(md);
	for (char *p = md; (p = strchr(p, '\r')) != NULL; *p = '\n')
		ck_assert_msg(p[1] == '\n', "summary.csv: a CR that does not end a row");
	VB_ASSERT_TERMINAL_SAFE(md, "summary.csv");
	free(md);
}
