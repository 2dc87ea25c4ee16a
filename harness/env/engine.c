/*
 * engine.c - `docker` and `podman`: the agent in a container run by a
 * container engine, one implementation and two tables of operations.
 *
 * The engine is asked, never assumed: the probe runs `ENGINE info` (execv,
 * no shell, a deadline) and an engine that does not answer is unavailable
 * with its own words ("Cannot connect to the Docker daemon ...").  The image
 * is made locally, never pulled: the same minimal root filesystem the
 * `container` and `oci` environments use (rootfs.c: the agent and exactly
 * its libraries) is written as a tar and given to `ENGINE import`, tagged
 * vbench-agent:<FNV-1a hash of every path and byte in it>, so it is rebuilt
 * when the agent or a library changes and reused otherwise (the engine's
 * storage keeps it as a cache).  The agent then runs as
 *
 *   ENGINE run -i --rm --name vbench-<pid>-<env> --network none
 *          --cgroupns private --cpuset-cpus CPUS --memory B --memory-swap B
 *          --read-only --cap-drop ALL [--cap-add CAP_PERFMON]
 *          --security-opt no-new-privileges -v SCRATCH:SCRATCH IMAGE-ID
 *          /usr/libexec/vbench/vbench-agent serve
 *
 * with its stdin/stdout as the channel (the engine proxies them: conmon for
 * podman, the daemon and its shim for docker).  The limits are the run's
 * allocation, written by the engine into its own cgroup, which vbench then
 * reads (vb_cgroup_of_pid) for CPU time and host memory like every other
 * environment.  Engine-specific choices made here (podman uses runc on
 * cgroup v1/hybrid hosts where crun refuses them; rlimits no higher than
 * the engine itself holds) are recorded in run.json with their reasons.
 *
 * The container is removed by name (`rm -f`) through the resource registry
 * on every path where the engine did not remove it itself, Ctrl-C
 * included; a container restored (engine_ops.c: reached through `podman
 * attach` or `docker start -a`) is removed at every stop, as is docker's
 * under --ops save, which runs without --rm (its checkpoint is kept in the
 * container, and docker restores only into the same one).  The image stays
 * in the engine's storage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/ct_common.h"
#include "harness/env/engine_image.h"
#include "harness/env/engine_int.h"
#include "harness/env/env.h"
#include "harness/env/netpath.h"
#include "harness/core/marker.h"
#include "harness/core/options.h"
#include "harness/core/undo.h"
#include "harness/image/rootfs.h"
#include "harness/core/runproc.h"
#include "lib/util.h"


/* ==== probe ============================================================== */

static int engine_probe(const vb_engine_desc_t *d, const struct vb_run_cfg *cfg, vb_error_t *err)
{
	vb_engine_info_t in;

	if (vb_engine_info(d, &in, err) < 0)
		return -1;
	if (geteuid() != 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "needs root (rootless %s is not supported yet)", d->name);
	return 0;
}

static int docker_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	return engine_probe(&vb_engine_docker, cfg, err);
}

static int podman_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	return engine_probe(&vb_engine_podman, cfg, err);
}

/* ==== prepare ============================================================ */

/* podman on cgroup v1/hybrid: its default crun refuses ("cgroups in hybrid
 * mode not supported"); runc handles v1.  docker: the daemon's default. */
static void choose_runtime(engine_priv_t *p, const struct vb_run_cfg *cfg)
{
	char why[256], path[PATH_MAX];

	if (!p->d->runtime_global) {
		snprintf(p->runtime_why, sizeof(p->runtime_why), "the daemon's default (%s)",
			 p->info.runtime);
		return;
	}
	if (vb_cgroup_probe(cfg->cgroup_root, why, sizeof(why)) != VB_CG_V2 &&
	    !strcmp(p->info.runtime, "crun") && vb_proc_which("runc", path, sizeof(path)) == 0) {
		snprintf(p->runtime, sizeof(p->runtime), "runc");
		snprintf(p->runtime_why, sizeof(p->runtime_why),
			 "runc instead of the default crun: %s, and crun refuses cgroup v1/hybrid",
			 why);
		return;
	}
	snprintf(p->runtime_why, sizeof(p->runtime_why), "the engine's default (%s)",
		 p->info.runtime);
}

/* The agent's rlimits as on bare metal (vbench's own), except where the
 * engine holds less: without CAP_SYS_RESOURCE the runtime cannot raise a
 * limit above its own (podman lowers RLIMIT_NPROC to 32768 at start-up),
 * and the engines' defaults (1048576 files) would fail the same way. */
