/*
 * check_engine.c - the `docker` and `podman` environments, the list of
 * backends, and the helper-process runner they and `oci` use (runproc.c).
 *
 * Helper programs run without a shell, with a deadline (killed and reaped
 * after it), their output captured and bounded.  The image tar holds the
 * agent, its interpreter and libraries at the rootfs paths, and its hash is
 * stable.  An engine that does not answer is listed unavailable with a
 * reason and never stops another environment from running: `--env ENGINE`
 * alone exits 3, `--env bare,ENGINE` still runs bare.  An engine that
 * answers runs the agent end to end: results, the isolation and the
 * allocation as the agent sees them inside, the image reused by the next
 * run, and no container, process or directory left, also after a SIGINT
 * part-way and after a forced (second) SIGINT.  Tests needing an engine
 * skip with the engine's own answer.  The backend list has bare,
 * container, oci, docker and podman in that order, every table checks,
 * and `--runtime` accepts only the runtimes vbench knows.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/env.h"
#include "harness/core/cgroup.h"
#include "harness/env/oci_spec.h"
#include "harness/core/options.h"
#include "harness/image/rootfs.h"
#include "harness/core/runproc.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"
#include "lib/textsafe.h"

static char tmpdir[PATH_MAX], vbench[PATH_MAX], agent[PATH_MAX];

static void setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_srcdir());
	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_srcdir());
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "etest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- helper programs -------------------------------------------------------- */

START_TEST(test_runproc)
{
	char path[PATH_MAX], out[256], errs[256], line[64];
	char *echo[] = { "/bin/echo", "hello", "world", NULL };
	char *sh_err[] = { "/bin/sh", "-c", "echo first >&2; echo; echo 'last one  ' >&2; exit 3",
			   NULL };
	char *sleeper[] = { "/bin/sleep", "10", NULL };
	char *missing[] = { "/nonexistent/vbench-helper", NULL };
	vb_proc_opts_t o = { .timeout_ms = 5000 };
	uint64_t t0;
	vb_error_t err;

	ck_assert_int_eq(vb_proc_which("sh", path, sizeof(path)), 0);
	ck_assert(path[0] == '/' && access(path, X_OK) == 0);
	ck_assert_int_eq(vb_proc_which("vbench-no-such-program", path, sizeof(path)), -1);
	ck_assert_int_eq(vb_proc_which("../sh", path, sizeof(path)), -1);
	ck_assert_int_eq(vb_proc_which("/bin/sh", path, sizeof(path)), 0);
	ck_assert_int_eq(vb_proc_capture(echo, &o, out, sizeof(out), errs, sizeof(errs), &err), 0);
	ck_assert_str_eq(out, "hello world\n");
	ck_assert_str_eq(errs, "");
	/* A test-only shell script as the program: vbench itself never builds one. */
	ck_assert_int_eq(vb_proc_capture(sh_err, &o, out, sizeof(out), errs, sizeof(errs), &err), 3);
	vb_text_first_line(errs, line, sizeof(line));
	ck_assert_str_eq(line, "first");
	vb_text_last_line(errs, line, sizeof(line));
	ck_assert_str_eq(line, "last one");
	/* Its failure in one line: stderr's last, else stdout's, else none. */
	ck_assert_int_eq(vb_proc_failed(&err, VB_EUNAVAIL, 3, errs, out, "`%s`", "sh"), -1);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	ck_assert_str_eq(err.msg, "`sh` exited 3: last one");
	vb_proc_failed(&err, VB_ESYS, 2, "", "out line\n", "%s", "");
	ck_assert_str_eq(err.msg, "exited 2: out line");
	vb_proc_failed(&err, VB_ESYS, 1, NULL, NULL, "mkfs %s", "x");
	ck_assert_int_eq(err.code, VB_ESYS);
	ck_assert_str_eq(err.msg, "mkfs x exited 1: (no message)");
	/* Small buffers truncate, never overflow. */
	ck_assert_int_eq(vb_proc_capture(echo, &o, out, 4, NULL, 0, &err), 0);
	ck_assert_str_eq(out, "hel");
	ck_assert_int_eq(vb_proc_capture(missing, &o, out, sizeof(out), NULL, 0, &err), 127);
	/* A deadline: killed and reaped, an error saying so. */
	o.timeout_ms = 200;
	t0 = vb_now_ns();
	ck_assert_int_eq(vb_proc_capture(sleeper, &o, out, sizeof(out), NULL, 0, &err), -1);
	ck_assert_int_eq(err.code, VB_ETIMEOUT);
	ck_assert_uint_lt(vb_now_ns() - t0, 3000000000ull);
	t0 = vb_now_ns();
	ck_assert_int_eq(vb_proc_run_quiet(sleeper, &o), -1);
	ck_assert_uint_lt(vb_now_ns() - t0, 3000000000ull);
	o.timeout_ms = 5000;
	ck_assert_int_eq(vb_proc_run_quiet(echo, &o), 0);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1); /* nothing left to reap */
}
END_TEST

