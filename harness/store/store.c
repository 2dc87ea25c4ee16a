/*
 * store.c - the result store in SQLite (store.h, docs/store.md).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/analysis/hosts.h"
#include "harness/analysis/samples.h"
#include "harness/analysis/summary.h"
#include "harness/store/store.h"
#include "harness/store/store_int.h"
#include "lib/json.h"
#include "lib/safefs.h"
#include "lib/textsafe.h"
#include "lib/util.h"

/* The schema, version 1 (docs/store.md describes every column). */
static const char schema_sql[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE hosts (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  cpu TEXT NOT NULL, kernel TEXT NOT NULL, hypervisor TEXT NOT NULL,\n"
    "  mitigations TEXT NOT NULL, thp TEXT NOT NULL,\n"
    "  class TEXT NOT NULL,\n"
    "  UNIQUE (cpu, kernel, hypervisor, mitigations, thp));\n"
    "CREATE TABLE runs (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  run_id TEXT NOT NULL, host TEXT NOT NULL,\n"
    "  host_id INTEGER NOT NULL REFERENCES hosts (id),\n"
    "  name TEXT NOT NULL, dir TEXT NOT NULL, fleet TEXT,\n"
    "  status TEXT NOT NULL, profile TEXT, seed INTEGER, vbench_version TEXT,\n"
    "  created TEXT NOT NULL, updated TEXT, added TEXT NOT NULL,\n"
    "  run_json TEXT NOT NULL,\n"
    "  UNIQUE (run_id, host));\n"
    "CREATE TABLE environments (\n"
    "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
    "  name TEXT NOT NULL, type TEXT, mechanism TEXT, architecture TEXT,\n"
    "  baseline INTEGER NOT NULL, available INTEGER NOT NULL, start_latency_ns REAL,\n"
    "  PRIMARY KEY (run, name));\n"
    "CREATE TABLE workloads (\n"
    "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
    "  name TEXT NOT NULL, kind TEXT, params TEXT,\n"
    "  PRIMARY KEY (run, name));\n"
    "CREATE TABLE repetitions (\n"
    "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL, environment TEXT NOT NULL, workload TEXT NOT NULL,\n"
    "  repetition INTEGER, ok INTEGER NOT NULL, start TEXT,\n"
    "  host_elapsed_ns REAL, steal_ns REAL,\n"
    "  PRIMARY KEY (run, seq));\n"
    "CREATE TABLE samples (\n"
    "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
    "  seq INTEGER, metric TEXT NOT NULL, value REAL, unit TEXT, direction TEXT,\n"
    "  environment TEXT NOT NULL, type TEXT, mechanism TEXT, workload TEXT NOT NULL,\n"
    "  kind TEXT, repetition INTEGER, timestamp REAL, time TEXT,\n"
    "  steal_ns REAL, steal INTEGER, stalled INTEGER, guest_clock_suspect INTEGER);\n"
    "CREATE INDEX samples_run ON samples (run, environment, workload, metric);\n"
    "CREATE TABLE overheads (\n"
    "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
    "  environment TEXT NOT NULL, grp TEXT NOT NULL, workload TEXT NOT NULL,\n"
    "  metric TEXT, ratio REAL, ci_low REAL, ci_high REAL, verdict TEXT, reps INTEGER,\n"
    "  PRIMARY KEY (run, environment, grp, workload));\n";

int vb_store_db_error(vb_store_t *s, vb_error_t *err, const char *what)
{
	return vb_error_set(err, sqlite3_errcode(s->db) == SQLITE_NOTADB ? VB_EUSAGE : VB_ESYS, 0,
			    "store %s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec(vb_store_t *s, const char *sql, vb_error_t *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	vb_error_set(err, sqlite3_errcode(s->db) == SQLITE_NOTADB ? VB_EUSAGE : VB_ESYS, 0,
		     "store %s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
	sqlite3_free(msg);
	return -1;
}

/* One integer a query gives (PRAGMA user_version, a count), or -1. */
static long long one_int(vb_store_t *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int check_schema(vb_store_t *s, vb_error_t *err)
{
	long long version = one_int(s, "PRAGMA user_version"), tables;
	sqlite3_stmt *st;
	char schema[64] = "";

	if (version < 0)
		return vb_store_db_error(s, err, "expected an SQLite database");
	tables = one_int(s, "SELECT count(*) FROM sqlite_master");
	if (version == 0 && tables == 0) { /* new: the schema, in one transaction */
		char sql[256];

		if (exec(s, "BEGIN IMMEDIATE", err) < 0)
			return -1;
		if (one_int(s, "SELECT count(*) FROM sqlite_master") == 0) {
			snprintf(sql, sizeof(sql),
				 "INSERT INTO meta VALUES ('schema', '%s'), ('schema_version', '%d');"
				 "PRAGMA user_version = %d;",
				 VB_STORE_SCHEMA, VB_STORE_VERSION, VB_STORE_VERSION);
			if (exec(s, schema_sql, err) < 0 || exec(s, sql, err) < 0) {
				exec(s, "ROLLBACK", NULL);
				return -1;
			}
		}
		if (exec(s, "COMMIT", err) < 0)
			return -1;
		version = one_int(s, "PRAGMA user_version"); /* another may have made it meanwhile */
	}
	if (one_int(s, "SELECT count(*) FROM sqlite_master WHERE type IN ('trigger', 'view')") != 0)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "store %s: holds triggers or views a vbench store has not: left "
				    "as it is",
				    s->path);
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(schema, sizeof(schema), "%s",
				 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (strcmp(schema, VB_STORE_SCHEMA))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "store %s: an SQLite database but not a vbench store (no meta "
				    "schema '%s'): left as it is",
				    s->path, VB_STORE_SCHEMA);
	if (version != VB_STORE_VERSION)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "store %s: schema version %lld, this vbench reads version %d: "
				    "left as it is",
				    s->path, version, VB_STORE_VERSION);
	return 0;
}

vb_store_t *vb_store_open(const char *path, int create, vb_error_t *err)
{
	vb_store_t *s = calloc(1, sizeof(*s));
	char dir[PATH_MAX];
	vb_safefs_made_t made;
	int fd;

	if (!s)
		return vb_error_set(err, VB_ESYS, ENOMEM, "store"), NULL;
	if (!path)
		path = VB_STORE_DEFAULT;
	if (vb_safefs_check_path(path, "--store", err) < 0 ||
	    vb_safefs_normalize(path, s->path, sizeof(s->path)) < 0) {
		if (err->code == VB_OK)
			vb_error_set(err, VB_EUSAGE, ENAMETOOLONG, "--store %s: too long", path);
		free(s);
		return NULL;
	}
	if (strchr(s->path, '/'))
		vb_path_dir(s->path, dir, sizeof(dir));
	else
		snprintf(dir, sizeof(dir), ".");
	fd = create ? vb_safefs_mkdir_p(dir, 0755, &made, err)
		    : vb_safefs_open_dir_msg(dir, "store directory", err);
	if (fd < 0) {
		vb_error_prefix(err, "--store %s", path);
		free(s);
		return NULL;
	}
	close(fd);
	{
		struct stat sb;

		if (lstat(s->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
			vb_error_set(err, VB_EUSAGE, 0, "store %s: is %s, not a regular file (a store "
				     "is opened without following a link)",
				     s->path, vb_safefs_kind(sb.st_mode));
			free(s);
			return NULL;
		}
	}
	if (!create && access(s->path, F_OK) < 0) {
		vb_error_set(err, VB_EUSAGE, errno, "store %s: no such store (`vbench store add` "
			     "makes one)", s->path);
		free(s);
		return NULL;
	}
	if (sqlite3_open_v2(s->path, &s->db,
			    SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
				SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		vb_error_set(err, VB_EUSAGE, 0, "store %s: %s", s->path,
			     s->db ? sqlite3_errmsg(s->db) : "cannot open");
		vb_store_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, VB_STORE_BUSY_MS);
	/* a store is a file anyone may hand vbench: no schema tricks run */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_extended_result_codes(s->db, 0);
	if (exec(s, "PRAGMA foreign_keys = ON", err) < 0 || check_schema(s, err) < 0) {
		vb_store_close(s);
		return NULL;
	}
	return s;
}

void vb_store_close(vb_store_t *s)
{
	if (!s)
		return;
	if (s->db)
		sqlite3_close(s->db);
	free(s);
}

const char *vb_store_path(const vb_store_t *s)
{
	return s->path;
}

/* ---- adding a run ---- */

/* Bind @v (a JSON value: string, number, boolean, null) at @i. */
static void bind_json(sqlite3_stmt *st, int i, const json_t *v)
{
	if (json_is_string(v))
		sqlite3_bind_text(st, i, json_string_value(v), -1, SQLITE_TRANSIENT);
	else if (json_is_integer(v))
		sqlite3_bind_int64(st, i, json_integer_value(v));
	else if (json_is_real(v) && isfinite(json_real_value(v)))
		sqlite3_bind_double(st, i, json_real_value(v));
	else if (json_is_boolean(v))
		sqlite3_bind_int(st, i, json_is_true(v));
	else
		sqlite3_bind_null(st, i);
}

void vb_store_bind_text(sqlite3_stmt *st, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Run @st once (it is reset after); -1 with @err. */
static int step(vb_store_t *s, sqlite3_stmt *st, vb_error_t *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : vb_store_db_error(s, err, "write");
}

/* The host's row (inserted when new): its id, or -1 with @err. */
static long long host_id(vb_store_t *s, const json_t *facts, vb_error_t *err)
{
	static const char *const keys[] = { "cpu", "kernel", "hypervisor", "mitigations", "thp" };
	sqlite3_stmt *st;
	char class_[512];
	long long id = -1;

	snprintf(class_, sizeof(class_), "%s / %s", vb_json_text(facts, "cpu"),
		 vb_json_text(facts, "kernel"));
	vb_text_utf8_cut(class_);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO hosts (cpu, kernel, hypervisor, mitigations, thp, class) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
			       -1, &st, NULL) != SQLITE_OK)
		return vb_store_db_error(s, err, "hosts");
	for (int i = 0; i < 5; i++)
		vb_store_bind_text(st, i + 1, vb_json_text(facts, keys[i]));
	vb_store_bind_text(st, 6, class_);
	if (step(s, st, err) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db,
			       "SELECT id FROM hosts WHERE cpu = ?1 AND kernel = ?2 AND hypervisor = ?3 "
			       "AND mitigations = ?4 AND thp = ?5",
			       -1, &st, NULL) != SQLITE_OK)
		return vb_store_db_error(s, err, "hosts");
	for (int i = 0; i < 5; i++)
		vb_store_bind_text(st, i + 1, vb_json_text(facts, keys[i]));
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id >= 0 ? id : vb_store_db_error(s, err, "hosts");
}

/* The run's own row: its id.  An earlier copy of the same run (its run_id and
 * host label, which starts with the host's name where run.json records it)
 * is deleted first (*@replaced); one with other host facts is refused. */
static long long run_row(vb_store_t *s, const json_t *run, const char *hostname, long long host,
			 const char *name, const char *dir, const char *fleet, int *replaced,
			 vb_error_t *err)
{
	const json_t *opts = json_object_get(run, "options");
	char *text = json_dumps(run, JSON_COMPACT | JSON_ENSURE_ASCII), stamp[64];
	const char *run_id = vb_json_str(run, "created");
	sqlite3_stmt *st = NULL;
	long long id = -1, other = -1;

	if (!text)
		return vb_error_set(err, VB_ESYS, ENOMEM, "run.json"), -1;
	if (sqlite3_prepare_v2(s->db, "SELECT host_id FROM runs WHERE run_id = ?1 AND host = ?2", -1,
			       &st, NULL) != SQLITE_OK) {
		vb_store_db_error(s, err, "runs");
		goto out;
	}
	vb_store_bind_text(st, 1, run_id);
	vb_store_bind_text(st, 2, hostname);
	if (sqlite3_step(st) == SQLITE_ROW)
		other = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (other >= 0 && other != host) {
		vb_error_set(err, VB_EUSAGE, 0,
			     "%s: the store has a run of the same id (%s) and host (%s) with other "
			     "host facts: not replaced",
			     dir, run_id, hostname);
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, "DELETE FROM runs WHERE run_id = ?1 AND host = ?2", -1, &st,
			       NULL) != SQLITE_OK) {
		vb_store_db_error(s, err, "runs");
		goto out;
	}
	vb_store_bind_text(st, 1, run_id);
	vb_store_bind_text(st, 2, hostname);
	if (step(s, st, err) < 0)
		goto out;
	*replaced = sqlite3_changes(s->db) > 0;
	sqlite3_finalize(st);
	vb_format_time(vb_wall_ns(), stamp, sizeof(stamp));
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO runs (run_id, host, host_id, name, dir, fleet, status, "
			       "profile, seed, vbench_version, created, updated, added, run_json) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
			       -1, &st, NULL) != SQLITE_OK) {
		st = NULL;
		vb_store_db_error(s, err, "runs");
		goto out;
	}
	vb_store_bind_text(st, 1, run_id);
	vb_store_bind_text(st, 2, hostname);
	sqlite3_bind_int64(st, 3, host);
	vb_store_bind_text(st, 4, name);
	vb_store_bind_text(st, 5, dir);
	vb_store_bind_text(st, 6, fleet);
	vb_store_bind_text(st, 7, vb_json_str(run, "status"));
	bind_json(st, 8, json_object_get(opts, "profile"));
	bind_json(st, 9, json_object_get(opts, "seed"));
	vb_store_bind_text(st, 10, vb_json_str(run, "vbench_version"));
	vb_store_bind_text(st, 11, run_id);
	vb_store_bind_text(st, 12, vb_json_str(run, "updated"));
	vb_store_bind_text(st, 13, stamp);
	vb_store_bind_text(st, 14, text);
	if (step(s, st, err) == 0)
		id = sqlite3_last_insert_rowid(s->db);
out:
	sqlite3_finalize(st);
	free(text);
	return id;
}

