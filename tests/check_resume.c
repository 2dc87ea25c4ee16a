/*
 * check_resume.c - what `vbench run --resume` compares and reuses.
 *
 * Each comparison refuses a difference with one line naming the field and
 * both values: the host (CPU model, number of CPUs, memory size, kernel
 * release), the vbench and schema versions, the allocation, and every
 * option given with --resume (--quiet aside).  Recorded repetitions are
 * matched to schedule slots by seq, and a record that is not its slot is
 * refused.  Opening a run directory rebuilds the recorded configuration
 * (seed and directory included), says "complete" for a complete run and
 * refuses a run.json whose options do not follow from its command line.
 * An environment started again keeps its earlier record and VM logs.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/hostinfo.h"
#include "harness/core/options.h"
#include "harness/env/env.h"
#include "harness/run/resume.h"
#include "harness/core/runfile.h"
#include "harness/run/schedule.h"
#include "lib/util.h"
#include "tests/tests.h"

static void assert_one_line(const vb_error_t *err, const char *expect)
{
	ck_assert_int_eq(err->code, VB_EUSAGE);
	ck_assert_msg(strstr(err->msg, expect), "'%s' not in: %s", expect, err->msg);
	ck_assert_msg(!strchr(err->msg, '\n'), "not one line: %s", err->msg);
}

static void parse(vb_run_cfg_t *cfg, char **argv)
{
	vb_error_t err;
	int argc = 0;

	while (argv[argc])
		argc++;
	vb_error_clear(&err);
	vb_run_cfg_init(cfg);
	ck_assert_msg(vb_run_cfg_parse(cfg, argc, argv, vb_env_cfg_ext(), &err) == 0, "%s", err.msg);
}

START_TEST(test_host_differs)
{
	static const struct {
		const char *key, *sub;
		json_t *(*make)(void);
		const char *expect;
	} cases[] = {
		{ "cpu", "brand", NULL, "host cpu model 'Other CPU 9000' differs from the run's" },
		{ "ncpus", NULL, NULL, "host number of CPUs '" },
		{ "memory", "total_bytes", NULL, "host memory size '" },
		{ "kernel", "release", NULL, "host kernel release 'Other CPU 9000' differs" },
	};
	json_t *rec = vb_hostinfo_collect(NULL), *now, *o;
	vb_error_t err;
	size_t i;

	vb_error_clear(&err);
	now = json_deep_copy(rec);
	ck_assert_int_eq(vb_resume_check_host(rec, now, &err), 0);
	/* What may change between sessions is not compared. */
	json_object_set_new(json_object_get(now, "memory"), "available_bytes", json_integer(1));
	json_object_set_new(now, "clocksource", json_string("hpet"));
	ck_assert_int_eq(vb_resume_check_host(rec, now, &err), 0);
	json_decref(now);
	for (i = 0; i < VB_ARRAY_SIZE(cases); i++) {
		now = json_deep_copy(rec);
		o = cases[i].sub ? json_object_get(now, cases[i].key) : now;
		if (json_is_integer(json_object_get(o, cases[i].sub ?: cases[i].key)))
			json_object_set_new(o, cases[i].sub ?: cases[i].key, json_integer(123457));
		else
			json_object_set_new(o, cases[i].sub ?: cases[i].key, json_string("Other CPU 9000"));
		vb_error_clear(&err);
		ck_assert_int_eq(vb_resume_check_host(rec, now, &err), -1);
		assert_one_line(&err, cases[i].expect);
		json_decref(now);
	}
	/* A fact the run recorded and this session cannot read: a difference. */
	now = json_deep_copy(rec);
	json_object_set_new(json_object_get(now, "kernel"), "release", json_null());
	ck_assert_int_eq(vb_resume_check_host(rec, now, &err), -1);
	assert_one_line(&err, "host kernel release 'unknown' differs");
	json_decref(now);
	json_decref(rec);
}
END_TEST

