/*
 * check_registry.c - the three registries: workloads (workloads/list.h),
 * environment backends (harness/env/env.c) and the resource registry
 * (harness/core/undo.c).
 *
 * The workload and environment tables are tested themselves: every entry
 * must pass its check, names are unique and well formed, lookups work, and
 * deliberately broken descriptors are refused with a message naming the
 * problem.  Workload parameters are checked against their descriptor and
 * survive a JSON round trip.  The resource registry must release what it
 * holds (directory, file, child process), newest first, and leave alone what
 * was forgotten.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/env.h"
#include "harness/core/undo.h"
#include "lib/util.h"
#include "workloads/workload.h"
#include "tests/tests.h"

/* ---- workload registry ---------------------------------------------------- */

START_TEST(test_workloads_all_valid)
{
	size_t i, n = vb_workload_count();
	const vb_workload_t *w;
	vb_error_t err;

	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		w = vb_workload_at(i);
		ck_assert_ptr_nonnull(w);
		vb_error_clear(&err);
		ck_assert_msg(vb_workload_check(w, &err) == 0, "workload %zu (%s): %s", i,
			      w->name ? w->name : "?", err.msg);
	}
	ck_assert_ptr_null(vb_workload_at(n));
}
END_TEST

START_TEST(test_workload_names)
{
	size_t i, j, n = vb_workload_count();
	const vb_workload_t *w;
	const char *dot, *kind, *c;

	for (i = 0; i < n; i++) {
		w = vb_workload_at(i);
		dot = strchr(w->name, '.');
		ck_assert_msg(dot != NULL, "%s is not KIND.NAME", w->name);
		ck_assert_msg(strchr(dot + 1, '.') == NULL, "%s has more than one dot", w->name);
		ck_assert_msg(dot[1] != '\0', "%s has an empty name part", w->name);
		kind = vb_kind_name(w->kind);
		ck_assert_msg(strlen(kind) == (size_t)(dot - w->name) &&
				      !strncmp(w->name, kind, strlen(kind)),
			      "%s: prefix does not match its kind '%s'", w->name, kind);
		for (c = dot + 1; *c; c++)
			ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
					      *c == '_',
				      "%s: character '%c' in the name", w->name, *c);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(w->name, vb_workload_at(j)->name),
				      "workload %s registered twice", w->name);
		ck_assert_ptr_eq(vb_workload_find(w->name), w);
	}
	ck_assert_ptr_null(vb_workload_find("nope"));
	ck_assert_ptr_null(vb_workload_find(""));
	ck_assert_ptr_null(vb_workload_find("mem.*"));
	ck_assert_str_eq(vb_kind_name(VB_KIND_CPU), "cpu");
	ck_assert_str_eq(vb_kind_name(VB_KIND_MEM), "mem");
	ck_assert_str_eq(vb_kind_name(VB_KIND_IO), "io");
}
END_TEST

/* A well-formed descriptor the broken variants are copied from. */
static int fake_run(vb_wctx_t *ctx, vb_wresult_t *res, vb_error_t *err)
{
	vb_wctx_begin(ctx);
	vb_wctx_end(ctx);
	res->ops = 1;
	res->metric[0] = 1.0;
	return 0;
}

static const vb_param_desc_t fake_params[] = {
	{ "iters", VB_P_U64, "10", 1, 1000, "loop count (count)" },
	{ "size", VB_P_SIZE, "64K", 4096, 1ull << 30, "buffer (bytes)" },
	{ "sizes", VB_P_LIST, "4K,64K,1M", 4096, 1ull << 30, "buffers (bytes)" },
	{ "mode", VB_P_STR, "fast", 0, 0, "how (text)" },
};

static const vb_metric_desc_t fake_metrics[] = {
	{ "rate", "op/s", VB_HIGHER_IS_BETTER, "operations per second" },
};

static const vb_workload_t fake = {
	.name = "cpu.fake",
	.kind = VB_KIND_CPU,
	.description = "test descriptor",
	.params = fake_params,
	.nparams = VB_ARRAY_SIZE(fake_params),
	.metrics = fake_metrics,
	.nmetrics = VB_ARRAY_SIZE(fake_metrics),
	.scale_param = "iters",
	.run = fake_run,
};

