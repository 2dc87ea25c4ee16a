/*
 * recovery.c - `vbench run --ops`: save, restore and migrate each
 * environment's instance after the workloads, measured over repetitions
 * (run_int.h vb_recovery_run), into run.json's "operations".
 *
 * One repetition, on the instance the run measured:
 *   1. the agent holds a working set (VB_OPS_WS_PCT of the allocation's
 *      memory, every word written: agent.h "hold"), its pid and sum noted;
 *   2. save (the backend's hook: an image on disk), then restore from it,
 *      timed from the request until the agent answers "check" again: the
 *      same pid, the same sum, every word intact; then one repetition of
 *      a workload of the run, which must give a valid result;
 *   3. migrate, twice (the hypervisor's default settings, then tuned:
 *      --migrate-downtime and no bandwidth cap), while the agent's
 *      heartbeat dirties the working set at --migrate-dirty-rate pages a
 *      second and sends a beat every VB_OPS_BEAT_MS: the longest gap
 *      between two beats as the host receives them is the pause the
 *      agent's peer sees, beside the hypervisor's own downtime; then the
 *      same checks.
 * An operation a backend has no hook for, or whose probe says it cannot
 * run here (op_why), is recorded "unavailable" with the reason, said
 * once; a failed repetition is recorded with its error and, when the
 * instance no longer answers, the environment's remaining operations are
 * skipped (its instance is stopped by the run as after a failed workload).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/agentmsg.h"
#include "harness/core/runfile.h"
#include "harness/core/undo.h"
#include "harness/run/run_int.h"
#include "lib/safefs.h"
#include "lib/term.h"
#include "lib/testpoint.h"
#include "lib/util.h"

#define OPS_ID_BASE 1000000000 /* the operations' request ids, apart from the slots' */

typedef struct ops_ctx {
	run_state_t *st;
	json_int_t id;
	uint64_t ws;     /* working set bytes */
	int wl;          /* the workload run after each restore and move (-1 none) */
	uint64_t rng;
} ops_ctx_t;

static int reply_ms(const ops_ctx_t *c)
{
	return (int)(c->st->cfg->rep_timeout_s * 1000);
}

/* "hold" (@bytes) or "check": the agent's pid and sum into @pid, @sum. */
static int held(ops_ctx_t *c, vb_env_t *env, const char *op, uint64_t bytes, json_int_t token,
		json_int_t *pid, char *sum, size_t len, vb_error_t *err)
{
	json_t *req = vb_agent_op_request(op, ++c->id), *r;

	if (!strcmp(op, "hold")) {
		json_object_set_new(req, "bytes", json_integer((json_int_t)bytes));
		json_object_set_new(req, "token", json_integer(token));
	}
	r = vb_chan_call(&env->chan, req, "held", reply_ms(c), err);
	json_decref(req);
	if (!r)
		return -1;
	if (vb_agent_check_held(r, err) < 0) {
		json_decref(r);
		return -1;
	}
	*pid = json_integer_value(json_object_get(r, "pid"));
	snprintf(sum, len, "%s", json_string_value(json_object_get(r, "sum")));
	if (!json_is_true(json_object_get(r, "intact"))) {
		json_decref(r);
		return vb_error_set(err, VB_ECHECK, 0, "%s: the held memory changed", env->name);
	}
	json_decref(r);
	return 0;
}

/* After a restore or a move: the same agent (pid @pid0, sum @sum0), and a
 * workload repetition with a valid result.  Into @m. */
static int same_agent(ops_ctx_t *c, vb_env_t *env, json_int_t pid0, const char *sum0, json_t *m,
		      vb_error_t *err)
{
	json_int_t pid;
	char sum[32];
	json_t *req, *r;
	const vb_workload_t *w;

	if (held(c, env, "check", 0, 0, &pid, sum, sizeof(sum), err) < 0)
		return -1;
	json_object_set_new(m, "same_pid", json_boolean(pid == pid0));
	json_object_set_new(m, "memory_intact", json_boolean(!strcmp(sum, sum0)));
	if (pid != pid0 || strcmp(sum, sum0))
		return vb_error_set(err, VB_ECHECK, 0,
				    "%s: not the same agent afterwards (pid %lld, was %lld; sum %s, "
				    "was %s)",
				    env->name, (long long)pid, (long long)pid0, sum, sum0);
	if (c->wl < 0)
		return 0;
	w = c->st->cfg->wl[c->wl];
	req = vb_agent_run_request(c->st->cfg, ++c->id, w, &c->st->params[c->wl], 0);
	r = vb_env_run(env, req, err);
	json_decref(req);
	if (!r)
		return -1;
	json_object_set_new(m, "workload", json_string(w->name));
	json_object_set_new(m, "workload_ok", json_boolean(json_is_true(json_object_get(r, "ok"))));
	if (!json_is_true(json_object_get(r, "ok"))) {
		vb_agent_reply_error(r, err);
		json_decref(r);
		return vb_error_prefix(err, "%s: the workload after the operation", env->name);
	}
	json_decref(r);
	return 0;
}