START_TEST(test_version_differs)
{
	json_t *doc = json_pack("{s:s,s:i,s:s,s:s}", "schema", VB_RUN_SCHEMA, "schema_version",
				VB_RUN_SCHEMA_VERSION, "vbench_version", VB_VERSION, "isa", VB_ISA);
	vb_error_t err;

	vb_error_clear(&err);
	ck_assert_int_eq(vb_resume_check_version(doc, &err), 0);
	json_object_set_new(doc, "vbench_version", json_string("0.0.1"));
	ck_assert_int_eq(vb_resume_check_version(doc, &err), -1);
	assert_one_line(&err, "vbench version '" VB_VERSION "' differs from the run's '0.0.1'");
	json_object_set_new(doc, "vbench_version", json_string(VB_VERSION));
	json_object_set_new(doc, "schema_version", json_integer(VB_RUN_SCHEMA_VERSION + 1));
	ck_assert_int_eq(vb_resume_check_version(doc, &err), -1);
	assert_one_line(&err, "run.json schema version");
	json_object_set_new(doc, "schema_version", json_integer(VB_RUN_SCHEMA_VERSION));
	json_object_del(doc, "isa");
	ck_assert_int_eq(vb_resume_check_version(doc, &err), -1);
	assert_one_line(&err, "vbench ISA level '" VB_ISA "' differs from the run's 'unknown'");
	json_decref(doc);
}
END_TEST

START_TEST(test_allocation_differs)
{
	json_t *rec = json_pack("{s:i,s:s,s:I,s:s,s:s,s:b}", "cpus", 1, "env_cpus", "3",
				"memory_bytes", (json_int_t)1 << 30, "harness_cpus", "0-2", "cgroup",
				"cgroup v2", "cgroup_enforced", 1);
	json_t *now = json_deep_copy(rec);
	vb_error_t err;

	vb_error_clear(&err);
	ck_assert_int_eq(vb_resume_check_allocation(rec, now, &err), 0);
	json_object_set_new(now, "env_cpus", json_string("1"));
	ck_assert_int_eq(vb_resume_check_allocation(rec, now, &err), -1);
	assert_one_line(&err, "allocation CPU list '1' differs from the run's '3'");
	json_decref(now);
	json_decref(rec);
}
END_TEST

START_TEST(test_options_differ)
{
	static char *rec_argv[] = { "run", "--env", "bare,container", "--profile", "test", "--reps",
				    "3", "--workload", "cpu.*", "--events", "none", NULL };
	static const struct {
		char *argv[8];
		const char *expect; /* NULL: accepted */
	} cases[] = {
		{ { "run", "--resume", "d", NULL }, NULL },
		{ { "run", "--resume", "d", "--reps", "3", "--quiet", NULL }, NULL },
		{ { "run", "--resume", "d", "--profile", "test", "--env", "bare,container", NULL }, NULL },
		{ { "run", "--resume", "d", "--reps", "5", NULL }, "option --reps '5' differs from the run's '3'" },
		{ { "run", "--resume", "d", "--reps", "3", "--cpus", "2", NULL }, "option --cpus '2' differs from the run's '1'" },
		{ { "run", "--resume", "d", "--env", "bare", NULL }, "option --env 'bare' differs from the run's 'bare,container'" },
		{ { "run", "--resume", "d", "--env", "container,bare", NULL }, "option --env 'container,bare'" },
		{ { "run", "--resume", "d", "--profile", "quick", NULL }, "option --profile 'quick' differs from the run's 'test'" },
		{ { "run", "--resume", "d", "--events", "PAPI_TOT_INS", NULL }, "option --events 'PAPI_TOT_INS' differs from the run's 'none'" },
		{ { "run", "--resume", "d", "--seed", "7", NULL }, "option --seed '7' differs" },
		{ { "run", "--resume", "d", "--noisy", NULL }, "option --noisy 'cpu,mem,io' differs from the run's 'none'" },
		{ { "run", "--resume", "d", "--fresh-instance", NULL }, "option --fresh-instance 'on' differs from the run's 'off'" },
		/* --net compares (it was refused as an unknown option) */
		{ { "run", "--resume", "d", "--net", "all", NULL }, NULL },
		{ { "run", "--resume", "d", "--net", "nat", NULL }, "option --net 'nat' differs from the run's 'all'" },
		/* the backends' own options compare by their kind */
		{ { "run", "--resume", "d", "--boot-timeout", "120", NULL }, NULL },
		{ { "run", "--resume", "d", "--boot-timeout", "100", NULL }, "option --boot-timeout '100' differs from the run's '120'" },
		{ { "run", "--resume", "d", "--runtime", "runc", NULL }, "option --runtime 'runc' differs from the run's ''" },
		{ { "run", "--resume", "d", "--kernel", "/etc/passwd", NULL }, "option --kernel '/etc/passwd' differs from the run's ''" },
	};
	vb_run_cfg_t *rec = calloc(1, sizeof(*rec)), *user = calloc(1, sizeof(*user));
	vb_error_t err;
	size_t i;

	ck_assert_ptr_nonnull(rec);
	ck_assert_ptr_nonnull(user);
	parse(rec, rec_argv);
	rec->seed = 42;
	rec->seed_set = 1;
	for (i = 0; i < VB_ARRAY_SIZE(cases); i++) {
		parse(user, (char **)cases[i].argv);
		vb_error_clear(&err);
		if (!cases[i].expect) {
			ck_assert_msg(vb_resume_check_options(user, rec, &err) == 0, "case %zu: %s", i,
				      err.msg);
		} else {
			ck_assert_msg(vb_resume_check_options(user, rec, &err) == -1, "case %zu accepted", i);
			assert_one_line(&err, cases[i].expect);
		}
		vb_run_cfg_free(user);
	}
	vb_run_cfg_free(rec);
	free(rec);
	free(user);
}
END_TEST

