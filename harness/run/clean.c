/*
 * clean.c - `vbench clean` and the check `vbench run` makes at start
 * (clean.h): read each marker, decide whether its owner is alive, undo a
 * dead owner's resources newest first, remove the marker.
 */
#include "harness/run/clean.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/cpuclaim.h"
#include "harness/core/marker.h"
#include "harness/core/undo.h"
#include "harness/env/env.h"
#include "lib/term.h"
#include "lib/util.h"

#define MARKER_MAX (1u << 20) /* a marker is a few KB; refuse anything huge */

typedef struct marker {
	char file[PATH_MAX];	  /* its path */
	char name[NAME_MAX + 1];  /* its name in the state directory */
	json_t *head;		  /* first line (owned) */
	json_t *adds;		  /* "add" lines not released, in file order (owned) */
	json_t *places;		  /* "place" lines (owned) */
	int pid;		  /* owner */
	unsigned long long start; /* owner's start time */
	char run_id[VB_RUN_ID_MAX]; /* owner's run id */
	char cmd[96];		  /* owner's command line, shortened, for messages */
	unsigned bad_lines;	  /* lines that are not JSON records, ignored */
	int fd;			  /* the open, locked marker; -1 */
	int state;		  /* M_BAD, M_BUSY, M_LIVE, M_DEAD */
	char why[256];		  /* M_BAD: why */
} marker_t;

enum { M_BAD, M_BUSY, M_LIVE, M_DEAD };

/* ==== reading a marker ===================================================== */

static void shorten_cmd(marker_t *m)
{
	json_t *a = json_object_get(m->head, "cmdline"), *v;
	size_t i, off = 0;

	m->cmd[0] = '\0';
	json_array_foreach (a, i, v) {
		if (off >= sizeof(m->cmd) - 1 || !json_is_string(v))
			break;
		off += (size_t)snprintf(m->cmd + off, sizeof(m->cmd) - off, "%s%s", i ? " " : "",
					i ? json_string_value(v) : "vbench");
	}
	if (off >= sizeof(m->cmd) - 1)
		memcpy(m->cmd + sizeof(m->cmd) - 4, "...", 4);
}

/* Keep "add" lines not followed by their "released"; -1 if a line is bad. */
static int parse_lines(marker_t *m, char *text, char *why, size_t len)
{
	char *line, *save = NULL;
	json_t *j, *v;
	size_t i;

	m->adds = json_array();
	m->places = json_array();
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		j = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
		if (!m->head) {
			m->head = j;
			if (!j)
				return snprintf(why, len, "first line is not JSON"), -1;
			continue;
		}
		v = json_object_get(j, "released");
		if (json_is_integer(json_object_get(j, "add")) &&
		    json_is_string(json_object_get(j, "kind"))) {
			json_array_append(m->adds, j);
		} else if (json_is_string(json_object_get(j, "place")) &&
			   json_is_string(json_object_get(j, "path"))) {
			json_array_append(m->places, j);
		} else if (json_is_integer(v)) {
			for (i = json_array_size(m->adds); i-- > 0;)
				if (json_integer_value(
					json_object_get(json_array_get(m->adds, i), "add")) ==
				    json_integer_value(v)) {
					json_array_remove(m->adds, i);
					break;
				}
		} else {
			m->bad_lines++; /* e.g. cut short by the kill: the others still count */
		}
		json_decref(j);
	}
	return 0;
}

/* Open, check and read marker @name in @dir into @m; -1 with @why if bad,
 * 1 if another cleaner holds it.  @fd receives the locked descriptor. */
