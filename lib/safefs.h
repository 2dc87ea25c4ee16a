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
 *
 * Links are not the only way to make root write elsewhere: a hard link is
 * another name for a file outside, and a file another user made is theirs.
 * The files vbench writes in a directory (the lock, logs) are therefore
 * opened only when they are vbench's own (vb_safefs_open_own), and the
 * directories it writes in must not be writable by other users
 * (vb_safefs_check_dir).
 */
#ifndef VB_SAFEFS_H
#define VB_SAFEFS_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/error.h"

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
 * Whether vbench may write in the directory @fd (@what names it): refused
 * (VB_EUSAGE, one line) when it belongs to a user other than the
 * effective one and root ("belongs to user 1000"), when others can write
 * it ("writable by other users (mode 0777, no sticky bit)") or, when
 * vbench runs as root, its group ("writable by its group ..."), unless the
 * sticky bit is set (then nobody else can rename or remove what vbench
 * puts there).  Such a user could otherwise swap, link or plant the names
 * vbench uses in it.  Returns 0 or -1 with @err.
 */
int vb_safefs_check_dir(int fd, const char *what, vb_error_t *err);

/*
 * The directory @path (no symbolic link in any component), O_RDONLY, for
 * vbench to write in: checked with vb_safefs_check_dir.  The error names
 * @what and, for a link, the component that is one (VB_EUSAGE for what
 * the user can fix).  Returns the descriptor or -1 with @err.
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
 * O_NOFOLLOW from its parent); the final directory must pass
 * vb_safefs_check_dir.  Returns the final directory's descriptor and what
 * was created in @made (the caller undoes it with vb_safefs_unmake when it
 * fails afterwards), or -1 with @err (after removing what it created):
 * VB_ERESOURCE when the filesystem is full, read-only or failing (ENOSPC,
 * EDQUOT, EROFS, EIO), VB_EUSAGE for a path the user can fix, else VB_ESYS.
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
 * ".NAME" VB_SAFEFS_TEMP_MARK "XXXXXXXX" (8 of [a-z0-9]) created O_EXCL
 * beneath @dirfd, written, fsync'ed and renameat() over @name, which
 * replaces a symbolic link or anything else of that name without
 * following it; then the directory is fsync'ed, so the new name is as
 * durable as the data.  On failure the temporary file is removed and
 * @name is left as it was (a SIGKILL can leave the temporary file:
 * vb_safefs_remove_temps).  @what names the file in the error
 * ("DIR/run.json: write: No space left on device").  Returns 0 or -1 with
 * @err (VB_ESYS, errnum that of the failing call).
 */
#define VB_SAFEFS_TEMP_MARK ".vbench-tmp."
int vb_safefs_replace_at(int dirfd, const char *name, const void *data, size_t len,
			 unsigned mode, const char *what, vb_error_t *err);

/*
 * Remove from @dirfd the temporary files vb_safefs_replace_at left when it
 * was killed: regular files named ".NAME" VB_SAFEFS_TEMP_MARK "XXXXXXXX",
 * or ".NAME.tmp.XXXXXXXX" as vbench named them before, for NAME one of
 * the NULL-terminated @names (NULL: any name, the current form only).
 * Call it only while no other vbench can be writing those files (holding
 * the run directory's lock).  Returns how many were removed.
 */
int vb_safefs_remove_temps(int dirfd, const char *const *names);

/* ---- files of vbench's own in a directory (safefs_dir.c) ---- */

#define VB_OWN_APPEND 0x1u /* O_WRONLY | O_APPEND, what it holds kept (agent.log on --resume) */
#define VB_OWN_TRUNC  0x2u /* O_WRONLY, truncated once it is known to be vbench's (a log) */
#define VB_OWN_RDWR   0x4u /* O_RDWR, what it holds kept (the lock file) */
#define VB_OWN_ABOVE2 0x8u /* a descriptor above 2 (a child's dup2 onto 0-2 is never a no-op) */

/*
 * Open the file @name (one component) beneath @dirfd for writing, as
 * @how says (one of VB_OWN_APPEND, VB_OWN_TRUNC, VB_OWN_RDWR, plus
 * VB_OWN_ABOVE2), only if it is vbench's own: it is created O_CREAT |
 * O_EXCL | O_NOFOLLOW (@mode; *@created set to 1, may be NULL), or, when
 * it exists, opened without O_TRUNC, O_NOFOLLOW | O_NONBLOCK, and must be
 * a regular file with one link that belongs to the effective user; only
 * then is it truncated (VB_OWN_TRUNC).  A symbolic link, a hard link to a
 * file elsewhere, another user's file, a FIFO or a device is refused in
 * one line naming @what and what is wrong ("DIR/agent.log: has 2 links
 * ...", "... belongs to user 1000 ...") and nothing in it is changed.
 * Returns a close-on-exec descriptor, or -1 with @err: VB_EUSAGE for
 * those refusals, VB_ERESOURCE for a full or read-only filesystem, else
 * VB_ESYS.
 */
int vb_safefs_open_own(int dirfd, const char *name, unsigned how, unsigned mode, const char *what,
		       int *created, vb_error_t *err);

/* "the filesystem at MOUNTPOINT has FREE free of SIZE" for descriptor @fd
 * (for the message of a full disk). */
void vb_safefs_fs_describe(int fd, char *buf, size_t len);

/*
 * Replace @path atomically: write to a temporary file in the same directory,
 * fsync it, rename over @path (vb_safefs_replace_at beneath @path's parent,
 * which is opened as named: a link to @path itself is replaced, never
 * followed).  A crash leaves either the old or the new content.  Returns 0
 * or -1 with @err set.
 */
int vb_safefs_write_atomic(const char *path, const char *data, size_t len, vb_error_t *err);

#endif