/* The backend list, its order and its tables. */
START_TEST(test_env_list)
{
	static const char *const want[] = { "bare", "container", "oci", "docker", "podman" };
	vb_run_cfg_t *cfg = calloc(1, sizeof(*cfg));
	char *argv[] = { "run", "--runtime", "youki", NULL }, buf[32];
	vb_error_t err;
	size_t i, k;

	ck_assert_ptr_nonnull(cfg);
	/* In this order (other backends may sit between them). */
	for (i = 0, k = 0; i < vb_env_count() && k < VB_ARRAY_SIZE(want); i++) {
		ck_assert_int_eq(vb_env_check(vb_env_at(i), &err), 0);
		if (!strcmp(vb_env_at(i)->name, want[k]))
			k++;
	}
	ck_assert_msg(k == VB_ARRAY_SIZE(want), "backend %s missing or out of order", want[k]);
	ck_assert_str_eq(vb_env_find("oci")->type, "container");
	ck_assert_ptr_nonnull(strstr(vb_env_find("oci")->mechanism, "OCI runtime"));
	/* --runtime is the oci backend's own option, checked by it ... */
	vb_run_cfg_init(cfg);
	ck_assert_int_eq(vb_run_cfg_parse(cfg, 3, argv, vb_env_cfg_ext(), &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_str_eq(err.msg, "--runtime: unknown OCI runtime 'youki' (expected crun or runc)");
	/* ... and stored in its configuration, which no parse patches the
	 * table from: the mechanism in use comes from its describe hook */
	vb_run_cfg_init(cfg);
	argv[2] = "runc";
	ck_assert_int_eq(vb_run_cfg_parse(cfg, 3, argv, vb_env_cfg_ext(), &err), 0);
	ck_assert_int_eq(vb_run_cfg_opt_text(cfg, vb_env_cfg_ext(), "--runtime", buf, sizeof(buf)),
			 0);
	ck_assert_str_eq(buf, "runc");
	ck_assert_str_eq(vb_env_find("oci")->mechanism,
			 "namespaces+cgroups (OCI runtime crun or runc)");
	/* a configuration never parsed reads the default */
	vb_run_cfg_init(cfg);
	ck_assert_int_eq(vb_run_cfg_opt_text(cfg, vb_env_cfg_ext(), "--runtime", buf, sizeof(buf)),
			 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(vb_env_conf_set(cfg, "--runtime", "crun", &err), 0);
	ck_assert_int_eq(vb_run_cfg_opt_text(cfg, vb_env_cfg_ext(), "--runtime", buf, sizeof(buf)),
			 0);
	ck_assert_str_eq(buf, "crun");
	free(cfg);
}
END_TEST

/* ---- docker and podman ----------------------------------------------------- */

/* A docker daemon that does not answer (DOCKER_HOST at a socket nobody
 * serves, whatever this host runs): listed unavailable with the client's
 * own words and the commands that would start one; alone nothing runs
 * (exit 3), the reason printed and recorded; next to bare, bare runs. */
START_TEST(test_engines_unavailable)
{
	static char out[1 << 16];
	char dir[PATH_MAX], host[PATH_MAX + 16], path[PATH_MAX], *line, *nl;
	char *list[] = { vbench, "list", NULL };
	char *only[] = { vbench, "run", "--env", "docker", "--workload", "cpu.syscall", "--profile",
			 "test", "--quiet", "--out", dir, NULL };
	char *both[] = { vbench, "run", "--env", "bare,docker", "--workload", "cpu.syscall",
			 "--profile", "test", "--quiet", "--out", dir, NULL };
	json_t *doc, *e;
	size_t i;
	int rc;

	snprintf(host, sizeof(host), "DOCKER_HOST=unix://%s/nobody.sock", tmpdir);
	rc = vb_test_run(list, host, out, sizeof(out), NULL);
	ck_assert_int_eq(rc, 0);
	line = strstr(out, "\n  docker ");
	ck_assert_msg(line != NULL, "docker not listed:\n%s", out);
	nl = strchr(line + 1, '\n');
	if (nl)
		*nl = '\0';
	ck_assert_msg(strstr(line, "unavailable: docker engine does not answer"), "%s", line);
	ck_assert_msg(strstr(line, "nobody.sock"), "the client's own words: %s", line);
	if (vb_proc_which("dockerd", path, sizeof(path)) == 0)
		ck_assert_msg(strstr(line, "scripts/dockerd.sh start") &&
				      strstr(line, "export DOCKER_HOST="),
			      "how to start one: %s", line);
	/* Alone: nothing can run (exit 3), and the reason is printed and recorded. */
	snprintf(dir, sizeof(dir), "%s/docker-only", tmpdir);
	rc = vb_test_run(only, host, out, sizeof(out), NULL);
	ck_assert_msg(rc == 3, "exit %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, "docker unavailable: docker engine does not answer"), "%s", out);
	/* Next to bare: bare still runs. */
	snprintf(dir, sizeof(dir), "%s/bare-docker", tmpdir);
	rc = vb_test_run(both, host, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out);
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/run.json");
	doc = json_load_file(dir, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 2);
	json_array_foreach(json_object_get(doc, "environments"), i, e) {
		if (!strcmp(json_string_value(json_object_get(e, "name")), "docker")) {
			ck_assert(json_is_false(json_object_get(e, "available")));
			ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(e, "reason")),
						     "does not answer"));
		}
	}
	json_decref(doc);
}
END_TEST

/* ---- the image ------------------------------------------------------------- */

/* The tar holds the agent at its rootfs path, its interpreter and every
 * library, the empty mount-point directories, owned by root; the hash is
 * stable and changes with the content. */
START_TEST(test_image_tar)
{
	vb_rootfs_t *rf = calloc(1, sizeof(*rf));
	char path[PATH_MAX];
	struct archive *a;
	struct archive_entry *ae;
	int fd, seen_agent = 0, seen_interp = 0, seen_proc = 0, nlibs = 0;
	uint64_t h1, h2;
	vb_error_t err;
	size_t i;

	ck_assert_ptr_nonnull(rf);
	ck_assert(tmpdir[0]);
	ck_assert_msg(vb_rootfs_resolve(rf, agent, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(vb_rootfs_hash(rf, &h1, &err), 0);
	ck_assert_int_eq(vb_rootfs_hash(rf, &h2, &err), 0);
	ck_assert_uint_eq(h1, h2);
	snprintf(path, sizeof(path), "%s/rootfs.tar", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(vb_rootfs_tar(rf, fd, &err) == 0, "%s", err.msg);
	close(fd);
	a = archive_read_new();
	archive_read_support_format_tar(a);
	ck_assert_int_eq(archive_read_open_filename(a, path, 1 << 16), ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ae);

		ck_assert_int_eq(archive_entry_uid(ae), 0);
		ck_assert_int_eq(archive_entry_mtime(ae), 0);
		if (!strcmp(name, rf->inside + 1)) {
			seen_agent = 1;
			ck_assert_int_eq(archive_entry_filetype(ae), AE_IFREG);
			ck_assert(archive_entry_perm(ae) & 0100);
		}
		if (rf->interp[0] && !strcmp(name, rf->interp + 1))
			seen_interp = 1;
		seen_proc |= (!strcmp(name, "proc") || !strcmp(name, "proc/")) &&
			     archive_entry_filetype(ae) == AE_IFDIR;
		for (i = 0; i < rf->nlibs; i++)
			nlibs += !strcmp(name, rf->libs[i].path + 1);
	}
	archive_read_free(a);
	ck_assert(seen_agent && seen_proc);
	ck_assert(seen_interp || !rf->interp[0]);
	ck_assert_int_eq(nlibs, (int)rf->nlibs);
	/* Another program: another hash. */
	ck_assert_int_eq(vb_rootfs_resolve(rf, vbench, &err), 0);
	ck_assert_int_eq(vb_rootfs_hash(rf, &h2, &err), 0);
	ck_assert_uint_ne(h1, h2);
	free(rf);
}
END_TEST

/* Reading another manager's cgroup: this process's own (nothing made). */
START_TEST(test_cgroup_of_pid)
{
	char why[256];
	vb_cgroup_t cg;
	vb_error_t err;
	uint64_t ns;

	if (vb_cgroup_probe("/sys/fs/cgroup", why, sizeof(why)) == VB_CG_NONE)
		VB_SKIP("%s", why);
	ck_assert_msg(vb_cgroup_of_pid(&cg, "/sys/fs/cgroup", getpid(), &err) == 0, "%s", err.msg);
	ck_assert(cg.mode == VB_CG_V2 ? cg.v2[0] != '\0' : cg.memory[0] != '\0');
	ck_assert_int_eq(cg.handles[0], 0);
	if (cg.mode == VB_CG_V1 && cg.cpuacct[0])
		ck_assert_int_eq(vb_cgroup_cpu_ns(&cg, &ns), 0);
	vb_cgroup_destroy(&cg); /* nothing registered: a no-op */
	ck_assert_int_eq(vb_cgroup_of_pid(&cg, "/sys/fs/cgroup", 0x7ffffff0, &err), -1);
}
END_TEST

/* ---- an engine that answers, end to end ---------------------------------------- */

/* Nothing the vbench process @pid made through @engine may remain (@log:
 * its output or NULL); @engine must answer `ps`, so that it can tell. */
static void assert_engine_clean(const char *engine, pid_t pid, const char *log)
{
	static char out[1 << 16];
	char path[PATH_MAX];
	char *ps[] = { path, "ps", "-a", "--format", "{{.Names}}", NULL };
	int rc;

	if (vb_proc_which(engine, path, sizeof(path)) == 0) {
		rc = vb_test_run(ps, NULL, out, sizeof(out), NULL);
		ck_assert_msg(rc == 0, "`%s ps -a` exited %d: %s", engine, rc, out);
	}
	VB_ASSERT_NO_DEBRIS(pid, log);
}

/* The view from inside and the allocation, for @engine's record @e. */
static void check_inside(const char *engine, json_t *e)
{
	json_t *in = json_object_get(json_object_get(e, "agent"), "inside"), *ifs;
	json_t *lim = json_object_get(json_object_get(json_object_get(e, "config"), "limits"),
				      "cgroup");
	json_t *cg = json_object_get(in, "cgroup");
	char host[32];

	ck_assert_ptr_nonnull(in);
	ck_assert_int_ge(json_integer_value(json_object_get(in, "pid")), 1);
	ck_assert_int_le(json_integer_value(json_object_get(in, "pid")), 2);
	snprintf(host, sizeof(host), "vbench-%s", engine);
	ck_assert_str_eq(json_string_value(json_object_get(in, "hostname")), host);
	ifs = json_object_get(in, "interfaces");
	ck_assert_uint_eq(json_array_size(ifs), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ifs, 0), "name")), "lo");
	ck_assert(json_is_true(json_object_get(in, "no_new_privs")));
	ck_assert(json_is_true(json_object_get(in, "root_readonly")));
	/* The allocation: the run's (1 CPU, 1 GiB by default) as the agent reads it. */
	ck_assert(json_is_true(json_object_get(lim, "enforced")));
	ck_assert_int_eq(json_integer_value(json_object_get(lim, "memory_bytes")), 1ll << 30);
	ck_assert_int_eq(json_integer_value(json_object_get(cg, "memory_limit_bytes")), 1ll << 30);
	ck_assert_ptr_nonnull(json_string_value(json_object_get(cg, "cpuset_cpus")));
	ck_assert_str_eq(json_string_value(json_object_get(cg, "cpuset_cpus")),
			 json_string_value(json_object_get(lim, "cpus")));
	ck_assert_str_eq(json_string_value(json_object_get(in, "cpus_allowed")),
			 json_string_value(json_object_get(lim, "cpus")));
}

