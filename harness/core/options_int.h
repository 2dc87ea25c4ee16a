/*
 * options_int.h - what options.c, options_group.c and options_select.c
 * share: the backends' option groups of `vbench run` (vb_run_cfg_ext_t)
 * put into a spec and their defaults into a configuration; the default
 * selection and the application workloads' programs.
 *
 * Must not: be included outside harness/core/options*.c.
 */
#ifndef VB_OPTIONS_INT_H
#define VB_OPTIONS_INT_H

#include "harness/core/options.h"
#include "lib/optparse.h"

/* Every group's defaults into @cfg's plugin_conf, once. */
void vb_run_cfg_group_defaults(vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext);

/*
 * The spec of `vbench run` with @ext's groups (into @groups), each writing
 * into its configuration in @cfg's plugin_conf; without @cfg (the help),
 * each showing its defaults.  A group whose configuration does not fit is
 * left out (env.c's checks keep that from happening).
 */
vb_optspec_t vb_run_cfg_group_spec(vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext,
				   vb_optgroup_t groups[VB_RUN_GROUPS_MAX]);

/* No --workload: every workload, but the network and application ones
 * only where the profile has them, an application only where the host has
 * its programs (cfg->sel_note says which were left out). */
void vb_run_cfg_default_selection(vb_run_cfg_t *cfg);

/* The programs of the selected application workloads into cfg->programs;
 * -1 with @err naming one that is not installed. */
int vb_run_cfg_find_programs(vb_run_cfg_t *cfg, vb_error_t *err);

#endif
