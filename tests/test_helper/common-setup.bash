# Shared helpers for the tarpit test suite.  Load with `load test_helper/common-setup`
# at the top of a .bats file, and call common_setup/common_teardown from setup/teardown.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

# Absolute, because tests also run it from inside other mount namespaces (cwd "/").
TARPIT=$(realpath -m "${TARPIT:-$BATS_TEST_DIRNAME/../tarpit}")
HELPERS=$BATS_TEST_DIRNAME/test_helper
# rig/: the one starter of each real component, and the one client
export RIG=$BATS_TEST_DIRNAME/../rig
# shellcheck source=tests/test_helper/record.bash
source "$HELPERS/record.bash"
# shellcheck source=rig/wait.bash
source "$BATS_TEST_DIRNAME/../rig/wait.bash"
IN_NS=()           # prefix that runs a command inside a test namespace (journal, syslog)
LOG_BACKEND=stderr # where records() reads the records of the last session
SESSION_LIMIT=10   # seconds a session of session_spawn may run before timeout(1) ends it
# Put before the arguments of every session the helpers start: the one-line banner at
# once, so that the tests of what follows it wait for no greeting.  Tests of the
# greeting pass --greet-wait themselves (the later option wins) or set GREETING=().
GREETING=(--greet-wait 0)

common_setup() {
	[[ -x $TARPIT ]] || fail "no tarpit binary at $TARPIT (run make, or set TARPIT)"
	REPLIES=$BATS_TEST_TMPDIR/replies
	LOG=$BATS_TEST_TMPDIR/log
	SESSION_PID= ACTIVATOR_PID=
	# Sessions on files and pipes come from a documentation address unless a test says
	# otherwise; a port unique within the file tells the records of each test apart.
	unset REMOTE_HOST TCPREMOTEIP TCPREMOTEPORT
	export REMOTE_ADDR=192.0.2.25 REMOTE_PORT=$((20000 + BATS_TEST_NUMBER * 20))
}

common_teardown() {
	# timeout(1) leads a process group of its own: end it with its tarpit
	[[ -z $SESSION_PID ]] || kill -KILL -- "-$SESSION_PID" 2>/dev/null || true
	activator_stop
}

# wait_until SECONDS COMMAND...: rig/wait.bash's poll_until, run COMMAND every 20 ms
# until it succeeds; after SECONDS (fractions allowed) give up and fail.  process_gone
# PID (a zombie counts as gone) comes from there too.
wait_until() {
	poll_until "$@" && return 0
	echo "wait_until: still false after the time allowed: ${*:2}" >&2
	return 1
}

# free_port: a TCP port that is free on the IPv4 and IPv6 loopback right now.
free_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 0))
print(s.getsockname()[1])'
}

# client ARGS...: rig/client talk, one scripted connection.
client() {
	"$RIG/client" talk "$@"
}