/* Three slots (reps 1, 1 workload, 3 environments); recorded seq 1 and 3. */
START_TEST(test_mark_done)
{
	static const char *const envs[] = { "bare", "container", "oci" };
	static const char *const wls[] = { "cpu.int" };
	vb_slot_t order[3];
	uint8_t done[3], tries[3];
	json_t *doc, *reps, *other;
	vb_error_t err;
	size_t n = vb_schedule_build(1, 1, 3, 99, order);

	vb_error_clear(&err);
	ck_assert_uint_eq(n, 3);
	reps = json_pack("[{s:i,s:s,s:s,s:i},{s:i,s:s,s:s,s:i}]", "seq", 1, "env", envs[order[0].env],
			 "workload", "cpu.int", "rep", 1, "seq", 3, "env", envs[order[2].env],
			 "workload", "cpu.int", "rep", 1);
	doc = json_pack("{s:o,s:{s:o}}", "repetitions", reps, "schedule", "order",
			vb_schedule_to_json(order, n));
	ck_assert_int_eq(vb_resume_mark_done(doc, order, n, envs, wls, done, tries, 3, &err), 2);
	ck_assert(done[0] && !done[1] && done[2]);
	/* Another environment at seq 3 than the schedule's slot. */
	json_object_set_new(json_array_get(reps, 1), "env", json_string(envs[order[1].env]));
	ck_assert_int_eq(vb_resume_mark_done(doc, order, n, envs, wls, done, tries, 3, &err), -1);
	assert_one_line(&err, "(seq 3) is not the schedule's slot");
	/* The same seq twice. */
	json_object_set_new(json_array_get(reps, 1), "env", json_string(envs[order[0].env]));
	json_object_set_new(json_array_get(reps, 1), "seq", json_integer(1));
	ck_assert_int_eq(vb_resume_mark_done(doc, order, n, envs, wls, done, tries, 3, &err), -1);
	assert_one_line(&err, "recorded twice");
	/* A recorded schedule another seed made. */
	json_array_remove(reps, 1);
	vb_schedule_build(1, 1, 3, 100, order);
	other = vb_schedule_to_json(order, n);
	if (!json_equal(json_object_get(json_object_get(doc, "schedule"), "order"), other)) {
		ck_assert_int_eq(vb_resume_mark_done(doc, order, n, envs, wls, done, tries, 3, &err), -1);
		assert_one_line(&err, "recorded schedule");
	}
	json_decref(other);
	json_decref(doc);
}
END_TEST

