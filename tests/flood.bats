#!/usr/bin/env bats
# A flood through each launcher as shipped: units/tarpit.socket and tarpit@.service
# under real systemd (nspawn), and xinetd/tarpit under real xinetd.  2,000
# connections from 32 loopback sources or more within a minute, some reset the moment they
# are established: every connection the launcher handed to tarpit has its connect and
# disconnect records with the client's own address and port, every other one is a
# reset the launcher itself logged as dropped, and tarpit-report's figures are the
# clients' counts.  One container and one xinetd for the file; once per build.

load test_helper/common-setup
load test_helper/nspawn
load test_helper/xinetd
load test_helper/report

FLOOD_COUNT=2000
# The sources, and how many each keeps open at a time, per launcher.
# - xinetd: 32 sources, 2 each.  Far under the shipped per_source of 16 (xinetd
#   counts a connection until it has seen its tarpit exit, a little after the
#   client saw the close), and 64 in all, xinetd's accept queue: with 8 a source
#   (256) it overflowed 714 times and the SYN retransmits (1 s, 3 s, ...) let
#   only 1,682 connections through in 60 s.
# - systemd: 128 sources, all at once, at most 16 each: no more than the shipped
#   MaxConnectionsPerSource=16, so none is refused.  PID 1 queues them all at
#   once (its queue is 4,096) and starts about 35 instances a second here, so
#   paced like xinetd's the flood took 38 to 51 s to open, too near 60.
XINETD_SOURCES=32 XINETD_PER_SOURCE=2
SYSTEMD_SOURCES=128 SYSTEMD_PER_SOURCE=16
# Reset (an RST) at once, before any banner; the rest wait for the 421 of --max-time.
FLOOD_RESETS=300
# What opening the flood may take at most; its client may run three times that,
# for the banners that PID 1 starts late.
FLOOD_SECONDS=60
# The sessions' own arguments, the same under both launchers: the banner at once and
# a session of 1 s, so that the flood is over quickly.
FLOOD_ARGS="--greet-wait 0 -t 0.2"

setup_file() {
	nspawn_boot
	journald_start
	flood_xinetd_start
}

teardown_file() {
	xinetd_stop
	journald_stop
	nspawn_teardown
}

setup() {
	[[ -x $REPORT ]] || fail "no tarpit-report binary at $REPORT (run make, or set TARPIT_REPORT)"
	FLOOD_LIST=$BATS_TEST_TMPDIR/connections
	RECORDS=$BATS_TEST_TMPDIR/records
}

# flood_xinetd_start: xinetd_start with one entry, the shipped one as it is but for
# FLOOD_ARGS appended to its server_args: its limits (instances, per_source, cps)
# are those shipped.
flood_xinetd_start() {
	export XINETD_DIR=$BATS_FILE_TMPDIR/xinetd
	local dest=$XINETD_DIR/dest sbin
	sbin=$("$RIG/units" sbindir)
	mkdir -p "$XINETD_DIR/entries"
	"$RIG/units" install "$dest" "$TARPIT" || { fail "rig/units install failed"; return; }
	sed "s/^\(\s*server_args\s*=.*\)\$/\1 $FLOOD_ARGS/" "$dest/etc/xinetd.d/tarpit" \
		>"$XINETD_DIR/entries/tarpit"
	nsenter -t "$JOURNALD_PID" -m -- "$RIG/xinetd" serve "$XINETD_DIR" \
		--bind="$dest$sbin:$sbin" --dev-log=/run/systemd/journal/dev-log \
		"$XINETD_DIR/entries/tarpit" 3>&- &
	export XINETD_PID=$!
	"$RIG/xinetd" ready "$XINETD_DIR" || fail "xinetd is not serving"
}

# flood RUN PORT SOURCES PER-SOURCE: the flood, through RUN (in_container_net,
# in_xinetd_net) onto 127.0.0.1:PORT from 127.0.0.1 to 127.0.0.SOURCES, each with at
# most PER-SOURCE open at a time; its summary in $output and flood_summary, one line a connection
# in $FLOOD_LIST.  Fails unless every connection was established within
# FLOOD_SECONDS and all but the resets had their banner.
flood() {
	local seconds
	run -0 "$1" "$RIG/client" flood 127.0.0.1 "$2" "$FLOOD_COUNT" \
		--sources="$3" --per-source="$4" --reset="$FLOOD_RESETS" \
		--wait-close --timeout=$((3 * FLOOD_SECONDS * ${WAIT_SCALE:-1})) --list="$FLOOD_LIST"
	FLOOD_SUMMARY=$output
	assert_line "opened=$FLOOD_COUNT"
	assert_line "resets=$FLOOD_RESETS"
	assert_line "banners=$((FLOOD_COUNT - FLOOD_RESETS))"
	assert_line closed=0
	assert_line failed=0
	assert_line pending=0
	seconds=$(sed -n 's/^connect_sec=//p' <<<"$output")
	assert_between 0 "$seconds" $((FLOOD_SECONDS * ${WAIT_SCALE:-1})) "seconds to open all"
}

