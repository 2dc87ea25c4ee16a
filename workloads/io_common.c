/*
 * io_common.c - the scratch file, aligned buffers, data pattern, job set-up,
 * random offsets and latency percentiles shared by the I/O workloads (see
 * io_common.h for the contracts and the layout of the data pattern).
 *
 * It exists so that the five io_*.c files contain only their measured loops:
 * every rule about files (unique name in the scratch directory, unlinked at
 * once, fully written with real data, page cache dropped before reads,
 * O_DIRECT refusal reported as "unavailable"; an allowed block device used
 * as the file itself) is implemented once, here.
 */
#include "workloads/io_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lib/testpoint.h"
#include "lib/util.h"

#define FILL_CHUNK (1u << 20) /* bytes per write while preparing a file */

/* ---- scratch file ---- */

/*
 * Fail with VB_ERESOURCE when @dir has less than @need bytes free.  A
 * filesystem that reports no size at all (ramfs: f_blocks 0) is not judged.
 */
static int check_space(const char *dir, uint64_t need, vb_error_t *err)
{
	struct statvfs sv;
	uint64_t avail;
	char a[32], b[32];

	if (statvfs(dir, &sv) < 0)
		return vb_error_sys(err, "statvfs scratch directory %s", dir);
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (sv.f_blocks && avail < need)
		return vb_error_set(err, VB_ERESOURCE, 0,
				    "scratch directory %s has %s free, the run needs %s", dir,
				    vb_format_size(avail, a, sizeof(a)),
				    vb_format_size(need, b, sizeof(b)));
	return 0;
}

/*
 * Turn on O_DIRECT on the file just created, @fd, with fcntl: never by
 * opening f->path again, which another user who can write the scratch
 * directory could by then have replaced with a link to a device or a file
 * of theirs.  EINVAL means the filesystem refuses direct I/O.
 */
static int set_direct(vb_io_file_t *f, int fd, vb_error_t *err)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0 && fcntl(fd, F_SETFL, fl | O_DIRECT) == 0)
		return 0;
	if (errno == EINVAL)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "scratch directory %s (%s) does not support O_DIRECT", f->dir,
				    f->fstype);
	return vb_error_sys(err, "set O_DIRECT on %s", f->path);
}

/*
 * @dev is a block device: it is the file.  The agent let it through only
 * with the request's allow_device (agent.c).  Opened as is, sized with
 * BLKGETSIZE64; smaller than @need is VB_ERESOURCE.  0 or -1 with @err.
 */
static int open_device(vb_io_file_t *f, const char *dev, uint64_t need, vb_error_t *err)
{
	uint64_t size = 0;
	char a[32], b[32];

	f->is_device = 1;
	snprintf(f->fstype, sizeof(f->fstype), "block device");
	snprintf(f->path, sizeof(f->path), "%s", dev);
	f->fd = open(dev, O_RDWR | O_CLOEXEC | (f->direct ? O_DIRECT : 0));
	if (f->fd < 0 && errno == EINVAL && f->direct)
		return vb_error_set(err, VB_EUNAVAIL, 0, "block device %s does not support O_DIRECT",
				    dev);
	if (f->fd < 0)
		return vb_error_sys(err, "open block device %s", dev);
	if (ioctl(f->fd, BLKGETSIZE64, &size) < 0) {
		vb_error_sys(err, "size of block device %s (BLKGETSIZE64)", dev);
		vb_io_file_close(f);
		return -1;
	}
	if (size < need) {
		vb_error_set(err, VB_ERESOURCE, 0, "block device %s holds %s, the run needs %s", dev,
			     vb_format_size(size, a, sizeof(a)), vb_format_size(need, b, sizeof(b)));
		vb_io_file_close(f);
		return -1;
	}
	return 0;
}

