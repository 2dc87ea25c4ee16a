/*
 * check_cgroup.c - CPU lists and the vbench cgroup on v1 and v2 hosts.
 *
 * CPU lists round-trip, malformed ones are refused, and pinning to one
 * changes the affinity (restored after).  The cgroup tests need root and a
 * usable cgroup filesystem (skipped with the reason otherwise) and accept
 * either layout: a created cgroup must carry the requested limits in its
 * files, take a child, report the CPU time the child burned, and on
 * destroy kill the child and remove every directory.
 *
 * Cgroups are named "vbench-test-<runner pid>-<what>"; an unchecked
 * fixture (run by the runner, outside the forked tests) removes any left
 * over when an assertion ended a test early, and children die with the
 * test through PR_SET_PDEATHSIG.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/core/cgroup.h"
#include "harness/core/undo.h"
#include "lib/util.h"
#include "tests/tests.h"

#define CG_ROOT "/sys/fs/cgroup"

/* ---- CPU lists ------------------------------------------------------------ */

START_TEST(test_cpulist_parse)
{
	static const struct {
		const char *s;
		uint64_t mask;
		const char *canon; /* vb_cpulist_format of the mask */
	} ok[] = {
		{ "0", 0x1, "0" },
		{ "1", 0x2, "1" },
		{ "0-3", 0xf, "0-3" },
		{ "0,2-3", 0xd, "0,2-3" },
		{ "0,1", 0x3, "0-1" },
		{ "3,0", 0x9, "0,3" },
		{ "2-2", 0x4, "2" },
		{ "63", 1ull << 63, "63" },
		{ "0-63", UINT64_MAX, "0-63" },
		{ "1,3,5-7,62-63", 0xc0000000000000eaull, "1,3,5-7,62-63" },
	};
	static const char *const bad[] = {
		"", "a", "3-1", "1,", ",1", "64", "0-64", "-1", "1-", "1,,2", " 1", "1 ", "1-2-3",
		"0x1", "99999999999999999999",
	};
	char buf[256];
	uint64_t m;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(ok); i++) {
		m = 0;
		ck_assert_msg(vb_cpulist_parse(ok[i].s, &m) == 0, "'%s' refused", ok[i].s);
		ck_assert_msg(m == ok[i].mask, "'%s' gave %llx", ok[i].s, (unsigned long long)m);
		vb_cpulist_format(m, buf, sizeof(buf));
		ck_assert_str_eq(buf, ok[i].canon);
	}
	for (i = 0; i < VB_ARRAY_SIZE(bad); i++)
		ck_assert_msg(vb_cpulist_parse(bad[i], &m) == -1, "'%s' accepted as %llx", bad[i],
			      (unsigned long long)m);
	ck_assert_int_eq(vb_cpulist_parse(NULL, &m), -1);
}
END_TEST

START_TEST(test_cpulist_round_trip)
{
	uint64_t st = 12345, mask, back;
	char buf[256];
	int i;

	vb_cpulist_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	for (i = 0; i < 500; i++) {
		mask = vb_rand64(&st);
		if (i % 3 == 0)
			mask &= vb_rand64(&st); /* sparser masks */
		if (!mask)
			continue;
		vb_cpulist_format(mask, buf, sizeof(buf));
		ck_assert_msg(vb_cpulist_parse(buf, &back) == 0, "'%s' refused", buf);
		ck_assert_msg(back == mask, "%llx -> '%s' -> %llx", (unsigned long long)mask, buf,
			      (unsigned long long)back);
	}
	/* a short buffer truncates but stays terminated */
	vb_cpulist_format(0x5555555555555555ull, buf, 8);
	ck_assert_uint_lt(strlen(buf), 8);
}
END_TEST

/* Pinning: to one allowed CPU by mask and back by list; "" changes nothing;
 * a malformed list is EINVAL.  The original affinity is restored. */
