/*
 * check_cleanrules.c - what `vbench clean` refuses (harness/run/cleanfs.c,
 * clean.c): markers as a corrupted disk, a stale PID or an attacker would
 * write them.  A reused PID (other start time) is a dead owner whose
 * recorded process is not killed; paths outside what vbench creates,
 * without the run id, through symbolic links, with another inode, and bind
 * mounts are refused or unmounted, never deleted through; a live unrelated
 * process is never killed; a live run's resources are never touched, even
 * under a stale marker with its PID; bad marker files are skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/cgroup.h"
#include "harness/run/clean.h"
#include "harness/core/marker.h"
#include "harness/core/undo.h"
#include "lib/util.h"
#include "tests/cleantest.h"
#include "tests/tests.h"
#include "tests/testutil.h"

START_TEST(test_reused_pid_is_dead)
{
	char dir[PATH_MAX], boot[64], lines[2048], out[8192];
	unsigned long long start;
	vb_clean_stats_t st;
	pid_t s = vb_cleantest_sleeper(NULL);

	/* The live vb_cleantest_sleeper's PID, but another start time: a dead owner, whose
	 * recorded "process" (the same PID, the wrong start time) is not ours. */
	ck_assert_int_eq(vb_marker_proc_identity(s, NULL, &start), 0);
	ck_assert_int_eq(vb_marker_boot_id(boot, sizeof(boot)), 0);
	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%s-XXXXXX", vb_cleantest_fake_id(s));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	lines[0] = '\0';
	vb_cleantest_rec(lines, sizeof(lines), 1, "dir", dir);
	snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines),
		 "{\"add\":2,\"kind\":\"process\",\"pid\":%d,\"starttime\":%llu,\"what\":\"x\"}\n",
		 (int)s, start + 1);
	vb_cleantest_forge(s, start + 1, boot, lines);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_msg(st.dead == 1 && st.removed == 1 && st.gone == 1, "%s", out);
	ck_assert(!vb_cleantest_exists(dir));
	ck_assert_msg(vb_cleantest_running(s), "a process with a reused PID was killed");
	kill(s, SIGKILL);
	waitpid(s, NULL, 0);
}
END_TEST

