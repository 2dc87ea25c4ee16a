/*
 * debris.h - what a vbench process may leave behind, for the tests: a
 * process still running, a process in one of its cgroups or naming one of
 * its files, a cgroup vbench-PID-*, a mount or a temporary file or
 * directory named with its PID (/var/tmp/vbench-scratch-PID-*, ...), its
 * owner marker, an engine (podman, docker) or OCI runtime (crun, runc)
 * container vbench-PID-*.  Decoys of the clean tests (names with "cktest")
 * are not debris: a killed test binary leaves them, and their PIDs recur.
 */
#ifndef VB_TEST_DEBRIS_H
#define VB_TEST_DEBRIS_H

#include <stddef.h>
#include <sys/types.h>

/* 1 with the first thing found described in @why, 0 when nothing is left. */
int vb_test_debris(pid_t pid, char *why, size_t len);

/* The same, waiting up to @timeout_ms for it to go (children dying after
 * their parent's SIGKILL take a moment). */
int vb_test_wait_no_debris(pid_t pid, int timeout_ms, char *why, size_t len);

/* 1 when a QEMU is running that vbench @pid started: its parent, or vbench's
 * socket directory vbench-vm-PID-* on its command line; else 0. */
int vb_test_qemu_of(pid_t pid);

#endif