# tarpit_named: $TARPIT becomes a link named "tarpit" to the binary under test, so that
# journald names the writer of its records tarpit (_COMM), as tarpit-report requires of
# a record it counts: the static build's own file is tarpit-static.
tarpit_named() {
	local dir=$BATS_FILE_TMPDIR/named
	[[ ${TARPIT##*/} != tarpit ]] || return 0
	mkdir -p "$dir"
	ln -sfn "$TARPIT" "$dir/tarpit"
	TARPIT=$dir/tarpit
}

# --- sessions on files and pipes ------------------------------------------------------

# session INPUT [TARPIT-ARGS...]: run one session of $TARPIT with fd 0 a file holding
# INPUT (printf %b escapes), replies in $REPLIES and stderr in $LOG, and wait (at most
# 10 s) for it to end by itself.  Fails unless it exits 0, its status after any session.
session() {
	session_start "$@"
	session_wait
}

# session_signalled SIGNAL INPUT [TARPIT-ARGS...]: like session, but sends SIGNAL as
# soon as the first 250- line is out: for tests of the dialogue and the log, not the end.
session_signalled() {
	local signal=$1
	shift
	session_start "$@"
	# generous: under valgrind on a loaded machine start-up alone can take seconds
	wait_until 20 trickling_or_ended
	session_signal "$signal"
	session_wait
}

# session_signal SIGNAL: send SIGNAL once to the process that runs tarpit, as systemd
# does on stop.  Not through timeout(1): it sends a signal it is given on to its child
# and then to its whole process group, so tarpit would get it twice, and under
# LeakSanitizer a second signal still pending at exit can hang the leak check.
session_signal() {
	kill -s "$1" "$(session_tarpit_pid)" 2>/dev/null || true
}

# session_tarpit_pid: the pid of the process that runs tarpit, the last of timeout,
# any wrapper (nsenter execs) and tarpit.
session_tarpit_pid() {
	local pid=$SESSION_PID child
	while child=$(pgrep -P "$pid" | head -n 1) && [[ -n $child ]]; do
		pid=$child
	done
	echo "$pid"
}

trickling_or_ended() {
	grep -q '^250-' "$REPLIES" || ! kill -0 "$SESSION_PID" 2>/dev/null
}

# silent_session [TARPIT-ARGS...]: a session whose fd 0 stays open and never sends.
silent_session() {
	mkfifo "$BATS_TEST_TMPDIR/silent"
	session_spawn "$BATS_TEST_TMPDIR/silent" "$@"
	session_wait
}

session_start() {
	printf '%b' "$1" >"$BATS_TEST_TMPDIR/input"
	shift
	session_spawn "$BATS_TEST_TMPDIR/input" "$@"
}

# session_spawn STDIN [TARPIT-ARGS...]: start $TARPIT in the background, bounded by
# timeout(1).  Opening STDIN
# read-write keeps a FIFO from ever reaching end of file.
session_spawn() {
	local stdin=$1
	shift
	: >"$REPLIES" # no replies of an earlier session may be taken for this one's
	timeout -k 1 "$SESSION_LIMIT" "${IN_NS[@]}" "$TARPIT" "${GREETING[@]}" "$@" 0<>"$stdin" \
		>"$REPLIES" 2>"$LOG" 3>&- &
	SESSION_PID=$!
}

session_wait() {
	local status=0
	wait "$SESSION_PID" || status=$?
	SESSION_PID=
	((status == 0)) || fail "tarpit exited with status $status (124: still running after $SESSION_LIMIT s)"
}

# replies: the replies of the last session without their CRs, failing unless every line
# ends in CRLF, has at most 512 octets and does not start with 5.
replies() {
	local status=0
	if [[ -s $REPLIES && -n $(tail -c 1 "$REPLIES") ]]; then
		echo "the last reply has no LF" >&2
		status=1
	fi
	LC_ALL=C awk '
		!/\r$/ { print "reply " NR " does not end in CRLF" >"/dev/stderr"; bad = 1 }
		length($0) > 511 { print "reply " NR " is over 512 octets" >"/dev/stderr"; bad = 1 }
		/^5/ { print "reply " NR " starts with 5" >"/dev/stderr"; bad = 1 }
		{ sub(/\r$/, ""); print }
		END { exit bad }' "$REPLIES" || status=1
	return "$status"
}

# --- the records of a session, whatever the backend ---------------------------------

# records: the one-line records of the current test, from the backend in $LOG_BACKEND.
records() {
	case $LOG_BACKEND in
	stderr) grep -a '^event=' "$LOG" || true ;;
	syslog) syslog_records ;;
	journal) journal_records ;;
	esac
}

