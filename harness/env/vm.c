/*
 * vm.c - the two virtual-machine environments: `hosted` (QEMU with TCG,
 * a type-2 hypervisor in software) and `kvm` (QEMU with KVM, hardware-
 * assisted).  One implementation, two operation tables: they differ only in
 * the accelerator, the CPU model and the probe.
 *
 * prepare: the guest image (guestimage.h: kernel, PVH vmlinux, initramfs
 *          with the agent; the first run may download Debian's kernel), the
 *          scratch disk image (vm_disk.h) and the allocation cgroup.  Its
 *          memory limit is guest RAM plus a QEMU allowance (VM_ALLOWANCE_*:
 *          device emulation, TCG's translation cache, I/O buffers), recorded
 *          in run.json; guest RAM (-m) is the allocation itself.
 * start:   QEMU launched and the guest booted (vm_boot.c).  The kernel
 *          console goes to console-<env>.log and QEMU's own stderr to
 *          qemu-<env>.log in the run directory (<env> with the instance tag
 *          of extra instances: console-hosted-d2.log), kept with the
 *          results.  A boot that fails, panics or times out (--boot-timeout)
 *          kills QEMU and the error carries the last console lines, so the
 *          environment is reported unavailable with its reason and the run
 *          goes on.
 * run:     the request's "scratch" (a host path) becomes the guest's mount
 *          point of the scratch disk ("allow_device" is dropped: with
 *          --scratch naming a block device the image is still vbench's own,
 *          in /var/tmp); the rest is sent unchanged.  A repetition that
 *          fails because the guest stopped answering says how QEMU ended
 *          ("QEMU was killed by signal 9 (SIGKILL)") and, only when the
 *          guest wrote to its console after its normal boot (after the
 *          agent's ready message), that console tail.
 * stop:    quit: the agent exits, /init powers off, QEMU exits; after
 *          --stop-timeout it is killed.  Everything (QEMU, socket
 *          directory, disk image, cgroup) is in the resource registry.
 *
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/core/runproc.h"
#include "harness/core/undo.h"
#include "harness/env/vm_int.h"
#include "lib/hostinfo.h"
#include "lib/safefs.h"
#include "lib/term.h"
#include "lib/util.h"

/* ==== options ============================================================ */

/* A kernel that exists must be a regular file: a FIFO would block its read. */
static int kernel_check(const char *v, vb_error_t *err)
{
	struct stat st;

	if (stat(v, &st) == 0 && !S_ISREG(st.st_mode))
		return vb_error_set(err, VB_EUSAGE, 0, "--kernel %s: is %s, not a regular file", v,
				    vb_safefs_kind(st.st_mode));
	return 0;
}

static const vm_conf_t vm_defaults = { .kernel = NULL, .boot_timeout_s = 120 };

static const vb_opt_t vm_opts[] = {
	{ .name = "--kernel", .arg = "PATH",
	  .def = "/boot/vmlinuz-$(uname -r), else Debian's linux-image-amd64",
	  .help = "guest kernel of the VM environments (bzImage or vmlinux)",
	  .check = kernel_check, VB_OPT_PATH_AT(vm_conf_t, kernel) },
	{ .name = "--boot-timeout", .arg = "SECONDS", .def = "120",
	  .help = "limit for a VM to boot to the agent's ready message",
	  VB_OPT_DOUBLE_AT(vm_conf_t, boot_timeout_s, 1, 3600) },
};

static const vb_env_options_t vm_options = {
	.opts = vm_opts,
	.nopts = VB_ARRAY_SIZE(vm_opts),
	.conf_size = sizeof(vm_conf_t),
	.defaults = &vm_defaults,
};

/* The verdict of the last kvm probe in this process: probe() has no
 * environment to keep it in, prepare() copies it for run.json. */
static vb_kvm_verdict_t last_verdict;
static int have_last_verdict;

/* ==== probe ============================================================== */

