/*
 * chan.c - spawning agents and talking to them (see chan.h): the
 * line framing, the request in flight and the reply that must answer it.
 */
#include "harness/core/chan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workloads/agent.h"
#include "harness/core/undo.h"
#include "lib/cpulist.h"
#include "lib/testpoint.h"
#include "lib/util.h"

/* In the child, between fork and exec: only async-signal-safe work. */
static void child_setup(const vb_spawn_t *sp, int in, int out, pid_t parent)
{
	int fd;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
		_exit(127);
	if (sp->stderr_fd > 2) {
		dup2(sp->stderr_fd, 2);
	} else if (sp->stderr_path) {
		fd = open(sp->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0)
			dup2(fd, 2);
	}
	if (sp->cg && vb_cgroup_attach(sp->cg, 0) < 0)
		_exit(126);
	vb_cpulist_pin(sp->cpus);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (sp->child_hook && sp->child_hook(sp->hook_arg) < 0)
		_exit(125);
}

int vb_chan_spawn(vb_chan_t *ch, const char *name, const vb_spawn_t *sp, vb_error_t *err)
{
	int to_child[2], from_child[2], e;
	pid_t parent = getpid(), pid;

	memset(ch, 0, sizeof(*ch));
	ch->wfd = ch->rfd = -1;
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	if (pipe2(to_child, O_CLOEXEC) < 0)
		return vb_error_sys(err, "%s: create pipe", name);
	if (pipe2(from_child, O_CLOEXEC) < 0) {
		e = errno;
		close(to_child[0]);
		close(to_child[1]);
		return vb_error_set(err, VB_ESYS, e, "%s: create pipe", name);
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(to_child[0]);
		close(to_child[1]);
		close(from_child[0]);
		close(from_child[1]);
		return vb_error_set(err, VB_ESYS, e, "%s: fork", name);
	}
	if (pid == 0) {
		child_setup(sp, to_child[0], from_child[1], parent);
		execv(sp->argv[0], sp->argv);
		_exit(127);
	}
	setpgid(pid, pid);
	ch->res = vb_undo_add_pid(pid, name);
	ch->pid = pid;
	close(to_child[0]);
	close(from_child[1]);
	ch->wfd = to_child[1];
	ch->rfd = from_child[0];
	return 0;
}

void vb_chan_init_fds(vb_chan_t *ch, const char *name, int wfd, int rfd)
{
	memset(ch, 0, sizeof(*ch));
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	ch->wfd = wfd;
	ch->rfd = rfd;
}

int vb_chan_switch(vb_chan_t *ch, int wfd, int rfd, vb_error_t *err)
{
	int rc = 0;

	if (!ch->buf && !(ch->buf = malloc(VB_AGENT_MAX_LINE + 1)))
		rc = vb_error_set(err, VB_ESYS, ENOMEM, "%s: channel buffer", ch->name);
	while (!rc && ch->rfd >= 0) {
		struct pollfd p = { .fd = ch->rfd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 0) <= 0)
			break;
		if (ch->len >= VB_AGENT_MAX_LINE) {
			rc = vb_error_set(err, VB_EPROTO, 0,
					  "%s: more than %u bytes left on the old channel", ch->name,
					  VB_AGENT_MAX_LINE);
			break;
		}
		n = read(ch->rfd, ch->buf + ch->len, VB_AGENT_MAX_LINE - ch->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		ch->len += (size_t)n;
	}
	if (ch->wfd >= 0)
		close(ch->wfd);
	if (ch->rfd >= 0 && ch->rfd != ch->wfd)
		close(ch->rfd);
	ch->wfd = wfd;
	ch->rfd = rfd;
	ch->dead = 0;
	return rc;
}

/* Write @obj as one line. */
static int write_line(vb_chan_t *ch, const json_t *obj, vb_error_t *err)
{
	char *s = json_dumps(obj, JSON_COMPACT);
	size_t len, off = 0;
	ssize_t n;

	if (!s)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s: encode request", ch->name);
	len = strlen(s);
	s[len++] = '\n'; /* overwrites the NUL; we track the length */
	while (off < len) {
		n = write(ch->wfd, s + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(s);
			ch->dead = 1;
			return vb_error_sys(err, "%s: send request to agent", ch->name);
		}
		off += (size_t)n;
	}
	free(s);
	return 0;
}

