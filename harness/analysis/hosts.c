/*
 * hosts.c - the fleet summary: runs of many hosts side by side (hosts.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/hosts.h"
#include "harness/analysis/stats.h"
#include "harness/analysis/verdict.h"
#include "lib/json.h"
#include "lib/textsafe.h"

enum {
#define FACT_ID(id, label) FACT_##id,
	VB_HOSTS_FACTS(FACT_ID)
#undef FACT_ID
	NFACTS
};

static const char *const fact_names[] = {
#define FACT_NAME(id, label) #id,
	VB_HOSTS_FACTS(FACT_NAME)
#undef FACT_NAME
};

static const char *const kinds[] = { "all", "cpu", "mem", "io", "net", "app" };
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* "N mitigated, M vulnerable" of run.json's host.mitigations (only counts:
 * no text of the file's). */
static void mitigations(const json_t *run, char *buf, size_t len)
{
	const json_t *m = json_object_get(json_object_get(run, "host"), "mitigations"), *v;
	unsigned mit = 0, vul = 0;
	const char *k;

	if (!json_is_object(m)) {
		snprintf(buf, len, "unknown");
		return;
	}
	json_object_foreach((json_t *)m, k, v) {
		const char *s = json_string_value(v);

		if (!s)
			continue;
		mit += !strncmp(s, "Mitigation", 10);
		vul += !strncmp(s, "Vulnerable", 10);
	}
	snprintf(buf, len, "%u mitigated, %u vulnerable", mit, vul);
}

json_t *vb_hosts_facts(const json_t *summary, const json_t *run)
{
	const json_t *h = json_object_get(summary, "host");
	char mit[64];
	const char *hv = vb_json_str(h, "hypervisor_vendor");
	const char *thp = vb_json_str(json_object_get(h, "thp"), "enabled") ?: vb_json_str(h, "thp")
										    ?: "unknown";

	mitigations(run, mit, sizeof(mit));
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "cpu", vb_json_str(h, "cpu_brand") ?: "unknown",
			 "kernel", vb_json_str(h, "kernel_release") ?: "unknown", "hypervisor",
			 json_is_true(json_object_get(h, "virtualized")) ? (hv && hv[0] ? hv : "yes")
									   : "none",
			 "mitigations", mit, "thp", thp);
}

/* Per environment and group kind, the overhead of one host's summary. */
static json_t *host_envs(const json_t *summary)
{
	json_t *out = json_object(), *g, *e;
	const char *env;
	size_t i;

	json_array_foreach(json_object_get(summary, "groups"), i, g) {
		const char *kind = vb_json_str(g, "kind");

		if (!kind)
			continue;
		json_object_foreach(json_object_get(g, "envs"), env, e) {
			json_t *slot = json_object_get(out, env);

			if (!slot) {
				slot = json_object();
				json_object_set_new(out, env, slot);
			}
			json_object_set(slot, kind, e); /* the summary's group object, as is */
		}
	}
	return out;
}

typedef struct build {
	json_t *hosts;   /* the hosts[] of the summary */
	size_t n;
	double level, margin;
	char baseline[128]; /* the first run's, every run's */
} build_t;

/* Host i's (y, se) for environment @env and kind @kind, into @y, @se; 0 when it has none. */
static int host_value(const build_t *b, size_t i, const char *env, const char *kind, double *y,
		      double *se, size_t *reps)
{
	const json_t *v = json_object_get(
	    json_object_get(json_object_get(json_array_get(b->hosts, i), "environments"), env), kind);
	double gm = vb_json_num(v, "geomean");

	*y = gm > 0 ? log(gm) : NAN;
	*se = vb_hosts_se(vb_json_num(v, "ci_low"), vb_json_num(v, "ci_high"), b->level);
	*reps = v ? (size_t)vb_json_num(v, "reps") : 0;
	return v && isfinite(*y) && isfinite(*se) && *se > 0;
}

/* Which fact goes with the hosts' differences: one entry per fact that
 * splits the hosts with a value, its test and its groups. */
