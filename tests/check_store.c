/*
 * check_store.c - the result store (harness/store/store.c) and the
 * commands on it: runs and a fleet added (again: replaced, nothing
 * doubled), what `vbench history` answers against the runs' own
 * summaries, the samples against samples.jsonl, `vbench run --store`,
 * `vbench plan --store`, the query docs/store.md shows, and what is
 * refused without changing anything: a link, a file that is no database,
 * another schema or version, a directory others can write.
 */
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/analysis/samples.h"
#include "harness/core/runproc.h"
#include "harness/fleet/fleet.h"
#include "harness/store/store.h"
#include "lib/json.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "storetest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

static long long count(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long n = -1;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static void add_fixtures(vb_store_t *s, unsigned *added, unsigned *replaced)
{
	static const char *const names[] = { "ant-0", "bee-0", "cat-0" };
	vb_error_t err;

	for (int i = 0; i < 3; i++) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s/tests/fixtures/fleet/%s", vb_test_srcdir(), names[i]);
		ck_assert_msg(vb_fleet_store_add(s, dir, NULL, added, replaced, &err) == 0, "%s",
			      err.msg);
	}
}

START_TEST(test_add_and_history)
{
	char db[PATH_MAX];
	unsigned added = 0, replaced = 0;
	vb_store_query_t q = { .env = "container" };
	vb_store_t *s;
	vb_error_t err;
	json_t *h, *rows;
	long long samples;

	snprintf(db, sizeof(db), "%s/new/dir/vbench.db", tmpdir);
	s = vb_store_open(db, 1, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	add_fixtures(s, &added, &replaced);
	ck_assert_uint_eq(added, 3);
	ck_assert_uint_eq(replaced, 0);
	samples = count(db, "SELECT count(*) FROM samples");
	ck_assert_int_gt(samples, 0);
	/* again: replaced, nothing doubled */
	add_fixtures(s, &added, &replaced);
	ck_assert_uint_eq(added, 3);
	ck_assert_uint_eq(replaced, 3);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM samples"), samples);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM runs"), 3);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM hosts"), 2);
	ck_assert_int_eq(count(db, "PRAGMA user_version"), VB_STORE_VERSION);

	h = vb_store_history(s, &q, &err);
	ck_assert_msg(h != NULL, "%s", err.msg);
	rows = json_object_get(h, "rows");
	ck_assert_int_eq(json_array_size(rows), 3);
	/* ordered by class: the AMD class's two runs, oldest first, then the Intel one */
	ck_assert_str_eq(vb_json_text(json_array_get(rows, 0), "run"), "ant-0");
	ck_assert_str_eq(vb_json_text(json_array_get(rows, 1), "run"), "bee-0");
	ck_assert_str_eq(vb_json_text(json_array_get(rows, 2), "run"), "cat-0");
	/* the run's own summary: x1.22 [1.19-1.27] slower (fleet-report.md) */
	ck_assert_double_eq_tol(vb_json_num(json_array_get(rows, 2), "ratio"), 1.22475, 1e-4);
	ck_assert_str_eq(vb_json_text(json_array_get(rows, 2), "verdict"), "slower");
	json_decref(h);

	q.class_ = "Xeon";
	q.workload = "mem.stream";
	h = vb_store_history(s, &q, &err);
	ck_assert_int_eq(json_array_size(json_object_get(h, "rows")), 1);
	ck_assert_str_eq(vb_json_text(json_array_get(json_object_get(h, "rows"), 0), "metric"),
			 "triad");
	json_decref(h);
	q.class_ = NULL;
	q.workload = NULL;
	q.since = "2026-11-23";
	h = vb_store_history(s, &q, &err);
	ck_assert_int_eq(json_array_size(json_object_get(h, "rows")), 2);
	json_decref(h);
	vb_store_close(s);
}
END_TEST

