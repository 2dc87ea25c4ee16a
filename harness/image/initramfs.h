/*
 * initramfs.h - the guest's whole root filesystem, as one cpio archive.
 *
 * A VM guest needs no disk image for its system: the kernel unpacks an
 * uncompressed cpio "newc" archive (fastest under TCG: nothing to inflate)
 * into its initial RAM filesystem and runs /init.  vbench writes that
 * archive with libarchive.  It holds:
 *   /init                       a small busybox shell script (below)
 *   /bin/busybox + applets      from busybox-static (must be static)
 *   VB_GUEST_AGENT              the same vbench-agent binary the host runs,
 *                               with its interpreter and shared libraries at
 *                               their host paths (vb_rootfs_resolve)
 *   /lib/modules/<release>/...  the modules in load order (kmod.h), listed
 *                               in /etc/vbench/modules ("name path" lines)
 *   /etc/vbench/libpath         LD_LIBRARY_PATH the agent needs (if any)
 *   /dev/console, /proc, /sys, /tmp, /mnt/scratch, /run
 * The archive is cached as VB_CACHE_DIR/initramfs/<key>.cpio where the key
 * is the FNV-1a hash of every entry (name, mode, content), so a rebuilt
 * agent, another kernel or a changed /init gives a new archive and an
 * unchanged set reuses the old one.  The 8 most recently used archives are
 * kept (and any used within the hour); older ones are removed.
 *
 * /init (vb_initramfs_init_text) mounts /proc, /sys and devtmpfs on /dev,
 * loads the modules in order (passing "MODULE.key=value" words of the kernel
 * command line as their parameters, as modprobe would: the kernel itself
 * hands them only to built-in code), lowers perf_event_paranoid to -1,
 * mounts vbench.disk=DEV (default /dev/vda, ext4) at vbench.scratch=PATH
 * (a /dev/ path given as vbench.scratch names the disk, mounted at
 * VB_GUEST_SCRATCH), finds the virtio-serial port named vbench.port=NAME
 * (default "vbench") in /sys/class/virtio-ports or falls back to /dev/ttyS1
 * (put in raw mode), runs `vbench-agent serve` on it (one read-write open:
 * a virtio port refuses a second), and powers off when the agent exits
 * (reset instead where there is no ACPI, which ends a -no-reboot QEMU).
 * Test hook: vbench.hang=1 on the command line (the VM environments add it
 * when VBENCH_TEST_GUEST_HANG=1) makes /init wait forever instead of
 * starting the agent: a guest that never answers, for the boot-timeout test.
 * Failures go to /tmp/vbench-init.log and, with uptime stamps, to the
 * kernel log (console); the boot goes on: the agent reports what it sees.
 *
 * Must not: boot a guest or run anything measured: it writes the archive and
 * the text of /init.
 */
#ifndef VB_INITRAMFS_H
#define VB_INITRAMFS_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "harness/image/kmod.h"
#include "harness/image/rootfs.h"

#define VB_GUEST_AGENT VB_ROOTFS_BINDIR "/vbench-agent" /* the agent inside */
#define VB_GUEST_BUSYBOX "/bin/busybox"                 /* host and guest path */
#define VB_GUEST_MODLIST "/etc/vbench/modules"          /* load order inside */
#define VB_GUEST_SCRATCH "/mnt/scratch"                 /* default scratch mount */
#define VB_GUEST_PORT "vbench"                          /* virtio-serial port name */

typedef struct vb_initramfs_spec {
	const char *agent;            /* host path of vbench-agent */
	const char *busybox;          /* static busybox (NULL: VB_GUEST_BUSYBOX) */
	const char *modules_dir;      /* host module tree @order refers to (NULL: none) */
	const char *release;          /* kernel release: /lib/modules/<release> inside */
	const vb_kmod_order_t *order; /* modules to load, in order (NULL: none) */
	const char *cache_dir;        /* NULL: VB_CACHE_DIR "/initramfs" */
	const char *const *programs;  /* other programs (servers the agent starts), host
				       * paths, NULL-terminated: at VB_ROOTFS_BINDIR/<name>
				       * inside with their libraries (rootfs.h); NULL: none */
} vb_initramfs_spec_t;

typedef struct vb_initramfs {
	char path[PATH_MAX]; /* the archive in the cache */
	uint64_t key;        /* FNV-1a of every entry */
	uint64_t bytes;      /* archive size */
	size_t entries;      /* files, directories, links and nodes in it */
	int cache_hit;       /* built by an earlier run */
	vb_rootfs_t *rf;     /* the agent's resolved libraries (owned) */
} vb_initramfs_t;

/*
 * Build (or find in the cache) the archive described by @spec.  Returns 0
 * with @ir filled (free with vb_initramfs_free), or -1 with @err set:
 * VB_EUNAVAIL for a missing or dynamically linked busybox, a missing
 * library or module file, naming it.
 */
int vb_initramfs_build(const vb_initramfs_spec_t *spec, vb_initramfs_t *ir, vb_error_t *err);
void vb_initramfs_free(vb_initramfs_t *ir);

/* The text of /init. */
const char *vb_initramfs_init_text(void);

/* {path, key, bytes, entries, cache_hit, agent libraries} (new reference). */
json_t *vb_initramfs_to_json(const vb_initramfs_t *ir);

#endif
