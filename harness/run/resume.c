/*
 * resume.c - `vbench run --resume DIR` (resume.h): what makes a resumed
 * run the same run.  The comparisons come first (version, host, allocation,
 * options: each a small table, each refusal one line naming the field and
 * both values), then opening a run directory, then the bookkeeping of
 * sessions in run.json.
 */
#include "harness/run/resume.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/runfile.h"
#include "harness/env/env.h"
#include "lib/safefs.h"
#include "lib/util.h"

/* ==== comparisons ====================================================== */

/* @v as text for a message: strings quoted by the caller, null "unknown". */
static void value_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
	else
		snprintf(buf, len, "unknown");
}

/* Refuse when @now and @rec (either may be NULL) differ: "WHAT 'NOW'
 * differs from the run's 'REC'". */
static int same_value(const char *what, const json_t *now, const json_t *rec, vb_error_t *err)
{
	char a[256], b[256];

	if ((!now && !rec) || (now && rec && json_equal((json_t *)now, (json_t *)rec)))
		return 0;
	value_text(now, a, sizeof(a));
	value_text(rec, b, sizeof(b));
	return vb_error_set(err, VB_EUSAGE, 0, "%s '%s' differs from the run's '%s'", what, a, b);
}

int vb_resume_check_version(const json_t *doc, vb_error_t *err)
{
	json_t *v = json_integer(VB_RUN_SCHEMA_VERSION), *ver = json_string(VB_VERSION),
	       *isa = json_string(VB_ISA);
	int rc = 0;

	if (same_value("run.json schema version", v, json_object_get(doc, "schema_version"), err) < 0 ||
	    same_value("vbench version", ver, json_object_get(doc, "vbench_version"), err) < 0 ||
	    same_value("vbench ISA level", isa, json_object_get(doc, "isa"), err) < 0)
		rc = -1;
	json_decref(v);
	json_decref(ver);
	json_decref(isa);
	return rc;
}

/* A fact two levels deep at most: { "cpu", "brand" } or { "ncpus" }. */
typedef struct fact {
	const char *what; /* as the message names it */
	const char *key;
	const char *sub; /* NULL: @key itself */
} fact_t;

static const json_t *fact_get(const json_t *o, const fact_t *f)
{
	const json_t *v = json_object_get(o, f->key);

	return f->sub ? json_object_get(v, f->sub) : v;
}

static int same_facts(const fact_t *f, size_t n, const json_t *rec, const json_t *now,
		      vb_error_t *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_value(f[i].what, fact_get(now, &f[i]), fact_get(rec, &f[i]), err) < 0)
			return -1;
	return 0;
}

/* What identifies the host for a measurement; memory available, mitigations
 * or THP policy may change between sessions (the run records the first). */
static const fact_t host_facts[] = {
	{ "host cpu vendor", "cpu", "vendor" },
	{ "host cpu model", "cpu", "brand" },
	{ "host cpu family", "cpu", "family" },
	{ "host cpu model number", "cpu", "model" },
	{ "host cpu stepping", "cpu", "stepping" },
	{ "host logical CPUs", "cpu", "total_logical_cpus" },
	{ "host number of CPUs", "ncpus", NULL },
	{ "host memory size", "memory", "total_bytes" },
	{ "host kernel release", "kernel", "release" },
	{ "host kernel build", "kernel", "version" },
	{ "host architecture", "kernel", "machine" },
	{ "host hypervisor", "hypervisor_vendor", NULL },
};

int vb_resume_check_host(const json_t *rec, const json_t *now, vb_error_t *err)
{
	return same_facts(host_facts, VB_ARRAY_SIZE(host_facts), rec, now, err);
}

static const fact_t alloc_facts[] = {
	{ "allocation CPUs", "cpus", NULL },
	{ "allocation CPU list", "env_cpus", NULL },
	{ "allocation memory", "memory_bytes", NULL },
	{ "harness CPU list", "harness_cpus", NULL },
	{ "cgroup mode", "cgroup", NULL },
	{ "cgroup enforcement", "cgroup_enforced", NULL },
};

