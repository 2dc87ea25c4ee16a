/*
 * charts_fleet.c - the chart of a fleet report (charts.h): each host's
 * overhead per environment, all workloads together (the geometric mean of
 * the host's summary, its interval as an error bar), hosts side by side,
 * with the x1 line.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/output/charts.h"
#include "harness/output/charts_int.h"
#include "lib/json.h"

#define MAX_ENVS 16

static int build_fleet(const json_t *fleet, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
		       size_t len)
{
	const json_t *hosts = json_object_get(fleet, "hosts"), *envs = json_object_get(fleet, "environments");
	const json_t *h, *e;
	const char *names[MAX_ENVS];
	size_t nh = json_array_size(hosts), ne = 0, i, j;
	double lo = INFINITY, hi = 0;
	int any = 0;

	json_array_foreach (envs, i, e)
		if (ne < MAX_ENVS)
			names[ne++] = vb_json_text(e, "name");
	if (!nh || !ne)
		return snprintf(note, len, "no environment beside the baseline"), 0;
	fputs("# vbench chart data: fleet report.\n# Per host: its name, then per environment "
	      "(in the order of the plot) the\n# overhead of all workloads (geometric mean), its "
	      "interval's low and high ('?' = none).\n",
	      dat);
	json_array_foreach (hosts, i, h) {
		vb_charts_dat_str(dat, vb_json_text(h, "name"));
		for (j = 0; j < ne; j++) {
			const json_t *v = json_object_get(
			    json_object_get(json_object_get(h, "environments"), names[j]), "all");
			double g = vb_json_num(v, "geomean"), l = vb_json_num(v, "ci_low"),
			       u = vb_json_num(v, "ci_high");

			vb_charts_dat_num(dat, g);
			vb_charts_dat_num(dat, isfinite(g) && isfinite(l) ? l : g);
			vb_charts_dat_num(dat, isfinite(g) && isfinite(u) ? u : g);
			if (isfinite(g) && g > 0) {
				any = 1;
				lo = fmin(lo, isfinite(l) && l > 0 ? l : g);
				hi = fmax(hi, isfinite(u) ? u : g);
			}
		}
		fputc('\n', dat);
	}
	if (!any)
		return snprintf(note, len, "no host has an overhead with an interval"), 0;
	d->width = (int)(nh * (ne * 60 + 90)) + 300;
	d->width = d->width < VB_CHARTS_MIN_WIDTH ? VB_CHARTS_MIN_WIDTH
		   : d->width > 1600		  ? 1600
						  : d->width;
	d->height = 500;
	fputs("    set title ", gp);
	vb_charts_gp_str(gp, "Overhead per host, all workloads (geometric mean and 95% interval)");
	fprintf(gp, " . \"\\n\" . ");
	{
		char where[128];

		snprintf(where, sizeof(where), "%zu hosts in %zu classes, against %s on each host", nh,
			 json_array_size(json_object_get(fleet, "classes")),
			 vb_json_text(fleet, "baseline"));
		vb_charts_gp_str(gp, where);
	}
	fputs("\n    set key below\n    set grid ytics\n"
	      "    set ylabel 'time per unit of work vs baseline (x1 = none)'\n"
	      "    set format y 'x%g'\n",
	      gp);
	fprintf(gp, "    set xrange [-0.6:%.1f]\n    set xtics nomirror%s\n", (double)nh - 0.4,
		nh > 6 ? " rotate by 30 right" : "");
	if (vb_charts_log_y(NULL, fmin(lo, 1), fmax(hi, 1), 0))
		fprintf(gp, "    set logscale y\n    set yrange [%.4g:%.4g]\n", fmin(lo, 1) / 1.3,
			fmax(hi, 1) * 1.3);
	else
		fprintf(gp, "    unset logscale y\n    set yrange [%.4g:%.4g]\n",
			fmax(0, fmin(lo, 1) - 0.1 * (fmax(hi, 1) - fmin(lo, 1)) - 0.02),
			fmax(hi, 1) + 0.1 * (fmax(hi, 1) - fmin(lo, 1)) + 0.02);
	/* a point and its interval per environment, side by side around each host's tick */
	fputs("    plot", gp);
	for (j = 0; j < ne; j++) {
		double off = ne > 1 ? -0.3 + 0.6 * (double)j / (double)(ne - 1) : 0;

		fprintf(gp, "%s'fleet.dat' using ($0%+.3f):%zu:%zu:%zu%s with yerrorbars",
			j ? ", \\\n        " : " ", off, 2 + 3 * j, 3 + 3 * j, 4 + 3 * j,
			j ? "" : ":xtic(1)");
		vb_charts_lc(gp, names[j]);
		fputs(" pt 7 ps 1.4 lw 2 title ", gp);
		vb_charts_gp_str(gp, names[j]);
	}
	fputs(", \\\n        1 with lines dt 2 lc rgb '#555555' notitle\n", gp);
	return 1;
}

const vb_chart_t vb_fleet_charts[] = {
	{ "fleet", "overhead per host and environment",
	  "Each host's overhead per environment over all its workloads (the geometric mean of its "
	  "own run, against the baseline on the same host), with its 95% interval; the dashed "
	  "line is no overhead.  Hosts whose bars do not overlap differ; the fleet report's "
	  "spread table says whether they differ more than their intervals explain.",
	  build_fleet },
	{ NULL, NULL, NULL, NULL },
};

json_t *vb_charts_render_fleet_at(const json_t *fleet, int out_fd, const char *out_dir,
				  vb_error_t *err)
{
	return vb_charts_render_set(vb_fleet_charts, fleet, out_fd, out_dir, err);
}
