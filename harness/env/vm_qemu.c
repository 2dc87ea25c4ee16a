/*
 * qemu.c - build the QEMU argument vector of a vbench VM, and describe it.
 *
 * Everything the hosted and kvm environments tell QEMU is decided here, as
 * data, so the exact device set is testable without booting anything and is
 * recorded in run.json next to the results.  See qemu.h for the device
 * choices and what was checked against QEMU 7.2.
 */
#include "harness/env/vm_qemu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

/* ---- argument vectors ------------------------------------------------------ */

void vb_argv_init(vb_argv_t *a)
{
	a->v = NULL;
	a->n = 0;
	a->cap = 0;
}

/* Take ownership of @s (NULL means allocation failed). */
static int argv_push(vb_argv_t *a, char *s, vb_error_t *err)
{
	if (!s)
		return vb_error_set(err, VB_ESYS, ENOMEM, "qemu argv");
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, cap * sizeof(*v));
		if (!v) {
			free(s);
			return vb_error_set(err, VB_ESYS, ENOMEM, "qemu argv");
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return 0;
}

int vb_argv_add(vb_argv_t *a, const char *s, vb_error_t *err)
{
	return argv_push(a, strdup(s), err);
}

int vb_argv_addf(vb_argv_t *a, vb_error_t *err, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	return argv_push(a, rc < 0 ? NULL : s, err);
}

void vb_argv_free(vb_argv_t *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	vb_argv_init(a);
}

int vb_argv_find(const vb_argv_t *a, const char *s)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], s) == 0)
			return (int)i;
	return -1;
}

static int shell_safe(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "_/.,:=@%+-",
			    *s))
			return 0;
	return 1;
}

char *vb_argv_format(const vb_argv_t *a)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; i < a->n; i++)
		len += strlen(a->v[i]) * 4 + 3;
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	for (size_t i = 0; i < a->n; i++) {
		const char *s = a->v[i];
		if (i)
			*p++ = ' ';
		if (shell_safe(s)) {
			size_t l = strlen(s);
			memcpy(p, s, l);
			p += l;
			continue;
		}
		*p++ = '\'';
		for (; *s; s++) {
			if (*s == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *s;
			}
		}
		*p++ = '\'';
	}
	*p = '\0';
	return out;
}

/* ---- configuration ----------------------------------------------------------- */

/* The configuration with defaults filled in and every field checked. */
typedef struct resolved {
	const char *binary, *name, *accel, *machine, *cpu, *aio;
	const char *initrd, *append, *disk, *chan, *console;
	char disk_file[32]; /* "/proc/self/fd/N" for c->disk_fd, else "" */
	int microvm;	    /* virtio-mmio transports instead of PCI */
	int kvm;
} resolved_t;

static const char *or_default(const char *s, const char *def)
{
	return s && *s ? s : def;
}

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

static int one_of(const char *s, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(s, *allowed) == 0)
			return 1;
	return 0;
}

/* Fill @err for bad input and give -1 (a literal the analyzer can see). */
#define VB_QEMU_USAGE(...) (vb_error_set(err, VB_EUSAGE, 0, "qemu: " __VA_ARGS__), -1)

