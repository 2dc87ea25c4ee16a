/*
 * ssh_peer.c - reaching a remote machine with the OpenSSH client
 * (ssh_int.h): the one argument vector every connection uses, a command
 * run there with a deadline, and the command that removes vbench's
 * directory there.
 */
#include "harness/env/ssh_int.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "lib/textsafe.h"
#include "lib/util.h"

static void peer_argv(vb_ssh_peer_t *p)
{
	int n = 0;

#define A(s) (p->argv[n++] = (char *)(s))
	snprintf(p->o_known, sizeof(p->o_known), "UserKnownHostsFile=%s", p->known);
	snprintf(p->o_key, sizeof(p->o_key), "IdentityFile=%s", p->key);
	snprintf(p->o_connect, sizeof(p->o_connect), "ConnectTimeout=%d", p->connect_s);
	snprintf(p->o_strict, sizeof(p->o_strict), "StrictHostKeyChecking=%s",
		 p->accept_new ? "accept-new" : "yes");
	snprintf(p->port_s, sizeof(p->port_s), "%u", p->port);
	A(p->ssh);
	A("-F");
	A("/dev/null"); /* no user or system configuration */
	A("-T");
	A("-o");
	A("BatchMode=yes"); /* never a password or passphrase prompt */
	A("-o");
	A(p->o_strict);
	A("-o");
	A(p->o_known);
	A("-o");
	A("GlobalKnownHostsFile=/dev/null");
	A("-o");
	A("IdentitiesOnly=yes");
	A("-o");
	A(p->o_key);
	A("-o");
	A(p->o_connect);
	A("-o");
	A("ServerAliveInterval=5");
	A("-o");
	A("ServerAliveCountMax=3");
	A("-o");
	A("LogLevel=ERROR");
	A("-p");
	A(p->port_s);
	A("-l");
	A(p->user);
	A("--");
	A(p->address);
#undef A
	p->argc = n;
	p->argv[n] = NULL;
}

int vb_ssh_peer_init(vb_ssh_peer_t *p, const vb_remote_t *r, int accept_new, int connect_s,
		     vb_error_t *err)
{
	memset(p, 0, sizeof(*p));
	if (vb_proc_which("ssh", p->ssh, sizeof(p->ssh)) < 0)
		return vb_error_set(err, VB_EUNAVAIL, 0,
				    "no ssh client (apt-get install openssh-client)");
	snprintf(p->address, sizeof(p->address), "%s", r->address);
	snprintf(p->user, sizeof(p->user), "%s", r->user);
	snprintf(p->key, sizeof(p->key), "%s", r->key);
	snprintf(p->known, sizeof(p->known), "%s", r->known_hosts);
	p->port = r->port;
	p->accept_new = accept_new;
	p->connect_s = connect_s < 1 ? 1 : connect_s;
	peer_argv(p);
	return 0;
}

/*
 * `ssh ... -- ADDRESS @cmd`, its stdin from @in_fd (-1: /dev/null), its
 * stdout into @out (NULL: discarded).  0, or -1 with @err naming @what and
 * ssh's or the command's last word.
 */
static int in_fd_hook(void *arg)
{
	int fd = *(int *)arg;

	return dup2(fd, 0) < 0 ? -1 : 0;
}

/* Why ssh refused a host key, from its stderr @errs ("" when it did not). */
static const char *hint(const char *errs)
{
	if (strstr(errs, "IDENTIFICATION HAS CHANGED"))
		return " (the remote's key differs from the one in ";
	if (strstr(errs, "host key is known"))
		return " (the remote's key is not in ";
	return "";
}

int vb_ssh_peer_run(const vb_ssh_peer_t *p, const char *cmd, int in_fd, int timeout_ms,
		    char *out, size_t outlen, const char *what, vb_error_t *err)
{
	char *argv[VB_SSH_MAX_ARGS + 2], errs[2048], line[400];
	vb_proc_opts_t o = { .timeout_ms = timeout_ms, .child_hook = in_fd >= 0 ? in_fd_hook : NULL,
			     .hook_arg = &in_fd };
	int rc, i;

	for (i = 0; i < p->argc; i++)
		argv[i] = p->argv[i];
	argv[i++] = (char *)cmd;
	argv[i] = NULL;
	rc = vb_proc_capture(argv, &o, out, outlen, errs, sizeof(errs), err);
	if (rc < 0)
		return vb_error_prefix(err, "%s: %s", p->address, what);
	if (rc) {
		vb_text_last_line(errs, line, sizeof(line));
		return vb_error_set(err, VB_EUNAVAIL, 0, "%s: %s: %s%s%s%s", p->address, what,
				    line[0] ? line : "ssh exited non-zero", hint(errs),
				    strstr(errs, "IDENTIFICATION HAS CHANGED") ||
						    strstr(errs, "host key is known")
					    ? p->known
					    : "",
				    strstr(errs, "host key is known")
					    ? "; --accept-new-host-key accepts a host not yet in it)"
				    : strstr(errs, "IDENTIFICATION HAS CHANGED") ? ": refused)"
										  : "");
	}
	return 0;
}

/* The remote command that removes @dir: first every process running from
 * it (an agent whose session died goes on with its repetition: sshd sends
 * no hangup without a terminal; its executable is DIR's interpreter), then
 * the files. */
void vb_ssh_remove_cmd(const char *dir, char *buf, size_t len)
{
	snprintf(buf, len,
		 "for p in /proc/[0-9]*; do case $(readlink $p/exe 2>/dev/null) in %s/*) "
		 "kill -9 ${p#/proc/} ;; esac; done; rm -rf -- %s",
		 dir, dir);
}
