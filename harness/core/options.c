/*
 * options.c - the `vbench run` option table, its setters and the defaults
 * they complete (options.h); lib/optparse.c parses argv against the table.
 * The environments and their own options come from the layer above
 * (vb_run_cfg_ext_t): this file names no backend.
 */
#include "harness/core/options.h"
#include "harness/core/options_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/counters.h"
#include "lib/cpulist.h"
#include "lib/safefs.h"
#include "lib/util.h"

static const vb_profile_t profiles[] = {
	{ "test", 2, 0.02, 1, "tests only: tiny sizes, 2 repetitions (sizes break STREAM's rules), no contention detection; network and application workloads only by name", 0, 0, 0, 0 },
	{ "quick", 3, 0.25, 0, "a smoke test: every workload, 3 repetitions of ~0.25 s", 0, 0, VB_CONTENTION_THRESHOLD, 1 },
	{ "standard", 10, 1.0, 0, "repetitions of ~1 s until every overhead is within +-3% (--precision 3: 5 to 30 rounds); density K=3 and noisy cpu", 1, 0.03, VB_CONTENTION_THRESHOLD, 1 },
	{ "full", 20, 2.0, 0, "repetitions of ~2 s until every overhead is within +-2% (--precision 2: 5 to 60 rounds); density K=3 and noisy cpu", 1, 0.02, VB_CONTENTION_THRESHOLD, 1 },
};

const vb_profile_t *vb_profile_find(const char *name)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(profiles); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

void vb_run_cfg_init(vb_run_cfg_t *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = vb_profile_find("quick");
	cfg->cpus = 1;
	cfg->memory = 1ull << 30;
	cfg->use_cgroup = 1;
	cfg->net_all = 1;
	snprintf(cfg->cgroup_root, sizeof(cfg->cgroup_root), "/sys/fs/cgroup");
	cfg->start_timeout_s = 60;
	cfg->rep_timeout_s = 600;
	cfg->stop_timeout_s = 10;
	cfg->margin = NAN;
	cfg->ops_reps = VB_OPS_REPS_DEFAULT;
	cfg->migrate_downtime_ms = VB_MIGRATE_DOWNTIME_MS;
	cfg->migrate_dirty_rate = VB_MIGRATE_DIRTY_RATE;
	cfg->contention_reruns = VB_CONTENTION_RERUNS;
	cfg->out_fd = cfg->lock_fd = cfg->log_fd = -1;
}

void vb_run_cfg_free(vb_run_cfg_t *cfg)
{
	size_t i;

	if (cfg->events_set) /* else the defaults: static strings */
		for (i = 0; i < cfg->nevents; i++)
			free((char *)cfg->events[i]);
	cfg->nevents = 0;
	cfg->events_set = 0;
}

/* Split a comma list and call @fn on each element. */
static int each_item(const char *list, const char *what, vb_run_cfg_t *cfg,
		     int (*fn)(vb_run_cfg_t *, const char *, vb_error_t *), vb_error_t *err)
{
	char buf[1024], *tok, *save = NULL;
	int n = 0;

	if (strlen(list) >= sizeof(buf))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: list too long", what);
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), n++)
		if (fn(cfg, tok, err) < 0)
			return -1;
	if (!n)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: empty list", what);
	return 0;
}

/* The layers above during a parse (environments, their options). */
static const vb_run_cfg_ext_t *parse_ext;

static int add_env(vb_run_cfg_t *cfg, const char *name, vb_error_t *err)
{
	const char *known = parse_ext && parse_ext->env_find ? parse_ext->env_find(name) : NULL;
	size_t i;

	if (!known)
		return vb_error_set(err, VB_EUSAGE, 0, "--env: unknown environment '%s' (expected: %s)",
				    name, parse_ext && parse_ext->env_names ? parse_ext->env_names : "none");
	for (i = 0; i < cfg->nenvs; i++)
		if (!strcmp(cfg->env_names[i], known))
			return 0;
	if (cfg->nenvs == VB_MAX_ENVS)
		return vb_error_set(err, VB_EUSAGE, 0, "--env: too many environments");
	cfg->env_names[cfg->nenvs++] = known;
	return 0;
}

