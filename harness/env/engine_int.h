/*
 * engine_int.h - what engine.c and engine_undo.c share: an engine
 * instance's state, and its removal (at the stop, on the forced-exit path
 * and by `vbench clean` after a kill).
 *
 * Must not: be included outside harness/env/engine*.c.
 */
#ifndef VB_ENGINE_INT_H
#define VB_ENGINE_INT_H

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness/env/ct_common.h"
#include "harness/env/engine_image.h"
#include "harness/env/netpath.h"

#define ENGINE_NPROC_MAX 32768          /* podman lowers its own RLIMIT_NPROC to this */
#define ENGINE_MAX_ARGS (48 + 2 * VB_CT_MAX_ENV + 2 * 64) /* fixed, --env, --cap-add */

typedef struct engine_priv {
	const vb_engine_desc_t *d;
	vb_engine_info_t info;
	char runtime[16];            /* --runtime given ("" the engine's default) */
	char runtime_why[200];
	vb_engine_image_t img;       /* the agent's image (and the tree it holds) */
	char dir[PATH_MAX];          /* private directory: the tar, the engine's log */
	int dir_res;
	char log[PATH_MAX];          /* the engine client's stderr (and the agent's) */
	char name[64];               /* container name: vbench-<run id>-<env><inst> */
	vb_ct_env_t env;             /* the agent's environment */
	uint64_t caps;               /* capabilities kept */
	char caps_why[300];
	char scratch[PATH_MAX];      /* cfg->scratch normalised ("" none) */
	char nofile[48], nproc[48];  /* --ulimit values */
	char rlimit_why[200];
	char cpus[64], mem[24];      /* --cpuset-cpus, --memory/--memory-swap */
	char command[8192];          /* the run command line, for run.json */
	pid_t ctr_pid;               /* the agent as the host sees it */
	pid_t monitor_pid;           /* its parent: conmon, containerd-shim */
	uint64_t client_pss, monitor_pss; /* what the engine adds on the host */
	char *rm_argv[10];
	vb_netpath_t net;            /* mode nat: the private namespace the engine client runs in */
	int restored;                /* restored (engine_ops.c): reached by attach or start -a */
	int kept;                    /* run without --rm: docker's checkpoint lives in the container */
	unsigned ckpt_n;             /* docker: checkpoints taken (the last one's name vbench-N) */
	int experimental;            /* docker: the daemon's experimental features (-1 not asked) */
} engine_priv_t;

/* Wait up to @ms for the container's monitor (conmon, the shim) to exit:
 * it outlives the container by a few milliseconds.  No allocation. */
void vb_engine_monitor_gone(engine_priv_t *p, int ms);

/* `ENGINE rm -f NAME` of the instance @arg (an engine_priv_t): registry
 * release, also on the forced-exit path (no allocation). */
void vb_engine_remove(void *arg);

/* The marker record `vbench clean` needs to remove @p's container after a
 * kill (new reference). */
json_t *vb_engine_undo_record(const engine_priv_t *p);

/* The container's `ENGINE rm -f NAME` registered for @env (once: a
 * restored container keeps the registration). */
void vb_engine_register(vb_env_t *env, engine_priv_t *p);

/* ---- engine_ops.c: the hooks save, restore, op_why, lost (env.h) ---- */
int vb_engine_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len);
int vb_engine_save(vb_env_t *env, json_t *m, vb_error_t *err);
int vb_engine_restore(vb_env_t *env, json_t *m, vb_error_t *err);
void vb_engine_lost(vb_env_t *env, vb_error_t *err);

/* `vbench clean`'s removal of a record of vb_engine_undo_record (env.h
 * undo hook; docker and podman share the key "engine"). */
int vb_engine_undo(const json_t *rec, const char *run_id, char *msg, size_t len);

#endif
