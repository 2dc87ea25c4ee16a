/*
 * instance.h - extra instances of an environment, for the measurements that
 * need several at once (density.h, noisy.h).
 *
 * The run's own instance of each environment lives in runner.c; these are
 * further ones, started with the same backend table and the same allocation
 * policy.  Each instance has its own copy of the run's configuration (so a
 * neighbour can be given other CPUs) and a tag ("-d2", "-nv") that the
 * backend appends to every name it makes (cgroup vbench-<pid>-<env><tag>,
 * disk image, OCI container id, console log), so instances never collide.
 * Everything a backend creates is in the resource registry from the moment
 * it exists, so an interrupted measurement leaves nothing behind.
 */
#ifndef VB_INSTANCE_H
#define VB_INSTANCE_H

#include <jansson.h>
#include <stdint.h>

#include "workloads/workload.h"
#include "harness/env/env.h"
#include "lib/error.h"
#include "harness/core/options.h"

typedef struct vb_inst {
	vb_env_t env;	   /* the instance (env.cfg points at cfg) */
	vb_run_cfg_t *cfg; /* its own copy of the run's configuration, owned */
	int up;		   /* started and not stopped */
	int busy;	   /* a request is in flight (vb_inst_send) */
	uint64_t sent_ns;  /* when the request in flight was sent */
	json_int_t next_id; /* id of its next request: ids never repeat on one instance */
	int stop_timed_out; /* the last vb_inst_stop exceeded --stop-timeout: killed */
} vb_inst_t;

/*
 * Bring up an instance of @ops (vb_env_up, as every instance) with a copy
 * of @cfg, tagged @tag ("-d1"), on the CPU list @cpus (NULL: the run's).
 * Returns 0 (the start latency in env.start_ns), or -1 with @err; nothing
 * of a failed start remains.  Requests: vb_agent_run_request (chan.h).
 */
int vb_inst_start(vb_inst_t *in, const vb_env_ops_t *ops, const vb_run_cfg_t *cfg, const char *tag,
		  const char *cpus, vb_error_t *err);

/* Take the instance down (vb_env_down) and release everything it made; the
 * stop latency in ns (0 if it was not up).  Safe on a zeroed or stopped
 * instance. */
uint64_t vb_inst_stop(vb_inst_t *in);

/* Host memory of the instance now: {pss_bytes, processes, page_cache_bytes}
 * of its cgroup (runner.c's definition), or null without a cgroup. */
json_t *vb_inst_footprint(vb_inst_t *in);

/* PSS in bytes of a vb_inst_footprint object (0 for null). */
uint64_t vb_inst_pss(const json_t *fp);

/* {own_bytes, shared_bytes} from the backend's disk_usage, or null. */
json_t *vb_inst_disk(vb_inst_t *in);

/*
 * One synchronous repetition (the backend's run hook).  Returns the agent's
 * reply when it is ok, else NULL with @err (the agent's error, VB_EINTR...).
 * vb_inst_call and vb_inst_send give the request the instance's next id
 * (whatever @req holds), so a stale or repeated reply never passes for the
 * answer to a later request (chan.h).
 */
json_t *vb_inst_call(vb_inst_t *in, const json_t *req, vb_error_t *err);

/* Asynchronous: send (marks busy) and receive one reply (clears busy; NULL
 * with @err as vb_inst_call).  @timeout_ms bounds the wait. */
int vb_inst_send(vb_inst_t *in, const json_t *req, vb_error_t *err);
json_t *vb_inst_recv(vb_inst_t *in, int timeout_ms, vb_error_t *err);

#define VB_INST_MAX_WAIT 64 /* instances vb_inst_wait_any watches at most */

/*
 * Wait up to @timeout_ms until one of the @n instances has a reply ready to
 * read; returns its index, -1 on timeout, -2 when interrupted.  Only busy
 * instances are watched.
 */
int vb_inst_wait_any(vb_inst_t *const *ins, size_t n, int timeout_ms);

/* The host's CPUs online (/sys/devices/system/cpu/online) as a mask; 0 if unknown. */
uint64_t vb_inst_online_cpus(void);

#endif
