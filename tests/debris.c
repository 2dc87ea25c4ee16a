/*
 * debris.c - what a vbench process may leave behind, looked for the way a
 * user would (tests/debris.h).
 */
#include "tests/debris.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "harness/core/runproc.h"
#include "lib/util.h"

/*
 * A decoy of the clean tests (vbench-cktest-ID-*, vbench-ID-cktest), never
 * a name vbench gives: such a decoy outlives a killed test binary, and
 * its PID, recycled, is a later vbench's; it is not that vbench's debris.
 */
static int test_decoy(const char *name)
{
	return strstr(name, "cktest") != NULL;
}

/* The first entry of @dir whose name starts with @prefix, into @why. */
static int find_prefix(const char *dir, const char *prefix, const char *what, char *why,
		       size_t len)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int found = 0;

	while (d && !found && (de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, prefix, strlen(prefix)) && !test_decoy(de->d_name)) {
			snprintf(why, len, "%s %s/%s left behind", what, dir, de->d_name);
			found = 1;
		}
	if (d)
		closedir(d);
	return found;
}

/* Cgroups: vbench-PID-* at the top of every hierarchy and of the v1 controllers. */
static int cgroups_left(pid_t pid, char *why, size_t len)
{
	struct dirent *de;
	char pfx[64], path[600];
	DIR *d = opendir("/sys/fs/cgroup");
	int found = 0;

	snprintf(pfx, sizeof(pfx), "vbench-%d-", (int)pid);
	found = find_prefix("/sys/fs/cgroup", pfx, "cgroup", why, len);
	while (d && !found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", de->d_name);
		found = find_prefix(path, pfx, "cgroup", why, len);
	}
	if (d)
		closedir(d);
	return found;
}

/* A process in a cgroup of that run. */
static int processes_left(pid_t pid, char *why, size_t len)
{
	char cg[64], path[300], *s;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int found = 0;

	snprintf(cg, sizeof(cg), "vbench-%d-", (int)pid);
	while (d && !found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cgroup", de->d_name);
		s = vb_read_file(path, 1 << 16, 0, NULL);
		if (s && strstr(s, cg)) {
			snprintf(why, len, "process %s left in a cgroup %s*", de->d_name, cg);
			found = 1;
		}
		free(s);
	}
	if (d)
		closedir(d);
	return found;
}

