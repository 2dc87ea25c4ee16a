/*
 * plan_int.h - internals shared by plan.c, plan_env.c and their tests.
 *
 * Must not: print or write files.
 */
#ifndef VB_PLAN_INT_H
#define VB_PLAN_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/analysis/plan.h"

/*
 * The median of the primary metric of workload @wl on the baseline (bare
 * metal) in @summary, whether higher is better, and its unit.  0; -1 when
 * the summary has no such value; -2 when it has one that is not a positive
 * normal number (0, or a subnormal such as 1e-320 that would make every
 * ratio with it infinite), *@median holding it.
 */
int vb_plan_bare_primary(const json_t *summary, const char *wl, double *median, int *higher,
			 const char **unit);

/* What one instance of @in's service @i needs in @e, per resource (plan.c's
 * model). */
void vb_plan_needs(const vb_plan_input_t *in, size_t i, const vb_plan_env_t *e, double *need);

/* ---- cell formatters of plan_print.c, shared with plan_html.c ---- */

/* Resource @r of a capacity object @res: "6.4", "51.2 GiB", "14089", "unknown". */
const char *vb_plan_fmt_amount(const json_t *res, int r, char *buf, size_t len);
/* A factor: "1.00", "8.08", "25.6", "102"; "-" when not finite. */
const char *vb_plan_fmt_factor(double v, char *buf, size_t len);
/* The unit after an amount of @r: " CPUs", " IOPS" or "". */
const char *vb_plan_fmt_unit(int r);
/* Hosts needed of @fit: "2" or "3 (2 + 1 spare)". */
const char *vb_plan_fmt_hosts(const json_t *fit, char *buf, size_t len);
/* "web 4 (memory), db 2 (memory)" of @fit. */
void vb_plan_fmt_per_host(const json_t *fit, FILE *out);
/* "does not fit: one db instance needs 9.6 CPUs, a host offers 6.4". */
void vb_plan_fmt_misfit(const json_t *plan, const json_t *fit, FILE *out);
/* The options in words: "headroom 20%, CPU overcommit 1, ...". */
void vb_plan_fmt_options(const json_t *options, FILE *out);
/* One environment of the plan's "recovery" (plan_recovery.c) in words:
 * @when "2 waves of 1.2 s: 2.4 s (upper bound 2.9 s): within 5 min",
 * @disk "20 images: 2.7 GiB (xz 1.3 GiB)", or @when the reason it is not
 * planned and @disk "-". */
void vb_plan_fmt_recovery(const json_t *rec, const json_t *e, char *when, size_t wlen, char *disk,
			  size_t dlen);
/* Instances of every service of @plan. */
long long vb_plan_count_instances(const json_t *plan);

#endif
