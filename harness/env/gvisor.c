/*
 * gvisor.c - `gvisor`: the agent in a gVisor sandbox, an OCI bundle run by
 * runsc, whose user-space kernel (the Sentry) answers the agent's system
 * calls instead of the host's.
 *
 * The bundle is the `oci` environment's (oci_spec.c: the same root
 * filesystem, capabilities, environment, scratch mount), started as
 *
 *   runsc --root BUNDLE/state --platform P --network none --ignore-cgroups
 *         run --bundle BUNDLE vbench-<run id>-gvisor<inst>
 *
 * with the agent's stdin/stdout on vbench's pipes.  The platform, how the
 * Sentry traps the application's system calls, is chosen by a probe:
 * `kvm` when the installed runsc has it and /dev/kvm accelerates for real
 * (vm_kvmprobe.h: a software /dev/kvm is not enough), else `systrap` when
 * runsc has it (newer releases), else `ptrace`; --gvisor-platform overrides,
 * and the choice and its reason are recorded.
 *
 * The allocation: runsc is started inside the allocation's cgroup with its
 * own cgroup handling off, so the whole sandbox (Sentry, gofer, the memory
 * file backing the agent's memory) is limited and accounted there, as a
 * VM's QEMU is; the spec's resources tell the Sentry the CPUs and memory
 * it has (what the agent sees).
 *
 * Everything is registered: the bundle directory (config.json, rootfs,
 * runsc's state root and log), the cgroup, the runsc process, and a
 * `runsc delete --force` for a sandbox runsc did not remove itself
 * (vbench clean does the same after a kill, from the marker's record).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "harness/core/options.h"
#include "harness/core/runproc.h"
#include "harness/core/undo.h"
#include "harness/env/ct_common.h"
#include "harness/env/env.h"
#include "harness/env/gvisor_int.h"
#include "harness/env/oci_spec.h"
#include "harness/env/vm_kvmprobe.h"
#include "harness/image/rootfs.h"
#include "lib/textsafe.h"
#include "workloads/workload.h"
#include "lib/util.h"

#define GV_HOSTNAME "vbench-gvisor"
#define GV_KVM_BUDGET_MS 2000      /* the /dev/kvm verdict, within the probe */

/* ==== the backend's option ============================================== */

typedef struct gv_conf {
	const char *platform; /* --gvisor-platform: NULL or "auto", "ptrace", "systrap", "kvm" */
} gv_conf_t;

static const char *const platforms[] = { "kvm", "systrap", "ptrace" }; /* preference order */

static int platform_check(const char *v, vb_error_t *err)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(platforms); i++)
		if (!strcmp(v, platforms[i]))
			return 0;
	if (!strcmp(v, "auto"))
		return 0;
	return vb_error_set(err, VB_EUSAGE, 0,
			    "--gvisor-platform: unknown platform '%s' (expected auto, ptrace, "
			    "systrap or kvm)",
			    v);
}

static const gv_conf_t gv_defaults = { .platform = NULL };

static const vb_opt_t gv_opts[] = {
	{ .name = "--gvisor-platform", .arg = "NAME", .def = "auto",
	  .allowed = "auto, ptrace, systrap, kvm",
	  .help = "how gVisor traps system calls (auto: kvm if /dev/kvm accelerates, else "
		  "systrap if runsc has it, else ptrace)",
	  .check = platform_check, VB_OPT_STR_AT(gv_conf_t, platform) },
};

static const vb_env_options_t gv_options = {
	.opts = gv_opts,
	.nopts = VB_ARRAY_SIZE(gv_opts),
	.conf_size = sizeof(gv_conf_t),
	.defaults = &gv_defaults,
};

/* ==== runsc and its platform ============================================= */

static gv_runsc_t last_probe; /* for probe_facts */
static int have_last_probe;