/* @w must fail vb_workload_check with VB_EUSAGE and a message containing @word. */
static void expect_broken(const vb_workload_t *w, const char *word, const char *why)
{
	vb_error_t err;

	vb_error_clear(&err);
	ck_assert_msg(vb_workload_check(w, &err) == -1, "%s accepted", why);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_msg(strstr(err.msg, word), "%s: message '%s' lacks '%s'", why, err.msg, word);
}

START_TEST(test_workload_check_broken)
{
	vb_param_desc_t params[VB_ARRAY_SIZE(fake_params)];
	vb_metric_desc_t metrics[2];
	vb_workload_t w;
	vb_error_t err;

	ck_assert_msg(vb_workload_check(&fake, &err) == 0, "base descriptor: %s", err.msg);

	w = fake;
	w.run = NULL;
	expect_broken(&w, "run hook", "no run hook");

	w = fake;
	w.name = NULL;
	expect_broken(&w, "name", "no name");

	w = fake;
	w.description = "";
	expect_broken(&w, "description", "no description");

	w = fake;
	w.nmetrics = 0;
	expect_broken(&w, "metrics", "no metrics");

	memcpy(metrics, fake_metrics, sizeof(fake_metrics));
	metrics[1] = fake_metrics[0];
	w = fake;
	w.metrics = metrics;
	w.nmetrics = 2;
	expect_broken(&w, "rate", "duplicate metric");

	memcpy(params, fake_params, sizeof(params));
	params[1].key = "iters";
	w = fake;
	w.params = params;
	expect_broken(&w, "iters", "duplicate parameter");

	memcpy(params, fake_params, sizeof(params));
	params[0].def = "5000"; /* max 1000 */
	w = fake;
	w.params = params;
	expect_broken(&w, "cpu.fake.iters", "default out of bounds");

	memcpy(params, fake_params, sizeof(params));
	params[1].def = "1K"; /* min 4096 */
	w = fake;
	w.params = params;
	expect_broken(&w, "cpu.fake.size", "size default below min");

	memcpy(params, fake_params, sizeof(params));
	params[2].def = "4K,junk";
	w = fake;
	w.params = params;
	expect_broken(&w, "cpu.fake.sizes", "bad list default");

	memcpy(params, fake_params, sizeof(params));
	params[3].def = NULL;
	w = fake;
	w.params = params;
	expect_broken(&w, "parameter", "parameter without default");

	w = fake;
	w.scale_param = "nope";
	expect_broken(&w, "nope", "scale_param naming a missing parameter");

	w = fake;
	w.scale_param = "size";
	expect_broken(&w, "size", "scale_param naming a SIZE parameter");

	w = fake;
	w.scale_param = "mode";
	expect_broken(&w, "mode", "scale_param naming a STR parameter");

	w = fake;
	w.nparams = VB_MAX_PARAMS + 1;
	expect_broken(&w, "too many", "too many parameters");
}
END_TEST

/* ---- workload parameters -------------------------------------------------- */