/* The samples table holds samples.jsonl's fields, value for value. */
START_TEST(test_samples_as_jsonl)
{
	char db[PATH_MAX], path[PATH_MAX];
	unsigned added = 0, replaced = 0;
	json_t *run, *all, *x;
	vb_store_t *s;
	vb_error_t err;
	sqlite3 *hd;
	sqlite3_stmt *st;
	size_t i = 0;

	snprintf(db, sizeof(db), "%s/vbench.db", tmpdir);
	ck_assert_ptr_nonnull(s = vb_store_open(db, 1, &err));
	snprintf(path, sizeof(path), "%s/tests/fixtures/fleet/cat-0", vb_test_srcdir());
	ck_assert_int_eq(vb_fleet_store_add(s, path, NULL, &added, &replaced, &err), 0);
	vb_store_close(s);
	run = vb_test_load_fixture("tests/fixtures/fleet/cat-0/run.json");
	all = vb_samples_build(run);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM samples"), (long long)json_array_size(all));
	ck_assert_int_eq(sqlite3_open_v2(db, &hd, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(hd,
					    "SELECT s.metric, s.value, s.environment, s.workload, "
					    "s.repetition, r.host, r.run_id FROM samples s JOIN runs r "
					    "ON s.run = r.id ORDER BY s.rowid",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		x = json_array_get(all, i++);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), vb_json_text(x, "metric"));
		ck_assert_double_eq(sqlite3_column_double(st, 1), vb_json_num(x, "value"));
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 2),
				 vb_json_text(x, "environment"));
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 3), vb_json_text(x, "workload"));
		ck_assert_int_eq(sqlite3_column_int(st, 4), (int)vb_json_num(x, "repetition"));
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 5), vb_json_text(x, "host"));
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 6), vb_json_text(x, "run_id"));
	}
	ck_assert_uint_eq(i, json_array_size(all));
	sqlite3_finalize(st);
	sqlite3_close(hd);
	json_decref(all);
	json_decref(run);
}
END_TEST

/* `vbench history --store BAD` refused in one line, BAD unchanged. */
static void refused(const char *db, const char *a, const char *b)
{
	char *o, *e;
	int rc = vb_test_vbench(NULL, &o, &e, "history", "--store", db, NULL);

	vb_test_expect_refusal(rc, o, e, a, b);
}

