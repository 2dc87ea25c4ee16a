/*
 * check_fleet_collect.c - suite fleet_collect: fleets without a shared
 * filesystem (harness/fleet/fleet_collect.c, fleet.c's environment): a
 * node's tar stream unpacked, only its own run directories and task logs,
 * everything else refused naming the entry with nothing kept; an earlier
 * copy replaced whole; fleet.json through the environment and back.  The
 * collect through srun itself: check_fleet_cluster.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/fleet/fleet.h"
#include "lib/json.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX];

static void setup(void)
{
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "fltest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* A tar at @path made by Python's tarfile from @spec: "f NAME TEXT" a file,
 * "d NAME" a directory, "l NAME TARGET" a symbolic link, "c NAME" a
 * character device; entries separated by ';'. */
static void make_tar(const char *path, const char *spec)
{
	static const char prog[] =
	    "import io, sys, tarfile\n"
	    "t = tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT)\n"
	    "for e in sys.argv[2].split(';'):\n"
	    "    k, n, *rest = e.split(' ', 2)\n"
	    "    i = tarfile.TarInfo(n)\n"
	    "    if k == 'f':\n"
	    "        b = rest[0].encode(); i.size = len(b); t.addfile(i, io.BytesIO(b)); continue\n"
	    "    i.type = {'d': tarfile.DIRTYPE, 'l': tarfile.SYMTYPE, 'c': tarfile.CHRTYPE}[k]\n"
	    "    if k == 'l': i.linkname = rest[0]\n"
	    "    t.addfile(i)\n"
	    "t.close()\n";
	char *argv[] = { "/usr/bin/python3", "-c", (char *)prog, (char *)path, (char *)spec, NULL };
	char out[4096];

	ck_assert_msg(vb_test_run(argv, NULL, out, sizeof(out), NULL) == 0, "tarfile: %s", out);
}

static int unpack_file(vb_fleet_t *f, const char *tar, unsigned *runs, vb_error_t *err)
{
	int fd = open(tar, O_RDONLY | O_CLOEXEC), rc;

	ck_assert_int_ge(fd, 0);
	rc = vb_fleet_unpack(f, fd, "n1", "the stream", runs, err);
	close(fd);
	return rc;
}

/* A collected fleet's stream: this fleet's run directories and logs only,
 * files and directories only; anything else refused, naming the entry,
 * with nothing of the stream kept. */
