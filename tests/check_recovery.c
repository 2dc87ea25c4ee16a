/*
 * check_recovery.c - save, restore and migrate (`vbench run --ops`): the
 * runner (harness/run/recovery.c) and the mechanisms it drives, tested
 * together: the agent's held memory and heartbeat (workloads/agent_hold.c),
 * the QMP client (harness/env/vm_qmp.c), the VMs' save, restore and live
 * migration (harness/env/vm_ops.c), gVisor's checkpoint and restore
 * (harness/env/gvisor_ops.c), runc's checkpoint and restore
 * (harness/env/oci_ops.c), the CRIU probe (harness/env/criu.c).
 *
 * Unit: --ops and its profile default, the agent's hold/check/beat
 * requests and refusals, the QMP client against a monitor that refuses.
 * Integration (root): a hosted VM with tiny sizes saved, restored and
 * moved twice (default and tuned limits) with the agent's pid and memory
 * checked after each, a workload valid afterwards and nothing left;
 * gVisor checkpoint and restore; runc's through CRIU 4 (scripts/criu.sh),
 * crun's said not driven; the containers' "unavailable" with the host's
 * CRIU 3.17 and its own reason.  The interruptions (SIGINT, SIGKILL + clean during a
 * save, a restore, a migration) are cases of check_interrupt.c.
 */
#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/core/runproc.h"
#include "harness/env/criu.h"
#include "harness/env/env.h"
#include "harness/env/vm_qmp.h"
#include "lib/util.h"
#include "tests/debris.h"
#include "tests/tests.h"
#include "tests/testutil.h"
#include "workloads/agent.h"

static char tmpdir[PATH_MAX], vbench[PATH_MAX];

