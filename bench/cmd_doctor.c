/*
 * cmd_doctor.c - `vbench doctor`: what this host can run, what is missing,
 * and how to get it.  Every line fits the width of the output (term.h):
 * a reason too long for it is wrapped under its own column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/cgroup.h"
#include "lib/counters.h"
#include "harness/env/env.h"
#include "lib/hostinfo.h"
#include "lib/term.h"
#include "harness/core/options.h"
#include "harness/run/runner.h"
#include "bench/cmd.h"
#include "workloads/workload.h"

static const struct {
	const char *what;
	const char *path;
	const char *package;
} tools[] = {
	{ "gnuplot (charts)", "/usr/bin/gnuplot", "gnuplot-nox" },
	{ "QEMU (hosted and kvm VMs)", "/usr/bin/qemu-system-x86_64", "qemu-system-x86" },
	{ "crun (OCI containers)", "/usr/bin/crun", "crun" },
	{ "runc (OCI containers)", "/usr/sbin/runc", "runc" },
	{ "fio (I/O reference benchmark)", "/usr/bin/fio", "fio" },
	{ "likwid-bench (STREAM reference)", "/usr/bin/likwid-bench", "likwid" },
};

const vb_optspec_t vb_cmd_doctor_spec = {
	.prog = "vbench doctor",
	.usage = "vbench doctor",
	.about = "Say what this host can run and what is missing, and how to get it: hypervisor, "
		 "privileges, cgroups, the agent, counter sources, each environment's probe and "
		 "the tools vbench uses.",
};

/* "  NAME  TEXT" with NAME padded to @cw, TEXT wrapped under itself. */
static void row(const char *name, size_t cw, const char *text, size_t width);

/* Each application workload: whether the host has its server and load
 * generator (the default selection leaves it out otherwise). */
static void print_apps(size_t width)
{
	const vb_workload_t *w;
	char missing[128], line[256];
	size_t i;

	printf("\napplication workloads:\n");
	for (i = 0; i < vb_workload_count(); i++) {
		w = vb_workload_at(i);
		if (w->kind != VB_KIND_APP)
			continue;
		if (!vb_run_cfg_app_missing(w, missing, sizeof(missing)))
			snprintf(line, sizeof(line), "ok (%s, %s)", w->server, w->client);
		else
			snprintf(line, sizeof(line),
				 "left out: %s not installed (scripts/install-deps.sh apps)",
				 missing);
		row(w->name, 10, line, width);
	}
}

static void row(const char *name, size_t cw, const char *text, size_t width)
{
	printf("  %-*s ", (int)cw, name);
	vb_term_wrap(stdout, text, 3 + cw, 3 + cw, width);
	putchar('\n');
}

/* A line of text wrapped at @width, the lines after the first indented by 2. */
static void para(const char *text, size_t width)
{
	vb_term_wrap(stdout, text, 0, 2, width);
	putchar('\n');
}

/* A source's row: @state, and ": REASON" when @reason is a non-empty string. */
static void state_row(const char *name, const char *state, const json_t *reason, size_t width)
{
	const char *r = json_string_value(reason);
	char text[512];

	snprintf(text, sizeof(text), "%s%s%s", state, r && *r ? ": " : "", r && *r ? r : "");
	row(name, 22, text, width);
}

/*
 * The counter sources (counters.h vb_counters_sources_json) as a table:
 * PAPI and each of its components, enabled or not and why, then
 * perf_event's paranoia level and the kernel's event sources.
 */
static void print_sources(const json_t *src, size_t width)
{
	const json_t *papi = json_object_get(src, "papi"), *c, *par;
	const char *v;
	char name[128], text[512];
	size_t i, n = 0;

	printf("counter sources:\n");
	snprintf(name, sizeof(name), "PAPI %s", json_string_value(json_object_get(papi, "version")) ?: "");
	state_row(name, json_is_true(json_object_get(papi, "initialised")) ? "ok" : "unavailable",
		  json_object_get(papi, "reason"), width);
	json_array_foreach(json_object_get(papi, "components"), i, c) {
		snprintf(name, sizeof(name), "  %s", json_string_value(json_object_get(c, "name")) ?: "?");
		state_row(name, json_is_true(json_object_get(c, "disabled")) ? "disabled" : "enabled",
			  json_object_get(c, "reason"), width);
	}
	par = json_object_get(src, "perf_event_paranoid");
	if (json_is_integer(par))
		snprintf(text, sizeof(text), "perf_event_paranoid %d",
			 (int)json_integer_value(par));
	else
		snprintf(text, sizeof(text), "perf_event_paranoid unreadable");
	row("perf_event", 22, text, width);
	text[0] = '\0';
	json_array_foreach(json_object_get(src, "event_source_devices"), i, c)
		if ((v = json_string_value(c)) && n < sizeof(text))
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", n ? ", " : "", v);
	row("  event sources", 22, text[0] ? text : "none", width);
}

int vb_cmd_doctor(int argc, char **argv)
{
	char why[256], vendor[64], agent[4096], line[4400];
	size_t i, width = vb_term_width(STDOUT_FILENO);
	vb_run_cfg_t cfg;
	vb_error_t err;
	json_t *src;
	int rc;

	vb_error_clear(&err);
	rc = vb_optparse(&vb_cmd_doctor_spec, NULL, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc < 0) {
		fprintf(stderr, "vbench doctor: %s\n", err.msg);
		return VB_EXIT_USAGE;
	}
	vb_run_cfg_init(&cfg);
	printf("vbench %s doctor\n\n", VB_VERSION);
	if (vb_hostinfo_hypervisor(vendor, sizeof(vendor)))
		snprintf(line, sizeof(line), "host: a virtual machine itself (hypervisor '%s'): "
			 "overheads will be relative to an already-virtualized host", vendor);
	else
		snprintf(line, sizeof(line), "host: no hypervisor reported by the CPU");
	para(line, width);
	para(geteuid() == 0 ? "running as root"
			    : "running as non-root (cgroups and namespaces may be refused)",
	     width);
	vb_cgroup_probe("/sys/fs/cgroup", why, sizeof(why));
	snprintf(line, sizeof(line), "cgroups: %s", why);
	para(line, width);
	if (vb_prepare_find_agent(agent, sizeof(agent)) == 0) {
		snprintf(line, sizeof(line), "agent: %s", agent);
		para(line, width);
		snprintf(cfg.agent_path, sizeof(cfg.agent_path), "%s", agent);
	} else {
		para("agent: NOT FOUND next to vbench (run `make`)", width);
	}
	putchar('\n');
	src = vb_counters_sources_json();
	print_sources(src, width);
	json_decref(src);
	printf("\nenvironments:\n");
	for (i = 0; i < vb_env_count(); i++) {
		const vb_env_ops_t *o = vb_env_at(i);
		vb_error_clear(&err);
		if (vb_env_probe(o, &cfg, &err) == 0)
			snprintf(line, sizeof(line), "ok");
		else
			snprintf(line, sizeof(line), "unavailable: %s", err.msg);
		row(o->name, 10, line, width);
	}
	print_apps(width);
	printf("\ntools:\n");
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		printf("  %-32s %s\n", tools[i].what,
		       access(tools[i].path, X_OK) == 0 ? "ok" : "missing");
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (access(tools[i].path, X_OK) != 0) {
			printf("\nto install what is missing: scripts/install-deps.sh (or apt-get install "
			       "%s ...)\n", tools[i].package);
			break;
		}
	return 0;
}
