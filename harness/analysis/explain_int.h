/*
 * explain_int.h - what explain.c shares with the files of its claims
 * (explain_net.c, explain_sandbox.c, explain_ops.c): the run and summary being judged, an environment's
 * class, a group's ratio with its interval, and a claim's tests, notes and
 * verdict in explain's JSON shapes (explain.h).
 *
 * Must not: be included outside harness/analysis/explain*.c.
 */
#ifndef VB_EXPLAIN_INT_H
#define VB_EXPLAIN_INT_H

#include <jansson.h>

typedef struct vb_explain_ctx {
	const json_t *run, *sum;
	int virtualized;
} vb_explain_ctx_t;

/* An overhead ratio of the summary: its value and 95% interval. */
typedef struct vb_explain_ratio {
	double v, lo, hi;	/* value and 95% interval */
	int indicative;		/* fewer than 10 repetitions */
	const json_t *decision; /* the summary's object with its verdict (verdict.h), or NULL */
} vb_explain_ratio_t;

/* The classes explain tells apart (explain.c's tables name them). */
enum vb_explain_cls {
	VB_XC_BARE,
	VB_XC_CONTAINER,
	VB_XC_SANDBOX,
	VB_XC_EMULATED,
	VB_XC_HWVM,
	VB_XC_OTHER,
	VB_XC_N
};

/* The class of run.json environment record @e, from what its backend
 * declares (vb_env_record_class), never from its display strings. */
enum vb_explain_cls vb_explain_class(const json_t *e);

/* Whether @e was measured; else *@why gets the reason. */
int vb_explain_measured(const json_t *e, const char **why);

/* The summary's geometric mean of group @kind ("cpu", "net") for @env into
 * @r: 0, or -1 when it has none. */
int vb_explain_group(const vb_explain_ctx_t *c, const char *kind, const char *env,
		     vb_explain_ratio_t *r);

/* The summary's overhead of workload @wl's primary metric in @env into
 * @r: 0, or -1 when it was not measured there. */
int vb_explain_wl(const vb_explain_ctx_t *c, const char *env, const char *wl,
		  vb_explain_ratio_t *r);

/* "Holds" when @r's lower bound is above @t, "does not hold" when its
 * upper bound is at most @t, else inconclusive. */
const char *vb_explain_above(const vb_explain_ratio_t *r, double t);

/* The equivalence margin the summary's verdicts were decided with. */
double vb_explain_summary_margin(const json_t *sum);

/* A new claim {"id", "claim", "tests": [], "notes": []}. */
json_t *vb_explain_claim(int id, const char *text);

/* A note (printf-formatted) on @claim. */
void vb_explain_note(json_t *claim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A test of @claim: @what of @env is @r (@unit), judged @verdict by @rule;
 * the ratio's own verdict beside it. */
void vb_explain_add_test(json_t *claim, const char *env, const char *what,
			 const vb_explain_ratio_t *r, const char *unit, const char *rule,
			 const char *verdict);

/* "Close to bare metal": holds only on an equivalence verdict within
 * margin @m, does not hold when the whole interval lies beyond it. */
const char *vb_explain_close_to_one(const vb_explain_ratio_t *r, double m);

/* The claim's verdict from its tests; @if_none when no test could be made. */
void vb_explain_conclude(json_t *claim, const char *if_none);

/* The network claims (explain_net.c): 6, a container's network namespace
 * costs nothing and its NAT does; 7, user-mode networking is slower than a
 * tap; 8, a VM's network costs more than a container's.  New references. */
json_t *vb_explain_claim_netns(const vb_explain_ctx_t *c);
json_t *vb_explain_claim_usermode(const vb_explain_ctx_t *c);
json_t *vb_explain_claim_vmnet(const vb_explain_ctx_t *c);

/* Claim 9 (explain_sandbox.c): a sandbox's user-space kernel makes
 * system-call-heavy work much slower and leaves computation near native.
 * New reference. */
json_t *vb_explain_claim_sandbox(const vb_explain_ctx_t *c);

/* Claims 10 to 12 (explain_ops.c), from the summary's "operations": a VM
 * can be saved as a file and restored; a running VM can be moved with a
 * short pause; containers restore faster than VMs boot.  New references. */
json_t *vb_explain_claim_saved(const vb_explain_ctx_t *c);
json_t *vb_explain_claim_moved(const vb_explain_ctx_t *c);
json_t *vb_explain_claim_restore_boot(const vb_explain_ctx_t *c);

#endif
