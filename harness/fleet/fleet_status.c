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
				       "RESIZING", "SIGNALING", "STOPPED", NULL };

int vb_fleet_slurm_live(const char *state)
{
	return is(state, queued) || is(state, running);
}

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
	if (!t->run_dir[0] && f->collect && t->node[0])
		snprintf(run, sizeof(run), "its run and log are on %s: vbench fleet collect first",
			 t->node);
	else if (!t->run_dir[0])
		snprintf(run, sizeof(run), "no run directory");
	else if (!strcmp(t->run_status, "running"))
		snprintf(run, sizeof(run), "%s: run.json says running (vbench was killed)",
			 t->run_dir);
	else
		snprintf(run, sizeof(run), "%s: %s", t->run_dir, t->run_status);
	log_tail(f, t->job, log, sizeof(log));
	snprintf(t->why, sizeof(t->why), "%s; %s%s%s", slurm, run, log[0] ? "; log: " : "", log);
}

/* Each task's latest job into @latest ("" for a task never submitted):
 * the submissions in order, a later one's job replacing an earlier's. */
static void latest_jobs(const vb_fleet_t *f, char (*latest)[VB_FLEET_JOB_MAX])
{
	json_t *subs = json_object_get(f->doc, "submissions"), *s, *id;
	size_t i, j;

	json_array_foreach(subs, i, s)
		json_array_foreach(json_object_get(s, "tasks"), j, id) {
			json_int_t k = json_integer_value(id);

			if (k >= 0 && k < (json_int_t)f->tasks)
				snprintf(latest[k], VB_FLEET_JOB_MAX, "%s", vb_json_text(s, "job"));
		}
}

int vb_fleet_status(const vb_fleet_t *f, vb_fleet_task_t *t, vb_error_t *err)
{
	vb_fleet_slurm_t *by = calloc(f->tasks, sizeof(*by));
	unsigned char *asked = calloc(f->tasks, 1);
	char (*latest)[VB_FLEET_JOB_MAX] = calloc(f->tasks, sizeof(*latest));
	unsigned i, j;
	int rc = 0;

	if (!by || !asked || !latest) {
		free(by);
		free(asked);
		free(latest);
		return vb_error_set(err, VB_ESYS, ENOMEM, "fleet status");
	}
	memset(t, 0, f->tasks * sizeof(*t));
	latest_jobs(f, latest);
	for (i = 0; i < f->tasks; i++) {
		char node[VB_FLEET_NODE_MAX];

		t[i].id = i;
		if (vb_fleet_run_dir_find(f, i, node, sizeof(node))) {
			vb_fleet_run_dir_name(node, i, t[i].run_dir, sizeof(t[i].run_dir));
			snprintf(t[i].node, sizeof(t[i].node), "%s", node);
			run_status(f, t[i].run_dir, t[i].run_status, sizeof(t[i].run_status));
		}
		if (!latest[i][0]) {
			t[i].state = VB_FLEET_NEVER;
			asked[i] = 1;
			continue;
		}
		snprintf(t[i].job, sizeof(t[i].job), "%s_%u", latest[i], i);
	}
	/* each job that is some task's latest, asked once; its answer kept for those tasks */
	for (i = 0; i < f->tasks && rc == 0; i++) {
		if (asked[i])
			continue;
		if ((rc = vb_fleet_slurm_query(f, latest[i], by, err)) < 0)
			break;
		rc = 0;
		for (j = i; j < f->tasks; j++) {
			if (asked[j] || strcmp(latest[j], latest[i]))
				continue;
			t[j].slurm = by[j];
			asked[j] = 1;
		}
	}
	free(latest);
	free(by);
	free(asked);
	if (rc < 0)
		return -1;
	for (i = 0; i < f->tasks; i++) {
		if (t[i].state == VB_FLEET_NEVER)
			continue;
		if (t[i].slurm.node[0])
			snprintf(t[i].node, sizeof(t[i].node), "%s", t[i].slurm.node);
		if (is(t[i].slurm.state, queued)) {
			t[i].state = VB_FLEET_PENDING;
			snprintf(t[i].why, sizeof(t[i].why), "%s",
				 t[i].slurm.reason[0] ? t[i].slurm.reason : "queued");
		} else if (is(t[i].slurm.state, running)) {
			t[i].state = VB_FLEET_RUNNING;
		} else if (f->collect && !t[i].run_dir[0] && !strcmp(t[i].slurm.state, "COMPLETED") &&
			   !t[i].slurm.exit_code && !t[i].slurm.exit_signal) {
			t[i].state = VB_FLEET_DONE; /* its run is on its node */
			snprintf(t[i].why, sizeof(t[i].why),
				 "on %s, not collected yet (vbench fleet collect %s)", t[i].node,
				 f->dir);
		} else if (!strcmp(t[i].run_status, "complete")) {
			t[i].state = VB_FLEET_DONE;
		} else if (vb_fleet_run_done(t[i].run_status)) {
			t[i].state = VB_FLEET_DONE;
			snprintf(t[i].why, sizeof(t[i].why),
				 "some measurements failed: see %s/report.md", t[i].run_dir);
		} else {
			t[i].state = VB_FLEET_FAILED;
			why_failed(f, &t[i]);
		}
	}
	return 0;
}

