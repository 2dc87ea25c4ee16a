/*
 * safefs.h - paths resolved, not compared as text.
 *
 * vbench runs as root and creates, writes and removes files in places other
 * users can write to (/tmp, /var/tmp, a --scratch or --out directory they
 * own) and in places named by files it reads (markers, run.json).  A
 * symbolic link anywhere in such a path would redirect the operation, so
 * every such operation goes through a directory descriptor opened here:
 * openat2() with RESOLVE_NO_SYMLINKS (and RESOLVE_BENEATH below a
 * directory) where the kernel has it (Linux 5.6), else a walk one component
 * at a time with O_NOFOLLOW, which refuses the same paths.
 *
 * The functions without an error object return -1 with errno set on
 * failure (ELOOP: a component is a symbolic link, EXDEV: the path leaves
 * the directory it must stay beneath); those with one (vb_error_t *err,
 * last) fill it with a one-line message naming the file and return -1 or
 * NULL.  Every descriptor returned is O_CLOEXEC.
 */
#ifndef VB_SAFEFS_H
#define VB_SAFEFS_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define VB_SAFEFS_BENEATH 0x1u /* the path must stay beneath @dirfd (no "..", not absolute) */
#define VB_SAFEFS_FOLLOW  0x2u /* symbolic links allowed (reads of a path the user named) */

/*
 * openat(@dirfd, @path, @oflags, @mode) with no symbolic link in any
 * component, the last one included (openat2 RESOLVE_NO_SYMLINKS, or
 * O_NOFOLLOW on each step of the walk), and beneath @dirfd with
 * VB_SAFEFS_BENEATH.  @dirfd may be AT_FDCWD; an absolute @path starts at
 * "/".  With VB_SAFEFS_FOLLOW links are followed everywhere (a plain
 * openat, or openat2 RESOLVE_BENEATH with VB_SAFEFS_BENEATH: ENOSYS on a
 * kernel without it).  O_CLOEXEC is always added.  Returns the descriptor
 * or -1.
 */
int vb_safefs_openat(int dirfd, const char *path, int oflags, mode_t mode, unsigned flags);

/* A directory, O_RDONLY | O_DIRECTORY, resolved as vb_safefs_openat(). */
int vb_safefs_open_dir(int dirfd, const char *path, unsigned flags);

/*
 * Open the parent directory of @path (resolved as vb_safefs_open_dir) and
 * copy its last component into @name (@len bytes).  "/" has no parent; a
 * last component that is empty, "." or ".." is refused (EINVAL).  Returns
 * the parent's descriptor or -1.
 */
int vb_safefs_open_parent(int dirfd, const char *path, char *name, size_t len, unsigned flags);

/*
 * Remove @name in directory @dirfd and, for a directory, everything under
 * it, without following symbolic links and without entering another
 * filesystem (another st_dev) or a mount point (vb_safefs_is_mount_root,
 * which needs Linux 5.8: on an older kernel a bind mount of the same
 * filesystem is not recognised and is entered); what is not entered is
 * kept and counted.  Returns the number of entries kept (0: all gone, also
 * when @name did not exist), or -1 when @name itself cannot be examined.
 */
int vb_safefs_rm_tree_at(int dirfd, const char *name);

/*
 * Whether @name in @dirfd is the root of a mount: statx()'s
 * STATX_ATTR_MOUNT_ROOT, which Linux reports since 5.8 (bind mounts of the
 * same filesystem included).  0 when it is not, and when the kernel cannot
 * say (before 5.8).
 */
int vb_safefs_is_mount_root(int dirfd, const char *name);

/*
 * Open the regular file @path (relative to @dirfd as vb_safefs_openat;
 * VB_SAFEFS_FOLLOW to accept a symbolic link the user named) for reading,
 * O_NONBLOCK: a directory, FIFO, socket or device is refused before
 * anything could block, the error naming @what (the path as the user gave
 * it) and what it is instead ("d/run.json: is a FIFO, not a regular
 * file").  VB_EUSAGE for what the user can fix (missing, a link, not a
 * regular file), VB_ESYS otherwise.  Returns the descriptor or -1 with @err.
 */
