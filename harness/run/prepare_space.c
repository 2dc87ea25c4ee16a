/*
 * prepare_space.c - how much memory and disk a run holds at its peak, and
 * the refusal before anything starts when the host does not have it
 * (prepare.h; the rules are in docs/reliability.md, "Timeouts and resource
 * checks").
 *
 * A run has three phases that never overlap: the measured run (every
 * selected environment started at once, repetitions one at a time,
 * calibration on bare metal meanwhile), density (the instances of one
 * environment at a time, bounded by memory on its own: density.c) and
 * noisy neighbours (a victim and an aggressor of one environment at a
 * time).  The need is the largest phase.  Sizes come from the sizing
 * module, exactly as the runner will send them; calibration only scales
 * the amount of work, never a file size, so they are known here.
 */
#include "harness/run/prepare.h"

#include <jansson.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "workloads/workload.h"
#include "harness/env/env.h"
#include "harness/run/sizing.h"
#include "lib/util.h"
#include "harness/env/vm_disk.h"

#define ROOTFS_BYTES (16ull << 20)   /* a container's rootfs copy (measured: ~6 MB) */
#define IMAGE_META_FIXED (32ull << 20) /* a formatted image: journal, ... */

/* Host blocks of a freshly formatted image of @img bytes (inode tables,
 * journal; measured: 49 MB for 1 GiB, 130 MB for 4 GiB). */