/* Run @z over @fd's bytes to its end (LZMA_RUN), or with @fd < 0 finish
 * the stream; its output counted into @bytes.  0 or -1. */
static int xz_feed(lzma_stream *z, int fd, uint64_t *bytes)
{
	static uint8_t in[1 << 20], out[1 << 20];
	lzma_action act = fd < 0 ? LZMA_FINISH : LZMA_RUN;

	for (;;) {
		lzma_ret r;

		if (z->avail_in == 0 && fd >= 0) {
			ssize_t n = read(fd, in, sizeof(in));

			if (n < 0)
				return -1;
			if (n == 0)
				return 0; /* this file's end: the stream goes on */
			z->next_in = in;
			z->avail_in = (size_t)n;
		}
		z->next_out = out;
		z->avail_out = sizeof(out);
		r = lzma_code(z, act);
		*bytes += sizeof(out) - z->avail_out;
		if (r == LZMA_STREAM_END)
			return 0;
		if (r != LZMA_OK || vb_undo_interrupted())
			return -1;
	}
}

/* The size of the image @path compressed with xz -0 (liblzma), into
 * @bytes: what it would take on disk or on the wire compressed.  @path is
 * a file (QEMU's stream, gVisor's checkpoint.img) or a directory of them
 * (CRIU's images: its regular files, links not followed, in one stream).
 * 0 or -1. */
static int xz_size(const char *path, uint64_t *bytes)
{
	lzma_stream z = LZMA_STREAM_INIT;
	int dfd = vb_safefs_open_dir(AT_FDCWD, path, 0), fd, rc = 0;
	DIR *d = NULL;
	struct dirent *e;

	*bytes = 0;
	if (lzma_easy_encoder(&z, 0, LZMA_CHECK_CRC32) != LZMA_OK) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	if (dfd < 0) {
		fd = vb_safefs_open_regular(AT_FDCWD, path, 0, "image", NULL);
		rc = fd < 0 ? -1 : xz_feed(&z, fd, bytes);
		if (fd >= 0)
			close(fd);
	} else if (!(d = fdopendir(dfd))) {
		close(dfd);
		rc = -1;
	}
	while (d && rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		fd = vb_safefs_open_regular(dfd, e->d_name, 0, "image", NULL);
		if (fd < 0)
			continue; /* not a regular file */
		rc = xz_feed(&z, fd, bytes);
		close(fd);
	}
	if (d)
		closedir(d);
	if (rc == 0)
		rc = xz_feed(&z, -1, bytes);
	lzma_end(&z);
	return rc;
}

/* save, then restore (timed until the agent answers), then the checks. */
static int save_restore(ops_ctx_t *c, vb_env_t *env, json_int_t pid0, const char *sum0,
			json_t *ms, json_t *mr, int *saved, vb_error_t *err)
{
	uint64_t t0;
	json_int_t pid;
	char sum[32];

	if (env->ops->save(env, ms, err) < 0)
		return -1;
	*saved = 1;
	t0 = vb_now_ns();
	if (env->ops->restore(env, mr, err) < 0)
		return -1;
	if (held(c, env, "check", 0, 0, &pid, sum, sizeof(sum), err) < 0)
		return -1;
	json_object_set_new(mr, "time_ns", json_integer((json_int_t)(vb_now_ns() - t0)));
	return same_agent(c, env, pid0, sum0, mr, err);
}

/* The agent's count @from of @msg into @m as @key, only a non-negative
 * integer (what a guest sends is untrusted). */
static void kept_count(json_t *m, const char *key, const json_t *msg, const char *from)
{
	json_t *v = json_object_get(msg, from);

	if (json_is_integer(v) && json_integer_value(v) >= 0)
		json_object_set_new(m, key, json_integer(json_integer_value(v)));
}