int vb_resume_check_allocation(const json_t *rec, const json_t *now, vb_error_t *err)
{
	return same_facts(alloc_facts, VB_ARRAY_SIZE(alloc_facts), rec, now, err);
}

/* ---- options: each one's value as canonical text ---- */

typedef void (*opt_text_fn)(const vb_run_cfg_t *c, char *buf, size_t len);

static void join(char *buf, size_t len, const char *const *v, size_t n)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", v[i]);
}

static void t_env(const vb_run_cfg_t *c, char *b, size_t l)
{
	join(b, l, c->env_names, c->nenvs);
}

static void t_net(const vb_run_cfg_t *c, char *b, size_t l)
{
	if (c->net_all || !c->nnet)
		snprintf(b, l, "%s", c->net_all ? "all" : "default");
	else
		join(b, l, c->net_modes, c->nnet);
}

static void t_profile(const vb_run_cfg_t *c, char *b, size_t l)
{
	snprintf(b, l, "%s", c->profile->name);
}

static void t_workload(const vb_run_cfg_t *c, char *b, size_t l)
{
	const char *v[VB_MAX_SEL];
	size_t i;

	for (i = 0; i < c->nwl; i++)
		v[i] = c->wl[i]->name;
	join(b, l, v, c->nwl);
}

static void t_events(const vb_run_cfg_t *c, char *b, size_t l)
{
	join(b, l, c->events, c->nevents);
	if (!c->nevents)
		snprintf(b, l, "none");
}

static void t_param(const vb_run_cfg_t *c, char *b, size_t l)
{
	size_t i, off = 0;

	b[0] = '\0';
	for (i = 0; i < c->nparams && off < l; i++)
		off += (size_t)snprintf(b + off, l - off, "%s%s.%s=%s", i ? "," : "",
					c->params[i].w->name, c->params[i].key, c->params[i].val);
}

static void t_noisy(const vb_run_cfg_t *c, char *b, size_t l)
{
	snprintf(b, l, "%s%s%s%s", c->noisy & VB_NOISY_CPU ? "cpu," : "",
		 c->noisy & VB_NOISY_MEM ? "mem," : "", c->noisy & VB_NOISY_IO ? "io," : "",
		 c->noisy ? "" : "none");
	if (c->noisy)
		b[strlen(b) - 1] = '\0';
}

typedef enum opt_kind {
	K_FREE,   /* presentation only: any value */
	K_U64,    /* uint64_t field */
	K_DOUBLE, /* double field */
	K_FLAG,   /* int field, on/off */
	K_PATH,   /* char[PATH_MAX] field, compared resolved */
	K_STR,    /* char[] field */
	K_FN,     /* its own text function */
} opt_kind_t;

#define VB_FIELD(f) offsetof(vb_run_cfg_t, f)

/* Options that may be given with --resume and how each compares.  An
 * option missing here is refused (a new option must say how it compares),
 * except the environments' own, which compare by their kind
 * (vb_run_cfg_opt_text). */
