#!/usr/bin/env bats
# tarpit-report --blocklist: each part of the listing rule on journals with fixed
# timestamps, each format taken by its real consumer (postmap, rbldnsd and dig, nft in
# a network namespace of its own), and real tarpit sessions, real Postfix lines and
# real tarpit-probe records, with forged ones, in a journald of our own.

load test_helper/common-setup
load test_helper/report
load test_helper/blocklist

setup() {
	report_setup
}

teardown() {
	mx_ns_stop
	common_teardown
}

# --- the rule, on journals with fixed timestamps ---------------------------------------

@test "a session that talked before the greeting is listed; with no higher MX in the journal nothing else is" {
	bot_session 600 192.0.2.1 1
	bot_session 660 192.0.2.2 0
	journal_build
	run -0 blocklist plain
	assert_output 192.0.2.1
}

@test "a session while the higher MX took a connection within 5 minutes before and after is listed; without either it is not" {
	smtpd_connect 300 198.51.100.1
	bot_session 500 192.0.2.1 0
	postscreen_connect 700 198.51.100.2
	# a connection 5 min 1 s before, none after within 5 min
	bot_session 1001 192.0.2.2 0
	postscreen_connect 1302 198.51.100.3
	# one 2 min after, none within 5 min before
	bot_session 1900 192.0.2.3 0
	smtpd_connect 2020 198.51.100.4
	journal_build
	run -0 blocklist plain
	assert_output 192.0.2.1
}

@test "Postfix stopped or started between the connections around a session keeps its client off the list" {
	smtpd_connect 300 198.51.100.1
	master_line 400 'terminating on signal 15'
	bot_session 450 192.0.2.1 0
	master_line 500 'daemon started -- version 3.7.11, configuration /etc/postfix'
	smtpd_connect 520 198.51.100.1
	# a restart well before the next session's connections does not count against it
	bot_session 600 192.0.2.2 0
	smtpd_connect 640 198.51.100.1
	journal_build
	run -0 blocklist plain
	assert_output 192.0.2.2
}

@test "every higher MX must be up: a second MX host with no connection around the session keeps it off" {
	on_host "$MX1" mx1 "$BOOT_A" smtpd_connect 300 198.51.100.1
	on_host "$MX1" mx1 "$BOOT_A" smtpd_connect 700 198.51.100.1
	bot_session 500 192.0.2.1 0
	journal_build
	run -0 blocklist plain
	assert_output 192.0.2.1
	on_host "$MX2" mx2 "$BOOT_B" smtpd_connect 10 198.51.100.9
	journal_build
	run -0 blocklist plain
	assert_output ''
}

@test "an address a higher MX saw in the 30 days before, or at any time after, is not listed for its session; a pregreet one is" {
	smtpd_connect $((-29 * 86400)) 192.0.2.1
	smtpd_connect $((-31 * 86400)) 192.0.2.2
	smtpd_connect 300 198.51.100.1
	bot_session 500 192.0.2.1 0
	bot_session 510 192.0.2.2 0
	bot_session 520 192.0.2.3 0
	bot_session 530 192.0.2.4 1
	smtpd_connect 700 198.51.100.1
	# seen after their sessions, even to be refused: dropped at the next refresh
	smtpd_connect 3000 192.0.2.3
	smtpd_connect 3000 192.0.2.4
	journal_build
	run -0 blocklist plain -U "$(at 2000)"
	assert_output - <<'EOF'
192.0.2.2
192.0.2.3
192.0.2.4
EOF
	run -0 blocklist plain
	assert_output - <<'EOF'
192.0.2.2
192.0.2.4
EOF
}

@test "a failed probe within 2 minutes of a session keeps it off; where the probe runs, a session waits for its records to reach 2 minutes past it" {
	local t
	for t in 300 600 900 1100 1300 1500; do
		smtpd_connect "$t" 198.51.100.1
	done
	probe_record 300 up
	bot_session 500 192.0.2.1 0
	probe_record 360 up
	probe_record 619 down
	bot_session 800 192.0.2.2 0
	probe_record 921 down
	probe_record 1100 up
	bot_session 1200 192.0.2.3 0
	probe_record 1260 up
	probe_record 1319 up
	journal_build
	# 192.0.2.1: a failure 1 min 59 s after; .2: 2 min 1 s after, and none before;
	# .3: no record 2 min after it yet
	run -0 blocklist plain
	assert_output 192.0.2.2
	probe_record 1320 up
	journal_build
	run -0 blocklist plain
	assert_output - <<'EOF'
192.0.2.2
192.0.2.3
EOF
}

