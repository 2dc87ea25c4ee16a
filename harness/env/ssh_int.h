/*
 * ssh_int.h - what ssh.c and ssh_remote.c share: the remote machines of
 * the `ssh` environments as the remotes file (--remotes, INI) describes
 * them, one section each.
 *
 * Every value that reaches the remote's shell (address, user, directories)
 * is checked here against a closed set of characters, so the commands
 * ssh.c builds can never be more than it wrote.
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
	char scratch[PATH_MAX];       /* the disk workloads' directory (workdir) */
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

/* The machine named @name in @rs, or NULL. */
const vb_remote_t *vb_ssh_remote_find(const vb_remotes_t *rs, const char *name);

/* Whether @s is a path vbench passes to a remote shell: absolute, only
 * [A-Za-z0-9/._+-], no "..", at most @max bytes. */
int vb_ssh_safe_path(const char *s, size_t max);

#endif
