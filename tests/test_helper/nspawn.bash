# Real systemd as PID 1 in systemd-nspawn, booted on the host's own /usr, with the
# output of `make install` laid over its real paths: the tests of the shipped units.
# Load after test_helper/common-setup; call nspawn_boot from setup_file and
# nspawn_teardown from teardown_file.  Exports NSPAWN_* for the tests.

# Where the socket listens inside the container (the shipped unit says 25).
export NSPAWN_PORT=2525
# BINDIR of `make install` with the default PREFIX, as ExecStart= has it.
export NSPAWN_SBINDIR=/usr/local/sbin

# nspawn_boot: install into a DESTDIR, boot the container, create the tarpit user,
# move the socket to $NSPAWN_PORT with a drop-in and enable --now tarpit.socket.
nspawn_boot() {
	export NSPAWN_DIR=$BATS_FILE_TMPDIR/nspawn
	# also the container's hostname, so the name in every reply
	export NSPAWN_NAME=tarpit-test-$$
	local dest=$NSPAWN_DIR/dest
	mkdir -p "$NSPAWN_DIR"
	make -s -C "$BATS_TEST_DIRNAME/.." install DESTDIR="$dest" >"$NSPAWN_DIR/make.log" 2>&1 ||
		{ fail "make install failed: $(cat "$NSPAWN_DIR/make.log")"; return; }
	# the build under test, which is not the tree's own when TARPIT says so
	install -m 755 "$TARPIT" "$dest$NSPAWN_SBINDIR/tarpit"
	# without a machine-id systemd takes this for a first boot and enables everything
	systemd-id128 new >"$NSPAWN_DIR/machine-id"
	nspawn_write_flood
	nspawn_cgroups_create
	(
		nspawn_cgroups_enter
		exec systemd-nspawn -D / --volatile=yes --register=no --keep-unit \
			--private-network --console=pipe -M "$NSPAWN_NAME" \
			--bind-ro="$NSPAWN_DIR/machine-id:/etc/machine-id" \
			--bind-ro=/dev/null:/etc/systemd/system/systemd-machine-id-commit.service \
			--overlay-ro="$NSPAWN_SBINDIR:$dest$NSPAWN_SBINDIR:$NSPAWN_SBINDIR" \
			--overlay-ro="/usr/lib/systemd/system:$dest/lib/systemd/system:/usr/lib/systemd/system" \
			--overlay-ro="/usr/lib/sysusers.d:$dest/usr/lib/sysusers.d:/usr/lib/sysusers.d" \
			-b
	) </dev/null >"$NSPAWN_DIR/console.log" 2>&1 3>&- &
	export NSPAWN_PID=$!
	wait_until 20 nspawn_find_leader || { nspawn_fail "no systemd in the container"; return; }
	wait_until 30 nspawn_booted || { nspawn_fail "the container did not finish booting"; return; }
	# nspawn mounts the memory and pids hierarchies read-only, so units would get
	# no MemoryMax= or TasksMax=; a real host has them.
	in_container mount -o remount,bind,rw /sys/fs/cgroup/memory
	in_container mount -o remount,bind,rw /sys/fs/cgroup/pids
	in_container systemctl daemon-reexec
	wait_until 20 nspawn_booted || { nspawn_fail "not running after daemon-reexec"; return; }
	in_container systemd-sysusers tarpit.conf
	unit_dropin tarpit.socket port "[Socket]\nListenStream=\nListenStream=$NSPAWN_PORT\n"
	in_container systemctl enable --now --quiet tarpit.socket
	wait_until 10 socket_listening || nspawn_fail "tarpit.socket is not listening"
}

nspawn_fail() {
	fail "$1; console: $(tail -n 20 "$NSPAWN_DIR/console.log"); failed units: $(in_container systemctl --failed --no-legend 2>&1)"
}

# nspawn_find_leader: set NSPAWN_LEADER to the container's PID 1, once it is systemd.
nspawn_find_leader() {
	local pid
	pid=$(pgrep -P "$NSPAWN_PID" -x systemd) || return 1
	export NSPAWN_LEADER=$pid
}

nspawn_booted() {
	local state
	state=$(in_container systemctl is-system-running 2>/dev/null)
	[[ $state == running || $state == degraded ]]
}

# in_container COMMAND...: run COMMAND inside, as if logged in there.
in_container() {
	nsenter -t "$NSPAWN_LEADER" -m -u -i -n -p -- "$@"
}

# in_container_net COMMAND...: run a host program (client) on the container's network,
# where the socket listens on the loopback.
in_container_net() {
	nsenter -t "$NSPAWN_LEADER" -n -- "$@"
}

# unit_dropin UNIT NAME TEXT: /etc/systemd/system/UNIT.d/NAME.conf inside holds TEXT
# (printf %b escapes), then daemon-reload.
unit_dropin() {
	local dir=/proc/$NSPAWN_LEADER/root/etc/systemd/system/$1.d
	mkdir -p "$dir"
	printf '%b' "$3" >"$dir/$2.conf"
	in_container systemctl daemon-reload
}

