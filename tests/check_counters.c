/*
 * check_counters.c - tests of the counters module.
 *
 * Names: the default list validates, unknown names (plain or perf::) are
 * usage errors, and a PAPI preset is known even on a host whose PMU cannot
 * count it.  Measurement: every default event is reported either with a
 * value and source or as unavailable with a reason; the task clock tracks a
 * busy loop; children forked and waited for inside the region are counted
 * (inheritance); page faults of fresh pages are counted.  Where a test can
 * force one source (vb_counters_new_from) it checks each fallback in turn,
 * so the perf_event and getrusage paths are exercised even on a host where
 * PAPI counts everything.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/counters.h"
#include "lib/util.h"
#include "tests/tests.h"

#define MS 1000000ull

/* Spin on the CPU for about @ns of wall time; returns the wall time spent. */
static uint64_t spin(uint64_t ns)
{
	uint64_t t0 = vb_now_ns(), t;
	volatile unsigned long x = 0;

	do {
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i * 7;
		t = vb_now_ns();
	} while (t - t0 < ns);
	return t - t0;
}

/* Spin until this process has used about @ns of CPU time. */
static void spin_cpu(uint64_t ns)
{
	struct timespec ts;
	volatile unsigned long x = 0;
	uint64_t used;

	do {
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i * 7;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		used = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	} while (used < ns);
}

/* A one-event set restricted to @mask; NULL when that source cannot count it. */
static vb_counters_t *one(const char *name, unsigned mask)
{
	const char *names[] = { name };
	vb_error_t err;
	vb_counters_t *c = vb_counters_new_from(names, 1, mask, &err);

	ck_assert_msg(c != NULL, "%s: %s", name, err.msg);
	if (vb_counters_at(c, 0)->source == VB_CSRC_NONE) {
		fprintf(stderr, "note: %s not countable with mask 0x%x: %s\n", name, mask,
			vb_counters_at(c, 0)->reason);
		vb_counters_free(c);
		return NULL;
	}
	return c;
}

static const unsigned masks[] = { VB_CSRC_MASK_ALL, 1u << VB_CSRC_PERF, 1u << VB_CSRC_RUSAGE };

/* ---- names --------------------------------------------------------------- */

START_TEST(test_validate_defaults)
{
	vb_error_t err;

	ck_assert_uint_eq(vb_default_nevents, 11);
	ck_assert_int_eq(vb_counters_validate(vb_default_events, vb_default_nevents, &err), 0);
}
END_TEST

