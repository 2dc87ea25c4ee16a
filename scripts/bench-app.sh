#!/bin/sh
# bench-app.sh - vbench app.redis and app.nginx on bare metal against
# redis-benchmark and wrk against a plainly started redis-server and nginx,
# measured in the same run, reported as ratios.
#
# What it measures: app.redis's requests per second of SET and GET together
# (its primary metric, 2 / (1/SET + 1/GET)) and GET p50, with the same
# parameters on both sides (16 connections, 64-byte values, 10,000 keys, R
# requests of each test); app.nginx's requests per second of a 4 KiB file
# from 16 keep-alive connections of one wrk thread for S seconds, and its
# p50.  The plain servers are the host's binaries with the configuration
# the workloads give them, on CPU E (vbench's environment CPU), the load
# generators on CPU H (the harness CPU), as vbench places them.
#
# How: N rounds, each one plain run and one `vbench run --env bare
# --workload W --reps 1` of each workload, the order flipping every round
# so that drift on this shared host hits both alike; the verdict is the
# median of the N rounds' ratios (each round's two runs share the host's
# state, which on this shared host flips between two levels 20% apart),
# the medians of each side and every value shown too.  Target (issue #15):
# requests per second within 5%.
#
# Usage: scripts/bench-app.sh [-n N] [-r REQUESTS] [-s SECONDS] [--cpus E,H] [--strict]
#   env N, REQUESTS, SECS, CPUS, VBENCH do the same.
#   Exit 0 when it ran (PASS/FAIL printed), 1 on FAIL with --strict, 2 bad
#   usage, 3 a tool is missing.
# Never run by `make test`: it takes about two minutes.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-7}
REQUESTS=${REQUESTS:-200000}
SECS=${SECS:-3}
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
	-s) SECS=$2; shift 2 ;;
	--cpus) CPUS=$2; shift 2 ;;
	--strict) strict=1; shift ;;
	-h|--help) usage 0 ;;
	*) echo "bench-app: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
done
for v in "$N" "$REQUESTS" "$SECS"; do
	case "$v" in ''|*[!0-9]*) echo "bench-app: '$v' (expected a whole number)" >&2; exit 2 ;; esac
done
E=${CPUS%%,*}
H=${CPUS#*,}
for t in redis-server redis-benchmark redis-cli nginx wrk taskset python3; do
	command -v "$t" >/dev/null || { echo "bench-app: $t is missing (scripts/install-deps.sh apps)" >&2; exit 3; }
done
[ -x "$VBENCH" ] || { echo "bench-app: $VBENCH not built (make)" >&2; exit 3; }

tmp=$(mktemp -d /tmp/vbench-benchapp-XXXXXX)
srv=""
# The plain servers start inside $(...): their pid goes to a file the
# cleanup reads, so a Ctrl-C or a failed load generator stops them too.
cleanup() {
	[ -s "$tmp/srv.pid" ] && kill "$(cat "$tmp/srv.pid")" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A free TCP port on loopback.
port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Remember the plain server just started ($!).
started() {
	srv=$1
	echo "$srv" >"$tmp/srv.pid"
}

# Stop the plain server.
stop() {
	kill "$srv" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	srv=""
	: >"$tmp/srv.pid"
}

# The plain redis-server and redis-benchmark once: "rps get_p50_us".
plain_redis() {
	p=$(port)
	taskset -c "$E" redis-server --port "$p" --bind 127.0.0.1 --save "" --appendonly no \
		--protected-mode no --daemonize no --dir /tmp --logfile "" >/dev/null 2>&1 &
	started $!
	i=0
	until redis-cli -p "$p" ping >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || { echo "bench-app: redis-server did not start" >&2; exit 3; }
		sleep 0.05
	done
	taskset -c "$H" redis-benchmark -h 127.0.0.1 -p "$p" -c 16 -n "$REQUESTS" -d 64 -r 10000 \
		-t set,get --csv >"$tmp/plain.csv"
	stop
	python3 - "$tmp/plain.csv" <<'PY'
import csv, sys
rows = {r[0]: r for r in csv.reader(open(sys.argv[1])) if r and r[0] in ("SET", "GET")}
s, g = float(rows["SET"][1]), float(rows["GET"][1])
print(2 / (1 / s + 1 / g), float(rows["GET"][4]) * 1000)
PY
}

# The plain nginx (app.nginx's configuration) and wrk once: "rps p50_us".
plain_nginx() {
	p=$(port)
	d="$tmp/nginx"
	rm -rf "$d"
	mkdir -p "$d/www"
	head -c 4096 /dev/urandom >"$d/www/f"
	printf '%s\n' "user root root;" "daemon off;" "master_process off;" "worker_processes 1;" \
		"pid $d/nginx.pid;" "error_log stderr;" "events { worker_connections 16384; }" \
		"http {" " access_log off;" " sendfile on;" \
		" keepalive_requests 100000000;" " keepalive_timeout 65;" \
		" default_type application/octet-stream;" " client_body_temp_path $d/body;" \
		" proxy_temp_path $d/proxy;" " fastcgi_temp_path $d/fastcgi;" \
		" uwsgi_temp_path $d/uwsgi;" " scgi_temp_path $d/scgi;" \
		" server { listen 127.0.0.1:$p; root $d/www; }" "}" >"$d/nginx.conf"
	taskset -c "$E" nginx -e stderr -p "$d/" -c "$d/nginx.conf" >/dev/null 2>&1 &
	started $!
	sleep 0.3
	taskset -c "$H" wrk -t 1 -c 16 -d "${SECS}s" --latency "http://127.0.0.1:$p/f" >"$tmp/wrk.txt"
	stop
	python3 - "$tmp/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s*([0-9.]+)", t).group(1))
v, u = re.search(r"\n\s*50%\s+([0-9.]+)(us|ms|s)", t).groups()
print(rps, float(v) * {"us": 1, "ms": 1e3, "s": 1e6}[u])
PY
}

