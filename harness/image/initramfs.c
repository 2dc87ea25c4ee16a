/*
 * initramfs.c - write the guest's cpio archive with libarchive (initramfs.h).
 *
 * The archive is first described as a list of entries (inside path, type,
 * mode, and where the bytes come from), then hashed, then - unless the
 * cache already holds that hash - written.  Parent directories are emitted
 * before their contents because the kernel's unpacker does not create them.
 */
#include "harness/image/initramfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/image/cachefile.h"
#include "harness/image/elf.h"
#include "harness/image/kernel.h"
#include "harness/image/rootfs.h"
#include "lib/util.h"

#define MAX_ENTRIES 512
#define KEEP_ARCHIVES 8    /* cached archives kept (each ~11 MB) ... */
#define KEEP_RECENT_S 3600 /* ... besides any used within the last hour */
#define FORMAT_TAG "vbench-initramfs-2" /* bump when the layout changes */

/* Busybox applets /init and a person debugging the guest use. */
static const char *const applets[] = {
	"sh",	  "mount", "umount", "insmod", "lsmod", "mkdir",  "sleep", "cat",
	"echo",	  "ls",	   "stty",   "sync",   "dmesg", "uname",  "poweroff",
	"reboot", "halt",  "grep",   "ps",     "free",  "df",    "ip",
};

static const char init_text[] =
	"#!/bin/busybox sh\n"
	"# vbench guest /init (PID 1), written by vbench (harness/image/initramfs.c).\n"
	"# Kernel command line: vbench.scratch=PATH mounts vbench.disk=DEV (default\n"
	"# /dev/vda, ext4) at PATH (a /dev/ path there names the disk and mounts it\n"
	"# at " VB_GUEST_SCRATCH "); vbench.port=NAME names the agent's virtio-serial\n"
	"# port (default vbench; none: /dev/ttyS1); vbench.net=ADDR/LEN gives eth0 that\n"
	"# address (QEMU's user-mode network); MODULE.key=value goes to insmod.\n"
	"export PATH=/bin\n"
	"# log: /tmp/vbench-init.log, and the console through the kernel log\n"
	"# (/dev/kmsg, with the uptime stamp) once /dev is mounted\n"
	"log() {\n"
	"\techo \"vbench-init: $*\" >>/tmp/vbench-init.log\n"
	"\t{ [ -c /dev/kmsg ] && echo \"vbench-init: $*\" >/dev/kmsg; } 2>/dev/null ||\n"
	"\t\techo \"vbench-init: $*\" >&2\n"
	"}\n"
	"mount -t proc proc /proc || log \"mount /proc failed\"\n"
	"mount -t sysfs sysfs /sys || log \"mount /sys failed\"\n"
	"mount -t devtmpfs devtmpfs /dev || log \"mount /dev failed\"\n"
	"read -r cmdline </proc/cmdline\n"
	"scratch= disk=/dev/vda port=" VB_GUEST_PORT " hang= net=\n"
	"for w in $cmdline; do\n"
	"\tcase \"$w\" in\n"
	"\tvbench.scratch=/dev/*) disk=${w#vbench.scratch=} scratch=" VB_GUEST_SCRATCH " ;;\n"
	"\tvbench.scratch=*) scratch=${w#vbench.scratch=} ;;\n"
	"\tvbench.disk=*) disk=${w#vbench.disk=} ;;\n"
	"\tvbench.port=*) port=${w#vbench.port=} ;;\n"
	"\tvbench.hang=1) hang=1 ;;\n"
	"\tvbench.net=*) net=${w#vbench.net=} ;;\n"
	"\tesac\n"
	"done\n"
	"# modules in the order resolved on the host (modules.dep, modules.softdep)\n"
	"while read -r mod path; do\n"
	"\targs=\n"
	"\tfor w in $cmdline; do\n"
	"\t\tcase \"$w\" in \"$mod\".*=*) args=\"$args ${w#\"$mod\".}\" ;; esac\n"
	"\tdone\n"
	"\tinsmod \"$path\" $args || log \"insmod $path$args failed\"\n"
	"done <" VB_GUEST_MODLIST "\n"
	"# Debian's default (3) disables every perf event, even software ones\n"
	"echo -1 >/proc/sys/kernel/perf_event_paranoid ||\n"
	"\tlog \"perf_event_paranoid stays $(cat /proc/sys/kernel/perf_event_paranoid)\"\n"
	"ip link set lo up || log \"lo up failed\"\n"
	"if [ -n \"$net\" ]; then\n"
	"\ti=0\n"
	"\twhile [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done\n"
	"\t{ ip addr add \"$net\" dev eth0 && ip link set eth0 up; } ||\n"
	"\t\tlog \"network $net on eth0 failed\"\n"
	"fi\n"
	"if [ -n \"$scratch\" ]; then\n"
	"\tmkdir -p \"$scratch\"\n"
	"\ti=0\n"
	"\twhile [ ! -b \"$disk\" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done\n"
	"\tmount -t ext4 \"$disk\" \"$scratch\" || log \"mount $disk (ext4) on $scratch failed\"\n"
	"fi\n"
	"# the agent's channel: the virtio-serial port named $port, else ttyS1\n"
	"find_port() {\n"
	"\tfor f in /sys/class/virtio-ports/*/name; do\n"
	"\t\tif [ -r \"$f\" ] && [ \"$(cat \"$f\")\" = \"$port\" ]; then\n"
	"\t\t\td=${f%/name}\n"
	"\t\t\techo \"/dev/${d##*/}\"\n"
	"\t\t\treturn 0\n"
	"\t\tfi\n"
	"\tdone\n"
	"\treturn 1\n"
	"}\n"
	"i=0\n"
	"until tty=$(find_port); do\n"
	"\tset -- /sys/class/virtio-ports/*\n"
	"\tif [ ! -e \"$1\" ] || [ $i -ge 40 ]; then\n"
	"\t\ttty=/dev/ttyS1\n"
	"\t\tstty -F $tty raw -echo || log \"stty $tty failed\"\n"
	"\t\tbreak\n"
	"\tfi\n"
	"\tsleep 0.05\n"
	"\ti=$((i + 1))\n"
	"done\n"
	"[ -s /etc/vbench/libpath ] && export LD_LIBRARY_PATH=\"$(cat /etc/vbench/libpath)\"\n"
	"# test hook: vbench.hang=1 (VBENCH_TEST_GUEST_HANG=1 on the host) never\n"
	"# starts the agent, so only the host's boot timeout ends this guest\n"
	"if [ -n \"$hang\" ]; then\n"
	"\techo \"vbench-init: vbench.hang=1: not starting the agent (test hook)\" >/dev/console\n"
	"\twhile :; do sleep 3600; done\n"
	"fi\n"
	"log \"agent on $tty\"\n"
	"# one read-write open: a virtio port refuses a second one (EBUSY)\n"
	VB_GUEST_AGENT " serve 0<>\"$tty\" 1>&0\n"
	"log \"agent exited with status $?\"\n"
	"sync\n"
	"# without ACPI (microvm,acpi=off) power-off only halts: reset instead,\n"
	"# which ends a QEMU started with -no-reboot\n"
	"[ -d /sys/firmware/acpi ] || reboot -f\n"
	"poweroff -f\n";