/* One migration of @variant under the heartbeat, then the checks. */
static int migrate(ops_ctx_t *c, vb_env_t *env, int tuned, json_int_t pid0, const char *sum0,
		   json_t *m, vb_error_t *err)
{
	const vb_run_cfg_t *cfg = c->st->cfg;
	vb_migrate_req_t rq = {
		.variant = tuned ? "tuned" : "default",
		.downtime_limit_ms = tuned ? (int64_t)cfg->migrate_downtime_ms : 0,
		.max_bandwidth = tuned ? VB_OPS_TUNED_BANDWIDTH : 0,
		.beat_period_ms = VB_OPS_BEAT_MS,
		.max_time_ms = VB_OPS_MIGRATE_MAX_MS,
	};
	vb_beats_t b = { 0 };
	json_t *req = vb_agent_op_request("beat", ++c->id), *done = NULL, *stop;
	int rc;

	rq.beat_id = b.id = c->id;
	json_object_set_new(req, "period_ms", json_integer(VB_OPS_BEAT_MS));
	json_object_set_new(req, "duration_ms", json_integer(VB_OPS_MIGRATE_MAX_MS + 60000));
	json_object_set_new(req, "dirty_pages_per_s", json_integer((json_int_t)cfg->migrate_dirty_rate));
	rc = vb_chan_send(&env->chan, req, err);
	json_decref(req);
	/* a few beats first: the heartbeat runs before the move starts */
	while (rc == 0 && b.n < 3 && !done)
		rc = vb_env_beats_read(env, &b, VB_OPS_BEAT_MS * 10, &done, err);
	if (rc == 0 && !done && b.n < 3)
		rc = vb_error_set(err, VB_ETIMEOUT, 0, "%s: no heartbeat", env->name);
	if (rc == 0 && !done)
		rc = env->ops->migrate(env, &rq, &b, m, err);
	/* beats after the move: the gap across it closes with the first */
	for (uint64_t n0 = b.n; rc == 0 && !done && b.n < n0 + 5;)
		if ((rc = vb_env_beats_read(env, &b, VB_OPS_BEAT_MS * 20, &done, err)) == 0 &&
		    b.n < n0 + 5 && !done && vb_undo_interrupted())
			rc = vb_error_set(err, VB_EINTR, 0, "%s: interrupted", env->name);
	if (rc == 0 && done) /* it was asked to beat for minutes */
		rc = vb_error_set(err, VB_EPROTO, 0, "%s: the heartbeat ended before it was stopped",
				  env->name);
	/* the heartbeat ends, also after a failure while its channel answers:
	 * the next request must not meet its beats */
	stop = vb_agent_op_request("beat_stop", -1);
	if (!done && !env->chan.dead && !env->chan.broken) {
		vb_error_t e2 = { 0 };
		vb_error_t *e = rc == 0 ? err : &e2;
		int r2 = vb_chan_notify(&env->chan, stop, e);

		while (r2 == 0 && !done)
			if ((r2 = vb_env_beats_read(env, &b, reply_ms(c), &done, e)) == 0 && !done)
				r2 = vb_error_set(e, VB_ETIMEOUT, 0, "%s: the heartbeat did not end",
						  env->name);
		if (rc == 0)
			rc = r2;
	}
	json_decref(stop);
	if (rc == 0) {
		kept_count(m, "pages_dirtied", done, "pages_dirtied");
		kept_count(m, "guest_gap_ns", done, "max_gap_ns");
		json_object_set_new(m, "dirty_pages_per_s",
				    json_integer((json_int_t)c->st->cfg->migrate_dirty_rate));
	}
	json_decref(done);
	if (rc < 0)
		return -1;
	json_object_set_new(m, "variant", json_string(rq.variant));
	json_object_set_new(m, "beats", json_integer((json_int_t)b.n));
	json_object_set_new(m, "heartbeat_gap_ns", json_integer((json_int_t)b.max_gap_ns));
	return same_agent(c, env, pid0, sum0, m, err);
}

/* Whether @env can do operation @op; else why into @why (its backend's
 * probe first: CRIU's error, a tap network). */
