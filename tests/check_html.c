/*
 * check_html.c - report.html as a browser lays it out (issue #14): headless
 * Chromium at 1280 and 1920 px wide opens the report of a run with every
 * virtualization type, six measured environments and two unavailable, and
 * a script added to a copy of the page measures it: the page does not
 * scroll sideways (document.documentElement.scrollWidth <= innerWidth, no
 * element past the right edge outside a scrolling table), and the
 * headline and the overview chart lie within the first 1,000 px.  Skipped
 * with the reason when chromium or gnuplot is missing.
 */
#include <check.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/summary.h"
#include "harness/core/runproc.h"
#include "harness/output/report_dir.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define DOM_MAX (32u << 20)

static char tmpdir[PATH_MAX];

static void setup(void)
{
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "ctest"), 0);
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* Measures the page once it has loaded, into <pre id="vbtest-layout">:
 * widths, where the headline and the overview chart lie (page px), and
 * the first elements past the right edge that no .scroll box holds. */
static const char layout_js[] =
    "<script>\n"
    "window.addEventListener('load', function () {\n"
    "  var d = document.documentElement, r = { sw: d.scrollWidth, iw: window.innerWidth,\n"
    "                                          wide: [] };\n"
    "  ['headline', 'chart-overview'].forEach(function (id) {\n"
    "    var e = document.getElementById(id), b;\n"
    "    if (!e) return;\n"
    "    b = e.getBoundingClientRect();\n"
    "    r[id] = [Math.round(b.top + window.scrollY), Math.round(b.bottom + window.scrollY)];\n"
    "  });\n"
    "  document.querySelectorAll('body *').forEach(function (e) {\n"
    "    if (e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest('.scroll')\n"
    "        && r.wide.length < 5)\n"
    "      r.wide.push(e.tagName + (e.id ? '#' + e.id : ''));\n"
    "  });\n"
    "  var p = document.createElement('pre');\n"
    "  p.id = 'vbtest-layout';\n"
    "  p.textContent = JSON.stringify(r);\n"
    "  document.body.appendChild(p);\n"
    "});\n"
    "</script>\n";

/* A copy of the container's record and repetitions in @run named @name. */
static void add_env(json_t *run, const char *name, const char *type, const char *mech)
{
	json_t *e = json_deep_copy(vb_test_env_rec(run, "container")), *r, *add = json_array();
	size_t i;

	json_object_set_new(e, "name", json_string(name));
	json_object_del(e, "class");
	json_object_update_new(e, json_pack("{s:s,s:s}", "type", type, "mechanism", mech));
	json_array_append_new(json_object_get(run, "environments"), e);
	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "env")), "container")) {
			r = json_deep_copy(r);
			json_object_set_new(r, "env", json_string(name));
			json_array_append_new(add, r);
		}
	json_array_extend(json_object_get(run, "repetitions"), add);
	json_decref(add);
}

/* The report page of @dir with the measuring script, as @dir/layout.html. */
static void page_with_script(const char *dir)
{
	char *html = vb_test_read_text(dir, "report.html", 64u << 20), *end, path[PATH_MAX];
	FILE *f;

	ck_assert_ptr_nonnull(html);
	end = strstr(html, "</body>");
	ck_assert_ptr_nonnull(end);
	snprintf(path, sizeof(path), "%s/layout.html", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(html, 1, (size_t)(end - html), f);
	fputs(layout_js, f);
	fputs(end, f);
	ck_assert_int_eq(fclose(f), 0);
	free(html);
}

/* The measurements of the page at @width px. */
static json_t *measure(const char *dir, int width)
{
	char url[PATH_MAX + 32], *dom = malloc(DOM_MAX), *p, *q;
	json_error_t je;
	json_t *r;

	ck_assert_ptr_nonnull(dom);
	snprintf(url, sizeof(url), "file://%s/layout.html", dir);
	vb_test_chromium_dom(dir, url, width, dom, DOM_MAX);
	p = strstr(dom, "<pre id=\"vbtest-layout\">");
	ck_assert_msg(p != NULL, "the page's script did not run (%zu bytes of DOM)", strlen(dom));
	p += strlen("<pre id=\"vbtest-layout\">");
	q = strstr(p, "</pre>");
	ck_assert_ptr_nonnull(q);
	*q = '\0';
	r = json_loads(p, 0, &je);
	ck_assert_msg(r != NULL, "%s: %s", je.text, p);
	free(dom);
	return r;
}

static long long pos(const json_t *r, const char *id, size_t k)
{
	const json_t *a = json_object_get(r, id);

	ck_assert_msg(json_is_array(a), "no #%s on the page", id);
	return json_integer_value(json_array_get(a, k));
}

START_TEST(test_page_fits)
{
	static const int widths[] = { 1280, 1920 };
	vb_report_dir_opts_t go = { .charts = 1, .log = NULL };
	char gp[PATH_MAX];
	json_t *run, *sum, *r;
	vb_error_t err;
	size_t i;

	if (vb_proc_which("gnuplot", gp, sizeof(gp)) < 0)
		VB_SKIP("gnuplot not installed (apt-get install gnuplot-nox)");
	run = vb_test_run_all_types();
	add_env(run, "podman", "container (engine)", "namespaces+cgroups (podman, crun)");
	add_env(run, "oci-runc", "container (OCI runtime)", "namespaces+cgroups (runc)");
	sum = vb_test_summarize(run);
	vb_error_clear(&err);
	ck_assert_msg(vb_report_dir_write(sum, tmpdir, &go, &err) == 0, "%s", err.msg);
	page_with_script(tmpdir);
	for (i = 0; i < VB_ARRAY_SIZE(widths); i++) {
		r = measure(tmpdir, widths[i]);
		ck_assert_msg(json_integer_value(json_object_get(r, "sw")) <=
				      json_integer_value(json_object_get(r, "iw")),
			      "%d px: the page scrolls sideways: %s", widths[i],
			      json_dumps(r, JSON_COMPACT));
		ck_assert_msg(json_array_size(json_object_get(r, "wide")) == 0,
			      "%d px: past the right edge: %s", widths[i],
			      json_dumps(r, JSON_COMPACT));
		ck_assert_msg(pos(r, "headline", 1) <= 1000 && pos(r, "chart-overview", 1) <= 1000,
			      "%d px: the headline or the overview chart ends below 1,000 px: %s",
			      widths[i], json_dumps(r, JSON_COMPACT));
		ck_assert(pos(r, "headline", 0) < pos(r, "chart-overview", 0));
		json_decref(r);
	}
	json_decref(sum);
	json_decref(run);
}
END_TEST

Suite *vb_suite_html(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("layout");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_page_fits);
	suite_add_tcase(s, tc);
	return s;
}
