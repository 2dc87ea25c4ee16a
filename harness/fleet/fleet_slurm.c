/*
 * fleet_slurm.c - a fleet's conversation with Slurm: sbatch to submit,
 * scontrol to ask, scancel to cancel (fleet.h).  Every command is an
 * argument vector with a deadline (runproc.h), never a shell line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "harness/fleet/fleet.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "lib/util.h"

/* Where " KEY=" (or KEY= at the start) is in the record @rec, or NULL;
 * *@twice set when it is there more than once. */
static const char *key_at(const char *rec, const char *key, int *twice)
{
	size_t kl = strlen(key);
	const char *p = rec, *found = NULL;

	while ((p = strstr(p, key))) {
		if ((p == rec || p[-1] == ' ') && p[kl] == '=') {
			if (found)
				*twice = 1;
			else
				found = p;
		}
		p += kl;
	}
	return found;
}

/* The value of KEY in the record @rec, up to the next space, into @buf:
 * 0, or -1 when it is missing or longer than @buf holds. */
static int field(const char *rec, const char *key, char *buf, size_t len)
{
	int twice = 0;
	const char *p = key_at(rec, key, &twice);
	size_t n;

	if (!p)
		return -1;
	p += strlen(key) + 1;
	n = strcspn(p, " \n");
	if (n >= len)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

/*
 * Whether the record @rec is a task of this fleet's: its job name is the
 * fleet's (sbatch's --job-name, which no user option may set: the next key
 * follows it at once), it belongs to this user, it works in @dir
 * ("WorkDir=DIR StdErr=", DIR may hold spaces) and runs DIR/job.sh; no key
 * of these is there twice (a value that embeds one).
 */
static int ours(const char *rec, const char *dir, const char *workdir)
{
	char want[PATH_MAX + 64], uid[32];
	int twice = 0;
	const char *p;

	if (!strstr(rec, "JobName=" VB_FLEET_JOB_NAME " UserId=") ||
	    !(p = key_at(rec, "UserId", &twice)))
		return 0;
	snprintf(uid, sizeof(uid), "(%u) ", (unsigned)geteuid());
	if (!(p = strchr(p, ' ')) || p - (int)strlen(uid) + 1 < rec ||
	    strncmp(p - strlen(uid) + 1, uid, strlen(uid)))
		return 0;
	snprintf(want, sizeof(want), " WorkDir=%s StdErr=", workdir);
	if (!strstr(rec, want))
		return 0;
	snprintf(want, sizeof(want), " Command=%s/%s ", dir, VB_FLEET_SCRIPT);
	if (!strstr(rec, want))
		return 0;
	key_at(rec, "JobName", &twice);
	key_at(rec, "WorkDir", &twice);
	key_at(rec, "Command", &twice);
	key_at(rec, "JobState", &twice);
	key_at(rec, "ArrayTaskId", &twice);
	return !twice;
}

/* @s (@len bytes) in the terminal form, in place. */
static void safe(char *s, size_t len)
{
	char buf[512];

	vb_text_term(s, buf, len < sizeof(buf) ? len : sizeof(buf));
	snprintf(s, len, "%s", buf);
}

/* Fill @by_task from the ArrayTaskId value @spec ("0-3,5%2") with @s. */
static unsigned each_task(char *spec, vb_fleet_slurm_t *by_task, unsigned ntasks,
			  const vb_fleet_slurm_t *s)
{
	char *tok, *save = NULL;
	unsigned filled = 0;

	spec[strcspn(spec, "%")] = '\0';
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t lo, hi;

		if (dash)
			*dash = '\0';
		if (vb_parse_u64(tok, 0, UINT32_MAX, "task", &lo, NULL) < 0)
			continue;
		hi = lo;
		if (dash && vb_parse_u64(dash + 1, lo, UINT32_MAX, "task", &hi, NULL) < 0)
			continue;
		for (uint64_t i = lo; i <= hi && i < ntasks; i++, filled++)
			by_task[i] = *s;
	}
	return filled;
}

