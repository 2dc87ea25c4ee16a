/*
 * check_plan.c - the capacity plan: placement on hand-made environments
 * (two servers into one host, memory binding rather than CPU, overcommit,
 * N+1, headroom, correlated peaks, a service that fits nowhere), CPU
 * normalisation and environment factors from the committed fixture run,
 * the malformed plan files of tests/fixtures/plans/ (each one line naming
 * the file, line and field, exit 2), and `vbench plan` end to end.
 */
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/analysis/plan.h"
#include "harness/analysis/plan_int.h"
#include "harness/core/runfile.h"
#include "harness/analysis/summary.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE "tests/fixtures/run-bare-container.json"
#define GIB	(1024.0 * 1024 * 1024)

static char tmpdir[PATH_MAX];
static vb_plan_input_t in; /* large: static */

static void setup(void)
{
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "ptest"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- helpers ---- */

static void parse_ok(const char *text)
{
	vb_error_t err;

	vb_error_clear(&err);
	ck_assert_msg(vb_plan_parse("t.ini", text, &in, &err) == 0, "%s", err.msg);
}

/* A planned environment with the given factors. */
static vb_plan_env_t env(double cpu, double io, double mem_fp)
{
	vb_plan_env_t e;

	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "test");
	e.planned = 1;
	e.cpu_factor = cpu;
	e.io_factor = io;
	e.mem_footprint = mem_fp;
	e.disk_footprint = 0;
	return e;
}

static vb_plan_fit_t *place(const vb_plan_opts_t *o, const vb_plan_env_t *e)
{
	static vb_plan_fit_t fit;

	vb_plan_place(&in, o, e, &fit);
	return &fit;
}

/* ---- placement ---- */

static const char two_servers[] = "[host]\ncpus = 16\nmemory = 64G\ndisk = 2T\n"
				  "[service web]\ncpu = 1\nmemory = 12G\ndisk = 80G\n"
				  "[service db]\ncpu = 1.2\nmemory = 20G\ndisk = 400G\n";

START_TEST(test_two_servers_into_one)
{
	vb_plan_env_t bare = env(1, 1, 4 << 20), emulated = env(8, 2.5, 300 << 20);
	vb_plan_opts_t o;
	vb_plan_fit_t *f;

	parse_ok(two_servers);
	vb_plan_opts_init(&o);
	f = place(&o, &bare);
	ck_assert_int_eq(f->fits, 1);
	ck_assert_uint_eq(f->hosts, 1);
	ck_assert_uint_eq(f->hosts_needed, 1);
	ck_assert_int_eq(f->binding, VB_RES_MEM); /* 32 GiB of 51.2 against 2.2 of 12.8 CPUs */
	ck_assert_uint_eq(f->per_host[0], 4);	  /* 51.2 / (12 GiB + 4 MiB) */
	ck_assert_uint_eq(f->per_host[1], 2);
	ck_assert_int_eq(f->per_host_binding[0], VB_RES_MEM);
	/* x8 CPU: web 8 + db 9.6 cores exceed 12.8 usable: two hosts, CPU binds */
	f = place(&o, &emulated);
	ck_assert_int_eq(f->fits, 1);
	ck_assert_uint_eq(f->hosts, 2);
	ck_assert_int_eq(f->binding, VB_RES_CPU);
	ck_assert_uint_eq(f->per_host[0], 1);
	ck_assert_int_eq(f->per_host_binding[0], VB_RES_CPU);
	ck_assert_double_eq_tol(f->need[1][VB_RES_CPU], 9.6, 1e-9);
	ck_assert_double_eq_tol(f->need[1][VB_RES_MEM], 20 * GIB + (300 << 20), 1);
}
END_TEST

