/*
 * check_container.c - the root filesystem assembler and the `container`
 * environment (vbench's own runtime).
 *
 * Unit tests: the agent's libraries are resolved exactly as the dynamic
 * loader resolves them (compared with ldd), the assembled tree holds the
 * agent, its interpreter and libraries and nothing else, and the agent runs
 * in it (chroot, as root); hand-made ELF files check RUNPATH/$ORIGIN, a
 * missing library, and that malformed or non-ELF files fail cleanly.
 *
 * Integration: the real `vbench run --env bare,container` validates, every
 * container repetition is ok, the agent's view from inside shows the
 * isolation (small PID, own host name, loopback only, the memory limit, no
 * capabilities beyond the kept ones, no_new_privs, read-only root), and
 * nothing is left behind (cgroups, rootfs and scratch directories, mounts,
 * processes), also after a SIGINT part-way.  Skipped with the reason when
 * this host does not permit namespaces or vbench is not root.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/env/env.h"
#include "harness/core/options.h"
#include "harness/image/rootfs.h"
#include "lib/util.h"
#include "tests/tests.h"
#include "tests/testutil.h"

static char tmpdir[PATH_MAX], agent[PATH_MAX], vbench[PATH_MAX];

/* Unchecked fixture (runner process): one private directory per case. */
static void setup(void)
{
	snprintf(agent, sizeof(agent), "%s/workloads/vbench-agent", vb_test_srcdir());
	snprintf(vbench, sizeof(vbench), "%s/bench/vbench", vb_test_srcdir());
	vb_test_mkdtemp(tmpdir, sizeof(tmpdir), "ctest");
}

static void teardown(void)
{
	vb_test_rmdtemp(tmpdir);
}

/* ---- helpers -------------------------------------------------------------- */

static const vb_lib_t *find_lib(const vb_rootfs_t *rf, const char *prefix)
{
	size_t i;

	for (i = 0; i < rf->nlibs; i++)
		if (!strncmp(rf->libs[i].name, prefix, strlen(prefix)))
			return &rf->libs[i];
	return NULL;
}

static int is_file(const char *dir, const char *path)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", dir, path);
	return lstat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *dir, const char *path)
{
	char p[PATH_MAX * 2];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", dir, path);
	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Count regular files under @dir. */
static size_t count_files(const char *dir)
{
	char p[PATH_MAX];
	struct dirent *de;
	struct stat st;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st) < 0)
			continue;
		n += S_ISDIR(st.st_mode) ? count_files(p) : S_ISREG(st.st_mode);
	}
	closedir(d);
	return n;
}

/*
 * Write a minimal ELF64 shared object: one PT_LOAD covering the file and a
 * PT_DYNAMIC with the given DT_NEEDED names and optional RUNPATH/RPATH.
 */
static void write_elf(const char *path, unsigned machine, const char *const *needed, size_t n,
		      const char *runpath, const char *rpath)
{
	const uint64_t base = 0x400000;
	unsigned char buf[4096];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	Elf64_Dyn *dyn = (Elf64_Dyn *)(buf + sizeof(*eh) + 2 * sizeof(*ph));
	size_t nd = n + 5, stroff = sizeof(*eh) + 2 * sizeof(*ph) + nd * sizeof(*dyn), s = 1, i, k = 0;
	char *str = (char *)buf + stroff;

	memset(buf, 0, sizeof(buf));
	str[0] = '\0';
	for (i = 0; i < n; i++) {
		dyn[k].d_tag = DT_NEEDED;
		dyn[k++].d_un.d_val = s;
		s += (size_t)sprintf(str + s, "%s", needed[i]) + 1;
	}
	if (runpath) {
		dyn[k].d_tag = DT_RUNPATH;
		dyn[k++].d_un.d_val = s;
		s += (size_t)sprintf(str + s, "%s", runpath) + 1;
	}
	if (rpath) {
		dyn[k].d_tag = DT_RPATH;
		dyn[k++].d_un.d_val = s;
		s += (size_t)sprintf(str + s, "%s", rpath) + 1;
	}
	dyn[k].d_tag = DT_STRTAB;
	dyn[k++].d_un.d_ptr = base + stroff;
	dyn[k].d_tag = DT_STRSZ;
	dyn[k++].d_un.d_val = s;
	dyn[k].d_tag = DT_NULL;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_DYN;
	eh->e_machine = (Elf64_Half)machine;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_LOAD;
	ph[0].p_vaddr = base;
	ph[0].p_filesz = ph[0].p_memsz = stroff + s;
	ph[1].p_type = PT_DYNAMIC;
	ph[1].p_offset = sizeof(*eh) + 2 * sizeof(*ph);
	ph[1].p_vaddr = base + ph[1].p_offset;
	ph[1].p_filesz = ph[1].p_memsz = nd * sizeof(*dyn);
	ck_assert_int_eq(vb_write_file(path, (const char *)buf, stroff + s, NULL), 0);
}

