/*
 * testssh.h - a real OpenSSH server for the `ssh` environment's tests,
 * private to one test: Debian's sshd in a network namespace of its own
 * (vbench-cktest-ssh-PID), reached over a veth pair with private addresses
 * (nothing routed off the host), its configuration, host key, the client's
 * key, the known_hosts and the remote's work directory in a directory of
 * its own.  Everything is removed by vb_testssh_stop, which the tests call
 * on every path (an unchecked fixture).
 */
#ifndef VB_TESTSSH_H
#define VB_TESTSSH_H

#include <limits.h>
#include <sys/types.h>

typedef struct vb_testssh {
	char dir[PATH_MAX];     /* /var/tmp/vbench-cktest-ssh-XXXXXX */
	char ns[48];            /* the network namespace */
	char link[16];          /* the host's end of the veth pair */
	char addr[32];          /* sshd's address */
	char unreachable[32];   /* an address in the same subnet nobody has */
	char key[PATH_MAX];     /* the client's private key */
	char known[PATH_MAX];   /* a known_hosts with sshd's key */
	char wrong[PATH_MAX];   /* a known_hosts with another key for the address */
	char workdir[PATH_MAX]; /* the remote's work directory: must end empty */
	char remotes[PATH_MAX]; /* a remotes file with [lab] (good), [badkey], [nowhere] */
	pid_t sshd;
	int have_ns, have_link; /* made: removed by vb_testssh_stop */
	int up;
} vb_testssh_t;

/* Start it.  0, or -1 with why it cannot here in @why (not root, no sshd:
 * a skip). */
int vb_testssh_start(vb_testssh_t *t, char *why, size_t len);

/* Kill the SSH sessions sshd serves (not sshd itself): a dropped
 * connection.  Returns how many were killed. */
int vb_testssh_drop_sessions(vb_testssh_t *t);

/* Entries left in the remote's work directory (0: clean). */
int vb_testssh_left(const vb_testssh_t *t);

/* Stop sshd, remove the namespace, the link and the directory. */
void vb_testssh_stop(vb_testssh_t *t);

#endif
