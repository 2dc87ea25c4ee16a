/*
 * run_int.h - what the parts of `vbench run` share: the run's state and the
 * functions runner.c (setup, sizing, the run), run_envs.c (bringing the
 * environments up and down), run_reps.c (the schedule and each
 * repetition), contend.c and recovery.c (the operations) call in each
 * other.  Internal to those files.
 *
 * Must not: be included outside runner.c, run_envs.c, run_reps.c,
 * contend.c and recovery.c.
 */
#ifndef VB_RUN_INT_H
#define VB_RUN_INT_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "workloads/workload.h"
#include "harness/env/env.h"
#include "harness/core/options.h"
#include "harness/run/resume.h"
#include "harness/run/schedule.h"
#include "harness/analysis/stats.h"

typedef struct run_state {
	vb_run_cfg_t *cfg;
	json_t *doc;                    /* run.json */
	vb_resume_t *rs;                /* --resume: the run being completed, else NULL */
	int session;                    /* this session's number in run.json (1: the first) */
	const vb_env_ops_t *ops[VB_MAX_ENVS]; /* every environment of the run, in order */
	const char *mode[VB_MAX_ENVS];  /* its network mode (env.h net_modes), NULL: the first */
	char name[VB_MAX_ENVS][40];     /* its name: the backend's, or "NAME:MODE" */
	char target[VB_MAX_ENVS][VB_ENV_TARGET_MAX]; /* VB_ENV_TARGETS: "NAME:TARGET"'s target */
	vb_env_t envs[VB_MAX_ENVS];     /* their instances (same index) */
	json_t *env_rec[VB_MAX_ENVS];   /* their records in run.json (borrowed) */
	int need[VB_MAX_ENVS];          /* slots left to measure: start it */
	int up[VB_MAX_ENVS];            /* brought up in this session */
	int probe_failed[VB_MAX_ENVS];  /* its backend's probe failed in this session */
	size_t nenvs;
	vb_slot_t *order;               /* the schedule over every environment of the run */
	uint8_t *done;                  /* slot already recorded (a resumed run) */
	size_t nslots;
	size_t recorded;                /* repetitions recorded before this session */
	size_t added;                   /* repetitions this session recorded */
	vb_env_t calib;                 /* bare agent for calibration if bare not selected */
	int have_calib;
	vb_params_t params[VB_MAX_SEL]; /* per selected workload, identical everywhere */
	int wl_ok[VB_MAX_SEL];          /* sized and calibrated */
	size_t failures;
	int scratch_res;                /* registry handle of a private scratch dir */
	size_t env_reps[VB_MAX_ENVS];   /* repetitions each environment's instance ran */
	int proto_errors[VB_MAX_ENVS];  /* protocol errors in a row per environment */
	json_int_t probe_id;            /* id of the last calibration request (negative) */
	int save_failed;                /* a save of run.json failed: the run stops (save_err) */
	vb_error_t save_err;
	uint8_t *tries;                 /* records of each slot (contended ones re-run) */
	size_t contended;               /* contended repetitions this session */
	int others_warned;              /* another run's claim seen during the run, said once */
	/* --precision: why each environment and workload stopped (NULL: open) */
	const char *stop[VB_MAX_ENVS][VB_MAX_SEL];
	double stop_est[VB_MAX_ENVS][VB_MAX_SEL];
	vb_ci_t stop_ci[VB_MAX_ENVS][VB_MAX_SEL];
} run_state_t;

/* ---- run_envs.c ---- */


/* Host memory of an instance (PSS, processes, page cache), or JSON null. */
json_t *vb_run_footprint_json(vb_env_t *env);

/* Probe @env's backend and bring it up (vb_env_up), its start latency,
 * idle memory and description into @rec; on failure why; 0 or -1. */
int vb_run_env_bring_up(run_state_t *st, vb_env_t *env, json_t *rec);
/*
 * Every environment of the run, in order, into st->ops, st->mode and
 * st->name (st->nenvs): --env's (or the registry's with --all), each
 * followed, when a network workload is selected, by its other network
 * modes that --net selects.
 */
void vb_run_env_list(run_state_t *st);
/* A fresh instance of environment @i in st->envs[i] (vb_env_init), of its
 * network mode. */
void vb_run_env_init(run_state_t *st, size_t i);
/* Whether environment @i of the run is an instance of another network
 * mode (it runs only the network workloads). */
