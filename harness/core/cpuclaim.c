/*
 * cpuclaim.c - per-CPU claims of live vbench runs (cpuclaim.h).
 */
#include "harness/core/cpuclaim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "harness/core/runlock.h"
#include "lib/safefs.h"

static int claim_fd[VB_CPUCLAIM_MAX] = { [0 ... VB_CPUCLAIM_MAX - 1] = -1 };
static uint64_t mine;
static pid_t mine_pid; /* a forked child holds nothing of its own */

static void name_of(unsigned cpu, char *buf, size_t len)
{
	snprintf(buf, len, "cpu-%u.lock", cpu);
}

/* The state directory, made 0700 when missing; -1 with @err. */
static int state_dir(const char *dir, int create, vb_error_t *err)
{
	int fd = vb_marker_open_dir(dir ? dir : vb_marker_dir(), create);

	if (fd < 0)
		vb_error_set(err, VB_ESYS, errno,
			     "state directory %s (it must be a directory of this user, not writable "
			     "by others, with no symbolic link in its path)",
			     dir ? dir : vb_marker_dir());
	return fd;
}

/* Forget claims inherited across fork(): the parent's, not this process's. */
static void own_only(void)
{
	unsigned i;

	if (mine_pid == getpid())
		return;
	for (i = 0; i < VB_CPUCLAIM_MAX; i++)
		claim_fd[i] = -1; /* the parent's descriptors; close-on-exec anyway */
	mine = 0;
	mine_pid = getpid();
}

int vb_cpuclaim_take(unsigned cpu, vb_error_t *err)
{
	char name[32], what[PATH_MAX + 32], label[32];
	int dfd, fd;

	own_only();
	if (cpu >= VB_CPUCLAIM_MAX)
		return vb_error_set(err, VB_EUSAGE, 0, "CPU %u: beyond CPU %d", cpu,
				    VB_CPUCLAIM_MAX - 1);
	if (mine & (1ull << cpu))
		return 0;
	dfd = state_dir(NULL, 1, err);
	if (dfd < 0)
		return -1;
	name_of(cpu, name, sizeof(name));
	snprintf(what, sizeof(what), "%s/%s", vb_marker_dir(), name);
	snprintf(label, sizeof(label), "CPU %u", cpu);
	fd = vb_lockfile_take(dfd, name, what, label, err);
	close(dfd);
	if (fd < 0)
		return -1;
	claim_fd[cpu] = fd;
	mine |= 1ull << cpu;
	return 0;
}

uint64_t vb_cpuclaim_mine(void)
{
	own_only();
	return mine;
}

/*
 * Whether another process holds CPU @cpu's claim (1, its description in
 * @err), without creating, locking or disturbing anything: a shared lock
 * tried on the file, which only a holder's exclusive lock refuses (two
 * runs probing at once do not see each other's probes).
 */
static int held(int dfd, unsigned cpu, vb_error_t *err)
{
	char name[32], label[32];
	int fd, rc = 0;

	name_of(cpu, name, sizeof(name));
	fd = vb_safefs_openat(dfd, name, O_RDONLY | O_NONBLOCK, 0, VB_SAFEFS_BENEATH);
	if (fd < 0)
		return 0; /* never claimed (or not a file of ours: not a claim) */
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		snprintf(label, sizeof(label), "CPU %u", cpu);
		vb_lockfile_busy(fd, label, err);
		rc = 1;
	}
	close(fd);
	return rc;
}

uint64_t vb_cpuclaim_others(uint64_t mask, char *who, size_t len)
{
	uint64_t others = 0;
	vb_error_t err;
	unsigned i;
	char *tail;
	int dfd;

	own_only();
	if (len)
		who[0] = '\0';
	vb_error_clear(&err);
	dfd = state_dir(NULL, 0, &err);
	if (dfd < 0)
		return 0; /* no state directory: nobody claims anything */
	for (i = 0; i < VB_CPUCLAIM_MAX; i++) {
		if (!(mask & (1ull << i)) || (mine & (1ull << i)))
			continue;
		vb_error_clear(&err);
		if (!held(dfd, i, &err))
			continue;
		others |= 1ull << i;
		if (len && !who[0]) {
			tail = strstr(err.msg, ": wait until it ends");
			if (tail)
				*tail = '\0';
			snprintf(who, len, "%s", err.msg);
		}
	}
	close(dfd);
	return others;
}

void vb_cpuclaim_release_all(void)
{
	char name[32];
	unsigned i;
	int dfd;

	own_only();
	if (!mine)
		return;
	dfd = vb_marker_open_dir(vb_marker_dir(), 0);
	for (i = 0; i < VB_CPUCLAIM_MAX; i++)
		if (mine & (1ull << i)) {
			name_of(i, name, sizeof(name));
			vb_lockfile_release(dfd, name, &claim_fd[i]);
		}
	mine = 0;
	if (dfd >= 0)
		close(dfd);
}

unsigned vb_cpuclaim_clean(const char *dir, int dry_run, FILE *out)
{
	unsigned n = 0, cpu;
	struct dirent *de;
	vb_error_t err;
	char end;
	int dfd, fd;
	DIR *d;

	vb_error_clear(&err);
	dfd = state_dir(dir, 0, &err);
	if (dfd < 0)
		return 0;
	d = fdopendir(dup(dfd));
	while (d && (de = readdir(d)) != NULL) {
		if (sscanf(de->d_name, "cpu-%u.loc%c", &cpu, &end) != 2 || end != 'k' ||
		    cpu >= VB_CPUCLAIM_MAX)
			continue;
		/* Only a regular file of ours, never through a link. */
		fd = vb_safefs_openat(dfd, de->d_name, O_RDONLY | O_NONBLOCK, 0,
				      VB_SAFEFS_BENEATH);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) { /* nobody holds it */
			if (!dry_run)
				unlinkat(dfd, de->d_name, 0);
			n++;
			if (out)
				fprintf(out, "vbench clean: %s claim of CPU %u (held by nobody)\n",
					dry_run ? "would remove the" : "removed the", cpu);
		} else if (out) {
			fprintf(out, "vbench clean: CPU %u is claimed by a live run: left alone\n",
				cpu);
		}
		close(fd);
	}
	if (d)
		closedir(d);
	close(dfd);
	return n;
}