static void setup(void)
{
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "rtest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- unit ------------------------------------------------------------------ */

static int parse(vb_run_cfg_t *cfg, const char *a, const char *b, const char *c, const char *d,
		 vb_error_t *err)
{
	char *argv[6] = { "run", (char *)a, (char *)b, (char *)c, (char *)d, NULL };
	int n = 1;

	while (n < 5 && argv[n])
		n++;
	vb_run_cfg_init(cfg);
	return vb_run_cfg_parse(cfg, n, argv, vb_env_cfg_ext(), err);
}

/* --ops: a list, restore includes save, the standard profile's short form,
 * none; anything else one line naming the option. */
START_TEST(test_options)
{
	vb_run_cfg_t *cfg = calloc(1, sizeof(*cfg));
	vb_error_t err;
	char *out, *errs;
	int rc;

	ck_assert_int_eq(parse(cfg, "--ops", "restore", NULL, NULL, &err), 0);
	ck_assert_uint_eq(cfg->ops, VB_OPS_SAVE | VB_OPS_RESTORE);
	vb_run_cfg_free(cfg);
	ck_assert_int_eq(parse(cfg, "--ops", "save,migrate", "--ops-reps", "5", &err), 0);
	ck_assert_uint_eq(cfg->ops, VB_OPS_SAVE | VB_OPS_MIGRATE);
	ck_assert_uint_eq(cfg->ops_reps, 5);
	vb_run_cfg_free(cfg);
	ck_assert_int_eq(parse(cfg, "--profile", "standard", NULL, NULL, &err), 0);
	ck_assert_uint_eq(cfg->ops, VB_OPS_ALL);
	vb_run_cfg_free(cfg);
	ck_assert_int_eq(parse(cfg, "--profile", "standard", "--ops", "none", &err), 0);
	ck_assert_uint_eq(cfg->ops, 0);
	vb_run_cfg_free(cfg);
	ck_assert_int_eq(parse(cfg, "--profile", "quick", NULL, NULL, &err), 0);
	ck_assert_uint_eq(cfg->ops, 0);
	ck_assert_uint_eq(cfg->ops_reps, 5);
	ck_assert_uint_eq(cfg->migrate_dirty_rate, 4096);
	vb_run_cfg_free(cfg);
	ck_assert_int_eq(parse(cfg, "--migrate-dirty-rate", "0", NULL, NULL, &err), 0);
	ck_assert_uint_eq(cfg->migrate_dirty_rate, 0);
	vb_run_cfg_free(cfg);
	ck_assert_int_eq(parse(cfg, "--migrate-dirty-rate", "99999999", NULL, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "--migrate-dirty-rate"));
	free(cfg);
	rc = vb_test_vbench(NULL, &out, &errs, "run", "--ops", "save,snapshot", "--profile", "test",
			    NULL);
	vb_test_expect_refusal(rc, out, errs, "--ops", "snapshot");
}
END_TEST

static json_t *line(const char *s, int dry)
{
	int quit = 0;
	json_t *r = vb_agent_handle_line(s, strlen(s), dry, &quit);

	ck_assert_ptr_nonnull(r);
	return r;
}

static const char *type_of(const json_t *r)
{
	return json_string_value(json_object_get(r, "type")) ?: "";
}

/* The agent holds memory, sums it again unchanged, refuses what it cannot
 * do; a beat with nothing held to dirty is refused. */
START_TEST(test_agent_hold)
{
	json_t *a, *b, *r;

	a = line("{\"op\":\"hold\",\"id\":1,\"bytes\":1048576,\"token\":7}", 0);
	ck_assert_str_eq(type_of(a), "held");
	ck_assert(json_is_true(json_object_get(a, "intact")));
	ck_assert_int_eq(json_integer_value(json_object_get(a, "pid")), getpid());
	ck_assert_int_eq(strlen(json_string_value(json_object_get(a, "sum"))), 16);
	b = line("{\"op\":\"check\",\"id\":2}", 0);
	ck_assert_str_eq(json_string_value(json_object_get(a, "sum")),
			 json_string_value(json_object_get(b, "sum")));
	ck_assert_int_eq(json_integer_value(json_object_get(b, "token")), 7);
	json_decref(b);
	/* another token: another content */
	b = line("{\"op\":\"hold\",\"id\":3,\"bytes\":1048576,\"token\":8}", 0);
	ck_assert_str_ne(json_string_value(json_object_get(a, "sum")),
			 json_string_value(json_object_get(b, "sum")));
	json_decref(a);
	json_decref(b);
	r = line("{\"op\":\"hold\",\"id\":4,\"bytes\":7,\"token\":1}", 0);
	ck_assert_str_eq(type_of(r), "error");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r, "error")), "multiple of 8"));
	json_decref(r);
	r = line("{\"op\":\"beat\",\"id\":5,\"period_ms\":0,\"duration_ms\":10,\"dirty_pages_per_s\":1}",
		 1);
	ck_assert_str_eq(type_of(r), "error");
	json_decref(r);
	r = line("{\"op\":\"hold\",\"id\":6,\"bytes\":0,\"token\":0}", 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "bytes")), 0);
	json_decref(r);
	r = line("{\"op\":\"beat\",\"id\":7,\"period_ms\":5,\"duration_ms\":10,"
		 "\"dirty_pages_per_s\":100}",
		 0);
	ck_assert_str_eq(type_of(r), "error");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r, "error")), "hold first"));
	json_decref(r);
	/* nothing to dirty at rate 0: beats for 30 ms (no output stream: none sent) */
	r = line("{\"op\":\"beat\",\"id\":8,\"period_ms\":5,\"duration_ms\":30,"
		 "\"dirty_pages_per_s\":0}",
		 0);
	ck_assert_str_eq(type_of(r), "beaten");
	ck_assert_int_ge(json_integer_value(json_object_get(r, "elapsed_ns")), 30000000);
	json_decref(r);
	/* a stop already read into the stream's buffer ends it at once, and
	 * only that line is taken */
	{
		static char text[] = "{\"op\":\"beat_stop\"}\n{\"op\":\"check\"}\n";
		FILE *in = fmemopen(text, strlen(text), "r");
		json_t *req = json_pack("{s:s,s:i,s:i,s:i,s:i}", "op", "beat", "id", 9, "period_ms",
					5, "duration_ms", 5000, "dirty_pages_per_s", 0);
		char rest[64];

		ck_assert_ptr_nonnull(in);
		ungetc(getc(in), in); /* buffered, as after the request's own line */
		r = vb_agent_handle_beat(req, 0, in, NULL);
		ck_assert_str_eq(type_of(r), "beaten");
		ck_assert_int_lt(json_integer_value(json_object_get(r, "elapsed_ns")), 1000000000);
		ck_assert_ptr_nonnull(fgets(rest, sizeof(rest), in));
		ck_assert_str_eq(rest, "{\"op\":\"check\"}\n");
		json_decref(r);
		json_decref(req);
		fclose(in);
	}
}
END_TEST

/* A monitor that greets, accepts the capabilities, then refuses a command:
 * the command's name and QEMU's description in one line. */