int vb_io_file_open(vb_io_file_t *f, const char *dir, const char *tag, uint64_t need, int direct,
		    vb_error_t *err)
{
	struct stat sb;
	int ram;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->direct = direct;
	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	if (stat(dir, &sb) == 0 && S_ISBLK(sb.st_mode))
		return open_device(f, dir, need, err);
	if (vb_fs_info(dir, f->fstype, sizeof(f->fstype), &ram, err) < 0)
		return vb_error_prefix(err, "scratch directory");
	if (check_space(dir, need, err) < 0)
		return -1;
	if ((size_t)snprintf(f->path, sizeof(f->path), "%s/vbench-%s-XXXXXX", dir, tag) >=
	    sizeof(f->path))
		return vb_error_set(err, VB_EUSAGE, 0, "scratch directory path too long: %s", dir);
	f->fd = mkostemp(f->path, O_CLOEXEC); /* O_CREAT | O_EXCL: never through a link */
	if (f->fd < 0)
		return vb_error_sys(err, "create scratch file in %s", dir);
	vb_test_point("scratch-file", NULL);
	/* Only ever used through this descriptor; the name goes at once. */
	if (unlink(f->path) < 0) {
		vb_error_sys(err, "unlink scratch file %s", f->path);
		vb_io_file_close(f);
		return -1;
	}
	if (direct && set_direct(f, f->fd, err) < 0) {
		vb_io_file_close(f);
		return -1;
	}
	return 0;
}

