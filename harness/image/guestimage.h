/*
 * guestimage.h - everything a QEMU guest boots from, prepared in one call.
 *
 * The VM environments (hosted TCG, kvm) call vb_guestimage_prepare() once
 * per run: it chooses the kernel (kernel.h), extracts its vmlinux for a PVH
 * boot (vmlinux.h), resolves the modules the guest needs (kmod.h) and builds
 * the initramfs around the agent (initramfs.h), reusing whatever an earlier
 * run left in /var/cache/vbench.  The guest needs:
 *   virtio_mmio   the transport of -M microvm (devices found through ACPI)
 *   virtio_pci    the transport of the default (pc/q35) machines
 *   virtio_blk    the scratch disk, /dev/vda
 *   virtio_console the agent's virtio-serial port
 *   ext4          the scratch filesystem (soft dependency crypto-crc32c)
 *   virtio_rng    with QEMU's -device virtio-rng-device/-pci the guest's
 *                 entropy pool is ready at once; without it something in
 *                 the agent's start-up blocks in getrandom() until the
 *                 kernel's jitter entropy is ready, ~1.1 s later under TCG
 *                 (measured: agent ready 3.6-3.8 s vs 5.7-6.4 s wall)
 * and their dependencies; a kernel with them built in needs none.
 *
 * Seen by hand with Debian's 6.1 kernel under TCG (QEMU 7.2): -M microvm
 * with its default ACPI hangs after "tsc: Marking TSC unstable" unless the
 * command line has tsc_early_khz=<host TSC kHz> (or lpj=); with acpi=off it
 * boots but Debian builds virtio_mmio without CMDLINE_DEVICES, so the
 * virtio_mmio.device= words QEMU appends are refused and no virtio device
 * appears: use microvm with ACPI plus tsc_early_khz=, or q35/pc with PCI.
 * Nothing here starts QEMU.
 *
 * Must not: start QEMU or run anything measured: it returns the files, the
 * VM backends boot them.
 */
#ifndef VB_GUESTIMAGE_H
#define VB_GUESTIMAGE_H

#include <jansson.h>
#include <limits.h>

#include "lib/error.h"
#include "harness/image/initramfs.h"
#include "harness/image/kernel.h"
#include "harness/image/kmod.h"

typedef struct vb_guestimage {
	char kernel[PATH_MAX];     /* what -kernel gets: the vmlinux, or the bzImage */
	int pvh;                   /* 1: kernel is an ELF vmlinux with the PVH note */
	char no_pvh_reason[512];   /* why the bzImage is booted instead ("" when pvh) */
	char initramfs[PATH_MAX];  /* what -initrd gets */
	char release[128];         /* guest kernel release ("" when unknown) */
	const char *kernel_source; /* "--kernel", "host" or "debian-package" */
	vb_kernel_t chosen;        /* the kernel choice in full */
	vb_kmod_order_t modules;   /* modules /init loads, in order */
	char modules_note[256];    /* why no modules are loaded ("" when some are) */
	int kernel_cache_hit;      /* the Debian package was already unpacked */
	int vmlinux_cache_hit;     /* the vmlinux was already extracted */
	int initramfs_cache_hit;   /* the archive was already built */
	vb_initramfs_t ir;         /* the archive in full */
	double prepare_s;          /* wall time of the preparation */
} vb_guestimage_t;

/* Where things are looked up and cached; NULL members take the defaults.
 * Tests point these at private directories. */
typedef struct vb_guestimage_opts {
	const char *kernel;             /* --kernel PATH (NULL or "": choose) */
	const char *agent;              /* vbench-agent on the host */
	const char *const *programs;    /* servers the agent starts (NULL-terminated, NULL none) */
	const vb_kernel_where_t *where; /* kernel lookup (kernel.h) */
	const char *busybox;            /* static busybox (VB_GUEST_BUSYBOX) */
	const char *vmlinux_cache;      /* VB_CACHE_DIR "/vmlinux" */
	const char *initramfs_cache;    /* VB_CACHE_DIR "/initramfs" */
} vb_guestimage_opts_t;

/*
 * Prepare the guest image for @agent_path (and the NULL-terminated
 * @programs beside it, NULL none) with the kernel @kernel_opt
 * (--kernel, NULL or "" to choose).  Returns 0 with @img filled (release
 * with vb_guestimage_free), or -1 with @err set: VB_EUNAVAIL when no kernel,
 * module, busybox or library can be had (the message names it), so the VM
 * environments are skipped with that reason.
 */
int vb_guestimage_prepare(const char *kernel_opt, const char *agent_path,
			  const char *const *programs, vb_guestimage_t *img, vb_error_t *err);
int vb_guestimage_prepare_opts(const vb_guestimage_opts_t *o, vb_guestimage_t *img,
			       vb_error_t *err);
void vb_guestimage_free(vb_guestimage_t *img);

/* The modules the guest asks for (NULL-terminated). */
extern const char *const vb_guest_modules[];

/* The description for run.json (new reference). */
json_t *vb_guestimage_to_json(const vb_guestimage_t *img);

#endif
