/*
 * vm_kvmprobe.c - a KVM_RUN calibration loop that tells real hardware-assisted
 * KVM from a software imitation.
 *
 * A tiny guest (vm_kvmguest.c: 64-bit long mode, else 16-bit real mode) runs
 * "1: dec rcx; jnz 1b; hlt", timed from KVM_RUN to the KVM_EXIT_HLT exit,
 * against the same two instructions run natively (best of three).  Lengths
 * grow 10^4, 10^5, ... 10^7: the short runs estimate the guest's speed, so a
 * guest that is clearly too slow (over ten times the limit, after
 * subtracting the entry/exit cost of a 1-iteration run) is judged after
 * 10^4 iterations, and a longer run starts only when its projected time
 * fits in what is left of the budget.  A watchdog timer bounds the rest.
 */
#include "harness/env/vm_kvmprobe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "harness/env/vm_kvmguest.h"
#include "lib/util.h"

#define FIRST_ITERS  10000ULL
#define CLEAR_MARGIN 10.0 /* judge early when the ratio exceeds limit * this */

/* ---- host facts ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The loaded KVM vendor modules (/sys/module/kvm_*: "kvm_intel", "kvm_pvm"),
 * sorted and comma-separated; "kvm" when only the core is there, "none" when
 * not even that.
 */
static void kvm_modules(char *buf, size_t len)
{
	char names[8][64];
	const char *ptr[8] = {NULL};
	size_t n = 0;
	DIR *d = opendir("/sys/module");
	int core = 0;

	buf[0] = '\0';
	if (d) {
		const struct dirent *e;
		while ((e = readdir(d)) != NULL && n < VB_ARRAY_SIZE(names)) {
			if (strcmp(e->d_name, "kvm") == 0)
				core = 1;
			if (strncmp(e->d_name, "kvm_", 4) != 0)
				continue;
			snprintf(names[n], sizeof(names[n]), "%s", e->d_name);
			ptr[n] = names[n];
			n++;
		}
		closedir(d);
	}
	qsort(ptr, n, sizeof(ptr[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? "," : "", ptr[i]);
	}
	if (!buf[0])
		snprintf(buf, len, "%s", core ? "kvm" : "none");
}

static int has_word(const char *line, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = strstr(line, word); p; p = strstr(p + 1, word)) {
		int start = p == line || p[-1] == ' ' || p[-1] == '\t';
		int end = p[wl] == '\0' || p[wl] == ' ' || p[wl] == '\n';
		if (start && end)
			return 1;
	}
	return 0;
}

/* vmx/svm/hypervisor from the first "flags" line of /proc/cpuinfo. */
static void cpu_flags(vb_kvm_verdict_t *v)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		v->cpu_vmx = has_word(line, "vmx");
		v->cpu_svm = has_word(line, "svm");
		v->cpu_hypervisor = has_word(line, "hypervisor");
		break;
	}
	free(line);
	fclose(f);
}

/* The same two instructions natively. */
static __attribute__((noinline)) void native_loop(uint64_t n)
{
	__asm__ volatile("1:\n\tdec %0\n\tjnz 1b" : "+r"(n) : : "cc");
}

static uint64_t native_ns(uint64_t n)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < 3; i++) {
		uint64_t t0 = vb_now_ns(), t;
		native_loop(n);
		t = vb_now_ns() - t0;
		if (t < best)
			best = t;
	}
	return best ? best : 1;
}

/* ---- measurement ----------------------------------------------------------- */

static uint64_t left_ns(uint64_t deadline)
{
	uint64_t now = vb_now_ns();
	return now < deadline ? deadline - now : 0;
}

/*
 * Grow the loop until the verdict is clear, the full length is reached or
 * the next length would not fit in the budget.  0 with @v's figures set
 * (v->timed_out on the watchdog), -1 with @why when the guest failed.
 */