START_TEST(test_memory_binds)
{
	vb_plan_env_t bare = env(1, 1, 0), vm = env(1.05, 1, 256 << 20);
	vb_plan_opts_t o;
	vb_plan_fit_t *f;

	parse_ok("[host]\ncpus = 64\nmemory = 64G\ndisk = 1T\n"
		 "[service cache]\ncount = 10\ncpu = 0.5\nmemory = 10G\n");
	vb_plan_opts_init(&o);
	f = place(&o, &bare);
	ck_assert_uint_eq(f->per_host[0], 5); /* 51.2 GiB / 10 GiB */
	ck_assert_int_eq(f->per_host_binding[0], VB_RES_MEM);
	ck_assert_uint_eq(f->hosts, 2);
	ck_assert_int_eq(f->binding, VB_RES_MEM);
	/* The VM's footprint costs one instance per host: 5 x 10.25 GiB > 51.2 GiB */
	f = place(&o, &vm);
	ck_assert_uint_eq(f->per_host[0], 4);
	ck_assert_uint_eq(f->hosts, 3);
	ck_assert_int_eq(f->binding, VB_RES_MEM);
	ck_assert(f->use[VB_RES_CPU] < f->use[VB_RES_MEM]);
}
END_TEST

static const char cpu_bound[] = "[host]\ncpus = 8\nmemory = 512G\ndisk = 1T\n"
				"[service batch]\ncount = 8\ncpu = 2\nmemory = 1G\n";

START_TEST(test_overcommit_and_spares)
{
	vb_plan_env_t bare = env(1, 1, 0);
	vb_plan_opts_t o;
	vb_plan_fit_t *f;

	parse_ok(cpu_bound);
	vb_plan_opts_init(&o);
	f = place(&o, &bare);
	ck_assert_uint_eq(f->per_host[0], 3); /* 6.4 usable cores / 2 */
	ck_assert_uint_eq(f->hosts, 3);
	ck_assert_int_eq(f->binding, VB_RES_CPU);
	o.overcommit = 2.0; /* 12.8 cores may be promised */
	f = place(&o, &bare);
	ck_assert_uint_eq(f->per_host[0], 6);
	ck_assert_uint_eq(f->hosts, 2);
	ck_assert_uint_eq(f->hosts_needed, 2);
	o.spare = 1; /* N+1: one more host, the same packing */
	f = place(&o, &bare);
	ck_assert_uint_eq(f->hosts, 2);
	ck_assert_uint_eq(f->hosts_needed, 3);
}
END_TEST

START_TEST(test_headroom)
{
	vb_plan_env_t bare = env(1, 1, 0);
	vb_plan_opts_t o;
	double usable[VB_RES_N];
	vb_plan_fit_t *f;

	parse_ok(cpu_bound);
	vb_plan_opts_init(&o);
	o.headroom = 0;
	f = place(&o, &bare);
	ck_assert_uint_eq(f->per_host[0], 4);
	ck_assert_uint_eq(f->hosts, 2);
	ck_assert_double_eq_tol(f->use[VB_RES_CPU], 1.0, 1e-9);
	o.headroom = 0.5;
	vb_plan_usable(&in.host, &o, usable);
	ck_assert_double_eq_tol(usable[VB_RES_CPU], 4, 1e-12);
	ck_assert_double_eq_tol(usable[VB_RES_MEM], 256 * GIB, 1);
	f = place(&o, &bare);
	ck_assert_uint_eq(f->per_host[0], 2);
	ck_assert_uint_eq(f->hosts, 4);
}
END_TEST

START_TEST(test_correlation)
{
	vb_plan_env_t bare = env(1, 1, 0);
	vb_plan_opts_t o;
	vb_plan_fit_t *f;

	parse_ok("[host]\ncpus = 8\nmemory = 512G\ndisk = 1T\n"
		 "[service batch]\ncount = 20\ncpu = 2\nmemory = 1G\n");
	vb_plan_opts_init(&o);
	o.correlation = 0; /* independent peaks: 2 x sqrt(n) <= 6.4, n = 10 */
	f = place(&o, &bare);
	ck_assert_uint_eq(f->per_host[0], 10);
	ck_assert_uint_eq(f->hosts, 2);
	o.correlation = 1;
	f = place(&o, &bare);
	ck_assert_uint_eq(f->per_host[0], 3);
	ck_assert_uint_eq(f->hosts, 7);
}
END_TEST

