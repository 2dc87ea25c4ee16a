/*
 * kernel.c - choose the guest kernel (kernel.h).
 *
 * The Debian path is the only one that changes anything on the host: it
 * creates /var/cache/vbench/kernels (0755), downloads into a private
 * temporary directory there and unpacks into another one, both registered
 * with the resource registry so an interrupted run leaves nothing behind.
 */
#include "harness/image/kernel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness/image/kmodinfo.h"
#include "harness/core/undo.h"
#include "harness/core/runproc.h"
#include "harness/core/marker.h"
#include "lib/util.h"
#include "lib/textsafe.h"

#define HEAD_MAX 65536 /* bytes of a bzImage searched for its version string */
#define APT_CACHE_MS 60000   /* apt-cache reads local lists */
#define DOWNLOAD_MS 900000   /* apt-get download: about 70 MB */
#define UNPACK_MS 300000     /* dpkg-deb -x */

/* Find @tool for the Debian path; VB_EUNAVAIL naming it when absent. */
static int tool(const char *name, char *path, size_t len, vb_error_t *err)
{
	if (vb_proc_which(name, path, len) == 0)
		return 0;
	return vb_error_set(err, VB_EUNAVAIL, 0,
			    "%s not found (Debian's apt and dpkg fetch the guest kernel)", name);
}

/* child_hook: run in @arg. */
static int in_dir(void *arg)
{
	return chdir((const char *)arg);
}

