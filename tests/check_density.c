/*
 * check_density.c - density and noisy neighbours (density.c, noisy.c,
 * instance.c) and what reads their records (explain_noisy.c,
 * report_capacity.c, summary carry, plan footprint).
 *
 * Unit cases: --density/--noisy parsing and the profiles' short forms;
 * vb_du_bytes; claim 5 of `vbench explain` on the committed fixture with
 * synthetic noisy data (holds, does not hold, a weak emulated aggressor
 * downgrading "holds", and the unchanged "not measured" without data); the
 * Density and Noisy tables (present with data, absent without); the plan's
 * footprint from density.
 *
 * Integration cases drive the real `vbench` (test profile, tiny sizes):
 * density K=3 of `container` and of `hosted` (three instances, each with a
 * start latency and a PSS idle and under load, the loaded one above idle
 * for the VM), one container noisy-neighbour pair with a CPU aggressor, and
 * a hosted density run interrupted with SIGINT; after each, nothing of that
 * vbench process remains (cgroups, rootfs, disk images, socket directories,
 * QEMU, processes).
 */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/env.h"
#include "harness/analysis/explain.h"
#include "lib/hostinfo.h"
#include "harness/core/options.h"
#include "harness/analysis/plan.h"
#include "harness/output/table.h"
#include "harness/core/runfile.h"
#include "harness/analysis/summary.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX], vbench[PATH_MAX];

static void setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_srcdir());
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "dtest"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ==== unit ================================================================ */

static int parse(vb_run_cfg_t *cfg, const char *const *args, vb_error_t *err)
{
	char *argv[16];
	int n = 0;

	argv[n++] = "run";
	while (*args && n < 15)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	vb_run_cfg_init(cfg);
	return vb_run_cfg_parse(cfg, n, argv, vb_env_cfg_ext(), err);
}

START_TEST(test_options)
{
	static const char *const quick[] = { NULL };
	static const char *const standard[] = { "--profile", "standard", NULL };
	static const char *const off[] = { "--profile", "full",		"--density",
					   "0",		"--noisy=none", NULL };
	static const char *const flag[] = { "--density=5", "--noisy", NULL };
	static const char *const list[] = { "--noisy=io,cpu", NULL };
	static const char *const bad_k[] = { "--density", "65", NULL };
	static const char *const bad_kind[] = { "--noisy=disk", NULL };
	static const char *const spaced[] = { "--noisy", "cpu", NULL };
	vb_run_cfg_t *cfg = malloc(sizeof(*cfg));
	vb_error_t err;

	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(parse(cfg, quick, &err), 0);
	ck_assert_uint_eq(cfg->density, 0);
	ck_assert_uint_eq(cfg->noisy, 0);
	ck_assert_int_eq(parse(cfg, standard, &err), 0);
	ck_assert_uint_eq(cfg->density, VB_DENSITY_PROFILE_K);
	ck_assert_uint_eq(cfg->noisy, VB_NOISY_CPU);
	ck_assert_int_eq(parse(cfg, off, &err), 0);
	ck_assert_uint_eq(cfg->density, 0);
	ck_assert_uint_eq(cfg->noisy, 0);
	ck_assert_int_eq(parse(cfg, flag, &err), 0);
	ck_assert_uint_eq(cfg->density, 5);
	ck_assert_uint_eq(cfg->noisy, VB_NOISY_ALL);
	ck_assert_int_eq(parse(cfg, list, &err), 0);
	ck_assert_uint_eq(cfg->noisy, VB_NOISY_IO | VB_NOISY_CPU);
	ck_assert_int_lt(parse(cfg, bad_k, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "--density"));
	ck_assert_int_lt(parse(cfg, bad_kind, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "'disk'"));
	ck_assert_int_lt(parse(cfg, spaced, &err), 0); /* the value only as --noisy=LIST */
	ck_assert_ptr_nonnull(strstr(err.msg, "'cpu'"));
	free(cfg);
}
END_TEST