START_TEST(test_fits_nowhere)
{
	vb_plan_env_t emulated = env(8, 1, 300 << 20);
	vb_plan_opts_t o;
	vb_plan_fit_t *f;
	vb_error_t err;

	parse_ok("[host]\ncpus = 4\nmemory = 64G\ndisk = 1T\n"
		 "[service web]\ncpu = 1\nmemory = 2G\n");
	vb_plan_opts_init(&o);
	ck_assert_int_eq(vb_plan_check(&in, &o, &err), 0); /* fits bare metal */
	f = place(&o, &emulated);			   /* 8 cores > 3.2 */
	ck_assert_int_eq(f->fits, 0);
	ck_assert_int_eq(f->misfit, 0);
	ck_assert_int_eq(f->misfit_res, VB_RES_CPU);
	/* Larger than any host even without virtualization: an error naming line and field */
	parse_ok("[host]\ncpus = 4\nmemory = 64G\ndisk = 1T\n"
		 "[service web]\ncpu = 1\nmemory = 2G\n[service db]\ncount = 2\nmemory = 60G\n"
		 "cpu = 1\n");
	vb_error_clear(&err);
	ck_assert_int_eq(vb_plan_check(&in, &o, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_msg(strstr(err.msg, "t.ini:10: field 'memory' of [service db]"), "%s", err.msg);
}
END_TEST

START_TEST(test_deterministic_and_mixed)
{
	vb_plan_env_t bare = env(1, 1, 1 << 20);
	vb_plan_opts_t o;
	vb_plan_fit_t *f;

	parse_ok("[host]\ncpus = 10\nmemory = 10G\ndisk = 1T\niops = 1000\n"
		 "[service a]\ncount = 7\ncpu = 1\nmemory = 100M\n"
		 "[service b]\ncount = 3\ncpu = 0.1\nmemory = 2G\nio = 100\n");
	vb_plan_opts_init(&o);
	f = place(&o, &bare);
	/* b first (largest share: 2 GiB of 8): 3 on host 1 (6 GiB); a: 8 cores usable,
	 * 7 x 1 + 0.3 = 7.3 on host 1 */
	ck_assert_uint_eq(f->hosts, 1);
	ck_assert_uint_eq(f->per_host[1], 3); /* memory: 3 x 2 GiB of 8 GiB */
	ck_assert_double_eq_tol(f->need[1][VB_RES_IO], 100, 1e-12);
	ck_assert_int_eq(f->binding, VB_RES_CPU);
}
END_TEST

/* ---- from the fixture run ---- */

START_TEST(test_normalise_and_factors)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum = vb_test_summarize(run), *doc, *doc2, *e;
	vb_plan_env_t envs[VB_PLAN_MAX_ENVS];
	vb_plan_opts_t o;
	const char *unit;
	char *a, *b;
	double host;
	vb_error_t err;
	size_t n;
	int higher;

	vb_plan_opts_init(&o);
	ck_assert_int_eq(vb_plan_bare_primary(sum, "cpu.syscall", &host, &higher, &unit), 0);
	ck_assert_int_eq(higher, 0); /* ns_per_call: lower is better */
	{
		char text[512];

		/* A server twice as slow per call: its 4 cores at 50% are 1 of our cores. */
		snprintf(text, sizeof(text),
			 "[host]\ncpus = 8\nmemory = 32G\ndisk = 100G\n[service old]\n"
			 "utilisation = 50%%\nserver_cpus = 4\nserver_cpu_score = %.17g\n"
			 "score_workload = cpu.syscall\nmemory = 1G\n",
			 2 * host);
		parse_ok(text);
	}
	ck_assert_int_eq(vb_plan_resolve(&in, sum, NULL, &err), 0);
	ck_assert_double_eq_tol(in.svc[0].cpu, 1.0, 1e-9);
	ck_assert_ptr_nonnull(strstr(in.svc[0].cpu_basis, "cpu.syscall"));
	/* IOPS of the host from the run's bare io.randread median */
	ck_assert(in.host.cap[VB_RES_IO] > 0);
	ck_assert_ptr_nonnull(strstr(in.host.source[VB_RES_IO], "io.randread"));
	/* cpu.int is not in the fixture: the default score cannot be compared */
	parse_ok("[service old]\nutilisation = 50%\nserver_cpus = 4\nserver_cpu_score = 500\n"
		 "memory = 1G\n");
	ck_assert_int_eq(vb_plan_resolve(&in, sum, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "t.ini:4: field 'server_cpu_score'"), "%s", err.msg);

	n = vb_plan_envs(run, sum, &o, envs);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(envs[0].name, "bare");
	ck_assert_double_eq(envs[0].cpu_factor, 1.0);
	ck_assert_str_eq(envs[1].name, "container");
	ck_assert_int_eq(envs[1].vm, 0);
	ck_assert_double_eq(envs[1].mem_footprint, 6926336);  /* PSS after mem.stream */
	ck_assert_double_eq(envs[1].disk_footprint, 6093696); /* its private rootfs */
	ck_assert(envs[1].cpu_factor >= 1.0);		      /* never below bare metal */

	/* A VM by its class, not by "VM" in its type: a record of an older
	 * vbench takes its backend's class, a newer one its own. */
	{
		json_t *envs_j = json_object_get(run, "environments");
		json_t *g = json_deep_copy(json_array_get(envs_j, 1));

		json_object_set_new(g, "name", json_string("hosted"));
		json_object_set_new(g, "type", json_string("guest"));
		json_object_del(g, "config");
		json_array_append_new(envs_j, g);
		g = json_deep_copy(json_array_get(envs_j, 1));
		json_object_set_new(g, "name", json_string("kvm"));
		json_object_set_new(g, "type", json_string("KVM VM (hardware-assisted)"));
		json_object_set_new(g, "class", json_pack("{s:s,s:s}", "architecture",
							  "container", "mechanism", "none"));
		json_object_del(g, "config");
		json_array_append_new(envs_j, g);
		ck_assert_uint_eq(vb_plan_envs(run, sum, &o, envs), 4);
		ck_assert_int_eq(envs[2].vm, 1);
		ck_assert_int_eq(envs[3].vm, 0);
		json_array_remove(envs_j, 3);
		json_array_remove(envs_j, 2);
	}

	/* An unavailable environment is no entry, never planned: one note with its reason. */
	json_array_append_new(json_object_get(run, "environments"),
			      json_pack("{s:s,s:s,s:s,s:b,s:s,s:b}", "name", "kvm", "type",
					"KVM VM (hardware-assisted)", "mechanism", "QEMU + KVM",
					"available", 0, "reason", "no /dev/kvm", "baseline", 0));
	parse_ok(two_servers);
	ck_assert_int_eq(vb_plan_resolve(&in, sum, NULL, &err), 0);
	n = vb_plan_envs(run, sum, &o, envs);
	ck_assert_uint_eq(n, 2);
	doc = vb_plan_build(&in, &o, envs, n, "fixture", run);
	doc2 = vb_plan_build(&in, &o, envs, n, "fixture", run);
	a = json_dumps(doc, JSON_SORT_KEYS);
	b = json_dumps(doc2, JSON_SORT_KEYS);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "environments")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(doc, "notes"), 0)),
			 "kvm not planned: unavailable in the run: no /dev/kvm");
	e = json_array_get(json_object_get(doc, "environments"), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(e, "fit"), "hosts")),
			 1);
	free(a);
	free(b);
	json_decref(doc);
	json_decref(doc2);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/*
 * Subnormal numbers (issue #11): "cpu = 1e-320" in a plan is refused saying
 * what is expected, not "not a finite number"; a subnormal median in the
 * run is refused with its value, not turned into "needs inf cores".
 */
