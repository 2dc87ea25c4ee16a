/*
 * options.h - the configuration of a run and the option table behind it.
 *
 * Options are data: each has a name, an argument name, a default, a help
 * line and (where it applies) the allowed values; lib/optparse parses the
 * command line against the table and generates `vbench run --help` from it,
 * and every value is checked when parsed, so bad input is a one-line error
 * naming the option (exit 2) before anything runs.
 *
 * Must not: name a backend: each declares its own options
 * (env/env_options.c).
 */
#ifndef VB_OPTIONS_H
#define VB_OPTIONS_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "workloads/workload.h"
#include "lib/error.h"
#include "lib/optparse.h"
#include "lib/safefs.h"

#define VB_MAX_ENVS 24
#define VB_MAX_SEL 64
#define VB_MAX_PROGRAMS 6 /* host programs of application workloads (servers, clients) */
#define VB_MAX_USER_PARAMS 64
#define VB_DENSITY_MAX 64        /* --density bound (memory stops it sooner) */
#define VB_DENSITY_PROFILE_K 3   /* instances of the standard/full profiles' short form */
#define VB_OPS_SAVE 0x1          /* --ops: save, restore, migrate (env.h vb_env_op_t bits) */
#define VB_OPS_RESTORE 0x2
#define VB_OPS_MIGRATE 0x4
#define VB_OPS_ALL 0x7
#define VB_OPS_REPS_DEFAULT 5    /* --ops-reps: the verdicts need 5 a side */
#define VB_OPS_REPS_MAX 100
#define VB_MIGRATE_DOWNTIME_MS 50 /* --migrate-downtime: the tuned limit (QEMU's own: 300) */
#define VB_MIGRATE_DIRTY_RATE 4096 /* --migrate-dirty-rate: pages a second (16 MiB/s) */
#define VB_MIGRATE_DIRTY_MAX (1u << 24)

/* Aggressor kinds of --noisy (noisy.h). */
#define VB_NOISY_CPU 0x1
#define VB_NOISY_MEM 0x2
#define VB_NOISY_IO 0x4
#define VB_NOISY_ALL (VB_NOISY_CPU | VB_NOISY_MEM | VB_NOISY_IO)

#define VB_MAX_GIVEN 48 /* distinct options one command line can give */

typedef struct vb_profile {
	const char *name;   /* "quick" */
	uint64_t reps;      /* repetitions per workload and environment (--precision: the
			     * minimum's default is VB_MIN_REPS, the maximum 3 x this) */
	double target_s;    /* calibrated duration of one repetition */
	int tiny;           /* shrink sizes (tests only) */
	const char *help;
	int short_forms;    /* includes density (K=3) and noisy (cpu) short forms */
	double precision;   /* default --precision, a fraction (0: fixed repetitions) */
	double contention;  /* default --contention-threshold (0: not detected) */
	int net;            /* the default selection has the network and application
			     * workloads (those whose programs the host has) */
} vb_profile_t;

#define VB_MIN_REPS 5               /* --min-reps default */
#define VB_CONTENTION_THRESHOLD 0.95 /* --contention-threshold default */
#define VB_CONTENTION_RERUNS 2      /* --contention-reruns default */

/*
 * Options a layer above declares for `vbench run` (an environment backend's
 * own: env.h, vb_env_ops_t.options), parsed through the same parser as the
 * others (lib/optparse: typed rows, each a field of the declarer's own
 * configuration) into that configuration, which the run configuration
 * carries as opaque bytes (plugin_conf below) only the declarer reads.
 * Typed, so --resume compares them without knowing whose they are (fio's
 * ioengine_ops.options).
 */
typedef struct vb_opt_group {
	const char *title;    /* heading in the help: "environment oci" */
	const vb_opt_t *opts; /* typed rows (VB_OPT_STR_AT and co. of the configuration) */
	size_t nopts;
	size_t off;           /* of its configuration in plugin_conf.bytes */
	size_t size;          /* ... and its size */
	const void *defaults; /* the configuration before any option (size bytes) */
} vb_opt_group_t;

/* What the layers above give the parser (env.h: vb_env_cfg_ext): the
 * environments' names and their options. */
typedef struct vb_run_cfg_ext {
	const char *(*env_find)(const char *name); /* its name as registered, or NULL */
	const char *env_names;   /* "bare, container, ...": for the error */
	const char *env_default; /* the environment without --env or --all */
	const char *(*net_mode_find)(const char *mode); /* a backend's network mode as its
							 * table names it, or NULL */
	const char *net_modes;   /* "bridge, nat, ...": for the error */
	const vb_opt_group_t *groups;
	size_t ngroups;
} vb_run_cfg_ext_t;

#define VB_RUN_GROUPS_MAX 16 /* groups of options the layers above may declare */
#define VB_PLUGIN_CONF_MAX 4096