static const struct {
	const char *name;
	opt_kind_t kind;
	size_t off;     /* of the field in vb_run_cfg_t */
	opt_text_fn fn; /* K_FN */
} resumable[] = {
	{ "--env", K_FN, 0, t_env },
	{ "--all", K_FLAG, VB_FIELD(all_envs), NULL },
	{ "--net", K_FN, 0, t_net },
	{ "--workload", K_FN, 0, t_workload },
	{ "--profile", K_FN, 0, t_profile },
	{ "--reps", K_U64, VB_FIELD(reps), NULL },
	{ "--out", K_PATH, VB_FIELD(out), NULL },
	{ "--scratch", K_PATH, VB_FIELD(scratch), NULL },
	{ "--allow-tmpfs", K_FLAG, VB_FIELD(allow_tmpfs), NULL },
	{ "--events", K_FN, 0, t_events },
	{ "--param", K_FN, 0, t_param },
	{ "--cpus", K_U64, VB_FIELD(cpus), NULL },
	{ "--memory", K_U64, VB_FIELD(memory), NULL },
	{ "--seed", K_U64, VB_FIELD(seed), NULL },
	{ "--timeout", K_DOUBLE, VB_FIELD(rep_timeout_s), NULL },
	{ "--start-timeout", K_DOUBLE, VB_FIELD(start_timeout_s), NULL },
	{ "--stop-timeout", K_DOUBLE, VB_FIELD(stop_timeout_s), NULL },
	{ "--margin", K_DOUBLE, VB_FIELD(margin), NULL },
	{ "--allow-device", K_PATH, VB_FIELD(allow_device), NULL },
	{ "--no-cgroup", K_FLAG, VB_FIELD(use_cgroup), NULL },
	{ "--agent", K_PATH, VB_FIELD(agent_path), NULL },
	{ "--fresh-instance", K_FLAG, VB_FIELD(fresh_instance), NULL },
	{ "--density", K_U64, VB_FIELD(density), NULL },
	{ "--noisy", K_FN, 0, t_noisy },
	{ "--cpus-list", K_STR, VB_FIELD(cpus_list), NULL },
	{ "--precision", K_DOUBLE, VB_FIELD(precision), NULL },
	{ "--min-reps", K_U64, VB_FIELD(min_reps), NULL },
	{ "--max-reps", K_U64, VB_FIELD(max_reps), NULL },
	{ "--max-time", K_DOUBLE, VB_FIELD(max_time_s), NULL },
	{ "--contention-threshold", K_DOUBLE, VB_FIELD(contention_threshold), NULL },
	{ "--contention-reruns", K_U64, VB_FIELD(contention_reruns), NULL },
	{ "--keep-contended", K_FLAG, VB_FIELD(keep_contended), NULL },
	{ "--quiet", K_FREE, 0, NULL },
	{ "--store", K_FREE, 0, NULL },
	{ "--wide", K_FREE, 0, NULL },
	{ "--resume", K_FREE, 0, NULL },
};

static void opt_text(size_t i, const vb_run_cfg_t *c, char *b, size_t l)
{
	const char *f = (const char *)c + resumable[i].off;
	char real[PATH_MAX];
	uint64_t u;
	double d;
	int flag;

	switch (resumable[i].kind) {
	case K_U64:
		memcpy(&u, f, sizeof(u));
		snprintf(b, l, "%" PRIu64, u);
		break;
	case K_DOUBLE:
		memcpy(&d, f, sizeof(d));
		snprintf(b, l, "%.17g", d);
		break;
	case K_FLAG:
		memcpy(&flag, f, sizeof(flag));
		snprintf(b, l, "%s", flag ? "on" : "off");
		break;
	case K_PATH:
		snprintf(b, l, "%s", f[0] && realpath(f, real) ? real : f);
		break;
	case K_STR:
		snprintf(b, l, "%s", f);
		break;
	case K_FN:
		resumable[i].fn(c, b, l);
		break;
	case K_FREE:
		b[0] = '\0';
		break;
	}
}

int vb_resume_check_options(const vb_run_cfg_t *user, const vb_run_cfg_t *rec, vb_error_t *err)
{
	const vb_run_cfg_ext_t *ext = vb_env_cfg_ext();
	char a[1024], b[1024];
	size_t i, j;

	for (i = 0; i < user->ngiven; i++) {
		for (j = 0; j < VB_ARRAY_SIZE(resumable); j++)
			if (!strcmp(resumable[j].name, user->given[i]))
				break;
		if (j < VB_ARRAY_SIZE(resumable)) {
			opt_text(j, user, a, sizeof(a));
			opt_text(j, rec, b, sizeof(b));
		} else if (vb_run_cfg_opt_text(user, ext, user->given[i], a, sizeof(a)) < 0 ||
			   vb_run_cfg_opt_text(rec, ext, user->given[i], b, sizeof(b)) < 0) {
			return vb_error_set(err, VB_EUSAGE, 0, "%s cannot be given with --resume",
					    user->given[i]);
		}
		if (strcmp(a, b))
			return vb_error_set(err, VB_EUSAGE, 0,
					    "option %s '%s' differs from the run's '%s'",
					    user->given[i], a, b);
	}
	return 0;
}

