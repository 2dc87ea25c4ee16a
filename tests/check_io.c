/*
 * check_io.c - tests of the I/O workloads (io_*.c) and their shared helpers
 * (io_common.c): descriptors, real runs on a private scratch directory with
 * small parameters, the ops/bytes accounting, the self-check (corrupt=1 must
 * give VB_ECHECK), cleanup of the scratch directory on every path, errors
 * for a missing scratch directory and bad geometry, the data pattern and
 * the latency percentiles.
 *
 * The scratch directory is a fresh mkdtemp under /var/tmp (a disk-backed
 * filesystem; /dev/shm would be tmpfs) per test, removed afterwards.  Where
 * that filesystem refuses O_DIRECT the run tests skip, saying why.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "workloads/io_common.h"
#include "workloads/workload.h"
#include "tests/tests.h"

#define TIMEOUT 120

/* One workload with small parameters and the accounting they must give. */
static const struct io_case {
	const char *name;         /* workload */
	const char *kv[3][2];     /* small parameters */
	uint64_t ops;             /* expected res->ops */
	uint64_t bytes;           /* expected res->bytes */
} cases[] = {
	{ "io.seqwrite", { { "file_bytes", "4M" }, { "block", "1M" }, { "passes", "2" } }, 8,
	  8u << 20 },
	{ "io.seqread", { { "file_bytes", "4M" }, { "block", "1M" }, { "passes", "2" } }, 8,
	  8u << 20 },
	{ "io.randread", { { "file_bytes", "4M" }, { "block", "4K" }, { "ops", "200" } }, 200,
	  200u * 4096 },
	{ "io.randwrite", { { "file_bytes", "4M" }, { "block", "4K" }, { "ops", "200" } }, 200,
	  200u * 4096 },
	{ "io.fsync", { { "file_bytes", "64K" }, { "block", "4K" }, { "ops", "200" } }, 200,
	  200u * 4096 },
};

#define NCASES ((int)VB_ARRAY_SIZE(cases))

static char scratch[64]; /* this test's private scratch directory */

static void scratch_setup(void)
{
	snprintf(scratch, sizeof(scratch), "/var/tmp/vbench-check-io-XXXXXX");
	ck_assert_msg(mkdtemp(scratch) != NULL, "mkdtemp %s failed", scratch);
}

static void scratch_teardown(void)
{
	vb_rm_rf(scratch);
}

/* Number of entries in @dir other than . and .. (-1 if it cannot be read). */
static int dir_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* The workload of case @i with its small parameters in @p. */
static const vb_workload_t *case_setup(int i, vb_params_t *p)
{
	const vb_workload_t *w = vb_workload_find(cases[i].name);
	vb_error_t err;
	size_t k;

	ck_assert_msg(w != NULL, "%s not registered", cases[i].name);
	vb_params_defaults(w, p);
	for (k = 0; k < VB_ARRAY_SIZE(cases[i].kv); k++)
		ck_assert_msg(vb_params_set(w, p, cases[i].kv[k][0], cases[i].kv[k][1], &err) == 0,
			      "%s", err.msg);
	return w;
}

/* ---- descriptors ---- */