static int common_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	char path[PATH_MAX];

	if (vb_proc_which(VM_QEMU_NAME, path, sizeof(path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    VM_QEMU_NAME " not installed (apt-get install qemu-system-x86)");
	if (vb_proc_which("mkfs.ext4", path, sizeof(path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "mkfs.ext4 not installed (apt-get install e2fsprogs)");
	return 0;
}

static int hosted_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	return common_probe(cfg, err);
}

/* /dev/kvm must exist and really accelerate (kvmprobe.h: a software KVM
 * such as kvm_pvm would take hours to boot a guest). */
static int kvm_probe(const struct vb_run_cfg *cfg, vb_error_t *err)
{
	if (common_probe(cfg, err) < 0)
		return -1;
	if (access("/dev/kvm", F_OK) < 0)
		return vb_error_set(err, VB_EUNAVAIL, errno,
				    "no /dev/kvm (no hardware virtualization, or the kvm module "
				    "is not loaded)");
	have_last_verdict = 0;
	if (vb_kvm_probe(VB_KVM_MAX_RATIO, VB_KVM_TIMEOUT_MS, &last_verdict, err) < 0)
		return -1;
	have_last_verdict = 1;
	if (!last_verdict.accelerated)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s", last_verdict.reason);
	return 0;
}

/* The last kvm probe's verdict for the record of a kvm that did not come
 * up: the KVM modules loaded, the CPU flags, the figures (explain reads
 * "modules"). */
static json_t *kvm_probe_facts(void)
{
	return have_last_verdict ? vb_kvm_verdict_to_json(&last_verdict) : NULL;
}

/* ==== prepare ============================================================ */

static int vm_prepare(vb_env_t *env, vb_error_t *err)
{
	const vb_run_cfg_t *cfg = env->cfg;
	const char *name = env->ops->name, *servers[VB_MAX_PROGRAMS + 1];
	vm_priv_t *p = calloc(1, sizeof(*p));
	char tag[48], a[32], b[32], c[32];
	uint64_t total, avail;

	if (!p)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s: state", name);
	env->priv = p;
	p->console_fd = p->qemu_fd = p->tap_fd = -1;
	vb_qmp_init(&p->qmp);
	vb_argv_init(&p->argv);
	if (vm_is_kvm(env) && have_last_verdict) {
		p->verdict = last_verdict;
		p->have_verdict = 1;
	}
	if (vb_proc_which(VM_QEMU_NAME, p->qemu, sizeof(p->qemu)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: " VM_QEMU_NAME " not found", name);
	p->allowance = VM_ALLOWANCE_FIXED + cfg->memory / 100 * VM_ALLOWANCE_PCT;
	if (vb_hostinfo_memory(&total, &avail, NULL) == 0 && avail &&
	    avail < cfg->memory + p->allowance)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s: not enough host memory for a %s guest plus QEMU's "
				    "allowance of %s: %s available",
				    name, vb_format_size(cfg->memory, a, sizeof(a)),
				    vb_format_size(p->allowance, b, sizeof(b)),
				    vb_format_size(avail, c, sizeof(c)));
	if (!cfg->quiet)
		vb_term_say(stderr, "%s: preparing the guest image", name);
	if (vb_guestimage_prepare(vm_conf(env)->kernel ? vm_conf(env)->kernel : "", cfg->agent_path,
				  vb_run_cfg_servers(cfg, servers), &p->img, err) < 0) {
		err->code = err->code == VB_ESYS ? VB_EUNAVAIL : err->code;
		return vb_error_prefix(err, "%s", name);
	}
	p->have_img = 1;
	snprintf(tag, sizeof(tag), "%s%s", name, env->inst);
	if (vb_vm_disk_create(&p->disk, cfg, tag, err) < 0)
		return vb_error_prefix(err, "%s: scratch disk", name);
	p->have_disk = 1;
	if (vb_env_cgroup(env, cfg->memory + p->allowance, err) < 0)
		return -1;
	if (!vm_is_kvm(env))
		p->tsc_khz = vb_vm_host_tsc_khz();
	return 0;
}

/* ==== run, measure, describe ============================================= */

/* The request with the host's scratch path replaced by the guest's mount
 * point of the scratch disk (new reference, NULL without memory). */
static json_t *vm_adapt(vb_env_t *env, const json_t *req)
{
	json_t *r = json_copy((json_t *)req);

	if (r && json_object_get(r, "scratch"))
		json_object_set_new(r, "scratch", json_string(VB_GUEST_SCRATCH));
	if (r)
		json_object_del(r, "allow_device"); /* the guest's disk is a filesystem */
	return r;
}

/* The lost hook: how QEMU ended, and what the guest said after its normal
 * boot (a kernel panic's line first), if anything. */
static void vm_lost(vb_env_t *env, vb_error_t *err)
{
	vm_priv_t *p = env->priv;
	char tail[300], what[400], how[96], panic[160];

	if (!p)
		return;
	vb_vm_qemu_end(env, how, sizeof(how));
	vb_vm_log_find(p->console, "Kernel panic - not syncing:", panic, sizeof(panic));
	vb_vm_log_tail(p->console, p->console_ready, panic[0] ? 2 : 8, tail, sizeof(tail));
	snprintf(what, sizeof(what), "%s", err->msg);
	vb_error_set(err, err->code, 0, "%s%s%s%s%s%s%s%s", what, how[0] ? " (" : "", how,
		     how[0] ? ")" : "", panic[0] ? "; guest kernel panic: " : "", panic,
		     tail[0] ? "; console tail: " : "", tail);
}

static json_t *vm_run(vb_env_t *env, const json_t *req, vb_error_t *err)
{
	json_t *r = vm_adapt(env, req), *reply;

	if (!r) {
		vb_error_set(err, VB_ESYS, ENOMEM, "%s: request", env->ops->name);
		return NULL;
	}
	reply = vb_env_call(env, r, (int)(env->cfg->rep_timeout_s * 1000), err);
	json_decref(r);
	if (!reply && err && err->code != VB_EINTR && err->code != VB_EPROTO &&
	    err->code != VB_EREFUSED)
		vm_lost(env, err); /* the runner stops this VM now */
	return reply;
}

/* Own: the scratch disk image's allocated blocks; shared: the cached guest
 * kernel and initramfs every VM of this run boots from. */
static int vm_disk_usage(vb_env_t *env, uint64_t *own, uint64_t *shared)
{
	vm_priv_t *p = env->priv;
	uint64_t k = 0, i = 0;

	if (!p || !p->have_disk || vb_vm_disk_usage(&p->disk, own) < 0)
		return -1;
	if (p->have_img) {
		vb_du_bytes(p->img.kernel, &k);
		vb_du_bytes(p->img.initramfs, &i);
	}
	*shared = k + i;
	return 0;
}

static json_t *vm_describe(vb_env_t *env)
{
	vm_priv_t *p = env->priv;
	char *cmd = vb_argv_format(&p->argv);
	json_t *o;

	o = json_pack("{s:o,s:s?,s:s,s:s,s:s,s:o,s:o,s:{s:s,s:s,s:s},s:o,s:{s:I,s:I,s:s},s:s,s:s,"
		      "s:f,s:o}",
		      "qemu", vb_qemu_describe(&p->qc) ?: json_null(), "command", cmd, "accel",
		      p->qc.accel, "machine", p->qc.machine, "mechanism", env->ops->mechanism,
		      "guest_image", vb_guestimage_to_json(&p->img), "scratch_disk",
		      vb_vm_disk_to_json(&p->disk), "guest_scratch", "device", VB_QEMU_GUEST_DISK,
		      "mount", VB_GUEST_SCRATCH, "fs", VB_VM_DISK_FS, "limits",
		      vb_env_limits_json(env),
		      "memory", "guest_bytes", (json_int_t)p->qc.memory, "qemu_allowance_bytes",
		      (json_int_t)p->allowance, "rule",
		      VM_ALLOWANCE_RULE "; the cgroup limit is guest RAM plus the allowance",
		      "console_log", p->console, "qemu_log", p->qemu_log, "boot_timeout_s",
		      vm_conf(env)->boot_timeout_s, "tsc_khz",
		      p->tsc_khz ? json_integer((json_int_t)p->tsc_khz) : json_null());
	free(cmd);
	if (o && p->have_verdict)
		json_object_set_new(o, "kvm_probe", vb_kvm_verdict_to_json(&p->verdict));
	if (o && env->cfg->scratch_device)
		json_object_set_new(o, "scratch_device_not_used",
				    json_sprintf("--scratch %s is a block device: this guest's I/O "
						 "numbers are on its own image %s, not on the device",
						 env->cfg->scratch, p->disk.path));
	if (o && (strstr(p->append, "vbench.hang") || strstr(p->append, "rdinit=")))
		json_object_set_new(o, "test_hooks", json_string(p->append));
	return o ? o : json_object();
}

/* ==== stop and cleanup =================================================== */

/* The common stop (quit: the agent exits, /init powers off, QEMU exits;
 * past --stop-timeout QEMU is killed).  Once the run is interrupted (a
 * 3 s cap) a kill is not recorded as a guest that would not stop. */
static int vm_stop(vb_env_t *env, vb_error_t *err)
{
	int timed_out_before = env->stop_timed_out;

	vb_env_stop_common(env);
	if (vb_undo_interrupted())
		env->stop_timed_out = timed_out_before;
	return 0;
}

/* The disk image, the socket directory, the guest image (the cgroup: the
 * core). */
static void vm_cleanup(vb_env_t *env)
{
	vm_priv_t *p = env->priv;

	if (!p)
		return;
	vb_vm_ops_cleanup(env);
	if (p->have_disk)
		vb_vm_disk_destroy(&p->disk);
	if (p->tap_fd >= 0)
		close(p->tap_fd);
	vb_netpath_down(&p->net);
	if (p->sockdir_res)
		vb_undo_release(p->sockdir_res);
	vb_argv_free(&p->argv);
	if (p->have_img)
		vb_guestimage_free(&p->img);
	free(p);
	env->priv = NULL;
}

/* user: QEMU's user-mode network (what desktop hypervisors give by
 * default); tap: a tap device, routed (netpath.h). */
static const char *const vm_net_modes[] = { "user", "tap", NULL };

/* QEMU's user-mode network with one forwarded port (vm_boot.c): the
 * client connects to 127.0.0.1:fwd_host, QEMU passes it to the guest's
 * server on fwd_guest; set up at the start when a network workload was
 * selected. */
static int vm_net_path(vb_env_t *env, vb_net_path_t *np, vb_error_t *err)
{
	vm_priv_t *p = env->priv;

	size_t n;

	if (p && p->qc.net && p->qc.tap_fd > 2) {
		vb_netpath_path(&p->net, np);
		n = strlen(np->path);
		snprintf(np->path + n, sizeof(np->path) - n, ", vhost-net %s",
			 p->qc.vhost	       ? "on"
			 : !vm_is_kvm(env) ? "off (TCG: no ioeventfd)"
					   : "off (no /dev/vhost-net)");
		return 0;
	}
	if (!p || !p->qc.net || !p->qc.fwd_host)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s: started without a network (no network workload selected)",
				    env->ops->name);
	snprintf(np->addr, sizeof(np->addr), "127.0.0.1");
	snprintf(np->path, sizeof(np->path),
		 "QEMU user-mode networking (slirp, restricted), host 127.0.0.1:%u forwarded to "
		 "the guest's %s:%u over virtio-net",
		 p->qc.fwd_host, VB_QEMU_GUEST_ADDR, p->qc.fwd_guest);
	np->listen_port = p->qc.fwd_guest;
	np->connect_port = p->qc.fwd_host;
	return 0;
}

/* One implementation: the two VMs differ in their facts and probe (TCG or
 * KVM is QEMU's accelerator, vm_is_kvm), never in how an instance lives. */
#define VM_HOOKS                                                                                   \
	.options = &vm_options, .prepare = vm_prepare, .start = vb_vm_boot,                        \
	.wait_ready = vb_vm_ready, .run = vm_run, .adapt = vm_adapt, .disk_usage = vm_disk_usage,  \
	.describe = vm_describe, .stop = vm_stop, .cleanup = vm_cleanup, .net_path = vm_net_path, \
	.net_modes = vm_net_modes, .save = vb_vm_save, .restore = vb_vm_restore,                \
	.migrate = vb_vm_migrate, .op_why = vb_vm_op_why, .lost = vm_lost,                       \
	.op_mechanism = "QEMU's migration stream over QMP (to a file, from a file, to a second QEMU)"

const vb_env_ops_t vb_env_hosted = {
	.version = VB_ENV_OPS_VERSION,
	.name = "hosted",
	.type = "hosted VM (type-2)",
	.mechanism = "QEMU TCG binary translation (software emulation)",
	.arch = VB_ARCH_HOSTED_VM,
	.mech = VB_MECH_EMULATION,
	.caps = VB_ENV_NEEDS_ROOT | VB_ENV_IS_VM | VB_ENV_OWN_ROOT,
	.probe = hosted_probe,
	VM_HOOKS,
};

const vb_env_ops_t vb_env_kvm = {
	.version = VB_ENV_OPS_VERSION,
	.name = "kvm",
	.type = "KVM VM (hardware-assisted)",
	.mechanism = "QEMU + KVM (hardware-assisted virtualization)",
	.arch = VB_ARCH_HW_VM,
	.mech = VB_MECH_HW_ASSIST,
	.caps = VB_ENV_NEEDS_ROOT | VB_ENV_NEEDS_KVM | VB_ENV_IS_VM | VB_ENV_OWN_ROOT,
	.probe = kvm_probe,
	.probe_facts = kvm_probe_facts,
	VM_HOOKS,
};

/* ==== the host's TSC rate ================================================= */

static int invariant_tsc(void)
{
	char line[4096];
	int found = 0;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		found = strstr(line, " constant_tsc") && strstr(line, " nonstop_tsc");
		break;
	}
	fclose(f);
	return found;
}

static uint64_t raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t vb_vm_host_tsc_khz(void)
{
#if defined(__x86_64__) || defined(__i386__)
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	uint64_t best = 0, best_err = UINT64_MAX;
	int i;

	if (!invariant_tsc())
		return 0;
	for (i = 0; i < 3; i++) {
		/* Each end is bracketed by two clock reads; the bracket's width
		 * bounds the error, the narrowest attempt wins. */
		uint64_t a0 = raw_ns(), c0 = __builtin_ia32_rdtsc(), a1 = raw_ns();
		nanosleep(&nap, NULL);
		uint64_t b0 = raw_ns(), c1 = __builtin_ia32_rdtsc(), b1 = raw_ns();
		uint64_t ns = (b0 + b1) / 2 - (a0 + a1) / 2, e = (a1 - a0) + (b1 - b0);

		if (!ns || c1 <= c0)
			continue;
		if (e < best_err) {
			best_err = e;
			best = (uint64_t)((double)(c1 - c0) * 1e6 / (double)ns + 0.5);
		}
	}
	return best;
#else
	return 0;
#endif
}
