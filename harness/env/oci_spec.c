/*
 * ocispec.c - config.json for an OCI bundle (ocispec.h).
 *
 * Mounts mirror container.c: /proc, a small /dev tmpfs with the five
 * harmless device nodes, /sys read-only, the allocation's cgroup at
 * /sys/fs/cgroup read-only, a private /tmp, and the scratch directory
 * bound read-write at the same path (requests name it unchanged).  Mount
 * order matters: a runtime mounts in list order, so /tmp comes before a
 * scratch directory that may lie below it.
 */
#include "harness/env/oci_spec.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/env/ct_common.h"
#include "lib/util.h"

#define OCI_TMPFS_TMP "size=64m"

const char *const vb_oci_masked_paths[] = {
	"/proc/acpi",	     "/proc/asound",	  "/proc/kcore",     "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/sys/firmware",      "/proc/scsi",
};
const size_t vb_oci_nmasked = VB_ARRAY_SIZE(vb_oci_masked_paths);
const char *const vb_oci_readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};
const size_t vb_oci_nreadonly = VB_ARRAY_SIZE(vb_oci_readonly_paths);

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static json_t *mount_of(const char *dest, const char *type, const char *source,
			const char *const *options)
{
	return json_pack("{s:s,s:s,s:s,s:o}", "destination", dest, "type", type, "source", source,
			 "options", strings(options, count(options)));
}

static json_t *capabilities(uint64_t caps)
{
	return json_pack("{s:o,s:o,s:o,s:[],s:[]}", "bounding", vb_ct_caps_json(caps), "effective",
			 vb_ct_caps_json(caps), "permitted", vb_ct_caps_json(caps), "inheritable",
			 "ambient");
}

static json_t *process(const vb_oci_spec_t *s)
{
	return json_pack("{s:b,s:{s:i,s:i},s:o,s:o,s:s,s:o,s:b}", "terminal", 0, "user", "uid", 0,
			 "gid", 0, "args", strings(s->args, count(s->args)), "env",
			 strings(s->env, count(s->env)), "cwd", "/", "capabilities",
			 capabilities(s->caps), "noNewPrivileges", 1);
}

static json_t *mounts(const vb_oci_spec_t *s)
{
	static const char *const proc_o[] = { "nosuid", "noexec", "nodev", NULL };
	static const char *const dev_o[] = { "nosuid", "strictatime", "mode=755", "size=64k", NULL };
	static const char *const sys_o[] = { "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const cg_o[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
	static const char *const cgtmp_o[] = { "nosuid", "noexec", "nodev", "mode=755", "size=16k",
					       NULL };
	static const char *const bind_ro[] = { "bind", "ro", "nosuid", "noexec", "nodev", NULL };
	static const char *const tmp_o[] = { "nosuid", "nodev", "mode=1777", OCI_TMPFS_TMP, NULL };
	static const char *const scratch_o[] = { "bind", "rw", "nosuid", "nodev", NULL };
	json_t *m = json_array();
	char dest[PATH_MAX];
	size_t i;

	json_array_append_new(m, mount_of("/proc", "proc", "proc", proc_o));
	json_array_append_new(m, mount_of("/dev", "tmpfs", "tmpfs", dev_o));
	json_array_append_new(m, mount_of("/sys", "sysfs", "sysfs", sys_o));
	if (s->cgroup_v2_mount) {
		json_array_append_new(m, mount_of("/sys/fs/cgroup", "cgroup", "cgroup", cg_o));
	} else if (s->ncgbinds) {
		json_array_append_new(m, mount_of("/sys/fs/cgroup", "tmpfs", "tmpfs", cgtmp_o));
		for (i = 0; i < s->ncgbinds; i++) {
			snprintf(dest, sizeof(dest), "/sys/fs/cgroup/%s", s->cgbinds[i].name);
			json_array_append_new(m, mount_of(dest, "bind", s->cgbinds[i].source, bind_ro));
		}
	}
	json_array_append_new(m, mount_of("/tmp", "tmpfs", "tmpfs", tmp_o));
	if (s->scratch && s->scratch[0])
		json_array_append_new(m, mount_of(s->scratch, "bind", s->scratch, scratch_o));
	return m;
}

static json_t *devices(const vb_oci_spec_t *s)
{
	json_t *a = json_array();
	char path[64];
	size_t i;

	for (i = 0; a && i < vb_ct_ndevs; i++) {
		snprintf(path, sizeof(path), "/dev/%s", vb_ct_devs[i].name);
		json_array_append_new(a, json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:i}", "path", path,
						   "type", "c", "major", (int)vb_ct_devs[i].major,
						   "minor", (int)vb_ct_devs[i].minor, "fileMode",
						   0666, "uid", 0, "gid", 0));
	}
	if (a && s->device && s->device[0])
		json_array_append_new(a, json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:i}", "path", s->device,
						   "type", "b", "major", (int)s->dev_major, "minor",
						   (int)s->dev_minor, "fileMode", 0600, "uid", 0,
						   "gid", 0));
	return a;
}

