/*
 * check_malformed.c - the committed corpus of malformed inputs
 * (tests/fixtures/malformed/, README.md there) through the real binaries
 * and the harness-side stream parser: every input is refused cleanly, with
 * no signal death and no sanitizer report, and the command-line tools say
 * so in exactly one line with exit 2.  Also the inputs too large to commit
 * (lines over the protocol's 1 MiB) and the regression tests of what the
 * fuzzers of fuzz/ found (docs/reliability.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/chan.h"
#include "harness/analysis/plan.h"
#include "lib/util.h"
#include "workloads/agent.h"
#include "tests/tests.h"

#define CORPUS	 "tests/fixtures/malformed"
#define FIXTURE	 "tests/fixtures/run-bare-container.json"
#define MAX_OUT	 (1u << 20)
#define MAX_ARGV 64

static char tmpdir[PATH_MAX], rundir[PATH_MAX], vbench[PATH_MAX], agent[PATH_MAX];

static void setup(void)
{
	char path[PATH_MAX];
	char *doc;

	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_bindir());
	snprintf(tmpdir, sizeof(tmpdir), "/var/tmp/vbench-mtest-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	/* A run directory holding the committed fixture run. */
	snprintf(rundir, sizeof(rundir), "%s/fixture", tmpdir);
	ck_assert_int_eq(vb_mkdir_p(rundir, 0755, NULL), 0);
	snprintf(path, sizeof(path), "%s/%s", vb_test_srcdir(), FIXTURE);
	doc = vb_read_file(path, 1 << 24, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	snprintf(path, sizeof(path), "%s/run.json", rundir);
	ck_assert_int_eq(vb_write_file(path, doc, strlen(doc), NULL), 0);
	free(doc);
}

static void teardown(void)
{
	vb_rm_rf(tmpdir);
}

/* ---- running a binary ---- */

typedef struct outcome {
	int status;	 /* exit code, or 128 + signal */
	int signaled;	 /* killed by a signal */
	char *out, *err; /* stdout and stderr (NUL-terminated, malloc'ed) */
	size_t out_len, err_len;
} outcome_t;

static char *slurp(const char *path, size_t *len)
{
	char *s = vb_read_file(path, MAX_OUT, 0, NULL);

	ck_assert_ptr_nonnull(s);
	*len = strlen(s);
	return s;
}

