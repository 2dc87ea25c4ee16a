/*
 * check_kmod.c - the kernel module resolver (kmod.h, kmodinfo.h).
 *
 * A fake module tree (modules.dep, softdep, alias, builtin) checks the load
 * order: dependencies first, each module once, '-' and '_' equivalent, a
 * "pre:" soft dependency through an alias naming two modules (the generic
 * one wins), a "post:" one after, a missing soft dependency and a built-in
 * skipped; a missing hard dependency, a compressed module and an unknown
 * name are errors naming them.  Tiny ELF modules with a .modinfo section
 * check the index made when modules.dep is missing (Debian's package ships
 * none), in memory and as depmod-format files.  The real Debian tree is
 * checked in check_guestimage.c.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/image/kmod.h"
#include "harness/image/kmodinfo.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "kmodtest");
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

/* Whether @name was recorded as skipped, with its reason. */
static int skipped(const vb_kmod_order_t *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nskipped; i++)
		if (!strcmp(o->skipped[i].name, name))
			return 1;
	return 0;
}

/* ---- module order ---------------------------------------------------------- */

/* The fake tree shared by the resolver tests. */
static const char *fake_tree(char *buf, size_t len)
{
	vb_test_subdir(tmpdir, "modules", buf, len);
	vb_test_put_text(buf, "modules.dep",
		 "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko "
		 "kernel/fs/jbd2/jbd2.ko\n"
		 "kernel/fs/jbd2/jbd2.ko:\n"
		 "kernel/fs/mbcache.ko:\n"
		 "kernel/lib/crc16.ko:\n"
		 "kernel/crypto/crc32c_generic.ko:\n"
		 "kernel/arch/x86/crypto/crc32c-intel.ko:\n"
		 "kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
		 "kernel/drivers/virtio/virtio_ring.ko:\n"
		 "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko "
		 "kernel/drivers/virtio/virtio_ring.ko\n"
		 "kernel/drivers/char/virtio_console.ko: kernel/drivers/virtio/virtio.ko "
		 "kernel/drivers/virtio/virtio_ring.ko\n"
		 "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio.ko\n"
		 "kernel/drivers/misc/post-thing.ko:\n"
		 "kernel/drivers/x/needs_missing.ko: kernel/drivers/x/gone.ko\n"
		 "kernel/drivers/x/packed.ko.xz:\n"
		 "kernel/drivers/x/uses_packed.ko: kernel/drivers/x/packed.ko.xz\n");
	vb_test_put_text(buf, "modules.softdep",
		 "# Soft dependencies extracted from modules themselves.\n"
		 "softdep ext4 pre: crypto-crc32c\n"
		 "softdep virtio_blk pre: no-such-thing post: post_thing\n"
		 "softdep cifs ignored words\n");
	vb_test_put_text(buf, "modules.alias",
		 "alias crypto-crc32c crc32c_intel\n"
		 "alias crypto-crc32c crc32c_generic\n"
		 "alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n");
	vb_test_put_text(buf, "modules.builtin", "kernel/drivers/block/loop.ko\n");
	return buf;
}

