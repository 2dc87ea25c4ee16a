/*
 * runfile.c - building, saving and loading run.json (runfile.h).
 */
#include "harness/core/runfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/safefs.h"
#include "lib/util.h"

/* How run.json is encoded: one member per line, indented, ASCII only. */
#define VB_RUNFILE_FLAGS (JSON_INDENT(1) | JSON_ENSURE_ASCII)

json_t *vb_runfile_options(const vb_run_cfg_t *cfg)
{
	json_t *envs = json_array(), *wls = json_array(), *evs = json_array(), *params = json_array();
	json_t *o;
	size_t i;

	for (i = 0; i < cfg->nenvs; i++)
		json_array_append_new(envs, json_string(cfg->env_names[i]));
	for (i = 0; i < cfg->nwl; i++)
		json_array_append_new(wls, json_string(cfg->wl[i]->name));
	for (i = 0; i < cfg->nevents; i++)
		json_array_append_new(evs, json_string(cfg->events[i]));
	for (i = 0; i < cfg->nparams; i++)
		json_array_append_new(params, json_pack("{s:s,s:s,s:s}", "workload",
							cfg->params[i].w->name, "key",
							cfg->params[i].key, "value", cfg->params[i].val));
	o = json_pack("{s:s,s:I,s:f,s:b,s:o,s:b,s:o,s:o,s:o,s:I,s:I,s:I,s:b,s:b,s:f}", "profile",
			 cfg->profile->name, "reps", (json_int_t)cfg->reps, "target_s",
			 cfg->profile->target_s, "tiny", cfg->profile->tiny, "envs", envs, "all",
			 cfg->all_envs, "workloads", wls, "events", evs, "params", params, "cpus",
			 (json_int_t)cfg->cpus, "memory_bytes", (json_int_t)cfg->memory, "seed",
			 (json_int_t)cfg->seed, "allow_tmpfs", cfg->allow_tmpfs, "cgroups",
			 cfg->use_cgroup, "rep_timeout_s", cfg->rep_timeout_s);
	if (o) { /* the network modes besides each environment's first (--net) */
		json_t *net = json_array();

		for (i = 0; i < cfg->nnet; i++)
			json_array_append_new(net, json_string(cfg->net_modes[i]));
		if (cfg->net_all)
			json_array_append_new(net, json_string("all"));
		json_object_set_new(o, "net", net);
	}
	if (o && isfinite(cfg->margin)) /* given: the reports judge with it */
		json_object_set_new(o, "margin", json_real(cfg->margin));
	return o;
}

json_t *vb_runfile_new(const vb_run_cfg_t *cfg)
{
	json_t *cmd = json_array();
	char stamp[64];
	int i;

	for (i = 0; i < cfg->argc; i++)
		json_array_append_new(cmd, json_string(cfg->argv[i]));
	vb_format_time(vb_wall_ns(), stamp, sizeof(stamp));
	return json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:[],s:[],s:[],s:[]}", "schema",
			 VB_RUN_SCHEMA, "schema_version", VB_RUN_SCHEMA_VERSION, "vbench_version",
			 VB_VERSION, "isa", VB_ISA, "created", stamp, "updated", stamp, "status",
			 "running", "command", cmd, "options", vb_runfile_options(cfg), "warnings",
			 "environments", "workloads", "repetitions");
}

/* Bytes and line breaks of an encoding (vb_runfile_encoded_size). */
struct encoded {
	size_t bytes, lines;
};

static int count_encoded(const char *buf, size_t size, void *data)
{
	struct encoded *e = data;
	size_t i;

	e->bytes += size;
	for (i = 0; i < size; i++)
		e->lines += buf[i] == '\n';
	return 0;
}

size_t vb_runfile_encoded_size(const json_t *v, unsigned depth)
{
	struct encoded e = { 0, 0 };

	if (json_dump_callback(v, count_encoded, &e, VB_RUNFILE_FLAGS | JSON_ENCODE_ANY) < 0)
		return SIZE_MAX;
	return e.bytes + e.lines * depth;
}

int vb_runfile_save_at(json_t *doc, int dirfd, const char *dir, vb_error_t *err)
{
	char path[PATH_MAX], stamp[64], fs[PATH_MAX + 96], *s;
	struct stat st;
	int rc;

	vb_format_time(vb_wall_ns(), stamp, sizeof(stamp));
	json_object_set_new(doc, "updated", json_string(stamp));
	if (vb_path_join(path, sizeof(path), dir, VB_RUNFILE_NAME, err) < 0)
		return -1;
	s = json_dumps(doc, VB_RUNFILE_FLAGS);
	if (!s)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s: encode", path);
	rc = vb_safefs_replace_at(dirfd, VB_RUNFILE_NAME, s, strlen(s), 0644, path, err);
	free(s);
	if (rc == 0)
		return 0;
	/* Nothing of this save is on disk (the temporary file is gone): say
	 * where the disk is full and that the earlier copy stands. */
	vb_safefs_fs_describe(dirfd, fs, sizeof(fs));
	vb_error_set(err, VB_ERESOURCE, 0, "cannot save %s (%s; %s); %s", path,
		     err && err->errnum ? strerror(err->errnum) : "failed", fs,
		     fstatat(dirfd, VB_RUNFILE_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0
			 ? "the last good copy is kept"
			 : "nothing was saved");
	return -1;
}

int vb_runfile_save(json_t *doc, const char *dir, vb_error_t *err)
{
	int fd = vb_safefs_open_dir_msg(dir, dir, err), rc;

	if (fd < 0)
		return -1;
	rc = vb_runfile_save_at(doc, fd, dir, err);
	close(fd);
	return rc;
}

json_t *vb_runfile_load_at(int dirfd, const char *name, unsigned flags, const char *what,
			   vb_error_t *err)
{
	json_error_t jerr;
	json_t *doc, *v;
	size_t len;
	char *text;

	text = vb_safefs_read_regular(dirfd, name, flags, VB_RUNFILE_MAX, &len, what, err);
	if (!text)
		return NULL;
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!doc) {
		/* jansson says line -1 for what is not a parse error */
		if (jerr.line >= 1)
			vb_error_set(err, VB_EUSAGE, 0, "%s: %s (line %d)", what, jerr.text, jerr.line);
		else
			vb_error_set(err, VB_EUSAGE, 0, "%s: %s", what, jerr.text);
		return NULL;
	}
	v = json_object_get(doc, "schema");
	if (!json_is_string(v) || strcmp(json_string_value(v), VB_RUN_SCHEMA)) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: field 'schema' is not \"%s\"", what, VB_RUN_SCHEMA);
		json_decref(doc);
		return NULL;
	}
	v = json_object_get(doc, "schema_version");
	if (!json_is_integer(v) || json_integer_value(v) != VB_RUN_SCHEMA_VERSION) {
		vb_error_set(err, VB_EUSAGE, 0, "%s: field 'schema_version' is not %d", what,
			     VB_RUN_SCHEMA_VERSION);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *vb_runfile_load(const char *path, vb_error_t *err)
{
	return vb_runfile_load_at(AT_FDCWD, path, VB_SAFEFS_FOLLOW, path, err);
}