START_TEST(test_params_set)
{
	const vb_workload_t *w = vb_workload_find("cpu.syscall");
	vb_params_t p;
	vb_error_t err;
	uint64_t list[VB_MAX_LIST];

	ck_assert_ptr_nonnull(w);
	vb_params_defaults(w, &p);
	ck_assert_int_eq(vb_params_validate(w, &p, &err), 0);

	vb_error_clear(&err);
	ck_assert_int_eq(vb_params_set(w, &p, "nope", "1", &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_msg(strstr(err.msg, "cpu.syscall.nope"), "message: %s", err.msg);
	ck_assert_msg(strstr(err.msg, "iters"), "valid keys not listed: %s", err.msg);

	ck_assert_int_eq(vb_params_set(w, &p, "iters", "abc", &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.syscall.iters"));
	ck_assert_int_eq(vb_params_set(w, &p, "iters", "0", &err), -1);

	ck_assert_int_eq(vb_params_set(w, &p, "iters", "1234", &err), 0);
	ck_assert_uint_eq(vb_param_u64(&p, "iters"), 1234);
	ck_assert_int_eq(vb_params_set_u64(w, &p, "iters", 99, &err), 0);
	ck_assert_str_eq(vb_param_str(&p, "iters"), "99");
	ck_assert_uint_eq(p.n, w->nparams); /* replaced, not added */
	ck_assert_ptr_null(vb_param_str(&p, "nope"));
	ck_assert_uint_eq(vb_param_u64(&p, "nope"), 0);

	/* the fake descriptor's other types */
	vb_params_defaults(&fake, &p);
	ck_assert_uint_eq(vb_param_u64(&p, "size"), 64 << 10);
	ck_assert_uint_eq(vb_param_list(&p, "sizes", list, VB_MAX_LIST), 3);
	ck_assert_uint_eq(list[0], 4096);
	ck_assert_uint_eq(list[2], 1 << 20);
	ck_assert_uint_eq(vb_param_list(&p, "sizes", list, 2), 2);
	ck_assert_int_eq(vb_params_set(&fake, &p, "mode", "", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fake.mode"));
	ck_assert_int_eq(vb_params_set(&fake, &p, "sizes", "", &err), -1);
	ck_assert_int_eq(vb_params_set(&fake, &p, "sizes",
				       "1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M,1M", &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fake.sizes"));

	/* a missing parameter fails validation */
	p.n = 0;
	ck_assert_int_eq(vb_params_validate(&fake, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "missing"));
}
END_TEST

START_TEST(test_params_json_round_trip)
{
	vb_params_t p, q;
	vb_error_t err;
	json_t *o, *bad;
	size_t i, k;

	vb_params_defaults(&fake, &p);
	ck_assert_int_eq(vb_params_set(&fake, &p, "iters", "77", &err), 0);
	ck_assert_int_eq(vb_params_set(&fake, &p, "size", "2M", &err), 0);
	ck_assert_int_eq(vb_params_set(&fake, &p, "sizes", "8K,16K", &err), 0);
	ck_assert_int_eq(vb_params_set(&fake, &p, "mode", "slow mode", &err), 0);
	o = vb_params_to_json(&p);
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(json_object_size(o), 4);
	ck_assert_str_eq(json_string_value(json_object_get(o, "size")), "2M");
	ck_assert_int_eq(vb_params_from_json(&fake, &q, o, &err), 0);
	ck_assert_uint_eq(q.n, p.n);
	for (i = 0; i < p.n; i++)
		ck_assert_str_eq(vb_param_str(&q, p.kv[i].key), p.kv[i].val);
	json_decref(o);

	/* a partial object keeps the defaults for the rest */
	o = json_pack("{s:s}", "iters", "5");
	ck_assert_int_eq(vb_params_from_json(&fake, &q, o, &err), 0);
	ck_assert_str_eq(vb_param_str(&q, "iters"), "5");
	ck_assert_str_eq(vb_param_str(&q, "size"), "64K");
	json_decref(o);

	/* every registered workload's defaults survive the trip */
	for (k = 0; k < vb_workload_count(); k++) {
		const vb_workload_t *w = vb_workload_at(k);

		vb_params_defaults(w, &p);
		o = vb_params_to_json(&p);
		ck_assert_msg(vb_params_from_json(w, &q, o, &err) == 0, "%s: %s", w->name, err.msg);
		ck_assert_int_eq(vb_params_validate(w, &q, &err), 0);
		for (i = 0; i < p.n; i++)
			ck_assert_str_eq(vb_param_str(&q, p.kv[i].key), p.kv[i].val);
		json_decref(o);
	}

	/* bad documents */
	bad = json_pack("{s:i}", "iters", 5);
	ck_assert_int_eq(vb_params_from_json(&fake, &q, bad, &err), -1);
	ck_assert_int_eq(err.code, VB_EPROTO);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fake.iters"));
	json_decref(bad);
	bad = json_pack("{s:s}", "bogus", "1");
	ck_assert_int_eq(vb_params_from_json(&fake, &q, bad, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "cpu.fake.bogus"));
	json_decref(bad);
	bad = json_pack("[s]", "iters");
	ck_assert_int_eq(vb_params_from_json(&fake, &q, bad, &err), -1);
	ck_assert_int_eq(err.code, VB_EPROTO);
	json_decref(bad);
}
END_TEST

/* ---- environment registry ------------------------------------------------- */

START_TEST(test_envs_all_valid)
{
	size_t i, j, n = vb_env_count();
	const vb_env_ops_t *o;
	vb_error_t err;
	const char *names = vb_env_names();
	int baseline = 0;

	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		o = vb_env_at(i);
		ck_assert_ptr_nonnull(o);
		vb_error_clear(&err);
		ck_assert_msg(vb_env_check(o, &err) == 0, "backend %zu: %s", i, err.msg);
		ck_assert_ptr_eq(vb_env_find(o->name), o);
		ck_assert_msg(strstr(names, o->name), "'%s' missing from '%s'", o->name, names);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(o->name, vb_env_at(j)->name), "backend %s twice",
				      o->name);
		baseline += !!(o->caps & VB_ENV_IS_BASELINE);
	}
	ck_assert_int_eq(baseline, 1);
	ck_assert_ptr_null(vb_env_at(n));
	ck_assert_ptr_null(vb_env_find("nope"));
	ck_assert_ptr_nonnull(vb_env_find("bare"));
}
END_TEST

START_TEST(test_env_check_broken)
{
	const vb_env_ops_t *bare = vb_env_find("bare");
	vb_env_ops_t o;
	vb_error_t err;

	ck_assert_ptr_nonnull(bare);

	o = *bare;
	o.version = VB_ENV_OPS_VERSION + 1;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_int_eq(err.code, VB_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "version"));
	ck_assert_ptr_nonnull(strstr(err.msg, "bare"));

	o = *bare;
	o.stop = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "stop"));

	o = *bare;
	o.cleanup = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	o = *bare;
	o.probe = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	o = *bare;
	o.start = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	o = *bare;
	o.mechanism = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	o = *bare;
	o.name = "";
	ck_assert_int_eq(vb_env_check(&o, &err), -1);
	ck_assert_int_eq(vb_env_check(NULL, &err), -1);

	/* optional hooks may be missing */
	o = *bare;
	o.prepare = NULL;
	o.run = NULL;
	o.host_cpu_ns = NULL;
	o.describe = NULL;
	ck_assert_int_eq(vb_env_check(&o, &err), 0);
}
END_TEST

/* ---- resource registry ---------------------------------------------------- */

static char root[PATH_MAX];

static void root_setup(void)
{
	snprintf(root, sizeof(root), "/tmp/vbench-check-registry-XXXXXX");
	if (!mkdtemp(root))
		root[0] = '\0';
}

static void root_teardown(void)
{
	if (root[0])
		vb_rm_rf(root);
	root[0] = '\0';
}

/* A child that sleeps until killed (and dies with this test process). */
static pid_t sleeping_child(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setpgid(0, 0);
		for (;;)
			pause();
	}
	return pid;
}

static int path_exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

START_TEST(test_res_release_all)
{
	char dir[PATH_MAX], file[PATH_MAX], inner[PATH_MAX];
	int base = vb_undo_count(), hd, hf, hp, status;
	vb_error_t err;
	pid_t pid;

	ck_assert_msg(root[0], "no temporary root");
	snprintf(dir, sizeof(dir), "%s/dir", root);
	snprintf(inner, sizeof(inner), "%s/dir/sub/x", root);
	ck_assert_int_eq(vb_mkdir_p(dir, 0755, &err), 0);
	snprintf(file, sizeof(file), "%s/dir/sub", root);
	ck_assert_int_eq(vb_mkdir_p(file, 0755, &err), 0);
	ck_assert_int_eq(vb_write_file(inner, "x", 1, &err), 0);
	snprintf(file, sizeof(file), "%s/file", root);
	ck_assert_int_eq(vb_write_file(file, "y", 1, &err), 0);
	pid = sleeping_child();

	hd = vb_undo_add_path(VB_UNDO_DIR, dir);
	hf = vb_undo_add_path(VB_UNDO_FILE, file);
	hp = vb_undo_add_pid(pid, "sleeper");
	ck_assert_int_gt(hd, 0);
	ck_assert_int_gt(hf, 0);
	ck_assert_int_gt(hp, 0);
	ck_assert(hd != hf && hf != hp && hd != hp);
	ck_assert_int_eq(vb_undo_count(), base + 3);

	vb_undo_release_all();
	ck_assert_int_eq(vb_undo_count(), 0);
	ck_assert(!path_exists(dir));
	ck_assert(!path_exists(file));
	/* killed and already reaped by the registry */
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);

	/* nothing left to release: harmless */
	vb_undo_release_all();
	ck_assert_int_eq(vb_undo_count(), 0);
}
END_TEST

static char order[8];
static size_t norder;

static void record(void *arg)
{
	if (norder < sizeof(order) - 1)
		order[norder++] = *(const char *)arg;
}

START_TEST(test_res_order_and_release_one)
{
	static const char a = 'a', b = 'b', c = 'c';
	int ha, hb, hc, base = vb_undo_count();

	norder = 0;
	memset(order, 0, sizeof(order));
	ha = vb_undo_add_func(record, (void *)&a, "a");
	hb = vb_undo_add_func(record, (void *)&b, "b");
	hc = vb_undo_add_func(record, (void *)&c, "c");
	ck_assert(ha > 0 && hb > 0 && hc > 0);

	/* one at a time, and only that one */
	vb_undo_release(hb);
	ck_assert_str_eq(order, "b");
	vb_undo_release(hb); /* already released: no second call */
	ck_assert_str_eq(order, "b");
	vb_undo_release(0);
	vb_undo_release(-5);
	ck_assert_int_eq(vb_undo_count(), base + 2);

	/* newest first */
	vb_undo_release_all();
	ck_assert_str_eq(order, "bca");
	ck_assert_int_eq(vb_undo_count(), 0);
}
END_TEST

START_TEST(test_res_forget)
{
	char file[PATH_MAX];
	int hf, hp, status, base = vb_undo_count();
	vb_error_t err;
	pid_t pid;

	ck_assert_msg(root[0], "no temporary root");
	snprintf(file, sizeof(file), "%s/forgotten", root);
	ck_assert_int_eq(vb_write_file(file, "z", 1, &err), 0);
	pid = sleeping_child();

	hf = vb_undo_add_path(VB_UNDO_FILE, file);
	hp = vb_undo_add_pid(pid, "sleeper");
	ck_assert_int_eq(vb_undo_count(), base + 2);
	vb_undo_forget(hf);
	vb_undo_forget(hp);
	ck_assert_int_eq(vb_undo_count(), base);
	vb_undo_release_all();
	vb_undo_release(hf);

	/* both untouched */
	ck_assert(path_exists(file));
	ck_assert_int_eq(kill(pid, 0), 0);
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0);

	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_int_eq(unlink(file), 0);
}
END_TEST

