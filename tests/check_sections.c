/*
 * check_sections.c - the density, noisy-neighbour and explanation sections
 * of report.md / report.html, their charts, and `vbench plan --out` (plan.md,
 * plan.html, charts/plan.*), from the committed fixture
 * tests/fixtures/run-density-noisy.json (a real run: bare metal, container
 * and a hosted TCG VM, --density 3 --noisy=cpu,mem, profile test).
 *
 * report.md and report.html rendered by `vbench report --no-charts` equal
 * tests/fixtures/golden/report-density-noisy.{md,html} byte for byte (`make
 * golden` refreshes them); the chart data files hold the fixture's numbers
 * and the scripts plot them by a relative path; gnuplot renders them when it
 * is installed (skipped with the reason otherwise); strings from run.json
 * are escaped in HTML and quoted in scripts; a run without the sections has
 * none of them.
 */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/output/charts.h"
#include "harness/output/charts_int.h"
#include "harness/analysis/explain.h"
#include "harness/analysis/plan.h"
#include "harness/output/table.h"
#include "harness/output/report_dir.h"
#include "harness/core/runfile.h"
#include "harness/analysis/summary.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE	    "tests/fixtures/run-density-noisy.json"
#define OLD_FIXTURE "tests/fixtures/run-bare-container.json"
#define RUN_NAME    "run-density-noisy"
#define MAXFILE	    (64u << 20)

static char tmpdir[PATH_MAX];

static void setup(void)
{
	ck_assert_int_eq(vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "stest"), 0);
}

static void teardown(void)
{
	unsetenv(VB_CHARTS_GNUPLOT_ENV);
	vb_test_rmdtemp(tmpdir);
}

/* ---- helpers ---- */

static int exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static int have_gnuplot(void)
{
	char gp[PATH_MAX];

	unsetenv(VB_CHARTS_GNUPLOT_ENV);
	return vb_charts_find_gnuplot(gp, sizeof(gp)) == 0;
}

/* The PNG at DIR/NAME starts with the PNG signature and is larger than 1 KiB. */
static void assert_png(const char *dir, const char *name)
{
	char path[PATH_MAX];
	unsigned char sig[8];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_msg(stat(path, &st) == 0 && st.st_size > 1024, "%s missing or tiny", path);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fread(sig, 1, 8, f), 8);
	fclose(f);
	ck_assert_msg(!memcmp(sig, "\x89PNG\r\n\x1a\n", 8), "%s: not a PNG", path);
}

/* Offset of @needle in @hay, -1 when absent. */
static long at(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	return p ? (long)(p - hay) : -1;
}

/* ---- golden report.md and report.html ---- */

