/*
 * check_optparse.c - the one option parser (lib/optparse.c) and the command
 * lines of every `vbench` subcommand built on it (bench/cmd.c).
 *
 * On a table of every kind of option: both value syntaxes, flags, optional
 * values, typed targets and their bounds, positional arguments and their
 * count, `--`, --help anywhere (nothing applied), groups with their own
 * context, and the exact one-line messages.  The help: generated from the
 * table, wrapped to the width asked.  Then the real commands: each table
 * is well formed, `vbench NAME --help` lists every option of it with its
 * help text and exits 0, and bad usage is one line on stderr and exit 2.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/cmd.h"
#include "lib/optparse.h"
#include "lib/term.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

/* ==== a table of every kind ============================================= */

typedef struct tctx {
	int flag;
	const char *str, *path;
	uint64_t u;
	size_t z;
	double d, pct;
	int ncalls;	   /* calls of --opt */
	const char *opt;   /* its last value (NULL: given alone) */
	const char *pos[3];
	size_t npos;
	int seen;	   /* options applied (the seen hook) */
} tctx_t;

typedef struct gctx {
	int gflag;
	double gd;
} gctx_t;

static gctx_t group_ctx;

static int set_opt(void *ctx, const char *v, vb_error_t *err)
{
	tctx_t *t = ctx;

	if (v && !strcmp(v, "bad"))
		return vb_error_set(err, VB_EUSAGE, 0, "--opt: 'bad' is bad");
	t->ncalls++;
	t->opt = v;
	return 0;
}

static int add_pos(void *ctx, const char *v, vb_error_t *err)
{
	tctx_t *t = ctx;

	t->pos[t->npos++] = v;
	return 0;
}

static void seen(void *ctx, const vb_opt_t *o)
{
	((tctx_t *)ctx)->seen++;
}

static const vb_opt_t topts[] = {
	{ .name = "--flag", .help = "a flag", VB_OPT_FLAG_AT(tctx_t, flag) },
	{ .name = "--str", .arg = "S", .help = "a string", VB_OPT_STR_AT(tctx_t, str) },
	{ .name = "--path", .arg = "P", .def = "somewhere", .help = "a path",
	  VB_OPT_PATH_AT(tctx_t, path) },
	{ .name = "--u", .arg = "N", .help = "a number", VB_OPT_U64_AT(tctx_t, u, 1, 100) },
	{ .name = "--z", .arg = "N", .help = "a size", VB_OPT_SIZE_AT(tctx_t, z, 0, 10) },
	{ .name = "--d", .arg = "X", .help = "a real number", VB_OPT_DOUBLE_AT(tctx_t, d, 0.5, 2) },
	{ .name = "--pct", .arg = "PCT", .help = "a share", VB_OPT_PCT_AT(tctx_t, pct, 0, 100) },
	{ .name = "--opt", .arg = "[=KIND]", .allowed = "a, b", .help = "an optional value",
	  .set = set_opt },
	{ .name = "--a-very-long-option-name", .arg = "VALUE",
	  .help = "words enough to be wrapped over several lines at sixty columns, and then some "
		  "more of them",
	  .set = set_opt },
};

/* A typed option's own check: 7 is refused. */
static int not_seven(const char *v, vb_error_t *err)
{
	return strcmp(v, "7") ? 0 : vb_error_set(err, VB_EUSAGE, 0, "--gd: 7 is refused");
}

static const vb_opt_t gopts[] = {
	{ .name = "--gflag", .help = "a flag of the group", VB_OPT_FLAG_AT(gctx_t, gflag) },
	{ .name = "--gd", .arg = "X", .help = "a number of the group",
	  .check = not_seven, VB_OPT_DOUBLE_AT(gctx_t, gd, 0, 10) },
};

static const vb_optgroup_t tgroups[] = {
	{ .title = "the group", .opts = gopts, .nopts = VB_ARRAY_SIZE(gopts), .ctx = &group_ctx },
};

