/*
 * bare.c - bare metal: the agent as a plain process on the host.
 *
 * The reference every overhead is relative to.  The agent runs in the
 * allocation's cgroup (CPU set and memory limit), like every other
 * environment, so the comparison is with the same resources.
 */
#include <errno.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/env/env.h"
#include "lib/util.h"

static int bare_prepare(vb_env_t *env, vb_error_t *err)
{
	return vb_env_cgroup(env, env->cfg->memory, err);
}

static int bare_start(vb_env_t *env, vb_error_t *err)
{
	char *argv[] = { (char *)env->cfg->agent_path, "serve", NULL };
	vb_spawn_t sp = {
		.argv = argv,
		.cg = env->have_cg ? &env->cg : NULL,
		.stderr_fd = env->cfg->log_fd, /* the run's agent log, opened safely */
		.cpus = env->cfg->env_cpus,
	};

	env->launch_ns = vb_now_ns();
	return vb_chan_spawn(&env->chan, "bare", &sp, err);
}

static json_t *bare_describe(vb_env_t *env)
{
	return json_pack("{s:o,s:s}", "limits", vb_env_limits_json(env), "command",
			 "vbench-agent serve");
}

/* Waiting for the agent, host CPU time, the stop and the cgroup: the
 * defaults (env_life.c). */
/* The host's own network: the server on the loopback address. */
static int bare_net_path(vb_env_t *env, vb_net_path_t *np, vb_error_t *err)
{
	(void)env;
	(void)err;
	snprintf(np->addr, sizeof(np->addr), "127.0.0.1");
	snprintf(np->path, sizeof(np->path), "loopback (the host's network)");
	/* the server on the host itself: on the loopback only, never reachable
	 * from another machine */
	snprintf(np->listen_addr, sizeof(np->listen_addr), "127.0.0.1");
	return 0;
}

/* Nothing to save or move: bare metal is what the others are compared with. */
static int bare_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	(void)op;
	snprintf(why, len, "%s: a process on the host has no save, restore or move of its own "
			   "(bare metal is the baseline)", env->name);
	return -1;
}

const vb_env_ops_t vb_env_bare = {
	.version = VB_ENV_OPS_VERSION,
	.name = "bare",
	.type = "bare metal",
	.mechanism = "none (host process)",
	.arch = VB_ARCH_BARE,
	.mech = VB_MECH_NONE,
	.caps = VB_ENV_IS_BASELINE,
	.prepare = bare_prepare,
	.start = bare_start,
	.describe = bare_describe,
	.net_path = bare_net_path,
	.op_why = bare_op_why,
};
