/*
 * check_charts.c - the gnuplot charts and report.html, from the committed
 * fixture run (tests/fixtures/run-bare-container.json).
 *
 * gnuplot renders every chart of the fixture to a PNG (signature, more than
 * 1 KiB) and an SVG, each script plotting from the data file next to it;
 * without gnuplot (the test hook VBENCH_GNUPLOT=/nonexistent) and with a
 * failing one (VBENCH_GNUPLOT=/bin/false) `vbench report` still succeeds and
 * says why the charts are missing; the counters chart is skipped with a note
 * when no counter was available.  report.html is self-contained, escapes
 * every string from run.json, and, opened in headless Chromium (skipped
 * with the reason when chromium is not installed), holds the overhead
 * tables, one image per chart and the virtualized host's warning.
 */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/env.h"
#include "harness/output/charts.h"
#include "harness/output/charts_int.h"
#include "harness/output/table.h"
#include "harness/output/report_dir.h"
#include "harness/core/runfile.h"
#include "harness/core/runproc.h"
#include "harness/analysis/summary.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

#define FIXTURE "tests/fixtures/run-bare-container.json"
#define MAXFILE (64u << 20)
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

/* ---- helpers ---- */

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Run `vbench report ARGS...` (NULL-terminated); stdout and stderr malloc'ed. */
static int run_report(char **out, char **errout, const char *a1, const char *a2, const char *a3)
{
	char vbench[PATH_MAX], so[PATH_MAX], se[PATH_MAX];
	const char *argv[] = { vbench, "report", a1, a2, a3, NULL };
	int status, fd;
	pid_t pid;

	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	snprintf(so, sizeof(so), "%s/.stdout", tmpdir);
	snprintf(se, sizeof(se), "%s/.stderr", tmpdir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open(so, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		fd = open(se, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		execv(vbench, (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	*out = vb_read_file(so, MAXFILE, 0, NULL);
	*errout = vb_read_file(se, MAXFILE, 0, NULL);
	ck_assert_ptr_nonnull(*out);
	ck_assert_ptr_nonnull(*errout);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Number of occurrences of @needle in @hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)); hay += strlen(needle))
		n++;
	return n;
}

static int have_gnuplot(void)
{
	char gp[PATH_MAX];

	unsetenv(VB_CHARTS_GNUPLOT_ENV);
	return vb_charts_find_gnuplot(gp, sizeof(gp)) == 0;
}

/* ---- gnuplot renders every chart ---- */

START_TEST(test_charts_render)
{
	json_t *run, *sum, *doc, *c;
	char path[PATH_MAX], *gp, *dat;
	unsigned char sig[8];
	vb_error_t err;
	size_t i;
	FILE *f;

	if (!have_gnuplot())
		VB_SKIP("gnuplot not installed (apt-get install gnuplot-nox)");
	run = vb_test_load_fixture(FIXTURE);
	sum = vb_test_summarize(run);
	doc = vb_charts_render(sum, tmpdir, &err);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	ck_assert(json_is_null(json_object_get(doc, "skipped")));
	/* The fixture has every chart: two environments, perf::TASK-CLOCK, latencies. */
	ck_assert_int_eq(json_array_size(json_object_get(doc, "charts")), 5);
	json_array_foreach(json_object_get(doc, "charts"), i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		char chartdir[PATH_MAX], want[64];

		ck_assert_msg(!strcmp(json_string_value(json_object_get(c, "status")), "ok"),
			      "chart %s: %s", name,
			      json_string_value(json_object_get(c, "note")) ?: "");
		snprintf(path, sizeof(path), "%s/charts/%s.png", tmpdir, name);
		ck_assert_msg(file_size(path) > 1024, "%s: %lld bytes", path,
			      (long long)file_size(path));
		f = fopen(path, "rb");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fread(sig, 1, 8, f), 8);
		fclose(f);
		ck_assert_msg(!memcmp(sig, "\x89PNG\r\n\x1a\n", 8), "%s: not a PNG", path);
		snprintf(path, sizeof(path), "%s/charts/%s.svg", tmpdir, name);
		ck_assert_msg(file_size(path) > 1024, "%s too small", path);
		snprintf(chartdir, sizeof(chartdir), "%s/charts", tmpdir);
		snprintf(path, sizeof(path), "%s.svg", name);
		gp = vb_test_read_text(chartdir, path, MAXFILE);
		ck_assert_ptr_nonnull(strstr(gp, "<svg"));
		free(gp);
		/* The script plots the data file next to it, by a relative path. */
		snprintf(path, sizeof(path), "%s.gp", name);
		gp = vb_test_read_text(chartdir, path, MAXFILE);
		snprintf(path, sizeof(path), "%s.dat", name);
		dat = vb_test_read_text(chartdir, path, MAXFILE);
		ck_assert_ptr_nonnull(gp);
		ck_assert_ptr_nonnull(dat);
		snprintf(want, sizeof(want), "'%s.dat'", name);
		ck_assert_msg(strstr(gp, want) != NULL, "%s.gp does not plot %s", name, want);
		ck_assert_ptr_null(strstr(gp, tmpdir));
		ck_assert_ptr_nonnull(strstr(gp, "set terminal svg"));
		ck_assert_ptr_nonnull(json_string_value(json_object_get(c, "png_base64")));
		free(gp);
		free(dat);
	}
	/* The overhead chart: log scale, the x1 line. */
	snprintf(path, sizeof(path), "%s/charts", tmpdir);
	gp = vb_test_read_text(path, "overhead.gp", MAXFILE);
	ck_assert_ptr_nonnull(strstr(gp, "set logscale y"));
	ck_assert_ptr_nonnull(strstr(gp, "plot 1 with lines"));
	free(gp);
	json_decref(doc);
	json_decref(sum);
	json_decref(run);
}
END_TEST

static void rename_workload(json_t *run, const char *from, const char *to);

/* ---- colours, log scales, repetitions, titles (charts_style.c) ---- */

#define DENSITY_FIXTURE "tests/fixtures/run-density-noisy.json"

/* The chart files of @name (EXT "gp" or "dat") under @dir/charts, malloc'ed. */
static char *chart_file(const char *dir, const char *name, const char *ext)
{
	char cdir[PATH_MAX], file[PATH_MAX];
	char *s;

	snprintf(cdir, sizeof(cdir), "%s/charts", dir);
	snprintf(file, sizeof(file), "%s.%s", name, ext);
	s = vb_test_read_text(cdir, file, MAXFILE);
	ck_assert_msg(s != NULL, "no %s/%s", cdir, file);
	return s;
}

/*
 * Every colour @gp gives environment @env ("lc rgb '#RRGGBB' title 'ENV"
 * and the 0xRRGGBB column of a data row ' "ENV" N') is vb_charts_colour's;
 * returns how many there were.
 */
static size_t check_colours(const char *gp, const char *dat, const char *env)
{
	char key[128], want[16];
	const char *p;
	size_t n = 0;
	long v;

	snprintf(want, sizeof(want), "%s", vb_charts_colour(env));
	snprintf(key, sizeof(key), "' title '%s", env);
	for (p = gp; (p = strstr(p, key)); p++) {
		ck_assert_msg(p - gp > 15 && !strncmp(p - 15, "lc rgb '", 8),
			      "a title of %s without its colour", env);
		ck_assert_msg(!strncmp(p - 6, want + 1, 6) && p[-7] == '#',
			      "%s drawn as %.7s, not %s", env, p - 7, want);
		n++;
	}
	snprintf(key, sizeof(key), " \"%s\" ", env);
	for (p = dat; dat && (p = strstr(p, key)); p++)
		if (sscanf(p + strlen(key), "%ld", &v) == 1 && v > 255) {
			ck_assert_int_eq(v, strtol(want + 1, NULL, 16));
			n++;
		}
	return n;
}

/* The y axis settings of the panel titled @title in @gp: 1 log, 0 linear. */
static int panel_log(const char *gp, const char *title)
{
	const char *p = strstr(gp, title), *plot, *log, *unlog;

	ck_assert_msg(p != NULL, "no panel '%s'", title);
	plot = strstr(p, "plot ");
	log = strstr(p, "set logscale y");
	unlog = strstr(p, "unset logscale y");
	ck_assert_ptr_nonnull(plot);
	if (unlog && unlog < plot)
		return 0;
	return log && log < plot;
}

/*
 * One colour per environment in every chart, the same in all of them and in
 * every run (the palette in one place, keyed by the environment's name);
 * the titles say what and where; the repetitions are drawn beside the
 * medians; an environment that did not run is in no chart.
 */
START_TEST(test_charts_palette_points_titles)
{
	static const char *const names[] = { "overview", "overhead", "absolute", "counters",
					     "footprint", "density", "noisy" };
	json_t *run = vb_test_load_fixture(DENSITY_FIXTURE), *sum, *in, *doc, *c;
	char *gp, *dat, *seen[VB_ARRAY_SIZE(names)];
	const char *env[] = { "bare", "container", "hosted" };
	vb_error_t err;
	size_t i, j, n, col[3] = { 0, 0, 0 }, reps;

	/* distinct colours for every environment vbench knows */
	for (i = 0; i < vb_env_count(); i++)
		for (j = 0; j < i; j++)
			ck_assert_str_ne(vb_charts_colour(vb_env_at(i)->name),
					 vb_charts_colour(vb_env_at(j)->name));
	ck_assert_str_eq(vb_charts_colour("kvm"), vb_charts_colour("kvm"));
	/* an environment that could not run: in no chart */
	json_array_append_new(json_object_get(run, "environments"),
			      json_pack("{s:s,s:s,s:s,s:b,s:s,s:b}", "name", "kvm", "type",
					"hardware-assisted VM", "mechanism", "KVM", "available", 0,
					"reason", "no VT-x", "baseline", 0));
	sum = vb_test_summarize(run);
	in = vb_charts_input(sum, run);
	ck_assert_ptr_nonnull(in);
	if (!have_gnuplot())
		setenv(VB_CHARTS_GNUPLOT_ENV, "/nonexistent", 1);
	doc = vb_charts_render(in, tmpdir, &err);
	unsetenv(VB_CHARTS_GNUPLOT_ENV);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	json_array_foreach(json_object_get(doc, "charts"), i, c)
		ck_assert_msg(json_is_null(json_object_get(doc, "gnuplot")) ||
				  !strcmp(json_string_value(json_object_get(c, "status")), "ok"),
			      "chart %s: %s", json_string_value(json_object_get(c, "name")),
			      json_string_value(json_object_get(c, "note")) ?: "");
	for (i = 0; i < VB_ARRAY_SIZE(names); i++) {
		gp = chart_file(tmpdir, names[i], "gp");
		dat = chart_file(tmpdir, names[i], "dat");
		for (j = 0; j < VB_ARRAY_SIZE(env); j++)
			col[j] += check_colours(gp, dat, env[j]);
		/* what, and where: the host and the run's date on every title */
		ck_assert_msg(strstr(gp, "AMD EPYC, Linux ") && strstr(gp, "; run 20"),
			      "%s: no host or date in its title", names[i]);
		ck_assert_msg(!strstr(gp, "'kvm") && !strstr(dat, "\"kvm\""),
			      "%s draws kvm, which did not run", names[i]);
		seen[i] = gp;
		free(dat);
	}
	for (j = 0; j < VB_ARRAY_SIZE(env); j++) /* every environment is coloured somewhere */
		ck_assert_msg(col[j] >= 4, "%s coloured %zu times", env[j], col[j]);
	/* the repetitions beside the medians: one ratio per container repetition */
	ck_assert_ptr_nonnull(strstr(seen[1], "with points"));
	ck_assert_ptr_nonnull(strstr(seen[2], "with points"));
	dat = chart_file(tmpdir, "overhead", "dat");
	gp = strstr(dat, "\n\n# container:");
	ck_assert_ptr_nonnull(gp);
	for (n = 0, gp = strchr(gp + 2, '\n'); gp && gp[1] >= '0' && gp[1] <= '9';
	     gp = strchr(gp + 1, '\n'))
		n++;
	reps = 0;
	json_array_foreach(json_object_get(run, "repetitions"), i, c)
		reps += !strcmp(json_string_value(json_object_get(c, "env")), "container") &&
			json_is_true(json_object_get(c, "ok"));
	ck_assert_uint_eq(n, reps);
	free(dat);
	/* counters: units on the axis, the key below the panels, plain tick labels */
	ck_assert_ptr_nonnull(strstr(seen[3], "'ns per operation"));
	ck_assert_ptr_nonnull(strstr(seen[3], "set key below"));
	ck_assert_ptr_nonnull(strstr(seen[3], "set format y '%g'"));
	/* footprint: 18 ms and 5 ms against the hosted VM's 2,465 ms: a log scale */
	ck_assert_int_eq(panel_log(seen[4], "'Start and stop latency'"), 1);
	for (i = 0; i < VB_ARRAY_SIZE(names); i++)
		free(seen[i]);
	json_decref(doc);
	json_decref(in);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* Values within 10x stay on a linear axis from 0; beyond, a log scale. */
START_TEST(test_charts_log_span)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum, *doc, *e;
	static const double lat[][2] = { { 20e6, 30e6 }, { 20e6, 3190e6 } };
	vb_error_t err;
	size_t i;
	char *gp;

	setenv(VB_CHARTS_GNUPLOT_ENV, "/nonexistent", 1);
	for (i = 0; i < 2; i++) {
		e = json_object_get(run, "environments");
		json_object_set_new(json_array_get(e, 0), "start_latency_ns", json_integer((json_int_t)lat[i][0]));
		json_object_set_new(json_array_get(e, 1), "start_latency_ns", json_integer((json_int_t)lat[i][1]));
		json_object_del(json_array_get(e, 0), "stop_latency_ns");
		json_object_del(json_array_get(e, 1), "stop_latency_ns");
		sum = vb_test_summarize(run);
		doc = vb_charts_render(sum, tmpdir, &err);
		ck_assert_msg(doc != NULL, "%s", err.msg);
		gp = chart_file(tmpdir, "footprint", "gp");
		ck_assert_int_eq(panel_log(gp, "'Start and stop latency'"), (int)i);
		free(gp);
		json_decref(doc);
		json_decref(sum);
	}
	unsetenv(VB_CHARTS_GNUPLOT_ENV);
	json_decref(run);
}
END_TEST

/* Names from run.json are data in a script, never commands. */
START_TEST(test_charts_untrusted_names)
{
	json_t *run, *sum, *doc, *c;
	char name[PATH_MAX * 2 + 128], marker[PATH_MAX], svg[PATH_MAX];
	vb_error_t err;
	size_t i;

	if (!have_gnuplot())
		VB_SKIP("gnuplot not installed (apt-get install gnuplot-nox)");
	run = vb_test_load_fixture(FIXTURE);
	snprintf(marker, sizeof(marker), "%s/pwned", tmpdir);
	snprintf(name, sizeof(name), "x'; system('touch %s'); `touch %s` @x \"q\"\nplot 'y", marker,
		 marker);
	rename_workload(run, "cpu.syscall", name);
	sum = vb_test_summarize(run);
	doc = vb_charts_render(sum, tmpdir, &err);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	json_array_foreach(json_object_get(doc, "charts"), i, c)
		ck_assert_msg(!strcmp(json_string_value(json_object_get(c, "status")), "ok"),
			      "chart %s: %s", json_string_value(json_object_get(c, "name")),
			      json_string_value(json_object_get(c, "note")) ?: "");
	ck_assert_msg(access(marker, F_OK) < 0, "a name from run.json ran a command");
	/* The name is shown as text (gnuplot escapes it in the SVG). */
	snprintf(svg, sizeof(svg), "%s/charts", tmpdir);
	{
		char *s = vb_test_read_text(svg, "absolute.svg", MAXFILE);

		ck_assert_ptr_nonnull(s);
		ck_assert_ptr_nonnull(strstr(s, "system("));
		free(s);
	}
	json_decref(doc);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* No counter available anywhere: the counters chart is skipped with a note. */
START_TEST(test_counters_skipped)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum, *doc, *r, *c, *n;
	const char *key;
	vb_error_t err;
	size_t i;

	json_array_foreach(json_object_get(run, "repetitions"), i, r)
		json_object_foreach(json_object_get(json_object_get(r, "result"), "counters"), key,
				    c) {
			json_object_clear(c);
			json_object_set_new(c, "available", json_false());
			json_object_set_new(c, "reason", json_string("no PMU here"));
		}
	sum = vb_test_summarize(run);
	doc = vb_charts_render(sum, tmpdir, &err);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	json_array_foreach(json_object_get(doc, "charts"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), "counters")) {
			ck_assert_str_eq(json_string_value(json_object_get(c, "status")),
					 "skipped");
			ck_assert_str_eq(json_string_value(json_object_get(c, "note")),
					 "no counter was available in any environment");
		}
	n = json_object_get(doc, "notes");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(n, json_array_size(n) - 1)),
				     "counters chart skipped: no counter was available"));
	json_decref(doc);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* Without gnuplot: the report succeeds and says why there are no charts. */
