/*
 * undo.c - the undo log of resources (see undo.h).
 *
 * A fixed table, no allocation, so the forced-exit path in the signal
 * handler can walk it safely.  Each registration and normal release is
 * also written to this process's marker (marker.c) in normal context; the
 * marker is removed when the table is empty again.
 */
#include "harness/core/undo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "lib/safefs.h"
#include "lib/term.h"
#include "lib/util.h"

#define VB_MAX_RES 256

struct res {
	int used;
	int handle;
	vb_undo_kind_t kind;
	pid_t pid;
	char path[512];
	void (*fn)(void *);
	void *arg;
};

static struct res table[VB_MAX_RES];
static int next_handle = 1;
static volatile sig_atomic_t interrupted;
static volatile sig_atomic_t releasing;

static int free_slot(void)
{
	int i;

	for (i = 0; i < VB_MAX_RES; i++)
		if (!table[i].used)
			break;
	return i;
}

static const char *const kind_names[] = {
	[VB_UNDO_PROCESS] = "process", [VB_UNDO_CGROUP] = "cgroup", [VB_UNDO_MOUNT] = "mount",
	[VB_UNDO_DIR] = "dir",	       [VB_UNDO_FILE] = "file",	    [VB_UNDO_FUNC] = "func",
};

const char *vb_undo_kind_name(vb_undo_kind_t kind)
{
	return (unsigned)kind < VB_ARRAY_SIZE(kind_names) ? kind_names[kind] : "?";
}

static int insert(vb_undo_kind_t kind, pid_t pid, const char *path, void (*fn)(void *), void *arg,
		  const json_t *undo)
{
	int i = free_slot();

	if (i == VB_MAX_RES) {
		vb_term_say(stderr, "resource table full; releasing at once");
		return 0;
	}
	table[i].kind = kind;
	table[i].pid = pid;
	snprintf(table[i].path, sizeof(table[i].path), "%s", path ? path : "");
	table[i].fn = fn;
	table[i].arg = arg;
	table[i].handle = next_handle++;
	table[i].used = 1;
	/* Recorded before the caller goes on: a kill from now on leaves a trace. */
	vb_marker_add(table[i].handle, kind_names[kind], pid, path, undo);
	return table[i].handle;
}

int vb_undo_add_pid(pid_t pid, const char *what)
{
	return insert(VB_UNDO_PROCESS, pid, what, NULL, NULL, NULL);
}

int vb_undo_add_path(vb_undo_kind_t kind, const char *path)
{
	return insert(kind, 0, path, NULL, NULL, NULL);
}

int vb_undo_add_func(void (*fn)(void *), void *arg, const char *what)
{
	return insert(VB_UNDO_FUNC, 0, what, fn, arg, NULL);
}

int vb_undo_add_undo(void (*fn)(void *), void *arg, const char *what, const json_t *undo)
{
	return insert(VB_UNDO_FUNC, 0, what, fn, arg, undo);
}

