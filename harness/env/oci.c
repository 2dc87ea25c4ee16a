/*
 * oci.c - the agent in a container run by a real OCI runtime (crun or
 * runc) from a bundle vbench generates: the same root filesystem
 * (rootfs.c), capabilities, environment and mounts as vbench's own
 * `container`, described by a config.json (ocispec.c), started as
 * `RUNTIME run --bundle DIR ID` with the agent's stdin/stdout on vbench's
 * pipes (a runtime without a terminal hands its stdio to the container).
 *
 * Limits: the runtime process is placed in the allocation's cgroup before
 * exec (like bare metal), so the container it creates is there too.  On
 * cgroup v1/hybrid hosts crun refuses to run ("cgroups in hybrid mode not
 * supported"), so crun runs in a private mount namespace with a fresh
 * cgroup2 mount at /sys/fs/cgroup and its cgroup manager disabled: vbench's
 * cgroup enforces the limits.  runc handles v1 itself; it is pointed at the
 * allocation's cgroup (linux.cgroupsPath) and writes the same limits there.
 * How the limits were enforced is recorded in run.json.
 *
 * Everything is registered: the bundle directory (config.json, rootfs,
 * runtime log), the cgroup, the runtime process, and a `RUNTIME delete -f
 * ID` for a container the runtime did not remove itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/ct_common.h"
#include "harness/env/netpath.h"
#include "harness/env/env.h"
#include "harness/core/marker.h"
#include "harness/env/oci_int.h"
#include "harness/core/options.h"
#include "harness/core/undo.h"
#include "harness/image/rootfs.h"
#include "harness/core/runproc.h"
#include "lib/util.h"
#include "lib/textsafe.h"

#define OCI_HOSTNAME "vbench-oci"
#define OCI_VERSION_TIMEOUT_MS 5000
#define OCI_DELETE_TIMEOUT_MS 10000

static const char *const known_runtimes[] = { "crun", "runc" };

/* ==== the backend's option ============================================== */

typedef struct oci_conf {
	const char *runtime; /* --runtime: "crun", "runc" (NULL: crun if installed, else runc) */
} oci_conf_t;

static int runtime_check(const char *v, vb_error_t *err)
{
	if (strcmp(v, "crun") && strcmp(v, "runc"))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--runtime: unknown OCI runtime '%s' (expected crun or runc)", v);
	return 0;
}

static const oci_conf_t oci_defaults = { .runtime = NULL };

static const vb_opt_t oci_opts[] = {
	{ .name = "--runtime", .arg = "NAME", .def = "crun if installed, else runc",
	  .allowed = "crun, runc", .help = "OCI runtime of the oci environment",
	  .check = runtime_check, VB_OPT_STR_AT(oci_conf_t, runtime) },
};

static const vb_env_options_t oci_options = {
	.opts = oci_opts,
	.nopts = VB_ARRAY_SIZE(oci_opts),
	.conf_size = sizeof(oci_conf_t),
	.defaults = &oci_defaults,
};

/* The runtime --runtime asked for in @cfg ("": the default). */
static const char *asked_runtime(const struct vb_run_cfg *cfg)
{
	const char *r = ((const oci_conf_t *)vb_env_conf_of(cfg, &oci_options))->runtime;

	return r ? r : "";
}

/* ==== choosing the runtime ============================================== */

/* @pref ("" or NULL: crun, then runc) -> name and path; -1 if not installed. */
static int pick_runtime(const char *pref, char *name, size_t nlen, char *path, size_t plen)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(known_runtimes); i++) {
		if (pref && pref[0] && strcmp(pref, known_runtimes[i]))
			continue;
		if (vb_proc_which(known_runtimes[i], path, plen) == 0) {
			snprintf(name, nlen, "%s", known_runtimes[i]);
			return 0;
		}
	}
	return -1;
}

static int is_crun(const char *runtime)
{
	return !strcmp(runtime, "crun");
}

/* ==== the runtime's private mount namespace (child, before exec) ========= */

static int ns_fail(const ns_setup_t *ns, const char *step)
{
	char line[PATH_MAX + 200];
	int e = errno, n;
	ssize_t w;

	n = snprintf(line, sizeof(line), "vbench: private mount namespace for the runtime: %s: %s\n",
		     step, strerror(e));
	if (ns->msgfd >= 0 && n > 0) {
		w = write(ns->msgfd, line, (size_t)n);
		(void)w;
	}
	errno = e;
	return -1;
}

