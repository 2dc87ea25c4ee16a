/*
 * kmodinfo.c - depmod's index files from the modules' .modinfo (kmodinfo.h).
 *
 * The ELF reading trusts nothing: every offset is checked against the file
 * size before it is used, so a corrupt module is an error naming it.
 */
#include "harness/image/kmodinfo.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/safefs.h"
#include "lib/util.h"

#define MAX_MODINFO (1u << 20) /* bytes of one .modinfo section */
#define MAX_DEPTH 16           /* directory levels walked */

typedef struct minfo {
	char *path;    /* relative to the tree, as modules.dep names it */
	char name[64]; /* normalised module name */
	char *depends; /* "a,b" (NULL when none) */
	char *softdep; /* softdep= values joined by '\n' (NULL when none) */
} minfo_t;

typedef struct scan {
	const char *root;
	minfo_t *m;
	size_t n, cap;
	FILE *alias; /* modules.alias being written */
	char *abuf;
	size_t alen;
	vb_error_t *err;
} scan_t;

static void normalise(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

static int ends_with(const char *s, const char *sfx)
{
	size_t a = strlen(s), b = strlen(sfx);

	return a >= b && !strcmp(s + a - b, sfx);
}

static int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	return pread(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

/* The .modinfo section of the module @path (malloc'ed, length in @len). */
static char *read_modinfo(const char *path, size_t *len, vb_error_t *err)
{
	Elf64_Ehdr eh;
	Elf64_Shdr *sh = NULL, *str;
	char *names = NULL, *info = NULL;
	struct stat st;
	uint64_t size;
	size_t i;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		vb_error_sys(err, "open module %s", path);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || pread_full(fd, &eh, sizeof(eh), 0) < 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shnum || eh.e_shstrndx >= eh.e_shnum) {
		vb_error_set(err, VB_EUSAGE, 0, "module %s: not an ELF64 relocatable object", path);
		goto out;
	}
	size = (uint64_t)st.st_size;
	if (eh.e_shoff > size || (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) > size - eh.e_shoff)
		goto bad;
	sh = calloc(eh.e_shnum, sizeof(*sh));
	if (!sh || pread_full(fd, sh, eh.e_shnum * sizeof(*sh), eh.e_shoff) < 0)
		goto bad;
	str = &sh[eh.e_shstrndx];
	if (str->sh_offset > size || str->sh_size > size - str->sh_offset ||
	    str->sh_size > MAX_MODINFO)
		goto bad;
	names = malloc(str->sh_size + 1);
	if (!names || pread_full(fd, names, str->sh_size, str->sh_offset) < 0)
		goto bad;
	names[str->sh_size] = '\0';
	for (i = 0; i < eh.e_shnum; i++) {
		if (sh[i].sh_name >= str->sh_size || strcmp(names + sh[i].sh_name, ".modinfo"))
			continue;
		if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset ||
		    sh[i].sh_size > MAX_MODINFO)
			goto bad;
		info = malloc(sh[i].sh_size + 1);
		if (!info || pread_full(fd, info, sh[i].sh_size, sh[i].sh_offset) < 0)
			goto bad;
		info[sh[i].sh_size] = '\0';
		*len = sh[i].sh_size;
		goto out;
	}
	vb_error_set(err, VB_EUSAGE, 0, "module %s has no .modinfo section", path);
	goto out;
bad:
	free(info);
	info = NULL;
	vb_error_set(err, VB_EUSAGE, 0, "module %s: section headers outside the file", path);
out:
	free(names);
	free(sh);
	close(fd);
	return info;
}

/* Append "a\nb" style: @dst (malloc'ed or NULL) + sep + @v. */
static char *join(char *dst, const char *sep, const char *v)
{
	size_t a = dst ? strlen(dst) : 0, b = strlen(v);
	char *r = realloc(dst, a + strlen(sep) + b + 1);

	if (!r)
		return dst;
	if (a)
		strcat(r, sep);
	else
		r[0] = '\0';
	strcat(r, v);
	return r;
}

