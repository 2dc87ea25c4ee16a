#!/bin/sh
# dockerd.sh - a private Docker daemon for vbench's `docker` environment,
# for a machine where no engine answers (make test, .ci/run, and users who
# do not want the host's service).  Needs root and Debian's docker.io
# (scripts/install-deps.sh engines).
#
#   scripts/dockerd.sh start DIR    start one in the new directory DIR and
#                                   print the line that points the docker
#                                   client at it:
#                                     export DOCKER_HOST=unix://DIR/docker.sock
#   scripts/dockerd.sh stop DIR     stop it, then remove DIR
#   scripts/dockerd.sh run CMD...   run CMD with an engine that answers: the
#                                   one DOCKER_HOST (or the default socket)
#                                   names when it answers, else a private
#                                   one started for CMD and stopped after it,
#                                   also when CMD fails or is interrupted;
#                                   exits with CMD's status
#
# Private means it touches nothing of the host's: its own data root, exec
# root (and the containerd it manages), pid file, socket and configuration
# file (an empty one: /etc/docker/daemon.json is not read) under DIR; no
# bridge, no iptables or ip-forwarding changes (vbench's docker instances
# use --network none or host); its containers' cgroups under a parent of
# its own, vbench-dockerd-<DIR's suffix>, removed at the stop.  Its log is
# DIR/dockerd.log.
set -eu

START_TIMEOUT=30 # seconds for `docker info` to answer (under 10 here)
STOP_TIMEOUT=20  # seconds for SIGTERM, then SIGKILL

die() {
	echo "dockerd.sh: $*" >&2
	exit 2
}

client() {
	# Debian's client, the daemon's own version, when there is one
	if [ -x /usr/bin/docker ]; then echo /usr/bin/docker; else command -v docker; fi
}

# The cgroup parent of DIR's daemon.
cg_parent() {
	echo "vbench-dockerd-$(basename "$1" | tr -c 'A-Za-z0-9\n' '-')"
}

start() {
	dir=$1
	[ "$(id -u)" -eq 0 ] || die "needs root (dockerd manages cgroups and mounts)"
	command -v dockerd >/dev/null 2>&1 ||
		die "dockerd not installed (scripts/install-deps.sh engines, or apt-get install docker.io)"
	case "$dir" in /*) ;; *) die "DIR '$dir': expected an absolute path" ;; esac
	mkdir -m 700 "$dir" 2>/dev/null || die "DIR '$dir': expected a directory that does not exist yet"
	echo '{}' >"$dir/daemon.json"
	cg=$(cg_parent "$dir")
	# setsid: its own session, so a Ctrl-C at the terminal reaches the
	# daemon only through stop
	setsid dockerd --config-file "$dir/daemon.json" --data-root "$dir/data" \
		--exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" -H "unix://$dir/docker.sock" \
		--bridge=none --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false \
		--userland-proxy=false --cgroup-parent="$cg" </dev/null >"$dir/dockerd.log" 2>&1 &
	echo $! >"$dir/launched.pid"
	i=0
	while ! DOCKER_HOST="unix://$dir/docker.sock" "$(client)" info >/dev/null 2>&1; do
		i=$((i + 1))
		if [ "$i" -gt $((START_TIMEOUT * 5)) ] || ! kill -0 "$(cat "$dir/launched.pid")" 2>/dev/null; then
			echo "dockerd.sh: dockerd did not answer within ${START_TIMEOUT} s; its last words:" >&2
			tail -n 5 "$dir/dockerd.log" >&2 || true
			stop "$dir" || true
			exit 1
		fi
		sleep 0.2
	done
	echo "export DOCKER_HOST=unix://$dir/docker.sock"
}

# The daemon of DIR: the pid it wrote (or the one launched), only when
# that process is a dockerd whose command line names DIR's socket.
daemon_pid() {
	dir=$1
	for f in "$dir/dockerd.pid" "$dir/launched.pid"; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		case "$pid" in '' | *[!0-9]*) continue ;; esac
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "^dockerd .*-H unix://$dir/docker.sock "; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

stop() {
	dir=$1
	case "$dir" in /*) ;; *) die "DIR '$dir': expected an absolute path" ;; esac
	[ -d "$dir" ] && [ -f "$dir/daemon.json" ] ||
		die "DIR '$dir': expected a directory made by 'dockerd.sh start'"
	if pid=$(daemon_pid "$dir"); then
		# its containers first (none should be left: vbench removes its own)
		ids=$(DOCKER_HOST="unix://$dir/docker.sock" "$(client)" ps -aq 2>/dev/null || true)
		[ -z "$ids" ] || DOCKER_HOST="unix://$dir/docker.sock" "$(client)" rm -f $ids >/dev/null 2>&1 || true
		kill -TERM "$pid" 2>/dev/null || true
		i=0
		while kill -0 "$pid" 2>/dev/null; do
			i=$((i + 1))
			if [ "$i" -gt $((STOP_TIMEOUT * 5)) ]; then
				kill -KILL "$pid" 2>/dev/null || true
				break
			fi
			sleep 0.2
		done
		# the containerd it started (its socket under DIR) exits with it;
		# a killed daemon leaves it: it is DIR's, by its command line
		for p in $(pgrep -f "containerd --config $dir/exec/containerd/containerd.toml" || true); do
			kill -KILL "$p" 2>/dev/null || true
		done
	fi
	# what is still mounted under DIR (a killed daemon's overlays, netns
	# files), deepest first, then DIR itself
	awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf --one-file-system "$dir"
	cg=$(cg_parent "$dir")
	for c in /sys/fs/cgroup/"$cg" /sys/fs/cgroup/*/"$cg"; do
		[ -d "$c" ] && rmdir "$c" 2>/dev/null || true
	done
}

case "${1:-}" in
start)
	[ $# -eq 2 ] || die "usage: dockerd.sh start DIR"
	start "$2"
	;;
stop)
	[ $# -eq 2 ] || die "usage: dockerd.sh stop DIR"
	stop "$2"
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
	dir=$(mktemp -u /var/tmp/vbench-dockerd.XXXXXX)
	trap '[ ! -d "$dir" ] || stop "$dir"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	line=$(start "$dir") || exit 1
	eval "$line"
	export DOCKER_HOST
	echo "dockerd.sh: a private dockerd for this command: $DOCKER_HOST" >&2
	rc=0
	"$@" || rc=$?
	exit "$rc"
	;;
*)
	die "usage: dockerd.sh start DIR | stop DIR | run CMD..."
	;;
esac
