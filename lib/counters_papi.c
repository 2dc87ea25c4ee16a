/*
 * counters_papi.c - the PAPI source of the counter fallback chain: the
 * process-wide library state, the event set (with inheritance into child
 * processes, multiplexed when events conflict) and the report of PAPI's
 * components for `vbench doctor`.  See counters.h.
 */
#include <papi.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "lib/counters_int.h"

/* ---- PAPI library state (process-wide) ----------------------------------- */

static pthread_once_t papi_once = PTHREAD_ONCE_INIT;
static int papi_ok;	       /* PAPI_library_init succeeded */
static int papi_version;       /* runtime library version, 0 if unknown */
static char papi_reason[160];  /* why init failed */
static int papi_mpx_state;     /* 0 untried, 1 ok, -1 failed (see papi_mpx_err) */
static int papi_mpx_err;

const char *vb_papi_strerror(int r)
{
	const char *s = PAPI_strerror(r);
	return s ? s : "unknown PAPI error";
}

/* Components vbench never reads whose initialisation writes to stderr:
 * Debian's PAPI 7.0 has rocm_smi, and with librocm-smi64 installed (Slurm's
 * rsmi plugin brings it) every program that initialises PAPI printed
 * "Failed to open drm root directory /sys/class/drm." on a host without a
 * GPU: an agent's stderr and vbench's one-line errors with it.  Disabled
 * before PAPI_library_init (an unknown name is ignored). */
static const char *const papi_unused[] = { "rocm_smi", "rocm", "cuda", "nvml" };

static void papi_init_once(void)
{
	int r;

	for (size_t i = 0; i < sizeof(papi_unused) / sizeof(papi_unused[0]); i++)
		PAPI_disable_component_by_name(papi_unused[i]);
	r = PAPI_library_init(PAPI_VER_CURRENT);

	if (r == PAPI_VER_CURRENT) {
		papi_ok = 1;
		papi_version = r;
	} else if (r > 0) {
		papi_version = r;
		snprintf(papi_reason, sizeof(papi_reason),
			 "library version %d.%d does not match header %d.%d",
			 PAPI_VERSION_MAJOR(r), PAPI_VERSION_MINOR(r),
			 PAPI_VERSION_MAJOR(PAPI_VER_CURRENT), PAPI_VERSION_MINOR(PAPI_VER_CURRENT));
	} else {
		snprintf(papi_reason, sizeof(papi_reason), "PAPI_library_init: %s", vb_papi_strerror(r));
	}
}

int vb_papi_init(void)
{
	pthread_once(&papi_once, papi_init_once);
	return papi_ok ? 0 : -1;
}

const char *vb_papi_reason(void)
{
	return papi_reason;
}

/* Create the PAPI event set with inheritance on component @cidx. */
static int papi_set_prepare(vb_counters_t *c, int cidx)
{
	PAPI_option_t opt;
	int r;

	if (c->papi_set_err[0])
		return -1;
	if (c->papi_set != PAPI_NULL)
		return 0;
	if ((r = PAPI_create_eventset(&c->papi_set)) != PAPI_OK) {
		c->papi_set = PAPI_NULL;
		snprintf(c->papi_set_err, sizeof(c->papi_set_err), "create_eventset: %s", vb_papi_strerror(r));
		return -1;
	}
	r = PAPI_assign_eventset_component(c->papi_set, cidx);
	if (r != PAPI_OK) {
		snprintf(c->papi_set_err, sizeof(c->papi_set_err), "assign component %d: %s", cidx,
			 vb_papi_strerror(r));
		return -1;
	}
	memset(&opt, 0, sizeof(opt));
	opt.inherit.eventset = c->papi_set;
	opt.inherit.inherit = PAPI_INHERIT_ALL;
	if ((r = PAPI_set_opt(PAPI_INHERIT, &opt)) != PAPI_OK) {
		/* Without inheritance children would silently go uncounted. */
		snprintf(c->papi_set_err, sizeof(c->papi_set_err),
			 "cannot count children (PAPI_INHERIT: %s)", vb_papi_strerror(r));
		return -1;
	}
	return 0;
}

/* Switch the set to multiplexing after a conflict.  0 or -1 with @why. */
static int papi_to_multiplex(vb_counters_t *c, char *why, size_t len)
{
	int r;

	if (papi_mpx_state == 0) {
		papi_mpx_err = PAPI_multiplex_init();
		papi_mpx_state = papi_mpx_err == PAPI_OK ? 1 : -1;
	}
	if (papi_mpx_state < 0) {
		snprintf(why, len, "PAPI: %s; multiplex_init: %s", vb_papi_strerror(PAPI_ECNFLCT),
			 vb_papi_strerror(papi_mpx_err));
		return -1;
	}
	if ((r = PAPI_set_multiplex(c->papi_set)) != PAPI_OK) {
		snprintf(why, len, "PAPI: %s; set_multiplex: %s", vb_papi_strerror(PAPI_ECNFLCT), vb_papi_strerror(r));
		return -1;
	}
	c->multiplexed = 1;
	return 0;
}

int vb_papi_try(vb_counters_t *c, size_t i, char *why, size_t len)
{
	const char *name = c->ev[i].name;
	int code = 0, cidx, r;

	if (vb_papi_init() < 0) {
		snprintf(why, len, "PAPI: %s", papi_reason);
		return -1;
	}
	if ((r = PAPI_event_name_to_code(name, &code)) != PAPI_OK ||
	    (r = PAPI_query_event(code)) != PAPI_OK) {
		snprintf(why, len, "PAPI: %s", vb_papi_strerror(r));
		return -1;
	}
	cidx = PAPI_get_event_component(code);
	if (papi_set_prepare(c, cidx < 0 ? 0 : cidx) < 0) {
		snprintf(why, len, "PAPI: %s", c->papi_set_err);
		return -1;
	}
	r = PAPI_add_event(c->papi_set, code);
	if (r == PAPI_ECNFLCT && !c->multiplexed) {
		if (papi_to_multiplex(c, why, len) < 0)
			return -1;
		r = PAPI_add_event(c->papi_set, code);
	}
	if (r != PAPI_OK) {
		snprintf(why, len, "PAPI: %s", vb_papi_strerror(r));
		return -1;
	}
	c->st[i].papi_idx = c->papi_n++;
	return 0;
}

json_t *vb_papi_json(void)
{
	json_t *comps = json_array();
	int v, i, n;
	char ver[32];

	vb_papi_init();
	v = papi_version ? papi_version : (int)PAPI_VER_CURRENT;
	snprintf(ver, sizeof(ver), "%d.%d.%d.%d", PAPI_VERSION_MAJOR(v), PAPI_VERSION_MINOR(v),
		 PAPI_VERSION_REVISION(v), PAPI_VERSION_INCREMENT(v));
	n = papi_ok ? PAPI_num_components() : 0;
	for (i = 0; i < n; i++) {
		const PAPI_component_info_t *ci = PAPI_get_component_info(i);

		if (ci)
			json_array_append_new(comps, json_pack("{s:s,s:b,s:s}", "name", ci->name,
							       "disabled", ci->disabled != 0, "reason",
							       ci->disabled ? ci->disabled_reason : ""));
	}
	return json_pack("{s:s,s:b,s:s?,s:o}", "version", ver, "initialised", papi_ok, "reason",
			 papi_ok ? NULL : papi_reason, "components", comps);
}

