#!/usr/bin/env bats
# Records on --log=stderr, and --log=none.  The same checks run for syslog and the
# journal in syslog.bats and journal.bats.

load test_helper/common-setup

setup() {
	common_setup
}

teardown() {
	common_teardown
}

@test "records on --log=stderr are one line each, in the one-line form" {
	check_oneline_format
	run -0 cat "$LOG"
	assert_equal "${#lines[@]}" 2
}

@test "HELO names are logged sanitized to at most 255 printable characters on stderr" {
	check_helo_sanitized
}

@test "nothing the client sends after HELO, nor after the verb, appears on stderr" {
	check_secret_not_logged
}

@test "--log=none writes nothing at all to stderr" {
	session_signalled TERM 'HELO mx.example\r\n' -d 0.01 -l none
	assert_equal "$(wc -c <"$LOG")" 0
}
