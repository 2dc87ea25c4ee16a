/*
 * cmd_clean.c - `vbench clean`: remove what killed vbench runs left
 * (processes, cgroups, mounts, temporary directories and files, OCI
 * containers), found through the markers each run keeps in the state
 * directory (harness/run/clean.h).  Runs whose owner is alive are left alone.
 * `vbench run` makes the same check at start.
 */
#include <stdio.h>
#include <string.h>

#include "harness/run/clean.h"
#include "harness/core/marker.h"
#include "lib/util.h"
#include "bench/cmd.h"

typedef struct clean_option {
	const char *name; /* "--state-dir" */
	const char *arg;  /* "DIR", NULL for a flag */
	const char *help; /* one line, with the default */
} clean_option_t;

static const clean_option_t options[] = {
	{ "--dry-run", NULL, "say what would be removed, remove nothing" },
	{ "--state-dir", "DIR",
	  "where the markers are [$VBENCH_STATE_DIR or " VB_STATE_DIR_DEFAULT "]" },
};

static void usage(FILE *f)
{
	char left[40];
	size_t i;

	fprintf(
	    f, "usage: vbench clean [OPTIONS]\n\n"
	       "Remove what vbench runs killed with SIGKILL (or crashed) left: their processes,\n"
	       "cgroups, mounts, temporary directories and files and OCI containers, as listed in\n"
	       "the marker each run keeps in the state directory.  A run whose vbench is still\n"
	       "alive is left alone; only paths vbench creates are touched (docs/reliability.md,\n"
	       "\"Interruption and `vbench clean`\").  `vbench run` does the same at start.\n\n"
	       "options:\n");
	for (i = 0; i < VB_ARRAY_SIZE(options); i++) {
		snprintf(left, sizeof(left), "%s%s%s", options[i].name, options[i].arg ? " " : "",
			 options[i].arg ?: "");
		fprintf(f, "  %-16s %s\n", left, options[i].help);
	}
	fprintf(
	    f,
	    "\nexit codes: 0 done (also: nothing to do; refused paths are reported), 1 something\n"
	    "could not be removed (its marker is kept for another try), 2 bad usage\n");
}

/* Parse argv.  Returns 0, 1 for --help, -1 with @err (VB_EUSAGE). */
static int parse(vb_clean_opts_t *o, int argc, char **argv, vb_error_t *err)
{
	const char *arg, *eq;
	int k;

	for (k = 1; k < argc; k++) {
		arg = argv[k];
		eq = strchr(arg, '=');
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return 1;
		if (!strcmp(arg, "--dry-run")) {
			o->dry_run = 1;
		} else if (!strcmp(arg, "--state-dir") ||
			   (eq && (size_t)(eq - arg) == 11 && !strncmp(arg, "--state-dir", 11))) {
			o->state_dir = eq ? eq + 1 : k + 1 < argc ? argv[++k] : NULL;
			if (!o->state_dir || !o->state_dir[0])
				return vb_error_set(err, VB_EUSAGE, 0,
						    "--state-dir needs a value (DIR)");
		} else {
			return vb_error_set(err, VB_EUSAGE, 0,
					    "unknown argument '%.128s' (see --help)", arg);
		}
	}
	return 0;
}

int vb_cmd_clean(int argc, char **argv)
{
	vb_clean_opts_t o = { .out = stdout };
	vb_clean_stats_t st;
	vb_error_t err;
	int rc;

	vb_error_clear(&err);
	rc = parse(&o, argc, argv, &err);
	if (rc == 1) {
		usage(stdout);
		return VB_EXIT_OK;
	}
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
