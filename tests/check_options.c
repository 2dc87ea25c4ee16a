/*
 * check_options.c - the `vbench run` option table and parser.
 *
 * Defaults are filled in when nothing is given; every bad value is a usage
 * error (VB_EUSAGE) naming the option before anything runs; names are
 * resolved (environments, workload globs, events, --param targets) at parse
 * time; both "--opt value" and "--opt=value" work; the default selection
 * by profile (network and application workloads) and installed programs.
 */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/counters.h"
#include "harness/env/env.h"
#include "harness/core/options.h"
#include "harness/core/runfile.h"
#include "harness/core/runproc.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define MAX_ARGS 32

/* The argv of the last parse (cfg->argv points into it). */
static char *args[MAX_ARGS + 2];

/* Parse "run" followed by the NULL-terminated option words. */
static int parse(vb_run_cfg_t *cfg, vb_error_t *err, ...)
{
	va_list ap;
	int argc = 0;
	const char *a;

	args[argc++] = (char *)"run";
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) != NULL && argc <= MAX_ARGS)
		args[argc++] = (char *)a;
	va_end(ap);
	args[argc] = NULL;
	vb_run_cfg_init(cfg);
	vb_error_clear(err);
	return vb_run_cfg_parse(cfg, argc, args, vb_env_cfg_ext(), err);
}