/* unshare(CLONE_NEWNS); mount --make-rprivate /; bind the allocation's v1
 * directories into the bundle; a fresh cgroup2 on /sys/fs/cgroup.  Nothing
 * of it is visible outside, and it ends with the runtime. */
static int private_ns_hook(void *arg)
{
	const ns_setup_t *ns = arg;
	size_t i;

	if (unshare(CLONE_NEWNS) < 0)
		return ns_fail(ns, "unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return ns_fail(ns, "make / private (mount --make-rprivate /)");
	for (i = 0; i < ns->nbinds; i++)
		if (mount(ns->src[i], ns->dst[i], NULL, MS_BIND, NULL) < 0)
			return ns_fail(ns, ns->src[i]);
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
	    0)
		return ns_fail(ns, "mount cgroup2 on /sys/fs/cgroup");
	return 0;
}

/* Does @runtime, as vbench runs it here, answer `--version`?  Fills @version
 * with the first line.  0, or -1 with @err (VB_EUNAVAIL) saying why not. */
static int runtime_version(const char *runtime, const char *path, int private_ns, char *version,
			   size_t len, vb_error_t *err)
{
	char *argv[] = { (char *)path, "--version", NULL }, out[1024], errs[1024];
	ns_setup_t ns = { .msgfd = 2 };
	vb_proc_opts_t o = { .timeout_ms = OCI_VERSION_TIMEOUT_MS,
			     .child_hook = private_ns ? private_ns_hook : NULL,
			     .hook_arg = &ns };
	int rc = vb_proc_capture(argv, &o, out, sizeof(out), errs, sizeof(errs), err);

	if (rc < 0)
		return vb_error_prefix(err, "%s --version", runtime);
	if (rc)
		return vb_proc_failed(err, VB_EUNAVAIL, rc, errs, out, "`%s --version`%s", path,
				      private_ns ? " in a private mount namespace with cgroup2" : "");
	vb_text_first_line(out, version, len);
	return 0;
}

/* ==== probe and prepare ================================================= */

/* crun cannot use a v1/hybrid host's cgroups: it runs in the private namespace. */
static int needs_private_ns(const char *runtime, const struct vb_run_cfg *cfg)
{
	char why[256];

	return is_crun(runtime) && vb_cgroup_probe(cfg->cgroup_root, why, sizeof(why)) != VB_CG_V2;
}

static int oci_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	const char *asked = asked_runtime(cfg);
	char name[16], path[PATH_MAX], version[160];

	if (geteuid() != 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "needs root (rootless OCI runtimes are not supported yet)");
	if (pick_runtime(asked, name, sizeof(name), path, sizeof(path)) < 0) {
		if (asked[0])
			return vb_error_set(err, VB_EUNAVAIL, 0,
					    "%s not installed (not in PATH nor in /usr/local/sbin, "
					    "/usr/local/bin, /usr/sbin, /usr/bin, /sbin, /bin)",
					    asked);
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "no OCI runtime installed (looked for crun and runc in PATH and "
				    "the sbin/bin directories)");
	}
	return runtime_version(name, path, needs_private_ns(name, cfg), version, sizeof(version),
			       err);
}

/* The allocation's v1 directories, shown read-only inside so the agent
 * reads its limits as in `container`.  With a private namespace the runtime
 * cannot see /sys/fs/cgroup/<hierarchy> (cgroup2 covers it): the child binds
 * them into the bundle first. */
static int plan_cgroup_view(vb_env_t *env, oci_priv_t *p, vb_error_t *err)
{
	const char *const dirs[] = { env->cg.cpuset, env->cg.memory, env->cg.cpuacct };
	char parent[PATH_MAX], hier[32], src[PATH_MAX], bound[PATH_MAX];
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(dirs) && env->have_cg && env->cg.mode == VB_CG_V1; i++) {
		if (!dirs[i][0])
			continue;
		snprintf(parent, sizeof(parent), "%s", dirs[i]);
		*strrchr(parent, '/') = '\0'; /* "/sys/fs/cgroup/memory" */
		snprintf(hier, sizeof(hier), "%s", strrchr(parent, '/') + 1);
		snprintf(src, sizeof(src), "%s", dirs[i]);
		if (p->private_ns) {
			snprintf(bound, sizeof(bound), "%s/cgroup/%s", p->bundle, hier);
			if (vb_mkdir_p(bound, 0755, err) < 0)
				return -1;
			memcpy(p->ns.src[p->ns.nbinds], src, sizeof(src));
			memcpy(p->ns.dst[p->ns.nbinds++], bound, sizeof(bound));
			memcpy(src, bound, sizeof(src));
		}
		memcpy(p->cgname[p->ncgb], hier, sizeof(hier));
		memcpy(p->cgsrc[p->ncgb], src, sizeof(src));
		p->cgb[p->ncgb].name = p->cgname[p->ncgb];
		p->cgb[p->ncgb].source = p->cgsrc[p->ncgb];
		p->ncgb++;
	}
	return 0;
}

