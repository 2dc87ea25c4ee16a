/*
 * optparse.c - the one command-line parser and the help generated from its
 * tables (optparse.h).
 *
 * Two passes over argv: the first only looks for --help (an option's value
 * is skipped, so `--out --help` names a directory), so that the help is
 * printed before anything is applied and shows the context's values as the
 * defaults; the second applies every option and positional argument in
 * order and stops at the first error.
 */
#include "lib/optparse.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "lib/safefs.h"
#include "lib/term.h"
#include "lib/util.h"

#define HELP_HEAD_MAX 24  /* widest option column; a longer head has its text below */
#define NBSP VB_TERM_NBSP /* in the help's own text: a space the wrap does not break at */

/* ==== parsing ============================================================ */

static size_t larger(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* An option word ("--x", "-x"), not a positional argument ("x", "-"). */
static int is_option(const char *a)
{
	return a[0] == '-' && a[1] != '\0';
}

static int is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* @o takes a value only as --name=VALUE ("[=KINDS]"). */
static int optional_value(const vb_opt_t *o)
{
	return o->arg && o->arg[0] == '[';
}

/* The row of @opts named by the first @len bytes of @name, or NULL. */
static const vb_opt_t *find_in(const vb_opt_t *opts, size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

/* The row of @spec (its groups too) named by @name's first @len bytes; a
 * group's own context, if it has one, into *@ctx. */
static const vb_opt_t *lookup(const vb_optspec_t *spec, const char *name, size_t len, void **ctx)
{
	const vb_opt_t *o = find_in(spec->opts, spec->nopts, name, len);
	size_t j;

	for (j = 0; !o && j < spec->ngroups; j++) {
		o = find_in(spec->groups[j].opts, spec->groups[j].nopts, name, len);
		if (o && spec->groups[j].ctx)
			*ctx = spec->groups[j].ctx;
	}
	return o;
}

const vb_opt_t *vb_optparse_find(const vb_optspec_t *spec, const char *name)
{
	void *ctx = NULL;

	return lookup(spec, name, strlen(name), &ctx);
}

/* The length of an option word's name: up to its '='. */
static size_t name_len(const char *a)
{
	const char *eq = strchr(a, '=');

	return eq ? (size_t)(eq - a) : strlen(a);
}

/* Whether --help or -h stands among the options (not as an option's value). */
static int wants_help(const vb_optspec_t *spec, int argc, char **argv)
{
	const vb_opt_t *o;
	void *ctx = NULL;
	int k;

	for (k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--"))
			return 0;
		if (is_help(argv[k]))
			return 1;
		if (!is_option(argv[k]) || strchr(argv[k], '='))
			continue;
		o = lookup(spec, argv[k], strlen(argv[k]), &ctx);
		if (o && o->arg && !optional_value(o))
			k++; /* its value */
	}
	return 0;
}

/* @o's own check of @val, then @n bytes of @src stored at @at. */
static int store(const vb_opt_t *o, void *at, const void *src, size_t n, const char *val,
		 vb_error_t *err)
{
	if (o->check && o->check(val, err) < 0)
		return -1;
	memcpy(at, src, n);
	return 0;
}

/*
 * Apply @o's value @val to @ctx by its type.  Typed values are copied into
 * place with memcpy: the context is the command's own struct, the field's
 * type checked by VB_OPT_AT when the table was compiled.
 */
static int apply(const vb_opt_t *o, void *ctx, const char *val, vb_error_t *err)
{
	const int one = 1;
	uint64_t u;
	size_t z;
	double d;
	void *at;

	if (o->type == VB_OPT_CALL)
		return o->set(ctx, val, err);
	at = (char *)ctx + o->off;
	if (o->type == VB_OPT_FLAG)
		return store(o, at, &one, sizeof(one), "", err);
	if (!val) /* a typed option always has its value (vb_optparse) */
		return vb_error_set(err, VB_EUSAGE, 0, "%s needs a value", o->name);
	switch (o->type) {
	case VB_OPT_PATH:
		if (vb_safefs_check_path(val, o->name, err) < 0)
			return -1;
		/* fall through */
	case VB_OPT_STR:
		return store(o, at, &val, sizeof(val), val, err);
	case VB_OPT_U64:
	case VB_OPT_SIZE:
		if (vb_parse_u64(val, o->umin, o->umax, o->name, &u, err) < 0)
			return -1;
		z = (size_t)u;
		return o->type == VB_OPT_U64 ? store(o, at, &u, sizeof(u), val, err)
					     : store(o, at, &z, sizeof(z), val, err);
	case VB_OPT_DOUBLE:
	case VB_OPT_PCT:
		if (vb_parse_double(val, o->min, o->max, o->name, &d, err) < 0)
			return -1;
		if (o->type == VB_OPT_PCT)
			d /= 100.0;
		return store(o, at, &d, sizeof(d), val, err);
	default:
		return vb_error_set(err, VB_EUSAGE, 0, "%s: option of unknown type %d", o->name,
				    (int)o->type);
	}
}

/* Positional argument number @n (from 0): refused past the bounds, else added. */
static int positional(const vb_optspec_t *spec, void *ctx, const char *a, size_t n,
		      const char *first, vb_error_t *err)
{
	const vb_optpos_t *p = &spec->pos;

	if (n >= p->max) {
		if (p->max == 0)
			return vb_error_set(err, VB_EUSAGE, 0,
					    "unexpected argument '%s' (see %s --help)", a, spec->prog);
		if (p->max == 1)
			return vb_error_set(err, VB_EUSAGE, 0, "one %s only ('%s' and '%s')",
					    p->what, first, a);
		return vb_error_set(err, VB_EUSAGE, 0, "more than %zu %s ('%s')", p->max, p->whats,
				    a);
	}
	if (p->add)
		return p->add(ctx, a, err);
	memcpy((char *)ctx + p->off + n * sizeof(a), &a, sizeof(a)); /* the array's @n-th */
	return 0;
}

/* The option word @argv[*k] (its value may be the next word: *@k moves past it). */
static int option(const vb_optspec_t *spec, void *ctx, int argc, char **argv, int *k,
		  vb_error_t *err)
{
	const char *a = argv[*k], *eq = strchr(a, '='), *val = NULL;
	size_t len = name_len(a);
	void *octx = ctx;
	const vb_opt_t *o = lookup(spec, a, len, &octx);

	if (!o && len == 6 && !strncmp(a, "--help", len))
		return vb_error_set(err, VB_EUSAGE, 0, "--help takes no value");
	if (!o)
		return vb_error_set(err, VB_EUSAGE, 0, "unknown option '%.*s' (see %s --help)",
				    (int)len, a, spec->prog);
	if (!o->arg && eq)
		return vb_error_set(err, VB_EUSAGE, 0, "%s takes no value", o->name);
	if (eq)
		val = eq + 1;
	else if (o->arg && !optional_value(o) && *k + 1 < argc)
		val = argv[++*k];
	else if (o->arg && !optional_value(o))
		return vb_error_set(err, VB_EUSAGE, 0, "%s needs a value (%s)", o->name, o->arg);
	if (apply(o, octx, val, err) < 0)
		return -1;
	if (spec->seen)
		spec->seen(ctx, o);
	return 0;
}

int vb_optparse(const vb_optspec_t *spec, void *ctx, int argc, char **argv, vb_error_t *err)
{
	const char *first = NULL;
	size_t npos = 0;
	int k, only_pos = 0;

	if (wants_help(spec, argc, argv)) {
		vb_optparse_help(spec, ctx, 0, stdout);
		fflush(stdout);
		return 1;
	}
	for (k = 1; k < argc; k++) {
		if (!only_pos && !strcmp(argv[k], "--")) {
			only_pos = 1;
		} else if (!only_pos && is_option(argv[k])) {
			if (option(spec, ctx, argc, argv, &k, err) < 0)
				return -1;
		} else {
			if (positional(spec, ctx, argv[k], npos, first, err) < 0)
				return -1;
			first = first ?: argv[k];
			npos++;
		}
	}
	if (npos >= spec->pos.min)
		return 0;
	if (spec->pos.missing)
		return vb_error_set(err, VB_EUSAGE, 0, "%s (see %s --help)", spec->pos.missing,
				    spec->prog);
	return vb_error_set(err, VB_EUSAGE, 0, "no %s given (see %s --help)", spec->pos.what,
			    spec->prog);
}

/* ==== the help =========================================================== */

/* A paragraph of the help (about, epilog), wrapped, then a blank line. */
static void paragraph(FILE *f, const char *text, size_t width)
{
	if (!text)
		return;
	vb_term_wrap(f, text, 0, 0, width);
	fputs("\n\n", f);
}

/* "--name ARG", "--name[=ARG]" or "--name" into @buf. */
static const char *head(const vb_opt_t *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", o->name, o->arg && !optional_value(o) ? " " : "",
		 o->arg ?: "");
	return buf;
}

/* The value a typed option has in @defaults, as text into @buf ("": none). */
static const char *typed_default(const vb_opt_t *o, const void *defaults, char *buf, size_t len)
{
	const void *at;
	const char *str;
	uint64_t u;
	size_t z;
	double d;

	buf[0] = '\0';
	if (!defaults)
		return buf;
	at = (const char *)defaults + o->off;
	switch (o->type) {
	case VB_OPT_STR:
	case VB_OPT_PATH:
		memcpy(&str, at, sizeof(str));
		if (str)
			snprintf(buf, len, "%s", str);
		break;
	case VB_OPT_U64:
		memcpy(&u, at, sizeof(u));
		snprintf(buf, len, "%llu", (unsigned long long)u);
		break;
	case VB_OPT_SIZE:
		memcpy(&z, at, sizeof(z));
		snprintf(buf, len, "%zu", z);
		break;
	case VB_OPT_DOUBLE:
	case VB_OPT_PCT:
		memcpy(&d, at, sizeof(d));
		if (o->type == VB_OPT_PCT)
			d *= 100.0;
		if (isfinite(d))
			snprintf(buf, len, "%.15g", d);
		break;
	default:
		break;
	}
	return buf;
}

/* One option: its head, then its help, allowed values and default, wrapped. */
static void option_help(FILE *f, const vb_opt_t *o, const void *defaults, size_t cw,
			size_t width)
{
	char h[128], def[128], text[2048];
	size_t col;

	head(o, h, sizeof(h));
	fprintf(f, "  %s", h);
	col = 2 + strlen(h);
	if (col > 2 + cw) {
		fprintf(f, "\n%*s", (int)(2 + cw), "");
		col = 2 + cw;
	}
	fprintf(f, "%*s", (int)(2 + cw + 2 - col), "");
	if (!o->def)
		typed_default(o, defaults, def, sizeof(def));
	snprintf(text, sizeof(text), "%s%s%s%s%s%s%s", o->help, o->allowed ? " [" : "",
		 o->allowed ?: "", o->allowed ? "]" : "", o->def || def[0] ? " (default:\x1f" : "",
		 o->def ?: def, o->def || def[0] ? ")" : "");
	vb_term_wrap(f, text, 2 + cw + 2, 2 + cw + 2, width);
	fputc('\n', f);
}

/* The width of the option column: the widest head, at most HELP_HEAD_MAX. */
static size_t head_width(const vb_optspec_t *spec)
{
	const vb_optgroup_t *g;
	size_t i, j, w = strlen("--help");
	char h[128];

	for (i = 0; i < spec->nopts; i++)
		w = larger(w, strlen(head(&spec->opts[i], h, sizeof(h))));
	for (j = 0; j < spec->ngroups; j++)
		for (g = &spec->groups[j], i = 0; i < g->nopts; i++)
			w = larger(w, strlen(head(&g->opts[i], h, sizeof(h))));
	return w < HELP_HEAD_MAX ? w : HELP_HEAD_MAX;
}

void vb_optparse_help(const vb_optspec_t *spec, const void *defaults, unsigned width, FILE *f)
{
	const vb_optgroup_t *g;
	size_t w = width ? larger(width, VB_TERM_MIN_WIDTH) : vb_term_width(fileno(f));
	size_t cw = head_width(spec), i, j;
	const char *u;
	size_t n;

	/* the synopsis lines, the later ones under the first */
	for (u = spec->usage; *u; u += n + (u[n] == '\n')) {
		n = strcspn(u, "\n");
		fprintf(f, "%s%.*s\n", u == spec->usage ? "usage: " : "       ", (int)n, u);
	}
	fputc('\n', f);
	paragraph(f, spec->about, w);
	fputs("options:\n", f);
	for (i = 0; i < spec->nopts; i++)
		option_help(f, &spec->opts[i], defaults, cw, w);
	option_help(f, &(const vb_opt_t){ .name = "--help", .help = "print this help and exit" },
		    NULL, cw, w);
	for (j = 0; j < spec->ngroups; j++) {
		g = &spec->groups[j];
		fprintf(f, "\n%s:\n", g->title);
		for (i = 0; i < g->nopts; i++)
			option_help(f, &g->opts[i], g->ctx ?: defaults, cw, w);
	}
	if (spec->epilog) {
		fputc('\n', f);
		vb_term_wrap(f, spec->epilog, 0, 0, w);
		fputc('\n', f);
	}
}
