/*
 * inifile.c - an INI file read with inih, errors naming file and line
 * (inifile.h).
 */
#include "harness/core/inifile.h"

#include <ctype.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/safefs.h"

int vb_inifile_fail(vb_inifile_t *f, int line, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (f->err_line)
		return 0;
	if (line < 1)
		line = 1; /* an empty file: err_line must be non-zero to count as failed */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->err_line = line;
	vb_error_set(f->err, VB_EUSAGE, 0, "%s:%d: %s", f->path, line, msg);
	return 0;
}

/* Look at a line before inih does: a header starts a section here. */
static void look(vb_inifile_t *f, char *line)
{
	char *p = line, *end, save;

	if (f->line == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	if (f->key_seen && (*p == ' ' || *p == '\t'))
		return; /* inih: an indented line after a key continues its value */
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '[' || !(end = strchr(p, ']')))
		return;
	f->key_seen = 0;
	save = *end;
	*end = 0;
	f->header(f, p + 1);
	*end = save;
}

/* Length of the key at the start of @line (@n bytes): the text before '=' or ':', trimmed. */
static int key_len(const char *line, size_t n)
{
	size_t k = strcspn(line, "=:\n");

	if (k > n)
		k = n;
	while (k && isspace((unsigned char)line[k - 1]))
		k--;
	return k > 64 ? 64 : (int)k;
}

/* The text of line @line of the file, at most 60 characters, into @buf. */
static const char *line_text(const vb_inifile_t *f, int line, char *buf, size_t len)
{
	const char *p = f->text, *nl;
	size_t n;
	int l;

	for (l = 1; l < line && (nl = strchr(p, '\n')); l++)
		p = nl + 1;
	n = strcspn(p, "\r\n");
	snprintf(buf, len, "%.*s%s", n > 60 ? 60 : (int)n, p, n > 60 ? "..." : "");
	return buf;
}

/* inih's reader: one line per call (counted), NULL at the end or on an error. */
static char *reader(char *str, int num, void *stream)
{
	vb_inifile_t *f = stream;
	const char *nl;
	size_t n;

	if (f->err_line || f->pos >= f->len)
		return NULL;
	nl = memchr(f->text + f->pos, '\n', f->len - f->pos);
	n = nl ? (size_t)(nl - (f->text + f->pos)) + 1 : f->len - f->pos;
	f->line++;
	if (n + 1 > (size_t)num) {
		vb_inifile_fail(f, f->line, "field '%.*s': line longer than %d characters",
				key_len(f->text + f->pos, n), f->text + f->pos, num - 2);
		return NULL;
	}
	memcpy(str, f->text + f->pos, n);
	str[n] = 0;
	f->pos += n;
	look(f, str);
	return str;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	vb_inifile_t *f = user;

	(void)section;
	f->key_seen = 1;
	if (f->err_line)
		return 0;
	return f->key(f, key, value);
}

int vb_inifile_parse(vb_inifile_t *f, const char *text, size_t len, size_t max, vb_error_t *err)
{
	char *owned = NULL, buf[80];
	const char *nul;
	size_t i;
	int rc;

	f->err = err;
	f->line = f->err_line = f->key_seen = 0;
	f->pos = 0;
	if (!text) {
		owned = vb_safefs_read_regular(AT_FDCWD, f->path, VB_SAFEFS_FOLLOW, max, &len,
					       f->path, err);
		if (!owned) {
			if (err)
				err->code = VB_EUSAGE; /* the file the user named is not usable */
			return -1;
		}
		text = owned;
	}
	f->text = text;
	f->len = len;
	/* A NUL byte would end the text early and hide what follows it. */
	if ((nul = memchr(text, '\0', len)) != NULL) {
		for (f->line = 1, i = 0; text + i < nul; i++)
			f->line += text[i] == '\n';
		vb_inifile_fail(f, f->line, "holds a NUL byte (not a text file)");
		free(owned);
		return -1;
	}
	rc = ini_parse_stream(reader, f, handler, f);
	if (rc > 0 && (!f->err_line || rc < f->err_line)) {
		f->err_line = 0;
		vb_inifile_fail(f, rc, "'%s' is not a [section] header or a 'key = value' line",
				line_text(f, rc, buf, sizeof(buf)));
	} else if (rc < 0 && !f->err_line) {
		vb_inifile_fail(f, 0, "cannot parse (out of memory)");
	}
	f->text = NULL; /* @text is the caller's, or freed now */
	free(owned);
	return f->err_line ? -1 : 0;
}
