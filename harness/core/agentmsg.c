/*
 * agentmsg.c - what a message from an agent must be before anything reads
 * it (chan.h, the protocol in workloads/agent.h).  An agent runs in an
 * environment vbench measures but does not trust (a guest, a container), so
 * its messages are held to the protocol's bounds (depth, string length,
 * members: what run.json can hold once a message is embedded in it), a
 * reply must answer the request in flight (id, workload, type), a result
 * must have the fields run.json keeps, with their types, and the ready
 * message must name this vbench's protocol.  The bounds themselves are the
 * protocol's (workloads/agent_bound.c), which the agent cuts its own
 * messages to, so an honest agent never trips them.
 */
#include "harness/core/agentmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/agent.h"
#include "workloads/workload.h"
#include "harness/core/options.h"
#include "lib/textsafe.h"
#include "lib/util.h"

/* ---- the ready message ---- */

int vb_agent_check_ready(const json_t *msg, vb_error_t *err)
{
	json_t *proto = json_object_get(msg, "protocol");

	if (strcmp(json_string_value(json_object_get(msg, "type")) ?: "", "ready"))
		return vb_error_set(err, VB_EPROTO, 0, "first message was not 'ready'");
	if (!json_is_integer(proto))
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "the agent names no protocol, this vbench needs %d: rebuild or "
				    "give --agent the matching vbench-agent",
				    VB_AGENT_PROTOCOL);
	if (json_integer_value(proto) != VB_AGENT_PROTOCOL)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "the agent speaks protocol %" JSON_INTEGER_FORMAT
				    ", this vbench needs %d: rebuild or give --agent the matching "
				    "vbench-agent",
				    json_integer_value(proto), VB_AGENT_PROTOCOL);
	return 0;
}

/* ---- the answer to the request in flight ---- */

/* "request 7 (mem.stream)" of the reply @o, into @buf. */
static const char *came_for(const json_t *o, char *buf, size_t len)
{
	json_t *id = json_object_get(o, "id"), *wl = json_object_get(o, "workload");
	char idtext[40], name[68];

	if (json_is_integer(id))
		snprintf(idtext, sizeof(idtext), "request %" JSON_INTEGER_FORMAT,
			 json_integer_value(id));
	else
		snprintf(idtext, sizeof(idtext), "%s", id ? "a request id that is not an integer"
							  : "no request id");
	if (json_is_string(wl))
		snprintf(buf, len, "%s (%s)", idtext,
			 vb_text_term(json_string_value(wl), name, sizeof(name)));
	else
		snprintf(buf, len, "%s%s", idtext, wl ? " (a workload that is not a string)" : "");
	return buf;
}

void vb_agent_want_set(vb_agent_want_t *w, const json_t *req)
{
	json_t *id = json_object_get(req, "id");

	w->on = 1;
	w->has_id = json_is_integer(id);
	w->id = json_integer_value(id);
	snprintf(w->op, sizeof(w->op), "%s",
		 json_string_value(json_object_get(req, "op")) ?: "");
	snprintf(w->wl, sizeof(w->wl), "%s",
		 json_string_value(json_object_get(req, "workload")) ?: "");
}

int vb_agent_check_answer(const vb_agent_want_t *want, const json_t *reply, const char *type,
			  vb_error_t *err)
{
	const char *got = json_string_value(json_object_get(reply, "type")) ?: "?";
	json_t *id = json_object_get(reply, "id"), *wl = json_object_get(reply, "workload");
	char wanted[160], came[200];
	int is_result = !strcmp(got, "result");

	if (!want->on)
		return vb_error_set(err, VB_EPROTO, 0,
				    "reply out of step: a '%.32s' message for %s while no request "
				    "is in flight",
				    got, came_for(reply, came, sizeof(came)));
	if (want->has_id)
		snprintf(wanted, sizeof(wanted), "request %" JSON_INTEGER_FORMAT "%s%s%s", want->id,
			 want->wl[0] ? " (" : "", want->wl, want->wl[0] ? ")" : "");
	else
		snprintf(wanted, sizeof(wanted), "the '%s' request", want->op);
	/* a network workload's server that fails before it listens answers
	 * the "listening" wait with its (failed) result */
	if (strcmp(got, type) && strcmp(got, "error") && !(is_result && !strcmp(type, "listening")))
		return vb_error_set(err, VB_EPROTO, 0,
				    "reply out of step: expected a '%s' reply to %s, got a '%.32s' "
				    "message for %s",
				    type, wanted, got, came_for(reply, came, sizeof(came)));
	if ((want->has_id && (!json_is_integer(id) || json_integer_value(id) != want->id)) ||
	    (is_result && want->wl[0] &&
	     (!json_is_string(wl) || strcmp(json_string_value(wl), want->wl))))
		return vb_error_set(err, VB_EPROTO, 0,
				    "reply out of step: expected the reply to %s, got one for %s",
				    wanted, came_for(reply, came, sizeof(came)));
	return 0;
}

