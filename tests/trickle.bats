#!/usr/bin/env bats
# The trickle of 250- lines, and every way a session on files and pipes ends.

load test_helper/common-setup

setup() {
	common_setup
}

teardown() {
	common_teardown
}

@test "the trickle is 250- lines of 8 to 64 letters and digits, never a final 250 line" {
	session 'HELO mx.example\r\n' -d 0.02 -t 1 -H mx.test -l none
	run -0 replies
	assert_line --index 0 '220 mx.test ESMTP'
	assert_line --index -1 '421 4.7.0 mx.test closing connection'
	local trickle=("${lines[@]:1:${#lines[@]}-2}")
	((${#trickle[@]} >= 10)) || fail "only ${#trickle[@]} lines in 1 s at -d 0.02: $output"
	for line in "${trickle[@]}"; do
		[[ $line =~ ^250-[A-Za-z0-9]{8,64}$ ]] || fail "not a 250- line of 8..64 [A-Za-z0-9]: '$line'"
	done
	(($(printf '%s\n' "${trickle[@]}" | sort -u | wc -l) > 1)) || fail "every token is the same"
}

@test "the 250- lines come at jittered intervals of half to one and a half delays" {
	activator_start 127.0.0.1 -d 0.1 -H mx.test -l none
	run -0 client --stamps 127.0.0.1 "$PORT" read send:'HELO mx.example\r\n' read:12 close
	local intervals
	intervals=$(awk '$2 ~ /^250-/ { if (n++) print $1 - last; last = $1 }' <<<"$output")
	assert_equal "$(wc -l <<<"$intervals")" 11
	# a little slack for scheduling; 11 equal draws from [0.05, 0.15] would be no jitter
	run awk 'NR == 1 { lo = hi = $1 } $1 < lo { lo = $1 } $1 > hi { hi = $1 }
		END { exit !(lo >= 0.04 && hi <= 0.2 && hi - lo >= 0.02) }' <<<"$intervals"
	assert_success "intervals not all within [0.04, 0.2] s, or not jittered:"$'\n'"$intervals"
}

@test "--max-time ends the session with 421 4.7.0 and end_reason=max-time" {
	session 'HELO mx.example\r\n' -d 0.05 -t 1 -H mx.test -l stderr
	run -0 replies
	assert_line --index -1 '421 4.7.0 mx.test closing connection'
	load_record disconnect
	assert_equal "${REC[end_reason]}" max-time
	run awk -v d="${REC[duration_sec]}" 'BEGIN { exit !(d >= 1 && d < 1.6) }'
	assert_success "duration_sec=${REC[duration_sec]} is not from 1 to 1.6"
}

@test "SIGTERM, SIGINT and SIGHUP end the session with 421 4.3.2 and end_reason=signal" {
	for signal in TERM INT HUP; do
		session_signalled "$signal" 'HELO mx.example\r\n' -d 0.01 -H mx.test -l stderr
		run -0 replies
		assert_line --index -1 '421 4.3.2 mx.test shutting down'
		load_record disconnect
		assert_equal "${REC[end_reason]}" signal
	done
}

@test "end of input on a pipe is no hang-up: the trickle goes on until max-time" {
	printf 'HELO pipe.example\r\n' |
		timeout 10 "$TARPIT" "${GREETING[@]}" -d 0.05 -t 1 -H mx.test -l stderr >"$REPLIES" 2>"$LOG"
	run -0 replies
	assert_line --index -1 '421 4.7.0 mx.test closing connection'
	(($(grep -c '^250-' <<<"$output") >= 5)) || fail "too few 250- lines: $output"
	load_record disconnect
	assert_equal "${REC[end_reason]}" max-time
}

@test "a failed write ends the session with end_reason=write-error and status 0" {
	printf 'HELO mx.example\r\n' >"$BATS_TEST_TMPDIR/input"
	timeout 10 "$TARPIT" "${GREETING[@]}" -d 0.01 -t 10 -l stderr <"$BATS_TEST_TMPDIR/input" >/dev/full 2>"$LOG"
	load_record disconnect
	assert_equal "${REC[end_reason]} ${REC[bytes_sent]} ${REC[lines_sent]}" 'write-error 0 0'
}

@test "a reader of stdout that goes away ends the session with write-error, not SIGPIPE" {
	printf 'HELO mx.example\r\n' >"$BATS_TEST_TMPDIR/input"
	# the default SIGPIPE, as some launchers leave it: tarpit must not die of it
	timeout 10 env --default-signal=PIPE "$TARPIT" "${GREETING[@]}" -d 0.01 -t 10 -l stderr \
		<"$BATS_TEST_TMPDIR/input" 2>"$LOG" | head -n 3 >/dev/null
	assert_equal "${PIPESTATUS[0]}" 0
	load_record disconnect
	assert_equal "${REC[end_reason]}" write-error
}
