/*
 * check_lifecycle.c - an environment added as one file (tests/env_null.c,
 * registered with vb_env_register) goes through everything the built-in
 * ones do: the table's checks, `vbench run`'s parser with its own option,
 * the one instance lifecycle (env_life.c: up, a request, host CPU time,
 * down, nothing left running), `vbench clean`'s hook lookup, and a whole
 * `vbench run` with its report.  What it
 * leaves out is the lifecycle's default.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/agentmsg.h"
#include "harness/core/chan.h"
#include "harness/core/options.h"
#include "harness/env/env.h"
#include "lib/util.h"
#include "bench/cmd.h"
#include "tests/debris.h"
#include "tests/env_null.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmp[PATH_MAX];

/* Registered once per process (Check forks a process per test; without
 * the fork it is already there). */
static void register_null(void)
{
	vb_error_t err;

	if (!vb_env_find("null"))
		ck_assert_msg(vb_env_register(&vb_env_null, &err) == 0, "%s", err.msg);
}

static int parse(vb_run_cfg_t *cfg, vb_error_t *err, ...)
{
	static char *argv[16];
	const char *a;
	va_list ap;
	int n = 0;

	argv[n++] = "run";
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) && n < 15)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	vb_run_cfg_init(cfg);
	return vb_run_cfg_parse(cfg, n, argv, vb_env_cfg_ext(), err);
}

START_TEST(test_register)
{
	vb_env_ops_t broken = vb_env_null;
	const vb_run_cfg_ext_t *x;
	vb_error_t err;
	size_t i, found = 0;

	register_null();
	ck_assert_ptr_eq(vb_env_find("null"), &vb_env_null);
	ck_assert_ptr_eq(vb_env_at(vb_env_count() - 1), &vb_env_null); /* after the list's */
	ck_assert_ptr_nonnull(strstr(vb_env_names(), ", null"));
	ck_assert_int_eq(vb_env_register(&vb_env_null, &err), -1);
	ck_assert_str_eq(err.msg, "environment null: registered twice");
	broken.name = "null2";
	broken.start = NULL;
	ck_assert_int_eq(vb_env_register(&broken, &err), -1);
	ck_assert_ptr_null(vb_env_find("null2"));
	/* its option is the parser's, under its own heading */
	x = vb_env_cfg_ext();
	for (i = 0; i < x->ngroups; i++)
		if (!strcmp(x->groups[i].title, "options of the environment null"))
			found = x->groups[i].nopts == 1 &&
				!strcmp(x->groups[i].opts[0].name, "--null-label");
	ck_assert_msg(found, "no group of options for null");
}
END_TEST

START_TEST(test_option)
{
	const null_conf_t *c;
	vb_run_cfg_t cfg;
	vb_error_t err;
	char text[64];

	register_null();
	ck_assert_msg(parse(&cfg, &err, "--env", "null,bare", "--null-label", "blue", NULL) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(cfg.nenvs, 2);
	ck_assert_str_eq(cfg.env_names[0], "null");
	c = vb_env_conf_of(&cfg, vb_env_null.options);
	ck_assert_str_eq(c->label, "blue");
	ck_assert_int_eq(vb_run_cfg_opt_text(&cfg, vb_env_cfg_ext(), "--null-label", text,
					     sizeof(text)),
			 0);
	ck_assert_str_eq(text, "blue");
	vb_run_cfg_free(&cfg);
	/* not given: the backend's default; other backends' configurations untouched */
	ck_assert_int_eq(parse(&cfg, &err, "--env", "null", NULL), 0);
	ck_assert_str_eq(((const null_conf_t *)vb_env_conf_of(&cfg, vb_env_null.options))->label,
			 "none");
	vb_run_cfg_free(&cfg);
	ck_assert_int_eq(parse(&cfg, &err, "--null-label", NULL), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "--null-label"));
	vb_run_cfg_free(&cfg);
}
END_TEST

/* Up, one request, down: the lifecycle's defaults do the waiting, the CPU
 * time and the stop; afterwards the agent is gone. */
