/*
 * safefs_dir.c - writing beneath a directory descriptor (safefs.h): a file
 * replaced atomically by a temporary file and renameat(), a directory path
 * created one component at a time without following a link (and undone
 * after a failure), the lexical normalisation that makes that possible,
 * and, for an error, which component of a path is the link and which
 * filesystem a full disk is.
 *
 * renameat() replaces whatever the name is (a symbolic link included)
 * without following it, and the temporary file is created O_EXCL |
 * O_NOFOLLOW beneath the descriptor, so nothing written here can land
 * outside the directory the caller opened.  The files vbench appends to or
 * locks in place (agent.log, the VM logs, .vbench.lock) cannot be
 * replaced like that: vb_safefs_open_own opens one only when it is
 * vbench's own, which a hard link to a file elsewhere or a file another
 * user planted is not.
 */
#include "lib/safefs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lib/mountinfo.h"
#include "lib/util.h"

/* ---- names -------------------------------------------------------------- */

int vb_safefs_check_path(const char *path, const char *what, vb_error_t *err)
{
	const unsigned char *p;

	if (!path || !*path)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: empty path", what);
	for (p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "%s: the path holds a control character (byte 0x%02x at "
					    "offset %zu)",
					    what, *p, (size_t)(p - (const unsigned char *)path));
	if (strlen(path) >= PATH_MAX - 64)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: path longer than %d bytes", what,
				    PATH_MAX - 64);
	return 0;
}

/* One component: no '/', not empty, ".", "..". */
static int one_component(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

int vb_safefs_normalize(const char *path, char *out, size_t len)
{
	size_t n = 0, base, clen, need;
	const char *p, *e;
	char *slash;

	if (len < 2)
		return errno = ENAMETOOLONG, -1;
	if (path[0] == '/')
		out[n++] = '/';
	base = n; /* what a ".." never removes: "/", or the leading "../.." */
	for (p = path; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, '/');
		clen = (size_t)(e - p);
		if (!clen || (clen == 1 && p[0] == '.'))
			continue;
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			if (n > base) { /* drop the last component */
				out[n] = '\0';
				slash = strrchr(out + base, '/');
				n = slash ? (size_t)(slash - out) : base;
				continue;
			}
			if (path[0] == '/')
				continue; /* "/.." is "/" */
		}
		need = (n && out[n - 1] != '/') + clen;
		if (n + need + 1 > len)
			return errno = ENAMETOOLONG, -1;
		if (n && out[n - 1] != '/')
			out[n++] = '/';
		memcpy(out + n, p, clen);
		n += clen;
		if (clen == 2 && p[0] == '.' && p[1] == '.')
			base = n;
	}
	if (!n)
		out[n++] = '.';
	out[n] = '\0';
	return 0;
}

int vb_safefs_find_link(const char *path, char *buf, size_t len)
{
	struct stat st;
	size_t i, n = strlen(path);

	for (i = 1; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		if (i >= len)
			return 0;
		memcpy(buf, path, i);
		buf[i] = '\0';
		if (lstat(buf, &st) == 0 && S_ISLNK(st.st_mode))
			return 1;
	}
	buf[0] = '\0';
	return 0;
}

/* The category of a failed open or mkdir's errno @e: a full, read-only or
 * failing filesystem is a missing resource (exit 4), not a bad path. */
static vb_errcode_t code_of(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
	case EROFS:
	case EIO:
		return VB_ERESOURCE;
	case ENOENT:
	case ENOTDIR:
	case EACCES:
	case ENAMETOOLONG:
		return VB_EUSAGE;
	default:
		return VB_ESYS;
	}
}

/* The error for a path @what that could not be opened (@e its errno). */
static int open_error(const char *path, const char *what, int e, vb_error_t *err)
{
	char link[PATH_MAX];

	if (e == ELOOP) {
		if (vb_safefs_find_link(path, link, sizeof(link)))
			return vb_error_set(err, VB_EUSAGE, 0,
					    "%s: %s is a symbolic link (vbench does not write "
					    "through links: give the real path)",
					    what, link);
		return vb_error_set(err, VB_EUSAGE, 0, "%s: a symbolic link is in the path", what);
	}
	return vb_error_set(err, code_of(e), e, "%s", what);
}

