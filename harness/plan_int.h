/*
 * plan_int.h - internals shared by plan.c, plan_env.c and their tests.
 */
#ifndef VB_PLAN_INT_H
#define VB_PLAN_INT_H

#include <jansson.h>

#include "plan.h"

/*
 * The median of the primary metric of workload @wl on the baseline (bare
 * metal) in @summary, whether higher is better, and its unit.  0, or -1 when
 * the summary has no such positive value.
 */
int vb_plan_bare_primary(const json_t *summary, const char *wl, double *median, int *higher,
			 const char **unit);

/* What one instance of @c needs in @e, per resource (plan.c's model). */
void vb_plan_needs(const vb_plan_service_t *c, const vb_plan_env_t *e, double *need);

#endif
