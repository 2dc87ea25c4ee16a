/*
 * marker.c - this process's owner marker (marker.h): written at
 * registration and release time, removed when nothing is left.
 *
 * The undo log (undo.c) calls in here; `vbench clean` (clean.c) reads what
 * a dead owner left.  The path and descriptor are kept in static storage so
 * the forced-exit path of the signal handler can remove the marker without
 * allocating.
 */
#include "harness/core/marker.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/safefs.h"
#include "lib/util.h"

static char marker_file[PATH_MAX]; /* "" when this process has no marker */
static int marker_fd = -1;
static int marker_dirfd = -1;	    /* the state directory, opened with no link */
static char marker_name[64];	    /* the marker's name in it */
static pid_t marker_pid; /* the process that created it */
static int warned;	 /* a failure was reported once */
static char run_id[VB_RUN_ID_MAX]; /* "" until made */
static pid_t run_id_pid;	   /* the process it was made in */

const char *vb_marker_run_id(void)
{
	unsigned char r[6];
	uint64_t mix;
	pid_t self = getpid();
	size_t i;

	if (run_id[0] && run_id_pid == self)
		return run_id;
	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* No entropy yet (early boot): time and PID, still unique per run. */
		mix = vb_wall_ns() ^ ((uint64_t)self << 40) ^ vb_now_ns();
		for (i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)(mix >> (8 * i));
	}
	snprintf(run_id, sizeof(run_id), "%d-%02x%02x%02x%02x%02x%02x", (int)self, r[0], r[1],
		 r[2], r[3], r[4], r[5]);
	run_id_pid = self;
	setenv(VB_RUN_ID_ENV, run_id, 1);
	return run_id;
}

const char *vb_marker_dir(void)
{
	const char *s = getenv("VBENCH_STATE_DIR");

	return s && *s ? s : VB_STATE_DIR_DEFAULT;
}

int vb_marker_proc_identity(pid_t pid, char *state, unsigned long long *start)
{
	vb_pid_stat_t st;

	if (vb_pid_stat(pid, &st) < 0)
		return -1;
	if (state)
		*state = st.state;
	*start = st.start;
	return 0;
}

int vb_marker_boot_id(char *buf, size_t len)
{
	char *s = vb_read_file("/proc/sys/kernel/random/boot_id", 128, 1, NULL);

	if (!s)
		return -1;
	snprintf(buf, len, "%s", s);
	free(s);
	return 0;
}

static void warn_once(const char *what, int e)
{
	if (warned)
		return;
	warned = 1;
	if (geteuid() == 0)
		fprintf(stderr,
			"vbench: NOTE: cannot %s (%s): `vbench clean` will not find what "
			"this run leaves if it is killed\n",
			what, strerror(e));
}

/* One line, one write(). */
static int append(json_t *line)
{
	char *s = json_dumps(line, JSON_COMPACT);
	size_t len;
	ssize_t n;
	int rc = 0;

	if (!s)
		return -1;
	len = strlen(s);
	s[len++] = '\n'; /* overwrites the NUL; the length is tracked */
	n = write(marker_fd, s, len);
	if (n != (ssize_t)len) {
		warn_once("append to the marker", n < 0 ? errno : ENOSPC);
		rc = -1;
	}
	free(s);
	return rc;
}

static json_t *cmdline_json(void)
{
	char *buf = malloc(4097), *p;
	json_t *a = json_array();
	size_t n = buf ? vb_read_cmdline(buf, 4097) : 0;

	for (p = buf; p && p < buf + n; p += strlen(p) + 1)
		json_array_append_new(a, json_stringn(p, strlen(p))); /* NULL if not UTF-8 */
	free(buf);
	return a;
}

