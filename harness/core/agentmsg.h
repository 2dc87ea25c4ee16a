/*
 * agentmsg.h - agent messages: what a message from an agent must be before
 * anything reads it (the ready message, the answer to the request in
 * flight, a result's fields and what run.json keeps of it), and the one
 * place requests to an agent are built and its refusals become errors.
 * The protocol itself is workloads/agent.h; the channel that carries the
 * messages is chan.h.  Must not: do I/O: it checks and builds JSON only.
 */
#ifndef VB_AGENTMSG_H
#define VB_AGENTMSG_H

#include <jansson.h>

#include "lib/error.h"

/*
 * Check a "result" reply before anything reads it (the agent runs in an
 * untrusted environment): "ok" a boolean; when true, "ops" and "elapsed_ns"
 * non-negative integers, "bytes" and "handled_ns" too when present,
 * "metrics" an object of numbers, "counters" (when present) an object whose
 * members have an integer "value" or "available": false with a "reason";
 * when false, "error" a string.  These are the fields run.json keeps and
 * reports read.  Returns 0, or -1 with @err (VB_EPROTO) naming the field.
 */
int vb_agent_check_result(const json_t *reply, vb_error_t *err);

struct vb_workload; /* workloads/workload.h */

/*
 * The result @reply (which passed vb_agent_check_result, "ok" true) to the
 * run request @req of workload @w as run.json keeps it: its documented
 * fields only ("workload" named as @w, "elapsed_ns", "handled_ns", "ops",
 * "bytes", "metrics", "counters", "counter_mode", "detail"), "metrics"
 * only the metrics @w declares, "counters" only the events @req asked for
 * ("events"), each with its documented members ("value", "source", "unit",
 * or "available" and "reason").  Whatever else an agent adds within the
 * bounds is dropped.  Returns a new object, NULL without memory.
 */
json_t *vb_agent_keep_result(const json_t *reply, const json_t *req, const struct vb_workload *w);

/*
 * Check an agent's first message @msg: a "ready" message (else VB_EPROTO)
 * naming VB_AGENT_PROTOCOL (else VB_EUNAVAIL, one line: "the agent speaks
 * protocol 1, this vbench needs 2: rebuild or give --agent the matching
 * vbench-agent"; an agent built from other sources cannot be talked to).
 * Returns 0 or -1 with @err.
 */
int vb_agent_check_ready(const json_t *msg, vb_error_t *err);

/* The request in flight: what the next message must answer.  A channel
 * (chan.h) keeps one, set by vb_agent_want_set when it sends. */
typedef struct vb_agent_want {
	int on;         /* a request is in flight (what follows describes it) */
	int has_id;     /* ... it carries an integer "id" */
	json_int_t id;
	char op[16];    /* its "op" */
	char wl[64];    /* its "workload" ("" none) */
} vb_agent_want_t;

/* Remember @req as the request in flight: its op, id and workload. */
void vb_agent_want_set(vb_agent_want_t *w, const json_t *req);

/*
 * Whether @reply answers the request in flight @want (its type @type or
 * "error", its id, a result's workload).  0, or -1 with @err (VB_EPROTO)
 * naming what was expected and what came.
 */
int vb_agent_check_answer(const vb_agent_want_t *want, const json_t *reply, const char *type,
			  vb_error_t *err);

/* ---- the requests to an agent, and its refusals as errors ---- */

struct vb_run_cfg;
struct vb_params;

#define VB_REQ_MEASURED 0x1 /* a measured repetition: the run's counter events, and
			     * the test hook VBENCH_TEST_CORRUPT (workload.h) */

/*
 * The one place a request to an agent is built.  A "run" request of
 * workload @w with parameters @p and id @id for the run @cfg: its events
 * (none unless VB_REQ_MEASURED), "scratch" for a workload that writes a
 * file (cfg->scratch, when set) and "allow_device" when that is the
 * allowed block device (the agent opens a device only when it is named
 * twice: agent.c).  New reference, NULL without memory.
 */
json_t *vb_agent_run_request(const struct vb_run_cfg *cfg, json_int_t id,
			     const struct vb_workload *w, const struct vb_params *p, unsigned flags);

/* Check a "held" reply (agent.h: hold, check): "pid" a positive integer,
 * "sum" 16 hex digits, "intact" a boolean.  0, or -1 with @err (VB_EPROTO). */
int vb_agent_check_held(const json_t *reply, vb_error_t *err);

/* {"op": @op, "id": @id} ("quit", "facts"), without an id when @id < 0.
 * New reference. */
json_t *vb_agent_op_request(const char *op, json_int_t id);

/*
 * The one place an agent's failed result becomes an error: @reply's
 * "error_kind" as a code (VB_ECHECK for "check", VB_EUSAGE "usage",
 * VB_EUNAVAIL "unavailable", else VB_ESYS) and its "error" as the message.
 * Returns -1.
 */
int vb_agent_reply_error(const json_t *reply, vb_error_t *err);

#endif
