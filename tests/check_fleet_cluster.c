/*
 * check_fleet_cluster.c - suite fleet_cluster: fleets on a private one-node
 * Slurm (scripts/slurm.sh, started for the suite and stopped after it):
 * two tasks of `--profile test` on bare and container run to the end, with
 * their fleet report and the store; a cancelled fleet keeps what it
 * measured and `submit --resume` completes it (the begun task goes on with
 * --resume on its node); a failing task's reason; a fleet without a shared
 * filesystem collected through srun.  Skips, saying why, without root or
 * slurm-wlm.  The fleet modules' own tests: check_fleet.c.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "harness/fleet/fleet.h"
#include "lib/json.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "fltest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- on a private Slurm ----------------------------------------------- */

static char cluster[PATH_MAX], no_cluster[200];

static void cluster_setup(void)
{
	static const char *const tools[] = { "slurmctld", "slurmd", "munged", "sbatch",
					     "scontrol", "scancel" };
	char script[PATH_MAX], out[4096], path[PATH_MAX], conf[PATH_MAX + 32];
	char *argv[] = { script, "start", cluster, NULL };

	setup();
	no_cluster[0] = '\0';
	if (geteuid() != 0) {
		snprintf(no_cluster, sizeof(no_cluster), "not root: slurmd runs jobs as their users");
		return;
	}
	for (size_t i = 0; i < VB_ARRAY_SIZE(tools); i++)
		if (vb_proc_which(tools[i], path, sizeof(path)) < 0) {
			snprintf(no_cluster, sizeof(no_cluster),
				 "slurm-wlm and munge not installed (scripts/install-deps.sh slurm)");
			return;
		}
	snprintf(script, sizeof(script), "%s/scripts/slurm.sh", vb_test_srcdir());
	snprintf(cluster, sizeof(cluster), "%s/slurm", tmpdir);
	if (vb_test_run(argv, NULL, out, sizeof(out), NULL) != 0) {
		snprintf(no_cluster, sizeof(no_cluster), "slurm.sh start failed: %.150s", out);
		cluster[0] = '\0';
		return;
	}
	snprintf(conf, sizeof(conf), "%s/slurm.conf", cluster);
	setenv("SLURM_CONF", conf, 1);
}

static void cluster_teardown(void)
{
	char script[PATH_MAX], out[4096];
	char *argv[] = { script, "stop", cluster, NULL };

	if (cluster[0]) {
		snprintf(script, sizeof(script), "%s/scripts/slurm.sh", vb_test_srcdir());
		vb_test_run(argv, NULL, out, sizeof(out), NULL);
		cluster[0] = '\0';
	}
	unsetenv("SLURM_CONF");
	{ /* a collect test that failed before its --clean: its node-local directory */
		char *local = vb_test_read_text(tmpdir, "collect-local", PATH_MAX);

		if (local && !strncmp(local, VB_FLEET_LOCAL_PREFIX, strlen(VB_FLEET_LOCAL_PREFIX)))
			vb_rm_rf(local);
		free(local);
	}
	teardown();
}

/* `vbench fleet status DIR`, malloc'ed. */
static char *status_of(const char *dir)
{
	char *out, *err;
	int rc = vb_test_vbench(NULL, &out, &err, "fleet", "status", dir, NULL);

	ck_assert_msg(rc == 0, "fleet status: exit %d: %s", rc, err);
	free(err);
	return out;
}

/* Wait up to @secs for the status's first line to hold @want; the status. */
static char *wait_status(const char *dir, const char *want, int secs)
{
	char *s = NULL;

	for (int i = 0; i < secs * 2; i++) {
		char first[512];

		free(s);
		s = status_of(dir);
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(s, "\n"), s);
		if (strstr(first, want))
			return s;
		usleep(500000);
	}
	ck_abort_msg("no '%s' within %d s: %s", want, secs, s ? s : "");
	return s;
}

/* The run directory of task @id (NODE-ID) into @buf: 1 when there is one. */
static int task_dir(const char *dir, unsigned id, char *buf, size_t len)
{
	char suffix[16];
	struct dirent *de;
	DIR *d = opendir(dir);
	int found = 0;

	snprintf(suffix, sizeof(suffix), "-%u", id);
	while (d && !found && (de = readdir(d))) {
		size_t l = strlen(de->d_name), s = strlen(suffix);

		if (de->d_name[0] != '.' && l > s && !strcmp(de->d_name + l - s, suffix)) {
			snprintf(buf, len, "%s/%s", dir, de->d_name);
			found = 1;
		}
	}
	if (d)
		closedir(d);
	return found;
}

static char *submit(const char *dir, const char *tasks, const char *extra)
{
	char *out, *err;
	int rc = extra ? vb_test_vbench(NULL, &out, &err, "fleet", "submit", "--tasks", tasks, dir,
					"--", "--profile", "test", "--env", "bare", extra, "4T",
					NULL)
		       : vb_test_vbench(NULL, &out, &err, "fleet", "submit", "--tasks", tasks, dir,
					"--", "--profile", "test", "--env", "bare,container", NULL);

	ck_assert_msg(rc == 0, "fleet submit: exit %d: %s%s", rc, out, err);
	ck_assert_ptr_nonnull(strstr(out, "vbench fleet submit: job "));
	free(err);
	return out;
}