static int set_env(void *cfg, const char *v, vb_error_t *err)
{
	return each_item(v, "--env", cfg, add_env, err);
}

static int add_net(vb_run_cfg_t *cfg, const char *mode, vb_error_t *err)
{
	const char *known;
	size_t i;

	if (!strcmp(mode, "all") || !strcmp(mode, "default")) {
		cfg->net_all = mode[0] == 'a';
		return 0;
	}
	known = parse_ext && parse_ext->net_mode_find ? parse_ext->net_mode_find(mode) : NULL;
	if (!known)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--net: unknown network mode '%s' (expected all, default or: %s)", mode,
				    parse_ext && parse_ext->net_modes ? parse_ext->net_modes : "none");
	cfg->net_all = 0;
	for (i = 0; i < cfg->nnet; i++)
		if (!strcmp(cfg->net_modes[i], known))
			return 0;
	if (cfg->nnet == sizeof(cfg->net_modes) / sizeof(cfg->net_modes[0]))
		return vb_error_set(err, VB_EUSAGE, 0, "--net: too many modes");
	cfg->net_modes[cfg->nnet++] = known;
	return 0;
}

static int set_net(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->nnet = 0;
	return each_item(v, "--net", cfg, add_net, err);
}

static int set_all(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->all_envs = 1;
	return 0;
}

static int add_workload(vb_run_cfg_t *cfg, const char *pat, vb_error_t *err)
{
	size_t i, j, matched = 0;
	const vb_workload_t *w;
	char names[1024];
	size_t off = 0;

	for (i = 0; i < vb_workload_count(); i++) {
		w = vb_workload_at(i);
		if (!vb_glob_match(pat, w->name))
			continue;
		matched++;
		for (j = 0; j < cfg->nwl; j++)
			if (cfg->wl[j] == w)
				break;
		if (j == cfg->nwl && cfg->nwl < VB_MAX_SEL)
			cfg->wl[cfg->nwl++] = w;
	}
	if (matched)
		return 0;
	for (i = 0; i < vb_workload_count() && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
					vb_workload_at(i)->name);
	return vb_error_set(err, VB_EUSAGE, 0,
			    "--workload: '%s' matches no workload (expected names or globs of: %s)",
			    pat, names);
}

static int set_workload(void *cfg, const char *v, vb_error_t *err)
{
	return each_item(v, "--workload", cfg, add_workload, err);
}

static int set_reps(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->reps_set = 1;
	return vb_parse_u64(v, 1, 100000, "--reps", &cfg->reps, err);
}

static int set_cpus_list(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;
	uint64_t mask = 0;

	if (vb_cpulist_parse(v, &mask) < 0 || !mask || strlen(v) >= sizeof(cfg->cpus_list))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--cpus-list: '%s' is not a list of CPUs 0-63 (e.g. 1 or 2-3,6)",
				    v);
	vb_cpulist_format(mask, cfg->cpus_list, sizeof(cfg->cpus_list));
	return 0;
}

static int set_contention(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->contention_threshold_set = 1;
	return vb_parse_double(v, 0, 1, "--contention-threshold", &cfg->contention_threshold, err);
}

static int set_precision(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->precision_set = 1;
	if (vb_parse_double(v, 0, 50, "--precision", &cfg->precision, err) < 0)
		return -1;
	cfg->precision /= 100;
	return 0;
}

static int set_profile(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->profile = vb_profile_find(v);
	if (!cfg->profile)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--profile: unknown profile '%s' (expected quick, standard, full or test)",
				    v);
	return 0;
}