const char *vb_initramfs_init_text(void)
{
	return init_text;
}

/* ==== the entry list ==================================================== */

typedef struct entry {
	char path[PATH_MAX]; /* inside, absolute */
	unsigned type;       /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR */
	unsigned mode;       /* permission bits */
	const char *src;     /* AE_IFREG from the host: its path */
	const char *data;    /* AE_IFREG from memory, or the AE_IFLNK target */
	size_t len;          /* bytes of data */
	size_t module;       /* a module: index + 1 in the load order (0: not one) */
	unsigned rmajor, rminor; /* AE_IFCHR: device numbers */
} entry_t;

typedef struct list {
	entry_t *e;
	size_t n;
	vb_error_t *err;
} list_t;

static entry_t *add(list_t *l, const char *path, unsigned type, unsigned mode);

/* Add every missing parent directory of @path. */
static int add_parents(list_t *l, const char *path)
{
	char dir[PATH_MAX];
	size_t i, k;

	for (i = 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		snprintf(dir, sizeof(dir), "%.*s", (int)i, path);
		for (k = 0; k < l->n && strcmp(l->e[k].path, dir); k++)
			;
		if (k == l->n && !add(l, dir, AE_IFDIR, 0755))
			return -1;
	}
	return 0;
}

static entry_t *add(list_t *l, const char *path, unsigned type, unsigned mode)
{
	entry_t *e;
	size_t k;

	for (k = 0; k < l->n; k++) {
		if (strcmp(l->e[k].path, path))
			continue;
		if (type == AE_IFDIR && l->e[k].type == AE_IFDIR)
			return &l->e[k];
		vb_error_set(l->err, VB_EUSAGE, 0, "%s twice", path);
		return NULL;
	}
	if (path[0] != '/' || strlen(path) >= sizeof(e->path)) {
		vb_error_set(l->err, VB_EUSAGE, 0, "bad path %s", path);
		return NULL;
	}
	if (add_parents(l, path) < 0)
		return NULL;
	if (l->n == MAX_ENTRIES) {
		vb_error_set(l->err, VB_EUSAGE, 0, "more than %d entries", MAX_ENTRIES);
		return NULL;
	}
	e = &l->e[l->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->path, sizeof(e->path), "%s", path);
	e->type = type;
	e->mode = mode;
	return e;
}

