/*
 * check_headline.c - the answer at a glance (harness/analysis/headline.c):
 * one entry per virtualization type in a fixed order, the measured ones
 * with their overall and per-group geometric means and verdicts, the
 * others with the reasons of their unavailable environments; the
 * virtualized host named; and the summary that carries it lists the
 * unavailable environments only under "unavailable", so no table or CSV
 * row shows them.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/summary.h"
#include "harness/output/table.h"
#include "tests/tests.h"
#include "tests/testutil.h"
#include "lib/json.h"

START_TEST(test_types)
{
	json_t *run = vb_test_run_all_types(), *sum = vb_test_summarize(run),
	       *h = json_object_get(sum, "headline"), *ts = json_object_get(h, "types"), *c, *hw,
	       *e;

	ck_assert_uint_eq(json_array_size(ts), 4);
	ck_assert_str_eq(vb_json_str(json_array_get(ts, 0), "architecture"), "container");
	ck_assert_str_eq(vb_json_str(json_array_get(ts, 1), "architecture"), "sandbox");
	ck_assert_str_eq(vb_json_str(json_array_get(ts, 2), "architecture"), "hosted-vm");
	ck_assert_str_eq(vb_json_str(json_array_get(ts, 3), "architecture"), "hw-vm");
	c = json_array_get(ts, 0);
	ck_assert(json_is_true(json_object_get(c, "measured")));
	ck_assert_uint_eq(json_array_size(json_object_get(c, "environments")), 2);
	ck_assert_str_eq(vb_json_str(json_array_get(json_object_get(c, "unavailable"), 0), "name"),
			 "docker");
	e = json_array_get(json_object_get(c, "environments"), 0);
	ck_assert_str_eq(vb_json_str(e, "name"), "container");
	ck_assert_ptr_nonnull(vb_json_str(json_object_get(e, "overall"), "verdict"));
	ck_assert_uint_eq(json_array_size(json_object_get(e, "groups")), 3);
	ck_assert_str_eq(vb_json_str(json_array_get(json_object_get(e, "groups"), 2), "label"),
			 "disk I/O");
	ck_assert(json_is_true(json_object_get(json_array_get(ts, 2), "measured")));
	hw = json_array_get(ts, 3);
	ck_assert(json_is_false(json_object_get(hw, "measured")));
	ck_assert_str_eq(vb_json_str(json_array_get(json_object_get(hw, "unavailable"), 0), "reason"),
			 "no /dev/kvm here");
	ck_assert_str_eq(vb_json_str(json_object_get(h, "virtualized_host"), "hypervisor"), "KVMKVMKVM");
	json_decref(sum);
	json_decref(run);
}
END_TEST

START_TEST(test_sentences)
{
	json_t *run = vb_test_run_all_types(), *sum = vb_test_summarize(run),
	       *lines = vb_table_headline(sum);
	const char *l;

	ck_assert_uint_eq(json_array_size(lines), 5);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(lines, 0)),
				     "The baseline host is itself a virtual machine"));
	l = json_string_value(json_array_get(lines, 1));
#define START "Containers: container (namespaces+cgroups (vbench runtime)) x"
	ck_assert_msg(!strncmp(l, START, strlen(START)), "%s", l);
	ck_assert_ptr_nonnull(strstr(l, "; oci ("));
	ck_assert_ptr_nonnull(strstr(l, ", per group: CPU x"));
	ck_assert_str_eq(json_string_value(json_array_get(lines, 2)),
			 "Sandboxes: not measured: no environment of this type in this run.");
	ck_assert_str_eq(json_string_value(json_array_get(lines, 4)),
			 "Hardware-assisted VMs: not measured: kvm unavailable: no /dev/kvm here.");
	json_decref(lines);
	json_decref(sum);
	json_decref(run);
	/* a type this vbench has but the run did not ask for */
	run = vb_test_load_fixture("tests/fixtures/run-bare-container.json");
	sum = vb_test_summarize(run);
	lines = vb_table_headline(sum);
	ck_assert_str_eq(json_string_value(json_array_get(lines, 3)),
			 "Hosted VMs: not measured: no environment of this type in this run.");
	json_decref(lines);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* --all means available: no unavailable environment in environments[] or summary.csv. */