START_TEST(test_validate_unknown)
{
	static const char *const bad[] = { "NOT_AN_EVENT", "perf::NOPE", "PAPI_NOPE" };
	const char *dup[] = { "perf::TASK-CLOCK", "perf::TASK-CLOCK" };
	const char *empty[] = { "" };
	const char *many[VB_MAX_EVENTS + 1];
	char want[96];
	vb_error_t err;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		vb_error_clear(&err);
		ck_assert_int_eq(vb_counters_validate(&bad[i], 1, &err), -1);
		ck_assert_int_eq(err.code, VB_EUSAGE);
		snprintf(want, sizeof(want), "unknown counter event '%s' (PAPI: ", bad[i]);
		ck_assert_msg(strstr(err.msg, want), "message: %s", err.msg);
		vb_error_clear(&err);
		ck_assert_ptr_null(vb_counters_new(&bad[i], 1, &err));
		ck_assert_int_eq(err.code, VB_EUSAGE);
	}
	ck_assert_int_eq(vb_counters_validate(dup, 2, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_int_eq(vb_counters_validate(empty, 1, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	for (i = 0; i < VB_ARRAY_SIZE(many); i++)
		many[i] = "perf::TASK-CLOCK";
	ck_assert_int_eq(vb_counters_validate(many, VB_ARRAY_SIZE(many), &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
}
END_TEST

/* Presets are names PAPI knows even with no hardware counters. */
START_TEST(test_validate_presets_and_aliases)
{
	static const char *const good[] = { "PAPI_L2_TCM", "PAPI_FP_OPS", "perf::TASK_CLOCK",
					    "perf::CS", "perf::MINOR-FAULTS", "perf::MAJOR-FAULTS",
					    "perf::CPU-CLOCK" };
	vb_error_t err;

	vb_error_clear(&err);
	ck_assert_msg(vb_counters_validate(good, VB_ARRAY_SIZE(good), &err) == 0, "%s", err.msg);
}
END_TEST

START_TEST(test_names_and_null)
{
	ck_assert_str_eq(vb_csrc_name(VB_CSRC_PAPI), "papi");
	ck_assert_str_eq(vb_csrc_name(VB_CSRC_PERF), "perf_event");
	ck_assert_str_eq(vb_csrc_name(VB_CSRC_RUSAGE), "getrusage");
	ck_assert_str_eq(vb_csrc_name(VB_CSRC_NONE), "unavailable");
	ck_assert_int_eq(vb_counters_start(NULL), 0);
	ck_assert_int_eq(vb_counters_stop(NULL), 0);
	ck_assert_uint_eq(vb_counters_count(NULL), 0);
	ck_assert_str_eq(vb_counters_mode(NULL), "none");
	vb_counters_free(NULL);
}
END_TEST

/* ---- measurement --------------------------------------------------------- */

START_TEST(test_defaults_json)
{
	vb_error_t err;
	vb_counters_t *c = vb_counters_new(vb_default_events, vb_default_nevents, &err);
	const char *mode;
	json_t *j;
	size_t i;

	ck_assert_msg(c != NULL, "%s", err.msg);
	ck_assert_uint_eq(vb_counters_count(c), vb_default_nevents);
	mode = vb_counters_mode(c);
	ck_assert_msg(!strcmp(mode, "none") || !strcmp(mode, "single-set") ||
			      !strcmp(mode, "multiplexed"), "mode %s", mode);
	ck_assert_int_eq(vb_counters_start(c), 0);
	spin(20 * MS);
	ck_assert_int_eq(vb_counters_stop(c), 0);
	j = vb_counters_to_json(c);
	ck_assert_uint_eq(json_object_size(j), vb_default_nevents);
	for (i = 0; i < vb_default_nevents; i++) {
		json_t *e = json_object_get(j, vb_default_events[i]);
		const vb_counter_t *ev = vb_counters_at(c, i);

		ck_assert_msg(json_is_object(e), "%s missing", vb_default_events[i]);
		ck_assert_str_eq(ev->name, vb_default_events[i]);
		if (json_object_get(e, "value")) {
			const char *src = json_string_value(json_object_get(e, "source"));

			ck_assert(json_is_integer(json_object_get(e, "value")));
			ck_assert_ptr_nonnull(src);
			ck_assert_str_eq(src, vb_csrc_name(ev->source));
			ck_assert_str_ne(src, "unavailable");
			ck_assert(json_is_string(json_object_get(e, "unit")));
			ck_assert_int_ge(json_integer_value(json_object_get(e, "value")), 0);
		} else {
			const char *why = json_string_value(json_object_get(e, "reason"));

			ck_assert(json_is_false(json_object_get(e, "available")));
			ck_assert_msg(why && *why, "%s: empty reason", vb_default_events[i]);
			ck_assert_int_eq(ev->source, VB_CSRC_NONE);
			ck_assert_msg(!strncmp(why, "PAPI: ", 6), "%s: %s", ev->name, why);
			ck_assert_msg(strstr(why, "getrusage: "), "%s: %s", ev->name, why);
		}
	}
	/* the software events always have some source on Linux */
	ck_assert(json_object_get(json_object_get(j, "perf::TASK-CLOCK"), "value"));
	ck_assert(json_object_get(json_object_get(j, "perf::PAGE-FAULTS"), "value"));
	ck_assert(json_object_get(json_object_get(j, "perf::CONTEXT-SWITCHES"), "value"));
	json_decref(j);
	vb_counters_free(c);
}
END_TEST

/* PAPI_L2_TCM has no generic perf mapping: PAPI or nothing. */
START_TEST(test_l2_reason)
{
	const char *names[] = { "PAPI_L2_TCM" };
	vb_error_t err;
	vb_counters_t *c = vb_counters_new(names, 1, &err);
	const vb_counter_t *ev;

	ck_assert_msg(c != NULL, "%s", err.msg);
	ev = vb_counters_at(c, 0);
	if (ev->source == VB_CSRC_NONE) {
		ck_assert_msg(strstr(ev->reason, "PAPI: ") == ev->reason, "%s", ev->reason);
		ck_assert_msg(strstr(ev->reason, "perf_event_open: no generic perf mapping"), "%s",
			      ev->reason);
		ck_assert_msg(strstr(ev->reason, "getrusage: no equivalent"), "%s", ev->reason);
	} else {
		ck_assert_int_eq(ev->source, VB_CSRC_PAPI);
	}
	vb_counters_free(c);
}
END_TEST

/* CPU time of this process so far (what TASK-CLOCK counts for it), in ns. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

START_TEST(test_task_clock_busy_loop)
{
	size_t m;

	for (m = 0; m < VB_ARRAY_SIZE(masks); m++) {
		vb_counters_t *c = one("perf::TASK-CLOCK", masks[m]);
		uint64_t wall, cpu, cpu0;
		long long v;

		if (!c) {
			ck_assert_msg(masks[m] != VB_CSRC_MASK_ALL, "TASK-CLOCK unavailable");
			continue;
		}
		ck_assert_str_eq(vb_counters_at(c, 0)->unit, "ns");
		/* Between the CPU time the kernel gave this process over the
		 * same region and the wall time: on a loaded host the spin gets
		 * a fraction of a CPU and the task clock must say so; in a VM
		 * with paravirtual steal accounting the process CPU clock
		 * leaves out stolen time that perf's task clock still counts,
		 * so the task clock may exceed it, never the wall time. */
		cpu0 = cpu_ns();
		vb_counters_start(c);
		wall = spin(100 * MS);
		vb_counters_stop(c);
		cpu = cpu_ns() - cpu0;
		v = vb_counters_at(c, 0)->value;
		ck_assert_msg(v >= (long long)(cpu * 9 / 10) - 2 * (long long)MS &&
				      v <= (long long)wall + 2 * (long long)MS,
			      "source %s: task clock %lld ns for %llu ns of CPU time (%llu ns of spinning)",
			      vb_csrc_name(vb_counters_at(c, 0)->source), v, (unsigned long long)cpu,
			      (unsigned long long)wall);
		/* a second, shorter region is not cumulative */
		vb_counters_start(c);
		wall = spin(20 * MS);
		vb_counters_stop(c);
		v = vb_counters_at(c, 0)->value;
		ck_assert_msg(v <= (long long)(wall * 2) + 10 * (long long)MS,
			      "second region: %lld ns for %llu ns", v, (unsigned long long)wall);
		vb_counters_free(c);
	}
}
END_TEST

/* Fork a child that burns ~60 ms of CPU, wait for it; returns TASK-CLOCK. */
static long long measure_child(vb_counters_t *c)
{
	int status;
	pid_t pid;

	vb_counters_start(c);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		spin_cpu(60 * MS);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	vb_counters_stop(c);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return vb_counters_at(c, 0)->value;
}

START_TEST(test_inherit_children)
{
	size_t m;

	for (m = 0; m < VB_ARRAY_SIZE(masks); m++) {
		vb_counters_t *c = one("perf::TASK-CLOCK", masks[m]);
		const char *src;
		long long v;
		uint64_t wall;

		if (!c)
			continue;
		src = vb_csrc_name(vb_counters_at(c, 0)->source);
		v = measure_child(c);
		ck_assert_msg(v >= 40 * (long long)MS, "source %s: child's 60 ms counted as %lld ns",
			      src, v);
		/* what the exited child added must not leak into the next region */
		vb_counters_start(c);
		wall = spin(5 * MS);
		vb_counters_stop(c);
		v = vb_counters_at(c, 0)->value;
		ck_assert_msg(v < (long long)(wall * 2) + 20 * (long long)MS,
			      "source %s: region after the child: %lld ns", src, v);
		/* and a second child is counted again */
		v = measure_child(c);
		ck_assert_msg(v >= 40 * (long long)MS, "source %s: second child: %lld ns", src, v);
		vb_counters_free(c);
	}
}
END_TEST

START_TEST(test_page_faults)
{
	static const char *const evs[] = { "perf::PAGE-FAULTS", "perf::MINOR-FAULTS" };
	const size_t pages = 2048;
	size_t m, e, i;
	long psz = sysconf(_SC_PAGESIZE);

	for (e = 0; e < VB_ARRAY_SIZE(evs); e++) {
		for (m = 0; m < VB_ARRAY_SIZE(masks); m++) {
			vb_counters_t *c = one(evs[e], masks[m]);
			volatile char *p;
			long long v;

			if (!c) {
				ck_assert_msg(masks[m] != VB_CSRC_MASK_ALL, "%s unavailable", evs[e]);
				continue;
			}
			p = mmap(NULL, pages * (size_t)psz, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			ck_assert(p != MAP_FAILED);
			madvise((void *)p, pages * (size_t)psz, MADV_NOHUGEPAGE);
			vb_counters_start(c);
			for (i = 0; i < pages; i++)
				p[i * (size_t)psz] = 1;
			vb_counters_stop(c);
			v = vb_counters_at(c, 0)->value;
			ck_assert_msg(v >= (long long)(pages * 9 / 10),
				      "%s from %s: %lld faults for %zu fresh pages", evs[e],
				      vb_csrc_name(vb_counters_at(c, 0)->source), v, pages);
			munmap((void *)p, pages * (size_t)psz);
			vb_counters_free(c);
		}
	}
}
END_TEST

START_TEST(test_sources_json)
{
	json_t *j = vb_counters_sources_json(), *papi, *par;

	ck_assert(json_is_object(j));
	papi = json_object_get(j, "papi");
	ck_assert(json_is_object(papi));
	ck_assert(json_is_string(json_object_get(papi, "version")));
	ck_assert(json_is_boolean(json_object_get(papi, "initialised")));
	ck_assert(json_is_array(json_object_get(papi, "components")));
	if (json_is_false(json_object_get(papi, "initialised")))
		ck_assert(json_is_string(json_object_get(papi, "reason")));
	par = json_object_get(j, "perf_event_paranoid");
	ck_assert(json_is_integer(par) || json_is_null(par));
	json_decref(j);
}
END_TEST

Suite *vb_suite_counters(void)
{
	Suite *s = suite_create("counters");
	TCase *names = tcase_create("names");
	TCase *meas = tcase_create("measure");

	tcase_add_test(names, test_validate_defaults);
	tcase_add_test(names, test_validate_unknown);
	tcase_add_test(names, test_validate_presets_and_aliases);
	tcase_add_test(names, test_names_and_null);
	tcase_add_test(names, test_sources_json);
	tcase_set_timeout(names, 30);
	suite_add_tcase(s, names);

	tcase_add_test(meas, test_defaults_json);
	tcase_add_test(meas, test_l2_reason);
	tcase_add_test(meas, test_task_clock_busy_loop);
	tcase_add_test(meas, test_inherit_children);
	tcase_add_test(meas, test_page_faults);
	tcase_set_timeout(meas, 30);
	suite_add_tcase(s, meas);
	return s;
}
