/*
 * check_oci.c - the OCI bundle generator and the `oci` environment.
 *
 * Unit tests: config.json is valid JSON with every field a runtime needs
 * (ociVersion, process, a read-only root, the six namespaces, the limits,
 * the scratch bind read-write at the same path, noNewPrivileges, only the
 * kept capabilities), and bad input is refused.
 *
 * Integration: `vbench run --env bare,oci` with the real runtime (crun by
 * default, and runc) validates, every oci repetition is ok, the agent's
 * view from inside shows the isolation, and nothing is left (cgroups in any
 * hierarchy, bundle and rootfs directories, containers known to the
 * runtime, processes), also after a SIGINT part-way.  Skipped with the
 * reason when no OCI runtime is installed or vbench is not root.
 * (docker, podman and the helper-process runner: check_engine.c.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/env.h"
#include "harness/env/oci_spec.h"
#include "harness/core/options.h"
#include "harness/core/runproc.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX], agent[PATH_MAX], vbench[PATH_MAX];

static void setup(void)
{
	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_srcdir());
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_srcdir());
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "otest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- the generator -------------------------------------------------------- */

static const char *const test_args[] = { "/usr/libexec/vbench/vbench-agent", "serve", NULL };
static const char *const test_env[] = { "PATH=/usr/bin:/bin", "HOME=/", "container=oci", NULL };

static void spec_init(vb_oci_spec_t *s)
{
	memset(s, 0, sizeof(*s));
	s->args = test_args;
	s->env = test_env;
	s->root = "/var/tmp/vbench-oci-1-x/rootfs";
	s->hostname = "vbench-oci";
	s->caps = 1ull << CAP_PERFMON;
	s->cpus = "1";
	s->mem_bytes = 1ull << 30;
	s->scratch = "/var/tmp/vbench-scratch-1-abc";
	s->cgbinds[0] = (vb_oci_cgbind_t){ "cpuset", "/var/tmp/vbench-oci-1-x/cgroup/cpuset" };
	s->cgbinds[1] = (vb_oci_cgbind_t){ "memory", "/var/tmp/vbench-oci-1-x/cgroup/memory" };
	s->ncgbinds = 2;
}

static json_t *find_mount(json_t *cfg, const char *dest, size_t *index)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(cfg, "mounts"), i, m)
		if (!strcmp(json_string_value(json_object_get(m, "destination")), dest)) {
			if (index)
				*index = i;
			return m;
		}
	return NULL;
}

