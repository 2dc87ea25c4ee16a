/*
 * check_gvisor.c - the `gvisor` environment (harness/env/gvisor.c): the
 * agent in a gVisor sandbox under runsc.
 *
 * Unit: the table (a sandbox, its option), the probe's platform choice as
 * data (kvm only when /dev/kvm accelerates, else systrap when this runsc
 * has it, else ptrace), a platform this runsc lacks is a reason, a bad
 * --gvisor-platform one line.  Integration (root and runsc): a run next to
 * bare metal where every repetition is ok, the Sentry's kernel is what the
 * agent sees, the allocation is the cgroup's around the whole sandbox,
 * the direct I/O workloads are not run and say why, system calls cost what
 * a user-space kernel costs; SIGINT part-way; nothing left (no runsc
 * process, state root or bundle).  The SIGKILL + clean + resume cases are
 * in check_interrupt.c, density in check_density.c.
 */
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness/analysis/stats.h"
#include "harness/core/options.h"
#include "harness/env/env.h"
#include "lib/util.h"
#include "tests/debris.h"
#include "workloads/workload.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX], vbench[PATH_MAX];

static void setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "gtest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- unit ------------------------------------------------------------------ */

/* A sandbox by its table: class, its own option, the direct I/O it cannot
 * measure and why. */
START_TEST(test_table)
{
	const vb_env_ops_t *o = vb_env_find("gvisor");

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(o->arch, VB_ARCH_SANDBOX);
	ck_assert_str_eq(vb_env_arch_name(o->arch), "sandbox");
	ck_assert_ptr_nonnull(strstr(o->type, "user-space kernel"));
	ck_assert_ptr_nonnull(o->options);
	ck_assert_str_eq(o->options->opts[0].name, "--gvisor-platform");
	ck_assert(o->not_run & VB_W_DIRECT);
	ck_assert_ptr_nonnull(strstr(o->not_run_why, "O_DIRECT"));
	ck_assert_ptr_nonnull(o->undo);
}
END_TEST

/* The probe's choice, recorded as data: a platform this runsc knows, and
 * kvm only when the /dev/kvm verdict says it accelerates. */
START_TEST(test_platform_probe)
{
	const vb_env_ops_t *o = vb_env_find("gvisor");
	const char *platform, *why;
	char reason[768];
	json_t *f, *kvm;
	size_t i;
	int known = 0;

	if (vb_test_env_unavailable("gvisor", reason, sizeof(reason)))
		VB_SKIP("gvisor unavailable: %s", reason);
	f = o->probe_facts();
	ck_assert_ptr_nonnull(f);
	platform = json_string_value(json_object_get(f, "platform"));
	why = json_string_value(json_object_get(f, "platform_why"));
	ck_assert_ptr_nonnull(platform);
	ck_assert_msg(why && strlen(why) > 10, "no reason for %s", platform);
	for (i = 0; i < json_array_size(json_object_get(f, "platforms_known")); i++)
		known |= !strcmp(json_string_value(json_array_get(
					 json_object_get(f, "platforms_known"), i)),
				 platform);
	ck_assert_msg(known, "platform %s is not one runsc knows", platform);
	kvm = json_object_get(f, "kvm_probe");
	if (!strcmp(platform, "kvm"))
		ck_assert(json_is_true(json_object_get(kvm, "accelerated")));
	else if (json_is_object(kvm))
		ck_assert_ptr_nonnull(strstr(why, "KVM"));
	fprintf(stderr, "gvisor: platform %s (%s)\n", platform, why);
	json_decref(f);
}
END_TEST

/* Bad input: one line naming the option and what it takes. */
START_TEST(test_platform_option)
{
	char *out, *err;
	int rc;

	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "gvisor", "--gvisor-platform",
			    "xen", "--profile", "test", NULL);
	vb_test_expect_refusal(rc, out, err, "--gvisor-platform", "ptrace");
}
END_TEST

/* ---- integration -------------------------------------------------------------- */

static json_t *rec_of(json_t *doc, const char *env)
{
	json_t *e = vb_test_env_rec(doc, env);

	ck_assert_msg(e != NULL, "no record of %s", env);
	return e;
}

/* The median of @env's primary metric @metric over @wl's repetitions. */
static double median_of(json_t *doc, const char *env, const char *wl, const char *metric)
{
	double v[64];
	size_t i, n = 0;
	json_t *r;

	json_array_foreach(json_object_get(doc, "repetitions"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "env")), env) &&
		    !strcmp(json_string_value(json_object_get(r, "workload")), wl) && n < 64)
			v[n++] = json_number_value(json_object_get(
				json_object_get(json_object_get(r, "result"), "metrics"), metric));
	ck_assert_uint_gt(n, 0);
	return vb_median(v, n);
}

