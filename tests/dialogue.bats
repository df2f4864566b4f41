#!/usr/bin/env bats
# The dialogue up to the trickle: banner, the one line read, and what is made of it.

load test_helper/common-setup

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# assert_trickles: the last session answered its first line with the 250- trickle.
assert_trickles() {
	run -0 replies
	assert_line --index 1 --regexp '^250-'
}

@test "the banner is '220 <hostname> ESMTP' with the name from --hostname" {
	session 'QUIT\r\n' -H mx.example.org -l none
	run -0 replies
	assert_line --index 0 '220 mx.example.org ESMTP'
	session 'QUIT\r\n' --hostname Relay-7.example -l none
	run -0 replies
	assert_line --index 0 '220 Relay-7.example ESMTP'
}

@test "without --hostname the banner names this host" {
	session 'QUIT\r\n' -l none
	run -0 replies
	assert_line --index 0 "220 $(uname -n) ESMTP"
}

@test "HELO and EHLO are recognised in any case, with CRLF, a bare LF or none at the end" {
	for line in 'HELO mx.example\r\n' 'EHLO mx.example\r\n' 'ehlo mx.example\r\n' \
		'helo mx.example\n' 'HeLo mx.example\r\n' 'EHLO   mx.example  \r\n' 'EHLO mx.example'; do
		session_signalled TERM "$line" -d 0.01 -l stderr
		assert_trickles
		load_record disconnect
		assert_equal "${REC[helo]}" mx.example
		assert_equal "${REC[command]-(none)}" '(none)'
	done
}

@test "a HELO name keeps the spaces inside it" {
	session_signalled TERM 'HELO two words\r\n' -d 0.01 -l stderr
	load_record disconnect
	assert_equal "${REC[helo]}" 'two words'
}

@test "QUIT as the first command gets 221 and ends the session at once" {
	for line in 'QUIT\r\n' 'quit\n'; do
		session "$line" -d 3600 -t 0 -H mx.test -l stderr
		run -0 replies
		assert_output $'220 mx.test ESMTP\n221 2.0.0 mx.test closing'
		load_record disconnect
		assert_equal "${REC[end_reason]}" quit
		assert_equal "${REC[command]}" QUIT
		assert_equal "${REC[helo]-(none)}" '(none)'
		assert [ "${REC[duration_sec]%.*}" -lt 1 ]
	done
}

@test "another first command is logged as its leading letters only, uppercased, at most 16" {
	local cases=(
		'GET /secret-path HTTP/1.0\r\n' GET
		'mail FROM:<someone@example.org>\r\n' MAIL
		'X-Forwarded-For: 192.0.2.1\r\n' X
		'HELOX mx.example\r\n' HELOX
		'QUITTER\r\n' QUITTER
		'ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n' ABCDEFGHIJKLMNOP
		'123 abc\r\n' ''
		'\r\n' ''
	)
	local k # not i: bats 1.8 sets i in every "run -N"
	for ((k = 0; k < ${#cases[@]}; k += 2)); do
		session_signalled TERM "${cases[k]}" -d 0.01 -l stderr
		assert_trickles
		load_record disconnect
		assert_equal "${REC[command]-(none)}" "${cases[k + 1]}"
		assert_equal "${REC[helo]-(none)}" '(none)'
	done
	refute grep -q secret-path "$LOG"
}

@test "a first line of 600 octets or of 1 MB is cut: HELO keeps 255 characters" {
	local x600 x1m a1m
	x600=$(printf 'x%.0s' {1..600})
	x1m=$(head -c 1048576 /dev/zero | tr '\0' x)
	a1m=$(head -c 1048576 /dev/zero | tr '\0' A)
	for name in "$x600" "$x1m"; do
		session_signalled TERM "HELO $name\r\nQUIT\r\n" -d 0.01 -l stderr
		assert_trickles
		load_record disconnect
		assert_equal "${REC[helo]}" "${x600:0:255}"
	done
	session_signalled TERM "$a1m\r\n" -d 0.01 -l stderr
	assert_trickles
	load_record disconnect
	assert_equal "${REC[command]}" AAAAAAAAAAAAAAAA
}

@test "NUL bytes and binary garbage are logged as '?' and do not stop the trickle" {
	session_signalled TERM 'HELO a\x00b\x00\r\n' -d 0.01 -l stderr
	assert_trickles
	load_record disconnect
	assert_equal "${REC[helo]}" 'a?b?'
	session_signalled TERM '\x00\xff\xfe\x01\x1b\x7f\x80\x9b\x16\x03\x01\r\x00\n' -d 0.01 -l stderr
	assert_trickles
	load_record disconnect
	assert_equal "${REC[command]}" ''
	refute env LC_ALL=C grep -q '[^[:print:]]' "$LOG"
}

@test "a client silent until --helo-timeout gets 421 4.4.2 and end_reason=helo-timeout" {
	silent_session --helo-timeout 0.2 -d 3600 -H mx.test -l stderr
	run -0 replies
	assert_output $'220 mx.test ESMTP\n421 4.4.2 mx.test timeout'
	load_record disconnect
	assert_equal "${REC[end_reason]}" helo-timeout
	assert_equal "${REC[pregreet]}" 0
	assert_equal "${REC[helo]-(none)}${REC[command]-(none)}" '(none)(none)'
	run awk -v d="${REC[duration_sec]}" 'BEGIN { exit !(d >= 0.2 && d < 2) }'
	assert_success "duration_sec=${REC[duration_sec]} is not from 0.2 to 2"
}

@test "a client that sends before the banner is logged with pregreet=1, else 0" {
	session_signalled TERM 'HELO early.example\r\n' -d 0.01 -l stderr
	load_record disconnect
	assert_equal "${REC[pregreet]}" 1
	silent_session --helo-timeout 0.05 -l stderr
	load_record disconnect
	assert_equal "${REC[pregreet]}" 0
}

@test "no reply line ever starts with 5, whatever the client sends" {
	for line in 'HELO\r\n' 'EHLO \r\n' 'RCPT TO:<a@example.org>\r\n' 'DATA\r\n' \
		'VRFY root\r\n' 'EXPN staff\r\n' 'AUTH LOGIN\r\n' 'STARTTLS\r\n' 'NOOP\r\n' \
		'RSET\r\n' '\x16\x03\x01\x02\x00\x01' 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'; do
		session_signalled TERM "$line" -d 0.01 -H mx.test -l none
		run -0 replies
		assert_line --index 0 '220 mx.test ESMTP'
		assert_line --index 1 --regexp '^250-'
	done
}
