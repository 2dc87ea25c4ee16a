/*
 * cmd_fleet.c - `vbench fleet submit|status|cancel|task`: the same `vbench
 * run` on many hosts through Slurm (harness/fleet/fleet.h, docs/fleet.md).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/fleet/fleet.h"
#include "lib/textsafe.h"
#include "lib/util.h"
#include "bench/cmd.h"

#define MAX_ARGS 4096

typedef struct fleet_opts {
	const char *args[MAX_ARGS]; /* FLEETDIR, then the run options */
	size_t nargs;
	uint64_t tasks;
	int resume;
	const char *partition, *time, *account;
	char *sbatch[VB_FLEET_MAX_SBATCH];
	size_t nsbatch;
	int collect, clean, remove, from_env;
	char *nodes[64]; /* collect --node */
	size_t nnodes;
} fleet_opts_t;

static int add_node(void *ctx, const char *val, vb_error_t *err)
{
	fleet_opts_t *o = ctx;

	if (!vb_fleet_node_ok(val))
		return vb_error_set(err, VB_EUSAGE, 0, "--node '%.64s': expected a node name "
				    "([A-Za-z0-9._-])", val);
	if (o->nnodes == VB_ARRAY_SIZE(o->nodes))
		return vb_error_set(err, VB_EUSAGE, 0, "--node: at most %zu",
				    VB_ARRAY_SIZE(o->nodes));
	o->nodes[o->nnodes++] = (char *)val;
	return 0;
}

static int add_arg(void *ctx, const char *val, vb_error_t *err)
{
	fleet_opts_t *o = ctx;

	if (o->nargs == MAX_ARGS)
		return vb_error_set(err, VB_EUSAGE, 0, "more than %d arguments", MAX_ARGS);
	o->args[o->nargs++] = val;
	return 0;
}

static int add_sbatch(void *ctx, const char *val, vb_error_t *err)
{
	fleet_opts_t *o = ctx;

	if (o->nsbatch == VB_FLEET_MAX_SBATCH)
		return vb_error_set(err, VB_EUSAGE, 0, "--sbatch: at most %u options",
				    VB_FLEET_MAX_SBATCH);
	if (vb_fleet_check_sbatch(val, err) < 0)
		return -1;
	o->sbatch[o->nsbatch++] = (char *)val;
	return 0;
}

static const vb_opt_t submit_options[] = {
	{ .name = "--tasks", .arg = "N", .def = "1",
	  .help = "array tasks, one run each (Slurm places each on a node of its own while it runs, "
		  "--exclusive)",
	  VB_OPT_U64_AT(fleet_opts_t, tasks, 1, VB_FLEET_MAX_TASKS) },
	{ .name = "--partition", .arg = "P", .help = "Slurm partition (sbatch --partition)",
	  VB_OPT_STR_AT(fleet_opts_t, partition) },
	{ .name = "--time", .arg = "T", .help = "time limit of each task (sbatch --time)",
	  VB_OPT_STR_AT(fleet_opts_t, time) },
	{ .name = "--account", .arg = "A", .help = "account charged (sbatch --account)",
	  VB_OPT_STR_AT(fleet_opts_t, account) },
	{ .name = "--sbatch", .arg = "OPT",
	  .help = "one more sbatch option, as one argument (--sbatch=--qos=long); repeatable; "
		  "the ones the fleet sets (--array, --chdir, --output, --nodelist, ...) are refused",
	  .set = add_sbatch },
	{ .name = "--collect", .help = "no shared filesystem: each task writes its run on its node "
				       "(" VB_FLEET_LOCAL_PREFIX "...), and `vbench fleet collect` "
				       "brings them into FLEETDIR (through srun)",
	  VB_OPT_FLAG_AT(fleet_opts_t, collect) },
	{ .name = "--resume", .help = "submit again the tasks of FLEETDIR that failed, were "
				      "cancelled or never ran (each goes on with vbench run --resume "
				      "on the node it began on); no run options",
	  VB_OPT_FLAG_AT(fleet_opts_t, resume) },
};

static const vb_opt_t no_options[] = {};

