# Real systemd as PID 1 in systemd-nspawn (rig/nspawn), booted on the host's own /usr,
# with the output of `make install` laid over its real paths (rig/units): the tests
# of the shipped units.  Load after test_helper/common-setup; call nspawn_boot from
# setup_file and nspawn_teardown from teardown_file.  Exports NSPAWN_* for the tests.

export RIG=$BATS_TEST_DIRNAME/../rig
# Where the socket listens inside the container (the shipped unit says 25).
export NSPAWN_PORT=2525
# Where the shipped units run tarpit from: BINDIR of `make install` by default.
NSPAWN_SBINDIR=$("$RIG/units" sbindir)
export NSPAWN_SBINDIR

# nspawn_boot: install into a DESTDIR with the build under test, boot the container
# (with the systemd-nspawn options in the array NSPAWN_EXTRA, if set), and have
# tarpit.socket listen on $NSPAWN_PORT.
nspawn_boot() {
	export NSPAWN_DIR=$BATS_FILE_TMPDIR/nspawn
	# also the container's hostname, so the name in every reply
	export NSPAWN_NAME=tarpit-test-$$
	mkdir -p "$NSPAWN_DIR"
	"$RIG/units" install "$NSPAWN_DIR/dest" "$TARPIT" || { fail "rig/units install failed"; return; }
	nspawn_write_flood
	"$RIG/units" boot "$NSPAWN_DIR" "$NSPAWN_NAME" "$NSPAWN_DIR/dest" --private-network \
		"${NSPAWN_EXTRA[@]}" &
	export NSPAWN_PID=$!
	"$RIG/nspawn" ready "$NSPAWN_DIR" || { fail "the container is not ready"; return; }
	NSPAWN_LEADER=$("$RIG/nspawn" leader "$NSPAWN_DIR")
	export NSPAWN_LEADER
	# the one-line banner at once, as in every test of the dialogue (common-setup),
	# by a drop-in: the shipped unit stays as installed
	printf '[Service]\nExecStart=\nExecStart=%s/tarpit --greet-wait 0\n' "$NSPAWN_SBINDIR" |
		"$RIG/nspawn" dropin "$NSPAWN_DIR" tarpit@.service greeting
	"$RIG/units" listen "$NSPAWN_DIR" "$NSPAWN_PORT" || fail "tarpit.socket does not listen"
}

# in_container COMMAND...: run COMMAND inside, as if logged in there.
in_container() {
	"$RIG/nspawn" enter "$NSPAWN_DIR" "$@"
}

# in_container_net COMMAND...: run a host program (client) on the container's network,
# where the socket listens on the loopback.
in_container_net() {
	"$RIG/nspawn" net "$NSPAWN_DIR" "$@"
}

# container_layout: v1 or v2, the cgroup layout the container's systemd sees.
container_layout() {
	"$RIG/nspawn" layout "$NSPAWN_DIR"
}

# container_has_controllers: units get the memory and pids controllers.  Not so in
# a v2 container on a host that keeps them on v1 (rig/unified).
container_has_controllers() {
	[[ $(container_layout) == v1 ]] || in_container grep -qw memory /sys/fs/cgroup/cgroup.controllers
}

# unit_dropin UNIT NAME TEXT: /etc/systemd/system/UNIT.d/NAME.conf inside holds TEXT
# (printf %b escapes), then daemon-reload.
unit_dropin() {
	printf '%b' "$3" | "$RIG/nspawn" dropin "$NSPAWN_DIR" "$1" "$2"
}

# unit_property UNIT PROPERTY: the value, as `systemctl show` has it.
unit_property() {
	in_container systemctl show -P "$2" "$1"
}

socket_listening() {
	[[ $(unit_property tarpit.socket ActiveState)/$(unit_property tarpit.socket SubState) == active/listening ]]
}

# instances_running: how many tarpit@ instances are active now.
instances_running() {
	in_container systemctl list-units --no-legend --plain --state=active 'tarpit@*' | grep -c . || true
}

no_instances() {
	[[ $(instances_running) == 0 ]]
}

# container_client ARGS...: test_helper/smtpclient.py on the container's loopback.
container_client() {
	in_container_net python3 "$HELPERS/smtpclient.py" "$@"
}

# container_flood ARGS...: $NSPAWN_DIR/flood.py (many connections at once), likewise.
container_flood() {
	in_container_net python3 "$NSPAWN_DIR/flood.py" "$@"
}

# --- the container's journal --------------------------------------------------------

# journal_entry EVENT PORT: the one tarpit journal entry of EVENT (connect, disconnect)
# for the client port PORT, one FIELD=VALUE a line; fails unless there is exactly one.
journal_entry() {
	one_journal_entry in_container TARPIT_EVENT="$1" REMOTE_PORT="$2"
}

# journal_entry_by FIELD=VALUE EVENT: the same, found by another field (HELO=...).
journal_entry_by() {
	one_journal_entry in_container TARPIT_EVENT="$2" "$1"
}

# --- teardown -----------------------------------------------------------------------

# nspawn_teardown: halt the container and remove what it leaves on the host.
nspawn_teardown() {
	[[ -n ${NSPAWN_PID-} ]] || return 0
	"$RIG/nspawn" stop "$NSPAWN_DIR"
	wait "$NSPAWN_PID" 2>/dev/null || true
	NSPAWN_PID=
}

# --- many connections at once -------------------------------------------------------

