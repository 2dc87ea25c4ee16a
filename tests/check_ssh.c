/*
 * check_ssh.c - the `ssh:NAME` environments (harness/env/ssh.c,
 * ssh_remote.c): a machine vbench does not start, reached over SSH.
 *
 * Unit: the remotes file's errors, one line naming file and line, exit 2.
 * Integration, against a real OpenSSH server in a network namespace of the
 * test's own (testssh.h): a run of three workloads next to bare metal with
 * the remote's class, facts and the allocation warning; a wrong host key
 * refused in one line; an address nobody answers, one line within the
 * start timeout; a connection dropped mid-repetition (the failure recorded,
 * the run goes on); SIGINT, and SIGKILL + `vbench clean`: nothing left on
 * the remote, no ssh process left.
 */
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/debris.h"
#include "tests/tests.h"
#include "tests/testssh.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX], vbench[PATH_MAX];
static vb_testssh_t srv;
static char skip_why[256];
static int have_srv;

static void setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "sshtest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

static void srv_setup(void)
{
	setup();
	have_srv = vb_testssh_start(&srv, skip_why, sizeof(skip_why)) == 0;
}

static void srv_teardown(void)
{
	vb_testssh_stop(&srv);
	teardown();
}

#define NEED_SERVER()                                                                              \
	do {                                                                                       \
		if (!have_srv)                                                                     \
			VB_SKIP("no private sshd: %s", skip_why);                                  \
	} while (0)

/* ---- the remotes file ----------------------------------------------------------- */

/* @text as a remotes file: refused with one line naming @want (and the line). */
static void refused(const char *text, const char *want)
{
	char path[PATH_MAX], *out, *err;
	int rc;

	snprintf(path, sizeof(path), "%s/bad.ini", tmpdir);
	vb_test_put_text(tmpdir, "bad.ini", text);
	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "bare", "--remotes", path,
			    "--profile", "test", NULL);
	vb_test_expect_refusal(rc, out, err, path, want);
}

START_TEST(test_remotes_file)
{
	char key[PATH_MAX], text[2048];

	snprintf(key, sizeof(key), "%s/key", tmpdir);
	vb_test_put_text(tmpdir, "key", "not a key, but a regular file\n");
	snprintf(text, sizeof(text),
		 "[a]\naddress = 192.0.2.1\nkey = %s\nknown_hosts = %s\ntype = type-2\n"
		 "colour = blue\n",
		 key, key);
	refused(text, ":6: field 'colour' of [a]: unknown key");
	snprintf(text, sizeof(text), "[a]\naddress = 192.0.2.1\nkey = %s\ntype = type-2\n", key);
	refused(text, ":1: [a]: missing field 'known_hosts'");
	snprintf(text, sizeof(text),
		 "[a]\naddress = 192.0.2.1\nkey = %s\nknown_hosts = %s\ntype = type-2\n"
		 "workdir = /tmp;rm -rf /\n",
		 key, key);
	refused(text, ":6: field 'workdir' of [a]");
	snprintf(text, sizeof(text),
		 "[a]\naddress = -oProxyCommand=x\nkey = %s\nknown_hosts = %s\ntype = type-2\n", key,
		 key);
	refused(text, ":2: field 'address' of [a]");
	snprintf(text, sizeof(text),
		 "[a]\naddress = h\nkey = %s\nknown_hosts = %s\ntype = type-3\n", key, key);
	refused(text, ":5: field 'type' of [a]: 'type-3' is not type-1 or type-2");
	snprintf(text, sizeof(text),
		 "[a]\naddress = h\nkey = %s\nknown_hosts = %s\ntype = type-1\n[a]\n", key, key);
	refused(text, ":6: section [a]: given twice (first on line 1)");
	refused("; nothing\n", "no [NAME] section");
	snprintf(text, sizeof(text), "[a]\naddress = h\nkey = /nonexistent/key\n");
	refused(text, ":3: field 'key' of [a]: /nonexistent/key is not a regular file");
}
END_TEST

/* `--env ssh:NAME` is a name like any other; a bad one is refused. */
START_TEST(test_env_name)
{
	char *out, *err;
	int rc;

	rc = vb_test_vbench(NULL, &out, &err, "run", "--env", "ssh:a;b", "--profile", "test",
			    NULL);
	vb_test_expect_refusal(rc, out, err, "--env", "ssh:a;b");
}
END_TEST

/* ---- against a real sshd -------------------------------------------------------- */

static json_t *rec_of(json_t *doc, const char *env)
{
	json_t *e = vb_test_env_rec(doc, env);

	ck_assert_msg(e != NULL, "no record of %s", env);
	return e;
}