void vb_io_file_close(vb_io_file_t *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* The error for a failed transfer of @what at @off; @e is the errno. */
static int io_error(vb_io_file_t *f, const char *what, uint64_t off, int e, vb_error_t *err)
{
	vb_errcode_t code = (e == ENOSPC || e == EDQUOT) ? VB_ERESOURCE : VB_ESYS;

	return vb_error_set(err, code, e, "%s %s at offset %llu%s", what, f->path,
			    (unsigned long long)off, f->direct ? " (O_DIRECT)" : "");
}

int vb_io_pwrite_all(vb_io_file_t *f, const void *buf, size_t len, uint64_t off, vb_error_t *err)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = pwrite(f->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_error(f, "write", off, n < 0 ? errno : ENOSPC, err);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int vb_io_pread_all(vb_io_file_t *f, void *buf, size_t len, uint64_t off, vb_error_t *err)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = pread(f->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error(f, "read", off, errno, err);
		if (n == 0)
			return vb_error_set(err, VB_ESYS, 0, "read %s at offset %llu: end of file",
					    f->path, (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int vb_io_drop_cache(vb_io_file_t *f, vb_error_t *err)
{
	int e;

	if (fdatasync(f->fd) < 0)
		return vb_error_sys(err, "fdatasync %s", f->path);
	e = posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED);
	if (e)
		return vb_error_set(err, VB_ESYS, e, "posix_fadvise(DONTNEED) %s", f->path);
	return 0;
}

/* ---- buffers ---- */

void *vb_io_buf_alloc(size_t len, vb_error_t *err)
{
	void *p = NULL;
	int e = posix_memalign(&p, VB_IO_ALIGN, len ? len : VB_IO_ALIGN);

	if (e) {
		vb_error_set(err, VB_ERESOURCE, e, "allocate %zu-byte aligned I/O buffer", len);
		return NULL;
	}
	return p;
}

void vb_io_falsify(void *buf)
{
	((unsigned char *)buf)[0] ^= 0x5a;
}

/* ---- data pattern ---- */

/* splitmix64 finaliser: a cheap, well-mixing bijection on 64 bits. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/* Word 1 of pattern block @idx. */
static uint64_t tag_of(const vb_io_pattern_t *p, uint64_t idx)
{
	return mix64(p->seed ^ mix64((p->gen << 48) ^ idx ^ 0x9e3779b97f4a7c15ull));
}

void vb_io_pattern_init(vb_io_pattern_t *p, uint64_t seed, uint64_t gen)
{
	size_t i;

	p->seed = seed;
	p->gen = gen;
	for (i = 0; i < VB_IO_PWORDS; i++)
		p->body[i] = mix64(seed + 0x632be59bd9b4e019ull * (i + 1));
}

void vb_io_pattern_stamp(const vb_io_pattern_t *p, void *buf, size_t len, uint64_t first)
{
	uint64_t *w = buf, k, n = len / VB_IO_PBLOCK, tag;

	for (k = 0; k < n; k++, w += VB_IO_PWORDS) {
		tag = tag_of(p, first + k);
		w[0] = first + k;
		w[1] = tag;
		w[VB_IO_PWORDS - 1] = ~tag;
	}
}

void vb_io_pattern_fill(const vb_io_pattern_t *p, void *buf, size_t len, uint64_t first)
{
	char *c = buf;
	size_t off;

	for (off = 0; off + VB_IO_PBLOCK <= len; off += VB_IO_PBLOCK)
		memcpy(c + off, p->body, VB_IO_PBLOCK);
	vb_io_pattern_stamp(p, buf, len, first);
}

/*
 * Index of the first wrong word of @w (pattern block @idx) with the value it
 * should hold in *@expect, or -1 when the block is right.
 */
static int bad_word(const vb_io_pattern_t *p, const uint64_t *w, uint64_t idx, int full,
		    uint64_t *expect)
{
	uint64_t tag = tag_of(p, idx);
	size_t i;

	*expect = idx;
	if (w[0] != idx)
		return 0;
	*expect = tag;
	if (w[1] != tag)
		return 1;
	if (!full)
		return -1;
	*expect = ~tag;
	if (w[VB_IO_PWORDS - 1] != ~tag)
		return (int)VB_IO_PWORDS - 1;
	if (!memcmp(w + 2, p->body + 2, (VB_IO_PWORDS - 3) * sizeof(*w)))
		return -1;
	for (i = 2; w[i] == p->body[i]; i++)
		;
	*expect = p->body[i];
	return (int)i;
}

int vb_io_pattern_verify(const vb_io_pattern_t *p, const void *buf, size_t len, uint64_t first,
			 int full, const char *what, vb_error_t *err)
{
	const uint64_t *w = buf;
	uint64_t k, n = len / VB_IO_PBLOCK, expect = 0;
	int i;

	for (k = 0; k < n; k++, w += VB_IO_PWORDS) {
		i = bad_word(p, w, first + k, full, &expect);
		if (i < 0)
			continue;
		return vb_error_set(err, VB_ECHECK, 0,
				    "%s: block %llu (offset %llu) word %d is 0x%016llx, expected "
				    "0x%016llx",
				    what, (unsigned long long)(first + k),
				    (unsigned long long)((first + k) * VB_IO_PBLOCK), i,
				    (unsigned long long)w[i], (unsigned long long)expect);
	}
	return 0;
}

/* ---- the job ---- */

/* Read the parameters of @ctx into @j and check the geometry. */
static int job_params(vb_io_job_t *j, const vb_wctx_t *ctx, const char *count_key,
		      vb_error_t *err)
{
	const vb_params_t *p = ctx->params;

	j->name = ctx->w->name;
	j->file_bytes = vb_param_u64(p, "file_bytes");
	j->block = vb_param_u64(p, "block");
	j->seed = vb_param_u64(p, "seed");
	j->count = vb_param_u64(p, count_key);
	if (!ctx->scratch)
		return vb_error_set(err, VB_EUSAGE, 0, "no scratch directory");
	if (j->block == 0 || j->block % VB_IO_ALIGN)
		return vb_error_set(err, VB_EUSAGE, 0, "block %llu is not a multiple of %u",
				    (unsigned long long)j->block, VB_IO_ALIGN);
	if (j->file_bytes < j->block || j->file_bytes % j->block)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "file_bytes %llu is not a (non-zero) multiple of block %llu",
				    (unsigned long long)j->file_bytes, (unsigned long long)j->block);
	if (j->count == 0)
		return vb_error_set(err, VB_EUSAGE, 0, "%s must be at least 1", count_key);
	j->nblocks = j->file_bytes / j->block;
	return 0;
}

/* Write the whole file with generation-0 pattern data, sync, drop cache. */
static int job_fill(vb_io_job_t *j, vb_error_t *err)
{
	size_t chunk = j->file_bytes < FILL_CHUNK ? (size_t)j->file_bytes : FILL_CHUNK;
	uint64_t off, len;
	void *buf;
	int rc = 0;

	buf = vb_io_buf_alloc(chunk, err);
	if (!buf)
		return -1;
	vb_io_pattern_fill(&j->pat, buf, chunk, 0);
	for (off = 0; off < j->file_bytes && rc == 0; off += len) {
		len = j->file_bytes - off < chunk ? j->file_bytes - off : chunk;
		vb_io_pattern_stamp(&j->pat, buf, (size_t)len, off / VB_IO_PBLOCK);
		rc = vb_io_pwrite_all(&j->file, buf, (size_t)len, off, err);
	}
	free(buf);
	if (rc == 0)
		rc = vb_io_drop_cache(&j->file, err);
	return rc;
}

int vb_io_job_setup(vb_io_job_t *j, const vb_wctx_t *ctx, const char *count_key, int direct,
		    vb_error_t *err)
{
	memset(j, 0, sizeof(*j));
	j->file.fd = -1;
	if (job_params(j, ctx, count_key, err) < 0)
		return -1;
	vb_io_pattern_init(&j->pat, j->seed, 0);
	if (vb_io_file_open(&j->file, ctx->scratch, j->name, j->file_bytes, direct, err) < 0)
		return -1;
	if (job_fill(j, err) < 0) {
		vb_io_job_teardown(j);
		return vb_error_prefix(err, "prepare scratch file");
	}
	j->buf = vb_io_buf_alloc((size_t)j->block, err);
	if (!j->buf) {
		vb_io_job_teardown(j);
		return -1;
	}
	return 0;
}

void vb_io_job_teardown(vb_io_job_t *j)
{
	free(j->buf);
	j->buf = NULL;
	vb_io_file_close(&j->file);
}

int vb_io_job_readback(vb_io_job_t *j, uint64_t off, size_t len, int corrupt, vb_error_t *err)
{
	if (vb_io_pread_all(&j->file, j->buf, len, off, err) < 0)
		return vb_error_prefix(err, "read back");
	if (corrupt)
		vb_io_falsify(j->buf);
	return vb_io_pattern_verify(&j->pat, j->buf, len, off / VB_IO_PBLOCK, 1, "read back",
				    err);
}

json_t *vb_io_job_detail(const vb_io_job_t *j)
{
	json_t *d = json_object();

	if (!d)
		return NULL;
	json_object_set_new(d, "fs", json_string(j->file.fstype));
	json_object_set_new(d, "direct", json_boolean(j->file.direct));
	json_object_set_new(d, "file_bytes", json_integer((json_int_t)j->file_bytes));
	json_object_set_new(d, "block", json_integer((json_int_t)j->block));
	return d;
}

/* ---- random offsets ---- */

uint64_t vb_io_rng_init(uint64_t seed)
{
	uint64_t s = mix64(seed ^ 0xd1b54a32d192ed03ull);

	return s ? s : 1;
}

uint64_t vb_io_rng_offset(const vb_io_job_t *j, uint64_t *state)
{
	return (vb_rand64(state) % j->nblocks) * j->block;
}

/* ---- per-operation latencies ---- */

int vb_io_lat_init(vb_io_lat_t *l, size_t cap, vb_error_t *err)
{
	l->n = 0;
	l->cap = cap;
	l->ns = calloc(cap ? cap : 1, sizeof(*l->ns));
	if (!l->ns)
		return vb_error_set(err, VB_ERESOURCE, errno, "allocate %zu latency slots", cap);
	return 0;
}

void vb_io_lat_free(vb_io_lat_t *l)
{
	free(l->ns);
	l->ns = NULL;
	l->n = l->cap = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Nearest-rank percentile of the sorted @v[@n] in microseconds: the smallest
 * value with at least @bp / 10000 of the entries at or below it.
 */
static double pct_us(const uint64_t *v, size_t n, uint64_t bp)
{
	uint64_t rank = ((uint64_t)n * bp + 9999) / 10000;

	if (n == 0)
		return 0.0;
	if (rank < 1)
		rank = 1;
	return (double)v[rank - 1] / 1e3;
}

void vb_io_lat_report(vb_io_lat_t *l, double *p50_us, double *p99_us, json_t *detail)
{
	double sum = 0.0;
	json_t *o;
	size_t i;

	qsort(l->ns, l->n, sizeof(*l->ns), cmp_u64);
	*p50_us = pct_us(l->ns, l->n, 5000);
	*p99_us = pct_us(l->ns, l->n, 9900);
	if (!detail)
		return;
	for (i = 0; i < l->n; i++)
		sum += (double)l->ns[i];
	o = json_object();
	json_object_set_new(o, "min", json_real(l->n ? (double)l->ns[0] / 1e3 : 0.0));
	json_object_set_new(o, "mean", json_real(l->n ? sum / (double)l->n / 1e3 : 0.0));
	json_object_set_new(o, "p50", json_real(*p50_us));
	json_object_set_new(o, "p90", json_real(pct_us(l->ns, l->n, 9000)));
	json_object_set_new(o, "p99", json_real(*p99_us));
	json_object_set_new(o, "p999", json_real(pct_us(l->ns, l->n, 9990)));
	json_object_set_new(o, "max", json_real(pct_us(l->ns, l->n, 10000)));
	json_object_set_new(detail, "latency_us", o);
}

/* ---- rates ---- */

double vb_io_per_s(uint64_t count, uint64_t ns)
{
	return ns ? (double)count * 1e9 / (double)ns : 0.0;
}
