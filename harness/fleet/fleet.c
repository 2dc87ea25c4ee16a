/*
 * fleet.c - the fleet directory and its fleet.json (fleet.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/core/runfile.h"
#include "harness/core/runlock.h"
#include "lib/json.h"
#include "harness/env/env.h"
#include "harness/fleet/fleet.h"
#include "lib/safefs.h"
#include "lib/util.h"

#define FLEET_FILE_MAX (4u << 20)

/* The sbatch options a fleet passes on, each only as --NAME=VALUE (or the
 * flag alone where it takes no value): an allow-list, so that no option the
 * fleet sets itself (--array, --chdir, --output, --nodelist, --job-name,
 * --exclusive ...) can be given again, abbreviated or bundled in a short
 * option.  Value: 1 takes a value, 0 is a flag. */
static const struct {
	const char *name;
	int value;
} sbatch_allowed[] = {
	{ "account", 1 },   { "begin", 1 },	  { "constraint", 1 },  { "cluster-constraint", 1 },
	{ "clusters", 1 },  { "cores-per-socket", 1 }, { "deadline", 1 }, { "exclude", 1 },
	{ "gres", 1 },	    { "hint", 1 },	  { "licenses", 1 },	{ "mail-type", 1 },
	{ "mail-user", 1 }, { "mem", 1 },	  { "mincpus", 1 },	{ "nice", 1 },
	{ "partition", 1 }, { "prefer", 1 },	  { "priority", 1 },	{ "qos", 1 },
	{ "reservation", 1 }, { "signal", 1 },	  { "sockets-per-node", 1 },
	{ "switches", 1 },  { "threads-per-core", 1 }, { "time", 1 }, { "time-min", 1 },
	{ "tmp", 1 },	    { "wckey", 1 },	  { "hold", 0 },	{ "requeue", 0 },
	{ "no-requeue", 0 },
};

int vb_fleet_check_sbatch(const char *opt, vb_error_t *err)
{
	size_t i, l;
	const char *eq;

	for (i = 0; opt[i]; i++)
		if ((unsigned char)opt[i] < 0x20 || opt[i] == 0x7f)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "--sbatch: expected printable text, not a control "
					    "character");
	if (strncmp(opt, "--", 2) || !opt[2])
		return vb_error_set(err, VB_EUSAGE, 0,
				    "--sbatch '%s': expected a long sbatch option as one argument "
				    "(\"--qos=long\")",
				    opt);
	eq = strchr(opt, '=');
	l = eq ? (size_t)(eq - opt - 2) : strlen(opt + 2);
	for (i = 0; i < VB_ARRAY_SIZE(sbatch_allowed); i++)
		if (strlen(sbatch_allowed[i].name) == l &&
		    !strncmp(opt + 2, sbatch_allowed[i].name, l)) {
			if (sbatch_allowed[i].value && (!eq || !eq[1]))
				return vb_error_set(err, VB_EUSAGE, 0,
						    "--sbatch '%s': expected --%s=VALUE", opt,
						    sbatch_allowed[i].name);
			if (!sbatch_allowed[i].value && eq)
				return vb_error_set(err, VB_EUSAGE, 0,
						    "--sbatch '%s': --%s takes no value", opt,
						    sbatch_allowed[i].name);
			return 0;
		}
	return vb_error_set(err, VB_EUSAGE, 0,
			    "--sbatch '%.*s': not one the fleet passes on (its own are set by it; "
			    "see docs/fleet.md for the list)",
			    (int)(l + 2), opt);
}

/* A path vbench may write into a one-line shell script: plain characters. */
static int plain_path(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("._/+-", *p))
			return 0;
	return 1;
}

/* The run options @v (@n of them), checked as `vbench run` checks them and
 * without --out and --resume, which the fleet sets; the seed they give, or 0. */