START_TEST(test_cpulist_pin)
{
	cpu_set_t orig, now;
	uint64_t all = 0, one;
	char list[256];
	int i;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(orig), &orig), 0);
	for (i = 0; i < 64; i++)
		if (CPU_ISSET(i, &orig))
			all |= 1ull << i;
	if (!all)
		VB_SKIP("no allowed CPU below 64");
	one = all & -all;
	ck_assert_int_eq(vb_cpulist_pin_mask(one), 0);
	ck_assert_int_eq(sched_getaffinity(0, sizeof(now), &now), 0);
	ck_assert_int_eq(CPU_COUNT(&now), 1);
	ck_assert(CPU_ISSET(__builtin_ctzll(one), &now));
	ck_assert_int_eq(vb_cpulist_pin(""), 0);
	ck_assert_int_eq(vb_cpulist_pin(NULL), 0);
	errno = 0;
	ck_assert_int_eq(vb_cpulist_pin("1-"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(sched_getaffinity(0, sizeof(now), &now), 0);
	ck_assert_int_eq(CPU_COUNT(&now), 1);
	vb_cpulist_format(all, list, sizeof(list));
	ck_assert_int_eq(vb_cpulist_pin(list), 0);
	ck_assert_int_eq(sched_getaffinity(0, sizeof(now), &now), 0);
	for (i = 0; i < 64; i++)
		ck_assert_int_eq(!!CPU_ISSET(i, &now), !!(all & (1ull << i)));
	sched_setaffinity(0, sizeof(orig), &orig);
}
END_TEST

/* ---- cgroups -------------------------------------------------------------- */

static char prefix[64]; /* "vbench-test-<runner pid>" */

/* Remove directories named PREFIX* under @base (left over by a failed test). */
static void sweep(const char *base)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(base);
	int i;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(p, sizeof(p), "%s/%s", base, de->d_name);
		for (i = 0; i < 100 && rmdir(p) < 0 && errno == EBUSY; i++)
			usleep(10000);
	}
	closedir(d);
}

static void cg_setup(void)
{
	snprintf(prefix, sizeof(prefix), "vbench-test-%d", (int)getpid());
}

static void cg_teardown(void)
{
	sweep(CG_ROOT);
	sweep(CG_ROOT "/cpuset");
	sweep(CG_ROOT "/memory");
	sweep(CG_ROOT "/cpuacct");
	sweep(CG_ROOT "/cpu,cpuacct");
}

/* Skips the calling test unless root on a host with a usable layout. */
#define REQUIRE_CGROUPS()                                                          \
	do {                                                                       \
		char why_[256];                                                    \
		if (geteuid() != 0)                                                \
			VB_SKIP("needs root to create cgroups");                   \
		if (vb_cgroup_probe(CG_ROOT, why_, sizeof(why_)) == VB_CG_NONE)    \
			VB_SKIP("%s", why_);                                       \
	} while (0)

static int is_gone(const char *p)
{
	struct stat st;

	return stat(p, &st) < 0 && errno == ENOENT;
}

