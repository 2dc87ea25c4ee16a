/*
 * fleet.h - a fleet: the same `vbench run` on many hosts through Slurm
 * (docs/fleet.md).
 *
 * A fleet directory holds fleet.json (the run options, with one seed, the
 * number of tasks and every submission: its Slurm job, the tasks it runs,
 * the node it is pinned to), job.sh (the job script: it only runs `vbench
 * fleet task`, no option of the user's is ever in a shell line), logs/
 * (each task's output, JOB_TASK.out) and one run directory per task,
 * NODE-TASK, as `vbench run --out` makes it.  fleet.c keeps the directory
 * and its file, fleet_task.c a task's run directory and command line,
 * fleet_status.c tells each task's state from Slurm and the
 * run directories, fleet_slurm.c speaks to Slurm (sbatch, scontrol,
 * scancel; argument vectors, never a shell).
 *
 * Must not: run a workload itself (a task is `vbench run`), print, or
 * cancel a job it cannot prove is this fleet's.
 */
#ifndef VB_FLEET_H
#define VB_FLEET_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/error.h"
#include "harness/analysis/summary.h"

#define VB_FLEET_FILE "fleet.json"
#define VB_FLEET_SCRIPT "job.sh"
#define VB_FLEET_LOGS "logs"
#define VB_FLEET_SCHEMA "vbench-fleet"
#define VB_FLEET_SCHEMA_VERSION 1
#define VB_FLEET_MAX_TASKS 1000u
#define VB_FLEET_MAX_SUBMISSIONS 1000u
#define VB_FLEET_MAX_SBATCH 32u /* sbatch options a fleet keeps */
#define VB_FLEET_NODE_MAX 64    /* a node's name, NUL included */
#define VB_FLEET_JOB_NAME "vbench-fleet"

/* An open fleet directory. */
typedef struct vb_fleet {
	char dir[PATH_MAX]; /* absolute, normalised */
	int dirfd;          /* the directory (no symbolic link in its path) */
	int lockfd;         /* its lock while submitting, else -1 */
	json_t *doc;        /* fleet.json */
	unsigned tasks;     /* array tasks 0 .. tasks-1 */
	uint64_t seed;
	int collect;        /* fleet.json "collect": tasks write into local_dir on their node */
	char local_dir[PATH_MAX]; /* with collect: VB_FLEET_LOCAL_PREFIX + 16 hex digits */
} vb_fleet_t;

#define VB_FLEET_LOCAL_PREFIX "/var/tmp/vbench-fleet-" /* a collected fleet's node-local runs */
#define VB_FLEET_ENV "VBENCH_FLEET_JSON" /* fleet.json in hex, for tasks without a shared FS */

/* What `vbench fleet submit` was given for a new fleet. */
typedef struct vb_fleet_new {
	const char *dir;
	unsigned tasks;
	char **run_argv; /* the `vbench run` options (no "run" in front) */
	int run_argc;
	char **sbatch;   /* sbatch options, each one argument ("--partition=debug") */
	int nsbatch;
	const char *vbench; /* the vbench the job runs (absolute) */
	int collect;        /* no shared filesystem: tasks write on their node, collected after */
} vb_fleet_new_t;

/*
 * Check @n (the run options parse as `vbench run`'s and set neither --out
 * nor --resume, which the fleet sets; the sbatch options are allowed ones:
 * vb_fleet_check_sbatch; the vbench path is plain), then make the fleet
 * directory (new or empty; vb_safefs_mkdir_p), lock it, and write job.sh,
 * fleet.json (a seed chosen when --seed is not among the options, added to
 * them) and logs/.  Fills @f.  Returns 0 or -1 with @err (VB_EUSAGE one
 * line naming the input), nothing left behind.
 */
int vb_fleet_create(const vb_fleet_new_t *n, vb_fleet_t *f, vb_error_t *err);

/* Open the fleet directory @dir and read its fleet.json (checked: schema,
 * version, fields and their bounds); @lock: take its lock (VB_EBUSY when
 * another vbench holds it).  Returns 0 or -1 with @err. */
int vb_fleet_open(const char *dir, int lock, vb_fleet_t *f, vb_error_t *err);

/*
 * Open the fleet a task of a collected fleet belongs to, on its node: its
 * fleet.json from the environment (VB_FLEET_ENV, hex; checked as a file
 * is), its directory the node-local one (local_dir, made 0700 when
 * missing, no link in its path).  Returns 0 or -1 with @err.
 */
