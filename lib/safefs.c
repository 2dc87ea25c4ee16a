/*
 * safefs.c - resolving paths without symbolic links (safefs.h).
 *
 * openat2() does it in one call; where it is missing (ENOSYS, or EPERM
 * from a seccomp filter in a container) the same rules are applied by
 * walking the path one component at a time, each opened with O_NOFOLLOW
 * relative to the previous one.
 */
#include "lib/safefs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/util.h"

#define MAX_DEPTH 64 /* directory levels rm_tree descends */

static int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
#ifdef SYS_openat2
	return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
#else
	(void)dirfd;
	(void)path;
	(void)how;
	errno = ENOSYS;
	return -1;
#endif
}

static int openat2_missing = -1; /* unknown, 0 works, 1 missing */

/* Walk @path from @dirfd one component at a time; the last one opened with
 * @oflags.  Same refusals as RESOLVE_NO_SYMLINKS (| RESOLVE_BENEATH). */
static int walk(int dirfd, const char *path, int oflags, mode_t mode, unsigned flags)
{
	char *copy = strdup(path), *comp, *next, *save = NULL;
	struct stat st;
	int cur, fd, e;

	if (!copy)
		return -1;
	if (path[0] == '/')
		cur = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else if (dirfd == AT_FDCWD)
		cur = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else
		cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0) {
		free(copy);
		return -1;
	}
	comp = strtok_r(copy, "/", &save);
	if (!comp) { /* "/" or "" */
		free(copy);
		if (path[0] != '/') {
			close(cur);
			errno = ENOENT;
			return -1;
		}
		fd = openat(cur, ".", oflags | O_CLOEXEC, mode);
		e = errno;
		close(cur);
		errno = e;
		return fd;
	}
	for (; comp; comp = next) {
		next = strtok_r(NULL, "/", &save);
		if ((flags & VB_SAFEFS_BENEATH) && !strcmp(comp, "..")) {
			close(cur);
			free(copy);
			errno = EXDEV;
			return -1;
		}
		if (next)
			fd = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		else
			fd = openat(cur, comp, oflags | O_NOFOLLOW | O_CLOEXEC, mode);
		e = errno;
		/* A symbolic link opened with O_DIRECTORY | O_NOFOLLOW fails with
		 * ENOTDIR: say ELOOP, as openat2 does. */
		if (fd < 0 && e == ENOTDIR && fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			e = ELOOP;
		close(cur);
		if (fd < 0) {
			free(copy);
			errno = e;
			return -1;
		}
		cur = fd;
	}
	free(copy);
	return cur;
}

int vb_safefs_openat(int dirfd, const char *path, int oflags, mode_t mode, unsigned flags)
{
	struct open_how how;
	int fd;

	if (!path || !path[0]) {
		errno = ENOENT;
		return -1;
	}
	if ((flags & VB_SAFEFS_BENEATH) && path[0] == '/') {
		errno = EXDEV;
		return -1;
	}
	if (flags & VB_SAFEFS_FOLLOW) {
		if (!(flags & VB_SAFEFS_BENEATH))
			return openat(dirfd, path, oflags | O_CLOEXEC, mode);
	}
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(oflags | O_CLOEXEC);
	how.mode = (oflags & (O_CREAT | __O_TMPFILE)) ? mode : 0;
	how.resolve = RESOLVE_NO_MAGICLINKS;
	if (!(flags & VB_SAFEFS_FOLLOW))
		how.resolve |= RESOLVE_NO_SYMLINKS;
	if (flags & VB_SAFEFS_BENEATH)
		how.resolve |= RESOLVE_BENEATH;
	if (openat2_missing != 1) {
		fd = sys_openat2(dirfd, path, &how);
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG)) {
			openat2_missing = 0;
			return fd;
		}
		if (errno == ENOSYS)
			openat2_missing = 1;
	}
	if (flags & VB_SAFEFS_FOLLOW) { /* beneath, links allowed: no portable walk */
		errno = ENOSYS;
		return -1;
	}
	return walk(dirfd, path, oflags, mode, flags);
}

void vb_safefs_test_walk_only(int on)
{
	openat2_missing = on ? 1 : -1;
}

