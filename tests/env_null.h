/*
 * env_null.h - `null`, a backend compiled into the test binary only
 * (env_null.c), registered by check_lifecycle.c with vb_env_register.
 */
#ifndef VB_TESTS_ENV_NULL_H
#define VB_TESTS_ENV_NULL_H

#include "harness/env/env.h"

extern const vb_env_ops_t vb_env_null;

/* The configuration its one option fills. */
typedef struct null_conf {
	const char *label; /* --null-label: recorded by describe */
} null_conf_t;

/* How many records its undo hook was given. */
extern int vb_env_null_undone;

#endif
