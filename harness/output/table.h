/*
 * table.h - printers of a run.  They only format: every number comes from
 * a summary (summary.h), computed by stats.c.  One function per format:
 * the terminal overhead table (table.c), summary.csv (csv.c),
 * report.md (markdown.c) and report.html (html.c,
 * html_facts.c).  Numbers are formatted with printf in the C
 * locale vbench runs in (it never calls setlocale), so a decimal point is a
 * point everywhere.
 *
 * Must not: compute a statistic or a verdict: the numbers are the summary's,
 * the verdicts verdict.c's.
 */
#ifndef VB_REPORT_H
#define VB_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/term.h"

/*
 * The summary at the end of `vbench run`: computes the summary of @run
 * (run.json as built so far) with the default statistics settings and
 * prints the terminal overhead table, fitted to the width of @out
 * (vb_table_width; @wide: one line per row whatever its length); a summary
 * that cannot be computed is one line saying why.
 */
void vb_table_summary(const json_t *run, int wide, FILE *out);

/*
 * The terminal overhead table of @summary: the run's warnings first (a
 * virtualized host's at the top), the headline (one sentence per
 * virtualization type), then one row per workload (its primary metric)
 * grouped by CPU / memory / I/O, one column per measured environment headed
 * with its name, after one legend line giving each name's type and
 * mechanism; the baseline's cell holds the median and CV, the others
 * "x1.03 [0.99-1.07]" (time per unit of work relative to the baseline and
 * its 95% interval).  One verdict line per group, then the flags and, in a
 * footer of their own, the unavailable environments with their reasons.
 * Every line fits @width columns (0: no limit, as `--wide`): the text is
 * wrapped and the environments' columns are cut into blocks, each with the
 * workload columns and its own verdict lines (a single column wider than
 * the width stays whole); a density or noisy neighbours row too wide is
 * folded, what does not fit indented on the next lines.
 */
void vb_table_print_width(const json_t *summary, size_t width, FILE *out);

/* vb_table_print_width with the width of @out (vb_table_width(@out, 0)). */
void vb_table_print(const json_t *summary, FILE *out);

/*
 * summary.csv, RFC 4180 (CRLF line ends; a field with a comma, quote, CR or
 * LF is quoted, quotes doubled).  Header and column order:
 *   env, workload, kind, source, metric, unit, better, n, median, ci_low,
 *   ci_high, cv, indicative, overhead, overhead_ci_low, overhead_ci_high,
 *   verdict, host_cost_ratio, status, note
 * First the groups: per group and environment (source "group", kind the
 * group's: cpu, mem, io; source "overall", kind "all"), metric
 * "overhead_geomean", unit "ratio", n the repetitions it rests on, the
 * geometric mean of the overheads with its interval and verdict, note
 * "<label>: geometric mean over N workload(s)".  Then one row per
 * environment, workload and quantity: each metric (source "metric"), host
 * CPU seconds per operation ("host"), each counter per operation
 * ("counter").  Numbers with 6 significant digits; an empty field
 * is a value that does not exist (unavailable, no baseline), never zero.
 * status: ok, unavailable (note: the reason), no-data.
 */
void vb_report_csv(const json_t *summary, FILE *out);

/*
 * repetitions.csv (reps_csv.c): the raw data of the (merged) run @run, one
 * row per repetition, those left out of the statistics as contended
 * ("repetitions_left_out", summary.h) included, RFC 4180 as summary.csv:
 *   seq, env, workload, rep, attempt, session, ok, contended, metric (the
 *   primary one), value, elapsed_ns, host_elapsed_ns, host_cpu_ns,
 *   steal_ns, cpu_share, share_source, cpu_pressure_share, runq_wait_ns,
 *   guest_steal_ns (VMs: the guest's own steal), stalled, error_kind
 * An empty field: not recorded.
 */
void vb_report_reps_csv(const json_t *run, FILE *out);

/*
 * report.md: warnings, the runs, the overhead tables with group verdicts,
 * every metric, host CPU cost, counters per operation, flags, host facts,
 * each environment's configuration and limits, and every unavailable
 * environment or counter with its reason.
 */
void vb_report_md(const json_t *summary, FILE *out);

/*
 * report.html: one self-contained page (inline CSS, no script, no external
 * file or network access) with what report.md holds plus the charts of
 * @charts (a vb_charts_render document, or NULL: "not rendered"), embedded
 * as data: URIs of their PNGs, and its notes (charts skipped and why, a
 * gnuplot error).  The virtualized host's warning heads the page
 * (id "virtualized-host"); the overhead tables are in the section with id
 * "overhead", the charts in "charts"; density and noisy neighbours (when
 * the run measured them) in "density" and "noisy", and @explain (a
 * vb_explain_build document, or NULL: no such section) in "explain".  Every
 * string from run.json is HTML-escaped.
 */
void vb_report_html(const json_t *summary, const json_t *charts, const json_t *explain, FILE *out);

/*
 * The "Density" and "Noisy neighbours" tables of @summary (its "density"
 * and "noisy" objects, copied from run.json), as terminal text or, with
 * @md, as report.md sections; nothing when the run measured neither.
 */
void vb_table_capacity(const json_t *summary, FILE *out, int md);

/*
 * The width the terminal table fits: 0 with @wide (no limit), else
 * lib/term.c's vb_term_width of @out (the terminal's, else $COLUMNS, else
 * VB_TABLE_DEFAULT_WIDTH; never below VB_TABLE_MIN_WIDTH).
 */
