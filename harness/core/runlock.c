/*
 * runlock.c - the lock of a run directory (runlock.h).
 *
 * The file is removed when the lock is released, so a finished run
 * directory holds no trace of it.  Removing a lock file is safe only if a
 * process that locked the old (removed) file notices: after flock()
 * succeeds, the file must still be the one named .vbench.lock in the
 * directory, else the lock is retried on the new file.
 */
#include "harness/core/runlock.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/runfile.h"
#include "lib/safefs.h"
#include "lib/util.h"

#define MAX_HOLDER 4096 /* bytes of the holder's description read */

/* This process's command line, arguments separated by spaces. */
static void command_line(char *buf, size_t len)
{
	size_t n = vb_read_cmdline(buf, len), i;

	if (!n) {
		snprintf(buf, len, "vbench");
		return;
	}
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
}

/* Write who holds the lock into @fd. */
static void write_holder(int fd)
{
	char cmd[MAX_HOLDER - 256], stamp[64], *s;
	json_t *h;
	ssize_t w;

	command_line(cmd, sizeof(cmd));
	h = json_pack("{s:I,s:s,s:s%}", "pid", (json_int_t)getpid(), "since",
		      vb_format_time(vb_wall_ns(), stamp, sizeof(stamp)), "command", cmd,
		      strlen(cmd));
	s = h ? json_dumps(h, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (s && ftruncate(fd, 0) == 0) {
		w = pwrite(fd, s, strlen(s), 0);
		(void)w;
	}
	free(s);
	json_decref(h);
}

int vb_lockfile_busy(int fd, const char *dir, vb_error_t *err)
{
	char buf[MAX_HOLDER];
	json_t *h = NULL;
	ssize_t n = 0;
	int tries;

	/* The holder writes its description right after locking: give it a moment. */
	for (tries = 0; tries < 50; tries++) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0 && buf[n - 1] == '}')
			break;
		usleep(10000);
	}
	if (n > 0)
		h = json_loadb(buf, (size_t)n, 0, NULL);
	if (json_integer_value(json_object_get(h, "pid")) > 0) {
		vb_error_set(err, VB_EBUSY, 0,
			     "%s is in use by pid %lld (%s) since %s: wait until it ends", dir,
			     (long long)json_integer_value(json_object_get(h, "pid")),
			     json_string_value(json_object_get(h, "command")) ?: "?",
			     json_string_value(json_object_get(h, "since")) ?: "?");
	} else {
		vb_error_set(err, VB_EBUSY, 0, "%s is in use by another vbench (it holds %s/%s)", dir,
			     dir, VB_RUNLOCK_NAME);
	}
	json_decref(h);
	return -1;
}

int vb_runlock_remove_temps(int dirfd)
{
	static const char *const guarded[] = { VB_RUNFILE_NAME, "summary.json", "summary.csv",
					       "report.md", "report.html", "repetitions.csv", NULL };

	return vb_safefs_remove_temps(dirfd, guarded);
}

int vb_lockfile_take(int dirfd, const char *name, const char *what, const char *label,
		     vb_error_t *err)
{
	struct stat st, now;
	int fd, tries;

	for (tries = 0; tries < 20; tries++) {
		/* never through a link, never another file's name, nobody else's */
		fd = vb_safefs_open_own(dirfd, name, VB_OWN_RDWR, 0644, what, NULL, err);
		if (fd < 0)
			return -1;
		if (fstat(fd, &st) < 0) {
			vb_error_sys(err, "%s", what);
			close(fd);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno == EWOULDBLOCK)
				vb_lockfile_busy(fd, label, err);
			else
				vb_error_sys(err, "lock %s", what);
			close(fd);
			return -1;
		}
		/* Still the file of that name (its holder may have removed it
		 * between our open and our lock)? */
		if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now.st_ino == st.st_ino && now.st_dev == st.st_dev) {
			write_holder(fd);
			return fd;
		}
		close(fd);
	}
	return vb_error_set(err, VB_EBUSY, 0, "%s: its lock %s keeps changing", label, what);
}

void vb_lockfile_release(int dirfd, const char *name, int *fd)
{
	struct stat mine, named;

	if (*fd < 0)
		return;
	if (dirfd >= 0 && fstat(*fd, &mine) == 0 &&
	    fstatat(dirfd, name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
	    mine.st_ino == named.st_ino && mine.st_dev == named.st_dev)
		unlinkat(dirfd, name, 0);
	close(*fd);
	*fd = -1;
}

int vb_runlock_take(int dirfd, const char *dir, vb_error_t *err)
{
	char what[PATH_MAX + 32];
	int fd;

	snprintf(what, sizeof(what), "%s/%s", dir, VB_RUNLOCK_NAME);
	fd = vb_lockfile_take(dirfd, VB_RUNLOCK_NAME, what, dir, err);
	if (fd >= 0)
		vb_runlock_remove_temps(dirfd);
	return fd;
}

void vb_runlock_release(int dirfd, int *fd)
{
	vb_lockfile_release(dirfd, VB_RUNLOCK_NAME, fd);
}
