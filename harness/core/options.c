/*
 * options.c - the `vbench run` option table and its parser (options.h).
 * The environments and their own options come from the layer above
 * (vb_run_cfg_ext_t): this file names no backend.
 */
#include "harness/core/options.h"

#include <stdlib.h>
#include <string.h>

#include "lib/counters.h"
#include "lib/safefs.h"
#include "lib/util.h"

static const vb_profile_t profiles[] = {
	{ "test", 2, 0.02, 1, "tests only: tiny sizes, 2 repetitions (sizes break STREAM's rules)", 0 },
	{ "quick", 3, 0.25, 0, "every workload, 3 repetitions of ~0.25 s", 0 },
	{ "standard", 10, 1.0, 0, "10 repetitions of ~1 s (the minimum for reported intervals); density K=3 and noisy cpu", 1 },
	{ "full", 20, 2.0, 0, "20 repetitions of ~2 s; density K=3 and noisy cpu", 1 },
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
	snprintf(cfg->cgroup_root, sizeof(cfg->cgroup_root), "/sys/fs/cgroup");
	cfg->start_timeout_s = 60;
	cfg->rep_timeout_s = 600;
	cfg->stop_timeout_s = 10;
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

typedef int (*opt_set_fn)(vb_run_cfg_t *cfg, const char *val, vb_error_t *err);

typedef struct vb_option {
	const char *name;    /* "--reps" */
	const char *arg;     /* argument name, NULL for a flag */
	const char *def;     /* default shown in help */
	const char *allowed; /* allowed values shown in help, or NULL */
	const char *help;
	opt_set_fn set;
} vb_option_t;

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

static int set_env(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return each_item(v, "--env", cfg, add_env, err);
}

static int set_all(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
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

static int set_workload(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return each_item(v, "--workload", cfg, add_workload, err);
}

static int set_reps(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return vb_parse_u64(v, 1, 100000, "--reps", &cfg->reps, err);
}

static int set_profile(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
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

static int set_out(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return set_path(cfg->out, v, "--out", err);
}

static int set_scratch(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return set_path(cfg->scratch, v, "--scratch", err);
}

static int set_agent(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
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

static int set_events(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	vb_run_cfg_free(cfg); /* a second --events replaces the first */
	cfg->events_set = 1;
	if (!strcmp(v, "none"))
		return 0;
	return each_item(v, "--events", cfg, add_event, err);
}

/* --param WORKLOAD.KEY=VALUE, validated against the workload's descriptor. */
static int set_param(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
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

static int set_cpus(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return vb_parse_u64(v, 1, 64, "--cpus", &cfg->cpus, err);
}

static int set_memory(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return vb_parse_size(v, 64ull << 20, 1ull << 42, "--memory", &cfg->memory, err);
}

static int set_seed(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	cfg->seed_set = 1;
	return vb_parse_u64(v, 1, INT64_MAX, "--seed", &cfg->seed, err);
}

static int set_allow_tmpfs(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	cfg->allow_tmpfs = 1;
	return 0;
}

static int set_no_cgroup(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	cfg->use_cgroup = 0;
	return 0;
}

static int set_rep_timeout(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return vb_parse_double(v, 1, 86400, "--timeout", &cfg->rep_timeout_s, err);
}

static int set_start_timeout(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return vb_parse_double(v, 1, 3600, "--start-timeout", &cfg->start_timeout_s, err);
}

static int set_stop_timeout(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return vb_parse_double(v, 0.1, 3600, "--stop-timeout", &cfg->stop_timeout_s, err);
}

static int set_allow_device(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return set_path(cfg->allow_device, v, "--allow-device", err);
}

static int set_fresh_instance(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	cfg->fresh_instance = 1;
	return 0;
}

static int set_density(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	cfg->density_set = 1;
	return vb_parse_u64(v, 0, VB_DENSITY_MAX, "--density", &cfg->density, err);
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
static int set_noisy(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	cfg->noisy_set = 1;
	cfg->noisy = 0;
	if (!v) {
		cfg->noisy = VB_NOISY_ALL;
		return 0;
	}
	return each_item(v, "--noisy", cfg, add_noisy, err);
}

static int set_resume(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	return set_path(cfg->resume, v, "--resume", err);
}

static int set_quiet(vb_run_cfg_t *cfg, const char *v, vb_error_t *err)
{
	cfg->quiet = 1;
	return 0;
}

static const vb_option_t options[] = {
	{ "--env", "LIST", NULL, NULL, "environments to run, comma list (see `vbench list`)", set_env },
	{ "--all", NULL, NULL, NULL, "every environment available here; unavailable ones are listed with the reason", set_all },
	{ "--workload", "LIST", "*", NULL, "workload names or globs, comma list (e.g. 'cpu.*,mem.stream')", set_workload },
	{ "--profile", "NAME", "quick", "quick, standard, full, test", "repetitions and target time per repetition", set_profile },
	{ "--reps", "N", "from profile", NULL, "repetitions per workload and environment", set_reps },
	{ "--out", "DIR", "results/<stamp>-<host>", NULL, "run directory (must not exist or be empty)", set_out },
	{ "--scratch", "DIR", "private dir in /var/tmp", NULL, "directory for I/O workloads (not tmpfs)", set_scratch },
	{ "--allow-tmpfs", NULL, NULL, NULL, "allow a RAM filesystem as scratch (I/O numbers then measure RAM)", set_allow_tmpfs },
	{ "--allow-device", "DEV", NULL, NULL, "allow --scratch to name this block device: the I/O workloads (bare metal, containers) write to the device itself, destroying its contents; VMs keep their own image in /var/tmp", set_allow_device },
	{ "--events", "LIST", "PAPI presets + perf software events", NULL, "counter events, comma list, or 'none'", set_events },
	{ "--param", "W.KEY=VALUE", NULL, NULL, "override a workload parameter (repeatable)", set_param },
	{ "--cpus", "N", "1", NULL, "CPUs allocated to each environment", set_cpus },
	{ "--memory", "SIZE", "1G", NULL, "memory allocated to each environment", set_memory },
	{ "--seed", "N", "time-based", NULL, "seed of the interleaving order (recorded)", set_seed },
	{ "--timeout", "SECONDS", "600", NULL, "limit for one repetition", set_rep_timeout },
	{ "--start-timeout", "SECONDS", "60", NULL, "limit for a host or container agent to start (its ready message)", set_start_timeout },
	{ "--stop-timeout", "SECONDS", "10", NULL, "limit for an instance to stop after quit; then it is killed (SIGKILL, forced removal) and run.json says stop_timed_out", set_stop_timeout },
	{ "--no-cgroup", NULL, NULL, NULL, "do not create cgroups (CPU affinity only; recorded)", set_no_cgroup },
	{ "--agent", "PATH", "next to vbench", NULL, "vbench-agent binary", set_agent },
	{ "--fresh-instance", NULL, NULL, NULL, "start a new container/VM for every repetition (default: one instance per run)", set_fresh_instance },
	{ "--density", "K", "3 with --profile standard or full, else 0", NULL, "after the run, start K instances of each environment side by side (fewer when host memory runs out) and record each one's start latency, memory idle and under load, and disk; 0: off", set_density },
	{ "--noisy", "[=KINDS]", "cpu with --profile standard or full, else off", "cpu, mem, io, all, none", "after the run, measure a victim instance's slowdown while a neighbour instance runs an aggressor of each kind (alone: all kinds)", set_noisy },
	{ "--quiet", NULL, NULL, NULL, "print only errors and the final table", set_quiet },
	{ "--resume", "DIR", NULL, NULL, "complete the interrupted run in DIR: its recorded options, seed and workload sizes, only what is not measured yet (other options given must equal the recorded ones)", set_resume },
};

/* One line of the help: "  --name ARG   help [allowed] (default: def)". */
static void help_line(FILE *f, const char *name, const char *arg, const char *help,
		      const char *allowed, const char *def)
{
	char head[64];

	snprintf(head, sizeof(head), "%s%s%s", name, arg && arg[0] != '[' ? " " : "",
		 arg ? arg : "");
	fprintf(f, "  %-24s %s", head, help);
	if (allowed)
		fprintf(f, " [%s]", allowed);
	if (def)
		fprintf(f, " (default: %s)", def);
	fputc('\n', f);
}

void vb_run_cfg_help(FILE *f, const vb_run_cfg_ext_t *ext)
{
	const vb_opt_group_t *g;
	size_t i, k;

	fprintf(f, "usage: vbench run [OPTIONS]\n\nRun workloads in environments, interleaved, "
		   "and write run.json.\n\noptions:\n");
	for (i = 0; i < VB_ARRAY_SIZE(options); i++)
		help_line(f, options[i].name, options[i].arg, options[i].help, options[i].allowed,
			  options[i].set == set_env && ext ? ext->env_default : options[i].def);
	fprintf(f, "  %-24s %s\n", "--help", "this help");
	for (i = 0; ext && i < ext->ngroups; i++) {
		g = &ext->groups[i];
		fprintf(f, "\noptions of the %s:\n", g->title);
		for (k = 0; k < g->nopts; k++)
			help_line(f, g->opts[k].name, g->opts[k].arg, g->opts[k].help,
				  g->opts[k].allowed, g->opts[k].def);
	}
}

static const vb_option_t *find_option(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(options); i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
			return &options[i];
	return NULL;
}

int vb_run_cfg_core_option(const char *name)
{
	return !strcmp(name, "--help") || find_option(name, strlen(name)) != NULL;
}

/* @ext's option @name (its first @len bytes), and its group in *@g. */
static const vb_opt_t *find_ext_option(const vb_run_cfg_ext_t *ext, const char *name, size_t len,
				       const vb_opt_group_t **g)
{
	size_t i, k;

	for (i = 0; ext && i < ext->ngroups; i++)
		for (k = 0; k < ext->groups[i].nopts; k++)
			if (strlen(ext->groups[i].opts[k].name) == len &&
			    !strncmp(ext->groups[i].opts[k].name, name, len)) {
				*g = &ext->groups[i];
				return &ext->groups[i].opts[k];
			}
	return NULL;
}

/* ---- the groups' configurations ------------------------------------------ */

/* Every group's defaults into plugin_conf, once. */
static void plugin_defaults(vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext)
{
	size_t i;

	if (cfg->plugin_conf.set)
		return;
	for (i = 0; ext && i < ext->ngroups; i++)
		if (ext->groups[i].off + ext->groups[i].size <= VB_PLUGIN_CONF_MAX)
			memcpy(cfg->plugin_conf.bytes + ext->groups[i].off, ext->groups[i].defaults,
			       ext->groups[i].size);
	cfg->plugin_conf.set = 1;
}

const void *vb_run_cfg_group_conf(const vb_run_cfg_t *cfg, const vb_opt_group_t *g)
{
	if (!cfg->plugin_conf.set || g->off + g->size > VB_PLUGIN_CONF_MAX)
		return g->defaults;
	return cfg->plugin_conf.bytes + g->off;
}

/* Check @val for option @o of group @g and store it in @cfg. */
static int apply_opt(vb_run_cfg_t *cfg, const vb_opt_group_t *g, const vb_opt_t *o,
		     const char *val, vb_error_t *err)
{
	unsigned char *field;
	double d = 0;

	if (g->off + g->size > VB_PLUGIN_CONF_MAX || o->off + o->size > g->size)
		return vb_error_set(err, VB_ESYS, 0, "%s: its configuration does not fit", o->name);
	if (o->kind == VB_OPT_PATH && vb_safefs_check_path(val, o->name, err) < 0)
		return -1;
	if (o->kind == VB_OPT_DOUBLE &&
	    vb_parse_double(val, o->min, o->max, o->name, &d, err) < 0)
		return -1;
	if (o->check && o->check(val, err) < 0)
		return -1;
	if (o->kind != VB_OPT_DOUBLE && strlen(val) >= o->size)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: '%s' is too long", o->name, val);
	field = cfg->plugin_conf.bytes + g->off + o->off;
	if (o->kind == VB_OPT_DOUBLE)
		memcpy(field, &d, sizeof(d));
	else
		snprintf((char *)field, o->size, "%s", val);
	return 0;
}

int vb_run_cfg_set_opt(vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext, const char *name,
		       const char *val, vb_error_t *err)
{
	const vb_opt_group_t *g = NULL;
	const vb_opt_t *o = find_ext_option(ext, name, strlen(name), &g);

	if (!o)
		return vb_error_set(err, VB_EUSAGE, 0, "unknown option '%s'", name);
	plugin_defaults(cfg, ext);
	return apply_opt(cfg, g, o, val, err);
}

int vb_run_cfg_opt_text(const vb_run_cfg_t *cfg, const vb_run_cfg_ext_t *ext, const char *name,
			char *buf, size_t len)
{
	const vb_opt_group_t *g = NULL;
	const vb_opt_t *o = find_ext_option(ext, name, strlen(name), &g);
	const unsigned char *field;
	char real[PATH_MAX];
	double d;

	if (!o || o->off + o->size > g->size)
		return -1;
	field = (const unsigned char *)vb_run_cfg_group_conf(cfg, g) + o->off;
	if (o->kind == VB_OPT_DOUBLE) {
		memcpy(&d, field, sizeof(d));
		snprintf(buf, len, "%.17g", d);
	} else if (o->kind == VB_OPT_PATH && field[0] && realpath((const char *)field, real)) {
		snprintf(buf, len, "%s", real);
	} else {
		snprintf(buf, len, "%.*s", (int)o->size, (const char *)field);
	}
	return 0;
}

/* ---- the parser -------------------------------------------------------------- */

/* Remember that option @name was given (once; resume.c compares them). */
static void note_given(vb_run_cfg_t *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ngiven; i++)
		if (!strcmp(cfg->given[i], name))
			return;
	if (cfg->ngiven < VB_MAX_GIVEN)
		cfg->given[cfg->ngiven++] = name;
}

/* The value of option @name (argument @arg, NULL for a flag) at argv[*i]
 * (@eq: its '=' or NULL) into *@val; 0 or -1 with @err. */
static int option_value(int argc, char **argv, int *i, const char *eq, const char *name,
			const char *arg, const char **val, vb_error_t *err)
{
	*val = NULL;
	if (arg && arg[0] == '[') {
		*val = eq ? eq + 1 : NULL; /* optional value: only as --opt=VALUE */
	} else if (arg) {
		if (eq)
			*val = eq + 1;
		else if (*i + 1 < argc)
			*val = argv[++*i];
		else
			return vb_error_set(err, VB_EUSAGE, 0, "%s needs a value (%s)", name, arg);
	} else if (eq) {
		return vb_error_set(err, VB_EUSAGE, 0, "%s takes no value", name);
	}
	return 0;
}

/* One option at argv[*i]; 0, 1 for --help, -1 with @err. */
static int parse_one(vb_run_cfg_t *cfg, int argc, char **argv, int *i,
		     const vb_run_cfg_ext_t *ext, vb_error_t *err)
{
	const char *a = argv[*i], *eq = strchr(a, '='), *val;
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	const vb_opt_group_t *g = NULL;
	const vb_option_t *o = NULL;
	const vb_opt_t *x = NULL;

	if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
		vb_run_cfg_help(stdout, ext);
		return 1;
	}
	if (!strncmp(a, "--", 2) && !(o = find_option(a, len)))
		x = find_ext_option(ext, a, len, &g);
	if (!o && !x)
		return vb_error_set(err, VB_EUSAGE, 0, "unknown option '%s' (see vbench run --help)",
				    a);
	if (option_value(argc, argv, i, eq, o ? o->name : x->name, o ? o->arg : x->arg, &val,
			 err) < 0)
		return -1;
	if (o ? o->set(cfg, val, err) < 0 : apply_opt(cfg, g, x, val, err) < 0)
		return -1;
	note_given(cfg, o ? o->name : x->name);
	return 0;
}

int vb_run_cfg_parse(vb_run_cfg_t *cfg, int argc, char **argv, const vb_run_cfg_ext_t *ext,
		     vb_error_t *err)
{
	int i, rc = 0;

	cfg->argc = argc;
	cfg->argv = argv;
	parse_ext = ext;
	plugin_defaults(cfg, ext);
	for (i = 1; i < argc && rc == 0; i++)
		rc = parse_one(cfg, argc, argv, &i, ext, err);
	if (rc == 0 && !cfg->nenvs && !cfg->all_envs && ext && ext->env_default &&
	    add_env(cfg, ext->env_default, err) < 0)
		rc = -1;
	parse_ext = NULL;
	if (rc)
		return rc;
	if (!cfg->nwl && add_workload(cfg, "*", err) < 0)
		return -1;
	if (!cfg->reps)
		cfg->reps = cfg->profile->reps;
	/* The standard and full profiles include the short forms (issue #6). */
	if (!cfg->density_set)
		cfg->density = cfg->profile->short_forms ? VB_DENSITY_PROFILE_K : 0;
	if (!cfg->noisy_set)
		cfg->noisy = cfg->profile->short_forms ? VB_NOISY_CPU : 0;
	if (!cfg->events_set)
		for (i = 0; i < (int)vb_default_nevents && i < VB_MAX_EVENTS; i++)
			cfg->events[cfg->nevents++] = vb_default_events[i];
	return 0;
}
