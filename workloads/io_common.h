/*
 * io_common.h - what the five I/O workloads (io_*.c) share: the scratch file
 * they work on, aligned buffers, the verifiable data pattern, per-operation
 * latency statistics and a random offset generator.
 *
 * Every I/O workload follows the same shape: set up a "job" (read the common
 * parameters, create an already-unlinked scratch file inside ctx->scratch,
 * write it fully with pattern data, sync it and drop its page cache), run
 * its measured loop, verify what it read or wrote, tear the job down.  Doing
 * that here keeps the workloads to their measured loops and makes the five
 * of them treat files, buffers and errors identically.
 *
 * The data pattern.  The file is seen as 4 KiB pattern blocks; block i holds
 *   word 0        i (the block's index in the file: offset / 4096),
 *   word 1        tag(seed, gen, i), a 64-bit word derived from the seed,
 *   words 2..510  body words derived from the seed only,
 *   word 511      ~tag(seed, gen, i).
 * "gen" (generation) distinguishes successive writes of the same block, so a
 * read-back can tell whether a write really landed.  Every byte is non-zero
 * with overwhelming probability, so no layer can elide it as zeroes.
 *
 * Must not: know where it runs (the scratch directory comes in ctx), or size
 * a file from what it sees.
 */
#ifndef VB_IO_COMMON_H
#define VB_IO_COMMON_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "workloads/workload.h"

#define VB_IO_ALIGN 4096u  /* buffer, offset and length alignment of O_DIRECT I/O */
#define VB_IO_PBLOCK 4096u /* bytes per pattern block */
#define VB_IO_PWORDS (VB_IO_PBLOCK / 8u)

/* ---- scratch file ---- */

typedef struct vb_io_file {
	char path[PATH_MAX]; /* name it had in the scratch directory (unlinked at once) */
	char dir[PATH_MAX];  /* the scratch directory */
	char fstype[32];     /* filesystem of the scratch directory ("ext4") */
	int fd;              /* open descriptor, -1 when closed */
	int direct;          /* opened with O_DIRECT */
	int is_device;       /* @dir is a block device, used as the file itself */
} vb_io_file_t;

/*
 * Create a uniquely named file in @dir (mkostemp "vbench-<tag>-XXXXXX":
 * O_CREAT | O_EXCL, read-write), unlink the name at once, so nothing is
 * left in @dir on any path, even a crash, and, when @direct, set O_DIRECT
 * on that same descriptor (fcntl F_SETFL): the name is never opened again,
 * so a link another user puts in its place (a shared scratch directory)
 * is never followed.  @need is the
 * number of bytes the caller will write; less free space than that is
 * VB_ERESOURCE.  O_DIRECT refused with EINVAL is VB_EUNAVAIL naming @dir and
 * its filesystem; a missing directory is VB_ESYS.  Returns 0 or -1 with @err
 * set and @f closed.  Release with vb_io_file_close().
 *
 * When @dir is a block device it is the file: opened O_RDWR|O_CLOEXEC (and
 * O_DIRECT), nothing created or unlinked, fstype "block device"; smaller
 * than @need (BLKGETSIZE64) is VB_ERESOURCE.  The caller (the agent) has
 * checked that the request allows this device; its contents are destroyed.
 */
int vb_io_file_open(vb_io_file_t *f, const char *dir, const char *tag, uint64_t need, int direct,
		    vb_error_t *err);

/* Close @f (idempotent; safe on a zeroed struct with fd -1). */
void vb_io_file_close(vb_io_file_t *f);

/*
 * Write/read exactly @len bytes at @off, retrying EINTR and short transfers.
 * A short read (end of file) is an error.  Errors name the file and offset;
 * ENOSPC/EDQUOT are VB_ERESOURCE, others VB_ESYS.  Return 0 or -1.
 */
int vb_io_pwrite_all(vb_io_file_t *f, const void *buf, size_t len, uint64_t off, vb_error_t *err);
int vb_io_pread_all(vb_io_file_t *f, void *buf, size_t len, uint64_t off, vb_error_t *err);

/*
 * Make the file's data durable and drop it from the page cache, so the next
 * reads come from the device: fdatasync() then
 * posix_fadvise(POSIX_FADV_DONTNEED).  Returns 0 or -1 with @err set.
 */
int vb_io_drop_cache(vb_io_file_t *f, vb_error_t *err);

/* ---- buffers ---- */

/*
 * @len bytes aligned to VB_IO_ALIGN (posix_memalign); the caller frees with
 * free().  Returns NULL with @err set (VB_ERESOURCE).
 */
void *vb_io_buf_alloc(size_t len, vb_error_t *err);

/* Test hook behind ctx->corrupt: flip bits of the first byte of @buf. */
void vb_io_falsify(void *buf);

/* ---- data pattern ---- */

typedef struct vb_io_pattern {
	uint64_t seed;                /* user seed: body words and tags */
	uint64_t gen;                 /* generation of the tags; may be changed between calls */
	uint64_t body[VB_IO_PWORDS];  /* body words (2..510 used) */
} vb_io_pattern_t;

/* Compute the body words of @seed and set the generation to @gen. */
void vb_io_pattern_init(vb_io_pattern_t *p, uint64_t seed, uint64_t gen);

/*
 * Fill @buf (@len a multiple of VB_IO_PBLOCK) with the pattern blocks that
 * belong at file offset @first * VB_IO_PBLOCK: body, then header and trailer.
 */
void vb_io_pattern_fill(const vb_io_pattern_t *p, void *buf, size_t len, uint64_t first);

