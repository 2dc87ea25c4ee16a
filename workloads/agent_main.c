/*
 * agent_main.c - vbench-agent: runs named workloads with explicit parameters.
 *
 *   vbench-agent serve                   JSON-lines protocol on stdin/stdout
 *   vbench-agent run WORKLOAD [--param KEY=VALUE]... [--events A,B]
 *                [--scratch DIR] [--reps N]   one JSON record per repetition
 *                [--allow-device DEV]  --scratch DEV may be this block device
 *                (its options a table: vbench-agent run --help)
 *   vbench-agent list                    workloads and their parameters (JSON)
 *   vbench-agent facts [DIR]             what this environment looks like
 *   vbench-agent init                    PID 1 of vbench's own container: serve
 *                                        in a child, every orphan reaped
 *
 * The same binary runs unmodified on the host, in containers and in guests.
 *
 * Test hook: VBENCH_TEST_AGENT_HANG_AT_QUIT=1 makes `serve` answer "quit"
 * and then hang with SIGTERM, SIGINT and SIGHUP ignored, so a test can show
 * that a stop is bounded by --stop-timeout (docs/reliability.md).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/counters.h"
#include "lib/hostinfo.h"
#include "lib/optparse.h"
#include "lib/util.h"
#include "workloads/agent.h"
#include "workloads/workload.h"

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: vbench-agent serve\n"
		   "       vbench-agent run WORKLOAD [--param KEY=VALUE]... [--events A,B]\n"
		   "                    [--scratch DIR|DEV [--allow-device DEV]] [--reps N]\n"
		   "       vbench-agent list\n"
		   "       vbench-agent facts [DIR]\n"
		   "       vbench-agent init\n");
	return code;
}

static int cmd_list(void)
{
	json_t *arr = json_array(), *params, *metrics;
	const vb_workload_t *w;
	size_t i, j;

	for (i = 0; i < vb_workload_count(); i++) {
		w = vb_workload_at(i);
		params = json_array();
		metrics = json_array();
		for (j = 0; j < w->nparams; j++)
			json_array_append_new(params, json_pack("{s:s,s:s,s:s}", "key", w->params[j].key,
								"default", w->params[j].def, "help",
								w->params[j].help));
		for (j = 0; j < w->nmetrics; j++)
			json_array_append_new(
				metrics, json_pack("{s:s,s:s,s:s}", "name", w->metrics[j].name, "unit",
						   w->metrics[j].unit, "better",
						   w->metrics[j].better == VB_HIGHER_IS_BETTER ? "higher"
											       : "lower"));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s?,s:o,s:o}", "name", w->name,
						     "kind", vb_kind_name(w->kind), "description",
						     w->description, "scale_param", w->scale_param,
						     "params", params, "metrics", metrics));
	}
	vb_agent_send(stdout, arr);
	json_decref(arr);
	return 0;
}

/* ---- `run`: its command line, a table (lib/optparse.h) ---- */

typedef struct run_args {
	const char *workload; /* WORKLOAD */
	json_t *params;	      /* --param KEY=VALUE, repeatable */
	json_t *events;	      /* --events A,B ("none": empty) */
	const char *scratch;  /* --scratch DIR|DEV */
	const char *allow;    /* --allow-device DEV */
	uint64_t reps;	      /* --reps N */
} run_args_t;

static int set_param(void *ctx, const char *v, vb_error_t *err)
{
	run_args_t *a = ctx;
	const char *eq = strchr(v, '=');

	if (!eq || eq == v)
		return vb_error_set(err, VB_EUSAGE, 0, "--param: '%s' is not KEY=VALUE", v);
	if (json_object_setn_new(a->params, v, (size_t)(eq - v), json_string(eq + 1)) < 0)
		return vb_error_set(err, VB_EUSAGE, 0, "--param: '%s': not UTF-8", v);
	return 0;
}

/* A second --events replaces the first, as in `vbench run`. */
static int set_events(void *ctx, const char *v, vb_error_t *err)
{
	run_args_t *a = ctx;
	char buf[1024], *tok, *save = NULL;

	json_array_clear(a->events);
	if (!strcmp(v, "none"))
		return 0;
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(a->events, json_string(tok));
	return 0;
}

static const vb_opt_t run_options[] = {
	{ .name = "--param", .arg = "KEY=VALUE", .help = "a parameter of the workload (repeatable)",
	  .set = set_param },
	{ .name = "--events", .arg = "A,B", .help = "counter events, comma list, or 'none'",
	  .set = set_events },
	{ .name = "--scratch", .arg = "DIR|DEV", .help = "where the I/O workloads write",
	  VB_OPT_STR_AT(run_args_t, scratch) },
	{ .name = "--allow-device", .arg = "DEV", .help = "--scratch may be this block device",
	  VB_OPT_STR_AT(run_args_t, allow) },
	{ .name = "--reps", .arg = "N", .help = "repetitions, one JSON record each",
	  VB_OPT_U64_AT(run_args_t, reps, 1, 1000000) },
};