/* Write @doc as DIR/run.json in a new directory under /tmp. */
static void write_run(char *dir, size_t len, json_t *doc)
{
	vb_error_t err;

	snprintf(dir, len, "/tmp/vbench-check-resume-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_msg(vb_runfile_save(doc, dir, &err) == 0, "%s", err.msg);
}

START_TEST(test_open)
{
	static char *first[] = { "run", "--profile", "test", "--workload", "cpu.int", "--reps", "3",
				 "--out", "elsewhere", NULL };
	static char *again[] = { "run", "--resume", "DIR", "--quiet", NULL };
	vb_run_cfg_t *cfg = calloc(1, sizeof(*cfg));
	char dir[PATH_MAX];
	vb_resume_t rs;
	vb_error_t err;
	json_t *doc;

	ck_assert_ptr_nonnull(cfg);
	parse(cfg, first);
	cfg->seed = 1234;
	doc = vb_runfile_new(cfg);
	vb_run_cfg_free(cfg);
	json_object_set_new(doc, "status", json_string("interrupted"));
	write_run(dir, sizeof(dir), doc);
	again[2] = dir;
	parse(cfg, again);
	vb_error_clear(&err);
	ck_assert_msg(vb_resume_open(&rs, cfg, &err) == 0, "%s", err.msg);
	ck_assert(!rs.complete);
	ck_assert_str_eq(cfg->profile->name, "test");
	ck_assert_uint_eq(cfg->reps, 3);
	ck_assert_uint_eq(cfg->seed, 1234);
	ck_assert(cfg->quiet);
	ck_assert_str_eq(cfg->out, dir);
	ck_assert_str_eq(cfg->resume, dir);
	vb_run_cfg_free(cfg);
	vb_resume_close(&rs);
	/* A seed that is not positive: said so, not "missing" (issue #11). */
	json_object_set_new(json_object_get(doc, "options"), "seed", json_integer(-5));
	ck_assert_int_eq(vb_runfile_save(doc, dir, &err), 0);
	parse(cfg, again);
	ck_assert_int_eq(vb_resume_open(&rs, cfg, &err), -1);
	assert_one_line(&err, "field 'options.seed' is -5: expected the positive seed the run was "
			      "shuffled with");
	vb_resume_close(&rs);
	vb_run_cfg_free(cfg);
	json_object_set_new(json_object_get(doc, "options"), "seed", json_string("x"));
	ck_assert_int_eq(vb_runfile_save(doc, dir, &err), 0);
	parse(cfg, again);
	ck_assert_int_eq(vb_resume_open(&rs, cfg, &err), -1);
	assert_one_line(&err, "field 'options.seed' is not an integer");
	vb_resume_close(&rs);
	vb_run_cfg_free(cfg);
	json_object_set_new(json_object_get(doc, "options"), "seed", json_integer(1234));
	/* Options that do not follow from the command line: refused. */
	json_object_set_new(json_object_get(doc, "options"), "reps", json_integer(4));
	ck_assert_int_eq(vb_runfile_save(doc, dir, &err), 0);
	parse(cfg, again);
	ck_assert_int_eq(vb_resume_open(&rs, cfg, &err), -1);
	assert_one_line(&err, "options.reps does not follow from the recorded command line");
	vb_resume_close(&rs);
	vb_run_cfg_free(cfg);
	/* A complete run: nothing to resume. */
	json_object_set_new(doc, "status", json_string("complete"));
	ck_assert_int_eq(vb_runfile_save(doc, dir, &err), 0);
	parse(cfg, again);
	ck_assert_int_eq(vb_resume_open(&rs, cfg, &err), 0);
	ck_assert(rs.complete);
	vb_resume_close(&rs);
	vb_run_cfg_free(cfg);
	json_decref(doc);
	vb_rm_rf(dir);
	free(cfg);
}
END_TEST

/* An environment started again: its earlier record moves to its session's
 * "environments", its VM logs are renamed and the record names them. */
START_TEST(test_archive_and_logs)
{
	char dir[PATH_MAX], log[PATH_MAX + 32], kept[PATH_MAX + 32];
	json_t *doc = json_pack("{s:[]}", "sessions"), *old;
	vb_error_t err;
	int dfd;

	vb_error_clear(&err);
	ck_assert_int_eq(vb_resume_session_begin(doc, 0, 0, NULL), 1);
	ck_assert_int_eq(vb_resume_session_begin(doc, 1, 0, NULL), 2);
	snprintf(dir, sizeof(dir), "/tmp/vbench-check-resume-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(log, sizeof(log), "%s/console-hosted.log", dir);
	snprintf(kept, sizeof(kept), "%s/console-hosted.session1.log", dir);
	ck_assert_int_eq(vb_write_file(log, "boot\n", 5, &err), 0);
	old = json_pack("{s:s,s:i,s:{s:s}}", "name", "hosted", "session", 1, "config", "console_log", log);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	vb_resume_keep_logs(dfd, dir, "hosted", old);
	close(dfd);
	ck_assert_int_eq(access(log, F_OK), -1);
	ck_assert_int_eq(access(kept, F_OK), 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(old, "config"), "console_log")),
			 kept);
	vb_resume_archive_env(doc, old);
	ck_assert_ptr_eq(json_array_get(json_object_get(json_array_get(json_object_get(doc, "sessions"), 0),
							"environments"),
					0),
			 old);
	vb_resume_session_end(doc, 2, 5, "complete");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(doc, "sessions"), 1),
							    "repetitions_added")),
			 5);
	json_decref(old);
	json_decref(doc);
	vb_rm_rf(dir);
}
END_TEST

Suite *vb_suite_resume(void)
{
	Suite *s = suite_create("resume");
	TCase *tc = tcase_create("compare");

	tcase_add_test(tc, test_host_differs);
	tcase_add_test(tc, test_version_differs);
	tcase_add_test(tc, test_allocation_differs);
	tcase_add_test(tc, test_options_differ);
	tcase_add_test(tc, test_mark_done);
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_archive_and_logs);
	suite_add_tcase(s, tc);
	return s;
}
