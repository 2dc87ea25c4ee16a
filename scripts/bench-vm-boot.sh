#!/bin/sh
# bench-vm-boot.sh - boot latency to the agent under TCG: vbench's `hosted`
# fast path against a default QEMU boot of the same kernel and initramfs,
# alternated in one run.
#
# What is timed, each from the launch of QEMU to the agent's ready message
# (its first JSON line on the virtio-serial channel), on the host's
# monotonic clock:
#   vbench   environments[].start_latency_ns of `vbench run --env hosted
#            --workload cpu.syscall --param cpu.syscall.iters=1 --reps 1
#            --events none --profile test`: -M microvm, PVH entry into the
#            uncompressed vmlinux, no firmware option ROMs, -nodefaults,
#            virtio-mmio devices, virtio-rng, tsc_early_khz, QEMU in the
#            allocation cgroup on the environment CPU
#   default  `qemu-system-x86_64 -accel tcg -m SIZE -kernel bzImage -initrd
#            CPIO -append ...` with the default machine (pc, SeaBIOS with
#            its option ROMs and the default NIC), the bzImage the vmlinux
#            was extracted from and the same initramfs; the devices the
#            agent needs are added as PCI (virtio-serial-pci channel,
#            virtio-blk-pci scratch disk, formatted like vbench's), nothing
#            else; timed by /usr/bin/python3 around subprocess.Popen and
#            pinned to the same CPU as vbench's environment
# Both use 1 vCPU and the same guest RAM.  The two methods alternate, the
# first one switching every round; round 0 is discarded.  Medians.
# Target: vbench's median at most half of the default's.
#
# Usage: scripts/bench-vm-boot.sh [--rounds N] [--strict]
#   env ROUNDS, VBENCH do the same.  Needs root and qemu-system-x86_64.
#   Exit 0 when it ran (PASS/FAIL printed), 1 on FAIL with --strict or when
#   a boot fails, 2 bad usage, 3 vbench not built, not root or no QEMU.
# Never run by `make test`.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-8}
VBENCH=${VBENCH:-$here/bench/vbench}
strict=0

usage() {
	sed -n '/^# Usage:/,/^# Never/p' "$0" | sed 's/^# \{0,1\}//'
	exit "$1"
}
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds|-n) ROUNDS=$2; shift 2 ;;
	--strict) strict=1; shift ;;
	-h|--help) usage 0 ;;
	*) echo "bench-vm-boot: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
done
case "$ROUNDS" in ''|*[!0-9]*) echo "bench-vm-boot: --rounds must be a number" >&2; exit 2 ;; esac
[ "$ROUNDS" -ge 2 ] || { echo "bench-vm-boot: --rounds must be >= 2 (round 0 is discarded)" >&2; exit 2; }
[ -x "$VBENCH" ] || { echo "bench-vm-boot: vbench not built (run make)" >&2; exit 3; }
[ "$(id -u)" = 0 ] || { echo "bench-vm-boot: needs root" >&2; exit 3; }
command -v qemu-system-x86_64 >/dev/null || { echo "bench-vm-boot: qemu-system-x86_64 not installed" >&2; exit 3; }

tmp=$(mktemp -d /var/tmp/bench-vmboot.XXXXXX)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

echo "# bench-vm-boot: QEMU launch -> agent ready under TCG, $ROUNDS rounds (round 0 discarded), methods alternated"
echo "# date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) CPUs, kernel $(uname -r)$(grep -qw hypervisor /proc/cpuinfo && echo ', virtualized (hypervisor flag)')"
echo "# tools: $(qemu-system-x86_64 --version | head -1)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

rc=0
/usr/bin/python3 - "$VBENCH" "$ROUNDS" "$tmp" "$strict" <<'EOF' || rc=$?
import json, os, shutil, signal, socket, statistics, subprocess, sys, time

vbench, rounds, tmp, strict = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"