static int load(int dfd, const char *dir, const char *name, marker_t *m, int *fd, char *why,
		size_t len)
{
	char *text;
	struct stat st;
	ssize_t n;
	int pid;
	unsigned long long start;

	memset(m, 0, sizeof(*m));
	*fd = -1;
	snprintf(m->file, sizeof(m->file), "%s/%s", dir, name);
	if (sscanf(name, "%d-%llu.jsonl", &pid, &start) != 2 || pid <= 0)
		return snprintf(why, len, "name is not PID-STARTTIME.jsonl"), -1;
	snprintf(m->name, sizeof(m->name), "%s", name);
	*fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0)
		return snprintf(why, len, "open: %s", strerror(errno)), -1;
	if (fstat(*fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size > MARKER_MAX)
		return snprintf(why, len, "not a regular file of ours, mode 0600, under 1 MiB"), -1;
	text = calloc(1, (size_t)st.st_size + 1);
	if (!text)
		return snprintf(why, len, "out of memory"), -1;
	n = pread(*fd, text, (size_t)st.st_size, 0);
	if (n < 0 || parse_lines(m, text, why, len) < 0) {
		free(text);
		return n < 0 ? (snprintf(why, len, "read: %s", strerror(errno)), -1) : -1;
	}
	free(text);
	if (json_integer_value(json_object_get(m->head, "vbench_marker")) != VB_MARKER_FORMAT ||
	    json_integer_value(json_object_get(m->head, "pid")) != pid ||
	    (unsigned long long)json_integer_value(json_object_get(m->head, "starttime")) !=
		start ||
	    !json_is_string(json_object_get(m->head, "boot_id")))
		return snprintf(why, len,
				"its first line does not name owner %d started at %llu in "
				"marker format %d",
				pid, start, VB_MARKER_FORMAT),
		       -1;
	if (!vb_clean_run_id_ok(json_string_value(json_object_get(m->head, "run_id")), pid))
		return snprintf(why, len, "its first line has no run id %d-<12 hex digits>", pid),
		       -1;
	m->pid = pid;
	m->start = start;
	snprintf(m->run_id, sizeof(m->run_id), "%s",
		 json_string_value(json_object_get(m->head, "run_id")));
	shorten_cmd(m);
	/* Read before the lock: a marker another cleaner holds still names its
	 * run id, which this cleaner must then leave alone too. */
	return flock(*fd, LOCK_EX | LOCK_NB) < 0 ? 1 : 0;
}

