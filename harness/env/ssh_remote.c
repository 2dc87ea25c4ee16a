/*
 * ssh_remote.c - the remotes file of the `ssh` environments (ssh_int.h):
 *
 *   [vbox]                       ; --env ssh:vbox
 *   address = 192.0.2.10         ; host name or numeric address
 *   port = 22
 *   user = root
 *   key = /root/.ssh/id_ed25519  ; no password prompts: a key
 *   known_hosts = /root/.ssh/known_hosts_lab
 *   workdir = /var/tmp           ; the agent's private directory goes here
 *   scratch = /var/tmp           ; the disk workloads' directory (default: the
 *                                ; private directory's scratch/)
 *   product = VirtualBox
 *   version = 7.0.14
 *   type = type-2                ; type-1 (ESXi, Hyper-V, Xen) or type-2
 *   acceleration = hardware      ; hardware (VT-x/AMD-V) or emulation
 *   vcpus = 2
 *   memory = 2G
 *
 * read with core/inifile (errors "PATH:LINE: ...").  docs/remote.md.
 */
#include "harness/env/ssh_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/inifile.h"
#include "lib/util.h"

typedef struct rstate {
	vb_inifile_t f; /* first: the callbacks get &s->f */
	vb_remotes_t *rs;
	vb_remote_t *cur;
	int seen[16];   /* line of each key of the current section */
} rstate_t;

static const char *const keys[] = { "address", "port",	  "user",    "key",
				    "known_hosts", "workdir", "scratch", "product",
				    "version", "type",	  "acceleration", "vcpus", "memory" };
enum { K_ADDRESS, K_PORT, K_USER, K_KEY, K_KNOWN, K_WORKDIR, K_SCRATCH, K_PRODUCT, K_VERSION,
       K_TYPE, K_ACCEL, K_VCPUS, K_MEMORY, K_N };

int vb_ssh_safe_path(const char *s, size_t max)
{
	const char *p;
	size_t n = s ? strlen(s) : 0;

	if (!s || s[0] != '/' || n < 2 || n >= max || s[n - 1] == '/' || strstr(s, "..") ||
	    strstr(s, "//") || strstr(s, "/./") || (n >= 2 && !strcmp(s + n - 2, "/.")))
		return 0;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/._+-", *p))
			return 0;
	return 1;
}

int vb_ssh_word(const char *s, const char *set, size_t max)
{
	const char *p;

	if (!*s || *s == '-' || strlen(s) >= max)
		return 0;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(set, *p))
			return 0;
	return 1;
}

/* Printable ASCII, 1 to @max-1 bytes (it goes into run.json as is). */
static int text_of(const char *s, size_t max)
{
	const char *p;

	if (!*s || strlen(s) >= max)
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return 0;
	return 1;
}

/* An existing regular file of this user's that nobody else may write (a
 * key, or the known_hosts that decides which machine is trusted), by a
 * plain path (ssh reads its -o values like a configuration line). */
static int file_ok(rstate_t *s, const char *key, const char *v, char *out, size_t len)
{
	struct stat st;

	if (!vb_ssh_safe_path(v, len))
		return vb_inifile_fail(&s->f, s->f.line,
				       "field '%s' of [%s]: '%s' is not an absolute path of letters, "
				       "digits and '/._+-'",
				       key, s->cur->name, v);
	if (stat(v, &st) < 0 || !S_ISREG(st.st_mode))
		return vb_inifile_fail(&s->f, s->f.line,
				       "field '%s' of [%s]: %s is not a regular file", key,
				       s->cur->name, v);
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return vb_inifile_fail(&s->f, s->f.line,
				       "field '%s' of [%s]: %s is not this user's alone (owner uid "
				       "%u, mode %03o: others could change whom it trusts)",
				       key, s->cur->name, v, (unsigned)st.st_uid,
				       (unsigned)(st.st_mode & 0777));
	snprintf(out, len, "%s", v);
	return 1;
}

static int bad(rstate_t *s, int k, const char *v, const char *expected)
{
	return vb_inifile_fail(&s->f, s->f.line, "field '%s' of [%s]: '%s' is not %s", keys[k],
			       s->cur->name, v, expected);
}

