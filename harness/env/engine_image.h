/*
 * engine.h - talking to a container engine (docker, podman) through its
 * command-line client, for engine.c.
 *
 * The two engines' clients agree on almost everything vbench needs
 * (`info`, `import`, `image inspect`, `run -i --rm`, `inspect`, `rm -f`);
 * what differs is data, one vb_engine_desc_t each.  Every call is an
 * argument vector given to execv (runproc.h), never a shell line, and has a
 * deadline, so an engine that hangs is a reason, not a hung vbench.
 *
 * Must not: run a shell line or wait without a deadline, or print.
 */
#ifndef VB_ENGINE_H
#define VB_ENGINE_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "harness/image/rootfs.h"

#define VB_ENGINE_TIMEOUT_MS 10000         /* info, inspect, rm */
#define VB_ENGINE_IMPORT_TIMEOUT_MS 120000 /* import of the ~6 MB image */

/* What differs between the engines' command lines and `info` answers. */
typedef struct vb_engine_desc {
	const char *name;          /* "podman": the command and the environment */
	const char *k_version;     /* `info` JSON members (dotted paths) */
	const char *k_driver;      /* storage driver */
	const char *k_root;        /* the engine's storage directory */
	const char *k_runtime;     /* its default OCI runtime */
	const char *k_cgmgr;       /* cgroup manager/driver */
	const char *k_cgver;       /* cgroup version it sees */
	int runtime_global;        /* --runtime goes before `run` (podman) */
	const char *rm_args[5];    /* remove a container by name, killing it at once */
	const char *monitor;       /* the per-container process proxying stdio */
	const char *install;       /* how to get it, for "not installed" */
	int has_daemon;            /* a daemon must answer: say how to start one */
} vb_engine_desc_t;

extern const vb_engine_desc_t vb_engine_docker;
extern const vb_engine_desc_t vb_engine_podman;

/* The engine as `info` describes it. */
typedef struct vb_engine_info {
	char path[PATH_MAX];     /* the client executable */
	char version[64];        /* the engine's (docker: the daemon's) */
	char client_version[64]; /* its client's (a newer docker in /usr/local/bin
				  * talks to an older daemon), "" unknown */
	char driver[64];         /* storage driver: overlay, vfs ... */
	char root[PATH_MAX];     /* its storage */
	char runtime[64];        /* default OCI runtime */
	char cgmgr[32];          /* cgroupfs, systemd */
	char cgver[16];          /* "v1", "1", "v2" ... */
} vb_engine_info_t;

/* The agent's image in the engine's storage. */
typedef struct vb_engine_image {
	char tag[64];            /* vbench-agent:<FNV-1a hash of the tree> */
	char id[96];             /* what `run` is given: never a pull */
	uint64_t bytes;          /* its size in the engine's storage */
	int built;               /* imported by this call (else reused) */
	uint64_t build_ns;       /* tar + import, when built */
	vb_rootfs_t rootfs;      /* the tree it holds (resolved, not on disk) */
} vb_engine_image_t;

/*
 * Run `@path ARGS...` (@args NULL-terminated, at most 14) with a deadline,
 * stdout into @out.  Returns the exit status (0: fine; >0 with @err
 * VB_EUNAVAIL "exited N: <its last line>"), or -1 with @err (VB_ETIMEOUT,
 * VB_ESYS, VB_EINTR).
 */
int vb_engine_ask(const char *path, const char *const args[], int timeout_ms, char *out,
		  size_t outlen, vb_error_t *err);

/*
 * Is engine @d installed and does it answer `info`?  Fills @in.  0, or -1
 * with @err (VB_EUNAVAIL) in the engine's own words ("podman not
 * installed", "docker engine does not answer: ... Cannot connect ...").
 */
int vb_engine_info(const vb_engine_desc_t *d, vb_engine_info_t *in, vb_error_t *err);

/*
 * The image holding @agent and its libraries: reused when the engine has
 * the tag, else the tree is written as a tar into @tmpdir (removed after)
 * and imported.  Returns 0 with @img filled, or -1 with @err set.
 */
int vb_engine_image(const vb_engine_desc_t *d, const vb_engine_info_t *in, const char *agent,
		    const char *const *programs, const char *tmpdir, vb_engine_image_t *img,
		    vb_error_t *err);

/* The engine's last word in its stderr @s: the last line that is not a
 * pointer to the help ("Run 'docker run --help' for more information"). */
void vb_engine_said(const char *s, char *line, size_t len);

#endif
