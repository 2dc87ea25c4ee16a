/*
 * sizing.c - sizes from the host, amounts of work from calibration (sizing.h).
 */
#include "harness/run/sizing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void vb_sizing_init(vb_sizing_t *s, const vb_caches_t *c, uint64_t mem, unsigned cpus, int tiny)
{
	memset(s, 0, sizeof(*s));
	s->l1d = c->l1d ? c->l1d : 32 << 10;
	s->l2 = c->l2 ? c->l2 : 1 << 20;
	s->l3 = c->l3;
	s->line = c->line ? c->line : 64;
	s->mem = mem;
	s->cpus = cpus;
	s->tiny = tiny;
}

static const vb_param_desc_t *desc_of(const vb_workload_t *w, const char *key)
{
	size_t i;

	for (i = 0; i < w->nparams; i++)
		if (!strcmp(w->params[i].key, key))
			return &w->params[i];
	return NULL;
}

int vb_sizing_params(const vb_workload_t *w, const vb_sizing_t *s, const vb_run_cfg_t *cfg,
		     vb_params_t *p, int *scale_fixed, vb_error_t *err)
{
	size_t i;

	*scale_fixed = 0;
	vb_params_defaults(w, p);
	if (w->size && w->size(s, p, err) < 0)
		return vb_error_prefix(err, "sizing %s", w->name);
	for (i = 0; i < cfg->nparams; i++) {
		if (cfg->params[i].w != w)
			continue;
		if (vb_params_set(w, p, cfg->params[i].key, cfg->params[i].val, err) < 0)
			return -1;
		if (w->scale_param && !strcmp(cfg->params[i].key, w->scale_param))
			*scale_fixed = 1;
	}
	return vb_params_validate(w, p, err);
}

uint64_t vb_sizing_calibrate_scale(uint64_t value, uint64_t probe_ns, double target_s, uint64_t min,
				   uint64_t max)
{
	double v;

	if (probe_ns == 0)
		probe_ns = 1;
	v = (double)value * target_s * 1e9 / (double)probe_ns;
	if (!isfinite(v) || v > (double)max)
		return max;
	if (v < (double)min)
		return min;
	return v < 1.0 ? 1 : (uint64_t)llround(v);
}

int vb_sizing_calibrate(const vb_workload_t *w, vb_params_t *p, double target_s, vb_probe_fn probe,
			void *ctx, json_t **record, vb_error_t *err)
{
	const vb_param_desc_t *d = w->scale_param ? desc_of(w, w->scale_param) : NULL;
	uint64_t value, elapsed, next, target_ns = (uint64_t)(target_s * 1e9);
	json_t *probes = json_array();
	int i;

	*record = NULL;
	if (!d) {
		json_decref(probes);
		return 0;
	}
	value = vb_param_u64(p, d->key);
	for (i = 0; i < 8; i++) {
		if (probe(ctx, w, p, &elapsed, err) < 0) {
			json_decref(probes);
			return vb_error_prefix(err, "calibrating %s", w->name);
		}
		json_array_append_new(probes, json_pack("{s:I,s:I}", "value", (json_int_t)value,
							"elapsed_ns", (json_int_t)elapsed));
		next = vb_sizing_calibrate_scale(value, elapsed, target_s, d->min, d->max);
		if (elapsed >= 10000000ull || elapsed * 5 >= target_ns || value >= d->max)
			break;
		/* Too short to trust: grow tenfold (not past the linear estimate). */
		next = value * 10 < next ? value * 10 : next;
		if (next <= value)
			break;
		value = next;
		if (vb_params_set_u64(w, p, d->key, value, err) < 0) {
			json_decref(probes);
			return -1;
		}
	}
	if (vb_params_set_u64(w, p, d->key, next, err) < 0) {
		json_decref(probes);
		return -1;
	}
	*record = json_pack("{s:s,s:I,s:f,s:o}", "param", d->key, "value", (json_int_t)next,
			    "target_s", target_s, "probes", probes);
	return 0;
}

uint64_t vb_sizing_file_bytes(const vb_run_cfg_t *cfg, const vb_workload_t *w)
{
	vb_params_t *p;
	vb_caches_t caches;
	vb_sizing_t sz;
	uint64_t v = 0;
	int fixed;

	if (!w || !(w->flags & VB_W_SCRATCH) || !(p = malloc(sizeof(*p))))
		return 0;
	vb_hostinfo_caches(&caches);
	vb_sizing_init(&sz, &caches, cfg->memory, (unsigned)cfg->cpus,
		       cfg->profile ? cfg->profile->tiny : 0);
	if (vb_sizing_params(w, &sz, cfg, p, &fixed, NULL) == 0)
		v = vb_param_u64(p, "file_bytes");
	free(p);
	return v;
}

uint64_t vb_sizing_largest_file(const vb_run_cfg_t *cfg)
{
	uint64_t big = 0, v;
	size_t i;

	for (i = 0; i < cfg->nwl; i++) {
		v = vb_sizing_file_bytes(cfg, cfg->wl[i]);
		big = v > big ? v : big;
	}
	return big;
}