START_TEST(test_io_descriptor)
{
	const vb_workload_t *w = vb_workload_find(cases[_i].name);
	vb_error_t err;

	ck_assert_ptr_nonnull(w);
	ck_assert_msg(vb_workload_check(w, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(w->kind, VB_KIND_IO);
	ck_assert(w->flags & VB_W_SCRATCH);
	ck_assert_ptr_nonnull(w->scale_param);
	ck_assert_int_ge((int)w->nmetrics, 1);
}
END_TEST

/* ---- runs ---- */

START_TEST(test_io_run)
{
	vb_params_t p;
	const vb_workload_t *w = case_setup(_i, &p);
	vb_wresult_t res;
	vb_error_t err;
	size_t m;
	int rc;

	vb_error_clear(&err);
	rc = vb_workload_run(w, &p, scratch, NULL, 0, &res, &err);
	if (rc < 0 && err.code == VB_EUNAVAIL)
		VB_SKIP("%s", err.msg);
	ck_assert_msg(rc == 0, "%s: %s", w->name, err.msg);
	ck_assert_uint_eq(res.ops, cases[_i].ops);
	ck_assert_uint_eq(res.bytes, cases[_i].bytes);
	ck_assert_uint_gt(res.elapsed_ns, 0);
	for (m = 0; m < w->nmetrics; m++)
		ck_assert_msg(isfinite(res.metric[m]) && res.metric[m] > 0, "%s %s = %g", w->name,
			      w->metrics[m].name, res.metric[m]);
	ck_assert(json_is_object(res.detail));
	ck_assert(json_is_string(json_object_get(res.detail, "fs")));
	json_decref(res.detail);
	ck_assert_int_eq(dir_entries(scratch), 0);
}
END_TEST

START_TEST(test_io_corrupt)
{
	vb_params_t p;
	const vb_workload_t *w = case_setup(_i, &p);
	vb_wresult_t res;
	vb_error_t err;
	int rc;

	vb_error_clear(&err);
	rc = vb_workload_run(w, &p, scratch, NULL, 1, &res, &err);
	if (rc < 0 && err.code == VB_EUNAVAIL)
		VB_SKIP("%s", err.msg);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(err.code == VB_ECHECK, "%s: expected a check error, got %s: %s", w->name,
		      vb_error_code_name(err.code), err.msg);
	ck_assert_ptr_null(res.detail);
	ck_assert_int_eq(dir_entries(scratch), 0);
}
END_TEST

START_TEST(test_io_missing_scratch)
{
	vb_params_t p;
	const vb_workload_t *w = case_setup(_i, &p);
	char missing[128];
	vb_wresult_t res;
	vb_error_t err;

	snprintf(missing, sizeof(missing), "%s/no-such-dir", scratch);
	vb_error_clear(&err);
	ck_assert_int_eq(vb_workload_run(w, &p, missing, NULL, 0, &res, &err), -1);
	ck_assert_int_ne(err.code, VB_OK);
	ck_assert_msg(strstr(err.msg, missing) != NULL, "message does not name it: %s", err.msg);
	vb_error_clear(&err);
	ck_assert_int_eq(vb_workload_run(w, &p, NULL, NULL, 0, &res, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_int_eq(dir_entries(scratch), 0);
}
END_TEST

START_TEST(test_io_bad_geometry)
{
	const vb_workload_t *w = vb_workload_find("io.seqread");
	vb_wresult_t res;
	vb_params_t p;
	vb_error_t err;

	vb_params_defaults(w, &p);
	ck_assert_int_eq(vb_params_set(w, &p, "block", "6K", &err), 0);
	ck_assert_int_eq(vb_workload_run(w, &p, scratch, NULL, 0, &res, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "block"));

	vb_params_defaults(w, &p);
	ck_assert_int_eq(vb_params_set(w, &p, "file_bytes", "1028K", &err), 0);
	ck_assert_int_eq(vb_workload_run(w, &p, scratch, NULL, 0, &res, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "file_bytes"));
	ck_assert_int_eq(dir_entries(scratch), 0);
}
END_TEST

/* ---- helpers of io_common.c ---- */

START_TEST(test_io_pattern)
{
	vb_io_pattern_t pat;
	vb_error_t err;
	size_t len = 4 * VB_IO_PBLOCK;
	unsigned char *buf;

	buf = vb_io_buf_alloc(len, &err);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq((uintptr_t)buf % VB_IO_ALIGN, 0);
	vb_io_pattern_init(&pat, 42, 0);
	vb_io_pattern_fill(&pat, buf, len, 10);
	ck_assert_int_eq(vb_io_pattern_verify(&pat, buf, len, 10, 1, "t", &err), 0);
	ck_assert_uint_eq(((uint64_t *)buf)[VB_IO_PWORDS], 11); /* index of 2nd block */
	/* wrong place in the file */
	ck_assert_int_eq(vb_io_pattern_verify(&pat, buf, len, 11, 0, "t", &err), -1);
	ck_assert_int_eq(err.code, VB_ECHECK);
	/* one body byte: only the full check sees it */
	buf[VB_IO_PBLOCK + 100] ^= 1;
	ck_assert_int_eq(vb_io_pattern_verify(&pat, buf, len, 10, 0, "t", &err), 0);
	ck_assert_int_eq(vb_io_pattern_verify(&pat, buf, len, 10, 1, "t", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "block 11"));
	buf[VB_IO_PBLOCK + 100] ^= 1;
	/* another generation: headers differ, restamping fixes them */
	pat.gen = 1;
	ck_assert_int_eq(vb_io_pattern_verify(&pat, buf, len, 10, 0, "t", &err), -1);
	vb_io_pattern_stamp(&pat, buf, len, 10);
	ck_assert_int_eq(vb_io_pattern_verify(&pat, buf, len, 10, 1, "t", &err), 0);
	vb_io_falsify(buf);
	ck_assert_int_eq(vb_io_pattern_verify(&pat, buf, len, 10, 0, "t", &err), -1);
	free(buf);
}
END_TEST

START_TEST(test_io_latency)
{
	vb_io_lat_t lat;
	vb_error_t err;
	json_t *d = json_object(), *o;
	double p50, p99;
	uint64_t i;

	ck_assert_int_eq(vb_io_lat_init(&lat, 1000, &err), 0);
	for (i = 1000; i >= 1; i--) /* 1..1000 us, unsorted */
		vb_io_lat_add(&lat, i * 1000);
	vb_io_lat_add(&lat, 5); /* beyond capacity: dropped */
	ck_assert_uint_eq(lat.n, 1000);
	vb_io_lat_report(&lat, &p50, &p99, d);
	ck_assert_double_eq_tol(p50, 500.0, 1e-9);
	ck_assert_double_eq_tol(p99, 990.0, 1e-9);
	o = json_object_get(d, "latency_us");
	ck_assert(json_is_object(o));
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "min")), 1.0, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "p90")), 900.0, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "p999")), 999.0, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "max")), 1000.0, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "mean")), 500.5, 1e-9);
	json_decref(d);
	vb_io_lat_free(&lat);
	ck_assert_double_eq(vb_io_per_s(10, 2000000000ull), 5.0);
}
END_TEST

