/*
 * charts.c - gnuplot charts of a summary (charts.h): the driver.
 *
 * For every chart of a table (the report's in charts_plot.c and
 * charts_capacity.c, the plan's in charts_plan.c) this file writes NAME.dat
 * and NAME.gp into <dir>/charts/, removes the images of an earlier
 * rendering (so a failure never leaves a stale picture behind), runs
 * `gnuplot NAME.gp` with a deadline, and records the outcome; a rendered
 * PNG is carried base64-encoded in the returned document so report.html
 * can embed it.  A missing gnuplot or a failing script is a note, never an
 * error: the data and scripts are written anyway.
 *
 * Everything in <dir>/charts goes through descriptors: the directory is
 * opened beneath the run directory's descriptor (a link there is refused),
 * files are replaced with renameat() and stale ones removed with unlinkat()
 * (both act on a link itself, never on what it points to).  gnuplot opens
 * its output files by name and would follow a link, so it runs in a fresh
 * private 0700 directory inside charts/ (entered by descriptor) and its
 * images are renamed into charts/ from there.  All the charts together have
 * a time budget (VB_CHARTS_BUDGET_MS): a hanging gnuplot cannot hold the
 * report longer; charts not rendered in time are skipped with a note.
 */
#include "harness/output/charts.h"
#include "harness/output/charts_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/analysis/samples.h"
#include "harness/core/runproc.h"
#include "lib/safefs.h"
#include "lib/util.h"
#include "lib/textsafe.h"

#define MAX_IMAGE (64u << 20) /* refuse to embed a larger PNG */
#define RENDER_PREFIX ".render-" /* gnuplot's private directory in charts/ */

/* ---- quoting (charts_int.h) ---- */