/*
 * Rewrite only the header and trailer words of @buf's blocks (cheap: three
 * words per 4 KiB) for file offset @first * VB_IO_PBLOCK and the current
 * generation.  The body must already be there (vb_io_pattern_fill once).
 */
void vb_io_pattern_stamp(const vb_io_pattern_t *p, void *buf, size_t len, uint64_t first);

/*
 * Check that @buf holds the pattern blocks of file offset
 * @first * VB_IO_PBLOCK.  @full checks every word; otherwise only words 0
 * and 1 (one cache line per block, cheap enough inside a measured region).
 * Returns 0, or -1 with VB_ECHECK naming @what, the block, the word and the
 * two values.
 */
int vb_io_pattern_verify(const vb_io_pattern_t *p, const void *buf, size_t len, uint64_t first,
			 int full, const char *what, vb_error_t *err);

/* ---- the job: parameters, file and buffer of one run ---- */

/* Descriptor entries of the parameters every I/O workload takes. */
#define VB_IO_P_FILE_BYTES(def, min)                                                     \
	{ "file_bytes", VB_P_SIZE, def, min, 1ull << 40,                                 \
	  "bytes in the scratch file, written fully before the run (a multiple of block)" }
#define VB_IO_P_BLOCK(def)                                                               \
	{ "block", VB_P_SIZE, def, VB_IO_ALIGN, 64ull << 20,                             \
	  "bytes per I/O operation (a multiple of 4 KiB)" }
#define VB_IO_P_SEED                                                                     \
	{ "seed", VB_P_U64, "1", 0, UINT64_MAX,                                          \
	  "seed of the data pattern (and of the random offsets)" }

typedef struct vb_io_job {
	const char *name;      /* workload name, for messages */
	vb_io_file_t file;     /* the scratch file, fully written with pat */
	vb_io_pattern_t pat;   /* pattern of the file's content (generation 0 after setup) */
	void *buf;             /* aligned I/O buffer of @block bytes */
	uint64_t file_bytes;   /* parameter file_bytes */
	uint64_t block;        /* parameter block: bytes per I/O */
	uint64_t count;        /* the scale parameter (passes or ops) */
	uint64_t seed;         /* parameter seed */
	uint64_t nblocks;      /* file_bytes / block */
} vb_io_job_t;

/*
 * Prepare a run of ctx->w: read the parameters file_bytes, block, seed and
 * @count_key; check that block is a multiple of 4 KiB and file_bytes a
 * multiple of block (VB_EUSAGE); open the scratch file (O_DIRECT when
 * @direct); write all of it with pattern generation 0; sync it and drop its
 * page cache; allocate buf.  All of this is outside the measured region.
 * Returns 0, or -1 with @err set and everything released.
 */
int vb_io_job_setup(vb_io_job_t *j, const vb_wctx_t *ctx, const char *count_key, int direct,
		    vb_error_t *err);

/* Release buffer and file of @j (idempotent). */
void vb_io_job_teardown(vb_io_job_t *j);

/*
 * Read @len bytes (a multiple of 4 KiB, at most block) at @off into j->buf
 * and check every word against j->pat (its current generation).  With
 * @corrupt the buffer is falsified first.  For verification after the
 * measured region.  Returns 0, or -1 with @err set (VB_ECHECK on wrong data).
 */
int vb_io_job_readback(vb_io_job_t *j, uint64_t off, size_t len, int corrupt, vb_error_t *err);

/*
 * A new detail object with the facts every I/O result carries: scratch
 * filesystem, direct, file_bytes, block.  NULL if out of memory.
 */
json_t *vb_io_job_detail(const vb_io_job_t *j);

/* Descriptor entries of the latency-based metrics. */
#define VB_IO_M_IOPS                                                                     \
	{ "iops", "IOPS", VB_HIGHER_IS_BETTER,                                           \
	  "operations completed per second of the measured region (queue depth 1)" }
#define VB_IO_M_P50                                                                      \
	{ "p50_us", "us", VB_LOWER_IS_BETTER, "median latency of one operation" }
#define VB_IO_M_P99                                                                      \
	{ "p99_us", "us", VB_LOWER_IS_BETTER, "99th-percentile latency of one operation" }

/* ---- random offsets ---- */

/* Start state of the offset generator for @seed (never zero). */
uint64_t vb_io_rng_init(uint64_t seed);

/* Next block-aligned offset, uniform over the job's nblocks blocks. */
uint64_t vb_io_rng_offset(const vb_io_job_t *j, uint64_t *state);

/* ---- per-operation latencies ---- */

typedef struct vb_io_lat {
	uint64_t *ns; /* latency of each operation in ns */
	size_t n;     /* entries recorded */
	size_t cap;   /* entries allocated */
} vb_io_lat_t;

/* Room for @cap latencies.  Returns 0 or -1 with @err set (VB_ERESOURCE). */
int vb_io_lat_init(vb_io_lat_t *l, size_t cap, vb_error_t *err);
void vb_io_lat_free(vb_io_lat_t *l);

/* Record one latency (dropped silently when full). */
static inline void vb_io_lat_add(vb_io_lat_t *l, uint64_t ns)
{
	if (l->n < l->cap)
		l->ns[l->n++] = ns;
}

/*
 * Sort the latencies and report percentiles (nearest rank) in microseconds:
 * *p50_us and *p99_us, and in @detail (if not NULL) an object "latency_us"
 * with min, mean, p50, p90, p99, p999 and max.  With no entries every value
 * is 0.
 */
void vb_io_lat_report(vb_io_lat_t *l, double *p50_us, double *p99_us, json_t *detail);

/* ---- rates ---- */

/* @count per second over @ns nanoseconds (0 when @ns is 0). */
double vb_io_per_s(uint64_t count, uint64_t ns);

#endif