/* The groups of a resubmission: per task, 0 not resubmitted, else 1 + its group. */
static size_t plan_groups(const vb_fleet_t *f, const vb_fleet_task_t *t, size_t *grp,
			  char (*nodes)[VB_FLEET_NODE_MAX])
{
	size_t ng = 0, g;
	unsigned i;
	int any_free = 0;

	for (i = 0; i < f->tasks; i++) {
		char node[VB_FLEET_NODE_MAX] = "";

		grp[i] = 0;
		if (t[i].state != VB_FLEET_FAILED && t[i].state != VB_FLEET_NEVER)
			continue;
		if (t[i].run_dir[0])
			vb_fleet_run_dir_task(f, t[i].run_dir, node, sizeof(node));
		else if (f->collect && t[i].node[0]) /* its run is on that node, not collected */
			snprintf(node, sizeof(node), "%s", t[i].node);
		if (!node[0]) {
			any_free = 1;
			continue;
		}
		for (g = 0; g < ng && strcmp(nodes[g], node); g++)
			;
		if (g == ng)
			snprintf(nodes[ng++], VB_FLEET_NODE_MAX, "%s", node);
		grp[i] = g + 1;
	}
	if (any_free) { /* the tasks not begun anywhere: one array, any node */
		nodes[ng][0] = '\0';
		for (i = 0; i < f->tasks; i++)
			if ((t[i].state == VB_FLEET_FAILED || t[i].state == VB_FLEET_NEVER) &&
			    !grp[i])
				grp[i] = ng + 1;
		ng++;
	}
	return ng;
}

int vb_fleet_resubmit(vb_fleet_t *f, const vb_fleet_task_t *t, json_t *sbatch,
		      vb_fleet_sub_t *subs, size_t *made, vb_error_t *err)
{
	unsigned *ids = calloc(f->tasks, sizeof(*ids));
	size_t *grp = calloc(f->tasks, sizeof(*grp)), ng, g;
	char (*nodes)[VB_FLEET_NODE_MAX] = calloc(f->tasks + 1, sizeof(*nodes));
	int rc = -1;

	*made = 0;
	if (!ids || !grp || !nodes) {
		vb_error_set(err, VB_ESYS, ENOMEM, "resubmission");
		goto out;
	}
	ng = plan_groups(f, t, grp, nodes);
	if (ng > vb_fleet_submissions_left(f)) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: %zu more submissions would pass the %u a fleet "
			     "keeps: nothing submitted", f->dir, ng, VB_FLEET_MAX_SUBMISSIONS);
		goto out;
	}
	if (sbatch) /* the fleet's options from now on */
		json_object_set(f->doc, "sbatch", sbatch);
	for (g = 0; g < ng; g++) {
		size_t k = 0;

		for (unsigned i = 0; i < f->tasks; i++)
			if (grp[i] == g + 1)
				ids[k++] = i;
		vb_fleet_slurm_array(ids, k, subs[*made].tasks, sizeof(subs[*made].tasks));
		snprintf(subs[*made].node, sizeof(subs[*made].node), "%s", nodes[g]);
		if (vb_fleet_slurm_submit(f, ids, k, nodes[g], NULL, subs[*made].job,
					  sizeof(subs[*made].job), err) < 0)
			goto out;
		(*made)++;
	}
	rc = 0;
out:
	free(ids);
	free(grp);
	free(nodes);
	return rc;
}