/* The remote's work directory is empty, and nothing of @pid is left here. */
static void assert_clean(pid_t pid, const char *log)
{
	ck_assert_msg(vb_testssh_left(&srv) == 0, "files left on the remote in %s", srv.workdir);
	VB_ASSERT_NO_DEBRIS(pid, log);
}

START_TEST(test_run)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "bare,ssh:lab", "--remotes", srv.remotes,
			 "--workload", "cpu.int,cpu.syscall,io.fsync", "--profile", "test", "--reps",
			 "2", "--out", dir, NULL };
	json_t *doc, *e, *r, *w, *cls, *remote;
	size_t i, n = 0, warned = 0;
	pid_t pid;
	int rc;

	NEED_SERVER();
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	rc = vb_test_run(argv, NULL, out, sizeof(out), &pid);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	doc = vb_test_load_run(dir, 1);
	e = rec_of(doc, "ssh:lab");
	ck_assert(json_is_true(json_object_get(e, "available")));
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "env")), "ssh:lab"))
			continue;
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s: %s",
			      json_string_value(json_object_get(r, "workload")),
			      json_string_value(json_object_get(r, "error")));
		n++;
	}
	ck_assert_uint_eq(n, 3 * 2);
	/* what the user said it is, and what the agent found there */
	cls = json_object_get(e, "class");
	ck_assert_str_eq(json_string_value(json_object_get(cls, "architecture")), "hosted-vm");
	ck_assert_str_eq(json_string_value(json_object_get(cls, "mechanism")), "hardware-assisted");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(e, "type")),
				     "OpenSSH in a network namespace"));
	remote = json_object_get(json_object_get(e, "config"), "remote");
	ck_assert_str_eq(json_string_value(json_object_get(remote, "address")), srv.addr);
	ck_assert_int_gt(json_integer_value(json_object_get(
				 json_object_get(json_object_get(e, "config"), "agent_copy"),
				 "files_checked_sha256")),
			 2);
	ck_assert_ptr_nonnull(json_object_get(json_object_get(json_object_get(e, "agent"), "facts"),
					      "cpu"));
	ck_assert(json_is_false(json_object_get(
	    json_object_get(json_object_get(json_object_get(e, "config"), "limits"), "cgroup"),
	    "enforced")));
	json_array_foreach(json_object_get(doc, "warnings"), i, w)
		warned += strstr(json_string_value(w) ?: "", "cannot enforce the allocation") != NULL;
	ck_assert_uint_eq(warned, 1);
	ck_assert_msg(strstr(out, "cannot enforce the allocation"), "%s", out);
	json_decref(doc);
	assert_clean(pid, out);
}
END_TEST

/* A key other than the one in known_hosts: refused, one line, nothing run. */
START_TEST(test_wrong_host_key)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "ssh:badkey", "--remotes", srv.remotes,
			 "--workload", "cpu.int", "--profile", "test", "--out", dir, NULL };
	pid_t pid;
	int rc;

	NEED_SERVER();
	snprintf(dir, sizeof(dir), "%s/badkey", tmpdir);
	rc = vb_test_run(argv, NULL, out, sizeof(out), &pid);
	ck_assert_msg(rc == 3, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "ssh:badkey unavailable: ") &&
			      strstr(out, "Host key verification failed") &&
			      strstr(out, "differs from the one in"),
		      "%s", out);
	assert_clean(pid, out);
}
END_TEST

/* An address nobody answers: one line, within the start timeout. */
START_TEST(test_unreachable)
{
	static char out[1 << 16];
	char dir[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "ssh:nowhere", "--remotes", srv.remotes,
			 "--workload", "cpu.int", "--profile", "test", "--start-timeout", "4",
			 "--out", dir, NULL };
	struct timespec t0, t1;
	pid_t pid;
	int rc;

	NEED_SERVER();
	snprintf(dir, sizeof(dir), "%s/nowhere", tmpdir);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = vb_test_run(argv, NULL, out, sizeof(out), &pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg(rc == 3, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "ssh:nowhere unavailable: ") && strstr(out, srv.unreachable),
		      "%s", out);
	ck_assert_msg(t1.tv_sec - t0.tv_sec < 4 + 8, "took %ld s", (long)(t1.tv_sec - t0.tv_sec));
	assert_clean(pid, out);
}
END_TEST

