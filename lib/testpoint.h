/*
 * testpoint.h - stop points for the interruption tests.
 *
 * The tests must interrupt a run at a known moment (during a container's
 * start, a VM's boot, a workload, the report), not at a moment guessed
 * from timing.  With VBENCH_TEST_STOP_AT=POINT[:ENV[:N]] in the
 * environment, vbench stops itself with SIGSTOP the Nth time (default the
 * first) it reaches POINT for environment ENV (any environment if absent),
 * after printing "vbench: test point POINT:ENV:N" on stderr.  The test,
 * its parent, sees the stop (waitpid WUNTRACED), sends SIGINT, SIGTERM or
 * SIGKILL, then SIGCONT.  Without the variable a point costs one branch.
 *
 * Points: "start" (an environment launched, before its ready message: a
 * container's start, a VM's boot), "workload" (a measured repetition's
 * request sent, before its result: the workload is running), "report"
 * (the charts written, before the text files of the report),
 * "scratch-file" (an I/O workload's scratch file created, before it is
 * unlinked and used) and "vmdisk" (a VM's scratch disk image created,
 * before mkfs.ext4 formats it): the last two let a test swap the file for
 * a link, which must never be followed; "save", "restore", "migrate"
 * (--ops: an image being written, a restored instance launched before it
 * answers, a live migration running); "dump" (a container's checkpoint
 * command about to start: a test continues vbench and kills it while the
 * dump runs); "density" and "noisy" (their instances up, before the load
 * or the pairs).
 *
 * Must not: cost more than one branch without VBENCH_TEST_STOP_AT, or print
 * anything but its one line on stderr.
 */
#ifndef VB_TESTPOINT_H
#define VB_TESTPOINT_H

void vb_test_point(const char *point, const char *env);

/* Tests: forget what was read of VBENCH_TEST_STOP_AT and how often each
 * point was passed (a forked child that sets the variable itself). */
void vb_test_point_reset(void);

#endif