START_TEST(test_qmp_refusal)
{
	int sv[2];
	vb_qmp_t q;
	vb_error_t err;
	json_t *r;
	char buf[512];
	/* the capabilities' answer (id 1), an event, a stale answer, then the
	 * refusal of the command (id 2) */
	static const char greet[] = "{\"QMP\":{\"version\":{}}}\n{\"return\":{},\"id\":1}\n"
				    "{\"event\":\"RESUME\"}\n{\"return\":{},\"id\":7}\n"
				    "{\"error\":{\"class\":\"GenericError\",\"desc\":\"no such "
				    "thing\"},\"id\":2}\n";

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[1], greet, strlen(greet)), (ssize_t)strlen(greet));
	vb_qmp_init(&q);
	ck_assert_int_eq(vb_qmp_open(&q, sv[0], 2000, &err), 0);
	r = vb_qmp_exec(&q, "migrate", json_pack("{s:s}", "uri", "fd:x"), -1, 2000, &err);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	ck_assert_str_eq(err.msg, "QMP migrate: no such thing");
	ck_assert_str_eq(q.last_event, "RESUME");
	ck_assert_int_gt(read(sv[1], buf, sizeof(buf)), 0); /* what it sent */
	/* silence: a deadline, never a hang */
	r = vb_qmp_exec(&q, "query-status", NULL, -1, 100, &err);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(err.code, VB_ETIMEOUT);
	close(sv[1]);
	r = vb_qmp_exec(&q, "query-status", NULL, -1, 1000, &err);
	ck_assert_ptr_null(r);
	vb_qmp_close(&q);
}
END_TEST

/* ---- the report of a run with operations (tests/fixtures/run-ops.json) ---- */

static long at(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	return p ? (long)(p - hay) : -1;
}

/* bare, container (CRIU unavailable), gvisor and hosted, 5 repetitions:
 * report.md and explain.md byte for byte (make golden), the summary's
 * verdicts of a restore against a fresh start, the page's section. */
START_TEST(test_report)
{
	json_t *run = vb_test_load_fixture("tests/fixtures/run-ops.json"), *sum, *e, *r;
	char dir[PATH_MAX], *out, *errs, *md, *x, *html;
	size_t i;
	int rc;

	snprintf(dir, sizeof(dir), "%s/run-ops", tmpdir);
	vb_test_write_run(dir, run);
	rc = vb_test_vbench(tmpdir, &out, &errs, "report", "--quiet", "--no-charts", "run-ops", NULL);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, errs);
	free(out);
	free(errs);
	rc = vb_test_vbench(tmpdir, &out, &errs, "explain", "--quiet", "run-ops", NULL);
	ck_assert_msg(rc == 0, "explain: exit %d: %s", rc, errs);
	free(out);
	free(errs);
	md = vb_test_read_text(dir, "report.md", 1 << 22);
	x = vb_test_read_text(dir, "explain.md", 1 << 22);
	html = vb_test_read_text(dir, "report.html", 1 << 24);
	ck_assert_ptr_nonnull(md);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(html);
	vb_test_compare_golden("report-ops.md", md, strlen(md));
	vb_test_compare_golden("explain-ops.md", x, strlen(x));
	ck_assert_int_gt(at(md, "## Save, restore, move"), 0);
	ck_assert_int_gt(at(md, "| container | save | not measured | container: checkpoint needs CRIU"),
			 at(md, "## Save, restore, move"));
	ck_assert_int_gt(at(html, "<section id=\"operations\">"), at(html, "<section id=\"counters\">"));
	ck_assert_int_gt(at(html, "<a href=\"#operations\">"), 0);
	ck_assert_int_gt(at(x, "10. A VM can be saved as a file and restored: **holds**"), 0);
	ck_assert_int_gt(at(x, "11. A running VM can be moved with a short pause: **holds**"), 0);
	ck_assert_int_gt(at(x, "12. Containers restore faster than VMs boot: **cannot be tested "
			       "here**"),
			 0);
	/* a VM restores faster than it boots; gVisor's restore is slower than its start */
	sum = vb_test_summarize(run);
	json_array_foreach(json_object_get(json_object_get(sum, "operations"), "environments"), i,
			   e) {
		const char *env = json_string_value(json_object_get(e, "env"));

		r = json_object_get(json_object_get(e, "restore"), "vs_start");
		if (!strcmp(env, "hosted"))
			ck_assert_str_eq(json_string_value(json_object_get(r, "verdict")), "faster");
		if (!strcmp(env, "gvisor"))
			ck_assert_str_eq(json_string_value(json_object_get(r, "verdict")), "slower");
	}
	json_decref(sum);
	json_decref(run);
	free(md);
	free(x);
	free(html);
}
END_TEST