static int refuse(pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
	return 0;
}

static int accept(pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
	return 1;
}

/* Issue #11: a signal only after the check, through a pidfd; and a cgroup's
 * cgroup.procs naming a process that is not in that cgroup (a PID reused
 * since, or a fake cgroup directory) does not get it killed. */
START_TEST(test_res_kill_verified)
{
	char cg[PATH_MAX], procs[PATH_MAX], line[32];
	int status;
	pid_t pid = sleeping_child();

	ck_assert_int_eq(vb_undo_kill_verified(pid, SIGKILL, refuse, NULL), 1);
	usleep(20000);
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0); /* still alive */
	ck_assert_msg(root[0], "no temporary root");
	snprintf(cg, sizeof(cg), "%s/vbench-1-000000000000-bare", root);
	ck_assert_int_eq(mkdir(cg, 0755), 0);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	snprintf(line, sizeof(line), "%d\n", (int)pid);
	ck_assert_int_eq(vb_write_file(procs, line, strlen(line), NULL), 0);
	vb_undo_kill_cgroup(cg);
	usleep(20000);
	ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0,
		      "a process listed by a cgroup it is not in was killed");
	ck_assert_int_eq(vb_undo_kill_verified(pid, SIGKILL, accept, NULL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_int_eq(vb_undo_kill_verified(pid, SIGKILL, accept, NULL), 1); /* gone */
	unlink(procs);
	rmdir(cg);
}
END_TEST

Suite *vb_suite_registry(void)
{
	Suite *s = suite_create("registry");
	TCase *wl = tcase_create("workloads");
	TCase *env = tcase_create("environments");
	TCase *res = tcase_create("resources");

	tcase_set_timeout(wl, 30);
	tcase_add_test(wl, test_workloads_all_valid);
	tcase_add_test(wl, test_workload_names);
	tcase_add_test(wl, test_workload_check_broken);
	tcase_add_test(wl, test_params_set);
	tcase_add_test(wl, test_params_json_round_trip);
	suite_add_tcase(s, wl);

	tcase_set_timeout(env, 30);
	tcase_add_test(env, test_envs_all_valid);
	tcase_add_test(env, test_env_check_broken);
	suite_add_tcase(s, env);

	tcase_set_timeout(res, 30);
	tcase_add_unchecked_fixture(res, root_setup, root_teardown);
	tcase_add_test(res, test_res_release_all);
	tcase_add_test(res, test_res_order_and_release_one);
	tcase_add_test(res, test_res_forget);
	tcase_add_test(res, test_res_kill_verified);
	suite_add_tcase(s, res);
	return s;
}