static int set_path(char *dst, const char *v, const char *what, vb_error_t *err)
{
	if (vb_safefs_check_path(v, what, err) < 0)
		return -1;
	snprintf(dst, PATH_MAX, "%s", v);
	return 0;
}

static int set_out(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return set_path(cfg->out, v, "--out", err);
}

static int set_scratch(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return set_path(cfg->scratch, v, "--scratch", err);
}

static int set_agent(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return set_path(cfg->agent_path, v, "--agent", err);
}

static int add_event(vb_run_cfg_t *cfg, const char *name, vb_error_t *err)
{
	const char *one[1] = { name };
	char *dup;
	size_t i;

	for (i = 0; i < cfg->nevents; i++)
		if (!strcmp(cfg->events[i], name))
			return vb_error_set(err, VB_EUSAGE, 0, "--events: '%s' given twice", name);
	if (cfg->nevents == VB_MAX_EVENTS)
		return vb_error_set(err, VB_EUSAGE, 0, "--events: at most %d events", VB_MAX_EVENTS);
	if (vb_counters_validate(one, 1, err) < 0)
		return vb_error_prefix(err, "--events");
	dup = strdup(name);
	if (!dup)
		return vb_error_set(err, VB_ESYS, 0, "out of memory");
	cfg->events[cfg->nevents++] = dup; /* freed by vb_run_cfg_free */
	return 0;
}

static int set_events(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	vb_run_cfg_free(cfg); /* a second --events replaces the first */
	cfg->events_set = 1;
	if (!strcmp(v, "none"))
		return 0;
	return each_item(v, "--events", cfg, add_event, err);
}

/* --param WORKLOAD.KEY=VALUE, validated against the workload's descriptor. */
static int set_param(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;
	char wname[64], *dot, *eq;
	const vb_workload_t *w;
	vb_params_t tmp;
	vb_user_param_t *p;

	eq = strchr(v, '=');
	dot = eq ? memrchr(v, '.', (size_t)(eq - v)) : NULL;
	if (!eq || !dot || dot == v || dot + 1 == eq || (size_t)(dot - v) >= sizeof(wname))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--param: '%s' is not WORKLOAD.KEY=VALUE (e.g. mem.stream.passes=20)",
				    v);
	memcpy(wname, v, (size_t)(dot - v));
	wname[dot - v] = '\0';
	w = vb_workload_find(wname);
	if (!w)
		return vb_error_set(err, VB_EUSAGE, 0, "--param: unknown workload '%s' in '%s'",
				    wname, v);
	if (cfg->nparams == VB_MAX_USER_PARAMS)
		return vb_error_set(err, VB_EUSAGE, 0, "--param: too many");
	p = &cfg->params[cfg->nparams];
	p->w = w;
	snprintf(p->key, sizeof(p->key), "%.*s", (int)(eq - dot - 1), dot + 1);
	snprintf(p->val, sizeof(p->val), "%s", eq + 1);
	vb_params_defaults(w, &tmp);
	if (vb_params_set(w, &tmp, p->key, p->val, err) < 0)
		return vb_error_prefix(err, "--param");
	cfg->nparams++;
	return 0;
}

static int set_cpus(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return vb_parse_u64(v, 1, 64, "--cpus", &cfg->cpus, err);
}

static int set_memory(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return vb_parse_size(v, 64ull << 20, 1ull << 42, "--memory", &cfg->memory, err);
}

static int set_seed(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->seed_set = 1;
	return vb_parse_u64(v, 1, INT64_MAX, "--seed", &cfg->seed, err);
}

static int set_allow_tmpfs(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->allow_tmpfs = 1;
	return 0;
}

static int set_no_cgroup(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->use_cgroup = 0;
	return 0;
}

static int set_rep_timeout(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return vb_parse_double(v, 1, 86400, "--timeout", &cfg->rep_timeout_s, err);
}

static int set_start_timeout(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return vb_parse_double(v, 1, 3600, "--start-timeout", &cfg->start_timeout_s, err);
}