/* Who enforces the limits, in words for run.json; and runc's cgroupsPath. */
static void plan_limits(vb_env_t *env, oci_priv_t *p)
{
	const char *name;

	p->manager_disabled = is_crun(p->runtime);
	if (!env->have_cg) {
		snprintf(p->enforced, sizeof(p->enforced),
			 "not enforced (--no-cgroup): CPU affinity of the runtime only%s",
			 p->manager_disabled ? "; runtime cgroup manager disabled"
					     : "; runc still makes a cgroup of its own, without limits");
		return;
	}
	if (p->manager_disabled) {
		snprintf(p->enforced, sizeof(p->enforced),
			 "vbench cgroup %s around the runtime; runtime cgroup manager disabled%s",
			 env->cg.mode == VB_CG_V2 ? "v2" : "v1",
			 p->private_ns ? " because hybrid cgroups (crun refuses them: it runs in a "
					 "private mount namespace with a fresh cgroup2 mount)"
				       : " (vbench's cgroup is the one allocation policy)");
		return;
	}
	name = strrchr(env->cg.mode == VB_CG_V2 ? env->cg.v2 : env->cg.memory, '/');
	snprintf(p->cgpath, sizeof(p->cgpath), "%s", name ? name : "");
	snprintf(p->enforced, sizeof(p->enforced),
		 "vbench cgroup %s, into which runc's own cgroupfs manager places the container "
		 "(linux.cgroupsPath %s), writing the same limits; the runc process itself stays "
		 "outside (CPU affinity only): runc removes that cgroup when the container exits",
		 env->cg.mode == VB_CG_V2 ? "v2" : "v1", p->cgpath);
}

static int write_bundle(vb_env_t *env, oci_priv_t *p, vb_error_t *err)
{
	const char *args[] = { p->rootfs.inside, "serve", NULL };
	vb_oci_spec_t s = {
		.args = args,
		.env = (const char *const *)p->env.envp,
		.root = p->rootfs.dir,
		.hostname = OCI_HOSTNAME,
		.caps = p->caps,
		.cpus = env->have_cg ? env->cfg->env_cpus : "",
		.mem_bytes = env->have_cg ? env->cfg->memory : 0,
		.scratch = p->scratch,
		.device = env->cfg->scratch_device ? env->cfg->scratch : NULL,
		.dev_major = major(p->dev.st_rdev),
		.dev_minor = minor(p->dev.st_rdev),
		.cgroups_path = p->cgpath,
		.cgroup_v2_mount = env->have_cg && env->cg.mode == VB_CG_V2,
		.ncgbinds = p->ncgb,
		.host_network = vb_netpath_is_host(env),
	};

	memcpy(s.cgbinds, p->cgb, sizeof(s.cgbinds));
	p->config = vb_oci_config(&s, err);
	if (!p->config)
		return -1;
	return vb_oci_write(p->bundle, p->config, err);
}

/* `RUNTIME delete -f ID`, in the same kind of namespace as the runtime ran. */
static void delete_container(void *arg)
{
	oci_priv_t *p = arg;
	vb_proc_opts_t o = { .timeout_ms = OCI_DELETE_TIMEOUT_MS,
			     .child_hook = p->private_ns ? private_ns_hook : NULL,
			     .hook_arg = &p->del_ns };

	vb_proc_run_quiet(p->del_argv, &o);
}

/* What `vbench clean` needs to delete the container after a kill (the
 * runtime by name, never by path: clean finds it again). */
