/*
 * libsearch.c - the dynamic loader's library search (libsearch.h),
 * following glibc's order (elf/dl-load.c) so a tree holds exactly the
 * libraries the program loads on this host, from what the ELF reader
 * (elf.c) finds in each object.
 */
#include "harness/image/libsearch.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/safefs.h"
#include "lib/util.h"

#if defined(__x86_64__)
#define VB_MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define VB_MULTIARCH "aarch64-linux-gnu"
#else
#define VB_MULTIARCH "unknown-linux-gnu"
#endif

/* Searched after the ld.so.conf directories, in this order. */
static const char *const default_dirs[] = {
	"/lib/" VB_MULTIARCH, "/usr/lib/" VB_MULTIARCH, "/lib64", "/usr/lib64", "/lib", "/usr/lib",
};
/* What the loader searches by itself when there is no ld.so.cache (as in
 * the rootfs): `ld.so --list-diagnostics`, path.system_dirs on Debian. */
static const char *const loader_dirs[] = {
	"/lib/" VB_MULTIARCH, "/usr/lib/" VB_MULTIARCH, "/lib", "/usr/lib",
};

/* Expand $ORIGIN / ${ORIGIN} in @dir; -1 for other tokens ($LIB, $PLATFORM). */
static int expand_origin(const char *dir, const char *origin, char *out, size_t len)
{
	size_t o = 0;
	const char *p = dir, *add;

	while (*p) {
		if (*p == '$') {
			if (!strncmp(p, "$ORIGIN", 7) && (p[7] == '/' || !p[7]))
				p += 7;
			else if (!strncmp(p, "${ORIGIN}", 9))
				p += 9;
			else
				return -1;
			add = origin;
		} else {
			if (o + 2 > len)
				return -1;
			out[o++] = *p++;
			continue;
		}
		if (o + strlen(add) + 1 > len)
			return -1;
		memcpy(out + o, add, strlen(add));
		o += strlen(add);
	}
	out[o] = '\0';
	return 0;
}

/* Search the colon-separated @list for @name; found path into @out. */
static int search_list(const char *list, const char *origin, const char *name, unsigned machine,
		       char *out, size_t len)
{
	char dir[PATH_MAX], raw[PATH_MAX], cand[PATH_MAX];
	const char *p = list;
	size_t seg;

	while (p && *p) {
		seg = strcspn(p, ":");
		if (seg && seg < sizeof(raw)) {
			memcpy(raw, p, seg);
			raw[seg] = '\0';
			if (expand_origin(raw, origin, dir, sizeof(dir)) == 0 && dir[0] == '/' &&
			    (size_t)snprintf(cand, sizeof(cand), "%s/%s", dir, name) <
				    sizeof(cand) &&
			    vb_elf_matches(cand, machine) && vb_safefs_normalize(cand, out, len) == 0)
				return 0;
		}
		p += seg;
		if (*p == ':')
			p++;
	}
	return -1;
}

/* Append a directory to the colon list @buf. */
static void list_add(char *buf, size_t len, const char *dir)
{
	size_t o = strlen(buf);

	if (o + 1 + strlen(dir) + 1 <= len)
		snprintf(buf + o, len - o, "%s%s", o ? ":" : "", dir);
}

/* The directories of ld.so.conf and its includes (the cache's sources). */
static void read_ld_conf(const char *path, char *buf, size_t len, int depth)
{
	char line[PATH_MAX], pat[PATH_MAX], *s, *e;
	glob_t g;
	FILE *fp;
	size_t i;

	if (depth > 4 || !(fp = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), fp)) {
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		for (e = s + strlen(s); e > s && strchr("\n \t", e[-1]); e--)
			;
		*e = '\0';
		if (!strncmp(s, "include", 7) && (s[7] == ' ' || s[7] == '\t')) {
			for (s += 8; *s == ' ' || *s == '\t'; s++)
				;
			if (s[0] == '/')
				snprintf(pat, sizeof(pat), "%s", s);
			else
				snprintf(pat, sizeof(pat), "/etc/%s", s);
			if (glob(pat, 0, NULL, &g) == 0) {
				for (i = 0; i < g.gl_pathc; i++)
					read_ld_conf(g.gl_pathv[i], buf, len, depth + 1);
				globfree(&g);
			}
		} else if (s[0] == '/') {
			if ((e = strchr(s, '=')) != NULL) /* old "dir=TYPE" form */
				*e = '\0';
			list_add(buf, len, s);
		}
	}
	fclose(fp);
}

/* One loaded object during the search: [0] the program, [i+1] libs[i]. */
typedef struct obj {
	vb_elf_t elf;
	char origin[PATH_MAX]; /* $ORIGIN */
	int loader;            /* index in objs of who loaded it, -1 for the program */
} obj_t;

/* Is @name already loaded (by needed name or soname)?  @path and @interp:
 * the interpreter's path and ELF; @libs: the @nlibs loaded so far. */
static int loaded(const char *path, const vb_elf_t *interp, const vb_lib_t *libs, size_t nlibs,
		  const char *name)
{
	const char *base = strrchr(path, '/');
	size_t i;

	if (path[0] && (!strcmp(name, interp->soname) || !strcmp(name, path) ||
			(base && !strcmp(name, base + 1))))
		return 1;
	for (i = 0; i < nlibs; i++)
		if (!strcmp(name, libs[i].name) || !strcmp(name, libs[i].soname))
			return 1;
	return 0;
}

