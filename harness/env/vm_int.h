/*
 * vm_int.h - what the two files of the VM environments share (vm.c: the
 * tables, probe, prepare, run, describe, stop; vm_boot.c: starting QEMU
 * and waiting for the guest's agent).  Internal to those two files (and
 * their tests).
 *
 * Must not: be included outside vm.c, vm_boot.c and their tests.
 */
#ifndef VB_VM_INT_H
#define VB_VM_INT_H

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "harness/env/env.h"
#include "harness/env/vm_disk.h"
#include "harness/env/vm_kvmprobe.h"
#include "harness/env/netpath.h"
#include "harness/env/vm_log.h"
#include "harness/env/vm_qemu.h"
#include "harness/image/guestimage.h"

#define VM_ALLOWANCE_FIXED (256ULL << 20) /* QEMU's own memory: a fixed part ... */
#define VM_ALLOWANCE_PCT 10               /* ... plus this share of guest RAM */
#define VM_ALLOWANCE_RULE "256 MiB + 10% of guest RAM for QEMU itself"
#define VM_TAIL_LINES 20                  /* console lines in an error */
#define VM_QEMU_NAME "qemu-system-x86_64"
#define VM_GUEST_NET_PORT 5201 /* the guest's server port, forwarded from the host */

typedef struct vm_priv {
	vb_guestimage_t img;      /* kernel, initramfs */
	int have_img;
	vb_vm_disk_t disk;        /* the scratch disk image */
	int have_disk;
	uint64_t allowance;       /* cgroup memory limit above guest RAM */
	uint64_t tsc_khz;         /* host TSC rate given to a TCG guest (0: not given) */
	char qemu[PATH_MAX];      /* qemu-system-x86_64 used */
	char sockdir[PATH_MAX];   /* private directory of the channel socket */
	int sockdir_res;
	char sock[PATH_MAX];      /* the socket QEMU connects to */
	char console[PATH_MAX];   /* the guest's ttyS0 */
	off_t console_ready;      /* its size when the agent reported ready: the normal boot */
	char qemu_log[PATH_MAX];  /* QEMU's stderr */
	int console_fd;           /* ... opened safely, until QEMU has them (vm_start) */
	int qemu_fd;
	char append[96];          /* test-hook kernel arguments */
	vb_netpath_t net;         /* network mode tap: the client's namespace and ... */
	int tap_fd;               /* ... its tap, until the instance goes (-1 none) */
	vb_qemu_cfg_t qc;         /* what QEMU was told */
	vb_argv_t argv;           /* ... as an argument vector */
	vb_kvm_verdict_t verdict; /* the kvm probe (kvm only) */
	int have_verdict;
} vm_priv_t;

/* The VM environments' own options (vm.c: vm_options), in the run
 * configuration (env.h vb_env_conf). */
typedef struct vm_conf {
	const char *kernel;     /* --kernel: the guest kernel (NULL: choose, guestimage.h) */
	double boot_timeout_s;  /* --boot-timeout: a VM's boot to the agent's ready message */
} vm_conf_t;

static inline const vm_conf_t *vm_conf(const vb_env_t *env)
{
	return (const vm_conf_t *)vb_env_conf(env);
}

/* An instance of network mode tap (else user-mode networking). */
static inline int vm_is_tap(const vb_env_t *env)
{
	return env->net_mode && !strcmp(env->net_mode, "tap");
}

/* The kvm table (hardware-assisted), else hosted (TCG). */
static inline int vm_is_kvm(const vb_env_t *env)
{
	return !strcmp(env->ops->name, "kvm");
}

/* ---- vm.c ---- */

/*
 * The host's TSC rate in kHz, measured against CLOCK_MONOTONIC_RAW over
 * about 20 ms (best of three), or 0 when the CPU has no invariant TSC
 * (/proc/cpuinfo without constant_tsc and nonstop_tsc) or is not x86.
 * A TCG guest reads the host's TSC, so this is what its kernel must be told
 * (qemu.h: tsc_early_khz).
 */
uint64_t vb_vm_host_tsc_khz(void);

/* ---- vm_boot.c ---- */

/* The start hook: QEMU launched in the allocation and connected to the
 * agent's channel.  The wait_ready hook: the guest booted and its agent
 * ready within --boot-timeout of the launch.  A failed boot kills QEMU and
 * the error carries the evidence (QEMU's last message, the console's
 * tail). */
int vb_vm_boot(vb_env_t *env, vb_error_t *err);
int vb_vm_ready(vb_env_t *env, vb_error_t *err);

/* When the channel closed QEMU is on its way out: give it up to a second
 * so that how it ended can be said; into @how ("" when it still runs). */
void vb_vm_qemu_end(vb_env_t *env, char *how, size_t len);

#endif