unsigned vb_fleet_slurm_parse(const char *text, const char *job, const char *dir,
			      const char *workdir, vb_fleet_slurm_t *by_task, unsigned ntasks,
			      unsigned *foreign)
{
	const char *line = text;
	unsigned filled = 0;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char *rec = strndup(line, n), *tasks = malloc(n + 1), v[64];
		vb_fleet_slurm_t s;

		line = end ? end + 1 : NULL;
		if (!rec || !tasks) {
			free(rec);
			free(tasks);
			break;
		}
		memset(&s, 0, sizeof(s));
		if (field(rec, "ArrayJobId", v, sizeof(v)) < 0 || strcmp(v, job) ||
		    field(rec, "ArrayTaskId", tasks, n + 1) < 0) {
			free(rec);
			free(tasks);
			continue;
		}
		if (!ours(rec, dir, workdir ? workdir : dir)) {
			(*foreign)++;
			free(rec);
			free(tasks);
			continue;
		}
		if (field(rec, "JobState", s.state, sizeof(s.state)) < 0)
			snprintf(s.state, sizeof(s.state), "UNKNOWN");
		if (field(rec, "Reason", s.reason, sizeof(s.reason)) < 0 ||
		    !strcmp(s.reason, "None"))
			s.reason[0] = '\0';
		if (field(rec, "NodeList", s.node, sizeof(s.node)) < 0 ||
		    !strcmp(s.node, "(null)") || !vb_fleet_node_ok(s.node))
			s.node[0] = '\0';
		if (!field(rec, "ExitCode", v, sizeof(v)))
			sscanf(v, "%d:%d", &s.exit_code, &s.exit_signal);
		safe(s.state, sizeof(s.state));
		safe(s.reason, sizeof(s.reason));
		filled += each_task(tasks, by_task, ntasks, &s);
		free(rec);
		free(tasks);
	}
	return filled;
}

void vb_fleet_slurm_array(const unsigned *ids, size_t n, char *buf, size_t len)
{
	size_t i = 0, used = 0;

	buf[0] = '\0';
	while (i < n && used < len) {
		size_t j = i;

		while (j + 1 < n && ids[j + 1] == ids[j] + 1)
			j++;
		used += (size_t)snprintf(buf + used, len - used, "%s%u", used ? "," : "", ids[i]);
		if (j > i && used < len)
			used += (size_t)snprintf(buf + used, len - used, "-%u", ids[j]);
		i = j + 1;
	}
}

char **vb_fleet_slurm_argv(const vb_fleet_t *f, const unsigned *ids, size_t n, const char *node,
			   const json_t *sbatch, const char *script)
{
	size_t ns, k = 0;
	char **argv, arr[4096 + 16], buf[PATH_MAX + 16], *env = NULL;

	if (!sbatch)
		sbatch = vb_fleet_sbatch_opts(f);
	ns = json_array_size(sbatch);
	if (!(argv = calloc(ns + 12, sizeof(*argv))))
		return NULL;
	vb_fleet_slurm_array(ids, n, buf, sizeof(buf) - 16);
	snprintf(arr, sizeof(arr), "--array=%s", buf);
	argv[k++] = strdup("sbatch");
	/* the user's first: where sbatch takes the last of an option, the fleet's win */
	for (size_t i = 0; i < ns; i++)
		argv[k++] = strdup(json_string_value(json_array_get(sbatch, i)) ?: "");
	argv[k++] = strdup("--parsable");
	argv[k++] = strdup("--job-name=" VB_FLEET_JOB_NAME);
	argv[k++] = strdup(arr);
	argv[k++] = strdup("--exclusive");
	if (f->collect) {
		/* no shared filesystem: fleet.json goes in the environment, the task
		 * writes its run and log on its node (vbench fleet collect) */
		argv[k++] = strdup("--chdir=/");
		argv[k++] = strdup("--output=/dev/null");
		if ((env = vb_fleet_env_value(f)) &&
		    (argv[k] = malloc(strlen(env) + 16)))
			sprintf(argv[k], "--export=ALL,%s", env);
		k++;
		free(env);
	} else {
		snprintf(buf, sizeof(buf), "--chdir=%s", f->dir);
		argv[k++] = strdup(buf);
		argv[k++] = strdup("--output=" VB_FLEET_LOGS "/%A_%a.out");
	}
	if (node[0]) {
		snprintf(buf, sizeof(buf), "--nodelist=%s", node);
		argv[k++] = strdup(buf);
	}
	argv[k++] = strdup(script);
	for (size_t i = 0; i < k; i++)
		if (!argv[i]) {
			vb_fleet_argv_free_n(argv, k);
			return NULL;
		}
	return argv;
}

