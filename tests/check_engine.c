/*
 * check_engine.c - the `docker` and `podman` environments, the list of
 * backends, and the helper-process runner they and `oci` use (runproc.c).
 *
 * Helper programs run without a shell, with a deadline (killed and reaped
 * after it), their output captured and bounded.  docker and podman are
 * listed unavailable with a reason when their engine does not answer, and
 * never stop another environment from running: `--env docker` alone exits
 * 3, `--env bare,docker` still runs bare.  The backend list has bare,
 * container, oci, docker and podman in that order, every table checks,
 * and `--runtime` accepts only the runtimes vbench knows.
 */
#include <jansson.h>
#include <limits.h>
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

static char tmpdir[PATH_MAX], vbench[PATH_MAX];

static void setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_srcdir());
	snprintf(tmpdir, sizeof(tmpdir), "/var/tmp/vbench-etest-XXXXXX");
	if (!mkdtemp(tmpdir))
		tmpdir[0] = '\0';
}

static void teardown(void)
{
	if (tmpdir[0])
		vb_rm_rf(tmpdir);
}

/* Run argv with stdout+stderr into @out; exit status or 128+signal. */
static int run_cmd(char *const argv[], char *out, size_t outlen)
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
	while ((n = read(pfd[0], out + len, outlen - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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
	vb_proc_first_line(errs, line, sizeof(line));
	ck_assert_str_eq(line, "first");
	vb_proc_last_line(errs, line, sizeof(line));
	ck_assert_str_eq(line, "last one");
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
	char *argv[] = { "run", "--runtime", "youki", NULL };
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
	vb_run_cfg_init(cfg);
	ck_assert_int_eq(vb_run_cfg_parse(cfg, 3, argv, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "youki"));
	vb_run_cfg_init(cfg);
	argv[2] = "runc";
	ck_assert_int_eq(vb_run_cfg_parse(cfg, 3, argv, &err), 0);
	ck_assert_str_eq(cfg->oci_runtime, "runc");
	ck_assert_str_eq(vb_env_find("oci")->mechanism, "namespaces+cgroups (OCI runtime runc)");
	vb_env_oci_select(NULL);
	free(cfg);
}
END_TEST

/* ---- docker and podman ----------------------------------------------------- */

START_TEST(test_engines_unavailable)
{
	static char out[1 << 16];
	char dir[PATH_MAX], *line;
	char *list[] = { vbench, "list", NULL };
	char *only[] = { vbench, "run", "--env", "docker", "--workload", "cpu.syscall", "--profile",
			 "test", "--quiet", "--out", dir, NULL };
	char *both[] = { vbench, "run", "--env", "bare,docker", "--workload", "cpu.syscall",
			 "--profile", "test", "--quiet", "--out", dir, NULL };
	const char *engines[] = { "docker", "podman" };
	vb_run_cfg_t *cfg = calloc(1, sizeof(*cfg));
	json_t *doc, *e;
	vb_error_t err;
	size_t i;
	int rc;

	ck_assert_ptr_nonnull(cfg);
	vb_run_cfg_init(cfg);
	for (i = 0; i < 2; i++) {
		vb_error_clear(&err);
		if (vb_env_find(engines[i])->probe(cfg, &err) == 0 ||
		    strstr(err.msg, "answers but image build"))
			VB_SKIP("a %s engine answers on this host", engines[i]);
		ck_assert_int_eq(err.code, VB_EUNAVAIL);
		ck_assert_msg(strlen(err.msg) > 10, "no reason: '%s'", err.msg);
	}
	free(cfg);
	rc = run_cmd(list, out, sizeof(out));
	ck_assert_int_eq(rc, 0);
	for (i = 0; i < 2; i++) {
		char head[32], *reason, *nl;

		snprintf(head, sizeof(head), "\n  %s ", engines[i]);
		line = strstr(out, head);
		ck_assert_msg(line != NULL, "%s not listed:\n%s", engines[i], out);
		nl = strchr(line + 1, '\n');
		reason = strstr(line, "unavailable: ");
		ck_assert_msg(reason && (!nl || reason < nl), "%s", line);
		ck_assert_msg((nl ? nl : reason + strlen(reason)) - (reason + 13) > 5, "no reason: %s",
			      line);
	}
	/* Alone: nothing can run (exit 3), and the reason is printed and recorded. */
	snprintf(dir, sizeof(dir), "%s/docker-only", tmpdir);
	rc = run_cmd(only, out, sizeof(out));
	ck_assert_msg(rc == 3, "exit %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, "docker unavailable: docker") != NULL, "%s", out);
	/* Next to bare: bare still runs. */
	snprintf(dir, sizeof(dir), "%s/bare-docker", tmpdir);
	rc = run_cmd(both, out, sizeof(out));
	ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out);
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/run.json");
	doc = json_load_file(dir, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "repetitions")), 2);
	json_array_foreach(json_object_get(doc, "environments"), i, e) {
		if (!strcmp(json_string_value(json_object_get(e, "name")), "docker")) {
			ck_assert(json_is_false(json_object_get(e, "available")));
			ck_assert_ptr_nonnull(json_string_value(json_object_get(e, "reason")));
		}
	}
	json_decref(doc);
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
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(itest, setup, teardown);
	tcase_set_timeout(itest, 300);
	tcase_add_test(itest, test_engines_unavailable);
	suite_add_tcase(s, itest);
	return s;
}
