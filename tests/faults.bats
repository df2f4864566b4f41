#!/usr/bin/env bats
# Faults around the session: a journal that dies mid-session or is away and comes
# back, no log socket at all, and standard descriptors that are closed or are not
# sockets.

load test_helper/common-setup
load test_helper/report

setup_file() {
	syslog_start
}

teardown_file() {
	syslog_stop
}

setup() {
	common_setup
	JOURNALD_PID='' NOLOG_NS_PID='' HOLDER_PID=''
	printf 'HELO fault.example\r\n' >"$BATS_TEST_TMPDIR/input"
}

teardown() {
	common_teardown
	[[ -z $JOURNALD_PID ]] || journald_stop
	[[ -z $NOLOG_NS_PID ]] || { kill "$NOLOG_NS_PID"; wait "$NOLOG_NS_PID"; } 2>/dev/null || true
	[[ -z $HOLDER_PID ]] || { kill "$HOLDER_PID"; wait "$HOLDER_PID"; } 2>/dev/null || true
}

# journald_away: kill the journald of journald_start (or journald_start_in_syslog_ns)
# and leave its mount namespace held by a process of its own, which IN_NS enters; the
# journal's socket is left behind, stale, as when journald restarts outside systemd.
journald_away() {
	nsenter -t "$JOURNALD_PID" -m -- sleep infinity 3>&- &
	HOLDER_PID=$!
	wait_until 5 grep -qx sleep "/proc/$HOLDER_PID/comm"
	kill -KILL "$JOURNALD_PID"
	wait "$JOURNALD_PID" 2>/dev/null || true
	IN_NS=(nsenter -t "$HOLDER_PID" -m --)
}

# journald_back: journald again, in the namespace journald_away held, on the same
# journal files.
journald_back() {
	"$RIG/journald" again "$JOURNALD_DIR" "$HOLDER_PID" 3>&- &
	JOURNALD_PID=$!
	"$RIG/journald" ready "$JOURNALD_DIR"
}

# ended_waiting_for_the_log: the last session has sent its last reply, and its process
# is still there a second later, waiting for a log to take its records.
ended_waiting_for_the_log() {
	wait_until 5 grep -q '^421 ' "$REPLIES"
	! poll_until 1 process_gone "$(session_tarpit_pid)" ||
		fail "tarpit exited without a log to take its records"
}

# session_across_journald_stop LOG-TARGET: a session, in a namespace with a journal
# and the /dev/log receiver, that trickles to max-time while journald is killed after
# the connect entry is in the journal.  The journal's socket is left behind, stale.
session_across_journald_stop() {
	journald_start_in_syslog_ns
	IN_NS=(nsenter -t "$JOURNALD_PID" -m --)
	# -t 4: tarpit must outlive the wait for its connect entry, even on a loaded machine
	session_start 'HELO stale.example\r\n' -d 0.05 -t 4 -H mx.test -l "$1"
	wait_until 3 journal_has connect
	local tarpit_pid
	tarpit_pid=$(session_tarpit_pid)
	kill -KILL "$JOURNALD_PID"
	wait "$JOURNALD_PID" 2>/dev/null || true
	JOURNALD_PID=
	test -S "/proc/$tarpit_pid/root/run/systemd/journal/socket" ||
		fail "the journal socket went away with journald: no stale socket to test"
	session_wait
	run -0 replies
	assert_line --index -1 '421 4.7.0 mx.test closing connection'
	(($(grep -c '^250-' <<<"$output") >= 10)) || fail "the trickle stopped early: $output"
}

journal_has() {
	[[ -n $(journal_json TARPIT_EVENT="$1") ]]
}

# nolog_ns_start: a mount namespace with an empty /run (no journal socket) and an
# empty /dev (no /dev/log); IN_NS enters it.
nolog_ns_start() {
	unshare --mount --propagation private -- sh -c '
		mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /dev && exec sleep infinity' 3>&- &
	NOLOG_NS_PID=$!
	wait_until 5 grep -qx sleep "/proc/$NOLOG_NS_PID/comm"
	IN_NS=(nsenter -t "$NOLOG_NS_PID" -m --)
}

# session_closing FD [TARPIT-ARGS...]: a session on the input file with descriptor FD
# (0 or 1) closed; stdout, if open, goes to $REPLIES, stderr to $LOG.  Bounded by
# timeout(1) like every session: status 124 means it was still running after 10 s.
session_closing() {
	local fd=$1
	shift
	: >"$REPLIES"
	if ((fd == 0)); then
		timeout -k 1 10 "${IN_NS[@]}" "$TARPIT" "${GREETING[@]}" "$@" <&- >"$REPLIES" 2>"$LOG"
	else
		timeout -k 1 10 "${IN_NS[@]}" "$TARPIT" "${GREETING[@]}" "$@" <"$BATS_TEST_TMPDIR/input" >&- 2>"$LOG"
	fi
}

# assert_trickled_to_max_time HOSTNAME: the last session's replies were the banner,
# 250- lines, and the 421 of --max-time.
assert_trickled_to_max_time() {
	run -0 replies
	assert_line --index 0 "220 $1 ESMTP"
	assert_line --index 1 --regexp '^250-'
	assert_line --index -1 "421 4.7.0 $1 closing connection"
}

@test "journald killed mid-session: under --log=auto the disconnect record goes to syslog" {
	session_across_journald_stop auto
	LOG_BACKEND=syslog
	load_record disconnect
	assert_equal "${REC[end_reason]} ${REC[helo]}" 'max-time stale.example'
	run -0 records
	refute_line --partial event=connect # that one is in the journal
}

