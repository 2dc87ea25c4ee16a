/*
 * cmd_clean.c - `vbench clean`: remove what killed vbench runs left
 * (processes, cgroups, mounts, temporary directories and files, OCI
 * containers), found through the markers each run keeps in the state
 * directory (harness/run/clean.h).  Runs whose owner is alive are left alone.
 * `vbench run` makes the same check at start.
 */
#include <stdio.h>

#include "harness/run/clean.h"
#include "harness/core/marker.h"
#include "lib/util.h"
#include "bench/cmd.h"

static const vb_opt_t options[] = {
	{ .name = "--dry-run", .help = "say what would be removed, remove nothing",
	  VB_OPT_FLAG_AT(vb_clean_opts_t, dry_run) },
	{ .name = "--state-dir", .arg = "DIR", .def = "$VBENCH_STATE_DIR or " VB_STATE_DIR_DEFAULT,
	  .help = "where the markers are", VB_OPT_PATH_AT(vb_clean_opts_t, state_dir) },
};

const vb_optspec_t vb_cmd_clean_spec = {
	.prog = "vbench clean",
	.usage = "vbench clean [OPTIONS]",
	.about = "Remove what vbench runs killed with SIGKILL (or crashed) left: their processes, "
		 "cgroups, mounts, temporary directories and files and OCI containers, as listed in "
		 "the marker each run keeps in the state directory.  A run whose vbench is still "
		 "alive is left alone; only paths vbench creates are touched (docs/reliability.md, "
		 "\"Interruption and `vbench clean`\").  `vbench run` does the same at start.",
	.opts = options,
	.nopts = VB_ARRAY_SIZE(options),
	.epilog = "exit codes: 0 done (also: nothing to do; refused paths are reported), 1 something "
		  "could not be removed (its marker is kept for another try), 2 bad usage",
};

int vb_cmd_clean(int argc, char **argv)
{
	vb_clean_opts_t o = { .out = stdout };
	vb_clean_stats_t st;
	vb_error_t err;
	int rc;

	vb_error_clear(&err);
	rc = vb_optparse(&vb_cmd_clean_spec, &o, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc < 0 || vb_clean(&o, &st, &err) < 0) {
		fprintf(stderr, "vbench clean: %s\n", err.msg);
		return rc < 0 ? VB_EXIT_USAGE : vb_error_exit_code(&err);
	}
	if (!st.dead && !st.bad) {
		printf("vbench clean: nothing to clean in %s (%u live run%s left alone)\n",
		       o.state_dir ? o.state_dir : vb_marker_dir(), st.live,
		       st.live == 1 ? "" : "s");
		return VB_EXIT_OK;
	}
	printf("vbench clean: %u dead run%s: %u %s, %u already gone, %u refused, %u failed; "
	       "%u live run%s left alone, %u bad marker%s skipped\n",
	       st.dead, st.dead == 1 ? "" : "s", st.removed, o.dry_run ? "to remove" : "removed",
	       st.gone, st.refused, st.failed, st.live, st.live == 1 ? "" : "s", st.bad,
	       st.bad == 1 ? "" : "s");
	return st.failed ? VB_EXIT_FAIL : VB_EXIT_OK;
}
