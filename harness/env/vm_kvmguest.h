/*
 * kvmguest.h - the calibration guest behind the KVM probe (kvmprobe.h).
 *
 * A one-vCPU VM with 2 MiB of memory that runs "1: dec rcx; jnz 1b; hlt"
 * (rcx = N) in 64-bit long mode or, when long mode cannot be set up, the
 * same loop in 16-bit real mode; and the watchdog that bounds how long a
 * KVM_RUN may take.  Split from vm_kvmprobe.c, which decides from the timings.
 *
 * Must not: decide whether KVM accelerates (vm_kvmprobe.c does, from the
 * timings) or print.
 */
#ifndef VB_KVMGUEST_H
#define VB_KVMGUEST_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct kvm_run;

typedef struct vb_kvm_guest {
	int vm;		     /* VM fd, -1 when closed */
	int vcpu;	     /* vCPU fd, -1 when closed */
	struct kvm_run *run; /* the vCPU's shared kvm_run area, NULL when unmapped */
	size_t run_size;     /* its mapping size (KVM_GET_VCPU_MMAP_SIZE) */
	uint8_t *mem;	     /* guest memory, NULL when unmapped */
} vb_kvm_guest_t;

#define VB_KVM_GUEST_INIT                                                                          \
	{                                                                                          \
		.vm = -1, .vcpu = -1, .run = NULL, .run_size = 0, .mem = NULL                      \
	}

typedef struct vb_kvm_watchdog {
	int sig;		  /* the real-time signal used (SIGRTMAX - 2) */
	int have_act;		  /* old_act holds the handler to restore */
	int have_timer;		  /* timer exists */
	int have_mask;		  /* old_mask holds the mask to restore */
	timer_t timer;		  /* per-thread CLOCK_MONOTONIC timer */
	struct sigaction old_act; /* the handler before arming */
	sigset_t old_mask;	  /* the thread's mask before arming */
} vb_kvm_watchdog_t;

/*
 * Arm a timer that signals the calling thread in @ns and every 5 ms after;
 * from then on every KVM_RUN of an open guest returns at once and
 * vb_kvm_guest_run() reports the timeout.  0, or -1 with errno.  Call
 * vb_kvm_watchdog_disarm() in both cases: it deletes the timer, drops a
 * signal still pending and restores the old handler and signal mask.
 */
int vb_kvm_watchdog_arm(vb_kvm_watchdog_t *w, uint64_t ns);
void vb_kvm_watchdog_disarm(vb_kvm_watchdog_t *w);

/*
 * Create the VM on the /dev/kvm fd @kvm (kept open by the caller): memory,
 * vCPU, kvm_run mapping, and long-mode (@long_mode) or real-mode state with
 * the loop at its entry.  0, or -1 with @why naming the failed call; close
 * with vb_kvm_guest_close() in both cases (@g must start VB_KVM_GUEST_INIT).
 */
int vb_kvm_guest_open(int kvm, int long_mode, vb_kvm_guest_t *g, char *why, size_t len);

/* Unmap and close everything (safe on a partly opened or closed guest). */
void vb_kvm_guest_close(vb_kvm_guest_t *g);

/*
 * Run the loop @n (>= 1) times: KVM_RUN until the HLT exit.  0 with *ns the
 * time taken; 1 when the watchdog fired first (*ns: the time spent until
 * then); -1 with @why set when the guest stopped for another reason.
 */
int vb_kvm_guest_run(vb_kvm_guest_t *g, uint64_t n, uint64_t *ns, char *why, size_t len);

#endif
