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

#include "../harness/env.h"
#include "../harness/ocispec.h"
#include "../harness/options.h"
#include "../harness/runproc.h"
#include "../harness/util.h"
#include "tests.h"

static char tmpdir[PATH_MAX], agent[PATH_MAX], vbench[PATH_MAX], validator[PATH_MAX];

static void setup(void)
{
	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_srcdir());
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_srcdir());
	snprintf(validator, sizeof(validator), "%s/scripts/validate-run.py", vb_test_srcdir());
	snprintf(tmpdir, sizeof(tmpdir), "/var/tmp/vbench-otest-XXXXXX");
	if (!mkdtemp(tmpdir))
		tmpdir[0] = '\0';
}

static void teardown(void)
{
	if (tmpdir[0])
		vb_rm_rf(tmpdir);
}

/* Run argv with stdout+stderr into @out; exit status or 128+signal. */
static int run_cmd(char *const argv[], char *out, size_t outlen, pid_t *pidp)
{
	int pfd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	if (pidp)
		*pidp = pid;
	while ((n = read(pfd[0], out + len, outlen - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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
	const vb_env_ops_t *ops = vb_env_find("oci");
	vb_run_cfg_t *cfg = calloc(1, sizeof(*cfg));
	vb_error_t err;
	int rc;

	ck_assert_ptr_nonnull(cfg);
	if (geteuid() != 0) {
		free(cfg);
		snprintf(why, len, "not root (the oci environment creates cgroups)");
		return why;
	}
	vb_run_cfg_init(cfg);
	snprintf(cfg->agent_path, sizeof(cfg->agent_path), "%s", agent);
	snprintf(cfg->oci_runtime, sizeof(cfg->oci_runtime), "%s", runtime);
	rc = ops->probe(cfg, &err);
	free(cfg);
	if (rc == 0)
		return NULL;
	snprintf(why, len, "%s", err.msg);
	return why;
}

/* Containers the runtime still knows with IDs of vbench @pid. */
static void assert_runtime_clean(const char *runtime, pid_t pid)
{
	static char out[1 << 14];
	char path[PATH_MAX], prefix[64];
	char *argv[] = { path, "list", NULL };

	if (vb_proc_which(runtime, path, sizeof(path)) < 0)
		return;
	snprintf(prefix, sizeof(prefix), "vbench-%d-", (int)pid);
	/* crun list reads only the state directory: no cgroup set-up needed. */
	ck_assert_int_eq(run_cmd(argv, out, sizeof(out), NULL), 0);
	ck_assert_msg(!strstr(out, prefix), "%s still lists a container of vbench %d:\n%s", runtime,
		      (int)pid, out);
}

/* Nothing the vbench process @pid made may remain. */
static void assert_no_debris(pid_t pid)
{
	char cg[64], path[PATH_MAX], *s;
	const char *const prefixes[] = { "vbench-rootfs-", "vbench-oci-", "vbench-scratch-" };
	char want[3][64];
	struct dirent *de, *he;
	DIR *d, *h;
	size_t i;

	snprintf(cg, sizeof(cg), "vbench-%d-", (int)pid);
	/* every hierarchy: runc creates its cgroup in all of them */
	h = opendir("/sys/fs/cgroup");
	ck_assert_ptr_nonnull(h);
	while ((he = readdir(h)) != NULL) {
		ck_assert_msg(strncmp(he->d_name, cg, strlen(cg)), "cgroup %s left", he->d_name);
		if (he->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", he->d_name);
		if (!(d = opendir(path)))
			continue;
		while ((de = readdir(d)) != NULL)
			ck_assert_msg(strncmp(de->d_name, cg, strlen(cg)), "cgroup %s/%s left behind",
				      path, de->d_name);
		closedir(d);
	}
	closedir(h);
	for (i = 0; i < 3; i++)
		snprintf(want[i], sizeof(want[i]), "%s%d-", prefixes[i], (int)pid);
	d = opendir("/var/tmp");
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		for (i = 0; i < 3; i++)
			ck_assert_msg(strncmp(de->d_name, want[i], strlen(want[i])),
				      "/var/tmp/%s left behind", de->d_name);
	closedir(d);
	s = vb_read_file("/proc/self/mountinfo", 1 << 20, 0, NULL);
	ck_assert_msg(!s || !strstr(s, want[1]), "a mount of %s* is visible on the host", want[1]);
	free(s);
	ck_assert_msg(kill(pid, 0) < 0 && errno == ESRCH, "vbench %d still running", (int)pid);
	d = opendir("/proc");
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cgroup", de->d_name);
		s = vb_read_file(path, 1 << 16, 0, NULL);
		ck_assert_msg(!s || !strstr(s, cg), "process %s left in a cgroup %s*", de->d_name, cg);
		free(s);
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		s = vb_read_file(path, 1 << 16, 0, NULL);
		/* cmdline has NULs: the ID is one argument of a leftover runtime */
		for (char *q = s; q && q < s + 4096 && *q; q += strlen(q) + 1)
			ck_assert_msg(strncmp(q, cg, strlen(cg)), "process %s still runs %s",
				      de->d_name, q);
		free(s);
	}
	closedir(d);
	assert_runtime_clean("crun", pid);
	assert_runtime_clean("runc", pid);
}

static json_t *env_rec(json_t *doc, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(doc, "environments"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "name")), name))
			return e;
	return NULL;
}