START_TEST(test_forged_paths_refused)
{
	char boot[64], lines[8192], out[16384], etc[PATH_MAX], keep[PATH_MAX], link[PATH_MAX];
	char bad[PATH_MAX], target[PATH_MAX], p[PATH_MAX], other[PATH_MAX];
	vb_clean_stats_t st;
	pid_t dead;

	dead = vb_cleantest_dead_owner(boot, sizeof(boot));
	snprintf(etc, sizeof(etc), "%s/etc", vb_cleantest_priv);
	ck_assert_int_eq(mkdir(etc, 0755), 0);
	snprintf(keep, sizeof(keep), "%s/etc/passwd", vb_cleantest_priv);
	ck_assert_int_eq(vb_write_file(keep, "root", 4, NULL), 0);
	snprintf(target, sizeof(target), "%s/target", vb_cleantest_priv);
	ck_assert_int_eq(mkdir(target, 0755), 0);
	/* A directory with the right name that is a symbolic link elsewhere. */
	snprintf(link, sizeof(link), "/var/tmp/vbench-cktest-%s-link", vb_cleantest_fake_id(dead));
	ck_assert_int_eq(symlink(target, link), 0);
	/* The right name and place, but not the object the run made (a directory
	 * put there later: another inode), and one with the PID but no run id. */
	snprintf(other, sizeof(other), "/var/tmp/vbench-cktest-%s-other",
		 vb_cleantest_fake_id(dead));
	ck_assert_int_eq(mkdir(other, 0755), 0);
	lines[0] = '\0';
	vb_cleantest_rec(lines, sizeof(lines), 1, "file", keep);
	vb_cleantest_rec(lines, sizeof(lines), 2, "dir", etc);
	snprintf(p, sizeof(p), "/var/tmp/vbench-cktest-%s-x/../../..%s", vb_cleantest_fake_id(dead),
		 vb_cleantest_priv);
	vb_cleantest_rec(lines, sizeof(lines), 3, "dir", p);
	vb_cleantest_rec(lines, sizeof(lines), 4, "cgroup", "/sys/fs/cgroup/memory");
	vb_cleantest_rec(lines, sizeof(lines), 5, "dir", link);
	snprintf(
	    lines + strlen(lines), sizeof(lines) - strlen(lines),
	    "{\"add\":6,\"kind\":\"process\",\"pid\":1,\"starttime\":1,\"what\":\"init\"}\n"
	    "{\"add\":7,\"kind\":\"func\",\"path\":\"x\",\"undo\":\"oci\",\"runtime\":\"/bin/sh\","
	    "\"id\":\"vbench-%d-oci\"}\n"
	    "{\"add\":8,\"kind\":\"dir\",\"path\":\"/etc/vbench-cktest-%s-x\"}\n"
	    "{\"add\":9,\"kind\":\"dir\",\"path\":\"%s\",\"dev\":1,\"ino\":2}\n"
	    "{\"add\":10,\"kind\":\"dir\",\"path\":\"/var/tmp/vbench-cktest-%d-x\"}\n"
	    "not json, as from a write cut short\n",
	    (int)dead, vb_cleantest_fake_id(dead), other, (int)dead);
	vb_cleantest_forge(dead, 12345, boot, lines);
	/* Files that are not markers: garbage, a format 1 marker (no run id). */
	snprintf(bad, sizeof(bad), "%s/1-2.jsonl", vb_cleantest_state);
	ck_assert_int_eq(vb_write_file(bad, "garbage\n", 8, NULL), 0);
	chmod(bad, 0600);
	snprintf(bad, sizeof(bad), "%s/5-4.jsonl", vb_cleantest_state);
	snprintf(lines, sizeof(lines),
		 "{\"vbench_marker\":1,\"pid\":5,\"starttime\":4,"
		 "\"boot_id\":\"%s\"}\n",
		 boot);
	ck_assert_int_eq(vb_write_file(bad, lines, strlen(lines), NULL), 0);
	chmod(bad, 0600);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_msg(st.dead == 1 && st.bad == 2 && st.removed == 0 && st.refused == 10, "%s",
		      out);
	ck_assert_msg(strstr(out, "not directly in /tmp, /var/tmp"), "%s", out);
	ck_assert_msg(strstr(out, "its name does not carry the run id"), "%s", out);
	ck_assert_msg(strstr(out, "not a plain absolute path"), "%s", out);
	ck_assert_msg(strstr(out, "not a usable marker"), "%s", out);
	ck_assert_msg(strstr(out, "in marker format 2"), "%s", out);
	ck_assert_msg(strstr(out, "ignored 1 unreadable line"), "%s", out);
	ck_assert_msg(strstr(out, "device and inode differ"), "%s", out);
	ck_assert(vb_cleantest_exists(keep));
	ck_assert(vb_cleantest_exists(etc));
	ck_assert(vb_cleantest_exists(target));
	ck_assert(vb_cleantest_exists(other));
	ck_assert_msg(strstr(out, "not a cgroup"), "%s", out);
	ck_assert_msg(strstr(out, "it is a symbolic link now"), "%s", out);
	ck_assert(vb_cleantest_exists(link));
	unlink(link);
	rmdir(other);
	/* Refusals are final: the marker is gone; bad files stay for a human. */
	vb_cleantest_marker_of(dead, lines, sizeof(lines));
	ck_assert_msg(!lines[0], "%s kept", lines);
	ck_assert(vb_cleantest_exists(bad));
}
END_TEST

/* ---- (4b) issue #11: forged and stale markers as an attacker writes them ---- */

/* A real program with an empty environment, not vbench's: /bin/sleep. */
static pid_t unrelated_sleep(void)
{
	char *argv[] = { "sleep", "1000", NULL }, *envp[] = { NULL };
	char path[64], comm[64];
	pid_t pid = fork();
	FILE *f;
	int i;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		execve("/bin/sleep", argv, envp);
		_exit(127);
	}
	setpgid(pid, pid);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (i = 0; i < 400; i++) { /* until it has exec'ed */
		comm[0] = '\0';
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = '\0';
			fclose(f);
		}
		if (!strncmp(comm, "sleep", 5))
			break;
		usleep(5000);
	}
	return pid;
}

/* Case 1: a forged marker naming a live unrelated process with its real
 * start time must not get it (or its process group) killed. */