const vb_optspec_t vb_cmd_fleet_submit_spec = {
	.prog = "vbench fleet submit",
	.usage = "vbench fleet submit [OPTIONS] FLEETDIR -- [RUN OPTIONS]\n"
		 "vbench fleet submit --resume [OPTIONS] FLEETDIR",
	.about = "Submit one Slurm job array that runs `vbench run RUN OPTIONS` once per task, "
		 "each with the same options and the same seed, its results in FLEETDIR/NODE-TASK. "
		 "FLEETDIR (new or empty) gets fleet.json, the job script job.sh (it runs `vbench "
		 "fleet task`; no option is ever in a shell line) and logs/.  FLEETDIR and vbench "
		 "must be reachable on every node (a shared filesystem).",
	.opts = submit_options,
	.nopts = VB_ARRAY_SIZE(submit_options),
	.pos = { .what = "argument", .whats = "arguments", .min = 1, .max = MAX_ARGS,
		 .missing = "no FLEETDIR given", .add = add_arg },
	.epilog = "exit codes: 0 submitted, 2 bad usage (one line; nothing submitted), 3 sbatch "
		  "refused or Slurm is not installed, 5 FLEETDIR is in use by another vbench",
};

const vb_optspec_t vb_cmd_fleet_status_spec = {
	.prog = "vbench fleet status",
	.usage = "vbench fleet status FLEETDIR",
	.about = "Each task's state: pending (with Slurm's reason), running (on which node), done "
		 "(its run is complete) or failed, with why: Slurm's state and exit code, what its "
		 "run.json says and the last line of its log.",
	.opts = no_options,
	.pos = { .what = "fleet directory", .whats = "fleet directories", .min = 1, .max = 1,
		 .add = add_arg },
	.epilog = "exit codes: 0 shown, 2 bad usage or not a fleet directory, 3 Slurm does not "
		  "answer",
};

const vb_optspec_t vb_cmd_fleet_cancel_spec = {
	.prog = "vbench fleet cancel",
	.usage = "vbench fleet cancel FLEETDIR",
	.about = "Cancel the fleet's jobs still pending or running (scancel), only those Slurm "
		 "shows working in FLEETDIR.  A cancelled task keeps what it measured; `vbench "
		 "fleet submit --resume FLEETDIR` completes it.",
	.opts = no_options,
	.pos = { .what = "fleet directory", .whats = "fleet directories", .min = 1, .max = 1,
		 .add = add_arg },
	.epilog = "exit codes: 0 cancelled or nothing to cancel, 2 bad usage, 3 Slurm refused",
};

static const vb_opt_t collect_options[] = {
	{ .name = "--node", .arg = "NAME",
	  .help = "also collect from this node (one whose task Slurm no longer remembers); "
		  "repeatable",
	  .set = add_node },
	{ .name = "--clean", .help = "remove each node's local copy once it is collected",
	  VB_OPT_FLAG_AT(fleet_opts_t, clean) },
};

const vb_optspec_t vb_cmd_fleet_collect_spec = {
	.prog = "vbench fleet collect",
	.usage = "vbench fleet collect [--node NAME]... [--clean] FLEETDIR",
	.about = "For a fleet submitted with --collect (no shared filesystem): on each node its "
		 "tasks ran on (as Slurm reports them, and --node), run `vbench fleet pack` through "
		 "srun and unpack the runs it sends into FLEETDIR/NODE-TASK (only this fleet's run "
		 "directories and logs, files and directories only; an earlier copy is replaced).",
	.opts = collect_options,
	.nopts = VB_ARRAY_SIZE(collect_options),
	.pos = { .what = "fleet directory", .whats = "fleet directories", .min = 1, .max = 1,
		 .add = add_arg },
	.epilog = "exit codes: 0 collected, 1 a stream that is not the fleet's (one line naming the "
		  "entry; nothing of it kept) or a write failed, 2 bad usage, 3 srun failed, 5 "
		  "FLEETDIR is in use by another vbench; a node that fails is said and the others "
		  "are still collected",
};

static const vb_opt_t pack_options[] = {
	{ .name = "--remove", .help = "remove this node's copy of the fleet's runs instead",
	  VB_OPT_FLAG_AT(fleet_opts_t, remove) },
};

