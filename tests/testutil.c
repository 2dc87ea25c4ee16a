/*
 * testutil.c - the helpers every suite used to write again (tests/testutil.h):
 * the private directory, running vbench, run.json, fixtures, golden files.
 */
#include "tests/testutil.h"

#include <ctype.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/core/options.h"
#include "harness/core/runfile.h"
#include "harness/core/runproc.h"
#include "harness/analysis/summary.h"
#include "harness/env/engine_image.h"
#include "harness/env/env.h"
#include "lib/term.h"
#include "lib/util.h"
#include "tests/tests.h"

#define OUT_MAX (64u << 20) /* the most of a captured stream or text file */

/* ---- the private directory ---------------------------------------------- */

int vb_test_mkdtemp(char *dir, size_t len, const char *tag)
{
	snprintf(dir, len, "/var/tmp/vbench-%s-XXXXXX", tag);
	if (mkdtemp(dir))
		return 0;
	dir[0] = '\0';
	return -1;
}

void vb_test_rmdtemp(char *dir)
{
	if (dir[0])
		vb_rm_rf(dir);
	dir[0] = '\0';
}

const char *vb_test_subdir(const char *tmpdir, const char *name, char *buf, size_t len)
{
	vb_error_t err;

	ck_assert(tmpdir[0]);
	snprintf(buf, len, "%s/%s", tmpdir, name);
	ck_assert_msg(vb_mkdir_p(buf, 0755, &err) == 0, "%s", err.msg);
	return buf;
}

void vb_test_put(const char *dir, const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX], parent[PATH_MAX];
	vb_error_t err;

	snprintf(p, sizeof(p), "%s%s%s", dir, *rel ? "/" : "", rel);
	snprintf(parent, sizeof(parent), "%s", p);
	*strrchr(parent, '/') = '\0';
	ck_assert_msg(vb_mkdir_p(parent, 0755, &err) == 0, "%s", err.msg);
	ck_assert_msg(vb_write_file(p, data, len, &err) == 0, "%s", err.msg);
}

void vb_test_put_text(const char *dir, const char *rel, const char *text)
{
	vb_test_put(dir, rel, text, strlen(text));
}

void vb_test_assert_content(const char *path, const char *text)
{
	char *s = vb_read_file(path, 1 << 20, 0, NULL);

	ck_assert_msg(s != NULL, "%s is gone", path);
	ck_assert_msg(!strcmp(s, text), "%s was changed: '%.60s'", path, s);
	free(s);
}