static const vb_optspec_t tspec = {
	.prog = "test",
	.usage = "test [OPTIONS] THING...\ntest --other",
	.about = "A command of every kind of option.",
	.opts = topts,
	.nopts = VB_ARRAY_SIZE(topts),
	.groups = tgroups,
	.ngroups = VB_ARRAY_SIZE(tgroups),
	.pos = { .what = "thing", .whats = "things", .min = 0, .max = 3, .add = add_pos },
	.epilog = "exit codes: none worth a word.",
	.seen = seen,
};

static void tctx_init(tctx_t *t)
{
	memset(t, 0, sizeof(*t));
	memset(&group_ctx, 0, sizeof(group_ctx));
	t->u = 7;
	t->pct = 0.25;
	group_ctx.gd = 3;
}

/* Parse @spec with "test" and the NULL-terminated words; --help output is dropped. */
static int parse_spec(const vb_optspec_t *spec, tctx_t *t, vb_error_t *err, ...)
{
	static char *argv[32];
	int argc = 0, rc, saved;
	FILE *null;
	va_list ap;

	argv[argc++] = (char *)"test";
	va_start(ap, err);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	vb_error_clear(err);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(null);
	dup2(fileno(null), STDOUT_FILENO);
	rc = vb_optparse(spec, t, argc, argv, err);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fclose(null);
	return rc;
}

#define PARSE(t, err, ...) parse_spec(&tspec, (t), (err), __VA_ARGS__, NULL)

/* Parsing must fail with exactly the message @want. */
#define EXPECT_MSG(want, ...)                                                                       \
	do {                                                                                       \
		tctx_t t_;                                                                         \
		vb_error_t e_;                                                                     \
		tctx_init(&t_);                                                                    \
		ck_assert_int_eq(PARSE(&t_, &e_, __VA_ARGS__), -1);                                \
		ck_assert_int_eq(e_.code, VB_EUSAGE);                                              \
		ck_assert_str_eq(e_.msg, (want));                                                  \
	} while (0)

START_TEST(test_typed)
{
	vb_error_t err;
	tctx_t t;

	tctx_init(&t);
	ck_assert_int_eq(PARSE(&t, &err, "--flag", "--str", "s", "--path=/p", "--u", "9", "--z=10",
			       "--d", "1.5", "--pct", "20", "--gflag", "--gd=2.5"),
			 0);
	ck_assert_int_eq(t.flag, 1);
	ck_assert_str_eq(t.str, "s");
	ck_assert_str_eq(t.path, "/p");
	ck_assert_uint_eq(t.u, 9);
	ck_assert_uint_eq(t.z, 10);
	ck_assert_double_eq(t.d, 1.5);
	ck_assert_double_eq_tol(t.pct, 0.2, 1e-12);
	/* a group's options go to its own context; the hook sees every option */
	ck_assert_int_eq(group_ctx.gflag, 1);
	ck_assert_double_eq(group_ctx.gd, 2.5);
	ck_assert_int_eq(t.seen, 9);
	ck_assert_uint_eq(t.npos, 0);

	/* the bounds and checks of each type, named by the option */
	EXPECT_MSG("--u: 0 is out of range (expected 1 to 100)", "--u", "0");
	EXPECT_MSG("--z: 11 is out of range (expected 0 to 10)", "--z", "11");
	EXPECT_MSG("--path: empty path", "--path=");
	ck_assert_int_eq(PARSE(&t, &err, "--d", "nan"), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "--d"));
	ck_assert_int_eq(PARSE(&t, &err, "--pct", "101"), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "--pct"));
	ck_assert_int_eq(PARSE(&t, &err, "--gd", "11"), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "--gd"));
	/* a row's own check runs after the type's, and a refused value is not stored */
	tctx_init(&t);
	EXPECT_MSG("--gd: 7 is refused", "--gd", "7");
	ck_assert_double_eq(group_ctx.gd, 3);
	ck_assert_int_eq(PARSE(&t, &err, "--gd", "6"), 0);
	ck_assert_double_eq(group_ctx.gd, 6);
	/* a string may be empty; the setter's own message passes through */
	tctx_init(&t);
	ck_assert_int_eq(PARSE(&t, &err, "--str="), 0);
	ck_assert_str_eq(t.str, "");
	EXPECT_MSG("--opt: 'bad' is bad", "--opt=bad");
}
END_TEST

