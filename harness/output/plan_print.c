/*
 * plan_print.c - the capacity plan on the terminal and in Markdown
 * (plan.md).  Both only format the document vb_plan_build returned; no
 * number is computed here.  The cell formatters (vb_plan_fmt_*, plan_int.h)
 * are shared with plan.html (plan_html.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/plan.h"
#include "harness/analysis/plan_int.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "lib/util.h"

/* One resource's amount as text: "6.4", "51.2 GiB", "14089", "unknown". */
const char *vb_plan_fmt_amount(const json_t *res, int r, char *buf, size_t len)
{
	double v = vb_json_num(res, vb_plan_res_name(r));

	if (!isfinite(v))
		snprintf(buf, len, "unknown");
	else if (r == VB_RES_MEM || r == VB_RES_DISK)
		vb_format_size((uint64_t)v, buf, len);
	else if (r == VB_RES_IO)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

/* A factor: "1.00", "8.08", "25.6", "102"; "-" when unknown. */
const char *vb_plan_fmt_factor(double v, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len,
			 v < 9.995   ? "%.2f"
			 : v < 99.95 ? "%.1f"
			 : v < 1e6   ? "%.0f"
				     : "%.3g",
			 v);
	return buf;
}

const char *vb_plan_fmt_unit(int r)
{
	return r == VB_RES_CPU ? " CPUs" : r == VB_RES_IO ? " IOPS" : "";
}

/* "2" or "3 (2 + 1 spare)" */
const char *vb_plan_fmt_hosts(const json_t *fit, char *buf, size_t len)
{
	long long n = (long long)json_integer_value(json_object_get(fit, "hosts")),
		  all = (long long)json_integer_value(json_object_get(fit, "hosts_needed"));

	if (all == n)
		snprintf(buf, len, "%lld", n);
	else
		snprintf(buf, len, "%lld (%lld + %lld spare)", all, n, all - n);
	return buf;
}

/* "web 4 (memory), db 2 (memory)" */
void vb_plan_fmt_per_host(const json_t *fit, FILE *out)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(fit, "services"), i, s) fprintf(
	    out, "%s%s %lld (%s)", i ? ", " : "", vb_json_text(s, "name"),
	    (long long)json_integer_value(json_object_get(s, "per_host")), vb_json_text(s, "binding"));
}

/* "one db instance needs 9.6 CPUs; a host offers 6.4" */
void vb_plan_fmt_misfit(const json_t *plan, const json_t *fit, FILE *out)
{
	const char *name = vb_json_text(fit, "misfit"), *res = vb_json_text(fit, "misfit_resource");
	const json_t *s;
	char a[32], b[32];
	size_t i;
	int r;

	for (r = 0; r < VB_RES_N && strcmp(res, vb_plan_res_name(r)); r++)
		;
	json_array_foreach(json_object_get(fit, "services"), i,
			   s) if (!strcmp(vb_json_text(s, "name"), name) && r < VB_RES_N)
	{
		fprintf(out, "does not fit: one %s instance needs %s%s%s, a host offers %s%s", name,
			vb_plan_fmt_amount(json_object_get(s, "per_instance"), r, a, sizeof(a)),
			vb_plan_fmt_unit(r),
			r == VB_RES_MEM	   ? " of memory"
			: r == VB_RES_DISK ? " of disk"
					   : "",
			vb_plan_fmt_amount(json_object_get(json_object_get(plan, "host"), "usable"),
					   r, b, sizeof(b)),
			vb_plan_fmt_unit(r));
		return;
	}
	fprintf(out, "could not be placed (%s)", res);
}

void vb_plan_fmt_options(const json_t *o, FILE *out)
{
	double rho = vb_json_num(o, "correlation");
	long long spare = (long long)json_integer_value(json_object_get(o, "spare_hosts"));

	fprintf(out, "headroom %g%%, CPU overcommit %g, ", vb_json_num(o, "headroom") * 100,
		vb_json_num(o, "overcommit"));
	if (rho >= 1)
		fprintf(out, "peaks coincide (sum of peaks), ");
	else
		fprintf(out, "peak correlation %g, ", rho);
	if (spare)
		fprintf(out, "%lld spare host%s", spare, spare > 1 ? "s" : "");
	else
		fprintf(out, "no spare host");
	if (json_is_true(json_object_get(o, "conservative")))
		fprintf(out, ", upper bounds of the overheads");
	/* the verdicts the factors follow: equivalent counts x1, undecided its upper bound */
	if (isfinite(vb_json_num(o, "margin")))
		fprintf(out, ", equivalence margin +-%g%%", vb_json_num(o, "margin") * 100);
}