START_TEST(test_du)
{
	char dir[PATH_MAX], path[PATH_MAX], buf[65536];
	uint64_t bytes;

	snprintf(dir, sizeof(dir), "%s/du", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/f", dir);
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(vb_write_file(path, buf, sizeof(buf), NULL), 0);
	ck_assert_int_eq(vb_du_bytes(dir, &bytes), 0);
	ck_assert_uint_ge(bytes, sizeof(buf));
	ck_assert_int_eq(vb_du_bytes(path, &bytes), 0);
	ck_assert_uint_ge(bytes, sizeof(buf));
	ck_assert_uint_lt(bytes, 4 * sizeof(buf));
	snprintf(path, sizeof(path), "%s/missing", dir);
	ck_assert_int_lt(vb_du_bytes(path, &bytes), 0);
}
END_TEST

/* A noisy pair record: slowdown [lo, hi] and the aggressor's rate. */
static json_t *pair(double r, double lo, double hi, double rate)
{
	return json_pack("{s:s,s:s,s:s,s:{s:f,s:f,s:f,s:s},s:{s:s,s:s,s:f,s:f}}", "kind", "cpu",
			 "victim_workload", "cpu.int", "aggressor", "cpu.int", "slowdown", "ratio",
			 r, "ci_low", lo, "ci_high", hi, "verdict", "x", "aggressor_rate", "metric",
			 "mops", "unit", "Mop/s", "alone", rate, "during_median", rate);
}

static json_t *noisy_env(json_t *p, const char *how)
{
	return json_pack("{s:i,s:{s:s,s:s,s:s},s:[o]}", "reps", 5, "placement", "victim_cpus", "1",
			 "aggressor_cpus", "0", "how", how, "pairs", p);
}

/* The fixture run (bare, container) plus a measured hosted VM and @noisy. */
static json_t *run_with(json_t *noisy)
{
	json_t *run = vb_test_load_fixture("tests/fixtures/run-bare-container.json");

	json_array_append_new(json_object_get(run, "environments"),
			      json_pack("{s:s,s:s,s:s,s:b,s:b}", "name", "hosted", "type",
					"hosted VM (type-2)", "mechanism",
					"QEMU TCG binary translation (software emulation)",
					"available", 1, "baseline", 0));
	if (noisy)
		json_object_set_new(run, "noisy", noisy);
	return run;
}

/* Claim 5 of the explanation of @run. */
static json_t *claim5(json_t *run)
{
	vb_summary_cfg_t cfg;
	vb_error_t err;
	json_t *sum, *x, *c;

	vb_summary_cfg_init(&cfg);
	sum = vb_summary_build(run, &cfg, &err);
	ck_assert_msg(sum != NULL, "%s", err.msg);
	x = vb_explain_build(run, sum, "run");
	ck_assert_ptr_nonnull(x);
	c = json_incref(json_array_get(json_object_get(x, "claims"), 4));
	ck_assert_int_eq(json_integer_value(json_object_get(c, "id")), 5);
	json_decref(x);
	json_decref(sum);
	return c;
}

static const char *verdict_of(json_t *noisy)
{
	static char v[64];
	json_t *run = run_with(noisy), *c = claim5(run);

	snprintf(v, sizeof(v), "%s", json_string_value(json_object_get(c, "verdict")));
	json_decref(c);
	json_decref(run);
	return v;
}

START_TEST(test_explain_claim5)
{
	static const char *const sep = "separate from the victim's CPUs";
	json_t *run, *c, *n;
	char *s;

	/* No data: the unchanged "not measured" text. */
	run = run_with(NULL);
	c = claim5(run);
	ck_assert_str_eq(json_string_value(json_object_get(c, "verdict")),
			 "not measured in this run");
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_array_get(json_object_get(c, "notes"), 0)),
		   "vbench run --noisy"));
	json_decref(c);
	json_decref(run);
	/* The VM's victim slowed measurably less, equal pressure: holds. */
	n = json_pack("{s:o,s:o}", "container", noisy_env(pair(1.18, 1.13, 1.23, 900), sep),
		      "hosted", noisy_env(pair(1.00, 0.95, 1.03, 800), sep));
	ck_assert_str_eq(verdict_of(n), "holds");
	/* The same with an aggressor three times slower in the VM: inconclusive. */
	n = json_pack("{s:o,s:o}", "container", noisy_env(pair(1.18, 1.13, 1.23, 900), sep),
		      "hosted", noisy_env(pair(1.00, 0.95, 1.03, 300), sep));
	run = run_with(n);
	c = claim5(run);
	ck_assert_str_eq(json_string_value(json_object_get(c, "verdict")), "inconclusive");
	s = json_dumps(json_object_get(c, "notes"), 0);
	ck_assert_ptr_nonnull(strstr(s, "much less pressure"));
	free(s);
	ck_assert_int_eq(json_array_size(json_object_get(c, "tests")), 1);
	json_decref(c);
	json_decref(run);
	/* The VM's victim slowed more: does not hold; both unaffected: does not hold. */
	n = json_pack("{s:o,s:o}", "container", noisy_env(pair(1.1, 1.05, 1.15, 900), sep),
		      "hosted", noisy_env(pair(1.4, 1.3, 1.5, 900), sep));
	ck_assert_str_eq(verdict_of(n), "does not hold");
	n = json_pack("{s:o,s:o}", "container", noisy_env(pair(1.0, 0.97, 1.04, 900), sep),
		      "hosted", noisy_env(pair(1.0, 0.96, 1.02, 900), sep));
	ck_assert_str_eq(verdict_of(n), "does not hold");
	/* Only a container measured: cannot be tested, and the note says so. */
	n = json_pack("{s:o}", "container", noisy_env(pair(1.1, 1.05, 1.15, 900), sep));
	run = run_with(n);
	c = claim5(run);
	ck_assert_str_eq(json_string_value(json_object_get(c, "verdict")), "cannot be tested here");
	s = json_dumps(json_object_get(c, "notes"), 0);
	ck_assert_ptr_nonnull(strstr(s, "No VM in the noisy-neighbour measurement"));
	free(s);
	json_decref(c);
	json_decref(run);
}
END_TEST