unit_dropin_remove() {
	rm -f "/proc/$NSPAWN_LEADER/root/etc/systemd/system/$1.d/$2.conf"
	in_container systemctl daemon-reload
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

# nspawn_teardown: halt the container (kill it if it does not halt within 15 s) and
# remove what nspawn and the container leave on the host: its cgroups and /run dirs.
nspawn_teardown() {
	[[ -n ${NSPAWN_PID-} ]] || return 0
	if ! process_gone "$NSPAWN_PID"; then
		kill -TERM "$NSPAWN_PID" 2>/dev/null
		wait_until 15 process_gone "$NSPAWN_PID" || kill -KILL "$NSPAWN_PID" 2>/dev/null
	fi
	wait "$NSPAWN_PID" 2>/dev/null || true
	nspawn_cgroups_remove
	rmdir "/run/systemd/nspawn/propagate/$NSPAWN_NAME" 2>/dev/null || true
	rmdir /run/systemd/nspawn/propagate /run/systemd/nspawn 2>/dev/null || true
	# the mount point of every volatile root: only when no other container uses it
	pgrep -x systemd-nspawn >/dev/null || rmdir /run/systemd/nspawn-root 2>/dev/null || true
	NSPAWN_PID=
}

# --- cgroups ------------------------------------------------------------------------
# nspawn puts the container in payload/ and itself in supervisor/ under its own cgroup,
# and the container's systemd writes under its own memory and pids cgroups.  Starting
# nspawn in a cgroup of its own in each hierarchy keeps all of that in one tree per
# hierarchy, which teardown removes whole.

nspawn_cgroups_create() {
	local hierarchy name own
	NSPAWN_CGROUPS=()
	for hierarchy in unified systemd pids memory; do
		[[ -d /sys/fs/cgroup/$hierarchy ]] || continue
		case $hierarchy in
		unified) name= ;;
		systemd) name=name=systemd ;;
		*) name=$hierarchy ;;
		esac
		own=$(awk -F: -v name="$name" '$2 == name { print $3 }' /proc/self/cgroup)
		NSPAWN_CGROUPS+=("/sys/fs/cgroup/$hierarchy${own%/}/$NSPAWN_NAME")
	done
	mkdir "${NSPAWN_CGROUPS[@]}"
	export NSPAWN_CGROUPS_LIST="${NSPAWN_CGROUPS[*]}"
}

nspawn_cgroups_enter() {
	local dir
	for dir in $NSPAWN_CGROUPS_LIST; do
		echo "$BASHPID" >"$dir/cgroup.procs"
	done
}

nspawn_cgroups_remove() {
	local dir pids
	for dir in $NSPAWN_CGROUPS_LIST; do
		[[ -d $dir ]] || continue
		# a container that had to be killed leaves its processes behind
		mapfile -t pids < <(find "$dir" -name cgroup.procs -exec cat {} +)
		((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
		wait_until 5 cgroup_tree_empty "$dir" || true
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
		[[ ! -d $dir ]] || echo "nspawn_teardown: could not remove $dir" >&2
	done
}

cgroup_tree_empty() {
	[[ -z $(find "$1" -name cgroup.procs -exec cat {} +) ]]
}

# --- many connections at once -------------------------------------------------------

nspawn_write_flood() {
	cat >"$NSPAWN_DIR/flood.py" <<'EOF'
"""usage: flood.py HOST PORT COUNT [--sources=one|many] [--helo] [--timeout=S]
                   [--hold=FILE] [--hold-max=S]

Opens COUNT connections at once, from HOST's own family loopback address (one) or
each from an address of its own in 127.10.0.0/16 (many), and waits (at most
--timeout, default 30 s) until each has its "220 " banner or has been closed.
Prints connect_sec (time until every connection was established), banners,
closed (ended without a banner) and pending (neither).  With --helo, sends
"HELO flood.example" after each banner.  With --hold, then keeps the connections
open, reading, until FILE exists (at most --hold-max, default 60 s), and prints
still_open: how many the server has not closed meanwhile.
"""
import os
import resource
import selectors
import socket
import sys
import time


def main(argv):
    opts = {"sources": "one", "timeout": "30", "hold-max": "60"}
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
    # one descriptor a connection: the default soft limit of 1024 is the only obstacle
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    sel = selectors.DefaultSelector()
    state = {}
    start = time.monotonic()
    for i in range(count):
        s = socket.socket(family, socket.SOCK_STREAM)
        if opts["sources"] == "many":
            s.bind(("127.10.%d.%d" % (i // 250, i % 250 + 1), 0))
        s.setblocking(False)
        s.connect_ex((host, port))
        state[s] = {"connected": False, "buf": b"", "line": False, "banner": False, "closed": False}
        sel.register(s, selectors.EVENT_WRITE)
    connected = 0
    connect_sec = None
    deadline = start + float(opts["timeout"])
    unsettled = count
    while unsettled and time.monotonic() < deadline:
        for key, _ in sel.select(0.05):
            s, st = key.fileobj, state[key.fileobj]
            if not st["connected"]:
                st["connected"] = True
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    st["closed"] = True
                    unsettled -= 1
                    sel.unregister(s)
                    continue
                connected += 1
                if connected == count:
                    connect_sec = time.monotonic() - start
                sel.modify(s, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                st["closed"] = True
                sel.unregister(s)
                if not st["line"]:
                    unsettled -= 1
                continue
            if st["line"]:
                continue
            st["buf"] += data
            if b"\r\n" in st["buf"]:
                st["line"] = True
                st["banner"] = st["buf"].startswith(b"220 ")
                unsettled -= 1
                if "helo" in opts:
                    s.sendall(b"HELO flood.example\r\n")
    banners = sum(1 for st in state.values() if st["banner"])
    closed = sum(1 for st in state.values() if st["closed"] and not st["line"])
    print("connect_sec=%s" % ("%.3f" % connect_sec if connect_sec is not None else "none"))
    print("banners=%d" % banners)
    print("closed=%d" % closed)
    print("pending=%d" % unsettled, flush=True)
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
                state[s]["closed"] = True
                sel.unregister(s)
    print("still_open=%d" % sum(1 for st in state.values() if not st["closed"]), flush=True)


main(sys.argv[1:])
EOF
}
