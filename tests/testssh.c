/*
 * testssh.c - a private OpenSSH server for the ssh environment's tests
 * (testssh.h).
 */
#include "tests/testssh.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/runproc.h"
#include "lib/util.h"
#include "tests/testutil.h"

#define SSHD "/usr/sbin/sshd"

/* Run @argv (NULL-terminated, argv[0] found in PATH), quietly: its status. */
static int run(const char *const *argv)
{
	char path[PATH_MAX], *a[16];
	vb_proc_opts_t o = { .timeout_ms = 20000 };
	int i;

	if (vb_proc_which(argv[0], path, sizeof(path)) < 0)
		return -1;
	a[0] = path;
	for (i = 1; argv[i] && i < 15; i++)
		a[i] = (char *)argv[i];
	a[i] = NULL;
	return vb_proc_run_quiet(a, &o);
}

static int put(const vb_testssh_t *t, const char *name, const char *text, char *path, size_t len)
{
	vb_error_t err;

	snprintf(path, len, "%s/%s", t->dir, name);
	return vb_write_file(path, text, strlen(text), &err);
}

static char *slurp(const char *path)
{
	return vb_read_file(path, 1 << 16, 0, NULL);
}

/* What could not be set up, into @why; everything made so far removed. */
static int setup_failed(vb_testssh_t *t, char *why, size_t len, const char *what)
{
	snprintf(why, len, "%s", what);
	vb_testssh_stop(t);
	return -1;
}

/* X of a 10.252.X.0/29 no address of this host is in, or -1. */
static int free_subnet(void)
{
	char path[PATH_MAX], out[1 << 16], net[32];
	char *argv[] = { path, "-4", "-o", "addr", NULL };
	vb_proc_opts_t o = { .timeout_ms = 10000 };
	int k, sub;

	if (vb_proc_which("ip", path, sizeof(path)) < 0 ||
	    vb_proc_capture(argv, &o, out, sizeof(out), NULL, 0, NULL) != 0)
		return -1;
	for (k = 0; k < 200; k++) {
		sub = 20 + (int)((getpid() + k) % 200);
		snprintf(net, sizeof(net), " 10.252.%d.", sub);
		if (!strstr(out, net))
			return sub;
	}
	return -1;
}

