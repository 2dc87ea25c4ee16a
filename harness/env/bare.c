/*
 * env_bare.c - bare metal: the agent as a plain process on the host.
 *
 * The reference every overhead is relative to.  The agent runs in the
 * allocation's cgroup (CPU set and memory limit), like every other
 * environment, so the comparison is with the same resources.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/env/ct_common.h"
#include "harness/env/env.h"
#include "harness/core/options.h"
#include "harness/core/undo.h"
#include "lib/util.h"
#include "harness/core/marker.h"

static int bare_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	if (access(cfg->agent_path, X_OK) < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno, "agent %s not executable",
				    cfg->agent_path);
	return 0;
}

static int bare_prepare(vb_env_t *env, vb_error_t *err)
{
	char name[96];

	if (!env->cfg->use_cgroup)
		return 0;
	snprintf(name, sizeof(name), "vbench-%s-bare%s", vb_marker_run_id(), env->inst);
	if (vb_cgroup_create(&env->cg, env->cfg->cgroup_root, name, env->cfg->env_cpus,
			     env->cfg->memory, err) < 0)
		return vb_error_prefix(err, "bare: allocation cgroup");
	env->have_cg = 1;
	return 0;
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
	if (vb_chan_spawn(&env->chan, "bare", &sp, err) < 0)
		return -1;
	return vb_env_wait_ready(env, err);
}

static int bare_host_cpu_ns(vb_env_t *env, uint64_t *ns)
{
	return env->have_cg ? vb_cgroup_cpu_ns(&env->cg, ns) : -1;
}

static json_t *bare_describe(vb_env_t *env)
{
	return json_pack("{s:o,s:s}", "limits",
			 env->have_cg ? vb_cgroup_to_json(&env->cg)
				      : json_pack("{s:b,s:s}", "enforced", 0, "how",
						  "affinity only (--no-cgroup)"),
			 "command", "vbench-agent serve");
}

/* Quit the agent; past --stop-timeout it is killed (vb_chan_close). */
static int bare_stop(vb_env_t *env, vb_error_t *err)
{
	if (env->chan.wfd < 0 && env->chan.pid <= 0)
		return 0;
	vb_env_quit_wait(env, NULL);
	vb_chan_close(&env->chan, 0); /* closes, and kills what did not exit */
	return 0;
}

static void bare_cleanup(vb_env_t *env)
{
	bare_stop(env, NULL);
	if (env->have_cg) {
		vb_cgroup_destroy(&env->cg);
		env->have_cg = 0;
	}
}

const vb_env_ops_t vb_env_bare = {
	.version = VB_ENV_OPS_VERSION,
	.name = "bare",
	.type = "bare metal",
	.mechanism = "none (host process)",
	.arch = VB_ARCH_BARE,
	.mech = VB_MECH_NONE,
	.caps = VB_ENV_IS_BASELINE,
	.probe = bare_probe,
	.prepare = bare_prepare,
	.start = bare_start,
	.host_cpu_ns = bare_host_cpu_ns,
	.describe = bare_describe,
	.stop = bare_stop,
	.cleanup = bare_cleanup,
};
