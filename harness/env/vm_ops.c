/*
 * vm_ops.c - save, restore and migrate of the VM environments (env.h
 * vb_env_ops_t), through QEMU's monitor (vm_qmp.h, present with --ops).
 *
 * save:    no bandwidth cap (QEMU's default, 128 MiB/s, is for a network;
 *          libvirt lifts it for a save too), `stop`, then the migration
 *          stream into an image file vbench
 *          made (getfd passes its descriptor: QEMU opens no path, no
 *          shell runs), `query-migrate` until "completed", fsync: the
 *          image is consistent on disk.  The guest stays paused; the
 *          scratch disk is the instance's own image, left as it is (not
 *          in the saved image: shared storage, as a VM's disk usually is).
 * restore: the paused QEMU quits, a new one starts with the same command
 *          line and `-incoming fd:N` (the image inherited), in the same
 *          cgroup; once the state is loaded, `cont`.  Its channel and
 *          monitor connect like the first one's; the agent inside never
 *          stopped being the same process.
 * migrate: a second QEMU with `-incoming unix:SOCKDIR/mig-gN.sock` in a
 *          second allocation cgroup of the same size (a second host's
 *          share), `migrate` while the agent's heartbeat dirties memory,
 *          `query-migrate` every 20 ms; at "completed" the channel is
 *          carried over to the new QEMU (chan.h vb_chan_switch: the bytes
 *          the old one still held first), the old QEMU quits and its
 *          cgroup goes.  Past the limit the migration is cancelled (not
 *          converged) and the second QEMU killed: the guest runs on.
 *          A tap network cannot move (one tap, two QEMUs): op_why says so.
 *
 * Everything is registered: the image directory (VB_UNDO_DIR), every QEMU
 * (its pid), the second cgroup, the sockets (in the instance's socket
 * directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "harness/core/undo.h"
#include "harness/env/vm_int.h"
#include "lib/safefs.h"
#include "lib/testpoint.h"
#include "lib/util.h"

#define VM_IMAGE_NAME "state.img"
#define VM_POLL_MS 20     /* query-migrate while a migration runs */
#define VM_BEAT_POLL_MS 2 /* the heartbeat read meanwhile: its timing's resolution */
#define VM_BEATS_AFTER 3  /* beats through the new QEMU before the old one goes */
#define VM_SAVE_BANDWIDTH (1LL << 40) /* bytes/s: a save to a file is not capped */
#define VM_SETTLE_MS 10000 /* a cancelled migration's end, waited for */

/* The image directory, made once: /var/tmp/vbench-vmimage-RUNID-XXXXXX. */
static int image_dir(vb_env_t *env, vm_priv_t *p, vb_error_t *err)
{
	if (p->imgdir[0])
		return 0;
	snprintf(p->imgdir, sizeof(p->imgdir), "/var/tmp/vbench-vmimage-%s-XXXXXX",
		 vb_marker_run_id());
	if (!mkdtemp(p->imgdir)) {
		vb_error_sys(err, "%s: create the image directory %s", env->name, p->imgdir);
		p->imgdir[0] = '\0';
		return -1;
	}
	p->imgdir_res = vb_undo_add_path(VB_UNDO_DIR, p->imgdir);
	return 0;
}

/* The image file beneath the directory, no link followed: @flags O_RDONLY,
 * or a new one (the last one replaced). */
