/*
 * textsafe_json.c - a whole JSON document made terminal-safe in place
 * (textsafe.h vb_text_clean_json): every string, value or key, in the
 * terminal form, for documents loaded from files (run.json).  Apart from
 * textsafe.c so that the text forms need no JSON library.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/textsafe.h"

/* The @len bytes at @s (NUL bytes shown as "\x00") in the terminal form,
 * malloc'ed (NULL without memory). */
static char *string_dup(const char *s, size_t len)
{
	size_t i, total = 1;
	char *out, *part;
	FILE *f;

	f = open_memstream(&out, &total);
	if (!f)
		return NULL;
	for (i = 0; i <= len; i += strlen(s + i) + 1) {
		if (i)
			fputs("\\x00", f);
		part = vb_text_term_dup(s + i);
		if (part)
			fputs(part, f);
		free(part);
	}
	fclose(f);
	return out;
}

/* The keys of @o that are not safe, moved to their terminal form. */
static void clean_keys(json_t *o)
{
	const char *key;
	char *safe, *name;
	json_t *v, *bad = json_array(), *k;
	size_t i, len;
	unsigned n;

	json_object_foreach(o, key, v)
		if (!vb_text_is_safe(key))
			json_array_append_new(bad, json_string_nocheck(key));
	json_array_foreach(bad, i, k) {
		key = json_string_value(k);
		safe = vb_text_term_dup(key);
		len = safe ? strlen(safe) + 16 : 0;
		name = safe ? malloc(len) : NULL;
		if (!name) {
			free(safe);
			break;
		}
		snprintf(name, len, "%s", safe);
		for (n = 2; json_object_get(o, name); n++)
			snprintf(name, len, "%s~%u", safe, n);
		v = json_incref(json_object_get(o, key));
		json_object_del(o, key);
		json_object_set_new(o, name, v);
		free(name);
		free(safe);
	}
	json_decref(bad);
}

void vb_text_clean_json(json_t *doc)
{
	const char *key;
	json_t *v;
	size_t i;
	char *safe;

	if (json_is_string(doc)) {
		if (vb_text_is_safe(json_string_value(doc)) &&
		    strlen(json_string_value(doc)) == json_string_length(doc))
			return;
		safe = string_dup(json_string_value(doc), json_string_length(doc));
		if (safe)
			json_string_set(doc, safe);
		free(safe);
	} else if (json_is_object(doc)) {
		clean_keys(doc);
		json_object_foreach(doc, key, v)
			vb_text_clean_json(v);
	} else if (json_is_array(doc)) {
		json_array_foreach(doc, i, v)
			vb_text_clean_json(v);
	}
}
