/*
 * json.c - JSON members read safely, numbers written as JSON (json.h).
 */
#include "lib/json.h"

#include <math.h>

const char *vb_json_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *vb_json_text(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

double vb_json_num(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

json_t *vb_json_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}