static int can(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	const vb_env_ops_t *o = env->ops;

	if (o->op_why && o->op_why(env, op, why, len) < 0)
		return 0;
	if (op == VB_OP_MIGRATE ? !o->migrate : !o->save || !o->restore) {
		snprintf(why, len, "%s has no %s mechanism", env->name,
			 op == VB_OP_MIGRATE ? "live migration" : "save and restore");
		return 0;
	}
	return 1;
}

/* The record of one operation of @rec ("save", "restore", "migrate",
 * "migrate-tuned"): {"reps": [...]} made on first use. */
static json_t *op_reps(json_t *rec, const char *key)
{
	json_t *o = json_object_get(rec, key);

	if (!o) {
		o = json_pack("{s:[]}", "reps");
		json_object_set_new(rec, key, o);
	}
	return json_object_get(o, "reps");
}

/* @key ("save", "restore", "migrate") unavailable for @why in @rec; said
 * once per environment and reason (@said: the last reason said). */
static void unavailable(run_state_t *st, json_t *rec, const char *key, const char *why,
			char *said, size_t len)
{
	json_object_set_new(rec, key, json_pack("{s:s}", "unavailable", why));
	if (!st->cfg->quiet && strcmp(said, why))
		vb_term_say(stderr, "not measured: %s", why);
	snprintf(said, len, "%s", why);
}

/* An operation failed with @err: lost to vbench's interruption
 * (vb_env_lost_to_interrupt), @err becomes VB_EINTR; else when the
 * instance stopped answering, what its backend knows of why (the lost
 * hook: how QEMU ended, a guest's kernel panic) is added.  Returns 0 (the
 * operation failed). */
static int why_lost(vb_env_t *env, vb_error_t *err)
{
	if (err->code != VB_EINTR && vb_env_lost_to_interrupt(env)) {
		err->code = VB_EINTR; /* not a failure: done again on --resume */
		return 0;
	}
	if (err->code == VB_ESYS && env->ops->lost)
		env->ops->lost(env, err);
	return 0;
}

/* Append @m to @reps as repetition @r: ok, or failed with @err.  One the
 * run's interruption cut short is not a measurement: not recorded (a
 * resumed run does it again). */
static void add_rep(json_t *reps, json_t *m, unsigned r, int ok, const vb_error_t *err)
{
	if (!ok && err->code == VB_EINTR) {
		json_decref(m);
		return;
	}
	json_object_set_new(m, "rep", json_integer(r));
	json_object_set_new(m, "ok", json_boolean(ok));
	if (!ok) {
		json_object_set_new(m, "error", json_string(err->msg));
		json_object_set_new(m, "error_kind", json_string(vb_error_code_name(err->code)));
	}
	json_array_append_new(reps, m);
}

static const char *const op_keys[] = { "save", "restore", "migrate", "migrate-tuned" };

/* The repetitions @rec holds of every operation it measures (a resumed
 * run goes on from there): the fewest any has; a repetition past that,
 * half done when the run was interrupted, is dropped to be done again. */
static unsigned done_reps(json_t *rec)
{
	size_t k, n = SIZE_MAX;

	for (k = 0; k < VB_ARRAY_SIZE(op_keys); k++) {
		json_t *reps = json_object_get(json_object_get(rec, op_keys[k]), "reps");

		if (json_is_array(reps) && json_array_size(reps) < n)
			n = json_array_size(reps);
	}
	if (n == SIZE_MAX)
		return 0;
	for (k = 0; k < VB_ARRAY_SIZE(op_keys); k++) {
		json_t *reps = json_object_get(json_object_get(rec, op_keys[k]), "reps");

		while (json_is_array(reps) && json_array_size(reps) > n)
			json_array_remove(reps, json_array_size(reps) - 1);
	}
	return (unsigned)n;
}

/* The record of environment @name in the operations' @envs, or NULL. */
static json_t *env_rec(json_t *envs, const char *name)
{
	json_t *rec;
	size_t k;

	json_array_foreach(envs, k, rec)
		if (!strcmp(json_string_value(json_object_get(rec, "env")) ?: "", name))
			return rec;
	return NULL;
}

