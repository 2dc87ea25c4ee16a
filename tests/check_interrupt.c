/*
 * check_interrupt.c - interrupting `vbench run` at every kind of moment.
 *
 * A run is stopped at a known point (lib/testpoint.h: during a bare
 * workload, a container's start, a container workload, a VM's boot, a VM
 * workload, the report) and then sent SIGINT or SIGKILL.  After SIGINT it
 * must exit 130 by itself having removed everything; after SIGKILL its
 * children must die with it and `vbench clean` must remove the rest.  In
 * both cases the repetitions completed before the signal are on disk and
 * valid, and `vbench run --resume` finishes the run (`vbench report` the
 * report).  Nothing may be left: no process, cgroup, mount, temporary file
 * or directory, marker, engine container.  The VM cases need QEMU, the
 * engine cases podman or a docker daemon (a container there outlives
 * vbench's SIGKILL under conmon or containerd-shim: `vbench clean` removes
 * it); each is skipped with the reason without it.  All need root (cgroups, namespaces).  Also: the QEMU of a
 * VM killed during a repetition is reported with its signal.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "harness/env/criu.h"
#include "lib/util.h"
#include "tests/debris.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX], statedir[PATH_MAX], vbench[PATH_MAX], validator[PATH_MAX];
static pid_t last_pid; /* of run_to_end */

typedef struct icase {
	const char *env;   /* --env */
	const char *point; /* VBENCH_TEST_STOP_AT */
	int sig;           /* SIGINT or SIGKILL */
	int done_before;   /* repetitions of @env completed when it stops */
	const char *ops;   /* --ops (with --memory 256M), NULL none */
	int delay_ms;      /* > 0: continued first, the signal this much later;
			    * < 0: the signal -delay_ms later, vbench still stopped
			    * (what it started goes on meanwhile) */
} icase_t;

static const icase_t cases[] = {
	{ "bare", "workload:bare:2", SIGINT, 1, NULL, 0 },
	{ "bare", "workload:bare:2", SIGKILL, 1, NULL, 0 },
	{ "container", "start:container", SIGINT, 0, NULL, 0 },
	{ "container", "start:container", SIGKILL, 0, NULL, 0 },
	{ "container", "workload:container:2", SIGINT, 1, NULL, 0 },
	{ "container", "workload:container:2", SIGKILL, 1, NULL, 0 },
	{ "hosted", "start:hosted", SIGINT, 0, NULL, 0 },
	{ "hosted", "start:hosted", SIGKILL, 0, NULL, 0 },
	{ "hosted", "workload:hosted:2", SIGINT, 1, NULL, 0 },
	{ "hosted", "workload:hosted:2", SIGKILL, 1, NULL, 0 },
	{ "podman", "workload:podman:2", SIGINT, 1, NULL, 0 },
	{ "podman", "workload:podman:2", SIGKILL, 1, NULL, 0 },
	{ "docker", "start:docker", SIGKILL, 0, NULL, 0 },
	{ "docker", "workload:docker:2", SIGINT, 1, NULL, 0 },
	{ "docker", "workload:docker:2", SIGKILL, 1, NULL, 0 },
	{ "gvisor", "start:gvisor", SIGKILL, 0, NULL, 0 },
	{ "gvisor", "workload:gvisor:2", SIGINT, 1, NULL, 0 },
	{ "gvisor", "workload:gvisor:2", SIGKILL, 1, NULL, 0 },
	/* save, restore and migrate (recovery.c) stop after the workloads */
	{ "hosted", "save:hosted", SIGKILL, 2, "all", 0 },
	{ "hosted", "restore:hosted", SIGINT, 2, "all", 0 },
	{ "hosted", "migrate:hosted", SIGINT, 2, "migrate", 0 },
	{ "hosted", "migrate:hosted", SIGKILL, 2, "migrate", 0 },
	{ "gvisor", "save:gvisor", SIGKILL, 2, "restore", 0 },
	{ "gvisor", "restore:gvisor", SIGINT, 2, "restore", 0 },
	{ "container", "save:container", SIGKILL, 2, "restore", 0 }, /* CRIU driven directly */
	{ "container", "dump:container", SIGKILL, 2, "restore", 60 }, /* in criu dump */
	{ "container", "restore:container", SIGINT, 2, "restore", 0 },
	{ "container", "restore:container", SIGKILL, 2, "restore", -2000 }, /* CRIU restored */
	{ "oci", "save:oci", SIGKILL, 2, "restore", 0 }, /* runc's checkpoint (CRIU) */
	{ "oci", "restore:oci", SIGINT, 2, "restore", 0 },
	{ "podman", "save:podman", SIGKILL, 2, "restore", 0 }, /* podman's (runc, CRIU) */
	{ "podman", "restore:podman", SIGINT, 2, "restore", 0 },
	{ "podman", "restore:podman", SIGKILL, 2, "restore", 0 },
	{ "docker", "save:docker", SIGKILL, 2, "restore", 0 }, /* a kept container (CRIU) */
	{ "docker", "restore:docker", SIGINT, 2, "restore", 0 },
	{ "docker", "restore:docker", SIGKILL, 2, "restore", 0 },
	{ "bare", "report", SIGINT, 2, NULL, 0 },
	{ "bare", "report", SIGKILL, 2, NULL, 0 },
};

