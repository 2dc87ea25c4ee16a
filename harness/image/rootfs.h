/*
 * rootfs.h - a minimal root filesystem for running one program in a container.
 *
 * vbench's own container runtime (env_container.c) and later OCI bundles
 * need a tree holding the agent and exactly the shared libraries it loads,
 * nothing else.  The libraries are found the way the dynamic loader finds
 * them: the program's ELF64 dynamic section is read directly (DT_NEEDED,
 * DT_RPATH, DT_RUNPATH, DT_SONAME, PT_INTERP), each needed name is searched
 * breadth-first through RPATH (of the object and its loaders, ignored when
 * the object has RUNPATH), LD_LIBRARY_PATH, RUNPATH, the directories of
 * /etc/ld.so.conf (standing in for ld.so.cache) and the system directories,
 * skipping files of another ELF class or machine.  Every file is copied (not
 * linked: the tree may be on another filesystem).  The interpreter and the
 * libraries keep their host paths; the program goes to VB_ROOTFS_BINDIR,
 * wherever it lives on the host (a build tree under /tmp would otherwise be
 * hidden by the container's own /tmp).
 */
#ifndef VB_ROOTFS_H
#define VB_ROOTFS_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/image/elf.h"
#include "lib/error.h"

#define VB_ROOTFS_MAX_LIBS 64 /* libraries in one closure */
#define VB_ROOTFS_BINDIR "/usr/libexec/vbench" /* where the program goes inside */

/* One resolved library. */
typedef struct vb_lib {
	char name[256];      /* the DT_NEEDED entry that asked for it */
	char path[PATH_MAX]; /* where the loader finds it (same path inside the rootfs) */
	char soname[256];    /* its DT_SONAME ("" when none) */
	int needed_by;       /* index of the requesting library, -1 for the program */
} vb_lib_t;

typedef struct vb_rootfs {
	char dir[PATH_MAX];                /* the tree on the host ("" until built) */
	int res;                           /* registry handle of dir (0 when not registered) */
	char program[PATH_MAX];            /* absolute program path on the host */
	char inside[PATH_MAX];             /* the program's path inside the tree: always
					    * VB_ROOTFS_BINDIR/<name>, so no mount the
					    * container makes (a tmpfs on /tmp) can hide it */
	char interp[PATH_MAX];             /* its PT_INTERP ("" for a static program) */
	vb_lib_t libs[VB_ROOTFS_MAX_LIBS]; /* load order (breadth-first) */
	size_t nlibs;
	char libpath[1024];                /* LD_LIBRARY_PATH needed inside ("" when the
					    * loader's built-in directories suffice) */
	uint64_t bytes;                    /* bytes copied into the tree */
	size_t files;                      /* regular files copied */
} vb_rootfs_t;

/*
 * Resolve @program's interpreter and the closure of its shared libraries
 * into @rf (program, interp, libs, libpath), without copying anything.
 * Returns 0, or -1 with @err naming the library not found and who needs it.
 */
int vb_rootfs_resolve(vb_rootfs_t *rf, const char *program, vb_error_t *err);

/*
 * Resolve @program and assemble the tree in a new private directory
 * @parent/vbench-rootfs-<pid>-XXXXXX (registered VB_RES_DIR the moment it
 * exists): the program, its interpreter and libraries at their host paths,
 * empty /proc /dev /tmp /sys /etc, and an empty directory for each of the
 * @nmounts absolute paths in @mounts (bind-mount points, e.g. the scratch
 * directory).  Returns 0, or -1 with @err set and nothing left behind.
 */
int vb_rootfs_build(vb_rootfs_t *rf, const char *program, const char *parent,
		    const char *const *mounts, size_t nmounts, vb_error_t *err);

/*
 * Lexically normalise the absolute path @in into @out ("//", "." and ".."
 * removed, ".." never above "/"): where a path lands inside the tree.
 * @in and @out must differ.  Returns 0, or -1 if @in is not absolute or
 * @out is too small.  vb_safefs_normalize on absolute paths only.
 */
int vb_rootfs_normalize(const char *in, char *out, size_t len);

/*
 * Create the directory @path (absolute, as a program inside will name it)
 * in the tree at @root, with every lexical prefix of it, so the kernel can
 * resolve even a path with ".." there ("/a/../b" needs "/a").  Returns 0 or
 * -1 with @err set.
 */
int vb_rootfs_mkdir(const char *root, const char *path, vb_error_t *err);

/* The resolved libraries as a JSON array of {name, path} (new reference). */
json_t *vb_rootfs_libs_json(const vb_rootfs_t *rf);

/* The whole description for run.json (new reference). */
json_t *vb_rootfs_to_json(const vb_rootfs_t *rf);

/* Remove the tree and drop it from the registry; safe to call twice. */
void vb_rootfs_destroy(vb_rootfs_t *rf);

/*
 * rootfs_tar.c: write the tree vb_rootfs_build would assemble for the
 * resolved @rf (no mount points) as a tar stream on @fd (libarchive, pax;
 * owner root, mtime 0: the same inputs give the same bytes), for an engine
 * to import as an image.  Returns 0, or -1 with @err set.
 */
int vb_rootfs_tar(const vb_rootfs_t *rf, int fd, vb_error_t *err);

/*
 * FNV-1a hash of every path and byte that vb_rootfs_tar writes (program,
 * interpreter, libraries): it changes exactly when one of them does.
 * Returns 0 with *@hash set, or -1 with @err set (a file unreadable).
 */
int vb_rootfs_hash(const vb_rootfs_t *rf, uint64_t *hash, vb_error_t *err);

#endif
