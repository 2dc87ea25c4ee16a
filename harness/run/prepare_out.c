/*
 * prepare_out.c - the run directory (prepare.h): created (or, for
 * --resume, opened) without following a symbolic link anywhere in its path,
 * locked against a second vbench (runlock.h), checked empty, and its agent
 * log opened once for every agent.  Everything the run then writes there
 * goes through cfg->out_fd, so a link planted in the directory later can
 * redirect nothing.  A run refused before it wrote anything removes what it
 * created: the log, the lock and every directory level it made.
 */
#include "harness/run/prepare.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/core/runlock.h"
#include "lib/safefs.h"
#include "lib/util.h"

#define AGENT_LOG "agent.log"

/* Whether directory @fd holds anything besides the lock file (read through
 * a descriptor of its own: @fd's offset is left alone). */
static int has_entries(int fd)
{
	struct dirent *de;
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), found = 0;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, VB_RUNLOCK_NAME))
			found = 1;
	closedir(d);
	return found;
}

int vb_prepare_out_log(vb_run_cfg_t *cfg, vb_error_t *err)
{
	snprintf(cfg->log_path, sizeof(cfg->log_path), "%s/" AGENT_LOG, cfg->out);
	/* appended to on --resume; vbench's own file or nothing (a hard link to
	 * a file elsewhere, or one another user planted, is refused); above
	 * the standard descriptors, so that a child's dup2 to 2 is never a
	 * no-op */
	cfg->log_fd = vb_safefs_open_own(cfg->out_fd, AGENT_LOG, VB_OWN_APPEND | VB_OWN_ABOVE2,
					 0644, cfg->log_path, &cfg->log_created, err);
	return cfg->log_fd < 0 ? -1 : 0;
}

int vb_prepare_out(vb_run_cfg_t *cfg, vb_error_t *err)
{
	char stamp[32], host[128];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (!cfg->out[0]) {
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		vb_hostname(host, sizeof(host));
		snprintf(cfg->out, sizeof(cfg->out), "results/%s-%s", stamp, host);
	}
	cfg->out_fd = vb_safefs_mkdir_p(cfg->out, 0755, &cfg->out_made, err);
	if (cfg->out_fd < 0) {
		/* a path the user gave (or the cwd) is not usable, unless the
		 * filesystem is full, read-only or failing (exit 4) */
		if (err->code != VB_ERESOURCE)
			err->code = VB_EUSAGE;
		return vb_error_prefix(err, "--out");
	}
	cfg->lock_fd = vb_runlock_take(cfg->out_fd, cfg->out, err);
	if (cfg->lock_fd < 0)
		return err->code == VB_EBUSY ? -1 : vb_error_prefix(err, "--out");
	rc = has_entries(cfg->out_fd);
	if (rc < 0)
		return vb_error_set(err, VB_EUSAGE, errno, "--out %s", cfg->out);
	if (rc > 0)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--out %s: directory is not empty (results are never overwritten)",
				    cfg->out);
	if (faccessat(cfg->out_fd, ".", W_OK, 0) < 0)
		return vb_error_set(err, VB_EUSAGE, errno, "--out %s: not writable", cfg->out);
	return vb_prepare_out_log(cfg, err);
}

int vb_prepare_out_open(vb_run_cfg_t *cfg, const char *dir, vb_error_t *err)
{
	char what[PATH_MAX + 16];

	snprintf(what, sizeof(what), "--resume %s", dir);
	cfg->out_fd = vb_safefs_open_dir_msg(dir, what, err);
	if (cfg->out_fd < 0 && err->errnum == ENOENT)
		return vb_error_set(err, VB_EUSAGE, ENOENT, "--resume %s: no run.json", dir);
	if (cfg->out_fd < 0)
		return -1;
	cfg->lock_fd = vb_runlock_take(cfg->out_fd, dir, err);
	if (cfg->lock_fd < 0)
		return err->code == VB_EBUSY ? -1 : vb_error_prefix(err, "--resume");
	if (faccessat(cfg->out_fd, ".", W_OK, 0) < 0)
		return vb_error_set(err, VB_EUSAGE, errno, "--resume %s: not writable", dir);
	return 0;
}

void vb_prepare_out_close(vb_run_cfg_t *cfg)
{
	if (cfg->log_fd >= 0)
		close(cfg->log_fd);
	cfg->log_fd = -1;
	vb_runlock_release(cfg->out_fd, &cfg->lock_fd);
	if (cfg->out_fd >= 0)
		close(cfg->out_fd);
	cfg->out_fd = -1;
}

int vb_prepare_out_discard(vb_run_cfg_t *cfg)
{
	struct stat st;

	if (cfg->log_created && cfg->out_fd >= 0 && cfg->log_fd >= 0 &&
	    fstat(cfg->log_fd, &st) == 0 && st.st_size == 0)
		unlinkat(cfg->out_fd, AGENT_LOG, 0); /* ours, and nothing was logged */
	cfg->log_created = 0;
	vb_prepare_out_close(cfg);
	return vb_safefs_unmake(&cfg->out_made) > 0; /* only what it made, only if empty */
}
