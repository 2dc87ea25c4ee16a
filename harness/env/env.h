/*
 * env.h - environments are backends, each one table of operations.
 *
 * An environment is a place the agent can run: bare metal, a container, a
 * VM.  Each backend fills one vb_env_ops_t (one file per backend, listed in
 * list.h) with every fact about itself: its class, its options, its hooks,
 * its crash cleanup.  The core checks every table when it is loaded
 * (required hooks present, interface version matches) and a backend whose
 * probe fails is skipped with its reason, never a crash.
 *
 * Life of an instance, the same for every caller (the run, calibration,
 * density, noisy neighbours: env_life.c): probe -> vb_env_up (prepare,
 * start, wait for the agent's ready message, start latency) -> run (many
 * repetitions) -> vb_env_down (stop: quit, wait, kill past --stop-timeout;
 * cleanup; the cgroup).  A hook a backend leaves NULL has a default here.
 *
 * Must not: compute statistics or print, or name a backend: callers reach
 * every backend through its table.
 */
#ifndef VB_ENV_H
#define VB_ENV_H

#include <jansson.h>
#include <stdint.h>

#include "harness/core/chan.h"
#include "harness/core/cgroup.h"
#include "harness/core/options.h"
#include "lib/error.h"

#define VB_ENV_OPS_VERSION 2

/* Capability flags. */
#define VB_ENV_NEEDS_ROOT 0x1 /* creates cgroups/namespaces as root */
#define VB_ENV_NEEDS_KVM 0x2  /* needs hardware-accelerated /dev/kvm */
#define VB_ENV_IS_BASELINE 0x4 /* the reference all overheads are relative to */
#define VB_ENV_IS_VM 0x8       /* a guest: keeps the memory it touched for its whole
				* life and writes to its own scratch disk image */