static uint64_t image_meta(uint64_t img)
{
	return img / 32 + IMAGE_META_FIXED;
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The environments the run will start: the selected ones, or with --all
 * every backend; VMs only when their probe passes (an unavailable VM holds
 * nothing). */
static void count_envs(const vb_run_cfg_t *cfg, vb_run_needs_t *n)
{
	const vb_env_ops_t *o;
	vb_error_t err;
	size_t i, count = cfg->all_envs ? vb_env_count() : cfg->nenvs;

	for (i = 0; i < count; i++) {
		o = cfg->all_envs ? vb_env_at(i) : vb_env_find(cfg->env_names[i]);
		if (!o || (o->caps & VB_ENV_TARGETS)) /* another machine's memory and disk */
			continue;
		if (o->caps & VB_ENV_IS_VM) {
			if (vb_env_probe(o, cfg, &err) == 0) {
				n->nvm++;
				n->nsave += o->save != NULL;
			}
			continue;
		}
		if (cfg->all_envs && vb_env_probe(o, cfg, &err) < 0)
			continue;
		n->nhost++;
		n->nrootfs += o->disk_usage != NULL; /* a rootfs copy of its own */
		n->nsave += o->save != NULL;
	}
}

void vb_prepare_needs(const vb_run_cfg_t *cfg, vb_run_needs_t *n)
{
	uint64_t f = 0, fn, img, vm_run, run, dens = 0, noisy = 0, mem_noisy;
	char a[32], b[32];

	memset(n, 0, sizeof(*n));
	count_envs(cfg, n);
	f = vb_sizing_largest_file(cfg);
	fn = (cfg->noisy & VB_NOISY_IO)
		 ? max64(vb_sizing_file_bytes(cfg, vb_workload_find("io.randread")),
			 vb_sizing_file_bytes(cfg, vb_workload_find("io.randwrite")))
		 : 0;
	n->largest_file = f;
	img = n->nvm ? vb_vm_disk_size(f) : 0;

	/* Memory: every VM keeps what its guest touched, up to --memory, for
	 * the whole run; host processes run one repetition at a time (the
	 * calibration, on bare metal, too), so one more --memory. */
	n->mem_bytes = (uint64_t)(n->nvm + 1) * cfg->memory;
	mem_noisy = cfg->noisy ? 2 * cfg->memory : 0; /* victim + aggressor */
	snprintf(n->mem_why, sizeof(n->mem_why),
		 "%zu VM(s) keeping their guest memory and one workload on the host", n->nvm);
	if (n->nvm && (cfg->ops & VB_OPS_MIGRATE)) { /* a move's second QEMU, one at a time */
		n->mem_bytes += cfg->memory;
		snprintf(n->mem_why + strlen(n->mem_why), sizeof(n->mem_why) - strlen(n->mem_why),
			 ", and a live migration's second QEMU (--ops)");
	}
	if (mem_noisy > n->mem_bytes) {
		n->mem_bytes = mem_noisy;
		snprintf(n->mem_why, sizeof(n->mem_why), "a victim and an aggressor (--noisy)");
	}

	/* Disk, the measured run: one I/O file at a time on the host (unlinked
	 * when the repetition ends), each VM's image (with I/O it may grow to
	 * its full size: written blocks are not given back), rootfs copies. */
	vm_run = f ? img : image_meta(img);
	/* An allowed block device holds the I/O file itself (checked apart,
	 * vb_prepare_disk); VM images and rootfs copies go to /var/tmp. */
	run = (cfg->scratch_device ? 0 : f) + (uint64_t)n->nvm * vm_run +
	      (uint64_t)n->nrootfs * ROOTFS_BYTES;
	/* --ops save: each such environment keeps its last image, at most its
	 * memory (the working set and what the guest touched) */
	if (cfg->ops & (VB_OPS_SAVE | VB_OPS_RESTORE))
		run += (uint64_t)n->nsave * cfg->memory;
	if (cfg->scratch_device)
		f = 0; /* for the text below: not on this filesystem */
	snprintf(n->disk_why, sizeof(n->disk_why), "%s%s%s", f ? "one I/O file of " : "",
		 f ? vb_format_size(f, a, sizeof(a)) : "", f && n->nvm ? ", " : "");
	if (n->nvm)
		snprintf(n->disk_why + strlen(n->disk_why), sizeof(n->disk_why) - strlen(n->disk_why),
			 "%zu VM scratch image(s) of up to %s", n->nvm,
			 vb_format_size(vm_run, b, sizeof(b)));
	if (n->nrootfs)
		snprintf(n->disk_why + strlen(n->disk_why), sizeof(n->disk_why) - strlen(n->disk_why),
			 "%s%zu rootfs cop%s", f || n->nvm ? ", " : "", n->nrootfs,
			 n->nrootfs == 1 ? "y" : "ies");
	if (n->nsave && (cfg->ops & (VB_OPS_SAVE | VB_OPS_RESTORE)))
		snprintf(n->disk_why + strlen(n->disk_why), sizeof(n->disk_why) - strlen(n->disk_why),
			 "%s%zu saved image(s) of up to %s (--ops)", f || n->nvm || n->nrootfs ? ", " : "",
			 n->nsave, vb_format_size(cfg->memory, b, sizeof(b)));
	/* Density: K instances of one environment at a time, idle. */
	if (cfg->density)
		dens = cfg->density * max64(n->nvm ? image_meta(img) : 0,
					    n->nrootfs ? ROOTFS_BYTES : 0);
	/* Noisy: a victim and an aggressor of one environment at a time; with
	 * the I/O aggressor both write a file. */
	if (cfg->noisy)
		noisy = max64(n->nvm ? 2 * (fn ? img : image_meta(img)) : 0,
			      n->nhost ? 2 * fn + (n->nrootfs ? 2 * ROOTFS_BYTES : 0) : 0);
	n->out_bytes = vb_prepare_out_bytes(cfg->reps * cfg->nwl *
					    (cfg->all_envs ? vb_env_count() : cfg->nenvs));
	n->disk_bytes = run;
	if (dens > n->disk_bytes) {
		n->disk_bytes = dens;
		snprintf(n->disk_why, sizeof(n->disk_why), "%llu density instances",
			 (unsigned long long)cfg->density);
	}
	if (noisy > n->disk_bytes) {
		n->disk_bytes = noisy;
		snprintf(n->disk_why, sizeof(n->disk_why),
			 "a noisy-neighbour victim and aggressor, I/O files of %s",
			 vb_format_size(fn, a, sizeof(a)));
	}
}

uint64_t vb_prepare_out_bytes(uint64_t slots)
{
	return 2 * (VB_OUT_BASE + slots * VB_OUT_PER_REP) + VB_OUT_REPORT +
	       slots * VB_OUT_REPORT_PER_REP;
}

uint64_t vb_prepare_disk_margin(uint64_t need)
{
	return max64(VB_DISK_MARGIN_MIN, need / 100 * VB_DISK_MARGIN_PCT);
}

/* The directory the disk need is checked in: --scratch, or /var/tmp when
 * there is none or it is a block device (the VM images go there then). */
static const char *space_dir(const vb_run_cfg_t *cfg)
{
	return cfg->scratch[0] && !cfg->scratch_device ? cfg->scratch : "/var/tmp";
}

/* Whether the run directory is on the filesystem of @dir. */
static int out_shares(const vb_run_cfg_t *cfg, const char *dir)
{
	struct stat a, b;

	return cfg->out_fd >= 0 && fstat(cfg->out_fd, &a) == 0 && stat(dir, &b) == 0 &&
	       a.st_dev == b.st_dev;
}

/* The run directory alone: run.json and the report must fit. */
static int out_disk(const vb_run_cfg_t *cfg, const vb_run_needs_t *n, vb_error_t *err)
{
	struct statvfs sv;
	uint64_t avail;
	char a[32], b[32];

	if (cfg->out_fd < 0 || fstatvfs(cfg->out_fd, &sv) < 0 || !sv.f_blocks)
		return 0; /* no run directory yet, or a filesystem without a size */
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail >= n->out_bytes)
		return 0;
	return vb_error_set(err, VB_ERESOURCE, 0,
			    "not enough disk space in %s: run.json and the report of the run need "
			    "about %s there, %s is available",
			    cfg->out, vb_format_size(n->out_bytes, a, sizeof(a)),
			    vb_format_size(avail, b, sizeof(b)));
}