START_TEST(test_subnormal)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum, *r;
	vb_error_t err;
	size_t i;

	vb_error_clear(&err);
	ck_assert_int_eq(vb_plan_parse("t.ini", "[service web]\ncpu = 1e-320\nmemory = 1G\n", &in,
				       &err),
			 -1);
	ck_assert_str_eq(err.msg, "t.ini:2: field 'cpu' of [service web]: '1e-320' is too small: "
				  "expected 0 or a number from 1e-09 to 100000");
	ck_assert_int_eq(vb_plan_parse("t.ini", "[service web]\nio = 1e-400\nmemory = 1G\n", &in,
				       &err),
			 -1);
	ck_assert_msg(strstr(err.msg, "'1e-400' is too small"), "%s", err.msg);
	parse_ok("[service web]\ncpu = 0\nmemory = 1G\n");

	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "env")), "bare") &&
		    json_object_get(json_object_get(r, "result"), "metrics"))
			json_object_set_new(json_object_get(json_object_get(r, "result"), "metrics"),
					    "ns_per_call", json_real(1e-320));
	sum = vb_test_summarize(run);
	parse_ok("[host]\ncpus = 8\nmemory = 32G\ndisk = 100G\n[service old]\n"
		 "utilisation = 50%\nserver_cpus = 4\nserver_cpu_score = 100\n"
		 "score_workload = cpu.syscall\nmemory = 1G\n");
	ck_assert_int_eq(vb_plan_resolve(&in, sum, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "field 'server_cpu_score'") &&
			  strstr(err.msg, "not a positive normal number") && !strstr(err.msg, "inf"),
		      "%s", err.msg);
	json_decref(sum);
	json_decref(run);
}
END_TEST

