/*
 * fleet_report.c - `vbench report FLEETDIR` and `vbench report --fleet`:
 * the runs of many hosts loaded, compared (analysis/hosts.h) and written
 * (output/report_dir.h) (fleet.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/analysis/hosts.h"
#include "harness/core/runfile.h"
#include "harness/core/runlock.h"
#include "harness/fleet/fleet.h"
#include "harness/output/report_dir.h"
#include "lib/json.h"
#include "lib/safefs.h"
#include "lib/term.h"
#include "lib/util.h"

int vb_fleet_is_dir(const char *dir)
{
	char path[PATH_MAX + 16];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, VB_FLEET_FILE);
	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

typedef struct loaded {
	json_t **runs;
	char **names, **paths;
	size_t n, cap;
} loaded_t;

static void loaded_free(loaded_t *l)
{
	for (size_t i = 0; i < l->n; i++) {
		json_decref(l->runs[i]);
		free(l->names[i]);
		free(l->paths[i]);
	}
	free(l->runs);
	free(l->names);
	free(l->paths);
	memset(l, 0, sizeof(*l));
}

static int add(loaded_t *l, json_t *run, const char *name, const char *path, vb_error_t *err)
{
	if (l->n == VB_HOSTS_MAX) {
		json_decref(run);
		return vb_error_set(err, VB_EUSAGE, 0, "more than %u runs", VB_HOSTS_MAX);
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		json_t **r = realloc(l->runs, cap * sizeof(json_t *));
		char **nm = r ? realloc(l->names, cap * sizeof(*nm)) : NULL;
		char **pt = nm ? realloc(l->paths, cap * sizeof(*pt)) : NULL;

		if (r)
			l->runs = r;
		if (nm)
			l->names = nm;
		if (!pt) {
			json_decref(run);
			return vb_error_set(err, VB_ESYS, ENOMEM, "fleet report");
		}
		l->paths = pt;
		l->cap = cap;
	}
	l->runs[l->n] = run;
	l->names[l->n] = strdup(name);
	l->paths[l->n] = strdup(path);
	l->n++;
	if (!l->names[l->n - 1] || !l->paths[l->n - 1])
		return vb_error_set(err, VB_ESYS, ENOMEM, "fleet report");
	return 0;
}

static int by_task(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	long tx = strtol(strrchr(x, '-') + 1, NULL, 10), ty = strtol(strrchr(y, '-') + 1, NULL, 10);

	return tx != ty ? (tx < ty ? -1 : 1) : strcmp(x, y);
}

int vb_fleet_list_runs(const vb_fleet_t *f, char ***names_out, size_t *n_out, vb_error_t *err)
{
	char **names = NULL, node[VB_FLEET_NODE_MAX];
	size_t n = 0, cap = 0;
	struct dirent *de;
	int fd = openat(f->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), e;
	DIR *d;

	*names_out = NULL;
	*n_out = 0;
	if (fd < 0 || !(d = fdopendir(fd))) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return vb_error_set(err, VB_ESYS, e, "%s", f->dir);
	}
	while ((de = readdir(d)))
		if (vb_fleet_run_dir_task(f, de->d_name, node, sizeof(node)) >= 0 &&
		    vb_fleet_is_dir_entry(f->dirfd, de)) {
			if (n == cap) {
				char **x = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*x));

				if (!x)
					break;
				names = x;
			}
			if (!(names[n] = strdup(de->d_name)))
				break;
			n++;
		}
	e = errno;
	closedir(d);
	if (de) { /* stopped early: out of memory */
		vb_fleet_argv_free_n(names, n);
		return vb_error_set(err, VB_ESYS, e, "%s", f->dir);
	}
	if (n)
		qsort(names, n, sizeof(*names), by_task);
	*names_out = names;
	*n_out = n;
	return 0;
}

