/*
 * vm_disk.c - the scratch disk image of the VM environments (vm_disk.h).
 */
#include "harness/env/vm_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
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
	char out[512], errs[2048];
	uint64_t t0 = vb_now_ns();
	int rc;

	snprintf(dev, sizeof(dev), "/proc/self/fd/%d", d->fd);
	rc = vb_proc_capture(argv, &o, out, sizeof(out), errs, sizeof(errs), err);
	d->mkfs_s = (double)(vb_now_ns() - t0) / 1e9;
	if (rc < 0)
		return vb_error_prefix(err, "mkfs.ext4 %s", d->path);
	if (rc != 0)
		return vb_proc_failed(err, VB_ESYS, rc, errs, out, "mkfs.ext4 %s", d->path);
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
