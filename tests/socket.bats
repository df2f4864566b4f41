#!/usr/bin/env bats
# Over real TCP connections from systemd-socket-activate, one tarpit per connection:
# the peer from getpeername, and every way a client can leave or stay.

load test_helper/common-setup

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# assert_peer_logged ADDR: the client's output names its port; both records of the
# session give ADDR and that port.
assert_peer_logged() {
	local port
	port=$(sed -n 's/^\* port //p' <<<"$output")
	await_record disconnect
	load_record connect
	assert_equal "${REC[remote_addr]} ${REC[remote_port]}" "$1 $port"
	load_record disconnect
	assert_equal "${REC[remote_addr]} ${REC[remote_port]}" "$1 $port"
}

@test "an IPv4 peer is logged from getpeername, and the session over TCP ends on QUIT" {
	activator_start 127.0.0.1 -d 3600 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" read send:'QUIT\r\n' eof
	assert_line '220 mx.test ESMTP'
	assert_line '221 2.0.0 mx.test closing'
	assert_line '* EOF'
	assert_peer_logged 127.0.0.1
	assert_equal "${REC[end_reason]}" quit
	assert_equal "${REC[pregreet]}" 0
	wait_until 3 grep -q '^Child [0-9]* died with code 0$' "$LOG"
}

@test "an IPv6 peer is logged from getpeername" {
	activator_start '[::1]' -H mx.test -l stderr
	run -0 client ::1 "$PORT" read send:'QUIT\r\n' eof
	assert_peer_logged ::1
}

@test "an IPv4 client of a [::] listener is logged as plain 127.0.0.1" {
	activator_start '[::]' -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" read send:'QUIT\r\n' eof
	assert_peer_logged 127.0.0.1
}

@test "the peer from getpeername wins over REMOTE_ADDR and REMOTE_PORT" {
	activator_start 127.0.0.1 -E REMOTE_ADDR=192.0.2.99 -E REMOTE_PORT=9 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" read send:'QUIT\r\n' eof
	assert_peer_logged 127.0.0.1
}

@test "a peer gone before tarpit looks (ENOTCONN) is logged by REMOTE_ADDR and REMOTE_PORT" {
	# tarpit starts only once getpeername on its socket fails (at most 10 s), as when
	# a flood starts an instance after its client has reset
	local real=$TARPIT
	TARPIT=$BATS_TEST_TMPDIR/after-reset
	printf '#!/bin/sh
python3 -c "%s"
exec "%s" "$@"
' "import os, socket, time
s = socket.socket(fileno=os.dup(0))
for _ in range(500):
    try:
        s.getpeername()
    except OSError:
        break
    time.sleep(0.02)" "$real" >"$TARPIT"
	chmod +x "$TARPIT"
	activator_start 127.0.0.1 -E REMOTE_ADDR=192.0.2.99 -E REMOTE_PORT=9 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" reset
	await_record disconnect 12
	load_record connect
	assert_equal "${REC[remote_addr]} ${REC[remote_port]}" '192.0.2.99 9'
}

@test "a client that speaks before the banner is logged with pregreet=1" {
	# tarpit starts only once the client's line is there (at most 10 s), or on a
	# loaded machine it may look before the client has sent it
	local real=$TARPIT
	TARPIT=$BATS_TEST_TMPDIR/after-input
	printf '#!/bin/sh\npython3 -c "import select; select.select([0], [], [], 10)"\nexec "%s" "$@"\n' \
		"$real" >"$TARPIT"
	chmod +x "$TARPIT"
	activator_start 127.0.0.1 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" send:'QUIT\r\n' eof
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[pregreet]}" 1
}

@test "a peer that hangs up mid-delay is let go within a second" {
	activator_start 127.0.0.1 -d 5 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" read send:'HELO hangup.example\r\n' close
	await_record disconnect 1.5
	wait_until 0.5 no_sessions
	load_record disconnect
	assert_equal "${REC[end_reason]}" peer-closed
	assert_equal "${REC[helo]}" hangup.example
}

@test "a peer that resets mid-delay is let go within a second" {
	activator_start 127.0.0.1 -d 5 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" read send:'HELO reset.example\r\n' reset
	await_record disconnect 1.5
	wait_until 0.5 no_sessions
	load_record disconnect
	assert_equal "${REC[end_reason]}" peer-closed
	assert_equal "${REC[helo]}" reset.example
}

@test "a peer that only half-closed keeps getting 250- lines" {
	activator_start 127.0.0.1 -d 0.05 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" read send:'HELO half.example\r\n' shut read:4 close
	assert_equal "$(grep -c '^250-' <<<"$output")" 4
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[end_reason]}" peer-closed
}

@test "a client that never reads is let go at max-time" {
	activator_start 127.0.0.1 -d 0.01 -t 2 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" send:'HELO deaf.example\r\n' waithup
	assert_line '* HUP'
	await_record disconnect
	wait_until 1 no_sessions
	load_record disconnect
	assert_equal "${REC[end_reason]}" max-time
}

@test "a client silent over TCP gets 421 4.4.2 at --helo-timeout and is disconnected" {
	activator_start 127.0.0.1 --helo-timeout 0.2 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" eof
	assert_line --index 1 '220 mx.test ESMTP'
	assert_line --index 2 '421 4.4.2 mx.test timeout'
	assert_line --index 3 '* EOF'
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[end_reason]}" helo-timeout
}

@test "a first line longer than 512 octets is cut there, not waited for" {
	activator_start 127.0.0.1 -d 0.05 --helo-timeout 3 -H mx.test -l stderr
	local long
	long=$(printf 'x%.0s' {1..600})
	run -0 client 127.0.0.1 "$PORT" read send:"HELO $long" read:2 close
	assert_equal "$(grep -c '^250-' <<<"$output")" 2
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[helo]}" "${long:0:255}"
}