const vb_optspec_t vb_cmd_fleet_pack_spec = {
	.prog = "vbench fleet pack",
	.usage = "vbench fleet pack [--remove]",
	.about = "What `vbench fleet collect` runs on a node through srun: this node's runs of the "
		 "fleet named by " VB_FLEET_ENV " as a tar stream on standard output.",
	.opts = pack_options,
	.nopts = VB_ARRAY_SIZE(pack_options),
	.epilog = "exit codes: 0 packed (an empty stream where no task ran), 1 a write failed, 2 "
		  "bad usage or no fleet in the environment",
};

static const vb_opt_t task_options[] = {
	{ .name = "--from-env", .help = "a collected fleet's task: fleet.json from " VB_FLEET_ENV
				      ", the run into the node's local directory",
	  VB_OPT_FLAG_AT(fleet_opts_t, from_env) },
};

const vb_optspec_t vb_cmd_fleet_task_spec = {
	.prog = "vbench fleet task",
	.usage = "vbench fleet task [FLEETDIR]\nvbench fleet task --from-env",
	.about = "What the fleet's job script runs in each array task: `vbench run` with the "
		 "fleet's options into FLEETDIR/NODE-TASK, or `vbench run --resume` of it when it "
		 "was begun.  FLEETDIR defaults to the current directory; the task and node come "
		 "from Slurm (SLURM_ARRAY_TASK_ID, SLURMD_NODENAME).",
	.opts = task_options,
	.nopts = VB_ARRAY_SIZE(task_options),
	.pos = { .what = "fleet directory", .whats = "fleet directories", .min = 0, .max = 1,
		 .add = add_arg },
	.epilog = "exit codes: those of vbench run",
};

const vb_optspec_t vb_cmd_fleet_spec = {
	.prog = "vbench fleet",
	.usage = "vbench fleet submit [OPTIONS] FLEETDIR -- [RUN OPTIONS]\n"
		 "vbench fleet status FLEETDIR\nvbench fleet cancel FLEETDIR\n"
		 "vbench fleet collect [OPTIONS] FLEETDIR\n"
		 "vbench fleet task [FLEETDIR]\nvbench fleet pack [--remove]",
	.about = "Run the same `vbench run` on many hosts through Slurm: submit a job array, "
		 "follow it, cancel it, resubmit what did not finish (vbench fleet COMMAND --help; "
		 "docs/fleet.md).",
	.opts = no_options,
	.pos = { .what = "command", .whats = "commands", .min = 1, .max = 1, .add = add_arg },
};

static int fail(const char *prog, const vb_error_t *err)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg);
	return vb_error_exit_code(err);
}

/* The sbatch options of @o as a JSON array (new reference). */
static json_t *sbatch_json(const fleet_opts_t *o)
{
	json_t *a = json_array();
	char buf[512];

	if (o->partition) {
		snprintf(buf, sizeof(buf), "--partition=%s", o->partition);
		json_array_append_new(a, json_string(buf));
	}
	if (o->time) {
		snprintf(buf, sizeof(buf), "--time=%s", o->time);
		json_array_append_new(a, json_string(buf));
	}
	if (o->account) {
		snprintf(buf, sizeof(buf), "--account=%s", o->account);
		json_array_append_new(a, json_string(buf));
	}
	for (size_t i = 0; i < o->nsbatch; i++)
		json_array_append_new(a, json_string(o->sbatch[i]));
	return a;
}

