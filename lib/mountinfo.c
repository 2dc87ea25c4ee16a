/*
 * mountinfo.c - the one reader of /proc/self/mountinfo (mountinfo.h).
 *
 * Fields are separated by exactly one space; the kernel escapes a space,
 * tab, newline and backslash inside a field as three octal digits, so a
 * well-formed line splits without ambiguity.  Only SOURCE may be empty.
 */
#include "lib/mountinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MIN_HEAD 6 /* ID PARENT MAJOR:MINOR ROOT POINT OPTIONS before the optional fields */

int vb_mountinfo_open(vb_mountinfo_t *mi, const char *path)
{
	memset(mi, 0, sizeof(*mi));
	mi->f = fopen(path ? path : "/proc/self/mountinfo", "re");
	return mi->f ? 0 : -1;
}

int vb_mountinfo_next(vb_mountinfo_t *mi, vb_mount_t *m)
{
	while (mi->f && getline(&mi->line, &mi->cap, mi->f) >= 0) {
		if (vb_mountinfo_parse(mi->line, m) == 0)
			return 1;
		mi->bad++;
	}
	return 0;
}

void vb_mountinfo_close(vb_mountinfo_t *mi)
{
	if (mi->f)
		fclose(mi->f);
	free(mi->line);
	memset(mi, 0, sizeof(*mi));
}

/* Undo the octal escapes of @s in place: every backslash must start three
 * octal digits of a byte from 1 to 255.  0, or -1. */
static int unescape(char *s)
{
	char *d = s;
	unsigned v;

	for (; *s; s++, d++) {
		if (*s != '\\') {
			*d = *s;
			continue;
		}
		if (s[1] < '0' || s[1] > '3' || s[2] < '0' || s[2] > '7' || s[3] < '0' || s[3] > '7')
			return -1;
		v = (unsigned)(s[1] - '0') << 6 | (unsigned)(s[2] - '0') << 3 | (unsigned)(s[3] - '0');
		if (!v)
			return -1;
		*d = (char)v;
		s += 3;
	}
	*d = '\0';
	return 0;
}

/* A decimal number that is the whole of @s (at most 20 digits). */
static int number(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9' || strlen(s) > 20)
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end || errno ? -1 : 0;
}

int vb_mountinfo_parse(char *line, vb_mount_t *m)
{
	char *f[64], *p, *colon;
	unsigned long long ma, mi;
	size_t n = 0, len = strlen(line), sep = 0, i;

	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	if (!len || strchr(line, '\n') || strchr(line, '\t'))
		return -1;
	for (p = line; p; n++) { /* split at every single space */
		if (n == sizeof(f) / sizeof(f[0]))
			return -1;
		f[n] = p;
		p = strchr(p, ' ');
		if (p)
			*p++ = '\0';
	}
	for (i = MIN_HEAD; i < n && !sep; i++)
		if (!strcmp(f[i], "-"))
			sep = i;
	if (!sep || n != sep + 4)
		return -1;
	for (i = 0; i < n; i++) /* no empty field but the source */
		if (!f[i][0] && i != sep + 2)
			return -1;
	colon = strchr(f[2], ':');
	if (!colon)
		return -1;
	*colon = '\0';
	if (number(f[0], &m->id) < 0 || number(f[1], &m->parent) < 0 || number(f[2], &ma) < 0 ||
	    number(colon + 1, &mi) < 0 || ma > 0xffffffffULL || mi > 0xffffffffULL)
		return -1;
	m->major = (unsigned)ma;
	m->minor = (unsigned)mi;
	m->root = f[3];
	m->point = f[4];
	m->fstype = f[sep + 1];
	m->source = f[sep + 2];
	if (unescape(m->root) < 0 || unescape(m->point) < 0 || unescape(m->fstype) < 0 ||
	    unescape(m->source) < 0)
		return -1;
	return m->point[0] == '/' && m->root[0] == '/' ? 0 : -1;
}

int vb_mountinfo_below(const char *point, const char *dir)
{
	size_t dl = strlen(dir);
	const char *c, *e;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (dl == 1 && dir[0] == '/')
		dl = 0; /* below "/": any absolute path */
	if (dir[0] != '/' || strncmp(point, dir, dl) || point[dl] != '/' || !point[dl + 1] ||
	    point[strlen(point) - 1] == '/')
		return 0;
	for (c = point + 1; *c; c = *e ? e + 1 : e) {
		e = strchrnul(c, '/');
		if (e == c || (e - c == 1 && c[0] == '.') || (e - c == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
	}
	return 1;
}
