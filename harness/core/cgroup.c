/*
 * cgroup.c - vbench cgroups on v1 (legacy/hybrid) and v2 hosts (cgroup.h).
 *
 * v1 details that matter (machine-facts.md): cpu and cpuacct may be separate
 * mounts; a new cpuset cgroup accepts tasks only after cpuset.cpus and
 * cpuset.mems are written.  v2: the controllers must be enabled in the
 * parent's cgroup.subtree_control.
 */
#include "harness/core/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/undo.h"
#include "lib/util.h"

static int exists_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

vb_cg_mode_t vb_cgroup_probe(const char *root, char *why, size_t len)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/cgroup.controllers", root);
	if (exists_file(p)) {
		char *c = vb_read_file(p, 4096, 1, NULL);
		int ok = c && strstr(c, "cpuset") && strstr(c, "memory");
		snprintf(why, len, ok ? "cgroup v2 (unified): %s"
				      : "cgroup v2 without cpuset and memory controllers (has: %s)",
			 c ? c : "?");
		free(c);
		return ok ? VB_CG_V2 : VB_CG_NONE;
	}
	snprintf(p, sizeof(p), "%s/cpuset/cpuset.cpus", root);
	if (exists_file(p)) {
		snprintf(p, sizeof(p), "%s/memory/memory.limit_in_bytes", root);
		if (exists_file(p)) {
			snprintf(why, len, "cgroup v1 (%s): cpuset, memory, cpuacct hierarchies",
				 exists_dir("/sys/fs/cgroup/unified") ? "hybrid" : "legacy");
			return VB_CG_V1;
		}
	}
	snprintf(why, len, "no usable cgroup filesystem under %s", root);
	return VB_CG_NONE;
}

static int write_str(const char *dir, const char *file, const char *val, vb_error_t *err)
{
	char p[PATH_MAX];

	if (vb_path_join(p, sizeof(p), dir, file, err) < 0)
		return -1;
	return vb_write_file(p, val, strlen(val), err);
}

/* Create BASE/NAME, register it for release in slot @slot. */
static int make_dir(char *out, const char *base, const char *name, vb_cgroup_t *cg, int slot,
		    vb_error_t *err)
{
	if (vb_path_join(out, PATH_MAX, base, name, err) < 0)
		return -1;
	/* The name carries this run's id (marker.h): one that exists already is
	 * not this run's to use, let alone to remove later. */
	if (mkdir(out, 0755) < 0)
		return vb_error_set(err, errno == EACCES || errno == EPERM || errno == EROFS
						 ? VB_ERESOURCE
						 : VB_ESYS,
				    errno, "create cgroup %s", out);
	cg->handles[slot] = vb_undo_add_path(VB_UNDO_CGROUP, out);
	return 0;
}

static int create_v1(vb_cgroup_t *cg, const char *name, vb_error_t *err)
{
	char base[PATH_MAX], mems[64] = "0", lim[32], *m;

	snprintf(base, sizeof(base), "%s/cpuset", cg->root);
	if (make_dir(cg->cpuset, base, name, cg, 0, err) < 0)
		return -1;
	snprintf(base, sizeof(base), "%s/cpuset/cpuset.mems", cg->root);
	m = vb_read_file(base, 64, 1, NULL);
	if (m && *m)
		snprintf(mems, sizeof(mems), "%s", m);
	free(m);
	if (write_str(cg->cpuset, "cpuset.cpus", cg->cpus, err) < 0 ||
	    write_str(cg->cpuset, "cpuset.mems", mems, err) < 0)
		return vb_error_prefix(err, "cpu set %s", cg->cpus);
	snprintf(base, sizeof(base), "%s/memory", cg->root);
	if (make_dir(cg->memory, base, name, cg, 1, err) < 0)
		return -1;
	snprintf(lim, sizeof(lim), "%llu", (unsigned long long)cg->mem_bytes);
	if (write_str(cg->memory, "memory.limit_in_bytes", lim, err) < 0)
		return vb_error_prefix(err, "memory limit");
	/* cpuacct may be its own mount or shared with cpu ("cpu,cpuacct"). */
	snprintf(base, sizeof(base), "%s/cpuacct", cg->root);
	if (!exists_dir(base))
		snprintf(base, sizeof(base), "%s/cpu,cpuacct", cg->root);
	if (exists_dir(base) && make_dir(cg->cpuacct, base, name, cg, 2, err) < 0)
		return -1;
	return 0;
}

