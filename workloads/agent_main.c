/*
 * agent_main.c - vbench-agent: runs named workloads with explicit parameters.
 *
 *   vbench-agent serve                   JSON-lines protocol on stdin/stdout
 *   vbench-agent run WORKLOAD [--param KEY=VALUE]... [--events A,B]
 *                [--scratch DIR] [--reps N]   one JSON record per repetition
 *                [--allow-device DEV]  --scratch DEV may be this block device
 *   vbench-agent list                    workloads and their parameters (JSON)
 *   vbench-agent facts [DIR]             what this environment looks like
 *
 * The same binary runs unmodified on the host, in containers and in guests.
 *
 * Test hook: VBENCH_TEST_AGENT_HANG_AT_QUIT=1 makes `serve` answer "quit"
 * and then hang with SIGTERM, SIGINT and SIGHUP ignored, so a test can show
 * that a stop is bounded by --stop-timeout (docs/reliability.md).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/counters.h"
#include "lib/hostinfo.h"
#include "lib/util.h"
#include "workloads/agent.h"
#include "workloads/workload.h"

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: vbench-agent serve\n"
		   "       vbench-agent run WORKLOAD [--param KEY=VALUE]... [--events A,B]\n"
		   "                    [--scratch DIR|DEV [--allow-device DEV]] [--reps N]\n"
		   "       vbench-agent list\n"
		   "       vbench-agent facts [DIR]\n");
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

/* Build a run request from the command line; NULL after printing an error. */
static json_t *build_request(int argc, char **argv, uint64_t *reps)
{
	json_t *req, *params = json_object(), *events = json_array();
	const char *scratch = NULL, *allow = NULL;
	vb_error_t err;
	char *eq, *tok, *save, buf[1024];
	int i;

	*reps = 1;
	for (i = 3; i < argc; i++) {
		if (i + 1 >= argc)
			goto bad;
		if (!strcmp(argv[i], "--param")) {
			eq = strchr(argv[++i], '=');
			if (!eq || eq == argv[i])
				goto bad;
			*eq = '\0';
			json_object_set_new(params, argv[i], json_string(eq + 1));
		} else if (!strcmp(argv[i], "--events")) {
			snprintf(buf, sizeof(buf), "%s", argv[++i]);
			json_array_clear(events);
			if (!strcmp(buf, "none"))
				continue; /* as `vbench run --events none` */
			for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				json_array_append_new(events, json_string(tok));
		} else if (!strcmp(argv[i], "--scratch")) {
			scratch = argv[++i];
		} else if (!strcmp(argv[i], "--allow-device")) {
			allow = argv[++i];
		} else if (!strcmp(argv[i], "--reps")) {
			if (vb_parse_u64(argv[++i], 1, 1000000, "--reps", reps, &err) < 0) {
				fprintf(stderr, "vbench-agent: %s\n", err.msg);
				goto fail;
			}
		} else {
			goto bad;
		}
	}
	req = json_pack("{s:s,s:s,s:o,s:o}", "op", "run", "workload", argv[2], "params", params,
			"events", events);
	if (scratch)
		json_object_set_new(req, "scratch", json_string(scratch));
	if (allow)
		json_object_set_new(req, "allow_device", json_string(allow));
	return req;
bad:
	fprintf(stderr, "vbench-agent: bad argument '%s'\n", i < argc ? argv[i] : "");
	usage(stderr, 2);
fail:
	json_decref(params);
	json_decref(events);
	return NULL;
}

static int cmd_run(int argc, char **argv)
{
	json_t *req, *reply;
	uint64_t reps, r;
	int failed = 0;

	if (argc < 3)
		return usage(stderr, 2);
	if (!vb_workload_find(argv[2])) {
		fprintf(stderr, "vbench-agent: unknown workload '%s' (see vbench-agent list)\n",
			argv[2]);
		return 2;
	}
	req = build_request(argc, argv, &reps);
	if (!req)
		return 2;
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

int main(int argc, char **argv)
{
	json_t *facts;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "serve")) {
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