/* A host file at @inside (0755 if any x bit is set, else 0644); @src must
 * outlive the list. */
static entry_t *add_file(list_t *l, const char *inside, const char *src)
{
	struct stat st;
	entry_t *e;

	if (stat(src, &st) < 0) {
		vb_error_set(l->err, VB_EUNAVAIL, errno, "%s", src);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		vb_error_set(l->err, VB_EUNAVAIL, 0, "%s is not a regular file", src);
		return NULL;
	}
	e = add(l, inside, AE_IFREG, (st.st_mode & 0111) ? 0755 : 0644);
	if (e)
		e->src = src;
	return e;
}

static int add_text(list_t *l, const char *inside, const char *text, unsigned mode)
{
	entry_t *e = add(l, inside, AE_IFREG, mode);

	if (!e)
		return -1;
	e->data = text;
	e->len = strlen(text);
	return 0;
}

static int add_link(list_t *l, const char *inside, const char *target)
{
	entry_t *e = add(l, inside, AE_IFLNK, 0777);

	if (!e)
		return -1;
	e->data = target;
	e->len = strlen(target);
	return 0;
}

/* The whole list for @spec; @modlist receives the /etc/vbench/modules text. */
static int describe(const vb_initramfs_spec_t *sp, const vb_rootfs_t *rf, char **modlist,
		    list_t *l)
{
	static const char *const dirs[] = { "/dev", "/proc", "/sys", "/tmp", "/run",
					    VB_GUEST_SCRATCH, "/root", "/etc/vbench" };
	char inside[PATH_MAX], src[PATH_MAX];
	size_t i, mlen = 0;
	entry_t *e;
	FILE *f;

	for (i = 0; i < VB_ARRAY_SIZE(dirs); i++)
		if (!add(l, dirs[i], AE_IFDIR, strcmp(dirs[i], "/tmp") ? 0755 : 01777))
			return -1;
	if (!(e = add(l, "/dev/console", AE_IFCHR, 0600)))
		return -1;
	e->rmajor = 5;
	e->rminor = 1;
	if (add_text(l, "/init", init_text, 0755) < 0 ||
	    !add_file(l, VB_GUEST_BUSYBOX, sp->busybox ? sp->busybox : VB_GUEST_BUSYBOX))
		return -1;
	for (i = 0; i < VB_ARRAY_SIZE(applets); i++) {
		snprintf(inside, sizeof(inside), "/bin/%s", applets[i]);
		if (add_link(l, inside, "busybox") < 0)
			return -1;
	}
	if (!add_file(l, VB_GUEST_AGENT, rf->program) ||
	    (rf->interp[0] && !add_file(l, rf->interp, rf->interp)))
		return -1;
	for (i = 0; i < rf->nlibs; i++)
		if (!add_file(l, rf->libs[i].path, rf->libs[i].path))
			return -1;
	for (i = 0; i < rf->nextra; i++)
		if (!add_file(l, rf->extra[i].inside, rf->extra[i].program))
			return -1;
	f = open_memstream(modlist, &mlen);
	if (!f)
		return vb_error_set(l->err, VB_ESYS, ENOMEM, "module list");
	for (i = 0; sp->order && i < sp->order->n; i++) {
		if (strstr(sp->order->items[i].path, "..") || strchr(sp->release, '/')) {
			fclose(f);
			return vb_error_set(l->err, VB_EUSAGE, 0, "odd module path %s/%s",
					    sp->release, sp->order->items[i].path);
		}
		snprintf(inside, sizeof(inside), "/lib/modules/%s/%s", sp->release,
			 sp->order->items[i].path);
		fprintf(f, "%s %s\n", sp->order->items[i].name, inside);
	}
	fclose(f);
	if (!*modlist)
		return vb_error_set(l->err, VB_ESYS, ENOMEM, "module list");
	for (i = 0; sp->order && i < sp->order->n; i++) {
		snprintf(inside, sizeof(inside), "/lib/modules/%s/%s", sp->release,
			 sp->order->items[i].path);
		snprintf(src, sizeof(src), "%s/%s", sp->modules_dir, sp->order->items[i].path);
		if (!(e = add_file(l, inside, src)))
			return -1;
		e->src = NULL; /* @src is ours: the entry finds it by index */
		e->module = i + 1;
	}
	if (add_text(l, VB_GUEST_MODLIST, *modlist, 0644) < 0)
		return -1;
	for (i = 0; i < VB_ROOTFS_NTEXTS; i++)
		if (add_text(l, vb_rootfs_texts[i].path, vb_rootfs_texts[i].text, 0644) < 0)
			return -1;
	return rf->libpath[0] ? add_text(l, "/etc/vbench/libpath", rf->libpath, 0644) : 0;
}