START_TEST(test_run)
{
	static char out[1 << 16];
	char dir[PATH_MAX], reason[768];
	char *argv[] = { vbench, "run", "--env", "bare,gvisor", "--workload",
			 "cpu.syscall,cpu.int,io.seqread,io.fsync", "--profile", "test", "--reps", "3",
			 "--out", dir, NULL };
	json_t *doc, *e, *r, *in, *cfg, *nr;
	struct utsname u;
	size_t i, n = 0;
	double bare, gv;
	pid_t pid;
	int rc;

	if (vb_test_env_unavailable("gvisor", reason, sizeof(reason)))
		VB_SKIP("gvisor unavailable: %s", reason);
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	rc = vb_test_run(argv, NULL, out, sizeof(out), &pid);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "gvisor: 1 workload not run: gVisor accepts O_DIRECT"), "%s", out);
	ck_assert_msg(strstr(out, "not run (\"-\" in the tables):"), "%s", out);
	doc = vb_test_load_run(dir, 1);
	e = rec_of(doc, "gvisor");
	ck_assert(json_is_true(json_object_get(e, "available")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "class"),
							    "architecture")),
			 "sandbox");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(e, "mechanism")),
				     "platform "));
	/* every repetition ok; io.seqread never scheduled, with the reason */
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "env")), "gvisor"))
			continue;
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s: %s",
			      json_string_value(json_object_get(r, "workload")),
			      json_string_value(json_object_get(r, "error")));
		ck_assert_str_ne(json_string_value(json_object_get(r, "workload")), "io.seqread");
		n++;
	}
	ck_assert_uint_eq(n, 3 * 3);
	nr = json_object_get(e, "not_run");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(nr, "workloads"), 0)),
			 "io.seqread");
	/* the Sentry's kernel, not the host's, and the allocation it was given */
	in = json_object_get(e, "agent");
	ck_assert_int_eq(uname(&u), 0);
	ck_assert_str_ne(json_string_value(json_object_get(
				 json_object_get(json_object_get(in, "facts"), "kernel"), "release")),
			 u.release);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(in, "facts"), "ncpus")),
			 1);
	cfg = json_object_get(e, "config");
	ck_assert(json_is_true(json_object_get(
	    json_object_get(json_object_get(cfg, "limits"), "cgroup"), "enforced")));
	ck_assert_ptr_nonnull(json_string_value(json_object_get(json_object_get(cfg, "sandbox"),
								 "platform")));
	ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(e, "memory_idle"),
							    "pss_bytes")),
			 0);
	ck_assert_int_gt(json_integer_value(json_object_get(e, "start_latency_ns")), 0);
	/* a system call answered by a user-space kernel: several times the host's */
	bare = median_of(doc, "bare", "cpu.syscall", "ns_per_call");
	gv = median_of(doc, "gvisor", "cpu.syscall", "ns_per_call");
	fprintf(stderr, "gvisor: cpu.syscall %.0f ns vs %.0f ns on bare metal (x%.1f)\n", gv, bare,
		gv / bare);
	ck_assert_msg(gv > 3 * bare, "cpu.syscall %.0f ns in gvisor, %.0f ns bare", gv, bare);
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* SIGINT part-way: exit 130 with the repetitions done, nothing left. */
START_TEST(test_sigint)
{
	char dir[PATH_MAX], reason[768];
	char *argv[] = { vbench, "run", "--env", "gvisor", "--workload", "cpu.syscall", "--profile",
			 "test", "--reps", "50", "--quiet", "--out", dir, NULL };
	json_t *doc;
	pid_t pid;

	if (vb_test_env_unavailable("gvisor", reason, sizeof(reason)))
		VB_SKIP("gvisor unavailable: %s", reason);
	snprintf(dir, sizeof(dir), "%s/int", tmpdir);
	pid = vb_test_spawn(argv, NULL);
	doc = vb_test_sigint_run(pid, dir, 3, 50, 1);
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

Suite *vb_suite_gvisor(void)
{
	Suite *s = suite_create("gvisor");
	TCase *unit = tcase_create("core"), *itest = tcase_create("sandbox");

	tcase_add_unchecked_fixture(unit, setup, teardown);
	tcase_set_timeout(unit, 60);
	tcase_add_test(unit, test_table);
	tcase_add_test(unit, test_platform_probe);
	tcase_add_test(unit, test_platform_option);
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(itest, setup, teardown);
	tcase_set_timeout(itest, 300);
	tcase_add_test(itest, test_run);
	tcase_add_test(itest, test_sigint);
	suite_add_tcase(s, itest);
	return s;
}
