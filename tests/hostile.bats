#!/usr/bin/env bats
# Hostile clients over real TCP connections from systemd-socket-activate: floods,
# drips, resets, a peer that vanishes without a word, and a crowd.

load test_helper/common-setup

setup() {
	common_setup
	CLIENT_PID=
}

teardown() {
	[[ -z $CLIENT_PID ]] || kill -KILL "$CLIENT_PID" 2>/dev/null || true
	common_teardown
	netns_pair_delete
}

# logged_at_least COUNT REGEX: $LOG has COUNT lines or more that match REGEX.  A
# function, so that wait_until counts again on every poll.
logged_at_least() {
	(($(grep -c -- "$2" "$LOG") >= $1))
}

# hostile_client KIND HOST PORT ARG: rig/client hostile, a client that stuffs a line,
# drips one, or comes as a crowd, printing "SECONDS LINE" for each line received.
hostile_client() {
	"$RIG/client" hostile "$@"
}

@test "a 10 MB line is cut at 512 octets: the sender blocks, the trickle goes on, max-time ends it" {
	activator_start 127.0.0.1 -d 0.1 -t 3 -H mx.test -l stderr
	run -0 hostile_client stuff 127.0.0.1 "$PORT" 10485760
	local flood=$output blocked
	blocked=$(awk '/\* send blocked after/ { print $6 }' <<<"$flood")
	[[ -n $blocked ]] || fail "the 10 MB send never blocked: $(grep -v ' 250-' <<<"$flood")"
	((blocked < 10485760)) || fail "all 10 MB were taken: $blocked"
	# still trickling after the send blocked, up to the final reply
	run -0 awk '/\* send blocked/ { b = 1; next } b && / 250-/ { n++ } END { print n + 0 }' <<<"$flood"
	((output >= 3)) || fail "only $output 250- lines after the send blocked"
	run -0 tail -n 2 <<<"$flood"
	assert_line --index 0 --regexp '^[0-9.]+ 421 4\.7\.0 mx\.test closing connection$'
	assert_line --index 1 --regexp '^[0-9.]+ \* (EOF|RESET)$'
	await_record disconnect
	wait_until 1 no_sessions
	load_record disconnect
	assert_equal "${REC[end_reason]}" max-time
	assert_equal "${REC[helo]}" "$(printf 'x%.0s' {1..255})"
	assert_between 3 "${REC[duration_sec]}" 3.5 duration_sec
}

@test "a client that sends one octet every 0.3 s is held only until --helo-timeout" {
	activator_start 127.0.0.1 -d 0.1 --helo-timeout 1.5 -H mx.test -l stderr
	run -0 hostile_client drip 127.0.0.1 "$PORT" 0.3
	assert_line --index 0 --regexp '^[0-9.]+ 220 mx\.test ESMTP$'
	assert_line --index 1 --regexp '^[0-9.]+ 421 4\.4\.2 mx\.test timeout$'
	assert_line --index 2 --regexp '^[0-9.]+ \* (EOF|RESET)$'
	assert_equal "${#lines[@]}" 3
	assert_between 1.5 "${lines[1]%% *}" 2 "421 after"
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[end_reason]}" helo-timeout
	assert_equal "${REC[helo]-(none)}${REC[command]-(none)}" '(none)(none)'
	assert_between 1.5 "${REC[duration_sec]}" 2 duration_sec
}

@test "clients that reset while 250- lines are flowing end their sessions cleanly, status 0" {
	activator_start 127.0.0.1 -d 0.01 -H mx.test -l stderr
	local k
	for k in 1 3 7 15 31 63; do
		run -0 client 127.0.0.1 "$PORT" read send:'HELO reset.example\r\n' "read:$k" reset
	done
	wait_until 3 logged_at_least 6 '^event=disconnect '
	wait_until 1 no_sessions
	run -0 grep '^event=disconnect ' "$LOG"
	for line in "${lines[@]}"; do
		assert_regex "$line" ' end_reason=(peer-closed|write-error)$'
	done
	wait_until 1 logged_at_least 6 '^Child [0-9]* died with code 0$'
	refute grep -q 'died with code [^0]\|killed\|signal' "$LOG"
}

@test "a peer that vanishes without FIN or RST is let go after TCP_USER_TIMEOUT, 3 delays" {
	netns_pair_create
	activator_start_in_netns "$NETNS_SERVER" 169.254.25.1 -d 0.3 -t 60 -H mx.test -l stderr
	local out=$BATS_TEST_TMPDIR/client.out start elapsed
	ip netns exec "$NETNS_CLIENT" "$RIG/client" talk --timeout=60 \
		169.254.25.1 "$PORT" read send:'HELO vanish.example\r\n' read waithup >"$out" 3>&- &
	CLIENT_PID=$!
	wait_until 5 grep -q '^250-' "$out"
	start=$EPOCHREALTIME
	ip -n "$NETNS_CLIENT" link set "$NETNS_CLIENT_LINK" down
	# the next line is due within 1.5 delays, then 3 delays unacknowledged: 4.5 delays
	await_record disconnect 3
	elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
	assert_between 0.9 "$elapsed" 2.35 "seconds from link down to the disconnect record"
	wait_until 1 no_sessions
	load_record disconnect
	assert_regex "${REC[end_reason]}" '^(peer-closed|write-error)$'
	assert_equal "${REC[helo]}" vanish.example
	wait_until 1 grep -q '^Child [0-9]* died with code 0$' "$LOG"
	refute grep -q '^\* ' <(sed 1d "$out") # the client itself never saw an end
}

@test "500 clients that connect and hang up at once each get a disconnect record, peer-closed" {
	activator_start 127.0.0.1 -d 3600 -H mx.test -l stderr
	run -0 hostile_client crowd 127.0.0.1 "$PORT" 500
	assert_line --regexp '^[0-9.]+ \* 500 banners$'
	sed -n 's/^[0-9.]* \* port //p' <<<"$output" | sort >"$BATS_TEST_TMPDIR/ports"
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/ports")" 500
	# 500 processes to wake at once: a bound for a loaded 2-core machine
	wait_until 60 logged_at_least 500 '^event=disconnect '
	wait_until 5 no_sessions
	sed -n 's/^event=disconnect remote_addr=127\.0\.0\.1 remote_port=\([0-9]*\) .* end_reason=peer-closed$/\1/p' \
		"$LOG" | sort >"$BATS_TEST_TMPDIR/closed"
	run -0 diff "$BATS_TEST_TMPDIR/ports" "$BATS_TEST_TMPDIR/closed"
	assert_equal "$(grep -c '^Child [0-9]* died with code 0$' "$LOG")" 500
}
