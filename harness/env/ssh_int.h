/*
 * ssh_int.h - what ssh.c and ssh_remote.c share: the remote machines of
 * the `ssh` environments as the remotes file (--remotes, INI) describes
 * them, one section each.
 *
 * Every value that reaches the remote's shell (directories) or ssh's
 * arguments and -o options (address, user, key, known_hosts) is checked
 * here against a closed set of characters, so the commands ssh.c builds
 * can never be more than it wrote.
 *
 * Must not: be included outside harness/env/ssh*.c, or connect anywhere.
 */
#ifndef VB_SSH_INT_H
#define VB_SSH_INT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/env/env.h"
#include "lib/error.h"

#define VB_SSH_MAX_REMOTES 16
#define VB_SSH_MAX_FILE (1u << 16)
#define VB_SSH_MAX_ARGS 40
#define VB_SSH_MAX_WORKDIR 200 /* workdir and scratch: well within every buffer */

/* One [NAME] section. */
typedef struct vb_remote {
	char name[VB_ENV_TARGET_MAX]; /* the section: --env ssh:NAME */
	int line;                     /* its header's line */
	char address[256];            /* host name or numeric address */
	unsigned port;                /* 22 unless given */
	char user[64];                /* "root" unless given */
	char key[PATH_MAX];           /* the private key (IdentityFile) */
	char known_hosts[PATH_MAX];   /* the known_hosts the remote's key must be in */
	char workdir[PATH_MAX];       /* where the private directory goes (/var/tmp) */
	char scratch[PATH_MAX];       /* the disk workloads' directory ("": DIR/scratch) */
	char product[64];             /* "VirtualBox" */
	char version[64];             /* "7.0.14" */
	vb_env_arch_t arch;           /* type-1: hw-vm, type-2: hosted-vm */
	vb_env_mech_t mech;           /* hardware-assisted or emulation */
	unsigned vcpus;               /* as configured (0: not said) */
	uint64_t memory;              /* bytes as configured (0: not said) */
} vb_remote_t;

typedef struct vb_remotes {
	char path[PATH_MAX];
	vb_remote_t r[VB_SSH_MAX_REMOTES];
	size_t n;
} vb_remotes_t;

/*
 * Read the remotes file @path into @rs: every section a machine with at
 * least address, key, known_hosts and type; keys checked as they come.
 * 0, or -1 with @err (VB_EUSAGE, "PATH:LINE: ...", one line).
 */
int vb_ssh_remotes_load(const char *path, vb_remotes_t *rs, vb_error_t *err);

/* What one remote needs to be reached, also by `vbench clean`. */
typedef struct vb_ssh_peer {
	char ssh[PATH_MAX];   /* the OpenSSH client */
	char address[256], user[64], key[PATH_MAX], known[PATH_MAX];
	unsigned port;
	int accept_new;
	int connect_s;        /* ConnectTimeout */
	/* the argument vector up to the remote command (strings below) */
	char *argv[VB_SSH_MAX_ARGS];
	int argc;
	char o_known[PATH_MAX + 32], o_key[PATH_MAX + 32], o_connect[48], o_strict[48], port_s[8];
} vb_ssh_peer_t;

/* @p for remote @r: the client found, its argument vector up to the
 * remote command built (ConnectTimeout @connect_s).  0, or -1 with @err
 * (VB_EUNAVAIL: no ssh client). */
int vb_ssh_peer_init(vb_ssh_peer_t *p, const vb_remote_t *r, int accept_new, int connect_s,
		     vb_error_t *err);

/* Run @cmd there (its stdin from @in_fd, -1: /dev/null; its stdout into
 * @out, NULL: discarded) within @timeout_ms.  0, or -1 with @err naming
 * @what and ssh's or the command's last word (a refused host key said
 * with the known_hosts file and what to do). */
int vb_ssh_peer_run(const vb_ssh_peer_t *p, const char *cmd, int in_fd, int timeout_ms,
		    char *out, size_t outlen, const char *what, vb_error_t *err);

/* The remote command that removes @dir: every process running from it
 * first, then the files. */
void vb_ssh_remove_cmd(const char *dir, char *buf, size_t len);

/* The machine named @name in @rs, or NULL. */
const vb_remote_t *vb_ssh_remote_find(const vb_remotes_t *rs, const char *name);

/* Whether @s is a path vbench passes to a remote shell or to ssh's -o:
 * absolute, only [A-Za-z0-9/._+-], no "..", "//", "/./", no trailing "/",
 * not "/" itself, shorter than @max bytes. */
int vb_ssh_safe_path(const char *s, size_t max);

/* Whether @s is 1 to @max-1 bytes of letters, digits and @set, not
 * starting with '-' (an address, a user name for ssh's arguments). */
int vb_ssh_word(const char *s, const char *set, size_t max);

#endif
