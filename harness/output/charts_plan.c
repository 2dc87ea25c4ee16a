/*
 * charts_plan.c - the chart of a capacity plan (charts_int.h, charts.h):
 * hosts needed per environment, labelled with the binding resource, and
 * each service's instances per host alone, labelled with the resource that
 * stops more.  Formatting only: every number is the one plan.c put in the
 * vb_plan_build document.
 *
 * The bars are placed at explicit x positions (environment i, service j at
 * i * (services + 1) + j) so that every bar can carry its label; service and
 * environment names from the plan file and run.json reach the script only
 * through vb_charts_gp_str and the data file only through vb_charts_dat_str.
 */
#include "harness/output/charts_int.h"
#include "lib/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The fit of environment @e when it was planned and every instance fits, else NULL. */
static const json_t *fit_of(const json_t *e)
{
	const json_t *fit = json_object_get(e, "fit");

	return json_is_true(json_object_get(e, "planned")) &&
		       json_is_true(json_object_get(fit, "fits"))
		   ? fit
		   : NULL;
}

/* Block 0: per environment x, hosts needed ('?'), label height, label; the
 * largest count into @max. */
static size_t hosts_block(const json_t *envs, FILE *dat, double *max)
{
	const json_t *e, *fit;
	size_t i, fits = 0;
	double h;

	fputs("# vbench chart data: capacity plan.\n# Block 0, per environment: x, hosts needed "
	      "(spares included; ? = not planned or\n# does not fit), label height, label (the "
	      "binding resource, or why there is no bar),\n# the environment's colour (0xRRGGBB).\n",
	      dat);
	json_array_foreach (envs, i, e) {
		fit = fit_of(e);
		h = fit ? (double)json_integer_value(json_object_get(fit, "hosts_needed")) : NAN;
		fprintf(dat, "%zu", i);
		vb_charts_dat_num(dat, h);
		vb_charts_dat_num(dat, fit ? h : 0);
		vb_charts_dat_str(dat, fit ? vb_json_text(fit, "binding")
				      : json_is_true(json_object_get(e, "planned"))
					  ? "does not fit"
					  : "not planned");
		fprintf(dat, " %ld\n", strtol(vb_charts_colour(vb_json_text(e, "name")) + 1, NULL, 16));
		fits += fit != NULL;
		if (fit && h > *max)
			*max = h;
	}
	return fits;
}

/* Block 1 + j: service @j in every environment that fits: x, per host, label;
 * the largest count into @max. */
static void service_block(const json_t *envs, size_t j, size_t nsvc, FILE *dat, double *max)
{
	const json_t *e, *fit, *s;
	double v;
	size_t i;

	fprintf(dat, "\n\n# service %zu: x, instances per host alone, what stops more\n", j + 1);
	json_array_foreach (envs, i, e) {
		if (!(fit = fit_of(e)))
			continue;
		s = json_array_get(json_object_get(fit, "services"), j);
		v = s ? (double)json_integer_value(json_object_get(s, "per_host")) : NAN;
		fprintf(dat, "%zu", i * (nsvc + 1) + j);
		vb_charts_dat_num(dat, v);
		if (v > *max)
			*max = v;
		vb_charts_dat_str(dat, s ? vb_json_text(s, "binding") : "");
		fputc('\n', dat);
	}
}

/* set xtics ('NAME' X, ...) with one tick per environment at @step * i + @off. */
static void env_tics(FILE *gp, const json_t *envs, double step, double off)
{
	const json_t *e;
	size_t i;

	fputs("    set xtics (", gp);
	json_array_foreach (envs, i, e) {
		fputs(i ? ", " : "", gp);
		vb_charts_gp_str(gp, vb_json_text(e, "name"));
		fprintf(gp, " %g", step * (double)i + off);
	}
	fputs(")\n", gp);
}

/* Whole-number y ticks, about eight of them, for counts up to @max. */
static void count_tics(FILE *gp, double max)
{
	fprintf(gp, "    set ytics %.0f\n", max > 8 ? ceil(max / 8) : 1);
}

