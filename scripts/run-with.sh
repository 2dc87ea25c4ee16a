# run-with.sh - sourced by dockerd.sh and slurm.sh: run a command with a
# private service started for it and stopped after it, on every exit.
#
#   run_with PREFIX CMD...   a new directory PREFIX.XXXXXX; the caller's
#                            `start DIR` (in a subshell, its stdout
#                            dropped); on success the caller's `use DIR`
#                            (exports what points CMD at the service),
#                            then CMD, whose status is the exit's; on
#                            failure the caller's `none` (says so) and
#                            CMD runs without.  The caller's `stop DIR`
#                            runs after CMD, also when it fails or is
#                            interrupted (INT, TERM, HUP are passed on to
#                            CMD as TERM).  Never returns.
#   start_stop NAME start|stop DIR
#                            the script NAME's own start and stop: start
#                            DIR (in a subshell; when it fails, what it
#                            made is stopped again and the exit is 1),
#                            stop DIR; without DIR its usage (die).
start_stop() {
	name=$1
	shift
	[ $# -eq 2 ] || die "usage: $name $1 DIR"
	if [ "$1" = start ]; then
		if ! (start "$2"); then
			stop "$2" || true
			exit 1
		fi
	else
		stop "$2"
	fi
}

run_with() {
	dir=$(mktemp -d "$1.XXXXXX")
	shift
	child=
	got=
	# every exit: the command first (it may still talk to the service), then
	# the service; a second signal meanwhile changes nothing
	trap 'rc=$?; trap "" INT TERM HUP; set +e
		[ -z "$child" ] || { kill -TERM $child 2>/dev/null; wait $child; }
		[ ! -d "$dir" ] || stop "$dir"; exit $rc' EXIT
	# INT, TERM, HUP: passed on as TERM (a command in the background of a
	# non-interactive shell ignores INT), then its status is the exit's
	trap 'got=130; [ -n "$child" ] || exit 130; kill -TERM $child 2>/dev/null' INT
	trap 'got=143; [ -n "$child" ] || exit 143; kill -TERM $child 2>/dev/null' TERM
	trap 'got=129; [ -n "$child" ] || exit 129; kill -TERM $child 2>/dev/null' HUP
	if ! (start "$dir") >/dev/null; then
		none
		stop "$dir" || true
		trap - EXIT INT TERM HUP
		exec "$@"
	fi
	use "$dir"
	# in the background, so that a signal reaches the traps at once
	"$@" <&0 &
	child=$!
	rc=0
	while :; do
		wait "$child" && rc=0 || rc=$?
		kill -0 "$child" 2>/dev/null || break # else a trap ended the wait
	done
	child=
	[ -z "$got" ] || rc=$got
	exit "$rc"
}