/* ---- ELF and library resolution ------------------------------------------- */

START_TEST(test_resolve_agent)
{
	static const char *const want[] = { "libc.so.6", "libpapi.so", "libjansson.so",
					    "libcpuid.so", "libpfm.so" };
	static char out[1 << 14];
	char *ldd[] = { "/usr/bin/ldd", agent, NULL }, *line, *save, name[256];
	vb_rootfs_t *rf = calloc(1, sizeof(*rf));
	const vb_lib_t *papi, *pfm;
	vb_error_t err;
	size_t i, n = 0;

	ck_assert_ptr_nonnull(rf);
	ck_assert_msg(vb_rootfs_resolve(rf, agent, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(rf->interp, "/lib64/ld-linux-x86-64.so.2");
	ck_assert(rf->program[0] == '/');
	for (i = 0; i < VB_ARRAY_SIZE(want); i++)
		ck_assert_msg(find_lib(rf, want[i]), "%s not resolved", want[i]);
	/* libpfm is not needed by the agent itself but by libpapi. */
	papi = find_lib(rf, "libpapi.so");
	pfm = find_lib(rf, "libpfm.so");
	ck_assert_int_ge(pfm->needed_by, 0);
	ck_assert_str_eq(rf->libs[pfm->needed_by].path, papi->path);
	for (i = 0; i < rf->nlibs; i++)
		ck_assert_msg(rf->libs[i].path[0] == '/' && access(rf->libs[i].path, R_OK) == 0,
			      "bad path %s", rf->libs[i].path);
	/* Exactly what the loader loads: the same names as ldd's "=>" lines. */
	if (access(ldd[0], X_OK) == 0 && vb_test_run(ldd, NULL, out, sizeof(out), NULL) == 0) {
		for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (!strstr(line, "=>") || sscanf(line, " %255s", name) != 1)
				continue;
			ck_assert_msg(find_lib(rf, name), "ldd loads %s, the resolver does not", name);
			n++;
		}
		ck_assert_uint_eq(n, rf->nlibs);
	}
	free(rf);
}
END_TEST

/* Run @prog @arg chrooted into @dir (root only), its output discarded: its
 * wait status, 0 when it exited 0. */
static int run_in_tree(const char *dir, const char *prog, const char *arg)
{
	int status, fd;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		if (chroot(dir) < 0 || chdir("/") < 0)
			_exit(120);
		execv(prog, (char *[]){ (char *)prog, (char *)arg, NULL });
		_exit(121);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

START_TEST(test_build_tree)
{
	const char *mounts[] = { "/var/tmp/vbench-ctest-scratch/x/../data" };
	vb_rootfs_t *rf = calloc(1, sizeof(*rf));
	char dir[PATH_MAX];
	vb_error_t err;
	struct stat st;
	int status;
	json_t *j;
	size_t i;

	ck_assert_ptr_nonnull(rf);
	ck_assert(tmpdir[0]);
	ck_assert_msg(vb_rootfs_build(rf, agent, NULL, tmpdir, mounts, 1, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(rf->dir, "/vbench-rootfs-"));
	ck_assert_int_gt(rf->res, 0);
	ck_assert_int_eq(stat(rf->dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0755);
	ck_assert(is_file(rf->dir, rf->inside));
	ck_assert(!strncmp(rf->inside, VB_ROOTFS_BINDIR "/", strlen(VB_ROOTFS_BINDIR) + 1));
	ck_assert(is_file(rf->dir, rf->interp));
	for (i = 0; i < rf->nlibs; i++)
		ck_assert_msg(is_file(rf->dir, rf->libs[i].path), "%s missing", rf->libs[i].path);
	ck_assert(is_dir(rf->dir, "/proc") && is_dir(rf->dir, "/dev") && is_dir(rf->dir, "/tmp") &&
		  is_dir(rf->dir, "/sys"));
	ck_assert(is_dir(rf->dir, "/var/tmp/vbench-ctest-scratch/data"));
	ck_assert(is_dir(rf->dir, "/var/tmp/vbench-ctest-scratch/x")); /* for ".." inside */
	/* Nothing else: the program, its interpreter and its libraries, and
	 * the user and group files (nginx started as root looks up a user) */
	ck_assert(is_file(rf->dir, "/etc/passwd") && is_file(rf->dir, "/etc/group"));
	ck_assert_uint_eq(count_files(rf->dir), rf->nlibs + 2 + VB_ROOTFS_NTEXTS);
	ck_assert_uint_eq(rf->files, rf->nlibs + 2 + VB_ROOTFS_NTEXTS);
	j = vb_rootfs_to_json(rf);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "libraries")), rf->nlibs);
	json_decref(j);
	/* The agent runs in the tree (chroot needs root). */
	if (geteuid() == 0) {
		status = run_in_tree(rf->dir, rf->inside, "list");
		ck_assert_msg(status == 0, "agent in the tree: status 0x%x", status);
	} else {
		fprintf(stderr, "SKIP part of %s: chroot needs root\n", __func__);
	}
	snprintf(dir, sizeof(dir), "%s", rf->dir);
	vb_rootfs_destroy(rf);
	ck_assert_int_eq(rf->res, 0);
	ck_assert_int_lt(access(dir, F_OK), 0);
	vb_rootfs_destroy(rf); /* twice is fine */
	/* A mount point that would hide the agent is refused before anything
	 * is created; the agent's host path no longer matters inside. */
	mounts[0] = VB_ROOTFS_BINDIR;
	ck_assert_int_eq(vb_rootfs_build(rf, agent, NULL, tmpdir, mounts, 1, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "would hide"));
	mounts[0] = "/proc/foo";
	ck_assert_int_eq(vb_rootfs_build(rf, agent, NULL, tmpdir, mounts, 1, &err), -1);
	free(rf);
}
END_TEST

/* Another program beside the agent (a server it starts, issue #15's
 * applications): at VB_ROOTFS_BINDIR/<name>, its own libraries added once,
 * in the tree, the tar and the hash; a name taken twice refused. */
/* A program given by a link keeps the link's name inside (Debian's
 * redis-server is a link to redis-check-rdb, which acts on argv[0]: it
 * was copied as redis-check-rdb and never found). */
START_TEST(test_extra_program_link_name)
{
	vb_rootfs_t *rf = calloc(1, sizeof(*rf));
	char link[PATH_MAX];
	vb_error_t err;

	ck_assert_ptr_nonnull(rf);
	snprintf(link, sizeof(link), "%s/srv-name", tmpdir);
	ck_assert_int_eq(symlink("/bin/ls", link), 0);
	ck_assert_int_eq(vb_rootfs_resolve(rf, agent, &err), 0);
	ck_assert_msg(vb_rootfs_add_program(rf, link, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(rf->extra[0].inside, VB_ROOTFS_BINDIR "/srv-name");
	ck_assert_ptr_nonnull(strstr(rf->extra[0].program, "/ls"));
	unlink(link);
	free(rf);
}
END_TEST

START_TEST(test_extra_program)
{
	const char *mounts[] = { VB_ROOTFS_BINDIR "/ls" };
	vb_rootfs_t *rf = calloc(1, sizeof(*rf));
	uint64_t h0, h1;
	size_t nlibs, i, extra_libs = 0;
	vb_error_t err;
	int status;
	json_t *j;

	ck_assert_ptr_nonnull(rf);
	ck_assert_int_eq(vb_rootfs_resolve(rf, agent, &err), 0);
	ck_assert_int_eq(vb_rootfs_hash(rf, &h0, &err), 0);
	nlibs = rf->nlibs;
	ck_assert_msg(vb_rootfs_add_program(rf, "/bin/ls", &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(rf->nextra, 1);
	ck_assert_str_eq(rf->extra[0].inside, VB_ROOTFS_BINDIR "/ls");
	for (i = nlibs; i < rf->nlibs; i++) /* ls's own (libselinux on Debian), tagged */
		extra_libs += rf->libs[i].needed_by == VB_ROOTFS_NEEDED_BY_EXTRA(0);
	ck_assert_uint_ge(extra_libs, 1);
	for (i = nlibs; i < rf->nlibs; i++) /* libselinux asks for libpcre2 on Debian: named */
		if (strstr(rf->libs[i].path, "libpcre2-8") && i > 0) {
			ck_assert_int_ge(rf->libs[i].needed_by, 0);
			ck_assert_ptr_nonnull(strstr(rf->libs[rf->libs[i].needed_by].path, "libselinux"));
		}
	for (i = 0; i < rf->nlibs; i++) /* each library once */
		for (size_t k = i + 1; k < rf->nlibs; k++)
			ck_assert_str_ne(rf->libs[i].path, rf->libs[k].path);
	ck_assert_int_eq(vb_rootfs_hash(rf, &h1, &err), 0);
	ck_assert(h0 != h1);
	j = vb_rootfs_to_json(rf);
	ck_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(json_object_get(j, "programs"), 0), "inside")),
			 VB_ROOTFS_BINDIR "/ls");
	json_decref(j);
	/* the same name again, or the agent's, is refused */
	ck_assert_int_eq(vb_rootfs_add_program(rf, "/bin/ls", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is taken"));
	ck_assert_int_eq(vb_rootfs_add_program(rf, agent, &err), -1);
	/* a mount point hiding it is refused */
	ck_assert_int_eq(vb_rootfs_assemble(rf, tmpdir, mounts, 1, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "would hide " VB_ROOTFS_BINDIR "/ls"));
	ck_assert_msg(vb_rootfs_assemble(rf, tmpdir, NULL, 0, &err) == 0, "%s", err.msg);
	ck_assert(is_file(rf->dir, rf->extra[0].inside));
	ck_assert_uint_eq(count_files(rf->dir), rf->nlibs + 3 + VB_ROOTFS_NTEXTS);
	if (geteuid() == 0) { /* it runs in the tree with what was copied */
		status = run_in_tree(rf->dir, rf->extra[0].inside, "/");
		ck_assert_msg(status == 0, "ls in the tree: status 0x%x", status);
	}
	vb_rootfs_destroy(rf);
	free(rf);
}
END_TEST

/* RUNPATH with $ORIGIN, RPATH ignored next to RUNPATH, a missing library. */
START_TEST(test_resolve_crafted)
{
	const char *need1[] = { "libjansson.so.4" }, *need2[] = { "libvbench-missing.so.1" };
	vb_rootfs_t *rf = calloc(1, sizeof(*rf)), *host = calloc(1, sizeof(*host));
	char prog[PATH_MAX], lib[PATH_MAX], want[PATH_MAX];
	char *cp[] = { "/bin/cp", NULL, NULL, NULL };
	static char out[1024];
	const vb_lib_t *l, *hl;
	vb_error_t err;
	vb_elf_t elf;

	ck_assert_ptr_nonnull(rf);
	ck_assert_ptr_nonnull(host);
	ck_assert_int_eq(vb_rootfs_resolve(host, agent, &err), 0);
	ck_assert_int_eq(vb_elf_read(agent, &elf, &err), 0);
	hl = find_lib(host, "libjansson.so");
	/* A private copy of libjansson in $ORIGIN/../lib wins over the system's. */
	snprintf(lib, sizeof(lib), "%s/lib", tmpdir);
	ck_assert_int_eq(mkdir(lib, 0755), 0);
	snprintf(lib, sizeof(lib), "%s/lib/libjansson.so.4", tmpdir);
	cp[1] = (char *)hl->path;
	cp[2] = lib;
	ck_assert_int_eq(vb_test_run(cp, NULL, out, sizeof(out), NULL), 0);
	snprintf(prog, sizeof(prog), "%s/bin", tmpdir);
	ck_assert_int_eq(mkdir(prog, 0755), 0);
	snprintf(prog, sizeof(prog), "%s/bin/prog", tmpdir);
	write_elf(prog, elf.machine, need1, 1, "$ORIGIN/../lib", "/nonexistent");
	ck_assert_int_eq(vb_elf_read(prog, &elf, &err), 0);
	ck_assert(elf.has_runpath);
	ck_assert_str_eq(elf.runpath, "$ORIGIN/../lib");
	ck_assert_str_eq(elf.rpath, "/nonexistent");
	ck_assert_uint_eq(elf.nneeded, 1);
	ck_assert_msg(vb_rootfs_resolve(rf, prog, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(rf->interp, "");
	l = find_lib(rf, "libjansson.so.4");
	ck_assert_ptr_nonnull(l);
	snprintf(want, sizeof(want), "%s/lib/libjansson.so.4", tmpdir);
	ck_assert_str_eq(l->path, want);
	/* ... and its own needs come from the system; the private directory
	 * goes into the container's LD_LIBRARY_PATH. */
	ck_assert_ptr_nonnull(find_lib(rf, "libc.so.6"));
	snprintf(want, sizeof(want), "%s/lib", tmpdir);
	ck_assert_ptr_nonnull(strstr(rf->libpath, want));
	/* A library nobody has: refused, naming it and who needs it. */
	write_elf(prog, elf.machine, need2, 1, NULL, NULL);
	ck_assert_int_eq(vb_rootfs_resolve(rf, prog, &err), -1);
	ck_assert_int_eq(err.code, VB_EUNAVAIL);
	ck_assert_ptr_nonnull(strstr(err.msg, "libvbench-missing.so.1"));
	ck_assert_ptr_nonnull(strstr(err.msg, prog));
	/* A library of another machine is skipped like the loader does. */
	write_elf(lib, elf.machine + 1, need2, 0, NULL, NULL);
	write_elf(prog, elf.machine, need1, 1, "$ORIGIN/../lib", NULL);
	ck_assert_int_eq(vb_rootfs_resolve(rf, prog, &err), 0);
	ck_assert_str_eq(find_lib(rf, "libjansson.so.4")->path, hl->path);
	free(rf);
	free(host);
}
END_TEST

/* Anything that is not a well-formed ELF64 fails with a message, no crash. */
START_TEST(test_elf_bad_input)
{
	static const struct {
		const char *what;
		size_t keep; /* bytes of the agent kept, or 0 for @text */
		const char *text;
		int patch;   /* 1: class 32-bit, 2: phoff past the end, 3: big-endian */
		const char *expect;
	} cases[] = {
		{ "text", 0, "#!/bin/sh\necho not an ELF file at all\n", 0, "not an ELF file" },
		{ "empty", 0, "", 0, "not an ELF file" },
		{ "magic", 0, "\177EL", 0, "not an ELF file" },
		{ "short", 40, NULL, 0, "truncated ELF header" },
		{ "class32", 4096, NULL, 1, "not a 64-bit ELF" },
		{ "phoff", 4096, NULL, 2, "program headers outside the file" },
		{ "bigendian", 4096, NULL, 3, "not a little-endian" },
	};
	char path[PATH_MAX], *data;
	vb_rootfs_t *rf = calloc(1, sizeof(*rf));
	vb_error_t err;
	vb_elf_t elf;
	size_t i, len;

	ck_assert_ptr_nonnull(rf);
	for (i = 0; i < VB_ARRAY_SIZE(cases); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, cases[i].what);
		if (cases[i].keep) {
			data = vb_read_file(agent, 1 << 26, 0, &err);
			ck_assert_ptr_nonnull(data);
			len = cases[i].keep;
			if (cases[i].patch == 1)
				data[EI_CLASS] = ELFCLASS32;
			if (cases[i].patch == 2)
				((Elf64_Ehdr *)data)->e_phoff = 1ull << 40;
			if (cases[i].patch == 3)
				data[EI_DATA] = ELFDATA2MSB;
			ck_assert_int_eq(vb_write_file(path, data, len, NULL), 0);
			free(data);
		} else {
			ck_assert_int_eq(vb_write_file(path, cases[i].text, strlen(cases[i].text),
						       NULL),
					 0);
		}
		vb_error_clear(&err);
		ck_assert_int_eq(vb_elf_read(path, &elf, &err), -1);
		ck_assert_int_eq(err.code, VB_EUSAGE);
		ck_assert_msg(strstr(err.msg, cases[i].expect) && strstr(err.msg, path),
			      "case %s: %s", cases[i].what, err.msg);
		ck_assert_int_eq(vb_rootfs_resolve(rf, path, &err), -1);
	}
	ck_assert_int_eq(vb_elf_read("/nonexistent/vbench", &elf, &err), -1);
	ck_assert_int_eq(err.code, VB_ESYS);
	ck_assert_int_eq(vb_elf_read(tmpdir, &elf, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	free(rf);
}
END_TEST

/* ---- the environment, end to end ---------------------------------------- */

/* Why the container environment cannot run here, or NULL. */
static const char *cannot_run(char *why, size_t len)
{
	return vb_test_env_unavailable("container", why, len);
}

START_TEST(test_container_run)
{
	static char out[1 << 16];
	char dir[PATH_MAX], why[512];
	char *argv[] = { vbench, "run", "--env", "bare,container", "--workload",
			 "cpu.syscall,mem.stream,io.randread", "--profile", "test", "--out", dir,
			 NULL };
	json_t *doc, *ct, *bare, *in, *ifs, *r, *cfg;
	unsigned long long ct_caps, bare_caps;
	const char *s;
	size_t i, n = 0;
	pid_t pid;
	int rc;

	if (cannot_run(why, sizeof(why)))
		VB_SKIP("container environment unavailable: %s", why);
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	rc = vb_test_run(argv, NULL, out, sizeof(out), &pid);
	ck_assert_msg(rc == 0, "vbench run exited %d:\n%s", rc, out);
	doc = vb_test_load_run(dir, 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "complete");
	ct = vb_test_env_rec(doc, "container");
	bare = vb_test_env_rec(doc, "bare");
	ck_assert_ptr_nonnull(ct);
	ck_assert_msg(json_is_true(json_object_get(ct, "available")), "container: %s",
		      json_string_value(json_object_get(ct, "reason")));
	json_array_foreach(json_object_get(doc, "repetitions"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "env")), "container"))
			continue;
		ck_assert_msg(json_is_true(json_object_get(r, "ok")), "container rep: %s",
			      json_string_value(json_object_get(r, "error")));
		n++;
	}
	ck_assert_uint_eq(n, 3 * 2);
	/* The view from inside. */
	in = json_object_get(json_object_get(ct, "agent"), "inside");
	ck_assert_ptr_nonnull(in);
	ck_assert_int_le(json_integer_value(json_object_get(in, "pid")), 2);
	ck_assert_int_ge(json_integer_value(json_object_get(in, "pid")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(in, "hostname")), "vbench-container");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ct, "agent"), "hostname")),
			 "vbench-container");
	ifs = json_object_get(in, "interfaces");
	ck_assert_uint_eq(json_array_size(ifs), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ifs, 0), "name")), "lo");
	cfg = json_object_get(ct, "config");
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_object_get(in, "cgroup"), "memory_limit_bytes")),
			 json_integer_value(json_object_get(json_object_get(cfg, "limits"),
							    "memory_bytes")));
	ck_assert(json_is_true(json_object_get(in, "no_new_privs")));
	ck_assert(json_is_true(json_object_get(in, "root_readonly")));
	/* Fewer capabilities than the bare-metal agent: a strict subset. */
	s = json_string_value(json_object_get(in, "capabilities_effective"));
	ck_assert_ptr_nonnull(s);
	ct_caps = strtoull(s, NULL, 16);
	s = json_string_value(json_object_get(
		json_object_get(json_object_get(bare, "agent"), "inside"), "capabilities_effective"));
	ck_assert_ptr_nonnull(s);
	bare_caps = strtoull(s, NULL, 16);
	ck_assert_msg((ct_caps & ~bare_caps) == 0 && ct_caps != bare_caps,
		      "container capabilities %llx, bare %llx", ct_caps, bare_caps);
	/* What was built and how long it took. */
	ck_assert_uint_ge(json_array_size(json_object_get(json_object_get(cfg, "rootfs"),
							  "libraries")),
			  5);
	ck_assert_int_gt(json_integer_value(json_object_get(ct, "start_latency_ns")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(ct, "stop_latency_ns")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(ct, "memory_idle"),
							    "pss_bytes")),
			 0);
	fprintf(stderr,
		"container: start latency %.1f ms (bare %.1f ms), stop latency %.1f ms (bare %.1f "
		"ms)\n",
		(double)json_integer_value(json_object_get(ct, "start_latency_ns")) / 1e6,
		(double)json_integer_value(json_object_get(bare, "start_latency_ns")) / 1e6,
		(double)json_integer_value(json_object_get(ct, "stop_latency_ns")) / 1e6,
		(double)json_integer_value(json_object_get(bare, "stop_latency_ns")) / 1e6);
	json_decref(doc);
	VB_ASSERT_NO_DEBRIS(pid, out);
}
END_TEST