START_TEST(test_no_gnuplot)
{
	json_t *run = vb_test_load_fixture(FIXTURE);
	char dir[PATH_MAX], *out, *err, *html, path[PATH_MAX];
	int rc;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	vb_test_write_run(dir, run);
	setenv(VB_CHARTS_GNUPLOT_ENV, "/nonexistent", 1);
	rc = run_report(&out, &err, dir, NULL, NULL);
	unsetenv(VB_CHARTS_GNUPLOT_ENV);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_msg(strstr(err, "charts skipped: gnuplot not found (apt-get install "
				  "gnuplot-nox)") != NULL,
		      "%s", err);
	html = vb_test_read_text(dir, "report.html", MAXFILE);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_nonnull(
	    strstr(html, "charts skipped: gnuplot not found (apt-get install gnuplot-nox)"));
	ck_assert_ptr_null(strstr(html, "data:image/png"));
	ck_assert_ptr_nonnull(strstr(html, "id=\"overhead\""));
	/* The data and scripts are there to plot elsewhere; no image. */
	snprintf(path, sizeof(path), "%s/charts/overhead.gp", dir);
	ck_assert_int_gt(file_size(path), 0);
	snprintf(path, sizeof(path), "%s/charts/overhead.png", dir);
	ck_assert_int_lt(file_size(path), 0);
	free(html);
	free(out);
	free(err);
	json_decref(run);
}
END_TEST