START_TEST(test_from_run)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum = vb_test_summarize(run);
	const json_t *r;
	char dir[PATH_MAX];
	vb_error_t err;
	double hc;

	snprintf(dir, sizeof(dir), "%s/prod", tmpdir);
	ck_assert_int_eq(vb_mkdir_p(dir, 0755, NULL), 0);
	snprintf(dir, sizeof(dir), "%s/prod/run.json", tmpdir);
	ck_assert_int_eq(json_dump_file(run, dir, 0), 0);
	parse_ok("[service api]\nfrom_run = prod\nworkload = cpu.syscall\nop_rate = 1000\n"
		 "memory = 1G\n");
	ck_assert_int_eq(vb_plan_resolve(&in, sum, tmpdir, &err), 0);
	r = vb_summary_result(sum, "bare", "cpu.syscall");
	hc = json_real_value(json_object_get(json_object_get(r, "host_cost"), "median"));
	ck_assert_double_eq_tol(in.svc[0].cpu, hc * 1000, 1e-12);
	ck_assert_ptr_nonnull(strstr(in.svc[0].cpu_basis, "same CPU model"));
	/* A workload the other run did not measure: its line and field */
	parse_ok("[service api]\nfrom_run = prod\nworkload = cpu.int\nop_rate = 1000\n"
		 "memory = 1G\n");
	ck_assert_int_eq(vb_plan_resolve(&in, sum, tmpdir, &err), -1);
	ck_assert_msg(strstr(err.msg, "t.ini:3: field 'workload'"), "%s", err.msg);
	parse_ok("[service api]\nfrom_run = nowhere\nworkload = cpu.int\nop_rate = 1000\n"
		 "memory = 1G\n");
	ck_assert_int_eq(vb_plan_resolve(&in, sum, tmpdir, &err), -1);
	ck_assert_msg(strstr(err.msg, "t.ini:2: field 'from_run'"), "%s", err.msg);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* A service given by a workload's request rate (an application measured
 * by this run): its bare-metal cost per request times the rate, and in
 * each environment that workload's own factor, not the CPU group's; an
 * environment that did not measure it cannot be planned for it. */