START_TEST(test_forged_process_not_killed)
{
	char boot[64], lines[1024], out[8192];
	unsigned long long start;
	vb_clean_stats_t st;
	pid_t s = unrelated_sleep(), dead;

	ck_assert_int_eq(vb_marker_proc_identity(s, NULL, &start), 0);
	dead = vb_cleantest_dead_owner(boot, sizeof(boot));
	snprintf(
	    lines, sizeof(lines),
	    "{\"add\":1,\"kind\":\"process\",\"pid\":%d,\"starttime\":%llu,\"what\":\"agent\"}\n",
	    (int)s, start);
	vb_cleantest_forge(dead, 4242, boot, lines);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	usleep(100000);
	ck_assert_msg(vb_cleantest_running(s), "an unrelated process was killed:\n%s", out);
	ck_assert_msg(st.removed == 0 && st.refused == 1, "%s", out);
	ck_assert_msg(strstr(out, "not vbench's"), "%s", out);
	kill(s, SIGKILL);
	waitpid(s, NULL, 0);
}
END_TEST

/* Case 2: a stale (or planted) marker whose PID a live run now has, naming
 * that live run's own directory, cgroup and process, must leave them alone:
 * whether it claims another run id or copies the live run's. */
START_TEST(test_stale_marker_spares_live_run)
{
	char boot[64], lines[4096], out[16384], name[96];
	unsigned long long start, sstart;
	vb_clean_stats_t st;
	int pfd[2];
	pid_t live;
	struct {
		char dir[PATH_MAX], cg[PATH_MAX], id[VB_RUN_ID_MAX];
		int have_cg;
		pid_t s;
	} got;

	ck_assert_int_eq(vb_marker_boot_id(boot, sizeof(boot)), 0);
	ck_assert_int_eq(pipe(pfd), 0);
	live = fork();
	ck_assert_int_ge(live, 0);
	if (live == 0) {
		vb_cgroup_t cg;
		vb_error_t err;

		memset(&got, 0, sizeof(got));
		snprintf(got.id, sizeof(got.id), "%s", vb_marker_run_id());
		snprintf(got.dir, sizeof(got.dir), "/var/tmp/vbench-cktest-%s-XXXXXX", got.id);
		if (!mkdtemp(got.dir))
			_exit(1);
		vb_undo_add_path(VB_UNDO_DIR, got.dir);
		snprintf(name, sizeof(name), "vbench-%s-cktest", got.id);
		if (vb_cgroup_create(&cg, "/sys/fs/cgroup", name, "0", 64 << 20, &err) == 0) {
			got.have_cg = 1;
			snprintf(got.cg, sizeof(got.cg), "%s",
				 cg.mode == VB_CG_V2 ? cg.v2 : cg.memory);
		}
		got.s = vb_cleantest_exec_sleeper();
		vb_undo_add_pid(got.s, "sleeper");
		if (write(pfd[1], &got, sizeof(got)) != (ssize_t)sizeof(got))
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &got, sizeof(got)), (ssize_t)sizeof(got));
	close(pfd[0]);
	ck_assert_int_eq(vb_marker_proc_identity(live, NULL, &start), 0);
	for (int i = 0; i < 400 && !vb_clean_process_of_run(got.s, got.id); i++)
		usleep(5000); /* until the vb_cleantest_sleeper has exec'ed */
	ck_assert_int_eq(vb_marker_proc_identity(got.s, NULL, &sstart), 0);
	/* Dead owners with the same PID, earlier start times: one claims a run
	 * id of its own, one copies the live run's. */
	lines[0] = '\0';
	vb_cleantest_rec(lines, sizeof(lines), 1, "dir", got.dir);
	vb_cleantest_rec(lines, sizeof(lines), 2, "cgroup",
			 got.have_cg ? got.cg : "/sys/fs/cgroup/memory/x");
	snprintf(
	    lines + strlen(lines), sizeof(lines) - strlen(lines),
	    "{\"add\":3,\"kind\":\"process\",\"pid\":%d,\"starttime\":%llu,\"what\":\"agent\"}\n",
	    (int)got.s, sstart);
	vb_cleantest_forge(live, start - 1, boot, lines);
	vb_cleantest_forge_id(live, start - 2, boot, got.id, lines);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_msg(vb_cleantest_exists(got.dir), "a live run's directory was removed:\n%s", out);
	if (got.have_cg)
		ck_assert_msg(vb_cleantest_exists(got.cg), "a live run's cgroup was removed:\n%s",
			      out);
	ck_assert_msg(vb_cleantest_running(got.s), "a live run's process was killed:\n%s", out);
	ck_assert_msg(st.removed == 0 && st.live == 1, "%s", out);
	ck_assert_msg(strstr(out, "of a live run"), "%s", out);
	kill(live, SIGKILL);
	waitpid(live, NULL, 0);
	/* Now that it is dead, its own marker undoes it all. */
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_msg(!vb_cleantest_exists(got.dir), "%s", out);
	if (got.have_cg)
		ck_assert_msg(!vb_cleantest_exists(got.cg), "%s", out);
	for (int i = 0; i < 200 && vb_cleantest_running(got.s); i++)
		usleep(5000);
	ck_assert_msg(!vb_cleantest_running(got.s), "%s", out);
}
END_TEST