static json_t *facts_test(const build_t *b, const double *y, const double *se, const int *has)
{
	json_t *out = json_array();
	size_t *grp = calloc(b->n, sizeof(*grp)), *part[NFACTS] = { 0 };
	size_t f, i, j;

	if (!grp)
		return out;
	for (f = 0; f < NFACTS; f++) {
		json_t *values = json_array(), *groups = json_array(), *e;
		size_t ng = 0;
		double p;

		part[f] = calloc(b->n, sizeof(size_t));
		for (i = 0; i < b->n; i++) {
			const char *v = vb_json_str(
			    json_object_get(json_array_get(b->hosts, i), "facts"), fact_names[f]);

			for (j = 0; j < ng && strcmp(json_string_value(json_array_get(values, j)), v);
			     j++)
				;
			if (j == ng) {
				json_array_append_new(values, json_string(v));
				ng++;
			}
			grp[i] = j;
			if (part[f])
				part[f][i] = has[i] ? j + 1 : 0;
		}
		if (ng < 2) {
			json_decref(values);
			json_decref(groups);
			continue;
		}
		for (j = 0; j < ng; j++) {
			double sw = 0, swy = 0;
			size_t nh = 0;

			for (i = 0; i < b->n; i++)
				if (grp[i] == j && has[i]) {
					sw += 1 / (se[i] * se[i]);
					swy += y[i] / (se[i] * se[i]);
					nh++;
				}
			json_array_append_new(
			    groups, json_pack("{s:O,s:I,s:o}", "value", json_array_get(values, j),
					      "hosts", (json_int_t)nh,
					      "geomean", vb_json_real(sw > 0 ? exp(swy / sw) : NAN)));
		}
		{
			size_t *g2 = malloc(b->n * sizeof(*g2));

			for (i = 0; g2 && i < b->n; i++)
				g2[i] = has[i] ? grp[i] : ng;
			p = g2 ? vb_hosts_between_p(y, se, g2, b->n, ng) : NAN;
			free(g2);
		}
		e = json_pack("{s:s,s:o,s:b,s:o,s:[]}", "fact", fact_names[f], "p", vb_json_real(p),
			      "goes_with", isfinite(p) && p < VB_HOSTS_ALPHA, "groups", groups,
			      "same_split_as");
		/* facts splitting the hosts (with data) the same way cannot be told apart */
		for (size_t f2 = 0; f2 < f; f2++) {
			int same = part[f] && part[f2];
			size_t *map = calloc(b->n + 1, sizeof(*map)), *back = calloc(b->n + 1, sizeof(*back));

			same = same && map && back;
			for (i = 0; same && i < b->n; i++) {
				size_t a = part[f][i], c = part[f2][i];

				if (!a && !c)
					continue;
				if ((map[a] && map[a] != c + 1) || (back[c] && back[c] != a + 1))
					same = 0;
				map[a] = c + 1;
				back[c] = a + 1;
			}
			if (same)
				json_array_append_new(json_object_get(e, "same_split_as"),
						      json_string(fact_names[f2]));
			free(map);
			free(back);
		}
		json_array_append_new(out, e);
		json_decref(values);
	}
	for (f = 0; f < NFACTS; f++)
		free(part[f]);
	free(grp);
	return out;
}

/* The spread of environment @env's @kind across the hosts. */
static json_t *spread(const build_t *b, const char *env, const char *kind)
{
	double *y = calloc(b->n, sizeof(*y)), *se = calloc(b->n, sizeof(*se));
	double *gm = calloc(b->n, sizeof(*gm));
	int *has = calloc(b->n, sizeof(*has));
	json_t *out = NULL, *outliers = json_array();
	size_t i, k = 0, lo = 0, hi = 0, reps;
	vb_hosts_het_t h;
	const char *verdict;

	if (!y || !se || !gm || !has)
		goto done;
	for (i = 0; i < b->n; i++) {
		has[i] = host_value(b, i, env, kind, &y[i], &se[i], &reps);
		if (!has[i]) {
			y[i] = se[i] = NAN;
			continue;
		}
		gm[k] = exp(y[i]);
		if (!k || y[i] < y[lo])
			lo = i;
		if (!k || y[i] > y[hi])
			hi = i;
		k++;
	}
	if (!k)
		goto done;
	vb_hosts_heterogeneity(y, se, b->n, &h);
	verdict = k < 2				       ? "one host"
		  : isfinite(h.p) && h.p < VB_HOSTS_ALPHA ? "hosts differ"
							  : "hosts agree within their intervals";
	for (i = 0; k >= 3 && i < b->n; i++) {
		double z = has[i] ? vb_hosts_loo_z(y, se, b->n, i) : NAN;

		if (isfinite(z) && fabs(z) > VB_HOSTS_OUTLIER_Z)
			json_array_append_new(outliers,
					      json_pack("{s:O,s:o}", "host",
							json_object_get(json_array_get(b->hosts, i), "name"),
							"z", vb_json_real(z)));
	}
	out = json_pack("{s:I,s:o,s:o,s:O,s:o,s:O,s:o,s:o,s:o,s:o,s:s,s:O,s:o}", "hosts",
			(json_int_t)k, "median", vb_json_real(vb_median(gm, k)), "min",
			vb_json_real(exp(y[lo])), "min_host",
			json_object_get(json_array_get(b->hosts, lo), "name"), "max",
			vb_json_real(exp(y[hi])), "max_host",
			json_object_get(json_array_get(b->hosts, hi), "name"), "q", vb_json_real(h.q),
			"p", vb_json_real(h.p), "i2", vb_json_real(h.i2), "tau", vb_json_real(sqrt(h.tau2)),
			"verdict", verdict, "outliers", outliers, "facts",
			k >= 2 ? facts_test(b, y, se, has) : json_array());
done:
	json_decref(outliers);
	free(y);
	free(se);
	free(gm);
	free(has);
	return out;
}

