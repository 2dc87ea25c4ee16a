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
 *   fleet.csv        one row per host, environment and group.
 *
 * Must not: compute: every number is the fleet summary's.
 */
#ifndef VB_HOSTS_PRINT_H
#define VB_HOSTS_PRINT_H

#include <jansson.h>
#include <stdio.h>

void vb_hosts_md(const json_t *fleet, FILE *out);
void vb_hosts_csv(const json_t *fleet, FILE *out);

#endif