static int submit_resume(fleet_opts_t *o, vb_error_t *err)
{
	vb_fleet_sub_t *subs = NULL;
	vb_fleet_task_t *t = NULL;
	vb_fleet_t f;
	json_t *sb = NULL;
	size_t made = 0;
	int rc;

	if (o->nargs > 1)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--resume: no run options (the fleet's are in fleet.json)");
	if (vb_fleet_open(o->args[0], 1, &f, err) < 0)
		return -1;
	t = calloc(f.tasks, sizeof(*t));
	subs = calloc(f.tasks + 1, sizeof(*subs));
	if (!t || !subs) {
		rc = vb_error_set(err, VB_ESYS, 0, "out of memory");
		goto out;
	}
	if (o->partition || o->time || o->account || o->nsbatch)
		sb = sbatch_json(o);
	rc = vb_fleet_status(&f, t, err);
	if (rc == 0)
		rc = vb_fleet_resubmit(&f, t, sb, subs, &made, err);
	for (size_t i = 0; i < made; i++)
		printf("vbench fleet submit: job %s: task%s %s %s%s\n", subs[i].job,
		       strpbrk(subs[i].tasks, ",-") ? "s" : "", subs[i].tasks,
		       subs[i].node[0] ? "on " : "on any node", subs[i].node);
	if (rc == 0 && !made)
		printf("vbench fleet submit: nothing to resubmit in %s (every task is done, pending "
		       "or running: vbench fleet status %s)\n",
		       f.dir, f.dir);
out:
	json_decref(sb);
	free(t);
	free(subs);
	vb_fleet_close(&f);
	return rc;
}

static int submit(fleet_opts_t *o, vb_error_t *err)
{
	vb_fleet_new_t n = { .dir = o->args[0], .tasks = (unsigned)o->tasks,
			     .run_argv = (char **)o->args + 1, .run_argc = (int)o->nargs - 1,
			     .sbatch = NULL, .nsbatch = 0, .collect = o->collect };
	char exe[PATH_MAX], job[VB_FLEET_JOB_MAX] = "", arr[64];
	unsigned *ids;
	vb_fleet_t f;
	json_t *sb;
	ssize_t len;
	int rc;

	if (o->resume)
		return submit_resume(o, err);
	if ((len = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) < 0)
		return vb_error_set(err, VB_ESYS, 0, "/proc/self/exe: cannot tell where vbench is");
	exe[len] = '\0';
	n.vbench = exe;
	sb = sbatch_json(o);
	/* the options as fleet.json keeps them: checked by vb_fleet_create */
	n.nsbatch = (int)json_array_size(sb);
	n.sbatch = calloc((size_t)n.nsbatch + 1, sizeof(char *));
	for (int i = 0; n.sbatch && i < n.nsbatch; i++)
		n.sbatch[i] = (char *)json_string_value(json_array_get(sb, (size_t)i));
	ids = calloc(o->tasks, sizeof(*ids));
	if (!n.sbatch || !ids) {
		rc = vb_error_set(err, VB_ESYS, 0, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < o->tasks; i++)
		ids[i] = i;
	if ((rc = vb_fleet_create(&n, &f, err)) < 0)
		goto out;
	rc = vb_fleet_slurm_submit(&f, ids, o->tasks, "", NULL, job, sizeof(job), err);
	if (rc < 0 && !job[0])
		vb_error_prefix(err, "%s made, nothing submitted (`vbench fleet submit --resume %s` "
			        "tries again)", f.dir, f.dir);
	else {
		vb_fleet_slurm_array(ids, o->tasks, arr, sizeof(arr));
		printf("vbench fleet submit: job %s: task%s %s of %s, seed %llu (vbench fleet status "
		       "%s)\n",
		       job, o->tasks > 1 ? "s" : "", arr, f.dir, (unsigned long long)f.seed, f.dir);
	}
	vb_fleet_close(&f);
out:
	free(ids);
	free(n.sbatch);
	json_decref(sb);
	return rc;
}

static int status(fleet_opts_t *o, vb_error_t *err)
{
	unsigned count[VB_FLEET_NEVER + 1] = { 0 };
	vb_fleet_task_t *t;
	vb_fleet_t f;

	if (vb_fleet_open(o->args[0], 0, &f, err) < 0)
		return -1;
	if (!(t = calloc(f.tasks, sizeof(*t)))) {
		vb_fleet_close(&f);
		return vb_error_set(err, VB_ESYS, 0, "out of memory");
	}
	if (vb_fleet_status(&f, t, err) < 0) {
		free(t);
		vb_fleet_close(&f);
		return -1;
	}
	for (unsigned i = 0; i < f.tasks; i++)
		count[t[i].state]++;
	printf("fleet %s: %u task%s, seed %llu: %u done, %u running, %u pending, %u failed", f.dir,
	       f.tasks, f.tasks == 1 ? "" : "s", (unsigned long long)f.seed, count[VB_FLEET_DONE],
	       count[VB_FLEET_RUNNING], count[VB_FLEET_PENDING], count[VB_FLEET_FAILED]);
	if (count[VB_FLEET_NEVER])
		printf(", %u not submitted", count[VB_FLEET_NEVER]);
	printf("\n%5s  %-13s  %-16s  %-14s  %s\n", "task", "state", "node", "job", "run directory");
	for (unsigned i = 0; i < f.tasks; i++) {
		printf("%5u  %-13s  %-16s  %-14s  %s\n", t[i].id, vb_fleet_state_name(t[i].state),
		       t[i].node[0] ? t[i].node : "-", t[i].job[0] ? t[i].job : "-",
		       t[i].run_dir[0] ? t[i].run_dir : "-");
		if (t[i].why[0])
			printf("%5s  %s\n", "", t[i].why);
	}
	if (count[VB_FLEET_FAILED] || count[VB_FLEET_NEVER])
		printf("vbench fleet submit --resume %s submits the failed tasks again\n", f.dir);
	free(t);
	vb_fleet_close(&f);
	return 0;
}

static int cancel(fleet_opts_t *o, vb_error_t *err)
{
	static char jobs[VB_FLEET_MAX_SUBMISSIONS][VB_FLEET_JOB_MAX];
	vb_fleet_t f;
	size_t n;
	int done = 0, failed = 0, rc;

	/* locked: a submit --resume cannot add a job meanwhile */
	if (vb_fleet_open(o->args[0], 1, &f, err) < 0)
		return -1;
	n = vb_fleet_jobs(&f, jobs, VB_FLEET_MAX_SUBMISSIONS);
	for (size_t i = 0; i < n; i++) {
		vb_error_t e;

		vb_error_clear(&e);
		rc = vb_fleet_slurm_cancel(&f, jobs[i], &e);
		if (rc > 0) {
			printf("vbench fleet cancel: job %s cancelled\n", jobs[i]);
			done++;
		} else if (rc < 0) {
			fprintf(stderr, "vbench fleet cancel: %s\n", e.msg);
			failed++;
		}
	}
	if (!done && !failed)
		printf("vbench fleet cancel: nothing pending or running in %s\n", f.dir);
	vb_fleet_close(&f);
	if (failed)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%d job%s not cancelled (said above)", failed,
				    failed == 1 ? "" : "s");
	return 0;
}

static int collect(fleet_opts_t *o, vb_error_t *err)
{
	char *nodes[64 + VB_FLEET_MAX_TASKS];
	unsigned char keep[64 + VB_FLEET_MAX_TASKS] = { 0 };
	vb_fleet_task_t *t = NULL;
	size_t n = 0;
	unsigned runs = 0;
	vb_fleet_t f;
	int rc = -1;

	if (vb_fleet_open(o->args[0], 1, &f, err) < 0)
		return -1;
	if (!f.collect) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: not submitted with --collect (its tasks write "
			     "into it)", f.dir);
		goto out;
	}
	if (!(t = calloc(f.tasks, sizeof(*t)))) {
		vb_error_set(err, VB_ESYS, 0, "out of memory");
		goto out;
	}
	if (vb_fleet_status(&f, t, err) < 0)
		goto out;
	n = vb_fleet_collect_nodes(&f, t, o->nodes, o->nnodes, nodes, keep);
	if (!n) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: Slurm names no node of its tasks (any more): "
			     "--node NAME says where to collect", f.dir);
		goto out;
	}
	if (vb_fleet_collect(&f, nodes, n, o->clean ? keep : NULL, stderr, &runs, err) == 0) {
		printf("vbench fleet collect: %u run%s into %s from %zu node%s\n", runs,
		       runs == 1 ? "" : "s", f.dir, n, n == 1 ? "" : "s");
		rc = 0;
	}
