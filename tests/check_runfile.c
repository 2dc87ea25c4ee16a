/*
 * check_runfile.c - run.json: building, saving, loading.
 *
 * A new document carries the schema header, the command line and the
 * options; save/load round-trips it exactly; load refuses a missing file,
 * invalid JSON and documents of another schema or version with a usage
 * error naming the file and the field; save replaces the file atomically
 * (a reader holding the old file still sees it whole, no temporary file is
 * left behind).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/env/env.h"
#include "harness/core/runfile.h"
#include "lib/util.h"
#include "tests/tests.h"

static char root[PATH_MAX];

static void root_setup(void)
{
	snprintf(root, sizeof(root), "/tmp/vbench-check-runfile-XXXXXX");
	if (!mkdtemp(root))
		root[0] = '\0';
}

static void root_teardown(void)
{
	if (root[0])
		vb_rm_rf(root);
	root[0] = '\0';
}

static void make_tmpdir(char *buf, size_t len)
{
	ck_assert_msg(root[0], "no temporary root");
	snprintf(buf, len, "%s/t-XXXXXX", root);
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

/* A configuration parsed from a small command line (argv must outlive it). */
static char *argv_small[] = { "run", "--workload", "cpu.int,mem.stream", "--reps", "2",
			      "--events", "none", "--param", "mem.stream.passes=5", NULL };

static void small_cfg(vb_run_cfg_t *cfg)
{
	vb_error_t err;

	vb_run_cfg_init(cfg);
	ck_assert_msg(vb_run_cfg_parse(cfg, 9, argv_small, vb_env_cfg_ext(), &err) == 0, "%s", err.msg);
}

/* Names in @dir other than run.json (temporary files would show here). */
static int stray_files(const char *dir, char *name, size_t len)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	name[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "run.json"))
			continue;
		n++;
		snprintf(name, len, "%s", de->d_name);
	}
	closedir(d);
	return n;
}

static void write_text(const char *path, const char *text)
{
	vb_error_t err;

	ck_assert_msg(vb_write_file(path, text, strlen(text), &err) == 0, "%s", err.msg);
}

START_TEST(test_new)
{
	vb_run_cfg_t cfg;
	json_t *doc, *cmd, *opt;
	size_t i;

	small_cfg(&cfg);
	doc = vb_runfile_new(&cfg);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "schema")), VB_RUN_SCHEMA);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "schema")), "vbench-run");
	ck_assert(json_is_integer(json_object_get(doc, "schema_version")));
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "schema_version")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "running");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "vbench_version")), VB_VERSION);
	ck_assert(json_is_string(json_object_get(doc, "created")));
	ck_assert(json_is_string(json_object_get(doc, "updated")));

	cmd = json_object_get(doc, "command");
	ck_assert_uint_eq(json_array_size(cmd), 9);
	for (i = 0; i < 9; i++)
		ck_assert_str_eq(json_string_value(json_array_get(cmd, i)), argv_small[i]);

	opt = json_object_get(doc, "options");
	ck_assert(json_is_object(opt));
	ck_assert_str_eq(json_string_value(json_object_get(opt, "profile")), "quick");
	ck_assert_int_eq(json_integer_value(json_object_get(opt, "reps")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(opt, "workloads")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(opt, "workloads"), 1)),
			 "mem.stream");
	ck_assert_uint_eq(json_array_size(json_object_get(opt, "events")), 0);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(opt, "envs"), 0)),
			 "bare");
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(opt, "params"), 0), "value")),
			 "5");
	ck_assert_int_eq(json_integer_value(json_object_get(opt, "memory_bytes")), 1ll << 30);

	ck_assert(json_is_array(json_object_get(doc, "environments")));
	ck_assert(json_is_array(json_object_get(doc, "workloads")));
	ck_assert(json_is_array(json_object_get(doc, "repetitions")));
	ck_assert(json_is_array(json_object_get(doc, "warnings")));
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 0);
	json_decref(doc);
}
END_TEST

START_TEST(test_save_load_round_trip)
{
	char dir[PATH_MAX], path[PATH_MAX], stray[256];
	vb_run_cfg_t cfg;
	json_t *doc, *back;
	vb_error_t err;

	make_tmpdir(dir, sizeof(dir));
	small_cfg(&cfg);
	doc = vb_runfile_new(&cfg);
	json_array_append_new(json_object_get(doc, "repetitions"),
			      json_pack("{s:i,s:s,s:f,s:s}", "rep", 1, "workload", "cpu.int",
					"value", 1234.5, "note", "caf\xc3\xa9"));
	ck_assert_int_eq(vb_runfile_save(doc, dir, &err), 0);

	snprintf(path, sizeof(path), "%s/run.json", dir);
	back = vb_runfile_load(path, &err);
	ck_assert_msg(back != NULL, "%s", err.msg);
	ck_assert_msg(json_equal(doc, back), "loaded document differs");
	json_decref(back);
	ck_assert_int_eq(stray_files(dir, stray, sizeof(stray)), 0);

	json_object_set_new(doc, "status", json_string("complete"));
	ck_assert_int_eq(vb_runfile_save(doc, dir, &err), 0);
	back = vb_runfile_load(path, &err);
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(json_string_value(json_object_get(back, "status")), "complete");
	json_decref(back);
	json_decref(doc);

	ck_assert_int_eq(vb_rm_rf(dir), 0);
}
END_TEST