/* @s as a gnuplot single-quoted string: quotes doubled, control characters as spaces. */
void vb_charts_gp_str(FILE *f, const char *s)
{
	unsigned char c;

	fputc('\'', f);
	for (s = s ?: ""; *s; s++) {
		c = (unsigned char)*s;
		if (c == '\'')
			fputs("''", f);
		else
			fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
	fputc('\'', f);
}

/* @s as a double-quoted column of a data file (no quote or control character inside). */
void vb_charts_dat_str(FILE *f, const char *s)
{
	unsigned char c;

	fputc(' ', f);
	fputc('"', f);
	for (s = s ?: ""; *s; s++) {
		c = (unsigned char)*s;
		fputc(c == '"' ? '\'' : c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
	fputc('"', f);
}

/* @s inside a comment line of a data file: control characters as spaces. */
void vb_charts_dat_plain(FILE *f, const char *s)
{
	unsigned char c;

	for (s = s ?: ""; *s; s++) {
		c = (unsigned char)*s;
		fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
}

/* A number column; '?' when it does not exist. */
void vb_charts_dat_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.6g", v);
	else
		fputs(" ?", f);
}

/* ---- what they draw ---- */

json_t *vb_charts_input(const json_t *sum, const json_t *run)
{
	json_t *in = run ? json_copy((json_t *)sum) : json_incref((json_t *)sum);

	if (in && run &&
	    (json_object_set_new(in, "points", vb_samples_points(run, sum)) < 0 ||
	     json_object_set_new(in, "where", vb_samples_where(run)) < 0 ||
	     json_object_set_new(in, "counter_units", vb_samples_counter_units(run)) < 0)) {
		json_decref(in);
		return NULL;
	}
	return in;
}

/* ---- finding and probing gnuplot ---- */

int vb_charts_find_gnuplot(char *path, size_t len)
{
	const char *env = getenv(VB_CHARTS_GNUPLOT_ENV);

	if (env && *env)
		return vb_proc_which(env, path, len);
	return vb_proc_which("gnuplot", path, len);
}

/* The PNG terminal this gnuplot has: "pngcairo", else libgd's "png". */
static const char *png_terminal(const char *gnuplot, int timeout_ms)
{
	char *argv[] = { (char *)gnuplot, "-e", "set terminal pngcairo", NULL };
	vb_proc_opts_t o = { .timeout_ms = timeout_ms };
	vb_error_t err;

	return vb_proc_capture(argv, &o, NULL, 0, NULL, 0, &err) == 0 ? "pngcairo" : "png";
}

/* In the child: run in the private directory (by descriptor: no path to
 * redirect), so the script's relative names resolve there. */
static int chdir_hook(void *arg)
{
	return fchdir(*(const int *)arg);
}

/*
 * The line of gnuplot's @errs that says what went wrong.  gnuplot writes
 * `"NAME.gp" line N: message` for warnings and errors alike and stops at the
 * first error, so: the last such line that is not a warning, else the last
 * such line, else the first non-empty line.
 */
static void gnuplot_error_line(const char *errs, char *line, size_t len)
{
	const char *p, *nl, *err = NULL, *any = NULL;
	size_t n;

	for (p = errs; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (*p == '"' && memmem(p, n, "\" line ", 7)) {
			any = p;
			if (!memmem(p, n, ": warning:", 10))
				err = p;
		}
	}
	vb_text_first_line(err ?: any ?: errs, line, len);
}

/* ---- files ---- */

/* Base64 (RFC 4648, padded) of @len bytes; a new JSON string, NULL when out of memory. */
static json_t *base64_json(const unsigned char *d, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *s = malloc((len + 2) / 3 * 4 + 1), *p = s;
	size_t i;
	uint32_t v;
	json_t *j;

	if (!s)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
		*p++ = tab[v >> 18 & 63];
		*p++ = tab[v >> 12 & 63];
		*p++ = tab[v >> 6 & 63];
		*p++ = tab[v & 63];
	}
	if (i < len) {
		v = (uint32_t)d[i] << 16 | (i + 1 < len ? (uint32_t)d[i + 1] << 8 : 0);
		*p++ = tab[v >> 18 & 63];
		*p++ = tab[v >> 12 & 63];
		*p++ = i + 1 < len ? tab[v >> 6 & 63] : '=';
		*p++ = '=';
	}
	*p = '\0';
	j = json_stringn(s, (size_t)(p - s));
	free(s);
	return j;
}

/* Write @len bytes of @data as NAME.EXT in @dirfd (@dir names it).  Returns 0 or -1 with @err. */
static int write_named(int dirfd, const char *dir, const char *name, const char *ext,
		       const char *data, size_t len, vb_error_t *err)
{
	char file[NAME_MAX + 1], what[PATH_MAX + NAME_MAX + 2];

	if ((size_t)snprintf(file, sizeof(file), "%s.%s", name, ext) >= sizeof(file))
		return vb_error_set(err, VB_EUSAGE, 0, "%s/%s.%s: name too long", dir, name, ext);
	snprintf(what, sizeof(what), "%s/%s", dir, file);
	return vb_safefs_replace_at(dirfd, file, data, len, 0644, what, err);
}

static void unlink_named(int dirfd, const char *name, const char *ext)
{
	char file[NAME_MAX + 1];

	if ((size_t)snprintf(file, sizeof(file), "%s.%s", name, ext) < sizeof(file))
		unlinkat(dirfd, file, 0);
}

/* ---- one chart ---- */

typedef struct render_ctx {
	const json_t *doc;	/* the summary, or the plan */
	char dir[PATH_MAX];	/* <run dir>/charts, for messages */
	int dfd;		/* it, opened beneath the run directory */
	int pfd;		/* gnuplot's private directory in it; -1 without gnuplot */
	char pname[32];		/* its name there */
	char gnuplot[PATH_MAX]; /* "" when there is none */
	const char *png_term;	/* "pngcairo" or "png" */
	uint64_t deadline_ns;	/* the end of the charts' time budget (vb_now_ns) */
	int budget_ms;		/* ... that budget */
	json_t *notes;		/* the document's notes */
} render_ctx_t;

/* Milliseconds left of the budget, at most one gnuplot run's limit (0: none). */
static int time_left_ms(const render_ctx_t *rc)
{
	uint64_t now = vb_now_ns();
	uint64_t left = rc->deadline_ns > now ? (rc->deadline_ns - now) / 1000000u : 0;

	return left > VB_CHARTS_TIMEOUT_MS ? VB_CHARTS_TIMEOUT_MS : (int)left;
}

/* The script around a chart's body: header, datafile settings, a loop over
 * the two terminals, each writing NAME.svg or NAME.png. */
static void script_frame(FILE *gp, const vb_chart_t *c, const vb_chart_dims_t *d,
			 const char *png_term, const char *body)
{
	fprintf(
	    gp,
	    "# vbench chart '%s': %s\n"
	    "# Plots %s.dat (next to this file) and writes %s.svg and %s.png.\n"
	    "# Edit and re-plot with: cd <report dir>/" VB_CHARTS_DIR " && gnuplot %s.gp\n"
	    "set encoding utf8\n"
	    "set datafile missing '?'\n"
	    "do for [fmt in 'svg png'] {\n"
	    "    if (fmt eq 'svg') {\n"
	    "        set terminal svg size %d,%d noenhanced font 'sans,11' background '#ffffff'\n"
	    "    } else {\n"
	    "        set terminal %s size %d,%d noenhanced font 'sans,10'\n"
	    "    }\n"
	    "    set output '%s.'.fmt\n"
	    "%s"
	    "    set output\n"
	    "}\n",
	    c->name, c->title, c->name, c->name, c->name, c->name, d->width, d->height, png_term,
	    d->width, d->height, c->name, body);
}

/* The note of a chart the budget left no time for. */
static void budget_note(const render_ctx_t *rc, char *line, size_t len)
{
	snprintf(line, len, "not rendered: the charts' time budget of %g s ran out",
		 rc->budget_ms / 1000.0);
}

/*
 * Run gnuplot on NAME.gp in the private directory; on success attach the
 * PNG and move both images into charts/.  Returns 0, 1 when the budget ran
 * out (@line says so), or -1 with @line.
 */
static int run_gnuplot(render_ctx_t *rc, const char *name, json_t *entry, char *line, size_t len)
{
	char script[NAME_MAX + 1], png[NAME_MAX + 1], svg[NAME_MAX + 1], errs[65536];
	char *argv[] = { rc->gnuplot, script, NULL };
	vb_proc_opts_t o = { .child_hook = chdir_hook, .hook_arg = &rc->pfd };
	unsigned char *img;
	vb_error_t err;
	size_t n;
	int st;

	o.timeout_ms = time_left_ms(rc);
	if (o.timeout_ms <= 0)
		return budget_note(rc, line, len), 1;
	snprintf(script, sizeof(script), "%s.gp", name);
	snprintf(png, sizeof(png), "%s.png", name);
	snprintf(svg, sizeof(svg), "%s.svg", name);
	vb_error_clear(&err);
	st = vb_proc_capture(argv, &o, NULL, 0, errs, sizeof(errs), &err);
	if (st != 0) {
		if (st < 0 && err.code == VB_ETIMEOUT && o.timeout_ms < VB_CHARTS_TIMEOUT_MS)
			return budget_note(rc, line, len), 1;
		if (st < 0)
			snprintf(line, len, "%s", err.msg);
		else if (gnuplot_error_line(errs, line, len), !*line)
			snprintf(line, len, "gnuplot exited %d", st);
		return -1;
	}
	img = (unsigned char *)vb_safefs_read_regular(rc->pfd, png, VB_SAFEFS_BENEATH, MAX_IMAGE,
						      &n, png, NULL);
	if (!img || !n) {
		free(img);
		return snprintf(line, len, "gnuplot wrote no %s", png), -1;
	}
	json_object_set_new(entry, "png_base64", base64_json(img, n));
	free(img);
	/* renameat replaces whatever charts/NAME.* is, a link included */
	if (renameat(rc->pfd, png, rc->dfd, png) < 0 || renameat(rc->pfd, svg, rc->dfd, svg) < 0)
		return snprintf(line, len, "move %s into %s: %s", name, rc->dir, strerror(errno)), -1;
	return 0;
}

/* Build, write and render chart @c.  Returns 0, or -1 with @err when a file
 * cannot be written. */
static int render_one(render_ctx_t *rc, const vb_chart_t *c, json_t *charts, vb_error_t *err)
{
	char *dat = NULL, *body = NULL, *gp = NULL, note[512] = "", path[PATH_MAX];
	size_t dlen = 0, blen = 0, glen = 0;
	vb_chart_dims_t d = { 900, 520 };
	FILE *fd = open_memstream(&dat, &dlen), *fb = open_memstream(&body, &blen), *fg = NULL;
	json_t *entry;
	int drawn = 0, ret = -1;

	if (!fd || !fb) {
		vb_error_sys(err, "chart %s: memory stream", c->name);
		goto out;
	}
	drawn = c->build(rc->doc, fd, fb, &d, note, sizeof(note));
	fclose(fd);
	fclose(fb);
	fd = fb = NULL;
	if (drawn < 0) { /* does not apply to this document: no entry, no files */
		unlink_named(rc->dfd, c->name, "dat");
		unlink_named(rc->dfd, c->name, "gp");
		unlink_named(rc->dfd, c->name, "svg");
		unlink_named(rc->dfd, c->name, "png");
		ret = 0;
		goto out;
	}
	snprintf(path, sizeof(path), VB_CHARTS_DIR "/%s", c->name);
	entry = json_pack("{s:s,s:s,s:s,s:s+,s:s+,s:s,s:n}", "name", c->name, "title", c->title,
			  "caption", c->caption, "svg", path, ".svg", "png", path, ".png", "status",
			  "skipped", "note");
	json_array_append_new(charts, entry);
	unlink_named(rc->dfd, c->name, "svg");
	unlink_named(rc->dfd, c->name, "png");
	if (!drawn) {
		unlink_named(rc->dfd, c->name, "dat"); /* of an earlier report */
		unlink_named(rc->dfd, c->name, "gp");
		json_object_set_new(entry, "note", json_string(note));
		json_array_append_new(rc->notes,
				      json_sprintf("%s chart skipped: %s", c->name, note));
		ret = 0;
		goto out;
	}
	fg = open_memstream(&gp, &glen);
	if (!fg) {
		vb_error_sys(err, "chart %s: memory stream", c->name);
		goto out;
	}
	script_frame(fg, c, &d, rc->png_term, body);
	fclose(fg);
	if (write_named(rc->dfd, rc->dir, c->name, "dat", dat, dlen, err) < 0 ||
	    write_named(rc->dfd, rc->dir, c->name, "gp", gp, glen, err) < 0)
		goto out;
	ret = 0;
	if (!rc->gnuplot[0]) {
		json_object_set_new(entry, "note", json_string(VB_CHARTS_MISSING));
		goto out;
	}
	/* gnuplot reads its copies in the private directory */
	if (write_named(rc->pfd, rc->dir, c->name, "dat", dat, dlen, err) < 0 ||
	    write_named(rc->pfd, rc->dir, c->name, "gp", gp, glen, err) < 0) {
		ret = -1;
		goto out;
	}
	drawn = run_gnuplot(rc, c->name, entry, note, sizeof(note));
	if (drawn) {
		json_object_set_new(entry, "status", json_string(drawn > 0 ? "skipped" : "error"));
		json_object_set_new(entry, "note", json_string(note));
		json_array_append_new(rc->notes,
				      drawn > 0 ? json_sprintf("%s chart %s", c->name, note)
						: json_sprintf("%s chart: gnuplot failed: %s", c->name,
							       note));
		goto out;
	}
	json_object_set_new(entry, "status", json_string("ok"));
out:
	if (fd)
		fclose(fd);
	if (fb)
		fclose(fb);
	free(dat);
	free(body);
	free(gp);
	return ret;
}

/* The budget of all the charts together (a test may shorten it). */
static int budget_ms(void)
{
	const char *v = getenv(VB_CHARTS_BUDGET_ENV);
	long ms = v ? strtol(v, NULL, 10) : 0;

	return ms > 0 && ms < VB_CHARTS_BUDGET_MS ? (int)ms : VB_CHARTS_BUDGET_MS;
}

/* charts/ beneath @outfd (created when missing, never through a link);
 * its descriptor, or -1 with @err. */
static int open_charts_dir(int outfd, const char *dir, vb_error_t *err)
{
	int fd, e;

	if (mkdirat(outfd, VB_CHARTS_DIR, 0755) < 0 && errno != EEXIST)
		return vb_error_sys(err, "create %s", dir);
	fd = vb_safefs_openat(outfd, VB_CHARTS_DIR, O_RDONLY | O_DIRECTORY, 0, VB_SAFEFS_BENEATH);
	if (fd >= 0)
		return fd;
	e = errno;
	if (e == ELOOP || e == ENOTDIR)
		return vb_error_set(err, VB_EUSAGE, 0, "%s %s (vbench does not write through links)",
				    dir, e == ELOOP ? "is a symbolic link" : "is not a directory");
	return vb_error_set(err, VB_ESYS, e, "%s", dir);
}

/* Private directories and temporary files (vb_safefs_remove_temps) a
 * killed vbench left in charts/ (never followed). */
static void remove_stale(int dfd)
{
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, RENDER_PREFIX, strlen(RENDER_PREFIX)))
			vb_safefs_rm_tree_at(dfd, de->d_name);
	closedir(d);
	vb_safefs_remove_temps(dfd, NULL);
}

