/*
 * plan_ini.c - read a capacity plan file (plan.h) with inih, line by line
 * (core/inifile.h): every section header is seen, also an empty
 * [service x], which must still be reported as missing its fields.  Every
 * error is one line "PATH:LINE: field 'KEY' of [service NAME]: what is
 * wrong", and only the first one in the file is kept.
 */
#include "harness/analysis/plan.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness/core/inifile.h"
#include "lib/util.h"

#define MAX_PLAN_FILE (1u << 20)

static const char *const key_names[VB_PK_N] = {
    "count",
    "cpu",
    "utilisation",
    "server_cpu",
    "server_cpus",
    "server_cpu_score",
    "score_workload",
    "from_run",
    "workload",
    "op_rate",
    "memory",
    "disk",
    "io",
};
static const char *const host_keys[VB_RES_N] = {"cpus", "memory", "disk", "iops"};

typedef struct pstate {
	vb_inifile_t f;		/* first: the callbacks get &s->f */
	vb_plan_input_t *in;
	int section;		/* 0 none, 1 [host], 2 a service */
	vb_plan_service_t *cur; /* the current service */
	int host_line;		/* line of [host], 0 if none */
} pstate_t;

/* The first error, "PATH:LINE: MESSAGE" (core/inifile.h); 0 (inih: stop). */
#define fail(s, line, ...) vb_inifile_fail(&(s)->f, (line), __VA_ARGS__)

/* ---- values ---- */

/*
 * A finite number in [@min, @max], the whole string.  Where 0 is allowed,
 * any other value must be at least VB_PLAN_MIN_NONZERO: a subnormal such as
 * 1e-320 (or one that underflows to 0) would make a ratio with it
 * infinite.  0, or -1 with @why saying what is expected.
 */
#define VB_PLAN_MIN_NONZERO 1e-9
static int parse_num(const char *v, double min, double max, double *out, char *why, size_t len)
{
	char *end;
	double d;

	if (!*v)
		return snprintf(why, len, "no value"), -1;
	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end)
		return snprintf(why, len, "'%s' is not a number", v), -1;
	if (!isfinite(d))
		return snprintf(why, len, "'%s' is not a finite number (expected %g to %g)", v,
				min, max),
		       -1;
	if (d < min || d > max || (errno == ERANGE && min > 0))
		return snprintf(why, len, "%s is out of range (expected %g to %g)", v, min, max),
		       -1;
	if (d != 0 ? fabs(d) < VB_PLAN_MIN_NONZERO : errno == ERANGE)
		return snprintf(why, len, "'%s' is too small: expected 0 or a number from %g to %g",
				v, VB_PLAN_MIN_NONZERO, max),
		       -1;
	*out = d;
	return 0;
}

/* A size: a number with an optional binary unit (K, M, G, T, P; KiB, GB...). */
static int parse_size(const char *v, double max, double *out, char *why, size_t len)
{
	static const char units[] = "KMGTP";
	const char *u;
	double d, mult = 1;
	char *end;

	errno = 0;
	d = strtod(v, &end);
	if (end == v || !isdigit((unsigned char)*v))
		return snprintf(why, len, "'%s' is not a size (expected e.g. 512M, 2G, 1.5T)", v),
		       -1;
	while (*end == ' ')
		end++;
	if (*end && (u = strchr(units, toupper((unsigned char)*end)))) {
		mult = ldexp(1.0, 10 * (int)(u - units + 1));
		end++;
		if (tolower((unsigned char)*end) == 'i')
			end++;
	}
	if (toupper((unsigned char)*end) == 'B')
		end++;
	if (*end)
		return snprintf(why, len, "'%s' is not a size (expected e.g. 512M, 2G, 1.5T)", v),
		       -1;
	if (!isfinite(d) || errno == ERANGE || d * mult > max)
		return snprintf(why, len, "'%s' is too large", v), -1;
	*out = d * mult;
	return 0;
}