START_TEST(kmod_order)
{
	const char *want[] = { "virtio-pci", "virtio_blk", "virtio_console", "ext4",
			       "virtio_blk", "loop" };
	char dir[PATH_MAX];
	vb_kmod_order_t o;
	vb_kmod_db_t *db;
	vb_error_t err;
	size_t i, j;

	ck_assert_msg(vb_kmod_open(&db, fake_tree(dir, sizeof(dir)), &err) == 0, "%s", err.msg);
	ck_assert_int_eq(vb_kmod_generated(db), 0);
	ck_assert_msg(vb_kmod_resolve(db, want, 6, &o, &err) == 0, "%s", err.msg);
	/* dependencies first */
	ck_assert_int_ge(pos(&o, "virtio_ring"), 0);
	ck_assert_int_lt(pos(&o, "virtio_ring"), pos(&o, "virtio"));
	ck_assert_int_lt(pos(&o, "virtio"), pos(&o, "virtio_pci"));
	ck_assert_int_lt(pos(&o, "virtio"), pos(&o, "virtio_blk"));
	ck_assert_int_lt(pos(&o, "jbd2"), pos(&o, "ext4"));
	ck_assert_int_lt(pos(&o, "mbcache"), pos(&o, "ext4"));
	ck_assert_int_lt(pos(&o, "crc16"), pos(&o, "ext4"));
	/* soft dependencies: pre before, post after, via alias (the generic one) */
	ck_assert_int_ge(pos(&o, "crc32c_generic"), 0);
	ck_assert_int_lt(pos(&o, "crc32c_generic"), pos(&o, "ext4"));
	ck_assert_int_eq(pos(&o, "crc32c_intel"), -1);
	ck_assert_int_gt(pos(&o, "post_thing"), pos(&o, "virtio_blk"));
	ck_assert_str_eq(o.items[pos(&o, "post_thing")].path, "kernel/drivers/misc/post-thing.ko");
	/* each once; a missing soft dependency and a built-in are skipped */
	for (i = 0; i < o.n; i++)
		for (j = i + 1; j < o.n; j++)
			ck_assert_str_ne(o.items[i].name, o.items[j].name);
	ck_assert_int_eq(o.n, 11);
	ck_assert(skipped(&o, "no-such-thing"));
	ck_assert(skipped(&o, "loop"));
	ck_assert_str_eq(o.items[pos(&o, "virtio_pci")].why, "requested");
	ck_assert(strstr(o.items[pos(&o, "virtio_ring")].why, "needed by") != NULL);
	vb_kmod_close(db);
}
END_TEST

START_TEST(kmod_errors)
{
	const char *missing[] = { "needs-missing" }, *packed[] = { "uses_packed" },
		   *packed2[] = { "packed" }, *unknown[] = { "virtio_nothing" };
	char dir[PATH_MAX];
	vb_kmod_order_t o;
	vb_kmod_db_t *db;
	vb_error_t err;

	ck_assert_msg(vb_kmod_open(&db, fake_tree(dir, sizeof(dir)), &err) == 0, "%s", err.msg);
	ck_assert_int_eq(vb_kmod_resolve(db, missing, 1, &o, &err), -1);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	ck_assert_msg(strstr(err.msg, "kernel/drivers/x/gone.ko") &&
			      strstr(err.msg, "needs_missing"),
		      "%s", err.msg);
	ck_assert_int_eq(vb_kmod_resolve(db, packed, 1, &o, &err), -1);
	ck_assert_msg(strstr(err.msg, "packed.ko.xz") && strstr(err.msg, "compressed"), "%s",
		      err.msg);
	ck_assert_int_eq(vb_kmod_resolve(db, packed2, 1, &o, &err), -1);
	ck_assert_msg(strstr(err.msg, "packed.ko.xz"), "%s", err.msg);
	ck_assert_int_eq(vb_kmod_resolve(db, unknown, 1, &o, &err), -1);
	ck_assert_msg(strstr(err.msg, "virtio_nothing"), "%s", err.msg);
	vb_kmod_close(db);
}
END_TEST

