#!/bin/sh
# criu.sh - a CRIU that can checkpoint on this host, for vbench's container
# checkpoint and restore (--ops save,restore; docs/methodology.md 16).
#
#   criu.sh fetch DIR   when the criu on PATH dumps a test process (what
#                       vbench's probe does): nothing but DIR/bin/criu, a
#                       link to it.  Otherwise Debian 13 (trixie)'s criu and
#                       the libraries it needs, unpacked into DIR/root (never
#                       installed), and DIR/bin/criu running it with trixie's
#                       own loader and libraries.  Prints DIR/bin, to put
#                       first in PATH (vbench and runc find criu there).
#   criu.sh remove DIR  removes what fetch made (DIR must hold its marker).
#
# Why: Debian 12's criu 3.17 cannot dump on kernels from about 6.9 on ("vdso:
# Unexpected rt vDSO area bounds"); 4.x can, but needs glibc 2.38, newer
# than Debian 12's, so it runs here with its own.  apt does the work with a
# configuration and state of its own in DIR (APT_CONFIG: the host's
# apt.conf.d, sources and hooks are not read; nothing outside DIR is
# written): trixie's Release file checked against Debian's archive keyring,
# each package against its checksum there, the dependencies resolved in
# trixie alone.  The download runs as root (apt's _apt sandbox user cannot
# enter a root-only DIR); what it fetches is verified as above.  About 8 MiB.
#
# DIR: an absolute or relative path of letters, digits and / . _ + - only
# (it is written into DIR/bin/criu), not /; when it exists it must be owned
# by root and writable by root alone.  Everything is built in DIR/.new.*
# and moved into place only once its criu dumps a test process; a failed
# fetch leaves DIR as it was.  One fetch at a time per DIR (a lock).
set -eu

die() {
	echo "criu.sh: $*" >&2
	exit 1
}

DIST=trixie
MIRROR=http://deb.debian.org/debian
MARK=.vbench-criu

# DIR checked and made absolute into $d.
check_dir() {
	[ -n "$1" ] || die "DIR is empty"
	case $1 in *[!A-Za-z0-9/._+-]*) die "DIR '$1': only letters, digits and / . _ + - are allowed" ;; esac
	case $1 in /*) d=$1 ;; *) d=$(pwd)/$1 ;; esac
	d=$(echo "$d" | sed 's#//*#/#g; s#/$##')
	[ -n "$d" ] || die "DIR is /"
	case $d in */../* | */.. | */./* | */.) die "DIR '$1': no . or .. components" ;; esac
	if [ -e "$d" ] || [ -L "$d" ]; then
		[ -d "$d" ] && [ ! -L "$d" ] || die "$d is not a directory"
		set -- $(stat -c '%u %a' "$d")
		[ "$1" = 0 ] || die "$d is not owned by root"
		case $2 in *[2367]? | *[2367]) die "$d is writable by others than root (mode $2)" ;; esac
	fi
}

# Does criu @1 dump a test process (vbench's probe, harness/env/criu.c)?
dumps() {
	t=$(mktemp -d /tmp/vbench-criu-fetch-XXXXXX)
	# without the lock descriptor: CRIU refuses a process holding a lock
	setsid sleep 30 </dev/null >/dev/null 2>&1 9>&- &
	pid=$!
	sleep 0.1
	ok=1
	"$1" dump -t "$pid" -D "$t" --shell-job --leave-running >/dev/null 2>&1 || ok=0
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$t"
	[ "$ok" = 1 ]
}