START_TEST(test_container_sigint)
{
	char dir[PATH_MAX], why[512], reps[8] = "50";
	char *argv[] = { vbench, "run", "--env", "container", "--workload", "cpu.syscall",
			 "--profile", "test", "--reps", reps, "--quiet", "--out", dir, NULL };
	pid_t pid;

	if (cannot_run(why, sizeof(why)))
		VB_SKIP("container environment unavailable: %s", why);
	snprintf(dir, sizeof(dir), "%s/run-int", tmpdir);
	pid = vb_test_spawn(argv, NULL);
	json_decref(vb_test_sigint_run(pid, dir, 3, 50, 1));
	VB_ASSERT_NO_DEBRIS(pid, NULL);
}
END_TEST

Suite *vb_suite_container(void)
{
	Suite *s = suite_create("container");
	TCase *unit = tcase_create("rootfs"), *itest = tcase_create("environment");

	tcase_add_unchecked_fixture(unit, setup, teardown);
	tcase_set_timeout(unit, 300);
	tcase_add_test(unit, test_resolve_agent);
	tcase_add_test(unit, test_build_tree);
	tcase_add_test(unit, test_extra_program);
	tcase_add_test(unit, test_extra_program_link_name);
	tcase_add_test(unit, test_resolve_crafted);
	tcase_add_test(unit, test_elf_bad_input);
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(itest, setup, teardown);
	tcase_set_timeout(itest, 300);
	tcase_add_test(itest, test_container_run);
	tcase_add_test(itest, test_container_sigint);
	suite_add_tcase(s, itest);
	return s;
}
