/*
 * fuzz.h - helpers shared by the libFuzzer targets of fuzz/ (`make fuzz`,
 * docs/reliability.md).  Each target feeds bytes to one parser of hostile
 * input and what consumes its result; a target aborts (a "crash" for
 * libFuzzer) when a contract breaks, not only on memory errors: an error
 * message that is empty or longer than one line, a document the next stage
 * refuses although the previous one accepted it.
 */
#ifndef VB_FUZZ_H
#define VB_FUZZ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/error.h"

/* The entry point libFuzzer calls once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated malloc'ed copy of @data (NUL bytes inside kept). Caller frees. */
char *vb_fuzz_cstr(const uint8_t *data, size_t size);

/* A write-only stream to /dev/null for printers (opened once). */
FILE *vb_fuzz_null(void);

/* Abort unless @err holds a non-empty one-line message (error.h's contract). */
void vb_fuzz_check_error(const vb_error_t *err);

/* Abort with @what on stderr when @cond is false. */
#define VB_FUZZ_ASSERT(cond, what)                                                                 \
	do {                                                                                       \
		if (!(cond))                                                                       \
			vb_fuzz_fail(__FILE__, __LINE__, (what));                                  \
	} while (0)
void vb_fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/*
 * The committed real run.json (tests/fixtures/run-bare-container.json, found
 * from VBENCH_SRCDIR or the working directory), loaded once; NULL when it
 * cannot be read.  Borrowed.
 */
const json_t *vb_fuzz_fixture_run(void);

/* Its summary (vb_summary_build with few resamples), built once. Borrowed. */
const json_t *vb_fuzz_fixture_summary(void);

/* Few resamples: the statistics are exercised, not trusted. */
#define VB_FUZZ_RESAMPLES 100

#endif
