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
#include "harness/core/cpuclaim.h"
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

/* Busy share of each CPU over @ms milliseconds into @busy[64] (/proc/stat:
 * everything but idle and iowait; -1 where unknown). */
static void cpus_busy(unsigned ms, double busy[64])
{
	unsigned long long t[2][64] = { { 0 } }, idle[2][64] = { { 0 } }, f[10];
	char line[512];
	FILE *fp;
	int pass, cpu, k;

	for (k = 0; k < 64; k++)
		busy[k] = -1;
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			usleep(ms * 1000);
		fp = fopen("/proc/stat", "re");
		if (!fp)
			return;
		while (fgets(line, sizeof(line), fp))
			if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &f[0],
				   &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]) == 9 &&
			    cpu >= 0 && cpu < 64) {
				for (k = 0; k < 8; k++)
					t[pass][cpu] += f[k];
				idle[pass][cpu] = f[3] + f[4];
			}
		fclose(fp);
	}
	for (k = 0; k < 64; k++)
		if (t[1][k] > t[0][k])
			busy[k] = 1.0 - (double)(idle[1][k] - idle[0][k]) /
					    (double)(t[1][k] - t[0][k]);
}

/* The @want CPUs of @mask least busy with other work (ties: the highest), or fewer. */
static uint64_t least_busy(uint64_t mask, unsigned want, const double busy[64])
{
	uint64_t out = 0;
	unsigned i, best;

	for (; want; want--) {
		best = 64;
		for (i = 64; i-- > 0;)
			if ((mask & ~out & (1ull << i)) && (best == 64 || busy[i] < busy[best] - 0.05))
				best = i;
		if (best == 64)
			break;
		out |= 1ull << best;
	}
	return out;
}

/* Busy share of the CPUs in @mask (the mean of @busy), or -1. */
static double mask_busy(uint64_t mask, const double busy[64])
{
	double sum = 0;
	unsigned i, n = 0;

	for (i = 0; i < 64; i++)
		if ((mask & (1ull << i)) && busy[i] >= 0) {
			sum += busy[i];
			n++;
		}
	return n ? sum / n : -1;
}

/* Claim every CPU of @env (cpuclaim.h); -1 with @err naming a held one. */
static int claim_all(uint64_t env, vb_error_t *err)
{
	unsigned i;

	for (i = 0; i < 64; i++)
		if ((env & (1ull << i)) && vb_cpuclaim_take(i, err) < 0)
			return -1;
	return 0;
}

/*
 * The environments' CPUs: --cpus-list, else the cfg->cpus CPUs no other
 * live vbench run claims that were least busy over 200 ms (within 5
 * points: the highest); all claimed: the least busy, shared, said so;
 * each claimed for the run's life (cpuclaim.h).  The harness moves to the
 * others.  What was found (another run live, the CPUs busy) goes into
 * cfg->cpu_notes for run.json's warnings.
 */
#define VB_BUSY_SPARE 0.10 /* the allocated CPUs busier than this with other work: warned */
int vb_prepare_cpus(vb_run_cfg_t *cfg, vb_error_t *err)
{
	uint64_t all = 0, env = 0, rest, others;
	unsigned n = 0, i, want = (unsigned)cfg->cpus, tries;
	char who[300], list[64];
	double busy[64], b;
	cpu_set_t set;

	cfg->cpu_notes[0][0] = cfg->cpu_notes[1][0] = '\0';
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
	cpus_busy(200, busy);
	if (cfg->cpus_list[0]) {
		if (vb_cpulist_parse(cfg->cpus_list, &env) < 0 || (env & ~all) ||
		    (unsigned)__builtin_popcountll(env) != want)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "--cpus-list %s: %u CPUs of those vbench may use (%s) are "
					    "needed (--cpus %u)",
					    cfg->cpus_list, want,
					    (vb_cpulist_format(all, list, sizeof(list)), list), want);
		if (claim_all(env, err) < 0) {
			snprintf(who, sizeof(who), "%s", err->msg);
			return vb_error_set(err, VB_EUSAGE, 0, "--cpus-list %s: %s", cfg->cpus_list,
					    who);
		}
	} else {
		for (tries = 0; tries < 5; tries++) { /* another run may claim one meanwhile */
			vb_error_clear(err);
			others = vb_cpuclaim_others(all, who, sizeof(who));
			env = least_busy(all & ~others, want, busy);
			if ((unsigned)__builtin_popcountll(env) < want) {
				env = least_busy(all, want, busy); /* all claimed: share, say so */
				snprintf(cfg->cpu_notes[1], sizeof(cfg->cpu_notes[1]),
					 "fewer than %u CPUs are free of other vbench runs' claims: "
					 "this run shares its CPUs with them (its repetitions will "
					 "show it as contention)",
					 want);
				claim_all(env & ~others, err);
				break;
			}
			if (claim_all(env, err) == 0)
				break;
			vb_cpuclaim_release_all(); /* raced with another run: look again */
			usleep(10000 + (unsigned)(vb_now_ns() % 40000));
		}
		if (tries == 5)
			return vb_error_prefix(err, "claim CPUs");
	}
	others = vb_cpuclaim_others(all & ~env, who, sizeof(who));
	vb_cpulist_format(env, cfg->env_cpus, sizeof(cfg->env_cpus));
	if (others)
		snprintf(cfg->cpu_notes[0], sizeof(cfg->cpu_notes[0]),
			 "another vbench run is live on this host (%s): this run measures on CPU %s; "
			 "the harness may share a CPU with it",
			 who, cfg->env_cpus);
	b = mask_busy(env, busy);
	if (b > VB_BUSY_SPARE && !cfg->cpu_notes[1][0])
		snprintf(cfg->cpu_notes[1], sizeof(cfg->cpu_notes[1]),
			 "CPU %s was %.0f%% busy with other work just before the run: its "
			 "repetitions may be contended",
			 cfg->env_cpus, 100 * b);
	rest = all & ~env;
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
