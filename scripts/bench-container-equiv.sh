#!/bin/sh
# bench-container-equiv.sh - are CPU- and memory-bound workloads in vbench's
# own `container` within 2% of bare metal?  Containers share the host
# kernel, so a larger difference means the harness treats the two unequally
# (placement, limits, sizes), not that namespaces cost anything.
#
# How: ./bench/vbench run --env bare,container --workload
# cpu.int,cpu.fp,mem.stream,mem.latency --reps REPS --profile PROFILE runs
# every workload REPS times in both environments, interleaved (a shuffled
# environment order per repetition and workload), with identical
# parameters.  For each workload's primary metric (metrics[0]) the median
# over the repetitions is taken per environment, independently of vbench's
# own statistics, with /usr/bin/python3 from run.json; the ratio is
# container/bare, and the verdict is PASS when |ratio - 1| <= 2%.  The
# CV columns show how noisy each side was: a CV near or above 2% means the
# verdict is decided by the host's noise, not by the container.  For
# information only, the last column repeats the ratio over the repetitions
# that had their CPU to themselves (CPU share host_cpu_ns/host_elapsed_ns
# >= 0.95 on both sides, as in bench-cv.sh); the verdict is always on all.
#
# Usage: scripts/bench-container-equiv.sh [--reps N] [--profile quick|standard]
#                                         [--out DIR] [--strict]
#   env REPS, PROFILE, OUT, VBENCH do the same.  Without --out the run
#   directory is private and removed on exit; with it, run.json is kept.
#   Needs root (the container environment creates namespaces and cgroups).
#   Exit 0 when it ran (PASS/FAIL are printed), 1 on FAIL with --strict or
#   when vbench fails, 2 bad usage, 3 vbench not built or not root.
# Never run by `make test`.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-10}
PROFILE=${PROFILE:-standard}
OUT=${OUT:-}
VBENCH=${VBENCH:-$here/bench/vbench}
WORKLOADS=cpu.int,cpu.fp,mem.stream,mem.latency
TARGET=2                         # percent
strict=0

usage() {
	sed -n '/^# Usage:/,/^# Never/p' "$0" | sed 's/^# \{0,1\}//'
	exit "$1"
}
while [ $# -gt 0 ]; do
	case "$1" in
	--reps|-n) REPS=$2; shift 2 ;;
	--profile) PROFILE=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--strict) strict=1; shift ;;
	-h|--help) usage 0 ;;
	*) echo "bench-container-equiv: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
done
case "$REPS" in ''|*[!0-9]*) echo "bench-container-equiv: --reps must be a number" >&2; exit 2 ;; esac
[ "$REPS" -ge 10 ] || { echo "bench-container-equiv: --reps must be >= 10" >&2; exit 2; }
[ -x "$VBENCH" ] || { echo "bench-container-equiv: $VBENCH not built (run make)" >&2; exit 3; }
[ "$(id -u)" = 0 ] || { echo "bench-container-equiv: needs root" >&2; exit 3; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-cequiv.XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
run=${OUT:-$tmp/run}

echo "# bench-container-equiv: container vs bare, median of $REPS interleaved repetitions, target within ${TARGET}%"
echo "# date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) CPUs, kernel $(uname -r)$(grep -qw hypervisor /proc/cpuinfo && echo ', virtualized (hypervisor flag)')"
echo "# command: $VBENCH run --env bare,container --workload $WORKLOADS --reps $REPS --profile $PROFILE --out $run --quiet"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$VBENCH" run --env bare,container --workload "$WORKLOADS" --reps "$REPS" --profile "$PROFILE" \
	--out "$run" --quiet >"$tmp/stdout" 2>"$tmp/stderr" || {
	echo "bench-container-equiv: vbench run failed:" >&2
	cat "$tmp/stderr" >&2
	exit 1
}
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$run/run.json" "$TARGET" "$strict" <<'EOF'
import json, statistics, sys
path, target, strict = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
run = json.load(open(path))
envs = {e["name"]: e for e in run["environments"]}
if not envs.get("container", {}).get("available", False):
    print(f"container unavailable: {envs.get('container', {}).get('reason')}")
    sys.exit(1)
print()
QUIET = 0.95
print(f"| workload | metric | unit | better | n | bare median | bare CV | container median | container CV | container/bare | within {target:.0f}% | min CPU share | ratio, reps with share >= {QUIET} (n) |")
print("|---|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
fail = False


def share(r):
    return r["host_cpu_ns"] / r["host_elapsed_ns"] if r.get("host_cpu_ns") and r.get("host_elapsed_ns") else float("nan")


for w in run["workloads"]:
    m = w["metrics"][0]
    reps, vals, quiet = {}, {}, {}
    for env in ("bare", "container"):
        reps[env] = [r for r in run["repetitions"]
                     if r["workload"] == w["name"] and r["env"] == env and r.get("ok")]
        vals[env] = [r["result"]["metrics"][m["name"]] for r in reps[env]]
        quiet[env] = [r["result"]["metrics"][m["name"]] for r in reps[env] if share(r) >= QUIET]
    if min(len(v) for v in vals.values()) < 2:
        print(f"| {w['name']} | {m['name']} | {m['unit']} | {m['better']} | - | | | | | | FAIL (too few repetitions) | | |")
        fail = True
        continue
    med = {e: statistics.median(v) for e, v in vals.items()}
    cv = {e: 100.0 * statistics.stdev(v) / abs(statistics.mean(v)) for e, v in vals.items()}
    ratio = med["container"] / med["bare"]
    ok = abs(ratio - 1.0) * 100.0 <= target
    fail |= not ok
    low = min((share(r) for e in reps for r in reps[e]), default=float("nan"))
    qr = (f"{statistics.median(quiet['container']) / statistics.median(quiet['bare']):.4f} "
          f"({len(quiet['bare'])}/{len(quiet['container'])})") if min(len(q) for q in quiet.values()) >= 3 else \
        f"- ({len(quiet['bare'])}/{len(quiet['container'])})"
    print(f"| {w['name']} | {m['name']} | {m['unit']} | {m['better']} | {len(vals['bare'])}/{len(vals['container'])} | "
          f"{med['bare']:.5g} | {cv['bare']:.2f}% | {med['container']:.5g} | {cv['container']:.2f}% | "
          f"{ratio:.4f} | {'PASS' if ok else 'FAIL'} | {low:.2f} | {qr} |")
print()
lim = {e: envs[e].get("config", {}).get("limits", {}) for e in ("bare", "container")}
print(f"# limits: bare {lim['bare'].get('cpus')} CPU(s) {lim['bare'].get('memory_bytes')} B; "
      f"container {lim['container'].get('cpus')} CPU(s) {lim['container'].get('memory_bytes')} B")
for w in run["workloads"]:
    print(f"# {w['name']}: params {w.get('params')}")
sys.exit(1 if (fail and strict) else 0)
EOF
