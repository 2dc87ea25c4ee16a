/*
 * report_html_int.h - shared by the two halves of the report.html printer:
 * html.c (page, warnings, overhead tables, charts, metric tables) and
 * html_facts.c (flags, host, environments, unavailable, statistics),
 * plus the sections of report_html_capacity.c (density, noisy neighbours),
 * explain_html.c (the explanation) and the page head plan_html.c reuses.
 * Every string that comes from run.json goes through vb_html_text.
 *
 * Must not: compute, or put a string from run.json into the page without
 * vb_html_text.
 */
#ifndef VB_REPORT_HTML_INT_H
#define VB_REPORT_HTML_INT_H

#include <jansson.h>
#include <stdio.h>

/* @s with & < > " ' escaped (text or attribute value); control characters as spaces. */
void vb_html_text(FILE *out, const char *s);

/* The string at @key of @o, escaped; @dflt when absent. */
void vb_html_str(FILE *out, const json_t *o, const char *key, const char *dflt);

/* Sections of html_facts.c. */
void vb_html_flags(FILE *out, const json_t *sum);
void vb_html_host(FILE *out, const json_t *sum);
void vb_html_envs(FILE *out, const json_t *sum);
void vb_html_unavailable(FILE *out, const json_t *sum);
void vb_html_statistics(FILE *out, const json_t *sum);

#define VB_HTML_CHARTS_DIR "charts" /* = VB_CHARTS_DIR (charts.h) */

/* Sections of report_html_capacity.c: nothing when the summary has no
 * "density" / "noisy"; @charts (NULL: not rendered) for the chart reference. */
void vb_html_density(FILE *out, const json_t *sum, const json_t *charts);
void vb_html_noisy(FILE *out, const json_t *sum, const json_t *charts);
/* "Save, restore, move" (html_capacity.c): nothing without "operations". */
void vb_html_ops(FILE *out, const json_t *sum, const json_t *charts);

/* The explanation section (explain_html.c) of an explain document; nothing when NULL. */
void vb_html_explain(FILE *out, const json_t *explain);

/* Each chart of @charts (a vb_charts_render* document) as a figure with
 * its PNG embedded, or why it was not rendered; without @charts, that
 * they were not rendered for this @what (plan_html.c). */
void vb_html_chart_figures(FILE *out, const json_t *charts, const char *what);

/* The page's head (doctype, inline CSS, @title escaped) up to <body>. */
void vb_html_page_start(FILE *out, const char *title);

#endif
