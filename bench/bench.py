#!/usr/bin/env python3
"""bench/bench.py: what one held SMTP connection costs, tarpit against the floor.

usage: bench.py [-n N] [--launchers L,..] [--builds B,..] [--cpu-window S]
                [--serial K] [--burst K] [--out DIR] [--hardening] [--quick]

For every launcher (sa: systemd-socket-activate --inetd -a; xinetd in the
foreground with the shipped xinetd/tarpit entry; systemd: real systemd as PID 1
in systemd-nspawn with the shipped units) and every build (tarpit,
tarpit-static, floor) it measures, in the same run, per held connection:
memory (growth of a memory cgroup around the launcher and its children, and
MemAvailable corrected by the per-CPU free pages of /proc/zoneinfo, less the
client's own cgroup growth), the USS, PSS and RSS of the session processes (from
smaps_rollup, all of them), connect-to-banner latency p50/p99 serially and in a
burst, the rate N connections are taken at with up to 64 awaiting their banner
(and how many failed), and CPU seconds per connection-hour while N sessions are
held at the default 10 s delay (the sessions' own run time from
/proc/PID/schedstat, and the launcher cgroup's cpuacct.usage).
--hardening instead measures each hardening option group of tarpit@.service
under real systemd, as drop-ins on the shipped unit.
Needs root.  Every launcher runs in a network namespace of its own and every
client connects to 127.0.0.1 there; everything it starts it stops.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CLIENT = os.path.join(HERE, "client.py")
PORT = 2525
HOST = "127.0.0.1"
SBINDIR = "/usr/local/sbin"
UNITDIR = "/lib/systemd/system"
T0 = time.monotonic()
CG_ROOT = "/sys/fs/cgroup"
RUN_TAG = "tarpit-bench-%d" % os.getpid()


def log(msg):
    print("[%6.1fs] %s" % (time.monotonic() - T0, msg), file=sys.stderr, flush=True)


def wait_until(seconds, fn, interval=0.1):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if fn():
                return True
        except (OSError, subprocess.SubprocessError):
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def run(cmd, timeout=60, check=True, **kw):
    return subprocess.run(cmd, timeout=timeout, check=check, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, **kw)


def read(path):
    with open(path) as f:
        return f.read()


# --- cgroups ---------------------------------------------------------------------

def own_cgroup(hierarchy):
    for line in read("/proc/self/cgroup").splitlines():
        _, controllers, path = line.split(":", 2)
        names = controllers.split(",")
        if (hierarchy == "unified" and controllers == "") or hierarchy in names or \
                (hierarchy == "systemd" and "name=systemd" in names):
            return path.rstrip("/")
    raise RuntimeError("no %s cgroup" % hierarchy)


class Group:
    """A cgroup of the same name in several v1 hierarchies (and the unified one)."""

    def __init__(self, name, hierarchies):
        self.dirs = {}
        for h in hierarchies:
            if not os.path.isdir(os.path.join(CG_ROOT, h)):
                continue
            d = "%s/%s%s/%s/%s" % (CG_ROOT, h, own_cgroup(h), RUN_TAG, name)
            os.makedirs(d)
            self.dirs[h] = d

    def enter(self):
        """For preexec_fn: moves the calling (child) process into every hierarchy."""
        for d in self.dirs.values():
            with open(os.path.join(d, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))

    def memory(self):
        return int(read(self.dirs["memory"] + "/memory.usage_in_bytes"))

    def cpu_ns(self):
        return int(read(self.dirs["cpuacct"] + "/cpuacct.usage"))

    def pids(self):
        tree = self.dirs.get("pids") or self.dirs["memory"]
        found = set()
        for dirpath, _, files in os.walk(tree):
            if "cgroup.procs" in files:
                try:
                    found.update(int(p) for p in read(dirpath + "/cgroup.procs").split())
                except OSError:
                    pass
        return found

    def remove(self):
        for _ in range(50):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        for d in self.dirs.values():
            for dirpath, _, _ in sorted(os.walk(d), key=lambda w: -len(w[0])):
                try:
                    os.rmdir(dirpath)
                except OSError:
                    pass
            if os.path.isdir(d):
                log("could not remove %s" % d)


def remove_run_cgroups():
    for h in ("memory", "cpuacct", "pids", "systemd", "unified"):
        try:
            os.rmdir("%s/%s%s/%s" % (CG_ROOT, h, own_cgroup(h), RUN_TAG))
        except (OSError, RuntimeError):
            pass


# --- what the kernel says -----------------------------------------------------------

def mem_available_corrected():
    """MemAvailable plus the free pages parked on per-CPU lists, in bytes."""
    avail = 0
    for line in read("/proc/meminfo").splitlines():
        if line.startswith("MemAvailable:"):
            avail = int(line.split()[1]) * 1024
    pcp = sum(int(m) for m in re.findall(r"^\s+count:\s+(\d+)", read("/proc/zoneinfo"), re.M))
    return avail + pcp * os.sysconf("SC_PAGE_SIZE")


def smaps(pid):
    fields = {}
    for line in read("/proc/%d/smaps_rollup" % pid).splitlines()[1:]:
        key, _, rest = line.partition(":")
        fields[key] = int(rest.split()[0])
    return {"rss": fields["Rss"], "pss": fields["Pss"],
            "uss": fields["Private_Clean"] + fields["Private_Dirty"]}


def runtime_ns(pid):
    return int(read("/proc/%d/schedstat" % pid).split()[0])


def comm(pid):
    try:
        return read("/proc/%d/comm" % pid).strip()
    except OSError:
        return None


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 3)


# --- launchers ---------------------------------------------------------------------

class Launcher:
    """Starts one build behind one launcher in cgroup GROUP; NETPID is a process in
    the network namespace where it listens on PORT."""
    netpid = None

    def client(self, args, **kw):
        cmd = ["nsenter", "-t", str(self.netpid), "-n", "--", sys.executable, CLIENT] + args
        return cmd

    def sessions(self, group, comms):
        return sorted(p for p in group.pids() if comm(p) in comms)

    def drained(self, group, comms):
        return not self.sessions(group, comms)


class SocketActivate(Launcher):
    name = "sa"

    def start(self, bench, build, group):
        self.log = os.path.join(bench.dir, "sa-%s.log" % build)
        script = ("ip link set lo up && exec setpriv --reuid=nobody --regid=nogroup "
                  "--clear-groups -- systemd-socket-activate --inetd -a -l %s:%d \"$@\"" %
                  (HOST, PORT))
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(["unshare", "-n", "--", "sh", "-c", script, "sh",
                                          bench.binary(build)], stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=out, preexec_fn=group.enter)
        self.netpid = self.proc.pid
        if not wait_until(10, lambda: "Listening on" in read(self.log)):
            raise RuntimeError("systemd-socket-activate did not start: " + read(self.log))

    def stop(self):
        stop_process(self.proc, 5)


class Xinetd(Launcher):
    name = "xinetd"

    def start(self, bench, build, group):
        d = os.path.join(bench.dir, "xinetd-" + build)
        os.makedirs(d)
        entry = []
        for line in read(os.path.join(REPO, "xinetd/tarpit")).splitlines():
            if line.strip().startswith("server_args") and build == "floor":
                continue
            entry.append(line.replace(SBINDIR + "/tarpit", bench.binary(build)))
            if line == "{":
                entry += ["\ttype        = UNLISTED", "\tport        = %d" % PORT]
        with open(d + "/xinetd.conf", "w") as f:
            f.write("\n".join(entry) + "\n")
        self.log = d + "/xinetd.log"
        script = ("ip link set lo up && exec xinetd -dontfork -f %s/xinetd.conf -pidfile "
                  "%s/xinetd.pid -filelog %s" % (d, d, self.log))
        with open(d + "/stderr", "w") as out:
            self.proc = subprocess.Popen(["unshare", "-n", "--", "sh", "-c", script],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                         preexec_fn=group.enter)
        self.netpid = self.proc.pid
        if not wait_until(10, lambda: "Started working" in read(self.log)):
            raise RuntimeError("xinetd did not start: " + read(d + "/stderr"))

    def stop(self):
        stop_process(self.proc, 5)


class Nspawn(Launcher):
    """Real systemd as PID 1 in systemd-nspawn on the host's /usr, with `make
    install` laid over it; tarpit.socket on PORT, or floor.socket for the floor."""
    name = "systemd"

    def start(self, bench, build, group):
        self.bench, self.build = bench, build
        self.machine = "%s-%s" % (RUN_TAG, build)
        self.dest = bench.install_tree(build)
        self.unit = "floor" if build == "floor" else "tarpit"
        idfile = os.path.join(bench.dir, "machine-id")
        if not os.path.exists(idfile):
            with open(idfile, "w") as f:
                f.write(run(["systemd-id128", "new"]).stdout)
        self.console = os.path.join(bench.dir, "console-%s.log" % build)
        cmd = ["systemd-nspawn", "-D", "/", "--volatile=yes", "--register=no", "--keep-unit",
               "--private-network", "--console=pipe", "-M", self.machine,
               "--bind-ro=%s:/etc/machine-id" % idfile,
               "--bind-ro=/dev/null:/etc/systemd/system/systemd-machine-id-commit.service"]
        for path in (SBINDIR, "/usr/lib/systemd/system", "/usr/lib/sysusers.d"):
            src = self.dest + (UNITDIR if path == "/usr/lib/systemd/system" else path)
            cmd.append("--overlay-ro=%s:%s:%s" % (path, src, path))
        cmd.append("-b")
        with open(self.console, "w") as out:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=out, preexec_fn=group.enter)
        if not wait_until(20, self.find_leader):
            raise RuntimeError("no systemd in the container: " + read(self.console)[-2000:])
        if not wait_until(30, self.booted):
            raise RuntimeError("the container did not boot: " + read(self.console)[-2000:])
        # nspawn mounts these read-only; a real host gives every unit its cgroups
        self.inside(["mount", "-o", "remount,bind,rw", "/sys/fs/cgroup/memory"])
        self.inside(["mount", "-o", "remount,bind,rw", "/sys/fs/cgroup/pids"])
        self.inside(["systemctl", "daemon-reexec"])
        if not wait_until(20, self.booted):
            raise RuntimeError("not running after daemon-reexec")
        self.inside(["systemd-sysusers", "tarpit.conf"])
        self.dropin(self.unit + ".socket", "port",
                    "[Socket]\nListenStream=\nListenStream=%d\n" % PORT)
        self.inside(["systemctl", "enable", "--now", "--quiet", self.unit + ".socket"])
        if not wait_until(10, self.listening):
            raise RuntimeError("%s.socket is not listening" % self.unit)

    def find_leader(self):
        out = run(["pgrep", "-P", str(self.proc.pid), "-x", "systemd"], check=False).stdout
        if out.strip():
            self.netpid = int(out.split()[0])
            return True
        return False

    def inside(self, cmd, check=True, timeout=60):
        return run(["nsenter", "-t", str(self.netpid), "-m", "-u", "-i", "-n", "-p", "--"] + cmd,
                   check=check, timeout=timeout)

    def booted(self):
        state = self.inside(["systemctl", "is-system-running"], check=False).stdout.strip()
        return state in ("running", "degraded")

    def listening(self):
        out = self.inside(["systemctl", "show", "-P", "SubState", self.unit + ".socket"]).stdout
        return out.strip() == "listening"

    def dropin(self, unit, name, text):
        d = "/proc/%d/root/etc/systemd/system/%s.d" % (self.netpid, unit)
        os.makedirs(d, exist_ok=True)
        with open("%s/%s.conf" % (d, name), "w") as f:
            f.write(text)
        self.inside(["systemctl", "daemon-reload"])

    def drained(self, group, comms):
        if self.sessions(group, comms):
            return False
        out = self.inside(["systemctl", "list-units", "--all", "--no-legend", "--plain",
                           self.unit + "@*"], check=False).stdout
        return not out.strip()

    def stop(self):
        stop_process(self.proc, 15)
        shutil.rmtree("/run/systemd/nspawn/propagate/" + self.machine, ignore_errors=True)
        for d in ("/run/systemd/nspawn/propagate", "/run/systemd/nspawn"):
            try:
                os.rmdir(d)
            except OSError:
                pass
        if run(["pgrep", "-x", "systemd-nspawn"], check=False).returncode != 0:
            try:
                os.rmdir("/run/systemd/nspawn-root")
            except OSError:
                pass


def stop_process(proc, seconds):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


LAUNCHERS = {"sa": SocketActivate, "xinetd": Xinetd, "systemd": Nspawn}
BUILDS = ("tarpit", "tarpit-static", "floor")

FLOOR_SERVICE = """[Unit]
Description=bench floor for %I, unsandboxed
CollectMode=inactive-or-failed

[Service]
ExecStart=/usr/local/sbin/floor
StandardInput=socket
StandardError=journal
"""


# --- one run ----------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix=RUN_TAG + "-")
        os.chmod(self.dir, 0o755)
        self.binaries = {}
        self.trees = {}
        self.groups = []

    def snapshot(self, builds):
        """Copies each build, so a rebuild by anyone during the run changes nothing."""
        sources = {"tarpit": os.path.join(REPO, "tarpit"),
                   "tarpit-static": os.path.join(REPO, "tarpit-static"),
                   "floor": os.path.join(HERE, "floor")}
        info = {}
        for b in builds:
            dst = os.path.join(self.dir, b)
            shutil.copy2(sources[b], dst)
            os.chmod(dst, 0o755)
            self.binaries[b] = dst
            with open(dst, "rb") as f:
                data = f.read()
            info[b] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()[:16]}
        # page-cache pages of a fresh copy are dirty (Private_Dirty in smaps) until written
        os.sync()
        return info

    def binary(self, build):
        return self.binaries[build]

    def install_tree(self, build):
        """`make install DESTDIR=...` once, then one copy a build with its binary."""
        base = os.path.join(self.dir, "dest")
        if not os.path.isdir(base):
            run(["make", "-s", "-C", REPO, "-o", "tarpit", "install", "DESTDIR=" + base],
                timeout=120)
        tree = os.path.join(self.dir, "dest-" + build)
        if not os.path.isdir(tree):
            shutil.copytree(base, tree, symlinks=True)
            if build == "floor":
                shutil.copy2(self.binary("floor"), tree + SBINDIR + "/floor")
                shutil.copy2(tree + UNITDIR + "/tarpit.socket", tree + UNITDIR + "/floor.socket")
                with open(tree + UNITDIR + "/floor@.service", "w") as f:
                    f.write(FLOOR_SERVICE)
            else:
                shutil.copy2(self.binary(build), tree + SBINDIR + "/tarpit")
            os.sync()
        return tree

    def group(self, name, hierarchies=("memory", "cpuacct", "pids")):
        g = Group(name, hierarchies)
        self.groups.append(g)
        return g

    def cleanup(self):
        for g in reversed(self.groups):
            g.remove()
        remove_run_cgroups()
        if not self.args.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def client_run(bench, launcher, mode, count, net, timeout):
    cmd = launcher.client([mode, HOST, str(PORT), str(count), "--net=%d" % net,
                           "--timeout=%d" % timeout])
    out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=timeout * 5 + 30, preexec_fn=bench.client_group.enter)
    if out.returncode != 0:
        raise RuntimeError("client %s failed: %s" % (mode, out.stderr[-2000:]))
    return json.loads(out.stdout.splitlines()[-1])


def read_line(proc, seconds):
    ready, _, _ = select.select([proc.stdout], [], [], seconds)
    if not ready:
        raise RuntimeError("the client did not answer within %d s" % seconds)
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("the client ended: " + proc.stderr.read()[-2000:])
    return json.loads(line)


def memory_point(bench, group):
    os.sync()
    time.sleep(1)
    avail = []
    for _ in range(5):
        avail.append(mem_available_corrected())
        time.sleep(0.2)
    return {"cgroup": group.memory(), "avail": statistics.median(avail),
            "client": bench.client_group.memory()}


def latency_summary(result):
    lat = result.pop("latency_ms")
    result["p50_ms"], result["p99_ms"] = pct(lat, 50), pct(lat, 99)
    return result


def hold_and_measure(bench, launcher, group, comms, n, net, cpu_window):
    """Opens n held connections and measures memory, smaps and CPU while held."""
    base = memory_point(bench, group)
    cmd = launcher.client(["hold", HOST, str(PORT), str(n), "--net=%d" % net,
                           "--timeout=%d" % (60 + n // 20), "--hold-max=%d" % (cpu_window + 300)])
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=bench.client_group.enter)
    try:
        opened = latency_summary(read_line(proc, 90 + n // 20))
        time.sleep(2)
        sessions = launcher.sessions(group, comms)
        loaded = memory_point(bench, group)
        sizes = []
        for pid in sessions:
            try:
                sizes.append(smaps(pid))
            except (OSError, KeyError):
                pass
        held = len(sessions)
        r = {"opened": opened, "sessions": held}
        if held:
            r["cgroup_kb"] = round((loaded["cgroup"] - base["cgroup"]) / held / 1024, 1)
            client_growth = loaded["client"] - base["client"]
            r["sys_kb"] = round((base["avail"] - loaded["avail"] - client_growth) / held / 1024, 1)
            r["client_kb"] = round(client_growth / held / 1024, 1)
        for key in ("uss", "pss", "rss"):
            r[key + "_kb"] = round(statistics.mean(s[key] for s in sizes), 1) if sizes else None
        r["smaps_processes"] = len(sizes)
        if cpu_window > 0 and held:
            r.update(cpu_measure(group, sessions, cpu_window))
        proc.stdin.write("stop\n")
        proc.stdin.flush()
        r["after"] = read_line(proc, 60)
        return r
    finally:
        stop_process(proc, 10)


def cpu_measure(group, sessions, window):
    def snap():
        t = {}
        for pid in sessions:
            try:
                t[pid] = runtime_ns(pid)
            except OSError:
                pass
        return t
    c0, t0, w0 = group.cpu_ns(), snap(), time.monotonic()
    time.sleep(window)
    c1, t1, w1 = group.cpu_ns(), snap(), time.monotonic()
    both = [p for p in t0 if p in t1]
    if not both:
        return {}
    per_hour = 3600 / (w1 - w0)
    return {"cpu_window_sec": round(w1 - w0, 2), "cpu_sessions": len(both),
            "cpu_sec_conn_hour": round(sum(t1[p] - t0[p] for p in both) / 1e9 / len(both)
                                       * per_hour, 5),
            "cpu_cgroup_sec_conn_hour": round((c1 - c0) / 1e9 / len(both) * per_hour, 5)}


def drain(launcher, group, comms, seconds=60):
    if not wait_until(seconds, lambda: launcher.drained(group, comms), 0.25):
        log("  sessions still running after %d s" % seconds)


def bench_case(bench, launcher_cls, build):
    args = bench.args
    n = args.n
    name = "%s-%s" % (launcher_cls.name, build)
    hierarchies = ("memory", "cpuacct", "pids")
    if launcher_cls is Nspawn:
        hierarchies += ("systemd", "unified")
    group = bench.group(name, hierarchies)
    launcher = launcher_cls()
    comms = {build} if launcher_cls is not Nspawn else {"floor" if build == "floor" else "tarpit"}
    r = {"launcher": launcher_cls.name, "build": build, "n": n}
    t = time.monotonic()
    try:
        launcher.start(bench, build, group)
        r["start_sec"] = round(time.monotonic() - t, 2)
        client_run(bench, launcher, "serial", 5, 10, 10)  # warm-up
        r["serial"] = latency_summary(client_run(bench, launcher, "serial", args.serial, 11, 10))
        drain(launcher, group, comms)
        r["burst"] = latency_summary(client_run(bench, launcher, "burst", min(args.burst, n), 12, 30))
        drain(launcher, group, comms)
        r.update(hold_and_measure(bench, launcher, group, comms, n, 13, args.cpu_window))
        drain(launcher, group, comms)
    finally:
        launcher.stop()
        group.remove()
    r["case_sec"] = round(time.monotonic() - t, 1)
    return r


# --- hardening under real systemd ----------------------------------------------------

SECCOMP = ("SystemCallFilter=@system-service\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n"
           "MemoryDenyWriteExecute=yes\nLockPersonality=yes\nRestrictNamespaces=yes\n"
           "SystemCallArchitectures=native\n")
MOUNT_NS = "ProtectSystem=strict\nPrivateTmp=yes\nProtectHome=yes\nPrivateDevices=yes\n"
KERNEL = "ProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectKernelLogs=yes\n"
# PrivateUsers= forks a helper to write the uid map: with the shipped TasksMax=1 the
# fork fails and every instance with 217/USER, so it is measured with TasksMax=2.
VARIANTS = [
    ("bare", "shipped without CapabilityBoundingSet=, NoNewPrivileges=, MemoryMax=, TasksMax=",
     "CapabilityBoundingSet=~\nNoNewPrivileges=no\nMemoryMax=infinity\nTasksMax=infinity\n"),
    ("shipped", "units/tarpit@.service as installed", ""),
    ("+ProtectSystem", "ProtectSystem=strict (one mount namespace)", "ProtectSystem=strict\n"),
    ("+mount-ns", "ProtectSystem=strict PrivateTmp ProtectHome PrivateDevices", MOUNT_NS),
    ("+PrivateNetwork", "PrivateNetwork=yes", "PrivateNetwork=yes\n"),
    ("+DynamicUser", "DynamicUser=yes", "DynamicUser=yes\n"),
    ("+SystemCallFilter", "SystemCallFilter=@system-service alone",
     "SystemCallFilter=@system-service\n"),
    ("+seccomp-set", "SystemCallFilter RestrictAddressFamilies MemoryDenyWriteExecute "
     "LockPersonality RestrictNamespaces SystemCallArchitectures", SECCOMP),
    ("+PrivateUsers", "PrivateUsers=yes TasksMax=2", "PrivateUsers=yes\nTasksMax=2\n"),
    ("+ProtectProc", "ProtectProc=invisible", "ProtectProc=invisible\n"),
    ("+IPAddressDeny", "IPAddressDeny=any", "IPAddressDeny=any\n"),
    ("+ProtectHostname", "ProtectHostname=yes", "ProtectHostname=yes\n"),
    ("+ProtectClock", "ProtectClock=yes", "ProtectClock=yes\n"),
    ("+ProtectKernel", "ProtectKernelTunables ProtectKernelModules ProtectKernelLogs", KERNEL),
    ("+Restrict", "RestrictRealtime RestrictSUIDSGID", "RestrictRealtime=yes\nRestrictSUIDSGID=yes\n"),
    ("+RemoveIPC+UMask", "RemoveIPC=yes UMask=0077", "RemoveIPC=yes\nUMask=0077\n"),
    ("+all", "every option above (TasksMax=2), ProtectControlGroups, ProcSubset=pid",
     MOUNT_NS + "PrivateNetwork=yes\nDynamicUser=yes\n" + SECCOMP +
     "PrivateUsers=yes\nTasksMax=2\nProtectProc=invisible\nProcSubset=pid\nIPAddressDeny=any\n" +
     "ProtectHostname=yes\nProtectClock=yes\n" + KERNEL +
     "RestrictRealtime=yes\nRestrictSUIDSGID=yes\nRemoveIPC=yes\nUMask=0077\nProtectControlGroups=yes\n"),
]


def security_score(bench, dropin):
    d = tempfile.mkdtemp(dir=bench.dir)
    unit = d + "/tarpit@.service"
    with open(unit, "w") as f:
        f.write(read(bench.install_tree("tarpit") + UNITDIR + "/tarpit@.service"))
        if dropin:
            f.write("\n[Service]\n" + dropin)
    out = run(["systemd-analyze", "security", "--offline=yes", "--no-pager", unit], check=False)
    m = re.search(r"Overall exposure level for \S+: ([\d.]+) (\S+)", out.stdout)
    return (float(m.group(1)), m.group(2)) if m else (None, out.stderr.strip()[-200:])


def bench_hardening(bench):
    args = bench.args
    build = args.hardening_build
    group = bench.group("hardening-" + build, ("memory", "cpuacct", "pids", "systemd", "unified"))
    launcher = Nspawn()
    comms = {"tarpit"}
    rows = []
    try:
        launcher.start(bench, build, group)
        client_run(bench, launcher, "serial", 5, 10, 10)
        variants = [v for v in VARIANTS if not args.variants or v[0] in args.variants.split(",")]
        for i, (name, what, text) in enumerate(variants * args.repeat):
            log("hardening %s" % name)
            launcher.dropin("tarpit@.service", "bench", "[Service]\n" + text)
            r = {"variant": name, "options": what, "dropin": text, "build": build,
                 "n": args.n}
            r["score"], r["rating"] = security_score(bench, text)
            ser = client_run(bench, launcher, "serial", args.serial, 30 + i, 10)
            r["activation"] = latency_summary(ser)
            drain(launcher, group, comms)
            r.update(hold_and_measure(bench, launcher, group, comms, args.n, 60 + i, 0))
            drain(launcher, group, comms)
            if r["activation"]["failed"] or r["opened"].get("failed"):
                r["journal"] = launcher.inside(
                    ["journalctl", "-q", "--no-pager", "-n", "12", "-o", "cat",
                     ], check=False).stdout.strip().splitlines()
                log("  failed: %s" % " | ".join(r["journal"][-12:]))
            launcher.inside(["systemctl", "reset-failed", "tarpit@*"], check=False)
            rows.append(r)
            log("  %s" % hardening_line(r, rows[0] if rows else None))
    finally:
        launcher.stop()
        group.remove()
    return rows


# --- output -------------------------------------------------------------------------

def ratio(value, floor):
    if value is None or not floor:
        return "-"
    return "%.2fx" % (value / floor)


def fmt(value, spec="%.1f"):
    return "-" if value is None else spec % value


def print_table(rows):
    head = ("launcher", "build", "held", "cg KB", "x", "sys KB", "x", "USS", "PSS", "RSS",
            "ser p50", "x", "ser p99", "bur p50", "bur p99", "conn/s", "fail",
            "CPU s/c-h", "x")
    lines = [head]
    floors = {r["launcher"]: r for r in rows if r["build"] == "floor" and "error" not in r}
    for r in rows:
        if "error" in r:
            lines.append((r["launcher"], r["build"], "ERROR: " + r["error"][:80]))
            continue
        f = floors.get(r["launcher"], {})
        o = r.get("opened", {})
        fail = o.get("failed", 0) + o.get("pending", 0) + r["burst"]["failed"] + \
            r["serial"]["failed"] + r["burst"]["pending"]
        lines.append((
            r["launcher"], r["build"], str(r.get("sessions")),
            fmt(r.get("cgroup_kb")), ratio(r.get("cgroup_kb"), f.get("cgroup_kb")),
            fmt(r.get("sys_kb")), ratio(r.get("sys_kb"), f.get("sys_kb")),
            fmt(r.get("uss_kb")), fmt(r.get("pss_kb")), fmt(r.get("rss_kb")),
            fmt(r["serial"]["p50_ms"], "%.2f"),
            ratio(r["serial"]["p50_ms"], f.get("serial", {}).get("p50_ms")),
            fmt(r["serial"]["p99_ms"], "%.2f"),
            fmt(r["burst"]["p50_ms"], "%.1f"), fmt(r["burst"]["p99_ms"], "%.1f"),
            fmt(o.get("rate_per_sec"), "%.0f"), str(fail),
            fmt(r.get("cpu_sec_conn_hour"), "%.4f"),
            ratio(r.get("cpu_sec_conn_hour"), f.get("cpu_sec_conn_hour"))))
    print_columns(lines)


def hardening_line(r, base):
    return "%-18s cg %6s KB/conn  sys %6s KB/conn  p50 %6s ms  score %s" % (
        r["variant"], fmt(r.get("cgroup_kb")), fmt(r.get("sys_kb")),
        fmt(r["activation"]["p50_ms"], "%.2f"), r["score"])


def merge_passes(rows):
    """One row a variant: the median of its passes (--repeat)."""
    order, by = [], {}
    for r in rows:
        if r["variant"] not in by:
            order.append(r["variant"])
        by.setdefault(r["variant"], []).append(r)
    merged = []
    for name in order:
        rs = by[name]
        m = dict(rs[0], passes=len(rs), activation=dict(rs[0]["activation"]),
                 opened=dict(rs[0].get("opened", {})))
        for k in ("cgroup_kb", "sys_kb", "uss_kb"):
            vals = [r[k] for r in rs if r.get(k) is not None]
            m[k] = statistics.median(vals) if vals else None
        for k in ("p50_ms", "p99_ms"):
            vals = [r["activation"][k] for r in rs if r["activation"][k] is not None]
            m["activation"][k] = statistics.median(vals) if vals else None
        m["activation"]["failed"] = sum(r["activation"]["failed"] for r in rs)
        m["opened"]["failed"] = sum(r.get("opened", {}).get("failed", 0) for r in rs)
        m["opened"]["pending"] = sum(r.get("opened", {}).get("pending", 0) for r in rs)
        m["sessions"] = min(r.get("sessions", 0) for r in rs)
        merged.append(m)
    return merged


def print_hardening(rows):
    rows = merge_passes(rows)
    base = next((r for r in rows if r["variant"] == "shipped"), None)
    lines = [("variant", "held", "cg KB", "+cg KB", "sys KB", "+sys KB", "USS", "act p50",
              "act p99", "+p50 ms", "fail", "score", "options")]
    for r in rows:
        o = r.get("opened", {})
        d = lambda k: (r.get(k) - base.get(k)) if base and r.get(k) is not None and \
            base.get(k) is not None else None
        dp = None
        if base and r["activation"]["p50_ms"] is not None and base["activation"]["p50_ms"]:
            dp = r["activation"]["p50_ms"] - base["activation"]["p50_ms"]
        lines.append((r["variant"], str(r.get("sessions")), fmt(r.get("cgroup_kb")),
                      fmt(d("cgroup_kb"), "%+.1f"), fmt(r.get("sys_kb")),
                      fmt(d("sys_kb"), "%+.1f"), fmt(r.get("uss_kb")),
                      fmt(r["activation"]["p50_ms"], "%.2f"),
                      fmt(r["activation"]["p99_ms"], "%.2f"), fmt(dp, "%+.2f"),
                      str(o.get("failed", 0) + o.get("pending", 0) + r["activation"]["failed"]),
                      "%s %s" % (r["score"], r["rating"]), r["options"]))
    print_columns(lines)


def print_columns(lines):
    widths = {}
    for line in lines:
        for i, cell in enumerate(line[:-1]):
            widths[i] = max(widths.get(i, 0), len(cell))
    for line in lines:
        print("  ".join(cell.rjust(widths[i]) if i > 1 and i < len(line) - 1 else
                        cell.ljust(widths.get(i, 0)) for i, cell in enumerate(line)).rstrip())


def machine():
    cpu = re.search(r"model name\s*:\s*(.*)", read("/proc/cpuinfo"))
    mem = re.search(r"MemTotal:\s*(\d+)", read("/proc/meminfo"))
    return {"kernel": os.uname().release, "cpus": os.cpu_count(),
            "cpu": cpu.group(1) if cpu else None,
            "mem_total_mb": int(mem.group(1)) // 1024 if mem else None,
            "systemd": run(["systemctl", "--version"]).stdout.splitlines()[0]}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=int(os.environ.get("N", 1000)))
    p.add_argument("--launchers", default="sa,xinetd,systemd")
    p.add_argument("--builds", default=",".join(BUILDS))
    p.add_argument("--serial", type=int, default=200, help="serial connections")
    p.add_argument("--burst", type=int, default=200, help="connections in the burst")
    p.add_argument("--cpu-window", type=int, default=30, help="seconds")
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    p.add_argument("--hardening", action="store_true")
    p.add_argument("--hardening-build", default="tarpit", choices=("tarpit", "tarpit-static"))
    p.add_argument("--variants", help="hardening variants to run, by name")
    p.add_argument("--repeat", type=int, default=1, help="hardening passes")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 if any connection failed (for CI)")
    p.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench.py: needs root (cgroups, namespaces, nspawn)")
    if not 1 <= args.n <= 8192:
        sys.exit("bench.py: -n from 1 to 8192")
    launchers = args.launchers.split(",")
    builds = args.builds.split(",")
    if any(x not in LAUNCHERS for x in launchers) or any(b not in BUILDS for b in builds):
        sys.exit("bench.py: launchers from %s, builds from %s" % (list(LAUNCHERS), BUILDS))
    args.serial = min(args.serial, max(args.n, 20))

    bench = Bench(args)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit("bench.py: stopped by a signal"))
    started = datetime.datetime.now()
    result = {"started": started.isoformat(timespec="seconds"), "machine": machine(),
              "args": vars(args), "commit": run(["git", "-C", REPO, "describe", "--always",
                                                 "--dirty"], check=False).stdout.strip()}
    try:
        bench.client_group = bench.group("client", ("memory", "cpuacct"))
        if args.hardening:
            result["binaries"] = bench.snapshot([args.hardening_build])
            result["hardening"] = bench_hardening(bench)
        else:
            result["binaries"] = bench.snapshot(builds)
            rows = result["rows"] = []
            for name in launchers:
                for build in builds:
                    log("%s %s, N=%d" % (name, build, args.n))
                    try:
                        rows.append(bench_case(bench, LAUNCHERS[name], build))
                    except (RuntimeError, subprocess.SubprocessError, OSError) as e:
                        log("  failed: %s" % e)
                        rows.append({"launcher": name, "build": build, "error": str(e)})
    finally:
        bench.cleanup()
    result["duration_sec"] = round(time.monotonic() - T0, 1)
    os.makedirs(args.out, exist_ok=True)
    kind = "hardening" if args.hardening else "bench"
    path = os.path.join(args.out, "%s-%s-n%d.json" % (kind, started.strftime("%Y%m%d-%H%M%S"),
                                                      args.n))
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("%s, N=%d, %s, %d CPUs, %s; %.0f s" % (result["machine"]["systemd"], args.n,
                                                result["machine"]["kernel"],
                                                result["machine"]["cpus"], result["commit"],
                                                result["duration_sec"]))
    if args.hardening:
        print_hardening(result["hardening"])
    else:
        print_table(result["rows"])
    print("JSON: %s" % os.path.relpath(path))
    bad = [r for r in result.get("rows", []) if "error" in r]
    if args.strict:
        bad += [r for r in result.get("rows", []) + result.get("hardening", [])
                if "error" not in r and failures(r)]
    sys.exit(1 if bad else 0)


def failures(r):
    """Connections of row R that got no banner, and held sessions short of n."""
    count = r.get("n", 0) - (r.get("sessions") or 0)
    for phase in ("serial", "burst", "activation", "opened"):
        if phase in r:
            count += r[phase].get("failed", 0) + r[phase].get("pending", 0)
    return count


if __name__ == "__main__":
    main()
