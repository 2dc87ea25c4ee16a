/*
 * vm_kvmguest.c - the KVM probe's calibration guest and its watchdog.
 *
 * The guest: one VM, 2 MiB of memory at guest-physical 0, one vCPU.  Long
 * mode uses an identity-mapped 2 MiB page (PML4 -> PDPT -> PD with PS set),
 * CR0.PG|PE, CR4.PAE, EFER.LME|LMA, flat segments with the L bit on CS, and
 * the CPUID KVM supports (EFER.LME needs CPUID.LM).  Real mode is the reset
 * state with CS moved to segment 0.  The iteration count goes in RCX through
 * KVM_SET_REGS, so nothing in guest memory changes between runs.
 *
 * The watchdog: a per-thread POSIX timer (SIGEV_THREAD_ID) delivers a
 * real-time signal at the deadline and every 5 ms after it.  Its handler
 * sets kvm_run->immediate_exit, so KVM_RUN returns EINTR even when the
 * signal lands just before the ioctl is entered, and the repeats cover the
 * window where the run loop clears that flag.
 */
#include "harness/env/vm_kvmguest.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/util.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define GUEST_MEM      (2u << 20) /* one 2 MiB identity-mapped page */
#define PML4_ADDR      0x1000u
#define PDPT_ADDR      0x2000u
#define PD_ADDR	       0x3000u
#define CODE_ADDR      0x8000u	   /* below 64 KiB so real mode reaches it */
#define TSS_ADDR       0xfffbd000u /* as kvmtool: needed by VMX without unrestricted guest */
#define WD_INTERVAL_NS 5000000L

/* ---- watchdog ------------------------------------------------------------- */

static struct kvm_run *volatile wd_run; /* the vCPU the handler kicks out */
static volatile sig_atomic_t wd_fired;	/* the deadline has passed */

static void wd_handler(int sig)
{
	struct kvm_run *r = wd_run;
	(void)sig;
	wd_fired = 1;
	if (r)
		r->immediate_exit = 1;
}

int vb_kvm_watchdog_arm(vb_kvm_watchdog_t *w, uint64_t ns)
{
	struct sigaction sa;
	struct sigevent sev;
	struct itimerspec its;
	sigset_t set;

	memset(w, 0, sizeof(*w));
	w->sig = SIGRTMAX - 2;
	wd_fired = 0;
	wd_run = NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wd_handler;
	sa.sa_flags = SA_RESTART; /* KVM_RUN returns EINTR regardless */
	sigemptyset(&sa.sa_mask);
	if (sigaction(w->sig, &sa, &w->old_act) < 0)
		return -1;
	w->have_act = 1;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = w->sig;
	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &w->timer) < 0)
		return -1;
	w->have_timer = 1;
	sigemptyset(&set);
	sigaddset(&set, w->sig);
	if (pthread_sigmask(SIG_UNBLOCK, &set, &w->old_mask) != 0)
		return -1;
	w->have_mask = 1;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(ns / 1000000000ULL);
	its.it_value.tv_nsec = (long)(ns % 1000000000ULL);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	its.it_interval.tv_nsec = WD_INTERVAL_NS;
	return timer_settime(w->timer, 0, &its, NULL);
}

void vb_kvm_watchdog_disarm(vb_kvm_watchdog_t *w)
{
	sigset_t set, prev;
	struct timespec zero = {0, 0};

	wd_run = NULL;
	if (!w->have_act)
		return;
	sigemptyset(&set);
	sigaddset(&set, w->sig);
	pthread_sigmask(SIG_BLOCK, &set, &prev);
	if (w->have_timer)
		timer_delete(w->timer);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
	sigaction(w->sig, &w->old_act, NULL);
	pthread_sigmask(SIG_SETMASK, w->have_mask ? &w->old_mask : &prev, NULL);
}

/* ---- the guest ------------------------------------------------------------ */

static const uint8_t code_long[] = {0x48, 0xff, 0xc9, /* dec rcx */
				    0x75, 0xfb,	      /* jnz -5 */
				    0xf4};	      /* hlt */
static const uint8_t code_real[] = {0x66, 0x49,	      /* dec ecx */
				    0x75, 0xfc,	      /* jnz -4 */
				    0xf4};	      /* hlt */

/* Describe the failed call @what with errno into @why; returns -1. */
static int fail(char *why, size_t len, const char *what)
{
	snprintf(why, len, "%s: %s", what, strerror(errno));
	return -1;
}

void vb_kvm_guest_close(vb_kvm_guest_t *g)
{
	if (wd_run == g->run)
		wd_run = NULL; /* before the unmap: the handler writes through it */
	if (g->run)
		munmap(g->run, g->run_size);
	if (g->vcpu >= 0)
		close(g->vcpu);
	if (g->mem)
		munmap(g->mem, GUEST_MEM);
	if (g->vm >= 0)
		close(g->vm);
	g->run = NULL;
	g->mem = NULL;
	g->vcpu = g->vm = -1;
}

/* Give the vCPU everything KVM supports (long mode needs CPUID.LM). */
static int set_cpuid(int kvm, int vcpu)
{
	for (unsigned nent = 128; nent <= 1024; nent *= 2) {
		struct kvm_cpuid2 *c =
		    calloc(1, sizeof(*c) + nent * sizeof(struct kvm_cpuid_entry2));
		int rc, e;
		if (!c)
			return -1;
		c->nent = nent;
		rc = ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c);
		if (rc == 0)
			rc = ioctl(vcpu, KVM_SET_CPUID2, c);
		e = errno;
		free(c);
		if (rc == 0 || e != E2BIG) {
			errno = e;
			return rc;
		}
	}
	errno = E2BIG;
	return -1;
}