fetch() {
	check_dir "$1"
	[ "$(uname -m)" = x86_64 ] || die "only x86_64 is handled (this is $(uname -m))"
	mkdir -p "$d"
	chmod 0755 "$d"
	[ ! -e "$d/bin" ] || [ -e "$d/$MARK" ] || die "$d/bin exists but $d is not criu.sh's (no $MARK)"
	exec 9>"$d/.lock"
	flock 9
	if [ -x "$d/bin/criu" ] && dumps "$d/bin/criu"; then
		echo "$d/bin"
		return 0
	fi
	new=$(mktemp -d "$d/.new.XXXXXX")
	trap 'rm -rf "$new"' EXIT
	trap 'exit 1' INT TERM HUP
	mkdir "$new/bin"
	sys=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -vx "$d/bin" | paste -sd:) command -v criu || true)
	if [ -n "$sys" ] && dumps "$sys"; then
		ln -s "$sys" "$new/bin/criu"
	else
		a=$new/apt
		mkdir -p "$a/state/lists/partial" "$a/cache/archives/partial" "$a/none" \
			"$new/root" "$new/debs"
		: >"$a/status"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $DIST main" \
			>"$a/sources.list"
		cat >"$a/apt.conf" <<EOF
Dir::Etc::Parts "$a/none";
Dir::Etc::Main "/dev/null";
Dir::Etc::SourceList "$a/sources.list";
Dir::Etc::SourceParts "$a/none";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "$a/none";
Dir::State "$a/state";
Dir::State::Status "$a/status";
Dir::Cache "$a/cache";
Dir::Log "$a";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Sandbox::User "root";
Acquire::Languages "none";
Debug::NoLocking "true";
EOF
		export APT_CONFIG="$a/apt.conf"
		apt-get -qq update >&2 || die "apt-get update of $DIST failed"
		# every package criu needs, in trixie alone (its status file is
		# empty): real packages only (a virtual one is printed in <>)
		pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
			--no-breaks --no-replaces --no-enhances criu | grep -v '^[ <]' | sort -u)
		[ -n "$pkgs" ] || die "no package list for criu in $DIST"
		# shellcheck disable=SC2086
		(cd "$new/debs" && apt-get -qq download $pkgs >&2) ||
			die "apt-get download from $DIST failed"
		for f in "$new"/debs/*.deb; do
			dpkg-deb -x "$f" "$new/root"
		done
		unset APT_CONFIG
		rm -rf "$a" "$new/debs"
		[ -e "$new/root/usr/lib64/ld-linux-x86-64.so.2" ] && [ -x "$new/root/usr/sbin/criu" ] ||
			die "$DIST's criu or loader missing"
		wrapper "$new/root" "$new/bin/criu"
		dumps "$new/bin/criu" ||
			die "no CRIU dumps a test process here, $DIST's neither: $("$new/bin/criu" check 2>&1 | tail -1)"
		wrapper "$d/root" "$new/bin/criu" # its place once moved
	fi
	rm -rf "$d/bin" "$d/root"
	[ ! -d "$new/root" ] || mv "$new/root" "$d/root"
	mv "$new/bin" "$d/bin"
	: >"$d/$MARK"
	echo "$d/bin"
}

# DIR/bin/criu for the tree @1 into @2: trixie's loader and library path
# given, so the programs criu runs (ip, tar, iptables) keep the host's own
# libraries.  @1 holds only the characters check_dir allows.
wrapper() {
	printf '#!/bin/sh\nexec %s --library-path %s %s "$@"\n' \
		"$1/usr/lib64/ld-linux-x86-64.so.2" "$1/usr/lib/x86_64-linux-gnu" \
		"$1/usr/sbin/criu" >"$2.tmp"
	chmod 0755 "$2.tmp"
	mv -f "$2.tmp" "$2"
}

case "${1:-}" in
fetch)
	[ $# -eq 2 ] || die "usage: criu.sh fetch DIR"
	fetch "$2"
	;;
remove)
	[ $# -eq 2 ] || die "usage: criu.sh remove DIR"
	check_dir "$2"
	[ -d "$d" ] || exit 0
	[ -e "$d/$MARK" ] || die "$d was not made by criu.sh fetch (no $MARK): left alone"
	rm -rf "$d/bin" "$d/root" "$d"/.new.* "$d/.lock" "$d/$MARK"
	rmdir "$d" 2>/dev/null || true
	;;
*)
	die "usage: criu.sh fetch DIR | remove DIR"
	;;
esac
