#!/usr/bin/env bats
# The greeting, postscreen's way (--greet-wait): "220-" at once, the final "220 " after
# a jittered wait, PREGREET for a client that talks before it; and real clients of
# each kind of timer, held or leaving at their own deadline, with the teaser on.

load test_helper/common-setup

CLIENTS=$RIG/clients

setup() {
	common_setup
	GREETING=()
}

teardown() {
	common_teardown
}

# stamp_of TEXT: the seconds stamp of the first line of $output that ends in TEXT.
stamp_of() {
	printf '%s\n' "${lines[@]}" | awk -v t="$1" 'substr($0, index($0, " ") + 1) == t { print $1; exit }'
}

@test "--greet-wait 0 sends the one-line banner at once, as before" {
	session 'QUIT\r\n' --greet-wait 0 -H mx.test -l none
	run -0 replies
	assert_output $'220 mx.test ESMTP\n221 2.0.0 mx.test closing'
}

@test "the default greeting is 220- at once and the final 220 from 3 to 9 s later" {
	activator_start 127.0.0.1 -d 3600 -H mx.test -l stderr
	run -0 client --stamps --timeout=12 127.0.0.1 "$PORT" read:2 send:'QUIT\r\n' eof
	assert_line --index 1 --regexp '^0\.0[0-9]{2} 220-mx\.test ESMTP$'
	assert_line --index 2 --regexp '^[0-9.]+ 220 mx\.test ESMTP$'
	assert_line --index 4 --regexp '^[0-9.]+ 221 2\.0\.0 mx\.test closing$'
	assert_between 3 "$(stamp_of '220 mx.test ESMTP')" 9.1 "final 220 after"
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[pregreet]} ${REC[command]} ${REC[end_reason]}" '0 QUIT quit'
}

@test "the wait is jittered between half and 1.5 times --greet-wait" {
	local k waits=()
	activator_start 127.0.0.1 --greet-wait 0.4 -d 3600 -H mx.test -l none
	for k in 1 2 3 4 5 6; do
		run -0 client --stamps 127.0.0.1 "$PORT" read:2 close
		assert_line --index 1 --regexp '^[0-9.]+ 220-mx\.test ESMTP$'
		waits+=("$(stamp_of '220 mx.test ESMTP')")
		assert_between 0.2 "${waits[-1]}" 0.65 "final 220 after"
	done
	(($(printf '%s\n' "${waits[@]}" | cut -c1-4 | sort -u | wc -l) > 1)) ||
		fail "six waits all alike: ${waits[*]}"
}

@test "a client that talks during the teaser is logged with pregreet=1 and its HELO, then trickled" {
	activator_start 127.0.0.1 --greet-wait 0.5 -d 0.1 -t 3 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" read send:'EHLO early.example\r\n' read:3 close
	assert_line --index 1 '220-mx.test ESMTP'
	assert_line --index 3 '220 mx.test ESMTP'
	assert_line --index 4 --regexp '^250-[A-Za-z0-9]{8,64}$'
	assert_line --index 5 --regexp '^250-[A-Za-z0-9]{8,64}$'
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[pregreet]} ${REC[helo]} ${REC[end_reason]}" '1 early.example peer-closed'
}

@test "a pipelined QUIT sent during the teaser gets its 221 after the final 220" {
	session 'QUIT\r\n' --greet-wait 0.2 -H mx.test -l stderr
	run -0 replies
	assert_output $'220-mx.test ESMTP\n220 mx.test ESMTP\n221 2.0.0 mx.test closing'
	load_record disconnect
	assert_equal "${REC[pregreet]} ${REC[command]} ${REC[end_reason]}" '1 QUIT quit'
}

@test "a hang-up during the wait is peer-closed at once, with no HELO, pregreet as sent" {
	activator_start 127.0.0.1 --greet-wait 4 -d 3600 -H mx.test -l stderr
	run -0 client 127.0.0.1 "$PORT" read close
	await_record disconnect 1.5
	load_record disconnect
	assert_equal "${REC[end_reason]} ${REC[pregreet]}" 'peer-closed 0'
	assert_equal "${REC[helo]-(none)}${REC[command]-(none)}" '(none)(none)'
	assert_between 0 "${REC[duration_sec]}" 1 duration_sec
	: >"$LOG"
	run -0 client 127.0.0.1 "$PORT" read send:'HELO gone.example\r\n' close
	await_record disconnect 1.5
	load_record disconnect
	assert_equal "${REC[end_reason]} ${REC[pregreet]}" 'peer-closed 1'
	assert_equal "${REC[helo]-(none)}${REC[command]-(none)}" '(none)(none)'
}

@test "--max-time or a signal during the wait ends it with its 421" {
	silent_session --greet-wait 100 -t 0.3 -H mx.test -l stderr
	run -0 replies
	assert_output $'220-mx.test ESMTP\n421 4.7.0 mx.test closing connection'
	load_record disconnect
	assert_equal "${REC[end_reason]}" max-time
	session_start 'HELO x\r\n' --greet-wait 100 -H mx.test -l stderr
	wait_until 5 grep -q '^220-' "$REPLIES"
	session_signal TERM
	session_wait
	run -0 replies
	assert_output $'220-mx.test ESMTP\n421 4.3.2 mx.test shutting down'
}

@test "a per-read client (Python smtplib, 1 s) waits through the teaser and is held until the 421" {
	activator_start 127.0.0.1 --greet-wait 0.5 -d 0.3 -t 4 -H mx.test -l stderr
	# after the 421 it ends with EOF, ECONNRESET or EPIPE, as timing has it
	CLIENT_TIMEOUT=1 run -1 python3 "$CLIENTS/python-smtplib.py" 127.0.0.1 "$PORT"
	assert_output --regexp 'SMTP(ServerDisconnected|HeloError)|Connection reset|Broken pipe'
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[pregreet]} ${REC[end_reason]}" '0 max-time'
	assert_regex "${REC[helo]}" '.'
	assert_between 4 "${REC[duration_sec]}" 4.5 duration_sec
}

@test "a whole-reply client (swaks, 1 s a reply) leaves at its deadlines: peer-closed" {
	activator_start 127.0.0.1 --greet-wait 0.5 -d 0.3 -t 30 -H mx.test -l stderr
	# EHLO, then HELO, then QUIT: three replies, each cut at 1 s
	CLIENT_TIMEOUT=1 run ! "$CLIENTS/swaks.sh" 127.0.0.1 "$PORT"
	assert_output --partial 'Timeout'
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[pregreet]} ${REC[helo]} ${REC[end_reason]}" '0 client.example peer-closed'
	assert_between 3.25 "${REC[duration_sec]}" 4 duration_sec
}

@test "a whole-transaction client (curl --max-time 2) leaves at its deadline: peer-closed" {
	activator_start 127.0.0.1 --greet-wait 0.5 -d 0.3 -t 30 -H mx.test -l stderr
	CLIENT_TIMEOUT=2 run -28 "$CLIENTS/curl.sh" 127.0.0.1 "$PORT"
	await_record disconnect
	load_record disconnect
	assert_equal "${REC[pregreet]} ${REC[helo]} ${REC[end_reason]}" '0 client.example peer-closed'
	# curl's clock starts before it connects
	assert_between 1.9 "${REC[duration_sec]}" 2.3 duration_sec
}