/* Parsing must fail with VB_EUSAGE and a message containing @word. */
#define EXPECT_USAGE(word, ...)                                                          \
	do {                                                                             \
		vb_run_cfg_t c_;                                                         \
		vb_error_t e_;                                                           \
		int rc_ = parse(&c_, &e_, __VA_ARGS__, NULL);                            \
		ck_assert_msg(rc_ == -1, "accepted: %s", #__VA_ARGS__);                  \
		ck_assert_int_eq(e_.code, VB_EUSAGE);                                    \
		ck_assert_msg(strstr(e_.msg, (word)) != NULL, "'%s' does not name '%s'", \
			      e_.msg, (word));                                           \
		vb_run_cfg_free(&c_);                                                    \
	} while (0)

/* Parsing must succeed. */
#define EXPECT_OK(cfg, ...)                                                              \
	do {                                                                             \
		vb_error_t e_;                                                           \
		int rc_ = parse((cfg), &e_, __VA_ARGS__, NULL);                          \
		ck_assert_msg(rc_ == 0, "%s: rc %d: %s", #__VA_ARGS__, rc_, e_.msg);     \
	} while (0)

static size_t count_kind(vb_kind_t k)
{
	size_t i, n = 0;

	for (i = 0; i < vb_workload_count(); i++)
		n += vb_workload_at(i)->kind == k;
	return n;
}

START_TEST(test_defaults)
{
	vb_run_cfg_t cfg;
	vb_error_t err;
	size_t i, n;

	ck_assert_int_eq(parse(&cfg, &err, NULL), 0);
	ck_assert_uint_eq(cfg.nenvs, 1);
	ck_assert_str_eq(cfg.env_names[0], "bare");
	ck_assert_int_eq(cfg.all_envs, 0);
	/* every workload in order, an application only where its programs are
	 * installed (test_default_selection) */
	for (i = 0, n = 0; i < vb_workload_count(); i++)
		if (vb_workload_at(i)->kind != VB_KIND_APP ||
		    !strstr(cfg.sel_note, vb_workload_at(i)->name))
			ck_assert_ptr_eq(cfg.wl[n++], vb_workload_at(i));
	ck_assert_uint_eq(cfg.nwl, n);
	ck_assert_str_eq(cfg.profile->name, "quick");
	ck_assert_uint_eq(cfg.reps, 3);
	ck_assert_uint_eq(cfg.cpus, 1);
	ck_assert_uint_eq(cfg.memory, 1ull << 30);
	ck_assert_int_eq(cfg.seed_set, 0);
	ck_assert_int_eq(cfg.use_cgroup, 1);
	ck_assert_uint_eq(cfg.nparams, 0);
	ck_assert_int_eq(cfg.events_set, 0);
	ck_assert_uint_gt(cfg.nevents, 0);
	ck_assert_uint_eq(cfg.nevents,
			  vb_default_nevents < VB_MAX_EVENTS ? vb_default_nevents : VB_MAX_EVENTS);
	for (i = 0; i < cfg.nevents; i++)
		ck_assert_str_eq(cfg.events[i], vb_default_events[i]);
	/* the command line is kept for run.json */
	ck_assert_int_eq(cfg.argc, 1);
	ck_assert_str_eq(cfg.argv[0], "run");
}
END_TEST

START_TEST(test_env)
{
	vb_run_cfg_t cfg;

	EXPECT_USAGE("nope", "--env", "nope");
	/* the message lists the valid names */
	EXPECT_USAGE(vb_env_names(), "--env", "nope");
	EXPECT_USAGE("--env", "--env", "bare,nope");
	EXPECT_USAGE("--env", "--env", ",");

	EXPECT_OK(&cfg, "--env", "bare,bare");
	ck_assert_uint_eq(cfg.nenvs, 1);
	ck_assert_str_eq(cfg.env_names[0], "bare");

	EXPECT_OK(&cfg, "--all");
	ck_assert_int_eq(cfg.all_envs, 1);
	ck_assert_uint_eq(cfg.nenvs, 0);
}
END_TEST

START_TEST(test_workload)
{
	vb_run_cfg_t cfg;
	size_t i;

	EXPECT_OK(&cfg, "--workload", "mem.*");
	ck_assert_uint_eq(cfg.nwl, 4);
	ck_assert_uint_eq(count_kind(VB_KIND_MEM), 4);
	for (i = 0; i < cfg.nwl; i++) {
		ck_assert_int_eq(cfg.wl[i]->kind, VB_KIND_MEM);
		ck_assert_msg(!strncmp(cfg.wl[i]->name, "mem.", 4), "%s selected", cfg.wl[i]->name);
	}

	/* overlapping patterns select each workload once */
	EXPECT_OK(&cfg, "--workload", "cpu.int,cpu.*", "--workload", "cpu.syscall");
	ck_assert_uint_eq(cfg.nwl, count_kind(VB_KIND_CPU));

	EXPECT_OK(&cfg, "--workload=mem.stream");
	ck_assert_uint_eq(cfg.nwl, 1);
	ck_assert_str_eq(cfg.wl[0]->name, "mem.stream");

	EXPECT_USAGE("nope", "--workload", "nope");
	EXPECT_USAGE("mem.stream", "--workload", "nope"); /* lists the valid names */
	EXPECT_USAGE("--workload", "--workload", "mem.stream,zzz.*");
}
END_TEST

START_TEST(test_reps_and_profile)
{
	vb_run_cfg_t cfg;

	EXPECT_USAGE("--reps", "--reps", "0");
	EXPECT_USAGE("--reps", "--reps", "-1");
	EXPECT_USAGE("--reps", "--reps", "abc");
	EXPECT_USAGE("--reps", "--reps", "99999999999999999999");
	EXPECT_USAGE("--reps", "--reps", "");
	EXPECT_USAGE("--reps", "--reps", "5x");

	EXPECT_OK(&cfg, "--reps", "7");
	ck_assert_uint_eq(cfg.reps, 7);
	EXPECT_OK(&cfg, "--reps=12");
	ck_assert_uint_eq(cfg.reps, 12);

	/* standard and full: repetitions until decided (--precision 3 and 2),
	 * from 5 rounds to 3 x the profile's repetitions (issue #13) */
	EXPECT_OK(&cfg, "--profile", "standard");
	ck_assert_str_eq(cfg.profile->name, "standard");
	ck_assert_uint_eq(cfg.reps, 30);
	ck_assert_uint_eq(cfg.min_reps, 5);
	ck_assert_double_eq_tol(cfg.precision, 0.03, 1e-12);
	EXPECT_OK(&cfg, "--profile=full");
	ck_assert_uint_eq(cfg.reps, 60);
	ck_assert_double_eq_tol(cfg.precision, 0.02, 1e-12);
	EXPECT_OK(&cfg, "--profile", "standard", "--precision", "0");
	ck_assert_uint_eq(cfg.reps, 10);
	EXPECT_OK(&cfg, "--profile", "test");
	ck_assert_uint_eq(cfg.reps, 2);
	ck_assert_double_eq(cfg.precision, 0);
	ck_assert_double_eq(cfg.contention_threshold, 0);
	ck_assert_int_eq(cfg.profile->tiny, 1);
	/* --reps wins over the profile, in either order */
	EXPECT_OK(&cfg, "--profile", "standard", "--reps", "4");
	ck_assert_uint_eq(cfg.reps, 4);
	EXPECT_OK(&cfg, "--reps", "4", "--profile", "standard");
	ck_assert_uint_eq(cfg.reps, 4);
	ck_assert_str_eq(cfg.profile->name, "standard");
	ck_assert_double_eq(cfg.precision, 0); /* a fixed --reps */
	ck_assert_double_eq_tol(cfg.contention_threshold, 0.95, 1e-12);

	EXPECT_USAGE("--profile", "--profile", "huge");
	ck_assert_ptr_null(vb_profile_find("huge"));
	ck_assert_ptr_nonnull(vb_profile_find("quick"));
}
END_TEST

START_TEST(test_allocation)
{
	vb_run_cfg_t cfg;

	EXPECT_OK(&cfg, "--memory", "1G");
	ck_assert_uint_eq(cfg.memory, 1ull << 30);
	EXPECT_OK(&cfg, "--memory=512M");
	ck_assert_uint_eq(cfg.memory, 512ull << 20);
	EXPECT_USAGE("--memory", "--memory", "10");
	EXPECT_USAGE("--memory", "--memory", "1X");
	EXPECT_USAGE("--memory", "--memory", "20000000T");

	EXPECT_USAGE("--cpus", "--cpus", "0");
	EXPECT_USAGE("--cpus", "--cpus", "65");
	EXPECT_USAGE("--cpus", "--cpus", "two");
	EXPECT_OK(&cfg, "--cpus", "2");
	ck_assert_uint_eq(cfg.cpus, 2);

	EXPECT_OK(&cfg, "--seed", "42");
	ck_assert_int_eq(cfg.seed_set, 1);
	ck_assert_uint_eq(cfg.seed, 42);
	EXPECT_USAGE("--seed", "--seed", "0");
	EXPECT_USAGE("--seed", "--seed", "-3");

	EXPECT_OK(&cfg, "--timeout", "30.5");
	ck_assert_double_eq(cfg.rep_timeout_s, 30.5);
	EXPECT_USAGE("--timeout", "--timeout", "0.5");
	EXPECT_USAGE("--timeout", "--timeout", "nan");

	EXPECT_OK(&cfg, "--no-cgroup", "--allow-tmpfs", "--quiet");
	ck_assert_int_eq(cfg.use_cgroup, 0);
	ck_assert_int_eq(cfg.allow_tmpfs, 1);
	ck_assert_int_eq(cfg.quiet, 1);

	EXPECT_OK(&cfg, "--out", "/tmp/somewhere", "--scratch=/var/tmp/x");
	ck_assert_str_eq(cfg.out, "/tmp/somewhere");
	ck_assert_str_eq(cfg.scratch, "/var/tmp/x");
	EXPECT_USAGE("--out", "--out", "");
}
END_TEST

START_TEST(test_param)
{
	vb_run_cfg_t cfg;

	EXPECT_OK(&cfg, "--param", "mem.stream.passes=20");
	ck_assert_uint_eq(cfg.nparams, 1);
	ck_assert_ptr_eq(cfg.params[0].w, vb_workload_find("mem.stream"));
	ck_assert_str_eq(cfg.params[0].key, "passes");
	ck_assert_str_eq(cfg.params[0].val, "20");

	EXPECT_OK(&cfg, "--param", "cpu.syscall.iters=1000", "--param=mem.stream.passes=3");
	ck_assert_uint_eq(cfg.nparams, 2);
	ck_assert_str_eq(cfg.params[1].key, "passes");
	ck_assert_str_eq(cfg.params[1].val, "3");

	EXPECT_USAGE("mem.stream.nope", "--param", "mem.stream.nope=1");
	EXPECT_USAGE("--param", "--param", "mem.stream.nope=1");
	EXPECT_USAGE("mem.stream.passes", "--param", "mem.stream.passes=abc");
	EXPECT_USAGE("mem.stream.passes", "--param", "mem.stream.passes=");
	EXPECT_USAGE("--param", "--param", "bad");
	EXPECT_USAGE("--param", "--param", "=1");
	EXPECT_USAGE("--param", "--param", "mem.stream=1");
	EXPECT_USAGE("--param", "--param", ".x=1");
	EXPECT_USAGE("nope", "--param", "nope.x=1");
}
END_TEST

START_TEST(test_events)
{
	vb_run_cfg_t cfg;

	EXPECT_OK(&cfg, "--events", "none");
	ck_assert_uint_eq(cfg.nevents, 0);
	ck_assert_int_eq(cfg.events_set, 1);

	EXPECT_OK(&cfg, "--events", "perf::TASK-CLOCK");
	ck_assert_uint_eq(cfg.nevents, 1);
	ck_assert_str_eq(cfg.events[0], "perf::TASK-CLOCK");
	vb_run_cfg_free(&cfg);
	ck_assert_uint_eq(cfg.nevents, 0);

	/* A second --events replaces the first (nothing leaks); a name twice is refused. */
	EXPECT_OK(&cfg, "--events", "perf::TASK-CLOCK", "--events", "perf::PAGE-FAULTS");
	ck_assert_uint_eq(cfg.nevents, 1);
	ck_assert_str_eq(cfg.events[0], "perf::PAGE-FAULTS");
	vb_run_cfg_free(&cfg);
	EXPECT_USAGE("given twice", "--events", "perf::TASK-CLOCK,perf::TASK-CLOCK");

	EXPECT_USAGE("NOT_AN_EVENT", "--events", "NOT_AN_EVENT");
	EXPECT_USAGE("--events", "--events", "NOT_AN_EVENT");
}
END_TEST

START_TEST(test_syntax)
{
	vb_run_cfg_t cfg;
	vb_error_t err;

	EXPECT_USAGE("--bogus", "--bogus");
	EXPECT_USAGE("--bogus", "--bogus=1");
	EXPECT_USAGE("stray", "stray");
	EXPECT_USAGE("-x", "-x");
	EXPECT_USAGE("--rep", "--rep", "3"); /* no prefix matching */
	EXPECT_USAGE("--quiet", "--quiet=1");
	/* an option needing a value at the end */
	EXPECT_USAGE("--reps", "--reps");
	EXPECT_USAGE("--env", "--workload", "cpu.int", "--env");

	/* an option's value may look like an option */
	ck_assert_int_eq(parse(&cfg, &err, "--out", "--quiet", NULL), 0);
	ck_assert_str_eq(cfg.out, "--quiet");
	ck_assert_int_eq(cfg.quiet, 0);
	/* "--opt=" passes an empty value, which is then checked */
	EXPECT_USAGE("--reps", "--reps=");
}
END_TEST

/* --margin: the verdicts' margin, a percentage kept as a fraction, recorded
 * in run.json's options only when given (the reports' default otherwise). */
START_TEST(test_margin)
{
	vb_run_cfg_t cfg;
	vb_error_t err;
	json_t *o;

	ck_assert_int_eq(parse(&cfg, &err, NULL), 0);
	ck_assert(isnan(cfg.margin));
	o = vb_runfile_options(&cfg);
	ck_assert_ptr_null(json_object_get(o, "margin"));
	json_decref(o);
	vb_run_cfg_free(&cfg);
	ck_assert_msg(parse(&cfg, &err, "--margin", "10", NULL) == 0, "%s", err.msg);
	ck_assert_double_eq_tol(cfg.margin, 0.10, 1e-12);
	o = vb_runfile_options(&cfg);
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "margin")), 0.10, 1e-12);
	json_decref(o);
	vb_run_cfg_free(&cfg);
	EXPECT_USAGE("--margin", "--margin", "0");
	EXPECT_USAGE("--margin", "--margin", "101");
	EXPECT_USAGE("--margin", "--margin", "x");
}
END_TEST