#define REPS "2"

static void setup(void)
{
	const char *src = vb_test_srcdir();

	snprintf(tmpdir, sizeof(tmpdir), "/var/tmp/vbench-itest-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(statedir, sizeof(statedir), "%s/state", tmpdir);
	ck_assert_int_eq(mkdir(statedir, 0700), 0);
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	snprintf(validator, sizeof(validator), "%s/scripts/validate-run.py", src);
}

static void teardown(void)
{
	vb_rm_rf(tmpdir);
}

/* Start vbench with @argv; its stderr goes to @log.  @stop_at: the test point. */
static pid_t spawn(char *const *argv, const char *log, const char *stop_at)
{
	pid_t pid = fork();
	int fd;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (stop_at)
			setenv("VBENCH_TEST_STOP_AT", stop_at, 1);
		else
			unsetenv("VBENCH_TEST_STOP_AT");
		setenv("VBENCH_STATE_DIR", statedir, 1);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 2);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* The last line of @log, for failure messages. */
static const char *log_tail(const char *log)
{
	static char tail[400];
	char *s = vb_read_file(log, 1 << 20, 1, NULL), *nl;

	snprintf(tail, sizeof(tail), "%s", s ? ((nl = strrchr(s, '\n')) ? nl + 1 : s) : "(no log)");
	free(s);
	return tail;
}

/* Wait for @pid to change state (WUNTRACED: also a stop) within @ms.
 * Returns the status, or -1 on timeout (then @pid is killed). */
static int wait_state(pid_t pid, int ms)
{
	int st, waited;

	for (waited = 0; waited < ms; waited += 20) {
		pid_t r = waitpid(pid, &st, WUNTRACED | WNOHANG);

		if (r == pid)
			return st;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* Run vbench to the end; its exit code (128+N after signal N). */
static int run_to_end(char *const *argv, const char *log)
{
	pid_t pid = spawn(argv, log, NULL);
	int st = wait_state(pid, 300000);

	last_pid = pid;

	ck_assert_msg(st != -1, "%s did not finish: %s", argv[1], log_tail(log));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void assert_valid(const char *dir)
{
	char path[PATH_MAX], log[PATH_MAX];
	char *argv[] = { "/usr/bin/python3", validator, path, NULL };

	snprintf(path, sizeof(path), "%s/run.json", dir);
	snprintf(log, sizeof(log), "%s.validate", dir);
	ck_assert_msg(run_to_end(argv, log) == 0, "run.json of %s invalid: %s", dir, log_tail(log));
}

static json_t *load_run(const char *dir)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	doc = json_load_file(path, 0, &jerr);
	ck_assert_msg(doc != NULL, "%s: %s", path, jerr.text);
	return doc;
}

/* The repetitions of @env recorded in @doc (a new array). */
static json_t *reps_of(const json_t *doc, const char *env)
{
	json_t *out = json_array(), *r;
	size_t i;

	json_array_foreach(json_object_get(doc, "repetitions"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "env")) ?: "", env))
			json_array_append(out, r);
	return out;
}

/* What the environment needs here (QEMU for VMs, an engine that answers
 * for docker and podman), as its probe says. */
static int env_missing(const char *env, char *why, size_t len)
{
	return vb_test_env_unavailable(env, why, len) != NULL;
}

/* A mount under a container checkpoint's directory (/var/tmp/vbench-
 * ctckpt-*: CRIU's work directory) in this mount namespace (its mount
 * point into @why).  Not the private dockerd's (/var/tmp/vbench-dockerd.*),
 * which make test runs beside. */
static int vbench_mount_left(char *why, size_t len)
{
	char *s = vb_read_file("/proc/self/mountinfo", 1 << 20, 0, NULL), *m;

	m = s ? strstr(s, " /var/tmp/vbench-ctckpt-") : NULL;
	if (m)
		snprintf(why, len, "mount left: %.*s", (int)strcspn(m + 1, " "), m + 1);
	free(s);
	return m != NULL;
}

/* A marker of @pid left in the state directory (named PID-...). */
static int marker_left(pid_t pid, char *why, size_t len)
{
	DIR *d = opendir(statedir);
	struct dirent *de;
	char pfx[32];
	int found = 0;

	snprintf(pfx, sizeof(pfx), "%d-", (int)pid);
	while (d && !found && (de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, pfx, strlen(pfx))) {
			snprintf(why, len, "marker %s/%s left", statedir, de->d_name);
			found = 1;
		}
	if (d)
		closedir(d);
	return found;
}

/* Every operation of @env in @doc has its one repetition, ok. */
static void assert_ops_done(const json_t *doc, const char *env)
{
	const json_t *envs = json_object_get(json_object_get(doc, "operations"), "environments");
	json_t *e, *op;
	const char *key;
	size_t i, n = 0;

	json_array_foreach(envs, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "env")) ?: "", env))
			continue;
		json_object_foreach(e, key, op) {
			json_t *reps = json_object_get(op, "reps");

			if (!json_is_array(reps))
				continue;
			ck_assert_msg(json_array_size(reps) == 1, "%s %s: %zu repetitions after --resume",
				      env, key, json_array_size(reps));
			ck_assert_msg(json_is_true(json_object_get(json_array_get(reps, 0), "ok")),
				      "%s %s: %s", env, key,
				      json_string_value(json_object_get(json_array_get(reps, 0), "error")));
			n++;
		}
	}
	ck_assert_msg(n > 0, "%s: no operation measured after --resume", env);
}

