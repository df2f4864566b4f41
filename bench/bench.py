#!/usr/bin/env python3
"""bench/bench.py: what one held SMTP connection costs, tarpit against the floor.

usage: bench.py [-n N] [--launchers L,..] [--builds B,..] [--serial K] [--burst K]
                [--cpu-window S] [--cpu-pair-window S] [--settle S] [--out DIR]
                [--strict] [--keep]
       bench.py --hardening [-n N] [--serial K] [--hardening-build B]
                [--variants V,..] [--repeat R] [--out DIR] [--strict] [--keep]

For every launcher (sa: systemd-socket-activate --inetd -a; xinetd: the shipped
xinetd/tarpit as it is, on port 25, under rig/xinetd; systemd: real systemd as
PID 1 in systemd-nspawn with the shipped units, rig/units and rig/nspawn) and
every build (tarpit,
tarpit-static, floor) it measures, in the same run, per held connection:
memory (growth of a memory cgroup around the launcher and its children, under
systemd less the container's journald, whose growth is given apart, and
MemAvailable corrected by the per-CPU free pages of /proc/zoneinfo, less the
client's own cgroup growth), the USS, PSS and RSS of the session processes (from
smaps_rollup, all of them), connect-to-banner latency p50/p99 serially and in a
burst, the rate N connections are taken at with up to 64 awaiting their banner
(and how many failed), and CPU seconds per connection-hour while N sessions are
held at the default 10 s delay (the sessions' own run time from
/proc/PID/schedstat, and the launcher cgroup's cpuacct.usage).  Then every
build's N sessions are held at once under systemd-socket-activate and their CPU
read over one window, for a ratio to the floor that other load cannot skew.
--hardening instead measures each hardening option group of tarpit@.service
under real systemd, as drop-ins on the shipped unit.
Needs root.  Every launcher runs in a network namespace of its own and every
client connects to 127.0.0.1 there; everything it starts it stops.
"""
import argparse
import datetime
import glob
import hashlib
import json
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
# The helpers tests/ uses too, one a real component: cgroup, nspawn, units, xinetd,
# the launcher, and the client.
RIG = os.path.join(REPO, "rig")
CLIENT = os.path.join(RIG, "client")
PORT = 2525
HOST = "127.0.0.1"
T0 = time.monotonic()
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


def run(cmd, timeout=60, check=True, input=None):
    """CMD with INPUT (else nothing) on stdin; with CHECK, its failure raises
    RuntimeError with the end of its stderr."""
    out = subprocess.run(cmd, timeout=timeout, input=input or "", capture_output=True,
                         text=True)
    if check and out.returncode:
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd[:3]), out.returncode,
                                                 out.stderr.strip()[-2000:]))
    return out


def read(path):
    with open(path) as f:
        return f.read()


# --- cgroups: rig/cgroup ------------------------------------------------------------

class Group:
    """A cgroup of one's own (rig/cgroup), described by the file PATH: made here when
    NAME is given, else one a rig command made.  On cgroup v1, v2, or a transient
    scope where systemd is PID 1: rig/cgroup knows which, and where its files are."""

    def __init__(self, path, name=None):
        self.path = path
        if name:
            run([RIG + "/cgroup", "create", path, name])

    def exec_prefix(self):
        """What runs a command inside the group."""
        return [RIG + "/cgroup", "exec", self.path]

    def dir(self, hierarchy):
        return run([RIG + "/cgroup", "dir", self.path, hierarchy]).stdout.strip()

    def memory(self):
        return charged_memory(self.dir("memory"))

    def log_memory(self):
        """What journald, somewhere in this group's tree (a container's), is charged."""
        found = glob.glob(self.dir("memory") + "/**/" + JOURNALD_UNIT, recursive=True)
        if len(found) != 1:
            raise RuntimeError("not one %s under %s: %s" % (JOURNALD_UNIT, self.path, found))
        return charged_memory(found[0])

    def cpu_ns(self):
        d = self.dir("cpuacct")
        if os.path.exists(d + "/cpuacct.usage"):
            return int(read(d + "/cpuacct.usage"))
        return int(stat_fields(d + "/cpu.stat")["usage_usec"]) * 1000

    def pids(self):
        return {int(p) for p in run([RIG + "/cgroup", "pids", self.path]).stdout.split()}

    def remove(self):
        if run([RIG + "/cgroup", "remove", self.path], check=False).returncode:
            log("could not remove the cgroups of %s" % self.path)


def cgroup_layout():
    """What the memory figures come from: v1, v2, or systemd-v2 (a server: systemd as
    PID 1, which rig/cgroup accepts on cgroup v2 alone)."""
    layout = run([RIG + "/cgroup", "layout"]).stdout.strip()
    return "systemd-v2" if layout == "systemd" else layout


# --- what the kernel says -----------------------------------------------------------

def stat_fields(path):
    return dict(line.split() for line in read(path).splitlines())