static json_t *undo_record(const oci_priv_t *p)
{
	return json_pack("{s:s,s:s,s:s,s:b,s:b}", "undo", "oci", "runtime", p->runtime, "id", p->id,
			 "manager_disabled", p->manager_disabled, "private_ns", p->private_ns);
}

/* `vbench clean` after a kill (env.h undo): the record is undo_record()'s;
 * the id must be vbench-<run id>-oci..., the runtime is looked up again by
 * name, and `RUNTIME delete -f ID` runs as the run would have. */
static int oci_undo(const json_t *rec, const char *run_id, char *msg, size_t len)
{
	const char *rt = json_string_value(json_object_get(rec, "runtime"));
	const char *id = json_string_value(json_object_get(rec, "id"));
	char prefix[64], name[16], path[PATH_MAX], flag[] = "--cgroup-manager=disabled";
	char *argv[6] = { path, NULL };
	ns_setup_t ns = { .msgfd = -1 };
	vb_proc_opts_t o = { .timeout_ms = OCI_DELETE_TIMEOUT_MS };
	int n = 1, rc;

	snprintf(prefix, sizeof(prefix), "vbench-%s-oci", run_id);
	if (!rt || !id || strncmp(id, prefix, strlen(prefix)) || strchr(id, '/') ||
	    strlen(id) >= sizeof(((oci_priv_t *)0)->id))
		return snprintf(msg, len, "oci container %s: the id is not %s...",
				id ? id : "(none)", prefix), -1;
	if (pick_runtime(rt, name, sizeof(name), path, sizeof(path)) < 0)
		return snprintf(msg, len, "oci container %s: runtime %s is not crun or runc, or not "
				"installed", id, rt), -1;
	if (json_is_true(json_object_get(rec, "manager_disabled")))
		argv[n++] = flag;
	argv[n++] = "delete";
	argv[n++] = "-f";
	argv[n++] = (char *)id;
	if (json_is_true(json_object_get(rec, "private_ns"))) {
		o.child_hook = private_ns_hook;
		o.hook_arg = &ns;
	}
	rc = vb_proc_run_quiet(argv, &o);
	snprintf(msg, len, "oci container %s (`%s delete -f`%s)", id, name,
		 rc == 0 ? "" : ": it exited non-zero, no such container left");
	return 0;
}

