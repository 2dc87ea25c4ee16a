/*
 * workload.c - the workload registry (from list.h), parameter handling, the
 * measured-region bracket and buffer allocation with an explicit THP policy.
 */
#include "workloads/workload.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/counters.h"
#include "lib/util.h"

#define VB_WORKLOAD(id) extern const vb_workload_t vb_w_##id;
#include "workloads/list.h"
#undef VB_WORKLOAD

static const vb_workload_t *const all[] = {
#define VB_WORKLOAD(id) &vb_w_##id,
#include "workloads/list.h"
#undef VB_WORKLOAD
};

size_t vb_workload_count(void)
{
	return VB_ARRAY_SIZE(all);
}

const vb_workload_t *vb_workload_at(size_t i)
{
	return i < VB_ARRAY_SIZE(all) ? all[i] : NULL;
}

const vb_workload_t *vb_workload_find(const char *name)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(all); i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

const char *vb_kind_name(vb_kind_t k)
{
	switch (k) {
	case VB_KIND_CPU:
		return "cpu";
	case VB_KIND_MEM:
		return "mem";
	case VB_KIND_IO:
		return "io";
	case VB_KIND_NET:
		return "net";
	case VB_KIND_APP:
		return "app";
	}
	return "unknown";
}

static const vb_param_desc_t *find_desc(const vb_workload_t *w, const char *key)
{
	size_t i;

	for (i = 0; i < w->nparams; i++)
		if (!strcmp(w->params[i].key, key))
			return &w->params[i];
	return NULL;
}

/* Validate one value against its descriptor; @what names it in errors. */
static int check_value(const vb_param_desc_t *d, const char *val, const char *what,
		       vb_error_t *err)
{
	uint64_t v;
	char buf[VB_PARAM_VAL], *tok, *save = NULL;
	size_t n = 0;

	if (strlen(val) >= VB_PARAM_VAL)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: value too long", what);
	switch (d->type) {
	case VB_P_U64:
		return vb_parse_u64(val, d->min, d->max, what, &v, err);
	case VB_P_SIZE:
		return vb_parse_size(val, d->min, d->max, what, &v, err);
	case VB_P_LIST:
		snprintf(buf, sizeof(buf), "%s", val);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (++n > VB_MAX_LIST)
				return vb_error_set(err, VB_EUSAGE, 0,
						    "%s: more than %d entries", what, VB_MAX_LIST);
			if (vb_parse_size(tok, d->min, d->max, what, &v, err) < 0)
				return -1;
		}
		if (n == 0)
			return vb_error_set(err, VB_EUSAGE, 0, "%s: empty list", what);
		return 0;
	case VB_P_STR:
		if (!*val)
			return vb_error_set(err, VB_EUSAGE, 0, "%s: empty value", what);
		return 0;
	}
	return vb_error_set(err, VB_EUSAGE, 0, "%s: bad parameter type", what);
}