static int check_run_opts(char *const *v, int n, uint64_t *seed, vb_error_t *err)
{
	static vb_run_cfg_t cfg;
	char **argv = calloc((size_t)n + 2, sizeof(*argv));
	int rc;

	if (!argv)
		return vb_error_set(err, VB_ESYS, ENOMEM, "run options");
	argv[0] = "run";
	for (int i = 0; i < n; i++) {
		const char *a = v[i];

		argv[i + 1] = v[i];
		if (!strcmp(a, "--out") || !strncmp(a, "--out=", 6) || !strcmp(a, "--resume") ||
		    !strncmp(a, "--resume=", 9) || !strcmp(a, "--store") ||
		    !strncmp(a, "--store=", 8)) {
			free(argv);
			return vb_error_set(err, VB_EUSAGE, 0,
					    "run option %.*s: %s", (int)strcspn(a, "="), a,
					    !strncmp(a, "--store", 7)
						? "not in a fleet (tasks would write one database at "
						  "once: `vbench store add FLEETDIR` stores the runs "
						  "from one host)"
						: "the fleet sets it (each task's run directory is "
						  "FLEETDIR/NODE-TASK)");
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			free(argv);
			return vb_error_set(err, VB_EUSAGE, 0,
					    "run option %s: see vbench run --help for the options", a);
		}
	}
	vb_run_cfg_init(&cfg);
	rc = vb_run_cfg_parse(&cfg, n + 1, argv, vb_env_cfg_ext(), err);
	free(argv);
	*seed = cfg.seed_set ? cfg.seed : 0;
	vb_run_cfg_free(&cfg);
	if (rc != 0)
		return rc > 0 ? vb_error_set(err, VB_EUSAGE, 0, "run options: --help") :
				vb_error_prefix(err, "run options");
	return 0;
}

static int write_script(vb_fleet_t *f, const char *vbench, vb_error_t *err)
{
	char text[PATH_MAX + 512], what[PATH_MAX + 16];

	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "# Written by vbench fleet submit: one task of the fleet in this directory\n"
		 "# (sbatch's --chdir); its options are in fleet.json, never in this script.\n"
		 "exec %s fleet task%s\n",
		 vbench, f->collect ? " --from-env" : "");
	snprintf(what, sizeof(what), "%s/%s", f->dir, VB_FLEET_SCRIPT);
	return vb_safefs_replace_at(f->dirfd, VB_FLEET_SCRIPT, text, strlen(text), 0755, what, err);
}

static void fleet_init(vb_fleet_t *f)
{
	memset(f, 0, sizeof(*f));
	f->dirfd = f->lockfd = -1;
}

/* The absolute, normalised form of @path into @out. */
static int absolute(const char *path, char *out, size_t len, vb_error_t *err)
{
	char cwd[PATH_MAX], joined[PATH_MAX * 2];

	if (path[0] == '/')
		snprintf(joined, sizeof(joined), "%s", path);
	else if (!getcwd(cwd, sizeof(cwd)))
		return vb_error_set(err, VB_ESYS, errno, "the current directory");
	else
		snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
	if (strlen(joined) >= PATH_MAX || vb_safefs_normalize(joined, out, len) < 0)
		return vb_error_set(err, VB_EUSAGE, ENAMETOOLONG, "fleet directory %s: too long",
				    path);
	return 0;
}

static json_t *string_array(char **v, int n)
{
	json_t *a = json_array();

	for (int i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* Whether the directory @dirfd holds nothing (its lock file aside): 1, 0,
 * -1 with @err.  A descriptor of its own, so no offset is shared. */
static int empty_dir(int dirfd, const char *dir, vb_error_t *err)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), e;
	struct dirent *de;
	int empty = 1;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return vb_error_set(err, VB_ESYS, e, "%s", dir);
	}
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
			!strcmp(de->d_name, VB_RUNLOCK_NAME);
	closedir(d);
	return empty;
}