static void choose_rlimits(engine_priv_t *p)
{
	struct rlimit nf = { 1024, 1024 }, np = { 4096, 4096 };

	getrlimit(RLIMIT_NOFILE, &nf);
	getrlimit(RLIMIT_NPROC, &np);
	if (np.rlim_max == RLIM_INFINITY || np.rlim_max > ENGINE_NPROC_MAX)
		np.rlim_max = ENGINE_NPROC_MAX;
	if (np.rlim_cur == RLIM_INFINITY || np.rlim_cur > np.rlim_max)
		np.rlim_cur = np.rlim_max;
	if (nf.rlim_max == RLIM_INFINITY)
		nf.rlim_max = 1048576;
	if (nf.rlim_cur == RLIM_INFINITY || nf.rlim_cur > nf.rlim_max)
		nf.rlim_cur = nf.rlim_max;
	snprintf(p->nofile, sizeof(p->nofile), "nofile=%llu:%llu", (unsigned long long)nf.rlim_cur,
		 (unsigned long long)nf.rlim_max);
	snprintf(p->nproc, sizeof(p->nproc), "nproc=%llu:%llu", (unsigned long long)np.rlim_cur,
		 (unsigned long long)np.rlim_max);
	snprintf(p->rlimit_why, sizeof(p->rlimit_why),
		 "vbench's own (as bare metal), RLIMIT_NPROC at most %d: a runtime cannot raise "
		 "a limit above what the engine holds without CAP_SYS_RESOURCE",
		 ENGINE_NPROC_MAX);
}

static int engine_prepare(const vb_engine_desc_t *d, vb_env_t *env, vb_error_t *err)
{
	const struct vb_run_cfg *cfg = env->cfg;
	const char *servers[VB_MAX_PROGRAMS + 1];
	engine_priv_t *p = calloc(1, sizeof(*p));
	size_t n = 0, i;

	if (!p)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s state", d->name);
	env->priv = p;
	p->d = d;
	if (vb_engine_info(d, &p->info, err) < 0)
		return -1;
	snprintf(p->dir, sizeof(p->dir), "/var/tmp/vbench-engine-%s-XXXXXX", vb_marker_run_id());
	if (!mkdtemp(p->dir)) {
		p->dir[0] = '\0';
		return vb_error_sys(err, "%s: create directory in /var/tmp", d->name);
	}
	p->dir_res = vb_undo_add_path(VB_UNDO_DIR, p->dir);
	snprintf(p->log, sizeof(p->log), "%s/engine.log", p->dir);
	if (vb_engine_image(d, &p->info, cfg->agent_path, vb_run_cfg_servers(cfg, servers), p->dir,
			    &p->img, err) < 0)
		return vb_error_prefix(err, "%s: image", d->name);
	snprintf(p->name, sizeof(p->name), "vbench-%s-%s%s", vb_marker_run_id(), d->name, env->inst);
	choose_runtime(p, cfg);
	choose_rlimits(p);
	/* docker keeps a checkpoint in its container, and `start --checkpoint`
	 * restores only into the same one: with --ops save, where docker can
	 * checkpoint, it is not --rm */
	p->experimental = -1;
	if (!strcmp(d->name, "docker") && (cfg->ops & VB_OPS_SAVE)) {
		char why[600];

		p->kept = vb_engine_op_why(env, VB_OP_SAVE, why, sizeof(why)) == 0;
	}
	p->caps = vb_ct_caps_choose(0, p->caps_why, sizeof(p->caps_why));
	vb_ct_env_build(&p->env, &p->img.rootfs, d->name);
	if (cfg->scratch[0])
		vb_rootfs_normalize(cfg->scratch, p->scratch, sizeof(p->scratch));
	if (cfg->use_cgroup) {
		snprintf(p->cpus, sizeof(p->cpus), "%s", cfg->env_cpus);
		snprintf(p->mem, sizeof(p->mem), "%llu", (unsigned long long)cfg->memory);
	}
	p->rm_argv[n++] = p->info.path;
	for (i = 0; i < VB_ARRAY_SIZE(d->rm_args) && d->rm_args[i]; i++)
		p->rm_argv[n++] = (char *)d->rm_args[i];
	p->rm_argv[n++] = p->name;
	p->rm_argv[n] = NULL;
	return 0;
}