int vb_fleet_open_env(vb_fleet_t *f, int create, vb_error_t *err);

/* "VBENCH_FLEET_JSON=HEX" of @f's fleet.json without its submissions (what
 * a task needs), malloc'ed (sbatch's and srun's --export), or NULL (out of
 * memory, or longer than VB_FLEET_ENV_MAX). */
#define VB_FLEET_ENV_MAX (100u << 10)
char *vb_fleet_env_value(const vb_fleet_t *f);

/* Replace fleet.json atomically with @f->doc. */
int vb_fleet_save(vb_fleet_t *f, vb_error_t *err);

void vb_fleet_close(vb_fleet_t *f);

/* Record a submission: Slurm job @job ran @ntasks tasks @ids (pinned to
 * @node, or "" for any) with the sbatch options @sbatch (NULL: the
 * fleet's).  Refused past VB_FLEET_MAX_SUBMISSIONS. */
int vb_fleet_add_submission(vb_fleet_t *f, const char *job, const char *node,
			    const unsigned *ids, size_t ntasks, json_t *sbatch, vb_error_t *err);

/* The fleet's sbatch options (borrowed; fleet.json "sbatch": those it was
 * submitted with, or the last ones --resume was given). */
json_t *vb_fleet_sbatch_opts(const vb_fleet_t *f);

/* How many more submissions fleet.json may record. */
size_t vb_fleet_submissions_left(const vb_fleet_t *f);

/* The recorded run options (borrowed array of strings). */
json_t *vb_fleet_run_opts(const vb_fleet_t *f);

/* Every distinct job id of the fleet's submissions, in order, into @jobs
 * (each VB_FLEET_JOB_MAX); returns how many (at most @max). */
#define VB_FLEET_JOB_MAX 32
size_t vb_fleet_jobs(const vb_fleet_t *f, char (*jobs)[VB_FLEET_JOB_MAX], size_t max);

/*
 * Whether @opt may be passed to sbatch: it starts with "-" and is none of
 * the options the fleet sets itself (--array, --chdir, --output, --error,
 * --job-name, --parsable, --wrap, --wait, --nodelist and their short
 * forms).  0, or -1 with @err (VB_EUSAGE naming it).
 */
int vb_fleet_check_sbatch(const char *opt, vb_error_t *err);

/* Whether @name is a node name a run directory may carry: 1..63 of
 * [A-Za-z0-9._-], not starting with '.' or '-'. */
int vb_fleet_node_ok(const char *name);

/* "NODE-ID" into @buf. */
void vb_fleet_run_dir_name(const char *node, unsigned id, char *buf, size_t len);

/* The task a run directory's name @name belongs to (its node into @node),
 * or -1 when it is no task's. */
long vb_fleet_run_dir_task(const vb_fleet_t *f, const char *name, char *node, size_t len);

/* Whether entry @de of directory @dirfd is a directory (d_type, or
 * fstatat without following a link where the filesystem does not say). */
struct dirent;
int vb_fleet_is_dir_entry(int dirfd, const struct dirent *de);

/* Whether a run.json status says the run is done: "complete" or
 * "completed-with-errors" (its report says which measurements failed). */
int vb_fleet_run_done(const char *status);

/* The node task @id was begun on (its run directory NODE-ID), into @node:
 * 1, or 0 when it has none. */
int vb_fleet_run_dir_find(const vb_fleet_t *f, unsigned id, char *node, size_t len);

/*
 * The `vbench run` command line (argv[0] "run", NULL-terminated, malloc'ed
 * with its strings: vb_fleet_argv_free) of task @id on node @node: a new
 * run into NODE-ID with the fleet's options, or `--resume` of NODE-ID when
 * it holds a run.json (one that cannot be read is an error).  The task is
 * claimed for @node first (FLEETDIR/.task-ID, a symbolic link naming the
 * node, made atomically).  Refused (VB_EUSAGE) when the task was begun or
 * claimed on another node, when @id is not one of the fleet's tasks or
 * @node is not a plain name.  Sets *@done when NODE-ID already holds a
 * done run (vb_fleet_run_done: nothing to do).
 */
char **vb_fleet_task_argv(vb_fleet_t *f, const char *node, unsigned id, int *argc, int *done,
			  vb_error_t *err);
void vb_fleet_argv_free(char **argv);

/* A collected fleet's task (fleet_task.c): its stdout and stderr into the
 * node's FLEETDIR/logs/JOB_TASK.out (JOB: SLURM_ARRAY_JOB_ID; sbatch's
 * own output goes to /dev/null, FLEETDIR not being there).  0, or -1. */
