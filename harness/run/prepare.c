/*
 * prepare.c - checks and set-up before anything runs (prepare.h): the
 * agent binary, CPUs and memory of the allocation, the run directory, the
 * scratch directory or block device.  Each failure is one line naming the input.
 */
#include "harness/run/prepare.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "harness/core/cgroup.h"
#include "lib/cpulist.h"
#include "lib/hostinfo.h"
#include "harness/core/marker.h"
#include "lib/mountinfo.h"
#include "harness/core/undo.h"
#include "lib/util.h"

int vb_prepare_find_agent(char *out, size_t len)
{
	static const char *const rel[] = { "vbench-agent", "../workloads/vbench-agent",
					   "../libexec/vbench/vbench-agent" };
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t i;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	for (i = 0; i < VB_ARRAY_SIZE(rel); i++) {
		snprintf(out, len, "%s/%s", exe, rel[i]);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

static int any_io(const vb_run_cfg_t *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nwl; i++)
		if (cfg->wl[i]->flags & VB_W_SCRATCH)
			return 1;
	return !!(cfg->noisy & VB_NOISY_IO); /* the I/O aggressor and victim */
}

/* Pick the environments' CPUs (the last N) and move the harness elsewhere. */
int vb_prepare_cpus(vb_run_cfg_t *cfg, vb_error_t *err)
{
	uint64_t all = 0, env = 0, rest;
	unsigned n = 0, i, want = (unsigned)cfg->cpus;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return vb_error_sys(err, "sched_getaffinity");
	for (i = 0; i < 64; i++)
		if (CPU_ISSET(i, &set)) {
			all |= 1ull << i;
			n++;
		}
	if (want > n)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "--cpus %u: this host lets vbench use only %u CPUs", want, n);
	for (i = 64; i-- > 0 && want;)
		if (all & (1ull << i)) {
			env |= 1ull << i;
			want--;
		}
	rest = all & ~env;
	vb_cpulist_format(env, cfg->env_cpus, sizeof(cfg->env_cpus));
	vb_cpulist_format(rest ? rest : all, cfg->harness_cpus, sizeof(cfg->harness_cpus));
	if (rest)
		vb_cpulist_pin_mask(rest);
	return 0;
}

int vb_prepare_memory(const vb_run_cfg_t *cfg, const vb_run_needs_t *n, vb_error_t *err)
{
	uint64_t total, avail;
	char a[32], b[32], c[32];

	if (vb_hostinfo_memory(&total, &avail, err) < 0)
		return -1;
	if (cfg->memory > avail)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "--memory %s: only %s of host memory is available",
				    vb_format_size(cfg->memory, a, sizeof(a)),
				    vb_format_size(avail, b, sizeof(b)));
	if (n->mem_bytes > avail)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "--memory %s: the run may hold %s at once (%s), only %s of host "
				    "memory is available",
				    vb_format_size(cfg->memory, a, sizeof(a)),
				    vb_format_size(n->mem_bytes, b, sizeof(b)), n->mem_why,
				    vb_format_size(avail, c, sizeof(c)));
	return 0;
}

/* ---- block devices (--scratch DEV, --allow-device DEV) ---- */

/* The device (major:minor) the partition @dev belongs to, or @dev itself. */
static dev_t whole_disk(dev_t dev)
{
	char path[96], *s;
	unsigned ma, mi;
	dev_t d = dev;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/partition", major(dev), minor(dev));
	if (access(path, F_OK) < 0)
		return dev;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/../dev", major(dev), minor(dev));
	s = vb_read_file(path, 64, 1, NULL);
	if (s && sscanf(s, "%u:%u", &ma, &mi) == 2)
		d = makedev(ma, mi);
	free(s);
	return d;
}

/* @a and @b are the same device, or one is a partition of the other. */
static int same_disk(dev_t a, dev_t b)
{
	return a == b || whole_disk(a) == b || whole_disk(b) == a;
}

/* Where @rdev (or a partition of it, or the disk it is part of) is in use:
 * a mounted filesystem (/proc/self/mountinfo) or swap (/proc/swaps).
 * Returns 1 with @what filled ("mounted on /", "swap"), else 0. */
static int device_in_use(dev_t rdev, char *what, size_t len)
{
	char line[4096], dev[PATH_MAX];
	vb_mountinfo_t mi;
	vb_mount_t m;
	struct stat sb;
	FILE *f;
	int used = 0;

	if (vb_mountinfo_open(&mi, NULL) == 0) {
		while (!used && vb_mountinfo_next(&mi, &m))
			if (same_disk(makedev(m.major, m.minor), rdev)) {
				snprintf(what, len, "it holds the filesystem mounted on %s", m.point);
				used = 1;
			}
		vb_mountinfo_close(&mi);
	}
	f = fopen("/proc/swaps", "re");
	while (f && !used && fgets(line, sizeof(line), f))
		if (sscanf(line, "%4095s", dev) == 1 && stat(dev, &sb) == 0 && S_ISBLK(sb.st_mode) &&
		    same_disk(sb.st_rdev, rdev)) {
			snprintf(what, len, "it is in use as swap (%s)", dev);
			used = 1;
		}
	if (f)
		fclose(f);
	return used;
}