/* `runsc ARG...` (@args NULL-terminated, at most 6) with a deadline, what
 * it printed into @out (its stdout, or its stderr when that is all it
 * wrote: `runsc flags` prints there).  0, or -1 with @err (VB_EUNAVAIL:
 * exited non-zero). */
static int ask(const char *path, const char *const *args, char *out, size_t len, vb_error_t *err)
{
	char *argv[8], *errs = malloc(len);
	const char *what = args[0];
	vb_proc_opts_t o = { .timeout_ms = GV_ASK_TIMEOUT_MS };
	size_t n = 0;
	int rc;

	if (!errs)
		return vb_error_set(err, VB_ESYS, ENOMEM, "runsc %s", what);
	argv[n++] = (char *)path;
	while (*args && n < VB_ARRAY_SIZE(argv) - 1)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	rc = vb_proc_capture(argv, &o, out, len, errs, len, err);
	if (rc > 0)
		vb_proc_failed(err, VB_EUNAVAIL, rc, errs, out, "`%s %s`", path, what);
	else if (rc == 0 && !out[0]) {
		memcpy(out, errs, len);
	}
	free(errs);
	return rc == 0 ? 0 : -1;
}

/* The platforms this runsc knows, from the help of its -platform flag
 * ("specifies which platform to use: ptrace (default), kvm."). */
static void known_platforms(const char *flags, int has[3])
{
	const char *p = strstr(flags, "-platform string"), *nl;
	char line[400];
	size_t i;

	memset(has, 0, 3 * sizeof(int));
	if (!p || !(nl = strchr(p, '\n')))
		return;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(nl + 1, "\n"), nl + 1);
	for (i = 0; i < VB_ARRAY_SIZE(platforms); i++)
		has[i] = strstr(line, platforms[i]) != NULL;
}

static int platform_index(const char *name)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(platforms); i++)
		if (!strcmp(name, platforms[i]))
			return (int)i;
	return -1;
}

/* Choose the platform into @r (@asked: NULL or "auto" to probe). */
static int choose_platform(gv_runsc_t *r, const char *asked, vb_error_t *err)
{
	vb_error_t e;
	int i;

	if (asked && strcmp(asked, "auto")) {
		i = platform_index(asked);
		if (i < 0 || !r->has[i])
			return vb_error_set(err, VB_EUNAVAIL, 0,
					    "--gvisor-platform %s: %s does not have it", asked,
					    r->version);
		snprintf(r->platform, sizeof(r->platform), "%s", asked);
		snprintf(r->why, sizeof(r->why), "--gvisor-platform %s", asked);
		return 0;
	}
	if (r->has[0] && access("/dev/kvm", R_OK | W_OK) == 0) {
		vb_error_clear(&e);
		if (vb_kvm_probe(VB_KVM_MAX_RATIO, GV_KVM_BUDGET_MS, &r->kvm, &e) == 0) {
			r->kvm_probed = 1;
			if (r->kvm.accelerated) {
				snprintf(r->platform, sizeof(r->platform), "kvm");
				snprintf(r->why, sizeof(r->why),
					 "kvm: /dev/kvm accelerates here (%s)", r->kvm.reason);
				return 0;
			}
		}
	}
	i = r->has[1] ? 1 : 2;
	snprintf(r->platform, sizeof(r->platform), "%s", platforms[i]);
	snprintf(r->why, sizeof(r->why), "%s: %s%s%s", platforms[i],
		 !r->has[0]	  ? "this runsc has no kvm platform"
		 : r->kvm_probed ? r->kvm.reason
				 : "no usable /dev/kvm",
		 i == 2 ? "; this runsc has no systrap platform (newer releases do)" : "",
		 i == 1 ? "; systrap is runsc's fastest without KVM" : "");
	return 0;
}