static int set_stop_timeout(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return vb_parse_double(v, 0.1, 3600, "--stop-timeout", &cfg->stop_timeout_s, err);
}

static int set_allow_device(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return set_path(cfg->allow_device, v, "--allow-device", err);
}

static int set_fresh_instance(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->fresh_instance = 1;
	return 0;
}

static int set_density(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->density_set = 1;
	return vb_parse_u64(v, 0, VB_DENSITY_MAX, "--density", &cfg->density, err);
}

static int set_ops(void *ctx, const char *v, vb_error_t *err)
{
	static const struct {
		const char *name;
		unsigned bits;
	} kinds[] = { { "save", VB_OPS_SAVE }, { "restore", VB_OPS_RESTORE | VB_OPS_SAVE },
		      { "migrate", VB_OPS_MIGRATE }, { "all", VB_OPS_ALL }, { "none", 0 } };
	vb_run_cfg_t *cfg = ctx;
	const char *p = v;

	cfg->ops = 0;
	cfg->ops_set = 1;
	while (*p) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < VB_ARRAY_SIZE(kinds); i++)
			if (strlen(kinds[i].name) == n && !strncmp(p, kinds[i].name, n))
				break;
		if (i == VB_ARRAY_SIZE(kinds))
			return vb_error_set(err, VB_EUSAGE, 0,
					    "--ops %s: unknown operation '%.*s' (expected save, "
					    "restore, migrate, all or none, comma-separated)",
					    v, (int)n, p);
		cfg->ops |= kinds[i].bits;
		p += n + (p[n] == ',');
	}
	return 0;
}

static int set_dirty_rate(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return vb_parse_u64(v, 0, VB_MIGRATE_DIRTY_MAX, "--migrate-dirty-rate",
			    &cfg->migrate_dirty_rate, err);
}

static int set_ops_reps(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return vb_parse_u64(v, 1, VB_OPS_REPS_MAX, "--ops-reps", &cfg->ops_reps, err);
}

static int add_noisy(vb_run_cfg_t *cfg, const char *kind, vb_error_t *err)
{
	static const struct {
		const char *name;
		unsigned bits;
	} kinds[] = { { "cpu", VB_NOISY_CPU }, { "mem", VB_NOISY_MEM }, { "io", VB_NOISY_IO },
		      { "all", VB_NOISY_ALL }, { "none", 0 } };
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(kinds); i++)
		if (!strcmp(kind, kinds[i].name)) {
			cfg->noisy |= kinds[i].bits;
			return 0;
		}
	return vb_error_set(err, VB_EUSAGE, 0,
			    "--noisy: unknown aggressor '%s' (expected cpu, mem, io, all or none)",
			    kind);
}

/* --noisy alone: every aggressor kind; --noisy=LIST: those. */
static int set_noisy(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->noisy_set = 1;
	cfg->noisy = 0;
	if (!v) {
		cfg->noisy = VB_NOISY_ALL;
		return 0;
	}
	return each_item(v, "--noisy", cfg, add_noisy, err);
}

static int set_resume(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	return set_path(cfg->resume, v, "--resume", err);
}

static int set_wide(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->wide = 1;
	return 0;
}

static int set_store(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->store_set = 1;
	if (!v) {
		snprintf(cfg->store, sizeof(cfg->store), "%s", VB_RUN_STORE_DEFAULT);
		return 0;
	}
	return set_path(cfg->store, v, "--store", err);
}

static int set_quiet(void *ctx, const char *v, vb_error_t *err)
{
	vb_run_cfg_t *cfg = ctx;

	cfg->quiet = 1;
	return 0;
}