START_TEST(test_request_rate)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum = vb_test_summarize(run), *doc, *e;
	vb_plan_env_t envs[VB_PLAN_MAX_ENVS];
	const json_t *r, *ov;
	vb_plan_opts_t o;
	vb_error_t err;
	double hc, f;
	size_t n, i;

	vb_plan_opts_init(&o);
	parse_ok("[service api]\nworkload = cpu.syscall\nop_rate = 1000\nmemory = 1G\n"
		 "[service batch]\ncpu = 0.5\nmemory = 1G\n");
	ck_assert_int_eq(vb_plan_resolve(&in, sum, NULL, &err), 0);
	ck_assert_int_eq(in.svc[0].cpu_from, VB_PLAN_CPU_RATE);
	r = vb_summary_result(sum, "bare", "cpu.syscall");
	hc = json_real_value(json_object_get(json_object_get(r, "host_cost"), "median"));
	ck_assert_double_eq_tol(in.svc[0].cpu, hc * 1000, 1e-12);
	n = vb_plan_envs(run, sum, &o, envs);
	/* not computed yet: unknown, never 0 (a service at no CPU would fit
	 * any number of times: the fuzzers planned without this step) */
	ck_assert(isnan(envs[0].svc_cpu[0]) && isnan(envs[1].svc_cpu[0]));
	vb_plan_env_services(&in, sum, &o, envs, n);
	ck_assert_double_eq(envs[0].svc_cpu[0], 1.0);
	ck_assert(isnan(envs[1].svc_cpu[1])); /* batch: the environment's own factor */
	/* the container's: cpu.syscall's host cost overhead or its time's, by the rules */
	f = envs[1].svc_cpu[0];
	ck_assert_msg(isfinite(f) && f >= 1.0, "%g", f);
	r = vb_summary_result(sum, "container", "cpu.syscall");
	ov = json_object_get(json_object_get(r, "host_cost"), "overhead");
	ck_assert(f >= fmin(json_real_value(json_object_get(ov, "ratio")), 1.0));
	ck_assert_ptr_nonnull(strstr(envs[1].svc_basis[0], "host CPU per op x"));
	ck_assert_ptr_nonnull(strstr(envs[1].svc_basis[0], "; cpu.syscall, "));
	doc = vb_plan_build(&in, &o, envs, n, "fixture", run);
	ck_assert_ptr_nonnull(doc);
	json_array_foreach(json_object_get(doc, "environments"), i, e) {
		ck_assert(json_is_true(json_object_get(e, "planned")));
		ck_assert_double_eq(
		    json_real_value(json_object_get(
			json_object_get(json_object_get(json_object_get(e, "factors"),
							"service_cpu"),
					"api"),
			"cpu")),
		    envs[i].svc_cpu[0]);
	}
	json_decref(doc);
	/* not measured in the container: it cannot be planned there, said why */
	snprintf(in.svc[0].workload, sizeof(in.svc[0].workload), "app.redis");
	vb_plan_env_services(&in, sum, &o, envs, n);
	ck_assert(isnan(envs[1].svc_cpu[0]));
	doc = vb_plan_build(&in, &o, envs, n, "fixture", run);
	e = json_array_get(json_object_get(doc, "environments"), 1);
	ck_assert(json_is_false(json_object_get(e, "planned")));
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_object_get(e, "reason")), "app.redis was not measured"));
	json_decref(doc);
	/* a workload the run did not measure on bare metal: its line */
	parse_ok("[service api]\nworkload = app.redis\nop_rate = 1000\nmemory = 1G\n");
	ck_assert_int_eq(vb_plan_resolve(&in, sum, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "t.ini:2: field 'workload'"), "%s", err.msg);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* ---- malformed plan files ---- */

/* The "; expect: LINE WHAT" first line of a corpus file. */
static void expectation(const char *text, int *line, char *what, size_t len)
{
	const char *p = strstr(text, "; expect: ");

	ck_assert_ptr_nonnull(p);
	p += 10;
	*line = atoi(p);
	p = strchr(p, ' ');
	ck_assert_ptr_nonnull(p);
	snprintf(what, len, "%.*s", (int)strcspn(p + 1, "\n"), p + 1);
}