/* The declarers' configurations, opaque here. */
typedef struct vb_plugin_conf {
	int set; /* every group's defaults copied in (the parser); 0: read the defaults */
	_Alignas(16) unsigned char bytes[VB_PLUGIN_CONF_MAX];
} vb_plugin_conf_t;

typedef struct vb_user_param {
	const vb_workload_t *w; /* workload it applies to */
	char key[32];
	char val[VB_PARAM_VAL];
} vb_user_param_t;

typedef struct vb_run_cfg {
	/* what to run */
	const char *env_names[VB_MAX_ENVS]; /* selected backends, in --env order */
	size_t nenvs;
	int all_envs;                       /* --all */
	const char *net_modes[16];          /* --net: the network modes besides each
					     * environment's first, as the tables name them */
	size_t nnet;
	int net_all;                        /* every mode (the default; --net all) */
	const vb_workload_t *wl[VB_MAX_SEL];/* selected workloads, registry order */
	size_t nwl;
	const vb_profile_t *profile;
	uint64_t reps;                      /* from --reps or the profile */
	uint64_t seed;                      /* interleaving and data seed */
	int seed_set;
	const char *events[32];
	size_t nevents;
	int events_set;                     /* --events given (else the defaults) */
	vb_user_param_t params[VB_MAX_USER_PARAMS];
	size_t nparams;
	/* allocation */
	uint64_t cpus;                      /* CPUs per environment */
	uint64_t memory;                    /* bytes per environment */
	char env_cpus[64];                  /* CPU list given to environments */
	char harness_cpus[64];              /* CPU list the harness runs on */
	char cpus_list[64];                 /* --cpus-list: the environments' CPUs ("" = chosen) */
	char sel_note[400];                 /* what the default selection left out and why */
	char cpu_notes[2][400];             /* what the CPU choice found (prepare.c): other runs,
					     * load; run.json warnings */
	/* contention (docs/methodology.md "Contention") */
	double contention_threshold;        /* CPU share below this: contended (0: off) */
	int contention_threshold_set;       /* --contention-threshold given (else the profile's) */
	int keep_contended;                 /* --keep-contended: in the statistics too */
	uint64_t contention_reruns;         /* re-runs of one contended repetition at most */
	/* adaptive repetitions (--precision) */
	double precision;                   /* half-width of the ratio's interval, a fraction (0: off) */
	int precision_set;                  /* --precision given (else the profile's) */
	uint64_t min_reps;                  /* rounds before the first decision */
	uint64_t max_reps;                  /* rounds at most (0: from the profile) */
	double max_time_s;                  /* seconds of measurement at most (0: no limit) */
	int reps_set;                       /* --reps given */
	int use_cgroup;                     /* enforce through cgroups (default) */
	char cgroup_root[PATH_MAX];
	/* where */
	char out[PATH_MAX];                 /* run directory ("" = results/<stamp>-<host>) */
	int out_fd;                         /* it, opened without links (prepare.h); -1 before */
	int lock_fd;                        /* its lock (runlock.h), held until the end; -1 */
	vb_safefs_made_t out_made;          /* the directories creating it made (prepare.h) */
	char scratch[PATH_MAX];             /* scratch directory for I/O ("" = private one) */
	int allow_tmpfs;
	char allow_device[PATH_MAX];        /* --allow-device: block device I/O may write to */
	int scratch_device;                 /* --scratch is the allowed block device (prepare.c) */
	uint64_t device_bytes;              /* its size (BLKGETSIZE64), when scratch_device */
	uint64_t largest_file;              /* largest file an I/O workload of the run writes
					     * (run/sizing.c), set before the environments
					     * start: a VM sizes its scratch disk from it */
	char agent_path[PATH_MAX];
	/* the host programs the selected application workloads need (their
	 * servers and load generators: workload.h server, client), each
	 * once, found with vb_proc_which when the options are parsed */
	struct {
		const char *name;
		char path[PATH_MAX];
		int server;                 /* it goes into every instance */
	} programs[VB_MAX_PROGRAMS];
	size_t nprograms;
	char log_path[PATH_MAX];            /* agent stderr log (in the run directory), for messages */
	int log_fd;                         /* it, O_APPEND, every agent's stderr (> 2); -1: none */
	int log_created;                    /* this run created it (removed again if left empty) */
	/* limits */
	double start_timeout_s;             /* an agent's start to its ready message */
	double rep_timeout_s;
	double stop_timeout_s;              /* quit until every process exited, then SIGKILL */
	double margin;                      /* --margin: the verdicts' equivalence margin, a
					     * fraction; NaN: the default (analysis/verdict.h) */
	int quiet;
	char store[PATH_MAX];               /* --store: the result store to add the run to */
	int store_set;
	int wide;  /* --wide: the final table not fitted to the width */
	int fresh_instance;                 /* a new instance for every repetition */
	uint64_t density;                   /* instances per environment after the run (0: off) */
	int density_set;                    /* --density given (else from the profile) */
	unsigned noisy;                     /* VB_NOISY_* aggressor kinds (0: off) */
	int noisy_set;                      /* --noisy given (else from the profile) */
	unsigned ops;                       /* VB_OPS_* operations after the run (0: off) */
	int ops_set;                        /* --ops given (else from the profile) */
	uint64_t ops_reps;                  /* --ops-reps: repetitions of each operation */
	double migrate_downtime_ms;         /* --migrate-downtime: the tuned migration's limit */
	uint64_t migrate_dirty_rate;        /* --migrate-dirty-rate: pages a second dirtied meanwhile */
	vb_plugin_conf_t plugin_conf;       /* the environments' own options (env.h vb_env_conf) */
	/* the command line, for run.json */
	int argc;
	char **argv;
	const char *given[VB_MAX_GIVEN];    /* distinct options given, first use order (resume.c) */
	size_t ngiven;
	char resume[PATH_MAX];              /* --resume: run directory to complete ("" = a new run) */
} vb_run_cfg_t;

