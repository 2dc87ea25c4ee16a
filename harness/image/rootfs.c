/*
 * rootfs.c - minimal root filesystems (rootfs.h): the program and the
 * libraries the library search (libsearch.c) finds for it, copied into a
 * new private directory with the empty directories and mount points a
 * container needs.
 */
#include "harness/image/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "harness/core/undo.h"
#include "harness/image/libsearch.h"
#include "lib/safefs.h"
#include "lib/util.h"

/* ==== the program and its libraries ===================================== */

/* See rootfs.h.  Inside the tree every directory is real (no symlinks),
 * so this is exactly what the kernel resolves there. */
int vb_rootfs_normalize(const char *in, char *out, size_t len)
{
	if (in[0] != '/' || len < 2 || in == out)
		return -1;
	return vb_safefs_normalize(in, out, len);
}

int vb_rootfs_resolve(vb_rootfs_t *rf, const char *program, vb_error_t *err)
{
	char real[PATH_MAX];

	rf->nlibs = rf->nextra = 0;
	rf->interp[0] = rf->libpath[0] = '\0';
	if (!realpath(program, real))
		return vb_error_sys(err, "program %s", program);
	snprintf(rf->program, sizeof(rf->program), "%s", real);
	snprintf(rf->inside, sizeof(rf->inside), "%s/%s", VB_ROOTFS_BINDIR,
		 strrchr(real, '/') ? strrchr(real, '/') + 1 : real);
	if (vb_libsearch_closure(real, rf->interp, sizeof(rf->interp), rf->libs, VB_ROOTFS_MAX_LIBS,
				 &rf->nlibs, err) < 0)
		return -1;
	vb_libsearch_libpath(rf->libs, rf->nlibs, rf->libpath, sizeof(rf->libpath));
	return 0;
}

/* The index of the library at @path in @rf, or -1. */
static int lib_index(const vb_rootfs_t *rf, const char *path)
{
	size_t k;

	for (k = 0; k < rf->nlibs; k++)
		if (!strcmp(rf->libs[k].path, path))
			return (int)k;
	return -1;
}

int vb_rootfs_add_program(vb_rootfs_t *rf, const char *program, vb_error_t *err)
{
	vb_lib_t *libs = calloc(VB_ROOTFS_MAX_LIBS, sizeof(*libs));
	char real[PATH_MAX], interp[PATH_MAX], inside[PATH_MAX];
	size_t n = 0, i, k, base = rf->nlibs;
	int rc = -1;

	if (!libs)
		return vb_error_set(err, VB_ESYS, ENOMEM, "libraries of %s", program);
	if (rf->nextra == VB_ROOTFS_MAX_EXTRA) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: more than %d programs besides %s", program,
			     VB_ROOTFS_MAX_EXTRA, rf->program);
		goto out;
	}
	if (!realpath(program, real)) {
		vb_error_sys(err, "program %s", program);
		goto out;
	}
	/* the name it was given: a program may act on it (Debian's
	 * redis-server is a link to redis-check-rdb, which reads argv[0]) */
	snprintf(inside, sizeof(inside), "%s/%s", VB_ROOTFS_BINDIR,
		 strrchr(program, '/') ? strrchr(program, '/') + 1 : program);
	for (k = 0; k < rf->nextra; k++)
		if (!strcmp(rf->extra[k].inside, inside))
			break;
	if (k < rf->nextra || !strcmp(rf->inside, inside)) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: %s is taken", program, inside);
		goto out;
	}
	if (vb_libsearch_closure(real, interp, sizeof(interp), libs, VB_ROOTFS_MAX_LIBS, &n, err) <
	    0)
		goto out;
	if (interp[0] && rf->interp[0] && strcmp(interp, rf->interp)) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: its interpreter %s is not %s's (%s)", program,
			     interp, rf->program, rf->interp);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (lib_index(rf, libs[i].path) >= 0)
			continue; /* the first program's (or an earlier one's) already */
		if (rf->nlibs == VB_ROOTFS_MAX_LIBS) {
			vb_error_set(err, VB_EUSAGE, 0, "%s: more than %d libraries in all", program,
				     VB_ROOTFS_MAX_LIBS);
			rf->nlibs = base;
			goto out;
		}
		rf->libs[rf->nlibs] = libs[i];
		/* the program's own, or where its library is in the merged list
		 * (found before it) */
		rf->libs[rf->nlibs].needed_by = libs[i].needed_by < 0
						     ? VB_ROOTFS_NEEDED_BY_EXTRA(rf->nextra)
						     : lib_index(rf, libs[libs[i].needed_by].path);
		rf->nlibs++;
	}
	if (!rf->interp[0] && interp[0])
		snprintf(rf->interp, sizeof(rf->interp), "%s", interp);
	snprintf(rf->extra[rf->nextra].program, sizeof(rf->extra[0].program), "%s", real);
	snprintf(rf->extra[rf->nextra].inside, sizeof(rf->extra[0].inside), "%s", inside);
	rf->nextra++;
	vb_libsearch_libpath(rf->libs, rf->nlibs, rf->libpath, sizeof(rf->libpath));
	rc = 0;
