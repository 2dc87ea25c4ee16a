/*
 * check_table.c - the terminal overhead table (harness/output/table.c):
 * it fits the width it is given (80, 120, 200 columns: no longer line, the
 * density and noisy neighbours tables included),
 * cuts the environments into blocks when they do not fit, heads them with
 * their names and one legend line, keeps the unavailable environments in a
 * footer, and prints everything on one line per row with --wide (width 0).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/summary.h"
#include "harness/output/table.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE "tests/fixtures/run-bare-container.json"

/* The table of @sum at @width, as a string (caller frees). */
static char *table_at(const json_t *sum, size_t width)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	ck_assert_ptr_nonnull(f);
	vb_table_print_width(sum, width, f);
	fclose(f);
	return s;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

START_TEST(test_fits_width)
{
	static const size_t widths[] = { 80, 120, 200 };
	json_t *runs[3] = { vb_test_load_fixture(FIXTURE), vb_test_run_all_types(),
			    vb_test_load_fixture("tests/fixtures/run-density-noisy.json") },
	       *sum;
	size_t i, k;
	char *s;

	for (k = 0; k < 3; k++) {
		sum = vb_test_summarize(runs[k]);
		for (i = 0; i < 3; i++) {
			s = table_at(sum, widths[i]);
			ck_assert_msg(vb_test_longest_line(s) <= widths[i], "%zu columns:\n%s", widths[i],
				      s);
			free(s);
		}
		json_decref(sum);
		json_decref(runs[k]);
	}
}
END_TEST

START_TEST(test_blocks_and_wide)
{
	json_t *run = vb_test_run_all_types(), *sum = vb_test_summarize(run);
	char *narrow = table_at(sum, 80), *wide = table_at(sum, 0);

	/* four measured environments do not fit 80 columns: blocks, each with its header */
	ck_assert_uint_gt(count(narrow, "\nworkload "), 1);
	ck_assert_uint_eq(count(wide, "\nworkload "), 1);
	ck_assert_uint_gt(vb_test_longest_line(wide), 200);
	/* short headers, one legend naming type and mechanism */
	ck_assert_ptr_nonnull(strstr(wide, "hosted = hosted VM (type-2), QEMU TCG emulation"));
	ck_assert_ptr_null(strstr(wide, "container (namespaces+cgroups ...)"));
	/* the unavailable ones: in the footer only, one line each with the reason */
	ck_assert_ptr_null(strstr(wide, "  unavailable"));
	ck_assert_ptr_nonnull(strstr(wide, "\nunavailable (not measured, in no table):\n"
					   "  docker: no daemon\n  kvm: no /dev/kvm here\n"));
	ck_assert_uint_eq(count(wide, "docker"), 1);
	free(narrow);
	free(wide);
	json_decref(sum);
	json_decref(run);
}
END_TEST

START_TEST(test_width_source)
{
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(vb_table_width(f, 1), 0);
	setenv("COLUMNS", "93", 1);
	ck_assert_uint_eq(vb_table_width(f, 0), 93);
	setenv("COLUMNS", "93x", 1);
	ck_assert_uint_eq(vb_table_width(f, 0), VB_TABLE_DEFAULT_WIDTH);
	setenv("COLUMNS", "3", 1); /* too narrow: the narrowest taken */
	ck_assert_uint_eq(vb_table_width(f, 0), VB_TABLE_MIN_WIDTH);
	unsetenv("COLUMNS");
	ck_assert_uint_eq(vb_table_width(f, 0), VB_TABLE_DEFAULT_WIDTH);
	fclose(f);
}
END_TEST