/* A percentage "25%" in (0, 100], as a fraction. */
static int parse_pct(const char *v, double *out, char *why, size_t len)
{
	char num[64];
	size_t n = strlen(v);

	if (!n || v[n - 1] != '%' || n >= sizeof(num))
		return snprintf(why, len, "'%s' is not a percentage (expected e.g. 30%%)", v), -1;
	memcpy(num, v, n - 1);
	num[n - 1] = 0;
	while (n > 1 && num[n - 2] == ' ')
		num[--n - 1] = 0;
	if (parse_num(num, 0, 100, out, why, len) < 0)
		return -1;
	if (*out <= 0)
		return snprintf(why, len, "%s: a utilisation of 0 demands nothing", v), -1;
	*out /= 100.0;
	return 0;
}

/* A name of at most @len - 1 printable characters. */
static int parse_text(const char *v, char *dst, size_t len, char *why, size_t wlen)
{
	const char *p;

	if (!*v)
		return snprintf(why, wlen, "no value"), -1;
	if (strlen(v) >= len)
		return snprintf(why, wlen, "longer than %zu characters", len - 1), -1;
	for (p = v; *p; p++)
		if (!isprint((unsigned char)*p))
			return snprintf(why, wlen, "holds a control character"), -1;
	snprintf(dst, len, "%s", v);
	return 0;
}

/* ---- keys ---- */

static int host_key(pstate_t *s, const char *key, const char *v)
{
	vb_plan_host_t *h = &s->in->host;
	char why[256];
	int k, rc;

	for (k = 0; k < VB_RES_N && strcasecmp(key, host_keys[k]); k++)
		;
	if (k == VB_RES_N)
		return fail(s, s->f.line,
			    "field '%s' of [host]: unknown key (expected cpus, memory, disk, iops)",
			    key);
	if (h->line[k])
		return fail(s, s->f.line, "field '%s' of [host]: given twice (first on line %d)",
			    host_keys[k], h->line[k]);
	if (k == VB_RES_CPU)
		rc = parse_num(v, 0.01, 1e5, &h->cap[k], why, sizeof(why));
	else if (k == VB_RES_IO)
		rc = parse_num(v, 1, 1e9, &h->cap[k], why, sizeof(why));
	else
		rc = parse_size(v, 0x1p60, &h->cap[k], why, sizeof(why));
	if (rc == 0 && h->cap[k] <= 0)
		rc = -1, snprintf(why, sizeof(why), "a host needs some %s", host_keys[k]);
	if (rc < 0)
		return fail(s, s->f.line, "field '%s' of [host]: %s", host_keys[k], why);
	h->line[k] = s->f.line;
	snprintf(h->source[k], sizeof(h->source[k]), "plan file line %d", s->f.line);
	return 1;
}

/* Parse value @v of key @k into service @c.  0, or -1 with @why. */
static int service_value(vb_plan_service_t *c, int k, const char *v, char *why, size_t len)
{
	double d;

	switch (k) {
	case VB_PK_COUNT:
		if (parse_num(v, 1, VB_PLAN_MAX_COUNT, &d, why, len) < 0)
			return -1;
		if (d != floor(d))
			return snprintf(why, len, "%s is not a whole number of instances", v), -1;
		c->count = (unsigned)d;
		return 0;
	case VB_PK_CPU:
		return parse_num(v, 0, 1e5, &c->cpu, why, len);
	case VB_PK_UTIL:
		return parse_pct(v, &c->utilisation, why, len);
	case VB_PK_SERVER_CPU:
		return parse_text(v, c->server_cpu, sizeof(c->server_cpu), why, len);
	case VB_PK_SERVER_CPUS:
		if (parse_num(v, 0, 1e5, &c->server_cpus, why, len) < 0)
			return -1;
		return c->server_cpus > 0 ? 0 : (snprintf(why, len, "a server has CPUs"), -1);
	case VB_PK_SERVER_SCORE:
		if (parse_num(v, 0, 1e15, &c->server_score, why, len) < 0)
			return -1;
		return c->server_score > 0 ? 0
					   : (snprintf(why, len, "a score must be positive"), -1);
	case VB_PK_SCORE_WL:
		return parse_text(v, c->score_workload, sizeof(c->score_workload), why, len);
	case VB_PK_FROM_RUN:
		return parse_text(v, c->from_run, sizeof(c->from_run), why, len);
	case VB_PK_WORKLOAD:
		return parse_text(v, c->workload, sizeof(c->workload), why, len);
	case VB_PK_OP_RATE:
		if (parse_num(v, 0, 1e15, &c->op_rate, why, len) < 0)
			return -1;
		return c->op_rate > 0
			   ? 0
			   : (snprintf(why, len, "an operation rate must be positive"), -1);
	case VB_PK_MEMORY:
		return parse_size(v, 0x1p60, &c->memory, why, len);
	case VB_PK_DISK:
		return parse_size(v, 0x1p60, &c->disk, why, len);
	default:
		return parse_num(v, 0, 1e12, &c->iops, why, len);
	}
}