START_TEST(test_interrupt)
{
	const icase_t *c = &cases[_i];
	char dir[PATH_MAX], log[PATH_MAX], why[512];
	char *argv[] = { vbench,     "run", "--env", (char *)c->env, "--workload", "cpu.int",
			 "--profile", "test", "--reps", REPS, "--out", dir,
			 "--runtime", "runc", /* oci: the runtime that checkpoints; the others ignore it */
			 c->ops ? "--ops" : NULL,
			 (char *)c->ops, "--ops-reps", "1", "--memory", "256M", "--migrate-dirty-rate",
			 "0", NULL };
	char *resume[] = { vbench, "run", "--resume", dir, NULL };
	char *clean[] = { vbench, "clean", NULL };
	char *report[] = { vbench, "report", dir, NULL };
	json_t *doc, *before, *after;
	int st, rc;
	size_t i;
	pid_t pid;

	if (geteuid() != 0)
		VB_SKIP("not root: namespaces and cgroups need it");
	if (env_missing(c->env, why, sizeof(why)))
		VB_SKIP("%s", why);
	if (c->ops && (!strcmp(c->env, "oci") || !strcmp(c->env, "podman") ||
		       !strcmp(c->env, "docker") || !strcmp(c->env, "container")) &&
	    vb_criu_probe(why, sizeof(why)) < 0)
		VB_SKIP("%s checkpoint: no CRIU that works here: %s", c->env, why);
	if (c->ops && !strcmp(c->env, "docker") && !vb_test_docker_experimental())
		VB_SKIP("docker checkpoint: the daemon that answers has no experimental features "
			"(make test's private one has)");
	if (c->ops && !strcmp(c->env, "podman") && access("/sys/fs/cgroup/memory", F_OK) < 0)
		VB_SKIP("podman checkpoint: a cgroup v2 host, where podman runs crun (its "
			"checkpoint is not driven)");
	snprintf(dir, sizeof(dir), "%s/%s-%s-%d", tmpdir, c->env, c->point, c->sig);
	for (i = strlen(tmpdir) + 1; dir[i]; i++)
		if (dir[i] == ':')
			dir[i] = '_';
	snprintf(log, sizeof(log), "%s.log", dir);

	/* 1. Stop at the point. */
	pid = spawn(argv, log, c->point);
	st = wait_state(pid, 240000);
	ck_assert_msg(st != -1, "%s: never reached %s: %s", c->env, c->point, log_tail(log));
	ck_assert_msg(WIFSTOPPED(st), "%s: exited before %s (status %#x): %s", c->env, c->point,
		      st, log_tail(log));

	/* 2. The signal (a moment after it goes on, with a delay). */
	if (c->delay_ms > 0)
		kill(pid, SIGCONT);
	if (c->delay_ms)
		usleep((useconds_t)abs(c->delay_ms) * 1000);
	kill(pid, c->sig);
	if (c->sig != SIGKILL)
		kill(pid, SIGCONT);
	st = wait_state(pid, 120000);
	while (st != -1 && WIFSTOPPED(st))
		st = wait_state(pid, 120000);
	ck_assert_msg(st != -1, "%s at %s: no exit within 120 s of the signal: %s", c->env,
		      c->point, log_tail(log));
	if (c->sig == SIGKILL) {
		ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		/* CRIU's restore mounts cgroup hierarchies in its work directory
		 * for its lifetime: in a namespace of its own, none is left in
		 * vbench's by the kill */
		if (c->delay_ms < 0)
			ck_assert_msg(!vbench_mount_left(why, sizeof(why)), "%s at %s: %s", c->env,
				      c->point, why);
		/* Its children die with it (parent-death signal)... */
		rc = run_to_end(clean, log);
		ck_assert_msg(rc == 0, "vbench clean: exit %d: %s", rc, log_tail(log));
	} else {
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 130,
			      "%s at %s: status %#x after SIGINT (want exit 130): %s", c->env,
			      c->point, st, log_tail(log));
	}

	/* 3. Nothing left. */
	ck_assert_msg(!vb_test_wait_no_debris(pid, 10000, why, sizeof(why)), "%s at %s, signal %d: %s",
		      c->env, c->point, c->sig, why);
	ck_assert_msg(!marker_left(pid, why, sizeof(why)), "%s", why);

	/* 4. What was measured is intact. */
	assert_valid(dir);
	doc = load_run(dir);
	before = reps_of(doc, c->env);
	json_decref(doc);
	/* The repetition in flight may have completed after the signal: kept
	 * then, as it is a whole measurement; never one less. */
	ck_assert_msg(json_array_size(before) >= (size_t)c->done_before &&
			      json_array_size(before) <= (size_t)c->done_before + 1,
		      "%s at %s: %zu repetitions kept, want %d or %d", c->env, c->point,
		      json_array_size(before), c->done_before, c->done_before + 1);
	for (i = 0; i < json_array_size(before); i++)
		ck_assert(json_is_true(json_object_get(json_array_get(before, i), "ok")));

	/* 5. Finish it. */
	if (!strcmp(c->point, "report")) {
		rc = run_to_end(report, log);
		ck_assert_msg(rc == 0, "vbench report after the interrupted report: exit %d: %s", rc,
			      log_tail(log));
		snprintf(why, sizeof(why), "%s/report.html", dir);
		ck_assert_msg(access(why, R_OK) == 0, "no %s", why);
	} else {
		rc = run_to_end(resume, log);
		ck_assert_msg(rc == 0, "vbench run --resume: exit %d: %s", rc, log_tail(log));
		assert_valid(dir);
		doc = load_run(dir);
		ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
		after = reps_of(doc, c->env);
		if (c->ops) /* the operations were completed too */
			assert_ops_done(doc, c->env);
		json_decref(doc);
		ck_assert_uint_eq(json_array_size(after), (size_t)atoi(REPS));
		/* The first session's repetitions are kept as they were. */
		for (i = 0; i < json_array_size(before); i++) {
			json_t *b = json_array_get(before, i), *a = NULL, *r;
			size_t j;

			json_array_foreach(after, j, r)
				if (json_equal(json_object_get(r, "seq"), json_object_get(b, "seq")))
					a = r;
			ck_assert_ptr_nonnull(a);
			ck_assert(json_equal(json_object_get(a, "result"), json_object_get(b, "result")));
		}
		json_decref(after);
		ck_assert_msg(!vb_test_wait_no_debris(last_pid, 10000, why, sizeof(why)),
			      "after --resume: %s", why);
	}
	json_decref(before);
	ck_assert_msg(!vb_test_wait_no_debris(pid, 10000, why, sizeof(why)), "after finishing: %s",
		      why);
}
END_TEST

