/*
 * check_vm_kvmprobe.c - the KVM acceleration probe (harness/env/vm_kvmprobe.c,
 * with the guest it runs, vm_kvmguest.c).
 *
 * The probe must give a definite verdict with its figure within its budget
 * on any host: here (/dev/kvm is kvm_pvm, no vmx/svm flag) "not
 * accelerated" with a ratio far above 3, on a host without /dev/kvm the
 * open error (also forced by hiding /dev in a private mount namespace), and
 * with a tiny budget the watchdog's "did not finish".  It must leave no fd,
 * mapping or signal handler behind.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/vm_kvmprobe.h"
#include "lib/util.h"
#include "tests/tests.h"

/* ---- helpers ----------------------------------------------------------------- */

/* Entries in /proc/self/fd and kvm mappings in /proc/self/maps. */
static int count_fds(void)
{
	int n = 0;
	char path[64];
	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

static int kvm_mappings(void)
{
	vb_error_t err;
	char *maps = vb_read_file("/proc/self/maps", 16 << 20, 0, &err);
	int n = 0;
	ck_assert_ptr_nonnull(maps);
	for (const char *p = strstr(maps, "kvm"); p; p = strstr(p + 1, "kvm"))
		n++;
	free(maps);
	return n;
}

static int no_hw_virt(const vb_kvm_verdict_t *v)
{
	return !v->cpu_vmx && !v->cpu_svm;
}

static void assert_reason_has_ratio(const vb_kvm_verdict_t *v)
{
	char r[32];
	vb_kvm_format_ratio(v->ratio, r, sizeof(r));
	ck_assert_msg(strstr(v->reason, r) != NULL, "ratio %s not in reason: %s", r, v->reason);
}

/* ---- the probe ------------------------------------------------------------------ */

START_TEST(test_probe_verdict)
{
	vb_kvm_verdict_t v;
	vb_error_t err;
	int fds = count_fds(), maps = kvm_mappings();
	struct sigaction sa;
	uint64_t t0 = vb_now_ns(), ms;

	ck_assert_int_eq(vb_kvm_probe(VB_KVM_MAX_RATIO, VB_KVM_TIMEOUT_MS, &v, &err), 0);
	ms = (vb_now_ns() - t0) / 1000000;
	fprintf(stderr, "kvm probe (%llu ms): %s\n", (unsigned long long)ms, v.reason);
	ck_assert_uint_lt(ms, VB_KVM_TIMEOUT_MS + 500);
	ck_assert(v.reason[0] != '\0');
	ck_assert_int_eq(count_fds(), fds);
	ck_assert_int_eq(kvm_mappings(), maps);
	ck_assert_int_eq(sigaction(SIGRTMAX - 2, NULL, &sa), 0);
	ck_assert_ptr_eq((void *)sa.sa_handler, (void *)SIG_DFL);
	if (!v.device) {
		ck_assert_int_eq(v.accelerated, 0);
		ck_assert_msg(strstr(v.reason, "/dev/kvm") || strstr(v.reason, "did not run"), "%s",
			      v.reason);
		return;
	}
	ck_assert(strcmp(v.mode, "long") == 0 || strcmp(v.mode, "real") == 0);
	ck_assert_uint_gt(v.iterations, 0);
	ck_assert(v.ratio > 0);
	assert_reason_has_ratio(&v);
	if (no_hw_virt(&v)) { /* a software KVM such as kvm_pvm */
		ck_assert_int_eq(v.accelerated, 0);
		ck_assert(v.ratio > VB_KVM_MAX_RATIO);
		ck_assert(strstr(v.reason, "not hardware-accelerated") != NULL);
	}
	ck_assert_int_eq(v.accelerated, !v.timed_out && v.ratio <= VB_KVM_MAX_RATIO);
}
END_TEST

START_TEST(test_probe_impossible_limit)
{
	vb_kvm_verdict_t v;
	vb_error_t err;
	uint64_t t0 = vb_now_ns(), ms;

	ck_assert_int_eq(vb_kvm_probe(1e9, VB_KVM_TIMEOUT_MS, &v, &err), 0);
	ms = (vb_now_ns() - t0) / 1000000;
	fprintf(stderr, "kvm probe, limit 1e9 (%llu ms): %s\n", (unsigned long long)ms, v.reason);
	ck_assert_uint_lt(ms, VB_KVM_TIMEOUT_MS + 500);
	ck_assert(v.reason[0] != '\0');
	if (v.device) {
		ck_assert(v.ratio > 0);
		assert_reason_has_ratio(&v);
	}
}
END_TEST

START_TEST(test_probe_watchdog)
{
	vb_kvm_verdict_t v;
	vb_error_t err;
	uint64_t t0 = vb_now_ns(), ms;

	ck_assert_int_eq(vb_kvm_probe(VB_KVM_MAX_RATIO, 5, &v, &err), 0);
	ms = (vb_now_ns() - t0) / 1000000;
	fprintf(stderr, "kvm probe, 5 ms budget (%llu ms): %s\n", (unsigned long long)ms, v.reason);
	ck_assert_uint_lt(ms, 500);
	ck_assert(v.reason[0] != '\0');
	if (v.device && no_hw_virt(&v)) { /* 10^4 iterations take ~15 ms here */
		ck_assert_int_eq(v.timed_out, 1);
		ck_assert_int_eq(v.accelerated, 0);
		ck_assert(strstr(v.reason, "did not finish in 5 ms") != NULL);
		if (v.ratio > 0)
			assert_reason_has_ratio(&v);
	}
	/* the watchdog is gone: a second probe works normally */
	ck_assert_int_eq(vb_kvm_probe(VB_KVM_MAX_RATIO, VB_KVM_TIMEOUT_MS, &v, &err), 0);
	if (v.device && no_hw_virt(&v))
		ck_assert_int_eq(v.timed_out, 0);
}
END_TEST

START_TEST(test_probe_no_device)
{
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) { /* hide /dev behind a tmpfs in a private mount namespace */
		vb_kvm_verdict_t v;
		vb_error_t err;
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("none", "/dev", "tmpfs", 0, NULL) < 0)
			_exit(77);
		if (vb_kvm_probe(VB_KVM_MAX_RATIO, VB_KVM_TIMEOUT_MS, &v, &err) < 0)
			_exit(1);
		fprintf(stderr, "kvm probe without /dev/kvm: %s\n", v.reason);
		_exit(v.device || v.accelerated					? 2
		      : !strstr(v.reason, "cannot open /dev/kvm: No such file") ? 3
										: 0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		VB_SKIP("no private mount namespace here");
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(test_probe_bad_args_and_json)
{
	vb_kvm_verdict_t v;
	vb_error_t err;
	json_t *j;

	ck_assert_int_eq(vb_kvm_probe(0, 5000, &v, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_int_eq(vb_kvm_probe(3, 0, &v, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_int_eq(vb_kvm_probe(3, 5000, &v, &err), 0);
	j = vb_kvm_verdict_to_json(&v);
	ck_assert(json_is_boolean(json_object_get(j, "accelerated")));
	ck_assert_str_eq(json_string_value(json_object_get(j, "reason")), v.reason);
	ck_assert_str_eq(json_string_value(json_object_get(j, "modules")), v.module);
	if (v.device)
		ck_assert(json_is_real(json_object_get(j, "ratio")));
	json_decref(j);
}
END_TEST

Suite *vb_suite_vm_kvmprobe(void)
{
	Suite *s = suite_create("vm_kvmprobe");
	TCase *probe = tcase_create("probe");

	tcase_add_test(probe, test_probe_verdict);
	tcase_add_test(probe, test_probe_impossible_limit);
	tcase_add_test(probe, test_probe_watchdog);
	tcase_add_test(probe, test_probe_no_device);
	tcase_add_test(probe, test_probe_bad_args_and_json);
	tcase_set_timeout(probe, 30);
	suite_add_tcase(s, probe);
	return s;
}
