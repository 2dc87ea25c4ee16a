/*
 * options_select.c - what a run's options select beyond their own values
 * (split from options.c): the default selection of workloads, and the host
 * programs the selected application workloads need (cfg->programs).
 */
#include "harness/core/options.h"
#include "harness/core/options_int.h"
#include "harness/core/runproc.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "workloads/workload.h"

int vb_run_cfg_selects(const vb_run_cfg_t *cfg, unsigned flags)
{
	size_t w;

	for (w = 0; w < cfg->nwl; w++)
		if ((cfg->wl[w]->flags & flags) == flags)
			return 1;
	return 0;
}

const char *vb_run_cfg_program(const vb_run_cfg_t *cfg, const char *name)
{
	size_t i;

	for (i = 0; name && i < cfg->nprograms; i++)
		if (!strcmp(cfg->programs[i].name, name))
			return cfg->programs[i].path;
	return NULL;
}

const char *const *vb_run_cfg_servers(const vb_run_cfg_t *cfg,
				      const char *out[VB_MAX_PROGRAMS + 1])
{
	size_t i, n = 0;

	for (i = 0; i < cfg->nprograms; i++)
		if (cfg->programs[i].server)
			out[n++] = cfg->programs[i].path;
	out[n] = NULL;
	return out;
}

/* Program @name of workload @w into the run's list (once), found on the
 * host; -1 with @err (VB_EUNAVAIL) when it is not installed. */
static int add_program(vb_run_cfg_t *cfg, const vb_workload_t *w, const char *name, int server,
		       vb_error_t *err)
{
	size_t n = cfg->nprograms;

	if (vb_run_cfg_program(cfg, name))
		return 0;
	if (n == VB_MAX_PROGRAMS)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: more than %d programs in one run",
				    w->name, VB_MAX_PROGRAMS);
	if (vb_proc_which(name, cfg->programs[n].path, sizeof(cfg->programs[n].path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s needs %s on the host, which is not installed (scripts/"
				    "install-deps.sh apps)",
				    w->name, name);
	cfg->programs[n].name = name;
	cfg->programs[n].server = server;
	cfg->nprograms++;
	return 0;
}

int vb_run_cfg_app_missing(const vb_workload_t *w, char *missing, size_t len)
{
	char path[PATH_MAX];
	int srv = vb_proc_which(w->server, path, sizeof(path)) < 0,
	    cli = vb_proc_which(w->client, path, sizeof(path)) < 0;

	if (missing && len)
		snprintf(missing, len, "%s%s%s", srv ? w->server : "", srv && cli ? " and " : "",
			 cli ? w->client : "");
	return srv + cli;
}

/* No --workload: every workload, but the network and application ones
 * only where the profile has them (not the test profile's), and an
 * application only where the host has its programs (cfg->sel_note says
 * which were left out). */
void vb_run_cfg_default_selection(vb_run_cfg_t *cfg)
{
	const vb_workload_t *w;
	size_t i, off = 0;

	cfg->sel_note[0] = '\0';
	for (i = 0; i < vb_workload_count() && cfg->nwl < VB_MAX_SEL; i++) {
		w = vb_workload_at(i);
		if ((w->flags & VB_W_NET) && !cfg->profile->net)
			continue;
		if (w->kind == VB_KIND_APP && vb_run_cfg_app_missing(w, NULL, 0)) {
			off += (size_t)snprintf(cfg->sel_note + off,
						off < sizeof(cfg->sel_note) ? sizeof(cfg->sel_note) - off : 0,
						"%s%s (%s, %s)", off ? ", " : "", w->name, w->server,
						w->client);
			continue;
		}
		cfg->wl[cfg->nwl++] = w;
	}
	if (off && off < sizeof(cfg->sel_note) - 80)
		snprintf(cfg->sel_note + off, sizeof(cfg->sel_note) - off,
			 " left out: not installed (scripts/install-deps.sh apps)");
}

/* The programs of the selected application workloads (cfg->programs). */
int vb_run_cfg_find_programs(vb_run_cfg_t *cfg, vb_error_t *err)
{
	size_t i;

	cfg->nprograms = 0;
	for (i = 0; i < cfg->nwl; i++)
		if (cfg->wl[i]->kind == VB_KIND_APP &&
		    (add_program(cfg, cfg->wl[i], cfg->wl[i]->server, 1, err) < 0 ||
		     add_program(cfg, cfg->wl[i], cfg->wl[i]->client, 0, err) < 0))
			return -1;
	return 0;
}
