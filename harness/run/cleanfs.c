/*
 * cleanfs.c - what `vbench clean` may touch, and how it removes it (clean.h).
 *
 * clean runs as root on records read from a file, so a record is never
 * trusted on its text alone.  First the text rules: a plain absolute path
 * whose name carries the dead owner's run id (and no live owner's), in a
 * place the owner may have used.  Then the object itself: its parent is
 * opened with no symbolic link anywhere in the path (safefs.h), and the
 * entry's type, user, device and inode must be those recorded when the run
 * made it.  Removal then goes through that parent descriptor: trees with
 * *at() calls that never follow a link nor enter a mount point (a bind
 * mount of a scratch directory inside a root filesystem is unmounted
 * first, not deleted through).
 */
#include "harness/run/clean.h"

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

#include "harness/image/kernel.h"
#include "harness/core/marker.h"
#include "lib/mountinfo.h"
#include "harness/core/undo.h"
#include "lib/safefs.h"
#include "lib/util.h"

#define CG_V1_MAGIC 0x27e0ebU	/* CGROUP_SUPER_MAGIC */
#define CG_V2_MAGIC 0x63677270U /* CGROUP2_SUPER_MAGIC */
#define CG_ROOT	    "/sys/fs/cgroup/"
#define MAX_DEPTH   64
#define ENV_MAX	    (1u << 20) /* a process's environment read for its run id */

static int rm_tree_at(int pfd, const char *name, const char *path, char *msg, size_t len);

/* ==== the text rules ======================================================= */

