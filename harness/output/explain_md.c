/*
 * explain_md.c - the explanation of a run as Markdown (explain.md and the
 * terminal).  Only formats what vb_explain_build returned, plus the fixed
 * text on the two axes of virtualization.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/explain.h"
#include "harness/analysis/verdict.h"
#include "harness/output/table.h"
#include "lib/json.h"
#include "lib/textsafe.h"

/* @s (from the run) escaped for Markdown (textsafe.h). */
static void md(FILE *out, const char *s)
{
	vb_text_put_md(out, s);
}

const char vb_explain_axes_md[] =
    "## Two axes: architecture and mechanism\n\n"
    "Two separate questions are often mixed up:\n\n"
    "- **Architecture: where does the virtualization layer sit?** A *type-1* hypervisor "
    "runs on the hardware and the guests run on it (Xen, VMware ESXi, Hyper-V; KVM turns "
    "the Linux kernel itself into one). A *type-2* (hosted) hypervisor is an application of "
    "a host operating system (VirtualBox, VMware Workstation, QEMU). A *container* has no "
    "hypervisor and no guest kernel: its processes run on the host kernel, separated by "
    "namespaces and limited by cgroups.\n"
    "- **Mechanism: how does the guest's CPU code run?** *Software emulation* (binary "
    "translation, as in QEMU's TCG) translates guest instructions into host code: it runs "
    "on any host but costs a lot. *Hardware-assisted virtualization* (Intel VT-x, AMD-V) "
    "runs guest code directly on the CPU and traps only privileged operations, as KVM, "
    "VirtualBox and VMware do. A container virtualizes *no* CPU: its code is ordinary host "
    "code, and its system calls go to the shared host kernel.\n\n"
    "The axes are independent: VirtualBox is type-2 *and* hardware-assisted; QEMU without "
    "KVM is type-2 *and* emulated. Overhead follows the mechanism far more than the "
    "architecture.\n\n"
    "| architecture \\ mechanism | software emulation | hardware-assisted | none (shared "
    "kernel) |\n"
    "|---|---|---|---|\n"
    "| type-2, hosted on an OS | QEMU TCG | VirtualBox, VMware Workstation, QEMU+KVM | - |\n"
    "| type-1, on the hardware | - | Xen HVM, VMware ESXi, Hyper-V, KVM | - |\n"
    "| container | - | - | Docker, Podman, runc/crun, LXC |\n\n";

static void header(const json_t *x, FILE *out)
{
	const json_t *run = json_object_get(x, "run"), *reps = json_object_get(run, "reps");

	fputs("# Virtualization explained with run ", out);
	vb_text_put_md_code(out, vb_json_text(run, "dir"));
	fputs("\n\nCreated ", out);
	md(out, vb_json_text(run, "created"));
	fputs(" on ", out);
	md(out, vb_json_text(run, "cpu"));
	fputs(" (kernel ", out);
	md(out, vb_json_text(run, "kernel"));
	fputs("), profile ", out);
	md(out, vb_json_text(run, "profile"));
	if (json_is_integer(reps))
		fprintf(out, ", %lld repetitions per workload and environment",
			(long long)json_integer_value(reps));
	fprintf(out, ".\n\n");
	if (json_is_true(json_object_get(run, "virtualized"))) {
		fputs("> **This \"bare metal\" host is itself a virtual machine** (hypervisor ",
		      out);
		vb_text_put_md_code(out, vb_json_text(run, "hypervisor_vendor"));
		fputs("). Every ratio below compares environments inside that VM: costs the "
		      "outer hypervisor adds to both sides cancel out, and every VM measured here "
		      "is nested.\n\n",
		      out);
	}
}

static void environments(const json_t *x, FILE *out)
{
	const json_t *e;
	size_t i;
	char *text;

	fprintf(out, "### The environments of this run\n\n"
		     "| environment | architecture | mechanism | measured |\n|---|---|---|---|\n");
	json_array_foreach(json_object_get(x, "environments"), i, e)
	{
		fputs("| ", out);
		md(out, vb_json_text(e, "name"));
		fputs(" | ", out);
		md(out, vb_json_text(e, "architecture"));
		fputs(" | ", out);
		md(out, vb_json_text(e, "mechanism"));
		if (json_is_true(json_object_get(e, "measured"))) {
			fputs(" | yes |\n", out);
		} else {
			fputs(" | no: ", out);
			md(out, vb_json_text(e, "reason"));
			fputs(" |\n", out);
		}
	}
	fputc('\n', out);
	/* the unavailable ones once, with their reasons, in no table */
	text = vb_table_unavailable_envs(json_object_get(x, "unavailable"));
	if (text) {
		md(out, text);
		fputs("\n\n", out);
		free(text);
	}
}