static void engine_run(const char *engine)
{
	static char out[1 << 16];
	char dir[PATH_MAX], dir2[PATH_MAX], why[512], envs[32];
	char *argv[] = { vbench, "run", "--env", envs, "--workload", "cpu.int,io.seqread",
			 "--profile", "test", "--reps", "2", "--out", dir, NULL };
	char *again[] = { vbench, "run", "--env", (char *)engine, "--workload", "cpu.int",
			  "--profile", "test", "--reps", "1", "--quiet", "--out", dir2, NULL };
	json_t *doc, *doc2, *e, *r, *img, *img2, *mem, *eng;
	size_t i, n = 0;
	pid_t pid;
	int rc;

	if (vb_test_env_unavailable(engine, why, sizeof(why)))
		VB_SKIP("%s unavailable: %s", engine, why);
	snprintf(envs, sizeof(envs), "bare,%s", engine);
	snprintf(dir, sizeof(dir), "%s/run-%s", tmpdir, engine);
	rc = vb_test_run(argv, NULL, out, sizeof(out), &pid);
	ck_assert_msg(rc == 0, "vbench run exited %d:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	e = vb_test_env_rec(doc, engine);
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(json_is_true(json_object_get(e, "available")), "%s: %s", engine,
		      json_string_value(json_object_get(e, "reason")));
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "env")), engine))
			continue;
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s rep: %s", engine,
			      json_string_value(json_object_get(r, "error")));
		n++;
	}
	ck_assert_uint_eq(n, 2 * 2);
	check_inside(engine, e);
	ck_assert_int_gt(json_integer_value(json_object_get(e, "start_latency_ns")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(e, "stop_latency_ns")), 0);
	mem = json_object_get(e, "memory_idle");
	ck_assert_int_gt(json_integer_value(json_object_get(mem, "pss_bytes")), 0);
	ck_assert_int_ge(json_integer_value(json_object_get(mem, "processes")), 1);
	/* Both versions: a newer client may talk to an older daemon. */
	eng = json_object_get(json_object_get(e, "config"), "engine");
	ck_assert_msg(strlen(json_string_value(json_object_get(eng, "version")) ?: "") > 0,
		      "%s: no engine version", engine);
	ck_assert_msg(strlen(json_string_value(json_object_get(eng, "client_version")) ?: "") > 0,
		      "%s: no client version", engine);
	fprintf(stderr, "%s: client %s (%s), engine %s\n", engine,
		json_string_value(json_object_get(eng, "client_version")),
		json_string_value(json_object_get(eng, "path")),
		json_string_value(json_object_get(eng, "version")));
	img = json_object_get(json_object_get(e, "config"), "image");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(img, "tag")), "vbench-agent:"));
	ck_assert_int_gt(json_integer_value(json_object_get(img, "bytes")), 0);
	fprintf(stderr, "%s: start latency %.1f ms, stop latency %.1f ms, image %s %s\n", engine,
		(double)json_integer_value(json_object_get(e, "start_latency_ns")) / 1e6,
		(double)json_integer_value(json_object_get(e, "stop_latency_ns")) / 1e6,
		json_string_value(json_object_get(img, "tag")),
		json_is_true(json_object_get(img, "built_by_this_run")) ? "built" : "reused");
	assert_engine_clean(engine, pid, out);
	/* The next run reuses the image: same tag, same id, not built again. */
	snprintf(dir2, sizeof(dir2), "%s/again-%s", tmpdir, engine);
	rc = vb_test_run(again, NULL, out, sizeof(out), &pid);
	ck_assert_msg(rc == 0, "second vbench run exited %d:\n%s", rc, out);
	doc2 = vb_test_load_run(dir2, 0);
	img2 = json_object_get(json_object_get(vb_test_env_rec(doc2, engine), "config"), "image");
	ck_assert_str_eq(json_string_value(json_object_get(img2, "tag")),
			 json_string_value(json_object_get(img, "tag")));
	ck_assert_str_eq(json_string_value(json_object_get(img2, "id")),
			 json_string_value(json_object_get(img, "id")));
	ck_assert(json_is_false(json_object_get(img2, "built_by_this_run")));
	json_decref(doc2);
	json_decref(doc);
	assert_engine_clean(engine, pid, out);
}

