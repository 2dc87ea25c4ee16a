/*
 * cmd_doctor.c - `vbench doctor`: what this host can run, what is missing,
 * and how to get it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/cgroup.h"
#include "lib/counters.h"
#include "harness/env/env.h"
#include "lib/hostinfo.h"
#include "harness/core/options.h"
#include "harness/run/runner.h"
#include "bench/cmd.h"

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

int vb_cmd_doctor(int argc, char **argv)
{
	char why[256], vendor[64], agent[4096];
	vb_run_cfg_t cfg;
	vb_error_t err;
	json_t *src;
	char *s;
	size_t i;
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
		printf("host: a virtual machine itself (hypervisor '%s'): overheads will be relative "
		       "to an already-virtualized host\n", vendor);
	else
		printf("host: no hypervisor reported by the CPU\n");
	printf("running as %s\n", geteuid() == 0 ? "root" : "non-root (cgroups and namespaces may be refused)");
	vb_cgroup_probe("/sys/fs/cgroup", why, sizeof(why));
	printf("cgroups: %s\n", why);
	if (vb_prepare_find_agent(agent, sizeof(agent)) == 0) {
		printf("agent: %s\n", agent);
		snprintf(cfg.agent_path, sizeof(cfg.agent_path), "%s", agent);
	} else {
		printf("agent: NOT FOUND next to vbench (run `make`)\n");
	}
	src = vb_counters_sources_json();
	s = json_dumps(src, JSON_COMPACT);
	printf("counter sources: %s\n", s ? s : "?");
	free(s);
	json_decref(src);
	printf("\nenvironments:\n");
	for (i = 0; i < vb_env_count(); i++) {
		const vb_env_ops_t *o = vb_env_at(i);
		vb_error_clear(&err);
		if (vb_env_probe(o, &cfg, &err) == 0)
			printf("  %-10s ok\n", o->name);
		else
			printf("  %-10s unavailable: %s\n", o->name, err.msg);
	}
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
