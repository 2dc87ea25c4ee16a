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
#                private namespace, never the host's).  And docker.io
#                (Docker 20.10 with containerd; about 10 s) for the `docker`
#                environment: installed with its services (docker,
#                docker.socket, containerd) neither started nor enabled,
#                like the servers of `apps` below.  A daemon is the host's
#                business: the tests start a private one
#                (scripts/dockerd.sh run), stopped when they end
#     apps       redis-server, redis-tools, nginx-light, wrk (app.redis,
#                app.nginx: the servers vbench starts in each environment and
#                the host's load generators).  Debian's redis-server and
#                nginx packages ship a service each: they are
#                installed under a policy-rc.d that forbids starting them,
#                and the services they add are disabled again, so nothing runs or
#                starts at boot because of vbench (only when this call
#                installed the package: a service the host had is left as
#                it was)
#     fuzz       clang and its libFuzzer runtime (make fuzz)
#     valgrind   valgrind (make valgrind)
set -eu

PKGS="build-essential pkg-config libpapi-dev papi-tools libcpuid-dev cpuidtool check
libjansson-dev libinih-dev libarchive-dev liblzma-dev gnuplot-nox chromium python3 python3-jsonschema
qemu-system-x86 qemu-utils busybox-static crun runc runsc fio likwid iperf3 sockperf iproute2 nftables"

for g in "$@"; do
	case "$g" in
	engines) PKGS="$PKGS podman netavark iptables docker.io" ;;
	apps) PKGS="$PKGS redis-server redis-tools nginx-light wrk" ;;
	fuzz) PKGS="$PKGS clang libclang-rt-14-dev" ;;
	valgrind) PKGS="$PKGS valgrind" ;;
	*)
		echo "install-deps: unknown group '$g' (expected engines, apps, fuzz or valgrind)" >&2
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
# Packages that ship a service: installed with none started (policy-rc.d
# answers 101, "action forbidden", to invoke-rc.d and deb-systemd-invoke),
# the service disabled again afterwards.
services=""
for p in $missing; do
	case "$p" in
	redis-server) services="$services redis-server" ;;
	docker.io) # containerd's service comes with containerd, a dependency
		services="$services docker.socket docker"
		dpkg-query -W -f='${Status}' containerd 2>/dev/null | grep -q "install ok installed" ||
			services="$services containerd" ;;
	nginx-light) # the service comes with nginx-common, a dependency
		dpkg-query -W -f='${Status}' nginx-common 2>/dev/null | grep -q "install ok installed" ||
			services="$services nginx" ;;
	esac
done
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ -n "$services" ] && [ ! -e "$policy" ]; then
	trap 'rm -f "$policy"' EXIT INT TERM
	printf '#!/bin/sh\n# install-deps.sh (vbench): no service starts during its install\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=1
fi
rc=0
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing || rc=$?
# also when the install failed half-way: what it did install stays quiet
# (systemctl disables a unit without a running systemd too: the links are
# files; the init scripts' links for a sysvinit boot as well)
for s in $services; do
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
		systemctl disable --now --quiet "$s" 2>/dev/null || true
	elif command -v systemctl >/dev/null 2>&1; then
		systemctl disable --quiet "$s" 2>/dev/null || true
	fi
	if [ -e "/etc/init.d/$s" ] && command -v update-rc.d >/dev/null 2>&1; then
		update-rc.d "$s" disable >/dev/null 2>&1 || true
	fi
	[ "$rc" = 0 ] && echo "install-deps: $s installed with its service neither running nor enabled"
done
if [ "$made_policy" = 1 ]; then
	rm -f "$policy"
fi
exit "$rc"
