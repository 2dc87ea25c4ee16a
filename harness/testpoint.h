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
 * request sent, before its result: the workload is running) and "report"
 * (the charts written, before the text files of the report).
 */
#ifndef VB_TESTPOINT_H
#define VB_TESTPOINT_H

void vb_test_point(const char *point, const char *env);

#endif