/* Profiles: test, quick, standard, full. */
const vb_profile_t *vb_profile_find(const char *name);

#define VB_RUN_STORE_DEFAULT "results/vbench.db" /* --store without a path (store.h's default) */

/* Defaults for every field (profile "quick", 1 CPU, 1 GiB). */
void vb_run_cfg_init(vb_run_cfg_t *cfg);

/* Free what vb_run_cfg_parse allocated (the --events names) and empty the
 * event list. */
void vb_run_cfg_free(vb_run_cfg_t *cfg);

/* The command line of `vbench run`: the core's option table (lib/optparse.h),
 * without the layers above's groups (vb_run_cfg_help shows those too). */
extern const vb_optspec_t vb_run_cfg_spec;

/*
 * Parse `vbench run` arguments (argv[0] is "run") with the environments and
 * options of @ext (NULL: the core's options only, no environment).  Every
 * value is checked here; names are resolved (environments, workload globs,
 * events).  Returns 0, 1 when --help was printed (on stdout), or -1 with @err
 * (VB_EUSAGE).
 */
int vb_run_cfg_parse(vb_run_cfg_t *cfg, int argc, char **argv, const vb_run_cfg_ext_t *ext,
		     vb_error_t *err);

/* Whether @name ("--reps") is one of the core's own options (a layer above
 * must not declare it again). */
int vb_run_cfg_core_option(const char *name);

/* Whether a workload selected in @cfg has every flag of @flags (workload.h
 * VB_W_*: VB_W_NET, a network workload). */
int vb_run_cfg_selects(const struct vb_run_cfg *cfg, unsigned flags);

/* The host path of program @name of the run (cfg->programs), NULL if the
 * selection needs none of that name. */
const char *vb_run_cfg_program(const struct vb_run_cfg *cfg, const char *name);

/* How many of application workload @w's programs (its server and load
 * generator) the host lacks, their names into @missing ("a and b"; NULL:
 * not wanted). */
int vb_run_cfg_app_missing(const vb_workload_t *w, char *missing, size_t len);

/* The servers of the run into @out, NULL-terminated (what every instance
 * holds beside its agent: rootfs.h vb_rootfs_add_programs); @out. */
const char *const *vb_run_cfg_servers(const struct vb_run_cfg *cfg,
				      const char *out[VB_MAX_PROGRAMS + 1]);

/* After parsing: the repetitions (--reps, or --precision with its minimum
 * and maximum; cfg->reps the schedule's rounds) and the contention
 * threshold from the options and the profile.  0, or -1 with @err
 * (VB_EUSAGE: --reps with --precision, --max-reps below --min-reps). */
int vb_run_cfg_resolve_reps(vb_run_cfg_t *cfg, vb_error_t *err);

/* Print the generated option help: the core's options, then each group of @ext's. */
void vb_run_cfg_help(FILE *f, const vb_run_cfg_ext_t *ext);

/* The configuration of group @g in @cfg: its bytes in plugin_conf once the
 * parser filled them, else @g's defaults. */
const void *vb_run_cfg_group_conf(const vb_run_cfg_t *cfg, const vb_opt_group_t *g);

/* Set @ext's option @name to @val in @cfg as the parser does (defaults
 * copied in first when plugin_conf is not set yet).  0, or -1 with @err
 * (VB_EUSAGE: unknown option or a bad value). */
int vb_run_cfg_set_opt(vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext, const char *name,
		       const char *val, vb_error_t *err);

/* The value of @ext's option @name in @cfg as --resume compares it (a path
 * resolved, a number in full) into @buf.  0, or -1 when @ext has no such
 * option. */
int vb_run_cfg_opt_text(const vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext, const char *name,
			char *buf, size_t len);

#endif
