#!/usr/bin/env bats
# The peer when fd 0 is not a socket: REMOTE_ADDR/REMOTE_PORT (systemd), then
# TCPREMOTEIP/TCPREMOTEPORT (ucspi-tcp), then REMOTE_HOST (xinetd, no port).

load test_helper/common-setup

setup() {
	common_setup
	unset REMOTE_ADDR REMOTE_PORT
}

teardown() {
	common_teardown
}

# logged_peer: "ADDRESS PORT" as logged for a session in the current environment.
logged_peer() {
	session 'QUIT\r\n' -l stderr
	load_record connect
	echo "${REC[remote_addr]} ${REC[remote_port]}"
}

@test "REMOTE_ADDR and REMOTE_PORT name the peer" {
	assert_equal "$(REMOTE_ADDR=192.0.2.7 REMOTE_PORT=4242 logged_peer)" '192.0.2.7 4242'
	assert_equal "$(REMOTE_ADDR=2001:db8::25 REMOTE_PORT=65535 logged_peer)" '2001:db8::25 65535'
}

@test "TCPREMOTEIP and TCPREMOTEPORT name the peer when REMOTE_ADDR is unset" {
	assert_equal "$(TCPREMOTEIP=198.51.100.4 TCPREMOTEPORT=2525 logged_peer)" '198.51.100.4 2525'
}

@test "REMOTE_ADDR is preferred to TCPREMOTEIP and REMOTE_HOST" {
	assert_equal "$(REMOTE_ADDR=192.0.2.7 REMOTE_PORT=1 TCPREMOTEIP=198.51.100.4 \
		TCPREMOTEPORT=2 REMOTE_HOST=203.0.113.9 logged_peer)" '192.0.2.7 1'
}

@test "REMOTE_HOST names the peer address, with port 0, when nothing else is set" {
	assert_equal "$(REMOTE_HOST=203.0.113.9 logged_peer)" '203.0.113.9 0'
	assert_equal "$(REMOTE_HOST=2001:db8::9 logged_peer)" '2001:db8::9 0'
}

@test "an address that is not an IP address is unknown, and a bad port is 0" {
	local peer
	for address in not-an-ip 999.1.1.1 192.0.2 mail.example.org '' '192.0.2.1; x' ::g; do
		peer=$(REMOTE_ADDR=$address REMOTE_PORT=25 logged_peer)
		assert_equal "${peer%% *}" unknown
	done
	assert_equal "$(REMOTE_HOST=mail.example.org logged_peer)" 'unknown 0'
	for port in abc 65536 70000 -1 '' 25x; do
		assert_equal "$(REMOTE_ADDR=192.0.2.7 REMOTE_PORT=$port logged_peer)" '192.0.2.7 0'
	done
}

@test "without any peer information the peer is unknown, port 0" {
	assert_equal "$(logged_peer)" 'unknown 0'
}
