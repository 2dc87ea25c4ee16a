/*
 * fuzz_common.c - helpers shared by the fuzz targets (fuzz.h).
 */
#include "fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "harness/core/runfile.h"
#include "harness/analysis/summary.h"

char *vb_fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

FILE *vb_fuzz_null(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "we");
	if (!f)
		abort();
	return f;
}

void vb_fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: contract broken: %s\n", file, line, what);
	abort();
}

void vb_fuzz_check_error(const vb_error_t *err)
{
	VB_FUZZ_ASSERT(err->code != VB_OK, "failure without an error code");
	VB_FUZZ_ASSERT(err->msg[0], "failure without a message");
	VB_FUZZ_ASSERT(!strpbrk(err->msg, "\n\r"), err->msg);
}

const json_t *vb_fuzz_fixture_run(void)
{
	static json_t *run;
	static int tried;
	const char *src = getenv("VBENCH_SRCDIR");
	char path[4096];
	vb_error_t err;

	if (tried)
		return run;
	tried = 1;
	snprintf(path, sizeof(path), "%s/tests/fixtures/run-bare-container.json",
		 src && *src ? src : ".");
	run = vb_runfile_load(path, &err);
	if (!run)
		fprintf(stderr, "fuzz: no fixture run (%s): those parts are skipped\n", err.msg);
	return run;
}

const json_t *vb_fuzz_fixture_summary(void)
{
	static json_t *sum;
	static int tried;
	vb_summary_cfg_t cfg;
	vb_error_t err;

	if (tried)
		return sum;
	tried = 1;
	if (!vb_fuzz_fixture_run())
		return NULL;
	vb_summary_cfg_init(&cfg);
	cfg.resamples = VB_FUZZ_RESAMPLES;
	sum = vb_summary_build(vb_fuzz_fixture_run(), &cfg, &err);
	if (!sum)
		fprintf(stderr, "fuzz: no fixture summary (%s)\n", err.msg);
	return sum;
}