# load_record EVENT: parse the one record of EVENT (connect, disconnect) into REC
# (field -> value, quotes removed) and REC_KEYS (field names in order).
load_record() {
	local line rest re='^([a-z_]+)=("([^"]*)"|([^ "]*))( (.*))?$'
	line=$(records | grep "^event=$1 ") || { fail "no $1 record in: $(records)"; return; }
	[[ $line != *$'\n'* ]] || { fail "more than one $1 record: $line"; return; }
	declare -gA REC=()
	REC_KEYS=()
	rest=$line
	while [[ -n $rest ]]; do
		[[ $rest =~ $re ]] || { fail "malformed record: $line"; return; }
		REC_KEYS+=("${BASH_REMATCH[1]}")
		REC[${BASH_REMATCH[1]}]=${BASH_REMATCH[3]}${BASH_REMATCH[4]}
		rest=${BASH_REMATCH[6]}
	done
}

# all_logged_text: everything the backend holds, to search for what must not be there.
all_logged_text() {
	case $LOG_BACKEND in
	stderr) cat "$LOG" ;;
	syslog) cat "$SYSLOG_FILE" ;;
	journal) in_journal journalctl --sync && in_journal journalctl -q -o export --no-pager ;;
	esac
}

# --- checks shared by the stderr, syslog and journal backends -----------------------