static void unload(marker_t *m)
{
	json_decref(m->head);
	json_decref(m->adds);
	json_decref(m->places);
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

/* Alive: same boot, /proc/PID with the recorded start time, not a zombie. */
static int owner_alive(const marker_t *m)
{
	char boot[64], state;
	unsigned long long start;

	if (vb_marker_boot_id(boot, sizeof(boot)) < 0 ||
	    strcmp(boot, json_string_value(json_object_get(m->head, "boot_id"))))
		return 0;
	return vb_marker_proc_identity(m->pid, &state, &start) == 0 && start == m->start &&
	       state != 'Z';
}

/* ==== undoing one resource ================================================= */

enum { DONE = VB_CLEAN_DONE, GONE = VB_CLEAN_GONE, REFUSED = VB_CLEAN_REFUSED,
       FAILED = VB_CLEAN_FAILED };

static int wait_gone(pid_t pid, unsigned long long start)
{
	unsigned long long s;
	char state;
	int i;

	/* A killed process may take seconds to exit on a busy host (its memory,
	 * I/O in flight): more than 1 s was seen here with the host loaded. */
	for (i = 0; i < 1000; i++) {
		if (vb_marker_proc_identity(pid, &state, &s) < 0 || s != start || state == 'Z')
			return 0;
		usleep(5000);
	}
	return -1;
}

/* What a recorded process must still be: the start time, the run id. */
typedef struct ident {
	unsigned long long start;
	const char *run_id;
} ident_t;

static int is_ours(pid_t pid, void *arg)
{
	const ident_t *id = arg;
	unsigned long long start;
	char state;

	return vb_marker_proc_identity(pid, &state, &start) == 0 && start == id->start &&
	       state != 'Z' && vb_clean_process_of_run(pid, id->run_id);
}

static int undo_process(const json_t *r, const vb_clean_owner_t *o, int dry, char *msg,
			size_t len)
{
	json_int_t pid = json_integer_value(json_object_get(r, "pid"));
	json_t *js = json_object_get(r, "starttime");
	unsigned long long start;
	ident_t id;
	char state;
	int rc;

	snprintf(msg, len, "process %lld (%s)", (long long)pid,
		 json_string_value(json_object_get(r, "what")) ?: "?");
	/* Without a start time a reused PID cannot be told apart. */
	if (pid <= 1 || pid > INT_MAX || (pid_t)pid == getpid() || !json_is_integer(js))
		return snprintf(msg + strlen(msg), len - strlen(msg),
				": PID out of range or no start time recorded"),
		       REFUSED;
	if (vb_marker_proc_identity((pid_t)pid, &state, &start) < 0 ||
	    start != (unsigned long long)json_integer_value(js) || state == 'Z')
		return GONE;
	/* The start time matches; it must also carry the run's id, or it is
	 * somebody else's process (a forged or corrupted marker). */
	id = (ident_t){ .start = start, .run_id = o->run_id };
	if (!is_ours((pid_t)pid, &id))
		return snprintf(msg + strlen(msg), len - strlen(msg),
				": not vbench's (neither %s=%s in its environment nor a "
				"vbench-%s cgroup), left running",
				VB_RUN_ID_ENV, o->run_id, o->run_id),
		       REFUSED;
	if (dry)
		return DONE;
	/* Its process group too, which it leads (setpgid in chan.c,
	 * runproc.c): while the leader lives its group id cannot be reused. */
	if (getpgid((pid_t)pid) == (pid_t)pid && is_ours((pid_t)pid, &id))
		kill(-(pid_t)pid, SIGKILL);
	/* The leader itself through a pidfd checked again: never a reused PID. */
	rc = vb_undo_kill_verified((pid_t)pid, SIGKILL, is_ours, &id);
	if (rc < 0)
		return snprintf(msg + strlen(msg), len - strlen(msg), ": %s", strerror(errno)),
		       FAILED;
	return wait_gone((pid_t)pid, start) == 0 ? DONE : FAILED;
}

/* A function record: its "undo" name is a backend's undo key, and the
 * backend undoes it (env.h: vb_env_ops_t.undo). */
static int undo_func(const json_t *r, const vb_clean_owner_t *o, int dry, char *msg, size_t len)
{
	const char *u = json_string_value(json_object_get(r, "undo"));
	const char *id = json_string_value(json_object_get(r, "id"));
	const vb_env_ops_t *b = vb_env_find_undo(u);
	size_t k;

	if (!b) {
		snprintf(msg, len, "%s: nothing recorded to undo",
			 json_string_value(json_object_get(r, "path")) ?: "function");
		return GONE;
	}
	for (k = 0; id && k < o->nlive; k++)
		if (strstr(id, o->live_ids[k]))
			return snprintf(msg, len, "%s container %s: it carries the run id of a live run",
					u, id),
			       REFUSED;
	if (dry)
		return snprintf(msg, len, "%s container %s", u, id ?: "?"), DONE;
	return b->undo(r, o->run_id, msg, len) == 0 ? DONE : REFUSED;
}

static int undo_one(const json_t *r, const vb_clean_owner_t *o, int dry, char *msg, size_t len)
{
	const char *kind = json_string_value(json_object_get(r, "kind"));

	if (!strcmp(kind, "process"))
		return undo_process(r, o, dry, msg, len);
	if (!strcmp(kind, "func"))
		return undo_func(r, o, dry, msg, len);
	if (!strcmp(kind, "cgroup") || !strcmp(kind, "dir") || !strcmp(kind, "file") ||
	    !strcmp(kind, "mount"))
		return vb_clean_undo_path(kind, r, o, dry, msg, len);
	snprintf(msg, len, "unknown kind %.32s", kind);
	return REFUSED;
}

/* ==== one marker, all markers ============================================== */

static void clean_dead(const vb_clean_opts_t *o, int dfd, marker_t *m, const char *const *live,
		       size_t nlive, vb_clean_stats_t *st)
{
	vb_clean_owner_t own = { .pid = m->pid, .run_id = m->run_id, .adds = m->adds,
				 .places = m->places, .live_ids = live, .nlive = nlive };
	static const char *const verb[2][4] = {
		{ "removed", "already gone:", "refused", "FAILED" },
		{ "would remove", "already gone:", "would refuse", "?" },
	};
	unsigned n[4] = { 0 };
	char msg[PATH_MAX + 512];
	size_t i;
	int rc;

	for (i = 0; i < nlive; i++)
		if (!strcmp(live[i], m->run_id)) {
			/* Forged or copied: the id is a live run's, so is all it names. */
			fprintf(o->out,
				"vbench%s: %s has the run id %s of a live run: refused, nothing "
				"it lists is touched\n",
				o->brief ? "" : " clean", m->file, m->run_id);
			st->bad++;
			return;
		}
	if (!o->brief)
		fprintf(o->out, "vbench clean: run %d (%s) is gone: %s what it left\n", m->pid,
			m->cmd, o->dry_run ? "would remove" : "removing");
	if (!o->brief && m->bad_lines)
		fprintf(o->out, "  ignored %u unreadable line%s of its marker\n", m->bad_lines,
			m->bad_lines == 1 ? "" : "s");
	for (i = json_array_size(m->adds); i-- > 0;) { /* newest first */
		rc = undo_one(json_array_get(m->adds, i), &own, o->dry_run, msg, sizeof(msg));
		n[rc]++;
		if (!o->brief)
			fprintf(o->out, "  %s %s\n", verb[!!o->dry_run][rc], msg);
	}
	if (!o->dry_run && !n[FAILED]) {
		unlinkat(dfd, m->name, 0);
		if (!o->brief)
			fprintf(o->out, "  removed marker %s\n", m->file);
	}
	if (o->brief)
		vb_term_say(
		    o->out,
		    "removed what killed run %d (%s) left: %u removed, %u already gone, "
		    "%u refused, %u failed%s",
		    m->pid, m->cmd, n[DONE], n[GONE], n[REFUSED], n[FAILED],
		    n[REFUSED] || n[FAILED] ? " (vbench clean says more)" : "");
	st->dead++;
	st->removed += n[DONE];
	st->gone += n[GONE];
	st->refused += n[REFUSED];
	st->failed += n[FAILED];
}

/* Read marker @name and decide what it is (m->state). */
static void classify(int dfd, const char *dir, const char *name, marker_t *m)
{
	int rc = load(dfd, dir, name, m, &m->fd, m->why, sizeof(m->why));

	m->state = rc < 0 ? M_BAD : rc == 1 ? M_BUSY : owner_alive(m) ? M_LIVE : M_DEAD;
}

/* Every marker is read first, so a dead owner's records are judged knowing
 * every live owner's run id (none of their resources is ever touched, even
 * under a name a forged marker gives). */
int vb_clean(const vb_clean_opts_t *o, vb_clean_stats_t *st, vb_error_t *err)
{
	const char *dir = o->state_dir ? o->state_dir : vb_marker_dir();
	const char **live = NULL;
	vb_clean_stats_t local;
	marker_t *ms = NULL, *nm;
	struct dirent *de;
	size_t l, n = 0, nlive = 0, i;
	int dfd;
	DIR *d;

	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	dfd = vb_marker_open_dir(dir, 0);
	if (dfd < 0 && errno == ENOENT)
		return 0;
	if (dfd < 0)
		return vb_error_set(err, VB_ESYS, errno,
				    "state directory %s (it must be a directory of this user, not "
				    "writable by others, with no symbolic link in its path)",
				    dir);
	d = fdopendir(dup(dfd));
	if (!d) {
		close(dfd);
		return vb_error_sys(err, "state directory %s", dir);
	}
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 7 || strcmp(de->d_name + l - 6, ".jsonl"))
			continue;
		nm = realloc(ms, (n + 1) * sizeof(*ms));
		if (!nm)
			break;
		ms = nm;
		classify(dfd, dir, de->d_name, &ms[n++]);
	}
	closedir(d);
	live = calloc(n ? n : 1, sizeof(*live));
	/* Protected: the live owners' run ids, and those of markers another
	 * cleaner is working on (whatever it decided, it is not ours to do). */
	for (i = 0; live && i < n; i++)
		if (ms[i].state == M_LIVE || (ms[i].state == M_BUSY && ms[i].run_id[0]))
			live[nlive++] = ms[i].run_id;
	for (i = 0; i < n; i++) {
		marker_t *m = &ms[i];

		if (m->state == M_BAD) {
			fprintf(o->out, "vbench%s: %s is not a usable marker (%s): skipped\n",
				o->brief ? "" : " clean", m->file, m->why);
			st->bad++;
		} else if (m->state == M_BUSY) {
			if (!o->brief)
				fprintf(o->out,
					"vbench clean: %s is being cleaned by another process\n",
					m->file);
		} else if (m->state == M_LIVE) {
			if (!o->brief)
				fprintf(o->out, "vbench clean: run %d (%s) is alive: left alone\n",
					m->pid, m->cmd);
			st->live++;
		} else if (live) {
			clean_dead(o, dfd, m, live, nlive, st);
		}
		unload(m);
	}
	free(live);
	free(ms);
	close(dfd);
	/* CPU claims nobody holds any more (a killed run's): the files only. */
	vb_cpuclaim_clean(dir, o->dry_run, o->brief ? NULL : o->out);
	return 0;
}
