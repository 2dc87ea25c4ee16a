/*
 * vmlinux.c - extract the PVH-bootable vmlinux from a bzImage (vmlinux.h).
 *
 * The input is mapped read-only; every ELF offset is checked against the
 * buffer before it is read, so a corrupt image is an error, never a crash.
 */
#include "harness/image/vmlinux.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/image/cachefile.h"
#include "harness/image/kernel.h"

#define KEEP_VMLINUX 4 /* extracted kernels kept in the cache (~65 MB each) */

static const unsigned char xz_magic[6] = { 0xFD, '7', 'z', 'X', 'Z', 0x00 };

static const char *lzma_why(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR: return "out of memory";
	case LZMA_MEMLIMIT_ERROR: return "memory limit reached";
	case LZMA_FORMAT_ERROR: return "not an XZ stream";
	case LZMA_OPTIONS_ERROR: return "unsupported XZ options";
	case LZMA_DATA_ERROR: return "corrupt data";
	case LZMA_BUF_ERROR: return "truncated stream";
	case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
	default: return "decoder error";
	}
}

/* Decode one stream at @in; 0 with the buffer, else -1 and the reason. */
static int decode(const unsigned char *in, size_t len, unsigned char **out, size_t *outlen,
		  lzma_ret *why)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = len * 4 + (1 << 20);
	unsigned char *buf = malloc(cap), *nb;
	lzma_ret r;

	*why = LZMA_MEM_ERROR;
	if (!buf)
		return -1;
	r = lzma_stream_decoder(&s, UINT64_MAX, 0);
	if (r != LZMA_OK) {
		*why = r;
		free(buf);
		return -1;
	}
	s.next_in = in;
	s.avail_in = len;
	s.next_out = buf;
	s.avail_out = cap;
	for (;;) {
		/* LZMA_FINISH: all input is here, so a short stream ends in BUF_ERROR */
		r = lzma_code(&s, LZMA_FINISH);
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK || (s.avail_out && !s.avail_in)) {
			*why = r == LZMA_OK ? LZMA_BUF_ERROR : r;
			goto fail;
		}
		if (!s.avail_out) {
			if (cap >= VB_VMLINUX_MAX) {
				*why = LZMA_MEMLIMIT_ERROR;
				goto fail;
			}
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail;
			buf = nb;
			s.next_out = buf + cap;
			s.avail_out = cap;
			cap *= 2;
		}
	}
	*outlen = (size_t)s.total_out;
	*out = buf;
	lzma_end(&s);
	return 0;
fail:
	lzma_end(&s);
	free(buf);
	return -1;
}

int vb_vmlinux_unxz(const void *img, size_t len, const char *what, unsigned char **out,
		    size_t *outlen, vb_error_t *err)
{
	const unsigned char *base = img, *p = img, *hit;
	lzma_ret first = LZMA_OK, why;
	size_t first_off = 0;

	*out = NULL;
	*outlen = 0;
	/* the magic could occur by chance before the payload: try each hit */
	while ((hit = memmem(p, len - (size_t)(p - base), xz_magic, sizeof(xz_magic))) != NULL) {
		if (decode(hit, len - (size_t)(hit - base), out, outlen, &why) == 0)
			return 0;
		if (first == LZMA_OK) {
			first = why;
			first_off = (size_t)(hit - base);
		}
		p = hit + 1;
	}
	if (first == LZMA_OK)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "no XZ stream in %s (not a bzImage built with "
				    "CONFIG_KERNEL_XZ)",
				    what);
	return vb_error_set(err, VB_EUSAGE, 0, "XZ stream at offset %zu of %s: %s", first_off,
			    what, lzma_why(first));
}

/* Look for the PVH note in the notes at @n (@len bytes). */
static int find_note(const unsigned char *n, size_t len, uint64_t *entry)
{
	size_t off = 0, nsz, dsz, step;
	Elf64_Nhdr h;

	while (len - off >= sizeof(h)) {
		memcpy(&h, n + off, sizeof(h));
		nsz = (h.n_namesz + 3u) & ~3u;
		dsz = (h.n_descsz + 3u) & ~3u;
		if (nsz > len - off - sizeof(h) || dsz > len - off - sizeof(h) - nsz)
			return -1;
		if (h.n_type == VB_XEN_ELFNOTE_PHYS32_ENTRY && h.n_namesz == 4 &&
		    !memcmp(n + off + sizeof(h), "Xen", 4) && (h.n_descsz == 4 || h.n_descsz == 8)) {
			uint32_t e32;
			if (h.n_descsz == 8) {
				memcpy(entry, n + off + sizeof(h) + nsz, 8);
			} else {
				memcpy(&e32, n + off + sizeof(h) + nsz, 4);
				*entry = e32;
			}
			return 0;
		}
		step = sizeof(h) + nsz + dsz;
		off += step;
	}
	return -1;
}