@test "under --log=auto, a record the journal refuses goes to syslog, and the next tries the journal again" {
	journald_start_in_syslog_ns
	journald_away
	session_start 'HELO again.example\r\n' -d 0.05 -t 30 -H mx.test -l auto
	wait_until 5 grep -q "tarpit\[[0-9]*\]: event=connect remote_addr=192\.0\.2\.25 remote_port=$REMOTE_PORT$" "$SYSLOG_FILE"
	journald_back
	session_signal TERM
	session_wait
	assert_equal "$(journal_field disconnect END_REASON)" signal
	run -0 journal_json TARPIT_EVENT=connect
	assert_output ''
	refute grep -q "remote_port=$REMOTE_PORT .*end_reason=" "$SYSLOG_FILE"
}

@test "a session that begins and ends while journald is away has both records, in order, once it is back" {
	tarpit_named
	journald_start
	journald_away
	session_start 'HELO away.example\r\n' -d 0.05 -t 1 -H mx.test -l journal
	ended_waiting_for_the_log
	journald_back
	session_wait
	run -0 journal_records
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[0]}" "event=connect remote_addr=192.0.2.25 remote_port=$REMOTE_PORT"
	assert_regex "${lines[1]}" "^event=disconnect remote_addr=192\.0\.2\.25 remote_port=$REMOTE_PORT helo=\"away\.example\" .* end_reason=max-time$"
	# its length is the session's, not the session's and the wait for journald
	assert_between 1 "$(journal_field disconnect DURATION_SEC)" 1.5 duration_sec
	run -0 in_journal "$REPORT" --json
	assert_json 'd["sessions"], d["still_held"], d["top_addresses"][0]["address"]' '[1, 0, "192.0.2.25"]'
}

@test "journald away for good: a stop signal ends the wait for it at once" {
	journald_start
	journald_away
	session_start 'HELO gone.example\r\n' -d 0.05 -t 1 -H mx.test -l journal
	ended_waiting_for_the_log
	local pid
	pid=$(session_tarpit_pid)
	session_signal TERM
	wait_until 2 process_gone "$pid"
	session_wait
}

@test "with neither /dev/log nor a journal, --log=syslog and --log=auto sessions run to the end" {
	nolog_ns_start
	for target in syslog auto; do
		session 'HELO nolog.example\r\n' -d 0.05 -t 1 -H mx.test -l "$target"
		assert_trickled_to_max_time mx.test
		assert_equal "$(cat "$LOG")" ''
	done
}

@test "with stdout closed the session ends at once with end_reason=write-error, status 0" {
	run -0 session_closing 1 -d 0.05 -t 5 -l stderr
	load_record disconnect
	assert_equal "${REC[end_reason]} ${REC[bytes_sent]} ${REC[lines_sent]}" 'write-error 0 0'
	assert_between 0 "${REC[duration_sec]}" 0.5 duration_sec
}

# The banner is written, and fails, before any log socket is opened; the socket
# opened for each record then gets fd 1, the lowest free one.
@test "with stdout closed, the syslog socket that takes fd 1 never gets a reply line" {
	IN_NS=(nsenter -t "$SYSLOG_NS_PID" -m --)
	LOG_BACKEND=syslog
	run -0 session_closing 1 -d 0.05 -t 5 -H mx.test -l syslog
	load_record disconnect
	assert_equal "${REC[end_reason]} ${REC[bytes_sent]} ${REC[lines_sent]}" 'write-error 0 0'
	refute grep -q 'ESMTP\|250-\|421 ' "$SYSLOG_FILE"
}

@test "fd 0 an empty file or /dev/null: banner, trickle to max-time, and pregreet=1" {
	: >"$BATS_TEST_TMPDIR/empty"
	for stdin in "$BATS_TEST_TMPDIR/empty" /dev/null; do
		REMOTE_PORT=$((REMOTE_PORT + 1))
		session_spawn "$stdin" -d 0.05 -t 1 -H mx.test -l stderr
		session_wait
		assert_trickled_to_max_time mx.test
		load_record disconnect
		# poll(2) calls a file and /dev/null readable at once, even at end of file:
		# pregreet=1 with nothing to read; end of a file is no hang-up
		assert_equal "${REC[end_reason]} ${REC[pregreet]}" 'max-time 1'
		assert_equal "${REC[helo]-(none)}${REC[command]-(none)}" '(none)(none)'
	done
}

# Found: the first record's socket takes the free fd 0.  syslog(3) and the native
# journal close theirs after each record, so the wait for the first line finds fd 0
# invalid, counts that as end of input, and trickles to max-time.  libsystemd keeps
# its journal socket open as fd 0, so the build linked with it waits on that socket
# for a line that never comes, and ends at --helo-timeout with no 250- line.
@test "with fd 0 closed a session ends by itself, status 0, whatever the log target" {
	journald_start_in_syslog_ns
	local target
	for target in stderr none syslog journal; do
		case $target in
		syslog) IN_NS=(nsenter -t "$SYSLOG_NS_PID" -m --) ;;
		journal) IN_NS=(nsenter -t "$JOURNALD_PID" -m --) ;;
		*) IN_NS=() ;;
		esac
		run -0 session_closing 0 -d 0.05 -t 1 --helo-timeout 0.5 -H mx.test -l "$target"
		run -0 replies
		assert_line --index 0 '220 mx.test ESMTP'
		assert_line --index -1 --regexp '^421 4\.(7\.0 mx\.test closing connection|4\.2 mx\.test timeout)$'
	done
}
