/*
 * error.c - filling and decorating vb_error_t (see error.h).
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Keep the message one line of text: it may quote hostile input (an argument,
 * a line of a file, an agent's reply), and an error is printed as one line.
 * Line breaks and tabs become spaces, other control characters '?'.
 */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void vb_error_clear(vb_error_t *e)
{
	if (!e)
		return;
	e->code = VB_OK;
	e->errnum = 0;
	e->msg[0] = '\0';
}

int vb_error_set(vb_error_t *e, vb_errcode_t code, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!e)
		return -1;
	e->code = code;
	e->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	if (errnum && len < sizeof(e->msg))
		snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(errnum));
	one_line(e->msg);
	return -1;
}

int vb_error_prefix(vb_error_t *e, const char *fmt, ...)
{
	char head[256], old[sizeof(e->msg)];
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	snprintf(e->msg, sizeof(e->msg), "%s: %s", head, old);
	one_line(e->msg);
	return -1;
}

int vb_error_exit_code(const vb_error_t *e)
{
	if (!e)
		return VB_EXIT_FAIL;
	switch (e->code) {
	case VB_OK:
		return VB_EXIT_OK;
	case VB_EUSAGE:
		return VB_EXIT_USAGE;
	case VB_ERESOURCE:
		return VB_EXIT_NORESOURCE;
	case VB_EUNAVAIL:
		return VB_EXIT_SKIPPED;
	case VB_EINTR:
		return VB_EXIT_INTERRUPT;
	default:
		return VB_EXIT_FAIL;
	}
}

const char *vb_error_code_name(vb_errcode_t code)
{
	static const char *const names[] = {
		[VB_OK] = "ok",		  [VB_EUSAGE] = "usage",     [VB_ESYS] = "system",
		[VB_ECHECK] = "check",	  [VB_EUNAVAIL] = "unavailable", [VB_ETIMEOUT] = "timeout",
		[VB_EPROTO] = "protocol", [VB_ERESOURCE] = "resource", [VB_EINTR] = "interrupted",
	};
	if ((unsigned)code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "unknown";
}
