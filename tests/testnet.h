/*
 * testnet.h - what the suites of network and application workloads share:
 * repetitions counted in run.json, and the host's network state (links,
 * routes, rule sets) a run must leave as it found.  Asserts with Check.
 */
#ifndef VB_TESTNET_H
#define VB_TESTNET_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "workloads/workload.h"

/* The repetitions of @wl in @env in run.json @doc; the ok ones in *@ok. */
size_t vb_testnet_reps(const json_t *doc, const char *env, const char *wl, size_t *ok);

/* Two repetitions of @wl in @env in @doc, both ok. */
void vb_testnet_assert_two_ok(const json_t *doc, const char *env, const char *wl);

/* What a run must leave as it found: the link names (`ip -o link`), the
 * routes (`ip route`) and, where nft and iptables are installed, the rule
 * sets without their counters and comments (a new string, free it). */
char *vb_testnet_state(void);

/* Start `vbench run` of @workload on @envs with many repetitions in the
 * background (@envs NULL: `vbench run --resume @dir`); its pid once
 * @dir/run.json holds @nreps of them. */
pid_t vb_testnet_run_bg(const char *envs, const char *workload, const char *dir, size_t nreps);

/* A server's ctx->listening in a forked test child: its port written to
 * the pipe whose write end ctx->listening_arg points at. */
int vb_testnet_port_to_pipe(vb_wctx_t *ctx, unsigned port, vb_error_t *err);

#endif