/* ---- integration -------------------------------------------------------------- */

/* The repetitions of operation @key of @env in @doc (borrowed), or NULL. */
static json_t *op_of(json_t *doc, const char *env, const char *key)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(doc, "operations"), "environments"), i,
			   e)
		if (!strcmp(json_string_value(json_object_get(e, "env")) ?: "", env))
			return json_object_get(e, key);
	return NULL;
}

static json_int_t num(const json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	ck_assert_msg(json_is_integer(v), "no integer %s", k);
	return json_integer_value(v);
}

/* Every repetition ok, the same agent (pid, memory) and a valid workload. */
static void assert_reps(json_t *op, const char *what, size_t n, int checked)
{
	json_t *reps = json_object_get(op, "reps"), *r;
	size_t i;

	ck_assert_msg(json_array_size(reps) == n, "%s: %zu repetitions, want %zu", what,
		      json_array_size(reps), n);
	json_array_foreach(reps, i, r) {
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s rep %zu: %s", what, i + 1,
			      json_string_value(json_object_get(r, "error")));
		ck_assert_int_gt(num(r, "time_ns"), 0);
		if (!checked)
			continue;
		ck_assert(json_is_true(json_object_get(r, "same_pid")));
		ck_assert(json_is_true(json_object_get(r, "memory_intact")));
		ck_assert(json_is_true(json_object_get(r, "workload_ok")));
	}
}

/* `vbench run` of cpu.int in @env with --ops @ops, its run.json; @opt and
 * @val, when not NULL, one more option (--runtime runc). */
static json_t *run_ops_opt(const char *env, const char *ops, const char *name, const char *opt,
			   const char *val, pid_t *pid)
{
	char dir[PATH_MAX];
	/* no pages dirtied during a move: QEMU 7.2's TCG loses dirty bits under
	 * that load and the moved guest may crash (docs/methodology.md 16), which
	 * the measurement reports and a test of the mechanism must not meet */
	char *argv[] = { vbench, "run", "--env", (char *)env, "--workload", "cpu.int", "--profile",
			 "test", "--memory", "256M", "--ops", (char *)ops, "--ops-reps", "2",
			 "--migrate-dirty-rate", "0", "--out", dir, (char *)opt, (char *)val, NULL };
	static char out[1 << 16];
	int rc;

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, name);
	rc = vb_test_run(argv, NULL, out, sizeof(out), pid);
	ck_assert_msg(rc == 0, "%s --ops %s: exit %d: %s", env, ops, rc, out);
	return vb_test_load_run(dir, 1);
}

static json_t *run_ops(const char *env, const char *ops, const char *name, pid_t *pid)
{
	return run_ops_opt(env, ops, name, NULL, NULL, pid);
}

/* A hosted VM saved to a file (at least its working set), restored from it
 * with the same agent, moved live twice under the heartbeat: QEMU's own
 * downtime within what the heartbeat saw, the tuned limit set; nothing
 * left. */
