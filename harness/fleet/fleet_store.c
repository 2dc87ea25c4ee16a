/*
 * fleet_store.c - `vbench store add DIR`: a run directory, or every run of
 * a fleet directory, added to the result store (fleet.h, store.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/runfile.h"
#include "harness/fleet/fleet.h"
#include "harness/store/store.h"
#include "lib/safefs.h"
#include "lib/term.h"
#include "lib/util.h"

static void count(int rc, unsigned *added, unsigned *replaced)
{
	if (rc == 1)
		(*added)++;
	else if (rc == 2)
		(*replaced)++;
}

int vb_fleet_store_add(vb_store_t *s, const char *dir, FILE *log, unsigned *added,
		       unsigned *replaced, vb_error_t *err)
{
	char path[PATH_MAX + 16], abs[PATH_MAX], cwd[PATH_MAX];
	const char *name;
	json_t *run;
	int rc;

	if (vb_fleet_is_dir(dir)) {
		vb_fleet_t f;
		char **names;
		size_t n, i;

		if (vb_fleet_open(dir, 0, &f, err) < 0)
			return -1;
		if (vb_fleet_list_runs(&f, &names, &n, err) < 0) {
			vb_fleet_close(&f);
			return -1;
		}
		for (i = 0, rc = 0; i < n && rc >= 0; i++) {
			char rel[VB_FLEET_NODE_MAX + 32], what[PATH_MAX + 96], rdir[PATH_MAX + 64];

			snprintf(rel, sizeof(rel), "%s/%s", names[i], VB_RUNFILE_NAME);
			snprintf(what, sizeof(what), "%s/%s", f.dir, rel);
			snprintf(rdir, sizeof(rdir), "%s/%s", f.dir, names[i]);
			if (faccessat(f.dirfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
				if (log)
					vb_term_say(log, "%s: no run.json: left out", rdir);
				continue;
			}
			if (!(run = vb_runfile_load_at(f.dirfd, rel, VB_SAFEFS_BENEATH, what, err))) {
				rc = -1;
				break;
			}
			rc = vb_store_add_run(s, run, names[i], rdir, f.dir, err);
			json_decref(run);
			count(rc, added, replaced);
		}
		if (rc == 0 && !*added && !*replaced)
			rc = vb_error_set(err, VB_EUSAGE, 0, "%s: no task has a run.json yet (vbench "
					  "fleet status %s)", f.dir, f.dir);
		vb_fleet_argv_free_n(names, n);
		vb_fleet_close(&f);
		return rc < 0 ? -1 : 0;
	}
	if (dir[0] != '/' && getcwd(cwd, sizeof(cwd)))
		snprintf(path, sizeof(path), "%s/%s", cwd, dir);
	else
		snprintf(path, sizeof(path), "%s", dir);
	if (vb_safefs_normalize(path, abs, sizeof(abs)) < 0)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: path too long", dir);
	name = strrchr(abs, '/') && strrchr(abs, '/')[1] ? strrchr(abs, '/') + 1 : abs;
	snprintf(path, sizeof(path), "%s/%s", abs, VB_RUNFILE_NAME);
	if (!(run = vb_runfile_load(path, err)))
		return -1;
	rc = vb_store_add_run(s, run, name, abs, NULL, err);
	json_decref(run);
	count(rc, added, replaced);
	return rc < 0 ? -1 : 0;
}