/* Host source path of a file entry (modules are stored by index). */
static const char *source_of(const vb_initramfs_spec_t *sp, const entry_t *e, char *buf,
			     size_t len)
{
	if (!e->module)
		return e->src;
	snprintf(buf, len, "%s/%s", sp->modules_dir, sp->order->items[e->module - 1].path);
	return buf;
}

/* ==== hashing and writing =============================================== */

static int hash_list(const vb_initramfs_spec_t *sp, const list_t *l, uint64_t *h)
{
	char buf[PATH_MAX];
	unsigned meta[4];
	size_t i;

	*h = vb_cachefile_fnv1a64(VB_FNV_INIT, FORMAT_TAG, sizeof(FORMAT_TAG));
	for (i = 0; i < l->n; i++) {
		const entry_t *e = &l->e[i];
		meta[0] = e->type;
		meta[1] = e->mode;
		meta[2] = e->type == AE_IFCHR ? e->rmajor : 0;
		meta[3] = e->type == AE_IFCHR ? e->rminor : 0;
		*h = vb_cachefile_fnv1a64(*h, e->path, strlen(e->path) + 1);
		*h = vb_cachefile_fnv1a64(*h, meta, sizeof(meta));
		if (e->data)
			*h = vb_cachefile_fnv1a64(*h, e->data, e->len);
		else if (e->type == AE_IFREG &&
			 vb_cachefile_fnv1a64_file(h, source_of(sp, e, buf, sizeof(buf)), l->err) <
			     0)
			return -1;
	}
	return 0;
}

static int write_entry(struct archive *a, struct archive_entry *ae,
		       const vb_initramfs_spec_t *sp, const entry_t *e, vb_error_t *err)
{
	char buf[PATH_MAX];
	const char *src = NULL;
	struct stat st;

	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, e->path + 1); /* "init", "bin/busybox" */
	archive_entry_set_filetype(ae, e->type);
	archive_entry_set_perm(ae, e->mode);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_mtime(ae, 0, 0); /* reproducible bytes */
	archive_entry_set_nlink(ae, e->type == AE_IFDIR ? 2 : 1);
	archive_entry_set_size(ae, 0); /* a symlink's target is sized by libarchive */
	if (e->type == AE_IFCHR) {
		archive_entry_set_rdevmajor(ae, e->rmajor);
		archive_entry_set_rdevminor(ae, e->rminor);
	} else if (e->type == AE_IFLNK) {
		archive_entry_set_symlink(ae, e->data);
	} else if (e->type == AE_IFREG) {
		if (e->data) {
			archive_entry_set_size(ae, (la_int64_t)e->len);
		} else {
			src = source_of(sp, e, buf, sizeof(buf));
			if (stat(src, &st) < 0)
				return vb_error_sys(err, "%s", src);
			archive_entry_set_size(ae, (la_int64_t)st.st_size);
		}
	}
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		return vb_error_set(err, VB_ESYS, 0, "entry %s: %s", e->path,
				    archive_error_string(a));
	if (e->type == AE_IFREG && e->data && e->len &&
	    archive_write_data(a, e->data, e->len) != (la_ssize_t)e->len)
		return vb_error_set(err, VB_ESYS, 0, "%s: %s", e->path,
				    archive_error_string(a));
	return src ? vb_rootfs_tar_copy_file(a, src, err) : 0;
}

