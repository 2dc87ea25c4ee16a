/*
 * vm_disk.h - the scratch disk image of a VM environment.
 *
 * The scratch disk is a sparse raw image file in the host's scratch
 * directory (so the guest's I/O lands on the same host filesystem as bare
 * metal's), formatted ext4 on the host by mkfs.ext4 (run through runproc:
 * an argument vector, a deadline, no shell) with every lazy initialisation
 * off, so no background ext4lazyinit thread in the guest writes during a
 * measurement.  It is sized from the I/O workloads the run selected: twice
 * the largest file_bytes (cfg->largest_file) plus 256 MiB, at least 1 GiB.  The image (and the
 * private directory made for it when the run has no scratch directory) is
 * registered with the resource registry the moment it exists.  When
 * --scratch names a block device (--allow-device) the image still is
 * vbench's own, in a private directory under /var/tmp: a guest never
 * writes to the device.
 */
#ifndef VB_VM_DISK_H
#define VB_VM_DISK_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "harness/core/options.h"

#define VB_VM_DISK_MIN (1ULL << 30)      /* smallest image */
#define VB_VM_DISK_SLACK (256ULL << 20)  /* added to twice the largest file */
#define VB_VM_DISK_FS "ext4"
#define VB_VM_DISK_MKFS_TIMEOUT_MS 120000

typedef struct vb_vm_disk {
	char path[PATH_MAX];   /* the raw image file (its name only: used through fd) */
	int fd;                /* the image, O_RDWR, close-on-exec, above 2 (-1: none) */
	char dir[PATH_MAX];    /* private directory holding it ("" when in cfg->scratch) */
	char mkfs[PATH_MAX];   /* the mkfs.ext4 that formatted it */
	uint64_t bytes;        /* apparent (sparse) size */
	uint64_t largest_file; /* largest file_bytes of the selected I/O workloads (0: none) */
	double mkfs_s;         /* wall time of mkfs.ext4 */
	int res;               /* registry handle of the image */
	int dir_res;           /* ... and of the private directory (0: none) */
} vb_vm_disk_t;

/*
 * Size of the image for a run whose largest I/O file is @largest bytes
 * (cfg->largest_file: the run layer computes it, run/sizing.c, from what it
 * sends each selected I/O workload): max(VB_VM_DISK_MIN, 2 * @largest +
 * VB_VM_DISK_SLACK) rounded up to a MiB.
 */
uint64_t vb_vm_disk_size(uint64_t largest);

/*
 * Create "<dir>/vbench-<tag>-<run id>.img" (dir: cfg->scratch, else, or
 * when that is a block device, a private registered directory under
 * /var/tmp) with O_CREAT | O_EXCL | O_NOFOLLOW, sparse, of
 * vb_vm_disk_size(cfg->largest_file) bytes, and format it with `mkfs.ext4 -q -F -E nodiscard,
 * lazy_itable_init=0,lazy_journal_init=0 /proc/self/fd/N`, N the image's
 * descriptor @d->fd, which mkfs inherits.  From its creation on the image
 * is used only through that descriptor (QEMU inherits it too: qemu.h
 * disk_fd), so another user who can write a shared --scratch directory
 * and swaps the file for a link to a device gets nothing formatted or
 * written through it.  Returns 0, or -1 with @err: VB_EUNAVAIL (no
 * mkfs.ext4), VB_ERESOURCE (not enough free space), VB_ESYS; nothing is
 * left behind on failure.
 */
int vb_vm_disk_create(vb_vm_disk_t *d, const vb_run_cfg_t *cfg, const char *tag, vb_error_t *err);

/* Close the image's descriptor and remove the image (and its private
 * directory); safe twice. */
void vb_vm_disk_destroy(vb_vm_disk_t *d);

/* The bytes the image occupies on the host (its allocated blocks, from its
 * descriptor) into *@bytes: 0, or -1 when it is not open. */
int vb_vm_disk_usage(const vb_vm_disk_t *d, uint64_t *bytes);

/* {path, bytes, fs, largest_file_bytes, rule, mkfs, mkfs_s} (new reference). */
json_t *vb_vm_disk_to_json(const vb_vm_disk_t *d);

#endif