int vb_fleet_task_log(vb_fleet_t *f, unsigned id, vb_error_t *err);

/* ---- Slurm (fleet_slurm.c) ------------------------------------------- */

#define VB_FLEET_SLURM_TIMEOUT_MS 30000 /* for sbatch, scontrol, scancel */

/* Slurm's view of one array task. */
typedef struct vb_fleet_slurm {
	char state[24];   /* JobState (PENDING, RUNNING, COMPLETED, FAILED, ...); "" unknown */
	char reason[128]; /* Reason, "" for None */
	char node[VB_FLEET_NODE_MAX]; /* NodeList, "" when none yet */
	int exit_code, exit_signal;   /* ExitCode=C:S */
} vb_fleet_slurm_t;

/*
 * Read `scontrol show job -o` output @text: the records of array job @job
 * (ArrayJobId=@job) fill @by_task[0 .. @ntasks) by their ArrayTaskId (a
 * pending range, "0-3,5%2", fills each task in it).  A record that is not
 * the fleet's (its job name, this user, Command @dir/job.sh, WorkDir
 * @workdir, NULL: @dir) is another's: counted in *@foreign, not used.
 * Returns how many tasks were filled.
 */
unsigned vb_fleet_slurm_parse(const char *text, const char *job, const char *dir,
			      const char *workdir, vb_fleet_slurm_t *by_task, unsigned ntasks,
			      unsigned *foreign);

/* "0-3,5": the task list @ids (ascending) as sbatch's --array takes it. */
void vb_fleet_slurm_array(const unsigned *ids, size_t n, char *buf, size_t len);

/*
 * sbatch's command line for tasks @ids pinned to @node ("" any) with the
 * sbatch options @sbatch (array of strings), the script at @script (NULL-
 * terminated, malloc'ed: vb_fleet_argv_free).  argv[0] is "sbatch".
 */
char **vb_fleet_slurm_argv(const vb_fleet_t *f, const unsigned *ids, size_t n, const char *node,
			   const json_t *sbatch, const char *script);

/* Submit tasks @ids as above: the job id into @job and the submission into
 * fleet.json.  Returns 0 or -1 with @err (sbatch's own message). */
int vb_fleet_slurm_submit(vb_fleet_t *f, const unsigned *ids, size_t n, const char *node,
			  json_t *sbatch, char *job, size_t len, vb_error_t *err);

/* Ask Slurm (scontrol) about @job into @by_task (f->tasks of them, cleared
 * first).  Returns 0, 1 when Slurm no longer knows the job, -1 with @err
 * when Slurm does not answer. */
int vb_fleet_slurm_query(const vb_fleet_t *f, const char *job, vb_fleet_slurm_t *by_task,
			 vb_error_t *err);

/* scancel @job when Slurm shows it as this fleet's (its WorkDir) with a
 * task pending or running: 1 cancelled, 0 nothing to cancel, -1 with @err
 * (also when the job is not this fleet's). */
int vb_fleet_slurm_cancel(const vb_fleet_t *f, const char *job, vb_error_t *err);

/* ---- each task's state (fleet_status.c) ------------------------------ */

typedef enum vb_fleet_state {
	VB_FLEET_PENDING, /* waiting in Slurm's queue */
	VB_FLEET_RUNNING,
	VB_FLEET_DONE,    /* its run.json is complete (or complete with errors) */
	VB_FLEET_FAILED,  /* ended without a complete run: why says how */
	VB_FLEET_NEVER,   /* never submitted */
} vb_fleet_state_t;

typedef struct vb_fleet_task {
	unsigned id;
	vb_fleet_state_t state;
	char job[VB_FLEET_JOB_MAX + 12]; /* "12_0"; "" never submitted */
	char node[VB_FLEET_NODE_MAX];    /* where it ran or runs; "" not yet */
	char run_dir[VB_FLEET_NODE_MAX + 12]; /* NODE-ID, "" none */
	char run_status[32];             /* its run.json's status, "" none */
	vb_fleet_slurm_t slurm;          /* state "" when Slurm no longer knows it */
	char why[400];                   /* pending: Slurm's reason; failed: what ended it */
} vb_fleet_task_t;

/* Whether Slurm's JobState @state is a task still to run or running
 * (pending, requeued, held, suspended, running, completing, stopped ...). */
int vb_fleet_slurm_live(const char *state);

