/*
 * agent_bound.c - the agent protocol's bounds on one message (agent.h):
 * nesting depth, string and key length, members per object or array.  The
 * harness refuses a message past them (an agent it does not trust); the
 * agent cuts its own messages to them, so an honest agent never trips
 * them.  Shared by both sides, so it lives with the protocol.
 */
#include <stdio.h>
#include <string.h>

#include "workloads/agent.h"
#include "lib/error.h"
#include "lib/textsafe.h"
#include "lib/util.h"

/* ---- bounds ---- */

#define CUT_MARK "...[cut]"

typedef struct bounder {
	int clip;	 /* cut instead of refusing */
	vb_error_t *err; /* the refusal */
	char path[128];	 /* the field being looked at, for the message */
	size_t len;	 /* strlen(path) */
} bounder_t;

/* Append ".KEY" or "[I]" to the path (cut with "..." when it is long). */
static size_t push(bounder_t *b, const char *key, size_t idx)
{
	size_t at = b->len, room = sizeof(b->path) - at;
	int n;

	char k[44];

	if (room < 8)
		return at;
	n = key ? snprintf(b->path + at, room, "%s%s", at ? "." : "", vb_text_term(key, k, sizeof(k)))
		: snprintf(b->path + at, room, "[%zu]", idx);
	if (n < 0 || (size_t)n >= room)
		snprintf(b->path + sizeof(b->path) - 4, 4, "...");
	b->len = strlen(b->path);
	return at;
}

static void pop(bounder_t *b, size_t at)
{
	b->path[at] = '\0';
	b->len = at;
}

/* "message from the agent past a limit: field 'PATH' DETAIL"; -1. */
static int excess(bounder_t *b, const char *detail)
{
	return vb_error_set(b->err, VB_EPROTO, 0, "message from the agent past a limit: %s%s%s %s",
			    b->len ? "field '" : "", b->len ? b->path : "the message",
			    b->len ? "'" : "", detail);
}

/* "is a string of N bytes, longer than the limit of L" etc. into @buf. */
static const char *over(char *buf, size_t len, const char *what, size_t n, const char *unit,
			unsigned limit)
{
	snprintf(buf, len, "%s %zu %s, more than the limit of %u", what, n, unit, limit);
	return buf;
}

/* Shorten string @s to the bound at a character boundary, marked. */
static void cut_string(json_t *s)
{
	const char *v = json_string_value(s);
	size_t n = VB_AGENT_MAX_STRING - sizeof(CUT_MARK);
	char buf[VB_AGENT_MAX_STRING];

	while (n && ((unsigned char)v[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, v, n);
	memcpy(buf + n, CUT_MARK, sizeof(CUT_MARK) - 1);
	json_string_setn(s, buf, n + sizeof(CUT_MARK) - 1);
}

static int bound_container(bounder_t *b, json_t *v, int depth);

/* Member @x (key @key, or index @idx) of @parent, @x at nesting @depth. */
static int bound_value(bounder_t *b, json_t *parent, const char *key, size_t idx, json_t *x,
		       int depth)
{
	size_t at = push(b, key, idx);
	char d[128];
	int rc = 0;

	if (json_is_string(x) && json_string_length(x) > VB_AGENT_MAX_STRING) {
		if (b->clip)
			cut_string(x);
		else
			rc = excess(b, over(d, sizeof(d), "is a string of", json_string_length(x),
					    "bytes", VB_AGENT_MAX_STRING));
	} else if ((json_is_object(x) || json_is_array(x)) && depth > VB_AGENT_MAX_DEPTH) {
		if (!b->clip)
			rc = excess(b, over(d, sizeof(d), "nests objects and arrays",
					    (size_t)depth, "levels deep (or more)",
					    VB_AGENT_MAX_DEPTH));
		else if (key)
			json_object_set_new(parent, key, json_null());
		else
			json_array_set_new(parent, idx, json_null());
	} else if (json_is_object(x) || json_is_array(x)) {
		rc = bound_container(b, x, depth);
	}
	pop(b, at);
	return rc;
}

/* Object or array @v at nesting @depth (1: the message itself). */
static int bound_container(bounder_t *b, json_t *v, int depth)
{
	size_t n = json_is_object(v) ? json_object_size(v) : json_array_size(v), i = 0;
	const char *key;
	char d[128];
	json_t *x;
	void *tmp;

	if (n > VB_AGENT_MAX_MEMBERS && !b->clip)
		return excess(b, over(d, sizeof(d), "has", n, "members", VB_AGENT_MAX_MEMBERS));
	if (json_is_array(v)) {
		while (json_array_size(v) > VB_AGENT_MAX_MEMBERS)
			json_array_remove(v, json_array_size(v) - 1);
		json_array_foreach(v, i, x)
			if (bound_value(b, v, NULL, i, x, depth + 1) < 0)
				return -1;
		return 0;
	}
	json_object_foreach_safe(v, tmp, key, x) {
		if (i >= VB_AGENT_MAX_MEMBERS || strlen(key) > VB_AGENT_MAX_STRING) {
			if (!b->clip)
				return excess(b, over(d, sizeof(d), "has a key of", strlen(key),
						      "bytes", VB_AGENT_MAX_STRING));
			json_object_del(v, key);
			continue;
		}
		i++;
		if (bound_value(b, v, key, 0, x, depth + 1) < 0)
			return -1;
	}
	return 0;
}

int vb_agent_bound(json_t *msg, int clip, vb_error_t *err)
{
	bounder_t b = { .clip = clip, .err = err };
	char d[128];

	if (json_is_object(msg) || json_is_array(msg))
		return bound_container(&b, msg, 1);
	if (json_is_string(msg) && json_string_length(msg) > VB_AGENT_MAX_STRING)
		return clip ? (cut_string(msg), 0)
			    : excess(&b, over(d, sizeof(d), "is a string of",
					      json_string_length(msg), "bytes",
					      VB_AGENT_MAX_STRING));
	return 0;
}
