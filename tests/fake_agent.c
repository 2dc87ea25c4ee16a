/*
 * fake_agent.c - a lying agent for the tests, never installed.  It runs the
 * real vbench-agent (VBENCH_FAKE_AGENT names it) as its child with the same
 * arguments, passes every request through to it and every reply back, and
 * on the way injects or rewrites lines as VBENCH_FAKE says: a guest or
 * container that misbehaves, reproducibly.  The tests give it to the real
 * vbench with `vbench run --env bare --agent build/fake-agent`.
 *
 * VBENCH_FAKE is a comma-separated list of actions.  ACTION@N applies to
 * the reply to the request with id N (a measured repetition's seq, 1 to
 * the number of slots; calibration requests have negative ids):
 *
 *   dup@N        send the reply twice
 *   wrongid@N    the reply with id N + 1000
 *   wrongwl@N    the reply naming another workload
 *   deep@N       an extra field "x" nested 2046 arrays deep in the reply
 *   longerr@N    a failed result whose error is 5000 bytes long
 *   wide@N       the reply's metrics with 2000 members
 *   evilerr@N    a failed result whose error holds ESC, BEL, newlines, '|',
 *                '<script>', a C1 control and a bidi override
 *   stall@N      the reply held back 2500 ms (stall@N:MS for another time)
 *   bloat@N      the result with big extra fields, each within the bounds:
 *                "x" (300 arrays of 1000 zeros, 26 levels deep: ~600 KB),
 *                1000 metrics the workload does not declare, 500 counters
 *                not asked for, a "junk" member in every counter, "params"
 *                and "detail" with extra members
 *   bigdetail@N  the result's detail holding 60 strings of 4000 bytes
 *   refuse@N     an "error" reply with the request's id (a refusal, in
 *                step) in place of the result; its text holds a bidi
 *                override and a C1 control
 *   badport@N    a network workload's "listening" message naming port
 *                70000, no TCP port (the harness must refuse it before its
 *                client connects anywhere)
 *
 * and, without @N, "evilcs": the ready message's facts.clocksource, and the
 * facts reply's, hold such text (two different strings); "protocol:P": the
 * ready message says protocol P ("protocol:none": no protocol member).
 * "failstart@N" makes the Nth start of the agent fail (it exits before its
 * ready message), the starts counted in the file VBENCH_FAKE_COUNT names.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ACTIONS 16
#define LINE_MAX_BYTES (2u << 20)

/* Text no terminal or Markdown file should receive raw. */
#define EVIL "\x1b[31mred\x1b[0m\x07 bell\nsecond line | cell <script>alert(1)</script> " \
	     "\xc2\x9b C1 \xe2\x80\xae bidi"
#define EVIL_CS "tsc\x1b]0;pwned\x07\n|<b>x</b>"
#define EVIL_CS2 "hpet\x1b[2J\r|<i>y</i>"

typedef struct action {
	char what[16];
	long long id;
	long ms;
} action_t;

static action_t actions[MAX_ACTIONS];
static size_t nactions;
static int evil_cs;
static const char *protocol; /* "protocol:P": the ready message's, rewritten */

static void parse_actions(const char *spec)
{
	char buf[512], *tok, *save = NULL, *at;

	snprintf(buf, sizeof(buf), "%s", spec ? spec : "");
	for (tok = strtok_r(buf, ",", &save); tok && nactions < MAX_ACTIONS;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "evilcs")) {
			evil_cs = 1;
			continue;
		}
		if (!strncmp(tok, "protocol:", 9)) {
			protocol = strdup(tok + 9);
			continue;
		}
		at = strchr(tok, '@');
		if (!at)
			continue;
		*at = '\0';
		snprintf(actions[nactions].what, sizeof(actions[0].what), "%s", tok);
		actions[nactions].id = strtoll(at + 1, &at, 10);
		actions[nactions].ms = *at == ':' ? strtol(at + 1, NULL, 10) : 2500;
		nactions++;
	}
}

/* The action for the reply with id @id, or NULL. */
static const action_t *action_for(long long id)
{
	size_t i;

	for (i = 0; i < nactions; i++)
		if (actions[i].id == id)
			return &actions[i];
	return NULL;
}

static void write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			exit(3);
		s += w;
		n -= (size_t)w;
	}
}

