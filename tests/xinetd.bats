#!/usr/bin/env bats
# The shipped xinetd/tarpit entry under real xinetd, as `make install-xinetd` installs
# it, with its records in a test journald.  Under xinetd fd 2 is the connection too.

load test_helper/common-setup
load test_helper/xinetd

setup_file() {
	journald_start
	xinetd_start
}

teardown_file() {
	xinetd_stop
	journald_stop
}

setup() {
	CLIENT_PIDS=()
	HOST=$(hostname)
}

teardown() {
	if ((${#CLIENT_PIDS[@]} > 0)); then
		kill "${CLIENT_PIDS[@]}" 2>/dev/null || true
		wait "${CLIENT_PIDS[@]}" 2>/dev/null || true
	fi
	wait_until 5 no_sessions
}

no_sessions() {
	! xinetd_session_pids >/dev/null
}

# received_bytes: the octets the client of the last `run xinetd_client` read, CRLFs
# included, from its output (its own "* ..." and "> ..." lines left out).
received_bytes() {
	printf '%s\n' "${lines[@]}" | grep -v '^[*>] ' | sed 's/$/\r/' | wc -c
}

@test "the shipped entry, copied as it is, serves smtp on port 25 for IPv4 and IPv6" {
	local address
	cmp "$BATS_TEST_DIRNAME/../xinetd/tarpit" "$XINETD_DIR/xinetd.d/tarpit"
	for address in 127.0.0.1 ::1; do
		# the default greeting: its last line 3 to 9 s after the first
		run -0 xinetd_client --timeout=12 "$address" 25 read:2 close
		assert_line --index 1 "220-$HOST ESMTP"
		assert_line --index 2 "220 $HOST ESMTP"
	done
}

@test "IPv4 and IPv6 clients get the banner, a trickle of 250- lines after HELO, and the 421 of --max-time" {
	local address
	for address in 127.0.0.1 ::1; do
		run -0 xinetd_client --stamps "$address" "$XINETD_FAST_PORT" read 'send:HELO family.example\r\n' eof
		assert_line --index 1 --regexp "^0\.[0-9]{3} 220 $HOST ESMTP\$"
		(($(grep -Ec '^[0-9.]+ 250-[A-Za-z0-9]{8,64}$' <<<"$output") >= 4)) || fail "too few 250- lines: $output"
		assert_line --index -2 --regexp "^(1\.9|2\.)[0-9]+ 421 4\.7\.0 $HOST closing connection\$"
		assert_line --index -1 --regexp '^[0-9.]+ \* EOF$'
	done
}

@test "the records go to the journal with the client's address and port, and not down the connection" {
	local address port bytes nlines
	for address in 127.0.0.1 ::1; do
		# rig/client talk fails on any line that is not CRLF-terminated SMTP
		run -0 xinetd_client "$address" "$XINETD_FAST_PORT" read 'send:HELO records.example\r\n' eof
		refute_output --partial 'event='
		refute_output --partial 'remote_addr'
		port=${lines[0]#\* port }
		bytes=$(received_bytes)
		nlines=$(printf '%s\n' "${lines[@]}" | grep -vc '^[*>] ')

		run -0 xinetd_journal_entry connect "$port"
		assert_line "MESSAGE_ID=$MSG_CONNECT"
		assert_line PRIORITY=6
		assert_line SYSLOG_FACILITY=2
		assert_line "REMOTE_ADDR=$address"
		assert_line "MESSAGE=event=connect remote_addr=$address remote_port=$port"

		run -0 xinetd_journal_entry disconnect "$port"
		assert_line "MESSAGE_ID=$MSG_DISCONNECT"
		assert_line "REMOTE_ADDR=$address"
		assert_line HELO=records.example
		assert_line PREGREET=0
		assert_line END_REASON=max-time
		# all the session sent is what the client read: no record among it
		assert_line "BYTES_SENT=$bytes"
		assert_line "LINES_SENT=$nlines"
		assert_line "_UID=65534"
	done
}

@test "a session runs as nobody with the connection on fds 0, 1 and 2" {
	local out=$BATS_TEST_TMPDIR/held.out pid socket fd
	nsenter -t "$XINETD_PID" -n -- "$RIG/client" talk --timeout=30 \
		127.0.0.1 "$XINETD_PORT" read 'send:HELO nobody.example\r\n' eof >"$out" 2>&1 3>&- &
	CLIENT_PIDS+=($!)
	wait_until 5 grep -q '^> HELO' "$out"
	wait_until 5 xinetd_session_pids >/dev/null
	pid=$(xinetd_session_pids)
	run -0 cat "/proc/$pid/status"
	assert_line --regexp '^Uid:\s+65534\s+65534\s+65534\s+65534$'
	assert_line --regexp '^Gid:\s+65534\s+65534\s+65534\s+65534$'
	run -0 ps -o user= -p "$pid"
	assert_output nobody
	socket=$(readlink "/proc/$pid/fd/0")
	assert_regex "$socket" '^socket:\[[0-9]+\]$'
	for fd in 1 2; do
		assert_equal "$(readlink "/proc/$pid/fd/$fd")" "$socket"
	done
}

usage_error_logged() {
	in_journal journalctl --sync
	in_journal journalctl -q -o cat --no-pager SYSLOG_IDENTIFIER=tarpit | grep -q -- --delay
}

@test "a usage error in server_args goes to the log, never down the connection" {
	run -0 xinetd_client 127.0.0.1 "$XINETD_BAD_PORT" eof
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 '* EOF'
	wait_until 5 usage_error_logged
	run -0 in_journal journalctl -q -o cat --no-pager SYSLOG_IDENTIFIER=tarpit
	assert_line --regexp "^(tarpit: )?--delay: '0' is not a number of seconds from 0\.01 to 3600\$"
}

@test "per_source = 16 closes the 17th connection from one address at once" {
	run -0 in_xinetd_net python3 -c '
import socket, sys
held = []
for _ in range(17):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    held.append(s)
    data = s.recv(100)
    print("banner" if data.startswith(b"220") else "closed %r" % data)
' "$XINETD_PORT"
	assert_equal "$(grep -c '^banner$' <<<"$output")" 16
	assert_line --index 16 "closed b''"
}