START_TEST(test_up_down)
{
	json_t *req, *reply, *d;
	vb_run_cfg_t cfg;
	vb_error_t err;
	vb_env_t env;
	uint64_t ns = 0, stop_ns;
	pid_t pid;

	register_null();
	ck_assert_int_eq(parse(&cfg, &err, "--env", "null", "--null-label", "green", NULL), 0);
	/* no probe hook: the common check of the agent is its probe */
	snprintf(cfg.agent_path, sizeof(cfg.agent_path), "%s/no-such-agent", vb_test_bindir());
	ck_assert_int_eq(vb_env_probe(&vb_env_null, &cfg, &err), -1);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	ck_assert_ptr_nonnull(strstr(err.msg, "no-such-agent not executable"));
	snprintf(cfg.agent_path, sizeof(cfg.agent_path), "%s/workloads/vbench-agent",
		 vb_test_bindir());
	ck_assert_msg(vb_env_probe(&vb_env_null, &cfg, &err) == 0, "%s", err.msg);
	vb_env_init(&env, &vb_env_null, &cfg, NULL);
	ck_assert_msg(vb_env_up(&env, &err) == 0, "%s", err.msg);
	ck_assert(env.started);
	ck_assert_ptr_nonnull(env.ready);
	ck_assert_uint_gt(env.start_ns, 0);
	pid = env.chan.pid;
	ck_assert_int_gt(pid, 0);

	req = vb_agent_op_request("facts", 1);
	reply = vb_chan_call(&env.chan, req, "facts", 10000, &err);
	json_decref(req);
	ck_assert_msg(reply != NULL, "%s", err.msg);
	ck_assert_ptr_nonnull(json_object_get(reply, "facts"));
	json_decref(reply);
	d = vb_env_null.describe(&env);
	ck_assert_str_eq(json_string_value(json_object_get(d, "label")), "green");
	json_decref(d);
	/* no cgroup (no prepare hook): the default says the CPU time is unknown */
	ck_assert_int_eq(vb_env_host_cpu_ns(&env, &ns), -1);

	stop_ns = vb_env_down(&env);
	ck_assert_uint_gt(stop_ns, 0);
	ck_assert(!env.stop_timed_out);
	ck_assert_int_eq(env.chan.pid, 0);
	ck_assert_int_eq(kill(pid, 0), -1); /* quit, reaped */
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_uint_eq(vb_env_down(&env), 0); /* down already: nothing to do */
	vb_run_cfg_free(&cfg);
}
END_TEST

/* `vbench clean` finds the backend's own undo hook by the records' key. */
START_TEST(test_undo_hook)
{
	const vb_env_ops_t *o;
	json_t *rec;
	char msg[128];

	register_null();
	o = vb_env_find_undo("null");
	ck_assert_ptr_eq(o, &vb_env_null);
	rec = json_pack("{s:s,s:s}", "undo", "null", "id", "n1");
	vb_env_null_undone = 0;
	ck_assert_int_eq(o->undo(rec, "1-000000000000", msg, sizeof(msg)), 0);
	ck_assert_int_eq(vb_env_null_undone, 1);
	ck_assert_str_eq(msg, "null instance n1 of run 1-000000000000");
	json_decref(rec);
}
END_TEST

/*
 * The whole run, report included: `vbench run --env bare,null` in a child
 * process of the test binary (where null is registered), measured,
 * recorded in run.json with its class and its option, in the summary and
 * report.html, and nothing of that process left behind.
 */
START_TEST(test_run_report)
{
	char dir[PATH_MAX], agent[PATH_MAX], why[256], *html;
	char *argv[] = { "run", "--env", "bare,null", "--workload", "cpu.int", "--profile", "test",
			 "--quiet", "--null-label", "red", "--agent", agent, "--out", dir, NULL };
	json_t *doc, *env, *rep;
	size_t i, reps = 0;
	int st, found = 0;
	pid_t pid;

	ck_assert_int_eq(vb_test_mkdtemp(tmp, sizeof(tmp), "lifecycle"), 0);
	snprintf(dir, sizeof(dir), "%s/run", tmp);
	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_bindir());
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		register_null();
		_exit(vb_cmd_run((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv));
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "vbench run: status %d", st);
	doc = vb_test_load_run(dir, 1); /* and valid against the schema */
	json_array_foreach(json_object_get(doc, "environments"), i, env)
		if (!strcmp(json_string_value(json_object_get(env, "name")) ?: "", "null")) {
			found = 1;
			ck_assert_str_eq(json_string_value(json_object_get(
					     json_object_get(env, "class"), "architecture")),
					 "bare-metal");
			ck_assert_str_eq(json_string_value(json_object_get(
					     json_object_get(env, "config"), "label")),
					 "red");
		}
	ck_assert_msg(found, "no null environment in run.json");
	json_array_foreach(json_object_get(doc, "repetitions"), i, rep)
		reps += !strcmp(json_string_value(json_object_get(rep, "env")) ?: "", "null") &&
			json_is_true(json_object_get(rep, "ok"));
	ck_assert_uint_ge(reps, 2);
	json_decref(doc);
	html = vb_test_read_text(dir, "report.html", 1 << 24);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_nonnull(strstr(html, "null"));
	free(html);
	ck_assert_msg(!vb_test_wait_no_debris(pid, 5000, why, sizeof(why)), "left behind: %s", why);
	vb_test_rmdtemp(tmp);
}
END_TEST

Suite *vb_suite_lifecycle(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_register);
	tcase_add_test(tc, test_option);
	tcase_add_test(tc, test_up_down);
	tcase_add_test(tc, test_undo_hook);
	tcase_add_test(tc, test_run_report);
	suite_add_tcase(s, tc);
	return s;
}
