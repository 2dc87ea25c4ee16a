#!/bin/sh
# slurm.sh - a private one-node Slurm cluster on this machine, for the
# fleet tests (issue #18: `vbench fleet` submits through Slurm) and for
# trying `vbench fleet` without a cluster.  Needs root and Debian's
# slurm-wlm and munge (scripts/install-deps.sh slurm).
#
#   scripts/slurm.sh start DIR    start one in DIR (new, or an empty directory
#                                 of root's, mode 700) and print the line that
#                                 points Slurm's commands at it:
#                                   export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm.sh stop DIR     stop it (its jobs, slurmd, slurmctld,
#                                 munged), then remove DIR
#   scripts/slurm.sh run CMD...   run CMD with SLURM_CONF naming a cluster
#                                 started for it and stopped after it, also
#                                 when CMD fails or is interrupted (INT,
#                                 TERM, HUP are passed on to CMD as TERM);
#                                 exits with CMD's status.  When none can be
#                                 started, CMD runs without (SLURM_CONF
#                                 unset: the fleet tests skip, saying why)
#
# Private means it touches nothing of the host's: its own munge key (made
# here, 1 KiB from /dev/urandom), socket, pid, seed and log files in DIR,
# one node (this host's name at 127.0.0.1, its CPUs, its memory less 1 GiB)
# in one partition `vbench`, slurmctld and slurmd on two free TCP ports of
# 127.0.0.1 with their state, spool, pid and log files in DIR, no accounting
# database (job completions go to DIR/jobcomp.txt), no cgroups
# (proctrack/linuxproc, task/none).  /etc/slurm and /etc/munge are not read.
# DIR holds a marker naming it; stop refuses a directory without it.
set -eu

START_TIMEOUT=30 # seconds for the node to be idle (about 2 here)
STOP_TIMEOUT=10  # seconds for SIGTERM, then SIGKILL
MARK=.vbench-slurm

die() {
	echo "slurm.sh: $*" >&2
	exit 2
}

# DIR as this script accepts it: absolute, [A-Za-z0-9._/-] only, no "..",
# "//" or trailing "/", short enough for the socket path under it.
check_dir() {
	case "$1" in
	/*) ;;
	*) die "DIR '$1': expected an absolute path" ;;
	esac
	case "$1" in
	*..* | *//* | */ | *[!A-Za-z0-9._/-]*)
		die "DIR '$1': expected a plain path (letters, digits, '._-/', no '..')" ;;
	esac
	[ "${#1}" -le 80 ] || die "DIR '$1': expected at most 80 characters (the munge socket under it)"
}

# Run "$@" with no descriptor open but 0-2: a daemon must not keep its
# starter's pipes (a caller reading this script's output would wait for the
# daemon's end) or any other file of the caller's.
nofds() {
	python3 -c '
import os, sys
for fd in [int(x) for x in os.listdir("/proc/self/fd")]:
    if fd > 2:
        try:
            os.close(fd)
        except OSError:
            pass
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}

# A TCP port free on 127.0.0.1 now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The pid in DIR's pid file $2 when that process of root's still runs the
# program $3 with DIR's configuration on its command line.
daemon_pid() {
	f="$1/$2"
	[ -f "$f" ] && [ ! -L "$f" ] || return 0
	p=$(tr -cd '0-9' <"$f")
	[ -n "$p" ] && [ "$(stat -c %u "/proc/$p" 2>/dev/null || echo x)" = 0 ] || return 0
	line="$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null || true) "
	case "$line" in "$3 "*"$1/"*) echo "$p" ;; esac
}

