/*
 * charts_style.c - what every chart shares (charts_int.h): the colour of
 * each environment, the title that says what was measured where, and the
 * choice of a log scale.  The palette is kept here and nowhere else.
 */
#include "harness/output/charts_int.h"

#include <math.h>
#include <string.h>

#include "harness/env/env.h"
#include "lib/util.h"

/*
 * Okabe and Ito's colour-blind safe palette ("Color Universal Design",
 * 2008), in the order of the backend table (harness/env/list.h): the n-th
 * environment vbench knows always gets the n-th colour, in every chart of
 * every run.  A name the table does not hold (a run of another version)
 * gets one by its hash.
 */
static const char *const palette[] = {
	"#000000", /* black */
	"#0072B2", /* blue */
	"#56B4E9", /* sky blue */
	"#009E73", /* bluish green */
	"#CC79A7", /* reddish purple */
	"#D55E00", /* vermillion */
	"#E69F00", /* orange */
	"#F0E442", /* yellow */
	"#999999", /* grey (beyond Okabe and Ito's eight: Paul Tol's) */
	"#882255", /* wine */
};

const char *vb_charts_colour(const char *env)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; env && i < vb_env_count(); i++)
		if (!strcmp(vb_env_at(i)->name, env))
			return palette[i % VB_ARRAY_SIZE(palette)];
	for (; env && *env; env++)
		h = (h ^ (unsigned char)*env) * 16777619u;
	return palette[h % VB_ARRAY_SIZE(palette)];
}

void vb_charts_lc(FILE *gp, const char *env)
{
	fprintf(gp, " lc rgb '%s'", vb_charts_colour(env));
}

/* Where and when: the summary's "where" (report_dir.c adds it from the
 * run), else its host's CPU. */
static const char *where(const json_t *sum, char *buf, size_t len)
{
	const char *label = json_string_value(json_object_get(json_object_get(sum, "where"), "label"));
	const json_t *h = json_object_get(sum, "host");

	if (label)
		return label;
	snprintf(buf, len, "%s, Linux %s",
		 json_string_value(json_object_get(h, "cpu_brand")) ?: "unknown CPU",
		 json_string_value(json_object_get(h, "kernel_release")) ?: "?");
	return buf;
}

void vb_charts_title(FILE *gp, const json_t *sum, const char *what)
{
	char buf[512];

	vb_charts_gp_str(gp, what);
	fputs(" . \"\\n\" . ", gp);
	vb_charts_gp_str(gp, where(sum, buf, sizeof(buf)));
}

int vb_charts_log_y(FILE *gp, double lo, double hi, int zero)
{
	int log = !zero && lo > 0 && isfinite(lo) && isfinite(hi) && hi / lo > VB_CHARTS_LOG_SPAN;

	if (gp && log)
		fprintf(gp, "    set logscale y\n    set yrange [%.4g:%.4g]\n", lo / 1.6, hi * 1.6);
	else if (gp)
		fputs("    unset logscale y\n    set yrange [0:*]\n", gp);
	return log;
}

void vb_charts_env_xtics(FILE *gp, const char *const *names, size_t n)
{
	size_t i;

	fprintf(gp, "    set xrange [-0.6:%.1f]\n    set xtics nomirror%s (", (double)n - 0.4,
		n > 4 ? " rotate by 30 right" : "");
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", gp);
		vb_charts_gp_str(gp, names[i]);
		fprintf(gp, " %zu", i);
	}
	fputs(")\n", gp);
}

/* One bar of vb_charts_pair_bars: at x + @off, column @col, @fill, and its value above it. */
static void one_bar(FILE *gp, const char *file, size_t index, double off, double w, int col,
		    const char *fill, int first)
{
	fprintf(gp,
		"%s'%s' index %zu using ($0%+.2f):%d:(%.2f):2 with boxes fs %s border -1 "
		"lc rgb variable notitle, \\\n"
		"        '' index %zu using ($0%+.2f):%d:(sprintf('%%.4g', $%d)) with labels "
		"offset 0,0.6 font ',8' notitle",
		first ? " " : ", \\\n        ", file, index, off, col, w, fill, index, off, col, col);
}

void vb_charts_pair_bars(FILE *gp, const char *file, size_t index, int a, const char *ta, int b,
			const char *tb)
{
	int both = a > 0 && b > 0;

	fputs("    plot", gp);
	if (a > 0)
		one_bar(gp, file, index, both ? -0.19 : 0, both ? 0.36 : 0.6, a, "solid 0.7", 1);
	if (b > 0)
		one_bar(gp, file, index, both ? 0.19 : 0, both ? 0.36 : 0.6, b, "pattern 4", a <= 0);
	if (a > 0) {
		fputs(", \\\n        NaN with boxes fs solid 0.7 border -1 lc rgb '#808080' title ", gp);
		vb_charts_gp_str(gp, ta);
	}
	if (b > 0) {
		fputs(", \\\n        NaN with boxes fs pattern 4 border -1 lc rgb '#808080' title ", gp);
		vb_charts_gp_str(gp, tb);
	}
	fputc('\n', gp);
}
