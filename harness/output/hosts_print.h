/*
 * hosts_print.h - the fleet report as Markdown and CSV, from a fleet
 * summary (analysis/hosts.h vb_hosts_build).
 *
 *   fleet-report.md  headline per environment (median of the hosts, range,
 *                    whether the hosts differ and which host fact goes with
 *                    it, outliers), the hosts and their facts, the overhead
 *                    per host (all workloads and per group), the spread
 *                    across hosts, the classes with their pooled overhead;
 *                    the terminal shows it through mdterm;
 *   fleet.csv        one row per host, environment and group;
 *   fleet-report.html the same as the Markdown, with the chart embedded.
 *
 * Must not: compute: every number is the fleet summary's.
 */
#ifndef VB_HOSTS_PRINT_H
#define VB_HOSTS_PRINT_H

#include <jansson.h>
#include <stdio.h>

void vb_hosts_md(const json_t *fleet, FILE *out);
void vb_hosts_csv(const json_t *fleet, FILE *out);

/* fleet-report.html: what fleet-report.md says, as one self-contained page
 * with the chart of @charts embedded (NULL: not rendered). */
void vb_hosts_html(const json_t *fleet, const json_t *charts, FILE *out);

#endif
