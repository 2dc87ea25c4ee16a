/*
 * counters.c - event counters around a measured region, with a fallback
 * chain: PAPI, then perf_event_open(2), then getrusage(2) (see counters.h
 * and docs/counters.md).
 *
 * Each event is resolved once, when the set is created: the first source
 * that accepts it counts it, and an event that every source refuses is kept
 * as unavailable with every refusal in its reason.  Hosts without a hardware
 * PMU (most VMs, every TCG guest) are the common case, not an error: there
 * the hardware presets end up unavailable and the software events come from
 * perf_event_open or getrusage.  All sources count this process and the
 * children it forks while the counters run (PAPI_INHERIT, perf inherit=1,
 * RUSAGE_CHILDREN), so fork workloads are measured in full.  The PAPI
 * source lives in counters_papi.c; internals shared by both in
 * counters_int.h.
 */
#include "lib/counters.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <linux/perf_event.h>
#include <papi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/counters_int.h"
#include "lib/util.h"

const char *const vb_default_events[] = {
	"PAPI_TOT_INS",	    "PAPI_TOT_CYC",	  "PAPI_L1_DCM",	"PAPI_L2_TCM",
	"PAPI_L3_TCM",	    "PAPI_TLB_DM",	  "PAPI_BR_MSP",	"perf::TASK-CLOCK",
	"perf::PAGE-FAULTS", "perf::CONTEXT-SWITCHES", "perf::CPU-MIGRATIONS",
};
const size_t vb_default_nevents = VB_ARRAY_SIZE(vb_default_events);

/* ---- the fallback table -------------------------------------------------- */


#define SW(x) { PERF_TYPE_SOFTWARE }, { PERF_COUNT_SW_##x }, 1
#define HW(x) { PERF_TYPE_HARDWARE }, { PERF_COUNT_HW_##x }, 1
#define CACHE(c) { PERF_TYPE_HW_CACHE }, { HWC(c, READ, MISS) }, 1

static const fb_entry_t fallback[] = {
	{ { "perf::TASK-CLOCK", "perf::TASK_CLOCK", "perf::PERF_COUNT_SW_TASK_CLOCK" }, "ns",
	  SW(TASK_CLOCK), RU_TIME },
	{ { "perf::CPU-CLOCK", "perf::CPU_CLOCK", "perf::PERF_COUNT_SW_CPU_CLOCK" }, "ns",
	  SW(CPU_CLOCK), RU_NONE },
	{ { "perf::PAGE-FAULTS", "perf::PAGE_FAULTS", "perf::FAULTS",
	    "perf::PERF_COUNT_SW_PAGE_FAULTS" }, "count", SW(PAGE_FAULTS), RU_FAULTS },
	{ { "perf::MINOR-FAULTS", "perf::MINOR_FAULTS", "perf::PERF_COUNT_SW_PAGE_FAULTS_MIN" },
	  "count", SW(PAGE_FAULTS_MIN), RU_MINFLT },
	{ { "perf::MAJOR-FAULTS", "perf::MAJOR_FAULTS", "perf::PERF_COUNT_SW_PAGE_FAULTS_MAJ" },
	  "count", SW(PAGE_FAULTS_MAJ), RU_MAJFLT },
	{ { "perf::CONTEXT-SWITCHES", "perf::CONTEXT_SWITCHES", "perf::CS",
	    "perf::PERF_COUNT_SW_CONTEXT_SWITCHES" }, "count", SW(CONTEXT_SWITCHES), RU_CSW },
	{ { "perf::CPU-MIGRATIONS", "perf::CPU_MIGRATIONS", "perf::MIGRATIONS",
	    "perf::PERF_COUNT_SW_CPU_MIGRATIONS" }, "count", SW(CPU_MIGRATIONS), RU_NONE },
	{ { "PAPI_TOT_INS", "perf::INSTRUCTIONS", "perf::PERF_COUNT_HW_INSTRUCTIONS" }, "count",
	  HW(INSTRUCTIONS), RU_NONE },
	{ { "PAPI_TOT_CYC", "perf::CYCLES", "perf::CPU-CYCLES", "perf::PERF_COUNT_HW_CPU_CYCLES" },
	  "count", HW(CPU_CYCLES), RU_NONE },
	{ { "PAPI_BR_MSP", "perf::BRANCH-MISSES", "perf::PERF_COUNT_HW_BRANCH_MISSES" }, "count",
	  HW(BRANCH_MISSES), RU_NONE },
	{ { "PAPI_BR_INS", "perf::BRANCH-INSTRUCTIONS", "perf::BRANCHES" }, "count",
	  HW(BRANCH_INSTRUCTIONS), RU_NONE },
	{ { "perf::CACHE-MISSES", "perf::PERF_COUNT_HW_CACHE_MISSES" }, "count", HW(CACHE_MISSES),
	  RU_NONE },
	{ { "perf::CACHE-REFERENCES", "perf::PERF_COUNT_HW_CACHE_REFERENCES" }, "count",
	  HW(CACHE_REFERENCES), RU_NONE },
	{ { "PAPI_L1_DCM", "perf::L1-DCACHE-LOAD-MISSES" }, "count", CACHE(L1D), RU_NONE },
	{ { "PAPI_L3_TCM", "perf::LLC-LOAD-MISSES" }, "count",
	  { PERF_TYPE_HW_CACHE, PERF_TYPE_HARDWARE },
	  { HWC(LL, READ, MISS), PERF_COUNT_HW_CACHE_MISSES }, 2, RU_NONE },
	{ { "PAPI_TLB_DM", "perf::DTLB-LOAD-MISSES" }, "count", CACHE(DTLB), RU_NONE },
};