int vb_vmlinux_check_pvh(const void *elf, size_t len, const char *what, uint64_t *entry,
			 vb_error_t *err)
{
	const unsigned char *b = elf;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	size_t i;

	if (len < sizeof(eh) || memcmp(b, ELFMAG, SELFMAG))
		return vb_error_set(err, VB_EUSAGE, 0, "%s is not an ELF file", what);
	memcpy(&eh, b, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_X86_64)
		return vb_error_set(err, VB_EUSAGE, 0, "%s is not an ELF64 x86-64 file", what);
	if (eh.e_phentsize != sizeof(ph) || eh.e_phoff > len ||
	    (uint64_t)eh.e_phnum * sizeof(ph) > len - eh.e_phoff)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: program headers outside the file",
				    what);
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, b + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset)
			return vb_error_set(err, VB_EUSAGE, 0, "%s: notes outside the file", what);
		if (find_note(b + ph.p_offset, ph.p_filesz, entry) == 0)
			return 0;
	}
	return vb_error_set(err, VB_EUNAVAIL, 0,
			    "%s has no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY; kernel "
			    "built without CONFIG_PVH)",
			    what);
}

/* Map @path read-only; its size into *@len.  NULL with @err set. */
static void *map_file(const char *path, size_t *len, vb_error_t *err)
{
	struct stat st;
	void *m;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		vb_error_sys(err, "open %s", path);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		vb_error_set(err, VB_EUSAGE, 0, "%s is not a non-empty regular file", path);
		close(fd);
		return NULL;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		vb_error_sys(err, "map %s", path);
		return NULL;
	}
	*len = (size_t)st.st_size;
	return m;
}

int vb_vmlinux_extract(const char *bzimage, const char *cache_dir, vb_vmlinux_t *v,
		       vb_error_t *err)
{
	const char *dir = cache_dir ? cache_dir : VB_CACHE_DIR "/vmlinux";
	unsigned char *elf = NULL;
	vb_cachefile_t cf;
	char name[64];
	size_t len, elflen = 0;
	void *img;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	img = map_file(bzimage, &len, err);
	if (!img)
		return -1;
	v->key = vb_cachefile_fnv1a64(VB_FNV_INIT, img, len);
	snprintf(name, sizeof(name), "%016llx.vmlinux", (unsigned long long)v->key);
	snprintf(v->path, sizeof(v->path), "%s/%s", dir, name);
	if (access(v->path, R_OK) == 0) {
		void *c = map_file(v->path, &elflen, err);
		if (c) {
			rc = vb_vmlinux_check_pvh(c, elflen, v->path, &v->pvh_entry, err);
			munmap(c, elflen);
		}
		if (rc == 0) {
			vb_cachefile_touch(v->path);
			v->cache_hit = 1;
			v->bytes = elflen;
			goto out; /* else: a bad cache entry is replaced below */
		}
	}
	if (vb_vmlinux_unxz(img, len, bzimage, &elf, &elflen, err) < 0 ||
	    vb_vmlinux_check_pvh(elf, elflen, "the vmlinux in the bzImage", &v->pvh_entry, err) < 0)
		goto out;
	if (vb_cachefile_create(&cf, dir, name, err) < 0)
		goto out;
	if (vb_cachefile_write(&cf, elf, elflen, err) < 0) {
		vb_cachefile_abort(&cf);
		goto out;
	}
	if (vb_cachefile_commit(&cf, 0644, err) < 0)
		goto out;
	vb_cachefile_prune(dir, ".vmlinux", KEEP_VMLINUX, 3600);
	v->bytes = elflen;
	rc = 0;
out:
	if (rc < 0)
		vb_error_prefix(err, "vmlinux of %s", bzimage);
	free(elf);
	munmap(img, len);
	return rc;
}
