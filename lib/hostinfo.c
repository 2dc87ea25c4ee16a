/*
 * hostinfo.c - facts about the machine the code runs on (see hostinfo.h).
 *
 * Overhead numbers mean little without the machine they came from: the CPU
 * and its caches, whether it is itself a guest, the kernel and its
 * mitigations, the huge-page policy and the clocksource all move results.
 * Every fact is best effort: the same code runs on a real host, in a VM
 * guest and in a minimal container where /sys may be partly missing, so a
 * fact that cannot be read becomes JSON null and nothing here fails.
 */
#include "lib/hostinfo.h"

#include <dirent.h>
#include <errno.h>
#include <libcpuid.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "lib/util.h"

#ifndef VB_ISA
#define VB_ISA "unknown"
#endif

#define SYS_CPU "/sys/devices/system/cpu"

/* ---- small readers ------------------------------------------------------- */

/* Contents of a small text file without the trailing newline, or NULL. */
static char *read_text(const char *path)
{
	return vb_read_file(path, 64 << 10, 1, NULL);
}

/* @s as a JSON string, or null when NULL or not valid UTF-8. */
static json_t *jstr(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;

	return j ? j : json_null();
}

/* A file's text as a JSON string, or null when it cannot be read. */
static json_t *file_json(const char *path)
{
	char *s = read_text(path);
	json_t *j = jstr(s);

	free(s);
	return j;
}

/* "32K", "1024K", "8M", "65536" -> bytes; 0 when unparsable. */
static uint64_t parse_cache_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case 'K': case 'k':
		return v << 10;
	case 'M': case 'm':
		return v << 20;
	case 'G': case 'g':
		return v << 30;
	default:
		return v;
	}
}

/* ---- libcpuid ------------------------------------------------------------ */

/* Identify the CPU once.  0, or -1 with @why (libcpuid's message). */
static int cpu_ident(struct cpu_raw_data_t *raw, struct cpu_id_t *id, char *why, size_t len)
{
	if (!cpuid_present()) {
		snprintf(why, len, "CPUID instruction not present");
		return -1;
	}
	if (cpuid_get_raw_data(raw) < 0 || cpu_identify(raw, id) < 0) {
		snprintf(why, len, "%s", cpuid_error());
		return -1;
	}
	return 0;
}

static const char *cpuid_hv_name(hypervisor_vendor_t h)
{
	static const char *const names[] = {
		[HYPERVISOR_NONE] = "none",	  [HYPERVISOR_BHYVE] = "bhyve",
		[HYPERVISOR_HYPERV] = "hyperv",	  [HYPERVISOR_KVM] = "kvm",
		[HYPERVISOR_PARALLELS] = "parallels", [HYPERVISOR_QEMU] = "qemu",
		[HYPERVISOR_VIRTUALBOX] = "virtualbox", [HYPERVISOR_VMWARE] = "vmware",
		[HYPERVISOR_XEN] = "xen",
	};
	if ((unsigned)h < VB_ARRAY_SIZE(names) && names[h])
		return names[h];
	return "unknown";
}

/* ---- caches -------------------------------------------------------------- */

static int caches_libcpuid(vb_caches_t *c)
{
	struct cpu_raw_data_t raw;
	struct cpu_id_t id;
	char why[128];

	if (cpu_ident(&raw, &id, why, sizeof(why)) < 0 || id.l1_data_cache <= 0 || id.l2_cache <= 0)
		return -1;
	c->l1d = (uint64_t)id.l1_data_cache << 10;
	c->l1i = id.l1_instruction_cache > 0 ? (uint64_t)id.l1_instruction_cache << 10 : 0;
	c->l2 = (uint64_t)id.l2_cache << 10;
	c->l3 = id.l3_cache > 0 ? (uint64_t)id.l3_cache << 10 : 0;
	c->line = id.l1_data_cacheline > 0 ? (uint64_t)id.l1_data_cacheline : 64;
	snprintf(c->source, sizeof(c->source), "libcpuid");
	return 0;
}

