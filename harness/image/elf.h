/*
 * elf.h - what the dynamic loader reads of an ELF64 file: its type and
 * machine, its interpreter (PT_INTERP) and its dynamic section (DT_NEEDED,
 * DT_RPATH, DT_RUNPATH, DT_SONAME).
 *
 * The container's root filesystem and the guest's initramfs hold the agent
 * and exactly the shared libraries it loads; the library search
 * (libsearch.h) finds them from what this reader returns.  A file read here
 * is input like any other: every offset and size in it is checked against
 * the file's size before use, and a malformed file is an error naming what
 * is wrong, never a read outside the file.
 *
 * Must not: search for libraries (libsearch.h), create or copy files
 * (rootfs.h), or use an offset or size from the file unchecked.
 */
#ifndef VB_ELF_H
#define VB_ELF_H

#include <limits.h>
#include <stddef.h>

#include "lib/error.h"

#define VB_ELF_MAX_NEEDED 64 /* DT_NEEDED entries read from one object */

/* What the loader needs to know about one ELF64 file. */
typedef struct vb_elf {
	unsigned machine;                        /* e_machine (EM_X86_64) */
	unsigned type;                           /* e_type (ET_EXEC, ET_DYN) */
	char interp[PATH_MAX];                   /* PT_INTERP ("" when none: static) */
	char soname[256];                        /* DT_SONAME ("" when none) */
	char rpath[1024];                        /* DT_RPATH ("" when none) */
	char runpath[1024];                      /* DT_RUNPATH ("" when none) */
	int has_runpath;                         /* DT_RUNPATH present (then RPATH is ignored) */
	char needed[VB_ELF_MAX_NEEDED][256];     /* DT_NEEDED, in file order */
	size_t nneeded;
} vb_elf_t;

/*
 * Read the ELF header, program headers and dynamic section of @path.
 * Returns 0, or -1 with @err set: VB_EUSAGE for a file that is not a
 * well-formed little-endian ELF64 (the message says what is wrong),
 * VB_ESYS when it cannot be read.  Never reads outside the file.
 */
int vb_elf_read(const char *path, vb_elf_t *elf, vb_error_t *err);

/*
 * Whether @path is a readable ELF64 file for @machine: the loader skips any
 * other file of a library's name (another class or architecture).  1 or 0.
 */
int vb_elf_matches(const char *path, unsigned machine);

#endif
