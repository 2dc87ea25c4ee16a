/*
 * fuzz_agent_stream.c - the harness side of the agent protocol: bytes from a
 * guest or container (an untrusted environment) through a pipe into
 * vb_chan_recv / vb_chan_call (harness/core/chan.c: line framing, JSON,
 * vb_agent_check_result), then what the runner and the report do with a
 * result reply: the runner's record of the repetition (harness/run/run_reps.c
 * run_slot: the fields kept by vb_agent_keep_result, clock check,
 * vb_counters_derive), the report's check of it
 * (vb_summary_check_run) and the summary computed from it.
 *
 * Input: first byte: bit 0 chooses vb_chan_recv with junk skipping (how the
 * ready message is awaited) or vb_chan_call (how results are); the rest is
 * the stream, at most a pipe's capacity.  Contract checked: every refusal
 * is one line; a result vb_chan_call returns answers its request (id and
 * workload); a result vb_agent_check_result accepts is accepted by the
 * report as well (the run cannot be made unreportable by a guest).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/agentmsg.h"
#include "harness/core/chan.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/summary.h"
#include "workloads/workload.h"
#include "fuzz/fuzz.h"

#define PIPE_BYTES (1 << 20)

/* A run with one environment and one workload, to which a repetition is added. */
static json_t *empty_run(void)
{
	return json_pack("{s:s,s:i,s:{s:{s:s},s:{s:s}},s:[{s:s,s:s,s:s,s:b,s:b}],"
			 "s:[{s:s,s:s,s:[{s:s,s:s,s:s}]}],s:[],s:[],s:s}",
			 "schema", "vbench-run", "schema_version", 1, "host", "cpu", "brand",
			 "fuzz", "kernel", "release", "fuzz", "environments", "name", "bare",
			 "type", "bare metal", "mechanism", "none", "available", 1, "baseline", 1,
			 "workloads", "name", "cpu.int", "kind", "cpu", "metrics", "name", "mops",
			 "unit", "Mop/s", "better", "higher", "repetitions", "warnings", "created",
			 "2026-01-01T00:00:00.000Z");
}

/* The runner's record of a reply to @req (run_slot), the report's check, a summary. */
static void record(const json_t *reply, const json_t *req)
{
	json_t *run = empty_run(), *rec, *res;
	json_int_t guest = json_integer_value(json_object_get(reply, "elapsed_ns"));
	vb_summary_cfg_t cfg;
	vb_error_t err;
	json_t *sum;

	VB_FUZZ_ASSERT(run, "empty run");
	rec = json_pack("{s:s,s:s,s:i,s:I,s:I,s:n}", "env", "bare", "workload", "cpu.int", "rep", 1,
			"host_elapsed_ns", (json_int_t)1000000, "steal_ns", (json_int_t)0,
			"host_cpu_ns");
	if (json_is_true(json_object_get(reply, "ok"))) {
		res = vb_agent_keep_result(reply, req, vb_workload_find("cpu.int"));
		VB_FUZZ_ASSERT(res, "result kept");
		json_object_set_new(
		    res, "derived",
		    vb_counters_derive(json_object_get(res, "counters"),
				       (uint64_t)json_integer_value(json_object_get(res, "ops"))));
		json_object_set_new(rec, "ok", json_true());
		json_object_set_new(rec, "clock_check",
				    json_pack("{s:I,s:f,s:b}", "guest_ns", guest, "guest_to_host",
					      (double)guest / 1e6, "guest_clock_suspect",
					      (double)guest > 1.05e6));
		json_object_set_new(rec, "result", res);
	} else {
		json_object_set_new(rec, "ok", json_false());
		json_object_set(rec, "error", json_object_get(reply, "error"));
		json_object_set(rec, "error_kind", json_object_get(reply, "error_kind"));
	}
	json_array_append_new(json_object_get(run, "repetitions"), rec);
	vb_error_clear(&err);
	if (vb_summary_check_run(run, "run.json", &err) < 0)
		vb_fuzz_fail(__FILE__, __LINE__, err.msg); /* the agent check let it through */
	vb_summary_cfg_init(&cfg);
	cfg.resamples = VB_FUZZ_RESAMPLES;
	sum = vb_summary_build(run, &cfg, &err);
	VB_FUZZ_ASSERT(sum, "a checked run has no summary");
	json_decref(sum);
	json_decref(run);
}

/* Read every message of the stream; @call: as vb_chan_call does. */
static void drain(vb_chan_t *ch, int call)
{
	json_t *req = json_pack("{s:s,s:i,s:s}", "op", "run", "id", 1, "workload", "cpu.int"), *o;
	vb_error_t err;
	int i;

	for (i = 0; i < 100000; i++) {
		/* each request its own id, as the runner sends them */
		json_object_set_new(req, "id", json_integer(i + 1));
		vb_error_clear(&err);
		o = call ? vb_chan_call(ch, req, "result", 1000, &err)
			 : vb_chan_recv(ch, 1000, 1, &err);
		if (!o) {
			vb_fuzz_check_error(&err);
			VB_FUZZ_ASSERT(err.code != VB_ETIMEOUT, "timeout on a closed stream");
			if (err.code == VB_ESYS || ch->broken)
				break; /* the stream ended, or is out of step for good */
			continue;
		}
		VB_FUZZ_ASSERT(json_is_string(json_object_get(o, "type")),
			       "message without a type");
		if (!strcmp(json_string_value(json_object_get(o, "type")), "result")) {
			VB_FUZZ_ASSERT(!call || vb_agent_check_result(o, NULL) == 0,
				       "an unchecked result");
			VB_FUZZ_ASSERT(!call || (json_integer_value(json_object_get(o, "id")) == i + 1 &&
						 !strcmp(json_string_value(json_object_get(
							     o, "workload")) ?: "",
							 "cpu.int")),
				       "a result that answers another request");
			if (vb_agent_check_result(o, &err) == 0)
				record(o, req);
			else
				vb_fuzz_check_error(&err);
		}
		json_decref(o);
	}
	json_decref(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int p[2], devnull;
	vb_chan_t ch;
	int call;

	if (size < 1)
		return 0;
	call = !(data[0] & 1);
	data++;
	size--;
	VB_FUZZ_ASSERT(pipe2(p, O_CLOEXEC) == 0, "pipe");
	if (fcntl(p[1], F_SETPIPE_SZ, PIPE_BYTES) < PIPE_BYTES && size > 65536)
		size = 65536;
	if (size > PIPE_BYTES)
		size = PIPE_BYTES;
	VB_FUZZ_ASSERT(!size || write(p[1], data, size) == (ssize_t)size, "write pipe");
	close(p[1]);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC); /* where requests go */
	VB_FUZZ_ASSERT(devnull >= 0, "open /dev/null");
	vb_chan_init_fds(&ch, "fuzz", devnull, p[0]);
	drain(&ch, call);
	vb_chan_close(&ch, 0);
	return 0;
}