#define VB_ENV_TARGETS 0x20    /* the user names its instances NAME:TARGET (ssh:vbox1),
				* each a machine of its own that runs every workload
				* (unlike a network mode's instance) */
#define VB_ENV_TARGET_MAX 32   /* a target's name: [A-Za-z0-9_-], at most 31 bytes */
#define VB_ENV_OWN_ROOT 0x10   /* its agent runs in a root filesystem vbench built
				* (image/rootfs.h), the servers of application
				* workloads beside it in VB_ROOTFS_BINDIR */

/*
 * What an environment is, on the two axes every analysis uses (explain,
 * plan): where the virtualization layer sits and how the CPU is
 * virtualized.  Declared by each backend in its table and recorded in
 * run.json ("class"); the type and mechanism strings are for people only.
 * 0 is "unknown": a table must declare both (vb_env_check).
 */
typedef enum vb_env_arch {
	VB_ARCH_UNKNOWN = 0,
	VB_ARCH_BARE,      /* bare metal: a process of the host operating system */
	VB_ARCH_CONTAINER, /* processes of the host kernel in namespaces and cgroups */
	VB_ARCH_SANDBOX,   /* a user-space kernel between the workload and the host's */
	VB_ARCH_HOSTED_VM, /* a type-2 hypervisor: a guest kernel in an ordinary host process */
	VB_ARCH_HW_VM,     /* a hardware-assisted VM: the host kernel is the hypervisor (KVM) */
	VB_ARCH_N
} vb_env_arch_t;

typedef enum vb_env_mech {
	VB_MECH_UNKNOWN = 0,
	VB_MECH_NONE,      /* no CPU virtualization: native execution, the host's (shared) kernel */
	VB_MECH_EMULATION, /* software emulation: guest code translated (QEMU TCG) */
	VB_MECH_HW_ASSIST, /* hardware-assisted virtualization (VT-x/AMD-V) */
	VB_MECH_N
} vb_env_mech_t;

struct vb_run_cfg;
typedef struct vb_env vb_env_t;

/* The operations on a running instance (run/recovery.c), as bits of
 * cfg->ops (core/options.h VB_OPS_*): save its state as an image, restore
 * it from that image, migrate it to a second instance while it runs. */
typedef enum vb_env_op { VB_OP_SAVE, VB_OP_RESTORE, VB_OP_MIGRATE, VB_OP_N } vb_env_op_t;

/* One live migration as run/recovery.c asks it (vb_env_ops_t.migrate). */
typedef struct vb_migrate_req {
	const char *variant;       /* "default" (the hypervisor's settings) or "tuned" */
	int64_t downtime_limit_ms; /* > 0: set this limit (tuned), else the hypervisor's */
	int64_t max_bandwidth;     /* > 0: bytes/s (tuned), else the hypervisor's */
	json_int_t beat_id;        /* the agent's heartbeat request running meanwhile ... */
	int beat_period_ms;        /* ... and its period */
	int max_time_ms;           /* not completed by then: cancelled, not converged */
} vb_migrate_req_t;

/* What a migration's heartbeat saw (vb_env_beats_*, env_life.c): beats
 * received on the host and the longest gap between two of them. */
typedef struct vb_beats {
	json_int_t id;      /* the beat request's id */
	uint64_t n;         /* beats received */
	uint64_t last_ns;   /* host time of the last one (0 none yet) */
	uint64_t max_gap_ns;/* the longest gap between two, host clock */
	uint64_t gap_at_ns; /* when that gap ended */
} vb_beats_t;

/* A network path from the host to an instance (vb_env_ops_t.net_path). */
typedef struct vb_net_path {
	char addr[64];         /* numeric IPv4 address the client connects to */
	char path[192];        /* what the path is ("loopback", "veth pair, routed ...") */
	unsigned listen_port;  /* the port the server must listen on (0: any it likes) */
	char listen_addr[64];  /* ... and the address ("": every address it has) */
	unsigned connect_port; /* the port the client connects to (0: the one announced) */
	int has_netns;         /* the client connects from network namespace ... */
	int netns_fd;          /* ... netns_fd (vbench's own for it), else from vbench's */
} vb_net_path_t;

/*
 * A backend's own command-line options and the configuration they fill
 * (vb_opt_t, core/options.h: a kind and a field of the configuration),
 * like fio's ioengine_ops.options: listed in `vbench run --help` under the
 * backends that declare them, parsed through the common table into the
 * run configuration's opaque plugin_conf, read back with vb_env_conf.
 * Backends of one implementation share one (hosted and kvm).
 */
typedef struct vb_env_options {
	const vb_opt_t *opts;
	size_t nopts;
	size_t conf_size;     /* the configuration's size */
	const void *defaults; /* ... as it is before any option */
} vb_env_options_t;

typedef struct vb_env_ops {
	int version;          /* VB_ENV_OPS_VERSION */
	const char *name;     /* "bare": what --env takes */
	const char *type;     /* virtualization type: "bare metal", "container", ... */
	const char *mechanism;/* how: "none (host process)", "namespaces+cgroups", "TCG emulation" */
	vb_env_arch_t arch;   /* the class: architecture ... */
	vb_env_mech_t mech;   /* ... and mechanism (analysis reads these, never the strings) */
	unsigned caps;        /* VB_ENV_* flags */
	const vb_env_options_t *options; /* its own command-line options, or NULL */
	/* Its network modes (issue #15), NULL-terminated: the first is the path
	 * of its instances, each other one an instance of its own, "NAME:MODE"
	 * (vb_env_set_net_mode), that a run starts for its network workloads
	 * (--net).  NULL: one path, unnamed (bare metal's loopback). */
	const char *const *net_modes;
	/* Workloads it cannot measure as every other environment does, by
	 * their flags (workload.h VB_W_*), never scheduled in it, and why (a
	 * sandbox that accepts O_DIRECT but serves the file from a cache).
	 * 0: none. */
	unsigned not_run;
	const char *not_run_why;
	/* VB_ENV_TARGETS: the targets `--all` brings (a remotes file's machines)
	 * into @names, at most @max; returns how many.  Optional (none: the
	 * plain name, which says what it needs). */
	size_t (*targets)(const struct vb_run_cfg *cfg, char (*names)[VB_ENV_TARGET_MAX],
			  size_t max);
	/* Can this host run it?  0, or -1 with @err (VB_EUNAVAIL) saying why.
	 * Must be fast (seconds at most) and must not leave anything behind.
	 * Optional: vb_env_probe checks what every backend needs (the agent)
	 * first. */
	int (*probe)(const struct vb_run_cfg *cfg, vb_error_t *err);
	/* What the last probe found, as data (new reference, or NULL), recorded
	 * as "probe" with an environment that did not come up, so analysis
	 * reads facts, not the reason's words.  Optional. */
	json_t *(*probe_facts)(void);
	/* Build what the instance needs (cgroup: vb_env_cgroup, rootfs, image).
	 * Optional. */
	int (*prepare)(vb_env_t *env, vb_error_t *err);
	/* Launch the instance: the agent's channel in env->chan, the launch
	 * time in env->launch_ns (vb_now_ns just before).  Required. */
	int (*start)(vb_env_t *env, vb_error_t *err);
	/* Wait for the agent's ready message (env->ready, env->ready_ns).
	 * Optional: vb_env_wait_ready (--start-timeout).  A backend with its
	 * own deadline (a VM's boot) or evidence to add on failure has one. */
	int (*wait_ready)(vb_env_t *env, vb_error_t *err);
	/* One repetition: send @req, return the agent's result object.
	 * Optional: the default sends over env->chan with the run timeout. */
	json_t *(*run)(vb_env_t *env, const json_t *req, vb_error_t *err);
	/* The request @req as this instance must receive it (host paths
	 * replaced by the instance's own), new reference.  Used by callers
	 * that send without run() (vb_env_send).  Optional: sent unchanged. */
	json_t *(*adapt)(vb_env_t *env, const json_t *req);
	/* Where the host reaches the instance's network workloads (a server
	 * run() starts, workload.h VB_W_NET), into @np; -1 with @err
	 * (VB_EUNAVAIL) saying why there is none.  Optional: no network path
	 * (its network workloads are not run). */
	int (*net_path)(vb_env_t *env, vb_net_path_t *np, vb_error_t *err);
	/* Disk the instance occupies on the host: @own bytes allocated for it
	 * alone (rootfs, bundle, disk image: st_blocks), @shared bytes of
	 * files every instance of the backend reuses (a cached guest kernel
	 * and initramfs).  Optional (bare metal has none). */
	int (*disk_usage)(vb_env_t *env, uint64_t *own, uint64_t *shared);
	/* Host CPU time consumed by the instance so far (ns).  Optional: the
	 * allocation cgroup's (vb_env_host_cpu_ns). */
	int (*host_cpu_ns)(vb_env_t *env, uint64_t *ns);
	/* Configuration and enforced limits for run.json (new reference); a
	 * "mechanism" string in it is the mechanism as used (the OCI runtime
	 * picked), which the record then holds instead of the table's.
	 * Optional. */
	json_t *(*describe)(vb_env_t *env);
	/* Stop the instance (agent quits, processes reaped) within
	 * vb_env_stop_ms(); past it, kill what is left (SIGKILL, forced
	 * removal) and set env->stop_timed_out.  Also called after a failed
	 * start, so it must cope with a half-started instance.  Optional:
	 * vb_env_stop_common; a backend that adds to it calls that first. */
	int (*stop)(vb_env_t *env, vb_error_t *err);
	/* Release everything prepare/start made (but the cgroup, which the
	 * core tears down); called once after every stop, also after a failed
	 * prepare.  Optional. */
	void (*cleanup)(vb_env_t *env);
	/*
	 * The operations (run/recovery.c), each optional: a backend without
	 * the hook has no such mechanism (op_why says so, else a generic
	 * line).  save: the instance's state into an image of its own (kept
	 * for the next restore), a consistent image on disk when it returns;
	 * into @m its "image_bytes" (allocated on disk), "image_path",
	 * "state_after" ("paused", "stopped") and what else it measured.  The
	 * instance does not answer until restore.  restore: the instance back
	 * from that image, its channel to the same agent connected (the
	 * caller measures until the agent answers); phases into @m.
	 * migrate: the instance moved to a second one of its own while the
	 * agent's heartbeat @rq->beat_id runs (its beats read with
	 * vb_env_beats_read into @b; the channel switched to the new
	 * instance); its figures into @m ("converged" false when cancelled at
	 * @rq->max_time_ms, the instance then still the first).  0, or -1 with
	 * @err (the instance may then be gone: the caller stops it).
	 * op_why: why @op cannot run here (the mechanism's probe: CRIU's own
	 * error), into @why; 0 when it can.  op_mechanism: the words of the
	 * reports ("QEMU migration stream over QMP").
	 */
	int (*save)(vb_env_t *env, json_t *m, vb_error_t *err);
	int (*restore)(vb_env_t *env, json_t *m, vb_error_t *err);
	int (*migrate)(vb_env_t *env, const vb_migrate_req_t *rq, vb_beats_t *b, json_t *m,
		       vb_error_t *err);
	int (*op_why)(vb_env_t *env, vb_env_op_t op, char *why, size_t len);
	const char *op_mechanism;
	/* The instance stopped answering (its channel ended, @err says how):
	 * add to @err what is known of why (how its process ended, a guest's
	 * kernel panic).  Optional. */
	void (*lost)(vb_env_t *env, vb_error_t *err);
	/* `vbench clean`: undo what a killed vbench left that outlives it (a
	 * container a runtime or an engine keeps running).  @rec is the record
	 * the backend gave vb_undo_add_undo ({"undo": undo_key, ...}), @run_id
	 * the dead vbench's run id (marker.h).  Returns 0 with what was done in
	 * @msg, or -1 when the record is refused (why in @msg).  Optional. */
	int (*undo)(const json_t *rec, const char *run_id, char *msg, size_t len);
	const char *undo_key; /* the records' "undo" name; NULL: the backend's name.
			       * Backends of one implementation share key and hook */
} vb_env_ops_t;

struct vb_env {
	const vb_env_ops_t *ops;
	const struct vb_run_cfg *cfg;
	vb_cgroup_t cg;           /* the allocation's cgroup (if the backend uses one) */
	int have_cg;
	int cg_borrowed;          /* cg is someone else's (an engine's): read, never removed */
	vb_chan_t chan;           /* channel to the agent */
	json_t *ready;            /* the agent's ready message */
	uint64_t launch_ns;       /* host monotonic time of the launch call */
	uint64_t ready_ns;        /* ... and of the ready message */
	uint64_t start_ns;        /* the start latency: ready_ns - launch_ns (vb_env_up) */
	int undo_res;             /* registry handle of the instance's removal (a container a
				   * runtime or an engine keeps: vb_undo_add_undo), 0 none:
				   * forgotten after a clean exit, run otherwise */
	int started;
	int stop_timed_out;       /* the last stop exceeded --stop-timeout and killed */
	char reason[512];         /* why unavailable/failed ("" if fine) */
	char name[40];            /* as run.json names it: the backend's name, or
				   * "NAME:MODE" for a network mode other than its first */
	const char *net_mode;     /* that mode (one of ops->net_modes), NULL: the first */
	char target[VB_ENV_TARGET_MAX]; /* VB_ENV_TARGETS: the machine this instance is
				   * ("" none; name "NAME:TARGET") */
	char inst[16];            /* instance tag appended to every name the backend
				   * makes (cgroup, files, ids): "" for the run's own
				   * instance, "-d2", "-nv"... for extra ones (density.h) */
	void *priv;               /* backend state */
};

/* Add the backend @ops after those of list.h, for a program that is not
 * vbench (the test binary's null backend): checked (vb_env_check), its
 * name unused.  0, or -1 with @err (VB_EUSAGE). */
int vb_env_register(const vb_env_ops_t *ops, vb_error_t *err);

/* Number of registered backends and the i-th one. */
size_t vb_env_count(void);
const vb_env_ops_t *vb_env_at(size_t i);
const vb_env_ops_t *vb_env_find(const char *name);
/*
 * The backend of environment @name, "NAME" or "NAME:MODE" with MODE one of
 * its net_modes, and that mode in *@mode (its table's string; NULL for the
 * first, which is the plain name's).  NULL for a name it does not know.
 */
const vb_env_ops_t *vb_env_find_mode(const char *name, const char **mode);
/*
 * The backend of "NAME:TARGET" when NAME has VB_ENV_TARGETS and TARGET is a
 * valid target name ([A-Za-z0-9_-], 1 to 31 bytes), with TARGET copied
 * into @target; NULL otherwise (whether the target exists is the backend's
 * to say when it starts).
 */
const vb_env_ops_t *vb_env_find_target(const char *name, char *target, size_t len);
/* The index of network mode @mode in @o's net_modes, or -1. */
int vb_env_mode_index(const vb_env_ops_t *o, const char *mode);
/* An instance's name: @o's, or "NAME:MODE" for @mode (not NULL), into
 * @buf.  Returns @buf. */
const char *vb_env_mode_name(const vb_env_ops_t *o, const char *mode, char *buf, size_t len);
/* Comma-separated names of all backends (for error messages). */
const char *vb_env_names(void);
/* The first backend whose undo hook takes marker records named @key
 * (undo_key, else its name), or NULL (clean.c). */
const vb_env_ops_t *vb_env_find_undo(const char *key);
/* The "undo" name of @ops's records: undo_key, else its name. */
const char *vb_env_undo_key(const vb_env_ops_t *ops);

/* ---- the backends' options (env_options.c) ---- */

/* The parser's view of the backends (vb_run_cfg_parse): their names, the
 * baseline as the default, and their options grouped by the backends that
 * share them, each group's configuration placed in plugin_conf. */
const vb_run_cfg_ext_t *vb_env_cfg_ext(void);

/* The configuration of @env's backend (vb_env_options_t) in its run
 * configuration, or of the backends declaring @o in @cfg: the parsed
 * values, or the defaults when @cfg was not parsed.  NULL for a backend
 * without options. */
const void *vb_env_conf(const vb_env_t *env);
const void *vb_env_conf_of(const struct vb_run_cfg *cfg, const vb_env_options_t *o);

/* Set backend option @name ("--runtime") to @val in @cfg as the parser
 * does (vb_run_cfg_set_opt).  0, or -1 with @err (VB_EUSAGE). */
int vb_env_conf_set(struct vb_run_cfg *cfg, const char *name, const char *val, vb_error_t *err);

/* Validate a table: version, name, type, mechanism, the class (a known
 * architecture and mechanism that agree with each other and with the
 * VM and baseline flags), probe and start, no undo key without an undo
 * hook, options whose fields lie in their configuration. */
int vb_env_check(const vb_env_ops_t *ops, vb_error_t *err);

/* Can this host run @ops for @cfg?  Its table checked, the agent every
 * backend starts executable, then its probe hook.  0, or -1 with @err
 * (VB_EUNAVAIL saying why; VB_EUSAGE for a broken table). */
int vb_env_probe(const vb_env_ops_t *ops, const struct vb_run_cfg *cfg, vb_error_t *err);

/* The names run.json uses for a class: "bare-metal", "container", "sandbox",
 * "hosted-vm", "hw-vm"; "none", "emulation", "hardware-assisted" ("unknown"
 * for anything else), and back (VB_*_UNKNOWN for a name it does not know). */
const char *vb_env_arch_name(vb_env_arch_t a);
const char *vb_env_mech_name(vb_env_mech_t m);
vb_env_arch_t vb_env_arch_parse(const char *name);
vb_env_mech_t vb_env_mech_parse(const char *name);

/* A VM architecture (hosted or hardware-assisted). */
int vb_env_arch_is_vm(vb_env_arch_t a);

/* The class of @ops as run.json records it: {"architecture", "mechanism"}
 * (new reference). */
json_t *vb_env_class_json(const vb_env_ops_t *ops);

/*
 * The class of the run.json environment record @rec: its "class" (written
 * since vbench records it), else, for a run.json of an older vbench, the
 * class of the backend of the same name in this vbench's table.  Returns 0,
 * or -1 with both VB_*_UNKNOWN when neither says (a backend this vbench does
 * not have).
 */
int vb_env_record_class(const json_t *rec, vb_env_arch_t *arch, vb_env_mech_t *mech);

/* ---- the lifecycle (env_life.c): one path up and down for every caller ---- */

/* A fresh, not yet started instance of @ops for @cfg in @env, tagged @inst
 * ("" or NULL: the run's own instance). */
void vb_env_init(vb_env_t *env, const vb_env_ops_t *ops, const struct vb_run_cfg *cfg,
		 const char *inst);

/* Make @env, fresh from vb_env_init, an instance of network mode @mode
 * (one of its backend's net_modes; NULL or the first: its default): its
 * name "NAME:MODE", its tag "-MODE" appended.  0, or -1 (VB_EUSAGE) for a
 * mode its backend does not have. */
int vb_env_set_net_mode(vb_env_t *env, const char *mode, vb_error_t *err);

/* Append the file @path (a launcher's stderr: a runtime's, ssh's) to the
 * run's agent log, cfg->log_fd (none: nothing). */
void vb_env_keep_log(const vb_env_t *env, const char *path);

/* Make @env (just vb_env_init'ed) the instance of target @target
 * ("NAME:TARGET"); "" or NULL: none. */
void vb_env_set_target(vb_env_t *env, const char *target);

/* The name every file and cgroup of @env carries: its backend's name and
 * its instance tag ("hosted-tap", "container-d2"), into @buf.  Returns @buf. */
const char *vb_env_tag(const vb_env_t *env, char *buf, size_t len);

/*
 * Bring @env up: check its table, prepare, start, wait for the agent's
 * ready message (the wait_ready hook, else vb_env_wait_ready) and record
 * the start latency (env->start_ns).  Returns 0 (env->started), or -1 with
 * @err, everything prepare and start made released (vb_env_down).
 */
int vb_env_up(vb_env_t *env, vb_error_t *err);

/*
 * Take @env down: its stop hook, else vb_env_stop_common; its cleanup; its
 * cgroup torn down.  Returns the stop latency in ns, from the request until
 * every process has exited and the cgroup is gone (0 when it was not up);
 * env->stop_timed_out says whether it had to kill.  Safe on an instance that
 * is down or was never brought up.
 */
uint64_t vb_env_down(vb_env_t *env);

/*
 * The common stop (the stop hook's default): ask the agent to quit, wait up
 * to --stop-timeout for the process owning the channel, close the channel
 * (killing what is left); then the instance's removal (env->undo_res)
 * forgotten when that process exited 0, run otherwise; the cgroup torn
 * down (emptied, removed; a borrowed one only let go).  Returns 0.
 */
int vb_env_stop_common(vb_env_t *env);

/* The allocation cgroup of @env, vbench-<run id>-<backend><inst>, with the
 * run's CPUs and @memory bytes (none with --no-cgroup): 0, or -1 with @err
 * ("<backend>: allocation cgroup: ..."). */
int vb_env_cgroup(vb_env_t *env, uint64_t memory, vb_error_t *err);

/* run.json's "limits" of @env for describe: its cgroup's, or not enforced
 * ("affinity only (--no-cgroup)"). */
json_t *vb_env_limits_json(const vb_env_t *env);

/* Host CPU time of the instance so far: the hook, else its allocation
 * cgroup's.  0, or -1 when unknown. */
int vb_env_host_cpu_ns(vb_env_t *env, uint64_t *ns);

/* One synchronous repetition: the run hook, else vb_env_default_run (the
 * channel, with --timeout). */
json_t *vb_env_run(vb_env_t *env, const json_t *req, vb_error_t *err);
json_t *vb_env_default_run(vb_env_t *env, const json_t *req, vb_error_t *err);
/*
 * Send workload request @req (as the instance must receive it) and return
 * its result within @timeout_ms: over the channel (vb_chan_call); for a
 * network workload (VB_W_NET) the server's "listening" answer first, the
 * client run here against the instance's net_path, then the server's
 * result merged with the client's measurements.  NULL with @err as
 * vb_chan_call; VB_EUNAVAIL without a network path.
 */
json_t *vb_env_call(vb_env_t *env, const json_t *req, int timeout_ms, vb_error_t *err);

/* The names of the operations ("save", "restore", "migrate"). */
const char *vb_env_op_name(vb_env_op_t op);

/*
 * Read the heartbeat of @b->id on @env's channel for up to @wait_ms: each
 * "beat" timed on the host (vb_beats_t), returning when the answer to the
 * beat request ("beaten", new reference in *@done) comes, when the time
 * is up (0, *@done NULL) or on an error (-1 with @err: a message that is
 * neither, a closed channel).
 */
int vb_env_beats_read(vb_env_t *env, vb_beats_t *b, int wait_ms, json_t **done,
		      vb_error_t *err);

/* The default wait_ready: the ready message within --start-timeout,
 * checked (vb_agent_check_ready), into env->ready and env->ready_ns. */
int vb_env_wait_ready(vb_env_t *env, vb_error_t *err);

/*
 * Whether the launcher of @env's agent (env->chan.pid: a runtime, ssh)
 * exited within @reap_ms: then 1, it reaped (its registration forgotten,
 * chan.pid 0), its exit code (128+N after signal N) in *@code and the last
 * line of its log @log (NULL: none) in @line ("" when empty); else 0.
 */
int vb_env_launcher_ended(vb_env_t *env, const char *log, int reap_ms, int *code, char *line,
			  size_t len);

/*
 * Whether @env's failure belongs to vbench's interruption: interrupted
 * already, or its instance lost (its channel ended) within 1 s before
 * vbench is interrupted.  A signal sent to every process of a job (Slurm's
 * scancel: the instance's own process group does not shield it) reaches
 * the instance and vbench in no set order; what was in flight is then not
 * a failure of the environment (not kept, done again on --resume).  A
 * timeout (the channel still open) never waits.
 */
int vb_env_lost_to_interrupt(const vb_env_t *env);

/*
 * vb_env_wait_ready for an agent behind a launcher (env->chan.pid: a
 * runtime, ssh): when no ready message comes and the launcher exited
 * within @reap_ms, -1 with @err (VB_EUNAVAIL) "@what exited N: " and the
 * last line of its log @log ("(nothing in its log)"), the launcher reaped.
 */
int vb_env_wait_launched(vb_env_t *env, const char *what, const char *log, int reap_ms,
			 vb_error_t *err);

/* The stop timeout of @env's run in ms (--stop-timeout; at most
 * VB_ENV_STOP_INTERRUPTED_MS once the run is interrupted), at most @cap_ms
 * when @cap_ms > 0. */
#define VB_ENV_STOP_INTERRUPTED_MS 3000
int vb_env_stop_ms(const vb_env_t *env, int cap_ms);

/*
 * The first half of every stop: ask the agent to quit (unless its channel
 * is already dead), mark the channel dead and wait up to vb_env_stop_ms()
 * for the process that owns it.  Returns 1 when that process exited (reaped,
 * dropped from the registry, its status in *@status if not NULL), 0 when it
 * did not (env->stop_timed_out set: vb_chan_close kills it), -1 when there is
 * no process.  The caller closes the channel and removes the rest.
 */
int vb_env_quit_wait(vb_env_t *env, int *status);

/*
 * Asynchronous requests, for several instances working at once (density.c,
 * noisy.c): vb_env_send sends @req through the backend's adapt hook and
 * returns at once (0, or -1 with @err); vb_env_recv waits up to
 * @timeout_ms for the agent's next "result" and returns it (new reference),
 * or NULL with @err (VB_ETIMEOUT, VB_EINTR, VB_ESYS, VB_EPROTO when the
 * agent refused the request or sent something that does not answer it:
 * vb_chan_answer).  One request in flight per instance.
 */
int vb_env_send(vb_env_t *env, const json_t *req, vb_error_t *err);
json_t *vb_env_recv(vb_env_t *env, int timeout_ms, vb_error_t *err);

#endif