int vb_chan_send(vb_chan_t *ch, const json_t *obj, vb_error_t *err)
{
	vb_agent_want_set(&ch->want, obj);
	return write_line(ch, obj, err);
}

int vb_chan_notify(vb_chan_t *ch, const json_t *obj, vb_error_t *err)
{
	return write_line(ch, obj, err);
}

/* Take one complete line out of the buffer, or NULL; its length (without
 * the line end) in *@n, for lines holding NUL bytes. Caller frees. */
static char *take_line(vb_chan_t *ch, size_t *n)
{
	char *nl = ch->buf ? memchr(ch->buf, '\n', ch->len) : NULL, *line;

	if (!nl)
		return NULL;
	*n = (size_t)(nl - ch->buf);
	line = malloc(*n + 1);
	if (!line)
		return NULL;
	memcpy(line, ch->buf, *n);
	line[*n] = '\0';
	if (*n && line[*n - 1] == '\r')
		line[--*n] = '\0';
	memmove(ch->buf, nl + 1, ch->len - (size_t)(nl - ch->buf) - 1);
	ch->len -= (size_t)(nl - ch->buf) + 1;
	return line;
}

/*
 * One line as a message: the object into *@out and 1; 0 for a line that is
 * not a JSON object with a "type" (junk: @err set unless @skip_junk); -1
 * for an object past the protocol's bounds (@err set, whatever @skip_junk).
 */
static int parse_line(vb_chan_t *ch, const char *line, size_t n, int skip_junk, json_t **out,
		      vb_error_t *err)
{
	json_error_t jerr;
	json_t *o;

	*out = NULL;
	if (line[0] != '{' || memchr(line, '\0', n)) {
		if (!skip_junk)
			vb_error_set(err, VB_EPROTO, 0, "%s: agent sent a line that is not JSON%s",
				     ch->name, line[0] == '{' ? " (it holds a NUL byte)" : "");
		return 0;
	}
	o = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!o || !json_is_object(o) || !json_is_string(json_object_get(o, "type"))) {
		json_decref(o);
		if (!skip_junk)
			vb_error_set(err, VB_EPROTO, 0, "%s: malformed message from agent: %s",
				     ch->name, jerr.text);
		return 0;
	}
	if (vb_agent_bound(o, 0, err) < 0) {
		json_decref(o);
		vb_error_prefix(err, "%s", ch->name);
		return -1;
	}
	*out = o;
	return 1;
}

/* A protocol error leaves the stream out of step: never read it again. */
static json_t *fail_recv(vb_chan_t *ch, vb_error_t *err)
{
	if (err && err->code == VB_EPROTO)
		ch->broken = 1;
	return NULL;
}