int vb_clean_run_id_ok(const char *s, int pid)
{
	char want[24];
	size_t n, i;

	n = (size_t)snprintf(want, sizeof(want), "%d-", pid);
	if (!s || strncmp(s, want, n) || strlen(s) != n + 12)
		return 0;
	for (i = n; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

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

/* @name holds "-<id>" followed by '-', '.' or its end. */
static int carries(const char *name, const char *id)
{
	size_t n = strlen(id);
	const char *p;

	for (p = name; (p = strstr(p, id)) != NULL; p++)
		if (p > name && p[-1] == '-' && (p[n] == '-' || p[n] == '.' || !p[n]))
			return 1;
	return 0;
}

/* The live owner whose run id @name carries, or NULL. */
static const char *live_id_in(const char *name, const vb_clean_owner_t *o)
{
	size_t i;

	for (i = 0; i < o->nlive; i++)
		if (o->live_ids[i] && carries(name, o->live_ids[i]))
			return o->live_ids[i];
	return NULL;
}

/* Whether @dir (no trailing slash) is the path of a "dir" record of @o, or
 * of a "place" record when @places. */
static int recorded_dir(const vb_clean_owner_t *o, const char *dir, int places)
{
	const json_t *a = places ? o->places : o->adds, *r;
	size_t i;

	json_array_foreach((json_t *)a, i, r)
		if ((places || !strcmp(json_string_value(json_object_get(r, "kind")) ?: "", "dir")) &&
		    !strcmp(json_string_value(json_object_get(r, "path")) ?: "", dir))
			return 1;
	return 0;
}

/* Where a dir or file of @o may be: 0 not allowed, 1 a fixed place or a
 * directory of the run, 2 a recorded --scratch place (checked again later). */
static int place_of(const char *kind, const char *parent, const vb_clean_owner_t *o)
{
	static const char *const fixed[] = { "/tmp", "/var/tmp", VB_CACHE_DIR };
	const char *sub;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(fixed); i++)
		if (!strcmp(parent, fixed[i]))
			return 1;
	/* The cache's own directories (kernels, vmlinux, initramfs). */
	if (starts(parent, VB_CACHE_DIR "/")) {
		sub = parent + strlen(VB_CACHE_DIR) + 1;
		if (*sub && !strchr(sub, '/'))
			return 1;
	}
	if (recorded_dir(o, parent, 0))
		return 1;
	if (!strcmp(kind, "file") && recorded_dir(o, parent, 1))
		return 2;
	return 0;
}

int vb_clean_path_allowed(const char *kind, const char *path, const vb_clean_owner_t *o,
			  char *why, size_t len)
{
	const char *name = strrchr(path, '/'), *live;
	char prefix[64], parent[PATH_MAX];
	struct statfs fs;

	if (!normal_path(path) || !name || !name[1])
		return snprintf(why, len, "not a plain absolute path"), 0;
	name++;
	live = live_id_in(name, o);
	if (live)
		return snprintf(why, len, "its name carries the run id %s of a live run", live), 0;
	if (!strcmp(kind, "cgroup")) {
		snprintf(prefix, sizeof(prefix), "vbench-%s-", o->run_id);
		if (!starts(path, CG_ROOT) || !starts(name, prefix))
			return snprintf(why, len, "not a cgroup %s.../%s...", CG_ROOT, prefix), 0;
		if (statfs(path, &fs) == 0 && (unsigned long)fs.f_type != CG_V1_MAGIC &&
		    (unsigned long)fs.f_type != CG_V2_MAGIC)
			return snprintf(why, len, "not on a cgroup filesystem"), 0;
		return 1;
	}
	snprintf(parent, sizeof(parent), "%.*s", name - 1 == path ? 1 : (int)(name - 1 - path),
		 path);
	if (!strcmp(kind, "mount")) {
		/* Only inside a directory of the same run. */
		for (char *s = strrchr(parent, '/'); s && s > parent; s = strrchr(parent, '/')) {
			if (recorded_dir(o, parent, 0))
				return 1;
			*s = '\0';
		}
		return snprintf(why, len, "not inside a directory the run recorded"), 0;
	}
	if (!(starts(name, "vbench-") || name[0] == '.') || !carries(name, o->run_id))
		return snprintf(why, len, "its name does not carry the run id %s", o->run_id), 0;
	if (!place_of(kind, parent, o))
		return snprintf(why, len,
				"not directly in /tmp, /var/tmp, %s, a directory of the run or a "
				"--scratch place it recorded",
				VB_CACHE_DIR),
		       0;
	return 1;
}

/* ==== identity ============================================================= */

/* A /proc file, whole (its size is unknown in advance), into *@n bytes. */
static char *read_proc(const char *path, size_t *n)
{
	size_t cap = 4096;
	char *buf = malloc(cap + 1), *nb;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*n = 0;
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (*n == cap) {
			if (cap >= ENV_MAX || !(nb = realloc(buf, cap * 2 + 1)))
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + *n, cap - *n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*n += (size_t)r;
	}
	close(fd);
	buf[*n] = '\0';
	return buf;
}

int vb_clean_process_of_run(pid_t pid, const char *run_id)
{
	char path[64], want[VB_RUN_ID_MAX + 32], prefix[VB_RUN_ID_MAX + 16], *text, *p;
	size_t n;
	int found = 0;

	snprintf(want, sizeof(want), "%s=%s", VB_RUN_ID_ENV, run_id);
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	text = read_proc(path, &n);
	for (p = text; text && p < text + n && !found; p += strlen(p) + 1)
		found = !strcmp(p, want);
	free(text);
	if (found)
		return 1;
	/* A process vbench does not exec (a container's init) is known by its
	 * cgroup: "N:controllers:/.../vbench-<run id>-..." */
	snprintf(prefix, sizeof(prefix), "/vbench-%s-", run_id);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	text = read_proc(path, &n);
	found = text && strstr(text, prefix) != NULL;
	free(text);
	return found;
}

/* The entry @st is the one @rec recorded: its type for @kind, vbench's
 * user, the recorded device and inode.  1, or 0 with @why. */
static int same_object(const char *kind, const json_t *rec, const struct stat *st, char *why,
		       size_t len)
{
	json_t *dev = json_object_get(rec, "dev"), *ino = json_object_get(rec, "ino");

	if (!strcmp(kind, "file") ? !S_ISREG(st->st_mode) : !S_ISDIR(st->st_mode))
		return snprintf(why, len, "it is %s now", vb_safefs_kind(st->st_mode)), 0;
	if (st->st_uid != geteuid())
		return snprintf(why, len, "it belongs to user %u, not to vbench's",
				(unsigned)st->st_uid),
		       0;
	if (!json_is_integer(dev) || !json_is_integer(ino))
		return snprintf(why, len, "the marker recorded no device and inode for it"), 0;
	if ((json_int_t)st->st_dev != json_integer_value(dev) ||
	    (json_int_t)st->st_ino != json_integer_value(ino))
		return snprintf(why, len,
				"it is not the one the run made (device and inode differ from the "
				"marker's)"),
		       0;
	return 1;
}

/* The recorded --scratch place that is directory @pfd (device and inode). */
static int place_matches(int pfd, const char *parent, const vb_clean_owner_t *o)
{
	struct stat st;
	const json_t *r;
	size_t i;

	if (fstat(pfd, &st) < 0)
		return 0;
	json_array_foreach((json_t *)o->places, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "path")) ?: "", parent) &&
		    json_integer_value(json_object_get(r, "dev")) == (json_int_t)st.st_dev &&
		    json_integer_value(json_object_get(r, "ino")) == (json_int_t)st.st_ino)
			return 1;
	return 0;
}

#define APPEND(...) snprintf(msg + strlen(msg), len - strlen(msg), __VA_ARGS__)

