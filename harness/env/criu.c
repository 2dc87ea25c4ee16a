/*
 * criu.c - the CRIU probe (criu.h): a real dump of a test process.
 */
#include "harness/env/criu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/marker.h"
#include "harness/core/runproc.h"
#include "harness/core/undo.h"
#include "lib/textsafe.h"
#include "lib/util.h"

#define CRIU_TIMEOUT_MS 20000

static int probed;   /* 0 not yet, 1 works, -1 does not */
static char reason[512];
static char probed_path[PATH_MAX]; /* the criu probed */

void vb_criu_probe_reset(void)
{
	probed = 0;
	reason[0] = '\0';
	probed_path[0] = '\0';
}

/* "Error (criu/vdso.c:381): vdso: Unexpected ..." -> "vdso: Unexpected ...". */
static const char *message(const char *line)
{
	const char *p = strstr(line, "): ");

	return p && !strncmp(line, "Error (", 7) ? p + 3 : line;
}

/* The first and the last of CRIU's error lines in @log into @out. */
static void criu_errors(const char *log, char *out, size_t len)
{
	char first[200] = "", last[200] = "";
	const char *p = log;

	while (*p) {
		size_t n = strcspn(p, "\n");
		char line[200];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (!strncmp(line, "Error (", 7)) {
			snprintf(last, sizeof(last), "%s", message(line));
			if (!first[0])
				snprintf(first, sizeof(first), "%s", last);
		}
		p += n + (p[n] == '\n');
	}
	if (!first[0]) /* no Error line: its last line */
		vb_text_last_line(log, first, sizeof(first));
	snprintf(out, len, "%s%s%s", first[0] ? first : "(no message)",
		 strcmp(first, last) && last[0] ? " ... " : "", strcmp(first, last) ? last : "");
}

static int probe(char *why, size_t len)
{
	char criu[PATH_MAX], dir[PATH_MAX], pid_s[24], errs[4096], msg[400];
	char *argv[] = { criu, "dump", "-t", pid_s, "-D", dir, "--shell-job", "--leave-running",
			 NULL };
	vb_proc_opts_t o = { .timeout_ms = CRIU_TIMEOUT_MS };
	vb_error_t err;
	int dres, pres, rc, st;
	pid_t child, parent = getpid();

	if (vb_proc_which("criu", criu, sizeof(criu)) < 0)
		return (void)snprintf(why, len, "criu not installed (apt-get install criu)"), -1;
	snprintf(probed_path, sizeof(probed_path), "%s", criu);
	snprintf(dir, sizeof(dir), "/tmp/vbench-criu-%s-XXXXXX", vb_marker_run_id());
	if (!mkdtemp(dir))
		return (void)snprintf(why, len, "criu probe: create %s: %s", dir, strerror(errno)), -1;
	dres = vb_undo_add_path(VB_UNDO_DIR, dir);
	child = fork();
	if (child < 0) {
		vb_undo_release(dres);
		return (void)snprintf(why, len, "criu probe: fork: %s", strerror(errno)), -1;
	}
	if (child == 0) { /* the test process: waits in a session of its own, with
			   * no descriptor of vbench's (CRIU would have to dump them) */
		int nul = open("/dev/null", O_RDWR);

		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
		}
		close_range(3, ~0U, 0);
		setsid();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	pres = vb_undo_add_pid(child, "criu probe");
	snprintf(pid_s, sizeof(pid_s), "%d", (int)child);
	usleep(20000); /* its session made */
	vb_error_clear(&err);
	rc = vb_proc_capture(argv, &o, NULL, 0, errs, sizeof(errs), &err);
	kill(child, SIGKILL);
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	vb_undo_forget(pres);
	vb_undo_release(dres);
	if (rc == 0)
		return 0;
	if (rc < 0)
		return (void)snprintf(why, len, "criu dump of a test process: %s", err.msg), -1;
	criu_errors(errs, msg, sizeof(msg));
	snprintf(why, len, "criu dump of a test process failed (CRIU's error: %s; a CRIU that "
			   "works here: scripts/criu.sh fetch DIR in vbench's source, DIR/bin "
			   "first on PATH)",
		 msg);
	return -1;
}

int vb_criu_probe(char *why, size_t len)
{
	if (!probed)
		probed = probe(reason, sizeof(reason)) == 0 ? 1 : -1;
	if (probed < 0)
		snprintf(why, len, "%s", reason);
	return probed > 0 ? 0 : -1;
}

const char *vb_criu_path(void)
{
	return probed > 0 ? probed_path : "";
}