long long vb_plan_count_instances(const json_t *plan)
{
	const json_t *s;
	long long n = 0;
	size_t i;

	json_array_foreach(json_object_get(plan, "services"), i, s) n +=
	    (long long)json_integer_value(json_object_get(s, "count"));
	return n;
}

/* ---- terminal ---- */

static void recovery_table(const json_t *plan, FILE *out);

void vb_plan_print_table(const json_t *plan, FILE *out)
{
	const json_t *host = json_object_get(plan, "host"), *e, *f, *s, *fit;
	char a[32], b[32], c[32];
	size_t i;
	int r, w;

	fprintf(out, "vbench plan: %zu service%s, %lld instance%s from %s; run %s (%s%s)\n",
		json_array_size(json_object_get(plan, "services")),
		json_array_size(json_object_get(plan, "services")) == 1 ? "" : "s",
		vb_plan_count_instances(plan), vb_plan_count_instances(plan) == 1 ? "" : "s",
		vb_json_text(plan, "plan_file"), vb_json_text(json_object_get(plan, "run"), "dir"),
		vb_json_text(json_object_get(plan, "run"), "cpu"),
		json_is_true(json_object_get(json_object_get(plan, "run"), "virtualized"))
		    ? ", itself a VM"
		    : "");
	fprintf(out, "host:");
	for (r = 0; r < VB_RES_N; r++)
		fprintf(out, "%s %s%s (%s)", r ? "," : "",
			vb_plan_fmt_amount(json_object_get(host, "capacity"), r, a, sizeof(a)),
			vb_plan_fmt_unit(r),
			vb_json_text(json_object_get(host, "source"), vb_plan_res_name(r)));
	fprintf(out, "\nusable per host:");
	for (r = 0; r < VB_RES_N; r++)
		fprintf(out, "%s %s%s", r ? "," : "",
			vb_plan_fmt_amount(json_object_get(host, "usable"), r, a, sizeof(a)),
			vb_plan_fmt_unit(r));
	fprintf(out, " (");
	vb_plan_fmt_options(json_object_get(plan, "options"), out);
	fprintf(out, ")\n\nservices (CPU in cores of the run's host):\n");
	json_array_foreach(json_object_get(plan, "services"), i, s)
	    fprintf(out, "  %-12s count %-4lld cpu %-7.3g memory %-10s disk %-10s io %-7.4g %s\n",
		    vb_json_text(s, "name"), (long long)json_integer_value(json_object_get(s, "count")),
		    vb_json_num(s, "cpu"), vb_format_size((uint64_t)vb_json_num(s, "memory_bytes"), a, sizeof(a)),
		    vb_format_size((uint64_t)vb_json_num(s, "disk_bytes"), b, sizeof(b)), vb_json_num(s, "iops"),
		    vb_json_text(s, "cpu_basis"));
	w = json_integer_value(json_object_get(json_object_get(plan, "options"), "spare_hosts"))
		? 18
		: 6;
	fprintf(out, "\n%-12s %-7s %-7s %-10s %-*s %-8s %s\n", "environment", "CPU x", "I/O x",
		"+mem/inst", w, "hosts", "binds", "instances per host, alone (what stops more)");
	json_array_foreach(json_object_get(plan, "environments"), i, e)
	{
		if (!json_is_true(json_object_get(e, "planned"))) {
			fprintf(out, "%-12s not planned: %s\n", vb_json_text(e, "name"), vb_json_text(e, "reason"));
			continue;
		}
		f = json_object_get(e, "factors");
		fit = json_object_get(e, "fit");
		fprintf(out, "%-12s %-7s %-7s %-10s ", vb_json_text(e, "name"),
			vb_plan_fmt_factor(vb_json_num(f, "cpu"), b, sizeof(b)),
			vb_plan_fmt_factor(vb_json_num(f, "io"), c, sizeof(c)),
			vb_format_size((uint64_t)vb_json_num(f, "memory_footprint_bytes"), a, sizeof(a)));
		if (!json_is_true(json_object_get(fit, "fits"))) {
			vb_plan_fmt_misfit(plan, fit, out);
			fputc('\n', out);
			continue;
		}
		fprintf(out, "%-*s %-8s ", w, vb_plan_fmt_hosts(fit, c, sizeof(c)),
			vb_json_text(fit, "binding"));
		vb_plan_fmt_per_host(fit, out);
		fputc('\n', out);
	}
	fprintf(out, "\nhosts: hosts needed for every instance (spares included); binds: the "
		     "resource most used on them.\n");
	json_array_foreach(json_object_get(plan, "notes"), i, s)
	    fprintf(out, "note: %s\n", json_string_value(s) ?: "");
	recovery_table(plan, out);
}