/* gnuplot's fresh private directory in charts/: rc->pfd and rc->pname. */
static int open_private(render_ctx_t *rc, vb_error_t *err)
{
	unsigned long long r;
	struct stat st;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		r = (vb_now_ns() ^ ((unsigned long long)getpid() << 32)) + (unsigned)tries * 7919u;
		snprintf(rc->pname, sizeof(rc->pname), RENDER_PREFIX "%08llx", r & 0xffffffffull);
		if (mkdirat(rc->dfd, rc->pname, 0700) == 0)
			break;
		if (errno != EEXIST)
			return vb_error_sys(err, "create a private directory in %s", rc->dir);
	}
	rc->pfd = vb_safefs_openat(rc->dfd, rc->pname, O_RDONLY | O_DIRECTORY, 0, VB_SAFEFS_BENEATH);
	if (rc->pfd < 0 || fstat(rc->pfd, &st) < 0 || st.st_uid != geteuid() ||
	    (st.st_mode & 0777) != 0700)
		return vb_error_set(err, VB_ESYS, errno, "%s/%s: not the private directory made",
				    rc->dir, rc->pname);
	return 0;
}

static void render_ctx_close(render_ctx_t *rc)
{
	if (rc->pfd >= 0) {
		close(rc->pfd);
		vb_safefs_rm_tree_at(rc->dfd, rc->pname);
	}
	if (rc->dfd >= 0)
		close(rc->dfd);
	rc->pfd = rc->dfd = -1;
}