START_TEST(test_help)
{
	char path[] = "/tmp/vbench-check-help-XXXXXX", *text;
	vb_run_cfg_t cfg;
	vb_error_t err;
	int fd, saved, rc;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fd, STDOUT_FILENO), 0);
	rc = parse(&cfg, &err, "--reps", "3", "--help", "--bogus", NULL);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	ck_assert_int_eq(rc, 1);

	text = calloc(1, 65536);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_gt(pread(fd, text, 65535, 0), 0);
	close(fd);
	vb_test_fold_spaces(text); /* the help is wrapped: a phrase may span lines */
	/* generated from the table: every option, defaults and allowed values */
	ck_assert_ptr_nonnull(strstr(text, "usage: vbench run"));
	ck_assert_ptr_nonnull(strstr(text, "--reps N"));
	ck_assert_ptr_nonnull(strstr(text, "--param W.KEY=VALUE"));
	ck_assert_ptr_nonnull(strstr(text, "--no-cgroup"));
	ck_assert_ptr_nonnull(strstr(text, "(default: quick)"));
	ck_assert_ptr_nonnull(strstr(text, "[quick, standard, full, test]"));
	ck_assert_ptr_nonnull(strstr(text, "--help"));
	/* the backends' own options under the backends that declare them */
	ck_assert_ptr_nonnull(strstr(text, " options of the environment oci: --runtime NAME "));
	ck_assert_ptr_nonnull(strstr(text, " options of the environments hosted, kvm: --kernel PATH "));
	ck_assert_ptr_nonnull(strstr(text, " --boot-timeout SECONDS limit for a VM to boot"));
	ck_assert((size_t)(strstr(text, " --help") - text) < (size_t)(strstr(text, "--runtime") - text));
	free(text);

	/* -h too */
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open("/dev/null", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	dup2(fd, STDOUT_FILENO);
	rc = parse(&cfg, &err, "-h", NULL);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fd);
	ck_assert_int_eq(rc, 1);
}
END_TEST

