/*
 * util.h - small helpers shared by the agent and the harness: strict number
 * and size parsing (bad input is an error naming the input, never a silent
 * zero), monotonic time, whole-file reads and atomic writes, filesystem
 * facts.  Everything here needs libc only, apart from the atomic write,
 * which is safefs.h's replacement beneath the parent directory.
 *
 * Must not: know about runs, environments or reports (the agent links it
 * too), or print.
 */
#ifndef VB_UTIL_H
#define VB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

#define VB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Parse a whole decimal unsigned integer in [@min, @max].  Rejects empty
 * strings, signs, trailing junk and overflow.  @what names the input in the
 * error ("--reps").  Returns 0 or -1 with @err set (VB_EUSAGE).
 */
int vb_parse_u64(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		 vb_error_t *err);

/*
 * Parse a size with an optional binary suffix: 4096, 64K, 1M, 1G, 2T (also
 * KiB/MiB/GiB/TiB, case-insensitive, and B).  Same rules as vb_parse_u64.
 */
int vb_parse_size(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		  vb_error_t *err);

/* Parse a finite double in [@min, @max]; rejects NaN, inf, junk. */
int vb_parse_double(const char *s, double min, double max, const char *what, double *out,
		    vb_error_t *err);

/* Format @bytes as "1.5 GiB" into @buf. Returns @buf. */
char *vb_format_size(uint64_t bytes, char *buf, size_t len);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t vb_now_ns(void);
/* CLOCK_REALTIME in nanoseconds (host wall clock, for timestamps). */
uint64_t vb_wall_ns(void);
/* Format a CLOCK_REALTIME nanosecond stamp as RFC 3339 UTC with ms. */
char *vb_format_time(uint64_t wall_ns, char *buf, size_t len);

#define VB_READ_CHOMP  0x1u /* trailing newlines ("\n", "\r") removed */
#define VB_READ_STRICT 0x2u /* more than @max bytes is an error (else the first @max are kept) */

/*
 * The one whole-file reader: read @fd from where it is to its end into a
 * malloc'ed NUL-terminated buffer of at most @max bytes (*@lenp its length,
 * may be NULL; the text may hold NULs), retrying EINTR; the buffer grows
 * as the data comes (a /proc file has no size in advance).  @opts:
 * VB_READ_CHOMP, VB_READ_STRICT ("WHAT: larger than MAX bytes",
 * VB_EUSAGE).  @fd stays open.  Returns NULL with @err ("read WHAT: ...").
 * Caller frees.  vb_read_file, vb_safefs_read_regular and every other
 * whole-file read go through it.
 */
char *vb_read_fd(int fd, size_t max, unsigned opts, size_t *lenp, const char *what,
		 vb_error_t *err);

/*
 * Read a whole (small) file into a malloc'ed NUL-terminated buffer, at most
 * @max bytes (the rest is not read).  Trailing newline removed when @chomp.
 * Returns NULL with @err set on failure.  Caller frees.
 */
char *vb_read_file(const char *path, size_t max, int chomp, vb_error_t *err);

/* The NULL-terminated @argv joined by spaces into @buf (cut to @len), the
 * command line as run.json records it.  Returns @buf. */
char *vb_argv_join(char *const *argv, char *buf, size_t len);

/*
 * This process's command line, /proc/self/cmdline: its arguments, each
 * followed by a NUL, into @buf (at most @len - 1 bytes, the rest cut;
 * always NUL-terminated).  Returns the bytes read, 0 when it cannot be
 * read.  (The marker and the run directory's lock both record it.)
 */
size_t vb_read_cmdline(char *buf, size_t len);

/* Write all @len bytes to @fd (retrying short writes and EINTR): 0, or -1 with errno. */
int vb_write_all(int fd, const void *data, size_t len);

/* Write @len bytes of @data to @path (truncating).  Returns 0 or -1. */
int vb_write_file(const char *path, const char *data, size_t len, vb_error_t *err);

/* What /proc/PID/stat says of a process (proc(5) fields 3, 4, 14, 15, 22;
 * times in clock ticks). */
typedef struct vb_pid_stat {
	char state;               /* R, S, D, Z, ... */
	pid_t ppid;
	unsigned long long utime; /* user CPU time */
	unsigned long long stime; /* system CPU time */
	unsigned long long start; /* start time after boot: with the pid, an identity */
} vb_pid_stat_t;

/* Read /proc/@pid/stat into @st, past the command name (which may hold
 * spaces and ')').  Allocation-free and async-signal-safe (the forced-exit
 * path checks identities with it).  0, or -1 when it cannot be read. */
int vb_pid_stat(pid_t pid, vb_pid_stat_t *st);

/* Write @len bytes of @data to the new file @path (mode @mode; never an
 * existing file or a link: O_EXCL, O_NOFOLLOW).  0, or -1 with @err. */
int vb_write_new(const char *path, const void *data, size_t len, unsigned mode, vb_error_t *err);

/* mkdir -p with @mode. Returns 0 or -1 with @err set. */
int vb_mkdir_p(const char *path, unsigned mode, vb_error_t *err);

/* Remove a directory tree (no symlink following). Returns 0 or -1. */
int vb_rm_rf(const char *path);

/* Disk allocated to @path and, for a directory, everything under it
 * (st_blocks * 512, symlinks not followed, other filesystems not entered):
 * what `du -s --block-size=1 -x` says.  Returns 0, or -1 (errno) when
 * @path cannot be read.  Not reentrant. */
int vb_du_bytes(const char *path, uint64_t *bytes);

/*
 * Filesystem type name of @path ("ext4", "tmpfs", ...; "unknown" if not in
 * our table) and whether it keeps data in RAM (tmpfs, ramfs).  Returns 0 or
 * -1 with @err set (path missing).
 */
int vb_fs_info(const char *path, char *type, size_t typelen, int *is_ram, vb_error_t *err);

/* Join "a/b" into @buf; returns -1 with @err set when it does not fit. */
int vb_path_join(char *buf, size_t len, const char *a, const char *b, vb_error_t *err);

/* The directory part of @path into @dir ("/a/b" -> "/a", "/a" and "a" ->
 * "/"), truncated to @len bytes. */
void vb_path_dir(const char *path, char *dir, size_t len);

/* Shell-style glob match (fnmatch) of @name against @pattern. */
int vb_glob_match(const char *pattern, const char *name);

/* Fill @buf with the host name (never fails; "unknown"). */
void vb_hostname(char *buf, size_t len);

/* xorshift64* PRNG for reproducible orders and data. State must be non-zero. */
uint64_t vb_rand64(uint64_t *state);

#endif