void vb_fleet_argv_free_n(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The run directories of the fleet @f, in task order, loaded into @l;
 * those without a run.json are said on @log. */
static int load_fleet(vb_fleet_t *f, loaded_t *l, FILE *log, vb_error_t *err)
{
	char **names;
	size_t n, i;
	int rc = 0;

	if (vb_fleet_list_runs(f, &names, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		char rel[VB_FLEET_NODE_MAX + 32], path[PATH_MAX + 96];
		json_t *run;

		snprintf(rel, sizeof(rel), "%s/%s", names[i], VB_RUNFILE_NAME);
		snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
		if (faccessat(f->dirfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
			if (log)
				vb_term_say(log, "%s/%s: no run.json (the task ended before it measured): "
					    "left out", f->dir, names[i]);
			continue;
		}
		run = vb_runfile_load_at(f->dirfd, rel, VB_SAFEFS_BENEATH, path, err);
		rc = run ? add(l, run, names[i], path, err) : -1;
	}
	vb_fleet_argv_free_n(names, n);
	if (rc == 0 && !l->n)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: no task has a run.json yet (vbench fleet "
				    "status %s)", f->dir, f->dir);
	return rc;
}

json_t *vb_fleet_load_runs(const char *dir, FILE *log, vb_error_t *err)
{
	loaded_t l = { 0 };
	vb_fleet_t f;
	json_t *out = NULL;

	if (vb_fleet_open(dir, 0, &f, err) < 0)
		return NULL;
	if (load_fleet(&f, &l, log, err) == 0) {
		out = json_array();
		for (size_t i = 0; out && i < l.n; i++)
			json_array_append_new(out, json_pack("{s:s,s:s,s:O}", "name", l.names[i],
							     "path", l.paths[i], "run", l.runs[i]));
	}
	loaded_free(&l);
	vb_fleet_close(&f);
	return out;
}

/* Run directories named on the command line: each DIR/run.json, named by DIR's last component. */
static int load_dirs(const vb_fleet_report_opts_t *o, loaded_t *l, vb_error_t *err)
{
	for (size_t i = 0; i < o->ndirs; i++) {
		char path[PATH_MAX + 16], name[256];
		const char *base;
		size_t len = strlen(o->dirs[i]);
		json_t *run;

		while (len > 1 && o->dirs[i][len - 1] == '/')
			len--;
		snprintf(name, sizeof(name), "%.*s", (int)len, o->dirs[i]);
		base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		snprintf(path, sizeof(path), "%s/%s", o->dirs[i], VB_RUNFILE_NAME);
		if (!(run = vb_runfile_load(path, err)) || add(l, run, base, path, err) < 0)
			return -1;
	}
	return 0;
}

json_t *vb_fleet_report(const vb_fleet_report_opts_t *o, vb_error_t *err)
{
	vb_report_dir_opts_t go = { .charts = o->charts, .log = o->log };
	vb_safefs_made_t made = { .levels = 0 };
	loaded_t l = { 0 };
	vb_fleet_t f = { .dirfd = -1, .lockfd = -1 };
	json_t *doc = NULL;
	const char *out = o->out;
	int fd = -1, lock = -1, fleet = !o->out && o->ndirs == 1;

	if (o->out && o->ndirs == 1 && vb_fleet_is_dir(o->dirs[0])) { /* a fleet's report elsewhere */
		json_t *all = vb_fleet_load_runs(o->dirs[0], o->log, err), *r;
		size_t i;

		if (!all)
			goto out;
		json_array_foreach (all, i, r)
			if (add(&l, json_incref(json_object_get(r, "run")), vb_json_text(r, "name"),
				vb_json_text(r, "path"), err) < 0)
				break;
		json_decref(all);
		if (err->code != VB_OK)
			goto out;
	} else if (fleet) {
		if (vb_fleet_open(o->dirs[0], 1, &f, err) < 0 || load_fleet(&f, &l, o->log, err) < 0)
			goto out;
		out = f.dir;
		fd = f.dirfd;
	} else if (!o->out) {
		vb_error_set(err, VB_EUSAGE, 0, "--fleet with several run directories needs --out DIR");
		goto out;
	} else if (load_dirs(o, &l, err) < 0) {
		goto out;
	}
	if (!(doc = vb_hosts_build(l.runs, (const char *const *)l.names,
				   (const char *const *)l.paths, l.n, &o->stats, err)))
		goto out;
	if (!fleet) {
		if ((fd = vb_safefs_mkdir_p(out, 0755, &made, err)) < 0 ||
		    (lock = vb_runlock_take(fd, out, err)) < 0)
			goto fail;
	}
	if (vb_report_dir_fleet_at(doc, fd, out, &go, err) < 0)
		goto fail;
	goto out;
fail:
	json_decref(doc);
	doc = NULL;
	if (!fleet)
		vb_safefs_unmake(&made);
out:
	if (!fleet && fd >= 0) {
		vb_runlock_release(fd, &lock);
		close(fd);
	}
	vb_fleet_close(&f);
	loaded_free(&l);
	return doc;
}