/* The PID of @parent's child whose /proc/PID/stat name starts with @comm
 * ("(qemu-system"), or 0. */
static pid_t child_named(pid_t parent, const char *comm)
{
	char path[64], buf[512], *p;
	struct dirent *de;
	DIR *d = opendir("/proc");
	pid_t found = 0;
	int ppid;

	while (d && !found && (de = readdir(d)) != NULL) {
		char *s;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		s = vb_read_file(path, sizeof(buf), 1, NULL);
		if (s && (p = strrchr(s, ')')) && sscanf(p + 1, " %*c %d", &ppid) == 1 &&
		    ppid == parent && strstr(s, comm))
			found = (pid_t)atoi(de->d_name);
		free(s);
	}
	if (d)
		closedir(d);
	return found;
}

/* vbench started with @argv, stopped at its test point @point (its second
 * repetition), and its child named @comm into @child.  Returns its pid. */
static pid_t spawn_stopped(char *const *argv, const char *log, const char *point, const char *comm,
			   pid_t *child)
{
	pid_t pid = spawn(argv, log, point);
	int st = wait_state(pid, 240000);

	ck_assert_msg(st != -1 && WIFSTOPPED(st), "never reached %s: %s", point, log_tail(log));
	*child = child_named(pid, comm);
	ck_assert_msg(*child > 0, "no child %s of vbench", comm);
	return pid;
}

