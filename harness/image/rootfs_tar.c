/*
 * rootfs_tar.c - the minimal root filesystem as a tar stream, and its
 * content hash (rootfs.h).
 *
 * Container engines import an image from a tarball (`podman import`,
 * `docker import`), so the tree vb_rootfs_build would assemble on disk is
 * written straight into a tar with libarchive from the resolved program,
 * interpreter and libraries: no copy of the tree first.  Entries are owned
 * by root with mtime 0, so the same inputs give the same bytes.  The hash
 * covers every path and every byte that goes in, so an image tagged with it
 * is rebuilt exactly when the agent or one of its libraries changes.
 */
#include "harness/image/rootfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/image/cachefile.h"
#include "lib/util.h"

#define TAR_MAX_DIRS 256 /* directories in the tree (parents of every file) */

/* The empty directories every tree has (vb_rootfs_build makes the same). */
static const char *const base_dirs[] = { "/proc", "/dev", "/tmp", "/sys", "/etc" };

typedef struct dirset {
	char (*d)[PATH_MAX]; /* absolute paths, parents before children */
	size_t n;
} dirset_t;

/* Add @path's parent directories (not @path itself when @file), then @path. */
static int add_dirs(dirset_t *s, const char *path, int file, vb_error_t *err)
{
	char pre[PATH_MAX];
	size_t i, k, len = strlen(path);

	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i])
			continue;
		if (!path[i] && file)
			break;
		snprintf(pre, sizeof(pre), "%.*s", (int)i, path);
		for (k = 0; k < s->n && strcmp(s->d[k], pre); k++)
			;
		if (k < s->n)
			continue;
		if (s->n == TAR_MAX_DIRS)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "more than %d directories in the tree", TAR_MAX_DIRS);
		memcpy(s->d[s->n++], pre, strlen(pre) + 1);
	}
	return 0;
}