/* Two tasks run to the end with the same options and seed. */
START_TEST(test_fleet_runs)
{
	char dir[PATH_MAX], rd[2][PATH_MAX + 64], *s;
	json_t *run[2];

	if (no_cluster[0])
		VB_SKIP("%s", no_cluster);
	snprintf(dir, sizeof(dir), "%s/runs", tmpdir);
	free(submit(dir, "2", NULL));
	s = wait_status(dir, "2 done", 400);
	ck_assert_ptr_nonnull(strstr(s, "0 failed"));
	free(s);
	for (int i = 0; i < 2; i++) {
		ck_assert(task_dir(dir, (unsigned)i, rd[i], sizeof(rd[i])));
		run[i] = vb_test_load_run(rd[i], 1);
		ck_assert_str_eq(vb_json_str(run[i], "status"), "complete");
	}
	ck_assert(json_equal(json_object_get(json_object_get(run[0], "options"), "seed"),
			     json_object_get(json_object_get(run[1], "options"), "seed")));
	ck_assert(json_equal(json_object_get(run[0], "options"), json_object_get(run[1], "options")));
	json_decref(run[0]);
	json_decref(run[1]);
	/* the fleet report: both runs, one class (one node here), the container compared */
	{
		char *out, *err;
		json_t *doc;
		int rc = vb_test_vbench(NULL, &out, &err, "report", "--quiet", "--no-charts",
					"--format", "json", dir, NULL);

		ck_assert_msg(rc == 0, "report: exit %d: %s", rc, err);
		doc = json_loads(out, 0, NULL);
		ck_assert_ptr_nonnull(doc);
		ck_assert_int_eq(json_array_size(json_object_get(doc, "hosts")), 2);
		ck_assert_int_eq(json_array_size(json_object_get(doc, "classes")), 1);
		ck_assert_str_eq(vb_json_text(json_array_get(json_object_get(doc, "environments"), 0),
					      "name"),
				 "container");
		json_decref(doc);
		free(out);
		free(err);
		out = vb_test_read_text(dir, "fleet-report.md", 1 << 20);
		ck_assert_msg(out && strstr(out, "# vbench fleet report"), "no fleet-report.md");
		free(out);
		/* and the store: both runs, with the fleet they came from */
		{
			char db[PATH_MAX + 16];

			snprintf(db, sizeof(db), "%s/vbench.db", tmpdir);
			rc = vb_test_vbench(NULL, &out, &err, "store", "add", "--store", db, dir, NULL);
			ck_assert_msg(rc == 0 && strstr(out, "2 runs added, 0 replaced"), "store: %d %s%s",
				      rc, out, err);
			free(out);
			free(err);
			rc = vb_test_vbench(NULL, &out, &err, "history", "--store", db, "--format", "csv",
					    NULL);
			ck_assert_msg(rc == 0 && strstr(out, ",container,all,"), "history: %s%s", out,
				      err);
			free(out);
			free(err);
		}
	}
}
END_TEST

/* Cancelled: each task keeps what it measured; --resume completes both. */
/* What went wrong in @run, for a failure message: every repetition not
 * ok (session, environment, workload, error) and every environment's
 * failure. */
static const char *run_failures(json_t *run, char *buf, size_t len)
{
	size_t i, n = 0;
	json_t *r;

	buf[0] = '\0';
	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		if (!json_is_true(json_object_get(r, "ok")) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "; session %d %s %s rep %d: %s (%s)",
					      (int)json_integer_value(json_object_get(r, "session")),
					      vb_json_text(r, "env"), vb_json_text(r, "workload"),
					      (int)json_integer_value(json_object_get(r, "rep")),
					      vb_json_text(r, "error"), vb_json_text(r, "error_kind"));
	json_array_foreach(json_object_get(run, "environments"), i, r)
		if (json_object_get(r, "failed") && n < len)
			n += (size_t)snprintf(buf + n, len - n, "; %s: %s", vb_json_text(r, "name"),
					      vb_json_text(r, "failed"));
	return buf;
}

