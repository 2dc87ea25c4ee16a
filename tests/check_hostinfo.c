/*
 * check_hostinfo.c - tests of the hostinfo module.
 *
 * The facts are checked against independent views of the same machine:
 * uname(2) for the kernel, /proc/cpuinfo's "hypervisor" flag for the
 * virtualization bit, statfs for the scratch directory.  Cache sizes must be
 * plausible whatever source gave them.  Facts that are absent here (a
 * container without /sys) may be null but the keys must be there.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lib/hostinfo.h"
#include "lib/util.h"
#include "tests/tests.h"

START_TEST(test_caches)
{
	vb_caches_t c;

	vb_hostinfo_caches(&c);
	ck_assert_uint_gt(c.l1d, 0);
	ck_assert_uint_gt(c.l2, 0);
	ck_assert_uint_ge(c.l1d, 4096);
	ck_assert_uint_le(c.l1d, 4u << 20);
	ck_assert_uint_ge(c.l2, c.l1d);
	ck_assert_uint_ge(c.line, 32);
	ck_assert_uint_le(c.line, 256);
	ck_assert(c.source[0]);
	ck_assert(!strcmp(c.source, "libcpuid") || !strcmp(c.source, "sysfs") ||
		  !strcmp(c.source, "default"));
}
END_TEST

START_TEST(test_memory_ncpus)
{
	uint64_t total = 0, avail = 0;
	vb_error_t err;

	ck_assert_int_eq(vb_hostinfo_memory(&total, &avail, &err), 0);
	ck_assert_uint_gt(total, 16u << 20);
	ck_assert_uint_le(avail, total);
	ck_assert_uint_ge(vb_hostinfo_ncpus(), 1);
}
END_TEST

/* Steal and run-queue time of CPUs: this process's CPUs by default, a CPU
 * the kernel does not list is no answer, and the clock does not go back. */
START_TEST(test_cputime)
{
	long long a = vb_hostinfo_cputime_ns(VB_CPUTIME_STEAL, 0), b;

	ck_assert_int_ge(a, 0); /* /proc/stat lists every CPU */
	if (sysconf(_SC_NPROCESSORS_CONF) < 64)
		ck_assert_int_eq(vb_hostinfo_cputime_ns(VB_CPUTIME_STEAL, 1ull << 63), -1);
	b = vb_hostinfo_cputime_ns(VB_CPUTIME_STEAL, 0);
	ck_assert_int_ge(b, a);
	/* schedstats: a number where the kernel has them, else -1 */
	a = vb_hostinfo_cputime_ns(VB_CPUTIME_RUNQ, 0);
	ck_assert_int_eq(a >= 0, access("/proc/schedstat", R_OK) == 0);
}
END_TEST

/* Whether /proc/cpuinfo's first "flags" line has "hypervisor"; -1 if unreadable. */
static int cpuinfo_hypervisor(void)
{
	char *ci = vb_read_file("/proc/cpuinfo", 4 << 20, 0, NULL);
	char *p, *e;
	int found;

	if (!ci)
		return -1;
	p = strstr(ci, "\nflags");
	if (!p) {
		free(ci);
		return -1;
	}
	e = strchr(p + 1, '\n');
	if (e)
		*e = '\0';
	found = strstr(p, " hypervisor ") || (strlen(p) >= 11 && !strcmp(p + strlen(p) - 11, " hypervisor"));
	free(ci);
	return found;
}

/* Under `make valgrind`: valgrind answers CPUID itself, without the
 * hypervisor bit, so the CPU's answer cannot be compared with the kernel's. */
static int under_valgrind(void)
{
	return getenv("VBENCH_VALGRIND") != NULL;
}

START_TEST(test_hypervisor)
{
	char v[32];
	int bit = vb_hostinfo_hypervisor(v, sizeof(v));
	int proc = cpuinfo_hypervisor();

	ck_assert(bit == 0 || bit == 1);
	if (proc >= 0 && !under_valgrind())
		ck_assert_int_eq(bit, proc);
	if (!bit)
		ck_assert_str_eq(v, "");
	vb_hostinfo_hypervisor(NULL, 0); /* no buffer is fine */
}
END_TEST