int vb_prepare_disk(const vb_run_cfg_t *cfg, const vb_run_needs_t *n, vb_error_t *err)
{
	const char *dir = space_dir(cfg);
	uint64_t avail, margin, need;
	struct statvfs sv;
	char a[32], b[32], c[32];
	int shared;

	if (cfg->scratch_device && n->largest_file > cfg->device_bytes)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "--scratch %s holds %s, the largest I/O file of the run is %s",
				    cfg->scratch, vb_format_size(cfg->device_bytes, a, sizeof(a)),
				    vb_format_size(n->largest_file, b, sizeof(b)));
	if (!n->disk_bytes)
		return out_disk(cfg, n, err); /* nothing but run.json and the report */
	shared = out_shares(cfg, dir);
	if (!shared && out_disk(cfg, n, err) < 0)
		return -1;
	if (statvfs(dir, &sv) < 0)
		return vb_error_set(err, VB_ERESOURCE, errno, "statvfs %s", dir);
	if (!sv.f_blocks)
		return 0; /* a filesystem without a size (ramfs) cannot be judged */
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	need = n->disk_bytes + (shared ? n->out_bytes : 0);
	margin = vb_prepare_disk_margin(need);
	if (avail >= need + margin)
		return 0;
	return vb_error_set(err, VB_ERESOURCE, 0,
			    "not enough disk space in %s: the run needs %s there (%s%s) + %s margin, "
			    "%s is available",
			    dir, vb_format_size(need, a, sizeof(a)), n->disk_why,
			    shared ? ", run.json and the report" : "",
			    vb_format_size(margin, b, sizeof(b)), vb_format_size(avail, c, sizeof(c)));
}

/* The VMs' boot limit (--boot-timeout, the VM backends' option), for the
 * record of every limit of the run; 0 without such an option. */
static double boot_timeout_s(const vb_run_cfg_t *cfg)
{
	char v[64];

	return vb_run_cfg_opt_text(cfg, vb_env_cfg_ext(), "--boot-timeout", v, sizeof(v)) == 0
		       ? strtod(v, NULL)
		       : 0;
}

json_t *vb_prepare_needs_json(const vb_run_cfg_t *cfg, const vb_run_needs_t *n)
{
	const char *dir = space_dir(cfg);
	struct statvfs sv;
	json_t *avail = statvfs(dir, &sv) == 0 && sv.f_blocks
				? json_integer((json_int_t)((uint64_t)sv.f_bavail * sv.f_frsize))
				: json_null();

	json_t *out_avail = cfg->out_fd >= 0 && fstatvfs(cfg->out_fd, &sv) == 0 && sv.f_blocks
				    ? json_integer((json_int_t)((uint64_t)sv.f_bavail * sv.f_frsize))
				    : json_null();

	return json_pack("{s:{s:f,s:f,s:f,s:f},s:{s:I,s:s},s:{s:s,s:I,s:s,s:I,s:o},"
			 "s:{s:s,s:I,s:s,s:o}}",
			 "timeouts_s", "repetition", cfg->rep_timeout_s, "start",
			 cfg->start_timeout_s, "boot", boot_timeout_s(cfg), "stop",
			 cfg->stop_timeout_s, "memory", "needed_bytes", (json_int_t)n->mem_bytes,
			 "basis", n->mem_why, "disk", "dir", dir, "needed_bytes",
			 (json_int_t)n->disk_bytes, "basis", n->disk_why, "margin_bytes",
			 (json_int_t)vb_prepare_disk_margin(n->disk_bytes),
			 "available_at_start_bytes", avail, "output", "dir", cfg->out,
			 "needed_bytes", (json_int_t)n->out_bytes, "basis",
			 "run.json (twice while it is replaced) and the report, estimated from "
			 "the number of repetitions",
			 "available_at_start_bytes", out_avail);
}