json_t *vb_chan_recv(vb_chan_t *ch, int timeout_ms, int skip_junk, vb_error_t *err)
{
	uint64_t deadline = vb_now_ns() + (uint64_t)timeout_ms * 1000000ull, now;
	struct pollfd pfd;
	size_t len;
	json_t *o;
	char *line;
	ssize_t n;
	int rc;

	if (ch->broken) {
		vb_error_set(err, VB_EPROTO, 0,
			     "%s: the agent's replies are out of step since an earlier protocol "
			     "error",
			     ch->name);
		return NULL;
	}
	if (!ch->buf) {
		ch->buf = malloc(VB_AGENT_MAX_LINE + 1);
		if (!ch->buf) {
			vb_error_set(err, VB_ESYS, ENOMEM, "%s: line buffer", ch->name);
			return NULL;
		}
	}
	for (;;) {
		while ((line = take_line(ch, &len)) != NULL) {
			rc = parse_line(ch, line, len, skip_junk, &o, err);
			free(line);
			if (rc > 0)
				return o;
			if (rc < 0 || !skip_junk)
				return fail_recv(ch, err);
		}
		if (ch->len >= VB_AGENT_MAX_LINE) {
			vb_error_set(err, VB_EPROTO, 0, "%s: line from agent longer than %u bytes",
				     ch->name, VB_AGENT_MAX_LINE);
			ch->len = 0;
			return fail_recv(ch, err);
		}
		if (ch->dead) {
			vb_error_set(err, VB_ESYS, 0, "%s: the agent's output ended (it exited or crashed)",
				     ch->name);
			return NULL;
		}
		now = vb_now_ns();
		if (now >= deadline) {
			vb_error_set(err, VB_ETIMEOUT, 0, "%s: no answer from the agent within %g s",
				     ch->name, timeout_ms / 1000.0);
			return NULL;
		}
		pfd.fd = ch->rfd;
		pfd.events = POLLIN;
		rc = poll(&pfd, 1, (int)((deadline - now) / 1000000ull) + 1);
		if (rc < 0 && errno == EINTR) {
			if (vb_undo_interrupted()) {
				vb_error_set(err, VB_EINTR, 0, "%s: interrupted", ch->name);
				return NULL;
			}
			continue;
		}
		if (rc <= 0)
			continue;
		n = read(ch->rfd, ch->buf + ch->len, VB_AGENT_MAX_LINE - ch->len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			ch->dead = 1;
		else
			ch->len += (size_t)n;
	}
}

/* ---- the answer to the request in flight ---- */

json_t *vb_chan_answer(vb_chan_t *ch, const char *type, int timeout_ms, vb_error_t *err)
{
	json_t *o = vb_chan_recv(ch, timeout_ms, 0, err); /* refused when broken */

	if (!o)
		return NULL;
	if (vb_agent_check_answer(&ch->want, o, type, err) < 0 ||
	    (!strcmp(json_string_value(json_object_get(o, "type")), "result") &&
	     vb_agent_check_result(o, err) < 0)) {
		json_decref(o);
		vb_error_prefix(err, "%s", ch->name);
		return fail_recv(ch, err);
	}
	/* An interim answer (a network workload's "listening") leaves the
	 * request in flight: its result is still to come. */
	if (strcmp(json_string_value(json_object_get(o, "type")), "listening"))
		ch->want.on = 0;
	if (!strcmp(json_string_value(json_object_get(o, "type")), "error")) {
		/* A refusal answers the request: the stream is still in step,
		 * so no protocol error (the instance stays). */
		vb_error_set(err, VB_EREFUSED, 0, "%s: agent refused the request: %s", ch->name,
			     json_string_value(json_object_get(o, "error")) ?: "?");
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *vb_chan_call(vb_chan_t *ch, const json_t *req, const char *type, int timeout_ms,
		     vb_error_t *err)
{
	json_t *o;

	if (!ch->broken && vb_chan_send(ch, req, err) < 0)
		return NULL;
	if (!strcmp(type, "result") && json_integer_value(json_object_get(req, "id")) > 0)
		vb_test_point("workload", ch->name);
	o = vb_chan_answer(ch, type, timeout_ms, err);
	/* Given up on: its answer may still come, and must never be taken for
	 * the next request's, so the stream is out of step from now on. */
	if (!o && err && err->code == VB_ETIMEOUT)
		ch->broken = 1;
	return o;
}

int vb_chan_close(vb_chan_t *ch, int grace_ms)
{
	json_t *quit = json_pack("{s:s}", "op", "quit");
	int status = -1, i;
	pid_t w;

	if (ch->wfd >= 0 && !ch->dead)
		vb_chan_send(ch, quit, NULL);
	json_decref(quit);
	if (ch->wfd >= 0)
		close(ch->wfd);
	if (ch->rfd >= 0 && ch->rfd != ch->wfd)
		close(ch->rfd);
	ch->wfd = ch->rfd = -1;
	if (ch->pid > 0) {
		for (i = 0; i < grace_ms / 5; i++) {
			w = waitpid(ch->pid, &status, WNOHANG);
			if (w == ch->pid)
				break;
			usleep(5000);
		}
		if (i >= grace_ms / 5) {
			kill(-ch->pid, SIGKILL);
			kill(ch->pid, SIGKILL);
			while (waitpid(ch->pid, &status, 0) < 0 && errno == EINTR)
				;
		}
		vb_undo_forget(ch->res);
		ch->pid = 0;
	}
	free(ch->buf);
	ch->buf = NULL;
	return status;
}
