#!/bin/sh
# criu.sh - a CRIU that can checkpoint on this host, for vbench's container
# checkpoint and restore (--ops save,restore; docs/recovery.md).
#
#   criu.sh fetch DIR   when the criu on PATH passes `criu check`: nothing
#                       (DIR/bin/criu is then that one, a link).  Otherwise
#                       Debian 13 (trixie)'s criu and the libraries it needs,
#                       unpacked into DIR/root (never installed: no file
#                       outside DIR changes), and DIR/bin/criu running it
#                       with trixie's own loader and libraries.  Prints
#                       DIR/bin, to put first in PATH (vbench and runc find
#                       criu there).
#   criu.sh remove DIR  removes what fetch made.
#
# Why: Debian 12's criu 3.17 cannot dump on kernels from about 6.9 on ("vdso:
# Unexpected rt vDSO area bounds"); 4.x can, but needs glibc 2.38, newer
# than Debian 12's, so it runs here with its own.  apt does the work, with
# its own state in DIR/apt: trixie's Release file checked against Debian's
# archive keyring, each package against its checksum there, the
# dependencies resolved in trixie alone.  A few MiB to download.
set -eu

die() {
	echo "criu.sh: $*" >&2
	exit 1
}

DIST=trixie
MIRROR=http://deb.debian.org/debian

works() {
	"$1" check >/dev/null 2>&1
}

apt_opts() {
	a=$1/apt
	echo "-o Dir::Etc::SourceList=$a/sources.list -o Dir::Etc::SourceParts=$a/none" \
		"-o Dir::Etc::Preferences=$a/none -o Dir::Etc::PreferencesParts=$a/none" \
		"-o Dir::State=$a/state -o Dir::State::Status=$a/status -o Dir::Cache=$a/cache" \
		"-o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o Debug::NoLocking=1" \
		"-o APT::Sandbox::User=root -o Acquire::Languages=none"
}

fetch() {
	d=$1
	case $d in /*) ;; *) d=$(pwd)/$d ;; esac
	[ "$(uname -m)" = x86_64 ] || die "only x86_64 is handled (this is $(uname -m))"
	mkdir -p "$d/bin"
	if sys=$(command -v criu) && [ "$sys" != "$d/bin/criu" ] && works "$sys"; then
		ln -sfn "$sys" "$d/bin/criu"
		echo "$d/bin"
		return 0
	fi
	if [ -x "$d/bin/criu" ] && [ -d "$d/root" ] && works "$d/bin/criu"; then
		echo "$d/bin"
		return 0
	fi
	rm -rf "$d/apt" "$d/root" "$d/debs"
	mkdir -p "$d/apt/state/lists/partial" "$d/apt/cache/archives/partial" "$d/apt/none" \
		"$d/root" "$d/debs"
	: >"$d/apt/status"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $DIST main" \
		>"$d/apt/sources.list"
	# shellcheck disable=SC2046
	apt-get $(apt_opts "$d") -qq update >&2 || die "apt-get update of $DIST failed"
	# every package criu needs, in trixie alone (its status file is empty):
	# real packages only (a virtual one is printed in <>)
	# shellcheck disable=SC2046
	pkgs=$(apt-cache $(apt_opts "$d") depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances criu |
		grep -v '^ ' | grep -v '^<' | sort -u)
	[ -n "$pkgs" ] || die "no package list for criu in $DIST"
	# shellcheck disable=SC2046,SC2086
	(cd "$d/debs" && apt-get $(apt_opts "$d") -qq download $pkgs >&2) ||
		die "apt-get download from $DIST failed"
	for f in "$d"/debs/*.deb; do
		dpkg-deb -x "$f" "$d/root"
	done
	ld=$d/root/usr/lib64/ld-linux-x86-64.so.2
	[ -e "$ld" ] && [ -x "$d/root/usr/sbin/criu" ] || die "$DIST's criu or loader missing in $d/root"
	# the loader and library path given: the programs criu runs (ip, tar,
	# iptables) keep the host's own libraries
	cat >"$d/bin/criu.new" <<EOF
#!/bin/sh
exec '$ld' --library-path '$d/root/usr/lib/x86_64-linux-gnu' '$d/root/usr/sbin/criu' "\$@"
EOF
	chmod 0755 "$d/bin/criu.new"
	mv -f "$d/bin/criu.new" "$d/bin/criu"
	rm -rf "$d/debs" "$d/apt"
	works "$d/bin/criu" || die "$DIST's criu fails \`criu check\` here too: $("$d/bin/criu" check 2>&1 | tail -1)"
	echo "$d/bin"
}

case "${1:-}" in
fetch)
	[ $# -eq 2 ] || die "usage: criu.sh fetch DIR"
	fetch "$2"
	;;
remove)
	[ $# -eq 2 ] || die "usage: criu.sh remove DIR"
	rm -rf "$2/apt" "$2/root" "$2/debs" "$2/bin"
	rmdir "$2" 2>/dev/null || true
	;;
*)
	die "usage: criu.sh fetch DIR | remove DIR"
	;;
esac