int vb_fleet_create(const vb_fleet_new_t *n, vb_fleet_t *f, vb_error_t *err)
{
	vb_safefs_made_t made;
	json_t *opts, *sbatch;
	char stamp[64], seedbuf[32];
	uint64_t seed = 0;
	int made_logs = 0, made_script = 0, rc;

	fleet_init(f);
	if (!plain_path(n->vbench))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "vbench is at '%s': expected an absolute path of letters, digits "
				    "and '._/+-' (it is written into the job script)",
				    n->vbench);
	if (n->tasks < 1 || n->tasks > VB_FLEET_MAX_TASKS)
		return vb_error_set(err, VB_EUSAGE, 0, "--tasks %u: expected 1 to %u", n->tasks,
				    VB_FLEET_MAX_TASKS);
	if ((unsigned)n->nsbatch > VB_FLEET_MAX_SBATCH)
		return vb_error_set(err, VB_EUSAGE, 0, "--sbatch: at most %u options",
				    VB_FLEET_MAX_SBATCH);
	for (int i = 0; i < n->nsbatch; i++)
		if (vb_fleet_check_sbatch(n->sbatch[i], err) < 0)
			return -1;
	if (check_run_opts(n->run_argv, n->run_argc, &seed, err) < 0)
		return -1;
	if (vb_safefs_check_path(n->dir, "fleet directory", err) < 0 ||
	    absolute(n->dir, f->dir, sizeof(f->dir), err) < 0)
		return -1;
	if ((f->dirfd = vb_safefs_mkdir_p(f->dir, 0755, &made, err)) < 0)
		return vb_error_prefix(err, "fleet directory");
	/* new or empty: checked before the lock, whose taking tidies the directory */
	if ((rc = empty_dir(f->dirfd, f->dir, err)) <= 0) {
		if (rc == 0)
			vb_error_set(err, VB_EUSAGE, 0,
				     "fleet directory %s: not empty (a new fleet needs a new or empty "
				     "directory; `vbench fleet submit --resume %s` goes on with a "
				     "fleet)",
				     f->dir, f->dir);
		goto fail;
	}
	if ((f->lockfd = vb_runlock_take(f->dirfd, f->dir, err)) < 0)
		goto fail;
	if (!empty_dir(f->dirfd, f->dir, err)) { /* another made it meanwhile */
		vb_error_set(err, VB_EUSAGE, 0, "fleet directory %s: not empty", f->dir);
		goto fail;
	}
	if (!seed)
		seed = ((vb_wall_ns() ^ ((uint64_t)getpid() << 32)) | 1) & INT64_MAX;
	f->seed = seed;
	f->tasks = n->tasks;
	opts = string_array(n->run_argv, n->run_argc);
	sbatch = string_array(n->sbatch, n->nsbatch);
	snprintf(seedbuf, sizeof(seedbuf), "%llu", (unsigned long long)seed);
	if (opts) {
		int has = 0;

		for (int i = 0; i < n->run_argc; i++)
			has |= !strcmp(n->run_argv[i], "--seed") ||
			       !strncmp(n->run_argv[i], "--seed=", 7);
		if (!has) {
			json_array_append_new(opts, json_string("--seed"));
			json_array_append_new(opts, json_string(seedbuf));
		}
	}
	vb_format_time(vb_wall_ns(), stamp, sizeof(stamp));
	if (n->collect) { /* the node-local directory: its name random, so no guess finds it */
		unsigned char r[8];
		int rfd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		if (rfd < 0 || read(rfd, r, sizeof(r)) != (ssize_t)sizeof(r)) {
			if (rfd >= 0)
				close(rfd);
			json_decref(opts);
			json_decref(sbatch);
			vb_error_set(err, VB_ESYS, errno, "/dev/urandom");
			goto fail;
		}
		close(rfd);
		snprintf(f->local_dir, sizeof(f->local_dir),
			 VB_FLEET_LOCAL_PREFIX "%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
			 r[3], r[4], r[5], r[6], r[7]);
		f->collect = 1;
	}
	f->doc = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:i,s:I,s:o,s:o,s:[],s:b,s:s}", "schema",
			   VB_FLEET_SCHEMA, "schema_version", VB_FLEET_SCHEMA_VERSION,
			   "vbench_version", VB_VERSION, "created", stamp, "directory", f->dir,
			   "vbench", n->vbench, "tasks", (int)n->tasks, "seed", (json_int_t)seed,
			   "run_options", opts, "sbatch", sbatch, "submissions", "collect", n->collect,
			   "local_dir", f->local_dir);
	if (!f->doc) {
		vb_error_set(err, VB_ESYS, ENOMEM, "fleet.json");
		goto fail;
	}
	if (mkdirat(f->dirfd, VB_FLEET_LOGS, 0755) < 0) {
		vb_error_set(err, VB_ESYS, errno, "%s/%s", f->dir, VB_FLEET_LOGS);
		goto fail;
	}
	made_logs = 1;
	made_script = 1;
	if (write_script(f, n->vbench, err) < 0 || vb_fleet_save(f, err) < 0)
		goto fail;
	return 0;
fail:
	/* only what this call made: the directory was new or empty */
	if (made_script) {
		unlinkat(f->dirfd, VB_FLEET_SCRIPT, 0);
		unlinkat(f->dirfd, VB_FLEET_FILE, 0);
	}
	if (made_logs)
		unlinkat(f->dirfd, VB_FLEET_LOGS, AT_REMOVEDIR);
	if (f->lockfd >= 0)
		vb_runlock_release(f->dirfd, &f->lockfd);
	close(f->dirfd);
	f->dirfd = -1;
	vb_safefs_unmake(&made);
	json_decref(f->doc);
	f->doc = NULL;
	return -1;
}