static int caches_sysfs(vb_caches_t *c)
{
	char path[128], *lvl, *type, *size, *line;
	int i;

	for (i = 0; i < 16; i++) {
		uint64_t bytes;

		snprintf(path, sizeof(path), SYS_CPU "/cpu0/cache/index%d/level", i);
		lvl = read_text(path);
		snprintf(path, sizeof(path), SYS_CPU "/cpu0/cache/index%d/type", i);
		type = read_text(path);
		snprintf(path, sizeof(path), SYS_CPU "/cpu0/cache/index%d/size", i);
		size = read_text(path);
		snprintf(path, sizeof(path), SYS_CPU "/cpu0/cache/index%d/coherency_line_size", i);
		line = read_text(path);
		bytes = size ? parse_cache_size(size) : 0;
		if (lvl && type && bytes) {
			int data = strcmp(type, "Instruction") != 0;

			if (!strcmp(lvl, "1") && data)
				c->l1d = bytes;
			else if (!strcmp(lvl, "1"))
				c->l1i = bytes;
			else if (!strcmp(lvl, "2") && data)
				c->l2 = bytes;
			else if (!strcmp(lvl, "3") && data)
				c->l3 = bytes;
			if (line && !strcmp(lvl, "1") && data)
				c->line = parse_cache_size(line);
		}
		free(lvl);
		free(type);
		free(size);
		free(line);
	}
	if (!c->l1d || !c->l2)
		return -1;
	if (!c->line)
		c->line = 64;
	snprintf(c->source, sizeof(c->source), "sysfs");
	return 0;
}

void vb_hostinfo_caches(vb_caches_t *c)
{
	memset(c, 0, sizeof(*c));
	if (caches_libcpuid(c) == 0)
		return;
	memset(c, 0, sizeof(*c));
	if (caches_sysfs(c) == 0)
		return;
	c->l1d = 32 << 10;
	c->l1i = 32 << 10;
	c->l2 = 1 << 20;
	c->l3 = 8 << 20;
	c->line = 64;
	snprintf(c->source, sizeof(c->source), "default");
}

/* ---- memory, CPUs, hypervisor -------------------------------------------- */

/* Value in bytes of a "Key:   123 kB" line of /proc/meminfo, 0 if absent. */
static uint64_t meminfo_field(const char *text, const char *key)
{
	const char *p = text;
	size_t klen = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtoull(p + klen + 1, NULL, 10) << 10;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

int vb_hostinfo_memory(uint64_t *total, uint64_t *avail, vb_error_t *err)
{
	char *mi = vb_read_file("/proc/meminfo", 1 << 20, 0, NULL);
	long pages = sysconf(_SC_PHYS_PAGES), avp = sysconf(_SC_AVPHYS_PAGES);
	long psz = sysconf(_SC_PAGESIZE);

	*total = mi ? meminfo_field(mi, "MemTotal") : 0;
	*avail = mi ? meminfo_field(mi, "MemAvailable") : 0;
	free(mi);
	if (!*total && pages > 0 && psz > 0)
		*total = (uint64_t)pages * (uint64_t)psz;
	if (!*avail && avp > 0 && psz > 0) /* free memory only: an underestimate */
		*avail = (uint64_t)avp * (uint64_t)psz;
	if (!*total)
		return vb_error_set(err, VB_EUNAVAIL, 0, "memory size unknown (no /proc/meminfo)");
	return 0;
}

unsigned vb_hostinfo_ncpus(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

long long vb_hostinfo_cputime_ns(vb_cputime_t what, uint64_t mask)
{
	const char *path = what == VB_CPUTIME_RUNQ ? "/proc/schedstat" : "/proc/stat";
	unsigned long long f[8], sum = 0;
	char line[512];
	cpu_set_t set;
	int cpu, any = 0;
	long tck = sysconf(_SC_CLK_TCK);
	FILE *fp;

	if (!mask && sched_getaffinity(0, sizeof(set), &set) == 0)
		for (cpu = 0; cpu < 64; cpu++)
			if (CPU_ISSET(cpu, &set))
				mask |= 1ull << cpu;
	if (!mask || !(fp = fopen(path, "re")))
		return -1;
	/* Both files: "cpuN" then at least eight numbers; the eighth is steal
	 * in /proc/stat (user nice system idle iowait irq softirq steal) and
	 * run_delay in /proc/schedstat (version 15 and later). */
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &f[0], &f[1],
			   &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]) == 9 &&
		    cpu >= 0 && cpu < 64 && (mask & (1ull << cpu))) {
			sum += what == VB_CPUTIME_IDLE ? f[3] + f[4] : f[7];
			any = 1;
		}
	fclose(fp);
	if (!any)
		return -1;
	if (what != VB_CPUTIME_RUNQ)
		sum *= 1000000000ull / (unsigned long long)(tck > 0 ? tck : 100);
	return (long long)sum;
}

