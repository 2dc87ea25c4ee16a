/*
 * optparse.h - the one command-line parser: every `vbench` subcommand and
 * `vbench-agent run` describe their options as data, a table of vb_opt_t,
 * and this module parses argv against it and generates --help from it.
 *
 * The syntax, the same for every command: an option is `--name`; its value
 * is given as `--name VALUE` or `--name=VALUE` (an optional value only as
 * `--name=VALUE`); `--` ends the options; any other word is a positional
 * argument, counted against the command's bounds.  `--help` or `-h`
 * anywhere among the options prints the help on stdout and applies
 * nothing.  Every error is one line in a vb_error_t (VB_EUSAGE) naming the
 * option or the argument, so each command exits 2 with it.
 *
 * An option is applied either by its setter (VB_OPT_CALL) or, for the
 * common kinds, by its type: a flag, a string, a path, a bounded number
 * stored at an offset of the command's context (fio's `struct fio_option`).
 *
 * Must not: know any command or any vbench type, print anything but the
 * help (it is in lib/: the agent links it too).
 */
#ifndef VB_OPTPARSE_H
#define VB_OPTPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/error.h"

/*
 * Apply an option's value (NULL for a flag, and for an optional value not
 * given) to @ctx, the context the command parses into.  Returns 0, or -1
 * with @err (VB_EUSAGE, a message naming the option).
 */
typedef int (*vb_opt_set_fn)(void *ctx, const char *val, vb_error_t *err);

typedef enum vb_opt_type {
	VB_OPT_CALL = 0, /* @set applies it */
	VB_OPT_FLAG,     /* int at @off := 1 */
	VB_OPT_STR,      /* const char * at @off := the value (argv's own string) */
	VB_OPT_PATH,     /* the same, once vb_safefs_check_path accepts it */
	VB_OPT_U64,      /* uint64_t at @off, within [@umin, @umax] (vb_parse_u64) */
	VB_OPT_SIZE,     /* size_t at @off, within [@umin, @umax] */
	VB_OPT_DOUBLE,   /* double at @off, within [@min, @max] (vb_parse_double) */
	VB_OPT_PCT,      /* double at @off: given in percent within [@min, @max], kept / 100 */
} vb_opt_type_t;

typedef struct vb_opt {
	const char *name;    /* "--reps" */
	const char *arg;     /* its value's name ("N"); NULL: a flag; "[=KINDS]": optional */
	const char *def;     /* default as --help shows it; NULL: a typed option's value before
				parsing (when the help is given it), else none */
	const char *allowed; /* allowed values as --help shows them ("crun, runc"), or NULL;
				shown only: the setter checks them */
	const char *help;    /* what it does (--help wraps it) */
	vb_opt_set_fn set;   /* VB_OPT_CALL: applies it */
	vb_opt_type_t type;  /* VB_OPT_CALL unless set through VB_OPT_FLAG_AT and co. */
	size_t off;          /* typed: where it goes in the context (VB_OPT_AT) */
	uint64_t umin, umax; /* VB_OPT_U64, VB_OPT_SIZE: bounds */
	double min, max;     /* VB_OPT_DOUBLE, VB_OPT_PCT: bounds */
	/* Typed: a check of its own on the value as given, after the type's
	 * and before it is stored: 0, or -1 with @err (VB_EUSAGE naming the
	 * option).  Optional. */
	int (*check)(const char *val, vb_error_t *err);
} vb_opt_t;

/*
 * The offset of @field in @T, checked when compiled to be of @type: a
 * typed option cannot write a type its field does not have.
 */
#define VB_OPT_AT(T, field, type)                                                                  \
	(offsetof(T, field) +                                                                      \
	 0 * sizeof(char[__builtin_types_compatible_p(__typeof__(((T *)0)->field), type) ? 1 : -1]))

/* The typed part of a table row: `{ .name = "--json", .help = "...", VB_OPT_FLAG_AT(T, json) }`. */
#define VB_OPT_FLAG_AT(T, f)	.type = VB_OPT_FLAG, .off = VB_OPT_AT(T, f, int)
#define VB_OPT_STR_AT(T, f)	.type = VB_OPT_STR, .off = VB_OPT_AT(T, f, const char *)
#define VB_OPT_PATH_AT(T, f)	.type = VB_OPT_PATH, .off = VB_OPT_AT(T, f, const char *)
#define VB_OPT_U64_AT(T, f, lo, hi)                                                                \
	.type = VB_OPT_U64, .off = VB_OPT_AT(T, f, uint64_t), .umin = (lo), .umax = (hi)
