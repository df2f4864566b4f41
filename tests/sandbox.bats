#!/usr/bin/env bats
# Privilege and confinement: root is dropped before the client is read, and after
# set-up one seccomp filter kills the process on any call a session never makes.

load test_helper/common-setup

setup() {
	common_setup
	# the probe carries the filter of the build under test
	PROBE=$BATS_TEST_DIRNAME/sandbox-probe
	[[ $(basename "$TARPIT") != tarpit-static ]] || PROBE+=-static
	[[ -x $PROBE ]] || fail "no $PROBE (make tests/sandbox-probe tests/sandbox-probe-static)"
}

teardown() {
	common_teardown
}

# status_field PID FIELD: the value of FIELD in /proc/PID/status.
status_field() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ +/, ""); print }' "/proc/$1/status"
}

# held_session [TARPIT-ARGS...]: start a session that trickles for a while; sets
# TARPIT_PID.
held_session() {
	session_start 'HELO x\r\n' -d 0.05 -t 5 -l stderr "$@"
	wait_until 5 grep -q '^250-' "$REPLIES"
	TARPIT_PID=$(pgrep -P "$SESSION_PID" -x "$(basename "$TARPIT")" | head -n 1)
	[[ -n $TARPIT_PID ]] || fail "no tarpit process under $SESSION_PID"
}

@test "a session started as root runs as nobody, with no groups, no new privileges and the filter on" {
	[[ $(id -u) == 0 ]] || fail "this test needs root"
	held_session
	assert_equal "$(status_field "$TARPIT_PID" Uid | awk '{ print $1, $2, $3, $4 }')" \
		"$(id -u nobody) $(id -u nobody) $(id -u nobody) $(id -u nobody)"
	assert_equal "$(status_field "$TARPIT_PID" Gid | awk '{ print $1 }')" "$(id -g nobody)"
	assert_equal "$(status_field "$TARPIT_PID" Groups)" ''
	assert_equal "$(status_field "$TARPIT_PID" NoNewPrivs)" 1
	assert_equal "$(status_field "$TARPIT_PID" Seccomp)" 2
	assert_equal "$(status_field "$TARPIT_PID" CapEff)" 0000000000000000
}

@test "--user names the user a session started as root becomes" {
	useradd --system --no-create-home --shell /usr/sbin/nologin tarpit-test 2>/dev/null || true
	held_session --user tarpit-test
	assert_equal "$(status_field "$TARPIT_PID" Uid | awk '{ print $1 }')" "$(id -u tarpit-test)"
}

@test "a session that cannot drop root refuses to run, with exit 77 and one line" {
	for user in no-such-user-here root; do
		run --separate-stderr timeout 5 "$TARPIT" --user "$user" -l none <<<'HELO x'
		assert_equal "$status" 77
		assert_equal "$output" ''
		assert_equal "${#stderr_lines[@]}" 1
		assert_regex "$stderr" "^tarpit: --user: '$user' is not an unprivileged user"
	done
}

@test "under the filter, opening a file, an inet socket, exec, ptrace and executable mmap kill the process" {
	local call
	for call in open inet-socket inet6-socket exec ptrace mmap-exec; do
		run "$PROBE" "$call"
		# 128 + SIGSYS (31): killed by the filter, not refused with an error
		assert_equal "$call: $status" "$call: 159"
	done
}

@test "under the filter, a Unix socket and a write still work" {
	run -0 "$PROBE" unix-socket
	run -0 "$PROBE" write
	assert_output alive
}
