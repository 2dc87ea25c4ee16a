/*
 * hostiletest.h - what the suites that run the real vbench against a lying
 * agent share (check_hostile.c: replies matched to requests, bounds,
 * untrusted text; check_protocol.c: the protocol's version, refusals, what
 * a stored result keeps).  The agent is tests/fake_agent.c, driven by
 * VBENCH_FAKE.  Every function asserts with Check, so it is for test
 * bodies and checked fixtures only.
 */
#ifndef VB_HOSTILETEST_H
#define VB_HOSTILETEST_H

#include <check.h>
#include <jansson.h>
#include <limits.h>
#include <stddef.h>

extern char vb_hostiletest_dir[PATH_MAX]; /* the test's private directory */

/* Checked fixture: the private directory made, the fake agent found (and
 * VBENCH_FAKE_AGENT set to the real agent); the teardown removes it. */
void vb_hostiletest_setup(void);
void vb_hostiletest_teardown(void);

/*
 * 1 when @s holds nothing a terminal would act on: no control character
 * but the line feed, no DEL, no C1 control, no bidirectional override, no
 * invalid UTF-8.  Else 0 with the offset in *@at.
 */
int vb_hostiletest_terminal_safe(const char *s, size_t *at);

#define VB_ASSERT_TERMINAL_SAFE(text, what)                                                        \
	do {                                                                                       \
		size_t at_ = 0;                                                                    \
		const char *t_ = (text);                                                           \
		ck_assert_msg(vb_hostiletest_terminal_safe(t_, &at_),                              \
			      "%s: raw control text at %zu: %.80s", (what), at_,                   \
			      t_ + (at_ > 20 ? at_ - 20 : 0));                                     \
	} while (0)

/* Every Markdown table of @md has as many cells in each row as in its
 * header; no raw HTML tag from the run; terminal-safe. */
void vb_hostiletest_markdown_safe(const char *md, const char *what);

/*
 * `vbench run --env bare` of @wls x @reps with the lying agent doing
 * @actions (VBENCH_FAKE), into the private directory's @name (into @dir);
 * its output (both streams) in @out.  Asserts that it left nothing behind.
 * Returns its exit status.
 */
int vb_hostiletest_run(const char *name, const char *wls, const char *reps, const char *actions,
		       char *dir, size_t dlen, char *out, size_t outlen);

/* The repetition with seq @seq of @doc (asserts it exists). */
json_t *vb_hostiletest_rep(json_t *doc, json_int_t seq);

/* Repetition @seq failed with error_kind @kind, its error naming @a and @b
 * (NULL: no second), no result kept. */
void vb_hostiletest_rep_failed(json_t *doc, json_int_t seq, const char *kind, const char *a,
			       const char *b);

/* Every successful repetition holds its own workload's result: the reply's
 * workload and the workload's metrics.  Returns how many succeeded. */
size_t vb_hostiletest_filed(json_t *doc);

/* `vbench report`, `explain`, `compare DIR DIR` and `plan` work on @dir and
 * print nothing a terminal would act on; report.md and explain.md are safe
 * Markdown, summary.csv has RFC 4180 line ends. */
void vb_hostiletest_tools_accept(const char *dir);

#endif