/* A gnuplot that fails: one line per chart, the report goes on. */
START_TEST(test_gnuplot_fails)
{
	json_t *run = vb_test_load_fixture(FIXTURE);
	char dir[PATH_MAX], *out, *err, *html;
	int rc;

	if (access("/bin/false", X_OK) < 0)
		VB_SKIP("no /bin/false");
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	vb_test_write_run(dir, run);
	setenv(VB_CHARTS_GNUPLOT_ENV, "/bin/false", 1);
	rc = run_report(&out, &err, "--quiet", dir, NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
	rc = run_report(&out, &err, dir, NULL, NULL);
	unsetenv(VB_CHARTS_GNUPLOT_ENV);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_msg(strstr(err, "overhead chart: gnuplot failed: gnuplot exited 1") != NULL, "%s",
		      err);
	ck_assert_ptr_nonnull(strstr(out, "Overhead:"));
	html = vb_test_read_text(dir, "report.html", MAXFILE);
	ck_assert_ptr_nonnull(strstr(html, "overhead chart: gnuplot failed"));
	free(html);
	free(out);
	free(err);
	json_decref(run);
}
END_TEST

/* --json: the summary on stdout instead of the table, even with --quiet. */
START_TEST(test_report_json)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *doc;
	char dir[PATH_MAX], *out, *err, *html;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	vb_test_write_run(dir, run);
	rc = run_report(&out, &err, "--json", "--no-charts", dir);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	doc = json_loads(out, 0, NULL);
	ck_assert_msg(doc != NULL, "not JSON: %.200s", out);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "schema")), VB_SUMMARY_SCHEMA);
	json_decref(doc);
	free(out);
	free(err);
	rc = run_report(&out, &err, "--json", "--quiet", dir);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(out[0], '{');
	html = vb_test_read_text(dir, "report.html", MAXFILE);
	ck_assert_ptr_nonnull(html);
	free(html);
	free(out);
	free(err);
	json_decref(run);
}
END_TEST