int vb_test_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_msg(d != NULL, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

/* ---- programs ------------------------------------------------------------- */

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int vb_test_run(char *const argv[], const char *env_kv, char *out, size_t outlen, pid_t *pidp)
{
	return vb_test_run_in(NULL, argv, env_kv, out, outlen, pidp);
}

int vb_test_run_in(const char *cwd, char *const argv[], const char *env_kv, char *out,
		   size_t outlen, pid_t *pidp)
{
	int pfd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		if (cwd && chdir(cwd) < 0)
			_exit(126);
		if (env_kv)
			putenv((char *)env_kv);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	if (pidp)
		*pidp = pid;
	while ((n = read(pfd[0], out + len, outlen - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return exit_code(status);
}

int vb_test_script(const char *script, const char *root, const char *allow, char *out,
		   size_t len)
{
	char path[PATH_MAX];
	char *argv[] = { "/usr/bin/python3", path, "--root", (char *)root, NULL, NULL, NULL };

	snprintf(path, sizeof(path), "%s/scripts/%s", vb_test_srcdir(), script);
	if (allow) {
		argv[4] = "--allow";
		argv[5] = (char *)allow;
	}
	return vb_test_run(argv, NULL, out, len, NULL);
}

int vb_test_script_listed(const char *script, const char *root, const char *listed, char *out,
			  size_t len)
{
	char allow[PATH_MAX];

	vb_test_put_text(root, "allow.txt", listed);
	snprintf(allow, sizeof(allow), "%s/allow.txt", root);
	return vb_test_script(script, root, allow, out, len);
}

/* An unlinked temporary file for a child's stream. */
static int stream_file(void)
{
	char path[] = "/var/tmp/vbench-tout-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_msg(fd >= 0, "mkstemp %s", path);
	unlink(path);
	return fd;
}

/* All of @fd from its start, malloc'ed. */
static char *slurp_fd(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *s;
	ssize_t n;

	ck_assert_int_ge(size, 0);
	ck_assert_uint_le((size_t)size, OUT_MAX);
	s = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(s);
	n = pread(fd, s, (size_t)size, 0);
	ck_assert_int_eq(n, size);
	s[size] = '\0';
	close(fd);
	return s;
}

int vb_test_vbench(const char *cwd, char **out, char **errout, ...)
{
	char vbench[PATH_MAX];
	const char *argv[32] = { vbench };
	int n = 1, status, so, se;
	va_list ap;
	pid_t pid;

	va_start(ap, errout);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_bindir());
	so = stream_file();
	se = stream_file();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(so, 1);
		dup2(se, 2);
		if (cwd && chdir(cwd) < 0)
			_exit(126);
		execv(vbench, (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	*out = slurp_fd(so);
	*errout = slurp_fd(se);
	return exit_code(status);
}

const char *vb_test_fake_agent(char *buf, size_t len)
{
	char self[PATH_MAX], real[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(buf, len, "%s/fake-agent", self);
	ck_assert_msg(access(buf, X_OK) == 0, "no test agent %s (make build/fake-agent)", buf);
	snprintf(real, sizeof(real), "%s/workloads/vbench-agent", vb_test_bindir());
	ck_assert_int_eq(setenv("VBENCH_FAKE_AGENT", real, 1), 0);
	return buf;
}

pid_t vb_test_spawn(char *const argv[], const char *env_kv)
{
	pid_t pid = fork();
	int null;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		if (env_kv)
			putenv((char *)env_kv);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

pid_t vb_test_spawn_log(char *const argv[], const char *const *env_kv, const char *log)
{
	pid_t pid = fork();
	int fd;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsetenv("VBENCH_TEST_STOP_AT");
		for (; env_kv && *env_kv; env_kv++)
			putenv((char *)*env_kv);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		if (log)
			fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

int vb_test_wait_stopped(pid_t pid, int ms)
{
	int st, waited;
	pid_t r;

	for (waited = 0; waited < ms; waited += 10) {
		r = waitpid(pid, &st, WUNTRACED | WNOHANG);
		if (r == pid && WIFSTOPPED(st))
			return 1;
		if (r == pid)
			return 0; /* exited: reaped */
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}

int vb_test_reap(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 256 + WTERMSIG(status);
}

int vb_test_wait_reps(const char *dir, size_t n, int timeout_ms)
{
	char path[PATH_MAX];
	int waited;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	for (waited = 0; waited <= timeout_ms; waited += 10) {
		json_t *d = json_load_file(path, 0, NULL);
		size_t have = d ? json_array_size(json_object_get(d, "repetitions")) : 0;

		json_decref(d);
		if (have >= n)
			return 1;
		usleep(10000);
	}
	return 0;
}

void vb_test_expect_refusal(int rc, char *out, char *err, const char *a, const char *b)
{
	ck_assert_msg(rc == 2, "exit %d (stderr: %s)", rc, err);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	ck_assert_msg(strstr(err, a) != NULL, "'%s' not named in: %s", a, err);
	ck_assert_msg(!b || strstr(err, b) != NULL, "'%s' not named in: %s", b, err);
	free(out);
	free(err);
}

void vb_test_fold_spaces(char *s)
{
	char *o = s, *start = s;
	int space = 0;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = 1;
			continue;
		}
		if (space && o > start)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
}

json_t *vb_test_sigint_run(pid_t pid, const char *dir, size_t min, size_t max, int all_ok)
{
	json_t *doc, *reps, *r;
	size_t i;

	/* under a loaded CI host a sandbox's first repetitions can take long */
	if (!vb_test_wait_reps(dir, min, 120000)) {
		kill(pid, SIGINT);
		vb_test_reap(pid);
		ck_abort_msg("%s: fewer than %zu repetitions recorded within 120 s", dir, min);
	}
	kill(pid, SIGINT);
	ck_assert_int_eq(vb_test_reap(pid), 130);
	doc = vb_test_load_run(dir, 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "interrupted");
	reps = json_object_get(doc, "repetitions");
	ck_assert_uint_ge(json_array_size(reps), min);
	ck_assert_uint_lt(json_array_size(reps), max);
	json_array_foreach(all_ok ? reps : NULL, i, r)
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "repetition %zu failed: %s", i,
			      json_string_value(json_object_get(r, "error")));
	return doc;
}

/* ---- run.json -------------------------------------------------------------- */

int vb_test_validate(const char *path, char *out, size_t outlen)
{
	char validator[PATH_MAX];
	char *argv[] = { "/usr/bin/python3", validator, (char *)path, NULL };

	snprintf(validator, sizeof(validator), "%s/scripts/validate-run.py", vb_test_srcdir());
	return vb_test_run(argv, NULL, out, outlen, NULL);
}

json_t *vb_test_load_run(const char *dir, int validate)
{
	static char out[8192];
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *doc;
	int rc;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	if (validate) {
		rc = vb_test_validate(path, out, sizeof(out));
		ck_assert_msg(rc == 0, "%s does not validate (exit %d): %s", path, rc, out);
	}
	doc = json_load_file(path, 0, &jerr);
	ck_assert_msg(doc != NULL, "%s: %s", path, jerr.text);
	return doc;
}

json_t *vb_test_env_rec(json_t *doc, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(doc, "environments"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "name")), name))
			return e;
	return NULL;
}

/* ---- fixtures and golden files ----------------------------------------------- */

json_t *vb_test_load_fixture(const char *rel)
{
	char path[PATH_MAX];
	vb_error_t err;
	json_t *run;

	snprintf(path, sizeof(path), "%s/%s", vb_test_srcdir(), rel);
	run = vb_runfile_load(path, &err);
	ck_assert_msg(run != NULL, "fixture %s: %s", path, err.msg);
	return run;
}

json_t *vb_test_summarize(const json_t *run)
{
	vb_summary_cfg_t cfg;
	vb_error_t err;
	json_t *sum;

	vb_error_clear(&err);
	vb_summary_cfg_init(&cfg);
	sum = vb_summary_build(run, &cfg, &err);
	ck_assert_msg(sum != NULL, "summary: %s", err.msg);
	return sum;
}

void vb_test_write_run(const char *dir, const json_t *doc)
{
	char path[PATH_MAX];
	char *s = json_dumps(doc, JSON_INDENT(1));

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(vb_mkdir_p(dir, 0755, NULL), 0);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	ck_assert_int_eq(vb_write_file(path, s, strlen(s), NULL), 0);
	free(s);
}

char *vb_test_read_text(const char *dir, const char *name, size_t max)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return vb_read_file(path, max, 0, NULL);
}

void vb_test_compare_golden(const char *name, const char *got, size_t len)
{
	char path[PATH_MAX], keep[PATH_MAX], *want;
	size_t line = 1, i;

	snprintf(path, sizeof(path), "%s/tests/fixtures/golden/%s", vb_test_srcdir(), name);
	want = vb_read_file(path, OUT_MAX, 0, NULL);
	ck_assert_msg(want != NULL, "missing golden file %s (make golden)", path);
	for (i = 0; i < len && want[i] && want[i] == got[i]; i++)
		line += got[i] == '\n';
	if (i != len || want[i]) {
		snprintf(keep, sizeof(keep), "%s/build/%s.actual", vb_test_srcdir(), name);
		vb_write_file(keep, got, len, NULL);
		free(want);
		ck_abort_msg("%s differs from the golden file at line %zu (actual output in %s; "
			     "`make golden` if the change is deliberate)",
			     name, line, keep);
	}
	free(want);
}

void vb_test_case_dir(char *dir, size_t len, const char *root, const char *test)
{
	ck_assert_msg(root[0], "no temporary directory");
	snprintf(dir, len, "%s/%s", root, test);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
}

char *vb_test_fixture_run(char *buf, size_t len, const char *dir, const char *rel,
			  const char *fixture)
{
	json_t *run = vb_test_load_fixture(fixture);

	snprintf(buf, len, "%s/%s", dir, rel);
	vb_test_write_run(buf, run);
	json_decref(run);
	return buf;
}

/* No line of @s (@what names it) wider than @width columns (UTF-8 characters). */
void vb_test_assert_fits(const char *s, size_t width, const char *what)
{
	const char *line, *nl;
	size_t n;

	for (line = s; *line; line = nl + 1) {
		if (!strncmp(line, "\033[K", 3)) /* a terminal's line erased, then rewritten */
			line += 3;
		nl = line + strcspn(line, "\r\n");
		n = (size_t)(nl - line);
		ck_assert_msg(vb_term_cols(line, n) <= width, "%s: a line of %zu columns over %zu: '%.*s'",
			      what, vb_term_cols(line, n), width, (int)n, line);
		if (!*nl)
			break;
	}
}

json_t *vb_test_run_all_types(void)
{
	static const char *const copies[] = { "oci", "hosted" };
	static const char *const absent[][2] = { { "docker", "no daemon" },
						 { "kvm", "no /dev/kvm here" } };
	json_t *run = vb_test_load_fixture("tests/fixtures/run-bare-container.json"), *e, *r,
	       *envs = json_object_get(run, "environments"),
	       *reps = json_object_get(run, "repetitions"), *add = json_array();
	size_t i, k;

	ck_assert_ptr_nonnull(run);
	for (k = 0; k < 2; k++) {
		e = json_deep_copy(vb_test_env_rec(run, "container"));
		json_object_set_new(e, "name", json_string(copies[k]));
		json_object_del(e, "class");
		if (k == 1)
			json_object_update_new(e, json_pack("{s:s,s:s}", "type", "hosted VM (type-2)",
							    "mechanism", "QEMU TCG emulation"));
		json_array_append_new(envs, e);
		json_array_foreach(reps, i, r)
			if (!strcmp(json_string_value(json_object_get(r, "env")), "container")) {
				r = json_deep_copy(r);
				json_object_set_new(r, "env", json_string(copies[k]));
				json_array_append_new(add, r);
			}
	}
	json_array_extend(reps, add);
	json_decref(add);
	for (k = 0; k < 2; k++)
		json_array_append_new(envs, json_pack("{s:s,s:s,s:s,s:b,s:s,s:b}", "name",
						      absent[k][0], "type", absent[k][0],
						      "mechanism", "?", "available", 0, "reason",
						      absent[k][1], "baseline", 0));
	return run;
}

size_t vb_test_longest_line(const char *s)
{
	size_t max = 0, n;

	while (*s) {
		n = strcspn(s, "\n");
		max = n > max ? n : max;
		s += n + (s[n] == '\n');
	}
	return max;
}

void vb_test_chromium_dom(const char *tmpdir, const char *url, int width, char *dom, size_t len)
{
	char chromium[PATH_MAX], profile[PATH_MAX], ud[PATH_MAX + 32], size[48], errs[4096];
	char *argv[] = { chromium,
			 "--headless",
			 "--no-sandbox",
			 "--disable-gpu",
			 "--disable-background-networking",
			 "--no-first-run",
			 "--disable-component-update",
			 "--disable-sync",
			 "--hide-scrollbars",
			 size,
			 ud,
			 "--dump-dom",
			 (char *)url,
			 NULL };
	vb_proc_opts_t o = { .timeout_ms = 60000 };
	vb_error_t err;
	int rc;

	if (vb_proc_which("chromium", chromium, sizeof(chromium)) < 0)
		VB_SKIP("chromium not installed (apt-get install chromium)");
	snprintf(size, sizeof(size), "--window-size=%d,1000", width);
	snprintf(profile, sizeof(profile), "%s/chromium-profile-XXXXXX", tmpdir);
	ck_assert_ptr_nonnull(mkdtemp(profile));
	snprintf(ud, sizeof(ud), "--user-data-dir=%s", profile);
	rc = vb_proc_capture(argv, &o, dom, len, errs, sizeof(errs), &err);
	vb_rm_rf(profile);
	ck_assert_msg(rc == 0, "chromium exited %d: %s %s", rc, err.msg, errs);
}

int vb_test_docker_experimental(void)
{
	const char *args[] = { "version", "--format", "{{.Server.Experimental}}", NULL };
	char path[PATH_MAX], out[64];
	vb_error_t err;

	return vb_proc_which("docker", path, sizeof(path)) == 0 &&
	       vb_engine_ask(path, args, 10000, out, sizeof(out), &err) == 0 &&
	       !strncmp(out, "true", 4);
}

const char *vb_test_env_unavailable(const char *env, char *why, size_t len)
{
	return vb_test_env_unavailable_with(env, NULL, NULL, why, len);
}

const char *vb_test_env_unavailable_with(const char *env, const char *opt, const char *value,
					 char *why, size_t len)
{
	const vb_env_ops_t *ops = vb_env_find(env);
	vb_run_cfg_t *cfg;
	vb_error_t err;
	int rc;

	ck_assert_msg(ops != NULL, "no environment '%s'", env);
	ck_assert_int_eq(vb_env_check(ops, &err), 0);
	if (geteuid() != 0 && (ops->caps & VB_ENV_NEEDS_ROOT))
		return snprintf(why, len, "not root (the %s environment needs it)", env), why;
	cfg = calloc(1, sizeof(*cfg));
	ck_assert_ptr_nonnull(cfg);
	vb_run_cfg_init(cfg);
	snprintf(cfg->agent_path, sizeof(cfg->agent_path), "%s/workloads/vbench-agent",
		 vb_test_bindir());
	if (opt)
		ck_assert_int_eq(vb_env_conf_set(cfg, opt, value, &err), 0);
	vb_error_clear(&err);
	rc = vb_env_probe(ops, cfg, &err);
	free(cfg);
	if (rc == 0)
		return NULL;
	ck_assert_msg(err.code == VB_EUNAVAIL, "%s probe: %s", env, err.msg);
	ck_assert_msg(strlen(err.msg) > 10, "%s: no reason: '%s'", env, err.msg);
	snprintf(why, len, "%s", err.msg);
	return why;
}