/* The file DIR/NAME must contain @want (trailing newline ignored). */
static void expect_file(const char *dir, const char *name, const char *want)
{
	char p[PATH_MAX], *s;
	vb_error_t err;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	s = vb_read_file(p, 4096, 1, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert_msg(!strcmp(s, want), "%s contains '%s', expected '%s'", p, s, want);
	free(s);
}

START_TEST(test_cgroup_probe)
{
	char why[256];
	vb_cg_mode_t m;

	why[0] = '\0';
	m = vb_cgroup_probe(CG_ROOT, why, sizeof(why));
	ck_assert(why[0] != '\0');
	if (m == VB_CG_NONE)
		VB_SKIP("%s", why);
	ck_assert(m == VB_CG_V1 || m == VB_CG_V2);
	ck_assert_ptr_nonnull(strstr(why, m == VB_CG_V1 ? "v1" : "v2"));

	/* a root without cgroups says so */
	why[0] = '\0';
	ck_assert_int_eq(vb_cgroup_probe("/nonexistent/cgroup", why, sizeof(why)), VB_CG_NONE);
	ck_assert_ptr_nonnull(strstr(why, "/nonexistent/cgroup"));
}
END_TEST

/* Child: wait for the go byte, touch 4 MiB, burn ~60 ms of CPU,
 * acknowledge, sleep. */
static pid_t burner(int *go_w, int *ack_r)
{
	volatile char *mem;
	int go[2], ack[2];
	struct timespec ts;
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(ack), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		close(ack[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		/* memory touched now is charged to the new cgroup */
		mem = malloc(4 << 20);
		if (!mem)
			_exit(1);
		memset((char *)mem, 1, 4 << 20);
		do
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		while (ts.tv_sec == 0 && ts.tv_nsec < 60000000);
		if (write(ack[1], "k", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(go[0]);
	close(ack[1]);
	*go_w = go[1];
	*ack_r = ack[0];
	return pid;
}

START_TEST(test_cgroup_lifecycle)
{
	char name[96], procs[PATH_MAX], pidstr[32], *s;
	const char *dirs[4];
	int base, go, ack, status, ndirs = 0, i;
	uint64_t ns = 0, cur = 0, peak = 0;
	vb_cgroup_t cg;
	vb_error_t err;
	json_t *j;
	pid_t pid;
	char c;

	REQUIRE_CGROUPS();
	base = vb_undo_count();
	snprintf(name, sizeof(name), "%s-life", prefix);
	ck_assert_msg(vb_cgroup_create(&cg, CG_ROOT, name, "0", 256ull << 20, &err) == 0, "%s",
		      err.msg);
	ck_assert(cg.mode == VB_CG_V1 || cg.mode == VB_CG_V2);
	ck_assert_int_gt(vb_undo_count(), base);

	if (cg.mode == VB_CG_V1) {
		ck_assert_ptr_nonnull(strstr(cg.cpuset, name));
		ck_assert_ptr_nonnull(strstr(cg.memory, name));
		expect_file(cg.cpuset, "cpuset.cpus", "0");
		expect_file(cg.memory, "memory.limit_in_bytes", "268435456");
		dirs[ndirs++] = cg.cpuset;
		dirs[ndirs++] = cg.memory;
		if (cg.cpuacct[0])
			dirs[ndirs++] = cg.cpuacct;
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg.cpuset);
	} else {
		ck_assert_ptr_nonnull(strstr(cg.v2, name));
		expect_file(cg.v2, "cpuset.cpus", "0");
		expect_file(cg.v2, "memory.max", "268435456");
		dirs[ndirs++] = cg.v2;
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg.v2);
	}
	j = vb_cgroup_to_json(&cg);
	ck_assert(json_is_true(json_object_get(j, "enforced")));
	ck_assert_str_eq(json_string_value(json_object_get(j, "cpus")), "0");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "memory_bytes")), 256ll << 20);
	json_decref(j);

	/* a child joins, burns CPU there, and is accounted */
	pid = burner(&go, &ack);
	ck_assert_int_eq(vb_cgroup_attach(&cg, pid), 0);
	s = vb_read_file(procs, 4096, 1, &err);
	ck_assert_ptr_nonnull(s);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	ck_assert_msg(!strcmp(s, pidstr), "cgroup.procs is '%s', expected '%s'", s, pidstr);
	free(s);
	ck_assert_int_eq(write(go, "g", 1), 1);
	ck_assert_int_eq(read(ack, &c, 1), 1);
	if (cg.mode == VB_CG_V2 || cg.cpuacct[0]) {
		ck_assert_int_eq(vb_cgroup_cpu_ns(&cg, &ns), 0);
		ck_assert_msg(ns >= 40000000ull && ns < 5000000000ull, "cgroup CPU time %llu ns",
			      (unsigned long long)ns);
	}
	ck_assert_int_eq(vb_cgroup_memory(&cg, &cur, &peak), 0);
	ck_assert_uint_gt(cur, 0);

	/* destroy kills the child and removes every directory */
	vb_cgroup_destroy(&cg);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGKILL);
	for (i = 0; i < ndirs; i++)
		ck_assert_msg(is_gone(dirs[i]), "%s still exists", dirs[i]);
	ck_assert_int_eq(vb_undo_count(), base);
	close(go);
	close(ack);
}
END_TEST