/* In the default selection of every profile but the test profile's (its
 * tests name them), an application only where the host has its programs,
 * the others said; selected by name or glob everywhere. */
START_TEST(test_default_selection)
{
	char *argv1[] = { "run", "--profile", "test", NULL },
	     *argv2[] = { "run", "--workload", "net.*", NULL };
	char *argv3[] = { "run", NULL };
	const vb_workload_t *w;
	vb_run_cfg_t cfg;
	vb_error_t err;
	size_t i, k, net = 0;
	char path[PATH_MAX];
	int have;

	vb_run_cfg_init(&cfg);
	ck_assert_msg(vb_run_cfg_parse(&cfg, 3, argv1, NULL, &err) == 0, "%s", err.msg);
	ck_assert_uint_gt(cfg.nwl, 10);
	for (i = 0; i < cfg.nwl; i++)
		ck_assert_msg(cfg.wl[i]->kind != VB_KIND_NET && cfg.wl[i]->kind != VB_KIND_APP,
			      "%s selected", cfg.wl[i]->name);
	vb_run_cfg_init(&cfg);
	ck_assert_msg(vb_run_cfg_parse(&cfg, 3, argv2, NULL, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(cfg.nwl, 3);
	/* quick, the default profile: every network workload, and each
	 * application whose programs are installed */
	vb_run_cfg_init(&cfg);
	ck_assert_msg(vb_run_cfg_parse(&cfg, 1, argv3, NULL, &err) == 0, "%s", err.msg);
	for (k = 0; k < vb_workload_count(); k++) {
		w = vb_workload_at(k);
		for (i = 0; i < cfg.nwl && cfg.wl[i] != w; i++)
			;
		have =
		    w->kind != VB_KIND_APP || (vb_proc_which(w->server, path, sizeof(path)) == 0 &&
					       vb_proc_which(w->client, path, sizeof(path)) == 0);
		ck_assert_msg((i < cfg.nwl) == have, "%s %sselected", w->name, have ? "not " : "");
		if (!have)
			ck_assert_msg(strstr(cfg.sel_note, w->name), "%s: %s", w->name,
				      cfg.sel_note);
		net += i < cfg.nwl && w->kind == VB_KIND_NET;
	}
	ck_assert_uint_eq(net, 3);
}
END_TEST

Suite *vb_suite_options(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_default_selection);
	tcase_add_test(tc, test_env);
	tcase_add_test(tc, test_workload);
	tcase_add_test(tc, test_reps_and_profile);
	tcase_add_test(tc, test_allocation);
	tcase_add_test(tc, test_param);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_syntax);
	tcase_add_test(tc, test_margin);
	tcase_add_test(tc, test_help);
	suite_add_tcase(s, tc);
	return s;
}