/* @o as a line on stdout, with @extra inserted before its closing brace. */
static void emit(const json_t *o, const char *extra)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	size_t n;

	if (!s)
		exit(3);
	n = strlen(s);
	write_all(1, s, n - 1);
	if (extra)
		write_all(1, extra, strlen(extra));
	write_all(1, "}\n", 2);
	free(s);
}

/* A failed result answering @o's request, with @error. */
static json_t *failed(const json_t *o, const char *error)
{
	return json_pack("{s:s,s:O?,s:O?,s:b,s:s,s:s}", "type", "result", "id",
			 json_object_get(o, "id"), "workload", json_object_get(o, "workload"),
			 "ok", 0, "error", error, "error_kind", "check");
}

/* ",\"x\":[[[...]]]" nested @depth deep (malloc'ed). */
static char *deep_field(size_t depth)
{
	char *s = malloc(2 * depth + 8), *p = s;
	size_t i;

	if (!s)
		exit(3);
	p += sprintf(p, ",\"x\":");
	for (i = 0; i < depth; i++)
		*p++ = '[';
	for (i = 0; i < depth; i++)
		*p++ = ']';
	*p = '\0';
	return s;
}

/* @o (a result) with big extra fields, each within the protocol's bounds. */
static void bloat(json_t *o)
{
	json_t *m = json_object_get(o, "metrics"), *c = json_object_get(o, "counters");
	json_t *x = json_array(), *v, *d;
	const char *key;
	char k[32];
	int i, j;

	for (i = 0; i < 300; i++) {
		json_t *zeros = json_array();

		for (j = 0; j < 1000; j++)
			json_array_append_new(zeros, json_integer(0));
		json_array_append_new(x, zeros);
	}
	for (i = 0; i < 23; i++) { /* with the message and x's arrays: 26 deep */
		v = json_array();
		json_array_append_new(v, x);
		x = v;
	}
	json_object_set_new(o, "x", x);
	json_object_foreach(c, key, v)
		json_object_set_new(v, "junk", json_string("counter junk"));
	for (i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "undeclared%d", i);
		json_object_set_new(m, k, json_real(i));
	}
	for (i = 0; i < 500; i++) {
		snprintf(k, sizeof(k), "NOT_ASKED_%d", i);
		json_object_set_new(c, k, json_pack("{s:i,s:s}", "value", i, "source", "papi"));
	}
	json_object_set_new(json_object_get(o, "params"), "extra", json_string("param junk"));
	d = json_object_get(o, "detail");
	if (json_is_object(d))
		json_object_set_new(d, "extra", json_string("detail junk"));
}

/* @o's detail holding 60 strings of 4000 bytes (240 KB, each in bounds). */
static void big_detail(json_t *o)
{
	json_t *d = json_object();
	char k[16], *v = malloc(4001);
	int i;

	if (!v)
		exit(3);
	memset(v, 'd', 4000);
	v[4000] = '\0';
	for (i = 0; i < 60; i++) {
		snprintf(k, sizeof(k), "s%d", i);
		json_object_set_new(d, k, json_string(v));
	}
	free(v);
	json_object_set_new(o, "detail", d);
}

