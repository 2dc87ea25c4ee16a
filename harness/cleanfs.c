/*
 * cleanfs.c - what `vbench clean` may touch, and how it removes it (clean.h).
 *
 * clean runs as root on paths read from a file: every path is checked
 * against what vbench itself creates before anything is removed, and trees
 * are removed with *at() calls relative to an open directory, never
 * following a symbolic link and never entering a mount point (a bind mount
 * of a scratch directory inside a root filesystem is unmounted first, not
 * deleted through).
 */
#include "clean.h"

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
#include <sys/vfs.h>
#include <unistd.h>

#include "kernel.h"
#include "registry.h"
#include "safefs.h"
#include "util.h"

#define CG_V1_MAGIC 0x27e0ebU	/* CGROUP_SUPER_MAGIC */
#define CG_V2_MAGIC 0x63677270U /* CGROUP2_SUPER_MAGIC */
#define CG_ROOT	    "/sys/fs/cgroup/"
#define MAX_DEPTH   64

/* Where vbench creates temporary directories and files. */
static const char *const parents[] = { "/var/tmp/", "/tmp/", VB_CACHE_DIR "/" };

/* ==== the rules ============================================================ */

/* Absolute, no empty, "." or ".." component, no trailing slash. */
static int normal_path(const char *p)
{
	const char *c;

	if (p[0] != '/' || strlen(p) >= PATH_MAX || p[strlen(p) - 1] == '/')
		return 0;
	for (c = p; *c; c++) {
		if (*c != '/')
			continue;
		if (c[1] == '/' || (c[1] == '.' && (c[2] == '/' || !c[2])) ||
		    (c[1] == '.' && c[2] == '.' && (c[3] == '/' || !c[3])))
			return 0;
	}
	return 1;
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* vbench-...-<owner>-..., vbench-...-<owner>.ext or vbench-...-<owner>. */
static int owner_name(const char *name, int owner)
{
	char tag[24];
	const char *p;
	size_t n;

	if (!starts(name, "vbench-"))
		return 0;
	n = (size_t)snprintf(tag, sizeof(tag), "-%d", owner);
	for (p = name + 6; (p = strstr(p, tag)) != NULL; p++)
		if (p[n] == '-' || p[n] == '.' || !p[n])
			return 1;
	return 0;
}

int vb_clean_path_allowed(const char *kind, const char *path, int owner, char *why, size_t len)
{
	const char *name = strrchr(path, '/');
	char prefix[32];
	struct statfs fs;
	size_t i;

	if (!normal_path(path) || !name || !name[1])
		return snprintf(why, len, "not a plain absolute path"), 0;
	name++;
	if (!strcmp(kind, "cgroup")) {
		snprintf(prefix, sizeof(prefix), "vbench-%d-", owner);
		if (!starts(path, CG_ROOT) || !starts(name, prefix))
			return snprintf(why, len, "not a cgroup %s<hierarchy>/%s...", CG_ROOT,
					prefix),
			       0;
		if (statfs(path, &fs) == 0 && (unsigned long)fs.f_type != CG_V1_MAGIC &&
		    (unsigned long)fs.f_type != CG_V2_MAGIC)
			return snprintf(why, len, "not on a cgroup filesystem"), 0;
		return 1;
	}
	/* A VM's scratch disk in a --scratch directory: vbench-<tag>-<owner>.img. */
	if (!strcmp(kind, "file") && owner_name(name, owner) && strlen(name) > 4 &&
	    !strcmp(name + strlen(name) - 4, ".img"))
		return 1;
	for (i = 0; i < VB_ARRAY_SIZE(parents); i++) {
		if (!starts(path, parents[i]))
			continue;
		if (owner_name(name, owner))
			return 1;
		/* The cache's temporary names (kernel.c, cachefile.c) carry no PID. */
		if (i == 2 && name[0] == '.' &&
		    (starts(name, ".download-") || starts(name, ".unpack-") ||
		     strstr(name, ".tmp-")))
			return 1;
		return snprintf(why, len, "its name is not vbench-...-%d...", owner), 0;
	}
	return snprintf(why, len, "not under /var/tmp, /tmp or %s", VB_CACHE_DIR), 0;
}

/* ==== mounts =============================================================== */

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*d = *s;
		}
	}
	*d = '\0';
}

/* Unmount (MNT_DETACH) every mount at or below @dir, deepest first, until
 * none is left.  Returns the number that could not be unmounted. */
static int unmount_below(const char *dir, char *msg, size_t len)
{
	char line[4096], mp[PATH_MAX], best[PATH_MAX];
	size_t dl = strlen(dir);
	int pass, stuck = 0;
	FILE *f;

	for (pass = 0; pass < 64; pass++) {
		best[0] = '\0';
		f = fopen("/proc/self/mountinfo", "re");
		if (!f)
			return 0;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1) {
				unescape(mp);
				if (!strncmp(mp, dir, dl) && (mp[dl] == '/' || !mp[dl]) &&
				    strlen(mp) > strlen(best))
					memcpy(best, mp, sizeof(best));
			}
		fclose(f);
		if (!best[0])
			return stuck;
		if (umount2(best, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
			snprintf(msg, len, "cannot unmount %s: %s", best, strerror(errno));
			return ++stuck;
		}
	}
	return stuck;
}

/* ==== trees ================================================================ */

int vb_clean_rm_tree(const char *path, char *msg, size_t len)
{
	char parent[PATH_MAX];
	const char *name = strrchr(path, '/');
	struct stat st;
	unsigned kept = 0;
	int pfd;

	msg[0] = '\0';
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 1 : (snprintf(msg, len, "%s", strerror(errno)), -1);
	if (!S_ISDIR(st.st_mode))
		return snprintf(msg, len, "not a directory: left in place"), -1;
	if (unmount_below(path, msg, len))
		return -1;
	snprintf(parent, sizeof(parent), "%.*s", name == path ? 1 : (int)(name - path), path);
	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return snprintf(msg, len, "open %s: %s", parent, strerror(errno)), -1;
	if (fstatat(pfd, name + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
		kept = (unsigned)vb_safefs_rm_tree_at(pfd, name + 1);
	else
		kept = 1;
	close(pfd);
	if (kept)
		return snprintf(msg, len,
				"%u entries kept (mount points, other filesystems or errors)",
				kept),
		       -1;
	return 0;
}

/* ==== cgroups ============================================================== */

static int rm_cgroup(const char *path, int depth)
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int i, rc = 0;

	vb_res_kill_cgroup(path);
	d = opendir(path);
	while (d && depth < MAX_DEPTH && (de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) < sizeof(sub))
			rc |= rm_cgroup(sub, depth + 1);
	}
	if (d)
		closedir(d);
	for (i = 0; i < 500; i++) { /* up to 5 s for tasks still exiting */
		if (rmdir(path) == 0 || errno == ENOENT)
			return rc;
		usleep(10000);
	}
	return -1;
}

int vb_clean_rm_cgroup(const char *path, char *msg, size_t len)
{
	struct stat st;

	msg[0] = '\0';
	if (lstat(path, &st) < 0 && errno == ENOENT)
		return 1;
	if (rm_cgroup(path, 0) < 0)
		return snprintf(msg, len, "rmdir: %s", strerror(errno)), -1;
	return 0;
}
