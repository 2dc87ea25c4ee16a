/*
 * testpoint.c - stop points for the interruption tests (see testpoint.h).
 */
#include "lib/testpoint.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	int parsed;
	char point[32];
	char env[48];
	unsigned long nth;
	unsigned long seen;
} tp;

static void parse(void)
{
	const char *v = getenv("VBENCH_TEST_STOP_AT");
	char buf[96], *env, *nth;

	tp.parsed = 1;
	if (!v || !*v || strlen(v) >= sizeof(buf))
		return;
	snprintf(buf, sizeof(buf), "%s", v);
	env = strchr(buf, ':');
	if (env) {
		*env++ = '\0';
		/* N is the last part when it is a number: ENV may hold colons
		 * itself (container:nat, ssh:lab) */
		nth = strrchr(env, ':');
		if (nth && nth[1] && strspn(nth + 1, "0123456789") == strlen(nth + 1)) {
			*nth++ = '\0';
			tp.nth = strtoul(nth, NULL, 10);
		}
		snprintf(tp.env, sizeof(tp.env), "%s", env);
	}
	if (!tp.nth)
		tp.nth = 1;
	snprintf(tp.point, sizeof(tp.point), "%s", buf);
}

void vb_test_point(const char *point, const char *env)
{
	if (!tp.parsed)
		parse();
	if (!tp.point[0] || strcmp(point, tp.point))
		return;
	if (tp.env[0] && (!env || strcmp(env, tp.env)))
		return;
	if (++tp.seen != tp.nth)
		return;
	fprintf(stderr, "vbench: test point %s:%s:%lu\n", point, env ? env : "", tp.nth);
	fflush(stderr);
	raise(SIGSTOP);
}

void vb_test_point_reset(void)
{
	memset(&tp, 0, sizeof(tp));
}