/* fleet.json's array of sbatch options @a (@field names it): strings the
 * fleet passes on (vb_fleet_check_sbatch). */
static int check_sbatch_json(const json_t *a, const char *field, const char *what, vb_error_t *err)
{
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > VB_FLEET_MAX_SBATCH)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: %s: expected an array of at most %u "
				    "strings", what, field, VB_FLEET_MAX_SBATCH);
	for (i = 0; i < json_array_size(a); i++) {
		const char *o = json_string_value(json_array_get(a, i));

		if (!o)
			return vb_error_set(err, VB_EUSAGE, 0, "%s: %s[%zu]: expected a string", what,
					    field, i);
		if (vb_fleet_check_sbatch(o, err) < 0)
			return vb_error_prefix(err, "%s: %s[%zu]", what, field, i);
	}
	return 0;
}

/* fleet.json's fields, checked; fills @f. */
static int check_doc(vb_fleet_t *f, const char *what, vb_error_t *err)
{
	json_t *d = f->doc, *v, *subs;
	const char *schema = vb_json_str(d, "schema");
	json_int_t tasks, seed;
	size_t i, j;

	if (!schema || strcmp(schema, VB_FLEET_SCHEMA))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: not a fleet file (schema '%s')", what,
				    VB_FLEET_SCHEMA);
	v = json_object_get(d, "schema_version");
	if (!json_is_integer(v) || json_integer_value(v) != VB_FLEET_SCHEMA_VERSION)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: schema_version: expected %d", what,
				    VB_FLEET_SCHEMA_VERSION);
	v = json_object_get(d, "tasks");
	tasks = json_is_integer(v) ? json_integer_value(v) : 0;
	if (tasks < 1 || tasks > VB_FLEET_MAX_TASKS)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: tasks: expected 1 to %u", what,
				    VB_FLEET_MAX_TASKS);
	v = json_object_get(d, "seed");
	seed = json_is_integer(v) ? json_integer_value(v) : 0;
	if (seed < 1)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: seed: expected a positive integer",
				    what);
	v = json_object_get(d, "run_options");
	if (!json_is_array(v) || json_array_size(v) > 4096)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: run_options: expected an array of "
				    "strings", what);
	for (i = 0; i < json_array_size(v); i++)
		if (!json_is_string(json_array_get(v, i)))
			return vb_error_set(err, VB_EUSAGE, 0, "%s: run_options[%zu]: expected a "
					    "string", what, i);
	{ /* parsed as `vbench run` parses them: no --out, no --resume */
		size_t n = json_array_size(v);
		char **argv = calloc(n + 1, sizeof(*argv));
		uint64_t s = 0;
		int rc;

		if (!argv)
			return vb_error_set(err, VB_ESYS, ENOMEM, "run options");
		for (i = 0; i < n; i++)
			argv[i] = (char *)json_string_value(json_array_get(v, i));
		rc = check_run_opts(argv, (int)n, &s, err);
		free(argv);
		if (rc < 0)
			return vb_error_prefix(err, "%s: run_options", what);
		if (s != (uint64_t)seed)
			return vb_error_set(err, VB_EUSAGE, 0, "%s: run_options: expected --seed %lld, "
					    "the fleet's seed", what, (long long)seed);
	}
	if (check_sbatch_json(json_object_get(d, "sbatch"), "sbatch", what, err) < 0)
		return -1;
	if (!vb_json_str(d, "vbench") || !plain_path(vb_json_str(d, "vbench")))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: vbench: expected a plain absolute "
				    "path", what);
	subs = json_object_get(d, "submissions");
	if (!json_is_array(subs) || json_array_size(subs) > VB_FLEET_MAX_SUBMISSIONS)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: submissions: expected an array of at "
				    "most %u", what, VB_FLEET_MAX_SUBMISSIONS);
	for (i = 0; i < json_array_size(subs); i++) {
		json_t *s = json_array_get(subs, i), *ids = json_object_get(s, "tasks");
		const char *job = vb_json_str(s, "job"), *node = vb_json_str(s, "node");
		uint64_t n;

		if (!job || !job[0] || strlen(job) >= VB_FLEET_JOB_MAX ||
		    vb_parse_u64(job, 1, UINT32_MAX, "job", &n, NULL) < 0)
			return vb_error_set(err, VB_EUSAGE, 0, "submissions[%zu].job: expected a "
					    "Slurm job id", i);
		if (!node || (node[0] && !vb_fleet_node_ok(node)))
			return vb_error_set(err, VB_EUSAGE, 0, "submissions[%zu].node: expected a "
					    "node name or \"\"", i);
		{
			char where[64];

			snprintf(where, sizeof(where), "submissions[%zu].sbatch", i);
			if (check_sbatch_json(json_object_get(s, "sbatch"), where, what, err) < 0)
				return -1;
		}
		if (!json_is_array(ids) || json_array_size(ids) > (size_t)tasks)
			return vb_error_set(err, VB_EUSAGE, 0, "submissions[%zu].tasks: expected "
					    "an array of task numbers", i);
		for (j = 0; j < json_array_size(ids); j++) {
			json_t *t = json_array_get(ids, j);

			if (!json_is_integer(t) || json_integer_value(t) < 0 ||
			    json_integer_value(t) >= tasks)
				return vb_error_set(err, VB_EUSAGE, 0, "submissions[%zu].tasks[%zu]: "
						    "expected 0 to %lld", i, j, (long long)tasks - 1);
		}
	}
	v = json_object_get(d, "collect");
	if (v && !json_is_boolean(v))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: collect: expected true or false", what);
	f->collect = json_is_true(v);
	if (f->collect) {
		const char *l = vb_json_str(d, "local_dir");
		size_t pl = strlen(VB_FLEET_LOCAL_PREFIX);

		if (!l || strncmp(l, VB_FLEET_LOCAL_PREFIX, pl) || strlen(l) != pl + 16 ||
		    strspn(l + pl, "0123456789abcdef") != 16)
			return vb_error_set(err, VB_EUSAGE, 0, "%s: local_dir: expected "
					    VB_FLEET_LOCAL_PREFIX "HEX16", what);
		snprintf(f->local_dir, sizeof(f->local_dir), "%s", l);
	}
	f->tasks = (unsigned)tasks;
	f->seed = (uint64_t)seed;
	return 0;
}

