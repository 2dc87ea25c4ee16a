/*
 * kmodinfo.h - depmod's index files, made from the modules themselves.
 *
 * Debian's kernel package ships its modules without modules.dep,
 * modules.softdep and modules.alias: depmod (package kmod, often absent)
 * writes them in the package's postinst, which never runs when vbench only
 * unpacks the package.  Every uncompressed .ko carries the same facts in its
 * .modinfo section ("depends=virtio,virtio_ring", "softdep=pre: crc32c",
 * "alias=crypto-crc32c"), so vbench reads those and writes the three files
 * in depmod's format: modules.dep lists each module's whole dependency
 * closure (the last entry to be loaded first, as depmod orders it).
 * Compressed modules (.ko.xz, .ko.zst, .ko.gz) cannot be read here; they are
 * listed without dependencies and the resolver (kmod.h) refuses them.
 *
 * Must not: load a module or run depmod: it reads .ko files and writes the
 * three index files only.
 */
#ifndef VB_KMODINFO_H
#define VB_KMODINFO_H

#include "lib/error.h"

/* The three index files as text, each malloc'ed (caller frees). */
typedef struct vb_kmod_text {
	char *dep;     /* modules.dep */
	char *softdep; /* modules.softdep */
	char *alias;   /* modules.alias */
	size_t modules;/* modules found */
} vb_kmod_text_t;

/*
 * Scan the module tree @dir (/lib/modules/<release>) and build the index
 * texts from every module's .modinfo.  Returns 0, or -1 with @err set:
 * VB_EUSAGE naming a malformed module or a dependency that is no module,
 * VB_ESYS when the tree cannot be read.
 */
int vb_kmod_scan(const char *dir, vb_kmod_text_t *txt, vb_error_t *err);
void vb_kmod_text_free(vb_kmod_text_t *txt);

/*
 * Write modules.dep, modules.softdep and modules.alias into @dir (each
 * atomically) unless modules.dep is already there.  Returns 0 or -1.
 */
int vb_kmod_depmod(const char *dir, vb_error_t *err);

#endif