# summary NAME: NAME's value in the flood client's summary.
summary() {
	sed -n "s/^$1=//p" <<<"$FLOOD_SUMMARY"
}

# records_of EVENT: "ADDRESS PORT" of each EVENT record in $RECORDS, sorted.
records_of() {
	awk -v e="$1" '$1 == e { print $2, $3 }' "$RECORDS" | sort
}

# connections [OUTCOME]: "ADDRESS PORT" of each connection of the flood (with that
# outcome), sorted.
connections() {
	awk -v o="${1-}" 'o == "" || $3 == o { print $1, $2 }' "$FLOOD_LIST" | sort
}

# assert_flood_recorded DROPPED [PORTLESS]: the tarpit records in $RECORDS ("EVENT
# ADDRESS PORT" lines) account for the flood of $FLOOD_LIST, given DROPPED
# connections that the launcher logged it took and closed without starting tarpit:
# each record names a connection of the flood by its own address and port; no
# connection has two of an event (a source port may serve twice, one connection
# after the other); each connection has both records, or neither and
# was one that the client reset, and those without are DROPPED.  With PORTLESS
# (xinetd, which passes the address alone), a connection reset before its tarpit
# asked the socket may be recorded with its own address and port 0: as many connect
# as disconnect records so, from each address no more than its resets left without
# records.  Prints the counts for the report.
assert_flood_recorded() {
	local dropped=$1 portless=${2-} connects disconnects unknown exact portless_sessions
	connects=$(records_of connect | awk '$2 != 0')
	disconnects=$(records_of disconnect | awk '$2 != 0')
	unknown=$(awk '$2 == "unknown"' "$RECORDS" | grep -c . || true)
	exact=$(comm -12 <(echo "$connects") <(echo "$disconnects") | grep -c . || true)
	portless_sessions=$(awk '$1 == "connect" && $3 == 0' "$RECORDS" | grep -c . || true)
	echo "# opened=$(summary opened) resets=$(summary resets) banners=$(summary banners)" \
		"connect_sec=$(summary connect_sec) connect_records=$(grep -c '^connect ' "$RECORDS")" \
		"disconnect_records=$(grep -c '^disconnect ' "$RECORDS") sessions=$((exact + portless_sessions))" \
		"unknown_address=$unknown port_0=$portless_sessions launcher_dropped=$dropped" >&3
	assert_equal "records naming no address: $unknown" "records naming no address: 0"
	[[ -n $portless ]] || assert_equal "sessions with port 0: $portless_sessions" "sessions with port 0: 0"
	# A source may use a port again once its connection has closed, so each list is
	# a multiset, and comm compares them so.  A record for no connection of the
	# flood, or one more than it had: a wrong address or port, or a record twice.
	assert_equal "$(comm -23 <(echo "$connects") <(connections))" ''
	assert_equal "$(comm -23 <(echo "$disconnects") <(connections))" ''
	# a connect without its disconnect, or the other way round
	assert_equal "$(comm -3 <(echo "$connects") <(echo "$disconnects"))" ''
	# the connections without records were all reset by the client
	assert_equal "$(comm -23 <(connections) <(echo "$connects") | comm -23 - <(connections reset))" ''
	# port 0: per address, as many connects as disconnects, no more than its resets
	assert_equal "$(portless_by_address connect)" "$(portless_by_address disconnect)"
	# (by counts a source, not by port: a reset's port may serve again later)
	join -a 1 -e 0 -o 0,1.2,2.2 <(portless_by_address connect) \
		<(connections reset | awk '{ print $1 }' | uniq -c | awk '{ print $2, $1 }') |
		awk '$2 > $3 { print "more port-0 sessions than resets from", $1; bad = 1 } END { exit bad }'
	join -a 1 -e 0 -o 0,1.2,2.2 <(echo "$connects" | awk '{ print $1 }' | uniq -c | awk '{ print $2, $1 }') \
		<(portless_by_address connect) | join - <(connections | awk '{ print $1 }' | uniq -c | awk '{ print $2, $1 }') |
		awk '$2 + $3 > $4 { print "more sessions than connections from", $1; bad = 1 } END { exit bad }'
	# and the launcher says it dropped each of the others
	assert_equal "$((exact + portless_sessions + dropped))" "$(summary opened)"
	FLOOD_SESSIONS=$((exact + portless_sessions))
}