static const vb_optspec_t run_spec = {
	.prog = "vbench-agent run",
	.usage = "vbench-agent run WORKLOAD [OPTIONS]",
	.about = "Run WORKLOAD with explicit parameters, here, and print one JSON record per "
		 "repetition (the workloads: vbench-agent list).",
	.opts = run_options,
	.nopts = sizeof(run_options) / sizeof(run_options[0]),
	.pos = { .what = "workload", .whats = "workloads", VB_OPT_ARG_AT(run_args_t, workload, 1) },
	.epilog = "exit codes: 0 every repetition ran and checked, 1 one failed, 2 bad usage",
};

/*
 * Build a run request from the command line (@argv[0] is "run").  Returns it,
 * or NULL with *@rc: 0 when the help was printed, 2 after printing an error.
 */
static json_t *build_request(int argc, char **argv, uint64_t *reps, int *rc)
{
	run_args_t a = { .params = json_object(), .events = json_array(), .reps = 1 };
	json_t *req = NULL;
	vb_error_t err;

	vb_error_clear(&err);
	*rc = vb_optparse(&run_spec, &a, argc, argv, &err);
	if (*rc == 0 && !vb_workload_find(a.workload))
		*rc = vb_error_set(&err, VB_EUSAGE, 0,
				   "unknown workload '%s' (see vbench-agent list)", a.workload);
	if (*rc < 0)
		fprintf(stderr, "vbench-agent: %s\n", err.msg);
	if (*rc == 0) {
		req = json_pack("{s:s,s:s,s:O,s:O}", "op", "run", "workload", a.workload, "params",
				a.params, "events", a.events);
		if (a.scratch)
			json_object_set_new(req, "scratch", json_string(a.scratch));
		if (a.allow)
			json_object_set_new(req, "allow_device", json_string(a.allow));
		*reps = a.reps;
	}
	json_decref(a.params);
	json_decref(a.events);
	*rc = *rc < 0 ? 2 : 0; /* 1: --help */
	return req;
}

static int cmd_run(int argc, char **argv)
{
	json_t *req, *reply;
	uint64_t reps, r;
	int failed = 0, rc;

	req = build_request(argc - 1, argv + 1, &reps, &rc);
	if (!req)
		return rc;
	for (r = 1; r <= reps; r++) {
		json_object_set_new(req, "id", json_integer((json_int_t)r));
		reply = vb_agent_handle_run(req);
		vb_agent_send(stdout, reply);
		if (!json_is_true(json_object_get(reply, "ok"))) {
			fprintf(stderr, "vbench-agent: %s\n",
				json_string_value(json_object_get(reply, "error")));
			failed = 1;
		}
		json_decref(reply);
	}
	json_decref(req);
	return failed;
}

static int cmd_serve(void)
{
	int rc = vb_agent_serve(stdin, stdout) < 0 ? 1 : 0;
	const char *hang = getenv("VBENCH_TEST_AGENT_HANG_AT_QUIT");

	if (hang && !strcmp(hang, "1")) {
		signal(SIGTERM, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		for (;;)
			pause(); /* only SIGKILL ends it */
	}
	return rc;
}

/* PID 1 of vbench's own container (harness/env/container.c execs it in the
 * root filesystem, so that every mapping of the container's processes lies
 * inside it, as CRIU's checkpoint needs): `serve` runs in a child, which
 * alone holds the channel (stdin, stdout); every process is reaped, and
 * init exits with serve's status (128+N after signal N). */
static int cmd_init(void)
{
	pid_t agent = fork(), w;
	int st;

	if (agent < 0) {
		fprintf(stderr, "vbench-agent init: fork: %s\n", strerror(errno));
		return 126;
	}
	if (agent == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		return cmd_serve();
	}
	close(0);
	close(1);
	for (;;) {
		w = waitpid(-1, &st, 0);
		if (w < 0 && errno != EINTR)
			return 127;
		if (w == agent)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
}

int main(int argc, char **argv)
{
	json_t *facts;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "serve"))
		return cmd_serve();
	if (!strcmp(argv[1], "init"))
		return cmd_init();
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (!strcmp(argv[1], "list"))
		return cmd_list();
	if (!strcmp(argv[1], "facts")) {
		facts = vb_hostinfo_collect(argc > 2 ? argv[2] : NULL);
		vb_agent_send(stdout, facts);
		json_decref(facts);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout, 0);
	if (!strcmp(argv[1], "--version")) {
		printf("vbench-agent %s (isa %s)\n", VB_VERSION, VB_ISA);
		return 0;
	}
	fprintf(stderr, "vbench-agent: unknown command '%s'\n", argv[1]);
	return usage(stderr, 2);
}