/* A run directory holding the fixture, for the binary. */
static void fixture_run_dir(char *dir, size_t len)
{
	json_t *run = vb_test_load_fixture(FIXTURE);

	snprintf(dir, len, "%s/run", tmpdir);
	ck_assert_int_eq(vb_mkdir_p(dir, 0755, NULL), 0);
	snprintf(dir, len, "%s/run/run.json", tmpdir);
	ck_assert_int_eq(json_dump_file(run, dir, JSON_INDENT(1)), 0);
	snprintf(dir, len, "%s/run", tmpdir);
	json_decref(run);
}

START_TEST(test_malformed_corpus)
{
	char dir[PATH_MAX], path[PATH_MAX], what[128], where[PATH_MAX + 16], *text, *out, *err;
	vb_plan_opts_t o;
	struct dirent *d;
	vb_error_t e;
	size_t files = 0;
	DIR *dp;
	int line, rc;

	fixture_run_dir(dir, sizeof(dir));
	vb_plan_opts_init(&o);
	snprintf(path, sizeof(path), "%s/tests/fixtures/plans", vb_test_srcdir());
	dp = opendir(path);
	ck_assert_ptr_nonnull(dp);
	while ((d = readdir(dp))) {
		if (!strstr(d->d_name, ".ini"))
			continue;
		files++;
		snprintf(path, sizeof(path), "%s/tests/fixtures/plans/%s", vb_test_srcdir(),
			 d->d_name);
		text = vb_read_file(path, 1 << 20, 0, NULL);
		ck_assert_ptr_nonnull(text);
		expectation(text, &line, what, sizeof(what));
		snprintf(where, sizeof(where), "%s:%d: ", path, line);
		/* the library: parse, then the host check with the file's [host] */
		vb_error_clear(&e);
		rc = vb_plan_parse(path, NULL, &in, &e);
		if (rc == 0) {
			ck_assert_msg(in.host.cap[VB_RES_CPU] > 0, "%s parsed", d->d_name);
			rc = vb_plan_check(&in, &o, &e);
		}
		ck_assert_msg(rc == -1 && e.code == VB_EUSAGE, "%s accepted", d->d_name);
		ck_assert_msg(strstr(e.msg, where) && strstr(e.msg, what),
			      "%s: expected '%s' and '%s' in: %s", d->d_name, where, what, e.msg);
		ck_assert_ptr_null(strchr(e.msg, '\n'));
		/* the binary: exit 2, nothing on stdout, one line naming the same */
		rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", dir, path, NULL);
		ck_assert_msg(rc == 2, "%s: exit %d: %s", d->d_name, rc, err);
		ck_assert_str_eq(out, "");
		ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
		ck_assert_msg(strstr(err, where) && strstr(err, what), "%s: %s", d->d_name, err);
		free(out);
		free(err);
		free(text);
	}
	closedir(dp);
	ck_assert_uint_ge(files, 10);
}
END_TEST

/* [recovery]: waves of parallel restores from the median (or, conservative,
 * the upper bound) of the run's restores; the images' disk; an environment
 * that could not restore is not planned, with its reason. */