/* "2.4 s", "12 min", "1.5 h" */
static const char *secs(double s, char *buf, size_t len)
{
	if (!isfinite(s))
		snprintf(buf, len, "-");
	else if (s < 120)
		snprintf(buf, len, "%.3g s", s);
	else if (s < 7200)
		snprintf(buf, len, "%.3g min", s / 60);
	else
		snprintf(buf, len, "%.3g h", s / 3600);
	return buf;
}

void vb_plan_fmt_recovery(const json_t *rec, const json_t *e, char *when, size_t wlen, char *disk,
			  size_t dlen)
{
	char a[32], b[32], c[32], d[32], x[32];

	if (!json_is_true(json_object_get(e, "planned"))) {
		snprintf(when, wlen, "not planned: %s", vb_json_text(e, "reason"));
		snprintf(disk, dlen, "-");
		return;
	}
	snprintf(when, wlen, "%.0f wave%s of %s: %s (upper bound %s): %s %s; at most %.0f in that time",
		 vb_json_num(e, "waves"), vb_json_num(e, "waves") == 1 ? "" : "s", secs(vb_json_num(e, "restore_s"), a, sizeof(a)),
		 secs(vb_json_num(e, "time_s"), b, sizeof(b)), secs(vb_json_num(e, "time_s_high"), c, sizeof(c)),
		 json_is_true(json_object_get(e, "within")) ? "within" : "NOT within",
		 secs(vb_json_num(rec, "within_s"), d, sizeof(d)), vb_json_num(e, "instances_within"));
	if (isfinite(vb_json_num(e, "disk_bytes")))
		snprintf(disk, dlen, "%.0f images: %s%s%s%s", vb_json_num(rec, "instances"),
			 vb_format_size((uint64_t)vb_json_num(e, "disk_bytes"), a, sizeof(a)),
			 isfinite(vb_json_num(e, "disk_xz_bytes")) ? " (xz " : "",
			 isfinite(vb_json_num(e, "disk_xz_bytes"))
			     ? vb_format_size((uint64_t)vb_json_num(e, "disk_xz_bytes"), x, sizeof(x))
			     : "",
			 isfinite(vb_json_num(e, "disk_xz_bytes")) ? ")" : "");
	else
		snprintf(disk, dlen, "-");
}

static void recovery_table(const json_t *plan, FILE *out)
{
	const json_t *rec = json_object_get(plan, "recovery"), *e, *n;
	char when[400], disk[120], a[32];
	size_t i;

	if (!json_is_object(rec))
		return;
	fprintf(out, "\nrecovery: %.0f instances back within %s on one host, %.0f restores at once "
		     "(%s), judged by %s:\n",
		vb_json_num(rec, "instances"), secs(vb_json_num(rec, "within_s"), a, sizeof(a)),
		vb_json_num(rec, "parallel"), vb_json_text(rec, "parallel_basis"), vb_json_text(rec, "judged_by"));
	json_array_foreach(json_object_get(rec, "environments"), i, e) {
		vb_plan_fmt_recovery(rec, e, when, sizeof(when), disk, sizeof(disk));
		fprintf(out, "  %-12s %s; %s\n", vb_json_text(e, "env"), when, disk);
	}
	json_array_foreach(json_object_get(rec, "notes"), i, n)
		fprintf(out, "note: %s\n", json_string_value(n) ?: "");
}

/* ---- Markdown ---- */

/* Text from the plan or the run, escaped (textsafe.h). */
static void md(FILE *out, const char *s)
{
	vb_text_put_md(out, s);
}

/* What vb_plan_fmt_misfit (@misfit) or vb_plan_fmt_per_host prints, escaped. */
static void md_fit(const json_t *plan, const json_t *fit, int misfit, FILE *out)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		return;
	if (misfit)
		vb_plan_fmt_misfit(plan, fit, f);
	else
		vb_plan_fmt_per_host(fit, f);
	fclose(f);
	md(out, s);
	free(s);
}

