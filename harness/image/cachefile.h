/*
 * cachefile.h - files in vbench's cache directory (/var/cache/vbench).
 *
 * The guest image (an extracted vmlinux, an initramfs) is expensive enough
 * to build once and reuse, and cheap enough to key by content: a 64-bit
 * FNV-1a hash of everything that goes in.  FNV-1a is not cryptographic: it
 * detects change, it does not resist an attacker who can write the inputs
 * (who could then write the cache anyway).
 *
 * A cache file appears only complete: it is written to a temporary file
 * beside its final name (registered with the resource registry the moment
 * it exists, so an interrupted run leaves nothing), synced, and renamed.
 */
#ifndef VB_CACHEFILE_H
#define VB_CACHEFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define VB_FNV_INIT 1469598103934665603ull /* FNV-1a 64-bit offset basis */

typedef struct vb_cachefile {
	char final[PATH_MAX]; /* where it goes */
	char tmp[PATH_MAX];   /* where it is written ("" when none) */
	int fd;               /* open on tmp, -1 when closed */
	int res;              /* registry handle of tmp */
} vb_cachefile_t;

/* Continue the FNV-1a hash @h over @len bytes. */
uint64_t vb_cachefile_fnv1a64(uint64_t h, const void *data, size_t len);

/* Continue @h over the whole file @path.  Returns 0 or -1 with @err set. */
int vb_cachefile_fnv1a64_file(uint64_t *h, const char *path, vb_error_t *err);

/*
 * Create @dir (and parents, 0755) and open a new temporary file for
 * @dir/@name in it.  Returns 0 with @cf open, or -1 with @err set.
 */
int vb_cachefile_create(vb_cachefile_t *cf, const char *dir, const char *name,
			vb_error_t *err);

/* Write @len bytes to it.  Returns 0 or -1 with @err set. */
int vb_cachefile_write(vb_cachefile_t *cf, const void *data, size_t len, vb_error_t *err);

/*
 * Finish: chmod @mode, fsync, close, rename over the final name.  Returns 0,
 * or -1 with @err set and the temporary file removed.
 */
int vb_cachefile_commit(vb_cachefile_t *cf, unsigned mode, vb_error_t *err);

/* Give up: close and remove the temporary file (safe to call twice). */
void vb_cachefile_abort(vb_cachefile_t *cf);

/* Mark @path as just used (its mtime), so pruning keeps it. */
void vb_cachefile_touch(const char *path);

/*
 * Keep the cache @dir bounded: of the files ending in @suffix, remove all
 * but the @keep most recently used, sparing any used in the last
 * @min_age_s seconds (another vbench may be about to boot from it).
 * Best effort: errors are ignored.  Returns the number removed.
 */
int vb_cachefile_prune(const char *dir, const char *suffix, size_t keep, unsigned min_age_s);

#endif