/* One class's pooled overhead of @env's @kind over its hosts @members. */
static json_t *pooled(const build_t *b, const json_t *members, const char *env, const char *kind)
{
	size_t m = json_array_size(members), i, k = 0, nmin = SIZE_MAX, reps;
	double *y = calloc(m ? m : 1, sizeof(*y)), *se = calloc(m ? m : 1, sizeof(*se));
	double z95 = vb_normal_quantile(1 - (1 - b->level) / 2);
	double z90 = vb_normal_quantile(1 - (1 - vb_verdict_equiv_level(b->level)) / 2);
	json_t *out = NULL;
	vb_hosts_het_t h;
	vb_decision_t d;

	for (i = 0; y && se && i < m; i++) {
		size_t hi = (size_t)json_integer_value(json_array_get(members, i));

		if (host_value(b, hi, env, kind, &y[k], &se[k], &reps)) {
			nmin = reps < nmin ? reps : nmin;
			k++;
		}
	}
	if (k && vb_hosts_heterogeneity(y, se, k, &h)) {
		double r = exp(h.pooled);

		d = vb_verdict_decide(r, exp(h.pooled - z95 * h.pooled_se),
				      exp(h.pooled + z95 * h.pooled_se),
				      exp(h.pooled - z90 * h.pooled_se),
				      exp(h.pooled + z90 * h.pooled_se), nmin, b->margin);
		out = json_pack("{s:I,s:o,s:o,s:o,s:b}", "hosts", (json_int_t)k, "geomean",
				vb_json_real(r), "ci_low",
				vb_json_real(exp(h.pooled - z95 * h.pooled_se)), "ci_high",
				vb_json_real(exp(h.pooled + z95 * h.pooled_se)), "hosts_differ",
				isfinite(h.p) && h.p < VB_HOSTS_ALPHA);
		vb_verdict_decision_json(&d, out);
	}
	free(y);
	free(se);
	return out;
}

/* The classes: hosts of one CPU model and kernel release. */
static json_t *classes(const build_t *b, const json_t *envs)
{
	json_t *out = json_array(), *c = NULL, *e;
	size_t i, j, ei;

	for (i = 0; i < b->n; i++) {
		json_t *host = json_array_get(b->hosts, i), *f = json_object_get(host, "facts");
		char name[16];

		json_array_foreach(out, j, c)
			if (!strcmp(vb_json_str(c, "cpu"), vb_json_str(f, "cpu")) &&
			    !strcmp(vb_json_str(c, "kernel"), vb_json_str(f, "kernel")))
				break;
		if (j == json_array_size(out)) {
			snprintf(name, sizeof(name), "class %zu", j + 1);
			c = json_pack("{s:s,s:O,s:O,s:[],s:[],s:{}}", "name", name, "cpu",
				      json_object_get(f, "cpu"), "kernel", json_object_get(f, "kernel"),
				      "hosts", "members", "environments");
			json_array_append_new(out, c);
		}
		json_array_append(json_object_get(c, "hosts"), json_object_get(host, "name"));
		json_array_append_new(json_object_get(c, "members"), json_integer((json_int_t)i));
		json_object_set(host, "class", json_object_get(c, "name"));
	}
	json_array_foreach(out, j, c) {
		json_array_foreach(envs, ei, e) {
			json_t *per = json_object();

			for (size_t ki = 0; ki < NKINDS; ki++) {
				json_t *p = pooled(b, json_object_get(c, "members"),
						   json_string_value(e), kinds[ki]);

				if (p)
					json_object_set_new(per, kinds[ki], p);
			}
			if (json_object_size(per))
				json_object_set_new(json_object_get(c, "environments"),
						    json_string_value(e), per);
			else
				json_decref(per);
		}
		json_object_del(c, "members");
	}
	return out;
}