static int value(rstate_t *s, int k, const char *v)
{
	vb_remote_t *r = s->cur;
	vb_error_t e;
	uint64_t u;

	switch (k) {
	case K_ADDRESS:
		return vb_ssh_word(v, ".:-_", sizeof(r->address))
			       ? (snprintf(r->address, sizeof(r->address), "%s", v), 1)
			       : bad(s, k, v, "a host name or a numeric address");
	case K_PORT:
		if (vb_parse_u64(v, 1, 65535, "port", &u, &e) < 0)
			return bad(s, k, v, "a port from 1 to 65535");
		r->port = (unsigned)u;
		return 1;
	case K_USER:
		return vb_ssh_word(v, "._-", sizeof(r->user))
			       ? (snprintf(r->user, sizeof(r->user), "%s", v), 1)
			       : bad(s, k, v, "a user name (letters, digits, '.', '_', '-')");
	case K_KEY:
		return file_ok(s, keys[k], v, r->key, sizeof(r->key));
	case K_KNOWN:
		return file_ok(s, keys[k], v, r->known_hosts, sizeof(r->known_hosts));
	case K_WORKDIR:
	case K_SCRATCH:
		if (!vb_ssh_safe_path(v, VB_SSH_MAX_WORKDIR))
			return bad(s, k, v,
				   "an absolute path of letters, digits and '/._+-' (it goes to the "
				   "remote's shell)");
		snprintf(k == K_WORKDIR ? r->workdir : r->scratch, sizeof(r->workdir), "%s", v);
		return 1;
	case K_PRODUCT:
	case K_VERSION:
		if (!text_of(v, sizeof(r->product)))
			return bad(s, k, v, "a line of text of at most 63 bytes");
		snprintf(k == K_PRODUCT ? r->product : r->version, sizeof(r->product), "%s", v);
		return 1;
	case K_TYPE:
		if (!strcasecmp(v, "type-1"))
			r->arch = VB_ARCH_HW_VM;
		else if (!strcasecmp(v, "type-2"))
			r->arch = VB_ARCH_HOSTED_VM;
		else
			return bad(s, k, v, "type-1 or type-2");
		return 1;
	case K_ACCEL:
		if (!strcasecmp(v, "hardware"))
			r->mech = VB_MECH_HW_ASSIST;
		else if (!strcasecmp(v, "emulation"))
			r->mech = VB_MECH_EMULATION;
		else
			return bad(s, k, v, "hardware or emulation");
		return 1;
	case K_VCPUS:
		if (vb_parse_u64(v, 1, 4096, "vcpus", &u, &e) < 0)
			return bad(s, k, v, "a number of CPUs from 1 to 4096");
		r->vcpus = (unsigned)u;
		return 1;
	default: /* K_MEMORY */
		if (vb_parse_size(v, 1 << 20, 1ull << 50, "memory", &r->memory, &e) < 0)
			return bad(s, k, v, "a size (512M, 2G ...)");
		return 1;
	}
}

static int on_key(vb_inifile_t *f, const char *key, const char *v)
{
	rstate_t *s = (rstate_t *)f;
	int k;

	if (!s->cur)
		return vb_inifile_fail(f, f->line,
				       "field '%s': outside any section (start with [NAME], the "
				       "machine's name in --env ssh:NAME)",
				       key);
	for (k = 0; k < K_N && strcasecmp(key, keys[k]); k++)
		;
	if (k == K_N)
		return vb_inifile_fail(f, f->line,
				       "field '%s' of [%s]: unknown key (expected address, port, "
				       "user, key, known_hosts, workdir, scratch, product, version, "
				       "type, acceleration, vcpus, memory)",
				       key, s->cur->name);
	if (s->seen[k])
		return vb_inifile_fail(f, f->line,
				       "field '%s' of [%s]: given twice (first on line %d)", keys[k],
				       s->cur->name, s->seen[k]);
	s->seen[k] = f->line;
	return value(s, k, v);
}

/* What the section before the next one (or the file's end) lacks. */
static int finish(rstate_t *s)
{
	static const int need[] = { K_ADDRESS, K_KEY, K_KNOWN, K_TYPE };
	vb_remote_t *r = s->cur;
	size_t i;

	if (!r || s->f.err_line)
		return !s->f.err_line;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!s->seen[need[i]])
			return vb_inifile_fail(&s->f, r->line, "[%s]: missing field '%s'", r->name,
					       keys[need[i]]);
	return 1; /* no scratch: the private directory's own (ssh.c) */
}

static int on_header(vb_inifile_t *f, char *text)
{
	rstate_t *s = (rstate_t *)f;
	vb_remote_t *r;
	size_t i;

	if (!finish(s))
		return 0;
	s->cur = NULL;
	if (!vb_ssh_word(text, "_-", sizeof(r->name)))
		return vb_inifile_fail(f, f->line,
				       "section [%s]: a machine's name is 1 to 31 letters, digits, "
				       "'_' or '-' (--env ssh:NAME)",
				       text);
	for (i = 0; i < s->rs->n; i++)
		if (!strcmp(s->rs->r[i].name, text))
			return vb_inifile_fail(f, f->line,
					       "section [%s]: given twice (first on line %d)", text,
					       s->rs->r[i].line);
	if (s->rs->n == VB_SSH_MAX_REMOTES)
		return vb_inifile_fail(f, f->line, "section [%s]: more than %d machines", text,
				       VB_SSH_MAX_REMOTES);
	r = &s->rs->r[s->rs->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", text);
	r->line = f->line;
	r->port = 22;
	snprintf(r->user, sizeof(r->user), "root");
	snprintf(r->workdir, sizeof(r->workdir), "/var/tmp");
	r->mech = VB_MECH_HW_ASSIST;
	memset(s->seen, 0, sizeof(s->seen));
	s->cur = r;
	return 1;
}

int vb_ssh_remotes_load(const char *path, vb_remotes_t *rs, vb_error_t *err)
{
	rstate_t s = { .f = { .header = on_header, .key = on_key }, .rs = rs };

	memset(rs, 0, sizeof(*rs));
	snprintf(rs->path, sizeof(rs->path), "%s", path);
	s.f.path = rs->path;
	if (vb_inifile_parse(&s.f, NULL, 0, VB_SSH_MAX_FILE, err) < 0 || !finish(&s))
		return -1;
	if (!rs->n)
		return vb_inifile_fail(&s.f, s.f.line,
				       "no [NAME] section: no remote machine described"),
		       -1;
	return 0;
}

const vb_remote_t *vb_ssh_remote_find(const vb_remotes_t *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (!strcmp(rs->r[i].name, name))
			return &rs->r[i];
	return NULL;
}