static int create_v2(vb_cgroup_t *cg, const char *name, vb_error_t *err)
{
	char lim[32];

	/* Enabling may fail if already enabled or if processes sit in root; try. */
	write_str(cg->root, "cgroup.subtree_control", "+cpuset +memory +cpu", NULL);
	if (make_dir(cg->v2, cg->root, name, cg, 0, err) < 0)
		return -1;
	snprintf(lim, sizeof(lim), "%llu", (unsigned long long)cg->mem_bytes);
	if (write_str(cg->v2, "cpuset.cpus", cg->cpus, err) < 0)
		return vb_error_prefix(err, "cpu set %s", cg->cpus);
	if (write_str(cg->v2, "memory.max", lim, err) < 0)
		return vb_error_prefix(err, "memory limit");
	write_str(cg->v2, "memory.swap.max", "0", NULL);
	return 0;
}

int vb_cgroup_create(vb_cgroup_t *cg, const char *root, const char *name, const char *cpus,
		     uint64_t mem_bytes, vb_error_t *err)
{
	char why[256];
	uint64_t mask;

	memset(cg, 0, sizeof(*cg));
	snprintf(cg->root, sizeof(cg->root), "%s", root);
	snprintf(cg->cpus, sizeof(cg->cpus), "%s", cpus);
	cg->mem_bytes = mem_bytes;
	if (vb_cpulist_parse(cpus, &mask) < 0 || !mask)
		return vb_error_set(err, VB_EUSAGE, 0, "bad CPU list '%s'", cpus);
	cg->mode = vb_cgroup_probe(root, why, sizeof(why));
	if (cg->mode == VB_CG_NONE)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s", why);
	if ((cg->mode == VB_CG_V1 ? create_v1(cg, name, err) : create_v2(cg, name, err)) < 0) {
		vb_cgroup_destroy(cg);
		return -1;
	}
	return 0;
}

static int read_u64(const char *dir, const char *file, uint64_t *v);

/* The path of hierarchy @ctrl ("" for the v2 line) in /proc/PID/cgroup @s. */
static int self_path(const char *s, const char *ctrl, char *ctrls_out, size_t clen, char *path,
		     size_t len)
{
	const char *p, *nl, *c, *r;
	char ctrls[256], tok[64];
	size_t n, i, j;

	for (p = s; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		c = memchr(p, ':', nl ? (size_t)(nl - p) : strlen(p));
		r = c ? memchr(c + 1, ':', nl ? (size_t)(nl - c - 1) : strlen(c + 1)) : NULL;
		if (!r || (size_t)(r - c - 1) >= sizeof(ctrls))
			continue;
		n = (size_t)(r - c - 1);
		memcpy(ctrls, c + 1, n);
		ctrls[n] = '\0';
		for (i = 0, j = 0; ctrl[0] && i <= n; i++) {
			if (ctrls[i] != ',' && ctrls[i] && j + 1 < sizeof(tok)) {
				tok[j++] = ctrls[i];
				continue;
			}
			tok[j] = '\0';
			j = 0;
			if (!strcmp(tok, ctrl))
				break;
		}
		if (ctrl[0] ? i > n : n != 0)
			continue;
		snprintf(ctrls_out, clen, "%s", ctrls);
		n = nl ? (size_t)(nl - r - 1) : strlen(r + 1);
		snprintf(path, len, "%.*s", (int)n, r + 1);
		return 0;
	}
	return -1;
}

/* @dir = @root/@hier@path when that directory exists, else "". */
static void adopt_dir(char *dir, const char *root, const char *hier, const char *path)
{
	snprintf(dir, PATH_MAX, "%s%s%s%s", root, hier[0] ? "/" : "", hier,
		 strcmp(path, "/") ? path : "");
	if (!exists_dir(dir))
		dir[0] = '\0';
}