/* @name's path into argv[0] (vb_proc_which); -1 with @err when not installed. */
static int which(char **argv, vb_error_t *err)
{
	char path[PATH_MAX], *p;

	if (vb_proc_which(argv[0], path, sizeof(path)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s not found: Slurm's commands are needed (Debian: apt-get "
				    "install slurm-client)",
				    argv[0]);
	if (!(p = strdup(path)))
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s", argv[0]);
	free(argv[0]);
	argv[0] = p;
	return 0;
}

/* The first line of a command's stderr, made safe, into @buf. */
static void first_line(const char *text, char *buf, size_t len)
{
	vb_text_first_line(text, buf, len);
	safe(buf, len);
}

int vb_fleet_slurm_submit(vb_fleet_t *f, const unsigned *ids, size_t n, const char *node,
			  json_t *sbatch, char *job, size_t len, vb_error_t *err)
{
	char script[PATH_MAX + 16], out[256], errout[4096], line[512];
	char **argv;
	vb_proc_opts_t po = { .timeout_ms = VB_FLEET_SLURM_TIMEOUT_MS };
	uint64_t id;
	int rc;

	snprintf(script, sizeof(script), "%s/%s", f->dir, VB_FLEET_SCRIPT);
	if (f->collect) { /* fleet.json must fit in one argument of sbatch's */
		char *env = vb_fleet_env_value(f);

		if (!env)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "%s: fleet.json is too large to give the tasks in their "
					    "environment (%u KiB at most)",
					    f->dir, VB_FLEET_ENV_MAX >> 10);
		free(env);
	}
	if (!(argv = vb_fleet_slurm_argv(f, ids, n, node, sbatch, script)))
		return vb_error_set(err, VB_ESYS, ENOMEM, "sbatch");
	if (which(argv, err) < 0) {
		vb_fleet_argv_free(argv);
		return -1;
	}
	rc = vb_proc_capture(argv, &po, out, sizeof(out), errout, sizeof(errout), err);
	vb_fleet_argv_free(argv);
	if (rc < 0)
		return vb_error_prefix(err, "sbatch");
	first_line(errout, line, sizeof(line));
	if (rc != 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "sbatch refused the job (exit %d): %s", rc,
				    line[0] ? line : "(no message)");
	out[strcspn(out, ";\n")] = '\0';
	if (vb_parse_u64(out, 1, UINT32_MAX, "job id", &id, NULL) < 0 && (safe(out, sizeof(out)), 1) &&
	    (snprintf(job, len, "?"), 1))
		return vb_error_set(err, VB_EPROTO, 0,
				    "sbatch accepted the job but answered '%.40s', not a job id: it "
				    "is not in fleet.json (squeue -n " VB_FLEET_JOB_NAME " shows it)",
				    out);
	snprintf(job, len, "%llu", (unsigned long long)id);
	if (vb_fleet_add_submission(f, job, node, ids, n, sbatch, err) == 0)
		return 0;
	/* submitted but not recorded: it would be out of reach of status and cancel */
	{
		char *cancel[] = { strdup("scancel"), strdup(job), NULL };
		vb_error_t e;

		vb_error_clear(&e);
		rc = cancel[0] && cancel[1] && which(cancel, &e) == 0
			     ? vb_proc_capture(cancel, &po, NULL, 0, NULL, 0, &e)
			     : -1;
		free(cancel[0]);
		free(cancel[1]);
		return vb_error_prefix(err, "job %s was submitted, then %s because fleet.json could "
				       "not record it", job, rc == 0 ? "cancelled" : "NOT cancelled");
	}
}