@test "a listing ends --expire after its last evidence, 24 hours unless told, and nft's timeout is what is left of it" {
	bot_session 0 192.0.2.1 1
	bot_session 3600 192.0.2.2 1
	bot_session 7100 192.0.2.2 1
	journal_build
	# each listed from its disconnect record, 30 s after its start
	run -0 blocklist plain -U "$(at 86429)"
	assert_output - <<'EOF'
192.0.2.1
192.0.2.2
EOF
	run -0 blocklist plain -U "$(at 86430)"
	assert_output 192.0.2.2
	run -0 blocklist plain -U "$(at 7200)" --expire 1h
	assert_output 192.0.2.2
	run -0 blocklist plain -U "$(at 10730)" --expire 1h
	assert_output ''
	# its last disconnect record at 7130 s: 7130 + 5400 - 7200 left
	run -0 blocklist nft -U "$(at 7200)" --expire '1h 30min'
	assert_line $'\t192.0.2.2 timeout 5330s'
	refute_line --partial 192.0.2.1
}

@test "IPv6 clients are listed as their /64, v4-mapped ones as IPv4, and 'unknown' never" {
	bot_session 100 2001:db8:1:2::7 1
	bot_session 110 2001:db8:1:2:ffff::9 1
	bot_session 120 ::ffff:198.51.100.7 1
	bot_session 130 unknown 1
	journal_build
	run -0 blocklist plain
	assert_output - <<'EOF'
198.51.100.7
2001:db8:1:2::/64
EOF
	# a higher MX that saw another address of the /64 saw the /64
	smtpd_connect 50 2001:db8:5:6::1
	smtpd_connect 300 2001:db8:5:6::99
	bot_session 200 2001:db8:5:6::2 0
	journal_build
	run -0 blocklist plain
	refute_output --partial 2001:db8:5:6
}

@test "the allowlist: its addresses and prefixes are never listed, nor a /64 that overlaps one" {
	bot_session 100 192.0.2.1 1
	bot_session 110 192.0.2.2 1
	bot_session 120 198.51.100.77 1
	bot_session 130 2001:db8:1:2::7 1
	bot_session 140 2001:db8:9:9::1 1
	journal_build
	printf '%s\n' '# partners' '192.0.2.1' '  198.51.100.0/24   # a provider' '' \
		'2001:db8:1::/48' >"$BATS_TEST_TMPDIR/allow"
	run -0 blocklist plain --allowlist "$BATS_TEST_TMPDIR/allow"
	assert_output - <<'EOF'
192.0.2.2
2001:db8:9:9::/64
EOF
}

@test "a wrong allowlist line is one error naming the file and the line, exit 65; a missing file exit 66" {
	bot_session 100 192.0.2.1 1
	journal_build
	printf '192.0.2.1\n192.0.2.300\n' >"$BATS_TEST_TMPDIR/allow"
	run -65 blocklist plain --allowlist "$BATS_TEST_TMPDIR/allow"
	assert_output "tarpit-report: --allowlist: $BATS_TEST_TMPDIR/allow:2: '192.0.2.300' is not an address or a prefix (192.0.2.7, 198.51.100.0/24, 2001:db8::/32)"
	printf '10.0.0.0/33\n' >"$BATS_TEST_TMPDIR/allow"
	run -65 blocklist plain --allowlist "$BATS_TEST_TMPDIR/allow"
	assert_output --partial ":1: '10.0.0.0/33' is not"
	printf '\033]0;x\a\n' >"$BATS_TEST_TMPDIR/allow"
	run -65 blocklist plain --allowlist "$BATS_TEST_TMPDIR/allow"
	assert_output --partial ":1: '?]0;x?' is not"
	run -66 blocklist plain --allowlist "$BATS_TEST_TMPDIR/none"
	assert_output --partial "tarpit-report: --allowlist: cannot open $BATS_TEST_TMPDIR/none"
}

