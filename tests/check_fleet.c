/*
 * check_fleet.c - `vbench fleet` (harness/fleet/: fleet, fleet_task,
 * fleet_slurm, fleet_status, fleet_compare, fleet_collect;
 * bench/cmd_fleet.c), suite fleet: what needs no Slurm: the sbatch options
 * a fleet refuses, scontrol's records read, task lists, run directory
 * names, fleet.json and job.sh as made, each task's command line (new run,
 * --resume, begun elsewhere), status and resubmission against a fake
 * sbatch and scontrol, two fleets compared, and bad input refused in one
 * line with nothing made.  A collected fleet's streams and environment:
 * check_fleet_collect.c; the same on a real (private) Slurm:
 * check_fleet_cluster.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/analysis/compare.h"
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

START_TEST(test_sbatch_options)
{
	static const char *const ok[] = { "--partition=debug", "--time=1:00:00", "--qos=long",
					  "--mem=0", "--account=lab", "--constraint=skylake&ib",
					  "--requeue" };
	static const char *const bad[] = {
		"--array=0-3", "--arr=1", "--chdir=/x", "--ch=/", "--output=x", "--outp=x",
		"--nodelist=n1", "--nodel=n1", "--wrap=ls", "--job-name=x", "--jo=x",
		"--parsable", "--export=ALL", "--exp=ALL", "--oversubscribe", "--exclusive",
		"-pdebug", "-p", "-Hwn1", "-vo/etc/x", "-Qa0-99", "-sJx", "partition", "-", "--",
		"--partition", "--partition=", "--requeue=1", "--comment=a\nb",
	};
	vb_error_t err;

	for (size_t i = 0; i < VB_ARRAY_SIZE(ok); i++)
		ck_assert_msg(vb_fleet_check_sbatch(ok[i], &err) == 0, "%s: %s", ok[i], err.msg);
	for (size_t i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		vb_error_clear(&err);
		ck_assert_msg(vb_fleet_check_sbatch(bad[i], &err) < 0, "%s accepted", bad[i]);
		ck_assert_int_eq(err.code, VB_EUSAGE);
		ck_assert_ptr_null(strchr(err.msg, '\n'));
	}
}
END_TEST

/* scontrol show job -o: finished and running tasks, a pending range, others' jobs. */
#define REC(job, task, name, uid, state, reason, exit, node, dir)                                  \
	"JobId=" job " ArrayJobId=12 ArrayTaskId=" task " JobName=" name " UserId=" uid           \
	" GroupId=root(0) Priority=1 JobState=" state " Reason=" reason " Dependency=(null) "      \
	"ExitCode=" exit " NodeList=" node " Command=" dir "/job.sh WorkDir=" dir " StdErr=" dir   \
	"/logs/x.out StdIn=/dev/null\n"

