/*
 * qemu.h - the QEMU command line of a vbench VM, built as data.
 *
 * vb_qemu_argv() turns a small configuration (accelerator, machine, vCPUs,
 * memory, kernel, initramfs, scratch disk, agent channel, console log) into
 * an argument vector for execv(): no shell, no string splicing.  It is a
 * pure function (it opens no file), so the generated vector is unit-tested
 * and also checked against the installed QEMU by tests/check_vm_qemu.c.
 *
 * Devices (everything else is off: -nodefaults, -no-user-config, no network
 * unless asked, no option ROMs on microvm):
 *   scratch disk   -drive file=/proc/self/fd/N,if=none,format=raw,cache=none,
 *                  aio=native|io_uring (N inherited: the image vbench made)
 *                  + virtio-blk-device (microvm, virtio-mmio) or
 *                    virtio-blk-pci (q35/pc); the guest sees /dev/vda
 *   agent channel  -chardev socket,path=SOCK (QEMU connects as a client to a
 *                  socket vbench already listens on: no start-up race, and
 *                  QEMU fails at once if nobody listens)
 *                  + virtio-serial-device / virtio-serial-pci
 *                  + virtserialport name=vbench (/dev/virtio-ports/vbench)
 *   console        -chardev file,path=LOG -serial chardev:con (ttyS0)
 *   monitor        (cfg.qmp_path) -chardev socket,id=qmp,path=SOCK
 *                  + -mon chardev=qmp,mode=control: QMP, for save, restore
 *                  and migrate (vm_qmp.h); QEMU connects like the channel
 *   entropy        (cfg.rng) -object rng-random,filename=/dev/urandom
 *                  + virtio-rng-device / virtio-rng-pci: the guest's random
 *                  pool is ready at once (guestimage.h: agent ready ~2 s sooner)
 * The alternative channel, a second serial port (-serial unix:SOCK, ttyS1),
 * needs no guest module but moves one byte per emulated port write and goes
 * through the tty layer (raw mode needed); virtio-serial is used instead.
 *
 * Checked by hand with QEMU 7.2 (Debian 12): file=/proc/self/fd/N with
 * cache=none,aio=native is accepted (QEMU reopens the inherited file with
 * O_DIRECT; -add-fd with /dev/fdset/N works too, but only with a read-only
 * and a read-write descriptor in the set: QEMU first opens it read-only);
 * aio=native is refused without
 * cache=none ("requires cache.direct=on"), so the drive always has
 * cache=none; microvm accepts x-option-roms=off, isa-serial=on, rtc=on.
 * Debian's 6.1 kernel on microvm under TCG hung in about 3 of 8 boots on a
 * loaded 2-core host right after "tsc: Unable to calibrate against PIT ...
 * Marking TSC unstable" (microvm has no HPET or ACPI PM timer to fall back
 * on); with tsc_early_khz=<host TSC kHz> it booted 8 of 8.  Under TCG the
 * guest reads the host's TSC, so the host's rate is the right value: set
 * tsc_khz.
 *
 * Must not: open, start or check anything: it builds the vector, the caller
 * runs it.
 */
#ifndef VB_QEMU_H
#define VB_QEMU_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define VB_QEMU_DEFAULT_BINARY "/usr/bin/qemu-system-x86_64"
#define VB_QEMU_PORT_NAME      "vbench"	  /* virtserialport name seen by the guest */
#define VB_QEMU_CONSOLE_FDSET  1		  /* -add-fd set of the console descriptor */
#define VB_QEMU_GUEST_DISK     "/dev/vda" /* the scratch disk inside the guest */
#define VB_QEMU_MAX_VCPUS      255
#define VB_QEMU_MIN_MEMORY     (16ULL << 20)

/* ---- argument vectors ------------------------------------------------------ */

typedef struct vb_argv {
	char **v;   /* NULL-terminated; owned strings */
	size_t n;   /* arguments, not counting the NULL */
	size_t cap; /* allocated slots */
} vb_argv_t;

