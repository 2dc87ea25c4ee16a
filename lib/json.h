/*
 * json.h - a member of a JSON object read as a string or a number, and
 * a number written as JSON, the way every reader of run.json, summaries
 * and plans needs them: absent or of another type is NULL or NaN, never a
 * crash; a number that is not finite is written as null.
 *
 * Must not: allocate beyond jansson's own values, or know any document's
 * layout.
 */
#ifndef VB_JSON_H
#define VB_JSON_H

#include <jansson.h>

/* The string member @key of @o, NULL when absent or not a string (@o may
 * be NULL). */
const char *vb_json_str(const json_t *o, const char *key);

/* The same, "" instead of NULL: for a printer that writes it as text. */
const char *vb_json_text(const json_t *o, const char *key);

/* The number member @key of @o (integer or real), NaN when absent or not a
 * number (@o may be NULL). */
double vb_json_num(const json_t *o, const char *key);

/* @v as a JSON real, null when not finite.  New reference. */
json_t *vb_json_real(double v);

#endif
