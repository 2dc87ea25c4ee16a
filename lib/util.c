/*
 * util.c - strict parsing, clocks, small file helpers (see util.h).
 */
#include "lib/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>


int vb_parse_u64(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		 vb_error_t *err)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: '%s' is not a whole number", what,
				    s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: '%s' is too large", what, s);
	if (*end)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: '%s' is not a whole number", what, s);
	if (v < min || v > max)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: %s is out of range (expected %llu to %llu)",
				    what, s, (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int vb_parse_size(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		  vb_error_t *err)
{
	static const struct {
		const char *sfx;
		unsigned shift;
	} sfx[] = { { "", 0 },	   { "b", 0 },	   { "k", 10 },	 { "kb", 10 },	{ "kib", 10 },
		    { "m", 20 },   { "mb", 20 },   { "mib", 20 }, { "g", 30 },	 { "gb", 30 },
		    { "gib", 30 }, { "t", 40 },	   { "tb", 40 },  { "tib", 40 } };
	unsigned long long v;
	char *end;
	size_t i;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: '%s' is not a size (expected e.g. 4096, 64K, 1G)", what,
				    s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: '%s' is too large", what, s);
	for (i = 0; i < VB_ARRAY_SIZE(sfx); i++)
		if (!strcasecmp(end, sfx[i].sfx))
			break;
	if (i == VB_ARRAY_SIZE(sfx))
		return vb_error_set(err, VB_EUSAGE, 0,
				    "%s: '%s' is not a size (expected e.g. 4096, 64K, 1G)", what, s);
	if (sfx[i].shift && v > (ULLONG_MAX >> sfx[i].shift))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: '%s' is too large", what, s);
	v <<= sfx[i].shift;
	if (v < min || v > max) {
		char a[32], b[32];
		return vb_error_set(err, VB_EUSAGE, 0, "%s: %s is out of range (expected %s to %s)",
				    what, s, vb_format_size(min, a, sizeof(a)),
				    vb_format_size(max, b, sizeof(b)));
	}
	*out = v;
	return 0;
}

int vb_parse_double(const char *s, double min, double max, const char *what, double *out,
		    vb_error_t *err)
{
	char *end;
	double v;

	if (!s || !*s || isspace((unsigned char)*s))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: '%s' is not a number", what, s ? s : "");
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(v))
		return vb_error_set(err, VB_EUSAGE, 0, "%s: '%s' is not a finite number", what, s);
	if (v < min || v > max)
		return vb_error_set(err, VB_EUSAGE, 0, "%s: %s is out of range (expected %g to %g)",
				    what, s, min, max);
	*out = v;
	return 0;
}

char *vb_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned u = 0;
	double v = (double)bytes;

	while (v >= 1024.0 && u + 1 < VB_ARRAY_SIZE(unit)) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%.0f %s", v, unit[u]);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

uint64_t vb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t vb_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

char *vb_format_time(uint64_t wall_ns, char *buf, size_t len)
{
	time_t sec = (time_t)(wall_ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)((wall_ns / 1000000ull) % 1000));
	return buf;
}