int vb_safefs_open_regular(int dirfd, const char *path, unsigned flags, const char *what,
			   vb_error_t *err);

/*
 * Read the regular file @path (opened as vb_safefs_open_regular) into a
 * malloc'ed NUL-terminated buffer of at most @max bytes (*@lenp its
 * length, may be NULL; vb_read_fd does the reading).  A file larger than
 * @max, or one that grows past it while it is read, is refused
 * (VB_EUSAGE).  Returns NULL with @err.
 */
char *vb_safefs_read_regular(int dirfd, const char *path, unsigned flags, size_t max,
			     size_t *lenp, const char *what, vb_error_t *err);

/* Tests: resolve by the component walk as if the kernel had no openat2 (1), or not (0). */
void vb_safefs_test_walk_only(int on);

/* "a directory", "a FIFO", "a socket", "a character device", ... for st_mode. */
const char *vb_safefs_kind(unsigned mode);

/* ---- writing beneath a directory (safefs_dir.c) ---- */

/*
 * Refuse a path the user gave that is empty, holds a control character (a
 * newline would make a one-line message two, an escape would reach the
 * terminal) or is too long.  @what names it ("--out").  VB_EUSAGE.
 */
int vb_safefs_check_path(const char *path, const char *what, vb_error_t *err);

/*
 * @path with "." and empty components removed and each ".." applied to the
 * component before it, lexically (safe here because a symbolic link is
 * refused anyway): "a/../b/../../x" is "../x", "/.." is "/", "" is ".".
 * Returns 0, or -1 (ENAMETOOLONG) when @out (@len bytes) is too small.
 */
int vb_safefs_normalize(const char *path, char *out, size_t len);

/* The first prefix of @path that is a symbolic link, into @buf: 1, or 0 (none). */
int vb_safefs_find_link(const char *path, char *buf, size_t len);

/*
 * The directory @path (no symbolic link in any component), O_RDONLY.  The
 * error names @what and, for a link, the component that is one (VB_EUSAGE
 * for what the user can fix).  Returns the descriptor or -1 with @err.
 */
int vb_safefs_open_dir_msg(const char *path, const char *what, vb_error_t *err);

/* What vb_safefs_mkdir_p created, so that a failure can undo it. */
typedef struct vb_safefs_made {
	char path[PATH_MAX]; /* @path normalised */
	unsigned levels; /* its last components that this call created */
} vb_safefs_made_t;

/*
 * mkdir -p of @path, normalised (vb_safefs_normalize), so that only the
 * final path's ancestors are created: each component is created with
 * mkdirat() or, when it exists, must be a directory and not a link (opened
 * O_NOFOLLOW from its parent).  Returns the final directory's descriptor
 * and what was created in @made, or -1 with @err (after removing what it
 * created).
 */
int vb_safefs_mkdir_p(const char *path, unsigned mode, vb_safefs_made_t *made, vb_error_t *err);

/*
 * Remove what vb_safefs_mkdir_p created, deepest first, each only while it
 * is empty (what holds files stays, and so do its parents).  Returns how
 * many directories were removed; @made is then empty.
 */
int vb_safefs_unmake(vb_safefs_made_t *made);

/*
 * Replace @name (one component) in @dirfd atomically: a new temporary file
 * ".NAME.tmp.XXXXXXXX" created O_EXCL beneath @dirfd, written, fsync'ed and
 * renameat() over @name, which replaces a symbolic link or anything else of
 * that name without following it.  On failure the temporary file is
 * removed and @name is left as it was.  @what names the file in the error
 * ("DIR/run.json: write: No space left on device").  Returns 0 or -1 with
 * @err (VB_ESYS, errnum that of the failing call).
 */
int vb_safefs_replace_at(int dirfd, const char *name, const void *data, size_t len,
			 unsigned mode, const char *what, vb_error_t *err);

/* "the filesystem at MOUNTPOINT has FREE free of SIZE" for descriptor @fd
 * (for the message of a full disk). */
void vb_safefs_fs_describe(int fd, char *buf, size_t len);

#endif
