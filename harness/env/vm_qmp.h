/*
 * vm_qmp.h - a QEMU Machine Protocol client for the VM environments' save,
 * restore and migrate operations (vm_ops.c).
 *
 * QEMU connects its monitor (-chardev socket,path=SOCK -mon mode=control)
 * to a socket vbench listens on, as it does the agent channel; this is the
 * other end.  Every read has a deadline, a line is at most VB_QMP_MAX_LINE
 * bytes and must be a JSON object, asynchronous events are skipped (the
 * last ones kept for messages), a command's "error" becomes one line
 * naming the command and QEMU's description.  A descriptor can go with a
 * command (SCM_RIGHTS), for "getfd".
 *
 * Must not: build QEMU's command line (vm_qemu.h) or decide what to save
 * or migrate (vm_ops.c): it carries commands and answers.
 */
#ifndef VB_VM_QMP_H
#define VB_VM_QMP_H

#include <jansson.h>

#include "lib/error.h"

#define VB_QMP_MAX_LINE (256u << 10)

typedef struct vb_qmp {
	int fd;      /* the monitor's socket, -1 none */
	char *buf;   /* bytes read, not yet a whole line */
	size_t len;
	char last_event[64]; /* the name of the last event seen ("" none) */
	json_int_t next_id;  /* every command carries an id; an answer with another
			      * (one given up on) is skipped */
} vb_qmp_t;

/* An unconnected client (fd -1). */
void vb_qmp_init(vb_qmp_t *q);

/*
 * Take the connected socket @fd (owned from now on, also after an error),
 * read QEMU's greeting and leave negotiation mode (qmp_capabilities),
 * within @timeout_ms.  0, or -1 with @err (VB_ETIMEOUT, VB_EPROTO, VB_ESYS).
 */
int vb_qmp_open(vb_qmp_t *q, int fd, int timeout_ms, vb_error_t *err);

/*
 * Execute @cmd with @args (an object or NULL; the reference is taken) and
 * return its "return" value (new reference; an empty object for none),
 * within @timeout_ms.  With @pass_fd >= 0 that descriptor goes with the
 * command (getfd).  The command carries an "id": a late answer to one
 * given up on is never taken for this one's.  NULL with @err: VB_EUNAVAIL
 * "QMP CMD: QEMU's description" for an error answer (QEMU refused: the
 * instance's state is then the caller's to judge, never "in step"),
 * VB_ETIMEOUT, VB_EPROTO, VB_ESYS (QEMU gone).
 */
json_t *vb_qmp_exec(vb_qmp_t *q, const char *cmd, json_t *args, int pass_fd, int timeout_ms,
		    vb_error_t *err);

/* Close the socket (safe twice). */
void vb_qmp_close(vb_qmp_t *q);

#endif