/* ---- a result's fields ---- */

/* "field 'FIELD' WHAT" (VB_EPROTO); returns -1. */
static int bad_result(vb_error_t *err, const char *field, const char *what)
{
	return vb_error_set(err, VB_EPROTO, 0, "malformed result from the agent: field '%s' %s",
			    field, what);
}

static int is_count(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

static int check_counters(const json_t *counters, vb_error_t *err)
{
	const char *key;
	char f[96];
	json_t *v;

	if (!counters)
		return 0;
	if (!json_is_object(counters))
		return bad_result(err, "counters", "is not an object");
	json_object_foreach((json_t *)counters, key, v) {
		if (json_is_integer(json_object_get(v, "value")) ||
		    (json_is_false(json_object_get(v, "available")) &&
		     json_is_string(json_object_get(v, "reason"))))
			continue;
		snprintf(f, sizeof(f), "counters.%.64s", key);
		return bad_result(err, f, "has neither an integer value nor a reason");
	}
	return 0;
}

int vb_agent_check_result(const json_t *reply, vb_error_t *err)
{
	static const char *const counts[] = { "ops", "elapsed_ns" };
	static const char *const optional[] = { "bytes", "handled_ns", "steal_ns" };
	json_t *metrics = json_object_get(reply, "metrics"), *v;
	const char *key;
	char f[96];
	size_t k;

	if (!json_is_object(reply))
		return vb_error_set(err, VB_EPROTO, 0,
				    "malformed result from the agent: not an object");
	if (!json_is_boolean(json_object_get(reply, "ok")))
		return bad_result(err, "ok", "is missing or not a boolean");
	if (!json_is_true(json_object_get(reply, "ok"))) {
		if (!json_is_string(json_object_get(reply, "error")))
			return bad_result(err, "error", "is missing or not a string");
		v = json_object_get(reply, "error_kind");
		return v && !json_is_string(v) ? bad_result(err, "error_kind", "is not a string")
					       : 0;
	}
	for (k = 0; k < VB_ARRAY_SIZE(counts); k++)
		if (!is_count(json_object_get(reply, counts[k])))
			return bad_result(err, counts[k],
					  "is missing or not a non-negative integer");
	for (k = 0; k < VB_ARRAY_SIZE(optional); k++)
		if (json_object_get(reply, optional[k]) &&
		    !is_count(json_object_get(reply, optional[k])))
			return bad_result(err, optional[k], "is not a non-negative integer");
	if (!json_is_object(metrics))
		return bad_result(err, "metrics", "is missing or not an object");
	json_object_foreach(metrics, key, v)
		if (!json_is_number(v)) {
			snprintf(f, sizeof(f), "metrics.%.64s", key);
			return bad_result(err, f, "is not a number");
		}
	v = json_object_get(reply, "counter_mode");
	if (v && !json_is_string(v))
		return bad_result(err, "counter_mode", "is not a string");
	v = json_object_get(reply, "detail");
	if (v && !json_is_object(v))
		return bad_result(err, "detail", "is not an object");
	return check_counters(json_object_get(reply, "counters"), err);
}

/* ---- what run.json keeps of a result ---- */

/* Member @key of @from into @to when it is there (shared: the values kept
 * whole are never changed). */
static void keep(json_t *to, const json_t *from, const char *key)
{
	json_t *v = json_object_get(from, key);

	if (v)
		json_object_set(to, key, v);
}

/* Counter @c (checked: a value, or a reason why none) with its documented
 * members only. */
static json_t *keep_counter(const json_t *c)
{
	static const char *const with_value[] = { "value", "source", "unit" };
	static const char *const without[] = { "available", "reason" };
	int has_value = json_is_integer(json_object_get(c, "value"));
	const char *const *members = has_value ? with_value : without;
	size_t n = has_value ? VB_ARRAY_SIZE(with_value) : VB_ARRAY_SIZE(without), i;
	json_t *o = json_object();

	for (i = 0; o && i < n; i++)
		keep(o, c, members[i]);
	return o;
}

json_t *vb_agent_keep_result(const json_t *reply, const json_t *req, const vb_workload_t *w)
{
	static const char *const fields[] = { "elapsed_ns", "handled_ns", "steal_ns", "ops",
					      "bytes", "counter_mode", "detail" };
	json_t *res = json_object(), *metrics = json_object(), *counters = json_object(), *v, *e;
	json_t *m = json_object_get(reply, "metrics"), *c = json_object_get(reply, "counters");
	size_t i;

	if (!res || !metrics || !counters) {
		json_decref(res);
		json_decref(metrics);
		json_decref(counters);
		return NULL;
	}
	json_object_set_new(res, "workload", json_string(w->name));
	for (i = 0; i < VB_ARRAY_SIZE(fields); i++)
		keep(res, reply, fields[i]);
	for (i = 0; i < w->nmetrics; i++)
		if (json_is_number(json_object_get(m, w->metrics[i].name)))
			keep(metrics, m, w->metrics[i].name);
	json_array_foreach(json_object_get(req, "events"), i, e) {
		v = json_object_get(c, json_string_value(e) ?: "");
		if (json_is_object(v))
			json_object_set_new(counters, json_string_value(e), keep_counter(v));
	}
	json_object_set_new(res, "metrics", metrics);
	if (c)
		json_object_set_new(res, "counters", counters);
	else
		json_decref(counters);
	return res;
}

/* ---- requests, and refusals as errors ------------------------------------ */

json_t *vb_agent_run_request(const vb_run_cfg_t *cfg, json_int_t id, const vb_workload_t *w,
			     const vb_params_t *p, unsigned flags)
{
	const char *corrupt = getenv("VBENCH_TEST_CORRUPT");
	json_t *ev = json_array(), *req;
	size_t i;

	for (i = 0; (flags & VB_REQ_MEASURED) && i < cfg->nevents; i++)
		json_array_append_new(ev, json_string(cfg->events[i]));
	req = json_pack("{s:s,s:I,s:s,s:o,s:o}", "op", "run", "id", id, "workload", w->name,
			"params", vb_params_to_json(p), "events", ev);
	if (!req)
		return NULL;
	/* Test hook: VBENCH_TEST_CORRUPT=GLOB makes matching workloads falsify
	 * their answer, proving a wrong answer is caught and recorded. */
	if ((flags & VB_REQ_MEASURED) && corrupt && vb_glob_match(corrupt, w->name))
		json_object_set_new(req, "corrupt", json_true());
	if ((w->flags & VB_W_SCRATCH) && cfg->scratch[0])
		json_object_set_new(req, "scratch", json_string(cfg->scratch));
	/* Validated by vb_prepare_scratch: the agent opens a block device only
	 * when the request names it twice (agent.c). */
	if ((w->flags & VB_W_SCRATCH) && cfg->scratch_device)
		json_object_set_new(req, "allow_device", json_string(cfg->scratch));
	return req;
}

json_t *vb_agent_op_request(const char *op, json_int_t id)
{
	return id < 0 ? json_pack("{s:s}", "op", op) : json_pack("{s:s,s:I}", "op", op, "id", id);
}

int vb_agent_reply_error(const json_t *reply, vb_error_t *err)
{
	static const struct {
		const char *kind;
		vb_errcode_t code;
	} kinds[] = { { "check", VB_ECHECK }, { "usage", VB_EUSAGE }, { "unavailable", VB_EUNAVAIL } };
	const char *k = json_string_value(json_object_get(reply, "error_kind"));
	vb_errcode_t code = VB_ESYS;
	size_t i;

	for (i = 0; k && i < VB_ARRAY_SIZE(kinds); i++)
		if (!strcmp(k, kinds[i].kind))
			code = kinds[i].code;
	return vb_error_set(err, code, 0, "%s",
			    json_string_value(json_object_get(reply, "error")) ?: "failed");
}

int vb_agent_check_held(const json_t *reply, vb_error_t *err)
{
	const char *sum = json_string_value(json_object_get(reply, "sum"));
	json_t *pid = json_object_get(reply, "pid");

	if (!json_is_integer(pid) || json_integer_value(pid) <= 0)
		return vb_error_set(err, VB_EPROTO, 0, "held: \"pid\" is not a positive integer");
	if (!sum || strlen(sum) != 16 || strspn(sum, "0123456789abcdef") != 16)
		return vb_error_set(err, VB_EPROTO, 0, "held: \"sum\" is not 16 hex digits");
	if (!json_is_boolean(json_object_get(reply, "intact")))
		return vb_error_set(err, VB_EPROTO, 0, "held: \"intact\" is not a boolean");
	return 0;
}
