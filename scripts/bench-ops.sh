#!/bin/sh
# bench-ops.sh - save, restore and live migration (`vbench run --ops`)
# against the reference in the same run: QEMU's own migration statistics.
#
# Runs `vbench run --env ENVS --workload cpu.int --profile standard --ops all
# --ops-reps REPS --memory SIZE --density 0 --noisy=none --runtime runc` (or reads the run directory given
# with --dir) and prints, per repetition of each live migration:
#   qemu_downtime   QEMU's downtime (query-migrate "downtime": the source's,
#                   from stopping the guest to the end of the stream)
#   heartbeat_gap   vbench's: the longest gap between two of the agent's
#                   beats (every 10 ms) as the host received them
#   guest_gap       the agent's own: the longest gap between two beats on
#                   the guest's clock (which stops while the guest is paused)
#   excess          heartbeat_gap - qemu_downtime - one heartbeat period: the
#                   pause the guest's peers saw beyond QEMU's figure
# then the medians, and per environment the save and restore times with the
# image size against the working set.  Check: the heartbeat never saw less
# than QEMU's downtime (a gap shorter than the pause would be a wrong
# measurement); the excess is reported, not judged.
#
# Usage: scripts/bench-ops.sh [--envs hosted,gvisor] [--reps N] [--memory SIZE]
#                             [--dirty-rate PAGES] [--dir RUN]
#   Needs root, QEMU (and runsc for gvisor; for oci, runc is asked and a
#   CRIU that works first on PATH: scripts/criu.sh fetch DIR).  Exit 0 when it ran, 1 when a
#   check failed or a repetition failed, 2 bad usage, 3 vbench not built.
# Never run by `make test`.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
VBENCH=${VBENCH:-$here/bench/vbench}
envs=hosted,gvisor
reps=5
memory=1G
rate=4096
dir=

usage() {
	sed -n '/^# Usage:/,/^# Never/p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--envs) [ $# -ge 2 ] || usage; envs=$2; shift 2 ;;
	--reps) [ $# -ge 2 ] || usage; reps=$2; shift 2 ;;
	--memory) [ $# -ge 2 ] || usage; memory=$2; shift 2 ;;
	--dirty-rate) [ $# -ge 2 ] || usage; rate=$2; shift 2 ;;
	--dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
	*) usage ;;
	esac
done
case "$reps" in '' | *[!0-9]*) echo "bench-ops: --reps wants a number, got '$reps'" >&2; exit 2 ;; esac
[ -x "$VBENCH" ] || { echo "bench-ops: $VBENCH not built (make)" >&2; exit 3; }

if [ -z "$dir" ]; then
	dir=$(mktemp -d /var/tmp/bench-ops.XXXXXX)
	rmdir "$dir"
	echo "bench-ops: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	"$VBENCH" run --env "$envs" --workload cpu.int --profile standard --ops all \
		--ops-reps "$reps" --memory "$memory" --migrate-dirty-rate "$rate" --density 0 \
		--noisy=none --runtime runc --out "$dir" \
		--quiet >/dev/null || true
	echo "bench-ops: run directory $dir (--memory $memory --migrate-dirty-rate $rate)"
fi

python3 - "$dir/run.json" <<'EOF'
import json, statistics, sys

doc = json.load(open(sys.argv[1]))
ops = doc.get("operations") or sys.exit("bench-ops: the run has no operations")
period = ops.get("heartbeat_period_ms", 10)
ws = ops["working_set_bytes"]
bad = 0

def med(xs):
    return statistics.median(xs) if xs else float("nan")

print(f"working set {ws / 2**20:.0f} MiB, heartbeat every {period} ms, "
      f"{ops['dirty_pages_per_s']} pages/s dirtied, {ops['reps']} repetitions")
for e in ops["environments"]:
    name = e["env"]
    if e.get("failed"):
        bad += 1
        print(f"{name:8} lost during the operations: {e['failed'][:200]}")
    for key in ("save", "restore"):
        if key not in e:
            continue
        o = e[key]
        if "unavailable" in o:
            print(f"{name:8} {key:8} not measured: {o['unavailable']}")
            continue
        reps = [r for r in o.get("reps", []) if r["ok"]]
        bad += len(o.get("reps", [])) - len(reps)
        t = [r["time_ns"] / 1e6 for r in reps]
        line = f"{name:8} {key:8} median {med(t):8.1f} ms over {len(t)}"
        if key == "save":
            img = [r["image_bytes"] / 2**20 for r in reps]
            xz = [r["image_xz_bytes"] / 2**20 for r in reps if "image_xz_bytes" in r]
            line += f", image {med(img):.0f} MiB ({med(img) * 2**20 / ws:.2f} x the working set)"
            if xz:
                line += f", xz {med(xz):.0f} MiB"
        print(line)
    for key in ("migrate", "migrate-tuned"):
        o = e.get(key, {})
        if "unavailable" in o:
            print(f"{name:8} {key:14} not measured: {o['unavailable']}")
            continue
        if not o.get("reps"):
            continue
        print(f"{name:8} {key:14} {'rep':>3} {'qemu_downtime':>13} {'heartbeat_gap':>13} "
              f"{'guest_gap':>9} {'excess':>7} {'total':>7}  (ms)")
        ex, dq, hg = [], [], []
        for r in o["reps"]:
            if not r["ok"]:
                bad += 1
                print(f"{'':23} {r['rep']:>3} failed: {r.get('error', '?')[:140]}")
                continue
            q = r.get("qemu_downtime_ms")
            h = r["heartbeat_gap_ns"] / 1e6
            g = r.get("guest_gap_ns", 0) / 1e6
            x = h - q - period
            ex.append(x); dq.append(q); hg.append(h)
            if h + 1 < q:
                bad += 1
                print(f"{'':23} CHECK FAILED: the heartbeat saw {h:.1f} ms, less than QEMU's {q} ms")
            print(f"{'':23} {r['rep']:>3} {q:>13} {h:>13.1f} {g:>9.1f} {x:>7.1f} "
                  f"{r['time_ns'] / 1e6:>7.0f}")
        print(f"{'':23} med {med(dq):>13} {med(hg):>13.1f} {'':>9} {med(ex):>7.1f}")
sys.exit(1 if bad else 0)
EOF
