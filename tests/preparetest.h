/*
 * preparetest.h - what the suites of the run's checks and bounds share
 * (check_prepare.c, check_prepare_space.c, check_prepare_out.c): a private
 * directory under /var/tmp, the binaries under test, a loop device to
 * detach, and running vbench or the agent with its output captured.
 */
#ifndef VB_PREPARETEST_H
#define VB_PREPARETEST_H

#include <limits.h>
#include <stddef.h>

#include "harness/core/options.h"
#include "lib/error.h"

extern char vb_preparetest_vbench[PATH_MAX]; /* bench/vbench under test */
extern char vb_preparetest_agent[PATH_MAX];  /* workloads/vbench-agent under test */
extern char vb_preparetest_dir[PATH_MAX];    /* the test's private directory */
extern char vb_preparetest_loopdev[64];      /* attached by a test, detached in teardown */

/* Unchecked fixture: the paths above set, the directory made; teardown
 * detaches the loop device and removes the directory. */
void vb_preparetest_setup(void);
void vb_preparetest_teardown(void);

/*
 * Run @argv in directory @cwd (NULL: unchanged) with "K=V" @env_kv (or
 * NULL); stdout+stderr into @out.  Returns the exit status (128+signal).
 */
int vb_preparetest_run_in(const char *cwd, const char *env_kv, char *const argv[], char *out,
			  size_t len);

/* Entries of @dir (not . and ..), or -1 when it does not exist. */
int vb_preparetest_entries(const char *dir);

/* Whether @s is exactly one line (one newline, at its end). */
int vb_preparetest_one_line(const char *s);

/* vbench run's parser on the NULL-terminated @argv into @cfg (initialised
 * here; the caller frees it with vb_run_cfg_free).  0, or -1 with @err. */
int vb_preparetest_parse(vb_run_cfg_t *cfg, vb_error_t *err, char **argv);

#endif