START_TEST(test_syntax)
{
	vb_error_t err;
	tctx_t t;

	/* a value may look like an option; '--' ends the options; '-' is an argument */
	tctx_init(&t);
	ck_assert_int_eq(PARSE(&t, &err, "--str", "--flag", "x", "--", "--flag", "-"), 0);
	ck_assert_str_eq(t.str, "--flag");
	ck_assert_int_eq(t.flag, 0);
	ck_assert_uint_eq(t.npos, 3);
	ck_assert_str_eq(t.pos[0], "x");
	ck_assert_str_eq(t.pos[1], "--flag");
	ck_assert_str_eq(t.pos[2], "-");
	/* an optional value only as --opt=V */
	tctx_init(&t);
	ck_assert_int_eq(PARSE(&t, &err, "--opt", "a"), 0);
	ck_assert_int_eq(t.ncalls, 1);
	ck_assert_ptr_null(t.opt);
	ck_assert_str_eq(t.pos[0], "a");
	ck_assert_int_eq(PARSE(&t, &err, "--opt=b"), 0);
	ck_assert_str_eq(t.opt, "b");

	EXPECT_MSG("unknown option '--nope' (see test --help)", "--nope");
	EXPECT_MSG("unknown option '--nope' (see test --help)", "--nope=1");
	EXPECT_MSG("unknown option '--fla' (see test --help)", "--fla"); /* no prefixes */
	EXPECT_MSG("unknown option '-x' (see test --help)", "-x");
	EXPECT_MSG("--flag takes no value", "--flag=1");
	EXPECT_MSG("--help takes no value", "--help=1");
	EXPECT_MSG("--u needs a value (N)", "--flag", "--u");
	/* stops at the first error, the options before it applied */
	tctx_init(&t);
	ck_assert_int_eq(PARSE(&t, &err, "--flag", "--nope", "--str", "s"), -1);
	ck_assert_int_eq(t.flag, 1);
	ck_assert_ptr_null(t.str);
	/* control characters in an argument stay on one line */
	EXPECT_MSG("unknown option '--a\\x07b c' (see test --help)", "--a\ab\nc");
	ck_assert_ptr_eq(vb_optparse_find(&tspec, "--gd"), &gopts[1]);
	ck_assert_ptr_null(vb_optparse_find(&tspec, "--help"));
}
END_TEST

START_TEST(test_positional)
{
	vb_optspec_t one = tspec, none = tspec, need = tspec;
	vb_error_t err;
	tctx_t t;

	EXPECT_MSG("more than 3 things ('d')", "a", "b", "c", "d");
	one.pos.max = 1;
	one.pos.min = 1;
	tctx_init(&t);
	ck_assert_int_eq(parse_spec(&one, &t, &err, "a", "b", NULL), -1);
	ck_assert_str_eq(err.msg, "one thing only ('a' and 'b')");
	ck_assert_int_eq(parse_spec(&one, &t, &err, "--flag", NULL), -1);
	ck_assert_str_eq(err.msg, "no thing given (see test --help)");
	none.pos.max = 0;
	ck_assert_int_eq(parse_spec(&none, &t, &err, "x", NULL), -1);
	ck_assert_str_eq(err.msg, "unexpected argument 'x' (see test --help)");
	need.pos.min = 2;
	need.pos.missing = "two things needed, A and B";
	tctx_init(&t);
	ck_assert_int_eq(parse_spec(&need, &t, &err, "a", NULL), -1);
	ck_assert_str_eq(err.msg, "two things needed, A and B (see test --help)");
	ck_assert_int_eq(parse_spec(&need, &t, &err, "a", "b", NULL), 0);
}
END_TEST

START_TEST(test_help_first)
{
	vb_error_t err;
	tctx_t t;

	/* --help anywhere among the options: help, and nothing applied */
	tctx_init(&t);
	ck_assert_int_eq(PARSE(&t, &err, "--flag", "--u", "0", "--help", "--nope"), 1);
	ck_assert_int_eq(t.flag, 0);
	ck_assert_uint_eq(t.u, 7);
	ck_assert_int_eq(t.seen, 0);
	ck_assert_int_eq(PARSE(&t, &err, "x", "-h"), 1);
	ck_assert_uint_eq(t.npos, 0);
	/* but not as an option's value, nor after '--' */
	ck_assert_int_eq(PARSE(&t, &err, "--str", "--help"), 0);
	ck_assert_str_eq(t.str, "--help");
	ck_assert_int_eq(PARSE(&t, &err, "--", "-h"), 0);
	ck_assert_str_eq(t.pos[0], "-h");
}
END_TEST

