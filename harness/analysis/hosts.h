/*
 * hosts.h - a fleet's runs compared across hosts (docs/fleet.md, "The
 * fleet report").
 *
 * Each run (one host's `vbench run`, a fleet task's or any other) is
 * summarised on its own (summary.h); hosts.c then sets the hosts side by
 * side: per host the overhead of each environment, overall and per group,
 * with its interval and verdict, and the host's facts (CPU model, kernel,
 * hypervisor, mitigations, THP); hosts of the same CPU model and kernel
 * release form one class, whose overhead is pooled across its hosts; per
 * environment the spread across hosts (median of the hosts, range), a test
 * of whether the hosts differ more than their own intervals explain
 * (Cochran's Q on the log ratios, their standard errors from the
 * intervals), the outlier hosts, and which host fact goes with the
 * difference (a between-groups test per fact; facts that split the hosts
 * the same way are named together: they cannot be told apart).
 * hosts_stat.c holds the tests.
 *
 * Must not: print or write files (output/hosts_print.c and report_dir.c do).
 */
#ifndef VB_HOSTS_H
#define VB_HOSTS_H

#include <jansson.h>
#include <stddef.h>

#include "lib/error.h"
#include "harness/analysis/summary.h"

#define VB_HOSTS_SCHEMA "vbench-fleet-summary"
#define VB_HOSTS_SCHEMA_VERSION 1
#define VB_HOSTS_MAX 1000     /* runs one fleet report takes at most */
#define VB_HOSTS_ALPHA 0.05   /* hosts differ: the Q test's p below this */
#define VB_HOSTS_OUTLIER_Z 3.0 /* an outlier: |z| against the other hosts above this */

/* The facts set side by side, in this order. */
#define VB_HOSTS_FACTS(X)                        \
	X(cpu, "CPU model")                      \
	X(kernel, "kernel")                      \
	X(hypervisor, "hypervisor")              \
	X(mitigations, "mitigations")            \
	X(thp, "transparent huge pages")

/*
 * The fleet summary of @n runs (loaded run.json documents; @names: each
 * host's label in the report, a fleet task's run directory NODE-TASK or a
 * directory's name; @paths: for errors).  Every run is checked
 * (vb_summary_check_run) and summarised with @cfg; runs without the same
 * baseline are refused (VB_EUSAGE naming the run).  New reference, or NULL
 * with @err.
 */
json_t *vb_hosts_build(json_t *const *runs, const char *const *names, const char *const *paths,
		       size_t n, const vb_summary_cfg_t *cfg, vb_error_t *err);

/* One host's facts { "cpu", "kernel", "hypervisor", "mitigations", "thp" }
 * from its run's summary and run.json (mitigations as counts only).  New
 * reference. */
json_t *vb_hosts_facts(const json_t *summary, const json_t *run);

/* ---- the tests (hosts_stat.c) ---------------------------------------- */

/* The hosts' agreement on one ratio: each host's log ratio @y and its
 * standard error @se (from its interval). */
typedef struct vb_hosts_het {
	size_t k;         /* hosts with a finite ratio and interval */
	double fixed;     /* inverse-variance weighted mean of the log ratios */
	double q;         /* Cochran's Q */
	double p;         /* P(chi2(k-1) > Q): small when the hosts differ */
	double i2;        /* share of the spread beyond the intervals: max(0, (Q-df)/Q) */
	double tau2;      /* between-host variance (DerSimonian-Laird) */
	double pooled;    /* random-effects mean of the log ratios */
	double pooled_se; /* its standard error */
} vb_hosts_het_t;

/* Fill @h from @k hosts (hosts whose @y or @se is not finite and positive
 * are left out).  Returns h->k; with fewer than 2, q, p and i2 are NaN. */
size_t vb_hosts_heterogeneity(const double *y, const double *se, size_t k, vb_hosts_het_t *h);

/* How far host @i lies from the others: (y_i - mean of the others) / the
 * standard error of that difference, the others' spread (their tau2)
 * included.  NaN with fewer than 3 hosts. */
double vb_hosts_loo_z(const double *y, const double *se, size_t k, size_t i);

/* Whether the groups @group[i] (0 .. @ngroups-1) of the hosts differ: the
 * between-groups Q of the weighted group means, P(chi2(ngroups-1) > Q).
 * NaN with fewer than 2 groups holding a host. */
double vb_hosts_between_p(const double *y, const double *se, const size_t *group, size_t k,
			  size_t ngroups);

/* The standard error of a log ratio from its interval [@lo, @hi] at @level
 * (0.95): (ln hi - ln lo) / (2 z).  NaN when not finite and positive. */
double vb_hosts_se(double lo, double hi, double level);

#endif