static int docker_prepare(vb_env_t *env, vb_error_t *err)
{
	return engine_prepare(&vb_engine_docker, env, err);
}

static int podman_prepare(vb_env_t *env, vb_error_t *err)
{
	return engine_prepare(&vb_engine_podman, env, err);
}

/* ==== start ============================================================== */

/* The engine's --network for @env's mode: host, its default network
 * (bridge: mode nat) or none. */
static const char *engine_network(const vb_env_t *env)
{
	return vb_netpath_is_host(env) ? "host" : vb_netpath_is_nat(env) ? "bridge" : "none";
}

/* The run command line into @argv (strings in @buf); returns argc. */
static int run_argv(vb_env_t *env, engine_priv_t *p, int with_caps, char **argv,
		    char (*buf)[PATH_MAX * 2])
{
	int n = 0, b = 0;
	size_t i;

#define ARG(s) (argv[n++] = (char *)(s))
#define FMT(...) (snprintf(buf[b], sizeof(buf[b]), __VA_ARGS__), ARG(buf[b++]))
	ARG(p->info.path);
	if (p->runtime[0] && p->d->runtime_global) {
		ARG("--runtime");
		ARG(p->runtime);
	}
	ARG("run");
	ARG("-i");
	if (!p->kept)
		ARG("--rm");
	ARG("--name");
	ARG(p->name);
	ARG("--hostname");
	FMT("vbench-%s", p->d->name);
	ARG("--network");
	ARG(engine_network(env));
	if (vb_netpath_is_nat(env)) { /* the engine's default network, a published port */
		ARG("--publish");
		ARG(vb_netpath_publish_arg());
	}
	ARG("--cgroupns");
	ARG("private");
	if (p->cpus[0]) {
		ARG("--cpuset-cpus");
		ARG(p->cpus);
		ARG("--memory");
		ARG(p->mem);
		ARG("--memory-swap"); /* equal to --memory: no swap, as the other environments */
		ARG(p->mem);
	}
	ARG("--read-only");
	ARG("--cap-drop");
	ARG("ALL");
	for (i = 0; with_caps && i < 64; i++)
		if ((p->caps & (1ull << i)) && vb_ct_cap_name((int)i)) {
			ARG("--cap-add");
			ARG(vb_ct_cap_name((int)i));
		}
	ARG("--security-opt");
	ARG("no-new-privileges");
	ARG("--ulimit");
	ARG(p->nofile);
	ARG("--ulimit");
	ARG(p->nproc);
	for (i = 0; i < p->env.n; i++) {
		ARG("--env");
		ARG(p->env.envp[i]);
	}
	if (p->scratch[0] && env->cfg->scratch_device) {
		ARG("--device"); /* --allow-device: the node at the same path, allowed rw */
		FMT("%s:%s:rw", env->cfg->scratch, env->cfg->scratch);
	} else if (p->scratch[0]) {
		ARG("--volume");
		FMT("%s:%s", p->scratch, p->scratch);
	}
	ARG(p->img.id);
	ARG(p->img.rootfs.inside);
	ARG("serve");
	argv[n] = NULL;
#undef ARG
#undef FMT
	return n;
}

/* Proportional set size of @pid in bytes (0 when gone). */
static uint64_t pss_of(pid_t pid)
{
	char path[64], *s, *l;
	uint64_t v = 0;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	s = vb_read_file(path, 1 << 16, 0, NULL);
	if (s && (l = strstr(s, "\nPss:")) != NULL)
		v = strtoull(l + 5, NULL, 10) * 1024ull;
	free(s);
	return v;
}

/* After the ready message: the agent's host pid, the engine's cgroup
 * around it (vbench's view of the allocation), what the engine adds. */
static int adopt_container(vb_env_t *env, engine_priv_t *p, vb_error_t *err)
{
	const char *args[] = { "inspect", "--format", "{{.State.Pid}}", p->name, NULL };
	char out[64];

	if (vb_engine_ask(p->info.path, args, VB_ENGINE_TIMEOUT_MS, out, sizeof(out), err) != 0)
		return vb_error_prefix(err, "%s inspect %s", p->d->name, p->name);
	p->ctr_pid = (pid_t)strtol(out, NULL, 10);
	if (p->ctr_pid <= 0)
		return vb_error_set(err, VB_EPROTO, 0, "%s inspect %s: no pid (%s)", p->d->name,
				    p->name, out);
	if (env->cfg->use_cgroup) {
		if (vb_cgroup_of_pid(&env->cg, env->cfg->cgroup_root, p->ctr_pid, err) < 0)
			return vb_error_prefix(err, "%s: the container's cgroup", p->d->name);
		env->have_cg = 1;
		env->cg_borrowed = 1; /* the engine's: it removes it with the container */
	}
	p->client_pss = pss_of(env->chan.pid);
	p->monitor_pid = vb_ct_parent_of(p->ctr_pid);
	p->monitor_pss = pss_of(p->monitor_pid);
	return 0;
}

