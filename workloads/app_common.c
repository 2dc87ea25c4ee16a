/*
 * app_common.c - a server the agent runs for an application workload
 * (app_common.h).
 */
#include "workloads/app_common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/textsafe.h"
#include "lib/util.h"
#include "workloads/net_common.h"

int vb_app_start(vb_app_t *a, char *const argv[], vb_error_t *err)
{
	pid_t parent = getpid(), pid;
	int null, ep[2], sp[2], e = 0, st;
	ssize_t n;

	memset(a, 0, sizeof(*a));
	a->errfd = -1;
	if (!argv[0] || argv[0][0] != '/')
		return vb_error_set(err, VB_EUSAGE, 0, "server program '%s' is not an absolute path",
				    argv[0] ? argv[0] : "");
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return vb_error_set(err, VB_ESYS, errno, "open /dev/null");
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(null);
		return vb_error_set(err, VB_ESYS, errno, "start %s", argv[0]);
	}
	if (pipe2(sp, O_CLOEXEC | O_NONBLOCK) < 0) {
		close(null);
		close(ep[0]);
		close(ep[1]);
		return vb_error_set(err, VB_ESYS, errno, "start %s", argv[0]);
	}
	pid = fork();
	if (pid < 0) {
		close(null);
		close(ep[0]);
		close(ep[1]);
		close(sp[0]);
		close(sp[1]);
		return vb_error_set(err, VB_ESYS, errno, "start %s", argv[0]);
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(sp[1], 2) < 0)
			_exit(127);
		/* nothing of the agent's but the exec pipe (close-on-exec): an
		 * inherited listening socket would pass for the server's own;
		 * where close_range is refused (before Linux 5.9, a seccomp
		 * profile), one by one */
		if ((ep[1] > 3 && close_range(3, (unsigned)ep[1] - 1, 0) < 0) ||
		    close_range((unsigned)ep[1] + 1, ~0u, 0) < 0)
			for (int fd = 3, max = (int)sysconf(_SC_OPEN_MAX); fd < max; fd++)
				if (fd != ep[1])
					close(fd);
		execv(argv[0], argv);
		e = errno;
		(void)!write(ep[1], &e, sizeof(e));
		_exit(127);
	}
	close(null);
	close(ep[1]);
	close(sp[1]);
	a->errfd = sp[0];
	/* until the exec: only then are the agent's descriptors gone */
	while ((n = read(ep[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(ep[0]);
	if (n > 0) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		close(a->errfd);
		a->errfd = -1;
		return vb_error_set(err, VB_EUNAVAIL, e, "start %s", argv[0]);
	}
	a->pid = pid;
	return 0;
}

/* The inode of the LISTEN socket on TCP @port in /proc/net/tcp, or 0. */
static unsigned long listen_inode(unsigned port)
{
	char line[512];
	unsigned lport, state;
	unsigned long inode;
	FILE *f = fopen("/proc/net/tcp", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		/* "  sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when
		 *  retrnsmt   uid  timeout inode" */
		if (sscanf(line, " %*u: %*x:%x %*x:%*x %x %*x:%*x %*x:%*x %*x %*u %*u %lu", &lport,
			   &state, &inode) == 3 &&
		    lport == port && state == 0x0A) {
			fclose(f);
			return inode;
		}
	}
	fclose(f);
	return 0;
}

/* Whether process @pid has socket inode @inode open. */
static int owns_socket(pid_t pid, unsigned long inode)
{
	char dir[64], path[320], link[64], want[64];
	struct dirent *de;
	ssize_t n;
	int found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	d = opendir(dir);
	while (d && !found && (de = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%.256s", dir, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = !strcmp(link, want);
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* User + system CPU time of @pid in ns (/proc/PID/stat), 0 when unknown. */
static uint64_t cpu_of(pid_t pid)
{
	long hz = sysconf(_SC_CLK_TCK);
	vb_pid_stat_t st;

	if (hz <= 0 || vb_pid_stat(pid, &st) < 0)
		return 0;
	return (uint64_t)(st.utime + st.stime) * (1000000000ull / (uint64_t)hz);
}

/* The last line the server wrote to its stderr (the last 4 KiB of what
 * the pipe holds), printable, into @line ("" when nothing). */
static void last_words(const vb_app_t *a, char *line, size_t len)
{
	char buf[8192], *p;
	size_t have = 0;
	ssize_t n;

	line[0] = '\0';
	while (a->errfd >= 0 && (n = read(a->errfd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)n;
		if (have > sizeof(buf) / 2) { /* keep the last 2 KiB: the end matters */
			memmove(buf, buf + have - sizeof(buf) / 4, sizeof(buf) / 4);
			have = sizeof(buf) / 4;
		}
	}
	buf[have] = '\0';
	vb_text_last_line(buf, line, len);
	for (p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = ' ';
}

/* The server @a ended (wait status @st) @when: how, and its last words. */
static int ended(vb_app_t *a, int st, const char *when, vb_error_t *err)
{
	char said[256];

	a->pid = 0;
	last_words(a, said, sizeof(said));
	return vb_error_set(err, VB_ECHECK, 0, "the server %s (%s %d)%s%.200s", when,
			    WIFEXITED(st) ? "exit" : "signal",
			    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), said[0] ? ": " : "",
			    said);
}

int vb_app_wait_listening(vb_app_t *a, unsigned port, int timeout_ms, vb_error_t *err)
{
	uint64_t end = vb_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	unsigned long inode;
	int st;

	while (vb_now_ns() < end) {
		if (waitpid(a->pid, &st, WNOHANG) == a->pid)
			return ended(a, st, "exited before it listened", err);
		inode = listen_inode(port);
		if (inode && owns_socket(a->pid, inode)) {
			a->port = port;
			a->cpu0 = cpu_of(a->pid);
			return 0;
		}
		if (inode) /* listening, but not the server: another program took it */
			return vb_error_set(err, VB_ECHECK, 0,
					    "TCP port %u listens, but not in the server (pid %d)", port,
					    (int)a->pid);
		usleep(10000);
	}
	return vb_error_set(err, VB_ETIMEOUT, 0, "the server did not listen on TCP port %u within %d ms",
			    port, timeout_ms);
}

uint64_t vb_app_cpu_ns(const vb_app_t *a)
{
	uint64_t now = a->pid > 0 ? cpu_of(a->pid) : 0;

	return now > a->cpu0 ? now - a->cpu0 : 0;
}

void vb_app_stop(vb_app_t *a, int timeout_ms)
{
	int i, st;

	if (a->errfd >= 0)
		close(a->errfd);
	a->errfd = -1;
	if (a->pid <= 0)
		return;
	kill(a->pid, SIGTERM);
	for (i = 0; i < timeout_ms / 10; i++) {
		if (waitpid(a->pid, &st, WNOHANG) == a->pid) {
			a->pid = 0;
			return;
		}
		usleep(10000);
	}
	kill(a->pid, SIGKILL);
	while (waitpid(a->pid, &st, 0) < 0 && errno == EINTR)
		;
	a->pid = 0;
}

/* Whether the server still runs; -1 with @err (how it ended) if not. */
static int app_alive(vb_app_t *a, vb_error_t *err)
{
	int st;

	return waitpid(a->pid, &st, WNOHANG) == a->pid
		   ? ended(a, st, "ended while its client ran", err)
		   : 0;
}

/* A TCP port free on @addr now (the server's ownership check catches one
 * taken in between). */
static int free_port(const char *addr, unsigned *port, vb_error_t *err)
{
	int fd;

	if (vb_net_listen(addr, 0, &fd, port, err) < 0)
		return -1;
	close(fd);
	return 0;
}

/* A new private directory ctx->workdir/vbench-@name-XXXXXX into @dir. */
static int server_dir(const vb_wctx_t *ctx, const char *name, char *dir, size_t len,
		      vb_error_t *err)
{
	if ((size_t)snprintf(dir, len, "%s/vbench-%s-XXXXXX", ctx->workdir, name) >= len)
		return vb_error_set(err, VB_EUSAGE, 0, "directory %s too long", ctx->workdir);
	if (!mkdtemp(dir))
		return vb_error_set(err, VB_ESYS, errno, "create a directory in %s", ctx->workdir);
	return 0;
}

/* The server from its start to its stop, in @dir; its CPU time, program
 * and port into res->detail. */
static int serve_in(vb_wctx_t *ctx, vb_wresult_t *res, const char *dir, vb_app_argv_fn fn,
		    void *arg, vb_error_t *err)
{
	const char *addr = ctx->listen_addr && ctx->listen_addr[0] ? ctx->listen_addr : "0.0.0.0";
	char *argv[VB_APP_MAX_ARGS + 1];
	unsigned port = ctx->listen_port;
	uint64_t cpu;
	vb_app_t a;
	int rc;

	if (!port && free_port(addr, &port, err) < 0)
		return -1;
	if (fn(arg, ctx->program, dir, addr, port, argv, VB_APP_MAX_ARGS, err) < 0 ||
	    vb_app_start(&a, argv, err) < 0)
		return -1;
	rc = vb_app_wait_listening(&a, port, ctx->io_timeout_ms, err);
	if (rc == 0) {
		vb_wctx_begin(ctx);
		rc = ctx->listening(ctx, port, err);
		if (rc == 0)
			rc = ctx->await_client(ctx, err);
		vb_wctx_end(ctx);
	}
	if (rc == 0)
		rc = app_alive(&a, err);
	cpu = vb_app_cpu_ns(&a);
	vb_app_stop(&a, 5000);
	if (rc == 0)
		res->detail = json_pack("{s:I,s:s,s:I}", "server_cpu_ns", (json_int_t)cpu, "program",
					argv[0], "port", (json_int_t)port);
	return rc;
}

int vb_app_serve(vb_wctx_t *ctx, vb_wresult_t *res, const char *name, vb_app_argv_fn fn,
		 void *arg, vb_error_t *err)
{
	char dir[PATH_MAX];
	size_t i;
	int rc;

	if (server_dir(ctx, name, dir, sizeof(dir), err) < 0)
		return -1;
	rc = serve_in(ctx, res, dir, fn, arg, err);
	vb_rm_rf(dir);
	if (rc < 0)
		return -1;
	for (i = 0; i < ctx->w->nmetrics; i++)
		res->metric[i] = 0;
	return 0;
}

int vb_app_client(const vb_drive_t *d, char *const argv[], char *out, size_t len, uint64_t *ns,
		  vb_error_t *err)
{
	uint64_t t0 = vb_now_ns();
	int rc = d->exec(d->exec_arg, argv, out, len, err);

	*ns = vb_now_ns() - t0;
	return rc;
}