static void md_env(const json_t *plan, const json_t *e, FILE *out)
{
	const json_t *f = json_object_get(e, "factors"), *fit = json_object_get(e, "fit");
	char a[32], b[32], c[32];

	fputs("| ", out);
	md(out, vb_json_text(e, "name"));
	fprintf(out, " | %s | %s | %s | ", vb_plan_fmt_factor(vb_json_num(f, "cpu"), b, sizeof(b)),
		vb_plan_fmt_factor(vb_json_num(f, "io"), c, sizeof(c)),
		vb_format_size((uint64_t)vb_json_num(f, "memory_footprint_bytes"), a, sizeof(a)));
	if (!json_is_true(json_object_get(fit, "fits"))) {
		fprintf(out, "- | - | ");
		md_fit(plan, fit, 1, out);
	} else {
		fprintf(out, "**%s** | %s | ", vb_plan_fmt_hosts(fit, a, sizeof(a)),
			vb_json_text(fit, "binding"));
		md_fit(plan, fit, 0, out);
	}
	fprintf(out, " |\n");
}

/* The services, the environments' fit and where their factors come from. */
static void services_md(const json_t *plan, FILE *out)
{
	const json_t *e, *s, *f, *w;
	char c[32], d[32];
	const char *k;
	size_t i;

	fprintf(out, "\n| service | count | CPU (cores) | memory | disk | IOPS | CPU demand "
		     "from |\n|---|---|---|---|---|---|---|\n");
	json_array_foreach(json_object_get(plan, "services"), i, s) {
		fputs("| ", out);
		md(out, vb_json_text(s, "name"));
		fprintf(out, " | %lld | %.3g | %s | %s | %.4g | ",
			(long long)json_integer_value(json_object_get(s, "count")), vb_json_num(s, "cpu"),
			vb_format_size((uint64_t)vb_json_num(s, "memory_bytes"), c, sizeof(c)),
			vb_format_size((uint64_t)vb_json_num(s, "disk_bytes"), d, sizeof(d)),
			vb_json_num(s, "iops"));
		md(out, vb_json_text(s, "cpu_basis"));
		fputs(" |\n", out);
	}
	fprintf(out, "\n| environment | CPU factor | I/O factor | memory per instance beyond "
		     "the demand | hosts needed | binding resource | instances per host alone "
		     "(what stops more) |\n|---|---|---|---|---|---|---|\n");
	json_array_foreach(json_object_get(plan, "environments"), i,
			   e) if (json_is_true(json_object_get(e, "planned"))) md_env(plan, e, out);
	fprintf(out, "\nWhere the factors come from:\n\n");
	json_array_foreach(json_object_get(plan, "environments"), i, e)
	{
		f = json_object_get(e, "factors");
		fputs("- **", out);
		md(out, vb_json_text(e, "name"));
		if (!json_is_true(json_object_get(e, "planned"))) {
			fputs("**: not planned: ", out);
			md(out, vb_json_text(e, "reason"));
		} else {
			fputs("**: CPU: ", out);
			md(out, vb_json_text(f, "cpu_basis"));
			fputs("; I/O: ", out);
			md(out, vb_json_text(f, "io_basis"));
			fputs("; memory: ", out);
			md(out, vb_json_text(f, "memory_basis"));
			fputs("; disk: ", out);
			md(out, vb_json_text(f, "disk_basis"));
			json_object_foreach((json_t *)json_object_get(f, "service_cpu"), k, w) {
				fputs("; CPU of ", out);
				md(out, k);
				fputs(": ", out);
				md(out, vb_json_text(w, "basis"));
			}
		}
		fputs("\n", out);
	}
}

