/*
 * kmod.c - module load order from modules.dep and friends (kmod.h).
 *
 * The index files are read whole and tokenised in place; the module table
 * points into them.  A small open-addressing hash maps names to modules
 * (Debian's tree has about 4000).
 */
#include "harness/image/kmod.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/image/kmodinfo.h"
#include "lib/util.h"

#define MAX_INDEX (64u << 20) /* bytes of one index file */

typedef struct mod {
	char name[64];     /* normalised */
	const char *path;  /* as in modules.dep (NULL: built in) */
	const char **deps; /* hard dependencies, paths as listed */
	size_t ndeps;
	const char **pre, **post; /* soft dependencies, names as listed */
	size_t npre, npost;
} mod_t;

typedef struct alias {
	char *pattern; /* normalised, in the alias text */
	char *mod;     /* normalised module name */
} alias_t;

struct vb_kmod_db {
	char dir[PATH_MAX];
	char *dep, *softdep, *alias, *builtin; /* the texts, tokenised */
	int generated;                         /* no modules.dep: read from .modinfo */
	mod_t *m;
	size_t n, cap;
	size_t *hash; /* index + 1, 0 = empty */
	size_t hcap;
	alias_t *al;
	size_t nal;
};

void vb_kmod_normalise(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		out[i] = in[i] == '-' ? '_' : in[i];
	if (len)
		out[i] = '\0';
}

/* Module name of a path: basename up to the first '.', normalised. */
static void name_of(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/');
	char tmp[256];

	b = b ? b + 1 : path;
	snprintf(tmp, sizeof(tmp), "%.*s", (int)strcspn(b, "."), b);
	vb_kmod_normalise(tmp, out, len);
}

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

static long lookup(const vb_kmod_db_t *db, const char *name)
{
	char key[64];
	size_t i, idx;

	if (!db->hcap)
		return -1;
	vb_kmod_normalise(name, key, sizeof(key));
	for (i = hash_str(key) & (db->hcap - 1);; i = (i + 1) & (db->hcap - 1)) {
		idx = db->hash[i];
		if (!idx)
			return -1;
		if (!strcmp(db->m[idx - 1].name, key))
			return (long)idx - 1;
	}
}

static int build_hash(vb_kmod_db_t *db, vb_error_t *err)
{
	size_t i, j;

	free(db->hash);
	for (db->hcap = 64; db->hcap < db->n * 2; db->hcap *= 2)
		;
	db->hash = calloc(db->hcap, sizeof(*db->hash));
	if (!db->hash)
		return vb_error_set(err, VB_ESYS, ENOMEM, "index %s", db->dir);
	for (i = 0; i < db->n; i++) {
		for (j = hash_str(db->m[i].name) & (db->hcap - 1); db->hash[j];
		     j = (j + 1) & (db->hcap - 1))
			;
		db->hash[j] = i + 1;
	}
	return 0;
}

/* ==== parsing =========================================================== */

/* Add a module (or return the existing one with that name). */
static mod_t *add_mod(vb_kmod_db_t *db, const char *name, vb_error_t *err)
{
	long have = lookup(db, name);
	mod_t *m;
	size_t j;

	if (have >= 0)
		return &db->m[have];
	if (db->n == db->cap) {
		size_t cap = db->cap ? db->cap * 2 : 256;
		m = realloc(db->m, cap * sizeof(*m));
		if (!m) {
			vb_error_set(err, VB_ESYS, ENOMEM, "index %s", db->dir);
			return NULL;
		}
		db->m = m;
		db->cap = cap;
	}
	m = &db->m[db->n++];
	memset(m, 0, sizeof(*m));
	vb_kmod_normalise(name, m->name, sizeof(m->name));
	if (db->n * 2 > db->hcap) /* grow: the rebuild inserts the new one too */
		return build_hash(db, err) < 0 ? NULL : m;
	for (j = hash_str(m->name) & (db->hcap - 1); db->hash[j]; j = (j + 1) & (db->hcap - 1))
		;
	db->hash[j] = db->n;
	return m;
}

/* Push @s onto the pointer array *@arr of *@n entries. */
static int push(const char ***arr, size_t *n, const char *s)
{
	const char **a = realloc(*arr, (*n + 1) * sizeof(*a));

	if (!a)
		return -1;
	a[(*n)++] = s;
	*arr = a;
	return 0;
}

/* Split @s at blanks in place; @fn gets each word. */
#define EACH_WORD(s, w, save) \
	for (w = strtok_r(s, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save))

