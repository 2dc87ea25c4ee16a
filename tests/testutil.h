/*
 * testutil.h - what the suites share: a private temporary directory, the
 * real vbench (or another program) run with its output captured, run.json
 * loaded and validated, fixtures and golden files, and the check that a
 * vbench process left nothing behind (debris.h).  Every function asserts
 * with Check on a failure of its own, so it is for test bodies and checked
 * fixtures only.
 */
#ifndef VB_TESTUTIL_H
#define VB_TESTUTIL_H

#include <check.h>
#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "tests/debris.h"

/* ---- the private directory ---------------------------------------------- */

/* Make /var/tmp/vbench-<@tag>-XXXXXX into @dir; 0, or -1 with @dir "". */
int vb_test_mkdtemp(char *dir, size_t len, const char *tag);

/* Remove @dir and everything in it, if it was made; @dir becomes "". */
void vb_test_rmdtemp(char *dir);

/* @tmpdir/@name made (with parents) into @buf; returns @buf. */
const char *vb_test_subdir(const char *tmpdir, const char *name, char *buf, size_t len);

/* @root/@test made (a test's own directory under its case's root) into @dir. */
void vb_test_case_dir(char *dir, size_t len, const char *root, const char *test);

/* @dir/@rel made as a run directory holding fixture @fixture (a path under
 * the source tree) as its run.json; the path into @buf, returned. */
char *vb_test_fixture_run(char *buf, size_t len, const char *dir, const char *rel,
			  const char *fixture);

/* Write @len bytes to @dir/@rel (@rel "": to @dir itself), making parents. */
void vb_test_put(const char *dir, const char *rel, const void *data, size_t len);

/* The same for the string @text. */
void vb_test_put_text(const char *dir, const char *rel, const char *text);

/* Fail unless the file @path exists and holds exactly @text. */
void vb_test_assert_content(const char *path, const char *text);

/* The entries of directory @dir besides "." and "..". */
int vb_test_entries(const char *dir);

/* ---- programs ------------------------------------------------------------- */

/*
 * Run @argv (argv[0] absolute) with "K=V" @env_kv set (NULL: none), its
 * stdout and stderr together into @out (NUL-terminated, at most @outlen-1
 * bytes).  Its PID into *@pidp (may be NULL): the vbench whose debris to
 * look for.  Returns the exit status, or 128+N when signal N ended it.
 */
int vb_test_run(char *const argv[], const char *env_kv, char *out, size_t outlen, pid_t *pidp);

/* The same in directory @cwd (NULL: this one). */
int vb_test_run_in(const char *cwd, char *const argv[], const char *env_kv, char *out,
		   size_t outlen, pid_t *pidp);

/* python3 scripts/@script --root @root [--allow @allow] (a check of the
 * tree: check-layers.py, check-prefixes.py), its output into @out.
 * Returns its exit status. */
int vb_test_script(const char *script, const char *root, const char *allow, char *out,
		   size_t len);

/* The same with @listed written to @root/allow.txt as its allow file. */
int vb_test_script_listed(const char *script, const char *root, const char *listed, char *out,
			  size_t len);

/*
 * Run the vbench under test (vb_test_bindir()) with the NULL-terminated
 * arguments that follow (at most 30), in directory @cwd (NULL: this one);
 * stdout and stderr apart into malloc'ed strings the caller frees.
 * Returns the exit status, or 128+N.
 */
int vb_test_vbench(const char *cwd, char **out, char **errout, ...);

/*
 * The lying test agent (tests/fake_agent.c), built next to the test runner,
 * into @buf; VBENCH_FAKE_AGENT is set in this process's environment to the
 * real agent under test, so the vbench runs this test starts pass it on.
 */
const char *vb_test_fake_agent(char *buf, size_t len);

/*
 * Why environment @env cannot run on this host (its backend's probe, as
 * `vbench run` asks it, with the agent under test), into @why; NULL when
 * it can.  For the tests that skip an environment the machine lacks.
 */
const char *vb_test_env_unavailable(const char *env, char *why, size_t len);
/* Whether the docker daemon that answers has experimental features (its
 * checkpoint; make test's private daemon has them). */
int vb_test_docker_experimental(void);
/* The same with its option @opt set to @value first (NULL: none). */
const char *vb_test_env_unavailable_with(const char *env, const char *opt, const char *value,
					 char *why, size_t len);

/* Start @argv in the background, output discarded, "K=V" @env_kv set. */
pid_t vb_test_spawn(char *const argv[], const char *env_kv);

/*
 * Start @argv in the background with the "K=V" strings of the NULL-terminated
 * @env_kv set (NULL: none) and VBENCH_TEST_STOP_AT removed unless given
 * there, stdout discarded, stderr appended to @log (NULL: discarded).
 */
pid_t vb_test_spawn_log(char *const argv[], const char *const *env_kv, const char *log);