START_TEST(test_cgroup_create_errors)
{
	char name[96], p[PATH_MAX];
	int base;
	vb_cgroup_t cg;
	vb_error_t err;

	/* a bad CPU list is refused before anything is created */
	snprintf(name, sizeof(name), "%s-bad", prefix);
	ck_assert_int_eq(vb_cgroup_create(&cg, CG_ROOT, name, "a", 256ull << 20, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "'a'"));

	/* no cgroup filesystem: unavailable, with the reason */
	ck_assert_int_eq(vb_cgroup_create(&cg, "/nonexistent/cgroup", name, "0", 256ull << 20,
					  &err),
			 -1);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);

	REQUIRE_CGROUPS();
	base = vb_undo_count();
	/* a CPU this host does not have: the kernel refuses, nothing is left */
	snprintf(name, sizeof(name), "%s-cpu63", prefix);
	if (sysconf(_SC_NPROCESSORS_CONF) >= 64)
		VB_SKIP("host has 64 CPUs; cannot name a missing one");
	vb_error_clear(&err);
	ck_assert_int_eq(vb_cgroup_create(&cg, CG_ROOT, name, "63", 256ull << 20, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "63"));
	ck_assert_int_eq(vb_undo_count(), base);
	snprintf(p, sizeof(p), "%s/%s", CG_ROOT, name);
	ck_assert(is_gone(p));
	snprintf(p, sizeof(p), "%s/cpuset/%s", CG_ROOT, name);
	ck_assert(is_gone(p));
	snprintf(p, sizeof(p), "%s/memory/%s", CG_ROOT, name);
	ck_assert(is_gone(p));
}
END_TEST

/* ---- both layouts on a fake cgroupfs ---------------------------------------- */

/*
 * The development hosts are cgroup v1 (hybrid), so the v2 path cannot run
 * for real there.  A directory tree with the files a cgroupfs would have
 * exercises the same code: probe, limits written, attach, CPU time read.
 */
static char fake[PATH_MAX];

static void put(const char *dir, const char *name, const char *text)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_int_eq(vb_write_file(p, text, strlen(text), NULL), 0);
}