/* The help of @spec at @width, with @defaults, as a malloc'ed string. */
static char *help_text(const vb_optspec_t *spec, const void *defaults, unsigned width)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	ck_assert_ptr_nonnull(f);
	vb_optparse_help(spec, defaults, width, f);
	fclose(f);
	return s;
}

/* No line of @s is wider than @width, unless it is one word after the indent. */
static void assert_width(const char *s, size_t width)
{
	const char *line, *nl;
	size_t n;

	for (line = s; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		n = (size_t)(nl - line);
		ck_assert_msg(n <= width || !memchr(line + strspn(line, " "), ' ', n - strspn(line, " ")),
			      "line wider than %zu: '%.*s'", width, (int)n, line);
	}
}

START_TEST(test_help_text)
{
	char *s, *narrow;
	tctx_t t;

	tctx_init(&t);
	s = help_text(&tspec, &t, 60);
	assert_width(s, 60);
	ck_assert_msg(!strncmp(s, "usage: test [OPTIONS] THING...\n       test --other\n\n"
				  "A command of every kind of option.\n\noptions:\n",
			       strlen("usage: test [OPTIONS] THING...\n       test --other\n\n"
				      "A command of every kind of option.\n\noptions:\n")),
		      "%s", s);
	/* a head, its help, allowed values and default; a typed default from @defaults */
	ck_assert_ptr_nonnull(strstr(s, "\n  --flag     "));
	ck_assert_ptr_nonnull(strstr(s, "\n  --opt[=KIND]"));
	ck_assert_ptr_nonnull(strstr(s, "\n  --u N"));
	ck_assert_ptr_nonnull(strstr(s, "a number (default: 7)\n"));
	ck_assert_ptr_nonnull(strstr(s, "a share (default: 25)\n"));
	ck_assert_ptr_nonnull(strstr(s, "a path (default: somewhere)\n"));
	ck_assert_ptr_nonnull(strstr(s, "an optional value [a, b]\n"));
	ck_assert_ptr_null(strstr(s, "a string (default")); /* NULL: none */
	/* a head wider than the column: its text on the next line */
	ck_assert_ptr_nonnull(strstr(s, "\n  --a-very-long-option-name VALUE\n        "));
	ck_assert_ptr_nonnull(strstr(s, "\n  --help "));
	ck_assert_ptr_nonnull(strstr(s, "\n\nthe group:\n  --gflag "));
	ck_assert_ptr_nonnull(strstr(s, "\n\nexit codes: none worth a word.\n"));
	ck_assert_ptr_null(strchr(s, '\x1f'));
	vb_test_fold_spaces(s);
	ck_assert_ptr_nonnull(strstr(s, " --gd X a number of the group (default: 3) "));
	free(s);
	/* without defaults, no typed default; 0: $COLUMNS when not a terminal, else 100 */
	unsetenv("COLUMNS");
	s = help_text(&tspec, NULL, 0);
	assert_width(s, 100);
	ck_assert_uint_eq(vb_term_width(-1), 100);
	ck_assert_ptr_nonnull(strstr(s, "a number\n"));
	ck_assert_ptr_nonnull(strstr(s, "a path (default: somewhere)\n"));
	free(s);
	setenv("COLUMNS", "52", 1);
	s = help_text(&tspec, NULL, 0);
	assert_width(s, 52);
	ck_assert_uint_eq(vb_term_width(-1), 52);
	free(s);
	setenv("COLUMNS", "52x", 1); /* not a number: the default */
	ck_assert_uint_eq(vb_term_width(-1), 100);
	setenv("COLUMNS", "3", 1); /* too narrow: 40 */
	ck_assert_uint_eq(vb_term_width(-1), 40);
	unsetenv("COLUMNS");
	/* narrower than 40 columns is 40 */
	s = help_text(&tspec, &t, 10);
	narrow = help_text(&tspec, &t, 40);
	ck_assert_str_eq(s, narrow);
	free(s);
	free(narrow);
}
END_TEST