/*
 * Each row gives the six columns of an option its setter applies; the typed
 * columns of vb_opt_t (lib/optparse.h) stay zero, which is VB_OPT_CALL.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const vb_opt_t options[] = {
	{ "--env", "LIST", "the baseline (bare metal)", NULL, "environments to run, comma list (see `vbench list`)", set_env },
	{ "--all", NULL, NULL, NULL, "every environment available here; unavailable ones are listed with the reason", set_all },
	{ "--net", "MODES", "all", "all, default, or modes (see `vbench list`)", "with network workloads (net.*): the network modes measured besides each environment's first path, each in an instance of its own, ENV:MODE, that runs only the network workloads; default: none besides", set_net },
	{ "--workload", "LIST", "*", NULL, "workload names or globs, comma list (e.g. 'cpu.*,mem.stream')", set_workload },
	{ "--profile", "NAME", "quick", "quick, standard, full, test", "repetitions and target time per repetition", set_profile },
	{ "--reps", "N", "from profile", NULL, "repetitions per workload and environment", set_reps },
	{ "--out", "DIR", "results/<stamp>-<host>", NULL, "run directory (must not exist or be empty)", set_out },
	{ "--scratch", "DIR", "private dir in /var/tmp", NULL, "directory for I/O workloads (not tmpfs)", set_scratch },
	{ "--allow-tmpfs", NULL, NULL, NULL, "allow a RAM filesystem as scratch (I/O numbers then measure RAM)", set_allow_tmpfs },
	{ "--allow-device", "DEV", NULL, NULL, "allow --scratch to name this block device: the I/O workloads (bare, containers) write to the device itself, destroying its contents; VMs keep their own image in /var/tmp", set_allow_device },
	{ "--events", "LIST", "PAPI presets + perf software events", NULL, "counter events, comma list, or 'none'", set_events },
	{ "--param", "W.KEY=VALUE", NULL, NULL, "override a workload parameter (repeatable)", set_param },
	{ "--cpus", "N", "1", NULL, "CPUs allocated to each environment", set_cpus },
	{ "--memory", "SIZE", "1G", NULL, "memory allocated to each environment", set_memory },
	{ "--cpus-list", "LIST", "the least busy CPUs no other live vbench run claims", NULL, "the environments' CPUs (as many as --cpus); a CPU another live run claims is refused (exit 2)", set_cpus_list },
	{ "--precision", "PCT", "3 with --profile standard, 2 with full, else off", NULL, "add rounds of repetitions until every overhead's interval is within +-PCT of its ratio (each environment and workload stops once it is), up to --max-reps or --max-time; 0: a fixed --reps", set_precision },
	{ .name = "--min-reps", .arg = "N", .def = "5", .help = "with --precision: rounds before the first decision", VB_OPT_U64_AT(vb_run_cfg_t, min_reps, 2, 100000) },
	{ .name = "--max-reps", .arg = "N", .def = "3 x the profile's repetitions", .help = "with --precision: rounds at most", VB_OPT_U64_AT(vb_run_cfg_t, max_reps, 1, 100000) },
	{ .name = "--max-time", .arg = "SECONDS", .def = "no limit", .help = "with --precision: no new round after this much time measuring in this session", VB_OPT_DOUBLE_AT(vb_run_cfg_t, max_time_s, 1, 1e7) },
	{ "--contention-threshold", "SHARE", "0.95 (test profile: 0, off)", NULL, "a CPU or memory repetition whose measured code got less than this share of its CPU is contended: kept in run.json, re-run at the end of its round, left out of the statistics", set_contention },
	{ .name = "--contention-reruns", .arg = "N", .def = "2", .help = "re-runs of one contended repetition at most", VB_OPT_U64_AT(vb_run_cfg_t, contention_reruns, 0, 10) },
	{ .name = "--keep-contended", .help = "count contended repetitions in the statistics too", VB_OPT_FLAG_AT(vb_run_cfg_t, keep_contended) },
	{ "--seed", "N", "time-based", NULL, "seed of the interleaving order (recorded)", set_seed },
	{ "--timeout", "SECONDS", "600", NULL, "limit for one repetition", set_rep_timeout },
	{ "--start-timeout", "SECONDS", "60", NULL, "limit for a host or container agent to start (its ready message)", set_start_timeout },
	{ "--stop-timeout", "SECONDS", "10", NULL, "limit for an instance to stop after quit; then it is killed (SIGKILL, forced removal) and run.json says stop_timed_out", set_stop_timeout },
	{ "--no-cgroup", NULL, NULL, NULL, "do not create cgroups (CPU affinity only; recorded)", set_no_cgroup },
	{ "--agent", "PATH", "next to vbench", NULL, "vbench-agent binary", set_agent },
	{ "--fresh-instance", NULL, NULL, NULL, "start a new container/VM for every repetition (default: one instance per run)", set_fresh_instance },
	{ "--density", "K", "3 with --profile standard or full, else 0", NULL, "after the run, start K instances of each environment side by side (fewer when host memory runs out) and record each one's start latency, memory idle and under load, and disk; 0: off", set_density },
	{ "--noisy", "[=KINDS]", "cpu with --profile standard or full, else off", "cpu, mem, io, all, none", "after the run, measure a victim instance's slowdown while a neighbour instance runs an aggressor of each kind (alone: all kinds)", set_noisy },
	{ "--ops", "LIST", "save,restore,migrate with --profile standard or full, else none", "save, restore, migrate, all, none", "after the run, save each environment's instance to an image, restore it, and move it live to a second instance, measured over repetitions (restore includes save)", set_ops },
	{ "--ops-reps", "N", "5", NULL, "repetitions of each operation", set_ops_reps },
	{ "--migrate-dirty-rate", "PAGES", "4096", NULL, "pages a second the agent dirties in its working set while it is moved (0: none)", set_dirty_rate },
	{ .name = "--migrate-downtime", .arg = "MS", .def = "50", .help = "the tuned migration's downtime limit (the default migration keeps the hypervisor's)", VB_OPT_DOUBLE_AT(vb_run_cfg_t, migrate_downtime_ms, 1, 60000) },
	{ .name = "--margin", .arg = "PCT", .def = "3", .help = "equivalence margin of the verdicts: equivalent when the 90% interval of the ratio lies within +-PCT% (recorded in run.json; vbench report --margin judges again)", VB_OPT_PCT_AT(vb_run_cfg_t, margin, 0.1, 100) },
	{ "--store", "[=PATH]", NULL, NULL, "after the run, add it to the result store (default " VB_RUN_STORE_DEFAULT "; vbench history queries it)", set_store },
	{ "--quiet", NULL, NULL, NULL, "print only errors and the run directory (on stdout)", set_quiet },
	{ "--wide", NULL, NULL, NULL, "print the final table whole, one line per row, instead of fitting it to the terminal's width", set_wide },
	{ "--resume", "DIR", NULL, NULL, "complete the interrupted run in DIR: its recorded options, seed and workload sizes, only what is not measured yet (other options given must equal the recorded ones)", set_resume },
};
#pragma GCC diagnostic pop

/* Remember that option @o was given (once; resume.c compares them). */
static void note_given(void *ctx, const vb_opt_t *o)
{
	vb_run_cfg_t *cfg = ctx;
	size_t i;

	for (i = 0; i < cfg->ngiven; i++)
		if (!strcmp(cfg->given[i], o->name))
			return;
	if (cfg->ngiven < VB_MAX_GIVEN)
		cfg->given[cfg->ngiven++] = o->name;
}