void vb_plan_print_md(const json_t *plan, FILE *out)
{
	const json_t *host = json_object_get(plan, "host"), *e, *w;
	char a[32], b[32];
	size_t i;
	int r;

	fprintf(out, "## Capacity plan\n\nPlan file ");
	vb_text_put_md_code(out, vb_json_text(plan, "plan_file"));
	fprintf(out, ", %lld instances of %zu services, placed with the overheads measured in run ",
		vb_plan_count_instances(plan), json_array_size(json_object_get(plan, "services")));
	vb_text_put_md_code(out, vb_json_text(json_object_get(plan, "run"), "dir"));
	fputs(" (", out);
	md(out, vb_json_text(json_object_get(plan, "run"), "cpu"));
	fprintf(out, "%s). Model and rules: docs/plan.md.\n\n",
		json_is_true(json_object_get(json_object_get(plan, "run"), "virtualized"))
		    ? ", itself a virtual machine"
		    : "");
	fprintf(out, "| resource | one host | usable | from |\n|---|---|---|---|\n");
	for (r = 0; r < VB_RES_N; r++) {
		fprintf(out, "| %s | %s%s | %s%s | ", vb_plan_res_name(r),
			vb_plan_fmt_amount(json_object_get(host, "capacity"), r, a, sizeof(a)),
			vb_plan_fmt_unit(r),
			vb_plan_fmt_amount(json_object_get(host, "usable"), r, b, sizeof(b)),
			vb_plan_fmt_unit(r));
		md(out, vb_json_text(json_object_get(host, "source"), vb_plan_res_name(r)));
		fputs(" |\n", out);
	}
	fprintf(out, "\nOptions: ");
	vb_plan_fmt_options(json_object_get(plan, "options"), out);
	fprintf(out, ".\n");
	if (json_array_size(json_object_get(plan, "services"))) /* else [recovery] only */
		services_md(plan, out);
	json_array_foreach(json_object_get(plan, "notes"), i, w) {
		fputs("\nNote: ", out);
		md(out, json_string_value(w));
		fputs("\n", out);
	}
	if (json_is_object(json_object_get(plan, "recovery"))) {
		const json_t *rec = json_object_get(plan, "recovery");
		char when[400], disk[120];

		fprintf(out, "\n### Recovery\n\n%.0f instances must be back within %s on one host; "
			     "%.0f restores at once (", vb_json_num(rec, "instances"),
			secs(vb_json_num(rec, "within_s"), a, sizeof(a)), vb_json_num(rec, "parallel"));
		md(out, vb_json_text(rec, "parallel_basis"));
		fputs("), judged by ", out);
		md(out, vb_json_text(rec, "judged_by"));
		fputs(".\n\n| environment | time to restore them all | disk of their images |\n"
		      "|---|---|---|\n", out);
		json_array_foreach(json_object_get(rec, "environments"), i, e) {
			vb_plan_fmt_recovery(rec, e, when, sizeof(when), disk, sizeof(disk));
			fputs("| ", out);
			md(out, vb_json_text(e, "env"));
			fputs(" | ", out);
			md(out, when);
			fputs(" | ", out);
			md(out, disk);
			fputs(" |\n", out);
		}
		json_array_foreach(json_object_get(rec, "notes"), i, w) {
			fputs("\nNote: ", out);
			md(out, json_string_value(w));
			fputs("\n", out);
		}
	}
	if (json_array_size(json_object_get(plan, "warnings"))) {
		fprintf(out, "\nWarnings of the run:\n\n");
		json_array_foreach(json_object_get(plan, "warnings"), i, w) {
			fputs("- ", out);
			md(out, json_string_value(w));
			fputs("\n", out);
		}
	}
}

void vb_plan_print_classes(const char *const *classes, json_t *const *plans, size_t n, FILE *out)
{
	const json_t *e;
	size_t i, j;
	char buf[64];

	fputs("# Capacity plan per host class\n\nThe same services on each host class the runs "
	      "measured (CPU model / kernel release), with that class's own overheads: the hosts "
	      "each needs per environment.\n\n| host class | environment | hosts needed | "
	      "binding |\n|---|---|---|---|\n",
	      out);
	for (i = 0; i < n; i++)
		json_array_foreach (json_object_get(plans[i], "environments"), j, e) {
			const json_t *fit = json_object_get(e, "fit");
			int fits = json_is_true(json_object_get(e, "planned")) &&
				   json_is_true(json_object_get(fit, "fits"));

			fputs("| ", out);
			vb_text_put_md(out, classes[i]);
			fputs(" | ", out);
			vb_text_put_md(out, vb_json_text(e, "name"));
			fprintf(out, " | %s | ",
				fits ? vb_plan_fmt_hosts(fit, buf, sizeof(buf))
				: json_is_true(json_object_get(e, "planned")) ? "does not fit"
									      : "not planned");
			vb_text_put_md(out, fits ? vb_json_text(fit, "binding") : "-");
			fputs(" |\n", out);
		}
	for (i = 0; i < n; i++) {
		fputs("\n# ", out);
		vb_text_put_md(out, classes[i]);
		fputs("\n\n", out);
		vb_plan_print_md(plans[i], out);
	}
}