/* Record the module at @abs (relative path @rel). */
static int add_module(scan_t *s, const char *abs, const char *rel, const char *base)
{
	minfo_t *m;
	char *info = NULL, *p;
	size_t len = 0;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		minfo_t *nm = realloc(s->m, cap * sizeof(*nm));
		if (!nm)
			return vb_error_set(s->err, VB_ESYS, ENOMEM, "scan %s", s->root);
		s->m = nm;
		s->cap = cap;
	}
	m = &s->m[s->n];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%.*s", (int)strcspn(base, "."), base);
	normalise(m->name);
	m->path = strdup(rel);
	if (!m->path)
		return vb_error_set(s->err, VB_ESYS, ENOMEM, "scan %s", s->root);
	s->n++;
	if (!ends_with(base, ".ko"))
		return 0; /* compressed: listed, refused by the resolver if needed */
	info = read_modinfo(abs, &len, s->err);
	if (!info)
		return -1;
	for (p = info; p < info + len; p += strlen(p) + 1) {
		if (!strncmp(p, "name=", 5) && p[5]) {
			snprintf(m->name, sizeof(m->name), "%s", p + 5);
			normalise(m->name);
		} else if (!strncmp(p, "depends=", 8) && p[8]) {
			m->depends = join(m->depends, ",", p + 8);
		} else if (!strncmp(p, "softdep=", 8) && p[8]) {
			m->softdep = join(m->softdep, "\n", p + 8);
		} else if (!strncmp(p, "alias=", 6) && p[6]) {
			fprintf(s->alias, "alias %s %s\n", p + 6, m->name);
		}
	}
	free(info);
	return 0;
}

/* Walk @abs (relative name @rel, "" at the top) for modules. */
static int walk(scan_t *s, const char *abs, const char *rel, int depth)
{
	char a[PATH_MAX], r[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return 0;
	d = opendir(abs);
	if (!d)
		return vb_error_sys(s->err, "open module directory %s", abs);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(a, sizeof(a), "%s/%s", abs, de->d_name) >= sizeof(a) ||
		    (size_t)snprintf(r, sizeof(r), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >=
			    sizeof(r) ||
		    lstat(a, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk(s, a, r, depth + 1); /* symlinks (build, source) skipped */
		else if (S_ISREG(st.st_mode) &&
			 (ends_with(de->d_name, ".ko") || ends_with(de->d_name, ".ko.xz") ||
			  ends_with(de->d_name, ".ko.zst") || ends_with(de->d_name, ".ko.gz")))
			rc = add_module(s, a, r, de->d_name);
	}
	closedir(d);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const minfo_t *)a)->name, ((const minfo_t *)b)->name);
}

static minfo_t *find(scan_t *s, const char *name)
{
	minfo_t key = { 0 };

	snprintf(key.name, sizeof(key.name), "%s", name);
	normalise(key.name);
	return bsearch(&key, s->m, s->n, sizeof(*s->m), by_name);
}

/* Post-order: the closure of @i in load order into @order (@seen stamps). */
static int closure(scan_t *s, size_t i, size_t root, size_t *seen, size_t *order, size_t *n)
{
	char buf[4096], *tok, *save = NULL;
	minfo_t *d;

	seen[i] = root + 1;
	if (!s->m[i].depends)
		goto self;
	snprintf(buf, sizeof(buf), "%s", s->m[i].depends);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		d = find(s, tok);
		if (!d)
			return vb_error_set(s->err, VB_EUSAGE, 0,
					    "module %s depends on %s, which is not in %s",
					    s->m[i].path, tok, s->root);
		if (seen[d - s->m] != root + 1 &&
		    closure(s, (size_t)(d - s->m), root, seen, order, n) < 0)
			return -1;
	}
self:
	order[(*n)++] = i;
	return 0;
}