START_TEST(test_fleet_cancel_resume)
{
	char dir[PATH_MAX], rd[PATH_MAX + 64], why[2048], *s, *out, *err, *node;
	json_t *run;
	int rc;

	if (no_cluster[0])
		VB_SKIP("%s", no_cluster);
	snprintf(dir, sizeof(dir), "%s/cancel", tmpdir);
	free(submit(dir, "2", NULL));
	for (int i = 0; i < 600 && !task_dir(dir, 0, rd, sizeof(rd)); i++)
		usleep(100000);
	ck_assert_msg(task_dir(dir, 0, rd, sizeof(rd)), "task 0 never began");
	ck_assert(vb_test_wait_reps(rd, 2, 300000));
	rc = vb_test_vbench(NULL, &out, &err, "fleet", "cancel", dir, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "cancelled"), "cancel: exit %d: %s%s", rc, out, err);
	free(out);
	free(err);
	s = wait_status(dir, "2 failed", 120);
	ck_assert_ptr_nonnull(strstr(s, "CANCELLED"));
	ck_assert_ptr_nonnull(strstr(s, "interrupted"));
	ck_assert_ptr_nonnull(strstr(s, "submit --resume"));
	free(s);
	run = vb_test_load_run(rd, 1);
	ck_assert_str_eq(vb_json_str(run, "status"), "interrupted");
	ck_assert(json_array_size(json_object_get(run, "repetitions")) >= 2);
	json_decref(run);

	rc = vb_test_vbench(NULL, &out, &err, "fleet", "submit", "--resume", dir, NULL);
	ck_assert_msg(rc == 0, "resume: exit %d: %s%s", rc, out, err);
	node = strrchr(rd, '/') + 1;
	node[strlen(node) - 2] = '\0'; /* NODE of NODE-0 */
	{
		char want[128];

		snprintf(want, sizeof(want), "task 0 on %s\n", node);
		ck_assert_msg(strstr(out, want), "%s", out);
	}
	ck_assert_msg(strstr(out, "task 1 on any node\n"), "%s", out);
	free(out);
	free(err);
	rc = vb_test_vbench(NULL, &out, &err, "fleet", "submit", "--resume", dir, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "nothing to resubmit"), "%s%s", out, err);
	free(out);
	free(err);
	s = wait_status(dir, "2 done", 400);
	free(s);
	task_dir(dir, 0, rd, sizeof(rd));
	run = vb_test_load_run(rd, 1);
	ck_assert_msg(!strcmp(vb_json_str(run, "status"), "complete"), "%s: %s%s", rd,
		      vb_json_text(run, "status"), run_failures(run, why, sizeof(why)));
	ck_assert_int_eq(json_array_size(json_object_get(run, "sessions")), 2);
	json_decref(run);
}
END_TEST

/* A task that fails: Slurm's exit code and vbench's own line say why. */
START_TEST(test_fleet_failed_reason)
{
	char dir[PATH_MAX], *s;

	if (no_cluster[0])
		VB_SKIP("%s", no_cluster);
	snprintf(dir, sizeof(dir), "%s/fails", tmpdir);
	free(submit(dir, "1", "--memory"));
	s = wait_status(dir, "1 failed", 120);
	ck_assert_msg(strstr(s, "FAILED, exit 4") && strstr(s, "no run directory") &&
			  strstr(s, "log: vbench run: --memory 4 TiB: only"),
		      "%s", s);
	free(s);
}
END_TEST


/* Without a shared filesystem (--collect): the tasks write on their node,
 * status says so, collect --clean brings both runs in and removes the
 * node's copy. */
START_TEST(test_fleet_collect)
{
	char dir[PATH_MAX], rd[PATH_MAX + 64], local[PATH_MAX], *s, *out, *err;
	vb_fleet_t f;
	vb_error_t e;
	json_t *run;
	int rc;

	if (no_cluster[0])
		VB_SKIP("%s", no_cluster);
	snprintf(dir, sizeof(dir), "%s/collect", tmpdir);
	rc = vb_test_vbench(NULL, &out, &err, "fleet", "submit", "--collect", "--tasks", "2", dir,
			    "--", "--profile", "test", "--env", "bare", "--workload", "cpu.int", NULL);
	ck_assert_msg(rc == 0, "submit: exit %d: %s", rc, err);
	free(out);
	free(err);
	ck_assert_msg(vb_fleet_open(dir, 0, &f, &e) == 0, "%s", e.msg);
	snprintf(local, sizeof(local), "%s", f.local_dir);
	vb_test_put_text(tmpdir, "collect-local", f.local_dir); /* for the teardown, if it fails */
	vb_fleet_close(&f);
	s = wait_status(dir, "2 done", 300);
	ck_assert_msg(strstr(s, "not collected yet"), "%s", s);
	free(s);
	ck_assert(!task_dir(dir, 0, rd, sizeof(rd)));
	rc = vb_test_vbench(NULL, &out, &err, "fleet", "collect", "--clean", dir, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "2 runs into"), "collect: exit %d: %s%s", rc, out, err);
	free(out);
	free(err);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert(task_dir(dir, i, rd, sizeof(rd)));
		run = vb_test_load_run(rd, 1);
		ck_assert_str_eq(vb_json_str(run, "status"), "complete");
		json_decref(run);
	}
	ck_assert_msg(access(local, F_OK) < 0, "%s left on the node", local);
	s = status_of(dir);
	ck_assert_msg(strstr(s, "2 done") && !strstr(s, "not collected"), "%s", s);
	free(s);
}
END_TEST

Suite *vb_suite_fleet_cluster(void)
{
	Suite *s = suite_create("fleet_cluster");
	TCase *tc = tcase_create("cluster");

	tcase_add_unchecked_fixture(tc, cluster_setup, cluster_teardown);
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_fleet_failed_reason);
	tcase_add_test(tc, test_fleet_runs);
	tcase_add_test(tc, test_fleet_cancel_resume);
	tcase_add_test(tc, test_fleet_collect);
	suite_add_tcase(s, tc);
	return s;
}