/* Whether firewalld runs here (`firewall-cmd --state` says "running";
 * without firewall-cmd there is no firewalld). */
static int firewalld_runs(void)
{
	char path[PATH_MAX];
	char *argv[] = { path, "--state", NULL };
	vb_proc_opts_t o = { .timeout_ms = VB_ENGINE_TIMEOUT_MS };

	return vb_proc_which("firewall-cmd", path, sizeof(path)) == 0 &&
	       vb_proc_run_quiet(argv, &o) == 0;
}

/* Launch `ENGINE run` once (with the capabilities kept when @with_caps),
 * its `ENGINE rm -f NAME` registered.  0, or -1 with @err. */
static int launch(vb_env_t *env, engine_priv_t *p, int with_caps, vb_error_t *err)
{
	static char buf[8][PATH_MAX * 2];
	char *argv[ENGINE_MAX_ARGS];
	vb_spawn_t sp = {
		.argv = argv,
		.stderr_path = p->log,
		.cpus = env->cfg->env_cpus,
	};

	if (vb_netpath_is_nat(env)) { /* the client and its network in a namespace of vbench's */
		if (firewalld_runs())
			return vb_error_set(err, VB_EUNAVAIL, 0,
					    "%s: firewalld runs on this host: netavark would add the "
					    "container network to its trusted zone over D-Bus, which no "
					    "network namespace keeps from the host's firewall",
					    env->name);
		if (!p->net.up && vb_netpath_private(&p->net, err) < 0)
			return vb_error_prefix(err, "%s", p->d->name);
		sp.child_hook = vb_netpath_join;
		sp.hook_arg = &p->net.client_ns;
	}

	run_argv(env, p, with_caps, argv, buf);
	vb_argv_join(argv, p->command, sizeof(p->command));
	env->launch_ns = vb_now_ns();
	if (vb_chan_spawn(&env->chan, p->d->name, &sp, err) < 0)
		return vb_error_prefix(err, "%s: start %s run", p->d->name, p->d->name);
	vb_engine_register(env, p);
	return 0;
}

void vb_engine_register(vb_env_t *env, engine_priv_t *p)
{
	json_t *undo;

	if (env->undo_res)
		return;
	undo = vb_engine_undo_record(p);
	env->undo_res = vb_undo_add_undo(vb_engine_remove, p, "container engine rm -f", undo);
	json_decref(undo);
}

/* The agent's ready message; else -1 with @err and, when the client exited
 * (reaped), the engine's last word in @said. */
static int wait_agent(vb_env_t *env, engine_priv_t *p, char *said, size_t len, vb_error_t *err)
{
	char *s;
	int st = 0;

	said[0] = '\0';
	if (vb_env_wait_ready(env, err) == 0)
		return 0;
	if (err && err->code == VB_EINTR)
		return -1;
	if (env->chan.pid > 0 && vb_ct_reap_within(env->chan.pid, 3000, &st)) {
		vb_undo_forget(env->chan.res);
		env->chan.pid = 0;
		vb_chan_close(&env->chan, 0);
		s = vb_read_file(p->log, 1 << 16, 0, NULL);
		vb_engine_said(s, said, len);
		free(s);
		vb_error_set(err, VB_EUNAVAIL, 0, "%s: `%s run` exited %d: %s", p->d->name,
			     p->d->name, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
			     said[0] ? said : "(nothing on its stderr)");
	}
	return -1;
}

static int engine_start(vb_env_t *env, vb_error_t *err)
{
	return launch(env, env->priv, 1, err);
}

/* The agent's ready message, then the container as the host sees it. */
static int engine_ready(vb_env_t *env, vb_error_t *err)
{
	engine_priv_t *p = env->priv;
	char said[600];

	if (wait_agent(env, p, said, sizeof(said), err) < 0) {
		/* An older engine may not know a capability (docker 20.10 and
		 * CAP_PERFMON): run without it and say so. */
		if (!p->caps || !strstr(said, "unknown capability"))
			return -1;
		snprintf(p->caps_why, sizeof(p->caps_why),
			 "none: %s %s refused --cap-add (%s); counters as perf_event_paranoid "
			 "allows without it",
			 p->d->name, p->info.version, said);
		p->caps = 0;
		vb_error_clear(err);
		if (launch(env, p, 0, err) < 0 || wait_agent(env, p, said, sizeof(said), err) < 0)
			return -1;
	}
	return adopt_container(env, p, err);
}