static int resolve(const vb_qemu_cfg_t *c, resolved_t *r, vb_error_t *err)
{
	static const char *const accels[] = {"tcg", "kvm", NULL};
	static const char *const machines[] = {"microvm", "q35", "pc", NULL};
	static const char *const aios[] = {"native", "io_uring", "threads", NULL};
	const size_t sun_max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;

	memset(r, 0, sizeof(*r));
	if (!c)
		return VB_QEMU_USAGE("no configuration");
	r->binary = or_default(c->binary, VB_QEMU_DEFAULT_BINARY);
	r->name = or_default(c->name, "vbench");
	r->accel = or_default(c->accel, "tcg");
	r->machine = or_default(c->machine, "microvm");
	r->aio = or_default(c->aio, "native");
	if (!one_of(r->accel, accels))
		return VB_QEMU_USAGE("accel '%s' is not tcg or kvm", r->accel);
	if (!one_of(r->machine, machines))
		return VB_QEMU_USAGE("machine '%s' is not microvm, q35 or pc", r->machine);
	if (!one_of(r->aio, aios))
		return VB_QEMU_USAGE("aio '%s' is not native, io_uring or threads", r->aio);
	r->kvm = strcmp(r->accel, "kvm") == 0;
	r->microvm = strcmp(r->machine, "microvm") == 0;
	r->cpu = or_default(c->cpu, r->kvm ? "host" : "qemu64");
	if (c->vcpus < 1 || c->vcpus > VB_QEMU_MAX_VCPUS)
		return VB_QEMU_USAGE("vcpus must be 1..%d (got %u)", VB_QEMU_MAX_VCPUS, c->vcpus);
	if (c->memory < VB_QEMU_MIN_MEMORY || c->memory % (1ULL << 20) || c->memory > (1ULL << 40))
		return VB_QEMU_USAGE("memory must be a whole number of MiB from 16 MiB to 1 TiB "
				     "(got %llu bytes)",
				     (unsigned long long)c->memory);
	if (!c->kernel || !*c->kernel)
		return VB_QEMU_USAGE("kernel path is required");
	r->initrd = or_null(c->initrd);
	r->append = or_null(c->append);
	r->disk = or_null(c->disk);
	if (c->disk_fd > 2) { /* inherited: QEMU opens the file vbench made, not a path */
		snprintf(r->disk_file, sizeof(r->disk_file), "/proc/self/fd/%d", c->disk_fd);
		r->disk = r->disk ? r->disk : r->disk_file;
	}
	r->chan = or_null(c->chan_path);
	r->console = or_null(c->console_log);
	if (c->qmp_path && strlen(c->qmp_path) > sun_max)
		return VB_QEMU_USAGE("qmp_path '%s' is too long for a unix socket (max %zu)",
				     c->qmp_path, sun_max);
	if (c->incoming && strncmp(c->incoming, "unix:", 5) && strncmp(c->incoming, "fd:", 3))
		return VB_QEMU_USAGE("incoming '%s' is not unix:PATH or fd:N", c->incoming);
	if (r->chan && strlen(r->chan) > sun_max)
		return VB_QEMU_USAGE("chan_path '%s' is too long for a unix socket (max %zu)",
				     r->chan, sun_max);
	return 0;
}
#undef VB_QEMU_USAGE

/* ---- the vector ----------------------------------------------------------------- */

/* @value with every ',' doubled, as QEMU's key=value parser wants. */
static char *escape_commas(const char *value)
{
	size_t n = strlen(value), commas = 0;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		commas += value[i] == ',';
	out = malloc(n + commas + 1);
	if (!out)
		return NULL;
	p = out;
	for (size_t i = 0; i < n; i++) {
		*p++ = value[i];
		if (value[i] == ',')
			*p++ = ',';
	}
	*p = '\0';
	return out;
}

/* Append "@pre" + escaped @value + "@post" as one argument. */
static int add_kv(vb_argv_t *a, const char *pre, const char *value, const char *post,
		  vb_error_t *err)
{
	char *e = escape_commas(value);
	int rc;

	if (!e)
		return vb_error_set(err, VB_ESYS, ENOMEM, "qemu argv");
	rc = vb_argv_addf(a, err, "%s%s%s", pre, e, post);
	free(e);
	return rc;
}

static int add_pair(vb_argv_t *a, const char *opt, const char *val, vb_error_t *err)
{
	return vb_argv_add(a, opt, err) < 0 || vb_argv_add(a, val, err) < 0 ? -1 : 0;
}

/* "-device MODEL" with the transport this machine uses (-mmio or -pci). */
static int add_virtio(vb_argv_t *a, const resolved_t *r, const char *kind, const char *opts,
		      vb_error_t *err)
{
	if (vb_argv_add(a, "-device", err) < 0)
		return -1;
	return vb_argv_addf(a, err, "virtio-%s-%s%s%s", kind, r->microvm ? "device" : "pci",
			    opts[0] ? "," : "", opts);
}

static int add_machine(vb_argv_t *a, const vb_qemu_cfg_t *c, const resolved_t *r, vb_error_t *err)
{
	if (vb_argv_add(a, "-name", err) < 0 ||
	    add_kv(a, "", r->name, ",debug-threads=on", err) < 0)
		return -1;
	for (const char *const *f =
		 (const char *const[]){"-nodefaults", "-no-user-config", "-nographic", "-display",
				       "none", "-no-reboot", NULL};
	     *f; f++)
		if (vb_argv_add(a, *f, err) < 0)
			return -1;
	if (add_pair(a, "-M",
		     r->microvm ? "microvm,x-option-roms=off,isa-serial=on,rtc=on" : r->machine,
		     err) < 0 ||
	    add_pair(a, "-accel", r->kvm ? "kvm" : "tcg,thread=multi", err) < 0 ||
	    vb_argv_add(a, "-cpu", err) < 0 || add_kv(a, "", r->cpu, "", err) < 0 ||
	    vb_argv_add(a, "-smp", err) < 0 || vb_argv_addf(a, err, "%u", c->vcpus) < 0 ||
	    vb_argv_add(a, "-m", err) < 0 ||
	    vb_argv_addf(a, err, "%lluM", (unsigned long long)(c->memory >> 20)) < 0)
		return -1;
	return 0;
}