int vb_testssh_start(vb_testssh_t *t, char *why, size_t len)
{
	char path[PATH_MAX], cfg[4096], net[32], hostpub[PATH_MAX], keyfile[PATH_MAX];
	char pidfile[PATH_MAX], cidr[40], peer[16], *pub = NULL, *cpub = NULL, *other = NULL, *s;
	int sub, i, rc;

	memset(t, 0, sizeof(*t));
	if (geteuid() != 0)
		return snprintf(why, len, "not root: a network namespace needs it"), -1;
	if (access(SSHD, X_OK) < 0)
		return snprintf(why, len, "no %s (scripts/install-deps.sh remote)", SSHD), -1;
	if (vb_proc_which("ssh-keygen", path, sizeof(path)) < 0)
		return snprintf(why, len, "no ssh-keygen (openssh-client)"), -1;
	snprintf(t->dir, sizeof(t->dir), "/var/tmp/vbench-cktest-ssh-XXXXXX");
	if (!mkdtemp(t->dir)) {
		t->dir[0] = '\0';
		return snprintf(why, len, "mkdtemp in /var/tmp failed"), -1;
	}
	t->up = 1;
	snprintf(t->ns, sizeof(t->ns), "vbench-cktest-ssh-%d", (int)getpid());
	snprintf(t->link, sizeof(t->link), "vbck%d", (int)(getpid() % 100000));
	snprintf(peer, sizeof(peer), "vbcp%d", (int)(getpid() % 100000));
	sub = free_subnet();
	if (sub < 0)
		return setup_failed(t, why, len, "no free 10.252.X.0/29 subnet");
	snprintf(net, sizeof(net), "10.252.%d", sub);
	snprintf(t->addr, sizeof(t->addr), "%s.2", net);
	snprintf(t->unreachable, sizeof(t->unreachable), "%s.5", net);
	snprintf(t->workdir, sizeof(t->workdir), "%s/remote", t->dir);
	if (mkdir(t->workdir, 0700) < 0)
		return setup_failed(t, why, len, "mkdir of the remote's work directory");
	/* keys: the server's, the client's, another for the wrong known_hosts */
	for (i = 0; i < 3; i++) {
		static const char *const names[] = { "host_key", "client_key", "other_key" };
		const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keyfile,
				       NULL };

		snprintf(keyfile, sizeof(keyfile), "%s/%s", t->dir, names[i]);
		if (run(argv) != 0)
			return setup_failed(t, why, len, "ssh-keygen failed");
	}
	snprintf(t->key, sizeof(t->key), "%s/client_key", t->dir);
	snprintf(hostpub, sizeof(hostpub), "%s/host_key.pub", t->dir);
	pub = slurp(hostpub);
	snprintf(path, sizeof(path), "%s/client_key.pub", t->dir);
	cpub = slurp(path);
	snprintf(path, sizeof(path), "%s/other_key.pub", t->dir);
	other = slurp(path);
	if (!pub || !cpub || !other) {
		free(pub);
		free(cpub);
		free(other);
		return setup_failed(t, why, len, "the keys were not written");
	}
	put(t, "authorized_keys", cpub, path, sizeof(path));
	chmod(path, 0600);
	s = malloc(strlen(pub) + strlen(other) + 64);
	ck_assert_ptr_nonnull(s);
	sprintf(s, "%s %s", t->addr, pub);
	put(t, "known_hosts", s, t->known, sizeof(t->known));
	sprintf(s, "%s %s", t->addr, other);
	put(t, "wrong_known_hosts", s, t->wrong, sizeof(t->wrong));
	free(s);
	snprintf(pidfile, sizeof(pidfile), "%s/sshd.pid", t->dir);
	snprintf(cfg, sizeof(cfg),
		 "ListenAddress %s:22\nHostKey %s/host_key\nPidFile %s\n"
		 "AuthorizedKeysFile %s/authorized_keys\nPermitRootLogin prohibit-password\n"
		 "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
		 "StrictModes no\nX11Forwarding no\nAllowTcpForwarding no\nPrintMotd no\n",
		 t->addr, t->dir, pidfile, t->dir);
	put(t, "sshd_config", cfg, path, sizeof(path));
	/* the remotes file: the good machine, one with a wrong key, one nobody answers */
	snprintf(cfg, sizeof(cfg),
		 "[lab]\naddress = %s\nkey = %s\nknown_hosts = %s\nworkdir = %s\n"
		 "product = OpenSSH in a network namespace\nversion = test\ntype = type-2\n"
		 "acceleration = hardware\nvcpus = 1\nmemory = 1G\n\n"
		 "[badkey]\naddress = %s\nkey = %s\nknown_hosts = %s\nworkdir = %s\ntype = type-1\n\n"
		 "[nowhere]\naddress = %s\nkey = %s\nknown_hosts = %s\nworkdir = %s\ntype = type-1\n",
		 t->addr, t->key, t->known, t->workdir, t->addr, t->key, t->wrong, t->workdir,
		 t->unreachable, t->key, t->known, t->workdir);
	put(t, "remotes.ini", cfg, t->remotes, sizeof(t->remotes));
	free(pub);
	free(cpub);
	free(other);
	/* the namespace and the pair */
	{
		const char *add[] = { "ip", "netns", "add", t->ns, NULL };
		const char *pair[] = { "ip", "link", "add", t->link, "type", "veth", "peer", "name",
				       peer, NULL };
		const char *move[] = { "ip", "link", "set", peer, "netns", t->ns, NULL };
		const char *hostaddr[] = { "ip", "addr", "add", cidr, "dev", t->link, NULL };
		const char *hostup[] = { "ip", "link", "set", t->link, "up", NULL };
		const char *nsaddr[] = { "ip", "-n", t->ns, "addr", "add", path, "dev", peer, NULL };
		const char *nsup[] = { "ip", "-n", t->ns, "link", "set", peer, "up", NULL };
		const char *lo[] = { "ip", "-n", t->ns, "link", "set", "lo", "up", NULL };

		snprintf(cidr, sizeof(cidr), "%s.1/29", net);
		snprintf(path, sizeof(path), "%s/29", t->addr);
		if (run(add) != 0)
			return setup_failed(t, why, len, "ip netns add failed");
		t->have_ns = 1;
		if (run(pair) != 0)
			return setup_failed(t, why, len, "ip link add (veth) failed");
		t->have_link = 1;
		if (run(move) || run(hostaddr) || run(hostup) || run(nsaddr) || run(nsup) || run(lo))
			return setup_failed(t, why, len, "setting up the veth pair failed");
	}
	/* sshd's privilege separation directory: the one its service would
	 * make; made if missing and left (another sshd may need it meanwhile) */
	if (access("/run/sshd", F_OK) < 0 && mkdir("/run/sshd", 0755) < 0)
		return setup_failed(t, why, len, "mkdir /run/sshd");
	{
		char cfgpath[PATH_MAX], log[PATH_MAX];
		const char *start[] = { "ip", "netns", "exec", t->ns, SSHD, "-f", cfgpath, "-E", log,
					NULL };

		snprintf(cfgpath, sizeof(cfgpath), "%s/sshd_config", t->dir);
		snprintf(log, sizeof(log), "%s/sshd.log", t->dir);
		rc = run(start);
		if (rc != 0)
			return setup_failed(t, why, len, "sshd exited non-zero (see its log)");
	}
	for (i = 0; i < 100 && !t->sshd; i++) {
		s = slurp(pidfile);
		if (s)
			t->sshd = (pid_t)atoi(s);
		free(s);
		if (!t->sshd)
			usleep(50000);
	}
	if (t->sshd <= 0)
		return setup_failed(t, why, len, "sshd wrote no pid file");
	return 0;
}

