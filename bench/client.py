"""The SMTP client side of bench/: loopback only, bounded in count and in time.

usage: client.py MODE HOST PORT COUNT [--net=A] [--timeout=S] [--window=W]
                 [--hold-max=S] [--stages=K,..] [--rate=R]

MODE serial: COUNT connections one after another, each closed at its banner.
MODE burst:  COUNT connections opened at once, closed once all are settled.
MODE hold:   COUNT connections opened with at most W (default 64) awaiting their
             banner; each sends EHLO after its banner.  Prints a result line,
             then holds them all, reading, until a line or EOF on stdin (at most
             --hold-max seconds, default 600), and prints a second line.
             With --stages, it first stops at each K connections bannered,
             prints a result line and waits for a line on stdin to go on.
MODE rate:   COUNT connections opened at R a second (--rate, evenly spaced
             from the first), each closed at its banner; one that has none
             --timeout seconds after its connect() is stalled.  Failed (refused,
             reset or closed before a banner) and stalled are counted apart.
Every result is one line of JSON on stdout.  Latency is connect() to the end of
the first line, which must start with "220".  Each connection comes from its
own address in 127.NET.0.0/16 (--net, default 20), so no per-source limit of
the launcher is hit.
"""
import json
import os
import resource
import selectors
import socket
import sys
import time

MAX_COUNT = 20000