static int is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Copy the release at @s (up to the first space) into @out. */
static int take_release(const char *s, size_t avail, char *out, size_t len)
{
	size_t n = 0;

	while (n < avail && n + 1 < len && s[n] && !strchr(" \t\n()", s[n]) &&
	       (unsigned char)s[n] > 32 && (unsigned char)s[n] < 127)
		n++;
	if (!n || n + 1 >= len)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int vb_kernel_release_of(const char *path, char *out, size_t len, vb_error_t *err)
{
	static const char banner[] = "Linux version ";
	unsigned char *head = NULL;
	const char *hit;
	struct stat st;
	unsigned off;
	ssize_t n;
	void *map;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return vb_error_sys(err, "open kernel %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		vb_error_set(err, VB_EUSAGE, 0, "kernel %s is not a regular file", path);
		goto out;
	}
	head = malloc(HEAD_MAX);
	n = head ? pread(fd, head, HEAD_MAX, 0) : -1;
	if (n < 0) {
		vb_error_sys(err, "read kernel %s", path);
		goto out;
	}
	/* bzImage: "HdrS" at 0x202, kernel_version (u16) at 0x20e, + 0x200 */
	if (n >= 0x210 && !memcmp(head + 0x202, "HdrS", 4)) {
		off = (unsigned)(head[0x20e] | (head[0x20f] << 8)) + 0x200u;
		if (head[0x20e] | head[0x20f] && off < (unsigned)n &&
		    take_release((char *)head + off, (size_t)n - off, out, len) == 0)
			rc = 0;
		else
			vb_error_set(err, VB_EUSAGE, 0, "kernel %s: bzImage without a version string",
				     path);
		goto out;
	}
	if (n < 4 || memcmp(head, "\177ELF", 4)) {
		vb_error_set(err, VB_EUSAGE, 0, "%s is neither a bzImage nor an ELF vmlinux", path);
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		vb_error_sys(err, "map kernel %s", path);
		goto out;
	}
	hit = memmem(map, (size_t)st.st_size, banner, sizeof(banner) - 1);
	if (hit) {
		hit += sizeof(banner) - 1;
		rc = take_release(hit, (size_t)((const char *)map + st.st_size - hit), out, len);
	}
	if (rc < 0)
		vb_error_set(err, VB_EUSAGE, 0, "kernel %s: no \"Linux version\" banner", path);
	munmap(map, (size_t)st.st_size);
out:
	free(head);
	close(fd);
	return rc;
}

/* ==== --kernel PATH ===================================================== */

/* A release string usable as a directory name; else 0 with @err set. */
static int release_ok(const char *r, vb_error_t *err)
{
	if (r[0] && r[0] != '.' && !strchr(r, '/'))
		return 1;
	vb_error_set(err, VB_EUNAVAIL, 0, "odd kernel release string '%s'", r);
	return 0;
}

static int choose_explicit(const vb_kernel_where_t *w, const char *path, vb_kernel_t *k,
			   vb_error_t *err)
{
	char dir[PATH_MAX], cand[PATH_MAX], *slash;
	struct stat st;
	vb_error_t e2;

	if (stat(path, &st) < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno, "--kernel %s", path);
	if (!S_ISREG(st.st_mode))
		return vb_error_set(err, VB_EUNAVAIL, 0, "--kernel %s: not a regular file", path);
	if (access(path, R_OK) < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno, "--kernel %s", path);
	if (!realpath(path, k->image))
		return vb_error_sys(err, "--kernel %s", path);
	k->source = "--kernel";
	if (vb_kernel_release_of(k->image, k->release, sizeof(k->release), &e2) < 0 ||
	    !release_ok(k->release, &e2)) {
		k->release[0] = '\0';
		snprintf(k->no_modules, sizeof(k->no_modules), "release unknown: %s", e2.msg);
		return 0;
	}
	/* /lib/modules/<release>, else the tree the image was unpacked in */
	snprintf(cand, sizeof(cand), "%s/%s", w->modules_root, k->release);
	if (is_dir(cand)) {
		snprintf(k->modules, sizeof(k->modules), "%s", cand);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", k->image);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	snprintf(cand, sizeof(cand), "%s/../lib/modules/%s", dir, k->release);
	if (!is_dir(cand))
		snprintf(cand, sizeof(cand), "%s/../usr/lib/modules/%s", dir, k->release);
	if (is_dir(cand) && realpath(cand, k->modules))
		return 0;
	snprintf(k->no_modules, sizeof(k->no_modules),
		 "no modules for release %s in %s/%s nor beside %s", k->release, w->modules_root,
		 k->release, k->image);
	return 0;
}

/* ==== Debian's package ================================================== */

/* Parse one Depends: alternative "linux-image-X (= V)" into @k. */
static int take_dep(char *alt, vb_kernel_t *k)
{
	char *name, *ver;
	size_t n;

	for (name = alt; *name == ' ' || *name == '\t'; name++)
		;
	n = strcspn(name, " \t(");
	if (strncmp(name, "linux-image-", 12) || n >= sizeof(k->package))
		return -1;
	snprintf(k->package, sizeof(k->package), "%.*s", (int)n, name);
	ver = strstr(name + n, "(= ");
	if (ver)
		snprintf(k->package_version, sizeof(k->package_version), "%.*s",
			 (int)strcspn(ver + 3, ") \t"), ver + 3);
	return 0;
}

/*
 * The versioned package the meta-package @meta depends on, and its version,
 * from `apt-cache show --no-all-versions META` (local package lists only):
 * "Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)".
 */
static int resolve_package(const char *meta, vb_kernel_t *k, vb_error_t *err)
{
	char apt[PATH_MAX], out[32768], msg[1024], line[256];
	char *argv[] = { apt, "show", "--no-all-versions", (char *)meta, NULL };
	vb_proc_opts_t o = { APT_CACHE_MS, NULL, NULL };
	char *p, *save = NULL, *dep, *ds = NULL, *alt, *as = NULL;
	int st;

	if (tool("apt-cache", apt, sizeof(apt), err) < 0)
		return -1;
	st = vb_proc_capture(argv, &o, out, sizeof(out), msg, sizeof(msg), err);
	if (st < 0)
		return -1;
	if (st) {
		vb_text_last_line(msg, line, sizeof(line));
		return vb_error_set(err, VB_EUNAVAIL, 0, "apt-cache show %s failed: %s", meta,
				    line);
	}
	for (p = strtok_r(out, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		if (strncmp(p, "Depends: ", 9))
			continue;
		for (dep = strtok_r(p + 9, ",", &ds); dep; dep = strtok_r(NULL, ",", &ds))
			for (alt = strtok_r(dep, "|", &as); alt; alt = strtok_r(NULL, "|", &as))
				if (take_dep(alt, k) == 0)
					return 0;
		break;
	}
	return vb_error_set(err, VB_EUNAVAIL, 0,
			    "apt-cache show %s names no linux-image-* dependency (is apt's "
			    "package list present? run apt-get update)",
			    meta);
}

/* Fill @k's paths for the tree @root; 0 when both the image and modules exist. */
static int tree_paths(const char *root, const char *release, vb_kernel_t *k)
{
	snprintf(k->image, sizeof(k->image), "%s/boot/vmlinuz-%s", root, release);
	snprintf(k->modules, sizeof(k->modules), "%s/lib/modules/%s", root, release);
	if (!is_dir(k->modules))
		snprintf(k->modules, sizeof(k->modules), "%s/usr/lib/modules/%s", root, release);
	return is_file(k->image) && is_dir(k->modules) ? 0 : -1;
}

/* The one *.deb apt-get left in @dir, into @deb. */
static int find_deb(const char *dir, const char *pkg, char *deb, size_t len, vb_error_t *err)
{
	struct dirent *de;
	size_t n = strlen(pkg);
	DIR *d = opendir(dir);
	int rc = -1;

	if (!d)
		return vb_error_sys(err, "open %s", dir);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (!strncmp(de->d_name, pkg, n) && de->d_name[n] == '_' && l > 4 &&
		    !strcmp(de->d_name + l - 4, ".deb")) {
			rc = vb_path_join(deb, len, dir, de->d_name, err);
			break;
		}
	}
	closedir(d);
	if (rc < 0 && !err->msg[0])
		vb_error_set(err, VB_EUNAVAIL, 0, "apt-get download %s left no .deb in %s", pkg,
			     dir);
	return rc;
}

/* apt-get download @pkg into @dl (a new directory), then dpkg-deb -x into @un. */
static int fetch_and_unpack(const char *pkg, const char *release, const char *dl,
			    const char *un, vb_error_t *err)
{
	char apt[PATH_MAX], dpkg[PATH_MAX], deb[PATH_MAX], msg[4096], line[512], mods[PATH_MAX];
	char *dl_argv[] = { apt, "-q", "-o", "APT::Sandbox::User=root", "download", (char *)pkg,
			    NULL };
	char *x_argv[] = { dpkg, "-x", deb, (char *)un, NULL };
	vb_proc_opts_t o = { DOWNLOAD_MS, in_dir, (void *)dl };
	vb_kernel_t tmp;
	int st;

	if (tool("apt-get", apt, sizeof(apt), err) < 0 ||
	    tool("dpkg-deb", dpkg, sizeof(dpkg), err) < 0)
		return -1;
	st = vb_proc_capture(dl_argv, &o, NULL, 0, msg, sizeof(msg), err);
	if (st < 0)
		return vb_error_prefix(err, "apt-get download %s", pkg);
	if (st) {
		vb_text_last_line(msg, line, sizeof(line));
		return vb_error_set(err, VB_EUNAVAIL, 0, "apt-get download %s failed: %s", pkg,
				    line);
	}
	if (find_deb(dl, pkg, deb, sizeof(deb), err) < 0)
		return -1;
	o = (vb_proc_opts_t){ UNPACK_MS, NULL, NULL };
	st = vb_proc_capture(x_argv, &o, NULL, 0, msg, sizeof(msg), err);
	if (st < 0)
		return -1;
	if (st) {
		vb_text_last_line(msg, line, sizeof(line));
		return vb_error_set(err, VB_EUNAVAIL, 0, "dpkg-deb -x %s failed: %s", deb, line);
	}
	if (tree_paths(un, release, &tmp) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "package %s holds no boot/vmlinuz-%s with lib/modules/%s", pkg,
				    release, release);
	snprintf(mods, sizeof(mods), "%s", tmp.modules);
	if (vb_kmod_depmod(mods, err) < 0)
		return vb_error_prefix(err, "package %s", pkg);
	if (chmod(un, 0755) < 0)
		return vb_error_sys(err, "chmod %s", un);
	return 0;
}

static int choose_debian(const vb_kernel_where_t *w, vb_kernel_t *k, vb_error_t *err)
{
	char target[PATH_MAX], dl[PATH_MAX], un[PATH_MAX];
	int dl_res = 0, un_res = 0, rc = -1, e;

	if (resolve_package(w->meta_package, k, err) < 0)
		return -1;
	snprintf(k->release, sizeof(k->release), "%s", k->package + strlen("linux-image-"));
	if (strlen(k->release) > 9 && !strcmp(k->release + strlen(k->release) - 9, "-unsigned"))
		k->release[strlen(k->release) - 9] = '\0';
	k->source = "debian-package";
	if (!release_ok(k->release, err))
		return vb_error_prefix(err, "package %s", k->package);
	snprintf(target, sizeof(target), "%s/%s", w->cache_dir, k->release);
	if (tree_paths(target, k->release, k) == 0) {
		k->cache_hit = 1;
		return 0;
	}
	if (vb_mkdir_p(w->cache_dir, 0755, err) < 0)
		return vb_error_prefix(err, "kernel cache");
	snprintf(dl, sizeof(dl), "%s/.download-%s-%s-XXXXXX", w->cache_dir, k->release,
		 vb_marker_run_id());
	snprintf(un, sizeof(un), "%s/.unpack-%s-%s-XXXXXX", w->cache_dir, k->release,
		 vb_marker_run_id());
	if (!mkdtemp(dl))
		return vb_error_sys(err, "create %s", dl);
	dl_res = vb_undo_add_path(VB_UNDO_DIR, dl);
	if (!mkdtemp(un)) {
		vb_error_sys(err, "create %s", un);
		un[0] = '\0';
		goto out;
	}
	un_res = vb_undo_add_path(VB_UNDO_DIR, un);
	if (fetch_and_unpack(k->package, k->release, dl, un, err) < 0)
		goto out;
	if (rename(un, target) == 0) {
		vb_undo_forget(un_res);
		un[0] = '\0';
	} else if (e = errno, (e != EEXIST && e != ENOTEMPTY) || tree_paths(target, k->release, k)) {
		/* (EEXIST: another vbench finished first; its tree is as good) */
		vb_error_set(err, VB_ESYS, e, "rename %s to %s", un, target);
		goto out;
	}
	rc = tree_paths(target, k->release, k) == 0
		     ? 0
		     : vb_error_set(err, VB_EUNAVAIL, 0, "%s incomplete after unpack", target);
out:
	if (un[0] && un_res) /* not renamed into place */
		vb_undo_release(un_res);
	else if (un[0])
		vb_rm_rf(un);
	if (dl_res)
		vb_undo_release(dl_res);
	else
		vb_rm_rf(dl);
	return rc;
}

/* ==== the choice ======================================================== */

int vb_kernel_choose(const vb_kernel_where_t *where, const char *explicit_path, vb_kernel_t *k,
		     vb_error_t *err)
{
	vb_kernel_where_t w = { "/boot", "/lib/modules", NULL, VB_CACHE_DIR "/kernels",
				VB_KERNEL_META_PKG };
	char image[PATH_MAX], mods[PATH_MAX];
	struct utsname u;

	memset(k, 0, sizeof(*k));
	if (where) {
		w.boot_dir = where->boot_dir ? where->boot_dir : w.boot_dir;
		w.modules_root = where->modules_root ? where->modules_root : w.modules_root;
		w.release = where->release;
		w.cache_dir = where->cache_dir ? where->cache_dir : w.cache_dir;
		w.meta_package = where->meta_package ? where->meta_package : w.meta_package;
	}
	if (explicit_path && explicit_path[0])
		return choose_explicit(&w, explicit_path, k, err);
	if (!w.release) {
		if (uname(&u) < 0)
			return vb_error_sys(err, "uname");
		snprintf(k->release, sizeof(k->release), "%s", u.release);
	} else {
		snprintf(k->release, sizeof(k->release), "%s", w.release);
	}
	snprintf(image, sizeof(image), "%s/vmlinuz-%s", w.boot_dir, k->release);
	snprintf(mods, sizeof(mods), "%s/%s", w.modules_root, k->release);
	if (is_file(image) && access(image, R_OK) == 0 && is_dir(mods)) {
		snprintf(k->image, sizeof(k->image), "%s", image);
		snprintf(k->modules, sizeof(k->modules), "%s", mods);
		k->source = "host";
		return 0;
	}
	if (!is_file(image))
		snprintf(k->passed_over, sizeof(k->passed_over), "%s does not exist", image);
	else if (access(image, R_OK) < 0)
		snprintf(k->passed_over, sizeof(k->passed_over), "%s is not readable", image);
	else
		snprintf(k->passed_over, sizeof(k->passed_over), "%s does not exist", mods);
	k->release[0] = '\0';
	if (choose_debian(&w, k, err) < 0) {
		char why[sizeof(err->msg)];
		int e = err->errnum;

		snprintf(why, sizeof(why), "%s", err->msg);
		vb_error_set(err, err->code == VB_EINTR ? VB_EINTR : VB_EUNAVAIL, 0,
			     "no guest kernel: %s and %s", k->passed_over, why);
		err->errnum = e;
		return -1;
	}
	return 0;
}

json_t *vb_kernel_to_json(const vb_kernel_t *k)
{
	return json_pack("{s:s,s:s?,s:s?,s:s,s:s?,s:s?,s:b,s:s?,s:s?}", "image", k->image,
			 "modules", k->modules[0] ? k->modules : NULL, "release",
			 k->release[0] ? k->release : NULL, "source", k->source ? k->source : "",
			 "package", k->package[0] ? k->package : NULL, "package_version",
			 k->package_version[0] ? k->package_version : NULL, "cache_hit",
			 k->cache_hit, "host_kernel_passed_over",
			 k->passed_over[0] ? k->passed_over : NULL, "no_modules",
			 k->no_modules[0] ? k->no_modules : NULL);
}