int vb_testssh_drop_sessions(vb_testssh_t *t)
{
	struct dirent *de;
	vb_pid_stat_t st;
	DIR *d = opendir("/proc");
	int n = 0;
	pid_t pid;

	while (d && (de = readdir(d)) != NULL) {
		pid = (pid_t)atoi(de->d_name);
		if (pid > 0 && vb_pid_stat(pid, &st) == 0 && st.ppid == t->sshd &&
		    kill(pid, SIGKILL) == 0)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

int vb_testssh_left(const vb_testssh_t *t)
{
	return vb_test_entries(t->workdir);
}

/* SIGKILL every process in the namespace (`ip netns pids`). */
static void kill_in_ns(const vb_testssh_t *t)
{
	char path[PATH_MAX], out[8192], *p, *end;
	char *argv[] = { path, "netns", "pids", (char *)t->ns, NULL };
	vb_proc_opts_t o = { .timeout_ms = 10000 };
	long pid;

	if (vb_proc_which("ip", path, sizeof(path)) < 0 ||
	    vb_proc_capture(argv, &o, out, sizeof(out), NULL, 0, NULL) != 0)
		return;
	for (p = out; *p; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 1)
			kill((pid_t)pid, SIGKILL);
	}
}

void vb_testssh_stop(vb_testssh_t *t)
{
	const char *del[] = { "ip", "netns", "delete", t->ns, NULL };
	const char *link[] = { "ip", "link", "delete", t->link, NULL };
	int i;

	if (!t->up)
		return;
	if (t->sshd > 0) {
		vb_testssh_drop_sessions(t);
		kill(t->sshd, SIGTERM);
		for (i = 0; i < 100 && kill(t->sshd, 0) == 0; i++)
			usleep(20000);
		kill(t->sshd, SIGKILL);
	}
	if (t->have_ns)
		kill_in_ns(t); /* sessions' children, an agent still running there */
	if (t->have_link)
		run(link); /* also the peer, with it */
	if (t->have_ns)
		run(del);
	if (t->dir[0])
		vb_rm_rf(t->dir);
	t->up = 0;
}