/* ==== opening a run ===================================================== */

/* Copy the recorded command line into @rs (argv for vb_run_cfg_parse). */
static int copy_command(vb_resume_t *rs, const char *path, vb_error_t *err)
{
	const json_t *cmd = json_object_get(rs->doc, "command"), *a;
	size_t i, n = json_array_size(cmd);

	if (!n || strcmp(json_string_value(json_array_get(cmd, 0)) ?: "", "run"))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: field 'command' is not a vbench run command",
				    path);
	rs->argv = calloc(n + 1, sizeof(*rs->argv));
	if (!rs->argv)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s: command", path);
	json_array_foreach(cmd, i, a) {
		if (!json_is_string(a))
			return vb_error_set(err, VB_EUSAGE, 0, "%s: field 'command[%zu]' is not a string",
					    path, i);
		rs->argv[i] = strdup(json_string_value(a));
		if (!rs->argv[i])
			return vb_error_set(err, VB_ESYS, ENOMEM, "%s: command", path);
		rs->argc = (int)i + 1;
	}
	return 0;
}

/* The first field of the recorded "options" that @rec does not reproduce. */
static int same_options(const json_t *recorded, const vb_run_cfg_t *rec, const char *path,
			vb_error_t *err)
{
	json_t *now = vb_runfile_options(rec), *v;
	const char *key;
	int rc = 0;

	if (!json_is_object(recorded))
		rc = vb_error_set(err, VB_EUSAGE, 0, "%s: field 'options' is missing", path);
	json_object_foreach((json_t *)recorded, key, v) {
		if (rc == 0 && !json_equal(v, json_object_get(now, key)))
			rc = vb_error_set(err, VB_EUSAGE, 0,
					  "%s: options.%s does not follow from the recorded command "
					  "line (run.json edited?)",
					  path, key);
	}
	json_decref(now);
	return rc;
}

/* Parse the run's command line into @rec with its seed and directory. */
static int recorded_cfg(vb_resume_t *rs, vb_run_cfg_t *rec, const char *dir, const char *path,
			vb_error_t *err)
{
	const json_t *opts = json_object_get(rs->doc, "options"), *sv = json_object_get(opts, "seed");
	json_int_t seed = json_integer_value(sv);
	char why[160];

	if (copy_command(rs, path, err) < 0)
		return -1;
	vb_run_cfg_init(rec);
	if (vb_run_cfg_parse(rec, rs->argc, rs->argv, vb_env_cfg_ext(), err) != 0) {
		vb_run_cfg_free(rec);
		if (err->code == VB_OK) /* --help recorded */
			vb_error_set(err, VB_EUSAGE, 0, "recorded --help");
		return vb_error_prefix(err, "%s: the recorded command line", path);
	}
	if (!sv)
		snprintf(why, sizeof(why), "field 'options.seed' is missing");
	else if (!json_is_integer(sv))
		snprintf(why, sizeof(why), "field 'options.seed' is not an integer: expected the "
					   "positive seed the run was shuffled with");
	else
		snprintf(why, sizeof(why),
			 "field 'options.seed' is %" JSON_INTEGER_FORMAT ": expected the positive "
			 "seed the run was shuffled with",
			 seed);
	if (rec->resume[0] || seed <= 0) {
		vb_run_cfg_free(rec);
		return vb_error_set(err, VB_EUSAGE, 0, "%s: %s", path,
				    rec->resume[0] ? "the recorded command line has --resume" : why);
	}
	rec->seed = (uint64_t)seed;
	rec->seed_set = 1;
	snprintf(rec->out, sizeof(rec->out), "%s", dir);
	if (same_options(opts, rec, path, err) < 0) {
		vb_run_cfg_free(rec);
		return -1;
	}
	return 0;
}