/* Is runsc installed, does it answer, which platform?  Fills @r. */
static int find_runsc(gv_runsc_t *r, const struct vb_run_cfg *cfg, vb_error_t *err)
{
	static const char *const version[] = { "--version", NULL }, *const flags[] = { "flags", NULL };
	const gv_conf_t *c = vb_env_conf_of(cfg, &gv_options);
	char *out;
	int rc;

	memset(r, 0, sizeof(*r));
	if (geteuid() != 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "needs root (rootless gVisor is not supported)");
	if (vb_proc_which("runsc", r->path, sizeof(r->path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "runsc not installed (scripts/install-deps.sh, or apt-get install "
				    "runsc)");
	out = malloc(1 << 16);
	if (!out)
		return vb_error_set(err, VB_ESYS, ENOMEM, "runsc");
	rc = ask(r->path, version, out, 1 << 16, err);
	if (rc == 0)
		vb_text_first_line(out, r->version, sizeof(r->version));
	if (rc == 0)
		rc = ask(r->path, flags, out, 1 << 16, err);
	if (rc == 0)
		known_platforms(out, r->has);
	free(out);
	if (rc < 0)
		return -1;
	if (!r->has[2] && !r->has[1])
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s: `runsc flags` names neither the ptrace nor the systrap "
				    "platform",
				    r->version);
	return choose_platform(r, c->platform, err);
}

static int gv_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	int rc = find_runsc(&last_probe, cfg, err);

	have_last_probe = 1;
	if (rc == 0 && cfg->scratch_device)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "--allow-device: gVisor gives a sandbox no host block device");
	return rc;
}

static json_t *platform_json(const gv_runsc_t *r)
{
	json_t *known = json_array();
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(platforms); i++)
		if (r->has[i])
			json_array_append_new(known, json_string(platforms[i]));
	return json_pack("{s:s,s:s,s:s,s:o,s:o}", "runsc", r->version, "platform", r->platform,
			 "platform_why", r->why, "platforms_known", known, "kvm_probe",
			 r->kvm_probed ? vb_kvm_verdict_to_json(&r->kvm) : json_null());
}

static json_t *gv_probe_facts(void)
{
	return have_last_probe && last_probe.version[0] ? platform_json(&last_probe) : NULL;
}

/* ==== prepare ============================================================ */

static int write_bundle(vb_env_t *env, gv_priv_t *p, vb_error_t *err)
{
	const char *args[] = { p->rootfs.inside, "serve", NULL };
	vb_oci_spec_t s = {
		.args = args,
		.env = (const char *const *)p->env.envp,
		.root = p->rootfs.dir,
		.hostname = GV_HOSTNAME,
		.caps = p->caps,
		/* what the Sentry reports to the agent; the cgroup enforces */
		.cpus = env->cfg->env_cpus,
		.mem_bytes = env->cfg->memory,
		.scratch = p->scratch,
	};

	p->config = vb_oci_config(&s, err);
	if (!p->config)
		return -1;
	return vb_oci_write(p->bundle, p->config, err);
}

/* `runsc --root STATE delete --force ID`: registry release, also on the
 * forced-exit path (no allocation). */
static void delete_sandbox(void *arg)
{
	gv_priv_t *p = arg;
	vb_proc_opts_t o = { .timeout_ms = GV_DELETE_TIMEOUT_MS };

	vb_proc_run_quiet(p->del_argv, &o);
}

static json_t *undo_record(const gv_priv_t *p)
{
	return json_pack("{s:s,s:s,s:s}", "undo", "gvisor", "root", p->state, "id", p->id);
}

/* `vbench clean` after a kill: the record is undo_record()'s.  The id
 * must be vbench-<run id>-gvisor..., the state root
 * /var/tmp/vbench-gvisor-<run id>-XXXXXX/state, a directory of root's
 * reached without a symbolic link; then `runsc delete --force` as the
 * run would have (the bundle directory is its own record, removed after). */
