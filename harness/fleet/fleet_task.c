/*
 * fleet_task.c - one task of a fleet (fleet.h): the names of its run
 * directory NODE-TASK, finding it, the claim of a task for its node, and
 * the `vbench run` command line it runs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/runfile.h"
#include "harness/fleet/fleet.h"
#include "lib/json.h"
#include "lib/safefs.h"
#include "lib/util.h"

int vb_fleet_node_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (!n || n >= VB_FLEET_NODE_MAX || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!(name[i] >= 'a' && name[i] <= 'z') && !(name[i] >= 'A' && name[i] <= 'Z') &&
		    !(name[i] >= '0' && name[i] <= '9') && !strchr("._-", name[i]))
			return 0;
	return 1;
}

void vb_fleet_run_dir_name(const char *node, unsigned id, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%u", node, id);
}

long vb_fleet_run_dir_task(const vb_fleet_t *f, const char *name, char *node, size_t len)
{
	const char *dash = strrchr(name, '-');
	uint64_t id;
	size_t n;

	if (!dash || dash == name || !dash[1] || (dash[1] == '0' && dash[2]))
		return -1;
	if (vb_parse_u64(dash + 1, 0, f->tasks - 1, "task", &id, NULL) < 0)
		return -1;
	n = (size_t)(dash - name);
	if (n >= len || n >= VB_FLEET_NODE_MAX)
		return -1;
	memcpy(node, name, n);
	node[n] = '\0';
	return vb_fleet_node_ok(node) ? (long)id : -1;
}

void vb_fleet_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int vb_fleet_is_dir_entry(int dirfd, const struct dirent *de)
{
	struct stat sb;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	/* a filesystem that does not say (XFS ftype=0, some NFS, Lustre) */
	return fstatat(dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode);
}

int vb_fleet_run_dir_find(const vb_fleet_t *f, unsigned id, char *node, size_t len)
{
	int fd = openat(f->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), found = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!found && (de = readdir(d)))
		found = vb_fleet_run_dir_task(f, de->d_name, node, len) == (long)id &&
			vb_fleet_is_dir_entry(f->dirfd, de);
	closedir(d);
	return found;
}

int vb_fleet_run_done(const char *status)
{
	return status && (!strcmp(status, "complete") || !strcmp(status, "completed-with-errors"));
}

/*
 * Claim task @id for @node: the symbolic link .task-ID whose target is the
 * node's name, made atomically (symlinkat: also on NFS) and never
 * followed; a claim of another node's is refused.  So two copies of one
 * task (a requeue, a duplicate submission) cannot both begin it on two
 * nodes; two on the same node meet at the run directory's lock.
 */
static int claim(vb_fleet_t *f, unsigned id, const char *node, vb_error_t *err)
{
	char name[32], held[VB_FLEET_NODE_MAX + 1];
	ssize_t n;

	snprintf(name, sizeof(name), ".task-%u", id);
	if (symlinkat(node, f->dirfd, name) == 0)
		return 0;
	if (errno != EEXIST)
		return vb_error_set(err, VB_ESYS, errno, "%s/%s", f->dir, name);
	n = readlinkat(f->dirfd, name, held, sizeof(held) - 1);
	if (n < 0)
		return vb_error_set(err, VB_EUSAGE, errno, "%s/%s: expected the task's claim (a "
				    "symbolic link naming its node)", f->dir, name);
	held[n] = '\0';
	if (strcmp(held, node))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "task %u was begun on %.63s (%s/%s), this is %s: `vbench fleet "
				    "submit --resume` runs it there (or remove that claim and its run "
				    "directory)",
				    id, held, f->dir, name, node);
	return 0;
}