out:
	free(t);
	vb_fleet_close(&f);
	return rc;
}

static int pack(fleet_opts_t *o, vb_error_t *err)
{
	vb_fleet_t f;
	int rc;

	if (vb_fleet_open_env(&f, 0, err) < 0) {
		if (err->errnum == ENOENT && getenv(VB_FLEET_ENV)) {
			/* no task of the fleet ran here: an empty stream, nothing to remove */
			vb_error_clear(err);
			return o->remove ? 0 : vb_fleet_pack(NULL, 1, err);
		}
		return -1;
	}
	rc = o->remove ? vb_fleet_local_remove(&f, err) : vb_fleet_pack(&f, 1, err);
	vb_fleet_close(&f);
	return rc;
}

static int task(fleet_opts_t *o, vb_error_t *err)
{
	const char *id_s = getenv("SLURM_ARRAY_TASK_ID"), *node_env = getenv("SLURMD_NODENAME");
	char node[VB_FLEET_NODE_MAX + 1];
	uint64_t id;
	vb_fleet_t f;
	char **argv;
	int argc, done, rc;

	if (!id_s)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "SLURM_ARRAY_TASK_ID is not set: `vbench fleet task` is what "
				    "a fleet's job script runs in a Slurm array task");
	if (vb_parse_u64(id_s, 0, VB_FLEET_MAX_TASKS - 1, "SLURM_ARRAY_TASK_ID", &id, err) < 0)
		return -1;
	if (node_env) { /* Slurm's own name of the node, as --nodelist takes it */
		snprintf(node, sizeof(node), "%s", node_env);
	} else {
		vb_hostname(node, sizeof(node));
		if (node[0] != '.')
			node[strcspn(node, ".")] = '\0'; /* the short name */
	}
	if (o->from_env) { /* a collected fleet: this node's directory */
		if (o->nargs)
			return vb_error_set(err, VB_EUSAGE, 0, "--from-env takes no FLEETDIR");
		if (vb_fleet_open_env(&f, 1, err) < 0 || vb_fleet_task_log(&f, (unsigned)id, err) < 0) {
			vb_fleet_close(&f);
			return -1;
		}
	} else if (vb_fleet_open(o->nargs ? o->args[0] : ".", 0, &f, err) < 0) {
		return -1;
	}
	argv = vb_fleet_task_argv(&f, node, (unsigned)id, &argc, &done, err);
	if (!argv) {
		if (done)
			printf("vbench fleet task %llu: %s/%s-%llu is complete: nothing to do\n",
			       (unsigned long long)id, f.dir, node, (unsigned long long)id);
		vb_fleet_close(&f);
		return done ? 0 : -1;
	}
	vb_fleet_close(&f);
	fprintf(stderr, "vbench fleet task %llu on %s: vbench", (unsigned long long)id, node);
	for (int i = 0; i < argc; i++) {
		fputc(' ', stderr);
		vb_text_put_term(stderr, argv[i]);
	}
	fputc('\n', stderr);
	fflush(stderr);
	rc = vb_cmd_run(argc, argv);
	vb_fleet_argv_free(argv);
	return rc;
}