/* Stopped at @point (a test point), then @act, then SIGCONT; its exit status. */
static pid_t stopped_at(char *const argv[], const char *point, const char *log)
{
	char stop[128];
	const char *env[] = { stop, NULL };
	pid_t pid;

	snprintf(stop, sizeof(stop), "VBENCH_TEST_STOP_AT=%s", point);
	pid = vb_test_spawn_log(argv, env, log);
	ck_assert_msg(vb_test_wait_stopped(pid, 120000), "never reached %s", point);
	return pid;
}

/* The SSH connection dropped during a repetition: that one fails with
 * the reason, the run goes on (bare metal's repetitions all done), and
 * the remote's directory is still removed. */
START_TEST(test_dropped)
{
	char dir[PATH_MAX], log[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "bare,ssh:lab", "--remotes", srv.remotes,
			 "--workload", "cpu.int", "--profile", "test", "--reps", "3", "--out",
			 dir, NULL };
	json_t *doc, *r;
	size_t i, bare_ok = 0, failed = 0;
	pid_t pid;
	int st;

	NEED_SERVER();
	snprintf(dir, sizeof(dir), "%s/dropped", tmpdir);
	snprintf(log, sizeof(log), "%s/dropped.log", tmpdir);
	pid = stopped_at(argv, "workload:ssh:lab:2", log);
	ck_assert_int_ge(vb_testssh_drop_sessions(&srv), 1);
	kill(pid, SIGCONT);
	st = vb_test_reap(pid);
	ck_assert_msg(st == 0 || st == 1, "exit %d", st);
	doc = vb_test_load_run(dir, 1);
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		const char *env = json_string_value(json_object_get(r, "env"));

		if (!strcmp(env, "bare"))
			bare_ok += json_is_true(json_object_get(r, "ok"));
		else if (!json_is_true(json_object_get(r, "ok")))
			failed++;
	}
	ck_assert_uint_eq(bare_ok, 3);
	ck_assert_uint_ge(failed, 1);
	json_decref(doc);
	assert_clean(pid, log);
}
END_TEST

/* SIGINT during a remote repetition: exit 130, nothing left there. */
START_TEST(test_sigint)
{
	char dir[PATH_MAX], log[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "ssh:lab", "--remotes", srv.remotes,
			 "--workload", "cpu.int", "--profile", "test", "--reps", "3", "--out",
			 dir, NULL };
	pid_t pid;

	NEED_SERVER();
	snprintf(dir, sizeof(dir), "%s/int", tmpdir);
	snprintf(log, sizeof(log), "%s/int.log", tmpdir);
	pid = stopped_at(argv, "workload:ssh:lab:2", log);
	kill(pid, SIGINT);
	kill(pid, SIGCONT);
	ck_assert_int_eq(vb_test_reap(pid), 130);
	assert_clean(pid, log);
}
END_TEST

/* SIGKILL during a remote repetition: `vbench clean` removes the remote's
 * directory (from the marker's record, over SSH again). */
START_TEST(test_sigkill_clean)
{
	static char out[1 << 16];
	char dir[PATH_MAX], log[PATH_MAX];
	char *argv[] = { vbench, "run", "--env", "ssh:lab", "--remotes", srv.remotes,
			 "--workload", "cpu.int", "--profile", "test", "--reps", "3", "--out",
			 dir, NULL };
	char *clean[] = { vbench, "clean", NULL };
	pid_t pid;
	int rc;

	NEED_SERVER();
	snprintf(dir, sizeof(dir), "%s/kill", tmpdir);
	snprintf(log, sizeof(log), "%s/kill.log", tmpdir);
	pid = stopped_at(argv, "workload:ssh:lab:2", log);
	kill(pid, SIGKILL);
	vb_test_reap(pid);
	ck_assert_int_gt(vb_testssh_left(&srv), 0); /* the agent's directory is there */
	rc = vb_test_run(clean, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "vbench clean exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "ssh remote directory"), "%s", out);
	assert_clean(pid, out);
}
END_TEST

Suite *vb_suite_ssh(void)
{
	Suite *s = suite_create("ssh");
	TCase *unit = tcase_create("core"), *itest = tcase_create("remote");

	tcase_add_unchecked_fixture(unit, setup, teardown);
	tcase_add_test(unit, test_remotes_file);
	tcase_add_test(unit, test_env_name);
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(itest, srv_setup, srv_teardown);
	tcase_set_timeout(itest, 300);
	tcase_add_test(itest, test_run);
	tcase_add_test(itest, test_wrong_host_key);
	tcase_add_test(itest, test_unreachable);
	tcase_add_test(itest, test_dropped);
	tcase_add_test(itest, test_sigint);
	tcase_add_test(itest, test_sigkill_clean);
	suite_add_tcase(s, itest);
	return s;
}