out:
	free(libs);
	return rc;
}

/* ==== assembly ========================================================= */

/* Copy @src (following symlinks) to @rf->dir + @dst, creating parents. */
static int copy_in(vb_rootfs_t *rf, const char *src, const char *dst, vb_error_t *err)
{
	char to[PATH_MAX], parent[PATH_MAX], buf[1 << 16];
	int in, out, rc = -1;
	struct stat st;
	ssize_t n, w;
	size_t off;

	if ((size_t)snprintf(to, sizeof(to), "%s%s", rf->dir, dst) >= sizeof(to))
		return vb_error_set(err, VB_EUSAGE, 0, "path too long: %s%s", rf->dir, dst);
	vb_path_dir(to, parent, sizeof(parent));
	if (vb_mkdir_p(parent, 0755, err) < 0)
		return -1;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return vb_error_sys(err, "open %s", src);
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		vb_error_set(err, VB_EUSAGE, errno, "%s: not a regular file", src);
		close(in);
		return -1;
	}
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700);
	if (out < 0) {
		vb_error_sys(err, "create %s", to);
		close(in);
		return -1;
	}
	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			vb_error_sys(err, "read %s", src);
			goto out;
		}
		if (n == 0)
			break;
		for (off = 0; off < (size_t)n; off += (size_t)w) {
			w = write(out, buf + off, (size_t)n - off);
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0) {
				vb_error_sys(err, "write %s", to);
				goto out;
			}
		}
		rf->bytes += (uint64_t)n;
	}
	if (fchmod(out, (st.st_mode & 0111) ? 0755 : 0644) < 0) {
		vb_error_sys(err, "chmod %s", to);
		goto out;
	}
	rf->files++;
	rc = 0;
out:
	close(in);
	if (close(out) < 0 && !rc)
		rc = vb_error_sys(err, "write %s", to);
	return rc;
}

const vb_rootfs_text_t vb_rootfs_texts[VB_ROOTFS_NTEXTS] = {
	{ "/etc/passwd", "root:x:0:0:root:/:/bin/false\n"
			 "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n" },
	{ "/etc/group", "root:x:0:\nnogroup:x:65534:\n" },
};

/* Text @t into the new tree (a new file: the tree is ours alone). */
static int write_text(vb_rootfs_t *rf, const vb_rootfs_text_t *t, vb_error_t *err)
{
	char to[PATH_MAX];
	size_t len = strlen(t->text);

	snprintf(to, sizeof(to), "%s%s", rf->dir, t->path);
	if (vb_write_new(to, t->text, len, 0644, err) < 0)
		return -1;
	rf->files++;
	rf->bytes += len;
	return 0;
}

int vb_rootfs_mkdir(const char *root, const char *path, vb_error_t *err)
{
	char pre[PATH_MAX], norm[PATH_MAX], p[PATH_MAX * 2];
	size_t i, len = strlen(path);

	if (path[0] != '/' || len >= sizeof(pre))
		return vb_error_set(err, VB_EUSAGE, 0, "mount point %s is not absolute", path);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i])
			continue;
		memcpy(pre, path, i);
		pre[i] = '\0';
		if (vb_rootfs_normalize(pre, norm, sizeof(norm)) < 0)
			return vb_error_set(err, VB_EUSAGE, 0, "mount point %s too long", path);
		snprintf(p, sizeof(p), "%s%s", root, norm);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return vb_error_sys(err, "create directory %s", p);
	}
	return 0;
}

/* @path is @dir or below it. */
static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strcmp(dir, "/") || (!strncmp(path, dir, n) && (path[n] == '/' || !path[n]));
}

/* A bind-mount point must not hide the tree's files nor sit in /proc etc. */
static int check_mount(const vb_rootfs_t *rf, const char *mp, vb_error_t *err)
{
	static const char *const reserved[] = { "/proc", "/dev", "/sys" };
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(reserved); i++)
		if (under(mp, reserved[i]))
			return vb_error_set(err, VB_EUSAGE, 0,
					    "cannot bind-mount %s into a container: under %s", mp,
					    reserved[i]);
	if (under(rf->inside, mp) || (rf->interp[0] && under(rf->interp, mp)))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "cannot bind-mount %s into a container: it would hide %s", mp,
				    under(rf->inside, mp) ? rf->inside : rf->interp);
	for (i = 0; i < rf->nlibs; i++)
		if (under(rf->libs[i].path, mp))
			return vb_error_set(err, VB_EUSAGE, 0,
					    "cannot bind-mount %s into a container: it would hide %s",
					    mp, rf->libs[i].path);
	for (i = 0; i < rf->nextra; i++)
		if (under(rf->extra[i].inside, mp))
			return vb_error_set(err, VB_EUSAGE, 0,
					    "cannot bind-mount %s into a container: it would hide %s",
					    mp, rf->extra[i].inside);
	return 0;
}

int vb_rootfs_add_programs(vb_rootfs_t *rf, const char *const *programs, vb_error_t *err)
{
	size_t i;

	for (i = 0; programs && programs[i]; i++)
		if (vb_rootfs_add_program(rf, programs[i], err) < 0)
			return -1;
	return 0;
}