START_TEST(test_golden_sections)
{
	json_t *run = vb_test_load_fixture(FIXTURE);
	char dir[PATH_MAX], *out, *err, *md, *html, sec[96];
	const char *p;
	int rc;

	snprintf(dir, sizeof(dir), "%s/" RUN_NAME, tmpdir);
	vb_test_write_run(dir, run);
	rc = vb_test_vbench(tmpdir, &out, &err, "report", "--quiet", "--no-charts", RUN_NAME, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	free(out);
	free(err);
	md = vb_test_read_text(dir, "report.md", MAXFILE);
	html = vb_test_read_text(dir, "report.html", MAXFILE);
	ck_assert_ptr_nonnull(md);
	ck_assert_ptr_nonnull(html);
	vb_test_compare_golden("report-density-noisy.md", md, strlen(md));
	vb_test_compare_golden("report-density-noisy.html", html, strlen(html));
	/* report.md: both tables, each with its chart reference. */
	ck_assert_int_gt(at(md, "## Density"), 0);
	ck_assert_int_gt(at(md, "| hosted | 3/3 | 2833 | 231.5 MiB | 481.9 MiB |"), 0);
	ck_assert_int_gt(at(md, "[charts/density.svg](charts/density.svg)"), at(md, "## Density"));
	ck_assert_int_gt(at(md, "## Noisy neighbours"), at(md, "charts/density.svg"));
	ck_assert_int_gt(at(md, "[charts/noisy.svg](charts/noisy.svg)"), at(md, "## Noisy"));
	/* report.html: the three sections in order, after the counters. */
	ck_assert_int_gt(at(html, "<section id=\"density\">"),
			 at(html, "<section id=\"counters\">"));
	ck_assert_int_gt(at(html, "<section id=\"noisy\">"), at(html, "<section id=\"density\">"));
	ck_assert_int_gt(at(html, "<section id=\"explain\">"), at(html, "<section id=\"noisy\">"));
	/* read top-down: headline (the virtualized host its first line), the
	 * overview chart (tests/check_html.c), the other warnings, contents,
	 * overhead; every entry of the contents leads to a section */
	ck_assert_int_gt(at(html, "id=\"virtualized-host\""), at(html, "<section id=\"headline\">"));
	ck_assert_int_gt(at(html, "<div id=\"warnings\">"), at(html, "<section id=\"headline\">"));
	ck_assert_int_gt(at(html, "<nav id=\"contents\">"), at(html, "<div id=\"warnings\">"));
	ck_assert_int_gt(at(html, "<section id=\"overhead\">"), at(html, "<nav id=\"contents\">"));
	for (p = strstr(html, "<li><a href=\"#"); p; p = strstr(p + 1, "<li><a href=\"#")) {
		char id[64];

		ck_assert_int_eq(sscanf(p, "<li><a href=\"#%63[a-z-]\"", id), 1);
		snprintf(sec, sizeof(sec), "<section id=\"%s\">", id);
		ck_assert_msg(strstr(html, sec), "no section %s", id);
	}
	/* density: instances, every start latency, PSS idle and loaded, disk, the reason */
	ck_assert_ptr_nonnull(
	    strstr(html, "<tr><td>hosted</td><td>hosted VM (type-2)</td><td class=\"num\">3/3</td>"
			 "<td class=\"num\">2833</td><td class=\"num\">2608, 2833, 2911</td>"
			 "<td class=\"num\">231.5 MiB</td><td class=\"num\">481.9 MiB</td>"
			 "<td class=\"num\">200 KiB</td><td class=\"num\">73.1 MiB</td>"
			 "<td>reached K=3</td></tr>"));
	/* noisy: slowdown with interval and verdict, aggressor rate */
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"slower num\">x1.59 [1.23-1.75] slower"));
	ck_assert_ptr_nonnull(strstr(html, "305 Mop/s (x1.00 of 305.1 alone), busy 100%"));
	/* explain: the axes, the environments on them, claim 5 with its deciding numbers */
	ck_assert_ptr_nonnull(strstr(html, "<h3>Two axes: architecture and mechanism</h3>"));
	ck_assert_ptr_nonnull(strstr(html, "<th>architecture \\ mechanism</th>"));
	ck_assert_ptr_nonnull(strstr(html, "<h3 id=\"claim-5\">5. "));
	ck_assert_ptr_nonnull(strstr(html, "x1.02 [0.761-1.03] \xe2\x80\xa0"));
	/* no chart rendered: the sections say so instead of linking nowhere */
	ck_assert_ptr_nonnull(strstr(html, "Charts were not rendered for this report."));
	ck_assert_ptr_null(strstr(html, "href=\"#chart-density\""));
	free(md);
	free(html);
	json_decref(run);
}
END_TEST

/* A run without density, noisy neighbours or an explanation has none of the sections. */
START_TEST(test_sections_absent)
{
	json_t *run = vb_test_load_fixture(OLD_FIXTURE), *sum = vb_test_summarize(run);
	char *s = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&s, &len);
	vb_report_html(sum, NULL, NULL, f);
	fclose(f);
	ck_assert_ptr_null(strstr(s, "id=\"density\""));
	ck_assert_ptr_null(strstr(s, "id=\"noisy\""));
	ck_assert_ptr_null(strstr(s, "id=\"explain\""));
	free(s);
	s = NULL;
	f = open_memstream(&s, &len);
	vb_report_md(sum, f);
	fclose(f);
	ck_assert_ptr_null(strstr(s, "## Density"));
	ck_assert_ptr_null(strstr(s, "charts/noisy.svg"));
	free(s);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* Strings from run.json are text in HTML and data in gnuplot, never markup or commands. */