START_TEST(test_hosted)
{
	char reason[768];
	json_t *doc, *save, *r;
	json_int_t ws;
	size_t i;
	pid_t pid;

	if (geteuid() != 0)
		VB_SKIP("not root: cgroups and QEMU's devices need it");
	if (vb_test_env_unavailable("hosted", reason, sizeof(reason)))
		VB_SKIP("hosted unavailable: %s", reason);
	doc = run_ops("hosted", "all", "hosted", &pid);
	ws = json_integer_value(
	    json_object_get(json_object_get(doc, "operations"), "working_set_bytes"));
	ck_assert_int_eq(ws, (256 << 20) / 4);
	save = op_of(doc, "hosted", "save");
	assert_reps(save, "save", 2, 0);
	json_array_foreach(json_object_get(save, "reps"), i, r) {
		ck_assert_int_ge(num(r, "image_bytes"), ws); /* the working set is in it */
		ck_assert_str_eq(json_string_value(json_object_get(r, "state_after")), "paused");
	}
	r = json_array_get(json_object_get(save, "reps"), 0);
	ck_assert_int_ge(num(r, "image_xz_bytes"), ws); /* incompressible on purpose */
	assert_reps(op_of(doc, "hosted", "restore"), "restore", 2, 1);
	assert_reps(op_of(doc, "hosted", "migrate"), "migrate", 2, 1);
	assert_reps(op_of(doc, "hosted", "migrate-tuned"), "migrate-tuned", 2, 1);
	json_array_foreach(json_object_get(op_of(doc, "hosted", "migrate-tuned"), "reps"), i, r) {
		ck_assert(json_is_true(json_object_get(r, "converged")));
		ck_assert_int_eq(num(r, "downtime_limit_ms"), 50);
		ck_assert_int_gt(num(r, "beats"), 3);
		/* the agent's peer saw at least the pause QEMU reports */
		ck_assert_int_ge(num(r, "heartbeat_gap_ns") / 1000000 + 2, num(r, "qemu_downtime_ms"));
		ck_assert_int_gt(num(r, "transferred_bytes"), ws);
	}
	r = json_array_get(json_object_get(op_of(doc, "hosted", "migrate"), "reps"), 0);
	ck_assert_int_eq(num(r, "downtime_limit_ms"), 300); /* QEMU's default */
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* gVisor's checkpoint and restore: the same agent afterwards; no live
 * migration, said with the reason. */
START_TEST(test_gvisor)
{
	char reason[768];
	json_t *doc, *m;
	pid_t pid;

	if (vb_test_env_unavailable("gvisor", reason, sizeof(reason)))
		VB_SKIP("gvisor unavailable: %s", reason);
	doc = run_ops("gvisor", "all", "gvisor", &pid);
	assert_reps(op_of(doc, "gvisor", "save"), "save", 2, 0);
	assert_reps(op_of(doc, "gvisor", "restore"), "restore", 2, 1);
	m = op_of(doc, "gvisor", "migrate");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(m, "unavailable")), "runsc"));
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* The PATH of a host without scripts/criu.sh's CRIU (make test puts
 * build/criu/bin first): Debian 12's criu, the one the host has. */
#define HOST_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A container's checkpoint needs CRIU: where the host's CRIU cannot dump
 * (CRIU 3.17 on kernel 6.18) the reason is CRIU's own, for vbench's own
 * runtime and for runc; bare metal has none, said. */
START_TEST(test_criu_unavailable)
{
	char reason[768];
	const char *why;
	json_t *doc;
	pid_t pid;

	if (geteuid() != 0)
		VB_SKIP("not root: namespaces and cgroups need it");
	if (vb_test_env_unavailable("container", reason, sizeof(reason)))
		VB_SKIP("container unavailable: %s", reason);
	setenv("PATH", HOST_PATH, 1); /* this test's process only (Check forks each) */
	doc = run_ops_opt("bare,container,oci", "all", "criu", "--runtime", "runc", &pid);
	/* the host's CRIU: its own error where it fails (Debian 12's 3.17 on
	 * kernel 6.18), else the save is measured */
	why = json_string_value(json_object_get(op_of(doc, "container", "save"), "unavailable"));
	if (why) {
		fprintf(stderr, "container save: %s\n", why);
		ck_assert_msg(strstr(why, "criu dump of a test process failed (CRIU's error: ") ||
				  strstr(why, "criu not installed"),
			      "%s", why);
		ck_assert_ptr_nonnull(json_string_value(
		    json_object_get(op_of(doc, "container", "restore"), "unavailable")));
	}
	if (vb_proc_which("runc", reason, sizeof(reason)) == 0) {
		ck_assert_ptr_nonnull(op_of(doc, "oci", "save"));
		why = json_string_value(json_object_get(op_of(doc, "oci", "save"), "unavailable"));
		if (!strstr(why ? why : "", "checkpoint needs CRIU: criu"))
			ck_assert_msg(!why, "oci save: %s", why); /* a host whose CRIU works */
	}
	ck_assert_ptr_nonnull(strstr(
	    json_string_value(json_object_get(op_of(doc, "bare", "save"), "unavailable")),
	    "baseline"));
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* Why a checkpoint test of @env cannot run here (not root, @env
 * unavailable, no CRIU that works) into @why; 0 when it can. */
static int ckpt_why(const char *env, char *why, size_t len)
{
	char r[768];

	if (geteuid() != 0)
		return snprintf(why, len, "not root: namespaces and cgroups need it"), 1;
	if (vb_test_env_unavailable(env, r, sizeof(r)))
		return snprintf(why, len, "%s unavailable: %s", env, r), 1;
	if (vb_criu_probe(r, sizeof(r)) < 0)
		return snprintf(why, len,
				"no CRIU that works here (scripts/criu.sh fetch DIR, DIR/bin "
				"first on PATH): %s",
				r),
		       1;
	return 0;
}

/* Each save of @env in @doc: the instance stopped afterwards, an image
 * holding at least the working set, the first one's xz size below it (the
 * image compressed in one stream); @criu, when not NULL, the CRIU used. */
static void assert_ckpt_saves(json_t *doc, const char *env, const char *criu)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(op_of(doc, env, "save"), "reps"), i, r) {
		ck_assert_str_eq(json_string_value(json_object_get(r, "state_after")), "stopped");
		ck_assert_int_gt(num(r, "image_bytes"), num(r, "working_set_bytes"));
		if (criu)
			ck_assert_str_eq(json_string_value(json_object_get(r, "criu")), criu);
		if (i == 0)
			ck_assert_int_lt(num(r, "image_xz_bytes"), num(r, "image_bytes"));
	}
}