/* "pending", "running", "done", "failed", "not submitted". */
const char *vb_fleet_state_name(vb_fleet_state_t s);

/*
 * The state of each task (@t holds f->tasks) from Slurm (scontrol, while
 * it knows the job) and the task's run directory (run.json's status) and
 * log (logs/JOB_ID.out: its last line says why vbench stopped).  Returns
 * 0, or -1 with @err when Slurm does not answer.
 */
int vb_fleet_status(const vb_fleet_t *f, vb_fleet_task_t *t, vb_error_t *err);

/* A resubmission made by vb_fleet_resubmit. */
typedef struct vb_fleet_sub {
	char job[VB_FLEET_JOB_MAX];
	char node[VB_FLEET_NODE_MAX]; /* "" any node */
	char tasks[64];               /* "0-2,5" */
} vb_fleet_sub_t;

/*
 * Submit again each task of @t (their states, vb_fleet_status) that failed
 * or was never submitted: those begun on a node pinned to it (one job per
 * node: its run goes on with `vbench run --resume`), the others as one
 * array.  Pending, running and done tasks are left alone.  @sbatch: new
 * options (they become the fleet's), NULL: the fleet's.  The groups are
 * planned first: more than fleet.json may still record is refused before
 * any sbatch.  Fills @subs (room for f->tasks + 1) and *@made, also when a
 * later sbatch fails (those made are in fleet.json).  Returns 0 or -1 with
 * @err.
 */
int vb_fleet_resubmit(vb_fleet_t *f, const vb_fleet_task_t *t, json_t *sbatch,
		      vb_fleet_sub_t *subs, size_t *made, vb_error_t *err);

/* ---- the fleet report (fleet_report.c) ------------------------------- */

/* Whether @dir holds a fleet.json (a fleet directory). */
int vb_fleet_is_dir(const char *dir);

/* The runs of the fleet directory @dir: [ { "name": NODE-TASK, "path": its
 * run.json, "run": the loaded run.json } ] in task order (tasks without a
 * run.json said on @log).  NULL with @err (also when none has one). */
json_t *vb_fleet_load_runs(const char *dir, FILE *log, vb_error_t *err);

/* The fleet's run directories (NODE-TASK, in task order) into a malloc'ed
 * array of @n names (vb_fleet_argv_free_n).  0, or -1 with @err. */
int vb_fleet_list_runs(const vb_fleet_t *f, char ***names, size_t *n, vb_error_t *err);
void vb_fleet_argv_free_n(char **v, size_t n);

typedef struct vb_fleet_report_opts {
	const char *const *dirs; /* one fleet directory, or run directories (with @out) */
	size_t ndirs;
	const char *out;         /* where the report goes; NULL: the fleet directory */
	int charts;              /* render charts/fleet.* with gnuplot */
	FILE *log;               /* notes (a task without run.json, charts skipped) */
	vb_summary_cfg_t stats;  /* each run's summary settings */
} vb_fleet_report_opts_t;

/*
 * The fleet report: the runs of the fleet directory (each NODE-TASK with a
 * run.json; the others said on @o->log) or of the run directories given,
 * compared across hosts (analysis/hosts.h) and written as
 * fleet-summary.json, fleet-report.md, fleet.csv and charts/fleet.* into
 * the fleet directory (locked meanwhile) or @o->out (made when missing).
 * Returns the fleet summary (new reference) or NULL with @err (nothing
 * written).
 */
json_t *vb_fleet_report(const vb_fleet_report_opts_t *o, vb_error_t *err);

/* ---- two fleets (fleet_compare.c) ------------------------------------ */

struct vb_compare_cfg;

/* Runs ([ { "name", "path", "run" } ], as vb_fleet_load_runs gives them)
 * grouped into host classes, CPU model and kernel release, in order of first
 * appearance: [ { "cpu", "kernel", "class": "CPU / KERNEL", "runs": [...] } ].
 * New reference. */
json_t *vb_fleet_classes(const json_t *runs);

/* One class's runs (an entry of vb_fleet_classes) merged into one run
 * document (vb_summary_merge, at most VB_SUMMARY_MAX_RUNS).  New reference,
 * or NULL with @err. */
json_t *vb_fleet_class_merge(const json_t *cls, vb_error_t *err);

/*
 * Fleets @a and @b compared class by class: each fleet's runs grouped by
 * CPU model and kernel release and merged (vb_summary_merge), a class of A
 * paired with B's class of the same CPU model (the same kernel first), each
 * pair compared (vb_compare_build): { "schema": "vbench-fleet-compare",
 * "a", "b", "pairs": [ { "cpu", "a_class", "b_class", "a_runs", "b_runs",
 * "compare" } ], "only_in_a", "only_in_b" }.  NULL with @err (VB_EUSAGE
 * when no CPU model is in both).
 */