START_TEST(test_sections_escaping)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum, *dens, *noisy, *x;
	char *s = NULL, *gp, chartdir[PATH_MAX];
	vb_error_t err;
	size_t len = 0;
	FILE *f;

	dens = json_object_get(run, "density");
	noisy = json_object_get(run, "noisy");
	json_object_set_new(json_object_get(dens, "bare"), "stopped_because",
			    json_string("<b>memory</b> & more"));
	json_object_set_new(json_object_get(json_object_get(noisy, "container"), "placement"),
			    "how", json_string("<script>alert('x')</script>"));
	json_object_set(dens, "it's \"odd\"", json_object_get(dens, "container"));
	json_object_set_new(json_object_get(dens, "it's \"odd\""), "type",
			    json_string("`touch /tmp/x` @x"));
	sum = vb_test_summarize(run);
	x = vb_explain_build(run, sum, "<dir>");
	ck_assert_ptr_nonnull(x);
	f = open_memstream(&s, &len);
	vb_report_html(sum, NULL, x, f);
	fclose(f);
	ck_assert_ptr_null(strstr(s, "<b>memory"));
	ck_assert_ptr_nonnull(strstr(s, "&lt;b&gt;memory&lt;/b&gt; &amp; more"));
	ck_assert_ptr_null(strstr(s, "<script>"));
	ck_assert_ptr_nonnull(strstr(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(s, "<td>it&#39;s &quot;odd&quot;</td>"));
	free(s);
	/* In the chart: single-quoted in the script, quotes replaced in the data file. */
	json_decref(vb_charts_render(sum, tmpdir, &err));
	snprintf(chartdir, sizeof(chartdir), "%s/charts", tmpdir);
	gp = vb_test_read_text(chartdir, "density.gp", MAXFILE);
	ck_assert_ptr_nonnull(gp);
	ck_assert_ptr_nonnull(strstr(gp, "title 'it''s \"odd\": `touch /tmp/x` @x'"));
	free(gp);
	gp = vb_test_read_text(chartdir, "density.dat", MAXFILE);
	ck_assert_ptr_nonnull(strstr(gp, " \"it's 'odd'\" "));
	free(gp);
	json_decref(x);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* ---- charts ---- */

/* "%.6g" of @v, as the data files write numbers. */
static const char *g6(double v, char *buf, size_t len)
{
	snprintf(buf, len, " %.6g", v);
	return buf;
}

START_TEST(test_capacity_charts)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum = vb_test_summarize(run), *doc, *c, *pi;
	char chartdir[PATH_MAX], want[256], a[32], b[32], *dat, *gp, *html;
	vb_report_dir_opts_t go = { .charts = 1, .log = NULL };
	int gnuplot = have_gnuplot(), seen = 0;
	vb_error_t err;
	size_t i;

	if (!gnuplot) {
		fprintf(stderr,
			"SKIP %s (rendering only): gnuplot not installed "
			"(apt-get install gnuplot-nox); checking the data and scripts\n",
			__func__);
		setenv(VB_CHARTS_GNUPLOT_ENV, "/nonexistent", 1);
	}
	doc = vb_charts_render(sum, tmpdir, &err);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	ck_assert_int_eq(json_array_size(json_object_get(doc, "charts")), 7); /* overview .. noisy */
	json_array_foreach (json_object_get(doc, "charts"), i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));

		if (strcmp(name, "density") && strcmp(name, "noisy"))
			continue;
		seen++;
		if (gnuplot)
			ck_assert_msg(
			    !strcmp(json_string_value(json_object_get(c, "status")), "ok"),
			    "chart %s: %s", name,
			    json_string_value(json_object_get(c, "note")) ?: "");
	}
	ck_assert_int_eq(seen, 2);
	snprintf(chartdir, sizeof(chartdir), "%s/charts", tmpdir);
	/* density.dat: the medians per instance in MiB, then each instance's latency in ms */
	dat = vb_test_read_text(chartdir, "density.dat", MAXFILE);
	ck_assert_ptr_nonnull(dat);
	pi = json_object_get(json_object_get(json_object_get(run, "density"), "hosted"),
			     "per_instance");
	snprintf(want, sizeof(want), " \"hosted\" %ld%s%s\n", strtol(vb_charts_colour("hosted") + 1, NULL, 16),
		 g6(vb_table_num(pi, "pss_idle_bytes") / 1048576.0, a, sizeof(a)),
		 g6(vb_table_num(pi, "pss_loaded_bytes") / 1048576.0, b, sizeof(b)));
	ck_assert_msg(strstr(dat, want) != NULL, "density.dat lacks %s", want);
	ck_assert_ptr_nonnull(strstr(dat, "\n\n\n# hosted: instance (start order), start latency "
					  "(ms)\n1 2608.28\n2 2832.75\n3 2910.59\n"));
	free(dat);
	gp = vb_test_read_text(chartdir, "density.gp", MAXFILE);
	ck_assert_ptr_nonnull(strstr(gp, "plot 'density.dat' index 0 using ($0-0.19):3:(0.36):2 "
					 "with boxes fs solid 0.7 border -1 lc rgb variable"));
	ck_assert_ptr_nonnull(strstr(gp, "lc rgb '#808080' title 'idle'"));
	snprintf(want, sizeof(want),
		 "'density.dat' index 3 using 1:2 with linespoints pt 7 lc rgb '%s' title 'hosted: "
		 "hosted VM (type-2)'",
		 vb_charts_colour("hosted"));
	ck_assert_msg(strstr(gp, want) != NULL, "density.gp lacks %s", want);
	ck_assert_ptr_nonnull(strstr(gp, "set logscale y"));
	ck_assert_ptr_null(strstr(gp, tmpdir));
	free(gp);
	/* noisy.dat: per kind, per environment ratio low high */
	dat = vb_test_read_text(chartdir, "noisy.dat", MAXFILE);
	ck_assert_ptr_nonnull(strstr(dat, "# (in this order): bare container hosted\n"));
	ck_assert_ptr_nonnull(strstr(dat, "\n \"cpu\" 0.988448 0.486949 1.00411 1.59412 1.22615 "
					  "1.74851 1.00134 0.948915 1.01375\n"));
	ck_assert_ptr_nonnull(strstr(dat, "\n \"mem\" "));
	free(dat);
	gp = vb_test_read_text(chartdir, "noisy.gp", MAXFILE);
	ck_assert_ptr_nonnull(strstr(gp, "set style histogram errorbars"));
	snprintf(want, sizeof(want), "plot 'noisy.dat' using 2:3:4:xtic(1) lc rgb '%s' title 'bare: "
		 "bare metal'", vb_charts_colour("bare"));
	ck_assert_msg(strstr(gp, want) != NULL, "noisy.gp lacks %s", want);
	snprintf(want, sizeof(want), "'noisy.dat' using 8:9:10 lc rgb '%s' title 'hosted: hosted VM "
		 "(type-2)'", vb_charts_colour("hosted"));
	ck_assert_msg(strstr(gp, want) != NULL, "noisy.gp lacks %s", want);
	ck_assert_ptr_nonnull(strstr(gp, "1 with lines"));
	free(gp);
	json_decref(doc);
	if (gnuplot) {
		assert_png(chartdir, "density.png");
		assert_png(chartdir, "noisy.png");
		/* report.html embeds them and the sections point at them. */
		go.run = run;
		ck_assert_msg(vb_report_dir_write(sum, tmpdir, &go, &err) == 0, "%s", err.msg);
		html = vb_test_read_text(tmpdir, "report.html", MAXFILE);
		ck_assert_ptr_nonnull(strstr(html, "<figure id=\"chart-density\">"));
		ck_assert_ptr_nonnull(strstr(html, "<figure id=\"chart-noisy\">"));
		/* the overview chart first: after the headline, before the contents, once */
		ck_assert_int_gt(at(html, "<figure id=\"chart-overview\">"),
				 at(html, "<section id=\"headline\">"));
		ck_assert_int_gt(at(html, "<nav id=\"contents\">"),
				 at(html, "<figure id=\"chart-overview\">"));
		ck_assert_ptr_null(strstr(strstr(html, "<figure id=\"chart-overview\">") + 1,
					  "<figure id=\"chart-overview\">"));
		ck_assert_ptr_nonnull(strstr(html, "<a href=\"#chart-density\">"));
		ck_assert_ptr_nonnull(strstr(html, "<a href=\"#chart-noisy\">"));
		ck_assert_ptr_nonnull(strstr(html, "<section id=\"explain\">"));
		free(html);
	}
	json_decref(sum);
	json_decref(run);
	/* A run without them: no entry and no file (an earlier report's are removed). */
	run = vb_test_load_fixture(OLD_FIXTURE);
	sum = vb_test_summarize(run);
	doc = vb_charts_render(sum, tmpdir, &err);
	ck_assert_ptr_nonnull(doc);
	json_array_foreach (json_object_get(doc, "charts"), i, c) {
		ck_assert_str_ne(json_string_value(json_object_get(c, "name")), "density");
		ck_assert_str_ne(json_string_value(json_object_get(c, "name")), "noisy");
	}
	ck_assert(!exists(chartdir, "density.dat") && !exists(chartdir, "noisy.gp"));
	ck_assert(!exists(chartdir, "density.png") && !exists(chartdir, "noisy.svg"));
	json_decref(doc);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* ---- vbench plan --out: plan.json, plan.md, plan.html, charts/plan.* ---- */