#define VB_TABLE_DEFAULT_WIDTH VB_TERM_WIDTH
#define VB_TABLE_MIN_WIDTH     VB_TERM_MIN_WIDTH
size_t vb_table_width(FILE *out, int wide);

/*
 * The headline of @summary (its "headline", headline.h) as sentences of
 * plain text, one per line to print: the virtualized host's first when it
 * is one, then one per virtualization type ("Containers: container
 * (namespaces+cgroups) x1.01 [0.98-1.03] equivalent overall, per group:
 * CPU ..."; "Hardware-assisted VMs: not measured: kvm unavailable: ...").
 * New reference (an array of strings).
 */
json_t *vb_table_headline(const json_t *summary);

/* The sentence that introduces the headline (what the figures are), into @buf. */
const char *vb_table_headline_intro(const json_t *summary, char *buf, size_t len);

/*
 * The warnings of @summary to print after its headline, as an array of
 * strings (new reference): every one but the baseline host's being a
 * virtual machine when the headline says so already (one place, once).
 */
json_t *vb_table_warnings(const json_t *summary);

/*
 * The unavailable counters of @summary ("unavailable"."counters": one entry
 * per environment and counter) condensed, in first-seen order, to one entry
 * per reason and set of counters and workloads, with every environment
 * they hold for: {"reason", "counters": [...], "envs": [...], "workloads":
 * [...]}, each list without repeats, each entry exact (every counter
 * unavailable for that reason in every environment and workload listed).
 * New reference.
 */
json_t *vb_table_unavailable_counters(const json_t *summary);

/* The sentence naming unavailable environments @list ([{name, reason}],
 * explain's "unavailable"): "Not available here: kvm (why); docker (why)."
 * (caller frees), or NULL when there is none. */
char *vb_table_unavailable_envs(const json_t *list);

/*
 * The environments of @summary at a glance, as rows of cells (strings, the
 * header row first): environment, type, mechanism, start and stop
 * latency, idle host memory (PSS and processes), CPUs, memory limit, and
 * whether the limits were enforced, each with its unit; "-" where the run
 * recorded nothing.  New reference.
 */
json_t *vb_table_env_facts(const json_t *summary);

/*
 * The network path of every environment of @summary that recorded one
 * (run.json environments[].network, issue #15), as rows of cells (the
 * header row first): environment, network mode, path (or why there is
 * none), address.  NULL when no environment recorded one (the run had no
 * network workload).  New reference.
 */
json_t *vb_table_net_paths(const json_t *summary);

/*
 * What summary environment @e does not run and why (run.json
 * environments[].not_run: its backend cannot measure them as the others
 * do), as one sentence "io.seqread, io.randread: REASON" (malloc'd), or
 * NULL when it runs everything.
 */
char *vb_table_not_run(const json_t *e);

/* ---- formatting helpers shared by the printers ---- */

/* A value with 4 significant digits, no exponent between 1e-3 and 1e12; "-" if not finite. */
char *vb_table_fmt_num(double v, char *buf, size_t len);

/* "x1.03" (2 decimals below 10, 1 below 100, none above); "-" if not finite. */
char *vb_table_fmt_ratio(double r, char *buf, size_t len);

/* "x1.03 [0.99-1.07]", or "x1.03" without an interval, "-" without a ratio. */
char *vb_table_fmt_overhead(double ratio, double ci_low, double ci_high, char *buf, size_t len);

/*
 * The verdict of an overhead or comparison object @o (its "verdict",
 * "undecided" and "more_reps", verdict.h): "slower", "equivalent",
 * "undecided (too few repetitions)", "undecided (~12 more reps)"; "-"
 * without a verdict.
 */
char *vb_table_fmt_verdict(const json_t *o, char *buf, size_t len);

/* The rule of the verdicts with the margin of @summary's statistics, one
 * line without a line end (verdict.h vb_verdict_rule_line). */
char *vb_table_fmt_rule(const json_t *summary, char *buf, size_t len);

/* A group's geometric mean object @ge (summary.json groups[].envs.ENV):
 * "x0.97 [0.94-1.02] undecided (too few repetitions)", or without a figure
 * (one repetition gives none) "undecided (too few repetitions)"; without
 * the object "no ratio (no baseline)", or, when the run has a @baseline,
 * "not measured" (no repetition of any workload of the group). */
char *vb_table_fmt_geomean(const json_t *ge, int baseline, char *buf, size_t len);

/* A coefficient of variation as "4.4%", or "n/a" when it could not be
 * computed (not finite: no spread to speak of, or a value beyond range). */
char *vb_table_fmt_cv(double cv, char *buf, size_t len);

/* A size in bytes with a binary unit: "512 B", "32 KiB", "1.35 GiB". */
char *vb_table_fmt_bytes(double bytes, char *buf, size_t len);

/*
 * The number @v of member @key with the unit its name carries (a key
 * "bytes" or ending in _bytes: vb_table_fmt_bytes; _ns, _us, _ms: milliseconds or
 * seconds; _s: seconds), into @buf; NULL when @key names no unit or @v is
 * no number (the caller prints it as it is).
 */
const char *vb_table_fmt_unit(const char *key, const json_t *v, char *buf, size_t len);

/* The numeric value of @key in @o (NaN when null or absent). */
double vb_table_num(const json_t *o, const char *key);

#endif