check_oneline_format() {
	local nbytes nlines addr=${REMOTE_ADDR//./\\.}
	session_signalled TERM 'HELO mx.example\r\n' -d 0.01 -H mx.test -l "$LOG_BACKEND"
	nbytes=$(wc -c <"$REPLIES")
	nlines=$(wc -l <"$REPLIES")
	run -0 records
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 "event=connect remote_addr=$REMOTE_ADDR remote_port=$REMOTE_PORT"
	assert_line --index 1 --regexp "^event=disconnect remote_addr=$addr remote_port=$REMOTE_PORT helo=\"mx\.example\" pregreet=1 duration_sec=[0-9]+\.[0-9]{3} bytes_sent=$nbytes lines_sent=$nlines end_reason=signal\$"
}

# HELO arguments (printf %b) and how every backend must show them.
SANITIZE_CASES=(
	'a\x01b\x7fc\x00d' 'a?b?c?d'
	'\x1b[31mred\x1b[0m' '?[31mred?[0m'
	'say"hi"' 'say?hi?'
	'back\\slash' 'back?slash'
	'h\xc3\xa9llo' 'h??llo'
	'tab\there\x0bcr\rend' 'tab?here?cr?end'
	"$(printf '0123456789%.0s' {1..30})" "$(printf '0123456789%.0s' {1..25})01234"
)

check_helo_sanitized() {
	local k # not i: bats 1.8 sets i in every "run -N"
	for ((k = 0; k < ${#SANITIZE_CASES[@]}; k += 2)); do
		REMOTE_PORT=$((REMOTE_PORT + 1))
		session_signalled TERM "HELO ${SANITIZE_CASES[k]}\r\n" -d 0.01 -l "$LOG_BACKEND"
		load_record disconnect
		assert_equal "${REC[helo]}" "${SANITIZE_CASES[k + 1]}"
		if [[ $LOG_BACKEND == journal ]]; then
			assert_equal "$(journal_field disconnect HELO)" "${SANITIZE_CASES[k + 1]}"
		fi
	done
}

check_secret_not_logged() {
	local secret=S3CRET$RANDOM$RANDOM
	session_signalled TERM "HELO mx.example\r\nMAIL FROM:<$secret@example.org>\r\nRCPT TO:<$secret@example.net>\r\nDATA\r\nSubject: $secret\r\n\r\n$secret\r\n.\r\n" -d 0.01 -l "$LOG_BACKEND"
	REMOTE_PORT=$((REMOTE_PORT + 1))
	session_signalled TERM "MAIL FROM:<$secret@example.org>\r\n" -d 0.01 -l "$LOG_BACKEND"
	load_record disconnect
	assert_equal "${REC[command]}" MAIL
	run -0 all_logged_text
	assert_output --partial 'event=disconnect'
	refute_output --partial "$secret"
}

# --- systemd-socket-activate: real TCP connections ----------------------------------

# activator_start ADDRESS [-E VAR=VALUE]... [TARPIT-ARGS...]: serve $TARPIT on a free
# port of ADDRESS (127.0.0.1, [::1], [::]), one process per connection, like inetd
# (rig/activate; in the network namespace ACTIVATOR_NETNS names, if set).  Sets PORT,
# ACTIVATOR_PID, and LOG to the stderr of the activator and its tarpits.
activator_start() {
	local address=$1 options=()
	shift
	while [[ ${1-} == -E ]]; do
		options+=("$1" "$2")
		shift 2
	done
	[[ -z ${ACTIVATOR_NETNS-} ]] || options+=(--netns="$ACTIVATOR_NETNS")
	PORT=$(free_port)
	ACTIVATOR_DIR=$BATS_TEST_TMPDIR/activator
	LOG=$ACTIVATOR_DIR/log
	"$RIG/activate" serve "$ACTIVATOR_DIR" "$address:$PORT" "${options[@]}" \
		"$TARPIT" "${GREETING[@]}" "$@" 3>&- &
	ACTIVATOR_PID=$!
	"$RIG/activate" ready "$ACTIVATOR_DIR"
}

activator_stop() {
	[[ -n $ACTIVATOR_PID ]] || return 0
	"$RIG/activate" stop "$ACTIVATOR_DIR"
	wait "$ACTIVATOR_PID" 2>/dev/null || true
	ACTIVATOR_PID=
}

# no_sessions: true once no tarpit spawned by the activator is alive.
no_sessions() {
	! ps -o stat= --ppid "$ACTIVATOR_PID" | grep -qv '^Z'
}

# await_record EVENT [SECONDS]: wait (3 s unless told) until EVENT has been logged.
await_record() {
	wait_until "${2:-3}" has_record "$1"
}

has_record() {
	records | grep -q "^event=$1 "
}

# --- a standalone journald in a private mount namespace -----------------------------

# journald_start [--within=PID] [--dev-log]: systemd-journald with tmpfs on /run and
# /var/log/journal, so the host's journal is never touched (rig/journald, with its
# options).  Exports JOURNALD_DIR and JOURNALD_PID; in_journal runs a command in its
# mount namespace.
journald_start() {
	export JOURNALD_DIR=$BATS_FILE_TMPDIR/journald
	"$RIG/journald" serve "$JOURNALD_DIR" "$@" 3>&- &
	export JOURNALD_PID=$!
	"$RIG/journald" ready "$JOURNALD_DIR"
}

journald_stop() {
	"$RIG/journald" stop "$JOURNALD_DIR"
	wait "$JOURNALD_PID" 2>/dev/null || true
}

in_journal() {
	nsenter -t "$JOURNALD_PID" -m -- "$@"
}

# journal_json [MATCH...]: the tarpit entries of the current test, one JSON object a line.
journal_json() {
	in_journal journalctl --sync
	in_journal journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=tarpit REMOTE_PORT="$REMOTE_PORT" "$@"
}

# one_journal_entry RUN MATCH...: the one tarpit entry matching the journalctl MATCHes,
# read with journalctl run through RUN (in_journal, in_container), one FIELD=VALUE a
# line; fails unless there is exactly one.
one_journal_entry() {
	local run=$1 entries
	shift
	"$run" journalctl --sync
	entries=$("$run" journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=tarpit "$@")
	if [[ -z $entries || $entries == *$'\n'* ]]; then
		echo "expected one entry with $*, got: $entries" >&2
		return 1
	fi
	jq -r 'to_entries[] | "\(.key)=\(.value)"' <<<"$entries"
}

journal_records() {
	journal_json | jq -r .MESSAGE
}

# journal_field EVENT FIELD: FIELD of the one EVENT entry, failing unless there is one.
journal_field() {
	local entries
	entries=$(journal_json TARPIT_EVENT="$1")
	[[ -n $entries && $entries != *$'\n'* ]] || { fail "expected one $1 entry, got: $entries"; return; }
	jq -r --arg field "$2" '.[$field] // "(absent)"' <<<"$entries"
}

# --- a syslog receiver on /dev/log, in a private mount namespace --------------------

# syslog_start: a receiver of our own on /dev/log, appending to $SYSLOG_FILE, in a mount
# namespace where /run is an empty tmpfs (so "auto" finds no journal): rig/syslog.
# Exports SYSLOG_DIR, SYSLOG_FILE and SYSLOG_NS_PID (the receiver's, which holds the
# namespace).
syslog_start() {
	export SYSLOG_DIR=$BATS_FILE_TMPDIR/syslog
	export SYSLOG_FILE=$SYSLOG_DIR/messages
	"$RIG/syslog" serve "$SYSLOG_DIR" 3>&- &
	export SYSLOG_NS_PID=$!
	"$RIG/syslog" ready "$SYSLOG_DIR"
}

syslog_stop() {
	"$RIG/syslog" stop "$SYSLOG_DIR"
	wait "$SYSLOG_NS_PID" 2>/dev/null || true
}

in_syslog_ns() {
	nsenter -t "$SYSLOG_NS_PID" -m -- "$@"
}

# syslog_records: the messages of the current test without their syslog header, once
# its disconnect record has arrived.
syslog_records() {
	wait_until 5 grep -q "remote_port=$REMOTE_PORT .*end_reason=" "$SYSLOG_FILE" || return 1
	grep -a " remote_port=$REMOTE_PORT\( \|$\)" "$SYSLOG_FILE" | sed 's/^<[0-9]*>.*tarpit\(\[[0-9]*\]\)\{0,1\}: //'
}

# --- hostile clients and faults -----------------------------------------------------

# journald_start_in_syslog_ns: journald_start, but in a namespace made inside
# syslog_start's, so that one namespace has both a journal socket and the /dev/log
# receiver.
journald_start_in_syslog_ns() {
	journald_start --within="$SYSLOG_NS_PID"
}

# netns_pair_create: two network namespaces of our own, $NETNS_SERVER (169.254.25.1)
# and $NETNS_CLIENT (169.254.25.2), joined by a veth pair whose client end is
# "$NETNS_CLIENT_LINK"; the link-local addresses exist only inside them.
netns_pair_create() {
	NETNS_SERVER=tarpit-srv-$BATS_ROOT_PID-$BATS_TEST_NUMBER
	NETNS_CLIENT=tarpit-cli-$BATS_ROOT_PID-$BATS_TEST_NUMBER
	NETNS_CLIENT_LINK=veth-client
	ip netns add "$NETNS_SERVER"
	ip netns add "$NETNS_CLIENT"
	ip link add veth-server netns "$NETNS_SERVER" type veth \
		peer name "$NETNS_CLIENT_LINK" netns "$NETNS_CLIENT"
	ip -n "$NETNS_SERVER" addr add 169.254.25.1/30 dev veth-server
	ip -n "$NETNS_CLIENT" addr add 169.254.25.2/30 dev "$NETNS_CLIENT_LINK"
	ip -n "$NETNS_SERVER" link set veth-server up
	ip -n "$NETNS_CLIENT" link set "$NETNS_CLIENT_LINK" up
}

netns_pair_delete() {
	[[ -z ${NETNS_SERVER-} ]] || ip netns delete "$NETNS_SERVER" 2>/dev/null || true
	[[ -z ${NETNS_CLIENT-} ]] || ip netns delete "$NETNS_CLIENT" 2>/dev/null || true
	NETNS_SERVER= NETNS_CLIENT=
}

# activator_start_in_netns NETNS ADDRESS [TARPIT-ARGS...]: activator_start with the
# activator in network namespace NETNS.
activator_start_in_netns() {
	ACTIVATOR_NETNS=$1 activator_start "${@:2}"
}

# assert_between LOW VALUE HIGH [WHAT]: LOW <= VALUE <= HIGH, as numbers with fractions.
assert_between() {
	awk -v lo="$1" -v v="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }' ||
		fail "${4:-value} $2 is not from $1 to $3"
}
