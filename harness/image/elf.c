/*
 * elf.c - the ELF64 reader (elf.h): the ELF header, the program headers
 * and the dynamic section, read with pread, never trusting an offset it
 * has not checked against the file size.
 */
#include "harness/image/elf.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DYN 4096           /* dynamic entries read */
#define MAX_STRTAB (16u << 20) /* string table bytes read */

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* @off + @len lies inside a file of @size bytes (no overflow). */
static int in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* File offset of virtual address @va through the PT_LOAD segments. */
static int va_to_off(const Elf64_Phdr *ph, size_t n, uint64_t va, uint64_t *off)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr &&
		    va - ph[i].p_vaddr < ph[i].p_filesz) {
			*off = ph[i].p_offset + (va - ph[i].p_vaddr);
			return 0;
		}
	return -1;
}

/* Copy string @o of the string table into @dst, checked. */
static int dyn_str(const char *strtab, uint64_t strsz, uint64_t o, char *dst, size_t len)
{
	const char *s, *nul;

	if (o >= strsz)
		return -1;
	s = strtab + o;
	nul = memchr(s, '\0', strsz - o);
	if (!nul || (size_t)(nul - s) >= len)
		return -1;
	memcpy(dst, s, (size_t)(nul - s) + 1);
	return 0;
}

#define BAD(...) vb_error_set(err, VB_EUSAGE, 0, __VA_ARGS__)

/* Read the dynamic section described by @dyn_ph into @elf. */
static int read_dynamic(int fd, const char *path, uint64_t size, const Elf64_Phdr *ph, size_t nph,
			const Elf64_Phdr *dyn_ph, vb_elf_t *elf, vb_error_t *err)
{
	uint64_t strtab_va = 0, strsz = 0, stroff, rpath = 0, runpath = 0, soname = 0;
	uint64_t needed[VB_ELF_MAX_NEEDED] = { 0 }; /* string offsets of the DT_NEEDED entries */
	size_t n = dyn_ph->p_filesz / sizeof(Elf64_Dyn), i;
	int have_strtab = 0, have_rpath = 0, have_soname = 0, rc = -1;
	Elf64_Dyn *dyn = NULL;
	char *strtab = NULL;

	if (!in_file(dyn_ph->p_offset, dyn_ph->p_filesz, size))
		return BAD("%s: dynamic section outside the file", path);
	if (n > MAX_DYN)
		n = MAX_DYN;
	dyn = calloc(n ? n : 1, sizeof(*dyn));
	if (!dyn)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s: dynamic section", path);
	if (pread_all(fd, dyn, n * sizeof(*dyn), dyn_ph->p_offset) < 0) {
		vb_error_sys(err, "read %s", path);
		goto out;
	}
	for (i = 0; i < n && dyn[i].d_tag != DT_NULL; i++) {
		switch (dyn[i].d_tag) {
		case DT_STRTAB: strtab_va = dyn[i].d_un.d_ptr; have_strtab = 1; break;
		case DT_STRSZ: strsz = dyn[i].d_un.d_val; break;
		case DT_RPATH: rpath = dyn[i].d_un.d_val; have_rpath = 1; break;
		case DT_RUNPATH: runpath = dyn[i].d_un.d_val; elf->has_runpath = 1; break;
		case DT_SONAME: soname = dyn[i].d_un.d_val; have_soname = 1; break;
		case DT_NEEDED:
			if (elf->nneeded == VB_ELF_MAX_NEEDED) {
				BAD("%s: more than %d DT_NEEDED entries", path, VB_ELF_MAX_NEEDED);
				goto out;
			}
			needed[elf->nneeded++] = dyn[i].d_un.d_val;
			break;
		}
	}
	if (!have_strtab) {
		rc = elf->nneeded || have_rpath || elf->has_runpath || have_soname
			     ? BAD("%s: dynamic section without a string table", path)
			     : 0;
		goto out;
	}
	if (strsz > MAX_STRTAB || va_to_off(ph, nph, strtab_va, &stroff) < 0 ||
	    !in_file(stroff, strsz, size)) {
		BAD("%s: string table outside the file", path);
		goto out;
	}
	strtab = malloc(strsz ? strsz : 1);
	if (!strtab || pread_all(fd, strtab, strsz, stroff) < 0) {
		vb_error_set(err, VB_ESYS, strtab ? errno : ENOMEM, "read %s", path);
		goto out;
	}
	for (i = 0; i < elf->nneeded; i++)
		if (dyn_str(strtab, strsz, needed[i], elf->needed[i], sizeof(elf->needed[i])) < 0 ||
		    !elf->needed[i][0]) {
			BAD("%s: bad DT_NEEDED entry %zu", path, i);
			goto out;
		}
	if ((have_rpath && dyn_str(strtab, strsz, rpath, elf->rpath, sizeof(elf->rpath)) < 0) ||
	    (elf->has_runpath &&
	     dyn_str(strtab, strsz, runpath, elf->runpath, sizeof(elf->runpath)) < 0) ||
	    (have_soname && dyn_str(strtab, strsz, soname, elf->soname, sizeof(elf->soname)) < 0)) {
		BAD("%s: bad RPATH, RUNPATH or SONAME string", path);
		goto out;
	}
	rc = 0;
out:
	free(strtab);
	free(dyn);
	return rc;
}

