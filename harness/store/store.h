/*
 * store.h - the result store: runs (and fleets) added to an SQLite
 * database, queried across runs and hosts (docs/store.md).
 *
 * One file (default results/vbench.db), schema "vbench-store" version 1
 * (PRAGMA user_version, and the meta table): hosts (their facts and class:
 * CPU model / kernel release), runs (one per run.json, identified by its
 * run_id, the "created" stamp samples.jsonl names, and its host; the whole
 * run.json kept), environments, workloads, repetitions, samples (the
 * fields of samples.jsonl) and overheads (per run and environment, each
 * group's geometric mean and each workload's primary metric, with
 * interval and verdict, as the run's summary computed them).  Adding a run
 * again replaces it (a resumed run grows), in one transaction.  A
 * database of another schema or version is refused, never changed.
 *
 * Must not: follow a symbolic link to the database (SQLITE_OPEN_NOFOLLOW,
 * its directory checked as vbench's own), or build SQL from input: every
 * value is a bound parameter.
 */
#ifndef VB_STORE_H
#define VB_STORE_H

#include <jansson.h>

#include "harness/core/options.h"
#include "lib/error.h"

#define VB_STORE_SCHEMA "vbench-store"
#define VB_STORE_VERSION 1
#define VB_STORE_DEFAULT VB_RUN_STORE_DEFAULT /* core/options.h: `vbench run --store` */
#define VB_STORE_BUSY_MS 10000 /* another vbench writing: wait this long */

typedef struct vb_store vb_store_t;

/*
 * Open the store at @path (NULL: VB_STORE_DEFAULT): its directory made when
 * @create (vb_safefs_mkdir_p) and checked writable by no one else; the
 * database created with the schema when new, else checked to be a vbench
 * store of this version.  Returns it, or NULL with @err (VB_EUSAGE one line
 * naming the file: not a database, another schema or version, a link).
 */
vb_store_t *vb_store_open(const char *path, int create, vb_error_t *err);
void vb_store_close(vb_store_t *s);

/* The path of the open store. */
const char *vb_store_path(const vb_store_t *s);

/*
 * Add the run @run (a loaded run.json) from directory @dir (@name: how
 * reports name it; @fleet: its fleet directory or NULL), with everything
 * its summary holds.  Returns 1 when added, 2 when it replaced the same run
 * (run_id and host), -1 with @err (nothing changed).
 */
int vb_store_add_run(vb_store_t *s, const json_t *run, const char *name, const char *dir,
		     const char *fleet, vb_error_t *err);

/* What `vbench history` asks. */
typedef struct vb_store_query {
	const char *env;      /* NULL: every environment */
	const char *group;    /* "all" (default), "cpu", "mem", "io", "net", "app" */
	const char *workload; /* a workload's primary metric instead of a group */
	const char *class_;   /* NULL, or text the host class must contain */
	const char *since;    /* NULL, or the earliest run stamp ("2026-12-01") */
} vb_store_query_t;

/*
 * The overheads @q selects, oldest first within each host class and
 * environment: { "store", "query": {...}, "rows": [ { "class", "host",
 * "run", "created", "environment", "what", "ratio", "ci_low", "ci_high",
 * "verdict", "reps" } ] }.  New reference or NULL with @err.
 */
json_t *vb_store_history(vb_store_t *s, const vb_store_query_t *q, vb_error_t *err);

/* The stored run.json documents (a JSON array, oldest first, at most @max)
 * of the host class containing @class_ (NULL: all) since @since (NULL:
 * ever), and in *@classes how many distinct classes they come from. */
json_t *vb_store_runs(vb_store_t *s, const char *class_, const char *since, size_t max,
		      size_t *classes, vb_error_t *err);

#endif