/* ---- report.html ---- */

/* Rename workload @from to @to everywhere in @run. */
static void rename_workload(json_t *run, const char *from, const char *to)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(run, "workloads"), i, x)
		if (!strcmp(json_string_value(json_object_get(x, "name")), from))
			json_object_set_new(x, "name", json_string(to));
	json_array_foreach(json_object_get(run, "repetitions"), i, x)
		if (!strcmp(json_string_value(json_object_get(x, "workload")), from))
			json_object_set_new(x, "workload", json_string(to));
}

START_TEST(test_html_escaping)
{
	json_t *run = vb_test_load_fixture(FIXTURE), *sum;
	char *html = NULL, *p;
	size_t len = 0;
	FILE *f;

	rename_workload(run, "cpu.syscall", "<script>alert(1)</script>");
	json_array_append_new(json_object_get(run, "environments"),
			      json_pack("{s:s,s:s,s:s,s:b,s:s,s:b}", "name", "kvm\"><img", "type",
					"hardware VM", "mechanism", "QEMU <b>KVM</b>", "available",
					0, "reason", "<script>x()</script> & 'y'", "baseline", 0));
	sum = vb_test_summarize(run);
	f = open_memstream(&html, &len);
	ck_assert_ptr_nonnull(f);
	vb_report_html(sum, NULL, NULL, f);
	fclose(f);
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "<b>KVM"));
	ck_assert_ptr_null(strstr(html, "kvm\"><img"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;x()&lt;/script&gt; &amp; &#39;y&#39;"));
	ck_assert_ptr_nonnull(strstr(html, "kvm&quot;&gt;&lt;img"));
	/* Self-contained: no external reference of any kind. */
	ck_assert_ptr_null(strstr(html, "http://"));
	ck_assert_ptr_null(strstr(html, "https://"));
	ck_assert_ptr_null(strstr(html, "<link"));
	for (p = html; (p = strstr(p, "src=\"")); p++)
		ck_assert_msg(!strncmp(p + 5, "data:", 5), "external source: %.40s", p);
	free(html);
	json_decref(sum);
	json_decref(run);
}
END_TEST

/* Headless Chromium on the report of the fixture. */
START_TEST(test_html_chromium)
{
	vb_report_dir_opts_t go = { .charts = 1, .log = NULL };
	char url[PATH_MAX + 16], *dom;
	json_t *run, *sum;
	vb_error_t err;

	if (!have_gnuplot())
		VB_SKIP("gnuplot not installed (apt-get install gnuplot-nox)");
	run = vb_test_load_fixture(FIXTURE);
	sum = vb_test_summarize(run);
	dom = malloc(DOM_MAX);
	ck_assert_ptr_nonnull(dom);
	vb_error_clear(&err);
	ck_assert_msg(vb_report_dir_write(sum, tmpdir, &go, &err) == 0, "%s", err.msg);
	snprintf(url, sizeof(url), "file://%s/report.html", tmpdir);
	vb_test_chromium_dom(tmpdir, url, 1280, dom, DOM_MAX);
	/* The tables, one image per chart, the warning at the top. */
	ck_assert_msg(strstr(dom, "id=\"overhead\"") != NULL, "no overhead section in the DOM");
	ck_assert_int_ge(count(dom, "<table class=\"overhead\""), 3);
	ck_assert_int_ge(count(dom, "<img") + count(dom, "<svg"), 4);
	ck_assert_int_ge(count(dom, "src=\"data:image/png;base64,iVBORw0KGgo"), 4);
	ck_assert_ptr_nonnull(strstr(dom, "id=\"virtualized-host\""));
	ck_assert_ptr_nonnull(strstr(dom, "itself a virtual machine"));
	ck_assert(strstr(dom, "virtualized-host") < strstr(dom, "id=\"overhead\""));
	ck_assert_ptr_nonnull(strstr(dom, "id=\"environments\""));
	ck_assert_ptr_nonnull(strstr(dom, "PAPI_TOT_INS"));
	free(dom);
	json_decref(sum);
	json_decref(run);
}
END_TEST

Suite *vb_suite_charts(void)
{
	Suite *s = suite_create("charts");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_charts_render);
	tcase_add_test(tc, test_charts_untrusted_names);
	tcase_add_test(tc, test_charts_palette_points_titles);
	tcase_add_test(tc, test_charts_log_span);
	tcase_add_test(tc, test_counters_skipped);
	tcase_add_test(tc, test_no_gnuplot);
	tcase_add_test(tc, test_gnuplot_fails);
	tcase_add_test(tc, test_report_json);
	tcase_add_test(tc, test_html_escaping);
	tcase_add_test(tc, test_html_chromium);
	suite_add_tcase(s, tc);
	return s;
}
