/*
 * vm_int.h - what the files of the VM environments share (vm.c: the
 * tables, probe, prepare, run, describe, stop; vm_boot.c: starting QEMU
 * and waiting for the guest's agent; vm_ops.c: save, restore, migrate).
 * Internal to those files (and their tests).
 *
 * Must not: be included outside vm.c, vm_boot.c, vm_ops.c and their tests.
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
#include "harness/env/vm_qmp.h"
#include "harness/image/guestimage.h"

#define VM_ALLOWANCE_FIXED (256ULL << 20) /* QEMU's own memory: a fixed part ... */
#define VM_ALLOWANCE_PCT 10               /* ... plus this share of guest RAM */
#define VM_ALLOWANCE_RULE "256 MiB + 10% of guest RAM for QEMU itself"
#define VM_TAIL_LINES 20                  /* console lines in an error */
#define VM_QEMU_NAME "qemu-system-x86_64"
#define VM_GUEST_NET_PORT 5201 /* the guest's server port, forwarded from the host */
#define VM_QMP_TIMEOUT_MS 10000 /* a QMP command's answer (not a migration's end) */

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
	/* save, restore, migrate (vm_ops.c) */
	unsigned gen;             /* QEMUs this instance had before the running one */
	char qmp_sock[PATH_MAX];  /* the monitor's socket (with --ops), "" none */
	char incoming[PATH_MAX + 8]; /* the running QEMU's -incoming ("" a boot) */
	vb_qmp_t qmp;             /* the running QEMU's monitor (fd -1 none) */
	char imgdir[PATH_MAX];    /* the saved images' private directory ("" none) */
	int imgdir_res;
	vb_cgroup_t cg2;          /* a migration's second cgroup while both QEMUs run */
	unsigned cg_gen;          /* cgroups made for migrations (their names) */
} vm_priv_t;

/* One QEMU process of an instance (vb_vm_launch): its first, or one that
 * takes the guest's state from @incoming. */
typedef struct vm_launch {
	const char *incoming;     /* -incoming URI, NULL: a fresh boot */
	int incoming_fd;          /* > 2: a descriptor QEMU inherits (fd:N) */
	const vb_cgroup_t *cg;    /* its cgroup, NULL: the instance's */
	pid_t pid;                /* out: QEMU (registered as res) */
	int res;
	int spawned;
	int chan_fd;              /* out: the agent channel's socket, connected (-1 once
				   * the instance's channel took it: switched) */
	int switched;
	uint64_t switched_ns;     /* when (vb_now_ns) */
	vb_qmp_t qmp;             /* out: its monitor (with --ops) */
} vm_launch_t;

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

/* Launch a QEMU of @env (p->gen set by the caller: its sockets' and logs'
 * names) and accept its connections: the channel, the monitor with --ops.
 * 0, or -1 with @err (what was spawned in @l: the caller ends it). */
int vb_vm_launch(vb_env_t *env, vm_launch_t *l, vb_error_t *err);

/* ---- vm_ops.c: the hooks save, restore, migrate, op_why (env.h) ---- */
int vb_vm_save(vb_env_t *env, json_t *m, vb_error_t *err);
int vb_vm_restore(vb_env_t *env, json_t *m, vb_error_t *err);
int vb_vm_migrate(vb_env_t *env, const vb_migrate_req_t *rq, vb_beats_t *b, json_t *m,
		  vb_error_t *err);
int vb_vm_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len);
/* What vm_cleanup releases of them: the image directory, the monitor, a
 * second cgroup an interrupted migration left. */
void vb_vm_ops_cleanup(vb_env_t *env);

/* When the channel closed QEMU is on its way out: give it up to a second
 * so that how it ended can be said; into @how ("" when it still runs). */
void vb_vm_qemu_end(vb_env_t *env, char *how, size_t len);

#endif