json_t *vb_hosts_build(json_t *const *runs, const char *const *names, const char *const *paths,
		       size_t n, const vb_summary_cfg_t *cfg, vb_error_t *err)
{
	build_t b = { .n = n, .level = cfg->level, .margin = cfg->margin };
	json_t *doc = NULL, *envs = json_array(), *spreads = json_array(), *e;
	size_t i, j;

	if (!n || n > VB_HOSTS_MAX) {
		json_decref(envs);
		json_decref(spreads);
		return vb_error_set(err, VB_EUSAGE, 0, "a fleet report takes 1 to %u runs",
				    VB_HOSTS_MAX), NULL;
	}
	b.hosts = json_array();
	for (i = 0; i < n; i++) {
		vb_summary_cfg_t c = *cfg;
		json_t *s, *host;
		char name[256];

		if (vb_summary_check_run(runs[i], paths[i], err) < 0)
			goto fail;
		vb_summary_cfg_margin(&c, runs[i]);
		if (!(s = vb_summary_build(runs[i], &c, err)))
			goto fail;
		if (i == 0) {
			snprintf(b.baseline, sizeof(b.baseline), "%s", vb_json_text(s, "baseline"));
			b.margin = c.margin;
		}
		if (!vb_json_str(s, "baseline") || strcmp(vb_json_str(s, "baseline"), b.baseline)) {
			vb_error_set(err, VB_EUSAGE, 0, "%s: baseline '%s', the first run's is '%s': "
				     "hosts are compared against one baseline",
				     paths[i], vb_json_text(s, "baseline"), b.baseline);
			json_decref(s);
			goto fail;
		}
		vb_text_term(names[i], name, sizeof(name));
		host = json_pack("{s:s,s:o,s:s,s:o,s:O}", "name", vb_text_utf8_cut(name), "facts",
				 vb_hosts_facts(s, runs[i]), "status",
				 vb_json_str(runs[i], "status") ?: "unknown", "environments",
				 host_envs(s), "warnings", json_object_get(s, "warnings"));
		if (!host || json_array_append_new(b.hosts, host) < 0) {
			vb_error_set(err, VB_EUSAGE, 0, "%s: its host facts cannot be read", paths[i]);
			json_decref(s);
			goto fail;
		}
		json_array_foreach(json_object_get(s, "environments"), j, e) {
			const char *en = vb_json_str(e, "name");
			size_t k;
			json_t *x;

			if (!en || !strcmp(en, b.baseline))
				continue;
			json_array_foreach(envs, k, x)
				if (!strcmp(json_string_value(x), en))
					break;
			if (k == json_array_size(envs))
				json_array_append_new(envs, json_string(en));
		}
		json_decref(s);
	}
	json_array_foreach(envs, i, e) {
		json_t *per = json_object();

		for (size_t ki = 0; ki < NKINDS; ki++) {
			json_t *sp = spread(&b, json_string_value(e), kinds[ki]);

			if (sp)
				json_object_set_new(per, kinds[ki], sp);
		}
		json_array_append_new(spreads, json_pack("{s:O,s:o}", "name", e, "kinds", per));
	}
	doc = json_pack("{s:s,s:i,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "schema", VB_HOSTS_SCHEMA,
			"schema_version", VB_HOSTS_SCHEMA_VERSION, "baseline", b.baseline, "level",
			vb_json_real(b.level), "margin", vb_json_real(b.margin), "alpha", vb_json_real(VB_HOSTS_ALPHA), "outlier_z",
			vb_json_real(VB_HOSTS_OUTLIER_Z), "classes", classes(&b, envs), "environments",
			spreads, "hosts", b.hosts);
	if (!doc)
		vb_error_set(err, VB_ESYS, ENOMEM, "fleet summary");
	json_decref(envs);
	return doc;
fail:
	json_decref(b.hosts);
	json_decref(envs);
	json_decref(spreads);
	return NULL;
}