start() {
	dir=$1
	check_dir "$dir"
	[ "$(id -u)" -eq 0 ] || die "needs root (slurmd runs jobs as their users)"
	for t in slurmctld slurmd munged sinfo; do
		command -v "$t" >/dev/null 2>&1 ||
			die "$t not installed (scripts/install-deps.sh slurm, or apt-get install slurm-wlm munge)"
	done
	if [ -e "$dir" ] || [ -L "$dir" ]; then
		[ ! -L "$dir" ] && [ -d "$dir" ] && [ "$(stat -c %u:%a "$dir")" = 0:700 ] &&
			[ -z "$(ls -A "$dir")" ] ||
			die "DIR '$dir': expected a new directory, or an empty one of root's with mode 700"
	else
		mkdir -m 700 "$dir" || die "DIR '$dir': cannot create it"
	fi
	echo "$dir" >"$dir/$MARK"
	mkdir -m 700 "$dir/state" "$dir/spool"
	(umask 077 && head -c 1024 /dev/urandom >"$dir/munge.key")
	chmod 400 "$dir/munge.key"
	nofds munged --force --key-file="$dir/munge.key" --socket="$dir/munge.sock" \
		--pid-file="$dir/munged.pid" --log-file="$dir/munged.log" \
		--seed-file="$dir/munged.seed" </dev/null >/dev/null 2>&1 ||
		{ echo "slurm.sh: munged did not start:" >&2; tail -n 3 "$dir/munged.log" >&2; return 1; }
	host=$(hostname)
	mem=$(awk '/^MemTotal:/ { m = int($2 / 1024) - 1024; print (m > 512 ? m : 512) }' /proc/meminfo)
	cat >"$dir/slurm.conf" <<EOF
# a private one-node cluster of scripts/slurm.sh (vbench)
ClusterName=vbench
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SwitchType=switch/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=vbench Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
	nofds slurmctld -f "$dir/slurm.conf" </dev/null >/dev/null 2>&1 ||
		{ echo "slurm.sh: slurmctld did not start:" >&2; tail -n 3 "$dir/slurmctld.log" >&2; return 1; }
	nofds slurmd -f "$dir/slurm.conf" </dev/null >/dev/null 2>&1 ||
		{ echo "slurm.sh: slurmd did not start:" >&2; tail -n 3 "$dir/slurmd.log" >&2; return 1; }
	i=0
	while [ "$(SLURM_CONF="$dir/slurm.conf" sinfo -h -o %t 2>/dev/null)" != idle ]; do
		i=$((i + 1))
		if [ "$i" -gt $((START_TIMEOUT * 5)) ]; then
			echo "slurm.sh: the node was not idle within ${START_TIMEOUT} s; its last words:" >&2
			tail -n 3 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
			return 1
		fi
		sleep 0.2
	done
	echo "export SLURM_CONF=$dir/slurm.conf"
}

stop() {
	dir=$1
	check_dir "$dir"
	[ ! -L "$dir" ] && [ -d "$dir" ] && [ "$(stat -c %u:%a "$dir")" = 0:700 ] &&
		[ "$(cat "$dir/$MARK" 2>/dev/null)" = "$dir" ] ||
		die "DIR '$dir': expected a directory made by 'slurm.sh start' (root's, mode 700, with its $MARK)"
	# its jobs first (their steps are slurmstepd's children), then the daemons
	if [ -n "$(daemon_pid "$dir" slurmctld.pid slurmctld)" ]; then
		SLURM_CONF="$dir/slurm.conf" scancel --quiet --user=root 2>/dev/null || true
	fi
	pids=""
	for d in "slurmd.pid slurmd" "slurmctld.pid slurmctld" "munged.pid munged"; do
		# shellcheck disable=SC2086
		p=$(daemon_pid "$dir" $d)
		[ -z "$p" ] || { kill -TERM "$p" 2>/dev/null || true; pids="$pids $p"; }
	done
	i=0
	for p in $pids; do
		while kill -0 "$p" 2>/dev/null; do
			i=$((i + 1))
			if [ "$i" -gt $((STOP_TIMEOUT * 5)) ]; then
				kill -KILL "$p" 2>/dev/null || true
				break
			fi
			sleep 0.2
		done
	done
	# slurmstepd of a job the kill left (its command line names the spool)
	for d in /proc/[0-9]*; do
		[ "$(stat -c %u "$d" 2>/dev/null || echo x)" = 0 ] || continue
		case "$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null || true)" in
		"slurmstepd: "*) grep -qs "$dir/spool" "$d/environ" && kill -KILL "${d#/proc/}" 2>/dev/null || true ;;
		esac
	done
	rm -rf --one-file-system "$dir"
}

# run's service, for run_with (run-with.sh): when none started, and the
# environment that points the command at DIR's
none() {
	echo "slurm.sh: no private Slurm: the fleet tests skip" >&2
	unset SLURM_CONF
}

use() {
	SLURM_CONF="$1/slurm.conf"
	export SLURM_CONF
	echo "slurm.sh: a private one-node Slurm for this command: SLURM_CONF=$SLURM_CONF" >&2
}

. "$(dirname "$0")/run-with.sh"

case "${1:-}" in
start | stop)
	start_stop slurm.sh "$@"
	;;
run)
	shift
	[ $# -ge 1 ] || die "usage: slurm.sh run CMD..."
	if [ "$(id -u)" -ne 0 ] || ! command -v slurmctld >/dev/null 2>&1 ||
		! command -v munged >/dev/null 2>&1; then
		echo "slurm.sh: no private Slurm here (root, slurm-wlm and munge needed): the fleet tests skip" >&2
		unset SLURM_CONF
		exec "$@"
	fi
	run_with /var/tmp/vbench-slurm "$@"
	;;
*)
	die "usage: slurm.sh start DIR | stop DIR | run CMD..."
	;;
esac
