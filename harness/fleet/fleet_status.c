/*
 * fleet_status.c - each task's state, told from Slurm, the task's run
 * directory and its log, and the resubmission of the tasks that did not
 * finish (fleet.h).
 */
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
#include "lib/textsafe.h"

const char *vb_fleet_state_name(vb_fleet_state_t s)
{
	static const char *const names[] = { "pending", "running", "done", "failed",
					     "not submitted" };

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static int is(const char *state, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(state, *list))
			return 1;
	return 0;
}

static const char *const queued[] = { "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
				      "SUSPENDED", "RESV_DEL_HOLD", NULL };
static const char *const running[] = { "RUNNING", "CONFIGURING", "COMPLETING", "STAGE_OUT",
				       "RESIZING", "SIGNALING", NULL };

/* Lines of a task's log that say why it ended: vbench's one-line errors,
 * its interruption and Slurm's own (slurmstepd's "CANCELLED AT", "DUE TO
 * TIME LIMIT"); the table vbench prints last says nothing of it. */
static const char *const telling[] = { "vbench run: ", "vbench fleet task: ", "vbench: interrupted",
				       "slurmstepd", NULL };

/* The last telling line of the task's log (logs/JOB_ID.out), in the terminal form, into @buf. */
static void log_tail(const vb_fleet_t *f, const char *jobtask, char *buf, size_t len)
{
	char rel[VB_FLEET_JOB_MAX + 32], tail[16385], *line, *save = NULL;
	const char *best = NULL, *slurm = NULL;
	struct stat sb;
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(rel, sizeof(rel), "%s/%s.out", VB_FLEET_LOGS, jobtask);
	fd = vb_safefs_openat(f->dirfd, rel, O_RDONLY | O_NONBLOCK, 0, VB_SAFEFS_BENEATH);
	if (fd < 0)
		return;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		off_t off = sb.st_size > 16384 ? sb.st_size - 16384 : 0;

		if ((n = pread(fd, tail, 16384, off)) > 0) {
			tail[n] = '\0';
			for (line = strtok_r(tail, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save))
				for (const char *const *p = telling; *p; p++)
					if (!strncmp(line, *p, strlen(*p)))
						*(p[1] ? &best : &slurm) = line;
			if (slurm) /* who ended it says most */
				best = slurm;
			if (best)
				vb_text_term(best, buf, len);
		}
	}
	close(fd);
}

/* run.json's status of the run directory @name, into @buf ("" none). */
static void run_status(const vb_fleet_t *f, const char *name, char *buf, size_t len)
{
	char rel[VB_FLEET_NODE_MAX + 32];
	vb_error_t e;
	json_t *run;

	buf[0] = '\0';
	snprintf(rel, sizeof(rel), "%s/%s", name, VB_RUNFILE_NAME);
	vb_error_clear(&e);
	run = vb_runfile_load_at(f->dirfd, rel, VB_SAFEFS_BENEATH, rel, &e);
	if (!run) {
		snprintf(buf, len, "unreadable");
		return;
	}
	vb_text_term(vb_json_str(run, "status") ? vb_json_str(run, "status") : "?", buf, len);
	json_decref(run);
}

/* Why task @t ended without a complete run, into t->why. */
static void why_failed(const vb_fleet_t *f, vb_fleet_task_t *t)
{
	char slurm[200] = "", run[120], log[300];
	const vb_fleet_slurm_t *s = &t->slurm;

	if (s->state[0] && s->exit_signal)
		snprintf(slurm, sizeof(slurm), "Slurm: %s, signal %d%s%s", s->state,
			 s->exit_signal, s->reason[0] ? ", " : "", s->reason);
	else if (s->state[0])
		snprintf(slurm, sizeof(slurm), "Slurm: %s, exit %d%s%s", s->state, s->exit_code,
			 s->reason[0] ? ", " : "", s->reason);
	else
		snprintf(slurm, sizeof(slurm), "Slurm no longer knows job %s", t->job);
	if (!t->run_dir[0])
		snprintf(run, sizeof(run), "no run directory");
	else if (!strcmp(t->run_status, "running"))
		snprintf(run, sizeof(run), "%s: run.json says running (vbench was killed)",
			 t->run_dir);
	else
		snprintf(run, sizeof(run), "%s: %s", t->run_dir, t->run_status);
	log_tail(f, t->job, log, sizeof(log));
	snprintf(t->why, sizeof(t->why), "%s; %s%s%s", slurm, run, log[0] ? "; log: " : "", log);
}

