/*
 * env_engine.c - `docker` and `podman`: containers run by a container
 * engine, two tables of operations sharing one implementation.
 *
 * An engine is usable only when it answers: the probe runs `docker info` /
 * `podman info` (execv, no shell, 5 s deadline) and otherwise reports the
 * environment unavailable with the engine's own words ("Cannot connect to
 * the Docker daemon ...") or "podman not installed".  Running the agent
 * through an engine needs an image built from the same root filesystem the
 * `container` and `oci` environments use; that is not implemented yet, so
 * an engine that answers is reported unavailable saying exactly that,
 * rather than measured some other way.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "env.h"
#include "options.h"
#include "runproc.h"

#define ENGINE_TIMEOUT_MS 5000

static int engine_probe(const char *engine, vb_error_t *err)
{
	char path[PATH_MAX], out[256], errs[4096], line[400];
	char *argv[] = { path, "info", NULL };
	vb_proc_opts_t o = { .timeout_ms = ENGINE_TIMEOUT_MS };
	vb_error_t e;
	int rc;

	if (vb_proc_which(engine, path, sizeof(path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s not installed", engine);
	vb_error_clear(&e);
	rc = vb_proc_capture(argv, &o, out, sizeof(out), errs, sizeof(errs), &e);
	if (rc < 0 && e.code == VB_ETIMEOUT)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s engine does not answer: `%s info` gave no answer within %d s",
				    engine, path, ENGINE_TIMEOUT_MS / 1000);
	if (rc < 0)
		return vb_error_set(err, e.code == VB_EINTR ? VB_EINTR : VB_EUNAVAIL, e.errnum,
				    "%s engine: %s", engine, e.msg);
	if (rc != 0) {
		vb_proc_last_line(errs[0] ? errs : out, line, sizeof(line));
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s engine does not answer: `%s info` exited %d: %s", engine,
				    path, rc, line[0] ? line : "(no message)");
	}
	return vb_error_set(err, VB_EUNAVAIL, 0,
			    "%s engine answers but image build is not implemented yet", engine);
}

static int docker_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	return engine_probe("docker", err);
}

static int podman_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	return engine_probe("podman", err);
}

/* Never reached while the probe refuses; kept honest if it is called. */
static int engine_start(vb_env_t *env, vb_error_t *err)
{
	return vb_error_set(err, VB_EUNAVAIL, 0,
			    "%s: running the agent through an engine is not implemented yet",
			    env->ops->name);
}

static int engine_stop(vb_env_t *env, vb_error_t *err)
{
	return 0;
}

static void engine_cleanup(vb_env_t *env)
{
}

const vb_env_ops_t vb_env_docker = {
	.version = VB_ENV_OPS_VERSION,
	.name = "docker",
	.type = "container",
	.mechanism = "namespaces+cgroups (Docker engine)",
	.caps = VB_ENV_NEEDS_ROOT,
	.probe = docker_probe,
	.start = engine_start,
	.stop = engine_stop,
	.cleanup = engine_cleanup,
};

const vb_env_ops_t vb_env_podman = {
	.version = VB_ENV_OPS_VERSION,
	.name = "podman",
	.type = "container",
	.mechanism = "namespaces+cgroups (Podman engine)",
	.caps = VB_ENV_NEEDS_ROOT,
	.probe = podman_probe,
	.start = engine_start,
	.stop = engine_stop,
	.cleanup = engine_cleanup,
};