int vb_run_env_is_mode(const run_state_t *st, size_t i);
/* Start the environments with slots left; returns how many came up. */
size_t vb_run_start_envs(run_state_t *st);
/* After vb_env_down(&st->envs[@i]): record a stop that timed out. */
void vb_run_record_stop(run_state_t *st, size_t i);
/* Each started environment's network path ("network" in its record); an
 * environment without one gets its network workloads' pairs stopped as
 * "unsupported" (never scheduled), said once.  Nothing without a network
 * workload selected. */
void vb_run_net_paths(run_state_t *st);
/* The workloads each started environment does not run (vb_env_ops_t
 * not_run, stopped when the schedule was planned): "not_run" in its
 * record with the reason, said once. */
void vb_run_not_run(run_state_t *st);
/* The bare environment used to calibrate, started for it if needed. */
vb_env_t *vb_run_calibration_env(run_state_t *st, vb_error_t *err);
/* Ask environment @i's agent its clocksource again; warn on a change. */
void vb_run_check_final_clocksource(run_state_t *st, size_t i);

/* ---- run_reps.c ---- */
/* st->stop of a workload an instance of another network mode does not run. */
extern const char vb_run_stop_mode[];
/* ... and of one its backend cannot measure (vb_env_ops_t.not_run). */
extern const char vb_run_stop_unsupported[];

/* Build the schedule and, for a resumed run, mark what is recorded; 0 or -1. */
int vb_run_plan_schedule(run_state_t *st, vb_error_t *err);
/* Run every runnable slot in order, saving run.json after each; a save that
 * fails stops it at once (st->save_failed, st->save_err). */
int vb_run_schedule(run_state_t *st);
/*
 * Environment @i's agent answered out of step or past the protocol's
 * bounds (@why, a VB_EPROTO message): its stream cannot be trusted any
 * more (chan.h), so the instance is stopped and a fresh one started, as
 * --fresh-instance does, with a warning.  After 3 protocol errors in a row,
 * or when the new instance does not start, the environment fails with the
 * reason in env->reason and its remaining repetitions are skipped.
 */
void vb_run_protocol_restart(run_state_t *st, size_t i, const char *why);

/* ---- recovery.c ---- */

#define VB_OPS_WS_PCT 25             /* the working set: this share of the allocation */
#define VB_OPS_BEAT_MS 10            /* a migration's heartbeat period */
#define VB_OPS_MIGRATE_MAX_MS 60000  /* not completed by then: cancelled, not converged */
#define VB_OPS_TUNED_BANDWIDTH (10LL << 30) /* the tuned migration's bandwidth cap, bytes/s */

/* --ops: save, restore and migrate every environment that ran (not the
 * instances of other network modes), "operations" in run.json, saved
 * after each repetition; environments a resumed run measured are kept. */
void vb_recovery_run(run_state_t *st);
/* Whether environment @i has operations left to measure (none recorded,
 * or fewer repetitions than --ops-reps): a resumed run starts it. */
int vb_recovery_pending(run_state_t *st, size_t i);

/* ---- contend.c ---- */

/* Host-side probes around a repetition (-1: not available here). */
typedef struct vb_contend_probe {
	long long psi_us;  /* /proc/pressure/cpu "some" total, µs */
	long long runq_ns; /* /proc/schedstat run_delay of the environments' CPUs */
	long long idle_ns; /* /proc/stat idle + iowait of the environments' CPUs */
} vb_contend_probe_t;

void vb_contend_sample(const run_state_t *st, vb_contend_probe_t *p);
/* Record @rec's "contention" (CPU share, its source, pressure, run queue)
 * and mark it "contended" when a CPU or memory repetition's share is below
 * the threshold; returns 1 when it is. */
int vb_contend_judge(run_state_t *st, const vb_env_t *env, const vb_workload_t *w, json_t *rec,
		     const vb_contend_probe_t *p0, const vb_contend_probe_t *p1);
/* The contention test's hog (VBENCH_TEST_HOG_SEQ): its PID or 0; stopped. */
pid_t vb_contend_hog_start(const run_state_t *st, int seq, unsigned attempt);
void vb_contend_hog_stop(pid_t pid);
/* --precision after round @round: stop the environments and workloads
 * whose interval is decided (st->stop); returns how many are still open. */
size_t vb_contend_decide(run_state_t *st, uint32_t round);
/* run.json's "precision": the rule and why each pair stopped (@why_open
 * for those still open: "max-reps", "max-time", "interrupted"). */
json_t *vb_contend_precision_json(run_state_t *st, const char *why_open);

/* ---- runner.c ---- */

/* Record a warning in run.json and print it as a NOTE. */
void vb_run_warn(run_state_t *st, const char *fmt, const char *arg);

#endif
