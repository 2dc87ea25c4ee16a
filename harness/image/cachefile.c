/*
 * cachefile.c - content-keyed, atomically written cache files (cachefile.h).
 */
#include "harness/image/cachefile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/core/undo.h"
#include "harness/core/marker.h"
#include "lib/util.h"

uint64_t vb_cachefile_fnv1a64(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

int vb_cachefile_fnv1a64_file(uint64_t *h, const char *path, vb_error_t *err)
{
	char buf[1 << 16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return vb_error_sys(err, "open %s", path);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			vb_error_sys(err, "read %s", path);
			close(fd);
			return -1;
		}
		*h = vb_cachefile_fnv1a64(*h, buf, (size_t)n);
	}
	close(fd);
	return 0;
}

int vb_cachefile_create(vb_cachefile_t *cf, const char *dir, const char *name,
			vb_error_t *err)
{
	memset(cf, 0, sizeof(*cf));
	cf->fd = -1;
	if ((size_t)snprintf(cf->final, sizeof(cf->final), "%s/%s", dir, name) >=
		    sizeof(cf->final) ||
	    (size_t)snprintf(cf->tmp, sizeof(cf->tmp), "%s/.%s.tmp-%s-XXXXXX", dir, name, vb_marker_run_id()) >=
		    sizeof(cf->tmp)) {
		cf->tmp[0] = '\0';
		return vb_error_set(err, VB_EUSAGE, 0, "cache path too long: %s/%s", dir, name);
	}
	if (vb_mkdir_p(dir, 0755, err) < 0) {
		cf->tmp[0] = '\0';
		return vb_error_prefix(err, "cache");
	}
	cf->fd = mkostemp(cf->tmp, O_CLOEXEC);
	if (cf->fd < 0) {
		vb_error_sys(err, "create %s", cf->tmp);
		cf->tmp[0] = '\0';
		return -1;
	}
	cf->res = vb_undo_add_path(VB_UNDO_FILE, cf->tmp);
	return 0;
}

int vb_cachefile_write(vb_cachefile_t *cf, const void *data, size_t len, vb_error_t *err)
{
	const char *p = data;
	ssize_t n;

	while (len) {
		n = write(cf->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vb_error_sys(err, "write %s", cf->tmp);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vb_cachefile_commit(vb_cachefile_t *cf, unsigned mode, vb_error_t *err)
{
	int e;

	if (fchmod(cf->fd, mode) < 0 || fsync(cf->fd) < 0) {
		e = errno;
		vb_cachefile_abort(cf);
		return vb_error_set(err, VB_ESYS, e, "write %s", cf->final);
	}
	e = close(cf->fd) < 0 ? errno : 0;
	cf->fd = -1;
	if (e || rename(cf->tmp, cf->final) < 0) {
		e = e ? e : errno;
		vb_cachefile_abort(cf);
		return vb_error_set(err, VB_ESYS, e, "write %s", cf->final);
	}
	vb_undo_forget(cf->res);
	cf->res = 0;
	cf->tmp[0] = '\0';
	return 0;
}

void vb_cachefile_abort(vb_cachefile_t *cf)
{
	if (cf->fd >= 0)
		close(cf->fd);
	cf->fd = -1;
	if (cf->res)
		vb_undo_release(cf->res);
	else if (cf->tmp[0])
		unlink(cf->tmp);
	cf->res = 0;
	cf->tmp[0] = '\0';
}

void vb_cachefile_touch(const char *path)
{
	utimensat(AT_FDCWD, path, NULL, 0);
}

typedef struct cached {
	char name[256];
	time_t used; /* mtime: written or last used */
} cached_t;

static int newest_first(const void *a, const void *b)
{
	const cached_t *x = a, *y = b;

	return x->used < y->used ? 1 : x->used > y->used ? -1 : strcmp(x->name, y->name);
}

int vb_cachefile_prune(const char *dir, const char *suffix, size_t keep, unsigned min_age_s)
{
	size_t n = 0, cap = 0, i, sl = strlen(suffix), len;
	cached_t *c = NULL, *nc;
	char p[PATH_MAX];
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);
	int removed = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= sl || len >= sizeof(c->name) ||
		    strcmp(de->d_name + len - sl, suffix) ||
		    (size_t)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >= sizeof(p) ||
		    lstat(p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nc = realloc(c, cap * sizeof(*c));
			if (!nc)
				break;
			c = nc;
		}
		snprintf(c[n].name, sizeof(c[n].name), "%s", de->d_name);
		c[n++].used = st.st_mtime;
	}
	closedir(d);
	if (n > keep)
		qsort(c, n, sizeof(*c), newest_first);
	for (i = keep; i < n; i++) {
		if (c[i].used + (time_t)min_age_s > now)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, c[i].name);
		removed += unlink(p) == 0;
	}
	free(c);
	return removed;
}