int vb_workload_check(const vb_workload_t *w, vb_error_t *err)
{
	const vb_param_desc_t *d;
	char what[96];
	size_t i, j;

	if (!w || !w->name || !*w->name)
		return vb_error_set(err, VB_EUSAGE, 0, "workload without a name");
	if (!w->description || !*w->description)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: no description", w->name);
	if (!w->run)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: no run hook", w->name);
	if (!(w->flags & VB_W_NET) != !w->drive ||
	    (w->kind == VB_KIND_NET || w->kind == VB_KIND_APP) != !!w->drive)
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: a network workload (kind net or app) has a drive hook, no "
				    "other does",
				    w->name);
	if ((w->kind == VB_KIND_APP) != (w->server && w->client))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: an application workload names its server and client "
				    "programs, no other does",
				    w->name);
	if (w->nmetrics == 0 || w->nmetrics > VB_MAX_METRICS || !w->metrics)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: needs 1 to %d metrics", w->name,
				    VB_MAX_METRICS);
	if (w->nparams > VB_MAX_PARAMS)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: too many parameters", w->name);
	for (i = 0; i < w->nmetrics; i++) {
		if (!w->metrics[i].name || !w->metrics[i].unit || !w->metrics[i].help)
			return vb_error_set(err, VB_EUSAGE, 0, "%s: metric %zu incomplete", w->name,
					    i);
		for (j = 0; j < i; j++)
			if (!strcmp(w->metrics[i].name, w->metrics[j].name))
				return vb_error_set(err, VB_EUSAGE, 0, "%s: metric %s twice",
						    w->name, w->metrics[i].name);
	}
	for (i = 0; i < w->nparams; i++) {
		d = &w->params[i];
		if (!d->key || !*d->key || strlen(d->key) >= 32 || !d->def || !d->help)
			return vb_error_set(err, VB_EUSAGE, 0, "%s: parameter %zu incomplete",
					    w->name, i);
		for (j = 0; j < i; j++)
			if (!strcmp(d->key, w->params[j].key))
				return vb_error_set(err, VB_EUSAGE, 0, "%s: parameter %s twice",
						    w->name, d->key);
		snprintf(what, sizeof(what), "%s.%s default", w->name, d->key);
		if (check_value(d, d->def, what, err) < 0)
			return -1;
	}
	if (w->scale_param) {
		d = find_desc(w, w->scale_param);
		if (!d || d->type != VB_P_U64)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "%s: scale_param %s is not a whole-number parameter",
					    w->name, w->scale_param);
	}
	return 0;
}

static int put(vb_params_t *p, const char *key, const char *val)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->kv[i].key, key))
			break;
	if (i == p->n) {
		if (p->n == VB_MAX_PARAMS)
			return -1;
		p->n++;
		snprintf(p->kv[i].key, sizeof(p->kv[i].key), "%s", key);
	}
	snprintf(p->kv[i].val, sizeof(p->kv[i].val), "%s", val);
	return 0;
}

void vb_params_defaults(const vb_workload_t *w, vb_params_t *p)
{
	size_t i;

	p->n = 0;
	for (i = 0; i < w->nparams; i++)
		put(p, w->params[i].key, w->params[i].def);
}

int vb_params_set(const vb_workload_t *w, vb_params_t *p, const char *key, const char *val,
		  vb_error_t *err)
{
	const vb_param_desc_t *d = find_desc(w, key);
	char what[96];
	size_t i, len = 0;
	char names[512] = "";

	snprintf(what, sizeof(what), "%s.%s", w->name, key);
	if (!d) {
		for (i = 0; i < w->nparams && len < sizeof(names); i++)
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						i ? ", " : "", w->params[i].key);
		return vb_error_set(err, VB_EUSAGE, 0, "unknown parameter %s (expected one of: %s)",
				    what, w->nparams ? names : "none");
	}
	if (check_value(d, val, what, err) < 0)
		return -1;
	if (put(p, key, val) < 0)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: too many parameters", what);
	return 0;
}

int vb_params_set_u64(const vb_workload_t *w, vb_params_t *p, const char *key, uint64_t v,
		      vb_error_t *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return vb_params_set(w, p, key, buf, err);
}

int vb_params_validate(const vb_workload_t *w, const vb_params_t *p, vb_error_t *err)
{
	const vb_param_desc_t *d;
	char what[96];
	size_t i;

	for (i = 0; i < p->n; i++) {
		snprintf(what, sizeof(what), "%s.%s", w->name, p->kv[i].key);
		d = find_desc(w, p->kv[i].key);
		if (!d)
			return vb_error_set(err, VB_EUSAGE, 0, "unknown parameter %s", what);
		if (check_value(d, p->kv[i].val, what, err) < 0)
			return -1;
	}
	for (i = 0; i < w->nparams; i++)
		if (!vb_param_str(p, w->params[i].key))
			return vb_error_set(err, VB_EUSAGE, 0, "%s.%s: missing", w->name,
					    w->params[i].key);
	return 0;
}