def vbench_boot(n):
    out = os.path.join(tmp, "run%d" % n)
    cmd = [vbench, "run", "--env", "hosted", "--workload", "cpu.syscall", "--param",
           "cpu.syscall.iters=1", "--reps", "1", "--events", "none", "--profile", "test",
           "--quiet", "--out", out]
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    doc = json.load(open(os.path.join(out, "run.json")))
    env = [e for e in doc["environments"] if e["name"] == "hosted"][0]
    if p.returncode != 0 or not env.get("available"):
        sys.exit("bench-vm-boot: vbench run failed (%d): %s" % (p.returncode, env.get("reason") or p.stderr.strip()))
    shutil.rmtree(out, ignore_errors=True)
    return env["start_latency_ns"] / 1e9, env, doc

# Round -1: learn the kernel, initramfs, memory and CPU vbench uses.
_, env, doc = vbench_boot(0)
cfg = env["config"]
img = cfg["guest_image"]
bzimage = img["kernel_choice"]["image"]
initrd = img["initramfs_path"]
mem_mib = cfg["memory"]["guest_bytes"] >> 20
cpus = doc["allocation"]["env_cpus"]
cpu = int(cpus.split(",")[0].split("-")[0])
print("# vbench: %s" % cfg["command"])
print("# kernel %s (%s), PVH vmlinux %s, initramfs %s, %d MiB, env CPU %s" %
      (img["release"], bzimage, img["kernel"], initrd, mem_mib, cpus))

disk = os.path.join(tmp, "disk.img")
with open(disk, "wb") as f:
    f.truncate(1 << 30)
subprocess.run(["mkfs.ext4", "-q", "-F", "-E", "nodiscard,lazy_itable_init=0,lazy_journal_init=0", disk], check=True)
sock = os.path.join(tmp, "chan.sock")
default_argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", "%dM" % mem_mib,
                "-display", "none", "-monitor", "none", "-no-reboot",
                "-serial", "file:" + os.path.join(tmp, "console-default.log"),
                "-kernel", bzimage, "-initrd", initrd,
                "-append", "console=ttyS0 panic=-1 quiet vbench.port=vbench vbench.scratch=/dev/vda",
                "-drive", "file=%s,format=raw,if=virtio,cache=none" % disk,
                "-device", "virtio-serial-pci",
                "-chardev", "socket,id=vbchan,path=" + sock,
                "-device", "virtserialport,chardev=vbchan,name=vbench"]
print("# default: %s" % " ".join(default_argv))

def default_boot():
    if os.path.exists(sock):
        os.unlink(sock)
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(sock)
    ls.listen(1)
    ls.settimeout(120)
    t0 = time.perf_counter_ns()
    q = subprocess.Popen(default_argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
    try:
        c, _ = ls.accept()
        c.settimeout(120)
        f = c.makefile("rwb")
        while True:
            line = f.readline(1 << 20)
            if not line:
                sys.exit("bench-vm-boot: default boot: channel closed: %s" % q.stderr.read().decode()[-300:])
            if line.startswith(b"{") and json.loads(line).get("type") == "ready":
                break
        t1 = time.perf_counter_ns()
        f.write(b'{"op":"quit"}\n')
        f.flush()
        q.wait(timeout=30)
        c.close()
    finally:
        if q.poll() is None:
            q.kill()
            q.wait()
        ls.close()
    return (t1 - t0) / 1e9

res = {"vbench": [], "default": []}
for r in range(rounds):
    order = ["vbench", "default"] if r % 2 == 0 else ["default", "vbench"]
    got = {}
    for m in order:
        got[m] = vbench_boot(r + 1)[0] if m == "vbench" else default_boot()
    print("round %d%s: vbench %.3f s, default %.3f s" % (r, " (discarded)" if r == 0 else "",
                                                        got["vbench"], got["default"]), flush=True)
    if r:
        for m in got:
            res[m].append(got[m])

print()
print("| method | n | median s | min s | max s |")
print("|---|---:|---:|---:|---:|")
for m in ("vbench", "default"):
    v = res[m]
    print("| %s | %d | %.3f | %.3f | %.3f |" % (m, len(v), statistics.median(v), min(v), max(v)))
ratio = statistics.median(res["vbench"]) / statistics.median(res["default"])
ok = ratio <= 0.5
print()
print("vbench / default = %.3f (target <= 0.5): %s" % (ratio, "PASS" if ok else "FAIL"))
sys.exit(0 if ok or not strict else 1)
EOF
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