int vb_cgroup_of_pid(vb_cgroup_t *cg, const char *root, pid_t pid, vb_error_t *err)
{
	char p[64], why[256], ctrls[256], path[PATH_MAX], *s, *v;

	memset(cg, 0, sizeof(*cg));
	snprintf(cg->root, sizeof(cg->root), "%s", root);
	cg->mode = vb_cgroup_probe(root, why, sizeof(why));
	if (cg->mode == VB_CG_NONE)
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s", why);
	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)pid);
	s = vb_read_file(p, 1 << 16, 1, err);
	if (!s)
		return -1;
	if (cg->mode == VB_CG_V2) {
		if (self_path(s, "", ctrls, sizeof(ctrls), path, sizeof(path)) == 0)
			adopt_dir(cg->v2, root, "", path);
	} else {
		if (self_path(s, "cpuset", ctrls, sizeof(ctrls), path, sizeof(path)) == 0)
			adopt_dir(cg->cpuset, root, "cpuset", path);
		if (self_path(s, "memory", ctrls, sizeof(ctrls), path, sizeof(path)) == 0)
			adopt_dir(cg->memory, root, "memory", path);
		if (self_path(s, "cpuacct", ctrls, sizeof(ctrls), path, sizeof(path)) == 0) {
			adopt_dir(cg->cpuacct, root, "cpuacct", path);
			if (!cg->cpuacct[0])
				adopt_dir(cg->cpuacct, root, ctrls, path);
		}
	}
	free(s);
	if (cg->mode == VB_CG_V2 ? !cg->v2[0] : !cg->memory[0])
		return vb_error_set(err, VB_EUNAVAIL, 0, "process %d: no %s cgroup under %s",
				    (int)pid, cg->mode == VB_CG_V2 ? "v2" : "memory", root);
	snprintf(p, sizeof(p), "%s", cg->mode == VB_CG_V2 ? "cpuset.cpus.effective" : "cpuset.cpus");
	snprintf(path, sizeof(path), "%s/%s", cg->mode == VB_CG_V2 ? cg->v2 : cg->cpuset, p);
	v = vb_read_file(path, sizeof(cg->cpus), 1, NULL);
	snprintf(cg->cpus, sizeof(cg->cpus), "%s", v ? v : "");
	free(v);
	if (read_u64(cg->mode == VB_CG_V2 ? cg->v2 : cg->memory,
		     cg->mode == VB_CG_V2 ? "memory.max" : "memory.limit_in_bytes",
		     &cg->mem_bytes) < 0)
		cg->mem_bytes = 0; /* "max": no limit */
	return 0;
}

/* Write our pid as decimal into DIR/cgroup.procs without allocating. */
static int attach_one(const char *dir, pid_t pid)
{
	char p[PATH_MAX + 16], num[24];
	int fd, n, rc;

	if (!dir[0])
		return 0;
	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	n = snprintf(num, sizeof(num), "%d", (int)(pid ? pid : getpid()));
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = write(fd, num, (size_t)n) == n ? 0 : -1;
	close(fd);
	return rc;
}

int vb_cgroup_attach(const vb_cgroup_t *cg, pid_t pid)
{
	if (cg->mode == VB_CG_V2)
		return attach_one(cg->v2, pid);
	if (attach_one(cg->cpuset, pid) < 0 || attach_one(cg->memory, pid) < 0 ||
	    attach_one(cg->cpuacct, pid) < 0)
		return -1;
	return 0;
}

static int read_u64(const char *dir, const char *file, uint64_t *v)
{
	char p[PATH_MAX], *s;
	int rc;

	if (!dir[0])
		return -1;
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	s = vb_read_file(p, 64, 1, NULL);
	if (!s)
		return -1;
	rc = vb_parse_u64(s, 0, UINT64_MAX, file, v, NULL);
	free(s);
	return rc;
}

int vb_cgroup_cpu_ns(const vb_cgroup_t *cg, uint64_t *ns)
{
	char p[PATH_MAX], *s, *u;
	int rc = -1;

	if (cg->mode == VB_CG_V1)
		return read_u64(cg->cpuacct, "cpuacct.usage", ns);
	if (cg->mode != VB_CG_V2)
		return -1;
	snprintf(p, sizeof(p), "%s/cpu.stat", cg->v2);
	s = vb_read_file(p, 4096, 1, NULL);
	if (s && (u = strstr(s, "usage_usec ")) != NULL) {
		*ns = strtoull(u + 11, NULL, 10) * 1000ull;
		rc = 0;
	}
	free(s);
	return rc;
}