/* The device cgroup's rules: deny everything, allow exactly the nodes
 * created (runc denies a listed node without a matching rule). */
static json_t *device_rules(const vb_oci_spec_t *s)
{
	json_t *a = json_pack("[{s:b,s:s}]", "allow", 0, "access", "rwm");
	size_t i;

	for (i = 0; a && i < vb_ct_ndevs; i++)
		json_array_append_new(a, json_pack("{s:b,s:s,s:i,s:i,s:s}", "allow", 1, "type", "c",
						   "major", (int)vb_ct_devs[i].major, "minor",
						   (int)vb_ct_devs[i].minor, "access", "rwm"));
	if (a && s->device && s->device[0])
		json_array_append_new(a, json_pack("{s:b,s:s,s:i,s:i,s:s}", "allow", 1, "type", "b",
						   "major", (int)s->dev_major, "minor",
						   (int)s->dev_minor, "access", "rw"));
	return a;
}

static json_t *linux_section(const vb_oci_spec_t *s)
{
	json_t *res = json_pack("{s:o}", "devices", device_rules(s)), *l;

	if (s->cpus && s->cpus[0])
		json_object_set_new(res, "cpu", json_pack("{s:s}", "cpus", s->cpus));
	if (s->mem_bytes)
		json_object_set_new(res, "memory",
				    json_pack("{s:I}", "limit", (json_int_t)s->mem_bytes));
	l = json_pack("{s:[{s:s},{s:s},{s:s},{s:s},{s:s},{s:s}],s:o,s:o,s:o,s:o}", "namespaces",
		      "type", "pid", "type", "mount", "type", "network", "type", "uts", "type",
		      "ipc", "type", "cgroup", "devices", devices(s), "resources", res, "maskedPaths",
		      strings(vb_oci_masked_paths, vb_oci_nmasked), "readonlyPaths",
		      strings(vb_oci_readonly_paths, vb_oci_nreadonly));
	if (l && s->host_network) { /* the third namespace: "network" */
		json_t *ns = json_object_get(l, "namespaces");

		json_array_remove(ns, 2);
	}
	if (l && s->cgroups_path && s->cgroups_path[0])
		json_object_set_new(l, "cgroupsPath", json_string(s->cgroups_path));
	return l;
}

json_t *vb_oci_config(const vb_oci_spec_t *s, vb_error_t *err)
{
	size_t i;

	if (!s->args || !s->args[0] || s->args[0][0] != '/')
		return vb_error_set(err, VB_EUSAGE, 0, "OCI config: process.args[0] must be an "
						       "absolute path"),
		       NULL;
	if (!s->root || !s->root[0] || !s->hostname || !s->hostname[0])
		return vb_error_set(err, VB_EUSAGE, 0, "OCI config: root and hostname required"),
		       NULL;
	if (s->scratch && s->scratch[0] && s->scratch[0] != '/')
		return vb_error_set(err, VB_EUSAGE, 0, "OCI config: scratch %s is not absolute",
				    s->scratch),
		       NULL;
	if (s->device && s->device[0] && strncmp(s->device, "/dev/", 5))
		return vb_error_set(err, VB_EUSAGE, 0, "OCI config: device %s is not in /dev",
				    s->device),
		       NULL;
	if (s->ncgbinds > VB_OCI_MAX_CGBINDS)
		return vb_error_set(err, VB_EUSAGE, 0, "OCI config: too many cgroup binds"), NULL;
	for (i = 0; i < s->ncgbinds; i++)
		if (!s->cgbinds[i].name || strchr(s->cgbinds[i].name, '/') || !s->cgbinds[i].source ||
		    s->cgbinds[i].source[0] != '/')
			return vb_error_set(err, VB_EUSAGE, 0, "OCI config: bad cgroup bind %zu", i),
			       NULL;
	return json_pack("{s:s,s:o,s:{s:s,s:b},s:s,s:o,s:o}", "ociVersion", VB_OCI_VERSION,
			 "process", process(s), "root", "path", s->root, "readonly", 1, "hostname",
			 s->hostname, "mounts", mounts(s), "linux", linux_section(s));
}

int vb_oci_write(const char *bundle, const json_t *config, vb_error_t *err)
{
	char path[PATH_MAX], *s;
	int rc;

	if (vb_path_join(path, sizeof(path), bundle, "config.json", err) < 0)
		return -1;
	s = json_dumps(config, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!s)
		return vb_error_set(err, VB_ESYS, ENOMEM, "encode %s", path);
	rc = vb_write_file(path, s, strlen(s), err);
	free(s);
	return rc;
}
