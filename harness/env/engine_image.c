/*
 * engine.c - container engines through their clients (engine.h): the two
 * engines' differences as data, `info`, and the agent's image made locally
 * from vbench's own rootfs (never pulled from a registry).
 */
#include "harness/env/engine_image.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "lib/util.h"
#include "lib/textsafe.h"

/* ==== the two engines ==================================================== */

const vb_engine_desc_t vb_engine_docker = {
	.name = "docker",
	.k_version = "ServerVersion",
	.k_driver = "Driver",
	.k_root = "DockerRootDir",
	.k_runtime = "DefaultRuntime",
	.k_cgmgr = "CgroupDriver",
	.k_cgver = "CgroupVersion",
	.runtime_global = 0,
	.rm_args = { "rm", "-f", NULL }, /* docker rm -f sends SIGKILL */
	.monitor = "containerd-shim (and the docker daemon)",
	.install = "scripts/install-deps.sh engines, or apt-get install docker.io",
	.has_daemon = 1,
};

const vb_engine_desc_t vb_engine_podman = {
	.name = "podman",
	.k_version = "version.Version",
	.k_driver = "store.graphDriverName",
	.k_root = "store.graphRoot",
	.k_runtime = "host.ociRuntime.name",
	.k_cgmgr = "host.cgroupManager",
	.k_cgver = "host.cgroupVersion",
	.runtime_global = 1,
	.rm_args = { "rm", "-f", "-t", "0", "--ignore" }, /* -t 0: the agent is PID 1 */
	.monitor = "conmon",
	.install = "scripts/install-deps.sh engines",
};

/* ==== asking the engine ================================================== */

/* Run `ENGINE ARGS...` and capture stdout into @out; the exit status, or
 * -1 with @err.  A non-zero status leaves the last line said in @err too. */
int vb_engine_ask(const char *path, const char *const args[], int timeout_ms, char *out,
		  size_t outlen, vb_error_t *err)
{
	char *argv[16], errs[4096];
	vb_proc_opts_t o = { .timeout_ms = timeout_ms };
	size_t n = 0;
	int rc;

	argv[n++] = (char *)path;
	while (*args && n < VB_ARRAY_SIZE(argv) - 1)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	rc = vb_proc_capture(argv, &o, out, outlen, errs, sizeof(errs), err);
	if (rc > 0)
		vb_proc_failed(err, VB_EUNAVAIL, rc, errs, out, "%s", "");
	return rc;
}

/* The string (or number) at dotted @key of @o into @buf ("" if absent). */
static void info_get(json_t *o, const char *key, char *buf, size_t len)
{
	char part[64];
	const char *p = key, *dot;
	json_t *v = o;

	while (v && *p) {
		dot = strchr(p, '.');
		snprintf(part, sizeof(part), "%.*s", (int)(dot ? dot - p : (long)strlen(p)), p);
		v = json_object_get(v, part);
		p = dot ? dot + 1 : p + strlen(p);
	}
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else
		buf[0] = '\0';
}

/* The client's own version into @in (docker and podman both answer
 * `version --format {{.Client.Version}}`; "" when it does not). */
static void client_version(vb_engine_info_t *in)
{
	static const char *const args[] = { "version", "--format", "{{.Client.Version}}", NULL };
	char out[256];
	vb_error_t e;

	in->client_version[0] = '\0';
	if (vb_engine_ask(in->path, args, VB_ENGINE_TIMEOUT_MS, out, sizeof(out), &e) == 0)
		vb_text_first_line(out, in->client_version, sizeof(in->client_version));
}

/* A daemon that does not answer: append to @err the exact commands that
 * would start one, the host's service or a private one (scripts/dockerd.sh),
 * or how to install it first. */
static void start_hint(const vb_engine_desc_t *d, vb_error_t *err)
{
	char daemon[PATH_MAX], hint[400];
	size_t n;

	if (!d->has_daemon || !err)
		return;
	if (vb_proc_which("dockerd", daemon, sizeof(daemon)) < 0)
		snprintf(hint, sizeof(hint), "; no dockerd here: %s", d->install);
	else
		snprintf(hint, sizeof(hint),
			 "; start the host's with `%s`, or a private one with `scripts/dockerd.sh "
			 "start /var/tmp/vbench-dockerd` (in vbench's source tree) and `export "
			 "DOCKER_HOST=unix:///var/tmp/vbench-dockerd/docker.sock`",
			 access("/run/systemd/system", F_OK) == 0 ? "systemctl start docker"
								  : "service docker start");
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, "%s", hint);
}

/* Is the engine installed and does it answer?  Fills @in.  0, or -1 with
 * @err (VB_EUNAVAIL) in the engine's own words. */
