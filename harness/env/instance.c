/*
 * instance.c - extra instances of an environment (instance.h).
 */
#include "harness/env/instance.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/agentmsg.h"
#include "harness/core/cgroup.h"
#include "harness/core/undo.h"
#include "lib/util.h"

int vb_inst_start(vb_inst_t *in, const vb_env_ops_t *ops, const vb_run_cfg_t *cfg, const char *tag,
		  const char *cpus, vb_error_t *err)
{
	memset(in, 0, sizeof(*in));
	in->cfg = malloc(sizeof(*in->cfg));
	if (!in->cfg)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s%s: configuration", ops->name, tag);
	*in->cfg = *cfg;
	in->cfg->quiet = 1; /* the callers say what happens, once */
	if (cpus)
		snprintf(in->cfg->env_cpus, sizeof(in->cfg->env_cpus), "%s", cpus);
	vb_env_init(&in->env, ops, in->cfg, tag);
	if (vb_env_up(&in->env, err) < 0) {
		free(in->cfg);
		in->cfg = NULL;
		return -1;
	}
	in->up = 1;
	return 0;
}

uint64_t vb_inst_stop(vb_inst_t *in)
{
	uint64_t dt;

	if (!in->cfg)
		return 0;
	dt = vb_env_down(&in->env);
	in->stop_timed_out = in->env.stop_timed_out;
	in->up = 0;
	in->busy = 0;
	free(in->cfg);
	in->cfg = NULL;
	return dt;
}

json_t *vb_inst_footprint(vb_inst_t *in)
{
	uint64_t pss, nprocs, cache;

	if (!in->up || !in->env.have_cg ||
	    vb_cgroup_footprint(&in->env.cg, &pss, &nprocs, &cache) < 0)
		return json_null();
	return json_pack("{s:I,s:I,s:I}", "pss_bytes", (json_int_t)pss, "processes",
			 (json_int_t)nprocs, "page_cache_bytes", (json_int_t)cache);
}

uint64_t vb_inst_pss(const json_t *fp)
{
	json_int_t v = json_integer_value(json_object_get(fp, "pss_bytes"));

	return v > 0 ? (uint64_t)v : 0;
}

json_t *vb_inst_disk(vb_inst_t *in)
{
	uint64_t own = 0, shared = 0;

	if (!in->up || !in->env.ops->disk_usage ||
	    in->env.ops->disk_usage(&in->env, &own, &shared) < 0)
		return json_null();
	return json_pack("{s:I,s:I}", "own_bytes", (json_int_t)own, "shared_bytes",
			 (json_int_t)shared);
}

/* An ok reply, or NULL with @err from the agent's error. */
static json_t *ok_reply(json_t *reply, vb_error_t *err)
{
	if (!reply || json_is_true(json_object_get(reply, "ok")))
		return reply;
	vb_agent_reply_error(reply, err);
	json_decref(reply);
	return NULL;
}

/* @req with the instance's next id (new reference). */
static json_t *with_next_id(vb_inst_t *in, const json_t *req)
{
	json_t *r = json_copy((json_t *)req);

	if (r)
		json_object_set_new(r, "id", json_integer(++in->next_id));
	return r;
}

json_t *vb_inst_call(vb_inst_t *in, const json_t *req, vb_error_t *err)
{
	vb_env_t *env = &in->env;
	json_t *r, *reply;

	if (!in->up)
		return vb_error_set(err, VB_ESYS, 0, "%s%s: not running", env->name,
				    env->inst),
		       NULL;
	if (!(r = with_next_id(in, req)))
		return vb_error_set(err, VB_ESYS, 0, "%s%s: request", env->name, env->inst),
		       NULL;
	reply = vb_env_run(env, r, err);
	json_decref(r);
	return ok_reply(reply, err);
}

int vb_inst_send(vb_inst_t *in, const json_t *req, vb_error_t *err)
{
	json_t *r;
	int rc;

	if (!in->up || in->busy)
		return vb_error_set(err, VB_ESYS, 0, "%s%s: %s", in->env.name, in->env.inst,
				    in->up ? "a request is already in flight" : "not running");
	if (!(r = with_next_id(in, req)))
		return vb_error_set(err, VB_ESYS, 0, "%s%s: request", in->env.name,
				    in->env.inst);
	rc = vb_env_send(&in->env, r, err);
	json_decref(r);
	if (rc < 0)
		return -1;
	in->busy = 1;
	in->sent_ns = vb_now_ns();
	return 0;
}

json_t *vb_inst_recv(vb_inst_t *in, int timeout_ms, vb_error_t *err)
{
	json_t *r = vb_env_recv(&in->env, timeout_ms, err);

	if (r || err->code != VB_ETIMEOUT)
		in->busy = 0;
	return ok_reply(r, err);
}

/* A complete line is already buffered on @ch. */
static int line_buffered(const vb_chan_t *ch)
{
	return ch->buf && ch->len && memchr(ch->buf, '\n', ch->len);
}

int vb_inst_wait_any(vb_inst_t *const *ins, size_t n, int timeout_ms)
{
	struct pollfd pfd[VB_INST_MAX_WAIT];
	size_t idx[VB_INST_MAX_WAIT], m = 0, i;
	int rc;

	for (i = 0; i < n; i++)
		if (ins[i]->busy && (line_buffered(&ins[i]->env.chan) || ins[i]->env.chan.dead))
			return (int)i;
	for (i = 0; i < n && m < VB_ARRAY_SIZE(pfd); i++) {
		if (!ins[i]->busy || ins[i]->env.chan.rfd < 0)
			continue;
		pfd[m].fd = ins[i]->env.chan.rfd;
		pfd[m].events = POLLIN;
		idx[m++] = i;
	}
	rc = poll(pfd, m, timeout_ms);
	if (rc < 0 && errno == EINTR)
		return vb_undo_interrupted() ? -2 : -1;
	if (vb_undo_interrupted())
		return -2;
	for (i = 0; rc > 0 && i < m; i++)
		if (pfd[i].revents)
			return (int)idx[i];
	return -1;
}

uint64_t vb_inst_online_cpus(void)
{
	char *s = vb_read_file("/sys/devices/system/cpu/online", 4096, 1, NULL);
	uint64_t mask = 0;

	if (s && vb_cpulist_parse(s, &mask) < 0)
		mask = 0;
	free(s);
	return mask;
}
