/*
 * chan.h - the harness side of the agent protocol (workloads/agent.h).
 *
 * A channel is a pair of file descriptors to one running agent plus the
 * process that owns them.  Lines from an agent are untrusted input: each is
 * bounded (VB_AGENT_MAX_LINE, and in depth, strings and members: agent.h),
 * must be one JSON object, and every read has a deadline, so a hung
 * environment becomes a timeout error instead of a hang.
 *
 * Replies are matched to requests: the channel remembers the request in
 * flight (its op, id and workload) and the next message must answer it.  A
 * message that does not (another id or workload, an unexpected type: a
 * result sent twice, a stale line) is a protocol error, never a result, and
 * leaves the channel "broken": its stream is out of step and nothing more
 * is read from it; the caller stops the instance and starts a fresh one
 * (run_reps.c).  An "error" reply with the request's id is the agent's
 * refusal of that request: an answer, in step, so not a protocol error
 * (VB_EREFUSED).  The messages themselves are checked in agentmsg.c
 * (agentmsg.h), which knows nothing of the channel.
 *
 * Must not: check a message's fields (agentmsg.c does), or read without a
 * deadline.
 */
#ifndef VB_CHAN_H
#define VB_CHAN_H

#include <jansson.h>
#include <sys/types.h>

#include "harness/core/agentmsg.h"
#include "harness/core/cgroup.h"
#include "lib/error.h"

typedef struct vb_chan {
	pid_t pid;        /* process owning the agent (agent, runtime, QEMU); 0 none */
	int res;          /* registry handle of pid */
	int wfd;          /* requests go here */
	int rfd;          /* replies come from here */
	char *buf;        /* partial line buffer */
	size_t len;       /* bytes in buf */
	char name[64];    /* environment name, for messages */
	int dead;         /* the stream ended */
	int broken;       /* a protocol error: the stream is out of step, not read again */
	vb_agent_want_t want; /* the request in flight, which the next message must answer */
} vb_chan_t;

typedef struct vb_spawn {
	char *const *argv;           /* program and arguments (execv, no shell) */
	const vb_cgroup_t *cg;       /* cgroup to join before exec; may be NULL */
	const char *stderr_path;     /* file for the child's stderr; NULL: inherit */
	int stderr_fd;               /* > 2: the child's stderr instead (a descriptor the
				      * caller opened safely, e.g. the run's agent log) */
	const char *cpus;            /* CPU affinity list; NULL: unchanged */
	int (*child_hook)(void *arg);/* extra set-up in the child before exec; may be NULL */
	void *hook_arg;
} vb_spawn_t;

/*
 * Start a child with its stdin/stdout as the channel, in its own process
 * group, with a parent-death SIGKILL, joined to @sp->cg before exec.
 * Registered for release.  Returns 0 or -1 with @err set.
 */
int vb_chan_spawn(vb_chan_t *ch, const char *name, const vb_spawn_t *sp, vb_error_t *err);

/* Wrap already-open descriptors (e.g. a VM's serial socket). */
void vb_chan_init_fds(vb_chan_t *ch, const char *name, int wfd, int rfd);

/*
 * Carry the channel over to new descriptors (a VM migrated to a second
 * QEMU): what the old read descriptor still holds is read into the buffer
 * first, so a line the guest began through the old process and finished
 * through the new one stays whole; the old descriptors are closed.  The
 * owning process (pid, res) is the caller's to change.  0, or -1 with
 * @err (VB_EPROTO: more than a line's worth left; the switch is made).
 */
int vb_chan_switch(vb_chan_t *ch, int wfd, int rfd, vb_error_t *err);

/* Send one object as a line and remember it as the request in flight
 * (also on a broken channel: "quit" must still reach the agent).  Returns 0
 * or -1 (VB_ESYS). */
int vb_chan_send(vb_chan_t *ch, const json_t *obj, vb_error_t *err);

/* Send one object as a line that is no request (the request in flight
 * stays: an application's "client_done", agent.h).  0 or -1 (VB_ESYS). */
int vb_chan_notify(vb_chan_t *ch, const json_t *obj, vb_error_t *err);

/*
 * Wait up to @timeout_ms for the next line and parse it as a JSON object
 * within the protocol's bounds (vb_agent_bound).  Lines that are not JSON
 * objects are skipped when @skip_junk (a guest console may interleave
 * text), else an error; an object past a bound is always an error.
 * Returns a new reference, or NULL with @err: VB_ETIMEOUT, VB_EPROTO
 * (oversized/malformed line, a bound exceeded: the channel is then broken),
 * VB_ESYS (stream closed: the agent died), VB_EINTR (interrupted by a
 * signal flag).
 */
json_t *vb_chan_recv(vb_chan_t *ch, int timeout_ms, int skip_junk, vb_error_t *err);

/*
 * Wait up to @timeout_ms for the answer to the request in flight, which
 * must be the very next message: of @type ("result", "facts"; "listening",
 * a network workload's interim answer, after which the request stays in
 * flight for its result), or an
 * "error" refusal, with the request's id (when it had one) and, for a
 * result, its workload; a result must pass vb_agent_check_result.  Returns
 * the reply (new reference; the request is no longer in flight), or NULL
 * with @err as vb_chan_recv, or VB_EPROTO naming what was expected and
 * what came (the channel is then broken), or VB_EREFUSED with the agent's
 * reason for a refusal that answers the request (no protocol error: the
 * agent is in step, the channel stays usable, and the request is no
 * longer in flight).
 */
json_t *vb_chan_answer(vb_chan_t *ch, const char *type, int timeout_ms, vb_error_t *err);

/* Send a request and wait for its answer (vb_chan_send + vb_chan_answer).
 * A request given up on (VB_ETIMEOUT) leaves the channel broken: its
 * answer may still come and must never be read as the next one's. */
json_t *vb_chan_call(vb_chan_t *ch, const json_t *req, const char *type, int timeout_ms,
		     vb_error_t *err);

/*
 * Stop the agent: send quit, wait up to @grace_ms for the process to exit,
 * then SIGKILL.  Closes descriptors, reaps, drops the registry entry.
 * Returns the wait status or -1.
 */
int vb_chan_close(vb_chan_t *ch, int grace_ms);

#endif