static int has_string(json_t *arr, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

/* Through text and back: what a runtime reads. */
static json_t *generate(const vb_oci_spec_t *s)
{
	json_t *cfg, *back;
	json_error_t jerr;
	vb_error_t err;
	char *text;

	cfg = vb_oci_config(s, &err);
	ck_assert_msg(cfg != NULL, "%s", err.msg);
	text = json_dumps(cfg, JSON_INDENT(2));
	ck_assert_ptr_nonnull(text);
	back = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(back != NULL, "config.json is not valid JSON: %s", jerr.text);
	ck_assert(json_equal(cfg, back));
	free(text);
	json_decref(cfg);
	return back;
}

START_TEST(test_config_fields)
{
	static const char *const ns_want[] = { "pid", "mount", "network", "uts", "ipc", "cgroup" };
	json_t *cfg, *proc, *caps, *root, *lin, *ns, *res, *m, *opts;
	size_t i, i_tmp, i_scratch, i_cgtmp, i_mem;
	vb_oci_spec_t s;

	spec_init(&s);
	cfg = generate(&s);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(cfg, "ociVersion")), "1.0"));
	/* process */
	proc = json_object_get(cfg, "process");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(proc, "args"), 0)),
			 test_args[0]);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(proc, "args"), 1)),
			 "serve");
	ck_assert_uint_eq(json_array_size(json_object_get(proc, "args")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(proc, "cwd")), "/");
	ck_assert(has_string(json_object_get(proc, "env"), "container=oci"));
	ck_assert(json_is_true(json_object_get(proc, "noNewPrivileges")));
	ck_assert(json_is_false(json_object_get(proc, "terminal")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(proc, "user"), "uid")), 0);
	caps = json_object_get(proc, "capabilities");
	ck_assert_ptr_nonnull(caps);
	for (i = 0; i < 3; i++) {
		const char *set = (const char *[]){ "bounding", "effective", "permitted" }[i];
		ck_assert_uint_eq(json_array_size(json_object_get(caps, set)), 1);
		ck_assert(has_string(json_object_get(caps, set), "CAP_PERFMON"));
	}
	ck_assert_uint_eq(json_array_size(json_object_get(caps, "inheritable")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(caps, "ambient")), 0);
	/* root, hostname */
	root = json_object_get(cfg, "root");
	ck_assert_str_eq(json_string_value(json_object_get(root, "path")), s.root);
	ck_assert(json_is_true(json_object_get(root, "readonly")));
	ck_assert_str_eq(json_string_value(json_object_get(cfg, "hostname")), "vbench-oci");
	/* namespaces: exactly the six */
	lin = json_object_get(cfg, "linux");
	ns = json_object_get(lin, "namespaces");
	ck_assert_uint_eq(json_array_size(ns), VB_ARRAY_SIZE(ns_want));
	for (i = 0; i < VB_ARRAY_SIZE(ns_want); i++)
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ns, i), "type")),
				 ns_want[i]);
	/* limits */
	res = json_object_get(lin, "resources");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(res, "cpu"), "cpus")), "1");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(res, "memory"), "limit")),
			 1ll << 30);
	ck_assert(json_is_false(json_object_get(json_array_get(json_object_get(res, "devices"), 0),
						"allow")));
	ck_assert_uint_eq(json_array_size(json_object_get(res, "devices")), 6);
	ck_assert_uint_eq(json_array_size(json_object_get(lin, "devices")), 5);
	ck_assert_ptr_null(json_object_get(lin, "cgroupsPath"));
	ck_assert(has_string(json_object_get(lin, "maskedPaths"), "/proc/kcore"));
	ck_assert(has_string(json_object_get(lin, "maskedPaths"), "/sys/firmware"));
	ck_assert(has_string(json_object_get(lin, "readonlyPaths"), "/proc/sys"));
	ck_assert(has_string(json_object_get(lin, "readonlyPaths"), "/proc/sysrq-trigger"));
	/* mounts */
	ck_assert_str_eq(json_string_value(json_object_get(find_mount(cfg, "/proc", NULL), "type")),
			 "proc");
	ck_assert_str_eq(json_string_value(json_object_get(find_mount(cfg, "/dev", NULL), "type")),
			 "tmpfs");
	m = find_mount(cfg, "/sys", NULL);
	ck_assert(has_string(json_object_get(m, "options"), "ro"));
	m = find_mount(cfg, "/tmp", &i_tmp);
	ck_assert_str_eq(json_string_value(json_object_get(m, "type")), "tmpfs");
	m = find_mount(cfg, s.scratch, &i_scratch);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(json_string_value(json_object_get(m, "source")), s.scratch);
	ck_assert_str_eq(json_string_value(json_object_get(m, "type")), "bind");
	opts = json_object_get(m, "options");
	ck_assert(has_string(opts, "rw") && has_string(opts, "bind") && !has_string(opts, "ro"));
	ck_assert_uint_lt(i_tmp, i_scratch); /* a scratch below /tmp is not hidden */
	/* the allocation's cgroup, read-only, on a tmpfs made first */
	ck_assert_ptr_nonnull(find_mount(cfg, "/sys/fs/cgroup", &i_cgtmp));
	m = find_mount(cfg, "/sys/fs/cgroup/memory", &i_mem);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_lt(i_cgtmp, i_mem);
	ck_assert_str_eq(json_string_value(json_object_get(m, "source")), s.cgbinds[1].source);
	ck_assert(has_string(json_object_get(m, "options"), "ro"));
	json_decref(cfg);

	/* runc: cgroupsPath; cgroup v2: a cgroup mount, no binds; no limits. */
	s.cgroups_path = "/vbench-1-oci";
	s.cgroup_v2_mount = 1;
	s.ncgbinds = 0;
	s.mem_bytes = 0;
	s.cpus = "";
	s.scratch = NULL;
	s.caps = 0;
	cfg = generate(&s);
	lin = json_object_get(cfg, "linux");
	ck_assert_str_eq(json_string_value(json_object_get(lin, "cgroupsPath")), "/vbench-1-oci");
	m = find_mount(cfg, "/sys/fs/cgroup", NULL);
	ck_assert_str_eq(json_string_value(json_object_get(m, "type")), "cgroup");
	ck_assert_ptr_null(find_mount(cfg, "/sys/fs/cgroup/memory", NULL));
	ck_assert_ptr_null(json_object_get(json_object_get(lin, "resources"), "memory"));
	ck_assert_ptr_null(json_object_get(json_object_get(lin, "resources"), "cpu"));
	ck_assert_uint_eq(json_array_size(json_object_get(
				  json_object_get(json_object_get(cfg, "process"), "capabilities"),
				  "bounding")),
			  0);
	ck_assert_uint_eq(json_array_size(json_object_get(cfg, "mounts")), 5);
	json_decref(cfg);
}
END_TEST

