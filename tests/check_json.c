/*
 * check_json.c - lib/json.c: members read as a string or a number whatever
 * the document holds, numbers written as JSON.
 */
#include <jansson.h>
#include <math.h>

#include "lib/json.h"
#include "tests/tests.h"

START_TEST(test_members)
{
	json_t *o = json_pack("{s:s,s:i,s:f,s:b,s:n}", "s", "text", "i", 3, "r", 2.5, "b", 1, "n");
	json_t *v;

	ck_assert_str_eq(vb_json_str(o, "s"), "text");
	ck_assert_ptr_null(vb_json_str(o, "i"));
	ck_assert_ptr_null(vb_json_str(o, "absent"));
	ck_assert_ptr_null(vb_json_str(NULL, "s"));
	ck_assert_str_eq(vb_json_text(o, "s"), "text");
	ck_assert_str_eq(vb_json_text(o, "i"), "");
	ck_assert_str_eq(vb_json_text(NULL, "s"), "");
	ck_assert_double_eq(vb_json_num(o, "i"), 3);
	ck_assert_double_eq(vb_json_num(o, "r"), 2.5);
	ck_assert(isnan(vb_json_num(o, "s")));
	ck_assert(isnan(vb_json_num(o, "b")));
	ck_assert(isnan(vb_json_num(o, "n")));
	ck_assert(isnan(vb_json_num(NULL, "i")));
	v = vb_json_real(NAN);
	ck_assert(json_is_null(v));
	json_decref(v);
	v = vb_json_real(INFINITY);
	ck_assert(json_is_null(v));
	json_decref(v);
	v = vb_json_real(1.5);
	ck_assert_double_eq(json_real_value(v), 1.5);
	json_decref(v);
	json_decref(o);
}
END_TEST

Suite *vb_suite_json(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_members);
	suite_add_tcase(s, tc);
	return s;
}