int vb_hostinfo_hypervisor(char *vendor, size_t len)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	char v[13];

	if (len)
		vendor[0] = '\0';
	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 31)))
		return 0;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(v, &b, 4);
	memcpy(v + 4, &c, 4);
	memcpy(v + 8, &d, 4);
	v[12] = '\0';
	for (a = 0; a < 12 && v[a]; a++)
		if (v[a] < 0x20 || v[a] > 0x7e)
			v[a] = '?';
	if (len)
		snprintf(vendor, len, "%s", v);
	return 1;
#else
	if (len)
		vendor[0] = '\0';
	return 0;
#endif
}

/* ---- collect ------------------------------------------------------------- */

/* "always [madvise] never" -> "madvise" in @out; "" if no brackets. */
static void bracketed(const char *raw, char *out, size_t len)
{
	const char *a = strchr(raw, '['), *b = a ? strchr(a, ']') : NULL;

	if (a && b)
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
	else if (len)
		snprintf(out, len, "%s", raw);
}

static json_t *thp_json(void)
{
	static const char *const knobs[] = { "enabled", "defrag" };
	json_t *o = json_object();
	char path[128], key[32], sel[64];
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(knobs); i++) {
		char *raw;

		snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/%s", knobs[i]);
		raw = read_text(path);
		snprintf(key, sizeof(key), "%s_raw", knobs[i]);
		if (raw)
			bracketed(raw, sel, sizeof(sel));
		json_object_set_new(o, knobs[i], raw ? jstr(sel) : json_null());
		json_object_set_new(o, key, jstr(raw));
		free(raw);
	}
	return o;
}

static json_t *mitigations_json(void)
{
	const char *dir = SYS_CPU "/vulnerabilities";
	struct dirent **list;
	json_t *o;
	char path[512];
	int i, n = scandir(dir, &list, NULL, alphasort);

	if (n < 0)
		return json_null();
	o = json_object();
	for (i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
			json_object_set_new(o, list[i]->d_name, file_json(path));
		}
		free(list[i]);
	}
	free(list);
	return o;
}