@test "records, Postfix lines and probe records that other programs wrote are ignored and counted, in the lists and in the report" {
	smtpd_connect 300 198.51.100.1
	bot_session 500 192.0.2.1 0
	smtpd_connect 700 198.51.100.1
	# another program under tarpit's name, or in another unit, or in no unit
	COMM=python3 bot_session 510 192.0.2.66 1
	bot_session 520 192.0.2.67 1 _SYSTEMD_UNIT=session-2.scope
	bot_session 530 192.0.2.68 1 _SYSTEMD_UNIT=tarpit@1-192.0.2.25:25-192.0.2.68:4000.service
	COMM=logger IDENTIFIER=postfix/smtpd entry 800 77 'MESSAGE=connect from unknown[192.0.2.1]'
	IDENTIFIER=postfix/smtpd COMM=smtpd entry 801 78 'MESSAGE=connect from unknown[192.0.2.1]' \
		_SYSTEMD_UNIT=user@1000.service
	COMM=python3 probe_record 600 down
	journal_build
	run -0 blocklist postfix
	assert_line --index 0 --partial 'ignored, as not written by their programs: 4 tarpit records, 1 probe records, 2 Postfix lines'
	assert_equal "${#lines[@]}" 3
	assert_line --index 1 $'192.0.2.1\t450 4.7.1 Listed by the tar pit; try again later'
	assert_line --index 2 $'192.0.2.68\t450 4.7.1 Listed by the tar pit; try again later'
	run -0 report --json
	assert_json 'd["sessions"], d["ignored_records"]' '[2, 4]'
	run -0 report
	assert_figure 'ignored records' 4
	run -0 report --prometheus
	assert_line 'tarpit_report_ignored_records_total 4'
}

@test "a record journald could not name the writer of counts only if its user is the one tarpit's named records there show, before it or after" {
	# journald reads the name from /proc: a writer that has exited has none.  In a
	# flood none of a boot's first records may be named.
	COMM=- connect 50 300 192.0.2.3 4000
	COMM=- disconnect 51 300 192.0.2.3 4000 1.000 peer-closed 1
	connect 100 301 192.0.2.1 4000
	COMM=- disconnect 101 301 192.0.2.1 4000 1.000 peer-closed 1
	COMM=- WRITER_UID=1000 disconnect 111 302 192.0.2.2 4000 1.000 peer-closed 1
	COMM=- connect 130 304 192.0.2.4 4000
	COMM=- disconnect 131 304 192.0.2.4 4000 1.000 peer-closed 1
	# another boot of the host, where no named record has shown tarpit's user yet
	BOOT=$BOOT_B COMM=- disconnect 140 305 192.0.2.5 4000 1.000 peer-closed 1
	journal_build
	run -0 blocklist postfix
	assert_line --index 0 --partial ': 2 tarpit records, 0 probe records'
	assert_equal "${#lines[@]}" 4
	assert_line --index 1 --regexp $'^192\\.0\\.2\\.1\t'
	assert_line --index 2 --regexp $'^192\\.0\\.2\\.3\t'
	assert_line --index 3 --regexp $'^192\\.0\\.2\\.4\t'
	run -0 report --json
	assert_json 'd["sessions"], d["ignored_records"], d["still_held"]' '[3, 2, 0]'
}

@test "an unnamed probe record counts if it is of the user the probe's named records show" {
	smtpd_connect 300 198.51.100.1
	smtpd_connect 600 198.51.100.1
	probe_record 300 up
	bot_session 450 192.0.2.1 0
	probe_record 700 up
	COMM=- WRITER_UID=1000 probe_record 500 down
	journal_build
	run -0 blocklist plain
	assert_output 192.0.2.1
	COMM=- probe_record 501 down
	journal_build
	run -0 blocklist plain
	assert_output ''
}