char *vb_read_fd(int fd, size_t max, unsigned opts, size_t *lenp, const char *what,
		 vb_error_t *err)
{
	size_t cap = max < 4096 ? max : 4096, len = 0; /* never read past @max */
	char *buf = malloc(cap + 1), *nb, probe;
	ssize_t n;

	if (!buf) {
		vb_error_set(err, VB_ESYS, ENOMEM, "read %s", what);
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= max)
				break;
			cap = cap > max / 2 ? max : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				vb_error_set(err, VB_ESYS, ENOMEM, "read %s", what);
				return NULL;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			vb_error_sys(err, "read %s", what);
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	/* Full: is there more?  (A file may grow while it is read.) */
	while (len == max && (opts & VB_READ_STRICT) && (n = read(fd, &probe, 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			vb_error_sys(err, "read %s", what);
		else
			vb_error_set(err, VB_EUSAGE, 0, "%s: larger than %zu bytes", what, max);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (opts & VB_READ_CHOMP)
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

char *vb_read_file(const char *path, size_t max, int chomp, vb_error_t *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *s;

	if (fd < 0) {
		vb_error_sys(err, "open %s", path);
		return NULL;
	}
	s = vb_read_fd(fd, max, chomp ? VB_READ_CHOMP : 0, NULL, path, err);
	close(fd);
	return s;
}

size_t vb_read_cmdline(char *buf, size_t len)
{
	size_t n = 0;
	char *s;
	int fd;

	if (!len)
		return 0;
	buf[0] = '\0';
	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	s = vb_read_fd(fd, len - 1, 0, &n, "/proc/self/cmdline", NULL);
	close(fd);
	if (!s)
		return 0;
	memcpy(buf, s, n + 1);
	free(s);
	return n;
}

int vb_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vb_write_file(const char *path, const char *data, size_t len, vb_error_t *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return vb_error_sys(err, "open %s for writing", path);
	if (vb_write_all(fd, data, len) < 0) {
		int e = errno;
		close(fd);
		return vb_error_set(err, VB_ESYS, e, "write %s", path);
	}
	if (close(fd) < 0)
		return vb_error_sys(err, "close %s", path);
	return 0;
}

/* The decimal number at *@p, *@p moved past it and its space; -1 when none. */
static int stat_field(const char **p, unsigned long long *v)
{
	const char *s = *p;

	if (*s == '-')
		s++; /* a negative field (priority) counts as its magnitude: unused */
	if (*s < '0' || *s > '9')
		return -1;
	for (*v = 0; *s >= '0' && *s <= '9'; s++)
		*v = *v * 10 + (unsigned long long)(*s - '0');
	*p = *s == ' ' ? s + 1 : s;
	return 0;
}

int vb_pid_stat(pid_t pid, vb_pid_stat_t *st)
{
	char path[64], buf[1024];
	unsigned long long v = 0;
	const char *p;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name (field 2) may hold ')' */
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	st->state = p[2];
	p += 4;
	for (field = 4; field <= 22; field++) {
		if (stat_field(&p, &v) < 0)
			return -1;
		if (field == 4)
			st->ppid = (pid_t)v;
		else if (field == 14)
			st->utime = v;
		else if (field == 15)
			st->stime = v;
	}
	st->start = v;
	return 0;
}

int vb_write_new(const char *path, const void *data, size_t len, unsigned mode, vb_error_t *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int rc, e;

	if (fd < 0)
		return vb_error_sys(err, "create %s", path);
	rc = vb_write_all(fd, data, len);
	e = errno;
	if (close(fd) < 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	return rc < 0 ? vb_error_set(err, VB_ESYS, e, "write %s", path) : 0;
}

int vb_mkdir_p(const char *path, unsigned mode, vb_error_t *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	char *p;

	if (len == 0 || len >= sizeof(buf))
		return vb_error_set(err, VB_EUSAGE, 0, "bad directory path '%s'", path);
	memcpy(buf, path, len + 1);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return vb_error_sys(err, "create directory %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0) {
		struct stat st;

		if (errno != EEXIST)
			return vb_error_sys(err, "create directory %s", buf);
		/* EEXIST is fine only for a directory (or a link to one). */
		if (stat(buf, &st) < 0)
			return vb_error_sys(err, "create directory %s", buf);
		if (!S_ISDIR(st.st_mode))
			return vb_error_set(err, VB_ESYS, ENOTDIR, "create directory %s", buf);
	}
	return 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int vb_rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	return nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static uint64_t du_total; /* vb_du_bytes' accumulator (nftw has no context argument) */

static int du_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag != FTW_NS && flag != FTW_DNR)
		du_total += (uint64_t)sb->st_blocks * 512;
	return 0;
}

int vb_du_bytes(const char *path, uint64_t *bytes)
{
	struct stat st;

	*bytes = 0;
	if (lstat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		*bytes = (uint64_t)st.st_blocks * 512;
		return 0;
	}
	du_total = 0;
	if (nftw(path, du_one, 32, FTW_PHYS | FTW_MOUNT) < 0)
		return -1;
	*bytes = du_total;
	return 0;
}

int vb_fs_info(const char *path, char *type, size_t typelen, int *is_ram, vb_error_t *err)
{
	static const struct {
		unsigned long magic;
		const char *name;
		int ram;
	} fs[] = {
		{ 0xEF53, "ext4", 0 },	   { 0x01021994, "tmpfs", 1 }, { 0x858458f6, "ramfs", 1 },
		{ 0x58465342, "xfs", 0 },  { 0x9123683E, "btrfs", 0 }, { 0x6969, "nfs", 0 },
		{ 0x794c7630, "overlayfs", 0 }, { 0x01021997, "9p", 0 }, { 0x65735546, "fuse", 0 },
		{ 0x2fc12fc1, "zfs", 0 },  { 0xF2F52010, "f2fs", 0 }, { 0x4d44, "vfat", 0 },
	};
	struct statfs sf;
	size_t i;

	if (statfs(path, &sf) < 0)
		return vb_error_sys(err, "statfs %s", path);
	*is_ram = 0;
	snprintf(type, typelen, "unknown(0x%lx)", (unsigned long)sf.f_type);
	for (i = 0; i < VB_ARRAY_SIZE(fs); i++) {
		if ((unsigned long)sf.f_type == fs[i].magic) {
			snprintf(type, typelen, "%s", fs[i].name);
			*is_ram = fs[i].ram;
			break;
		}
	}
	return 0;
}

int vb_path_join(char *buf, size_t len, const char *a, const char *b, vb_error_t *err)
{
	if ((size_t)snprintf(buf, len, "%s/%s", a, b) >= len)
		return vb_error_set(err, VB_EUSAGE, 0, "path too long: %s/%s", a, b);
	return 0;
}

void vb_path_dir(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int vb_glob_match(const char *pattern, const char *name)
{
	return fnmatch(pattern, name, 0) == 0;
}

void vb_hostname(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0 || !buf[0])
		snprintf(buf, len, "unknown");
	buf[len - 1] = '\0';
}

uint64_t vb_rand64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

char *vb_argv_join(char *const *argv, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; argv[i] && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", argv[i]);
	return buf;
}