static json_t *density_env(void)
{
	return json_pack("{s:i,s:i,s:s,s:s,s:{s:I,s:I},s:{s:I,s:I,s:I,s:I,s:I},s:[]}",
			 "k_requested", 3, "started", 3, "stopped_because", "reached K=3",
			 "stop_kind", "k-reached", "load", "held_bytes_per_instance",
			 (json_int_t)(256 << 20), "hold_pct", (json_int_t)25, "per_instance",
			 "start_latency_ns", (json_int_t)18000000, "pss_idle_bytes",
			 (json_int_t)(8 << 20), "pss_loaded_bytes", (json_int_t)(264 << 20),
			 "page_cache_loaded_bytes", (json_int_t)0, "disk_bytes",
			 (json_int_t)(6 << 20), "instances");
}

START_TEST(test_report_tables)
{
	json_t *run = run_with(NULL), *sum;
	vb_summary_cfg_t cfg;
	vb_error_t err;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	vb_summary_cfg_init(&cfg);
	/* Without data: nothing at all. */
	sum = vb_summary_build(run, &cfg, &err);
	ck_assert_ptr_nonnull(sum);
	f = open_memstream(&text, &len);
	vb_table_capacity(sum, f, 0);
	vb_table_capacity(sum, f, 1);
	fclose(f);
	ck_assert_uint_eq(len, 0);
	free(text);
	json_decref(sum);
	/* With data: both tables, in both formats. */
	json_object_set_new(run, "density", json_pack("{s:o}", "container", density_env()));
	json_object_set_new(run, "noisy",
			    json_pack("{s:o}", "container",
				      noisy_env(pair(1.18, 1.13, 1.23, 950), "separate | CPUs")));
	sum = vb_summary_build(run, &cfg, &err);
	ck_assert_ptr_nonnull(sum);
	ck_assert_ptr_nonnull(json_object_get(json_object_get(sum, "density"), "container"));
	f = open_memstream(&text, &len);
	vb_table_capacity(sum, f, 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "Density"));
	ck_assert_ptr_nonnull(strstr(text, "264 MiB"));
	ck_assert_ptr_nonnull(strstr(text, "x1.18 [1.13-1.23]"));
	ck_assert_ptr_nonnull(strstr(text, "950 Mop/s"));
	free(text);
	f = open_memstream(&text, &len);
	vb_table_capacity(sum, f, 1);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "## Density"));
	ck_assert_ptr_nonnull(strstr(text, "## Noisy neighbours"));
	ck_assert_ptr_nonnull(strstr(text, "| container | 3/3 | 18 |"));
	ck_assert_ptr_nonnull(strstr(text, "separate \\| CPUs")); /* escaped in Markdown */
	free(text);
	json_decref(sum);
	json_decref(run);
}
END_TEST