/* ==== the commands ======================================================= */

/* Every option of @spec (its groups too), in --help order, through @fn. */
static void each_opt(const vb_optspec_t *spec, void (*fn)(const vb_opt_t *, void *), void *arg)
{
	size_t i, j;

	for (i = 0; i < spec->nopts; i++)
		fn(&spec->opts[i], arg);
	for (j = 0; j < spec->ngroups; j++)
		for (i = 0; i < spec->groups[j].nopts; i++)
			fn(&spec->groups[j].opts[i], arg);
}

static void check_row(const vb_opt_t *o, void *arg)
{
	const vb_optspec_t *spec = arg;

	ck_assert_msg(!strncmp(o->name, "--", 2) && o->name[2], "%s: not --NAME", o->name);
	ck_assert_msg(!strchr(o->name, '=') && !strchr(o->name, ' '), "%s", o->name);
	ck_assert_msg(vb_optparse_find(spec, o->name) == o, "%s: given twice", o->name);
	ck_assert_msg(o->help && o->help[0], "%s: no help", o->name);
	ck_assert_msg((o->type == VB_OPT_CALL) == (o->set != NULL), "%s: a setter xor a type",
		      o->name);
	ck_assert_msg(o->type == VB_OPT_CALL || o->type == VB_OPT_FLAG || (o->arg && o->arg[0] != '['),
		      "%s: a typed option has a value", o->name);
	ck_assert_msg((o->type == VB_OPT_FLAG) == (o->type != VB_OPT_CALL && !o->arg),
		      "%s: a flag has no value", o->name);
}

START_TEST(test_command_tables)
{
	const vb_cmd_t *c;
	char prog[64];
	size_t i;

	ck_assert_uint_ge(vb_cmd_count(), 8);
	for (i = 0; i < vb_cmd_count(); i++) {
		c = vb_cmd_at(i);
		ck_assert_msg(c->spec != NULL, "%s: no command line", c->name);
		snprintf(prog, sizeof(prog), "vbench %s", c->name);
		ck_assert_str_eq(c->spec->prog, prog);
		ck_assert_msg(!strncmp(c->spec->usage, prog, strlen(prog)), "%s", c->spec->usage);
		ck_assert_msg(c->spec->about && c->spec->about[0], "%s: says not what it does",
			      c->name);
		ck_assert_msg(c->spec->pos.max == 0 || (c->spec->pos.what && c->spec->pos.whats),
			      "%s: its arguments unnamed", c->name);
		ck_assert_uint_le(c->spec->pos.min, c->spec->pos.max);
		each_opt(c->spec, check_row, (void *)c->spec);
	}
	ck_assert_ptr_null(vb_cmd_at(vb_cmd_count()));
}
END_TEST

/* @o's head and help stand in the folded help @arg. */
static void listed(const vb_opt_t *o, void *arg)
{
	char head[128], *help = strdup(o->help);

	snprintf(head, sizeof(head), " %s%s%s ", o->name, o->arg && o->arg[0] != '[' ? " " : "",
		 o->arg ?: "");
	ck_assert_msg(strstr(arg, head) != NULL, "'%s' not in the help", head);
	vb_test_fold_spaces(help);
	ck_assert_msg(strstr(arg, help) != NULL, "%s: '%s' not in the help", o->name, help);
	free(help);
}