/* Issue #11 review: the live run's marker locked by another cleaner (as at
 * the start of two `vbench run` at once) must still protect its run id: a
 * marker copying that id and naming its directory is refused whole. */
START_TEST(test_busy_live_marker_still_protects)
{
	char boot[64], lines[4096], out[16384], marker[PATH_MAX];
	unsigned long long start;
	vb_clean_stats_t st;
	int pfd[2], mfd;
	pid_t live;
	struct {
		char dir[PATH_MAX], id[VB_RUN_ID_MAX];
	} got;

	ck_assert_int_eq(vb_marker_boot_id(boot, sizeof(boot)), 0);
	ck_assert_int_eq(pipe(pfd), 0);
	live = fork();
	ck_assert_int_ge(live, 0);
	if (live == 0) {
		memset(&got, 0, sizeof(got));
		snprintf(got.id, sizeof(got.id), "%s", vb_marker_run_id());
		snprintf(got.dir, sizeof(got.dir), "/var/tmp/vbench-cktest-%s-XXXXXX", got.id);
		if (!mkdtemp(got.dir))
			_exit(1);
		vb_undo_add_path(VB_UNDO_DIR, got.dir);
		if (write(pfd[1], &got, sizeof(got)) != (ssize_t)sizeof(got))
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &got, sizeof(got)), (ssize_t)sizeof(got));
	close(pfd[0]);
	ck_assert_int_eq(vb_marker_proc_identity(live, NULL, &start), 0);
	vb_cleantest_marker_of(live, marker, sizeof(marker));
	ck_assert(marker[0]);
	mfd = open(marker, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(mfd, 0);
	ck_assert_int_eq(flock(mfd, LOCK_EX | LOCK_NB), 0); /* "another cleaner" */
	lines[0] = '\0';
	vb_cleantest_rec(lines, sizeof(lines), 1, "dir", got.dir);
	vb_cleantest_forge_id(live, start - 1, boot, got.id, lines);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	close(mfd);
	ck_assert_msg(vb_cleantest_exists(got.dir), "a busy live run's directory was removed:\n%s",
		      out);
	ck_assert_msg(st.removed == 0 && strstr(out, "of a live run"), "%s", out);
	kill(live, SIGKILL);
	waitpid(live, NULL, 0);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_msg(!vb_cleantest_exists(got.dir), "%s", out);
}
END_TEST

/* Case 3: a symbolic link in the path (/tmp/x -> a directory elsewhere) and
 * a VM-disk-like file outside any place the run recorded are refused; the
 * same file in a --scratch place the marker recorded is removed. */
