/*
 * list.h - the environment backends, in the order `vbench run --all` runs
 * them and `vbench list` shows them.  Each X(name) is a table of operations
 * vb_env_<name> (env.h) defined in its backend's file in harness/env/.
 * Adding an environment is one file and one line here (and the file's line
 * in the Makefile); a program that is not vbench adds its own with
 * vb_env_register (the test binary's null backend).
 *
 * Must not: hold anything but the X(name) lines: a backend's facts are in
 * its own table.
 */
#ifndef VB_ENV_LIST_H
#define VB_ENV_LIST_H

#define VB_ENVS(X) \
	X(bare)      \
	X(container) \
	X(oci)       \
	X(docker)    \
	X(podman)    \
	X(gvisor)    \
	X(hosted)    \
	X(kvm)       \
	X(ssh)

#endif
