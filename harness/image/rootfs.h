/*
 * rootfs.h - a minimal root filesystem for running one program in a
 * container: the tree on disk (a new private directory, the files copied
 * in, the empty /proc /dev /tmp /sys /etc and the bind-mount points) and
 * its description for run.json.
 *
 * vbench's own container runtime (env/container.c) and the OCI backend
 * (env/oci.c) pivot into such a tree; the engine backends import the same
 * files as a tar stream (rootfs_tar.c) and the guest's initramfs holds them
 * too.  The tree holds the program and exactly the shared libraries it
 * loads, nothing else, and the other programs the agent starts (the
 * servers of application workloads: vb_rootfs_add_program) with theirs:
 * which ones, and where, is the library search's answer (libsearch.h).  Every file is copied (not linked: the tree may be
 * on another filesystem).  The interpreter and the libraries keep their
 * host paths; the program goes to VB_ROOTFS_BINDIR, wherever it lives on
 * the host (a build tree under /tmp would otherwise be hidden by the
 * container's own /tmp).
 *
 * Must not: read ELF files (elf.h) or decide which library the loader
 * takes (libsearch.h); mount anything or start the program (the backends
 * do).
 */
#ifndef VB_ROOTFS_H
#define VB_ROOTFS_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/image/libsearch.h"
#include "lib/error.h"

#define VB_ROOTFS_MAX_LIBS 64 /* libraries in one closure */
#define VB_ROOTFS_MAX_EXTRA 4 /* other programs beside the first (servers) */
#define VB_ROOTFS_BINDIR "/usr/libexec/vbench" /* where the program goes inside */

/*
 * The small text files every tree has besides the programs (the tree on
 * disk, its tar and the guest's initramfs alike): /etc/passwd and
 * /etc/group naming root and nobody, so that a program looking a user up
 * finds one (nginx started as root looks up "nobody", even as a single
 * process, and refuses to start without it).
 */
typedef struct vb_rootfs_text {
	const char *path; /* inside the tree */
	const char *text;
} vb_rootfs_text_t;
#define VB_ROOTFS_NTEXTS 2
extern const vb_rootfs_text_t vb_rootfs_texts[VB_ROOTFS_NTEXTS];

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
	struct {
		char program[PATH_MAX];    /* another program on the host (a server the
					    * agent starts: workload.h programs) ... */
		char inside[PATH_MAX];     /* ... at VB_ROOTFS_BINDIR/<name> inside */
	} extra[VB_ROOTFS_MAX_EXTRA];
	size_t nextra;                     /* their libraries are among libs (needed_by
					    * VB_ROOTFS_NEEDED_BY_EXTRA(k) for those program k
					    * itself needs) */
	uint64_t bytes;                    /* bytes copied into the tree */
	size_t files;                      /* regular files copied */
} vb_rootfs_t;

/*
 * Resolve @program's interpreter and the closure of its shared libraries
 * into @rf (program, interp, libs, libpath: vb_libsearch_closure and
 * vb_libsearch_libpath), without copying anything.  Returns 0, or -1 with
 * @err naming the library not found and who needs it.
 */
int vb_rootfs_resolve(vb_rootfs_t *rf, const char *program, vb_error_t *err);

/* A library's needed_by when extra program @k asked for it. */
#define VB_ROOTFS_NEEDED_BY_EXTRA(k) (-2 - (int)(k))

/*
 * Add @program (an absolute host path: a server the agent starts) to the
 * resolved @rf: copied to VB_ROOTFS_BINDIR/<its name> (the name in
 * @program, also when it is a symbolic link: the program may read it), the libraries of
 * its closure that @rf lacks added (same interpreter required), the
 * library path made again.  Before vb_rootfs_assemble; 0, or -1 with @err
 * (a name taken, another interpreter, too many programs or libraries).
 */
int vb_rootfs_add_program(vb_rootfs_t *rf, const char *program, vb_error_t *err);
/* vb_rootfs_add_program for each of the NULL-terminated @programs (NULL:
 * none). */
int vb_rootfs_add_programs(vb_rootfs_t *rf, const char *const *programs, vb_error_t *err);

/*
 * Assemble the resolved @rf (vb_rootfs_resolve, vb_rootfs_add_program)
 * in a new private directory, as vb_rootfs_build does.
 */
int vb_rootfs_assemble(vb_rootfs_t *rf, const char *parent, const char *const *mounts,
		       size_t nmounts, vb_error_t *err);

/*
 * Resolve @program (with the NULL-terminated @programs beside it:
 * vb_rootfs_add_programs; NULL none) and assemble the tree in a new private directory
 * @parent/vbench-rootfs-<pid>-XXXXXX (registered VB_UNDO_DIR the moment it
 * exists): the program, its interpreter and libraries at their host paths,
 * empty /proc /dev /tmp /sys /etc, and an empty directory for each of the
 * @nmounts absolute paths in @mounts (bind-mount points, e.g. the scratch
 * directory).  Returns 0, or -1 with @err set and nothing left behind.
 */
int vb_rootfs_build(vb_rootfs_t *rf, const char *program, const char *const *programs,
		    const char *parent, const char *const *mounts, size_t nmounts, vb_error_t *err);

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

/*
 * rootfs_tar.c: copy the host file @src into the libarchive archive @a as
 * the data of the entry just written (the tar here, initramfs.c's cpio).
 * Returns 0, or -1 with @err naming @src.
 */
struct archive;
int vb_rootfs_tar_copy_file(struct archive *a, const char *src, vb_error_t *err);

#endif