START_TEST(test_slurm_records)
{
	char text[8192], uid[32], big[4096];
	vb_fleet_slurm_t t[300];
	unsigned foreign = 0, n;
	size_t used;

	snprintf(uid, sizeof(uid), "u(%u)", (unsigned)geteuid());
	used = (size_t)snprintf(
	    text, sizeof(text),
	    REC("12", "1", "vbench-fleet", "%s", "FAILED", "NonZeroExitCode", "4:0", "n1", "/f/a b")
		REC("13", "0", "vbench-fleet", "%s", "RUNNING", "None", "0:0", "n2", "/f/a b")
		    REC("12", "2-3,5%%1", "vbench-fleet", "%s", "PENDING", "Resources", "0:0",
			"(null)", "/f/a b")
			REC("14", "4", "vbench-fleet", "%s", "RUNNING", "None", "0:0", "n3",
			    "/f/a bc") /* another directory */
	    REC("15", "7", "vbench-fleet", "other(4242)", "RUNNING", "None", "0:0", "n3",
		"/f/a b") /* another user */
	    REC("16", "8", "x WorkDir=/f/a b StdErr=", "%s", "RUNNING", "None", "0:0", "n3",
		"/f/a b") /* a name that embeds the keys */
	    REC("17", "9", "vbench-fleet", "%s", "RUNNING", "None", "0:0", "n3",
		"/f/a b StdErr=/x WorkDir=/f/a b") /* a key twice */
	    REC("18", "6", "vbench-fleet", "%s", "CANCELLED", "\x1b[31m", "0:15", "n1",
		"/f/a b"),
	    uid, uid, uid, uid, uid, uid, uid);
	ck_assert(used < sizeof(text));
	memset(t, 0, sizeof(t));
	n = vb_fleet_slurm_parse(text, "12", "/f/a b", NULL, t, 10, &foreign);
	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(foreign, 4);
	ck_assert_str_eq(t[0].state, "RUNNING");
	ck_assert_str_eq(t[0].reason, "");
	ck_assert_str_eq(t[0].node, "n2");
	ck_assert_str_eq(t[1].state, "FAILED");
	ck_assert_str_eq(t[1].reason, "NonZeroExitCode");
	ck_assert_int_eq(t[1].exit_code, 4);
	for (int i = 2; i <= 5; i++)
		if (i != 4) {
			ck_assert_str_eq(t[i].state, "PENDING");
			ck_assert_str_eq(t[i].reason, "Resources");
			ck_assert_str_eq(t[i].node, "");
		}
	ck_assert_str_eq(t[4].state, "");
	ck_assert_str_eq(t[7].state, "");
	ck_assert_str_eq(t[8].state, "");
	ck_assert_str_eq(t[9].state, "");
	ck_assert_str_eq(t[6].state, "CANCELLED");
	ck_assert_int_eq(t[6].exit_signal, 15);
	ck_assert_ptr_null(strchr(t[6].reason, '\x1b'));

	/* a pending list longer than any fixed field: every task in it */
	used = 0;
	for (unsigned i = 0; i < 300; i += 2)
		used += (size_t)snprintf(big + used, sizeof(big) - used, "%s%u", i ? "," : "", i);
	snprintf(text, sizeof(text),
		 "JobId=12 ArrayJobId=12 ArrayTaskId=%s JobName=vbench-fleet UserId=%s JobState=PENDING "
		 "Reason=Priority Command=/f/job.sh WorkDir=/f StdErr=/f/x\n",
		 big, uid);
	memset(t, 0, sizeof(t));
	foreign = 0;
	n = vb_fleet_slurm_parse(text, "12", "/f", NULL, t, 300, &foreign);
	ck_assert_uint_eq(n, 150);
	ck_assert_str_eq(t[298].state, "PENDING");
	ck_assert_str_eq(t[299].state, "");
}
END_TEST

START_TEST(test_names)
{
	static const unsigned ids[] = { 0, 1, 2, 5, 7, 8 }, one[] = { 4 };
	vb_fleet_t f = { .tasks = 10 };
	char buf[64], node[VB_FLEET_NODE_MAX];

	vb_fleet_slurm_array(ids, VB_ARRAY_SIZE(ids), buf, sizeof(buf));
	ck_assert_str_eq(buf, "0-2,5,7-8");
	vb_fleet_slurm_array(one, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "4");
	ck_assert_int_eq(vb_fleet_run_dir_task(&f, "n1-3", node, sizeof(node)), 3);
	ck_assert_str_eq(node, "n1");
	ck_assert_int_eq(vb_fleet_run_dir_task(&f, "rack-2-node-9", node, sizeof(node)), 9);
	ck_assert_str_eq(node, "rack-2-node");
	ck_assert_int_eq(vb_fleet_run_dir_task(&f, "n1-03", node, sizeof(node)), -1);
	ck_assert_int_eq(vb_fleet_run_dir_task(&f, "n1-10", node, sizeof(node)), -1);
	ck_assert_int_eq(vb_fleet_run_dir_task(&f, "-1", node, sizeof(node)), -1);
	ck_assert_int_eq(vb_fleet_run_dir_task(&f, ".n-1", node, sizeof(node)), -1);
	ck_assert_int_eq(vb_fleet_run_dir_task(&f, "logs", node, sizeof(node)), -1);
	ck_assert(vb_fleet_node_ok("node-01.a_b"));
	ck_assert(!vb_fleet_node_ok("a/b"));
	ck_assert(!vb_fleet_node_ok("a b"));
	ck_assert(!vb_fleet_node_ok(""));
}
END_TEST