static int measure(vb_kvm_guest_t *pv, uint64_t deadline, vb_kvm_verdict_t *v, char *why,
		   size_t len)
{
	uint64_t entry = UINT64_MAX, g = 0, n = 1;
	int rc;

	for (int i = 0; i < 3; i++) { /* warm up; entry/exit cost of a 1-iteration run */
		rc = vb_kvm_guest_run(pv, n, &g, why, len);
		if (rc)
			goto stopped;
		if (g < entry)
			entry = g;
	}
	for (n = FIRST_ITERS;;) {
		uint64_t nat, next;
		double net, per_iter;

		rc = vb_kvm_guest_run(pv, n, &g, why, len);
		if (rc)
			goto stopped;
		/* the full length: repeat while it fits, keep the best */
		for (int i = 0; n >= VB_KVM_FINAL_ITERS && i < 2 && 3 * g < left_ns(deadline);
		     i++) {
			uint64_t again;
			if (vb_kvm_guest_run(pv, n, &again, why, len))
				break;
			if (again < g)
				g = again;
		}
		nat = native_ns(n);
		v->iterations = n;
		v->guest_ns = g;
		v->native_ns = nat;
		v->ratio = (double)g / (double)nat;
		net = g > entry ? (double)(g - entry) : 1.0;
		if (n >= VB_KVM_FINAL_ITERS || net / (double)nat > v->max_ratio * CLEAR_MARGIN)
			return 0;
		per_iter = net / (double)n;
		next = n * 10 > VB_KVM_FINAL_ITERS ? VB_KVM_FINAL_ITERS : n * 10;
		while (next > n &&
		       2.0 * (per_iter * (double)next + (double)entry) > (double)left_ns(deadline))
			next /= 10;
		if (next <= n)
			return 0;
		n = next;
	}
stopped:
	if (rc < 0)
		return -1;
	/* the watchdog: what was spent so far bounds the ratio from below */
	v->timed_out = 1;
	v->iterations = n;
	v->guest_ns = g;
	if (n >= FIRST_ITERS) { /* a 1-iteration run says nothing per iteration */
		v->native_ns = native_ns(n);
		v->ratio = (double)g / (double)v->native_ns;
	}
	return 0;
}

/* ---- verdict text ---------------------------------------------------------- */

void vb_kvm_format_ratio(double ratio, char *buf, size_t len)
{
	snprintf(buf, len, ratio >= 10.0 ? "%.0f" : "%.2f", ratio);
}

static void format_iters(uint64_t n, char *buf, size_t len)
{
	uint64_t p = 1;
	int k = 0;
	while (p < n && k < 19) {
		p *= 10;
		k++;
	}
	if (p == n && k > 0)
		snprintf(buf, len, "10^%d", k);
	else
		snprintf(buf, len, "%llu", (unsigned long long)n);
}

/* "(module kvm_pvm, no vmx/svm CPU flag)" */
static void host_suffix(const vb_kvm_verdict_t *v, char *buf, size_t len)
{
	const char *flag = v->cpu_vmx	? "vmx CPU flag"
			   : v->cpu_svm ? "svm CPU flag"
					: "no vmx/svm CPU flag";
	snprintf(buf, len, "(module %s, %s%s)", v->module, flag,
		 v->cpu_hypervisor ? ", host itself virtualized" : "");
}

static void finish_reason(vb_kvm_verdict_t *v, const char *failure)
{
	char host[160], it[32], ratio[32];

	host_suffix(v, host, sizeof(host));
	format_iters(v->iterations, it, sizeof(it));
	vb_kvm_format_ratio(v->ratio, ratio, sizeof(ratio));
	if (failure)
		snprintf(v->reason, sizeof(v->reason), "KVM is unavailable: %s %s", failure, host);
	else if (v->timed_out && v->ratio > 0)
		snprintf(v->reason, sizeof(v->reason),
			 "KVM is not hardware-accelerated here: a %s-iteration guest loop did not "
			 "finish in %d ms (at least %sx slower than natively in %s mode) %s",
			 it, v->timeout_ms, ratio, v->mode, host);
	else if (v->timed_out) /* still warming up: no per-iteration figure */
		snprintf(v->reason, sizeof(v->reason),
			 "KVM is not hardware-accelerated here: the calibration guest did not "
			 "finish in %d ms %s",
			 v->timeout_ms, host);
	else if (!v->accelerated)
		snprintf(v->reason, sizeof(v->reason),
			 "KVM is not hardware-accelerated here: a %s-iteration loop ran %sx slower "
			 "than natively in %s mode, above the %gx limit %s",
			 it, ratio, v->mode, v->max_ratio, host);
	else
		snprintf(
		    v->reason, sizeof(v->reason),
		    "KVM accelerates: a %s-iteration loop took %sx the native time in %s mode, "
		    "within the %gx limit %s",
		    it, ratio, v->mode, v->max_ratio, host);
}

/* ---- entry point ------------------------------------------------------------- */

/* Set up a guest in @lm mode and measure; -1 with @why when it did not run. */
static int probe_mode(int kvm, int lm, uint64_t deadline, vb_kvm_verdict_t *v, char *why,
		      size_t len)
{
	vb_kvm_guest_t pv = VB_KVM_GUEST_INIT;
	int rc = vb_kvm_guest_open(kvm, lm, &pv, why, len);

	if (rc == 0) {
		snprintf(v->mode, sizeof(v->mode), "%s", lm ? "long" : "real");
		rc = measure(&pv, deadline, v, why, len);
	}
	vb_kvm_guest_close(&pv);
	return rc;
}

