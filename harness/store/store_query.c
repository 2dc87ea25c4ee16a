/*
 * store_query.c - the result store's queries (store.h): the overhead
 * history of a workload or group, and the runs stored.
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "harness/store/store.h"
#include "harness/store/store_int.h"
#include "lib/error.h"

/* ---- queries ---- */

json_t *vb_store_history(vb_store_t *s, const vb_store_query_t *q, vb_error_t *err)
{
	static const char sql[] =
	    "SELECT h.class, r.host, r.name, r.created, o.environment, o.ratio, o.ci_low, "
	    "o.ci_high, o.verdict, o.reps, o.metric "
	    "FROM overheads o JOIN runs r ON o.run = r.id JOIN hosts h ON r.host_id = h.id "
	    "WHERE o.grp = ?1 AND o.workload = ?2 AND (?3 IS NULL OR o.environment = ?3) "
	    "AND (?4 IS NULL OR instr(h.class, ?4) > 0) AND (?5 IS NULL OR r.created >= ?5) "
	    "ORDER BY h.class, o.environment, r.created, r.name";
	const char *group = q->workload ? "workload" : q->group ? q->group : "all";
	json_t *rows = json_array(), *doc;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		json_decref(rows);
		return vb_store_db_error(s, err, "history"), NULL;
	}
	vb_store_bind_text(st, 1, group);
	vb_store_bind_text(st, 2, q->workload ? q->workload : "");
	vb_store_bind_text(st, 3, q->env);
	vb_store_bind_text(st, 4, q->class_);
	vb_store_bind_text(st, 5, q->since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *r = json_object();
		static const char *const cols[] = { "class", "host", "run", "created", "environment" };

		for (int c = 0; c < 5; c++)
			json_object_set_new(r, cols[c],
					    json_string((const char *)sqlite3_column_text(st, c) ?: ""));
		for (int c = 5; c < 8; c++)
			json_object_set_new(r, c == 5 ? "ratio" : c == 6 ? "ci_low" : "ci_high",
					    sqlite3_column_type(st, c) == SQLITE_NULL
						? json_null()
						: json_real(sqlite3_column_double(st, c)));
		json_object_set_new(r, "verdict",
				    json_string((const char *)sqlite3_column_text(st, 8) ?: ""));
		json_object_set_new(r, "reps", sqlite3_column_type(st, 9) == SQLITE_NULL
						       ? json_null()
						       : json_integer(sqlite3_column_int64(st, 9)));
		json_object_set_new(r, "what",
				    json_string(q->workload ? q->workload : group));
		if (sqlite3_column_text(st, 10))
			json_object_set_new(r, "metric",
					    json_string((const char *)sqlite3_column_text(st, 10)));
		json_array_append_new(rows, r);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		return vb_store_db_error(s, err, "history"), NULL;
	}
	doc = json_pack("{s:s,s:{s:s?,s:s,s:s?,s:s?},s:o}", "store", s->path, "query", "environment",
			q->env, "what", q->workload ? q->workload : group, "class", q->class_,
			"since", q->since, "rows", rows);
	if (!doc)
		vb_error_set(err, VB_EUSAGE, 0, "history: --env, --workload, --class and --since "
			     "must be UTF-8 text");
	return doc;
}

json_t *vb_store_runs(vb_store_t *s, const char *class_, const char *since, size_t max,
		      size_t *classes, vb_error_t *err)
{
	static const char sql[] =
	    "SELECT r.run_json, h.class FROM runs r JOIN hosts h ON r.host_id = h.id "
	    "WHERE (?1 IS NULL OR instr(h.class, ?1) > 0) AND (?2 IS NULL OR r.created >= ?2) "
	    "ORDER BY r.created, r.name LIMIT ?3";
	json_t *out = json_array(), *seen = json_object();
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		json_decref(out);
		json_decref(seen);
		return vb_store_db_error(s, err, "runs"), NULL;
	}
	vb_store_bind_text(st, 1, class_);
	vb_store_bind_text(st, 2, since);
	sqlite3_bind_int64(st, 3, (long long)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_error_t je;
		json_t *run = json_loads((const char *)sqlite3_column_text(st, 0) ?: "", 0, &je);

		if (!run) {
			vb_error_set(err, VB_EUSAGE, 0, "store %s: a run's run_json: %s", s->path,
				     je.text);
			break;
		}
		json_array_append_new(out, run);
		json_object_set_new(seen, (const char *)sqlite3_column_text(st, 1) ?: "", json_true());
	}
	sqlite3_finalize(st);
	*classes = json_object_size(seen);
	json_decref(seen);
	if (rc != SQLITE_DONE) {
		if (err->code == VB_OK)
			vb_store_db_error(s, err, "runs");
		json_decref(out);
		return NULL;
	}
	return out;
}