/* `vbench NAME --help` of each command: its table, exit 0. */
START_TEST(test_command_help)
{
	const vb_cmd_t *c;
	char *out, *err, want[64];
	size_t i;
	int rc;

	for (i = 0; i < vb_cmd_count(); i++) {
		c = vb_cmd_at(i);
		rc = vb_test_vbench(NULL, &out, &err, c->name, "--help", NULL);
		ck_assert_msg(rc == 0, "vbench %s --help: exit %d (%s)", c->name, rc, err);
		ck_assert_str_eq(err, "");
		snprintf(want, sizeof(want), "usage: vbench %s", c->name);
		ck_assert_msg(!strncmp(out, want, strlen(want)), "%s", out);
		vb_test_fold_spaces(out);
		each_opt(c->spec, listed, out);
		ck_assert_msg(strstr(out, " --help print this help and exit") != NULL, "%s", out);
		free(out);
		free(err);
		/* -h too, and --help after other words */
		rc = vb_test_vbench(NULL, &out, &err, c->name, "stray", "-h", NULL);
		ck_assert_msg(rc == 0, "vbench %s stray -h: exit %d (%s)", c->name, rc, err);
		ck_assert_msg(!strncmp(out, want, strlen(want)), "%s", out);
		free(out);
		free(err);
	}
}
END_TEST

/* Bad usage of each command: one line naming it on stderr, exit 2. */
START_TEST(test_command_bad_usage)
{
	const vb_cmd_t *c;
	char *out, *err, see[64];
	size_t i;
	int rc;

	for (i = 0; i < vb_cmd_count(); i++) {
		c = vb_cmd_at(i);
		snprintf(see, sizeof(see), "(see vbench %s --help)", c->name);
		rc = vb_test_vbench(NULL, &out, &err, c->name, "--no-such-option", NULL);
		vb_test_expect_refusal(rc, out, err, "unknown option '--no-such-option'", see);
		rc = vb_test_vbench(NULL, &out, &err, c->name, "--help=please", NULL);
		vb_test_expect_refusal(rc, out, err, "--help takes no value", NULL);
		if (c->spec->pos.max == 0) {
			rc = vb_test_vbench(NULL, &out, &err, c->name, "stray", NULL);
			vb_test_expect_refusal(rc, out, err, "unexpected argument 'stray'", see);
		}
	}
}
END_TEST

/* `vbench-agent run`, the parser's other user: help from its table, one-line errors. */
START_TEST(test_agent_run)
{
	static const char *const bad[][4] = {
		{ "run", NULL },				  /* no workload given */
		{ "run", "nope.nope", NULL },			  /* unknown workload */
		{ "run", "cpu.int", "--param", "x" },		  /* not KEY=VALUE */
		{ "run", "cpu.int", "--reps", "0" },		  /* out of range */
	};
	char agent[PATH_MAX], out[8192];
	char *argv[6];
	size_t i, j;
	int rc;

	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_bindir());
	argv[0] = agent;
	argv[1] = "run";
	argv[2] = "--help";
	argv[3] = NULL;
	rc = vb_test_run(argv, NULL, out, sizeof(out), NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(!strncmp(out, "usage: vbench-agent run WORKLOAD", 32), "%s", out);
	vb_test_fold_spaces(out);
	ck_assert_ptr_nonnull(strstr(out, " --param KEY=VALUE "));
	ck_assert_ptr_nonnull(strstr(out, " --reps N repetitions, one JSON record each (default: 1) "));
	for (i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		for (j = 0; j < 4 && bad[i][j]; j++)
			argv[j + 1] = (char *)bad[i][j];
		argv[j + 1] = NULL;
		rc = vb_test_run(argv, NULL, out, sizeof(out), NULL);
		ck_assert_msg(rc == 2, "%s: exit %d: %s", bad[i][1] ?: "", rc, out);
		ck_assert_msg(!strncmp(out, "vbench-agent: ", 14) && strchr(out, '\n') == out + strlen(out) - 1,
			      "not one line: %s", out);
	}
}
END_TEST

Suite *vb_suite_optparse(void)
{
	Suite *s = suite_create("optparse");
	TCase *tc = tcase_create("parser");
	TCase *cmds = tcase_create("commands");

	tcase_add_test(tc, test_typed);
	tcase_add_test(tc, test_syntax);
	tcase_add_test(tc, test_positional);
	tcase_add_test(tc, test_help_first);
	tcase_add_test(tc, test_help_text);
	suite_add_tcase(s, tc);
	tcase_set_timeout(cmds, 60);
	tcase_add_test(cmds, test_command_tables);
	tcase_add_test(cmds, test_command_help);
	tcase_add_test(cmds, test_command_bad_usage);
	tcase_add_test(cmds, test_agent_run);
	suite_add_tcase(s, cmds);
	return s;
}