START_TEST(test_collect)
{
	json_t *j = vb_hostinfo_collect(NULL), *cpu, *caches, *k, *flags;
	struct utsname u;
	const char *rel;
	int proc = cpuinfo_hypervisor();
	char v[32];

	ck_assert(json_is_object(j));
	cpu = json_object_get(j, "cpu");
	ck_assert(json_is_object(cpu));
	ck_assert(json_is_string(json_object_get(cpu, "vendor")));
	ck_assert(json_string_length(json_object_get(cpu, "vendor")) > 0);
	ck_assert(json_object_get(cpu, "brand"));
	caches = json_object_get(cpu, "caches");
	ck_assert(json_is_object(caches));
	ck_assert(json_integer_value(json_object_get(caches, "l1d_bytes")) > 0);
	ck_assert(json_integer_value(json_object_get(caches, "line_bytes")) >= 32);
	ck_assert(json_is_string(json_object_get(caches, "source")));
	flags = json_object_get(cpu, "flags");
	ck_assert(json_is_array(flags) || json_is_null(flags));
	ck_assert(json_is_boolean(json_object_get(cpu, "hypervisor_bit")));

	ck_assert_int_eq(uname(&u), 0);
	k = json_object_get(j, "kernel");
	rel = json_string_value(json_object_get(k, "release"));
	ck_assert_ptr_nonnull(rel);
	ck_assert_str_eq(rel, u.release);
	ck_assert_str_eq(json_string_value(json_object_get(k, "machine")), u.machine);

	ck_assert(json_is_boolean(json_object_get(j, "virtualized")));
	if (proc >= 0 && !under_valgrind())
		ck_assert_int_eq(json_is_true(json_object_get(j, "virtualized")), proc);
	vb_hostinfo_hypervisor(v, sizeof(v));
	ck_assert_str_eq(json_string_value(json_object_get(j, "hypervisor_vendor")), v);

	ck_assert(json_object_get(j, "mitigations"));
	ck_assert(json_is_object(json_object_get(j, "thp")));
	ck_assert(json_object_get(j, "clocksource"));
	ck_assert(json_is_object(json_object_get(j, "memory")));
	ck_assert(json_integer_value(json_object_get(j, "ncpus")) >= 1);
	ck_assert_str_eq(json_string_value(json_object_get(j, "isa")), VB_ISA);
	ck_assert_ptr_null(json_object_get(j, "scratch"));
	json_decref(j);
}
END_TEST

/* On this machine class the selected THP value is one of the bracketed words. */
START_TEST(test_thp_selected)
{
	json_t *j = vb_hostinfo_collect(NULL), *thp = json_object_get(j, "thp");
	const char *sel = json_string_value(json_object_get(thp, "enabled"));
	const char *raw = json_string_value(json_object_get(thp, "enabled_raw"));
	char want[80];

	if (!raw) {
		json_decref(j);
		VB_SKIP("no transparent_hugepage in /sys");
	}
	ck_assert_ptr_nonnull(sel);
	snprintf(want, sizeof(want), "[%s]", sel);
	ck_assert_msg(strstr(raw, want), "selected %s, raw %s", sel, raw);
	json_decref(j);
}
END_TEST

static json_t *scratch_of(const char *dir)
{
	json_t *j = vb_hostinfo_collect(dir), *s = json_incref(json_object_get(j, "scratch"));

	json_decref(j);
	return s;
}

START_TEST(test_scratch)
{
	json_t *s = scratch_of("/var/tmp");
	const char *fs;

	ck_assert(json_is_object(s));
	ck_assert_str_eq(json_string_value(json_object_get(s, "path")), "/var/tmp");
	fs = json_string_value(json_object_get(s, "fstype"));
	ck_assert_ptr_nonnull(fs);
	ck_assert_str_ne(fs, "tmpfs"); /* ext4 on virtio on this machine class */
	ck_assert(json_is_false(json_object_get(s, "ram")));
	json_decref(s);

	s = scratch_of("/dev/shm");
	ck_assert(json_is_true(json_object_get(s, "ram")));
	json_decref(s);

	s = scratch_of("/nonexistent/vbench-dir");
	ck_assert(json_is_object(s));
	ck_assert(json_is_null(json_object_get(s, "fstype")));
	json_decref(s);
}
END_TEST

Suite *vb_suite_hostinfo(void)
{
	Suite *s = suite_create("hostinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_caches);
	tcase_add_test(tc, test_memory_ncpus);
	tcase_add_test(tc, test_cputime);
	tcase_add_test(tc, test_hypervisor);
	tcase_add_test(tc, test_collect);
	tcase_add_test(tc, test_thp_selected);
	tcase_add_test(tc, test_scratch);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
