/*
 * kmod.h - which kernel modules a guest loads, and in which order.
 *
 * The guest's /init has no modprobe worth trusting (busybox insmod loads one
 * file and knows nothing of dependencies: a plain insmod of virtio_blk
 * before virtio and virtio_ring fails with "unknown symbol"), so vbench
 * resolves the order on the host, from the same files modprobe reads:
 *   modules.dep      "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko ..."
 *   modules.softdep  "softdep ext4 pre: crypto-crc32c" (also "post:")
 *   modules.alias    "alias crypto-crc32c crc32c_generic" (for soft deps)
 *   modules.builtin  modules compiled into the kernel (nothing to load)
 * When modules.dep is missing the same facts are read from the modules
 * themselves (kmodinfo.h).  Names match with '-' and '_' equivalent.
 *
 * The order puts every module after its hard dependencies (recursively, so
 * modules.dep may list either direct dependencies or the whole closure),
 * each module once, a module's "pre:" soft dependencies before it and its
 * "post:" ones after it.  A soft dependency that names nothing in the tree
 * is skipped and reported, never an error; a missing hard dependency is an
 * error naming it.  Only uncompressed .ko files can be loaded by the guest's
 * insmod: a compressed one (.ko.xz, .ko.zst, .ko.gz) in the order is an
 * error naming the file.  When an alias names several modules (crc32c:
 * crc32c_intel and crc32c_generic), the generic one is chosen: it works on
 * every CPU, including TCG's default model without SSE4.2.
 *
 * Must not: load a module or write a file: it returns the order.
 */
#ifndef VB_KMOD_H
#define VB_KMOD_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

#include "lib/error.h"

#define VB_KMOD_MAX_ORDER 128 /* modules in one load order */
#define VB_KMOD_MAX_SKIP 32   /* skipped names recorded */

typedef struct vb_kmod_db vb_kmod_db_t; /* the parsed index of one tree */

typedef struct vb_kmod_item {
	char name[64];  /* normalised module name ("virtio_blk") */
	char path[256]; /* relative to the tree ("kernel/drivers/block/virtio_blk.ko") */
	char why[128];  /* "requested", "needed by ext4", "softdep pre of ext4 (crypto-crc32c)" */
} vb_kmod_item_t;

typedef struct vb_kmod_skip {
	char name[64];  /* the name asked for */
	char why[160];  /* "built into the kernel", "softdep of ext4: no such module" */
} vb_kmod_skip_t;

typedef struct vb_kmod_order {
	vb_kmod_item_t items[VB_KMOD_MAX_ORDER]; /* load order */
	size_t n;
	vb_kmod_skip_t skipped[VB_KMOD_MAX_SKIP]; /* not loaded, with the reason */
	size_t nskipped;
} vb_kmod_order_t;

/*
 * Parse the index of the module tree @dir (/lib/modules/<release>).
 * Returns 0 with *@db set (free with vb_kmod_close), or -1 with @err set.
 */
int vb_kmod_open(vb_kmod_db_t **db, const char *dir, vb_error_t *err);
void vb_kmod_close(vb_kmod_db_t *db);

/* The tree @db was read from; whether its index was generated (kmodinfo). */
const char *vb_kmod_dir(const vb_kmod_db_t *db);
int vb_kmod_generated(const vb_kmod_db_t *db);

/*
 * Compute the load order of the @n modules @names (names or aliases) with
 * their dependencies into @out.  Returns 0, or -1 with @err set:
 * VB_EUNAVAIL for a requested module or hard dependency that is missing or
 * compressed (the message names it), VB_EUSAGE for a dependency cycle.
 */
int vb_kmod_resolve(const vb_kmod_db_t *db, const char *const *names, size_t n,
		    vb_kmod_order_t *out, vb_error_t *err);

/* Copy @in to @out with '-' turned into '_' (module name equivalence). */
void vb_kmod_normalise(const char *in, char *out, size_t len);

/* {"order":[{name,path,why}...],"skipped":[{name,why}...]} (new reference). */
json_t *vb_kmod_order_to_json(const vb_kmod_order_t *o);

#endif