static int parse_dep(vb_kmod_db_t *db, vb_error_t *err)
{
	char *line, *ls = NULL, *colon, *w, *ws = NULL, name[64];
	mod_t *m;

	for (line = strtok_r(db->dep, "\n", &ls); line; line = strtok_r(NULL, "\n", &ls)) {
		if (line[0] == '#' || !(colon = strchr(line, ':')))
			continue;
		*colon = '\0';
		name_of(line, name, sizeof(name));
		if (lookup(db, name) >= 0)
			continue; /* first entry wins, as in depmod's priority order */
		if (!(m = add_mod(db, name, err)))
			return -1;
		m->path = line;
		EACH_WORD(colon + 1, w, ws)
		if (push(&m->deps, &m->ndeps, w) < 0)
			return vb_error_set(err, VB_ESYS, ENOMEM, "index %s", db->dir);
	}
	return 0;
}

/* "softdep MOD pre: a b post: c"; words before pre:/post: are ignored (kmod). */
static int parse_softdep(vb_kmod_db_t *db, vb_error_t *err)
{
	char *line, *ls = NULL, *w, *ws = NULL;
	mod_t *m = NULL;
	int mode, i;
	long idx;

	if (!db->softdep)
		return 0;
	for (line = strtok_r(db->softdep, "\n", &ls); line; line = strtok_r(NULL, "\n", &ls)) {
		i = 0;
		mode = 0;
		EACH_WORD(line, w, ws)
		{
			if (i++ == 0) {
				if (strcmp(w, "softdep"))
					break;
				continue;
			}
			if (i == 2) {
				idx = lookup(db, w);
				m = idx >= 0 ? &db->m[idx] : NULL;
				if (!m)
					break; /* a soft dependency of a module we do not have */
				continue;
			}
			if (!strcmp(w, "pre:"))
				mode = 1;
			else if (!strcmp(w, "post:"))
				mode = 2;
			else if (mode &&
				 push(mode == 1 ? &m->pre : &m->post, mode == 1 ? &m->npre : &m->npost,
				      w) < 0)
				return vb_error_set(err, VB_ESYS, ENOMEM, "index %s", db->dir);
		}
	}
	return 0;
}

static int parse_alias(vb_kmod_db_t *db, vb_error_t *err)
{
	char *line, *ls = NULL, *pat, *mod, *save = NULL;
	alias_t *a;
	size_t cap = 0;

	if (!db->alias)
		return 0;
	for (line = strtok_r(db->alias, "\n", &ls); line; line = strtok_r(NULL, "\n", &ls)) {
		if (strncmp(line, "alias ", 6))
			continue;
		pat = strtok_r(line + 6, " \t", &save);
		mod = strtok_r(NULL, " \t\r", &save);
		if (!pat || !mod)
			continue;
		if (db->nal == cap) {
			cap = cap ? cap * 2 : 1024;
			a = realloc(db->al, cap * sizeof(*a));
			if (!a)
				return vb_error_set(err, VB_ESYS, ENOMEM, "index %s", db->dir);
			db->al = a;
		}
		vb_kmod_normalise(pat, pat, strlen(pat) + 1);
		vb_kmod_normalise(mod, mod, strlen(mod) + 1);
		db->al[db->nal].pattern = pat;
		db->al[db->nal++].mod = mod;
	}
	return 0;
}

static int parse_builtin(vb_kmod_db_t *db, vb_error_t *err)
{
	char *line, *ls = NULL, name[64];

	if (!db->builtin)
		return 0;
	for (line = strtok_r(db->builtin, "\n", &ls); line; line = strtok_r(NULL, "\n", &ls)) {
		name_of(line, name, sizeof(name));
		if (name[0] && lookup(db, name) < 0 && !add_mod(db, name, err))
			return -1;
	}
	return 0;
}

/* Read DIR/@file (NULL when it does not exist and !@required). */
static int read_index(const char *dir, const char *file, int required, char **out,
		      vb_error_t *err)
{
	char p[PATH_MAX];

	*out = NULL;
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if (!required && access(p, F_OK) < 0)
		return 0;
	*out = vb_read_file(p, MAX_INDEX, 0, err);
	return *out ? 0 : -1;
}

