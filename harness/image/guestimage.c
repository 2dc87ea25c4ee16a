/*
 * guestimage.c - kernel, vmlinux, modules and initramfs in one call
 * (guestimage.h).
 */
#include "harness/image/guestimage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "harness/image/vmlinux.h"

const char *const vb_guest_modules[] = {
	"virtio_mmio", "virtio_pci", "virtio_blk", "virtio_console", "ext4", "virtio_rng",
	"virtio_net", NULL,
};

/* An image given as an ELF vmlinux boots as it is, if it has the note:
 * 1 with the note, 0 without (the reason in @why), -1 not an ELF. */
static int elf_with_pvh(const char *path, char *why, size_t len)
{
	unsigned char magic[4];
	struct stat st;
	uint64_t entry;
	vb_error_t e;
	void *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

	if (fd < 0)
		return -1;
	if (pread(fd, magic, 4, 0) != 4 || memcmp(magic, "\177ELF", 4) || fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	rc = vb_vmlinux_check_pvh(m, (size_t)st.st_size, path, &entry, &e);
	if (rc < 0)
		snprintf(why, len, "%s", e.msg);
	munmap(m, (size_t)st.st_size);
	return rc < 0 ? 0 : 1;
}

/*
 * -kernel: the PVH vmlinux when we can have one, else the bzImage (slower
 * to boot, the reason recorded).  An ELF image without the PVH note cannot
 * be booted by QEMU at all: -1 with @err set.
 */
static int choose_boot_image(const vb_guestimage_opts_t *o, vb_guestimage_t *img, vb_error_t *err)
{
	const char *image = img->chosen.image;
	vb_vmlinux_t v;
	vb_error_t e;
	int elf = elf_with_pvh(image, img->no_pvh_reason, sizeof(img->no_pvh_reason));

	snprintf(img->kernel, sizeof(img->kernel), "%s", image);
	if (elf == 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "guest kernel: %s", img->no_pvh_reason);
	if (elf == 1) {
		img->pvh = 1;
		return 0;
	}
	if (vb_vmlinux_extract(image, o->vmlinux_cache, &v, &e) < 0) {
		snprintf(img->no_pvh_reason, sizeof(img->no_pvh_reason), "%s", e.msg);
		return 0;
	}
	snprintf(img->kernel, sizeof(img->kernel), "%s", v.path);
	img->pvh = 1;
	img->vmlinux_cache_hit = v.cache_hit;
	return 0;
}

static int resolve_modules(vb_guestimage_t *img, vb_error_t *err)
{
	vb_kmod_db_t *db;
	size_t n = 0;
	int rc;

	if (!img->chosen.modules[0]) {
		snprintf(img->modules_note, sizeof(img->modules_note),
			 "no module tree for this kernel: virtio and ext4 must be built in (%s)",
			 img->chosen.no_modules);
		return 0;
	}
	while (vb_guest_modules[n])
		n++;
	if (vb_kmod_open(&db, img->chosen.modules, err) < 0)
		return -1;
	rc = vb_kmod_resolve(db, vb_guest_modules, n, &img->modules, err);
	vb_kmod_close(db);
	return rc;
}

int vb_guestimage_prepare_opts(const vb_guestimage_opts_t *o, vb_guestimage_t *img, vb_error_t *err)
{
	vb_initramfs_spec_t spec;
	uint64_t t0 = vb_now_ns();

	memset(img, 0, sizeof(*img));
	if (!o->agent || !o->agent[0])
		return vb_error_set(err, VB_EUSAGE, 0, "guest image: no agent binary given");
	if (vb_kernel_choose(o->where, o->kernel, &img->chosen, err) < 0)
		return -1;
	snprintf(img->release, sizeof(img->release), "%s", img->chosen.release);
	img->kernel_source = img->chosen.source;
	img->kernel_cache_hit = img->chosen.cache_hit;
	if (resolve_modules(img, err) < 0)
		return vb_error_prefix(err, "guest kernel %s", img->chosen.image);
	if (choose_boot_image(o, img, err) < 0)
		return -1;
	memset(&spec, 0, sizeof(spec));
	spec.agent = o->agent;
	spec.programs = o->programs;
	spec.busybox = o->busybox;
	spec.modules_dir = img->chosen.modules[0] ? img->chosen.modules : NULL;
	spec.release = img->release[0] ? img->release : NULL;
	spec.order = &img->modules;
	spec.cache_dir = o->initramfs_cache;
	if (vb_initramfs_build(&spec, &img->ir, err) < 0)
		return vb_error_prefix(err, "guest image");
	snprintf(img->initramfs, sizeof(img->initramfs), "%s", img->ir.path);
	img->initramfs_cache_hit = img->ir.cache_hit;
	img->prepare_s = (double)(vb_now_ns() - t0) / 1e9;
	return 0;
}

int vb_guestimage_prepare(const char *kernel_opt, const char *agent_path,
			  const char *const *programs, vb_guestimage_t *img, vb_error_t *err)
{
	vb_guestimage_opts_t o;

	memset(&o, 0, sizeof(o));
	o.kernel = kernel_opt;
	o.agent = agent_path;
	o.programs = programs;
	return vb_guestimage_prepare_opts(&o, img, err);
}

void vb_guestimage_free(vb_guestimage_t *img)
{
	vb_initramfs_free(&img->ir);
}

json_t *vb_guestimage_to_json(const vb_guestimage_t *img)
{
	json_t *mods = vb_kmod_order_to_json(&img->modules);

	if (img->modules_note[0])
		json_object_set_new(mods, "note", json_string(img->modules_note));
	return json_pack("{s:s,s:s,s:s?,s:s?,s:o,s:s,s:s?,s:o,s:o,s:{s:b,s:b,s:b},s:f}",
			 "kernel", img->kernel, "boot",
			 img->pvh ? "pvh (uncompressed vmlinux, Xen PVH entry note)"
				  : "bzImage (compressed, decompressed by the guest)",
			 "no_pvh_reason", img->no_pvh_reason[0] ? img->no_pvh_reason : NULL,
			 "release", img->release[0] ? img->release : NULL, "kernel_choice",
			 vb_kernel_to_json(&img->chosen), "kernel_source",
			 img->kernel_source ? img->kernel_source : "", "initramfs_path",
			 img->initramfs[0] ? img->initramfs : NULL, "initramfs",
			 vb_initramfs_to_json(&img->ir), "modules", mods, "cache_hits", "kernel",
			 img->kernel_cache_hit, "vmlinux", img->vmlinux_cache_hit, "initramfs",
			 img->initramfs_cache_hit, "prepare_s", img->prepare_s);
}
