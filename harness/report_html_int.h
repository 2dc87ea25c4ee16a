/*
 * report_html_int.h - shared by the two halves of the report.html printer:
 * report_html.c (page, warnings, overhead tables, charts, metric tables) and
 * report_html_facts.c (flags, host, environments, unavailable, statistics).
 * Every string that comes from run.json goes through vb_html_text.
 */
#ifndef VB_REPORT_HTML_INT_H
#define VB_REPORT_HTML_INT_H

#include <jansson.h>
#include <stdio.h>

/* @s with & < > " ' escaped (text or attribute value); control characters as spaces. */
void vb_html_text(FILE *out, const char *s);

/* The string at @key of @o, escaped; @dflt when absent. */
void vb_html_str(FILE *out, const json_t *o, const char *key, const char *dflt);

/* Sections of report_html_facts.c. */
void vb_html_flags(FILE *out, const json_t *sum);
void vb_html_host(FILE *out, const json_t *sum);
void vb_html_envs(FILE *out, const json_t *sum);
void vb_html_unavailable(FILE *out, const json_t *sum);
void vb_html_statistics(FILE *out, const json_t *sum);

#endif