@test "each format is taken by its consumer: postmap for both tables, rbldnsd answering dig, nft -f in a network namespace of its own" {
	bot_session 100 192.0.2.1 1
	bot_session 110 203.0.113.9 1
	bot_session 120 2001:db8:1:2::7 1
	journal_build
	local dir=$BATS_TEST_TMPDIR
	blocklist postfix -o "$dir/access.cidr" --postfix-action 'DEFER_IF_PERMIT Listed here'
	blocklist postscreen -o "$dir/postscreen.cidr"
	: >"$dir/main.cf"
	run -0 postmap -c "$dir" -q 203.0.113.9 "cidr:$dir/access.cidr"
	assert_output 'DEFER_IF_PERMIT Listed here'
	run -0 postmap -c "$dir" -q 2001:db8:1:2:ab::1 "cidr:$dir/postscreen.cidr"
	assert_output reject
	run -1 postmap -c "$dir" -q 192.0.2.2 "cidr:$dir/postscreen.cidr"
	assert_output ''
	# rbldnsd's own user reads the zone
	mkdir -m 755 "$dir/zone"
	blocklist rbldnsd -o "$dir/zone/tarpit"
	rbldnsd_start "$dir/zone" bl.test:combined:tarpit
	run -0 in_mx dig +short -p "$RBLDNSD_PORT" @127.0.0.1 9.113.0.203.bl.test A
	assert_output 127.0.0.2
	run -0 in_mx dig +short -p "$RBLDNSD_PORT" @127.0.0.1 9.113.0.203.bl.test TXT
	assert_output '"Listed by the tar pit; try again later"'
	run -0 in_mx dig +short -p "$RBLDNSD_PORT" @127.0.0.1 1.0.0.0.0.0.0.0.0.0.0.0.b.a.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.test A
	assert_output 127.0.0.2
	run -0 in_mx dig -p "$RBLDNSD_PORT" @127.0.0.1 2.2.0.192.bl.test A
	assert_output --partial 'status: NXDOMAIN'
	run -0 in_mx dig +short -p "$RBLDNSD_PORT" @127.0.0.1 bl.test SOA
	assert_output --regexp '^localhost\. hostmaster\.localhost\. [0-9]+ 60 60 3600 60$'
	# applied twice, as the timer does: the rules once, the elements replaced
	blocklist nft -o "$dir/list.nft"
	run -0 unshare --net -- sh -c 'nft -f "$1" && nft -f "$1" && nft list table inet tarpit_blocklist' sh "$dir/list.nft"
	assert_equal "$(grep -c 'drop$' <<<"$output")" 2
	assert_line --regexp 'elements = \{ 192\.0\.2\.1 timeout [0-9hms]+ expires [0-9hms]+,'
	assert_output --regexp '2001:db8:1:2::/64 timeout [0-9hms]+ expires'
}

@test "hostile values never reach a list: a HELO, a malformed address, a Postfix line's name" {
	bot_session 100 192.0.2.1 1 "%b:HELO=\x1b]0;owned\x07<script>"
	bot_session 110 '192.0.2.2\nreject' 1
	bot_session 120 '192.0.2.3 DUNNO' 1
	smtpd_connect 300 198.51.100.1
	IDENTIFIER=postfix/smtpd COMM=smtpd entry 310 500 "%b:MESSAGE=connect from evil\n192.0.2.9[192.0.2.9]"
	bot_session 500 192.0.2.9 0
	smtpd_connect 700 198.51.100.1
	journal_build
	local format
	for format in plain postfix postscreen rbldnsd nft; do
		run -0 blocklist "$format"
		refute_output --partial owned
		refute_output --partial DUNNO
		refute_output --partial 192.0.2.2
		# the line with a newline in its name is no Postfix line: .9 was not seen
		assert_output --partial 192.0.2.9
		[[ $output != *[^[:print:][:space:]]* ]] || fail "$format: a control character"
	done
}

