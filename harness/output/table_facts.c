/*
 * table_facts.c - what the printers say the same way (table.h): the
 * headline's sentences, the warnings after it, the unavailable counters
 * condensed, the environments at a glance.  Formatting only: the numbers
 * and verdicts are the summary's.
 */
#include "harness/output/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/analysis/summary.h"
#include "harness/core/runfile.h"
#include "lib/json.h"

#define CELL 64 /* an overhead with its interval */

/* The headline's sentence of one type @t ("Containers: container x1.01 ..."). */
static char *headline_type(const json_t *t, int base)
{
	json_t *e, *g;
	size_t i, j;
	char *text = NULL, buf[CELL + 64];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s:", vb_json_str(t, "label"));
	json_array_foreach(json_object_get(t, "environments"), i, e) {
		vb_table_fmt_geomean(json_object_get(e, "overall"), base, buf, sizeof(buf));
		fprintf(f, "%s %s (%s) %s overall", i ? ";" : "", vb_json_str(e, "name"),
			vb_json_str(e, "mechanism"), buf);
		json_array_foreach(json_object_get(e, "groups"), j, g) {
			vb_table_fmt_geomean(g, base, buf, sizeof(buf));
			fprintf(f, "%s %s %s", j ? "," : ", per group:", vb_json_str(g, "label"), buf);
		}
	}
	if (!json_array_size(json_object_get(t, "environments"))) {
		fprintf(f, " not measured");
		json_array_foreach(json_object_get(t, "unavailable"), i, e)
			fprintf(f, "%s %s unavailable: %s", i ? ";" : ":", vb_json_str(e, "name"),
				vb_json_str(e, "reason"));
		if (!i)
			fprintf(f, ": %s", vb_json_str(t, "reason"));
	}
	fputc('.', f);
	fclose(f);
	return text;
}

json_t *vb_table_headline(const json_t *sum)
{
	const json_t *h = json_object_get(sum, "headline"), *t;
	json_t *lines = json_array();
	char *s;
	size_t i;

	if (!h)
		return lines;
	if (json_is_object(json_object_get(h, "virtualized_host")))
		json_array_append_new(
		    lines,
		    json_sprintf("The baseline host is itself a virtual machine (hypervisor '%s'): "
				 "every overhead here adds to that of its own hypervisor.",
				 vb_json_str(json_object_get(h, "virtualized_host"), "hypervisor")));
	json_array_foreach(json_object_get(h, "types"), i, t)
		if ((s = headline_type(t, vb_json_str(h, "baseline") != NULL))) {
			json_array_append_new(lines, json_string(s));
			free(s);
		}
	return lines;
}

const char *vb_table_headline_intro(const json_t *sum, char *buf, size_t len)
{
	const char *base = vb_json_str(sum, "baseline");

	if (base)
		snprintf(buf, len,
			 "What each kind of virtualization costs here: time per unit of work "
			 "relative to %s, geometric mean over the workloads [%.0f%% interval], "
			 "and the verdict (equivalent = within +-%.0f%%).",
			 base, vb_table_num(json_object_get(sum, "statistics"), "level") * 100,
			 vb_table_num(json_object_get(sum, "statistics"), "margin") * 100);
	else
		snprintf(buf, len, "No baseline environment: no overhead to report.");
	return buf;
}

json_t *vb_table_warnings(const json_t *sum)
{
	int said = json_is_object(
	    json_object_get(json_object_get(sum, "headline"), "virtualized_host"));
	json_t *out = json_array(), *w;
	size_t i;

	json_array_foreach(json_object_get(sum, "warnings"), i, w)
		if (json_is_string(w) &&
		    !(said && !strncmp(json_string_value(w), VB_WARN_VIRTUAL_HOST,
				       strlen(VB_WARN_VIRTUAL_HOST))))
			json_array_append(out, w);
	return out;
}

/* Append string @s to array @a unless it holds it already. */
static void add_once(json_t *a, const char *s)
{
	json_t *v;
	size_t i;

	if (!s)
		return;
	json_array_foreach(a, i, v)
		if (!strcmp(json_string_value(v), s))
			return;
	json_array_append_new(a, json_string(s));
}

json_t *vb_table_unavailable_counters(const json_t *sum)
{
	json_t *by_env = json_array(), *out = json_array(), *x, *r, *w, *hit;
	const char *why;
	size_t i, j;

	/* per reason and environment: its counters and workloads */
	json_array_foreach(json_object_get(json_object_get(sum, "unavailable"), "counters"), i, x) {
		why = vb_json_str(x, "reason") ?: "no reason recorded";
		hit = NULL;
		json_array_foreach(by_env, j, r)
			if (!strcmp(vb_json_str(r, "reason"), why) &&
			    !strcmp(json_string_value(json_array_get(json_object_get(r, "envs"), 0)),
				    vb_json_str(x, "env") ?: "?")) {
				hit = r;
				break;
			}
		if (!hit) {
			hit = json_pack("{s:s,s:[],s:[s],s:[]}", "reason", why, "counters", "envs",
					vb_json_str(x, "env") ?: "?", "workloads");
			json_array_append_new(by_env, hit);
		}
		add_once(json_object_get(hit, "counters"), vb_json_str(x, "counter"));
		json_array_foreach(json_object_get(x, "workloads"), j, w)
			add_once(json_object_get(hit, "workloads"), json_string_value(w));
	}
	/* environments with the same reason, counters and workloads: one entry */
	json_array_foreach(by_env, i, x) {
		hit = NULL;
		json_array_foreach(out, j, r)
			if (!strcmp(vb_json_str(r, "reason"), vb_json_str(x, "reason")) &&
			    json_equal(json_object_get(r, "counters"), json_object_get(x, "counters")) &&
			    json_equal(json_object_get(r, "workloads"), json_object_get(x, "workloads"))) {
				hit = r;
				break;
			}
		if (hit)
			add_once(json_object_get(hit, "envs"),
				 json_string_value(json_array_get(json_object_get(x, "envs"), 0)));
		else
			json_array_append(out, x);
	}
	json_decref(by_env);
	return out;
}