/* Value of "key : value" in /proc/cpuinfo's first block, as JSON or null. */
static json_t *cpuinfo_field(const char *text, const char *key)
{
	const char *p = text;
	size_t klen = strlen(key);

	while (p && *p && *p != '\n') {
		if (!strncmp(p, key, klen) && (p[klen] == ' ' || p[klen] == '\t' || p[klen] == ':')) {
			const char *v = strchr(p, ':'), *e = strchr(p, '\n');

			if (v && (!e || v < e)) {
				v += 1 + (v[1] == ' ');
				return json_stringn(v, e ? (size_t)(e - v) : strlen(v));
			}
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return json_null();
}

static json_t *caches_json(void)
{
	vb_caches_t c;

	vb_hostinfo_caches(&c);
#define VB_SZ(x) ((x) ? json_integer((json_int_t)(x)) : json_null())
	return json_pack("{s:o,s:o,s:o,s:o,s:I,s:s}", "l1d_bytes", VB_SZ(c.l1d), "l1i_bytes",
			 VB_SZ(c.l1i), "l2_bytes", VB_SZ(c.l2), "l3_bytes", VB_SZ(c.l3),
			 "line_bytes", (json_int_t)c.line, "source", c.source);
#undef VB_SZ
}

static json_t *cpu_json(int hv_bit, const char *hv_vendor)
{
	struct cpu_raw_data_t raw;
	struct cpu_id_t id;
	char why[128] = "";
	json_t *o = json_object(), *flags;
	int i;

	if (cpu_ident(&raw, &id, why, sizeof(why)) == 0) {
		json_object_set_new(o, "source", json_string("libcpuid"));
		json_object_set_new(o, "vendor", jstr(id.vendor_str));
		json_object_set_new(o, "brand", jstr(id.brand_str));
		json_object_set_new(o, "family", json_integer(id.family));
		json_object_set_new(o, "model", json_integer(id.model));
		json_object_set_new(o, "stepping", json_integer(id.stepping));
		json_object_set_new(o, "ext_family", json_integer(id.ext_family));
		json_object_set_new(o, "ext_model", json_integer(id.ext_model));
		json_object_set_new(o, "cores", json_integer(id.num_cores));
		json_object_set_new(o, "logical_cpus", json_integer(id.num_logical_cpus));
		json_object_set_new(o, "total_logical_cpus", json_integer(id.total_logical_cpus));
		flags = json_array();
		for (i = 0; i < NUM_CPU_FEATURES; i++) {
			const char *f = id.flags[i] ? cpu_feature_str((cpu_feature_t)i) : NULL;

			if (f && *f)
				json_array_append_new(flags, json_string(f));
		}
		json_object_set_new(o, "flags", flags);
		json_object_set_new(o, "libcpuid_hypervisor",
				    json_string(cpuid_hv_name(cpuid_get_hypervisor(&raw, &id))));
	} else {
		/* libcpuid failed: the basics from /proc/cpuinfo, the rest null */
		char *ci = vb_read_file("/proc/cpuinfo", 1 << 20, 0, NULL);
		static const char *const nulls[] = { "family", "model", "stepping", "ext_family",
						     "ext_model", "cores", "logical_cpus",
						     "total_logical_cpus", "flags",
						     "libcpuid_hypervisor" };

		json_object_set_new(o, "source", json_string(ci ? "proc" : "none"));
		json_object_set_new(o, "libcpuid_error", json_string(why));
		json_object_set_new(o, "vendor", ci ? cpuinfo_field(ci, "vendor_id") : json_null());
		json_object_set_new(o, "brand", ci ? cpuinfo_field(ci, "model name") : json_null());
		for (i = 0; i < (int)VB_ARRAY_SIZE(nulls); i++)
			json_object_set_new(o, nulls[i], json_null());
		free(ci);
	}
	json_object_set_new(o, "caches", caches_json());
	json_object_set_new(o, "hypervisor_bit", json_boolean(hv_bit));
	json_object_set_new(o, "hypervisor_vendor", jstr(hv_vendor));
	return o;
}

static json_t *kernel_json(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		return json_pack("{s:n,s:n,s:n}", "release", "version", "machine");
	return json_pack("{s:s,s:s,s:s}", "release", u.release, "version", u.version, "machine",
			 u.machine);
}

static json_t *memory_json(void)
{
	uint64_t total = 0, avail = 0;

	if (vb_hostinfo_memory(&total, &avail, NULL) < 0)
		return json_pack("{s:n,s:n}", "total_bytes", "available_bytes");
	return json_pack("{s:I,s:o}", "total_bytes", (json_int_t)total, "available_bytes",
			 avail ? json_integer((json_int_t)avail) : json_null());
}

int vb_hostinfo_blkdev_size(const char *path, uint64_t *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	*bytes = 0;
	if (fd < 0)
		return -1;
	rc = ioctl(fd, BLKGETSIZE64, bytes);
	close(fd);
	return rc < 0 ? -1 : 0;
}

/* /sys/dev/block/MA:MI/@rel of @rdev, trimmed, as a string; null if absent. */
static json_t *sysblock_json(dev_t rdev, const char *rel)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%s", major(rdev), minor(rdev), rel);
	return file_json(path);
}

/* The block device @path (a --scratch allowed with --allow-device): size,
 * model (of the disk a partition belongs to), rotational, loop backing file. */
static json_t *blkdev_json(const char *path, const struct stat *sb)
{
	uint64_t bytes;
	json_t *o = json_object(), *model = sysblock_json(sb->st_rdev, "device/model"), *rot;

	if (json_is_null(model)) {
		json_decref(model);
		model = sysblock_json(sb->st_rdev, "../device/model");
	}
	json_object_set_new(o, "path", json_string(path));
	json_object_set_new(o, "dev", json_sprintf("%u:%u", major(sb->st_rdev), minor(sb->st_rdev)));
	json_object_set_new(o, "size_bytes", vb_hostinfo_blkdev_size(path, &bytes) == 0
						     ? json_integer((json_int_t)bytes)
						     : json_null());
	json_object_set_new(o, "model", model);
	rot = sysblock_json(sb->st_rdev, "queue/rotational");
	json_object_set_new(o, "rotational", json_is_string(rot)
						     ? json_boolean(strcmp(json_string_value(rot), "0"))
						     : json_null());
	json_decref(rot);
	json_object_set_new(o, "loop_backing_file", sysblock_json(sb->st_rdev, "loop/backing_file"));
	return o;
}

static json_t *scratch_json(const char *dir)
{
	struct stat sb;
	char type[64];
	int ram = 0;

	if (stat(dir, &sb) == 0 && S_ISBLK(sb.st_mode))
		return json_pack("{s:s,s:s,s:b,s:o}", "path", dir, "fstype", "block device", "ram", 0,
				 "device", blkdev_json(dir, &sb));
	if (vb_fs_info(dir, type, sizeof(type), &ram, NULL) < 0)
		return json_pack("{s:s,s:n,s:n}", "path", dir, "fstype", "ram");
	return json_pack("{s:s,s:s,s:b}", "path", dir, "fstype", type, "ram", ram);
}

json_t *vb_hostinfo_collect(const char *dir)
{
	char hv[16];
	int bit = vb_hostinfo_hypervisor(hv, sizeof(hv));
	json_t *o = json_object();

	{
		char name[256];

		vb_hostname(name, sizeof(name)); /* a fleet's runs tell hosts of one class apart */
		json_object_set_new(o, "hostname", json_string(name));
	}
	json_object_set_new(o, "cpu", cpu_json(bit, hv));
	json_object_set_new(o, "kernel", kernel_json());
	json_object_set_new(o, "mitigations", mitigations_json());
	json_object_set_new(o, "thp", thp_json());
	json_object_set_new(o, "clocksource",
			    file_json("/sys/devices/system/clocksource/clocksource0/"
				      "current_clocksource"));
	json_object_set_new(o, "memory", memory_json());
	json_object_set_new(o, "ncpus", json_integer(vb_hostinfo_ncpus()));
	json_object_set_new(o, "virtualized", json_boolean(bit));
	json_object_set_new(o, "hypervisor_vendor", jstr(hv));
	json_object_set_new(o, "isa", json_string(VB_ISA));
	if (dir)
		json_object_set_new(o, "scratch", scratch_json(dir));
	return o;
}
