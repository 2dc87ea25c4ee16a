/*
 * env_null.c - `null`, an environment backend compiled into the test
 * binary only (check_lifecycle.c registers it with vb_env_register): the
 * agent as a plain host process, no cgroup, no isolation.
 *
 * It shows what adding an environment takes: this one file, with one table
 * holding every fact about the backend (its class, its option, its hooks,
 * its crash cleanup), and one line listing it (harness/env/list.h, or
 * vb_env_register for a program that is not vbench).  Everything it leaves
 * out is the default (env.c, env_life.c): probing only that the agent is
 * executable, preparing nothing, waiting for the ready message, host CPU time, the stop (quit, wait, kill past
 * --stop-timeout), the cleanup.
 */
#include "tests/env_null.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "lib/util.h"

int vb_env_null_undone;

static const null_conf_t null_defaults = { .label = "none" };

static const vb_opt_t null_opts[] = {
	{ .name = "--null-label", .arg = "TEXT", .def = "none",
	  .help = "a word the null environment records (tests only)",
	  VB_OPT_STR_AT(null_conf_t, label) },
};

static const vb_env_options_t null_options = {
	.opts = null_opts,
	.nopts = VB_ARRAY_SIZE(null_opts),
	.conf_size = sizeof(null_conf_t),
	.defaults = &null_defaults,
};

static int null_start(vb_env_t *env, vb_error_t *err)
{
	char *argv[] = { (char *)env->cfg->agent_path, "serve", NULL };
	vb_spawn_t sp = { .argv = argv, .stderr_fd = env->cfg->log_fd, .cpus = env->cfg->env_cpus };

	env->launch_ns = vb_now_ns();
	return vb_chan_spawn(&env->chan, "null", &sp, err);
}

static json_t *null_describe(vb_env_t *env)
{
	const null_conf_t *c = vb_env_conf(env);

	return json_pack("{s:o,s:s}", "limits", vb_env_limits_json(env), "label", c->label);
}

/* `vbench clean` after a kill: nothing outlives a null instance, so a
 * record is only counted. */
static int null_undo(const json_t *rec, const char *run_id, char *msg, size_t len)
{
	const char *id = json_string_value(json_object_get(rec, "id"));

	vb_env_null_undone++;
	snprintf(msg, len, "null instance %s of run %s", id ? id : "?", run_id);
	return 0;
}

const vb_env_ops_t vb_env_null = {
	.version = VB_ENV_OPS_VERSION,
	.name = "null",
	.type = "host process (tests only)",
	.mechanism = "none (no isolation)",
	.arch = VB_ARCH_BARE,
	.mech = VB_MECH_NONE,
	.options = &null_options,
	.start = null_start,
	.describe = null_describe,
	.undo = null_undo,
};