/* One full run with @runtime; @workloads; every check on the result. */
static void oci_run(const char *runtime, const char *workloads, size_t nwl)
{
	static char out[1 << 16];
	char dir[PATH_MAX], path[PATH_MAX], why[512], rt[16];
	char *argv[] = { vbench, "run", "--env", "bare,oci", "--workload", (char *)workloads,
			 "--profile", "test", "--out", dir, runtime[0] ? "--runtime" : NULL, rt,
			 NULL };
	char *val[] = { "/usr/bin/python3", validator, path, NULL };
	json_t *doc, *oci, *in, *ifs, *r, *cfg;
	size_t i, n = 0;
	pid_t pid;
	int rc;

	snprintf(rt, sizeof(rt), "%s", runtime);
	if (cannot_run(runtime, why, sizeof(why)))
		VB_SKIP("oci environment%s%s unavailable: %s", runtime[0] ? " with " : "", runtime,
			why);
	snprintf(dir, sizeof(dir), "%s/run-%s", tmpdir, runtime[0] ? runtime : "default");
	rc = run_cmd(argv, out, sizeof(out), &pid);
	ck_assert_msg(rc == 0, "vbench run exited %d:\n%s", rc, out);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	rc = run_cmd(val, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "run.json does not validate: %s", out);
	doc = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	oci = env_rec(doc, "oci");
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
	assert_no_debris(pid);
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
	char dir[PATH_MAX], path[PATH_MAX], why[512];
	char *argv[] = { vbench, "run", "--env", "oci", "--workload", "cpu.syscall", "--profile",
			 "test", "--reps", "50", "--quiet", "--out", dir, NULL };
	json_t *doc, *r;
	int status, i, devnull;
	size_t k;
	pid_t pid;

	if (cannot_run("", why, sizeof(why)))
		VB_SKIP("oci environment unavailable: %s", why);
	snprintf(dir, sizeof(dir), "%s/run-int", tmpdir);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(vbench, argv);
		_exit(127);
	}
	for (i = 0; i < 1200; i++) {
		json_t *d = json_load_file(path, 0, NULL);
		size_t n = d ? json_array_size(json_object_get(d, "repetitions")) : 0;
		json_decref(d);
		if (n >= 3)
			break;
		usleep(25000);
	}
	kill(pid, SIGINT);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 130);
	doc = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "interrupted");
	ck_assert_int_ge(json_array_size(json_object_get(doc, "repetitions")), 3);
	ck_assert_int_lt(json_array_size(json_object_get(doc, "repetitions")), 50);
	json_array_foreach(json_object_get(doc, "repetitions"), k, r)
		ck_assert(json_is_true(json_object_get(r, "ok")));
	json_decref(doc);
	assert_no_debris(pid);
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