static int oci_prepare(vb_env_t *env, vb_error_t *err)
{
	const struct vb_run_cfg *cfg = env->cfg;
	const char *mounts[1] = { cfg->scratch }, *servers[VB_MAX_PROGRAMS + 1];
	oci_priv_t *p = calloc(1, sizeof(*p));

	if (!p)
		return vb_error_set(err, VB_ESYS, ENOMEM, "oci state");
	p->netns_fd = -1;
	env->priv = p;
	p->ns.msgfd = -1;
	p->del_ns.msgfd = -1;
	if (pick_runtime(asked_runtime(cfg), p->runtime, sizeof(p->runtime), p->rt_path,
			 sizeof(p->rt_path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "oci: no runtime");
	p->private_ns = needs_private_ns(p->runtime, cfg);
	if (runtime_version(p->runtime, p->rt_path, p->private_ns, p->version, sizeof(p->version),
			    err) < 0)
		return vb_error_prefix(err, "oci");
	snprintf(p->id, sizeof(p->id), "vbench-%s-oci%s", vb_marker_run_id(), env->inst);
	snprintf(p->bundle, sizeof(p->bundle), "/var/tmp/vbench-oci-%s-XXXXXX", vb_marker_run_id());
	if (!mkdtemp(p->bundle)) {
		p->bundle[0] = '\0';
		return vb_error_sys(err, "oci: create bundle directory in /var/tmp");
	}
	p->bundle_res = vb_undo_add_path(VB_UNDO_DIR, p->bundle);
	snprintf(p->log, sizeof(p->log), "%s/runtime.log", p->bundle);
	/* An allowed block device is a linux.devices node with its rule
	 * (ocispec.c), not a mount. */
	if (cfg->scratch_device &&
	    (strncmp(cfg->scratch, "/dev/", 5) || stat(cfg->scratch, &p->dev) < 0))
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "oci: --scratch %s: only a block device in /dev is supported "
				    "with --allow-device yet",
				    cfg->scratch);
	if (vb_rootfs_build(&p->rootfs, cfg->agent_path, vb_run_cfg_servers(cfg, servers), p->bundle,
			    mounts,
			    cfg->scratch[0] && !cfg->scratch_device ? 1 : 0, err) < 0)
		return vb_error_prefix(err, "oci");
	p->have_rootfs = 1;
	if (cfg->scratch[0] && !cfg->scratch_device)
		vb_rootfs_normalize(cfg->scratch, p->scratch, sizeof(p->scratch));
	if (vb_env_cgroup(env, cfg->memory, err) < 0)
		return -1;
	p->caps = vb_ct_caps_choose(0, p->caps_why, sizeof(p->caps_why));
	vb_ct_env_build(&p->env, &p->rootfs, "oci");
	plan_limits(env, p);
	if (plan_cgroup_view(env, p, err) < 0 || write_bundle(env, p, err) < 0)
		return vb_error_prefix(err, "oci: bundle %s", p->bundle);
	snprintf(p->del_flag, sizeof(p->del_flag), "--cgroup-manager=disabled");
	p->del_argv[0] = p->rt_path;
	p->del_argv[1] = p->manager_disabled ? p->del_flag : "delete";
	p->del_argv[2] = p->manager_disabled ? "delete" : "-f";
	p->del_argv[3] = p->manager_disabled ? "-f" : p->id;
	p->del_argv[4] = p->manager_disabled ? p->id : NULL;
	p->del_argv[5] = NULL;
	return 0;
}

/* ==== start, stop ======================================================== */

int vb_oci_spawn(vb_env_t *env, const char *image, vb_error_t *err)
{
	oci_priv_t *p = env->priv;
	char logopt[PATH_MAX + 8], cmd[sizeof(p->command)];
	vb_oci_criu_opts_t co = { .criu = "" };
	char *argv[16];
	json_t *undo;
	int n = 0, rc;
	vb_spawn_t sp = {
		.argv = argv,
		/* runc places the container itself (and could not remove the
		 * cgroup while it sat in it: ~150 ms of retries at every stop). */
		.cg = env->have_cg && p->manager_disabled ? &env->cg : NULL,
		.stderr_fd = env->cfg->log_fd, /* the run's agent log, opened safely */
		.cpus = env->cfg->env_cpus,
		.child_hook = p->private_ns ? private_ns_hook : NULL,
		.hook_arg = &p->ns,
	};

	snprintf(logopt, sizeof(logopt), "--log=%s", p->log);
	argv[n++] = p->rt_path;
	if (p->manager_disabled)
		argv[n++] = p->del_flag;
	argv[n++] = logopt;
	if (image) { /* oci_ops.c: the checkpoint's CRIU, its image */
		vb_oci_criu_opts(p, image, &co);
		argv[n++] = co.criu;
		argv[n++] = "restore";
		argv[n++] = co.image;
		argv[n++] = co.work;
	} else {
		argv[n++] = "run";
	}
	argv[n++] = "--bundle";
	argv[n++] = p->bundle;
	argv[n++] = p->id;
	argv[n] = NULL;
	vb_argv_join(argv, image ? cmd : p->command, sizeof(cmd));
	p->ns.msgfd = open(p->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	env->launch_ns = vb_now_ns();
	rc = vb_chan_spawn(&env->chan, "oci", &sp, err);
	if (p->ns.msgfd >= 0)
		close(p->ns.msgfd);
	p->ns.msgfd = -1;
	if (rc < 0)
		return vb_error_prefix(err, "oci: start %s", p->runtime);
	undo = undo_record(p); /* released by the stop unless the runtime exited cleanly */
	env->undo_res = vb_undo_add_undo(delete_container, p, "oci runtime delete", undo);
	json_decref(undo);
	return 0;
}

static int oci_start(vb_env_t *env, vb_error_t *err)
{
	return vb_oci_spawn(env, NULL, err);
}

/* The agent's ready message; a runtime that refused exits at once, and
 * its log says why. */
static int oci_ready(vb_env_t *env, vb_error_t *err)
{
	oci_priv_t *p = env->priv;
	char what[64];

	snprintf(what, sizeof(what), "oci: `%s run`", p->runtime);
	return vb_env_wait_launched(env, what, p->log, 500, err);
}

/* The bundle (the stop, `RUNTIME delete -f` when the runtime did not exit
 * cleanly, and the cgroup: the common sequence, env_life.c). */
/* A veth pair into the container's namespace (netpath.h), as for vbench's
 * own runtime; the namespace is its init's, the runtime's child. */
static int oci_net_path(vb_env_t *env, vb_net_path_t *np, vb_error_t *err)
{
	oci_priv_t *p = env->priv;

	if (!p || env->chan.pid <= 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "oci: not running");
	if (vb_netpath_is_host(env)) {
		vb_netpath_host_path(np);
		return 0;
	}
	if (!p->net.up) {
		if (p->netns_fd < 0 && vb_netpath_child_ns(env->chan.pid, &p->netns_fd, err) < 0)
			return vb_error_prefix(err, "oci");
		if (vb_netpath_veth(&p->net, p->netns_fd, vb_netpath_is_nat(env), err) < 0)
			return vb_error_prefix(err, "oci");
	}
	vb_netpath_path(&p->net, np);
	return 0;
}

static void oci_cleanup(vb_env_t *env)
{
	oci_priv_t *p = env->priv;

	if (!p)
		return;
	vb_netpath_down(&p->net);
	if (p->netns_fd >= 0)
		close(p->netns_fd);
	if (p->have_rootfs)
		vb_rootfs_destroy(&p->rootfs);
	if (p->bundle_res)
		vb_undo_release(p->bundle_res);
	json_decref(p->config);
	free(p);
	env->priv = NULL;
}

/* ==== description ======================================================== */

/* Own: the bundle (config.json, rootfs, runtime log). */
static int oci_disk_usage(vb_env_t *env, uint64_t *own, uint64_t *shared)
{
	oci_priv_t *p = env->priv;

	*shared = 0;
	return p && p->bundle[0] ? vb_du_bytes(p->bundle, own) : -1;
}

/* The configuration, and the mechanism as used: the runtime picked. */
static json_t *oci_describe(vb_env_t *env)
{
	oci_priv_t *p = env->priv;
	char mechanism[80];
	json_t *o;

	snprintf(mechanism, sizeof(mechanism), "namespaces+cgroups (OCI runtime %s)", p->runtime);
	o = json_pack("{s:s,s:{s:s,s:s,s:s},s:s,s:s,s:{s:o,s:s,s:b,s:b,s:b},s:s,s:[ssssss],s:o,"
		      "s:{s:o,s:s,s:b,s:b},s:O,s:s}",
		      "mechanism", mechanism, "runtime", "name", p->runtime, "path", p->rt_path, "version", p->version,
		      "bundle", p->bundle, "container_id", p->id, "limits", "cgroup",
		      vb_env_limits_json(env),
		      "enforced_by", p->enforced, "runtime_cgroup_manager_disabled",
		      p->manager_disabled, "private_mount_namespace", p->private_ns,
		      "config_resources_applied_by_runtime", !p->manager_disabled && env->have_cg,
		      "hostname", OCI_HOSTNAME, "namespaces", "pid", "mount", vb_netpath_ns_name(env), "uts", "ipc",
		      "cgroup", "rootfs", vb_rootfs_to_json(&p->rootfs), "hardening",
		      "capabilities", vb_ct_caps_json(p->caps), "capabilities_why", p->caps_why,
		      "no_new_privs", 1, "root_readonly", 1, "config_json", p->config, "command",
		      p->command);
	return o ? o : json_object();
}

const vb_env_ops_t vb_env_oci = {
	.version = VB_ENV_OPS_VERSION,
	.name = "oci",
	.type = "container",
	.mechanism = "namespaces+cgroups (OCI runtime crun or runc)",
	.arch = VB_ARCH_CONTAINER,
	.mech = VB_MECH_NONE,
	.caps = VB_ENV_NEEDS_ROOT | VB_ENV_OWN_ROOT,
	.options = &oci_options,
	.probe = oci_probe,
	.prepare = oci_prepare,
	.start = oci_start,
	.wait_ready = oci_ready,
	.describe = oci_describe,
	.disk_usage = oci_disk_usage,
	.cleanup = oci_cleanup,
	.net_path = oci_net_path,
	.net_modes = vb_netpath_modes,
	.undo = oci_undo,
	.op_why = vb_oci_op_why,
	.save = vb_oci_save,
	.restore = vb_oci_restore,
	.lost = vb_oci_lost,
	.op_mechanism = "runc checkpoint and runc restore (CRIU: the container's processes, "
			"memory and namespaces dumped to image files and restored)",
};