static void fake_setup(void)
{
	snprintf(fake, sizeof(fake), "/var/tmp/vbench-fakecg-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fake));
}

static void fake_teardown(void)
{
	vb_rm_rf(fake);
}

START_TEST(test_fake_v2)
{
	char why[256], dir[PATH_MAX];
	vb_cgroup_t cg;
	vb_error_t err;
	uint64_t ns = 0, cur = 0, peak = 0;
	json_t *j;

	put(fake, "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(fake, "cgroup.subtree_control", "");
	ck_assert_int_eq(vb_cgroup_probe(fake, why, sizeof(why)), VB_CG_V2);
	ck_assert_ptr_nonnull(strstr(why, "v2"));
	ck_assert_int_eq(vb_cgroup_create(&cg, fake, "vb", "1", 256ull << 20, &err), 0);
	snprintf(dir, sizeof(dir), "%s/vb", fake);
	expect_file(dir, "cpuset.cpus", "1");
	expect_file(dir, "memory.max", "268435456");
	expect_file(dir, "memory.swap.max", "0");
	/* attach writes the pid into cgroup.procs (exists on a real cgroupfs). */
	put(dir, "cgroup.procs", "");
	ck_assert_int_eq(vb_cgroup_attach(&cg, 999999), 0);
	expect_file(dir, "cgroup.procs", "999999");
	put(dir, "cgroup.procs", "");
	put(dir, "cpu.stat", "usage_usec 1234\nuser_usec 1000\nsystem_usec 234\n");
	ck_assert_int_eq(vb_cgroup_cpu_ns(&cg, &ns), 0);
	ck_assert_uint_eq(ns, 1234000);
	put(dir, "memory.current", "4096\n");
	put(dir, "memory.peak", "8192\n");
	ck_assert_int_eq(vb_cgroup_memory(&cg, &cur, &peak), 0);
	ck_assert_uint_eq(cur, 4096);
	ck_assert_uint_eq(peak, 8192);
	j = vb_cgroup_to_json(&cg);
	ck_assert_str_eq(json_string_value(json_object_get(j, "how")), "cgroup v2");
	ck_assert_str_eq(json_string_value(json_object_get(j, "cpus")), "1");
	json_decref(j);
	/* The fake directory still holds files, so destroy cannot rmdir it;
	 * it must give up without hanging. */
	vb_cgroup_destroy(&cg);
}
END_TEST

START_TEST(test_fake_v1_separate_cpuacct)
{
	char why[256], dir[PATH_MAX];
	vb_cgroup_t cg;
	vb_error_t err;
	uint64_t ns = 0, pss = 0, nprocs = 0, cache = 1;

	snprintf(dir, sizeof(dir), "%s/cpuset", fake);
	ck_assert_int_eq(vb_mkdir_p(dir, 0755, NULL), 0);
	put(dir, "cpuset.cpus", "0-1\n");
	put(dir, "cpuset.mems", "0\n");
	snprintf(dir, sizeof(dir), "%s/memory", fake);
	ck_assert_int_eq(vb_mkdir_p(dir, 0755, NULL), 0);
	put(dir, "memory.limit_in_bytes", "9223372036854771712\n");
	snprintf(dir, sizeof(dir), "%s/cpuacct", fake);
	ck_assert_int_eq(vb_mkdir_p(dir, 0755, NULL), 0);
	ck_assert_int_eq(vb_cgroup_probe(fake, why, sizeof(why)), VB_CG_V1);
	ck_assert_int_eq(vb_cgroup_create(&cg, fake, "vb", "1", 512ull << 20, &err), 0);
	snprintf(dir, sizeof(dir), "%s/cpuset/vb", fake);
	expect_file(dir, "cpuset.cpus", "1");
	expect_file(dir, "cpuset.mems", "0"); /* copied from the parent before any task joins */
	snprintf(dir, sizeof(dir), "%s/memory/vb", fake);
	expect_file(dir, "memory.limit_in_bytes", "536870912");
	snprintf(dir, sizeof(dir), "%s/cpuacct/vb", fake);
	put(dir, "cpuacct.usage", "777\n");
	ck_assert_int_eq(vb_cgroup_cpu_ns(&cg, &ns), 0);
	ck_assert_uint_eq(ns, 777);
	/* Footprint: PSS of the listed processes (this test process), page
	 * cache from memory.stat. */
	snprintf(dir, sizeof(dir), "%s/memory/vb", fake);
	snprintf(why, sizeof(why), "%d\n", (int)getpid());
	put(dir, "cgroup.procs", why);
	put(dir, "memory.stat", "rss 1\ncache 4096\nmapped_file 0\n");
	ck_assert_int_eq(vb_cgroup_footprint(&cg, &pss, &nprocs, &cache), 0);
	ck_assert_uint_eq(nprocs, 1);
	ck_assert_uint_gt(pss, 0);
	ck_assert_uint_eq(cache, 4096);
	put(dir, "cgroup.procs", ""); /* so destroy kills nobody */
	vb_cgroup_destroy(&cg);
}
END_TEST

START_TEST(test_fake_none)
{
	char why[256];
	vb_cgroup_t cg;
	vb_error_t err;

	ck_assert_int_eq(vb_cgroup_probe(fake, why, sizeof(why)), VB_CG_NONE);
	ck_assert_int_eq(vb_cgroup_create(&cg, fake, "vb", "0", 1 << 30, &err), -1);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	put(fake, "cgroup.controllers", "cpu io pids\n");
	ck_assert_int_eq(vb_cgroup_probe(fake, why, sizeof(why)), VB_CG_NONE);
	ck_assert_ptr_nonnull(strstr(why, "without cpuset and memory"));
}
END_TEST

Suite *vb_suite_cgroup(void)
{
	Suite *s = suite_create("cgroup");
	TCase *list = tcase_create("cpulist");
	TCase *cg = tcase_create("cgroup");
	TCase *fk;

	tcase_set_timeout(list, 30);
	tcase_add_test(list, test_cpulist_parse);
	tcase_add_test(list, test_cpulist_round_trip);
	tcase_add_test(list, test_cpulist_pin);
	suite_add_tcase(s, list);

	tcase_set_timeout(cg, 30);
	tcase_add_unchecked_fixture(cg, cg_setup, cg_teardown);
	tcase_add_test(cg, test_cgroup_probe);
	tcase_add_test(cg, test_cgroup_lifecycle);
	tcase_add_test(cg, test_cgroup_create_errors);
	suite_add_tcase(s, cg);

	fk = tcase_create("fake-cgroupfs");
	tcase_set_timeout(fk, 30);
	tcase_add_checked_fixture(fk, fake_setup, fake_teardown);
	tcase_add_test(fk, test_fake_v2);
	tcase_add_test(fk, test_fake_v1_separate_cpuacct);
	tcase_add_test(fk, test_fake_none);
	suite_add_tcase(s, fk);
	return s;
}