int vb_rootfs_build(vb_rootfs_t *rf, const char *program, const char *const *programs,
		    const char *parent, const char *const *mounts, size_t nmounts, vb_error_t *err)
{
	memset(rf, 0, sizeof(*rf));
	if (vb_rootfs_resolve(rf, program, err) < 0 || vb_rootfs_add_programs(rf, programs, err) < 0)
		return vb_error_prefix(err, "rootfs");
	return vb_rootfs_assemble(rf, parent, mounts, nmounts, err);
}

int vb_rootfs_assemble(vb_rootfs_t *rf, const char *parent, const char *const *mounts,
		       size_t nmounts, vb_error_t *err)
{
	static const char *const dirs[] = { "/proc", "/dev", "/tmp", "/sys", "/etc" };
	char p[PATH_MAX], mp[PATH_MAX] = "";
	size_t i;

	for (i = 0; i < nmounts; i++) {
		if (vb_rootfs_normalize(mounts[i], mp, sizeof(mp)) < 0)
			return vb_error_set(err, VB_EUSAGE, 0, "mount point %s is not absolute",
					    mounts[i]);
		if (check_mount(rf, mp, err) < 0)
			return -1;
	}
	snprintf(rf->dir, sizeof(rf->dir), "%s/vbench-rootfs-%s-XXXXXX", parent, vb_marker_run_id());
	if (!mkdtemp(rf->dir)) {
		vb_error_sys(err, "create rootfs directory in %s", parent);
		rf->dir[0] = '\0';
		return -1;
	}
	rf->res = vb_undo_add_path(VB_UNDO_DIR, rf->dir);
	if (chmod(rf->dir, 0755) < 0) {
		vb_error_sys(err, "chmod %s", rf->dir);
		goto fail;
	}
	for (i = 0; i < VB_ARRAY_SIZE(dirs); i++) {
		snprintf(p, sizeof(p), "%s%s", rf->dir, dirs[i]);
		if (vb_mkdir_p(p, 0755, err) < 0)
			goto fail;
	}
	if (copy_in(rf, rf->program, rf->inside, err) < 0 ||
	    (rf->interp[0] && copy_in(rf, rf->interp, rf->interp, err) < 0))
		goto fail;
	for (i = 0; i < rf->nlibs; i++)
		if (copy_in(rf, rf->libs[i].path, rf->libs[i].path, err) < 0)
			goto fail;
	for (i = 0; i < rf->nextra; i++)
		if (copy_in(rf, rf->extra[i].program, rf->extra[i].inside, err) < 0)
			goto fail;
	for (i = 0; i < VB_ROOTFS_NTEXTS; i++)
		if (write_text(rf, &vb_rootfs_texts[i], err) < 0)
			goto fail;
	for (i = 0; i < nmounts; i++)
		if (vb_rootfs_mkdir(rf->dir, mounts[i], err) < 0)
			goto fail;
	return 0;
fail:
	vb_error_prefix(err, "rootfs %s", rf->dir);
	vb_rootfs_destroy(rf);
	return -1;
}

json_t *vb_rootfs_libs_json(const vb_rootfs_t *rf)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < rf->nlibs; i++)
		json_array_append_new(
		    a, json_pack("{s:s,s:s,s:s}", "name", rf->libs[i].name, "path", rf->libs[i].path,
				 "needed_by",
				 rf->libs[i].needed_by >= 0 ? rf->libs[rf->libs[i].needed_by].path
				 : rf->libs[i].needed_by == -1
				     ? rf->program
				     : rf->extra[-2 - rf->libs[i].needed_by].program));
	return a;
}

json_t *vb_rootfs_to_json(const vb_rootfs_t *rf)
{
	json_t *o, *ex = json_array();
	size_t i;

	for (i = 0; ex && i < rf->nextra; i++)
		json_array_append_new(ex, json_pack("{s:s,s:s}", "program", rf->extra[i].program,
						    "inside", rf->extra[i].inside));
	o = json_pack("{s:s,s:s,s:s?,s:o,s:s?,s:I,s:I,s:s}", "dir", rf->dir, "program",
			 rf->program, "interpreter", rf->interp[0] ? rf->interp : NULL, "libraries",
			 vb_rootfs_libs_json(rf), "ld_library_path",
			 rf->libpath[0] ? rf->libpath : NULL, "files", (json_int_t)rf->files, "bytes",
			 (json_int_t)rf->bytes, "resolved_by",
			 "ELF DT_NEEDED closure (RPATH, LD_LIBRARY_PATH, RUNPATH, ld.so.conf, "
			 "system directories), copied at host paths");
	if (o && rf->nextra)
		json_object_set_new(o, "programs", ex);
	else
		json_decref(ex);
	return o;
}

void vb_rootfs_destroy(vb_rootfs_t *rf)
{
	if (rf->res) {
		vb_undo_release(rf->res);
		rf->res = 0;
	} else if (rf->dir[0]) {
		vb_rm_rf(rf->dir);
	}
	rf->dir[0] = '\0';
}