int vb_safefs_open_dir(int dirfd, const char *path, unsigned flags)
{
	return vb_safefs_openat(dirfd, path, O_RDONLY | O_DIRECTORY, 0, flags);
}

int vb_safefs_open_parent(int dirfd, const char *path, char *name, size_t len, unsigned flags)
{
	size_t n = strlen(path);
	const char *slash;
	char *parent;
	int fd, e;

	while (n > 1 && path[n - 1] == '/')
		n--; /* "a/b/" names b */
	slash = memrchr(path, '/', n);
	if (!slash) {
		if (n >= len || !n) {
			errno = n ? ENAMETOOLONG : EINVAL;
			return -1;
		}
		memcpy(name, path, n);
		name[n] = '\0';
		if (!strcmp(name, ".") || !strcmp(name, "..")) {
			errno = EINVAL;
			return -1;
		}
		return dirfd == AT_FDCWD ? open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
					 : fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	}
	if ((size_t)(path + n - slash - 1) >= len || path + n - slash - 1 == 0) {
		errno = path + n - slash - 1 ? ENAMETOOLONG : EINVAL;
		return -1;
	}
	memcpy(name, slash + 1, (size_t)(path + n - slash - 1));
	name[path + n - slash - 1] = '\0';
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		errno = EINVAL;
		return -1;
	}
	parent = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!parent)
		return -1;
	fd = vb_safefs_open_dir(dirfd, parent, flags);
	e = errno;
	free(parent);
	errno = e;
	return fd;
}

int vb_safefs_is_mount_root(int dirfd, const char *name)
{
	struct statx sx;

	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
		return 0;
	return (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* Remove @name in @dfd; entries kept (mount points, other filesystems,
 * errors) are counted in *@kept. */
static void rm_at(int dfd, const char *name, dev_t dev, int depth, unsigned *kept)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		*kept += errno != ENOENT;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		*kept += unlinkat(dfd, name, 0) < 0 && errno != ENOENT;
		return;
	}
	if (st.st_dev != dev || depth > MAX_DEPTH || vb_safefs_is_mount_root(dfd, name)) {
		(*kept)++;
		return;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		(*kept)++;
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			rm_at(dirfd(d), de->d_name, dev, depth + 1, kept);
	closedir(d);
	*kept += unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT;
}

int vb_safefs_rm_tree_at(int dirfd, const char *name)
{
	struct stat st;
	unsigned kept = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode) && vb_safefs_is_mount_root(dirfd, name))
		return 1;
	rm_at(dirfd, name, st.st_dev, 0, &kept);
	return (int)kept;
}

const char *vb_safefs_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFLNK:
		return "a symbolic link";
	default:
		return "not a regular file";
	}
}

int vb_safefs_open_regular(int dirfd, const char *path, unsigned flags, const char *what,
			   vb_error_t *err)
{
	struct stat st;
	int fd, e;

	fd = vb_safefs_openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, flags);
	if (fd < 0) {
		e = errno;
		if (e == ELOOP)
			return vb_error_set(err, VB_EUSAGE, 0, "%s: a symbolic link is in the path",
					    what);
		return vb_error_set(err,
				    e == ENOENT || e == ENOTDIR || e == EACCES ? VB_EUSAGE : VB_ESYS,
				    e, "%s", what);
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return vb_error_set(err, VB_ESYS, e, "%s", what);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return vb_error_set(err, VB_EUSAGE, 0, "%s: is %s, not a regular file", what,
				    vb_safefs_kind(st.st_mode));
	}
	return fd;
}

char *vb_safefs_read_regular(int dirfd, const char *path, unsigned flags, size_t max,
			     size_t *lenp, const char *what, vb_error_t *err)
{
	struct stat st;
	char *buf = NULL;
	int fd = vb_safefs_open_regular(dirfd, path, flags, what, err);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size > max)
		vb_error_set(err, VB_EUSAGE, 0, "%s: larger than %zu bytes", what, max);
	else
		buf = vb_read_fd(fd, max, VB_READ_STRICT, lenp, what, err);
	close(fd);
	return buf;
}
