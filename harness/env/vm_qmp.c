/*
 * vm_qmp.c - a QMP client (vm_qmp.h): one command at a time, answers read
 * line by line with a deadline, events skipped.
 */
#include "harness/env/vm_qmp.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness/core/undo.h"
#include "lib/util.h"

void vb_qmp_init(vb_qmp_t *q)
{
	memset(q, 0, sizeof(*q));
	q->fd = -1;
}

void vb_qmp_close(vb_qmp_t *q)
{
	if (q->fd >= 0)
		close(q->fd);
	free(q->buf);
	vb_qmp_init(q);
}

/* The next line as a JSON object, within the deadline (ns, monotonic). */
static json_t *read_msg(vb_qmp_t *q, uint64_t deadline, vb_error_t *err)
{
	for (;;) {
		char *nl = q->buf ? memchr(q->buf, '\n', q->len) : NULL;

		if (nl) {
			size_t n = (size_t)(nl - q->buf);
			json_error_t je;
			json_t *m = json_loadb(q->buf, n, JSON_REJECT_DUPLICATES, &je);

			memmove(q->buf, nl + 1, q->len - n - 1);
			q->len -= n + 1;
			if (!json_is_object(m)) {
				json_decref(m);
				vb_error_set(err, VB_EPROTO, 0, "QMP: a line that is not a JSON object");
				return NULL;
			}
			return m;
		}
		if (q->len >= VB_QMP_MAX_LINE) {
			vb_error_set(err, VB_EPROTO, 0, "QMP: a line longer than %u bytes",
				     VB_QMP_MAX_LINE);
			return NULL;
		}
		if (!q->buf && !(q->buf = malloc(VB_QMP_MAX_LINE))) {
			vb_error_set(err, VB_ESYS, ENOMEM, "QMP: buffer");
			return NULL;
		}
		{
			uint64_t now = vb_now_ns();
			struct pollfd p = { .fd = q->fd, .events = POLLIN };
			int ms = now >= deadline ? 0 : (int)((deadline - now) / 1000000 + 1), rc;
			ssize_t got;

			if (vb_undo_interrupted()) {
				vb_error_set(err, VB_EINTR, 0, "QMP: interrupted");
				return NULL;
			}
			if (now >= deadline) {
				vb_error_set(err, VB_ETIMEOUT, 0, "QMP: no answer in time");
				return NULL;
			}
			rc = poll(&p, 1, ms > 100 ? 100 : ms);
			if (rc < 0 && errno != EINTR) {
				vb_error_sys(err, "QMP: poll");
				return NULL;
			}
			if (rc <= 0)
				continue;
			got = read(q->fd, q->buf + q->len, VB_QMP_MAX_LINE - q->len);
			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got <= 0) {
				vb_error_set(err, VB_ESYS, got < 0 ? errno : 0,
					     "QMP: QEMU closed its monitor");
				return NULL;
			}
			q->len += (size_t)got;
		}
	}
}

static int send_line(vb_qmp_t *q, const char *s, int pass_fd, vb_error_t *err)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		struct iovec iov = { .iov_base = (char *)s + off, .iov_len = len - off };
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (pass_fd >= 0 && off == 0) {
			struct cmsghdr *c;

			memset(&u, 0, sizeof(u));
			mh.msg_control = u.buf;
			mh.msg_controllen = sizeof(u.buf);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
		}
		n = sendmsg(q->fd, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vb_error_sys(err, "QMP: send");
		off += (size_t)n;
	}
	return 0;
}

json_t *vb_qmp_exec(vb_qmp_t *q, const char *cmd, json_t *args, int pass_fd, int timeout_ms,
		    vb_error_t *err)
{
	uint64_t deadline = vb_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	json_int_t id = ++q->next_id;
	json_t *req = json_pack("{s:s,s:I}", "execute", cmd, "id", id), *m, *r;
	char *line;
	int rc;

	if (req && args)
		json_object_set_new(req, "arguments", args);
	else
		json_decref(args);
	line = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!line || q->fd < 0) {
		free(line);
		vb_error_set(err, VB_ESYS, q->fd < 0 ? EBADF : ENOMEM, "QMP %s: no monitor", cmd);
		return NULL;
	}
	rc = send_line(q, line, pass_fd, err) < 0 || send_line(q, "\n", -1, err) < 0 ? -1 : 0;
	free(line);
	if (rc < 0)
		return NULL;
	while ((m = read_msg(q, deadline, err))) {
		const char *ev = json_string_value(json_object_get(m, "event"));

		if (ev) {
			snprintf(q->last_event, sizeof(q->last_event), "%s", ev);
			json_decref(m);
			continue;
		}
		if (!json_is_integer(json_object_get(m, "id")) ||
		    json_integer_value(json_object_get(m, "id")) != id) {
			json_decref(m); /* the answer to a command given up on */
			continue;
		}
		if ((r = json_object_get(m, "return"))) {
			json_incref(r);
			json_decref(m);
			return r;
		}
		r = json_object_get(m, "error");
		vb_error_set(err, r ? VB_EUNAVAIL : VB_EPROTO, 0, "QMP %s: %s", cmd,
			     r ? (json_string_value(json_object_get(r, "desc")) ?: "an error")
			       : "an answer with neither return nor error");
		json_decref(m);
		return NULL;
	}
	vb_error_prefix(err, "QMP %s", cmd);
	return NULL;
}

int vb_qmp_open(vb_qmp_t *q, int fd, int timeout_ms, vb_error_t *err)
{
	uint64_t deadline = vb_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	json_t *g, *r;

	vb_qmp_close(q);
	q->fd = fd;
	g = read_msg(q, deadline, err);
	if (!g)
		return vb_error_prefix(err, "QMP greeting");
	r = json_object_get(g, "QMP");
	json_decref(g);
	if (!r)
		return vb_error_set(err, VB_EPROTO, 0, "QMP: the greeting has no \"QMP\" member");
	r = vb_qmp_exec(q, "qmp_capabilities", NULL, -1, timeout_ms, err);
	json_decref(r);
	return r ? 0 : -1;
}