const vb_optspec_t vb_run_cfg_spec = {
	.prog = "vbench run",
	.usage = "vbench run [OPTIONS]",
	.about = "Run workloads in environments, interleaved, and write run.json.",
	.opts = options,
	.nopts = VB_ARRAY_SIZE(options),
	.seen = note_given,
};

int vb_run_cfg_core_option(const char *name)
{
	return !strcmp(name, "--help") || !strcmp(name, "-h") ||
	       vb_optparse_find(&vb_run_cfg_spec, name) != NULL;
}

/*
 * The repetitions: a fixed --reps (or the profile's), or with --precision
 * (given, or the profile's when --reps is not) between --min-reps and
 * --max-reps rounds, cfg->reps then the maximum (the schedule's length).
 * The contention threshold: given, else the profile's.
 */
int vb_run_cfg_resolve_reps(vb_run_cfg_t *cfg, vb_error_t *err)
{
	if (!cfg->contention_threshold_set)
		cfg->contention_threshold = cfg->profile->contention;
	if (!cfg->precision_set)
		cfg->precision = cfg->reps_set ? 0 : cfg->profile->precision;
	if (cfg->precision > 0 && cfg->reps_set)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--reps fixes the repetitions, --precision adds them until decided: "
				    "give one (with --precision, --min-reps and --max-reps)");
	if (cfg->precision <= 0) {
		if (cfg->min_reps || cfg->max_reps || cfg->max_time_s > 0)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "--min-reps, --max-reps and --max-time need --precision");
		if (!cfg->reps)
			cfg->reps = cfg->profile->reps;
		return 0;
	}
	if (!cfg->min_reps)
		cfg->min_reps = VB_MIN_REPS;
	if (!cfg->max_reps)
		cfg->max_reps = 3 * cfg->profile->reps > cfg->min_reps ? 3 * cfg->profile->reps
								       : cfg->min_reps;
	if (cfg->max_reps < cfg->min_reps)
		return vb_error_set(err, VB_EUSAGE, 0, "--max-reps %llu is below --min-reps %llu",
				    (unsigned long long)cfg->max_reps,
				    (unsigned long long)cfg->min_reps);
	cfg->reps = cfg->max_reps;
	return 0;
}