@test "a wrong blocklist option is one line naming it and what it accepts, exit 64" {
	run -64 "$REPORT" --blocklist cdb
	assert_output "tarpit-report: --blocklist: 'cdb' is not plain, postfix, postscreen, rbldnsd or nft"
	run -64 "$REPORT" --blocklist plain --expire soon
	assert_output "tarpit-report: --expire: 'soon' is not a time span (24h, 90min, 2d, '1h 30min')"
	run -64 "$REPORT" --blocklist postfix --postfix-action $'450\tno'
	assert_output --partial "tarpit-report: --postfix-action: '450?no' is not a Postfix access action"
	run -64 "$REPORT" --blocklist plain --postfix-action reject
	assert_output 'tarpit-report: --postfix-action: only with --blocklist postfix'
	run -64 "$REPORT" --expire 1h
	assert_output 'tarpit-report: --allowlist, --expire and --postfix-action: only with --blocklist'
	run -64 "$REPORT" --blocklist plain -S -1h
	assert_output 'tarpit-report: --blocklist: no --since or --by; it reads back --expire and 30 days from --until (default: now)'
	run -64 "$REPORT" --blocklist plain --json
	assert_output 'tarpit-report: --json, --html, --prometheus, --addresses and --blocklist exclude each other'
}

# --- real programs ------------------------------------------------------------------

@test "real sessions, real Postfix lines and forged entries in one journald: the bot and the early talker are listed, the known sender and the one that fell back while Postfix was stopped are not" {
	common_setup
	tarpit_named
	# tarpit is to find its peer itself, as under systemd-socket-activate
	unset REMOTE_ADDR REMOTE_PORT
	mx_ns_start
	postfix_start
	tarpit_listen
	smtp_from 127.0.0.9 25                # someone the MX takes mail from
	tarpit_from 127.0.0.2 2525            # a bot, straight to the last MX
	smtp_from 127.0.0.3 25                # a known sender
	tarpit_from 127.0.0.3 2525            # which came here once too
	tarpit_from 127.0.0.4 2525 'EHLO x\r\n'  # talks before the greeting
	smtp_from 127.0.0.9 25
	in_mx postfix stop
	tarpit_from 127.0.0.5 2525            # falls back: the MX is stopped
	postfix_start
	smtp_from 127.0.0.9 25
	# others' entries under tarpit's and Postfix's names, through the same journald
	forged_disconnect 127.0.0.66
	in_mx logger -t postfix/smtpd 'connect from unknown[127.0.0.2]'
	wait_until 10 mx_journal_has '^connect from unknown\[127\.0\.0\.9\]$' 3
	wait_until 10 mx_journal_has 'event=disconnect remote_addr=127\.0\.0\.5 ' 1
	run -0 in_mx "$REPORT" --blocklist postfix
	assert_line --index 0 --partial 'ignored, as not written by their programs: 1 tarpit records, 0 probe records, 1 Postfix lines'
	assert_equal "${#lines[@]}" 3
	assert_line --index 1 --regexp $'^127\\.0\\.0\\.2\t450 4\\.7\\.1 '
	assert_line --index 2 --regexp $'^127\\.0\\.0\\.4\t450 4\\.7\\.1 '
	# and the table, as Postfix's own smtpd takes it, refuses the bot with a 450
	in_mx "$REPORT" --blocklist postfix -o /etc/postfix/tarpit.cidr
	in_mx postconf -e 'smtpd_client_restrictions = check_client_access cidr:/etc/postfix/tarpit.cidr'
	in_mx postfix reload
	run -0 smtp_from 127.0.0.2 25 'HELO bot.example\r\nMAIL FROM:<a@bot.example>\r\nRCPT TO:<postmaster@mx.test>\r\n'
	assert_output --partial '450 4.7.1 <unknown[127.0.0.2]>: Client host rejected: Listed by the tar pit; try again later'
}

@test "sessions that ended before journald took their records have unnamed records, and each still counts: its user is tarpit's" {
	common_setup
	tarpit_named
	unset REMOTE_ADDR REMOTE_PORT
	mx_ns_start
	tarpit_listen
	tarpit_from 127.0.0.2 2525            # one that journald names
	wait_until 10 mx_journal_has '^event=disconnect remote_addr=127\.0\.0\.2 ' 1
	# journald stopped: four sessions begin, end and exit before it reads a thing
	# (their 8 records fit the socket's queue of 10: net.unix.max_dgram_qlen)
	kill -STOP "$MX_NS_PID"
	local i
	for i in 1 2 3 4; do
		tarpit_from "127.0.1.$i" 2525
	done
	wait_until 10 tarpits_gone
	kill -CONT "$MX_NS_PID"
	wait_until 10 mx_journal_has '^event=disconnect remote_addr=127\.0\.1\.' 4
	run -0 in_mx journalctl -q -o json --no-pager -t tarpit
	assert_equal "unnamed: $(jq -s '[.[] | select(._COMM == null)] | length' <<<"$output")" 'unnamed: 8'
	# and an unnamed record of another user, as any program that exits at once leaves
	forged_disconnect 127.0.0.66 setpriv --reuid=1000
	wait_until 10 mx_journal_has '^event=disconnect remote_addr=127\.0\.0\.66 ' 1
	run -0 in_mx "$REPORT" --json
	assert_json 'd["sessions"], d["ignored_records"], d["still_held"], d["lost"]' '[5, 1, 0, 0]'
	run -0 in_mx "$REPORT" --blocklist plain
	refute_output --partial 127.0.0.66
}