static int write_archive(const vb_initramfs_spec_t *sp, const list_t *l, vb_cachefile_t *cf,
			 vb_error_t *err)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	int rc = -1;
	size_t i;

	if (!a || !ae) {
		vb_error_set(err, VB_ESYS, ENOMEM, "libarchive");
		goto out;
	}
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, cf->fd) != ARCHIVE_OK) {
		vb_error_set(err, VB_ESYS, 0, "%s: %s", cf->tmp, archive_error_string(a));
		goto out;
	}
	for (i = 0; i < l->n; i++)
		if (write_entry(a, ae, sp, &l->e[i], err) < 0)
			goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		vb_error_set(err, VB_ESYS, 0, "%s: %s", cf->tmp, archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	if (ae)
		archive_entry_free(ae);
	if (a)
		archive_write_free(a);
	return rc;
}

/* ==== the public entry ================================================== */

static int check_busybox(const char *path, vb_error_t *err)
{
	vb_elf_t *elf = malloc(sizeof(*elf));
	int rc;

	if (!elf)
		return vb_error_set(err, VB_ESYS, ENOMEM, "busybox");
	rc = vb_elf_read(path, elf, err);
	if (rc < 0) {
		err->code = VB_EUNAVAIL;
		vb_error_prefix(err, "busybox (install busybox-static)");
	} else if (elf->interp[0]) {
		rc = vb_error_set(err, VB_EUNAVAIL, 0,
				  "%s is dynamically linked (install busybox-static)", path);
	}
	free(elf);
	return rc;
}

int vb_initramfs_build(const vb_initramfs_spec_t *sp, vb_initramfs_t *ir, vb_error_t *err)
{
	const char *dir = sp->cache_dir ? sp->cache_dir : VB_CACHE_DIR "/initramfs";
	char name[64], *modlist = NULL;
	list_t l = { NULL, 0, err };
	vb_cachefile_t cf;
	struct stat st;
	int rc = -1;

	memset(ir, 0, sizeof(*ir));
	if (sp->order && sp->order->n && (!sp->modules_dir || !sp->release))
		return vb_error_set(err, VB_EUSAGE, 0, "modules without a module tree");
	if (check_busybox(sp->busybox ? sp->busybox : VB_GUEST_BUSYBOX, err) < 0)
		return -1;
	ir->rf = calloc(1, sizeof(*ir->rf));
	l.e = calloc(MAX_ENTRIES, sizeof(*l.e));
	if (!ir->rf || !l.e) {
		vb_error_set(err, VB_ESYS, ENOMEM, "out of memory");
		goto out;
	}
	if (vb_rootfs_resolve(ir->rf, sp->agent, err) < 0)
		goto out;
	if (vb_rootfs_add_programs(ir->rf, sp->programs, err) < 0)
		goto out;
	if (describe(sp, ir->rf, &modlist, &l) < 0 || hash_list(sp, &l, &ir->key) < 0)
		goto out;
	ir->entries = l.n;
	snprintf(name, sizeof(name), "%016llx.cpio", (unsigned long long)ir->key);
	snprintf(ir->path, sizeof(ir->path), "%s/%s", dir, name);
	if (stat(ir->path, &st) == 0 && S_ISREG(st.st_mode)) {
		ir->cache_hit = 1;
		vb_cachefile_touch(ir->path);
	} else {
		if (vb_cachefile_create(&cf, dir, name, err) < 0)
			goto out;
		if (write_archive(sp, &l, &cf, err) < 0) {
			vb_cachefile_abort(&cf);
			goto out;
		}
		if (vb_cachefile_commit(&cf, 0644, err) < 0 || stat(ir->path, &st) < 0)
			goto out;
		vb_cachefile_prune(dir, ".cpio", KEEP_ARCHIVES, KEEP_RECENT_S);
	}
	ir->bytes = (uint64_t)st.st_size;
	rc = 0;
out:
	free(modlist);
	free(l.e);
	if (rc < 0) {
		vb_error_prefix(err, "initramfs");
		vb_initramfs_free(ir);
	}
	return rc;
}

void vb_initramfs_free(vb_initramfs_t *ir)
{
	free(ir->rf);
	ir->rf = NULL;
}

json_t *vb_initramfs_to_json(const vb_initramfs_t *ir)
{
	char key[32];

	snprintf(key, sizeof(key), "%016llx", (unsigned long long)ir->key);
	return json_pack("{s:s,s:s,s:s,s:I,s:I,s:b,s:s,s:o}", "path", ir->path, "format",
			 "cpio newc, uncompressed", "key_fnv1a64", key, "bytes",
			 (json_int_t)ir->bytes, "entries", (json_int_t)ir->entries, "cache_hit",
			 ir->cache_hit, "agent_inside", VB_GUEST_AGENT, "agent_libraries",
			 ir->rf ? vb_rootfs_libs_json(ir->rf) : json_array());
}
