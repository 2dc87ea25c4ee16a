#!/bin/sh
# dockerd.sh - a private Docker daemon for vbench's `docker` environment,
# for a machine where no engine answers (make test, .ci/run, and users who
# do not want the host's service).  Needs root and Debian's docker.io
# (scripts/install-deps.sh engines).
#
#   scripts/dockerd.sh start DIR    start one in DIR (new, or an empty
#                                   directory of root's, mode 700) and print
#                                   the line that points the client at it:
#                                     export DOCKER_HOST=unix://DIR/docker.sock
#   scripts/dockerd.sh stop DIR     stop it (its containers, containerd,
#                                   shims and cgroups too), then remove DIR
#   scripts/dockerd.sh run CMD...   run CMD with an engine that answers: the
#                                   one DOCKER_HOST (or the default socket)
#                                   names when it answers, else a private
#                                   one started for CMD and stopped after it,
#                                   also when CMD fails or is interrupted
#                                   (INT, TERM, HUP are passed on to CMD);
#                                   exits with CMD's status.  When none can
#                                   be started, CMD runs without (the docker
#                                   tests skip, saying why)
#
# Its experimental features are on: `docker checkpoint`, which vbench's
# --ops save of docker needs (runc finds CRIU on the PATH it starts with).
#
# Private means it touches nothing of the host's: its own data root, exec
# root and the containerd it starts under DIR, pid file, socket, an
# configuration file of its own (/etc/docker/daemon.json is not read; the
# daemon's key in DIR); no bridge, no iptables or ip-forwarding changes
# (vbench's docker instances use --network none or host); the cgroupfs
# driver with its containers' cgroups under /vbench-dockerd-<DIR's suffix>,
# removed at the stop, as are the directories of /run it had to create.  A
# host whose containerd runs (/run/containerd/containerd.sock) is refused:
# dockerd would run its containers there.  DIR holds a marker naming it;
# stop refuses a directory without it.  Its log is DIR/dockerd.log.
set -eu

START_TIMEOUT=30 # seconds for `docker info` to answer (under 10 here)
STOP_TIMEOUT=20  # seconds for SIGTERM, then SIGKILL
MARK=.vbench-dockerd

die() {
	echo "dockerd.sh: $*" >&2
	exit 2
}

client() {
	# Debian's client, the daemon's own version, when there is one
	if [ -x /usr/bin/docker ]; then echo /usr/bin/docker; else command -v docker; fi
}

# DIR as this script accepts it: absolute, [A-Za-z0-9._/-] only, no "..",
# "//" or trailing "/", short enough for the socket paths under it.
check_dir() {
	case "$1" in
	/*) ;;
	*) die "DIR '$1': expected an absolute path" ;;
	esac
	case "$1" in
	*..* | *//* | */ | *[!A-Za-z0-9._/-]*)
		die "DIR '$1': expected a plain path (letters, digits, '._-/', no '..')" ;;
	esac
	[ "${#1}" -le 60 ] || die "DIR '$1': expected at most 60 characters (socket paths under it)"
}

# The cgroup parent of DIR's daemon.
cg_parent() {
	echo "vbench-dockerd-$(basename "$1" | tr -c 'A-Za-z0-9\n' '-')"
}

# pids of root's processes whose command line (arguments joined by spaces)
# starts with "$1 " and, when $2 is given, also holds " $2 " (DIR is
# checked: no character of a pattern in it).
pids_cmdline() {
	for d in /proc/[0-9]*; do
		[ "$(stat -c %u "$d" 2>/dev/null || echo x)" = 0 ] || continue
		line="$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null || true) "
		case "$line" in "$1 "*) ;; *) continue ;; esac
		if [ -n "${2:-}" ]; then
			case "$line" in *" $2 "*) ;; *) continue ;; esac
		fi
		echo "${d#/proc/}"
	done
}

start() {
	dir=$1
	check_dir "$dir"
	[ "$(id -u)" -eq 0 ] || die "needs root (dockerd manages cgroups and mounts)"
	command -v dockerd >/dev/null 2>&1 ||
		die "dockerd not installed (scripts/install-deps.sh engines, or apt-get install docker.io)"
	[ ! -S /run/containerd/containerd.sock ] ||
		die "the host's containerd runs (/run/containerd/containerd.sock): a dockerd started here would run its containers there; use the host's docker instead"
	if [ -e "$dir" ] || [ -L "$dir" ]; then
		[ ! -L "$dir" ] && [ -d "$dir" ] && [ "$(stat -c %u:%a "$dir")" = 0:700 ] &&
			[ -z "$(ls -A "$dir")" ] ||
			die "DIR '$dir': expected a new directory, or an empty one of root's with mode 700"
	else
		mkdir -m 700 "$dir" || die "DIR '$dir': cannot create it"
	fi
	echo "$dir" >"$dir/$MARK"
	# what of /run it will create, removed again at the stop when empty
	for r in /run/docker /run/containerd; do
		[ -e "$r" ] || echo "$r" >>"$dir/made-in-run"
	done
	printf '{"experimental": true, "deprecated-key-path": "%s/key.json"}\n' "$dir" >"$dir/daemon.json"
	# setsid: its own session, so a Ctrl-C at the terminal reaches the
	# daemon only through stop
	setsid dockerd --config-file "$dir/daemon.json" --data-root "$dir/data" \
		--exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" -H "unix://$dir/docker.sock" \
		--bridge=none --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false \
		--userland-proxy=false --exec-opt native.cgroupdriver=cgroupfs \
		--cgroup-parent="/$(cg_parent "$dir")" </dev/null >"$dir/dockerd.log" 2>&1 &
	i=0
	while ! DOCKER_HOST="unix://$dir/docker.sock" "$(client)" info >/dev/null 2>&1; do
		i=$((i + 1))
		gone=0
		[ "$i" -le 10 ] || [ -n "$(daemon_pid "$dir")" ] || gone=1
		if [ "$i" -gt $((START_TIMEOUT * 5)) ] || [ "$gone" = 1 ]; then
			echo "dockerd.sh: dockerd did not answer within ${START_TIMEOUT} s; its last words:" >&2
			tail -n 5 "$dir/dockerd.log" >&2 || true
			return 1
		fi
		sleep 0.2
	done
	echo "export DOCKER_HOST=unix://$dir/docker.sock"
}

