/*
 * kvmprobe.h - does /dev/kvm really accelerate a guest?
 *
 * A /dev/kvm that opens and creates VMs is not proof of hardware-assisted
 * virtualization: on the machines vbench is developed on it is kvm_pvm, a
 * software hypervisor that emulates an ordinary guest ~3000x slower than
 * native (docs: machine-facts.md).  Booting a Linux guest there never
 * finishes, so the kvm environment first runs this calibration: a tiny guest
 * (64-bit long mode, falling back to 16-bit real mode) executes a dec/jnz
 * countdown loop straight through KVM_RUN, timed against the same loop run
 * natively.  The verdict comes within a caller-given time budget, enforced by
 * a per-thread timer signal that makes KVM_RUN return EINTR.
 *
 * Must not: boot a Linux guest, print, or take longer than the budget it is
 * given.
 */
#ifndef VB_KVMPROBE_H
#define VB_KVMPROBE_H

#include <jansson.h>
#include <stdint.h>

#include "lib/error.h"

#define VB_KVM_MAX_RATIO   3.0	       /* the kvm environment's acceptance limit */
#define VB_KVM_TIMEOUT_MS  5000	       /* the kvm environment's verdict budget */
#define VB_KVM_FINAL_ITERS 10000000ULL /* loop length of a full measurement */

typedef struct vb_kvm_verdict {
	int device;	     /* 1 when /dev/kvm opened and a guest could be set up */
	int accelerated;     /* 1 when the guest loop ran within max_ratio of native */
	int timed_out;	     /* 1 when a guest loop did not finish within the budget */
	int api_version;     /* KVM_GET_API_VERSION (12), 0 when not reached */
	char mode[8];	     /* CPU mode that ran the loop: "long", "real", "" */
	char note[256];	     /* "64-bit long mode failed: why" when real mode ran */
	uint64_t iterations; /* loop length of the decisive measurement */
	uint64_t native_ns;  /* native time for @iterations (best of 3) */
	uint64_t guest_ns;   /* KVM_RUN until the HLT exit for @iterations */
	double ratio;	     /* guest_ns / native_ns; 0 when not measured */
	double max_ratio;    /* the limit the verdict was taken against */
	uint64_t elapsed_ns; /* wall time of the whole probe */
	int timeout_ms;	     /* the budget it had */
	char module[96];     /* /sys/module/kvm_* entries ("kvm_pvm"), "kvm", "none" */
	int cpu_vmx;	     /* /proc/cpuinfo has the vmx flag (Intel VT-x) */
	int cpu_svm;	     /* /proc/cpuinfo has the svm flag (AMD-V) */
	int cpu_hypervisor;  /* the host itself runs under a hypervisor */
	char reason[640];    /* one line: the verdict and its figure */
} vb_kvm_verdict_t;

/*
 * Decide whether KVM accelerates here: accelerated when the guest loop took
 * at most @max_ratio times the native time.  The whole probe takes at most
 * about @timeout_ms.  Every outcome the host can cause (no /dev/kvm,
 * EACCES, a failing ioctl, a guest that is too slow or never finishes) is a
 * definite verdict: the function returns 0 with @v filled and v->reason
 * explaining it.  Returns -1 with @err set (VB_EUSAGE) only for bad
 * arguments (max_ratio <= 0, timeout_ms <= 0).  Every fd and mapping is
 * released before it returns.  Uses a real-time signal for its watchdog
 * (restored afterwards); not reentrant, call from one thread at a time.
 */
int vb_kvm_probe(double max_ratio, int timeout_ms, vb_kvm_verdict_t *v, vb_error_t *err);

/* The verdict as a JSON object (new reference), for run.json. */
json_t *vb_kvm_verdict_to_json(const vb_kvm_verdict_t *v);

/*
 * Format a ratio the way the reason text does: "%.0f" from 10 up, "%.2f"
 * below (so tests and reports can find the figure in the reason).
 */
void vb_kvm_format_ratio(double ratio, char *buf, size_t len);

#endif