# vbench once, one repetition of workload $1 with parameter $2: metrics $3 $4.
vb() {
	rm -rf "$tmp/run"
	"$VBENCH" run --env bare --workload "$1" --param "$2" \
		--reps 1 --cpus-list "$E" --profile quick --quiet --out "$tmp/run" >/dev/null
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]+"/run.json")); m=[r["result"]["metrics"] for r in d["repetitions"] if r["ok"]][0]; print(m[sys.argv[2]], m[sys.argv[3]])' "$tmp/run" "$3" "$4"
}
vb_redis() { vb app.redis app.redis.requests="$REQUESTS" rps get_p50_us; }
vb_nginx() { vb app.nginx app.nginx.seconds="$SECS" rps p50_us; }

echo "bench-app: $(date -u +%Y-%m-%dT%H:%MZ) host $(hostname), load $(cut -d' ' -f1-3 /proc/loadavg), N=$N, redis: $REQUESTS requests of each test, nginx: $SECS s of a 4 KiB file, server CPU $E, client CPU $H, $(redis-server --version | cut -d' ' -f1-3), $(nginx -v 2>&1 | cut -d' ' -f3)"
out=""
k=0
while [ "$k" -lt "$N" ]; do
	# the order flips every round: drift hits both alike
	if [ $((k % 2)) = 0 ]; then
		out="$out RP $(plain_redis) RV $(vb_redis) NP $(plain_nginx) NV $(vb_nginx)"
	else
		out="$out RV $(vb_redis) RP $(plain_redis) NV $(vb_nginx) NP $(plain_nginx)"
	fi
	k=$((k + 1))
done
fail=0
# shellcheck disable=SC2086 # $out is the list of words, split on purpose
python3 - "$N" $out <<'PY' || fail=1
import statistics, sys
n = sys.argv[1]
a = sys.argv[2:]
v = {"RP": [], "RV": [], "NP": [], "NV": []}
for i in range(0, len(a), 3):
    v[a[i]].append((float(a[i + 1]), float(a[i + 2])))
fmt = lambda xs: " ".join("%.4g" % x for x in xs)
ok = True
for wl, key, p50 in (("app.redis", "R", "GET p50"), ("app.nginx", "N", "p50")):
    for j, (name, unit, target) in enumerate((("rps", "req/s", 0.05), (p50, "us", None))):
        vx, px = [x[j] for x in v[key + "V"]], [x[j] for x in v[key + "P"]]
        r = statistics.median(a / b for a, b in zip(vx, px))  # round by round
        verdict = ""
        if target is not None:
            verdict = "PASS" if abs(r - 1) <= target else "FAIL"
            ok = ok and verdict == "PASS"
        print("%s %-7s vbench %.4g %s [%s]  plain %.4g %s [%s]  (%s rounds)  median round ratio %.3f  %s"
              % (wl, name, statistics.median(vx), unit, fmt(vx), statistics.median(px), unit,
                 fmt(px), n, r, verdict or "(shown, no target)"))
sys.exit(0 if ok else 1)
PY
echo "bench-app: load after $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$fail" = 1 ] && [ "$strict" = 1 ] && exit 1
exit 0
