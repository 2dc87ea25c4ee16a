/*
 * engine_undo.c - removing an engine's container (engine_int.h): at the
 * stop and on the forced-exit path through the registry, and by `vbench
 * clean` after a kill, from the namespace its network was made in.
 */
#include "harness/env/engine_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "lib/util.h"

/* Wait up to @ms for the container's monitor (conmon, the shim) to exit:
 * it outlives the container by a few milliseconds.  No allocation. */
void vb_engine_monitor_gone(engine_priv_t *p, int ms)
{
	int i;

	for (i = 0; p->monitor_pid > 0 && i < ms / 5; i++) {
		if (kill(p->monitor_pid, 0) < 0 && errno == ESRCH)
			break;
		usleep(5000);
	}
	p->monitor_pid = 0;
}

/* `ENGINE rm -f NAME` (registry: also on the forced-exit path; no allocation). */
void vb_engine_remove(void *arg)
{
	engine_priv_t *p = arg;
	vb_proc_opts_t o = { .timeout_ms = VB_ENGINE_TIMEOUT_MS };

	if (p->net.up) { /* its network's teardown where podman made it, never the host's */
		o.child_hook = vb_netpath_join;
		o.hook_arg = &p->net.client_ns;
	}
	vb_proc_run_quiet(p->rm_argv, &o);
	vb_engine_monitor_gone(p, 3000);
}

/* A DOCKER_HOST vbench records and passes on: a unix socket by a plain
 * absolute path (letters, digits, "/._-"). */
static int docker_host_ok(const char *h)
{
	return h && !strncmp(h, "unix:///", 8) && strlen(h) < 200 && !strstr(h, "..") &&
	       strspn(h + 7, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") ==
		       strlen(h + 7);
}

/* What `vbench clean` needs to remove the container after a kill: the engine
 * by name (clean finds its client again, never a path from the marker) and
 * the container's name.  conmon/containerd-shim keep a container running
 * after vbench's SIGKILL; its agent then waits on a stdin nobody writes. */
json_t *vb_engine_undo_record(const engine_priv_t *p)
{
	json_t *r = json_pack("{s:s,s:s,s:s}", "undo", "engine", "engine", p->d->name, "id", p->name);
	const char *host = getenv("DOCKER_HOST");

	if (r && p->net.up) /* its network in a private namespace: removed from there */
		json_object_set_new(r, "netns", json_string("private"));
	/* a daemon of its own (scripts/dockerd.sh): clean must ask that one */
	if (r && p->d->has_daemon && docker_host_ok(host))
		json_object_set_new(r, "docker_host", json_string(host));
	return r;
}

/* The network namespace of container @id's monitor (conmon), found through
 * @engine's inspect and checked to be a conmon, opened into *@fd (-1 when
 * there is none: the container is gone).  For `vbench clean` of a
 * container whose network podman made in a private namespace: its removal
 * must tear that down there, not in the host's. */
static void monitor_netns(const char *engine, const char *id, int *fd)
{
	char *argv[] = { (char *)engine, "inspect", "--format", "{{.State.ConmonPid}}",
			 (char *)id, NULL };
	vb_proc_opts_t o = { .timeout_ms = VB_ENGINE_TIMEOUT_MS };
	char out[64], path[64], *comm;
	long pid;

	*fd = -1;
	if (vb_proc_capture(argv, &o, out, sizeof(out), NULL, 0, NULL) != 0 ||
	    (pid = strtol(out, NULL, 10)) <= 1)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	comm = vb_read_file(path, 64, 1, NULL);
	if (comm && !strcmp(comm, "conmon")) {
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		*fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	free(comm);
}

/* `vbench clean` after a kill (env.h undo; docker and podman share the key
 * "engine"): the engine is found again by name, the container's name must
 * be vbench-<run id>-<engine>..., and `ENGINE rm -f NAME` runs. */
int vb_engine_undo(const json_t *rec, const char *run_id, char *msg, size_t len)
{
	const char *en = json_string_value(json_object_get(rec, "engine"));
	const char *id = json_string_value(json_object_get(rec, "id")), *host, *cur;
	const vb_engine_desc_t *d = NULL;
	char *saved;
	char prefix[64], path[PATH_MAX];
	char *argv[8] = { path, NULL };
	vb_proc_opts_t o = { .timeout_ms = VB_ENGINE_TIMEOUT_MS };
	size_t n = 1, i;
	int rc, ns = -1;

	if (en && !strcmp(en, vb_engine_docker.name))
		d = &vb_engine_docker;
	else if (en && !strcmp(en, vb_engine_podman.name))
		d = &vb_engine_podman;
	if (!d)
		return snprintf(msg, len, "engine container: engine %.32s is not docker or podman",
				en ? en : "(none)"),
		       -1;
	snprintf(prefix, sizeof(prefix), "vbench-%s-%s", run_id, d->name);
	if (!id || strncmp(id, prefix, strlen(prefix)) || strlen(id) >= sizeof(((engine_priv_t *)0)->name) ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(id))
		return snprintf(msg, len, "%s container %.64s: the name is not %s...", d->name,
				id ? id : "(none)", prefix),
		       -1;
	if (vb_proc_which(d->name, path, sizeof(path)) < 0)
		return snprintf(msg, len, "%s container %s: %s is not installed", d->name, id,
				d->name),
		       -1;
	for (i = 0; i < VB_ARRAY_SIZE(d->rm_args) && d->rm_args[i]; i++)
		argv[n++] = (char *)d->rm_args[i];
	argv[n++] = (char *)id;
	argv[n] = NULL;
	if (json_object_get(rec, "netns")) { /* podman:nat: from its own namespace */
		monitor_netns(path, id, &ns);
		if (ns >= 0) {
			o.child_hook = vb_netpath_join;
			o.hook_arg = &ns;
		}
	}
	/* the daemon the run used (its DOCKER_HOST), else the default one */
	host = json_string_value(json_object_get(rec, "docker_host"));
	cur = getenv("DOCKER_HOST");
	saved = cur ? strdup(cur) : NULL;
	if (d->has_daemon && docker_host_ok(host))
		setenv("DOCKER_HOST", host, 1);
	else if (d->has_daemon)
		unsetenv("DOCKER_HOST");
	rc = vb_proc_run_quiet(argv, &o);
	if (saved)
		setenv("DOCKER_HOST", saved, 1);
	else
		unsetenv("DOCKER_HOST");
	free(saved);
	if (ns >= 0)
		close(ns);
	snprintf(msg, len, "%s container %s (`%s rm -f`%s)", d->name, id, d->name,
		 rc == 0 ? "" : ": it exited non-zero");
	return 0;
}