nspawn_write_flood() {
	cat >"$NSPAWN_DIR/flood.py" <<'EOF'
"""usage: flood.py HOST PORT COUNT [--sources=one|many|N] [--per-source=K] [--reset=R]
                   [--helo] [--wait-close] [--timeout=S] [--list=FILE]
                   [--hold=FILE] [--hold-max=S]

Opens COUNT connections and waits (at most --timeout, default 30 s) until each
has its "220 " banner or has been closed.  They come from HOST's own family
loopback address (one), each from an address of its own in 127.10.0.0/16
(many), or from the N addresses 127.0.0.1 to 127.0.0.N in turn.  All are opened
at once; with --per-source, at most K from one address at a time, the next as
one ends.  With --reset, R of them, spread evenly, are reset (SO_LINGER 0, then
close: an RST) as soon as they are established, before any banner.  With
--helo, sends "HELO flood.example" after each banner.  With --wait-close, a
client then reads until the server closes (a short --max-time), and the wait
is for that too: only then is its place free.
Prints connect_sec (time until every connection was established), opened
(established), resets, banners, closed (ended without a banner, not reset),
failed (never established) and pending (none of these in time, or never
opened).  With --list, FILE gets a line "ADDRESS PORT OUTCOME" for each
connection, OUTCOME one of banner, reset, closed, failed and pending.  With
--hold, then keeps the connections open, reading, until FILE exists (at most
--hold-max, default 60 s), and prints still_open: how many the server has not
closed meanwhile.
"""
import os
import resource
import selectors
import socket
import struct
import sys
import time


def source_of(opts, i):
    if opts["sources"] == "one":
        return None
    if opts["sources"] == "many":
        return "127.10.%d.%d" % (i // 250, i % 250 + 1)
    return "127.0.0.%d" % (i % int(opts["sources"]) + 1)


def main(argv):
    opts = {"sources": "one", "timeout": "30", "hold-max": "60", "reset": "0"}
    args = []
    for arg in argv:
        if arg.startswith("--"):
            key, _, value = arg[2:].partition("=")
            opts[key] = value
        else:
            args.append(arg)
    if len(args) != 3:
        sys.exit(__doc__)
    host, port, count = args[0], int(args[1]), int(args[2])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    resets = int(opts["reset"])
    # at most this many open from one source at a time
    per_source = int(opts.get("per-source", count))
    # one descriptor a connection: the default soft limit of 1024 is the only obstacle
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    sel = selectors.DefaultSelector()
    conns = [{"source": source_of(opts, i), "port": None, "outcome": "pending",
              "connected": False, "buf": b"", "line": False, "done": False,
              "reset": (i + 1) * resets // count > i * resets // count}
             for i in range(count)]
    queues = {}
    for i, c in enumerate(conns):
        queues.setdefault(c["source"], []).append(i)
    open_from = dict.fromkeys(queues, 0)
    sockets = {}

    def settle(s, outcome):
        c = conns[sockets[s]]
        if c["done"]:
            return
        c["done"] = True
        if c["outcome"] == "pending":
            c["outcome"] = outcome
        open_from[c["source"]] -= 1

    def finish(s, outcome):
        settle(s, outcome)
        sel.unregister(s)
        s.close()

    def open_more():
        for source, queue in queues.items():
            while queue and open_from[source] < per_source:
                i = queue.pop(0)
                s = socket.socket(family, socket.SOCK_STREAM)
                if source is not None:
                    s.bind((source, 0))
                    conns[i]["port"] = s.getsockname()[1]
                s.setblocking(False)
                s.connect_ex((host, port))
                sockets[s] = i
                open_from[source] += 1
                sel.register(s, selectors.EVENT_WRITE)

    start = time.monotonic()
    deadline = start + float(opts["timeout"])
    connected = 0
    connect_sec = None
    open_more()
    while time.monotonic() < deadline and not all(c["done"] for c in conns):
        for key, _ in sel.select(0.05):
            s = key.fileobj
            c = conns[sockets[s]]
            if not c["connected"]:
                c["connected"] = True
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    finish(s, "failed")
                    continue
                connected += 1
                if connected == count:
                    connect_sec = time.monotonic() - start
                c["port"] = s.getsockname()[1]
                if c["reset"]:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    finish(s, "reset")
                    continue
                sel.modify(s, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                if "wait-close" in opts or "hold" not in opts:
                    finish(s, "closed")
                else:
                    # kept, so that the hold can tell it was closed
                    settle(s, "closed")
                    sel.unregister(s)
                    c["eof"] = True
                continue
            if c["line"]:
                continue
            c["buf"] += data
            if b"\r\n" in c["buf"]:
                c["line"] = True
                if c["buf"].startswith(b"220 "):
                    c["outcome"] = "banner"
                if "helo" in opts:
                    try:
                        s.sendall(b"HELO flood.example\r\n")
                    except OSError:
                        finish(s, "closed")
                        continue
                if "wait-close" not in opts:
                    # a banner stays a banner: "closed" only for any other line
                    settle(s, "closed")
        open_more()
    outcomes = [c["outcome"] for c in conns]
    print("connect_sec=%s" % ("%.3f" % connect_sec if connect_sec is not None else "none"))
    print("opened=%d" % connected)
    for outcome in ("reset", "banner", "closed", "failed", "pending"):
        print("%s=%d" % (outcome + "s" if outcome in ("reset", "banner") else outcome,
                         outcomes.count(outcome)))
    sys.stdout.flush()
    if "list" in opts:
        with open(opts["list"], "w") as f:
            for c in conns:
                f.write("%s %s %s\n" % (c["source"] or host, c["port"], c["outcome"]))
    if "hold" not in opts:
        return
    deadline = time.monotonic() + float(opts["hold-max"])
    while not os.path.exists(opts["hold"]) and time.monotonic() < deadline:
        for key, _ in sel.select(0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                conns[sockets[s]]["eof"] = True
                sel.unregister(s)
    print("still_open=%d" % sum(1 for c in conns if c["outcome"] == "banner" and not c.get("eof")),
          flush=True)


main(sys.argv[1:])
EOF
}
