/*
 * runproc.c - helper programs without a shell, with deadlines (runproc.h).
 */
#include "harness/core/runproc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/undo.h"
#include "lib/textsafe.h"
#include "lib/util.h"

/* Searched after $PATH: where Debian puts runtimes and engines. */
static const char *const fallback_dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					     "/usr/bin",	"/sbin",	   "/bin" };

static int try_dir(const char *dir, size_t dlen, const char *name, char *path, size_t len)
{
	if (!dlen || dir[0] != '/')
		return -1; /* relative PATH entries are ignored: vbench runs as root */
	if ((size_t)snprintf(path, len, "%.*s/%s", (int)dlen, dir, name) >= len)
		return -1;
	return access(path, X_OK) == 0 ? 0 : -1;
}

int vb_proc_which(const char *name, char *path, size_t len)
{
	const char *p = getenv("PATH"), *colon;
	size_t i;

	if (!name || !*name)
		return -1;
	if (name[0] == '/') {
		if (access(name, X_OK) < 0 || (size_t)snprintf(path, len, "%s", name) >= len)
			return -1;
		return 0;
	}
	if (strchr(name, '/'))
		return -1;
	for (; p && *p; p = colon ? colon + 1 : NULL) {
		colon = strchr(p, ':');
		if (try_dir(p, colon ? (size_t)(colon - p) : strlen(p), name, path, len) == 0)
			return 0;
		if (!colon)
			break;
	}
	for (i = 0; i < VB_ARRAY_SIZE(fallback_dirs); i++)
		if (try_dir(fallback_dirs[i], strlen(fallback_dirs[i]), name, path, len) == 0)
			return 0;
	path[0] = '\0';
	return -1;
}

/* In the child: own process group, dies with vbench, default signals. */
static void child_common(const vb_proc_opts_t *o)
{
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (o && o->child_hook && o->child_hook(o->hook_arg) < 0)
		_exit(125);
}

/* Wait for @pid until @deadline (monotonic ns); kill it after.  Returns the
 * status as vb_proc_capture() does, or -2 on timeout (killed and reaped). */
static int wait_until(pid_t pid, uint64_t deadline)
{
	int st;
	pid_t w;

	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (w < 0 && errno != EINTR)
			return -1;
		if (vb_now_ns() >= deadline)
			break;
		usleep(1000);
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return -2;
}

static uint64_t deadline_of(const vb_proc_opts_t *o)
{
	int ms = o && o->timeout_ms > 0 ? o->timeout_ms : 10000;

	return vb_now_ns() + (uint64_t)ms * 1000000ull;
}

/* Read what is there from @fd into @buf (bounded); 0 at EOF or error. */
static int drain(int fd, char *buf, size_t cap, size_t *len)
{
	char sink[4096];
	ssize_t n;

	if (buf && *len + 1 < cap)
		n = read(fd, buf + *len, cap - 1 - *len);
	else
		n = read(fd, sink, sizeof(sink)); /* full or unwanted: discard */
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;
	if (buf && *len + 1 < cap)
		*len += (size_t)n;
	return 1;
}

int vb_proc_capture(char *const argv[], const vb_proc_opts_t *o, char *out, size_t outlen,
		    char *errout, size_t errlen, vb_error_t *err)
{
	uint64_t deadline = deadline_of(o);
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, nul, res, rc, open_fds = 2, timeout = 0;
	struct pollfd pfd[2];
	size_t olen = 0, elen = 0;
	pid_t pid;

	if (out && outlen)
		out[0] = '\0';
	if (errout && errlen)
		errout[0] = '\0';
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		vb_error_sys(err, "%s: create pipes", argv[0]);
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		vb_error_sys(err, "%s: fork", argv[0]);
		goto fail;
	}
	if (pid == 0) {
		nul = open("/dev/null", O_RDONLY);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(127);
		child_common(o);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	res = vb_undo_add_pid(pid, argv[0]);
	close(po[1]);
	close(pe[1]);
	pfd[0] = (struct pollfd){ .fd = po[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = pe[0], .events = POLLIN };
	while (open_fds > 0) {
		uint64_t now = vb_now_ns();
		if (now >= deadline) {
			timeout = 1;
			break;
		}
		rc = poll(pfd, 2, (int)((deadline - now) / 1000000ull) + 1);
		if (rc < 0 && errno == EINTR && vb_undo_interrupted())
			break;
		if (rc <= 0)
			continue;
		if (pfd[0].fd >= 0 && pfd[0].revents && !drain(po[0], out, outlen, &olen)) {
			pfd[0].fd = -1;
			open_fds--;
		}
		if (pfd[1].fd >= 0 && pfd[1].revents && !drain(pe[0], errout, errlen, &elen)) {
			pfd[1].fd = -1;
			open_fds--;
		}
	}
	if (out && outlen)
		out[olen] = '\0';
	if (errout && errlen)
		errout[elen] = '\0';
	close(po[0]);
	close(pe[0]);
	/* Output closed (or gave up): the exit follows; never wait past the deadline. */
	rc = wait_until(pid, open_fds > 0 ? vb_now_ns() : deadline);
	vb_undo_forget(res);
	if (open_fds > 0 && !timeout && vb_undo_interrupted())
		return vb_error_set(err, VB_EINTR, 0, "%s: interrupted", argv[0]);
	if (rc == -2 || timeout)
		return vb_error_set(err, VB_ETIMEOUT, 0, "%s did not finish within %g s", argv[0],
				    (o && o->timeout_ms > 0 ? o->timeout_ms : 10000) / 1000.0);
	if (rc < 0)
		return vb_error_sys(err, "%s: wait", argv[0]);
	return rc;
fail:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	return -1;
}

int vb_proc_run_quiet(char *const argv[], const vb_proc_opts_t *o)
{
	uint64_t deadline = deadline_of(o);
	pid_t pid = fork();
	int nul, rc;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		nul = open("/dev/null", O_RDWR);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0)
			_exit(127);
		child_common(o);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	rc = wait_until(pid, deadline);
	return rc == -2 ? -1 : rc;
}

int vb_proc_failed(vb_error_t *err, int code, int rc, const char *errout, const char *out,
		   const char *fmt, ...)
{
	char what[512], line[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	line[0] = '\0';
	if (errout && errout[0])
		vb_text_last_line(errout, line, sizeof(line));
	else if (out)
		vb_text_last_line(out, line, sizeof(line));
	return vb_error_set(err, code, 0, "%s%sexited %d: %s", what, what[0] ? " " : "", rc,
			    line[0] ? line : "(no message)");
}