static int write_texts(scan_t *s, vb_kmod_text_t *txt)
{
	size_t *seen = calloc(s->n + 1, sizeof(size_t)), *order = calloc(s->n + 1, sizeof(size_t));
	size_t i, k, n, dlen = 0, slen = 0;
	FILE *dep = NULL, *soft = NULL;
	char *line, *save = NULL;
	int rc = -1;

	if (!seen || !order || !(dep = open_memstream(&txt->dep, &dlen)) ||
	    !(soft = open_memstream(&txt->softdep, &slen))) {
		vb_error_set(s->err, VB_ESYS, ENOMEM, "index %s", s->root);
		goto out;
	}
	fprintf(soft, "# Soft dependencies extracted from modules themselves.\n");
	for (i = 0; i < s->n; i++) {
		n = 0;
		if (closure(s, i, i, seen, order, &n) < 0)
			goto out;
		fprintf(dep, "%s:", s->m[i].path);
		for (k = n - 1; k-- > 0;) /* order[n-1] is the module itself */
			fprintf(dep, " %s", s->m[order[k]].path);
		fputc('\n', dep);
		if (s->m[i].softdep)
			for (line = strtok_r(s->m[i].softdep, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save))
				fprintf(soft, "softdep %s %s\n", s->m[i].name, line);
	}
	rc = 0;
out:
	if (dep)
		fclose(dep);
	if (soft)
		fclose(soft);
	free(seen);
	free(order);
	return rc;
}

int vb_kmod_scan(const char *dir, vb_kmod_text_t *txt, vb_error_t *err)
{
	scan_t s = { .root = dir, .err = err };
	int rc = -1;
	size_t i;

	memset(txt, 0, sizeof(*txt));
	s.alias = open_memstream(&s.abuf, &s.alen);
	if (!s.alias) {
		vb_error_set(err, VB_ESYS, ENOMEM, "index %s", dir);
		return -1;
	}
	fprintf(s.alias, "# Aliases extracted from modules themselves.\n");
	if (walk(&s, dir, "", 0) < 0)
		goto out;
	qsort(s.m, s.n, sizeof(*s.m), by_name);
	for (i = 1; i < s.n; i++)
		if (!strcmp(s.m[i].name, s.m[i - 1].name)) {
			vb_error_set(err, VB_EUSAGE, 0, "module %s twice in %s: %s and %s",
				     s.m[i].name, dir, s.m[i - 1].path, s.m[i].path);
			goto out;
		}
	if (write_texts(&s, txt) < 0)
		goto out;
	txt->modules = s.n;
	rc = 0;
out:
	fclose(s.alias);
	txt->alias = s.abuf;
	for (i = 0; i < s.n; i++) {
		free(s.m[i].path);
		free(s.m[i].depends);
		free(s.m[i].softdep);
	}
	free(s.m);
	if (rc < 0)
		vb_kmod_text_free(txt);
	return rc;
}

void vb_kmod_text_free(vb_kmod_text_t *txt)
{
	free(txt->dep);
	free(txt->softdep);
	free(txt->alias);
	memset(txt, 0, sizeof(*txt));
}

int vb_kmod_depmod(const char *dir, vb_error_t *err)
{
	char p[PATH_MAX];
	vb_kmod_text_t t;
	int rc = -1;

	snprintf(p, sizeof(p), "%s/modules.dep", dir);
	if (access(p, F_OK) == 0)
		return 0;
	if (vb_kmod_scan(dir, &t, err) < 0)
		return -1;
	if (!t.dep || !t.softdep || !t.alias) {
		vb_error_set(err, VB_ESYS, ENOMEM, "index %s", dir);
		goto out;
	}
	snprintf(p, sizeof(p), "%s/modules.softdep", dir);
	if (vb_safefs_write_atomic(p, t.softdep, strlen(t.softdep), err) < 0)
		goto out;
	snprintf(p, sizeof(p), "%s/modules.alias", dir);
	if (vb_safefs_write_atomic(p, t.alias, strlen(t.alias), err) < 0)
		goto out;
	snprintf(p, sizeof(p), "%s/modules.dep", dir); /* last: it marks the set complete */
	rc = vb_safefs_write_atomic(p, t.dep, strlen(t.dep), err);
out:
	vb_kmod_text_free(&t);
	return rc;
}