int vb_safefs_check_dir(int fd, const char *what, vb_error_t *err)
{
	uid_t me = geteuid();
	struct stat st;

	if (fstat(fd, &st) < 0)
		return vb_error_sys(err, "%s", what);
	if (st.st_uid != me && st.st_uid != 0)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: belongs to user %u (vbench writes only in directories of "
				    "its own user or root)",
				    what, (unsigned)st.st_uid);
	if (st.st_mode & S_ISVTX)
		return 0; /* others may add names, never rename or remove vbench's */
	if (st.st_mode & S_IWOTH)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: writable by other users (mode %04o, no sticky bit): give a "
				    "directory only its owner can write",
				    what, (unsigned)(st.st_mode & 07777));
	if ((st.st_mode & S_IWGRP) && me == 0)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: writable by its group %u (mode %04o, no sticky bit) while "
				    "vbench runs as root: give a directory only its owner can write",
				    what, (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777));
	return 0;
}

int vb_safefs_open_dir_msg(const char *path, const char *what, vb_error_t *err)
{
	int fd = vb_safefs_open_dir(AT_FDCWD, path, 0);

	if (fd < 0)
		return open_error(path, what, errno, err);
	if (vb_safefs_check_dir(fd, what, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- creating directories --------------------------------------------------- */

int vb_safefs_mkdir_p(const char *path, unsigned mode, vb_safefs_made_t *made, vb_error_t *err)
{
	char norm[PATH_MAX], *comp, *save = NULL, *copy;
	int cur, fd, e;

	made->levels = 0;
	made->path[0] = '\0';
	if (vb_safefs_normalize(path, norm, sizeof(norm)) < 0)
		return vb_error_set(err, VB_EUSAGE, ENAMETOOLONG, "%s", path);
	snprintf(made->path, sizeof(made->path), "%s", norm);
	cur = open(norm[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return vb_error_sys(err, "%s", path);
	copy = strdup(norm);
	if (!copy) {
		close(cur);
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s", path);
	}
	for (comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, "..") && strcmp(comp, ".")) {
			if (mkdirat(cur, comp, mode) == 0)
				made->levels++;
			else if (errno != EEXIST || made->levels)
				goto fail; /* once one is created the rest must be new */
		}
		fd = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			struct stat st;

			if (errno == ENOTDIR && fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				errno = ELOOP;
			goto fail;
		}
		close(cur);
		cur = fd;
	}
	free(copy);
	if (vb_safefs_check_dir(cur, path, err) < 0) {
		close(cur);
		vb_safefs_unmake(made);
		return -1;
	}
	return cur;
fail:
	e = errno;
	free(copy);
	close(cur);
	vb_safefs_unmake(made);
	return open_error(path, path, e, err);
}

int vb_safefs_unmake(vb_safefs_made_t *made)
{
	char name[NAME_MAX + 1];
	size_t n;
	int removed = 0, pfd;

	while (made->levels) {
		pfd = vb_safefs_open_parent(AT_FDCWD, made->path, name, sizeof(name), 0);
		if (pfd < 0)
			break;
		if (unlinkat(pfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
			close(pfd);
			break; /* not empty: what is in it stays, and its parents */
		}
		close(pfd);
		removed++;
		made->levels--;
		n = strlen(made->path);
		while (n > 1 && made->path[n - 1] != '/')
			n--;
		made->path[n > 1 ? n - 1 : n] = '\0';
	}
	made->levels = 0;
	return removed;
}

/* ---- replacing a file ------------------------------------------------------ */

/* Create a new temporary file for @name beneath @dirfd; its name into @tmp. */
static int create_temp(int dirfd, const char *name, char *tmp, size_t len)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[8];
	int tries, fd, n;
	size_t i;

	for (tries = 0; tries < 100; tries++) {
		if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
			uint64_t v = vb_now_ns() ^ ((uint64_t)getpid() << 20) ^ (uint64_t)tries;

			memcpy(r, &v, sizeof(r));
		}
		n = snprintf(tmp, len, ".%.200s" VB_SAFEFS_TEMP_MARK, name);
		if (n < 0 || (size_t)n + sizeof(r) >= len)
			return errno = ENAMETOOLONG, -1;
		for (i = 0; i < sizeof(r); i++)
			tmp[(size_t)n + i] = abc[r[i] % (sizeof(abc) - 1)];
		tmp[(size_t)n + sizeof(r)] = '\0';
		fd = vb_safefs_openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL, 0600,
				      VB_SAFEFS_BENEATH);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

int vb_safefs_replace_at(int dirfd, const char *name, const void *data, size_t len,
			 unsigned mode, const char *what, vb_error_t *err)
{
	char tmp[NAME_MAX + 1];
	const char *step;
	int fd, e;

	if (!one_component(name))
		return vb_error_set(err, VB_EUSAGE, EINVAL, "%s", what);
	fd = create_temp(dirfd, name, tmp, sizeof(tmp));
	if (fd < 0)
		return vb_error_set(err, VB_ESYS, errno, "%s: create a temporary file", what);
	step = "write";
	if (fchmod(fd, mode) < 0 || vb_write_all(fd, data, len) < 0 || (step = "sync", fsync(fd) < 0))
		goto fail;
	step = "close";
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	step = "rename";
	if (renameat(dirfd, tmp, dirfd, name) < 0)
		goto fail;
	/* The new name durable too (EINVAL: a filesystem that cannot sync a
	 * directory, where there is nothing more to do). */
	if (fsync(dirfd) < 0 && errno != EINVAL)
		return vb_error_set(err, VB_ESYS, errno, "%s: sync its directory", what);
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	return vb_error_set(err, VB_ESYS, e, "%s: %s", what, step);
}

/* Whether @s is "." @base @mark and 8 of [a-z0-9] (@base NULL: any). */
static int temp_of(const char *s, const char *base, const char *mark)
{
	const char *m;
	size_t i;

	if (s[0] != '.')
		return 0;
	if (base) {
		if (strncmp(s + 1, base, strlen(base)) || strncmp(s + 1 + strlen(base), mark, strlen(mark)))
			return 0;
		m = s + 1 + strlen(base);
	} else {
		m = strstr(s + 1, mark);
		if (!m || m == s + 1)
			return 0;
	}
	for (i = 0, m += strlen(mark); i < 8; i++)
		if (!((m[i] >= 'a' && m[i] <= 'z') || (m[i] >= '0' && m[i] <= '9')))
			return 0;
	return m[8] == '\0';
}

int vb_safefs_remove_temps(int dirfd, const char *const *names)
{
	struct dirent *de;
	struct stat st;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), removed = 0, hit;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	size_t i;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		hit = !names && (temp_of(de->d_name, NULL, VB_SAFEFS_TEMP_MARK));
		for (i = 0; names && names[i] && !hit; i++)
			hit = temp_of(de->d_name, names[i], VB_SAFEFS_TEMP_MARK) ||
			      temp_of(de->d_name, names[i], ".tmp."); /* named so before */
		if (hit && fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && unlinkat(dirfd, de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

/* ---- files of vbench's own ---------------------------------------------------- */

/* The error for @name in @dirfd that could not be opened (@e its errno). */
static int own_open_error(int dirfd, const char *name, const char *what, int e, vb_error_t *err)
{
	struct stat st;

	if (e == ELOOP)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s is a symbolic link (vbench does not write through links)",
				    what);
	/* ENXIO: a FIFO without a reader (O_NONBLOCK: never waited for), a socket */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: is %s, not a regular file", what,
				    vb_safefs_kind(st.st_mode));
	return vb_error_set(err, code_of(e), e, "%s", what);
}

/* What makes the open file whose status is @st not vbench's own, into @err;
 * 0 when it is vbench's. */
static int not_own(const struct stat *st, const char *what, vb_error_t *err)
{
	if (!S_ISREG(st->st_mode))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: is %s, not a regular file", what,
				    vb_safefs_kind(st->st_mode));
	if (st->st_nlink != 1)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: has %lu links (another name of a file elsewhere): refused, "
				    "remove it",
				    what, (unsigned long)st->st_nlink);
	if (st->st_uid != geteuid())
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: belongs to user %u, not to vbench's user %u: refused, remove "
				    "it",
				    what, (unsigned)st->st_uid, (unsigned)geteuid());
	return 0;
}