START_TEST(test_plan_footprint)
{
	json_t *run = run_with(NULL), *sum;
	vb_plan_env_t envs[VB_PLAN_MAX_ENVS];
	vb_summary_cfg_t cfg;
	vb_plan_opts_t o;
	vb_error_t err;
	size_t n, i;

	json_object_set_new(run, "density", json_pack("{s:o}", "container", density_env()));
	vb_summary_cfg_init(&cfg);
	sum = vb_summary_build(run, &cfg, &err);
	ck_assert_ptr_nonnull(sum);
	vb_plan_opts_init(&o);
	n = vb_plan_envs(run, sum, &o, envs);
	for (i = 0; i < n && strcmp(envs[i].name, "container"); i++)
		;
	ck_assert_uint_lt(i, n);
	ck_assert_double_eq_tol(envs[i].mem_footprint, 8 << 20, 1); /* 264 MiB - 256 MiB held */
	ck_assert_int_eq(strncmp(envs[i].mem_basis, "density:", 8), 0);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* ==== integration ========================================================= */

static int can_run(const char *env, char *why, size_t len)
{
	if (geteuid() != 0)
		return snprintf(why, len, "not root"), 0;
	return vb_test_env_unavailable(env, why, len) == NULL;
}

/* Run vbench with @args (NULL-terminated) into @dir; stderr kept in dir.log. */
static int run_vbench(const char *const *args, const char *dir, pid_t *pid)
{
	char *argv[32], log[PATH_MAX];
	int n = 0, st, fd;

	argv[n++] = vbench;
	argv[n++] = "run";
	while (*args && n < 28)
		argv[n++] = (char *)*args++;
	argv[n++] = "--out";
	argv[n++] = (char *)dir;
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s.log", dir);
	*pid = fork();
	ck_assert_int_ge(*pid, 0);
	if (*pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(*pid, &st, 0), *pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Nothing of vbench @pid remains (vb_test_debris), its log @dir.log named. */
static void assert_no_debris(pid_t pid, const char *dir)
{
	char log[PATH_MAX];

	snprintf(log, sizeof(log), "see %s.log", dir);
	VB_ASSERT_NO_DEBRIS(pid, log);
}

static json_int_t pss(const json_t *inst, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(inst, key), "pss_bytes"));
}

/* Density of @env with K=3: three instances, each measured, nothing left. */
static void density_case(const char *env, int vm)
{
	const char *const args[] = { "--env",	  env,	    "--workload", "cpu.int",  "--profile",
				     "test",	  "--reps", "1",	  "--memory", "256M",
				     "--density", "3",	    "--quiet",	  NULL };
	char dir[PATH_MAX], why[768];
	json_t *doc, *d, *inst;
	int engine = !strcmp(env, "docker") || !strcmp(env, "podman");
	pid_t pid;
	size_t i;
	int rc;

	if (!can_run(env, why, sizeof(why)))
		VB_SKIP("%s: %s", env, why);
	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, env);
	rc = run_vbench(args, dir, &pid);
	ck_assert_msg(rc == 0, "vbench run exited %d (see %s.log)", rc, dir);
	assert_no_debris(pid, dir);
	doc = vb_test_load_run(dir, 1);
	ck_assert_ptr_null(json_object_get(doc, "noisy")); /* test profile: no short form */
	d = json_object_get(json_object_get(doc, "density"), env);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "k_requested")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "started")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(d, "stop_kind")), "k-reached");
	ck_assert_int_eq(json_array_size(json_object_get(d, "instances")), 3);
	ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(d, "load"), "samples")),
			 0);
	json_array_foreach (json_object_get(d, "instances"), i, inst) {
		ck_assert_int_eq(json_integer_value(json_object_get(inst, "index")), (int)i + 1);
		ck_assert_int_gt(json_integer_value(json_object_get(inst, "start_latency_ns")), 0);
		ck_assert_int_gt(pss(inst, "memory_idle"), 0);
		ck_assert_int_gt(pss(inst, "memory_loaded"), 0);
		ck_assert_ptr_null(json_object_get(inst, "load_error"));
		ck_assert_ptr_nonnull(json_object_get(inst, "load_result"));
		/* its own tree, bundle or disk; an engine's instances share its
		 * image and have nothing of their own outside its storage */
		ck_assert_int_gt(json_integer_value(json_object_get(
				     json_object_get(inst, "disk"), engine ? "shared_bytes" : "own_bytes")),
				 0);
		/* A quarter of 256 MiB held: a VM's PSS grows by (most of) it. */
		if (vm)
			ck_assert_int_gt(pss(inst, "memory_loaded"),
					 pss(inst, "memory_idle") + (32 << 20));
		ck_assert_int_gt(json_integer_value(json_object_get(inst, "stop_latency_ns")), 0);
	}
	ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(d, "per_instance"),
							    "pss_loaded_bytes")),
			 0);
	json_decref(doc);
}

