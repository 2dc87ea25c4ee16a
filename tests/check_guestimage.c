/*
 * check_guestimage.c - the VM guest image: vmlinux extraction, the
 * initramfs and the kernel choice (the module resolver: check_kmod.c).
 *
 * A synthetic bzImage (junk + an XZ stream of a small ELF with the Xen PVH
 * note + trailing data) checks the extractor and its cache, with a note-less
 * ELF, no XZ magic, a truncated and a corrupt stream as errors; the
 * initramfs is read back with libarchive (/init executable, the agent, its
 * interpreter, a library and busybox byte for byte, applet links, the
 * console node, the module list) and its cache key follows its content; the
 * kernel chooser is tried on private /boot and /lib/modules trees.
 *
 * One case uses the network: with no kernel of the running release in a
 * private /boot (only one of another release, which must not be used), the
 * whole guest image is prepared from Debian's package, fetched into
 * /var/cache/vbench (once; later runs reuse it), and the guest's real
 * module order is checked.  Skipped with apt's reason when the archive is
 * out of reach.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/image/cachefile.h"
#include "harness/image/guestimage.h"
#include "harness/image/kernel.h"
#include "harness/image/kmod.h"
#include "harness/core/undo.h"
#include "lib/util.h"
#include "harness/image/vmlinux.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "gitest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- helpers -------------------------------------------------------------- */

/* Position of module @name in @o, -1 when absent. */
static int pos(const vb_kmod_order_t *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->items[i].name, name))
			return (int)i;
	return -1;
}

/* A small ELF64 x86-64 executable with one PT_NOTE holding a note of
 * owner @owner and type @type (desc: a 32-bit entry address). */
static size_t make_elf(unsigned char *buf, const char *owner, unsigned type)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	Elf64_Nhdr *nh = (Elf64_Nhdr *)(buf + sizeof(*eh) + sizeof(*ph));
	unsigned char *name = (unsigned char *)(nh + 1);
	uint32_t entry = 0x1000850;
	size_t i, note_len = sizeof(*nh) + 4 + 4, total;

	memset(buf, 0, 4096);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_NOTE;
	ph->p_offset = sizeof(*eh) + sizeof(*ph);
	ph->p_filesz = note_len;
	nh->n_namesz = 4;
	nh->n_descsz = 4;
	nh->n_type = type;
	memcpy(name, owner, 4);
	memcpy(name + 4, &entry, 4);
	total = sizeof(*eh) + sizeof(*ph) + note_len;
	for (i = total; i < 4096; i++) /* some compressible "code" */
		buf[i] = (unsigned char)(i * 7 % 13);
	return 4096;
}

/* XZ-compress @in into a malloc'ed buffer. */
static unsigned char *xz(const unsigned char *in, size_t len, size_t *outlen)
{
	size_t cap = lzma_stream_buffer_bound(len), pos_ = 0;
	unsigned char *out = malloc(cap);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len, out, &pos_,
						 cap),
			 LZMA_OK);
	*outlen = pos_;
	return out;
}

#define SETUP 2048 /* bytes before the payload of a fake bzImage */

/* A fake bzImage: a setup area (junk, with a header naming @release when
 * non-NULL), the first @keep bytes of @stream, trailing data. */
static void make_bzimage(const char *path, const char *release, const unsigned char *stream,
			 size_t keep)
{
	unsigned char *img = calloc(1, SETUP + keep + 300);
	size_t i;

	ck_assert_ptr_nonnull(img);
	for (i = 0; i < SETUP; i++)
		img[i] = (unsigned char)(0x10 + i % 64); /* never 0xFD: no magic */
	if (release) {
		memcpy(img + 0x202, "HdrS", 4);
		img[0x20e] = 0x00; /* kernel_version 0x300: the string at 0x500 */
		img[0x20f] = 0x03;
		snprintf((char *)img + 0x500, 256, "%s (test@vbench) #1 SMP", release);
	}
	if (keep)
		memcpy(img + SETUP, stream, keep);
	memset(img + SETUP + keep, 0xAB, 300);
	vb_test_put(path, "", img, SETUP + keep + 300);
	free(img);
}