/* `scontrol show job -o JOB` into @out: 0, 1 unknown job, -1 with @err. */
static int show_job(const char *job, char *out, size_t len, vb_error_t *err)
{
	char errout[1024], line[512];
	char *argv[] = { strdup("scontrol"), strdup("show"), strdup("job"), strdup("-o"),
			 strdup(job), NULL };
	vb_proc_opts_t po = { .timeout_ms = VB_FLEET_SLURM_TIMEOUT_MS };
	int rc = -1;

	for (size_t i = 0; i < 5; i++)
		if (!argv[i]) {
			vb_error_set(err, VB_ESYS, ENOMEM, "scontrol");
			goto out;
		}
	if (which(argv, err) < 0)
		goto out;
	rc = vb_proc_capture(argv, &po, out, len, errout, sizeof(errout), err);
	if (rc < 0) {
		vb_error_prefix(err, "scontrol");
	} else if (rc != 0 && strstr(errout, "Invalid job id")) {
		rc = 1;
	} else if (rc == 0 && strlen(out) >= len - 1) {
		vb_error_set(err, VB_EPROTO, 0, "scontrol show job %s: more than %zu bytes of answer",
			     job, len - 1);
		rc = -1;
	} else if (rc != 0) {
		first_line(errout, line, sizeof(line));
		vb_error_set(err, VB_EUNAVAIL, 0, "scontrol show job %s: exit %d: %s", job, rc,
			     line[0] ? line : "(no message)");
		rc = -1;
	}
out:
	for (size_t i = 0; i < 5; i++)
		free(argv[i]);
	return rc;
}

#define SHOW_MAX (8u << 20) /* ~1.5 KB a task: 1000 tasks fit */

int vb_fleet_slurm_query(const vb_fleet_t *f, const char *job, vb_fleet_slurm_t *by_task,
			 vb_error_t *err)
{
	char *out = malloc(SHOW_MAX);
	unsigned foreign = 0;
	int rc;

	if (!out)
		return vb_error_set(err, VB_ESYS, ENOMEM, "scontrol");
	memset(by_task, 0, f->tasks * sizeof(*by_task));
	rc = show_job(job, out, SHOW_MAX, err);
	if (rc == 0)
		vb_fleet_slurm_parse(out, job, f->dir, f->collect ? "/" : NULL, by_task, f->tasks,
				     &foreign);
	free(out);
	return rc;
}

int vb_fleet_slurm_cancel(const vb_fleet_t *f, const char *job, vb_error_t *err)
{
	vb_fleet_slurm_t *t = calloc(f->tasks, sizeof(*t));
	char *out = malloc(SHOW_MAX), errout[1024], line[512];
	unsigned foreign = 0, live = 0;
	int rc;

	if (!t || !out) {
		free(t);
		free(out);
		return vb_error_set(err, VB_ESYS, ENOMEM, "scontrol");
	}
	rc = show_job(job, out, SHOW_MAX, err);
	if (rc == 0) {
		vb_fleet_slurm_parse(out, job, f->dir, f->collect ? "/" : NULL, t, f->tasks, &foreign);
		for (unsigned i = 0; i < f->tasks; i++)
			live += vb_fleet_slurm_live(t[i].state);
	}
	free(t);
	free(out);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (foreign)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "job %s: Slurm shows it working in another directory than %s: "
				    "not cancelled",
				    job, f->dir);
	if (!live)
		return 0;
	{
		char *argv[] = { strdup("scancel"), strdup(job), NULL };
		vb_proc_opts_t po = { .timeout_ms = VB_FLEET_SLURM_TIMEOUT_MS };

		rc = -1;
		if (!argv[0] || !argv[1])
			vb_error_set(err, VB_ESYS, ENOMEM, "scancel");
		else if (which(argv, err) == 0 &&
			 (rc = vb_proc_capture(argv, &po, NULL, 0, errout, sizeof(errout), err)) > 0) {
			first_line(errout, line, sizeof(line));
			vb_error_set(err, VB_EUNAVAIL, 0, "scancel %s: exit %d: %s", job, rc, line);
			rc = -1;
		}
		free(argv[0]);
		free(argv[1]);
	}
	return rc < 0 ? -1 : 1;
}