/*
 * --scratch names a block device (@sb).  Without --allow-device naming the
 * same device (compared by st_rdev, not by name) it is refused; with it,
 * the device must not be in use (mounted, a partition mounted, swap).  An
 * allowed device becomes the I/O workloads' file itself (io_common.h):
 * cfg->scratch_device and cfg->device_bytes are set.  0 or -1 with @err.
 */
static int scratch_device(vb_run_cfg_t *cfg, const struct stat *sb, vb_error_t *err)
{
	char real[PATH_MAX], what[PATH_MAX + 64];
	struct stat ab;

	if (!cfg->allow_device[0])
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--scratch %s is a block device: the I/O workloads would write to "
				    "it; --allow-device %s would allow that (destroying its contents)",
				    cfg->scratch, cfg->scratch);
	if (!realpath(cfg->allow_device, real) || stat(real, &ab) < 0)
		return vb_error_set(err, VB_EUSAGE, errno, "--allow-device %s", cfg->allow_device);
	if (!S_ISBLK(ab.st_mode))
		return vb_error_set(err, VB_EUSAGE, 0, "--allow-device %s: not a block device",
				    cfg->allow_device);
	if (ab.st_rdev != sb->st_rdev)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--allow-device %s is not the device --scratch %s names",
				    cfg->allow_device, cfg->scratch);
	if (device_in_use(ab.st_rdev, what, sizeof(what)))
		return vb_error_set(err, VB_EUSAGE, 0, "--allow-device %s: refused, %s",
				    cfg->allow_device, what);
	if (cfg->scratch[0] != '/')
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--scratch %s: a block device must be named by an absolute path",
				    cfg->scratch);
	if (cfg->noisy & VB_NOISY_IO)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--scratch %s: the I/O noisy neighbour needs two files, a block "
				    "device is one",
				    cfg->scratch);
	if (vb_hostinfo_blkdev_size(cfg->scratch, &cfg->device_bytes) < 0)
		return vb_error_set(err, VB_EUSAGE, errno, "--scratch %s: size of the device",
				    cfg->scratch);
	cfg->scratch_device = 1;
	return 0;
}

/* --allow-device without --scratch naming a block device: checked anyway,
 * and refused, since nothing would use it. */
static int allow_device_unused(const vb_run_cfg_t *cfg, vb_error_t *err)
{
	struct stat ab;

	if (stat(cfg->allow_device, &ab) < 0)
		return vb_error_set(err, VB_EUSAGE, errno, "--allow-device %s", cfg->allow_device);
	if (!S_ISBLK(ab.st_mode))
		return vb_error_set(err, VB_EUSAGE, 0, "--allow-device %s: not a block device",
				    cfg->allow_device);
	return vb_error_set(err, VB_EUSAGE, 0,
			    "--allow-device %s: --scratch does not name this device",
			    cfg->allow_device);
}

/* ---- the scratch directory ---- */

int vb_prepare_scratch(vb_run_cfg_t *cfg, int *res, vb_error_t *err)
{
	char type[64], tmpl[64];
	struct stat sb;
	int ram;

	/* Before anything else: a block device is refused even when no I/O
	 * workload is selected, unless --allow-device names it. */
	if (cfg->scratch[0] && stat(cfg->scratch, &sb) == 0 && S_ISBLK(sb.st_mode))
		return scratch_device(cfg, &sb, err);
	if (cfg->allow_device[0])
		return allow_device_unused(cfg, err);
	if (!any_io(cfg))
		return 0;
	if (cfg->scratch[0]) {
		if (stat(cfg->scratch, &sb) < 0)
			return vb_error_set(err, VB_EUSAGE, errno, "--scratch %s", cfg->scratch);
		if (!S_ISDIR(sb.st_mode))
			return vb_error_set(err, VB_EUSAGE, 0, "--scratch %s: not a directory",
					    cfg->scratch);
		if (access(cfg->scratch, W_OK) < 0)
			return vb_error_set(err, VB_EUSAGE, errno, "--scratch %s: not writable",
					    cfg->scratch);
	} else {
		/* The run id in the name lets a later cleanup tell whose it is. */
		snprintf(tmpl, sizeof(tmpl), "/var/tmp/vbench-scratch-%s-XXXXXX", vb_marker_run_id());
		if (!mkdtemp(tmpl))
			return vb_error_sys(err, "create scratch directory in /var/tmp");
		snprintf(cfg->scratch, sizeof(cfg->scratch), "%s", tmpl);
		*res = vb_undo_add_path(VB_UNDO_DIR, cfg->scratch);
	}
	if (vb_fs_info(cfg->scratch, type, sizeof(type), &ram, err) < 0)
		return -1;
	if (ram && !cfg->allow_tmpfs)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--scratch %s is on %s (RAM): I/O workloads would measure memory; "
				    "give a disk-backed directory or --allow-tmpfs",
				    cfg->scratch, type);
	return 0;
}