/* Find @name needed by objs[@who], following the loader's order. */
static int find_lib(obj_t *objs, int who, const char *name, const char *conf, char *out,
		    size_t len)
{
	const vb_elf_t *me = &objs[who].elf;
	const char *ldlp = getenv("LD_LIBRARY_PATH");
	char raw[PATH_MAX];
	size_t i;
	int l;

	if (strchr(name, '/')) {
		if (expand_origin(name, objs[who].origin, raw, sizeof(raw)) < 0 || raw[0] != '/')
			return -1;
		return vb_elf_matches(raw, me->machine) ? vb_safefs_normalize(raw, out, len) : -1;
	}
	if (!me->has_runpath)
		for (l = who; l >= 0; l = objs[l].loader)
			if (!objs[l].elf.has_runpath && objs[l].elf.rpath[0] &&
			    search_list(objs[l].elf.rpath, objs[l].origin, name, me->machine, out,
					len) == 0)
				return 0;
	if (ldlp && search_list(ldlp, objs[0].origin, name, me->machine, out, len) == 0)
		return 0;
	if (me->has_runpath &&
	    search_list(me->runpath, objs[who].origin, name, me->machine, out, len) == 0)
		return 0;
	if (search_list(conf, "", name, me->machine, out, len) == 0)
		return 0;
	for (i = 0; i < VB_ARRAY_SIZE(default_dirs); i++)
		if (search_list(default_dirs[i], "", name, me->machine, out, len) == 0)
			return 0;
	return -1;
}

int vb_libsearch_closure(const char *program, char *interp, size_t interp_len, vb_lib_t *libs,
			 size_t max, size_t *nlibs, vb_error_t *err)
{
	obj_t *objs = calloc(max + 2, sizeof(*objs));
	vb_elf_t *ielf;
	char conf[4096] = "", path[PATH_MAX];
	const char *name;
	size_t nobj = 1, k, i;
	int rc = -1;

	*nlibs = 0;
	interp[0] = '\0';
	if (!objs)
		return vb_error_set(err, VB_ESYS, ENOMEM, "resolve %s", program);
	ielf = &objs[max + 1].elf;
	if (vb_elf_read(program, &objs[0].elf, err) < 0)
		goto out;
	objs[0].loader = -1;
	vb_path_dir(program, objs[0].origin, sizeof(objs[0].origin));
	if (objs[0].elf.interp[0]) {
		if (vb_safefs_normalize(objs[0].elf.interp, interp, interp_len) < 0 ||
		    vb_elf_read(objs[0].elf.interp, ielf, err) < 0) {
			vb_error_prefix(err, "interpreter of %s", program);
			goto out;
		}
	}
	read_ld_conf("/etc/ld.so.conf", conf, sizeof(conf), 0);
	/* Breadth-first, like the loader: all needs of one object, then the next. */
	for (k = 0; k < nobj; k++) {
		for (i = 0; i < objs[k].elf.nneeded; i++) {
			name = objs[k].elf.needed[i];
			if (loaded(interp, ielf, libs, *nlibs, name))
				continue;
			if (find_lib(objs, (int)k, name, conf, path, sizeof(path)) < 0) {
				vb_error_set(err, VB_EUNAVAIL, 0,
					     "library %s (needed by %s) not found", name,
					     k ? libs[k - 1].path : program);
				goto out;
			}
			if (*nlibs == max) {
				vb_error_set(err, VB_EUNAVAIL, 0, "%s needs more than %d libraries",
					     program, (int)max);
				goto out;
			}
			if (vb_elf_read(path, &objs[nobj].elf, err) < 0)
				goto out;
			objs[nobj].loader = (int)k;
			vb_path_dir(path, objs[nobj].origin, sizeof(objs[nobj].origin));
			snprintf(libs[*nlibs].name, sizeof(libs[0].name), "%s", name);
			snprintf(libs[*nlibs].path, sizeof(libs[0].path), "%s", path);
			snprintf(libs[*nlibs].soname, sizeof(libs[0].soname), "%s",
				 objs[nobj].elf.soname);
			libs[*nlibs].needed_by = (int)k - 1;
			(*nlibs)++;
			nobj++;
		}
	}
	rc = 0;
out:
	free(objs);
	return rc;
}

/* See libsearch.h.  Directories outside the loader's own list go into
 * LD_LIBRARY_PATH. */
void vb_libsearch_libpath(const vb_lib_t *libs, size_t nlibs, char *buf, size_t len)
{
	char dir[PATH_MAX];
	size_t i, j;
	int builtin;

	buf[0] = '\0';
	for (i = 0; i < nlibs; i++) {
		vb_path_dir(libs[i].path, dir, sizeof(dir));
		builtin = 0;
		for (j = 0; j < VB_ARRAY_SIZE(loader_dirs); j++)
			builtin |= !strcmp(dir, loader_dirs[j]);
		if (!builtin && !strstr(buf, dir)) /* coarse de-duplication */
			list_add(buf, len, dir);
	}
}
