#!/bin/sh
# interrupt-matrix.sh - interrupt `vbench run` at every kind of point with
# SIGINT and with SIGKILL and tabulate what happened: the exit, what a killed
# run left (what `vbench clean --dry-run` would remove), what `vbench clean`
# removed, what is left after that (processes, cgroups, mounts, temporary
# files named with the run's PID, engine containers), the repetitions kept,
# and whether `vbench run --resume` (or `vbench report` for the report point)
# finished the run.  The figures of docs/reliability.md section 4 come from
# it; tests/check_interrupt.c asserts the same outcomes in `make test`.
#
# The points are lib/testpoint.h's: vbench stops itself (SIGSTOP) at
# the point named by VBENCH_TEST_STOP_AT, this script sends the signal.
#
# Usage: scripts/interrupt-matrix.sh [ENV ...]   (default: bare container
#        oci hosted podman; needs root; an environment that cannot run here is
#        listed as skipped).  Markdown on stdout.  Never run by `make test`.
set -eu
cd "$(dirname "$0")/.."
VBENCH=${VBENCH:-./bench/vbench}
[ -x "$VBENCH" ] || { echo "interrupt-matrix: $VBENCH not built (make)" >&2; exit 3; }
[ "$(id -u)" = 0 ] || { echo "interrupt-matrix: needs root" >&2; exit 3; }
ENVS=${*:-bare container oci hosted podman}
TMP=$(mktemp -d /var/tmp/vbench-imatrix-XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
export VBENCH_STATE_DIR="$TMP/state"

# state PID: the process state letter, or "gone"
state() {
	s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo gone; return; }
	s=${s##*) }
	echo "${s%% *}"
}

# leftovers PID: what carries the run's PID (the way tests/debris.c looks)
leftovers() {
	n=0
	for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
		for c in "$d"/vbench-"$1"-*; do [ -e "$c" ] && n=$((n + 1)); done
	done
	for t in /var/tmp /tmp; do
		for f in "$t"/vbench-*-"$1"-*; do [ -e "$f" ] && n=$((n + 1)); done
	done
	m=$(grep -c "vbench.*-$1-" /proc/self/mountinfo || true)
	n=$((n + m))
	if command -v podman >/dev/null 2>&1; then
		c=$(podman ps -a --format '{{.Names}}' 2>/dev/null | grep -c "^vbench-$1-" || true)
		n=$((n + c))
	fi
	echo "$n"
}

reps_of() { # DIR ENV: repetitions of ENV in DIR/run.json, and the status
	/usr/bin/python3 - "$1/run.json" "$2" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("unreadable"); sys.exit(0)
r = [x for x in d.get("repetitions", []) if x.get("env") == sys.argv[2]]
print("%d (%s)" % (len(r), d.get("status")))
EOF
}

can_run() {
	case $1 in
	hosted) [ -x /usr/bin/qemu-system-x86_64 ] ;;
	podman) command -v podman >/dev/null 2>&1 ;;
	*) true ;;
	esac
}

echo "| environment | point | signal | exit | left by the kill | removed by \`vbench clean\` | left at the end | repetitions kept (status) | finished by | result |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for env in $ENVS; do
	for point in "start:$env" "workload:$env:2" report; do
		[ "$point" = report ] && [ "$env" != bare ] && continue
		for sig in INT KILL; do
			if ! can_run "$env"; then
				echo "| $env | $point | $sig | skipped: not installed | | | | | | |"
				continue
			fi
			dir="$TMP/$env-$(echo "$point" | tr : _)-$sig"
			VBENCH_TEST_STOP_AT=$point "$VBENCH" run --env "$env" --workload cpu.int \
				--profile test --reps 2 --quiet --out "$dir" >/dev/null 2>"$dir.log" &
			pid=$!
			i=0
			while [ "$(state $pid)" != T ] && [ "$(state $pid)" != gone ] && [ $i -lt 2400 ]; do
				sleep 0.05
				i=$((i + 1))
			done
			if [ "$(state $pid)" != T ]; then
				echo "| $env | $point | $sig | never reached the point | | | | | | |"
				wait $pid || true
				continue
			fi
			kill -"$sig" $pid
			[ $sig = KILL ] || kill -CONT $pid
			rc=0
			wait $pid || rc=$?
			sleep 1
			left=$(leftovers $pid)
			would=$("$VBENCH" clean --dry-run 2>&1 | grep -c '^  would remove' || true)
			removed=$("$VBENCH" clean 2>&1 | grep -c '^  removed' || true)
			sleep 1
			end=$(leftovers $pid)
			kept=$(reps_of "$dir" "$env")
			if [ "$point" = report ]; then
				how="vbench report"
				"$VBENCH" report --quiet "$dir" >/dev/null 2>&1 && res=ok || res="exit $?"
			else
				how="--resume"
				"$VBENCH" run --resume "$dir" --quiet >/dev/null 2>&1 && res="ok: $(reps_of "$dir" "$env")" || res="exit $?"
			fi
			echo "| $env | $point | $sig | $rc | $left ($would in the marker) | $removed | $end | $kept | $how | $res |"
		done
	done
done