int vb_undo_kill_verified(pid_t pid, int sig, int (*verify)(pid_t pid, void *arg), void *arg)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), rc, e;

	if (fd < 0 && errno == ESRCH)
		return 1;
	if (fd < 0 && errno != ENOSYS)
		return -1;
	if (!verify(pid, arg)) {
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (fd < 0) /* no pidfd_open: the check and the signal as close as can be */
		return kill(pid, sig) == 0 ? 0 : errno == ESRCH ? 1 : -1;
	rc = (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
	e = errno;
	close(fd);
	errno = e;
	return rc == 0 ? 0 : e == ESRCH ? 1 : -1;
}

/* Whether /proc/@pid/cgroup names the cgroup whose leaf is @arg ("/LEAF" at
 * the end of a line): open, read and close only (the forced-exit path). */
static int in_cgroup(pid_t pid, void *arg)
{
	const char *leaf = arg;
	char path[40], buf[8192 + 1], *p, *nl;
	size_t ll = strlen(leaf), keep = 0;
	ssize_t n;
	int fd, found = 0, i = 0;
	char num[16];
	unsigned v = (unsigned)pid;

	/* "/proc/<pid>/cgroup" without snprintf. */
	do
		num[i++] = (char)('0' + v % 10);
	while ((v /= 10) && i < (int)sizeof(num));
	memcpy(path, "/proc/", 6);
	for (p = path + 6; i > 0;)
		*p++ = num[--i];
	memcpy(p, "/cgroup", 8);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (!found && (n = read(fd, buf + keep, sizeof(buf) - 1 - keep)) > 0) {
		buf[keep + (size_t)n] = '\0';
		for (p = buf; !found && (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			found = (size_t)(nl - p) > ll && nl[-(long)ll - 1] == '/' &&
				!memcmp(nl - ll, leaf, ll);
		keep = strlen(p); /* an unfinished line goes on in the next read */
		if (keep >= sizeof(buf) - 1)
			keep = 0;
		memmove(buf, p, keep);
	}
	close(fd);
	return found;
}

/* Kill every task listed in DIR/cgroup.procs (v1 and v2). */
void vb_undo_kill_cgroup(const char *dir)
{
	const char *leaf = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;

	char path[600], buf[4096];
	ssize_t n;
	int fd, tries;
	char *p;

	/* v2: cgroup.kill does it in one write when the kernel has it. */
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = write(fd, "1", 1);
		(void)n;
		close(fd);
	}
	for (tries = 0; tries < 50; tries++) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return;
		buf[n] = '\0';
		for (p = buf; *p;) {
			long pid = strtol(p, &p, 10);
			if (pid > 0)
				vb_undo_kill_verified((pid_t)pid, SIGKILL, in_cgroup, (void *)leaf);
			while (*p == '\n')
				p++;
		}
		usleep(2000);
	}
}

/* Remove @path (a tree, or a file) through its parent, opened with no
 * symbolic link in the path (safefs.h): never through a link put there. */
static void rm_beneath_parent(const char *path)
{
	char name[NAME_MAX + 1];
	int pfd = vb_safefs_open_parent(AT_FDCWD, path, name, sizeof(name), 0);

	if (pfd < 0)
		return;
	vb_safefs_rm_tree_at(pfd, name);
	close(pfd);
}

static void release_one(struct res *r)
{
	int status, i;

	switch (r->kind) {
	case VB_UNDO_PROCESS:
		kill(-r->pid, SIGKILL);
		kill(r->pid, SIGKILL);
		for (i = 0; i < 1000; i++) {
			pid_t w = waitpid(r->pid, &status, 0);
			if (w == r->pid || (w < 0 && errno != EINTR))
				break;
		}
		break;
	case VB_UNDO_CGROUP:
		vb_undo_kill_cgroup(r->path);
		for (i = 0; i < 100; i++) {
			if (rmdir(r->path) == 0 || errno == ENOENT)
				break;
			usleep(5000);
		}
		break;
	case VB_UNDO_MOUNT:
		umount2(r->path, MNT_DETACH);
		break;
	case VB_UNDO_DIR:
	case VB_UNDO_FILE:
		rm_beneath_parent(r->path);
		break;
	case VB_UNDO_FUNC:
		if (r->fn)
			r->fn(r->arg);
		break;
	}
}

static struct res *find(int handle)
{
	int i;

	if (handle <= 0)
		return NULL;
	for (i = 0; i < VB_MAX_RES; i++)
		if (table[i].used && table[i].handle == handle)
			return &table[i];
	return NULL;
}

/* Normal context: note the release in the marker, drop it when empty. */
static void note_released(int handle)
{
	vb_marker_released(handle);
	if (!vb_undo_count())
		vb_marker_remove();
}

void vb_undo_release(int handle)
{
	struct res *r = find(handle);

	if (!r)
		return;
	r->used = 0;
	release_one(r);
	note_released(handle);
}

void vb_undo_forget(int handle)
{
	struct res *r = find(handle);

	if (!r)
		return;
	r->used = 0;
	note_released(handle);
}

void vb_undo_release_all(void)
{
	int i, best;

	releasing = 1;
	for (;;) {
		best = -1;
		for (i = 0; i < VB_MAX_RES; i++)
			if (table[i].used && (best < 0 || table[i].handle > table[best].handle))
				best = i;
		if (best < 0)
			break;
		table[best].used = 0;
		release_one(&table[best]);
	}
	vb_marker_remove(); /* async-signal-safe: no line is written here */
	releasing = 0;
}

int vb_undo_count(void)
{
	int i, n = 0;

	for (i = 0; i < VB_MAX_RES; i++)
		n += table[i].used;
	return n;
}

static void on_signal(int sig)
{
	static const char msg[] = "\nvbench: interrupted again: releasing everything now\n";
	static const char first[] =
		"\nvbench: interrupted: finishing cleanly, completed results are kept "
		"(press Ctrl-C again to force)\n";
	ssize_t n;

	if (interrupted) {
		n = write(2, msg, sizeof(msg) - 1);
		(void)n;
		vb_undo_release_all();
		_exit(VB_EXIT_INTERRUPT);
	}
	interrupted = sig;
	n = write(2, first, sizeof(first) - 1);
	(void)n;
}

static void at_exit_release(void)
{
	vb_undo_release_all();
}

void vb_undo_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	atexit(at_exit_release);
}

int vb_undo_interrupted(void)
{
	return interrupted;
}

int vb_undo_wait_interrupted(uint64_t ms)
{
	uint64_t end = vb_now_ns() + ms * 1000000ull;

	while (!interrupted && vb_now_ns() < end)
		usleep(5000);
	return interrupted;
}

void vb_undo_interrupt_reset(void)
{
	interrupted = 0;
}
