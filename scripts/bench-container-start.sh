#!/bin/sh
# bench-container-start.sh - start latency of vbench's own `container`
# against `unshare` and `crun run` of the same agent, alternated in one run.
#
# What is timed, each from the launch call to the agent's ready message
# (its first output line), on the host's monotonic clock:
#   container      vbench's own runtime: clone() -> ready, as vbench records
#                  it (environments[].start_latency_ns of `vbench run --env
#                  bare,container --workload cpu.syscall --param
#                  cpu.syscall.iters=1 --reps 1 --events none --profile
#                  test`), which includes joining the allocation's cgroup
#   container-nocg the same with --no-cgroup: namespaces and rootfs only
#   oci            vbench's `oci` environment (crun; on a hybrid-cgroup host
#                  in a private mount namespace), for information
#   unshare        `unshare --pid --mount --net --uts --ipc --fork AGENT serve`
#   unshare-cg     the same, started in a fresh cgroup (cpuset, memory,
#                  cpuacct on v1) like vbench's container: like with like
#   crun           `crun run --bundle B` of the bundle vbench's oci
#                  environment generates (its recorded config.json and
#                  rootfs, rebuilt here; on a v1/hybrid host in a private
#                  mount namespace with cgroup2 and --cgroup-manager=disabled,
#                  as vbench runs it), no cgroup join
#   agent          `AGENT serve` as a plain child (the launcher's own cost)
# The unshare*, crun and agent methods are timed by /usr/bin/python3 around
# subprocess.Popen (time.perf_counter_ns before the call, after reading the
# first line); each is then told {"op":"quit"}.  The methods are rotated
# every round so none always goes first, and round 0 is discarded.  Joining
# a v1 cpuset cgroup costs 10-15 ms when no cgroup migration happened in
# the last few ms (an RCU grace period: this is the "first start pays
# 10-15 ms" effect), 0.5 ms otherwise; hence the pairs with and without a
# cgroup.  Medians over the rounds.
# Targets: container <= 1.5 x unshare (judged like with like: container-nocg
# vs unshare and container vs unshare-cg), and container < crun
# (container-nocg vs crun, neither joining a cgroup).
#
# Usage: scripts/bench-container-start.sh [--rounds N] [--strict]
#   env ROUNDS, VBENCH do the same.  Needs root (namespaces, cgroups).
#   Exit 0 when it ran (PASS/FAIL printed), 1 on FAIL with --strict or when
#   a method fails, 2 bad usage, 3 vbench not built or not root.
# Never run by `make test`.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-15}
VBENCH=${VBENCH:-$here/bench/vbench}
AGENT=${AGENT:-$here/workloads/vbench-agent}
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
	*) echo "bench-container-start: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
done
case "$ROUNDS" in ''|*[!0-9]*) echo "bench-container-start: --rounds must be a number" >&2; exit 2 ;; esac
[ "$ROUNDS" -ge 2 ] || { echo "bench-container-start: --rounds must be >= 2 (round 0 is discarded)" >&2; exit 2; }
[ -x "$VBENCH" ] && [ -x "$AGENT" ] || { echo "bench-container-start: vbench not built (run make)" >&2; exit 3; }
[ "$(id -u)" = 0 ] || { echo "bench-container-start: needs root" >&2; exit 3; }

tmp=$(mktemp -d /var/tmp/bench-cstart.XXXXXX)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "# bench-container-start: launch -> ready of the agent, $ROUNDS rounds (round 0 discarded), methods rotated"
echo "# date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) CPUs, kernel $(uname -r)$(grep -qw hypervisor /proc/cpuinfo && echo ', virtualized (hypervisor flag)')"
echo "# tools: $(unshare --version | head -1); $(crun --version 2>/dev/null | head -1 || echo 'crun absent'); python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

rc=0
/usr/bin/python3 - "$VBENCH" "$AGENT" "$ROUNDS" "$tmp" "$strict" <<'EOF' || rc=$?
import ctypes, json, os, shutil, statistics, subprocess, sys, time

