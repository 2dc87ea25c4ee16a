/*
 * vm_disk.c - scratch disk image, console tail and TSC rate for the VM
 * environments (vm_disk.h).
 */
#include "harness/env/vm_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "harness/core/undo.h"
#include "harness/core/runproc.h"
#include "lib/safefs.h"
#include "lib/testpoint.h"
#include "lib/util.h"

/* ==== the scratch disk image ============================================ */

uint64_t vb_vm_disk_size(uint64_t largest)
{
	uint64_t size;

	size = largest > (UINT64_MAX - VB_VM_DISK_SLACK) / 2 ? UINT64_MAX
							    : 2 * largest + VB_VM_DISK_SLACK;
	size = size < VB_VM_DISK_MIN ? VB_VM_DISK_MIN : size;
	if (size > UINT64_MAX - ((1ULL << 20) - 1)) /* no room to round up: down */
		return size & ~((1ULL << 20) - 1);
	return (size + (1ULL << 20) - 1) & ~((1ULL << 20) - 1);
}

/* At least @need bytes free in @dir (f_bavail: the filesystem's reserved
 * blocks are left alone even though vbench runs as root). */
static int check_space(const char *dir, uint64_t need, vb_error_t *err)
{
	struct statvfs sv;
	char a[32], b[32];
	uint64_t avail;

	if (statvfs(dir, &sv) < 0)
		return vb_error_sys(err, "statvfs %s", dir);
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail < need)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "not enough free space in %s for the VM scratch disk: %s free, "
				    "%s needed",
				    dir, vb_format_size(avail, a, sizeof(a)),
				    vb_format_size(need, b, sizeof(b)));
	return 0;
}

/* In mkfs.ext4's child before exec: the image's descriptor is inherited. */
static int inherit_fd(void *arg)
{
	return fcntl(*(const int *)arg, F_SETFD, 0);
}

/* mkfs.ext4 on the image's descriptor, as /proc/self/fd/N in its own
 * process: the path in the scratch directory is never opened again. */
static int run_mkfs(vb_vm_disk_t *d, vb_error_t *err)
{
	char dev[32], *argv[] = { d->mkfs, "-q", "-F", "-E",
				  "nodiscard,lazy_itable_init=0,lazy_journal_init=0", dev, NULL };
	vb_proc_opts_t o = { .timeout_ms = VB_VM_DISK_MKFS_TIMEOUT_MS, .child_hook = inherit_fd,
			     .hook_arg = &d->fd };
	char out[512], errs[2048], line[256];
	uint64_t t0 = vb_now_ns();
	int rc;

	snprintf(dev, sizeof(dev), "/proc/self/fd/%d", d->fd);
	rc = vb_proc_capture(argv, &o, out, sizeof(out), errs, sizeof(errs), err);
	d->mkfs_s = (double)(vb_now_ns() - t0) / 1e9;
	if (rc < 0)
		return vb_error_prefix(err, "mkfs.ext4 %s", d->path);
	if (rc != 0) {
		vb_proc_last_line(errs[0] ? errs : out, line, sizeof(line));
		return vb_error_set(err, VB_ESYS, 0, "mkfs.ext4 %s exited %d: %s", d->path, rc,
				    line[0] ? line : "(no message)");
	}
	return 0;
}