int vb_elf_read(const char *path, vb_elf_t *elf, vb_error_t *err)
{
	Elf64_Phdr *ph = NULL;
	const Elf64_Phdr *dyn_ph = NULL;
	Elf64_Ehdr eh;
	struct stat st;
	int fd, rc = -1;
	size_t i;

	memset(elf, 0, sizeof(*elf));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vb_error_sys(err, "open %s", path);
	if (fstat(fd, &st) < 0) {
		vb_error_sys(err, "stat %s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		BAD("%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size < EI_NIDENT || pread_all(fd, eh.e_ident, EI_NIDENT, 0) < 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		BAD("%s: not an ELF file", path);
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
		BAD("%s: not a 64-bit ELF file (class %u)", path, eh.e_ident[EI_CLASS]);
		goto out;
	}
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		BAD("%s: not a little-endian ELF file", path);
		goto out;
	}
	if ((uint64_t)st.st_size < sizeof(eh) || pread_all(fd, &eh, sizeof(eh), 0) < 0) {
		BAD("%s: truncated ELF header", path);
		goto out;
	}
	if (eh.e_phnum && (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == PN_XNUM ||
			   !in_file(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr),
				    (uint64_t)st.st_size))) {
		BAD("%s: program headers outside the file", path);
		goto out;
	}
	elf->machine = eh.e_machine;
	elf->type = eh.e_type;
	ph = calloc(eh.e_phnum ? eh.e_phnum : 1, sizeof(*ph));
	if (!ph) {
		vb_error_set(err, VB_ESYS, ENOMEM, "%s: program headers", path);
		goto out;
	}
	if (pread_all(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff) < 0) {
		vb_error_sys(err, "read %s", path);
		goto out;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_DYNAMIC && !dyn_ph)
			dyn_ph = &ph[i];
		if (ph[i].p_type != PT_INTERP)
			continue;
		if (ph[i].p_filesz < 2 || ph[i].p_filesz > sizeof(elf->interp) ||
		    !in_file(ph[i].p_offset, ph[i].p_filesz, (uint64_t)st.st_size) ||
		    pread_all(fd, elf->interp, ph[i].p_filesz, ph[i].p_offset) < 0 ||
		    elf->interp[ph[i].p_filesz - 1] != '\0' || elf->interp[0] != '/') {
			BAD("%s: bad PT_INTERP", path);
			goto out;
		}
	}
	rc = dyn_ph ? read_dynamic(fd, path, (uint64_t)st.st_size, ph, eh.e_phnum, dyn_ph, elf, err)
		    : 0;
out:
	free(ph);
	close(fd);
	return rc;
}

#undef BAD

/* See elf.h. */
int vb_elf_matches(const char *path, unsigned machine)
{
	unsigned char id[EI_NIDENT + 4];
	Elf64_Half m;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return 0;
	ok = pread_all(fd, id, EI_NIDENT, 0) == 0 && !memcmp(id, ELFMAG, SELFMAG) &&
	     id[EI_CLASS] == ELFCLASS64 && pread_all(fd, &m, sizeof(m), 18) == 0 && m == machine;
	close(fd);
	return ok;
}