START_TEST(test_plan_report)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *doc, *e;
	char dir[PATH_MAX], ini[PATH_MAX], outdir[PATH_MAX], chartdir[PATH_MAX], want[256];
	char *out, *err, *md, *html, *dat, *gp;
	int gnuplot = have_gnuplot(), rc;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	vb_test_write_run(dir, run);
	snprintf(ini, sizeof(ini), "%s/examples/consolidate.ini", vb_test_srcdir());
	snprintf(outdir, sizeof(outdir), "%s/out", tmpdir);
	snprintf(chartdir, sizeof(chartdir), "%s/charts", outdir);
	if (!gnuplot) {
		fprintf(stderr,
			"SKIP %s (rendering only): gnuplot not installed "
			"(apt-get install gnuplot-nox)\n",
			__func__);
		setenv(VB_CHARTS_GNUPLOT_ENV, "/nonexistent", 1);
	}
	rc = vb_test_vbench(tmpdir, &out, &err, "plan", "--run", dir, "--out", outdir, ini, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(out, "environment: hosted\n  CPU factor: 6.35\n"));
	ck_assert_ptr_nonnull(strstr(err, "wrote plan.json, plan.md, plan.html and charts/"));
	free(out);
	free(err);
	/* plan.json: every environment of the run planned, one host each; memory binds,
	 * but for hosted, whose factors rest on 3 repetitions: undecided, so the plan
	 * takes their upper bounds (x6.35 CPU) and the CPU binds */
	snprintf(ini, sizeof(ini), "%s/plan.json", outdir);
	doc = json_load_file(ini, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "schema")), VB_PLAN_SCHEMA);
	ck_assert_int_eq(json_array_size(json_object_get(doc, "environments")), 3);
	json_array_foreach (json_object_get(doc, "environments"), i, e) {
		ck_assert(json_is_true(json_object_get(e, "planned")));
		ck_assert_str_eq(
		    json_string_value(json_object_get(json_object_get(e, "fit"), "binding")),
		    strcmp(json_string_value(json_object_get(e, "name")), "hosted") ? "memory"
										     : "CPU");
		/* every measured factor states the repetitions it rests on */
		if (i)
			ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
							 json_object_get(e, "factors"), "io_basis")),
						     ", 3 reps"));
	}
	ck_assert_ptr_nonnull(strstr(
	    json_string_value(json_object_get(
		json_object_get(json_array_get(json_object_get(doc, "environments"), 2), "factors"),
		"io_basis")),
	    "x1.74 [1.62-2.22] undecided, 3 reps, upper bound taken"));
	ck_assert_double_eq_tol(
	    json_number_value(json_object_get(json_object_get(doc, "options"), "margin")), 0.03,
	    1e-12);
	json_decref(doc);
	/* the chart's data: hosts needed per environment with the binding resource, then
	 * each service's instances per host at its own x */
	dat = vb_test_read_text(chartdir, "plan.dat", MAXFILE);
	ck_assert_ptr_nonnull(dat);
	snprintf(want, sizeof(want), "\n0 1 1 \"memory\" %ld\n1 1 1 \"memory\" %ld\n2 1 1 \"CPU\" %ld\n",
		 strtol(vb_charts_colour("bare") + 1, NULL, 16),
		 strtol(vb_charts_colour("container") + 1, NULL, 16),
		 strtol(vb_charts_colour("hosted") + 1, NULL, 16));
	ck_assert_msg(strstr(dat, want) != NULL, "plan.dat lacks %s", want);
	ck_assert_ptr_nonnull(strstr(dat,
				     "# service 1: x, instances per host alone, what stops "
				     "more\n0 4 \"memory\"\n3 4 \"memory\"\n6 3 \"CPU\"\n"));
	ck_assert_ptr_nonnull(strstr(dat, "\n1 2 \"memory\"\n4 2 \"memory\"\n7 2 \"CPU\"\n"));
	free(dat);
	gp = vb_test_read_text(chartdir, "plan.gp", MAXFILE);
	/* the title says where the factors come from: the run's name and CPU */
	ck_assert_ptr_nonnull(strstr(gp, "'factors from run run (AMD EPYC, itself a VM)'"));
	ck_assert_ptr_null(strstr(gp, tmpdir));
	ck_assert_ptr_nonnull(strstr(gp, "set xtics ('bare' 0, 'container' 1, 'hosted' 2)"));
	ck_assert_ptr_nonnull(strstr(gp, "set xtics ('bare' 0.5, 'container' 3.5, 'hosted' 6.5)"));
	ck_assert_ptr_nonnull(strstr(gp, "'plan.dat' index 0 using 1:3:4 with labels"));
	ck_assert_ptr_nonnull(strstr(gp, "'plan.dat' index 2 using 1:2 with boxes title 'db'"));
	free(gp);
	md = vb_test_read_text(outdir, "plan.md", MAXFILE);
	html = vb_test_read_text(outdir, "plan.html", MAXFILE);
	ck_assert_ptr_nonnull(strstr(md, "## Capacity plan"));
	ck_assert_ptr_nonnull(strstr(html, "<h2 id=\"plan\">Per virtualization type</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "<tr><td>hosted</td><td>hosted VM (type-2)</td>"
					   "<td class=\"num\">6.35</td>"));
	ck_assert_ptr_nonnull(
	    strstr(html, "<td>memory</td><td>web 4 (memory), db 2 (memory)</td>"));
	if (gnuplot) {
		assert_png(chartdir, "plan.png");
		ck_assert_ptr_nonnull(strstr(md, "Chart: [charts/plan.svg](charts/plan.svg)"));
		ck_assert_ptr_nonnull(strstr(html, "<figure id=\"chart-plan\">"));
		ck_assert_ptr_nonnull(strstr(html, "src=\"data:image/png;base64,iVBORw0KGgo"));
	} else {
		ck_assert_ptr_nonnull(strstr(md, "Chart not rendered (gnuplot not found"));
	}
	free(md);
	free(html);
	/* without gnuplot: still written, with the reason */
	setenv(VB_CHARTS_GNUPLOT_ENV, "/nonexistent", 1);
	snprintf(ini, sizeof(ini), "%s/examples/consolidate.ini", vb_test_srcdir());
	rc = vb_test_vbench(tmpdir, &out, &err, "plan", "--run", dir, "--out", outdir, ini, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(err, "gnuplot not found"));
	free(out);
	free(err);
	md = vb_test_read_text(outdir, "plan.md", MAXFILE);
	html = vb_test_read_text(outdir, "plan.html", MAXFILE);
	ck_assert_ptr_nonnull(strstr(md, "Chart not rendered (gnuplot not found"));
	ck_assert_ptr_nonnull(strstr(html, "Chart not rendered: gnuplot not found"));
	ck_assert(!exists(chartdir, "plan.png"));
	free(md);
	free(html);
	unsetenv(VB_CHARTS_GNUPLOT_ENV);
	/* --no-charts: no chart directory, plan.html says so */
	snprintf(outdir, sizeof(outdir), "%s/out2", tmpdir);
	rc = vb_test_vbench(tmpdir, &out, &err, "plan", "--quiet", "--no-charts", "--run", dir, "--out",
			outdir, ini, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	ck_assert(exists(outdir, "plan.html") && !exists(outdir, "charts"));
	html = vb_test_read_text(outdir, "plan.html", MAXFILE);
	ck_assert_ptr_nonnull(strstr(html, "Charts were not rendered for this plan."));
	free(html);
	/* bad usage: one line, exit 2, nothing written */
	snprintf(outdir, sizeof(outdir), "%s/out3", tmpdir);
	rc = vb_test_vbench(tmpdir, &out, &err, "plan", "--no-charts=1", "--run", dir, "--out", outdir,
			ini, NULL);
	ck_assert_int_eq(rc, 2);
	ck_assert_str_eq(err, "vbench plan: --no-charts takes no value\n");
	ck_assert(!exists(tmpdir, "out3"));
	free(out);
	free(err);
	rc = vb_test_vbench(tmpdir, &out, &err, "plan", "--run", dir, ini, "--out", NULL);
	ck_assert_int_eq(rc, 2);
	ck_assert_str_eq(err, "vbench plan: --out needs a value (DIR)\n");
	free(out);
	free(err);
	json_decref(run);
}
END_TEST

Suite *vb_suite_sections(void)
{
	Suite *s = suite_create("sections");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_golden_sections);
	tcase_add_test(tc, test_sections_absent);
	tcase_add_test(tc, test_sections_escaping);
	tcase_add_test(tc, test_capacity_charts);
	tcase_add_test(tc, test_plan_report);
	suite_add_tcase(s, tc);
	return s;
}