START_TEST(test_io_rng)
{
	vb_io_job_t j = { .file_bytes = 1 << 20, .block = 8192, .nblocks = 128 };
	uint64_t a = vb_io_rng_init(7), b = vb_io_rng_init(7), off;
	int i;

	ck_assert_uint_ne(vb_io_rng_init(0), 0);
	for (i = 0; i < 1000; i++) {
		off = vb_io_rng_offset(&j, &a);
		ck_assert_uint_eq(off, vb_io_rng_offset(&j, &b));
		ck_assert_uint_eq(off % 8192, 0);
		ck_assert_uint_lt(off, j.file_bytes);
	}
}
END_TEST

Suite *vb_suite_io(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("core");
	TCase *run = tcase_create("run");

	tcase_add_test(tc, test_io_pattern);
	tcase_add_test(tc, test_io_latency);
	tcase_add_test(tc, test_io_rng);
	tcase_add_loop_test(tc, test_io_descriptor, 0, NCASES);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(run, scratch_setup, scratch_teardown);
	tcase_set_timeout(run, TIMEOUT);
	tcase_add_loop_test(run, test_io_run, 0, NCASES);
	tcase_add_loop_test(run, test_io_corrupt, 0, NCASES);
	tcase_add_loop_test(run, test_io_missing_scratch, 0, NCASES);
	tcase_add_test(run, test_io_bad_geometry);
	suite_add_tcase(s, run);
	return s;
}