START_TEST(test_density_container)
{
	density_case("container", 0);
}
END_TEST

/* The engines: each instance a container of its own, the image shared. */
START_TEST(test_density_docker)
{
	density_case("docker", 0);
}
END_TEST

START_TEST(test_density_podman)
{
	density_case("podman", 0);
}
END_TEST

/* The sandbox: each instance a Sentry and a gofer of its own. */
START_TEST(test_density_gvisor)
{
	density_case("gvisor", 0);
}
END_TEST

START_TEST(test_density_hosted)
{
	density_case("hosted", 1);
}
END_TEST

START_TEST(test_noisy_container)
{
	const char *const args[] = { "--env",	    "container", "--workload", "cpu.int",
				     "--profile",   "test",	 "--reps",     "1",
				     "--noisy=cpu", "--quiet",	 NULL };
	char dir[PATH_MAX], why[128];
	json_t *doc, *n, *p, *sd, *ar;
	pid_t pid;
	int rc;

	if (!can_run("container", why, sizeof(why)))
		VB_SKIP("container: %s", why);
	snprintf(dir, sizeof(dir), "%s/noisy", tmpdir);
	rc = run_vbench(args, dir, &pid);
	ck_assert_msg(rc == 0, "vbench run exited %d (see %s.log)", rc, dir);
	assert_no_debris(pid, dir);
	doc = vb_test_load_run(dir, 1);
	ck_assert_ptr_null(json_object_get(doc, "density"));
	n = json_object_get(json_object_get(doc, "noisy"), "container");
	ck_assert_ptr_nonnull(n);
	ck_assert_ptr_nonnull(json_object_get(json_object_get(n, "placement"), "how"));
	ck_assert_int_eq(json_array_size(json_object_get(n, "pairs")), 1);
	p = json_array_get(json_object_get(n, "pairs"), 0);
	ck_assert_msg(!json_object_get(p, "error"), "%s",
		      json_string_value(json_object_get(p, "error")));
	ck_assert_str_eq(json_string_value(json_object_get(p, "kind")), "cpu");
	ck_assert_str_eq(json_string_value(json_object_get(p, "victim_workload")), "cpu.int");
	ck_assert_int_eq(json_array_size(json_object_get(p, "alone")), 5);
	ck_assert_int_eq(json_array_size(json_object_get(p, "with_aggressor")), 5);
	sd = json_object_get(p, "slowdown");
	ck_assert(json_is_number(json_object_get(sd, "ratio")));
	ck_assert(json_number_value(json_object_get(sd, "ratio")) > 0.5);
	ck_assert(json_is_number(json_object_get(sd, "ci_low")));
	ar = json_object_get(p, "aggressor_rate");
	ck_assert(json_number_value(json_object_get(ar, "alone")) > 0);
	ck_assert(json_number_value(json_object_get(ar, "during_median")) > 0);
	ck_assert_int_gt(json_array_size(json_object_get(ar, "during")), 0);
	ck_assert(json_number_value(json_object_get(ar, "busy_share")) > 0.5);
	json_decref(doc);
}
END_TEST

/*
 * The memory bound: with an allocation of about a third of the memory
 * available, the third instance could claim more than the host has, so
 * density stops before it (normally after two) and says why, with the
 * numbers that decided.
 */
