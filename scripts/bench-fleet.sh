#!/bin/sh
# bench-fleet.sh - what `vbench fleet` adds to the runs it submits, against
# the reference in the same session: the same runs started directly.
#
# On a private one-node Slurm (scripts/slurm.sh run), ROUNDS times, in
# alternation:
#   direct  `vbench run OPTIONS --out DIR` TASKS times, one after the other
#   fleet   `vbench fleet submit --tasks TASKS FLEET -- OPTIONS`, then
#           `vbench fleet status` every 0.2 s until every task is done
#           (the one node runs an array's tasks one after the other, as
#           direct does)
# and prints per round both wall times, fleet / direct, and the fleet's
# time per task beyond direct's; then the medians and the range.  The
# fleet's part is sbatch, Slurm's scheduling (SchedulerParameters as
# slurm.sh writes them), `vbench fleet task` (claim, then `vbench run`) and
# the status polling's granularity (0.2 s).
#
# Usage: scripts/bench-fleet.sh [--tasks N] [--rounds R] [-- RUN OPTIONS]
#   default: 4 tasks, 3 rounds, OPTIONS --profile test --env bare
#   --workload cpu.int.  Needs root, slurm-wlm and munge
#   (scripts/install-deps.sh slurm).  Exit 0 when it ran, 1 when a run
#   failed or a fleet was not done within TASKS x 300 s, 2 bad usage, 3
#   vbench not built or no private Slurm.
# Never run by `make test`.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
VBENCH=${VBENCH:-$here/bench/vbench}
tasks=4
rounds=3

usage() {
	sed -n '/^# Usage:/,/^# Never/p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

if [ "${BENCH_FLEET_INSIDE:-}" != 1 ]; then
	while [ $# -gt 0 ]; do
		case "$1" in
		--tasks) [ $# -ge 2 ] || usage; tasks=$2; shift 2 ;;
		--rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
		--) shift; break ;;
		*) usage ;;
		esac
	done
	for v in "$tasks" "$rounds"; do
		case "$v" in '' | *[!0-9]* | 0) echo "bench-fleet: --tasks and --rounds want a number > 0, got '$v'" >&2; exit 2 ;; esac
	done
	[ -x "$VBENCH" ] || { echo "bench-fleet: $VBENCH not built (make)" >&2; exit 3; }
	[ $# -gt 0 ] || set -- --profile test --env bare --workload cpu.int
	BENCH_FLEET_INSIDE=1 BENCH_FLEET_TASKS=$tasks BENCH_FLEET_ROUNDS=$rounds \
		exec "$here/scripts/slurm.sh" run "$0" "$@"
fi

# inside the private cluster
tasks=$BENCH_FLEET_TASKS
rounds=$BENCH_FLEET_ROUNDS
[ -n "${SLURM_CONF:-}" ] || { echo "bench-fleet: no private Slurm could be started" >&2; exit 3; }
work=$(mktemp -d /var/tmp/bench-fleet.XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }

echo "bench-fleet: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench-fleet: $tasks tasks of: vbench run $*; $rounds rounds"
printf '%-6s %10s %10s %8s %14s\n' round direct_s fleet_s ratio per_task_s
r=1
: >"$work/rows"
while [ "$r" -le "$rounds" ]; do
	t0=$(now)
	i=0
	while [ "$i" -lt "$tasks" ]; do
		"$VBENCH" run "$@" --quiet --out "$work/direct-$r-$i" >/dev/null 2>&1 ||
			{ echo "bench-fleet: a direct run failed" >&2; exit 1; }
		i=$((i + 1))
	done
	t1=$(now)
	"$VBENCH" fleet submit --tasks "$tasks" "$work/fleet-$r" -- "$@" >/dev/null ||
		{ echo "bench-fleet: vbench fleet submit failed" >&2; exit 1; }
	# the summary line: "fleet DIR: N tasks, seed S: D done, R running, P
	# pending, F failed[, K not submitted]"
	deadline=$(($(date +%s) + tasks * 300))
	while :; do
		s=$("$VBENCH" fleet status "$work/fleet-$r" 2>&1) ||
			{ echo "bench-fleet: vbench fleet status failed: $s" >&2; exit 1; }
		line=$(printf '%s\n' "$s" | head -n 1)
		nums=$(printf '%s\n' "$line" |
			sed -n 's/.*: \([0-9][0-9]*\) done, [0-9]* running, [0-9]* pending, \([0-9][0-9]*\) failed.*/\1 \2/p')
		[ -n "$nums" ] || { echo "bench-fleet: unexpected status line: $line" >&2; exit 1; }
		done_n=${nums% *}
		failed_n=${nums#* }
		case "$line" in *"not submitted"*) echo "bench-fleet: $line" >&2; exit 1 ;; esac
		[ "$failed_n" -eq 0 ] || { echo "bench-fleet: a task failed: $s" >&2; exit 1; }
		[ "$done_n" -lt "$tasks" ] || break
		[ "$(date +%s)" -lt "$deadline" ] ||
			{ echo "bench-fleet: not done within $((tasks * 300)) s: $line" >&2; exit 1; }
		sleep 0.2
	done
	t2=$(now)
	echo "$r $t0 $t1 $t2" >>"$work/rows"
	awk -v r="$r" -v a="$t0" -v b="$t1" -v c="$t2" -v n="$tasks" 'BEGIN {
		d = b - a; f = c - b
		printf "%-6s %10.2f %10.2f %8.3f %14.2f\n", r, d, f, f / d, (f - d) / n }'
	r=$((r + 1))
done
awk -v n="$tasks" '
	{ d[NR] = $3 - $2; f[NR] = $4 - $3; q[NR] = f[NR] / d[NR]; p[NR] = (f[NR] - d[NR]) / n }
	function med(a, k,   i, j, t, b) {
		for (i = 1; i <= k; i++) b[i] = a[i]
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
		return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2
	}
	function lo(a, k,   i, m) { m = a[1]; for (i = 2; i <= k; i++) if (a[i] < m) m = a[i]; return m }
	function hi(a, k,   i, m) { m = a[1]; for (i = 2; i <= k; i++) if (a[i] > m) m = a[i]; return m }
	END {
		printf "median %10.2f %10.2f %8.3f %14.2f   (over %d rounds)\n", med(d, NR), med(f, NR), med(q, NR), med(p, NR), NR
		printf "range  %4.2f-%-5.2f %4.2f-%-5.2f %.3f-%.3f %6.2f-%.2f\n", lo(d, NR), hi(d, NR), lo(f, NR), hi(f, NR), lo(q, NR), hi(q, NR), lo(p, NR), hi(p, NR)
	}' "$work/rows"