int vb_vm_disk_create(vb_vm_disk_t *d, const vb_run_cfg_t *cfg, const char *tag, vb_error_t *err)
{
	/* With --scratch naming an allowed block device the image is vbench's
	 * own, in /var/tmp: the device is never formatted or written here. */
	const char *dir = cfg->scratch_device ? "" : cfg->scratch;
	int fd;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if (vb_proc_which("mkfs.ext4", d->mkfs, sizeof(d->mkfs)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "mkfs.ext4 not installed (apt-get install e2fsprogs)");
	d->largest_file = cfg->largest_file;
	d->bytes = vb_vm_disk_size(d->largest_file);
	if (!dir[0]) {
		snprintf(d->dir, sizeof(d->dir), "/var/tmp/vbench-vmdisk-%s-XXXXXX", vb_marker_run_id());
		if (!mkdtemp(d->dir)) {
			vb_error_sys(err, "create a directory for the VM scratch disk %s", d->dir);
			d->dir[0] = '\0';
			return -1;
		}
		d->dir_res = vb_undo_add_path(VB_UNDO_DIR, d->dir);
		dir = d->dir;
	}
	if (check_space(dir, 2 * d->largest_file + (128ULL << 20), err) < 0)
		goto fail;
	if ((size_t)snprintf(d->path, sizeof(d->path), "%s/vbench-%s-%s.img", dir, tag,
			     vb_marker_run_id()) >= sizeof(d->path)) {
		vb_error_set(err, VB_EUSAGE, 0, "scratch directory path too long: %s", dir);
		goto fail;
	}
	if (!d->dir[0])
		vb_marker_place(dir); /* the user's --scratch: `vbench clean` may look there */
	fd = open(d->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		vb_error_sys(err, "create the VM scratch disk %s", d->path);
		d->path[0] = '\0';
		goto fail;
	}
	d->res = vb_undo_add_path(VB_UNDO_FILE, d->path);
	/* Above 2: mkfs.ext4 and QEMU inherit it at the same number. */
	d->fd = fd > 2 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (d->fd != fd)
		close(fd);
	if (d->fd < 0) {
		vb_error_sys(err, "the VM scratch disk %s", d->path);
		goto fail;
	}
	if (ftruncate(d->fd, (off_t)d->bytes) < 0) {
		vb_error_sys(err, "size the VM scratch disk %s", d->path);
		goto fail;
	}
	vb_test_point("vmdisk", NULL);
	if (run_mkfs(d, err) < 0)
		goto fail;
	return 0;
fail:
	vb_vm_disk_destroy(d);
	return -1;
}

void vb_vm_disk_destroy(vb_vm_disk_t *d)
{
	if (d->fd > 2) {
		close(d->fd);
		d->fd = -1;
	}
	if (d->res) {
		vb_undo_release(d->res); /* unlinks the image */
		d->res = 0;
	}
	if (d->dir_res) {
		vb_undo_release(d->dir_res);
		d->dir_res = 0;
	}
}

int vb_vm_disk_usage(const vb_vm_disk_t *d, uint64_t *bytes)
{
	struct stat st;

	if (d->fd <= 2 || fstat(d->fd, &st) < 0)
		return -1;
	*bytes = (uint64_t)st.st_blocks * 512u;
	return 0;
}

json_t *vb_vm_disk_to_json(const vb_vm_disk_t *d)
{
	return json_pack("{s:s,s:I,s:s,s:s,s:I,s:s,s:s,s:f}", "image", d->path, "bytes",
			 (json_int_t)d->bytes, "format", "raw, sparse", "fs", VB_VM_DISK_FS,
			 "largest_file_bytes", (json_int_t)d->largest_file, "size_rule",
			 "max(1 GiB, 2 x largest file_bytes of the selected I/O workloads + 256 MiB)",
			 "mkfs", "mkfs.ext4 -q -F -E nodiscard,lazy_itable_init=0,lazy_journal_init=0",
			 "mkfs_s", d->mkfs_s);
}

/* ==== the console and QEMU logs ============================================ */

int vb_vm_log_open(int dfd, const char *name, const char *path, vb_error_t *err)
{
	return vb_safefs_open_own(dfd, name, VB_OWN_TRUNC | VB_OWN_ABOVE2, 0644, path, NULL, err);
}

/* @path for reading: a regular file, not through a link in its last
 * component, and never blocking (a FIFO put in its place). */
static int open_read(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		return -1;
	}
	return fd;
}

#define TAIL_READ 16384

/* Append @s (@n bytes) to @acc, keeping only the last @cap - 1 bytes. */
static void keep_end(char *acc, size_t *alen, size_t cap, const char *s, size_t n, int *cut)
{
	if (n >= cap - 1) {
		s += n - (cap - 1);
		n = cap - 1;
		*cut = 1;
	}
	if (*alen + n > cap - 1) {
		size_t drop = *alen + n - (cap - 1);
		memmove(acc, acc + drop, *alen - drop);
		*alen -= drop;
		*cut = 1;
	}
	memcpy(acc + *alen, s, n);
	*alen += n;
	acc[*alen] = '\0';
}

