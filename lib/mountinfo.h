/*
 * mountinfo.h - the one reader of /proc/self/mountinfo.
 *
 * vbench reads the mount table to unmount what a dead run left below its
 * directories (`vbench clean`), to name the filesystem of a full disk and
 * to tell whether a block device is mounted.  A line of the table is
 * decoded here only when it is well-formed (proc(5)):
 *
 *   ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
 *
 * read whole with getline (a line longer than any buffer is never split
 * into two, whose tail could pass for a line of its own: a FUSE mount's
 * SOURCE would then be taken as a mount point), with the " - " separator
 * after at least six fields and exactly three after it, and with every
 * octal escape the kernel writes (\040 for a space, \134 for a backslash)
 * checked digit by digit; any other line is skipped and counted.  Paths
 * that come from the table are still only text: vb_mountinfo_below says
 * whether one is strictly beneath a directory, with no "." or ".."
 * component that could lead elsewhere when the kernel resolves it.
 *
 * Must not: unmount, open a path read from the table, or know about runs.
 */
#ifndef VB_MOUNTINFO_H
#define VB_MOUNTINFO_H

#include <stddef.h>
#include <stdio.h>

typedef struct vb_mount {
	unsigned long long id;	   /* mount ID */
	unsigned long long parent; /* the parent mount's ID */
	unsigned major, minor;	   /* the filesystem's st_dev */
	char *root;		   /* the root of the mount within its filesystem, decoded */
	char *point;		   /* mount point, decoded (absolute) */
	char *fstype;		   /* filesystem type, decoded */
	char *source;		   /* mount source, decoded (may be "") */
} vb_mount_t;			   /* its strings point into the reader's line */

typedef struct vb_mountinfo {
	FILE *f;	     /* the table */
	char *line;	     /* the current line (getline's buffer) */
	size_t cap;	     /* its size */
	unsigned long bad;   /* lines skipped as not well-formed */
} vb_mountinfo_t;

/*
 * Start reading the mount table @path (NULL: /proc/self/mountinfo; tests
 * give a crafted file).  Returns 0, or -1 with errno.
 */
int vb_mountinfo_open(vb_mountinfo_t *mi, const char *path);

/*
 * The next well-formed line into @m (valid until the next call or close).
 * Returns 1, or 0 at the end of the table (also after a read error).
 */
int vb_mountinfo_next(vb_mountinfo_t *mi, vb_mount_t *m);

/* Stop reading; safe twice. */
void vb_mountinfo_close(vb_mountinfo_t *mi);

/*
 * Decode one line @line (its newline, if any, at the end) in place into
 * @m.  Returns 0, or -1 when it is not a well-formed line (see above).
 */
int vb_mountinfo_parse(char *line, vb_mount_t *m);

/*
 * Whether @point is strictly beneath the directory @dir (both absolute):
 * @dir + "/" + at least one more component, and no component of @point
 * empty, "." or "..".  1 or 0.
 */
int vb_mountinfo_below(const char *point, const char *dir);

#endif
