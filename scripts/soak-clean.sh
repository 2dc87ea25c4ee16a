#!/bin/bash
# soak-clean.sh - issue #11's soak of `vbench clean`: N runs of
# `vbench run --env bare,container,oci` (default N=50), each SIGKILLed at a
# random moment, then `vbench clean`, with decoys planted beside every killed
# run under names as close to vbench's as possible:
#   - a directory /var/tmp/vbench-scratch-<pid>-decoy and a file
#     /tmp/vbench-vm-<pid>-decoy (the run's PID, no run id),
#   - a directory /var/tmp/vbench-rootfs-<pid>-<another token>-decoy (the
#     run's PID and a well-formed run id that is not the run's),
#   - a cgroup vbench-<pid>-bare (the pre-run-id name of the run's own
#     cgroup) in the memory hierarchy, holding an unrelated `sleep` whose
#     environment says VBENCH_RUN_ID=<pid>-<another token>,
#   - an unrelated `sleep` with an empty environment.
# After each clean: nothing of the run left (processes carrying its run id,
# cgroups, /var/tmp and /tmp entries, mounts, OCI containers, its marker),
# every decoy intact and both sleeps alive, and `vbench run --resume` of the
# run directory completes it (exit 0, status complete).  A run killed before
# it wrote run.json has nothing to resume: counted apart (its directory must
# then be absent or empty: a failed run leaves no run directory).
#
# Usage: scripts/soak-clean.sh [N]   (root; about 10-15 s a run here).
# Prints one line per run and a summary in Markdown; exit 0 when every
# check held, 1 otherwise.  Never run by `make test`.
set -u
cd "$(dirname "$0")/.."
VBENCH=${VBENCH:-./bench/vbench}
N=${1:-50}
[ -x "$VBENCH" ] || { echo "soak-clean: $VBENCH not built (make)" >&2; exit 3; }
[ "$(id -u)" = 0 ] || { echo "soak-clean: needs root" >&2; exit 3; }
TMP=$(mktemp -d /var/tmp/soak-clean-XXXXXX)
export VBENCH_STATE_DIR="$TMP/state"
CG=/sys/fs/cgroup/memory
DECOYS=()   # paths
SLEEPS=()   # PIDs
cleanup() {
	for p in "${SLEEPS[@]}"; do kill -9 "$p" 2>/dev/null; done
	sleep 0.2
	for d in "${DECOYS[@]}"; do
		case $d in
		"$CG"/*) rmdir "$d" 2>/dev/null ;;
		*) rm -rf "$d" ;;
		esac
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# An unrelated sleep: empty environment, or VBENCH_RUN_ID=$1, in cgroup $2.
decoy_sleep() {
	local id=$1 cg=$2 pid
	if [ -n "$id" ]; then
		env -i VBENCH_RUN_ID="$id" /bin/sleep 100000 &
	else
		env -i /bin/sleep 100000 &
	fi
	pid=$!
	disown "$pid"
	[ -n "$cg" ] && echo "$pid" >"$cg/cgroup.procs"
	SLEEPS+=("$pid")
}

alive() { [ -e "/proc/$1" ] && ! grep -q '^[^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

# What still carries run id $1 (a list, one a line).
leftovers() {
	local id=$1 f p
	for f in /sys/fs/cgroup/*/vbench-"$id"-* /sys/fs/cgroup/vbench-"$id"-* \
		/var/tmp/*"$id"* /tmp/*"$id"* /var/tmp/vbench-*/*"$id"* \
		/var/cache/vbench/*/.*"$id"*; do
		[ -e "$f" ] && echo "$f"
	done
	for p in /proc/[0-9]*; do
		{ tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qx "VBENCH_RUN_ID=$id" &&
			echo "process ${p#/proc/} ($(cat "$p/comm" 2>/dev/null))"
	done
	grep "$id" /proc/self/mountinfo | awk '{print "mount " $5}'
	for rt in crun runc; do
		[ -d "/run/$rt" ] && ls "/run/$rt" 2>/dev/null | grep "$id" | sed "s/^/$rt container /"
	done
	ls "$VBENCH_STATE_DIR" 2>/dev/null | grep -q . && grep -l "\"run_id\":\"$id\"" \
		"$VBENCH_STATE_DIR"/*.jsonl 2>/dev/null | sed 's/^/marker /'
	return 0
}

status_of() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("status"))' "$1" \
		2>/dev/null || echo unreadable
}

decoy_sleep "" ""
UNRELATED=${SLEEPS[0]}
ok=0 bad=0 before_json=0 resumed=0 removed_total=0
echo "| run | killed after | run id | clean removed (marker included) | left | decoys | resume |"
echo "|---|---|---|---|---|---|---|"
for i in $(seq 1 "$N"); do
	out="$TMP/run$i"
	t0=$(date +%s.%N)
	"$VBENCH" run --env bare,container,oci --workload 'cpu.int,mem.stream,io.randread' \
		--profile test --reps 15 --density 0 --noisy=none --quiet --out "$out" \
		>/dev/null 2>"$TMP/run$i.err" &
	pid=$!
	# A random moment 0 to 6 s after the start (these runs take about 7-8 s
	# here; set-up and the environments' starts take the first 0.3 s).
	delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", (r / 32767.0) * 6 }')
	rest=$(awk -v d="$delay" -v t0="$t0" -v now="$(date +%s.%N)" \
		'BEGIN { r = d - (now - t0); printf "%.3f", (r > 0 ? r : 0) }')
	sleep "$rest"
	delay=$(awk -v t0="$t0" -v now="$(date +%s.%N)" 'BEGIN { printf "%.2f", now - t0 }')
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	id=$(sed -n '1s/.*"run_id":"\([^"]*\)".*/\1/p' "$VBENCH_STATE_DIR/$pid"-*.jsonl 2>/dev/null | head -1)
	# Decoys under the names this run's PID gives, planted after the kill,
	# before the clean (and present at every later run's start, which
	# cleans too).
	mkdir -p "/var/tmp/vbench-scratch-$pid-decoy" && echo keep >"/var/tmp/vbench-scratch-$pid-decoy/data"
	fake="$pid-$(printf '%012x' $((RANDOM * RANDOM)))"
	mkdir -p "/var/tmp/vbench-rootfs-$fake-decoy"
	echo keep >"/tmp/vbench-vm-$pid-decoy"
	DECOYS+=("/var/tmp/vbench-scratch-$pid-decoy" "/var/tmp/vbench-rootfs-$fake-decoy" "/tmp/vbench-vm-$pid-decoy")
	if mkdir "$CG/vbench-$pid-bare" 2>/dev/null; then
		DECOYS+=("$CG/vbench-$pid-bare")
		decoy_sleep "$fake" "$CG/vbench-$pid-bare"
	fi
	cl=$("$VBENCH" clean 2>&1)
	n=$(printf '%s\n' "$cl" | grep -c '^  removed ' || true)
	removed_total=$((removed_total + n))
	left=""
	[ -n "$id" ] && left=$(leftovers "$id")
	# Nothing named with the PID but no run id may be left either, decoys aside.
	for f in /sys/fs/cgroup/*/vbench-"$pid"-* /var/tmp/vbench-*-"$pid"-* /tmp/vbench-*-"$pid"-*; do
		[ -e "$f" ] || continue
		case " ${DECOYS[*]} " in *" $f "*) ;; *) left="$left $f" ;; esac
	done
	dec=""
	for d in "${DECOYS[@]}"; do [ -e "$d" ] || dec="$dec MISSING $d"; done
	for p in "${SLEEPS[@]}"; do alive "$p" || dec="$dec KILLED sleep $p"; done
	dec=${dec:-intact}
	if [ -s "$out/run.json" ]; then
		"$VBENCH" run --resume "$out" --quiet >/dev/null 2>"$TMP/resume$i.err"
		rc=$?
		st=$(status_of "$out/run.json")
		res="exit $rc, $st"
		if [ "$rc" = 0 ] && [ "$st" = complete ]; then resumed=$((resumed + 1)); else res="FAILED: $res: $(head -c 200 "$TMP/resume$i.err")"; fi
	else
		before_json=$((before_json + 1))
		if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ] && [ ! -s "$out/run.json" ]; then
			res="FAILED: no run.json but $(ls "$out" | tr '\n' ' ')"
		else
			res="nothing to resume (killed before run.json)"
		fi
	fi
	if [ -z "${left// /}" ] && [ "$dec" = intact ] && [[ $res != FAILED* ]]; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
	fi
	echo "| $i | ${delay} s | ${id:-none yet} | $n | ${left:-0} | $dec | $res |"
done
echo
echo "runs: $N, every check held: $ok, failed: $bad; killed before run.json: $before_json;"
echo "resumed to complete: $resumed; resources removed by clean in all: $removed_total;"
echo "the unrelated sleep ($UNRELATED): $(alive "$UNRELATED" && echo alive || echo KILLED)"
[ "$bad" = 0 ] && alive "$UNRELATED"
