/*
 * agent.h - the workload agent: the one program every environment runs.
 *
 * The harness talks to the agent over a byte stream (pipes on bare metal and
 * in containers, a serial port in VM guests) in JSON lines, one object per
 * line, at most VB_AGENT_MAX_LINE bytes:
 *
 *   agent -> harness, once at start:
 *     {"type":"ready","protocol":2,"agent_version":"...","pid":N,
 *      "hostname":"...","facts":{...hostinfo...},
 *      "inside":{pid, ppid, hostname, interfaces, cgroup, memory limit,
 *                capabilities, no_new_privs, read-only root}}
 *     ("inside" lets a reader verify the isolation an environment gives)
 *   harness -> agent:
 *     {"op":"run","id":N,"workload":"mem.stream","params":{"k":"v",...},
 *      "events":["PAPI_TOT_INS",...],"scratch":"/dir"}          (scratch optional)
 *     (a "scratch" that is a block device is refused unless the request
 *      also holds "allow_device" with the same path: the I/O workloads then
 *      write to the device itself, destroying its contents)
 *     {"op":"facts","scratch":"/dir"}
 *     {"op":"quit"}
 *     {"op":"hold","id":N,"bytes":B,"token":T}   (B bytes held, filled from T)
 *     {"op":"check","id":N}                      (the held bytes summed again)
 *     {"op":"beat","id":N,"period_ms":P,"duration_ms":D,"dirty_pages_per_s":R}
 *   the first two answer
 *     {"type":"held","id":N,"pid":P,"bytes":B,"token":T,"sum":"16 hex digits",
 *      "intact":true}
 *   ("intact": every word still what hold wrote); a beat sends
 *     {"type":"beat","id":N,"seq":K}
 *   every P ms while it dirties R pages a second of the held memory (content
 *   unchanged), until D ms passed or any line came (the harness's
 *   {"op":"beat_stop"}), then
 *     {"type":"beaten","id":N,"beats":K,"pages_dirtied":N,"elapsed_ns":N,
 *      "max_gap_ns":N}        (the longest gap between beats, agent's clock)
 *   a network workload's run request also holds "listen_port",
 *   "listen_addr", "io_timeout_ms" and, for an application workload,
 *   "program" (its server's path in the instance); its server answers
 *     {"type":"listening","id":N,"workload":"...","port":P}
 *   before its result (the harness's client runs then), and an
 *   application's server waits, after it, for
 *     {"op":"client_done","id":N}   (harness -> agent, no reply of its own)
 *   ("workdir" in its request: where its server may make a directory;
 *   a "quit" instead of "client_done" ends the run failed, then the agent)
 *   agent -> harness, one reply per request, in order, each echoing the
 *   request's "id" (when it had one) and, for a result, its "workload":
 *     {"type":"result","id":N,"ok":true,"workload":"...","params":{...},
 *      "elapsed_ns":N,"handled_ns":N,"ops":N,"bytes":N,"metrics":{"triad":...},
 *      "counters":{...},"counter_mode":"...","detail":{...}}
 *     {"type":"result","id":N,"workload":"...","ok":false,"error":"...",
 *      "error_kind":"check"}
 *     {"type":"facts","id":N,"facts":{...}}   {"type":"bye"}
 *     {"type":"error","id":N,"error":"..."}   (a request it cannot serve; no
 *      "id" when the line was not a JSON object)
 *   ("elapsed_ns" is the measured region; "handled_ns" the whole request in
 *   the agent, set-up included, both on the agent's own clock.)
 *
 * The harness takes a reply that does not answer the request in flight
 * (another id or workload, another type) as a protocol error, never as a
 * result (chan.h).  Every message is bounded: a line of at most
 * VB_AGENT_MAX_LINE bytes, nesting at most VB_AGENT_MAX_DEPTH objects and
 * arrays deep, strings and keys of at most VB_AGENT_MAX_STRING bytes, at
 * most VB_AGENT_MAX_MEMBERS members per object or array.  The harness
 * refuses a message past a bound (it would end up in run.json, 4 levels
 * deeper); the agent cuts its own messages to fit (vb_agent_send).  Of a
 * result, run.json keeps the documented fields above only ("metrics" the
 * workload's own, "counters" the events asked for), at most
 * VB_RUNFILE_MAX_RESULT bytes once stored (harness/core/runfile.h): anything
 * else is dropped, a larger result is a protocol error.  An "error" reply
 * with the request's id is a refusal, no protocol error.
 *
 * The same request can be given on the command line (`vbench-agent run`),
 * which prints one result line per repetition.
 *
 * Must not: know which environment it runs in: every environment starts the
 * same agent with the same requests.
 */
#ifndef VB_AGENT_H
#define VB_AGENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/error.h"

#define VB_AGENT_PROTOCOL 2 /* 2: replies echo the request's id and workload */
#define VB_AGENT_MAX_LINE (1u << 20)
#define VB_AGENT_MAX_DEPTH 32      /* objects and arrays nested in one message */
#define VB_AGENT_MAX_STRING 4096   /* bytes of one string or key */
#define VB_AGENT_MAX_MEMBERS 1024  /* members of one object or array */

/*
 * Execute one "run" request and return the reply object (never NULL unless
 * out of memory).  Failures, including a self-check that caught a wrong
 * answer, are replies with ok=false and a reason.  New reference.
 */
json_t *vb_agent_handle_run(const json_t *req);

/* The ready message (facts of the environment as seen from inside). */
json_t *vb_agent_ready_message(void);

/*
 * Handle one request line of @len bytes (without its newline; a NUL byte in
 * it is refused) and return the reply: "error" for a line that is not a
 * JSON object with a known op, a failed "result" for a run request that
 * does not check out, else what the op gives; *@quit is set on "quit".
 * With @dry_run nothing is executed: a run or facts request that checks out
 * (workload, parameters, events, scratch) gets {"type":"checked","op":OP}
 * (the fuzzer and the malformed-input tests use this).  New reference,
 * NULL only when memory runs out.
 */
json_t *vb_agent_handle_line(const char *line, size_t len, int dry_run, int *quit);

/* The held memory and the heartbeat (agent_hold.c): the replies to
 * "hold", "check" and "beat" (which sends its beats to @out and stops at a
 * line from @in); with @dry_run only the request is checked. */
json_t *vb_agent_handle_hold(const json_t *req, int dry_run);
json_t *vb_agent_handle_check(const json_t *req, int dry_run);
json_t *vb_agent_handle_beat(const json_t *req, int dry_run, FILE *in, FILE *out);

/*
 * Serve requests from @in, replies to @out, until "quit" or end of input.
 * Returns 0 on quit/EOF, -1 on an I/O error.
 */
int vb_agent_serve(FILE *in, FILE *out);

/* Write @obj as one compact line to @out and flush, first cut to the
 * protocol's bounds (vb_agent_bound with clip: what the agent collects about
 * its surroundings can be long).  Returns 0 or -1. */
int vb_agent_send(FILE *out, json_t *obj);

/*
 * Hold message @msg to the protocol's bounds (agent.h: VB_AGENT_MAX_DEPTH,
 * VB_AGENT_MAX_STRING, VB_AGENT_MAX_MEMBERS).  Without @clip (a message
 * received) the first excess is an error: -1 with @err (VB_EPROTO) naming
 * the field and the limit.  With @clip (the agent's own messages) what
 * exceeds a bound is cut instead (a string shortened at a character
 * boundary and marked "...[cut]", members past the limit dropped, a
 * container nested too deep replaced by null) and 0 returned.
 */
int vb_agent_bound(json_t *msg, int clip, vb_error_t *err);

#endif