int vb_engine_info(const vb_engine_desc_t *d, vb_engine_info_t *in, vb_error_t *err)
{
	static const char *const args[] = { "info", "--format", "{{json .}}", NULL };
	char *out = malloc(1 << 17);
	json_t *o;
	vb_error_t e;
	int rc;

	memset(in, 0, sizeof(*in));
	if (!out)
		return vb_error_set(err, VB_ESYS, ENOMEM, "%s info", d->name);
	if (vb_proc_which(d->name, in->path, sizeof(in->path)) < 0) {
		free(out);
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s not installed (%s)", d->name,
				    d->install);
	}
	vb_error_clear(&e);
	rc = vb_engine_ask(in->path, args, VB_ENGINE_TIMEOUT_MS, out, 1 << 17, &e);
	if (rc < 0 && e.code == VB_ETIMEOUT)
		vb_error_set(err, VB_EUNAVAIL, 0,
			     "%s engine does not answer: `%s info` gave no answer within %d s",
			     d->name, in->path, VB_ENGINE_TIMEOUT_MS / 1000);
	else if (rc < 0)
		vb_error_set(err, e.code == VB_EINTR ? VB_EINTR : VB_EUNAVAIL, e.errnum,
			     "%s engine: %s", d->name, e.msg);
	else if (rc > 0)
		vb_error_set(err, VB_EUNAVAIL, 0, "%s engine does not answer: `%s info` %s",
			     d->name, in->path, e.msg);
	if (rc != 0) {
		free(out);
		/* how to start one, when it is a daemon that does not answer */
		if (err && (rc < 0 ? e.code == VB_ETIMEOUT
				   : strstr(err->msg, "Cannot connect") != NULL))
			start_hint(d, err);
		return -1;
	}
	o = json_loads(out, 0, NULL);
	free(out);
	if (!o)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s engine: `%s info` did not give JSON",
				    d->name, in->path);
	info_get(o, d->k_version, in->version, sizeof(in->version));
	info_get(o, d->k_driver, in->driver, sizeof(in->driver));
	info_get(o, d->k_root, in->root, sizeof(in->root));
	info_get(o, d->k_runtime, in->runtime, sizeof(in->runtime));
	info_get(o, d->k_cgmgr, in->cgmgr, sizeof(in->cgmgr));
	info_get(o, d->k_cgver, in->cgver, sizeof(in->cgver));
	json_decref(o);
	client_version(in);
	return 0;
}

void vb_engine_said(const char *s, char *line, size_t len)
{
	const char *p, *nl;
	char raw[600], cur[600];

	line[0] = '\0';
	for (p = s; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		snprintf(raw, sizeof(raw), "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
		vb_text_first_line(raw, cur, sizeof(cur));
		if (cur[0] && strncmp(cur, "Run '", 5) && strncmp(cur, "See '", 5))
			snprintf(line, len, "%s", cur);
	}
}

/* ==== the image ========================================================= */

/* `image inspect`: id and size of @ref into @img, 0; -1 when the engine has none. */
static int image_inspect(const vb_engine_info_t *in, const char *ref, vb_engine_image_t *img)
{
	const char *args[] = { "image", "inspect", "--format", "{{.Id}} {{.Size}}", ref, NULL };
	char out[512], *sp;
	vb_error_t e;

	if (vb_engine_ask(in->path, args, VB_ENGINE_TIMEOUT_MS, out, sizeof(out), &e) != 0)
		return -1;
	sp = strchr(out, ' ');
	if (!sp)
		return -1;
	*sp = '\0';
	snprintf(img->id, sizeof(img->id), "%s", out);
	img->bytes = strtoull(sp + 1, NULL, 10);
	return img->id[0] ? 0 : -1;
}

/* Write the tree as a tar into @tmpdir and `ENGINE import` it. */
static int image_import(const vb_engine_desc_t *d, const vb_engine_info_t *in, const char *tmpdir,
			vb_engine_image_t *img, vb_error_t *err)
{
	char tar[PATH_MAX + 16], out[512];
	const char *args[] = { "import", tar, img->tag, NULL };
	uint64_t t0 = vb_now_ns();
	int fd, rc;

	snprintf(tar, sizeof(tar), "%s/rootfs.tar", tmpdir);
	fd = open(tar, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return vb_error_sys(err, "create %s", tar);
	rc = vb_rootfs_tar(&img->rootfs, fd, err);
	if (close(fd) < 0 && rc == 0)
		rc = vb_error_sys(err, "write %s", tar);
	if (rc < 0) {
		unlink(tar);
		return -1;
	}
	rc = vb_engine_ask(in->path, args, VB_ENGINE_IMPORT_TIMEOUT_MS, out, sizeof(out), err);
	unlink(tar);
	if (rc != 0)
		return vb_error_prefix(err, "`%s import %s %s`", d->name, tar, img->tag);
	img->built = 1;
	img->build_ns = vb_now_ns() - t0;
	if (image_inspect(in, img->tag, img) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: image %s imported but not found",
				    d->name, img->tag);
	return 0;
}

int vb_engine_image(const vb_engine_desc_t *d, const vb_engine_info_t *in, const char *agent,
		    const char *const *programs, const char *tmpdir, vb_engine_image_t *img,
		    vb_error_t *err)
{
	uint64_t h;

	memset(img, 0, sizeof(*img));
	if (vb_rootfs_resolve(&img->rootfs, agent, err) < 0 ||
	    vb_rootfs_add_programs(&img->rootfs, programs, err) < 0 ||
	    vb_rootfs_hash(&img->rootfs, &h, err) < 0)
		return vb_error_prefix(err, "rootfs");
	snprintf(img->tag, sizeof(img->tag), "vbench-agent:%016llx", (unsigned long long)h);
	if (image_inspect(in, img->tag, img) == 0)
		return 0;
	return image_import(d, in, tmpdir, img, err);
}