def source(net, i):
    return "127.%d.%d.%d" % (net, i // 250 % 250, i % 250 + 1)


class Conn:
    __slots__ = ("sock", "start", "latency", "buf", "state")

    def __init__(self, sock, start):
        self.sock, self.start, self.latency, self.buf = sock, start, None, b""
        self.state = "connecting"  # connecting, waiting, bannered, failed, closed


def open_one(sel, host, port, net, i):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((source(net, i), 0))
    s.setblocking(False)
    c = Conn(s, time.monotonic())
    err = s.connect_ex((host, port))
    if err not in (0, 115):  # EINPROGRESS
        c.state = "failed"
        s.close()
        return c
    sel.register(s, selectors.EVENT_WRITE, c)
    return c


def step(sel, timeout, helo):
    """Advance every ready connection once; returns how many settled."""
    settled = 0
    for key, _ in sel.select(timeout):
        c = key.data
        if c.state == "connecting":
            if c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                settled += fail(sel, c)
            else:
                c.state = "waiting"
                sel.modify(c.sock, selectors.EVENT_READ, c)
            continue
        try:
            data = c.sock.recv(4096)
        except OSError:
            data = b""
        if not data:
            if c.state == "waiting":
                settled += fail(sel, c)
            else:
                c.state = "closed"
                sel.unregister(c.sock)
                c.sock.close()
            continue
        if c.state != "waiting":
            continue
        c.buf += data
        if b"\n" in c.buf:
            if not c.buf.startswith(b"220"):
                settled += fail(sel, c)
                continue
            c.latency = time.monotonic() - c.start
            c.state = "bannered"
            c.buf = b""
            settled += 1
            if helo:
                try:
                    c.sock.send(b"EHLO bench.example\r\n")
                except OSError:
                    pass
    return settled


def fail(sel, c):
    c.state = "failed"
    sel.unregister(c.sock)
    c.sock.close()
    return 1


def summary(conns, elapsed):
    lat = sorted(c.latency * 1000 for c in conns if c.latency is not None)
    return {
        "count": len(conns),
        "bannered": len(lat),
        "failed": sum(1 for c in conns if c.state == "failed"),
        "pending": sum(1 for c in conns if c.state in ("connecting", "waiting")),
        "elapsed_sec": round(elapsed, 4),
        "latency_ms": [round(x, 3) for x in lat],
    }


def close_all(sel, conns):
    for c in conns:
        if c.state in ("connecting", "waiting", "bannered"):
            sel.unregister(c.sock)
            c.sock.close()


def serial(host, port, count, opts):
    sel = selectors.DefaultSelector()
    conns = []
    start = time.monotonic()
    deadline = start + float(opts["timeout"]) * 4
    for i in range(count):
        if time.monotonic() > deadline:
            break
        c = open_one(sel, host, port, int(opts["net"]), i)
        conns.append(c)
        until = time.monotonic() + float(opts["timeout"])
        while c.state in ("connecting", "waiting") and time.monotonic() < until:
            step(sel, 0.05, False)
        close_all(sel, [c])
        if c.state == "bannered":
            c.state = "closed"
    return summary(conns, time.monotonic() - start)


def burst(host, port, count, opts):
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    conns = [open_one(sel, host, port, int(opts["net"]), i) for i in range(count)]
    deadline = start + float(opts["timeout"])
    unsettled = sum(1 for c in conns if c.state != "failed")
    while unsettled > 0 and time.monotonic() < deadline:
        unsettled -= step(sel, 0.05, False)
    result = summary(conns, time.monotonic() - start)
    close_all(sel, conns)
    return result


def rate(host, port, count, opts):
    sel = selectors.DefaultSelector()
    interval = 1 / float(opts["rate"])
    timeout = float(opts["timeout"])
    conns, active = [], []
    start = time.monotonic()
    while len(conns) < count or active:
        now = time.monotonic()
        while len(conns) < count and now >= start + len(conns) * interval:
            c = open_one(sel, host, port, int(opts["net"]), len(conns))
            conns.append(c)
            if c.state != "failed":
                active.append(c)
        still = []
        for c in active:
            if c.state == "bannered" or (c.state in ("connecting", "waiting") and
                                         now - c.start > timeout):
                sel.unregister(c.sock)
                c.sock.close()
                c.state = "closed" if c.state == "bannered" else "stalled"
            elif c.state in ("connecting", "waiting"):
                still.append(c)
        active = still
        wait = start + len(conns) * interval - now if len(conns) < count else 0.05
        step(sel, min(max(wait, 0.001), 0.05), False)
    result = summary(conns, time.monotonic() - start)
    result["stalled"] = sum(1 for c in conns if c.state == "stalled")
    # when each banner came, from the first connect(): the launcher's pace
    done = sorted(c.start + c.latency - start for c in conns if c.latency is not None)
    result["banner_at_sec"] = [round(x, 3) for x in done]
    return result


def hold(host, port, count, opts):
    sel = selectors.DefaultSelector()
    window = int(opts["window"])
    conns = []
    inflight = 0
    start = time.monotonic()
    deadline = start + float(opts["timeout"])
    stages = [int(k) for k in opts["stages"].split(",") if k and int(k) < count] + [count]
    for stage in stages:
        stage_start, before = time.monotonic(), sum(1 for c in conns if c.latency is not None)
        while time.monotonic() < deadline:
            while len(conns) < stage and inflight < window:
                c = open_one(sel, host, port, int(opts["net"]), len(conns))
                conns.append(c)
                inflight += c.state != "failed"
            if len(conns) == stage and inflight == 0:
                break
            inflight -= step(sel, 0.05, True)
        elapsed = time.monotonic() - stage_start
        result = summary(conns, time.monotonic() - start)
        # the pace of this stage's connections alone
        result["rate_per_sec"] = round((result["bannered"] - before) / elapsed, 1) \
            if elapsed > 0 else None
        print(json.dumps(result), flush=True)
        if stage < count:
            # keep the trickle read while the figures of this stage are taken
            stdin = selectors.DefaultSelector()
            stdin.register(sys.stdin, selectors.EVENT_READ)
            until = time.monotonic() + float(opts["hold-max"])
            while time.monotonic() < until and not stdin.select(0):
                step(sel, 0.2, False)
            sys.stdin.readline()
            deadline = time.monotonic() + float(opts["timeout"])
    # hold, reading the trickle, until told to stop on stdin
    stdin = selectors.DefaultSelector()
    stdin.register(sys.stdin, selectors.EVENT_READ)
    until = time.monotonic() + float(opts["hold-max"])
    while time.monotonic() < until:
        if stdin.select(0):
            break
        step(sel, 0.2, False)
    still = sum(1 for c in conns if c.state == "bannered")
    close_all(sel, conns)
    return {"still_open": still, "closed_by_server": result["bannered"] - still}


def main(argv):
    opts = {"net": "20", "timeout": "30", "window": "64", "hold-max": "600", "stages": "",
            "rate": "50"}
    args = []
    for arg in argv:
        if arg.startswith("--"):
            key, _, value = arg[2:].partition("=")
            opts[key] = value
        else:
            args.append(arg)
    if len(args) != 4 or args[0] not in ("serial", "burst", "hold", "rate"):
        sys.exit(__doc__)
    mode, host, port, count = args[0], args[1], int(args[2]), int(args[3])
    if not host.startswith("127.") or not 0 < count <= MAX_COUNT:
        sys.exit("client.py: loopback hosts only, 1 to %d connections" % MAX_COUNT)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    result = {"serial": serial, "burst": burst, "hold": hold, "rate": rate}[mode](
        host, port, count, opts)
    print(json.dumps(result), flush=True)


main(sys.argv[1:])