/* PAPI 7 preset names, for recognising PAPI_* when PAPI itself failed. */
static const char presets[] =
	" L1_DCM L1_ICM L2_DCM L2_ICM L3_DCM L3_ICM L1_TCM L2_TCM L3_TCM CA_SNP CA_SHR CA_CLN"
	" CA_INV CA_ITV L3_LDM L3_STM BRU_IDL FXU_IDL FPU_IDL LSU_IDL TLB_DM TLB_IM TLB_TL L1_LDM"
	" L1_STM L2_LDM L2_STM BTAC_M PRF_DM L3_DCH TLB_SD CSR_FAL CSR_SUC CSR_TOT MEM_SCY MEM_RCY"
	" MEM_WCY STL_ICY FUL_ICY STL_CCY FUL_CCY HW_INT BR_UCN BR_CN BR_TKN BR_NTK BR_MSP BR_PRC"
	" FMA_INS TOT_IIS TOT_INS INT_INS FP_INS LD_INS SR_INS BR_INS VEC_INS RES_STL FP_STAL"
	" TOT_CYC LST_INS SYC_INS L1_DCH L2_DCH L1_DCA L2_DCA L3_DCA L1_DCR L2_DCR L3_DCR L1_DCW"
	" L2_DCW L3_DCW L1_ICH L2_ICH L3_ICH L1_ICA L2_ICA L3_ICA L1_ICR L2_ICR L3_ICR L1_ICW"
	" L2_ICW L3_ICW L1_TCH L2_TCH L3_TCH L1_TCA L2_TCA L3_TCA L1_TCR L2_TCR L3_TCR L1_TCW"
	" L2_TCW L3_TCW FML_INS FAD_INS FDV_INS FSQ_INS FNV_INS FP_OPS SP_OPS DP_OPS VEC_SP VEC_DP"
	" REF_CYC ";

static const fb_entry_t *fb_find(const char *name)
{
	size_t i, j;

	for (i = 0; i < VB_ARRAY_SIZE(fallback); i++)
		for (j = 0; j < VB_ARRAY_SIZE(fallback[i].names) && fallback[i].names[j]; j++)
			if (!strcasecmp(name, fallback[i].names[j]))
				return &fallback[i];
	return NULL;
}

static int is_preset_name(const char *name)
{
	char tok[64];

	if (strncmp(name, "PAPI_", 5) || strlen(name + 5) + 3 > sizeof(tok) || !name[5])
		return 0;
	snprintf(tok, sizeof(tok), " %s ", name + 5);
	return strstr(presets, tok) != NULL;
}

/* ---- the counter set ----------------------------------------------------- */