int vb_fleet_open(const char *dir, int lock, vb_fleet_t *f, vb_error_t *err)
{
	char what[PATH_MAX + 16];
	json_error_t je;
	char *text;

	fleet_init(f);
	if (vb_safefs_check_path(dir, "fleet directory", err) < 0 ||
	    absolute(dir, f->dir, sizeof(f->dir), err) < 0)
		return -1;
	snprintf(what, sizeof(what), "%s/%s", f->dir, VB_FLEET_FILE);
	if ((f->dirfd = vb_safefs_open_dir_msg(f->dir, "fleet directory", err)) < 0)
		return -1;
	if (lock && (f->lockfd = vb_runlock_take(f->dirfd, f->dir, err)) < 0)
		goto fail;
	if (faccessat(f->dirfd, VB_FLEET_FILE, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
		vb_error_set(err, VB_EUSAGE, 0,
			     "%s: not a fleet directory (no fleet.json; `vbench fleet submit` makes "
			     "one)",
			     f->dir);
		goto fail;
	}
	if (!(text = vb_safefs_read_regular(f->dirfd, VB_FLEET_FILE, VB_SAFEFS_BENEATH,
					    FLEET_FILE_MAX, NULL, what, err)))
		goto fail;
	f->doc = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!f->doc) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: line %d: %s", what, je.line, je.text);
		goto fail;
	}
	if (check_doc(f, what, err) < 0)
		goto fail;
	return 0;
fail:
	vb_fleet_close(f);
	return -1;
}