const char *vb_param_str(const vb_params_t *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->kv[i].key, key))
			return p->kv[i].val;
	return NULL;
}

uint64_t vb_param_u64(const vb_params_t *p, const char *key)
{
	const char *s = vb_param_str(p, key);
	uint64_t v = 0;

	if (!s || vb_parse_size(s, 0, UINT64_MAX, key, &v, NULL) < 0)
		return 0;
	return v;
}

size_t vb_param_list(const vb_params_t *p, const char *key, uint64_t *out, size_t max)
{
	const char *s = vb_param_str(p, key);
	char buf[VB_PARAM_VAL], *tok, *save = NULL;
	size_t n = 0;
	uint64_t v;

	if (!s)
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save))
		if (vb_parse_size(tok, 0, UINT64_MAX, key, &v, NULL) == 0)
			out[n++] = v;
	return n;
}

json_t *vb_params_to_json(const vb_params_t *p)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < p->n; i++)
		json_object_set_new(o, p->kv[i].key, json_string(p->kv[i].val));
	return o;
}

int vb_params_from_json(const vb_workload_t *w, vb_params_t *p, const json_t *obj,
			vb_error_t *err)
{
	const char *key;
	json_t *val;

	vb_params_defaults(w, p);
	if (!json_is_object(obj))
		return vb_error_set(err, VB_EPROTO, 0, "%s: params is not an object", w->name);
	json_object_foreach((json_t *)obj, key, val) {
		if (!json_is_string(val))
			return vb_error_set(err, VB_EPROTO, 0, "%s.%s: value is not a string",
					    w->name, key);
		if (vb_params_set(w, p, key, json_string_value(val), err) < 0)
			return -1;
	}
	return 0;
}

void vb_wctx_begin(vb_wctx_t *ctx)
{
	if (ctx->state != 0)
		return;
	ctx->state = 1;
	if (ctx->counters)
		vb_counters_start(ctx->counters);
	ctx->t0 = vb_now_ns();
}

void vb_wctx_end(vb_wctx_t *ctx)
{
	uint64_t t1 = vb_now_ns();

	if (ctx->state != 1)
		return;
	if (ctx->counters)
		vb_counters_stop(ctx->counters);
	ctx->res->elapsed_ns = t1 - ctx->t0;
	ctx->state = 2;
}

/* Every metric of @w in @res finite; else the detail dropped and -1. */
static int metrics_finite(const vb_workload_t *w, vb_wresult_t *res, vb_error_t *err)
{
	size_t i;

	for (i = 0; i < w->nmetrics; i++) {
		if (!isfinite(res->metric[i])) {
			json_decref(res->detail);
			res->detail = NULL;
			return vb_error_set(err, VB_ECHECK, 0, "%s: metric %s is not a finite number",
					    w->name, w->metrics[i].name);
		}
	}
	return 0;
}

int vb_workload_run(const vb_workload_t *w, const vb_params_t *params, const char *scratch,
		    struct vb_counters *counters, int corrupt, vb_wresult_t *res, vb_error_t *err)
{
	return vb_workload_serve(w, params, scratch, NULL, counters, corrupt, res, err);
}