/* Render every chart of @set on @in into charts/ beneath @outfd (@out_dir
 * names it) (vb_charts_render_at). */
json_t *vb_charts_render_set(const vb_chart_t *set, const json_t *in, int outfd,
			     const char *out_dir, vb_error_t *err)
{
	render_ctx_t rc = { .doc = in, .dfd = -1, .pfd = -1 };
	json_t *doc, *charts;
	size_t i;

	if (vb_path_join(rc.dir, sizeof(rc.dir), out_dir, VB_CHARTS_DIR, err) < 0)
		return NULL;
	rc.dfd = open_charts_dir(outfd, rc.dir, err);
	if (rc.dfd < 0)
		return NULL;
	remove_stale(rc.dfd);
	rc.budget_ms = budget_ms();
	rc.deadline_ns = vb_now_ns() + (uint64_t)rc.budget_ms * 1000000u;
	if (vb_charts_find_gnuplot(rc.gnuplot, sizeof(rc.gnuplot)) < 0)
		rc.gnuplot[0] = '\0';
	if (rc.gnuplot[0] && open_private(&rc, err) < 0) {
		render_ctx_close(&rc);
		return NULL;
	}
	rc.png_term = rc.gnuplot[0] ? png_terminal(rc.gnuplot, time_left_ms(&rc)) : "pngcairo";
	rc.notes = json_array();
	charts = json_array();
	if (!rc.gnuplot[0])
		json_array_append_new(
		    rc.notes, json_string("charts skipped: " VB_CHARTS_MISSING
					  "; their data and scripts are in " VB_CHARTS_DIR "/"));
	doc = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}", "dir", VB_CHARTS_DIR, "gnuplot",
			rc.gnuplot[0] ? json_string(rc.gnuplot) : json_null(), "png_terminal",
			rc.gnuplot[0] ? json_string(rc.png_term) : json_null(), "skipped",
			rc.gnuplot[0] ? json_null() : json_string(VB_CHARTS_MISSING), "charts",
			charts, "notes", rc.notes);
	if (!doc) {
		render_ctx_close(&rc);
		return vb_error_set(err, VB_ESYS, 0, "charts: out of memory"), NULL;
	}
	for (i = 0; set[i].name; i++)
		if (render_one(&rc, &set[i], charts, err) < 0) {
			json_decref(doc);
			render_ctx_close(&rc);
			return NULL;
		}
	render_ctx_close(&rc);
	return doc;
}

