/*
 * cpulist.c - CPU lists ("0-1,3") as 64-bit masks (cpulist.h): shared by the
 * agent, which reports its affinity, and the harness, which places
 * environments on CPUs.
 */
#include "lib/cpulist.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

int vb_cpulist_parse(const char *s, uint64_t *mask)
{
	char *end;
	long a, b;

	*mask = 0;
	if (!s || !*s)
		return -1;
	while (*s) {
		if (*s < '0' || *s > '9')
			return -1;
		a = strtol(s, &end, 10);
		b = a;
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return -1;
			b = strtol(s, &end, 10);
		}
		if (a < 0 || b < a || b > 63)
			return -1;
		for (; a <= b; a++)
			*mask |= 1ull << a;
		s = end;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return -1; /* junk, or a trailing comma */
	}
	return 0;
}

void vb_cpulist_format(uint64_t mask, char *buf, size_t len)
{
	size_t off = 0;
	int i = 0, j;

	buf[0] = '\0';
	while (i < 64) {
		if (!(mask & (1ull << i))) {
			i++;
			continue;
		}
		for (j = i; j + 1 < 64 && (mask & (1ull << (j + 1))); j++)
			;
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%d", off ? "," : "", i);
		if (j > i && off < len)
			off += (size_t)snprintf(buf + off, len - off, "-%d", j);
		i = j + 1;
	}
}

int vb_cpulist_pin_mask(uint64_t mask)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < 64; i++)
		if (mask & (1ull << i))
			CPU_SET(i, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int vb_cpulist_pin(const char *cpus)
{
	uint64_t mask;

	if (!cpus || !cpus[0])
		return 0;
	if (vb_cpulist_parse(cpus, &mask) < 0)
		return errno = EINVAL, -1;
	return vb_cpulist_pin_mask(mask);
}
