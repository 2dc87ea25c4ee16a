/*
 * report.h - printers of a run, from run.json alone.  They only format:
 * every number comes from stats.c.
 */
#ifndef VB_REPORT_H
#define VB_REPORT_H

#include <jansson.h>
#include <stdio.h>

/*
 * The terminal table: one row per workload (its primary metric), one column
 * per environment: the median with its coefficient of variation for the
 * baseline, the median with the ratio of time per unit of work to the
 * baseline for the others (x1.00 = no overhead), "unavailable" or "-".
 */
void vb_report_summary(const json_t *run, FILE *out);

#endif
