/*
 * libsearch.h - the dynamic loader's library search, done ahead of time:
 * which interpreter and which shared libraries a program loads on this
 * host, and where the loader finds each one.
 *
 * A root filesystem (rootfs.h) or an initramfs must hold exactly those
 * files, at the paths the loader will look for them inside.  Each
 * DT_NEEDED name (elf.h) is searched breadth-first, as glibc's loader does
 * (elf/dl-load.c): through DT_RPATH (of the object and of the objects that
 * loaded it, ignored when the object has DT_RUNPATH), LD_LIBRARY_PATH,
 * DT_RUNPATH, the directories of /etc/ld.so.conf (standing in for
 * ld.so.cache) and the system directories, skipping files of another ELF
 * class or machine.  $ORIGIN is expanded; a directory naming another
 * token ($LIB, $PLATFORM) is skipped.
 *
 * Must not: create, copy or change any file (the tree is rootfs.h's), run
 * the loader or ldd, or know where a tree puts the program.
 */
#ifndef VB_LIBSEARCH_H
#define VB_LIBSEARCH_H

#include <limits.h>
#include <stddef.h>

#include "harness/image/elf.h"
#include "lib/error.h"

/* One resolved library. */
typedef struct vb_lib {
	char name[256];      /* the DT_NEEDED entry that asked for it */
	char path[PATH_MAX]; /* where the loader finds it (same path inside the rootfs) */
	char soname[256];    /* its DT_SONAME ("" when none) */
	int needed_by;       /* index of the requesting library, -1 for the program */
} vb_lib_t;

/*
 * The interpreter and the closure of the shared libraries of @program (its
 * real path: its directory is $ORIGIN), in the loader's order: the
 * interpreter's path, normalised, into @interp (@interp_len bytes; "" for
 * a static program), the libraries into @libs (room for @max) with their
 * number in *@nlibs, written as they are found.  Reads only.  Returns 0,
 * or -1 with @err set: VB_EUNAVAIL naming the library not found and who
 * needs it, or more than @max libraries; an ELF reader's error
 * (vb_elf_read) for an object that cannot be read.
 */
int vb_libsearch_closure(const char *program, char *interp, size_t interp_len, vb_lib_t *libs,
			 size_t max, size_t *nlibs, vb_error_t *err);

/*
 * The directories of @libs the loader does not search by itself where
 * there is no ld.so.cache (a tree, an initramfs), as a colon list for
 * LD_LIBRARY_PATH into @buf ("" when its built-in directories suffice).
 */
void vb_libsearch_libpath(const vb_lib_t *libs, size_t nlibs, char *buf, size_t len);

#endif
