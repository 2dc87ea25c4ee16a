/*
 * samples.h - a run flattened into samples, and what the charts draw of
 * the repetitions themselves.
 *
 * A sample is one metric of one repetition with everything that says what
 * and where it is (docs/exports.md): the lines of samples.jsonl, the flat
 * export PerfKitBenchmarker's users load (pandas.read_json(lines=True), a
 * spreadsheet, a dashboard).  The chart points are each repetition's
 * primary metric and its overhead ratio against the baseline's median,
 * drawn beside the medians of the summary.
 *
 * Must not: print or write files (output/report_dir.c writes
 * samples.jsonl), or judge: the samples are the raw values.
 */
#ifndef VB_SAMPLES_H
#define VB_SAMPLES_H

#include <jansson.h>

/*
 * The samples of @run (a run.json as loaded, or a vb_summary_merge
 * document): one object per metric of every repetition that has a result,
 * in the order of the repetitions and, within one, of its metrics:
 *
 *   { "metric", "value" (null when not a number), "unit", "direction"
 *     ("lower"|"higher" is better), "environment", "type", "mechanism",
 *     "workload", "kind" (cpu|mem|io), "repetition", "seq",
 *     "timestamp" (Unix seconds of its start), "time" (its start, ISO 8601),
 *     "host", "run_id", "steal_ns", "steal" (above the steal threshold),
 *     "stalled", "guest_clock_suspect", "contention" (as run.json records
 *     it, when it does), "labels" (PerfKitBenchmarker's "|key:value|,..." of
 *     the labels above) }
 *
 * New reference; NULL when memory runs out.
 */
json_t *vb_samples_build(const json_t *run);

/*
 * Where and when @run was measured, for the title of a chart:
 * { "host": "CPU BRAND, Linux RELEASE[, a VENDOR guest]", "run_id": its
 *   creation time (run.json "created"; several merged runs: the first's),
 *   "label": "HOST; run DATE, profile P, N repetitions" }.
 */
json_t *vb_samples_where(const json_t *run);

/*
 * The repetitions the charts draw, from @run and its summary @sum:
 * { ENV: { WORKLOAD: { "values": [the primary metric of each repetition],
 *                      "ratios": [its overhead ratio to the baseline's
 *                                 median, or null] } } }.
 * New reference; NULL when memory runs out.
 */
json_t *vb_samples_points(const json_t *run, const json_t *sum);

/* The unit of each counter as the repetitions recorded it: { NAME: "ns"|"count"|... }.
 * New reference; NULL when memory runs out. */
json_t *vb_samples_counter_units(const json_t *run);

#endif