/* A minimal relocatable ELF64 module whose .modinfo holds @info (@len). */
static void make_ko(const char *dir, const char *rel, const char *info, size_t len)
{
	static const char shstr[] = "\0.modinfo\0.shstrtab";
	unsigned char buf[2048];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh = (Elf64_Shdr *)(buf + 1024);
	size_t info_off = sizeof(*eh), str_off = info_off + len;

	ck_assert_uint_lt(str_off + sizeof(shstr), 1024);
	memset(buf, 0, sizeof(buf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_REL;
	eh->e_machine = EM_X86_64;
	eh->e_shoff = 1024;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 3;
	eh->e_shstrndx = 2;
	memcpy(buf + info_off, info, len);
	memcpy(buf + str_off, shstr, sizeof(shstr));
	sh[1].sh_name = 1;
	sh[1].sh_type = SHT_PROGBITS;
	sh[1].sh_offset = info_off;
	sh[1].sh_size = len;
	sh[2].sh_name = 10;
	sh[2].sh_type = SHT_STRTAB;
	sh[2].sh_offset = str_off;
	sh[2].sh_size = sizeof(shstr);
	vb_test_put(dir, rel, buf, 1024 + 3 * sizeof(Elf64_Shdr));
}

#define MODINFO(s) s, sizeof(s) /* keeps the embedded NULs and the last one */

START_TEST(kmod_from_modinfo)
{
	const char *want[] = { "ext4", "virtio_blk" };
	char dir[PATH_MAX], p[PATH_MAX], *dep;
	vb_kmod_order_t o;
	vb_kmod_db_t *db;
	vb_error_t err;

	vb_test_subdir(tmpdir, "tree", dir, sizeof(dir));
	make_ko(dir, "kernel/fs/ext4/ext4.ko",
		MODINFO("name=ext4\0depends=jbd2,mbcache\0softdep=pre: crypto-crc32c\0alias=fs-ext4"));
	make_ko(dir, "kernel/fs/jbd2/jbd2.ko", MODINFO("name=jbd2\0depends=\0softdep=pre: crc32c"));
	make_ko(dir, "kernel/fs/mbcache.ko", MODINFO("name=mbcache\0depends="));
	make_ko(dir, "kernel/crypto/crc32c_generic.ko",
		MODINFO("alias=crypto-crc32c\0alias=crc32c\0name=crc32c_generic\0depends="));
	make_ko(dir, "kernel/drivers/virtio/virtio_ring.ko", MODINFO("name=virtio_ring\0depends="));
	make_ko(dir, "kernel/drivers/virtio/virtio.ko", MODINFO("name=virtio\0depends=virtio_ring"));
	make_ko(dir, "kernel/drivers/block/virtio_blk.ko",
		MODINFO("name=virtio_blk\0depends=virtio,virtio_ring"));
	ck_assert_int_eq(symlink("/nonexistent", (snprintf(p, sizeof(p), "%s/build", dir), p)), 0);

	/* in memory, without touching the tree */
	ck_assert_msg(vb_kmod_open(&db, dir, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(vb_kmod_generated(db), 1);
	ck_assert_msg(vb_kmod_resolve(db, want, 2, &o, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(o.n, 7);
	ck_assert_int_lt(pos(&o, "crc32c_generic"), pos(&o, "jbd2"));
	ck_assert_int_lt(pos(&o, "jbd2"), pos(&o, "ext4"));
	ck_assert_int_lt(pos(&o, "mbcache"), pos(&o, "ext4"));
	ck_assert_int_lt(pos(&o, "virtio_ring"), pos(&o, "virtio"));
	ck_assert_int_lt(pos(&o, "virtio"), pos(&o, "virtio_blk"));
	vb_kmod_close(db);
	snprintf(p, sizeof(p), "%s/modules.dep", dir);
	ck_assert_int_ne(access(p, F_OK), 0);

	/* written in depmod's format: the whole closure, first-loaded last */
	ck_assert_msg(vb_kmod_depmod(dir, &err) == 0, "%s", err.msg);
	dep = vb_read_file(p, 1 << 20, 0, &err);
	ck_assert_ptr_nonnull(dep);
	ck_assert_msg(strstr(dep, "kernel/drivers/block/virtio_blk.ko: "
				  "kernel/drivers/virtio/virtio.ko "
				  "kernel/drivers/virtio/virtio_ring.ko\n"),
		      "%s", dep);
	free(dep);
	snprintf(p, sizeof(p), "%s/modules.softdep", dir);
	dep = vb_read_file(p, 1 << 20, 0, &err);
	ck_assert_ptr_nonnull(dep);
	ck_assert(strstr(dep, "softdep ext4 pre: crypto-crc32c\n") != NULL);
	free(dep);
	ck_assert_msg(vb_kmod_open(&db, dir, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(vb_kmod_generated(db), 0);
	ck_assert_msg(vb_kmod_resolve(db, want, 2, &o, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(o.n, 7);
	vb_kmod_close(db);

	/* a dependency that is no module is an error naming both */
	vb_test_subdir(tmpdir, "bad", dir, sizeof(dir));
	make_ko(dir, "kernel/a.ko", MODINFO("name=a\0depends=zzz_missing"));
	ck_assert_int_eq(vb_kmod_open(&db, dir, &err), -1);
	ck_assert_msg(strstr(err.msg, "zzz_missing") && strstr(err.msg, "kernel/a.ko"), "%s",
		      err.msg);
}
END_TEST

Suite *vb_suite_kmod(void)
{
	Suite *s = suite_create("kmod");
	TCase *unit = tcase_create("resolver");

	tcase_add_unchecked_fixture(unit, setup, teardown);
	tcase_set_timeout(unit, 30);
	tcase_add_test(unit, kmod_order);
	tcase_add_test(unit, kmod_errors);
	tcase_add_test(unit, kmod_from_modinfo);
	suite_add_tcase(s, unit);
	return s;
}