START_TEST(test_refusals)
{
	char db[PATH_MAX], link[PATH_MAX], other[PATH_MAX], open_dir[PATH_MAX];
	vb_store_t *s;
	vb_error_t err;
	sqlite3 *h;

	snprintf(db, sizeof(db), "%s/text.db", tmpdir);
	vb_test_put_text(tmpdir, "text.db", "not a database at all, just text\n");
	refused(db, "text.db", "not a database");
	vb_test_assert_content(db, "not a database at all, just text\n");

	snprintf(other, sizeof(other), "%s/other.db", tmpdir);
	ck_assert_int_eq(sqlite3_open(other, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "CREATE TABLE mine (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	refused(other, "other.db", "not a vbench store");
	ck_assert_int_eq(count(other, "SELECT count(*) FROM sqlite_master"), 1);

	snprintf(db, sizeof(db), "%s/v2.db", tmpdir);
	ck_assert_ptr_nonnull(s = vb_store_open(db, 1, &err));
	vb_store_close(s);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	refused(db, "schema version 2", "reads version 1");

	snprintf(link, sizeof(link), "%s/link.db", tmpdir);
	ck_assert_int_eq(symlink(other, link), 0);
	refused(link, "link.db", "symbolic link");

	/* store add of a directory that is no run: refused before any store is made */
	{
		char *o, *e;
		int rc;

		snprintf(db, sizeof(db), "%s/never.db", tmpdir);
		rc = vb_test_vbench(NULL, &o, &e, "store", "add", "--store", db, tmpdir, NULL);
		vb_test_expect_refusal(rc, o, e, "expected a run directory", NULL);
		ck_assert_int_eq(access(db, F_OK), -1);
	}

	refused("/nonexistent-dir-of-vbench/x.db", "x.db", NULL);

	/* a store with a trigger of someone's: refused, nothing of it runs */
	snprintf(db, sizeof(db), "%s/trig.db", tmpdir);
	ck_assert_ptr_nonnull(s = vb_store_open(db, 1, &err));
	vb_store_close(s);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "CREATE TRIGGER t AFTER INSERT ON runs BEGIN "
				      "DELETE FROM hosts; END", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	refused(db, "trig.db", "triggers");

	snprintf(open_dir, sizeof(open_dir), "%s/open", tmpdir);
	ck_assert_int_eq(mkdir(open_dir, 0777), 0);
	ck_assert_int_eq(chmod(open_dir, 0777), 0);
	snprintf(db, sizeof(db), "%s/open/x.db", tmpdir);
	ck_assert_ptr_null(vb_store_open(db, 1, &err));
	ck_assert_msg(strstr(err.msg, "writable by other users"), "%s", err.msg);
	ck_assert_int_eq(access(db, F_OK), -1);
}
END_TEST

/* Two hosts' runs with the same stamp (a fleet's tasks starting together)
 * are two runs, told apart by the host's name; a run whose repetitions
 * share a seq is refused, naming it, and leaves the store as it was. */
START_TEST(test_identity)
{
	char db[PATH_MAX];
	json_t *run = vb_test_load_fixture("tests/fixtures/fleet/ant-0/run.json"), *bad;
	vb_store_t *s;
	vb_error_t err;

	snprintf(db, sizeof(db), "%s/vbench.db", tmpdir);
	ck_assert_ptr_nonnull(s = vb_store_open(db, 1, &err));
	json_object_set_new(json_object_get(run, "host"), "hostname", json_string("node1"));
	ck_assert_int_eq(vb_store_add_run(s, run, "node1-0", "/f/node1-0", "/f", &err), 1);
	json_object_set_new(json_object_get(run, "host"), "hostname", json_string("node2"));
	ck_assert_int_eq(vb_store_add_run(s, run, "node2-1", "/f/node2-1", "/f", &err), 1);
	ck_assert_int_eq(vb_store_add_run(s, run, "node2-1", "/f/node2-1", "/f", &err), 2);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM runs"), 2);
	bad = json_deep_copy(run);
	json_object_set_new(json_object_get(bad, "host"), "hostname", json_string("node3"));
	json_object_set_new(json_array_get(json_object_get(bad, "repetitions"), 1), "seq",
			    json_integer(1));
	ck_assert_int_eq(vb_store_add_run(s, bad, "node3-2", "/f/node3-2", "/f", &err), -1);
	ck_assert_msg(strstr(err.msg, "repetitions[1].seq"), "%s", err.msg);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM runs"), 2);
	json_decref(bad);
	json_decref(run);
	vb_store_close(s);
}
END_TEST

/* vbench store add of a fleet directory, vbench plan --store, the documented query. */
START_TEST(test_commands)
{
	static const char *const names[] = { "ant-0", "bee-0", "cat-0" };
	char fleet[PATH_MAX], db[PATH_MAX], plan[PATH_MAX], dst[PATH_MAX], sq[PATH_MAX], *o, *e;
	char *run[] = { "--profile", "test" };
	vb_fleet_new_t n = { .tasks = 3, .run_argv = run, .run_argc = 2, .vbench = "/opt/vbench" };
	char *argv[] = { sq, "-csv", db, NULL, NULL };
	static char out[1 << 16];
	vb_fleet_t f;
	vb_error_t err;
	int rc;

	snprintf(fleet, sizeof(fleet), "%s/fleet", tmpdir);
	n.dir = fleet;
	ck_assert_msg(vb_fleet_create(&n, &f, &err) == 0, "%s", err.msg);
	vb_fleet_close(&f);
	for (int i = 0; i < 3; i++) {
		char src[PATH_MAX], *body;

		snprintf(src, sizeof(src), "%s/tests/fixtures/fleet/%s/run.json", vb_test_srcdir(),
			 names[i]);
		snprintf(dst, sizeof(dst), "%.3s-%d/run.json", names[i], i);
		body = vb_read_file(src, 1 << 22, 0, NULL);
		vb_test_put_text(fleet, dst, body);
		free(body);
	}
	snprintf(db, sizeof(db), "%s/vbench.db", tmpdir);
	rc = vb_test_vbench(NULL, &o, &e, "store", "add", "--store", db, fleet, NULL);
	ck_assert_msg(rc == 0 && strstr(o, "3 runs added, 0 replaced"), "exit %d: %s%s", rc, o, e);
	free(o);
	free(e);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM runs WHERE fleet IS NOT NULL"), 3);

	rc = vb_test_vbench(NULL, &o, &e, "history", "--store", db, "--env", "container", "--format",
			    "csv", NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
	ck_assert_ptr_nonnull(strstr(o, ",container,all,cat-2,"));
	free(o);
	free(e);

	snprintf(plan, sizeof(plan), "%s/p.ini", tmpdir);
	vb_test_put_text(tmpdir, "p.ini",
			 "[host]\ncpus = 32\nmemory = 256G\n\n[service web]\ncpu = 0.5\n"
			 "memory = 512M\ncount = 40\n");
	/* both host classes: the hosts each needs, then each plan */
	rc = vb_test_vbench(NULL, &o, &e, "plan", "--store", db, "--format", "md", plan, NULL);
	ck_assert_msg(rc == 0, "plan: exit %d: %s", rc, e);
	ck_assert_ptr_nonnull(strstr(o, "# Capacity plan per host class"));
	ck_assert_ptr_nonnull(strstr(o, "| AMD EPYC 7763 64-Core Processor / 6.1.0-13-amd64 | container | 1 | CPU |"));
	ck_assert_ptr_nonnull(strstr(o, "# Intel(R) Xeon(R) Gold 6338"));
	free(o);
	free(e);
	snprintf(dst, sizeof(dst), "%s/plan-out", tmpdir);
	rc = vb_test_vbench(NULL, &o, &e, "plan", "--store", db, "--out", dst, plan, NULL);
	vb_test_expect_refusal(rc, o, e, "2 host classes", "--class");
	/* the same from the fleet directory */
	rc = vb_test_vbench(NULL, &o, &e, "plan", "--fleet", fleet, "--json", plan, NULL);
	ck_assert_msg(rc == 0 && strstr(o, "\"class\": \"Intel(R) Xeon(R) Gold 6338"), "plan --fleet: "
		      "exit %d: %s", rc, e);
	free(o);
	free(e);
	rc = vb_test_vbench(NULL, &o, &e, "plan", "--store", db, "--class", "Xeon", "--json", plan,
			    NULL);
	ck_assert_msg(rc == 0, "plan: exit %d: %s", rc, e);
	ck_assert_ptr_nonnull(strstr(o, "(1 run of Intel"));
	free(o);
	free(e);

	/* the query docs/store.md shows: container overhead per class, oldest first */
	if (vb_proc_which("sqlite3", sq, sizeof(sq)) < 0)
		VB_SKIP("the sqlite3 program is not installed (scripts/install-deps.sh)");
	argv[3] = "SELECT h.class, r.name, o.ratio, o.verdict FROM overheads o "
		  "JOIN runs r ON o.run = r.id JOIN hosts h ON r.host_id = h.id "
		  "WHERE o.environment = 'container' AND o.grp = 'all' "
		  "ORDER BY h.class, r.created;";
	rc = vb_test_run(argv, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "sqlite3: exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "cat-2,1.22") && strstr(out, ",slower"), "%s", out);
}
END_TEST

/* vbench run --store=PATH: the run lands in the store. */
START_TEST(test_run_store)
{
	char db[PATH_MAX], dir[PATH_MAX], opt[PATH_MAX + 16], *o, *e;
	int rc;

	snprintf(db, sizeof(db), "%s/s/vbench.db", tmpdir);
	snprintf(opt, sizeof(opt), "--store=%s", db);
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	rc = vb_test_vbench(NULL, &o, &e, "run", "--profile", "test", "--env", "bare", "--workload",
			    "cpu.int", "--quiet", "--out", dir, opt, NULL);
	ck_assert_msg(rc == 0, "run: exit %d: %s", rc, e);
	free(o);
	free(e);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM runs WHERE name = 'run'"), 1);
	ck_assert_int_gt(count(db, "SELECT count(*) FROM samples"), 0);
}
END_TEST

Suite *vb_suite_store(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_add_and_history);
	tcase_add_test(tc, test_samples_as_jsonl);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_identity);
	tcase_add_test(tc, test_commands);
	tcase_add_test(tc, test_run_store);
	suite_add_tcase(s, tc);
	return s;
}