int vb_marker_open_dir(const char *dir, int create)
{
	struct stat st;
	int fd;

	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = vb_safefs_open_dir(AT_FDCWD, dir, 0);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

static int create_marker(void)
{
	unsigned long long start;
	char boot[64] = "", path[PATH_MAX];
	const char *dir = vb_marker_dir();
	pid_t self = getpid();
	json_t *head;
	int rc;

	if (marker_pid != self) { /* inherited from the parent across fork() */
		if (marker_fd >= 0)
			close(marker_fd);
		marker_fd = -1;
		marker_file[0] = '\0';
	}
	if (marker_fd >= 0)
		return 0;
	if (vb_marker_proc_identity(self, NULL, &start) < 0 ||
	    vb_marker_boot_id(boot, sizeof(boot)) < 0) {
		warn_once("read this process's start time and boot id", errno);
		return -1;
	}
	if (marker_dirfd >= 0)
		close(marker_dirfd); /* another process's (fork), or a failed attempt's */
	marker_dirfd = vb_marker_open_dir(dir, 1);
	if (marker_dirfd < 0) {
		snprintf(path, sizeof(path),
			 "use the state directory %s (it must be a directory of this user, "
			 "not writable by others, with no symbolic link in its path)",
			 dir);
		warn_once(path, errno);
		return -1;
	}
	snprintf(marker_name, sizeof(marker_name), "%d-%llu.jsonl", (int)self, start);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, marker_name) >= sizeof(path)) {
		warn_once("name the marker (state directory path too long)", ENAMETOOLONG);
		return -1;
	}
	/* A new file of our own: never one that was there (O_EXCL), never
	 * through a link. */
	marker_fd = openat(marker_dirfd, marker_name,
			   O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (marker_fd < 0) {
		snprintf(marker_file, sizeof(marker_file), "create the marker %s", path);
		warn_once(marker_file, errno);
		marker_file[0] = '\0';
		return -1;
	}
	memcpy(marker_file, path, sizeof(marker_file));
	marker_pid = self;
	head = json_pack("{s:i,s:i,s:I,s:s,s:s,s:s,s:o,s:I}", "vbench_marker", VB_MARKER_FORMAT,
			 "pid", (int)self, "starttime", (json_int_t)start, "boot_id", boot, "run_id",
			 vb_marker_run_id(), "version", VB_VERSION, "cmdline", cmdline_json(),
			 "created_ns", (json_int_t)vb_wall_ns());
	rc = head ? append(head) : -1;
	json_decref(head);
	return rc;
}

/* The device and inode @path has now, so `vbench clean` can tell it from
 * another file put under the same name later. */
static void set_identity(json_t *line, const char *path)
{
	struct stat st;

	if (!path || path[0] != '/' || lstat(path, &st) < 0)
		return;
	json_object_set_new(line, "dev", json_integer((json_int_t)st.st_dev));
	json_object_set_new(line, "ino", json_integer((json_int_t)st.st_ino));
}

void vb_marker_place(const char *dir)
{
	json_t *line;

	if (create_marker() < 0)
		return;
	line = json_pack("{s:s,s:s}", "place", "scratch", "path", dir);
	if (!line)
		return;
	set_identity(line, dir);
	append(line);
	json_decref(line);
}

void vb_marker_add(int handle, const char *kind, pid_t pid, const char *path, const json_t *extra)
{
	unsigned long long start = 0;
	json_t *line;

	if (handle <= 0 || create_marker() < 0)
		return;
	line = json_pack("{s:i,s:s}", "add", handle, "kind", kind);
	if (!line)
		return;
	if (pid > 0) {
		json_object_set_new(line, "pid", json_integer(pid));
		/* Without a start time a reused PID could be taken for ours:
		 * `vbench clean` then leaves the process alone. */
		if (vb_marker_proc_identity(pid, NULL, &start) == 0)
			json_object_set_new(line, "starttime", json_integer((json_int_t)start));
		json_object_set_new(line, "what", json_string(path ? path : ""));
	} else {
		json_object_set_new(line, "path", json_string(path ? path : ""));
		set_identity(line, path);
	}
	if (extra)
		json_object_update_missing(line, (json_t *)extra);
	append(line);
	json_decref(line);
}

void vb_marker_released(int handle)
{
	json_t *line;

	if (marker_fd < 0 || marker_pid != getpid() || handle <= 0)
		return;
	line = json_pack("{s:i}", "released", handle);
	if (line)
		append(line);
	json_decref(line);
}

void vb_marker_remove(void)
{
	if (marker_fd < 0 || marker_pid != getpid())
		return;
	unlinkat(marker_dirfd, marker_name, 0);
	close(marker_fd);
	marker_fd = -1;
	marker_file[0] = '\0';
}

const char *vb_marker_path(void)
{
	return marker_fd >= 0 && marker_pid == getpid() ? marker_file : NULL;
}