char **vb_fleet_task_argv(vb_fleet_t *f, const char *node, unsigned id, int *argc, int *done,
			  vb_error_t *err)
{
	json_t *opts = vb_fleet_run_opts(f), *run = NULL;
	char name[VB_FLEET_NODE_MAX + 16], other[VB_FLEET_NODE_MAX], path[PATH_MAX + 96];
	char rel[VB_FLEET_NODE_MAX + 32];
	size_t n = json_array_size(opts), k = 0;
	struct stat sb;
	char **argv;

	*done = 0;
	if (!vb_fleet_node_ok(node))
		return vb_error_set(err, VB_EUSAGE, 0, "node name '%s': expected 1 to 63 of "
				    "[A-Za-z0-9._-]", node), NULL;
	if (id >= f->tasks)
		return vb_error_set(err, VB_EUSAGE, 0, "task %u: the fleet has tasks 0 to %u", id,
				    f->tasks - 1), NULL;
	if (vb_fleet_run_dir_find(f, id, other, sizeof(other)) && strcmp(other, node))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "task %u was begun on %s (%s/%s-%u), this is %s: `vbench fleet "
				    "submit --resume` runs it there (or remove that directory)",
				    id, other, f->dir, other, id, node), NULL;
	if (claim(f, id, node, err) < 0)
		return NULL;
	vb_fleet_run_dir_name(node, id, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	snprintf(rel, sizeof(rel), "%s/%s", name, VB_RUNFILE_NAME);
	/* no run.json: a new run; one that cannot be read is an error, not a new run */
	if (fstatat(f->dirfd, rel, &sb, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
		char what[PATH_MAX + 128];

		snprintf(what, sizeof(what), "%s/%s", path, VB_RUNFILE_NAME);
		if (!(run = vb_runfile_load_at(f->dirfd, rel, VB_SAFEFS_BENEATH, what, err)))
			return NULL;
		if (vb_fleet_run_done(vb_json_str(run, "status"))) {
			json_decref(run);
			*done = 1;
			return NULL;
		}
	}
	argv = calloc(n + 4, sizeof(*argv));
	if (!argv) {
		json_decref(run);
		return vb_error_set(err, VB_ESYS, ENOMEM, "run options"), NULL;
	}
	argv[k++] = strdup("run");
	if (run) {
		argv[k++] = strdup("--resume");
		argv[k++] = strdup(path);
	} else {
		for (size_t i = 0; i < n; i++)
			argv[k++] = strdup(json_string_value(json_array_get(opts, i)));
		argv[k++] = strdup("--out");
		argv[k++] = strdup(path);
	}
	json_decref(run);
	for (size_t i = 0; i < (size_t)k; i++)
		if (!argv[i]) {
			vb_fleet_argv_free_n(argv, k);
			return vb_error_set(err, VB_ESYS, ENOMEM, "run options"), NULL;
		}
	*argc = (int)k;
	return argv;
}

int vb_fleet_task_log(vb_fleet_t *f, unsigned id, vb_error_t *err)
{
	const char *job = getenv("SLURM_ARRAY_JOB_ID");
	char name[64], what[PATH_MAX + 80];
	uint64_t j;
	int dfd, fd;

	if (!job || vb_parse_u64(job, 1, UINT32_MAX, "SLURM_ARRAY_JOB_ID", &j, err) < 0)
		return vb_error_set(err, VB_EUSAGE, 0, "SLURM_ARRAY_JOB_ID: expected the job's id");
	snprintf(name, sizeof(name), "%llu_%u.out", (unsigned long long)j, id);
	snprintf(what, sizeof(what), "%s/%s/%s", f->dir, VB_FLEET_LOGS, name);
	if ((mkdirat(f->dirfd, VB_FLEET_LOGS, 0700) < 0 && errno != EEXIST) ||
	    (dfd = openat(f->dirfd, VB_FLEET_LOGS, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
							O_CLOEXEC)) < 0)
		return vb_error_set(err, VB_ESYS, errno, "%s/%s", f->dir, VB_FLEET_LOGS);
	fd = vb_safefs_open_own(dfd, name, VB_OWN_APPEND | VB_OWN_ABOVE2, 0644, what, NULL, err);
	close(dfd);
	if (fd < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	if (dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
		close(fd);
		return vb_error_set(err, VB_ESYS, errno, "%s", what);
	}
	close(fd);
	return 0;
}
