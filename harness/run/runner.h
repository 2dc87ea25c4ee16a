/*
 * runner.h - orchestration of `vbench run`.
 *
 * Checks the request before anything runs (output directory writable,
 * scratch directory present and not in RAM for I/O workloads, resources
 * available), probes and starts the environments, sizes and calibrates the
 * workloads on bare metal, runs the repetitions in the interleaved order,
 * records every repetition in run.json as it completes, and releases every
 * resource on every path.
 *
 * Must not: be included by anything below bench/, or compute statistics or
 * format the table itself (analysis and output do).
 */
#ifndef VB_RUNNER_H
#define VB_RUNNER_H

#include "lib/error.h"
#include "harness/core/options.h"
#include "harness/run/prepare.h"

/*
 * Run what @cfg asks for.  Returns the process exit code (VB_EXIT_*): 0 all
 * measured, 1 some repetition failed, 3 no environment could run, 4 not
 * enough resources, 130 interrupted; usage problems found before the start
 * return 2 with @err set.  The run directory is printed on stdout.
 */
int vb_run(vb_run_cfg_t *cfg, vb_error_t *err);

/*
 * Complete the run @rs opened (resume.h) with its configuration @cfg: the
 * same exit codes as vb_run for the whole run (1 when any repetition of any
 * session failed).  Refusals found here (another host or allocation, a
 * record that does not match the schedule) return 2 with @err set and
 * leave run.json as it was.
 */
struct vb_resume;
int vb_run_resume(vb_run_cfg_t *cfg, struct vb_resume *rs, vb_error_t *err);


#endif