/*
 * Wait up to @ms for @pid to stop (a test point's SIGSTOP, testpoint.h):
 * 1 when it did, 0 when it exited or the time ran out (@pid is then
 * killed and reaped).
 */
int vb_test_wait_stopped(pid_t pid, int ms);

/* Reap @pid (asserting it is ours); its exit status, or 256+N when signal N
 * ended it (never taken for an exit 128+N). */
int vb_test_reap(pid_t pid);

/* Wait up to @timeout_ms until @dir/run.json holds @n repetitions: 1, else 0. */
int vb_test_wait_reps(const char *dir, size_t n, int timeout_ms);

/*
 * A refusal of bad input by vb_test_vbench's @rc, @out, @err: exit 2,
 * nothing on stdout, exactly one line on stderr naming @a and @b (NULL: no
 * second).  Frees @out and @err.
 */
void vb_test_expect_refusal(int rc, char *out, char *err, const char *a, const char *b);

/* Fold every run of white space in @s, line breaks included, into one
 * space, in place: wrapped text (a command's --help) searched for a phrase. */
void vb_test_fold_spaces(char *s);

/* No line of @s (@what names it in the failure) is wider than @width
 * columns, counted as UTF-8 characters; a terminal's output may be given
 * (\r ends a line too, a line's leading "\033[K" erase is not counted). */
void vb_test_assert_fits(const char *s, size_t width, const char *what);

/*
 * Interrupt spawned vbench @pid writing @dir: once run.json holds @min
 * repetitions (waited for up to 30 s), SIGINT.  It must exit 130, leaving
 * run.json "interrupted" with @min or more and fewer than @max
 * repetitions, all ok when @all_ok.  Returns the document (caller decrefs).
 */
json_t *vb_test_sigint_run(pid_t pid, const char *dir, size_t min, size_t max, int all_ok);

/* ---- run.json -------------------------------------------------------------- */

/* Validate @path with scripts/validate-run.py; its output into @out; exit status. */
int vb_test_validate(const char *path, char *out, size_t outlen);

/* @dir/run.json, validated first when @validate (the validator's words on failure). */
json_t *vb_test_load_run(const char *dir, int validate);

/* The record of environment @name in run document @doc, NULL when absent. */
json_t *vb_test_env_rec(json_t *doc, const char *name);

/* ---- fixtures and golden files ----------------------------------------------- */

/* The run document at @rel in the source tree, through vb_runfile_load. */
json_t *vb_test_load_fixture(const char *rel);

/* The summary of @run with the default configuration (caller decrefs). */
json_t *vb_test_summarize(const json_t *run);

/*
 * tests/fixtures/run-bare-container.json grown to every virtualization
 * type: oci (a container) and hosted (a hosted VM) measured, copies of the
 * container's record and repetitions; docker and kvm unavailable with a
 * reason ("docker: no daemon", "kvm: no /dev/kvm here").  Caller decrefs.
 */
json_t *vb_test_run_all_types(void);

/* The length of the longest line of @s (without its line end). */
size_t vb_test_longest_line(const char *s);

/* Write @doc as @dir/run.json, making @dir. */
void vb_test_write_run(const char *dir, const json_t *doc);

/* @dir/@name's content, at most @max bytes (caller frees); NULL if missing. */
char *vb_test_read_text(const char *dir, const char *name, size_t max);

/*
 * Compare @got (@len bytes) with tests/fixtures/golden/@name; on a
 * difference keep @got in build/@name.actual and fail naming the first
 * differing line.
 */
void vb_test_compare_golden(const char *name, const char *got, size_t len);

/*
 * Open @url in headless Chromium with a window @width x 1000 px and its
 * DOM after the page loaded (scripts run) into @dom; the profile in a
 * temporary directory under @tmpdir, removed.  Skips the test (VB_SKIP)
 * when chromium is not installed; fails when it does not exit 0.
 */
void vb_test_chromium_dom(const char *tmpdir, const char *url, int width, char *dom, size_t len);

/* ---- debris ------------------------------------------------------------------- */

/*
 * Fail when vbench @pid left anything (vb_test_debris: process, cgroup,
 * mount, temporary file or directory, marker, container), naming it and
 * @log (the run's output or where its log is; NULL: none).  A macro, so
 * that the failure is reported at the caller's line.
 */
#define VB_ASSERT_NO_DEBRIS(pid, log)                                                  \
	do {                                                                           \
		const char *log_ = (log);                                              \
		char why_[1024];                                                       \
                                                                                       \
		ck_assert_int_gt((pid), 0);                                            \
		if (vb_test_debris((pid), why_, sizeof(why_)))                         \
			ck_abort_msg("vbench %d: %s%s%s", (int)(pid), why_,            \
				     log_ ? "; log: " : "", log_ ? log_ : "");         \
	} while (0)

#endif