int vb_resume_open(vb_resume_t *rs, vb_run_cfg_t *cfg, vb_error_t *err)
{
	char path[PATH_MAX], dir[PATH_MAX];
	vb_run_cfg_t *rec;
	const char *status;
	struct stat sb;

	memset(rs, 0, sizeof(*rs));
	snprintf(dir, sizeof(dir), "%s", cfg->resume);
	if (vb_path_join(path, sizeof(path), dir, VB_RUNFILE_NAME, err) < 0)
		return vb_error_prefix(err, "--resume");
	/* The directory is open and locked (vb_prepare_out_open) when
	 * cfg->out_fd is set: run.json is read beneath it, never through a link. */
	if ((cfg->out_fd >= 0 ? fstatat(cfg->out_fd, VB_RUNFILE_NAME, &sb, AT_SYMLINK_NOFOLLOW)
			      : lstat(path, &sb)) < 0)
		return vb_error_set(err, VB_EUSAGE, errno, "--resume %s: no run.json", dir);
	rs->doc = cfg->out_fd >= 0 ? vb_runfile_load_at(cfg->out_fd, VB_RUNFILE_NAME,
							VB_SAFEFS_BENEATH, path, err)
				   : vb_runfile_load(path, err);
	if (!rs->doc)
		return vb_error_prefix(err, "--resume");
	if (vb_resume_check_version(rs->doc, err) < 0)
		return vb_error_prefix(err, "--resume %s", dir);
	status = json_string_value(json_object_get(rs->doc, "status"));
	if (!status)
		return vb_error_set(err, VB_EUSAGE, 0, "--resume %s: field 'status' is missing", path);
	if (!strcmp(status, "complete")) {
		rs->complete = 1;
		return 0;
	}
	/* A session still running holds the run directory's lock, which the
	 * caller took before this (runlock.h): no PID guess here. */
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return vb_error_set(err, VB_ESYS, ENOMEM, "run configuration");
	if (recorded_cfg(rs, rec, dir, path, err) < 0) { /* @rec freed; @err names run.json */
		free(rec);
		return -1;
	}
	if (vb_resume_check_options(cfg, rec, err) < 0) {
		vb_run_cfg_free(rec);
		free(rec);
		return vb_error_prefix(err, "--resume %s", dir);
	}
	rs->session_argc = cfg->argc;
	rs->session_argv = cfg->argv;
	rec->quiet |= cfg->quiet; /* presentation only */
	rec->wide |= cfg->wide;
	snprintf(rec->resume, sizeof(rec->resume), "%s", dir);
	rec->out_fd = cfg->out_fd; /* the open, locked run directory stays */
	rec->lock_fd = cfg->lock_fd;
	vb_run_cfg_free(cfg);
	*cfg = *rec;
	free(rec);
	return 0;
}

void vb_resume_close(vb_resume_t *rs)
{
	int i;

	for (i = 0; rs->argv && rs->argv[i]; i++)
		free(rs->argv[i]);
	free(rs->argv);
	json_decref(rs->doc);
	memset(rs, 0, sizeof(*rs));
}

/* ==== the run's record ================================================= */

