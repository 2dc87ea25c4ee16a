/*
 * tests.h - the suites of the Check runner.  One tests/check_<module>.c per
 * module, each exporting one Suite constructor listed in VB_SUITES.
 * Run one suite: CK_RUN_SUITE=name build/check_vbench (Check's own variable);
 * several: VBENCH_SUITES="util agent ..." (make sanitize and make valgrind).
 */
#ifndef VB_TESTS_H
#define VB_TESTS_H

#include <check.h>

#define VB_SUITES(X)   \
	X(util)        \
	X(optparse)    \
	X(term)        \
	X(layers)      \
	X(prefixes)    \
	X(textsafe)    \
	X(json)        \
	X(error)       \
	X(safefs)      \
	X(mountinfo)   \
	X(workload)    \
	X(env)         \
	X(undo)        \
	X(lifecycle)   \
	X(cpu)         \
	X(mem)         \
	X(io)          \
	X(net)         \
	X(app)         \
	X(counters)    \
	X(hostinfo)    \
	X(options)     \
	X(schedule)    \
	X(sizing)      \
	X(runfile)     \
	X(resume)      \
	X(agent)       \
	X(cgroup)      \
	X(stats)       \
	X(verdict)     \
	X(simstats)    \
	X(container)   \
	X(oci)         \
	X(engine)      \
	X(gvisor)      \
	X(recovery)    \
	X(slurm)       \
	X(fleet)       \
	X(fleet_cluster) \
	X(fleet_collect) \
	X(hosts)       \
	X(store)       \
	X(inifile)     \
	X(ssh)         \
	X(vm_kvmprobe) \
	X(vm_qemu)     \
	X(kmod)        \
	X(guestimage)  \
	X(vm)          \
	X(summary)     \
	X(headline)    \
	X(table)       \
	X(cmd_report)  \
	X(charts)      \
	X(html)        \
	X(compare)     \
	X(plan)        \
	X(explain)     \
	X(mdterm)      \
	X(samples)     \
	X(fit)         \
	X(malformed)   \
	X(density)     \
	X(clean)       \
	X(cleanrules)  \
	X(interrupt)   \
	X(prepare)     \
	X(prepare_space) \
	X(prepare_out) \
	X(sections)    \
	X(hostile)     \
	X(protocol)    \
	X(paths)       \
	X(runlock)     \
	X(contend)     \
	X(fulldisk)    \
	X(rundir)      \
	X(scratch)     \
	X(integration)

#define VB_DECLARE_SUITE(name) Suite *vb_suite_##name(void);
VB_SUITES(VB_DECLARE_SUITE)
#undef VB_DECLARE_SUITE

/* Print why a test could not run here and return from the test (it passes). */
#define VB_SKIP(...)                                       \
	do {                                               \
		fprintf(stderr, "SKIP %s: ", __func__);    \
		fprintf(stderr, __VA_ARGS__);              \
		fprintf(stderr, "\n");                     \
		return;                                    \
	} while (0)

/* Source tree root (set by `make test`), for fixtures and scripts. */
const char *vb_test_srcdir(void);

/* Where bench/vbench and workloads/vbench-agent are: VBENCH_BINDIR (the
 * sanitizer build's directory, set by `make sanitize`), else the source tree. */
const char *vb_test_bindir(void);

#endif