/* "x7.90 [7.28-8.08]", "5.23 ms", "-" */
double vb_explain_margin(const json_t *x)
{
	json_t *m = json_object_get(x, "margin");

	return json_is_number(m) ? json_number_value(m) : VB_VERDICT_MARGIN;
}

char *vb_explain_fmt_value(const json_t *t, char *buf, size_t len)
{
	double v = vb_json_num(t, "value"), lo = vb_json_num(t, "ci_low"), hi = vb_json_num(t, "ci_high");
	const char *unit = vb_json_text(t, "unit");
	char vt[64];
	size_t n;

	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (!strcmp(unit, "x"))
		snprintf(buf, len, "x%.3g", v);
	else
		snprintf(buf, len, "%.3g %s", v, unit);
	n = strlen(buf);
	if (isfinite(lo) && isfinite(hi) && n < len)
		n += (size_t)snprintf(buf + n, len - n, " [%.3g-%.3g]", lo, hi);
	if (json_object_get(t, "ratio_verdict") && n < len)
		n += (size_t)snprintf(buf + n, len - n, " %s",
				      vb_table_fmt_verdict(json_object_get(t, "ratio_verdict"), vt,
							    sizeof(vt)));
	if (n > len)
		n = len;
	if (json_is_true(json_object_get(t, "indicative")) && n < len)
		snprintf(buf + n, len - n, " †");
	return buf;
}

static void claim(const json_t *c, FILE *out)
{
	const json_t *t, *n;
	char buf[256];
	size_t i;

	fprintf(out, "### %lld. %s: **%s**%s\n\n",
		(long long)json_integer_value(json_object_get(c, "id")), vb_json_text(c, "claim"),
		vb_json_text(c, "verdict"),
		json_is_true(json_object_get(c, "partial")) ? " (where it could be tested)" : "");
	if (json_array_size(json_object_get(c, "tests"))) {
		fprintf(out, "| environment | quantity | value [95%% interval] | rule | verdict "
			     "|\n|---|---|---|---|---|\n");
		json_array_foreach(json_object_get(c, "tests"), i, t)
		{
			fputs("| ", out);
			md(out, vb_json_text(t, "env"));
			fputs(" | ", out);
			md(out, vb_json_text(t, "what"));
			fputs(" | ", out);
			md(out, vb_explain_fmt_value(t, buf, sizeof(buf)));
			fputs(" | ", out);
			md(out, vb_json_text(t, "rule"));
			fputs(" | ", out);
			md(out, vb_json_text(t, "verdict"));
			fputs(" |\n", out);
		}
		fputc('\n', out);
	}
	json_array_foreach(json_object_get(c, "notes"), i, n) {
		fputs("- ", out);
		md(out, json_string_value(n));
		fputs("\n", out);
	}
	if (json_array_size(json_object_get(c, "notes")))
		fputc('\n', out);
}

void vb_explain_md(const json_t *x, FILE *out)
{
	const json_t *c, *w;
	char rule[256];
	size_t i;

	header(x, out);
	fputs(vb_explain_axes_md, out);
	environments(x, out);
	vb_verdict_rule_line(vb_explain_margin(x), NULL, rule, sizeof(rule));
	fprintf(out, "## Claims, judged on this run\n\n"
		     "Thresholds and what each verdict means: docs/explain.md. Intervals are 95%% "
		     "bootstrap intervals (docs/statistics.md); † marks one from fewer than 10 "
		     "repetitions (indicative only). Ratios: x1.00 is bare metal's speed, x2.00 "
		     "twice the time per unit of work. Ratio %s.\n\n", rule);
	json_array_foreach(json_object_get(x, "claims"), i, c) claim(c, out);
	if (json_array_size(json_object_get(x, "warnings"))) {
		fprintf(out, "## Caveats of this run\n\n");
		json_array_foreach(json_object_get(x, "warnings"), i, w) {
			fputs("- ", out);
			md(out, json_string_value(w));
			fputs("\n", out);
		}
	}
}