/* Unavailable counters: one line per reason and set, exact. */
START_TEST(test_unavailable_condensed)
{
	static const char *const pmu = "no hardware PMU", *const map = "no perf mapping";
	json_t *sum = json_pack("{s:{s:[]}}", "unavailable", "counters"), *out, *e;
	json_t *list = json_object_get(json_object_get(sum, "unavailable"), "counters");
	static const char *const envs[] = { "bare", "container", "hosted" };
	char all[256];
	size_t i, k;

	/* the same two counters unavailable for the same reason in three
	 * environments and two workloads; one more in hosted only, for another */
	for (i = 0; i < 3; i++)
		for (k = 0; k < 2; k++)
			json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:[s,s]}", "env", envs[i],
							      "counter", k ? "PAPI_L1_DCM" : "PAPI_TOT_INS",
							      "reason", pmu, "workloads", "cpu.int",
							      "mem.stream"));
	json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:[s]}", "env", "hosted", "counter",
					      "PAPI_L2_TCM", "reason", map, "workloads", "cpu.int"));
	out = vb_table_unavailable_counters(sum);
	ck_assert_uint_eq(json_array_size(out), 2);
	e = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "reason")), pmu);
	ck_assert_int_gt(json_dumpb(json_object_get(e, "envs"), all, sizeof(all) - 1, JSON_COMPACT), 0);
	all[json_dumpb(json_object_get(e, "envs"), all, sizeof(all) - 1, JSON_COMPACT)] = '\0';
	ck_assert_str_eq(all, "[\"bare\",\"container\",\"hosted\"]");
	ck_assert_uint_eq(json_array_size(json_object_get(e, "counters")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(e, "workloads")), 2);
	e = json_array_get(out, 1);
	ck_assert_str_eq(json_string_value(json_object_get(e, "reason")), map);
	ck_assert_uint_eq(json_array_size(json_object_get(e, "envs")), 1);
	json_decref(out);
	/* container lacking one of the two: no longer the same set, its own line */
	json_array_remove(list, 3);
	out = vb_table_unavailable_counters(sum);
	ck_assert_uint_eq(json_array_size(out), 3);
	json_decref(out);
	json_decref(sum);
}
END_TEST

/* Units from the names: bytes, times; other keys as they are. */
START_TEST(test_units)
{
	char b[48];
	json_t *v;

	ck_assert_str_eq(vb_table_fmt_bytes(512, b, sizeof(b)), "512 B");
	ck_assert_str_eq(vb_table_fmt_bytes(32768, b, sizeof(b)), "32 KiB");
	ck_assert_str_eq(vb_table_fmt_bytes(1073741824.0, b, sizeof(b)), "1 GiB");
	ck_assert_str_eq(vb_table_fmt_bytes(1449551460.0, b, sizeof(b)), "1.35 GiB");
	ck_assert_str_eq(vb_table_fmt_bytes(11093856, b, sizeof(b)), "10.6 MiB");
	v = json_integer(1073741824);
	ck_assert_str_eq(vb_table_fmt_unit("memory_bytes", v, b, sizeof(b)), "1 GiB");
	ck_assert_str_eq(vb_table_fmt_unit("bytes", v, b, sizeof(b)), "1 GiB");
	ck_assert_ptr_null(vb_table_fmt_unit("cpus", v, b, sizeof(b)));
	ck_assert_ptr_null(vb_table_fmt_unit("_bytes", v, b, sizeof(b))); /* a suffix alone */
	json_decref(v);
	v = json_integer(9282491);
	ck_assert_str_eq(vb_table_fmt_unit("start_latency_ns", v, b, sizeof(b)), "9.282 ms");
	json_decref(v);
	v = json_real(2.651);
	ck_assert_str_eq(vb_table_fmt_unit("prepare_s", v, b, sizeof(b)), "2.651 s");
	json_decref(v);
	v = json_string("1073741824");
	ck_assert_ptr_null(vb_table_fmt_unit("memory_bytes", v, b, sizeof(b))); /* no number */
	json_decref(v);
}
END_TEST

Suite *vb_suite_table(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_fits_width);
	tcase_add_test(tc, test_blocks_and_wide);
	tcase_add_test(tc, test_width_source);
	tcase_add_test(tc, test_unavailable_condensed);
	tcase_add_test(tc, test_units);
	suite_add_tcase(s, tc);
	return s;
}