START_TEST(test_config_bad_input)
{
	static const char *const rel_args[] = { "vbench-agent", "serve", NULL };
	vb_oci_spec_t s;
	vb_error_t err;

	spec_init(&s);
	s.args = rel_args;
	ck_assert_ptr_null(vb_oci_config(&s, &err));
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "absolute"));
	spec_init(&s);
	s.root = NULL;
	ck_assert_ptr_null(vb_oci_config(&s, &err));
	spec_init(&s);
	s.hostname = "";
	ck_assert_ptr_null(vb_oci_config(&s, &err));
	spec_init(&s);
	s.scratch = "relative/scratch";
	ck_assert_ptr_null(vb_oci_config(&s, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "relative/scratch"));
	spec_init(&s);
	s.cgbinds[1].name = "../memory";
	ck_assert_ptr_null(vb_oci_config(&s, &err));
	spec_init(&s);
	s.ncgbinds = VB_OCI_MAX_CGBINDS + 1;
	ck_assert_ptr_null(vb_oci_config(&s, &err));
}
END_TEST

/* --allow-device: the block device is a linux.devices node (type b) with
 * an rw allow rule after the deny-all rule, not a mount; a device outside
 * /dev is refused. */
START_TEST(test_config_device)
{
	json_t *cfg, *lin, *d, *last;
	vb_oci_spec_t s;
	vb_error_t err;
	size_t n;

	spec_init(&s);
	s.scratch = "";
	s.device = "/dev/loop7";
	s.dev_major = 7;
	s.dev_minor = 7;
	cfg = generate(&s);
	lin = json_object_get(cfg, "linux");
	n = json_array_size(json_object_get(lin, "devices"));
	d = json_array_get(json_object_get(lin, "devices"), n - 1);
	ck_assert_str_eq(json_string_value(json_object_get(d, "path")), "/dev/loop7");
	ck_assert_str_eq(json_string_value(json_object_get(d, "type")), "b");
	ck_assert_int_eq(json_integer_value(json_object_get(d, "major")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "minor")), 7);
	d = json_object_get(json_object_get(lin, "resources"), "devices");
	ck_assert(json_is_false(json_object_get(json_array_get(d, 0), "allow")));
	last = json_array_get(d, json_array_size(d) - 1);
	ck_assert(json_is_true(json_object_get(last, "allow")));
	ck_assert_str_eq(json_string_value(json_object_get(last, "type")), "b");
	ck_assert_str_eq(json_string_value(json_object_get(last, "access")), "rw");
	ck_assert_ptr_null(find_mount(cfg, "/dev/loop7", NULL));
	json_decref(cfg);
	spec_init(&s);
	s.device = "/var/tmp/node";
	ck_assert_ptr_null(vb_oci_config(&s, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "/var/tmp/node"));
}
END_TEST

START_TEST(test_config_write)
{
	char path[PATH_MAX];
	json_t *cfg, *back;
	vb_oci_spec_t s;
	vb_error_t err;

	ck_assert(tmpdir[0]);
	spec_init(&s);
	cfg = vb_oci_config(&s, &err);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(vb_oci_write(tmpdir, cfg, &err), 0);
	snprintf(path, sizeof(path), "%s/config.json", tmpdir);
	back = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	ck_assert_ptr_nonnull(back);
	ck_assert(json_equal(cfg, back));
	json_decref(back);
	ck_assert_int_eq(vb_oci_write("/nonexistent/vbench", cfg, &err), -1);
	json_decref(cfg);
}
END_TEST

/* ---- the oci environment, end to end ---------------------------------------- */

/* Why `oci` cannot run here (with @runtime, "" = default), or NULL. */
static const char *cannot_run(const char *runtime, char *why, size_t len)
{
	return vb_test_env_unavailable_with("oci", runtime[0] ? "--runtime" : NULL, runtime, why,
					    len);
}