# DIR's daemon: a process of root's whose command line starts as start's.
daemon_pid() {
	pids_cmdline "dockerd --config-file $1/daemon.json --data-root $1/data" | head -n 1
}

# Kill every task in DIR's cgroup subtree (every hierarchy), then remove it.
cgroup_down() {
	cg=$(cg_parent "$1")
	for top in /sys/fs/cgroup/"$cg" /sys/fs/cgroup/*/"$cg"; do
		[ -d "$top" ] && [ ! -L "$top" ] || continue
		find "$top" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r p; do
			kill -KILL "$p" 2>/dev/null || true
		done
		find "$top" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
}

# Whether any of the pids given is still running.
alive() {
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

stop() {
	dir=$1
	check_dir "$dir"
	[ ! -L "$dir" ] && [ -d "$dir" ] && [ "$(stat -c %u:%a "$dir")" = 0:700 ] &&
		[ "$(cat "$dir/$MARK" 2>/dev/null)" = "$dir" ] ||
		die "DIR '$dir': expected a directory made by 'dockerd.sh start' (root's, mode 700, with its $MARK)"
	pid=$(daemon_pid "$dir")
	sock="$dir/exec/containerd/containerd.sock"
	ctd=$(pids_cmdline "containerd --config $dir/exec/containerd/containerd.toml")
	if [ -n "$pid" ]; then
		# its containers first (none should be left: vbench removes its own)
		ids=$(DOCKER_HOST="unix://$dir/docker.sock" "$(client)" ps -aq 2>/dev/null || true)
		[ -z "$ids" ] || DOCKER_HOST="unix://$dir/docker.sock" "$(client)" rm -f $ids >/dev/null 2>&1 || true
		kill -TERM "$pid" 2>/dev/null || true
	fi
	# the daemon, its containerd (which it stops with it, unless killed),
	# and the shims of containers (built to outlive both)
	i=0
	while alive $pid $ctd; do
		i=$((i + 1))
		if [ "$i" -gt $((STOP_TIMEOUT * 5)) ]; then
			kill -KILL $pid $ctd 2>/dev/null || true
			sleep 0.2
			break
		fi
		sleep 0.2
	done
	for p in $(pids_cmdline /usr/bin/containerd-shim-runc-v2 "-address $sock"); do
		kill -KILL "$p" 2>/dev/null || true
	done
	cgroup_down "$dir"
	# what is still mounted under DIR (a killed daemon's overlays, netns
	# files), deepest first, then DIR itself
	awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	if [ -f "$dir/made-in-run" ]; then
		while read -r r; do
			find "$r" -depth -type d -empty -delete 2>/dev/null || true
		done <"$dir/made-in-run"
	fi
	rm -rf --one-file-system "$dir"
}

# run's service, for run_with (run-with.sh): when none started, and the
# environment that points the command at DIR's
none() {
	echo "dockerd.sh: no private dockerd: the docker tests skip" >&2
}

use() {
	DOCKER_HOST="unix://$1/docker.sock"
	export DOCKER_HOST
	echo "dockerd.sh: a private dockerd for this command: $DOCKER_HOST" >&2
}

. "$(dirname "$0")/run-with.sh"

case "${1:-}" in
start | stop)
	start_stop dockerd.sh "$@"
	;;
run)
	shift
	[ $# -ge 1 ] || die "usage: dockerd.sh run CMD..."
	if "$(client)" info >/dev/null 2>&1; then
		exec "$@"
	fi
	if [ "$(id -u)" -ne 0 ] || ! command -v dockerd >/dev/null 2>&1; then
		echo "dockerd.sh: no docker engine answers and none can be started here (root and docker.io needed): the docker tests skip" >&2
		exec "$@"
	fi
	run_with /var/tmp/vbench-dockerd "$@"
	;;
*)
	die "usage: dockerd.sh start DIR | stop DIR | run CMD..."
	;;
esac