json_t *vb_charts_render_at(const json_t *sum, int run_fd, const char *run_dir, vb_error_t *err)
{
	return vb_charts_render_set(vb_charts, sum, run_fd, run_dir, err);
}

json_t *vb_charts_render_plan_at(const json_t *plan, int out_fd, const char *out_dir,
				 vb_error_t *err)
{
	return vb_charts_render_set(vb_plan_charts, plan, out_fd, out_dir, err);
}

/* The same into @dir (created when missing; no link in its path). */
static json_t *render_path(const vb_chart_t *set, const json_t *in, const char *dir,
			   vb_error_t *err)
{
	vb_safefs_made_t made;
	json_t *doc;
	int fd = vb_safefs_mkdir_p(dir, 0755, &made, err);

	if (fd < 0)
		return NULL;
	doc = vb_charts_render_set(set, in, fd, dir, err);
	close(fd);
	if (!doc)
		vb_safefs_unmake(&made); /* the levels it made, if still empty */
	return doc;
}

json_t *vb_charts_render(const json_t *sum, const char *run_dir, vb_error_t *err)
{
	return render_path(vb_charts, sum, run_dir, err);
}

json_t *vb_charts_render_plan(const json_t *plan, const char *out_dir, vb_error_t *err)
{
	return render_path(vb_plan_charts, plan, out_dir, err);
}