/*
 * The QEMU of a hosted VM killed during a repetition (SIGKILL, as the OOM
 * killer would): the repetition fails naming the signal, without a console
 * tail (the guest said nothing after its normal boot), the environment
 * fails with that reason, and the run ends with exit 1, leaving nothing.
 */
START_TEST(test_qemu_killed)
{
	char dir[PATH_MAX], log[PATH_MAX], why[512];
	char *argv[] = { vbench,  "run",  "--env", "hosted", "--workload", "cpu.int", "--profile",
			 "test", "--reps", "3",	   "--out", dir,	  NULL };
	const char *e;
	json_t *doc, *reps, *env;
	pid_t pid, qemu;
	size_t i;
	int st;

	if (geteuid() != 0)
		VB_SKIP("not root: cgroups need it");
	if (env_missing("hosted", why, sizeof(why)))
		VB_SKIP("%s", why);
	snprintf(dir, sizeof(dir), "%s/qemu-killed", tmpdir);
	snprintf(log, sizeof(log), "%s.log", dir);
	pid = spawn_stopped(argv, log, "workload:hosted:2", "(qemu-system", &qemu);
	kill(qemu, SIGKILL);
	kill(pid, SIGCONT);
	do
		st = wait_state(pid, 120000);
	while (st != -1 && WIFSTOPPED(st));
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
		      "status %#x, want exit 1: %s", st, log_tail(log));
	assert_valid(dir);
	doc = load_run(dir);
	reps = reps_of(doc, "hosted");
	ck_assert_uint_eq(json_array_size(reps), 2); /* none after the VM died */
	ck_assert(json_is_true(json_object_get(json_array_get(reps, 0), "ok")));
	e = json_string_value(json_object_get(json_array_get(reps, 1), "error"));
	ck_assert_msg(e && strstr(e, "QEMU was killed by signal 9 (SIGKILL)"), "error: %s", e);
	ck_assert_msg(!strstr(e, "console tail"), "a boot line as the console tail: %s", e);
	json_array_foreach(json_object_get(doc, "environments"), i, env)
		if (!strcmp(json_string_value(json_object_get(env, "name")), "hosted"))
			ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(env, "failed")),
						     "SIGKILL"));
	json_decref(reps);
	json_decref(doc);
	ck_assert_msg(!vb_test_wait_no_debris(pid, 10000, why, sizeof(why)), "%s", why);
}
END_TEST

/* A signal to the whole job, agent first: @agent (of vbench @pid, stopped
 * at a test point) terminated, vbench continued and terminated 50 ms
 * later; vbench must exit 130 with its run "interrupted" (returned). */
static json_t *signal_job(pid_t pid, pid_t agent, const char *dir, const char *log)
{
	json_t *doc;
	int st;

	kill(agent, SIGTERM);
	kill(pid, SIGCONT);
	usleep(50000);
	kill(pid, SIGTERM);
	do
		st = wait_state(pid, 120000);
	while (st != -1 && WIFSTOPPED(st));
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 130,
		      "status %#x, want exit 130: %s", st, log_tail(log));
	doc = load_run(dir);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "interrupted");
	return doc;
}

