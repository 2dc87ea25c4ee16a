/*
 * kernel.h - choose the Linux kernel a guest VM boots.
 *
 * Three sources, in this order and no other (issue 4, machine-facts.md):
 *   1. "--kernel": a path the user gave (bzImage or vmlinux); its release is
 *      read from the image, its modules from /lib/modules/<release> or from
 *      the unpacked package tree it sits in (DIR/boot -> DIR/lib/modules);
 *   2. "host": /boot/vmlinuz-$(uname -r) with /lib/modules/$(uname -r), when
 *      both exist;
 *   3. "debian-package": the versioned package Debian's linux-image-amd64
 *      depends on, fetched with `apt-get download` and unpacked with
 *      `dpkg-deb -x` into /var/cache/vbench/kernels/<release>/ without
 *      installing it.  Done once: a later run finds the tree and reuses it.
 *      The unpack happens in a temporary directory beside it and is renamed
 *      into place only when complete, so a crash never leaves a half tree
 *      that looks finished.  The package ships no modules.dep (depmod runs
 *      in its postinst); an equivalent one is generated from the modules'
 *      .modinfo sections before the rename (kmodinfo.h).
 * A kernel of another release that happens to be in /boot is never used.
 * The tools are exec'd with argument vectors (runproc.h, with deadlines), never a shell.
 *
 * Must not: run anything measured, install a package or use a shell: apt-get
 * and dpkg-deb only download and unpack.
 */
#ifndef VB_KERNEL_H
#define VB_KERNEL_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

#include "lib/error.h"

#define VB_CACHE_DIR "/var/cache/vbench"    /* vbench's cache root */
#define VB_KERNEL_META_PKG "linux-image-amd64" /* Debian's kernel meta-package */

/* Where the chooser looks; NULL members take the defaults shown.  Tests
 * point these at private directories. */
typedef struct vb_kernel_where {
	const char *boot_dir;     /* "/boot" */
	const char *modules_root; /* "/lib/modules" */
	const char *release;      /* the running kernel's release (uname -r) */
	const char *cache_dir;    /* VB_CACHE_DIR "/kernels" */
	const char *meta_package; /* VB_KERNEL_META_PKG */
} vb_kernel_where_t;

typedef struct vb_kernel {
	char image[PATH_MAX];     /* the kernel image: bzImage (vmlinuz) or vmlinux */
	char modules[PATH_MAX];   /* its /lib/modules/<release> ("" when unknown) */
	char release[128];        /* "6.1.0-56-amd64" ("" when unknown) */
	const char *source;       /* "--kernel", "host" or "debian-package" */
	char package[128];        /* debian-package: "linux-image-6.1.0-56-amd64" */
	char package_version[64]; /* debian-package: "6.1.192-2" */
	int cache_hit;            /* debian-package: unpacked by an earlier run */
	char passed_over[512];    /* why the host kernel was not used ("" if it was) */
	char no_modules[512];     /* --kernel: why modules is "" ("" when found) */
} vb_kernel_t;

/*
 * Choose the guest kernel: @explicit_path when non-NULL and non-empty, else
 * the host's, else Debian's package (downloaded once into the cache).
 * Returns 0 with @k filled, or -1 with @err set: VB_EUNAVAIL naming what is
 * missing ("no guest kernel: /boot/vmlinuz-X does not exist and apt-get
 * download linux-image-Y failed: ...").  @w may be NULL (defaults).
 */
int vb_kernel_choose(const vb_kernel_where_t *w, const char *explicit_path, vb_kernel_t *k,
		     vb_error_t *err);

/*
 * Read the release string of a kernel image: from the bzImage setup header
 * (kernel_version), or from the "Linux version " banner of a vmlinux ELF.
 * Returns 0 with @out filled, or -1 with @err set (VB_EUSAGE: not a kernel).
 */
int vb_kernel_release_of(const char *path, char *out, size_t len, vb_error_t *err);

/* The choice for run.json (new reference). */
json_t *vb_kernel_to_json(const vb_kernel_t *k);

#endif
