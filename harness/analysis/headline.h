/*
 * headline.h - the answer at a glance: what each kind of virtualization
 * costs on this host, and how sure that is.
 *
 * Must not: print, or judge anew: the verdicts are the summary's
 * (verdict.h), the words the printers'.
 *
 * Built from a summary (summary.h) once its groups are computed, and
 * carried by it as "headline"; the printers (table.c, markdown.c, html.c)
 * turn it into one sentence per type.  Its layout:
 *
 *   baseline          the baseline environment's name, or null
 *   margin            the equivalence margin of the verdicts
 *   virtualized_host  {"hypervisor": vendor} when the baseline host is
 *                     itself a VM, else null
 *   types[]           the four types in a fixed order (container, sandbox,
 *                     hosted-vm, hw-vm): "architecture" (run.json's class
 *                     name), "label" ("Containers" ...), "measured", and
 *                     - measured: "environments"[] with "name", "type",
 *                       "mechanism", "overall" (the "all" group's geometric
 *                       mean object: geomean, ci_low, ci_high, verdict ...)
 *                       and "groups"[] (the same per group, with "kind"
 *                       and "label": "CPU", "memory", "disk I/O");
 *                     - not measured: "unavailable"[] ({"name", "reason"})
 *                       of the environments of this type the run could not
 *                       measure, and "reason": "unavailable" when there
 *                       are some, else "no environment of this type in
 *                       this run" or "vbench has no environment of this
 *                       type" (no backend of it); "" when measured.
 */
#ifndef VB_HEADLINE_H
#define VB_HEADLINE_H

#include <jansson.h>

/* The headline of @summary (new reference; NULL when memory runs out). */
json_t *vb_headline_build(const json_t *summary);

#endif