/* One full run with @runtime; @workloads; every check on the result. */
static void oci_run(const char *runtime, const char *workloads, size_t nwl)
{
	static char out[1 << 16];
	char dir[PATH_MAX], why[512], rt[16];
	char *argv[] = { vbench, "run", "--env", "bare,oci", "--workload", (char *)workloads,
			 "--profile", "test", "--out", dir, runtime[0] ? "--runtime" : NULL, rt,
			 NULL };
	json_t *doc, *oci, *in, *ifs, *r, *cfg;
	size_t i, n = 0;
	pid_t pid;
	int rc;

	snprintf(rt, sizeof(rt), "%s", runtime);
	if (cannot_run(runtime, why, sizeof(why)))
		VB_SKIP("oci environment%s%s unavailable: %s", runtime[0] ? " with " : "", runtime,
			why);
	snprintf(dir, sizeof(dir), "%s/run-%s", tmpdir, runtime[0] ? runtime : "default");
	rc = vb_test_run(argv, NULL, out, sizeof(out), &pid);
	ck_assert_msg(rc == 0, "vbench run exited %d:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	oci = vb_test_env_rec(doc, "oci");
	ck_assert_ptr_nonnull(oci);
	ck_assert_msg(json_is_true(json_object_get(oci, "available")), "oci: %s",
		      json_string_value(json_object_get(oci, "reason")));
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "env")), "oci"))
			continue;
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "oci rep: %s",
			      json_string_value(json_object_get(r, "error")));
		n++;
	}
	ck_assert_uint_eq(n, nwl * 2);
	/* The view from inside: own PID namespace, host name, loopback only. */
	in = json_object_get(json_object_get(oci, "agent"), "inside");
	ck_assert_ptr_nonnull(in);
	ck_assert_int_ge(json_integer_value(json_object_get(in, "pid")), 1);
	ck_assert_int_le(json_integer_value(json_object_get(in, "pid")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(in, "hostname")), "vbench-oci");
	ifs = json_object_get(in, "interfaces");
	ck_assert_uint_eq(json_array_size(ifs), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ifs, 0), "name")), "lo");
	ck_assert(json_is_true(json_object_get(in, "no_new_privs")));
	ck_assert(json_is_true(json_object_get(in, "root_readonly")));
	cfg = json_object_get(oci, "config");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(in, "cgroup"),
							    "memory_limit_bytes")),
			 json_integer_value(json_object_get(
				 json_object_get(json_object_get(cfg, "limits"), "cgroup"),
				 "memory_bytes")));
	/* How the limits were enforced, and by which runtime. */
	ck_assert_ptr_nonnull(json_string_value(
		json_object_get(json_object_get(cfg, "limits"), "enforced_by")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
					     json_object_get(cfg, "runtime"), "version")),
				     "version"));
	if (runtime[0])
		ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cfg, "runtime"),
								   "name")),
				 runtime);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(oci, "mechanism")),
				     json_string_value(json_object_get(
					     json_object_get(cfg, "runtime"), "name"))));
	ck_assert_int_gt(json_integer_value(json_object_get(oci, "start_latency_ns")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(oci, "stop_latency_ns")), 0);
	fprintf(stderr, "oci (%s): start latency %.1f ms, stop latency %.1f ms\n",
		json_string_value(json_object_get(json_object_get(cfg, "runtime"), "name")),
		(double)json_integer_value(json_object_get(oci, "start_latency_ns")) / 1e6,
		(double)json_integer_value(json_object_get(oci, "stop_latency_ns")) / 1e6);
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, out);
}

START_TEST(test_oci_run)
{
	oci_run("", "cpu.syscall,mem.stream,io.randread", 3);
}
END_TEST

START_TEST(test_oci_runc)
{
	oci_run("runc", "cpu.syscall,io.randread", 2);
}
END_TEST

START_TEST(test_oci_sigint)
{
	char dir[PATH_MAX], why[512];
	char *argv[] = { vbench, "run", "--env", "oci", "--workload", "cpu.syscall", "--profile",
			 "test", "--reps", "50", "--quiet", "--out", dir, NULL };
	pid_t pid;

	if (cannot_run("", why, sizeof(why)))
		VB_SKIP("oci environment unavailable: %s", why);
	snprintf(dir, sizeof(dir), "%s/run-int", tmpdir);
	pid = vb_test_spawn(argv, NULL);
	json_decref(vb_test_sigint_run(pid, dir, 3, 50, 1));
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

Suite *vb_suite_oci(void)
{
	Suite *s = suite_create("oci");
	TCase *unit = tcase_create("bundle"), *itest = tcase_create("environment");

	tcase_add_unchecked_fixture(unit, setup, teardown);
	tcase_set_timeout(unit, 300);
	tcase_add_test(unit, test_config_fields);
	tcase_add_test(unit, test_config_bad_input);
	tcase_add_test(unit, test_config_device);
	tcase_add_test(unit, test_config_write);
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(itest, setup, teardown);
	tcase_set_timeout(itest, 300);
	tcase_add_test(itest, test_oci_run);
	tcase_add_test(itest, test_oci_runc);
	tcase_add_test(itest, test_oci_sigint);
	suite_add_tcase(s, itest);
	return s;
}