json_t *vb_fleet_compare(const char *a, const char *b, const struct vb_compare_cfg *cfg, FILE *log,
			 vb_error_t *err);

/* ---- without a shared filesystem (fleet_collect.c) --------------------- */

/* On a node: every run directory of the fleet in its local directory, and
 * logs/, as a tar stream (regular files and directories only, no link
 * followed, each file as long as it was when its header was written) on
 * @out; @f NULL: an empty stream (no task ran here).  0, or -1 with @err. */
int vb_fleet_pack(vb_fleet_t *f, int out, vb_error_t *err);

/* On a node: remove the fleet's local directory (once collected). */
int vb_fleet_local_remove(vb_fleet_t *f, vb_error_t *err);

/* Unpack a pack's stream on @in (@what names it in errors) from node
 * @node (NULL: any) into the fleet directory: only that node's run
 * directories NODE-TASK/... of this fleet and logs/JOB_TASK.out, only
 * files and directories (a run directory a directory), no "..", no
 * absolute path, within size bounds, through a staging directory; each run
 * directory exchanged with an earlier copy atomically; counts the run
 * directories in *@runs.  0, or -1 with @err (VB_EPROTO naming the entry:
 * nothing of the stream moved into place). */
int vb_fleet_unpack(vb_fleet_t *f, int in, const char *node, const char *what, unsigned *runs,
		    vb_error_t *err);

/* Collect the runs of @n nodes: `srun --nodelist=NODE vbench fleet pack`
 * each, its output unpacked (vb_fleet_unpack); then, when @clean is given,
 * the nodes whose @clean[i] is 0 have their local copy removed (`vbench
 * fleet pack --remove`), those marked 2 (a task still pending or running
 * there) keep it, said on @log.  A node that fails is said on @log and the
 * others are still collected.  0, or -1 with @err (the last failure). */
int vb_fleet_collect(vb_fleet_t *f, char *const *nodes, size_t n, const unsigned char *clean,
		     FILE *log, unsigned *runs, vb_error_t *err);

/* The nodes to collect from, into @nodes (room for @ngiven + f->tasks):
 * the @ngiven named (--node), then each node Slurm names for a task (@t:
 * vb_fleet_status), once; @keep[i] 2 for a node where a task still waits
 * or runs (its copy is not removed), else 0.  Returns how many. */
size_t vb_fleet_collect_nodes(const vb_fleet_t *f, const vb_fleet_task_t *t, char *const *given,
			      size_t ngiven, char **nodes, unsigned char *keep);

/* ---- plans per host class (fleet_plan.c) ----------------------------- */

typedef struct vb_fleet_plan_opts {
	const char *store;  /* the store's runs, or */
	const char *fleet;  /* a fleet directory's */
	const char *class_; /* NULL, or text the class must contain */
	const char *since;  /* with store: runs created on or after */
	double margin;      /* NaN: each class's first run's */
} vb_fleet_plan_opts_t;

/* One host class's runs, merged, with its summary. */
typedef struct vb_fleet_plan_src {
	char class_[512]; /* "CPU / KERNEL" */
	char label[PATH_MAX + 600]; /* "SOURCE (N runs of CLASS)": what the plan names */
	json_t *run, *sum;
	double margin;
} vb_fleet_plan_src_t;

/* The runs @o selects, one source per host class (@n of them, in order of
 * first appearance, malloc'ed: vb_fleet_plan_sources_free).  0, or -1 with
 * @err (no run matches; a class with more runs than a merge takes). */
int vb_fleet_plan_sources(const vb_fleet_plan_opts_t *o, vb_fleet_plan_src_t **out, size_t *n,
			  vb_error_t *err);
void vb_fleet_plan_sources_free(vb_fleet_plan_src_t *s, size_t n);

/* ---- into the result store (fleet_store.c) ---------------------------- */

struct vb_store;

/* Add the run directory @dir, or every run of the fleet directory @dir
 * (those without run.json said on @log), to the store @s; counts the runs
 * added and replaced.  0, or -1 with @err (the runs added before stay). */
int vb_fleet_store_add(struct vb_store *s, const char *dir, FILE *log, unsigned *added,
		       unsigned *replaced, vb_error_t *err);

#endif