/* A process whose arguments name a file of that run (QEMU: its disk, socket). */
static int argv_names_run(pid_t pid, char *why, size_t len)
{
	char pfx[64], path[300], buf[8192];
	struct dirent *de;
	DIR *d = opendir("/proc");
	int found = 0;

	snprintf(pfx, sizeof(pfx), "-%d-", (int)pid);
	while (d && !found && (de = readdir(d)) != NULL) {
		FILE *f;
		size_t n, i;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[n] = '\0';
		if (strstr(buf, "vbench") && strstr(buf, pfx) && atoi(de->d_name) != (int)getpid()) {
			snprintf(why, len, "process %s still running: %.120s", de->d_name, buf);
			found = 1;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* A mount whose mount point names a directory of that run. */
static int mounts_left(pid_t pid, char *why, size_t len)
{
	char pfx[64], line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	int found = 0;

	snprintf(pfx, sizeof(pfx), "-%d-", (int)pid);
	while (f && !found && fgets(line, sizeof(line), f))
		if (strstr(line, "vbench") && strstr(line, pfx)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(why, len, "mount left: %.200s", line);
			found = 1;
		}
	if (f)
		fclose(f);
	return found;
}

/* A podman/docker container named vbench-PID-* (it outlives a SIGKILL). */
static int engine_containers_left(pid_t pid, char *why, size_t len)
{
	static const char *const engines[] = { "podman", "docker" };
	static char out[1 << 16];
	char pfx[64], path[PATH_MAX], *hit;
	size_t i;

	snprintf(pfx, sizeof(pfx), "vbench-%d-", (int)pid);
	for (i = 0; i < VB_ARRAY_SIZE(engines); i++) {
		char *argv[] = { path, "ps", "-a", "--format", "{{.Names}}", NULL };
		vb_proc_opts_t o = { .timeout_ms = 10000 };
		vb_error_t err;

		if (vb_proc_which(engines[i], path, sizeof(path)) < 0)
			continue;
		out[0] = '\0';
		if (vb_proc_capture(argv, &o, out, sizeof(out), NULL, 0, &err) != 0)
			continue; /* no engine answering: no container of it either */
		hit = strstr(out, pfx);
		if (hit) {
			hit[strcspn(hit, "\n")] = '\0';
			snprintf(why, len, "%s container %s left", path, hit);
			return 1;
		}
	}
	return 0;
}

/* A container vbench-PID-* still known to an installed OCI runtime (its
 * state directory); a runtime that cannot list is reported too. */
static int runtime_containers_left(pid_t pid, char *why, size_t len)
{
	static const char *const runtimes[] = { "crun", "runc" };
	static char out[1 << 16];
	char pfx[64], path[PATH_MAX], *hit;
	size_t i;
	int rc;

	snprintf(pfx, sizeof(pfx), "vbench-%d-", (int)pid);
	for (i = 0; i < VB_ARRAY_SIZE(runtimes); i++) {
		char *argv[] = { path, "list", NULL };
		vb_proc_opts_t o = { .timeout_ms = 10000 };
		vb_error_t err;

		if (vb_proc_which(runtimes[i], path, sizeof(path)) < 0)
			continue;
		out[0] = '\0';
		rc = vb_proc_capture(argv, &o, out, sizeof(out), NULL, 0, &err);
		if (rc != 0) {
			snprintf(why, len, "`%s list` failed (exit %d): cannot tell", path, rc);
			return 1;
		}
		hit = strstr(out, pfx);
		if (hit) {
			hit[strcspn(hit, " \t\n")] = '\0';
			snprintf(why, len, "%s still lists container %s", path, hit);
			return 1;
		}
	}
	return 0;
}

/* The owner marker PID-* in the state directory (removed once all is released). */
static int marker_left(pid_t pid, char *why, size_t len)
{
	char pfx[32];

	snprintf(pfx, sizeof(pfx), "%d-", (int)pid);
	return find_prefix(vb_marker_dir(), pfx, "marker", why, len);
}

/* A temporary file or directory vbench-*-PID-* in @dir (scratch, rootfs,
 * OCI bundle, VM disk and socket, engine image directories and any other). */
static int temporaries_left(pid_t pid, const char *dir, char *why, size_t len)
{
	struct dirent *de;
	char tag[32];
	DIR *d = opendir(dir);
	int found = 0;

	snprintf(tag, sizeof(tag), "-%d-", (int)pid);
	while (d && !found && (de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, "vbench-", 7) && strstr(de->d_name + 6, tag) &&
		    !test_decoy(de->d_name)) {
			snprintf(why, len, "temporary %s/%s left behind", dir, de->d_name);
			found = 1;
		}
	if (d)
		closedir(d);
	return found;
}

int vb_test_qemu_of(pid_t pid)
{
	char path[64], buf[8192], tag[48];
	struct dirent *de;
	int found = 0, fd;
	DIR *d = opendir("/proc");
	ssize_t n, i;

	snprintf(tag, sizeof(tag), "vbench-vm-%d-", (int)pid);
	while (d && (de = readdir(d)) != NULL && !found) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++)
			buf[i] = buf[i] ? buf[i] : ' ';
		buf[n] = '\0';
		if (!strstr(buf, "qemu-system"))
			continue;
		if (strstr(buf, tag))
			found = 1;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			char *rp = strrchr(buf, ')');
			int ppid = 0;
			if (rp && sscanf(rp + 1, " %*c %d", &ppid) == 1 && ppid == (int)pid)
				found = 1;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* A QEMU started by @pid (vb_test_qemu_of). */
static int qemu_left(pid_t pid, char *why, size_t len)
{
	if (!vb_test_qemu_of(pid))
		return 0;
	snprintf(why, len, "a QEMU of vbench %d is still running", (int)pid);
	return 1;
}

int vb_test_debris(pid_t pid, char *why, size_t len)
{
	why[0] = '\0';
	if (kill(pid, 0) == 0 || errno != ESRCH)
		return snprintf(why, len, "vbench %d still running", (int)pid), 1;
	return cgroups_left(pid, why, len) || processes_left(pid, why, len) ||
	       argv_names_run(pid, why, len) || mounts_left(pid, why, len) ||
	       engine_containers_left(pid, why, len) || runtime_containers_left(pid, why, len) ||
	       marker_left(pid, why, len) || temporaries_left(pid, "/var/tmp", why, len) ||
	       temporaries_left(pid, "/tmp", why, len) || qemu_left(pid, why, len);
}

int vb_test_wait_no_debris(pid_t pid, int timeout_ms, char *why, size_t len)
{
	int waited;

	for (waited = 0;; waited += 50) {
		if (!vb_test_debris(pid, why, len))
			return 0;
		if (waited >= timeout_ms)
			return 1;
		usleep(50000);
	}
}