char *vb_vm_log_exit_text(int status, char *buf, size_t len)
{
	const char *abbrev;

	if (WIFEXITED(status) && WEXITSTATUS(status) == 126) /* env_vm.c spawn_qemu's child */
		snprintf(buf, len, "QEMU's process could not join the allocation cgroup");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(buf, len, "QEMU could not be executed");
	else if (WIFEXITED(status))
		snprintf(buf, len, "QEMU exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status)) {
		abbrev = sigabbrev_np(WTERMSIG(status));
		snprintf(buf, len, "QEMU was killed by signal %d (%s%s)", WTERMSIG(status),
			 abbrev ? "SIG" : "", abbrev ? abbrev : "an unknown signal");
	} else
		snprintf(buf, len, "QEMU ended with wait status %#x", (unsigned)status);
	return buf;
}

void vb_vm_log_tail(const char *path, off_t from, int nlines, char *out, size_t len)
{
	char *buf, *starts[64], *p, *acc, *start, *save = NULL;
	size_t alen = 0, n;
	int fd, k = 0, i, cut = 0;
	struct stat st;
	off_t off;
	ssize_t got;

	if (!len)
		return;
	out[0] = '\0';
	buf = malloc(TAIL_READ + 1);
	if (nlines > 64)
		nlines = 64;
	if (nlines < 1)
		nlines = 1;
	fd = buf ? open_read(path) : -1;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return;
	}
	off = st.st_size > TAIL_READ ? st.st_size - TAIL_READ : 0;
	from = from > 0 ? from : 0;
	got = from < st.st_size ? pread(fd, buf, TAIL_READ, off > from ? off : from) : 0;
	close(fd);
	if (got <= 0) {
		free(buf);
		return;
	}
	buf[got] = '\0';
	for (p = buf; p < buf + got; p++) /* untrusted: printable ASCII only */
		if (*p != '\n' && (*p < 0x20 || *p > 0x7e))
			*p = (*p == '\r' || *p == '\t') ? ' ' : '?';
	/* Split into lines, without the partial first one of a cut read. */
	start = buf;
	if (off > from) {
		start = strchr(buf, '\n');
		start = start ? start + 1 : buf + got;
	}
	for (p = strtok_r(start, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		while (*p == ' ')
			p++;
		if (!*p)
			continue;
		if (k == nlines) {
			memmove(starts, starts + 1, sizeof(starts[0]) * (size_t)(nlines - 1));
			k--;
		}
		starts[k++] = p;
	}
	acc = malloc(len + 1);
	if (acc) {
		acc[0] = '\0';
		for (i = 0; i < k; i++) {
			n = strlen(starts[i]);
			while (n && starts[i][n - 1] == ' ')
				n--;
			if (i)
				keep_end(acc, &alen, len + 1, " | ", 3, &cut);
			keep_end(acc, &alen, len + 1, starts[i], n, &cut);
		}
		if (cut && len > 4 && alen > 3) {
			/* "..." marks the dropped beginning; it must fit in @len - 1 */
			size_t keep = alen < len - 4 ? alen : len - 4;
			snprintf(out, len, "...%s", acc + (alen - keep));
		} else {
			snprintf(out, len, "%s", acc);
		}
		free(acc);
	}
	free(buf);
}

int vb_vm_log_find(const char *path, const char *needle, char *out, size_t len)
{
	char *buf = malloc(TAIL_READ + 1), *hit = NULL, *p, *end;
	struct stat st;
	ssize_t got = 0;
	int fd;

	if (len)
		out[0] = '\0';
	fd = buf && len ? open_read(path) : -1;
	if (fd >= 0 && fstat(fd, &st) == 0)
		got = pread(fd, buf, TAIL_READ, st.st_size > TAIL_READ ? st.st_size - TAIL_READ : 0);
	if (fd >= 0)
		close(fd);
	if (got > 0) {
		buf[got] = '\0';
		for (p = buf; p < buf + got; p++) /* untrusted, and strstr must see it all */
			if (*p != '\n' && (*p < 0x20 || *p > 0x7e))
				*p = (*p == '\r' || *p == '\t') ? ' ' : '?';
		for (p = strstr(buf, needle); p; p = strstr(p + 1, needle))
			hit = p;
	}
	if (hit) {
		hit += strlen(needle);
		end = strchr(hit, '\n');
		if (end)
			*end = '\0';
		while (*hit == ' ')
			hit++;
		for (end = hit + strlen(hit); end > hit && end[-1] == ' '; end--)
			end[-1] = '\0';
		snprintf(out, len, "%s", hit);
	}
	free(buf);
	return hit != NULL;
}

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
