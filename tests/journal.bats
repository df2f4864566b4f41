#!/usr/bin/env bats
# Records in the journal, from a journald of our own in a private mount namespace,
# read back with journalctl -o json.

load test_helper/common-setup

setup_file() {
	journald_start
}

teardown_file() {
	journald_stop
}

setup() {
	common_setup
	IN_NS=(nsenter -t "$JOURNALD_PID" -m --)
	LOG_BACKEND=journal
}

teardown() {
	common_teardown
}

# assert_fields EVENT FIELD=VALUE...: the one EVENT entry has these fields; a VALUE of
# "(absent)" means the entry has no such field.
assert_fields() {
	local event=$1 pair
	shift
	for pair in "$@"; do
		assert_equal "${pair%%=*}=$(journal_field "$event" "${pair%%=*}")" "$pair"
	done
}

@test "the connect entry has the identifier, priority, facility, message id and peer" {
	session_signalled TERM 'HELO mx.example\r\n' -d 0.01 -l journal
	assert_fields connect SYSLOG_IDENTIFIER=tarpit PRIORITY=6 SYSLOG_FACILITY=2 \
		"MESSAGE_ID=$MSG_CONNECT" TARPIT_EVENT=connect \
		REMOTE_ADDR=192.0.2.25 REMOTE_PORT="$REMOTE_PORT" \
		"MESSAGE=event=connect remote_addr=192.0.2.25 remote_port=$REMOTE_PORT" \
		HELO='(absent)' COMMAND='(absent)' END_REASON='(absent)' DURATION_SEC='(absent)'
}

@test "the disconnect entry has every field of the session" {
	session_signalled TERM 'HELO mx.example\r\n' -d 0.01 -l journal
	assert_fields disconnect SYSLOG_IDENTIFIER=tarpit PRIORITY=6 SYSLOG_FACILITY=2 \
		"MESSAGE_ID=$MSG_DISCONNECT" TARPIT_EVENT=disconnect \
		REMOTE_ADDR=192.0.2.25 REMOTE_PORT="$REMOTE_PORT" HELO=mx.example \
		COMMAND='(absent)' PREGREET=1 BYTES_SENT="$(wc -c <"$REPLIES")" \
		LINES_SENT="$(wc -l <"$REPLIES")" END_REASON=signal
	assert_regex "$(journal_field disconnect DURATION_SEC)" '^[0-9]+\.[0-9]{3}$'
}

@test "the entry of a session that began with another command has COMMAND, not HELO" {
	session_signalled TERM 'get / HTTP/1.0\r\n' -d 0.01 -l journal
	assert_fields disconnect COMMAND=GET HELO='(absent)'
}

@test "the entry of a session without any line has neither HELO nor COMMAND" {
	silent_session --helo-timeout 0.05 -l journal
	assert_fields disconnect END_REASON=helo-timeout PREGREET=0 HELO='(absent)' COMMAND='(absent)'
}

@test "--log=auto and the default log to the journal when its socket exists" {
	session 'QUIT\r\n' -l auto
	assert_fields disconnect TARPIT_EVENT=disconnect END_REASON=quit
	REMOTE_PORT=$((REMOTE_PORT + 1))
	session 'QUIT\r\n'
	assert_fields disconnect TARPIT_EVENT=disconnect END_REASON=quit
}

@test "the journal MESSAGE has the one-line form" {
	check_oneline_format
}

@test "HELO names are logged sanitized to at most 255 printable characters in the journal" {
	check_helo_sanitized
}

@test "nothing the client sends after HELO, nor after the verb, reaches the journal" {
	check_secret_not_logged
}