/*
 * A signal to the whole job (Slurm's scancel signals every process of the
 * job, the agent's own process group does not shield it): the agent dies
 * first, vbench is interrupted a moment later.  The repetition in flight
 * is not a failure of the environment: not kept, and `--resume` finishes
 * the run "complete" (a fleet task cancelled and resumed ended
 * "completed-with-errors" under load before this).
 */
START_TEST(test_job_signal)
{
	char dir[PATH_MAX], log[PATH_MAX];
	char *argv[] = { vbench,  "run",  "--env", "bare", "--workload", "cpu.int", "--profile",
			 "test", "--reps", "3",	   "--out", dir,	  NULL };
	char *resume[] = { vbench, "run", "--resume", dir, NULL };
	json_t *doc, *r;
	pid_t pid, agent;
	size_t i;

	if (geteuid() != 0)
		VB_SKIP("not root: cgroups need it");
	snprintf(dir, sizeof(dir), "%s/job-signal", tmpdir);
	snprintf(log, sizeof(log), "%s.log", dir);
	pid = spawn_stopped(argv, log, "workload:bare:2", "(vbench-agent", &agent);
	doc = signal_job(pid, agent, dir, log);
	json_array_foreach(json_object_get(doc, "repetitions"), i, r)
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "repetition %zu kept as failed: %s",
			      i, json_string_value(json_object_get(r, "error")));
	json_decref(doc);
	ck_assert_int_eq(run_to_end(resume, log), 0);
	assert_valid(dir);
	doc = load_run(dir);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	json_decref(doc);
}
END_TEST

/*
 * The same for density and noisy (bare, --density 1 or --noisy=cpu):
 * stopped with their instances up, the (victim's) agent killed, vbench
 * interrupted 50 ms later.  The measurement is marked interrupted, not
 * kept with the lost agent's error (before the fix density's run ended
 * "complete" with a load error), and --resume measures it again: the run
 * ends "complete".
 */
static const struct {
	const char *opt, *point, *key;
} after_run[] = {
	{ "--density=1", "density:bare", "density" },
	{ "--noisy=cpu", "noisy:bare", "noisy" },
};

START_TEST(test_job_signal_after_run)
{
	char dir[PATH_MAX], log[PATH_MAX];
	char *argv[] = { vbench, "run",	 "--env", "bare", "--workload", "cpu.int", "--profile",
			 "test", "--reps", "1", (char *)after_run[_i].opt, "--out", dir, NULL };
	char *resume[] = { vbench, "run", "--resume", dir, NULL };
	json_t *doc, *rec;
	pid_t pid, agent;

	if (geteuid() != 0)
		VB_SKIP("not root: cgroups need it");
	snprintf(dir, sizeof(dir), "%s/job-signal-%s", tmpdir, after_run[_i].key);
	snprintf(log, sizeof(log), "%s.log", dir);
	pid = spawn_stopped(argv, log, after_run[_i].point, "(vbench-agent", &agent);
	doc = signal_job(pid, agent, dir, log);
	rec = json_object_get(json_object_get(doc, after_run[_i].key), "bare");
	ck_assert_msg(json_is_true(json_object_get(rec, "interrupted")), "%s of bare not marked "
		      "interrupted", after_run[_i].key);
	json_decref(doc);
	ck_assert_int_eq(run_to_end(resume, log), 0);
	assert_valid(dir);
	doc = load_run(dir);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	rec = json_object_get(json_object_get(doc, after_run[_i].key), "bare");
	ck_assert_ptr_null(json_object_get(rec, "interrupted"));
	json_decref(doc);
}
END_TEST

Suite *vb_suite_interrupt(void)
{
	Suite *s = suite_create("interrupt");
	TCase *tc = tcase_create("points");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_interrupt, 0, (int)VB_ARRAY_SIZE(cases));
	tcase_add_test(tc, test_qemu_killed);
	tcase_add_test(tc, test_job_signal);
	tcase_add_loop_test(tc, test_job_signal_after_run, 0, (int)VB_ARRAY_SIZE(after_run));
	suite_add_tcase(s, tc);
	return s;
}