static void apply(json_t *o, const action_t *a)
{
	const char *w = json_string_value(json_object_get(o, "workload"));
	struct timespec ts;
	json_t *m, *f;
	char *extra;
	int i;

	if (!strcmp(a->what, "dup")) {
		emit(o, NULL);
		emit(o, NULL);
	} else if (!strcmp(a->what, "wrongid")) {
		json_object_set_new(o, "id", json_integer(a->id + 1000));
		emit(o, NULL);
	} else if (!strcmp(a->what, "wrongwl")) {
		json_object_set_new(o, "workload",
				    json_string(w && !strcmp(w, "mem.stream") ? "cpu.int"
									      : "mem.stream"));
		emit(o, NULL);
	} else if (!strcmp(a->what, "deep")) {
		extra = deep_field(2046);
		emit(o, extra);
		free(extra);
	} else if (!strcmp(a->what, "longerr")) {
		extra = malloc(5001);
		memset(extra, 'e', 5000);
		extra[5000] = '\0';
		f = failed(o, extra);
		emit(f, NULL);
		json_decref(f);
		free(extra);
	} else if (!strcmp(a->what, "wide")) {
		m = json_object();
		for (i = 0; i < 2000; i++) {
			char k[16];

			snprintf(k, sizeof(k), "m%d", i);
			json_object_set_new(m, k, json_real(i));
		}
		json_object_set_new(o, "metrics", m);
		emit(o, NULL);
	} else if (!strcmp(a->what, "evilerr")) {
		f = failed(o, EVIL);
		emit(f, NULL);
		json_decref(f);
	} else if (!strcmp(a->what, "bloat")) {
		bloat(o);
		emit(o, NULL);
	} else if (!strcmp(a->what, "bigdetail")) {
		big_detail(o);
		emit(o, NULL);
	} else if (!strcmp(a->what, "refuse")) {
		f = json_pack("{s:s,s:O?,s:s}", "type", "error", "id", json_object_get(o, "id"),
			      "error", "not now \xe2\x80\xae\xc2\x9b from the guest");
		emit(f, NULL);
		json_decref(f);
	} else if (!strcmp(a->what, "stall")) {
		ts.tv_sec = a->ms / 1000;
		ts.tv_nsec = (a->ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		emit(o, NULL);
	} else {
		emit(o, NULL);
	}
}

/* Whether this start is the one "failstart@N" names (starts counted as
 * bytes appended to VBENCH_FAKE_COUNT). */
static int start_fails(void)
{
	const char *path = getenv("VBENCH_FAKE_COUNT");
	struct stat sb;
	size_t i;
	int fd;

	for (i = 0; i < nactions && strcmp(actions[i].what, "failstart"); i++)
		;
	if (i == nactions || !path)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0 || write(fd, "x", 1) != 1 || fstat(fd, &sb) < 0)
		exit(3);
	close(fd);
	return sb.st_size == actions[i].id;
}

/* One line from the real agent: rewritten as asked, then to stdout. */
static void relay(const char *line, size_t n)
{
	json_t *o = json_loadb(line, n, 0, NULL), *id;
	const char *type = json_string_value(json_object_get(o, "type"));
	const action_t *a;

	if (!o || !type) {
		write_all(1, line, n);
		write_all(1, "\n", 1);
		json_decref(o);
		return;
	}
	if (protocol && !strcmp(type, "ready")) {
		if (!strcmp(protocol, "none"))
			json_object_del(o, "protocol");
		else
			json_object_set_new(o, "protocol", json_integer(atoi(protocol)));
	}
	if (evil_cs && (!strcmp(type, "ready") || !strcmp(type, "facts")))
		json_object_set_new(json_object_get(o, "facts"), "clocksource",
				    json_string(!strcmp(type, "ready") ? EVIL_CS : EVIL_CS2));
	id = json_object_get(o, "id");
	a = json_is_integer(id) ? action_for(json_integer_value(id)) : NULL;
	if (a && !strcmp(type, "listening") && !strcmp(a->what, "badport")) {
		json_object_set_new(o, "port", json_integer(70000));
		emit(o, NULL);
	} else if (a && (!strcmp(type, "result") || !strcmp(type, "error")))
		apply(o, a);
	else
		emit(o, NULL);
	json_decref(o);
}

int main(int argc, char **argv)
{
	const char *real = getenv("VBENCH_FAKE_AGENT");
	int to[2], from[2], status, in_open = 1;
	char *buf = malloc(LINE_MAX_BYTES), *nl, inbuf[65536];
	size_t len = 0;
	struct pollfd pfd[2];
	ssize_t n;
	pid_t pid;

	if (!real || !buf || pipe(to) < 0 || pipe(from) < 0) {
		fprintf(stderr, "fake-agent: set VBENCH_FAKE_AGENT to the real agent\n");
		return 2;
	}
	parse_actions(getenv("VBENCH_FAKE"));
	if (start_fails())
		return 3;
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		argv[0] = (char *)real;
		execv(real, argv);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	(void)argc;
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = in_open ? 0 : -1, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = from[0], .events = POLLIN };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents) {
			n = read(0, inbuf, sizeof(inbuf));
			if (n > 0) {
				write_all(to[1], inbuf, (size_t)n);
			} else {
				in_open = 0;
				close(to[1]);
			}
		}
		if (pfd[1].revents) {
			n = read(from[0], buf + len, LINE_MAX_BYTES - len);
			if (n <= 0)
				break;
			len += (size_t)n;
			while ((nl = memchr(buf, '\n', len)) != NULL) {
				relay(buf, (size_t)(nl - buf));
				len -= (size_t)(nl - buf) + 1;
				memmove(buf, nl + 1, len);
			}
			if (len == LINE_MAX_BYTES)
				len = 0;
		}
	}
	free(buf);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