int vb_safefs_open_own(int dirfd, const char *name, unsigned how, unsigned mode, const char *what,
		       int *created, vb_error_t *err)
{
	int acc = (how & VB_OWN_RDWR) ? O_RDWR : O_WRONLY | ((how & VB_OWN_APPEND) ? O_APPEND : 0);
	int fd = -1, made = 0, tries, e;
	struct stat st;

	if (created)
		*created = 0;
	if (!one_component(name))
		return vb_error_set(err, VB_EUSAGE, EINVAL, "%s", what);
	for (tries = 0; tries < 5; tries++) {
		fd = vb_safefs_openat(dirfd, name, acc | O_CREAT | O_EXCL | O_NONBLOCK | O_NOCTTY,
				      mode, VB_SAFEFS_BENEATH);
		made = fd >= 0;
		if (fd < 0 && errno == EEXIST) /* there already: opened as it is, checked first */
			fd = vb_safefs_openat(dirfd, name, acc | O_NONBLOCK | O_NOCTTY, 0,
					      VB_SAFEFS_BENEATH);
		if (fd < 0 && errno == ENOENT)
			continue; /* removed in between */
		if (fd < 0)
			return own_open_error(dirfd, name, what, errno, err);
		if (fstat(fd, &st) < 0) {
			e = errno;
			close(fd);
			return vb_error_set(err, VB_ESYS, e, "%s", what);
		}
		if (st.st_nlink) /* 0: removed in between (a lock's holder done) */
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return vb_error_set(err, VB_ESYS, 0, "%s: it keeps disappearing", what);
	if (not_own(&st, what, err) < 0)
		goto fail;
	if ((how & VB_OWN_TRUNC) && !made && ftruncate(fd, 0) < 0) {
		vb_error_sys(err, "%s: truncate", what);
		goto fail;
	}
	if ((how & VB_OWN_ABOVE2) && fd < 3) {
		int above = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		if (above < 0) {
			vb_error_sys(err, "%s", what);
			goto fail;
		}
		close(fd);
		fd = above;
	}
	if (created)
		*created = made;
	return fd;
fail:
	close(fd);
	return -1;
}

/* ---- which filesystem ------------------------------------------------------- */

/* The mount point of mount @id from /proc/self/mountinfo into @buf: 1, or 0. */
static int mount_point_of(uint64_t id, char *buf, size_t len)
{
	vb_mountinfo_t mi;
	vb_mount_t m;
	int found = 0;

	if (vb_mountinfo_open(&mi, NULL) < 0)
		return 0;
	while (!found && vb_mountinfo_next(&mi, &m))
		if (m.id == id) {
			snprintf(buf, len, "%s", m.point);
			found = 1;
		}
	vb_mountinfo_close(&mi);
	return found;
}

void vb_safefs_fs_describe(int fd, char *buf, size_t len)
{
	struct statx sx;
	struct statvfs sv;
	char mp[PATH_MAX] = "", a[32], b[32];

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 && (sx.stx_mask & STATX_MNT_ID))
		mount_point_of(sx.stx_mnt_id, mp, sizeof(mp));
	if (fstatvfs(fd, &sv) == 0 && sv.f_blocks)
		snprintf(buf, len, "the filesystem at %s has %s free of %s", mp[0] ? mp : "?",
			 vb_format_size((uint64_t)sv.f_bavail * sv.f_frsize, a, sizeof(a)),
			 vb_format_size((uint64_t)sv.f_blocks * sv.f_frsize, b, sizeof(b)));
	else
		snprintf(buf, len, "the filesystem at %s", mp[0] ? mp : "?");
}

int vb_safefs_write_atomic(const char *path, const char *data, size_t len, vb_error_t *err)
{
	char name[NAME_MAX + 1];
	int dfd, rc;

	/* the parent as the caller names it (links followed, as before); the
	 * file itself replaced beneath it, never through a link */
	dfd = vb_safefs_open_parent(AT_FDCWD, path, name, sizeof(name), VB_SAFEFS_FOLLOW);
	if (dfd < 0)
		return vb_error_sys(err, "%s", path);
	rc = vb_safefs_replace_at(dfd, name, data, len, 0644, path, err);
	close(dfd);
	return rc;
}
