#!/bin/sh
# bench-app.sh - vbench app.redis on bare metal against redis-benchmark
# against a plainly started redis-server, measured in the same run,
# reported as ratios.
#
# What it measures: requests per second of SET and GET together (the
# primary metric, 2 / (1/SET + 1/GET)) and the GET p50, with the same
# parameters on both sides: 16 connections, 64-byte values, 10,000 keys,
# R requests of each test.  The plain server is the host's redis-server with
# the command line app.redis gives it, on CPU E (vbench's environment CPU),
# redis-benchmark on CPU H (the harness CPU), as vbench places them.
#
# How: N rounds, each one plain redis-benchmark run and one `vbench run
# --env bare --workload app.redis --reps 1` with the same requests, the
# order flipping every round so that drift on this shared host hits both
# alike; the medians of the N values of each are compared, every value
# shown.  Target (issue #15): within 5%.
#
# Usage: scripts/bench-app.sh [-n N] [-r REQUESTS] [--cpus E,H] [--strict]
#   env N, REQUESTS, CPUS, VBENCH do the same.
#   Exit 0 when it ran (PASS/FAIL printed), 1 on FAIL with --strict, 2 bad
#   usage, 3 a tool is missing.
# Never run by `make test`: it takes about a minute.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-7}
REQUESTS=${REQUESTS:-200000}
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
	-r) REQUESTS=$2; shift 2 ;;
	--cpus) CPUS=$2; shift 2 ;;
	--strict) strict=1; shift ;;
	-h|--help) usage 0 ;;
	*) echo "bench-app: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
done
for v in "$N" "$REQUESTS"; do
	case "$v" in ''|*[!0-9]*) echo "bench-app: '$v' (expected a whole number)" >&2; exit 2 ;; esac
done
E=${CPUS%%,*}
H=${CPUS#*,}
for t in redis-server redis-benchmark taskset python3; do
	command -v "$t" >/dev/null || { echo "bench-app: $t is missing (scripts/install-deps.sh apps)" >&2; exit 3; }
done
[ -x "$VBENCH" ] || { echo "bench-app: $VBENCH not built (make)" >&2; exit 3; }

tmp=$(mktemp -d /tmp/vbench-benchapp-XXXXXX)
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

# The plain server and redis-benchmark once: "rps get_p50_us".
plain() {
	p=$(port)
	taskset -c "$E" redis-server --port "$p" --bind 127.0.0.1 --save "" --appendonly no \
		--protected-mode no --daemonize no --dir /tmp --logfile "" >/dev/null 2>&1 &
	srv=$!
	i=0
	until redis-cli -p "$p" ping >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || { echo "bench-app: redis-server did not start" >&2; exit 3; }
		sleep 0.05
	done
	taskset -c "$H" redis-benchmark -h 127.0.0.1 -p "$p" -c 16 -n "$REQUESTS" -d 64 -r 10000 \
		-t set,get --csv >"$tmp/plain.csv"
	kill "$srv" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	srv=""
	python3 - "$tmp/plain.csv" <<'PY'
import csv, sys
rows = {r[0]: r for r in csv.reader(open(sys.argv[1])) if r and r[0] in ("SET", "GET")}
s, g = float(rows["SET"][1]), float(rows["GET"][1])
print(2 / (1 / s + 1 / g), float(rows["GET"][4]) * 1000)
PY
}

# vbench once, one repetition: "rps get_p50_us".
vb() {
	rm -rf "$tmp/run"
	"$VBENCH" run --env bare --workload app.redis --param app.redis.requests="$REQUESTS" \
		--reps 1 --cpus-list "$E" --profile quick --quiet --out "$tmp/run" >/dev/null
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]+"/run.json")); m=[r["result"]["metrics"] for r in d["repetitions"] if r["ok"]][0]; print(m["rps"], m["get_p50_us"])' "$tmp/run"
}

echo "bench-app: $(date -u +%Y-%m-%dT%H:%MZ) host $(hostname), load $(cut -d' ' -f1-3 /proc/loadavg), N=$N, $REQUESTS requests of each test, server CPU $E, client CPU $H, $(redis-server --version | cut -d' ' -f1-3)"
out=""
k=0
while [ "$k" -lt "$N" ]; do
	# the order flips every round: drift hits both alike
	if [ $((k % 2)) = 0 ]; then
		out="$out P $(plain) V $(vb)"
	else
		out="$out V $(vb) P $(plain)"
	fi
	k=$((k + 1))
done
fail=0
# shellcheck disable=SC2086 # $out is the list of words, split on purpose
python3 - "$N" "$REQUESTS" $out <<'PY' || fail=1
import statistics, sys
n, req = sys.argv[1:3]
a = sys.argv[3:]
v = {"P": [], "V": []}
for i in range(0, len(a), 3):
    v[a[i]].append((float(a[i + 1]), float(a[i + 2])))
fmt = lambda xs: " ".join("%.4g" % x for x in xs)
ok = True
for j, (name, unit, target) in enumerate((("rps", "req/s", 0.05), ("GET p50", "us", None))):
    vx, px = [x[j] for x in v["V"]], [x[j] for x in v["P"]]
    r = statistics.median(vx) / statistics.median(px)
    verdict = ""
    if target is not None:
        verdict = "PASS" if abs(r - 1) <= target else "FAIL"
        ok = ok and verdict == "PASS"
    print("app.redis %-8s vbench %.4g %s [%s]  plain %.4g %s [%s]  (%s rounds)  ratio %.3f  %s"
          % (name, statistics.median(vx), unit, fmt(vx), statistics.median(px), unit, fmt(px),
             n, r, verdict or "(shown, no target: redis-benchmark reports ms with 3 decimals)"))
sys.exit(0 if ok else 1)
PY
echo "bench-app: load after $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$fail" = 1 ] && [ "$strict" = 1 ] && exit 1
exit 0