/* environments, workloads and repetitions of @run. */
static int run_parts(vb_store_t *s, const json_t *run, long long id, vb_error_t *err)
{
	sqlite3_stmt *env = NULL, *wl = NULL, *rep = NULL;
	const json_t *v;
	size_t i;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO environments VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1,
			       &env, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO workloads VALUES (?1, ?2, ?3, ?4)", -1, &wl,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT INTO repetitions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			       -1, &rep, NULL) != SQLITE_OK) {
		vb_store_db_error(s, err, "prepare");
		goto out;
	}
	json_array_foreach (json_object_get(run, "environments"), i, v) {
		sqlite3_bind_int64(env, 1, id);
		vb_store_bind_text(env, 2, vb_json_str(v, "name"));
		vb_store_bind_text(env, 3, vb_json_str(v, "type"));
		vb_store_bind_text(env, 4, vb_json_str(v, "mechanism"));
		vb_store_bind_text(env, 5, vb_json_str(json_object_get(v, "class"), "architecture"));
		sqlite3_bind_int(env, 6, json_is_true(json_object_get(v, "baseline")));
		sqlite3_bind_int(env, 7, json_is_true(json_object_get(v, "available")));
		bind_real(env, 8, vb_json_num(v, "start_latency_ns"));
		if (step(s, env, err) < 0)
			goto out;
	}
	json_array_foreach (json_object_get(run, "workloads"), i, v) {
		char *params = json_dumps(json_object_get(v, "params"), JSON_COMPACT | JSON_SORT_KEYS);

		sqlite3_bind_int64(wl, 1, id);
		vb_store_bind_text(wl, 2, vb_json_str(v, "name"));
		vb_store_bind_text(wl, 3, vb_json_str(v, "kind"));
		vb_store_bind_text(wl, 4, params);
		free(params);
		if (step(s, wl, err) < 0)
			goto out;
	}
	json_array_foreach (json_object_get(run, "repetitions"), i, v) {
		sqlite3_bind_int64(rep, 1, id);
		bind_json(rep, 2, json_object_get(v, "seq"));
		vb_store_bind_text(rep, 3, vb_json_str(v, "env"));
		vb_store_bind_text(rep, 4, vb_json_str(v, "workload"));
		bind_json(rep, 5, json_object_get(v, "rep"));
		sqlite3_bind_int(rep, 6, json_is_true(json_object_get(v, "ok")));
		vb_store_bind_text(rep, 7, vb_json_str(v, "start"));
		bind_real(rep, 8, vb_json_num(v, "host_elapsed_ns"));
		bind_real(rep, 9, vb_json_num(v, "steal_ns"));
		if (!json_is_integer(json_object_get(v, "seq")) || step(s, rep, err) < 0) {
			vb_error_set(err, VB_EUSAGE, 0, "repetitions[%zu].seq: expected an integer no "
				     "other repetition has", i);
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(env);
	sqlite3_finalize(wl);
	sqlite3_finalize(rep);
	return rc;
}

static const char *const sample_cols[] = { "seq",	 "metric",   "value",	    "unit",
					   "direction",	 "environment", "type",   "mechanism",
					   "workload",	 "kind",     "repetition", "timestamp",
					   "time",	 "steal_ns", "steal",	    "stalled",
					   "guest_clock_suspect" };
#define NSAMPLE_COLS (sizeof(sample_cols) / sizeof(sample_cols[0]))

static int samples(vb_store_t *s, const json_t *all, long long id, vb_error_t *err)
{
	char sql[1024];
	size_t used, i, c;
	sqlite3_stmt *st;
	const json_t *x;

	used = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO samples (run");
	for (c = 0; c < NSAMPLE_COLS; c++)
		used += (size_t)snprintf(sql + used, sizeof(sql) - used, ", %s", sample_cols[c]);
	used += (size_t)snprintf(sql + used, sizeof(sql) - used, ") VALUES (?1");
	for (c = 0; c < NSAMPLE_COLS; c++)
		used += (size_t)snprintf(sql + used, sizeof(sql) - used, ", ?%zu", c + 2);
	snprintf(sql + used, sizeof(sql) - used, ")");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return vb_store_db_error(s, err, "samples");
	json_array_foreach (all, i, x) {
		sqlite3_bind_int64(st, 1, id);
		for (c = 0; c < NSAMPLE_COLS; c++)
			bind_json(st, (int)c + 2, json_object_get(x, sample_cols[c]));
		if (step(s, st, err) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

static int overhead_row(vb_store_t *s, sqlite3_stmt *st, long long id, const char *env,
			const char *grp, const char *wl, const char *metric, const json_t *o,
			double ratio, vb_error_t *err)
{
	sqlite3_bind_int64(st, 1, id);
	vb_store_bind_text(st, 2, env);
	vb_store_bind_text(st, 3, grp);
	vb_store_bind_text(st, 4, wl);
	vb_store_bind_text(st, 5, metric);
	bind_real(st, 6, ratio);
	bind_real(st, 7, vb_json_num(o, "ci_low"));
	bind_real(st, 8, vb_json_num(o, "ci_high"));
	vb_store_bind_text(st, 9, vb_json_str(o, "verdict"));
	bind_real(st, 10, vb_json_num(o, "reps"));
	return step(s, st, err);
}

/* Each environment's group geometric means and workloads' primary overheads. */
static int overheads(vb_store_t *s, const json_t *sum, long long id, vb_error_t *err)
{
	const json_t *g, *e, *w, *env;
	const char *name;
	sqlite3_stmt *st;
	size_t i, j;

	if (sqlite3_prepare_v2(s->db,
			       "INSERT OR REPLACE INTO overheads VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
			       "?8, ?9, ?10)",
			       -1, &st, NULL) != SQLITE_OK)
		return vb_store_db_error(s, err, "overheads");
	json_array_foreach (json_object_get(sum, "groups"), i, g)
		json_object_foreach ((json_t *)json_object_get(g, "envs"), name, e)
			if (overhead_row(s, st, id, name, vb_json_text(g, "kind"), "", NULL, e,
					 vb_json_num(e, "geomean"), err) < 0)
				goto fail;
	json_array_foreach (json_object_get(sum, "environments"), i, env)
		json_array_foreach (json_object_get(sum, "workloads"), j, w) {
			const json_t *p = vb_summary_primary(sum, vb_json_text(env, "name"),
							     vb_json_text(w, "name"));
			const json_t *o = json_object_get(p, "overhead");

			if (!o)
				continue;
			if (overhead_row(s, st, id, vb_json_text(env, "name"), "workload",
					 vb_json_text(w, "name"), vb_json_str(w, "primary_metric"), o,
					 vb_json_num(o, "ratio"), err) < 0)
				goto fail;
		}
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	return -1;
}

int vb_store_add_run(vb_store_t *s, const json_t *run, const char *name, const char *dir,
		     const char *fleet, vb_error_t *err)
{
	vb_summary_cfg_t cfg;
	json_t *sum = NULL, *all = NULL, *facts = NULL, *where = NULL;
	long long host, id;
	int replaced = 0, rc = -1;

	if (vb_summary_check_run(run, dir, err) < 0)
		return -1;
	if (!vb_json_str(run, "created"))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: field 'created' is missing", dir);
	vb_summary_cfg_init(&cfg);
	cfg.margin = NAN;
	vb_summary_cfg_margin(&cfg, run);
	if (!(sum = vb_summary_build(run, &cfg, err)))
		return -1;
	all = vb_samples_build(run);
	facts = vb_hosts_facts(sum, run);
	where = vb_samples_where(run);
	if (!all || !facts || !where) {
		vb_error_set(err, VB_ESYS, ENOMEM, "store");
		goto out;
	}
	if (exec(s, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	if ((host = host_id(s, facts, err)) < 0 ||
	    (id = run_row(s, run, vb_json_text(where, "host"), host, name, dir, fleet, &replaced,
			  err)) < 0 ||
	    run_parts(s, run, id, err) < 0 || samples(s, all, id, err) < 0 ||
	    overheads(s, sum, id, err) < 0 || exec(s, "COMMIT", err) < 0) {
		exec(s, "ROLLBACK", NULL);
		goto out;
	}
	rc = replaced ? 2 : 1;
out:
	json_decref(sum);
	json_decref(all);
	json_decref(facts);
	json_decref(where);
	return rc;
}