static int gv_undo(const json_t *rec, const char *run_id, char *msg, size_t len)
{
	const char *root = json_string_value(json_object_get(rec, "root"));
	const char *id = json_string_value(json_object_get(rec, "id"));
	char idp[64], rootp[PATH_MAX], path[PATH_MAX], opt[PATH_MAX + 8];
	char *argv[] = { path, opt, "delete", "--force", (char *)id, NULL };
	vb_proc_opts_t o = { .timeout_ms = GV_DELETE_TIMEOUT_MS };
	struct stat st;
	size_t rl;
	int rc;

	snprintf(idp, sizeof(idp), "vbench-%s-gvisor", run_id);
	snprintf(rootp, sizeof(rootp), "/var/tmp/vbench-gvisor-%s-", run_id);
	rl = strlen(rootp);
	if (!id || strncmp(id, idp, strlen(idp)) || strchr(id, '/') || strlen(id) >= 64)
		return snprintf(msg, len, "gvisor sandbox %s: the id is not %s...",
				id ? id : "(none)", idp), -1;
	/* mkdtemp's six letters and digits, then /state: nothing else */
	if (!root || strncmp(root, rootp, rl) || strlen(root) != rl + 6 + 6 ||
	    strspn(root + rl, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != 6 ||
	    strcmp(root + rl + 6, "/state"))
		return snprintf(msg, len, "gvisor sandbox %s: the state root %s is not %sXXXXXX/state",
				id, root ? root : "(none)", rootp), -1;
	snprintf(path, sizeof(path), "%.*s", (int)(rl + 6), root);
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    lstat(root, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0)
		return snprintf(msg, len, "gvisor sandbox %s: state root %s is gone or not a "
				"directory of root's: nothing to delete", id, root), 0;
	if (vb_proc_which("runsc", path, sizeof(path)) < 0)
		return snprintf(msg, len, "gvisor sandbox %s: runsc not installed", id), -1;
	snprintf(opt, sizeof(opt), "--root=%s", root);
	rc = vb_proc_run_quiet(argv, &o);
	snprintf(msg, len, "gvisor sandbox %s (`runsc delete --force`%s)", id,
		 rc == 0 ? "" : ": it exited non-zero, no such sandbox left");
	return 0;
}

static int gv_prepare(vb_env_t *env, vb_error_t *err)
{
	const struct vb_run_cfg *cfg = env->cfg;
	const char *mounts[1] = { cfg->scratch }, *servers[VB_MAX_PROGRAMS + 1];
	gv_priv_t *p = calloc(1, sizeof(*p));

	if (!p)
		return vb_error_set(err, VB_ESYS, ENOMEM, "gvisor state");
	env->priv = p;
	if (have_last_probe && last_probe.platform[0]) /* this run's probe: no second KVM test */
		p->rs = last_probe;
	else if (find_runsc(&p->rs, cfg, err) < 0)
		return vb_error_prefix(err, "gvisor");
	snprintf(p->id, sizeof(p->id), "vbench-%s-gvisor%s", vb_marker_run_id(), env->inst);
	snprintf(p->bundle, sizeof(p->bundle), "/var/tmp/vbench-gvisor-%s-XXXXXX",
		 vb_marker_run_id());
	if (!mkdtemp(p->bundle)) {
		p->bundle[0] = '\0';
		return vb_error_sys(err, "gvisor: create bundle directory in /var/tmp");
	}
	p->bundle_res = vb_undo_add_path(VB_UNDO_DIR, p->bundle);
	snprintf(p->state, sizeof(p->state), "%s/state", p->bundle);
	snprintf(p->log, sizeof(p->log), "%s/runsc.log", p->bundle);
	if (mkdir(p->state, 0700) < 0)
		return vb_error_sys(err, "gvisor: %s", p->state);
	if (vb_rootfs_build(&p->rootfs, cfg->agent_path, vb_run_cfg_servers(cfg, servers),
			    p->bundle, mounts, cfg->scratch[0] ? 1 : 0, err) < 0)
		return vb_error_prefix(err, "gvisor");
	p->have_rootfs = 1;
	if (cfg->scratch[0])
		vb_rootfs_normalize(cfg->scratch, p->scratch, sizeof(p->scratch));
	if (vb_env_cgroup(env, cfg->memory, err) < 0)
		return -1;
	/* None: the capability the other containers keep is CAP_PERFMON, for
	 * perf events, which the Sentry does not implement (and runsc 2022-12
	 * refuses the name: "unknown capability"). */
	p->caps = 0;
	snprintf(p->caps_why, sizeof(p->caps_why),
		 "none: the others keep CAP_PERFMON for perf events, which gVisor does not "
		 "implement");
	vb_ct_env_build(&p->env, &p->rootfs, "gvisor");
	if (write_bundle(env, p, err) < 0)
		return vb_error_prefix(err, "gvisor: bundle %s", p->bundle);
	snprintf(p->root_opt, sizeof(p->root_opt), "--root=%s", p->state);
	p->del_argv[0] = p->rs.path;
	p->del_argv[1] = p->root_opt;
	p->del_argv[2] = "delete";
	p->del_argv[3] = "--force";
	p->del_argv[4] = p->id;
	p->del_argv[5] = NULL;
	return 0;
}

/* ==== start, stop ======================================================== */

int vb_gvisor_spawn(vb_env_t *env, const char *image, vb_error_t *err)
{
	gv_priv_t *p = env->priv;
	char platform[32], image_opt[PATH_MAX + 16], cmd[sizeof(p->command)];
	char *argv[14];
	json_t *undo;
	int n = 0;
	vb_spawn_t sp = {
		.argv = argv,
		.cg = env->have_cg ? &env->cg : NULL, /* the whole sandbox in the allocation */
		.stderr_path = p->log,
		.cpus = env->cfg->env_cpus,
	};

	snprintf(platform, sizeof(platform), "--platform=%s", p->rs.platform);
	argv[n++] = p->rs.path;
	argv[n++] = p->root_opt;
	argv[n++] = platform;
	argv[n++] = "--network=none";
	argv[n++] = "--ignore-cgroups";
	if (image) {
		snprintf(image_opt, sizeof(image_opt), "--image-path=%s", image);
		argv[n++] = "restore";
		argv[n++] = image_opt;
	} else {
		argv[n++] = "run";
	}
	argv[n++] = "--bundle";
	argv[n++] = p->bundle;
	argv[n++] = p->id;
	argv[n] = NULL;
	vb_argv_join(argv, image ? cmd : p->command, sizeof(cmd));
	env->launch_ns = vb_now_ns();
	if (vb_chan_spawn(&env->chan, "gvisor", &sp, err) < 0)
		return vb_error_prefix(err, "gvisor: start runsc");
	undo = undo_record(p); /* released by the stop unless runsc exited cleanly */
	env->undo_res = vb_undo_add_undo(delete_sandbox, p, "gvisor runsc delete", undo);
	json_decref(undo);
	return 0;
}

static int gv_start(vb_env_t *env, vb_error_t *err)
{
	return vb_gvisor_spawn(env, NULL, err);
}

/* The agent's ready message; runsc that refused exits, its stderr says why. */
static int gv_ready(vb_env_t *env, vb_error_t *err)
{
	return vb_env_wait_launched(env, "gvisor: `runsc run`", ((gv_priv_t *)env->priv)->log,
				    2000, err);
}

static int gv_net_path(vb_env_t *env, vb_net_path_t *np, vb_error_t *err)
{
	(void)np;
	return vb_error_set(err, VB_EUNAVAIL, 0,
			    "%s: started with --network=none (gVisor's own network stack is not "
			    "measured yet)",
			    env->name);
}

/* runsc's stderr into the run's agent log, then the bundle. */
static void gv_cleanup(vb_env_t *env)
{
	gv_priv_t *p = env->priv;

	if (!p)
		return;
	if (p->bundle[0])
		vb_env_keep_log(env, p->log);
	if (p->have_rootfs)
		vb_rootfs_destroy(&p->rootfs);
	if (p->bundle_res)
		vb_undo_release(p->bundle_res);
	json_decref(p->config);
	free(p);
	env->priv = NULL;
}

/* ==== description ======================================================== */

static int gv_disk_usage(vb_env_t *env, uint64_t *own, uint64_t *shared)
{
	gv_priv_t *p = env->priv;

	*shared = 0;
	return p && p->bundle[0] ? vb_du_bytes(p->bundle, own) : -1;
}

static json_t *gv_describe(vb_env_t *env)
{
	gv_priv_t *p = env->priv;
	char mechanism[120], enforced[300];
	json_t *o;

	snprintf(mechanism, sizeof(mechanism),
		 "user-space kernel (gVisor Sentry, platform %s)", p->rs.platform);
	snprintf(enforced, sizeof(enforced),
		 env->have_cg ? "vbench cgroup %s around runsc (--ignore-cgroups): the Sentry, the "
				"gofer and the memory backing the agent's are limited and counted there"
			      : "not enforced (--no-cgroup)%s",
		 env->have_cg ? (env->cg.mode == VB_CG_V2 ? "v2" : "v1") : "");
	o = json_pack("{s:s,s:{s:s,s:s,s:s},s:o,s:s,s:s,s:{s:o,s:s},s:s,s:s,s:o,"
		      "s:{s:o,s:s,s:b,s:b},s:O,s:s}",
		      "mechanism", mechanism, "runtime", "name", "runsc", "path", p->rs.path,
		      "version", p->rs.version, "sandbox", platform_json(&p->rs), "bundle",
		      p->bundle, "container_id", p->id, "limits", "cgroup",
		      vb_env_limits_json(env), "enforced_by", enforced, "hostname", GV_HOSTNAME,
		      "network", "none", "rootfs", vb_rootfs_to_json(&p->rootfs), "hardening",
		      "capabilities", vb_ct_caps_json(p->caps), "capabilities_why", p->caps_why,
		      "no_new_privs", 1, "root_readonly", 1, "config_json", p->config, "command",
		      p->command);
	return o ? o : json_object();
}

static const char *const gv_net_modes[] = { "none", NULL };

const vb_env_ops_t vb_env_gvisor = {
	.version = VB_ENV_OPS_VERSION,
	.name = "gvisor",
	.type = "sandbox (user-space kernel)",
	.mechanism = "user-space kernel (gVisor Sentry): system calls trapped, code runs natively",
	.arch = VB_ARCH_SANDBOX,
	.mech = VB_MECH_NONE,
	.caps = VB_ENV_NEEDS_ROOT | VB_ENV_OWN_ROOT,
	.options = &gv_options,
	.probe = gv_probe,
	.probe_facts = gv_probe_facts,
	.prepare = gv_prepare,
	.start = gv_start,
	.wait_ready = gv_ready,
	.describe = gv_describe,
	.disk_usage = gv_disk_usage,
	.cleanup = gv_cleanup,
	.net_path = gv_net_path,
	.net_modes = gv_net_modes,
	/* measured here: io.seqread 7.7 GB/s in the sandbox, 1.2 GB/s from the
	 * disk on bare metal, both "direct" (docs/benchmarks.md) */
	.not_run = VB_W_DIRECT,
	.not_run_why = "gVisor accepts O_DIRECT but its gofer reads and writes the host file "
		       "through the host's page cache: the direct I/O workloads would compare a "
		       "cache with the disk (io.fsync runs)",
	.undo = gv_undo,
	.op_why = vb_gvisor_op_why,
	.save = vb_gvisor_save,
	.restore = vb_gvisor_restore,
	.op_mechanism = "runsc checkpoint and runsc restore (gVisor's own: the Sentry saves "
			"the sandbox's kernel state and memory)",
};