START_TEST(test_symlink_and_stray_img_refused)
{
	char boot[64], lines[4096], out[8192], link[PATH_MAX], home[PATH_MAX], victim[PATH_MAX];
	char img[PATH_MAX], viaimg[PATH_MAX], scratch[PATH_MAX], ok[PATH_MAX];
	struct stat sst;
	vb_clean_stats_t st;
	pid_t dead;

	dead = vb_cleantest_dead_owner(boot, sizeof(boot));
	snprintf(home, sizeof(home), "%s/home", vb_cleantest_priv);
	ck_assert_int_eq(mkdir(home, 0755), 0);
	snprintf(victim, sizeof(victim), "%s/vbench-cktest-%s-x", home, vb_cleantest_fake_id(dead));
	ck_assert_int_eq(mkdir(victim, 0755), 0);
	vb_test_put_text(victim, "thesis.tex", "years of work");
	snprintf(img, sizeof(img), "%s/vbench-data-%s.img", home, vb_cleantest_fake_id(dead));
	ck_assert_int_eq(vb_write_file(img, "data", 4, NULL), 0);
	snprintf(link, sizeof(link), "/tmp/vbench-cktest-link-%d", (int)getpid());
	unlink(link);
	ck_assert_int_eq(symlink(home, link), 0);
	snprintf(viaimg, sizeof(viaimg), "%s/vbench-data-%s.img", link, vb_cleantest_fake_id(dead));
	snprintf(scratch, sizeof(scratch), "%s/scratch", vb_cleantest_priv);
	ck_assert_int_eq(mkdir(scratch, 0755), 0);
	ck_assert_int_eq(stat(scratch, &sst), 0);
	snprintf(ok, sizeof(ok), "%s/vbench-hosted-%s.img", scratch, vb_cleantest_fake_id(dead));
	ck_assert_int_eq(vb_write_file(ok, "disk", 4, NULL), 0);
	snprintf(lines, sizeof(lines),
		 "{\"place\":\"scratch\",\"path\":\"%s\",\"dev\":%llu,\"ino\":%llu}\n"
		 "{\"place\":\"scratch\",\"path\":\"%s\"}\n",
		 scratch, (unsigned long long)sst.st_dev, (unsigned long long)sst.st_ino, link);
	snprintf(victim, sizeof(victim), "%s/vbench-cktest-%s-x", link, vb_cleantest_fake_id(dead));
	vb_cleantest_rec(lines, sizeof(lines), 1, "dir", victim);
	vb_cleantest_rec(lines, sizeof(lines), 2, "file", img);
	vb_cleantest_rec(lines, sizeof(lines), 3, "file", viaimg);
	vb_cleantest_rec(lines, sizeof(lines), 4, "file", ok);
	vb_cleantest_forge(dead, 999, boot, lines);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	unlink(link);
	snprintf(victim, sizeof(victim), "%s/vbench-cktest-%s-x/thesis.tex", home,
		 vb_cleantest_fake_id(dead));
	ck_assert_msg(vb_cleantest_exists(victim), "deleted through a symbolic link:\n%s", out);
	ck_assert_msg(vb_cleantest_exists(img),
		      "a stray .img outside the run's places deleted:\n%s", out);
	ck_assert_msg(!vb_cleantest_exists(ok),
		      "the disk in the recorded --scratch place is left:\n%s", out);
	ck_assert_msg(st.removed == 1 && st.refused == 3, "%s", out);
	ck_assert_msg(strstr(out, "a symbolic link is in its path"), "%s", out);
}
END_TEST

/* A bind mount inside a dead owner's directory is unmounted, not deleted
 * through. */
START_TEST(test_bind_mount_not_deleted_through)
{
	char boot[64], lines[1024], out[8192], dir[PATH_MAX], mnt[PATH_MAX], keep[PATH_MAX];
	vb_clean_stats_t st;
	pid_t dead;

	dead = vb_cleantest_dead_owner(boot, sizeof(boot));
	snprintf(keep, sizeof(keep), "%s/data", vb_cleantest_priv);
	ck_assert_int_eq(vb_write_file(keep, "keep", 4, NULL), 0);
	snprintf(dir, sizeof(dir), "/var/tmp/vbench-cktest-%s-XXXXXX", vb_cleantest_fake_id(dead));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(mnt, sizeof(mnt), "%s/rootfs/scratch", dir);
	ck_assert_int_eq(vb_mkdir_p(mnt, 0755, NULL), 0);
	if (mount(vb_cleantest_priv, mnt, NULL, MS_BIND, NULL) < 0) {
		vb_rm_rf(dir);
		VB_SKIP("bind mount not permitted here: %s", strerror(errno));
	}
	lines[0] = '\0';
	vb_cleantest_rec(lines, sizeof(lines), 1, "dir", dir);
	vb_cleantest_forge(dead, 777, boot, lines);
	vb_cleantest_clean(0, &st, out, sizeof(out));
	ck_assert_msg(st.dead == 1 && st.removed == 1 && st.failed == 0, "%s", out);
	ck_assert(!vb_cleantest_exists(dir));
	ck_assert_msg(vb_cleantest_exists(keep), "deleted through a bind mount");
}
END_TEST

Suite *vb_suite_cleanrules(void)
{
	Suite *s = suite_create("cleanrules");
	TCase *tc = tcase_create("refusals");

	tcase_add_checked_fixture(tc, vb_cleantest_setup, vb_cleantest_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_reused_pid_is_dead);
	tcase_add_test(tc, test_forged_paths_refused);
	tcase_add_test(tc, test_forged_process_not_killed);
	tcase_add_test(tc, test_stale_marker_spares_live_run);
	tcase_add_test(tc, test_busy_live_marker_still_protects);
	tcase_add_test(tc, test_symlink_and_stray_img_refused);
	tcase_add_test(tc, test_bind_mount_not_deleted_through);
	suite_add_tcase(s, tc);
	return s;
}