int vb_cgroup_memory(const vb_cgroup_t *cg, uint64_t *current, uint64_t *peak)
{
	*peak = 0;
	if (cg->mode == VB_CG_V1) {
		read_u64(cg->memory, "memory.max_usage_in_bytes", peak);
		return read_u64(cg->memory, "memory.usage_in_bytes", current);
	}
	if (cg->mode != VB_CG_V2)
		return -1;
	read_u64(cg->v2, "memory.peak", peak);
	return read_u64(cg->v2, "memory.current", current);
}

/* "Pss:" of one process in kB -> bytes; 0 if it is gone or unreadable. */
static uint64_t pss_of(long pid)
{
	char p[64], *s, *l;
	uint64_t v = 0;

	snprintf(p, sizeof(p), "/proc/%ld/smaps_rollup", pid);
	s = vb_read_file(p, 1 << 16, 0, NULL);
	if (s && (l = strstr(s, "\nPss:")) != NULL)
		v = strtoull(l + 5, NULL, 10) * 1024ull;
	free(s);
	return v;
}

/* Value of "KEY N" in a memory.stat file. */
static int stat_value(const char *dir, const char *key, uint64_t *v)
{
	char p[PATH_MAX], *s, *l;
	size_t klen = strlen(key);
	int rc = -1;

	snprintf(p, sizeof(p), "%s/memory.stat", dir);
	s = vb_read_file(p, 1 << 16, 0, NULL);
	for (l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!strncmp(l, key, klen) && l[klen] == ' ') {
			*v = strtoull(l + klen + 1, NULL, 10);
			rc = 0;
			break;
		}
	}
	free(s);
	return rc;
}

int vb_cgroup_footprint(const vb_cgroup_t *cg, uint64_t *pss, uint64_t *nprocs,
			uint64_t *page_cache)
{
	const char *dir = cg->mode == VB_CG_V2 ? cg->v2 : cg->memory;
	char p[PATH_MAX], *s, *q;
	long pid;

	*pss = *nprocs = *page_cache = 0;
	if (cg->mode == VB_CG_NONE || !dir[0])
		return -1;
	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	s = vb_read_file(p, 1 << 20, 0, NULL);
	if (!s)
		return -1;
	for (q = s; *q;) {
		pid = strtol(q, &q, 10);
		if (pid > 0) {
			*pss += pss_of(pid);
			(*nprocs)++;
		}
		while (*q == '\n')
			q++;
		if (*q && (*q < '0' || *q > '9'))
			break;
	}
	free(s);
	stat_value(dir, cg->mode == VB_CG_V2 ? "file" : "cache", page_cache);
	return 0;
}

json_t *vb_cgroup_to_json(const vb_cgroup_t *cg)
{
	if (cg->mode == VB_CG_NONE)
		return json_pack("{s:b,s:s}", "enforced", 0, "how", "no cgroup");
	if (cg->mode == VB_CG_V2)
		return json_pack("{s:b,s:s,s:s,s:s,s:I,s:s}", "enforced", 1, "how", "cgroup v2",
				 "path", cg->v2, "cpus", cg->cpus, "memory_bytes",
				 (json_int_t)cg->mem_bytes, "cpu_time_from", "cpu.stat usage_usec");
	return json_pack("{s:b,s:s,s:{s:s,s:s,s:s},s:s,s:I,s:s}", "enforced", 1, "how",
			 "cgroup v1 (cpuset.cpus, memory.limit_in_bytes)", "paths", "cpuset",
			 cg->cpuset, "memory", cg->memory, "cpuacct", cg->cpuacct, "cpus", cg->cpus,
			 "memory_bytes", (json_int_t)cg->mem_bytes, "cpu_time_from",
			 cg->cpuacct[0] ? "cpuacct.usage" : "unavailable");
}

void vb_cgroup_destroy(vb_cgroup_t *cg)
{
	int i;

	/* Reverse order of creation. */
	for (i = 3; i >= 0; i--) {
		vb_undo_release(cg->handles[i]);
		cg->handles[i] = 0;
	}
}