static int build_plan(const json_t *plan, FILE *dat, FILE *gp, vb_chart_dims_t *d, char *note,
		      size_t len)
{
	const json_t *envs = json_object_get(plan, "environments"),
		     *svcs = json_object_get(plan, "services"), *s;
	size_t nenv = json_array_size(envs), nsvc = json_array_size(svcs), j;
	double hmax = 0, smax = 0;

	if (!nenv || !nsvc)
		return snprintf(note, len, "the plan has no environment or no service"), 0;
	if (!hosts_block(envs, dat, &hmax))
		return snprintf(note, len, "no environment could hold every instance"), 0;
	for (j = 0; j < nsvc; j++)
		service_block(envs, j, nsvc, dat, &smax);
	d->width = (int)(nenv * (nsvc * 60 + 60)) + 520;
	d->width = d->width < 900 ? 900 : d->width > 1600 ? 1600 : d->width;
	d->height = 500;
	fputs("    set multiplot layout 1,2 title ", gp);
	{ /* what, and where its factors were measured */
		const json_t *run = json_object_get(plan, "run");
		char where[512], dir[256], *slash;

		snprintf(dir, sizeof(dir), "%s", vb_json_text(run, "dir") ?: "?");
		while ((slash = strrchr(dir, '/')) && !slash[1] && slash > dir)
			*slash = '\0'; /* "results/run/" */
		slash = strrchr(dir, '/');
		snprintf(where, sizeof(where), "factors from run %s (%s%s)", slash ? slash + 1 : dir,
			 vb_json_text(run, "cpu") ?: "?",
			 json_is_true(json_object_get(run, "virtualized")) ? ", itself a VM" : "");
		vb_charts_gp_str(gp, "Capacity plan per environment (labels: the binding resource)");
		fputs(" . \"\\n\" . ", gp);
		vb_charts_gp_str(gp, where);
	}
	fprintf(gp,
		"\n    unset xlabel\n    set grid ytics\n    set yrange [0:*]\n"
		"    set offsets 0, 0, graph 0.15, 0\n    set style fill solid 0.6 border -1\n"
		"    set boxwidth 0.7\n    set key top left\n    set xrange [-0.6:%zu.6]\n",
		nenv - 1);
	env_tics(gp, envs, 1, 0);
	count_tics(gp, hmax);
	fputs("    set title 'Hosts needed'\n    set ylabel 'hosts'\n"
	      "    plot 'plan.dat' index 0 using 1:2:5 with boxes lc rgb variable notitle, \\\n"
	      "        'plan.dat' index 0 using 1:3:4 with labels offset 0,1 notitle\n",
	      gp);
	fprintf(gp, "    set boxwidth 0.9\n    set xrange [-0.8:%zu.8]\n", nenv * (nsvc + 1) - 2);
	env_tics(gp, envs, (double)(nsvc + 1), (double)(nsvc - 1) / 2);
	count_tics(gp, smax);
	fputs("    set title 'Instances per host, each service alone'\n"
	      "    set ylabel 'instances'\n    plot",
	      gp);
	json_array_foreach (svcs, j, s) {
		fprintf(gp, "%s'plan.dat' index %zu using 1:2 with boxes title ",
			j ? ", \\\n        " : " ", j + 1);
		vb_charts_gp_str(gp, vb_json_text(s, "name"));
		fprintf(gp,
			", \\\n        'plan.dat' index %zu using 1:2:3 with labels offset "
			"0,0.8 font ',8' notitle",
			j + 1);
	}
	fputs("\n    unset multiplot\n", gp);
	return 1;
}

const vb_chart_t vb_plan_charts[] = {
	{ "plan", "hosts needed and instances per host per environment",
	  "Left: the hosts every instance needs in each environment the run measured (spare "
	  "hosts included), labelled with the resource most used on them. Right: how many "
	  "instances of each service one host holds alone, labelled with the resource that "
	  "stops more. Environments that were not planned or where a service fits on no host "
	  "have no bar.",
	  build_plan },
	{ NULL, NULL, NULL, NULL },
};