/* Run @argv with stdin from @in_path (or /dev/null); outputs into @o. */
static void run(char *const argv[], const char *in_path, outcome_t *o)
{
	char so[PATH_MAX], se[PATH_MAX];
	int status, fd;
	pid_t pid;

	snprintf(so, sizeof(so), "%s/.stdout", tmpdir);
	snprintf(se, sizeof(se), "%s/.stderr", tmpdir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open(in_path ? in_path : "/dev/null", O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0)
			_exit(126);
		fd = open(so, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		fd = open(se, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	o->signaled = WIFSIGNALED(status);
	o->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	o->out = slurp(so, &o->out_len);
	o->err = slurp(se, &o->err_len);
}

/* The whole file @path (NUL bytes included) into a malloc'ed buffer, its
 * length in *@len. */
static char *read_bytes(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;
	char *data;

	ck_assert_msg(fd >= 0, "open %s", path);
	*len = (size_t)lseek(fd, 0, SEEK_END);
	data = malloc(*len + 1);
	ck_assert_ptr_nonnull(data);
	got = pread(fd, data, *len, 0);
	close(fd);
	ck_assert_int_eq(got, (ssize_t)*len);
	data[*len] = '\0';
	return data;
}

static void outcome_free(outcome_t *o)
{
	free(o->out);
	free(o->err);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The command-line contract: exit 2, nothing on stdout, one line on stderr,
 * no sanitizer report.  @what names the case. */
static void assert_one_line_refusal(const outcome_t *o, const char *what)
{
	ck_assert_msg(!o->signaled, "%s: killed by signal %d: %s", what, o->status - 128, o->err);
	ck_assert_msg(!strstr(o->err, "Sanitizer") && !strstr(o->err, "runtime error"),
		      "%s: sanitizer report: %s", what, o->err);
	ck_assert_msg(o->status == VB_EXIT_USAGE, "%s: exit %d, expected 2: %s%s", what, o->status,
		      o->out, o->err);
	ck_assert_msg(o->out_len == 0, "%s: printed on stdout: %.300s", what, o->out);
	ck_assert_msg(count_lines(o->err) == 1 && o->err[o->err_len - 1] == '\n',
		      "%s: %zu lines of error text: %.600s", what, count_lines(o->err), o->err);
}

/* Every regular file of corpus directory @sub (sorted), into @names. */
static size_t list_dir(const char *dir, char names[][NAME_MAX + 1], size_t max)
{
	struct dirent **ents;
	int i, n = scandir(dir, &ents, NULL, alphasort);
	size_t k = 0;

	ck_assert_msg(n >= 0, "cannot list %s", dir);
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && strcmp(ents[i]->d_name, "README.md") && k < max)
			snprintf(names[k++], NAME_MAX + 1, "%s", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return k;
}

static char names[128][NAME_MAX + 1];

/* ---- arguments ---- */

/* Decode the escapes of an .args line in place (README.md). */
static void unescape(char *s)
{
	char *w = s;
	unsigned v;

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			*w++ = *s;
			continue;
		}
		s++;
		if (*s == 'n')
			*w++ = '\n';
		else if (*s == 'r')
			*w++ = '\r';
		else if (*s == 't')
			*w++ = '\t';
		else if (*s == 'x' && sscanf(s + 1, "%2x", &v) == 1 && v)
			*w++ = (char)v, s += 2;
		else
			*w++ = *s;
	}
	*w = '\0';
}

/* Replace @RUN@ and @SRC@ in @line into @buf. */
static void expand(const char *line, char *buf, size_t len)
{
	const char *p = line;
	size_t off = 0;

	while (*p && off + 1 < len) {
		if (!strncmp(p, "@RUN@", 5)) {
			off += (size_t)snprintf(buf + off, len - off, "%s", rundir);
			p += 5;
		} else if (!strncmp(p, "@SRC@", 5)) {
			off += (size_t)snprintf(buf + off, len - off, "%s", vb_test_srcdir());
			p += 5;
		} else {
			buf[off++] = *p++;
		}
	}
	buf[off < len ? off : len - 1] = '\0';
}

START_TEST(test_args)
{
	static char args[MAX_ARGV][8192];
	char dir[PATH_MAX], path[PATH_MAX * 2], *text, *line, *save, *argv[MAX_ARGV + 2];
	size_t n, i;
	int argc;
	outcome_t o;

	snprintf(dir, sizeof(dir), "%s/%s/args", vb_test_srcdir(), CORPUS);
	n = list_dir(dir, names, 128);
	ck_assert_uint_ge(n, 20);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = vb_read_file(path, 65536, 0, NULL);
		ck_assert_ptr_nonnull(text);
		argv[0] = vbench;
		argc = 1;
		for (line = strtok_r(text, "\n", &save); line && argc <= MAX_ARGV;
		     line = strtok_r(NULL, "\n", &save)) {
			expand(line, args[argc - 1], sizeof(args[0]));
			unescape(args[argc - 1]);
			argv[argc] = args[argc - 1];
			argc++;
		}
		argv[argc] = NULL;
		free(text);
		run(argv, NULL, &o);
		assert_one_line_refusal(&o, names[i]);
		outcome_free(&o);
	}
}
END_TEST

/* ---- run.json ---- */

START_TEST(test_runjson)
{
	char dir[PATH_MAX], src[PATH_MAX * 2], run_dir[PATH_MAX], dst[PATH_MAX * 2], plan[PATH_MAX],
	    what[NAME_MAX + 32], *doc;
	char *report[] = { vbench, "report", "--quiet", "--no-charts", run_dir, NULL };
	char *explain[] = { vbench, "explain", "--quiet", run_dir, NULL };
	char *compare[] = { vbench, "compare", "--quiet", run_dir, rundir, NULL };
	char *planv[] = { vbench, "plan", "--quiet", "--run", run_dir, plan, NULL };
	char **cmds[] = { report, explain, compare, planv };
	size_t n, i, k, len = 0;
	outcome_t o;

	snprintf(dir, sizeof(dir), "%s/%s/runjson", vb_test_srcdir(), CORPUS);
	snprintf(plan, sizeof(plan), "%s/examples/consolidate.ini", vb_test_srcdir());
	n = list_dir(dir, names, 128);
	ck_assert_uint_ge(n, 20);
	for (i = 0; i < n; i++) {
		snprintf(src, sizeof(src), "%s/%s", dir, names[i]);
		doc = read_bytes(src, &len); /* some hold NUL bytes */
		snprintf(run_dir, sizeof(run_dir), "%s/run-%zu", tmpdir, i);
		ck_assert_int_eq(vb_mkdir_p(run_dir, 0755, NULL), 0);
		snprintf(dst, sizeof(dst), "%s/run.json", run_dir);
		ck_assert_int_eq(vb_write_file(dst, doc, len, NULL), 0);
		free(doc);
		for (k = 0; k < VB_ARRAY_SIZE(cmds); k++) {
			snprintf(what, sizeof(what), "%s %s", cmds[k][1], names[i]);
			run(cmds[k], NULL, &o);
			assert_one_line_refusal(&o, what);
			outcome_free(&o);
		}
	}
}
END_TEST

/* ---- plan files ---- */

static size_t plans_in(const char *sub)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	char *argv[] = { vbench, "plan", "--quiet", "--run", rundir, path, NULL };
	size_t n, i, done = 0;
	outcome_t o;

	snprintf(dir, sizeof(dir), "%s/%s", vb_test_srcdir(), sub);
	n = list_dir(dir, names, 128);
	for (i = 0; i < n; i++) {
		if (!strstr(names[i], ".ini"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		run(argv, NULL, &o);
		assert_one_line_refusal(&o, names[i]);
		outcome_free(&o);
		done++;
	}
	return done;
}

START_TEST(test_plans)
{
	ck_assert_uint_ge(plans_in(CORPUS "/plans"), 10);
	ck_assert_uint_ge(plans_in("tests/fixtures/plans"), 20);
}
END_TEST

/* ---- requests to the agent ---- */

/* vbench-agent serve with @in_path as stdin: a ready line, then one reply
 * per request line, none of them a success; nothing on stderr. */
static void serve(const char *in_path, const char *what, size_t nreq)
{
	char *argv[] = { agent, "serve", NULL };
	char *line, *save = NULL;
	size_t n = 0;
	json_t *msg;
	outcome_t o;

	run(argv, in_path, &o);
	ck_assert_msg(!o.signaled && o.status == 0, "%s: agent exit %d: %s", what, o.status, o.err);
	ck_assert_msg(o.err_len == 0, "%s: agent stderr: %.600s", what, o.err);
	for (line = strtok_r(o.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		msg = json_loads(line, 0, NULL);
		ck_assert_msg(msg, "%s: reply %zu is not JSON: %.200s", what, n, line);
		if (n == 0)
			ck_assert_str_eq(json_string_value(json_object_get(msg, "type")), "ready");
		else
			ck_assert_msg(!json_is_true(json_object_get(msg, "ok")) &&
					  (json_is_string(json_object_get(msg, "error"))),
				      "%s: reply %zu is not a refusal: %.300s", what, n, line);
		json_decref(msg);
	}
	ck_assert_msg(n == nreq + 1, "%s: %zu replies to %zu requests", what, n - 1, nreq);
	outcome_free(&o);
}

START_TEST(test_agent_requests)
{
	char dir[PATH_MAX], path[PATH_MAX * 2], *text;
	size_t n, i, len, nreq, k;

	snprintf(dir, sizeof(dir), "%s/%s/agent", vb_test_srcdir(), CORPUS);
	n = list_dir(dir, names, 128);
	ck_assert_uint_ge(n, 10);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = read_bytes(path, &len);
		/* Requests: lines, the last one also without a newline. */
		for (nreq = 0, k = 0; k < len; k++)
			nreq += text[k] == '\n';
		nreq += len && text[len - 1] != '\n';
		free(text);
		serve(path, names[i], nreq);
	}
}
END_TEST

/* A request line over VB_AGENT_MAX_LINE: one refusal, and the next request
 * is still answered. */
START_TEST(test_agent_oversized)
{
	char path[PATH_MAX];
	size_t len = VB_AGENT_MAX_LINE + 4096;
	char *big = malloc(len + 32);

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', len);
	memcpy(big, "{\"op\":\"", 7);
	snprintf(big + len, 32, "\"}\n{\"op\":\"x\"}\n");
	snprintf(path, sizeof(path), "%s/oversized.txt", tmpdir);
	ck_assert_int_eq(vb_write_file(path, big, strlen(big), NULL), 0);
	free(big);
	serve(path, "oversized request", 2);
}
END_TEST

/* ---- what a guest sends back ---- */

/* A channel reading @data as an agent's output (a child writes it, then
 * ends the stream); requests go to /dev/null.  The writer's PID in *@pid. */
static void chan_with(vb_chan_t *ch, const char *data, size_t len, pid_t *pidp)
{
	int p[2], devnull;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork(); /* the "guest": writes, then ends the stream */
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		for (; len; data += n, len -= (size_t)n)
			if ((n = write(p[1], data, len)) <= 0)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(devnull, 0);
	vb_chan_init_fds(ch, "guest", devnull, p[0]);
	*pidp = pid;
}

/* Close @ch (a writer still going gets EPIPE) and reap its writer @pid. */
static void chan_done(vb_chan_t *ch, pid_t pid)
{
	int status;

	vb_chan_close(ch, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
}

/* Request @id of workload cpu.int on @ch, as the runner sends it. */
static json_t *call_id(vb_chan_t *ch, int id, vb_error_t *err)
{
	json_t *req = json_pack("{s:s,s:i,s:s}", "op", "run", "id", id, "workload", "cpu.int"), *o;

	vb_error_clear(err);
	o = vb_chan_call(ch, req, "result", 5000, err);
	json_decref(req);
	return o;
}

/* Feed @data into a channel as an agent's output and call for result 1. */
static json_t *call_with(const char *data, size_t len, vb_error_t *err)
{
	vb_chan_t ch;
	json_t *o;
	pid_t pid;

	chan_with(&ch, data, len, &pid);
	o = call_id(&ch, 1, err);
	chan_done(&ch, pid);
	return o;
}

static void assert_stream_refused(const char *data, size_t len, const char *what)
{
	vb_error_t err;
	json_t *o = call_with(data, len, &err);

	ck_assert_msg(!o, "%s: accepted: %s", what, json_dumps(o, JSON_COMPACT));
	ck_assert_msg(err.code == VB_EPROTO || err.code == VB_ESYS, "%s: error %s: %s", what,
		      vb_error_code_name(err.code), err.msg);
	ck_assert_msg(err.msg[0] && !strpbrk(err.msg, "\r\n"), "%s: message '%s'", what, err.msg);
}

START_TEST(test_stream)
{
	char dir[PATH_MAX], path[PATH_MAX * 2], *data;
	size_t n, i, len;

	snprintf(dir, sizeof(dir), "%s/%s/stream", vb_test_srcdir(), CORPUS);
	n = list_dir(dir, names, 128);
	ck_assert_uint_ge(n, 10);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		data = read_bytes(path, &len);
		assert_stream_refused(data, len, names[i]);
		free(data);
	}
	/* A well-formed result passes, so the refusals above are not blanket. */
	{
		static const char good[] =
		    "{\"type\":\"result\",\"id\":1,\"workload\":\"cpu.int\",\"ok\":true,"
		    "\"elapsed_ns\":5,\"ops\":1,"
		    "\"metrics\":{\"mops\":1.5},\"counters\":{\"A\":{\"value\":3},"
		    "\"B\":{\"available\":false,\"reason\":\"no PMU\"}}}\n";
		vb_error_t err;
		json_t *o = call_with(good, strlen(good), &err);

		ck_assert_msg(o, "%s", err.msg);
		json_decref(o);
	}
}
END_TEST

/*
 * A result sent twice (issue #11, case 5): the first answers request 1;
 * the copy, read when request 2 is in flight, is a protocol error naming
 * both, never request 2's result; and the channel reads nothing more
 * (its stream is out of step), even request 2's real answer.
 */
START_TEST(test_stream_duplicate_result)
{
	static const char twice[] =
	    "{\"type\":\"result\",\"id\":1,\"workload\":\"cpu.int\",\"ok\":true,"
	    "\"elapsed_ns\":5,\"ops\":1,\"metrics\":{\"mops\":1}}\n"
	    "{\"type\":\"result\",\"id\":1,\"workload\":\"cpu.int\",\"ok\":true,"
	    "\"elapsed_ns\":5,\"ops\":1,\"metrics\":{\"mops\":1}}\n"
	    "{\"type\":\"result\",\"id\":2,\"workload\":\"cpu.int\",\"ok\":true,"
	    "\"elapsed_ns\":5,\"ops\":1,\"metrics\":{\"mops\":2}}\n";
	vb_error_t err;
	vb_chan_t ch;
	json_t *o;
	pid_t pid;

	chan_with(&ch, twice, strlen(twice), &pid);
	o = call_id(&ch, 1, &err);
	ck_assert_msg(o, "%s", err.msg);
	json_decref(o);
	o = call_id(&ch, 2, &err);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(err.code, VB_EPROTO);
	ck_assert_str_eq(err.msg, "guest: reply out of step: expected the reply to request 2 "
				  "(cpu.int), got one for request 1 (cpu.int)");
	ck_assert(ch.broken);
	o = call_id(&ch, 3, &err);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(err.code, VB_EPROTO);
	ck_assert_ptr_nonnull(strstr(err.msg, "out of step since an earlier protocol error"));
	chan_done(&ch, pid);
}
END_TEST

START_TEST(test_stream_oversized)
{
	size_t len = VB_AGENT_MAX_LINE + 100;
	char *big = malloc(len);

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', len);
	big[0] = '{';
	big[len - 1] = '\n';
	assert_stream_refused(big, len, "oversized line");
	free(big);
}
END_TEST

/* ---- what the fuzzers found (docs/reliability.md) ---- */

/* fuzz_plan, first input: an empty plan file was accepted with no service
 * (the error "no [service NAME] section" was recorded on line 0, and line 0
 * meant "no error"); `vbench plan` printed an empty plan, then the error. */
START_TEST(test_fuzz_plan_empty)
{
	static vb_plan_input_t in;
	vb_error_t err;

	vb_error_clear(&err);
	ck_assert_int_eq(vb_plan_parse("empty.ini", "", &in, &err), -1);
	ck_assert_str_eq(err.msg, "empty.ini:1: no [service NAME] or [recovery] section: nothing to plan");
	ck_assert_int_eq(vb_plan_parse("blank.ini", "\n\n; nothing\n", &in, &err), -1);
	ck_assert_str_eq(err.msg, "blank.ini:3: no [service NAME] or [recovery] section: nothing to plan");
}
END_TEST

Suite *vb_suite_malformed(void)
{
	Suite *s = suite_create("malformed");
	TCase *tc = tcase_create("corpus");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_args);
	tcase_add_test(tc, test_runjson);
	tcase_add_test(tc, test_plans);
	tcase_add_test(tc, test_agent_requests);
	tcase_add_test(tc, test_agent_oversized);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_stream_oversized);
	tcase_add_test(tc, test_stream_duplicate_result);
	suite_add_tcase(s, tc);
	tc = tcase_create("fuzz-regressions");
	tcase_add_test(tc, test_fuzz_plan_empty);
	suite_add_tcase(s, tc);
	return s;
}