START_TEST(test_density_memory_bound)
{
	char dir[PATH_MAX], why[128], mem[32];
	const char *const args[] = { "--env",    "container", "--workload", "cpu.int", "--profile",
				     "test",     "--reps",    "1",	    "--memory", mem,
				     "--density", "6",	      "--quiet",    NULL };
	uint64_t total, avail;
	json_t *doc, *d, *b;
	json_int_t started;
	pid_t pid;
	int rc;

	if (!can_run("container", why, sizeof(why)))
		VB_SKIP("container: %s", why);
	ck_assert_int_eq(vb_hostinfo_memory(&total, &avail, NULL), 0);
	snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)(avail / 100 * 34 >> 20));
	snprintf(dir, sizeof(dir), "%s/membound", tmpdir);
	rc = run_vbench(args, dir, &pid);
	ck_assert_msg(rc == 0, "vbench run exited %d (see %s.log)", rc, dir);
	assert_no_debris(pid, dir);
	doc = vb_test_load_run(dir, 1);
	d = json_object_get(json_object_get(doc, "density"), "container");
	ck_assert_ptr_nonnull(d);
	started = json_integer_value(json_object_get(d, "started"));
	ck_assert_msg(started >= 1 && started <= 3, "%lld instances of %s each started",
		      (long long)started, mem);
	ck_assert_str_eq(json_string_value(json_object_get(d, "stop_kind")), "memory");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(d, "stopped_because")),
				     "host memory"));
	/* The numbers that decided: they do not hold the next instance. */
	b = json_object_get(d, "memory_bound");
	ck_assert_int_lt(json_integer_value(json_object_get(b, "mem_available_bytes")),
			 json_integer_value(json_object_get(b, "margin_bytes")) +
			     json_integer_value(json_object_get(b, "reserved_by_running_bytes")) +
			     json_integer_value(json_object_get(b, "next_instance_bytes")));
	ck_assert_int_eq(json_array_size(json_object_get(d, "instances")), (size_t)started);
	json_decref(doc);
}
END_TEST

/* SIGINT while the density instances boot: exit 130, nothing left. */
START_TEST(test_density_sigint)
{
	char dir[PATH_MAX], why[128], line[1024];
	char *argv[] = { vbench,      "run",  "--env",	"hosted", "--workload", "cpu.int",
			 "--profile", "test", "--reps", "1",	  "--memory",	"256M",
			 "--density", "3",    "--out",	dir,	  NULL };
	int pfd[2], st, seen = 0, fd;
	json_t *doc, *d;
	FILE *f;
	pid_t pid;

	if (!can_run("hosted", why, sizeof(why)))
		VB_SKIP("hosted: %s", why);
	snprintf(dir, sizeof(dir), "%s/sigint", tmpdir);
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 2);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		close(pfd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "density hosted: instance 1 started")) {
			seen = 1;
			kill(pid, SIGINT);
			break;
		}
	while (fgets(line, sizeof(line), f))
		;
	fclose(f);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(seen, "the density measurement never started");
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 130);
	VB_ASSERT_NO_DEBRIS(pid, "its stderr was read by the test");
	doc = vb_test_load_run(dir, 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "interrupted");
	d = json_object_get(json_object_get(doc, "density"), "hosted");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(json_string_value(json_object_get(d, "stop_kind")), "interrupted");
	ck_assert_int_lt(json_integer_value(json_object_get(d, "started")), 3);
	json_decref(doc);
}
END_TEST

Suite *vb_suite_density(void)
{
	Suite *s = suite_create("density");
	TCase *unit = tcase_create("units"), *itest = tcase_create("integration");

	tcase_add_unchecked_fixture(unit, setup, teardown);
	tcase_set_timeout(unit, 60);
	tcase_add_test(unit, test_options);
	tcase_add_test(unit, test_du);
	tcase_add_test(unit, test_explain_claim5);
	tcase_add_test(unit, test_report_tables);
	tcase_add_test(unit, test_plan_footprint);
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(itest, setup, teardown);
	tcase_set_timeout(itest, 600);
	tcase_add_test(itest, test_density_container);
	tcase_add_test(itest, test_density_docker);
	tcase_add_test(itest, test_density_podman);
	tcase_add_test(itest, test_density_gvisor);
	tcase_add_test(itest, test_density_hosted);
	tcase_add_test(itest, test_noisy_container);
	tcase_add_test(itest, test_density_memory_bound);
	tcase_add_test(itest, test_density_sigint);
	suite_add_tcase(s, itest);
	return s;
}