/* An empty vector (v stays NULL until the first add). */
void vb_argv_init(vb_argv_t *a);
/* Append a copy of @s.  0 or -1 with @err set (VB_ESYS, out of memory). */
int vb_argv_add(vb_argv_t *a, const char *s, vb_error_t *err);
/* Append a formatted argument. */
int vb_argv_addf(vb_argv_t *a, vb_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Free every string and the array; @a becomes empty (safe twice). */
void vb_argv_free(vb_argv_t *a);
/* Index of the first argument equal to @s, -1 if absent. */
int vb_argv_find(const vb_argv_t *a, const char *s);
/*
 * The vector as one line for logs and run.json, each argument quoted for a
 * POSIX shell when needed.  malloc'ed, caller frees; NULL without memory.
 * For display only: vbench never runs it through a shell.
 */
char *vb_argv_format(const vb_argv_t *a);

/* ---- QEMU ------------------------------------------------------------------- */

/* The guest's address on QEMU's user-mode network (slirp's fixed one). */
#define VB_QEMU_GUEST_ADDR "10.0.2.15"
#define VB_QEMU_GUEST_NET VB_QEMU_GUEST_ADDR "/24"

typedef struct vb_qemu_cfg {
	const char *binary;	 /* NULL or "" = VB_QEMU_DEFAULT_BINARY */
	const char *name;	 /* -name (threads named per vCPU); NULL = "vbench" */
	const char *accel;	 /* "tcg" (NULL) or "kvm" */
	const char *machine;	 /* "microvm" (NULL), "q35" or "pc" */
	const char *cpu;	 /* NULL = "qemu64" under tcg (baseline x86-64), "host" under kvm */
	unsigned vcpus;		 /* 1..VB_QEMU_MAX_VCPUS */
	uint64_t memory;	 /* guest RAM in bytes: whole MiB, >= 16 MiB */
	const char *kernel;	 /* required: vmlinux with a PVH note, or a bzImage */
	const char *initrd;	 /* NULL = none */
	const char *append;	 /* extra kernel arguments after vbench's own; NULL = none */
	const char *disk;	 /* raw scratch image for virtio-blk; NULL = no disk */
	int disk_fd;		 /* > 2: the image is this descriptor, which QEMU inherits
				  * and opens as /proc/self/fd/N (never the path: a link
				  * put in its place is not followed); disk then only
				  * names it */
	const char *aio;	 /* "native" (NULL), "io_uring" or "threads" */
	const char *chan_path;	 /* unix socket vbench listens on; NULL = no channel */
	const char *console_log; /* file for the guest's ttyS0; NULL = discarded */
	int console_fd;		 /* > 2: the console goes to this descriptor instead, which
				  * QEMU inherits (-add-fd, /dev/fdset/N: QEMU never opens
				  * the path); console_log then only names it */
	int net;		 /* 1 = user-mode network on virtio-net; 0 = -net none */
	unsigned fwd_host;	 /* net: host port on 127.0.0.1 forwarded to the guest's ... */
	unsigned fwd_guest;	 /* ... TCP port fwd_guest (both 0: no forward); with a
				  * forward the network is restricted (restrict=on: the
				  * guest reaches nothing, only the forward reaches it) and
				  * the guest gets vbench.net=VB_QEMU_GUEST_NET */
	int tap_fd;		 /* > 2 with net: the network is this tap device instead,
				  * which QEMU inherits (-netdev tap,fd=N), and the guest
				  * gets vbench.net=guest_net */
	int vhost;		 /* ... with vhost-net (the kernel moves the packets) */
	const char *guest_net;	 /* the guest's ADDR/LEN on a tap */
	uint64_t tsc_khz;	 /* > 0: host TSC rate, passed as tsc_early_khz= (see above) */
	int rng;		 /* 1 = virtio-rng fed from the host's /dev/urandom (entropy at once) */
	const char *qmp_path;	 /* unix socket vbench listens on for QEMU's monitor (QMP:
				  * -chardev socket + -mon mode=control); NULL = none */
	const char *incoming;	 /* -incoming URI: the guest's state comes from there
				  * ("unix:PATH" a migration, "fd:N" an image QEMU
				  * inherits); NULL = a fresh boot */
} vb_qemu_cfg_t;

/*
 * Build the QEMU argument vector for @c into @out (initialised here; free it
 * with vb_argv_free() also after an error).  The kernel command line is
 * "console=ttyS0 panic=-1 quiet", then tsc_early_khz=N when c->tsc_khz is
 * set, vbench.port=vbench when there is a channel, vbench.scratch=/dev/vda
 * when there is a disk, then c->append.
 * Returns 0, or -1 with @err set: VB_EUSAGE naming the field for bad input
 * ("vcpus", "memory", "kernel", "accel", "machine", "aio", "chan_path"),
 * VB_ESYS when out of memory.
 */
int vb_qemu_argv(const vb_qemu_cfg_t *c, vb_argv_t *out, vb_error_t *err);

/*
 * What the VM is made of, as a JSON object (new reference; NULL for a
 * configuration vb_qemu_argv() would reject): binary, accelerator and its
 * mechanism ("TCG binary translation (software emulation)" or "KVM
 * hardware-assisted"), machine, CPU model, vCPUs, memory, devices (each
 * with its role, QEMU model, transport and options) and network.
 */
json_t *vb_qemu_describe(const vb_qemu_cfg_t *c);

#endif