static int service_key(pstate_t *s, const char *key, const char *v)
{
	vb_plan_service_t *c = s->cur;
	char why[512];
	int k;

	for (k = 0; k < VB_PK_N && strcasecmp(key, key_names[k]); k++)
		;
	if (k == VB_PK_N && !strcasecmp(key, "utilization"))
		k = VB_PK_UTIL;
	if (k == VB_PK_N)
		return fail(s, s->f.line,
			    "field '%s' of [service %s]: unknown key (see docs/plan.md: count, "
			    "cpu, utilisation, server_cpus, server_cpu_score, from_run, memory, "
			    "disk, io, ...)",
			    key, c->name);
	if (c->key_line[k])
		return fail(s, s->f.line,
			    "field '%s' of [service %s]: given twice (first on line %d; an "
			    "indented line continues the previous value)",
			    key_names[k], c->name, c->key_line[k]);
	if (service_value(c, k, v, why, sizeof(why)) < 0)
		return fail(s, s->f.line, "field '%s' of [service %s]: %s", key_names[k], c->name,
			    why);
	c->key_line[k] = s->f.line;
	return 1;
}

/* ---- [recovery] ---- */

static const char *const rec_keys[] = { "instances", "within", "parallel" };

/* A time: a number of seconds, or with a unit s, m, h ("5m"). */
static int parse_time(const char *v, double *out, char *why, size_t len)
{
	char num[64];
	size_t n = strlen(v);
	double mult = 1;

	if (n && n < sizeof(num) && strchr("smh", v[n - 1])) {
		mult = v[n - 1] == 'h' ? 3600 : v[n - 1] == 'm' ? 60 : 1;
		snprintf(num, sizeof(num), "%.*s", (int)(n - 1), v);
		v = num;
	}
	if (parse_num(v, 0.001, 1e7, out, why, len) < 0)
		return snprintf(why, len, "'%s' is not a time (seconds, or 90s, 5m, 1h)", v), -1;
	*out *= mult;
	return 0;
}

static int recovery_key(pstate_t *s, const char *key, const char *v)
{
	vb_plan_recovery_t *r = &s->in->rec;
	char why[256];
	size_t k;
	int rc;

	for (k = 0; k < VB_ARRAY_SIZE(rec_keys) && strcasecmp(key, rec_keys[k]); k++)
		;
	if (k == VB_ARRAY_SIZE(rec_keys))
		return fail(s, s->f.line,
			    "field '%s' of [recovery]: unknown key (expected instances, within, "
			    "parallel)",
			    key);
	if (r->key_line[k])
		return fail(s, s->f.line, "field '%s' of [recovery]: given twice (first on line %d)",
			    rec_keys[k], r->key_line[k]);
	if (k == 1)
		rc = parse_time(v, &r->within_s, why, sizeof(why));
	else if ((rc = parse_num(v, 1, k ? 1024 : VB_PLAN_MAX_COUNT, k ? &r->parallel : &r->instances,
				 why, sizeof(why))) == 0 &&
		 (k ? r->parallel : r->instances) != floor(k ? r->parallel : r->instances))
		rc = -1, snprintf(why, sizeof(why), "%s is not a whole number", v);
	if (rc < 0)
		return fail(s, s->f.line, "field '%s' of [recovery]: %s", rec_keys[k], why);
	r->key_line[k] = s->f.line;
	return 1;
}