@test "tarpit-probe: one record per target, up for a real Postfix, down for a closed port, and the report reads them" {
	mx_ns_start
	postfix_start
	run -0 in_mx "$PROBE" -t 5 127.0.0.1 127.0.0.1:25
	run -1 in_mx "$PROBE" -t 5 127.0.0.1:2 '[::1]:25'
	wait_until 10 mx_probe_count 4
	run -0 in_mx journalctl -q -o cat --no-pager -t tarpit-probe
	assert_output - <<'EOF'
event=probe target=127.0.0.1 addr=127.0.0.1 result=up
event=probe target=127.0.0.1:25 addr=127.0.0.1 result=up
event=probe target=127.0.0.1:2 addr=127.0.0.1 result=down error="refused"
event=probe target=[::1]:25 addr=::1 result=down error="refused"
EOF
	run -0 in_mx journalctl -q -o json --no-pager -t tarpit-probe PROBE_RESULT=down
	assert_equal "$(jq -r '[.MESSAGE_ID, .TARPIT_EVENT, .PROBE_TARGET, .PROBE_ADDR, .PROBE_ERROR, .PRIORITY] | join(" ")' <<<"${lines[0]}")" \
		"$(record_h_string MESSAGE_ID_PROBE) probe 127.0.0.1:2 127.0.0.1 refused 4"
	# the real records, with sessions and Postfix lines around them: the down record
	# keeps a session 1 minute before it off the list, and not one 3 minutes before
	local down
	down=$(jq -r '.__REALTIME_TIMESTAMP' <<<"${lines[0]}")
	in_mx journalctl -q -o export --no-pager -t tarpit-probe >>"$EXPORT"
	T0=$((down - 600 * 1000000))
	smtpd_connect 200 198.51.100.1
	bot_session 420 192.0.2.1 0
	smtpd_connect 500 198.51.100.1
	bot_session 540 192.0.2.2 0
	smtpd_connect 700 198.51.100.1
	probe_record 900 up
	journal_build
	run -0 blocklist plain -U "$(at 1000)"
	assert_output 192.0.2.1
}

@test "the probe's and the blocklist's units: systemd-analyze verify says nothing, and the timers run every minute" {
	cd "$BATS_TEST_DIRNAME/.."
	run units_analyze verify --man=no units/tarpit-probe.service units/tarpit-probe.timer \
		units/tarpit-blocklist.service units/tarpit-blocklist.timer
	assert_success
	assert_output ''
	grep -qx 'OnCalendar=minutely' units/tarpit-probe.timer
	grep -qx 'OnCalendar=minutely' units/tarpit-blocklist.timer
}

@test "tarpit-probe: a wrong option or target is one line naming what is accepted, exit 64" {
	run -64 "$PROBE"
	assert_output 'tarpit-probe: no target; usage: tarpit-probe [-t seconds] target ...'
	run -64 "$PROBE" -t 0 mx.test
	assert_output "tarpit-probe: -t: '0' is not a number of seconds from 1 to 300"
	run -64 "$PROBE" $'mx\x1b.test'
	assert_output "tarpit-probe: target 'mx?.test' is not host, host:port, address or [address]:port"
	run -64 "$PROBE" '[::1'
	assert_output --partial "target '[::1' is not"
	run -64 "$PROBE" -x mx.test
	assert_output "tarpit-probe: unknown option '-x'; accepted: -t, -h, -V"
}