int vb_recovery_pending(run_state_t *st, size_t i)
{
	json_t *rec;

	if (!st->cfg->ops || vb_run_env_is_mode(st, i))
		return 0;
	rec = env_rec(json_object_get(json_object_get(st->doc, "operations"), "environments"),
		      st->name[i]);
	if (!rec)
		return 1;
	if (json_object_get(rec, "failed"))
		return 0;
	for (size_t k = 0; k < VB_ARRAY_SIZE(op_keys); k++) {
		json_t *reps = json_object_get(json_object_get(rec, op_keys[k]), "reps");

		if (json_is_array(reps) && json_array_size(reps) < st->cfg->ops_reps)
			return 1;
	}
	return 0;
}

/* Repetition @r of each operation the run measures (save and restore with
 * @sr, restore only with @restore, the two moves with @mig) that has no
 * record: a failed one, because an earlier step of it failed with @err. */
static void fill_rep(json_t *rec, unsigned r, int sr, int restore, int mig, const vb_error_t *err)
{
	vb_error_t e;

	vb_error_set(&e, err->code, 0, "not done: an earlier step of this repetition failed: %s",
		     err->msg);
	for (size_t k = 0; k < VB_ARRAY_SIZE(op_keys); k++) {
		json_t *reps, *last;

		if (k < 2 ? !sr || (k == 1 && !restore) : !mig)
			continue;
		reps = op_reps(rec, op_keys[k]);
		last = json_array_get(reps, json_array_size(reps) - 1);
		if (!last || json_integer_value(json_object_get(last, "rep")) != (json_int_t)r)
			add_rep(reps, json_object(), r, 0, &e);
	}
}

/* Every repetition of every operation on environment @i; 0, or -1 when
 * the instance no longer answers. */
static int env_ops(ops_ctx_t *c, size_t i, json_t *rec)
{
	run_state_t *st = c->st;
	vb_env_t *env = &st->envs[i];
	unsigned ops = st->cfg->ops;
	int do_sr = (ops & (VB_OPS_SAVE | VB_OPS_RESTORE)) != 0, do_mig = (ops & VB_OPS_MIGRATE) != 0;
	char why[600], said[600] = "";
	unsigned first;

	if (do_sr && !can(env, VB_OP_SAVE, why, sizeof(why))) {
		unavailable(st, rec, "save", why, said, sizeof(said));
		if (ops & VB_OPS_RESTORE)
			unavailable(st, rec, "restore", why, said, sizeof(said));
		do_sr = 0;
	}
	if (do_mig && !can(env, VB_OP_MIGRATE, why, sizeof(why))) {
		unavailable(st, rec, "migrate", why, said, sizeof(said));
		do_mig = 0;
	}
	if (!do_sr && !do_mig)
		return 0;
	if (env->ops->op_mechanism)
		json_object_set_new(rec, "mechanism", json_string(env->ops->op_mechanism));
	first = done_reps(rec) + 1;
	if (!st->cfg->quiet && first <= st->cfg->ops_reps)
		vb_term_say(stderr, "%s: save, restore, migrate (%u repetitions)", env->name,
			    (unsigned)(st->cfg->ops_reps - first + 1));
	for (unsigned r = first; r <= st->cfg->ops_reps && !vb_undo_interrupted(); r++) {
		json_int_t pid0, token;
		char sum0[32];
		vb_error_t err;
		int ok;

		vb_error_clear(&err);
		c->rng = c->rng * 6364136223846793005ull + 1442695040888963407ull;
		token = (json_int_t)(c->rng >> 2);
		if (held(c, env, "hold", c->ws, token, &pid0, sum0, sizeof(sum0), &err) < 0) {
			why_lost(env, &err);
			goto lost;
		}
		if (do_sr) {
			json_t *ms = json_object(), *mr = json_object();
			int saved = 0;

			ok = save_restore(c, env, pid0, sum0, ms, mr, &saved, &err) == 0 ||
			     why_lost(env, &err);
			if (saved && r == 1) { /* the image is still there until the next save */
				uint64_t xz;
				const char *img = json_string_value(json_object_get(ms, "image_path"));

				if (img && xz_size(img, &xz) == 0)
					json_object_set_new(ms, "image_xz_bytes",
							    json_integer((json_int_t)xz));
			}
			json_object_set_new(ms, "working_set_bytes", json_integer((json_int_t)c->ws));
			add_rep(op_reps(rec, "save"), ms, r, saved, &err);
			if (ops & VB_OPS_RESTORE)
				add_rep(op_reps(rec, "restore"), mr, r, ok, &err);
			else
				json_decref(mr);
			if (!ok)
				goto lost;
		}
		for (int tuned = 0; do_mig && tuned < 2; tuned++) {
			json_t *m = json_object();

			ok = migrate(c, env, tuned, pid0, sum0, m, &err) == 0 || why_lost(env, &err);
			add_rep(op_reps(rec, tuned ? "migrate-tuned" : "migrate"), m, r, ok, &err);
			if (!ok)
				goto lost;
		}
		if (vb_runfile_save_at(st->doc, st->cfg->out_fd, st->cfg->out, &st->save_err) < 0) {
			st->save_failed = 1;
			return -1;
		}
		continue;
lost:
		if (err.code == VB_EREFUSED || err.code == VB_ECHECK) {
			/* in step: the next repetition may do; this one's other
			 * operations are recorded as not done, so every operation
			 * has as many repetitions (resume counts them) */
			fill_rep(rec, r, do_sr, (ops & VB_OPS_RESTORE) != 0, do_mig, &err);
			continue;
		}
		if (err.code == VB_EINTR)
			return -1; /* the run stops; a resumed one goes on from here */

		snprintf(env->reason, sizeof(env->reason), "%s", err.msg);
		return -1;
	}
	/* the working set goes */
	{
		json_int_t pid;
		char sum[32];
		vb_error_t err;

		held(c, env, "hold", 0, 0, &pid, sum, sizeof(sum), &err);
	}
	return 0;
}

