#!/usr/bin/env bats
# Records through syslog(3), to a receiver of our own bound on /dev/log in a private
# mount namespace (where /run is empty: no journal).

load test_helper/common-setup

setup_file() {
	syslog_start
}

teardown_file() {
	syslog_stop
}

setup() {
	common_setup
	IN_NS=(nsenter -t "$SYSLOG_NS_PID" -m --)
	LOG_BACKEND=syslog
}

teardown() {
	common_teardown
}

@test "syslog messages are mail.info, tagged tarpit with its PID, with no timestamp" {
	session_signalled TERM 'HELO mx.example\r\n' -d 0.01 -l syslog
	await_record disconnect
	run -0 grep " remote_port=$REMOTE_PORT\( \|$\)" "$SYSLOG_FILE"
	assert_equal "${#lines[@]}" 2
	for line in "${lines[@]}"; do
		assert_regex "$line" '^<22>tarpit\[[0-9]+\]: event='
	done
}

@test "syslog messages have the one-line form" {
	check_oneline_format
}

@test "HELO names are logged sanitized to at most 255 printable characters in syslog" {
	check_helo_sanitized
}

@test "nothing the client sends after HELO, nor after the verb, reaches syslog" {
	check_secret_not_logged
}

@test "--log=auto logs to syslog when there is no journal socket" {
	session 'QUIT\r\n' -l auto
	load_record disconnect
	assert_equal "${REC[end_reason]}" quit
}

@test "with fd 2 a socket, --log=stderr logs to syslog and never to the client" {
	IN_NS+=(python3 "$HELPERS/stderr-socket.py")
	session 'QUIT\r\n' -l stderr
	load_record disconnect
	assert_equal "${REC[end_reason]}" quit
	assert_equal "$(cat "$LOG")" ''
}

@test "with fd 2 a socket, a usage error goes to syslog and never to the client" {
	local value=bogus$RANDOM
	run --separate-stderr -64 in_syslog_ns python3 "$HELPERS/stderr-socket.py" "$TARPIT" -d "$value"
	assert_equal "$output$stderr" ''
	wait_until 5 grep -q "$value" "$SYSLOG_FILE"
	run -0 grep "$value" "$SYSLOG_FILE"
	assert_output --regexp '(-d|--delay)'
}

# with_stderr TARGET CMD...: CMD in the syslog namespace with fd 2 as TARGET says:
# a path, or "closed" (run's own 2>&1 would otherwise take fd 2).
with_stderr() {
	local target=$1
	shift
	if [[ $target == closed ]]; then
		in_syslog_ns sh -c 'exec "$@" 2>&-' sh "$@"
	else
		in_syslog_ns sh -c 'target=$1; shift; exec "$@" 2>"$target"' sh "$target" "$@"
	fi
}

@test "with fd 2 /dev/null, as under the shipped unit, a usage error goes to syslog" {
	local value=bogus$RANDOM
	run -64 with_stderr /dev/null "$TARPIT" -d "$value"
	assert_output ''
	wait_until 5 grep -q "$value" "$SYSLOG_FILE"
	run -0 grep "$value" "$SYSLOG_FILE"
	assert_output --regexp '^<19>tarpit\[[0-9]+\]: .*(-d|--delay)'
}

@test "with fd 2 closed, a usage error goes to syslog" {
	local value=bogus$RANDOM
	run -64 with_stderr closed "$TARPIT" -d "$value"
	wait_until 5 grep -q "$value" "$SYSLOG_FILE"
}

@test "with fd 2 a file, a usage error goes there and not to syslog" {
	local value=bogus$RANDOM later=later$RANDOM
	run -64 with_stderr "$BATS_TEST_TMPDIR/err" "$TARPIT" -d "$value"
	run -0 grep -c "$value" "$BATS_TEST_TMPDIR/err"
	assert_output 1
	# syslog gets a later line, so the first would have been there before it
	run -64 with_stderr /dev/null "$TARPIT" -d "$later"
	wait_until 5 grep -q "$later" "$SYSLOG_FILE"
	run -1 grep -q "$value" "$SYSLOG_FILE"
}

@test "every log target is accepted: auto, journal, syslog, stderr, none" {
	for target in auto journal syslog stderr none; do
		session 'QUIT\r\n' -l "$target"
		run -0 replies
		assert_line --index 1 --regexp '^221 '
	done
}
