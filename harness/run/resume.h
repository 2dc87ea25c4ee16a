/*
 * resume.h - `vbench run --resume DIR`: complete an interrupted run.
 *
 * The run's own record decides everything: its command line is parsed
 * again (options given with --resume must equal it), its seed gives the same
 * interleaved schedule, its workloads keep their recorded (calibrated)
 * parameters, and every schedule slot already in "repetitions" (matched by
 * seq) is skipped.  Before anything runs the resume is refused, with one
 * line naming the difference, when this vbench, the schema, the host or the
 * allocation are not the run's; run.json is then left untouched.  Each
 * session of a run is recorded in run.json's "sessions" and every
 * repetition names the session that measured it.  docs/methodology.md,
 * "Resuming a run", says what is compared, reused and measured again.
 *
 * Must not: change run.json when it refuses a resume, or print.
 */
#ifndef VB_RESUME_H
#define VB_RESUME_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "harness/core/options.h"
#include "harness/run/schedule.h"

#define VB_SESSIONS_WARNING "this run was measured in " /* start of the sessions warning */

typedef struct vb_resume {
	json_t *doc;        /* DIR/run.json as loaded (owned) */
	int complete;       /* status "complete": nothing to resume */
	char **argv;        /* copy of the recorded command line (owned, cfg->argv) */
	int argc;
	int session_argc;   /* this session's command line (borrowed) */
	char **session_argv;
} vb_resume_t;

/* ---- comparisons (one line naming the first difference, VB_EUSAGE) ---- */

/* Schema version, vbench version and ISA of @doc against this vbench. */
int vb_resume_check_version(const json_t *doc, vb_error_t *err);

/* Facts identifying the host (CPU vendor and model, CPUs, memory size,
 * kernel release and build, hypervisor) of the run, @rec, against this
 * session's, @now (both from vb_hostinfo_collect()). */
int vb_resume_check_host(const json_t *rec, const json_t *now, vb_error_t *err);

/* The allocation (CPU lists, memory, cgroup enforcement) of the run, @rec,
 * against this session's, @now. */
int vb_resume_check_allocation(const json_t *rec, const json_t *now, vb_error_t *err);

/* Every option @user gave (user->given; --resume and --quiet aside) must
 * have the value it has in the run's configuration @rec. */
int vb_resume_check_options(const vb_run_cfg_t *user, const vb_run_cfg_t *rec, vb_error_t *err);

/* ---- opening a run ---------------------------------------------------- */

/*
 * Load cfg->resume/run.json (beneath cfg->out_fd, the open and locked run
 * directory, when set) into @rs and, unless it is complete, replace
 * @cfg (the user's command line, parsed) by the run's: its recorded command
 * parsed again with its seed and directory, checked against its recorded
 * options and against the options the user gave.  @rs owns what @cfg then
 * points to; release with vb_resume_close() after the run.  Returns 0 or -1
 * with @err (VB_EUSAGE: no or corrupt run.json, another vbench, a run still
 * running, a differing option).
 */
int vb_resume_open(vb_resume_t *rs, vb_run_cfg_t *cfg, vb_error_t *err);
void vb_resume_close(vb_resume_t *rs);

/* ---- the run's record ------------------------------------------------- */

/*
 * Mark which of the @n slots of @order are in @doc's repetitions (done[k]
 * for seq k+1), checking that each recorded repetition is that slot
 * (environment @envs[slot.env], workload @wls[slot.wl], repetition) and
 * that a recorded schedule is @order.  A slot may hold contended records
 * (re-run, run_reps.c) before one that is not: tries[k] counts them, and a
 * slot is done with a record that is not contended or with @max_tries
 * records.  Returns the number of recorded repetitions, or -1 with @err
 * (VB_EUSAGE) when the record does not match.
 */
long vb_resume_mark_done(const json_t *doc, const vb_slot_t *order, size_t n,
			 const char *const *envs, const char *const *wls, uint8_t *done,
			 uint8_t *tries, unsigned max_tries, vb_error_t *err);

/* Append this session to @doc's "sessions" (started, pid, resumed and, when
 * resumed, its command line @argv); returns its 1-based number. */
int vb_resume_session_begin(json_t *doc, int resumed, int argc, char **argv);

/* Close session @session: ended, repetitions added, final status. */
void vb_resume_session_end(json_t *doc, int session, size_t added, const char *status);

/* Move an environment record replaced by a new session into the
 * "environments" of the session that recorded it (@rec's "session"). */
void vb_resume_archive_env(json_t *doc, json_t *rec);

/* Before environment @env starts again in a resumed run: its VM console
 * and QEMU logs in the run directory @dirfd (@dir its name), which a start
 * truncates, become NAME-@env.session<N>.log (N: the session of its
 * earlier record @old, whose config then names them); renamed with
 * renameat(), which never follows a link. */
void vb_resume_keep_logs(int dirfd, const char *dir, const char *env, json_t *old);

#endif