void vb_recovery_run(run_state_t *st)
{
	const vb_run_cfg_t *cfg = st->cfg;
	ops_ctx_t c = { .st = st, .id = OPS_ID_BASE, .wl = -1, .rng = cfg->seed ^ 0x0b5ull };
	json_t *doc, *envs;

	if (!cfg->ops || st->save_failed || vb_undo_interrupted())
		return;
	c.ws = cfg->memory * VB_OPS_WS_PCT / 100 / 4096 * 4096;
	for (size_t k = 0; k < cfg->nwl; k++)
		if (st->wl_ok[k] && !(cfg->wl[k]->flags & VB_W_NET)) {
			c.wl = (int)k;
			break;
		}
	doc = json_object_get(st->doc, "operations");
	if (!doc) {
		doc = json_pack("{s:I,s:s,s:I,s:i,s:i,s:i,s:f,s:I,s:[]}", "working_set_bytes",
				(json_int_t)c.ws, "working_set_rule",
				"25% of the allocation's memory, every word written", "reps",
				(json_int_t)cfg->ops_reps, "heartbeat_period_ms", VB_OPS_BEAT_MS,
				"dirty_pages_per_s", (int)cfg->migrate_dirty_rate, "migrate_limit_ms",
				VB_OPS_MIGRATE_MAX_MS, "tuned_downtime_limit_ms",
				cfg->migrate_downtime_ms, "tuned_max_bandwidth",
				(json_int_t)VB_OPS_TUNED_BANDWIDTH, "environments");
		json_object_set_new(st->doc, "operations", doc);
	}
	envs = json_object_get(doc, "environments");
	for (size_t i = 0; i < st->nenvs && !vb_undo_interrupted() && !st->save_failed; i++) {
		json_t *rec;

		if (!st->up[i] || !st->envs[i].started || st->envs[i].reason[0] ||
		    vb_run_env_is_mode(st, i))
			continue;
		rec = env_rec(envs, st->envs[i].name); /* a resumed run: go on from there */
		if (rec && json_object_get(rec, "failed"))
			continue;
		if (!rec) {
			rec = json_pack("{s:s}", "env", st->envs[i].name);
			json_array_append_new(envs, rec);
		}
		if (env_ops(&c, i, rec) < 0 && st->envs[i].reason[0]) {
			/* the operations lost the instance: said there, not as a
			 * failure of the environment, whose workloads were measured
			 * before; it is taken down now (no stop latency) */
			json_object_set_new(rec, "failed", json_string(st->envs[i].reason));
			vb_run_warn(st, "%s: the instance was lost during save, restore or migrate "
					"(operations.environments[].failed)",
				    st->envs[i].name);
			st->envs[i].reason[0] = '\0';
			vb_env_down(&st->envs[i]);
			st->up[i] = 0;
		}
	}
	if (!st->save_failed &&
	    vb_runfile_save_at(st->doc, cfg->out_fd, cfg->out, &st->save_err) < 0)
		st->save_failed = 1;
}
