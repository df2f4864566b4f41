#!/usr/bin/env bats
# The shipped units under real systemd: tarpit.socket (Accept=yes) and tarpit@.service,
# installed by `make install`, in a systemd-nspawn container booted once for the file.

load test_helper/common-setup
load test_helper/nspawn

setup_file() {
	nspawn_boot
}

teardown_file() {
	nspawn_teardown
}

setup() {
	CLIENT_PIDS=()
}

# Every test leaves the container as it found it: shipped units plus the port, the
# socket listening, no instance left.
teardown() {
	if ((${#CLIENT_PIDS[@]} > 0)); then
		kill "${CLIENT_PIDS[@]}" 2>/dev/null || true
		wait "${CLIENT_PIDS[@]}" 2>/dev/null || true
	fi
	rm -f "/proc/$NSPAWN_LEADER/root/etc/systemd/system/"{tarpit@.service,tarpit.socket}.d/test-*.conf
	in_container systemctl daemon-reload
	in_container systemctl stop 'tarpit@*'
	in_container systemctl reset-failed
	socket_listening || in_container systemctl restart tarpit.socket
	wait_until 20 no_instances
}

# hold_session HELO-NAME ADDRESS: a client in the background that reads the banner,
# sends "HELO HELO-NAME" and then reads until the server closes, into
# $BATS_TEST_TMPDIR/HELO-NAME.out.  Returns once its instance is active, with its
# local port in HELD_PORT and the instance's name in HELD_UNIT.
hold_session() {
	local out=$BATS_TEST_TMPDIR/$1.out
	nsenter -t "$NSPAWN_LEADER" -n -- "$RIG/client" talk --timeout=30 \
		"$2" "$NSPAWN_PORT" read 'send:HELO '"$1"'\r\n' eof >"$out" 2>&1 3>&- &
	CLIENT_PIDS+=($!)
	wait_until 5 grep -q '^> HELO' "$out" || fail "no session: $(cat "$out")"
	HELD_PORT=$(sed -n 's/^\* port //p' "$out")
	wait_until 5 instance_active "$HELD_PORT"
	HELD_UNIT=$(instance "$HELD_PORT")
}

# instance PORT: the tarpit@ instance serving the client port PORT.
instance() {
	in_container systemctl list-units --no-legend --plain --all "tarpit@*:$1.service" |
		awk '{ print $1 }'
}

instance_active() {
	[[ -n $(instance "$1") && $(unit_property "$(instance "$1")" ActiveState) == active ]]
}

# session_ended NAME: the client of hold_session NAME has seen the server close.
session_ended() {
	grep -q '^\* EOF' "$BATS_TEST_TMPDIR/$1.out"
}

count_trickle() {
	grep -c '^250-' "$BATS_TEST_TMPDIR/$1.out" || true
}

trickled_at_least() {
	(($(count_trickle "$1") >= $2))
}

# analyze ARGS...: systemd-analyze ARGS in a mount namespace of its own where the build
# under test is $NSPAWN_SBINDIR/tarpit, as the units say, and /run is empty (analyze
# leaves a stamp there), with units/ first in the unit path.
analyze() {
	local sbin=$BATS_TEST_TMPDIR/sbin
	mkdir -p "$sbin"
	install -m 755 "$TARPIT" "$sbin/tarpit"
	SYSTEMD_UNIT_PATH=$BATS_TEST_DIRNAME/../units:$BATS_TEST_TMPDIR/units: \
		unshare --mount --propagation private -- sh -c '
		mount -t tmpfs tmpfs /run && mount --bind "$1" "$2" && shift 2 &&
		exec systemd-analyze "$@"' sh "$sbin" "$NSPAWN_SBINDIR" "$@"
}

@test "systemd-analyze verify finds nothing to say about either unit as shipped" {
	cd "$BATS_TEST_DIRNAME/.."
	run analyze verify --man=no units/tarpit.socket units/tarpit@.service
	assert_success
	assert_output ''
}

@test "systemd-analyze verify finds nothing to say about the service with the opt-in sandbox" {
	mkdir -p "$BATS_TEST_TMPDIR/units/tarpit@.service.d"
	cp "$BATS_TEST_DIRNAME/../units/tarpit-sandbox.conf" "$BATS_TEST_TMPDIR/units/tarpit@.service.d/"
	run analyze verify --man=no tarpit.socket tarpit@.service
	assert_success
	assert_output ''
}

@test "make install puts the shipped files in place unchanged, and names another BINDIR in them" {
	local dest=$BATS_TEST_TMPDIR/dest units=$BATS_TEST_DIRNAME/../units
	# the container of this file runs `make install`'s tree: the shipped files as they are
	cmp "$units/tarpit.socket" "$NSPAWN_DIR/dest/lib/systemd/system/tarpit.socket"
	cmp "$units/tarpit@.service" "$NSPAWN_DIR/dest/lib/systemd/system/tarpit@.service"
	cmp "$units/tarpit.sysusers" "$NSPAWN_DIR/dest/usr/lib/sysusers.d/tarpit.conf"
	run -0 make -s -C "$BATS_TEST_DIRNAME/.." install-xinetd DESTDIR="$dest" PREFIX=/opt/tarpit
	run -0 grep -h /tarpit\$ "$dest/lib/systemd/system/tarpit@.service" "$dest/etc/xinetd.d/tarpit"
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 ExecStart=/opt/tarpit/sbin/tarpit
	assert_line --index 1 --regexp '^\s+server\s+= /opt/tarpit/sbin/tarpit$'
}

# security_score UNIT-FILE...: the exposure level systemd-analyze gives the units
# given, concatenated.
security_score() {
	local unit=$BATS_TEST_TMPDIR/score/tarpit@.service
	mkdir -p "${unit%/*}"
	cat "$@" >"$unit"
	analyze security --offline=yes --no-pager "$unit" |
		sed -n 's/^→ Overall exposure level for tarpit@i\.service: \([0-9.]* [A-Z]*\).*/\1/p'
}

@test "systemd-analyze security scores the shipped service 6.3 and the opt-in sandbox 0.8, as tarpit-deploy(7) says" {
	local units=$BATS_TEST_DIRNAME/../units
	local page=$BATS_TEST_DIRNAME/../man/tarpit-deploy.7
	run -0 security_score "$units/tarpit@.service"
	assert_output '6.3 MEDIUM'
	grep -q 'scores 6.3 MEDIUM' "$page"
	run -0 security_score "$units/tarpit@.service" "$units/tarpit-sandbox.conf"
	assert_output '0.8 SAFE'
	grep -q 'scores 0.8 SAFE' "$page"
}

@test "with the opt-in sandbox drop-in, an instance starts, trickles and logs, in its own namespaces" {
	local pid ns
	unit_dropin tarpit@.service test-delay "[Service]\nExecStart=\nExecStart=$NSPAWN_SBINDIR/tarpit --greet-wait 0 -d 0.2\n"
	unit_dropin tarpit@.service test-sandbox "$(cat "$BATS_TEST_DIRNAME/../units/tarpit-sandbox.conf")"
	hold_session sandbox.example 127.0.0.1
	wait_until 5 trickled_at_least sandbox.example 2
	pid=$(unit_property "$HELD_UNIT" MainPID)
	assert_equal "$(unit_property "$HELD_UNIT" ProtectSystem)" strict
	assert_equal "$(unit_property "$HELD_UNIT" PrivateNetwork)" yes
	# its own mount, network and user namespaces
	for ns in mnt net user; do
		[[ $(in_container readlink "/proc/$pid/ns/$ns") != $(in_container readlink "/proc/1/ns/$ns") ]] ||
			fail "the instance shares the $ns namespace of PID 1"
	done
	run -0 in_container cat "/proc/$pid/status"
	assert_line --regexp '^NoNewPrivs:\s+1$'
	assert_line --regexp '^Seccomp:\s+2$'
	in_container systemctl stop "$HELD_UNIT"
	wait_until 5 session_ended sandbox.example
	run -0 journal_entry disconnect "$HELD_PORT"
	assert_line HELO=sandbox.example
	assert_line END_REASON=signal
}

@test "IPv4 and IPv6 clients get the banner, 250- lines after HELO, and are logged by their plain address" {
	local address port
	unit_dropin tarpit@.service test-delay "[Service]\nExecStart=\nExecStart=$NSPAWN_SBINDIR/tarpit --greet-wait 0 -d 0.2\n"
	for address in 127.0.0.1 ::1; do
		run -0 container_client "$address" "$NSPAWN_PORT" read 'send:HELO family.example\r\n' read:3 close
		assert_line --index 1 "220 $NSPAWN_NAME ESMTP"
		assert_line --index 2 '> HELO family.example\r\n'
		assert_line --index 3 --regexp '^250-[A-Za-z0-9]{8,64}$'
		assert_line --index 4 --regexp '^250-[A-Za-z0-9]{8,64}$'
		assert_line --index 5 --regexp '^250-[A-Za-z0-9]{8,64}$'
		port=${lines[0]#\* port }
		wait_until 5 journal_entry disconnect "$port" >/dev/null
		run -0 journal_entry connect "$port"
		assert_line "REMOTE_ADDR=$address"
	done
}

@test "an instance runs as user tarpit with no new privileges and no capabilities" {
	local pid uid gid
	hold_session privileges.example 127.0.0.1
	pid=$(unit_property "$HELD_UNIT" MainPID)
	uid=$(in_container id -u tarpit)
	gid=$(in_container id -g tarpit)
	((uid != 0 && gid != 0))
	run -0 in_container cat "/proc/$pid/status"
	assert_line --regexp "^Uid:\s+$uid\s+$uid\s+$uid\s+$uid\$"
	assert_line --regexp "^Gid:\s+$gid\s+$gid\s+$gid\s+$gid\$"
	assert_line --regexp '^NoNewPrivs:\s+1$'
	assert_line --regexp '^CapInh:\s+0+$'
	assert_line --regexp '^CapPrm:\s+0+$'
	assert_line --regexp '^CapEff:\s+0+$'
	assert_line --regexp '^CapBnd:\s+0+$'
	assert_line --regexp '^CapAmb:\s+0+$'
	run -0 in_container ps -o user= -p "$pid"
	assert_output tarpit
}

@test "an instance's stderr is /dev/null, so journald keeps no stream for it" {
	local pid
	hold_session stderr.example 127.0.0.1
	pid=$(unit_property "$HELD_UNIT" MainPID)
	run -0 in_container readlink "/proc/$pid/fd/2"
	assert_output /dev/null
}

@test "a wrong option in ExecStart= reaches the journal as one line at priority err" {
	local value=bogus$RANDOM out=$BATS_TEST_TMPDIR/wrong.out
	unit_dropin tarpit@.service test-wrong \
		"[Service]\nExecStart=\nExecStart=$NSPAWN_SBINDIR/tarpit -d $value\n"
	run -0 nsenter -t "$NSPAWN_LEADER" -n -- "$RIG/client" talk \
		127.0.0.1 "$NSPAWN_PORT" eof
	refute_output --partial "$value"
	wait_until 10 in_container journalctl -q --no-pager SYSLOG_IDENTIFIER=tarpit \
		PRIORITY=3 --grep "$value"
	run -0 in_container journalctl -q --no-pager -o cat SYSLOG_IDENTIFIER=tarpit \
		PRIORITY=3 --grep "$value"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "(-d|--delay).*$value"
}

# limit_file CGROUP CONTROLLER FILE-V1 FILE-V2: the path, inside, of the unit's limit
# file on the container's layout (rig/nspawn layout).
limit_file() {
	case $(container_layout) in
	v1) echo "/sys/fs/cgroup/$2$1/$3" ;;
	v2) echo "/sys/fs/cgroup$1/$4" ;;
	esac
}

@test "an instance is capped at 2M of memory and one task, in a cgroup of its own" {
	local pid cgroup
	hold_session cgroups.example 127.0.0.1
	pid=$(unit_property "$HELD_UNIT" MainPID)
	# the path systemd gave the unit, under the container's own cgroup mounts
	cgroup=$(unit_property "$HELD_UNIT" ControlGroup)
	assert_regex "$cgroup" "^/system\\.slice/system-tarpit\\.slice/tarpit@[^/]*:$HELD_PORT\\.service\$"
	assert_equal "$(unit_property "$HELD_UNIT" MemoryMax)" 2097152
	assert_equal "$(unit_property "$HELD_UNIT" TasksMax)" 1
	if ! container_has_controllers; then
		# rig/unified on these hosts: the kernel keeps memory and pids on cgroup v1,
		# so the v2 container has neither; systemd holds the limits unenforced
		run -0 in_container cat "/sys/fs/cgroup$cgroup/cgroup.procs"
		assert_output "$pid"
		assert_equal "$(unit_property "$HELD_UNIT" MemoryCurrent)" '[not set]'
		return
	fi
	run -0 in_container cat "$(limit_file "$cgroup" memory cgroup.procs cgroup.procs)"
	assert_output "$pid"
	run -0 in_container cat "$(limit_file "$cgroup" pids cgroup.procs cgroup.procs)"
	assert_output "$pid"
	run -0 in_container cat "$(limit_file "$cgroup" memory memory.limit_in_bytes memory.max)"
	assert_output 2097152
	run -0 in_container cat "$(limit_file "$cgroup" pids pids.max pids.max)"
	assert_output 1
	run -0 unit_property "$HELD_UNIT" MemoryCurrent
	assert_regex "$output" '^[1-9][0-9]*$'
}

# probe_dropin: each instance connects out to 127.0.0.1:2526 instead of trickling,
# and tells its client "connected" once through; one process, as TasksMax=1 asks.
probe_dropin() {
	unit_dropin tarpit@.service test-probe "[Service]\nExecStart=\nExecStart=/bin/bash -c 'exec 3<>/dev/tcp/127.0.0.1/2526 && printf \"connected\\\\r\\\\n\"'\n"
}

# connecting_out: a probe's SYN is out and unanswered (SYN-SENT), where the listener
# on the same loopback would have answered at once.
connecting_out() {
	[[ -n $(in_container_net ss -Htn state syn-sent dst 127.0.0.1:2526) ]]
}

@test "IPAddressDeny=any drops a connection an instance opens; without it, it gets through" {
	local accepted=$BATS_TEST_TMPDIR/accepted
	in_container_net python3 -c '
import socket, sys
s = socket.create_server(("127.0.0.1", 2526))
while True:
    print("accepted", s.accept()[1], flush=True)' >"$accepted" 3>&- &
	CLIENT_PIDS+=($!)
	wait_until 5 in_container_net ss -Htln sport = :2526
	probe_dropin
	container_client --timeout=30 127.0.0.1 "$NSPAWN_PORT" read >/dev/null 2>&1 3>&- &
	CLIENT_PIDS+=($!)
	wait_until 10 connecting_out
	run -0 cat "$accepted"
	assert_output ''
	unit_dropin tarpit@.service test-allow "[Service]\nIPAddressDeny=\n"
	run -0 container_client 127.0.0.1 "$NSPAWN_PORT" read
	assert_line connected
	run -0 cat "$accepted"
	assert_output --partial accepted
}

@test "the connect and disconnect records of a session are in the journal with all their fields" {
	local port bytes
	unit_dropin tarpit@.service test-delay "[Service]\nExecStart=\nExecStart=$NSPAWN_SBINDIR/tarpit --greet-wait 0 -d 0.2\n"
	run -0 container_client 127.0.0.1 "$NSPAWN_PORT" read 'send:HELO journal.example\r\n' read:2 reset
	port=${lines[0]#\* port }
	# what the client read: the banner and two 250- lines, each with its CRLF
	bytes=$(printf '%s\r\n' "${lines[1]}" "${lines[3]}" "${lines[4]}" | wc -c)
	wait_until 5 journal_entry disconnect "$port" >/dev/null

	run -0 journal_entry connect "$port"
	assert_line "MESSAGE_ID=$MSG_CONNECT"
	assert_line PRIORITY=6
	assert_line SYSLOG_FACILITY=2
	assert_line TARPIT_EVENT=connect
	assert_line REMOTE_ADDR=127.0.0.1
	assert_line "REMOTE_PORT=$port"
	assert_line "MESSAGE=event=connect remote_addr=127.0.0.1 remote_port=$port"
	assert_line --regexp "^_SYSTEMD_UNIT=tarpit@[0-9]+-127\.0\.0\.1:$NSPAWN_PORT-127\.0\.0\.1:$port\.service\$"
	assert_line "_UID=$(in_container id -u tarpit)"
	refute_line --regexp '^(HELO|COMMAND|END_REASON)='

	run -0 journal_entry disconnect "$port"
	assert_line "MESSAGE_ID=$MSG_DISCONNECT"
	assert_line PRIORITY=6
	assert_line SYSLOG_FACILITY=2
	assert_line TARPIT_EVENT=disconnect
	assert_line REMOTE_ADDR=127.0.0.1
	assert_line "REMOTE_PORT=$port"
	assert_line HELO=journal.example
	refute_line --regexp '^COMMAND='
	assert_line PREGREET=0
	assert_line --regexp '^DURATION_SEC=[0-9]+\.[0-9]{3}$'
	assert_line "BYTES_SENT=$bytes"
	assert_line LINES_SENT=3
	assert_line END_REASON=peer-closed
	assert_line --regexp "^MESSAGE=event=disconnect remote_addr=127\.0\.0\.1 remote_port=$port helo=\"journal\.example\" pregreet=0 duration_sec=[0-9]+\.[0-9]{3} bytes_sent=$bytes lines_sent=3 end_reason=peer-closed\$"
}

@test "systemctl stop of the instances ends a held session with 421 4.3.2 and END_REASON=signal" {
	hold_session stop.example 127.0.0.1
	run -0 timeout 10 nsenter -t "$NSPAWN_LEADER" -m -u -i -n -p -- systemctl stop 'tarpit@*'
	wait_until 5 session_ended stop.example
	run -0 cat "$BATS_TEST_TMPDIR/stop.example.out"
	assert_line --index -2 "421 4.3.2 $NSPAWN_NAME shutting down"
	assert_line --index -1 '* EOF'
	run -0 journal_entry disconnect "$HELD_PORT"
	assert_line END_REASON=signal
}

# systemd 252 does not stop the instances of an Accept=yes socket with the socket.
@test "stopping tarpit.socket refuses new clients but leaves held sessions trickling" {
	local before
	unit_dropin tarpit@.service test-delay "[Service]\nExecStart=\nExecStart=$NSPAWN_SBINDIR/tarpit --greet-wait 0 -d 0.2\n"
	hold_session socket-stop.example 127.0.0.1
	run -0 timeout 10 nsenter -t "$NSPAWN_LEADER" -m -u -i -n -p -- systemctl stop tarpit.socket
	assert_equal "$(unit_property tarpit.socket ActiveState)" inactive
	run -1 container_client 127.0.0.1 "$NSPAWN_PORT" read
	assert_output --partial 'ConnectionRefusedError'
	before=$(count_trickle socket-stop.example)
	wait_until 5 trickled_at_least socket-stop.example $((before + 3))
	instance_active "$HELD_PORT"
	run ! session_ended socket-stop.example

	# started again, it serves new clients beside the old session
	in_container systemctl start tarpit.socket
	run -0 container_client 127.0.0.1 "$NSPAWN_PORT" read close
	assert_line --index 1 "220 $NSPAWN_NAME ESMTP"
	instance_active "$HELD_PORT"
}

@test "RuntimeMaxSec= firing ends the session with 421 4.3.2 and a disconnect record" {
	# 2 s, or under emulation the instance is gone before hold_session sees it
	local max=$((2 * ${WAIT_SCALE:-1}))
	unit_dropin tarpit@.service test-runtime "[Service]\nRuntimeMaxSec=$max\n"
	hold_session runtime.example 127.0.0.1
	wait_until 6 session_ended runtime.example
	run -0 cat "$BATS_TEST_TMPDIR/runtime.example.out"
	assert_line --index -2 "421 4.3.2 $NSPAWN_NAME shutting down"
	assert_line --index -1 '* EOF'
	run -0 journal_entry disconnect "$HELD_PORT"
	assert_line END_REASON=signal
	awk -v d="$(sed -n 's/^DURATION_SEC=//p' <<<"$output")" -v m="$max" -v slack="${WAIT_SCALE:-1}" \
		'BEGIN { exit !(d >= m - 0.1 && d < m + slack) }' || fail "not about $max s: $output"
	run -0 in_container journalctl -q --no-pager -u "$HELD_UNIT"
	assert_output --partial 'Service reached runtime time limit. Stopping.'
	assert_output --partial "Failed with result 'timeout'."
}

# How long 1,000 connections may wait for their banners.  PID 1 takes each one in
# and makes its instance before it starts any (about 20 a second on 2 cores here, a
# few a second under emulation: WAIT_SCALE): the first client waits as long as the
# last.
FLOOD_SECONDS=150

@test "1,000 clients from 1,000 addresses are held at once and let go when they leave" {
	local out=$BATS_TEST_TMPDIR/flood.out release=$BATS_TEST_TMPDIR/release
	nsenter -t "$NSPAWN_LEADER" -n -- "$RIG/client" flood 127.0.0.1 "$NSPAWN_PORT" 1000 \
		--sources=many --helo --timeout=$((FLOOD_SECONDS * ${WAIT_SCALE:-1})) --hold="$release" \
		--hold-max=60 >"$out" 2>&1 3>&- &
	CLIENT_PIDS+=($!)
	wait_until $((FLOOD_SECONDS + 10)) grep -q '^pending=' "$out"
	run -0 cat "$out"
	assert_line banners=1000
	assert_line closed=0
	assert_line pending=0
	assert_equal "$(unit_property tarpit.socket NConnections)" 1000
	assert_equal "$(instances_running)" 1000
	touch "$release"
	wait_until 10 grep -q '^still_open=' "$out"
	run -0 cat "$out"
	assert_line still_open=1000
	wait_until 30 no_instances
	assert_equal "$(unit_property tarpit.socket NConnections)" 0
	in_container journalctl --sync
	run -0 in_container journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=tarpit \
		TARPIT_EVENT=disconnect HELO=flood.example
	assert_equal "${#lines[@]}" 1000
	assert_equal "$(jq -r .END_REASON <<<"$output" | sort -u)" peer-closed
}

@test "MaxConnectionsPerSource=16 closes the 17th connection from one address, not others" {
	local out=$BATS_TEST_TMPDIR/one-source.out release=$BATS_TEST_TMPDIR/release
	nsenter -t "$NSPAWN_LEADER" -n -- "$RIG/client" flood 127.0.0.1 "$NSPAWN_PORT" 20 \
		--timeout=10 --hold="$release" --hold-max=30 >"$out" 2>&1 3>&- &
	CLIENT_PIDS+=($!)
	wait_until 15 grep -q '^pending=' "$out"
	run -0 cat "$out"
	assert_line banners=16
	assert_line closed=4
	assert_equal "$(unit_property tarpit.socket NConnections)" 16
	# another address, and the other family, are served meanwhile
	run -0 container_flood 127.0.0.1 "$NSPAWN_PORT" 1 --sources=many --timeout=5
	assert_line banners=1
	run -0 container_client ::1 "$NSPAWN_PORT" read close
	assert_line --index 1 "220 $NSPAWN_NAME ESMTP"
	run -0 in_container journalctl -q --no-pager -u tarpit.socket
	assert_output --partial 'Too many incoming connections (17) from source 127.0.0.1, dropping connection.'
	touch "$release"
	wait_until 10 no_instances
	# the places are given back when the sessions end
	run -0 container_flood 127.0.0.1 "$NSPAWN_PORT" 16 --timeout=10
	assert_line banners=16
}

@test "a burst of 400 connections within a second leaves the socket listening" {
	run -0 container_flood 127.0.0.1 "$NSPAWN_PORT" 400 --sources=many --timeout=$((60 * ${WAIT_SCALE:-1}))
	assert_line banners=400
	assert_line pending=0
	assert_regex "$(sed -n 's/^connect_sec=//p' <<<"$output")" '^0\.'
	assert_equal "$(unit_property tarpit.socket ActiveState)/$(unit_property tarpit.socket SubState)" active/listening
	assert_equal "$(unit_property tarpit.socket Result)" success
	run -0 container_client 127.0.0.1 "$NSPAWN_PORT" read close
	assert_line --index 1 "220 $NSPAWN_NAME ESMTP"
}

# timed NAME COMMAND...: run COMMAND on the container's network, output in
# $BATS_TEST_TMPDIR/NAME.out, and "STATUS SECONDS" in NAME.time; at most 15 s
# (WAIT_SCALE times that).
timed() {
	local name=$1 start status=0
	shift
	start=$EPOCHREALTIME
	timeout $((15 * ${WAIT_SCALE:-1})) nsenter -t "$NSPAWN_LEADER" -n -- "$@" >"$BATS_TEST_TMPDIR/$name.out" 2>&1 || status=$?
	echo "$status $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')" \
		>"$BATS_TEST_TMPDIR/$name.time"
}

# assert_held_to_max_time NAME REGEXP: the client NAME showed at least five 250- lines
# (lines of its output matching the extended REGEXP), then the 421 of --max-time, and
# lasted the whole 3 s (and not much longer: 3 more s, WAIT_SCALE times that, for
# the clients to start and leave).
assert_held_to_max_time() {
	local status seconds
	read -r status seconds <"$BATS_TEST_TMPDIR/$1.time"
	# curl -v shows each line with its CR
	run -0 tr -d '\r' <"$BATS_TEST_TMPDIR/$1.out"
	((status != 124)) || fail "$1 still running after $((15 * ${WAIT_SCALE:-1})) s: $output"
	(($(grep -Ec -- "$2" <<<"$output") >= 5)) || fail "$1 read fewer than five 250- lines: $output"
	assert_output --partial "421 4.7.0 $NSPAWN_NAME closing connection"
	awk -v s="$seconds" -v slack=$((3 * ${WAIT_SCALE:-1})) 'BEGIN { exit !(s >= 2.8 && s < 3 + slack) }' ||
		fail "$1 lasted $seconds s, not about 3"
}

@test "swaks, curl and smtplib each wait through the 250- lines until the 421 of --max-time" {
	local clients=() helo
	unit_dropin tarpit@.service test-fast "[Service]\nExecStart=\nExecStart=$NSPAWN_SBINDIR/tarpit --greet-wait 0 -d 0.2 -t 3\n"
	timed swaks swaks --server 127.0.0.1:"$NSPAWN_PORT" --quit-after FIRST-HELO --timeout 30 \
		--helo swaks.example 3>&- &
	clients+=($!)
	timed curl curl -sS -v --max-time 30 "smtp://127.0.0.1:$NSPAWN_PORT/curl.example" 3>&- &
	clients+=($!)
	timed smtplib python3 -c '
import smtplib, sys
client = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="smtplib.example", timeout=30)
# each line received, as "reply: b'...'" on stderr
client.set_debuglevel(1)
code, message = client.ehlo()
print("ehlo code", code)' "$NSPAWN_PORT" 3>&- &
	clients+=($!)
	wait "${clients[@]}"
	assert_held_to_max_time swaks '^<\*\* 250-[A-Za-z0-9]{8,64}$'
	assert_held_to_max_time curl '^< 250-[A-Za-z0-9]{8,64}$'
	assert_held_to_max_time smtplib "^reply: b'250-[A-Za-z0-9]{8,64}\\\\r\\\\n'\$"
	assert_line 'ehlo code 421'
	for helo in swaks.example curl.example smtplib.example; do
		run -0 journal_entry_by "HELO=$helo" disconnect
		assert_line END_REASON=max-time
		assert_line --regexp '^LINES_SENT=([7-9]|[1-9][0-9]+)$'
	done
}