vbench, agent, rounds, tmp, strict = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"
CRUN = shutil.which("crun")
HYBRID = not os.path.exists("/sys/fs/cgroup/cgroup.controllers")
seq = [0]


def vbench_start(env, extra=()):
    """start_latency_ns of @env in `vbench run --env bare,ENV` (bare starts first)."""
    seq[0] += 1
    out = os.path.join(tmp, f"run-{env}-{seq[0]}")
    cmd = [vbench, "run", "--env", "bare," + env, "--workload", "cpu.syscall", "--param",
           "cpu.syscall.iters=1", "--reps", "1", "--events", "none", "--profile", "test",
           "--quiet", "--out", out] + list(extra)
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    doc = json.load(open(os.path.join(out, "run.json")))
    rec = [e for e in doc["environments"] if e["name"] == env][0]
    if r.returncode or "start_latency_ns" not in rec:
        raise RuntimeError(f"vbench --env bare,{env} exited {r.returncode}: {rec.get('reason') or r.stderr.strip()[-300:]}")
    shutil.rmtree(out, ignore_errors=True)
    return rec["start_latency_ns"], doc


libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, MS_REC, MS_PRIVATE = 0x20000, 0x4000, 1 << 18


def private_cgroup2():
    """In the child: private mount namespace, a fresh cgroup2 on /sys/fs/cgroup."""
    if libc.unshare(CLONE_NEWNS) or libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) or \
       libc.mount(b"cgroup2", b"/sys/fs/cgroup", b"cgroup2", 0, None):
        os._exit(125)


def nothing():
    pass


CG = [f"/sys/fs/cgroup/bench-cstart-{os.getpid()}"] if not HYBRID else \
     [f"/sys/fs/cgroup/{h}/bench-cstart-{os.getpid()}" for h in ("cpuset", "memory", "cpuacct")]


def make_cgroup():
    for d in CG:
        os.mkdir(d)
    if HYBRID:
        for f, src in (("cpuset.cpus", "cpuset.cpus"), ("cpuset.mems", "cpuset.mems")):
            with open(os.path.join(CG[0], f), "w") as o:
                o.write(open(os.path.join(os.path.dirname(CG[0]), src)).read())


def remove_cgroup():
    for d in reversed(CG):
        for _ in range(100):
            try:
                os.rmdir(d)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.01)


def join_cgroup():
    """In the child: join the fresh cgroup, as vbench's container init does."""
    for d in CG:
        with open(os.path.join(d, "cgroup.procs"), "w") as o:
            o.write(str(os.getpid()))


def popen_ready(argv, preexec):
    """ns from Popen to the first line (which must be the ready message)."""
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, preexec_fn=preexec)
    line = p.stdout.readline()
    t1 = time.perf_counter_ns()
    try:
        p.stdin.write(b'{"op":"quit"}\n')
        p.stdin.close()
    except BrokenPipeError:
        pass
    p.stdout.read()
    p.wait(timeout=20)
    if not line.startswith(b'{"type":"ready"'):
        raise RuntimeError(f"{argv[0]}: first line was not ready: {line[:200]!r} (exit {p.returncode})")
    return t1 - t0


