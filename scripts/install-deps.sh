#!/bin/sh
# install-deps.sh - install the Debian packages vbench needs, if missing.
# Idempotent: installs nothing when everything is present.  Needs root.
#
#   scripts/install-deps.sh [GROUP]...   also the optional groups:
#     engines    podman, netavark and iptables, for the `podman` environment
#                and its tests (rootful, daemonless; about 20 MB, 10-20 s here).
#                netavark is only a Recommends, but `podman info` fails
#                without it ("could not find netavark") once podman's
#                storage has chosen it as network backend; it needs
#                iptables for podman:nat's published port (made inside a
#                private namespace, never the host's).  Docker is not
#                installed: it needs a running daemon, which is the host's
#                business (the `docker` tests skip without one)
#     fuzz       clang and its libFuzzer runtime (make fuzz)
#     valgrind   valgrind (make valgrind)
set -eu

PKGS="build-essential pkg-config libpapi-dev papi-tools libcpuid-dev cpuidtool check
libjansson-dev libinih-dev libarchive-dev liblzma-dev gnuplot-nox chromium python3 python3-jsonschema
qemu-system-x86 qemu-utils busybox-static crun runc fio likwid iperf3 sockperf iproute2 nftables"

for g in "$@"; do
	case "$g" in
	engines) PKGS="$PKGS podman netavark iptables" ;;
	fuzz) PKGS="$PKGS clang libclang-rt-14-dev" ;;
	valgrind) PKGS="$PKGS valgrind" ;;
	*)
		echo "install-deps: unknown group '$g' (expected engines, fuzz or valgrind)" >&2
		exit 2
		;;
	esac
done

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root (or: sudo apt-get install$missing)" >&2
	exit 4
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