/* ---- vmlinux --------------------------------------------------------------- */

/* Entries in @dir other than "." and "..". */
static size_t count_entries(const char *dir)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

START_TEST(vmlinux_extract)
{
	unsigned char elf[4096], *stream, *back;
	char dir[PATH_MAX], img[PATH_MAX], cache[PATH_MAX];
	size_t elflen = make_elf(elf, "Xen", VB_XEN_ELFNOTE_PHYS32_ENTRY), slen;
	vb_vmlinux_t v;
	vb_error_t err;
	int before = vb_undo_count();

	vb_test_subdir(tmpdir, "vmlinux", dir, sizeof(dir));
	snprintf(img, sizeof(img), "%s/bzImage", dir);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	stream = xz(elf, elflen, &slen);
	make_bzimage(img, NULL, stream, slen);
	ck_assert_msg(vb_vmlinux_extract(img, cache, &v, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(v.pvh_entry, 0x1000850);
	ck_assert_int_eq(v.bytes, elflen);
	ck_assert_int_eq(v.cache_hit, 0);
	back = (unsigned char *)vb_read_file(v.path, 1 << 20, 0, &err);
	ck_assert_ptr_nonnull(back);
	ck_assert_mem_eq(back, elf, elflen);
	free(back);
	ck_assert_int_eq(count_entries(cache), 1); /* no temporary file left */
	ck_assert_int_eq(vb_undo_count(), before);
	ck_assert_msg(vb_vmlinux_extract(img, cache, &v, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(v.cache_hit, 1);

	free(stream);
}
END_TEST

START_TEST(vmlinux_errors)
{
	unsigned char elf[4096], *stream;
	char dir[PATH_MAX], img[PATH_MAX], cache[PATH_MAX];
	size_t elflen, slen;
	vb_vmlinux_t v;
	vb_error_t err;

	vb_test_subdir(tmpdir, "vmlinux-bad", dir, sizeof(dir));
	snprintf(img, sizeof(img), "%s/bzImage", dir);
	snprintf(cache, sizeof(cache), "%s/cache", dir);

	/* an ELF without the PVH note (a note of another type) */
	elflen = make_elf(elf, "Xen", 17);
	stream = xz(elf, elflen, &slen);
	make_bzimage(img, NULL, stream, slen);
	ck_assert_int_eq(vb_vmlinux_extract(img, cache, &v, &err), -1);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	ck_assert_msg(strstr(err.msg, "PVH") != NULL, "%s", err.msg);
	free(stream);

	/* the right type under another owner is no PVH note either */
	elflen = make_elf(elf, "GNU", VB_XEN_ELFNOTE_PHYS32_ENTRY);
	stream = xz(elf, elflen, &slen);
	make_bzimage(img, NULL, stream, slen);
	ck_assert_int_eq(vb_vmlinux_extract(img, cache, &v, &err), -1);
	ck_assert_msg(strstr(err.msg, "PVH") != NULL, "%s", err.msg);
	free(stream);

	/* no XZ magic at all */
	make_bzimage(img, NULL, NULL, 0);
	ck_assert_int_eq(vb_vmlinux_extract(img, cache, &v, &err), -1);
	ck_assert_msg(strstr(err.msg, "no XZ stream") != NULL, "%s", err.msg);

	/* a truncated stream */
	elflen = make_elf(elf, "Xen", VB_XEN_ELFNOTE_PHYS32_ENTRY);
	stream = xz(elf, elflen, &slen);
	make_bzimage(img, NULL, stream, slen / 2);
	ck_assert_int_eq(vb_vmlinux_extract(img, cache, &v, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_msg(strstr(err.msg, "XZ stream at offset 2048") != NULL, "%s", err.msg);

	/* a corrupt one: flip bytes in the middle */
	stream[slen / 2] ^= 0xFF;
	stream[slen / 2 + 1] ^= 0x55;
	make_bzimage(img, NULL, stream, slen);
	ck_assert_int_eq(vb_vmlinux_extract(img, cache, &v, &err), -1);
	ck_assert_msg(strstr(err.msg, "XZ stream") != NULL, "%s", err.msg);
	free(stream);
	ck_assert_int_eq(count_entries(cache), 0);
}
END_TEST

/* The cache keeps the most recently used files and any used lately. */
START_TEST(cache_prune)
{
	char dir[PATH_MAX], p[PATH_MAX + 16];
	struct timespec t[2];
	int i;

	vb_test_subdir(tmpdir, "prune", dir, sizeof(dir));
	for (i = 0; i < 6; i++) {
		snprintf(p, sizeof(p), "%s/%d.cpio", dir, i);
		vb_test_put(p, "", "x", 1);
		t[0].tv_sec = t[1].tv_sec = time(NULL) - (i < 5 ? 86400 + i * 60 : 0);
		t[0].tv_nsec = t[1].tv_nsec = 0;
		ck_assert_int_eq(utimensat(AT_FDCWD, p, t, 0), 0);
	}
	vb_test_put(dir, "keep.vmlinux", "y", 1);
	/* the two most recent (5, then 0) stay; 1-4 are a day old and go */
	ck_assert_int_eq(vb_cachefile_prune(dir, ".cpio", 2, 3600), 4);
	ck_assert_int_eq(count_entries(dir), 3);
	snprintf(p, sizeof(p), "%s/0.cpio", dir);
	ck_assert_int_eq(access(p, F_OK), 0);
}
END_TEST

/* ---- initramfs ------------------------------------------------------------- */

typedef struct found {
	int present;
	unsigned type, perm;
	char *data; /* malloc'ed contents of a regular file */
	size_t len;
	char link[256];
	unsigned rmajor, rminor;
} found_t;

/* Look @name up in the cpio archive @path (libarchive reading it back). */
static found_t lookup_entry(const char *path, const char *name)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	found_t f;
	la_ssize_t n;

	memset(&f, 0, sizeof(f));
	archive_read_support_format_cpio(a);
	ck_assert_int_eq(archive_read_open_filename(a, path, 65536), ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(ae), name)) {
			archive_read_data_skip(a);
			continue;
		}
		f.present = 1;
		f.type = archive_entry_filetype(ae);
		f.perm = archive_entry_perm(ae);
		f.rmajor = archive_entry_rdevmajor(ae);
		f.rminor = archive_entry_rdevminor(ae);
		if (archive_entry_symlink(ae))
			snprintf(f.link, sizeof(f.link), "%s", archive_entry_symlink(ae));
		f.len = f.type == AE_IFREG ? (size_t)archive_entry_size(ae) : 0;
		f.data = malloc(f.len + 1);
		ck_assert_ptr_nonnull(f.data);
		n = f.len ? archive_read_data(a, f.data, f.len) : 0;
		ck_assert_int_eq(n, (la_ssize_t)f.len);
		f.data[f.len] = '\0';
		break;
	}
	archive_read_free(a);
	return f;
}

/* @f holds exactly the bytes of the host file @src. */
static void same_bytes(const found_t *f, const char *src)
{
	vb_error_t err;
	struct stat st;
	char *host;

	ck_assert_int_eq(stat(src, &st), 0);
	ck_assert_msg(f->present, "%s missing from the archive", src);
	ck_assert_int_eq(f->len, (size_t)st.st_size);
	host = vb_read_file(src, (size_t)st.st_size + 1, 0, &err);
	ck_assert_ptr_nonnull(host);
	ck_assert_msg(!memcmp(host, f->data, f->len), "%s differs in the archive", src);
	free(host);
}

START_TEST(initramfs_write)
{
	char dir[PATH_MAX], mods[PATH_MAX], agent[PATH_MAX], cache[PATH_MAX], first[PATH_MAX];
	vb_initramfs_spec_t spec;
	vb_kmod_order_t order;
	vb_initramfs_t ir;
	vb_error_t err;
	found_t f;
	int before = vb_undo_count();

	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_srcdir());
	if (access(agent, X_OK) < 0)
		VB_SKIP("%s not built", agent);
	if (access(VB_GUEST_BUSYBOX, X_OK) < 0)
		VB_SKIP("%s missing (package busybox-static)", VB_GUEST_BUSYBOX);
	vb_test_subdir(tmpdir, "initramfs", dir, sizeof(dir));
	snprintf(mods, sizeof(mods), "%s/lib/modules/9.9.9-test", dir);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	vb_test_put_text(mods, "kernel/a/first.ko", "module one");
	vb_test_put_text(mods, "kernel/b/second.ko", "module two");
	memset(&order, 0, sizeof(order));
	snprintf(order.items[0].name, 64, "first");
	snprintf(order.items[0].path, 256, "kernel/a/first.ko");
	snprintf(order.items[1].name, 64, "second");
	snprintf(order.items[1].path, 256, "kernel/b/second.ko");
	order.n = 2;
	memset(&spec, 0, sizeof(spec));
	spec.agent = agent;
	spec.modules_dir = mods;
	spec.release = "9.9.9-test";
	spec.order = &order;
	spec.cache_dir = cache;
	ck_assert_msg(vb_initramfs_build(&spec, &ir, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ir.cache_hit, 0);
	ck_assert_int_gt(ir.bytes, 0);
	ck_assert_int_eq(count_entries(cache), 1);
	ck_assert_int_eq(vb_undo_count(), before);

	f = lookup_entry(ir.path, "init");
	ck_assert(f.present);
	ck_assert_int_eq(f.type, AE_IFREG);
	ck_assert(f.perm & 0100);
	ck_assert_str_eq(f.data, vb_initramfs_init_text());
	ck_assert(!strncmp(f.data, "#!/bin/busybox sh\n", 18));
	free(f.data);
	f = lookup_entry(ir.path, "usr/libexec/vbench/vbench-agent");
	same_bytes(&f, agent);
	ck_assert(f.perm & 0100);
	free(f.data);
	ck_assert_int_gt(ir.rf->nlibs, 0);
	f = lookup_entry(ir.path, ir.rf->libs[0].path + 1);
	same_bytes(&f, ir.rf->libs[0].path);
	free(f.data);
	f = lookup_entry(ir.path, ir.rf->interp + 1);
	same_bytes(&f, ir.rf->interp);
	free(f.data);
	f = lookup_entry(ir.path, "bin/busybox");
	same_bytes(&f, VB_GUEST_BUSYBOX);
	free(f.data);
	f = lookup_entry(ir.path, "bin/sh");
	ck_assert_int_eq(f.type, AE_IFLNK);
	ck_assert_str_eq(f.link, "busybox");
	free(f.data);
	f = lookup_entry(ir.path, "dev/console");
	ck_assert_int_eq(f.type, AE_IFCHR);
	ck_assert_int_eq(f.rmajor, 5);
	ck_assert_int_eq(f.rminor, 1);
	free(f.data);
	f = lookup_entry(ir.path, "mnt/scratch");
	ck_assert_int_eq(f.type, AE_IFDIR);
	free(f.data);
	f = lookup_entry(ir.path, "lib/modules/9.9.9-test/kernel/b/second.ko");
	ck_assert(f.present);
	ck_assert_str_eq(f.data, "module two");
	free(f.data);
	f = lookup_entry(ir.path, "etc/vbench/modules");
	ck_assert_str_eq(f.data, "first /lib/modules/9.9.9-test/kernel/a/first.ko\n"
				 "second /lib/modules/9.9.9-test/kernel/b/second.ko\n");
	free(f.data);
	snprintf(first, sizeof(first), "%s", ir.path);
	vb_initramfs_free(&ir);

	/* the same inputs: the cached archive; a changed module: a new one */
	ck_assert_msg(vb_initramfs_build(&spec, &ir, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ir.cache_hit, 1);
	ck_assert_str_eq(ir.path, first);
	vb_initramfs_free(&ir);
	vb_test_put_text(mods, "kernel/b/second.ko", "module two, rebuilt");
	ck_assert_msg(vb_initramfs_build(&spec, &ir, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ir.cache_hit, 0);
	ck_assert_str_ne(ir.path, first);
	snprintf(first, sizeof(first), "%s", ir.path);
	vb_initramfs_free(&ir);

	/* another program (a server the agent starts): at its place beside the
	 * agent, in a new archive of its own */
	spec.programs = (const char *const[]){ "/bin/ls", NULL };
	ck_assert_msg(vb_initramfs_build(&spec, &ir, &err) == 0, "%s", err.msg);
	ck_assert_str_ne(ir.path, first);
	f = lookup_entry(ir.path, "usr/libexec/vbench/ls");
	same_bytes(&f, ir.rf->extra[0].program);
	free(f.data);
	vb_initramfs_free(&ir);
	spec.programs = NULL;

	/* a module file that is not there is named */
	snprintf(order.items[1].path, 256, "kernel/b/absent.ko");
	ck_assert_int_eq(vb_initramfs_build(&spec, &ir, &err), -1);
	ck_assert_msg(strstr(err.msg, "absent.ko") != NULL, "%s", err.msg);
	/* a dynamic "busybox" is refused */
	order.n = 0;
	spec.busybox = agent;
	ck_assert_int_eq(vb_initramfs_build(&spec, &ir, &err), -1);
	ck_assert_msg(strstr(err.msg, "busybox-static") != NULL, "%s", err.msg);
	ck_assert_int_eq(vb_undo_count(), before);
}
END_TEST

/* ---- kernel choice --------------------------------------------------------- */

START_TEST(kernel_explicit_and_host)
{
	char dir[PATH_MAX], boot[PATH_MAX], mods[PATH_MAX], img[PATH_MAX], p[PATH_MAX];
	vb_kernel_where_t w;
	vb_kernel_t k;
	vb_error_t err;

	vb_test_subdir(tmpdir, "kernel", dir, sizeof(dir));
	snprintf(boot, sizeof(boot), "%s/boot", dir);
	snprintf(mods, sizeof(mods), "%s/lib/modules", dir);
	memset(&w, 0, sizeof(w));
	w.boot_dir = boot;
	w.modules_root = mods;
	w.release = "7.7.7-test";
	w.cache_dir = "/nonexistent/vbench-cache";

	/* --kernel PATH that does not exist: named, never another kernel */
	snprintf(img, sizeof(img), "%s/missing-vmlinuz", dir);
	ck_assert_int_eq(vb_kernel_choose(&w, img, &k, &err), -1);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	ck_assert_msg(strstr(err.msg, img) && strstr(err.msg, "--kernel"), "%s", err.msg);

	/* --kernel PATH inside an unpacked package tree: release and modules found */
	snprintf(img, sizeof(img), "%s/pkg/boot/vmlinuz-8.8.8-pkg", dir);
	vb_test_put_text(dir, "pkg/lib/modules/8.8.8-pkg/modules.dep", "");
	make_bzimage(img, "8.8.8-pkg", NULL, 0);
	ck_assert_msg(vb_kernel_choose(&w, img, &k, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(k.source, "--kernel");
	ck_assert_str_eq(k.release, "8.8.8-pkg");
	snprintf(p, sizeof(p), "%s/pkg/lib/modules/8.8.8-pkg", dir);
	ck_assert_str_eq(k.modules, p);

	/* the host's own kernel, when both its image and its modules exist */
	vb_test_put_text(boot, "vmlinuz-7.7.7-test", "not really a kernel");
	vb_test_put_text(mods, "7.7.7-test/modules.dep", "");
	ck_assert_msg(vb_kernel_choose(&w, NULL, &k, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(k.source, "host");
	snprintf(p, sizeof(p), "%s/vmlinuz-7.7.7-test", boot);
	ck_assert_str_eq(k.image, p);
	ck_assert_str_eq(k.release, "7.7.7-test");
}
END_TEST

/* The whole preparation offline: a --kernel bzImage (XZ stream of a PVH
 * ELF) in an unpacked package tree with the guest's modules beside it. */
START_TEST(prepare_offline)
{
	static const char *const names[] = { "virtio_ring", "virtio",	      "virtio_mmio",
					      "virtio_pci",  "virtio_blk",     "virtio_console",
					      "virtio_rng",  "crc32c_generic", "ext4",
					      "virtio_net" };
	char dir[PATH_MAX], img[PATH_MAX], mods[PATH_MAX], vm[PATH_MAX], ir[PATH_MAX];
	char agent[PATH_MAX], rel[64], dep[2048] = "";
	unsigned char elf[4096], *stream;
	vb_guestimage_t *gi = calloc(1, sizeof(*gi));
	vb_guestimage_opts_t o;
	size_t i, slen, off = 0;
	vb_error_t err;
	found_t f;
	int before = vb_undo_count();

	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_srcdir());
	if (access(agent, X_OK) < 0 || access(VB_GUEST_BUSYBOX, X_OK) < 0)
		VB_SKIP("needs %s and %s (busybox-static)", agent, VB_GUEST_BUSYBOX);
	ck_assert_ptr_nonnull(gi);
	vb_test_subdir(tmpdir, "offline", dir, sizeof(dir));
	snprintf(img, sizeof(img), "%s/pkg/boot/vmlinuz-9.9.9-fake", dir);
	snprintf(mods, sizeof(mods), "%s/pkg/lib/modules/9.9.9-fake", dir);
	snprintf(vm, sizeof(vm), "%s/vmlinux-cache", dir);
	snprintf(ir, sizeof(ir), "%s/initramfs-cache", dir);
	stream = xz(elf, make_elf(elf, "Xen", VB_XEN_ELFNOTE_PHYS32_ENTRY), &slen);
	make_bzimage(img, "9.9.9-fake", stream, slen);
	free(stream);
	for (i = 0; i < VB_ARRAY_SIZE(names); i++) {
		snprintf(rel, sizeof(rel), "kernel/%s.ko", names[i]);
		vb_test_put_text(mods, rel, names[i]);
		off += (size_t)snprintf(dep + off, sizeof(dep) - off, "%s:%s\n", rel,
					(i > 1 && i < 7) || i == 9 ? " kernel/virtio.ko kernel/virtio_ring.ko"
					: i == 1       ? " kernel/virtio_ring.ko"
						       : "");
	}
	vb_test_put_text(mods, "modules.dep", dep);
	vb_test_put_text(mods, "modules.softdep", "softdep ext4 pre: crc32c\n");
	vb_test_put_text(mods, "modules.alias", "alias crc32c crc32c_generic\n");
	memset(&o, 0, sizeof(o));
	o.kernel = img;
	o.agent = agent;
	o.vmlinux_cache = vm;
	o.initramfs_cache = ir;
	ck_assert_msg(vb_guestimage_prepare_opts(&o, gi, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(gi->kernel_source, "--kernel");
	ck_assert_str_eq(gi->release, "9.9.9-fake");
	ck_assert_msg(gi->pvh && !strncmp(gi->kernel, vm, strlen(vm)), "%s", gi->no_pvh_reason);
	ck_assert_int_eq(gi->modules.n, VB_ARRAY_SIZE(names));
	ck_assert_int_lt(pos(&gi->modules, "crc32c_generic"), pos(&gi->modules, "ext4"));
	ck_assert_int_eq(gi->vmlinux_cache_hit + gi->initramfs_cache_hit, 0);
	f = lookup_entry(gi->initramfs, "lib/modules/9.9.9-fake/kernel/ext4.ko");
	ck_assert(f.present);
	ck_assert_str_eq(f.data, "ext4");
	free(f.data);
	vb_guestimage_free(gi);
	ck_assert_msg(vb_guestimage_prepare_opts(&o, gi, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(gi->vmlinux_cache_hit + gi->initramfs_cache_hit, 2);
	{
		json_t *j = vb_guestimage_to_json(gi);
		ck_assert_ptr_nonnull(j);
		ck_assert(!strncmp(json_string_value(json_object_get(j, "boot")), "pvh", 3));
		ck_assert_int_eq(json_array_size(json_object_get(json_object_get(j, "modules"),
								  "order")),
				 VB_ARRAY_SIZE(names));
		json_decref(j);
	}
	vb_guestimage_free(gi);
	free(gi);
	ck_assert_int_eq(vb_undo_count(), before);
}
END_TEST

/* No kernel of the running release in /boot (only one of another release):
 * the Debian package is used, never the other kernel.  Needs the network
 * the first time; skipped with apt's reason when the archive is out of
 * reach.  Then the guest's real module order is resolved from it. */
START_TEST(kernel_debian_package)
{
	char dir[PATH_MAX], boot[PATH_MAX], mods[PATH_MAX], agent[PATH_MAX], icache[PATH_MAX];
	vb_guestimage_opts_t o;
	vb_guestimage_t *img = calloc(1, sizeof(*img));
	vb_kernel_where_t w;
	vb_error_t err;
	const vb_kmod_order_t *m;

	ck_assert_ptr_nonnull(img);
	vb_test_subdir(tmpdir, "debian", dir, sizeof(dir));
	snprintf(boot, sizeof(boot), "%s/boot", dir);
	snprintf(mods, sizeof(mods), "%s/lib/modules", dir);
	snprintf(icache, sizeof(icache), "%s/initramfs", dir);
	vb_test_put_text(boot, "vmlinuz-5.10.0-other-amd64", "another release: never used");
	vb_test_put_text(mods, "5.10.0-other-amd64/modules.dep", "");
	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_srcdir());
	memset(&w, 0, sizeof(w));
	w.boot_dir = boot;
	w.modules_root = mods;
	w.release = "0.0.0-vbench-test";
	memset(&o, 0, sizeof(o));
	o.agent = agent;
	o.where = &w;
	o.initramfs_cache = icache;
	if (vb_guestimage_prepare_opts(&o, img, &err) < 0) {
		ck_assert_msg(strstr(err.msg, "vmlinuz-0.0.0-vbench-test does not exist") &&
				      !strstr(err.msg, "5.10.0-other"),
			      "%s", err.msg);
		free(img);
		if (strstr(err.msg, "apt-get download") || strstr(err.msg, "apt-cache"))
			VB_SKIP("Debian's archive is out of reach: %s", err.msg);
		ck_abort_msg("%s", err.msg);
	}
	ck_assert_str_eq(img->kernel_source, "debian-package");
	ck_assert(img->release[0] != '\0');
	ck_assert(strstr(img->chosen.image, "/var/cache/vbench/kernels/") == img->chosen.image);
	ck_assert(strstr(img->chosen.passed_over, "0.0.0-vbench-test") != NULL);
	ck_assert_int_eq(access(img->chosen.image, R_OK), 0);
	ck_assert_msg(img->pvh, "no PVH vmlinux: %s", img->no_pvh_reason);
	ck_assert_int_eq(access(img->kernel, R_OK), 0);
	ck_assert_int_eq(access(img->initramfs, R_OK), 0);
	m = &img->modules;
	ck_assert_int_ge(pos(m, "virtio_blk"), 0);
	ck_assert_int_ge(pos(m, "virtio_console"), 0);
	ck_assert_int_ge(pos(m, "virtio_pci"), 0);
	ck_assert_int_ge(pos(m, "virtio_mmio"), 0);
	ck_assert_int_lt(pos(m, "virtio"), pos(m, "virtio_blk"));
	ck_assert_int_lt(pos(m, "virtio_ring"), pos(m, "virtio"));
	ck_assert_int_lt(pos(m, "jbd2"), pos(m, "ext4"));
	ck_assert_int_ge(pos(m, "crc32c_generic"), 0);
	ck_assert_int_lt(pos(m, "crc32c_generic"), pos(m, "ext4"));
	vb_guestimage_free(img);
	free(img);
}
END_TEST

Suite *vb_suite_guestimage(void)
{
	Suite *s = suite_create("guestimage");
	TCase *unit = tcase_create("unit"), *net = tcase_create("debian");

	tcase_add_unchecked_fixture(unit, setup, teardown);
	tcase_set_timeout(unit, 60);
	tcase_add_test(unit, vmlinux_extract);
	tcase_add_test(unit, vmlinux_errors);
	tcase_add_test(unit, cache_prune);
	tcase_add_test(unit, initramfs_write);
	tcase_add_test(unit, kernel_explicit_and_host);
	tcase_add_test(unit, prepare_offline);
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(net, setup, teardown);
	tcase_set_timeout(net, 600);
	tcase_add_test(net, kernel_debian_package);
	suite_add_tcase(s, net);
	return s;
}