/* runc's checkpoint through a CRIU that works (make test: scripts/criu.sh's
 * first on PATH): the container saved (at least its working set on disk,
 * stopped afterwards) and restored with the same agent, twice; crun's is
 * said not driven; no live migration of a container, said. */
START_TEST(test_oci_checkpoint)
{
	char reason[768], runc[PATH_MAX];
	json_t *doc;
	pid_t pid;

	if (ckpt_why("oci", reason, sizeof(reason)))
		VB_SKIP("%s", reason);
	if (vb_proc_which("runc", runc, sizeof(runc)) < 0)
		VB_SKIP("runc not installed (apt-get install runc)");
	doc = run_ops_opt("oci", "all", "runc", "--runtime", "runc", &pid);
	assert_reps(op_of(doc, "oci", "save"), "save", 2, 0);
	assert_reps(op_of(doc, "oci", "restore"), "restore", 2, 1);
	assert_ckpt_saves(doc, "oci", vb_criu_path());
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
					 op_of(doc, "oci", "migrate"), "unavailable")),
				     "not moved live"));
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
	vb_criu_probe_reset();
	doc = run_ops_opt("oci", "save,restore", "crun", "--runtime", "crun", &pid);
	ck_assert_ptr_nonnull(strstr(
	    json_string_value(json_object_get(op_of(doc, "oci", "save"), "unavailable")),
	    "checkpoint through crun is not driven by vbench yet"));
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* vbench's own container through CRIU driven directly: dumped (its init
 * the agent's, exec'd from the rootfs), restored under CRIU as the
 * channel's process with the pipes and the log handed back, the same agent
 * twice (the second dump of the restored init); nothing left. */
START_TEST(test_container_checkpoint)
{
	char reason[768];
	json_t *doc, *r;
	pid_t pid;
	size_t i;

	if (ckpt_why("container", reason, sizeof(reason)))
		VB_SKIP("%s", reason);
	doc = run_ops("container", "all", "container", &pid);
	assert_reps(op_of(doc, "container", "save"), "save", 2, 0);
	assert_reps(op_of(doc, "container", "restore"), "restore", 2, 1);
	assert_ckpt_saves(doc, "container", vb_criu_path());
	/* the second dumps the restored init: back in the allocation */
	json_array_foreach(json_object_get(op_of(doc, "container", "save"), "reps"), i, r)
		ck_assert(json_is_true(json_object_get(r, "in_allocation_cgroup")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
					 op_of(doc, "container", "migrate"), "unavailable")),
				     "not moved live"));
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* podman's checkpoint (its runtime runc, through CRIU): exported into one
 * tar and the container removed, restored by import and reached again
 * through `podman attach`, the same agent twice; nothing left. */
START_TEST(test_podman_checkpoint)
{
	char reason[768];
	json_t *doc, *r;
	pid_t pid;
	size_t i;

	if (ckpt_why("podman", reason, sizeof(reason)))
		VB_SKIP("%s", reason);
	doc = run_ops("podman", "all", "podman", &pid);
	if (json_object_get(op_of(doc, "podman", "save"), "unavailable")) /* crun: cgroup v2 */
		ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
						 op_of(doc, "podman", "save"), "unavailable")),
					     "whose checkpoint is not driven"));
	else {
		assert_reps(op_of(doc, "podman", "save"), "save", 2, 0);
		assert_reps(op_of(doc, "podman", "restore"), "restore", 2, 1);
		json_array_foreach(json_object_get(op_of(doc, "podman", "save"), "reps"), i, r)
			ck_assert_str_eq(json_string_value(json_object_get(r, "state_after")),
					 "stopped");
	}
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* docker's checkpoint (a daemon with experimental features: make test's
 * private one, scripts/dockerd.sh): kept in the container, which stays
 * stopped, restored by `docker start --checkpoint` and reached through its
 * attach, the same agent twice; the container removed at the end.  A
 * daemon without experimental features is said so. */