int vb_fleet_status(const vb_fleet_t *f, vb_fleet_task_t *t, vb_error_t *err)
{
	static char jobs[VB_FLEET_MAX_SUBMISSIONS][VB_FLEET_JOB_MAX];
	size_t njobs = vb_fleet_jobs(f, jobs, VB_FLEET_MAX_SUBMISSIONS);
	vb_fleet_slurm_t *by = calloc(njobs ? njobs * f->tasks : 1, sizeof(*by));
	unsigned i;

	if (!by)
		return vb_error_set(err, VB_ESYS, ENOMEM, "fleet status");
	for (size_t j = 0; j < njobs; j++)
		if (vb_fleet_slurm_query(f, jobs[j], by + j * f->tasks, err) < 0) {
			free(by);
			return -1;
		}
	memset(t, 0, f->tasks * sizeof(*t));
	for (i = 0; i < f->tasks; i++) {
		char job[VB_FLEET_JOB_MAX], node[VB_FLEET_NODE_MAX];
		size_t j;

		t[i].id = i;
		if (vb_fleet_run_dir_find(f, i, node, sizeof(node))) {
			vb_fleet_run_dir_name(node, i, t[i].run_dir, sizeof(t[i].run_dir));
			snprintf(t[i].node, sizeof(t[i].node), "%s", node);
			run_status(f, t[i].run_dir, t[i].run_status, sizeof(t[i].run_status));
		}
		if (vb_fleet_task_job(f, i, job, sizeof(job)) < 0) {
			t[i].state = VB_FLEET_NEVER;
			continue;
		}
		snprintf(t[i].job, sizeof(t[i].job), "%s_%u", job, i);
		for (j = 0; j < njobs && strcmp(jobs[j], job); j++)
			;
		t[i].slurm = by[j * f->tasks + i];
		if (t[i].slurm.node[0])
			snprintf(t[i].node, sizeof(t[i].node), "%s", t[i].slurm.node);
		if (is(t[i].slurm.state, queued)) {
			t[i].state = VB_FLEET_PENDING;
			snprintf(t[i].why, sizeof(t[i].why), "%s",
				 t[i].slurm.reason[0] ? t[i].slurm.reason : "queued");
		} else if (is(t[i].slurm.state, running)) {
			t[i].state = VB_FLEET_RUNNING;
		} else if (!strcmp(t[i].run_status, "complete")) {
			t[i].state = VB_FLEET_DONE;
		} else if (!strcmp(t[i].run_status, "completed-with-errors")) {
			t[i].state = VB_FLEET_DONE;
			snprintf(t[i].why, sizeof(t[i].why),
				 "some measurements failed: see %s/report.md", t[i].run_dir);
		} else {
			t[i].state = VB_FLEET_FAILED;
			why_failed(f, &t[i]);
		}
	}
	free(by);
	return 0;
}

int vb_fleet_resubmit(vb_fleet_t *f, const vb_fleet_task_t *t, json_t *sbatch,
		      vb_fleet_sub_t *subs, size_t max, vb_error_t *err)
{
	unsigned *ids = calloc(f->tasks, sizeof(*ids));
	unsigned char *taken = calloc(f->tasks, 1);
	size_t made = 0;
	unsigned i, k;

	if (!ids || !taken) {
		free(ids);
		free(taken);
		return vb_error_set(err, VB_ESYS, ENOMEM, "resubmission");
	}
	if (!sbatch)
		sbatch = vb_fleet_sbatch_opts(f);
	for (i = 0; i < f->tasks; i++)
		taken[i] = t[i].state != VB_FLEET_FAILED && t[i].state != VB_FLEET_NEVER;
	/* those begun on a node: one job per node, pinned; then the rest as one */
	for (int pinned = 1; pinned >= 0; pinned--)
		for (i = 0; i < f->tasks; i++) {
			char node[VB_FLEET_NODE_MAX] = "", other[VB_FLEET_NODE_MAX];

			if (taken[i] || (pinned && !t[i].run_dir[0]))
				continue;
			if (pinned)
				vb_fleet_run_dir_task(f, t[i].run_dir, node, sizeof(node));
			k = 0;
			for (unsigned j = i; j < f->tasks; j++) {
				if (taken[j] || (pinned && !t[j].run_dir[0]))
					continue;
				if (pinned && (vb_fleet_run_dir_task(f, t[j].run_dir, other,
								     sizeof(other)) < 0 ||
					       strcmp(other, node)))
					continue;
				ids[k++] = j;
				taken[j] = 1;
			}
			if (made == max) {
				vb_error_set(err, VB_EUSAGE, 0, "more than %zu submissions", max);
				goto fail;
			}
			vb_fleet_slurm_array(ids, k, subs[made].tasks, sizeof(subs[made].tasks));
			snprintf(subs[made].node, sizeof(subs[made].node), "%s", node);
			if (vb_fleet_slurm_submit(f, ids, k, node, sbatch, subs[made].job,
						  sizeof(subs[made].job), err) < 0)
				goto fail;
			made++;
		}
	free(ids);
	free(taken);
	return (int)made;
fail:
	free(ids);
	free(taken);
	return -1;
}