static const struct {
	const char *name;
	const vb_optspec_t *spec;
	int (*fn)(fleet_opts_t *o, vb_error_t *err);
} subs[] = {
	{ "submit", &vb_cmd_fleet_submit_spec, submit },
	{ "status", &vb_cmd_fleet_status_spec, status },
	{ "cancel", &vb_cmd_fleet_cancel_spec, cancel },
	{ "collect", &vb_cmd_fleet_collect_spec, collect },
	{ "task", &vb_cmd_fleet_task_spec, task },
	{ "pack", &vb_cmd_fleet_pack_spec, pack },
};

int vb_cmd_fleet(int argc, char **argv)
{
	static fleet_opts_t o;
	vb_error_t err;
	size_t i;
	int rc;

	vb_error_clear(&err);
	if (argc >= 2)
		for (i = 0; i < VB_ARRAY_SIZE(subs); i++)
			if (!strcmp(argv[1], subs[i].name)) {
				memset(&o, 0, sizeof(o));
				o.tasks = 1;
				rc = vb_optparse(subs[i].spec, &o, argc - 1, argv + 1, &err);
				if (rc == 1)
					return VB_EXIT_OK;
				if (rc < 0)
					return fail(subs[i].spec->prog, &err);
				if (subs[i].fn != task && subs[i].fn(&o, &err) < 0)
					return fail(subs[i].spec->prog, &err);
				if (subs[i].fn != task)
					return VB_EXIT_OK;
				rc = task(&o, &err);
				return rc < 0 ? fail(subs[i].spec->prog, &err) : rc;
			}
	memset(&o, 0, sizeof(o));
	rc = vb_optparse(&vb_cmd_fleet_spec, &o, argc, argv, &err);
	if (rc == 1)
		return VB_EXIT_OK;
	if (rc == 0)
		vb_error_set(&err, VB_EUSAGE, 0,
			     "unknown command '%.64s' (one of: submit, status, cancel, collect, "
			     "task, pack)",
			     o.args[0]);
	return fail("vbench fleet", &err);
}
