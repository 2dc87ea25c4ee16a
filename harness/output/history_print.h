/*
 * history_print.h - `vbench history`'s answer (store.h vb_store_history) as
 * Markdown (the terminal's through mdterm) and CSV: per host class and
 * environment, each stored run's overhead in time order with its interval
 * and verdict, and the change from the first run to the last.
 *
 * Must not: compute beyond the ratio of two stored overheads it prints.
 */
#ifndef VB_HISTORY_PRINT_H
#define VB_HISTORY_PRINT_H

#include <jansson.h>
#include <stdio.h>

void vb_history_md(const json_t *hist, FILE *out);
void vb_history_csv(const json_t *hist, FILE *out);

#endif