static void flat_segment(struct kvm_segment *s, unsigned sel, unsigned type, int code)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffffu;
	s->selector = (uint16_t)sel;
	s->type = (uint8_t)type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = (uint8_t)(code ? 1 : 0);
	s->db = (uint8_t)(code ? 0 : 1);
}

/* Page tables, control registers and segments for 64-bit long mode. */
static int setup_long(int kvm, vb_kvm_guest_t *g, char *why, size_t len)
{
	struct kvm_sregs sr;
	uint64_t *pml4 = (uint64_t *)(void *)(g->mem + PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(void *)(g->mem + PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(void *)(g->mem + PD_ADDR);

	if (set_cpuid(kvm, g->vcpu) < 0)
		return fail(why, len, "KVM_SET_CPUID2");
	pml4[0] = PDPT_ADDR | 0x3; /* present, writable */
	pdpt[0] = PD_ADDR | 0x3;
	pd[0] = 0x0 | 0x83; /* present, writable, 2 MiB page at 0 */
	if (ioctl(g->vcpu, KVM_GET_SREGS, &sr) < 0)
		return fail(why, len, "KVM_GET_SREGS");
	sr.cr3 = PML4_ADDR;
	sr.cr4 = 1u << 5;		  /* PAE */
	sr.cr0 = 0x80050033u;		  /* PG AM WP NE ET MP PE */
	sr.efer = (1u << 8) | (1u << 10); /* LME, LMA */
	flat_segment(&sr.cs, 0x8, 0xb, 1);
	flat_segment(&sr.ds, 0x10, 0x3, 0);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	if (ioctl(g->vcpu, KVM_SET_SREGS, &sr) < 0)
		return fail(why, len, "KVM_SET_SREGS (long mode)");
	memcpy(g->mem + CODE_ADDR, code_long, sizeof(code_long));
	return 0;
}

/* Real mode: the reset state with CS moved to segment 0. */
static int setup_real(vb_kvm_guest_t *g, char *why, size_t len)
{
	struct kvm_sregs sr;

	if (ioctl(g->vcpu, KVM_GET_SREGS, &sr) < 0)
		return fail(why, len, "KVM_GET_SREGS");
	sr.cs.base = 0;
	sr.cs.selector = 0;
	if (ioctl(g->vcpu, KVM_SET_SREGS, &sr) < 0)
		return fail(why, len, "KVM_SET_SREGS (real mode)");
	memcpy(g->mem + CODE_ADDR, code_real, sizeof(code_real));
	return 0;
}

/* Create VM, memory, vCPU and its run area, in long or real mode. */
int vb_kvm_guest_open(int kvm, int long_mode, vb_kvm_guest_t *g, char *why, size_t len)
{
	struct kvm_userspace_memory_region region;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, sz;

	g->vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (g->vm < 0)
		return fail(why, len, "KVM_CREATE_VM");
	(void)ioctl(g->vm, KVM_SET_TSS_ADDR, (unsigned long)TSS_ADDR);
	/* cppcheck-suppress invalidFunctionArg ; fd -1 is right for MAP_ANONYMOUS */
	g->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		snprintf(why, len, "mmap guest memory: %s", strerror(errno));
		return -1;
	}
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = GUEST_MEM;
	region.userspace_addr = (uint64_t)(uintptr_t)g->mem;
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail(why, len, "KVM_SET_USER_MEMORY_REGION");
	g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
	if (g->vcpu < 0)
		return fail(why, len, "KVM_CREATE_VCPU");
	sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz <= 0) {
		snprintf(why, len, "KVM_GET_VCPU_MMAP_SIZE: %s", sz < 0 ? strerror(errno) : "0");
		return -1;
	}
	g->run = mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
	if (g->run == MAP_FAILED) {
		g->run = NULL;
		snprintf(why, len, "mmap kvm_run: %s", strerror(errno));
		return -1;
	}
	g->run_size = (size_t)sz;
	wd_run = g->run;
	return long_mode ? setup_long(kvm, g, why, len) : setup_real(g, why, len);
}

int vb_kvm_guest_run(vb_kvm_guest_t *g, uint64_t n, uint64_t *ns, char *why, size_t len)
{
	struct kvm_regs r;
	uint64_t t0;

	memset(&r, 0, sizeof(r));
	r.rip = CODE_ADDR;
	r.rcx = n;
	r.rsp = GUEST_MEM - 16;
	r.rflags = 0x2;
	if (ioctl(g->vcpu, KVM_SET_REGS, &r) < 0)
		return fail(why, len, "KVM_SET_REGS");
	t0 = vb_now_ns();
	for (;;) {
		if (wd_fired) {
			*ns = vb_now_ns() - t0;
			return 1;
		}
		g->run->immediate_exit = 0; /* a late signal re-arms it: timer repeats */
		if (ioctl(g->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(why, len, "KVM_RUN: %s", strerror(errno));
			return -1;
		}
		if (g->run->exit_reason == KVM_EXIT_HLT)
			break;
		if (g->run->exit_reason == KVM_EXIT_INTR)
			continue;
		snprintf(why, len, "guest stopped with KVM exit reason %u instead of HLT",
			 g->run->exit_reason);
		return -1;
	}
	*ns = vb_now_ns() - t0;
	return 0;
}