static int image_open(vb_env_t *env, vm_priv_t *p, int create, vb_error_t *err)
{
	int dfd = vb_safefs_open_dir(AT_FDCWD, p->imgdir, 0), fd;

	if (dfd < 0)
		return vb_error_sys(err, "%s: %s", env->name, p->imgdir);
	if (create)
		unlinkat(dfd, VM_IMAGE_NAME, 0);
	fd = openat(dfd, VM_IMAGE_NAME,
		    (create ? O_RDWR | O_CREAT | O_EXCL : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		vb_error_sys(err, "%s: %s/%s", env->name, p->imgdir, VM_IMAGE_NAME);
	close(dfd);
	/* Above 2: QEMU inherits it at the same number. */
	if (fd >= 0 && fd <= 2) {
		int hi = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		close(fd);
		fd = hi;
	}
	return fd;
}

/* A cancelled migration's end: query-migrate until it is no longer
 * "cancelling" (or active), at most VM_SETTLE_MS; its last status (static
 * buffer), "" when QEMU did not say. */
static const char *settle(vm_priv_t *p)
{
	static char last[32];
	uint64_t end = vb_now_ns() + VM_SETTLE_MS * 1000000ull;

	last[0] = '\0';
	while (vb_now_ns() < end) {
		json_t *r = vb_qmp_exec(&p->qmp, "query-migrate", NULL, -1, VM_QMP_TIMEOUT_MS, NULL);
		const char *st = r ? json_string_value(json_object_get(r, "status")) : NULL;

		snprintf(last, sizeof(last), "%s", st ? st : "");
		json_decref(r);
		if (!r || (strcmp(last, "cancelling") && strcmp(last, "active") &&
			   strcmp(last, "device") && strcmp(last, "setup")))
			break;
		usleep(10000);
	}
	return last;
}

/* The guest runs at the destination once its channel speaks there: the
 * agent's channel is carried over at once (chan.h vb_chan_switch: what the
 * old QEMU still held first), so no beat waits for vbench's polling. */
static int follow_guest(vb_env_t *env, vm_launch_t *l, vb_error_t *err)
{
	struct pollfd pf = { .fd = l ? l->chan_fd : -1, .events = POLLIN };
	char c;

	if (!l || l->chan_fd < 0 || poll(&pf, 1, 0) <= 0)
		return 0;
	/* readable at its end: the destination QEMU is gone, not the guest */
	if (!(pf.revents & POLLIN) || recv(pf.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "%s: the destination QEMU closed the agent channel", env->name);
	l->switched = 1;
	l->switched_ns = vb_now_ns();
	l->chan_fd = -1;
	return vb_chan_switch(&env->chan, pf.fd, pf.fd, err);
}

/* Wait for the migration to end ("completed", "failed", "cancelled") within
 * @limit_ms, reading the heartbeat @b (NULL: none) meanwhile and following
 * the guest to the destination @l (NULL: a save); the last query-migrate
 * in *@info.  Returns 1 completed, 0 when the limit passed (still
 * running), -1 with @err (failed: QEMU's error-desc). */
static int wait_migration(vb_env_t *env, vm_priv_t *p, vb_beats_t *b, vm_launch_t *l,
			  uint64_t t0, int limit_ms, json_t **info, vb_error_t *err)
{
	uint64_t next_query = 0;

	*info = NULL;
	for (;;) {
		json_t *done = NULL, *r;
		const char *st;

		if (follow_guest(env, l, err) < 0)
			return -1;
		if (b && vb_env_beats_read(env, b, VM_BEAT_POLL_MS, &done, err) < 0)
			return -1;
		if (done) {
			json_decref(done);
			return vb_error_set(err, VB_EPROTO, 0,
					    "%s: the heartbeat ended during the migration", env->name);
		}
		if (!b)
			usleep(VM_POLL_MS * 1000);
		if (vb_now_ns() < next_query)
			continue;
		next_query = vb_now_ns() + VM_POLL_MS * 1000000ull;
		r = vb_qmp_exec(&p->qmp, "query-migrate", NULL, -1, VM_QMP_TIMEOUT_MS, err);
		if (!r)
			return -1;
		json_decref(*info);
		*info = r;
		st = json_string_value(json_object_get(r, "status")) ?: "";
		if (!strcmp(st, "completed"))
			return 1;
		if (!strcmp(st, "failed") || !strcmp(st, "cancelled"))
			return vb_error_set(err, VB_EUNAVAIL, 0, "%s: the migration %s: %s", env->name,
					    st,
					    json_string_value(json_object_get(r, "error-desc")) ?:
						"QEMU gave no reason");
		if (vb_undo_interrupted())
			return vb_error_set(err, VB_EINTR, 0, "%s: interrupted during a migration",
					    env->name);
		if (vb_now_ns() - t0 >= (uint64_t)limit_ms * 1000000ull)
			return 0;
	}
}

/* After a save or a move that did not complete: the stream cancelled
 * (@migrating) and waited for, the guest continued where it stopped. */
static void resume_source(vm_priv_t *p, int migrating)
{
	json_t *r;

	if (migrating) {
		r = vb_qmp_exec(&p->qmp, "migrate_cancel", NULL, -1, VM_QMP_TIMEOUT_MS, NULL);
		json_decref(r);
		settle(p);
	}
	r = vb_qmp_exec(&p->qmp, "cont", NULL, -1, VM_QMP_TIMEOUT_MS, NULL);
	json_decref(r);
}

/* QEMU's figures of a migration into @m (null where it gave none). */
static void migration_figures(const json_t *info, json_t *m)
{
	static const char *const top[][2] = {
		{ "total-time", "qemu_total_ms" }, { "downtime", "qemu_downtime_ms" },
		{ "setup-time", "qemu_setup_ms" }, { "expected-downtime", "qemu_expected_downtime_ms" },
	};
	static const char *const ram[][2] = {
		{ "transferred", "transferred_bytes" }, { "total", "ram_bytes" },
		{ "duplicate", "zero_pages" }, { "normal", "normal_pages" },
		{ "dirty-pages-rate", "dirty_pages_rate" }, { "dirty-sync-count", "iterations" },
		{ "mbps", "mbps" },
	};
	json_t *r = json_object_get(info, "ram");

	for (size_t i = 0; i < VB_ARRAY_SIZE(top); i++) {
		json_t *v = json_object_get(info, top[i][0]);
		json_object_set_new(m, top[i][1], json_is_number(v) ? json_copy(v) : json_null());
	}
	for (size_t i = 0; i < VB_ARRAY_SIZE(ram); i++) {
		json_t *v = json_object_get(r, ram[i][0]);
		json_object_set_new(m, ram[i][1], json_is_number(v) ? json_copy(v) : json_null());
	}
}

int vb_vm_save(vb_env_t *env, json_t *m, vb_error_t *err)
{
	vm_priv_t *p = env->priv;
	json_t *r, *info = NULL;
	uint64_t t0, t1;
	struct stat sb;
	int fd, rc;

	if (p->qmp.fd < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: no monitor (QMP)", env->name);
	if (image_dir(env, p, err) < 0 || (fd = image_open(env, p, 1, err)) < 0)
		return -1;
	/* a save to a file is not throttled (QEMU's default cap is for a
	 * network: 128 MiB/s), as libvirt's save is not */
	r = vb_qmp_exec(&p->qmp, "migrate-set-parameters",
			json_pack("{s:I}", "max-bandwidth", (json_int_t)VM_SAVE_BANDWIDTH), -1,
			VM_QMP_TIMEOUT_MS, err);
	if (!r) {
		close(fd);
		return -1;
	}
	json_decref(r);
	t0 = vb_now_ns();
	r = vb_qmp_exec(&p->qmp, "stop", NULL, -1, VM_QMP_TIMEOUT_MS, err);
	json_decref(r);
	if (!r) {
		close(fd);
		return -1;
	}
	r = vb_qmp_exec(&p->qmp, "getfd", json_pack("{s:s}", "fdname", "vbsave"), fd,
			VM_QMP_TIMEOUT_MS, err);
	json_decref(r);
	if (r) {
		r = vb_qmp_exec(&p->qmp, "migrate", json_pack("{s:s}", "uri", "fd:vbsave"), -1,
				VM_QMP_TIMEOUT_MS, err);
		json_decref(r);
	}
	vb_test_point("save", env->name);
	rc = r ? wait_migration(env, p, NULL, NULL, t0, (int)(env->cfg->rep_timeout_s * 1000),
				&info, err)
	       : -1;
	if (rc == 0)
		rc = vb_error_set(err, VB_ETIMEOUT, 0, "%s: the save took longer than --timeout",
				  env->name);
	if (rc < 0 && err->code != VB_EINTR) /* no image: the guest runs on as it was */
		resume_source(p, r != NULL);
	if (rc > 0 && fsync(fd) < 0)
		rc = vb_error_sys(err, "%s: fsync the image", env->name);
	t1 = vb_now_ns();
	if (rc > 0 && fstat(fd, &sb) == 0) {
		json_object_set_new(m, "time_ns", json_integer((json_int_t)(t1 - t0)));
		json_object_set_new(m, "image_bytes", json_integer((json_int_t)sb.st_blocks * 512));
		json_object_set_new(m, "image_size", json_integer((json_int_t)sb.st_size));
		json_object_set_new(m, "image_path", json_sprintf("%s/%s", p->imgdir, VM_IMAGE_NAME));
		json_object_set_new(m, "state_after", json_string("paused"));
		migration_figures(info, m);
	}
	json_decref(info);
	close(fd);
	return rc > 0 ? 0 : -1;
}

/* The running QEMU quits (QMP quit, else killed): its channel and monitor
 * closed, reaped. */
static void end_qemu(vb_env_t *env, vm_priv_t *p)
{
	json_t *r = p->qmp.fd >= 0 ? vb_qmp_exec(&p->qmp, "quit", NULL, -1, 2000, NULL) : NULL;

	json_decref(r);
	env->chan.dead = 1; /* no quit for the agent: it lives on in the image */
	vb_chan_close(&env->chan, 3000);
	vb_qmp_close(&p->qmp);
}

/* After a launch that failed: what it spawned killed, its descriptors closed. */
static void drop_launch(vm_launch_t *l)
{
	if (l->pid > 0) {
		int st;

		kill(-l->pid, SIGKILL);
		kill(l->pid, SIGKILL);
		while (waitpid(l->pid, &st, 0) < 0 && errno == EINTR)
			;
		vb_undo_forget(l->res);
		l->pid = 0;
	}
	if (l->chan_fd >= 0)
		close(l->chan_fd);
	l->chan_fd = -1;
	vb_qmp_close(&l->qmp);
}

/* Wait until QEMU left "inmigrate" (the state is loaded), then cont. */
static int resume_loaded(vb_env_t *env, vm_priv_t *p, vb_error_t *err)
{
	uint64_t t0 = vb_now_ns(), limit = (uint64_t)(vm_conf(env)->boot_timeout_s * 1e9);

	for (;;) {
		json_t *r = vb_qmp_exec(&p->qmp, "query-status", NULL, -1, VM_QMP_TIMEOUT_MS, err);
		const char *st = r ? json_string_value(json_object_get(r, "status")) : NULL;
		int loading = st && !strcmp(st, "inmigrate"), running = st && !strcmp(st, "running");

		json_decref(r);
		if (!r)
			return -1;
		if (running)
			return 0;
		if (!loading) {
			r = vb_qmp_exec(&p->qmp, "cont", NULL, -1, VM_QMP_TIMEOUT_MS, err);
			json_decref(r);
			return r ? 0 : -1;
		}
		if (vb_undo_interrupted())
			return vb_error_set(err, VB_EINTR, 0, "%s: interrupted during a restore",
					    env->name);
		if (vb_now_ns() - t0 > limit)
			return vb_error_set(err, VB_ETIMEOUT, 0,
					    "%s: the image was not loaded within %g s (--boot-timeout)",
					    env->name, vm_conf(env)->boot_timeout_s);
		usleep(5000);
	}
}

int vb_vm_restore(vb_env_t *env, json_t *m, vb_error_t *err)
{
	vm_priv_t *p = env->priv;
	vm_launch_t l = { .incoming_fd = -1 };
	char uri[32];
	uint64_t t0, t1, t2;
	int fd;

	if (!p->imgdir[0])
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: nothing saved to restore", env->name);
	end_qemu(env, p);
	if ((fd = image_open(env, p, 0, err)) < 0)
		return -1;
	snprintf(uri, sizeof(uri), "fd:%d", fd);
	l.incoming = uri;
	l.incoming_fd = fd;
	p->gen++;
	t0 = vb_now_ns();
	if (vb_vm_launch(env, &l, err) < 0) {
		close(fd);
		drop_launch(&l);
		return vb_error_prefix(err, "%s: restore", env->name);
	}
	close(fd);
	t1 = vb_now_ns();
	vb_chan_init_fds(&env->chan, env->ops->name, l.chan_fd, l.chan_fd);
	env->chan.pid = l.pid;
	env->chan.res = l.res;
	p->qmp = l.qmp;
	vb_test_point("restore", env->name);
	if (resume_loaded(env, p, err) < 0)
		return vb_error_prefix(err, "%s: restore", env->name);
	t2 = vb_now_ns();
	json_object_set_new(m, "launch_ns", json_integer((json_int_t)(t1 - t0)));
	json_object_set_new(m, "load_ns", json_integer((json_int_t)(t2 - t0)));
	return 0;
}

/* What a launch renames (vb_vm_launch), kept while a second QEMU is tried:
 * the first one's logs, sockets and -incoming, which its configuration
 * (p->qc) points into. */
typedef struct vm_names {
	char console[PATH_MAX], qemu_log[PATH_MAX], sock[PATH_MAX], qmp_sock[PATH_MAX];
	char incoming[PATH_MAX + 8];
	off_t console_ready;
} vm_names_t;

static void names_keep(const vm_priv_t *p, vm_names_t *n)
{
	memcpy(n->console, p->console, sizeof(n->console));
	memcpy(n->qemu_log, p->qemu_log, sizeof(n->qemu_log));
	memcpy(n->sock, p->sock, sizeof(n->sock));
	memcpy(n->qmp_sock, p->qmp_sock, sizeof(n->qmp_sock));
	memcpy(n->incoming, p->incoming, sizeof(n->incoming));
	n->console_ready = p->console_ready;
}

/* The first QEMU's names back, and its argument vector as it was. */
static void names_back(vm_priv_t *p, const vm_names_t *n)
{
	memcpy(p->console, n->console, sizeof(p->console));
	memcpy(p->qemu_log, n->qemu_log, sizeof(p->qemu_log));
	memcpy(p->sock, n->sock, sizeof(p->sock));
	memcpy(p->qmp_sock, n->qmp_sock, sizeof(p->qmp_sock));
	memcpy(p->incoming, n->incoming, sizeof(p->incoming));
	p->console_ready = n->console_ready;
	vb_argv_free(&p->argv);
	vb_qemu_argv(&p->qc, &p->argv, NULL);
}

/* The second QEMU's cgroup, of the instance's size. */
static int second_cgroup(vb_env_t *env, vm_priv_t *p, vb_error_t *err)
{
	char name[128], tag[64];

	if (!env->have_cg)
		return 0;
	snprintf(name, sizeof(name), "vbench-%s-%s-m%u", vb_marker_run_id(),
		 vb_env_tag(env, tag, sizeof(tag)), ++p->cg_gen);
	if (vb_cgroup_create(&p->cg2, env->cfg->cgroup_root, name, env->cg.cpus, env->cg.mem_bytes,
			     err) < 0)
		return vb_error_prefix(err, "%s: the migration's cgroup", env->name);
	return 0;
}

static int set_parameters(vb_env_t *env, vm_priv_t *p, const vb_migrate_req_t *rq, json_t *m,
			  vb_error_t *err)
{
	json_t *r, *a = json_object();

	if (rq->downtime_limit_ms > 0)
		json_object_set_new(a, "downtime-limit", json_integer(rq->downtime_limit_ms));
	if (rq->max_bandwidth > 0)
		json_object_set_new(a, "max-bandwidth", json_integer(rq->max_bandwidth));
	if (json_object_size(a)) {
		r = vb_qmp_exec(&p->qmp, "migrate-set-parameters", a, -1, VM_QMP_TIMEOUT_MS, err);
		if (!r)
			return -1;
		json_decref(r);
	} else {
		json_decref(a);
	}
	r = vb_qmp_exec(&p->qmp, "query-migrate-parameters", NULL, -1, VM_QMP_TIMEOUT_MS, err);
	if (!r)
		return -1;
	json_object_set(m, "downtime_limit_ms", json_object_get(r, "downtime-limit") ?: json_null());
	json_object_set(m, "max_bandwidth", json_object_get(r, "max-bandwidth") ?: json_null());
	json_decref(r);
	return 0;
}

/* Where the pause the heartbeat sees goes beyond QEMU's downtime: when
 * the destination said it runs ("dest_running_ns", its monitor polled
 * after the source completed) and when the guest's channel first spoke
 * there ("first_word_ns"), both from the migrate command. */
static void dest_timeline(vm_launch_t *l, uint64_t t0, json_t *m)
{
	for (int i = 0; i < 500; i++) {
		json_t *r = vb_qmp_exec(&l->qmp, "query-status", NULL, -1, 1000, NULL);
		const char *st = r ? json_string_value(json_object_get(r, "status")) : NULL;
		int running = st && !strcmp(st, "running");

		json_decref(r);
		if (!r || running) {
			if (running)
				json_object_set_new(m, "dest_running_ns",
						    json_integer((json_int_t)(vb_now_ns() - t0)));
			break;
		}
		usleep(1000);
	}
	if (l->switched)
		json_object_set_new(m, "first_word_ns",
				    json_integer((json_int_t)(l->switched_ns - t0)));
}

/* The move is complete: the channel, the monitor and the cgroup are the
 * new QEMU's, the old one quits.  The heartbeat @b is read first until
 * VM_BEATS_AFTER beats came through the new QEMU: a beat is timed when
 * vbench reads it, so none may wait while the old QEMU is taken down. */
static int take_over(vb_env_t *env, vm_priv_t *p, vm_launch_t *l, vb_beats_t *b, vb_error_t *err)
{
	pid_t old = env->chan.pid;
	int old_res = env->chan.res, rc, st, i;
	uint64_t n0 = b ? b->n : 0, end = vb_now_ns() + 3000000000ull;
	json_t *r, *done = NULL;

	rc = l->switched ? 0 : vb_chan_switch(&env->chan, l->chan_fd, l->chan_fd, err);
	env->chan.pid = l->pid;
	env->chan.res = l->res;
	l->chan_fd = -1;
	l->pid = 0;
	while (rc == 0 && b && b->n < n0 + VM_BEATS_AFTER && !done && vb_now_ns() < end &&
	       !vb_undo_interrupted())
		rc = vb_env_beats_read(env, b, VM_BEAT_POLL_MS, &done, err);
	if (done) {
		json_decref(done);
		rc = vb_error_set(err, VB_EPROTO, 0, "%s: the heartbeat ended during the migration",
				  env->name);
	}
	r = vb_qmp_exec(&p->qmp, "quit", NULL, -1, 2000, NULL);
	json_decref(r);
	vb_qmp_close(&p->qmp);
	p->qmp = l->qmp;
	vb_qmp_init(&l->qmp);
	for (i = 0; old > 0 && i < 300 && waitpid(old, &st, WNOHANG) != old; i++)
		usleep(10000);
	if (old > 0 && i >= 300) {
		kill(-old, SIGKILL);
		kill(old, SIGKILL);
		while (waitpid(old, &st, 0) < 0 && errno == EINTR)
			;
	}
	if (old > 0)
		vb_undo_forget(old_res);
	if (env->have_cg) {
		vb_cgroup_destroy(&env->cg);
		env->cg = p->cg2;
		memset(&p->cg2, 0, sizeof(p->cg2));
	}
	return rc;
}

int vb_vm_migrate(vb_env_t *env, const vb_migrate_req_t *rq, vb_beats_t *b, json_t *m,
		      vb_error_t *err)
{
	vm_priv_t *p = env->priv;
	vm_launch_t l = { .incoming_fd = -1 };
	vb_qemu_cfg_t qc_old = p->qc;
	char uri[PATH_MAX + 16];
	json_t *info = NULL, *r;
	vm_names_t *old = malloc(sizeof(*old));
	uint64_t t0;
	int rc = -1;

	if (!old)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s: migrate", env->name);
	if (p->qmp.fd < 0) {
		free(old);
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: no monitor (QMP)", env->name);
	}
	names_keep(p, old);
	if (second_cgroup(env, p, err) < 0) {
		free(old);
		return -1;
	}
	p->gen++;
	snprintf(uri, sizeof(uri), "unix:%s/mig-g%u.sock", p->sockdir, p->gen);
	l.incoming = uri;
	l.cg = env->have_cg ? &p->cg2 : NULL;
	if (vb_vm_launch(env, &l, err) < 0 || set_parameters(env, p, rq, m, err) < 0)
		goto fail;
	t0 = vb_now_ns();
	r = vb_qmp_exec(&p->qmp, "migrate", json_pack("{s:s}", "uri", uri), -1, VM_QMP_TIMEOUT_MS,
			err);
	if (!r)
		goto fail;
	json_decref(r);
	vb_test_point("migrate", env->name);
	rc = wait_migration(env, p, b, &l, t0, rq->max_time_ms, &info, err);
	if (rc == 0) { /* not converged within the limit: cancelled, the guest runs on */
		r = vb_qmp_exec(&p->qmp, "migrate_cancel", NULL, -1, VM_QMP_TIMEOUT_MS, err);
		json_decref(r);
		/* it may complete while it is cancelled: then it moved */
		rc = !r ? -1 : !strcmp(settle(p), "completed") ? 1 : 0;
	}
	if (rc <= 0 && l.switched) /* the guest spoke at the destination, yet no completion */
		rc = vb_error_set(err, VB_EUNAVAIL, 0,
				  "%s: the guest ran at the destination but the source did not "
				  "complete the migration",
				  env->name);
	if (rc < 0)
		goto fail;
	json_object_set_new(m, "converged", json_boolean(rc > 0));
	json_object_set_new(m, "time_ns", json_integer((json_int_t)(vb_now_ns() - t0)));
	if (rc > 0)
		dest_timeline(&l, t0, m);
	migration_figures(info, m);
	json_decref(info);
	info = NULL;
	if (rc > 0) {
		free(old);
		return take_over(env, p, &l, b, err);
	}
fail:
	json_decref(info);
	if (rc < 0 && l.spawned) { /* what the destination QEMU said, if it said anything */
		char tail[200];
		size_t n = strlen(err->msg);

		vb_vm_log_tail(p->qemu_log, 0, 1, tail, sizeof(tail));
		if (tail[0] && n + 20 < sizeof(err->msg))
			snprintf(err->msg + n, sizeof(err->msg) - n, "; the destination QEMU said: %s",
				 tail);
	}
	drop_launch(&l);
	if (p->cg2.mode)
		vb_cgroup_destroy(&p->cg2);
	memset(&p->cg2, 0, sizeof(p->cg2));
	p->qc = qc_old; /* the first QEMU's, which runs on */
	names_back(p, old);
	free(old);
	return rc < 0 ? vb_error_prefix(err, "%s: migrate", env->name) : 0;
}

int vb_vm_op_why(vb_env_t *env, vb_env_op_t op, char *why, size_t len)
{
	vm_priv_t *p = env->priv;

	if (op == VB_OP_MIGRATE && p && p->qc.net && p->qc.tap_fd > 2) {
		snprintf(why, len, "a tap network cannot move: both QEMUs would read the one tap "
				   "device while the guest moves");
		return -1;
	}
	return 0;
}

/* What vm_cleanup releases of the operations: the image directory, the
 * monitor, a second cgroup left by an interrupted migration. */
void vb_vm_ops_cleanup(vb_env_t *env)
{
	vm_priv_t *p = env->priv;

	vb_qmp_close(&p->qmp);
	if (p->cg2.mode)
		vb_cgroup_destroy(&p->cg2);
	memset(&p->cg2, 0, sizeof(p->cg2));
	if (p->imgdir_res)
		vb_undo_release(p->imgdir_res);
	p->imgdir_res = 0;
	p->imgdir[0] = '\0';
}
