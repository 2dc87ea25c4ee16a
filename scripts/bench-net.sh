#!/bin/sh
# bench-net.sh - vbench net.stream and net.rr on bare metal against iperf3
# and sockperf over loopback, measured in the same run, reported as ratios.
#
# What it measures: the TCP throughput of one connection (net.stream, 128 KiB
# writes of a fixed byte count) next to iperf3 with the same byte count and
# write size, and the median TCP round trip of 14-byte messages (net.rr
# size=14) next to sockperf ping-pong --tcp --full-rtt with 14-byte
# messages (sockperf's smallest).  Each server on CPU E (vbench's
# environment CPU), each client on CPU H (the harness CPU), as vbench
# places them.
#
# How: N rounds, each one iperf3 run and one `vbench run --env bare
# --workload net.stream --reps 1` with the same 1 GiB, then one sockperf run
# (2 s) and one vbench net.rr of 50,000 transactions, the order flipping
# every round so that drift on this shared host hits both alike; the
# medians of the N values of each are compared, every value shown.
# Targets (issue #15): throughput within 10%, p50 within 10%.
#
# Usage: scripts/bench-net.sh [-n N] [--cpus E,H] [--strict]
#   env N, CPUS, VBENCH do the same.
#   Exit 0 when it ran (PASS/FAIL printed), 1 on FAIL with --strict, 2 bad
#   usage, 3 a tool is missing.
# Never run by `make test`: it takes about two minutes.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-5}
CPUS=${CPUS:-1,0}
VBENCH=${VBENCH:-$here/bench/vbench}
strict=0

usage() {
	sed -n '/^# Usage:/,/^# Never/p' "$0" | sed 's/^# \{0,1\}//'
	exit "$1"
}
while [ $# -gt 0 ]; do
	case "$1" in
	-n) N=$2; shift 2 ;;
	--cpus) CPUS=$2; shift 2 ;;
	--strict) strict=1; shift ;;
	-h|--help) usage 0 ;;
	*) echo "bench-net: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
done
case "$N" in ''|*[!0-9]*) echo "bench-net: -n: '$N' (expected a whole number)" >&2; exit 2 ;; esac
E=${CPUS%%,*}
H=${CPUS#*,}
for t in iperf3 sockperf taskset python3; do
	command -v "$t" >/dev/null || { echo "bench-net: $t is missing (scripts/install-deps.sh)" >&2; exit 3; }
done
[ -x "$VBENCH" ] || { echo "bench-net: $VBENCH not built (make)" >&2; exit 3; }

tmp=$(mktemp -d /tmp/vbench-benchnet-XXXXXX)
srv=""
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A free TCP port on loopback.
port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# iperf3 once: Gbit/s received.
iperf() {
	p=$(port)
	taskset -c "$E" iperf3 -s -1 -p "$p" >/dev/null 2>&1 &
	srv=$!
	sleep 0.3
	taskset -c "$H" iperf3 -c 127.0.0.1 -p "$p" -n "$1" -l 128K -J >"$tmp/iperf.json"
	wait "$srv" 2>/dev/null || true
	srv=""
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e9)' "$tmp/iperf.json"
}

# sockperf once: p50 round trip in us.
sock() {
	p=$(port)
	taskset -c "$E" sockperf server --tcp -i 127.0.0.1 -p "$p" >/dev/null 2>&1 &
	srv=$!
	sleep 0.3
	taskset -c "$H" sockperf ping-pong --tcp --full-rtt -i 127.0.0.1 -p "$p" -m 14 -t 2 2>&1 |
		sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p'
	kill "$srv" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	srv=""
}

median() {
	python3 -c 'import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print("%.4g" % statistics.median(v))' "$@"
}

echo "bench-net: $(date -u +%Y-%m-%dT%H:%MZ) host $(hostname), load $(cut -d' ' -f1-3 /proc/loadavg), N=$N, server CPU $E, client CPU $H"
bytes=1073741824
trans=50000

# vbench once, one repetition of @1 with fixed parameters @2...: the metric
# @1's median (one value).
vb() {
	wl=$1 metric=$2
	shift 2
	rm -rf "$tmp/run"
	"$VBENCH" run --env bare --workload "$wl" "$@" --reps 1 --cpus-list "$E" \
		--profile quick --quiet --out "$tmp/run" >/dev/null
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]+"/run.json")); print([r["result"]["metrics"][sys.argv[2]] for r in d["repetitions"] if r["ok"]][0])' "$tmp/run" "$metric"
}

vs="" is="" vr="" sr=""
k=0
while [ "$k" -lt "$N" ]; do
	# the order flips every round: drift hits both alike
	if [ $((k % 2)) = 0 ]; then
		is="$is $(iperf $bytes)"
		vs="$vs $(vb net.stream gbit_s --param net.stream.bytes=$bytes)"
		sr="$sr $(sock)"
		vr="$vr $(vb net.rr p50_us --param net.rr.size=14 --param net.rr.transactions=$trans)"
	else
		vs="$vs $(vb net.stream gbit_s --param net.stream.bytes=$bytes)"
		is="$is $(iperf $bytes)"
		vr="$vr $(vb net.rr p50_us --param net.rr.size=14 --param net.rr.transactions=$trans)"
		sr="$sr $(sock)"
	fi
	k=$((k + 1))
done
fail=0
python3 - "$N" "$bytes" "$trans" "$vs" "$is" "$vr" "$sr" <<'PY' || fail=1
import statistics, sys
n, b, t = sys.argv[1:4]
vs, is_, vr, sr = ([float(x) for x in a.split()] for a in sys.argv[4:8])
vg, ig, vp, sp = (statistics.median(v) for v in (vs, is_, vr, sr))
r1, r2 = vg / ig, vp / sp
ok1, ok2 = abs(r1 - 1) <= 0.10, abs(r2 - 1) <= 0.10
fmt = lambda v: " ".join("%.3g" % x for x in v)
print("net.stream  vbench %.3g Gbit/s [%s]  iperf3 %.3g Gbit/s [%s]  (%s bytes, 128 KiB writes, %s rounds)  ratio %.3f  %s"
      % (vg, fmt(vs), ig, fmt(is_), b, n, r1, "PASS" if ok1 else "FAIL"))
print("net.rr p50  vbench %.3g us [%s] (%s transactions)  sockperf %.3g us [%s] (2 s, full RTT)  (14-byte messages)  ratio %.3f  %s"
      % (vp, fmt(vr), t, sp, fmt(sr), r2, "PASS" if ok2 else "FAIL"))
sys.exit(0 if ok1 and ok2 else 1)
PY
[ "$fail" = 1 ] && [ "$strict" = 1 ] && exit 1
exit 0