int vb_clean_undo_path(const char *kind, const json_t *rec, const vb_clean_owner_t *o, int dry,
		       char *msg, size_t len)
{
	const char *path = json_string_value(json_object_get(rec, "path"));
	char why[256] = "", name[NAME_MAX + 1], parent[PATH_MAX];
	struct stat st;
	int pfd, rc;

	snprintf(msg, len, "%s %s", !strcmp(kind, "dir") ? "directory" : kind, path ? path : "");
	if (!path || !vb_clean_path_allowed(kind, path, o, why, sizeof(why)))
		return APPEND(": %s", why), VB_CLEAN_REFUSED;
	pfd = vb_safefs_open_parent(AT_FDCWD, path, name, sizeof(name), 0);
	if (pfd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return VB_CLEAN_GONE;
	if (pfd < 0)
		return APPEND(": %s", errno == ELOOP ? "a symbolic link is in its path, left in place"
						     : strerror(errno)),
		       VB_CLEAN_REFUSED;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		rc = errno == ENOENT ? VB_CLEAN_GONE : (APPEND(": %s", strerror(errno)), VB_CLEAN_FAILED);
		close(pfd);
		return rc;
	}
	snprintf(parent, sizeof(parent), "%.*s",
		 strrchr(path, '/') == path ? 1 : (int)(strrchr(path, '/') - path), path);
	if (!strcmp(kind, "mount")) {
		rc = dry ? 0 : umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
		close(pfd);
		return rc == 0 ? VB_CLEAN_DONE
		       : errno == EINVAL ? VB_CLEAN_GONE
					 : (APPEND(": %s", strerror(errno)), VB_CLEAN_FAILED);
	}
	if (!same_object(kind, rec, &st, why, sizeof(why)) ||
	    (place_of(kind, parent, o) == 2 && !place_matches(pfd, parent, o) &&
	     snprintf(why, sizeof(why), "its directory is not the --scratch place recorded")) ||
	    (!strcmp(kind, "dir") && vb_safefs_is_mount_root(pfd, name) &&
	     snprintf(why, sizeof(why), "it is a mount point"))) {
		close(pfd);
		return APPEND(": %s, left in place", why), VB_CLEAN_REFUSED;
	}
	if (dry) {
		close(pfd);
		return VB_CLEAN_DONE;
	}
	if (!strcmp(kind, "cgroup")) {
		rc = vb_clean_rm_cgroup(path, why, sizeof(why));
	} else if (!strcmp(kind, "dir")) {
		rc = rm_tree_at(pfd, name, path, why, sizeof(why)); /* the entry checked above */
	} else {
		rc = unlinkat(pfd, name, 0) == 0 ? 0 : errno == ENOENT ? 1 : -1;
		if (rc < 0)
			snprintf(why, sizeof(why), "%s", strerror(errno));
	}
	close(pfd);
	if (rc < 0)
		APPEND(": %s", why);
	return rc == 0 ? VB_CLEAN_DONE : rc == 1 ? VB_CLEAN_GONE : VB_CLEAN_FAILED;
}

/* ==== mounts =============================================================== */

/* Unmount (MNT_DETACH) every mount strictly below @dir, deepest first,
 * until none is left.  The table is read by the one mountinfo decoder
 * (mountinfo.h: whole, well-formed lines only), and a mount point with a
 * "." or ".." component is never taken for one below @dir.  Returns the
 * number that could not be unmounted. */
static int unmount_below(const char *dir, char *msg, size_t len)
{
	char best[PATH_MAX];
	vb_mountinfo_t mi;
	vb_mount_t m;
	int pass, stuck = 0;

	for (pass = 0; pass < 64; pass++) {
		best[0] = '\0';
		if (vb_mountinfo_open(&mi, NULL) < 0)
			return 0;
		while (vb_mountinfo_next(&mi, &m))
			if (vb_mountinfo_below(m.point, dir) && strlen(m.point) > strlen(best) &&
			    strlen(m.point) < sizeof(best))
				memcpy(best, m.point, strlen(m.point) + 1);
		vb_mountinfo_close(&mi);
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

/* Remove directory @name in @pfd (@path names it): the mounts below it
 * first, then the tree through @pfd.  0, or -1 with @msg. */
static int rm_tree_at(int pfd, const char *name, const char *path, char *msg, size_t len)
{
	int kept;

	if (unmount_below(path, msg, len))
		return -1;
	kept = vb_safefs_rm_tree_at(pfd, name);
	if (kept)
		return snprintf(msg, len,
				"%d entries kept (mount points, other filesystems or errors)",
				kept < 0 ? 1 : kept),
		       -1;
	return 0;
}

int vb_clean_rm_tree(const char *path, char *msg, size_t len)
{
	char name[NAME_MAX + 1];
	struct stat st;
	int pfd, rc;

	msg[0] = '\0';
	pfd = vb_safefs_open_parent(AT_FDCWD, path, name, sizeof(name), 0);
	if (pfd < 0)
		return errno == ENOENT ? 1 : (snprintf(msg, len, "%s", strerror(errno)), -1);
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		rc = errno == ENOENT ? 1 : (snprintf(msg, len, "%s", strerror(errno)), -1);
	} else if (!S_ISDIR(st.st_mode)) {
		snprintf(msg, len, "not a directory: left in place");
		rc = -1;
	} else {
		rc = rm_tree_at(pfd, name, path, msg, len);
	}
	close(pfd);
	return rc;
}

/* ==== cgroups ============================================================== */

static int rm_cgroup(const char *path, int depth)
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int i, rc = 0;

	vb_undo_kill_cgroup(path);
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