#define VB_OPT_SIZE_AT(T, f, lo, hi)                                                               \
	.type = VB_OPT_SIZE, .off = VB_OPT_AT(T, f, size_t), .umin = (lo), .umax = (hi)
#define VB_OPT_DOUBLE_AT(T, f, lo, hi)                                                             \
	.type = VB_OPT_DOUBLE, .off = VB_OPT_AT(T, f, double), .min = (lo), .max = (hi)
#define VB_OPT_PCT_AT(T, f, lo, hi)                                                                \
	.type = VB_OPT_PCT, .off = VB_OPT_AT(T, f, double), .min = (lo), .max = (hi)

/* More options under their own heading, into their own context (a backend's, say). */
typedef struct vb_optgroup {
	const char *title;    /* heading in --help ("oci environment") */
	const vb_opt_t *opts; /* in --help order */
	size_t nopts;
	void *ctx;	      /* what they write into; NULL: the command's context */
} vb_optgroup_t;

/* A command's positional arguments. */
typedef struct vb_optpos {
	const char *what;    /* one, in messages: "run directory" */
	const char *whats;   /* several: "run directories" */
	size_t min, max;     /* how many (max 0: none) */
	const char *missing; /* message when fewer than @min are given; NULL: "no WHAT given" */
	vb_opt_set_fn add;   /* called with each, in order; NULL: stored at @off */
	size_t off;          /* the const char *[max] they go to, in order (VB_OPT_ARGS_AT) */
} vb_optpos_t;

/*
 * The typed part of a vb_optpos_t: between @lo and @hi arguments stored in
 * order in the array @field of @T (checked to hold @hi strings), or one
 * (@lo: 0 or 1) in the const char * @field.
 */
#define VB_OPT_ARGS_AT(T, field, lo, hi)                                                           \
	.min = (lo), .max = (hi),                                                                  \
	.off = VB_OPT_AT(T, field[0], const char *) +                                              \
	       0 * sizeof(char[(hi) <= sizeof(((T *)0)->field) / sizeof(((T *)0)->field[0]) ? 1 : -1])
#define VB_OPT_ARG_AT(T, field, lo) .min = (lo), .max = 1, .off = VB_OPT_AT(T, field, const char *)

/* Everything about one command's command line. */
typedef struct vb_optspec {
	const char *prog;    /* "vbench report": messages say "(see vbench report --help)" */
	const char *usage;   /* the synopsis lines after "usage: ", '\n' between them */
	const char *about;   /* what the command does, wrapped; '\n' breaks a line */
	const vb_opt_t *opts; /* under "options:", in --help order */
	size_t nopts;
	const vb_optgroup_t *groups; /* more, each under its title */
	size_t ngroups;
	vb_optpos_t pos;     /* the positional arguments */
	const char *epilog;  /* after the options (exit codes), wrapped */
	/* Called after each option is applied (the command's context, the
	 * option), or NULL: `vbench run` keeps which were given. */
	void (*seen)(void *ctx, const vb_opt_t *o);
} vb_optspec_t;

/*
 * Parse @argv (@argv[0] is the command's name, skipped) against @spec into
 * @ctx, in order.  Returns 0; 1 when --help or -h was given (the help is
 * printed on stdout, with @ctx's typed values as the defaults, and nothing
 * applied); -1 with @err (VB_EUSAGE, one line) on bad usage, after the
 * options before it were applied.  @argv is not changed: values and
 * positional arguments are argv's own strings.
 */
int vb_optparse(const vb_optspec_t *spec, void *ctx, int argc, char **argv, vb_error_t *err);

/*
 * Print the help of @spec on @f, generated from its tables: the usage, what
 * the command does, every option with its value's name, help, allowed
 * values and default, then the epilog.  @defaults: the command's context
 * before parsing, whose typed values are shown as the defaults where a row
 * names none (NULL: none shown).  @width: columns to wrap to; 0: @f's
 * width (term.h vb_term_width: the terminal, else $COLUMNS, else 100).
 */
void vb_optparse_help(const vb_optspec_t *spec, const void *defaults, unsigned width, FILE *f);

/* The option of @spec (its groups too) named @name, or NULL. */
const vb_opt_t *vb_optparse_find(const vb_optspec_t *spec, const char *name);

#endif