int vb_kmod_open(vb_kmod_db_t **dbp, const char *dir, vb_error_t *err)
{
	vb_kmod_db_t *db = calloc(1, sizeof(*db));
	char p[PATH_MAX];
	vb_kmod_text_t t;

	*dbp = NULL;
	if (!db)
		return vb_error_set(err, VB_ESYS, ENOMEM, "index %s", dir);
	snprintf(db->dir, sizeof(db->dir), "%s", dir);
	snprintf(p, sizeof(p), "%s/modules.dep", dir);
	if (access(p, F_OK) == 0) {
		if (read_index(dir, "modules.dep", 1, &db->dep, err) < 0 ||
		    read_index(dir, "modules.softdep", 0, &db->softdep, err) < 0 ||
		    read_index(dir, "modules.alias", 0, &db->alias, err) < 0)
			goto fail;
	} else {
		if (vb_kmod_scan(dir, &t, err) < 0)
			goto fail;
		db->dep = t.dep;
		db->softdep = t.softdep;
		db->alias = t.alias;
		db->generated = 1;
	}
	if (read_index(dir, "modules.builtin", 0, &db->builtin, err) < 0 ||
	    parse_dep(db, err) < 0 || parse_builtin(db, err) < 0 || parse_softdep(db, err) < 0 ||
	    parse_alias(db, err) < 0)
		goto fail;
	*dbp = db;
	return 0;
fail:
	vb_kmod_close(db);
	return -1;
}

void vb_kmod_close(vb_kmod_db_t *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->n; i++) {
		free(db->m[i].deps);
		free(db->m[i].pre);
		free(db->m[i].post);
	}
	free(db->m);
	free(db->hash);
	free(db->al);
	free(db->dep);
	free(db->softdep);
	free(db->alias);
	free(db->builtin);
	free(db);
}

const char *vb_kmod_dir(const vb_kmod_db_t *db)
{
	return db->dir;
}

int vb_kmod_generated(const vb_kmod_db_t *db)
{
	return db->generated;
}

/* ==== resolution ======================================================== */

typedef struct ctx {
	const vb_kmod_db_t *db;
	vb_kmod_order_t *out;
	unsigned char *state; /* 0 new, 1 in progress, 2 done */
	vb_error_t *err;
} ctx_t;

/* Module for @name, directly or through an alias; @via gets the alias
 * story ("" when direct).  -1 when nothing matches. */
static long find_module(const vb_kmod_db_t *db, const char *name, char *via, size_t vlen)
{
	char key[128];
	long idx = lookup(db, name), pick = -1, first = -1, i2;
	size_t i, len, others = 0;

	via[0] = '\0';
	if (idx >= 0)
		return idx;
	vb_kmod_normalise(name, key, sizeof(key));
	for (i = 0; i < db->nal; i++) {
		if (strcmp(db->al[i].pattern, key) && fnmatch(db->al[i].pattern, key, 0))
			continue;
		i2 = lookup(db, db->al[i].mod);
		if (i2 < 0)
			continue;
		others++;
		if (first < 0)
			first = i2;
		len = strlen(db->m[i2].name);
		if (pick < 0 && len > 8 && !strcmp(db->m[i2].name + len - 8, "_generic"))
			pick = i2;
		if (!db->m[i2].path) /* built in: the alias is already satisfied */
			pick = i2;
	}
	if (pick < 0)
		pick = first;
	if (pick >= 0)
		snprintf(via, vlen, "%s%s", name,
			 others > 1 ? ", the generic of several" : "");
	return pick;
}

static int skip(ctx_t *c, const char *name, const char *fmt, const char *arg)
{
	vb_kmod_skip_t *s;
	size_t i;

	for (i = 0; i < c->out->nskipped; i++)
		if (!strcmp(c->out->skipped[i].name, name))
			return 0;
	if (c->out->nskipped == VB_KMOD_MAX_SKIP)
		return 0;
	s = &c->out->skipped[c->out->nskipped++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->why, sizeof(s->why), fmt, arg);
	return 0;
}

static int compressed(const char *path)
{
	size_t n = strlen(path);

	return !(n > 3 && !strcmp(path + n - 3, ".ko"));
}

static int load(ctx_t *c, long idx, const char *why);