def charged_memory(memory_dir):
    """Bytes charged to the memory cgroup tree MEMORY_DIR: its pages and its kernel
    memory.  On v1, memory.stat's total_rss and total_cache, and
    memory.kmem.usage_in_bytes; on v2, memory.stat's anon, file, kernel and sock.
    Not memory.usage_in_bytes or memory.current, which also count what the kernel
    has charged ahead to each of the last few cgroups that allocated on a CPU (up to
    63 pages each), a figure that moves by megabytes with whichever units ran last."""
    stat = stat_fields(memory_dir + "/memory.stat")
    if "total_rss" in stat:
        return (int(stat["total_rss"]) + int(stat["total_cache"]) +
                int(read(memory_dir + "/memory.kmem.usage_in_bytes")))
    if "kernel" not in stat:
        raise RuntimeError("%s: no memory controller here (v2 without it?)" % memory_dir)
    return int(stat["anon"]) + int(stat["file"]) + int(stat["kernel"]) + int(stat["sock"])


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
    """One build behind one launcher, all of it in the cgroup self.group, listening
    on 127.0.0.1:self.port of a network namespace of its own."""
    port = PORT

    def client(self, args):
        """The command that runs rig/client with ARGS on the launcher's network."""
        return self.net_prefix() + [sys.executable, CLIENT] + args

    def sessions(self):
        return sorted(p for p in self.group.pids() if comm(p) == self.comm)

    def drained(self):
        return not self.sessions()

    def log_memory(self):
        """Bytes charged to the log's receiver, None where there is none to measure."""
        return None

    def records(self):
        """The connect and disconnect records received so far, None where none are."""
        return None


class SocketActivate(Launcher):
    name = "sa"

    def start(self, bench, build):
        self.comm = build
        self.group = bench.group("%s-%s" % (self.name, build))
        self.dir = os.path.join(bench.dir, "sa-" + build)
        # as root, as a plain inetd line starts it: tarpit drops to nobody itself
        self.proc = subprocess.Popen(self.group.exec_prefix() + [
            RIG + "/activate", "serve", self.dir, "%s:%d" % (HOST, self.port),
            "--private-network", bench.binary(build)], stdin=subprocess.DEVNULL)
        run([RIG + "/activate", "ready", self.dir])

    def net_prefix(self):
        return [RIG + "/activate", "net", self.dir]

    def stop(self):
        run([RIG + "/activate", "stop", self.dir], check=False)
        self.proc.wait(5)
        self.group.remove()


class Xinetd(Launcher):
    """rig/xinetd with the shipped xinetd/tarpit as it is, on port 25 as smtp; the
    build, floor too, on the path the entry names (where its comm is tarpit)."""
    name = "xinetd"
    port = 25
    comm = "tarpit"

    def start(self, bench, build):
        self.group = bench.group("%s-%s" % (self.name, build))
        self.dir = os.path.join(bench.dir, "xinetd-" + build)
        sbin = os.path.join(self.dir, "sbin")
        os.makedirs(sbin)
        shutil.copy2(bench.binary(build), sbin + "/tarpit")
        os.sync()
        dev_log = []
        if bench.args.flood:
            # the records, to a /dev/log of our own: this host has no journal
            self.syslog = SyslogCounter(os.path.join(self.dir, "dev-log"))
            dev_log = ["--dev-log=" + self.syslog.path]
        self.proc = subprocess.Popen(self.group.exec_prefix() + [
            RIG + "/xinetd", "serve", self.dir, "--bind=%s:%s" % (sbin, SBINDIR)] + dev_log +
            [os.path.join(REPO, "xinetd/tarpit")], stdin=subprocess.DEVNULL)
        run([RIG + "/xinetd", "ready", self.dir])

    def records(self):
        return self.syslog.counts()

    def net_prefix(self):
        return [RIG + "/xinetd", "net", self.dir]

    def stop(self):
        run([RIG + "/xinetd", "stop", self.dir], check=False)
        self.proc.wait(5)
        self.group.remove()
        if getattr(self, "syslog", None):
            self.syslog.close()