/* ---- the command line -------------------------------------------------------- */

void vb_run_cfg_help(FILE *f, const vb_run_cfg_ext_t *ext)
{
	vb_optgroup_t groups[VB_RUN_GROUPS_MAX];
	vb_optspec_t spec = vb_run_cfg_group_spec(NULL, ext, groups);

	vb_optparse_help(&spec, NULL, 0, f);
}

int vb_run_cfg_parse(vb_run_cfg_t *cfg, int argc, char **argv, const vb_run_cfg_ext_t *ext,
		     vb_error_t *err)
{
	vb_optgroup_t groups[VB_RUN_GROUPS_MAX];
	vb_optspec_t spec;
	int i, rc;

	cfg->argc = argc;
	cfg->argv = argv;
	vb_run_cfg_group_defaults(cfg, ext);
	spec = vb_run_cfg_group_spec(cfg, ext, groups);
	parse_ext = ext;
	rc = vb_optparse(&spec, cfg, argc, argv, err);
	if (rc == 0 && !cfg->nenvs && !cfg->all_envs && ext && ext->env_default &&
	    add_env(cfg, ext->env_default, err) < 0)
		rc = -1;
	parse_ext = NULL;
	if (rc != 0)
		return rc;
	if (!cfg->nwl)
		vb_run_cfg_default_selection(cfg);
	if (vb_run_cfg_find_programs(cfg, err) < 0 || vb_run_cfg_resolve_reps(cfg, err) < 0)
		return -1;
	/* The standard and full profiles include the short forms (issue #6). */
	if (!cfg->density_set)
		cfg->density = cfg->profile->short_forms ? VB_DENSITY_PROFILE_K : 0;
	if (!cfg->noisy_set)
		cfg->noisy = cfg->profile->short_forms ? VB_NOISY_CPU : 0;
	if (!cfg->ops_set)
		cfg->ops = cfg->profile->short_forms ? VB_OPS_ALL : 0;
	if (!cfg->events_set)
		for (i = 0; i < (int)vb_default_nevents && i < VB_MAX_EVENTS; i++)
			cfg->events[cfg->nevents++] = vb_default_events[i];
	return 0;
}