START_TEST(test_unavailable_only_once)
{
	json_t *run = vb_test_run_all_types(), *sum = vb_test_summarize(run), *e;
	char *csv = NULL;
	size_t i, len = 0;
	FILE *f = open_memstream(&csv, &len);

	json_array_foreach(json_object_get(sum, "environments"), i, e) {
		ck_assert_str_ne(vb_json_str(e, "name"), "kvm");
		ck_assert_str_ne(vb_json_str(e, "name"), "docker");
	}
	ck_assert_uint_eq(json_array_size(json_object_get(sum, "environments")), 4);
	ck_assert_uint_eq(
	    json_array_size(json_object_get(json_object_get(sum, "unavailable"), "environments")),
	    2);
	vb_report_csv(sum, f);
	fclose(f);
	ck_assert_ptr_null(strstr(csv, "kvm"));
	ck_assert_ptr_null(strstr(csv, "docker"));
	free(csv);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* summary.csv opens with the group and overall rows: one per group and
 * measured environment, the figures summary.json's groups hold. */
START_TEST(test_csv_group_rows)
{
	json_t *run = vb_test_run_all_types(), *sum = vb_test_summarize(run), *g, *ge;
	char *csv = NULL, want[256], *line, *nl;
	size_t i, len = 0, groups = 0, rows = 0;
	const char *name;
	FILE *f = open_memstream(&csv, &len);

	vb_report_csv(sum, f);
	fclose(f);
	json_array_foreach(json_object_get(sum, "groups"), i, g)
		json_object_foreach(json_object_get(g, "envs"), name, ge) {
			snprintf(want, sizeof(want), "\n%s,,%s,%s,overhead_geomean,ratio,lower,", name,
				 vb_json_str(g, "kind"), strcmp(vb_json_str(g, "kind"), "all") ? "group" : "overall");
			line = strstr(csv, want);
			ck_assert_msg(line != NULL, "no row '%s' in:\n%.2000s", want + 1, csv);
			nl = strchr(line + 1, '\n');
			snprintf(want, sizeof(want), ",%.6g,", json_real_value(json_object_get(ge, "geomean")));
			ck_assert_msg(memmem(line, (size_t)(nl - line), want, strlen(want)),
				      "%.*s: not %s", (int)(nl - line), line + 1, want);
			snprintf(want, sizeof(want), ",%s,,ok,", vb_json_str(ge, "verdict"));
			ck_assert_msg(memmem(line, (size_t)(nl - line), want, strlen(want)),
				      "%.*s: not %s", (int)(nl - line), line + 1, want);
			groups++;
		}
	ck_assert_uint_ge(groups, 3 * 2); /* three measured environments besides bare, CPU and all */
	/* first after the header, before any workload's row */
	for (line = strchr(csv, '\n') + 1; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		if (!memmem(line, (size_t)(nl - line), ",overhead_geomean,", 18))
			break;
		rows++;
	}
	ck_assert_uint_eq(rows, groups);
	free(csv);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* Without a baseline no group has a figure: "no ratio (no baseline)",
 * never "undecided (too few repetitions)" (which a review found the
 * "not measured" change made of it). */
START_TEST(test_no_baseline)
{
	json_t *run = vb_test_load_fixture("tests/fixtures/run-bare-container.json"), *sum, *r,
	       *keep = json_array(), *envs = json_array(), *lines, *g;
	size_t i;

	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "env")), "bare"))
			json_array_append(keep, r);
	json_object_set_new(run, "repetitions", keep);
	json_array_foreach(json_object_get(run, "environments"), i, r)
		if (!json_is_true(json_object_get(r, "baseline")))
			json_array_append(envs, r);
	json_object_set_new(run, "environments", envs);
	sum = vb_test_summarize(run);
	json_array_foreach(json_object_get(sum, "groups"), i, g)
		ck_assert_uint_eq(json_object_size(json_object_get(g, "envs")), 0);
	lines = vb_table_headline(sum);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(lines, 1)),
				     "container (namespaces+cgroups (vbench runtime)) no ratio (no "
				     "baseline) overall"));
	json_decref(lines);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* One repetition a side gives no figure: the headline and the verdict
 * lines say "undecided (too few repetitions)", never "no baseline" (they
 * did, with bare in the run). */
START_TEST(test_one_repetition)
{
	json_t *run = vb_test_load_fixture("tests/fixtures/run-bare-container.json"), *sum, *r,
	       *keep = json_array(), *lines;
	char *text = NULL;
	size_t i, len = 0;
	FILE *f;

	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		if (json_integer_value(json_object_get(r, "rep")) == 1)
			json_array_append(keep, r);
	json_object_set_new(run, "repetitions", keep);
	sum = vb_test_summarize(run);
	lines = vb_table_headline(sum);
	json_array_foreach(lines, i, r)
		ck_assert_msg(!strstr(json_string_value(r), "no baseline"), "%s",
			      json_string_value(r));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(lines, 1)),
				     "container (namespaces+cgroups (vbench runtime)) undecided (too few "
				     "repetitions) overall"));
	f = open_memstream(&text, &len);
	vb_table_print_width(sum, 0, f);
	fclose(f);
	ck_assert_msg(!strstr(text, "no environment to compare"), "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "CPU verdict (geometric mean): container undecided"));
	free(text);
	json_decref(lines);
	json_decref(sum);
	json_decref(run);
}
END_TEST

Suite *vb_suite_headline(void)
{
	Suite *s = suite_create("headline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_sentences);
	tcase_add_test(tc, test_unavailable_only_once);
	tcase_add_test(tc, test_csv_group_rows);
	tcase_add_test(tc, test_one_repetition);
	tcase_add_test(tc, test_no_baseline);
	suite_add_tcase(s, tc);
	return s;
}
