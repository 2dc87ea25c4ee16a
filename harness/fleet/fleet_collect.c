/*
 * fleet_collect.c - fleets without a shared filesystem (fleet.h): each
 * task writes its run into a directory of its node (local_dir); `vbench
 * fleet collect` runs `vbench fleet pack` on each node through srun, whose
 * standard output Slurm carries back, and unpacks the tar stream into the
 * fleet directory.  Slurm's own tools do not fill this gap on Debian: sbcast
 * copies files to a job's nodes, and sgather, the way back, is not packaged.
 *
 * The stream is untrusted input: only run directories of this fleet
 * (NODE-TASK/...) and logs/ are taken, only regular files and directories,
 * no "..", no absolute path, no link, within size bounds; they are unpacked
 * into a private staging directory beneath the fleet directory, never
 * following a link, then renamed into place.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "harness/fleet/fleet.h"
#include "lib/json.h"
#include "lib/safefs.h"
#include "lib/term.h"
#include "lib/textsafe.h"
#include "lib/util.h"

#define PACK_DEPTH 6		     /* directory levels below a run directory */
#define PACK_FILE_MAX (2ull << 30)   /* one file */
#define PACK_TOTAL_MAX (16ull << 30) /* one node's stream */
#define PACK_ENTRIES_MAX 200000u
#define COLLECT_TIMEOUT_MS (30 * 60 * 1000)
#define STAGING ".collect-staging"

/* ---- pack (on the node) ---- */

