/*
 * env.c - the list of environment backends and the checks on their tables.
 * Adding an environment is one file and one line in `backends` below.
 */
#include "harness/env/env.h"

#include <stdio.h>
#include <string.h>

#include "harness/env/ct_common.h"
#include "harness/core/options.h"
#include "lib/testpoint.h"
#include "harness/core/undo.h"
#include "lib/util.h"

extern const vb_env_ops_t vb_env_bare;
extern const vb_env_ops_t vb_env_container;
extern const vb_env_ops_t vb_env_oci;
extern const vb_env_ops_t vb_env_docker;
extern const vb_env_ops_t vb_env_podman;
extern const vb_env_ops_t vb_env_hosted;
extern const vb_env_ops_t vb_env_kvm;

static const vb_env_ops_t *const backends[] = {
	&vb_env_bare,
	&vb_env_container,
	&vb_env_oci,
	&vb_env_docker,
	&vb_env_podman,
	&vb_env_hosted,
	&vb_env_kvm,
};

size_t vb_env_count(void)
{
	return VB_ARRAY_SIZE(backends);
}

const vb_env_ops_t *vb_env_at(size_t i)
{
	return i < VB_ARRAY_SIZE(backends) ? backends[i] : NULL;
}

const vb_env_ops_t *vb_env_find(const char *name)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const char *vb_env_names(void)
{
	static char buf[256];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < VB_ARRAY_SIZE(backends) && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? ", " : "",
					backends[i]->name);
	return buf;
}

int vb_env_check(const vb_env_ops_t *o, vb_error_t *err)
{
	if (!o || !o->name || !*o->name)
		return vb_error_set(err, VB_EUSAGE, 0, "environment backend without a name");
	if (o->version != VB_ENV_OPS_VERSION)
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: interface version %d, expected %d",
				    o->name, o->version, VB_ENV_OPS_VERSION);
	if (!o->type || !o->mechanism)
		return vb_error_set(err, VB_EUSAGE, 0, "environment %s: type and mechanism required",
				    o->name);
	if (!o->probe || !o->start || !o->stop || !o->cleanup)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "environment %s: probe, start, stop and cleanup hooks required",
				    o->name);
	return 0;
}

int vb_env_wait_ready(vb_env_t *env, vb_error_t *err)
{
	json_t *msg;

	vb_test_point("start", env->ops->name);
	msg = vb_chan_recv(&env->chan, (int)(env->cfg->start_timeout_s * 1000), 1, err);
	if (!msg)
		return vb_error_prefix(err, "%s: waiting for the agent to start", env->ops->name);
	if (vb_agent_check_ready(msg, err) < 0) {
		json_decref(msg);
		return vb_error_prefix(err, "%s", env->ops->name);
	}
	env->ready_ns = vb_now_ns();
	env->ready = msg;
	return 0;
}

int vb_env_stop_ms(const vb_env_t *env, int cap_ms)
{
	double s = env->cfg ? env->cfg->stop_timeout_s : 10;
	int ms = s > 0 && s < 86400 ? (int)(s * 1000) : 10000;

	if (vb_interrupted() && ms > VB_ENV_STOP_INTERRUPTED_MS)
		ms = VB_ENV_STOP_INTERRUPTED_MS; /* the user is waiting */
	return cap_ms > 0 && cap_ms < ms ? cap_ms : ms;
}

int vb_env_quit_wait(vb_env_t *env, int *status)
{
	json_t *quit;

	if (env->chan.wfd >= 0 && !env->chan.dead) {
		quit = json_pack("{s:s}", "op", "quit");
		vb_chan_send(&env->chan, quit, NULL);
		json_decref(quit);
	}
	env->chan.dead = 1;
	if (env->chan.pid <= 0)
		return -1;
	if (!vb_ct_reap_within(env->chan.pid, vb_env_stop_ms(env, 0), status)) {
		env->stop_timed_out = 1;
		return 0;
	}
	vb_undo_forget(env->chan.res);
	env->chan.pid = 0;
	return 1;
}

json_t *vb_env_default_run(vb_env_t *env, const json_t *req, vb_error_t *err)
{
	return vb_chan_call(&env->chan, req, "result", (int)(env->cfg->rep_timeout_s * 1000), err);
}

int vb_env_send(vb_env_t *env, const json_t *req, vb_error_t *err)
{
	json_t *r = env->ops->adapt ? env->ops->adapt(env, req) : json_incref((json_t *)req);
	int rc;

	if (!r)
		return vb_error_set(err, VB_ESYS, 0, "%s: request", env->ops->name);
	rc = vb_chan_send(&env->chan, r, err);
	json_decref(r);
	return rc;
}

json_t *vb_env_recv(vb_env_t *env, int timeout_ms, vb_error_t *err)
{
	/* Untrusted: the same checks as the synchronous path. */
	return vb_chan_answer(&env->chan, "result", timeout_ms, err);
}