/* ==== stop, cleanup ====================================================== */

/* A restored container's host pid and monitor (conmon, the shim), new
 * since adopt_container; no monitor to wait for when the engine does not
 * say (the old one is gone). */
static void readopt_monitor(engine_priv_t *p)
{
	const char *args[] = { "inspect", "--format", "{{.State.Pid}}", p->name, NULL };
	char out[64];
	vb_error_t err;
	long pid;

	if (vb_engine_ask(p->info.path, args, VB_ENGINE_TIMEOUT_MS, out, sizeof(out), &err) != 0 ||
	    (pid = strtol(out, NULL, 10)) <= 0) {
		p->monitor_pid = 0; /* the old one is gone: nothing to wait for */
		return;
	}
	p->ctr_pid = (pid_t)pid;
	p->monitor_pid = vb_ct_parent_of(p->ctr_pid);
}

/* The common stop (`run --rm` exits once the engine removed the container;
 * anything else gets `ENGINE rm -f NAME`), then the container's monitor,
 * which outlives it by a few milliseconds. */
static int engine_stop(vb_env_t *env, vb_error_t *err)
{
	engine_priv_t *p = env->priv;
	int rm = 0;

	/* a restored container (engine_ops.c) is reached through `attach` or
	 * `start -a`, which exit 0 before the engine removes it, and a kept
	 * one is not --rm: their rm -f always runs */
	if (p && (p->restored || p->kept)) {
		rm = env->undo_res;
		env->undo_res = 0;
	}
	if (p && p->restored) /* its monitor is new: waited for below */
		readopt_monitor(p);
	vb_env_stop_common(env);
	if (rm)
		vb_undo_release(rm);
	if (p)
		vb_engine_monitor_gone(p, 3000);
	return 0;
}

static void engine_cleanup(vb_env_t *env)
{
	engine_priv_t *p = env->priv;

	if (!p)
		return;
	if (p->log[0])
		vb_env_keep_log(env, p->log); /* the engine's stderr (and the agent's) */
	if (p->dir_res)
		vb_undo_release(p->dir_res);
	vb_netpath_down(&p->net);
	free(p);
	env->priv = NULL;
}

/* ==== description ======================================================== */

/* Own: nothing outside the engine's storage; shared: the image, reused by
 * every instance and every run until the agent changes. */
static int engine_disk_usage(vb_env_t *env, uint64_t *own, uint64_t *shared)
{
	engine_priv_t *p = env->priv;

	if (!p || !p->img.id[0])
		return -1;
	*own = 0;
	*shared = p->img.bytes;
	return 0;
}

static json_t *engine_describe(vb_env_t *env)
{
	engine_priv_t *p = env->priv;
	char enforced[400], host[32];
	json_t *o;

	snprintf(enforced, sizeof(enforced),
		 p->cpus[0] ? "the engine's own cgroup (%s manager, cgroup %s), limits from "
			      "--cpuset-cpus and --memory/--memory-swap; no CPU quota (--cpus), as "
			      "in the other environments"
			    : "not enforced (--no-cgroup): CPU affinity of the engine client only "
			      "(%s manager, cgroup %s)",
		 p->info.cgmgr, p->info.cgver);
	snprintf(host, sizeof(host), "vbench-%s", p->d->name);
	o = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s},s:{s:s,s:s,s:I,s:b,s:I,s:o},"
		      "s:s,s:{s:o,s:s},s:s,s:s,s:[ssssss],s:{s:o,s:s,s:b,s:b},"
		      "s:{s:s,s:s,s:s},s:{s:I,s:I,s:s},s:s}",
		      "engine", "name", p->d->name, "path", p->info.path, "version", p->info.version,
		      "client_version", p->info.client_version,
		      "storage_driver", p->info.driver, "storage_root", p->info.root,
		      "cgroup_manager", p->info.cgmgr, "oci_runtime",
		      p->runtime[0] ? p->runtime : p->info.runtime, "oci_runtime_why",
		      p->runtime_why, "image", "tag", p->img.tag, "id", p->img.id, "bytes",
		      (json_int_t)p->img.bytes, "built_by_this_run", p->img.built, "build_ns",
		      (json_int_t)p->img.build_ns, "rootfs", vb_rootfs_to_json(&p->img.rootfs),
		      "container_name", p->name, "limits", "cgroup",
		      env->have_cg ? vb_cgroup_to_json(&env->cg)
				   : json_pack("{s:b,s:s}", "enforced", 0, "how", "not enforced"),
		      "enforced_by", enforced, "hostname", host, "network",
		      engine_network(env), "namespaces", "pid", "mount",
		      vb_netpath_ns_name(env), "uts", "ipc", "cgroup",
		      "hardening",
		      "capabilities", vb_ct_caps_json(p->caps), "capabilities_why", p->caps_why,
		      "no_new_privs", 1, "root_readonly", 1, "rlimits", "nofile", p->nofile,
		      "nproc", p->nproc, "why", p->rlimit_why, "engine_host_memory",
		      "client_pss_bytes", (json_int_t)p->client_pss, "monitor_pss_bytes",
		      (json_int_t)p->monitor_pss, "monitor", p->d->monitor, "command", p->command);
	return o ? o : json_object();
}