int vb_workload_serve(const vb_workload_t *w, const vb_params_t *params, const char *scratch,
		      const vb_wnet_t *net, struct vb_counters *counters, int corrupt,
		      vb_wresult_t *res, vb_error_t *err)
{
	vb_wctx_t ctx;
	size_t i;

	memset(res, 0, sizeof(*res));
	memset(&ctx, 0, sizeof(ctx));
	if (vb_params_validate(w, params, err) < 0)
		return -1;
	if ((w->flags & VB_W_NET) && (!net || !net->listening))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s is a network workload: it needs the harness as its client",
				    w->name);
	if (net) {
		ctx.listening = net->listening;
		ctx.listening_arg = net->arg;
		ctx.listen_port = net->port;
		ctx.listen_addr = net->addr ? net->addr : "";
		ctx.io_timeout_ms = net->io_timeout_ms > 0 ? net->io_timeout_ms : 60000;
		ctx.program = net->program;
		ctx.await_client = net->await_client;
		ctx.workdir = net->workdir ? net->workdir : "/tmp";
	}
	if (w->kind == VB_KIND_APP && (!ctx.program || !ctx.await_client || ctx.workdir[0] != '/'))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: no %s program to start, or no way to hear the client's end",
				    w->name, w->server);
	if ((w->flags & VB_W_SCRATCH) && !scratch)
		return vb_error_set(err, VB_EUSAGE, 0, "%s needs a scratch directory", w->name);
	ctx.w = w;
	ctx.params = params;
	ctx.scratch = scratch;
	ctx.corrupt = corrupt;
	ctx.counters = counters;
	ctx.res = res;
	for (i = 0; i < VB_MAX_METRICS; i++)
		res->metric[i] = NAN;
	if (w->run(&ctx, res, err) < 0) {
		json_decref(res->detail);
		res->detail = NULL;
		return vb_error_prefix(err, "%s", w->name);
	}
	if (ctx.state != 2) {
		json_decref(res->detail);
		res->detail = NULL;
		return vb_error_set(err, VB_ECHECK, 0, "%s: measured region not opened and closed",
				    w->name);
	}
	return metrics_finite(w, res, err);
}

json_t *vb_workload_metrics_json(const vb_workload_t *w, const vb_wresult_t *res)
{
	json_t *m = json_object();
	size_t i;

	for (i = 0; m && i < w->nmetrics; i++)
		json_object_set_new(m, w->metrics[i].name, json_real(res->metric[i]));
	return m;
}

int vb_workload_drive(const vb_workload_t *w, const vb_drive_t *d, vb_wresult_t *res,
		      vb_error_t *err)
{
	size_t i;

	memset(res, 0, sizeof(*res));
	if (!w->drive)
		return vb_error_set(err, VB_EUSAGE, 0, "%s is not a network workload", w->name);
	if (vb_params_validate(w, d->params, err) < 0)
		return -1;
	if (w->kind == VB_KIND_APP && (!d->program || !d->exec))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: no %s to run as its client", w->name,
				    w->client);
	for (i = 0; i < VB_MAX_METRICS; i++)
		res->metric[i] = NAN;
	if (w->drive(d, res, err) < 0) {
		json_decref(res->detail);
		res->detail = NULL;
		return vb_error_prefix(err, "%s client", w->name);
	}
	if (!res->elapsed_ns) {
		json_decref(res->detail);
		res->detail = NULL;
		return vb_error_set(err, VB_ECHECK, 0, "%s client: no measured region", w->name);
	}
	return metrics_finite(w, res, err);
}

void *vb_buffer_alloc(size_t bytes, const char *thp, vb_error_t *err)
{
	size_t align = 2u << 20, len;
	char *raw, *p;
	uintptr_t a;

	bytes = (bytes + 4095) & ~(size_t)4095;
	len = bytes + align;

	/* cppcheck-suppress invalidFunctionArg ; fd -1 is right for MAP_ANONYMOUS */
	raw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		vb_error_set(err, VB_ERESOURCE, errno, "map %zu bytes", bytes);
		return NULL;
	}
	a = ((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1);
	p = (char *)a;
	if (p > raw)
		munmap(raw, (size_t)(p - raw));
	if ((size_t)(raw + len - (p + bytes)) > 0)
		munmap(p + bytes, (size_t)(raw + len - (p + bytes)));
	if (thp && !strcmp(thp, "always"))
		madvise(p, bytes, MADV_HUGEPAGE);
	else
		madvise(p, bytes, MADV_NOHUGEPAGE);
	return p;
}

void vb_buffer_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, (bytes + 4095) & ~(size_t)4095);
}