static int add_boot(vb_argv_t *a, const vb_qemu_cfg_t *c, const resolved_t *r, vb_error_t *err)
{
	char tsc[48] = "";

	if (add_pair(a, "-kernel", c->kernel, err) < 0)
		return -1;
	if (r->initrd && add_pair(a, "-initrd", r->initrd, err) < 0)
		return -1;
	if (vb_argv_add(a, "-append", err) < 0)
		return -1;
	if (c->tsc_khz)
		snprintf(tsc, sizeof(tsc), " tsc_early_khz=%llu", (unsigned long long)c->tsc_khz);
	return vb_argv_addf(a, err, "console=ttyS0 panic=-1 quiet%s%s%s%s%s%s%s", tsc,
			    r->chan ? " vbench.port=" VB_QEMU_PORT_NAME : "",
			    r->disk ? " vbench.scratch=" VB_QEMU_GUEST_DISK : "",
			    c->net && (c->fwd_host || c->tap_fd > 2) ? " vbench.net=" : "",
			    !c->net                      ? ""
			    : c->tap_fd > 2 && c->guest_net ? c->guest_net
			    : c->fwd_host                ? VB_QEMU_GUEST_NET
							 : "",
			    r->append ? " " : "", r->append ? r->append : "");
}

static int add_devices(vb_argv_t *a, const vb_qemu_cfg_t *c, const resolved_t *r,
		       vb_error_t *err)
{
	if (r->disk) {
		char opts[96];
		snprintf(opts, sizeof(opts), ",if=none,id=scratch,format=raw,cache=none,aio=%s",
			 r->aio);
		if (vb_argv_add(a, "-drive", err) < 0 ||
		    add_kv(a, "file=", r->disk_file[0] ? r->disk_file : r->disk, opts, err) < 0 ||
		    add_virtio(a, r, "blk", "drive=scratch", err) < 0)
			return -1;
	}
	if (r->chan) {
		if (vb_argv_add(a, "-chardev", err) < 0 ||
		    add_kv(a, "socket,id=vbchan,path=", r->chan, "", err) < 0 ||
		    add_virtio(a, r, "serial", "", err) < 0 ||
		    add_pair(a, "-device", "virtserialport,chardev=vbchan,name=" VB_QEMU_PORT_NAME,
			     err) < 0)
			return -1;
	}
	if (c->qmp_path) {
		if (vb_argv_add(a, "-chardev", err) < 0 ||
		    add_kv(a, "socket,id=qmp,path=", c->qmp_path, "", err) < 0 ||
		    add_pair(a, "-mon", "chardev=qmp,mode=control", err) < 0)
			return -1;
	}
	if (c->rng) {
		if (add_pair(a, "-object", "rng-random,id=rng0,filename=/dev/urandom", err) < 0 ||
		    add_virtio(a, r, "rng", "rng=rng0", err) < 0)
			return -1;
	}
	if (c->console_fd > 2) { /* an inherited descriptor: QEMU opens no path */
		if (vb_argv_add(a, "-add-fd", err) < 0 ||
		    vb_argv_addf(a, err, "fd=%d,set=%d", c->console_fd, VB_QEMU_CONSOLE_FDSET) < 0 ||
		    vb_argv_add(a, "-chardev", err) < 0 ||
		    vb_argv_addf(a, err, "file,id=con,path=/dev/fdset/%d", VB_QEMU_CONSOLE_FDSET) < 0 ||
		    add_pair(a, "-serial", "chardev:con", err) < 0)
			return -1;
	} else if (r->console) {
		if (vb_argv_add(a, "-chardev", err) < 0 ||
		    add_kv(a, "file,id=con,path=", r->console, "", err) < 0 ||
		    add_pair(a, "-serial", "chardev:con", err) < 0)
			return -1;
	} else if (add_pair(a, "-serial", "null", err) < 0) {
		return -1;
	}
	return 0;
}

static int add_net(vb_argv_t *a, const vb_qemu_cfg_t *c, const resolved_t *r, vb_error_t *err)
{
	if (!c->net)
		return add_pair(a, "-net", "none", err);
	if (c->tap_fd > 2) {
		if (vb_argv_add(a, "-netdev", err) < 0 ||
		    vb_argv_addf(a, err, "tap,id=net0,fd=%d,vhost=%s", c->tap_fd,
				 c->vhost ? "on" : "off") < 0)
			return -1;
	} else if (c->fwd_host && c->fwd_host <= 65535 && c->fwd_guest && c->fwd_guest <= 65535) {
		if (vb_argv_add(a, "-netdev", err) < 0 ||
		    vb_argv_addf(a, err, "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:%u-%s:%u",
				 c->fwd_host, VB_QEMU_GUEST_ADDR, c->fwd_guest) < 0)
			return -1;
	} else if (add_pair(a, "-netdev", "user,id=net0", err) < 0)
		return -1;
	return add_virtio(a, r, "net", r->microvm ? "netdev=net0" : "netdev=net0,romfile=", err);
}