def build_bundle(doc):
    """The bundle vbench's oci environment generated, rebuilt from run.json:
    its config.json and a rootfs with the same files.  The cgroup view and
    the scratch bind pointed into vbench's (removed) private directories and
    are left out."""
    cfg = [e for e in doc["environments"] if e["name"] == "oci"][0]["config"]
    conf, rf = cfg["config_json"], cfg["rootfs"]
    bundle = os.path.join(tmp, "bundle")
    root = os.path.join(bundle, "rootfs")
    for d in ("proc", "dev", "sys", "tmp", "etc"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    files = [(rf["program"], conf["process"]["args"][0])]
    files += [(p, p) for p in [rf.get("interpreter")] + [l["path"] for l in rf["libraries"]] if p]
    for src, dst in files:
        os.makedirs(os.path.dirname(root + dst), exist_ok=True)
        shutil.copy2(src, root + dst)
    conf["root"]["path"] = root
    conf["mounts"] = [m for m in conf["mounts"]
                      if not m["destination"].startswith("/sys/fs/cgroup/") and m["source"] != m["destination"]]
    conf["linux"].pop("cgroupsPath", None)
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(conf, f, indent=2)
    return bundle


methods = ["container", "container-nocg", "unshare", "unshare-cg", "agent"]
make_cgroup()
_, doc = vbench_start("container")
try:
    lat, doc_oci = vbench_start("oci")
    methods.append("oci")
    if CRUN:
        bundle = build_bundle(doc_oci)
        methods.append("crun")
except Exception as e:                       # noqa: BLE001 - report and go on
    print(f"# oci/crun not measured: {e}")
crun_argv = None
if "crun" in methods:
    crun_argv = [CRUN] + (["--cgroup-manager=disabled"] if HYBRID else []) + \
                ["run", "--bundle", bundle, f"bench-cstart-{os.getpid()}"]


UNSHARE_ARGV = [UNSHARE, "--pid", "--mount", "--net", "--uts", "--ipc", "--fork", agent, "serve"]


def measure(m):
    if m == "container":
        return vbench_start("container")[0]
    if m == "container-nocg":
        return vbench_start("container", ["--no-cgroup"])[0]
    if m == "unshare-cg":
        return popen_ready(UNSHARE_ARGV, join_cgroup)
    if m == "oci":
        return vbench_start("oci")[0]
    if m == "unshare":
        return popen_ready(UNSHARE_ARGV, nothing)
    if m == "agent":
        return popen_ready([agent, "serve"], nothing)
    return popen_ready(crun_argv, private_cgroup2 if HYBRID else nothing)


samples = {m: [] for m in methods}
failures = 0
try:
    for r in range(rounds):
        k = r % len(methods)
        for m in methods[k:] + methods[:k]:
            try:
                v = measure(m)
            except Exception as e:           # noqa: BLE001
                print(f"# round {r} {m}: {e}")
                failures += 1
                continue
            if r:
                samples[m].append(v)
finally:
    remove_cgroup()

med = {m: statistics.median(v) / 1e6 for m, v in samples.items() if v}
print()
print("| method | n | median ms | min ms | max ms | what |")
print("|---|---:|---:|---:|---:|---|")
what = {"container": "vbench container (clone -> ready incl. joining its cgroup; vbench's start_latency_ns)",
        "container-nocg": "vbench container --no-cgroup (clone -> ready)",
        "unshare-cg": "unshare ... agent serve, child joins a fresh cgroup first (Popen -> first line)",
        "oci": "vbench oci (crun" + (" in a private mount ns" if HYBRID else "") + ", start_latency_ns)",
        "unshare": "unshare --pid --mount --net --uts --ipc --fork agent serve (Popen -> first line)",
        "crun": "crun run of the oci bundle" + (" (private mount ns + cgroup2, manager disabled)" if HYBRID else "") + " (Popen -> first line)",
        "agent": "agent serve, no namespaces (Popen -> first line): the launcher's own cost"}
for m in methods:
    v = samples[m]
    if v:
        print(f"| {m} | {len(v)} | {statistics.median(v)/1e6:.2f} | {min(v)/1e6:.2f} | {max(v)/1e6:.2f} | {what[m]} |")
print()
fail = failures > 0
for a, b, limit, strict_lt in (("container-nocg", "unshare", 1.5, False),
                               ("container", "unshare-cg", 1.5, False),
                               ("container-nocg", "crun", 1.0, True),
                               ("container", "unshare", 1.5, False)):
    if a in med and b in med:
        ratio = med[a] / med[b]
        ok = ratio < limit if strict_lt else ratio <= limit
        judged = not (a == "container" and b == "unshare")   # unlike pair: information
        fail |= judged and not ok
        verdict = ("PASS" if ok else "FAIL") if judged else "information (container joins a cgroup, unshare does not)"
        print(f"{a} / {b} = {ratio:.2f} (target {'<' if strict_lt else '<='} {limit}): {verdict}")
if "oci" in med and "crun" in med:
    print(f"oci (vbench) / crun = {med['oci'] / med['crun']:.2f} (information)")
sys.exit(1 if (strict and fail) or failures else 0)
EOF
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
