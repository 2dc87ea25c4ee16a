/*
 * criu.h - whether CRIU can checkpoint a process on this host, for the
 * container backends' save and restore (env.h op_why).
 *
 * The probe is a real dump: a child of vbench's that only waits, in a
 * session of its own, dumped with `criu dump --leave-running --shell-job`
 * into a private directory; CRIU's own error lines are the reason when it
 * fails (CRIU 3.17 on kernel 6.18: "vdso: Unexpected rt vDSO area bounds
 * ... Could not initialize kernel features detection.").  The child, the
 * directory and what CRIU wrote are registered and removed.  Probed once
 * per process.
 *
 * Must not: checkpoint an instance: it only says whether CRIU works here.
 */
#ifndef VB_CRIU_H
#define VB_CRIU_H

#include <stddef.h>

/* 0 when CRIU dumped the test process; -1 with why not in @why ("criu not
 * installed (apt-get install criu)", "criu dump of a test process failed:
 * FIRST ERROR ... LAST ERROR"). */
int vb_criu_probe(char *why, size_t len);

/* Forget the cached answer (tests). */
void vb_criu_probe_reset(void);

/* The criu the probe dumped with (found on PATH), what a checkpoint must
 * use; "" unless the probe succeeded. */
const char *vb_criu_path(void);

#endif
