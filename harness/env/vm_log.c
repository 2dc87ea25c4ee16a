/*
 * vm_log.c - a VM's console and QEMU logs (vm_log.h).
 */
#include "harness/env/vm_log.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/safefs.h"

int vb_vm_log_open(int dfd, const char *name, const char *path, vb_error_t *err)
{
	return vb_safefs_open_own(dfd, name, VB_OWN_TRUNC | VB_OWN_ABOVE2, 0644, path, NULL, err);
}

/* @path for reading: a regular file, not through a link in its last
 * component, and never blocking (a FIFO put in its place). */
static int open_read(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		return -1;
	}
	return fd;
}

#define TAIL_READ 16384

/* Append @s (@n bytes) to @acc, keeping only the last @cap - 1 bytes. */
static void keep_end(char *acc, size_t *alen, size_t cap, const char *s, size_t n, int *cut)
{
	if (n >= cap - 1) {
		s += n - (cap - 1);
		n = cap - 1;
		*cut = 1;
	}
	if (*alen + n > cap - 1) {
		size_t drop = *alen + n - (cap - 1);
		memmove(acc, acc + drop, *alen - drop);
		*alen -= drop;
		*cut = 1;
	}
	memcpy(acc + *alen, s, n);
	*alen += n;
	acc[*alen] = '\0';
}

char *vb_vm_log_exit_text(int status, char *buf, size_t len)
{
	const char *abbrev;

	if (WIFEXITED(status) && WEXITSTATUS(status) == 126) /* vm_boot.c spawn_qemu's child */
		snprintf(buf, len, "QEMU's process could not join the allocation cgroup");
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(buf, len, "QEMU could not be executed");
	else if (WIFEXITED(status))
		snprintf(buf, len, "QEMU exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status)) {
		abbrev = sigabbrev_np(WTERMSIG(status));
		snprintf(buf, len, "QEMU was killed by signal %d (%s%s)", WTERMSIG(status),
			 abbrev ? "SIG" : "", abbrev ? abbrev : "an unknown signal");
	} else
		snprintf(buf, len, "QEMU ended with wait status %#x", (unsigned)status);
	return buf;
}

void vb_vm_log_tail(const char *path, off_t from, int nlines, char *out, size_t len)
{
	char *buf, *starts[64], *p, *acc, *start, *save = NULL;
	size_t alen = 0, n;
	int fd, k = 0, i, cut = 0;
	struct stat st;
	off_t off;
	ssize_t got;

	if (!len)
		return;
	out[0] = '\0';
	buf = malloc(TAIL_READ + 1);
	if (nlines > 64)
		nlines = 64;
	if (nlines < 1)
		nlines = 1;
	fd = buf ? open_read(path) : -1;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return;
	}
	off = st.st_size > TAIL_READ ? st.st_size - TAIL_READ : 0;
	from = from > 0 ? from : 0;
	got = from < st.st_size ? pread(fd, buf, TAIL_READ, off > from ? off : from) : 0;
	close(fd);
	if (got <= 0) {
		free(buf);
		return;
	}
	buf[got] = '\0';
	for (p = buf; p < buf + got; p++) /* untrusted: printable ASCII only */
		if (*p != '\n' && (*p < 0x20 || *p > 0x7e))
			*p = (*p == '\r' || *p == '\t') ? ' ' : '?';
	/* Split into lines, without the partial first one of a cut read. */
	start = buf;
	if (off > from) {
		start = strchr(buf, '\n');
		start = start ? start + 1 : buf + got;
	}
	for (p = strtok_r(start, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		while (*p == ' ')
			p++;
		if (!*p)
			continue;
		if (k == nlines) {
			memmove(starts, starts + 1, sizeof(starts[0]) * (size_t)(nlines - 1));
			k--;
		}
		starts[k++] = p;
	}
	acc = malloc(len + 1);
	if (acc) {
		acc[0] = '\0';
		for (i = 0; i < k; i++) {
			n = strlen(starts[i]);
			while (n && starts[i][n - 1] == ' ')
				n--;
			if (i)
				keep_end(acc, &alen, len + 1, " | ", 3, &cut);
			keep_end(acc, &alen, len + 1, starts[i], n, &cut);
		}
		if (cut && len > 4 && alen > 3) {
			/* "..." marks the dropped beginning; it must fit in @len - 1 */
			size_t keep = alen < len - 4 ? alen : len - 4;
			snprintf(out, len, "...%s", acc + (alen - keep));
		} else {
			snprintf(out, len, "%s", acc);
		}
		free(acc);
	}
	free(buf);
}

int vb_vm_log_find(const char *path, const char *needle, char *out, size_t len)
{
	char *buf = malloc(TAIL_READ + 1), *hit = NULL, *p, *end;
	struct stat st;
	ssize_t got = 0;
	int fd;

	if (len)
		out[0] = '\0';
	fd = buf && len ? open_read(path) : -1;
	if (fd >= 0 && fstat(fd, &st) == 0)
		got = pread(fd, buf, TAIL_READ, st.st_size > TAIL_READ ? st.st_size - TAIL_READ : 0);
	if (fd >= 0)
		close(fd);
	if (got > 0) {
		buf[got] = '\0';
		for (p = buf; p < buf + got; p++) /* untrusted, and strstr must see it all */
			if (*p != '\n' && (*p < 0x20 || *p > 0x7e))
				*p = (*p == '\r' || *p == '\t') ? ' ' : '?';
		for (p = strstr(buf, needle); p; p = strstr(p + 1, needle))
			hit = p;
	}
	if (hit) {
		hit += strlen(needle);
		end = strchr(hit, '\n');
		if (end)
			*end = '\0';
		while (*hit == ' ')
			hit++;
		for (end = hit + strlen(hit); end > hit && end[-1] == ' '; end--)
			end[-1] = '\0';
		snprintf(out, len, "%s", hit);
	}
	free(buf);
	return hit != NULL;
}