START_TEST(test_recovery)
{
	vb_plan_opts_t o;
	vb_error_t err;
	json_t *sum, *rec, *e;

	vb_plan_opts_init(&o);
	ck_assert_msg(vb_plan_parse("r.ini", "[recovery]\ninstances = 10\nwithin = 4s\nparallel = 2\n",
				    &in, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(in.nsvc, 0);
	sum = json_pack("{s:{s:[{s:s,s:{s:{s:f,s:f,s:f}},s:{s:{s:f}}},{s:s,s:{s:s}}]}}",
			"operations", "environments", "env", "hosted", "restore", "time_ms",
			"median", 1000.0, "ci_low", 900.0, "ci_high", 1500.0, "save", "image_bytes",
			"median", 100e6, "env", "container", "restore", "unavailable",
			"container: checkpoint needs CRIU");
	rec = vb_plan_recovery(&in, &o, sum, NULL);
	ck_assert_ptr_nonnull(rec);
	e = json_array_get(json_object_get(rec, "environments"), 0);
	ck_assert(json_is_true(json_object_get(e, "planned")));
	ck_assert_double_eq_tol(json_number_value(json_object_get(e, "waves")), 5, 1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(e, "time_s")), 5, 1e-9);
	ck_assert(json_is_false(json_object_get(e, "within")));
	ck_assert_double_eq_tol(json_number_value(json_object_get(e, "instances_within")), 8, 1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(e, "disk_bytes")), 1e9, 1);
	e = json_array_get(json_object_get(rec, "environments"), 1);
	ck_assert(json_is_false(json_object_get(e, "planned")));
	ck_assert_str_eq(json_string_value(json_object_get(e, "reason")),
			 "container: checkpoint needs CRIU");
	json_decref(rec);
	/* conservative: the upper bound of the restore's interval */
	o.conservative = 1;
	rec = vb_plan_recovery(&in, &o, sum, NULL);
	e = json_array_get(json_object_get(rec, "environments"), 0);
	ck_assert_double_eq_tol(json_number_value(json_object_get(e, "instances_within")), 4, 1e-9);
	json_decref(rec);
	json_decref(sum);
}
END_TEST

START_TEST(test_cmd_plan)
{
	char dir[PATH_MAX], ini[PATH_MAX], outdir[PATH_MAX], *out, *err, *md;
	json_t *doc;
	int rc;

	fixture_run_dir(dir, sizeof(dir));
	snprintf(ini, sizeof(ini), "%s/p.ini", tmpdir);
	ck_assert_int_eq(vb_write_file(ini, two_servers, strlen(two_servers), NULL), 0);
	snprintf(outdir, sizeof(outdir), "%s/out", tmpdir);
	rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", dir, "--n-plus-one", "--out", outdir, ini,
			NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(out, "container"));
	ck_assert_ptr_nonnull(strstr(out, "2 (1 + 1 spare)"));
	free(out);
	free(err);
	snprintf(ini, sizeof(ini), "%s/plan.json", outdir);
	doc = json_load_file(ini, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "schema")), VB_PLAN_SCHEMA);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(doc, "options"), "spare_hosts")), 1);
	json_decref(doc);
	snprintf(ini, sizeof(ini), "%s/plan.md", outdir);
	md = vb_read_file(ini, 1 << 20, 0, NULL);
	ck_assert_ptr_nonnull(md);
	ck_assert_ptr_nonnull(strstr(md, "## Capacity plan"));
	free(md);
	/* bad usage: no run, unknown option, bad option value */
	rc = vb_test_vbench(NULL, &out, &err, "plan", ini, NULL);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(err, "--run"));
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "plan", "--run", dir, "--headroom", "nan", ini, NULL);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(err, "--headroom"));
	free(out);
	free(err);
}
END_TEST

Suite *vb_suite_plan(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_two_servers_into_one);
	tcase_add_test(tc, test_memory_binds);
	tcase_add_test(tc, test_overcommit_and_spares);
	tcase_add_test(tc, test_headroom);
	tcase_add_test(tc, test_correlation);
	tcase_add_test(tc, test_fits_nowhere);
	tcase_add_test(tc, test_deterministic_and_mixed);
	tcase_add_test(tc, test_normalise_and_factors);
	tcase_add_test(tc, test_from_run);
	tcase_add_test(tc, test_request_rate);
	tcase_add_test(tc, test_subnormal);
	tcase_add_test(tc, test_malformed_corpus);
	tcase_add_test(tc, test_cmd_plan);
	tcase_add_test(tc, test_recovery);
	suite_add_tcase(s, tc);
	return s;
}