int vb_qemu_argv(const vb_qemu_cfg_t *c, vb_argv_t *out, vb_error_t *err)
{
	resolved_t r;

	vb_argv_init(out);
	if (resolve(c, &r, err) < 0)
		return -1;
	if (vb_argv_add(out, r.binary, err) < 0 || add_machine(out, c, &r, err) < 0 ||
	    add_boot(out, c, &r, err) < 0 || add_devices(out, c, &r, err) < 0 ||
	    add_net(out, c, &r, err) < 0)
		return -1;
	if (c->incoming && add_pair(out, "-incoming", c->incoming, err) < 0)
		return -1;
	return 0;
}

/* ---- description --------------------------------------------------------------- */

static json_t *device(const char *role, const char *model, const char *transport, const char *guest)
{
	json_t *d = json_object();
	json_object_set_new(d, "role", json_string(role));
	json_object_set_new(d, "model", json_string(model));
	json_object_set_new(d, "transport", json_string(transport));
	json_object_set_new(d, "guest", json_string(guest));
	return d;
}

static json_t *devices(const vb_qemu_cfg_t *c, const resolved_t *r)
{
	json_t *list = json_array();
	const char *tr = r->microvm ? "virtio-mmio" : "virtio-pci";
	char opts[96];

	if (r->disk) {
		json_t *d =
		    device("scratch disk", r->microvm ? "virtio-blk-device" : "virtio-blk-pci", tr,
			   VB_QEMU_GUEST_DISK);
		snprintf(opts, sizeof(opts), "format=raw,cache=none,aio=%s", r->aio);
		json_object_set_new(d, "options", json_string(opts));
		json_object_set_new(d, "image", json_string(r->disk));
		json_array_append_new(list, d);
	}
	if (r->chan) {
		json_t *d = device("agent channel", "virtserialport", tr,
				   "/dev/virtio-ports/" VB_QEMU_PORT_NAME);
		json_object_set_new(
		    d, "bus",
		    json_string(r->microvm ? "virtio-serial-device" : "virtio-serial-pci"));
		json_object_set_new(d, "backend",
				    json_string("unix socket; vbench listens, QEMU connects"));
		json_array_append_new(list, d);
	}
	if (c->rng) {
		json_t *d = device("entropy", r->microvm ? "virtio-rng-device" : "virtio-rng-pci", tr,
				   "/dev/hwrng");
		json_object_set_new(d, "backend", json_string("rng-random, host /dev/urandom"));
		json_array_append_new(list, d);
	}
	{
		json_t *d = device("console", "isa-serial", "isa", "ttyS0");
		json_object_set_new(d, "backend", json_string(r->console || c->console_fd > 2 ? "file"
											       : "null"));
		if (r->console)
			json_object_set_new(d, "file", json_string(r->console));
		json_array_append_new(list, d);
	}
	if (c->net)
		json_array_append_new(
		    list, device("network", r->microvm ? "virtio-net-device" : "virtio-net-pci", tr,
				 "eth0"));
	return list;
}

json_t *vb_qemu_describe(const vb_qemu_cfg_t *c)
{
	resolved_t r;
	json_t *o;

	if (resolve(c, &r, NULL) < 0)
		return NULL;
	o = json_object();
	json_object_set_new(o, "binary", json_string(r.binary));
	json_object_set_new(o, "accel", json_string(r.accel));
	json_object_set_new(o, "mechanism",
			    json_string(r.kvm ? "KVM hardware-assisted"
					      : "TCG binary translation (software emulation)"));
	json_object_set_new(o, "machine", json_string(r.machine));
	json_object_set_new(o, "firmware",
			    json_string(r.microvm ? "qboot (microvm), no option ROMs"
						  : "SeaBIOS with the linuxboot option ROM"));
	json_object_set_new(o, "cpu", json_string(r.cpu));
	json_object_set_new(o, "vcpus", json_integer(c->vcpus));
	json_object_set_new(o, "memory_bytes", json_integer((json_int_t)c->memory));
	json_object_set_new(o, "kernel", json_string(c->kernel));
	json_object_set_new(o, "initrd", r.initrd ? json_string(r.initrd) : json_null());
	json_object_set_new(o, "devices", devices(c, &r));
	json_object_set_new(o, "network",
			    json_string(!c->net		  ? "none"
					: c->tap_fd > 2 ? (c->vhost ? "a tap device on virtio-net, vhost-net"
								    : "a tap device on virtio-net")
					: c->fwd_host	  ? "user-mode (slirp, restricted) on virtio-net, "
							    "a forwarded TCP port"
							  : "user-mode (slirp) on virtio-net"));
	return o;
}