START_TEST(test_podman_run)
{
	engine_run("podman");
}
END_TEST

START_TEST(test_docker_run)
{
	engine_run("docker");
}
END_TEST

/* SIGINT part-way (@forced: a second one at once, the forced-exit path). */
static void engine_sigint(const char *engine, int forced)
{
	char dir[PATH_MAX], why[512];
	char *argv[] = { vbench, "run", "--env", (char *)engine, "--workload", "cpu.syscall",
			 "--profile", "test", "--reps", "50", "--quiet", "--out", dir, NULL };
	json_t *doc, *r;
	size_t k;
	pid_t pid;

	if (vb_test_env_unavailable(engine, why, sizeof(why)))
		VB_SKIP("%s unavailable: %s", engine, why);
	snprintf(dir, sizeof(dir), "%s/int-%s-%d", tmpdir, engine, forced);
	pid = vb_test_spawn(argv, NULL);
	vb_test_wait_reps(dir, 3, 30000);
	kill(pid, SIGINT);
	if (forced) {
		usleep(2000);
		kill(pid, SIGINT);
	}
	ck_assert_int_eq(vb_test_reap(pid), 130);
	doc = vb_test_load_run(dir, 0);
	ck_assert_int_ge(json_array_size(json_object_get(doc, "repetitions")), 3);
	ck_assert_int_lt(json_array_size(json_object_get(doc, "repetitions")), 50);
	if (!forced) {
		ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "interrupted");
		json_array_foreach(json_object_get(doc, "repetitions"), k, r)
			ck_assert(json_is_true(json_object_get(r, "ok")));
	}
	json_decref(doc);
	assert_engine_clean(engine, pid, NULL);
}

START_TEST(test_podman_sigint)
{
	engine_sigint("podman", 0);
}
END_TEST

START_TEST(test_podman_sigint_forced)
{
	engine_sigint("podman", 1);
}
END_TEST

START_TEST(test_docker_sigint)
{
	engine_sigint("docker", 0);
}
END_TEST

Suite *vb_suite_engine(void)
{
	Suite *s = suite_create("engine");
	TCase *unit = tcase_create("runproc"), *itest = tcase_create("engines");

	tcase_add_unchecked_fixture(unit, setup, teardown);
	tcase_set_timeout(unit, 300);
	tcase_add_test(unit, test_runproc);
	tcase_add_test(unit, test_env_list);
	tcase_add_test(unit, test_image_tar);
	tcase_add_test(unit, test_cgroup_of_pid);
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(itest, setup, teardown);
	tcase_set_timeout(itest, 300);
	tcase_add_test(itest, test_engines_unavailable);
	tcase_add_test(itest, test_podman_run);
	tcase_add_test(itest, test_podman_sigint);
	tcase_add_test(itest, test_podman_sigint_forced);
	tcase_add_test(itest, test_docker_run);
	tcase_add_test(itest, test_docker_sigint);
	suite_add_tcase(s, itest);
	return s;
}