START_TEST(test_docker_checkpoint)
{
	char reason[768];
	const char *why;
	json_t *doc, *r;
	pid_t pid;
	size_t i;

	if (ckpt_why("docker", reason, sizeof(reason)))
		VB_SKIP("%s", reason);
	doc = run_ops("docker", "all", "docker", &pid);
	why = json_string_value(json_object_get(op_of(doc, "docker", "save"), "unavailable"));
	if (why) { /* refused: only where the daemon has no experimental features */
		fprintf(stderr, "docker save: %s\n", why);
		ck_assert_msg(!vb_test_docker_experimental(), "%s", why);
		ck_assert_msg(strstr(why, "needs a daemon with experimental features"), "%s", why);
	} else {
		assert_reps(op_of(doc, "docker", "save"), "save", 2, 0);
		assert_reps(op_of(doc, "docker", "restore"), "restore", 2, 1);
		assert_ckpt_saves(doc, "docker", NULL);
		json_array_foreach(json_object_get(op_of(doc, "docker", "save"), "reps"), i, r)
			ck_assert_ptr_nonnull(strstr(
			    json_string_value(json_object_get(r, "image_path")), "/checkpoints/vbench-"));
	}
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
					 op_of(doc, "docker", "migrate"), "unavailable")),
				     "not moved live"));
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

/* A directory /var/tmp/vbench-@what-PID-... of vbench @pid, into @dir. */
static int run_dir(const char *what, pid_t pid, char *dir, size_t len)
{
	char pfx[48];
	DIR *d = opendir("/var/tmp");
	struct dirent *e;
	int found = 0;

	snprintf(pfx, sizeof(pfx), "vbench-%s-%d-", what, (int)pid);
	while (d && !found && (e = readdir(d)))
		if (!strncmp(e->d_name, pfx, strlen(pfx))) {
			snprintf(dir, len, "/var/tmp/%s", e->d_name);
			found = 1;
		}
	if (d)
		closedir(d);
	return found;
}

/* The restores whose failure is tested: the environment, the directory
 * its image is in, and what the error must name. */
static const struct {
	const char *env, *dir, *said;
} broken[] = {
	{ "oci", "oci", "`runc` exited" },
	{ "container", "ctckpt", "`criu restore` exited" },
};

/* A restore CRIU refuses (the image's memory pages deleted after the
 * save): the restore fails with how runc ended and where CRIU's logs
 * are, the instance is taken down, the run ends, nothing is left. */
START_TEST(test_restore_fails)
{
	char dir[PATH_MAX], bundle[PATH_MAX], img[PATH_MAX + 64], log[PATH_MAX], reason[768];
	const char *name = broken[_i].env;
	char stop[64], *envp[] = { stop, NULL };
	char *argv[] = { vbench, "run", "--env", (char *)name, "--runtime", "runc", "--workload",
			 "cpu.int", "--profile", "test", "--memory", "256M", "--ops", "save,restore",
			 "--ops-reps", "1", "--out", dir, NULL };
	json_t *doc, *rec, *e;
	const char *why;
	pid_t pid;
	size_t i;
	int gone = 0;

	if (ckpt_why(name, reason, sizeof(reason)))
		VB_SKIP("%s", reason);
	if (!strcmp(name, "oci") && vb_proc_which("runc", img, sizeof(img)) < 0)
		VB_SKIP("runc not installed (apt-get install runc)");
	snprintf(stop, sizeof(stop), "VBENCH_TEST_STOP_AT=save:%s", name);
	snprintf(dir, sizeof(dir), "%s/restore-fails-%s", tmpdir, name);
	snprintf(log, sizeof(log), "%s.log", dir);
	pid = vb_test_spawn_log(argv, (const char *const *)envp, log);
	ck_assert_msg(vb_test_wait_stopped(pid, 120000), "never reached the save");
	ck_assert(run_dir(broken[_i].dir, pid, bundle, sizeof(bundle)));
	for (i = 1; i < 8; i++) {
		snprintf(img, sizeof(img), "%s/image/pages-%zu.img", bundle, i);
		gone += unlink(img) == 0;
	}
	ck_assert_int_gt(gone, 0);
	kill(pid, SIGCONT);
	ck_assert_int_eq(vb_test_reap(pid), 0); /* the workloads measured: the run goes on */
	doc = vb_test_load_run(dir, 1);
	rec = json_array_get(json_object_get(op_of(doc, name, "restore"), "reps"), 0);
	ck_assert(json_is_false(json_object_get(rec, "ok")));
	why = json_string_value(json_object_get(rec, "error"));
	ck_assert_msg(why && strstr(why, broken[_i].said) && strstr(why, "/criu-work"), "%s", why);
	e = NULL;
	json_array_foreach(json_object_get(json_object_get(doc, "operations"), "environments"), i,
			   e)
		if (!strcmp(json_string_value(json_object_get(e, "env")) ?: "", name))
			break;
	ck_assert_ptr_nonnull(json_object_get(e, "failed"));
	json_decref(doc);
	/* the tasks CRIU killed wait for PID 1 to reap them (failed once in CI
	 * at once after the exit; a process still running after 10 s fails) */
	ck_assert_msg(!vb_test_wait_no_debris(pid, 10000, reason, sizeof(reason)), "%s; log: %s",
		      reason, log);
}
END_TEST