static int pack_tree(struct archive *a, int dirfd, const char *rel, int depth, vb_error_t *err)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return vb_error_set(err, VB_ESYS, errno, "%s", rel);
	}
	while (rc == 0 && (de = readdir(d))) {
		char path[PATH_MAX];
		struct stat sb;
		struct archive_entry *e;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		    (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)))
			continue; /* links and the rest stay behind */
		snprintf(path, sizeof(path), "%s/%s", rel, de->d_name);
		e = archive_entry_new();
		archive_entry_set_pathname(e, path);
		archive_entry_set_filetype(e, S_ISDIR(sb.st_mode) ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(e, S_ISDIR(sb.st_mode) ? 0755 : 0644);
		archive_entry_set_mtime(e, sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
		if (S_ISDIR(sb.st_mode)) {
			int sub = depth < PACK_DEPTH ? openat(dirfd, de->d_name,
							      O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
								  O_CLOEXEC)
						     : -1;

			if (archive_write_header(a, e) != ARCHIVE_OK)
				rc = vb_error_set(err, VB_ESYS, 0, "pack %s: %s", path,
						  archive_error_string(a));
			else if (sub >= 0)
				rc = pack_tree(a, sub, path, depth + 1, err);
			if (sub >= 0)
				close(sub);
		} else {
			int ffd = openat(dirfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			char buf[1 << 16];
			ssize_t n;

			if (ffd < 0 || fstat(ffd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
				if (ffd >= 0)
					close(ffd);
				archive_entry_free(e);
				continue;
			}
			archive_entry_set_size(e, sb.st_size);
			if (archive_write_header(a, e) != ARCHIVE_OK)
				rc = vb_error_set(err, VB_ESYS, 0, "pack %s: %s", path,
						  archive_error_string(a) ?: "header");
			/* the size the header says (a log may still grow; libarchive pads
			 * one that shrank) */
			for (off_t done = 0; rc == 0 && done < sb.st_size; done += n) {
				size_t want = (size_t)(sb.st_size - done) < sizeof(buf)
						  ? (size_t)(sb.st_size - done)
						  : sizeof(buf);

				if ((n = read(ffd, buf, want)) <= 0)
					break;
				if (archive_write_data(a, buf, (size_t)n) != n)
					rc = vb_error_set(err, VB_ESYS, 0, "pack %s: %s", path,
							  archive_error_string(a) ?: "short write");
			}
			close(ffd);
		}
		archive_entry_free(e);
	}
	closedir(d);
	return rc;
}

int vb_fleet_pack(vb_fleet_t *f, int out, vb_error_t *err)
{
	struct archive *a = archive_write_new();
	char node[VB_FLEET_NODE_MAX];
	struct dirent *de;
	int fd, rc = 0;
	DIR *d;

	if (!a)
		return vb_error_set(err, VB_ESYS, ENOMEM, "pack");
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, out) != ARCHIVE_OK) {
		rc = vb_error_set(err, VB_ESYS, 0, "pack: %s", archive_error_string(a));
		archive_write_free(a);
		return rc;
	}
	if (!f) { /* nothing here: an empty archive */
		if (archive_write_close(a) != ARCHIVE_OK)
			rc = vb_error_set(err, VB_ESYS, 0, "pack: %s",
					  archive_error_string(a) ?: "close");
		archive_write_free(a);
		return rc;
	}
	fd = openat(f->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		archive_write_free(a);
		return vb_error_set(err, VB_ESYS, errno, "%s", f->dir);
	}
	while (rc == 0 && (de = readdir(d))) {
		struct archive_entry *e;
		int sub;

		if (strcmp(de->d_name, VB_FLEET_LOGS) &&
		    vb_fleet_run_dir_task(f, de->d_name, node, sizeof(node)) < 0)
			continue;
		if ((sub = openat(f->dirfd, de->d_name,
				  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			continue;
		e = archive_entry_new();
		archive_entry_set_pathname(e, de->d_name);
		archive_entry_set_filetype(e, AE_IFDIR);
		archive_entry_set_perm(e, 0755);
		if (archive_write_header(a, e) != ARCHIVE_OK)
			rc = vb_error_set(err, VB_ESYS, 0, "pack: %s", archive_error_string(a));
		archive_entry_free(e);
		if (rc == 0)
			rc = pack_tree(a, sub, de->d_name, 1, err);
		close(sub);
	}
	closedir(d);
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
		rc = vb_error_set(err, VB_ESYS, 0, "pack: %s", archive_error_string(a));
	archive_write_free(a);
	return rc;
}

int vb_fleet_local_remove(vb_fleet_t *f, vb_error_t *err)
{
	char name[NAME_MAX + 1];
	int parent = vb_safefs_open_parent(AT_FDCWD, f->dir, name, sizeof(name), 0);
	int kept;

	if (parent < 0)
		return vb_error_set(err, VB_ESYS, errno, "%s", f->dir);
	if (strncmp(name, "vbench-fleet-", 13)) { /* only the fleet's own (check_doc made sure) */
		close(parent);
		return vb_error_set(err, VB_EUSAGE, 0, "%s: not a fleet's local directory", f->dir);
	}
	kept = vb_safefs_rm_tree_at(parent, name);
	close(parent);
	return kept ? vb_error_set(err, VB_ESYS, 0, "%s: %d entries could not be removed", f->dir,
				   kept)
		    : 0;
}

/* ---- unpack (into the fleet directory) ---- */

/* Whether @path is one the fleet takes from node @node (NULL: any): a run
 * directory NODE-TASK of this fleet and that node, or below it, or logs/ and
 * a task's log in it, logs/JOB_TASK.out; components plain (no "", ".",
 * "..", control characters, longer than NAME_MAX), at most PACK_DEPTH + 1
 * deep.  *@depth: how many components. */
static int path_ok(const vb_fleet_t *f, const char *path, const char *node, int *depth)
{
	char rnode[VB_FLEET_NODE_MAX], buf[PATH_MAX];
	char *c, *save = NULL;
	int logs = 0;

	*depth = 0;
	if (!path[0] || path[0] == '/' || strlen(path) >= sizeof(buf) || strstr(path, "//"))
		return 0;
	snprintf(buf, sizeof(buf), "%s", path);
	if (buf[strlen(buf) - 1] == '/')
		buf[strlen(buf) - 1] = '\0';
	for (c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save), (*depth)++) {
		if (!strcmp(c, ".") || !strcmp(c, "..") || strlen(c) > NAME_MAX ||
		    *depth > PACK_DEPTH + 1)
			return 0;
		for (const char *p = c; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return 0;
		if (*depth == 0) {
			logs = !strcmp(c, VB_FLEET_LOGS);
			if (!logs && (vb_fleet_run_dir_task(f, c, rnode, sizeof(rnode)) < 0 ||
				      (node && strcmp(rnode, node))))
				return 0;
		} else if (logs) { /* logs/JOB_TASK.out, nothing deeper */
			unsigned long long job, task;
			char tail[8];

			if (*depth > 1 || sscanf(c, "%llu_%llu%7s", &job, &task, tail) != 3 ||
			    strcmp(tail, ".out") || task >= f->tasks)
				return 0;
		}
	}
	return *depth > 0;
}

/* Make the directories of @path beneath @root (the last component too when
 * @all), never following a link; the descriptor of the last directory made. */
static int dirs_beneath(int root, const char *path, int all, char *last, size_t len)
{
	char buf[PATH_MAX], *c, *next, *save = NULL;
	int fd = dup(root);

	snprintf(buf, sizeof(buf), "%s", path);
	if (buf[0] && buf[strlen(buf) - 1] == '/')
		buf[strlen(buf) - 1] = '\0';
	c = strtok_r(buf, "/", &save);
	while (fd >= 0 && c) {
		int sub;

		next = strtok_r(NULL, "/", &save);
		if (!next && !all) {
			snprintf(last, len, "%s", c);
			return fd;
		}
		if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = sub;
		c = next;
	}
	return fd;
}

/* Unpack the stream on @in into @f's staging directory @sfd. */
static int unpack(vb_fleet_t *f, int in, int sfd, const char *node, const char *what,
		  vb_error_t *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	unsigned long long total = 0;
	unsigned entries = 0;
	int r, rc = 0;

	if (!a)
		return vb_error_set(err, VB_ESYS, ENOMEM, "unpack");
	archive_read_support_format_tar(a);
	archive_read_support_filter_none(a);
	if (archive_read_open_fd(a, in, 1 << 16) != ARCHIVE_OK) {
		rc = vb_error_set(err, VB_EPROTO, 0, "%s: %s", what, archive_error_string(a));
		archive_read_free(a);
		return rc;
	}
	while (rc == 0 && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *path = archive_entry_pathname(e);
		char last[NAME_MAX + 1], shown[160];
		mode_t type = archive_entry_filetype(e);
		la_int64_t size = archive_entry_size(e);
		int dfd, ffd, depth;

		vb_text_term(path ? path : "", shown, sizeof(shown));
		if (++entries > PACK_ENTRIES_MAX)
			rc = vb_error_set(err, VB_EPROTO, 0, "%s: more than %u entries", what,
					  PACK_ENTRIES_MAX);
		else if (!path || !path_ok(f, path, node, &depth))
			rc = vb_error_set(err, VB_EPROTO, 0, "%s: entry '%s': expected %s-TASK/... of "
					  "this fleet or logs/JOB_TASK.out", what, shown,
					  node ? node : "NODE");
		else if (type != AE_IFDIR && type != AE_IFREG)
			rc = vb_error_set(err, VB_EPROTO, 0, "%s: entry '%s': expected a file or a "
					  "directory", what, shown);
		else if (depth == 1 && type != AE_IFDIR)
			rc = vb_error_set(err, VB_EPROTO, 0, "%s: entry '%s': expected a directory",
					  what, shown);
		else if (type == AE_IFREG && (size < 0 || (unsigned long long)size > PACK_FILE_MAX ||
					      (total += (unsigned long long)size) > PACK_TOTAL_MAX))
			rc = vb_error_set(err, VB_EPROTO, 0, "%s: entry '%s': too large", what, shown);
		if (rc)
			break;
		if (type == AE_IFDIR) {
			if ((dfd = dirs_beneath(sfd, path, 1, NULL, 0)) < 0)
				rc = vb_error_set(err, VB_EPROTO, errno, "%s: entry '%s': where a file is",
						  what, shown);
			else
				close(dfd);
			continue;
		}
		if ((dfd = dirs_beneath(sfd, path, 0, last, sizeof(last))) < 0) {
			rc = vb_error_set(err, VB_EPROTO, errno, "%s: entry '%s': below a file", what,
					  shown);
			break;
		}
		ffd = openat(dfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		close(dfd);
		if (ffd < 0) {
			rc = vb_error_set(err, errno == EEXIST ? VB_EPROTO : VB_ESYS, errno,
					  "%s: entry '%s'", what, shown);
			break;
		}
		for (;;) {
			char buf[1 << 16];
			la_ssize_t n = archive_read_data(a, buf, sizeof(buf));

			if (n == 0)
				break;
			if (n < 0 || vb_write_all(ffd, buf, (size_t)n) < 0) {
				rc = vb_error_set(err, n < 0 ? VB_EPROTO : VB_ESYS, n < 0 ? 0 : errno,
						  "%s: entry '%s': %s", what, shown,
						  n < 0 ? archive_error_string(a) : "write");
				break;
			}
		}
		close(ffd);
	}
	if (rc == 0 && r != ARCHIVE_EOF)
		rc = vb_error_set(err, VB_EPROTO, 0, "%s: %s", what, archive_error_string(a));
	archive_read_free(a);
	return rc;
}

/* Move what the staging directory holds into the fleet directory: each run
 * directory in place of an earlier copy (exchanged atomically, the old one
 * left in staging to be removed with it), each log file; the runs moved. */
static int settle(vb_fleet_t *f, int sfd, unsigned *runs, vb_error_t *err)
{
	int fd = openat(sfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return vb_error_set(err, VB_ESYS, errno, "%s/" STAGING, f->dir);
	}
	while (rc == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(sfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		if (!strcmp(de->d_name, VB_FLEET_LOGS)) {
			int from = openat(sfd, VB_FLEET_LOGS, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
								  O_CLOEXEC),
			    to = openat(f->dirfd, VB_FLEET_LOGS,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			struct dirent *le;
			DIR *ld = from >= 0 ? fdopendir(from) : NULL;

			if (!ld || to < 0)
				rc = vb_error_set(err, VB_ESYS, errno, "%s/%s", f->dir, VB_FLEET_LOGS);
			while (rc == 0 && ld && (le = readdir(ld)))
				if (le->d_name[0] != '.' && renameat(from, le->d_name, to, le->d_name) < 0)
					rc = vb_error_set(err, VB_ESYS, errno, "%s/%s/%s", f->dir,
							  VB_FLEET_LOGS, le->d_name);
			if (ld)
				closedir(ld);
			else if (from >= 0)
				close(from);
			if (to >= 0)
				close(to);
			continue;
		}
		if (fstatat(f->dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
			if (!S_ISDIR(sb.st_mode) ||
			    renameat2(sfd, de->d_name, f->dirfd, de->d_name, RENAME_EXCHANGE) < 0)
				rc = vb_error_set(err, VB_ESYS, S_ISDIR(sb.st_mode) ? errno : ENOTDIR,
						  "%s/%s", f->dir, de->d_name);
		} else if (renameat2(sfd, de->d_name, f->dirfd, de->d_name, RENAME_NOREPLACE) < 0) {
			rc = vb_error_set(err, VB_ESYS, errno, "%s/%s", f->dir, de->d_name);
		}
		if (rc == 0)
			(*runs)++;
	}
	closedir(d);
	return rc;
}

int vb_fleet_unpack(vb_fleet_t *f, int in, const char *node, const char *what, unsigned *runs,
		    vb_error_t *err)
{
	int sfd, rc;

	vb_safefs_rm_tree_at(f->dirfd, STAGING); /* a killed collect's */
	if (mkdirat(f->dirfd, STAGING, 0700) < 0 ||
	    (sfd = openat(f->dirfd, STAGING, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return vb_error_set(err, VB_ESYS, errno, "%s/" STAGING, f->dir);
	rc = unpack(f, in, sfd, node, what, err);
	if (rc == 0)
		rc = settle(f, sfd, runs, err);
	close(sfd);
	vb_safefs_rm_tree_at(f->dirfd, STAGING);
	return rc;
}

/* ---- collect (on the submitting host) ---- */

typedef struct hook {
	int fd;
} hook_t;

static int stdout_to(void *arg)
{
	/* a node that sends more than a pack may hold gets SIGXFSZ, not the disk */
	struct rlimit lim = { PACK_TOTAL_MAX + (rlim_t)PACK_ENTRIES_MAX * 2048,
			      PACK_TOTAL_MAX + (rlim_t)PACK_ENTRIES_MAX * 2048 };

	return dup2(((hook_t *)arg)->fd, 1) < 0 || setrlimit(RLIMIT_FSIZE, &lim) < 0 ? -1 : 0;
}

/* `srun` on @node running `vbench fleet pack [--remove]` with the fleet in
 * its environment, its standard output into @out (or discarded). */
static int srun_pack(vb_fleet_t *f, const char *node, int out, int remove, vb_error_t *err)
{
	char nodelist[VB_FLEET_NODE_MAX + 16], errout[4096], path[PATH_MAX];
	char *env = vb_fleet_env_value(f), *exp = env ? malloc(strlen(env) + 16) : NULL;
	const char *vbench = vb_json_str(f->doc, "vbench");
	static char job_name[] = "--job-name=" VB_FLEET_JOB_NAME;
	char *argv[] = { path,	    nodelist, "--nodes=1", "--ntasks=1", job_name, "--chdir=/",
			 exp,	    (char *)vbench, "fleet", "pack", remove ? "--remove" : NULL,
			 NULL };
	hook_t h = { .fd = out };
	vb_proc_opts_t po = { .timeout_ms = COLLECT_TIMEOUT_MS, .child_hook = out >= 0 ? stdout_to : NULL,
			      .hook_arg = &h };
	int rc;

	if (!exp) {
		free(env);
		return vb_error_set(err, VB_ESYS, ENOMEM, "srun");
	}
	sprintf(exp, "--export=ALL,%s", env);
	free(env);
	snprintf(nodelist, sizeof(nodelist), "--nodelist=%s", node);
	if (vb_proc_which("srun", path, sizeof(path)) < 0) {
		free(exp);
		return vb_error_set(err, VB_EUNAVAIL, 0, "srun not found: Slurm's commands are needed");
	}
	rc = vb_proc_capture(argv, &po, NULL, 0, errout, sizeof(errout), err);
	free(exp);
	if (rc < 0)
		return vb_error_prefix(err, "srun on %s", node);
	if (rc != 0)
		return vb_proc_failed(err, VB_EUNAVAIL, rc, errout, NULL, "srun on %s", node);
	return 0;
}

int vb_fleet_collect(vb_fleet_t *f, char *const *nodes, size_t n, const unsigned char *no_clean,
		     FILE *log, unsigned *runs, vb_error_t *err)
{
	unsigned failed = 0;

	for (size_t i = 0; i < n; i++) {
		char tmp[] = ".collect.tar", what[VB_FLEET_NODE_MAX + 32];
		unsigned got = 0;
		vb_error_t e;
		int fd, rc;

		vb_error_clear(&e);
		unlinkat(f->dirfd, tmp, 0);
		fd = openat(f->dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return vb_error_set(err, VB_ESYS, errno, "%s/%s", f->dir, tmp);
		snprintf(what, sizeof(what), "the runs of node %s", nodes[i]);
		rc = srun_pack(f, nodes[i], fd, 0, &e);
		if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
			rc = vb_error_set(&e, VB_ESYS, errno, "%s/%s", f->dir, tmp);
		if (rc == 0)
			rc = vb_fleet_unpack(f, fd, nodes[i], what, &got, &e);
		close(fd);
		unlinkat(f->dirfd, tmp, 0);
		*runs += got;
		if (rc == 0 && no_clean && no_clean[i] == 2 && log)
			vb_term_say(log, "%s: a task of the fleet is pending or running there: its "
				    "copy is kept", nodes[i]);
		else if (rc == 0 && no_clean && !no_clean[i])
			rc = srun_pack(f, nodes[i], -1, 1, &e);
		if (rc < 0) {
			failed++;
			if (log)
				vb_term_say(log, "%s", e.msg);
			*err = e;
			continue;
		}
		if (log)
			vb_term_say(log, "%u run%s collected from %s", got, got == 1 ? "" : "s",
				    nodes[i]);
	}
	if (failed > 1)
		return vb_error_set(err, err->code, 0, "%u nodes not collected (said above)", failed);
	return failed ? -1 : 0;
}

size_t vb_fleet_collect_nodes(const vb_fleet_t *f, const vb_fleet_task_t *t, char *const *given,
			      size_t ngiven, char **nodes, unsigned char *keep)
{
	size_t n = 0, k;

	for (k = 0; k < ngiven; k++)
		nodes[n++] = given[k];
	for (unsigned i = 0; i < f->tasks; i++) {
		if (!t[i].slurm.node[0])
			continue;
		for (k = 0; k < n && strcmp(nodes[k], t[i].slurm.node); k++)
			;
		if (k == n)
			nodes[n++] = (char *)t[i].slurm.node;
	}
	for (k = 0; k < n; k++) { /* a node where a task still waits or runs keeps its copy */
		keep[k] = 0;
		for (unsigned i = 0; i < f->tasks; i++)
			if (!strcmp(t[i].slurm.node, nodes[k]) && vb_fleet_slurm_live(t[i].slurm.state))
				keep[k] = 2;
	}
	return n;
}