# portless_by_address EVENT: "ADDRESS COUNT" of EVENT records with port 0, sorted.
portless_by_address() {
	awk -v e="$1" '$1 == e && $3 == 0 { print $2 }' "$RECORDS" | sort | uniq -c | awk '{ print $2, $1 }'
}

# assert_report_agrees ARGS...: tarpit-report --json (ARGS say where the journal is)
# counts the sessions of the flood, none still held, none lost, none unknown, none
# ignored as another program's.
assert_report_agrees() {
	run -0 "$@" --json
	echo "# report: sessions=$(jq .sessions <<<"$output") still_held=$(jq .still_held <<<"$output")" \
		"lost=$(jq .lost <<<"$output") unknown=$(jq .unknown_address_sessions <<<"$output")" \
		"skipped=$(jq .skipped_records <<<"$output") ignored=$(jq .ignored_records <<<"$output")" >&3
	assert_equal "report sessions: $(jq .sessions <<<"$output")" "report sessions: $FLOOD_SESSIONS"
	assert_equal "still held: $(jq .still_held <<<"$output")" "still held: 0"
	assert_equal "lost: $(jq .lost <<<"$output")" "lost: 0"
	assert_equal "unknown: $(jq .unknown_address_sessions <<<"$output")" "unknown: 0"
	assert_equal "skipped: $(jq .skipped_records <<<"$output")" "skipped: 0"
	assert_equal "ignored: $(jq .ignored_records <<<"$output")" "ignored: 0"
}

# --- systemd --------------------------------------------------------------------------

accepted() {
	unit_property tarpit.socket NAccepted
}

# container_records: the tarpit records in the container's journal, as
# "EVENT ADDRESS PORT" lines, into $RECORDS.
container_records() {
	in_container journalctl --sync
	in_container journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=tarpit |
		jq -r '[.TARPIT_EVENT, .REMOTE_ADDR, .REMOTE_PORT] | join(" ")' >"$RECORDS"
}

# container_journal: the directory of the container's journal files, as the host sees
# it: /var/log/journal where the volatile /var has one, else /run/log/journal.
container_journal() {
	local d
	for d in var/log/journal run/log/journal; do
		if compgen -G "/proc/$NSPAWN_LEADER/root/$d/*/*.journal" >/dev/null; then
			echo "/proc/$NSPAWN_LEADER/root/$d"
			return
		fi
	done
	fail "no journal files in the container"
}

# socket_dropped: how many connections PID 1 took from tarpit.socket and closed without
# an instance, as it logs them.
socket_dropped() {
	in_container journalctl -q -o cat --no-pager -u tarpit.socket |
		grep -Ec 'getpeername(\(\))? failed|Too many incoming connections' || true
}

@test "systemd: 2,000 connections from 128 sources, some reset at once; every one handed to tarpit has both records with its own address and port" {
	local before
	unit_dropin tarpit@.service test-flood "[Service]\nExecStart=\nExecStart=$NSPAWN_SBINDIR/tarpit $FLOOD_ARGS\n"
	before=$(accepted)
	flood in_container_net "$NSPAWN_PORT" "$SYSTEMD_SOURCES" "$SYSTEMD_PER_SOURCE"
	wait_until 30 no_instances
	container_records
	assert_flood_recorded "$(socket_dropped)"
	# PID 1's own count: each instance it made has logged both records
	assert_equal "instances: $(($(accepted) - before))" "instances: $FLOOD_SESSIONS"
	assert_equal "$(unit_property tarpit.socket NConnections)" 0
	assert_equal "$(unit_property tarpit.socket SubState)" listening
	assert_report_agrees "$REPORT" -D "$(container_journal)"
}

# --- xinetd ---------------------------------------------------------------------------

xinetd_records() {
	in_journal journalctl --sync
	in_journal journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=tarpit |
		jq -r '[.TARPIT_EVENT, .REMOTE_ADDR, .REMOTE_PORT] | join(" ")' >"$RECORDS"
}

# xinetd_dropped: how many connections xinetd took and closed without starting tarpit,
# as it logs them.
xinetd_dropped() {
	grep -Ec 'accept: |per_source_limit|service_limit' "$XINETD_DIR/xinetd.log" || true
}

xinetd_idle() {
	! xinetd_session_pids >/dev/null
}

@test "xinetd: 2,000 connections from 32 sources, some reset at once; every one handed to tarpit has both records with its own address and port" {
	flood in_xinetd_net "$XINETD_PORT" "$XINETD_SOURCES" "$XINETD_PER_SOURCE"
	wait_until 30 xinetd_idle
	xinetd_records
	assert_flood_recorded "$(xinetd_dropped)" portless
	assert_report_agrees in_journal "$REPORT"
}