static int run_probe(int kvm, uint64_t deadline, vb_kvm_verdict_t *v, char *why, size_t len)
{
	char long_why[200] = "";

	if (probe_mode(kvm, 1, deadline, v, long_why, sizeof(long_why)) == 0)
		return 0;
	snprintf(v->note, sizeof(v->note), "64-bit long mode failed: %s", long_why);
	v->mode[0] = '\0';
	v->timed_out = 0;
	v->iterations = v->guest_ns = v->native_ns = 0;
	v->ratio = 0;
	if (probe_mode(kvm, 0, deadline, v, why, len) == 0)
		return 0;
	v->mode[0] = '\0';
	return -1;
}

int vb_kvm_probe(double max_ratio, int timeout_ms, vb_kvm_verdict_t *v, vb_error_t *err)
{
	uint64_t t0 = vb_now_ns(), deadline;
	char why[300] = "", failure[400] = "";
	vb_kvm_watchdog_t wd;
	int kvm;

	if (!v)
		return vb_error_set(err, VB_EUSAGE, 0, "kvm probe: no verdict to fill");
	memset(v, 0, sizeof(*v));
	if (!(max_ratio > 0.0) || timeout_ms <= 0)
		return vb_error_set(
		    err, VB_EUSAGE, 0,
		    "kvm probe: max_ratio (%g) and timeout_ms (%d) must be positive", max_ratio,
		    timeout_ms);
	v->max_ratio = max_ratio;
	v->timeout_ms = timeout_ms;
	deadline = t0 + (uint64_t)timeout_ms * 1000000ULL;
	kvm_modules(v->module, sizeof(v->module));
	cpu_flags(v);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		snprintf(failure, sizeof(failure), "cannot open /dev/kvm: %s%s", strerror(errno),
			 errno == EACCES ? " (not in the kvm group?)" : "");
		goto out;
	}
	v->api_version = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (v->api_version != KVM_API_VERSION) {
		snprintf(failure, sizeof(failure), "/dev/kvm API version %d, expected %d",
			 v->api_version, KVM_API_VERSION);
		goto out_close;
	}
	if (vb_kvm_watchdog_arm(&wd, left_ns(deadline)) < 0) {
		snprintf(failure, sizeof(failure), "cannot arm the probe's watchdog timer: %s",
			 strerror(errno));
		vb_kvm_watchdog_disarm(&wd);
		goto out_close;
	}
	if (run_probe(kvm, deadline, v, why, sizeof(why)) < 0)
		snprintf(failure, sizeof(failure),
			 "the calibration guest did not run in real mode (%s); %s", why, v->note);
	else
		v->device = 1;
	vb_kvm_watchdog_disarm(&wd);
out_close:
	close(kvm);
out:
	v->accelerated = !failure[0] && !v->timed_out && v->ratio > 0 && v->ratio <= max_ratio;
	v->elapsed_ns = vb_now_ns() - t0;
	finish_reason(v, failure[0] ? failure : NULL);
	return 0;
}

json_t *vb_kvm_verdict_to_json(const vb_kvm_verdict_t *v)
{
	json_t *o = json_object();

	json_object_set_new(o, "accelerated", json_boolean(v->accelerated));
	json_object_set_new(o, "device_usable", json_boolean(v->device));
	json_object_set_new(o, "timed_out", json_boolean(v->timed_out));
	json_object_set_new(o, "api_version", json_integer(v->api_version));
	json_object_set_new(o, "mode", v->mode[0] ? json_string(v->mode) : json_null());
	if (v->note[0])
		json_object_set_new(o, "note", json_string(v->note));
	json_object_set_new(o, "iterations", json_integer((json_int_t)v->iterations));
	json_object_set_new(o, "native_ns", json_integer((json_int_t)v->native_ns));
	json_object_set_new(o, "guest_ns", json_integer((json_int_t)v->guest_ns));
	json_object_set_new(o, "ratio", v->ratio > 0 ? json_real(v->ratio) : json_null());
	json_object_set_new(o, "max_ratio", json_real(v->max_ratio));
	json_object_set_new(o, "elapsed_ns", json_integer((json_int_t)v->elapsed_ns));
	json_object_set_new(o, "timeout_ms", json_integer(v->timeout_ms));
	json_object_set_new(o, "modules", json_string(v->module));
	json_object_set_new(o, "cpu_vmx", json_boolean(v->cpu_vmx));
	json_object_set_new(o, "cpu_svm", json_boolean(v->cpu_svm));
	json_object_set_new(o, "cpu_hypervisor", json_boolean(v->cpu_hypervisor));
	json_object_set_new(o, "reason", json_string(v->reason));
	return o;
}