static int handler(vb_inifile_t *f, const char *key, const char *value)
{
	pstate_t *s = (pstate_t *)f;

	if (s->section == 0)
		return fail(s, s->f.line,
			    "field '%s': outside any section (start with [host], [service NAME] "
			    "or [recovery])",
			    key);
	if (s->section == 1)
		return host_key(s, key, value);
	if (s->section == 3)
		return recovery_key(s, key, value);
	return service_key(s, key, value);
}

/* ---- section headers, seen by the reader ---- */

static int valid_name(const char *n)
{
	if (!*n)
		return 0;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr("_.-", *n))
			return 0;
	return 1;
}

/* Handle the header "[@text]" on the current line.  Returns 0 on an error. */
static int header(vb_inifile_t *f, char *text)
{
	pstate_t *s = (pstate_t *)f;
	vb_plan_service_t *c;
	char *name = text, *e, *orig;
	size_t i;

	while (isspace((unsigned char)*name))
		name++;
	for (e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
		*--e = 0;
	orig = name;
	s->cur = NULL;
	s->section = 0;
	if (!strcasecmp(name, "host")) {
		if (s->host_line)
			return fail(s, s->f.line, "section [host]: given twice (first on line %d)",
				    s->host_line);
		s->host_line = s->f.line;
		s->section = 1;
		return 1;
	}
	if (!strcasecmp(name, "recovery")) {
		if (s->in->rec.line)
			return fail(s, s->f.line, "section [recovery]: given twice (first on line %d)",
				    s->in->rec.line);
		s->in->rec.line = s->f.line;
		s->section = 3;
		return 1;
	}
	if (!strncasecmp(name, "service", 7) && (!name[7] || isspace((unsigned char)name[7]))) {
		name += 7;
		while (isspace((unsigned char)*name))
			name++;
		if (!*name)
			return fail(s, s->f.line, "section [service]: needs a name ([service NAME])");
	}
	if (!valid_name(name) || strlen(name) >= sizeof(c->name))
		return fail(s, s->f.line,
			    "section [%s]: a service name is 1 to 63 letters, digits, '_', '.' "
			    "or '-'",
			    orig);
	for (i = 0; i < s->in->nsvc; i++)
		if (!strcmp(s->in->svc[i].name, name))
			return fail(s, s->f.line,
				    "section [service %s]: duplicate service (first "
				    "on line %d)",
				    name, s->in->svc[i].line);
	if (s->in->nsvc == VB_PLAN_MAX_SERVICES)
		return fail(s, s->f.line, "section [service %s]: more than %d services", name,
			    VB_PLAN_MAX_SERVICES);
	c = &s->in->svc[s->in->nsvc++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->line = s->f.line;
	c->count = 1;
	snprintf(c->score_workload, sizeof(c->score_workload), "%s", VB_PLAN_SCORE_WORKLOAD);
	s->cur = c;
	s->section = 2;
	return 1;
}

/* ---- after the file: what each service lacks ---- */

static int need(pstate_t *s, const vb_plan_service_t *c, int k, int given_by, const char *what)
{
	return fail(s, c->line, "[service %s]: missing field '%s' (%s needs it; %s)", c->name,
		    key_names[k], key_names[given_by], what);
}

static int check_service(pstate_t *s, const vb_plan_service_t *c)
{
	static const int util_only[] = {VB_PK_SERVER_CPU, VB_PK_SERVER_CPUS, VB_PK_SERVER_SCORE,
					VB_PK_SCORE_WL};
	/* workload alone: its rate measured by this run; with from_run: by that one */
	static const int forms[] = {VB_PK_CPU, VB_PK_UTIL, VB_PK_FROM_RUN, VB_PK_WORKLOAD};
	const int *l = c->key_line;
	int first = -1, second = -1, t;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(forms); i++)
		if (forms[i] == VB_PK_WORKLOAD && l[VB_PK_FROM_RUN])
			continue; /* part of the from_run form */
		else if (l[forms[i]] && first < 0)
			first = forms[i];
		else if (l[forms[i]] && second < 0)
			second = forms[i];
	if (second >= 0) {
		if (l[second] < l[first])
			t = first, first = second, second = t;
		return fail(s, l[second],
			    "field '%s' of [service %s]: conflicts with '%s' on line %d (give "
			    "the CPU demand one way)",
			    key_names[second], c->name, key_names[first], l[first]);
	}
	if (first < 0)
		return fail(s, c->line,
			    "[service %s]: missing field 'cpu' (or 'utilisation' with "
			    "'server_cpus' and 'server_cpu_score', or 'workload' with 'op_rate', "
			    "or 'from_run' with both)",
			    c->name);
	for (i = 0; i < VB_ARRAY_SIZE(util_only); i++)
		if (l[util_only[i]] && first != VB_PK_UTIL)
			return fail(
			    s, l[util_only[i]],
			    "field '%s' of [service %s]: only meaningful with 'utilisation'",
			    key_names[util_only[i]], c->name);
	if (l[VB_PK_OP_RATE] && first != VB_PK_FROM_RUN && first != VB_PK_WORKLOAD)
		return fail(s, l[VB_PK_OP_RATE],
			    "field 'op_rate' of [service %s]: only meaningful with 'workload'",
			    c->name);
	if (first == VB_PK_UTIL && !l[VB_PK_SERVER_CPUS])
		return need(s, c, VB_PK_SERVER_CPUS, VB_PK_UTIL, "the existing server's cores");
	if (first == VB_PK_UTIL && !l[VB_PK_SERVER_SCORE])
		return need(s, c, VB_PK_SERVER_SCORE, VB_PK_UTIL,
			    "its bare-metal score_workload result, to normalise its CPU");
	if (first == VB_PK_FROM_RUN && !l[VB_PK_WORKLOAD])
		return need(s, c, VB_PK_WORKLOAD, VB_PK_FROM_RUN, "whose host cost per operation");
	if (first == VB_PK_FROM_RUN && !l[VB_PK_OP_RATE])
		return need(s, c, VB_PK_OP_RATE, VB_PK_FROM_RUN, "operations per second at peak");
	if (first == VB_PK_WORKLOAD && !l[VB_PK_OP_RATE])
		return need(s, c, VB_PK_OP_RATE, VB_PK_WORKLOAD,
			    "operations (requests) per second at peak");
	if (!l[VB_PK_MEMORY])
		return fail(s, c->line,
			    "[service %s]: missing field 'memory' (what one instance uses at "
			    "peak, e.g. memory = 2G)",
			    c->name);
	if (first == VB_PK_CPU && c->cpu == 0 && c->memory == 0 && c->disk == 0 && c->iops == 0)
		return fail(s, l[VB_PK_CPU],
			    "field 'cpu' of [service %s]: the service demands "
			    "nothing (cpu, memory, disk and io are all 0)",
			    c->name);
	return 1;
}

/* The plan file @path (at most MAX_PLAN_FILE bytes, a regular file: a FIFO
 * or a device is refused before it could block), or @text when given. */
int vb_plan_parse(const char *path, const char *text, vb_plan_input_t *in, vb_error_t *err)
{
	pstate_t s = {.f = {.header = header, .key = handler}, .in = in};
	size_t i;

	memset(in, 0, sizeof(*in));
	snprintf(in->path, sizeof(in->path), "%s", path);
	s.f.path = in->path;
	if (vb_inifile_parse(&s.f, text, text ? strlen(text) : 0, MAX_PLAN_FILE, err) < 0)
		return -1;
	for (i = 0; !s.f.err_line && i < in->nsvc; i++)
		check_service(&s, &in->svc[i]);
	if (!s.f.err_line && in->rec.line && !in->rec.key_line[0])
		fail(&s, in->rec.line,
		     "[recovery]: missing field 'instances' (how many must be restorable)");
	if (!s.f.err_line && in->rec.line && !in->rec.key_line[1])
		fail(&s, in->rec.line,
		     "[recovery]: missing field 'within' (the time they must be back in, e.g. 5m)");
	if (!s.f.err_line && !in->nsvc && !in->rec.line)
		fail(&s, s.f.line, "no [service NAME] or [recovery] section: nothing to plan");
	return s.f.err_line ? -1 : 0;
}
