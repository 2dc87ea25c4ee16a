/*
 * vmlinux.h - the uncompressed kernel inside a bzImage, for a fast PVH boot.
 *
 * Under TCG most of a default boot goes to firmware and to the bzImage's
 * own decompressor running emulated (machine-facts.md: 6.3 s).  An x86
 * bzImage built with CONFIG_KERNEL_XZ carries its kernel as one XZ stream
 * (magic FD 37 7A 58 5A 00) followed by other data; decompressed it is the
 * vmlinux ELF (plus relocations appended after it), and QEMU boots that
 * directly through the Xen PVH entry point when the ELF has the note
 * XEN_ELFNOTE_PHYS32_ENTRY (type 18, owner "Xen", CONFIG_PVH=y): 2.4-2.9 s.
 * The result is cached under VB_CACHE_DIR/vmlinux/<FNV-1a of the bzImage>
 * (the 4 most recently used kept, and any used within the hour).
 *
 * Must not: boot or run the kernel it extracts.
 */
#ifndef VB_VMLINUX_H
#define VB_VMLINUX_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define VB_XEN_ELFNOTE_PHYS32_ENTRY 18 /* the PVH entry note's type */
#define VB_VMLINUX_MAX (1ull << 30)   /* largest vmlinux accepted */

typedef struct vb_vmlinux {
	char path[PATH_MAX]; /* the extracted ELF in the cache */
	uint64_t pvh_entry;  /* physical address of the PVH entry point */
	uint64_t bytes;      /* its size */
	uint64_t key;        /* FNV-1a of the bzImage (the cache key) */
	int cache_hit;       /* extracted by an earlier run */
} vb_vmlinux_t;

/*
 * Decompress the first XZ stream found in @img (@len bytes) into a malloc'ed
 * buffer *@out of *@outlen bytes; data after the stream is ignored.  Returns
 * 0, or -1 with @err set: VB_EUNAVAIL when there is no XZ stream ("no XZ
 * stream in ..."), VB_EUSAGE when the stream is corrupt or truncated.
 * @what names the input in messages.
 */
int vb_vmlinux_unxz(const void *img, size_t len, const char *what, unsigned char **out,
		    size_t *outlen, vb_error_t *err);

/*
 * Check that @elf (@len bytes) is an ELF64 x86-64 executable whose PT_NOTE
 * segments hold the PVH entry note; its entry address into *@entry.
 * Returns 0, or -1 with @err set (VB_EUNAVAIL naming what is missing).
 */
int vb_vmlinux_check_pvh(const void *elf, size_t len, const char *what, uint64_t *entry,
			 vb_error_t *err);

/*
 * Extract the PVH-bootable vmlinux of the bzImage @bzimage into the cache
 * directory @cache_dir (NULL: VB_CACHE_DIR "/vmlinux"), or find it there.
 * Returns 0 with @v filled, or -1 with @err set (then boot the bzImage).
 */
int vb_vmlinux_extract(const char *bzimage, const char *cache_dir, vb_vmlinux_t *v,
		       vb_error_t *err);

#endif