/* scripts/criu.sh, which runs as root: a DIR it would write into a shell
 * line or an apt option (a quote, a space), "" and / are refused, so is a
 * DIR others can write to, and `remove` leaves a directory it did not make
 * alone.  (Its fetch runs in make test's test-deps: the runc test uses it.) */
START_TEST(test_criu_script)
{
	char script[PATH_MAX], dir[PATH_MAX], out[4096];
	static const char *const bad[][2] = {
		{ "", "DIR is empty" },
		{ "/", "DIR is /" },
		{ "/tmp/a'b", "only letters, digits and / . _ + - are allowed" },
		{ "/tmp/a b", "only letters, digits" },
		{ "/tmp/a$(id)", "only letters, digits" },
		{ "/tmp/x/../y", "no . or .. components" },
	};
	size_t i;

	snprintf(script, sizeof(script), "%s/scripts/criu.sh", vb_test_srcdir());
	for (i = 0; i < VB_ARRAY_SIZE(bad); i++) {
		char *argv[] = { script, i % 2 ? "remove" : "fetch", (char *)bad[i][0], NULL };

		ck_assert_int_eq(vb_test_run(argv, NULL, out, sizeof(out), NULL), 1);
		ck_assert_msg(strstr(out, bad[i][1]), "criu.sh %s '%s': %s", argv[1], bad[i][0], out);
	}
	snprintf(dir, sizeof(dir), "%s/not-criu", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	{
		char *argv[] = { script, "remove", dir, NULL };

		ck_assert_int_eq(vb_test_run(argv, NULL, out, sizeof(out), NULL), 1);
		ck_assert_msg(strstr(out, "was not made by criu.sh fetch"), "%s", out);
		ck_assert_int_eq(access(dir, F_OK), 0);
	}
	if (geteuid() == 0) {
		char *argv[] = { script, "fetch", dir, NULL };

		ck_assert_int_eq(chmod(dir, 0777), 0);
		ck_assert_int_eq(vb_test_run(argv, NULL, out, sizeof(out), NULL), 1);
		ck_assert_msg(strstr(out, "is writable by others than root (mode 777)"), "%s", out);
	}
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *vb_suite_recovery(void)
{
	Suite *s = suite_create("recovery");
	TCase *unit = tcase_create("core"), *itest = tcase_create("ops");

	tcase_add_unchecked_fixture(unit, setup, teardown);
	tcase_set_timeout(unit, 60);
	tcase_add_test(unit, test_options);
	tcase_add_test(unit, test_agent_hold);
	tcase_add_test(unit, test_qmp_refusal);
	tcase_add_test(unit, test_report);
	tcase_add_test(unit, test_criu_script);
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(itest, setup, teardown);
	tcase_set_timeout(itest, 600);
	tcase_add_test(itest, test_hosted);
	tcase_add_test(itest, test_gvisor);
	tcase_add_test(itest, test_criu_unavailable);
	tcase_add_test(itest, test_oci_checkpoint);
	tcase_add_test(itest, test_container_checkpoint);
	tcase_add_loop_test(itest, test_restore_fails, 0, (int)VB_ARRAY_SIZE(broken));
	tcase_add_test(itest, test_podman_checkpoint);
	tcase_add_test(itest, test_docker_checkpoint);
	suite_add_tcase(s, itest);
	return s;
}