char *vb_table_unavailable_envs(const json_t *list)
{
	char *text = NULL;
	size_t i, len = 0;
	json_t *e;
	FILE *f;

	if (!json_array_size(list) || !(f = open_memstream(&text, &len)))
		return NULL;
	json_array_foreach(list, i, e)
		fprintf(f, "%s%s (%s)", i ? "; " : "Not available here: ", vb_json_str(e, "name") ?: "?",
			vb_json_str(e, "reason") ?: "no reason recorded");
	fputc('.', f);
	fclose(f);
	return text;
}

json_t *vb_table_env_facts(const json_t *sum)
{
	json_t *rows = json_pack("[[s,s,s,s,s,s,s,s,s]]", "environment", "type", "mechanism",
				 "start", "stop", "idle host memory", "CPUs", "memory limit",
				 "limits"),
	       *e, *lim, *mem;
	char start[48], stop[48], idle[96], cpus[24], memlim[48], b[48];
	size_t i;

	json_array_foreach(json_object_get(sum, "environments"), i, e) {
		lim = json_object_get(e, "limits");
		mem = json_object_get(e, "memory_idle");
		if (!vb_table_fmt_unit("start_latency_ns", json_object_get(e, "start_latency_ns"), start,
				       sizeof(start)))
			snprintf(start, sizeof(start), "-");
		if (!vb_table_fmt_unit("stop_latency_ns", json_object_get(e, "stop_latency_ns"), stop,
				       sizeof(stop)))
			snprintf(stop, sizeof(stop), "-");
		if (json_is_integer(json_object_get(mem, "pss_bytes")))
			snprintf(idle, sizeof(idle), "%s PSS, %" JSON_INTEGER_FORMAT " process%s",
				 vb_table_fmt_bytes((double)json_integer_value(
							json_object_get(mem, "pss_bytes")),
						    b, sizeof(b)),
				 json_integer_value(json_object_get(mem, "processes")),
				 json_integer_value(json_object_get(mem, "processes")) == 1 ? ""
											  : "es");
		else
			snprintf(idle, sizeof(idle), "-");
		if (json_is_integer(json_object_get(lim, "cpus")))
			snprintf(cpus, sizeof(cpus), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(lim, "cpus")));
		else if (vb_json_str(lim, "cpus")) /* as the backend recorded it ("1", "0.5") */
			snprintf(cpus, sizeof(cpus), "%.20s", vb_json_str(lim, "cpus"));
		else
			snprintf(cpus, sizeof(cpus), "-");
		if (!vb_table_fmt_unit("memory_bytes", json_object_get(lim, "memory_bytes"), memlim,
				       sizeof(memlim)))
			snprintf(memlim, sizeof(memlim), "-");
		json_array_append_new(
		    rows, json_pack("[s,s,s,s,s,s,s,s,s]", vb_json_str(e, "name") ?: "?", vb_json_str(e, "type") ?: "-",
				    vb_json_str(e, "mechanism") ?: "-", start, stop, idle, cpus, memlim,
				    !json_is_object(lim)			      ? "-"
				    : json_is_true(json_object_get(lim, "enforced")) ? "enforced"
										      : "not enforced"));
	}
	return rows;
}

json_t *vb_table_net_paths(const json_t *sum)
{
	json_t *rows = json_pack("[[s,s,s,s]]", "environment", "network mode", "path", "address"),
	       *e, *net;
	char addr[64];
	size_t i, n = 0;

	json_array_foreach(json_object_get(sum, "environments"), i, e) {
		net = json_object_get(e, "network");
		if (!json_is_object(net))
			continue;
		if (json_is_integer(json_object_get(net, "port")))
			snprintf(addr, sizeof(addr), "%.40s port %" JSON_INTEGER_FORMAT,
				 vb_json_str(net, "address") ?: "-",
				 json_integer_value(json_object_get(net, "port")));
		else
			snprintf(addr, sizeof(addr), "%.40s", vb_json_str(net, "address") ?: "-");
		json_array_append_new(
		    rows, json_pack("[s,s,s,s]", vb_json_str(e, "name") ?: "?",
				    vb_json_str(net, "mode") ?: "-",
				    vb_json_str(net, "path") ?: vb_json_str(net, "reason") ?: "-", addr));
		n++;
	}
	if (!n) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

char *vb_table_not_run(const json_t *e)
{
	const json_t *nr = json_object_get(e, "not_run"), *w;
	char *text = NULL;
	size_t i, len;
	FILE *f;

	if (!json_is_object(nr) || !(f = open_memstream(&text, &len)))
		return NULL;
	json_array_foreach(json_object_get(nr, "workloads"), i, w)
		fprintf(f, "%s%s", i ? ", " : "", json_string_value(w) ?: "?");
	fprintf(f, ": %s", vb_json_str(nr, "reason") ?: "no reason recorded");
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