char *vb_fleet_env_value(const vb_fleet_t *f)
{
	json_t *copy = json_copy(f->doc); /* shallow: the submissions only dropped */
	char *text, *out;
	size_t n, i, pre = strlen(VB_FLEET_ENV) + 1;

	if (!copy)
		return NULL;
	json_object_set_new(copy, "submissions", json_array());
	text = json_dumps(copy, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(copy);
	if (!text)
		return NULL;
	n = strlen(text);
	if (2 * n + pre > VB_FLEET_ENV_MAX) {
		free(text);
		return NULL;
	}
	if ((out = malloc(pre + 2 * n + 1))) {
		memcpy(out, VB_FLEET_ENV "=", pre);
		for (i = 0; i < n; i++)
			snprintf(out + pre + 2 * i, 3, "%02x", (unsigned char)text[i]);
		out[pre + 2 * n] = '\0';
	}
	free(text);
	return out;
}

int vb_fleet_open_env(vb_fleet_t *f, int create, vb_error_t *err)
{
	const char *hex = getenv(VB_FLEET_ENV);
	vb_safefs_made_t made;
	json_error_t je;
	char *text;
	size_t n, i;

	fleet_init(f);
	if (!hex)
		return vb_error_set(err, VB_EUSAGE, 0, "%s is not set", VB_FLEET_ENV);
	n = strlen(hex);
	if (n % 2 || n / 2 > FLEET_FILE_MAX || !(text = malloc(n / 2 + 1)))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: expected fleet.json in hex", VB_FLEET_ENV);
	for (i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1])) {
			free(text);
			return vb_error_set(err, VB_EUSAGE, 0, "%s: expected fleet.json in hex",
					    VB_FLEET_ENV);
		}
		text[i] = (char)v;
	}
	text[n / 2] = '\0';
	f->doc = json_loadb(text, n / 2, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!f->doc)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: line %d: %s", VB_FLEET_ENV, je.line, je.text);
	if (check_doc(f, VB_FLEET_ENV, err) < 0)
		goto fail;
	if (!f->collect) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: not a collected fleet (its tasks read FLEETDIR)",
			     VB_FLEET_ENV);
		goto fail;
	}
	snprintf(f->dir, sizeof(f->dir), "%s", f->local_dir);
	f->dirfd = create ? vb_safefs_mkdir_p(f->dir, 0700, &made, err)
			  : vb_safefs_open_dir_msg(f->dir, "the fleet's local directory", err);
	if (f->dirfd < 0)
		goto fail;
	return 0;
fail:
	vb_fleet_close(f);
	return -1;
}

int vb_fleet_save(vb_fleet_t *f, vb_error_t *err)
{
	char what[PATH_MAX + 16], *text = json_dumps(f->doc, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	int rc;

	if (!text)
		return vb_error_set(err, VB_ESYS, ENOMEM, "fleet.json");
	snprintf(what, sizeof(what), "%s/%s", f->dir, VB_FLEET_FILE);
	rc = vb_safefs_replace_at(f->dirfd, VB_FLEET_FILE, text, strlen(text), 0644, what, err);
	free(text);
	return rc;
}

void vb_fleet_close(vb_fleet_t *f)
{
	if (f->lockfd >= 0)
		vb_runlock_release(f->dirfd, &f->lockfd);
	if (f->dirfd >= 0)
		close(f->dirfd);
	f->dirfd = -1;
	json_decref(f->doc);
	f->doc = NULL;
}

int vb_fleet_add_submission(vb_fleet_t *f, const char *job, const char *node,
			    const unsigned *ids, size_t ntasks, json_t *sbatch, vb_error_t *err)
{
	json_t *subs = json_object_get(f->doc, "submissions"), *t, *s;
	char stamp[64];

	if (json_array_size(subs) >= VB_FLEET_MAX_SUBMISSIONS)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: already %u submissions, the most a "
				    "fleet keeps", f->dir, VB_FLEET_MAX_SUBMISSIONS);
	t = json_array();
	for (size_t i = 0; t && i < ntasks; i++)
		json_array_append_new(t, json_integer(ids[i]));
	vb_format_time(vb_wall_ns(), stamp, sizeof(stamp));
	s = json_pack("{s:s,s:s,s:o,s:O,s:s}", "job", job, "node", node, "tasks", t, "sbatch",
		      sbatch ? sbatch : vb_fleet_sbatch_opts(f), "submitted", stamp);
	if (!s || json_array_append_new(subs, s) < 0)
		return vb_error_set(err, VB_ESYS, ENOMEM, "fleet.json");
	return vb_fleet_save(f, err);
}

size_t vb_fleet_submissions_left(const vb_fleet_t *f)
{
	return VB_FLEET_MAX_SUBMISSIONS - json_array_size(json_object_get(f->doc, "submissions"));
}

json_t *vb_fleet_sbatch_opts(const vb_fleet_t *f)
{
	return json_object_get(f->doc, "sbatch");
}

json_t *vb_fleet_run_opts(const vb_fleet_t *f)
{
	return json_object_get(f->doc, "run_options");
}

size_t vb_fleet_jobs(const vb_fleet_t *f, char (*jobs)[VB_FLEET_JOB_MAX], size_t max)
{
	json_t *subs = json_object_get(f->doc, "submissions");
	size_t n = 0;

	for (size_t i = 0; i < json_array_size(subs) && n < max; i++) {
		const char *job = vb_json_str(json_array_get(subs, i), "job");
		size_t k;

		for (k = 0; k < n && strcmp(jobs[k], job); k++)
			;
		if (k == n)
			snprintf(jobs[n++], VB_FLEET_JOB_MAX, "%s", job);
	}
	return n;
}