static void addf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Append "; "-separated text to @buf. */
static void addf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used && used + 2 < len) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	if (used >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void mark_unavail(vb_counters_t *c, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void mark_unavail(vb_counters_t *c, size_t i, const char *fmt, ...)
{
	va_list ap;

	c->ev[i].source = VB_CSRC_NONE;
	c->ev[i].value = 0;
	va_start(ap, fmt);
	vsnprintf(c->ev[i].reason, sizeof(c->ev[i].reason), fmt, ap);
	va_end(ap);
	if (c->st[i].fd >= 0) {
		close(c->st[i].fd);
		c->st[i].fd = -1;
	}
}

static int read_paranoid(void)
{
	char *s = vb_read_file("/proc/sys/kernel/perf_event_paranoid", 64, 1, NULL);
	int v = s ? atoi(s) : -100;

	free(s);
	return v;
}

static int perf_open(uint32_t type, uint64_t config, int user_only)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.disabled = 1;
	a.inherit = 1;
	a.exclude_hv = 1;
	a.exclude_kernel = user_only ? 1 : 0;
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Try perf_event_open for event @i.  0, or -1 with @why appended. */
static int try_perf(vb_counters_t *c, size_t i, char *why, size_t len)
{
	const fb_entry_t *fb = c->st[i].fb;
	int k, fd = -1, e = 0;

	if (!fb || !fb->nattr) {
		addf(why, len, "perf_event_open: no generic perf mapping");
		return -1;
	}
	for (k = 0; k < fb->nattr && fd < 0; k++) {
		fd = perf_open(fb->type[k], fb->config[k], 0);
		/* paranoid >= 2 without CAP_PERFMON: user-space only is allowed */
		if (fd < 0 && (errno == EACCES || errno == EPERM))
			fd = perf_open(fb->type[k], fb->config[k], 1);
		if (fd < 0 && !e)
			e = errno;
	}
	if (fd >= 0) {
		c->st[i].fd = fd;
		return 0;
	}
	if (e == ENOENT && fb->type[0] != PERF_TYPE_SOFTWARE)
		addf(why, len, "perf_event_open: %s (no hardware PMU)", strerror(e));
	else if (e == EACCES || e == EPERM)
		addf(why, len, "perf_event_open: %s (perf_event_paranoid=%d)", strerror(e),
		     read_paranoid());
	else
		addf(why, len, "perf_event_open: %s", strerror(e));
	return -1;
}

/* Resolve event @i through the sources allowed by @mask. */
static void resolve(vb_counters_t *c, size_t i, unsigned mask)
{
	vb_counter_t *ev = &c->ev[i];
	const fb_entry_t *fb = c->st[i].fb;
	char why[sizeof(ev->reason)] = "";

	ev->unit = fb ? fb->unit : "count";
	if (mask & (1u << VB_CSRC_PAPI)) {
		if (vb_papi_try(c, i, why, sizeof(why)) == 0) {
			ev->source = VB_CSRC_PAPI;
			return;
		}
	} else {
		addf(why, sizeof(why), "PAPI: not tried");
	}
	if (mask & (1u << VB_CSRC_PERF)) {
		if (try_perf(c, i, why, sizeof(why)) == 0) {
			ev->source = VB_CSRC_PERF;
			return;
		}
	} else {
		addf(why, sizeof(why), "perf_event_open: not tried");
	}
	if (!(mask & (1u << VB_CSRC_RUSAGE))) {
		addf(why, sizeof(why), "getrusage: not tried");
	} else if (fb && fb->ru != RU_NONE) {
		ev->source = VB_CSRC_RUSAGE;
		return;
	} else {
		addf(why, sizeof(why), "getrusage: no equivalent");
	}
	ev->source = VB_CSRC_NONE;
	snprintf(ev->reason, sizeof(ev->reason), "%s", why);
}

/* ---- public API ---------------------------------------------------------- */

/* Whether @name is a known event; otherwise @why holds PAPI's view. */
static int known(const char *name, char *why, size_t len)
{
	int code = 0, r;

	if (fb_find(name))
		return 1;
	if (vb_papi_init() < 0) {
		snprintf(why, len, "%s", vb_papi_reason());
		return is_preset_name(name);
	}
	if ((r = PAPI_event_name_to_code(name, &code)) == PAPI_OK)
		return 1;
	snprintf(why, len, "%s", vb_papi_strerror(r));
	return 0;
}

int vb_counters_validate(const char *const *names, size_t n, vb_error_t *err)
{
	char why[192];
	size_t i, j;

	if (n > VB_MAX_EVENTS)
		return vb_error_set(err, VB_EUSAGE, 0, "too many counter events (%zu, at most %d)", n,
				    VB_MAX_EVENTS);
	if (n && !names)
		return vb_error_set(err, VB_EUSAGE, 0, "no counter event names");
	for (i = 0; i < n; i++) {
		const char *name = names[i];

		if (!name || !*name)
			return vb_error_set(err, VB_EUSAGE, 0, "empty counter event name");
		if (strlen(name) >= sizeof(((vb_counter_t *)0)->name))
			return vb_error_set(err, VB_EUSAGE, 0, "counter event name too long: '%.80s'",
					    name);
		for (j = 0; j < i; j++)
			if (!strcmp(names[j], name))
				return vb_error_set(err, VB_EUSAGE, 0,
						    "counter event '%s' requested twice", name);
		why[0] = '\0';
		if (!known(name, why, sizeof(why)))
			return vb_error_set(err, VB_EUSAGE, 0, "unknown counter event '%s' (PAPI: %s)",
					    name, why);
	}
	return 0;
}

vb_counters_t *vb_counters_new_from(const char *const *names, size_t n, unsigned sources,
				    vb_error_t *err)
{
	vb_counters_t *c;
	size_t i;

	if (vb_counters_validate(names, n, err) < 0)
		return NULL;
	if (!(c = calloc(1, sizeof(*c)))) {
		vb_error_set(err, VB_ERESOURCE, ENOMEM, "allocate counter set");
		return NULL;
	}
	c->papi_set = PAPI_NULL;
	c->n = n;
	for (i = 0; i < n; i++) {
		snprintf(c->ev[i].name, sizeof(c->ev[i].name), "%s", names[i]);
		c->st[i].papi_idx = -1;
		c->st[i].fd = -1;
		c->st[i].fb = fb_find(names[i]);
		resolve(c, i, sources);
	}
	return c;
}

vb_counters_t *vb_counters_new(const char *const *names, size_t n, vb_error_t *err)
{
	return vb_counters_new_from(names, n, VB_CSRC_MASK_ALL, err);
}

static void ru_now(struct rusage ru[2])
{
	if (getrusage(RUSAGE_SELF, &ru[0]) < 0)
		memset(&ru[0], 0, sizeof(ru[0]));
	if (getrusage(RUSAGE_CHILDREN, &ru[1]) < 0)
		memset(&ru[1], 0, sizeof(ru[1]));
}

static long long ru_value(const struct rusage ru[2], ru_kind_t k)
{
	long long v = 0;
	int i;

	for (i = 0; i < 2; i++) {
		const struct rusage *r = &ru[i];

		switch (k) {
		case RU_TIME:
			v += (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000000000LL +
			     (r->ru_utime.tv_usec + r->ru_stime.tv_usec) * 1000LL;
			break;
		case RU_FAULTS:
			v += r->ru_minflt + r->ru_majflt;
			break;
		case RU_MINFLT:
			v += r->ru_minflt;
			break;
		case RU_MAJFLT:
			v += r->ru_majflt;
			break;
		case RU_CSW:
			v += r->ru_nvcsw + r->ru_nivcsw;
			break;
		case RU_NONE:
			break;
		}
	}
	return v;
}

static int perf_read(int fd, uint64_t v[3])
{
	ssize_t r = read(fd, v, 3 * sizeof(uint64_t));

	if (r == (ssize_t)(3 * sizeof(uint64_t)))
		return 0;
	if (r >= 0)
		errno = EIO;
	return -1;
}

int vb_counters_start(vb_counters_t *c)
{
	size_t i;
	int r;

	if (!c)
		return 0;
	if (c->running) /* started twice: the first region ends here */
		vb_counters_stop(c);
	ru_now(c->ru0);
	for (i = 0; i < c->n; i++) {
		int fd = c->st[i].fd;

		if (c->ev[i].source != VB_CSRC_PERF)
			continue;
		/* RESET clears only this task's count, not what exited children
		 * added, so the value is the difference to this baseline. */
		if (ioctl(fd, PERF_EVENT_IOC_RESET, 0) < 0 || ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0 ||
		    perf_read(fd, c->st[i].base) < 0)
			mark_unavail(c, i, "perf_event_open: start: %s", strerror(errno));
	}
	c->papi_running = 0;
	for (i = 0; i < c->n && c->papi_n; i++)
		if (c->ev[i].source == VB_CSRC_PAPI)
			break;
	if (i < c->n && c->papi_n) {
		if ((r = PAPI_start(c->papi_set)) == PAPI_OK) {
			c->papi_running = 1;
		} else {
			for (i = 0; i < c->n; i++)
				if (c->ev[i].source == VB_CSRC_PAPI)
					mark_unavail(c, i, "PAPI_start: %s", vb_papi_strerror(r));
		}
	}
	c->running = 1;
	return 0;
}

static void stop_perf(vb_counters_t *c, size_t i)
{
	uint64_t v[3];
	double val, en, run;
	int fd = c->st[i].fd;

	if (ioctl(fd, PERF_EVENT_IOC_DISABLE, 0) < 0 || perf_read(fd, v) < 0) {
		mark_unavail(c, i, "perf_event_open: stop: %s", strerror(errno));
		return;
	}
	val = (double)(v[0] - c->st[i].base[0]);
	en = (double)(v[1] - c->st[i].base[1]);
	run = (double)(v[2] - c->st[i].base[2]);
	if (run <= 0 && en > 0) {
		mark_unavail(c, i, "perf_event_open: counter never scheduled (PMU busy)");
		return;
	}
	if (run > 0 && run < en) /* multiplexed by the kernel: scale up */
		val = val * en / run;
	c->ev[i].value = (long long)(val + 0.5);
}

int vb_counters_stop(vb_counters_t *c)
{
	long long vals[VB_MAX_EVENTS];
	struct rusage ru1[2];
	size_t i;
	int r;

	if (!c || !c->running)
		return 0;
	if (c->papi_running) {
		memset(vals, 0, sizeof(vals));
		r = PAPI_stop(c->papi_set, vals);
		for (i = 0; i < c->n; i++) {
			if (c->ev[i].source != VB_CSRC_PAPI)
				continue;
			if (r == PAPI_OK)
				c->ev[i].value = vals[c->st[i].papi_idx];
			else
				mark_unavail(c, i, "PAPI_stop: %s", vb_papi_strerror(r));
		}
		c->papi_running = 0;
	}
	for (i = 0; i < c->n; i++)
		if (c->ev[i].source == VB_CSRC_PERF)
			stop_perf(c, i);
	ru_now(ru1);
	for (i = 0; i < c->n; i++)
		if (c->ev[i].source == VB_CSRC_RUSAGE)
			c->ev[i].value = ru_value(ru1, c->st[i].fb->ru) -
					 ru_value(c->ru0, c->st[i].fb->ru);
	c->running = 0;
	return 0;
}

size_t vb_counters_count(const vb_counters_t *c)
{
	return c ? c->n : 0;
}

const vb_counter_t *vb_counters_at(const vb_counters_t *c, size_t i)
{
	return c && i < c->n ? &c->ev[i] : NULL;
}

const char *vb_csrc_name(vb_csrc_t s)
{
	switch (s) {
	case VB_CSRC_PAPI:
		return "papi";
	case VB_CSRC_PERF:
		return "perf_event";
	case VB_CSRC_RUSAGE:
		return "getrusage";
	default:
		return "unavailable";
	}
}

const char *vb_counters_mode(const vb_counters_t *c)
{
	if (!c || !c->papi_n)
		return "none";
	return c->multiplexed ? "multiplexed" : "single-set";
}

json_t *vb_counters_to_json(const vb_counters_t *c)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; c && i < c->n; i++) {
		const vb_counter_t *ev = &c->ev[i];
		json_t *e;

		if (ev->source == VB_CSRC_NONE)
			e = json_pack("{s:b,s:s}", "available", 0, "reason", ev->reason);
		else
			e = json_pack("{s:I,s:s,s:s}", "value", (json_int_t)ev->value, "source",
				      vb_csrc_name(ev->source), "unit", ev->unit);
		json_object_set_new(o, ev->name, e);
	}
	return o;
}

void vb_counters_free(vb_counters_t *c)
{
	long long vals[VB_MAX_EVENTS];
	size_t i;

	if (!c)
		return;
	if (c->papi_set != PAPI_NULL) {
		if (c->papi_running)
			PAPI_stop(c->papi_set, vals);
		PAPI_cleanup_eventset(c->papi_set);
		PAPI_destroy_eventset(&c->papi_set);
	}
	for (i = 0; i < c->n; i++)
		if (c->st[i].fd >= 0)
			close(c->st[i].fd);
	free(c);
}

/* ---- sources report ------------------------------------------------------ */

json_t *vb_counters_sources_json(void)
{
	json_t *pmus = json_array();
	int par = read_paranoid();
	DIR *d = opendir("/sys/bus/event_source/devices");
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			json_array_append_new(pmus, json_string(de->d_name));
	if (d)
		closedir(d);
	return json_pack("{s:o,s:o,s:o}", "papi", vb_papi_json(), "perf_event_paranoid",
			 par == -100 ? json_null() : json_integer(par), "event_source_devices", pmus);
}