class SyslogCounter:
    """A /dev/log at PATH that counts the connect and disconnect records it is sent."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)  # tarpit runs as nobody under xinetd
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.seen = {"connect": 0, "disconnect": 0}
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.receive, daemon=True)
        self.thread.start()

    def receive(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            m = re.search(rb"\bevent=(connect|disconnect)\b", data)
            if m:
                with self.lock:
                    self.seen[m.group(1).decode()] += 1

    def counts(self):
        with self.lock:
            return dict(self.seen)

    def close(self):
        self.sock.close()


class Nspawn(Launcher):
    """Real systemd as PID 1 in systemd-nspawn on the host's /usr, with `make
    install` laid over it (rig/units, rig/nspawn); tarpit.socket on PORT, or
    floor.socket for the floor.  The container's own cgroup is the group."""
    name = "systemd"

    def start(self, bench, build):
        self.unit = self.comm = "floor" if build == "floor" else "tarpit"
        self.dir = os.path.join(bench.dir, "nspawn-" + build)
        dest = bench.install_tree(build)
        # PID 1 keeps three descriptors for each held bot (the connection and the two
        # BPF programs of IPAddressDeny=).  A host's systemd raises its own limit to
        # fs.nr_open, which in a container it cannot: ask nspawn for that, which it
        # can give only where root has CAP_SYS_RESOURCE (not on these hosts: the
        # limit stays what this process has).
        nofile = "--rlimit=RLIMIT_NOFILE=" + read("/proc/sys/fs/nr_open").strip()
        self.proc = subprocess.Popen([RIG + "/units", "boot", self.dir, "%s-%s" % (RUN_TAG, build),
                                      dest, "--private-network", nofile],
                                     stdin=subprocess.DEVNULL)
        run([RIG + "/nspawn", "ready", self.dir], timeout=120)
        self.group = Group(os.path.join(self.dir, "cgroup"))
        leader = run([RIG + "/nspawn", "leader", self.dir]).stdout.strip()
        limits = re.search(r"Max open files\s+(\d+)", read("/proc/%s/limits" % leader))
        self.pid1_nofile = int(limits.group(1)) if limits else None
        if self.pid1_nofile and self.pid1_nofile < 3 * bench.args.n:
            log("  PID 1 may open %d files: it will start no more than about %d instances"
                % (self.pid1_nofile, self.pid1_nofile // 3))
        socket_settings = socket_dropin(bench.args)
        if socket_settings:
            self.dropin(self.unit + ".socket", "bench", socket_settings)
        if bench.args.service_setting:
            self.dropin(self.unit + "@.service", "bench",
                        "[Service]\n" + "".join(l + "\n" for l in bench.args.service_setting))
        run([RIG + "/units", "listen", self.dir, str(self.port), self.unit + ".socket"])
        self.settings = self.inside(["systemctl", "show", "-p", "Backlog,MaxConnections",
                                     self.unit + ".socket"]).stdout.split()

    def records(self):
        """How many connect and disconnect records the container's journal holds."""
        self.inside(["journalctl", "--sync"], check=False)
        out = self.inside(["journalctl", "-q", "--no-pager", "-o", "cat",
                           "--output-fields=TARPIT_EVENT", "SYSLOG_IDENTIFIER=tarpit"],
                          check=False).stdout.split()
        return {e: out.count(e) for e in ("connect", "disconnect")}

    def net_prefix(self):
        return [RIG + "/nspawn", "net", self.dir]

    def inside(self, cmd, check=True):
        return run([RIG + "/nspawn", "enter", self.dir] + cmd, check=check)

    def dropin(self, unit, name, text):
        run([RIG + "/nspawn", "dropin", self.dir, unit, name], input=text)

    def log_memory(self):
        return self.group.log_memory()

    def drained(self):
        if self.sessions():
            return False
        out = self.inside(["systemctl", "list-units", "--all", "--no-legend", "--plain",
                           self.unit + "@*"], check=False).stdout
        return not out.strip()

    def stop(self):
        run([RIG + "/nspawn", "stop", self.dir], check=False, timeout=120)
        self.proc.wait(5)


def stop_process(proc, seconds):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


# journald's own cgroup inside a container's: the log's receiver, measured apart.
JOURNALD_UNIT = "systemd-journald.service"

LAUNCHERS = {"sa": SocketActivate, "xinetd": Xinetd, "systemd": Nspawn}
BUILDS = ("tarpit", "tarpit-static", "floor")

# Where the shipped units run tarpit from, and where make install puts units.
SBINDIR = subprocess.run([RIG + "/units", "sbindir"], capture_output=True, text=True,
                         check=True).stdout.strip()
UNITDIR = subprocess.run(["pkg-config", "--variable=systemdsystemunitdir", "systemd"],
                         capture_output=True, text=True, check=True).stdout.strip()


def socket_dropin(args):
    """[Socket] settings the run asks for over the shipped ones (--backlog,
    --max-connections), or None."""
    lines = []
    if args.backlog:
        lines.append("Backlog=%d" % args.backlog)
    if args.max_connections:
        lines.append("MaxConnections=%d" % args.max_connections)
    return "[Socket]\n" + "".join(l + "\n" for l in lines) if lines else None


def floor_service(shipped):
    """The shipped tarpit@.service with the floor as its ExecStart=: the floor under the
    same limits and hardening, so that the ratio is the programs' alone."""
    return re.sub(r"(?m)^ExecStart=.*$", "ExecStart=%s/floor" % SBINDIR, shipped)


# --- one run ----------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix=RUN_TAG + "-")
        os.chmod(self.dir, 0o755)
        self.binaries = {}
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
        """`make install` into a DESTDIR of the build's own, with it as tarpit (the
        floor with floor.socket, the shipped socket, and floor@.service too)."""
        tree = os.path.join(self.dir, "dest-" + build)
        if not os.path.isdir(tree):
            run([RIG + "/units", "install", tree, self.binary(build)], timeout=120)
            if build == "floor":
                units = tree + UNITDIR
                shutil.copy2(self.binary("floor"), tree + SBINDIR + "/floor")
                shutil.copy2(units + "/tarpit.socket", units + "/floor.socket")
                with open(units + "/floor@.service", "w") as f:
                    f.write(floor_service(read(units + "/tarpit@.service")))
            os.sync()
        return tree

    def group(self, name):
        g = Group(os.path.join(self.dir, "cgroup-" + name), "%s-%s" % (RUN_TAG, name))
        self.groups.append(g)
        return g

    def cleanup(self):
        for g in reversed(self.groups):
            g.remove()
        if not self.args.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def client_run(bench, launcher, mode, count, net, timeout):
    cmd = launcher.client([mode, HOST, str(launcher.port), str(count), "--net=%d" % net,
                           "--timeout=%d" % timeout])
    out = subprocess.run(bench.client_group.exec_prefix() + cmd, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=timeout * 5 + 30)
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


def memory_point(bench, launcher):
    os.sync()
    time.sleep(1)
    avail = []
    for _ in range(5):
        avail.append(mem_available_corrected())
        time.sleep(0.2)
    return {"cgroup": launcher.group.memory(), "log": launcher.log_memory(),
            "avail": statistics.median(avail), "client": bench.client_group.memory()}


def memory_figures(base, loaded, held):
    """KB per held session: the launcher's cgroup less the log's receiver (shown
    apart: what journald keeps about each process that logs, none for the floor,
    which logs nothing), and MemAvailable less the client."""
    kb = lambda b: round(b / held / 1024, 1)
    r = {}
    log = 0
    if base["log"] is not None:
        log = loaded["log"] - base["log"]
        r["journald_kb"] = kb(log)
    r["cgroup_kb"] = kb(loaded["cgroup"] - base["cgroup"] - log)
    client_growth = loaded["client"] - base["client"]
    r["sys_kb"] = kb(base["avail"] - loaded["avail"] - client_growth)
    r["client_kb"] = kb(client_growth)
    return r


def latency_summary(result):
    lat = result.pop("latency_ms")
    result["p50_ms"], result["p99_ms"] = pct(lat, 50), pct(lat, 99)
    return result


def hold_and_measure(bench, launcher, n, net, cpu_window):
    """Opens n held connections and measures memory, smaps and CPU while held."""
    return hold_stages(bench, launcher, n, net, cpu_window, [])[0]


def hold_stages(bench, launcher, n, net, cpu_window, stages):
    """hold_and_measure, with the figures taken also when each of STAGES (fewer than n)
    connections are held, on the way to n, in one hold: one row for each, every one
    against the same base, so that the cost per bot at each size comes from one run."""
    base = memory_point(bench, launcher)
    cmd = launcher.client(["hold", HOST, str(launcher.port), str(n), "--net=%d" % net,
                           "--timeout=%d" % (60 + n // 10),
                           "--stages=%s" % ",".join(str(k) for k in stages),
                           "--hold-max=%d" % (cpu_window + 300)])
    proc = subprocess.Popen(bench.client_group.exec_prefix() + cmd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rows = []
    try:
        for stage in sorted(k for k in stages if k < n) + [n]:
            opened = latency_summary(read_line(proc, 90 + n // 10))
            log("  %d held (%d bannered, %.0f a second)" % (
                stage, opened["bannered"], opened.get("rate_per_sec") or 0))
            time.sleep(bench.args.settle)
            r = dict(measure_held(bench, launcher, base, cpu_window), opened=opened, n=stage,
                     load=read("/proc/loadavg").split()[0])
            rows.append(r)
            proc.stdin.write("next\n" if stage < n else "stop\n")
            proc.stdin.flush()
        rows[-1]["after"] = read_line(proc, 60)
        return rows
    finally:
        stop_process(proc, 10)


def measure_held(bench, launcher, base, cpu_window):
    """Memory, smaps and CPU of the sessions held now, against BASE."""
    sessions = launcher.sessions()
    loaded = memory_point(bench, launcher)
    sizes = []
    for pid in sessions:
        try:
            sizes.append(smaps(pid))
        except (OSError, KeyError):
            pass
    held = len(sessions)
    r = {"sessions": held}
    if held:
        r.update(memory_figures(base, loaded, held))
    for key in ("uss", "pss", "rss"):
        r[key + "_kb"] = round(statistics.mean(s[key] for s in sizes), 1) if sizes else None
    r["smaps_processes"] = len(sizes)
    if cpu_window > 0 and held:
        r.update(cpu_measure(launcher.group, sessions, cpu_window))
    return r


def runtimes(sessions):
    """The run time in ns of each session process still there."""
    t = {}
    for pid in sessions:
        try:
            t[pid] = runtime_ns(pid)
        except OSError:
            pass
    return t


def cpu_per_conn_hour(t0, t1, seconds):
    """CPU seconds per connection-hour of the sessions in both snapshots."""
    both = [p for p in t0 if p in t1]
    if not both:
        return None, 0
    return round(sum(t1[p] - t0[p] for p in both) / 1e9 / len(both) * 3600 / seconds, 5), \
        len(both)


def cpu_measure(group, sessions, window):
    c0, t0, w0 = group.cpu_ns(), runtimes(sessions), time.monotonic()
    time.sleep(window)
    c1, t1, w1 = group.cpu_ns(), runtimes(sessions), time.monotonic()
    per_conn_hour, count = cpu_per_conn_hour(t0, t1, w1 - w0)
    if not count:
        return {}
    return {"cpu_window_sec": round(w1 - w0, 2), "cpu_sessions": count,
            "cpu_sec_conn_hour": per_conn_hour,
            "cpu_cgroup_sec_conn_hour": round((c1 - c0) / 1e9 / count * 3600 / (w1 - w0), 5)}


def cpu_side_by_side(bench, builds):
    """CPU per connection-hour of every build, N sessions each, all held at once under
    systemd-socket-activate and measured over one and the same window: whatever else
    the machine runs weighs on each alike, so their ratio is fair on a shared host."""
    args = bench.args
    launchers, clients, opened = {}, {}, {}
    try:
        for i, build in enumerate(builds):
            launchers[build] = SocketActivate()
            launchers[build].start(bench, build)
            cmd = launchers[build].client(["hold", HOST, str(PORT), str(args.n),
                                           "--net=%d" % (40 + i),
                                           "--timeout=%d" % (60 + args.n // 20),
                                           "--hold-max=%d" % (args.cpu_pair_window + 600)])
            clients[build] = subprocess.Popen(bench.client_group.exec_prefix() + cmd,
                                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, text=True)
            opened[build] = read_line(clients[build], 90 + args.n // 20)["bannered"]
        time.sleep(args.settle)
        sessions = {b: l.sessions() for b, l in launchers.items()}
        t0 = {b: runtimes(sessions[b]) for b in builds}
        w0 = time.monotonic()
        time.sleep(args.cpu_pair_window)
        t1 = {b: runtimes(sessions[b]) for b in builds}
        seconds = time.monotonic() - w0
        rows = []
        for b in builds:
            per_conn_hour, count = cpu_per_conn_hour(t0[b], t1[b], seconds)
            rows.append({"build": b, "n": args.n, "bannered": opened[b], "sessions": count,
                         "window_sec": round(seconds, 1), "cpu_sec_conn_hour": per_conn_hour})
        return rows
    finally:
        for p in clients.values():
            stop_process(p, 10)
        for l in launchers.values():
            l.stop()


def drain(launcher, seconds=60):
    if not wait_until(seconds, launcher.drained, 0.25):
        log("  sessions still running after %d s" % seconds)


def bench_case(bench, launcher_cls, build):
    """The rows of one build behind one launcher: one, or one for each --stages size."""
    args = bench.args
    n = args.n
    launcher = launcher_cls()
    r = {"launcher": launcher_cls.name, "build": build, "n": n}
    t = time.monotonic()
    try:
        launcher.start(bench, build)
        r["start_sec"] = round(time.monotonic() - t, 2)
        r["pid1_nofile"] = getattr(launcher, "pid1_nofile", None)
        client_run(bench, launcher, "serial", 5, 10, 10)  # warm-up
        r["serial"] = latency_summary(client_run(bench, launcher, "serial", args.serial, 11, 10))
        drain(launcher)
        r["burst"] = latency_summary(client_run(bench, launcher, "burst", min(args.burst, n), 12, 30))
        drain(launcher)
        stages = hold_stages(bench, launcher, n, 13, args.cpu_window, args.stages)
        drain(launcher, 60 + n // 20)
    finally:
        launcher.stop()
    r["case_sec"] = round(time.monotonic() - t, 1)
    return [dict(r, **s) for s in stages]


# --- floods: connections at a given pace, each closed at its banner ------------------

# The kernel's counters of the listener's accept queue, in the launcher's namespace.
LISTEN_COUNTERS = ("TcpExtListenOverflows", "TcpExtListenDrops", "TcpExtSyncookiesSent")


def parse_floods(spec):
    """COUNT/SECONDS,...: COUNT connections opened evenly over SECONDS, each."""
    floods = []
    for part in spec.split(","):
        count, _, seconds = part.partition("/")
        if not count.isdigit() or not 0 < int(count) <= 20000 or not seconds:
            sys.exit("bench.py: --flood COUNT/SECONDS,..., COUNT 1 to 20000, not %r" % part)
        floods.append((int(count), float(seconds)))
    return floods


def listen_counters(launcher):
    out = run(launcher.net_prefix() + ["nstat", "-asz"] + list(LISTEN_COUNTERS),
              check=False).stdout
    found = dict(line.split()[:2] for line in out.splitlines() if line.startswith("TcpExt"))
    return {k: int(found.get(k, 0)) for k in LISTEN_COUNTERS}


def accept_queue(launcher):
    """The listener's accept queue as the kernel has it (ss: Send-Q of a listener)."""
    out = run(launcher.net_prefix() + ["ss", "-Hltn", "sport = :%d" % launcher.port],
              check=False).stdout.split()
    return int(out[2]) if len(out) > 2 and out[2].isdigit() else None


def flood_case(bench, launcher_cls, build):
    """Each --flood in turn through one launcher, drained between them."""
    launcher = launcher_cls()
    rows = []
    try:
        launcher.start(bench, build)
        client_run(bench, launcher, "serial", 5, 10, 10)  # warm-up
        drain(launcher)
        for i, (count, seconds) in enumerate(parse_floods(bench.args.flood)):
            log("%s %s: %d connections in %g s" % (launcher.name, build, count, seconds))
            rows.append(flood_one(bench, launcher, build, count, seconds, 50 + i))
            log("  %s" % flood_line(rows[-1]))
    finally:
        launcher.stop()
    return rows


def flood_one(bench, launcher, build, count, seconds, net):
    """One flood: banner latency, refused and stalled connections, the listener's
    overflows, the pace the launcher gave banners at, and whether every session that
    started wrote both its records."""
    timeout = bench.args.flood_timeout
    r = {"launcher": launcher.name, "build": build, "n": count, "seconds": seconds,
         "load": read("/proc/loadavg").split()[0],
         "socket": getattr(launcher, "settings", None), "accept_queue": accept_queue(launcher)}
    records0, counters0 = launcher.records(), listen_counters(launcher)
    cmd = launcher.client(["rate", HOST, str(launcher.port), str(count), "--net=%d" % net,
                           "--rate=%g" % (count / seconds), "--timeout=%d" % timeout])
    out = subprocess.run(bench.client_group.exec_prefix() + cmd, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=seconds + timeout + 120)
    if out.returncode != 0:
        raise RuntimeError("client rate failed: %s" % out.stderr[-2000:])
    result = json.loads(out.stdout.splitlines()[-1])
    counters1 = listen_counters(launcher)
    r["listen"] = {k: counters1[k] - counters0[k] for k in LISTEN_COUNTERS}
    at = result.pop("banner_at_sec")
    r["max_ms"] = result["latency_ms"][-1] if result["latency_ms"] else None
    r["flood"] = latency_summary(result)
    r["last_banner_sec"] = at[-1] if at else None
    r["banners_per_sec"] = round(len(at) / at[-1], 1) if at and at[-1] > 0 else None
    drain(launcher, 60 + count // 10)
    if records0 is not None:
        def got():
            now = launcher.records()
            r["records"] = {k: now[k] - records0[k] for k in now}
            return r["records"]["connect"] == r["records"]["disconnect"] >= \
                r["flood"]["bannered"]
        r["records_complete"] = wait_until(60, got, 1)
    return r


def flood_line(r):
    f = r["flood"]
    rec = r.get("records")
    return ("%d in %gs: banner p50 %s p99 %s max %s ms, failed %d, stalled %d, "
            "%s banners/s, last at %s s, overflows %d, records %s" % (
                r["n"], r["seconds"], fmt(f["p50_ms"], "%.0f"), fmt(f["p99_ms"], "%.0f"),
                fmt(r["max_ms"], "%.0f"), f["failed"], f["stalled"],
                fmt(r["banners_per_sec"]), fmt(r["last_banner_sec"]),
                r["listen"]["TcpExtListenOverflows"],
                "%d/%d %s" % (rec["connect"], rec["disconnect"],
                              "complete" if r["records_complete"] else "INCOMPLETE")
                if rec else "-"))


def print_floods(rows):
    lines = [("launcher", "build", "queue", "conns", "in s", "load", "p50 ms", "p99 ms", "max ms",
              "failed", "stalled", "banners/s", "last s", "overflows", "syncookies",
              "connect", "disconnect", "records")]
    for r in rows:
        if "error" in r:
            lines.append((r["launcher"], r["build"], "ERROR: " + r["error"][:80]))
            continue
        f, rec = r["flood"], r.get("records") or {}
        lines.append((r["launcher"], r["build"], str(r["accept_queue"]), str(r["n"]),
                      "%g" % r["seconds"], r["load"],
                      fmt(f["p50_ms"], "%.0f"), fmt(f["p99_ms"], "%.0f"),
                      fmt(r["max_ms"], "%.0f"), str(f["failed"]), str(f["stalled"]),
                      fmt(r["banners_per_sec"]), fmt(r["last_banner_sec"]),
                      str(r["listen"]["TcpExtListenOverflows"]),
                      str(r["listen"]["TcpExtSyncookiesSent"]),
                      str(rec.get("connect", "-")), str(rec.get("disconnect", "-")),
                      "-" if "records_complete" not in r else
                      "complete" if r["records_complete"] else "INCOMPLETE"))
    print_columns(lines)


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
        # as make install installs it with the default PREFIX
        f.write(read(os.path.join(REPO, "units/tarpit@.service")))
        if dropin:
            f.write("\n[Service]\n" + dropin)
    out = run(["systemd-analyze", "security", "--offline=yes", "--no-pager", unit], check=False)
    m = re.search(r"Overall exposure level for \S+: ([\d.]+) (\S+)", out.stdout)
    return (float(m.group(1)), m.group(2)) if m else (None, out.stderr.strip()[-200:])


def bench_hardening(bench):
    args = bench.args
    build = args.hardening_build
    launcher = Nspawn()
    rows = []
    try:
        launcher.start(bench, build)
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
            drain(launcher)
            r.update(hold_and_measure(bench, launcher, args.n, 60 + i, 0))
            drain(launcher)
            if r["activation"]["failed"] or r["opened"].get("failed"):
                r["journal"] = launcher.inside(
                    ["journalctl", "-q", "--no-pager", "-n", "12", "-o", "cat",
                     ], check=False).stdout.strip().splitlines()
                log("  failed: %s" % " | ".join(r["journal"][-12:]))
            launcher.inside(["systemctl", "reset-failed", "tarpit@*"], check=False)
            rows.append(r)
            log("  %s" % hardening_line(r))
    finally:
        launcher.stop()
    return rows


# --- output -------------------------------------------------------------------------

def ratio(value, floor):
    if value is None or not floor:
        return "-"
    return "%.2fx" % (value / floor)


def fmt(value, spec="%.1f"):
    return "-" if value is None else spec % value


def print_cpu_pair(rows):
    print("CPU side by side: every build's N sessions held at once under sa, one %s s window"
          % (rows[0]["window_sec"] if rows else "-"))
    floor = next((r for r in rows if r["build"] == "floor"), {})
    lines = [("build", "held", "CPU s/c-h", "x")]
    for r in rows:
        lines.append((r["build"], str(r["sessions"]), fmt(r["cpu_sec_conn_hour"], "%.4f"),
                      ratio(r["cpu_sec_conn_hour"], floor.get("cpu_sec_conn_hour"))))
    print_columns(lines)


def print_goal(rows, cpu_rows):
    """The static build against the floor: the two figures issue 13 set limits on."""
    floors = {(r["launcher"], r["n"]): r for r in rows
              if r["build"] == "floor" and "error" not in r}
    parts = []
    for r in rows:
        f = floors.get((r["launcher"], r["n"]))
        if r["build"] == "tarpit-static" and "error" not in r and f:
            parts.append("%s %s" % (r["launcher"] if len(floors) == len(
                {k[0] for k in floors}) else "%s@%d" % (r["launcher"], r["n"]),
                ratio(r.get("cgroup_kb"), f.get("cgroup_kb"))))
    cpu = {r["build"]: r["cpu_sec_conn_hour"] for r in cpu_rows}
    print("tarpit-static / floor: memory by cgroup %s (at most 1.15x); CPU side by side %s "
          "(at most 1.2x)" % (", ".join(parts) or "-",
                              ratio(cpu.get("tarpit-static"), cpu.get("floor"))))


def print_table(rows):
    head = ("launcher", "build", "held", "cg KB", "x", "jd KB", "sys KB", "x", "USS", "PSS", "RSS",
            "ser p50", "x", "ser p99", "bur p50", "bur p99", "conn/s", "fail",
            "CPU s/c-h", "x")
    lines = [head]
    floors = {(r["launcher"], r["n"]): r for r in rows
              if r["build"] == "floor" and "error" not in r}
    for r in rows:
        if "error" in r:
            lines.append((r["launcher"], r["build"], "ERROR: " + r["error"][:80]))
            continue
        f = floors.get((r["launcher"], r["n"]), {})
        o = r.get("opened", {})
        fail = o.get("failed", 0) + o.get("pending", 0) + r["burst"]["failed"] + \
            r["serial"]["failed"] + r["burst"]["pending"]
        lines.append((
            r["launcher"], r["build"], str(r.get("sessions")),
            fmt(r.get("cgroup_kb")), ratio(r.get("cgroup_kb"), f.get("cgroup_kb")),
            fmt(r.get("journald_kb")),
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


def hardening_line(r):
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
            "systemd": run(["systemctl", "--version"]).stdout.splitlines()[0],
            "cgroup_layout": cgroup_layout()}


def each_case(bench, launchers, builds, run, announce=False):
    """The rows of run(bench, launcher, build) for every launcher and build; a
    case that fails is a row with its error, and the others still run."""
    rows = []
    for name in launchers:
        for build in builds:
            if announce:
                log("%s %s, N=%d" % (name, build, bench.args.n))
            try:
                rows.extend(run(bench, LAUNCHERS[name], build))
            except (RuntimeError, subprocess.SubprocessError, OSError) as e:
                log("  failed: %s" % e)
                rows.append({"launcher": name, "build": build, "n": bench.args.n,
                             "error": str(e)})
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=int(os.environ.get("N", 1000)))
    p.add_argument("--launchers", default="sa,xinetd,systemd")
    p.add_argument("--builds", default=",".join(BUILDS))
    p.add_argument("--serial", type=int, default=200, help="serial connections")
    p.add_argument("--burst", type=int, default=200, help="connections in the burst")
    p.add_argument("--cpu-window", type=int, default=30, help="seconds, each launcher's")
    p.add_argument("--cpu-pair-window", type=int, default=60,
                   help="seconds of the side-by-side CPU window, under sa only; 0 "
                   "leaves it out")
    p.add_argument("--settle", type=float, default=10,
                   help="seconds between the last connection opened and the figures taken: "
                   "past the longest greeting wait (1.5 x --greet-wait, 6 s)")
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    p.add_argument("--hardening", action="store_true")
    p.add_argument("--hardening-build", default="tarpit", choices=("tarpit", "tarpit-static"))
    p.add_argument("--variants", help="hardening variants to run, by name")
    p.add_argument("--repeat", type=int, default=1, help="hardening passes")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 if any connection failed (for CI)")
    p.add_argument("--keep", action="store_true", help="keep the scratch directory")
    p.add_argument("--stages", default="",
                   help="also take the figures when these many (K,..) are held, on the way "
                   "to N, in the same hold")
    p.add_argument("--flood", help="instead: COUNT/SECONDS,..., each COUNT connections "
                   "opened evenly over SECONDS and closed at the banner")
    p.add_argument("--flood-timeout", type=int, default=300,
                   help="seconds a flood's connection waits for its banner (stalled after)")
    p.add_argument("--backlog", type=int, help="Backlog= on the socket unit, for the run")
    p.add_argument("--max-connections", type=int,
                   help="MaxConnections= on the socket unit, for the run")
    p.add_argument("--service-setting", action="append", default=[],
                   help="a [Service] line on the instances for the run (repeatable), "
                   "e.g. IPAddressDeny= to reset it")
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench.py: needs root (cgroups, namespaces, nspawn)")
    if not 1 <= args.n <= 20000:
        sys.exit("bench.py: -n from 1 to 20000")
    args.stages = sorted({int(k) for k in args.stages.split(",") if k and int(k) < args.n})
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
        bench.client_group = bench.group("client")
        if args.hardening:
            result["binaries"] = bench.snapshot([args.hardening_build])
            result["hardening"] = bench_hardening(bench)
        elif args.flood:
            result["binaries"] = bench.snapshot(builds)
            result["floods"] = each_case(bench, launchers, builds, flood_case)
        else:
            result["binaries"] = bench.snapshot(builds)
            result["rows"] = each_case(bench, launchers, builds, bench_case,
                                       announce=True)
            result["cpu_side_by_side"] = []
            if args.cpu_pair_window > 0 and "sa" in launchers:
                log("CPU side by side under sa: %s, N=%d each" % (",".join(builds), args.n))
                try:
                    result["cpu_side_by_side"] = cpu_side_by_side(bench, builds)
                except (RuntimeError, subprocess.SubprocessError, OSError) as e:
                    log("  failed: %s" % e)
                    result["cpu_error"] = str(e)
    finally:
        bench.cleanup()
    result["duration_sec"] = round(time.monotonic() - T0, 1)
    os.makedirs(args.out, exist_ok=True)
    kind = "hardening" if args.hardening else "flood" if args.flood else "bench"
    path = os.path.join(args.out, "%s-%s-n%d.json" % (
        kind, started.strftime("%Y%m%d-%H%M%S"),
        max(c for c, _ in parse_floods(args.flood)) if args.flood else args.n))
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("%s, N=%d, %s, cgroup %s, %d CPUs, %s; %.0f s" % (
        result["machine"]["systemd"], args.n, result["machine"]["kernel"],
        result["machine"]["cgroup_layout"], result["machine"]["cpus"], result["commit"],
        result["duration_sec"]))
    if args.hardening:
        print_hardening(result["hardening"])
    elif args.flood:
        print_floods(result["floods"])
    else:
        print_table(result["rows"])
        if result["cpu_side_by_side"]:
            print_cpu_pair(result["cpu_side_by_side"])
        print_goal(result["rows"], result["cpu_side_by_side"])
    print("JSON: %s" % os.path.relpath(path))
    bad = [r for r in result.get("rows", []) + result.get("floods", []) if "error" in r]
    if "cpu_error" in result:
        bad.append(result)
    if args.strict:
        bad += [r for r in result.get("rows", []) + result.get("hardening", []) +
                result.get("floods", []) if "error" not in r and failures(r)]
    sys.exit(1 if bad else 0)


def failures(r):
    """Connections of row R that got no banner, and held sessions short of n."""
    count = r.get("n", 0) - (r.get("sessions") or 0)
    if "flood" in r:
        return r["flood"]["failed"] + r["flood"]["stalled"] + (r.get("records_complete") is False)
    for phase in ("serial", "burst", "activation", "opened"):
        if phase in r:
            count += r[phase].get("failed", 0) + r[phase].get("pending", 0)
    return count


if __name__ == "__main__":
    main()
