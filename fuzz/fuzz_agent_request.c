/*
 * fuzz_agent_request.c - the agent side of the protocol: one request line
 * as the agent reads it from the harness (workloads/agent.c
 * vb_agent_handle_line: JSON, the op, and for "run" the workload, its
 * parameters against the descriptor, the counter events, the scratch
 * directory).
 *
 * Dry run only: a request that checks out is answered "checked" and never
 * executed, so no workload runs and no file is written whatever the input.
 * Contract checked: every reply is one object of a known type that encodes
 * as one line (vb_agent_send); a refused run request is a failed "result"
 * with a reason.
 */
#include <stdlib.h>
#include <string.h>

#include "workloads/agent.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *type;
	json_t *reply;
	int quit = 0;
	char *line;

	reply = vb_agent_handle_line((const char *)data, size, 1, &quit);
	VB_FUZZ_ASSERT(reply, "no reply");
	type = json_string_value(json_object_get(reply, "type"));
	VB_FUZZ_ASSERT(type, "reply without a type");
	if (!strcmp(type, "result")) {
		VB_FUZZ_ASSERT(json_is_false(json_object_get(reply, "ok")), "a run in a dry run");
		VB_FUZZ_ASSERT(json_is_string(json_object_get(reply, "error")),
			       "failure without a reason");
	} else {
		VB_FUZZ_ASSERT(!strcmp(type, "checked") || !strcmp(type, "error") ||
				   !strcmp(type, "bye"),
			       "unknown reply type");
	}
	VB_FUZZ_ASSERT(!quit || !strcmp(type, "bye"), "quit without bye");
	line = json_dumps(reply, JSON_COMPACT | JSON_ENSURE_ASCII);
	VB_FUZZ_ASSERT(line && !strchr(line, '\n'), "a reply that is not one line");
	free(line);
	VB_FUZZ_ASSERT(vb_agent_send(vb_fuzz_null(), reply) == 0, "send");
	json_decref(reply);
	return 0;
}