/* A soft dependency @name of module @of ("pre" or "post"). */
static int soft(ctx_t *c, const char *name, const char *kind, const char *of)
{
	char via[128], why[128], what[96];
	long idx = find_module(c->db, name, via, sizeof(via));

	snprintf(what, sizeof(what), "softdep %s of %s", kind, of);
	if (idx < 0)
		return skip(c, name, "%s: no such module or alias in the tree", what);
	if (!c->db->m[idx].path)
		return skip(c, name, "%s: built into the kernel", what);
	if (c->state[idx] == 1)
		return skip(c, name, "%s: a soft dependency cycle", what);
	snprintf(why, sizeof(why), "%s%s%s%s", what, via[0] ? " (" : "", via, via[0] ? ")" : "");
	return load(c, idx, why);
}

static int load(ctx_t *c, long idx, const char *why)
{
	const mod_t *m = &c->db->m[idx];
	char dname[64];
	vb_kmod_item_t *it;
	long d;
	size_t i;

	if (c->state[idx] == 2)
		return 0;
	if (c->state[idx] == 1)
		return vb_error_set(c->err, VB_EUSAGE, 0, "module %s: dependency cycle in %s",
				    m->name, c->db->dir);
	if (compressed(m->path))
		return vb_error_set(c->err, VB_EUNAVAIL, 0,
				    "module %s is compressed (%s/%s): only uncompressed .ko "
				    "modules are supported",
				    m->name, c->db->dir, m->path);
	c->state[idx] = 1;
	for (i = 0; i < m->npre; i++)
		if (soft(c, m->pre[i], "pre", m->name) < 0)
			return -1;
	for (i = m->ndeps; i-- > 0;) { /* depmod lists the first-to-load last */
		name_of(m->deps[i], dname, sizeof(dname));
		d = lookup(c->db, dname);
		if (d < 0 || !c->db->m[d].path)
			return vb_error_set(c->err, VB_EUNAVAIL, 0,
					    "module %s needs %s, which has no entry in %s/modules.dep",
					    m->name, m->deps[i], c->db->dir);
		if (c->state[d] != 2) {
			char w[128];
			snprintf(w, sizeof(w), "needed by %s", m->name);
			if (load(c, d, w) < 0)
				return -1;
		}
	}
	if (c->out->n == VB_KMOD_MAX_ORDER)
		return vb_error_set(c->err, VB_EUNAVAIL, 0, "more than %d modules to load",
				    VB_KMOD_MAX_ORDER);
	it = &c->out->items[c->out->n++];
	snprintf(it->name, sizeof(it->name), "%s", m->name);
	snprintf(it->path, sizeof(it->path), "%s", m->path);
	snprintf(it->why, sizeof(it->why), "%s", why);
	c->state[idx] = 2;
	for (i = 0; i < m->npost; i++)
		if (soft(c, m->post[i], "post", m->name) < 0)
			return -1;
	return 0;
}

int vb_kmod_resolve(const vb_kmod_db_t *db, const char *const *names, size_t n,
		    vb_kmod_order_t *out, vb_error_t *err)
{
	char via[128], why[160];
	int rc = -1;
	long idx;
	size_t i;
	ctx_t c;

	memset(out, 0, sizeof(*out));
	c = (ctx_t){ db, out, calloc(db->n + 1, 1), err };
	if (!c.state)
		return vb_error_set(err, VB_ESYS, ENOMEM, "resolve modules");
	for (i = 0; i < n; i++) {
		idx = find_module(db, names[i], via, sizeof(via));
		if (idx < 0) {
			vb_error_set(err, VB_EUNAVAIL, 0,
				     "module %s not found in %s (modules.dep, modules.alias, "
				     "modules.builtin)",
				     names[i], db->dir);
			goto out;
		}
		if (!db->m[idx].path) {
			skip(&c, names[i], "%s", "built into the kernel");
			continue;
		}
		snprintf(why, sizeof(why), "requested%s%s%s", via[0] ? " (alias " : "", via,
			 via[0] ? ")" : "");
		if (load(&c, idx, why) < 0)
			goto out;
	}
	rc = 0;
out:
	free(c.state);
	return rc;
}

json_t *vb_kmod_order_to_json(const vb_kmod_order_t *o)
{
	json_t *order = json_array(), *skipped = json_array();
	size_t i;

	for (i = 0; i < o->n; i++)
		json_array_append_new(order, json_pack("{s:s,s:s,s:s}", "name", o->items[i].name,
						       "path", o->items[i].path, "why",
						       o->items[i].why));
	for (i = 0; i < o->nskipped; i++)
		json_array_append_new(skipped, json_pack("{s:s,s:s}", "name", o->skipped[i].name,
							 "why", o->skipped[i].why));
	return json_pack("{s:o,s:o}", "order", order, "skipped", skipped);
}