/* A run.json of status @status in @dir (a fixture's, otherwise unchanged). */
static void put_run(const char *dir, const char *status)
{
	json_t *doc = vb_test_load_fixture("tests/fixtures/run-bare-container.json");

	json_object_set_new(doc, "status", json_string(status));
	mkdir(dir, 0755);
	vb_test_write_run(dir, doc);
	json_decref(doc);
}

static char *argv_text(char **argv, int argc)
{
	static char buf[8192];
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < argc; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? " " : "",
					 argv[i]);
	ck_assert_ptr_null(argv[argc]);
	return buf;
}

/* fleet.json and job.sh as made; each task's command line. */
START_TEST(test_create_and_task)
{
	char *run[] = { "--profile", "test", "--env", "bare", "--reps", "3" };
	char *sb[] = { "--partition=debug" };
	vb_fleet_new_t n = { .tasks = 3, .run_argv = run, .run_argc = 6, .sbatch = sb,
			     .nsbatch = 1, .vbench = "/opt/vbench/bin/vbench" };
	char dir[PATH_MAX], want[PATH_MAX * 2], path[PATH_MAX + 32], *script;
	vb_fleet_t f, g;
	vb_error_t err;
	char **argv;
	int argc, done;

	snprintf(dir, sizeof(dir), "%s/fleet", tmpdir);
	n.dir = dir;
	ck_assert_msg(vb_fleet_create(&n, &f, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(f.tasks, 3);
	ck_assert(f.seed > 0);
	vb_fleet_close(&f);
	script = vb_test_read_text(dir, "job.sh", 4096);
	ck_assert_ptr_nonnull(script);
	ck_assert_ptr_nonnull(strstr(script, "\nexec /opt/vbench/bin/vbench fleet task\n"));
	ck_assert_ptr_null(strstr(script, "test")); /* no run option in a shell line */
	ck_assert_ptr_null(strstr(script, "debug"));
	free(script);
	ck_assert_msg(vb_fleet_open(dir, 0, &g, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(g.tasks, 3);
	ck_assert_int_eq(json_array_size(json_object_get(g.doc, "submissions")), 0);
	ck_assert_str_eq(json_string_value(json_array_get(vb_fleet_sbatch_opts(&g), 0)),
			 "--partition=debug");
	ck_assert_int_eq(json_array_size(vb_fleet_run_opts(&g)), 8); /* --seed S added */
	ck_assert_str_eq(json_string_value(json_array_get(vb_fleet_run_opts(&g), 6)), "--seed");

	/* a task claimed by one node is refused on another, before any run directory */
	argv = vb_fleet_task_argv(&g, "n1", 1, &argc, &done, &err);
	ck_assert_msg(argv != NULL, "%s", err.msg);
	vb_fleet_argv_free(argv);
	ck_assert_ptr_null(vb_fleet_task_argv(&g, "n2", 1, &argc, &done, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "task 1 was begun on n1"));
	argv = vb_fleet_task_argv(&g, "n1", 1, &argc, &done, &err); /* again on its own node */
	ck_assert_msg(argv != NULL, "%s", err.msg);
	vb_fleet_argv_free(argv);

	argv = vb_fleet_task_argv(&g, "n1", 0, &argc, &done, &err);
	ck_assert_msg(argv != NULL, "%s", err.msg);
	snprintf(want, sizeof(want), "run --profile test --env bare --reps 3 --seed %llu --out %s/n1-0",
		 (unsigned long long)g.seed, dir);
	ck_assert_str_eq(argv_text(argv, argc), want);
	vb_fleet_argv_free(argv);

	snprintf(path, sizeof(path), "%s/n1-0", dir);
	put_run(path, "interrupted");
	argv = vb_fleet_task_argv(&g, "n1", 0, &argc, &done, &err);
	ck_assert_msg(argv != NULL, "%s", err.msg);
	snprintf(want, sizeof(want), "run --resume %s/n1-0", dir);
	ck_assert_str_eq(argv_text(argv, argc), want);
	vb_fleet_argv_free(argv);

	vb_error_clear(&err);
	ck_assert_ptr_null(vb_fleet_task_argv(&g, "n2", 0, &argc, &done, &err));
	ck_assert_int_eq(done, 0);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "task 0 was begun on n1"));
	ck_assert_ptr_null(vb_fleet_task_argv(&g, "n1", 3, &argc, &done, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "tasks 0 to 2"));
	ck_assert_ptr_null(vb_fleet_task_argv(&g, "a/b", 1, &argc, &done, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "node name"));

	put_run(path, "complete");
	ck_assert_ptr_null(vb_fleet_task_argv(&g, "n1", 0, &argc, &done, &err));
	ck_assert_int_eq(done, 1);
	put_run(path, "completed-with-errors");
	ck_assert_ptr_null(vb_fleet_task_argv(&g, "n1", 0, &argc, &done, &err));
	ck_assert_int_eq(done, 1);
	vb_test_put_text(path, "run.json", "{ not json");
	done = 0;
	ck_assert_ptr_null(vb_fleet_task_argv(&g, "n1", 0, &argc, &done, &err));
	ck_assert_int_eq(done, 0);
	ck_assert_msg(strstr(err.msg, "run.json"), "%s", err.msg);
	vb_fleet_close(&g);
}
END_TEST

/* vbench fleet ... @args (NULL-terminated, at most 8): a refusal naming @a and @b. */
#define REFUSED(a, b, ...)                                                                         \
	do {                                                                                       \
		char *o_, *e_;                                                                     \
		int rc_ = vb_test_vbench(NULL, &o_, &e_, "fleet", __VA_ARGS__, NULL);              \
		vb_test_expect_refusal(rc_, o_, e_, a, b);                                         \
	} while (0)

START_TEST(test_refusals)
{
	char dir[PATH_MAX], full[PATH_MAX], bad[PATH_MAX];
	struct stat sb;

	snprintf(dir, sizeof(dir), "%s/new", tmpdir);
	REFUSED("--out", "the fleet sets it", "submit", dir, "--", "--out", "/tmp/x");
	REFUSED("--resume", "the fleet sets it", "submit", dir, "--", "--resume=/tmp/x");
	REFUSED("run options", "--bogus", "submit", dir, "--", "--bogus");
	REFUSED("--store", "vbench store add", "submit", dir, "--", "--store=/tmp/x.db");
	REFUSED("--reps", NULL, "submit", dir, "--", "--reps", "0");
	REFUSED("--sbatch", "--array", "submit", "--sbatch=--array=1", dir, "--");
	REFUSED("--tasks", NULL, "submit", "--tasks", "0", dir);
	REFUSED("no FLEETDIR", NULL, "submit");
	ck_assert_int_eq(stat(dir, &sb), -1); /* nothing made */

	snprintf(full, sizeof(full), "%s/full", tmpdir);
	vb_test_put_text(full, "other", "x\n");
	REFUSED("not empty", "--resume", "submit", full, "--", "--profile", "test");
	ck_assert_int_eq(vb_test_entries(full), 1);

	REFUSED("SLURM_ARRAY_TASK_ID", NULL, "task", full);
	REFUSED("fleet.json", NULL, "status", full);
	REFUSED("fleet.json", NULL, "cancel", full);
	REFUSED("unknown command", "nope", "nope");

	/* a directory with a fleet of its own (or a user's job.sh): refused, nothing touched */
	snprintf(full, sizeof(full), "%s/other-fleet", tmpdir);
	vb_test_put_text(full, "job.sh", "#!/bin/sh\necho mine\n");
	vb_test_put_text(full, "fleet.json", "{\"mine\": true}\n");
	REFUSED("not empty", NULL, "submit", full, "--", "--profile", "test");
	{
		char p1[PATH_MAX + 16];

		snprintf(p1, sizeof(p1), "%s/job.sh", full);
		vb_test_assert_content(p1, "#!/bin/sh\necho mine\n");
		snprintf(p1, sizeof(p1), "%s/fleet.json", full);
		vb_test_assert_content(p1, "{\"mine\": true}\n");
	}

	snprintf(bad, sizeof(bad), "%s/bad", tmpdir);
	vb_test_put_text(bad, "fleet.json",
			 "{\"schema\":\"vbench-fleet\",\"schema_version\":1,\"tasks\":2,\"seed\":5,"
			 "\"vbench\":\"/usr/bin/vbench\",\"run_options\":[\"--seed\",\"5\"],"
			 "\"sbatch\":[\"--array=0-99\"],\"submissions\":[]}");
	REFUSED("sbatch[0]", "--array", "submit", "--resume", bad);
	vb_test_put_text(bad, "fleet.json",
			 "{\"schema\":\"vbench-fleet\",\"schema_version\":1,\"tasks\":2,\"seed\":5,"
			 "\"vbench\":\"/usr/bin/vbench\",\"run_options\":[\"--seed\",\"5\"],"
			 "\"sbatch\":[],\"submissions\":[{\"job\":\"7\",\"node\":\"\",\"tasks\":[0],"
			 "\"sbatch\":[7]}]}");
	REFUSED("submissions[0].sbatch[0]", "a string", "status", bad);
	vb_test_put_text(bad, "fleet.json",
			 "{\"schema\":\"vbench-fleet\",\"schema_version\":1,\"tasks\":2,\"seed\":5,"
			 "\"vbench\":\"/usr/bin/vbench\",\"run_options\":[\"--seed\",\"5\",\"--out\","
			 "\"/etc\"],\"sbatch\":[],\"submissions\":[]}");
	REFUSED("run_options", "--out", "status", bad);
	vb_test_put_text(bad, "fleet.json",
			 "{\"schema\":\"vbench-fleet\",\"schema_version\":1,\"tasks\":2,\"seed\":5,"
			 "\"vbench\":\"/usr/bin/vbench\",\"run_options\":[\"--seed\",\"6\"],"
			 "\"sbatch\":[],\"submissions\":[]}");
	REFUSED("run_options", "--seed 5", "status", bad);
	vb_test_put_text(bad, "fleet.json",
			 "{\"schema\":\"vbench-fleet\",\"schema_version\":1,\"tasks\":2,\"seed\":5,"
			 "\"vbench\":\"/usr/bin/vbench\",\"run_options\":[\"--seed\",\"5\"],\"sbatch\":[],\"submissions\":"
			 "[{\"job\":\"7; rm -rf /\",\"node\":\"\",\"tasks\":[0],\"sbatch\":[]}]}");
	REFUSED("submissions[0].job", "Slurm job id", "status", bad);
	vb_test_put_text(bad, "fleet.json",
			 "{\"schema\":\"vbench-fleet\",\"schema_version\":1,\"tasks\":2,\"seed\":5,"
			 "\"vbench\":\"/usr/bin/vbench\",\"run_options\":[\"--seed\",\"5\"],\"sbatch\":[],\"submissions\":"
			 "[{\"job\":\"7\",\"node\":\"../x\",\"tasks\":[0],\"sbatch\":[]}]}");
	REFUSED("submissions[0].node", NULL, "cancel", bad);
	vb_test_put_text(bad, "fleet.json",
			 "{\"schema\":\"vbench-fleet\",\"schema_version\":1,\"tasks\":2,\"seed\":5,"
			 "\"vbench\":\"/usr/bin/vbench\",\"run_options\":[\"--seed\",\"5\"],\"sbatch\":[],\"submissions\":"
			 "[{\"job\":\"7\",\"node\":\"\",\"tasks\":[2],\"sbatch\":[]}]}");
	REFUSED("submissions[0].tasks[0]", "0 to 1", "submit", "--resume", bad);
	vb_test_put_text(bad, "fleet.json",
			 "{\"schema\":\"vbench-fleet\",\"schema_version\":1,\"tasks\":2,\"seed\":5,"
			 "\"vbench\":\"/bin/x;reboot\",\"run_options\":[\"--seed\",\"5\"],\"sbatch\":[],"
			 "\"submissions\":[]}");
	REFUSED("vbench", "plain absolute path", "status", bad);
}
END_TEST


/* ---- status and resubmission against a fake Slurm -------------------- */

/* sbatch and scontrol of our own first in PATH: sbatch logs its arguments
 * (one line each call) and answers job ids 100, 101 ...; scontrol answers
 * what FAKE_SCONTROL holds, else that it knows no such job. */
static void fake_slurm(char *log, size_t len)
{
	char bin[PATH_MAX], path[PATH_MAX * 2];

	snprintf(log, len, "%s/sbatch.log", tmpdir);
	snprintf(bin, sizeof(bin), "%s/bin", tmpdir);
	vb_test_put_text(bin, "sbatch",
			 "#!/bin/sh\n"
			 "[ -n \"$FAKE_SBATCH_FAIL\" ] && { echo 'sbatch: error: Invalid partition' >&2; exit 1; }\n"
			 "echo \"$*\" >>\"$FAKE_LOG\"\n"
			 "n=$(wc -l <\"$FAKE_LOG\")\n"
			 "echo $((99 + n))\n");
	vb_test_put_text(bin, "scontrol",
			 "#!/bin/sh\n"
			 "if [ -n \"$FAKE_SCONTROL\" ] && [ -f \"$FAKE_SCONTROL\" ]; then cat \"$FAKE_SCONTROL\"; exit 0; fi\n"
			 "echo 'slurm_load_jobs error: Invalid job id specified' >&2\n"
			 "exit 1\n");
	snprintf(path, sizeof(path), "%s/sbatch", bin);
	chmod(path, 0755);
	snprintf(path, sizeof(path), "%s/scontrol", bin);
	chmod(path, 0755);
	snprintf(path, sizeof(path), "%s:%s", bin, getenv("PATH") ?: "/usr/bin:/bin");
	setenv("PATH", path, 1);
	setenv("FAKE_LOG", log, 1);
	unsetenv("FAKE_SCONTROL");
	unsetenv("FAKE_SBATCH_FAIL");
}

START_TEST(test_status_resubmit)
{
	char *run[] = { "--profile", "test", "--env", "bare" };
	char *sb[] = { "--qos=long" };
	vb_fleet_new_t n = { .tasks = 4, .run_argv = run, .run_argc = 4, .sbatch = sb,
			     .nsbatch = 1, .vbench = "/opt/vbench" };
	static const unsigned all[] = { 0, 1, 2, 3 };
	char dir[PATH_MAX], path[PATH_MAX + 32], log[PATH_MAX], want[PATH_MAX * 2], *text;
	vb_fleet_task_t t[4];
	vb_fleet_sub_t subs[5];
	vb_fleet_t f;
	vb_error_t err;
	size_t made;

	fake_slurm(log, sizeof(log));
	snprintf(dir, sizeof(dir), "%s/fleet", tmpdir);
	n.dir = dir;
	ck_assert_msg(vb_fleet_create(&n, &f, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(vb_fleet_add_submission(&f, "7", "", all, 4, NULL, &err), 0);
	snprintf(path, sizeof(path), "%s/n1-0", dir);
	put_run(path, "interrupted");
	snprintf(path, sizeof(path), "%s/n2-1", dir);
	put_run(path, "interrupted");
	snprintf(path, sizeof(path), "%s/n1-2", dir);
	put_run(path, "complete");
	vb_test_put_text(dir, "logs/7_0.out", "table\nslurmstepd: error: *** JOB 8 ON n1 CANCELLED ***\nmore\n");

	ck_assert_msg(vb_fleet_status(&f, t, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(t[0].state, VB_FLEET_FAILED);
	ck_assert_msg(strstr(t[0].why, "Slurm no longer knows job 7_0") &&
			  strstr(t[0].why, "n1-0: interrupted") && strstr(t[0].why, "CANCELLED"),
		      "%s", t[0].why);
	ck_assert_int_eq(t[1].state, VB_FLEET_FAILED);
	ck_assert_int_eq(t[2].state, VB_FLEET_DONE);
	ck_assert_int_eq(t[3].state, VB_FLEET_FAILED);
	ck_assert_ptr_nonnull(strstr(t[3].why, "no run directory"));

	/* sbatch refusing: its message, nothing recorded */
	setenv("FAKE_SBATCH_FAIL", "1", 1);
	ck_assert_int_eq(vb_fleet_resubmit(&f, t, NULL, subs, &made, &err), -1);
	ck_assert_uint_eq(made, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "Invalid partition"));
	ck_assert_int_eq(json_array_size(json_object_get(f.doc, "submissions")), 1);
	unsetenv("FAKE_SBATCH_FAIL");

	ck_assert_msg(vb_fleet_resubmit(&f, t, NULL, subs, &made, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(made, 3);
	ck_assert_str_eq(subs[0].node, "n1");
	ck_assert_str_eq(subs[0].tasks, "0");
	ck_assert_str_eq(subs[1].node, "n2");
	ck_assert_str_eq(subs[1].tasks, "1");
	ck_assert_str_eq(subs[2].node, "");
	ck_assert_str_eq(subs[2].tasks, "3");
	ck_assert_str_eq(subs[0].job, "100");
	text = vb_read_file(log, 1 << 16, 0, NULL);
	ck_assert_ptr_nonnull(text);
	/* the user's options first, the fleet's after them (sbatch takes the last) */
	snprintf(want, sizeof(want),
		 "--qos=long --parsable --job-name=vbench-fleet --array=0 --exclusive --chdir=%s "
		 "--output=logs/%%A_%%a.out --nodelist=n1 %s/job.sh\n",
		 dir, dir);
	ck_assert_msg(!strncmp(text, want, strlen(want)), "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "--array=3 --exclusive"));
	ck_assert_ptr_null(strstr(strstr(text, "--array=3"), "--nodelist"));
	free(text);
	vb_fleet_close(&f);
	ck_assert_msg(vb_fleet_open(dir, 0, &f, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(json_array_size(json_object_get(f.doc, "submissions")), 4);
	vb_fleet_close(&f);
}
END_TEST

/* A fleet directory @name of runs copied from the fleet fixtures @hosts
 * (NULL-terminated), task i as HOST-i; @kernel: the last one's kernel
 * release changed to it (NULL: as is). */
static void fixture_fleet(char *dir, size_t len, const char *name, const char *const *hosts,
			  const char *kernel)
{
	char *run[] = { "--profile", "test" };
	vb_fleet_new_t n = { .tasks = 3, .run_argv = run, .run_argc = 2, .vbench = "/opt/vbench" };
	vb_fleet_t f;
	vb_error_t err;

	snprintf(dir, len, "%s/%s", tmpdir, name);
	n.dir = dir;
	ck_assert_msg(vb_fleet_create(&n, &f, &err) == 0, "%s", err.msg);
	vb_fleet_close(&f);
	for (int i = 0; hosts[i]; i++) {
		char src[PATH_MAX], sub[PATH_MAX + 16];
		json_t *doc;

		snprintf(src, sizeof(src), "tests/fixtures/fleet/%s-0/run.json", hosts[i]);
		doc = vb_test_load_fixture(src);
		if (kernel && !hosts[i + 1])
			json_object_set_new(json_object_get(json_object_get(doc, "host"), "kernel"),
					    "release", json_string(kernel));
		snprintf(sub, sizeof(sub), "%s/%s-%d", dir, hosts[i], i);
		mkdir(sub, 0755);
		vb_test_write_run(sub, doc);
		json_decref(doc);
	}
}

/* Two fleets compared class by class: the same CPU model paired, a kernel
 * update included; a class of one fleet only is listed. */
START_TEST(test_compare_fleets)
{
	static const char *const all[] = { "ant", "bee", "cat", NULL }, *amd[] = { "ant", "bee", NULL },
				 *intel[] = { "cat", NULL };
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], d[PATH_MAX], *o, *e;
	vb_compare_cfg_t cfg;
	vb_error_t err;
	json_t *doc, *p;
	int rc;

	fixture_fleet(a, sizeof(a), "a", all, NULL);
	fixture_fleet(b, sizeof(b), "b", all, "6.9.1-generic");
	vb_compare_cfg_init(&cfg);
	doc = vb_fleet_compare(a, b, &cfg, NULL, &err);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	ck_assert_int_eq(json_array_size(json_object_get(doc, "pairs")), 2);
	p = json_array_get(json_object_get(doc, "pairs"), 1);
	ck_assert_ptr_nonnull(strstr(vb_json_text(p, "a_class"), "6.8.0-45-generic"));
	ck_assert_ptr_nonnull(strstr(vb_json_text(p, "b_class"), "6.9.1-generic"));
	{
		char *diff = json_dumps(json_object_get(json_object_get(p, "compare"), "differences"), 0);

		ck_assert_ptr_nonnull(strstr(diff, "kernel"));
		free(diff);
	}
	p = json_array_get(json_object_get(doc, "pairs"), 0);
	ck_assert_int_eq(json_array_size(json_object_get(p, "a_runs")), 2);
	json_decref(doc);

	fixture_fleet(c, sizeof(c), "c", amd, NULL);
	doc = vb_fleet_compare(a, c, &cfg, NULL, &err);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_array_size(json_object_get(doc, "only_in_a")), 1);
	json_decref(doc);
	rc = vb_test_vbench(NULL, &o, &e, "compare", "--allow-few", a, c, NULL);
	ck_assert_msg(rc == 0 && strstr(o, "only in A: Intel"), "exit %d: %s%s", rc, o, e);
	free(o);
	free(e);

	/* A = {cat/k1, cat/k2}, B = {cat/k2, cat/k3}: k2 with k2, then k1 with k3 */
	{
		static const char *const two[] = { "cat", "cat", NULL };
		char e2[PATH_MAX], f2[PATH_MAX], sub[PATH_MAX + 16];
		json_t *run;

		fixture_fleet(e2, sizeof(e2), "e", two, "k2");
		fixture_fleet(f2, sizeof(f2), "f", two, "k3");
		snprintf(sub, sizeof(sub), "%s/cat-0", f2); /* f: cat-0 on k2, cat-1 on k3 */
		run = vb_test_load_fixture("tests/fixtures/fleet/cat-0/run.json");
		json_object_set_new(json_object_get(json_object_get(run, "host"), "kernel"), "release",
				    json_string("k2"));
		vb_test_write_run(sub, run);
		json_decref(run);
		doc = vb_fleet_compare(e2, f2, &cfg, NULL, &err);
		ck_assert_msg(doc != NULL, "%s", err.msg);
		ck_assert_int_eq(json_array_size(json_object_get(doc, "pairs")), 2);
		p = json_array_get(json_object_get(doc, "pairs"), 0);
		ck_assert_ptr_nonnull(strstr(vb_json_text(p, "a_class"), "/ k2"));
		ck_assert_ptr_nonnull(strstr(vb_json_text(p, "b_class"), "/ k2"));
		p = json_array_get(json_object_get(doc, "pairs"), 1);
		ck_assert_ptr_nonnull(strstr(vb_json_text(p, "a_class"), "6.8.0"));
		ck_assert_ptr_nonnull(strstr(vb_json_text(p, "b_class"), "/ k3"));
		json_decref(doc);
	}

	fixture_fleet(d, sizeof(d), "d", intel, NULL);
	rc = vb_test_vbench(NULL, &o, &e, "compare", c, d, NULL);
	vb_test_expect_refusal(rc, o, e, "share no CPU model", NULL);
}
END_TEST

Suite *vb_suite_fleet(void)
{
	Suite *s = suite_create("fleet");
	TCase *tc = tcase_create("fleet");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sbatch_options);
	tcase_add_test(tc, test_slurm_records);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_create_and_task);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_status_resubmit);
	tcase_add_test(tc, test_compare_fleets);
	suite_add_tcase(s, tc);
	return s;
}