START_TEST(test_unpack)
{
	static const char *const bad[][2] = {
		{ "f ../x evil", "../x" },
		{ "f /etc/x evil", "/etc/x" },
		{ "f n1-0/../../x evil", "n1-0/../../x" },
		{ "f other/x evil", "other/x" },
		{ "f n1-7/run.json {}", "n1-7/run.json" }, /* the fleet has tasks 0 and 1 */
		{ "d n1-0;l n1-0/link /etc", "expected a file or a directory" },
		{ "d n1-0;c n1-0/dev", "expected a file or a directory" },
		{ "f n1-0/a one;f n1-0/a two", "n1-0/a" },
		{ "f n1-0/.x/../../y evil", ".." },
		{ "f n1-0 x", "expected a directory" },		   /* a file for a run directory */
		{ "d n2-1;f n2-1/run.json {}", "expected n1-TASK" },	   /* another node's */
		{ "d logs;d logs/a;f logs/a/b x", "logs/a" },		   /* logs/ is flat */
		{ "f logs x", "expected a directory" },
		{ "d logs;f logs/notes.txt x", "logs/notes.txt" },	   /* a task's log only */
		{ "d logs;f logs/7_5.out x", "logs/7_5.out" },	   /* task 5 of 2 */
		{ "d n1-0;f n1-0/x a;f n1-0/x/y z", "below a file" },
	};
	char *run[] = { "--profile", "test" };
	vb_fleet_new_t n = { .tasks = 2, .run_argv = run, .run_argc = 2, .vbench = "/opt/vbench",
			     .collect = 1 };
	char dir[PATH_MAX], tar[PATH_MAX], path[PATH_MAX + 64];
	unsigned runs = 0;
	vb_fleet_t f;
	vb_error_t err;

	snprintf(dir, sizeof(dir), "%s/fleet", tmpdir);
	n.dir = dir;
	ck_assert_msg(vb_fleet_create(&n, &f, &err) == 0, "%s", err.msg);
	ck_assert(f.collect);
	ck_assert_ptr_nonnull(strstr(f.local_dir, VB_FLEET_LOCAL_PREFIX));
	snprintf(tar, sizeof(tar), "%s/s.tar", tmpdir);
	for (size_t i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		make_tar(tar, bad[i][0]);
		vb_error_clear(&err);
		ck_assert_msg(unpack_file(&f, tar, &runs, &err) < 0, "%s accepted", bad[i][0]);
		ck_assert_msg(strstr(err.msg, bad[i][1]), "%s: %s", bad[i][0], err.msg);
		ck_assert_int_eq(vb_test_entries(dir), 4); /* fleet.json, job.sh, logs, lock */
	}
	{ /* a name longer than a directory entry may be */
		char spec[400] = "d n1-0;f n1-0/";

		memset(spec + strlen(spec), 'a', 300);
		strcat(spec, " x");
		make_tar(tar, spec);
		ck_assert_int_lt(unpack_file(&f, tar, &runs, &err), 0);
		ck_assert_ptr_nonnull(strstr(err.msg, "n1-0/aaa"));
	}
	ck_assert_uint_eq(runs, 0);
	make_tar(tar, "d n1-0;f n1-0/run.json first;d n1-0/charts;f n1-0/charts/a.dat x;"
		      "d logs;f logs/7_0.out log of task 0");
	ck_assert_msg(unpack_file(&f, tar, &runs, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(runs, 1);
	snprintf(path, sizeof(path), "%s/n1-0/run.json", dir);
	vb_test_assert_content(path, "first");
	snprintf(path, sizeof(path), "%s/logs/7_0.out", dir);
	vb_test_assert_content(path, "log of task 0");
	/* collected again: the new copy replaces the old one whole */
	make_tar(tar, "d n1-0;f n1-0/run.json second");
	ck_assert_msg(unpack_file(&f, tar, &runs, &err) == 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/n1-0/run.json", dir);
	vb_test_assert_content(path, "second");
	snprintf(path, sizeof(path), "%s/n1-0/charts", dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	vb_fleet_close(&f);
}
END_TEST

/* A task of a collected fleet reads fleet.json from its environment only
 * when it is well-formed hex of a collected fleet. */
START_TEST(test_open_env)
{
	vb_fleet_t f;
	vb_error_t err;

	unsetenv(VB_FLEET_ENV);
	ck_assert_int_eq(vb_fleet_open_env(&f, 0, &err), -1);
	setenv(VB_FLEET_ENV, "7b7", 1);
	ck_assert_int_eq(vb_fleet_open_env(&f, 0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "hex"));
	setenv(VB_FLEET_ENV, "7g7d", 1);
	ck_assert_int_eq(vb_fleet_open_env(&f, 0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "hex"));
	setenv(VB_FLEET_ENV, "7b7d", 1); /* "{}": not a fleet */
	ck_assert_int_eq(vb_fleet_open_env(&f, 0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a fleet file"));
	/* a collected fleet's own value: read back as it was, without its submissions */
	{
		char *run[] = { "--profile", "test" };
		vb_fleet_new_t n = { .tasks = 2, .run_argv = run, .run_argc = 2,
				     .vbench = "/opt/vbench", .collect = 1 };
		static const unsigned ids[] = { 0, 1 };
		char dir[PATH_MAX], *kv;
		vb_fleet_t g;

		snprintf(dir, sizeof(dir), "%s/envfleet", tmpdir);
		n.dir = dir;
		ck_assert_msg(vb_fleet_create(&n, &g, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(vb_fleet_add_submission(&g, "9", "", ids, 2, NULL, &err), 0);
		kv = vb_fleet_env_value(&g);
		ck_assert_ptr_nonnull(kv);
		ck_assert_int_eq(setenv(VB_FLEET_ENV, kv + strlen(VB_FLEET_ENV) + 1, 1), 0);
		free(kv);
		ck_assert_msg(vb_fleet_open_env(&f, 0, &err) == -1 && err.errnum == ENOENT, "%s",
			      err.msg); /* no local directory yet, none made */
		ck_assert_msg(vb_fleet_open_env(&f, 1, &err) == 0, "%s", err.msg);
		ck_assert_str_eq(f.dir, g.local_dir);
		ck_assert_uint_eq(f.seed, g.seed);
		ck_assert_int_eq(json_array_size(json_object_get(f.doc, "submissions")), 0);
		vb_fleet_close(&f);
		rmdir(g.local_dir);
		vb_fleet_close(&g);
		unsetenv(VB_FLEET_ENV);
	}
	unsetenv(VB_FLEET_ENV);
}
END_TEST

Suite *vb_suite_fleet_collect(void)
{
	Suite *s = suite_create("fleet_collect");
	TCase *tc = tcase_create("fleet_collect");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unpack);
	tcase_add_test(tc, test_open_env);
	suite_add_tcase(s, tc);
	return s;
}