START_TEST(test_save_atomic)
{
	char dir[PATH_MAX], path[PATH_MAX], stray[256], *old, buf[1 << 16];
	struct stat before, after;
	vb_run_cfg_t cfg;
	json_t *doc;
	vb_error_t err;
	ssize_t n;
	int fd, i;

	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/run.json", dir);
	small_cfg(&cfg);
	doc = vb_runfile_new(&cfg);
	ck_assert_int_eq(vb_runfile_save(doc, dir, &err), 0);
	old = vb_read_file(path, 1 << 20, 0, &err);
	ck_assert_ptr_nonnull(old);
	ck_assert_int_eq(stat(path, &before), 0);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);

	/* grow the document a lot and save several times */
	for (i = 0; i < 5; i++) {
		json_array_append_new(json_object_get(doc, "repetitions"),
				      json_pack("{s:i,s:s}", "rep", i, "pad",
						"0123456789012345678901234567890123456789"));
		ck_assert_int_eq(vb_runfile_save(doc, dir, &err), 0);
	}
	/* the file was replaced (new inode), not rewritten in place: a reader of
	 * the old one still has it whole */
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert(before.st_ino != after.st_ino);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	ck_assert_int_eq(n, (ssize_t)strlen(old));
	buf[n] = '\0';
	ck_assert_str_eq(buf, old);
	close(fd);
	free(old);
	ck_assert_uint_eq(after.st_mode & 0777, 0644);

	ck_assert_msg(stray_files(dir, stray, sizeof(stray)) == 0, "left behind: %s", stray);

	/* saving into a missing directory fails, naming the path */
	snprintf(path, sizeof(path), "%s/missing", dir);
	ck_assert_int_eq(vb_runfile_save(doc, path, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	json_decref(doc);
	ck_assert_int_eq(vb_rm_rf(dir), 0);
}
END_TEST

/* Loading @text must fail with VB_EUSAGE naming the file and @field. */
static void expect_load_fails(const char *dir, const char *text, const char *field)
{
	char path[PATH_MAX];
	vb_error_t err;

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	write_text(path, text);
	vb_error_clear(&err);
	ck_assert_msg(vb_runfile_load(path, &err) == NULL, "accepted: %s", text);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_msg(strstr(err.msg, path), "'%s' does not name the file", err.msg);
	if (field)
		ck_assert_msg(strstr(err.msg, field), "'%s' does not name '%s'", err.msg, field);
}

START_TEST(test_load_errors)
{
	char dir[PATH_MAX], path[PATH_MAX];
	vb_error_t err;
	json_t *doc;

	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/none.json", dir);
	vb_error_clear(&err);
	ck_assert_ptr_null(vb_runfile_load(path, &err));
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, path));

	expect_load_fails(dir, "", NULL);
	expect_load_fails(dir, "{\"schema\": \"vbench-run\",", NULL);
	expect_load_fails(dir, "not json at all", NULL);
	expect_load_fails(dir, "{\"schema\":\"vbench-run\",\"schema\":\"vbench-run\",\"schema_version\":1}",
			  NULL);
	expect_load_fails(dir, "{\"schema\":\"other\",\"schema_version\":1}", "schema");
	expect_load_fails(dir, "{\"schema_version\":1}", "schema");
	expect_load_fails(dir, "{\"schema\":1,\"schema_version\":1}", "schema");
	expect_load_fails(dir, "{\"schema\":\"vbench-run\",\"schema_version\":2}", "schema_version");
	expect_load_fails(dir, "{\"schema\":\"vbench-run\",\"schema_version\":\"1\"}",
			  "schema_version");
	expect_load_fails(dir, "{\"schema\":\"vbench-run\"}", "schema_version");
	expect_load_fails(dir, "[1,2,3]", "schema");

	/* the minimal valid header loads */
	snprintf(path, sizeof(path), "%s/ok.json", dir);
	write_text(path, "{\"schema\":\"vbench-run\",\"schema_version\":1}");
	doc = vb_runfile_load(path, &err);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	json_decref(doc);

	ck_assert_int_eq(vb_rm_rf(dir), 0);
}
END_TEST

Suite *vb_suite_runfile(void)
{
	Suite *s = suite_create("runfile");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_test(tc, test_new);
	tcase_add_test(tc, test_save_load_round_trip);
	tcase_add_test(tc, test_save_atomic);
	tcase_add_test(tc, test_load_errors);
	suite_add_tcase(s, tc);
	return s;
}