long vb_resume_mark_done(const json_t *doc, const vb_slot_t *order, size_t n,
			 const char *const *envs, const char *const *wls, uint8_t *done,
			 uint8_t *tries, unsigned max_tries, vb_error_t *err)
{
	const json_t *sched = json_object_get(json_object_get(doc, "schedule"), "order"), *r;
	json_t *mine = vb_schedule_to_json(order, n);
	json_int_t seq;
	size_t i;
	long count = 0;
	int same = !sched || json_equal((json_t *)sched, mine);

	json_decref(mine);
	if (!same)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "the recorded schedule is not the one its seed gives here");
	memset(done, 0, n);
	memset(tries, 0, n);
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		const vb_slot_t *sl;

		seq = json_integer_value(json_object_get(r, "seq"));
		/* a slot's records: contended ones, then at most one that is not */
		if (seq < 1 || (size_t)seq > n || done[seq - 1] || tries[seq - 1] == UINT8_MAX)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "repetitions[%zu]: seq %" JSON_INTEGER_FORMAT
					    " is not a slot of the schedule or is recorded twice",
					    i, seq);
		sl = &order[seq - 1];
		if (strcmp(json_string_value(json_object_get(r, "env")) ?: "", envs[sl->env]) ||
		    strcmp(json_string_value(json_object_get(r, "workload")) ?: "", wls[sl->wl]) ||
		    json_integer_value(json_object_get(r, "rep")) != (json_int_t)sl->rep)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "repetitions[%zu] (seq %" JSON_INTEGER_FORMAT
					    ") is not the schedule's slot (%s, %s, rep %u)",
					    i, seq, envs[sl->env], wls[sl->wl], sl->rep);
		if (++tries[seq - 1] >= max_tries || !json_is_true(json_object_get(r, "contended")))
			done[seq - 1] = 1;
		count++;
	}
	return count;
}

int vb_resume_session_begin(json_t *doc, int resumed, int argc, char **argv)
{
	json_t *all = json_object_get(doc, "sessions"), *s, *cmd;
	char stamp[64];
	int i;

	if (!json_is_array(all)) {
		all = json_array();
		json_object_set_new(doc, "sessions", all);
	}
	s = json_pack("{s:i,s:s,s:I,s:b}", "session", (int)json_array_size(all) + 1, "started",
		      vb_format_time(vb_wall_ns(), stamp, sizeof(stamp)), "pid", (json_int_t)getpid(),
		      "resumed", resumed);
	if (resumed) {
		cmd = json_array();
		for (i = 0; i < argc; i++)
			json_array_append_new(cmd, json_string(argv[i]));
		json_object_set_new(s, "command", cmd);
	}
	json_array_append_new(all, s);
	return (int)json_array_size(all);
}

void vb_resume_session_end(json_t *doc, int session, size_t added, const char *status)
{
	json_t *s = json_array_get(json_object_get(doc, "sessions"), (size_t)session - 1);
	char stamp[64];

	if (!s)
		return;
	json_object_set_new(s, "ended", json_string(vb_format_time(vb_wall_ns(), stamp, sizeof(stamp))));
	json_object_set_new(s, "repetitions_added", json_integer((json_int_t)added));
	json_object_set_new(s, "status", json_string(status));
}

void vb_resume_archive_env(json_t *doc, json_t *rec)
{
	json_int_t k = json_integer_value(json_object_get(rec, "session"));
	json_t *s = json_array_get(json_object_get(doc, "sessions"), k > 0 ? (size_t)k - 1 : 0), *a;

	if (!s)
		return;
	a = json_object_get(s, "environments");
	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(s, "environments", a);
	}
	json_array_append(a, rec);
}

void vb_resume_keep_logs(int dirfd, const char *dir, const char *env, json_t *old)
{
	static const char *const kinds[][2] = { { "console", "console_log" }, { "qemu", "qemu_log" } };
	json_int_t k = json_integer_value(json_object_get(old, "session"));
	json_t *config = json_object_get(old, "config");
	char from[NAME_MAX + 1], to[NAME_MAX + 1], path[PATH_MAX];
	const char *rec;
	struct stat st;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(kinds); i++) {
		snprintf(from, sizeof(from), "%s-%s.log", kinds[i][0], env);
		snprintf(to, sizeof(to), "%s-%s.session%d.log", kinds[i][0], env, k > 0 ? (int)k : 1);
		/* renameat moves a link itself, never what it points to */
		if (fstatat(dirfd, from, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fstatat(dirfd, to, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
		    renameat(dirfd, from, dirfd, to) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, from);
		rec = json_string_value(json_object_get(config, kinds[i][1]));
		if (rec && !strcmp(rec, path)) {
			snprintf(path, sizeof(path), "%s/%s", dir, to);
			json_object_set_new(config, kinds[i][1], json_string(path));
		}
	}
}