/* ==== the network ======================================================= */

/* none (the first: --network none), host (--network host) and, for
 * podman, nat: its default network with a published port, made by podman
 * itself (netavark) in a private namespace (vb_netpath_private).
 * Docker's daemon makes its networks in its own namespace, the host's:
 * that mode would change the host's rule set, so docker has none. */
static const char *const podman_net_modes[] = { "none", "nat", "host", NULL };
static const char *const docker_net_modes[] = { "none", "host", NULL };

static int engine_net_path(vb_env_t *env, vb_net_path_t *np, vb_error_t *err)
{
	engine_priv_t *p = env->priv;

	if (vb_netpath_is_host(env)) {
		vb_netpath_host_path(np);
		return 0;
	}
	if (vb_netpath_is_nat(env) && p && p->net.up) {
		vb_netpath_engine_path(&p->net, p->d->name, np);
		return 0;
	}
	if (vb_netpath_is_nat(env))
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: its network is not up", env->name);
	return vb_error_set(err, VB_EUNAVAIL, 0,
			    "started with --network none: its network modes (%s:MODE, --net) measure "
			    "the engine's networks",
			    env->ops->name);
}

/* ==== the two tables ===================================================== */

/* One implementation: the two engines differ in their facts, probe and
 * image, never in how an instance lives (one undo key for both). */
#define ENGINE_HOOKS                                                                               \
	.start = engine_start, .wait_ready = engine_ready, .describe = engine_describe,            \
	.disk_usage = engine_disk_usage, .stop = engine_stop, .cleanup = engine_cleanup,           \
	.undo = vb_engine_undo, .undo_key = "engine", .net_path = engine_net_path,                \
	.op_why = vb_engine_op_why, .save = vb_engine_save, .restore = vb_engine_restore,          \
	.lost = vb_engine_lost

const vb_env_ops_t vb_env_docker = {
	.version = VB_ENV_OPS_VERSION,
	.name = "docker",
	.type = "container",
	.mechanism = "namespaces+cgroups (Docker engine)",
	.arch = VB_ARCH_CONTAINER,
	.mech = VB_MECH_NONE,
	.caps = VB_ENV_NEEDS_ROOT | VB_ENV_OWN_ROOT,
	.probe = docker_probe,
	.prepare = docker_prepare,
	.net_modes = docker_net_modes,
	ENGINE_HOOKS,
	.op_mechanism = "docker checkpoint create and docker start --checkpoint (runc and CRIU, a "
			"daemon with experimental features), the agent reached again through "
			"the start's attach",
};

const vb_env_ops_t vb_env_podman = {
	.version = VB_ENV_OPS_VERSION,
	.name = "podman",
	.type = "container",
	.mechanism = "namespaces+cgroups (Podman engine)",
	.arch = VB_ARCH_CONTAINER,
	.mech = VB_MECH_NONE,
	.caps = VB_ENV_NEEDS_ROOT | VB_ENV_OWN_ROOT,
	.probe = podman_probe,
	.prepare = podman_prepare,
	.net_modes = podman_net_modes,
	ENGINE_HOOKS,
	.op_mechanism = "podman container checkpoint --export and podman container restore "
			"--import (runc and CRIU), the agent reached again through podman attach",
};