int vb_rootfs_tar_copy_file(struct archive *a, const char *src, vb_error_t *err)
{
	char buf[1 << 16];
	ssize_t n;
	int fd = open(src, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return vb_error_sys(err, "open %s", src);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || archive_write_data(a, buf, (size_t)n) != n) {
			vb_error_set(err, VB_ESYS, n < 0 ? errno : 0, "copy %s: %s", src,
				     n < 0 ? "read" : archive_error_string(a));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

/* @ae made the header of an entry at @path inside: owned by root, time 0
 * (reproducible bytes), of @type (AE_IFDIR, AE_IFREG), @perm and @size. */
static void entry_head(struct archive_entry *ae, const char *path, unsigned type, unsigned perm,
		       uint64_t size)
{
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, path + 1); /* "usr/libexec/vbench/vbench-agent" */
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_mtime(ae, 0, 0);
	archive_entry_set_filetype(ae, type);
	archive_entry_set_perm(ae, perm);
	archive_entry_set_nlink(ae, type == AE_IFDIR ? 2 : 1);
	if (type == AE_IFREG)
		archive_entry_set_size(ae, (la_int64_t)size);
}

/* A regular file of @text at @path inside (0644). */
static int write_text(struct archive *a, struct archive_entry *ae, const char *path,
		      const char *text, vb_error_t *err)
{
	size_t len = strlen(text);

	entry_head(ae, path, AE_IFREG, 0644, len);
	if (archive_write_header(a, ae) != ARCHIVE_OK ||
	    archive_write_data(a, text, len) != (la_ssize_t)len)
		return vb_error_set(err, VB_ESYS, 0, "tar entry %s: %s", path,
				    archive_error_string(a));
	return 0;
}

/* One entry: a directory (@src NULL) or the host file @src at @path. */
static int write_entry(struct archive *a, struct archive_entry *ae, const char *path,
		       const char *src, vb_error_t *err)
{
	struct stat st;

	if (!src)
		entry_head(ae, path, AE_IFDIR, 0755, 0);
	else if (stat(src, &st) < 0)
		return vb_error_sys(err, "%s", src);
	else
		entry_head(ae, path, AE_IFREG, (st.st_mode & 0111) ? 0755 : 0644,
			   (uint64_t)st.st_size);
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		return vb_error_set(err, VB_ESYS, 0, "tar entry %s: %s", path,
				    archive_error_string(a));
	return src ? vb_rootfs_tar_copy_file(a, src, err) : 0;
}

/* The files of the tree: [i] = {path inside, host source}; returns count. */
static size_t tree_files(const vb_rootfs_t *rf, const char *inside[], const char *src[])
{
	size_t n = 0, i;

	inside[n] = rf->inside;
	src[n++] = rf->program;
	if (rf->interp[0]) {
		inside[n] = rf->interp;
		src[n++] = rf->interp;
	}
	for (i = 0; i < rf->nlibs; i++) {
		inside[n] = rf->libs[i].path;
		src[n++] = rf->libs[i].path;
	}
	for (i = 0; i < rf->nextra; i++) {
		inside[n] = rf->extra[i].inside;
		src[n++] = rf->extra[i].program;
	}
	return n;
}

int vb_rootfs_tar(const vb_rootfs_t *rf, int fd, vb_error_t *err)
{
	const char *inside[VB_ROOTFS_MAX_LIBS + VB_ROOTFS_MAX_EXTRA + 2],
		   *src[VB_ROOTFS_MAX_LIBS + VB_ROOTFS_MAX_EXTRA + 2];
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	dirset_t dirs = { calloc(TAR_MAX_DIRS, PATH_MAX), 0 };
	size_t n = tree_files(rf, inside, src), i;
	int rc = -1;

	if (!a || !ae || !dirs.d) {
		vb_error_set(err, VB_ESYS, ENOMEM, "libarchive");
		goto out;
	}
	for (i = 0; i < VB_ARRAY_SIZE(base_dirs); i++)
		if (add_dirs(&dirs, base_dirs[i], 0, err) < 0)
			goto out;
	for (i = 0; i < n; i++)
		if (add_dirs(&dirs, inside[i], 1, err) < 0)
			goto out;
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		vb_error_set(err, VB_ESYS, 0, "tar: %s", archive_error_string(a));
		goto out;
	}
	for (i = 0; i < dirs.n; i++)
		if (write_entry(a, ae, dirs.d[i], NULL, err) < 0)
			goto out;
	for (i = 0; i < n; i++)
		if (write_entry(a, ae, inside[i], src[i], err) < 0)
			goto out;
	for (i = 0; i < VB_ROOTFS_NTEXTS; i++)
		if (write_text(a, ae, vb_rootfs_texts[i].path, vb_rootfs_texts[i].text, err) < 0)
			goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		vb_error_set(err, VB_ESYS, 0, "tar: %s", archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	free(dirs.d);
	if (ae)
		archive_entry_free(ae);
	if (a)
		archive_write_free(a);
	return rc;
}

int vb_rootfs_hash(const vb_rootfs_t *rf, uint64_t *hash, vb_error_t *err)
{
	const char *inside[VB_ROOTFS_MAX_LIBS + VB_ROOTFS_MAX_EXTRA + 2],
		   *src[VB_ROOTFS_MAX_LIBS + VB_ROOTFS_MAX_EXTRA + 2];
	static const char version[] = "vbench rootfs tar 2"; /* 2: with the texts */
	size_t n = tree_files(rf, inside, src), i;
	uint64_t h = vb_cachefile_fnv1a64(VB_FNV_INIT, version, sizeof(version));

	for (i = 0; i < n; i++) {
		h = vb_cachefile_fnv1a64(h, inside[i], strlen(inside[i]) + 1);
		if (vb_cachefile_fnv1a64_file(&h, src[i], err) < 0)
			return -1;
	}
	for (i = 0; i < VB_ROOTFS_NTEXTS; i++) {
		h = vb_cachefile_fnv1a64(h, vb_rootfs_texts[i].path,
					 strlen(vb_rootfs_texts[i].path) + 1);
		h = vb_cachefile_fnv1a64(h, vb_rootfs_texts[i].text,
					 strlen(vb_rootfs_texts[i].text) + 1);
	}
	*hash = h;
	return 0;
}
