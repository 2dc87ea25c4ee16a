/*
 * preparetest.c - what the suites of the run's checks and bounds share
 * (preparetest.h).
 */
#include "tests/preparetest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/env.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

char vb_preparetest_vbench[PATH_MAX], vb_preparetest_agent[PATH_MAX], vb_preparetest_dir[PATH_MAX];
char vb_preparetest_loopdev[64];

void vb_preparetest_setup(void)
{
	snprintf(vb_preparetest_vbench, sizeof(vb_preparetest_vbench), "%s/bench/vbench", vb_test_bindir());
	snprintf(vb_preparetest_agent, sizeof(vb_preparetest_agent), "%s/workloads/vbench-agent", vb_test_bindir());
	snprintf(vb_preparetest_dir, sizeof(vb_preparetest_dir), "/var/tmp/vbench-ptest-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(vb_preparetest_dir));
	vb_preparetest_loopdev[0] = '\0';
}

void vb_preparetest_teardown(void)
{
	char cmd[256];

	if (vb_preparetest_loopdev[0]) {
		snprintf(cmd, sizeof(cmd), "losetup -d %s", vb_preparetest_loopdev);
		if (system(cmd) != 0)
			fprintf(stderr, "preparetest: could not detach %s\n", vb_preparetest_loopdev);
	}
	vb_rm_rf(vb_preparetest_dir);
}

/*
 * Run @argv in directory @cwd (NULL: unchanged) with "K=V" @env_kv (or
 * NULL); stdout+stderr into @out.  Returns the exit status (128+signal).
 */
int vb_preparetest_run_in(const char *cwd, const char *env_kv, char *const argv[], char *out,
			  size_t len)
{
	return vb_test_run_in(cwd, argv, env_kv, out, len, NULL);
}

/* Entries of @dir (not . and ..), or -1 when it does not exist. */
int vb_preparetest_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

int vb_preparetest_one_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl && nl == s + strlen(s) - 1;
}

int vb_preparetest_parse(vb_run_cfg_t *cfg, vb_error_t *err, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	vb_run_cfg_init(cfg);
	vb_error_clear(err);
	return vb_run_cfg_parse(cfg, argc, argv, vb_env_cfg_ext(), err);
}
